"""Erlang C and the staffing plan, against figures worked out by hand and the closed-form formula.

Closed form: C(N, A) = X / (Σ_{k<N} A^k/k! + X) with X = A^N/N! · N/(N − A).
"""

import math
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from skranke.insights.erlang import (
    HourPlan,
    agents_needed,
    erlang_c,
    mean_wait_seconds,
    occupancy,
    service_level,
    staffing_plan,
    traffic,
)


def closed_form_c(agents: int, erlangs: Fraction) -> Fraction:
    """The textbook formula in exact fractions: independent of the recursion the module uses."""
    x = erlangs**agents / math.factorial(agents) * Fraction(agents) / (agents - erlangs)
    return x / (sum(erlangs**k / Fraction(math.factorial(k)) for k in range(agents)) + x)


def test_two_erlangs_on_three_counters_wait_four_times_in_nine():
    # X = 2³/3! · 3/(3 − 2) = 4; Σ = 1 + 2 + 2 = 5; C = 4/9.
    assert erlang_c(3, 2.0) == pytest.approx(4 / 9)


def test_two_erlangs_on_four_counters_wait_four_times_in_twenty_three():
    # X = 2⁴/4! · 4/2 = 4/3; Σ = 1 + 2 + 2 + 4/3 = 19/3; C = (4/3)/(23/3) = 4/23.
    assert erlang_c(4, 2.0) == pytest.approx(4 / 23)


def test_one_counter_waits_as_often_as_it_is_busy():
    # M/M/1: an arrival waits exactly when the counter is busy, probability ρ = A.
    assert erlang_c(1, 0.5) == pytest.approx(0.5)


def test_too_few_counters_means_everyone_waits_and_no_traffic_means_nobody_does():
    assert erlang_c(2, 2.0) == 1.0
    assert erlang_c(0, 0.3) == 1.0
    assert erlang_c(3, 0.0) == 0.0


def test_large_offices_do_not_overflow():
    # 280^300 / 300! overflows a float; the recursion does not.
    assert erlang_c(300, 280.0) == pytest.approx(float(closed_form_c(300, Fraction(280))), rel=1e-9)


# The classic call-centre example: 200 arrivals an hour, 180 s each = 10 Erlangs,
# target 80 % answered within 20 s. C from the closed form, then
# SL = 1 − C·e^(−(N − 10)·20/180) and mean wait = C·180/(N − 10):
#   N = 11: C = 0.6821, SL = 0.3896, wait 122.78 s
#   N = 12: C = 0.4494, SL = 0.6402, wait  40.44 s
#   N = 13: C = 0.2853, SL = 0.7956, wait  17.12 s
#   N = 14: C = 0.1741, SL = 0.8884, wait   7.84 s
@pytest.mark.parametrize(
    ("agents", "c", "level", "wait"),
    [
        (11, 0.6821, 0.3896, 122.78),
        (12, 0.4494, 0.6402, 40.44),
        (13, 0.2853, 0.7956, 17.12),
        (14, 0.1741, 0.8884, 7.84),
    ],
)
def test_call_centre_example(agents, c, level, wait):
    assert erlang_c(agents, traffic(200, 180)) == pytest.approx(c, abs=5e-5)
    assert service_level(agents, 200, 180, 20) == pytest.approx(level, abs=5e-5)
    assert mean_wait_seconds(agents, 200, 180) == pytest.approx(wait, abs=5e-3)


def test_call_centre_example_needs_14_agents_for_80_percent_in_20_seconds():
    assert agents_needed(200, 180, target_share=0.8, target_seconds=20) == 14


def test_twelve_citizens_an_hour_at_ten_minutes_each_need_three_counters():
    # A = 12/3600 · 600 = 2. Two counters: no steady state. Three: C = 4/9,
    # SL = 1 − 4/9 · e^(−(3 − 2)·600/600) = 1 − 0.444444 · 0.367879 = 0.8365 >= 0.8.
    assert traffic(12, 600) == 2.0
    assert service_level(2, 12, 600, 600) == 0.0
    assert service_level(3, 12, 600, 600) == pytest.approx(0.8365, abs=5e-5)
    assert agents_needed(12, 600) == 3
    # Mean wait 4/9 · 600/1 = 266.67 s; each counter busy 2/3 of the time.
    assert mean_wait_seconds(3, 12, 600) == pytest.approx(266.67, abs=5e-3)
    assert mean_wait_seconds(2, 12, 600) == math.inf
    assert occupancy(3, 12, 600) == pytest.approx(2 / 3)


