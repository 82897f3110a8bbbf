"""The catalogue in the admin, read-only: the YAML in data/ is the source.

Municipalities adjust a service through "kommunale tilpasninger" instead.
"""

from django.contrib import admin

from skranke.catalogue.models import CatalogueVersion, Fee, LifeEvent, LifeEventStep, Service


class ReadOnlyMixin:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class FeeInline(ReadOnlyMixin, admin.TabularInline):
    model = Fee
    fields = ["label", "amount", "valid_from", "age_min", "age_max", "verified", "source", "note"]
    extra = 0


@admin.register(Service)
class ServiceAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["name_da", "key", "kind", "authority", "needs_appointment", "duration_minutes", "retired"]
    list_filter = ["kind", "needs_appointment", "retired"]
    search_fields = ["name_da", "name_en", "key"]
    inlines = [FeeInline]


class LifeEventStepInline(ReadOnlyMixin, admin.TabularInline):
    model = LifeEventStep
    fields = ["position", "service", "note"]
    extra = 0


@admin.register(LifeEvent)
class LifeEventAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["name_da", "key"]
    inlines = [LifeEventStepInline]


@admin.register(CatalogueVersion)
class CatalogueVersionAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["version", "loaded_at", "checksum"]
