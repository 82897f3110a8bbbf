"""Every API error as one JSON shape: a stable code, a Danish and an English message, and the fields at fault.

    {"code": "invalid", "message_da": "...", "message_en": "...",
     "fields": {"email": [{"code": "invalid", "message_da": "...", "message_en": "..."}]}}

`fields` is there only when particular fields are at fault. A refusal from a
service function (SkrankeError) keeps its code; DRF's own errors get theirs
below; anything else is a 500 with the code `server_error`, and a bug.
"""

import functools
import gettext
import logging
import re
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.signals import got_request_exception
from django.http import Http404
from django.utils.functional import Promise
from django.utils.translation import override
from rest_framework import exceptions, serializers
from rest_framework.response import Response

from skranke.errors import SkrankeError

logger = logging.getLogger(__name__)

# A service's refusal code -> the HTTP status it answers with; any other code is a 400.
STATUS_OF_CODE = {
    "not_found": 404,
    "invalid_token": 404,
    "expired": 404,
    "forbidden": 403,
    "conflict": 409,
    "taken": 409,
    "closed": 409,
    "wrong_site": 409,
    "wrong_day": 409,
    "early": 409,
}

# The API's own messages, Danish and English side by side.
MESSAGES = {
    "invalid": ("Tjek de markerede felter.", "Check the fields marked."),
    "parse_error": ("Indholdet er ikke gyldig JSON.", "The body is not valid JSON."),
    "not_found": ("Findes ikke, eller du har ikke adgang til det.", "Not found, or you have no access to it."),
    "not_authenticated": (
        "Send et API-token: Authorization: Bearer <token>.",
        "Send an API token: Authorization: Bearer <token>.",
    ),
    "token_invalid": ("API-tokenet er ukendt eller ugyldigt.", "The API token is unknown or invalid."),
    "token_revoked": ("API-tokenet er tilbagekaldt.", "The API token has been revoked."),
    "token_expired": ("API-tokenet er udløbet.", "The API token has expired."),
    "scope_missing": (
        "API-tokenet har ikke rettighed til dette.",
        "The API token does not have the scope this needs.",
    ),
    "staff_token_needed": (
        "Dette kræver et token, der handler som en medarbejder.",
        "This needs a token that acts as a staff member.",
    ),
    "manager_only": ("Kun ledere har adgang til nøgletallene.", "Only managers have access to the key figures."),
    "forbidden": ("Du har ikke adgang til dette.", "You do not have access to this."),
    "method_not_allowed": ("Metoden er ikke tilladt her.", "The method is not allowed here."),
    "not_acceptable": ("API'et svarer kun med JSON.", "The API answers with JSON only."),
    "unsupported_media_type": ("Send indholdet som application/json.", "Send the body as application/json."),
    "throttled": (
        "For mange forespørgsler. Prøv igen om lidt.",
        "Too many requests. Try again in a moment.",
    ),
    "server_error": (
        "Der skete en fejl hos os. Prøv igen senere.",
        "Something went wrong on our side. Try again later.",
    ),
}

# What a service's refusal says in English when its Danish text is not found in the catalogue.
FALLBACK_EN = {
    400: "The request was refused; see message_da.",
    403: "You may not do this; see message_da.",
    404: "Not found; see message_da.",
    409: "This cannot be done now; see message_da.",
}


class ApiError(exceptions.APIException):
    """A refusal by the API itself, with a code from MESSAGES."""

    def __init__(self, code: str, status: int):
        super().__init__(detail=MESSAGES[code][0], code=code)
        self.status_code = status
        self.api_code = code


class FieldErrors(Exception):
    """Validation errors in Danish and in English, each {field path: [(code, message)]}."""

    def __init__(self, danish: dict, english: dict):
        super().__init__("invalid")
        self.danish, self.english = danish, english


# -- English for a service's Danish message ------------------------------------------------------

_PLACEHOLDER = re.compile(r"%(?:\((\w+)\))?[-#0 +]*\d*(?:\.\d+)?([sdifr%])")


