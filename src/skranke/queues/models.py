"""Walk-in queues at a site and their tickets."""

import datetime as dt
import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from skranke.catalogue.models import Service
from skranke.organisation.models import Area, Counter, Site, StaffMember

# A presence not seen for this long counts as gone: a closed browser tab never says goodbye.
PRESENCE_TIMEOUT = dt.timedelta(minutes=5)


class Queue(models.Model):
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="queues", verbose_name=_("lokation"))
    name = models.CharField(_("navn"), max_length=100, help_text=_("Som borgeren ser det, fx »Pas og kørekort«."))
    area = models.CharField(_("område"), max_length=16, choices=Area.choices)
    letter = models.CharField(_("bogstav"), max_length=1, help_text=_("Står foran nummeret: »B 007«."))
    services = models.ManyToManyField(Service, related_name="queues", verbose_name=_("ydelser"))
    active = models.BooleanField(_("aktiv"), default=True)

    class Meta:
        verbose_name = _("kø")
        verbose_name_plural = _("køer")
        ordering = ["site", "letter"]
        constraints = [
            models.UniqueConstraint(fields=["site", "letter"], name="queues_queue_unique_letter"),
            models.CheckConstraint(condition=models.Q(letter__regex=r"^[A-Z]$"), name="queues_queue_letter_a_to_z"),
        ]

    def __str__(self):
        return f"{self.site.name}: {self.name} ({self.letter})"


class TicketDay(models.Model):
    """The last number given in one queue on one day; locked while the next is given, so no number is given twice."""

    queue = models.ForeignKey(Queue, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["queue", "day"], name="queues_ticketday_unique")]

    def __str__(self):
        return f"{self.queue_id} {self.day}: {self.last_number}"


class Status(models.TextChoices):
    WAITING = "WAITING", _("Venter")
    CALLED = "CALLED", _("Kaldt")
    SERVING = "SERVING", _("Betjenes")
    DONE = "DONE", _("Færdig")
    NO_SHOW = "NO_SHOW", _("Mødte ikke op")
    CANCELLED = "CANCELLED", _("Annulleret")
    TRANSFERRED = "TRANSFERRED", _("Flyttet til anden kø")


class Channel(models.TextChoices):
    WALK_IN = "WALK_IN", _("Uden aftale")
    APPOINTMENT = "APPOINTMENT", _("Tidsbestilling")


def _token() -> str:
    return secrets.token_urlsafe(24)


