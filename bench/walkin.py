"""Walk-in counter day on PostgreSQL: issue → call → finish cycles, the raw commit rate, the kiosk over HTTP.

    .venv/bin/python bench/walkin.py                      # all three parts, 10 s per round
    .venv/bin/python bench/walkin.py --write              # and add the run to docs/benchmarks.md
    .venv/bin/python bench/walkin.py --seconds 3 --workers 1,4 --skip-http   # a quick look

Setup: drops and creates the database skranke_bench on 127.0.0.1:5432 (user
postgres, trust auth; the cluster is started if it is down), runs migrate,
load_catalogue and demo, opens every area of "Roskilde Bibliotek" all day,
every day, and adds one LIBRARY counter and one library staff member per
worker. Each round has as many staff standing at their counters
(counter_open) as it has workers, the kiosk round two; the wait estimate reads
them. This machine's PostgreSQL may run without autovacuum, so every round
starts with ANALYZE, as autovacuum would keep the statistics in production.

1. Cycles: each worker process (fork, its own connection) runs
   ticket_issue(library-loan in queue L) → ticket_call_next → ticket_finish
   (RESOLVED) through the service functions, with queue, counter and staff
   member loaded once per worker. call_next may return another worker's
   ticket; a call that returns None is not a cycle. Waiting tickets are
   cancelled (ticket_cancel) between rounds; finished contacts stay, so each
   round starts with the history of the rounds before it.
2. Raw commit rate: the same number of processes, each a bare loop of one
   single-row INSERT with autocommit (psycopg) into a throwaway table.
3. Kiosk: gunicorn with 2 sync workers and production settings (DEBUG off);
   16 connections in one asyncio client process POST /kiosk/<site>/tag-nummer/.
   Gunicorn's sync workers close every connection, so each request includes
   its TCP connect. A request counts as failed unless it is a 302 to the
   ticket page (an error is a 302 back to the kiosk). Nobody calls, so the
   queue grows all the time; the run is split in quarters to show whether
   latency grows with it, and run a second time from LONG_QUEUE waiting
   tickets (written directly), so a long queue is measured on a slow machine too.

Every round runs WARMUP_SECONDS first, then --seconds measured: a cycle,
commit or request counts when it completes inside the measured window.
Every round is run --repeat times (3), the raw commits and the cycles of a
process count in turn, and the repetition with the median rate is reported,
beside the rates of all of them: on a shared two-core machine one 10-second
round of 16 workers gave anything from 190 to 307 cycles/s on the same code.
"""

import argparse
import asyncio
import datetime as dt
import fcntl
import multiprocessing as mp
import os
import platform
import re
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from queue import Empty

import psycopg

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
DOC = ROOT / "docs" / "benchmarks.md"
HEADING = "## Walk-in counter day (`bench/walkin.py`)"
SERVER = "postgres://postgres@127.0.0.1:5432"
DATABASE = "skranke_bench"
DATABASE_URL = f"{SERVER}/{DATABASE}"
SITE = "Roskilde Bibliotek"
SERVICE = "library-loan"
WARMUP_SECONDS = 2.0
HTTP_CONNECTIONS = 16
HTTP_WORKERS = 2
# Staff at their counters while the kiosk is measured: the demo site's two library counters.
HTTP_PRESENT = 2
# The kiosk's second run starts from this many waiting tickets: what 300 requests/s make in 10 s.
LONG_QUEUE = 3000
# The targets this benchmark reports against.
TARGET_CYCLES = 200  # cycles/s at 16 workers
TARGET_REQUESTS = 300  # kiosk requests/s ...
TARGET_P99_MS = 100  # ... with p99 under this
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


# -- small helpers ----------------------------------------------------------------------


def percentile(values: list[float], p: int) -> float:
    """The p-th percentile (1..99) by the same method as triage.py; the value itself for one sample."""
    if not values:
        return float("nan")
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100)[p - 1]


def code_version() -> str:
    """The commit measured, and whether src/ had changes not yet committed."""
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--", "src"], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "code: not a git checkout"
    return f"code: commit {commit}" + (" with uncommitted changes in src/" if dirty else "")


def machine() -> tuple[str, int]:
    cpu = platform.processor() or platform.machine()
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    return cpu, os.cpu_count() or 1


def process_cpu(pid: int) -> float | None:
    """CPU seconds (user + system) a process has used so far; None once it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def postgres_pids() -> list[int]:
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if (entry / "comm").read_text().strip() == "postgres":
                    pids.append(int(entry.name))
            except OSError:
                continue
    return pids


def children_of(parent: int) -> list[int]:
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == parent:
                    pids.append(int(entry.name))
            except (OSError, ValueError, IndexError):
                continue
    return pids


def machine_ticks() -> tuple[int, int]:
    """(busy, total) jiffies of all CPUs since boot."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = values[3] + values[4]  # idle + iowait
    return sum(values) - idle, sum(values)


@dataclass
class CpuWatch:
    """CPU used by groups of processes, and by the whole machine, over one window.

    A process that ends inside the window is left out (its last figures are gone with it).
    """

    groups: dict[str, list[int]]
    start: dict[int, float] = field(default_factory=dict)
    ticks: tuple[int, int] = (0, 0)

    def begin(self) -> None:
        pids = {pid for pids in self.groups.values() for pid in pids}
        self.start = {pid: cpu for pid in pids if (cpu := process_cpu(pid)) is not None}
        self.ticks = machine_ticks()

    def end(self, seconds: float) -> dict[str, float]:
        """Cores used on average (1.0 = one core all the time) per group, by the machine, and by everything else."""
        now = {pid: process_cpu(pid) for pid in self.start}
        used = {
            name: sum(now[p] - self.start[p] for p in pids if p in now and now[p] is not None) / seconds
            for name, pids in self.groups.items()
        }
        busy, total = machine_ticks()
        cores = os.cpu_count() or 1
        used["machine"] = cores * (busy - self.ticks[0]) / max(1, total - self.ticks[1])
        used["others"] = max(0.0, used["machine"] - sum(used[name] for name in self.groups))
        return used


