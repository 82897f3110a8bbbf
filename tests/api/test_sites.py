"""Sites, opening hours, queues with their wait, and the display feed."""

import datetime as dt

from django.utils import timezone

from skranke.bookings.models import Closure
from skranke.queues.services import counter_open, ticket_call_next, ticket_issue
from tests.api.conftest import error_of


def test_anyone_lists_a_municipalitys_sites_with_opening_hours(place, other):
    (site,) = place.client().get("/api/v1/municipalities/265/sites/").json()
    assert site["id"] == place.site.pk and site["municipality"] == 265
    assert site["areas"] == ["LIBRARY", "CITIZEN_SERVICE"]
    assert {"area": "LIBRARY", "weekday": 0, "opens": "00:00", "closes": "23:59"} in site["opening_hours"]


def test_a_site_shows_its_coming_closures_not_past_ones(place):
    today = timezone.localdate()
    Closure.objects.create(
        site=place.site, first_day=today - dt.timedelta(days=9), last_day=today - dt.timedelta(days=8), reason="Før"
    )
    Closure.objects.create(
        site=place.site, first_day=today + dt.timedelta(days=3), last_day=today + dt.timedelta(days=3), reason="Kursus"
    )
    body = place.client().get(f"/api/v1/sites/{place.site.pk}/").json()
    assert [c["reason"] for c in body["closures"]] == ["Kursus"]


def test_an_inactive_or_unknown_site_is_a_404(place):
    place.site.active = False
    place.site.save()
    error_of(place.client().get(f"/api/v1/sites/{place.site.pk}/"), 404, "not_found")
    error_of(place.client().get("/api/v1/sites/987654/queues/"), 404, "not_found")


def test_queues_show_who_waits_and_the_wait_for_a_new_ticket(place, services):
    for _ in range(2):
        ticket_issue(queue=place.queue, services=[services["passport"]])
    queues = {q["letter"]: q for q in place.client().get(f"/api/v1/sites/{place.site.pk}/queues/").json()}
    assert queues["B"]["waiting"] == 2
    assert queues["B"]["estimate"]["position"] == 3
    assert queues["B"]["services"] == ["address-change", "passport-application"]
    assert queues["L"]["waiting"] == 0 and queues["L"]["longest_wait_minutes"] is None


def test_the_display_feed_shows_the_latest_call_per_area(place, services):
    ticket_issue(queue=place.queue, services=[services["passport"]])
    counter_open(counter=place.counter, staff=place.officer)
    ticket_call_next(counter=place.counter, staff=place.officer)
    body = place.client().get(f"/api/v1/sites/{place.site.pk}/display/").json()
    areas = {a["area"]: a for a in body["areas"]}
    (call,) = areas["CITIZEN_SERVICE"]["calls"]
    assert (call["ticket"], call["counter"], call["queue"]) == ("B 001", "Skranke 1", "Borgerservice")
    assert areas["LIBRARY"]["calls"] == [] and areas["LIBRARY"]["waiting"] == 0


def test_another_municipalitys_token_gets_404_for_the_sites_pages(place, other):
    client = other.client("kiosk")
    for suffix in ("", "queues/", "display/"):
        error_of(client.get(f"/api/v1/sites/{place.site.pk}/{suffix}"), 404, "not_found")
        assert client.get(f"/api/v1/sites/{other.site.pk}/{suffix}").status_code == 200
