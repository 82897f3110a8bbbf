"""The admin for municipalities, sites, counters, staff and authorisations.

Managers see and edit only their own municipality: every queryset, every
choice list and every save goes through the same scoping as the selectors.
"""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from skranke.catalogue.models import Service
from skranke.organisation import selectors
from skranke.organisation.models import (
    Authorisation,
    Counter,
    Municipality,
    OpeningHours,
    ServiceOverride,
    Site,
    StaffGroup,
    StaffMember,
)
from skranke.organisation.policy import AUTHORISATION_STATUS_LABELS, authorisation_status
from skranke.organisation.roles import Role
from skranke.organisation.services import (
    authorisation_grant,
    authorisation_revoke,
    staff_member_create,
    staff_member_update,
    validate_authorisation,
    validate_same_municipality,
    validate_site_area,
)

POLICY_FIELDS = [
    "library_staff_authority",
    "library_authority_services",
    "authority_at_citizen_service_counter",
    "citizen_service_staff_library_work",
]


def _own_municipality(request) -> Municipality | None:
    member = StaffMember.objects.filter(user=request.user).select_related("municipality").first()
    return member.municipality if member else None


class ScopedChoicesMixin:
    """Limit every choice list to what the acting user may see."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        user = request.user
        choices = {
            Municipality: selectors.municipalities_visible,
            Site: selectors.sites_visible,
            Counter: selectors.counters_visible,
            StaffMember: selectors.staff_visible,
        }
        if db_field.related_model in choices:
            kwargs["queryset"] = choices[db_field.related_model](user=user)
        elif db_field.related_model is Service and db_field.name == "service" and self.model is Authorisation:
            kwargs["queryset"] = selectors.authority_services()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class ScopedAdmin(ScopedChoicesMixin, admin.ModelAdmin):
    municipality_path = "municipality"

    def get_queryset(self, request):
        return selectors.scope(super().get_queryset(request), user=request.user, path=self.municipality_path)

    def is_admin(self, request) -> bool:
        return selectors.is_administrator(request.user)


class ScopedInline(ScopedChoicesMixin, admin.TabularInline):
    extra = 0


@admin.register(Municipality)
class MunicipalityAdmin(ScopedAdmin):
    municipality_path = ""
    list_display = ["code", "name", "region", "cooperation_model", "library_staff_authority"]
    list_filter = ["region", "cooperation_model", "library_staff_authority"]
    search_fields = ["name", "code"]
    filter_horizontal = ["library_authority_services"]
    fieldsets = [
        (None, {"fields": ["code", "name", "region", "cooperation_model"]}),
        (_("Politik for grænsen mellem biblioteks- og myndighedsarbejde"), {"fields": POLICY_FIELDS}),
    ]

    def get_readonly_fields(self, request, obj=None):
        return [] if self.is_admin(request) else ["code", "name", "region"]

    def has_add_permission(self, request):
        return self.is_admin(request)

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return self.is_admin(request) or request.user.has_perm("organisation.change_policy")

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "library_authority_services":
            kwargs["queryset"] = selectors.authority_services()
        return super().formfield_for_manytomany(db_field, request, **kwargs)


def _site_of(form, data) -> Site | None:
    # In an inline the site is not a form field; the formset has set it on the instance.
    if data.get("site"):
        return data["site"]
    return form.instance.site if form.instance.site_id else None


class SiteAreaForm(forms.ModelForm):
    """Counters and opening hours: the area must be one the site has."""

    def clean(self):
        data = super().clean()
        site = _site_of(self, data)
        if site is not None and data.get("area"):
            validate_site_area(site=site, area=data["area"])
        return data


class CounterForm(SiteAreaForm):
    class Meta:
        model = Counter
        fields = ["site", "name", "area", "active"]


class OpeningHoursForm(SiteAreaForm):
    class Meta:
        model = OpeningHours
        fields = ["site", "area", "weekday", "opens", "closes"]


class CounterInline(ScopedInline):
    model = Counter
    form = CounterForm


class OpeningHoursInline(ScopedInline):
    model = OpeningHours
    form = OpeningHoursForm


class MunicipalityFromUserMixin:
    """Managers don't pick a municipality: it is theirs."""

    def get_exclude(self, request, obj=None):
        return [] if self.is_admin(request) else ["municipality"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if self.is_admin(request):
            return form
        municipality = _own_municipality(request)

        class OwnMunicipalityForm(form):
            # The municipality is not a field of the form, so Django would
            # skip every unique constraint that names it (a second override
            # of the same service would reach the database as a 500).
            def _post_clean(self):
                self.instance.municipality = municipality
                super()._post_clean()

            def _get_validation_exclusions(self):
                exclude = super()._get_validation_exclusions()
                exclude.discard("municipality")
                return exclude

        return OwnMunicipalityForm

    def save_model(self, request, obj, form, change):
        if not self.is_admin(request):
            obj.municipality = _own_municipality(request)
        super().save_model(request, obj, form, change)

    def has_add_permission(self, request):
        return super().has_add_permission(request) and (
            self.is_admin(request) or _own_municipality(request) is not None
        )


@admin.register(Site)
class SiteAdmin(MunicipalityFromUserMixin, ScopedAdmin):
    list_display = ["name", "kind", "municipality", "city", "active"]
    list_filter = ["kind", "active"]
    search_fields = ["name", "city"]
    inlines = [CounterInline, OpeningHoursInline]

    def has_delete_permission(self, request, obj=None):
        return self.is_admin(request)


@admin.register(Counter)
class CounterAdmin(ScopedAdmin):
    municipality_path = "site__municipality"
    form = CounterForm
    list_display = ["name", "site", "area", "active"]
    list_filter = ["area", "active"]
    search_fields = ["name", "site__name"]

    def has_delete_permission(self, request, obj=None):
        return self.is_admin(request)


class StaffMemberAddForm(forms.ModelForm):
    username = forms.CharField(label=_("brugernavn"), max_length=150)
    first_name = forms.CharField(label=_("fornavn"), max_length=150)
    last_name = forms.CharField(label=_("efternavn"), max_length=150)
    email = forms.EmailField(label=_("e-mail"), required=False)
    role = forms.ChoiceField(label=_("rolle"), choices=Role.choices, initial=Role.STAFF)
    password = forms.CharField(
        label=_("adgangskode"),
        required=False,
        widget=forms.PasswordInput,
        help_text=_("Tom: medarbejderen logger kun ind med kommunens single sign-on."),
    )

    class Meta:
        model = StaffMember
        fields = ["municipality", "staff_group", "home_site"]


class StaffMemberChangeForm(forms.ModelForm):
    first_name = forms.CharField(label=_("fornavn"), max_length=150)
    last_name = forms.CharField(label=_("efternavn"), max_length=150)
    email = forms.EmailField(label=_("e-mail"), required=False)
    role = forms.ChoiceField(label=_("rolle"), choices=Role.choices)
    is_active = forms.BooleanField(label=_("aktiv"), required=False)

    class Meta:
        model = StaffMember
        fields = ["staff_group", "home_site"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = self.instance.user
        self.fields["first_name"].initial = user.first_name
        self.fields["last_name"].initial = user.last_name
        self.fields["email"].initial = user.email
        self.fields["is_active"].initial = user.is_active
        names = set(user.groups.values_list("name", flat=True))
        self.fields["role"].initial = next((r for r in (Role.ADMINISTRATOR, Role.MANAGER) if r in names), Role.STAFF)


@admin.register(StaffMember)
class StaffMemberAdmin(ScopedAdmin):
    list_display = ["__str__", "staff_group", "municipality", "home_site", "is_active"]
    list_filter = ["staff_group"]
    search_fields = ["user__username", "user__first_name", "user__last_name"]

    @admin.display(boolean=True, description=_("aktiv"))
    def is_active(self, obj):
        return obj.user.is_active

    def get_form(self, request, obj=None, change=False, **kwargs):
        kwargs["form"] = StaffMemberChangeForm if obj else StaffMemberAddForm
        form = super().get_form(request, obj, change=change, **kwargs)
        admin_user = self.is_admin(request)
        base = form

        class ScopedForm(base):
            def __init__(self, *args, **kw):
                super().__init__(*args, **kw)
                if "role" in self.fields and not admin_user:
                    self.fields["role"].choices = [(r.value, r.label) for r in Role if r != Role.ADMINISTRATOR]

            def clean(self):
                data = super().clean()
                municipality = data.get("municipality") or (
                    self.instance.municipality if self.instance.pk else _own_municipality(request)
                )
                if municipality is not None:
                    validate_same_municipality(municipality=municipality, site=data.get("home_site"))
                if not self.instance.pk and data.get("username"):
                    from django.contrib.auth import get_user_model

                    if get_user_model().objects.filter(username__iexact=data["username"]).exists():
                        raise ValidationError({"username": _("Brugernavnet er optaget.")})
                return data

        return ScopedForm

    def get_exclude(self, request, obj=None):
        return [] if (obj is not None or self.is_admin(request)) else ["municipality"]

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if change:
            staff_member_update(
                staff_member=obj,
                changed_by=request.user,
                staff_group=data["staff_group"],
                home_site=data.get("home_site"),
                first_name=data["first_name"],
                last_name=data["last_name"],
                email=data.get("email", ""),
                role=data["role"],
                is_active=data.get("is_active", False),
            )
            return
        created = staff_member_create(
            municipality=data.get("municipality") or _own_municipality(request),
            username=data["username"],
            first_name=data["first_name"],
            last_name=data["last_name"],
            email=data.get("email", ""),
            staff_group=data.get("staff_group", StaffGroup.LIBRARY),
            home_site=data.get("home_site"),
            role=data["role"],
            password=data.get("password") or None,
            created_by=request.user,
        )
        obj.pk = created.pk
        obj.user = created.user
        obj.municipality = created.municipality

    def has_delete_permission(self, request, obj=None):
        return False


class AuthorisationAddForm(forms.ModelForm):
    class Meta:
        model = Authorisation
        fields = ["staff_member", "service", "valid_from", "valid_to", "basis"]

    def clean(self):
        data = super().clean()
        if data.get("staff_member") and data.get("service") and data.get("valid_from"):
            validate_authorisation(
                staff_member=data["staff_member"],
                service=data["service"],
                valid_from=data["valid_from"],
                valid_to=data.get("valid_to"),
            )
        return data


class AuthorisationRevokeForm(forms.ModelForm):
    revoke = forms.BooleanField(label=_("tilbagekald bemyndigelsen"), required=False)
    reason = forms.CharField(label=_("begrundelse"), required=False, max_length=300)

    class Meta:
        model = Authorisation
        fields = []

    def clean(self):
        data = super().clean()
        if data.get("revoke"):
            if self.instance.revoked_at is not None:
                raise ValidationError(_("Bemyndigelsen er allerede tilbagekaldt."))
            if not (data.get("reason") or "").strip():
                raise ValidationError({"reason": _("Skriv hvorfor bemyndigelsen tilbagekaldes.")})
        return data


@admin.register(Authorisation)
class AuthorisationAdmin(ScopedAdmin):
    list_display = ["staff_member", "service", "valid_from", "valid_to", "status", "granted_by"]
    list_filter = [("service", admin.RelatedOnlyFieldListFilter), ("staff_member", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["staff_member__user__first_name", "staff_member__user__last_name", "service__name_da"]
    date_hierarchy = "valid_from"

    @admin.display(description=_("status"))
    def status(self, obj):
        return AUTHORISATION_STATUS_LABELS[authorisation_status(obj, at=timezone.now())]

    def get_form(self, request, obj=None, change=False, **kwargs):
        kwargs["form"] = AuthorisationRevokeForm if obj else AuthorisationAddForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["staff_member", "service", "valid_from", "valid_to", "basis"]
        readonly = self.get_readonly_fields(request, obj)
        return [*readonly, *([] if obj.revoked_at else ["revoke", "reason"])]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return [
            "staff_member",
            "municipality",
            "service",
            "valid_from",
            "valid_to",
            "basis",
            "granted_by",
            "granted_at",
            "revoked_at",
            "revoked_by",
            "revocation_reason",
        ]

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if change:
            if data.get("revoke"):
                authorisation_revoke(authorisation=obj, revoked_by=request.user, reason=data["reason"])
            return
        created = authorisation_grant(
            staff_member=data["staff_member"],
            service=data["service"],
            valid_from=data["valid_from"],
            valid_to=data.get("valid_to"),
            basis=data["basis"],
            granted_by=request.user,
        )
        obj.pk = created.pk
        obj.municipality = created.municipality
        obj.granted_by = created.granted_by

    def has_delete_permission(self, request, obj=None):
        # History is kept: an authorisation is revoked, never deleted.
        return False


@admin.register(ServiceOverride)
class ServiceOverrideAdmin(MunicipalityFromUserMixin, ScopedAdmin):
    list_display = ["service", "municipality", "enabled", "duration_minutes", "needs_appointment"]
    list_filter = ["enabled", "service__kind"]
    search_fields = ["service__name_da"]
    autocomplete_fields = ["service"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "service":
            kwargs["queryset"] = Service.objects.filter(retired=False)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
