"""estimate_wait: place in the queue, the counters that may serve the ticket, service times from the right source."""

import datetime as dt

import pytest
from django.utils import timezone

from skranke.contacts.models import Outcome
from skranke.contacts.services import Line, contact_record
from skranke.organisation.models import Area, StaffGroup
from skranke.queues.estimate import CALL_SECONDS, WALK_SECONDS, estimate_wait, expected_wait, wait_range
from skranke.queues.models import Channel, Ticket
from skranke.queues.services import counter_open, counter_seen, ticket_call_next, ticket_issue
from tests.factories import AuthorisationFactory, CounterFactory, SiteFactory, StaffMemberFactory

MINUTE = dt.timedelta(minutes=1)


@pytest.fixture
def now():
    """Two in the afternoon today, so the day has a morning of contacts behind it."""
    return timezone.localtime().replace(hour=14, minute=0, second=0, microsecond=0)


@pytest.fixture
def authorised(officer, passport, mitid):
    AuthorisationFactory(staff_member=officer, service=passport)
    AuthorisationFactory(staff_member=officer, service=mitid)
    return officer


@pytest.fixture
def second_officer(site, passport):
    staff = StaffMemberFactory(municipality=site.municipality, staff_group=StaffGroup.CITIZEN_SERVICE)
    AuthorisationFactory(staff_member=staff, service=passport)
    return staff


@pytest.fixture
def counter_4(site):
    return CounterFactory(site=site, name="Skranke 4", area=Area.CITIZEN_SERVICE)


def issue(queue, services, at, count=1, channel=Channel.WALK_IN):
    return [ticket_issue(queue=queue, services=services, channel=channel, now=at) for _ in range(count)][-1]


def served(staff, counter, services, *, minutes, finished_at, count=1):
    """`count` contacts of `minutes` each, recorded as the counter's software does."""
    for index in range(count):
        end = finished_at + index * MINUTE
        contact_record(
            staff=staff,
            counter=counter,
            lines=[Line(s, Outcome.RESOLVED) for s in services],
            started_at=end - minutes * MINUTE,
            now=end,
        )


# The arithmetic alone.


@pytest.mark.parametrize(
    ("expected_minutes", "guessed", "expected"),
    [
        (0, False, (0, 1)),  # "under a minute"
        (0.5, False, (0, 1)),
        (10, False, (7, 13)),
        (90, False, (63, 117)),  # 0.7 × 90 is 63, not the float 62.99999999999999 rounded down to 62
        (20, True, (10, 40)),
    ],
)
def test_wait_range_is_seventy_to_hundred_and_thirty_percent_and_at_least_a_minute(expected_minutes, guessed, expected):
    assert wait_range(expected_minutes * 60, guessed=guessed) == expected


@pytest.mark.parametrize(
    ("free", "busy_left", "ahead", "each", "seconds"),
    [
        (2, [], 1, 600, 0),  # one ahead takes a free counter; the other is free for this ticket
        (1, [300], 1, 600, 300),  # the one ahead takes the free counter; the busy one is free in 300 s
        (0, [100, 500], 3, 600, 1100),  # 100 → 700, 500 → 1100, 700 → 1300: the first free after them is 1100
        (0, [], 2, 600, 1200),  # no counter known: one is assumed
        (2, [], 1000, 60, 30000),  # beyond the scheduled 200, the rest is shared evenly
    ],
)
def test_expected_wait_places_the_tickets_ahead_on_the_first_free_counter(free, busy_left, ahead, each, seconds):
    assert expected_wait(free=free, busy_left=busy_left, ahead=ahead, each=each) == seconds


# Position.


@pytest.mark.django_db
def test_checked_in_appointments_are_ahead_of_walk_ins(borgerservice, library, passport, loan, now):
    first = issue(borgerservice, [passport], now)
    second = issue(borgerservice, [passport], now + MINUTE)
    booked = issue(borgerservice, [passport], now + 2 * MINUTE, channel=Channel.APPOINTMENT)
    issue(library, [loan], now - MINUTE)
    later = now + 3 * MINUTE
    positions = [estimate_wait(t, now=later).position for t in (booked, first, second)]
    assert positions == [1, 2, 3]


@pytest.mark.django_db
def test_a_called_ticket_is_no_longer_ahead(borgerservice, passport, citizen_counter, authorised, now):
    issue(borgerservice, [passport], now)
    mine = issue(borgerservice, [passport], now + MINUTE)
    assert estimate_wait(mine, now=now + MINUTE).position == 2
    ticket_call_next(counter=citizen_counter, staff=authorised, now=now + 2 * MINUTE)
    assert estimate_wait(mine, now=now + 2 * MINUTE).position == 1


