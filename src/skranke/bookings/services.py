"""Booking, moving and cancelling appointments, the waitlist, check-in at the kiosk and no-shows.

Every change of a day's booked times happens with that site area's day row
locked (`lock_days`), so two citizens can never get the same lane at the same
time; a unique constraint (and on PostgreSQL an exclusion constraint) is the
backstop. Waitlist offers live in bookings.waitlist.
"""

import datetime as dt
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from skranke.bookings.calendar import closed_because
from skranke.bookings.models import (
    Appointment,
    AppointmentDay,
    AppointmentService,
    Channel,
    Language,
    Status,
)
from skranke.bookings.selectors import (
    FreeSlot,
    Visit,
    day_free,
    day_windows,
    load_period,
    nearest_free,
    visits,
)
from skranke.catalogue.models import Service
from skranke.errors import NotFound, SkrankeError
from skranke.organisation.models import Site, StaffMember
from skranke.privacy.models import Action
from skranke.privacy.services import audit_record
from skranke.queues.models import Channel as TicketChannel
from skranke.queues.models import Queue, Ticket
from skranke.queues.services import clean_email, clean_phone, ticket_issue

# Booking codes are read aloud and typed at a kiosk: no 0/O, 1/I/L, 2/Z, 5/S, 6/G, 8/B.
CODE_ALPHABET = "ACDEFHJKMNPQRTUVWXY3479"
CODE_LENGTH = 8
TOKEN_SALT = "skranke.bookings.appointment"

MOVES: dict[str, set[str]] = {
    Status.HELD: {Status.BOOKED, Status.EXPIRED, Status.CANCELLED},
    Status.BOOKED: {Status.CANCELLED, Status.CHECKED_IN, Status.LATE, Status.NO_SHOW},
    Status.CHECKED_IN: set(),
    Status.LATE: set(),
    Status.NO_SHOW: set(),
    Status.CANCELLED: set(),
    Status.EXPIRED: set(),
}


def set_status(appointment: Appointment, to: str) -> None:
    if to not in MOVES[appointment.status]:
        raise SkrankeError(
            _("Tiden er %(status)s og kan ikke blive %(to)s.")
            % {"status": appointment.get_status_display().lower(), "to": Status(to).label.lower()},
            code="conflict",
        )
    appointment.status = to


def _when(moment: dt.datetime) -> str:
    """»tirsdag 3. marts 2026 kl. 10.15«, as a citizen reads it."""
    local = timezone.localtime(moment)
    return _("%(day)s kl. %(time)s") % {
        "day": formats.date_format(local, "l j. F Y"),
        "time": local.strftime("%H.%M"),
    }


def _times(slots: list[FreeSlot]) -> str:
    return ", ".join(_when(slot.starts_at) for slot in slots)


class SlotTaken(SkrankeError):
    """The time was free when shown but someone else got it first; `alternatives` are the nearest free times."""

    def __init__(self, alternatives: list[FreeSlot]):
        if alternatives:
            message = _("Tiden er lige blevet taget af en anden. De nærmeste ledige tider er %(times)s.") % {
                "times": _times(alternatives)
            }
        else:
            message = _("Tiden er lige blevet taget af en anden, og der er ingen ledige tider i nærheden.")
        super().__init__(message, code="taken", field="start")
        self.alternatives = alternatives


def normalise_code(raw: str) -> str:
    return "".join(ch for ch in (raw or "").upper() if ch.isalnum())


def _new_code() -> str:
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        if not Appointment.objects.filter(code=code).exists():
            return code


def _aware(start: dt.datetime) -> dt.datetime:
    if not isinstance(start, dt.datetime):
        raise SkrankeError(_("Vælg en dag og et tidspunkt."), code="invalid", field="start")
    if timezone.is_naive(start):
        start = timezone.make_aware(start)
    return start.astimezone(dt.UTC)


def lock_days(*keys: tuple[int, str, dt.date]) -> None:
    """Lock each site area's day row (made on first use), always in the same order so two movers cannot deadlock.

    An upsert makes the row without a race, as queues' _next_number does;
    SELECT ... FOR UPDATE then holds it until the transaction ends. On SQLite
    the transaction itself is the lock (BEGIN IMMEDIATE).
    """
    table = connection.ops.quote_name(AppointmentDay._meta.db_table)
    for site_id, area, day in sorted(set(keys)):
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} (site_id, area, day, changes) VALUES (%s, %s, %s, 0) "
                "ON CONFLICT (site_id, area, day) DO NOTHING",
                [site_id, area, day],
            )
        list(
            AppointmentDay.objects.select_for_update()
            .filter(site_id=site_id, area=area, day=day)
            .values_list("pk", flat=True)
        )


