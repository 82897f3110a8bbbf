"""audit_record: one entry per use of personal data, chained per municipality, in the caller's transaction."""

import pytest
from django.db import transaction

from skranke.errors import SkrankeError
from skranke.privacy.chain import GENESIS, entry_hash
from skranke.privacy.cpr import citizen_hash, parse
from skranke.privacy.models import Action, AuditChain, AuditEntry
from skranke.privacy.services import audit_record
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

CPR = "0707614285"


def test_an_entry_records_who_what_why_and_from_where(roskilde):
    user = UserFactory(username="lise")
    entry = audit_record(
        municipality=roskilde,
        action=Action.READ,
        actor=user,
        client_address="10.0.0.7",
        object_type="contacts.contact",
        object_id=42,
        citizen=parse(CPR),
        purpose="Borgeren står ved skranken",
    )
    entry.refresh_from_db()
    assert (entry.actor, entry.actor_name, entry.action) == (user, "lise", "READ")
    assert (entry.object_type, entry.object_id) == ("contacts.contact", "42")
    assert entry.citizen == citizen_hash(parse(CPR))
    assert (entry.purpose, entry.client_address) == ("Borgeren står ved skranken", "10.0.0.7")
    assert entry.entry_hash == entry_hash(entry)


@pytest.mark.parametrize("action", [Action.READ, Action.SEARCH, Action.EXPORT])
def test_reading_a_citizens_data_without_a_purpose_is_refused_and_records_nothing(roskilde, action):
    with pytest.raises(SkrankeError, match="Skriv formålet"):
        audit_record(municipality=roskilde, action=action, citizen=parse(CPR), purpose="   ")
    assert not AuditEntry.objects.exists()


def test_each_municipality_has_its_own_chain(roskilde, frederiksberg):
    first = audit_record(municipality=roskilde, action=Action.CREATE)
    second = audit_record(municipality=roskilde, action=Action.CHANGE)
    other = audit_record(municipality=frederiksberg, action=Action.CREATE)
    assert (first.sequence, second.sequence, other.sequence) == (1, 2, 1)
    assert first.previous_hash == GENESIS
    assert second.previous_hash == first.entry_hash
    assert other.previous_hash == GENESIS
    assert AuditChain.objects.get(municipality=roskilde).last_hash == second.entry_hash


def test_an_entry_rolls_back_with_the_action_it_records(roskilde):
    audit_record(municipality=roskilde, action=Action.CREATE)
    with pytest.raises(RuntimeError), transaction.atomic():
        audit_record(municipality=roskilde, action=Action.CHANGE)
        raise RuntimeError("the action failed")
    assert list(AuditEntry.objects.values_list("sequence", flat=True)) == [1]
    assert AuditChain.objects.get(municipality=roskilde).sequence == 1


def test_a_cpr_number_typed_into_a_purpose_or_criteria_is_not_kept(roskilde):
    entry = audit_record(
        municipality=roskilde,
        action=Action.SEARCH,
        citizen=parse(CPR),
        purpose=f"Opslag på {CPR}",
        criteria={"tekst": "070761-4285 Jens", "side": 2},
        detail=f"fandt {CPR}",
    )
    entry.refresh_from_db()
    stored = f"{entry.purpose} {entry.criteria} {entry.detail}"
    assert "4285" not in stored
    assert entry.purpose == "Opslag på [CPR]"
    assert entry.criteria == {"tekst": "[CPR] Jens", "side": 2}


def test_entries_cannot_be_changed_or_deleted_through_the_orm(roskilde):
    entry = audit_record(municipality=roskilde, action=Action.CREATE)
    entry.purpose = "skjult"
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()
    with pytest.raises(PermissionError):
        AuditEntry.objects.filter(pk=entry.pk).update(purpose="skjult")
    with pytest.raises(PermissionError):
        AuditEntry.objects.all().delete()
    assert AuditEntry.objects.get(pk=entry.pk).purpose == ""


def test_a_cpr_number_cannot_be_stored_or_searched_in_a_citizen_field(roskilde):
    entry = audit_record(municipality=roskilde, action=Action.CREATE)
    with pytest.raises(TypeError, match="CitizenHash"):
        AuditEntry.objects.filter(citizen=CPR).exists()
    clear = AuditEntry(municipality=roskilde, sequence=99, at=entry.at, action=Action.CREATE, citizen=CPR)
    with pytest.raises(TypeError, match="CitizenHash"), transaction.atomic():
        clear.save()
    assert AuditEntry.objects.count() == 1
