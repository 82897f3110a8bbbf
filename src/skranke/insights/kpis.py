"""Key figures of the counter: per municipality, and by site, area, staff group, service or channel, for a period.

Counted in the database, so a year of a large municipality's contacts is
never fetched row by row: the lines (one per service handled), the contacts,
the tickets and the satisfaction answers are each one grouped query. Medians
and the 90th percentile use PostgreSQL's percentile_cont; on SQLite (the demo)
they are computed from the values, which is fine at demo sizes.

What each figure means (docs/insights.md has the same in Danish):
- contacts: contacts finished in the period; lines: services handled in them.
- wait: seconds from ticket to call (contacts with a ticket); service: seconds at the counter.
- resolved / referred / follow-up / not possible: shares of the lines with that outcome;
  first-contact resolution is the resolved share.
- re-contact: of the lines with a citizen (a CPR hash), the share where the same citizen
  had a contact about the same service in the 14 days before.
- no-show: of the tickets called in the period, the share recorded as not showing up.
- satisfaction: the mean face (1–5) and answers per contact.
- library staff's share of authority work: of the AUTHORITY lines, those handled by LIBRARY staff.
"""

import datetime as dt
from dataclasses import dataclass

from django.db import connection
from django.db.models import Aggregate, Avg, Count, Exists, FloatField, OuterRef, Q
from django.db.models.functions import ExtractHour
from django.utils import timezone

from skranke.catalogue.models import Kind, Service
from skranke.contacts.models import Contact, ContactService, Outcome, SatisfactionResponse
from skranke.insights.stats import percentile
from skranke.organisation.models import Area, Site, StaffGroup
from skranke.queues.models import Channel, Status, Ticket

RECONTACT_WINDOW = dt.timedelta(days=14)

# Dimension -> the field on Contact that groups by it (ContactService reaches it through "contact__").
DIMENSIONS = {
    "site": "site",
    "area": "area",
    "staff_group": "staff_group",
    "channel": "channel",
    "service": None,  # a line's own service
}


@dataclass(frozen=True)
class Period:
    first: dt.date
    last: dt.date  # inclusive

    @property
    def start(self) -> dt.datetime:
        return timezone.make_aware(dt.datetime.combine(self.first, dt.time.min))

    @property
    def end(self) -> dt.datetime:
        return timezone.make_aware(dt.datetime.combine(self.last + dt.timedelta(days=1), dt.time.min))

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1


@dataclass
class Figures:
    key: object  # the group's value (a site id, "LIBRARY", a service id ...); None for the whole
    label: str = ""
    contacts: int = 0
    lines: int = 0
    resolved: int = 0
    referred: int = 0
    follow_up: int = 0
    not_possible: int = 0
    with_citizen: int = 0
    recontacts: int = 0
    authority: int = 0
    authority_by_library: int = 0
    wait_median: float | None = None
    wait_p90: float | None = None
    service_median: float | None = None
    tickets_called: int = 0
    no_shows: int = 0
    answers: int = 0
    satisfaction_mean: float | None = None

    @staticmethod
    def _share(part: int, whole: int) -> float | None:
        return part / whole if whole else None

    @property
    def first_contact_resolution(self) -> float | None:
        return self._share(self.resolved, self.lines)

    @property
    def referral_rate(self) -> float | None:
        return self._share(self.referred, self.lines)

    @property
    def follow_up_rate(self) -> float | None:
        return self._share(self.follow_up, self.lines)

    @property
    def not_possible_rate(self) -> float | None:
        return self._share(self.not_possible, self.lines)

    @property
    def recontact_rate(self) -> float | None:
        return self._share(self.recontacts, self.with_citizen)

    @property
    def no_show_rate(self) -> float | None:
        return self._share(self.no_shows, self.tickets_called)

    @property
    def response_rate(self) -> float | None:
        return self._share(self.answers, self.contacts)

    @property
    def library_share_of_authority(self) -> float | None:
        return self._share(self.authority_by_library, self.authority)


class Percentile(Aggregate):
    """PostgreSQL's percentile_cont: the p-th percentile with linear interpolation (numpy's default too)."""

    function = "percentile_cont"
    template = "%(function)s(%(p)s) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()

    def __init__(self, expression, p: float, **extra):
        super().__init__(expression, p=float(p), **extra)


