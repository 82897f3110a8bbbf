"""The wait estimate's accuracy against the naive estimate, on three tickets worked out by hand.

One queue, one counter open 09:00–12:00, contacts of the queue taking 300, 300 and 600 seconds (mean 400 s):

| ticket | issued | called | shown | real wait | Skranke's error | ahead | naive | naive error |
|---|---|---|---|---|---|---|---|---|
| t1 | 10:00 | 10:05 | 2–6 (4) | 5 | 1 | 0 | 0 | 5 |
| t2 | 10:01 | 10:10 | 6–12 (9) | 9 | 0 | 1 | 6.67 | 2.33 |
| t3 | 10:02 | 10:20 | 10–20 (15) | 18 | 3 | 2 | 13.33 | 4.67 |

Median absolute errors: Skranke 1 minute, naive 4.67 minutes.
"""

import datetime as dt

import pytest

from skranke.contacts.models import Contact
from skranke.insights.accuracy import estimate_accuracy
from skranke.insights.kpis import Period
from skranke.organisation.models import Area, StaffGroup
from skranke.queues.models import CounterPresence, Queue, Status, Ticket
from tests.factories import CounterFactory, MunicipalityFactory, SiteFactory, StaffMemberFactory
from tests.insights.conftest import D, at

pytestmark = pytest.mark.django_db


def test_skranke_against_the_naive_estimate():
    municipality = MunicipalityFactory(code=265)
    site = SiteFactory(municipality=municipality)
    counter = CounterFactory(site=site, area=Area.CITIZEN_SERVICE)
    staff = StaffMemberFactory(municipality=municipality)
    queue = Queue.objects.create(site=site, name="Borgerservice", area=Area.CITIZEN_SERVICE, letter="B")
    CounterPresence.objects.create(
        counter=counter, staff=staff, since=at("09:00"), last_seen=at("12:00"), ended_at=at("12:00")
    )
    rows = [("10:00", "10:05", 2, 6, 300), ("10:01", "10:10", 6, 12, 300), ("10:02", "10:20", 10, 20, 600)]
    for number, (issued, called, low, high, seconds) in enumerate(rows, start=1):
        ticket = Ticket.objects.create(
            queue=queue,
            day=D,
            number=number,
            status=Status.DONE,
            issued_at=at(issued),
            called_at=at(called),
            estimate_low=low,
            estimate_high=high,
        )
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
            wait_seconds=0,
            service_seconds=seconds,
        )
    (accuracy,) = estimate_accuracy(municipality=municipality, period=Period(D, D))
    assert accuracy.tickets == 3
    assert accuracy.skranke_error == 1
    assert accuracy.naive_error == pytest.approx(4 + 2 / 3)
    assert accuracy.mean_wait == pytest.approx(32 / 3)
    assert accuracy.skranke_better is True
    assert accuracy.enough is False  # three tickets are not thirty
