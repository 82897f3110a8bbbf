"""Presentation helpers for the staff pages: icons, badges, Danish amounts, names per language."""

from decimal import Decimal

from django import template
from django.templatetags.static import static
from django.utils import numberformat
from django.utils.html import format_html
from django.utils.translation import gettext as _

from skranke.catalogue.models import Kind
from skranke.catalogue.models import localized as catalogue_localized
from skranke.organisation.models import Area

register = template.Library()

SPRITE = "dkfds/img/all-svg-icons.svg"
# Colour is never the only signal: every badge carries a label and an icon too.
AREA_ICONS = {Area.LIBRARY: "bookmarks", Area.CITIZEN_SERVICE: "business"}
KIND_ICONS = {Kind.LIBRARY: "bookmarks", Kind.GUIDANCE: "support-agent", Kind.AUTHORITY: "contact-card"}


@register.simple_tag
def icon(name: str, css_class: str = ""):
    """An icon from the DKFDS sprite; decorative, so hidden from screen readers."""
    classes = f"icon-svg {css_class}".strip()
    return format_html(
        '<svg class="{}" focusable="false" aria-hidden="true"><use href="{}#{}"></use></svg>',
        classes,
        static(SPRITE),
        name,
    )


@register.filter
def area_css(area) -> str:
    """CSS class suffix for an area: "library", "citizen-service" or "none"."""
    return Area(area).value.lower().replace("_", "-") if area else "none"


@register.filter
def area_icon(area) -> str:
    return AREA_ICONS[Area(area)] if area else "location"


@register.filter
def area_label(area) -> str:
    return Area(area).label if area else ""


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None


@register.inclusion_tag("web/_area_badge.html")
def area_badge(area, large: bool = False):
    area = Area(area) if area else None
    return {
        "area": area,
        "css": area_css(area),
        "icon_name": AREA_ICONS[area] if area else "location",
        "large": large,
    }


@register.inclusion_tag("web/_kind_badge.html")
def kind_badge(kind):
    kind = Kind(kind)
    return {"kind": kind, "css": kind.value.lower(), "icon_name": KIND_ICONS[kind]}


@register.inclusion_tag("web/_verdict.html")
def verdict(decision, counter):
    return {"decision": decision, "counter": counter}


@register.filter
def kroner(amount) -> str:
    """893 -> "893,00 kr.", 1234.5 -> "1.234,50 kr.", None -> "Ukendt" (Danish number format)."""
    if amount is None or amount == "":
        return _("Ukendt")
    number = numberformat.format(
        Decimal(amount), decimal_sep=",", decimal_pos=2, grouping=3, thousand_sep=".", force_grouping=True
    )
    return _("%(amount)s kr.") % {"amount": number}


@register.filter
def localized(obj, field: str) -> str:
    return catalogue_localized(obj, field)