def _grouped(queryset, key: str | None, **aggregates) -> list[dict]:
    """One dict per value of `key` (with the key under its name), or one dict for the whole when `key` is None."""
    if key is None:
        return [queryset.aggregate(**aggregates)]
    return list(queryset.values(key).order_by().annotate(**aggregates))


def kpis(*, municipality, period: Period, by: str | None = None, site: Site | None = None) -> list[Figures]:
    """The figures for `period`, one row per group of `by` (or one row for the whole), largest groups first."""
    if by is not None and by not in DIMENSIONS:
        raise ValueError(f"Unknown dimension: {by}")
    contacts = Contact.objects.filter(
        site__municipality=municipality, finished_at__gte=period.start, finished_at__lt=period.end
    )
    if site is not None:
        contacts = contacts.filter(site=site)
    lines = ContactService.objects.filter(contact__in=contacts)
    line_key = "service" if by == "service" else (f"contact__{DIMENSIONS[by]}" if by else None)
    rows: dict[object, Figures] = {}

    def row(key) -> Figures:
        return rows.setdefault(key, Figures(key=key))

    earlier = ContactService.objects.filter(
        service=OuterRef("service"),
        contact__citizen=OuterRef("contact__citizen"),
        contact__finished_at__lt=OuterRef("contact__finished_at"),
        contact__finished_at__gte=OuterRef("contact__finished_at") - RECONTACT_WINDOW,
    )
    line_figures = _grouped(
        lines.annotate(again=Exists(earlier)),
        line_key,
        n=Count("pk"),
        contact_count=Count("contact", distinct=True),
        resolved=Count("pk", filter=Q(outcome=Outcome.RESOLVED)),
        referred=Count("pk", filter=Q(outcome=Outcome.REFERRED)),
        follow_up=Count("pk", filter=Q(outcome=Outcome.FOLLOW_UP)),
        not_possible=Count("pk", filter=Q(outcome=Outcome.NOT_POSSIBLE)),
        with_citizen=Count("pk", filter=Q(contact__citizen__isnull=False)),
        recontacts=Count("pk", filter=Q(contact__citizen__isnull=False, again=True)),
        authority=Count("pk", filter=Q(service__kind=Kind.AUTHORITY)),
        authority_by_library=Count(
            "pk", filter=Q(service__kind=Kind.AUTHORITY, contact__staff_group=StaffGroup.LIBRARY)
        ),
    )
    for values in line_figures:
        if not values["n"]:
            continue
        figures = row(values.get(line_key) if line_key else None)
        figures.lines, figures.contacts = values["n"], values["contact_count"]
        for name in (
            "resolved",
            "referred",
            "follow_up",
            "not_possible",
            "with_citizen",
            "recontacts",
            "authority",
            "authority_by_library",
        ):
            setattr(figures, name, values[name])

    _times(rows, contacts=contacts, lines=lines, by=by, line_key=line_key)
    _satisfaction(rows, contacts=contacts, lines=lines, by=by, line_key=line_key)
    _no_shows(rows, municipality=municipality, period=period, by=by, site=site)
    if by is None:
        row(None)  # the whole: one row even for a period without contacts
    _label(rows, by)
    return sorted(rows.values(), key=lambda f: (-f.contacts, str(f.label)))


def _contact_key(by: str | None) -> str | None:
    return DIMENSIONS[by] if by and by != "service" else None


def _times(rows, *, contacts, lines, by, line_key) -> None:
    """Median and 90th percentile of the wait, median service time, per group."""
    # Per contact, not per line; by service, a contact counts for each of its services.
    source, key = (lines, line_key) if by == "service" else (contacts, _contact_key(by))
    prefix = "contact__" if by == "service" else ""
    wait, service = f"{prefix}wait_seconds", f"{prefix}service_seconds"
    if connection.vendor == "postgresql":
        for values in _grouped(
            source,
            key,
            wait_median=Percentile(wait, 0.5, filter=Q(**{f"{wait}__isnull": False})),
            wait_p90=Percentile(wait, 0.9, filter=Q(**{f"{wait}__isnull": False})),
            service_median=Percentile(service, 0.5),
        ):
            if values["service_median"] is None:
                continue
            group = values.get(key) if key else None
            figures = rows.setdefault(group, Figures(key=group))
            figures.wait_median, figures.wait_p90 = values["wait_median"], values["wait_p90"]
            figures.service_median = values["service_median"]
        return
    waits: dict[object, list[int]] = {}
    services: dict[object, list[int]] = {}
    for group, wait_seconds, service_seconds in source.values_list(key or "pk", wait, service):
        group = group if key else None
        services.setdefault(group, []).append(service_seconds)
        if wait_seconds is not None:
            waits.setdefault(group, []).append(wait_seconds)
    for group, values in services.items():
        figures = rows.setdefault(group, Figures(key=group))
        figures.service_median = percentile(values, 0.5)
        figures.wait_median = percentile(waits.get(group, []), 0.5)
        figures.wait_p90 = percentile(waits.get(group, []), 0.9)


