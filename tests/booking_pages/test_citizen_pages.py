"""The citizen's booking pages: services → time → details → confirm, and the links that change a booking."""

from urllib.parse import urlencode

import pytest
from django.core import mail
from django.urls import reverse
from icalendar import Calendar

from skranke.bookings.models import Appointment, Status, WaitlistEntry
from skranke.bookings.services import appointment_book, appointment_from_token, appointment_token
from skranke.notices import sms

pytestmark = pytest.mark.django_db


def details_url(municipality, site, start, *services) -> str:
    query = urlencode(
        [("ydelse", s.key) for s in services] + [("sted", site.pk), ("start", start.strftime("%Y-%m-%dT%H:%M"))]
    )
    return f"{reverse('web:booking_details', kwargs={'code': municipality.code})}?{query}"


def _booking_of(location: str) -> Appointment:
    """The appointment a confirmation address is for (its token is signed with the time, so it is not compared)."""
    token = location.rstrip("/").rsplit("/", 1)[-1]
    assert location == reverse("web:booking_confirmed", kwargs={"token": token})
    return appointment_from_token(token)


CONTACT = {"name": "Karen Hansen", "email": "karen@example.dk", "phone": "12 34 56 78"}


def test_the_start_page_offers_the_bookable_services(client, municipality, offers, address):
    page = client.get(reverse("web:booking_start", kwargs={"code": municipality.code})).content.decode()
    assert 'value="passport-application"' in page
    assert 'value="mitid-issuance"' in page
    # Change of address needs no appointment and nobody made it bookable.
    assert 'value="address-change"' not in page
    assert client.get(reverse("web:booking_start", kwargs={"code": 999})).status_code == 404


def test_the_times_page_lists_free_times_for_two_services_in_one_visit(
    client, municipality, site, offers, passport, licence, day
):
    query = urlencode([("ydelse", passport.key), ("ydelse", licence.key), ("fra", day.isoformat())])
    page = client.get(f"{reverse('web:booking_times', kwargs={'code': municipality.code})}?{query}").content.decode()
    # Two 15-minute services: 30 minutes; Borgerservice closes at 14, so the last start is 13:30.
    assert f"start={day.isoformat()}T10:00" in page
    assert f"start={day.isoformat()}T13:30" in page
    assert f"start={day.isoformat()}T13:45" not in page


def test_no_service_chosen_goes_back_with_a_message(client, municipality, offers):
    response = client.get(
        reverse("web:booking_times", kwargs={"code": municipality.code}) + "?ydelse=nonsense", follow=True
    )
    assert "Vælg mindst én ting, du vil bestille tid til." in response.content.decode()


def test_booking_in_two_steps_sends_a_confirmation_with_the_calendar_file(
    client, municipality, site, offers, passport, licence, ten, django_capture_on_commit_callbacks
):
    url = details_url(municipality, site, ten, passport, licence)
    review = client.post(url, {**CONTACT, "step": "review"})
    assert "Bekræft bestilling" in review.content.decode()
    assert not Appointment.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(url, {**CONTACT, "step": "confirm"})
    appointment = Appointment.objects.get()
    assert done.status_code == 302
    assert _booking_of(done["Location"]) == appointment
    assert (appointment.name, appointment.email, appointment.phone) == ("Karen Hansen", "karen@example.dk", "12345678")
    assert [line.service for line in appointment.appointment_services.all()] == [passport, licence]
    page = client.get(done["Location"]).content.decode()
    assert appointment.code in page and "<svg" in page
    (message,) = mail.outbox
    assert message.to == ["karen@example.dk"]
    assert appointment.code in message.body
    (content,) = [content for _name, content, mimetype in message.attachments if mimetype == "text/calendar"]
    event = Calendar.from_ical(content).walk("VEVENT")[0]
    assert event.decoded("dtstart") == ten
    assert str(event.decoded("dtstart").tzinfo) == "Europe/Copenhagen"
    (text,) = sms.outbox
    assert text.to == "12345678" and appointment.code in text.text


def test_the_same_form_sent_twice_books_once(client, municipality, site, offers, passport, ten):
    url = details_url(municipality, site, ten, passport)
    first = client.post(url, {**CONTACT, "step": "confirm"})
    second = client.post(url, {**CONTACT, "step": "confirm"})
    assert Appointment.objects.count() == 1
    assert _booking_of(first["Location"]) == _booking_of(second["Location"])


