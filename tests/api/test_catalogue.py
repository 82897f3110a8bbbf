"""The catalogue, life events and triage: public, per municipality, limited to a token's own municipality."""

from skranke.catalogue.models import Kind
from tests.api.conftest import error_of
from tests.factories import ServiceOverrideFactory


def _services(response) -> dict:
    assert response.status_code == 200, response.content
    return {row["key"]: row for row in response.json()}


def test_anyone_reads_the_services_a_municipality_offers_with_todays_fees(place):
    services = _services(place.client().get("/api/v1/municipalities/265/services/"))
    passport = services["passport-application"]
    assert passport["name_da"] == "Pas" and passport["name_en"] == "Passport"
    assert passport["kind"] == Kind.AUTHORITY
    assert passport["documents"] == ["Dit gamle pas", "Et billede"]
    assert passport["needs_appointment"] is True
    # The fee of 2099 has not started yet.
    assert [(f["label"], f["amount"]) for f in passport["fees"]] == [("Voksne", 893.0)]


def test_a_service_the_municipality_switched_off_is_not_listed_nor_found(place, services):
    ServiceOverrideFactory(municipality=place.municipality, service=services["loan"], enabled=False)
    client = place.client()
    assert "library-loan" not in _services(client.get("/api/v1/municipalities/265/services/"))
    error_of(client.get("/api/v1/municipalities/265/services/library-loan/"), 404, "not_found")


def test_the_municipalitys_own_duration_and_appointment_rule_are_given(place, services):
    ServiceOverrideFactory(
        municipality=place.municipality, service=services["loan"], duration_minutes=25, needs_appointment=True
    )
    loan = _services(place.client().get("/api/v1/municipalities/265/services/"))["library-loan"]
    assert (loan["duration_minutes"], loan["needs_appointment"]) == (25, True)


def test_services_filter_by_kind_and_words(place):
    client = place.client()
    assert set(_services(client.get("/api/v1/municipalities/265/services/?kind=LIBRARY"))) == {"library-loan"}
    assert set(_services(client.get("/api/v1/municipalities/265/services/?q=REJSE"))) == {"passport-application"}


def test_an_unknown_kind_is_a_400_naming_the_field_in_danish_and_english(place):
    body = error_of(place.client().get("/api/v1/municipalities/265/services/?kind=PIZZA"), 400, "invalid")
    (problem,) = body["fields"]["kind"]
    assert problem["code"] == "invalid_choice"
    assert "PIZZA" in problem["message_en"] and problem["message_da"] != problem["message_en"]


def test_an_unknown_municipality_is_a_404(place):
    error_of(place.client().get("/api/v1/municipalities/999/services/"), 404, "not_found")


def test_a_token_finds_nothing_of_another_municipality(place, other):
    client = other.client("kiosk")
    for url in (
        "/api/v1/municipalities/265/services/",
        "/api/v1/municipalities/265/services/passport-application/",
        "/api/v1/municipalities/265/life-events/",
        "/api/v1/municipalities/265/sites/",
    ):
        error_of(client.get(url), 404, "not_found")
    error_of(client.post("/api/v1/municipalities/265/triage/", {"text": "pas"}), 404, "not_found")
    assert client.get("/api/v1/municipalities/147/services/").status_code == 200


def test_one_service_has_its_guidance_and_life_events(place):
    response = place.client().get("/api/v1/municipalities/265/services/passport-application/")
    assert response.status_code == 200
    assert response.json()["life_events"] == ["moving"]
    assert response.json()["fees"][0]["amount"] == 893.0


def test_life_events_say_which_steps_the_municipality_offers(place, services):
    ServiceOverrideFactory(municipality=place.municipality, service=services["address"], enabled=False)
    (moving,) = place.client().get("/api/v1/municipalities/265/life-events/").json()
    assert [(s["service"], s["offered"]) for s in moving["steps"]] == [
        ("address-change", False),
        ("passport-application", True),
    ]


def test_triage_ranks_the_services_for_the_citizens_words(place):
    response = place.client().post("/api/v1/municipalities/265/triage/", {"text": "pas til rejsen"})
    assert response.status_code == 200
    body = response.json()
    assert body["ask_staff"] is False
    assert body["matches"][0]["key"] == "passport-application"


def test_triage_at_a_site_names_the_queue_that_serves_the_match(place):
    response = place.client().post("/api/v1/municipalities/265/triage/", {"text": "låne en bog", "site": place.site.pk})
    assert response.json()["matches"][0] == {
        "key": "library-loan",
        "kind": "LIBRARY",
        "name_da": "Lån af bøger",
        "name_en": "Borrowing books",
        "score": response.json()["matches"][0]["score"],
        "queue": place.library_queue.pk,
    }


def test_triage_without_words_or_at_another_municipalitys_site_is_a_400(place, other):
    client = place.client()
    body = error_of(client.post("/api/v1/municipalities/265/triage/", {"text": ""}), 400, "invalid")
    assert "text" in body["fields"]
    body = error_of(
        client.post("/api/v1/municipalities/265/triage/", {"text": "pas", "site": other.site.pk}), 400, "invalid"
    )
    assert "site" in body["fields"]


def test_triage_of_nonsense_asks_staff(place):
    body = place.client().post("/api/v1/municipalities/265/triage/", {"text": "xyzzy qwerty"}).json()
    assert body["ask_staff"] is True and body["matches"] == []
