"""Staff single sign-on: the municipality's OpenID Connect login, mapped to Skranke's users and roles.

Who: the provider's username claim (SKRANKE_OIDC_USERNAME_CLAIM, default
`preferred_username`) must equal, ignoring case, the username a manager gave
the staff member in Skranke. The username and not the e-mail address, because
the username is required and unique when a staff member is created, and the
e-mail address is neither. Nobody else gets in: no account is created here.
A user with an account but no staff member signs in and sees no staff pages.

Which roles: at every login the role claim (SKRANKE_OIDC_ROLE_CLAIM) is
mapped through SKRANKE_OIDC_ROLE_MAP to the role groups, replacing the
groups the user had; a value that is not in the map gives no group.
"""

import logging
from enum import StrEnum

import jwt
from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from skranke.organisation.roles import Role
from skranke.organisation.services import staff_login_sync

logger = logging.getLogger(__name__)

# Clock difference tolerated between the provider and Skranke, in seconds.
LEEWAY = 60


class Refusal(StrEnum):
    """Why a login the provider accepted was still refused; the login page explains it."""

    UNKNOWN_USER = "unknown_user"
    INACTIVE_USER = "inactive_user"


def roles_from_claims(claims: dict, *, claim: str, role_map: dict[str, str]) -> set[Role]:
    """The Skranke roles the provider's role claim grants; values not in the map grant nothing.

    The claim may hold one value or a list of values.
    """
    raw = claims.get(claim)
    values = [raw] if isinstance(raw, str) else raw if isinstance(raw, list) else []
    return {Role(role_map[value]) for value in values if isinstance(value, str) and value in role_map}


class MunicipalLoginBackend(OIDCAuthenticationBackend):
    """mozilla-django-oidc's code flow, with Skranke's rules for tokens, users and roles."""

    def _checked_header(self, token) -> dict:
        try:
            header = jwt.get_unverified_header(token)
        except jwt.InvalidTokenError as error:
            raise SuspiciousOperation(f"Unreadable token from the identity provider: {error}") from error
        if header.get("alg") != self.OIDC_RP_SIGN_ALGO:
            raise SuspiciousOperation(f"Token signed with {header.get('alg')!r}, expected {self.OIDC_RP_SIGN_ALGO!r}.")
        return header

    def retrieve_matching_jwk(self, token):
        """The provider's key for this token; a token without a usable header is refused before the JWKS is read."""
        self._checked_header(token)
        try:
            return super().retrieve_matching_jwk(token)
        except (KeyError, jwt.PyJWTError) as error:
            raise SuspiciousOperation(f"No usable key for the token from the identity provider: {error!r}") from error

    def get_payload_data(self, token, key):
        """Verify a signed token strictly: our algorithm only, our client as audience, not expired.

        Replaces the library's check, which skips the audience, lets an
        expired token end in a server error, and can be configured to accept
        unsigned tokens.
        """
        self._checked_header(token)
        try:
            return jwt.decode(
                token,
                key,
                algorithms=[self.OIDC_RP_SIGN_ALGO],
                audience=self.OIDC_RP_CLIENT_ID,
                leeway=LEEWAY,
                options={"require": ["exp", "sub", "aud"]},
            )
        except jwt.InvalidTokenError as error:
            raise SuspiciousOperation(f"Token from the identity provider refused: {error}") from error

    def get_userinfo(self, access_token, id_token, payload):
        """The verified ID token's claims, with the userinfo endpoint's on top when one is configured."""
        claims = dict(payload)
        if self.OIDC_OP_USER_ENDPOINT:
            userinfo = super().get_userinfo(access_token, id_token, payload)
            # OpenID Connect Core 1.0, 5.3.2: userinfo about another subject must not be used.
            if userinfo.get("sub") != payload.get("sub"):
                raise SuspiciousOperation("The userinfo response is about another subject than the ID token.")
            claims.update(userinfo)
        return claims

    def _username(self, claims) -> str:
        value = claims.get(settings.SKRANKE_OIDC_USERNAME_CLAIM)
        return value.strip() if isinstance(value, str) else ""

    def verify_claims(self, claims):
        return bool(self._username(claims))

    def describe_user_by_claims(self, claims):
        return f"username {self._username(claims)!r}"

    def filter_users_by_claims(self, claims):
        username = self._username(claims)
        if not username:
            return self.UserModel.objects.none()
        return self.UserModel.objects.filter(**{f"{self.UserModel.USERNAME_FIELD}__iexact": username})

    def get_or_create_user(self, access_token, id_token, payload):
        claims = self.get_userinfo(access_token, id_token, payload)
        if not self.verify_claims(claims):
            raise SuspiciousOperation(f"The provider sent no {settings.SKRANKE_OIDC_USERNAME_CLAIM!r} claim.")
        users = list(self.filter_users_by_claims(claims)[:2])
        self.request.skranke_sso_username = self._username(claims)
        if len(users) != 1:
            # None, or two accounts that differ only in case: either way not for us to pick.
            logger.info("Single sign-on refused: %d accounts for %s.", len(users), self.describe_user_by_claims(claims))
            self.request.skranke_sso_refusal = Refusal.UNKNOWN_USER
            return None
        user = users[0]
        if not user.is_active:
            logger.info(
                "Single sign-on refused: the account of %s is deactivated.", self.describe_user_by_claims(claims)
            )
            self.request.skranke_sso_refusal = Refusal.INACTIVE_USER
            return None
        return self.update_user(user, claims)

    def update_user(self, user, claims):
        roles = roles_from_claims(
            claims, claim=settings.SKRANKE_OIDC_ROLE_CLAIM, role_map=settings.SKRANKE_OIDC_ROLE_MAP
        )
        staff_login_sync(
            user=user,
            roles=roles,
            first_name=_text(claims, "given_name"),
            last_name=_text(claims, "family_name"),
            email=_text(claims, "email"),
        )
        return user


def _text(claims: dict, name: str) -> str | None:
    value = claims.get(name)
    return value.strip() if isinstance(value, str) else None
