"""Tickets: issued at a site by a kiosk token, followed and cancelled by the citizen with the ticket's token."""

from django.urls import reverse
from drf_spectacular.utils import extend_schema
from rest_framework.response import Response

from skranke.api.auth import KioskScope, ensure_own
from skranke.api.errors import ApiError
from skranke.api.serializers.tickets import TicketIssuedSerializer, TicketIssueSerializer, TicketSerializer
from skranke.api.views.common import ApiView, field_error, validated
from skranke.api.views.sites import active_site
from skranke.queues.estimate import estimate_wait
from skranke.queues.models import Status
from skranke.queues.selectors import queues_for_services, ticket_by_token, tickets_by_tokens
from skranke.queues.services import ticket_cancel, tickets_issue

TAG = "Tickets"


def ticket_data(request, ticket, *, live: bool = True) -> dict:
    """The ticket's fields for TicketSerializer; `live` estimates the wait from now (the phone page's)."""
    wait = None
    if ticket.status == Status.WAITING:
        if live:
            estimate = estimate_wait(ticket)
            wait = {
                "position": estimate.position,
                "low_minutes": estimate.low_minutes,
                "high_minutes": estimate.high_minutes,
            }
        else:
            wait = {"position": None, "low_minutes": ticket.estimate_low, "high_minutes": ticket.estimate_high}
    moved = getattr(ticket, "transferred_to", None) if ticket.status == Status.TRANSFERRED else None
    return {
        "token": ticket.token,
        "label": ticket.label,
        "number": ticket.number,
        "status": ticket.status,
        "channel": ticket.channel,
        "queue": ticket.queue,
        "ticket_services": ticket.ticket_services,
        "issued_at": ticket.issued_at,
        "called_at": ticket.called_at,
        "counter": ticket.counter,
        "wait": wait,
        "moved_to": moved.token if moved else None,
        "phone_page": request.build_absolute_uri(reverse("web:phone", kwargs={"token": ticket.token})),
    }


def ticket_of_token(request, token: str):
    ticket = ticket_by_token(token=token)
    if ticket is None:
        raise ApiError("not_found", 404)
    ensure_own(request, ticket.queue.site.municipality_id)
    return ticket


class TicketIssueView(ApiView):
    permission_classes = [KioskScope]

    @extend_schema(
        tags=[TAG],
        summary="Take a number (kiosk token)",
        description="As the site's kiosk: one ticket per queue the chosen services belong to, all or none.",
        request=TicketIssueSerializer,
        responses={201: TicketIssuedSerializer},
    )
    def post(self, request, site_id: int):
        site = active_site(request, site_id)
        data = validated(TicketIssueSerializer, request.data)
        keys = list(dict.fromkeys(data["services"]))
        found = queues_for_services(site=site, keys=keys)
        missing = [key for key in keys if key not in found]
        if missing:
            raise field_error(
                "services",
                "not_offered",
                f"Der kan ikke trækkes nummer til {', '.join(missing)} her.",
                f"No number can be taken for {', '.join(missing)} here.",
            )
        issued = tickets_issue(
            chosen=[found[key] for key in keys], phone=data.get("phone", ""), email=data.get("email", "")
        )
        tickets = tickets_by_tokens(tokens=[t.token for t in issued])
        body = {"tickets": [ticket_data(request, t, live=False) for t in tickets]}
        return Response(TicketIssuedSerializer(body).data, status=201)


class TicketView(ApiView):
    @extend_schema(tags=[TAG], summary="A ticket's status by its token", responses={200: TicketSerializer})
    def get(self, request, token: str):
        ticket = ticket_of_token(request, token)
        return Response(TicketSerializer(ticket_data(request, ticket)).data)


class TicketCancelView(ApiView):
    @extend_schema(tags=[TAG], summary="The citizen leaves the queue", request=None, responses={200: TicketSerializer})
    def post(self, request, token: str):
        ticket = ticket_cancel(ticket=ticket_of_token(request, token))
        return Response(TicketSerializer(ticket_data(request, ticket_by_token(token=ticket.token))).data)
