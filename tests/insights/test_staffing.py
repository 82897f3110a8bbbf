"""The staffing plan from recorded Mondays: 24 tickets an hour at 10–11, five minutes each, is 2 Erlangs.

Erlang C with A = 2: 2 counters cannot keep up; 3 serve 1 − 4/9 · e^(−(3 − 2) · 600/300) = 94.0 %
within 10 minutes (see test_erlang.py for C(3, 2) = 4/9), so 3 are needed for 80 % within 10 minutes.
"""

import datetime as dt

import pytest
from django.urls import reverse

from skranke.contacts.models import Contact
from skranke.insights.kpis import Period
from skranke.insights.staffing import observed, plan, weekdays_in
from skranke.organisation.models import Area, StaffGroup
from skranke.queues.models import Queue, Status, Ticket
from tests.factories import CounterFactory, ManagerFactory, SiteFactory, UserFactory
from tests.insights.conftest import at

pytestmark = pytest.mark.django_db
MONDAYS = (dt.date(2026, 3, 2), dt.date(2026, 3, 9))
PERIOD = Period(dt.date(2026, 3, 2), dt.date(2026, 3, 15))


def test_weekdays_in_a_period():
    assert weekdays_in(PERIOD, 0) == 2  # Mondays 2 and 9 March
    assert weekdays_in(PERIOD, 6) == 2  # Sundays 8 and 15 March
    assert weekdays_in(Period(dt.date(2026, 3, 3), dt.date(2026, 3, 8)), 0) == 0


@pytest.fixture
def mondays(db):
    site = SiteFactory()
    counter = CounterFactory(site=site, area=Area.CITIZEN_SERVICE)
    queue = Queue.objects.create(site=site, name="Borgerservice", area=Area.CITIZEN_SERVICE, letter="B")
    staff = UserFactory()
    for day in MONDAYS:
        for n in range(24):
            issued = at("10:00", day) + dt.timedelta(minutes=2 * n)
            ticket = Ticket.objects.create(
                queue=queue,
                day=day,
                number=n + 1,
                status=Status.DONE,
                issued_at=issued,
                called_at=issued + dt.timedelta(minutes=1),
            )
            Contact.objects.create(
                site=site,
                counter=counter,
                area=Area.CITIZEN_SERVICE,
                staff=staff,
                staff_group=StaffGroup.CITIZEN_SERVICE,
                ticket=ticket,
                channel="WALK_IN",
                started_at=issued + dt.timedelta(minutes=1),
                finished_at=issued + dt.timedelta(minutes=6),
                wait_seconds=60,
                service_seconds=300,
            )
    return site


def test_arrivals_and_service_times_per_hour(mondays):
    assert observed(site=mondays, area=Area.CITIZEN_SERVICE, weekday=0, period=PERIOD) == {10: (24.0, 300.0)}
    assert observed(site=mondays, area=Area.CITIZEN_SERVICE, weekday=1, period=PERIOD) == {}


def test_three_counters_for_80_percent_within_10_minutes(mondays):
    (hour,) = plan(site=mondays, area=Area.CITIZEN_SERVICE, weekday=0, period=PERIOD)
    assert (hour.hour, hour.agents) == (10, 3)
    assert hour.service_level == pytest.approx(1 - 4 / 9 * 2.718281828**-2, abs=1e-6)
    (strict,) = plan(
        site=mondays, area=Area.CITIZEN_SERVICE, weekday=0, period=PERIOD, target_share=0.99, target_minutes=1
    )
    assert strict.agents > 3


def test_the_page(client, mondays):
    client.force_login(ManagerFactory(municipality=mondays.municipality).user)
    query = {"sted": mondays.pk, "ugedag": 0, "fra": PERIOD.first.isoformat(), "til": PERIOD.last.isoformat()}
    page = client.get(reverse("web:insights_staffing"), query)
    html = page.content.decode()
    assert page.status_code == 200
    assert "10–11" in html and "94 %" in html
