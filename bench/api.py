"""The REST API under load on PostgreSQL: the catalogue, a slot search and ticket issue, beside a trivial baseline.

    .venv/bin/python bench/api.py                 # 10 s per endpoint after 2 s of warm-up
    .venv/bin/python bench/api.py --write         # and add the run to docs/benchmarks.md
    .venv/bin/python bench/api.py --seconds 3     # a quick look

Setup: drops and creates the database skranke_bench_api on 127.0.0.1:5432
(user postgres, trust auth; the cluster is started if it is down), runs
migrate, load_catalogue and demo, opens every area of "Roskilde Bibliotek"
all day, every day, and makes a kiosk token for Roskilde with
`api_token_create`. Gunicorn runs `skranke.wsgi` with 2 sync workers and
production settings (DEBUG off), the rate limits raised out of the way (their
bookkeeping is still done on every request). One asyncio client process keeps
16 connections busy, one request after another on each; gunicorn's sync
workers close every connection, so each request includes its TCP connect.

Endpoints, each measured on its own, in this order:
- baseline: GET /api/v1/ (authentication, throttling, one query, a small JSON answer);
- catalogue: GET /api/v1/municipalities/265/services/ (every service with today's fees);
- slots: GET /api/v1/municipalities/265/slots/?service=passport-application (a week, every site);
- issue: POST /api/v1/sites/<Roskilde Bibliotek>/tickets/ with the kiosk token (library-loan);
  nobody calls, so the queue grows through the run, as in bench/walkin.py's kiosk.
A request counts when it completes inside the measured window; it fails unless it answers 200 (201 for issue).
"""

import argparse
import asyncio
import datetime as dt
import json
import multiprocessing as mp
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import psycopg

from walkin import (
    SERVER,
    CpuWatch,
    children_of,
    code_version,
    collect,
    ensure_postgres,
    free_port,
    machine,
    one_run_at_a_time,
    percentile,
    postgres_pids,
    replace_section,
    sleep_until,
)
from walkin import settings_env as walkin_env

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
DOC = ROOT / "docs" / "benchmarks.md"
HEADING = "## API (`bench/api.py`)"
DATABASE = "skranke_bench_api"
DATABASE_URL = f"{SERVER}/{DATABASE}"
CODE = 265
SITE = "Roskilde Bibliotek"
ISSUE_SERVICE = "library-loan"
SLOT_SERVICE = "passport-application"
WARMUP_SECONDS = 2.0
CONNECTIONS = 16
WORKERS = 2


def settings_env(*, debug: bool) -> dict[str, str]:
    """bench/walkin.py's environment on this benchmark's database, the rate limits raised out of the way."""
    return walkin_env(
        debug=debug,
        database_url=DATABASE_URL,
        API_RATE_ANONYMOUS="100000000/minute",
        API_RATE_TOKEN="100000000/minute",
    )


def create_database() -> str:
    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {DATABASE}")
        version = conn.execute("SHOW server_version").fetchone()[0].split()[0]
    env = settings_env(debug=True)
    for command in (["migrate", "--noinput"], ["load_catalogue"], ["demo"]):
        done = subprocess.run([BIN / "skranke", *command], env=env, cwd=ROOT, capture_output=True, text=True)
        if done.returncode:
            raise SystemExit(f"skranke {' '.join(command)} failed:\n{done.stdout}\n{done.stderr}")
    with psycopg.connect(DATABASE_URL, autocommit=True) as conn:
        conn.execute("ANALYZE")
    return f"PostgreSQL {version}"


@dataclass(frozen=True)
class Target:
    name: str
    method: str
    path: str
    body: bytes = b""
    token: str = ""
    ok: int = 200


