"""The simulator's cast: every active site area with its queues, counters (seats) and staff, made complete.

What the municipality lacks to serve the simulated load is created through
the organisation's own service functions (counter_create, staff_member_create,
authorisation_grant), never by writing rows directly, and only once: a second
run finds what the first made.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import prefetch_related_objects

from skranke.bookings.models import BookableService, Closure
from skranke.bookings.selectors import bookable_services
from skranke.catalogue.models import Kind, Service
from skranke.insights.simulation import profile
from skranke.organisation.models import (
    Area,
    Counter,
    Municipality,
    OpeningHours,
    Site,
    SiteKind,
    StaffGroup,
    StaffMember,
)
from skranke.organisation.policy import Reason, authorisation_status
from skranke.organisation.roles import Role
from skranke.organisation.selectors import (
    POLICY_PREFETCH,
    is_administrator,
    is_manager,
    services_for_municipality,
)
from skranke.organisation.services import authorisation_grant, counter_create, staff_member_create
from skranke.queues.models import Queue

SIM_PREFIX = "sim"
# A colleague authorised this many days before the first simulated day counts as new to the work for the
# first weeks (profile.NEW_AUTHORISATION_DAYS); the others have done it for long.
NEW_COLLEAGUE_DAYS = 14
EXPERIENCED_DAYS = 400
FIRST_NAMES = (
    "Anne", "Mikkel", "Camilla", "Rasmus", "Louise", "Kasper", "Sara", "Frederik", "Ida", "Mads",
    "Julie", "Søren", "Maria", "Thomas", "Nanna", "Emil", "Pernille", "Jakob", "Katrine", "Anders",
)  # fmt: skip
LAST_NAMES = (
    "Jensen", "Nielsen", "Hansen", "Pedersen", "Andersen", "Christensen", "Larsen", "Sørensen", "Rasmussen",
    "Jørgensen", "Petersen", "Madsen", "Kristensen", "Olsen", "Thomsen", "Poulsen", "Johansen", "Knudsen",
)  # fmt: skip


@dataclass
class Seat:
    counter: Counter
    group: str  # the staff group that sits here
    # A library staff member at a Borgerservice counter, doing the authority work the policy allows them.
    library_authority: bool = False


@dataclass
class Place:
    """One area of one site, as the simulation sees it."""

    site: Site
    area: str
    queues: list[Queue]
    services: dict[int, Service]  # what its queues take and the municipality offers, overrides applied
    seats: list[Seat]
    per_hour: float  # walk-ins per open hour on an average day
    usual_hours: float  # the mean opening hours of its open weekdays
    weights: dict[int, float]  # service id -> its share of the walk-ins
    hours: dict[int, list[tuple[dt.time, dt.time]]]
    closures: list[Closure]
    offers: list[BookableService] = field(default_factory=list)

    def queue_for(self, services: list[Service]) -> Queue | None:
        ids = {s.pk for s in services}
        return next((q for q in self.queues if ids <= q.served), None)


@dataclass
class Cast:
    municipality: Municipality
    places: list[Place]
    staff_by_site: dict[int, list[StaffMember]]
    related: dict[int, list[int]]  # service id -> the catalogue's related services, in order


def _usual_hours(hours: dict[int, list[tuple[dt.time, dt.time]]]) -> float:
    def length(opens: dt.time, closes: dt.time) -> float:
        return (closes.hour * 60 + closes.minute - opens.hour * 60 - opens.minute) / 60

    days = [sum(length(o, c) for o, c in rows) for rows in hours.values()]
    return sum(days) / len(days) if days else 0.0


def _counter_staff(site: Site) -> list[StaffMember]:
    """The site's staff who work at the counters: managers and administrators are left out."""
    members = (
        StaffMember.objects.filter(home_site=site, user__is_active=True)
        .select_related("user", "municipality")
        .order_by("pk")
    )
    return [m for m in members if not (is_manager(m.user) or is_administrator(m.user))]


def _granter(municipality: Municipality):
    for member in StaffMember.objects.filter(municipality=municipality).select_related("user").order_by("pk"):
        if is_manager(member.user):
            return member.user
    member = staff_member_create(
        municipality=municipality,
        username=_free_username(municipality, "leder"),
        first_name="Simuleret",
        last_name="Leder",
        staff_group=StaffGroup.CITIZEN_SERVICE,
        role=Role.MANAGER,
    )
    return member.user


