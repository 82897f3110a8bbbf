from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContactsConfig(AppConfig):
    name = "skranke.contacts"
    verbose_name = _("Henvendelser")

    def ready(self):
        from skranke.contacts.services import purge_contact_citizen, purge_satisfaction_comments
        from skranke.privacy.models import DataKind
        from skranke.privacy.retention import register_purger

        register_purger(DataKind.CONTACT_CITIZEN, purge_contact_citizen)
        register_purger(DataKind.SATISFACTION_COMMENT, purge_satisfaction_comments)
