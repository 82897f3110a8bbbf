"""Who may see the staff pages, and the public and error pages."""

import pytest
from django.template.loader import get_template
from django.test import Client
from django.urls import reverse

from tests.factories import UserFactory

STAFF_PAGES = [
    reverse("web:home"),
    reverse("web:services"),
    reverse("web:service", args=["passport-application"]),
    reverse("web:life_events"),
    reverse("web:life_event", args=["moving"]),
]


@pytest.mark.django_db
@pytest.mark.parametrize("url", STAFF_PAGES)
def test_anonymous_visitor_is_sent_to_the_login_page(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login") + "?next=")


@pytest.mark.django_db
def test_choosing_a_counter_needs_a_login(client):
    response = client.post(reverse("web:choose_counter"), {"counter": 1})
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.django_db
@pytest.mark.parametrize("url", STAFF_PAGES)
def test_user_without_a_municipality_gets_a_friendly_explanation(client, url):
    client.force_login(UserFactory())
    response = client.get(url)
    assert response.status_code == 403
    assert "Din konto er ikke knyttet til en kommune" in response.content.decode()


@pytest.mark.django_db
def test_login_page_is_in_danish_and_explains_a_wrong_password(client, librarian):
    page = client.get(reverse("login"))
    assert page.status_code == 200
    assert "Log ind på Skranke" in page.content.decode()
    assert "Brugernavn" in page.content.decode()

    response = client.post(reverse("login"), {"username": librarian.user.username, "password": "forkert"})
    content = response.content.decode()
    assert response.status_code == 200
    assert "Du blev ikke logget ind" in content
    assert "adgangskode" in content


@pytest.mark.django_db
def test_staff_member_can_log_in_and_lands_on_the_home_page(client, librarian):
    response = client.post(
        reverse("login"), {"username": librarian.user.username, "password": "test-password"}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("web:home")
    assert "Goddag, Lise" in response.content.decode()


@pytest.mark.django_db
def test_logout_is_a_button_that_posts(librarian_client):
    content = librarian_client.get(reverse("web:home")).content.decode()
    assert f'action="{reverse("logout")}"' in content
    response = librarian_client.post(reverse("logout"))
    assert response.status_code == 302
    assert librarian_client.get(reverse("web:home")).status_code == 302


@pytest.mark.django_db
def test_accessibility_statement_is_public_and_names_wcag_2_1_aa(client):
    response = client.get(reverse("web:accessibility"))
    assert response.status_code == 200
    assert "WCAG 2.1 på niveau AA" in response.content.decode()


@pytest.mark.django_db
def test_every_page_links_to_the_accessibility_statement(librarian_client):
    content = librarian_client.get(reverse("web:home")).content.decode()
    assert f'href="{reverse("web:accessibility")}"' in content
    assert "Tilgængelighedserklæring" in content


@pytest.mark.django_db
def test_language_switch_posts_to_set_language_and_can_switch_to_english(librarian_client):
    content = librarian_client.get(reverse("web:home")).content.decode()
    assert '<html lang="da">' in content
    assert f'action="{reverse("set_language")}"' in content

    librarian_client.post(reverse("set_language"), {"language": "en", "next": reverse("web:home")})
    assert '<html lang="en">' in librarian_client.get(reverse("web:home")).content.decode()


@pytest.mark.django_db
def test_unknown_page_shows_the_danish_404_page(librarian_client):
    response = librarian_client.get("/findes-ikke/")
    assert response.status_code == 404
    assert "Siden findes ikke" in response.content.decode()


def test_500_page_renders_without_a_request_or_a_database():
    content = get_template("500.html").render({})
    assert "Der skete en fejl" in content
    assert "dkfds.min.css" in content


@pytest.mark.django_db
def test_a_stale_form_gets_a_danish_explanation(librarian):
    client = Client(enforce_csrf_checks=True)
    client.force_login(librarian.user)
    response = client.post(reverse("web:choose_counter"), {"counter": 1})
    assert response.status_code == 403
    assert "Siden er udløbet" in response.content.decode()