def _free_username(municipality: Municipality, tail: str | None = None) -> str:
    users = get_user_model().objects
    if tail is not None:
        return f"{SIM_PREFIX}-{municipality.code}-{tail}"
    serial = users.filter(username__startswith=f"{SIM_PREFIX}-{municipality.code}-").count() + 1
    while users.filter(username=f"{SIM_PREFIX}-{municipality.code}-{serial:03d}").exists():
        serial += 1
    return f"{SIM_PREFIX}-{municipality.code}-{serial:03d}"


def _new_staff(municipality: Municipality, site: Site, group: str) -> StaffMember:
    username = _free_username(municipality)
    serial = int(username.rsplit("-", 1)[1])
    return staff_member_create(
        municipality=municipality,
        username=username,
        first_name=FIRST_NAMES[serial % len(FIRST_NAMES)],
        last_name=LAST_NAMES[(serial * 7) % len(LAST_NAMES)],
        staff_group=group,
        home_site=site,
    )


def _grant(member: StaffMember, services: list[Service], *, since: dt.date, granter, basis: str) -> None:
    for service in services:
        authorisation_grant(staff_member=member, service=service, valid_from=since, basis=basis, granted_by=granter)


def _authorised_for_any(member: StaffMember, services: list[Service], *, at: dt.datetime) -> bool:
    ids = {s.pk for s in services}
    return any(
        a.service_id in ids and authorisation_status(a, at=at) == Reason.ALLOWED
        for a in member.authorisations.filter(municipality=member.municipality)
    )


def _seats(site: Site, area: str, counters: list[Counter], *, library_authority: bool) -> list[Seat]:
    group = StaffGroup.LIBRARY if area == Area.LIBRARY else StaffGroup.CITIZEN_SERVICE
    seats = [Seat(counter=c, group=group) for c in counters]
    if area == Area.CITIZEN_SERVICE and library_authority and site.kind == SiteKind.COMBINED:
        if len(seats) < 2:
            # One Borgerservice counter for the library staff beside the officer's, so both groups do the work.
            names = {c.name for c in Counter.objects.filter(site=site)}
            number = len(names) + 1
            while f"Skranke {number}" in names:
                number += 1
            seats.append(Seat(counter=counter_create(site=site, name=f"Skranke {number}", area=area), group=group))
        seats[-1].group, seats[-1].library_authority = StaffGroup.LIBRARY, True
    return seats


