"""Mark the lines recorded before ContactService.recontact existed, by the rule contact_record now applies.

A line with a citizen is a re-contact when a line about the same service of a
contact of the same citizen finished in the 14 days before its own contact
(strictly before). Lines without a citizen (never given, or already purged)
stay empty, as the key figures counted them before. Also bench/insights.py
marks its generated lines with `fill`.
"""

import datetime as dt

from django.db import migrations

WINDOW = dt.timedelta(days=14)
CHUNK = 500

# The latest earlier contact of the same citizen about the same service, found by one sort instead of a
# search per line; EXCLUDE GROUP leaves out contacts that finished at the same moment ("strictly before").
POSTGRESQL = """
UPDATE contacts_contactservice AS line
SET recontact = marked.again
FROM (
    SELECT l.id,
           COALESCE(
               MAX(c.finished_at) OVER (
                   PARTITION BY c.citizen, l.service_id ORDER BY c.finished_at
                   RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW EXCLUDE GROUP
               ) >= c.finished_at - %s,
               FALSE
           ) AS again
    FROM contacts_contactservice AS l
    JOIN contacts_contact AS c ON c.id = l.contact_id
    WHERE c.citizen IS NOT NULL
) AS marked
WHERE line.id = marked.id
"""


def fill(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(POSTGRESQL, [WINDOW])
        return
    # Elsewhere (SQLite, the demo's small database) line by line, in the order the contacts finished.
    ContactService = apps.get_model("contacts", "ContactService")
    seen: dict[tuple[str, int], list] = {}
    lines = (
        ContactService.objects.filter(contact__citizen__isnull=False)
        .order_by("contact__finished_at", "pk")
        .values_list("pk", "contact__citizen", "service_id", "contact__finished_at")
    )
    again, once = [], []
    for pk, citizen, service_id, finished_at in lines.iterator():
        earlier = seen.setdefault((citizen, service_id), [])
        (again if any(finished_at - WINDOW <= e < finished_at for e in earlier) else once).append(pk)
        earlier.append(finished_at)
    for value, pks in ((True, again), (False, once)):
        for start in range(0, len(pks), CHUNK):  # SQLite limits the parameters of one statement
            ContactService.objects.filter(pk__in=pks[start : start + CHUNK]).update(recontact=value)


class Migration(migrations.Migration):
    dependencies = [
        ("contacts", "0004_contactservice_recontact"),
    ]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
