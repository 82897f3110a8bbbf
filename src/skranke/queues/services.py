"""The walk-in flow: issue a ticket, call the next one, and every move a ticket may make.

Every state change goes through `_move()`, which refuses any move not in
MOVES, inside the transaction of the change and on a locked row.
"""

import datetime as dt
import re

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import connection, transaction
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    Q,
    Subquery,
    Value,
    When,
    prefetch_related_objects,
)
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone
from django.utils.translation import gettext as _

from skranke.catalogue.models import Service, localized
from skranke.errors import SkrankeError
from skranke.organisation.models import Counter, OpeningHours, ServiceOverride, StaffMember
from skranke.organisation.policy import check
from skranke.organisation.selectors import override_for, prefetch_for_policy
from skranke.organisation.services import policy_enforce
from skranke.queues.estimate import estimate_new
from skranke.queues.models import (
    PRESENCE_TIMEOUT,
    Channel,
    CounterPresence,
    Queue,
    Status,
    Ticket,
    TicketDay,
    TicketService,
)

MOVES: dict[str, set[str]] = {
    Status.WAITING: {Status.CALLED, Status.CANCELLED, Status.TRANSFERRED},
    Status.CALLED: {Status.CALLED, Status.SERVING, Status.NO_SHOW, Status.TRANSFERRED, Status.CANCELLED},
    Status.SERVING: {Status.DONE, Status.TRANSFERRED},
    Status.DONE: set(),
    Status.NO_SHOW: set(),
    Status.CANCELLED: set(),
    Status.TRANSFERRED: set(),
}
# Danish mobile and landline numbers: eight digits, optionally after +45 or 0045.
_PHONE = re.compile(r"(?:\+45|0045)?(\d{8})")


def _move(ticket: Ticket, to: str) -> None:
    if to not in MOVES[ticket.status]:
        raise SkrankeError(
            _("Kønummer %(ticket)s er %(status)s og kan ikke blive %(to)s.")
            % {"ticket": ticket.label, "status": ticket.get_status_display().lower(), "to": Status(to).label.lower()},
            code="conflict",
        )
    ticket.status = to


def _locked(ticket: Ticket) -> Ticket:
    # With what finishing reads next (the counter, its site and municipality), so it costs no further queries.
    return (
        Ticket.objects.select_for_update(of=("self",))
        .select_related("queue__site__municipality", "counter__site__municipality")
        .get(pk=ticket.pk)
    )


def clean_phone(raw: str) -> str:
    compact = re.sub(r"[\s\-()]", "", raw or "")
    if not compact:
        return ""
    match = _PHONE.fullmatch(compact)
    if not match:
        raise SkrankeError(_("Telefonnummeret skal have 8 cifre, fx 12 34 56 78."), code="invalid", field="phone")
    return match.group(1)


def clean_email(raw: str) -> str:
    value = (raw or "").strip()
    if not value:
        return ""
    try:
        validate_email(value)
    except ValidationError:
        raise SkrankeError(
            _("E-mailadressen ser forkert ud, fx navn@eksempel.dk."), code="invalid", field="email"
        ) from None
    return value


def _open_at(queue: Queue, at: dt.datetime) -> Q:
    local = timezone.localtime(at)
    return Q(
        site=queue.site_id, area=queue.area, weekday=local.weekday(), opens__lte=local.time(), closes__gt=local.time()
    )


def _issue_state(*, queue: Queue, services: list[Service], now: dt.datetime) -> tuple[bool, bool]:
    """(the queue's area is open now, it serves all these services and none is switched off): one query.

    The kiosk asks this for every ticket; `_refuse_services` finds which service is the matter.
    """
    ids = {s.pk for s in services}
    open_now, served, switched_off = (
        Queue.objects.filter(pk=queue.pk)
        .values_list(
            Exists(OpeningHours.objects.filter(_open_at(queue, now))),
            Coalesce(
                Subquery(
                    Queue.services.through.objects.filter(queue=queue.pk, service__in=ids)
                    .values("queue")
                    .annotate(n=Count("pk"))
                    .values("n")
                ),
                0,
            ),
            Exists(
                ServiceOverride.objects.filter(municipality=queue.site.municipality_id, service__in=ids, enabled=False)
            ),
        )
        .get()
    )
    return open_now, served == len(ids) and not switched_off and not any(s.retired for s in services)


