"""The service catalogue as a municipality offers it (in the manner of an Open311 GeoReport v2 service list)."""

from rest_framework import serializers

from skranke.catalogue.models import Kind


class FeeSerializer(serializers.Serializer):
    label = serializers.CharField(help_text="The group the fee applies to, e.g. »Voksne«.")
    amount = serializers.DecimalField(
        max_digits=9, decimal_places=2, coerce_to_string=False, allow_null=True, help_text="DKK; null: not known."
    )
    valid_from = serializers.DateField()
    age_min = serializers.IntegerField(allow_null=True)
    age_max = serializers.IntegerField(allow_null=True)
    verified = serializers.BooleanField()
    note = serializers.CharField()


class ServiceSerializer(serializers.Serializer):
    """One service: `key` is Open311's service_code, `keywords` its keywords, `kind` its group."""

    key = serializers.SlugField()
    kind = serializers.ChoiceField(choices=Kind.choices)
    name_da = serializers.CharField()
    name_en = serializers.CharField()
    description_da = serializers.CharField()
    description_en = serializers.CharField()
    authority = serializers.CharField(help_text="The authority responsible for the service.")
    documents = serializers.ListField(child=serializers.CharField(), help_text="What to bring.")
    keywords = serializers.ListField(child=serializers.CharField(), source="search_words")
    needs_appointment = serializers.BooleanField(source="effective_needs_appointment")
    duration_minutes = serializers.IntegerField(source="effective_duration")
    borger_dk_url = serializers.CharField()
    fees = FeeSerializer(many=True, source="fees_today", help_text="The fees valid today, one per group.")


class ServiceDetailSerializer(ServiceSerializer):
    guidance_steps = serializers.ListField(child=serializers.CharField())
    legal_basis = serializers.ListField(child=serializers.CharField())
    related = serializers.ListField(child=serializers.SlugField(), source="related_keys")
    life_events = serializers.ListField(child=serializers.SlugField(), source="life_event_keys")


class ServiceQuerySerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Kind.choices, required=False)
    q = serializers.CharField(required=False, max_length=100, help_text="Words in the name or keywords.")


class LifeEventStepSerializer(serializers.Serializer):
    position = serializers.IntegerField()
    service = serializers.SlugField(source="service.key")
    name_da = serializers.CharField(source="service.name_da")
    name_en = serializers.CharField(source="service.name_en")
    note = serializers.CharField()
    offered = serializers.BooleanField(help_text="Whether the municipality offers the service.")


class LifeEventSerializer(serializers.Serializer):
    key = serializers.SlugField()
    name_da = serializers.CharField()
    name_en = serializers.CharField()
    description_da = serializers.CharField()
    steps = LifeEventStepSerializer(many=True, source="api_steps")


class TriageRequestSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=500, help_text="The citizen's own words, Danish or English.")
    site = serializers.IntegerField(
        required=False, min_value=1, help_text="Only what this site's queues serve, as the site's kiosk shows."
    )


class TriageMatchSerializer(serializers.Serializer):
    key = serializers.SlugField()
    kind = serializers.ChoiceField(choices=Kind.choices)
    name_da = serializers.CharField()
    name_en = serializers.CharField()
    score = serializers.FloatField(help_text="0 to 1.")
    queue = serializers.IntegerField(allow_null=True, help_text="With `site`: the queue that serves it there.")


class TriageSerializer(serializers.Serializer):
    text = serializers.CharField()
    ask_staff = serializers.BooleanField(help_text="Nothing fits well enough: ask a member of staff.")
    choose = serializers.BooleanField(
        help_text="The best two are close and of different kinds: let the citizen choose."
    )
    matches = TriageMatchSerializer(many=True, help_text="Best first; at most three.")
    needs = serializers.ListField(
        child=serializers.SlugField(), help_text="Several needs named in one text, in the order named."
    )
