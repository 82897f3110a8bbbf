"""appointment_book: a booking holds a lane; bad input is refused clearly and changes nothing."""

import datetime as dt

import pytest

from skranke.bookings.models import Appointment, AppointmentService, BookableService, Channel, Closure, Status
from skranke.bookings.services import CODE_ALPHABET, appointment_book
from skranke.errors import SkrankeError
from skranke.privacy.models import Action, AuditEntry
from tests.bookings.conftest import MONDAY, NOW, at
from tests.factories import MunicipalityFactory, ServiceOverrideFactory, StaffMemberFactory

pytestmark = pytest.mark.django_db

TUESDAY = MONDAY + dt.timedelta(days=1)


def book(site, services, start, **kwargs):
    kwargs.setdefault("name", "Mette Sørensen")
    kwargs.setdefault("email", "mette@example.org")
    return appointment_book(services=services, site=site, start=start, now=kwargs.pop("now", NOW), **kwargs)


def test_a_booking_holds_the_lowest_free_lane_for_the_visits_added_duration(site, offers, passport, licence):
    appointment = book(site, [passport, licence], at(TUESDAY, "10:00"))
    assert appointment.status == Status.BOOKED
    assert (appointment.lane, appointment.ends_at - appointment.starts_at) == (1, dt.timedelta(minutes=30))
    assert list(appointment.appointment_services.values_list("service__key", flat=True)) == [
        "passport-application",
        "driving-licence-renewal",
    ]
    assert len(appointment.code) == 8 and set(appointment.code) <= set(CODE_ALPHABET)
    assert (appointment.channel, appointment.booked_by, appointment.created_at) == (Channel.ONLINE, None, NOW)
    second = book(site, [passport], at(TUESDAY, "10:15"), email="karim@example.org")
    assert second.lane == 2


def test_the_last_lane_taken_is_refused_as_taken_with_the_nearest_free_times(site, offers, passport):
    book(site, [passport], at(TUESDAY, "11:00"), email="a@example.org")
    book(site, [passport], at(TUESDAY, "11:00"), email="b@example.org")
    with pytest.raises(SkrankeError) as refused:
        book(site, [passport], at(TUESDAY, "11:00"), email="c@example.org")
    error = refused.value
    assert error.code == "taken"
    times = [a.starts_at for a in error.alternatives]
    assert times == [at(TUESDAY, "10:30"), at(TUESDAY, "10:45"), at(TUESDAY, "11:15")]
    assert "Tiden er lige blevet taget af en anden. De nærmeste ledige tider er tirsdag 3. marts 2026 kl." in str(error)
    assert Appointment.objects.count() == 2


def test_the_same_form_sent_twice_gives_the_first_booking_back(site, offers, passport):
    first = book(site, [passport], at(TUESDAY, "10:00"))
    again = book(site, [passport], at(TUESDAY, "10:00"), email="METTE@example.org")
    assert again.pk == first.pk and again.repeated
    assert Appointment.objects.count() == 1


def test_staff_book_on_a_citizens_behalf_and_the_booking_is_audited(site, offers, passport):
    officer = StaffMemberFactory(municipality=site.municipality)
    appointment = book(
        site,
        [passport],
        at(MONDAY, "10:15"),
        channel=Channel.PHONE,
        booked_by=officer.user,
        phone="12 34 56 78",
        email="",
        now=at(MONDAY, "10:05"),
    )
    assert (appointment.booked_by, appointment.phone) == (officer.user, "12345678")
    entry = AuditEntry.objects.get(object_type="bookings.appointment")
    assert (entry.action, entry.actor, entry.object_id) == (Action.CREATE, officer.user, str(appointment.pk))


def test_a_citizens_own_booking_is_not_audited(site, offers, passport):
    book(site, [passport], at(TUESDAY, "10:00"))
    assert not AuditEntry.objects.exists()


def test_staff_of_another_municipality_cannot_book_here(site, offers, passport):
    stranger = StaffMemberFactory(municipality=MunicipalityFactory(code=147))
    with pytest.raises(SkrankeError, match="anden kommune") as refused:
        book(site, [passport], at(TUESDAY, "10:00"), channel=Channel.COUNTER, booked_by=stranger.user)
    assert refused.value.code == "forbidden"
    assert not Appointment.objects.exists()


# Bad input: a clear Danish message, and nothing booked.
BAD = [
    ("past", {"start": at(MONDAY, "07:00")}, "Tidspunktet er allerede passeret"),
    ("too soon", {"start": at(MONDAY, "10:00"), "now": at(MONDAY, "08:30")}, "bestilles mindst 2 timer før"),
    ("too far ahead", {"start": at(MONDAY + dt.timedelta(days=70), "10:00")}, "højst bestilles 60 dage frem"),
    ("before opening", {"start": at(TUESDAY, "09:30")}, "uden for åbningstiden på Roskilde Bibliotek"),
    ("ending after closing", {"start": at(TUESDAY, "13:50")}, "uden for åbningstiden"),
    ("weekend", {"start": at(MONDAY + dt.timedelta(days=5), "10:00")}, "uden for åbningstiden"),
    ("holiday", {"start": at(dt.date(2026, 4, 6), "10:00")}, "har lukket 6. april \\(Anden påskedag\\)"),
    ("closure", {"start": at(MONDAY + dt.timedelta(days=2), "10:00")}, "har lukket 4. marts \\(Personaledag\\)"),
    ("off the grid", {"start": at(TUESDAY, "10:07")}, "Vælg en af de viste tider"),
    ("no contact", {"email": "", "phone": ""}, "Skriv din e-mail eller dit mobilnummer"),
    ("e-mail without @", {"email": "mette.example.org"}, "E-mailadressen ser forkert ud"),
    ("bad phone", {"email": "", "phone": "1234"}, "Telefonnummeret skal have 8 cifre"),
    ("no service", {"services": []}, "Vælg mindst én ting"),
    ("needs no appointment", {"services": "address"}, "Flytning kræver ikke tidsbestilling"),
    ("switched off", {"services": "switched_off"}, "Pas tilbydes ikke i kommunen"),
    ("not at this site", {"services": "inactive"}, "Pas kan ikke bestilles"),
    ("staff channel without staff", {"channel": Channel.PHONE}, "skal have en medarbejder"),
    ("no time", {"start": None}, "Vælg en dag og et tidspunkt"),
]


@pytest.mark.parametrize(("case", "change", "message"), BAD, ids=[case for case, _c, _m in BAD])
def test_bad_input_is_refused_clearly_and_books_nothing(
    site, municipality, offers, passport, address, case, change, message
):
    Closure.objects.create(
        site=site,
        first_day=MONDAY + dt.timedelta(days=2),
        last_day=MONDAY + dt.timedelta(days=2),
        reason="Personaledag",
    )
    kwargs = {"services": [passport], "start": at(TUESDAY, "10:00"), **change}
    if kwargs["services"] == "address":
        kwargs["services"] = [address]
    elif kwargs["services"] == "switched_off":
        ServiceOverrideFactory(municipality=municipality, service=passport, enabled=False)
        kwargs["services"] = [passport]
    elif kwargs["services"] == "inactive":
        BookableService.objects.filter(pk=offers["passport"].pk).update(active=False)
        kwargs["services"] = [passport]
    with pytest.raises(SkrankeError, match=message):
        book(site, **kwargs)
    assert not Appointment.objects.exists()
    assert not AppointmentService.objects.exists()
