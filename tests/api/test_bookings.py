"""Appointments: bookable services, free times, booking, and cancelling or moving by the booking's token."""

from django.core import mail

from skranke.bookings.models import Appointment, Status
from skranke.privacy.models import AuditEntry
from tests.api.conftest import error_of

SLOTS = "/api/v1/municipalities/265/slots/?service=passport-application"
BOOK = "/api/v1/municipalities/265/appointments/"


def _book(place, start, client=None, **extra):
    body = {"services": ["passport-application"], "site": place.site.pk, "start": start, "name": "Bo Borger"}
    body.update({"email": "bo@example.dk"} | extra)
    return (client or place.client()).post(BOOK, body)


def test_the_bookable_services_say_where_and_how_long(place):
    (offer,) = place.client().get("/api/v1/municipalities/265/bookable-services/").json()
    assert (offer["service"], offer["site"], offer["area"], offer["duration_minutes"]) == (
        "passport-application",
        place.site.pk,
        "CITIZEN_SERVICE",
        15,
    )


def test_free_times_are_listed_in_order_at_the_site(place):
    slots = place.client().get(f"{SLOTS}&site={place.site.pk}&weeks=1").json()
    assert slots and slots == sorted(slots, key=lambda s: s["starts_at"])
    assert {s["site"] for s in slots} == {place.site.pk}


def test_free_times_for_an_unbookable_or_unknown_service_are_a_400(place, other):
    client = place.client()
    body = error_of(client.get("/api/v1/municipalities/265/slots/?service=library-loan"), 400, "invalid")
    assert body["fields"]["services"]
    error_of(client.get("/api/v1/municipalities/265/slots/?service=no-such-thing"), 400, "invalid")
    error_of(client.get("/api/v1/municipalities/265/slots/"), 400, "invalid")
    error_of(client.get(f"{SLOTS}&weeks=9"), 400, "invalid")
    error_of(client.get(f"{SLOTS}&site={other.site.pk}"), 400, "invalid")


def test_staff_times_need_a_staff_token_with_the_booking_scope(place):
    error_of(place.client().get(f"{SLOTS}&channel=COUNTER"), 401, "not_authenticated")
    error_of(place.client("kiosk").get(f"{SLOTS}&channel=COUNTER"), 403, "scope_missing")
    error_of(place.client("booking").get(f"{SLOTS}&channel=COUNTER"), 403, "staff_token_needed")
    assert place.client("staff").get(f"{SLOTS}&channel=COUNTER").status_code == 200


def test_a_citizen_books_and_gets_the_token_to_change_it(place, django_capture_on_commit_callbacks):
    start = place.client().get(SLOTS).json()[0]["starts_at"]
    with django_capture_on_commit_callbacks(execute=True):
        response = _book(place, start)
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["status"], body["starts_at"], body["channel"], body["repeated"]) == ("BOOKED", start, "ONLINE", False)
    assert place.client().get(f"/api/v1/appointments/{body['token']}/").json()["code"] == body["code"]
    # Sent twice: the first booking back, not a second one.
    again = _book(place, start)
    assert again.status_code == 201 and again.json()["repeated"] is True
    assert Appointment.objects.count() == 1
    assert len(mail.outbox) == 1


def test_a_taken_time_is_a_409_with_the_nearest_free_times(place):
    start = place.client().get(SLOTS).json()[0]["starts_at"]
    for who in ("a@example.dk", "b@example.dk"):
        assert _book(place, start, email=who).status_code == 201
    body = error_of(_book(place, start, email="c@example.dk"), 409, "taken")
    assert body["alternatives"] and all(a["starts_at"] != start for a in body["alternatives"])
    assert body["message_en"].startswith("Someone else has just taken")


def test_bad_bookings_are_400s_and_book_nothing(place):
    start = place.client().get(SLOTS).json()[0]["starts_at"]
    body = error_of(_book(place, start, email=""), 400, "invalid")
    assert "email" in body["fields"]
    error_of(_book(place, "2020-01-01T10:00:00+01:00"), 400, "past")
    error_of(_book(place, "i morgen"), 400, "invalid")
    error_of(_book(place, start, language="fr"), 400, "invalid")
    error_of(_book(place, start, services=["library-loan"]), 400, "invalid")
    assert not Appointment.objects.exists()


def test_staff_book_at_the_counter_as_themselves_and_it_is_audited(place):
    start = place.client("staff").get(f"{SLOTS}&channel=PHONE").json()[0]["starts_at"]
    error_of(_book(place, start, channel="PHONE"), 401, "not_authenticated")
    response = _book(place, start, client=place.client("staff"), channel="PHONE", email="", phone="12345678")
    assert response.status_code == 201, response.content
    appointment = Appointment.objects.get()
    assert (appointment.channel, appointment.booked_by) == ("PHONE", place.officer.user)
    assert AuditEntry.objects.filter(object_type="bookings.appointment", actor=place.officer.user).exists()


def test_the_citizen_moves_then_cancels_by_the_token(place, other):
    slots = place.client().get(SLOTS).json()
    token = _book(place, slots[0]["starts_at"]).json()["token"]
    error_of(other.client("kiosk").post(f"/api/v1/appointments/{token}/cancel/"), 404, "not_found")
    moved = place.client().post(f"/api/v1/appointments/{token}/move/", {"start": slots[3]["starts_at"]})
    assert moved.status_code == 200 and moved.json()["starts_at"] == slots[3]["starts_at"]
    error_of(
        place.client().post(f"/api/v1/appointments/{token}/move/", {"start": slots[3]["starts_at"]}), 400, "invalid"
    )
    cancelled = place.client().post(f"/api/v1/appointments/{token}/cancel/")
    assert cancelled.json()["status"] == Status.CANCELLED
    # Cancelling twice is no error; moving a cancelled time is.
    assert place.client().post(f"/api/v1/appointments/{token}/cancel/").status_code == 200
    error_of(
        place.client().post(f"/api/v1/appointments/{token}/move/", {"start": slots[5]["starts_at"]}), 409, "conflict"
    )


def test_an_altered_booking_token_is_a_404(place):
    token = _book(place, place.client().get(SLOTS).json()[0]["starts_at"]).json()["token"]
    for bad in (token[:-1] + ("x" if token[-1] != "x" else "y"), "nonsense"):
        error_of(place.client().get(f"/api/v1/appointments/{bad}/"), 404, "invalid_token")
        error_of(place.client().post(f"/api/v1/appointments/{bad}/cancel/"), 404, "invalid_token")
    assert Appointment.objects.get().status == Status.BOOKED
