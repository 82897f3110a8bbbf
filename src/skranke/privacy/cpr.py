"""CPR numbers: parse and validate, mask for display, and a keyed hash for matching without storing the number.

A `Cpr` never shows its digits: `str()`, `repr()` and templates get the
masked form, so an f-string or a log line cannot leak the number by accident.
Code that truly needs the digits reads `.digits` on purpose.
"""

import datetime as dt
import hashlib
import hmac
import re
from dataclasses import dataclass, field

from django.conf import settings
from django.utils.translation import gettext as _
from stdnum import exceptions as stdnum_errors
from stdnum.dk import cpr as stdnum_cpr

from skranke.errors import SkrankeError

MASK = "XXXX"
# Anything that looks like a CPR number in free text: six digits, an optional
# hyphen or space, four digits, not part of a longer run of digits.
CPR_SHAPED = re.compile(r"(?<!\d)(\d{6})[-\s]?(\d{4})(?!\d)")


@dataclass(frozen=True, repr=False)
class Cpr:
    digits: str = field(compare=True)
    birth_date: dt.date = field(compare=False)
    # CPR has issued numbers that fail modulus 11 since 1 October 2007; they
    # are fully valid, so a failure is only a hint to check for a typing error.
    modulus11_ok: bool = field(compare=False)

    @property
    def masked(self) -> str:
        return f"{self.digits[:6]}-{MASK}"

    def __str__(self) -> str:
        return self.masked

    def __repr__(self) -> str:
        return f"Cpr({self.masked})"

    @property
    def warning(self) -> str:
        if self.modulus11_ok:
            return ""
        return _(
            "Tjek cifrene: nummeret består ikke den gamle modulus 11-kontrol. "
            "Det kan være rigtigt (CPR har udstedt sådanne numre siden 2007), men det kan også være en tastefejl."
        )


def parse(value: str) -> Cpr:
    """A valid CPR number, or SkrankeError with a Danish message that says what is wrong.

    Accepts "DDMMYYSSSS", "DDMMYY-SSSS" and spaces. Never refuses a number for
    failing modulus 11 (cpr.dk: such numbers must be accepted).
    """
    raw = (value or "").strip()
    if not raw:
        raise SkrankeError(_("Skriv et CPR-nummer."), code="invalid", field="cpr")
    compact = stdnum_cpr.compact(raw)
    if not compact.isdigit():
        raise SkrankeError(_("Et CPR-nummer består kun af cifre (fx 010190-1234)."), code="invalid", field="cpr")
    if len(compact) != 10:
        raise SkrankeError(
            _("Et CPR-nummer har 10 cifre; der er %(count)d.") % {"count": len(compact)}, code="invalid", field="cpr"
        )
    try:
        stdnum_cpr.validate(compact)
    except stdnum_errors.InvalidComponent as error:
        if "not been born" in str(error):
            raise SkrankeError(
                _("Fødselsdatoen i CPR-nummeret ligger i fremtiden."), code="invalid", field="cpr"
            ) from None
        raise SkrankeError(
            _("De første seks cifre i CPR-nummeret er ikke en rigtig dato (DDMMÅÅ)."), code="invalid", field="cpr"
        ) from None
    except stdnum_errors.ValidationError:
        raise SkrankeError(_("Det er ikke et gyldigt CPR-nummer."), code="invalid", field="cpr") from None
    return Cpr(
        digits=compact,
        birth_date=stdnum_cpr.get_birth_date(compact),
        modulus11_ok=stdnum_cpr.checksum(compact) == 0,
    )


def mask(value: str) -> str:
    """DDMMYY-XXXX for anything CPR-shaped; other text is returned unchanged."""
    return CPR_SHAPED.sub(lambda m: f"{m.group(1)}-{MASK}", value)


def redact(value: str) -> str:
    """Remove every CPR-shaped number from free text entirely (logs, error reports)."""
    return CPR_SHAPED.sub("[CPR]", value)


class CitizenHash:
    """The keyed hash of a CPR number: the same citizen gives the same value, the number cannot be read back.

    HMAC-SHA256 with CPR_HASH_KEY. Only `citizen_hash()` and the database
    field make one, so a model field of this type cannot be handed a CPR number.
    """

    __slots__ = ("hex",)
    _FORMAT = re.compile(r"[0-9a-f]{64}")

    def __init__(self, hex_digest: str):
        if not isinstance(hex_digest, str) or not self._FORMAT.fullmatch(hex_digest):
            raise ValueError("A CitizenHash is 64 lower-case hex digits, never a CPR number.")
        self.hex = hex_digest

    def __eq__(self, other) -> bool:
        return isinstance(other, CitizenHash) and hmac.compare_digest(self.hex, other.hex)

    def __hash__(self) -> int:
        return hash(self.hex)

    def __str__(self) -> str:
        return self.hex

    def __repr__(self) -> str:
        return f"CitizenHash({self.hex[:12]}…)"

    @property
    def short(self) -> str:
        return self.hex[:12]


def citizen_hash(cpr: Cpr) -> CitizenHash:
    if not isinstance(cpr, Cpr):
        raise TypeError("citizen_hash() takes a parsed Cpr; call cpr.parse() first.")
    digest = hmac.new(settings.CPR_HASH_KEY.encode(), cpr.digits.encode(), hashlib.sha256).hexdigest()
    return CitizenHash(digest)
