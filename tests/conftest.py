from importlib import import_module

import pytest
from django.apps import apps
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # PBKDF2's deliberate slowness costs a second per test that makes users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _empty_cache():
    # The kiosk's wait estimate caches briefly; no test sees another's.
    cache.clear()
    yield
    cache.clear()


def ensure_municipalities() -> None:
    """The 98 municipalities as the data migration loads them.

    A transactional test (live server, several processes) empties every table
    afterwards, the migration's rows included; a later one that needs them calls this.
    """
    municipality = apps.get_model("organisation", "Municipality")
    if not municipality.objects.exists():
        import_module("skranke.organisation.migrations.0002_municipalities").load(apps, None)
