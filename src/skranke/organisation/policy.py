"""The one rule on who may handle which service at which counter.

Every path that handles a service — calling a ticket, recording a contact,
adding a service mid-visit, the API — asks `check()` and nothing else.
"""

import datetime as dt
import enum
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from skranke.catalogue.models import Kind, Service, localized
from skranke.organisation.models import Area, Authorisation, Counter, StaffGroup, StaffMember
from skranke.organisation.selectors import override_for


class Reason(enum.StrEnum):
    ALLOWED = "allowed"
    OTHER_MUNICIPALITY = "other_municipality"
    STAFF_INACTIVE = "staff_inactive"
    COUNTER_INACTIVE = "counter_inactive"
    SERVICE_OFF = "service_off"
    NO_LIBRARY_WORK = "no_library_work"
    LIBRARY_STAFF_NO_AUTHORITY = "library_staff_no_authority"
    LIBRARY_STAFF_NOT_THIS_SERVICE = "library_staff_not_this_service"
    NO_AUTHORISATION = "no_authorisation"
    AUTHORISATION_NOT_YET_VALID = "authorisation_not_yet_valid"
    AUTHORISATION_EXPIRED = "authorisation_expired"
    AUTHORISATION_REVOKED = "authorisation_revoked"
    WRONG_COUNTER_AREA = "wrong_counter_area"


@dataclass(frozen=True)
class Decision:
    reason: Reason
    message: str = ""

    @property
    def allowed(self) -> bool:
        return self.reason == Reason.ALLOWED

    def __bool__(self) -> bool:
        return self.allowed


ALLOWED = Decision(Reason.ALLOWED)
AUTHORISATION_STATUS_LABELS = {
    Reason.ALLOWED: gettext_lazy("gyldig"),
    Reason.AUTHORISATION_EXPIRED: gettext_lazy("udløbet"),
    Reason.AUTHORISATION_NOT_YET_VALID: gettext_lazy("endnu ikke gyldig"),
    Reason.AUTHORISATION_REVOKED: gettext_lazy("tilbagekaldt"),
}
_REFER = gettext_lazy("henvis til en borgerservicemedarbejder")


def check(*, staff: StaffMember, service: Service, counter: Counter, at: dt.datetime | None = None) -> Decision:
    """May `staff` handle `service` at `counter` at the moment `at` (default now)?

    Reads `staff.authorisations` and `municipality.service_overrides` through
    `.all()`, so a caller checking many services can prefetch them once.
    """
    at = at or timezone.now()
    municipality = staff.municipality

    if counter.site.municipality_id != staff.municipality_id:
        return Decision(Reason.OTHER_MUNICIPALITY, _("Skranken hører til en anden kommune end din."))
    if not staff.user.is_active:
        return Decision(Reason.STAFF_INACTIVE, _("Din brugerkonto er deaktiveret."))
    if not (counter.active and counter.site.active):
        return Decision(Reason.COUNTER_INACTIVE, _("Skranken %(counter)s er lukket ned.") % {"counter": counter.name})
    if service.retired or not _service_enabled(municipality, service):
        return Decision(
            Reason.SERVICE_OFF, _("Kommunen tilbyder ikke %(service)s.") % {"service": localized(service, "name")}
        )

    if service.kind == Kind.GUIDANCE:
        return ALLOWED

    if service.kind == Kind.LIBRARY:
        if staff.staff_group == StaffGroup.CITIZEN_SERVICE and not municipality.citizen_service_staff_library_work:
            return Decision(
                Reason.NO_LIBRARY_WORK,
                _(
                    "Kommunen har valgt, at borgerservicemedarbejdere ikke udfører biblioteksopgaver — "
                    "henvis til en biblioteksmedarbejder."
                ),
            )
        return ALLOWED

    # AUTHORITY work from here on.
    if staff.staff_group == StaffGroup.LIBRARY:
        if not municipality.library_staff_authority:
            return Decision(
                Reason.LIBRARY_STAFF_NO_AUTHORITY,
                _("Biblioteksmedarbejdere udfører ikke myndighedsopgaver i kommunen — %(refer)s.") % {"refer": _REFER},
            )
        if not any(s.pk == service.pk for s in municipality.library_authority_services.all()):
            return Decision(
                Reason.LIBRARY_STAFF_NOT_THIS_SERVICE,
                _("Kommunen tillader ikke, at biblioteksmedarbejdere behandler %(service)s — %(refer)s.")
                % {"service": localized(service, "name"), "refer": _REFER},
            )

    state = authorisation_state(staff=staff, service=service, at=at)
    if state != Reason.ALLOWED:
        messages = {
            Reason.NO_AUTHORISATION: _("Du har ikke bemyndigelse til %(service)s — %(refer)s."),
            Reason.AUTHORISATION_NOT_YET_VALID: _("Din bemyndigelse til %(service)s gælder endnu ikke — %(refer)s."),
            Reason.AUTHORISATION_EXPIRED: _("Din bemyndigelse til %(service)s er udløbet — %(refer)s."),
            Reason.AUTHORISATION_REVOKED: _("Din bemyndigelse til %(service)s er tilbagekaldt — %(refer)s."),
        }
        return Decision(state, messages[state] % {"service": localized(service, "name"), "refer": _REFER})

    if municipality.authority_at_citizen_service_counter and counter.area != Area.CITIZEN_SERVICE:
        return Decision(
            Reason.WRONG_COUNTER_AREA,
            _("%(service)s er en myndighedsopgave og skal behandles ved en borgerservice-skranke.")
            % {"service": localized(service, "name")},
        )
    return ALLOWED


def authorisation_state(*, staff: StaffMember, service: Service, at: dt.datetime) -> Reason:
    """ALLOWED when one authorisation for this very service is valid at `at`.

    Only the staff member's current municipality's authorisations count. When
    none is valid, the reason names the most useful fact for the staff member:
    a grant that starts later, then a revocation, then an expiry.
    """
    states = {authorisation_status(a, at=at) for a in _authorisations(staff, service)}
    for reason in (
        Reason.ALLOWED,
        Reason.AUTHORISATION_NOT_YET_VALID,
        Reason.AUTHORISATION_REVOKED,
        Reason.AUTHORISATION_EXPIRED,
    ):
        if reason in states:
            return reason
    return Reason.NO_AUTHORISATION


def _authorisations(staff: StaffMember, service: Service) -> list[Authorisation]:
    return [
        a
        for a in staff.authorisations.all()
        if a.service_id == service.pk and a.municipality_id == staff.municipality_id
    ]


def authorisation_status(authorisation: Authorisation, *, at: dt.datetime) -> Reason:
    """The state of one authorisation at the moment `at`: a revocation outranks the dates."""
    day = timezone.localdate(at)
    if authorisation.revoked_at is not None and authorisation.revoked_at <= at:
        return Reason.AUTHORISATION_REVOKED
    if day < authorisation.valid_from:
        return Reason.AUTHORISATION_NOT_YET_VALID
    if authorisation.valid_to is not None and day > authorisation.valid_to:
        return Reason.AUTHORISATION_EXPIRED
    return Reason.ALLOWED


def _service_enabled(municipality, service: Service) -> bool:
    override = override_for(municipality=municipality, service=service)
    return override.enabled if override is not None else True
