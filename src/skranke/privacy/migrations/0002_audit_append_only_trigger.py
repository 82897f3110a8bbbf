"""On PostgreSQL, a trigger refuses UPDATE and DELETE on the audit trail.

Only `skranke purge` deletes entries, after their retention period, and it
says so by turning on the transaction-local setting `skranke.audit_purge`.
SQLite (the demo database) has no such setting; there the model and the
admin refuse changes, and `skranke audit verify` finds any made around them.
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION privacy_auditentry_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' AND current_setting('skranke.audit_purge', true) = 'on' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'Logindgange kan ikke ændres eller slettes (%).', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER privacy_auditentry_append_only
    BEFORE UPDATE OR DELETE ON privacy_auditentry
    FOR EACH ROW EXECUTE FUNCTION privacy_auditentry_append_only();
"""

DROP = """
DROP TRIGGER IF EXISTS privacy_auditentry_append_only ON privacy_auditentry;
DROP FUNCTION IF EXISTS privacy_auditentry_append_only();
"""


def _run(schema_editor, sql):
    # A plain cursor without parameters, so the "%" in RAISE is not taken for a placeholder.
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(sql)


def create(apps, schema_editor):
    _run(schema_editor, CREATE)


def drop(apps, schema_editor):
    _run(schema_editor, DROP)


class Migration(migrations.Migration):
    dependencies = [("privacy", "0001_initial")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
