"""ticket_call_next: the oldest ticket this person may handle here, appointments first, never one ticket twice."""

import datetime as dt

import pytest
from django.utils import timezone

from skranke.errors import SkrankeError
from skranke.organisation.models import Area, StaffGroup
from skranke.queues.models import Channel, Status
from skranke.queues.services import (
    ticket_call_next,
    ticket_done,
    ticket_issue,
    ticket_no_show,
    ticket_recall,
    ticket_start,
)
from tests.factories import AuthorisationFactory, CounterFactory, MunicipalityFactory, SiteFactory, StaffMemberFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def now():
    return timezone.now()


def test_the_oldest_waiting_ticket_is_called_to_this_counter(borgerservice, passport, citizen_counter, officer, now):
    AuthorisationFactory(staff_member=officer, service=passport)
    first = ticket_issue(queue=borgerservice, services=[passport], now=now)
    ticket_issue(queue=borgerservice, services=[passport], now=now + dt.timedelta(seconds=1))
    called = ticket_call_next(counter=citizen_counter, staff=officer, now=now + dt.timedelta(minutes=1))
    assert called == first
    assert (called.status, called.counter, called.staff) == (Status.CALLED, citizen_counter, officer.user)


def test_checked_in_appointments_come_before_walk_ins(borgerservice, passport, citizen_counter, officer, now):
    AuthorisationFactory(staff_member=officer, service=passport)
    ticket_issue(queue=borgerservice, services=[passport], now=now)
    booked = ticket_issue(
        queue=borgerservice, services=[passport], channel=Channel.APPOINTMENT, now=now + dt.timedelta(minutes=5)
    )
    assert ticket_call_next(counter=citizen_counter, staff=officer, now=now + dt.timedelta(minutes=6)) == booked


def test_a_ticket_the_staff_member_may_not_handle_is_left_for_someone_who_may(
    borgerservice, passport, mitid, citizen_counter, site, now
):
    librarian = StaffMemberFactory(municipality=site.municipality, staff_group=StaffGroup.LIBRARY)
    municipality = site.municipality
    municipality.library_staff_authority = True
    municipality.save()
    municipality.library_authority_services.set([mitid])
    AuthorisationFactory(staff_member=librarian, service=mitid)
    ticket_issue(queue=borgerservice, services=[passport], now=now)
    mitid_ticket = ticket_issue(queue=borgerservice, services=[mitid], now=now + dt.timedelta(seconds=1))
    assert ticket_call_next(counter=citizen_counter, staff=librarian, now=now) == mitid_ticket
    ticket_done(ticket=mitid_ticket, staff=librarian, now=now)
    assert ticket_call_next(counter=citizen_counter, staff=librarian, now=now) is None


def test_a_staff_member_with_a_called_ticket_calls_no_one_else(borgerservice, passport, citizen_counter, officer, now):
    """A double click or a reload mid-call must not call a second citizen to the same person."""
    AuthorisationFactory(staff_member=officer, service=passport)
    first = ticket_issue(queue=borgerservice, services=[passport], now=now)
    second = ticket_issue(queue=borgerservice, services=[passport], now=now)
    assert ticket_call_next(counter=citizen_counter, staff=officer, now=now) == first

    with pytest.raises(SkrankeError, match="Du har allerede kaldt B 001"):
        ticket_call_next(counter=citizen_counter, staff=officer, now=now)

    second.refresh_from_db()
    assert second.status == Status.WAITING


def test_a_library_counter_calls_only_library_queues(borgerservice, library, passport, loan, site, now):
    library_counter = CounterFactory(site=site, name="Udlån", area=Area.LIBRARY)
    librarian = StaffMemberFactory(municipality=site.municipality, staff_group=StaffGroup.LIBRARY)
    ticket_issue(queue=borgerservice, services=[passport], now=now)
    loan_ticket = ticket_issue(queue=library, services=[loan], now=now + dt.timedelta(seconds=1))
    assert ticket_call_next(counter=library_counter, staff=librarian, now=now) == loan_ticket


def test_nothing_waiting_gives_none(citizen_counter, officer, borgerservice):
    assert ticket_call_next(counter=citizen_counter, staff=officer) is None


def test_a_counter_of_another_municipality_is_refused(borgerservice, officer):
    other = CounterFactory(site=SiteFactory(municipality=MunicipalityFactory(code=147)))
    with pytest.raises(SkrankeError, match="anden kommune"):
        ticket_call_next(counter=other, staff=officer)


def test_recall_then_no_show_and_no_move_outside_the_table(borgerservice, passport, citizen_counter, officer, now):
    AuthorisationFactory(staff_member=officer, service=passport)
    ticket = ticket_issue(queue=borgerservice, services=[passport], now=now)
    ticket = ticket_call_next(counter=citizen_counter, staff=officer, now=now)
    with pytest.raises(SkrankeError, match="Kald B 001 igen først"):
        ticket_no_show(ticket=ticket, staff=officer)
    ticket = ticket_recall(ticket=ticket, staff=officer)
    assert ticket.recalls == 1
    ticket = ticket_no_show(ticket=ticket, staff=officer)
    assert ticket.status == Status.NO_SHOW
    with pytest.raises(SkrankeError, match="mødte ikke op og kan ikke blive betjenes"):
        ticket_start(ticket=ticket, staff=officer)


def test_only_the_one_who_called_a_ticket_may_recall_serve_or_give_it_up(
    borgerservice, passport, citizen_counter, officer, site, now
):
    # The policy check ran for the caller; a colleague taking over would skip it.
    AuthorisationFactory(staff_member=officer, service=passport)
    ticket_issue(queue=borgerservice, services=[passport], now=now)
    ticket = ticket_call_next(counter=citizen_counter, staff=officer, now=now)
    colleague = StaffMemberFactory(municipality=site.municipality, staff_group=StaffGroup.LIBRARY)
    for act in (ticket_start, ticket_recall, ticket_no_show):
        with pytest.raises(SkrankeError, match="B 001 betjenes af en anden"):
            act(ticket=ticket, staff=colleague)
    ticket.refresh_from_db()
    assert (ticket.status, ticket.recalls) == (Status.CALLED, 0)
