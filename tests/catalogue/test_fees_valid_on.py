"""Which fee applies on a day, and what staff see when the current amount is unknown."""

import datetime as dt
from decimal import Decimal

import pytest

from skranke.catalogue.selectors import fees_valid_on
from tests.factories import FeeFactory, ServiceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def passport():
    service = ServiceFactory(key="passport-application")
    FeeFactory(service=service, label="Voksne", amount=890, valid_from=dt.date(2021, 2, 1))
    FeeFactory(service=service, label="Voksne", amount=893, valid_from=dt.date(2024, 1, 1))
    FeeFactory(service=service, label="Voksne", amount=None, valid_from=dt.date(2025, 1, 1), verified=False)
    FeeFactory(service=service, label="Børn 0–11 år", amount=150, valid_from=dt.date(2021, 2, 1))
    return service


def test_the_newest_started_entry_per_band_applies(passport):
    fees = {f.label: f.amount for f in fees_valid_on(service=passport, day=dt.date(2024, 6, 1))}
    assert fees == {"Voksne": Decimal("893.00"), "Børn 0–11 år": Decimal("150.00")}


def test_an_entry_that_starts_later_does_not_apply_yet(passport):
    fees = {f.label: f.amount for f in fees_valid_on(service=passport, day=dt.date(2023, 12, 31))}
    assert fees["Voksne"] == Decimal("890.00")


def test_an_unknown_current_amount_carries_the_last_known_one(passport):
    adults = next(f for f in fees_valid_on(service=passport, day=dt.date(2026, 11, 25)) if f.label == "Voksne")
    assert adults.amount is None
    assert adults.last_known.amount == Decimal("893.00")
    assert adults.last_known.valid_from == dt.date(2024, 1, 1)
