"""The citizen's pages: kiosk, ticket, phone page and display board (no login)."""

import pytest
from django.urls import reverse

from skranke.organisation.models import OpeningHours, Site
from skranke.queues.models import Status, Ticket
from skranke.queues.services import ticket_call_next, ticket_issue
from tests.conftest import demo_municipality
from tests.factories import AuthorisationFactory, ServiceOverrideFactory, SiteFactory


def _take(client, site, *keys):
    return client.post(reverse("web:kiosk_take", kwargs={"site_id": site.pk}), {"service": list(keys)})


def _messages(response) -> list[str]:
    return [str(m) for m in response.wsgi_request._messages]


def test_the_kiosk_shows_library_and_borgerservice_as_two_labelled_groups(client, site, borgerservice, library):
    response = client.get(reverse("web:kiosk", kwargs={"site_id": site.pk}))

    page = response.content.decode()
    assert response.status_code == 200
    assert "kiosk-group-library" in page and "kiosk-group-citizen-service" in page
    # Colour is never the only signal: each group carries its label and icon.
    assert ">Bibliotek</span>" in page and ">Borgerservice</span>" in page
    assert page.count('href="/static/dkfds/img/all-svg-icons.svg#bookmarks"') >= 1
    assert "Hvad skal du have hjælp til?" in page


def test_a_big_button_takes_a_number_and_the_ticket_shows_number_wait_and_qr(client, site, borgerservice, passport):
    response = _take(client, site, "passport-application")

    ticket = Ticket.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/kiosk/{site.pk}/nummer/?t={ticket.token}"
    page = client.get(response["Location"]).content.decode()
    assert "B 001" in page and "Borgerservice" in page
    assert "Forventet ventetid" in page
    assert '<svg width="' in page and "skranke-qr" in page


def test_needs_from_two_queues_give_one_number_in_each(client, site, borgerservice, library):
    response = _take(client, site, "passport-application", "library-loan")

    labels = sorted(t.label for t in Ticket.objects.all())
    assert labels == ["B 001", "L 001"]
    page = client.get(response["Location"]).content.decode()
    assert "B 001" in page and "L 001" in page


@pytest.mark.parametrize("keys", [[], ["no-such-service"], ["<script>"]])
def test_an_unknown_choice_takes_no_number(client, site, borgerservice, keys):
    response = _take(client, site, *keys)

    assert response.status_code == 302
    assert Ticket.objects.count() == 0
    assert _messages(response) == ["Vælg det, du skal have hjælp til."]


def test_a_switched_off_service_is_not_offered_and_takes_no_number(client, site, borgerservice, passport):
    ServiceOverrideFactory(municipality=site.municipality, service=passport, enabled=False)

    page = client.get(reverse("web:kiosk", kwargs={"site_id": site.pk})).content.decode()
    response = _take(client, site, "passport-application")

    assert 'value="passport-application"' not in page
    assert Ticket.objects.count() == 0
    assert _messages(response) == ["Pas tilbydes ikke her."]


def test_a_closed_site_says_so_in_danish_and_takes_no_number(client, site, borgerservice):
    OpeningHours.objects.filter(site=site).delete()

    response = _take(client, site, "passport-application")

    assert Ticket.objects.count() == 0
    assert _messages(response) == ["Roskilde Bibliotek har lukket for Borgerservice lige nu."]


def test_pages_of_an_unknown_or_closed_down_site_are_not_found(client, site):
    closed = SiteFactory(municipality=site.municipality, active=False)
    for site_id in (closed.pk, 999999):
        assert client.get(reverse("web:kiosk", kwargs={"site_id": site_id})).status_code == 404
        assert client.get(reverse("web:board", kwargs={"site_id": site_id})).status_code == 404
        assert _take(client, closed, "passport-application").status_code == 404


def test_the_ticket_page_shows_only_tickets_of_its_own_site(client, site, borgerservice, passport):
    ticket = ticket_issue(queue=borgerservice, services=[passport])
    other = SiteFactory(municipality=site.municipality)

    assert client.get(f"/kiosk/{other.pk}/nummer/?t={ticket.token}").status_code == 404
    assert client.get(f"/kiosk/{site.pk}/nummer/").status_code == 404
    assert client.get(f"/kiosk/{site.pk}/nummer/?t=guess").status_code == 404


