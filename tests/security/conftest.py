"""Staff with a password login, for the login, session and header tests."""

import pytest

from skranke.organisation.models import StaffGroup
from tests.factories import MunicipalityFactory, SiteFactory, StaffMemberFactory

PASSWORD = "test-password"


@pytest.fixture
def librarian(db):
    municipality = MunicipalityFactory(code=101)
    site = SiteFactory(municipality=municipality, name="Hovedbiblioteket")
    return StaffMemberFactory(
        municipality=municipality,
        staff_group=StaffGroup.LIBRARY,
        home_site=site,
        user__username="lise",
        user__first_name="Lise",
        user__last_name="Holm",
    )


@pytest.fixture
def librarian_client(client, librarian):
    client.force_login(librarian.user)
    return client
