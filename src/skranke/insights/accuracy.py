"""How good the wait estimate on the ticket was: Skranke's estimate beside a naive one, on the same tickets.

For every ticket of the period that was called and had an estimate recorded
at issue (Ticket.estimate_low/high):
- the real wait is the minutes from issue to call;
- Skranke's estimate is the middle of the range the citizen was shown;
- the naive estimate is the tickets ahead × mean service time ÷ open counters
  (position × mean ÷ counters, counting the place ahead of the first in line as
  none, which makes the naive estimate a fairer rival), where the tickets ahead
  are those of the same queue still waiting when the ticket was issued, the mean service time is the queue's mean
  over the period's contacts, and the open counters are the presences at the
  queue's site and area at that moment (at least one).
The error of each is the median of the absolute differences, per queue.
"""

import datetime as dt
from bisect import bisect_right
from dataclasses import dataclass

from django.db.models import Avg

from skranke.contacts.models import Contact
from skranke.insights.kpis import Period
from skranke.insights.stats import percentile
from skranke.queues.models import PRESENCE_TIMEOUT, CounterPresence, Queue, Ticket

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
    """Per active queue of the municipality, in site and letter order."""
    queues = Queue.objects.filter(site__municipality=municipality).select_related("site")
    queues = queues.order_by("site__name", "letter")
    return [_queue_accuracy(queue, period) for queue in queues]


def _queue_accuracy(queue: Queue, period: Period) -> Accuracy:
    tickets = list(
        Ticket.objects.filter(queue=queue, issued_at__gte=period.start, issued_at__lt=period.end).values_list(
            "issued_at", "called_at", "finished_at", "estimate_low", "estimate_high"
        )
    )
    mean_service = Contact.objects.filter(
        ticket__queue=queue, finished_at__gte=period.start, finished_at__lt=period.end
    ).aggregate(mean=Avg("service_seconds"))["mean"]
    presences = list(
        CounterPresence.objects.filter(
            counter__site=queue.site_id,
            counter__area=queue.area,
            since__lt=period.end,
        ).values_list("since", "last_seen", "ended_at")
    )
    # The moments a ticket stopped waiting: its call, or its end without a call (cancelled, moved).
    issued = sorted(t[0] for t in tickets)
    left = sorted((t[1] or t[2]) for t in tickets if (t[1] or t[2]) is not None)
    skranke_errors, naive_errors, waits = [], [], []
    for issued_at, called_at, _finished, low, high in tickets:
        if called_at is None or low is None or high is None:
            continue
        wait = (called_at - issued_at).total_seconds() / 60
        waits.append(wait)
        skranke_errors.append(abs((low + high) / 2 - wait))
        if mean_service is not None:
            # Issued before this one (itself included), minus those that had left by then.
            position = bisect_right(issued, issued_at) - bisect_right(left, issued_at)
            servers = max(1, sum(1 for since, seen, ended in presences if _open(since, seen, ended, issued_at)))
            naive = max(0, position - 1) * mean_service / 60 / servers
            naive_errors.append(abs(naive - wait))
    return Accuracy(
        queue=queue,
        tickets=len(skranke_errors),
        skranke_error=percentile(skranke_errors, 0.5),
        naive_error=percentile(naive_errors, 0.5),
        mean_wait=sum(waits) / len(waits) if waits else None,
    )


def _open(since: dt.datetime, last_seen: dt.datetime, ended: dt.datetime | None, at: dt.datetime) -> bool:
    if since > at:
        return False
    if ended is not None:
        return ended > at
    return last_seen + PRESENCE_TIMEOUT > at