def test_without_a_catalogue_the_text_field_asks_staff(client, site, borgerservice):
    response = client.post(
        reverse("web:kiosk_suggest", kwargs={"site_id": site.pk}), {"text": "nyt pas"}, HTTP_HX_REQUEST="true"
    )

    assert response.status_code == 200
    assert "Vi er ikke sikre" in response.content.decode()


def test_a_text_longer_than_the_field_is_refused_without_an_error(client, site, borgerservice):
    response = client.post(reverse("web:kiosk_suggest", kwargs={"site_id": site.pk}), {"text": "pas " * 200})

    assert response.status_code == 200
    assert Ticket.objects.count() == 0


# Phone page


def test_the_phone_page_shows_position_and_wait(client, borgerservice, passport):
    first = ticket_issue(queue=borgerservice, services=[passport])
    second = ticket_issue(queue=borgerservice, services=[passport])

    page = client.get(reverse("web:phone", kwargs={"token": second.token})).content.decode()

    assert "B 002" in page
    assert "Der er 2 foran dig, dig selv medregnet." in page
    assert "Forventet ventetid" in page
    assert first.label not in page


def test_the_phone_page_says_which_counter_once_called(client, borgerservice, passport, citizen_counter, officer):
    AuthorisationFactory(staff_member=officer, service=passport)
    ticket = ticket_issue(queue=borgerservice, services=[passport])
    ticket_call_next(counter=citizen_counter, staff=officer)

    response = client.get(reverse("web:phone", kwargs={"token": ticket.token}), HTTP_HX_REQUEST="true")

    assert "Du er kaldt til Skranke 3" in response.content.decode()
    assert "<html" not in response.content.decode()  # the poll gets only the status


def test_an_unknown_phone_token_is_not_found(client, db):
    assert client.get(reverse("web:phone", kwargs={"token": "not-a-ticket"})).status_code == 404
    assert client.post(reverse("web:phone_cancel", kwargs={"token": "not-a-ticket"})).status_code == 404


def test_the_citizen_can_give_up_the_number_once(client, borgerservice, passport):
    ticket = ticket_issue(queue=borgerservice, services=[passport])
    url = reverse("web:phone_cancel", kwargs={"token": ticket.token})

    first = client.post(url, follow=True)
    second = client.post(url, follow=True)

    ticket.refresh_from_db()
    assert ticket.status == Status.CANCELLED
    assert "Dit nummer B 001 er annulleret. Tak fordi du sagde til." in first.content.decode()
    assert "Nummeret kan ikke annulleres, fordi det er annulleret." in second.content.decode()


# Display board


def test_the_board_shows_calls_in_the_column_of_their_area(
    client, site, borgerservice, library, passport, loan, citizen_counter, officer
):
    AuthorisationFactory(staff_member=officer, service=passport)
    ticket_issue(queue=borgerservice, services=[passport])
    ticket_issue(queue=library, services=[loan])
    ticket_call_next(counter=citizen_counter, staff=officer)

    page = client.get(reverse("web:board", kwargs={"site_id": site.pk})).content.decode()

    library_column, citizen_column = page.split("board-column-citizen-service", 1)
    assert "B 001" in citizen_column and "Skranke 3" in citizen_column
    assert "B 001" not in library_column
    assert "1 venter" in library_column  # L 001 is still waiting
    assert "Nyt kald" in citizen_column


@pytest.mark.parametrize(
    ("text", "several"),
    [
        ("digtal post", False),  # help with Digital Post or the exemption: the citizen chooses one
        ("photocopy of my health card please", False),
        ("nyt pas og nyt sundhedskort", True),
    ],
)
def test_a_choice_asks_which_fits_and_only_several_needs_take_one_number_for_all(db, client, text, several):
    municipality = demo_municipality()
    site = Site.objects.filter(municipality=municipality, name__icontains="bibliotek").order_by("pk").first()
    response = client.post(
        reverse("web:kiosk_suggest", kwargs={"site_id": site.pk}), {"text": text}, HTTP_HX_REQUEST="true"
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert ("Du skal have hjælp til flere ting" in page) is several
    assert ("Hvad passer bedst?" in page) is not several
