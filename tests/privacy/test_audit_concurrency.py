"""Parallel processes appending to one municipality's trail on PostgreSQL: one unbroken chain, no number twice."""

import multiprocessing

import pytest
from django.db import connection, connections

from skranke.organisation.models import Municipality
from skranke.privacy.chain import verify_chain
from skranke.privacy.models import Action, AuditEntry
from skranke.privacy.services import audit_record
from tests.concurrency import fresh_connections
from tests.conftest import ensure_municipalities

WORKERS = 4
EACH = 25

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrency is proven on PostgreSQL"),
]


def _append(municipality_id: int, worker: int, start) -> None:
    fresh_connections()

    municipality = Municipality.objects.get(pk=municipality_id)
    start.wait()
    for number in range(EACH):
        audit_record(municipality=municipality, action=Action.CHANGE, detail=f"proces {worker} nr. {number}")
    connections.close_all()


def test_parallel_appends_make_one_chain():
    ensure_municipalities()
    municipality = Municipality.objects.get(code=265)
    connections.close_all()
    context = multiprocessing.get_context("fork")
    start = context.Barrier(WORKERS)
    processes = [context.Process(target=_append, args=(municipality.pk, n, start)) for n in range(WORKERS)]
    for process in processes:
        process.start()
    for process in processes:
        process.join(timeout=120)
    assert [p.exitcode for p in processes] == [0] * WORKERS

    sequences = list(AuditEntry.objects.filter(municipality=municipality).values_list("sequence", flat=True))
    assert sorted(sequences) == list(range(1, WORKERS * EACH + 1))
    assert verify_chain(municipality_id=municipality.pk) == []
