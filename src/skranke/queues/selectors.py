"""Reads of the walk-in queues: presence at counters, queue states, and what the kiosk, board and counter show."""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, Min, Prefetch, Q, QuerySet
from django.utils import timezone

from skranke.catalogue.models import Service, localized
from skranke.organisation.models import Area, Counter, Municipality, ServiceOverride, Site, StaffMember
from skranke.queues.models import PRESENCE_TIMEOUT, CounterPresence, Queue, Status, Ticket, TicketService
from skranke.sql import Columns, column, placeholders, sql_cursor, statement, table


def _open_presences(site: Site, now: dt.datetime) -> QuerySet[CounterPresence]:
    return (
        CounterPresence.objects.filter(
            counter__site=site,
            counter__active=True,
            ended_at__isnull=True,
            last_seen__gte=now - PRESENCE_TIMEOUT,
        )
        .select_related("counter__site", "staff__user", "staff__municipality")
        .order_by("counter__name", "pk")
    )


def open_counters(site: Site, area: str, now: dt.datetime | None = None) -> QuerySet[CounterPresence]:
    """The open presences at the active counters of one area of `site`, with counter and staff (and user) loaded.

    Scoped by the site: the caller picks it from the sites the acting user may see.
    """
    return _open_presences(site, now or timezone.now()).filter(counter__area=area)


@dataclass(frozen=True)
class QueueState:
    queue: Queue
    waiting: int
    # Minutes since the oldest waiting ticket was issued; None when no one waits.
    longest_wait_minutes: int | None
    # The open presences at the counters of the queue's area.
    counters: list[CounterPresence]


