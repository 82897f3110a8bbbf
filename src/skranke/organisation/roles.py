"""Roles as Django groups, with the permissions each role carries.

The groups are created by a data migration and kept in step by
`roles_sync()`; the names are what managers see in the admin.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    STAFF = "Medarbejder", _("Medarbejder")
    MANAGER = "Leder", _("Leder")
    ADMINISTRATOR = "Administrator", _("Administrator")


# (app_label, codename) per role. Administrators get every permission.
ROLE_PERMISSIONS: dict[str, list[tuple[str, str]]] = {
    Role.STAFF: [
        ("catalogue", "view_service"),
        ("catalogue", "view_lifeevent"),
    ],
    Role.MANAGER: [
        ("catalogue", "view_service"),
        ("catalogue", "view_lifeevent"),
        ("catalogue", "view_fee"),
        ("organisation", "view_municipality"),
        ("organisation", "change_policy"),
        ("organisation", "view_site"),
        ("organisation", "add_site"),
        ("organisation", "change_site"),
        ("organisation", "view_openinghours"),
        ("organisation", "add_openinghours"),
        ("organisation", "change_openinghours"),
        ("organisation", "delete_openinghours"),
        ("organisation", "view_counter"),
        ("organisation", "add_counter"),
        ("organisation", "change_counter"),
        ("organisation", "view_staffmember"),
        ("organisation", "add_staffmember"),
        ("organisation", "change_staffmember"),
        ("organisation", "view_authorisation"),
        ("organisation", "add_authorisation"),
        ("organisation", "change_authorisation"),
        ("organisation", "view_serviceoverride"),
        ("organisation", "add_serviceoverride"),
        ("organisation", "change_serviceoverride"),
        ("organisation", "delete_serviceoverride"),
        ("queues", "view_queue"),
        ("queues", "add_queue"),
        ("queues", "change_queue"),
        ("bookings", "view_closure"),
        ("bookings", "add_closure"),
        ("bookings", "change_closure"),
        ("bookings", "delete_closure"),
        ("bookings", "view_bookingsetup"),
        ("bookings", "add_bookingsetup"),
        ("bookings", "change_bookingsetup"),
        ("bookings", "view_bookableservice"),
        ("bookings", "add_bookableservice"),
        ("bookings", "change_bookableservice"),
        ("bookings", "delete_bookableservice"),
        ("privacy", "view_auditentry"),
        ("privacy", "citizen_access_report"),
        ("privacy", "view_retentionsetting"),
        ("privacy", "add_retentionsetting"),
        ("privacy", "change_retentionsetting"),
    ],
}


def roles_sync(group_model, permission_model) -> None:
    """Create the role groups and give them exactly their permissions.

    Takes the models as arguments so that data migrations can pass their
    historical models.
    """
    for role in Role:
        group, _created = group_model.objects.get_or_create(name=role.value)
        if role == Role.ADMINISTRATOR:
            perms = permission_model.objects.all()
        else:
            # Runs after each app's migrations; a permission not created yet
            # is picked up on a later call in the same migrate run.
            wanted = set(ROLE_PERMISSIONS[role])
            perms = [
                p
                for p in permission_model.objects.select_related("content_type")
                if (p.content_type.app_label, p.codename) in wanted
            ]
        group.permissions.set(perms)
