"""Shared fixtures for the staff pages: a municipality with a combined site and two counters."""

import pytest

from skranke.organisation.models import Area, SiteKind, StaffGroup
from skranke.web.workplace import SESSION_COUNTER_KEY
from tests.factories import CounterFactory, ManagerFactory, MunicipalityFactory, SiteFactory, StaffMemberFactory


@pytest.fixture
def municipality(db):
    return MunicipalityFactory(code=101)


@pytest.fixture
def site(municipality):
    return SiteFactory(municipality=municipality, name="Hovedbiblioteket", kind=SiteKind.COMBINED)


@pytest.fixture
def library_counter(site):
    return CounterFactory(site=site, name="Udlånsskranken", area=Area.LIBRARY)


@pytest.fixture
def citizen_service_counter(site):
    return CounterFactory(site=site, name="Borgerskranken", area=Area.CITIZEN_SERVICE)


@pytest.fixture
def librarian(municipality, site):
    return StaffMemberFactory(
        municipality=municipality,
        staff_group=StaffGroup.LIBRARY,
        home_site=site,
        user__first_name="Lise",
        user__last_name="Holm",
    )


@pytest.fixture
def officer(municipality, site):
    return StaffMemberFactory(
        municipality=municipality,
        staff_group=StaffGroup.CITIZEN_SERVICE,
        home_site=site,
        user__first_name="Birgit",
        user__last_name="Madsen",
    )


def stand_at(client, counter) -> None:
    session = client.session
    session[SESSION_COUNTER_KEY] = counter.pk
    session.save()


@pytest.fixture
def librarian_client(client, librarian):
    client.force_login(librarian.user)
    return client


@pytest.fixture
def officer_client(client, officer):
    client.force_login(officer.user)
    return client


@pytest.fixture
def manager(municipality):
    return ManagerFactory(municipality=municipality, user__username="leder", user__first_name="Mette")


@pytest.fixture
def manager_client(client, manager):
    client.force_login(manager.user)
    return client
