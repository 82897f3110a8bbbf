"""On PostgreSQL, 8 processes issuing and 4 calling at once for 10 seconds: no number twice, no ticket called twice."""

import multiprocessing
import time

import pytest
from django.db import connection, connections

from skranke.organisation.models import Counter, StaffMember
from skranke.queues.models import Queue, Status, Ticket
from skranke.queues.services import ticket_call_next, ticket_done, ticket_issue
from tests.concurrency import fresh_connections
from tests.factories import AuthorisationFactory, CounterFactory, StaffMemberFactory

ISSUERS = 8
CALLERS = 4
SECONDS = 10

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrency is proven on PostgreSQL"),
]


def _issue(queue_id: int, start, results) -> None:
    fresh_connections()

    queue = Queue.objects.select_related("site__municipality").get(pk=queue_id)
    services = list(queue.services.all())
    start.wait()
    issued, deadline = 0, time.monotonic() + SECONDS
    while time.monotonic() < deadline:
        ticket_issue(queue=queue, services=services)
        issued += 1
    results.put(("issued", issued))
    connections.close_all()


def _call(counter_id: int, staff_id: int, start, results) -> None:
    fresh_connections()

    counter = Counter.objects.select_related("site").get(pk=counter_id)
    staff = StaffMember.objects.select_related("municipality", "user").get(pk=staff_id)
    start.wait()
    called, deadline = [], time.monotonic() + SECONDS
    while time.monotonic() < deadline:
        ticket = ticket_call_next(counter=counter, staff=staff)
        if ticket is not None:
            called.append(ticket.pk)
            ticket_done(ticket=ticket, staff=staff)
    results.put(("called", called))
    connections.close_all()


def test_no_duplicate_number_and_no_ticket_called_twice(borgerservice, passport, mitid, site, officer):
    # One officer per counter: a staff member has one citizen at a time.
    officers = [officer] + [
        StaffMemberFactory(municipality=site.municipality, staff_group=officer.staff_group) for _ in range(CALLERS - 1)
    ]
    for member in officers:
        AuthorisationFactory(staff_member=member, service=passport)
        AuthorisationFactory(staff_member=member, service=mitid)
    counters = [CounterFactory(site=site, name=f"Skranke {n}", area=borgerservice.area) for n in range(CALLERS)]
    connections.close_all()

    context = multiprocessing.get_context("fork")
    start, results = context.Barrier(ISSUERS + CALLERS), context.Queue()
    processes = [context.Process(target=_issue, args=(borgerservice.pk, start, results)) for _ in range(ISSUERS)]
    processes += [
        context.Process(target=_call, args=(c.pk, m.pk, start, results))
        for c, m in zip(counters, officers, strict=True)
    ]
    for process in processes:
        process.start()
    reports = [results.get(timeout=SECONDS + 60) for _ in processes]
    for process in processes:
        process.join(timeout=30)
    assert [p.exitcode for p in processes] == [0] * len(processes)

    issued = sum(count for kind, count in reports if kind == "issued")
    called = [pk for kind, pks in reports if kind == "called" for pk in pks]
    numbers = list(Ticket.objects.filter(queue=borgerservice).values_list("day", "number"))
    assert issued > 100
    assert len(numbers) == issued
    assert len(set(numbers)) == len(numbers)
    assert sorted(n for _day, n in numbers) == list(range(1, issued + 1))  # one day, no gaps
    assert len(called) > 10
    assert len(set(called)) == len(called), "a ticket was called twice"
    # Each call was served (done) by its caller before the next: every called ticket is done, once.
    assert Ticket.objects.filter(status=Status.DONE).count() == len(called)
    assert Ticket.objects.filter(status=Status.CALLED).count() == 0
