from django.core.management.base import BaseCommand, CommandError

from skranke.bookings.demo import demo_bookings
from skranke.errors import SkrankeError
from skranke.organisation.demo import DEMO_CODE, DEMO_PASSWORD, demo_load
from skranke.organisation.models import Municipality
from skranke.queues.demo import demo_queues


class Command(BaseCommand):
    help = "Indlæs demokommunen (Roskilde) med lokationer, skranker, medarbejdere og bemyndigelser."

    def handle(self, *args, **options):
        try:
            users = demo_load()
            municipality = Municipality.objects.get(code=DEMO_CODE)
            demo_queues(municipality=municipality)
            demo_bookings(municipality=municipality)
        except SkrankeError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(self.style.SUCCESS("Demokommunen Roskilde er klar."))
        self.stdout.write(
            f"Log ind på http://127.0.0.1:8000/ med adgangskoden »{DEMO_PASSWORD}« og et af brugernavnene:"
        )
        width = max(len(u.username) for u in users)
        for user in users:
            self.stdout.write(f"  {user.username.ljust(width)}  {user.first_name} {user.last_name}: {user.description}")
