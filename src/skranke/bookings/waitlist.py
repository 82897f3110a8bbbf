"""The waitlist: citizens who want an earlier time, offered a freed time in turn.

A freed time (a cancellation, a move, a lapsed offer) is offered to the first
entry in line it fits, as a HELD appointment that holds the lane like a
booking, so nobody else takes it while the citizen decides. Accepting books
it; when the offer lapses (BOOKING_OFFER_HOURS, run `waitlist_expire` on a
schedule) the time is freed and offered to the next in line. Whoever sends
the offer e-mail claims it by setting `offer_sent_at` in one UPDATE, so each
offer is sent once.
"""

import datetime as dt

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from skranke.bookings.models import (
    Appointment,
    Language,
    Status,
    WaitlistEntry,
    WaitlistStatus,
)
from skranke.bookings.selectors import FreeSlot, day_free, load_period, visits
from skranke.bookings.services import clean_contact, create_appointment, lock_days, set_status
from skranke.bookings.tasks import notify, schedule_waitlist_offer
from skranke.catalogue.models import Service
from skranke.errors import SkrankeError
from skranke.organisation.models import Site

TOKEN_SALT = "skranke.bookings.waitlist"


def waitlist_join(
    *,
    site: Site,
    services: list[Service] | None = None,
    email: str,
    name: str = "",
    phone: str = "",
    language: str = Language.DANISH,
    latest_day: dt.date | None = None,
    appointment: Appointment | None = None,
    now: dt.datetime | None = None,
) -> WaitlistEntry:
    """Put a citizen on the site's waitlist for a time no later than `latest_day`, or earlier than `appointment`.

    Joining again with the same e-mail and services returns the entry already waiting.
    """
    now = now or timezone.now()
    name, email, phone = clean_contact(name=name, email=email, phone=phone)
    if not email:
        raise SkrankeError(
            _("Skriv din e-mail, så vi kan skrive til dig, når en tid bliver ledig."), code="invalid", field="email"
        )
    if language not in Language.values:
        raise SkrankeError(_("Ukendt sprog."), code="invalid", field="language")
    if appointment is not None:
        if appointment.status != Status.BOOKED or appointment.starts_at <= now:
            raise SkrankeError(_("Kun en kommende, bestilt tid kan stå på venteliste."), code="invalid")
        site = appointment.site
        services = [line.service for line in appointment.appointment_services.select_related("service")]
        latest_day = None
    elif latest_day is None:
        raise SkrankeError(_("Vælg den seneste dag, du kan bruge."), code="invalid", field="latest_day")
    elif latest_day < timezone.localdate(now):
        raise SkrankeError(_("Den seneste dag er allerede passeret."), code="past", field="latest_day")
    visit = visits(municipality=site.municipality, services=services or [], site=site)[0]
    with transaction.atomic():
        for entry in WaitlistEntry.objects.filter(
            site=site, email__iexact=email, status__in=[WaitlistStatus.WAITING, WaitlistStatus.OFFERED]
        ).prefetch_related("services"):
            if {s.pk for s in entry.services.all()} == {s.pk for s in services}:
                return entry
        entry = WaitlistEntry.objects.create(
            site=site,
            area=visit.setup.area,
            name=name,
            email=email,
            phone=phone,
            language=language,
            latest_day=latest_day,
            appointment=appointment,
            created_at=now,
        )
        entry.services.set(services)
    return entry


def _fits(entry: WaitlistEntry, slot: FreeSlot) -> bool:
    if entry.appointment_id is not None:
        return slot.starts_at < entry.appointment.starts_at
    return timezone.localdate(slot.starts_at) <= entry.latest_day


def offer_freed(
    *, site_id: int, area: str, starts_at: dt.datetime, ends_at: dt.datetime, now: dt.datetime
) -> list[WaitlistEntry]:
    """Offer the freed time to the entries in line it fits, first come first served, until none fits.

    The caller holds the day's lock. Returns the entries offered a time.
    """
    if ends_at <= now:
        return []
    day = timezone.localdate(starts_at)
    waiting = list(
        WaitlistEntry.objects.filter(site_id=site_id, area=area, status=WaitlistStatus.WAITING)
        .select_related("site__municipality", "appointment")
        .prefetch_related("services")
        .order_by("created_at", "pk")
    )
    offered = []
    hold = dt.timedelta(hours=settings.BOOKING_OFFER_HOURS)
    for entry in waiting:
        services = sorted(entry.services.all(), key=lambda s: (s.position, s.key))
        try:
            visit = visits(municipality=entry.site.municipality, services=services, site=entry.site)[0]
        except SkrankeError:
            continue  # no longer bookable here; the entry waits on in case it becomes so again
        period = load_period([visit.setup], day, day)
        slot = next(
            (
                s
                for s in day_free(visit, day, period, now=now)
                if s.starts_at < ends_at and s.ends_at > starts_at and _fits(entry, s)
            ),
            None,
        )
        if slot is None:
            continue
        held = create_appointment(
            slot,
            services,
            status=Status.HELD,
            created_at=now,
            name=entry.name,
            email=entry.email,
            phone=entry.phone,
            language=entry.language,
        )
        entry.status, entry.offered = WaitlistStatus.OFFERED, held
        entry.offer_expires_at = min(now + hold, slot.starts_at)
        entry.save(update_fields=["status", "offered", "offer_expires_at"])
        schedule_waitlist_offer(entry)
        offered.append(entry)
    return offered