def collect(out, count: int, timeout: float = 120.0) -> list:
    """The results of `count` child processes; a child that died without one stops the benchmark."""
    try:
        return [out.get(timeout=timeout) for _ in range(count)]
    except Empty:
        raise SystemExit("A benchmark process ended without a result; see its traceback above.") from None


def sleep_until(moment: float) -> None:
    delay = moment - time.time()
    if delay > 0:
        time.sleep(delay)


# -- setup ----------------------------------------------------------------------------------


def one_run_at_a_time(name: str):
    """Hold bench/NAME.py's lock file until the process ends (keep the returned file), else exit with a message.

    Each benchmark's database has a fixed name: a second run at the same time would drop it under the first.
    """
    path = Path(tempfile.gettempdir()) / f"skranke-bench-{name}.lock"
    lock = open(path, "w")  # noqa: SIM115 (held until the process ends)
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        raise SystemExit(f"Another bench/{name}.py is running (it holds {path}); run one at a time.") from None
    return lock


def ensure_postgres() -> None:
    try:
        psycopg.connect(f"{SERVER}/postgres", connect_timeout=3).close()
        return
    except psycopg.OperationalError:
        pass
    version = sorted(os.listdir("/etc/postgresql"))[0]
    subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "start"], check=True)
    for _ in range(30):
        try:
            psycopg.connect(f"{SERVER}/postgres", connect_timeout=3).close()
            return
        except psycopg.OperationalError:
            time.sleep(1)
    raise SystemExit("PostgreSQL on 127.0.0.1:5432 did not start.")


# One set of keys for the whole run, so that every process writes the same audit chain.
KEYS = {name: secrets.token_urlsafe(50) for name in ("SECRET_KEY", "CPR_HASH_KEY", "AUDIT_KEY")}


def settings_env(*, debug: bool, database_url: str = DATABASE_URL, **production: str) -> dict[str, str]:
    """The environment of the setup commands (debug) and of gunicorn and this process (production).

    `production`: settings added to (or replacing) the production ones, e.g. ALLOWED_HOSTS.
    The other benchmarks use this too, each with its own database.
    """
    env = {k: v for k, v in os.environ.items() if k != "DEBUG"}
    env.update(KEYS)
    env["DATABASE_URL"] = database_url
    env["DJANGO_SETTINGS_MODULE"] = "skranke.settings"
    if debug:
        env["DEBUG"] = "1"
    else:
        env.update(
            ALLOWED_HOSTS="127.0.0.1",
            STATIC_MANIFEST="0",
            SECURE_SSL_REDIRECT="0",
            SECURE_COOKIES="0",
            AXES_ENABLED="0",
        )
        env.update(production)
    return env


def create_database() -> str:
    """A fresh skranke_bench with the catalogue and the demo municipality; returns the server's version line."""
    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {DATABASE}")
        version = conn.execute("SHOW server_version").fetchone()[0].split()[0]
        sync = conn.execute("SHOW synchronous_commit").fetchone()[0]
        fsync = conn.execute("SHOW fsync").fetchone()[0]
        autovacuum = conn.execute("SHOW autovacuum").fetchone()[0]
    env = settings_env(debug=True)
    for command in (["migrate", "--noinput"], ["load_catalogue"], ["demo"]):
        done = subprocess.run([BIN / "skranke", *command], env=env, cwd=ROOT, capture_output=True, text=True)
        if done.returncode:
            raise SystemExit(f"skranke {' '.join(command)} failed:\n{done.stdout}\n{done.stderr}")
    return f"PostgreSQL {version} (synchronous_commit={sync}, fsync={fsync}, autovacuum={autovacuum})"


def analyze() -> None:
    """Fresh planner statistics, as autovacuum would keep them in production.

    Without them a fresh database plans the wait estimate's contact query as a
    nested loop whose cost grows with the square of the day's contacts.
    """
    with psycopg.connect(DATABASE_URL, autocommit=True) as conn:
        conn.execute("ANALYZE")


def django_setup() -> None:
    os.environ.update(settings_env(debug=False))
    import django

    django.setup()


@dataclass(frozen=True)
class Bench:
    site_id: int
    queue_id: int
    service_id: int
    places: list[tuple[int, int]]  # (counter id, staff user id), one per worker


