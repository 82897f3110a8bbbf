"""Moving and cancelling an appointment, and the signed links that let the citizen do it."""

import datetime as dt

import pytest
from django.core import signing

from skranke.bookings.models import Appointment, Status
from skranke.bookings.services import (
    appointment_book,
    appointment_cancel,
    appointment_from_token,
    appointment_reschedule,
    appointment_token,
)
from skranke.errors import SkrankeError
from skranke.privacy.models import Action, AuditEntry
from tests.bookings.conftest import MONDAY, NOW, at
from tests.factories import StaffMemberFactory

pytestmark = pytest.mark.django_db

TUESDAY = MONDAY + dt.timedelta(days=1)


@pytest.fixture
def booked(site, offers, passport):
    return appointment_book(
        services=[passport], site=site, start=at(TUESDAY, "10:00"), name="Mette", email="mette@example.org", now=NOW
    )


def fill(site, passport, start, emails=("x@example.org", "y@example.org")):
    for email in emails:
        appointment_book(services=[passport], site=site, start=start, email=email, now=NOW)


def test_moving_frees_the_old_time_and_takes_the_new(site, booked, passport):
    moved = appointment_reschedule(appointment=booked, start=at(TUESDAY, "12:00"), now=NOW)
    assert (moved.pk, moved.code, moved.starts_at, moved.status) == (
        booked.pk,
        booked.code,
        at(TUESDAY, "12:00"),
        Status.BOOKED,
    )
    fill(site, passport, at(TUESDAY, "10:00"))  # both lanes at the old time are free again


def test_moving_to_a_taken_time_keeps_the_old_one(site, booked, passport):
    fill(site, passport, at(TUESDAY, "12:00"))
    with pytest.raises(SkrankeError) as refused:
        appointment_reschedule(appointment=booked, start=at(TUESDAY, "12:00"), now=NOW)
    assert refused.value.code == "taken" and refused.value.alternatives
    booked.refresh_from_db()
    assert (booked.starts_at, booked.status) == (at(TUESDAY, "10:00"), Status.BOOKED)


def test_moving_within_its_own_time_does_not_collide_with_itself(site, booked, passport, licence):
    moved = appointment_reschedule(appointment=booked, start=at(TUESDAY, "10:15"), now=NOW)
    assert (moved.starts_at, moved.lane) == (at(TUESDAY, "10:15"), 1)


@pytest.mark.parametrize(
    ("start", "message"),
    [
        (at(MONDAY, "07:00"), "allerede passeret"),
        (at(TUESDAY, "16:00"), "uden for åbningstiden"),
        (at(dt.date(2026, 4, 6), "10:00"), "Anden påskedag"),
        (at(TUESDAY, "10:00"), "Det er allerede din tid"),
    ],
)
def test_a_bad_new_time_is_refused_and_nothing_moves(booked, start, message):
    with pytest.raises(SkrankeError, match=message):
        appointment_reschedule(appointment=booked, start=start, now=NOW)
    booked.refresh_from_db()
    assert booked.starts_at == at(TUESDAY, "10:00")


def test_staff_moving_and_cancelling_is_audited(site, booked):
    officer = StaffMemberFactory(municipality=site.municipality)
    appointment_reschedule(appointment=booked, start=at(TUESDAY, "11:00"), now=NOW, actor=officer.user)
    appointment_cancel(appointment=booked, now=NOW, actor=officer.user)
    assert list(AuditEntry.objects.order_by("sequence").values_list("action", "detail")) == [
        (Action.CHANGE, "flyttet"),
        (Action.CHANGE, "aflyst"),
    ]


def test_cancelling_frees_the_time_and_twice_is_no_error(site, booked, passport):
    cancelled = appointment_cancel(appointment=booked, now=NOW)
    assert (cancelled.status, cancelled.cancelled_at) == (Status.CANCELLED, NOW)
    assert appointment_cancel(appointment=booked, now=NOW).status == Status.CANCELLED
    fill(site, passport, at(TUESDAY, "10:00"))


def test_a_started_appointment_cannot_be_cancelled_or_moved(booked):
    with pytest.raises(SkrankeError, match="begyndt"):
        appointment_cancel(appointment=booked, now=at(TUESDAY, "10:05"))
    with pytest.raises(SkrankeError, match="begyndt"):
        appointment_reschedule(appointment=booked, start=at(TUESDAY, "12:00"), now=at(TUESDAY, "10:05"))
    assert Appointment.objects.get().status == Status.BOOKED


def test_a_cancelled_appointment_cannot_be_moved(booked):
    appointment_cancel(appointment=booked, now=NOW)
    with pytest.raises(SkrankeError, match="aflyst og kan ikke flyttes"):
        appointment_reschedule(appointment=booked, start=at(TUESDAY, "12:00"), now=NOW)


def test_the_link_leads_to_its_appointment_until_it_has_ended(booked):
    token = appointment_token(booked)
    assert appointment_from_token(token, now=NOW) == booked
    assert appointment_from_token(token, now=at(TUESDAY, "10:14")) == booked
    with pytest.raises(SkrankeError, match="udløbet") as refused:
        appointment_from_token(token, now=at(TUESDAY, "10:15"))
    assert refused.value.code == "expired"


@pytest.mark.parametrize(
    "tamper",
    [
        lambda token: token[:-1] + ("A" if token[-1] != "A" else "B"),
        lambda token: "",
        lambda token: "noget-helt-andet",
    ],
)
def test_an_altered_link_is_refused(booked, tamper):
    with pytest.raises(SkrankeError, match="Linket virker ikke") as refused:
        appointment_from_token(tamper(appointment_token(booked)), now=NOW)
    assert refused.value.code == "invalid_token"


def test_a_link_signed_for_another_appointment_or_purpose_is_refused(booked):
    forged = signing.dumps({"a": booked.pk, "c": "AAAAAAAA"}, salt="skranke.bookings.appointment")
    other_purpose = signing.dumps({"a": booked.pk, "c": booked.code})
    for token in (forged, other_purpose):
        with pytest.raises(SkrankeError, match="Linket virker ikke"):
            appointment_from_token(token, now=NOW)
