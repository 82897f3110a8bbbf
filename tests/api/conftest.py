import pytest

from tests.api.world import Place, build, catalogue


@pytest.fixture
def services(db):
    return catalogue()


@pytest.fixture
def place(services) -> Place:
    """Roskilde (265), set up for the API."""
    return build(265, services)


@pytest.fixture
def other(services, place) -> Place:
    """Frederiksberg (147): its tokens must find nothing of Roskilde's."""
    return build(147, services, name="Frederiksberg Hovedbibliotek")


def error_of(response, status: int, code: str | None = None) -> dict:
    """The error body, checked for the API's one shape (and the status and code given)."""
    assert response.status_code == status, (response.status_code, response.content[:500])
    body = response.json()
    assert set(body) <= {"code", "message_da", "message_en", "fields", "alternatives"}, body
    assert body["message_da"] and body["message_en"], body
    if code is not None:
        assert body["code"] == code, body
    for problems in body.get("fields", {}).values():
        for problem in problems:
            assert set(problem) == {"code", "message_da", "message_en"} and all(problem.values()), problem
    return body
