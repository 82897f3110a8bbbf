"""The counter screen: call next, serve, finish with outcomes, transfer, add a service, and every refusal."""

import pytest
from django.urls import reverse
from django.utils import timezone

from skranke.contacts.models import Contact
from skranke.organisation.models import Area, OpeningHours
from skranke.privacy.models import Action, AuditEntry
from skranke.queues.models import CounterPresence, Queue, Status, Ticket
from skranke.queues.services import ticket_call_next, ticket_issue
from tests.factories import AuthorisationFactory, MunicipalityFactory, SiteFactory, StaffMemberFactory
from tests.web.conftest import stand_at

ACTION = reverse("web:counter_action")
FINISH = reverse("web:counter_finish")


def _messages(response) -> list[str]:
    return [str(m) for m in response.wsgi_request._messages]


def _call(client):
    return client.post(ACTION, {"action": "call_next"})


def test_without_a_counter_the_screen_sends_you_to_choose_one(client, officer):
    client.force_login(officer.user)

    response = client.get(reverse("web:counter"))

    assert response.status_code == 302 and response["Location"] == reverse("web:home")


def test_opening_the_screen_puts_you_at_the_counter(officer_client, officer, citizen_counter):
    officer_client.get(reverse("web:counter"))

    assert CounterPresence.objects.filter(counter=citizen_counter, staff=officer, ended_at=None).count() == 1


def test_call_next_shows_the_ticket_with_its_guidance(officer_client, borgerservice, passport):
    ticket_issue(queue=borgerservice, services=[passport])

    response = _call(officer_client)
    page = officer_client.get(reverse("web:counter")).content.decode()

    assert _messages(response) == ["Du har kaldt B 001."]
    assert "B 001" in page and "Afslut med resultat" in page
    assert "guidance-panel" in page and "Gebyr i dag" in page


def test_a_second_call_while_one_is_open_calls_no_one(officer_client, borgerservice, passport):
    """A reload or a double click must not call a second citizen to the same counter."""
    ticket_issue(queue=borgerservice, services=[passport])
    ticket_issue(queue=borgerservice, services=[passport])

    _call(officer_client)
    response = _call(officer_client)

    assert Ticket.objects.filter(status=Status.CALLED).count() == 1
    assert _messages(response)[-1].startswith("Du har allerede kaldt B 001.")


def test_nothing_to_call_says_so(officer_client, borgerservice):
    response = _call(officer_client)

    assert _messages(response) == ["Der er ingen i kø, som du kan betjene her lige nu."]


def test_finishing_without_an_outcome_records_nothing(officer_client, borgerservice, passport):
    ticket = ticket_issue(queue=borgerservice, services=[passport])
    _call(officer_client)

    response = officer_client.post(FINISH, {"ticket": ticket.pk})

    ticket.refresh_from_db()
    assert ticket.status == Status.CALLED
    assert Contact.objects.count() == 0
    assert _messages(response)[-1] == "Vælg et resultat for Pas."


def test_finishing_records_the_contact_once_even_when_sent_twice(officer_client, borgerservice, passport):
    ticket = ticket_issue(queue=borgerservice, services=[passport])
    _call(officer_client)
    data = {"ticket": ticket.pk, f"outcome_{passport.pk}": "RESOLVED", "cpr": "070761-4285"}

    officer_client.post(FINISH, data)
    again = officer_client.post(FINISH, data)

    ticket.refresh_from_db()
    contact = Contact.objects.get()
    assert ticket.status == Status.DONE
    assert contact.citizen is not None and "4285" not in str(contact.citizen)
    assert [(line.service, line.outcome) for line in contact.lines.all()] == [(passport, "RESOLVED")]
    assert "kan ikke blive" in _messages(again)[-1]


def test_a_referral_must_say_to_whom(officer_client, borgerservice, passport):
    ticket = ticket_issue(queue=borgerservice, services=[passport])
    _call(officer_client)

    response = officer_client.post(FINISH, {"ticket": ticket.pk, f"outcome_{passport.pk}": "REFERRED"})

    assert Contact.objects.count() == 0
    assert _messages(response)[-1] == "Skriv hvem borgeren er henvist til for Pas."


