"""The manager's insight pages on PostgreSQL for one municipality with a million contacts in a year.

    .venv/bin/python bench/insights.py                    # load (or --keep reuse) the data, measure, print
    .venv/bin/python bench/insights.py --keep --write     # reuse the loaded data; write docs/benchmarks.md
    .venv/bin/python bench/insights.py --contacts 100000 --requests 5 --skip-baseline   # a quick look

Setup: creates the database skranke_bench_insights on 127.0.0.1:5432 (user
postgres, trust auth; the cluster is started if it is down), runs migrate and
load_catalogue, and gives Aarhus (751) five invented sites with counters,
queues (queues.demo), twelve staff of each staff group and one manager, all
through the service functions. Then --contacts contacts (1,000,000) over the
365 days up to yesterday are written by INSERT … SELECT generate_series in one
transaction: weekday and hour profiles, service mix, outcomes, CPR shares and
satisfaction from the simulator's profile (insights.simulation.profile);
1–2 lines per contact; a ticket for every Borgerservice and appointment
contact and 60 % of the library's; 4 % of walk-in tickets have a second
citizen before them who did not show up, 1 % one who cancelled; 8 % of the
contacts with a citizen come back about the same service within about two
weeks. The lines' re-contact flag is set by the data migration's own `fill`.
Then VACUUM ANALYZE, as autovacuum would do in production (it is off on the
machine this was written on).

--keep reuses the database when it holds the same number of contacts ending
yesterday (migrations are still applied); else it is loaded again.

Measured in this process with Django's test Client (production settings,
DEBUG off), logged in as the municipality's manager: every page is requested
--warmup times, then --requests timed times, for the default period (the last
four weeks up to yesterday) and for the whole year (?fra=…&til=…), with the
1-minute load average of the machine before and after each. The dashboard is
also timed with estimate_accuracy stubbed out, and its two calls
(kpis_and_hours, estimate_accuracy) are timed as plain calls. Baselines in
the same run: a bare count of the period's contacts, the dashboard's
key-figure calls (kpis × 5 and wait_by_hour) as they were at BASELINE_COMMIT
and as they are now, and estimate_accuracy as it was at ACCURACY_BASELINE
(per ticket, from the contacts), both read with `git show`.
"""

import argparse
import datetime as dt
import importlib
import os
import platform
import subprocess
import sys
import time
import types
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from unittest import mock

import psycopg

from walkin import SERVER, code_version, ensure_postgres, machine, one_run_at_a_time, percentile, replace_section
from walkin import settings_env as walkin_env

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
DOC = ROOT / "docs" / "benchmarks.md"
HEADING = "## Insights (`bench/insights.py`)"
DATABASE = "skranke_bench_insights"
DATABASE_URL = f"{SERVER}/{DATABASE}"
MUNICIPALITY = 751  # Aarhus: a municipality that size could see a million contacts a year
DAYS = 365
SEED = 0.4242
# The code of the dashboard's queries before this benchmark's changes: the baseline.
BASELINE_COMMIT = "2f7877b"
# The last commit whose estimate_accuracy read every ticket of the period, before it was rolled up per day.
ACCURACY_BASELINE = "9d8c463"
TARGET_P95_MS = 500
# Sites (name, kind, counters per area); invented, like the demo's.
SITES = [
    ("Hovedbiblioteket", "COMBINED", {"LIBRARY": 4, "CITIZEN_SERVICE": 6}),
    ("Borgerservice Centrum", "CITIZEN_SERVICE", {"CITIZEN_SERVICE": 8}),
    ("Borgerservice Syd", "CITIZEN_SERVICE", {"CITIZEN_SERVICE": 4}),
    ("Bibliotek Nord", "LIBRARY", {"LIBRARY": 2}),
    ("Bibliotek Vest", "COMBINED", {"LIBRARY": 2, "CITIZEN_SERVICE": 1}),
]
STAFF_PER_GROUP = 12
CITIZENS = 400_000  # the pool citizen hashes are drawn from
RETURNS = 0.08  # share of contacts with a citizen that come back about the same service
NO_SHOW, CANCELLED = 0.04, 0.01  # extra tickets before a walk-in ticket
APPOINTMENTS = 0.25  # of the Borgerservice contacts
LIBRARY_TICKETS = 0.6  # of the library's walk-ins
LIBRARY_STAFF_AT_CITIZEN_SERVICE = 0.10
CITIZEN_SERVICE_STAFF_AT_LIBRARY = 0.08
SERVICE_MEAN = {"LIBRARY": 150, "GUIDANCE": 420, "AUTHORITY": 540}  # seconds
WAIT_MEAN = {"CITIZEN_SERVICE": 360, "LIBRARY": 60, "APPOINTMENT": 90}  # seconds, times the hour's weight squared
FACES = (0.03, 0.08, 0.20, 0.55)  # cumulative shares of faces 1..4; the rest 5


# -- small helpers ----------------------------------------------------------------------


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f}"


# -- the database -------------------------------------------------------------------------


def settings_env(*, debug: bool) -> dict[str, str]:
    """bench/walkin.py's environment on this benchmark's database, for the test Client's host."""
    return walkin_env(debug=debug, database_url=DATABASE_URL, ALLOWED_HOSTS="testserver")


def server_line() -> str:
    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as conn:
        version = conn.execute("SHOW server_version").fetchone()[0].split()[0]
        settings = {
            name: conn.execute(f"SHOW {name}").fetchone()[0]
            for name in ("shared_buffers", "work_mem", "max_parallel_workers_per_gather", "jit", "autovacuum")
        }
    return f"PostgreSQL {version} (" + ", ".join(f"{k}={v}" for k, v in settings.items()) + ")"


def loaded(contacts: int, last_day: dt.date) -> float | None:
    """The load time of the data in the database when it matches (contacts, last day); else None."""
    try:
        with psycopg.connect(DATABASE_URL, connect_timeout=3) as conn:
            row = conn.execute(
                "SELECT load_seconds FROM bench_meta WHERE contacts = %s AND last_day = %s", (contacts, last_day)
            ).fetchone()
    except (psycopg.OperationalError, psycopg.errors.UndefinedTable):
        return None
    return row[0] if row else None


def create_database() -> None:
    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {DATABASE}")


