"""skranke api_token create|list|revoke: the REST API's tokens (docs/api.md)."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from skranke.api.models import ApiToken, Scope
from skranke.api.services import api_token_create, api_token_revoke
from skranke.errors import SkrankeError
from skranke.organisation.models import Municipality, StaffMember


class Command(BaseCommand):
    help = "API-tokens: opret (hemmeligheden vises én gang), vis eller tilbagekald."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="subcommand", required=True, title="underkommandoer")
        create = sub.add_parser("create", help="Opret et token og vis hemmeligheden én gang.")
        create.add_argument("--municipality", type=int, required=True, metavar="KODE", help="Kommunekode, fx 265.")
        create.add_argument("--name", required=True, help="Hvad tokenet bruges til, fx »Kiosk i hallen«.")
        create.add_argument(
            "--scope",
            action="append",
            required=True,
            choices=Scope.values,
            dest="scopes",
            help="Rettighed; gentag for flere.",
        )
        create.add_argument("--staff", metavar="BRUGERNAVN", help="Tokenet handler som denne medarbejder.")
        create.add_argument("--days", type=int, metavar="DAGE", help="Udløber efter så mange dage (standard: aldrig).")
        listing = sub.add_parser("list", help="Vis tokens (aldrig hemmelighederne).")
        listing.add_argument("--municipality", type=int, metavar="KODE", help="Kun denne kommune.")
        revoke = sub.add_parser("revoke", help="Tilbagekald et token med det samme.")
        revoke.add_argument("prefix", help="Tokenets begyndelse, som `list` viser den (fx skr_AbC123).")

    def handle(self, *args, subcommand, **options):
        return getattr(self, f"_{subcommand}")(**options)

    def _municipality(self, code: int) -> Municipality:
        try:
            return Municipality.objects.get(code=code)
        except Municipality.DoesNotExist:
            raise CommandError(f"Kommunekode {code} findes ikke.") from None

    def _create(self, *, municipality, name, scopes, staff=None, days=None, **options):
        place = self._municipality(municipality)
        member = None
        if staff:
            member = StaffMember.objects.filter(user__username=staff).select_related("municipality").first()
            if member is None:
                raise CommandError(f"Ingen medarbejder med brugernavnet {staff}.")
        if days is not None and days < 1:
            raise CommandError("--days skal være mindst 1.")
        expires = timezone.now() + dt.timedelta(days=days) if days else None
        try:
            token, secret = api_token_create(
                name=name, municipality=place, scopes=scopes, staff_member=member, expires_at=expires
            )
        except SkrankeError as error:
            raise CommandError(error.message) from None
        self.stdout.write(f"Token »{token.name}« for {place} er oprettet med rettighederne {', '.join(token.scopes)}.")
        if member is not None:
            self.stdout.write(f"Det handler som {member} ({member.user.get_username()}).")
        if expires is not None:
            self.stdout.write(f"Det udløber {timezone.localtime(expires):%Y-%m-%d %H.%M}.")
        self.stdout.write("Hemmeligheden vises kun denne ene gang; gem den et sikkert sted:")
        self.stdout.write(secret)

    def _list(self, *, municipality=None, **options):
        tokens = ApiToken.objects.select_related("municipality", "staff_member__user").order_by(
            "municipality__code", "name"
        )
        if municipality is not None:
            tokens = tokens.filter(municipality=self._municipality(municipality))
        now = timezone.now()
        count = 0
        for token in tokens:
            count += 1
            if token.revoked_at is not None:
                state = f"tilbagekaldt {timezone.localtime(token.revoked_at):%Y-%m-%d}"
            elif token.expires_at is not None and token.expires_at <= now:
                state = f"udløbet {timezone.localtime(token.expires_at):%Y-%m-%d}"
            else:
                state = "gyldigt"
            used = (
                f"sidst brugt {timezone.localtime(token.last_used_at):%Y-%m-%d %H.%M}"
                if token.last_used_at
                else "aldrig brugt"
            )
            staff = f", som {token.staff_member.user.get_username()}" if token.staff_member else ""
            scopes = ", ".join(token.scopes)
            self.stdout.write(
                f"{token.prefix}…  {token.municipality.code}  {token.name}  [{scopes}{staff}]  {state}, {used}"
            )
        if not count:
            self.stdout.write("Ingen tokens.")

    def _revoke(self, *, prefix, **options):
        prefix = prefix.rstrip("….")
        matches = list(ApiToken.objects.filter(prefix__startswith=prefix[:10])) if len(prefix) >= 6 else []
        matches = [t for t in matches if t.prefix.startswith(prefix) or prefix.startswith(t.prefix)]
        if not matches:
            raise CommandError(f"Intet token begynder med {prefix} (skriv mindst 6 tegn).")
        if len(matches) > 1:
            raise CommandError(f"{len(matches)} tokens begynder med {prefix}; skriv flere tegn.")
        token = api_token_revoke(token=matches[0])
        self.stdout.write(f"Token »{token.name}« ({token.prefix}…) er tilbagekaldt.")