@pytest.mark.parametrize(
    ("contact", "message"),
    [
        ({"name": "Karen", "email": "karen.example.dk", "phone": ""}, "E-mailadressen ser forkert ud"),
        ({"name": "Karen", "email": "", "phone": ""}, "e-mail"),
        ({"name": "", "email": "karen@example.dk", "phone": ""}, "Dette felt er påkrævet"),
        ({"name": "Karen", "email": "", "phone": "1234"}, "8 cifre"),
    ],
)
def test_bad_details_get_a_danish_message_and_book_nothing(
    client, municipality, site, offers, passport, ten, contact, message
):
    response = client.post(details_url(municipality, site, ten, passport), {**contact, "step": "confirm"})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Appointment.objects.exists()


def test_a_time_outside_opening_hours_is_refused(client, municipality, site, offers, passport, day):
    from tests.bookings.conftest import at

    response = client.post(details_url(municipality, site, at(day, "15:00"), passport), {**CONTACT, "step": "confirm"})
    assert response.status_code == 400
    assert not Appointment.objects.exists()


def test_a_taken_time_offers_the_nearest_free_ones(client, municipality, site, offers, mitid, ten):
    # MitID has one lane: someone else books it first.
    appointment_book(services=[mitid], site=site, start=ten, name="Først", email="a@example.dk")
    response = client.post(details_url(municipality, site, ten, mitid), {**CONTACT, "step": "confirm"})
    assert response.status_code == 409
    page = response.content.decode()
    assert "Tiden er lige blevet taget" in page
    assert "10:30" in page  # the next free start after the 20 minutes, on the 15-minute grid
    assert Appointment.objects.count() == 1


def test_the_calendar_file_downloads_by_the_link(client, site, offers, passport, ten):
    appointment = appointment_book(services=[passport], site=site, start=ten, name="K", email="k@example.dk")
    response = client.get(reverse("web:booking_ics", kwargs={"token": appointment_token(appointment)}))
    assert response["Content-Type"].startswith("text/calendar")
    event = Calendar.from_ical(response.content).walk("VEVENT")[0]
    assert str(event["uid"]) == f"{appointment.code}@skranke"
    assert "Roskilde Bibliotek" in str(event["location"])


def test_cancel_by_the_link(client, site, offers, passport, ten, django_capture_on_commit_callbacks):
    appointment = appointment_book(services=[passport], site=site, start=ten, name="K", email="k@example.dk")
    url = reverse("web:booking_manage", kwargs={"token": appointment_token(appointment)})
    assert "Aflys tiden" in client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url)
    appointment.refresh_from_db()
    assert appointment.status == Status.CANCELLED
    (message,) = mail.outbox
    assert "aflyst" in message.subject
    assert "METHOD:CANCEL" in str(message.attachments[-1][1])


def test_a_tampered_link_changes_nothing(client, site, offers, passport, ten):
    appointment = appointment_book(services=[passport], site=site, start=ten, name="K", email="k@example.dk")
    token = appointment_token(appointment)[:-2] + "xx"
    response = client.post(reverse("web:booking_manage", kwargs={"token": token}))
    assert response.status_code == 404
    assert "Linket virker ikke" in response.content.decode()
    appointment.refresh_from_db()
    assert appointment.status == Status.BOOKED


def test_move_by_the_link(client, site, offers, passport, ten, day):
    from tests.bookings.conftest import at

    appointment = appointment_book(services=[passport], site=site, start=ten, name="K", email="k@example.dk")
    token = appointment_token(appointment)
    url = reverse("web:booking_move", kwargs={"token": token})
    query = urlencode({"sted": site.pk, "start": f"{day.isoformat()}T11:15"})
    assert "Flyt til den nye tid" in client.get(f"{url}?{query}").content.decode()
    client.post(f"{url}?{query}")
    appointment.refresh_from_db()
    assert appointment.starts_at == at(day, "11:15")


def test_join_the_waitlist_from_the_confirmation(client, site, offers, passport, ten):
    appointment = appointment_book(services=[passport], site=site, start=ten, name="K", email="k@example.dk")
    token = appointment_token(appointment)
    client.post(reverse("web:booking_waitlist", kwargs={"token": token}), {"email": "k@example.dk"})
    entry = WaitlistEntry.objects.get()
    assert entry.appointment == appointment