def manage(*command: str) -> None:
    done = subprocess.run(
        [BIN / "skranke", *command], env=settings_env(debug=True), cwd=ROOT, capture_output=True, text=True
    )
    if done.returncode:
        raise SystemExit(f"skranke {' '.join(command)} failed:\n{done.stdout}\n{done.stderr}")


def django_setup() -> None:
    os.environ.update(settings_env(debug=False))
    import django

    django.setup()


# -- the municipality ------------------------------------------------------------------------


@dataclass
class World:
    municipality_id: int
    manager_user_id: int
    site_ids: list[int]
    counters: list[tuple[int, int, str, int]]  # (counter id, site id, area, queue id)
    staff: dict[str, list[int]]  # staff group -> user ids
    queues: dict[int, list[tuple[int, str, float]]] = field(default_factory=dict)  # id -> (service, kind, weight)


def world() -> World:
    """Sites, counters, queues, staff and a manager (made once, through the service functions); read back each run."""
    from django.contrib.auth import get_user_model

    from skranke.insights.simulation import profile
    from skranke.organisation.models import Municipality, Site, StaffGroup, StaffMember
    from skranke.organisation.roles import Role
    from skranke.organisation.services import counter_create, staff_member_create
    from skranke.queues.demo import demo_queues
    from skranke.queues.models import Queue

    municipality = Municipality.objects.get(code=MUNICIPALITY)
    if not Site.objects.filter(municipality=municipality).exists():
        municipality.library_staff_authority = True
        municipality.authority_at_citizen_service_counter = True
        municipality.citizen_service_staff_library_work = True
        municipality.save()
        for name, kind, counters in SITES:
            site = Site.objects.create(municipality=municipality, name=name, kind=kind)
            for area, count in counters.items():
                for n in range(1, count + 1):
                    counter_create(site=site, name=f"{'Bibliotek' if area == 'LIBRARY' else 'Skranke'} {n}", area=area)
        demo_queues(municipality=municipality)
        sites = list(Site.objects.filter(municipality=municipality).order_by("pk"))
        for group, prefix in ((StaffGroup.LIBRARY, "bib"), (StaffGroup.CITIZEN_SERVICE, "bs")):
            for n in range(1, STAFF_PER_GROUP + 1):
                staff_member_create(
                    municipality=municipality,
                    username=f"{prefix}{n:02d}",
                    first_name=prefix,
                    last_name=f"{n:02d}",
                    staff_group=group,
                    home_site=sites[n % len(sites)],
                )
        staff_member_create(
            municipality=municipality,
            username="leder",
            first_name="Leder",
            last_name="Aarhus",
            staff_group=StaffGroup.CITIZEN_SERVICE,
            home_site=sites[1],
            role=Role.MANAGER,
        )
    queues = {
        (q.site_id, q.area): q
        for q in Queue.objects.filter(site__municipality=municipality).prefetch_related("services")
    }
    counters = []
    for site in Site.objects.filter(municipality=municipality).prefetch_related("counters").order_by("pk"):
        for counter in sorted(site.counters.all(), key=lambda c: c.pk):
            counters.append((counter.pk, site.pk, counter.area, queues[(site.pk, counter.area)].pk))
    weights = {}
    for queue in queues.values():
        weights[queue.pk] = [
            (s.pk, s.kind, profile.WALK_IN_WEIGHTS.get(s.key, profile.DEFAULT_WEIGHT))
            for s in sorted(queue.services.all(), key=lambda s: s.pk)
        ]
    staff = {
        group: list(
            StaffMember.objects.filter(
                municipality=municipality, staff_group=group, user__username__regex=r"^(bib|bs)\d"
            )
            .order_by("pk")
            .values_list("user_id", flat=True)
        )
        for group in StaffGroup.values
    }
    manager = get_user_model().objects.get(username="leder")
    return World(
        municipality_id=municipality.pk,
        manager_user_id=manager.pk,
        site_ids=sorted({c[1] for c in counters}),
        counters=counters,
        staff=staff,
        queues=weights,
    )


# -- the contacts ----------------------------------------------------------------------------


def _thresholds(weights: list[float]) -> list[float]:
    """Lower bounds of each choice on [0, 1), for width_bucket(random(), thresholds)."""
    total, bounds, running = sum(weights), [], 0.0
    for weight in weights:
        bounds.append(running / total)
        running += weight
    return bounds


def _outcome_sql(r: str, kind: str, library_staff: str) -> str:
    """A CASE choosing the outcome from the random number `r` by the profile's shares for the kind of service."""
    from skranke.insights.simulation import profile

    cases = []
    for name, shares in profile.OUTCOMES.items():
        for by_library in (True, False):
            adjusted = list(shares)
            if by_library and name == "AUTHORITY":
                adjusted = [s + d for s, d in zip(shares, profile.LIBRARY_STAFF_AUTHORITY, strict=True)]
            a = adjusted[0]
            b = a + adjusted[1]
            c = b + adjusted[2]
            cases.append(
                f"WHEN {kind} = '{name}' AND ({library_staff}) = {str(by_library).upper()} THEN "
                f"CASE WHEN {r} < {a:.4f} THEN 'RESOLVED' WHEN {r} < {b:.4f} THEN 'REFERRED' "
                f"WHEN {r} < {c:.4f} THEN 'FOLLOW_UP' ELSE 'NOT_POSSIBLE' END"
            )
    return "CASE " + " ".join(cases) + " END"


