"""Sites with their opening hours and closures, queues with their current wait, and the display feed."""

from rest_framework import serializers

from skranke.api.serializers.fields import LocalTimeField
from skranke.organisation.models import Area, SiteKind, Weekday


class OpeningHoursSerializer(serializers.Serializer):
    area = serializers.ChoiceField(choices=Area.choices)
    weekday = serializers.ChoiceField(choices=Weekday.choices, help_text="0 = Monday … 6 = Sunday.")
    opens = LocalTimeField()
    closes = LocalTimeField(help_text="23:59 means open until midnight.")


class ClosureSerializer(serializers.Serializer):
    area = serializers.CharField(help_text="Empty: the whole site is closed.")
    first_day = serializers.DateField()
    last_day = serializers.DateField()
    yearly = serializers.BooleanField(help_text="The same dates every year.")
    reason = serializers.CharField()


class SiteSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    kind = serializers.ChoiceField(choices=SiteKind.choices)
    areas = serializers.ListField(child=serializers.ChoiceField(choices=Area.choices))
    street = serializers.CharField()
    postcode = serializers.CharField()
    city = serializers.CharField()
    municipality = serializers.IntegerField(source="municipality.code", help_text="The municipality's code.")
    opening_hours = OpeningHoursSerializer(many=True, source="opening_hours.all")


class SiteDetailSerializer(SiteSerializer):
    closures = ClosureSerializer(many=True, source="coming_closures", help_text="Closures from today on.")


class EstimateSerializer(serializers.Serializer):
    position = serializers.IntegerField(help_text="1 = next.")
    low_minutes = serializers.IntegerField()
    high_minutes = serializers.IntegerField()


class QueueSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="queue.id")
    name = serializers.CharField(source="queue.name")
    letter = serializers.CharField(source="queue.letter")
    area = serializers.ChoiceField(choices=Area.choices, source="queue.area")
    services = serializers.ListField(child=serializers.SlugField(), source="service_keys")
    waiting = serializers.IntegerField(help_text="Tickets waiting today.")
    longest_wait_minutes = serializers.IntegerField(allow_null=True, help_text="How long the first in line has waited.")
    open_counters = serializers.IntegerField(help_text="Counters of the queue's area with someone at them now.")
    estimate = EstimateSerializer(help_text="The wait of a walk-in ticket taken now.")


class CallSerializer(serializers.Serializer):
    ticket = serializers.CharField(source="label", help_text="As the board shows it, e.g. »B 007«.")
    queue = serializers.CharField(source="queue.name")
    counter = serializers.CharField(source="counter.name", allow_null=True)
    called_at = serializers.DateTimeField()


class DisplayAreaSerializer(serializers.Serializer):
    area = serializers.ChoiceField(choices=Area.choices)
    waiting = serializers.IntegerField()
    calls = CallSerializer(many=True, help_text="Today's calls, newest first.")


class DisplaySerializer(serializers.Serializer):
    site = serializers.IntegerField()
    at = serializers.DateTimeField()
    areas = DisplayAreaSerializer(many=True)
