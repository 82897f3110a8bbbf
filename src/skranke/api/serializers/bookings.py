"""Appointments: what can be booked where, free times, booking, and the citizen's booking by its token."""

from rest_framework import serializers

from skranke.api.serializers.fields import service_keys
from skranke.bookings.models import Channel, Language, Status
from skranke.organisation.models import Area


class BookableServiceSerializer(serializers.Serializer):
    service = serializers.SlugField(source="service.key")
    name_da = serializers.CharField(source="service.name_da")
    name_en = serializers.CharField(source="service.name_en")
    site = serializers.IntegerField(source="setup.site_id")
    site_name = serializers.CharField(source="setup.site.name")
    area = serializers.ChoiceField(choices=Area.choices, source="setup.area")
    duration_minutes = serializers.IntegerField()
    book_ahead_days = serializers.IntegerField()
    min_notice_minutes = serializers.IntegerField(help_text="How long before the time a citizen can book it online.")


class SlotQuerySerializer(serializers.Serializer):
    service = service_keys(max_length=4, help_text="Repeat for several services in one visit.")
    site = serializers.IntegerField(required=False, min_value=1, help_text="Only this site; default every site.")
    start = serializers.DateField(required=False, help_text="The first day; default today.")
    weeks = serializers.IntegerField(required=False, min_value=1, max_value=4, default=1)
    channel = serializers.ChoiceField(
        choices=Channel.choices,
        default=Channel.ONLINE,
        help_text="COUNTER and PHONE (times closer to now) need a staff token with the booking scope.",
    )


class SlotSerializer(serializers.Serializer):
    site = serializers.IntegerField(source="site.pk")
    site_name = serializers.CharField(source="site.name")
    area = serializers.ChoiceField(choices=Area.choices)
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()


class BookSerializer(serializers.Serializer):
    services = service_keys(max_length=4)
    site = serializers.IntegerField(min_value=1)
    start = serializers.DateTimeField(help_text="One of the free times' starts_at.")
    name = serializers.CharField(max_length=150)
    email = serializers.CharField(required=False, allow_blank=True, max_length=254)
    phone = serializers.CharField(required=False, allow_blank=True, max_length=20, help_text="8 digits.")
    language = serializers.ChoiceField(choices=Language.choices, default=Language.DANISH)
    channel = serializers.ChoiceField(
        choices=Channel.choices,
        default=Channel.ONLINE,
        help_text="ONLINE: the citizen books. COUNTER or PHONE: staff book for the citizen (a staff token with "
        "the booking scope).",
    )


class MoveSerializer(serializers.Serializer):
    start = serializers.DateTimeField()
    site = serializers.IntegerField(required=False, min_value=1, help_text="Default: the same site.")


class AppointmentServiceSerializer(serializers.Serializer):
    key = serializers.SlugField(source="service.key")
    name_da = serializers.CharField(source="service.name_da")
    name_en = serializers.CharField(source="service.name_en")


class AppointmentSerializer(serializers.Serializer):
    """A booking as its citizen sees it; `token` is the key to cancel or move it (valid until it ends)."""

    token = serializers.CharField()
    code = serializers.CharField(help_text="The booking code for checking in at the kiosk.")
    status = serializers.ChoiceField(choices=Status.choices)
    site = serializers.IntegerField(source="site.pk")
    site_name = serializers.CharField(source="site.name")
    area = serializers.ChoiceField(choices=Area.choices)
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    services = AppointmentServiceSerializer(many=True, source="appointment_services.all")
    name = serializers.CharField()
    language = serializers.ChoiceField(choices=Language.choices)
    channel = serializers.ChoiceField(choices=Channel.choices)
    repeated = serializers.BooleanField(
        help_text="The same booking sent twice: this is the first one, nothing new was booked."
    )
