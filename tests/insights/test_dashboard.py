"""The manager's insight page over the hand-worked day of conftest.py."""

import pytest
from django.urls import reverse

from tests.factories import ManagerFactory, StaffMemberFactory
from tests.insights.conftest import D

pytestmark = pytest.mark.django_db


def test_a_manager_sees_the_figures_and_their_tables(client, world):
    municipality, _services = world
    client.force_login(ManagerFactory(municipality=municipality).user)
    page = client.get(reverse("web:insights"), {"fra": D.isoformat(), "til": D.isoformat()})
    html = page.content.decode()
    assert page.status_code == 200
    assert "4</span> henvendelser" in html
    assert "60 %</span> løst i første kontakt" in html  # 3 of 5 lines
    assert "2:00 min</span> ventetid (median)" in html
    assert "50 %</span> af myndighedsopgaverne" in html
    assert "Ventetid efter klokkeslæt" in html and "Efter hvem der betjente" in html


def test_staff_who_are_not_managers_are_told_so(client, world):
    municipality, _services = world
    client.force_login(StaffMemberFactory(municipality=municipality).user)
    page = client.get(reverse("web:insights"))
    assert page.status_code == 403
    assert "for kommunens ledere" in page.content.decode()


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"fra": "2026-13-01"}, "åååå-mm-dd"),
        ({"fra": "2026-03-05", "til": "2026-03-01"}, "slutter, før den begynder"),
        ({"fra": "2020-01-01", "til": "2026-03-01"}, "Højst et år"),
    ],
)
def test_a_bad_period_gets_a_message_and_a_sensible_page(client, world, query, message):
    municipality, _services = world
    client.force_login(ManagerFactory(municipality=municipality).user)
    page = client.get(reverse("web:insights"), query)
    assert page.status_code == 200
    assert message in page.content.decode()
