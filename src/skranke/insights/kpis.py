"""Key figures of the counter: per municipality, and by site, area, staff group, service or channel, for a period.

Read from the daily roll-up (insights.rollup): a year of a large
municipality is some thousand rows per figure, never a million contacts.
Medians and the 90th percentile are exact, from every wait and time at the
counter of the period (linear interpolation, as PostgreSQL's percentile_cont).

What each figure means (docs/insights.md has the same in Danish):
- contacts: contacts finished in the period; lines: services handled in them.
- wait: seconds from ticket to call (contacts with a ticket); service: seconds at the counter.
- resolved / referred / follow-up / not possible: shares of the lines with that outcome;
  first-contact resolution is the resolved share.
- re-contact: of the lines with a citizen (a CPR hash) when recorded, the share where the same
  citizen had a contact about the same service in the 14 days before (decided when recorded).
- no-show: of the tickets called in the period, the share recorded as not showing up.
- satisfaction: the mean face (1–5) and answers per contact.
- library staff's share of authority work: of the AUTHORITY lines, those handled by LIBRARY staff.
"""

import datetime as dt
import math
from dataclasses import dataclass, field

import numpy as np
from django.utils import timezone

from skranke.catalogue.models import Kind, Service
from skranke.contacts.models import CallDay, ContactDay, ServiceDay
from skranke.insights.rollup import COUNTS, HOURS, SECONDS, Days, added_up, days_of
from skranke.organisation.models import Area, Site, StaffGroup
from skranke.queues.models import Channel

