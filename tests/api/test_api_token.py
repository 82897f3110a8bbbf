"""API tokens: made by `skranke api_token`, only a hash kept, revocable, bound to one municipality and staff member."""

import datetime as dt
import hashlib
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from skranke.api.models import ApiToken
from skranke.privacy.models import Action, AuditEntry
from tests.api.conftest import error_of
from tests.factories import UserFactory


def _run(*args) -> str:
    out = StringIO()
    call_command("api_token", *args, stdout=out)
    return out.getvalue()


def test_create_shows_the_secret_once_and_stores_only_its_hash(place):
    output = _run("create", "--municipality", "265", "--name", "Kiosk i hallen", "--scope", "kiosk", "--days", "30")
    secret = output.strip().splitlines()[-1]
    assert "Hemmeligheden vises kun denne ene gang" in output and secret.startswith("skr_")
    token = ApiToken.objects.get(name="Kiosk i hallen")
    assert token.secret_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in str(ApiToken.objects.filter(pk=token.pk).values().get())
    assert token.expires_at > timezone.now() + dt.timedelta(days=29)
    assert AuditEntry.objects.filter(action=Action.CREATE, object_type="api.apitoken", object_id=str(token.pk)).exists()
    client = Client(headers={"Authorization": f"Bearer {secret}"})
    assert client.get("/api/v1/municipalities/265/services/").status_code == 200
    assert ApiToken.objects.get(pk=token.pk).last_used_at is not None
    assert token.prefix in _run("list", "--municipality", "265")


def test_a_staff_scope_needs_a_staff_member_of_the_same_municipality(place, other):
    with pytest.raises(CommandError, match="kræver en medarbejder"):
        _run("create", "--municipality", "265", "--name", "x", "--scope", "staff")
    with pytest.raises(CommandError, match="anden kommune"):
        _run("create", "--municipality", "265", "--name", "x", "--scope", "staff", "--staff", "bs-147")
    with pytest.raises(CommandError, match="findes ikke"):
        _run("create", "--municipality", "998", "--name", "x", "--scope", "kiosk")
    assert "(bs-265)" in _run("create", "--municipality", "265", "--name", "x", "--scope", "staff", "--staff", "bs-265")


def test_a_revoked_token_is_refused_at_once(place):
    token = ApiToken.objects.get(name="kiosk", municipality=place.municipality)
    assert "er tilbagekaldt" in _run("revoke", token.prefix)
    body = error_of(place.client("kiosk").get("/api/v1/"), 401, "token_revoked")
    assert body["message_en"] == "The API token has been revoked."
    assert "tilbagekaldt" in _run("list")
    with pytest.raises(CommandError, match="Intet token"):
        _run("revoke", "skr_nothing-like-it")


def test_expired_unknown_and_malformed_tokens_are_401s(place):
    now = timezone.now()
    ApiToken.objects.filter(name="kiosk").update(
        created_at=now - dt.timedelta(days=2), expires_at=now - dt.timedelta(seconds=1)
    )
    error_of(place.client("kiosk").get("/api/v1/"), 401, "token_expired")
    for header in ("Bearer skr_unknown", "Basic dXNlcjpwdw==", "Bearer", "Bearer a b"):
        response = Client(headers={"Authorization": header}).get("/api/v1/")
        error_of(response, 401, "token_invalid")
        assert response["WWW-Authenticate"] == 'Bearer realm="skranke"'


def test_a_staff_token_stops_working_when_the_staff_member_leaves_or_moves(place, other):
    place.officer.user.is_active = False
    place.officer.user.save()
    error_of(place.client("staff").get("/api/v1/staff/counters/"), 401, "token_invalid")
    place.manager.municipality = other.municipality
    place.manager.save()
    error_of(place.client("manager").get("/api/v1/insights/kpis/"), 401, "token_invalid")


def test_administrators_revoke_tokens_in_the_admin_and_managers_do_not_see_them(place):
    token = ApiToken.objects.get(name="kiosk", municipality=place.municipality)
    manager = Client()
    manager.force_login(place.manager.user)
    assert manager.get(reverse("admin:api_apitoken_changelist")).status_code == 403
    admin = Client()
    admin.force_login(UserFactory(username="root", is_superuser=True, is_staff=True))
    page = admin.get(reverse("admin:api_apitoken_change", args=[token.pk]))
    assert page.status_code == 200 and token.secret_hash not in page.content.decode()
    assert admin.get(reverse("admin:api_apitoken_add")).status_code == 403
    response = admin.post(
        reverse("admin:api_apitoken_changelist"), {"action": "revoke", "_selected_action": [token.pk]}
    )
    assert response.status_code == 302
    assert ApiToken.objects.get(pk=token.pk).revoked_at is not None