@pytest.mark.django_db
def test_only_a_waiting_ticket_has_an_estimate(borgerservice, passport, citizen_counter, authorised, now):
    issue(borgerservice, [passport], now)
    called = ticket_call_next(counter=citizen_counter, staff=authorised, now=now)
    with pytest.raises(ValueError):
        estimate_wait(called, now=now)


# Servers.


@pytest.mark.django_db
def test_more_open_counters_give_a_shorter_wait(
    borgerservice, passport, citizen_counter, counter_4, authorised, second_officer, now
):
    # Six tickets ahead, each ten catalogue minutes, the walk to the counter and the call (650 s), and
    # then this ticket's call: 3910 s at one counter, 3 × 650 + 10 = 1960 s at two.
    assert (WALK_SECONDS, CALL_SECONDS) == (40, 10)
    issue(borgerservice, [passport], now, count=6)
    mine = issue(borgerservice, [passport], now + MINUTE)
    counter_open(counter=citizen_counter, staff=authorised, now=now)
    one = estimate_wait(mine, now=now + 2 * MINUTE)
    counter_open(counter=counter_4, staff=second_officer, now=now)
    two = estimate_wait(mine, now=now + 2 * MINUTE)
    assert (one.position, one.servers, one.low_minutes, one.high_minutes) == (7, 1, 45, 85)
    assert (two.position, two.servers, two.low_minutes, two.high_minutes) == (7, 2, 22, 43)
    assert (one.expected_seconds, two.expected_seconds) == (3910, 1960)


@pytest.mark.django_db
def test_a_counter_whose_staff_may_not_handle_the_service_does_not_count(
    borgerservice, passport, site, citizen_counter, counter_4, authorised, now
):
    librarian = StaffMemberFactory(municipality=site.municipality, staff_group=StaffGroup.LIBRARY)
    counter_open(counter=citizen_counter, staff=authorised, now=now)
    counter_open(counter=counter_4, staff=librarian, now=now)
    issue(borgerservice, [passport], now, count=6)
    mine = issue(borgerservice, [passport], now + MINUTE)
    estimate = estimate_wait(mine, now=now + 2 * MINUTE)
    assert (estimate.servers, estimate.low_minutes, estimate.high_minutes) == (1, 45, 85)


@pytest.mark.django_db
def test_staff_must_be_able_to_handle_every_service_of_the_ticket(
    borgerservice, passport, mitid, citizen_counter, counter_4, authorised, second_officer, now
):
    counter_open(counter=citizen_counter, staff=authorised, now=now)
    counter_open(counter=counter_4, staff=second_officer, now=now)
    both = issue(borgerservice, [passport, mitid], now)
    assert estimate_wait(both, now=now).servers == 1


@pytest.mark.django_db
def test_with_no_one_at_a_counter_the_active_counters_are_assumed_and_the_range_widened(
    borgerservice, passport, citizen_counter, now
):
    issue(borgerservice, [passport], now, count=2)
    mine = issue(borgerservice, [passport], now + MINUTE)
    estimate = estimate_wait(mine, now=now + MINUTE)
    # 2 × 650 + 10 s at the one active counter, widened to 0.5–2 times.
    assert (estimate.servers, estimate.low_minutes, estimate.high_minutes) == (0, 10, 44)


@pytest.mark.django_db
def test_the_citizen_called_to_the_counter_holds_it_for_the_rest_of_their_time(
    borgerservice, passport, citizen_counter, authorised, now
):
    counter_open(counter=citizen_counter, staff=authorised, now=now)
    issue(borgerservice, [passport], now)
    mine = issue(borgerservice, [passport], now + MINUTE)
    before = estimate_wait(mine, now=now + MINUTE)
    assert (before.position, before.expected_seconds, before.low_minutes, before.high_minutes) == (2, 660, 7, 15)
    called = now + 2 * MINUTE
    ticket_call_next(counter=citizen_counter, staff=authorised, now=called)
    # Nothing ahead any more; of the first citizen's 640 s, 640, then 400, are left, and the call ...
    assert estimate_wait(mine, now=called).expected_seconds == 650
    for minutes in (0, 4, 8, 12):  # the counter page's heartbeat keeps the officer present
        counter_seen(counter=citizen_counter, staff=authorised, now=called + minutes * MINUTE)
    later = estimate_wait(mine, now=called + 4 * MINUTE)
    assert (later.position, later.expected_seconds, later.low_minutes, later.high_minutes) == (1, 410, 4, 9)
    # ... and past the expected time, still a quarter of it.
    overdue = estimate_wait(mine, now=called + 12 * MINUTE)
    assert (overdue.expected_seconds, overdue.low_minutes, overdue.high_minutes) == (170, 1, 4)


