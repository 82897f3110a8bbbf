import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from skranke.catalogue import triage
from skranke.catalogue.loader import CatalogueInvalid, read_catalogue
from skranke.catalogue.models import Kind, Service
from skranke.triage.matcher import Result

REASON_LABELS = {
    "clear": "Klart svar.",
    "several": "Flere behov i samme sætning.",
    "choose": "De to bedste er tæt på hinanden og af forskellig art: lad borgeren vælge.",
    "empty": "Ingen ord at gå efter.",
    "unknown": "Ingen af ordene findes i kataloget.",
    "code": "Teksten ligner programkode, ikke et behov.",
    "weak": "For usikkert.",
    "general": "Borgeren beder selv om almindelig vejledning.",
    "unclear-authority": "Myndighedsopgave, men ikke sikkert nok til at sende borgeren derhen.",
}


class Command(BaseCommand):
    help = (
        "Find ydelsen for en borgers egne ord. Uden TEKST og med --json læses én tekst pr. linje fra "
        'standard input, og der skrives én JSON-linje pr. tekst: {"text", "matches": '
        '[{"service", "kind", "score"}], "ask_staff"}.'
    )

    def add_arguments(self, parser):
        parser.add_argument("text", nargs="*", metavar="TEKST", help="det borgeren skrev eller sagde")
        parser.add_argument(
            "--json", dest="as_json", action="store_true", help="én JSON-linje pr. tekst (stabilt format)"
        )
        parser.add_argument(
            "--data-dir",
            type=Path,
            help="læs kataloget fra YAML-filerne i denne mappe i stedet for fra databasen",
        )

    def handle(self, *args, text, as_json: bool, data_dir: Path | None, **options):
        matcher, names = self._matcher(data_dir)
        if not text and not as_json:
            raise CommandError("Skriv en tekst, fx: skranke triage nyt pas til min søn (eller brug --json og stdin).")
        texts = [" ".join(text)] if text else self._stdin_lines()
        for line in texts:
            result = matcher.match(line)
            if as_json:
                self.stdout.write(_json_line(result))
                self.stdout.flush()
            else:
                self._print(result, names)

    def _matcher(self, data_dir: Path | None):
        if data_dir is not None:
            try:
                catalogue = read_catalogue(data_dir)
            except CatalogueInvalid as error:
                raise CommandError(
                    "Kataloget kunne ikke læses:\n" + "\n".join(f"  - {p}" for p in error.problems)
                ) from None
            return triage.build_matcher(triage.service_texts(catalogue)), {s.key: s.name_da for s in catalogue.services}
        try:
            matcher = triage.matcher()
            names = dict(Service.objects.values_list("key", "name_da"))
        except DatabaseError:
            matcher = None
        if matcher is None:
            raise CommandError(
                "Kataloget er ikke indlæst i databasen. Kør først: skranke migrate && skranke load_catalogue "
                "(eller brug --data-dir)."
            )
        return matcher, names

    def _stdin_lines(self):
        stream = sys.stdin
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="replace")
        for line in stream:
            yield line.rstrip("\r\n")

    def _print(self, result: Result, names: dict[str, str]) -> None:
        self.stdout.write(f"»{result.text}«")
        if result.truncated:
            self.stdout.write("  (Teksten var for lang; kun begyndelsen er læst.)")
        if result.ask_staff:
            self.stdout.write(self.style.WARNING("  → Spørg en medarbejder (almindelig vejledning)."))
        elif result.several:
            self.stdout.write(f"  → {len(result.needs)} behov: " + ", ".join(n.service for n in result.needs))
        elif result.choose:
            self.stdout.write("  → Lad borgeren vælge mellem de to første.")
        self.stdout.write(f"  {REASON_LABELS.get(result.reason, result.reason)}")
        for number, match in enumerate(result.matches, 1):
            why = ", ".join(match.words)
            self.stdout.write(
                f"  {number}. {names.get(match.service, match.service)} ({match.service}) · "
                f"{Kind(match.kind).label} · {_decimal(match.score)}" + (f" · ord: {why}" if why else "")
            )
        if result.unknown:
            self.stdout.write("  Ukendte ord: " + ", ".join(result.unknown))


def _decimal(score: float) -> str:
    return f"{score:.2f}".replace(".", ",")


def _json_line(result: Result) -> str:
    return json.dumps(result.as_json(), ensure_ascii=False)
