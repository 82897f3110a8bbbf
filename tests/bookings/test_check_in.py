"""Check-in at the kiosk by booking code, and appointments nobody came to."""

import datetime as dt

import pytest

from skranke.bookings.models import Appointment, Status
from skranke.bookings.services import (
    appointment_book,
    appointment_cancel,
    appointment_check_in,
    appointment_mark_no_show,
    appointments_mark_no_show,
)
from skranke.errors import NotFound, SkrankeError
from skranke.organisation.models import Area, SiteKind
from skranke.privacy.models import Action, AuditEntry
from skranke.queues.models import Channel as TicketChannel
from skranke.queues.services import ticket_call_next, ticket_issue
from tests.bookings.conftest import MONDAY, NOW, at
from tests.factories import (
    AuthorisationFactory,
    CounterFactory,
    MunicipalityFactory,
    SiteFactory,
    StaffMemberFactory,
)

pytestmark = pytest.mark.django_db

TUESDAY = MONDAY + dt.timedelta(days=1)


@pytest.fixture
def booked(site, offers, passport, licence):
    return appointment_book(
        services=[passport, licence], site=site, start=at(TUESDAY, "11:00"), email="mette@example.org", now=NOW
    )


def test_checking_in_gives_an_appointment_ticket_that_is_called_before_earlier_walk_ins(site, queue, booked, passport):
    walk_in = ticket_issue(queue=queue, services=[passport], now=at(TUESDAY, "10:40"))
    check_in = appointment_check_in(code=booked.code.lower(), site=site, now=at(TUESDAY, "10:50"))
    assert not check_in.late
    assert check_in.ticket.channel == TicketChannel.APPOINTMENT
    lines = check_in.ticket.ticket_services.order_by("position")
    assert [line.service.key for line in lines] == [
        "passport-application",
        "driving-licence-renewal",
    ]
    assert "Du er tjekket ind" in check_in.message
    appointment = Appointment.objects.get(pk=booked.pk)
    assert (appointment.status, appointment.ticket, appointment.checked_in_at) == (
        Status.CHECKED_IN,
        check_in.ticket,
        at(TUESDAY, "10:50"),
    )
    officer = StaffMemberFactory(municipality=site.municipality)
    for service in booked.services.all():
        AuthorisationFactory(staff_member=officer, service=service)
    counter = CounterFactory(site=site, area=Area.CITIZEN_SERVICE)
    assert ticket_call_next(counter=counter, staff=officer, now=at(TUESDAY, "10:55")) == check_in.ticket
    assert walk_in.pk != check_in.ticket.pk


def test_checking_in_twice_gives_the_same_ticket(site, queue, booked):
    first = appointment_check_in(code=booked.code, site=site, now=at(TUESDAY, "10:50"))
    again = appointment_check_in(code=f" {booked.code[:4]}-{booked.code[4:]} ", site=site, now=at(TUESDAY, "10:51"))
    assert again.ticket == first.ticket
    assert "allerede tjekket ind" in again.message


def test_arriving_after_the_grace_period_gives_a_walk_in_ticket_and_says_so(site, queue, booked):
    check_in = appointment_check_in(code=booked.code, site=site, now=at(TUESDAY, "11:16"))
    assert check_in.late
    assert check_in.ticket.channel == TicketChannel.WALK_IN
    assert "mere end 15 minutter efter din tid" in check_in.message
    assert Appointment.objects.get(pk=booked.pk).status == Status.LATE


def test_within_the_grace_period_is_still_on_time(site, queue, booked):
    assert not appointment_check_in(code=booked.code, site=site, now=at(TUESDAY, "11:15")).late


@pytest.mark.parametrize(
    ("code", "when", "where", "message", "error_code"),
    [
        ("ZZZZZZZZ", "10:50", "here", "Vi kan ikke finde bookingkoden ZZZZZZZZ", "not_found"),
        ("", "10:50", "here", "Skriv din bookingkode", "invalid"),
        (None, "10:50", "elsewhere", "Din tid er på Roskilde Bibliotek, ikke her", "wrong_site"),
        (None, "monday", "here", "Din tid er tirsdag 3. marts 2026 kl. 11.00, ikke i dag", "wrong_day"),
        (None, "wednesday", "here", "Din tid var tirsdag 3. marts 2026 kl. 11.00", "wrong_day"),
        (None, "10:00", "here", "Du kan tjekke ind fra kl. 10.30", "early"),
    ],
)
def test_a_wrong_code_site_or_day_gets_a_clear_message(site, queue, booked, code, when, where, message, error_code):
    other = SiteFactory(municipality=site.municipality, name="Borgerservice Syd", kind=SiteKind.CITIZEN_SERVICE)
    now = {
        "monday": at(MONDAY, "11:00"),
        "wednesday": at(TUESDAY + dt.timedelta(days=1), "11:00"),
    }.get(when) or at(TUESDAY, when)
    with pytest.raises(SkrankeError, match=message) as refused:
        appointment_check_in(
            code=booked.code if code is None else code, site=site if where == "here" else other, now=now
        )
    assert refused.value.code == error_code
    assert Appointment.objects.get(pk=booked.pk).status == Status.BOOKED


def test_a_cancelled_appointment_cannot_check_in(site, queue, booked):
    appointment_cancel(appointment=booked, now=NOW)
    with pytest.raises(SkrankeError, match="aflyst"):
        appointment_check_in(code=booked.code, site=site, now=at(TUESDAY, "10:50"))


def test_appointments_nobody_came_to_become_no_shows_after_their_time_once(site, queue, booked, offers, passport):
    came = appointment_book(services=[passport], site=site, start=at(TUESDAY, "10:00"), email="c@example.org", now=NOW)
    appointment_check_in(code=came.code, site=site, now=at(TUESDAY, "10:00"))
    assert appointments_mark_no_show(now=at(TUESDAY, "11:29")) == 0
    assert appointments_mark_no_show(now=at(TUESDAY, "11:30")) == 1
    assert appointments_mark_no_show(now=at(TUESDAY, "11:30")) == 0
    assert Appointment.objects.get(pk=booked.pk).status == Status.NO_SHOW
    assert Appointment.objects.get(pk=came.pk).status == Status.CHECKED_IN


def test_staff_mark_a_no_show_after_the_grace_period_and_it_is_audited(site, booked):
    officer = StaffMemberFactory(municipality=site.municipality)
    with pytest.raises(SkrankeError, match="15 minutter efter"):
        appointment_mark_no_show(appointment=booked, staff=officer, now=at(TUESDAY, "11:10"))
    marked = appointment_mark_no_show(appointment=booked, staff=officer, now=at(TUESDAY, "11:16"))
    assert marked.status == Status.NO_SHOW
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.actor, entry.object_id) == (Action.CHANGE, officer.user, str(booked.pk))


def test_staff_of_another_municipality_cannot_mark_a_no_show(site, booked):
    stranger = StaffMemberFactory(municipality=MunicipalityFactory(code=147))
    with pytest.raises(NotFound):
        appointment_mark_no_show(appointment=booked, staff=stranger, now=at(TUESDAY, "11:16"))
    assert Appointment.objects.get(pk=booked.pk).status == Status.BOOKED
