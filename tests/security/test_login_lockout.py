"""Repeated wrong passwords lock the username at that address for a while (django-axes)."""

import datetime as dt

import pytest
from axes.models import AccessAttempt
from django.urls import reverse

from tests.security.conftest import PASSWORD

LOCKED = "Du er midlertidigt spærret"


def _log_in(client, username, password, address="10.1.1.1"):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address)


def _fail(client, username, times, address="10.1.1.1"):
    return [_log_in(client, username, "forkert", address) for _ in range(times)]


def test_the_defaults_are_five_attempts_and_fifteen_minutes_per_username_and_address(settings):
    assert settings.AXES_FAILURE_LIMIT == 5
    assert settings.AXES_COOLOFF_TIME.total_seconds() == 15 * 60
    assert settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]
    assert settings.AUTHENTICATION_BACKENDS[0] == "axes.backends.AxesStandaloneBackend"
    assert settings.MIDDLEWARE[-1] == "axes.middleware.AxesMiddleware"


@pytest.mark.django_db
def test_the_fifth_wrong_password_locks_out_with_a_danish_explanation(client, librarian):
    *first, fifth = _fail(client, "lise", 5)
    for response in first:
        assert response.status_code == 200
        assert "Du blev ikke logget ind" in response.content.decode()
        assert LOCKED not in response.content.decode()

    content = fifth.content.decode()
    assert fifth.status_code == 429
    assert LOCKED in content
    assert "Vent 15 minutter, og prøv igen." in content
    assert "Account locked" not in content
    # Still the login page, with the username kept.
    assert 'name="password"' in content
    assert 'value="lise"' in content


@pytest.mark.django_db
def test_the_right_password_is_refused_while_locked_out(client, librarian):
    _fail(client, "lise", 5)

    response = _log_in(client, "lise", PASSWORD)

    assert response.status_code == 429
    assert LOCKED in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_the_lockout_is_for_that_username_at_that_address_only(client, librarian):
    _fail(client, "lise", 5, address="10.1.1.1")

    other_counter = _log_in(client, "lise", PASSWORD, address="10.1.1.2")

    assert other_counter.status_code == 302
    assert other_counter.url == reverse("web:home")


@pytest.mark.django_db
def test_the_lockout_ends_after_the_cool_off(client, librarian):
    _fail(client, "lise", 5)
    AccessAttempt.objects.update(attempt_time=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=16))

    response = _log_in(client, "lise", PASSWORD)

    assert response.status_code == 302
    assert response.url == reverse("web:home")


@pytest.mark.django_db
def test_a_successful_login_forgets_earlier_mistakes(client, librarian):
    _fail(client, "lise", 4)
    assert _log_in(client, "lise", PASSWORD).status_code == 302
    client.post(reverse("logout"))

    *_, last = _fail(client, "lise", 4)

    assert last.status_code == 200
    assert LOCKED not in last.content.decode()


@pytest.mark.django_db
def test_the_limit_comes_from_the_setting(client, librarian, settings):
    settings.AXES_FAILURE_LIMIT = 2

    first, second = _fail(client, "lise", 2)

    assert first.status_code == 200
    assert second.status_code == 429


@pytest.mark.django_db
def test_the_lockout_page_is_english_for_a_user_who_chose_english(client, librarian, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    *_, fifth = _fail(client, "lise", 5)

    content = fifth.content.decode()
    assert "You are temporarily locked out" in content
    assert "Wait 15 minutes and try again." in content
