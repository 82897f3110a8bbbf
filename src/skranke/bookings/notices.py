"""What the citizen is told about an appointment: confirmation, reminder, cancellation, waitlist offer.

By e-mail (with the .ics attached) and, when they gave a phone number, by
text message (skranke.notices.sms). Every message is in the language the
citizen booked in.

Exactly once: a reminder and a waitlist offer are claimed with one UPDATE
that sets `reminder_sent_at` / `offer_sent_at` only where it is still empty,
in the transaction that sends them. Two workers handling the same reminder
both run the UPDATE; the second waits for the first's row lock, then finds
the column set and sends nothing. If sending fails, the claim rolls back and
the next run tries again.
"""

import datetime as dt
import io
import logging

import segno
from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from skranke.bookings.ics import appointment_ics
from skranke.bookings.models import Appointment, Status, WaitlistEntry
from skranke.bookings.services import appointment_token
from skranke.catalogue.models import localized
from skranke.notices.sms import send_sms

logger = logging.getLogger(__name__)


def absolute(path: str) -> str:
    return settings.SKRANKE_BASE_URL.rstrip("/") + path


def manage_url(appointment: Appointment) -> str:
    return absolute(reverse("web:booking_manage", kwargs={"token": appointment_token(appointment)}))


def qr_png(text: str) -> bytes:
    """The booking code as a QR code in a PNG, for the kiosk's scanner (segno writes PNG without Pillow)."""
    buffer = io.BytesIO()
    segno.make(text, error="m").save(buffer, kind="png", scale=8, border=4)
    return buffer.getvalue()


def reminder_before() -> dt.timedelta:
    return dt.timedelta(hours=settings.BOOKING_REMINDER_HOURS)


def _context(appointment: Appointment) -> dict:
    services = [line.service for line in appointment.appointment_services.select_related("service")]
    local = timezone.localtime(appointment.starts_at)
    return {
        "appointment": appointment,
        "site": appointment.site,
        "services": services,
        "service_names": ", ".join(localized(s, "name") for s in services),
        "documents": list(dict.fromkeys(d for s in services for d in s.documents)),
        "start": local,
        "end": timezone.localtime(appointment.ends_at),
        "manage_url": manage_url(appointment) if appointment.status in (Status.BOOKED, Status.HELD) else "",
    }


def _send(appointment: Appointment, kind: str, *, ics: bool, context: dict | None = None) -> None:
    """The e-mail and the text message of `kind` (templates bookings/notices/<kind>_*.txt)."""
    with translation.override(appointment.language):
        context = {**_context(appointment), **(context or {})}
        if appointment.email:
            subject = render_to_string(f"bookings/notices/{kind}_subject.txt", context).strip()
            body = render_to_string(f"bookings/notices/{kind}_email.txt", context)
            message = EmailMessage(subject=subject, body=body, to=[appointment.email])
            if kind == "confirmation":
                message.attach(f"bookingkode-{appointment.code}.png", qr_png(appointment.code), "image/png")
            if ics:
                cancelled = appointment.status == Status.CANCELLED
                message.attach(
                    f"tid-{appointment.code}.ics",
                    appointment_ics(appointment, manage_url=context["manage_url"], cancelled=cancelled),
                    "text/calendar",
                )
            message.send()
        if appointment.phone:
            send_sms(to=appointment.phone, text=render_to_string(f"bookings/notices/{kind}_sms.txt", context).strip())


def send_confirmation(appointment: Appointment) -> None:
    _send(appointment, "confirmation", ics=True)


def send_cancellation(appointment: Appointment) -> None:
    _send(appointment, "cancellation", ics=True)


def send_reminder(appointment_id: int, *, starts_at: dt.datetime | None = None, now: dt.datetime | None = None) -> bool:
    """Send the reminder of one appointment unless it was sent, moved, cancelled or is over; True when sent.

    `starts_at`: the time the reminder was scheduled for; a moved appointment has a reminder of its own.
    """
    now = now or timezone.now()
    with transaction.atomic():
        due = Appointment.objects.filter(
            pk=appointment_id, status=Status.BOOKED, reminder_sent_at__isnull=True, starts_at__gt=now
        )
        if starts_at is not None:
            due = due.filter(starts_at=starts_at)
        if not due.update(reminder_sent_at=now):
            return False
        appointment = Appointment.objects.select_related("site").get(pk=appointment_id)
        _send(appointment, "reminder", ics=False)
    return True


def send_due_reminders(*, now: dt.datetime | None = None) -> int:
    """Every reminder due by now (for `skranke appointments_due` on a schedule); the number sent."""
    now = now or timezone.now()
    due = Appointment.objects.filter(
        status=Status.BOOKED,
        reminder_sent_at__isnull=True,
        starts_at__gt=now,
        starts_at__lte=now + reminder_before(),
    ).values_list("pk", flat=True)
    sent = 0
    for pk in list(due):
        try:
            sent += send_reminder(pk, now=now)
        except Exception:  # one citizen's bad address must not stop the others' reminders
            logger.exception("Reminder for appointment %s not sent", pk)
    return sent


def send_waitlist_offer(entry_id: int, *, now: dt.datetime | None = None) -> bool:
    """E-mail the time offered to a waitlist entry, once; True when sent."""
    now = now or timezone.now()
    with transaction.atomic():
        claimed = WaitlistEntry.objects.filter(
            pk=entry_id, offered__isnull=False, offer_sent_at__isnull=True, offer_expires_at__gt=now
        ).update(offer_sent_at=now)
        if not claimed:
            return False
        entry = WaitlistEntry.objects.select_related("offered__site", "site").get(pk=entry_id)
        from skranke.bookings.waitlist import waitlist_token  # waitlist schedules these offers

        accept = absolute(reverse("web:waitlist_offer", kwargs={"token": waitlist_token(entry)}))
        _send(
            entry.offered,
            "waitlist_offer",
            ics=False,
            context={"accept_url": accept, "expires": timezone.localtime(entry.offer_expires_at)},
        )
    return True


def send_pending_offers(*, now: dt.datetime | None = None) -> int:
    """Every waitlist offer not e-mailed yet (for `skranke appointments_due`); the number sent."""
    now = now or timezone.now()
    pending = WaitlistEntry.objects.filter(
        offered__isnull=False, offer_sent_at__isnull=True, offer_expires_at__gt=now
    ).values_list("pk", flat=True)
    sent = 0
    for pk in list(pending):
        try:
            sent += send_waitlist_offer(pk, now=now)
        except Exception:  # one bad address must not stop the other offers
            logger.exception("Waitlist offer %s not sent", pk)
    return sent