def test_a_malformed_cpr_number_records_nothing(officer_client, borgerservice, passport):
    ticket = ticket_issue(queue=borgerservice, services=[passport])
    _call(officer_client)

    response = officer_client.post(FINISH, {"ticket": ticket.pk, f"outcome_{passport.pk}": "RESOLVED", "cpr": "12345"})

    assert Contact.objects.count() == 0
    assert Ticket.objects.get(pk=ticket.pk).status == Status.CALLED
    assert _messages(response)[-1] == "Et CPR-nummer har 10 cifre; der er 5."


def test_no_show_only_after_a_recall(officer_client, borgerservice, passport):
    ticket = ticket_issue(queue=borgerservice, services=[passport])
    _call(officer_client)

    early = officer_client.post(ACTION, {"action": "no_show", "ticket": ticket.pk})
    officer_client.post(ACTION, {"action": "recall", "ticket": ticket.pk})
    officer_client.post(ACTION, {"action": "no_show", "ticket": ticket.pk})

    ticket.refresh_from_db()
    assert "Kald B 001 igen først" in _messages(early)[-1]
    assert (ticket.status, ticket.recalls) == (Status.NO_SHOW, 1)


def test_a_transfer_gives_a_number_in_the_other_queue(officer_client, borgerservice, library, passport, loan):
    ticket = ticket_issue(queue=borgerservice, services=[passport])
    _call(officer_client)

    response = officer_client.post(
        ACTION,
        {"action": "transfer", "ticket": ticket.pk, "queue": library.pk, "service": "library-loan", "note": "Bøger"},
    )

    moved = Ticket.objects.get(queue=library)
    assert (moved.label, moved.note, moved.issued_at) == ("L 001", "Bøger", ticket.issued_at)
    assert _messages(response)[-1] == "B 001 er flyttet til Bibliotek som L 001."


def test_adding_a_service_the_staff_member_may_not_handle_is_refused_plainly_and_audited(
    client, librarian, citizen_counter, borgerservice, mitid, passport, site
):
    """A librarian at a Borgerservice counter with no authorisation for passports."""
    municipality = site.municipality
    municipality.library_staff_authority = True
    municipality.save()
    municipality.library_authority_services.set([mitid])
    AuthorisationFactory(staff_member=librarian, service=mitid)
    client.force_login(librarian.user)
    stand_at(client, citizen_counter)
    ticket = ticket_issue(queue=borgerservice, services=[mitid])
    _call(client)
    assert Ticket.objects.get(pk=ticket.pk).status == Status.CALLED

    response = client.post(ACTION, {"action": "add_service", "ticket": ticket.pk, "service": "passport-application"})

    assert [s.key for s in Ticket.objects.get(pk=ticket.pk).services.all()] == ["mitid-issuance"]
    assert "henvis" in _messages(response)[-1]
    assert AuditEntry.objects.filter(action=Action.REFUSED, object_id="passport-application").count() == 1


def test_adding_a_service_the_staff_member_may_handle(officer_client, borgerservice, passport, mitid):
    ticket = ticket_issue(queue=borgerservice, services=[passport])
    _call(officer_client)

    officer_client.post(ACTION, {"action": "add_service", "ticket": ticket.pk, "service": "mitid-issuance"})

    lines = Ticket.objects.get(pk=ticket.pk).ticket_services.order_by("position")
    assert [line.service.key for line in lines] == ["passport-application", "mitid-issuance"]


def test_a_ticket_of_another_municipality_cannot_be_touched(officer_client, passport):
    other_site = SiteFactory(municipality=MunicipalityFactory(code=751))
    OpeningHours.objects.create(site=other_site, area=Area.CITIZEN_SERVICE, weekday=0, opens="00:00", closes="23:59")
    queue = Queue.objects.create(site=other_site, name="B", area=Area.CITIZEN_SERVICE, letter="B")
    queue.services.set([passport])
    foreign = Ticket.objects.create(queue=queue, day="2026-01-05", number=1, issued_at="2026-01-05T09:00Z")

    for action in ("recall", "start", "no_show", "add_service", "transfer"):
        response = officer_client.post(ACTION, {"action": action, "ticket": foreign.pk, "service": "mitid-issuance"})
        assert _messages(response)[-1] == "Kønummeret findes ikke længere. Genindlæs siden."
    officer_client.post(FINISH, {"ticket": foreign.pk, f"outcome_{passport.pk}": "RESOLVED"})

    foreign.refresh_from_db()
    assert foreign.status == Status.WAITING and Contact.objects.count() == 0


