"""The counter through the API, for a token acting as a staff member: the same service functions as the counter screen.

The counter is named in the path (the screen keeps it in the session); every
ticket and counter is looked up within the staff member's municipality, so
another municipality's is not found. The policy check runs inside the services.
"""

import datetime as dt

from django.conf import settings
from django.db.models import prefetch_related_objects
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework.response import Response

from skranke.api.auth import StaffScope, token_of
from skranke.api.errors import ApiError
from skranke.api.serializers.staff import (
    CallNextSerializer,
    ContactRecordSerializer,
    ContactSearchSerializer,
    ContactSerializer,
    CounterSerializer,
    FinishSerializer,
    StaffTicketSerializer,
)
from skranke.api.views.common import ApiView, field_error, validated
from skranke.catalogue.models import Service
from skranke.contacts.services import Line, contact_record, contacts_of_citizen, ticket_finish
from skranke.organisation.selectors import counters_of_municipality
from skranke.privacy.services import client_address
from skranke.queues.models import Ticket
from skranke.queues.services import counter_open, ticket_call_next, ticket_no_show, ticket_recall, ticket_start

TAG = "Counter (staff)"
# The most contacts one search returns, newest first.
SEARCH_LIMIT = 50


class StaffView(ApiView):
    permission_classes = [StaffScope]

    def staff(self, request):
        return token_of(request).staff_member

    def counter(self, request, counter_id: int):
        counter = (
            counters_of_municipality(municipality_id=self.staff(request).municipality_id).filter(pk=counter_id).first()
        )
        if counter is None:
            raise ApiError("not_found", 404)
        return counter

    def ticket(self, request, ticket_id: int) -> Ticket:
        ticket = (
            Ticket.objects.select_related("queue__site", "counter")
            .filter(pk=ticket_id, queue__site__municipality=self.staff(request).municipality_id)
            .first()
        )
        if ticket is None:
            raise ApiError("not_found", 404)
        return ticket


def _staff_ticket(ticket: Ticket) -> Ticket:
    return Ticket.objects.select_related("queue").prefetch_related("ticket_services__service").get(pk=ticket.pk)


def _lines(data: dict) -> list[Line]:
    keys = [line["service"] for line in data["lines"]]
    found = {s.key: s for s in Service.objects.filter(key__in=keys, retired=False)}
    lines = []
    for index, line in enumerate(data["lines"]):
        service = found.get(line["service"])
        if service is None:
            raise field_error(f"lines.{index}.service", "not_found", "Ukendt ydelse.", "Unknown service.")
        lines.append(
            Line(
                service=service,
                outcome=line["outcome"],
                referred_to=line.get("referred_to", ""),
                guidance_mode=line.get("guidance_mode", ""),
            )
        )
    return lines


class CounterListView(StaffView):
    @extend_schema(
        tags=[TAG], summary="The municipality's open counters", responses={200: CounterSerializer(many=True)}
    )
    def get(self, request):
        counters = counters_of_municipality(municipality_id=self.staff(request).municipality_id)
        return Response(CounterSerializer(counters, many=True).data)


class CallNextView(StaffView):
    @extend_schema(
        tags=[TAG],
        summary="Call the next citizen to this counter",
        description="Stands the staff member at the counter (as opening the counter screen does) and calls the "
        "oldest waiting ticket they may handle there under the policy check, checked-in appointments first.",
        request=None,
        responses={200: CallNextSerializer},
    )
    def post(self, request, counter_id: int):
        counter, staff = self.counter(request, counter_id), self.staff(request)
        counter_open(counter=counter, staff=staff)
        ticket = ticket_call_next(counter=counter, staff=staff)
        return Response(CallNextSerializer({"ticket": _staff_ticket(ticket) if ticket else None}).data)


