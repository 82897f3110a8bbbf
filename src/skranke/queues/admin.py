"""Queues in the admin: managers set up their own municipality's queues; tickets are never edited by hand."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from skranke.catalogue.models import Service, localized
from skranke.organisation.admin import ScopedAdmin, SiteAreaForm
from skranke.queues.models import Queue


class QueueForm(SiteAreaForm):
    class Meta:
        model = Queue
        fields = ["site", "name", "area", "letter", "services", "active"]

    def clean_letter(self):
        return (self.cleaned_data.get("letter") or "").strip().upper()

    def clean(self):
        data = super().clean()
        site, services = data.get("site"), data.get("services")
        if site is not None and services and data.get("active", True):
            # The kiosk must know which queue a service goes to.
            taken = (
                Queue.objects.filter(site=site, active=True, services__in=services)
                .exclude(pk=self.instance.pk)
                .values_list("name", "services__name_da")
                .distinct()
            )
            if taken:
                clashes = ", ".join(f"{service} ({queue})" for queue, service in taken)
                raise forms.ValidationError(
                    _("Hver ydelse kan kun høre til én åben kø på lokationen. Allerede i en anden kø: %(clashes)s.")
                    % {"clashes": clashes}
                )
        return data


@admin.register(Queue)
class QueueAdmin(ScopedAdmin):
    municipality_path = "site__municipality"
    form = QueueForm
    list_display = ["name", "letter", "site", "area", "active"]
    list_filter = ["area", "active"]
    search_fields = ["name", "site__name"]
    filter_horizontal = ["services"]

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "services":
            kwargs["queryset"] = Service.objects.filter(retired=False).order_by("kind", "name_da")
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        if db_field.name == "services":
            field.label_from_instance = lambda s: f"{localized(s, 'name')} ({s.get_kind_display()})"
        return field

    def has_delete_permission(self, request, obj=None):
        # A queue with tickets is kept for the statistics; switch it off instead.
        return False
