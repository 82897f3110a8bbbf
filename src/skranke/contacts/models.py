"""The record of one served citizen: who served them where, each service handled and its outcome."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from skranke.catalogue.models import Service
from skranke.organisation.models import Area, Counter, Site, StaffGroup
from skranke.privacy.fields import CitizenHashField
from skranke.queues.models import Channel, Queue, Ticket


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
    # Decided when the contact is recorded, while the citizen hash exists: the figure outlives the
    # hash's purge, and the key figures need no search through the citizen's history.
    recontact = models.BooleanField(
        _("genhenvendelse"),
        null=True,
        blank=True,
        editable=False,
        help_text=_(
            "Om samme borger havde en henvendelse om samme ydelse i de 14 dage før. Tom, når der ikke er et cpr-nummer."
        ),
    )

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


# The key figures' daily roll-up (insights.rollup): a finished day's contacts added up once, so a period of a
# year never reads a year of contacts. Medians and percentiles stay exact: each row keeps its times as lists.


class RolledUpDay(models.Model):
    """One site's day whose roll-up rows are complete; deleting it (and with it its rows) makes it be counted again.

    insights.rollup rolls up a day before today the first time a period with it is asked for.
    contacts.services deletes the mark when it records a contact or a satisfaction answer for such a day.
    """

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="+", verbose_name=_("lokation"))
    day = models.DateField(_("dag"))

    class Meta:
        verbose_name = _("optalt dag")
        verbose_name_plural = _("optalte dage")
        constraints = [models.UniqueConstraint(fields=["site", "day"], name="contacts_rolledupday_unique")]

    def __str__(self):
        return f"{self.site_id} {self.day}"


class DayFigures(models.Model):
    """What a roll-up row adds up: its lines' outcomes and citizens, the satisfaction answers, and the times."""

    lines = models.PositiveIntegerField(_("ydelser"), default=0)
    resolved = models.PositiveIntegerField(_("løst"), default=0)
    referred = models.PositiveIntegerField(_("henvist"), default=0)
    follow_up = models.PositiveIntegerField(_("opfølgning"), default=0)
    not_possible = models.PositiveIntegerField(_("ikke muligt"), default=0)
    with_citizen = models.PositiveIntegerField(_("med cpr-nummer"), default=0)
    recontacts = models.PositiveIntegerField(_("genhenvendelser"), default=0)
    answers = models.PositiveIntegerField(_("tilfredshedssvar"), default=0)
    face_total = models.PositiveIntegerField(_("sum af svar"), default=0)
    # Seconds as 32-bit big-endian integers (insights.rollup.pack): the wait of each contact that had one,
    # and each one's time at the counter. A year of them is read as one block, never parsed number by number.
    waits = models.BinaryField(_("ventetider (sekunder)"), default=bytes)
    service_times = models.BinaryField(_("betjeningstider (sekunder)"), default=bytes)

    class Meta:
        abstract = True


class ContactDay(DayFigures):
    """A site's contacts on one day with one area, staff group and channel, added up."""

    rolled_up = models.ForeignKey(RolledUpDay, on_delete=models.CASCADE, related_name="contact_days")
    area = models.CharField(_("område"), max_length=16, choices=Area.choices)
    staff_group = models.CharField(_("personalegruppe"), max_length=16, choices=StaffGroup.choices)
    channel = models.CharField(_("kanal"), max_length=12, choices=Channel.choices)
    contacts = models.PositiveIntegerField(_("henvendelser"), default=0)
    # AUTHORITY lines, by the service's kind when the day was rolled up.
    authority = models.PositiveIntegerField(_("myndighedsopgaver"), default=0)
    # One byte per wait, in the same order: the local hour its ticket was taken (24: no ticket).
    wait_hours = models.BinaryField(_("ventetidernes klokkeslæt"), default=bytes)

    class Meta:
        verbose_name = _("henvendelser på en dag")
        verbose_name_plural = _("henvendelser pr. dag")
        constraints = [
            models.UniqueConstraint(
                fields=["rolled_up", "area", "staff_group", "channel"], name="contacts_contactday_unique"
            )
        ]

    def __str__(self):
        return f"{self.rolled_up} {self.area} {self.staff_group} {self.channel}"


class ServiceDay(DayFigures):
    """A site's lines about one service on one day by one staff group, added up; the times are their contacts'."""

    rolled_up = models.ForeignKey(RolledUpDay, on_delete=models.CASCADE, related_name="service_days")
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="+", verbose_name=_("ydelse"))
    staff_group = models.CharField(_("personalegruppe"), max_length=16, choices=StaffGroup.choices)

    class Meta:
        verbose_name = _("ydelse på en dag")
        verbose_name_plural = _("ydelser pr. dag")
        constraints = [
            models.UniqueConstraint(fields=["rolled_up", "service", "staff_group"], name="contacts_serviceday_unique")
        ]

    def __str__(self):
        return f"{self.rolled_up} {self.service_id} {self.staff_group}"


class CallDay(models.Model):
    """A site's tickets called on one day in one area and channel, and how many of them did not show up."""

    rolled_up = models.ForeignKey(RolledUpDay, on_delete=models.CASCADE, related_name="call_days")
    area = models.CharField(_("område"), max_length=16, choices=Area.choices)
    channel = models.CharField(_("kanal"), max_length=12, choices=Channel.choices)
    called = models.PositiveIntegerField(_("kaldt"), default=0)
    no_shows = models.PositiveIntegerField(_("udeblevet"), default=0)

    class Meta:
        verbose_name = _("kald på en dag")
        verbose_name_plural = _("kald pr. dag")
        constraints = [models.UniqueConstraint(fields=["rolled_up", "area", "channel"], name="contacts_callday_unique")]

    def __str__(self):
        return f"{self.rolled_up} {self.area} {self.channel}"


class EstimateDay(models.Model):
    """A queue's day as the wait estimate's accuracy (insights.accuracy) reads it, in two halves by their own day.

    The contacts with a ticket of the queue that finished on the day, for the naive estimate's mean service
    time (a period's mean is its days' totals over their counts); and the queue's tickets taken on the day
    that carry the estimate of their issue and whose citizen was served.
    """

    rolled_up = models.ForeignKey(RolledUpDay, on_delete=models.CASCADE, related_name="estimate_days")
    queue = models.ForeignKey(Queue, on_delete=models.CASCADE, related_name="+", verbose_name=_("kø"))
    served = models.PositiveIntegerField(_("betjente med kønummer"), default=0)
    service_total = models.PositiveIntegerField(_("deres betjeningstid i alt (sekunder)"), default=0)
    # Per ticket a record of insights.rollup.ESTIMATE: the real wait, how far Skranke's estimate missed it
    # (both whole seconds), and the tickets ahead and the counters open at issue; a ticket with a number
    # too large for it in estimates_wide (ESTIMATE_WIDE). Stored uncompressed (migration 0007): read, not kept.
    estimates = models.BinaryField(_("numre med estimat"), default=bytes)
    estimates_wide = models.BinaryField(_("numre med estimat, store tal"), default=bytes)

    class Meta:
        verbose_name = _("estimater på en dag")
        verbose_name_plural = _("estimater pr. dag")
        constraints = [models.UniqueConstraint(fields=["rolled_up", "queue"], name="contacts_estimateday_unique")]

    def __str__(self):
        return f"{self.rolled_up} {self.queue_id}"
