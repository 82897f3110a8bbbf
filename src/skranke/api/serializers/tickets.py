"""Tickets: taking a number at a site, and a ticket's status by its token."""

from rest_framework import serializers

from skranke.api.serializers.fields import service_keys
from skranke.organisation.models import Area
from skranke.queues.models import Channel, Status


class TicketIssueSerializer(serializers.Serializer):
    services = service_keys(help_text="What the citizen needs help with; one ticket per queue these belong to.")
    phone = serializers.CharField(required=False, allow_blank=True, max_length=20, help_text="To be told by text.")
    email = serializers.CharField(required=False, allow_blank=True, max_length=254)


class TicketQueueSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    letter = serializers.CharField()
    area = serializers.ChoiceField(choices=Area.choices)


class TicketServiceSerializer(serializers.Serializer):
    key = serializers.SlugField(source="service.key")
    name_da = serializers.CharField(source="service.name_da")
    name_en = serializers.CharField(source="service.name_en")


class WaitSerializer(serializers.Serializer):
    position = serializers.IntegerField(allow_null=True, help_text="1 = next; null for the estimate given at issue.")
    low_minutes = serializers.IntegerField(allow_null=True)
    high_minutes = serializers.IntegerField(allow_null=True)


class TicketSerializer(serializers.Serializer):
    """A ticket as the citizen sees it; `token` is its only key (the phone page's address)."""

    token = serializers.CharField()
    label = serializers.CharField(help_text="As called out, e.g. »B 007«.")
    number = serializers.IntegerField()
    status = serializers.ChoiceField(choices=Status.choices)
    channel = serializers.ChoiceField(choices=Channel.choices)
    site = serializers.IntegerField(source="queue.site_id")
    queue = TicketQueueSerializer()
    services = TicketServiceSerializer(many=True, source="ticket_services.all")
    issued_at = serializers.DateTimeField()
    called_at = serializers.DateTimeField(allow_null=True)
    counter = serializers.CharField(source="counter.name", allow_null=True, help_text="Once called: where to go.")
    wait = WaitSerializer(allow_null=True, help_text="While waiting: the wait from now.")
    moved_to = serializers.CharField(allow_null=True, help_text="Moved to another queue: the new ticket's token.")
    phone_page = serializers.URLField(help_text="The ticket's page for the citizen's phone.")


class TicketIssuedSerializer(serializers.Serializer):
    tickets = TicketSerializer(many=True)
