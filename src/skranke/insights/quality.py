"""Is authority work as good at the library counter as at the Borgerservice counter? Service by service, with evidence.

For each AUTHORITY service handled in the period, library staff (group A)
against Borgerservice staff (group B):
- first-contact resolution (the RESOLVED share of the lines; higher is better),
- referrals (the REFERRED share; lower is better),
- the citizen's wait and the time at the counter (medians of the contacts; shorter is better),
each with its interval (Wilson for shares, bootstrap for medians) and a
plain-words verdict (in the user's language) that says so when there are too few contacts to tell.
"Alle myndighedsopgaver" puts every authority line together first.
"""

from dataclasses import dataclass, field

import numpy as np
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from skranke.catalogue.models import Kind, Service, localized
from skranke.contacts.models import ServiceDay
from skranke.insights.kpis import Period
from skranke.insights.rollup import added_up, days_of
from skranke.insights.stats import (
    MedianComparison,
    RateComparison,
    compare_medians,
    compare_rates,
    verdict,
)
from skranke.organisation.models import StaffGroup

LIBRARY, CITIZEN_SERVICE = StaffGroup.LIBRARY, StaffGroup.CITIZEN_SERVICE


@dataclass(frozen=True)
class Measure:
    key: str  # stats.MEASURES_DA key
    label: str
    comparison: RateComparison | MedianComparison
    verdict: str

    @property
    def is_rate(self) -> bool:
        return isinstance(self.comparison, RateComparison)


@dataclass(frozen=True)
class ServiceQuality:
    service: Service | None  # None: every authority service together
    name: str
    library_lines: int
    citizen_service_lines: int
    measures: list[Measure]


def _zeros() -> dict:
    return {LIBRARY: 0, CITIZEN_SERVICE: 0}


def _lists() -> dict:
    return {LIBRARY: [], CITIZEN_SERVICE: []}


@dataclass
class _Lines:
    """What one service's lines (or all of them) add up to, per staff group; the times as arrays to join."""

    lines: dict = field(default_factory=_zeros)
    resolved: dict = field(default_factory=_zeros)
    referred: dict = field(default_factory=_zeros)
    waits: dict = field(default_factory=_lists)
    services: dict = field(default_factory=_lists)


def quality(*, municipality, period: Period, site=None) -> list[ServiceQuality]:
    """Every authority service with lines by either group, most lines first; all of them together first.

    Read from the key figures' daily roll-up (insights.rollup), by service and staff group.
    """
    authority = Service.objects.filter(kind=Kind.AUTHORITY).in_bulk()
    days = days_of(municipality=municipality, period=period, site=site)
    rows = added_up(
        ServiceDay,
        ["service_id", "staff_group"],
        days,
        ("lines", "resolved", "referred"),
        service_id__in=list(authority),
    )
    groups: dict[int | None, _Lines] = {None: _Lines()}
    for (service_id, group), (lines, resolved, referred, waits, seconds) in rows.items():
        if group not in (LIBRARY, CITIZEN_SERVICE):
            continue
        for key in (None, service_id):
            counted = groups.setdefault(key, _Lines())
            counted.lines[group] += lines
            counted.resolved[group] += resolved
            counted.referred[group] += referred
            counted.waits[group].append(waits)
            counted.services[group].append(seconds)
    result = [_service_quality(None, _("Alle myndighedsopgaver"), groups[None])]
    ordered = sorted((k for k in groups if k is not None), key=lambda k: -sum(groups[k].lines.values()))
    result += [_service_quality(authority[k], localized(authority[k], "name"), groups[k]) for k in ordered]
    return result


def _service_quality(service, name: str, counted: _Lines) -> ServiceQuality:
    a, b = LIBRARY, CITIZEN_SERVICE
    waits = {group: np.concatenate(arrays) if arrays else () for group, arrays in counted.waits.items()}
    services = {group: np.concatenate(arrays) if arrays else () for group, arrays in counted.services.items()}
    comparisons = [
        (
            "first_contact_resolution",
            _("Løst i første kontakt"),
            compare_rates(counted.resolved[a], counted.lines[a], counted.resolved[b], counted.lines[b]),
        ),
        (
            "referral_rate",
            _("Henvist videre"),
            compare_rates(
                counted.referred[a], counted.lines[a], counted.referred[b], counted.lines[b], higher_is_better=False
            ),
        ),
        ("wait", _("Ventetid (median)"), compare_medians(waits[a], waits[b])),
        ("service_time", _("Tid ved skranken (median)"), compare_medians(services[a], services[b])),
    ]
    return ServiceQuality(
        service=service,
        name=name,
        library_lines=counted.lines[a],
        citizen_service_lines=counted.lines[b],
        measures=[
            Measure(key, label, c, verdict(c, measure=key, language=get_language() or "da"))
            for key, label, c in comparisons
        ],
    )
