"""Forms of the staff pages."""

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from skranke.errors import SkrankeError
from skranke.organisation.models import Counter, StaffMember
from skranke.privacy.cpr import CPR_SHAPED, Cpr
from skranke.privacy.cpr import parse as cpr_parse
from skranke.privacy.models import Action


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


# The audit trail


def _staff_label(staff: StaffMember) -> str:
    name = staff.user.get_full_name()
    return f"{name} ({staff.user.get_username()})" if name else staff.user.get_username()


def _local_midnight(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


class AuditFilterForm(forms.Form):
    """The log's filters: staff member, action and period. Never a CPR number (they travel in the URL)."""

    actor = forms.TypedChoiceField(
        label=_("Medarbejder"),
        coerce=int,
        required=False,
        empty_value=None,
        error_messages={"invalid_choice": _("Medarbejderen findes ikke i din kommune. Vælg en på listen.")},
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    action = forms.ChoiceField(
        label=_("Handling"),
        required=False,
        error_messages={"invalid_choice": _("Vælg en handling på listen.")},
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    date_from = forms.DateField(
        label=_("Fra og med"),
        required=False,
        error_messages={"invalid": _("Skriv en rigtig dato, fx 24.11.2026.")},
        widget=forms.DateInput(attrs={"class": "form-input", "type": "date"}, format="%Y-%m-%d"),
    )
    date_to = forms.DateField(
        label=_("Til og med"),
        required=False,
        error_messages={"invalid": _("Skriv en rigtig dato, fx 24.11.2026.")},
        widget=forms.DateInput(attrs={"class": "form-input", "type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args, staff: list[StaffMember], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["actor"].choices = [("", _("Alle medarbejdere")), *((s.user_id, _staff_label(s)) for s in staff)]
        self.fields["action"].choices = [("", _("Alle handlinger")), *Action.choices]

    def clean(self):
        cleaned = super().clean()
        date_from, date_to = cleaned.get("date_from"), cleaned.get("date_to")
        if date_from and date_to and date_from > date_to:
            self.add_error("date_to", _("Til-datoen ligger før fra-datoen. Ret en af dem."))
        return cleaned

    def period(self) -> tuple[dt.datetime | None, dt.datetime | None]:
        """The chosen days as an interval [since, until) in local time; the to-date counts whole."""
        date_from, date_to = self.cleaned_data.get("date_from"), self.cleaned_data.get("date_to")
        since = _local_midnight(date_from) if date_from else None
        until = _local_midnight(date_to + dt.timedelta(days=1)) if date_to else None
        return since, until

    def criteria(self) -> dict:
        """The filters as they are recorded with a citizen search."""
        data = self.cleaned_data
        return {
            "actor": data.get("actor"),
            "action": data.get("action"),
            "from": data["date_from"].isoformat() if data.get("date_from") else None,
            "to": data["date_to"].isoformat() if data.get("date_to") else None,
        }


class CitizenForm(forms.Form):
    """A CPR number and the purpose of looking the citizen up.

    The CPR number is never shown again: the template leaves the field empty
    after a post, so the number is not in the page, only its masked form.
    """

    purpose_required = _("Skriv formålet.")

    cpr = forms.CharField(
        label=_("CPR-nummer"),
        max_length=20,
        strip=True,
        error_messages={"required": _("Skriv et CPR-nummer.")},
    )
    purpose = forms.CharField(label=_("Formål"), max_length=300, strip=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["purpose"].error_messages["required"] = self.purpose_required

    def clean_cpr(self) -> Cpr:
        try:
            return cpr_parse(self.cleaned_data["cpr"])
        except SkrankeError as error:
            raise forms.ValidationError(error.message, code=error.code) from None

    def clean_purpose(self) -> str:
        purpose = self.cleaned_data["purpose"]
        # The purpose is stored and shown to the citizen; the number is not.
        if CPR_SHAPED.search(purpose):
            raise forms.ValidationError(
                _("Skriv ikke CPR-nummeret i formålet. Det hører kun til i feltet CPR-nummer."), code="invalid"
            )
        return purpose


class CitizenSearchForm(CitizenForm):
    purpose_required = _("Skriv formålet med søgningen.")


class AccessReportForm(CitizenForm):
    purpose_required = _("Skriv formålet, fx »Borgerens anmodning om indsigt, sag 2026-1234«.")
