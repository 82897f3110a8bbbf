from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _sync_roles(**kwargs):
    from django.contrib.auth.models import Group, Permission

    from skranke.organisation.roles import roles_sync

    roles_sync(Group, Permission)


class OrganisationConfig(AppConfig):
    name = "skranke.organisation"
    verbose_name = _("Organisation")

    def ready(self):
        # Permissions exist only after migrate has run, so the role groups are
        # kept in step here rather than in a data migration.
        post_migrate.connect(_sync_roles, dispatch_uid="skranke.organisation.roles")
