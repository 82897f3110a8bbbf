"""The counter for staff: counters, the called ticket, outcomes, contacts; and the manager's key figures."""

from rest_framework import serializers

from skranke.api.serializers.fields import CprField, PurposeField
from skranke.catalogue.models import Kind
from skranke.contacts.models import GuidanceMode, Outcome
from skranke.organisation.models import Area
from skranke.queues.models import Channel, Status


class CounterSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    area = serializers.ChoiceField(choices=Area.choices)
    site = serializers.IntegerField(source="site_id")
    site_name = serializers.CharField(source="site.name")


class StaffTicketServiceSerializer(serializers.Serializer):
    key = serializers.SlugField(source="service.key")
    kind = serializers.ChoiceField(choices=Kind.choices, source="service.kind")
    name_da = serializers.CharField(source="service.name_da")
    name_en = serializers.CharField(source="service.name_en")


class StaffTicketSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    label = serializers.CharField()
    status = serializers.ChoiceField(choices=Status.choices)
    channel = serializers.ChoiceField(choices=Channel.choices)
    queue = serializers.CharField(source="queue.name")
    counter = serializers.IntegerField(source="counter_id", allow_null=True)
    recalls = serializers.IntegerField()
    services = StaffTicketServiceSerializer(many=True, source="ticket_services.all")
    issued_at = serializers.DateTimeField()
    called_at = serializers.DateTimeField(allow_null=True)
    started_at = serializers.DateTimeField(allow_null=True)
    finished_at = serializers.DateTimeField(allow_null=True)


class CallNextSerializer(serializers.Serializer):
    ticket = StaffTicketSerializer(allow_null=True, help_text="null: no one waiting whom you may serve here.")


class LineSerializer(serializers.Serializer):
    service = serializers.SlugField(max_length=64)
    outcome = serializers.ChoiceField(choices=Outcome.choices)
    referred_to = serializers.CharField(
        required=False, allow_blank=True, max_length=200, help_text="With REFERRED: to whom."
    )
    guidance_mode = serializers.ChoiceField(
        choices=GuidanceMode.choices, required=False, allow_blank=True, help_text="For GUIDANCE services."
    )


class FinishSerializer(serializers.Serializer):
    lines = LineSerializer(many=True, help_text="One per service on the ticket, each with its outcome.")
    cpr = CprField(required=False, allow_blank=True, help_text="Optional; kept only as a keyed hash.")
    power_of_attorney = serializers.BooleanField(default=False)


class ContactRecordSerializer(FinishSerializer):
    counter = serializers.IntegerField(min_value=1, help_text="Where the citizen was served.")
    started_at = serializers.DateTimeField(required=False, help_text="Default: now.")


class ContactLineSerializer(serializers.Serializer):
    service = serializers.SlugField(source="service.key")
    outcome = serializers.ChoiceField(choices=Outcome.choices)
    referred_to = serializers.CharField()


class ContactSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    site = serializers.IntegerField(source="site_id")
    counter = serializers.IntegerField(source="counter_id")
    area = serializers.ChoiceField(choices=Area.choices)
    channel = serializers.ChoiceField(choices=Channel.choices)
    started_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField()
    power_of_attorney = serializers.BooleanField()
    lines = ContactLineSerializer(many=True, source="lines.all")


class ContactSearchSerializer(serializers.Serializer):
    cpr = CprField()
    purpose = PurposeField(help_text="Why you look the citizen up; recorded, and shown to the citizen on request.")


class KpiQuerySerializer(serializers.Serializer):
    start = serializers.DateField(required=False, help_text="First day; default four weeks before yesterday.")
    end = serializers.DateField(required=False, help_text="Last day, included; default yesterday.")
    site = serializers.IntegerField(required=False, min_value=1)
    by = serializers.ChoiceField(
        choices=["site", "area", "staff_group", "channel", "service"], required=False, help_text="One row per group."
    )


class FiguresSerializer(serializers.Serializer):
    key = serializers.CharField(
        allow_null=True, help_text="The group: a site id, an area, a service key …; null for the whole."
    )
    label = serializers.CharField()
    contacts = serializers.IntegerField()
    lines = serializers.IntegerField(help_text="Services handled.")
    first_contact_resolution = serializers.FloatField(allow_null=True)
    referral_rate = serializers.FloatField(allow_null=True)
    follow_up_rate = serializers.FloatField(allow_null=True)
    not_possible_rate = serializers.FloatField(allow_null=True)
    recontact_rate = serializers.FloatField(allow_null=True)
    library_share_of_authority = serializers.FloatField(allow_null=True)
    wait_median_seconds = serializers.FloatField(allow_null=True, source="wait_median")
    wait_p90_seconds = serializers.FloatField(allow_null=True, source="wait_p90")
    service_median_seconds = serializers.FloatField(allow_null=True, source="service_median")
    tickets_called = serializers.IntegerField()
    no_show_rate = serializers.FloatField(allow_null=True)
    answers = serializers.IntegerField(help_text="Satisfaction answers.")
    satisfaction_mean = serializers.FloatField(allow_null=True, help_text="1–5.")


class KpiSerializer(serializers.Serializer):
    start = serializers.DateField()
    end = serializers.DateField()
    site = serializers.IntegerField(allow_null=True)
    by = serializers.CharField(allow_null=True)
    rows = FiguresSerializer(many=True)
