"""Every form that takes a CPR number: the number ends up in clear in no log line, no table and no page or export."""

import datetime as dt
import inspect
import io
import logging

import pytest
from django import forms
from django.db import connection
from django.urls import reverse

import skranke.web.forms
from skranke.catalogue.models import Kind
from skranke.contacts.models import Contact
from skranke.organisation.models import Area, SiteKind, StaffGroup
from skranke.queues.models import Queue
from skranke.queues.services import ticket_call_next, ticket_issue
from tests.factories import (
    AuthorisationFactory,
    CounterFactory,
    ManagerFactory,
    OpeningHoursFactory,
    ServiceFactory,
    SiteFactory,
    StaffMemberFactory,
)
from tests.web.conftest import stand_at

from .conftest import every_stored_value

pytestmark = pytest.mark.django_db

CPR = "0707614285"
CLEAR = [CPR, f"{CPR[:6]}-{CPR[6:]}", f"{CPR[:6]} {CPR[6:]}"]


def _as_manager(client, data):
    """Log in a manager; the page shows what it did with the number, masked."""
    manager = ManagerFactory(user__username="leder")
    StaffMemberFactory(municipality=manager.municipality)
    client.force_login(manager.user)

    def took_it(response):
        assert response.status_code == 200
        assert "070761-XXXX" in response.content.decode()

    return data, took_it


def _at_the_counter(client, data):
    """An officer finishing a called ticket; the contact keeps the citizen only as a hash."""
    site = SiteFactory(kind=SiteKind.COMBINED)
    for weekday in range(7):
        OpeningHoursFactory(
            site=site, area=Area.CITIZEN_SERVICE, weekday=weekday, opens=dt.time(0), closes=dt.time(23, 59, 59)
        )
    service = ServiceFactory(kind=Kind.AUTHORITY)
    queue = Queue.objects.create(site=site, name="Borgerservice", area=Area.CITIZEN_SERVICE, letter="B")
    queue.services.set([service])
    counter = CounterFactory(site=site, area=Area.CITIZEN_SERVICE)
    officer = StaffMemberFactory(municipality=site.municipality, staff_group=StaffGroup.CITIZEN_SERVICE)
    AuthorisationFactory(staff_member=officer, service=service)
    ticket_issue(queue=queue, services=[service])
    ticket = ticket_call_next(counter=counter, staff=officer)
    client.force_login(officer.user)
    stand_at(client, counter)

    def took_it(response):
        assert response.status_code == 302
        assert Contact.objects.get(ticket=ticket).citizen is not None

    return {**data, "ticket": ticket.pk, f"outcome_{service.pk}": "RESOLVED"}, took_it


def _walk_up(client, data):
    """A librarian recording a citizen who came to the counter without a ticket."""
    site = SiteFactory(kind=SiteKind.COMBINED)
    service = ServiceFactory(kind=Kind.LIBRARY)
    counter = CounterFactory(site=site, area=Area.LIBRARY)
    librarian = StaffMemberFactory(municipality=site.municipality, staff_group=StaffGroup.LIBRARY)
    client.force_login(librarian.user)
    stand_at(client, counter)

    def took_it(response):
        assert response.status_code == 302
        assert Contact.objects.get(ticket=None).citizen is not None

    return {**data, "service": service.key, f"outcome_{service.pk}": "RESOLVED"}, took_it


# url name -> (form class, POST data, set-up). A new form with a CPR field must be added here.
FORMS_TAKING_CPR = {
    "web:audit_log": ("CitizenSearchForm", {"cpr": CLEAR[1], "purpose": "Stikprøve"}, _as_manager),
    "web:access_report": ("AccessReportForm", {"cpr": CLEAR[2], "purpose": "Indsigtsanmodning"}, _as_manager),
    "web:counter_finish": ("FinishForm", {"cpr": CLEAR[0]}, _at_the_counter),
    "web:counter_contact": ("FinishForm", {"cpr": CLEAR[1]}, _walk_up),
}


def test_every_form_with_a_cpr_field_is_in_this_test():
    with_cpr = {
        name
        for name, cls in inspect.getmembers(skranke.web.forms, inspect.isclass)
        if issubclass(cls, forms.BaseForm) and "cpr" in cls.base_fields and cls.__module__ == "skranke.web.forms"
    }
    covered = {form for form, _data, _setup in FORMS_TAKING_CPR.values()}
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
    _form, data, setup = FORMS_TAKING_CPR[url_name]
    data, took_it = setup(client, data)

    response = client.post(reverse(url_name), data)

    took_it(response)
    page = response.content.decode() + (
        client.get(response["Location"]).content.decode() if response.status_code == 302 else ""
    )
    logged = log_output.getvalue()
    assert "INSERT INTO" in logged  # the SQL, with its parameters, was logged and checked
    stored = every_stored_value()
    for clear in CLEAR:
        assert clear not in page
        assert clear not in logged
        assert clear not in stored
        assert clear not in response.headers.get("Location", "")