@pytest.mark.django_db
def test_with_a_counter_free_and_no_one_ahead_the_wait_is_under_a_minute(
    borgerservice, passport, citizen_counter, counter_4, authorised, second_officer, now
):
    counter_open(counter=citizen_counter, staff=authorised, now=now)
    counter_open(counter=counter_4, staff=second_officer, now=now)
    issue(borgerservice, [passport], now)
    ticket_call_next(counter=citizen_counter, staff=authorised, now=now)
    mine = issue(borgerservice, [passport], now + MINUTE)
    estimate = estimate_wait(mine, now=now + MINUTE)
    # Only the call itself.
    assert (estimate.expected_seconds, estimate.low_minutes, estimate.high_minutes) == (10, 0, 1)


# Service times.


@pytest.fixture
def one_ahead(borgerservice, passport, citizen_counter, authorised, now):
    """A passport ticket waiting, the officer at the counter, and the ticket whose wait is estimated."""
    counter_open(counter=citizen_counter, staff=authorised, now=now)
    issue(borgerservice, [passport], now)
    return issue(borgerservice, [passport], now + MINUTE)


@pytest.mark.django_db
def test_todays_times_are_used_with_three_contacts_today(one_ahead, passport, citizen_counter, authorised, now):
    served(authorised, citizen_counter, [passport], minutes=30, finished_at=now - dt.timedelta(days=3), count=3)
    served(authorised, citizen_counter, [passport], minutes=20, finished_at=now - dt.timedelta(hours=4), count=3)
    estimate = estimate_wait(one_ahead, now=now + MINUTE)
    # One ahead: 20 minutes, the walk and two calls.
    assert (estimate.basis, estimate.low_minutes, estimate.high_minutes) == ("today", 14, 28)


@pytest.mark.django_db
def test_the_last_30_days_are_used_with_fewer_than_three_contacts_today(
    one_ahead, passport, citizen_counter, authorised, now
):
    served(authorised, citizen_counter, [passport], minutes=30, finished_at=now - dt.timedelta(days=3), count=3)
    served(authorised, citizen_counter, [passport], minutes=20, finished_at=now - dt.timedelta(hours=4), count=2)
    served(authorised, citizen_counter, [passport], minutes=90, finished_at=now - dt.timedelta(days=31))
    estimate = estimate_wait(one_ahead, now=now + MINUTE)
    # (3 × 30 + 2 × 20) / 5 = 26 minutes; the contact 31 days ago is too old to count.
    assert (estimate.basis, estimate.low_minutes, estimate.high_minutes) == ("30days", 18, 36)


@pytest.mark.django_db
def test_the_catalogue_duration_is_used_with_fewer_than_three_contacts(
    one_ahead, passport, citizen_counter, authorised, now
):
    served(authorised, citizen_counter, [passport], minutes=20, finished_at=now - dt.timedelta(days=3), count=2)
    estimate = estimate_wait(one_ahead, now=now + MINUTE)
    assert (estimate.basis, estimate.low_minutes, estimate.high_minutes) == ("catalogue", 7, 15)


@pytest.mark.django_db
def test_the_municipalitys_own_duration_overrides_the_catalogue(one_ahead, passport, site, now):
    site.municipality.service_overrides.create(service=passport, duration_minutes=30)
    estimate = estimate_wait(one_ahead, now=now + MINUTE)
    assert (estimate.basis, estimate.low_minutes, estimate.high_minutes) == ("catalogue", 21, 41)


@pytest.mark.django_db
def test_a_contacts_time_is_split_over_its_services(one_ahead, passport, mitid, citizen_counter, authorised, now):
    served(authorised, citizen_counter, [passport, mitid], minutes=30, finished_at=now - dt.timedelta(hours=4), count=3)
    estimate = estimate_wait(one_ahead, now=now + MINUTE)
    # 15 of each contact's 30 minutes were passport.
    assert (estimate.basis, estimate.low_minutes, estimate.high_minutes) == ("today", 11, 21)


@pytest.mark.django_db
def test_contacts_at_another_site_do_not_count(one_ahead, passport, site, authorised, now):
    elsewhere = CounterFactory(site=SiteFactory(municipality=site.municipality), area=Area.CITIZEN_SERVICE)
    served(authorised, elsewhere, [passport], minutes=60, finished_at=now - dt.timedelta(hours=4), count=3)
    assert estimate_wait(one_ahead, now=now + MINUTE).basis == "catalogue"


# Cost.


