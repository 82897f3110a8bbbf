"""The key figures' daily roll-up: a site's day added up once it is over, so no period reads its records again.

contacts.models holds the rows: per site and day a RolledUpDay mark, and
ContactDay (by area, staff group and channel), ServiceDay (by service and
staff group), CallDay (tickets called, by area and channel) and EstimateDay
(by queue: the wait estimate's accuracy). A day is added up from its contacts,
lines, satisfaction answers and tickets the first time a period with it is
asked for, once it has been over for SETTLE; days not yet over are added up
the same way on every call and not kept. contacts.services deletes a day's
mark, and with it its rows, when it records a contact or an answer for a day
already over, so the day is added up again.

Each row keeps its waits and times at the counter as packed 32-bit integers
(an EstimateDay its tickets as packed records, ESTIMATE), so medians and
percentiles over any period stay exact: PostgreSQL joins a period's blocks
into one (string_agg) and sends them in its binary format, and the figures
take the percentiles of the whole. Tickets' changes for a day already over (a no-show recorded the next
day, the simulator writing past days, a contact finished more than SETTLE
after the midnight after its ticket was taken) are not seen until the day is
added up again.
"""

import datetime as dt
from dataclasses import dataclass, field
from itertools import groupby
from typing import TYPE_CHECKING

import numpy as np
import psycopg
from django.db import IntegrityError, connection, transaction
from django.db.models import Aggregate, BinaryField, Count, IntegerField, Q, Sum, Value
from django.db.models.functions import ExtractHour, TruncDate
from django.utils import timezone

from skranke.catalogue.models import Kind
from skranke.contacts.models import (
    CallDay,
    Contact,
    ContactDay,
    ContactService,
    EstimateDay,
    Outcome,
    RolledUpDay,
    ServiceDay,
)
from skranke.organisation.models import Site
from skranke.queues.models import Queue, Status, Ticket

if TYPE_CHECKING:
    from skranke.insights.kpis import Period

# A day is rolled up once it has been over this long: a contact whose transaction began before
# midnight has committed by then.
SETTLE = dt.timedelta(hours=1)
# Days added up in one go when a long period is first asked for, so memory stays bounded.
CHUNK_DAYS = 31


