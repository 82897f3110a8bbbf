"""Erlang C for the staffing plan: how many open counters an hour needs to serve citizens within a target wait.

The model (M/M/N): citizens arrive at random at a steady rate, service times are
exponential around their mean, nobody gives up and one queue feeds all counters.
Real counters break each assumption a little, which is why the plan is
cross-checked against the simulator; it is the standard first estimate.
Traffic A in Erlangs = arrivals per second × mean service seconds, i.e. the
number of counters that would be busy on average.
"""

import math
from dataclasses import dataclass


def traffic(arrival_rate_per_hour: float, mean_service_seconds: float) -> float:
    """Offered traffic in Erlangs: the average number of counters kept busy."""
    if arrival_rate_per_hour < 0 or mean_service_seconds < 0:
        raise ValueError("arrival rate and service time cannot be negative")
    return arrival_rate_per_hour / 3600 * mean_service_seconds


def erlang_c(agents: int, traffic: float) -> float:
    """Probability that an arriving citizen has to wait, with `agents` open counters and `traffic` Erlangs.

    1.0 when agents <= traffic (the queue grows without end); 0.0 when there is no traffic.
    Computed by the Erlang B recursion B(k) = A·B(k−1) / (k + A·B(k−1)) and
    C = N·B / (N − A·(1 − B)), which stays stable where A^N/N! would overflow.
    """
    if agents < 0 or traffic < 0:
        raise ValueError("agents and traffic cannot be negative")
    if traffic == 0:
        return 0.0
    if agents <= traffic:
        return 1.0
    b = 1.0
    for k in range(1, agents + 1):
        b = traffic * b / (k + traffic * b)
    return agents * b / (agents - traffic * (1 - b))


def service_level(
    agents: int, arrival_rate_per_hour: float, mean_service_seconds: float, target_seconds: float
) -> float:
    """Share of citizens called within target_seconds: 1 − C·exp(−(N − A)·target / mean service).

    0.0 when agents <= traffic (no steady state); 1.0 when nobody arrives.
    """
    if target_seconds < 0:
        raise ValueError("target_seconds cannot be negative")
    a = traffic(arrival_rate_per_hour, mean_service_seconds)
    if a == 0:
        return 1.0
    if agents <= a:
        return 0.0
    c = erlang_c(agents, a)
    return 1 - c * math.exp(-(agents - a) * target_seconds / mean_service_seconds)


def mean_wait_seconds(agents: int, arrival_rate_per_hour: float, mean_service_seconds: float) -> float:
    """Average wait over all citizens (those served at once count as 0): C·mean service / (N − A).

    math.inf when agents <= traffic; 0.0 when nobody arrives.
    """
    a = traffic(arrival_rate_per_hour, mean_service_seconds)
    if a == 0:
        return 0.0
    if agents <= a:
        return math.inf
    return erlang_c(agents, a) * mean_service_seconds / (agents - a)


def occupancy(agents: int, arrival_rate_per_hour: float, mean_service_seconds: float) -> float:
    """Share of the time an open counter is busy, A/N (capped at 1)."""
    a = traffic(arrival_rate_per_hour, mean_service_seconds)
    if agents == 0:
        return 0.0 if a == 0 else 1.0
    return min(1.0, a / agents)


def _check_targets(target_share: float, target_seconds: float, max_occupancy: float | None) -> None:
    # A share of 1 is never reached for any traffic (C > 0), so the search would not end.
    if not 0 < target_share < 1:
        raise ValueError(f"target_share must be between 0 and 1, got {target_share}")
    if target_seconds < 0:
        raise ValueError("target_seconds cannot be negative")
    if max_occupancy is not None and not 0 < max_occupancy <= 1:
        raise ValueError(f"max_occupancy must be in (0, 1], got {max_occupancy}")


def agents_needed(
    arrival_rate_per_hour: float,
    mean_service_seconds: float,
    *,
    target_share: float = 0.8,
    target_seconds: float = 600,
    max_occupancy: float | None = None,
) -> int:
    """Fewest open counters that serve target_share of citizens within target_seconds (default 80 % in 10 minutes).

    max_occupancy (e.g. 0.85) also keeps each counter busy at most that share of the
    time, so staff have room for the walk-in that needs twenty minutes. 0 when nobody arrives.
    """
    _check_targets(target_share, target_seconds, max_occupancy)
    a = traffic(arrival_rate_per_hour, mean_service_seconds)
    if arrival_rate_per_hour == 0:
        return 0
    if a == 0:
        raise ValueError("mean service time must be positive when citizens arrive")
    agents = math.floor(a) + 1  # the fewest with a steady state
    if max_occupancy is not None:
        agents = max(agents, math.ceil(a / max_occupancy))
    while service_level(agents, arrival_rate_per_hour, mean_service_seconds, target_seconds) < target_share:
        agents += 1
    return agents


@dataclass(frozen=True)
class HourPlan:
    hour: int  # 0–23, the hour starting at hour:00
    arrivals_per_hour: float
    mean_service_seconds: float
    agents: int
    service_level: float | None  # expected share served within the target; None when nobody arrives
    occupancy: float | None  # None when nobody arrives
    mean_wait_seconds: float | None  # None when nobody arrives


def staffing_plan(
    hourly: dict[int, tuple[float, float]],
    *,
    target_share: float = 0.8,
    target_seconds: float = 600,
    max_occupancy: float | None = None,
) -> list[HourPlan]:
    """Counters needed hour by hour. hourly maps hour of day -> (arrivals per hour, mean service seconds)."""
    _check_targets(target_share, target_seconds, max_occupancy)
    plan = []
    for hour in sorted(hourly):
        if not 0 <= hour <= 23:
            raise ValueError(f"hour must be 0–23, got {hour}")
        rate, service = hourly[hour]
        agents = agents_needed(
            rate, service, target_share=target_share, target_seconds=target_seconds, max_occupancy=max_occupancy
        )
        busy = agents > 0
        plan.append(
            HourPlan(
                hour=hour,
                arrivals_per_hour=rate,
                mean_service_seconds=service,
                agents=agents,
                service_level=service_level(agents, rate, service, target_seconds) if busy else None,
                occupancy=occupancy(agents, rate, service) if busy else None,
                mean_wait_seconds=mean_wait_seconds(agents, rate, service) if busy else None,
            )
        )
    return plan
