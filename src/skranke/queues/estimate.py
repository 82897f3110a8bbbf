"""How long a waiting ticket will wait: its place, the work ahead of it and the counters that may serve it.

`wait_range` is the arithmetic alone; `estimate_wait` (and `estimate_new`, for a ticket about to be
issued) read what they need in a fixed number of queries.
"""

import datetime as dt
from dataclasses import dataclass
from typing import Literal

from django.db.models import Avg, Count, F, FloatField, OuterRef, Q, Subquery, prefetch_related_objects
from django.db.models.functions import Cast, Coalesce
from django.utils import timezone

from skranke.catalogue.models import Service
from skranke.contacts.models import ContactService
from skranke.organisation.models import Counter, ServiceOverride
from skranke.organisation.policy import check
from skranke.organisation.selectors import POLICY_PREFETCH
from skranke.queues.models import Channel, Queue, Status, Ticket, TicketService
from skranke.queues.selectors import open_counters

Basis = Literal["today", "30days", "catalogue"]
# Strongest first: the estimate reports the weakest basis among the times it used.
BASES: tuple[Basis, ...] = ("today", "30days", "catalogue")
# A mean of fewer contacts than this says more about one citizen than about the service.
MIN_CONTACTS = 3
HISTORY = dt.timedelta(days=30)
# low = floor(expected × LOW/10), high = ceil(expected × HIGH/10) + MARGIN_MINUTES.
SPREAD = (7, 13)
# Wider when no one is known to be at a counter and the number of servers is a guess.
SPREAD_GUESSED = (5, 20)
# Walking to the counter, and a range never narrower than this when nothing is ahead.
MARGIN_MINUTES = 2


@dataclass(frozen=True)
class Estimate:
    position: int  # 1 = next
    low_minutes: int
    high_minutes: int
    servers: int  # open counters whose staff may serve the ticket; 0 when the estimate had to guess
    basis: Basis