def _load_sql(w: World, contacts: int, first_day: dt.date) -> list[tuple[str, dict]]:
    """The statements that write the contacts, lines, tickets and answers, in order."""
    from skranke.insights.simulation import profile

    factors = [profile.WEEKDAY_FACTOR[(first_day + dt.timedelta(days=d)).weekday()] for d in range(DAYS)]
    factors = [0.0 if (first_day + dt.timedelta(days=d)).weekday() == 6 else f for d, f in enumerate(factors)]
    total, day_starts, running = sum(factors), [], 0.0
    for factor in factors:
        day_starts.append(1 + round(running / total * contacts))  # the first contact of each day
        running += factor
    hours = sorted(h for h in profile.HOUR_WEIGHT if 9 <= h < 19)
    hour_weights = [profile.HOUR_WEIGHT[h] for h in hours]
    cpr = profile.CPR_SHARE
    two = profile.TWO_SERVICES
    wait_mean = "CASE WHEN channel = 'APPOINTMENT' THEN {a} WHEN area = 'CITIZEN_SERVICE' THEN {c} ELSE {l} END".format(
        a=WAIT_MEAN["APPOINTMENT"], c=WAIT_MEAN["CITIZEN_SERVICE"], l=WAIT_MEAN["LIBRARY"]
    )
    hour_weight = "(%(hour_weights)s::float8[])[hour - 8]"
    params = {
        "n": contacts,
        "first_day": first_day,
        "day_starts": day_starts,
        "hour_thresholds": _thresholds(hour_weights),
        "hour_weights": hour_weights,
        "lib_staff": w.staff["LIBRARY"],
        "cs_staff": w.staff["CITIZEN_SERVICE"],
        "citizens": CITIZENS,
        "open_days": sum(1 for f in factors if f),
    }
    # A ticket's open counters at issue: all the counters of its site and area.
    open_counters = Counter((site, area) for _counter, site, area, _queue in w.counters)
    counters = ", ".join(
        f"({k}, {counter}, {site}, '{area}', {queue}, {open_counters[site, area]})"
        for k, (counter, site, area, queue) in enumerate(w.counters, 1)
    )
    queues = ", ".join(
        "({q}, ARRAY[{t}]::float8[], ARRAY[{s}]::bigint[], ARRAY[{k}]::text[])".format(
            q=q,
            t=", ".join(f"{x:.6f}" for x in _thresholds([x[2] for x in services])),
            s=", ".join(str(x[0]) for x in services),
            k=", ".join(f"'{x[1]}'" for x in services),
        )
        for q, services in w.queues.items()
    )
    tz = "'Europe/Copenhagen'"
    return [
        ("SELECT setseed(%(seed)s)", {"seed": SEED}),
        (
            "CREATE TEMP TABLE bench_counter (k int PRIMARY KEY, counter_id bigint, site_id bigint, area text,"
            f" queue_id bigint, open_counters int) ON COMMIT DROP; INSERT INTO bench_counter VALUES {counters}",
            {},
        ),
        (
            "CREATE TEMP TABLE bench_queue (queue_id bigint PRIMARY KEY, thresholds float8[], services bigint[],"
            f" kinds text[]) ON COMMIT DROP; INSERT INTO bench_queue VALUES {queues}",
            {},
        ),
        # One row per contact with every random draw it needs, then what they decide.
        (
            f"""
            CREATE TEMP TABLE plan ON COMMIT DROP AS
            WITH base AS MATERIALIZED (
                SELECT i,
                       %(first_day)s::date + width_bucket(i, %(day_starts)s::int[]) - 1 AS day,
                       1 + floor(random() * {len(w.counters)})::int AS k,
                       8 + width_bucket(random(), %(hour_thresholds)s::float8[]) AS hour,
                       random() AS r_second, random() AS r_group, random() AS r_staff, random() AS r_channel,
                       random() AS r_ticket, random() AS r_wait, random() AS r_s1, random() AS r_s2,
                       random() AS r_svc1, random() AS r_two, random() AS r_svc2, random() AS r_out1,
                       random() AS r_out2, random() AS r_mode, random() AS r_cpr, random() AS r_citizen,
                       random() AS r_sat, random() AS r_face, random() AS r_satch, random() AS r_extra,
                       random() AS r_est, random() AS r_before, random() AS r_return
                FROM generate_series(1, %(n)s) AS i
            ), chosen AS (
                SELECT b.*, c.counter_id, c.site_id, c.area, c.queue_id, c.open_counters, q.services, q.kinds,
                       width_bucket(b.r_svc1, q.thresholds) AS i1,
                       width_bucket(b.r_svc2, q.thresholds) AS i2,
                       cardinality(q.services) AS nsvc,
                       cardinality(q.services) > 1 AND b.r_two < CASE WHEN c.area = 'LIBRARY'
                           THEN {two["LIBRARY"]} ELSE {two["CITIZEN_SERVICE"]} END AS two,
                       CASE WHEN c.area = 'CITIZEN_SERVICE'
                            THEN CASE WHEN b.r_group < {LIBRARY_STAFF_AT_CITIZEN_SERVICE} THEN 'LIBRARY'
                                      ELSE 'CITIZEN_SERVICE' END
                            ELSE CASE WHEN b.r_group < {CITIZEN_SERVICE_STAFF_AT_LIBRARY} THEN 'CITIZEN_SERVICE'
                                      ELSE 'LIBRARY' END
                       END AS staff_group,
                       CASE WHEN c.area = 'CITIZEN_SERVICE' AND b.r_channel < {APPOINTMENTS}
                            THEN 'APPOINTMENT' ELSE 'WALK_IN' END AS channel
                FROM base AS b JOIN bench_counter AS c USING (k) JOIN bench_queue AS q USING (queue_id)
            ), lined AS (
                SELECT ch.*,
                       services[i1] AS svc1, kinds[i1] AS kind1,
                       CASE WHEN two THEN services[CASE WHEN i2 = i1 THEN i1 %% nsvc + 1 ELSE i2 END] END AS svc2,
                       CASE WHEN two THEN kinds[CASE WHEN i2 = i1 THEN i1 %% nsvc + 1 ELSE i2 END] END AS kind2,
                       channel = 'APPOINTMENT' OR area = 'CITIZEN_SERVICE' OR r_ticket < {LIBRARY_TICKETS}
                           AS has_ticket,
                       CASE WHEN staff_group = 'LIBRARY'
                            THEN (%(lib_staff)s::bigint[])[1 + floor(r_staff * {len(w.staff["LIBRARY"])})::int]
                            ELSE (%(cs_staff)s::bigint[])[1 + floor(r_staff * {len(w.staff["CITIZEN_SERVICE"])})::int]
                       END AS staff_id,
                       least(3 * 3600, floor(-ln(1 - r_wait) * {wait_mean} * {hour_weight} ^ 2))::int AS wait,
                       ((day + make_interval(hours => hour, secs => floor(r_second * 3600)))::timestamp
                           AT TIME ZONE {tz}) AS finished_at
                FROM chosen AS ch
            )
            SELECT l.*,
                   greatest(20, round(
                       CASE kind1 WHEN 'LIBRARY' THEN {SERVICE_MEAN["LIBRARY"]} WHEN 'GUIDANCE'
                            THEN {SERVICE_MEAN["GUIDANCE"]} ELSE {SERVICE_MEAN["AUTHORITY"]} END
                       * CASE WHEN svc2 IS NULL THEN 1 ELSE 1.6 END
                       * exp({profile.SERVICE_SIGMA} * sqrt(-2 * ln(1 - r_s1)) * cos(2 * pi() * r_s2)
                             - {profile.SERVICE_SIGMA} ^ 2 / 2)))::int AS service_seconds,
                   {_outcome_sql("r_out1", "kind1", "staff_group = 'LIBRARY'")} AS out1,
                   {_outcome_sql("r_out2", "kind2", "staff_group = 'LIBRARY'")} AS out2,
                   CASE WHEN r_cpr < CASE kind1 WHEN 'LIBRARY' THEN {cpr["LIBRARY"]} WHEN 'GUIDANCE'
                        THEN {cpr["GUIDANCE"]} ELSE {cpr["AUTHORITY"]} END
                        THEN 1 + floor(r_citizen * %(citizens)s)::int END AS citizen_no,
                   CASE WHEN r_sat < {profile.SATISFACTION_SHARE}
                        THEN 1 + width_bucket(r_face, ARRAY[{", ".join(map(str, FACES))}]) END AS face
            FROM lined AS l
            """,
            params,
        ),
        # Some citizens come back: a contact takes the citizen of an earlier one of its queue with the same
        # first service, about 1-14 days of such contacts before it.
        (
            f"""
            WITH c AS (
                SELECT i, queue_id, svc1, citizen_no, r_before, r_return,
                       row_number() OVER (PARTITION BY queue_id, svc1 ORDER BY i) AS qn,
                       count(*) OVER (PARTITION BY queue_id, svc1) AS n
                FROM plan WHERE citizen_no IS NOT NULL
            )
            UPDATE plan SET citizen_no = src.citizen_no
            FROM c AS back JOIN c AS src
              ON src.queue_id = back.queue_id AND src.svc1 = back.svc1
             AND src.qn = back.qn - 1 - floor(back.r_before * 14 * back.n / %(open_days)s)::int
            WHERE plan.i = back.i AND back.r_return < {RETURNS}
            """,
            params,
        ),
        # Tickets: the contacts' own, and before 4 % (1 %) of the walk-in ones a citizen who did not show up
        # (cancelled) in the same queue.
        (
            f"""
            CREATE TEMP TABLE tix ON COMMIT DROP AS
            SELECT i AS id, queue_id, 'DONE' AS status, channel,
                   finished_at - make_interval(secs => service_seconds + 30 + wait) AS issued_at,
                   finished_at - make_interval(secs => service_seconds + 30) AS called_at,
                   finished_at - make_interval(secs => service_seconds) AS started_at,
                   finished_at, counter_id, staff_id, 0 AS recalls,
                   CASE WHEN channel = 'WALK_IN' THEN round(wait * (0.7 + 0.6 * r_est))::int END AS estimate,
                   CASE WHEN channel = 'WALK_IN' THEN round(wait * open_counters
                        / CASE area WHEN 'LIBRARY' THEN {SERVICE_MEAN["LIBRARY"]}
                          ELSE {SERVICE_MEAN["AUTHORITY"]} END)::int END AS ahead,
                   open_counters, svc1
            FROM plan WHERE has_ticket
            UNION ALL
            SELECT %(n)s + i, queue_id,
                   CASE WHEN r_extra < {NO_SHOW} THEN 'NO_SHOW' ELSE 'CANCELLED' END, 'WALK_IN',
                   finished_at - make_interval(secs => service_seconds + 30 + wait + 60 + floor(r_est * 600)),
                   CASE WHEN r_extra < {NO_SHOW}
                        THEN finished_at - make_interval(secs => service_seconds + 30 + 150) END,
                   NULL,
                   CASE WHEN r_extra < {NO_SHOW} THEN finished_at - make_interval(secs => service_seconds + 30)
                        ELSE finished_at - make_interval(secs => service_seconds + 30 + wait) END,
                   CASE WHEN r_extra < {NO_SHOW} THEN counter_id END,
                   CASE WHEN r_extra < {NO_SHOW} THEN staff_id END,
                   CASE WHEN r_extra < {NO_SHOW} THEN 1 ELSE 0 END,
                   wait, NULL, open_counters, svc1
            FROM plan WHERE has_ticket AND channel = 'WALK_IN' AND r_extra < {NO_SHOW + CANCELLED}
            """,
            params,
        ),
        (
            f"""
            INSERT INTO queues_ticket (id, queue_id, day, number, status, channel, token, phone, email, issued_at,
                                       called_at, started_at, finished_at, counter_id, staff_id, recalls, note,
                                       estimate_low, estimate_high, estimate_seconds, ahead_at_issue,
                                       open_counters_at_issue)
            SELECT id, queue_id, (issued_at AT TIME ZONE {tz})::date,
                   row_number() OVER (PARTITION BY queue_id, (issued_at AT TIME ZONE {tz})::date
                                      ORDER BY issued_at, id),
                   status, channel, md5(id::text || 'skranke-bench'), '', '', issued_at, called_at, started_at,
                   finished_at, counter_id, staff_id, recalls, '', greatest(0, estimate / 60 - 2),
                   greatest(0, estimate / 60 - 2) + 5, estimate, ahead, open_counters
            FROM tix
            """,
            {},
        ),
        (
            "INSERT INTO queues_ticketservice (ticket_id, service_id, position) SELECT id, svc1, 0 FROM tix",
            {},
        ),
        (
            "INSERT INTO queues_ticketday (queue_id, day, last_number)"
            " SELECT queue_id, day, max(number) FROM queues_ticket GROUP BY queue_id, day",
            {},
        ),
        (
            """
            INSERT INTO contacts_contact (id, site_id, counter_id, area, staff_id, staff_group, ticket_id, channel,
                                          started_at, finished_at, wait_seconds, service_seconds, power_of_attorney,
                                          citizen)
            SELECT i, site_id, counter_id, area, staff_id, staff_group, CASE WHEN has_ticket THEN i END, channel,
                   finished_at - make_interval(secs => service_seconds), finished_at,
                   CASE WHEN has_ticket THEN wait END, service_seconds, r_mode > 0.98,
                   CASE WHEN citizen_no IS NOT NULL THEN encode(sha256(('bench-' || citizen_no)::bytea), 'hex') END
            FROM plan
            """,
            {},
        ),
        (
            """
            INSERT INTO contacts_contactservice (contact_id, service_id, outcome, referred_to, guidance_mode)
            SELECT i, svc, outcome, CASE WHEN outcome = 'REFERRED' THEN 'Borgerservice, tidsbestilling' ELSE '' END,
                   CASE WHEN kind = 'GUIDANCE' THEN CASE WHEN r_mode < 0.6 THEN 'SHOWN_HOW' ELSE 'DONE_FOR' END
                        ELSE '' END
            FROM plan, LATERAL (VALUES (svc1, kind1, out1), (svc2, kind2, out2)) AS line(svc, kind, outcome)
            WHERE svc IS NOT NULL
            ORDER BY i
            """,
            {},
        ),
        (
            """
            INSERT INTO contacts_satisfactionresponse (contact_id, face, comment, channel, answered_at)
            SELECT i, face, '', CASE WHEN r_satch < 0.6 THEN 'TABLET' ELSE 'PHONE' END,
                   finished_at + make_interval(secs => 40)
            FROM plan WHERE face IS NOT NULL
            """,
            {},
        ),
    ]