# Dimension -> the field of the roll-up rows that groups by it ("service" is ServiceDay's, the rest ContactDay's).
DIMENSIONS = {
    "site": "site",
    "area": "area",
    "staff_group": "staff_group",
    "channel": "channel",
    "service": "service_id",
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


@dataclass(frozen=True)
class Hour:
    hour: int  # local hour of the day the citizen took the ticket, 0–23
    contacts: int
    wait_median: float | None
    wait_p90: float | None


# -- the figures ------------------------------------------------------------------------------


# Seconds below this are counted per second; the rare larger ones (a ticket left waiting overnight) are kept.
COUNTED = 1 << 16  # about 18 hours


@dataclass(frozen=True)
class Seconds:
    """Whole seconds as how many there are of each, so groups add up by adding counts instead of sorting again.

    A year's million waits become some thousand counts per group, and any percentile of any groups together is
    still exact. Seconds from COUNTED on are kept as they are, sorted, so a stray large value costs no memory.
    """

    counts: np.ndarray  # counts[s]: how many were s seconds (s < COUNTED)
    beyond: np.ndarray  # those from COUNTED on, sorted

    @classmethod
    def of(cls, values: np.ndarray) -> "Seconds":
        if values.size and values.max() >= COUNTED:
            small = values < COUNTED
            return cls(np.bincount(values[small]), np.sort(values[~small]).astype(np.int64))
        return cls(np.bincount(values), np.empty(0, dtype=np.int64))

    @classmethod
    def together(cls, parts: list["Seconds"]) -> "Seconds":
        counts = np.zeros(max((part.counts.size for part in parts), default=0), dtype=np.int64)
        for part in parts:
            counts[: part.counts.size] += part.counts
        return cls(counts, np.sort(np.concatenate([np.empty(0, dtype=np.int64)] + [part.beyond for part in parts])))

    def percentiles(self, *shares: float) -> tuple[float | None, ...]:
        """As numpy's quantile (linear interpolation, PostgreSQL's percentile_cont) over the values; None without."""
        counted = int(self.counts.sum())
        n = counted + self.beyond.size
        if not n:
            return (None,) * len(shares)
        cumulative = np.cumsum(self.counts)

        def nth(rank: int) -> int:  # the value at this place in order, from 0
            if rank < counted:
                return int(np.searchsorted(cumulative, rank, side="right"))
            return int(self.beyond[rank - counted])

        result = []
        for share in shares:
            place = (n - 1) * share
            below = math.floor(place)
            a, b, t = nth(below), nth(min(below + 1, n - 1)), place - below
            result.append(float(b - (b - a) * (1 - t) if t >= 0.5 else a + (b - a) * t))
        return tuple(result)


@dataclass
class _Sums:
    """A group's counts and times while its roll-up rows are added together."""

    figures: Figures
    face_total: int = 0
    waits: list = field(default_factory=list)
    service_times: list = field(default_factory=list)

    def add(self, counts: list[int], waits: Seconds, service_times: Seconds) -> None:
        f = self.figures
        lines, resolved, referred, follow_up, not_possible, with_citizen, recontacts, answers, face_total = counts
        f.lines += lines
        f.resolved += resolved
        f.referred += referred
        f.follow_up += follow_up
        f.not_possible += not_possible
        f.with_citizen += with_citizen
        f.recontacts += recontacts
        f.answers += answers
        self.face_total += face_total
        self.waits.append(waits)
        self.service_times.append(service_times)

    def done(self) -> Figures:
        f = self.figures
        f.satisfaction_mean = self.face_total / f.answers if f.answers else None
        f.wait_median, f.wait_p90 = Seconds.together(self.waits).percentiles(0.5, 0.9)
        (f.service_median,) = Seconds.together(self.service_times).percentiles(0.5)
        return f


def _counted(grouped: dict[tuple, list]) -> dict[tuple, list]:
    """added_up's groups with their blocks of seconds as Seconds, made once for every dimension that adds them."""
    return {key: [*sums[:-2], Seconds.of(sums[-2]), Seconds.of(sums[-1])] for key, sums in grouped.items()}


NO_SECONDS, NO_HOURS = np.empty(0, dtype=SECONDS), np.empty(0, dtype=HOURS)

# The groups of the roll-up rows the dimensions other than "service" are added up from.
CONTACT_KEYS = ("site", "area", "staff_group", "channel")
CALL_KEYS = ("site", "area", "channel")  # a ticket has no staff group yet when it is called


def kpis(*, municipality, period: Period, by: str | None = None, site: Site | None = None) -> list[Figures]:
    """The figures for `period`, one row per group of `by` (or one row for the whole), largest groups first."""
    return kpis_by(municipality=municipality, period=period, dimensions=[by], site=site)[by]


def kpis_by(
    *, municipality, period: Period, dimensions: list[str | None], site: Site | None = None
) -> dict[str | None, list[Figures]]:
    """kpis() for several dimensions (None: the whole) at once, reading the roll-up once for all but "service"."""
    figures, _hours = _read(municipality=municipality, period=period, dimensions=dimensions, site=site, hours=False)
    return figures


def kpis_and_hours(
    *, municipality, period: Period, dimensions: list[str | None], site: Site | None = None, days: Days | None = None
) -> tuple[dict[str | None, list[Figures]], list[Hour]]:
    """kpis_by() and wait_by_hour() (all areas) from the same read of the roll-up: the dashboard's tables.

    `days`: the period's days at the same sites (`days_of`), when the caller has them already."""
    return _read(municipality=municipality, period=period, dimensions=dimensions, site=site, hours=True, days=days)


def _read(
    *, municipality, period, dimensions, site, hours: bool, days: Days | None = None
) -> tuple[dict[str | None, list[Figures]], list]:
    for by in dimensions:
        if by is not None and by not in DIMENSIONS:
            raise ValueError(f"Unknown dimension: {by}")
    if days is None:
        days = days_of(municipality=municipality, period=period, site=site)
    result, by_hour = {}, []
    others = [by for by in dimensions if by != "service"]
    if others or hours:
        counts = ("contacts", "authority", *COUNTS)
        if hours:  # each group's waits with their hours, in the same order
            grouped = added_up(
                ContactDay, list(CONTACT_KEYS), days, counts, ("waits", "service_times", "wait_hours"), aligned=True
            )
            by_hour = _by_hour(
                np.concatenate([NO_SECONDS, *(sums[-3] for sums in grouped.values())]),
                np.concatenate([NO_HOURS, *(sums[-1] for sums in grouped.values())]),
            )
            grouped = {key: sums[:-1] for key, sums in grouped.items()}
        else:
            grouped = added_up(ContactDay, list(CONTACT_KEYS), days, counts)
        contacts = _counted(grouped)
        calls = added_up(CallDay, list(CALL_KEYS), days, ("called", "no_shows"), ())
        for by in others:
            result[by] = _by_contact(by, contacts, calls)
    if "service" in dimensions:
        result["service"] = _by_service(days)
    return result, by_hour


def _by_contact(by: str | None, contacts: dict, calls: dict) -> list[Figures]:
    groups: dict[object, _Sums] = {}
    if by is None:
        groups[None] = _Sums(Figures(key=None))  # the whole: one row even for a period without contacts
    at = CONTACT_KEYS.index(by) if by else None
    for values, (count, authority, *counts, waits, service_times) in contacts.items():
        key = values[at] if by else None
        sums = groups.setdefault(key, _Sums(Figures(key=key)))
        sums.add(counts, waits, service_times)
        sums.figures.contacts += count
        sums.figures.authority += authority
        if values[CONTACT_KEYS.index("staff_group")] == StaffGroup.LIBRARY:
            sums.figures.authority_by_library += authority
    if by in (None, *CALL_KEYS):
        at = CALL_KEYS.index(by) if by else None
        for values, (called, no_shows) in calls.items():
            key = values[at] if by else None
            f = groups.setdefault(key, _Sums(Figures(key=key))).figures
            f.tickets_called += called
            f.no_shows += no_shows
    return _finished(groups, by)


def _by_service(days: Days) -> list[Figures]:
    groups: dict[object, _Sums] = {}
    grouped = _counted(added_up(ServiceDay, ["service_id", "staff_group"], days, COUNTS))
    services = Service.objects.in_bulk({service_id for service_id, _group in grouped})
    for (service_id, staff_group), (*counts, waits, service_times) in grouped.items():
        sums = groups.setdefault(service_id, _Sums(Figures(key=service_id)))
        sums.add(counts, waits, service_times)
        lines = counts[0]
        sums.figures.contacts += lines  # a contact has a service once
        if services[service_id].kind == Kind.AUTHORITY:
            sums.figures.authority += lines
            if staff_group == StaffGroup.LIBRARY:
                sums.figures.authority_by_library += lines
    return _finished(groups, "service")


def _finished(groups: dict[object, _Sums], by: str | None) -> list[Figures]:
    rows = {key: sums.done() for key, sums in groups.items()}
    _label(rows, by)
    return sorted(rows.values(), key=lambda f: (-f.contacts, str(f.label)))


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


def wait_by_hour(*, municipality, period: Period, site: Site | None = None, area: str | None = None) -> list[Hour]:
    """The wait over the day: per hour the citizens took their tickets, how many and how long they waited."""
    days = days_of(municipality=municipality, period=period, site=site)
    where = {} if area is None else {"area": area}
    grouped = added_up(ContactDay, [], days, (), ("waits", "wait_hours"), aligned=True, **where)
    if not grouped:
        return []
    ((waits, hours),) = grouped.values()
    return _by_hour(waits, hours)


def _by_hour(waits: np.ndarray, hours: np.ndarray) -> list[Hour]:
    """The waits grouped by the hour their ticket was taken (`hours`, the same order; 24: no ticket)."""
    # Counted per hour and second in one pass: the count of (hour, s) at hour × COUNTED + s.
    small = waits < COUNTED
    counts = np.bincount(hours[small] * np.int64(COUNTED) + waits[small], minlength=25 * COUNTED)
    counts = counts.reshape(25, COUNTED)
    beyond, beyond_hours = waits[~small].astype(np.int64), hours[~small]
    result = []
    for hour in range(24):
        taken = Seconds(counts[hour], np.sort(beyond[beyond_hours == hour]))
        contacts = int(taken.counts.sum()) + taken.beyond.size
        if contacts:
            result.append(Hour(hour, contacts, *taken.percentiles(0.5, 0.9)))
    return result
