"""The national service catalogue: services, their fees and guidance, and life events.

Rows are written only by `catalogue.services.catalogue_load` from the YAML in
`data/`; the admin shows them read-only.
"""

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


def localized(obj, field: str) -> str:
    """`obj.<field>_en` when the active language is English and the text exists, else `obj.<field>_da`."""
    if (get_language() or "da").startswith("en"):
        english = getattr(obj, f"{field}_en", "")
        if english:
            return english
    return getattr(obj, f"{field}_da", "")


class Kind(models.TextChoices):
    LIBRARY = "LIBRARY", _("Bibliotek")
    GUIDANCE = "GUIDANCE", _("Vejledning")
    AUTHORITY = "AUTHORITY", _("Myndighedsopgave")


class CatalogueVersion(models.Model):
    """One row per load that changed something, newest last."""

    version = models.CharField(_("version"), max_length=32)
    checksum = models.CharField(_("kontrolsum"), max_length=64, help_text=_("SHA-256 af de indlæste filer."))
    loaded_at = models.DateTimeField(_("indlæst"), auto_now_add=True)
    summary = models.TextField(_("ændringer"), blank=True)

    class Meta:
        verbose_name = _("katalogversion")
        verbose_name_plural = _("katalogversioner")
        ordering = ["-loaded_at"]

    def __str__(self):
        return self.version


class Service(models.Model):
    key = models.SlugField(_("nøgle"), max_length=64, unique=True, help_text=_("Stabil nøgle; ændres aldrig."))
    kind = models.CharField(_("type"), max_length=16, choices=Kind.choices)
    name_da = models.CharField(_("navn (dansk)"), max_length=200)
    name_en = models.CharField(_("navn (engelsk)"), max_length=200)
    authority = models.CharField(_("ansvarlig myndighed"), max_length=300)
    kle_number = models.CharField(_("KLE-nummer"), max_length=20, blank=True)
    kle_verified = models.BooleanField(_("KLE-nummer bekræftet"), default=False)
    needs_appointment = models.BooleanField(_("kræver tidsbestilling"), default=False)
    duration_minutes = models.PositiveSmallIntegerField(_("typisk varighed (minutter)"))
    duration_verified = models.BooleanField(
        _("varighed bekræftet"), default=False, help_text=_("Falsk: Skrankes skøn, ikke et offentliggjort tal.")
    )
    description_da = models.TextField(_("beskrivelse til borgeren (dansk)"))
    description_en = models.TextField(_("beskrivelse til borgeren (engelsk)"))
    borger_dk_url = models.URLField(_("link til borger.dk"), blank=True)
    documents = models.JSONField(_("medbring"), default=list, blank=True)
    guidance_steps = models.JSONField(_("fremgangsmåde"), default=list, blank=True)
    guidance_pitfalls = models.JSONField(_("faldgruber"), default=list, blank=True)
    legal_basis = models.JSONField(_("lovgrundlag"), default=list, blank=True)
    search_words = models.JSONField(_("søgeord"), default=list, blank=True)
    examples = models.JSONField(_("eksempler på formuleringer"), default=list, blank=True)
    related = models.ManyToManyField("self", symmetrical=False, blank=True, verbose_name=_("relaterede ydelser"))
    retired = models.BooleanField(_("udgået"), default=False)
    position = models.PositiveIntegerField(_("rækkefølge"), default=0)

    class Meta:
        verbose_name = _("ydelse")
        verbose_name_plural = _("ydelser")
        ordering = ["position", "key"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=[k.value for k in Kind]), name="catalogue_service_kind_valid"
            ),
            models.CheckConstraint(condition=models.Q(duration_minutes__gt=0), name="catalogue_service_duration_gt_0"),
        ]

    def __str__(self):
        return self.name_da

    @property
    def is_authority(self) -> bool:
        return self.kind == Kind.AUTHORITY


class Fee(models.Model):
    """One dated fee entry; the entry valid on a day is the newest one per band."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="fees", verbose_name=_("ydelse"))
    label = models.CharField(_("gruppe"), max_length=200)
    amount = models.DecimalField(
        _("beløb (kr.)"), max_digits=9, decimal_places=2, null=True, blank=True, help_text=_("Tom: ukendt.")
    )
    valid_from = models.DateField(_("gælder fra"))
    age_min = models.PositiveSmallIntegerField(_("fra alder"), null=True, blank=True)
    age_max = models.PositiveSmallIntegerField(_("til alder"), null=True, blank=True)
    verified = models.BooleanField(_("bekræftet"), default=False)
    source = models.CharField(_("kilde"), max_length=500)
    note = models.CharField(_("bemærkning"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("gebyr")
        verbose_name_plural = _("gebyrer")
        ordering = ["service", "label", "-valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["service", "label", "valid_from"], name="catalogue_fee_unique_per_day"),
            models.CheckConstraint(
                condition=models.Q(amount__isnull=True) | models.Q(amount__gte=0), name="catalogue_fee_amount_gte_0"
            ),
        ]

    def __str__(self):
        return f"{self.service.key}: {self.label} ({self.valid_from})"


class LifeEvent(models.Model):
    key = models.SlugField(_("nøgle"), max_length=64, unique=True)
    name_da = models.CharField(_("navn (dansk)"), max_length=200)
    name_en = models.CharField(_("navn (engelsk)"), max_length=200)
    description_da = models.TextField(_("beskrivelse"))
    position = models.PositiveIntegerField(_("rækkefølge"), default=0)

    class Meta:
        verbose_name = _("livssituation")
        verbose_name_plural = _("livssituationer")
        ordering = ["position", "key"]

    def __str__(self):
        return self.name_da


class LifeEventStep(models.Model):
    life_event = models.ForeignKey(LifeEvent, on_delete=models.CASCADE, related_name="steps")
    position = models.PositiveSmallIntegerField(_("trin"))
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="life_event_steps")
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("trin")
        verbose_name_plural = _("trin")
        ordering = ["life_event", "position"]
        constraints = [
            models.UniqueConstraint(fields=["life_event", "position"], name="catalogue_step_unique_position"),
        ]

    def __str__(self):
        return f"{self.life_event.key} {self.position}: {self.service.key}"
