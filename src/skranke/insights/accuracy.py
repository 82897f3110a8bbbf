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

Read from the daily roll-up (insights.rollup, contacts.models.EstimateDay): per
queue and day, the count and the total of the service times of its contacts (a
period's mean is the sum of its days' totals over the sum of their counts: the
same mean as over the contacts themselves), and per ticket its wait and
Skranke's miss in whole seconds, as the records keep them, and the naive
estimate's tickets ahead and open counters.
The naive miss is worked out here with the period's mean, so both medians are
exact, the same as PostgreSQL's percentile_cont over the tickets would give.
"""

from dataclasses import dataclass

import numpy as np

from skranke.contacts.models import EstimateDay
from skranke.insights import stats
from skranke.insights.kpis import Period
from skranke.insights.rollup import ESTIMATE, Days, added_up, days_of
from skranke.queues.models import Queue

# A queue with fewer called tickets than this tells little about an estimator.
MIN_TICKETS = 30
NO_TICKETS = np.empty(0, dtype=ESTIMATE)


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


def estimate_accuracy(*, municipality, period: Period, days: Days | None = None) -> list[Accuracy]:
    """Per queue of the municipality, in site and letter order. `days`: the period's days at all the
    municipality's sites when the caller has them already (`days_of`), so they are not rolled up twice."""
    queues = list(
        Queue.objects.filter(site__municipality=municipality).select_related("site").order_by("site__name", "letter")
    )
    if days is None:
        days = days_of(municipality=municipality, period=period)
    grouped = added_up(
        EstimateDay,
        ["queue_id"],
        days,
        ("served", "service_total"),
        ("estimates", "estimates_wide"),
        queue_id__in=[queue.pk for queue in queues],
    )
    return [_accuracy(queue, *grouped.get((queue.pk,), (0, 0, NO_TICKETS, NO_TICKETS))) for queue in queues]


def _accuracy(queue: Queue, served: int, service_total: int, narrow: np.ndarray, wide: np.ndarray) -> Accuracy:
    tickets = narrow.size + wide.size
    if not tickets:
        return Accuracy(queue=queue, tickets=0, skranke_error=None, naive_error=None, mean_wait=None)

    def column(name: str) -> np.ndarray:
        return np.concatenate([narrow[name], wide[name]], dtype=np.int64)

    waits = column("wait")
    naive_error = None
    if served:
        naive = column("ahead") * (service_total / served) / column("open")  # ahead × mean ÷ open counters
        naive_error = stats.median_absolute_error(naive, waits) / 60
    return Accuracy(
        queue=queue,
        tickets=tickets,
        skranke_error=stats.median(column("miss")) / 60,
        naive_error=naive_error,
        mean_wait=int(waits.sum()) / tickets / 60,
    )
