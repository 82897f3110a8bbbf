"""queue_overview: per queue of a site, how many wait, the longest wait so far, and who stands at its counters."""

import datetime as dt

import pytest
from django.utils import timezone

from skranke.organisation.models import Area, StaffGroup
from skranke.queues.models import Queue
from skranke.queues.selectors import queue_overview
from skranke.queues.services import counter_open, ticket_call_next, ticket_issue
from tests.factories import AuthorisationFactory, CounterFactory, SiteFactory, StaffMemberFactory

pytestmark = pytest.mark.django_db

MINUTE = dt.timedelta(minutes=1)


@pytest.fixture
def now():
    return timezone.localtime().replace(hour=14, minute=0, second=0, microsecond=0)


def test_the_overview_counts_todays_waiting_tickets_and_shows_who_is_at_each_area(
    site, borgerservice, library, passport, loan, citizen_counter, officer, now, django_assert_num_queries
):
    AuthorisationFactory(staff_member=officer, service=passport)
    librarian = StaffMemberFactory(municipality=site.municipality, staff_group=StaffGroup.LIBRARY)
    counter_open(counter=citizen_counter, staff=officer, now=now - MINUTE)
    counter_open(counter=CounterFactory(site=site, name="Udlån", area=Area.LIBRARY), staff=librarian, now=now)
    ticket_issue(queue=borgerservice, services=[passport], now=now - dt.timedelta(days=1))
    ticket_issue(queue=borgerservice, services=[passport], now=now - 15 * MINUTE)
    ticket_call_next(counter=citizen_counter, staff=officer, now=now - 14 * MINUTE)
    ticket_issue(queue=borgerservice, services=[passport], now=now - 12 * MINUTE - dt.timedelta(seconds=30))
    ticket_issue(queue=borgerservice, services=[passport], now=now - 3 * MINUTE)
    Queue.objects.create(site=site, name="Lukket", area=Area.LIBRARY, letter="X", active=False)

    with django_assert_num_queries(2):
        overview = queue_overview(site, now=now)
        rows = [
            (
                state.queue.name,
                state.waiting,
                state.longest_wait_minutes,
                [(p.counter.name, str(p.staff)) for p in state.counters],
            )
            for state in overview
        ]

    assert rows == [
        ("Borgerservice", 2, 12, [("Skranke 3", str(officer))]),
        ("Bibliotek", 0, None, [("Udlån", str(librarian))]),
    ]


def test_the_overview_shows_only_the_sites_own_queues_and_counters(site, borgerservice, passport, officer, now):
    elsewhere = SiteFactory(municipality=site.municipality)
    counter_open(counter=CounterFactory(site=elsewhere, area=Area.CITIZEN_SERVICE), staff=officer, now=now)
    ticket_issue(queue=borgerservice, services=[passport], now=now)
    assert queue_overview(elsewhere, now=now) == []
    [state] = queue_overview(site, now=now)
    assert (state.waiting, state.counters) == (1, [])
