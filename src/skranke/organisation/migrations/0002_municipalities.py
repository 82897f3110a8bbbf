"""Load the 98 municipalities (code, name, region) from data/kommuner.csv."""

import csv
from pathlib import Path

from django.db import migrations

CSV = Path(__file__).resolve().parent.parent / "data" / "kommuner.csv"
REGIONS = {
    "Region Nordjylland": "1081",
    "Region Midtjylland": "1082",
    "Region Syddanmark": "1083",
    "Region Hovedstaden": "1084",
    "Region Sjælland": "1085",
}


def load(apps, schema_editor):
    Municipality = apps.get_model("organisation", "Municipality")
    with CSV.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            Municipality.objects.update_or_create(
                code=int(row["code"]), defaults={"name": row["name"], "region": REGIONS[row["region"]]}
            )


def unload(apps, schema_editor):
    apps.get_model("organisation", "Municipality").objects.filter(sites__isnull=True, staff__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("organisation", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
