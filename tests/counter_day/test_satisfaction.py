"""The one question after the visit: on the phone page and on the counter's tablet, once per contact."""

import pytest
from django.urls import reverse

from skranke.contacts.models import Outcome, SatisfactionChannel, SatisfactionResponse
from skranke.contacts.services import Line, satisfaction_record, ticket_finish
from skranke.errors import SkrankeError
from skranke.queues.services import ticket_call_next, ticket_issue
from skranke.web.views_satisfaction import tablet_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def served(borgerservice, passport, citizen_counter, officer):
    """A passport ticket issued, called and finished: a contact waiting for its answer."""
    from tests.factories import AuthorisationFactory

    AuthorisationFactory(staff_member=officer, service=passport)
    ticket = ticket_issue(queue=borgerservice, services=[passport])
    called = ticket_call_next(counter=citizen_counter, staff=officer)
    contact = ticket_finish(ticket=called, staff=officer, lines=[Line(service=passport, outcome=Outcome.RESOLVED)])
    return ticket, contact


def test_the_phone_page_asks_after_the_visit_and_stops_polling(client, served):
    ticket, contact = served
    page = client.get(reverse("web:phone", kwargs={"token": ticket.token}))
    html = page.content.decode()
    assert "Hvordan var din oplevelse i dag?" in html
    assert "hx-trigger" not in html  # the ticket is done: nothing more to poll for
    poll = client.get(reverse("web:phone", kwargs={"token": ticket.token}), HTTP_HX_REQUEST="true")
    assert poll.status_code == 286
    client.post(reverse("web:phone_answer", kwargs={"token": ticket.token}), {"face": "5", "comment": "Fin hjælp"})
    answer = SatisfactionResponse.objects.get()
    assert (answer.contact, answer.face, answer.channel) == (contact, 5, SatisfactionChannel.PHONE)
    assert (
        "Hvordan var din oplevelse"
        not in client.get(reverse("web:phone", kwargs={"token": ticket.token})).content.decode()
    )


@pytest.mark.parametrize(("face", "message"), [("0", "fem ansigter"), ("x", "fem ansigter"), ("6", "fem ansigter")])
def test_a_bad_answer_is_refused(client, served, face, message):
    ticket, _contact = served
    page = client.post(reverse("web:phone_answer", kwargs={"token": ticket.token}), {"face": face}, follow=True)
    assert message in page.content.decode()
    assert not SatisfactionResponse.objects.exists()


def test_one_answer_per_contact_and_no_cpr_number_in_the_comment(served):
    _ticket, contact = served
    answer = satisfaction_record(contact=contact, face=2, comment="Ring på 0707614285", channel="PHONE")
    assert "0707614285" not in answer.comment
    with pytest.raises(SkrankeError, match="allerede"):
        satisfaction_record(contact=contact, face=4, channel="PHONE")


def test_the_tablet_asks_about_its_counters_last_contact(client, served, citizen_counter):
    _ticket, contact = served
    url = tablet_url(citizen_counter)
    assert "Hvordan var din oplevelse i dag?" in client.get(url).content.decode()
    client.post(
        reverse("web:satisfaction_tablet_answer", kwargs={"token": url.split("/")[-2]}),
        {"contact": contact.pk, "face": "4"},
    )
    assert SatisfactionResponse.objects.get().channel == SatisfactionChannel.TABLET
    assert "Tak for besøget." in client.get(url).content.decode()


def test_a_forged_tablet_address_is_not_found(client, citizen_counter):
    assert client.get(reverse("web:satisfaction_tablet", kwargs={"token": str(citizen_counter.pk)})).status_code == 404