def prepare() -> list[Target]:
    """Open the site all day; a kiosk token; the four requests to measure."""
    os.environ.update(settings_env(debug=False))
    import django

    django.setup()
    from django.db import connections

    from skranke.api.models import Scope
    from skranke.api.services import api_token_create
    from skranke.organisation.models import OpeningHours, Site

    site = Site.objects.select_related("municipality").get(name=SITE, municipality__code=CODE)
    OpeningHours.objects.filter(site=site).delete()
    OpeningHours.objects.bulk_create(
        OpeningHours(site=site, area=area, weekday=day, opens=dt.time(0, 0), closes=dt.time.max)
        for area in site.areas
        for day in range(7)
    )
    _token, secret = api_token_create(name="bench/api.py", municipality=site.municipality, scopes=[Scope.KIOSK])
    connections.close_all()
    issue = json.dumps({"services": [ISSUE_SERVICE]}).encode()
    return [
        Target("baseline", "GET", "/api/v1/"),
        Target("catalogue", "GET", f"/api/v1/municipalities/{CODE}/services/"),
        Target("slots", "GET", f"/api/v1/municipalities/{CODE}/slots/?service={SLOT_SERVICE}"),
        Target("issue", "POST", f"/api/v1/sites/{site.pk}/tickets/", issue, secret, 201),
    ]


@dataclass(frozen=True)
class Sample:
    started: float
    latency: float
    status: int
    size: int

    @property
    def ended(self) -> float:
        return self.started + self.latency


def _request(target: Target, port: int) -> bytes:
    head = f"{target.method} {target.path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAccept: application/json\r\n"
    if target.token:
        head += f"Authorization: Bearer {target.token}\r\n"
    if target.body:
        head += f"Content-Type: application/json\r\nContent-Length: {len(target.body)}\r\n"
    return (head + "Connection: keep-alive\r\n\r\n").encode() + target.body


async def _connection(port: int, request: bytes, stop_at: float, samples: list) -> None:
    reader = writer = None
    while (started := time.time()) < stop_at:
        began = time.perf_counter()
        status, size, close = 0, 0, True
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
            size = int(headers.get(b"content-length", b"0"))
            if size:
                await reader.readexactly(size)
            close = headers.get(b"connection", b"").lower() == b"close"
        except (OSError, asyncio.IncompleteReadError, ValueError, IndexError):
            status = 0
        samples.append(Sample(started, time.perf_counter() - began, status, size))
        if close and writer is not None:
            writer.close()
            reader = writer = None
    if writer is not None:
        writer.close()


def client(port: int, request: bytes, start_at: float, stop_at: float, out) -> None:
    samples: list[Sample] = []

    async def main():
        await asyncio.gather(*(_connection(port, request, stop_at, samples) for _ in range(CONNECTIONS)))

    sleep_until(start_at)
    asyncio.run(main())
    out.put(samples)


@dataclass
class Result:
    target: Target
    rate: float
    p50: float
    p99: float
    failed: int
    statuses: dict[int, int]
    size: int
    cpu: dict[str, float]


def measure(target: Target, port: int, server_pid: int, seconds: float) -> Result:
    context = mp.get_context("fork")
    out = context.Queue()
    start_at = time.time() + 0.3
    measure_from, stop_at = start_at + WARMUP_SECONDS, start_at + WARMUP_SECONDS + seconds
    process = context.Process(target=client, args=(port, _request(target, port), start_at, stop_at, out))
    process.start()
    sleep_until(measure_from)
    watch = CpuWatch(
        {"client": [process.pid], "gunicorn": [server_pid, *children_of(server_pid)], "postgres": postgres_pids()}
    )
    watch.begin()
    sleep_until(stop_at)
    cpu = watch.end(seconds)
    [samples] = collect(out, 1)
    process.join()
    measured = [s for s in samples if measure_from <= s.ended < stop_at]
    statuses: dict[int, int] = {}
    for s in measured:
        statuses[s.status] = statuses.get(s.status, 0) + 1
    latencies = [s.latency for s in measured]
    return Result(
        target=target,
        rate=len(measured) / seconds,
        p50=percentile(latencies, 50),
        p99=percentile(latencies, 99),
        failed=sum(s.status != target.ok for s in measured),
        statuses=statuses,
        size=max((s.size for s in measured if s.status == target.ok), default=0),
        cpu=cpu,
    )


