"""The audit trail (read only) and the retention periods, scoped to the user's municipality like every admin view."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from skranke.errors import SkrankeError
from skranke.organisation.admin import MunicipalityFromUserMixin, ScopedAdmin, _own_municipality
from skranke.privacy import retention
from skranke.privacy.models import AuditEntry, RetentionSetting
from skranke.privacy.services import client_address, retention_set, validate_retention_days


@admin.register(AuditEntry)
class AuditEntryAdmin(ScopedAdmin):
    """Entries are never added, changed or deleted here: only read."""

    list_display = ["sequence", "at", "actor_name", "action", "object_type", "object_id", "citizen_short", "purpose"]
    list_filter = ["action", "at"]
    date_hierarchy = "at"
    actions = None
    exclude = ["citizen"]
    readonly_fields = [
        "municipality",
        "sequence",
        "at",
        "actor",
        "actor_name",
        "action",
        "object_type",
        "object_id",
        "citizen_short",
        "purpose",
        "criteria",
        "detail",
        "client_address",
        "previous_hash",
        "entry_hash",
    ]

    @admin.display(description=_("borger (hash)"))
    def citizen_short(self, obj):
        return f"{obj.citizen.short}…" if obj.citizen is not None else "—"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class RetentionSettingForm(forms.ModelForm):
    class Meta:
        model = RetentionSetting
        fields = ["municipality", "kind", "days"]

    def clean_days(self):
        try:
            kind = self.data.get("kind") or self.instance.kind
            return validate_retention_days(self.cleaned_data.get("days"), kind=kind)
        except SkrankeError as error:
            raise ValidationError(str(error)) from None


@admin.register(RetentionSetting)
class RetentionSettingAdmin(MunicipalityFromUserMixin, ScopedAdmin):
    form = RetentionSettingForm
    list_display = ["kind", "days", "default_days", "municipality", "changed_by", "changed_at"]
    list_filter = ["kind"]

    @admin.display(description=_("standard (dage)"))
    def default_days(self, obj):
        return retention.DEFAULTS[obj.kind].days

    def get_readonly_fields(self, request, obj=None):
        return ["kind"] if obj is not None else []

    def save_model(self, request, obj, form, change):
        municipality = obj.municipality if self.is_admin(request) else _own_municipality(request)
        # One setting per kind: saving a kind that already has one changes it.
        saved = retention_set(
            municipality=municipality,
            kind=obj.kind,
            days=obj.days,
            changed_by=request.user,
            client_address=client_address(request),
        )
        obj.pk, obj.municipality, obj.changed_by = saved.pk, saved.municipality, saved.changed_by

    def has_delete_permission(self, request, obj=None):
        # Back to the default is a change to the default's value, so that it is audited.
        return False