@pytest.mark.django_db
def test_the_estimate_costs_the_same_few_queries_however_long_the_queue(
    borgerservice,
    passport,
    mitid,
    site,
    citizen_counter,
    counter_4,
    authorised,
    second_officer,
    now,
    django_assert_max_num_queries,
):
    third = StaffMemberFactory(municipality=site.municipality, staff_group=StaffGroup.LIBRARY)
    counter_open(counter=citizen_counter, staff=authorised, now=now)
    counter_open(counter=counter_4, staff=second_officer, now=now)
    counter_open(counter=CounterFactory(site=site, area=Area.CITIZEN_SERVICE), staff=third, now=now)
    served(authorised, citizen_counter, [passport, mitid], minutes=12, finished_at=now - dt.timedelta(hours=3), count=3)
    issue(borgerservice, [passport, mitid], now, count=25)
    issue(borgerservice, [mitid], now, count=5, channel=Channel.APPOINTMENT)
    ticket_call_next(counter=citizen_counter, staff=authorised, now=now)
    mine = Ticket.objects.get(pk=issue(borgerservice, [passport], now + MINUTE).pk)
    with django_assert_max_num_queries(11):
        estimate = estimate_wait(mine, now=now + MINUTE)
    assert (estimate.position, estimate.servers) == (30, 2)


# Recorded at issue time.


@pytest.mark.django_db
def test_ticket_issue_stores_the_estimate_given_to_the_citizen(
    borgerservice, passport, citizen_counter, authorised, now
):
    counter_open(counter=citizen_counter, staff=authorised, now=now)
    issue(borgerservice, [passport], now, count=2)
    ticket = issue(borgerservice, [passport], now + MINUTE)
    ticket.refresh_from_db()
    # Two tickets of ten catalogue minutes, the walk and the call ahead at one counter, and this one's call;
    # and what a naive estimate needs.
    assert (ticket.estimate_low, ticket.estimate_high, ticket.estimate_seconds) == (15, 29, 1310)
    assert (ticket.ahead_at_issue, ticket.open_counters_at_issue) == (2, 1)
    later = estimate_wait(ticket, now=now + MINUTE)
    assert (later.low_minutes, later.high_minutes) == (ticket.estimate_low, ticket.estimate_high)


@pytest.mark.django_db
def test_an_appointment_is_issued_with_the_estimate_of_its_place_before_the_walk_ins(
    borgerservice, passport, citizen_counter, authorised, now
):
    counter_open(counter=citizen_counter, staff=authorised, now=now)
    issue(borgerservice, [passport], now, count=3)
    booked = issue(borgerservice, [passport], now + MINUTE, channel=Channel.APPOINTMENT)
    booked.refresh_from_db()
    assert (booked.estimate_low, booked.estimate_high, booked.estimate_seconds, booked.ahead_at_issue) == (0, 1, 10, 0)


# A long queue: the lines of the first SAMPLED_AHEAD tickets stand for all of them, and the tickets after
# those are counted by their numbers.


@pytest.mark.django_db
def test_in_a_long_queue_the_tickets_after_the_sample_are_counted_by_number_and_its_work_multiplied_up(
    borgerservice, passport, mitid, citizen_counter, authorised, now, monkeypatch
):
    counter_open(counter=citizen_counter, staff=authorised, now=now)
    issue(borgerservice, [passport], now, count=3)
    issue(borgerservice, [passport, mitid], now + MINUTE, count=3)
    mine = issue(borgerservice, [passport], now + 2 * MINUTE)
    whole = estimate_wait(mine, now=now + 2 * MINUTE)
    assert whole.position == 7

    monkeypatch.setattr("skranke.queues.estimate.SAMPLED_AHEAD", 6)  # every ticket ahead: the same figures
    assert estimate_wait(mine, now=now + 2 * MINUTE) == whole

    # The first three read (numbers 1-3, passport alone); numbers 4-6 counted: position still 7, the work
    # ahead six passports instead of six passports and three MitIDs, so shorter.
    monkeypatch.setattr("skranke.queues.estimate.SAMPLED_AHEAD", 3)
    sampled = estimate_wait(mine, now=now + 2 * MINUTE)
    assert sampled.position == 7
    assert sampled.expected_seconds < whole.expected_seconds
    # A new ticket: the day's last number (7) counts the ones after the sample.
    assert issue(borgerservice, [passport], now + 3 * MINUTE).ahead_at_issue == 7
    # Counted by number, a ticket that left the queue out of turn still counts: an estimate on the long side.
    Ticket.objects.filter(pk=mine.pk - 1).update(status="CANCELLED")
    assert estimate_wait(mine, now=now + 3 * MINUTE).position == 7
