"""API tokens in the admin: read only, revocable; made only by `skranke api_token create` (the secret is shown once)."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from skranke.api.models import ApiToken
from skranke.api.services import api_token_revoke
from skranke.organisation.admin import ScopedAdmin


@admin.register(ApiToken)
class ApiTokenAdmin(ScopedAdmin):
    list_display = [
        "name",
        "prefix",
        "municipality",
        "staff_member",
        "scopes",
        "created_at",
        "expires_at",
        "revoked_at",
        "last_used_at",
    ]
    list_filter = ["municipality"]
    search_fields = ["name", "prefix"]
    actions = ["revoke"]
    readonly_fields = [
        "name",
        "prefix",
        "municipality",
        "staff_member",
        "scopes",
        "created_at",
        "expires_at",
        "revoked_at",
        "revoked_by",
        "last_used_at",
    ]
    fields = readonly_fields

    @admin.action(description=_("Tilbagekald de valgte tokens"), permissions=["change"])
    def revoke(self, request, queryset):
        tokens = list(queryset.filter(revoked_at__isnull=True))
        for token in tokens:
            api_token_revoke(token=token, revoked_by=request.user)
        self.message_user(
            request,
            ngettext("%(count)d token er tilbagekaldt.", "%(count)d tokens er tilbagekaldt.", len(tokens))
            % {"count": len(tokens)},
            messages.SUCCESS,
        )

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        # Revoked, never deleted: the audit trail names them.
        return False