def _refuse_services(*, queue: Queue, services: list[Service]) -> None:
    """Raise for the first of `services` the queue does not take."""
    served = set(queue.services.values_list("pk", flat=True))
    municipality = queue.site.municipality
    prefetch_related_objects([municipality], "service_overrides")
    for service in services:
        override = override_for(municipality=municipality, service=service)
        if service.retired or (override is not None and not override.enabled):
            raise SkrankeError(
                _("%(service)s tilbydes ikke her.") % {"service": localized(service, "name")},
                code="invalid",
                field="services",
            )
        if service.pk not in served:
            raise SkrankeError(
                _("%(service)s hører ikke til køen %(queue)s.")
                % {"service": localized(service, "name"), "queue": queue.name},
                code="invalid",
                field="services",
            )
    raise SkrankeError(_("Vælg det, du skal have hjælp til, igen."), code="conflict", field="services")


@transaction.atomic
def ticket_issue(
    *,
    queue: Queue,
    services: list[Service],
    channel: str = Channel.WALK_IN,
    phone: str = "",
    email: str = "",
    now: dt.datetime | None = None,
) -> Ticket:
    """A new waiting ticket with the next number of the queue's day and the wait estimate given to the citizen."""
    now = now or timezone.now()
    site = queue.site
    if not (queue.active and site.active):
        raise SkrankeError(_("Køen %(queue)s er lukket.") % {"queue": queue.name}, code="closed")
    open_now, takes_them = _issue_state(queue=queue, services=services, now=now)
    if not open_now:
        raise SkrankeError(
            _("%(site)s har lukket for %(area)s lige nu.") % {"site": site.name, "area": queue.get_area_display()},
            code="closed",
        )
    if not services:
        raise SkrankeError(_("Vælg mindst én ting, du skal have hjælp til."), code="invalid", field="services")
    if channel not in Channel.values:
        raise SkrankeError(_("Ukendt kanal."), code="invalid")
    if not takes_them:
        _refuse_services(queue=queue, services=services)
    phone, email = clean_phone(phone), clean_email(email)

    # Asked before the day's number is locked, so its queries do not hold up the other kiosks.
    estimate = estimate_new(queue=queue, services=services, channel=channel, now=now)
    day = timezone.localdate(now)
    ticket = Ticket.objects.create(
        queue=queue,
        day=day,
        number=_next_number(queue=queue, day=day),
        channel=channel,
        phone=phone,
        email=email,
        issued_at=now,
        estimate_low=estimate.low_minutes,
        estimate_high=estimate.high_minutes,
        estimate_seconds=estimate.expected_seconds,
        ahead_at_issue=estimate.position - 1,
        open_counters_at_issue=estimate.open_counters,
    )
    TicketService.objects.bulk_create(
        TicketService(ticket=ticket, service=service, position=index) for index, service in enumerate(services)
    )
    return ticket


def _next_number(*, queue: Queue, day: dt.date) -> int:
    """The queue's next number for the day; the day's row stays locked until the caller's transaction ends.

    One statement (an upsert that returns the new number), so the lock that
    every kiosk of the queue waits for is taken as late and held as briefly
    as possible: a read and a write while holding it made 16 kiosks queue up
    for seconds (bench/walkin.py). PostgreSQL and SQLite (3.35+) both have it.
    """
    table = connection.ops.quote_name(TicketDay._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (queue_id, day, last_number) VALUES (%s, %s, 1) "
            f"ON CONFLICT (queue_id, day) DO UPDATE SET last_number = {table}.last_number + 1 "
            "RETURNING last_number",
            [queue.pk, day],
        )
        return cursor.fetchone()[0]


def _refused_services(*, staff: StaffMember, counter: Counter, queues, at: dt.datetime) -> set[int]:
    """The services of these queues the policy check refuses this staff member at this counter."""
    prefetch_for_policy(staff)
    services = Service.objects.filter(queues__in=queues).distinct()
    return {s.pk for s in services if not check(staff=staff, service=s, counter=counter, at=at)}