class Ticket(models.Model):
    # No index of its own: every index of the table but the staff member's begins with the queue.
    queue = models.ForeignKey(
        Queue, on_delete=models.PROTECT, related_name="tickets", verbose_name=_("kø"), db_index=False
    )
    day = models.DateField(_("dag"))
    number = models.PositiveIntegerField(_("nummer"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.WAITING)
    channel = models.CharField(_("kanal"), max_length=12, choices=Channel.choices, default=Channel.WALK_IN)
    services = models.ManyToManyField(Service, through="TicketService", related_name="+", verbose_name=_("ydelser"))
    # The phone page's address: unguessable, never the ticket's id.
    # Unique by a constraint (queues_ticket_token_unique), not unique=True, which on PostgreSQL adds a
    # second index for LIKE searches no one makes.
    token = models.CharField(max_length=40, default=_token, editable=False)
    # Only to tell the citizen it is their turn; deleted after the retention period.
    phone = models.CharField(_("telefon"), max_length=16, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    issued_at = models.DateTimeField(_("trukket"))
    called_at = models.DateTimeField(_("kaldt"), null=True, blank=True)
    started_at = models.DateTimeField(_("betjening startet"), null=True, blank=True)
    finished_at = models.DateTimeField(_("afsluttet"), null=True, blank=True)
    counter = models.ForeignKey(
        Counter, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("skranke")
    )
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("medarbejder"),
        db_index=False,  # queues_ticket_staff_day leads with it
    )
    recalls = models.PositiveSmallIntegerField(_("kaldt igen"), default=0)
    transferred_from = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="transferred_to",
        verbose_name=_("flyttet fra"),
    )
    note = models.CharField(_("note"), max_length=300, blank=True, help_text=_("Fx hvorfor nummeret blev flyttet."))
    # The estimate given at issue time, kept to measure its accuracy later.
    estimate_low = models.PositiveIntegerField(_("ventetid fra (minutter)"), null=True, blank=True)
    estimate_high = models.PositiveIntegerField(_("ventetid til (minutter)"), null=True, blank=True)
    estimate_seconds = models.PositiveIntegerField(_("forventet ventetid (sekunder)"), null=True, blank=True)
    # What a naive estimate would have had at issue time: the tickets ahead and the counters open in the area.
    ahead_at_issue = models.PositiveIntegerField(_("numre foran ved udstedelse"), null=True, blank=True)
    open_counters_at_issue = models.PositiveSmallIntegerField(_("åbne skranker ved udstedelse"), null=True, blank=True)

    class Meta:
        verbose_name = _("kønummer")
        verbose_name_plural = _("kønumre")
        ordering = ["issued_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["queue", "day", "number"], name="queues_ticket_unique_number"),
            models.UniqueConstraint(fields=["token"], name="queues_ticket_token_unique"),
        ]
        # Every index is written on each new ticket and on each change of its status (a status is in an
        # index, so PostgreSQL's update cannot be HOT): only those a query of the hot path or a page needs.
        indexes = [
            # A period's tickets of a queue: by issue (staffing, the estimate's accuracy), by call (no-shows).
            models.Index(fields=["queue", "issued_at"], name="queues_ticket_issued"),
            models.Index(fields=["queue", "called_at"], name="queues_ticket_called"),
            # The ticket a staff member has at their counter today, asked at every call: by staff member
            # alone it read all their tickets ever (0.7 ms at 2,800, and growing through the year).
            models.Index(fields=["staff", "day", "status"], name="queues_ticket_at_counter"),
            # The waiting tickets of a queue's day in issue order, for "call next" and the wait estimate: only
            # the waiting rows, so that a plan made once for any day (a prepared statement's) still finds them
            # without reading the day's called and finished tickets (4 ms at 16,000 in a day). The id ends it,
            # as it ends the order (issued_at, id): the estimate's first SAMPLED_AHEAD tickets are then read
            # in order and no more; without it every waiting ticket was read and sorted (3.5 ms at 2,400).
            models.Index(
                fields=["queue", "day", "issued_at", "id"],
                condition=models.Q(status="WAITING"),
                name="queues_ticket_waiting_day",
            ),
        ]

    def __str__(self):
        return self.label

    @property
    def label(self) -> str:
        return f"{self.queue.letter} {self.number:03d}"


class TicketService(models.Model):
    # No index of its own: the unique (ticket, service) begins with it.
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="ticket_services", db_index=False)
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["ticket", "position"]
        constraints = [models.UniqueConstraint(fields=["ticket", "service"], name="queues_ticketservice_unique")]

    def __str__(self):
        return f"{self.ticket_id}: {self.service_id}"


class CounterPresence(models.Model):
    """Who stands at which counter: opened on arrival, kept alive by the counter page, ended on leaving.

    Open means not ended and seen within PRESENCE_TIMEOUT; the wait estimate
    counts open presences as the counters serving a queue.
    """

    counter = models.ForeignKey(Counter, on_delete=models.PROTECT, related_name="presences", verbose_name=_("skranke"))
    staff = models.ForeignKey(
        StaffMember, on_delete=models.PROTECT, related_name="counter_presences", verbose_name=_("medarbejder")
    )
    since = models.DateTimeField(_("siden"))
    last_seen = models.DateTimeField(_("sidst set"))
    ended_at = models.DateTimeField(_("afsluttet"), null=True, blank=True)

    class Meta:
        verbose_name = _("tilstedeværelse ved skranke")
        verbose_name_plural = _("tilstedeværelser ved skranker")
        ordering = ["-since", "pk"]
        constraints = [
            # One person per counter and one counter per person; a presence that timed out
            # still holds its place until counter_open ends it.
            models.UniqueConstraint(
                fields=["counter"], condition=models.Q(ended_at__isnull=True), name="queues_presence_one_per_counter"
            ),
            models.UniqueConstraint(
                fields=["staff"], condition=models.Q(ended_at__isnull=True), name="queues_presence_one_per_staff"
            ),
            models.CheckConstraint(
                condition=models.Q(last_seen__gte=models.F("since")), name="queues_presence_seen_after_since"
            ),
            models.CheckConstraint(
                condition=models.Q(ended_at__isnull=True) | models.Q(ended_at__gte=models.F("since")),
                name="queues_presence_ended_after_since",
            ),
        ]

    def __str__(self):
        return f"{self.staff_id} @ {self.counter_id} ({self.since:%Y-%m-%d %H:%M})"
