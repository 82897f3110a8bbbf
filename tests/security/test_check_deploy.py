"""`skranke check --deploy` with production settings finds nothing to warn about."""

import json
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

import skranke

SRC = Path(skranke.__file__).resolve().parent.parent

OIDC = {
    "OIDC_RP_CLIENT_ID": "skranke",
    "OIDC_RP_CLIENT_SECRET": secrets.token_urlsafe(32),
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "https://login.kommune.test/authorize",
    "OIDC_OP_TOKEN_ENDPOINT": "https://login.kommune.test/token",
    "OIDC_OP_USER_ENDPOINT": "https://login.kommune.test/userinfo",
    "OIDC_OP_JWKS_ENDPOINT": "https://login.kommune.test/jwks",
    "SKRANKE_OIDC_ROLE_MAP": '{"skranke-leder": "Leder", "CN=Skranke,OU=Grupper,DC=kommune,DC=dk": "Medarbejder"}',
}


def _skranke(tmp_path, *args, **env):
    environment = {
        "PATH": "/usr/bin:/bin",
        "PYTHONPATH": str(SRC),
        "SKRANKE_VAR_DIR": str(tmp_path),
        "SECRET_KEY": secrets.token_urlsafe(64),
        "CPR_HASH_KEY": secrets.token_urlsafe(64),
        "AUDIT_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "skranke.kommune.test",
        **env,
    }
    return subprocess.run(
        [sys.executable, "-m", "skranke", *args], env=environment, capture_output=True, text=True, check=False
    )


@pytest.mark.parametrize("extra", [{}, OIDC], ids=["password login", "with single sign-on"])
def test_check_deploy_is_clean_with_production_settings(tmp_path, extra):
    result = _skranke(tmp_path, "check", "--deploy", "--fail-level", "WARNING", **extra)

    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues" in output
    assert not re.search(r"\.[WE]\d{3}\)", output), output


def test_production_settings_turn_on_https_and_hsts(tmp_path):
    names = [
        "SECURE_SSL_REDIRECT",
        "SECURE_HSTS_SECONDS",
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
        "SESSION_COOKIE_HTTPONLY",
        "SECURE_PROXY_SSL_HEADER",
    ]
    code = (
        "import json; from django.conf import settings; "
        f"print('SETTINGS', json.dumps([getattr(settings, n) for n in {names!r}]))"
    )
    result = _skranke(tmp_path, "shell", "--no-imports", "-c", code, SECURE_PROXY_SSL_HEADER="X-Forwarded-Proto")

    assert result.returncode == 0, result.stderr
    values = json.loads(re.search(r"^SETTINGS (.*)$", result.stdout, re.MULTILINE).group(1))
    assert values == [True, 365 * 24 * 60 * 60, True, True, True, ["HTTP_X_FORWARDED_PROTO", "https"]]


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"OIDC_RP_CLIENT_ID": "skranke"}, "OIDC_RP_CLIENT_ID is set, so OIDC_RP_CLIENT_SECRET"),
        ({**OIDC, "OIDC_OP_JWKS_ENDPOINT": ""}, "OIDC_OP_JWKS_ENDPOINT must be set too"),
        ({"SKRANKE_OIDC_ROLE_MAP": '{"skranke-leder": "Chef"}'}, "SKRANKE_OIDC_ROLE_MAP maps to unknown groups"),
        ({"SKRANKE_OIDC_ROLE_MAP": "skranke-leder=Leder"}, "SKRANKE_OIDC_ROLE_MAP must be a JSON object"),
        ({"OIDC_RP_SIGN_ALGO": "none"}, "OIDC_RP_SIGN_ALGO must be one of"),
        ({"AXES_FAILURE_LIMIT": "fem"}, "AXES_FAILURE_LIMIT must be a whole number"),
        ({"SESSION_IDLE_TIMEOUT": "-1"}, "SESSION_IDLE_TIMEOUT must be at least 0"),
    ],
)
def test_a_bad_login_setting_stops_start_up_with_its_name(tmp_path, env, message):
    result = _skranke(tmp_path, "check", **env)

    assert result.returncode != 0
    assert message in result.stderr


def test_the_role_names_in_settings_are_the_roles():
    from skranke import settings
    from skranke.organisation.roles import Role

    assert set(Role.values) == settings._SKRANKE_ROLES