@transaction.atomic
def ticket_call_next(*, counter: Counter, staff: StaffMember, now: dt.datetime | None = None) -> Ticket | None:
    """The oldest waiting ticket this staff member may handle at this counter; checked-in appointments first.

    The row is taken with SELECT ... FOR UPDATE SKIP LOCKED, so two counters
    calling at the same moment get two different tickets, never the same one.
    """
    now = now or timezone.now()
    _ensure_same_municipality(counter=counter, staff=staff)
    # One citizen at a time per staff member: with their row locked, a double
    # click or a reload mid-call finds the first call and calls no one else.
    # The lock and the look for their current ticket in one query.
    mine = Ticket.objects.filter(
        staff=staff.user_id, day=timezone.localdate(now), status__in=[Status.CALLED, Status.SERVING]
    )
    ((current_id,),) = (
        StaffMember.objects.select_for_update(of=("self",))
        .filter(pk=staff.pk)
        .values_list(Subquery(mine.values("pk")[:1]))
    )
    if current_id is not None:
        current = Ticket.objects.select_related("queue").get(pk=current_id)
        raise SkrankeError(
            _("Du har allerede kaldt %(ticket)s. Afslut, flyt eller registrér det som udeblevet først.")
            % {"ticket": current.label},
            code="conflict",
        )
    queues = Queue.objects.filter(site=counter.site, area=counter.area, active=True)
    refused = _refused_services(staff=staff, counter=counter, queues=queues, at=now)
    candidates = (
        Ticket.objects.filter(queue__in=queues, day=timezone.localdate(now), status=Status.WAITING)
        .exclude(ticket_services__service__in=refused)
        .annotate(
            walk_in=Case(
                When(channel=Channel.APPOINTMENT, then=Value(0)), default=Value(1), output_field=IntegerField()
            )
        )
        .order_by("walk_in", "issued_at", "pk")
    )
    ticket = candidates.select_for_update(skip_locked=True, of=("self",)).first()
    if ticket is None:
        return None
    _move(ticket, Status.CALLED)
    ticket.counter, ticket.staff, ticket.called_at = counter, staff.user, now
    ticket.save(update_fields=["status", "counter", "staff", "called_at"])
    return ticket


@transaction.atomic
def ticket_recall(*, ticket: Ticket, staff: StaffMember, now: dt.datetime | None = None) -> Ticket:
    ticket = _locked(ticket)
    _ensure_own(ticket, staff)
    _move(ticket, Status.CALLED)
    ticket.recalls += 1
    ticket.called_at = now or timezone.now()
    ticket.save(update_fields=["status", "recalls", "called_at"])
    return ticket


@transaction.atomic
def ticket_start(*, ticket: Ticket, staff: StaffMember, now: dt.datetime | None = None) -> Ticket:
    ticket = _locked(ticket)
    _ensure_own(ticket, staff)
    _move(ticket, Status.SERVING)
    ticket.started_at = now or timezone.now()
    ticket.save(update_fields=["status", "started_at"])
    return ticket


@transaction.atomic
def ticket_no_show(*, ticket: Ticket, staff: StaffMember, min_recalls: int = 1, now=None) -> Ticket:
    """A citizen who did not come after being called and recalled `min_recalls` times."""
    ticket = _locked(ticket)
    _ensure_own(ticket, staff)
    if ticket.status == Status.CALLED and ticket.recalls < min_recalls:
        raise SkrankeError(
            _("Kald %(ticket)s igen først (mindst %(count)d gang(e)), før det registreres som udeblevet.")
            % {"ticket": ticket.label, "count": min_recalls},
            code="conflict",
        )
    _move(ticket, Status.NO_SHOW)
    ticket.finished_at = now or timezone.now()
    ticket.save(update_fields=["status", "finished_at"])
    return ticket


def _ensure_own(ticket: Ticket, staff: StaffMember, *, called_by_them: bool = True) -> None:
    """The ticket is of the staff member's municipality and, once called, theirs.

    The policy check ran for the one who called the ticket; someone else
    recalling, serving or finishing it would skip that check.
    """
    if ticket.queue.site.municipality_id != staff.municipality_id:
        raise SkrankeError(_("Kønummeret hører til en anden kommune."), code="forbidden")
    if called_by_them and ticket.staff_id not in (None, staff.user_id):
        raise SkrankeError(_("Kønummer %(ticket)s betjenes af en anden.") % {"ticket": ticket.label}, code="conflict")


