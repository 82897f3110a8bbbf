"""skranke purge [--dry-run]: delete or anonymise personal data older than each municipality's retention period.

Run daily by the scheduler (docs/operations.md). Statistics stay: rows that
count are anonymised, not deleted.
"""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from skranke.errors import SkrankeError
from skranke.organisation.models import Municipality
from skranke.privacy.models import DataKind
from skranke.privacy.services import purge


class Command(BaseCommand):
    help = "Slet eller anonymisér personoplysninger, der er ældre end kommunens opbevaringsperiode."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Vis kun, hvad der ville blive slettet.")
        parser.add_argument("--municipality", type=int, metavar="KODE", help="Kun denne kommune (fx 101).")

    def handle(self, *args, dry_run=False, municipality=None, **options):
        municipalities = Municipality.objects.order_by("code")
        if municipality is not None:
            municipalities = municipalities.filter(code=municipality)
            if not municipalities.exists():
                raise CommandError(f"Kommunekode {municipality} findes ikke.")
        try:
            lines = purge(municipalities=municipalities, now=timezone.now(), dry_run=dry_run)
        except SkrankeError as error:
            raise CommandError(f"Intet er slettet: {error}") from None
        verb = "ville blive slettet" if dry_run else "slettet eller anonymiseret"
        totals: dict[str, int] = {}
        for line in lines:
            totals[line.kind] = totals.get(line.kind, 0) + line.count
            if line.count:
                cutoff = timezone.localtime(line.cutoff).strftime("%Y-%m-%d %H.%M")
                self.stdout.write(
                    f"{line.municipality}: {DataKind(line.kind).label}: {line.count} {verb} "
                    f"(opbevares {line.days} dage, ældre end {cutoff})"
                )
        self.stdout.write(("Prøvekørsel — intet er ændret. " if dry_run else "") + "I alt:")
        for kind, total in totals.items():
            self.stdout.write(f"  {DataKind(kind).label}: {total}")
        if not totals:
            self.stdout.write("  Ingen typer af oplysninger at slette endnu.")
