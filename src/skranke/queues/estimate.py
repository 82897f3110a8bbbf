"""How long a waiting ticket will wait: its place, the work ahead of it and the counters that may serve it.

`wait_range` is the arithmetic alone; `estimate_wait` (and `estimate_new`, for a ticket about to be
issued) read what they need in a fixed number of queries.
"""

import datetime as dt
import heapq
from dataclasses import dataclass
from typing import Literal

from django.core.cache import cache
from django.db import connection
from django.db.models import F, OuterRef, Subquery, prefetch_related_objects
from django.db.models.functions import Coalesce
from django.utils import timezone

from skranke.catalogue.models import Service
from skranke.contacts.models import Contact, ContactService
from skranke.organisation.models import Counter, ServiceOverride
from skranke.organisation.policy import check
from skranke.organisation.selectors import POLICY_PREFETCH
from skranke.queues.models import Channel, Queue, Status, Ticket, TicketDay, TicketService
from skranke.queues.selectors import open_counters
from skranke.sql import column, placeholders, statement, table

Basis = Literal["today", "30days", "catalogue"]
# Strongest first: the estimate reports the weakest basis among the times it used.
BASES: tuple[Basis, ...] = ("today", "30days", "catalogue")
# A mean of fewer contacts than this says more about one citizen than about the service.
MIN_CONTACTS = 3
HISTORY = dt.timedelta(days=30)
# low = floor(expected × LOW/10), high = ceil(expected × HIGH/10), and never under a minute.
SPREAD = (7, 13)
# Wider when no one is known to be at a counter and the number of servers is a guess.
SPREAD_GUESSED = (5, 20)
# From the call until the citizen stands at the counter (the service time counts from there).
WALK_SECONDS = 40
# From a counter being free to its call: the counter screen shows a new ticket within its 2-second poll,
# and the member of staff finishes the last note and presses "call next". An assumption, not measured.
CALL_SECONDS = 10
# A citizen at the counter for longer than expected still has at least this share of the time left.
LEFT_AT_LEAST = 0.25
# The tickets ahead placed one by one on the first free counter; beyond this many, the rest is shared evenly.
SCHEDULED = 200


@dataclass(frozen=True)
class Estimate:
    position: int  # 1 = next
    low_minutes: int
    high_minutes: int
    servers: int  # open counters whose staff may serve the ticket; 0 when the estimate had to guess
    basis: Basis
    expected_seconds: int = 0  # the point estimate the range is built around
    open_counters: int = 0  # counters of the queue's area with someone at them, whoever it is


