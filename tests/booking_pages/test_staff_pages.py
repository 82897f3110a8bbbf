"""The staff's day of appointments, booking on a citizen's behalf, no-shows, and the waitlist offer e-mail."""

import io
from urllib.parse import urlencode

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from skranke.bookings.models import Appointment, Channel, Status, WaitlistEntry
from skranke.bookings.services import appointment_book, appointment_cancel
from skranke.bookings.waitlist import waitlist_join
from skranke.privacy.models import Action, AuditEntry
from tests.bookings.conftest import at
from tests.factories import StaffMemberFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(site):
    return StaffMemberFactory(municipality=site.municipality, home_site=site)


@pytest.fixture
def officer_client(client, officer):
    client.force_login(officer.user)
    return client


def test_the_days_list_shows_names_and_logs_the_read(officer_client, officer, site, offers, passport, ten, day):
    appointment_book(services=[passport], site=site, start=ten, name="Karen Hansen", email="k@example.dk")
    page = officer_client.get(f"{reverse('web:appointments')}?{urlencode({'sted': site.pk, 'dag': day})}")
    assert "Karen Hansen" in page.content.decode()
    entry = AuditEntry.objects.get(action=Action.READ, object_type="bookings.appointment")
    assert entry.actor == officer.user
    assert entry.criteria["count"] == 1


def test_booking_on_a_citizens_behalf_on_the_phone(officer_client, officer, site, offers, passport, day):
    times = officer_client.get(f"{reverse('web:staff_booking_times')}?ydelse={passport.key}&sted={site.pk}&fra={day}")
    assert f"start={day.isoformat()}T10:00" in times.content.decode()
    query = urlencode({"ydelse": passport.key, "sted": site.pk, "start": f"{day.isoformat()}T10:00"})
    url = f"{reverse('web:staff_booking_details')}?{query}"
    form = {"name": "Ole", "email": "", "phone": "12345678", "channel": Channel.PHONE, "step": "confirm"}
    response = officer_client.post(url, form)
    appointment = Appointment.objects.get()
    assert response.status_code == 302
    assert (appointment.channel, appointment.booked_by) == (Channel.PHONE, officer.user)
    assert appointment.starts_at == at(day, "10:00")


def test_no_show_is_refused_before_the_time_and_cancel_works(officer_client, site, offers, passport, ten, day):
    appointment = appointment_book(services=[passport], site=site, start=ten, name="K", email="k@example.dk")
    form = {"appointment": appointment.pk, "sted": site.pk, "dag": day.isoformat()}
    page = officer_client.post(reverse("web:appointment_action"), {**form, "action": "no_show"}, follow=True)
    assert "minutter efter tidens start" in page.content.decode()
    assert Appointment.objects.get(pk=appointment.pk).status == Status.BOOKED
    officer_client.post(reverse("web:appointment_action"), {**form, "action": "cancel"})
    assert Appointment.objects.get(pk=appointment.pk).status == Status.CANCELLED


def test_another_municipalitys_appointment_cannot_be_touched(client, site, offers, passport, ten):
    appointment = appointment_book(services=[passport], site=site, start=ten, name="K", email="k@example.dk")
    stranger = StaffMemberFactory()
    client.force_login(stranger.user)
    page = client.post(
        reverse("web:appointment_action"), {"appointment": appointment.pk, "action": "cancel"}, follow=True
    )
    assert "Tiden findes ikke" in page.content.decode()
    assert Appointment.objects.get(pk=appointment.pk).status == Status.BOOKED


def test_a_cancelled_time_is_offered_to_the_waitlist_by_e_mail_once(site, offers, passport, ten, day):
    first = appointment_book(services=[passport], site=site, start=ten, name="A", email="a@example.dk")
    later = appointment_book(services=[passport], site=site, start=at(day, "13:00"), name="B", email="b@example.dk")
    waitlist_join(site=site, email="b@example.dk", appointment=later)
    appointment_cancel(appointment=first)
    mail.outbox.clear()
    for _ in range(2):
        call_command("appointments_due", stdout=io.StringIO())
    (offer,) = mail.outbox
    assert offer.to == ["b@example.dk"]
    assert "ledig" in offer.subject
    assert reverse("web:waitlist_offer", kwargs={"token": "x"}).rsplit("x", 1)[0] in offer.body
    assert WaitlistEntry.objects.get().offer_sent_at is not None


def test_the_confirmation_carries_the_qr_code(site, offers, passport, ten, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        appointment_book(services=[passport], site=site, start=ten, name="K", email="k@example.dk")
    (message,) = mail.outbox
    kinds = {mimetype for _name, _content, mimetype in message.attachments}
    assert kinds == {"image/png", "text/calendar"}
