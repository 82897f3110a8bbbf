"""Retention of tickets' contact details: gone after a day, while the tickets still count in the statistics."""

import datetime as dt

import pytest
from django.db.models import Count
from django.utils import timezone

from skranke.privacy.models import DataKind
from skranke.privacy.services import purge
from skranke.queues.models import Ticket, TicketService
from skranke.queues.services import ticket_issue
from tests.privacy.conftest import every_stored_value

pytestmark = pytest.mark.django_db

PHONE, EMAIL = "20 30 40 50", "borger.testesen@example.dk"


def counts_per_service_and_day():
    return list(
        TicketService.objects.values("service__key", "ticket__day").annotate(n=Count("id")).order_by("service__key")
    )


def test_phone_and_e_mail_on_tickets_are_cleared_after_a_day_and_the_counts_stay(borgerservice, passport, mitid):
    now = timezone.now()
    ticket_issue(queue=borgerservice, services=[passport], phone=PHONE, now=now)
    ticket_issue(queue=borgerservice, services=[passport, mitid], email=EMAIL, now=now)
    ticket_issue(queue=borgerservice, services=[mitid], now=now)
    before = counts_per_service_and_day()
    municipality = borgerservice.site.municipality

    kept = purge(municipalities=[municipality], now=now + dt.timedelta(hours=23))
    assert {line.kind: line.count for line in kept}[DataKind.TICKET_CONTACT] == 0
    assert "20304050" in every_stored_value()

    lines = purge(municipalities=[municipality], now=now + dt.timedelta(days=1, minutes=1))
    assert {line.kind: line.count for line in lines}[DataKind.TICKET_CONTACT] == 2
    stored = every_stored_value()
    assert "20304050" not in stored
    assert EMAIL not in stored
    assert Ticket.objects.count() == 3
    assert counts_per_service_and_day() == before
