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

import pytest

from skranke.contacts.models import Contact
from skranke.insights.accuracy import estimate_accuracy
from skranke.insights.kpis import Period
from skranke.organisation.models import Area, StaffGroup
from skranke.queues.models import Queue, Status, Ticket
from tests.factories import CounterFactory, MunicipalityFactory, SiteFactory, StaffMemberFactory
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
