"""The audit trail (append-only, one hash chain per municipality) and retention settings."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from skranke.privacy.fields import CitizenHashField


class Action(models.TextChoices):
    READ = "READ", _("Læst")
    SEARCH = "SEARCH", _("Søgt")
    CREATE = "CREATE", _("Oprettet")
    CHANGE = "CHANGE", _("Ændret")
    EXPORT = "EXPORT", _("Udtrukket")
    DELETE = "DELETE", _("Slettet")
    REFUSED = "REFUSED", _("Afvist af reglerne")


class AuditEntryQuerySet(models.QuerySet):
    """Entries are written once: bulk changes through the ORM are refused too."""

    def update(self, **kwargs):
        raise PermissionError("Audit entries cannot be changed.")

    def delete(self):
        raise PermissionError("Audit entries are only deleted by `skranke purge` after their retention period.")


class AuditEntry(models.Model):
    """One use of personal data: who, when, what, why, from where.

    `entry_hash` is an HMAC over the entry's own fields and `previous_hash`,
    the hash of the municipality's entry before it, so that `skranke audit
    verify` can find an entry that was changed, inserted or deleted. Written
    by `privacy.services.audit_record` in the transaction of the action it
    records; on PostgreSQL a trigger refuses UPDATE and DELETE.
    """

    municipality = models.ForeignKey(
        "organisation.Municipality", on_delete=models.PROTECT, related_name="+", verbose_name=_("kommune")
    )
    sequence = models.PositiveBigIntegerField(_("løbenummer"))
    at = models.DateTimeField(_("tidspunkt"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("medarbejder"),
        help_text=_("Tom for handlinger, Skranke selv udfører, fx sletning efter opbevaringsperioden."),
    )
    # The username as it was: kept in the hash, so renaming a user later does not break the chain.
    actor_name = models.CharField(_("brugernavn"), max_length=150, blank=True)
    action = models.CharField(_("handling"), max_length=8, choices=Action.choices)
    object_type = models.CharField(_("objekttype"), max_length=100, blank=True)
    object_id = models.CharField(_("objekt-id"), max_length=64, blank=True)
    citizen = CitizenHashField(_("borger (hash af CPR-nummer)"), null=True, blank=True, db_index=True)
    purpose = models.CharField(_("formål"), max_length=300, blank=True)
    criteria = models.JSONField(_("søgekriterier"), default=dict, blank=True)
    detail = models.CharField(_("detaljer"), max_length=500, blank=True)
    client_address = models.GenericIPAddressField(_("klientadresse"), null=True, blank=True)
    previous_hash = models.CharField(_("forrige hash"), max_length=64)
    entry_hash = models.CharField(_("hash"), max_length=64)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("logindgang")
        verbose_name_plural = _("logning")
        ordering = ["municipality", "-sequence"]
        default_permissions = ("view",)
        permissions = [("citizen_access_report", _("Kan lave en borgers indsigt i logningen"))]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "sequence"], name="privacy_audit_unique_sequence"),
            models.CheckConstraint(condition=models.Q(sequence__gte=1), name="privacy_audit_sequence_from_1"),
        ]
        indexes = [models.Index(fields=["municipality", "at"], name="privacy_audit_municipality_at")]

    def __str__(self):
        return f"#{self.sequence} {self.get_action_display()} {self.at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionError("Audit entries cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("Audit entries are only deleted by `skranke purge` after their retention period.")


class AuditChain(models.Model):
    """The head of one municipality's chain: the last sequence number and hash.

    Appending locks this row, so two transactions can never both chain onto
    the same entry. `pruned_through`/`pruned_hash` are where the chain starts
    after a purge deleted its oldest entries; `seal` is an HMAC over the row,
    so that deleting the newest entries and rewinding the head is found too.
    """

    municipality = models.OneToOneField(
        "organisation.Municipality", on_delete=models.PROTECT, related_name="+", verbose_name=_("kommune")
    )
    sequence = models.PositiveBigIntegerField(_("sidste løbenummer"), default=0)
    last_hash = models.CharField(_("sidste hash"), max_length=64)
    pruned_through = models.PositiveBigIntegerField(_("slettet til og med"), default=0)
    pruned_hash = models.CharField(_("hash ved sletning"), max_length=64)
    seal = models.CharField(_("segl"), max_length=64)

    class Meta:
        verbose_name = _("logkæde")
        verbose_name_plural = _("logkæder")
        default_permissions = ()

    def __str__(self):
        return f"{self.municipality_id}: #{self.sequence}"


class DataKind(models.TextChoices):
    """The kinds of personal data with a retention period; each app that holds one registers how it is purged."""

    TICKET_CONTACT = "TICKET_CONTACT", _("Telefon og e-mail på kønumre")
    CONTACT_CITIZEN = "CONTACT_CITIZEN", _("Borgerens CPR-hash på henvendelser")
    APPOINTMENT_PERSONAL = "APPOINTMENT_PERSONAL", _("Navn, telefon og e-mail på tidsbestillinger")
    SATISFACTION_COMMENT = "SATISFACTION_COMMENT", _("Kommentarer til tilfredshed")
    AUDIT = "AUDIT", _("Logning")


RETENTION_MIN_DAYS = 1
RETENTION_MAX_DAYS = 3650


class RetentionSetting(models.Model):
    """A municipality's own retention period for one kind of data; without one, the default applies."""

    municipality = models.ForeignKey(
        "organisation.Municipality",
        on_delete=models.CASCADE,
        related_name="retention_settings",
        verbose_name=_("kommune"),
    )
    kind = models.CharField(_("type af oplysninger"), max_length=24, choices=DataKind.choices)
    days = models.PositiveIntegerField(
        _("opbevares i dage"),
        validators=[MinValueValidator(RETENTION_MIN_DAYS), MaxValueValidator(RETENTION_MAX_DAYS)],
    )
    changed_at = models.DateTimeField(_("ændret"), auto_now=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("ændret af")
    )

    class Meta:
        verbose_name = _("opbevaringsperiode")
        verbose_name_plural = _("opbevaringsperioder")
        ordering = ["municipality", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "kind"], name="privacy_retention_unique_kind"),
            models.CheckConstraint(
                condition=models.Q(days__gte=RETENTION_MIN_DAYS, days__lte=RETENTION_MAX_DAYS),
                name="privacy_retention_days_in_range",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.days} dage"
