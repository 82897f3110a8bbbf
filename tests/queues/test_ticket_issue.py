"""ticket_issue: the next number of the queue's day, or a Danish message and nothing saved."""

import datetime as dt

import pytest
from django.utils import timezone

from skranke.errors import SkrankeError
from skranke.organisation.models import OpeningHours, ServiceOverride
from skranke.queues.models import Status, Ticket
from skranke.queues.services import ticket_issue

pytestmark = pytest.mark.django_db


def test_tickets_are_numbered_per_queue_and_shown_with_the_queue_letter(borgerservice, library, passport, loan):
    first = ticket_issue(queue=borgerservice, services=[passport])
    second = ticket_issue(queue=borgerservice, services=[passport])
    other = ticket_issue(queue=library, services=[loan])
    assert [first.label, second.label, other.label] == ["B 001", "B 002", "L 001"]
    assert first.status == Status.WAITING
    assert list(first.services.all()) == [passport]
    assert len(first.token) >= 32


def test_numbers_start_again_the_next_day(borgerservice, passport):
    today = timezone.now()
    ticket_issue(queue=borgerservice, services=[passport], now=today)
    tomorrow = ticket_issue(queue=borgerservice, services=[passport], now=today + dt.timedelta(days=1))
    assert tomorrow.number == 1


def test_a_ticket_may_ask_for_several_services_and_keeps_their_order(borgerservice, passport, mitid):
    ticket = ticket_issue(queue=borgerservice, services=[mitid, passport])
    assert [s.service.key for s in ticket.ticket_services.all()] == ["mitid-issuance", "passport-application"]


@pytest.mark.parametrize(("typed", "stored"), [("12 34 56 78", "12345678"), ("+45 12345678", "12345678"), ("", "")])
def test_a_danish_phone_number_is_kept_as_eight_digits(borgerservice, passport, typed, stored):
    assert ticket_issue(queue=borgerservice, services=[passport], phone=typed).phone == stored


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"phone": "1234"}, "Telefonnummeret skal have 8 cifre"),
        ({"phone": "abcdefgh"}, "Telefonnummeret skal have 8 cifre"),
        ({"email": "ikke-en-adresse"}, "E-mailadressen ser forkert ud"),
        ({"services": []}, "Vælg mindst én ting"),
    ],
)
def test_bad_input_is_refused_in_danish_and_saves_nothing(borgerservice, passport, kwargs, message):
    arguments = {"queue": borgerservice, "services": [passport], **kwargs}
    with pytest.raises(SkrankeError, match=message):
        ticket_issue(**arguments)
    assert not Ticket.objects.exists()


def test_a_service_of_another_queue_is_refused(borgerservice, loan):
    with pytest.raises(SkrankeError, match="hører ikke til køen Borgerservice"):
        ticket_issue(queue=borgerservice, services=[loan])


def test_a_switched_off_service_is_refused(borgerservice, passport):
    ServiceOverride.objects.create(municipality=borgerservice.site.municipality, service=passport, enabled=False)
    with pytest.raises(SkrankeError, match="Pas tilbydes ikke her"):
        ticket_issue(queue=borgerservice, services=[passport])
    assert not Ticket.objects.exists()


def test_no_ticket_while_the_area_is_closed(borgerservice, passport):
    OpeningHours.objects.filter(site=borgerservice.site, area=borgerservice.area).delete()
    with pytest.raises(SkrankeError, match="har lukket for Borgerservice lige nu"):
        ticket_issue(queue=borgerservice, services=[passport])
    assert not Ticket.objects.exists()
