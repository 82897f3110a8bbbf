"""Staff pages of the audit trail: the log with its filters and citizen search, and the citizen's access report.

A CPR number only ever arrives in a POST body: it is never put in a URL, never
shown again (only masked) and never stored; the pages work on its keyed hash.
"""

from django.contrib.auth.decorators import permission_required
from django.core.paginator import Paginator
from django.db import transaction
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from skranke.errors import SkrankeError
from skranke.organisation.selectors import staff_visible
from skranke.privacy import services as privacy
from skranke.privacy.cpr import citizen_hash
from skranke.privacy.models import Action
from skranke.privacy.selectors import audit_entries
from skranke.web.forms import AccessReportForm, AuditFilterForm, CitizenForm, CitizenSearchForm
from skranke.web.views import staff_required
from skranke.web.workplace import Workplace

PAGE_SIZE = 50


def _page_numbers(page) -> list[int | None]:
    """The page links to show; None where pages are left out."""
    numbers = page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)
    return [None if number == page.paginator.ELLIPSIS else number for number in numbers]


def _refused(form: CitizenForm, error: SkrankeError) -> None:
    form.add_error(error.field if error.field in form.fields else None, error.message)


@never_cache
@require_http_methods(["GET", "POST"])
@staff_required
@permission_required("privacy.view_auditentry", raise_exception=True)
def audit_log(request, place: Workplace):
    staff = list(staff_visible(user=request.user).order_by("user__first_name", "user__last_name", "user__username"))
    searching = request.method == "POST"
    # A citizen search posts the filters along with the CPR number, so the
    # number stays out of the URL while the filters still apply.
    filters = AuditFilterForm(request.POST if searching else request.GET, staff=staff)
    citizen_form = CitizenSearchForm(request.POST if searching else None)
    context = {
        "filters": filters,
        "citizen_form": citizen_form,
        "searching": searching,
        "show_municipality": place.is_administrator,
        "page": None,
    }
    filters_ok = filters.is_valid()
    if searching:
        citizen_ok = citizen_form.is_valid()
        if not (filters_ok and citizen_ok):
            return render(request, "web/audit_log.html", context)
        since, until = filters.period()
        cpr = citizen_form.cleaned_data["cpr"]
        hashed = citizen_hash(cpr)
        try:
            # Reading and recording the read in one transaction: there is no
            # search without its entry, and no entry for a search that failed.
            with transaction.atomic():
                found = audit_entries(
                    user=request.user,
                    citizen=hashed,
                    actor_id=filters.cleaned_data["actor"],
                    action=filters.cleaned_data["action"],
                    since=since,
                    until=until,
                )
                page = Paginator(found, PAGE_SIZE).get_page(1)
                entries = list(page.object_list)
                privacy.audit_record(
                    municipality=place.staff.municipality,
                    action=Action.SEARCH,
                    actor=request.user,
                    client_address=privacy.client_address(request),
                    object_type="privacy.auditentry",
                    citizen=hashed,
                    purpose=citizen_form.cleaned_data["purpose"],
                    criteria=filters.criteria(),
                )
        except SkrankeError as error:
            _refused(citizen_form, error)
            return render(request, "web/audit_log.html", context)
        context.update(
            page=page,
            entries=entries,
            masked_cpr=cpr.masked,
            cpr_warning=cpr.warning,
            purpose=citizen_form.cleaned_data["purpose"],
            # The form is shown empty again: the number typed is not echoed into the page.
            citizen_form=CitizenSearchForm(),
        )
        return render(request, "web/audit_log.html", context)

    if filters_ok:
        since, until = filters.period()
        found = audit_entries(
            user=request.user,
            actor_id=filters.cleaned_data["actor"],
            action=filters.cleaned_data["action"],
            since=since,
            until=until,
        )
        page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
        context.update(page=page, entries=list(page.object_list), page_numbers=_page_numbers(page))
    return render(request, "web/audit_log.html", context)


@never_cache
@require_http_methods(["GET", "POST"])
@staff_required
@permission_required("privacy.citizen_access_report", raise_exception=True)
def access_report(request, place: Workplace):
    if request.method != "POST":
        return render(request, "web/access_report.html", {"form": AccessReportForm()})
    form = AccessReportForm(request.POST)
    if not form.is_valid():
        return render(request, "web/access_report.html", {"form": form})
    try:
        report = privacy.citizen_access_report(
            municipality=place.staff.municipality,
            cpr=form.cleaned_data["cpr"],
            purpose=form.cleaned_data["purpose"],
            actor=request.user,
            client_address=privacy.client_address(request),
        )
    except SkrankeError as error:
        _refused(form, error)
        return render(request, "web/access_report.html", {"form": form})
    return render(request, "web/access_report_result.html", {"report": report})
