import pytest
from django.apps import apps
from django.db import connection

from tests.factories import MunicipalityFactory


@pytest.fixture
def roskilde(db):
    return MunicipalityFactory(code=265)


@pytest.fixture
def frederiksberg(db):
    return MunicipalityFactory(code=147)


def tamper(sql: str, params=()) -> None:
    """Change the audit table behind Skranke's back, as someone with database access could.

    On PostgreSQL the append-only trigger has to be switched off first, which
    only a database superuser can do (session_replication_role).
    """
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = origin")


def every_stored_value() -> str:
    """Every column of every row of every table Skranke's models own, as one text."""
    return "\n".join(
        str(value)
        for model in apps.get_models(include_auto_created=True)
        for row in model._base_manager.values_list()
        for value in row
    )
