"""Seed personal data through the services, run time past retention, purge, and scan every table for it."""

import datetime as dt

import pytest
from django.utils import timezone

from skranke.privacy.cpr import parse
from skranke.privacy.models import Action
from skranke.privacy.services import audit_record, citizen_access_report, purge
from tests.factories import UserFactory

from .conftest import every_stored_value

pytestmark = pytest.mark.django_db

CPR = "0707614285"
NAME = "Jens Testesen"
EMAIL = "jens.testesen@example.dk"
CLEAR_CPR = [CPR, f"{CPR[:6]}-{CPR[6:]}", f"{CPR[:6]} {CPR[6:]}"]


def seed(municipality) -> None:
    officer = UserFactory(username="officer")
    cpr = parse(CPR)
    audit_record(
        municipality=municipality,
        action=Action.SEARCH,
        actor=officer,
        citizen=cpr,
        purpose=f"Borgeren {NAME} står ved skranken med {CPR}",
        criteria={"navn": NAME, "e-mail": EMAIL, "cpr": CPR},
    )
    audit_record(
        municipality=municipality,
        action=Action.READ,
        actor=officer,
        citizen=cpr,
        purpose="Pasansøgning",
        detail=f"Kontakt: {EMAIL}",
    )
    citizen_access_report(municipality=municipality, cpr=cpr, purpose="Indsigtsanmodning", actor=officer)


def test_a_cpr_number_is_never_stored_in_clear(roskilde):
    seed(roskilde)
    stored = every_stored_value()
    assert NAME in stored  # the scan does see the seeded data
    for clear in CLEAR_CPR:
        assert clear not in stored


def test_after_the_retention_period_no_name_e_mail_or_cpr_number_is_left(roskilde):
    seed(roskilde)
    purge(municipalities=[roskilde], now=timezone.now() + dt.timedelta(days=181))
    stored = every_stored_value()
    for value in [NAME, EMAIL, *CLEAR_CPR]:
        assert value not in stored
