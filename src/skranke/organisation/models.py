"""Municipalities, their sites, counters and staff, and who may do which authority work."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from skranke.catalogue.models import Kind, Service


class Region(models.TextChoices):
    NORDJYLLAND = "1081", _("Region Nordjylland")
    MIDTJYLLAND = "1082", _("Region Midtjylland")
    SYDDANMARK = "1083", _("Region Syddanmark")
    HOVEDSTADEN = "1084", _("Region Hovedstaden")
    SJAELLAND = "1085", _("Region Sjælland")


class CooperationModel(models.IntegerChoices):
    """The five models of the DB/Knudsen Syd surveys (2009, 2011, 2014)."""

    EARLY_START = 1, _("1: Den spæde start")
    MOVING_IN = 2, _("2: Vi flytter sammen")
    WORKING_TOGETHER = 3, _("3: Vi arbejder sammen")
    COMMON_ENTRANCE = 4, _("4: Vi er borgernes fælles indgang til kommunen")
    NONE = 5, _("5: Intet samarbejde")


class Area(models.TextChoices):
    """The visible line: every counter belongs to one of the two areas."""

    LIBRARY = "LIBRARY", _("Bibliotek")
    CITIZEN_SERVICE = "CITIZEN_SERVICE", _("Borgerservice")


class StaffGroup(models.TextChoices):
    LIBRARY = "LIBRARY", _("Biblioteksmedarbejder")
    CITIZEN_SERVICE = "CITIZEN_SERVICE", _("Borgerservicemedarbejder")


class SiteKind(models.TextChoices):
    LIBRARY = "LIBRARY", _("Bibliotek")
    CITIZEN_SERVICE = "CITIZEN_SERVICE", _("Borgerservicecenter")
    COMBINED = "COMBINED", _("Bibliotek og borgerservice")


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("mandag")
    TUESDAY = 1, _("tirsdag")
    WEDNESDAY = 2, _("onsdag")
    THURSDAY = 3, _("torsdag")
    FRIDAY = 4, _("fredag")
    SATURDAY = 5, _("lørdag")
    SUNDAY = 6, _("søndag")


class Municipality(models.Model):
    code = models.PositiveSmallIntegerField(_("kommunekode"), unique=True, help_text=_("Tre cifre, fx 101."))
    name = models.CharField(_("navn"), max_length=100, unique=True)
    region = models.CharField(_("region"), max_length=4, choices=Region.choices)
    cooperation_model = models.PositiveSmallIntegerField(
        _("samarbejdsmodel"), choices=CooperationModel.choices, null=True, blank=True
    )
    # The policy: the municipal council's decisions on the line between
    # library and authority work.
    library_staff_authority = models.BooleanField(
        _("biblioteksmedarbejdere må udføre myndighedsopgaver"),
        default=False,
        help_text=_("Kun de ydelser, der er valgt nedenfor, og kun med en gyldig bemyndigelse."),
    )
    library_authority_services = models.ManyToManyField(
        Service,
        blank=True,
        limit_choices_to={"kind": Kind.AUTHORITY},
        related_name="+",
        verbose_name=_("myndighedsopgaver biblioteksmedarbejdere må udføre"),
    )
    authority_at_citizen_service_counter = models.BooleanField(
        _("myndighedsopgaver kun ved borgerservice-skranke"),
        default=True,
        help_text=_("Så grænsen mellem biblioteks- og myndighedsarbejde er synlig for borgeren."),
    )
    citizen_service_staff_library_work = models.BooleanField(
        _("borgerservicemedarbejdere må udføre biblioteksopgaver"), default=True
    )

    class Meta:
        verbose_name = _("kommune")
        verbose_name_plural = _("kommuner")
        ordering = ["code"]
        permissions = [("change_policy", _("Kan ændre kommunens politik"))]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(code__gte=101, code__lte=999), name="organisation_municipality_code_range"
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.code:03d})"


class Site(models.Model):
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="sites", verbose_name=_("kommune")
    )
    name = models.CharField(_("navn"), max_length=150)
    kind = models.CharField(_("type"), max_length=16, choices=SiteKind.choices)
    street = models.CharField(_("adresse"), max_length=200, blank=True)
    postcode = models.CharField(_("postnummer"), max_length=4, blank=True)
    city = models.CharField(_("by"), max_length=100, blank=True)
    active = models.BooleanField(_("aktiv"), default=True)

    class Meta:
        verbose_name = _("lokation")
        verbose_name_plural = _("lokationer")
        ordering = ["municipality", "name"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "name"], name="organisation_site_unique_name"),
        ]

    def __str__(self):
        return self.name

    @property
    def areas(self) -> list[str]:
        if self.kind == SiteKind.COMBINED:
            return [Area.LIBRARY, Area.CITIZEN_SERVICE]
        return [Area.LIBRARY if self.kind == SiteKind.LIBRARY else Area.CITIZEN_SERVICE]


class OpeningHours(models.Model):
    """Weekly opening hours of one area of a site (Borgerservice inside a library often has shorter hours)."""

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="opening_hours", verbose_name=_("lokation"))
    area = models.CharField(_("område"), max_length=16, choices=Area.choices)
    weekday = models.PositiveSmallIntegerField(_("ugedag"), choices=Weekday.choices)
    opens = models.TimeField(_("åbner"))
    closes = models.TimeField(_("lukker"))

    class Meta:
        verbose_name = _("åbningstid")
        verbose_name_plural = _("åbningstider")
        ordering = ["site", "area", "weekday", "opens"]
        constraints = [
            models.CheckConstraint(condition=models.Q(closes__gt=models.F("opens")), name="organisation_hours_order"),
            models.UniqueConstraint(fields=["site", "area", "weekday", "opens"], name="organisation_hours_unique"),
        ]

    def __str__(self):
        return f"{self.get_weekday_display()} {self.opens:%H.%M}–{self.closes:%H.%M}"


class Counter(models.Model):
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="counters", verbose_name=_("lokation"))
    name = models.CharField(_("navn"), max_length=50, help_text=_("Som borgeren ser det, fx »Skranke 3«."))
    area = models.CharField(_("område"), max_length=16, choices=Area.choices)
    active = models.BooleanField(_("aktiv"), default=True)

    class Meta:
        verbose_name = _("skranke")
        verbose_name_plural = _("skranker")
        ordering = ["site", "name"]
        constraints = [
            models.UniqueConstraint(fields=["site", "name"], name="organisation_counter_unique_name"),
        ]

    def __str__(self):
        return f"{self.site.name} – {self.name}"


class StaffMember(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="staff_member", verbose_name=_("bruger")
    )
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="staff", verbose_name=_("kommune")
    )
    staff_group = models.CharField(_("personalegruppe"), max_length=16, choices=StaffGroup.choices)
    home_site = models.ForeignKey(
        Site, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("fast lokation")
    )

    class Meta:
        verbose_name = _("medarbejder")
        verbose_name_plural = _("medarbejdere")
        ordering = ["municipality", "user__first_name", "user__last_name"]

    def __str__(self):
        return self.user.get_full_name() or self.user.get_username()


class Authorisation(models.Model):
    """A staff member's right to do one AUTHORITY service (bemyndigelse).

    Rows are never deleted: a revocation is recorded on the row, and a new
    grant is a new row, so the history of who could do what stays.
    """

    staff_member = models.ForeignKey(
        StaffMember, on_delete=models.PROTECT, related_name="authorisations", verbose_name=_("medarbejder")
    )
    # The municipality that granted it; it only counts there, even if the
    # staff member later moves to another municipality.
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="+", verbose_name=_("kommune")
    )
    service = models.ForeignKey(
        Service,
        on_delete=models.PROTECT,
        related_name="authorisations",
        limit_choices_to={"kind": Kind.AUTHORITY},
        verbose_name=_("ydelse"),
    )
    valid_from = models.DateField(_("gælder fra"))
    valid_to = models.DateField(_("gælder til og med"), null=True, blank=True, help_text=_("Tom: uden slutdato."))
    basis = models.CharField(_("grundlag"), max_length=300, help_text=_("Fx kursus, sidemandsoplæring."))
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("givet af")
    )
    granted_at = models.DateTimeField(_("givet"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("tilbagekaldt"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("tilbagekaldt af"),
    )
    revocation_reason = models.CharField(_("begrundelse for tilbagekaldelse"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("bemyndigelse")
        verbose_name_plural = _("bemyndigelser")
        ordering = ["staff_member", "service", "-valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_to__isnull=True) | models.Q(valid_to__gte=models.F("valid_from")),
                name="organisation_authorisation_dates_in_order",
            ),
            models.CheckConstraint(
                condition=models.Q(revoked_at__isnull=True) | models.Q(revoked_by__isnull=False),
                name="organisation_authorisation_revoked_by_someone",
            ),
        ]

    def __str__(self):
        return f"{self.staff_member} – {self.service}"


class ServiceOverride(models.Model):
    """A municipality's own settings for one catalogue service."""

    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="service_overrides", verbose_name=_("kommune")
    )
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="+", verbose_name=_("ydelse"))
    enabled = models.BooleanField(_("tilbydes"), default=True)
    duration_minutes = models.PositiveSmallIntegerField(_("egen varighed (minutter)"), null=True, blank=True)
    needs_appointment = models.BooleanField(_("kræver tidsbestilling"), null=True, blank=True)
    fee_note = models.CharField(_("kommunens note om gebyr"), max_length=500, blank=True)
    guidance_note = models.TextField(_("kommunens note til vejledningen"), blank=True)

    class Meta:
        verbose_name = _("kommunal tilpasning af ydelse")
        verbose_name_plural = _("kommunale tilpasninger af ydelser")
        ordering = ["municipality", "service"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "service"], name="organisation_override_unique"),
            models.CheckConstraint(
                condition=models.Q(duration_minutes__isnull=True) | models.Q(duration_minutes__gt=0),
                name="organisation_override_duration_gt_0",
            ),
        ]

    def __str__(self):
        return f"{self.municipality.name}: {self.service}"
