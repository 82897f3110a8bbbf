"""Reminders: each sent once, to the time the appointment has now, by the background worker or the command."""

import datetime as dt
import io
import multiprocessing
from pathlib import Path

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection, connections
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from skranke.bookings import notices, tasks
from skranke.bookings.models import Appointment, Status
from skranke.bookings.selectors import FreeSlot
from skranke.bookings.services import appointment_book, appointment_reschedule, create_appointment
from skranke.notices import sms
from tests.bookings.conftest import at
from tests.concurrency import fresh_connections


def _booked_soon(site, services, *, hours: float, lane: int = 1, email="k@example.dk", phone="") -> Appointment:
    """An appointment `hours` from now, written past the booking rules (the reminder window is the point here)."""
    start = timezone.now().replace(microsecond=0) + dt.timedelta(hours=hours)
    slot = FreeSlot(
        site=site, area="CITIZEN_SERVICE", lane=lane, starts_at=start, ends_at=start + dt.timedelta(minutes=15)
    )
    return create_appointment(
        slot, services, status=Status.BOOKED, created_at=timezone.now(), name="K", email=email, phone=phone
    )


@pytest.mark.django_db
def test_a_reminder_is_sent_once(site, offers, passport):
    appointment = _booked_soon(site, [passport], hours=5, phone="12345678")
    assert notices.send_reminder(appointment.pk) is True
    assert notices.send_reminder(appointment.pk) is False
    (message,) = mail.outbox
    assert "Påmindelse" in message.subject and appointment.code in message.body
    assert [m.to for m in sms.outbox] == ["12345678"]
    appointment.refresh_from_db()
    assert appointment.reminder_sent_at is not None


@pytest.mark.django_db
def test_the_reminder_of_a_moved_time_is_not_sent_for_the_old_time(site, offers, passport, ten, day):
    appointment = appointment_book(services=[passport], site=site, start=ten, name="K", email="k@example.dk")
    old = appointment.starts_at
    appointment_reschedule(appointment=appointment, start=at(day, "12:00"))
    assert notices.send_reminder(appointment.pk, starts_at=old, now=ten - dt.timedelta(hours=3)) is False
    assert mail.outbox == []


@pytest.mark.django_db
def test_a_cancelled_appointment_gets_no_reminder(site, offers, passport):
    appointment = _booked_soon(site, [passport], hours=5)
    Appointment.objects.filter(pk=appointment.pk).update(status=Status.CANCELLED)
    assert notices.send_reminder(appointment.pk) is False


@pytest.mark.django_db
def test_booking_schedules_its_reminder_a_day_before(site, offers, passport, ten, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        appointment = appointment_book(services=[passport], site=site, start=ten, name="K", email="k@example.dk")
    task = DBTaskResult.objects.get(task_path="skranke.bookings.tasks.send_reminder")
    assert task.run_after == ten - dt.timedelta(hours=24)
    pk, starts_at = task.args_kwargs["args"]
    assert (pk, dt.datetime.fromisoformat(starts_at)) == (appointment.pk, ten)


@pytest.mark.django_db
def test_a_booking_at_short_notice_schedules_no_reminder(site, offers, passport, django_capture_on_commit_callbacks):
    appointment = _booked_soon(site, [passport], hours=2)
    with django_capture_on_commit_callbacks(execute=True):
        tasks.schedule_reminder(appointment)
    assert not DBTaskResult.objects.exists()


@pytest.mark.django_db
def test_the_command_sends_the_due_reminders_only(site, offers, passport):
    due = _booked_soon(site, [passport], hours=5)
    later = _booked_soon(site, [passport], hours=30, lane=2)
    call_command("appointments_due", stdout=io.StringIO())
    assert [m.body.count(due.code) for m in mail.outbox] == [1]
    assert later.code not in mail.outbox[0].body


# -- two workers at once, on PostgreSQL ------------------------------------------------------------

APPOINTMENTS = 20


def _worker(name: str) -> None:
    fresh_connections()
    call_command("db_worker", "--batch", "--no-startup-delay", "--worker-id", name, verbosity=0)
    connections.close_all()


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrency is proven on PostgreSQL")
def test_two_workers_send_each_reminder_exactly_once(site, offers, passport, settings, tmp_path):
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = str(tmp_path)
    booked = [_booked_soon(site, [passport], hours=3 + i / 4, lane=1 + i % 2) for i in range(APPOINTMENTS)]
    for appointment in booked:
        # Twice each, as a reschedule racing a retry might: the claim must still send one.
        for _ in range(2):
            tasks.send_reminder.enqueue(appointment.pk, appointment.starts_at.isoformat())
    connections.close_all()
    context = multiprocessing.get_context("fork")
    workers = [context.Process(target=_worker, args=(f"worker-{n}",)) for n in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
    assert [w.exitcode for w in workers] == [0, 0]
    sent = "".join(path.read_text() for path in Path(tmp_path).iterdir())
    assert [sent.count(f"Bookingkode: {a.code}") for a in booked] == [1] * APPOINTMENTS
    assert DBTaskResult.objects.filter(status="SUCCESSFUL").count() == 2 * APPOINTMENTS
    assert Appointment.objects.filter(reminder_sent_at__isnull=True).count() == 0
