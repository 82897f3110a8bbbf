"""skranke appointments_due: what is due for appointments now, for a scheduler to run every few minutes.

Sends the reminders that are due (each once, even with the background worker
or a second run going at the same time), lets waitlist offers not taken in
time lapse and offers their times to the next in line, and marks booked
appointments whose time ended without a check-in as no-shows. Every step can
run again without changing anything twice (docs/operations.md).
"""

from django.core.management.base import BaseCommand
from django.utils import timezone

from skranke.bookings.notices import send_due_reminders, send_pending_offers
from skranke.bookings.services import appointments_mark_no_show
from skranke.bookings.waitlist import waitlist_expire


class Command(BaseCommand):
    help = "Send påmindelser, lad udløbne ventelistetilbud gå videre og registrér udeblevne tider."

    def handle(self, *args, **options):
        now = timezone.now()
        reminders = send_due_reminders(now=now)
        lapsed = waitlist_expire(now=now)
        offers = send_pending_offers(now=now)
        no_shows = appointments_mark_no_show(now=now)
        self.stdout.write(
            f"Påmindelser sendt: {reminders}. Udløbne tilbud: {lapsed}. Tilbud sendt: {offers}. Udeblevne: {no_shows}."
        )