def purge_ticket_contact(*, municipality, cutoff: dt.datetime, dry_run: bool) -> int:
    """Clear phone numbers and e-mail addresses of tickets issued before `cutoff`; the tickets stay for statistics."""
    tickets = Ticket.objects.filter(queue__site__municipality=municipality, issued_at__lt=cutoff).exclude(
        phone="", email=""
    )
    if dry_run:
        return tickets.count()
    return tickets.update(phone="", email="")


# No savepoint: its one caller, ticket_finish, rolls back the whole finish on any error.
@transaction.atomic(savepoint=False)
def ticket_done(*, ticket: Ticket, staff: StaffMember, now: dt.datetime | None = None) -> Ticket:
    """Mark the ticket served. contacts.services.ticket_finish calls it in the transaction that records the contact."""
    ticket = _locked(ticket)
    _ensure_own(ticket, staff)
    if ticket.status == Status.CALLED:
        _move(ticket, Status.SERVING)
        ticket.started_at = ticket.called_at
    _move(ticket, Status.DONE)
    ticket.finished_at = now or timezone.now()
    ticket.save(update_fields=["status", "started_at", "finished_at"])
    return ticket


@transaction.atomic
def ticket_transfer(
    *,
    ticket: Ticket,
    staff: StaffMember,
    to_queue: Queue,
    note: str = "",
    services: list[Service] | None = None,
    now: dt.datetime | None = None,
) -> Ticket:
    """Move the citizen to another queue at the same site: a new number there, keeping their place by issue time."""
    ticket = _locked(ticket)
    _ensure_own(ticket, staff, called_by_them=False)
    if to_queue.site_id != ticket.queue.site_id or not to_queue.active:
        raise SkrankeError(_("Der kan kun flyttes til en åben kø på samme lokation."), code="invalid", field="queue")
    if to_queue.pk == ticket.queue_id:
        raise SkrankeError(_("Kønummeret står allerede i %(queue)s.") % {"queue": to_queue.name}, code="invalid")
    served = set(to_queue.services.values_list("pk", flat=True))
    if services is None:
        ordered = ticket.ticket_services.select_related("service").order_by("position")
        services = [line.service for line in ordered if line.service_id in served]
    if not services or any(s.pk not in served for s in services):
        raise SkrankeError(
            _("Vælg de ydelser, borgeren skal have hjælp til i %(queue)s.") % {"queue": to_queue.name},
            code="invalid",
            field="services",
        )
    _move(ticket, Status.TRANSFERRED)
    ticket.finished_at = now or timezone.now()
    ticket.save(update_fields=["status", "finished_at"])
    moved = Ticket.objects.create(
        queue=to_queue,
        day=ticket.day,
        number=_next_number(queue=to_queue, day=ticket.day),
        channel=ticket.channel,
        phone=ticket.phone,
        email=ticket.email,
        # Its place in the new queue is its original issue time.
        issued_at=ticket.issued_at,
        transferred_from=ticket,
        note=note.strip()[:300],
        estimate_low=ticket.estimate_low,
        estimate_high=ticket.estimate_high,
        estimate_seconds=ticket.estimate_seconds,
        ahead_at_issue=ticket.ahead_at_issue,
        open_counters_at_issue=ticket.open_counters_at_issue,
    )
    TicketService.objects.bulk_create(
        TicketService(ticket=moved, service=service, position=index) for index, service in enumerate(services)
    )
    return moved


@transaction.atomic
def ticket_cancel(*, ticket: Ticket, now: dt.datetime | None = None) -> Ticket:
    """The citizen leaves before being served (from the phone page or at the counter)."""
    ticket = _locked(ticket)
    _move(ticket, Status.CANCELLED)
    ticket.finished_at = now or timezone.now()
    ticket.save(update_fields=["status", "finished_at"])
    return ticket


def _ensure_same_municipality(*, counter: Counter, staff: StaffMember) -> None:
    if counter.site.municipality_id != staff.municipality_id:
        raise SkrankeError(_("Skranken hører til en anden kommune end din."), code="forbidden")


