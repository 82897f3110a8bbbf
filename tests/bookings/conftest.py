"""A combined site whose Borgerservice takes appointments on two lanes, weekdays 10-14; the library is open longer."""

import datetime as dt

import pytest
from django.utils import timezone

from skranke.bookings.models import BookableService, BookingSetup
from skranke.organisation.models import Area, OpeningHours, SiteKind
from skranke.queues.models import Queue
from tests.factories import MunicipalityFactory, ServiceFactory, SiteFactory

# Monday 2 March 2026, 08:00 in Copenhagen: no holiday within the next four weeks.
MONDAY = dt.date(2026, 3, 2)


def at(day: dt.date, hhmm: str) -> dt.datetime:
    """An aware datetime at `hhmm` Copenhagen time on `day`."""
    hours, minutes = (int(part) for part in hhmm.split(":"))
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hours, minutes)))


NOW = at(MONDAY, "08:00")


def starts(slots, day: dt.date | None = None) -> list[str]:
    """The slots' local start times as »HH:MM« (on `day` only, when given)."""
    return [
        timezone.localtime(s.starts_at).strftime("%H:%M")
        for s in slots
        if day is None or timezone.localdate(s.starts_at) == day
    ]


@pytest.fixture
def municipality(db):
    return MunicipalityFactory(code=265)


@pytest.fixture
def site(municipality):
    site = SiteFactory(municipality=municipality, name="Roskilde Bibliotek", kind=SiteKind.COMBINED)
    for weekday in range(6):
        OpeningHours.objects.create(site=site, area=Area.LIBRARY, weekday=weekday, opens=dt.time(8), closes=dt.time(20))
    for weekday in range(5):
        OpeningHours.objects.create(
            site=site, area=Area.CITIZEN_SERVICE, weekday=weekday, opens=dt.time(10), closes=dt.time(14)
        )
    return site


@pytest.fixture
def passport(db):
    return ServiceFactory(key="passport-application", name_da="Pas", duration_minutes=15, needs_appointment=True)


@pytest.fixture
def licence(db):
    return ServiceFactory(
        key="driving-licence-renewal", name_da="Kørekort", duration_minutes=15, needs_appointment=True
    )


@pytest.fixture
def mitid(db):
    return ServiceFactory(key="mitid-issuance", name_da="MitID", duration_minutes=20, needs_appointment=True)


@pytest.fixture
def address(db):
    return ServiceFactory(key="address-change", name_da="Flytning", duration_minutes=10, needs_appointment=False)


@pytest.fixture
def queue(site, passport, licence, mitid, address):
    queue = Queue.objects.create(site=site, name="Borgerservice", area=Area.CITIZEN_SERVICE, letter="B")
    queue.services.set([passport, licence, mitid, address])
    return queue


@pytest.fixture
def setup(site):
    return BookingSetup.objects.create(site=site, area=Area.CITIZEN_SERVICE, lanes=2, step_minutes=15)


@pytest.fixture
def offers(setup, passport, licence, mitid, queue):
    return {
        "passport": BookableService.objects.create(setup=setup, service=passport, lanes=2),
        "licence": BookableService.objects.create(setup=setup, service=licence, lanes=2),
        "mitid": BookableService.objects.create(setup=setup, service=mitid, lanes=1),
    }
