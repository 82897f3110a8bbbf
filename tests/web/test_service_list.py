"""The catalogue list (/ydelser/): search, kinds, the municipality's choices and the policy verdict."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from skranke.catalogue.models import Kind
from tests.factories import ManagerFactory, ServiceFactory, ServiceOverrideFactory
from tests.web.conftest import stand_at

URL = reverse("web:services")


def test_catalogue_lists_services_grouped_by_kind_with_label_and_icon(librarian_client):
    ServiceFactory(kind=Kind.LIBRARY, name_da="Lånerkort")
    ServiceFactory(kind=Kind.GUIDANCE, name_da="Hjælp til Digital Post")
    ServiceFactory(kind=Kind.AUTHORITY, name_da="Pas")
    response = librarian_client.get(URL)
    content = response.content.decode()
    assert response.status_code == 200
    assert content.index("Lånerkort") < content.index("Hjælp til Digital Post") < content.index("Pas")
    for css, icon, label in [
        ("kind-library", "#bookmarks", "Bibliotek"),
        ("kind-guidance", "#support-agent", "Vejledning"),
        ("kind-authority", "#contact-card", "Myndighedsopgave"),
    ]:
        assert f'class="kind-badge {css}"' in content
        assert icon in content
        assert label in content


def test_search_matches_names_and_search_words(librarian_client):
    ServiceFactory(kind=Kind.AUTHORITY, name_da="Pas", search_words=["rejse", "udlandet"])
    ServiceFactory(kind=Kind.LIBRARY, name_da="Lånerkort")
    by_word = librarian_client.get(URL, {"q": "Rejse"}).content.decode()
    assert ">Pas<" in by_word
    assert "Lånerkort" not in by_word
    by_name = librarian_client.get(URL, {"q": "låner"}).content.decode()
    assert "Lånerkort" in by_name
    assert ">Pas<" not in by_name


def test_filter_by_kind_shows_only_that_kind(librarian_client):
    ServiceFactory(kind=Kind.AUTHORITY, name_da="Pas")
    ServiceFactory(kind=Kind.LIBRARY, name_da="Lånerkort")
    content = librarian_client.get(URL, {"kind": Kind.LIBRARY}).content.decode()
    assert "Lånerkort" in content
    assert ">Pas<" not in content


def test_search_without_hits_says_so_in_plain_danish(librarian_client):
    ServiceFactory(name_da="Pas")
    assert "Ingen ydelser passer til din søgning" in librarian_client.get(URL, {"q": "zzz"}).content.decode()


def test_htmx_search_gets_only_the_results(librarian_client):
    ServiceFactory(name_da="Pas")
    content = librarian_client.get(URL, {"q": "pas"}, headers={"HX-Request": "true"}).content.decode()
    assert ">Pas<" in content
    assert "<html" not in content


def test_htmx_search_updates_the_result_count_in_its_live_region(librarian_client):
    ServiceFactory(name_da="Pas")
    content = librarian_client.get(URL, {"q": "pas"}, headers={"HX-Request": "true"}).content.decode()
    assert 'id="result-count"' in content
    assert 'hx-swap-oob="true"' in content
    assert "1 ydelse" in content


def test_back_button_after_a_live_search_gets_the_whole_page(librarian_client):
    ServiceFactory(name_da="Pas")
    headers = {"HX-Request": "true", "HX-History-Restore-Request": "true"}
    assert "<html" in librarian_client.get(URL, {"q": "pas"}, headers=headers).content.decode()


def test_switched_off_service_is_hidden_from_staff_and_marked_for_managers(client, librarian, municipality):
    service = ServiceFactory(name_da="Valgkort")
    ServiceOverrideFactory(municipality=municipality, service=service, enabled=False)
    client.force_login(librarian.user)
    assert "Valgkort" not in client.get(URL).content.decode()

    client.force_login(ManagerFactory(municipality=municipality).user)
    content = client.get(URL).content.decode()
    assert "Valgkort" in content
    assert "Slået fra i kommunen" in content


def test_without_a_counter_the_page_asks_you_to_choose_one(librarian_client):
    ServiceFactory(name_da="Pas")
    content = librarian_client.get(URL).content.decode()
    assert "Vælg en skranke for at se, om du kan behandle ydelsen" in content


def test_verdict_per_service_at_the_current_counter(librarian_client, library_counter):
    ServiceFactory(kind=Kind.LIBRARY, name_da="Lånerkort")
    ServiceFactory(kind=Kind.AUTHORITY, name_da="Pas")
    stand_at(librarian_client, library_counter)
    content = librarian_client.get(URL).content.decode()
    assert "Du kan behandle den her" in content
    assert "Biblioteksmedarbejdere udfører ikke myndighedsopgaver i kommunen" in content


def _queries_for(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(URL).status_code == 200
    return len(queries)


@pytest.mark.parametrize("kind", [Kind.LIBRARY, Kind.AUTHORITY])
def test_number_of_queries_does_not_grow_with_the_number_of_services(
    librarian_client, librarian, library_counter, kind
):
    stand_at(librarian_client, library_counter)
    # The first request after login also stamps the session (idle timeout); only later ones are compared.
    librarian_client.get(URL)
    ServiceFactory.create_batch(2, kind=kind)
    few = _queries_for(librarian_client)
    ServiceFactory.create_batch(30, kind=kind)
    assert _queries_for(librarian_client) == few


def test_catalogue_with_many_services_stays_within_a_fixed_query_budget(
    librarian_client, library_counter, django_assert_max_num_queries
):
    stand_at(librarian_client, library_counter)
    for kind in Kind:
        ServiceFactory.create_batch(20, kind=kind)
    with django_assert_max_num_queries(15):
        librarian_client.get(URL)
