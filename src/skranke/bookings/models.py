"""Appointments: closures, what a site lets citizens book, the booked times and the waitlist.

Opening hours are organisation.OpeningHours (per site and area); Danish public
holidays come from the `holidays` package (see bookings.calendar).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from skranke.catalogue.models import Service
from skranke.organisation.models import Area, Site
from skranke.queues.models import Ticket


class Closure(models.Model):
    """Days a site (or one of its areas) is closed beyond the public holidays: one-off or every year."""

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="closures", verbose_name=_("lokation"))
    area = models.CharField(
        _("område"), max_length=16, choices=Area.choices, blank=True, help_text=_("Tom: hele lokationen er lukket.")
    )
    first_day = models.DateField(_("første lukkedag"))
    last_day = models.DateField(_("sidste lukkedag"))
    reason = models.CharField(_("årsag"), max_length=200, help_text=_("Som borgeren ser det, fx »Juleaften«."))
    yearly = models.BooleanField(
        _("hvert år"),
        default=False,
        help_text=_("Samme datoer hvert år (årstallet bruges ikke), fx 24. december. Må gå hen over nytår."),
    )

    class Meta:
        verbose_name = _("lukkedag")
        verbose_name_plural = _("lukkedage")
        ordering = ["site", "first_day"]
        constraints = [
            # A yearly closure may run over New Year (24/12-1/1): only one-off closures must be in order.
            models.CheckConstraint(
                condition=models.Q(yearly=True) | models.Q(last_day__gte=models.F("first_day")),
                name="bookings_closure_days_in_order",
            ),
        ]

    def __str__(self):
        return f"{self.site.name}: {self.reason}"


class BookingSetup(models.Model):
    """How one area of a site takes appointments: how many lanes (counters serving appointments at once)."""

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="booking_setups", verbose_name=_("lokation"))
    area = models.CharField(_("område"), max_length=16, choices=Area.choices, default=Area.CITIZEN_SERVICE)
    lanes = models.PositiveSmallIntegerField(
        _("baner"), default=1, help_text=_("Hvor mange skranker der betjener borgere med aftale samtidig.")
    )
    step_minutes = models.PositiveSmallIntegerField(
        _("interval (minutter)"), default=15, help_text=_("Tider starter hvert så mange minutter fra åbningstid.")
    )

    class Meta:
        verbose_name = _("opsætning af tidsbestilling")
        verbose_name_plural = _("opsætninger af tidsbestilling")
        ordering = ["site", "area"]
        constraints = [
            models.UniqueConstraint(fields=["site", "area"], name="bookings_setup_unique"),
            models.CheckConstraint(condition=models.Q(lanes__gte=1), name="bookings_setup_lanes_gte_1"),
            models.CheckConstraint(
                condition=models.Q(step_minutes__gte=5, step_minutes__lte=240), name="bookings_setup_step_range"
            ),
        ]

    def __str__(self):
        return f"{self.site.name}: {self.get_area_display()}"


class BookableService(models.Model):
    """A service citizens may book at one site, with its own capacity and booking window."""

    setup = models.ForeignKey(
        BookingSetup, on_delete=models.CASCADE, related_name="services", verbose_name=_("tidsbestilling")
    )
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="+", verbose_name=_("ydelse"))
    duration_minutes = models.PositiveSmallIntegerField(
        _("varighed (minutter)"),
        null=True,
        blank=True,
        help_text=_("Tom: kommunens varighed for ydelsen, ellers katalogets."),
    )
    lanes = models.PositiveSmallIntegerField(
        _("baner"), default=1, help_text=_("Hvor mange af områdets baner (bane 1 til n) der må betjene ydelsen.")
    )
    book_ahead_days = models.PositiveSmallIntegerField(_("kan bestilles dage frem"), default=60)
    min_notice_minutes = models.PositiveIntegerField(
        _("bestilles senest (minutter før)"), default=120, help_text=_("Gælder borgerens egen bestilling på nettet.")
    )
    emergency_slots = models.PositiveSmallIntegerField(
        _("akuttider pr. dag"),
        default=0,
        help_text=_("Tider på bane 1, der holdes tilbage til samme dag og frigives på frigivelsestidspunktet."),
    )
    emergency_release = models.TimeField(_("akuttider frigives kl."), null=True, blank=True)
    active = models.BooleanField(_("aktiv"), default=True)

    class Meta:
        verbose_name = _("ydelse med tidsbestilling")
        verbose_name_plural = _("ydelser med tidsbestilling")
        ordering = ["setup", "service"]
        constraints = [
            models.UniqueConstraint(fields=["setup", "service"], name="bookings_bookable_unique"),
            models.CheckConstraint(condition=models.Q(lanes__gte=1), name="bookings_bookable_lanes_gte_1"),
            models.CheckConstraint(
                condition=models.Q(duration_minutes__isnull=True) | models.Q(duration_minutes__gt=0),
                name="bookings_bookable_duration_gt_0",
            ),
            models.CheckConstraint(
                condition=models.Q(emergency_slots=0) | models.Q(emergency_release__isnull=False),
                name="bookings_bookable_emergency_has_release",
            ),
        ]

    def __str__(self):
        return f"{self.setup}: {self.service}"


class Status(models.TextChoices):
    HELD = "HELD", _("Tilbudt fra ventelisten")
    BOOKED = "BOOKED", _("Bestilt")
    CHECKED_IN = "CHECKED_IN", _("Tjekket ind")
    LATE = "LATE", _("Kom for sent")
    NO_SHOW = "NO_SHOW", _("Mødte ikke op")
    CANCELLED = "CANCELLED", _("Aflyst")
    EXPIRED = "EXPIRED", _("Tilbud udløbet")


# The statuses that hold a lane for the appointment's time.
HOLDS_LANE = (Status.HELD, Status.BOOKED, Status.CHECKED_IN)


class Channel(models.TextChoices):
    ONLINE = "ONLINE", _("Borgeren selv på nettet")
    COUNTER = "COUNTER", _("Ved skranken")
    PHONE = "PHONE", _("Telefon")


class Language(models.TextChoices):
    DANISH = "da", _("Dansk")
    ENGLISH = "en", _("Engelsk")


class AppointmentDay(models.Model):
    """One row per site, area and day; locked while a time that day is booked, so no lane is given twice."""

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="+")
    area = models.CharField(max_length=16, choices=Area.choices)
    day = models.DateField()
    changes = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["site", "area", "day"], name="bookings_day_unique")]

    def __str__(self):
        return f"{self.site_id} {self.area} {self.day}"


class Appointment(models.Model):
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="appointments", verbose_name=_("lokation"))
    area = models.CharField(_("område"), max_length=16, choices=Area.choices)
    lane = models.PositiveSmallIntegerField(_("bane"))
    starts_at = models.DateTimeField(_("starter"))
    ends_at = models.DateTimeField(_("slutter"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.BOOKED)
    services = models.ManyToManyField(
        Service, through="AppointmentService", related_name="+", verbose_name=_("ydelser")
    )
    code = models.CharField(_("bookingkode"), max_length=8, unique=True, editable=False)
    # No CPR number: a name and a way to reach the citizen are all a booking needs (data minimisation).
    name = models.CharField(_("navn"), max_length=150, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("telefon"), max_length=16, blank=True)
    language = models.CharField(_("sprog"), max_length=2, choices=Language.choices, default=Language.DANISH)
    channel = models.CharField(_("bestilt via"), max_length=8, choices=Channel.choices, default=Channel.ONLINE)
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("bestilt af medarbejder"),
    )
    created_at = models.DateTimeField(_("bestilt"))
    cancelled_at = models.DateTimeField(_("aflyst"), null=True, blank=True)
    checked_in_at = models.DateTimeField(_("tjekket ind"), null=True, blank=True)
    ticket = models.OneToOneField(
        Ticket, on_delete=models.PROTECT, null=True, blank=True, related_name="appointment", verbose_name=_("kønummer")
    )
    reminder_sent_at = models.DateTimeField(_("påmindelse sendt"), null=True, blank=True)

    class Meta:
        verbose_name = _("tidsbestilling")
        verbose_name_plural = _("tidsbestillinger")
        ordering = ["starts_at", "lane"]
        constraints = [
            models.CheckConstraint(condition=models.Q(ends_at__gt=models.F("starts_at")), name="bookings_appt_order"),
            models.CheckConstraint(condition=models.Q(lane__gte=1), name="bookings_appt_lane_gte_1"),
            models.CheckConstraint(
                condition=~models.Q(status__in=[Status.BOOKED, Status.HELD]) | ~models.Q(email="", phone=""),
                name="bookings_appt_reachable",
            ),
            # The backstop behind the day lock: never two live appointments starting on one lane at once.
            # On PostgreSQL migration 0002 adds an exclusion constraint that refuses any overlap too.
            models.UniqueConstraint(
                fields=["site", "area", "lane", "starts_at"],
                condition=models.Q(status__in=HOLDS_LANE),
                name="bookings_appt_one_per_lane",
            ),
        ]
        indexes = [models.Index(fields=["site", "area", "starts_at"], name="bookings_appt_site_time")]

    def __str__(self):
        return f"{self.code} {self.starts_at:%Y-%m-%d %H:%M}"


class AppointmentService(models.Model):
    appointment = models.ForeignKey(Appointment, on_delete=models.CASCADE, related_name="appointment_services")
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["appointment", "position"]
        constraints = [models.UniqueConstraint(fields=["appointment", "service"], name="bookings_apptservice_unique")]

    def __str__(self):
        return f"{self.appointment_id}: {self.service_id}"


class WaitlistStatus(models.TextChoices):
    WAITING = "WAITING", _("Venter")
    OFFERED = "OFFERED", _("Har fået tilbudt en tid")
    BOOKED = "BOOKED", _("Har taget en tid")
    EXPIRED = "EXPIRED", _("Svarede ikke i tide")
    CANCELLED = "CANCELLED", _("Afmeldt")


class WaitlistEntry(models.Model):
    """A citizen who wants to hear when an earlier time frees up at a site."""

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="waitlist", verbose_name=_("lokation"))
    area = models.CharField(_("område"), max_length=16, choices=Area.choices)
    services = models.ManyToManyField(Service, related_name="+", verbose_name=_("ydelser"))
    name = models.CharField(_("navn"), max_length=150, blank=True)
    email = models.EmailField(_("e-mail"))
    phone = models.CharField(_("telefon"), max_length=16, blank=True)
    language = models.CharField(_("sprog"), max_length=2, choices=Language.choices, default=Language.DANISH)
    latest_day = models.DateField(_("senest dag"), null=True, blank=True, help_text=_("Tom: se »tidligere end«."))
    appointment = models.ForeignKey(
        Appointment,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="waitlist_entries",
        verbose_name=_("tidligere end denne tid"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=WaitlistStatus.choices, default=WaitlistStatus.WAITING
    )
    created_at = models.DateTimeField(_("skrevet op"))
    offered = models.OneToOneField(
        Appointment,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="offered_to",
        verbose_name=_("tilbudt tid"),
    )
    offer_expires_at = models.DateTimeField(_("tilbud udløber"), null=True, blank=True)
    # Set by whoever e-mails the offer, in the same UPDATE that claims it: each offer is sent once.
    offer_sent_at = models.DateTimeField(_("tilbud sendt"), null=True, blank=True)

    class Meta:
        verbose_name = _("plads på venteliste")
        verbose_name_plural = _("venteliste")
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(latest_day__isnull=False) | models.Q(appointment__isnull=False),
                name="bookings_waitlist_has_limit",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="OFFERED") | models.Q(offered__isnull=False, offer_expires_at__isnull=False),
                name="bookings_waitlist_offer_complete",
            ),
        ]
        indexes = [models.Index(fields=["site", "status", "created_at"], name="bookings_waitlist_line")]

    def __str__(self):
        return f"{self.site.name}: {self.created_at:%Y-%m-%d %H:%M}"