def prepare(workers: int) -> Bench:
    """Open the site all day and give each worker a library counter and a library staff member standing at it."""
    from skranke.catalogue.models import Kind, Service
    from skranke.organisation.demo import DEMO_CODE
    from skranke.organisation.models import Area, OpeningHours, Site, StaffGroup
    from skranke.organisation.policy import check
    from skranke.organisation.services import counter_create, staff_member_create
    from skranke.queues.models import Queue

    site = Site.objects.select_related("municipality").get(name=SITE, municipality__code=DEMO_CODE)
    OpeningHours.objects.filter(site=site).delete()
    OpeningHours.objects.bulk_create(
        OpeningHours(site=site, area=area, weekday=day, opens=dt.time(0, 0), closes=dt.time.max)
        for area in site.areas
        for day in range(7)
    )
    queue = Queue.objects.get(site=site, area=Area.LIBRARY, active=True)
    service = Service.objects.get(key=SERVICE)
    if service.kind != Kind.LIBRARY or not queue.services.filter(pk=service.pk).exists():
        raise SystemExit(f"{SERVICE} must be a LIBRARY service in queue {queue.letter} of {SITE}.")
    places = []
    for n in range(1, workers + 1):
        counter = counter_create(site=site, name=f"Bench {n:02d}", area=Area.LIBRARY)
        staff = staff_member_create(
            municipality=site.municipality,
            username=f"bench{n:02d}",
            first_name="Bench",
            last_name=f"{n:02d}",
            staff_group=StaffGroup.LIBRARY,
            home_site=site,
        )
        decision = check(staff=staff, service=service, counter=counter)
        if not decision:
            raise SystemExit(f"The policy check refuses {SERVICE} to bench{n:02d}: {decision.reason}")
        places.append((counter.pk, staff.user_id))
    return Bench(site_id=site.pk, queue_id=queue.pk, service_id=service.pk, places=places)


def staff_counters(bench: Bench, present: int) -> None:
    """The first `present` bench staff stand at their counters (opened or refreshed); the others have left."""
    from skranke.organisation.models import Counter, StaffMember
    from skranke.queues.services import counter_close, counter_open

    for n, (counter_id, user_id) in enumerate(bench.places):
        counter = Counter.objects.select_related("site").get(pk=counter_id)
        staff = StaffMember.objects.select_related("user", "municipality").get(user_id=user_id)
        if n < present:
            counter_open(counter=counter, staff=staff)
        else:
            counter_close(counter=counter, staff=staff)


def cancel_waiting(bench: Bench) -> int:
    """Cancel what is left waiting (or called and never finished) in the bench queue, through ticket_cancel."""
    from skranke.queues.models import Status, Ticket
    from skranke.queues.services import ticket_cancel

    left = list(Ticket.objects.filter(queue_id=bench.queue_id, status__in=[Status.WAITING, Status.CALLED]))
    for ticket in left:
        ticket_cancel(ticket=ticket)
    return len(left)


def history(bench: Bench) -> tuple[int, int]:
    """(contacts at the site today, tickets at the site in the last 30 days): the history the run starts with."""
    from django.utils import timezone

    from skranke.contacts.models import Contact
    from skranke.queues.models import Ticket

    today = timezone.localdate()
    contacts = Contact.objects.filter(site_id=bench.site_id, finished_at__date__gte=today).count()
    tickets = Ticket.objects.filter(queue__site_id=bench.site_id, day__gte=today - dt.timedelta(days=30)).count()
    return contacts, tickets


# -- 1. cycles ----------------------------------------------------------------------------------


@dataclass
class Round:
    processes: int
    rate: float  # completions per second in the measured window
    latencies: list[float]  # seconds
    steps: dict[str, list[float]] = field(default_factory=dict)
    nones: int = 0
    errors: int = 0
    first_error: str = ""
    cpu: dict[str, float] = field(default_factory=dict)
    contacts_before: int = 0
    repetitions: list[float] = field(default_factory=list)  # the rate of every repetition, in order


def _load(counter_id: int, user_id: int, queue_id: int, service_id: int):
    from django.contrib.auth import get_user_model

    from skranke.catalogue.models import Service
    from skranke.organisation.models import Counter
    from skranke.organisation.selectors import staff_member_for
    from skranke.queues.models import Queue

    counter = Counter.objects.select_related("site").get(pk=counter_id)
    staff = staff_member_for(get_user_model().objects.get(pk=user_id))
    queue = Queue.objects.select_related("site__municipality").get(pk=queue_id)
    return counter, staff, queue, Service.objects.get(pk=service_id)


def _cycle(counter, staff, queue, service) -> tuple[bool, float, float, float]:
    """One issue → call → finish; (a ticket was called, and the seconds of each step)."""
    from skranke.contacts.models import Outcome
    from skranke.contacts.services import Line, ticket_finish
    from skranke.queues.services import ticket_call_next, ticket_issue

    t0 = time.perf_counter()
    ticket_issue(queue=queue, services=[service])
    t1 = time.perf_counter()
    called = ticket_call_next(counter=counter, staff=staff)
    t2 = time.perf_counter()
    if called is not None:
        ticket_finish(ticket=called, staff=staff, lines=[Line(service=service, outcome=Outcome.RESOLVED)])
    t3 = time.perf_counter()
    return called is not None, t1 - t0, t2 - t1, t3 - t2


def cycle_worker(place: tuple[int, int], bench: Bench, start_at: float, measure_from: float, stop_at: float, out):
    from django.db import connections

    counter, staff, queue, service = _load(*place, bench.queue_id, bench.service_id)
    result = {"latencies": [], "issue": [], "call": [], "finish": [], "nones": 0, "errors": 0, "first_error": ""}
    sleep_until(start_at)
    while time.time() < stop_at:
        began = time.perf_counter()
        try:
            called, issue, call, finish = _cycle(counter, staff, queue, service)
        except Exception as error:  # counted and shown, never hidden
            result["errors"] += 1
            result["first_error"] = result["first_error"] or repr(error)
            if result["errors"] > 50:
                break
            continue
        ended = time.time()
        if not measure_from <= ended < stop_at:
            continue
        if not called:
            result["nones"] += 1
            continue
        result["latencies"].append(time.perf_counter() - began)
        result["issue"].append(issue)
        result["call"].append(call)
        result["finish"].append(finish)
    connections.close_all()
    out.put(result)


