"""The home page: workplace, the counter choice and the staff member's authorisations."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from skranke.catalogue.models import Kind
from skranke.organisation.models import Area
from skranke.web.workplace import SESSION_COUNTER_KEY
from tests.factories import (
    AuthorisationFactory,
    CounterFactory,
    ManagerFactory,
    MunicipalityFactory,
    ServiceFactory,
    SiteFactory,
)
from tests.web.conftest import stand_at


def test_home_page_greets_the_staff_member_and_shows_their_workplace(librarian_client, library_counter):
    response = librarian_client.get(reverse("web:home"))
    content = response.content.decode()
    assert response.status_code == 200
    assert "Goddag, Lise" in content
    assert "København" in content
    assert "Hovedbiblioteket" in content
    assert "Ingen skranke valgt" in content
    assert "Vælg skranke" in content


def test_header_shows_name_role_and_the_current_area_with_label_and_icon(librarian_client, library_counter):
    stand_at(librarian_client, library_counter)
    content = librarian_client.get(reverse("web:home")).content.decode()
    assert "Lise Holm" in content
    assert "Biblioteksmedarbejder" in content
    assert 'class="area-badge area-library' in content
    assert "#bookmarks" in content
    assert "Du står ved Udlånsskranken på Hovedbiblioteket." in content


def test_counter_list_groups_counters_by_site_with_the_home_site_first(librarian, librarian_client, municipality):
    other_site = SiteFactory(municipality=municipality, name="Aaby Bibliotek")  # sorts before the home site
    CounterFactory(site=other_site, name="Aaby-skranken", area=Area.LIBRARY)
    CounterFactory(site=librarian.home_site, name="Hjemmeskranken", area=Area.LIBRARY)
    content = librarian_client.get(reverse("web:home")).content.decode()
    assert content.index('<optgroup label="Hovedbiblioteket">') < content.index('<optgroup label="Aaby Bibliotek">')
    assert "Hjemmeskranken (Bibliotek)" in content


def test_staff_member_never_sees_another_municipalitys_counters(librarian_client, library_counter):
    aarhus = SiteFactory(municipality=MunicipalityFactory(code=751), name="Dokk1")
    CounterFactory(site=aarhus, name="Aarhus-skranken")
    content = librarian_client.get(reverse("web:home")).content.decode()
    assert library_counter.name in content
    assert "Aarhus-skranken" not in content
    assert "Dokk1" not in content


def test_closed_counters_are_not_offered(librarian_client, site):
    CounterFactory(site=site, name="Lukket skranke", active=False)
    assert "Lukket skranke" not in librarian_client.get(reverse("web:home")).content.decode()


def test_authorisations_show_their_status(librarian, librarian_client):
    today = timezone.localdate()
    cases = {
        "Pas": {"valid_from": today - dt.timedelta(days=10)},
        "Kørekort": {"valid_from": today - dt.timedelta(days=100), "valid_to": today - dt.timedelta(days=1)},
        "Sundhedskort": {"valid_from": today + dt.timedelta(days=5)},
        "Navnebeskyttelse": {
            "valid_from": today - dt.timedelta(days=100),
            "revoked_at": timezone.now() - dt.timedelta(hours=1),
            "revoked_by": librarian.user,
        },
    }
    for name, fields in cases.items():
        service = ServiceFactory(kind=Kind.AUTHORITY, name_da=name)
        AuthorisationFactory(staff_member=librarian, service=service, **fields)
    content = librarian_client.get(reverse("web:home")).content.decode()
    rows = {name: content[content.index(name) :].split("</tr>")[0] for name in cases}
    assert "gyldig" in rows["Pas"]
    assert "udløbet" in rows["Kørekort"]
    assert "endnu ikke gyldig" in rows["Sundhedskort"]
    assert "tilbagekaldt" in rows["Navnebeskyttelse"]


def test_staff_member_without_authorisations_is_told_so(librarian_client):
    assert "Du har ingen bemyndigelser" in librarian_client.get(reverse("web:home")).content.decode()


def test_manager_gets_a_link_to_the_administration(client, municipality):
    manager = ManagerFactory(municipality=municipality)
    client.force_login(manager.user)
    content = client.get(reverse("web:home")).content.decode()
    assert f'href="{reverse("admin:index")}"' in content
    assert "leder" in content


def test_ordinary_staff_member_gets_no_administration_link(librarian_client):
    assert f'href="{reverse("admin:index")}"' not in librarian_client.get(reverse("web:home")).content.decode()


def test_a_counter_of_another_municipality_left_in_the_session_is_ignored(librarian_client):
    foreign = CounterFactory(site=SiteFactory(municipality=MunicipalityFactory(code=751)), name="Fremmed skranke")
    stand_at(librarian_client, foreign)
    content = librarian_client.get(reverse("web:home")).content.decode()
    assert "Ingen skranke valgt" in content
    assert "Fremmed skranke" not in content
    assert librarian_client.session[SESSION_COUNTER_KEY] == foreign.pk
