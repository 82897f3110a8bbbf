"""The national picture from three municipalities with sites (and the 98 loaded ones without)."""

import datetime as dt

import pytest

from skranke.catalogue.models import Kind
from skranke.contacts.models import Contact, ContactService, Outcome
from skranke.insights.kpis import Period
from skranke.insights.national import national
from skranke.organisation.models import Area, CooperationModel, Municipality, SiteKind, StaffGroup
from tests.factories import CounterFactory, ServiceFactory, SiteFactory, UserFactory
from tests.insights.conftest import D, at

pytestmark = pytest.mark.django_db


def test_the_2015_questions_answered_from_live_data():
    roskilde, herning, ishoj = (Municipality.objects.get(code=code) for code in (265, 657, 183))
    Municipality.objects.filter(pk=roskilde.pk).update(
        cooperation_model=CooperationModel.WORKING_TOGETHER, library_staff_authority=True
    )
    Municipality.objects.filter(pk=herning.pk).update(cooperation_model=CooperationModel.MOVING_IN)
    Municipality.objects.filter(pk=ishoj.pk).update(cooperation_model=CooperationModel.NONE)
    combined = SiteFactory(municipality=roskilde, kind=SiteKind.COMBINED)
    SiteFactory(municipality=roskilde, kind=SiteKind.LIBRARY)
    SiteFactory(municipality=herning, kind=SiteKind.COMBINED)
    SiteFactory(municipality=ishoj, kind=SiteKind.CITIZEN_SERVICE)
    # Roskilde's library staff handled a passport on D.
    contact = Contact.objects.create(
        site=combined,
        counter=CounterFactory(site=combined, area=Area.CITIZEN_SERVICE),
        area=Area.CITIZEN_SERVICE,
        staff=UserFactory(),
        staff_group=StaffGroup.LIBRARY,
        channel="WALK_IN",
        started_at=at("10:00"),
        finished_at=at("10:10"),
        service_seconds=600,
    )
    ContactService.objects.create(
        contact=contact, service=ServiceFactory(kind=Kind.AUTHORITY), outcome=Outcome.RESOLVED
    )

    picture = national(period=Period(D, D))
    assert (picture.municipalities, picture.answered, picture.cooperating, picture.no_cooperation) == (3, 3, 2, 1)
    assert (picture.policy_allows, picture.library_staff_did) == (1, 1)
    models = {label: (municipalities, sites) for label, municipalities, sites in picture.by_model}
    assert models["3: Vi arbejder sammen"] == (1, 2)
    assert models["2: Vi flytter sammen"] == (1, 1)
    assert models["5: Intet samarbejde"] == (1, 1)
    assert dict(picture.sites_by_kind) == {"Bibliotek": 1, "Borgerservicecenter": 1, "Bibliotek og borgerservice": 2}
    # Another period: nobody's library staff did authority work.
    assert national(period=Period(D + dt.timedelta(days=1), D + dt.timedelta(days=1))).library_staff_did == 0


def test_the_page_is_for_the_administrator(client):
    from django.urls import reverse

    from tests.factories import ManagerFactory, UserFactory

    admin = UserFactory(is_superuser=True, is_staff=True)
    client.force_login(admin)
    page = client.get(reverse("web:insights_national"))
    assert page.status_code == 200
    assert "Bibliotek og Borgerservice samarbejder" in page.content.decode()
    client.force_login(ManagerFactory().user)
    assert client.get(reverse("web:insights_national")).status_code == 403
