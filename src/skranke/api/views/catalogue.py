"""The catalogue as a municipality offers it, its life events, and triage (text in, ranked services out)."""

from django.db.models import prefetch_related_objects
from drf_spectacular.utils import extend_schema
from rest_framework.response import Response

from skranke.api.auth import municipality_or_404
from skranke.api.errors import ApiError
from skranke.api.serializers.catalogue import (
    LifeEventSerializer,
    ServiceDetailSerializer,
    ServiceQuerySerializer,
    ServiceSerializer,
    TriageRequestSerializer,
    TriageSerializer,
)
from skranke.api.views.common import ApiView, site_of, validated
from skranke.catalogue.models import CatalogueVersion
from skranke.catalogue.selectors import fees_valid_on, life_events_list
from skranke.catalogue.triage import triage_offered
from skranke.organisation.selectors import services_for_municipality
from skranke.queues.selectors import kiosk_menu

TAG = "Catalogue"
MAX_MATCHES = 3


def _with_fees(services) -> list:
    prefetch_related_objects(services, "fees")
    for service in services:
        service.fees_today = fees_valid_on(service=service)
    return services


def _offered(municipality) -> dict:
    return {s.key: s for s in services_for_municipality(municipality=municipality)}


class RootView(ApiView):
    @extend_schema(
        tags=["Meta"],
        summary="API version and the catalogue version loaded",
        responses={
            200: {
                "type": "object",
                "properties": {
                    "api_version": {"type": "string"},
                    "catalogue_version": {"type": "string", "nullable": True},
                },
                "required": ["api_version", "catalogue_version"],
            }
        },
    )
    def get(self, request):
        version = CatalogueVersion.objects.order_by("-loaded_at", "-pk").values_list("version", flat=True).first()
        return Response({"api_version": "1", "catalogue_version": version})


class ServiceListView(ApiView):
    @extend_schema(
        tags=[TAG],
        summary="The services the municipality offers",
        parameters=[ServiceQuerySerializer],
        responses={200: ServiceSerializer(many=True)},
    )
    def get(self, request, code: int):
        municipality = municipality_or_404(request, code)
        query = validated(ServiceQuerySerializer, request.query_params)
        terms = query.get("q", "").casefold().split()
        services = [
            s
            for s in services_for_municipality(municipality=municipality)
            if (not query.get("kind") or s.kind == query["kind"])
            and all(term in " ".join([s.key, s.name_da, s.name_en, *s.search_words]).casefold() for term in terms)
        ]
        return Response(ServiceSerializer(_with_fees(services), many=True).data)


class ServiceDetailView(ApiView):
    @extend_schema(
        tags=[TAG],
        summary="One service, with its guidance steps and legal basis",
        responses={200: ServiceDetailSerializer},
    )
    def get(self, request, code: int, key: str):
        municipality = municipality_or_404(request, code)
        service = _offered(municipality).get(key)
        if service is None:
            raise ApiError("not_found", 404)
        prefetch_related_objects([service], "related", "life_event_steps__life_event")
        service.related_keys = sorted(s.key for s in service.related.all() if not s.retired)
        service.life_event_keys = sorted({step.life_event.key for step in service.life_event_steps.all()})
        return Response(ServiceDetailSerializer(_with_fees([service])[0]).data)


class LifeEventListView(ApiView):
    @extend_schema(
        tags=[TAG],
        summary="Life events and the services that belong to each",
        responses={200: LifeEventSerializer(many=True)},
    )
    def get(self, request, code: int):
        municipality = municipality_or_404(request, code)
        offered = _offered(municipality)
        events = list(life_events_list())
        for event in events:
            event.api_steps = [step for step in event.steps.all() if not step.service.retired]
            for step in event.api_steps:
                step.offered = step.service.key in offered
        return Response(LifeEventSerializer(events, many=True).data)


class TriageView(ApiView):
    @extend_schema(
        tags=[TAG],
        summary="Text in, ranked services out",
        description="The kiosk's matcher: the citizen's own words, answered with the services the municipality "
        "offers (with `site`, those the site's queues serve), best first, or `ask_staff`.",
        request=TriageRequestSerializer,
        responses={200: TriageSerializer},
    )
    def post(self, request, code: int):
        municipality = municipality_or_404(request, code)
        data = validated(TriageRequestSerializer, request.data)
        offered = _offered(municipality)
        queue_of = {}
        if "site" in data:
            menu = kiosk_menu(site=site_of(municipality, data["site"]))
            queue_of = {s.key: menu.queue_of[s.pk].pk for g in menu.groups for s in [*g.common, *g.others]}
            offered = {k: s for k, s in offered.items() if k in queue_of}
        answer = triage_offered(data["text"], offered, limit=MAX_MATCHES)
        body = {
            "text": data["text"],
            "ask_staff": answer.ask_staff,
            "choose": answer.choose,
            "matches": [
                {
                    "key": m.service,
                    "kind": m.kind,
                    "name_da": offered[m.service].name_da,
                    "name_en": offered[m.service].name_en,
                    "score": round(m.score, 3),
                    "queue": queue_of.get(m.service),
                }
                for m in answer.matches
            ],
            "needs": answer.needs,
        }
        return Response(TriageSerializer(body).data)