def wait_range(work_seconds: float, servers: int, *, guessed: bool = False) -> tuple[int, int]:
    """(low, high) whole minutes for `work_seconds` of service shared by `servers` counters.

    expected = work / servers; low = floor(0.7 × expected), high = ceil(1.3 × expected) + 2
    (0.5 and 2.0 when `guessed`). Integer arithmetic, so 0.7 × 90 minutes is 63, not the float's 62.
    """
    work = max(0, round(work_seconds))
    # tenths × seconds ÷ (10 × 60 × servers) = minutes
    scale = 600 * max(1, servers)
    low_tenths, high_tenths = SPREAD_GUESSED if guessed else SPREAD
    low = low_tenths * work // scale
    high = -(-high_tenths * work // scale) + MARGIN_MINUTES
    return low, high


def estimate_wait(ticket: Ticket, *, now: dt.datetime | None = None) -> Estimate:
    """The wait of a waiting ticket until it is called.

    Position: the waiting tickets of its queue and day ahead of it in call order
    (checked-in appointments first, then issue time, then number), plus one.
    Servers: the open presences at counters of the queue's site and area whose
    staff may handle all the ticket's services there (the policy check). With
    none, the area's active counters at the site (at least 1) are assumed and
    the range is widened.
    Work ahead: the service times of the tickets ahead, plus half the time of
    the tickets now called or being served at those counters.
    Service time per service: the mean of today's contacts at the site with that
    service (a contact's time split evenly over its services) when there are at
    least 3, else of the last 30 days', else the catalogue's duration (the
    municipality's own, if set). `basis` is the weakest of these among the
    times used, the ticket's own services included.
    Range: see `wait_range`, with expected = work ahead / servers.
    A fixed number of queries, however many tickets are ahead.
    """
    if ticket.status != Status.WAITING:
        raise ValueError("Only a waiting ticket has a wait estimate.")
    own = list(Service.objects.filter(pk__in=TicketService.objects.filter(ticket=ticket).values("service_id")))
    in_order = Q(issued_at__lt=ticket.issued_at) | Q(issued_at=ticket.issued_at, pk__lt=ticket.pk)
    return _estimate(
        queue=ticket.queue, day=ticket.day, channel=ticket.channel, in_order=in_order, services=own, now=now
    )


def estimate_new(*, queue: Queue, services: list[Service], channel: str, now: dt.datetime) -> Estimate:
    """The estimate of a ticket about to be issued at `now`: behind every ticket of the queue issued so far.

    ticket_issue asks before it takes the day's number lock, so the queries do
    not queue up the other kiosks; a ticket issued elsewhere in that moment may
    be missing from its count.
    """
    return _estimate(
        queue=queue,
        day=timezone.localdate(now),
        channel=channel,
        in_order=Q(issued_at__lte=now),
        services=services,
        now=now,
    )


def _estimate(
    *, queue: Queue, day: dt.date, channel: str, in_order: Q, services: list[Service], now: dt.datetime | None
) -> Estimate:
    """`in_order`: the tickets of the same channel that come before this one."""
    now = now or timezone.now()
    site = queue.site
    if channel == Channel.APPOINTMENT:
        before = Q(channel=Channel.APPOINTMENT) & in_order
    else:
        before = Q(channel=Channel.APPOINTMENT) | in_order
    ahead = list(
        Ticket.objects.filter(before, queue=queue, day=day, status=Status.WAITING).values_list(
            "pk", "ticket_services__service_id"
        )
    )

    presences = list(open_counters(site, queue.area, now))
    # What the policy check reads, for all these staff members at once.
    prefetch_related_objects([p.staff for p in presences], *POLICY_PREFETCH)
    counter_ids = [
        p.counter_id
        for p in presences
        if all(check(staff=p.staff, service=s, counter=p.counter, at=now) for s in services)
    ]
    servers = len(counter_ids)
    if not servers:
        counter_ids = list(Counter.objects.filter(site=site, area=queue.area, active=True).values_list("pk", flat=True))
    busy = []
    if counter_ids:
        busy = list(
            Ticket.objects.filter(
                counter_id__in=counter_ids, day=day, status__in=[Status.CALLED, Status.SERVING]
            ).values_list("pk", "ticket_services__service_id")
        )

    used = {s.pk for s in services} | {s for _, s in ahead if s} | {s for _, s in busy if s}
    seconds, basis = service_seconds(site=site, services=used, now=now)
    work = sum(seconds[s] for _, s in ahead if s) + sum(seconds[s] / 2 for _, s in busy if s)
    low, high = wait_range(work, servers or len(counter_ids) or 1, guessed=not servers)
    return Estimate(
        position=len({pk for pk, _ in ahead}) + 1,
        low_minutes=low,
        high_minutes=high,
        servers=servers,
        basis=max((basis[s] for s in used), key=BASES.index, default="catalogue"),
    )


def service_seconds(*, site, services: set[int], now: dt.datetime) -> tuple[dict[int, float], dict[int, Basis]]:
    """Per service id: its mean service time in seconds at `site`, and where that mean came from.

    One query for the contacts' means, and one for the catalogue durations of
    the services without enough contacts.
    """
    midnight = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    lines_of_contact = Subquery(
        ContactService.objects.filter(contact=OuterRef("contact")).values("contact").annotate(n=Count("pk")).values("n")
    )
    share = Cast("contact__service_seconds", FloatField()) / Cast(lines_of_contact, FloatField())
    today = Q(contact__finished_at__gte=midnight)
    rows = (
        ContactService.objects.filter(
            service_id__in=services,
            contact__site=site,
            contact__finished_at__gte=now - HISTORY,
            contact__finished_at__lte=now,
        )
        .values("service_id")
        .annotate(
            today_count=Count("pk", filter=today),
            today_mean=Avg(share, filter=today),
            month_count=Count("pk"),
            month_mean=Avg(share),
        )
        .order_by()
    )
    seconds: dict[int, float] = {}
    basis: dict[int, Basis] = {}
    for row in rows:
        if row["today_count"] >= MIN_CONTACTS:
            seconds[row["service_id"]], basis[row["service_id"]] = row["today_mean"], "today"
        elif row["month_count"] >= MIN_CONTACTS:
            seconds[row["service_id"]], basis[row["service_id"]] = row["month_mean"], "30days"
    missing = services - seconds.keys()
    if missing:
        override = ServiceOverride.objects.filter(
            municipality_id=site.municipality_id, service=OuterRef("pk"), duration_minutes__isnull=False
        ).values("duration_minutes")[:1]
        durations = Service.objects.filter(pk__in=missing).annotate(
            minutes=Coalesce(Subquery(override), F("duration_minutes"))
        )
        for service_id, minutes in durations.values_list("pk", "minutes"):
            seconds[service_id], basis[service_id] = minutes * 60, "catalogue"
    return seconds, basis
