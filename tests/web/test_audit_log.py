"""The audit log page: the municipality's entries, the filters, and the citizen search that keeps the CPR number out."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from skranke.organisation.roles import Role
from skranke.privacy.cpr import citizen_hash, parse
from skranke.privacy.models import Action, AuditEntry
from skranke.privacy.services import audit_record
from tests.factories import ManagerFactory, MunicipalityFactory, StaffMemberFactory

URL = reverse("web:audit_log")
# Fails modulus 11 but is valid (CPR has issued such numbers since 2007): the page warns.
CPR_WARN = "0101901234"
# Passes modulus 11: no warning.
CPR_OK = "0101901238"
OTHER_CPR = "0202851238"


def record(staff, *, action=Action.READ, cpr=None, purpose="", object_type="contacts.contact", object_id=7, **kwargs):
    """An entry made the way the other apps make them; a citizen's entry needs a purpose."""
    return audit_record(
        municipality=staff.municipality,
        action=action,
        actor=staff.user,
        citizen=parse(cpr) if cpr else None,
        purpose=purpose or ("Borgeren står ved skranken" if cpr else ""),
        object_type=object_type,
        object_id=object_id,
        **kwargs,
    )


def rows(content: str) -> int:
    return content.count('data-title="Tidspunkt"')


def search(client, cpr: str, purpose: str = "Klage over sagsbehandlingen, sag 2026-77", **filters):
    return client.post(URL, {"cpr": cpr, "purpose": purpose, **filters})


# Who may see it


def test_manager_sees_the_entries_of_their_own_municipality_only(manager_client, officer):
    record(officer, cpr=CPR_OK, purpose="Sag i København")
    aarhus_officer = StaffMemberFactory(municipality=MunicipalityFactory(code=751), user__username="aarhus-bruger")
    record(aarhus_officer, cpr=CPR_OK, purpose="Sag i Aarhus")

    response = manager_client.get(URL)
    content = response.content.decode()
    assert response.status_code == 200
    assert "Sag i København" in content
    assert officer.user.username in content
    assert "Sag i Aarhus" not in content
    assert "aarhus-bruger" not in content


def test_manager_of_another_municipality_never_sees_the_first_municipalitys_entries(client, officer):
    record(officer, cpr=CPR_OK, purpose="Sag i København")
    aarhus_manager = ManagerFactory(municipality=MunicipalityFactory(code=751))
    client.force_login(aarhus_manager.user)

    assert "Sag i København" not in client.get(URL).content.decode()
    searched = search(client, CPR_OK).content.decode()
    assert "Sag i København" not in searched
    assert "Der er ingen logindgange om borgeren" in searched


def test_staff_member_without_the_permission_gets_403_and_no_menu_link(officer_client):
    response = officer_client.get(URL)
    assert response.status_code == 403
    assert "Du har ikke adgang" in response.content.decode()
    assert search(officer_client, CPR_OK).status_code == 403
    assert AuditEntry.objects.count() == 0
    assert f'href="{URL}"' not in officer_client.get(reverse("web:home")).content.decode()


def test_manager_finds_the_page_in_the_menu(manager_client):
    content = manager_client.get(reverse("web:home")).content.decode()
    assert f'href="{URL}"' in content
    assert "Logning" in content


def test_administrator_sees_every_municipality_with_its_name(client, officer, municipality):
    administrator = StaffMemberFactory(municipality=municipality, user__roles=[Role.ADMINISTRATOR, Role.STAFF])
    aarhus_officer = StaffMemberFactory(municipality=MunicipalityFactory(code=751))
    record(officer, cpr=CPR_OK, purpose="Sag i København")
    record(aarhus_officer, cpr=CPR_OK, purpose="Sag i Aarhus")
    client.force_login(administrator.user)
    content = client.get(URL).content.decode()
    assert "Sag i København" in content
    assert "Sag i Aarhus" in content
    assert '<td data-title="Kommune">Aarhus</td>' in content


