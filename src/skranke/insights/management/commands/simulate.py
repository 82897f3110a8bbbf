import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from skranke.errors import SkrankeError
from skranke.insights.simulation import MAX_DAYS, simulate
from skranke.organisation.models import Municipality


class Command(BaseCommand):
    help = "Simulér dagene op til i går ved alle kommunens lokationer: kønumre, tider, henvendelser og svar."

    def add_arguments(self, parser):
        parser.add_argument("--municipality", required=True, help="Kommunekode, fx 265.")
        parser.add_argument("--days", required=True, help=f"Antal dage (1-{MAX_DAYS}).")
        parser.add_argument("--seed", default="1", help="Heltal; samme tal giver samme data.")
        parser.add_argument("--end", help="Sidste simulerede dag, ÅÅÅÅ-MM-DD (standard: i går).")

    def handle(self, *args, **options):
        code = _integer(options["municipality"], "Kommunekoden skal være et tal, fx 265.")
        days = _integer(options["days"], f"Antal dage skal være et helt tal mellem 1 og {MAX_DAYS}.")
        seed = _integer(options["seed"], "Seed skal være et helt tal, fx 1.")
        if not 1 <= days <= MAX_DAYS:
            raise CommandError(f"Antal dage skal være et helt tal mellem 1 og {MAX_DAYS}.")
        end = None
        if options["end"]:
            try:
                end = dt.date.fromisoformat(options["end"])
            except ValueError:
                raise CommandError("Slutdatoen skal skrives ÅÅÅÅ-MM-DD, fx 2026-11-30.") from None
        municipality = Municipality.objects.filter(code=code).first()
        if municipality is None:
            raise CommandError(f"Der findes ingen kommune med koden {code}.")
        try:
            summary = simulate(municipality=municipality, days=days, seed=seed, end=end)
        except SkrankeError as error:
            raise CommandError(str(error)) from None
        for line in summary.lines(municipality):
            self.stdout.write(line)


def _integer(raw, message: str) -> int:
    try:
        return int(str(raw).strip())
    except ValueError:
        raise CommandError(message) from None
