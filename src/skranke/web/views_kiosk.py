"""Public pages of the counter day: the kiosk, the ticket, the phone page and the display board.

None of them needs a login. The kiosk and the board are addressed by site; a
ticket's phone page only by its unguessable token, never by its number.
"""

import datetime as dt

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from skranke.catalogue.models import Service
from skranke.catalogue.triage import triage_offered
from skranke.contacts.models import Contact
from skranke.errors import SkrankeError
from skranke.organisation.models import Site
from skranke.queues.estimate import estimate_wait
from skranke.queues.models import Status
from skranke.queues.selectors import (
    active_site,
    board_calls,
    kiosk_menu,
    queues_for_services,
    site_areas,
    ticket_by_token,
    tickets_by_tokens,
    waiting_by_area,
)
from skranke.queues.services import ticket_cancel, tickets_issue
from skranke.web.forms import KioskTextForm
from skranke.web.htmx import wants_fragment
from skranke.web.qr import qr_svg
from skranke.web.views_satisfaction import FACES

ASK_STAFF_SERVICE = "general-guidance"
# How long the kiosk shows a ticket before it returns to its start page.
KIOSK_RETURN_SECONDS = 45


def _site(site_id: int) -> Site:
    """The active site with its municipality (one hand-written query: see `active_site`); 404 for any other."""
    site = active_site(site_id)
    if site is None:
        raise Http404("No Site matches the given query.")
    return site


# Kiosk


@require_GET
def kiosk(request, site_id: int):
    site = _site(site_id)
    return render(request, "web/kiosk.html", {"site": site, "menu": kiosk_menu(site=site), "form": KioskTextForm()})


@require_POST
def kiosk_suggest(request, site_id: int):
    """The triage matcher's answer to the citizen's own words, limited to what this site offers."""
    site = _site(site_id)
    menu = kiosk_menu(site=site)
    form = KioskTextForm(request.POST)
    context = {"site": site, "text": "", "suggestions": [], "needs": [], "choose": False, "ask_staff": False}
    if form.is_valid() and form.cleaned_data["text"]:
        context.update(_suggestions(menu, form.cleaned_data["text"]))
    template = "web/_kiosk_suggestions.html" if wants_fragment(request) else "web/kiosk.html"
    if template == "web/kiosk.html":
        context.update({"menu": menu, "form": form})
    return render(request, template, context)


def _suggestions(menu, text: str) -> dict:
    offered = {s.key: s for group in menu.groups for s in [*group.common, *group.others]}
    answer = triage_offered(text, offered)
    return {
        "text": text,
        "suggestions": [(offered[m.service], menu.queue_for(offered[m.service]).area) for m in answer.matches],
        # Several needs in one sentence: one button takes a number for all of them.
        "needs": [offered[key] for key in answer.needs],
        "choose": answer.choose,
        "ask_staff": answer.ask_staff,
        "guidance": offered.get(ASK_STAFF_SERVICE),
    }


@require_POST
def kiosk_take(request, site_id: int):
    """Take a number for the chosen services: one ticket per queue they belong to."""
    site = _site(site_id)
    keys = request.POST.getlist("service")[:5]
    found = queues_for_services(site=site, keys=keys)
    if not found:
        messages.error(request, _("Vælg det, du skal have hjælp til."))
        return redirect("web:kiosk", site_id=site.pk)
    try:
        tickets = tickets_issue(chosen=[found[key] for key in sorted(found, key=keys.index)])
    except SkrankeError as error:
        messages.error(request, error.message)
        return redirect("web:kiosk", site_id=site.pk)
    query = "&".join(f"t={t.token}" for t in tickets)
    return redirect(f"{reverse('web:kiosk_ticket', kwargs={'site_id': site.pk})}?{query}")


@require_GET
def kiosk_ticket(request, site_id: int):
    site = _site(site_id)
    tickets = [t for t in tickets_by_tokens(tokens=request.GET.getlist("t")) if t.queue.site_id == site.pk]
    if not tickets:
        raise Http404
    rows = []
    for ticket in tickets:
        phone_url = request.build_absolute_uri(reverse("web:phone", kwargs={"token": ticket.token}))
        rows.append({"ticket": ticket, "services": _services(ticket), "phone_url": phone_url, "qr": qr_svg(phone_url)})
    return render(
        request, "web/kiosk_ticket.html", {"site": site, "rows": rows, "return_seconds": KIOSK_RETURN_SECONDS}
    )


def _services(ticket) -> list[Service]:
    """The ticket's services in the order asked for (TicketService's ordering), from the selectors' prefetch."""
    return [line.service for line in ticket.ticket_services.all()]


# Phone page


# The ticket's journey is over: the phone page stops polling (htmx stops on status 286).
FINAL = {Status.DONE, Status.NO_SHOW, Status.CANCELLED, Status.TRANSFERRED}
STOP_POLLING = 286


def _phone_context(ticket) -> dict:
    context = {
        "ticket": ticket,
        "services": _services(ticket),
        "estimate": None,
        "moved_to": None,
        "final": ticket.status in FINAL,
        "faces": FACES,
        # The one question after the visit, until it is answered.
        "ask_satisfaction": ticket.status == Status.DONE
        and Contact.objects.filter(ticket=ticket, satisfaction__isnull=True).exists(),
    }
    if ticket.status == Status.WAITING:
        context["estimate"] = estimate_wait(ticket)
    elif ticket.status == Status.TRANSFERRED:
        context["moved_to"] = getattr(ticket, "transferred_to", None)
    return context


def _ticket(token: str):
    ticket = ticket_by_token(token=token)
    if ticket is None:
        raise Http404
    return ticket


@require_GET
def phone(request, token: str):
    ticket = _ticket(token)
    context = _phone_context(ticket)
    template = "web/_phone_status.html" if wants_fragment(request) else "web/phone.html"
    # The address is the only key to the ticket; SECURE_REFERRER_POLICY ("same-origin") keeps it from other sites.
    status = STOP_POLLING if wants_fragment(request) and context["final"] else 200
    return render(request, template, context, status=status)


@require_POST
def phone_cancel(request, token: str):
    ticket = _ticket(token)
    try:
        ticket_cancel(ticket=ticket)
    except SkrankeError:
        ticket.refresh_from_db(fields=["status"])
        messages.error(
            request,
            _("Nummeret kan ikke annulleres, fordi det er %(status)s.")
            % {"status": ticket.get_status_display().lower()},
        )
    else:
        messages.success(
            request, _("Dit nummer %(ticket)s er annulleret. Tak fordi du sagde til.") % {"ticket": ticket}
        )
    return redirect("web:phone", token=token)


# Display board


@require_GET
def board(request, site_id: int):
    site = _site(site_id)
    now = timezone.now()
    calls = board_calls(site=site, now=now)
    latest = max((t for rows in calls.values() for t in rows), key=lambda t: t.called_at, default=None)
    context = {
        "site": site,
        "columns": [(area, calls.get(area, [])) for area in site_areas(site)],
        "waiting": waiting_by_area(site=site, now=now),
        "latest": latest,
        # A call in the last 20 seconds is shown highlighted.
        "fresh_after": now - dt.timedelta(seconds=20),
        "now": now,
    }
    template = "web/_board_calls.html" if wants_fragment(request) else "web/board.html"
    return render(request, template, context)