def test_anonymous_visitor_is_sent_to_the_login_page(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


# What it shows


def test_entry_shows_local_time_actor_action_object_purpose_address_and_a_short_citizen_hash(manager_client, officer):
    entry = record(officer, cpr=CPR_OK, purpose="Pas, sag 2026-5", client_address="10.1.2.3")
    content = manager_client.get(URL).content.decode()
    local = timezone.localtime(entry.at)
    assert local.strftime("%d.%m.%Y %H:%M:%S") in content
    assert officer.user.username in content
    assert "Læst" in content
    assert "contacts.contact" in content
    assert "#7" in content
    assert "Pas, sag 2026-5" in content
    assert "10.1.2.3" in content
    hashed = citizen_hash(parse(CPR_OK)).hex
    assert hashed[:12] in content
    assert hashed[:13] not in content


def test_entry_without_a_staff_member_or_a_citizen_says_skranke_and_a_dash(manager_client, municipality):
    audit_record(municipality=municipality, action=Action.DELETE, object_type="TICKET_CONTACT", detail="Slettet")
    content = manager_client.get(URL).content.decode()
    row = content[content.index('data-title="Tidspunkt"') :].split("</tr>")[0]
    assert "Skranke" in row
    assert "automatisk" in row
    assert '<td data-title="Borger">—</td>' in row


def test_newest_entry_comes_first(manager_client, officer):
    record(officer, cpr=CPR_OK, purpose="Den første")
    record(officer, cpr=CPR_OK, purpose="Den anden")
    content = manager_client.get(URL).content.decode()
    assert content.index("Den anden") < content.index("Den første")


def test_the_log_is_paginated_with_fifty_entries_a_page(manager_client, officer):
    for number in range(51):
        record(officer, object_id=number)
    first = manager_client.get(URL).content.decode()
    assert rows(first) == 50
    assert "51 logindgange" in first
    assert "?page=2" in first
    second = manager_client.get(URL, {"page": 2}).content.decode()
    assert rows(second) == 1


def test_page_links_keep_the_filters(manager_client, officer):
    for number in range(51):
        record(officer, object_id=number)
    content = manager_client.get(URL, {"action": Action.READ}).content.decode()
    assert "?action=READ&amp;page=2" in content


# Filters


def test_staff_filter_offers_only_the_municipalitys_staff_and_filters_by_them(manager_client, officer, librarian):
    StaffMemberFactory(municipality=MunicipalityFactory(code=751), user__first_name="Aarhus", user__last_name="Ansat")
    record(officer, detail="Birgits opslag")
    record(librarian, detail="Lises opslag")

    content = manager_client.get(URL).content.decode()
    select = content[content.index('name="actor"') :].split("</select>")[0]
    assert "Birgit Madsen" in select
    assert "Lise Holm" in select
    assert "Aarhus Ansat" not in select

    filtered = manager_client.get(URL, {"actor": librarian.user_id}).content.decode()
    assert "Lises opslag" in filtered
    assert "Birgits opslag" not in filtered


def test_staff_filter_refuses_a_staff_member_of_another_municipality(manager_client):
    foreign = StaffMemberFactory(municipality=MunicipalityFactory(code=751))
    response = manager_client.get(URL, {"actor": foreign.user_id})
    assert response.status_code == 200
    assert "Medarbejderen findes ikke i din kommune" in response.content.decode()


def test_action_filter(manager_client, officer):
    record(officer, action=Action.READ, cpr=CPR_OK, purpose="Et opslag")
    record(officer, action=Action.SEARCH, cpr=CPR_OK, purpose="En søgning")
    content = manager_client.get(URL, {"action": Action.SEARCH}).content.decode()
    assert "En søgning" in content
    assert "Et opslag" not in content


def test_period_filter_counts_the_to_date_as_a_whole_day(manager_client, officer):
    record(officer, cpr=CPR_OK, purpose="I dag")
    today = timezone.localdate()
    yesterday = today - dt.timedelta(days=1)
    assert "I dag" in manager_client.get(URL, {"date_from": today, "date_to": today}).content.decode()
    assert "I dag" not in manager_client.get(URL, {"date_to": yesterday}).content.decode()
    assert "I dag" not in manager_client.get(URL, {"date_from": today + dt.timedelta(days=1)}).content.decode()


def test_danish_dates_are_understood(manager_client, officer):
    record(officer, cpr=CPR_OK, purpose="I dag")
    today = timezone.localdate().strftime("%d.%m.%Y")
    assert "I dag" in manager_client.get(URL, {"date_from": today}).content.decode()


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"date_from": "2026-11-10", "date_to": "2026-11-01"}, "Til-datoen ligger før fra-datoen"),
        ({"date_from": "31.02.2026"}, "Skriv en rigtig dato"),
        ({"action": "HACK"}, "Vælg en handling på listen"),
    ],
)
def test_bad_filters_give_a_danish_message(manager_client, officer, params, message):
    record(officer, cpr=CPR_OK, purpose="Skjult ved fejl")
    response = manager_client.get(URL, params)
    content = response.content.decode()
    assert response.status_code == 200
    assert message in content
    assert "Skjult ved fejl" not in content


# The citizen search


def test_cpr_search_shows_only_that_citizens_entries_and_records_the_search(manager_client, manager, officer):
    record(officer, cpr=CPR_OK, purpose="Pas til borger A")
    record(officer, cpr=OTHER_CPR, purpose="Pas til borger B")
    record(officer, detail="Uden borger")
    before = AuditEntry.objects.count()

    response = search(manager_client, CPR_OK, "Klage, sag 2026-77", action=Action.READ)
    content = response.content.decode()
    assert response.status_code == 200
    assert "Pas til borger A" in content
    assert "Pas til borger B" not in content
    assert "Uden borger" not in content
    assert "010190-XXXX" in content

    assert AuditEntry.objects.count() == before + 1
    entry = AuditEntry.objects.order_by("-sequence").first()
    assert entry.action == Action.SEARCH
    assert entry.purpose == "Klage, sag 2026-77"
    assert entry.citizen == citizen_hash(parse(CPR_OK))
    assert entry.actor == manager.user
    assert entry.municipality == manager.municipality
    assert entry.object_type == "privacy.auditentry"
    assert entry.client_address == "127.0.0.1"
    assert entry.criteria == {"action": "READ"}


