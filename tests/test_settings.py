"""The settings helpers fail loudly on a value they cannot read."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from skranke.settings import env_bool, env_int, env_list


@pytest.mark.parametrize(("raw", "expected"), [("1", True), ("yes", True), ("OFF", False), ("0", False), ("", False)])
def test_env_bool_reads_the_usual_spellings(monkeypatch, raw, expected):
    monkeypatch.setenv("X_FLAG", raw)
    assert env_bool("X_FLAG", not expected) is expected


def test_env_bool_refuses_anything_else(monkeypatch):
    monkeypatch.setenv("X_FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="X_FLAG"):
        env_bool("X_FLAG", False)


def test_env_int_refuses_text_and_values_below_the_minimum(monkeypatch):
    monkeypatch.setenv("X_NUM", "ti")
    with pytest.raises(ImproperlyConfigured, match="whole number"):
        env_int("X_NUM", 1)
    monkeypatch.setenv("X_NUM", "-5")
    with pytest.raises(ImproperlyConfigured, match="at least 0"):
        env_int("X_NUM", 1, minimum=0)


def test_env_list_splits_on_commas_and_drops_blanks(monkeypatch):
    monkeypatch.setenv("X_HOSTS", "skranke.kommune.dk, ,intern.kommune.dk")
    assert env_list("X_HOSTS", []) == ["skranke.kommune.dk", "intern.kommune.dk"]


def test_unset_variables_give_the_default(monkeypatch):
    monkeypatch.delenv("X_UNSET", raising=False)
    assert env_bool("X_UNSET", True) is True
    assert env_int("X_UNSET", 7) == 7
    assert env_list("X_UNSET", ["a"]) == ["a"]


def test_production_start_without_secret_key_is_refused(tmp_path):
    import subprocess
    import sys

    env = {"PATH": "/usr/bin:/bin", "SKRANKE_VAR_DIR": str(tmp_path), "DEBUG": "0"}
    result = subprocess.run(
        [sys.executable, "-c", "import skranke.settings"], env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


def test_language_and_time_zone_are_danish(settings):
    assert settings.LANGUAGE_CODE == "da"
    assert settings.TIME_ZONE == "Europe/Copenhagen"
    assert settings.USE_TZ
    assert ("en", "Engelsk") in [(code, str(name)) for code, name in settings.LANGUAGES]
