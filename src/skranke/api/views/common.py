"""What every API view shares: input validated in Danish and English, and a refusal on one field."""

from django.http import QueryDict
from django.utils.translation import override
from rest_framework import serializers
from rest_framework.views import APIView

from skranke.api.auth import Public
from skranke.api.errors import FieldErrors, flatten
from skranke.organisation.models import Site


class ApiView(APIView):
    """The base of every endpoint; public unless the view says otherwise."""

    permission_classes = [Public]


def validated(serializer_class, data, **context) -> dict:
    """The serializer's validated data, or FieldErrors with the messages in Danish and in English.

    Validating has no side effects, so the English messages come from validating again in English.
    """
    if isinstance(data, QueryDict):
        _refuse_strays(serializer_class(), data)
    with override("da"):
        serializer = serializer_class(data=data, context=context)
        if serializer.is_valid():
            return serializer.validated_data
        danish = flatten(serializer.errors)
    with override("en"):
        again = serializer_class(data=data, context=context)
        again.is_valid()
        english = flatten(again.errors)
    raise FieldErrors(danish, english)


def _refuse_strays(serializer, query: QueryDict) -> None:
    """A parameter the endpoint does not know (a typo), or `?start=`: mistakes DRF would skip silently."""
    for name in query:
        if name not in serializer.fields:
            raise field_error(name, "unknown", "Ukendt parameter.", "Unknown parameter.")
    for name, field in serializer.fields.items():
        if not isinstance(field, serializers.CharField) and any(value == "" for value in query.getlist(name)):
            raise field_error(name, "blank", "Feltet må ikke være tomt.", "This field may not be blank.")


def field_error(field: str, code: str, danish: str, english: str) -> FieldErrors:
    return FieldErrors({field: [(code, danish)]}, {field: [(code, english)]})


def site_of(municipality, site_id: int, *, active: bool = True) -> Site:
    """The municipality's site `site_id` with its municipality loaded, or the refusal on the field `site`.

    Only an active site unless `active` is False (the key figures of a site since closed).
    """
    sites = Site.objects.filter(pk=site_id, municipality=municipality)
    site = (sites.filter(active=True) if active else sites).select_related("municipality").first()
    if site is None:
        raise field_error(
            "site", "not_found", "Lokationen findes ikke i kommunen.", "No such site in the municipality."
        )
    return site