def test_someone_elses_called_ticket_cannot_be_finished_from_a_stale_screen(
    officer_client, borgerservice, passport, site, citizen_counter
):
    other = StaffMemberFactory(municipality=site.municipality, staff_group="CITIZEN_SERVICE")
    AuthorisationFactory(staff_member=other, service=passport)
    ticket = ticket_issue(queue=borgerservice, services=[passport])
    ticket_call_next(counter=citizen_counter, staff=other)

    response = officer_client.post(FINISH, {"ticket": ticket.pk, f"outcome_{passport.pk}": "RESOLVED"})

    assert Contact.objects.count() == 0
    assert _messages(response)[-1] == "Kønummer B 001 betjenes af en anden."


def test_an_unknown_action_changes_nothing(officer_client, borgerservice, passport):
    ticket = ticket_issue(queue=borgerservice, services=[passport])

    response = officer_client.post(ACTION, {"action": "delete_everything", "ticket": ticket.pk})

    assert Ticket.objects.get(pk=ticket.pk).status == Status.WAITING
    assert _messages(response)[-1] == "Ukendt handling. Genindlæs siden og prøv igen."


def test_the_screens_poll_gets_only_the_queue_status(officer_client, borgerservice, passport):
    ticket_issue(queue=borgerservice, services=[passport])

    response = officer_client.get(reverse("web:counter"), HTTP_X_SKRANKE_POLL="1", HTTP_HX_REQUEST="true")

    page = response.content.decode()
    assert "1 venter" in page and "<html" not in page


def test_the_queue_overview_shows_waiting_and_open_counters(officer_client, officer, borgerservice, passport):
    ticket_issue(queue=borgerservice, services=[passport])
    officer_client.get(reverse("web:counter"))

    page = officer_client.get(reverse("web:queue_overview")).content.decode()

    assert "Borgerservice (B)" in page
    assert "Skranke 3" in page and str(officer) in page


# A citizen served without a ticket

CONTACT = reverse("web:counter_contact")


def test_a_citizen_without_a_ticket_is_recorded_with_the_outcome(librarian_client, librarian, loan, library_counter):
    page = librarian_client.get(f"{reverse('web:counter')}?uden_nummer=library-loan").content.decode()
    started = int(timezone.now().timestamp()) - 120

    response = librarian_client.post(
        CONTACT, {"service": "library-loan", f"outcome_{loan.pk}": "RESOLVED", "started": started}
    )

    contact = Contact.objects.get()
    assert "Registrér hjælpen med Lån" in page
    assert _messages(response)[-1] == "Henvendelsen er registreret."
    assert (contact.ticket, contact.counter, contact.staff) == (None, library_counter, librarian.user)
    assert 100 <= contact.service_seconds <= 200
    assert [(line.service, line.outcome) for line in contact.lines.all()] == [(loan, "RESOLVED")]


def test_a_walk_up_contact_for_a_service_the_staff_member_may_not_handle_is_refused_and_audited(
    librarian_client, passport
):
    response = librarian_client.post(CONTACT, {"service": "passport-application", f"outcome_{passport.pk}": "RESOLVED"})

    assert Contact.objects.count() == 0
    assert "henvis" in _messages(response)[-1]
    assert AuditEntry.objects.filter(action=Action.REFUSED, object_id="passport-application").count() == 1


@pytest.mark.parametrize("started", ["", "soon", "99999999999999999999", "0", str(2**40)])
def test_an_odd_start_time_counts_as_now(librarian_client, loan, started):
    librarian_client.post(CONTACT, {"service": "library-loan", f"outcome_{loan.pk}": "RESOLVED", "started": started})

    assert Contact.objects.get().service_seconds <= 5


def test_a_walk_up_contact_without_a_service_or_outcome_records_nothing(librarian_client, loan):
    unknown = librarian_client.post(CONTACT, {"service": "no-such-service"})
    no_outcome = librarian_client.post(CONTACT, {"service": "library-loan"})

    assert Contact.objects.count() == 0
    assert _messages(unknown)[-1] == "Vælg den ydelse, du har hjulpet borgeren med."
    assert _messages(no_outcome)[-1] == "Vælg et resultat for Lån."
    assert no_outcome["Location"] == f"{reverse('web:counter')}?uden_nummer=library-loan"
