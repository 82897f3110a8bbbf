"""A model field that holds a citizen's keyed hash and refuses anything else, a CPR number above all."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from skranke.privacy.cpr import CitizenHash


class CitizenHashField(models.CharField):
    """Stores a `CitizenHash`; a plain string (a CPR number typed by mistake) raises TypeError.

    Lookups go through the same check, so `filter(citizen="0101901234")` fails
    loudly instead of searching for a number that is never stored.
    """

    description = _("CPR-nummer som nøglet hash")

    def __init__(self, *args, **kwargs):
        kwargs["max_length"] = 64
        kwargs.setdefault("editable", False)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs.pop("max_length", None)
        if kwargs.get("editable") is False:
            kwargs.pop("editable")
        return name, path, args, kwargs

    def from_db_value(self, value, expression, connection):
        return None if value in (None, "") else CitizenHash(value)

    def to_python(self, value):
        if value is None or isinstance(value, CitizenHash):
            return value
        raise TypeError("CitizenHashField only takes a CitizenHash from skranke.privacy.cpr.citizen_hash().")

    def get_prep_value(self, value):
        value = self.to_python(value)
        return None if value is None else value.hex

    def value_to_string(self, obj):
        value = self.value_from_object(obj)
        return "" if value is None else value.hex
