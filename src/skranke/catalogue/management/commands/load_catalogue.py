from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from skranke.catalogue.loader import DATA_DIR, CatalogueInvalid
from skranke.catalogue.services import catalogue_load


class Command(BaseCommand):
    help = "Indlæs ydelseskataloget fra YAML-filerne (én transaktion; uændret katalog ændrer intet)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--data-dir", type=Path, default=DATA_DIR, help="Mappe med catalogue.yaml, services/ og life_events.yaml."
        )

    def handle(self, *args, data_dir, **options):
        try:
            result = catalogue_load(data_dir=data_dir)
        except CatalogueInvalid as error:
            raise CommandError(
                "Kataloget blev ikke indlæst. Ret disse fejl:\n" + "\n".join(f"  - {p}" for p in error.problems)
            ) from None
        if not result.changed:
            self.stdout.write(
                f"Kataloget er uændret (version {result.version}, {result.services} ydelser, "
                f"{result.life_events} livssituationer). Intet blev ændret."
            )
            return
        for line in result.changes[:50]:
            self.stdout.write(f"  {line}")
        if len(result.changes) > 50:
            self.stdout.write(f"  ... og {len(result.changes) - 50} ændringer mere")
        self.stdout.write(
            self.style.SUCCESS(
                f"Kataloget version {result.version} indlæst: {result.services} ydelser, "
                f"{result.life_events} livssituationer, {len(result.changes)} ændringer."
            )
        )
