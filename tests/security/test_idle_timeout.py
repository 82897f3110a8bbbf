"""A signed-in user is signed out after SESSION_IDLE_TIMEOUT without activity; polling is not activity."""

import time

import pytest
from django.urls import reverse

from skranke.web.middleware import IdleTimeoutMiddleware

KEY = IdleTimeoutMiddleware.SESSION_KEY
MESSAGE = "Du blev logget ud, fordi der ikke skete noget i 30 minutter."
POLL = {"HTTP_X_SKRANKE_POLL": "1"}
HTMX_POLL = {**POLL, "HTTP_HX_REQUEST": "true", "HTTP_HX_CURRENT_URL": "http://testserver/ydelser/"}


def _last_activity(client, seconds_ago: int) -> None:
    session = client.session
    session[KEY] = int(time.time()) - seconds_ago
    session.save()


def test_the_default_is_thirty_minutes(settings):
    assert settings.SESSION_IDLE_TIMEOUT == 30 * 60


@pytest.mark.django_db
def test_staff_idle_for_more_than_thirty_minutes_is_signed_out_with_a_danish_message(librarian_client):
    librarian_client.get(reverse("web:services"))
    _last_activity(librarian_client, 31 * 60)

    response = librarian_client.get(reverse("web:services"))

    assert response.status_code == 302
    assert response.url == reverse("login") + "?next=/ydelser/"
    assert "_auth_user_id" not in librarian_client.session
    page = librarian_client.get(response.url)
    assert MESSAGE in page.content.decode()
    assert "Log ind på Skranke" in page.content.decode()


@pytest.mark.django_db
def test_staff_active_within_the_timeout_stays_signed_in(librarian_client):
    librarian_client.get(reverse("web:home"))
    _last_activity(librarian_client, 29 * 60)

    response = librarian_client.get(reverse("web:services"))

    assert response.status_code == 200
    assert librarian_client.session[KEY] >= int(time.time()) - 5


@pytest.mark.django_db
def test_a_poll_request_does_not_count_as_activity(librarian_client):
    librarian_client.get(reverse("web:home"))
    _last_activity(librarian_client, 20 * 60)
    before = librarian_client.session[KEY]

    polled = librarian_client.get(reverse("web:services"), **POLL)

    assert polled.status_code == 200
    assert librarian_client.session[KEY] == before
    # Eleven minutes of nothing but polling later, the user is signed out.
    _last_activity(librarian_client, 31 * 60)
    assert librarian_client.get(reverse("web:services"), **POLL).status_code == 302
    assert "_auth_user_id" not in librarian_client.session


@pytest.mark.django_db
def test_an_idle_htmx_poll_sends_the_whole_page_to_the_login(librarian_client):
    librarian_client.get(reverse("web:home"))
    _last_activity(librarian_client, 31 * 60)

    response = librarian_client.get(reverse("web:services"), **HTMX_POLL)

    # A redirect would be followed inside the fragment; HX-Redirect makes htmx load the login page.
    assert response.status_code == 200
    assert response["HX-Redirect"] == reverse("login") + "?next=/ydelser/"
    assert "_auth_user_id" not in librarian_client.session
    assert MESSAGE in librarian_client.get(response["HX-Redirect"]).content.decode()


@pytest.mark.django_db
def test_an_idle_user_still_gets_a_public_page_but_signed_out(librarian_client):
    librarian_client.get(reverse("web:home"))
    _last_activity(librarian_client, 31 * 60)

    response = librarian_client.get(reverse("web:accessibility"))

    assert response.status_code == 200
    assert not response.wsgi_request.user.is_authenticated
    assert "_auth_user_id" not in librarian_client.session


@pytest.mark.django_db
def test_public_pages_neither_start_nor_need_a_session(client):
    for url in (reverse("login"), reverse("web:accessibility")):
        response = client.get(url)
        assert response.status_code == 200
        assert MESSAGE not in response.content.decode()
    assert KEY not in client.session


@pytest.mark.django_db
def test_activity_does_not_stretch_the_login_beyond_session_cookie_age(librarian_client, settings):
    librarian_client.get(reverse("web:home"))
    expires = librarian_client.session.get_expiry_date()
    _last_activity(librarian_client, 10 * 60)

    librarian_client.get(reverse("web:services"))

    assert librarian_client.session[KEY] >= int(time.time()) - 5
    assert librarian_client.session.get_expiry_date() == expires
    assert 0 < librarian_client.session.get_expiry_age() <= settings.SESSION_COOKIE_AGE


@pytest.mark.django_db
def test_the_message_counts_the_configured_minutes(librarian_client, settings):
    settings.SESSION_IDLE_TIMEOUT = 10 * 60
    librarian_client.get(reverse("web:home"))
    _last_activity(librarian_client, 11 * 60)

    response = librarian_client.get(reverse("web:home"), follow=True)

    assert "Du blev logget ud, fordi der ikke skete noget i 10 minutter." in response.content.decode()


@pytest.mark.django_db
def test_zero_turns_the_timeout_off(librarian_client, settings):
    settings.SESSION_IDLE_TIMEOUT = 0
    librarian_client.get(reverse("web:home"))
    _last_activity(librarian_client, 24 * 60 * 60)

    assert librarian_client.get(reverse("web:home")).status_code == 200
