"""Presentation helpers for the staff pages: icons, badges, Danish amounts, names per language."""

from decimal import Decimal

from django import template
from django.templatetags.static import static
from django.utils import numberformat
from django.utils.html import format_html
from django.utils.safestring import mark_safe
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
def minutes(seconds) -> str:
    """Seconds as minutes and seconds, "4:05 min"; "–" when there is nothing to show."""
    if seconds is None or seconds == "":
        return "–"
    whole = round(float(seconds))
    return _("%(minutes)d:%(seconds)02d min") % {"minutes": whole // 60, "seconds": whole % 60}


@register.filter
def percent(share) -> str:
    """0.823 -> "82 %" (Danish writes a space before the sign); "–" for no share."""
    if share is None or share == "":
        return "–"
    return _("%(value)s %%") % {"value": numberformat.format(round(100 * float(share)), decimal_sep=",")}


@register.filter
def decimal1(value) -> str:
    """3.456 -> "3,5"; "–" for nothing."""
    if value is None or value == "":
        return "–"
    return numberformat.format(round(float(value), 1), decimal_sep=",", decimal_pos=1)


@register.filter
def localized(obj, field: str) -> str:
    return catalogue_localized(obj, field)


@register.simple_tag
def face_svg(value: int) -> str:
    """A face from very unhappy (1) to very happy (5): the mouth bends with the value. Decorative; the label says it."""
    bend = 11 + (int(value) - 1) * 2  # 11: a frown, 15: a straight mouth, 19: a smile
    return mark_safe(
        '<svg class="face" viewBox="0 0 24 24" width="48" height="48" aria-hidden="true" focusable="false">'
        '<circle cx="12" cy="12" r="10.5" fill="none" stroke="currentColor" stroke-width="1.5"/>'
        '<circle cx="8.5" cy="9.5" r="1.3" fill="currentColor"/>'
        '<circle cx="15.5" cy="9.5" r="1.3" fill="currentColor"/>'
        f'<path d="M7.5 15.5 Q12 {bend} 16.5 15.5" fill="none" stroke="currentColor" stroke-width="1.5" '
        'stroke-linecap="round"/></svg>'
    )


@register.simple_tag
def tablet_url(counter) -> str:
    from skranke.web.views_satisfaction import tablet_url as url

    return url(counter)