def run(targets: list[Target], seconds: float) -> list[Result]:
    port = free_port()
    with tempfile.NamedTemporaryFile(prefix="api-gunicorn-", suffix=".log", delete=False) as log:
        server = subprocess.Popen(
            [BIN / "gunicorn", "skranke.wsgi:application", "-w", str(WORKERS), "-b", f"127.0.0.1:{port}"],
            env=settings_env(debug=False),
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            _wait_for(port, server, log.name)
            results = []
            for target in targets:
                print(f"{target.name}: {target.method} {target.path}", file=sys.stderr)
                results.append(measure(target, port, server.pid, seconds))
        finally:
            server.terminate()
            server.wait(timeout=30)
    Path(log.name).unlink()
    return results


def _wait_for(port: int, server: subprocess.Popen, log: str) -> None:
    import http.client

    for _ in range(100):
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/api/v1/")
            if conn.getresponse().status == 200:
                return
        except OSError:
            pass
        if server.poll() is not None:
            raise SystemExit(f"gunicorn stopped; see {log}")
        time.sleep(0.2)
    raise SystemExit(f"gunicorn did not answer; see {log}")


def report(results: list[Result], *, seconds: float, database: str, code: str, when: str) -> list[str]:
    cpu, cores = machine()
    baseline = results[0]
    lines = [
        HEADING,
        "",
        "```sh",
        ".venv/bin/python bench/api.py            # --write puts the run at the top of this section",
        "```",
        "",
        __doc__.split("\n\n", 2)[2].strip(),
        "",
        f"### {when}",
        "",
        f"Machine: {cpu} ({cores} cores), {database}, Python {sys.version.split()[0]}, {code}. "
        f"{CONNECTIONS} connections, gunicorn with {WORKERS} sync workers, {seconds:g} s measured per endpoint.",
        "",
        "| endpoint | requests/s | vs baseline | p50 ms | p99 ms | failed | answer bytes "
        "| cores: gunicorn | PostgreSQL | client | other processes |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        lines.append(
            f"| {r.target.name}: `{r.target.method} {r.target.path.split('?')[0]}` | {r.rate:.0f} "
            f"| {r.rate / baseline.rate:.2f} | {r.p50 * 1000:.1f} | {r.p99 * 1000:.1f} | {r.failed} "
            f"| {r.size} | {r.cpu['gunicorn']:.2f} | {r.cpu['postgres']:.2f} | {r.cpu['client']:.2f} "
            f"| {r.cpu['others']:.2f} |"
        )
    lines += [
        "",
        "Cores: CPU time per second of the measured window (1.00 = one core all the time); other processes are "
        "everything else on the machine in that window, which a shared machine's figures need beside them.",
    ]
    odd = [f"{r.target.name}: {r.statuses}" for r in results if r.failed]
    if odd:
        lines += ["", "Answers of the endpoints with failures: " + "; ".join(odd) + "."]
    return lines


def write_section(lines: list[str]) -> None:
    replace_section(HEADING, "\n".join(lines) + "\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--seconds", type=float, default=10.0, help="measured seconds per endpoint (after warm-up)")
    parser.add_argument("--write", action="store_true", help=f"add the run to its section in {DOC.name}")
    args = parser.parse_args(argv)
    if args.seconds <= 0:
        parser.error("--seconds must be positive")
    code = code_version()
    lock = one_run_at_a_time("api")  # noqa: F841 (held until the process ends)
    ensure_postgres()
    print(f"Setting up {DATABASE} (migrate, load_catalogue, demo)...", file=sys.stderr)
    database = create_database()
    targets = prepare()
    results = run(targets, args.seconds)
    when = dt.date.today().isoformat()
    lines = report(results, seconds=args.seconds, database=database, code=code, when=when)
    print("\n".join(lines[lines.index(f"### {when}") :]))
    if args.write:
        write_section(lines)
        print(f"\nWrote the section to {DOC.relative_to(ROOT)}.", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