def _satisfaction(rows, *, contacts, lines, by, line_key) -> None:
    answers = SatisfactionResponse.objects.filter(contact__in=contacts)
    contact_key = _contact_key(by)
    key = "contact__lines__service" if by == "service" else (f"contact__{contact_key}" if contact_key else None)
    for values in _grouped(answers, key, n=Count("pk"), mean=Avg("face")):
        if not values["n"]:
            continue
        group = values.get(key) if key else None
        figures = rows.setdefault(group, Figures(key=group))
        figures.answers, figures.satisfaction_mean = values["n"], values["mean"]


def _no_shows(rows, *, municipality, period, by, site) -> None:
    """Tickets called in the period (by the called time) and how many of them did not show up."""
    key = {None: None, "site": "queue__site", "area": "queue__area", "channel": "channel"}.get(by, False)
    if key is False:  # a ticket has no staff group yet when it is called, and may carry several services
        return
    tickets = Ticket.objects.filter(
        queue__site__municipality=municipality, called_at__gte=period.start, called_at__lt=period.end
    )
    if site is not None:
        tickets = tickets.filter(queue__site=site)
    for values in _grouped(tickets, key, called=Count("pk"), no_shows=Count("pk", filter=Q(status=Status.NO_SHOW))):
        if not values["called"]:
            continue
        group = values.get(key) if key else None
        figures = rows.setdefault(group, Figures(key=group))
        figures.tickets_called, figures.no_shows = values["called"], values["no_shows"]


def _label(rows, by) -> None:
    if by == "site":
        names = dict(Site.objects.filter(pk__in=[k for k in rows if k]).values_list("pk", "name"))
        labels = {k: names.get(k, "") for k in rows}
    elif by == "service":
        services = {s.pk: s for s in Service.objects.filter(pk__in=[k for k in rows if k])}
        labels = {k: (services[k].name_da if k in services else "") for k in rows}
    elif by in ("area", "staff_group", "channel"):
        choices = {"area": Area, "staff_group": StaffGroup, "channel": Channel}[by]
        labels = {k: (choices(k).label if k in choices.values else str(k)) for k in rows}
    else:
        labels = dict.fromkeys(rows, "")
    for key, figures in rows.items():
        figures.label = str(labels[key])


@dataclass(frozen=True)
class Hour:
    hour: int  # local hour of the day the citizen took the ticket, 0–23
    contacts: int
    wait_median: float | None
    wait_p90: float | None


def wait_by_hour(*, municipality, period: Period, site: Site | None = None, area: str | None = None) -> list[Hour]:
    """The wait over the day: per hour the citizens took their tickets, how many and how long they waited."""
    contacts = Contact.objects.filter(
        site__municipality=municipality,
        finished_at__gte=period.start,
        finished_at__lt=period.end,
        ticket__isnull=False,
        wait_seconds__isnull=False,
    )
    if site is not None:
        contacts = contacts.filter(site=site)
    if area is not None:
        contacts = contacts.filter(area=area)
    contacts = contacts.annotate(hour=ExtractHour("ticket__issued_at"))
    if connection.vendor == "postgresql":
        rows = _grouped(
            contacts,
            "hour",
            n=Count("pk"),
            median=Percentile("wait_seconds", 0.5),
            p90=Percentile("wait_seconds", 0.9),
        )
        return [Hour(r["hour"], r["n"], r["median"], r["p90"]) for r in sorted(rows, key=lambda r: r["hour"])]
    waits: dict[int, list[int]] = {}
    for hour, wait in contacts.values_list("hour", "wait_seconds"):
        waits.setdefault(hour, []).append(wait)
    return [Hour(h, len(w), percentile(w, 0.5), percentile(w, 0.9)) for h, w in sorted(waits.items())]