def load(w: World, contacts: int, first_day: dt.date) -> dict[str, int]:
    """Write the contacts and everything with them in one transaction; the row counts written."""
    fill = importlib.import_module("skranke.contacts.migrations.0005_fill_recontact")
    with psycopg.connect(DATABASE_URL) as conn:
        conn.execute("SET work_mem = '256MB'")
        conn.execute("SET maintenance_work_mem = '512MB'")
        # The rows are consistent by construction; the foreign-key triggers would only slow the load.
        conn.execute("SET session_replication_role = replica")
        for sql, params in _load_sql(w, contacts, first_day):
            began = time.perf_counter()
            conn.execute(sql, params)
            print(f"  {time.perf_counter() - began:6.1f} s  {' '.join(sql.split())[:70]}", file=sys.stderr)
        began = time.perf_counter()
        conn.execute(fill.POSTGRESQL, [fill.WINDOW])
        print(f"  {time.perf_counter() - began:6.1f} s  re-contact flags (0005_fill_recontact)", file=sys.stderr)
        for table in (
            "contacts_contact",
            "contacts_contactservice",
            "contacts_satisfactionresponse",
            "queues_ticket",
            "queues_ticketservice",
            "queues_ticketday",
        ):
            conn.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
        counts = {
            table: conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            for table in (
                "contacts_contact",
                "contacts_contactservice",
                "queues_ticket",
                "contacts_satisfactionresponse",
            )
        }
        counts["recontacts"] = conn.execute("SELECT count(*) FROM contacts_contactservice WHERE recontact").fetchone()[
            0
        ]
        counts["with_citizen"] = conn.execute(
            "SELECT count(*) FROM contacts_contactservice WHERE recontact IS NOT NULL"
        ).fetchone()[0]
        counts["no_shows"] = conn.execute("SELECT count(*) FROM queues_ticket WHERE status = 'NO_SHOW'").fetchone()[0]
    return counts