@transaction.atomic
def cast_prepare(*, municipality: Municipality, first_day: dt.date) -> Cast:
    """Every active site area that has a queue and counters, staffed well enough for the simulated load."""
    municipality = Municipality.objects.prefetch_related("library_authority_services", "service_overrides").get(
        pk=municipality.pk
    )
    offered = {s.pk: s for s in services_for_municipality(municipality=municipality)}
    library_authority = [s for s in municipality.library_authority_services.all() if s.pk in offered]
    may_library_authority = municipality.library_staff_authority and bool(library_authority)
    authority = [s for s in offered.values() if s.kind == Kind.AUTHORITY]
    first_moment = dt.datetime.combine(first_day, dt.time(12), tzinfo=dt.UTC)
    since_new = first_day - dt.timedelta(days=NEW_COLLEAGUE_DAYS)
    since_old = first_day - dt.timedelta(days=EXPERIENCED_DAYS)
    granter = None
    places, staff_by_site = [], {}
    for site in municipality.sites.filter(active=True).order_by("name", "pk"):
        site_places = []
        for area in (Area.LIBRARY, Area.CITIZEN_SERVICE):
            queues = list(Queue.objects.filter(site=site, area=area, active=True).order_by("letter"))
            counters = list(
                Counter.objects.filter(site=site, area=area, active=True).select_related("site").order_by("name", "pk")
            )
            hours = {}
            for row in OpeningHours.objects.filter(site=site, area=area).order_by("weekday", "opens"):
                hours.setdefault(row.weekday, []).append((row.opens, row.closes))
            if not (queues and counters and hours):
                continue
            for queue in queues:
                queue.served = set(queue.services.values_list("pk", flat=True))
            services = {pk: offered[pk] for q in queues for pk in sorted(q.served) if pk in offered}
            seats = _seats(site, area, counters, library_authority=may_library_authority)
            moved = {s.pk for s in library_authority} if any(s.library_authority for s in seats) else set()
            weights = {
                pk: profile.walk_in_weight(
                    key=s.key,
                    kind=s.kind,
                    area=area,
                    needs_appointment=bool(s.effective_needs_appointment),
                    moved=pk in moved,
                )
                for pk, s in services.items()
            }
            per_hour = profile.walk_ins_per_hour(
                area=area,
                counters=sum(profile.LIBRARY_AUTHORITY_SEAT if s.library_authority else 1 for s in seats),
                mix=[(weights[pk], s.effective_duration) for pk, s in services.items()],
            )
            site_places.append(
                Place(
                    site=site,
                    area=area,
                    queues=queues,
                    services=services,
                    seats=seats,
                    per_hour=per_hour,
                    usual_hours=_usual_hours(hours),
                    weights=weights,
                    hours=hours,
                    closures=list(Closure.objects.filter(site=site)),
                    offers=[o for o in bookable_services(municipality=municipality, site=site) if o.setup.area == area],
                )
            )
        if not site_places:
            continue
        seats = [seat for place in site_places for seat in place.seats]
        members = _counter_staff(site)
        library = [m for m in members if m.staff_group == StaffGroup.LIBRARY]
        officers = [m for m in members if m.staff_group == StaffGroup.CITIZEN_SERVICE]
        # One spare person per group, so the rota gives days off and the seats change hands.
        want_library = sum(1 for s in seats if s.group == StaffGroup.LIBRARY)
        want_officers = sum(1 for s in seats if s.group == StaffGroup.CITIZEN_SERVICE)
        want_authorised = sum(1 for s in seats if s.library_authority)
        if want_authorised:
            authorised = [m for m in library if _authorised_for_any(m, library_authority, at=first_moment)]
            for index in range(len(authorised), want_authorised + 1):
                granter = granter or _granter(municipality)
                member = _new_staff(municipality, site, StaffGroup.LIBRARY)
                # The first one is new to the work: the comparison then has a learner to show.
                since = since_new if index == len(authorised) else since_old
                _grant(member, library_authority, since=since, granter=granter, basis="Kursus (simuleret)")
                library.append(member)
        while want_library and len(library) < want_library + 1:
            library.append(_new_staff(municipality, site, StaffGroup.LIBRARY))
        added = 0
        while want_officers and len(officers) < want_officers + 1:
            granter = granter or _granter(municipality)
            member = _new_staff(municipality, site, StaffGroup.CITIZEN_SERVICE)
            since = since_new if added == 0 else since_old
            _grant(member, authority, since=since, granter=granter, basis="Borgerserviceuddannelse (simuleret)")
            officers.append(member)
            added += 1
        staff = sorted(library + officers, key=lambda m: m.pk)
        prefetch_related_objects(staff, "user", *POLICY_PREFETCH)
        staff_by_site[site.pk] = staff
        places += site_places
    related = {}
    for source, target in Service.related.through.objects.order_by("pk").values_list(
        "from_service_id", "to_service_id"
    ):
        related.setdefault(source, []).append(target)
    return Cast(municipality=municipality, places=places, staff_by_site=staff_by_site, related=related)


def rota(cast: Cast, place_seats: list[Seat], site: Site, day_number: int, *, may_serve) -> dict[int, StaffMember]:
    """Who sits where at `site` on the day: {counter id: staff member}, rotating with the day.

    `may_serve(member, seat)` says whether the member can do anything at the seat
    (a library staff member at a Borgerservice counter needs an authorisation).
    """
    staff = cast.staff_by_site.get(site.pk, [])
    if not staff:
        return {}
    shift = day_number % len(staff)
    order = staff[shift:] + staff[:shift]
    taken, sitting = set(), {}
    # The seats that need someone special first, then the ordinary ones.
    for seat in sorted(place_seats, key=lambda s: (not s.library_authority, s.group != StaffGroup.CITIZEN_SERVICE)):
        for member in order:
            if member.pk in taken or member.staff_group != seat.group or not may_serve(member, seat):
                continue
            sitting[seat.counter.pk] = member
            taken.add(member.pk)
            break
    return sitting
