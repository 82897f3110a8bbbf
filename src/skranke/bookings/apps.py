from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BookingsConfig(AppConfig):
    name = "skranke.bookings"
    verbose_name = _("Tidsbestilling")

    def ready(self):
        from skranke.bookings.services import purge_appointment_personal
        from skranke.privacy.models import DataKind
        from skranke.privacy.retention import register_purger

        register_purger(DataKind.APPOINTMENT_PERSONAL, purge_appointment_personal)
