import pytest

from skranke.errors import SkrankeError
from skranke.queues.models import TicketService
from skranke.queues.services import ticket_add_service, ticket_call_next, ticket_issue
from tests.factories import AuthorisationFactory


@pytest.fixture
def called(borgerservice, passport, mitid, citizen_counter, officer):
    for service in (passport, mitid):
        AuthorisationFactory(staff_member=officer, service=service)
    ticket_issue(queue=borgerservice, services=[passport])
    return ticket_call_next(counter=citizen_counter, staff=officer)


def test_a_service_already_on_the_ticket_is_not_added_twice(called, officer, passport):
    with pytest.raises(SkrankeError, match="står allerede på kønummeret"):
        ticket_add_service(ticket=called, staff=officer, service=passport)

    assert TicketService.objects.filter(ticket=called).count() == 1


def test_a_waiting_ticket_gets_no_service_added(borgerservice, passport, mitid, officer):
    waiting = ticket_issue(queue=borgerservice, services=[passport])

    with pytest.raises(SkrankeError, match="ikke kaldt endnu"):
        ticket_add_service(ticket=waiting, staff=officer, service=mitid)


def test_an_added_service_comes_after_the_ones_asked_for(called, officer, mitid):
    ticket_add_service(ticket=called, staff=officer, service=mitid)

    lines = TicketService.objects.filter(ticket=called).order_by("position")
    assert [(line.service.key, line.position) for line in lines] == [("passport-application", 0), ("mitid-issuance", 1)]
