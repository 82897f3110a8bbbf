"""Making, using and revoking API tokens; each change recorded in the municipality's audit trail."""

import datetime as dt
import hashlib
import secrets

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from skranke.api.models import ApiToken, Scope
from skranke.errors import SkrankeError
from skranke.organisation.models import Municipality, StaffMember
from skranke.privacy.models import Action
from skranke.privacy.services import audit_record

SECRET_PREFIX = "skr_"
# last_used_at is written at most this often per token: not on every request of a busy kiosk.
USED_RESOLUTION = dt.timedelta(minutes=1)
# Scopes that act as a person: the policy check and the audit trail need a staff member.
NEEDS_STAFF = {Scope.STAFF}


def secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def api_token_create(
    *,
    name: str,
    municipality: Municipality,
    scopes: list[str],
    staff_member: StaffMember | None = None,
    expires_at: dt.datetime | None = None,
    created_by=None,
    now: dt.datetime | None = None,
) -> tuple[ApiToken, str]:
    """A new token and its secret; the secret is not stored and cannot be shown again."""
    now = now or timezone.now()
    name = " ".join((name or "").split())
    if not name or len(name) > 100:
        raise SkrankeError(_("Giv tokenet et navn på 1 til 100 tegn."), code="invalid", field="name")
    unknown = sorted(set(scopes) - set(Scope.values))
    if unknown or not scopes:
        raise SkrankeError(
            _("Vælg rettigheder blandt %(scopes)s.") % {"scopes": ", ".join(Scope.values)},
            code="invalid",
            field="scopes",
        )
    if staff_member is not None and staff_member.municipality_id != municipality.pk:
        raise SkrankeError(_("Medarbejderen hører til en anden kommune."), code="invalid", field="staff_member")
    if staff_member is None and NEEDS_STAFF & set(scopes):
        raise SkrankeError(
            _("Rettigheden »staff« kræver en medarbejder, som tokenet handler som."),
            code="invalid",
            field="staff_member",
        )
    if expires_at is not None and expires_at <= now:
        raise SkrankeError(_("Udløbet skal ligge i fremtiden."), code="invalid", field="expires_at")
    secret = SECRET_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        name=name,
        municipality=municipality,
        staff_member=staff_member,
        scopes=[s for s in Scope.values if s in scopes],
        prefix=secret[:10],
        secret_hash=secret_hash(secret),
        created_at=now,
        expires_at=expires_at,
    )
    audit_record(
        municipality=municipality,
        action=Action.CREATE,
        actor=created_by,
        object_type="api.apitoken",
        object_id=token.pk,
        criteria={"scopes": ",".join(token.scopes), "staff_member": staff_member.pk if staff_member else None},
        detail=name,
    )
    return token, secret


@transaction.atomic
def api_token_revoke(*, token: ApiToken, revoked_by=None, now: dt.datetime | None = None) -> ApiToken:
    """Revoke a token at once; revoking it again changes nothing."""
    token = ApiToken.objects.select_for_update().select_related("municipality").get(pk=token.pk)
    if token.revoked_at is not None:
        return token
    token.revoked_at, token.revoked_by = now or timezone.now(), revoked_by
    token.save(update_fields=["revoked_at", "revoked_by"])
    audit_record(
        municipality=token.municipality,
        action=Action.CHANGE,
        actor=revoked_by,
        object_type="api.apitoken",
        object_id=token.pk,
        detail=_("tilbagekaldt"),
    )
    return token


def api_token_used(*, token: ApiToken, now: dt.datetime | None = None) -> None:
    """Note that the token was used: one UPDATE, and none while the last note is under a minute old."""
    now = now or timezone.now()
    if token.last_used_at is not None and now - token.last_used_at < USED_RESOLUTION:
        return
    ApiToken.objects.filter(
        Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - USED_RESOLUTION), pk=token.pk
    ).update(last_used_at=now)
    token.last_used_at = now
