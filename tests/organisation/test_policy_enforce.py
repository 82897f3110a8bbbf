"""A refusal by the policy check is a Danish message and an audit entry that outlives the refused action."""

import pytest

from skranke.catalogue.models import Kind
from skranke.errors import SkrankeError
from skranke.organisation.models import Area, StaffGroup
from skranke.organisation.services import policy_enforce
from skranke.privacy.models import Action, AuditEntry
from tests.factories import CounterFactory, MunicipalityFactory, ServiceFactory, SiteFactory, StaffMemberFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def setting():
    municipality = MunicipalityFactory(code=265)
    counter = CounterFactory(site=SiteFactory(municipality=municipality), area=Area.LIBRARY)
    librarian = StaffMemberFactory(municipality=municipality, staff_group=StaffGroup.LIBRARY)
    return municipality, counter, librarian


def test_library_staff_taking_a_passport_application_is_refused_and_recorded(setting):
    municipality, counter, librarian = setting
    passport = ServiceFactory(key="passport-application", kind=Kind.AUTHORITY, name_da="Pas")
    with pytest.raises(SkrankeError, match="Biblioteksmedarbejdere udfører ikke myndighedsopgaver") as refused:
        policy_enforce(staff=librarian, service=passport, counter=counter, client_address="10.1.2.3")
    assert refused.value.code == "forbidden"
    entry = AuditEntry.objects.get(municipality=municipality)
    assert (entry.action, entry.actor, entry.object_id) == (Action.REFUSED, librarian.user, "passport-application")
    assert entry.criteria["reason"] == "library_staff_no_authority"
    assert entry.client_address == "10.1.2.3"


def test_an_allowed_service_records_nothing(setting):
    _municipality, counter, librarian = setting
    loan = ServiceFactory(key="library-loan", kind=Kind.LIBRARY)
    assert policy_enforce(staff=librarian, service=loan, counter=counter)
    assert not AuditEntry.objects.exists()
