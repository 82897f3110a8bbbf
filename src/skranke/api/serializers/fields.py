"""Fields the API's serializers share: the CPR number, a service by its key, a list of keys."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from skranke.errors import SkrankeError
from skranke.privacy.cpr import CPR_SHAPED
from skranke.privacy.cpr import parse as cpr_parse


class CprField(serializers.CharField):
    """A CPR number, parsed and checked; the value is a `Cpr`, which never shows its digits."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 20)
        kwargs.setdefault("write_only", True)
        super().__init__(**kwargs)

    def run_validation(self, data=serializers.empty):
        raw = super().run_validation(data)
        if not raw:
            return None
        try:
            return cpr_parse(raw)
        except SkrankeError as error:
            raise serializers.ValidationError(str(error.message), code=error.code) from None


class PurposeField(serializers.CharField):
    """Why a citizen's data is read: stored in the audit trail and shown to the citizen, so never a CPR number."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 300)
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        purpose = super().to_internal_value(data)
        if CPR_SHAPED.search(purpose):
            raise serializers.ValidationError(
                _("Skriv ikke CPR-nummeret i formålet. Det hører kun til i feltet CPR-nummer."), code="invalid"
            )
        return purpose


@extend_schema_field(
    {
        "type": "string",
        "pattern": r"^([01]\d|2[0-3]):[0-5]\d$",
        "example": "10:00",
        "description": "Local time in Denmark (Europe/Copenhagen), HH:MM.",
    }
)
class LocalTimeField(serializers.TimeField):
    """A time of day as the site's sign says it: HH:MM, Danish local time (no offset, it is a clock time)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("format", "%H:%M")
        super().__init__(**kwargs)


def service_keys(**kwargs) -> serializers.ListField:
    """Catalogue service keys, in the order asked for."""
    return serializers.ListField(
        child=serializers.SlugField(max_length=64),
        min_length=1,
        max_length=kwargs.pop("max_length", 5),
        **kwargs,
    )
