"""The staffing plan's hours simulated: 24 citizens an hour, five minutes each (2 Erlangs), as in test_staffing.py.

Erlang C says 3 counters serve 94.0 % within 10 minutes and 2 cannot keep up.
Service times that vary less than Erlang C assumes (the simulator's lognormal)
serve at least as many in time with 3, and with 2 the queue still runs away.
"""

import pytest
from django.urls import reverse

from skranke.insights.crosscheck import cross_check, simulated_share
from skranke.insights.erlang import staffing_plan
from skranke.organisation.models import Area
from tests.factories import ManagerFactory
from tests.insights.test_staffing import PERIOD, mondays  # noqa: F401  (the fixture)


def share(counters, rate=24, service=300, target=600, seed=0):
    return simulated_share(
        counters=counters, arrivals_per_hour=rate, mean_service_seconds=service, target_seconds=target, seed=seed
    )


def test_three_counters_serve_at_least_what_erlang_c_promises_and_two_fall_behind():
    assert share(3) >= 0.94
    assert share(2) < 0.5
    assert share(4) > share(3)


def test_the_same_seed_gives_the_same_figure_and_nothing_to_simulate_gives_none():
    assert share(3, seed=7) == share(3, seed=7)
    assert share(3, rate=0) is None
    assert share(0) == 0.0


def test_each_hour_beside_its_simulation_with_the_plans_counters_and_one_fewer():
    (hour,) = cross_check(staffing_plan({10: (24.0, 300.0)}), target_seconds=600)
    assert hour.plan.agents == 3
    assert hour.simulated >= 0.8 > hour.simulated_one_fewer
    (quiet,) = cross_check(staffing_plan({8: (2.0, 300.0)}), target_seconds=600)
    assert (quiet.plan.agents, quiet.simulated_one_fewer) == (1, None)


@pytest.mark.django_db
def test_the_staffing_page_shows_the_simulation(client, mondays):  # noqa: F811
    client.force_login(ManagerFactory(municipality=mondays.municipality).user)
    query = {"sted": mondays.pk, "ugedag": 0, "fra": PERIOD.first.isoformat(), "til": PERIOD.last.isoformat()}
    html = client.get(reverse("web:insights_staffing"), query).content.decode()
    assert "Simuleret, én skranke færre" in html
    assert str(Area.CITIZEN_SERVICE.label) in html
