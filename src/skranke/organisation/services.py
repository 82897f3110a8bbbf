"""State changes in the organisation: staff, authorisations, counters.

The `validate_*` functions hold the rules; admin forms call them in `clean()`
and the service functions call them again inside their transaction, so the
rules exist once.
"""

import datetime as dt

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from skranke.catalogue.models import Kind, Service
from skranke.errors import SkrankeError
from skranke.organisation.models import (
    Area,
    Authorisation,
    Counter,
    Municipality,
    Site,
    StaffGroup,
    StaffMember,
)
from skranke.organisation.policy import Decision, check
from skranke.organisation.roles import Role
from skranke.organisation.selectors import is_administrator, is_manager
from skranke.privacy.models import Action
from skranke.privacy.services import audit_record


def validate_authorisation(
    *, staff_member: StaffMember, service: Service, valid_from: dt.date, valid_to: dt.date | None
) -> None:
    errors = {}
    if service.kind != Kind.AUTHORITY:
        errors["service"] = _("Der gives kun bemyndigelse til myndighedsopgaver; %(service)s er ikke en.") % {
            "service": service.name_da
        }
    if valid_from and valid_to and valid_to < valid_from:
        errors["valid_to"] = _("Slutdatoen ligger før startdatoen.")
    if errors:
        raise ValidationError(errors)


def validate_same_municipality(
    *, municipality: Municipality, site: Site | None = None, field: str = "home_site"
) -> None:
    if site is not None and site.municipality_id != municipality.pk:
        raise ValidationError({field: _("Lokationen hører til en anden kommune.")})


def validate_site_area(*, site: Site, area: str) -> None:
    """A counter or opening hours may only have an area the site has (a library has no Borgerservice area)."""
    if area not in site.areas:
        raise ValidationError(
            {
                "area": _("%(site)s er en lokation af typen %(kind)s og har ikke området %(area)s.")
                % {"site": site.name, "kind": site.get_kind_display(), "area": Area(area).label}
            }
        )


def _ensure_can_manage(user, municipality: Municipality) -> None:
    if is_administrator(user):
        return
    own = StaffMember.objects.filter(user=user).values_list("municipality_id", flat=True).first()
    if own != municipality.pk or not is_manager(user):
        raise SkrankeError(_("Du kan kun administrere din egen kommune."), code="forbidden")


def _raise_as_skranke(error: ValidationError):
    messages = (
        [str(m) for msgs in error.message_dict.values() for m in msgs]
        if hasattr(error, "error_dict")
        else [str(m) for m in error.messages]
    )
    raise SkrankeError(" ".join(messages), code="invalid") from error


@transaction.atomic
def authorisation_grant(
    *,
    staff_member: StaffMember,
    service: Service,
    valid_from: dt.date,
    valid_to: dt.date | None = None,
    basis: str,
    granted_by,
) -> Authorisation:
    _ensure_can_manage(granted_by, staff_member.municipality)
    try:
        validate_authorisation(staff_member=staff_member, service=service, valid_from=valid_from, valid_to=valid_to)
    except ValidationError as error:
        _raise_as_skranke(error)
    if not basis.strip():
        raise SkrankeError(_("Skriv grundlaget for bemyndigelsen, fx et kursus."), code="invalid", field="basis")
    return Authorisation.objects.create(
        staff_member=staff_member,
        municipality=staff_member.municipality,
        service=service,
        valid_from=valid_from,
        valid_to=valid_to,
        basis=basis.strip(),
        granted_by=granted_by,
    )


@transaction.atomic
def authorisation_revoke(*, authorisation: Authorisation, revoked_by, reason: str) -> Authorisation:
    authorisation = Authorisation.objects.select_for_update().select_related("municipality").get(pk=authorisation.pk)
    _ensure_can_manage(revoked_by, authorisation.municipality)
    if authorisation.revoked_at is not None:
        raise SkrankeError(_("Bemyndigelsen er allerede tilbagekaldt."), code="conflict")
    if not reason.strip():
        raise SkrankeError(_("Skriv hvorfor bemyndigelsen tilbagekaldes."), code="invalid", field="reason")
    authorisation.revoked_at = timezone.now()
    authorisation.revoked_by = revoked_by
    authorisation.revocation_reason = reason.strip()
    authorisation.save(update_fields=["revoked_at", "revoked_by", "revocation_reason"])
    return authorisation


