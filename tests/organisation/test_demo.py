"""The demo municipality loads once, loads again without changes, and shows the policy at work."""

import pytest
from django.core.management import call_command

from skranke.catalogue.models import Service
from skranke.catalogue.services import catalogue_load
from skranke.organisation.models import Authorisation, Counter, Site, StaffMember
from skranke.organisation.policy import Reason, check
from skranke.organisation.selectors import staff_member_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(capsys):
    catalogue_load()
    # Without the four simulated weeks (tests/insights/test_simulation.py covers them).
    call_command("demo", days=0)
    return capsys.readouterr().out


def counter(site, name):
    return Counter.objects.select_related("site").get(site__name=site, name=name)


def test_demo_prints_the_logins(demo):
    assert "skranke-demo" in demo
    for username in ["lise", "jonas", "birgit", "ahmad", "hanne", "admin"]:
        assert f"  {username}" in demo


def test_demo_twice_changes_nothing(demo):
    counts = (Site.objects.count(), Counter.objects.count(), StaffMember.objects.count(), Authorisation.objects.count())
    call_command("demo", days=0)
    assert counts == (
        Site.objects.count(),
        Counter.objects.count(),
        StaffMember.objects.count(),
        Authorisation.objects.count(),
    )
    assert counts[0] == 3


def test_demo_has_a_combined_site_with_library_counters_and_one_borgerservice_counter(demo):
    areas = sorted(Counter.objects.filter(site__name="Roskilde Bibliotek").values_list("area", flat=True))
    assert areas == ["CITIZEN_SERVICE", "LIBRARY", "LIBRARY"]


def test_demo_librarian_may_issue_mitid_at_the_borgerservice_counter_only(demo):
    lise = staff_member_for(StaffMember.objects.get(user__username="lise").user)
    mitid = Service.objects.get(key="mitid-issuance")
    assert check(staff=lise, service=mitid, counter=counter("Roskilde Bibliotek", "Skranke 3")).allowed
    assert check(staff=lise, service=mitid, counter=counter("Roskilde Bibliotek", "Skranke 1")).reason == (
        Reason.WRONG_COUNTER_AREA
    )


def test_demo_librarian_may_not_take_a_passport_application(demo):
    lise = staff_member_for(StaffMember.objects.get(user__username="lise").user)
    passport = Service.objects.get(key="passport-application")
    decision = check(staff=lise, service=passport, counter=counter("Roskilde Bibliotek", "Skranke 3"))
    assert decision.reason == Reason.LIBRARY_STAFF_NOT_THIS_SERVICE


def test_demo_officer_with_an_expired_driving_licence_authorisation_is_told_so(demo):
    ahmad = staff_member_for(StaffMember.objects.get(user__username="ahmad").user)
    renewal = Service.objects.get(key="driving-licence-renewal")
    decision = check(staff=ahmad, service=renewal, counter=counter("Roskilde Bibliotek", "Skranke 3"))
    assert decision.reason == Reason.AUTHORISATION_EXPIRED