def run_cycles(bench: Bench, processes: int, seconds: float) -> Round:
    from django.db import connections

    # The estimate reads who stands at the counters: one presence per working counter.
    staff_counters(bench, processes)
    analyze()
    contacts_before, _tickets = history(bench)
    connections.close_all()  # the children must not share the parent's connection
    context = mp.get_context("fork")
    out = context.Queue()
    start_at = time.time() + 1.0  # time for the children to start and connect
    measure_from, stop_at = start_at + WARMUP_SECONDS, start_at + WARMUP_SECONDS + seconds
    workers = [
        context.Process(target=cycle_worker, args=(bench.places[i], bench, start_at, measure_from, stop_at, out))
        for i in range(processes)
    ]
    for worker in workers:
        worker.start()
    sleep_until(measure_from)
    # PostgreSQL's processes are listed now, when the workers' backends exist.
    watch = CpuWatch({"workers": [w.pid for w in workers], "postgres": postgres_pids()})
    watch.begin()
    sleep_until(stop_at)
    cpu = watch.end(seconds)
    results = collect(out, len(workers))
    for worker in workers:
        worker.join()
    merged = Round(processes=processes, rate=0.0, latencies=[], cpu=cpu, contacts_before=contacts_before)
    merged.steps = {"issue": [], "call": [], "finish": []}
    for result in results:
        merged.latencies += result["latencies"]
        for step in merged.steps:
            merged.steps[step] += result[step]
        merged.nones += result["nones"]
        merged.errors += result["errors"]
        merged.first_error = merged.first_error or result["first_error"]
    merged.rate = len(merged.latencies) / seconds
    cancel_waiting(bench)
    return merged


def queries_per_step(bench: Bench) -> dict[str, str]:
    """Queries of each step of the first cycle in a fresh process and of the next one ("first / next").

    The next one can be cheaper: the wait estimate keeps parts in the process's cache for a few seconds.
    """
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from skranke.contacts.models import Outcome
    from skranke.contacts.services import Line, ticket_finish
    from skranke.queues.services import ticket_call_next, ticket_issue

    cache.clear()
    counter, staff, queue, service = _load(*bench.places[0], bench.queue_id, bench.service_id)
    counts: dict[str, list[int]] = {"issue": [], "call": [], "finish": []}
    for _ in range(2):
        with CaptureQueriesContext(connection) as captured:
            ticket_issue(queue=queue, services=[service])
        counts["issue"].append(len(captured))
        with CaptureQueriesContext(connection) as captured:
            called = ticket_call_next(counter=counter, staff=staff)
        counts["call"].append(len(captured))
        if called is None:
            raise SystemExit("ticket_call_next found nothing right after ticket_issue: the bench setup is wrong.")
        with CaptureQueriesContext(connection) as captured:
            ticket_finish(ticket=called, staff=staff, lines=[Line(service=service, outcome=Outcome.RESOLVED)])
        counts["finish"].append(len(captured))
    return {step: f"{first} / {following}" for step, (first, following) in counts.items()}


# -- 2. raw commit rate -----------------------------------------------------------------------


def commit_worker(start_at: float, measure_from: float, stop_at: float, out) -> None:
    latencies = []
    with psycopg.connect(DATABASE_URL, autocommit=True) as conn:
        sleep_until(start_at)
        while time.time() < stop_at:
            began = time.perf_counter()
            conn.execute("INSERT INTO bench_commit (payload) VALUES (%s)", ("walk-in",))
            if measure_from <= time.time() < stop_at:
                latencies.append(time.perf_counter() - began)
    out.put(latencies)


def run_commits(processes: int, seconds: float) -> Round:
    with psycopg.connect(DATABASE_URL, autocommit=True) as conn:
        conn.execute("DROP TABLE IF EXISTS bench_commit")
        conn.execute("CREATE TABLE bench_commit (id bigserial PRIMARY KEY, at timestamptz DEFAULT now(), payload text)")
    context = mp.get_context("fork")
    out = context.Queue()
    start_at = time.time() + 0.5
    measure_from, stop_at = start_at + WARMUP_SECONDS, start_at + WARMUP_SECONDS + seconds
    workers = [
        context.Process(target=commit_worker, args=(start_at, measure_from, stop_at, out)) for _ in range(processes)
    ]
    for worker in workers:
        worker.start()
    sleep_until(measure_from)
    # PostgreSQL's processes are listed now, when the workers' backends exist.
    watch = CpuWatch({"workers": [w.pid for w in workers], "postgres": postgres_pids()})
    watch.begin()
    sleep_until(stop_at)
    cpu = watch.end(seconds)
    latencies = [value for result in collect(out, len(workers)) for value in result]
    for worker in workers:
        worker.join()
    with psycopg.connect(DATABASE_URL, autocommit=True) as conn:
        conn.execute("DROP TABLE bench_commit")
    return Round(processes=processes, rate=len(latencies) / seconds, latencies=latencies, cpu=cpu)


# -- 3. the kiosk over HTTP ----------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def kiosk_form(port: int, site_id: int) -> tuple[str, str]:
    """(csrftoken cookie, csrfmiddlewaretoken) from the kiosk page; checks that it offers the bench service."""
    import http.client

    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("GET", f"/kiosk/{site_id}/")
    response = conn.getresponse()
    body = response.read().decode()
    if response.status != 200:
        raise SystemExit(f"GET /kiosk/{site_id}/ answered {response.status}")
    cookie = re.search(r"csrftoken=([^;]+)", response.getheader("Set-Cookie") or "")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body)
    if not (cookie and token):
        raise SystemExit("The kiosk page set no csrftoken cookie or has no csrfmiddlewaretoken.")
    if f'value="{SERVICE}"' not in body:
        raise SystemExit(f"The kiosk of {SITE} offers no button for {SERVICE}.")
    return cookie.group(1), token.group(1)


