"""Library staff against Borgerservice staff, on the hand-worked day and on a day with enough contacts to tell."""

import datetime as dt

import pytest
from django.urls import reverse

from skranke.contacts.models import Contact, ContactService, Outcome
from skranke.insights.kpis import Period
from skranke.insights.quality import quality
from skranke.insights.stats import Verdict
from skranke.organisation.models import Area, StaffGroup
from tests.factories import ManagerFactory
from tests.insights.conftest import D, at

pytestmark = pytest.mark.django_db
PERIOD = Period(D, D)


def test_the_hand_worked_day_is_too_small_to_tell(world):
    municipality, services = world
    overall, *by_service = quality(municipality=municipality, period=PERIOD)
    # Authority lines: library staff c2 passport and health card; Borgerservice staff c1 passport and c4 moving.
    assert (overall.name, overall.library_lines, overall.citizen_service_lines) == ("Alle myndighedsopgaver", 2, 2)
    resolution = overall.measures[0]
    assert (resolution.comparison.a_rate, resolution.comparison.b_rate) == (0.5, 0.5)
    assert resolution.comparison.verdict == Verdict.TOO_FEW
    assert resolution.verdict.startswith("For få henvendelser")
    assert by_service[0].service == services["passport"]  # the most lines first
    assert "loan" not in [s.service.key for s in by_service]  # library work is not compared


def test_enough_contacts_give_a_verdict(world):
    municipality, services = world
    contact = Contact.objects.filter(site__municipality=municipality).first()
    # 100 passport lines each: library staff resolve 95, Borgerservice staff 60.
    for group, resolved in ((StaffGroup.LIBRARY, 95), (StaffGroup.CITIZEN_SERVICE, 60)):
        for n in range(100):
            made = Contact.objects.create(
                site=contact.site,
                counter=contact.counter,
                area=Area.CITIZEN_SERVICE,
                staff=contact.staff,
                staff_group=group,
                channel="WALK_IN",
                started_at=at("13:00") - dt.timedelta(minutes=5),
                finished_at=at("13:00"),
                wait_seconds=60,
                service_seconds=300,
            )
            outcome = Outcome.RESOLVED if n < resolved else Outcome.FOLLOW_UP
            ContactService.objects.create(contact=made, service=services["passport"], outcome=outcome)
    overall = quality(municipality=municipality, period=PERIOD)[0]
    resolution = overall.measures[0]
    assert resolution.comparison.verdict == Verdict.A_BETTER
    assert "Bibliotekets personale" in resolution.verdict


def test_the_page(client, world):
    municipality, _services = world
    client.force_login(ManagerFactory(municipality=municipality).user)
    page = client.get(reverse("web:insights_quality"), {"fra": D.isoformat(), "til": D.isoformat()})
    html = page.content.decode()
    assert page.status_code == 200
    assert "Alle myndighedsopgaver" in html and "For få henvendelser" in html


def test_the_page_in_english_gives_the_verdicts_in_english(client, world):
    municipality, _services = world
    client.force_login(ManagerFactory(municipality=municipality).user)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = client.get(reverse("web:insights_quality"), {"fra": D.isoformat(), "til": D.isoformat()})
    html = page.content.decode()
    assert page.status_code == 200
    assert "Too few contacts to tell (2 and 2; at least 30 are needed in each group)." in html
    assert "For få henvendelser" not in html
