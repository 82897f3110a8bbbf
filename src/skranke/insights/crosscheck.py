"""The staffing plan cross-checked: each hour of the plan simulated with the counters Erlang C asked for.

Erlang C assumes exponential service times; the counter's are not (the
simulator, `skranke simulate`, draws them lognormal with sigma 0.45, a
coefficient of variation near 0.47, and never under 30 seconds). Here one
hour is simulated as a long steady run — arrivals at random at the hour's
rate, service times drawn as the simulator draws them, each citizen to the
first counter free, in turn — and the share called within the target is
counted. Where Erlang C and the simulation disagree about whether a number
of counters meets the target, the manager sees both.
"""

import heapq
import math
import random
from dataclasses import dataclass

from skranke.insights.erlang import HourPlan
from skranke.insights.simulation.profile import SERVICE_SIGMA

# Steady hours simulated per figure, and the first of them left out while the queue fills.
HOURS = 100
WARM_UP_HOURS = 1
# Never under this, as in the simulator.
MIN_SERVICE_SECONDS = 30.0


def simulated_share(
    *, counters: int, arrivals_per_hour: float, mean_service_seconds: float, target_seconds: float, seed: int = 0
) -> float | None:
    """Share of citizens called within `target_seconds` with `counters` open; None when nobody arrives.

    0.0 without counters. The same arguments give the same figure (the seed).
    """
    if arrivals_per_hour <= 0 or mean_service_seconds <= 0:
        return None
    if counters <= 0:
        return 0.0
    rng = random.Random(seed)
    mu = math.log(mean_service_seconds) - SERVICE_SIGMA**2 / 2
    free = [0.0] * counters
    rate = arrivals_per_hour / 3600
    start_counting, end = WARM_UP_HOURS * 3600, (WARM_UP_HOURS + HOURS) * 3600
    now = 0.0
    counted = within = 0
    while True:
        now += rng.expovariate(rate)
        if now > end:
            break
        first_free = heapq.heappop(free)
        called = max(now, first_free)
        heapq.heappush(free, called + max(MIN_SERVICE_SECONDS, rng.lognormvariate(mu, SERVICE_SIGMA)))
        if now >= start_counting:
            counted += 1
            within += called - now <= target_seconds
    return within / counted if counted else None


@dataclass(frozen=True)
class CheckedHour:
    plan: HourPlan
    simulated: float | None  # share within the target with the plan's counters
    simulated_one_fewer: float | None  # and with one counter fewer (None when the plan has one or none)


def cross_check(plan: list[HourPlan], *, target_seconds: float) -> list[CheckedHour]:
    """Each hour of the plan beside its simulation with the plan's counters and with one fewer."""

    def share(counters: int, hour: HourPlan) -> float | None:
        return simulated_share(
            counters=counters,
            arrivals_per_hour=hour.arrivals_per_hour,
            mean_service_seconds=hour.mean_service_seconds,
            target_seconds=target_seconds,
            seed=hour.hour,
        )

    return [
        CheckedHour(
            plan=hour,
            simulated=share(hour.agents, hour) if hour.agents else None,
            simulated_one_fewer=share(hour.agents - 1, hour) if hour.agents > 1 else None,
        )
        for hour in plan
    ]