@functools.cache
def _catalogue() -> tuple[dict[str, str], list[tuple[re.Pattern, str, int]]]:
    """The project's English catalogue: exact msgids (lower-cased too), and a pattern per msgid with placeholders."""
    path = Path(settings.LOCALE_PATHS[0]) / "en" / "LC_MESSAGES" / "django.mo"
    with path.open("rb") as file:
        catalog = gettext.GNUTranslations(file)._catalog
    exact: dict[str, str] = {}
    patterns = []
    for msgid, msgstr in catalog.items():
        if not isinstance(msgid, str) or not msgid or not msgstr:
            continue
        exact.setdefault(msgid, msgstr)
        exact.setdefault(msgid.lower(), msgstr.lower())
        if "%" in msgid:
            regex, literal, seen = [], 0, set()
            position = 0
            for match in _PLACEHOLDER.finditer(msgid):
                regex.append(re.escape(msgid[position : match.start()]))
                literal += match.start() - position
                name, kind = match.groups()
                if kind == "%":
                    regex.append("%")
                elif name and name in seen:
                    regex.append(f"(?P={name})")
                else:
                    body = r"-?\d+" if kind == "d" else ".+?"
                    regex.append(f"(?P<{name}>{body})" if name else f"({body})")
                    if name:
                        seen.add(name)
                position = match.end()
            regex.append(re.escape(msgid[position:]))
            literal += len(msgid) - position
            patterns.append((re.compile("".join(regex), re.DOTALL), msgstr, literal))
    # The most specific first: the pattern with the most fixed text wins.
    patterns.sort(key=lambda item: -item[2])
    return exact, patterns


def english(danish: str, *, depth: int = 2) -> str | None:
    """The English of a Danish message built from the catalogue's texts, or None when it is not one of them."""
    exact, patterns = _catalogue()
    if danish in exact:
        return exact[danish]
    for pattern, msgstr, _literal in patterns:
        match = pattern.fullmatch(danish)
        if match is None:
            continue

        def part(value: str) -> str:
            translated = english(value, depth=depth - 1) if depth > 0 else None
            return translated if translated is not None else value

        try:
            named = match.groupdict()
            if named:
                values = {k: int(v) if v.lstrip("-").isdigit() else part(v) for k, v in named.items()}
                return msgstr % values
            values = tuple(int(v) if v.lstrip("-").isdigit() else part(v) for v in match.groups())
            return msgstr % values
        except (TypeError, ValueError, KeyError):
            continue
    return None


def bilingual(message) -> tuple[str, str, bool]:
    """(Danish, English, whether the English is a real translation) of a message, lazy or already rendered."""
    if isinstance(message, Promise):
        with override("da"):
            danish = str(message)
        with override("en"):
            return danish, str(message), True
    danish = str(message)
    found = english(danish)
    return danish, found or danish, found is not None


_moment = serializers.DateTimeField()


def page_not_found(request, exception=None):
    """The project's 404 page: the API's JSON error under /api/, the pages' own page everywhere else."""
    from django.http import JsonResponse
    from django.views.defaults import page_not_found as html_not_found

    if request.path.startswith("/api/"):
        danish, english_text = MESSAGES["not_found"]
        return JsonResponse(_body("not_found", danish, english_text), status=404)
    return html_not_found(request, exception)


# -- the handler ---------------------------------------------------------------------------------


def _body(code: str, danish: str, english_text: str, fields: dict | None = None) -> dict:
    body = {"code": code, "message_da": danish, "message_en": english_text}
    if fields:
        body["fields"] = fields
    return body


def _own(code: str, status: int, **extra) -> Response:
    danish, english_text = MESSAGES[code]
    return Response(_body(code, danish, english_text, extra.pop("fields", None)), status=status, **extra)


def _field_errors(error: FieldErrors) -> dict:
    fields = {}
    for path, entries in error.danish.items():
        english_entries = error.english.get(path, [])
        fields[path] = [
            {
                "code": code,
                "message_da": message,
                "message_en": english_entries[index][1] if index < len(english_entries) else message,
            }
            for index, (code, message) in enumerate(entries)
        ]
    return fields


