"""The record of one served citizen: who served them where, each service handled and its outcome."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from skranke.catalogue.models import Service
from skranke.organisation.models import Area, Counter, Site, StaffGroup
from skranke.privacy.fields import CitizenHashField
from skranke.queues.models import Channel, Ticket


class Outcome(models.TextChoices):
    RESOLVED = "RESOLVED", _("Løst")
    REFERRED = "REFERRED", _("Henvist")
    FOLLOW_UP = "FOLLOW_UP", _("Opfølgning")
    NOT_POSSIBLE = "NOT_POSSIBLE", _("Ikke muligt")


class GuidanceMode(models.TextChoices):
    SHOWN_HOW = "SHOWN_HOW", _("Vist hvordan")
    DONE_FOR = "DONE_FOR", _("Gjort for borgeren")


class Contact(models.Model):
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="contacts", verbose_name=_("lokation"))
    counter = models.ForeignKey(Counter, on_delete=models.PROTECT, related_name="+", verbose_name=_("skranke"))
    # Snapshots: what they were at the time, so later changes do not rewrite the statistics.
    area = models.CharField(_("område"), max_length=16, choices=Area.choices)
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("medarbejder")
    )
    staff_group = models.CharField(_("personalegruppe"), max_length=16, choices=StaffGroup.choices)
    ticket = models.OneToOneField(
        Ticket, on_delete=models.PROTECT, null=True, blank=True, related_name="contact", verbose_name=_("kønummer")
    )
    channel = models.CharField(_("kanal"), max_length=12, choices=Channel.choices)
    started_at = models.DateTimeField(_("start"))
    finished_at = models.DateTimeField(_("slut"))
    wait_seconds = models.PositiveIntegerField(_("ventetid (sekunder)"), null=True, blank=True)
    service_seconds = models.PositiveIntegerField(_("betjeningstid (sekunder)"))
    power_of_attorney = models.BooleanField(_("fuldmagt brugt"), default=False)
    citizen = CitizenHashField(_("borger (hash af CPR-nummer)"), null=True, blank=True, db_index=True)

    class Meta:
        verbose_name = _("henvendelse")
        verbose_name_plural = _("henvendelser")
        ordering = ["-finished_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(finished_at__gte=models.F("started_at")), name="contacts_contact_times_in_order"
            ),
        ]
        # The key figures select a period at one site or all of a municipality's sites.
        indexes = [models.Index(fields=["site", "finished_at"], name="contacts_site_finished")]

    def __str__(self):
        return f"{self.site} {self.finished_at:%Y-%m-%d %H:%M}"


class ContactService(models.Model):
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="lines", verbose_name=_("henvendelse"))
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="+", verbose_name=_("ydelse"))
    outcome = models.CharField(_("resultat"), max_length=12, choices=Outcome.choices)
    referred_to = models.CharField(_("henvist til"), max_length=200, blank=True)
    guidance_mode = models.CharField(_("vejledning"), max_length=10, choices=GuidanceMode.choices, blank=True)

    class Meta:
        verbose_name = _("ydelse i henvendelse")
        verbose_name_plural = _("ydelser i henvendelser")
        constraints = [
            models.UniqueConstraint(fields=["contact", "service"], name="contacts_line_unique_service"),
            models.CheckConstraint(
                condition=~models.Q(outcome="REFERRED") | ~models.Q(referred_to=""),
                name="contacts_line_referred_says_to_whom",
            ),
        ]

    def __str__(self):
        return f"{self.service_id}: {self.outcome}"


class Face(models.IntegerChoices):
    """The one satisfaction question's five faces, from very unhappy to very happy."""

    VERY_UNHAPPY = 1, _("Meget utilfreds")
    UNHAPPY = 2, _("Utilfreds")
    NEUTRAL = 3, _("Hverken eller")
    HAPPY = 4, _("Tilfreds")
    VERY_HAPPY = 5, _("Meget tilfreds")


class SatisfactionChannel(models.TextChoices):
    TABLET = "TABLET", _("Skærm ved skranken")
    PHONE = "PHONE", _("Borgerens telefon")


class SatisfactionResponse(models.Model):
    """One answer to "Hvordan var din oplevelse i dag?", anonymous: tied to the contact, never to the citizen.

    The contact gives where, which area and which staff group served (the
    comparison needs it); the citizen hash on the contact is not read with it.
    A contact gets at most one answer. The comment may hold personal data and
    is blanked after the retention period (DataKind.SATISFACTION_COMMENT).
    """

    contact = models.OneToOneField(
        Contact, on_delete=models.CASCADE, related_name="satisfaction", verbose_name=_("henvendelse")
    )
    face = models.PositiveSmallIntegerField(_("svar"), choices=Face.choices)
    comment = models.CharField(_("kommentar"), max_length=500, blank=True)
    channel = models.CharField(_("svaret på"), max_length=8, choices=SatisfactionChannel.choices)
    answered_at = models.DateTimeField(_("svaret"))

    class Meta:
        verbose_name = _("tilfredshedssvar")
        verbose_name_plural = _("tilfredshedssvar")
        constraints = [
            models.CheckConstraint(condition=models.Q(face__gte=1, face__lte=5), name="contacts_face_1_to_5"),
        ]

    def __str__(self):
        return f"{self.contact_id}: {self.face}"
