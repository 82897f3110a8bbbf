"""Slot arithmetic with no database: free start times on a grid, and which lane each goes on.

All datetimes are aware and in UTC: arithmetic on two datetimes with the same
zoneinfo compares wall-clock times, which goes wrong across a change to or
from summer time.
"""

import datetime as dt
from bisect import bisect_right
from collections.abc import Iterable, Iterator

Interval = tuple[dt.datetime, dt.datetime]


def merged(intervals: Iterable[Interval]) -> list[Interval]:
    """Overlapping or touching intervals joined, sorted by start."""
    result: list[list[dt.datetime]] = []
    for start, end in sorted(intervals):
        if result and start <= result[-1][1]:
            result[-1][1] = max(result[-1][1], end)
        else:
            result.append([start, end])
    return [(start, end) for start, end in result]


class Lanes:
    """The busy times of each lane, for asking quickly whether a lane is free over an interval."""

    def __init__(self, busy: dict[int, Iterable[Interval]]):
        self._busy = {lane: merged(intervals) for lane, intervals in busy.items()}
        self._ends = {lane: [end for _start, end in intervals] for lane, intervals in self._busy.items()}

    def is_free(self, lane: int, start: dt.datetime, end: dt.datetime) -> bool:
        intervals = self._busy.get(lane)
        if not intervals:
            return True
        # The first busy interval that ends after `start` is the only one that can overlap.
        index = bisect_right(self._ends[lane], start)
        return index == len(intervals) or intervals[index][0] >= end

    def first_free(self, start: dt.datetime, end: dt.datetime, lanes: int, also: "Lanes | None" = None) -> int | None:
        """The lowest lane of 1..`lanes` free from `start` to `end` (in `also` too, when given)."""
        return next(
            (
                lane
                for lane in range(1, lanes + 1)
                if self.is_free(lane, start, end) and (also is None or also.is_free(lane, start, end))
            ),
            None,
        )


def grid(windows: Iterable[Interval], *, step: dt.timedelta, duration: dt.timedelta) -> Iterator[dt.datetime]:
    """Start times every `step` from each window's opening, for a visit of `duration` that ends by its closing."""
    for opens, closes in windows:
        start = opens
        while start + duration <= closes:
            yield start
            start += step


def held_block(
    windows: list[Interval], *, step: dt.timedelta, length: dt.timedelta, not_before: dt.datetime
) -> Interval | None:
    """Where a day's emergency slots lie: the first grid time at or after `not_before` with room for them all."""
    for opens, closes in windows:
        start = opens
        while start < not_before:
            start += step
        if start + length <= closes:
            return (start, start + length)
    return None


def free_starts(
    *,
    windows: list[Interval],
    step: dt.timedelta,
    duration: dt.timedelta,
    lanes: int,
    busy: Lanes,
    earliest: dt.datetime,
    held: Lanes | None = None,
) -> list[tuple[dt.datetime, int]]:
    """(start, lane) of every grid time from `earliest` on that some lane of 1..`lanes` has free for `duration`.

    `held` are times held back (emergency slots) on top of the booked `busy`.
    """
    found = []
    for start in grid(windows, step=step, duration=duration):
        if start < earliest:
            continue
        lane = busy.first_free(start, start + duration, lanes, held)
        if lane is not None:
            found.append((start, lane))
    return found
