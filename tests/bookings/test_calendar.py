"""Holidays, closures and the slot arithmetic, without the database."""

import datetime as dt

import pytest

from skranke.bookings.calendar import closure_closes, holiday_name
from skranke.bookings.models import Closure
from skranke.bookings.slots import Lanes, free_starts, grid, held_block, merged
from skranke.organisation.models import Area

UTC = dt.UTC


def t(hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 3, 2, hour, minute, tzinfo=UTC)


@pytest.mark.parametrize(
    ("day", "name"),
    [
        (dt.date(2023, 5, 5), "Store bededag"),  # the last one
        (dt.date(2024, 4, 26), None),  # abolished from 2024 (lov nr. 147 af 28/02/2023)
        (dt.date(2025, 5, 16), None),
        (dt.date(2026, 4, 6), "Anden påskedag"),
        (dt.date(2026, 12, 25), "Juledag"),
        (dt.date(2026, 12, 24), None),  # Christmas Eve is no public holiday: a closure, if the site closes
        (dt.date(2026, 6, 5), None),  # nor is Constitution Day
        (dt.date(2026, 3, 2), None),
    ],
)
def test_danish_public_holidays_and_store_bededag_is_none_from_2024(day, name):
    assert holiday_name(day) == name


def closure(first, last, *, yearly=False, area=""):
    return Closure(first_day=first, last_day=last, yearly=yearly, area=area, reason="Lukket")


def test_a_one_off_closure_closes_its_days_only():
    c = closure(dt.date(2026, 3, 4), dt.date(2026, 3, 5))
    assert [closure_closes(c, dt.date(2026, 3, d), Area.CITIZEN_SERVICE) for d in (3, 4, 5, 6)] == [
        False,
        True,
        True,
        False,
    ]
    assert not closure_closes(c, dt.date(2027, 3, 4), Area.CITIZEN_SERVICE)


def test_a_yearly_closure_over_new_year_closes_the_same_days_every_year():
    c = closure(dt.date(2024, 12, 24), dt.date(2024, 1, 1), yearly=True)
    closed = [dt.date(2030, 12, 24), dt.date(2030, 12, 31), dt.date(2031, 1, 1)]
    assert all(closure_closes(c, day, Area.LIBRARY) for day in closed)
    assert not closure_closes(c, dt.date(2030, 12, 23), Area.LIBRARY)
    assert not closure_closes(c, dt.date(2031, 1, 2), Area.LIBRARY)


def test_an_area_closure_leaves_the_other_area_open():
    c = closure(dt.date(2026, 3, 4), dt.date(2026, 3, 4), area=Area.CITIZEN_SERVICE)
    assert closure_closes(c, dt.date(2026, 3, 4), Area.CITIZEN_SERVICE)
    assert not closure_closes(c, dt.date(2026, 3, 4), Area.LIBRARY)


def test_the_grid_fits_the_whole_visit_inside_each_window():
    windows = [(t(9), t(10)), (t(11), t(11, 30))]
    starts = list(grid(windows, step=dt.timedelta(minutes=15), duration=dt.timedelta(minutes=30)))
    assert starts == [t(9), t(9, 15), t(9, 30), t(11)]


def test_merged_joins_overlapping_and_touching_intervals():
    assert merged([(t(10), t(11)), (t(9), t(10)), (t(12), t(13)), (t(10, 30), t(11, 15))]) == [
        (t(9), t(11, 15)),
        (t(12), t(13)),
    ]


def test_the_lowest_free_lane_is_chosen_and_a_partly_busy_lane_is_not_free():
    lanes = Lanes({1: [(t(9), t(9, 30))], 2: [(t(9, 20), t(9, 40))]})
    assert lanes.first_free(t(9), t(9, 15), 2) == 2
    assert lanes.first_free(t(9, 10), t(9, 25), 2) is None
    assert lanes.first_free(t(9, 30), t(9, 45), 2) == 1
    assert lanes.first_free(t(9, 40), t(9, 55), 2) == 1
    assert not lanes.is_free(2, t(9, 30), t(9, 45))
    assert lanes.first_free(t(9, 10), t(9, 25), 3) == 3


def test_free_starts_skip_what_is_too_early_and_busy():
    found = free_starts(
        windows=[(t(9), t(10))],
        step=dt.timedelta(minutes=15),
        duration=dt.timedelta(minutes=15),
        lanes=1,
        busy=Lanes({1: [(t(9, 30), t(9, 45))]}),
        earliest=t(9, 15),
    )
    assert found == [(t(9, 15), 1), (t(9, 45), 1)]


def test_the_held_block_lies_at_the_first_grid_time_after_release_with_room():
    windows = [(t(9), t(10)), (t(11), t(12))]
    step = dt.timedelta(minutes=15)
    assert held_block(windows, step=step, length=dt.timedelta(minutes=30), not_before=t(9, 5)) == (t(9, 15), t(9, 45))
    assert held_block(windows, step=step, length=dt.timedelta(minutes=30), not_before=t(9, 40)) == (t(11), t(11, 30))
    assert held_block(windows, step=step, length=dt.timedelta(minutes=90), not_before=t(8)) is None
