"""On PostgreSQL, 16 processes book the last free time at once: exactly one gets it, the others hear »taken«."""

import datetime as dt
import multiprocessing

import pytest
from django.db import connection, connections

from skranke.bookings.models import Appointment, Status
from skranke.bookings.services import appointment_book
from skranke.catalogue.models import Service
from skranke.errors import SkrankeError
from skranke.organisation.models import Site
from tests.bookings.conftest import MONDAY, NOW, at
from tests.concurrency import fresh_connections

BOOKERS = 16
TUESDAY = MONDAY + dt.timedelta(days=1)
LAST = at(TUESDAY, "13:45")

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrency is proven on PostgreSQL"),
]


def _book(site_id: int, service_id: int, number: int, start, results) -> None:
    fresh_connections()
    site = Site.objects.select_related("municipality").get(pk=site_id)
    service = Service.objects.get(pk=service_id)
    start.wait()
    try:
        appointment = appointment_book(
            services=[service], site=site, start=LAST, email=f"borger{number}@example.org", now=NOW
        )
        results.put(("booked", appointment.pk, []))
    except SkrankeError as error:
        results.put((error.code, None, [a.starts_at for a in getattr(error, "alternatives", [])]))
    connections.close_all()


def test_exactly_one_of_sixteen_gets_the_last_free_time(site, offers, passport):
    # Every other time on Tuesday taken on both lanes, and lane 2 at the last time too.
    for number in range(16):
        for lane in (1, 2):
            start = at(TUESDAY, "10:00") + dt.timedelta(minutes=15 * number)
            if start == LAST and lane == 1:
                continue
            Appointment.objects.create(
                site=site,
                area=offers["passport"].setup.area,
                lane=lane,
                starts_at=start,
                ends_at=start + dt.timedelta(minutes=15),
                code=f"F{number:02d}{lane}AAAA",
                email="x@example.org",
                created_at=NOW,
            )
    connections.close_all()

    context = multiprocessing.get_context("fork")
    start, results = context.Barrier(BOOKERS), context.Queue()
    processes = [
        context.Process(target=_book, args=(site.pk, passport.pk, number, start, results)) for number in range(BOOKERS)
    ]
    for process in processes:
        process.start()
    reports = [results.get(timeout=120) for _ in processes]
    for process in processes:
        process.join(timeout=30)
    assert [p.exitcode for p in processes] == [0] * BOOKERS

    winners = [pk for outcome, pk, _alternatives in reports if outcome == "booked"]
    assert len(winners) == 1
    losers = [alternatives for outcome, _pk, alternatives in reports if outcome != "booked"]
    assert [outcome for outcome, _pk, _a in reports].count("taken") == BOOKERS - 1
    # The nearest free times are on Wednesday, the next open day (Tuesday is full).
    assert all(alternatives and alternatives[0].date() == (TUESDAY + dt.timedelta(days=1)) for alternatives in losers)
    live = Appointment.objects.filter(starts_at=LAST, status=Status.BOOKED)
    assert sorted(live.values_list("lane", flat=True)) == [1, 2]
    assert live.get(lane=1).pk == winners[0]
