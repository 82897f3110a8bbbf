"""Admin forms enforce the same rules as the service functions, with Danish messages."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from skranke.catalogue.models import Kind
from skranke.errors import SkrankeError
from skranke.organisation.models import Area, Authorisation, Counter, OpeningHours, SiteKind, StaffGroup, StaffMember
from skranke.organisation.roles import Role
from skranke.organisation.services import authorisation_grant, authorisation_revoke, staff_member_create
from tests.factories import (
    AuthorisationFactory,
    ManagerFactory,
    MunicipalityFactory,
    ServiceFactory,
    SiteFactory,
    StaffMemberFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager(client):
    manager = ManagerFactory(municipality=MunicipalityFactory(code=265))
    client.force_login(manager.user)
    return manager


@pytest.fixture
def administrator(client):
    user = UserFactory(username="root", roles=[Role.ADMINISTRATOR])
    client.force_login(user)
    return user


def grant(client, **data):
    return client.post(reverse("admin:organisation_authorisation_add"), data)


def test_authorisation_with_end_before_start_is_refused(client, manager):
    staff = StaffMemberFactory(municipality=manager.municipality)
    passport = ServiceFactory(key="passport-application", kind=Kind.AUTHORITY)
    response = grant(
        client, staff_member=staff.pk, service=passport.pk, valid_from="2026-05-01", valid_to="2026-04-30", basis="K"
    )
    assert "Slutdatoen ligger før startdatoen." in response.content.decode()
    assert not Authorisation.objects.exists()


def test_authorisation_for_a_library_service_is_refused(client, manager):
    staff = StaffMemberFactory(municipality=manager.municipality)
    loan = ServiceFactory(key="library-loan", kind=Kind.LIBRARY)
    response = grant(client, staff_member=staff.pk, service=loan.pk, valid_from="2026-05-01", basis="K")
    assert response.status_code == 200
    assert not Authorisation.objects.exists()


def test_authorisation_rule_for_authority_services_only_has_a_danish_message():
    staff = StaffMemberFactory()
    loan = ServiceFactory(key="library-loan", kind=Kind.LIBRARY, name_da="Lån")
    granter = ManagerFactory(municipality=staff.municipality).user
    with pytest.raises(SkrankeError, match=r"Der gives kun bemyndigelse til myndighedsopgaver; Lån er ikke en\."):
        authorisation_grant(
            staff_member=staff, service=loan, valid_from="2026-01-01", basis="Kursus", granted_by=granter
        )


def test_a_valid_authorisation_is_granted_by_the_manager_for_their_municipality(client, manager):
    staff = StaffMemberFactory(municipality=manager.municipality)
    passport = ServiceFactory(key="passport-application", kind=Kind.AUTHORITY)
    response = grant(client, staff_member=staff.pk, service=passport.pk, valid_from="2026-05-01", basis="Paskursus")
    assert response.status_code == 302
    authorisation = Authorisation.objects.get()
    assert authorisation.granted_by == manager.user
    assert authorisation.municipality == manager.municipality


def test_revoking_without_a_reason_is_refused(client, manager):
    authorisation = AuthorisationFactory(staff_member=StaffMemberFactory(municipality=manager.municipality))
    response = client.post(
        reverse("admin:organisation_authorisation_change", args=[authorisation.pk]), {"revoke": "on", "reason": ""}
    )
    assert "Skriv hvorfor bemyndigelsen tilbagekaldes." in response.content.decode()
    authorisation.refresh_from_db()
    assert authorisation.revoked_at is None


def test_revoking_twice_is_refused_by_the_service():
    staff = StaffMemberFactory()
    manager = ManagerFactory(municipality=staff.municipality)
    authorisation = AuthorisationFactory(staff_member=staff)
    authorisation_revoke(authorisation=authorisation, revoked_by=manager.user, reason="Stop")
    with pytest.raises(SkrankeError, match="allerede tilbagekaldt"):
        authorisation_revoke(authorisation=authorisation, revoked_by=manager.user, reason="Igen")


def test_administrator_cannot_give_a_staff_member_a_home_site_in_another_municipality(client, administrator):
    other_site = SiteFactory(municipality=MunicipalityFactory(code=147), name="Frederiksberg Hovedbibliotek")
    response = client.post(
        reverse("admin:organisation_staffmember_add"),
        {
            "municipality": MunicipalityFactory(code=265).pk,
            "staff_group": StaffGroup.LIBRARY,
            "home_site": other_site.pk,
            "username": "ny",
            "first_name": "Ny",
            "last_name": "Medarbejder",
            "role": Role.STAFF,
        },
    )
    assert "Lokationen hører til en anden kommune." in response.content.decode()
    assert not get_user_model().objects.filter(username="ny").exists()


def test_manager_creates_a_staff_member_with_login_in_their_own_municipality(client, manager):
    site = SiteFactory(municipality=manager.municipality)
    response = client.post(
        reverse("admin:organisation_staffmember_add"),
        {
            "staff_group": StaffGroup.LIBRARY,
            "home_site": site.pk,
            "username": "bibliotekar",
            "first_name": "Bo",
            "last_name": "Bibliotekar",
            "role": Role.STAFF,
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    member = StaffMember.objects.get(user__username="bibliotekar")
    assert member.municipality == manager.municipality
    assert not member.user.has_usable_password()  # single sign-on only
    assert not member.user.is_staff  # counter staff do not open the admin


def test_manager_cannot_make_an_administrator(client, manager):
    response = client.post(
        reverse("admin:organisation_staffmember_add"),
        {
            "staff_group": StaffGroup.LIBRARY,
            "username": "chef",
            "first_name": "C",
            "last_name": "H",
            "role": Role.ADMINISTRATOR,
        },
    )
    assert response.status_code == 200
    assert not get_user_model().objects.filter(username="chef").exists()


def test_a_taken_username_is_refused(client, manager):
    UserFactory(username="bo")
    response = client.post(
        reverse("admin:organisation_staffmember_add"),
        {"staff_group": StaffGroup.LIBRARY, "username": "BO", "first_name": "B", "last_name": "O", "role": Role.STAFF},
    )
    assert "Brugernavnet er optaget." in response.content.decode()


def test_a_borgerservice_counter_at_a_pure_library_site_is_refused(client, manager):
    site = SiteFactory(municipality=manager.municipality, kind=SiteKind.LIBRARY)
    response = client.post(
        reverse("admin:organisation_counter_add"),
        {"site": site.pk, "name": "Skranke 9", "area": Area.CITIZEN_SERVICE, "active": "on"},
    )
    assert "har ikke området Borgerservice" in response.content.decode()
    assert not Counter.objects.filter(name="Skranke 9").exists()


def test_opening_hours_that_close_before_they_open_are_refused(client, manager):
    site = SiteFactory(municipality=manager.municipality, kind=SiteKind.LIBRARY, name="Viby")
    response = client.post(
        reverse("admin:organisation_site_change", args=[site.pk]),
        {
            "name": "Viby",
            "kind": "LIBRARY",
            "active": "on",
            "counters-TOTAL_FORMS": "0",
            "counters-INITIAL_FORMS": "0",
            "opening_hours-TOTAL_FORMS": "1",
            "opening_hours-INITIAL_FORMS": "0",
            "opening_hours-0-area": Area.LIBRARY,
            "opening_hours-0-weekday": "0",
            "opening_hours-0-opens": "17:00",
            "opening_hours-0-closes": "10:00",
        },
    )
    assert response.status_code == 200
    assert not OpeningHours.objects.exists()


def test_staff_member_create_refuses_a_home_site_of_another_municipality():
    other_site = SiteFactory(municipality=MunicipalityFactory(code=147))
    with pytest.raises(SkrankeError, match="anden kommune"):
        staff_member_create(
            municipality=MunicipalityFactory(code=265),
            username="x",
            first_name="X",
            last_name="Y",
            staff_group=StaffGroup.LIBRARY,
            home_site=other_site,
        )
    assert not get_user_model().objects.filter(username="x").exists()


def test_a_second_override_of_the_same_service_is_a_form_error_not_a_crash(client, manager):
    from skranke.organisation.models import ServiceOverride

    passport = ServiceFactory(key="passport-application", kind=Kind.AUTHORITY)
    ServiceOverride.objects.create(municipality=manager.municipality, service=passport, guidance_note="første")
    response = client.post(
        reverse("admin:organisation_serviceoverride_add"),
        {"service": passport.pk, "enabled": "on", "guidance_note": "anden", "fee_note": ""},
    )
    assert response.status_code == 200
    assert "eksisterer allerede" in response.content.decode()
    assert list(ServiceOverride.objects.values_list("guidance_note", flat=True)) == ["første"]


def test_a_second_site_with_the_same_name_is_a_form_error_not_a_crash(client, manager):
    from skranke.organisation.models import Site

    SiteFactory(municipality=manager.municipality, name="Hovedbiblioteket")
    response = client.post(
        reverse("admin:organisation_site_add"),
        {
            "name": "Hovedbiblioteket",
            "kind": SiteKind.LIBRARY,
            "active": "on",
            "counters-TOTAL_FORMS": "0",
            "counters-INITIAL_FORMS": "0",
            "opening_hours-TOTAL_FORMS": "0",
            "opening_hours-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert "eksisterer allerede" in response.content.decode()
    assert Site.objects.filter(name="Hovedbiblioteket").count() == 1