def test_cpr_search_records_the_other_filters_as_criteria(manager_client, officer):
    search(manager_client, CPR_OK, actor=officer.user_id, date_from="2026-01-01", date_to="2026-02-01")
    entry = AuditEntry.objects.get(action=Action.SEARCH)
    assert entry.criteria == {"actor": officer.user_id, "from": "2026-01-01", "to": "2026-02-01"}


@pytest.mark.parametrize("typed", [CPR_WARN, "010190-1234", " 010190 1234 "])
def test_the_cpr_number_is_never_in_the_url_the_page_or_the_trail(manager_client, officer, typed):
    record(officer, cpr=CPR_WARN, purpose="Sundhedskort")
    response = search(manager_client, typed, "Klage, sag 2026-77")
    content = response.content.decode()
    assert response.status_code == 200  # rendered in the POST response, no redirect carrying the number
    assert "1234" not in response.request["PATH_INFO"] + response.request.get("QUERY_STRING", "")
    assert "Sundhedskort" in content
    assert "010190-XXXX" in content
    for leak in ("0101901234", "010190-1234", "010190 1234"):
        assert leak not in content
    for entry in AuditEntry.objects.all():
        stored = " ".join(str(getattr(entry, f.attname)) for f in AuditEntry._meta.concrete_fields)
        assert "0101901234" not in stored
        assert "010190-1234" not in stored


def test_a_number_that_fails_modulus_11_is_searched_with_a_warning(manager_client):
    content = search(manager_client, CPR_WARN).content.decode()
    assert "Tjek cifrene" in content
    assert AuditEntry.objects.filter(action=Action.SEARCH).count() == 1


def test_a_number_that_passes_modulus_11_gets_no_warning(manager_client):
    assert "Tjek cifrene" not in search(manager_client, CPR_OK).content.decode()


def test_a_long_result_shows_the_newest_fifty_and_says_so(manager_client, officer):
    for number in range(51):
        record(officer, cpr=CPR_OK, object_id=number)
    content = search(manager_client, CPR_OK).content.decode()
    assert rows(content) == 50
    assert "Her er de 50 nyeste" in content
    assert "?page=2" not in content


@pytest.mark.parametrize(
    ("cpr", "purpose", "extra", "message"),
    [
        ("abcdefghij", "Sag 1", {}, "Et CPR-nummer består kun af cifre"),
        ("010190123", "Sag 1", {}, "Et CPR-nummer har 10 cifre; der er 9"),
        ("3102901234", "Sag 1", {}, "De første seks cifre i CPR-nummeret er ikke en rigtig dato"),
        ("0101505000", "Sag 1", {}, "Fødselsdatoen i CPR-nummeret ligger i fremtiden"),
        ("", "Sag 1", {}, "Skriv et CPR-nummer"),
        (CPR_WARN, "", {}, "Skriv formålet med søgningen"),
        (CPR_WARN, "   ", {}, "Skriv formålet med søgningen"),
        (CPR_WARN, "Opslag på 010190-1234", {}, "Skriv ikke CPR-nummeret i formålet"),
        (CPR_WARN, "Sag 1", {"date_from": "2026-11-10", "date_to": "2026-11-01"}, "Til-datoen ligger før fra-datoen"),
    ],
)
def test_bad_search_input_gives_a_danish_message_and_records_nothing(
    manager_client, officer, cpr, purpose, extra, message
):
    record(officer, cpr=CPR_WARN, purpose="Skal ikke vises")
    before = AuditEntry.objects.count()
    response = search(manager_client, cpr, purpose, **extra)
    content = response.content.decode()
    assert response.status_code == 200
    assert message in content
    assert "Skal ikke vises" not in content
    assert AuditEntry.objects.count() == before
    assert "0101901234" not in content


def test_the_search_form_posts_with_a_csrf_token(manager, manager_client):
    content = manager_client.get(URL).content.decode()
    form = content[content.index('<form method="post" action="/logning/"') :].split("</form>")[0]
    assert "csrfmiddlewaretoken" in form

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(manager.user)
    assert search(strict, CPR_OK).status_code == 403
    assert AuditEntry.objects.count() == 0


def test_the_page_is_in_english_when_the_user_chose_english(manager_client, officer, settings):
    record(officer, cpr=CPR_OK)
    manager_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    content = manager_client.get(URL).content.decode()
    assert "<h1>Audit log</h1>" in content
    assert "Search for a citizen" in content
    assert ">Read<" in content
    error = search(manager_client, CPR_OK, "").content.decode()
    assert "Enter the purpose of the search." in error
