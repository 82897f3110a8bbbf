"""Every form that takes a CPR number: the number ends up in clear in no log line, no table and no page or export."""

import inspect
import io
import logging

import pytest
from django import forms
from django.db import connection
from django.urls import reverse

import skranke.web.forms
from tests.factories import ManagerFactory, StaffMemberFactory

from .conftest import every_stored_value

pytestmark = pytest.mark.django_db

CPR = "0707614285"
CLEAR = [CPR, f"{CPR[:6]}-{CPR[6:]}", f"{CPR[:6]} {CPR[6:]}"]

# url name -> (form class, POST data). A new form with a CPR field must be added here.
FORMS_TAKING_CPR = {
    "web:audit_log": ("CitizenSearchForm", {"cpr": CLEAR[1], "purpose": "Stikprøve"}),
    "web:access_report": ("AccessReportForm", {"cpr": CLEAR[2], "purpose": "Indsigtsanmodning"}),
}


def test_every_form_with_a_cpr_field_is_in_this_test():
    with_cpr = {
        name
        for name, cls in inspect.getmembers(skranke.web.forms, inspect.isclass)
        if issubclass(cls, forms.BaseForm) and "cpr" in cls.base_fields and cls.__module__ == "skranke.web.forms"
    }
    covered = {form for form, _data in FORMS_TAKING_CPR.values()}
    # CitizenForm is the shared base of the two.
    assert with_cpr - {"CitizenForm"} == covered


@pytest.fixture
def log_output():
    """What the configured log handlers write, with every SQL statement and its parameters logged too.

    The handlers are the ones settings.LOGGING made, filters and all; only
    their stream is pointed at a buffer for the test.
    """
    buffer = io.StringIO()
    handlers = {
        handler
        for logger in (logging.getLogger(), logging.getLogger("django"))
        for handler in logger.handlers
        if type(handler) is logging.StreamHandler
    }
    assert handlers
    streams = {handler: handler.setStream(buffer) for handler in handlers}
    sql = logging.getLogger("django.db.backends")
    level = sql.level
    sql.setLevel(logging.DEBUG)
    connection.force_debug_cursor = True
    yield buffer
    connection.force_debug_cursor = False
    sql.setLevel(level)
    for handler, stream in streams.items():
        handler.setStream(stream)


@pytest.mark.parametrize("url_name", sorted(FORMS_TAKING_CPR))
def test_a_cpr_number_sent_through_a_form_is_nowhere_in_clear(client, log_output, url_name):
    manager = ManagerFactory(user__username="leder")
    StaffMemberFactory(municipality=manager.municipality)
    client.force_login(manager.user)
    _form, data = FORMS_TAKING_CPR[url_name]

    response = client.post(reverse(url_name), data)

    assert response.status_code == 200
    page = response.content.decode()
    assert "070761-XXXX" in page  # the page did take the number: it shows it masked
    logged = log_output.getvalue()
    assert "INSERT INTO" in logged  # the SQL, with its parameters, was logged and checked
    stored = every_stored_value()
    for clear in CLEAR:
        assert clear not in page
        assert clear not in logged
        assert clear not in stored
        assert clear not in response.headers.get("Location", "")
