"""One simulated day: the SimPy processes of its citizens and staff, calling the real services."""

import datetime as dt
import random
from collections import defaultdict
from dataclasses import dataclass, field

import simpy
from django.conf import settings
from django.utils import timezone

from skranke.bookings.calendar import closed_because
from skranke.bookings.selectors import day_free, load_period, visits
from skranke.bookings.services import appointment_book, appointment_check_in, appointments_mark_no_show
from skranke.catalogue.models import Kind, Service
from skranke.contacts.models import SatisfactionChannel
from skranke.contacts.services import Line, satisfaction_record, ticket_finish
from skranke.errors import SkrankeError
from skranke.insights.simulation import profile
from skranke.insights.simulation.cast import Cast, Place, Seat, rota
from skranke.organisation.models import Municipality, StaffGroup, StaffMember
from skranke.organisation.policy import Reason, authorisation_status, check
from skranke.privacy.cpr import parse
from skranke.queues.models import PRESENCE_TIMEOUT, Channel, Ticket
from skranke.queues.services import (
    counter_close,
    counter_open,
    counter_seen,
    ticket_call_next,
    ticket_cancel,
    ticket_issue,
    ticket_no_show,
    ticket_recall,
    ticket_start,
)

# The counter page beats more often, but the estimate only asks whether a presence was seen within
# PRESENCE_TIMEOUT: one beat just inside it keeps the staff member present at a fraction of the queries.
HEARTBEAT_SECONDS = PRESENCE_TIMEOUT.total_seconds() - 10
# Staff stand at the counter this long before the doors open.
BEFORE_OPENING = 120


@dataclass
class Summary:
    first_day: dt.date
    last_day: dt.date
    open_days: int = 0
    tickets: int = 0
    contacts: int = 0
    appointments: int = 0
    appointment_no_shows: int = 0
    ticket_no_shows: int = 0
    cancelled: int = 0
    answers: int = 0

    def lines(self, municipality: Municipality) -> list[str]:
        """The run in a few Danish lines, for the commands that start it."""
        return [
            f"Simuleret {municipality.name} ({municipality.code}) fra {self.first_day:%d.%m.%Y} "
            f"til {self.last_day:%d.%m.%Y}: {self.open_days} åbningsdage.",
            f"  Kønumre: {_count(self.tickets)} (udeblevne {_count(self.ticket_no_shows)}, "
            f"gik før tur {_count(self.cancelled)})",
            f"  Henvendelser: {_count(self.contacts)}",
            f"  Tidsbestillinger: {_count(self.appointments)} (udeblevne {_count(self.appointment_no_shows)})",
            f"  Tilfredshedssvar: {_count(self.answers)}",
        ]


def _count(value: int) -> str:
    return f"{value:,}".replace(",", ".")


@dataclass
class Duty:
    """One staff member at one seat for one day."""

    seat: Seat
    staff: StaffMember
    allowed: set[int]  # the services the policy lets them handle there
    new: set[int]  # the services their authorisation for is recent
    present: bool = False
    shift: int = 0  # counts the stays at the counter, so a heartbeat ends with its stay


@dataclass
class Waiting:
    """The simulation's own view of a waiting ticket, so a staff member only calls when there is work for them."""

    ticket: Ticket
    services: list[Service]
    citizen: str | None
    called: simpy.Event
    gone: bool = False  # gave up and left without cancelling: a no-show when called


@dataclass
class PlaceDay:
    place: Place
    index: int
    windows: list[tuple[float, float]]
    duties: list[Duty]
    changed: simpy.Event
    servable: set[int] = field(default_factory=set)
    booked: list[int] = field(default_factory=list)  # checked-in appointment tickets, in call order
    walk_ins: list[int] = field(default_factory=list)
    waiting: dict[int, Waiting] = field(default_factory=dict)

    def add(self, entry: Waiting, *, appointment: bool) -> None:
        (self.booked if appointment else self.walk_ins).append(entry.ticket.pk)
        self.waiting[entry.ticket.pk] = entry
        # Wake the idle staff of the area.
        changed, self.changed = self.changed, self.changed.env.event()
        changed.succeed()

    def pop(self, pk: int) -> Waiting:
        (self.booked if pk in self.booked else self.walk_ins).remove(pk)
        return self.waiting.pop(pk)

    def next_for(self, duty: Duty) -> Waiting | None:
        """The ticket ticket_call_next will give this staff member: appointments first, then by issue time."""
        for pk in self.booked + self.walk_ins:
            entry = self.waiting[pk]
            if all(s.pk in duty.allowed for s in entry.services):
                return entry
        return None


