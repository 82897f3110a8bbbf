"""Who is calling: a token (`Authorization: Bearer <secret>`) or nobody, and what each view lets them do.

Anonymous callers reach only the public endpoints. A token belongs to one
municipality: another municipality's objects are not found for it (404), as
on the pages. A token with a staff member acts as that staff member: request.user
is their user, and the service functions run the same policy check as the pages.
"""

from django.contrib.auth.models import AnonymousUser
from django.shortcuts import get_object_or_404
from django.utils import timezone
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed, NotAuthenticated
from rest_framework.permissions import BasePermission

from skranke.api.errors import ApiError
from skranke.api.models import ApiToken, Scope
from skranke.api.services import api_token_used, secret_hash
from skranke.organisation.models import Municipality
from skranke.organisation.selectors import is_manager

KEYWORD = b"bearer"


class TokenAuthentication(BaseAuthentication):
    """`Authorization: Bearer <secret>`; no header is an anonymous caller, a bad one a 401."""

    def authenticate(self, request):
        header = get_authorization_header(request).split()
        if not header:
            return None
        if header[0].lower() != KEYWORD or len(header) != 2:
            raise AuthenticationFailed(code="token_invalid")
        try:
            secret = header[1].decode("ascii")
        except UnicodeDecodeError:
            raise AuthenticationFailed(code="token_invalid") from None
        token = (
            ApiToken.objects.select_related(
                "municipality", "staff_member__user", "staff_member__municipality", "staff_member__home_site"
            )
            .filter(secret_hash=secret_hash(secret))
            .first()
        )
        if token is None:
            raise AuthenticationFailed(code="token_invalid")
        now = timezone.now()
        if token.revoked_at is not None:
            raise AuthenticationFailed(code="token_revoked")
        if token.expires_at is not None and token.expires_at <= now:
            raise AuthenticationFailed(code="token_expired")
        user = AnonymousUser()
        staff = token.staff_member
        if staff is not None:
            # A staff member who left, or moved to another municipality, no longer acts through the old token.
            if not staff.user.is_active or staff.municipality_id != token.municipality_id:
                raise AuthenticationFailed(code="token_invalid")
            user = staff.user
        api_token_used(token=token, now=now)
        return user, token

    def authenticate_header(self, request):
        # Makes DRF answer 401 (not 403) to a missing or bad token.
        return 'Bearer realm="skranke"'


def token_of(request) -> ApiToken | None:
    return request.auth if isinstance(request.auth, ApiToken) else None


# -- permissions ---------------------------------------------------------------------------------


class Nobody(BasePermission):
    """The default: a view that does not say who may call it is closed."""

    def has_permission(self, request, view):
        return False


class Public(BasePermission):
    """Anyone, with or without a token (a token still limits what it finds to its own municipality)."""

    def has_permission(self, request, view):
        return True


class _ScopeRequired(BasePermission):
    scope: str = ""

    def has_permission(self, request, view):
        token = token_of(request)
        if token is None:
            raise NotAuthenticated()
        if not token.has_scope(self.scope):
            raise ApiError("scope_missing", 403)
        if self.scope == Scope.STAFF and token.staff_member is None:
            raise ApiError("staff_token_needed", 403)
        # A token acting as a staff member reads the key figures only if that staff member is a manager,
        # as on the pages; an integration's manager token (a statistics system) has no person to check.
        if self.scope == Scope.MANAGER and token.staff_member is not None and not is_manager(request.user):
            raise ApiError("manager_only", 403)
        return True


class KioskScope(_ScopeRequired):
    scope = Scope.KIOSK


class StaffScope(_ScopeRequired):
    scope = Scope.STAFF


class ManagerScope(_ScopeRequired):
    scope = Scope.MANAGER


# -- a token sees its own municipality only --------------------------------------------------------


def ensure_own(request, municipality_id: int) -> None:
    """404 when the caller's token belongs to another municipality than the object's."""
    token = token_of(request)
    if token is not None and token.municipality_id != municipality_id:
        raise ApiError("not_found", 404)


def municipality_or_404(request, code: int) -> Municipality:
    municipality = get_object_or_404(Municipality, code=code)
    ensure_own(request, municipality.pk)
    return municipality