def _end(cutoff: dt.datetime, now: dt.datetime):
    """When a presence ended: at its last sign of life if it had already timed out, else now."""
    return Case(When(last_seen__lt=cutoff, then=F("last_seen")), default=Greatest(F("last_seen"), Value(now)))


@transaction.atomic
def counter_open(*, counter: Counter, staff: StaffMember, now: dt.datetime | None = None) -> CounterPresence:
    """The staff member stands at `counter` now; their presence elsewhere and anyone else's here end.

    The counter's row and then the staff member's are locked first, always in
    that order, so two people taking one counter (or one person two counters)
    at once wait for each other instead of failing on the unique constraints.
    """
    _ensure_same_municipality(counter=counter, staff=staff)
    if not (counter.active and counter.site.active):
        raise SkrankeError(_("Skranken %(counter)s er lukket ned.") % {"counter": counter.name}, code="closed")
    list(Counter.objects.select_for_update().filter(pk=counter.pk).values_list("pk"))
    list(StaffMember.objects.select_for_update().filter(pk=staff.pk).values_list("pk"))
    # Read the clock only once the locks are held, so no presence ends before it began.
    now = now or timezone.now()
    cutoff = now - PRESENCE_TIMEOUT
    current = CounterPresence.objects.filter(
        counter=counter, staff=staff, ended_at__isnull=True, last_seen__gte=cutoff
    ).first()
    if current is not None:
        # A reload of the counter page: the same stay goes on.
        current.last_seen = max(current.last_seen, now)
        current.save(update_fields=["last_seen"])
        return current
    CounterPresence.objects.filter(Q(counter=counter) | Q(staff=staff), ended_at__isnull=True).update(
        ended_at=_end(cutoff, now)
    )
    return CounterPresence.objects.create(counter=counter, staff=staff, since=now, last_seen=now)


def counter_seen(*, counter: Counter, staff: StaffMember, now: dt.datetime | None = None) -> bool:
    """The counter page's heartbeat: True while the presence is open, False once it ended or timed out.

    On False the page calls counter_open again, which starts a new stay, so a
    gap of more than PRESENCE_TIMEOUT shows in the history. One UPDATE and no
    municipality check: only counter_open, which checks, makes a row to update.
    """
    now = now or timezone.now()
    updated = CounterPresence.objects.filter(
        counter=counter, staff=staff, ended_at__isnull=True, last_seen__gte=now - PRESENCE_TIMEOUT
    ).update(last_seen=Greatest(F("last_seen"), Value(now)))
    return updated > 0


def counter_close(*, counter: Counter, staff: StaffMember, now: dt.datetime | None = None) -> bool:
    """The staff member leaves `counter`; False when they were not there."""
    _ensure_same_municipality(counter=counter, staff=staff)
    now = now or timezone.now()
    ended = CounterPresence.objects.filter(counter=counter, staff=staff, ended_at__isnull=True).update(
        ended_at=_end(now - PRESENCE_TIMEOUT, now)
    )
    return ended > 0


def ticket_add_service(
    *, ticket: Ticket, staff: StaffMember, service: Service, client_address: str | None = None
) -> Ticket:
    """A need the citizen raises mid-visit: added to the ticket only if this staff member may handle it here.

    The policy check runs first and a refusal is audited (policy_enforce), so
    the refusal stays on record while nothing is added.
    """
    if ticket.counter is None:
        raise SkrankeError(_("Kønummer %(ticket)s er ikke kaldt endnu.") % {"ticket": ticket.label}, code="conflict")
    policy_enforce(staff=staff, service=service, counter=ticket.counter, client_address=client_address)
    with transaction.atomic():
        ticket = _locked(ticket)
        _ensure_own(ticket, staff)
        if ticket.status not in (Status.CALLED, Status.SERVING):
            raise SkrankeError(
                _("Kønummer %(ticket)s er %(status)s; der kan ikke tilføjes ydelser.")
                % {"ticket": ticket.label, "status": ticket.get_status_display().lower()},
                code="conflict",
            )
        lines = list(ticket.ticket_services.all())
        if any(line.service_id == service.pk for line in lines):
            raise SkrankeError(
                _("%(service)s står allerede på kønummeret.") % {"service": localized(service, "name")},
                code="invalid",
            )
        TicketService.objects.create(ticket=ticket, service=service, position=len(lines))
    return ticket
