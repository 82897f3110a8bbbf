"""Wait-estimate accuracy on simulated counter days: Skranke's estimate beside the naive one, per queue.

    .venv/bin/python bench/estimate.py            # 28 days of the demo municipality, the demo's seed
    .venv/bin/python bench/estimate.py --write    # and add the run to docs/benchmarks.md
    .venv/bin/python bench/estimate.py --days 7 --seed 3

Setup: a fresh SQLite database in a temporary directory; migrate, the
catalogue and the demo municipality (Roskilde) with its queues and bookable
services, then `skranke simulate`'s simulator for --days days ending on a
fixed day (END), so the same seed gives the same figures whenever it runs.
The simulator drives the real service functions: every ticket is issued by
ticket_issue, which records Skranke's estimate and what a naive estimate
needs (the tickets ahead, the open counters) at that moment.

Measured (skranke.insights.accuracy): for every ticket whose citizen was
served, the absolute difference between the estimate and the real wait (issue
to call); per queue, the median of those differences for Skranke's estimate
and for the naive one (tickets ahead × the queue's mean service time ÷ open
counters). The naive estimate is the baseline, on the same tickets.
"""

import argparse
import datetime as dt
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

from walkin import code_version, machine, replace_section

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "benchmarks.md"
HEADING = "## Wait estimate (`bench/estimate.py`)"
# The last simulated day: fixed, so a run next month gives the same figures.
END = dt.date(2026, 11, 27)


def setup() -> None:
    """Django on a fresh SQLite database in a temporary directory, e-mails and text messages kept in memory."""
    sys.path.insert(0, str(ROOT / "src"))
    os.environ["SKRANKE_VAR_DIR"] = tempfile.mkdtemp(prefix="skranke-estimate-")
    os.environ.setdefault("DEBUG", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "skranke.settings")
    os.environ["EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"
    os.environ["SKRANKE_SMS_BACKEND"] = "skranke.notices.sms.MemorySmsBackend"
    import django

    django.setup()


def run(days: int, seed: int) -> tuple[list[str], bool]:
    """The section's lines, and whether Skranke's estimate won in every queue with enough tickets."""
    from django.core.management import call_command

    from skranke.bookings.demo import demo_bookings
    from skranke.insights.accuracy import MIN_TICKETS, estimate_accuracy
    from skranke.insights.kpis import Period
    from skranke.insights.simulation import simulate
    from skranke.organisation.demo import DEMO_CODE, demo_load
    from skranke.organisation.models import Municipality
    from skranke.queues.demo import demo_queues

    call_command("migrate", verbosity=0)
    with open(os.devnull, "w") as quiet:
        call_command("load_catalogue", verbosity=0, stdout=quiet)
    demo_load()
    municipality = Municipality.objects.get(code=DEMO_CODE)
    demo_queues(municipality=municipality)
    demo_bookings(municipality=municipality)
    started = time.perf_counter()
    summary = simulate(municipality=municipality, days=days, seed=seed, end=END)
    simulated = time.perf_counter() - started
    period = Period(END - dt.timedelta(days=days - 1), END)
    rows = estimate_accuracy(municipality=municipality, period=period)

    cpu, cores = machine()
    lines = [
        f"### {dt.date.today().isoformat()}",
        "",
        f"Machine: {cpu}, {cores} cores, Python {platform.python_version()}, {platform.system()} "
        f"{platform.release()}; SQLite; {code_version()}. Simulated {days} days "
        f"({period.first.isoformat()} to {END.isoformat()}), seed {seed}: {summary.tickets} tickets, "
        f"{summary.contacts} contacts, {summary.appointments} appointments, in {simulated:.0f} s.",
        "",
        "| queue | served tickets | mean wait, min | Skranke's error, median min | naive error, median min "
        "| more accurate |",
        "|---|---|---|---|---|---|",
    ]
    won = True
    for row in rows:
        if not row.tickets:
            continue
        if not row.enough:
            verdict = f"too few (< {MIN_TICKETS})"
        elif row.skranke_better:
            verdict = "Skranke"
        else:
            verdict = "tie" if row.skranke_error == row.naive_error else "naive"
            won = False
        lines.append(
            f"| {row.queue.site.name} · {row.queue.name} ({row.queue.letter}) | {row.tickets} "
            f"| {row.mean_wait:.2f} | {row.skranke_error:.2f} | {row.naive_error:.2f} | {verdict} |"
        )
    lines += [
        "",
        "| target | result | |",
        "|---|---|---|",
        "| Skranke's median error below the naive estimate's in every queue with enough tickets "
        f"| {'lower in every such queue' if won else 'not lower in every such queue'} "
        f"| {'met' if won else 'not met'} |",
    ]
    return lines, won


INTRO = f"""{HEADING}

```sh
.venv/bin/python bench/estimate.py --write     # 28 simulated days, about five minutes
```

**Data.** The demo municipality (Roskilde: a Borgerservice, a combined
library and Borgerservice, a branch library) simulated by `skranke simulate`'s
simulator for 28 days ending {END.isoformat()}, with the demo's seed: arrivals
by hour and weekday, service times lognormal around the catalogue's, staff of
both groups at their counters, appointments and no-shows, a citizen who gives
up now and then; every ticket issued by `ticket_issue`, so each carries the
estimate the citizen was given. A member of staff presses "call next" 3–20 s
after a counter is free (the simulator's assumption); Skranke's estimate
assumes 10 s per call (`CALL_SECONDS`) and 40 s for the walk to the counter.

**Measure.** Per queue, over the tickets whose citizen was served: the median
absolute difference between the estimate at issue and the real wait (from the
ticket to the call). **Baseline**, same tickets, same run: the naive estimate,
tickets ahead × the queue's mean service time over the period ÷ counters open
in the area, with the tickets ahead and the open counters as they were at issue.
A queue counts from 30 served tickets.
"""


def write_section(lines: list[str]) -> None:
    replace_section(HEADING, INTRO + "\n" + "\n".join(lines) + "\n")


def main(argv: list[str] | None = None) -> int:
    setup()
    from skranke.insights.simulation import DEMO_DAYS, DEMO_SEED

    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--days", type=int, default=DEMO_DAYS, help=f"simulated days (default {DEMO_DAYS})")
    parser.add_argument("--seed", type=int, default=DEMO_SEED, help=f"the simulator's seed (default {DEMO_SEED})")
    parser.add_argument("--write", action="store_true", help=f"add the run to its section in {DOC.name}")
    args = parser.parse_args(argv)
    if not 1 <= args.days <= 366:
        parser.error("--days must be between 1 and 366")
    lines, won = run(args.days, args.seed)
    print("\n".join(lines))
    if args.write:
        write_section(lines)
        print(f"\nWritten to {DOC.relative_to(ROOT)}.")
    return 0 if won else 1


if __name__ == "__main__":
    sys.exit(main())
