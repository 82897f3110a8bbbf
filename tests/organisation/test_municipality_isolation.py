"""A manager of one municipality can neither see nor change another municipality's data."""

import datetime as dt

import pytest
from django.urls import reverse

from skranke.catalogue.models import Kind
from skranke.organisation import selectors
from skranke.organisation.models import (
    Area,
    Authorisation,
    Counter,
    Municipality,
    ServiceOverride,
    Site,
    StaffGroup,
    StaffMember,
)
from skranke.organisation.roles import Role
from tests.factories import (
    AuthorisationFactory,
    CounterFactory,
    ManagerFactory,
    MunicipalityFactory,
    ServiceFactory,
    ServiceOverrideFactory,
    SiteFactory,
    StaffMemberFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_municipalities():
    passport = ServiceFactory(key="passport-application", kind=Kind.AUTHORITY, name_da="Pas")

    def build(code, prefix):
        municipality = MunicipalityFactory(code=code)
        site = SiteFactory(municipality=municipality, name=f"{prefix} Bibliotek")
        counter = CounterFactory(site=site, name=f"{prefix} Skranke", area=Area.CITIZEN_SERVICE)
        manager = ManagerFactory(municipality=municipality, user__username=f"{prefix.lower()}-leder")
        staff = StaffMemberFactory(
            municipality=municipality, staff_group=StaffGroup.LIBRARY, user__first_name=f"{prefix}medarbejder"
        )
        authorisation = AuthorisationFactory(staff_member=staff, service=passport, basis=f"{prefix} kursus")
        override = ServiceOverrideFactory(municipality=municipality, service=passport, guidance_note=f"{prefix} note")
        return {
            "municipality": municipality,
            "site": site,
            "counter": counter,
            "manager": manager,
            "staff": staff,
            "authorisation": authorisation,
            "override": override,
        }

    return build(265, "Roskilde"), build(147, "Frederiksberg"), passport


# Selectors


@pytest.mark.parametrize(
    ("selector", "key"),
    [
        (selectors.sites_visible, "site"),
        (selectors.counters_visible, "counter"),
        (selectors.staff_visible, "staff"),
        (selectors.authorisations_visible, "authorisation"),
        (selectors.service_overrides_visible, "override"),
        (selectors.municipalities_visible, "municipality"),
    ],
)
def test_selectors_return_only_the_managers_own_municipality(two_municipalities, selector, key):
    own, other, _passport = two_municipalities
    visible = set(selector(user=own["manager"].user))
    assert own[key] in visible
    assert other[key] not in visible


def test_a_user_without_a_municipality_sees_nothing_through_the_selectors(two_municipalities):
    stranger = UserFactory(username="stranger")
    assert not selectors.sites_visible(user=stranger).exists()
    assert not selectors.staff_visible(user=stranger).exists()


def test_an_administrator_sees_every_municipality(two_municipalities):
    own, other, _passport = two_municipalities
    administrator = UserFactory(username="root", roles=[Role.ADMINISTRATOR])
    assert {own["site"], other["site"]} <= set(selectors.sites_visible(user=administrator))


# Admin: lists and change pages

ADMIN_PAGES = [
    ("site", "site", "name"),
    ("counter", "counter", "name"),
    ("staffmember", "staff", "user.first_name"),
    ("authorisation", "authorisation", "basis"),
    ("serviceoverride", "override", "guidance_note"),
    ("municipality", "municipality", "name"),
]


def attr(obj, path):
    for part in path.split("."):
        obj = getattr(obj, part)
    return obj


@pytest.mark.parametrize(("model", "key", "text"), ADMIN_PAGES)
def test_admin_list_shows_only_own_municipality(client, two_municipalities, model, key, text):
    own, other, _passport = two_municipalities
    client.force_login(own["manager"].user)
    response = client.get(reverse(f"admin:organisation_{model}_changelist"))
    assert response.status_code == 200
    page = response.content.decode()
    if model in ("site", "counter", "municipality"):
        assert str(attr(own[key], text)) in page
    assert str(attr(other[key], text)) not in page


@pytest.mark.parametrize(("model", "key", "text"), ADMIN_PAGES)
def test_admin_change_page_of_another_municipality_is_not_shown(client, two_municipalities, model, key, text):
    own, other, _passport = two_municipalities
    client.force_login(own["manager"].user)
    response = client.get(reverse(f"admin:organisation_{model}_change", args=[other[key].pk]), follow=True)
    assert str(attr(other[key], text)) not in response.content.decode()
    assert response.redirect_chain or response.status_code == 404


def test_manager_cannot_change_another_municipalitys_site_by_posting(client, two_municipalities):
    own, other, _passport = two_municipalities
    client.force_login(own["manager"].user)
    client.post(
        reverse("admin:organisation_site_change", args=[other["site"].pk]),
        {"name": "Overtaget", "kind": "LIBRARY"},
    )
    assert Site.objects.get(pk=other["site"].pk).name == "Frederiksberg Bibliotek"


def test_manager_cannot_add_a_counter_to_another_municipalitys_site(client, two_municipalities):
    own, other, _passport = two_municipalities
    client.force_login(own["manager"].user)
    url = reverse("admin:organisation_counter_add")
    form_page = client.get(url).content.decode()
    assert "Frederiksberg Bibliotek" not in form_page
    response = client.post(
        url, {"site": other["site"].pk, "name": "Snyd", "area": Area.CITIZEN_SERVICE, "active": "on"}
    )
    assert response.status_code == 200  # the form again, with an error
    assert not Counter.objects.filter(name="Snyd").exists()


def test_manager_cannot_grant_an_authorisation_to_another_municipalitys_staff(client, two_municipalities):
    own, other, passport = two_municipalities
    client.force_login(own["manager"].user)
    response = client.post(
        reverse("admin:organisation_authorisation_add"),
        {"staff_member": other["staff"].pk, "service": passport.pk, "valid_from": "2026-01-01", "basis": "Snyd"},
    )
    assert response.status_code == 200
    assert not Authorisation.objects.filter(basis="Snyd").exists()


def test_manager_cannot_revoke_another_municipalitys_authorisation(client, two_municipalities):
    own, other, _passport = two_municipalities
    client.force_login(own["manager"].user)
    client.post(
        reverse("admin:organisation_authorisation_change", args=[other["authorisation"].pk]),
        {"revoke": "on", "reason": "Snyd"},
    )
    assert Authorisation.objects.get(pk=other["authorisation"].pk).revoked_at is None


def test_manager_cannot_change_another_municipalitys_policy(client, two_municipalities):
    own, other, _passport = two_municipalities
    client.force_login(own["manager"].user)
    client.post(
        reverse("admin:organisation_municipality_change", args=[other["municipality"].pk]),
        {"library_staff_authority": "on", "authority_at_citizen_service_counter": "on"},
    )
    assert Municipality.objects.get(pk=other["municipality"].pk).library_staff_authority is False


def test_manager_cannot_change_another_municipalitys_staff_member(client, two_municipalities):
    own, other, _passport = two_municipalities
    client.force_login(own["manager"].user)
    client.post(
        reverse("admin:organisation_staffmember_change", args=[other["staff"].pk]),
        {"staff_group": StaffGroup.CITIZEN_SERVICE, "first_name": "Snyd", "last_name": "X", "role": Role.STAFF},
    )
    staff = StaffMember.objects.select_related("user").get(pk=other["staff"].pk)
    assert staff.user.first_name == "Frederiksbergmedarbejder"
    assert staff.staff_group == StaffGroup.LIBRARY


def test_manager_cannot_change_another_municipalitys_override(client, two_municipalities):
    own, other, _passport = two_municipalities
    client.force_login(own["manager"].user)
    client.post(
        reverse("admin:organisation_serviceoverride_change", args=[other["override"].pk]),
        {"service": other["override"].service_id, "enabled": "", "guidance_note": "Snyd"},
    )
    assert ServiceOverride.objects.get(pk=other["override"].pk).guidance_note == "Frederiksberg note"


def test_manager_adds_a_site_that_lands_in_their_own_municipality(client, two_municipalities):
    own, _other, _passport = two_municipalities
    client.force_login(own["manager"].user)
    response = client.post(
        reverse("admin:organisation_site_add"),
        {
            "name": "Viby Bibliotek",
            "kind": "LIBRARY",
            "active": "on",
            "counters-TOTAL_FORMS": "0",
            "counters-INITIAL_FORMS": "0",
            "opening_hours-TOTAL_FORMS": "0",
            "opening_hours-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Site.objects.get(name="Viby Bibliotek").municipality == own["municipality"]


def test_counter_staff_without_the_manager_role_cannot_open_the_admin(client, two_municipalities):
    own, _other, _passport = two_municipalities
    client.force_login(own["staff"].user)
    response = client.get(reverse("admin:organisation_site_changelist"))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_authorisation_history_cannot_be_deleted_even_by_its_own_manager(client, two_municipalities):
    own, _other, _passport = two_municipalities
    client.force_login(own["manager"].user)
    response = client.post(
        reverse("admin:organisation_authorisation_delete", args=[own["authorisation"].pk]), {"post": "yes"}
    )
    assert response.status_code == 403
    assert Authorisation.objects.filter(pk=own["authorisation"].pk).exists()


def test_manager_revokes_own_municipalitys_authorisation_and_the_history_stays(client, two_municipalities):
    own, _other, _passport = two_municipalities
    client.force_login(own["manager"].user)
    response = client.post(
        reverse("admin:organisation_authorisation_change", args=[own["authorisation"].pk]),
        {"revoke": "on", "reason": "Stoppet med opgaven"},
    )
    assert response.status_code == 302
    revoked = Authorisation.objects.get(pk=own["authorisation"].pk)
    assert revoked.revoked_at is not None
    assert revoked.revoked_by == own["manager"].user
    assert revoked.revocation_reason == "Stoppet med opgaven"
    assert revoked.valid_from == dt.date(2020, 1, 1)
