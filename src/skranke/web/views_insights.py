"""The manager's insight pages: key figures, the wait over the day, services, and library versus Borgerservice.

Every chart has its numbers in a table beside it and says what it shows in
words; bars carry their value as text, so nothing depends on colour.
"""

import datetime as dt
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from skranke.insights.accuracy import MIN_TICKETS, estimate_accuracy
from skranke.insights.crosscheck import cross_check
from skranke.insights.exports import TABLES, as_csv, as_xlsx, table
from skranke.insights.kpis import Period, kpis_and_hours
from skranke.insights.national import national
from skranke.insights.quality import quality
from skranke.insights.rollup import days_of
from skranke.insights.staffing import plan
from skranke.organisation.models import Area, Site, Weekday
from skranke.organisation.selectors import is_administrator
from skranke.privacy.models import Action
from skranke.privacy.services import audit_record, client_address
from skranke.web.views import staff_required

EXPORT_LABELS = [
    ("noegletal", _("Nøgletal for hele perioden")),
    ("omraade", _("Efter område")),
    ("personalegruppe", _("Efter personalegruppe")),
    ("kanal", _("Efter kanal")),
    ("ydelse", _("Efter ydelse")),
    ("sted", _("Efter sted")),
    ("ventetid", _("Ventetid efter klokkeslæt")),
    ("estimat", _("Ventetidsestimatets præcision")),
    ("komhen", _("Henvendelser efter opgave og kanal (KOMHEN)")),
]
DEFAULT_DAYS = 28
MAX_DAYS = 366
TOP_SERVICES = 15


def manager_required(view):
    """A manager of the municipality (or an administrator); others get a plain 403 page."""

    @staff_required
    @wraps(view)
    def wrapper(request, place, *args, **kwargs):
        if not place.is_manager:
            return render(request, "web/insights/managers_only.html", status=403)
        return view(request, place, *args, **kwargs)

    return wrapper


def _period(request) -> tuple[Period, str]:
    """The period asked for (`fra`, `til`), else the last four weeks up to yesterday; and a message when it was bad."""
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    default = Period(yesterday - dt.timedelta(days=DEFAULT_DAYS - 1), yesterday)
    raw_first, raw_last = request.GET.get("fra", ""), request.GET.get("til", "")
    if not raw_first and not raw_last:
        return default, ""
    try:
        first = dt.date.fromisoformat(raw_first) if raw_first else default.first
        last = dt.date.fromisoformat(raw_last) if raw_last else default.last
    except ValueError:
        return default, "Datoen skal skrives som åååå-mm-dd. Viser de seneste fire uger."
    if last < first:
        return default, "Perioden slutter, før den begynder. Viser de seneste fire uger."
    if (last - first).days >= MAX_DAYS:
        return Period(last - dt.timedelta(days=MAX_DAYS - 1), last), "Højst et år ad gangen. Viser det seneste år."
    return Period(first, last), ""


def _scaled(rows, value) -> list[tuple[object, float]]:
    """(row, bar width in per cent of the largest value) for a bar chart."""
    largest = max((value(r) or 0 for r in rows), default=0)
    return [(r, 100 * (value(r) or 0) / largest if largest else 0) for r in rows]


@require_GET
@manager_required
def dashboard(request, place):
    municipality = place.staff.municipality
    period, problem = _period(request)
    sites = list(Site.objects.filter(municipality=municipality, active=True).order_by("name"))
    site = next((s for s in sites if str(s.pk) == request.GET.get("sted")), None)
    # The period's days at every site, rolled up once for the estimate's accuracy (always all queues) and,
    # without a chosen site, for every table of the page too, the wait over the day included.
    days = days_of(municipality=municipality, period=period)
    figures, hours = kpis_and_hours(
        municipality=municipality,
        period=period,
        dimensions=[None, "service", "area", "staff_group", "channel"],
        site=site,
        days=None if site else days,
    )
    (whole,) = figures[None]
    by_service = figures["service"][:TOP_SERVICES]
    return render(
        request,
        "web/insights/dashboard.html",
        {
            "municipality": municipality,
            "period": period,
            "problem": problem,
            "sites": sites,
            "site": site,
            "whole": whole,
            "by_area": figures["area"],
            "by_group": figures["staff_group"],
            "by_channel": figures["channel"],
            "services": _scaled(by_service, lambda f: f.contacts),
            # The 90th percentile: when most wait nothing, the median is 0 all day and shows no shape.
            "hours": _scaled(hours, lambda h: h.wait_p90),
            "accuracy": estimate_accuracy(municipality=municipality, period=period, days=days),
            "min_tickets": MIN_TICKETS,
            "export_tables": EXPORT_LABELS,
        },
    )


