"""The combined site of the queue tests, with staff signed in at their counters."""

import pytest

from skranke.organisation.models import Area, StaffGroup
from tests.factories import AuthorisationFactory, CounterFactory, StaffMemberFactory
from tests.queues import conftest as queues
from tests.web.conftest import stand_at

# The same combined site, queues, services and officer as the queue tests.
site, borgerservice, library = queues.site, queues.borgerservice, queues.library
passport, mitid, loan = queues.passport, queues.mitid, queues.loan
citizen_counter, officer = queues.citizen_counter, queues.officer


@pytest.fixture
def library_counter(site):
    return CounterFactory(site=site, name="Skranke 1", area=Area.LIBRARY)


@pytest.fixture
def librarian(site):
    return StaffMemberFactory(municipality=site.municipality, staff_group=StaffGroup.LIBRARY, home_site=site)


@pytest.fixture
def officer_client(client, officer, citizen_counter, passport, mitid):
    for service in (passport, mitid):
        AuthorisationFactory(staff_member=officer, service=service)
    client.force_login(officer.user)
    stand_at(client, citizen_counter)
    return client


@pytest.fixture
def librarian_client(client, librarian, library_counter):
    client.force_login(librarian.user)
    stand_at(client, library_counter)
    return client
