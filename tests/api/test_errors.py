"""Every error as JSON with a stable code, in Danish and English; a user's mistake is a 4xx, never a 500."""

import os
import subprocess
import sys
from unittest import mock

from rest_framework.test import APIClient

from skranke.api.errors import english
from tests.api.conftest import error_of


def test_a_services_refusal_is_found_in_english_with_its_values():
    assert (
        english("Kønummer B 007 er kaldt og kan ikke blive færdig.")
        == "Ticket B 007 is called and cannot change to done."
    )
    assert english("Vælg mindst én ting, du skal have hjælp til.") == "Choose at least one thing you need help with."
    assert english("Noget helt andet.") is None


def test_malformed_bodies_methods_and_media_types_get_the_json_shape(place):
    client = place.client()
    url = "/api/v1/municipalities/265/triage/"
    error_of(client.post(url, "{not json", content_type="application/json"), 400, "parse_error")
    error_of(
        client.post(url, "text=pas", content_type="application/x-www-form-urlencoded"), 415, "unsupported_media_type"
    )
    error_of(client.post(url, ["pas"]), 400, "invalid")
    error_of(client.delete(url), 405, "method_not_allowed")
    error_of(client.get(url, HTTP_ACCEPT="text/html"), 406, "not_acceptable")
    for path in ("/api/v1/no-such-endpoint/", "/api/v1/sites/%0A/queues/", "/api/v2/"):
        error_of(client.get(path), 404, "not_found")
    assert client.get("/findes-ikke/")["Content-Type"].startswith("text/html")


def test_anonymous_callers_are_throttled_per_address_tokens_per_token(place, settings):
    settings.API_RATES = {"anonymous": "2/minute", "token": "3/minute"}
    url = "/api/v1/"
    for _ in range(2):
        assert place.client().get(url, REMOTE_ADDR="192.0.2.1").status_code == 200
    response = place.client().get(url, REMOTE_ADDR="192.0.2.1")
    error_of(response, 429, "throttled")
    assert int(response["Retry-After"]) > 0
    assert place.client().get(url, REMOTE_ADDR="192.0.2.2").status_code == 200
    for _ in range(3):
        assert place.client("kiosk").get(url, REMOTE_ADDR="192.0.2.1").status_code == 200
    error_of(place.client("kiosk").get(url, REMOTE_ADDR="192.0.2.1"), 429, "throttled")


def test_an_unexpected_error_is_a_json_500_without_details(place):
    client = APIClient(raise_request_exception=False)
    with mock.patch("skranke.api.views.catalogue.life_events_list", side_effect=RuntimeError("secret detail")):
        response = client.get("/api/v1/municipalities/265/life-events/")
    body = error_of(response, 500, "server_error")
    assert "secret detail" not in response.content.decode()
    assert body["message_en"] == "Something went wrong on our side. Try again later."


def test_a_bad_rate_setting_stops_start_up():
    env = {**os.environ, "API_RATE_ANONYMOUS": "lots"}
    done = subprocess.run(
        [sys.executable, "-c", "import skranke.settings"], env=env, capture_output=True, text=True, check=False
    )
    assert done.returncode != 0 and "API_RATE_ANONYMOUS must be a number of requests" in done.stderr