def flatten(errors, prefix: str = "") -> dict[str, list[tuple[str, str]]]:
    """DRF's nested serializer errors as {"lines.0.outcome": [(code, message)]}."""
    found: dict[str, list[tuple[str, str]]] = {}
    if isinstance(errors, dict):
        for key, value in errors.items():
            found.update(flatten(value, f"{prefix}.{key}" if prefix else str(key)))
    elif isinstance(errors, list) and errors and all(isinstance(e, str) for e in errors):
        found[prefix or "non_field_errors"] = [(getattr(e, "code", None) or "invalid", str(e)) for e in errors]
    elif isinstance(errors, list):
        for index, value in enumerate(errors):
            if value:
                found.update(flatten(value, f"{prefix}.{index}" if prefix else str(index)))
    elif errors:
        found[prefix or "non_field_errors"] = [(getattr(errors, "code", None) or "invalid", str(errors))]
    return found


def exception_handler(exc, context):
    """DRF's exception handler for the whole API: the JSON shape above for every error."""
    # Imported here: rest_framework.views reads the API settings, which name this module's neighbours.
    from rest_framework.views import set_rollback

    set_rollback()
    if isinstance(exc, FieldErrors):
        return _own("invalid", 400, fields=_field_errors(exc))
    if isinstance(exc, SkrankeError):
        status = STATUS_OF_CODE.get(exc.code, 400)
        danish, english_text, found = bilingual(exc.message)
        if not found:
            english_text = FALLBACK_EN.get(status, FALLBACK_EN[400])
        fields = None
        if exc.field:
            fields = {exc.field: [{"code": exc.code, "message_da": danish, "message_en": english_text}]}
        body = _body(exc.code, danish, english_text, fields)
        if getattr(exc, "alternatives", None) is not None:
            # SlotTaken: the nearest free times, so the client can offer them at once.
            body["alternatives"] = [
                {
                    "site": slot.site.pk,
                    "site_name": slot.site.name,
                    "area": slot.area,
                    "starts_at": _moment.to_representation(slot.starts_at),
                    "ends_at": _moment.to_representation(slot.ends_at),
                }
                for slot in exc.alternatives
            ]
        return Response(body, status=status)
    if isinstance(exc, ApiError):
        return _own(exc.api_code, exc.status_code)
    if isinstance(exc, Http404 | exceptions.NotFound):
        return _own("not_found", 404)
    if isinstance(exc, exceptions.NotAuthenticated):
        return _own("not_authenticated", 401, headers={"WWW-Authenticate": 'Bearer realm="skranke"'})
    if isinstance(exc, exceptions.AuthenticationFailed):
        code = exc.get_codes() if isinstance(exc.get_codes(), str) else "token_invalid"
        return _own(
            code if code in MESSAGES else "token_invalid", 401, headers={"WWW-Authenticate": 'Bearer realm="skranke"'}
        )
    if isinstance(exc, exceptions.Throttled):
        headers = {"Retry-After": str(int(exc.wait))} if exc.wait is not None else {}
        return _own("throttled", 429, headers=headers)
    if isinstance(exc, PermissionDenied | exceptions.PermissionDenied):
        return _own("forbidden", 403)
    if isinstance(exc, exceptions.MethodNotAllowed):
        return _own("method_not_allowed", 405)
    if isinstance(exc, exceptions.NotAcceptable):
        return _own("not_acceptable", 406)
    if isinstance(exc, exceptions.UnsupportedMediaType):
        return _own("unsupported_media_type", 415)
    if isinstance(exc, exceptions.ParseError):
        return _own("parse_error", 400)
    if isinstance(exc, exceptions.ValidationError):
        flat = flatten(exc.detail)
        return _own("invalid", 400, fields=_field_errors(FieldErrors(flat, flat)))
    if isinstance(exc, exceptions.APIException):
        code = exc.default_code if exc.default_code in MESSAGES else "invalid"
        return _own(code, exc.status_code)
    request = context.get("request")
    logger.exception("Unexpected error in the API", exc_info=exc)
    # The test client re-raises what this signal reports, so a bug behind a 500 fails its test loudly.
    got_request_exception.send(sender=None, request=getattr(request, "_request", request))
    return _own("server_error", 500)
