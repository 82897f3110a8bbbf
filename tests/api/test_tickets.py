"""Tickets: a kiosk token takes a number; the citizen follows and cancels it by the ticket's token."""

from skranke.queues.models import Status, Ticket
from skranke.queues.services import counter_open, ticket_call_next
from tests.api.conftest import error_of


def _take(place, services, client=None, **extra):
    client = client or place.client("kiosk")
    return client.post(f"/api/v1/sites/{place.site.pk}/tickets/", {"services": services, **extra})


def test_a_kiosk_token_takes_one_ticket_per_queue(place):
    response = _take(place, ["passport-application", "library-loan"], phone="12 34 56 78")
    assert response.status_code == 201, response.content
    tickets = response.json()["tickets"]
    assert [(t["label"], t["status"], t["queue"]["area"]) for t in tickets] == [
        ("B 001", "WAITING", "CITIZEN_SERVICE"),
        ("L 001", "WAITING", "LIBRARY"),
    ]
    assert tickets[0]["wait"]["position"] is None and tickets[0]["wait"]["high_minutes"] is not None
    assert tickets[0]["phone_page"].endswith(f"/nummer/{tickets[0]['token']}/")
    assert Ticket.objects.get(token=tickets[0]["token"]).phone == "12345678"


def test_taking_a_number_needs_a_kiosk_token(place):
    error_of(_take(place, ["library-loan"], client=place.client()), 401, "not_authenticated")
    error_of(_take(place, ["library-loan"], client=place.client("staff")), 403, "scope_missing")
    assert not Ticket.objects.exists()


def test_another_municipalitys_kiosk_cannot_take_a_number_here(place, other):
    error_of(_take(place, ["library-loan"], client=other.client("kiosk")), 404, "not_found")
    assert not Ticket.objects.exists()


def test_a_service_no_queue_here_serves_is_a_400_and_nothing_is_issued(place, services):
    place.library_queue.services.remove(services["help"])
    body = error_of(_take(place, ["library-loan", "digital-help"]), 400, "invalid")
    assert "digital-help" in body["fields"]["services"][0]["message_en"]
    error_of(_take(place, []), 400, "invalid")
    error_of(_take(place, "library-loan"), 400, "invalid")
    error_of(_take(place, ["library-loan"], phone="12"), 400, "invalid")
    assert not Ticket.objects.exists()


def test_a_closed_queue_is_a_400_and_closed_hours_a_409_in_danish_and_english(place):
    place.queue.active = False
    place.queue.save()
    body = error_of(_take(place, ["passport-application"]), 400, "invalid")
    assert body["fields"]["services"]
    place.site.opening_hours.all().delete()
    body = error_of(_take(place, ["library-loan"]), 409, "closed")
    assert body["message_da"].startswith("Roskilde Bibliotek har lukket for Bibliotek")
    assert body["message_en"].startswith("Roskilde Bibliotek is closed for Library")


def test_the_citizen_follows_the_ticket_by_its_token(place):
    token = _take(place, ["passport-application"]).json()["tickets"][0]["token"]
    body = place.client().get(f"/api/v1/tickets/{token}/").json()
    assert (body["status"], body["wait"]["position"], body["counter"]) == ("WAITING", 1, None)
    counter_open(counter=place.counter, staff=place.officer)
    ticket_call_next(counter=place.counter, staff=place.officer)
    body = place.client().get(f"/api/v1/tickets/{token}/").json()
    assert (body["status"], body["wait"], body["counter"]) == ("CALLED", None, "Skranke 1")


def test_an_unknown_ticket_token_is_a_404(place):
    error_of(place.client().get("/api/v1/tickets/not-a-ticket/"), 404, "not_found")
    error_of(place.client().post("/api/v1/tickets/not-a-ticket/cancel/"), 404, "not_found")


def test_the_citizen_cancels_and_cancelling_again_is_a_409(place, other):
    token = _take(place, ["passport-application"]).json()["tickets"][0]["token"]
    error_of(other.client("kiosk").post(f"/api/v1/tickets/{token}/cancel/"), 404, "not_found")
    assert place.client().post(f"/api/v1/tickets/{token}/cancel/").json()["status"] == Status.CANCELLED
    body = error_of(place.client().post(f"/api/v1/tickets/{token}/cancel/"), 409, "conflict")
    assert body["message_en"] == "Ticket B 001 is cancelled and cannot change to cancelled."
