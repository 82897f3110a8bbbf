"""Tokens for the REST API: one municipality each, a fixed set of scopes, only a hash of the secret kept."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from skranke.organisation.models import Municipality, StaffMember


class Scope(models.TextChoices):
    """What a token may do beyond the public endpoints, always within its own municipality."""

    KIOSK = "kiosk", _("Kiosk: trække kønumre på kommunens lokationer")
    BOOKING = "booking", _("Tidsbestilling: bestille, flytte og aflyse tider")
    STAFF = "staff", _("Medarbejder: kalde næste, afslutte, registrere henvendelser")
    MANAGER = "manager", _("Leder: nøgletal")


class ApiToken(models.Model):
    """A secret an integration or a staff member's program sends as `Authorization: Bearer <secret>`.

    Only the SHA-256 of the secret is stored; the secret is shown once, when
    the token is made (`skranke api_token create`). A token with a staff
    member acts as that staff member, through the same policy check as the
    pages. Tokens are revoked, never deleted, so the audit trail can name them.
    """

    name = models.CharField(_("navn"), max_length=100, help_text=_("Hvad tokenet bruges til, fx »Kiosk i hallen«."))
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="+", verbose_name=_("kommune")
    )
    staff_member = models.ForeignKey(
        StaffMember,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("medarbejder"),
        help_text=_("Tom for en integration; ellers handler tokenet som denne medarbejder."),
    )
    scopes = models.JSONField(_("rettigheder"), default=list)
    prefix = models.CharField(_("begynder med"), max_length=12, help_text=_("Til at kende tokenet igen."))
    secret_hash = models.CharField(_("hash af hemmeligheden"), max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("oprettet"))
    expires_at = models.DateTimeField(_("udløber"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("tilbagekaldt"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("tilbagekaldt af"),
    )
    last_used_at = models.DateTimeField(_("sidst brugt"), null=True, blank=True)

    class Meta:
        verbose_name = _("API-token")
        verbose_name_plural = _("API-tokens")
        ordering = ["municipality", "name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(expires_at__isnull=True) | models.Q(expires_at__gt=models.F("created_at")),
                name="api_token_expires_after_created",
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    def has_scope(self, scope: str) -> bool:
        return scope in self.scopes
