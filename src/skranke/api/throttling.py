"""Rate limits: per client address without a token, per token with one (settings.API_RATES)."""

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle

from skranke.api.auth import token_of
from skranke.privacy.services import client_address


class _Throttle(SimpleRateThrottle):
    def get_rate(self):
        # Read at each request, not at import, so tests and settings changes take effect.
        return settings.API_RATES[self.scope]


class AnonymousThrottle(_Throttle):
    """Callers without a token, counted per client address (the address the audit trail records)."""

    scope = "anonymous"

    def get_cache_key(self, request, view):
        if token_of(request) is not None:
            return None
        return self.cache_format % {"scope": self.scope, "ident": client_address(request) or "unknown"}


class TokenThrottle(_Throttle):
    """Callers with a token, counted per token."""

    scope = "token"

    def get_cache_key(self, request, view):
        token = token_of(request)
        if token is None:
            return None
        return self.cache_format % {"scope": self.scope, "ident": token.pk}
