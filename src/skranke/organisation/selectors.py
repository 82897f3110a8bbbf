"""Reads of municipal data, always scoped to the acting user's municipality."""

from django.db.models import Prefetch, QuerySet, prefetch_related_objects

from skranke.catalogue.models import Kind, Service
from skranke.organisation.models import (
    Authorisation,
    Counter,
    Municipality,
    OpeningHours,
    ServiceOverride,
    Site,
    StaffMember,
)
from skranke.organisation.roles import Role


def role_names(user) -> set[str]:
    """The user's role groups, read once and kept on the user object for the request."""
    if not hasattr(user, "_skranke_roles"):
        user._skranke_roles = set(user.groups.values_list("name", flat=True))
    return user._skranke_roles


def is_administrator(user) -> bool:
    """Administrators work across the whole installation."""
    if not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or Role.ADMINISTRATOR in role_names(user)


def is_manager(user) -> bool:
    return user.is_authenticated and user.is_active and Role.MANAGER in role_names(user)


# What organisation.policy.check() reads through .all(): prefetched once, the
# check of many services costs no further query.
POLICY_PREFETCH = ("authorisations", "municipality__service_overrides", "municipality__library_authority_services")


def prefetch_for_policy(staff: StaffMember) -> StaffMember:
    """Load what the policy check reads, unless it is loaded already (as by `staff_member_for`)."""
    prefetch_related_objects([staff], "user", *POLICY_PREFETCH)
    return staff


def staff_member_for(user) -> StaffMember | None:
    if not user.is_authenticated:
        return None
    try:
        return (
            StaffMember.objects.select_related("municipality", "home_site", "user")
            .prefetch_related(*POLICY_PREFETCH)
            .get(user=user)
        )
    except StaffMember.DoesNotExist:
        return None


def scope(queryset: QuerySet, *, user, path: str) -> QuerySet:
    """Limit `queryset` to the user's municipality; `path` leads from the model to Municipality.

    Administrators see everything; a user who is neither an administrator nor
    a staff member sees nothing.
    """
    if is_administrator(user):
        return queryset
    if not user.is_authenticated or not user.is_active:
        return queryset.none()
    municipality_id = StaffMember.objects.filter(user=user).values_list("municipality_id", flat=True).first()
    if municipality_id is None:
        return queryset.none()
    field = "pk" if path == "" else f"{path}_id"
    return queryset.filter(**{field: municipality_id})


def municipalities_visible(*, user) -> QuerySet[Municipality]:
    return scope(Municipality.objects.all(), user=user, path="")


def sites_visible(*, user) -> QuerySet[Site]:
    return scope(Site.objects.select_related("municipality"), user=user, path="municipality")


def counters_visible(*, user) -> QuerySet[Counter]:
    return scope(Counter.objects.select_related("site__municipality"), user=user, path="site__municipality")


def opening_hours_visible(*, user) -> QuerySet[OpeningHours]:
    return scope(OpeningHours.objects.select_related("site"), user=user, path="site__municipality")


def staff_visible(*, user) -> QuerySet[StaffMember]:
    return scope(
        StaffMember.objects.select_related("user", "municipality", "home_site"), user=user, path="municipality"
    )


def authorisations_visible(*, user) -> QuerySet[Authorisation]:
    return scope(
        Authorisation.objects.select_related("staff_member__user", "service", "municipality", "granted_by"),
        user=user,
        path="municipality",
    )


def service_overrides_visible(*, user) -> QuerySet[ServiceOverride]:
    return scope(ServiceOverride.objects.select_related("service", "municipality"), user=user, path="municipality")


def counters_of_municipality(*, municipality_id: int) -> QuerySet[Counter]:
    """The active counters at active sites of one municipality.

    Scoped by the staff member's municipality rather than by user, because
    `counters_visible` shows administrators every municipality's counters and
    the counter a person stands at is always one of their own municipality's.
    """
    return (
        Counter.objects.filter(site__municipality_id=municipality_id, active=True, site__active=True)
        .select_related("site")
        .order_by("site__name", "name")
    )


def with_override(service: Service, override: ServiceOverride | None) -> Service:
    """Set the municipality's view of `service` on it: `override`, `offered`,
    `effective_duration` and `effective_needs_appointment`."""
    service.override = override
    service.offered = override.enabled if override else True
    service.effective_duration = (override and override.duration_minutes) or service.duration_minutes
    service.effective_needs_appointment = (
        override.needs_appointment
        if override is not None and override.needs_appointment is not None
        else service.needs_appointment
    )
    return service


def override_for(*, municipality: Municipality, service: Service) -> ServiceOverride | None:
    """Reads `municipality.service_overrides` through `.all()`, so a prefetch is used."""
    return next((o for o in municipality.service_overrides.all() if o.service_id == service.pk), None)


def services_for_municipality(*, municipality: Municipality, include_off: bool = False) -> list[Service]:
    """The catalogue as this municipality offers it, overrides applied (see `with_override`)."""
    overrides = {o.service_id: o for o in ServiceOverride.objects.filter(municipality=municipality)}
    services = []
    for service in Service.objects.filter(retired=False).order_by("position", "key"):
        with_override(service, overrides.get(service.pk))
        if service.offered or include_off:
            services.append(service)
    return services


def authorisations_of(*, staff: StaffMember) -> QuerySet[Authorisation]:
    return staff.authorisations.select_related("service", "granted_by").order_by("service__name_da", "-valid_from")


def staff_with_authorisations(*, user) -> QuerySet[StaffMember]:
    return staff_visible(user=user).prefetch_related(
        Prefetch("authorisations", queryset=Authorisation.objects.select_related("service"))
    )


def authority_services() -> QuerySet[Service]:
    return Service.objects.filter(kind=Kind.AUTHORITY, retired=False)
