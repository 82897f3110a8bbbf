"""Reads for appointments: what can be booked where, the free times, and the day's appointments.

A slot search loads the period's hours, closures and booked times in three
queries and computes the rest in Python (bookings.slots), so a page asking
for four weeks at every site stays fast.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Func, IntegerField, Prefetch, QuerySet, prefetch_related_objects
from django.utils import timezone
from django.utils.translation import gettext as _

from skranke.bookings.calendar import closed_because, windows
from skranke.bookings.models import (
    HOLDS_LANE,
    Appointment,
    AppointmentService,
    BookableService,
    BookingSetup,
    Channel,
    Closure,
)
from skranke.bookings.slots import Lanes, free_starts, held_block
from skranke.catalogue.models import Service, localized
from skranke.errors import NotFound, SkrankeError
from skranke.organisation.models import Municipality, OpeningHours, Site
from skranke.organisation.selectors import override_for, scope, with_override


@dataclass(frozen=True)
class FreeSlot:
    """A free start time for a visit: where, on which lane, from when to when (UTC)."""

    site: Site
    area: str
    lane: int
    starts_at: dt.datetime
    ends_at: dt.datetime

    @property
    def local_start(self) -> dt.datetime:
        return timezone.localtime(self.starts_at)


@dataclass
class Visit:
    """One or several services in one visit at one site area: their offers, added duration and shared lanes."""

    setup: BookingSetup
    services: list[Service]
    offers: list[BookableService]
    # Every active offer of the setup with emergency slots: their held-back times close lane 1 for all.
    holds: list[BookableService] = field(default_factory=list)

    @property
    def site(self) -> Site:
        return self.setup.site

    @property
    def duration(self) -> dt.timedelta:
        return dt.timedelta(minutes=sum(offer_minutes(o) for o in self.offers))

    @property
    def lanes(self) -> int:
        # Only lanes every service of the visit may use: lanes 1..n of each, so the smallest n.
        return min([self.setup.lanes, *(o.lanes for o in self.offers)])

    @property
    def book_ahead_days(self) -> int:
        return min(o.book_ahead_days for o in self.offers)

    @property
    def min_notice(self) -> dt.timedelta:
        return dt.timedelta(minutes=max(o.min_notice_minutes for o in self.offers))

    @property
    def step(self) -> dt.timedelta:
        return dt.timedelta(minutes=self.setup.step_minutes)


def offer_minutes(offer: BookableService) -> int:
    """The offer's own duration, else the municipality's for the service, else the catalogue's."""
    if offer.duration_minutes:
        return offer.duration_minutes
    return getattr(offer.service, "effective_duration", None) or offer.service.duration_minutes


def _offers(*, municipality: Municipality, site: Site | None = None) -> list[BookableService]:
    offers = BookableService.objects.filter(
        setup__site__municipality=municipality, setup__site__active=True, active=True, service__retired=False
    ).select_related("setup__site", "service")
    if site is not None:
        offers = offers.filter(setup__site=site)
    offers = list(offers.order_by("setup__site__name", "setup__area", "service__position", "service__key"))
    prefetch_related_objects([municipality], "service_overrides")
    for offer in offers:
        with_override(offer.service, override_for(municipality=municipality, service=offer.service))
    return offers


def bookable_services(*, municipality: Municipality, site: Site | None = None) -> list[BookableService]:
    """The services citizens can book in the municipality (or at one site), the municipality's switch-offs left out.

    Each offer's service carries `effective_duration` (see organisation.selectors.with_override).
    """
    return [o for o in _offers(municipality=municipality, site=site) if o.service.offered]


