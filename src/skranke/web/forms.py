"""Forms of the staff pages."""

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from skranke.catalogue.models import Kind, localized
from skranke.contacts.models import GuidanceMode, Outcome
from skranke.errors import SkrankeError
from skranke.organisation.models import Counter, StaffMember
from skranke.privacy.cpr import CPR_SHAPED, Cpr
from skranke.privacy.cpr import parse as cpr_parse
from skranke.privacy.models import Action
from skranke.queues.models import Queue


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


# The counter day


class KioskTextForm(forms.Form):
    text = forms.CharField(
        label=_("Hvad skal du have hjælp til?"),
        max_length=300,
        required=False,
        strip=True,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )


class FinishForm(forms.Form):
    """The outcome of each service of a ticket; optionally the citizen's CPR number, kept only as a hash."""

    cpr = forms.CharField(
        label=_("Borgerens CPR-nummer (valgfrit)"),
        required=False,
        max_length=20,
        help_text=_("Gemmes kun som en kode, så gentagne henvendelser kan tælles. Nummeret selv gemmes ikke."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
    )
    power_of_attorney = forms.BooleanField(label=_("Borgeren blev hjulpet med en fuldmagt"), required=False)

    def __init__(self, *args, services, **kwargs):
        super().__init__(*args, **kwargs)
        self.services = services
        for service in services:
            name = localized(service, "name")
            self.fields[f"outcome_{service.pk}"] = forms.ChoiceField(
                label=_("Resultat for %(service)s") % {"service": name},
                choices=Outcome.choices,
                widget=forms.RadioSelect(attrs={"class": "form-radio"}),
                error_messages={"required": _("Vælg et resultat for %(service)s.") % {"service": name}},
            )
            self.fields[f"referred_{service.pk}"] = forms.CharField(
                label=_("Henvist til"), required=False, max_length=200
            )
            if service.kind == Kind.GUIDANCE:
                self.fields[f"mode_{service.pk}"] = forms.ChoiceField(
                    label=_("Vejledning"),
                    choices=GuidanceMode.choices,
                    widget=forms.RadioSelect(attrs={"class": "form-radio"}),
                    error_messages={
                        "required": _("Angiv for %(service)s, om borgeren blev vist hvordan, eller om det blev gjort.")
                        % {"service": name}
                    },
                )

    def rows(self):
        """Per service: the service and its bound fields, for the template."""
        for service in self.services:
            yield (
                service,
                self[f"outcome_{service.pk}"],
                self[f"referred_{service.pk}"],
                self[f"mode_{service.pk}"] if f"mode_{service.pk}" in self.fields else None,
            )

    def clean_cpr(self) -> Cpr | None:
        raw = self.cleaned_data["cpr"]
        if not raw:
            return None
        try:
            return cpr_parse(raw)
        except SkrankeError as error:
            raise forms.ValidationError(error.message, code=error.code) from None

    def cleaned_lines(self):
        for service in self.services:
            yield (
                service,
                self.cleaned_data[f"outcome_{service.pk}"],
                self.cleaned_data.get(f"referred_{service.pk}", ""),
                self.cleaned_data.get(f"mode_{service.pk}", ""),
            )


class TransferForm(forms.Form):
    queue = forms.ModelChoiceField(
        label=_("Flyt til køen"),
        queryset=None,
        empty_label=None,
        error_messages={"invalid_choice": _("Vælg en af lokationens åbne køer.")},
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    service = forms.ChoiceField(
        label=_("Ydelse i den nye kø"), required=False, widget=forms.Select(attrs={"class": "form-select"})
    )
    note = forms.CharField(
        label=_("Note til kollegaen"),
        required=False,
        max_length=300,
        widget=forms.TextInput(attrs={"class": "form-input"}),
    )

    def __init__(self, *args, queues, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["queue"].queryset = Queue.objects.filter(pk__in=[q.pk for q in queues])
        self._services = {s.key: s for q in queues for s in q.services.all()}
        self.fields["service"].choices = [("", _("De samme som nu"))] + [
            (q.name, [(s.key, localized(s, "name")) for s in q.services.all()]) for q in queues
        ]

    def clean_service(self):
        key = self.cleaned_data.get("service")
        return self._services.get(key) if key else None