def _day_key(appointment_or_slot) -> tuple[int, str, dt.date]:
    return (appointment_or_slot.site_id, appointment_or_slot.area, timezone.localdate(appointment_or_slot.starts_at))


def _refuse_unbookable(visit: Visit, start: dt.datetime, *, now: dt.datetime, channel: str) -> None:
    """Why `start` can never be booked for this visit, whoever else has booked; nothing when it could be."""
    day = timezone.localdate(start)
    today = timezone.localdate(now)
    if start < now:
        raise SkrankeError(_("Tidspunktet er allerede passeret. Vælg en senere tid."), code="past", field="start")
    if day > today + dt.timedelta(days=visit.book_ahead_days):
        raise SkrankeError(
            _("Der kan højst bestilles %(days)d dage frem.") % {"days": visit.book_ahead_days},
            code="invalid",
            field="start",
        )
    if channel == Channel.ONLINE and start < now + visit.min_notice:
        minutes = int(visit.min_notice.total_seconds() // 60)
        raise SkrankeError(
            _("Tider skal bestilles mindst %(hours)s før. Ring til Borgerservice, hvis det haster.")
            % {"hours": _("%d timer") % (minutes // 60) if minutes % 60 == 0 else _("%d minutter") % minutes},
            code="invalid",
            field="start",
        )
    period = load_period([visit.setup], day, day)
    reason = closed_because(day=day, area=visit.setup.area, closures=period.closures.get(visit.setup.site_id, []))
    if reason:
        raise SkrankeError(
            _("%(site)s har lukket %(day)s (%(reason)s). Vælg en anden dag.")
            % {"site": visit.site.name, "day": formats.date_format(day, "j. F"), "reason": reason},
            code="closed",
            field="start",
        )
    opening = day_windows(visit, day, period)
    end = start + visit.duration
    window = next(((o, c) for o, c in opening if o <= start and end <= c), None)
    if window is None:
        raise SkrankeError(
            _("Tiden ligger uden for åbningstiden på %(site)s. Vælg en af de viste tider.") % {"site": visit.site.name},
            code="closed",
            field="start",
        )
    if (start - window[0]) % visit.step:
        raise SkrankeError(_("Vælg en af de viste tider."), code="invalid", field="start")


def _visit_at(*, site: Site, services: list[Service]) -> Visit:
    if not site.active:
        raise SkrankeError(_("%(site)s tager ikke imod bestillinger.") % {"site": site.name}, code="closed")
    return visits(municipality=site.municipality, services=services, site=site)[0]


def _free_at(visit: Visit, start: dt.datetime, *, now, channel, exclude=None) -> FreeSlot | None:
    day = timezone.localdate(start)
    period = load_period([visit.setup], day, day, exclude=exclude)
    return next((s for s in day_free(visit, day, period, now=now, channel=channel) if s.starts_at == start), None)


def _taken(visit: Visit, start, *, now, channel, exclude=None) -> SlotTaken:
    alternatives = nearest_free(
        municipality=visit.site.municipality,
        services=visit.services,
        site=visit.site,
        at=start,
        now=now,
        channel=channel,
        exclude=exclude,
    )
    return SlotTaken(alternatives)


def _check_staff(*, site: Site, channel: str, booked_by) -> None:
    if channel not in Channel.values:
        raise SkrankeError(_("Ukendt kanal."), code="invalid")
    if channel == Channel.ONLINE:
        return
    if booked_by is None:
        raise SkrankeError(_("En bestilling ved skranken eller i telefonen skal have en medarbejder."), code="invalid")
    municipality_id = StaffMember.objects.filter(user=booked_by).values_list("municipality_id", flat=True).first()
    if municipality_id != site.municipality_id:
        raise SkrankeError(_("Lokationen hører til en anden kommune end din."), code="forbidden")


def _audit(appointment: Appointment, *, action: str, actor, client_address=None, detail: str = "") -> None:
    if actor is None:
        return
    audit_record(
        municipality=appointment.site.municipality,
        action=action,
        actor=actor,
        client_address=client_address,
        object_type="bookings.appointment",
        object_id=appointment.pk,
        detail=detail,
    )


def _notify(kind: str, appointment: Appointment) -> None:
    """The citizen's e-mail and text message, once the transaction commits (bookings.tasks.notify)."""
    from skranke.bookings.tasks import notify

    notify(kind, appointment)


def clean_contact(*, name: str, email: str, phone: str) -> tuple[str, str, str]:
    name = " ".join((name or "").split())[:150]
    email, phone = clean_email(email), clean_phone(phone)
    if not (email or phone):
        raise SkrankeError(
            _("Skriv din e-mail eller dit mobilnummer, så vi kan sende bekræftelse og påmindelse."),
            code="invalid",
            field="email",
        )
    return name, email, phone


def _same_person(appointment: Appointment, *, email: str, phone: str) -> bool:
    return bool((email and appointment.email.lower() == email.lower()) or (phone and appointment.phone == phone))


def create_appointment(
    slot: FreeSlot, services: list[Service], *, status: str, created_at: dt.datetime, **fields
) -> Appointment:
    """Save the appointment on `slot`; the caller holds the day's lock and has checked the slot is free."""
    try:
        with transaction.atomic():
            appointment = Appointment.objects.create(
                site=slot.site,
                area=slot.area,
                lane=slot.lane,
                starts_at=slot.starts_at,
                ends_at=slot.ends_at,
                status=status,
                code=_new_code(),
                created_at=created_at,
                **fields,
            )
    except IntegrityError:
        # The day lock makes this unreachable; the constraints are the backstop if someone bypasses it.
        raise SkrankeError(_("Tiden er lige blevet taget af en anden."), code="taken", field="start") from None
    AppointmentService.objects.bulk_create(
        AppointmentService(appointment=appointment, service=service, position=index)
        for index, service in enumerate(services)
    )
    return appointment


def appointment_book(
    *,
    services: list[Service],
    site: Site,
    start: dt.datetime,
    name: str = "",
    email: str = "",
    phone: str = "",
    language: str = Language.DANISH,
    channel: str = Channel.ONLINE,
    booked_by=None,
    now: dt.datetime | None = None,
    client_address: str | None = None,
) -> Appointment:
    """Book `services` in one visit at `site` from `start`, on the lowest free lane.

    The same person booking the same services at the same time again (a form
    sent twice) gets the first booking back, marked `repeated = True`.
    When someone else got the time first: SlotTaken (code "taken") with the
    nearest free times on `alternatives`.
    """
    now = now or timezone.now()
    name, email, phone = clean_contact(name=name, email=email, phone=phone)
    if language not in Language.values:
        raise SkrankeError(_("Ukendt sprog."), code="invalid", field="language")
    _check_staff(site=site, channel=channel, booked_by=booked_by)
    visit = _visit_at(site=site, services=services)
    start = _aware(start)
    _refuse_unbookable(visit, start, now=now, channel=channel)
    with transaction.atomic():
        lock_days((site.pk, visit.setup.area, timezone.localdate(start)))
        repeated = _repeated(site=site, start=start, services=services, email=email, phone=phone)
        if repeated is not None:
            return repeated
        slot = _free_at(visit, start, now=now, channel=channel)
        if slot is not None:
            appointment = create_appointment(
                slot,
                services,
                status=Status.BOOKED,
                created_at=now,
                name=name,
                email=email,
                phone=phone,
                language=language,
                channel=channel,
                booked_by=booked_by if channel != Channel.ONLINE else None,
            )
            _audit(appointment, action=Action.CREATE, actor=appointment.booked_by, client_address=client_address)
            _notify("booked", appointment)
            return appointment
    # Outside the transaction: the day's lock is not held while the alternatives are looked up.
    raise _taken(visit, start, now=now, channel=channel)


def _repeated(*, site, start, services, email, phone) -> Appointment | None:
    wanted = [s.pk for s in services]
    for appointment in Appointment.objects.filter(site=site, starts_at=start, status=Status.BOOKED):
        ordered = list(appointment.appointment_services.order_by("position").values_list("service_id", flat=True))
        if ordered == wanted and _same_person(appointment, email=email, phone=phone):
            appointment.repeated = True
            return appointment
    return None


def _locked(appointment: Appointment) -> Appointment:
    return Appointment.objects.select_for_update().select_related("site__municipality").get(pk=appointment.pk)


def _services_of(appointment: Appointment) -> list[Service]:
    return [line.service for line in appointment.appointment_services.select_related("service").order_by("position")]


def appointment_reschedule(
    *,
    appointment: Appointment,
    start: dt.datetime,
    site: Site | None = None,
    now: dt.datetime | None = None,
    actor=None,
    client_address: str | None = None,
) -> Appointment:
    """Move a booked appointment to `start` (at `site`, default its own); the old time is freed only with the new.

    `actor` is the staff member's user when staff move it; None when the citizen does (by their link).
    """
    from skranke.bookings.waitlist import offer_freed

    now = now or timezone.now()
    appointment = Appointment.objects.select_related("site__municipality").get(pk=appointment.pk)
    site = site or appointment.site
    if actor is not None:
        _check_staff(site=site, channel=Channel.COUNTER, booked_by=actor)
        _check_staff(site=appointment.site, channel=Channel.COUNTER, booked_by=actor)
    channel = Channel.ONLINE if actor is None else Channel.COUNTER
    if appointment.status != Status.BOOKED:
        raise SkrankeError(
            _("Tiden er %(status)s og kan ikke flyttes.") % {"status": appointment.get_status_display().lower()},
            code="conflict",
        )
    if appointment.starts_at <= now:
        raise SkrankeError(_("Tiden er begyndt og kan ikke flyttes."), code="conflict")
    services = _services_of(appointment)
    visit = _visit_at(site=site, services=services)
    start = _aware(start)
    if start == appointment.starts_at and site.pk == appointment.site_id:
        raise SkrankeError(_("Det er allerede din tid. Vælg en anden tid."), code="invalid", field="start")
    _refuse_unbookable(visit, start, now=now, channel=channel)
    with transaction.atomic():
        new_key = (site.pk, visit.setup.area, timezone.localdate(start))
        lock_days(_day_key(appointment), new_key)
        current = _locked(appointment)
        if current.status != Status.BOOKED:
            raise SkrankeError(_("Tiden er ændret imens. Hent siden igen."), code="conflict")
        slot = _free_at(visit, start, now=now, channel=channel, exclude=current)
        if slot is not None:
            old = (current.site_id, current.area, current.starts_at, current.ends_at)
            current.site, current.area, current.lane = slot.site, slot.area, slot.lane
            current.starts_at, current.ends_at = slot.starts_at, slot.ends_at
            current.reminder_sent_at = None
            current.save(update_fields=["site", "area", "lane", "starts_at", "ends_at", "reminder_sent_at"])
            _audit(current, action=Action.CHANGE, actor=actor, client_address=client_address, detail="flyttet")
            _notify("moved", current)
            offer_freed(site_id=old[0], area=old[1], starts_at=old[2], ends_at=old[3], now=now)
            return current
    raise _taken(visit, start, now=now, channel=channel, exclude=appointment)


def appointment_cancel(
    *, appointment: Appointment, now: dt.datetime | None = None, actor=None, client_address: str | None = None
) -> Appointment:
    """Cancel a booked appointment (by the citizen's link, or by staff as `actor`); the freed time goes to the waitlist.

    Cancelling twice is no error: the second call returns the cancelled appointment.
    """
    from skranke.bookings.waitlist import offer_freed

    now = now or timezone.now()
    if actor is not None:
        _check_staff(site=appointment.site, channel=Channel.COUNTER, booked_by=actor)
    with transaction.atomic():
        lock_days(_day_key(appointment))
        current = _locked(appointment)
        if current.status == Status.CANCELLED:
            return current
        if current.status == Status.BOOKED and current.starts_at <= now:
            raise SkrankeError(_("Tiden er begyndt og kan ikke aflyses."), code="conflict")
        set_status(current, Status.CANCELLED)
        current.cancelled_at = now
        current.save(update_fields=["status", "cancelled_at"])
        _audit(current, action=Action.CHANGE, actor=actor, client_address=client_address, detail="aflyst")
        _notify("cancelled", current)
        current.offers = offer_freed(
            site_id=current.site_id, area=current.area, starts_at=current.starts_at, ends_at=current.ends_at, now=now
        )
    return current


# Tokens for the citizen's links to cancel or move: signed, and good until the appointment has ended.


def appointment_token(appointment: Appointment) -> str:
    return signing.dumps({"a": appointment.pk, "c": appointment.code}, salt=TOKEN_SALT)


def appointment_from_token(token: str, *, now: dt.datetime | None = None) -> Appointment:
    """The appointment a link is for; SkrankeError when the link was altered or the appointment is over."""
    now = now or timezone.now()
    try:
        data = signing.loads(token or "", salt=TOKEN_SALT)
        appointment = Appointment.objects.select_related("site__municipality").get(pk=data["a"], code=data["c"])
    except (signing.BadSignature, Appointment.DoesNotExist, KeyError, TypeError):
        raise SkrankeError(
            _("Linket virker ikke. Brug linket fra din bekræftelse, eller bestil en ny tid."), code="invalid_token"
        ) from None
    if appointment.ends_at <= now:
        raise SkrankeError(_("Linket er udløbet, fordi tiden er overstået."), code="expired")
    return appointment


# Check-in at the kiosk and no-shows


@dataclass(frozen=True)
class CheckIn:
    appointment: Appointment
    ticket: Ticket
    late: bool
    message: str


def _grace() -> dt.timedelta:
    return dt.timedelta(minutes=settings.BOOKING_CHECK_IN_GRACE_MINUTES)


def _queue_for(appointment: Appointment, services: list[Service]) -> tuple[Queue, list[Service]]:
    """The site's open queue for the appointment's area that serves the most of its services."""
    queues = list(
        Queue.objects.filter(site=appointment.site, area=appointment.area, active=True).prefetch_related("services")
    )
    best, served = None, []
    for queue in queues:
        ids = {s.pk for s in queue.services.all()}
        mine = [s for s in services if s.pk in ids]
        if len(mine) > len(served):
            best, served = queue, mine
    if best is None:
        raise SkrankeError(_("Der er ingen åben kø til din tid. Spørg ved skranken."), code="closed", field="code")
    return best, served


def appointment_check_in(*, code: str, site: Site, now: dt.datetime | None = None) -> CheckIn:
    """Check in at the kiosk with the booking code: a ticket served before walk-ins, or a walk-in one if late.

    Early check-in opens BOOKING_CHECK_IN_EARLY_MINUTES before the start, so an
    early arrival cannot jump ahead of the walk-ins for long. Checking in twice
    gives the same ticket back.
    """
    now = now or timezone.now()
    normalised = normalise_code(code)
    if not normalised:
        raise SkrankeError(_("Skriv din bookingkode."), code="invalid", field="code")
    with transaction.atomic():
        # Only the kiosk's own municipality's codes: another's would tell this kiosk that it exists, and where.
        appointment = (
            Appointment.objects.select_for_update(of=("self",))
            .select_related("site", "ticket__queue")
            .filter(code=normalised, site__municipality=site.municipality_id)
        ).first()
        if appointment is None:
            raise SkrankeError(
                _("Vi kan ikke finde bookingkoden %(code)s. Tjek koden, eller tag et nummer.") % {"code": normalised},
                code="not_found",
                field="code",
            )
        if appointment.site_id != site.pk:
            raise SkrankeError(
                _("Din tid er på %(site)s, ikke her.") % {"site": appointment.site.name},
                code="wrong_site",
                field="code",
            )
        if appointment.status in (Status.CHECKED_IN, Status.LATE) and appointment.ticket is not None:
            return CheckIn(
                appointment, appointment.ticket, appointment.status == Status.LATE, _("Du er allerede tjekket ind.")
            )
        if appointment.status == Status.CANCELLED:
            raise SkrankeError(_("Tiden er aflyst. Tag et nummer."), code="conflict", field="code")
        if appointment.status != Status.BOOKED:
            raise SkrankeError(
                _("Tiden er %(status)s. Tag et nummer.") % {"status": appointment.get_status_display().lower()},
                code="conflict",
                field="code",
            )
        day, today = timezone.localdate(appointment.starts_at), timezone.localdate(now)
        if day != today:
            message = (
                _("Din tid er %(when)s, ikke i dag.") if day > today else _("Din tid var %(when)s. Tag et nummer.")
            )
            raise SkrankeError(message % {"when": _when(appointment.starts_at)}, code="wrong_day", field="code")
        early = dt.timedelta(minutes=settings.BOOKING_CHECK_IN_EARLY_MINUTES)
        if now < appointment.starts_at - early:
            raise SkrankeError(
                _("Din tid er kl. %(time)s. Du kan tjekke ind fra kl. %(from)s.")
                % {
                    "time": timezone.localtime(appointment.starts_at).strftime("%H.%M"),
                    "from": timezone.localtime(appointment.starts_at - early).strftime("%H.%M"),
                },
                code="early",
                field="code",
            )
        late = now > appointment.starts_at + _grace()
        services = _services_of(appointment)
        queue, served = _queue_for(appointment, services)
        ticket = ticket_issue(
            queue=queue,
            services=served,
            channel=TicketChannel.WALK_IN if late else TicketChannel.APPOINTMENT,
            now=now,
        )
        set_status(appointment, Status.LATE if late else Status.CHECKED_IN)
        appointment.checked_in_at, appointment.ticket = now, ticket
        appointment.save(update_fields=["status", "checked_in_at", "ticket"])
    if late:
        message = _(
            "Du kom mere end %(minutes)d minutter efter din tid, så du står i køen uden aftale. "
            "Dit nummer er %(ticket)s."
        ) % {"minutes": settings.BOOKING_CHECK_IN_GRACE_MINUTES, "ticket": ticket.label}
    else:
        message = _("Du er tjekket ind. Dit nummer er %(ticket)s; du bliver kaldt før dem uden aftale.") % {
            "ticket": ticket.label
        }
    return CheckIn(appointment, ticket, late, message)


def appointments_mark_no_show(*, now: dt.datetime | None = None, municipality=None) -> int:
    """Booked appointments whose time has ended without a check-in become NO_SHOW; running it again changes nothing."""
    now = now or timezone.now()
    ended = Appointment.objects.filter(status=Status.BOOKED, ends_at__lte=now)
    if municipality is not None:
        ended = ended.filter(site__municipality=municipality)
    return ended.update(status=Status.NO_SHOW)


@transaction.atomic
def appointment_mark_no_show(
    *, appointment: Appointment, staff: StaffMember, now: dt.datetime | None = None, client_address=None
) -> Appointment:
    """Staff record that the citizen did not come; allowed once the grace period after the start has passed."""
    now = now or timezone.now()
    current = _locked(appointment)
    if current.site.municipality_id != staff.municipality_id:
        raise NotFound()
    if current.status == Status.NO_SHOW:
        return current
    if now < current.starts_at + _grace():
        raise SkrankeError(
            _("Borgeren kan først registreres som udeblevet %(minutes)d minutter efter tidens start.")
            % {"minutes": settings.BOOKING_CHECK_IN_GRACE_MINUTES},
            code="conflict",
        )
    set_status(current, Status.NO_SHOW)
    current.save(update_fields=["status"])
    _audit(current, action=Action.CHANGE, actor=staff.user, client_address=client_address, detail="udeblevet")
    return current


@transaction.atomic
def appointments_day_read(*, site: Site, day: dt.date, staff: StaffMember, client_address=None) -> list[Appointment]:
    """The staff page's list of the day's appointments, the read of names and contact details recorded."""
    from skranke.bookings.selectors import appointments_for_day

    appointments = appointments_for_day(site=site, day=day, user=staff.user)
    audit_record(
        municipality=staff.municipality,
        action=Action.READ,
        actor=staff.user,
        client_address=client_address,
        object_type="bookings.appointment",
        criteria={"site": site.pk, "day": day.isoformat(), "count": len(appointments)},
    )
    return appointments


def purge_appointment_personal(*, municipality, cutoff: dt.datetime, dry_run: bool) -> int:
    """Blank name, e-mail and phone of appointments that ended before `cutoff`, and drop old waitlist entries.

    Time, services and status stay for the statistics.
    """
    from skranke.bookings.models import WaitlistEntry, WaitlistStatus

    appointments = Appointment.objects.filter(site__municipality=municipality, ends_at__lt=cutoff).exclude(
        name="", email="", phone=""
    )
    done = Q(created_at__lt=cutoff) & ~Q(status__in=[WaitlistStatus.WAITING, WaitlistStatus.OFFERED])
    # An entry still waiting for a day or a booking long past waits for nothing.
    stale = Q(latest_day__lt=timezone.localdate(cutoff)) | Q(appointment__ends_at__lt=cutoff)
    entries = WaitlistEntry.objects.filter(done | stale, site__municipality=municipality)
    count = appointments.count() + entries.count()
    if dry_run:
        return count
    # A booked time that ended was never checked in (a no-show), and an offer that ended lapsed:
    # neither needs contact details any more.
    appointments_mark_no_show(now=cutoff, municipality=municipality)
    Appointment.objects.filter(site__municipality=municipality, status=Status.HELD, ends_at__lt=cutoff).update(
        status=Status.EXPIRED
    )
    entries.delete()
    appointments.update(name="", email="", phone="")
    return count
