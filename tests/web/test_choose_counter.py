"""Choosing the counter you stand at (POST /skranke/; a GET goes to the front page, where the choice is)."""

from django.contrib.messages import get_messages
from django.urls import reverse

from skranke.web.workplace import SESSION_COUNTER_KEY
from tests.factories import CounterFactory, MunicipalityFactory, SiteFactory
from tests.web.conftest import stand_at


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_choosing_a_counter_of_your_municipality_stores_it_in_the_session(librarian_client, library_counter):
    response = librarian_client.post(reverse("web:choose_counter"), {"counter": library_counter.pk})
    assert response.status_code == 302
    assert librarian_client.session[SESSION_COUNTER_KEY] == library_counter.pk
    assert "Du står nu ved Udlånsskranken på Hovedbiblioteket (Bibliotek)." in _messages(response)


def test_choosing_another_municipalitys_counter_is_refused_and_changes_nothing(librarian_client, library_counter):
    stand_at(librarian_client, library_counter)
    foreign = CounterFactory(site=SiteFactory(municipality=MunicipalityFactory(code=751)))
    response = librarian_client.post(reverse("web:choose_counter"), {"counter": foreign.pk}, follow=True)
    content = response.content.decode()
    assert "Skranken findes ikke i din kommune" in content
    assert 'class="alert alert-error"' in content
    assert librarian_client.session[SESSION_COUNTER_KEY] == library_counter.pk


def test_choosing_a_closed_counter_is_refused(librarian_client, site):
    closed = CounterFactory(site=site, active=False)
    response = librarian_client.post(reverse("web:choose_counter"), {"counter": closed.pk}, follow=True)
    assert "Skranken findes ikke i din kommune" in response.content.decode()
    assert SESSION_COUNTER_KEY not in librarian_client.session


def test_a_counter_id_that_is_not_a_number_is_refused(librarian_client, library_counter):
    response = librarian_client.post(reverse("web:choose_counter"), {"counter": "x; drop table"}, follow=True)
    assert "Skranken findes ikke i din kommune" in response.content.decode()
    assert SESSION_COUNTER_KEY not in librarian_client.session


def test_leaving_the_counter_clears_the_choice(librarian_client, library_counter):
    stand_at(librarian_client, library_counter)
    librarian_client.post(reverse("web:choose_counter"), {"leave": "1"})
    assert SESSION_COUNTER_KEY not in librarian_client.session


def test_choosing_a_counter_takes_no_other_method(librarian_client, library_counter):
    assert librarian_client.put(reverse("web:choose_counter")).status_code == 405
    assert librarian_client.delete(reverse("web:choose_counter")).status_code == 405


def test_opening_the_choice_address_goes_to_the_front_page_and_changes_nothing(librarian_client, library_counter):
    # The form posts to /skranke/; typed into the address bar it was a blank "405" page.
    stand_at(librarian_client, library_counter)
    response = librarian_client.get(reverse("web:choose_counter"))
    assert response.status_code == 302
    assert response["Location"] == reverse("web:home")
    assert librarian_client.session[SESSION_COUNTER_KEY] == library_counter.pk


def test_opening_the_choice_address_signed_out_asks_for_a_login(client):
    response = client.get(reverse("web:choose_counter"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