def _ticket_action(name: str, summary: str, act):
    class View(StaffView):
        @extend_schema(tags=[TAG], summary=summary, request=None, responses={200: StaffTicketSerializer})
        def post(self, request, ticket_id: int):
            ticket = act(ticket=self.ticket(request, ticket_id), staff=self.staff(request))
            return Response(StaffTicketSerializer(_staff_ticket(ticket)).data)

    View.__name__ = View.__qualname__ = name
    return View


RecallView = _ticket_action("RecallView", "Call the ticket again", ticket_recall)
StartView = _ticket_action("StartView", "The citizen has come: start serving", ticket_start)
NoShowView = _ticket_action(
    "NoShowView",
    "The citizen did not come",
    lambda *, ticket, staff: ticket_no_show(ticket=ticket, staff=staff, min_recalls=settings.NO_SHOW_AFTER_RECALLS),
)


class FinishView(StaffView):
    @extend_schema(
        tags=[TAG],
        summary="Finish the ticket with an outcome per service",
        description="Records the contact: every service passes the policy check first; a refusal is recorded "
        "in the audit trail and nothing else is saved. The CPR number, if given, is kept only as a hash.",
        request=FinishSerializer,
        responses={201: ContactSerializer},
    )
    def post(self, request, ticket_id: int):
        ticket = self.ticket(request, ticket_id)
        data = validated(FinishSerializer, request.data)
        lines = _lines(data)
        on_ticket = [line.service for line in ticket.ticket_services.select_related("service")]
        if sorted(s.pk for s in on_ticket) != sorted(line.service.pk for line in lines):
            keys = ", ".join(s.key for s in on_ticket)
            raise field_error(
                "lines",
                "invalid",
                f"Angiv et resultat for hver ydelse på kønummeret: {keys}.",
                f"Give an outcome for each service on the ticket: {keys}.",
            )
        contact = ticket_finish(
            ticket=ticket,
            staff=self.staff(request),
            lines=lines,
            cpr=data.get("cpr"),
            power_of_attorney=data["power_of_attorney"],
            client_address=client_address(request),
        )
        prefetch_related_objects([contact], "lines__service")  # one query for what the answer lists
        return Response(ContactSerializer(contact).data, status=201)


class ContactRecordView(StaffView):
    @extend_schema(
        tags=[TAG],
        summary="Record a citizen served without a ticket",
        request=ContactRecordSerializer,
        responses={201: ContactSerializer},
    )
    def post(self, request):
        data = validated(ContactRecordSerializer, request.data)
        counter = self.counter(request, data["counter"])
        now = timezone.now()
        started = data.get("started_at")
        if started is not None and not (now - dt.timedelta(hours=4) <= started <= now):
            raise field_error(
                "started_at",
                "invalid",
                "Starttidspunktet skal ligge inden for de seneste fire timer.",
                "The start must lie within the last four hours.",
            )
        contact = contact_record(
            staff=self.staff(request),
            counter=counter,
            lines=_lines(data),
            cpr=data.get("cpr"),
            power_of_attorney=data["power_of_attorney"],
            started_at=started,
            now=now,
            client_address=client_address(request),
        )
        prefetch_related_objects([contact], "lines__service")  # one query for what the answer lists
        return Response(ContactSerializer(contact).data, status=201)


class ContactSearchView(StaffView):
    @extend_schema(
        tags=[TAG],
        summary="A citizen's earlier contacts (audited, with purpose)",
        description="The CPR number goes in the body, never in the address. The search and its purpose are "
        "recorded in the audit trail in the same transaction; the citizen can see them in their access report.",
        request=ContactSearchSerializer,
        responses={200: ContactSerializer(many=True)},
    )
    def post(self, request):
        data = validated(ContactSearchSerializer, request.data)
        staff = self.staff(request)
        contacts = contacts_of_citizen(
            staff=staff,
            cpr=data["cpr"],
            purpose=data["purpose"],
            client_address=client_address(request),
            limit=SEARCH_LIMIT,
            via="api",
        )
        return Response(ContactSerializer(contacts, many=True).data)
