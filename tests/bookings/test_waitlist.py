"""The waitlist: a freed time is offered to the first in line it fits, held for them, and passed on if not taken."""

import datetime as dt

import pytest

from skranke.bookings.models import Appointment, Status, WaitlistEntry, WaitlistStatus
from skranke.bookings.services import appointment_book, appointment_cancel
from skranke.bookings.waitlist import (
    waitlist_accept,
    waitlist_expire,
    waitlist_from_token,
    waitlist_join,
    waitlist_leave,
    waitlist_token,
)
from skranke.errors import SkrankeError
from tests.bookings.conftest import MONDAY, NOW, at

pytestmark = pytest.mark.django_db

TUESDAY = MONDAY + dt.timedelta(days=1)
LATER = NOW + dt.timedelta(minutes=10)


@pytest.fixture
def full_tuesday(site, offers, passport):
    """Both lanes booked all Tuesday."""
    booked = []
    for number in range(16):
        start = at(TUESDAY, "10:00") + dt.timedelta(minutes=15 * number)
        for lane in (1, 2):
            booked.append(
                appointment_book(
                    services=[passport], site=site, start=start, email=f"c{number}-{lane}@example.org", now=NOW
                )
            )
    return booked


def join(site, passport, email, **kwargs):
    kwargs.setdefault("latest_day", TUESDAY)
    return waitlist_join(site=site, services=[passport], email=email, now=NOW, **kwargs)


def test_a_cancellation_is_offered_to_the_first_in_line_and_held_for_them(site, passport, full_tuesday):
    first = join(site, passport, "first@example.org")
    second = join(site, passport, "second@example.org")
    appointment_cancel(appointment=full_tuesday[8], now=LATER)
    first.refresh_from_db()
    assert first.status == WaitlistStatus.OFFERED
    assert (first.offered.starts_at, first.offered.status, first.offered.email) == (
        at(TUESDAY, "11:00"),
        Status.HELD,
        "first@example.org",
    )
    assert first.offer_expires_at == LATER + dt.timedelta(hours=2)
    assert WaitlistEntry.objects.get(pk=second.pk).status == WaitlistStatus.WAITING
    # Held: nobody else can book it meanwhile.
    with pytest.raises(SkrankeError) as refused:
        appointment_book(services=[passport], site=site, start=at(TUESDAY, "11:00"), email="x@example.org", now=LATER)
    assert refused.value.code == "taken"


def test_accepting_books_the_held_time(site, passport, full_tuesday):
    entry = join(site, passport, "first@example.org")
    appointment_cancel(appointment=full_tuesday[8], now=LATER)
    booked = waitlist_accept(entry=waitlist_from_token(waitlist_token(entry)), now=LATER)
    assert booked.status == Status.BOOKED
    assert WaitlistEntry.objects.get(pk=entry.pk).status == WaitlistStatus.BOOKED
    assert waitlist_accept(entry=entry, now=LATER).pk == booked.pk  # a second click


def test_an_offer_not_taken_in_time_lapses_and_goes_to_the_next(site, passport, full_tuesday):
    first = join(site, passport, "first@example.org")
    second = join(site, passport, "second@example.org")
    appointment_cancel(appointment=full_tuesday[8], now=LATER)
    expiry = LATER + dt.timedelta(hours=2)
    assert waitlist_expire(now=expiry - dt.timedelta(seconds=1)) == 0
    assert waitlist_expire(now=expiry) == 1
    assert waitlist_expire(now=expiry) == 0
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, first.offered.status) == (WaitlistStatus.EXPIRED, Status.EXPIRED)
    assert (second.status, second.offered.starts_at) == (WaitlistStatus.OFFERED, at(TUESDAY, "11:00"))
    with pytest.raises(SkrankeError, match="udløbet") as refused:
        waitlist_accept(entry=first, now=expiry)
    assert refused.value.code == "expired"


def test_an_entry_the_freed_time_does_not_fit_is_passed_over(site, passport, mitid, offers, full_tuesday):
    too_early = join(site, passport, "monday-only@example.org", latest_day=MONDAY)
    longer = waitlist_join(site=site, services=[mitid], email="mitid@example.org", latest_day=TUESDAY, now=NOW)
    fits = join(site, passport, "fits@example.org")
    appointment_cancel(appointment=full_tuesday[8], now=LATER)
    assert WaitlistEntry.objects.get(pk=too_early.pk).status == WaitlistStatus.WAITING
    assert WaitlistEntry.objects.get(pk=longer.pk).status == WaitlistStatus.WAITING  # 20 minutes in 15
    assert WaitlistEntry.objects.get(pk=fits.pk).status == WaitlistStatus.OFFERED


def test_earlier_than_my_booking_moves_it_when_accepted(site, passport, offers, full_tuesday):
    wednesday = appointment_book(
        services=[passport],
        site=site,
        start=at(TUESDAY + dt.timedelta(days=1), "10:00"),
        email="m@example.org",
        now=NOW,
    )
    entry = waitlist_join(site=site, email="m@example.org", appointment=wednesday, now=NOW)
    appointment_cancel(appointment=full_tuesday[8], now=LATER)
    entry.refresh_from_db()
    booked = waitlist_accept(entry=entry, now=LATER)
    assert booked.starts_at == at(TUESDAY, "11:00")
    assert Appointment.objects.get(pk=wednesday.pk).status == Status.CANCELLED


def test_leaving_the_waitlist_passes_a_held_offer_on(site, passport, full_tuesday):
    first = join(site, passport, "first@example.org")
    second = join(site, passport, "second@example.org")
    appointment_cancel(appointment=full_tuesday[8], now=LATER)
    waitlist_leave(entry=WaitlistEntry.objects.get(pk=first.pk), now=LATER)
    assert WaitlistEntry.objects.get(pk=second.pk).status == WaitlistStatus.OFFERED


def test_joining_twice_gives_the_same_entry(site, passport, offers):
    assert join(site, passport, "a@example.org").pk == join(site, passport, "A@example.org").pk


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"email": "ikke-en-adresse"}, "E-mailadressen ser forkert ud"),
        ({"email": "", "phone": "12345678"}, "Skriv din e-mail"),
        ({"latest_day": MONDAY - dt.timedelta(days=1)}, "allerede passeret"),
        ({"latest_day": None}, "seneste dag"),
    ],
)
def test_a_bad_waitlist_request_is_refused(site, passport, offers, change, message):
    kwargs = {"email": "a@example.org", **change}
    with pytest.raises(SkrankeError, match=message):
        waitlist_join(site=site, services=[passport], now=NOW, **kwargs)
    assert not WaitlistEntry.objects.exists()


def test_an_altered_waitlist_link_is_refused(site, passport, offers):
    token = waitlist_token(join(site, passport, "a@example.org"))
    with pytest.raises(SkrankeError, match="Linket virker ikke"):
        waitlist_from_token(token + "x")
