"""How long each kind of personal data is kept, and who deletes it.

The defaults follow data minimisation: each is the shortest period that
still serves the purpose the data were collected for. A municipality can set
its own period per kind (RetentionSetting). The app that holds a kind of data
registers a purger for it in its AppConfig.ready(); `skranke purge` runs them.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from skranke.privacy.models import DataKind


@dataclass(frozen=True)
class Default:
    days: int
    why: str


DEFAULTS: dict[str, Default] = {
    DataKind.TICKET_CONTACT: Default(
        1, _("Telefon og e-mail bruges kun til at sige til, når det er borgerens tur; de slettes dagen efter.")
    ),
    DataKind.CONTACT_CITIZEN: Default(
        90,
        _(
            "Hashen bruges til at måle genhenvendelser inden for 14 dage; 90 dage rækker til en "
            "kvartalsopgørelse. Henvendelsen bliver i statistikken uden hash."
        ),
    ),
    DataKind.APPOINTMENT_PERSONAL: Default(
        30,
        _("Navn og kontaktoplysninger slettes 30 dage efter aftalen; tid, ydelse og fremmøde bliver i statistikken."),
    ),
    DataKind.SATISFACTION_COMMENT: Default(
        180, _("Kommentarer kan rumme personoplysninger; de læses og bruges inden for et halvt år.")
    ),
    DataKind.AUDIT: Default(
        180,
        _(
            "Seks måneder som i den tidligere sikkerhedsbekendtgørelse (bek. nr. 528 af 15/6/2000), "
            "som kommunale databehandleraftaler stadig bruger; Datatilsynet fastsætter ingen fast periode."
        ),
    ),
}


# purger(*, municipality, cutoff, dry_run) -> number of rows deleted or anonymised
Purger = Callable[..., int]
_PURGERS: dict[str, Purger] = {}


def register_purger(kind: str, purger: Purger) -> None:
    if kind not in DataKind.values:
        raise ValueError(f"Unknown kind of data: {kind}")
    _PURGERS[kind] = purger


def purgers() -> dict[str, Purger]:
    """Registered purgers in the order of DataKind."""
    return {kind: _PURGERS[kind] for kind in DataKind.values if kind in _PURGERS}
