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


def demo_municipality():
    """The demo municipality (Roskilde) as `skranke demo` makes it, before any simulated day: the catalogue, its
    sites, staff, queues and booking set-up."""
    from skranke.bookings.demo import demo_bookings
    from skranke.catalogue.services import catalogue_load
    from skranke.organisation.demo import DEMO_CODE, demo_load
    from skranke.organisation.models import Municipality
    from skranke.queues.demo import demo_queues

    ensure_municipalities()
    catalogue_load()
    demo_load()
    municipality = Municipality.objects.get(code=DEMO_CODE)
    demo_queues(municipality=municipality)
    demo_bookings(municipality=municipality)
    return municipality
