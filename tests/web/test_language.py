"""Pages are Danish unless the user picks English with the language switch."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_an_english_browser_still_gets_danish(client):
    response = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert '<html lang="da"' in response.content.decode()
    assert response["Content-Language"] == "da"


def test_choosing_english_with_the_switch_gives_english(client):
    client.post(reverse("set_language"), {"language": "en", "next": "/login/"})
    response = client.get(reverse("login"))
    assert '<html lang="en"' in response.content.decode()
    assert "Log in to Skranke" in response.content.decode()


def test_an_unknown_language_cookie_falls_back_to_danish(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "xx"
    response = client.get(reverse("login"))
    assert '<html lang="da"' in response.content.decode()