def visits(*, municipality: Municipality, services: list[Service], site: Site | None = None) -> list[Visit]:
    """Every site area where all of `services` can be booked in one visit; a clear refusal when there is none.

    A service is bookable where the municipality made it so (a BookableService),
    whether or not the catalogue says it needs an appointment; the catalogue's
    flag only chooses the message for a service nobody made bookable.
    """
    if not services:
        raise SkrankeError(_("Vælg mindst én ting, du vil bestille tid til."), code="invalid", field="services")
    if len({s.pk for s in services}) != len(services):
        raise SkrankeError(_("Vælg hver ting kun én gang."), code="invalid", field="services")
    everywhere = _offers(municipality=municipality)
    offers = [o for o in everywhere if site is None or o.setup.site_id == site.pk]
    for service in services:
        override = override_for(municipality=municipality, service=service)
        with_override(service, override)
        name = localized(service, "name")
        if service.retired or not service.offered:
            raise SkrankeError(
                _("%(service)s tilbydes ikke i kommunen.") % {"service": name}, code="invalid", field="services"
            )
        if not any(o.service_id == service.pk for o in offers):
            if not service.effective_needs_appointment and not any(o.service_id == service.pk for o in everywhere):
                message = _("%(service)s kræver ikke tidsbestilling. Kom forbi i åbningstiden og tag et nummer.")
            elif site is not None:
                message = _("%(service)s kan ikke bestilles på %(site)s.")
            else:
                message = _("%(service)s kan ikke bestilles i kommunen.")
            raise SkrankeError(
                message % {"service": name, "site": site.name if site else ""}, code="invalid", field="services"
            )
    by_setup: dict[int, list[BookableService]] = defaultdict(list)
    for offer in offers:
        by_setup[offer.setup_id].append(offer)
    found = []
    for setup_offers in by_setup.values():
        chosen = {o.service_id: o for o in setup_offers}
        if all(s.pk in chosen for s in services):
            found.append(
                Visit(
                    setup=setup_offers[0].setup,
                    services=services,
                    offers=[chosen[s.pk] for s in services],
                    holds=[o for o in setup_offers if o.emergency_slots],
                )
            )
    if not found:
        where = site.name if site is not None else _("samme sted")
        raise SkrankeError(
            _("De valgte ting kan ikke bestilles sammen på %(site)s. Bestil dem hver for sig.") % {"site": where},
            code="invalid",
            field="services",
        )
    return found


NO_LANES = Lanes({})


@dataclass
class Period:
    """What a slot search reads from the database for some site areas and days, loaded in three queries."""

    hours: dict[tuple[int, str, int], list[OpeningHours]]
    closures: dict[int, list[Closure]]
    # The booked times of each site area, by lane, for the whole period.
    busy: dict[tuple[int, str], Lanes]


def load_period(
    setups: list[BookingSetup], first: dt.date, last: dt.date, *, exclude: Appointment | None = None
) -> Period:
    site_ids = {s.site_id for s in setups}
    hours = defaultdict(list)
    for row in OpeningHours.objects.filter(site_id__in=site_ids):
        hours[(row.site_id, row.area, row.weekday)].append(row)
    closures = defaultdict(list)
    for closure in Closure.objects.filter(site_id__in=site_ids):
        closures[closure.site_id].append(closure)
    start = timezone.make_aware(dt.datetime.combine(first, dt.time.min))
    end = timezone.make_aware(dt.datetime.combine(last + dt.timedelta(days=1), dt.time.min))
    booked = Appointment.objects.filter(
        site_id__in=site_ids, status__in=HOLDS_LANE, starts_at__lt=end, ends_at__gt=start
    )
    if exclude is not None:
        booked = booked.exclude(pk=exclude.pk)
    intervals = defaultdict(lambda: defaultdict(list))
    for site_id, area, lane, starts_at, ends_at in _busy_rows(booked):
        intervals[(site_id, area)][lane].append((starts_at, ends_at))
    return Period(hours=hours, closures=closures, busy={key: Lanes(lanes) for key, lanes in intervals.items()})


class _Epoch(Func):
    """Seconds since 1970 (UTC) of a datetime column, as an integer."""

    output_field = IntegerField()
    template = "CAST(EXTRACT(EPOCH FROM %(expressions)s) AS bigint)"

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(
            compiler, connection, template="CAST(ROUND((julianday(%(expressions)s) - 2440587.5) * 86400) AS INTEGER)"
        )


def _busy_rows(booked: QuerySet) -> list[tuple]:
    """(site_id, area, lane, starts_at, ends_at) of booked times, read as whole seconds.

    A busy month holds thousands of booked times, and turning each stored
    time into an aware datetime in the driver or the ORM (time zone and all)
    took most of a search's time; integers come back at once.
    """
    values = booked.annotate(s=_Epoch("starts_at"), e=_Epoch("ends_at")).values_list(
        "site_id", "area", "lane", "s", "e"
    )
    utc = dt.UTC
    at = dt.datetime.fromtimestamp
    return [(site_id, area, lane, at(starts, utc), at(ends, utc)) for site_id, area, lane, starts, ends in values]


def day_windows(visit: Visit, day: dt.date, period: Period) -> list[tuple[dt.datetime, dt.datetime]]:
    """The visit's site area's opening windows on `day`; none on a holiday or a closure."""
    setup = visit.setup
    if closed_because(day=day, area=setup.area, closures=period.closures.get(setup.site_id, [])):
        return []
    return windows(day=day, hours=period.hours.get((setup.site_id, setup.area, day.weekday()), []))


def release_at(offer: BookableService, day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, offer.emergency_release)).astimezone(dt.UTC)


