"""Appointments: the bookable services, free times, booking, and cancelling or moving by the booking's token."""

from drf_spectacular.utils import extend_schema
from rest_framework.response import Response

from skranke.api.auth import ensure_own, municipality_or_404, token_of
from skranke.api.errors import ApiError
from skranke.api.models import Scope
from skranke.api.serializers.bookings import (
    AppointmentSerializer,
    BookableServiceSerializer,
    BookSerializer,
    MoveSerializer,
    SlotQuerySerializer,
    SlotSerializer,
)
from skranke.api.views.common import ApiView, field_error, site_of, validated
from skranke.bookings.models import Appointment, Channel
from skranke.bookings.selectors import bookable_services, free_slots, offer_minutes
from skranke.bookings.services import (
    appointment_book,
    appointment_cancel,
    appointment_from_token,
    appointment_reschedule,
    appointment_token,
)
from skranke.catalogue.models import Service
from skranke.organisation.models import Site
from skranke.privacy.services import client_address

TAG = "Appointments"


def _services(keys: list[str], field: str = "services") -> list[Service]:
    found = {s.key: s for s in Service.objects.filter(key__in=keys, retired=False)}
    missing = [key for key in keys if key not in found]
    if missing:
        raise field_error(
            field,
            "not_found",
            f"Ukendt ydelse: {', '.join(missing)}.",
            f"Unknown service: {', '.join(missing)}.",
        )
    return [found[key] for key in dict.fromkeys(keys)]


def _site(municipality, site_id: int | None) -> Site | None:
    return None if site_id is None else site_of(municipality, site_id)


def _staff_channel(request, channel: str):
    """The staff member booking for a citizen at the counter or on the phone; None when the citizen books."""
    if channel == Channel.ONLINE:
        return None
    token = token_of(request)
    if token is None:
        raise ApiError("not_authenticated", 401)
    if not token.has_scope(Scope.BOOKING):
        raise ApiError("scope_missing", 403)
    if token.staff_member is None:
        raise ApiError("staff_token_needed", 403)
    return token.staff_member


def appointment_data(appointment: Appointment) -> Appointment:
    """The appointment read again with its services, its token and whether the booking was a repeat."""
    fresh = (
        Appointment.objects.select_related("site")
        .prefetch_related("appointment_services__service")
        .get(pk=appointment.pk)
    )
    fresh.token = appointment_token(fresh)
    fresh.repeated = getattr(appointment, "repeated", False)
    return fresh


def _by_token(request, token: str) -> Appointment:
    appointment = appointment_from_token(token)
    ensure_own(request, appointment.site.municipality_id)
    return appointment


class BookableServiceListView(ApiView):
    @extend_schema(
        tags=[TAG],
        summary="What citizens can book, and where",
        responses={200: BookableServiceSerializer(many=True)},
    )
    def get(self, request, code: int):
        offers = bookable_services(municipality=municipality_or_404(request, code))
        for offer in offers:
            offer.duration_minutes = offer_minutes(offer)
        return Response(BookableServiceSerializer(offers, many=True).data)


class SlotListView(ApiView):
    @extend_schema(
        tags=[TAG],
        summary="Free times for one visit",
        description="Free start times for the services in one visit, at one site or all, a week or up to four "
        "from `start`, in time order.",
        parameters=[SlotQuerySerializer],
        responses={200: SlotSerializer(many=True)},
    )
    def get(self, request, code: int):
        municipality = municipality_or_404(request, code)
        query = validated(SlotQuerySerializer, request.query_params)
        _staff_channel(request, query["channel"])
        slots = free_slots(
            municipality=municipality,
            services=_services(query["service"], "service"),
            site=_site(municipality, query.get("site")),
            start=query.get("start"),
            weeks=query["weeks"],
            channel=query["channel"],
        )
        return Response(SlotSerializer(slots, many=True).data)


class AppointmentBookView(ApiView):
    @extend_schema(
        tags=[TAG],
        summary="Book a time",
        description="A time someone else got first answers 409 with the code `taken` and the nearest free "
        "times in `alternatives`.",
        request=BookSerializer,
        responses={201: AppointmentSerializer},
    )
    def post(self, request, code: int):
        municipality = municipality_or_404(request, code)
        data = validated(BookSerializer, request.data)
        staff = _staff_channel(request, data["channel"])
        appointment = appointment_book(
            services=_services(data["services"]),
            site=_site(municipality, data["site"]),
            start=data["start"],
            name=data["name"],
            email=data.get("email", ""),
            phone=data.get("phone", ""),
            language=data["language"],
            channel=data["channel"],
            booked_by=staff.user if staff is not None else None,
            client_address=client_address(request),
        )
        return Response(AppointmentSerializer(appointment_data(appointment)).data, status=201)


class AppointmentView(ApiView):
    @extend_schema(tags=[TAG], summary="A booking by its token", responses={200: AppointmentSerializer})
    def get(self, request, token: str):
        return Response(AppointmentSerializer(appointment_data(_by_token(request, token))).data)


class AppointmentCancelView(ApiView):
    @extend_schema(tags=[TAG], summary="Cancel a booking", request=None, responses={200: AppointmentSerializer})
    def post(self, request, token: str):
        appointment = appointment_cancel(appointment=_by_token(request, token), client_address=client_address(request))
        return Response(AppointmentSerializer(appointment_data(appointment)).data)


class AppointmentMoveView(ApiView):
    @extend_schema(
        tags=[TAG],
        summary="Move a booking to another free time",
        description="The old time is freed only with the new one; `taken` (409) carries `alternatives`.",
        request=MoveSerializer,
        responses={200: AppointmentSerializer},
    )
    def post(self, request, token: str):
        appointment = _by_token(request, token)
        data = validated(MoveSerializer, request.data)
        site = _site(appointment.site.municipality, data.get("site")) or appointment.site
        moved = appointment_reschedule(
            appointment=appointment, start=data["start"], site=site, client_address=client_address(request)
        )
        return Response(AppointmentSerializer(appointment_data(moved)).data)