class Run:
    def __init__(self, *, cast: Cast, seed: int, volume: float, summary: Summary):
        self.cast, self.seed, self.volume, self.summary = cast, seed, volume, summary
        # day -> [(place index, service id, CPR digits)]: citizens coming back for the same service.
        self.returns: dict[dt.date, list[tuple[int, int, str]]] = defaultdict(list)
        self.citizens = 0

    # One day

    def day(self, day: dt.date) -> None:
        arrivals = random.Random(f"{self.seed}:{day.isoformat()}:arrivals")
        self.rng = random.Random(f"{self.seed}:{day.isoformat()}:visits")
        self.midnight = timezone.make_aware(dt.datetime.combine(day, dt.time(0)))
        self.env = env = simpy.Environment()
        place_days = self._staff_the_day(day)
        if not place_days:
            return
        self.summary.open_days += 1
        for pd in place_days:
            for appointment, services, citizen in self._book(pd, day, arrivals):
                self._plan_appointment(pd, appointment, services, citizen, arrivals)
            for moment in profile.arrival_times(
                arrivals,
                pd.windows,
                per_hour=pd.place.per_hour * self.volume,
                weekday=day.weekday(),
                usual_hours=pd.place.usual_hours,
            ):
                services = self._walk_in_services(pd, arrivals)
                if services:
                    env.process(self._walk_in(pd, moment, services, self._citizen_for(services[0], arrivals)))
        for index, service_id, citizen in self.returns.pop(day, []):
            pd = next((p for p in place_days if p.index == index), None)
            service = pd.place.services.get(service_id) if pd else None
            if service is not None and service_id in pd.servable:
                start, stop = arrivals.choice(pd.windows)
                moment = arrivals.uniform(start, max(start, stop - 600))
                env.process(self._walk_in(pd, moment, [service], citizen))
        for pd in place_days:
            for duty in pd.duties:
                env.process(self._staff(pd, duty))
        env.run()
        self._end_of_day(place_days, day)

    def at(self, seconds: float) -> dt.datetime:
        return self.midnight + dt.timedelta(seconds=int(seconds))

    def _windows(self, place: Place, day: dt.date) -> list[tuple[float, float]]:
        if closed_because(day=day, area=place.area, closures=place.closures):
            return []
        found = []
        for opens, closes in place.hours.get(day.weekday(), []):
            start = timezone.make_aware(dt.datetime.combine(day, opens)) - self.midnight
            stop = timezone.make_aware(dt.datetime.combine(day, closes)) - self.midnight
            found.append((start.total_seconds(), stop.total_seconds()))
        return found

    def _staff_the_day(self, day: dt.date) -> list[PlaceDay]:
        by_site = defaultdict(list)
        for index, place in enumerate(self.cast.places):
            windows = self._windows(place, day)
            if windows:
                by_site[place.site.pk].append(
                    PlaceDay(place=place, index=index, windows=windows, duties=[], changed=self.env.event())
                )
        place_days = []
        for site_days in by_site.values():
            self._seat(site_days, day)
            place_days += [pd for pd in site_days if pd.duties]
        return sorted(place_days, key=lambda pd: pd.index)

    def _seat(self, site_days: list[PlaceDay], day: dt.date) -> None:
        """Put the day's staff of one site at its counters, each with what the policy lets them do there."""
        seats = {seat.counter.pk: (pd, seat) for pd in site_days for seat in pd.place.seats}
        known: dict[tuple[int, int], set[int]] = {}

        def allowed(member: StaffMember, seat: Seat) -> set[int]:
            key = (member.pk, seat.counter.pk)
            if key not in known:
                pd = seats[seat.counter.pk][0]
                at = self.at(pd.windows[0][0])
                known[key] = {
                    pk
                    for pk, service in pd.place.services.items()
                    if check(staff=member, service=service, counter=seat.counter, at=at)
                }
            return known[key]

        def may_serve(member: StaffMember, seat: Seat) -> bool:
            ids = allowed(member, seat)
            if seat.library_authority:
                services = seats[seat.counter.pk][0].place.services
                return any(services[pk].kind == Kind.AUTHORITY for pk in ids)
            return bool(ids)

        site = site_days[0].place.site
        sitting = rota(self.cast, [s for _pd, s in seats.values()], site, day.toordinal(), may_serve=may_serve)
        for counter_id, member in sitting.items():
            pd, seat = seats[counter_id]
            ids = allowed(member, seat)
            pd.duties.append(Duty(seat=seat, staff=member, allowed=ids, new=_new_to(member, ids, day)))
            pd.servable |= ids

    def _end_of_day(self, place_days: list[PlaceDay], day: dt.date) -> None:
        for pd in place_days:
            # Whoever still waits when the last counter closed is sent home.
            for pk in list(pd.waiting):
                ticket_cancel(ticket=pd.pop(pk).ticket, now=self.at(self.env.now))
                self.summary.cancelled += 1
        evening = self.midnight + dt.timedelta(hours=23)
        self.summary.appointment_no_shows += appointments_mark_no_show(now=evening, municipality=self.cast.municipality)

    # Citizens

    def _citizen_for(self, service: Service, rng: random.Random) -> str | None:
        if rng.random() < profile.CPR_SHARE[service.kind]:
            return profile.make_cpr(rng)
        return None

    def _walk_in_services(self, pd: PlaceDay, rng: random.Random) -> list[Service]:
        choices = [s for pk, s in pd.place.services.items() if pk in pd.servable]
        if not choices:
            return []
        first = profile.weighted_choice(rng, choices, [pd.place.weights[s.pk] for s in choices])
        services = [first]
        if rng.random() < profile.TWO_SERVICES[pd.place.area]:
            partners = [
                pd.place.services[pk]
                for pk in self.cast.related.get(first.pk, [])
                if pk in pd.place.services
                and any(first.pk in d.allowed and pk in d.allowed for d in pd.duties)
                and pd.place.queue_for([first, pd.place.services[pk]]) is not None
            ]
            if partners:
                services.append(rng.choice(partners))
        return services

    def _walk_in(self, pd: PlaceDay, moment: float, services: list[Service], citizen: str | None):
        yield self.env.timeout(moment - self.env.now)
        queue = pd.place.queue_for(services)
        try:
            ticket = ticket_issue(queue=queue, services=services, now=self.at(self.env.now))
        except SkrankeError:
            return
        self.summary.tickets += 1
        yield from self._wait(pd, Waiting(ticket, services, citizen, self.env.event()), appointment=False)

    def _wait(self, pd: PlaceDay, entry: Waiting, *, appointment: bool):
        pd.add(entry, appointment=appointment)
        if appointment:
            return
        patience = 60 * (profile.PATIENCE_MIN_MINUTES + self.rng.expovariate(1 / profile.PATIENCE_MEAN_MINUTES))
        yield entry.called | self.env.timeout(patience)
        if entry.called.triggered:
            return
        if self.rng.random() < profile.GIVE_UP_CANCELS:
            ticket_cancel(ticket=pd.pop(entry.ticket.pk).ticket, now=self.at(self.env.now))
            self.summary.cancelled += 1
        else:
            entry.gone = True

    def _book(self, pd: PlaceDay, day: dt.date, rng: random.Random):
        """The day's appointments, each booked online at a moment before it; [(appointment, services, citizen)]."""
        offers = [o for o in pd.place.offers if o.service.pk in pd.servable]
        if not offers:
            return []
        setup = offers[0].setup
        starts = setup.lanes * sum(int((stop - start) // (setup.step_minutes * 60)) for start, stop in pd.windows)
        wanted = sum(rng.random() < profile.BOOKING_FILL * self.volume for _ in range(starts))
        requests = []
        for _ in range(wanted):
            weights = [profile.BOOKING_WEIGHTS.get(o.service.key, 1) for o in offers]
            services = [profile.weighted_choice(rng, offers, weights).service]
            if rng.random() < profile.BOOKING_TWO_SERVICES:
                others = [o.service for o in offers if o.service.pk != services[0].pk]
                if others:
                    services.append(rng.choice(others))
            if rng.random() < profile.BOOKING_SAME_DAY:
                booked = self.midnight + dt.timedelta(hours=8, seconds=rng.randrange(90 * 60))
            else:
                ahead = rng.randint(*profile.BOOKING_DAYS_AHEAD)
                evening = rng.randrange(7 * 3600, 22 * 3600)
                booked = self.midnight - dt.timedelta(days=ahead) + dt.timedelta(seconds=evening)
            requests.append((booked, services, self._citizen_for(services[0], rng)))
        made = []
        for booked, services, citizen in sorted(requests, key=lambda r: r[0]):
            # The day's free times as the booking page would show them at that moment (bookings.selectors).
            found = visits(municipality=self.cast.municipality, services=services, site=pd.place.site)
            period = load_period([v.setup for v in found], day, day)
            slots = [
                slot
                for visit in found
                if visit.setup.area == pd.place.area
                for slot in day_free(visit, day, period, now=booked)
            ]
            if not slots:
                continue
            self.citizens += 1
            try:
                appointment = appointment_book(
                    services=services,
                    site=pd.place.site,
                    start=rng.choice(slots).starts_at,
                    name="Simuleret borger",
                    phone=str(20_000_000 + self.citizens % 10_000_000),
                    now=booked,
                )
            except SkrankeError:
                continue
            self.summary.appointments += 1
            made.append((appointment, services, citizen))
        return made

    def _plan_appointment(self, pd: PlaceDay, appointment, services, citizen, rng: random.Random) -> None:
        draw = rng.random()
        if draw < profile.APPOINTMENT_NO_SHOW:
            return
        start = (appointment.starts_at - self.midnight).total_seconds()
        grace, early = settings.BOOKING_CHECK_IN_GRACE_MINUTES, settings.BOOKING_CHECK_IN_EARLY_MINUTES
        if draw < profile.APPOINTMENT_NO_SHOW + profile.APPOINTMENT_LATE:
            minutes = grace + rng.uniform(1, 25)
        else:
            # Most come a few minutes early; none before check-in opens, none after the grace period.
            minutes = min(grace - 1.0, max(5.0 - early, rng.gauss(-6, 5)))
        moment = start + minutes * 60
        self.env.process(self._arrive_booked(pd, moment, appointment.code, services, citizen))

    def _arrive_booked(self, pd: PlaceDay, moment: float, code: str, services: list[Service], citizen: str | None):
        yield self.env.timeout(max(0.0, moment - self.env.now))
        try:
            check_in = appointment_check_in(code=code, site=pd.place.site, now=self.at(self.env.now))
        except SkrankeError:
            return  # after closing: the appointment becomes a no-show tonight
        ticket = check_in.ticket
        served = next(q.served for q in pd.place.queues if q.pk == ticket.queue_id)
        self.summary.tickets += 1
        entry = Waiting(ticket, [s for s in services if s.pk in served], citizen, self.env.event())
        yield from self._wait(pd, entry, appointment=ticket.channel == Channel.APPOINTMENT)

    # Staff

    def _staff(self, pd: PlaceDay, duty: Duty):
        env, counter, staff = self.env, duty.seat.counter, duty.staff
        for start, stop in pd.windows:
            yield env.timeout(max(0.0, start - BEFORE_OPENING - env.now))
            counter_open(counter=counter, staff=staff, now=self.at(env.now))
            duty.present, duty.shift = True, duty.shift + 1
            env.process(self._heartbeat(duty, duty.shift))
            while True:
                entry = pd.next_for(duty)
                if entry is not None:
                    yield env.timeout(self.rng.uniform(*profile.CALL_DELAY))
                    # Someone else may have called the citizen meanwhile.
                    if pd.next_for(duty) is not None:
                        yield from self._serve(pd, duty)
                elif env.now >= stop:
                    break
                else:
                    yield pd.changed | env.timeout(stop - env.now)
            counter_close(counter=counter, staff=staff, now=self.at(env.now))
            duty.present = False

    def _heartbeat(self, duty: Duty, shift: int):
        """The counter page's heartbeat, which keeps the staff member counted as present by the wait estimate."""
        while True:
            yield self.env.timeout(HEARTBEAT_SECONDS)
            if not duty.present or duty.shift != shift:
                return
            counter_seen(counter=duty.seat.counter, staff=duty.staff, now=self.at(self.env.now))

    def _serve(self, pd: PlaceDay, duty: Duty):
        env, rng, staff = self.env, self.rng, duty.staff
        ticket = ticket_call_next(counter=duty.seat.counter, staff=staff, now=self.at(env.now))
        if ticket is None or ticket.pk not in pd.waiting:
            raise RuntimeError("The simulation's view of the queue is out of step with the database.")
        entry = pd.pop(ticket.pk)
        if not entry.called.triggered:
            entry.called.succeed()
        if entry.gone:
            # Called and recalled as often as the counter page asks before it offers "did not come".
            for _ in range(settings.NO_SHOW_AFTER_RECALLS):
                yield env.timeout(profile.RECALL_AFTER)
                ticket = ticket_recall(ticket=ticket, staff=staff, now=self.at(env.now))
            yield env.timeout(profile.RECALL_AFTER)
            ticket_no_show(ticket=ticket, staff=staff, min_recalls=settings.NO_SHOW_AFTER_RECALLS, now=self.at(env.now))
            self.summary.ticket_no_shows += 1
            return
        if rng.random() < profile.MISSED_FIRST_CALL:
            yield env.timeout(profile.RECALL_AFTER)
            ticket = ticket_recall(ticket=ticket, staff=staff, now=self.at(env.now))
        yield env.timeout(rng.uniform(*profile.WALK_TO_COUNTER))
        ticket = ticket_start(ticket=ticket, staff=staff, now=self.at(env.now))
        seconds = sum(
            profile.lognormal_seconds(rng, s.effective_duration, factor=profile.NEW_FACTOR if s.pk in duty.new else 1.0)
            for s in entry.services
        )
        yield env.timeout(seconds)
        lines = [self._line(s, duty) for s in entry.services]
        finished = self.at(env.now)
        contact = ticket_finish(
            ticket=ticket,
            staff=staff,
            lines=lines,
            cpr=parse(entry.citizen) if entry.citizen else None,
            now=finished,
        )
        self.summary.contacts += 1
        if entry.citizen:
            for line in lines:
                if rng.random() < profile.RETURN_CHANCE[line.outcome]:
                    back = finished.date() + dt.timedelta(days=rng.randint(*profile.RETURN_DAYS))
                    self.returns[back].append((pd.index, line.service.pk, entry.citizen))
                    break
        if rng.random() < profile.SATISFACTION_SHARE:
            self._answer(contact, lines, rng)

    def _line(self, service: Service, duty: Duty) -> Line:
        rng = self.rng
        library_staff = duty.staff.staff_group == StaffGroup.LIBRARY
        weights = profile.outcome_weights(
            service.kind, library_staff=library_staff, new_authorisation=service.pk in duty.new
        )
        outcome = profile.weighted_choice(rng, profile.OUTCOME_NAMES, weights)
        referred_to = ""
        if outcome == "REFERRED":
            if library_staff and service.kind == Kind.AUTHORITY:
                referred_to = profile.LIBRARY_STAFF_REFERRAL
            else:
                referred_to = profile.REFERRALS.get(service.key, profile.REFERRAL_BY_KIND[service.kind])
        mode = ""
        if service.kind == Kind.GUIDANCE:
            mode = "SHOWN_HOW" if rng.random() < profile.SHOWN_HOW else "DONE_FOR"
        return Line(service=service, outcome=outcome, referred_to=referred_to, guidance_mode=mode)

    def _answer(self, contact, lines: list[Line], rng: random.Random) -> None:
        value = profile.face(
            rng,
            wait_minutes=(contact.wait_seconds or 0) / 60,
            resolved=all(line.outcome == "RESOLVED" for line in lines),
        )
        comment = rng.choice(profile.COMMENTS[value]) if rng.random() < profile.COMMENT_SHARE else ""
        if rng.random() < profile.TABLET_SHARE:
            channel, delay = SatisfactionChannel.TABLET, dt.timedelta(seconds=rng.randint(10, 120))
        else:
            channel, delay = SatisfactionChannel.PHONE, dt.timedelta(minutes=rng.randint(2, 90))
        satisfaction_record(
            contact=contact, face=value, comment=comment, channel=channel, now=contact.finished_at + delay
        )
        self.summary.answers += 1


def _new_to(member: StaffMember, services: set[int], day: dt.date) -> set[int]:
    """The services among `services` for which every authorisation valid on `day` began less than 60 days ago."""
    at = timezone.make_aware(dt.datetime.combine(day, dt.time(12)))
    since = {}
    for authorisation in member.authorisations.all():
        if authorisation.service_id in services and authorisation_status(authorisation, at=at) == Reason.ALLOWED:
            since[authorisation.service_id] = min(since.get(authorisation.service_id, day), authorisation.valid_from)
    return {pk for pk, first in since.items() if (day - first).days < profile.NEW_AUTHORISATION_DAYS}
