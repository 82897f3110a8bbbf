"""The counter through the API: call next, recall, start, no-show, finish, contacts; the policy check as the pages'."""

from django.test import override_settings

from skranke.contacts.models import Contact
from skranke.privacy.models import Action, AuditEntry
from skranke.queues.models import Status, Ticket
from skranke.queues.services import ticket_issue
from tests.api.conftest import error_of

CITIZEN = "0707614285"


def _call(place, token="staff", counter=None):
    counter = counter or place.counter
    return place.client(token).post(f"/api/v1/staff/counters/{counter.pk}/call-next/")


def test_staff_list_their_municipalitys_counters(place, other):
    counters = place.client("staff").get("/api/v1/staff/counters/").json()
    assert {c["id"] for c in counters} == {place.counter.pk, place.library_counter.pk}


def test_staff_endpoints_need_a_token_acting_as_a_staff_member(place):
    error_of(place.client().get("/api/v1/staff/counters/"), 401, "not_authenticated")
    error_of(place.client("kiosk").get("/api/v1/staff/counters/"), 403, "scope_missing")
    error_of(place.client("statistics").get("/api/v1/staff/counters/"), 403, "scope_missing")


def test_call_next_calls_the_oldest_waiting_ticket_and_then_no_one_else(place, services):
    first = ticket_issue(queue=place.queue, services=[services["passport"]])
    ticket_issue(queue=place.queue, services=[services["passport"]])
    body = _call(place).json()
    assert (body["ticket"]["id"], body["ticket"]["status"], body["ticket"]["counter"]) == (
        first.pk,
        "CALLED",
        place.counter.pk,
    )
    body = error_of(_call(place), 409, "conflict")
    assert body["message_en"].startswith("You have already called B 001")


def test_call_next_with_no_one_waiting_returns_no_ticket(place):
    assert _call(place).json() == {"ticket": None}


def test_library_staff_are_not_given_authority_work_by_the_policy_check(place, services):
    ticket_issue(queue=place.queue, services=[services["passport"]])
    assert _call(place, "librarian").json() == {"ticket": None}
    assert Ticket.objects.get().status == Status.WAITING


def test_another_municipalitys_staff_find_neither_counters_nor_tickets(place, other, services):
    ticket = ticket_issue(queue=place.queue, services=[services["passport"]])
    client = other.client("staff")
    error_of(client.post(f"/api/v1/staff/counters/{place.counter.pk}/call-next/"), 404, "not_found")
    for action in ("recall", "start", "no-show"):
        error_of(client.post(f"/api/v1/staff/tickets/{ticket.pk}/{action}/"), 404, "not_found")
    finish = {"lines": [{"service": "passport-application", "outcome": "RESOLVED"}]}
    error_of(client.post(f"/api/v1/staff/tickets/{ticket.pk}/finish/", finish), 404, "not_found")
    contact = {"counter": place.counter.pk, **finish}
    error_of(client.post("/api/v1/staff/contacts/", contact), 404, "not_found")
    assert Ticket.objects.get().status == Status.WAITING and not Contact.objects.exists()


@override_settings(NO_SHOW_AFTER_RECALLS=1)
def test_recall_start_and_no_show_follow_the_tickets_moves(place, services):
    ticket = ticket_issue(queue=place.queue, services=[services["passport"]])
    _call(place)
    client = place.client("staff")
    error_of(client.post(f"/api/v1/staff/tickets/{ticket.pk}/no-show/"), 409, "conflict")
    assert client.post(f"/api/v1/staff/tickets/{ticket.pk}/recall/").json()["recalls"] == 1
    assert client.post(f"/api/v1/staff/tickets/{ticket.pk}/no-show/").json()["status"] == Status.NO_SHOW
    error_of(client.post(f"/api/v1/staff/tickets/{ticket.pk}/start/"), 409, "conflict")


def test_finish_records_the_contact_with_the_citizen_only_as_a_hash(place, services):
    ticket = ticket_issue(queue=place.queue, services=[services["passport"]])
    _call(place)
    body = {
        "lines": [{"service": "passport-application", "outcome": "REFERRED", "referred_to": "Udbetaling Danmark"}],
        "cpr": CITIZEN,
    }
    response = place.client("staff").post(f"/api/v1/staff/tickets/{ticket.pk}/finish/", body)
    assert response.status_code == 201, response.content
    assert CITIZEN not in response.content.decode()
    contact = Contact.objects.get()
    assert contact.ticket == ticket and contact.citizen is not None
    assert Ticket.objects.get().status == Status.DONE


def test_a_finish_without_every_service_or_with_a_bad_cpr_is_a_400_and_saves_nothing(place, services):
    ticket = ticket_issue(queue=place.queue, services=[services["passport"]])
    _call(place)
    client = place.client("staff")
    url = f"/api/v1/staff/tickets/{ticket.pk}/finish/"
    line = {"service": "passport-application", "outcome": "RESOLVED"}
    for body, field in (
        ({"lines": []}, "lines"),
        ({"lines": [{"service": "library-loan", "outcome": "RESOLVED"}]}, "lines"),
        ({"lines": [{**line, "outcome": "MAYBE"}]}, "lines.0.outcome"),
        ({"lines": [line], "cpr": "3213"}, "cpr"),
        ({"lines": [{**line, "outcome": "REFERRED"}]}, None),
    ):
        error = error_of(client.post(url, body), 400)
        if field:
            assert field in error["fields"], error
    assert Ticket.objects.get().status == Status.CALLED and not Contact.objects.exists()


def test_a_contact_without_a_ticket_goes_through_the_policy_check(place):
    body = {"counter": place.library_counter.pk, "lines": [{"service": "passport-application", "outcome": "RESOLVED"}]}
    # Passports only at a Borgerservice counter: refused, recorded, nothing saved.
    error = error_of(place.client("staff").post("/api/v1/staff/contacts/", body), 403, "forbidden")
    assert "borgerservice" in error["message_da"].lower()
    assert AuditEntry.objects.filter(action=Action.REFUSED, actor=place.officer.user).count() == 1
    assert not Contact.objects.exists()
    body["counter"] = place.counter.pk
    assert place.client("staff").post("/api/v1/staff/contacts/", body).status_code == 201
    error_of(place.client("staff").post("/api/v1/staff/contacts/", {**body, "started_at": "2020-01-01T10:00"}), 400)


def test_searching_a_citizens_contacts_needs_a_purpose_and_is_audited(place, other):
    body = {
        "counter": place.counter.pk,
        "lines": [{"service": "digital-help", "outcome": "RESOLVED", "guidance_mode": "SHOWN_HOW"}],
        "cpr": CITIZEN,
    }
    assert place.client("staff").post("/api/v1/staff/contacts/", body).status_code == 201
    search = {"cpr": CITIZEN, "purpose": "Borgeren står ved skranken"}
    error_of(place.client("staff").post("/api/v1/staff/contacts/search/", {"cpr": CITIZEN}), 400, "invalid")
    error_of(place.client("staff").post("/api/v1/staff/contacts/search/", {**search, "purpose": CITIZEN}), 400)
    found = place.client("staff").post("/api/v1/staff/contacts/search/", search).json()
    assert [line["service"] for line in found[0]["lines"]] == ["digital-help"]
    entry = AuditEntry.objects.filter(action=Action.SEARCH).get()
    assert (entry.actor, entry.purpose, entry.citizen is not None) == (place.officer.user, search["purpose"], True)
    assert other.client("staff").post("/api/v1/staff/contacts/search/", search).json() == []
