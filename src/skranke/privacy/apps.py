from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    name = "skranke.privacy"
    verbose_name = _("Databeskyttelse")

    def ready(self):
        from skranke.privacy.models import DataKind
        from skranke.privacy.retention import register_purger
        from skranke.privacy.services import purge_audit_entries

        register_purger(DataKind.AUDIT, purge_audit_entries)
