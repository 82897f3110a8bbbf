"""The wait estimate's accuracy against the naive estimate, on three tickets worked out by hand.

One queue, one counter open, contacts of the queue taking 300, 300 and 600 seconds (mean 400 s).
Skranke's estimate is the expected wait it worked out at issue; the naive one is
ahead × 400 s ÷ open counters, with what was ahead and open at issue:

| ticket | issued | called | real wait | Skranke's estimate | error | ahead | open | naive | naive error |
|---|---|---|---|---|---|---|---|---|---|
| t1 | 10:00 | 10:05 | 300 s | 240 s | 1 min | 0 | 1 | 0 | 5 min |
| t2 | 10:01 | 10:10 | 540 s | 540 s | 0 | 1 | 1 | 400 s | 2.33 min |
| t3 | 10:02 | 10:20 | 1080 s | 900 s | 3 min | 2 | 1 | 800 s | 4.67 min |

Median absolute errors: Skranke 1 minute, naive 4.67 minutes. A ticket whose
citizen did not come (no contact) and one issued before estimates were kept do not count.
"""

import datetime as dt
from types import SimpleNamespace

import pytest
from django.utils import timezone

from skranke.catalogue.models import Kind
from skranke.contacts.models import Contact, EstimateDay, Outcome, RolledUpDay
from skranke.contacts.services import Line, contact_record
from skranke.insights import rollup
from skranke.insights.accuracy import estimate_accuracy
from skranke.insights.kpis import Period
from skranke.insights.stats import percentile
from skranke.organisation.models import Area, OpeningHours, SiteKind, StaffGroup
from skranke.queues.models import Queue, Status, Ticket
from tests.factories import (
    AuthorisationFactory,
    CounterFactory,
    MunicipalityFactory,
    ServiceFactory,
    SiteFactory,
    StaffMemberFactory,
)
from tests.insights.conftest import D, at

pytestmark = pytest.mark.django_db


def test_skranke_against_the_naive_estimate():
    municipality = MunicipalityFactory(code=265)
    site = SiteFactory(municipality=municipality)
    counter = CounterFactory(site=site, area=Area.CITIZEN_SERVICE)
    staff = StaffMemberFactory(municipality=municipality)
    queue = Queue.objects.create(site=site, name="Borgerservice", area=Area.CITIZEN_SERVICE, letter="B")
    other = Queue.objects.create(site=site, name="Bibliotek", area=Area.LIBRARY, letter="L")
    rows = [
        # issued, called, Skranke's estimate (s), ahead, open, service seconds (None: no contact)
        ("10:00", "10:05", 240, 0, 1, 300),
        ("10:01", "10:10", 540, 1, 1, 300),
        ("10:02", "10:20", 900, 2, 1, 600),
        ("10:03", "10:25", 60, 3, 1, None),  # called, never came: no contact, no real wait
        ("09:00", "09:01", None, None, None, 300),  # issued before the estimate was kept
    ]
    for number, (issued, called, expected, ahead, open_counters, seconds) in enumerate(rows, start=1):
        ticket = Ticket.objects.create(
            queue=queue,
            day=D,
            number=number,
            status=Status.DONE if seconds else Status.NO_SHOW,
            issued_at=at(issued),
            called_at=at(called),
            estimate_low=0,
            estimate_high=1,
            estimate_seconds=expected,
            ahead_at_issue=ahead,
            open_counters_at_issue=open_counters,
        )
        if seconds is None:
            continue
        Contact.objects.create(
            site=site,
            counter=counter,
            area=Area.CITIZEN_SERVICE,
            staff=staff.user,
            staff_group=StaffGroup.CITIZEN_SERVICE,
            ticket=ticket,
            channel="WALK_IN",
            started_at=at(called),
            finished_at=at(called) + dt.timedelta(seconds=seconds),
            wait_seconds=int((at(called) - at(issued)).total_seconds()),
            service_seconds=seconds,
        )
    # The mean service time counts every contact of the queue in the period, the early one too.
    Contact.objects.filter(ticket__number=5).update(service_seconds=400)

    accuracy, library = estimate_accuracy(municipality=municipality, period=Period(D, D))
    assert accuracy.queue == queue and library.queue == other
    assert accuracy.tickets == 3
    assert accuracy.skranke_error == 1
    assert accuracy.naive_error == pytest.approx(4 + 2 / 3)
    assert accuracy.mean_wait == pytest.approx(32 / 3)
    assert accuracy.skranke_better is True
    assert accuracy.enough is False  # three tickets are not thirty
    assert (library.tickets, library.skranke_error, library.naive_error, library.skranke_better) == (
        0,
        None,
        None,
        None,
    )


# Read from the daily roll-up (contacts.models.EstimateDay): the same numbers as worked out ticket by ticket.


