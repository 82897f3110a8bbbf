"""skranke audit verify [--municipality CODE]: find audit entries that were changed, inserted or deleted."""

from django.core.management.base import BaseCommand, CommandError

from skranke.organisation.models import Municipality
from skranke.privacy.chain import verify_chain
from skranke.privacy.models import AuditChain, AuditEntry


class Command(BaseCommand):
    help = "Kontrollér logningens hash-kæde: finder ændrede, indsatte og slettede logindgange."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="subcommand", required=True, title="underkommandoer")
        verify = sub.add_parser("verify", help="Kontrollér hver kommunes kæde.")
        verify.add_argument("--municipality", type=int, metavar="KODE", help="Kun denne kommune (fx 101).")

    def handle(self, *args, subcommand, municipality=None, **options):
        codes = set(AuditChain.objects.values_list("municipality__code", flat=True))
        codes |= set(AuditEntry.objects.values_list("municipality__code", flat=True).distinct())
        if municipality is not None:
            if not Municipality.objects.filter(code=municipality).exists():
                raise CommandError(f"Kommunekode {municipality} findes ikke.")
            codes = {municipality}
        broken = 0
        for item in Municipality.objects.filter(code__in=codes).order_by("code"):
            problems = verify_chain(municipality_id=item.pk)
            count = AuditEntry.objects.filter(municipality=item).count()
            if not problems:
                self.stdout.write(f"{item}: {count} logindgange, kæden er hel.")
                continue
            broken += 1
            self.stdout.write(self.style.ERROR(f"{item}: {len(problems)} fejl i kæden:"))
            for problem in problems:
                self.stdout.write(f"  {problem.message}")
        if not codes:
            self.stdout.write("Ingen logindgange endnu.")
        if broken:
            raise CommandError(f"Logningen er ikke hel i {broken} kommune(r).")