def day_free(
    visit: Visit, day: dt.date, period: Period, *, now: dt.datetime, channel: str = Channel.ONLINE
) -> list[FreeSlot]:
    """The free start times of the visit on one day, with the lane each would take."""
    today = timezone.localdate(now)
    if day < today or day > today + dt.timedelta(days=visit.book_ahead_days):
        return []
    opening = day_windows(visit, day, period)
    if not opening:
        return []
    setup = visit.setup
    held = []
    for offer in visit.holds:
        released = release_at(offer, day)
        if now < released:
            length = dt.timedelta(minutes=offer_minutes(offer) * offer.emergency_slots)
            notice = dt.timedelta(minutes=offer.min_notice_minutes)
            block = held_block(opening, step=visit.step, length=length, not_before=released + notice)
            if block is not None:
                held.append(block)
    # Citizens book no later than the notice allows; staff on the phone or at the counter up to now.
    earliest = now + visit.min_notice if channel == Channel.ONLINE else now
    duration = visit.duration
    return [
        FreeSlot(site=setup.site, area=setup.area, lane=lane, starts_at=start, ends_at=start + duration)
        for start, lane in free_starts(
            windows=opening,
            step=visit.step,
            duration=duration,
            lanes=visit.lanes,
            busy=period.busy.get((setup.site_id, setup.area), NO_LANES),
            held=Lanes({1: held}) if held else NO_LANES,
            earliest=earliest,
        )
    ]


def free_slots(
    *,
    municipality: Municipality,
    services: list[Service],
    site: Site | None = None,
    start: dt.date | dt.datetime | None = None,
    weeks: int = 4,
    now: dt.datetime | None = None,
    channel: str = Channel.ONLINE,
    exclude: Appointment | None = None,
) -> list[FreeSlot]:
    """Free start times for `services` in one visit, at `site` or every site of the municipality, for `weeks`.

    Sorted by time, then site. `exclude` leaves one appointment out of the
    booked times (moving it must not collide with itself).
    """
    now = now or timezone.now()
    found_visits = visits(municipality=municipality, services=services, site=site)
    today = timezone.localdate(now)
    if start is None:
        first = today
    elif isinstance(start, dt.datetime):
        first = timezone.localdate(start) if timezone.is_aware(start) else start.date()
    else:
        first = start
    first = max(first, today)
    last = first + dt.timedelta(days=7 * weeks - 1)
    period = load_period([v.setup for v in found_visits], first, last, exclude=exclude)
    found = []
    for visit in found_visits:
        day = first
        while day <= last:
            found += day_free(visit, day, period, now=now, channel=channel)
            day += dt.timedelta(days=1)
    found.sort(key=lambda slot: (slot.starts_at, slot.site.name, slot.area))
    return found


def nearest_free(
    *,
    municipality: Municipality,
    services: list[Service],
    site: Site,
    at: dt.datetime,
    count: int = 3,
    now: dt.datetime | None = None,
    channel: str = Channel.ONLINE,
    exclude: Appointment | None = None,
) -> list[FreeSlot]:
    """The `count` free times at `site` nearest to `at` (before or after), in time order: »taken — try these«."""
    now = now or timezone.now()
    first = max(timezone.localdate(at) - dt.timedelta(days=7), timezone.localdate(now))
    slots = free_slots(
        municipality=municipality,
        services=services,
        site=site,
        start=first,
        weeks=3,
        now=now,
        channel=channel,
        exclude=exclude,
    )
    nearest = sorted(slots, key=lambda slot: abs((slot.starts_at - at).total_seconds()))[:count]
    return sorted(nearest, key=lambda slot: slot.starts_at)


def _with_services(appointments: QuerySet[Appointment]) -> QuerySet[Appointment]:
    return appointments.select_related("site", "ticket__queue", "booked_by").prefetch_related(
        Prefetch(
            "appointment_services",
            queryset=AppointmentService.objects.select_related("service").order_by("position"),
        )
    )


def appointments_for_day(*, site: Site, day: dt.date, user) -> list[Appointment]:
    """The day's appointments at `site` for the staff page, every status, in time order.

    Scoped to the user's municipality: another municipality's site is NotFound.
    Names and contact details are personal data: the page reads them through
    services.appointments_day_read, which records the read.
    """
    if not scope(Site.objects.filter(pk=site.pk), user=user, path="municipality").exists():
        raise NotFound()
    start = timezone.make_aware(dt.datetime.combine(day, dt.time.min))
    end = start + dt.timedelta(days=1)
    return list(
        _with_services(Appointment.objects.filter(site=site, starts_at__gte=start, starts_at__lt=end)).order_by(
            "starts_at", "lane"
        )
    )


def appointment_by_code(code: str) -> Appointment | None:
    return _with_services(Appointment.objects.filter(code=code)).first()