def by_hand(municipality, period: Period) -> dict[int, tuple]:
    """Per queue: (tickets, Skranke's error, the naive error, mean wait), in minutes, straight from the records."""
    result = {}
    for queue in Queue.objects.filter(site__municipality=municipality):
        contacts = list(Contact.objects.filter(ticket__queue=queue).select_related("ticket"))
        served = [c.service_seconds for c in contacts if period.start <= c.finished_at < period.end]
        mean = sum(served) / len(served) if served else None
        tickets = [
            c
            for c in contacts
            if period.start <= c.ticket.issued_at < period.end
            and c.ticket.estimate_seconds is not None
            and c.ticket.ahead_at_issue is not None
            and c.wait_seconds is not None
        ]
        if not tickets:
            result[queue.pk] = (0, None, None, None)
            continue
        skranke = percentile([abs(c.ticket.estimate_seconds - c.wait_seconds) for c in tickets], 0.5)
        naive = None
        if mean is not None:
            naive = percentile(
                [
                    abs(c.ticket.ahead_at_issue * mean / max(c.ticket.open_counters_at_issue or 1, 1) - c.wait_seconds)
                    for c in tickets
                ],
                0.5,
            )
        waits = [c.wait_seconds for c in tickets]
        result[queue.pk] = (
            len(tickets),
            skranke / 60,
            None if naive is None else naive / 60,
            sum(waits) / len(waits) / 60,
        )
    return result


def read(municipality, period: Period) -> dict[int, tuple]:
    return {
        a.queue.pk: (a.tickets, a.skranke_error, a.naive_error, a.mean_wait)
        for a in estimate_accuracy(municipality=municipality, period=period)
    }


def same(read: dict[int, tuple], worked_out: dict[int, tuple]) -> bool:
    """The same queues with the same numbers, to the last few digits of a float."""
    flat = {(queue, n): value for queue, row in read.items() for n, value in enumerate(row)}
    return flat == pytest.approx(
        {(queue, n): value for queue, row in worked_out.items() for n, value in enumerate(row)}
    )


@pytest.fixture
def town(db):
    """A combined site open all day, with a Borgerservice and a library queue, and an officer who may do passports.

    Its days: two over long enough to be rolled up, and today, which is read afresh on every call.
    """
    municipality = MunicipalityFactory(code=265)
    site = SiteFactory(municipality=municipality, kind=SiteKind.COMBINED)
    for area in (Area.LIBRARY, Area.CITIZEN_SERVICE):
        for weekday in range(7):
            OpeningHours.objects.create(
                site=site, area=area, weekday=weekday, opens=dt.time(0), closes=dt.time(23, 59, 59)
            )
    passport = ServiceFactory(key="passport-application", kind=Kind.AUTHORITY)
    officer = StaffMemberFactory(municipality=municipality, staff_group=StaffGroup.CITIZEN_SERVICE)
    AuthorisationFactory(staff_member=officer, service=passport)
    today = timezone.localdate()
    return SimpleNamespace(
        municipality=municipality,
        borgerservice=Queue.objects.create(site=site, name="Borgerservice", area=Area.CITIZEN_SERVICE, letter="B"),
        library=Queue.objects.create(site=site, name="Bibliotek", area=Area.LIBRARY, letter="L"),
        counter=CounterFactory(site=site, area=Area.CITIZEN_SERVICE),
        library_counter=CounterFactory(site=site, area=Area.LIBRARY),
        officer=officer,
        passport=passport,
        days=(today - dt.timedelta(days=3), today - dt.timedelta(days=2), today),
    )


@pytest.fixture
def tickets(town):
    """Tickets over the three days, with what the estimates had at issue, and their contacts.

    Among them: a ticket taken before midnight and called and served after it (it counts on the first
    day, its time at the counter in the mean on the second), a wait of over 18 hours and 70,000 tickets
    ahead (numbers too large for the short record), open counters not recorded or 0 (counted as one), a
    citizen who never came, a ticket without an estimate (its time at the counter still counts in the
    mean), and another municipality's.
    """
    first, second, today = town.days
    bs, lib = town.borgerservice, town.library
    rows = [
        # queue, day, issued, called, finished ("+": the day after; None: never came), estimate, ahead, open
        (bs, first, "09:00", "09:04", "09:10", 300, 0, 2),
        (bs, first, "09:02", "09:15", "09:30", 500, 2, 2),
        (bs, first, "09:05", "09:40", "09:47", 1200, 4, 1),
        (bs, first, "00:30", "19:56:40", "20:00", 900, 3, 3),
        (bs, first, "10:00", "10:20", "10:35", None, 3, 2),
        (bs, first, "23:50", "+00:05", "+00:15", 420, 1, 2),
        (bs, first, "11:00", "11:30", None, 600, 5, 2),
        (bs, first, "09:10", "09:50", "09:55", 1500, 70_000, 2),
        (lib, first, "12:00", "12:03", "12:06", 60, 1, None),
        (bs, second, "09:00", "09:09", "09:19", 480, 1, 1),
        (bs, second, "09:30", "09:31", "09:50", 120, 0, 2),
        (lib, second, "13:00", "13:10", "13:12", 300, 3, 0),
        (lib, second, "13:01", "13:02", "13:05", 0, 0, 1),
        (bs, today, "08:00", "08:05", "08:20", 200, 1, 2),
        (bs, today, "08:01", "08:25", "08:31", 900, 2, 2),
    ]
    for number, (queue, day, issued, called, finished, estimate, ahead, open_counters) in enumerate(rows, start=1):
        ticket = make_ticket(queue, day, number, issued, called, estimate, ahead, open_counters)
        if finished is not None:
            counter = town.library_counter if queue == lib else town.counter
            finish(ticket, counter, town.officer, clock(finished, day))
    elsewhere = SiteFactory(municipality=MunicipalityFactory(code=147))
    other = Queue.objects.create(site=elsewhere, name="Borgerservice", area=Area.CITIZEN_SERVICE, letter="B")
    ticket = make_ticket(other, second, 1, "09:00", "09:30", 60, 9, 1)
    finish(ticket, CounterFactory(site=elsewhere, area=Area.CITIZEN_SERVICE), town.officer, clock("09:40", second))
    return town


