"""`skranke audit verify` names every entry that was changed, inserted or deleted behind Skranke's back."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from skranke.privacy.models import Action, AuditEntry
from skranke.privacy.services import audit_record

from .conftest import tamper

pytestmark = pytest.mark.django_db


def verify(*args) -> tuple[str, bool]:
    out = io.StringIO()
    try:
        call_command("audit", "verify", *args, stdout=out)
    except CommandError:
        return out.getvalue(), False
    return out.getvalue(), True


@pytest.fixture
def trail(roskilde, frederiksberg):
    for number in range(1, 8):
        audit_record(municipality=roskilde, action=Action.CHANGE, detail=f"ændring {number}")
    audit_record(municipality=frederiksberg, action=Action.CREATE)
    return roskilde


def test_an_untouched_trail_verifies(trail):
    output, ok = verify()
    assert ok
    assert "Roskilde (265): 7 logindgange, kæden er hel." in output
    assert "Frederiksberg (147): 1 logindgange, kæden er hel." in output


def test_an_edited_row_and_a_deleted_row_are_each_named(trail):
    tamper("UPDATE privacy_auditentry SET detail = %s WHERE sequence = 3 AND municipality_id = %s", ["", trail.pk])
    tamper("DELETE FROM privacy_auditentry WHERE sequence = 5 AND municipality_id = %s", [trail.pk])
    output, ok = verify()
    assert not ok
    assert "Indgang #3 er ændret eller indsat uden om Skranke." in output
    assert "Indgang #5 mangler (slettet)." in output
    assert "Frederiksberg (147): 1 logindgange, kæden er hel." in output


def test_an_inserted_row_is_named(trail):
    last = AuditEntry.objects.filter(municipality=trail).order_by("-sequence").first()
    tamper(
        "INSERT INTO privacy_auditentry (municipality_id, sequence, at, actor_name, action, object_type, object_id,"
        " purpose, criteria, detail, previous_hash, entry_hash)"
        " VALUES (%s, 8, %s, '', 'READ', '', '', 'falsk', '{}', '', %s, %s)",
        [trail.pk, last.at, last.entry_hash, "f" * 64],
    )
    output, ok = verify("--municipality", "265")
    assert not ok
    assert "Indgang #8 er ændret eller indsat uden om Skranke." in output


def test_deleting_the_newest_entries_is_found_too(trail):
    tamper("DELETE FROM privacy_auditentry WHERE sequence >= 6 AND municipality_id = %s", [trail.pk])
    output, ok = verify()
    assert not ok
    assert "Indgang #6–#7 mangler (slettet)." in output


def test_rewinding_the_chain_head_is_found(trail):
    tamper("DELETE FROM privacy_auditentry WHERE sequence = 7 AND municipality_id = %s", [trail.pk])
    tamper("UPDATE privacy_auditchain SET sequence = 6 WHERE municipality_id = %s", [trail.pk])
    output, ok = verify()
    assert not ok
    assert "Kædens hoved er ændret uden om Skranke." in output


def test_an_unknown_municipality_code_is_a_clear_error(trail):
    with pytest.raises(CommandError, match="Kommunekode 999 findes ikke"):
        call_command("audit", "verify", "--municipality", "999", stdout=io.StringIO())


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL's")
@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE privacy_auditentry SET purpose = 'skjult' WHERE municipality_id = %s",
        "DELETE FROM privacy_auditentry WHERE municipality_id = %s",
    ],
)
def test_postgresql_refuses_update_and_delete_on_the_trail(trail, sql):
    with (
        pytest.raises(DatabaseError, match="kan ikke ændres eller slettes"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql, [trail.pk])
    assert AuditEntry.objects.filter(municipality=trail).count() == 7
