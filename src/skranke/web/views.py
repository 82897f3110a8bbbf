"""Staff pages: home with the counter choice, the catalogue, life events, and the accessibility statement."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from skranke.catalogue.models import Kind, LifeEvent, Service
from skranke.catalogue.selectors import fees_valid_on, life_event_detail, life_events_list, service_detail
from skranke.organisation.policy import AUTHORISATION_STATUS_LABELS, Reason, authorisation_status, check
from skranke.organisation.selectors import (
    authorisations_of,
    counters_of_municipality,
    override_for,
    services_for_municipality,
    with_override,
)
from skranke.queues.services import counter_close
from skranke.web.forms import CounterChoiceForm
from skranke.web.htmx import wants_fragment
from skranke.web.workplace import SESSION_COUNTER_KEY, Workplace, workplace_for


def staff_required(view):
    """Signed in and tied to a municipality; the view gets the workplace as its second argument."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        place = workplace_for(request)
        if place.staff is None:
            return render(request, "web/no_staff.html", status=403)
        return view(request, place, *args, **kwargs)

    return wrapper


def _verdicts(place: Workplace, services) -> dict[int, object]:
    """The policy decision per service at the current counter; empty when no counter is chosen."""
    if place.counter is None:
        return {}
    return {s.pk: check(staff=place.staff, service=s, counter=place.counter) for s in services}


# Home


# status -> DKFDS badge class
AUTHORISATION_BADGE = {
    Reason.ALLOWED: "badge-success",
    Reason.AUTHORISATION_EXPIRED: "badge-warning",
    Reason.AUTHORISATION_NOT_YET_VALID: "badge-info",
    Reason.AUTHORISATION_REVOKED: "badge-error",
}


@staff_required
def home(request, place: Workplace):
    counters = list(counters_of_municipality(municipality_id=place.staff.municipality_id))
    form = CounterChoiceForm(
        staff=place.staff,
        counters=counters,
        initial={"counter": place.counter.pk if place.counter else ""},
    )
    now = timezone.now()
    authorisations = []
    for authorisation in authorisations_of(staff=place.staff):
        # Only grants from the current municipality count (see organisation.policy).
        if authorisation.municipality_id == place.staff.municipality_id:
            status = authorisation_status(authorisation, at=now)
            authorisations.append((authorisation, AUTHORISATION_STATUS_LABELS[status], AUTHORISATION_BADGE[status]))
    return render(
        request,
        "web/home.html",
        {
            "form": form,
            "has_counters": bool(counters),
            "authorisations": authorisations,
        },
    )


@require_http_methods(["GET", "POST"])
@staff_required
def choose_counter(request, place: Workplace):
    if request.method == "GET":
        # The address typed or bookmarked: the choice is on the front page (the form posts here).
        return redirect("web:home")
    if "leave" in request.POST:
        if place.counter is not None:
            counter_close(counter=place.counter, staff=place.staff)
        request.session.pop(SESSION_COUNTER_KEY, None)
        messages.success(request, _("Du står ikke længere ved en skranke."))
        return redirect("web:home")
    counters = list(counters_of_municipality(municipality_id=place.staff.municipality_id))
    form = CounterChoiceForm(request.POST, staff=place.staff, counters=counters)
    if not form.is_valid():
        for error in form.errors.get("counter", []):
            messages.error(request, error)
        return redirect("web:home")
    counter = form.cleaned_data["counter"]
    request.session[SESSION_COUNTER_KEY] = counter.pk
    messages.success(
        request,
        _("Du står nu ved %(counter)s på %(site)s (%(area)s).")
        % {"counter": counter.name, "site": counter.site.name, "area": counter.get_area_display()},
    )
    return redirect("web:counter")


# Catalogue

KIND_ORDER = [Kind.LIBRARY, Kind.GUIDANCE, Kind.AUTHORITY]


def _matches(service: Service, terms: list[str]) -> bool:
    haystack = " ".join([service.name_da, service.name_en, service.key, *service.search_words]).casefold()
    return all(term in haystack for term in terms)


@staff_required
def service_list(request, place: Workplace):
    query = request.GET.get("q", "").strip()
    kind = request.GET.get("kind", "")
    if kind not in Kind.values:
        kind = ""
    services = services_for_municipality(municipality=place.staff.municipality, include_off=place.can_administer)
    terms = query.casefold().split()
    services = [s for s in services if (not kind or s.kind == kind) and (not terms or _matches(s, terms))]
    verdicts = _verdicts(place, services)
    groups = []
    for group_kind in KIND_ORDER:
        rows = [(s, verdicts.get(s.pk)) for s in services if s.kind == group_kind]
        if rows:
            groups.append((group_kind, rows))
    context = {
        "groups": groups,
        "count": len(services),
        "query": query,
        "kind": kind,
        "kinds": [(k, k.label) for k in KIND_ORDER],
    }
    # The search field asks htmx for just the results while the user types; a
    # history restore (back button after a live search) needs the whole page.
    partial = wants_fragment(request)
    response = render(request, "web/_service_results_htmx.html" if partial else "web/service_list.html", context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@staff_required
def service_page(request, place: Workplace, key: str):
    try:
        service = service_detail(key=key)
    except Service.DoesNotExist:
        raise Http404 from None
    if service.retired:
        raise Http404
    with_override(service, override_for(municipality=place.staff.municipality, service=service))
    decision = check(staff=place.staff, service=service, counter=place.counter) if place.counter else None
    return render(
        request,
        "web/service_detail.html",
        {
            "service": service,
            "override": service.override,
            "offered": service.offered,
            "needs_appointment": service.effective_needs_appointment,
            "appointment_overridden": service.override is not None and service.override.needs_appointment is not None,
            "duration": service.effective_duration,
            "duration_overridden": bool(service.override and service.override.duration_minutes),
            "fees": fees_valid_on(service=service),
            "decision": decision,
            "life_event_steps": service.life_event_steps.all(),
        },
    )


# Life events


@staff_required
def life_event_list(request, place: Workplace):
    return render(request, "web/life_event_list.html", {"life_events": life_events_list()})


@staff_required
def life_event_page(request, place: Workplace, key: str):
    try:
        event = life_event_detail(key=key)
    except LifeEvent.DoesNotExist:
        raise Http404 from None
    steps = list(event.steps.all())
    services = [step.service for step in steps if not step.service.retired]
    verdicts = _verdicts(place, services)
    rows = [(step, verdicts.get(step.service_id)) for step in steps]
    return render(request, "web/life_event_detail.html", {"event": event, "rows": rows})


# Public pages


def accessibility(request):
    return render(request, "web/accessibility.html")