@transaction.atomic
def staff_member_create(
    *,
    municipality: Municipality,
    username: str,
    first_name: str,
    last_name: str,
    email: str = "",
    staff_group: str,
    home_site: Site | None = None,
    role: str = Role.STAFF,
    password: str | None = None,
    created_by=None,
) -> StaffMember:
    """Create the login and the staff member together.

    Without a password the account can only sign in through single sign-on.
    """
    if created_by is not None:
        _ensure_can_manage(created_by, municipality)
        if role == Role.ADMINISTRATOR and not is_administrator(created_by):
            raise SkrankeError(_("Kun en administrator kan oprette administratorer."), code="forbidden")
    if staff_group not in StaffGroup.values:
        raise SkrankeError(_("Ukendt personalegruppe."), code="invalid", field="staff_group")
    try:
        validate_same_municipality(municipality=municipality, site=home_site)
    except ValidationError as error:
        _raise_as_skranke(error)
    user_model = get_user_model()
    if user_model.objects.filter(username__iexact=username).exists():
        raise SkrankeError(_("Brugernavnet %(username)s er optaget.") % {"username": username}, field="username")
    user = user_model(
        username=username, first_name=first_name, last_name=last_name, email=email, is_staff=role != Role.STAFF
    )
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    user.groups.add(Group.objects.get(name=Role(role).value))
    if role != Role.STAFF:
        # Managers and administrators do counter work too.
        user.groups.add(Group.objects.get(name=Role.STAFF))
    return StaffMember.objects.create(
        user=user, municipality=municipality, staff_group=staff_group, home_site=home_site
    )


@transaction.atomic
def counter_create(*, site: Site, name: str, area: str) -> Counter:
    try:
        validate_site_area(site=site, area=area)
    except ValidationError as error:
        _raise_as_skranke(error)
    return Counter.objects.create(site=site, name=name, area=area)


@transaction.atomic
def staff_member_update(
    *,
    staff_member: StaffMember,
    changed_by,
    staff_group: str,
    home_site: Site | None,
    first_name: str,
    last_name: str,
    email: str,
    role: str,
    is_active: bool,
) -> StaffMember:
    _ensure_can_manage(changed_by, staff_member.municipality)
    if role == Role.ADMINISTRATOR and not is_administrator(changed_by):
        raise SkrankeError(_("Kun en administrator kan gøre nogen til administrator."), code="forbidden")
    try:
        validate_same_municipality(municipality=staff_member.municipality, site=home_site)
    except ValidationError as error:
        _raise_as_skranke(error)
    staff_member.staff_group = staff_group
    staff_member.home_site = home_site
    staff_member.save(update_fields=["staff_group", "home_site"])
    user = staff_member.user
    user.first_name, user.last_name, user.email, user.is_active = first_name, last_name, email, is_active
    user.is_staff = role != Role.STAFF
    user.save(update_fields=["first_name", "last_name", "email", "is_active", "is_staff"])
    user.groups.remove(*Group.objects.filter(name__in=[r.value for r in Role]))
    user.groups.add(*Group.objects.filter(name__in={Role.STAFF.value, Role(role).value}))
    return staff_member


@transaction.atomic
def staff_login_sync(
    *,
    user,
    roles: set[str],
    first_name: str | None = None,
    last_name: str | None = None,
    email: str | None = None,
) -> None:
    """Bring a user in line with what the municipality's single sign-on says at login.

    The provider decides the role groups: exactly `roles`, any other role group
    is taken away. A user without a staff member gets no role at all (roles
    are for staff of a municipality). Managers and administrators do counter
    work too, so they also get Medarbejder. Names and e-mail are copied when
    the provider sends them.
    """
    roles = {Role(r) for r in roles} if StaffMember.objects.filter(user=user).exists() else set()
    if roles & {Role.MANAGER, Role.ADMINISTRATOR}:
        roles.add(Role.STAFF)
    user.groups.remove(*Group.objects.filter(name__in=[r.value for r in Role]))
    user.groups.add(*Group.objects.filter(name__in=[r.value for r in roles]))
    user.is_staff = user.is_superuser or bool(roles - {Role.STAFF})
    fields = ["is_staff"]
    for field, value in (("first_name", first_name), ("last_name", last_name), ("email", email)):
        if value:
            setattr(user, field, value[: user._meta.get_field(field).max_length])
            fields.append(field)
    user.save(update_fields=fields)


def policy_enforce(
    *, staff: StaffMember, service: Service, counter: Counter, client_address: str | None = None, at=None
) -> Decision:
    """The policy check for a path that is about to handle `service`: a refusal is recorded, then raised.

    Call it before opening the transaction of the action: the refusal's audit
    entry is committed on its own, so it stays when the refused action does not.
    """
    decision = check(staff=staff, service=service, counter=counter, at=at)
    if decision:
        return decision
    with transaction.atomic():
        audit_record(
            municipality=staff.municipality,
            action=Action.REFUSED,
            actor=staff.user,
            client_address=client_address,
            object_type="catalogue.service",
            object_id=service.key,
            criteria={"counter": counter.pk, "reason": str(decision.reason)},
            detail=decision.message,
        )
    raise SkrankeError(decision.message, code="forbidden")
