"""The booking pages on the bookings tests' combined site, on a real weekday a few days from now.

The pages read the real clock, so the day booked is the first weekday at
least three days ahead that is not a public holiday: inside book-ahead and
past the minimum notice, whatever day the tests run.
"""

import datetime as dt

import pytest
from django.utils import timezone

from skranke.bookings.calendar import holiday_name
from skranke.notices import sms
from tests.bookings import conftest as bookings
from tests.bookings.conftest import at

municipality, site = bookings.municipality, bookings.site
passport, licence, mitid, address = bookings.passport, bookings.licence, bookings.mitid, bookings.address
queue, setup, offers = bookings.queue, bookings.setup, bookings.offers


def weekday_ahead(days: int = 3) -> dt.date:
    day = timezone.localdate() + dt.timedelta(days=days)
    while day.weekday() >= 5 or holiday_name(day):
        day += dt.timedelta(days=1)
    return day


@pytest.fixture
def day():
    return weekday_ahead()


@pytest.fixture
def ten(day):
    return at(day, "10:00")


@pytest.fixture(autouse=True)
def _empty_sms_outbox():
    sms.outbox.clear()
    yield
    sms.outbox.clear()