def wait_range(expected_seconds: float, *, guessed: bool = False) -> tuple[int, int]:
    """(low, high) whole minutes around an expected wait of `expected_seconds`.

    low = floor(0.7 × expected), high = ceil(1.3 × expected), at least 1
    (0.5 and 2.0 when `guessed`). Integer arithmetic, so 0.7 × 90 minutes is 63, not the float's 62.
    """
    seconds = max(0, round(expected_seconds))
    low_tenths, high_tenths = SPREAD_GUESSED if guessed else SPREAD
    low = low_tenths * seconds // 600
    high = max(1, -(-high_tenths * seconds // 600))
    return low, high


def expected_wait(*, free: int, busy_left: list[float], ahead: int, each: float) -> float:
    """Seconds until a counter takes this ticket, when `ahead` tickets of `each` seconds go first.

    The counters: `free` of them free now, and one per entry of `busy_left`,
    free when that many seconds have passed. Each ticket ahead goes to the
    first counter free, in turn (list scheduling); this ticket to the first
    free after them. With nobody ahead and a counter free, the wait is 0.
    """
    available = [0.0] * max(0, free) + sorted(max(0.0, left) for left in busy_left)
    if not available:
        available = [0.0]
    heapq.heapify(available)
    placed = min(ahead, SCHEDULED)
    for _ in range(placed):
        heapq.heapreplace(available, available[0] + each)
    return available[0] + (ahead - placed) * each / len(available)


def estimate_wait(ticket: Ticket, *, now: dt.datetime | None = None) -> Estimate:
    """The wait of a waiting ticket until it is called.

    Position: the waiting tickets of its queue and day ahead of it in call order
    (checked-in appointments first, then issue time, then number), plus one; beyond
    SAMPLED_AHEAD tickets ahead, the rest counted by their numbers (`_ahead`).
    Servers: the open presences at counters of the queue's site and area whose
    staff may handle all the ticket's services there (the policy check). With
    none, the area's active counters at the site (at least 1) are assumed, as
    if free, and the range is widened.
    Service time per service: the mean of today's contacts at the site with that
    service (a contact's time split evenly over its services) when there are at
    least 3, else of the last 30 days', else the catalogue's duration (the
    municipality's own, if set). `basis` is the weakest of these among the
    times used, the ticket's own services included.
    Expected wait: the tickets ahead, each taking a counter for the mean time
    of the work ahead, the walk to it and the call (WALK_SECONDS, CALL_SECONDS),
    placed in turn on the first free counter (`expected_wait`), and then this
    ticket's own call; a counter with a citizen called or at it is free when
    that citizen's time (the walk and the service times) has passed since the
    call, or a quarter of it when that has already passed.
    Range: see `wait_range`.
    A fixed number of queries, however many tickets are ahead.
    """
    if ticket.status != Status.WAITING:
        raise ValueError("Only a waiting ticket has a wait estimate.")
    own = list(Service.objects.filter(pk__in=TicketService.objects.filter(ticket=ticket).values("service_id")))
    return _estimate(
        queue=ticket.queue,
        day=ticket.day,
        channel=ticket.channel,
        issued_at=ticket.issued_at,
        pk=ticket.pk,
        number=ticket.number,
        services=own,
        now=now,
    )


def estimate_new(*, queue: Queue, services: list[Service], channel: str, now: dt.datetime) -> Estimate:
    """The estimate of a ticket about to be issued at `now`: behind every ticket of the queue issued so far.

    ticket_issue asks before it takes the day's number lock, so the queries do
    not queue up the other kiosks; a ticket issued elsewhere in that moment may
    be missing from its count. The kiosk asks this for every ticket, so the
    parts that change slowly are cached briefly (see `_cached`): who stands at
    the counters for CAPACITY_SECONDS, the site's service times for
    TIMES_SECONDS. The phone page's `estimate_wait` reads everything fresh.
    """
    return _estimate(
        queue=queue,
        day=timezone.localdate(now),
        channel=channel,
        issued_at=now,
        pk=None,
        number=None,
        services=services,
        now=now,
        cached=True,
    )


# How long the kiosk's estimate reuses who is at the counters, and the site's service times.
CAPACITY_SECONDS = 10
TIMES_SECONDS = 60


def _cached(key: str, seconds: int, now: dt.datetime, compute):
    """compute(), kept for `seconds` under `key` in time buckets of `now`, so a test's fixed clock is honoured."""
    bucket = f"skranke:estimate:{key}:{int(now.timestamp()) // seconds}"
    value = cache.get(bucket)
    if value is None:
        value = compute()
        cache.set(bucket, value, seconds)
    return value


@dataclass(frozen=True)
class _Capacity:
    servers: int  # counters whose staff may serve the ticket
    counters: int  # the counters counted: the servers, else the area's active counters
    open_counters: int  # counters of the area with anyone at them
    busy: tuple[tuple[dt.datetime, tuple[int, ...]], ...]  # per counted counter with a citizen: call, services


# The tickets ahead whose services are read one by one for the work ahead; of a longer queue, the
# services of these many stand for the rest (the number ahead is always counted in full).
SAMPLED_AHEAD = 200


@statement
def _ahead_sql(appointment: bool, issued: bool) -> str:
    through = TicketService
    ticket_id, at = f"t.{column(Ticket, 'id')}", f"t.{column(Ticket, 'issued_at')}"
    in_order = f"({at} < %s OR ({at} = %s AND {ticket_id} < %s))" if issued else f"{at} <= %s"
    joiner = "AND" if appointment else "OR"
    last = (
        f"SELECT d.{column(TicketDay, 'last_number')} FROM {table(TicketDay)} d "
        f"WHERE d.{column(TicketDay, 'queue')} = %s AND d.{column(TicketDay, 'day')} = %s"
    )
    lines = f"{table(through)} ts ON ts.{column(through, 'ticket')} = a.id"
    if connection.vendor == "postgresql":
        # Each ticket's lines through the index on the ticket: left to itself PostgreSQL hashed the whole
        # lines table for the 200 tickets (9.3 ms against 0.8 ms at 18,000 lines); OFFSET 0 keeps the
        # subquery from being folded into a plain join.
        lines = (
            f"LATERAL (SELECT x.{column(through, 'service')} FROM {table(through)} x "
            f"WHERE x.{column(through, 'ticket')} = a.id OFFSET 0) ts ON TRUE"
        )
    return (
        f"WITH a AS (SELECT {ticket_id} AS id, t.{column(Ticket, 'number')} AS number FROM {table(Ticket)} t "
        f"WHERE t.{column(Ticket, 'queue')} = %s AND t.{column(Ticket, 'day')} = %s "
        f"AND t.{column(Ticket, 'status')} = %s AND (t.{column(Ticket, 'channel')} = %s {joiner} {in_order}) "
        f"ORDER BY {at}, {ticket_id} LIMIT %s) "
        f"SELECT ts.{column(through, 'service')}, COUNT(a.id), (SELECT COUNT(*) FROM a), "
        f"(SELECT MAX(a.number) FROM a), ({last}) "
        f"FROM a LEFT OUTER JOIN {lines} "
        f"GROUP BY ts.{column(through, 'service')}"
    )


def _ahead(
    *, queue: Queue, day: dt.date, channel: str, issued_at: dt.datetime, pk: int | None, number: int | None
) -> tuple[dict[int | None, float], int]:
    """The waiting tickets of the queue's `day` ahead of a ticket: their lines per service (the service id
    None for tickets without lines), and how many tickets they are. One statement.

    Ahead: of the same channel and before it in order (issued earlier, or at the
    same moment with a smaller id; with `pk` None, for a ticket not yet issued:
    issued at or before `issued_at`), and for a walk-in every waiting checked-in
    appointment too. Counted in the database, the rows ahead never fetched.

    Up to SAMPLED_AHEAD tickets ahead (the first by issue time, which the queue's index
    gives in order) every one is read, lines and all, and the figures are exact; in a
    longer queue the lines of those stand for all of them, and the tickets after the
    last one read are counted by their numbers (the ticket's own `number`, else the day's
    last), as if all of them still waited: a counter calls in turn, so the waiting
    tickets are the last numbers given. Reading every ticket ahead made the kiosk's cost
    grow with the queue (bench/walkin.py's kiosk, where nobody calls: 7 ms of
    PostgreSQL's time per ticket at 5,000 waiting, and the rate fell from 334 to 234
    requests/s as the queue grew). Hand-written SQL, as Django's cursor with the values
    in the text (not prepared): PostgreSQL's generic plan for it was slower.
    """
    ops = connection.ops
    when = ops.adapt_datetimefield_value(issued_at)
    in_order = [when] if pk is None else [when, when, pk]
    day_value = ops.adapt_datefield_value(day)
    with connection.cursor() as cursor:
        cursor.execute(
            _ahead_sql(channel == Channel.APPOINTMENT, pk is not None),
            [queue.pk, day_value, Status.WAITING, Channel.APPOINTMENT, *in_order, SAMPLED_AHEAD, queue.pk, day_value],
        )
        rows = cursor.fetchall()
    if not rows:
        return {}, 0
    sampled, last_read, last_given = rows[0][2:]
    total = sampled
    if sampled >= SAMPLED_AHEAD and last_read is not None:
        before_this = number - 1 if number is not None else (last_given or 0)
        total += max(0, before_this - last_read)
    scale = total / sampled
    return {service: lines * scale for service, lines, *_counts in rows}, total


def _estimate(
    *,
    queue: Queue,
    day: dt.date,
    channel: str,
    issued_at: dt.datetime,
    pk: int | None,
    number: int | None,
    services: list[Service],
    now: dt.datetime | None,
    cached: bool = False,
) -> Estimate:
    """The estimate of the ticket `pk` issued at `issued_at`, or (`pk` None) of one about to be issued then."""
    now = now or timezone.now()
    site = queue.site
    ahead, tickets_ahead = _ahead(queue=queue, day=day, channel=channel, issued_at=issued_at, pk=pk, number=number)
    position = tickets_ahead + 1

    used = {s.pk for s in services}
    if cached:
        ids = ",".join(str(pk) for pk in sorted(used))
        capacity = _cached(
            f"capacity:{queue.pk}:{ids}", CAPACITY_SECONDS, now, lambda: _capacity(queue, services, day, now)
        )
        # Every service's time at the site (contacts, else the catalogue), shared by all the site's kiosks.
        seconds, basis = _cached(
            f"times:{site.pk}", TIMES_SECONDS, now, lambda: service_seconds(site=site, services=None, now=now)
        )
    else:
        capacity = _capacity(queue, services, day, now)
    busy_services = {s for _called, ids in capacity.busy for s in ids}
    used |= {s for s in ahead if s} | busy_services
    if not cached or not used <= seconds.keys():
        seconds, basis = service_seconds(site=site, services=used, now=now)
    work = sum(seconds[s] * n for s, n in ahead.items() if s)
    busy_left = []
    for called_at, ids in capacity.busy:
        total = WALK_SECONDS + sum(seconds[s] for s in ids)
        busy_left.append(max(total * LEFT_AT_LEAST, total - (now - called_at).total_seconds()))
    expected = (
        expected_wait(
            free=capacity.counters - len(busy_left),
            busy_left=busy_left,
            ahead=tickets_ahead,
            each=(CALL_SECONDS + WALK_SECONDS + work / tickets_ahead) if tickets_ahead else 0.0,
        )
        + CALL_SECONDS
    )
    low, high = wait_range(expected, guessed=not capacity.servers)
    return Estimate(
        position=position,
        low_minutes=low,
        high_minutes=high,
        servers=capacity.servers,
        basis=max((basis[s] for s in used), key=BASES.index, default="catalogue"),
        expected_seconds=round(expected),
        open_counters=capacity.open_counters,
    )


def _capacity(queue: Queue, services: list[Service], day: dt.date, now: dt.datetime) -> _Capacity:
    site = queue.site
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
        # No one who may serve it is at a counter: the area's counters, as if someone came to each.
        counter_ids = list(Counter.objects.filter(site=site, area=queue.area, active=True).values_list("pk", flat=True))
    busy: dict[int, tuple[dt.datetime, list[int]]] = {}
    if servers:
        rows = (
            Ticket.objects.filter(counter_id__in=counter_ids, day=day, status__in=[Status.CALLED, Status.SERVING])
            .order_by("pk", "ticket_services__position")
            .values_list("pk", "called_at", "ticket_services__service_id")
        )
        for pk, called_at, service_id in rows:
            busy.setdefault(pk, (called_at, []))[1].append(service_id)
    return _Capacity(
        servers=servers,
        counters=max(1, len(counter_ids)),
        open_counters=len({p.counter_id for p in presences}),
        busy=tuple((called_at, tuple(ids)) for called_at, ids in busy.values()),
    )


@statement
def _times_sql(services: int | None) -> str:
    """Per service: the contacts today and their mean share of time, the same over the whole window."""
    contact, line = Contact, ContactService
    at, seconds = f"c.{column(contact, 'finished_at')}", f"c.{column(contact, 'service_seconds')}"
    of_contact = column(line, "contact")
    only = f"WHERE l.{column(line, 'service')} IN ({placeholders(services)}) " if services else ""
    return (
        f"WITH c AS (SELECT c.{column(contact, 'id')} AS id, MAX(CASE WHEN {at} >= %s THEN 1 ELSE 0 END) AS today, "
        f"CAST(MAX({seconds}) AS DOUBLE PRECISION) / COUNT(*) AS share "
        f"FROM {table(contact)} c JOIN {table(line)} x ON x.{of_contact} = c.{column(contact, 'id')} "
        f"WHERE c.{column(contact, 'site')} = %s AND {at} >= %s AND {at} <= %s "
        f"GROUP BY c.{column(contact, 'id')}) "
        f"SELECT l.{column(line, 'service')}, SUM(c.today), AVG(CASE WHEN c.today = 1 THEN c.share END), "
        f"COUNT(*), AVG(c.share) "
        f"FROM c JOIN {table(line)} l ON l.{of_contact} = c.id {only}"
        f"GROUP BY l.{column(line, 'service')}"
    )


def service_seconds(*, site, services: set[int] | None, now: dt.datetime) -> tuple[dict[int, float], dict[int, Basis]]:
    """Per service id: its mean service time in seconds at `site`, and where that mean came from.

    One query for the contacts' means, and one for the catalogue durations of
    the services without enough contacts. `services=None`: every service.

    A contact's time is split evenly over its services. The contacts' query is
    written by hand: the ORM's form of it counted each contact's services in a
    subquery per line, twice, whose estimated cost also set off PostgreSQL's JIT
    compiler; at 10,000 contacts in 30 days it took 40–135 ms, and the phone
    page asks it on every poll.
    """
    if services is not None and not services:
        return {}, {}
    midnight = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    ops = connection.ops
    chosen = sorted(services) if services else []
    with connection.cursor() as cursor:
        cursor.execute(
            _times_sql(len(chosen) or None),
            [
                ops.adapt_datetimefield_value(midnight),
                site.pk,
                ops.adapt_datetimefield_value(now - HISTORY),
                ops.adapt_datetimefield_value(now),
                *chosen,
            ],
        )
        rows = cursor.fetchall()
    seconds: dict[int, float] = {}
    basis: dict[int, Basis] = {}
    for service_id, today_count, today_mean, month_count, month_mean in rows:
        if today_count >= MIN_CONTACTS:
            seconds[service_id], basis[service_id] = today_mean, "today"
        elif month_count >= MIN_CONTACTS:
            seconds[service_id], basis[service_id] = month_mean, "30days"
    missing = services - seconds.keys() if services is not None else None
    if missing is None or missing:
        override = ServiceOverride.objects.filter(
            municipality_id=site.municipality_id, service=OuterRef("pk"), duration_minutes__isnull=False
        ).values("duration_minutes")[:1]
        candidates = Service.objects.filter(pk__in=missing) if missing else Service.objects.exclude(pk__in=seconds)
        durations = candidates.annotate(minutes=Coalesce(Subquery(override), F("duration_minutes")))
        for service_id, minutes in durations.values_list("pk", "minutes"):
            seconds[service_id], basis[service_id] = minutes * 60, "catalogue"
    return seconds, basis