@dataclass(frozen=True)
class Sample:
    started: float  # wall clock
    latency: float  # seconds, connect included when the server had closed the connection
    status: int  # 0: the connection failed
    ok: bool  # a 302 to the ticket page

    @property
    def ended(self) -> float:
        return self.started + self.latency


async def _connection(port: int, request: bytes, ticket_path: bytes, stop_at: float, samples: list) -> None:
    reader = writer = None
    while (started := time.time()) < stop_at:
        began = time.perf_counter()
        status, location, close = 0, b"", True
        try:
            if writer is None:
                reader, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.write(request)
            head = await reader.readuntil(b"\r\n\r\n")
            lines = head.split(b"\r\n")
            status = int(lines[0].split()[1])
            headers = {}
            for line in lines[1:]:
                if b":" in line:
                    name, value = line.split(b":", 1)
                    headers[name.strip().lower()] = value.strip()
            length = int(headers.get(b"content-length", b"0"))
            if length:
                await reader.readexactly(length)
            location = headers.get(b"location", b"")
            close = headers.get(b"connection", b"").lower() == b"close"
        except (OSError, asyncio.IncompleteReadError, ValueError, IndexError):
            status = 0
        samples.append(
            Sample(started, time.perf_counter() - began, status, status == 302 and location.startswith(ticket_path))
        )
        if close and writer is not None:
            writer.close()
            reader = writer = None
    if writer is not None:
        writer.close()


def http_client(port: int, site_id: int, cookie: str, token: str, connections: int, start_at: float, stop_at, out):
    body = f"service={SERVICE}&csrfmiddlewaretoken={token}".encode()
    request = (
        f"POST /kiosk/{site_id}/tag-nummer/ HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
        f"Cookie: csrftoken={cookie}\r\nContent-Type: application/x-www-form-urlencoded\r\n"
        f"Content-Length: {len(body)}\r\nConnection: keep-alive\r\n\r\n"
    ).encode() + body
    ticket_path = f"/kiosk/{site_id}/nummer/".encode()
    samples: list[Sample] = []

    async def main():
        await asyncio.gather(*(_connection(port, request, ticket_path, stop_at, samples) for _ in range(connections)))

    sleep_until(start_at)
    asyncio.run(main())
    out.put(samples)


@dataclass
class HttpResult:
    rate: float
    latencies: list[float]
    failed: int
    statuses: dict[int, int]
    quarters: list[tuple[int, int, float, float, float]]  # waiting at start, at end, req/s, p50, p99 (by completion)
    waiting_at_start: int
    waiting_at_end: int
    cpu: dict[str, float]
    tickets_30_days: int
    repetitions: list[tuple[float, float]] = field(default_factory=list)  # (rate, p99 s) of every repetition