def test_a_cap_on_occupancy_adds_counters():
    # A = 2; at most 60 % busy needs ⌈2/0.6⌉ = 4 counters, one more than the service level needs.
    assert agents_needed(12, 600, max_occupancy=0.6) == 4


def test_no_arrivals_need_no_counters():
    assert agents_needed(0, 600) == 0
    assert service_level(0, 0, 600, 600) == 1.0
    assert mean_wait_seconds(0, 0, 600) == 0.0


@pytest.mark.parametrize(
    "kwargs", [{"target_share": 1.0}, {"target_share": 0.0}, {"target_seconds": -1}, {"max_occupancy": 1.5}]
)
def test_impossible_targets_are_refused(kwargs):
    with pytest.raises(ValueError):
        agents_needed(12, 600, **kwargs)


def test_arrivals_without_a_service_time_are_refused():
    with pytest.raises(ValueError):
        agents_needed(12, 0)


def test_staffing_plan_hour_by_hour():
    # 10:00: A = 24/3600 · 600 = 4. C(5, 4) = 128/231 = 0.554113, SL = 1 − 0.554113·e^(−1) = 0.7962,
    # just short of 80 %; C(6, 4) = 256/899 = 0.284761, SL = 1 − 0.284761·e^(−2) = 0.9615.
    plan = staffing_plan({10: (24, 600), 8: (0, 600), 9: (12, 600)})
    assert [p.hour for p in plan] == [8, 9, 10]
    assert plan[0] == HourPlan(8, 0, 600, 0, None, None, None)
    assert plan[1].agents == 3
    assert plan[1].service_level == pytest.approx(0.8365, abs=5e-5)
    assert service_level(5, 24, 600, 600) == pytest.approx(0.7962, abs=5e-5)
    assert plan[2].agents == 6
    assert plan[2].service_level == pytest.approx(0.9615, abs=5e-5)
    assert plan[2].occupancy == pytest.approx(4 / 6)
    assert plan[2].mean_wait_seconds == pytest.approx(float(Fraction(256, 899)) * 600 / 2)


def test_staffing_plan_refuses_an_hour_outside_the_day():
    with pytest.raises(ValueError):
        staffing_plan({24: (10, 300)})


# --- Properties -----------------------------------------------------------------------------

ERLANGS = st.fractions(min_value=Fraction(1, 100), max_value=40, max_denominator=100)


@settings(max_examples=200, deadline=None)
@given(ERLANGS, st.integers(1, 60))
def test_erlang_c_matches_the_closed_form(erlangs, extra):
    agents = math.floor(erlangs) + extra
    assert erlang_c(agents, float(erlangs)) == pytest.approx(float(closed_form_c(agents, erlangs)), rel=1e-9)


@settings(max_examples=200, deadline=None)
@given(st.floats(0.01, 200), st.integers(0, 250))
def test_erlang_c_is_a_probability_that_falls_as_counters_open(erlangs, agents):
    c = erlang_c(agents, erlangs)
    assert 0.0 <= c <= 1.0
    assert erlang_c(agents + 1, erlangs) <= c
    if agents > erlangs and c > 0:  # far beyond the traffic C underflows to 0
        assert erlang_c(agents + 1, erlangs) < c


@settings(max_examples=200, deadline=None)
@given(
    st.floats(0.1, 400),
    st.floats(30, 3600),
    st.floats(0.5, 0.99),
    st.floats(0, 1800),
    st.one_of(st.none(), st.floats(0.5, 1.0)),
)
def test_agents_needed_is_the_fewest_that_meet_the_target(rate, service, share, target, max_occupancy):
    agents = agents_needed(rate, service, target_share=share, target_seconds=target, max_occupancy=max_occupancy)
    erlangs = traffic(rate, service)

    def meets(n: int) -> bool:
        if n <= 0:
            return False
        busy_enough = max_occupancy is None or erlangs / n <= max_occupancy
        return busy_enough and service_level(n, rate, service, target) >= share

    assert meets(agents)
    assert not meets(agents - 1)
    assert service_level(agents + 1, rate, service, target) >= service_level(agents, rate, service, target)
