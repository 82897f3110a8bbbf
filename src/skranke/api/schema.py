"""The OpenAPI schema's shared parts: the error shape on every operation, and the bearer token."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers

from skranke.api.auth import Public


class FieldErrorSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Stable code of the problem, e.g. `required`, `invalid`.")
    message_da = serializers.CharField()
    message_en = serializers.CharField()


class AlternativeSerializer(serializers.Serializer):
    site = serializers.IntegerField()
    site_name = serializers.CharField()
    area = serializers.CharField()
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()


class ErrorSerializer(serializers.Serializer):
    """Every error of the API: a stable code, the message in Danish and English, and the fields at fault."""

    code = serializers.CharField(help_text="Stable code, e.g. `invalid`, `not_found`, `taken`, `throttled`.")
    message_da = serializers.CharField()
    message_en = serializers.CharField()
    fields = serializers.DictField(
        child=FieldErrorSerializer(many=True),
        required=False,
        help_text="Only when particular fields are at fault: per field (dotted path), its problems.",
    )
    alternatives = AlternativeSerializer(
        many=True, required=False, help_text="Only with the code `taken`: the nearest free times instead."
    )


ERRORS = {
    400: "Bad input: `fields` says which field and why.",
    401: "No token where one is needed, or an unknown, revoked or expired token.",
    403: "The token lacks the scope, or the policy check refuses the staff member.",
    404: "Not found, or another municipality's (a token sees its own municipality only).",
    406: "The API answers with JSON only.",
    409: "Not possible now: the ticket or time has moved on, the time was taken, the site is closed.",
    415: "The body must be application/json.",
    429: "Too many requests; see Retry-After.",
}


class AutoSchema(SpectacularAutoSchema):
    """Adds the error responses every operation can give, so clients (and schemathesis) know them all."""

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        codes = [400, 401, 404, 406, 429]
        if not self._public():
            codes.append(403)
        if self.method == "POST":
            codes += [409, 415]
        for code in sorted(codes):
            if str(code) not in responses:
                error = OpenApiResponse(ErrorSerializer, description=ERRORS[code])
                responses[str(code)] = self._get_response_for_code(error, str(code), direction=direction)
        return responses

    def get_description(self):
        # The view's own docstring only: not the one ApiView or APIView hands down.
        return (type(self.view).__dict__.get("__doc__") or "").strip()

    def _public(self) -> bool:
        return all(issubclass(p, Public) for p in getattr(self.view, "permission_classes", []))

    def get_auth(self):
        # Public operations take a token too (it limits them to the token's municipality), or none.
        auth = super().get_auth()
        if self._public() and {} not in auth:
            auth.append({})
        return auth


class BearerTokenScheme(OpenApiAuthenticationExtension):
    target_class = "skranke.api.auth.TokenAuthentication"
    name = "token"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "An API token made with `skranke api_token create` (docs/api.md).",
        }