def _midnight(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


# Figures every roll-up row of ContactDay and ServiceDay adds up, in this order.
COUNTS = (
    "lines",
    "resolved",
    "referred",
    "follow_up",
    "not_possible",
    "with_citizen",
    "recontacts",
    "answers",
    "face_total",
)
OUTCOME_COUNTS = {
    Outcome.RESOLVED: "resolved",
    Outcome.REFERRED: "referred",
    Outcome.FOLLOW_UP: "follow_up",
    Outcome.NOT_POSSIBLE: "not_possible",
}
# How a roll-up row keeps seconds: 32-bit big-endian integers, one after the other; and hours: a byte each.
SECONDS = np.dtype(">i4")
HOURS = np.dtype("u1")
# An EstimateDay's ticket: its real wait and how far Skranke's estimate missed it (whole seconds), and the
# tickets ahead and the counters open (at least one) when it was taken; big-endian. In 8 bytes when the
# wait, the miss and the tickets ahead are all below 65,536 (18 hours), as good as all; else in 14.
ESTIMATE = np.dtype([("wait", ">u2"), ("miss", ">u2"), ("ahead", ">u2"), ("open", ">u2")])
ESTIMATE_WIDE = np.dtype([("wait", ">u4"), ("miss", ">u4"), ("ahead", ">u4"), ("open", ">u2")])


def pack(seconds: list[int]) -> bytes:
    """Seconds as a roll-up row keeps them."""
    return np.asarray(seconds, dtype=SECONDS).tobytes()


def _site_ids(municipality, site: Site | None) -> list[int]:
    if site is not None:
        return [site.pk] if site.municipality_id == municipality.pk else []
    return list(Site.objects.filter(municipality=municipality).values_list("pk", flat=True))


@dataclass
class _Summed:
    """One site's day added up: its mark and its unsaved roll-up rows."""

    mark: RolledUpDay
    rows: list = field(default_factory=list)


def _summarize(wanted: set[tuple[int, dt.date]], first: dt.date, last: dt.date) -> dict[tuple[int, dt.date], _Summed]:
    """The (site, day) pairs of `wanted`, all between `first` and `last`, added up from the records."""
    start, end = _midnight(first), _midnight(last + dt.timedelta(days=1))
    sites = sorted({site_id for site_id, _day in wanted})
    summed = {pair: _Summed(RolledUpDay(site_id=pair[0], day=pair[1])) for pair in wanted}
    # id(row) -> (row, waits, times at the counter), packed at the end; a ContactDay's waits as
    # (hour the ticket was taken, 24 without a ticket; seconds).
    times: dict[int, tuple[object, list, list]] = {}
    contact_rows: dict[tuple, ContactDay] = {}
    service_rows: dict[tuple, ServiceDay] = {}
    # (site, day, queue) -> the row and its tickets' records, packed at the end.
    estimate_rows: dict[tuple, tuple[EstimateDay, list]] = {}

    def estimate_row(site_id: int, day: dt.date, queue_id: int) -> tuple[EstimateDay, list]:
        found = estimate_rows.get((site_id, day, queue_id))
        if found is None:
            found = estimate_rows[site_id, day, queue_id] = (
                EstimateDay(rolled_up=summed[site_id, day].mark, queue_id=queue_id),
                [],
            )
        return found

    contacts = {}
    records = (
        Contact.objects.filter(site_id__in=sites, finished_at__gte=start, finished_at__lt=end)
        .annotate(day=TruncDate("finished_at"), hour=ExtractHour("ticket__issued_at"))
        .values_list(
            "pk",
            "site_id",
            "day",
            "area",
            "staff_group",
            "channel",
            "wait_seconds",
            "service_seconds",
            "hour",
            "satisfaction__face",
            "ticket__queue_id",
        )
    )
    for pk, site_id, day, area, group, channel, wait, seconds, hour, face, queue_id in records.iterator(
        chunk_size=5000
    ):
        if (site_id, day) not in summed:
            continue
        if queue_id is not None:
            estimated, _tickets = estimate_row(site_id, day, queue_id)
            estimated.served += 1
            estimated.service_total += seconds
        key = (site_id, day, area, group, channel)
        row = contact_rows.get(key)
        if row is None:
            row = ContactDay(rolled_up=summed[site_id, day].mark, area=area, staff_group=group, channel=channel)
            contact_rows[key] = row
            times[id(row)] = (row, [], [])
        row.contacts += 1
        _row, waits, services = times[id(row)]
        services.append(seconds)
        if wait is not None:
            waits.append((24 if hour is None else hour, wait))
        if face is not None:
            row.answers += 1
            row.face_total += face
        contacts[pk] = (row, site_id, day, group, wait, seconds, face)
    lines = ContactService.objects.filter(
        contact__site_id__in=sites, contact__finished_at__gte=start, contact__finished_at__lt=end
    ).values_list("contact_id", "service_id", "outcome", "recontact", "service__kind")
    for contact_id, service_id, outcome, recontact, kind in lines.iterator(chunk_size=5000):
        if contact_id not in contacts:  # not wanted, or recorded after the contacts were read
            continue
        contact_row, site_id, day, group, wait, seconds, face = contacts[contact_id]
        key = (site_id, day, service_id, group)
        row = service_rows.get(key)
        if row is None:
            row = ServiceDay(rolled_up=summed[site_id, day].mark, service_id=service_id, staff_group=group)
            service_rows[key] = row
            times[id(row)] = (row, [], [])
        _row, waits, services = times[id(row)]
        services.append(seconds)
        if wait is not None:
            waits.append(wait)
        if face is not None:
            row.answers += 1
            row.face_total += face
        if kind == Kind.AUTHORITY:
            contact_row.authority += 1
        for counted in (contact_row, row):
            counted.lines += 1
            name = OUTCOME_COUNTS.get(outcome)
            if name:
                setattr(counted, name, getattr(counted, name) + 1)
            if recontact is not None:
                counted.with_citizen += 1
                counted.recontacts += recontact
    calls = (
        Ticket.objects.filter(queue__site_id__in=sites, called_at__gte=start, called_at__lt=end)
        .annotate(called_day=TruncDate("called_at"))
        .values_list("queue__site_id", "called_day", "queue__area", "channel")
        .annotate(called=Count("pk"), no_shows=Count("pk", filter=Q(status=Status.NO_SHOW)))
        .order_by()
    )
    for site_id, day, area, channel, called, no_shows in calls:
        if (site_id, day) in summed:
            mark = summed[site_id, day].mark
            summed[site_id, day].rows.append(
                CallDay(rolled_up=mark, area=area, channel=channel, called=called, no_shows=no_shows)
            )
    # The tickets the estimate's accuracy compares, by the day they were taken; PostgreSQL takes them from the
    # queues' (queue, issued_at) index.
    queues = list(Queue.objects.filter(site_id__in=sites).values_list("pk", flat=True))
    estimated = (
        Ticket.objects.filter(
            queue__in=queues,
            issued_at__gte=start,
            issued_at__lt=end,
            estimate_seconds__isnull=False,
            ahead_at_issue__isnull=False,
            contact__wait_seconds__isnull=False,
        )
        .annotate(issued_day=TruncDate("issued_at"))
        .values_list(
            "queue__site_id",
            "issued_day",
            "queue_id",
            "contact__wait_seconds",
            "estimate_seconds",
            "ahead_at_issue",
            "open_counters_at_issue",
        )
    )
    for site_id, day, queue_id, wait, estimate, ahead, open_counters in estimated.iterator(chunk_size=5000):
        if (site_id, day) in summed:
            _row, tickets = estimate_row(site_id, day, queue_id)
            tickets.append((wait, abs(estimate - wait), ahead, max(open_counters or 1, 1)))
    for row, tickets in estimate_rows.values():
        records = np.array(tickets, dtype=ESTIMATE_WIDE)
        wide = (records["wait"] > 0xFFFF) | (records["miss"] > 0xFFFF) | (records["ahead"] > 0xFFFF)
        row.estimates = records[~wide].astype(ESTIMATE).tobytes()
        row.estimates_wide = records[wide].tobytes()
        summed[row.rolled_up.site_id, row.rolled_up.day].rows.append(row)
    for row, waits, services in times.values():
        waits.sort()
        if isinstance(row, ContactDay):
            row.wait_hours = np.asarray([hour for hour, _wait in waits], dtype=HOURS).tobytes()
            waits = [wait for _hour, wait in waits]
        row.waits = pack(waits)
        row.service_times = pack(sorted(services))
        summed[row.rolled_up.site_id, row.rolled_up.day].rows.append(row)
    return summed


def _store(summed: list[_Summed]) -> bool:
    """Keep the days' rows and marks; False when another request rolled up one of them at the same moment."""
    rows = [row for day in summed for row in day.rows]
    try:
        with transaction.atomic():
            RolledUpDay.objects.bulk_create([day.mark for day in summed])
            for model in (ContactDay, ServiceDay, CallDay, EstimateDay):
                model.objects.bulk_create([row for row in rows if type(row) is model], batch_size=500)
    except IntegrityError:
        for day in summed:
            day.mark.pk = None
        return False
    return True


@dataclass
class Days:
    """A period's days at some sites: those read from the roll-up, and the rows of the others, just added up."""

    sites: list[int]
    period: "Period"
    fresh_days: set[dt.date]  # read from `fresh`, not from the roll-up
    fresh: list


def days_of(*, municipality, period: "Period", site: Site | None = None) -> Days:
    """The period's days at the municipality's sites (or at the one site), each rolled up first if it is over."""
    return _roll_up(_site_ids(municipality, site), period)


def _roll_up(site_ids: list[int], period: "Period") -> Days:
    """The period's days at the sites, each rolled up first if it is over and was not yet."""
    now = timezone.now()
    settled = timezone.localdate(now - SETTLE)  # days before this one are kept
    marks = RolledUpDay.objects.filter(site_id__in=site_ids, day__gte=period.first, day__lte=period.last)
    known = set(marks.values_list("site_id", "day"))
    # Days still to come have nothing to add up.
    every_day = (period.first + dt.timedelta(days=n) for n in range(period.days))
    missing = [
        day
        for day in every_day
        if day <= timezone.localdate(now) and any((site_id, day) not in known for site_id in site_ids)
    ]
    result = Days(sites=site_ids, period=period, fresh_days=set(), fresh=[])
    # Consecutive missing days in runs of at most CHUNK_DAYS: one set of queries per run.
    for _gap, run in groupby(enumerate(missing), key=lambda pair: (pair[1] - period.first).days - pair[0]):
        run_days = [day for _n, day in run]
        for start in range(0, len(run_days), CHUNK_DAYS):
            chunk = run_days[start : start + CHUNK_DAYS]
            # Every site of a missing day, so that a day is read either all from the roll-up or all fresh.
            summed = _summarize({(site_id, day) for day in chunk for site_id in site_ids}, chunk[0], chunk[-1])
            over = {day for day in chunk if day < settled}
            new = [s for (site_id, day), s in summed.items() if day in over and (site_id, day) not in known]
            fresh = set(chunk) - over if over and _store(new) else set(chunk)
            result.fresh_days |= fresh
            result.fresh += [row for (_site, day), s in summed.items() if day in fresh for row in s.rows]
    return result


# Names in added_up that the stored rows reach through their mark.
_THROUGH_MARK = {"site": "rolled_up__site_id"}
# How each block of a roll-up row is read.
BLOCKS = {
    "waits": SECONDS,
    "service_times": SECONDS,
    "wait_hours": HOURS,
    "estimates": ESTIMATE,
    "estimates_wide": ESTIMATE_WIDE,
}


class _Joined(Aggregate):
    """PostgreSQL's string_agg of byte strings: a group's packed values as one block, in any order of its rows."""

    function = "string_agg"
    template = "%(function)s(%(expressions)s, ''::bytea)"
    output_field = BinaryField()


class _JoinedInOrder(_Joined):
    """The same with the rows in `order`: slower, as the rows are sorted first."""

    template = "%(function)s(%(expressions)s, ''::bytea ORDER BY %(order)s)"


def added_up(
    model,
    keys: list[str],
    days: Days,
    counts: tuple,
    blocks: tuple = ("waits", "service_times"),
    *,
    aligned: bool = False,
    **where,
) -> dict[tuple, list]:
    """The roll-up rows of `model` (those passing `where`: field=value, field__in=values) added up per `keys`.

    {key values: [*the counts' sums, *each block as one array]}; `aligned`: the n-th values of the blocks
    belong together. PostgreSQL adds the stored rows up by itself; elsewhere (SQLite, the demo's small
    database) they are added up here.
    """
    sums: dict[tuple, list] = {}
    width = len(keys)

    def add(row) -> None:
        into = sums.get(row[:width])
        if into is None:
            into = sums[row[:width]] = [0] * len(counts) + [[] for _block in blocks]
        for n, value in enumerate(row[width:]):
            if n < len(counts):
                into[n] += value
            else:
                into[n].append(value)

    stored = model.objects.filter(
        rolled_up__site_id__in=days.sites,
        rolled_up__day__gte=days.period.first,
        rolled_up__day__lte=days.period.last,
        **where,
    )
    if days.fresh_days:
        stored = stored.exclude(rolled_up__day__in=days.fresh_days)
    names = [_THROUGH_MARK.get(key, key) for key in keys]
    if connection.vendor == "postgresql":
        summed = {f"sum_{name}": Sum(name) for name in counts}
        if aligned:  # without an order PostgreSQL may join each block's rows in another order
            order = f'"{model._meta.db_table}"."id"'
            summed |= {f"all_{name}": _JoinedInOrder(name, order=order) for name in blocks}
        else:
            summed |= {f"all_{name}": _Joined(name) for name in blocks}
        if not names:  # the whole: a constant groups nothing, so one row, of NULLs when there are no rows
            stored = stored.annotate(whole=Value(1, output_field=IntegerField()))
        grouped = stored.values(*(names or ["whole"])).annotate(**summed).order_by().values_list(*names, *summed)
        stored = [row for row in _binary_rows(grouped) if any(value is not None for value in row)]
    else:
        stored = stored.values_list(*names, *counts, *blocks)
    for row in stored:
        add(row)
    for row in days.fresh:
        if type(row) is model and all(_matches(row, name, value) for name, value in where.items()):
            add(
                tuple(
                    row.rolled_up.site_id if name == "site" else getattr(row, name)
                    for name in (*keys, *counts, *blocks)
                )
            )
    for into in sums.values():
        for n, block in enumerate(blocks, start=len(counts)):
            into[n] = np.frombuffer(b"".join(into[n]), dtype=BLOCKS[block])
    return sums


class _BinaryCursor(psycopg.Cursor):
    """A psycopg cursor that reads every result in PostgreSQL's binary format and prepares no statement."""

    def execute(self, query, params=None, **_options):
        return super().execute(query, params, prepare=False, binary=True)


def _binary_rows(queryset) -> list[tuple]:
    """The rows of a values_list queryset on PostgreSQL, read in binary.

    Django's cursors bind parameters in the client, and such cursors read results only as text, where a
    block comes as hex, twice its size, for psycopg to turn back into bytes: for a year that was as long
    again as PostgreSQL took to join the blocks. Through Django's cursor wrapper, so the query is logged and
    passes the connection's execute wrappers like any other.
    """
    sql, params = queryset.query.sql_with_params()
    connection.ensure_connection()
    raw = _BinaryCursor(connection.connection)
    cursor = connection.make_debug_cursor(raw) if connection.queries_logged else connection.make_cursor(raw)
    with cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _matches(row, lookup: str, value) -> bool:
    """Whether an unsaved roll-up row passes a filter of added_up: `field=value` or `field__in=values`."""
    if lookup.endswith("__in"):
        return getattr(row, lookup.removesuffix("__in")) in value
    return getattr(row, lookup) == value