def _minutes_since(moment: dt.datetime | None, now: dt.datetime) -> int | None:
    return None if moment is None else max(0, int((now - moment).total_seconds() // 60))


def queue_overview(site: Site, *, now: dt.datetime | None = None) -> list[QueueState]:
    """Per active queue of `site`: today's waiting tickets, the longest wait so far, and who stands at its counters.

    Two queries, however many queues, tickets and counters.
    """
    now = now or timezone.now()
    waiting = Q(tickets__status=Status.WAITING, tickets__day=timezone.localdate(now))
    queues = (
        Queue.objects.filter(site=site, active=True)
        .select_related("site")
        .annotate(waiting=Count("tickets", filter=waiting), oldest=Min("tickets__issued_at", filter=waiting))
        .order_by("letter")
    )
    by_area = defaultdict(list)
    for presence in _open_presences(site, now):
        by_area[presence.counter.area].append(presence)
    return [
        QueueState(
            queue=queue,
            waiting=queue.waiting,
            longest_wait_minutes=_minutes_since(queue.oldest, now),
            counters=by_area[queue.area],
        )
        for queue in queues
    ]


# The counter day's pages: kiosk, display board, phone page, counter screen.

KIOSK_COMMON = 6  # big buttons per area; the rest are listed smaller
BOARD_ROWS = 6  # calls per area on the display board
POPULAR_DAYS = 30


@dataclass
class KioskGroup:
    area: str
    common: list  # the most asked-for services of the area: big buttons
    others: list


@dataclass
class KioskMenu:
    groups: list[KioskGroup]
    queue_of: dict[int, Queue]  # service pk -> the queue that serves it here

    def queue_for(self, service) -> Queue | None:
        return self.queue_of.get(service.pk)


def kiosk_menu(*, site: Site, now: dt.datetime | None = None) -> KioskMenu:
    """The services a citizen can take a number for at this site, by area, the most asked-for first.

    A service that several queues serve goes to the first of them (by letter).
    Services the municipality has switched off, and retired ones, are left out.
    """
    now = now or timezone.now()
    queues = list(
        Queue.objects.filter(site=site, active=True)
        .prefetch_related(Prefetch("services", queryset=Service.objects.filter(retired=False)))
        .order_by("letter")
    )
    switched_off = set(
        ServiceOverride.objects.filter(municipality_id=site.municipality_id, enabled=False).values_list(
            "service_id", flat=True
        )
    )
    since = timezone.localdate(now) - dt.timedelta(days=POPULAR_DAYS)
    asked = dict(
        TicketService.objects.filter(ticket__queue__site=site, ticket__day__gte=since)
        .values_list("service_id")
        .annotate(n=Count("pk"))
        .values_list("service_id", "n")
    )
    queue_of: dict[int, Queue] = {}
    by_area: dict[str, list[Service]] = {}
    for queue in queues:
        for service in queue.services.all():
            if service.pk in switched_off or service.pk in queue_of:
                continue
            queue_of[service.pk] = queue
            by_area.setdefault(queue.area, []).append(service)
    groups = []
    for area in (Area.LIBRARY, Area.CITIZEN_SERVICE):
        services = sorted(by_area.get(area, []), key=lambda s: (-asked.get(s.pk, 0), s.position, s.key))
        if services:
            common = services[:KIOSK_COMMON]
            others = sorted(services[KIOSK_COMMON:], key=lambda s: localized(s, "name").casefold())
            groups.append(KioskGroup(area=area, common=common, others=others))
    return KioskMenu(groups=groups, queue_of=queue_of)


_QUEUE = Columns(Queue)
_SERVICE = Columns(Service)
_SITE = Columns(Site)
_MUNICIPALITY = Columns(Municipality)
# Ids beyond a bigint cannot name a row (and SQLite refuses them as parameters).
_MAX_ID = 2**63 - 1


@statement
def _active_site_sql() -> str:
    return (
        f"SELECT {_SITE.select('s')}, {_MUNICIPALITY.select('m')} FROM {table(Site)} s "
        f"JOIN {table(Municipality)} m ON m.{column(Municipality, 'id')} = s.{column(Site, 'municipality')} "
        f"WHERE s.{column(Site, 'id')} = %s AND s.{column(Site, 'active')} = %s"
    )


def active_site(site_id: int) -> Site | None:
    """The active site `site_id` with its municipality loaded (as select_related would), or None.

    Hand-written SQL: every kiosk request starts with it, and the ORM's
    select_related query cost 0.63 ms of CPU per call in Python against 0.17 ms
    for this (PostgreSQL; see `skranke.sql`).
    """
    if not 0 < site_id <= _MAX_ID:
        return None
    with sql_cursor() as cursor:
        cursor.execute(_active_site_sql(), [site_id, True])
        row = cursor.fetchone()
    if row is None:
        return None
    site = _SITE.make(row)
    Site.municipality.field.set_cached_value(site, _MUNICIPALITY.make(row, _SITE.width))
    return site


@statement
def _queues_for_services_sql(keys: int) -> str:
    through = Queue.services.through
    return (
        f"SELECT {_QUEUE.select('q')}, {_SERVICE.select('s')} FROM {table(through)} qs "
        f"JOIN {table(Queue)} q ON q.{column(Queue, 'id')} = qs.{column(through, 'queue')} "
        f"JOIN {table(Service)} s ON s.{column(Service, 'id')} = qs.{column(through, 'service')} "
        f"WHERE q.{column(Queue, 'site')} = %s AND q.{column(Queue, 'active')} = %s "
        f"AND s.{column(Service, 'retired')} = %s AND s.{column(Service, 'key')} IN ({placeholders(keys)}) "
        f"ORDER BY q.{column(Queue, 'letter')}"
    )


def queues_for_services(*, site: Site, keys: list[str]) -> dict[str, tuple[Queue, Service]]:
    """Service key -> (the open queue of the site that serves it, the service); the first queue by letter,
    as the kiosk menu shows. Retired services are left out. Each queue's `site` is the `site` given.

    Hand-written SQL, one query: the kiosk asks it for every ticket, and the ORM's
    select_related query over the queue-service table cost 1.59 ms of CPU per call
    in Python (22 % of the kiosk's ticket request) against 0.16 ms for this
    (PostgreSQL; see `skranke.sql`).
    """
    if not keys:
        return {}
    with sql_cursor() as cursor:
        cursor.execute(_queues_for_services_sql(len(keys)), [site.pk, True, False, *keys])
        rows = cursor.fetchall()
    found: dict[str, tuple[Queue, Service]] = {}
    queues: dict[int, Queue] = {}
    for row in rows:
        service = _SERVICE.make(row, _QUEUE.width)
        if service.key in found:
            continue
        queue = queues.get(row[0])
        if queue is None:
            queue = queues[row[0]] = _QUEUE.make(row)
            queue.site = site
        found[service.key] = (queue, service)
    return found


def tickets_by_tokens(*, tokens: list[str]) -> list[Ticket]:
    found = {
        t.token: t
        for t in Ticket.objects.filter(token__in=tokens[:5])
        .select_related("queue__site", "counter", "transferred_to")
        .prefetch_related("ticket_services__service")
    }
    return [found[token] for token in tokens if token in found]


def ticket_by_token(*, token: str) -> Ticket | None:
    return (
        Ticket.objects.filter(token=token)
        .select_related("queue__site", "counter")
        .prefetch_related("ticket_services__service")
        .first()
    )


def board_calls(*, site: Site, now: dt.datetime | None = None) -> dict[str, list[Ticket]]:
    """Today's called and served tickets of the site, newest call first, per area."""
    now = now or timezone.now()
    tickets = (
        Ticket.objects.filter(queue__site=site, day=timezone.localdate(now), status__in=[Status.CALLED, Status.SERVING])
        .select_related("queue", "counter")
        .order_by("-called_at", "-pk")
    )
    calls: dict[str, list[Ticket]] = {Area.LIBRARY: [], Area.CITIZEN_SERVICE: []}
    for ticket in tickets:
        rows = calls.setdefault(ticket.queue.area, [])
        if len(rows) < BOARD_ROWS:
            rows.append(ticket)
    return calls


def waiting_by_area(*, site: Site, now: dt.datetime | None = None) -> dict[str, int]:
    now = now or timezone.now()
    counts = (
        Ticket.objects.filter(queue__site=site, day=timezone.localdate(now), status=Status.WAITING)
        .values_list("queue__area")
        .annotate(n=Count("pk"))
    )
    return dict(counts)


def counter_current_ticket(*, counter: Counter, staff: StaffMember, now: dt.datetime | None = None) -> Ticket | None:
    """The ticket this staff member has called or is serving at this counter today."""
    now = now or timezone.now()
    return (
        Ticket.objects.filter(
            counter=counter,
            staff=staff.user,
            day=timezone.localdate(now),
            status__in=[Status.CALLED, Status.SERVING],
        )
        .select_related("queue__site", "counter", "transferred_from__queue")
        .prefetch_related("ticket_services__service")
        .order_by("-called_at")
        .first()
    )


def site_areas(site: Site) -> list[str]:
    """Library first, then Borgerservice: the areas that have an active queue at this site."""
    present = set(site.queues.filter(active=True).values_list("area", flat=True))
    return [area for area in (Area.LIBRARY, Area.CITIZEN_SERVICE) if area in present]
