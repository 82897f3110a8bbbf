"""How many counters a site needs, hour by hour, on a weekday: Erlang C on the arrivals and service times recorded.

For the chosen site, area and weekday over a period: the tickets taken in
each hour, divided by the number of such weekdays in the period, are the
arrivals per hour; the mean time at the counter of the contacts whose ticket
was taken in that hour (else of the whole day) is the service time. Erlang C
(insights.erlang) then gives the counters needed to serve the chosen share
within the chosen wait.
"""

import datetime as dt

from django.db.models import Avg, Count
from django.db.models.functions import ExtractHour, ExtractIsoWeekDay

from skranke.contacts.models import Contact
from skranke.insights.erlang import HourPlan, staffing_plan
from skranke.insights.kpis import Period
from skranke.queues.models import Ticket


def weekdays_in(period: Period, weekday: int) -> int:
    """How many times `weekday` (0 = Monday) falls in the period."""
    first = period.first + dt.timedelta(days=(weekday - period.first.weekday()) % 7)
    return 0 if first > period.last else (period.last - first).days // 7 + 1


def observed(*, site, area: str, weekday: int, period: Period) -> dict[int, tuple[float, float]]:
    """Hour of day -> (arrivals per hour, mean service seconds) on that weekday, from the period's records."""
    days = weekdays_in(period, weekday)
    if not days:
        return {}
    tickets = (
        Ticket.objects.filter(queue__site=site, queue__area=area, issued_at__gte=period.start, issued_at__lt=period.end)
        .annotate(weekday=ExtractIsoWeekDay("issued_at"), hour=ExtractHour("issued_at"))
        .filter(weekday=weekday + 1)
    )
    arrivals = dict(tickets.values_list("hour").annotate(n=Count("pk")).order_by())
    contacts = Contact.objects.filter(site=site, area=area, ticket__in=tickets.values("pk")).annotate(
        hour=ExtractHour("ticket__issued_at")
    )
    by_hour = dict(contacts.values_list("hour").annotate(mean=Avg("service_seconds")).order_by())
    whole_day = contacts.aggregate(mean=Avg("service_seconds"))["mean"]
    return {
        hour: (count / days, by_hour.get(hour) or whole_day or 0.0)
        for hour, count in sorted(arrivals.items())
        if by_hour.get(hour) or whole_day
    }


def plan(
    *, site, area: str, weekday: int, period: Period, target_share: float = 0.8, target_minutes: int = 10
) -> list[HourPlan]:
    return staffing_plan(
        observed(site=site, area=area, weekday=weekday, period=period),
        target_share=target_share,
        target_seconds=target_minutes * 60,
    )