@require_GET
@login_required
def national_page(request):
    """For the installation's administrator: every municipality in it, beside the 2015 survey."""
    if not is_administrator(request.user):
        return render(request, "web/insights/managers_only.html", {"administrators": True}, status=403)
    period, problem = _period(request)
    return render(request, "web/insights/national.html", {"picture": national(period=period), "problem": problem})


FORMATS = {
    "csv": (as_csv, "text/csv; charset=utf-8"),
    "xlsx": (as_xlsx, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
}


@require_GET
@manager_required
def export(request, place, name: str, fmt: str):
    """One insight table as CSV or XLSX for the chosen period and site; the export is logged."""
    if name not in TABLES or fmt not in FORMATS:
        raise Http404
    municipality = place.staff.municipality
    period, _problem = _period(request)
    site = Site.objects.filter(municipality=municipality, pk=request.GET.get("sted") or 0).first()
    data = table(name, municipality=municipality, period=period, site=site)
    audit_record(
        municipality=municipality,
        action=Action.EXPORT,
        actor=request.user,
        client_address=client_address(request),
        object_type="insights.table",
        object_id=name,
        criteria={"from": period.first.isoformat(), "to": period.last.isoformat(), "site": site.pk if site else None},
    )
    write, content_type = FORMATS[fmt]
    response = HttpResponse(write(data), content_type=content_type)
    filename = f"skranke-{name}-{period.first:%Y%m%d}-{period.last:%Y%m%d}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_GET
@manager_required
def quality_page(request, place):
    """Authority work by library staff against Borgerservice staff, service by service, with intervals and verdicts."""
    municipality = place.staff.municipality
    period, problem = _period(request)
    sites = list(Site.objects.filter(municipality=municipality, active=True).order_by("name"))
    site = next((s for s in sites if str(s.pk) == request.GET.get("sted")), None)
    return render(
        request,
        "web/insights/quality.html",
        {
            "municipality": municipality,
            "period": period,
            "problem": problem,
            "sites": sites,
            "site": site,
            "services": quality(municipality=municipality, period=period, site=site),
        },
    )


SHARES = (70, 80, 90, 95)
TARGET_MINUTES = (5, 10, 15, 20, 30)


def _choice(raw, allowed, default):
    try:
        value = int(raw)
    except (TypeError, ValueError):
        return default
    return value if value in allowed else default


@require_GET
@manager_required
def staffing_page(request, place):
    """Counters needed hour by hour on a weekday at a site, for a chosen service level (Erlang C), each hour
    beside a simulation of it with those counters and with one fewer."""
    municipality = place.staff.municipality
    period, problem = _period(request)
    sites = list(Site.objects.filter(municipality=municipality, active=True).order_by("name"))
    site = next((s for s in sites if str(s.pk) == request.GET.get("sted")), place.site if place.site in sites else None)
    site = site or (sites[0] if sites else None)
    weekday = _choice(request.GET.get("ugedag"), range(7), 0)
    area = request.GET.get("omraade") if request.GET.get("omraade") in Area.values else Area.CITIZEN_SERVICE
    share = _choice(request.GET.get("andel"), SHARES, 80)
    minutes = _choice(request.GET.get("minutter"), TARGET_MINUTES, 10)
    hours = []
    if site is not None:
        hours = plan(
            site=site, area=area, weekday=weekday, period=period, target_share=share / 100, target_minutes=minutes
        )
    return render(
        request,
        "web/insights/staffing.html",
        {
            "period": period,
            "problem": problem,
            "sites": sites,
            "site": site,
            "weekday": weekday,
            "weekdays": Weekday.choices,
            "area": area,
            "areas": Area.choices,
            "share": share,
            "shares": SHARES,
            "minutes": minutes,
            "target_minutes": TARGET_MINUTES,
            "hours": _scaled(cross_check(hours, target_seconds=minutes * 60), lambda h: h.plan.agents),
        },
    )
