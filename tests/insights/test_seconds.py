"""kpis.Seconds: times counted per second give the same percentiles as the times themselves."""

import numpy as np
import pytest

from skranke.insights.kpis import COUNTED, Seconds
from skranke.insights.rollup import SECONDS
from skranke.insights.stats import percentile


@pytest.mark.parametrize(
    "groups",
    [
        [[60, 120, 180]],
        [[300], [120, 900, 600]],  # two groups added: 120, 300, 600, 900
        [[7]],
        [[], [0, 0, 1]],
        [[10, COUNTED + 5], [COUNTED - 1, 3 * COUNTED]],  # a wait of over 18 hours is kept as it is
        [[2**31 - 1, 5]],  # the largest a PositiveIntegerField holds, without an array that long
    ],
)
@pytest.mark.parametrize("share", [0.5, 0.9, 0.1, 0.25])
def test_the_percentiles_of_groups_added_up_are_those_of_all_their_values(groups, share):
    together = Seconds.together([Seconds.of(np.asarray(values, dtype=SECONDS)) for values in groups])
    everything = [value for values in groups for value in values]
    (got,) = together.percentiles(share)
    assert got == pytest.approx(percentile(everything, share))
    assert together.counts.size <= COUNTED


def test_no_times_have_no_percentiles():
    assert Seconds.together([Seconds.of(np.empty(0, dtype=SECONDS))]).percentiles(0.5, 0.9) == (None, None)
    assert Seconds.together([]).percentiles(0.5) == (None,)
