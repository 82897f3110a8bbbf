"""How good the wait estimate on the ticket was: Skranke's estimate beside a naive one, on the same tickets.

For every ticket of the period (by issue time) that ended in a contact and
had its estimate recorded at issue:
- the real wait is the contact's wait, the minutes from the ticket to the call;
- Skranke's estimate is the expected wait it had worked out at issue
  (Ticket.estimate_seconds), the middle of the range the citizen was shown;
- the naive estimate is the tickets ahead × mean service time ÷ open counters,
  where the tickets ahead (Ticket.ahead_at_issue) and the open counters of the
  queue's site and area (Ticket.open_counters_at_issue, at least one) are those
  at issue, and the mean service time is the queue's mean over the period's
  contacts, known only afterwards, which makes the naive estimate a fairer rival.
The error of each is the median of the absolute differences, per queue.
Counted in the database: one grouped query for the means, one for the errors
(PostgreSQL's percentile_cont; on SQLite, the demo, the medians in Python).
"""

from dataclasses import dataclass

from django.db import connection
from django.db.models import Avg, Case, Count, F, FloatField, Value, When
from django.db.models.functions import Abs, Cast, Greatest

from skranke.contacts.models import Contact
from skranke.insights.kpis import Percentile, Period
from skranke.insights.stats import percentile
from skranke.queues.models import Queue

# A queue with fewer called tickets than this tells little about an estimator.
MIN_TICKETS = 30


@dataclass(frozen=True)
class Accuracy:
    queue: Queue
    tickets: int
    skranke_error: float | None  # median absolute error, minutes
    naive_error: float | None
    mean_wait: float | None  # minutes

    @property
    def enough(self) -> bool:
        return self.tickets >= MIN_TICKETS

    @property
    def skranke_better(self) -> bool | None:
        if self.skranke_error is None or self.naive_error is None:
            return None
        return self.skranke_error < self.naive_error


def estimate_accuracy(*, municipality, period: Period) -> list[Accuracy]:
    """Per queue of the municipality, in site and letter order."""
    queues = list(
        Queue.objects.filter(site__municipality=municipality).select_related("site").order_by("site__name", "letter")
    )
    means = dict(
        Contact.objects.filter(ticket__queue__in=queues, finished_at__gte=period.start, finished_at__lt=period.end)
        .values_list("ticket__queue")
        .annotate(mean=Avg("service_seconds"))
        .values_list("ticket__queue", "mean")
        .order_by()
    )
    estimated = Contact.objects.filter(
        ticket__queue__in=queues,
        ticket__issued_at__gte=period.start,
        ticket__issued_at__lt=period.end,
        ticket__estimate_seconds__isnull=False,
        ticket__ahead_at_issue__isnull=False,
        wait_seconds__isnull=False,
    )
    mean_service = Case(
        *(When(ticket__queue=pk, then=Value(float(mean))) for pk, mean in means.items() if mean is not None),
        default=Value(0.0),
        output_field=FloatField(),
    )
    naive = (
        Cast("ticket__ahead_at_issue", FloatField())
        * mean_service
        / Cast(Greatest("ticket__open_counters_at_issue", Value(1)), FloatField())
    )
    estimated = estimated.annotate(
        skranke_miss=Abs(Cast("ticket__estimate_seconds", FloatField()) - F("wait_seconds")),
        naive_miss=Abs(naive - F("wait_seconds")),
    )
    grouped = estimated.values("ticket__queue").order_by()
    found: dict[int, dict] = {}
    if connection.vendor == "postgresql":
        for row in grouped.annotate(
            n=Count("pk"),
            wait=Avg("wait_seconds"),
            skranke=Percentile("skranke_miss", 0.5),
            naive=Percentile("naive_miss", 0.5),
        ):
            found[row["ticket__queue"]] = row
    else:
        misses: dict[int, tuple[list, list, list]] = {}
        for queue_id, wait, skranke, naive_miss in estimated.values_list(
            "ticket__queue", "wait_seconds", "skranke_miss", "naive_miss"
        ):
            lists = misses.setdefault(queue_id, ([], [], []))
            lists[0].append(wait)
            lists[1].append(skranke)
            lists[2].append(naive_miss)
        for queue_id, (waits, skranke, naive_misses) in misses.items():
            found[queue_id] = {
                "n": len(waits),
                "wait": sum(waits) / len(waits),
                "skranke": percentile(skranke, 0.5),
                "naive": percentile(naive_misses, 0.5),
            }
    return [_accuracy(queue, found.get(queue.pk), has_mean=means.get(queue.pk) is not None) for queue in queues]


def _accuracy(queue: Queue, row: dict | None, *, has_mean: bool) -> Accuracy:
    if not row or not row["n"]:
        return Accuracy(queue=queue, tickets=0, skranke_error=None, naive_error=None, mean_wait=None)

    def minutes(seconds):
        return None if seconds is None else seconds / 60

    return Accuracy(
        queue=queue,
        tickets=row["n"],
        skranke_error=minutes(row["skranke"]),
        naive_error=minutes(row["naive"]) if has_mean else None,
        mean_wait=minutes(row["wait"]),
    )
