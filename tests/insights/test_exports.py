"""The insight tables as files: the numbers of the hand-worked day, no names, no CPR numbers, and the export logged."""

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from skranke.insights.exports import TABLES, as_csv, table
from skranke.insights.kpis import Period
from skranke.privacy.models import Action, AuditEntry
from tests.factories import ManagerFactory
from tests.insights.conftest import D

pytestmark = pytest.mark.django_db
PERIOD = Period(D, D)


def test_the_komhen_counts_by_task_and_channel(world):
    municipality, _services = world
    data = table("komhen", municipality=municipality, period=PERIOD)
    counts = {(row[1], row[2]): row[3] for row in data.rows}
    assert counts == {
        ("Ydelse health", "Personlig henvendelse uden aftale"): 1,
        ("Ydelse loan", "Personlig henvendelse uden aftale"): 1,
        ("Ydelse moving", "Personlig henvendelse uden aftale"): 1,
        ("Ydelse passport", "Personlig henvendelse uden aftale"): 2,
    }


def test_csv_is_for_danish_spreadsheets(world):
    municipality, _services = world
    text = as_csv(table("omraade", municipality=municipality, period=PERIOD)).decode("utf-8")
    assert text.startswith("\ufeffOmråde;Henvendelser;")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    citizen = next(row for row in rows if row[0] == "Borgerservice")
    assert citizen[1:4] == ["3", "4", "0,5"]


@pytest.mark.parametrize("name", TABLES)
def test_every_table_downloads_as_xlsx_without_personal_data_and_is_logged(client, world, name):
    municipality, _services = world
    manager = ManagerFactory(municipality=municipality)
    client.force_login(manager.user)
    url = reverse("web:insights_export", kwargs={"name": name, "fmt": "xlsx"})
    response = client.get(url, {"fra": D.isoformat(), "til": D.isoformat()})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    cells = " ".join(str(c.value) for row in sheet.iter_rows() for c in row if c.value is not None)
    assert "0707614285" not in cells and "070761" not in cells
    assert "Bruger" not in cells  # the staff's names
    entry = AuditEntry.objects.get(action=Action.EXPORT)
    assert (entry.actor, entry.object_id) == (manager.user, name)


def test_an_unknown_table_or_format_is_not_found(client, world):
    municipality, _services = world
    client.force_login(ManagerFactory(municipality=municipality).user)
    assert client.get(reverse("web:insights_export", kwargs={"name": "personer", "fmt": "csv"})).status_code == 404
    assert client.get(reverse("web:insights_export", kwargs={"name": "komhen", "fmt": "pdf"})).status_code == 404
