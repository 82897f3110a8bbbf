"""Staff pages of the counter day: the counter screen and the queue overview.

Every button posts to one view that calls one service function; a refusal
(a stale screen, a move the ticket cannot make, the policy check) becomes a
plain message and changes nothing.
"""

import datetime as dt

from django.conf import settings
from django.contrib import messages
from django.db.models import prefetch_related_objects
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from skranke.catalogue.models import Service
from skranke.catalogue.selectors import fees_valid_on, services_detail
from skranke.contacts.services import Line, contact_record, ticket_finish
from skranke.errors import SkrankeError
from skranke.organisation.selectors import override_for, services_for_municipality, with_override
from skranke.privacy.services import client_address
from skranke.queues.models import Queue, Status, Ticket
from skranke.queues.selectors import counter_current_ticket, queue_overview
from skranke.queues.services import (
    counter_open,
    counter_seen,
    ticket_add_service,
    ticket_call_next,
    ticket_no_show,
    ticket_recall,
    ticket_start,
    ticket_transfer,
)
from skranke.web.forms import FinishForm, TransferForm
from skranke.web.htmx import is_poll
from skranke.web.views import staff_required
from skranke.web.workplace import Workplace


def _counter_required(view):
    def wrapper(request, place: Workplace, *args, **kwargs):
        if place.counter is None:
            messages.info(request, _("Vælg først den skranke, du står ved."))
            return redirect("web:home")
        return view(request, place, *args, **kwargs)

    wrapper.__name__ = view.__name__
    wrapper.__doc__ = view.__doc__
    return wrapper


def _guidance(services: list[Service], municipality) -> list[dict]:
    """Per service, what the counter needs: steps, documents, today's fee, legal basis, related services."""
    prefetch_related_objects([municipality], "service_overrides")
    return [
        {
            "service": with_override(detail, override_for(municipality=municipality, service=detail)),
            "fees": fees_valid_on(service=detail),
            "life_event_steps": detail.life_event_steps.all(),
        }
        for detail in services_detail(services=services)
    ]


@require_GET
@staff_required
@_counter_required
def counter_screen(request, place: Workplace):
    counter, staff = place.counter, place.staff
    now = timezone.now()
    if is_poll(request):
        counter_seen(counter=counter, staff=staff, now=now)
    else:
        counter_open(counter=counter, staff=staff, now=now)
    ticket = counter_current_ticket(counter=counter, staff=staff, now=now)
    overview = [row for row in queue_overview(counter.site, now=now) if row.queue.area == counter.area]
    context = {"ticket": ticket, "overview": overview, "now": now}
    if is_poll(request):
        # Only the queue status is refreshed; the ticket's forms are left alone while staff type.
        return render(request, "web/_counter_queues.html", context)
    if ticket is None:
        offered = services_for_municipality(municipality=staff.municipality)
        context["offered"] = offered
        walk_up = next((s for s in offered if s.key == request.GET.get("uden_nummer")), None)
        if walk_up is not None:
            context.update(
                {
                    "walk_up": walk_up,
                    "walk_up_form": FinishForm(services=[walk_up]),
                    "walk_up_hidden": [("service", walk_up.key), ("started", int(now.timestamp()))],
                    "walk_up_guidance": _guidance([walk_up], staff.municipality)[0],
                }
            )
    else:
        services = [line.service for line in ticket.ticket_services.all()]
        municipality = staff.municipality
        on_ticket = {s.pk for s in services}
        offered = [s for s in services_for_municipality(municipality=municipality) if s.pk not in on_ticket]
        others = (
            Queue.objects.filter(site=counter.site, active=True)
            .exclude(pk=ticket.queue_id)
            .prefetch_related("services")
        )
        context.update(
            {
                "guidance": _guidance(services, municipality),
                "finish_form": FinishForm(services=services),
                "finish_hidden": [("ticket", ticket.pk)],
                "transfer_form": TransferForm(queues=list(others)),
                "addable": offered,
                "can_no_show": ticket.status == Status.CALLED and ticket.recalls >= settings.NO_SHOW_AFTER_RECALLS,
            }
        )
    return render(request, "web/counter.html", context)