def _fresh(entry: WaitlistEntry) -> WaitlistEntry:
    return WaitlistEntry.objects.select_related("offered", "appointment", "site").get(pk=entry.pk)


def _locked_entry(entry: WaitlistEntry) -> WaitlistEntry:
    return (
        WaitlistEntry.objects.select_for_update(of=("self",))
        .select_related("offered", "appointment", "site")
        .get(pk=entry.pk)
    )


def waitlist_accept(*, entry: WaitlistEntry, now: dt.datetime | None = None) -> Appointment:
    """Take the offered time: it becomes a booking; a booking the entry wanted to move from is cancelled."""
    now = now or timezone.now()
    entry = _fresh(entry)
    with transaction.atomic():
        offered = entry.offered
        if offered is None:
            raise SkrankeError(_("Der er ikke tilbudt nogen tid."), code="conflict")
        keys = [(offered.site_id, offered.area, timezone.localdate(offered.starts_at))]
        if entry.appointment is not None:
            old = entry.appointment
            keys.append((old.site_id, old.area, timezone.localdate(old.starts_at)))
        lock_days(*keys)
        entry = _locked_entry(entry)
        if entry.status == WaitlistStatus.BOOKED and entry.offered is not None:
            return entry.offered
        if entry.status != WaitlistStatus.OFFERED or entry.offer_expires_at <= now:
            raise SkrankeError(
                _("Tilbuddet er udløbet, og tiden er givet videre. Du kan bestille en anden tid."), code="expired"
            )
        held = entry.offered
        set_status(held, Status.BOOKED)
        held.created_at = now
        held.save(update_fields=["status", "created_at"])
        entry.status = WaitlistStatus.BOOKED
        entry.save(update_fields=["status"])
        notify("booked", held)
        old = entry.appointment
        if old is not None and old.status == Status.BOOKED:
            set_status(old, Status.CANCELLED)
            old.cancelled_at = now
            old.save(update_fields=["status", "cancelled_at"])
            offer_freed(site_id=old.site_id, area=old.area, starts_at=old.starts_at, ends_at=old.ends_at, now=now)
    return held


def waitlist_leave(*, entry: WaitlistEntry, now: dt.datetime | None = None) -> WaitlistEntry:
    """The citizen no longer wants a time; an offer they held goes to the next in line."""
    now = now or timezone.now()
    entry = _fresh(entry)
    with transaction.atomic():
        if entry.offered is not None:
            lock_days((entry.offered.site_id, entry.offered.area, timezone.localdate(entry.offered.starts_at)))
        entry = _locked_entry(entry)
        if entry.status not in (WaitlistStatus.WAITING, WaitlistStatus.OFFERED):
            return entry
        held = entry.offered if entry.status == WaitlistStatus.OFFERED else None
        entry.status = WaitlistStatus.CANCELLED
        entry.save(update_fields=["status"])
        if held is not None:
            _free_held(held, to=Status.CANCELLED, now=now)
    return entry


def _free_held(held: Appointment, *, to: str, now: dt.datetime) -> None:
    set_status(held, to)
    held.cancelled_at = now
    held.save(update_fields=["status", "cancelled_at"])
    offer_freed(site_id=held.site_id, area=held.area, starts_at=held.starts_at, ends_at=held.ends_at, now=now)


def waitlist_expire(*, now: dt.datetime | None = None) -> int:
    """Offers not taken in time lapse and their times go to the next in line; run it every few minutes."""
    now = now or timezone.now()
    lapsed = 0
    due = WaitlistEntry.objects.filter(status=WaitlistStatus.OFFERED, offer_expires_at__lte=now).select_related(
        "offered"
    )
    for entry in due:
        held = entry.offered
        with transaction.atomic():
            lock_days((held.site_id, held.area, timezone.localdate(held.starts_at)))
            entry = _locked_entry(entry)
            if entry.status != WaitlistStatus.OFFERED or entry.offer_expires_at > now:
                continue  # accepted or handled by another worker meanwhile
            entry.status = WaitlistStatus.EXPIRED
            entry.save(update_fields=["status"])
            _free_held(entry.offered, to=Status.EXPIRED, now=now)
            lapsed += 1
    return lapsed


def waitlist_token(entry: WaitlistEntry) -> str:
    return signing.dumps({"w": entry.pk, "e": entry.email}, salt=TOKEN_SALT)


def waitlist_from_token(token: str) -> WaitlistEntry:
    """The waitlist entry an offer link is for; SkrankeError when the link was altered."""
    try:
        data = signing.loads(token or "", salt=TOKEN_SALT)
        return WaitlistEntry.objects.select_related("site", "offered", "appointment").get(pk=data["w"], email=data["e"])
    except (signing.BadSignature, WaitlistEntry.DoesNotExist, KeyError, TypeError):
        raise SkrankeError(_("Linket virker ikke. Brug linket fra din e-mail."), code="invalid_token") from None
