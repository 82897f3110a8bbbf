from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QueuesConfig(AppConfig):
    name = "skranke.queues"
    verbose_name = _("Køer")

    def ready(self):
        from skranke.privacy.models import DataKind
        from skranke.privacy.retention import register_purger
        from skranke.queues.services import purge_ticket_contact

        register_purger(DataKind.TICKET_CONTACT, purge_ticket_contact)