def vacuum() -> None:
    with psycopg.connect(DATABASE_URL, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")


def prepare(args) -> tuple[World, float, dict]:
    """The database ready to measure: (the municipality, seconds the contacts took to load, row counts)."""
    yesterday = dt.date.today() - dt.timedelta(days=1)
    first_day = yesterday - dt.timedelta(days=DAYS - 1)
    kept = loaded(args.contacts, yesterday) if args.keep else None
    if kept is None:
        print(f"Creating {DATABASE} (migrate, load_catalogue)...", file=sys.stderr)
        create_database()
    manage("migrate", "--noinput")
    if kept is None:
        manage("load_catalogue")
    django_setup()
    w = world()
    if kept is not None:
        print(f"Reusing the {args.contacts} contacts in {DATABASE} (--keep).", file=sys.stderr)
        with psycopg.connect(DATABASE_URL) as conn:
            counts = dict(conn.execute("SELECT key, value FROM bench_counts").fetchall())
        vacuum()
        return w, kept, counts
    print(f"Loading {args.contacts} contacts over {DAYS} days...", file=sys.stderr)
    began = time.perf_counter()
    counts = load(w, args.contacts, first_day)
    seconds = time.perf_counter() - began
    began = time.perf_counter()
    vacuum()
    counts["vacuum_seconds"] = round(time.perf_counter() - began)
    with psycopg.connect(DATABASE_URL) as conn:
        conn.execute("CREATE TABLE bench_counts (key text PRIMARY KEY, value bigint)")
        conn.cursor().executemany("INSERT INTO bench_counts VALUES (%s, %s)", list(counts.items()))
        conn.execute("CREATE TABLE bench_meta (contacts int, last_day date, load_seconds float8)")
        conn.execute("INSERT INTO bench_meta VALUES (%s, %s, %s)", (args.contacts, yesterday, seconds))
    return w, seconds, counts


def roll_up(w: World, counts: dict) -> float:
    """Roll up the year once after loading (timed, kept in bench_counts); the seconds to roll up yesterday again.

    Yesterday again is what the first dashboard request of a day does in production.
    """
    from skranke.contacts.models import RolledUpDay
    from skranke.insights.kpis import kpis
    from skranke.organisation.models import Municipality

    municipality = Municipality.objects.get(pk=w.municipality_id)
    (_query, four_weeks), (_query, year) = periods().values()
    if not RolledUpDay.objects.filter(site__municipality=municipality).exists():
        print(f"Rolling up {DAYS} days...", file=sys.stderr)
        began = time.perf_counter()
        kpis(municipality=municipality, period=year)
        counts["rollup_seconds"] = round(time.perf_counter() - began)
        with psycopg.connect(DATABASE_URL, autocommit=True) as conn:
            conn.execute(
                "INSERT INTO bench_counts VALUES ('rollup_seconds', %s)"
                " ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
                (counts["rollup_seconds"],),
            )
            for table in ("rolledupday", "contactday", "serviceday", "callday", "estimateday"):
                conn.execute(f"VACUUM ANALYZE contacts_{table}")
    RolledUpDay.objects.filter(site__municipality=municipality, day=four_weeks.last).delete()
    began = time.perf_counter()
    kpis(municipality=municipality, period=four_weeks)
    return time.perf_counter() - began


# -- measuring ------------------------------------------------------------------------------------

PAGES = [("dashboard", "/indsigt/"), ("quality", "/indsigt/kvalitet/"), ("staffing", "/indsigt/bemanding/")]


@dataclass
class Timing:
    name: str
    period: str
    seconds: list[float]
    queries: int | None = None
    load: tuple[float, float] | None = None  # the machine's 1-minute load average before and after

    @property
    def p50(self) -> float:
        return percentile(self.seconds, 50)

    @property
    def p95(self) -> float:
        return percentile(self.seconds, 95)


def periods() -> dict[str, tuple]:
    """Name -> (query string, Period): the default four weeks and the whole year up to yesterday."""
    from skranke.insights.kpis import Period

    yesterday = dt.date.today() - dt.timedelta(days=1)
    four_weeks = Period(yesterday - dt.timedelta(days=27), yesterday)
    year = Period(yesterday - dt.timedelta(days=DAYS - 1), yesterday)
    return {"4 weeks": ({}, four_weeks), "year": ({"fra": year.first.isoformat(), "til": year.last.isoformat()}, year)}


def timed(call, *, warmup: int, repeats: int) -> list[float]:
    for _ in range(warmup):
        call()
    seconds = []
    for _ in range(repeats):
        began = time.perf_counter()
        call()
        seconds.append(time.perf_counter() - began)
    return seconds


def measure_pages(w: World, *, warmup: int, repeats: int) -> list[Timing]:
    """Every page for both periods through the test Client; the dashboard also without estimate_accuracy."""
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client

    from skranke.web import views_insights

    client = Client()
    client.force_login(get_user_model().objects.get(pk=w.manager_user_id))

    def get(path: str, query: dict):
        response = client.get(path, query)
        if response.status_code != 200:
            raise SystemExit(f"GET {path} {query} answered {response.status_code}")
        return response

    results = []
    for label, (query, _period) in periods().items():
        for name, path in PAGES:
            queries = []
            with connection.execute_wrapper(lambda run, sql, *rest, seen=queries: seen.append(sql) or run(sql, *rest)):
                get(path, query)
            before = os.getloadavg()[0]
            seconds = timed(lambda path=path, query=query: get(path, query), warmup=warmup, repeats=repeats)
            results.append(Timing(name, label, seconds, len(queries), (before, os.getloadavg()[0])))
            print(f"  {name}, {label}: p50 {ms(results[-1].p50)} ms", file=sys.stderr)
        real = views_insights.estimate_accuracy
        views_insights.estimate_accuracy = lambda **kwargs: []
        before = os.getloadavg()[0]
        try:
            seconds = timed(lambda query=query: get("/indsigt/", query), warmup=warmup, repeats=repeats)
        finally:
            views_insights.estimate_accuracy = real
        results.append(
            Timing("dashboard without estimate_accuracy", label, seconds, None, (before, os.getloadavg()[0]))
        )
    return results


def dashboard_parts(module, municipality, period) -> dict[str, object]:
    """The dashboard's key-figure calls of one kpis module, by name, as the view made them at BASELINE_COMMIT."""
    return {
        "kpis, whole": lambda: module.kpis(municipality=municipality, period=period),
        "kpis by service": lambda: module.kpis(municipality=municipality, period=period, by="service"),
        "kpis by area": lambda: module.kpis(municipality=municipality, period=period, by="area"),
        "kpis by staff group": lambda: module.kpis(municipality=municipality, period=period, by="staff_group"),
        "kpis by channel": lambda: module.kpis(municipality=municipality, period=period, by="channel"),
        "wait_by_hour": lambda: module.wait_by_hour(municipality=municipality, period=period),
    }


def measure_parts(w: World, *, repeats: int) -> list[Timing]:
    """The dashboard's two calls, as the view makes them (all sites), each timed on its own."""
    from skranke.insights.accuracy import estimate_accuracy
    from skranke.insights.kpis import kpis_and_hours
    from skranke.organisation.models import Municipality

    municipality = Municipality.objects.get(pk=w.municipality_id)
    dimensions = [None, "service", "area", "staff_group", "channel"]
    results = []
    for label, (_query, period) in periods().items():
        calls = {
            "kpis_and_hours (every table, the wait over the day)": lambda period=period: kpis_and_hours(
                municipality=municipality, period=period, dimensions=dimensions
            ),
            "estimate_accuracy": lambda period=period: estimate_accuracy(municipality=municipality, period=period),
        }
        for name, call in calls.items():
            results.append(Timing(name, label, timed(call, warmup=1, repeats=repeats)))
    return results


def old_module(commit: str, path: str, name: str):
    """The module at `path` as it was at `commit`, run against today's code; None when git cannot show it."""
    try:
        source = subprocess.run(
            ["git", "show", f"{commit}:{path}"], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    module = types.ModuleType(name)
    exec(compile(source, f"{commit}:{path}", "exec"), module.__dict__)
    return module


def _percentile_aggregate():
    """The Percentile aggregate that skranke.insights.kpis had until 3f60eb2, for ACCURACY_BASELINE's module."""
    from django.db.models import Aggregate, FloatField

    class Percentile(Aggregate):
        function = "percentile_cont"
        template = "%(function)s(%(p)s) WITHIN GROUP (ORDER BY %(expressions)s)"
        output_field = FloatField()

        def __init__(self, expression, p: float, **extra):
            super().__init__(expression, p=float(p), **extra)

    return Percentile


def baseline_module():
    """skranke.insights.kpis as it was at BASELINE_COMMIT, or None when git cannot show it."""
    return old_module(BASELINE_COMMIT, "src/skranke/insights/kpis.py", "skranke_bench_baseline_kpis")


def measure_baseline(w: World, *, repeats: int, old_repeats: int) -> tuple[list[Timing], bool]:
    """A bare count of the period's contacts; the dashboard's queries as they were at BASELINE_COMMIT and now;
    estimate_accuracy as it was at ACCURACY_BASELINE."""
    from django.db import connection

    from skranke.insights import kpis
    from skranke.organisation.models import Municipality

    municipality = Municipality.objects.get(pk=w.municipality_id)
    old = baseline_module() if old_repeats else None
    old_accuracy = None
    if old_repeats:
        # The old module imports the Percentile aggregate, which kpis no longer has: lent while it loads.
        with mock.patch.object(kpis, "Percentile", _percentile_aggregate(), create=True):
            old_accuracy = old_module(
                ACCURACY_BASELINE, "src/skranke/insights/accuracy.py", "skranke_bench_baseline_accuracy"
            )
    results = []
    for label, (_query, period) in periods().items():

        def count(period=period):
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT count(*) FROM contacts_contact WHERE site_id = ANY(%s)"
                    " AND finished_at >= %s AND finished_at < %s",
                    [w.site_ids, period.start, period.end],
                )
                return cursor.fetchone()[0]

        results.append(
            Timing("SELECT count(*) of the period's contacts", label, timed(count, warmup=1, repeats=repeats))
        )
        if old is not None:
            calls = dashboard_parts(old, municipality, old.Period(period.first, period.last))

            def all_calls(calls=calls):
                for call in calls.values():
                    call()

            print(f"  the {BASELINE_COMMIT} query path, {label}...", file=sys.stderr)
            results.append(
                Timing(
                    f"dashboard's queries at {BASELINE_COMMIT}", label, timed(all_calls, warmup=0, repeats=old_repeats)
                )
            )
        calls = dashboard_parts(kpis, municipality, period)

        def all_new(calls=calls):
            for call in calls.values():
                call()

        results.append(Timing("dashboard's queries now", label, timed(all_new, warmup=1, repeats=repeats)))

        def at_once(period=period):
            dimensions = [None, "service", "area", "staff_group", "channel"]
            kpis.kpis_by(municipality=municipality, period=period, dimensions=dimensions)
            kpis.wait_by_hour(municipality=municipality, period=period)

        results.append(Timing("the same through kpis_by, at once", label, timed(at_once, warmup=1, repeats=repeats)))
        if old_accuracy is not None:
            print(f"  estimate_accuracy at {ACCURACY_BASELINE}, {label}...", file=sys.stderr)

            def accuracy(period=period):
                old_accuracy.estimate_accuracy(municipality=municipality, period=period)

            results.append(
                Timing(
                    f"estimate_accuracy at {ACCURACY_BASELINE} (per ticket, from the contacts)",
                    label,
                    timed(accuracy, warmup=1, repeats=old_repeats),
                )
            )
    return results, old is not None


# -- report ---------------------------------------------------------------------------------------


def report(
    *,
    args,
    when: str,
    database: str,
    code: str,
    load_seconds: float,
    kept: bool,
    counts: dict,
    one_day: float,
    pages,
    parts,
    baseline,
) -> list[str]:
    cpu, cores = machine()
    labels = list(periods())
    out = [
        f"### {when}",
        "",
        f"Machine: {cpu}, {cores} cores, Python {platform.python_version()}, {platform.system()} {platform.release()}; "
        f"{database} on the same machine; {code}. Test Client in this process, production settings (DEBUG off); "
        f"{args.warmup} warm-up and {args.requests} timed requests per page and period, one at a time.",
        "",
        f"Data: {counts['contacts_contact']:,} contacts over {DAYS} days up to yesterday at 5 sites, "
        f"{counts['contacts_contactservice']:,} lines ({counts['with_citizen']:,} with a citizen, "
        f"{counts['recontacts']:,} of them re-contacts), {counts['queues_ticket']:,} tickets "
        f"({counts['no_shows']:,} no-shows), {counts['contacts_satisfactionresponse']:,} satisfaction answers. "
        + (
            f"Loaded in {load_seconds:.0f} s (INSERT … SELECT generate_series, one transaction, re-contact flags "
            f"included), then VACUUM ANALYZE {counts.get('vacuum_seconds', 0)} s"
            + (" (an earlier run's data, reused with --keep)." if kept else ".")
        )
        + f" The roll-up of the {DAYS} days at the 5 sites (the key figures and the estimate's accuracy) took"
        f" {counts.get('rollup_seconds', '?')} s,"
        " made by the first request for the year after loading, in chunks of 31 days; rolling up one day"
        f" (yesterday) again, as the first request of a day does, took {ms(one_day)} ms.",
        "",
        "| page | period | p50 ms | p95 ms | queries | load average before → after |",
        "|---|---|---|---|---|---|",
    ]
    for t in pages:
        load = f"{t.load[0]:.1f} → {t.load[1]:.1f}" if t.load else "–"
        out.append(
            f"| {t.name} | {t.period} | {ms(t.p50)} | {ms(t.p95)} | {t.queries if t.queries else '–'} | {load} |"
        )
    out += [
        "",
        f"The dashboard's two calls, each on its own (p50 ms of {args.parts} calls; all sites):",
        "",
        "| call | " + " | ".join(labels) + " |",
        "|---|" + "---|" * len(labels),
    ]
    names = list(dict.fromkeys(t.name for t in parts))
    for name in names:
        cells = [next((ms(t.p50) for t in parts if t.name == name and t.period == label), "–") for label in labels]
        out.append(f"| {name} | " + " | ".join(cells) + " |")
    out += [
        "",
        "Baselines, same run (p50 / p95 ms; the old code's p50 / slowest of its fewer calls):",
        "",
        "| baseline | " + " | ".join(labels) + " |",
        "|---|" + "---|" * len(labels),
    ]
    for name in dict.fromkeys(t.name for t in baseline):
        cells = []
        for label in labels:
            t = next((t for t in baseline if t.name == name and t.period == label), None)
            if t is None:
                cells.append("–")
            elif len(t.seconds) < 20:
                cells.append(f"{ms(t.p50)} / {ms(max(t.seconds))} ({len(t.seconds)} calls)")
            else:
                cells.append(f"{ms(t.p50)} / {ms(t.p95)}")
        out.append(f"| {name} | " + " | ".join(cells) + " |")
    out += ["", "| target | result | |", "|---|---|---|"]
    for t in pages:
        if t.name == "dashboard" or t.name == "dashboard without estimate_accuracy":
            met = t.p95 * 1000 <= TARGET_P95_MS
            out.append(
                f"| {t.name}, {t.period}: p95 ≤ {TARGET_P95_MS} ms | {ms(t.p95)} ms | {'met' if met else 'not met'} |"
            )
    return out


INTRO = f"""{HEADING}

```sh
.venv/bin/python bench/insights.py                   # load the data (a few minutes), measure
.venv/bin/python bench/insights.py --keep --write    # reuse the loaded data, measure, add the run here
.venv/bin/python bench/insights.py --contacts 100000 --requests 5 --skip-baseline   # a quick look
```

**Target.** The manager's dashboard (`/indsigt/`) answers with p95 ≤ {TARGET_P95_MS} ms for one
municipality with a million contacts a year on PostgreSQL, for the default period (the last four weeks)
and for a whole year. The quality (`/indsigt/kvalitet/`) and staffing (`/indsigt/bemanding/`) pages are
reported, without a target.

**Data.** A database `{DATABASE}` of its own on the local PostgreSQL: migrate, load_catalogue, and
Aarhus (751) with five invented sites ({sum(sum(c.values()) for _n, _k, c in SITES)} counters), a queue per
area and site, {STAFF_PER_GROUP} staff of each staff group and one manager, made through the service
functions. Then a million contacts over the {DAYS} days up to yesterday, written with INSERT … SELECT
generate_series (fixed seed): weekdays (closed on Sundays) and hours, the service mix, outcomes, CPR
shares and satisfaction from the simulator's profile; 1–2 lines per contact; a ticket for every
Borgerservice and appointment contact and {LIBRARY_TICKETS:.0%} of the library's; before {NO_SHOW:.0%}
of the walk-in tickets a citizen who did not show up, before {CANCELLED:.0%} one who cancelled;
{RETURNS:.0%} of the contacts with a citizen come back about the same service within about two weeks
(the lines' re-contact flags are then set by the data migration's own statement); the walk-in
tickets carry the estimate, the tickets ahead and the open counters recorded at issue, as the wait
estimate's accuracy reads them. VACUUM ANALYZE after loading, as autovacuum would keep the statistics
and visibility map in production (it is off on this machine). `--keep` reuses the database when it
holds the same data ending yesterday.

**The roll-up.** The key figures and the wait estimate's accuracy are read from a daily roll-up
(`insights.rollup`, tables `contacts_rolledupday`, `_contactday`, `_serviceday`, `_callday`,
`_estimateday`), which the first request for a period makes for the days in it that are over. After
loading (or after a migration that forgets the roll-up), the first request for the year makes it for
the whole year; that is timed once and kept with the data (`--keep`). Each run also times rolling up
yesterday again, which is what the first request of a day does in production. A year is some thousand
roll-up rows per table; their waits, times at the counter and tickets are kept as packed integers in
whole seconds, as the records have them, which PostgreSQL joins per group and sends in its binary
format; the key figures' percentiles are then taken from counts per second, and the estimate's errors
from its tickets, so every figure is exactly what reading the contacts themselves would give.

**How it is measured.** In the benchmark's process with Django's test Client, production settings
(DEBUG off), logged in as the manager; {{warmup}} warm-up requests, then {{requests}} timed ones per
page and period, one at a time, with the machine's 1-minute load average before and after (it is
shared with other work). "Without estimate_accuracy" is the same page with that call replaced by an
empty list, to show what it costs. The dashboard's two calls are also timed on their own:
`kpis_and_hours` (every table of the page and the wait over the day, from one read of the roll-up)
and `estimate_accuracy`. Baselines in the same run: a bare `SELECT count(*)` of the period's contacts;
the dashboard's six key-figure calls through `skranke.insights.kpis` as it was at commit
{BASELINE_COMMIT} (read with `git show`), beside the same six calls now, and the same figures asked for
at once (`kpis_by` and `wait_by_hour`); and `estimate_accuracy` as it was at commit {ACCURACY_BASELINE},
which read every ticket of the period with its contact (read with `git show`).
"""


def write_section(lines: list[str], args) -> None:
    replace_section(HEADING, INTRO.format(warmup=args.warmup, requests=args.requests) + "\n" + "\n".join(lines) + "\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--contacts", type=int, default=1_000_000, help="contacts to load over the year")
    parser.add_argument("--keep", action="store_true", help="reuse the database when it holds the same data")
    parser.add_argument("--requests", type=int, default=20, help="timed requests per page and period")
    parser.add_argument("--warmup", type=int, default=3, help="requests before the timed ones")
    parser.add_argument("--parts", type=int, default=5, help="timed calls of each of the dashboard's calls")
    parser.add_argument(
        "--baseline-calls",
        type=int,
        default=3,
        help=f"timed calls of the {BASELINE_COMMIT} and {ACCURACY_BASELINE} code",
    )
    parser.add_argument(
        "--skip-baseline", action="store_true", help=f"leave out the {BASELINE_COMMIT} and {ACCURACY_BASELINE} code"
    )
    parser.add_argument("--write", action="store_true", help=f"add the run to its section in {DOC.name}")
    args = parser.parse_args(argv)
    if args.contacts < 1000 or args.requests < 1 or args.warmup < 0 or args.parts < 1 or args.baseline_calls < 1:
        parser.error("--contacts needs at least 1000; --requests, --parts and --baseline-calls at least 1")

    code = code_version()
    lock = one_run_at_a_time("insights")  # noqa: F841 (held until the process ends)
    ensure_postgres()
    database = server_line()
    kept = args.keep and loaded(args.contacts, dt.date.today() - dt.timedelta(days=1)) is not None
    w, load_seconds, counts = prepare(args)
    one_day = roll_up(w, counts)
    print("Pages...", file=sys.stderr)
    pages = measure_pages(w, warmup=args.warmup, repeats=args.requests)
    print("The dashboard's calls on their own...", file=sys.stderr)
    parts = measure_parts(w, repeats=args.parts)
    print("Baselines...", file=sys.stderr)
    baseline, _old = measure_baseline(
        w, repeats=args.requests, old_repeats=0 if args.skip_baseline else args.baseline_calls
    )

    when = dt.date.today().isoformat()
    lines = report(
        args=args,
        when=when,
        database=database,
        code=code,
        load_seconds=load_seconds,
        kept=kept,
        counts=counts,
        one_day=one_day,
        pages=pages,
        parts=parts,
        baseline=baseline,
    )
    print()
    print(f"Insights benchmark, {when}")
    print("\n".join(lines[2:]))
    if args.write:
        write_section(lines, args)
        print(f"\nWrote the section to {DOC.relative_to(ROOT)}.", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
