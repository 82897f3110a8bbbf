from django.core.management.base import BaseCommand, CommandError

from skranke.bookings.demo import demo_bookings
from skranke.errors import SkrankeError
from skranke.insights.simulation import DEMO_DAYS, DEMO_SEED, has_contacts, simulate
from skranke.organisation.demo import DEMO_CODE, DEMO_PASSWORD, demo_load
from skranke.organisation.models import Municipality
from skranke.queues.demo import demo_queues


class Command(BaseCommand):
    help = "Indlæs demokommunen (Roskilde) med lokationer, skranker, medarbejdere og bemyndigelser."

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=DEMO_DAYS,
            help=f"Dage med simulerede borgere og medarbejdere op til i går (standard {DEMO_DAYS}; 0: ingen).",
        )

    def handle(self, *args, **options):
        try:
            users = demo_load()
            municipality = Municipality.objects.get(code=DEMO_CODE)
            demo_queues(municipality=municipality)
            demo_bookings(municipality=municipality)
            days = options["days"]
            if days and has_contacts(municipality=municipality):
                self.stdout.write("Kommunen har allerede henvendelser; der simuleres ikke flere.")
            elif days:
                self.stdout.write(f"Simulerer {days} dage med borgere og medarbejdere, så tallene har noget at vise …")
                summary = simulate(municipality=municipality, days=days, seed=DEMO_SEED)
                for line in summary.lines(municipality):
                    self.stdout.write(line)
        except SkrankeError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(self.style.SUCCESS("Demokommunen Roskilde er klar."))
        self.stdout.write(
            f"Log ind på http://127.0.0.1:8000/ med adgangskoden »{DEMO_PASSWORD}« og et af brugernavnene:"
        )
        width = max(len(u.username) for u in users)
        for user in users:
            self.stdout.write(f"  {user.username.ljust(width)}  {user.first_name} {user.last_name}: {user.description}")
