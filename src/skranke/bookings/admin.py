"""Appointments in the admin: managers set up their own municipality's booking and closures.

Appointments and the waitlist are not in the admin: they hold citizens' names
and contact details, and every read of those is recorded, which the staff
pages do (services.appointments_day_read) and the admin would not.

Nor is django-tasks' list of background tasks: it is one list for the whole
installation, every municipality's reminders in it. Operators follow the
worker in its log (docs/operations.md).
"""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from django_tasks_db.models import DBTaskResult

from skranke.bookings.models import BookableService, BookingSetup, Closure
from skranke.catalogue.models import Service, localized
from skranke.organisation.admin import ScopedAdmin, ScopedInline, SiteAreaForm


class ClosureForm(SiteAreaForm):
    class Meta:
        model = Closure
        fields = ["site", "area", "first_day", "last_day", "reason", "yearly"]

    def clean(self):
        data = super().clean()
        first, last = data.get("first_day"), data.get("last_day")
        if first and last and last < first and not data.get("yearly"):
            raise forms.ValidationError({"last_day": _("Sidste lukkedag kan ikke ligge før den første.")})
        return data


@admin.register(Closure)
class ClosureAdmin(ScopedAdmin):
    municipality_path = "site__municipality"
    form = ClosureForm
    list_display = ["reason", "site", "area", "first_day", "last_day", "yearly"]
    list_filter = ["yearly", "area"]
    search_fields = ["reason", "site__name"]


class BookableServiceForm(forms.ModelForm):
    class Meta:
        model = BookableService
        fields = [
            "service",
            "duration_minutes",
            "lanes",
            "book_ahead_days",
            "min_notice_minutes",
            "emergency_slots",
            "emergency_release",
            "active",
        ]

    def clean(self):
        data = super().clean()
        if data.get("emergency_slots") and data.get("emergency_release") is None:
            raise forms.ValidationError({"emergency_release": _("Angiv hvornår akuttiderne frigives.")})
        return data


class BookableServiceInline(ScopedInline):
    model = BookableService
    form = BookableServiceForm

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "service":
            kwargs["queryset"] = Service.objects.filter(retired=False).order_by("kind", "name_da")
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "service":
            field.label_from_instance = lambda s: localized(s, "name")
        return field


class BookingSetupForm(SiteAreaForm):
    class Meta:
        model = BookingSetup
        fields = ["site", "area", "lanes", "step_minutes"]


@admin.register(BookingSetup)
class BookingSetupAdmin(ScopedAdmin):
    municipality_path = "site__municipality"
    form = BookingSetupForm
    list_display = ["site", "area", "lanes", "step_minutes"]
    list_filter = ["area"]
    search_fields = ["site__name"]
    inlines = [BookableServiceInline]

    def has_delete_permission(self, request, obj=None):
        return self.is_admin(request)


if admin.site.is_registered(DBTaskResult):
    admin.site.unregister(DBTaskResult)
