"""Simulated counter days (`skranke simulate`): citizens, staff and appointments driven through the real services.

A discrete-event simulation (SimPy) of every active site area of one
municipality, day by day: citizens take tickets at the kiosk
(queues.services.ticket_issue) or book ahead and check in
(bookings.services.appointment_book, appointment_check_in); staff open their
counters, call (ticket_call_next, which enforces the municipality's policy),
recall, serve and finish (contacts.services.ticket_finish); some citizens
answer the satisfaction question. Nothing is inserted behind the services'
backs, so the wait estimates stored on the tickets are the ones the kiosk
would have shown. The assumptions live in `profile`, the counters and staff
in `cast`, the day's processes in `day`.

Reproducible: the same seed on the same database gives the same tickets,
times, services, outcomes and answers. Every random draw comes from
`random.Random` streams seeded from the seed and the day. Ticket tokens and
booking codes come from `secrets`, as in real use, and differ between runs;
so do database ids and the audit trail's clock.
"""

import datetime as dt

from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone

from skranke.contacts.models import Contact
from skranke.errors import SkrankeError
from skranke.insights.simulation.cast import cast_prepare
from skranke.insights.simulation.day import Run, Summary
from skranke.organisation.models import Municipality

__all__ = ["DEMO_DAYS", "DEMO_SEED", "MAX_DAYS", "Summary", "has_contacts", "simulate"]

MAX_DAYS = 366
DEMO_DAYS, DEMO_SEED = 28, 265


def has_contacts(*, municipality: Municipality) -> bool:
    """Whether the municipality has served anyone yet: the demo simulates its four weeks only once."""
    return Contact.objects.filter(site__municipality=municipality).exists()


def simulate(
    *, municipality: Municipality, days: int, seed: int, end: dt.date | None = None, volume: float = 1.0
) -> Summary:
    """Simulate the `days` days up to and including `end` (default: yesterday) at every active site.

    `volume` scales the arrivals and bookings (the tests use a fraction).
    Each day is one transaction; the cast (extra counters and staff) is made first, in its own.
    """
    if not 1 <= days <= MAX_DAYS:
        raise SkrankeError(f"Antal dage skal være mellem 1 og {MAX_DAYS}.", code="invalid", field="days")
    today = timezone.localdate()
    end = end or today - dt.timedelta(days=1)
    if end >= today:
        raise SkrankeError("Den sidste simulerede dag skal ligge før i dag.", code="invalid", field="end")
    first = end - dt.timedelta(days=days - 1)
    summary = Summary(first_day=first, last_day=end)
    # Simulated citizens are sent nothing: they book with a phone number only (a text message is cheaper to
    # render than an e-mail with its QR code and calendar file), and the message stays in memory. Django's query
    # log is off: with DEBUG it keeps (and on SQLite quotes again) each of the run's hundreds of thousands of queries.
    quiet = override_settings(
        DEBUG=False,
        EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend",
        SKRANKE_SMS_BACKEND="skranke.notices.sms.MemorySmsBackend",
    )
    with quiet:
        cast = cast_prepare(municipality=municipality, first_day=first)
        run = Run(cast=cast, seed=seed, volume=volume, summary=summary)
        day = first
        while day <= end:
            with transaction.atomic():
                run.day(day)
            day += dt.timedelta(days=1)
    return summary
