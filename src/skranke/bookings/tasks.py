"""Background work for appointments, run by django-tasks' database worker (`skranke db_worker`).

Each booking enqueues its reminder to run BOOKING_REMINDER_HOURS before the
start; a moved booking enqueues a new one, and the old one finds the time
changed and sends nothing. Sites that prefer cron run `skranke appointments_due`
every few minutes instead (docs/operations.md); both may run at once, as each
reminder is claimed before it is sent (bookings.notices).
"""

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from skranke.bookings import notices


@task()
def send_reminder(appointment_id: int, starts_at: str) -> bool:
    return notices.send_reminder(appointment_id, starts_at=dt.datetime.fromisoformat(starts_at))


@task()
def send_waitlist_offer(entry_id: int) -> bool:
    return notices.send_waitlist_offer(entry_id)


def schedule_reminder(appointment, *, now: dt.datetime | None = None) -> None:
    """After the caller's transaction commits: the reminder, unless the start is nearer than the reminder time."""
    now = now or timezone.now()
    run_after = appointment.starts_at - notices.reminder_before()
    if run_after <= now:
        return  # booked at short notice: the confirmation is the reminder
    pk, starts_at = appointment.pk, appointment.starts_at.isoformat()
    transaction.on_commit(lambda: send_reminder.using(run_after=run_after).enqueue(pk, starts_at))


def schedule_waitlist_offer(entry) -> None:
    pk = entry.pk
    transaction.on_commit(lambda: send_waitlist_offer.enqueue(pk))


def notify(kind: str, appointment) -> None:
    """What the citizen is told after the caller's transaction commits: "booked", "moved" or "cancelled".

    The confirmation and the cancellation go at once, from the request (the
    citizen expects them while still on the page); a failing mail server is
    logged and never undoes the booking (robust on_commit). The reminder is
    scheduled for later.
    """
    senders = {
        "booked": notices.send_confirmation,
        "moved": notices.send_confirmation,
        "cancelled": notices.send_cancellation,
    }
    send = senders[kind]
    transaction.on_commit(lambda: send(appointment), robust=True)
    if kind in ("booked", "moved"):
        schedule_reminder(appointment)
