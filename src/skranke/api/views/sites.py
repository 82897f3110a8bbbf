"""Sites, opening hours and closures, queues with their current wait, and the display board's feed."""

from django.db.models import Prefetch, Q, prefetch_related_objects
from django.http import Http404
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework.response import Response

from skranke.api.auth import ensure_own, municipality_or_404
from skranke.api.serializers.sites import DisplaySerializer, QueueSerializer, SiteDetailSerializer, SiteSerializer
from skranke.api.views.common import ApiView
from skranke.bookings.models import Closure
from skranke.catalogue.models import Service
from skranke.organisation.models import OpeningHours, Site
from skranke.queues import selectors
from skranke.queues.estimate import estimate_new
from skranke.queues.models import Channel
from skranke.queues.selectors import board_calls, queue_overview, site_areas, waiting_by_area

TAG = "Sites and queues"
_HOURS = Prefetch("opening_hours", queryset=OpeningHours.objects.order_by("area", "weekday", "opens"))


def active_site(request, site_id: int) -> Site:
    """An active site (queues.selectors.active_site, as the kiosk page), 404 for a token of another municipality."""
    site = selectors.active_site(site_id)
    if site is None:
        raise Http404("No Site matches the given query.")
    ensure_own(request, site.municipality_id)
    return site


class SiteListView(ApiView):
    @extend_schema(
        tags=[TAG],
        summary="The municipality's sites and their opening hours",
        responses={200: SiteSerializer(many=True)},
    )
    def get(self, request, code: int):
        municipality = municipality_or_404(request, code)
        sites = Site.objects.filter(municipality=municipality, active=True).select_related("municipality")
        return Response(SiteSerializer(sites.prefetch_related(_HOURS).order_by("name"), many=True).data)


class SiteDetailView(ApiView):
    @extend_schema(
        tags=[TAG], summary="One site: opening hours and coming closures", responses={200: SiteDetailSerializer}
    )
    def get(self, request, site_id: int):
        site = active_site(request, site_id)
        today = timezone.localdate()
        site.coming_closures = list(
            Closure.objects.filter(Q(last_day__gte=today) | Q(yearly=True), site=site).order_by("first_day")
        )
        prefetch_related_objects([site], _HOURS)
        return Response(SiteDetailSerializer(site).data)


class QueueListView(ApiView):
    @extend_schema(
        tags=[TAG], summary="The site's queues with their current wait", responses={200: QueueSerializer(many=True)}
    )
    def get(self, request, site_id: int):
        site = active_site(request, site_id)
        now = timezone.now()
        rows = queue_overview(site, now=now)
        prefetch_related_objects(
            [row.queue for row in rows], Prefetch("services", queryset=Service.objects.filter(retired=False))
        )
        states = []
        for row in rows:
            estimate = estimate_new(queue=row.queue, services=[], channel=Channel.WALK_IN, now=now)
            states.append(
                {
                    "queue": row.queue,
                    "service_keys": [s.key for s in row.queue.services.all()],
                    "waiting": row.waiting,
                    "longest_wait_minutes": row.longest_wait_minutes,
                    "open_counters": len(row.counters),
                    "estimate": estimate,
                }
            )
        return Response(QueueSerializer(states, many=True).data)


class DisplayView(ApiView):
    @extend_schema(
        tags=[TAG],
        summary="The display board's feed: the last calls per area",
        description="What the waiting room's screen shows (OS2display and the like): per area that has a queue, "
        "today's latest calls and how many wait. Poll it every few seconds.",
        responses={200: DisplaySerializer},
    )
    def get(self, request, site_id: int):
        site = active_site(request, site_id)
        now = timezone.now()
        calls = board_calls(site=site, now=now)
        waiting = waiting_by_area(site=site, now=now)
        areas = [
            {"area": area, "waiting": waiting.get(area, 0), "calls": calls.get(area, [])} for area in site_areas(site)
        ]
        return Response(DisplaySerializer({"site": site.pk, "at": now, "areas": areas}).data)