def median_of(results: list):
    """The repetition with the median rate (the lower of the middle two), with every repetition's figures on it."""
    chosen = sorted(results, key=lambda r: r.rate)[(len(results) - 1) // 2]
    if isinstance(chosen, HttpResult):
        chosen.repetitions = [(r.rate, percentile(r.latencies, 99)) for r in results]
    else:
        chosen.repetitions = [r.rate for r in results]
    return chosen


def each(rates: list[float]) -> str:
    return " / ".join(f"{rate:.0f}" for rate in rates)


def fill_queue(bench: Bench, count: int) -> None:
    """`count` waiting tickets in the bench queue, written directly (setup, not measured)."""
    from django.db import transaction
    from django.utils import timezone

    from skranke.queues.models import Ticket, TicketDay, TicketService

    now, day = timezone.now(), timezone.localdate()
    with transaction.atomic():
        sequence, _created = TicketDay.objects.select_for_update().get_or_create(queue_id=bench.queue_id, day=day)
        tickets = Ticket.objects.bulk_create(
            Ticket(queue_id=bench.queue_id, day=day, number=sequence.last_number + n, issued_at=now)
            for n in range(1, count + 1)
        )
        TicketService.objects.bulk_create(TicketService(ticket=t, service_id=bench.service_id) for t in tickets)
        sequence.last_number += count
        sequence.save(update_fields=["last_number"])


def run_http(bench: Bench, seconds: float, *, prefill: int = 0) -> HttpResult:
    """The kiosk under load, starting from an empty queue or from `prefill` waiting tickets."""
    from django.db import connections

    from skranke.queues.models import Status, Ticket

    staff_counters(bench, HTTP_PRESENT)
    cancel_waiting(bench)
    fill_queue(bench, prefill)
    analyze()
    _contacts, tickets_30_days = history(bench)
    connections.close_all()
    port = free_port()
    with tempfile.NamedTemporaryFile(prefix="walkin-gunicorn-", suffix=".log", delete=False) as log:
        server = subprocess.Popen(
            [BIN / "gunicorn", "skranke.wsgi:application", "-w", str(HTTP_WORKERS), "-b", f"127.0.0.1:{port}"],
            env=settings_env(debug=False),
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            for _ in range(100):
                try:
                    cookie, token = kiosk_form(port, bench.site_id)
                    break
                except (ConnectionError, OSError):
                    if server.poll() is not None:
                        raise SystemExit(f"gunicorn stopped; see {log.name}") from None
                    time.sleep(0.2)
            else:
                raise SystemExit(f"gunicorn did not answer; see {log.name}")
            context = mp.get_context("fork")
            out = context.Queue()
            start_at = time.time() + 0.5
            measure_from, stop_at = start_at + WARMUP_SECONDS, start_at + WARMUP_SECONDS + seconds
            client = context.Process(
                target=http_client,
                args=(port, bench.site_id, cookie, token, HTTP_CONNECTIONS, start_at, stop_at, out),
            )
            client.start()
            sleep_until(measure_from)
            watch = CpuWatch(
                {
                    "client": [client.pid],
                    "gunicorn": [server.pid, *children_of(server.pid)],
                    "postgres": postgres_pids(),
                }
            )
            watch.begin()
            sleep_until(stop_at)
            cpu = watch.end(seconds)
            [samples] = collect(out, 1)
            client.join()
        finally:
            server.terminate()
            server.wait(timeout=30)
    Path(log.name).unlink()  # kept only when gunicorn failed
    waiting = Ticket.objects.filter(queue_id=bench.queue_id, status=Status.WAITING).count()

    measured = [s for s in samples if measure_from <= s.ended < stop_at]
    statuses: dict[int, int] = {}
    for s in measured:
        statuses[s.status] = statuses.get(s.status, 0) + 1
    quarters = []
    quarter = seconds / 4
    for q in range(4):
        begin, end = measure_from + q * quarter, measure_from + (q + 1) * quarter
        inside = [s.latency for s in measured if begin <= s.ended < end]
        # Waiting tickets: every ticket issued so far (warm-up included), as nobody calls.
        before = prefill + sum(s.ok for s in samples if s.ended < begin)
        upto = prefill + sum(s.ok for s in samples if s.ended < end)
        quarters.append((before, upto, len(inside) / quarter, percentile(inside, 50), percentile(inside, 99)))
    return HttpResult(
        rate=len(measured) / seconds,
        latencies=[s.latency for s in measured],
        failed=sum(not s.ok for s in measured),
        statuses=statuses,
        quarters=quarters,
        waiting_at_start=prefill,
        waiting_at_end=waiting,
        cpu=cpu,
        tickets_30_days=tickets_30_days,
    )


# -- report ---------------------------------------------------------------------------------------


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f}"


def cores(cpu: dict[str, float], *names: str) -> str:
    return " / ".join(f"{cpu[name]:.2f}" for name in names)


def cpu_ms(cpu: dict[str, float], rate: float, *names: str) -> str:
    """Milliseconds of CPU per cycle or request, spent by these groups of processes."""
    return f"{sum(cpu[name] for name in names) / rate * 1000:.0f}" if rate else "–"


def report(
    *,
    args,
    when: str,
    database: str,
    code: str,
    queries: dict[str, str],
    cycles: list[Round],
    commits: list[Round],
    http,
) -> list[str]:
    cpu, count = machine()
    out = [
        f"### {when}",
        "",
        f"Machine: {cpu}, {count} cores, Python {platform.python_version()}, "
        f"{platform.system()} {platform.release()}; {database} on the same machine; {code}. "
        f"{args.seconds:g} s measured per round after {WARMUP_SECONDS:g} s of warm-up; every round "
        f"{args.repeat} times, the repetition with the median rate shown (all of them in the last columns); "
        "no `taskset`.",
        "",
        "**Cycles** (issue → call → finish; a cycle commits three transactions) beside the raw commit rate, same run:",
        "",
        "| processes | cycles/s | cycle p50 ms | cycle p99 ms | raw commits/s | commit p50 ms | commit p99 ms "
        "| cycles/s of each repetition | raw commits/s of each |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    raw = {r.processes: r for r in commits}
    for r in cycles:
        c = raw.get(r.processes)
        commit_cells = (
            f"{c.rate:.0f} | {ms(percentile(c.latencies, 50))} | {ms(percentile(c.latencies, 99))}"
            if c
            else "– | – | –"
        )
        out.append(
            f"| {r.processes} | {r.rate:.0f} | {ms(percentile(r.latencies, 50))} | {ms(percentile(r.latencies, 99))} "
            f"| {commit_cells} | {each(r.repetitions)} | {each(c.repetitions) if c else '–'} |"
        )
    out += [
        "",
        f"Where a cycle's time goes. Queries of the first cycle in a process / of the next: "
        f"issue {queries['issue']}, call {queries['call']}, finish {queries['finish']}. "
        f"CPU: cores used on average over the measured window (the machine has {count}); "
        '"others" is every other process on the machine, the benchmark\'s own parent included.',
        "",
        "| processes | issue p50 ms | call p50 ms | finish p50 ms | call found nothing | errors "
        "| contacts today at start | CPU ms per cycle (workers + PostgreSQL) "
        "| CPU cores: workers / PostgreSQL / others | same for the raw commits |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in cycles:
        c = raw.get(r.processes)
        out.append(
            f"| {r.processes} | {ms(percentile(r.steps['issue'], 50))} | {ms(percentile(r.steps['call'], 50))} "
            f"| {ms(percentile(r.steps['finish'], 50))} | {r.nones} | {r.errors} | {r.contacts_before} "
            f"| {cpu_ms(r.cpu, r.rate, 'workers', 'postgres')} "
            f"| {cores(r.cpu, 'workers', 'postgres', 'others')} "
            f"| {cores(c.cpu, 'workers', 'postgres', 'others') if c else '–'} |"
        )
    for r in cycles:
        if r.errors:
            out += ["", f"First error with {r.processes} processes: `{r.first_error}`"]
    targets = []
    at16 = next((r for r in cycles if r.processes == 16), None)
    if at16 is not None:
        targets.append(
            (f"≥ {TARGET_CYCLES} cycles/s at 16 workers", f"{at16.rate:.0f} cycles/s", at16.rate >= TARGET_CYCLES)
        )
    if http:
        fresh = http[0]
        out += [
            "",
            f"**Kiosk** `POST /kiosk/<site>/tag-nummer/` through gunicorn ({HTTP_WORKERS} sync workers, DEBUG off), "
            f"{HTTP_CONNECTIONS} connections, once from an empty queue and once from {LONG_QUEUE} waiting tickets "
            "(what 300 requests/s make in 10 s), with the site's tickets of the last 30 days as history.",
            "",
            "| waiting at start | tickets in 30 days at start | requests/s | p50 ms | p99 ms "
            "| failed (not a 302 to the ticket page) | waiting at end | CPU ms per request (gunicorn + PostgreSQL) "
            "| CPU cores: client / gunicorn / PostgreSQL / others | requests/s (p99 ms) of each repetition |",
            "|---|---|---|---|---|---|---|---|---|---|",
        ]
        for h in http:
            out.append(
                f"| {h.waiting_at_start} | {h.tickets_30_days} | {h.rate:.0f} | {ms(percentile(h.latencies, 50))} "
                f"| {ms(percentile(h.latencies, 99))} | {h.failed} | {h.waiting_at_end} "
                f"| {cpu_ms(h.cpu, h.rate, 'gunicorn', 'postgres')} "
                f"| {cores(h.cpu, 'client', 'gunicorn', 'postgres', 'others')} "
                f"| {' / '.join(f'{rate:.0f} ({ms(p99)})' for rate, p99 in h.repetitions)} |"
            )
        statuses = "; ".join(
            f"from {h.waiting_at_start} waiting: "
            + ", ".join(f"{status or 'no answer'} × {n}" for status, n in sorted(h.statuses.items()))
            for h in http
        )
        out += [
            "",
            f"Answers: {statuses}. The client (one asyncio process) used {http[0].cpu['client']:.2f} cores; "
            "it is not the bottleneck while it uses a small part of one core and the server's processes the rest.",
            "",
            "By quarter of the run from an empty queue (nobody calls, so the queue only grows):",
            "",
            "| quarter | tickets waiting | requests/s | p50 ms | p99 ms |",
            "|---|---|---|---|---|",
        ]
        for n, (before, upto, rate, q50, q99) in enumerate(fresh.quarters, 1):
            out.append(f"| {n} | {before}–{upto} | {rate:.0f} | {ms(q50)} | {ms(q99)} |")
        first, last = fresh.quarters[0], fresh.quarters[-1]
        out += [
            "",
            f"From the first quarter to the last, p99 went from {ms(first[4])} to {ms(last[4])} ms, "
            f"p50 from {ms(first[3])} to {ms(last[3])} ms, while the queue grew from {first[0]} to {last[1]}.",
        ]
        if len(http) > 1:
            long = http[1]
            change = percentile(long.latencies, 50) / percentile(fresh.latencies, 50) - 1
            cost = sum(long.cpu[g] for g in ("gunicorn", "postgres")) / long.rate
            base = sum(fresh.cpu[g] for g in ("gunicorn", "postgres")) / fresh.rate
            out[-1] += (
                f" Starting from {long.waiting_at_start} waiting tickets, the CPU per request is "
                f"{cost / base - 1:+.0%} and p50 {change:+.0%} against the run from an empty queue "
                "(latency also moves with the load of other processes; CPU per request hardly does)."
            )
        targets.append(
            (
                f"kiosk ≥ {TARGET_REQUESTS} requests/s with p99 < {TARGET_P99_MS} ms",
                f"{fresh.rate:.0f} requests/s, p99 {ms(percentile(fresh.latencies, 99))} ms",
                fresh.rate >= TARGET_REQUESTS and percentile(fresh.latencies, 99) * 1000 < TARGET_P99_MS,
            )
        )
        failed = sum(h.failed for h in http)
        targets.append(("kiosk: no failed request", f"{failed} failed", failed == 0))
    windows = [r.cpu for r in (*cycles, *commits)] + [h.cpu for h in http or []]
    others = sum(w["others"] for w in windows) / len(windows) if windows else 0.0
    if others > 0.25:
        out += [
            "",
            f"Other processes on the machine used {others:.2f} cores on average over the measured windows: "
            "the figures are lower than this machine gives when it is otherwise idle.",
        ]
    if targets:
        out += ["", "| target | result | |", "|---|---|---|"]
        out += [f"| {name} | {result} | {'met' if met else 'not met'} |" for name, result, met in targets]
    return out


INTRO = f"""{HEADING}

```sh
make bench                                        # all benchmarks
.venv/bin/python bench/walkin.py --write          # this one, and add the run here
.venv/bin/python bench/walkin.py --seconds 3 --workers 1,4 --skip-http   # a quick look
```

**Setup.** A fresh database `skranke_bench` on the local PostgreSQL with the
catalogue and the demo municipality; "{SITE}" open all day, every day; one
LIBRARY counter and one library staff member (no authorisation needed for
library work) per worker. In each round as many staff stand at their counters
as there are workers ({HTTP_PRESENT} in the kiosk round): the wait estimate
given with every ticket reads them. Every round starts with `ANALYZE`, as
autovacuum would keep the planner's statistics in production (it is off on
the machine below; without statistics the estimate's contact query is planned
as a nested loop that grows with the square of the day's contacts).

**Cycles.** Each worker process (its own connection) repeats
`ticket_issue` ({SERVICE} in queue L) → `ticket_call_next` → `ticket_finish`
(RESOLVED) through the service functions; queue, counter and staff member are
loaded once per worker. `ticket_call_next` may return another worker's ticket;
a call that finds nothing is not a cycle. Waiting tickets are cancelled
between rounds; the finished contacts stay, so a later round starts with more
history (column "contacts today at start", which the wait estimate reads).
Beside them, the raw commit rate: the same number of processes, each a bare
loop of a single-row INSERT with autocommit into a throwaway table.

**Kiosk.** gunicorn with {HTTP_WORKERS} sync workers and production settings
(DEBUG off, ALLOWED_HOSTS=127.0.0.1, STATIC_MANIFEST=0, no HTTPS redirect, no
secure cookies, no login lockout), {HTTP_CONNECTIONS} concurrent connections
from one asyncio client process, each posting `service={SERVICE}` with the CSRF
cookie and token. gunicorn's sync workers close the connection after every
answer, so every request includes its TCP connect. A request counts as failed
unless it is a 302 to the ticket page (a refusal is a 302 back to the kiosk).
Nobody calls tickets, so the queue grows through the run. A second run starts
from {LONG_QUEUE} waiting tickets (written directly into the database as setup).

A cycle, commit or request counts when it completes inside the measured
window, after {WARMUP_SECONDS:g} s of warm-up. Latencies are per cycle or request.
Each round is repeated (3 times unless said otherwise; the raw commits and the
cycles of a process count in turn, the kiosk's two runs likewise), and the
repetition with the median rate is shown, with the rates of all of them
beside it: on this shared two-core machine one 10-second round of 16 workers
gave anything from 190 to 307 cycles/s on the same code.
"""


def replace_section(heading: str, section: str) -> None:
    """Put `section` in docs/benchmarks.md in place of the one whose heading starts with `heading`, else at the end.

    The earlier runs recorded there (its `### ` parts) stay, below the new one: a run is
    never overwritten by a later one. The other benchmarks write their sections with this too.
    """
    text = DOC.read_text(encoding="utf-8")
    found = re.search(rf"^{re.escape(heading)}.*$", text, flags=re.MULTILINE)
    if found is None:
        text = text.rstrip("\n") + "\n\n" + section
    else:
        following = re.search(r"^## ", text[found.end() :], flags=re.MULTILINE)
        end = found.end() + following.start() if following else len(text)
        earlier = re.search(r"^### ", text[found.end() : end], flags=re.MULTILINE)
        if earlier:
            section = section.rstrip("\n") + "\n\n" + text[found.end() + earlier.start() : end].rstrip("\n") + "\n"
        text = text[: found.start()] + section + ("\n" if following else "") + text[end:]
    DOC.write_text(text, encoding="utf-8")


def write_section(lines: list[str]) -> None:
    replace_section("## Walk-in counter day", INTRO + "\n" + "\n".join(lines) + "\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--seconds", type=float, default=10.0, help="measured seconds per round (after warm-up)")
    parser.add_argument("--workers", default="1,4,16", help="worker process counts, comma-separated")
    parser.add_argument("--repeat", type=int, default=3, help="repetitions of every round; the median is reported")
    parser.add_argument("--skip-http", action="store_true", help="leave out the kiosk over HTTP")
    parser.add_argument("--write", action="store_true", help=f"add the run to its section in {DOC.name}")
    args = parser.parse_args(argv)
    try:
        counts = [int(n) for n in args.workers.split(",") if n.strip()]
    except ValueError:
        parser.error("--workers takes whole numbers separated by commas, e.g. 1,4,16")
    if not counts or min(counts) < 1 or args.seconds <= 0 or args.repeat < 1:
        parser.error("--workers needs counts of at least 1; --seconds and --repeat must be positive")

    code = code_version()
    lock = one_run_at_a_time("walkin")  # noqa: F841 (held until the process ends)
    ensure_postgres()
    print(f"Setting up {DATABASE} (migrate, load_catalogue, demo)...", file=sys.stderr)
    database = create_database()
    django_setup()
    bench = prepare(max(counts))
    queries = queries_per_step(bench)
    cancel_waiting(bench)

    commits, cycles = [], []
    for n in counts:
        rounds: tuple[list[Round], list[Round]] = ([], [])
        for time_ in range(1, args.repeat + 1):
            print(f"Raw commits, {n} processes ({time_} of {args.repeat})...", file=sys.stderr)
            rounds[0].append(run_commits(n, args.seconds))
            print(f"Cycles, {n} workers ({time_} of {args.repeat})...", file=sys.stderr)
            rounds[1].append(run_cycles(bench, n, args.seconds))
        commits.append(median_of(rounds[0]))
        cycles.append(median_of(rounds[1]))
    http = []
    if not args.skip_http:
        runs: tuple[list[HttpResult], list[HttpResult]] = ([], [])
        for time_ in range(1, args.repeat + 1):
            print(f"Kiosk over HTTP, from an empty queue ({time_} of {args.repeat})...", file=sys.stderr)
            runs[0].append(run_http(bench, args.seconds))
            print(f"Kiosk over HTTP, from {LONG_QUEUE} waiting tickets ({time_} of {args.repeat})...", file=sys.stderr)
            runs[1].append(run_http(bench, args.seconds, prefill=LONG_QUEUE))
        http = [median_of(runs[0]), median_of(runs[1])]

    when = dt.date.today().isoformat()
    lines = report(
        args=args, when=when, database=database, code=code, queries=queries, cycles=cycles, commits=commits, http=http
    )
    print()
    print(f"Walk-in counter day benchmark, {when}")
    print("\n".join(lines[2:]))
    if args.write:
        write_section(lines)
        print(f"\nWrote the section to {DOC.relative_to(ROOT)}.", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
