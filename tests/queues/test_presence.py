"""counter_open, counter_seen, counter_close and open_counters: who stands at which counter right now."""

import datetime as dt

import pytest
from django.db import IntegrityError
from django.utils import timezone

from skranke.errors import SkrankeError
from skranke.organisation.models import Area
from skranke.queues.models import CounterPresence
from skranke.queues.selectors import open_counters
from skranke.queues.services import counter_close, counter_open, counter_seen
from tests.factories import CounterFactory, MunicipalityFactory, SiteFactory, StaffMemberFactory

pytestmark = pytest.mark.django_db

MINUTE = dt.timedelta(minutes=1)


@pytest.fixture
def now():
    return timezone.now()


@pytest.fixture
def counter_4(site):
    return CounterFactory(site=site, name="Skranke 4", area=Area.CITIZEN_SERVICE)


@pytest.fixture
def colleague(site):
    return StaffMemberFactory(municipality=site.municipality)


def present(site, now):
    return [(p.counter.name, p.staff) for p in open_counters(site, Area.CITIZEN_SERVICE, now)]


def test_opening_a_counter_shows_the_staff_member_there(site, citizen_counter, officer, now):
    counter_open(counter=citizen_counter, staff=officer, now=now)
    assert present(site, now + MINUTE) == [("Skranke 3", officer)]
    assert open_counters(site, Area.LIBRARY, now + MINUTE).count() == 0


def test_moving_to_another_counter_ends_the_stay_at_the_first(site, citizen_counter, counter_4, officer, now):
    first = counter_open(counter=citizen_counter, staff=officer, now=now)
    counter_open(counter=counter_4, staff=officer, now=now + MINUTE)
    first.refresh_from_db()
    assert first.ended_at == now + MINUTE
    assert present(site, now + MINUTE) == [("Skranke 4", officer)]


def test_a_counter_has_one_person_so_the_one_before_is_ended(site, citizen_counter, officer, colleague, now):
    counter_open(counter=citizen_counter, staff=officer, now=now)
    counter_open(counter=citizen_counter, staff=colleague, now=now + MINUTE)
    assert present(site, now + MINUTE) == [("Skranke 3", colleague)]
    assert CounterPresence.objects.filter(ended_at__isnull=True).count() == 1


def test_the_database_refuses_two_open_presences_at_one_counter(citizen_counter, officer, colleague, now):
    CounterPresence.objects.create(counter=citizen_counter, staff=officer, since=now, last_seen=now)
    with pytest.raises(IntegrityError):
        CounterPresence.objects.create(counter=citizen_counter, staff=colleague, since=now, last_seen=now)


def test_reloading_the_counter_page_keeps_the_same_stay(citizen_counter, officer, now):
    first = counter_open(counter=citizen_counter, staff=officer, now=now)
    again = counter_open(counter=citizen_counter, staff=officer, now=now + MINUTE)
    assert (again.pk, again.since, again.last_seen) == (first.pk, now, now + MINUTE)


def test_a_presence_not_seen_for_five_minutes_is_gone(site, citizen_counter, officer, now):
    counter_open(counter=citizen_counter, staff=officer, now=now)
    assert present(site, now + 5 * MINUTE) == [("Skranke 3", officer)]
    assert present(site, now + 6 * MINUTE) == []


def test_being_seen_keeps_the_presence_open(site, citizen_counter, officer, now):
    counter_open(counter=citizen_counter, staff=officer, now=now)
    assert counter_seen(counter=citizen_counter, staff=officer, now=now + 4 * MINUTE) is True
    assert present(site, now + 8 * MINUTE) == [("Skranke 3", officer)]


def test_seen_after_the_timeout_does_not_revive_the_presence(site, citizen_counter, officer, now):
    counter_open(counter=citizen_counter, staff=officer, now=now)
    assert counter_seen(counter=citizen_counter, staff=officer, now=now + 6 * MINUTE) is False
    assert present(site, now + 6 * MINUTE) == []


def test_seen_is_one_query(citizen_counter, officer, now, django_assert_num_queries):
    counter_open(counter=citizen_counter, staff=officer, now=now)
    with django_assert_num_queries(1):
        counter_seen(counter=citizen_counter, staff=officer, now=now + MINUTE)


def test_a_timed_out_presence_ends_when_it_was_last_seen(citizen_counter, counter_4, officer, now):
    stale = counter_open(counter=citizen_counter, staff=officer, now=now)
    counter_seen(counter=citizen_counter, staff=officer, now=now + 2 * MINUTE)
    fresh = counter_open(counter=citizen_counter, staff=officer, now=now + 30 * MINUTE)
    stale.refresh_from_db()
    assert fresh.pk != stale.pk
    assert stale.ended_at == now + 2 * MINUTE


def test_closing_ends_the_presence(site, citizen_counter, officer, now):
    counter_open(counter=citizen_counter, staff=officer, now=now)
    assert counter_close(counter=citizen_counter, staff=officer, now=now + MINUTE) is True
    assert present(site, now + MINUTE) == []
    assert CounterPresence.objects.get().ended_at == now + MINUTE
    assert counter_close(counter=citizen_counter, staff=officer, now=now + MINUTE) is False


def test_closing_leaves_a_colleague_at_another_counter_alone(site, citizen_counter, counter_4, officer, colleague, now):
    counter_open(counter=citizen_counter, staff=officer, now=now)
    counter_open(counter=counter_4, staff=colleague, now=now)
    counter_close(counter=citizen_counter, staff=colleague, now=now + MINUTE)
    assert present(site, now + MINUTE) == [("Skranke 3", officer), ("Skranke 4", colleague)]


def test_a_counter_of_another_municipality_is_refused(officer, now):
    other = CounterFactory(site=SiteFactory(municipality=MunicipalityFactory(code=147)))
    with pytest.raises(SkrankeError, match="anden kommune") as refused:
        counter_open(counter=other, staff=officer, now=now)
    assert refused.value.code == "forbidden"
    assert not CounterPresence.objects.exists()


def test_a_closed_down_counter_is_refused(citizen_counter, officer, now):
    citizen_counter.active = False
    citizen_counter.save()
    with pytest.raises(SkrankeError, match="Skranke 3 er lukket ned"):
        counter_open(counter=citizen_counter, staff=officer, now=now)
    assert not CounterPresence.objects.exists()
