"""contacts_of_citizen: a citizen's contacts in the staff member's own municipality, read and audited together."""

import datetime as dt

import pytest
from django.utils import timezone

from skranke.contacts.models import Outcome
from skranke.contacts.services import Line, contact_record, contacts_of_citizen
from skranke.errors import SkrankeError
from skranke.privacy.cpr import citizen_hash, parse
from skranke.privacy.models import Action, AuditEntry
from tests.factories import AuthorisationFactory

pytestmark = pytest.mark.django_db

CPR, OTHER_CPR = "0707614285", "1502803456"
T = timezone.make_aware(dt.datetime(2026, 3, 4, 10, 0))


@pytest.fixture
def served(citizen_counter, officer, passport):
    AuthorisationFactory(staff_member=officer, service=passport)
    made = []
    for minutes, cpr in ((0, CPR), (10, OTHER_CPR), (20, CPR), (30, CPR)):
        at = T + dt.timedelta(minutes=minutes)
        made.append(
            contact_record(
                staff=officer,
                counter=citizen_counter,
                lines=[Line(passport, Outcome.RESOLVED)],
                cpr=parse(cpr),
                started_at=at - dt.timedelta(minutes=5),
                now=at,
            )
        )
    return made


def test_the_citizens_latest_contacts_newest_first_with_the_search_audited(served, officer):
    found = contacts_of_citizen(
        staff=officer, cpr=parse(CPR), purpose="Borgeren står ved skranken", client_address="10.0.0.7", limit=2
    )
    assert [c.pk for c in found] == [served[3].pk, served[2].pk]
    assert [line.service.key for line in found[0].lines.all()] == ["passport-application"]
    entry = AuditEntry.objects.get(action=Action.SEARCH)
    assert (entry.citizen, entry.purpose, entry.criteria, entry.client_address, entry.actor_id) == (
        citizen_hash(parse(CPR)),
        "Borgeren står ved skranken",
        {"count": 2},
        "10.0.0.7",
        officer.user_id,
    )


def test_a_search_without_a_purpose_is_refused_and_leaves_no_entry(served, officer):
    with pytest.raises(SkrankeError) as refused:
        contacts_of_citizen(staff=officer, cpr=parse(CPR), purpose="  ", client_address=None, limit=50)
    assert refused.value.field == "purpose"
    assert not AuditEntry.objects.filter(action=Action.SEARCH).exists()
