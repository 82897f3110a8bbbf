"""Forms of the staff pages."""

from django import forms
from django.utils.translation import gettext_lazy as _

from skranke.organisation.models import Counter, StaffMember


def counter_choices(*, staff: StaffMember, counters: list[Counter]) -> list[tuple[str, list[tuple[int, str]]]]:
    """Counters grouped by site, the staff member's home site first."""
    groups: dict[int, tuple[str, list[tuple[int, str]]]] = {}
    for counter in counters:
        label = f"{counter.name} ({counter.get_area_display()})"
        groups.setdefault(counter.site_id, (counter.site.name, []))[1].append((counter.pk, label))
    home = staff.home_site_id
    ordered = sorted(groups.items(), key=lambda item: (item[0] != home, item[1][0]))
    return [group for _site_id, group in ordered]


class CounterChoiceForm(forms.Form):
    counter = forms.TypedChoiceField(
        label=_("Skranke"),
        coerce=int,
        error_messages={
            "required": _("Vælg en skranke."),
            "invalid_choice": _("Skranken findes ikke i din kommune, eller den er lukket. Vælg en skranke på listen."),
        },
        widget=forms.Select(attrs={"class": "form-select", "aria-describedby": "counter-hint"}),
    )

    def __init__(self, *args, staff: StaffMember, counters: list[Counter], **kwargs):
        super().__init__(*args, **kwargs)
        self.counters = {c.pk: c for c in counters}
        self.fields["counter"].choices = [("", _("Vælg skranke")), *counter_choices(staff=staff, counters=counters)]

    def clean_counter(self) -> Counter:
        return self.counters[self.cleaned_data["counter"]]