@require_POST
@staff_required
@_counter_required
def counter_action(request, place: Workplace):
    """Call next, recall, start, no-show, transfer or add a service: one button, one service function."""
    counter, staff = place.counter, place.staff
    action = request.POST.get("action", "")
    try:
        if action == "call_next":
            ticket = ticket_call_next(counter=counter, staff=staff)
            if ticket is None:
                messages.info(request, _("Der er ingen i kø, som du kan betjene her lige nu."))
            else:
                messages.success(request, _("Du har kaldt %(ticket)s.") % {"ticket": ticket.label})
            return redirect("web:counter")
        ticket = _posted_ticket(request, place)
        if action == "recall":
            ticket_recall(ticket=ticket, staff=staff)
            messages.success(request, _("%(ticket)s er kaldt igen.") % {"ticket": ticket.label})
        elif action == "start":
            ticket_start(ticket=ticket, staff=staff)
        elif action == "no_show":
            ticket_no_show(ticket=ticket, staff=staff, min_recalls=settings.NO_SHOW_AFTER_RECALLS)
            messages.success(request, _("%(ticket)s er registreret som udeblevet.") % {"ticket": ticket.label})
        elif action == "transfer":
            others = Queue.objects.filter(site=counter.site, active=True).exclude(pk=ticket.queue_id)
            form = TransferForm(request.POST, queues=list(others.prefetch_related("services")))
            if not form.is_valid():
                raise SkrankeError(" ".join(e for errors in form.errors.values() for e in errors), code="invalid")
            service = form.cleaned_data.get("service")
            moved = ticket_transfer(
                ticket=ticket,
                staff=staff,
                to_queue=form.cleaned_data["queue"],
                note=form.cleaned_data["note"],
                services=[service] if service else None,
            )
            messages.success(
                request,
                _("%(ticket)s er flyttet til %(queue)s som %(new)s.")
                % {"ticket": ticket.label, "queue": moved.queue.name, "new": moved.label},
            )
        elif action == "add_service":
            service = Service.objects.filter(key=request.POST.get("service", ""), retired=False).first()
            if service is None:
                raise SkrankeError(_("Vælg den ydelse, borgeren også skal have hjælp til."), code="invalid")
            ticket_add_service(ticket=ticket, staff=staff, service=service, client_address=client_address(request))
            messages.success(request, _("%(service)s er tilføjet.") % {"service": service})
        else:
            raise SkrankeError(_("Ukendt handling. Genindlæs siden og prøv igen."), code="invalid")
    except SkrankeError as error:
        messages.error(request, error.message)
    return redirect("web:counter")


def _posted_ticket(request, place: Workplace) -> Ticket:
    """The ticket the screen showed; a stale screen gets a message, not someone else's ticket."""
    ticket = (
        Ticket.objects.select_related("queue__site", "counter")
        .filter(pk=request.POST.get("ticket") or 0, queue__site__municipality=place.staff.municipality)
        .first()
    )
    if ticket is None:
        raise SkrankeError(_("Kønummeret findes ikke længere. Genindlæs siden."), code="not_found")
    return ticket


@require_POST
@staff_required
@_counter_required
def counter_finish(request, place: Workplace):
    try:
        ticket = _posted_ticket(request, place)
        services = [line.service for line in ticket.ticket_services.select_related("service")]
        form = FinishForm(request.POST, services=services)
        if not form.is_valid():
            raise SkrankeError(" ".join(e for errors in form.errors.values() for e in errors), code="invalid")
        lines = [Line(service=s, outcome=o, referred_to=r, guidance_mode=m) for s, o, r, m in form.cleaned_lines()]
        ticket_finish(
            ticket=ticket,
            staff=place.staff,
            lines=lines,
            cpr=form.cleaned_data.get("cpr"),
            power_of_attorney=form.cleaned_data["power_of_attorney"],
            client_address=client_address(request),
        )
    except SkrankeError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, _("%(ticket)s er afsluttet, og henvendelsen er registreret.") % {"ticket": ticket.label}
        )
    return redirect("web:counter")


@require_POST
@staff_required
@_counter_required
def counter_contact(request, place: Workplace):
    """A citizen served without a ticket (they came straight to the counter): the contact and its outcome."""
    now = timezone.now()
    service = Service.objects.filter(key=request.POST.get("service", ""), retired=False).first()
    try:
        if service is None:
            raise SkrankeError(_("Vælg den ydelse, du har hjulpet borgeren med."), code="invalid")
        form = FinishForm(request.POST, services=[service])
        if not form.is_valid():
            raise SkrankeError(" ".join(e for errors in form.errors.values() for e in errors), code="invalid")
        contact_record(
            staff=place.staff,
            counter=place.counter,
            lines=[Line(service=s, outcome=o, referred_to=r, guidance_mode=m) for s, o, r, m in form.cleaned_lines()],
            cpr=form.cleaned_data.get("cpr"),
            power_of_attorney=form.cleaned_data["power_of_attorney"],
            started_at=_started(request.POST.get("started"), now),
            now=now,
            client_address=client_address(request),
        )
    except SkrankeError as error:
        messages.error(request, error.message)
        if service is not None:
            return redirect(f"{reverse('web:counter')}?uden_nummer={service.key}")
    else:
        messages.success(request, _("Henvendelsen er registreret."))
    return redirect("web:counter")


# The longest a contact without a ticket is taken to have lasted; an older or odd start counts as now.
_LONGEST_WALK_UP = dt.timedelta(hours=4)


def _started(raw, now: dt.datetime) -> dt.datetime:
    """When the form was shown: the start of the service, within reason."""
    try:
        started = dt.datetime.fromtimestamp(int(raw), tz=dt.UTC)
    except (TypeError, ValueError, OverflowError, OSError):
        return now
    return started if now - _LONGEST_WALK_UP <= started <= now else now


@require_GET
@staff_required
def queue_overview_page(request, place: Workplace):
    site = place.site
    if site is None:
        messages.info(request, _("Vælg først den skranke, du står ved."))
        return redirect("web:home")
    rows = queue_overview(site, now=timezone.now())
    template = "web/_queue_overview.html" if is_poll(request) else "web/queue_overview.html"
    return render(request, template, {"rows": rows, "site": site})
