"""The key figures: a manager's token or a statistics system's; recorded as an export."""

import datetime as dt

from django.utils import timezone

from skranke.contacts.services import Line, contact_record
from skranke.privacy.models import Action, AuditEntry
from tests.api.conftest import error_of

URL = "/api/v1/insights/kpis/"


def _contact(place, services, counter=None):
    return contact_record(
        staff=place.officer,
        counter=counter or place.counter,
        lines=[Line(service=services["passport"], outcome="RESOLVED")],
    )


def test_a_manager_reads_the_figures_of_their_own_municipality_only(place, other, services):
    _contact(place, services)
    today = timezone.localdate().isoformat()
    (whole,) = place.client("manager").get(f"{URL}?start={today}&end={today}").json()["rows"]
    assert (whole["key"], whole["contacts"], whole["first_contact_resolution"]) == (None, 1, 1.0)
    (theirs,) = other.client("manager").get(f"{URL}?start={today}&end={today}").json()["rows"]
    assert theirs["contacts"] == 0
    entry = AuditEntry.objects.get(action=Action.EXPORT, object_type="insights.kpis", municipality=place.municipality)
    assert entry.actor == place.manager.user


def test_figures_by_service_are_keyed_by_the_service(place, services):
    _contact(place, services)
    today = timezone.localdate().isoformat()
    rows = place.client("statistics").get(f"{URL}?start={today}&end={today}&by=service").json()["rows"]
    assert [(r["key"], r["label"], r["lines"]) for r in rows] == [("passport-application", "Pas", 1)]


def test_figures_need_the_manager_scope_and_a_manager(place):
    error_of(place.client().get(URL), 401, "not_authenticated")
    error_of(place.client("staff").get(URL), 403, "scope_missing")
    error_of(place.client("officer_as_manager").get(URL), 403, "manager_only")
    assert place.client("statistics").get(URL).status_code == 200


def test_a_bad_period_or_another_municipalitys_site_is_a_400(place, other):
    client = place.client("manager")
    error_of(client.get(f"{URL}?start=2026-02-01&end=2026-01-01"), 400, "invalid")
    error_of(client.get(f"{URL}?start=2024-01-01&end=2026-01-01"), 400, "invalid")
    error_of(client.get(f"{URL}?start=1.1.2026"), 400, "invalid")
    error_of(client.get(f"{URL}?by=weather"), 400, "invalid")
    error_of(client.get(f"{URL}?site={other.site.pk}"), 400, "invalid")
    body = client.get(f"{URL}?site={place.site.pk}&by=area").json()
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    assert (body["site"], body["by"], body["end"]) == (place.site.pk, "area", yesterday.isoformat())
    assert body["start"] == (yesterday - dt.timedelta(days=27)).isoformat()
