"""ticket_transfer keeps the citizen's place by issue time; ticket_cancel ends a ticket that was not served."""

import datetime as dt

import pytest
from django.utils import timezone

from skranke.errors import SkrankeError
from skranke.organisation.models import Area, StaffGroup
from skranke.queues.models import Status
from skranke.queues.services import ticket_call_next, ticket_cancel, ticket_issue, ticket_transfer
from tests.factories import AuthorisationFactory, CounterFactory, StaffMemberFactory

pytestmark = pytest.mark.django_db


def test_a_transferred_ticket_gets_a_number_in_the_new_queue_and_keeps_its_place(
    borgerservice, library, passport, loan, site, officer
):
    now = timezone.now()
    early = ticket_issue(queue=borgerservice, services=[passport], now=now)
    later_in_library = ticket_issue(queue=library, services=[loan], now=now + dt.timedelta(minutes=5))
    moved = ticket_transfer(
        ticket=early,
        staff=officer,
        to_queue=library,
        note="Skal låne bøger først",
        services=[loan],
        now=now + dt.timedelta(minutes=10),
    )
    early.refresh_from_db()
    assert early.status == Status.TRANSFERRED
    assert (moved.label, moved.issued_at, moved.transferred_from, moved.note) == (
        "L 002",
        early.issued_at,
        early,
        "Skal låne bøger først",
    )
    librarian = StaffMemberFactory(municipality=site.municipality, staff_group=StaffGroup.LIBRARY)
    library_counter = CounterFactory(site=site, name="Udlån", area=Area.LIBRARY)
    called = ticket_call_next(counter=library_counter, staff=librarian, now=now + dt.timedelta(minutes=11))
    assert called == moved  # before the ticket issued five minutes after it
    assert later_in_library.pk != called.pk


def test_a_transfer_with_no_service_of_the_new_queue_is_refused_and_changes_nothing(
    borgerservice, library, passport, officer
):
    ticket = ticket_issue(queue=borgerservice, services=[passport])
    with pytest.raises(SkrankeError, match="Vælg de ydelser"):
        ticket_transfer(ticket=ticket, staff=officer, to_queue=library)
    ticket.refresh_from_db()
    assert ticket.status == Status.WAITING


def test_a_transfer_to_the_same_queue_is_refused(borgerservice, passport, officer):
    ticket = ticket_issue(queue=borgerservice, services=[passport])
    with pytest.raises(SkrankeError, match="står allerede i Borgerservice"):
        ticket_transfer(ticket=ticket, staff=officer, to_queue=borgerservice)


def test_a_cancelled_ticket_is_not_called_and_cannot_be_cancelled_twice(
    borgerservice, passport, citizen_counter, officer
):
    AuthorisationFactory(staff_member=officer, service=passport)
    ticket = ticket_cancel(ticket=ticket_issue(queue=borgerservice, services=[passport]))
    assert ticket.status == Status.CANCELLED
    assert ticket_call_next(counter=citizen_counter, staff=officer) is None
    with pytest.raises(SkrankeError, match="annulleret og kan ikke blive annulleret"):
        ticket_cancel(ticket=ticket)