def make_ticket(queue, day, number, issued, called, estimate, ahead, open_counters) -> Ticket:
    return Ticket.objects.create(
        queue=queue,
        day=day,
        number=number,
        status=Status.DONE,
        issued_at=clock(issued, day),
        called_at=clock(called, day),
        estimate_low=0,
        estimate_high=1,
        estimate_seconds=estimate,
        ahead_at_issue=ahead,
        open_counters_at_issue=open_counters,
    )


def clock(hhmmss: str, day: dt.date) -> dt.datetime:
    """The time on `day`, or on the day after with a "+" before it."""
    if hhmmss.startswith("+"):
        day, hhmmss = day + dt.timedelta(days=1), hhmmss[1:]
    return timezone.make_aware(dt.datetime.combine(day, dt.time.fromisoformat(hhmmss)))


def finish(ticket, counter, officer, finished: dt.datetime) -> Contact:
    started = ticket.called_at + dt.timedelta(minutes=1)
    return Contact.objects.create(
        site=counter.site,
        counter=counter,
        area=counter.area,
        staff=officer.user,
        staff_group=officer.staff_group,
        ticket=ticket,
        channel=ticket.channel,
        started_at=started,
        finished_at=finished,
        wait_seconds=int((ticket.called_at - ticket.issued_at).total_seconds()),
        service_seconds=int((finished - started).total_seconds()),
    )


def test_the_rolled_up_days_and_today_give_the_numbers_of_the_tickets(tickets):
    town = tickets
    first, second, today = town.days
    for period in (Period(first, today), Period(second, today), Period(first, second), Period(today, today)):
        assert same(read(town.municipality, period), by_hand(town.municipality, period)), period
    # The days over were kept, with the queues' rows; today was read afresh each time and not kept.
    kept = set(RolledUpDay.objects.values_list("day", flat=True))
    assert {first, second} <= kept and today not in kept
    # Borgerservice's first day: six tickets with an estimate and a contact, the one with the wait of over
    # 18 hours and the one with 70,000 ahead in the long record, and back whole, as by_hand's numbers show.
    (row,) = EstimateDay.objects.filter(queue=town.borgerservice, rolled_up__day=first)
    assert (len(row.estimates), len(row.estimates_wide)) == (8 * 4, 14 * 2)
    assert read(town.municipality, Period(first, first))[town.borgerservice.pk][0] == 6


def test_the_numbers_are_the_same_read_afresh_or_from_the_roll_up(tickets, monkeypatch):
    town = tickets
    period = Period(town.days[0], town.days[2])
    monkeypatch.setattr(rollup, "SETTLE", dt.timedelta(days=100_000))  # nothing is over: all added up afresh
    fresh = read(town.municipality, period)
    assert not RolledUpDay.objects.exists()
    monkeypatch.undo()
    read(town.municipality, period)  # rolls the two days over up
    assert RolledUpDay.objects.exists()
    assert read(town.municipality, period) == fresh


def test_a_contact_recorded_late_for_a_rolled_up_day_is_counted(tickets):
    town = tickets
    first, _second, today = town.days
    period = Period(first, today)
    before = read(town.municipality, period)
    mark = RolledUpDay.objects.get(day=first)
    # The citizen of ticket 7, called at 11.30 on the first day, is recorded afterwards as having left at 12.00.
    contact_record(
        staff=town.officer,
        counter=town.counter,
        lines=[Line(town.passport, Outcome.RESOLVED)],
        ticket=Ticket.objects.get(queue=town.borgerservice, number=7),
        started_at=clock("11:31", first),
        now=clock("12:00", first),
    )
    assert not RolledUpDay.objects.filter(pk=mark.pk).exists()
    after = read(town.municipality, period)
    assert same(after, by_hand(town.municipality, period))
    assert after[town.borgerservice.pk][0] == before[town.borgerservice.pk][0] + 1
    assert RolledUpDay.objects.filter(day=first).exists()  # added up again
