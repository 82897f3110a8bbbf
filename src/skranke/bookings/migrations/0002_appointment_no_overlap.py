"""On PostgreSQL, an exclusion constraint refuses two live appointments that overlap on one lane.

The day lock in bookings.services is what keeps bookings apart; this is the
backstop if anything writes around it. The unique constraint on the model
only catches the same start, and is all SQLite gets. btree_gist is a trusted
extension (PostgreSQL 13+): the database's owner may create it.
"""

from django.db import migrations

CREATE = """
CREATE EXTENSION IF NOT EXISTS btree_gist;
ALTER TABLE bookings_appointment ADD CONSTRAINT bookings_appt_no_overlap EXCLUDE USING gist (
    site_id WITH =, area WITH =, lane WITH =, tstzrange(starts_at, ends_at) WITH &&
) WHERE (status IN ('HELD', 'BOOKED', 'CHECKED_IN'));
"""

DROP = "ALTER TABLE bookings_appointment DROP CONSTRAINT IF EXISTS bookings_appt_no_overlap;"


def _run(schema_editor, sql):
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(sql)


def create(apps, schema_editor):
    _run(schema_editor, CREATE)


def drop(apps, schema_editor):
    _run(schema_editor, DROP)


class Migration(migrations.Migration):
    dependencies = [("bookings", "0001_initial")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
