"""Intervals, percentiles and the plain-Danish verdict of the library-versus-Borgerservice comparison.

Expected figures are worked out by hand (formulas in the comments), not read back from the code.
"""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from skranke.insights.stats import (
    MEASURES_DA,
    MEASURES_EN,
    MIN_GROUP_SIZE,
    Interval,
    MedianComparison,
    RateComparison,
    Verdict,
    bootstrap_median,
    compare_medians,
    compare_rates,
    median,
    median_absolute_error,
    p90,
    percentile,
    verdict,
    wilson,
)

# --- Wilson ---------------------------------------------------------------------------------
# centre = (p + z²/2n) / (1 + z²/n), half = z/(1 + z²/n) · √(p(1−p)/n + z²/4n²), z = 1.959964.


def test_wilson_for_8_of_10_is_49_to_94_percent():
    # z² = 3.841459; 1 + z²/n = 1.384146; centre = 0.992073/1.384146 = 0.716740;
    # half = 1.959964/1.384146 · √(0.016 + 0.009604) = 1.416009 · 0.160011 = 0.226577.
    interval = wilson(8, 10)
    assert interval.low == pytest.approx(0.4902, abs=5e-5)
    assert interval.high == pytest.approx(0.9433, abs=5e-5)


def test_wilson_at_none_and_all_stays_inside_0_and_1_and_is_not_a_point():
    # p = 0: centre = half = (z²/2n)/(1 + z²/n) = 0.192073/1.384146 = 0.138767, so high = 0.2775.
    none, every = wilson(0, 10), wilson(10, 10)
    assert none.low == 0.0
    assert none.high == pytest.approx(0.2775, abs=5e-5)
    assert every.low == pytest.approx(0.7225, abs=5e-5)
    assert every.high == 1.0


def test_wilson_at_99_percent_confidence_is_wider():
    # z = 2.575829, z² = 6.634897: for 8/10, 1 + z²/n = 1.663490, centre = 1.131745/1.663490 = 0.680344,
    # half = 1.548459 · √(0.016 + 0.016587) = 0.279524.
    interval = wilson(8, 10, confidence=0.99)
    assert interval.low == pytest.approx(0.4008, abs=5e-5)
    assert interval.high == pytest.approx(0.9599, abs=5e-5)


def test_wilson_for_no_contacts_is_none():
    assert wilson(0, 0) is None


@pytest.mark.parametrize(("successes", "n"), [(11, 10), (-1, 10), (0, -1)])
def test_wilson_refuses_impossible_counts(successes, n):
    with pytest.raises(ValueError):
        wilson(successes, n)


@settings(max_examples=300, deadline=None)
@given(st.integers(1, 100_000).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))))
def test_wilson_interval_holds_the_observed_share_and_widens_with_confidence(counts):
    successes, n = counts
    interval = wilson(successes, n)
    assert 0.0 <= interval.low <= successes / n <= interval.high <= 1.0
    wider = wilson(successes, n, confidence=0.99)
    assert wider.low <= interval.low and interval.high <= wider.high


# --- Percentiles ----------------------------------------------------------------------------
# rank = p·(n−1), interpolated linearly between the two closest values.


def test_median_of_an_even_count_is_the_mean_of_the_middle_two():
    assert median([4, 1, 3, 2]) == 2.5


def test_percentile_interpolates_between_ranks():
    # rank 0.9·4 = 3.6: 40 + 0.6·(50 − 40) = 46.
    assert percentile([50, 10, 40, 20, 30], 0.9) == pytest.approx(46.0)
    # 1..10: rank 0.9·9 = 8.1: 9 + 0.1·1 = 9.1.
    assert p90(range(1, 11)) == pytest.approx(9.1)
    assert percentile([7], 0.9) == 7.0


def test_percentile_of_nothing_is_none():
    assert median([]) is None
    assert p90([]) is None


def test_percentile_refuses_p_given_in_percent():
    with pytest.raises(ValueError, match=r"0\.9 for p90"):
        percentile([1, 2, 3], 90)


# --- Bootstrap of the median ----------------------------------------------------------------


def test_bootstrap_median_of_1_to_99_is_close_to_the_exact_bootstrap_interval():
    # The exact bootstrap distribution of the median of x(1) < ... < x(99):
    # P(median* <= x(k)) = P(Binomial(99, k/99) >= 50). By math.comb that is 0.0162 at k = 39
    # and 0.0267 at k = 40, 0.9733 at k = 59 and 0.9838 at k = 60: the exact 95 % interval is
    # (40, 60). 2,000 resamples land within one rank of it.
    interval = bootstrap_median(list(range(1, 100)))
    assert 39 <= interval.low <= 41
    assert 59 <= interval.high <= 61


@pytest.mark.parametrize(
    ("values", "middle"),
    [
        # Four equally likely resamples (0,0) (0,10) (10,0) (10,10): medians 0, 5, 5, 10. With 1/4 at
        # 0 and 3/4 up to 5, the 30 % and 70 % quantiles both fall among the fives.
        ([0, 10], 5),
        # 27 resamples: the median is 0 when two or three draws are 0: 3·(1/3)²·(2/3) + (1/3)³ = 7/27
        # = 26 %, and 20 likewise; 30 % and 70 % both fall on 10.
        ([20, 0, 10], 10),
    ],
)
def test_bootstrap_median_of_two_and_three_values_at_40_percent_confidence(values, middle):
    assert bootstrap_median(values, confidence=0.4) == Interval(middle, middle)


@pytest.mark.parametrize("n", [2, 5, 40, 41])
def test_bootstrap_median_agrees_with_drawing_the_resamples(n):
    # The module samples each resample's middle order statistics directly; drawing all n values
    # per resample the plain way must give the same interval, up to one step between values.
    values = [(i * 37) % 101 * 10 for i in range(n)]  # distinct, in no order, 10 apart or more
    rng = np.random.default_rng(1)
    drawn = np.median(np.asarray(values)[rng.integers(0, n, size=(40_000, n))], axis=1)
    plain_low, plain_high = np.quantile(drawn, [0.025, 0.975])
    interval = bootstrap_median(values, resamples=40_000)
    assert interval.low == pytest.approx(plain_low, abs=10)
    assert interval.high == pytest.approx(plain_high, abs=10)


def test_bootstrap_median_is_the_same_for_the_same_seed():
    values = [30, 45, 60, 90, 120, 180, 240, 300, 600, 900, 1200]
    assert bootstrap_median(values, seed=7) == bootstrap_median(values, seed=7)


def test_bootstrap_median_of_equal_values_is_that_value():
    assert bootstrap_median([120] * 50) == Interval(120.0, 120.0)


def test_bootstrap_median_of_nothing_is_none():
    assert bootstrap_median([]) is None


def test_bootstrap_median_refuses_missing_values():
    with pytest.raises(ValueError):
        bootstrap_median([1.0, math.nan, 3.0])


@settings(max_examples=100, deadline=None)
@given(st.lists(st.integers(0, 7200), min_size=1, max_size=300), st.integers(0, 2**32 - 1))
def test_bootstrap_interval_lies_within_the_data_and_holds_the_median(values, seed):
    interval = bootstrap_median(values, resamples=500, seed=seed)
    assert min(values) <= interval.low <= median(values) <= interval.high <= max(values)


# --- Median absolute error ------------------------------------------------------------------


def test_median_absolute_error_of_wait_estimates():
    # |300 − 360| = 60, |600 − 500| = 100, |900 − 900| = 0: median 60.
    assert median_absolute_error([300, 600, 900], [360, 500, 900]) == 60.0


def test_median_absolute_error_needs_pairs():
    assert median_absolute_error([], []) is None
    with pytest.raises(ValueError):
        median_absolute_error([1, 2], [1])


# --- Comparing rates ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("a_n", "b_n", "too_few"),
    [(12, 40, True), (40, 12, True), (29, 30, True), (30, 30, False), (0, 500, True)],
)
def test_fewer_than_30_contacts_in_either_group_is_too_few_to_tell(a_n, b_n, too_few):
    comparison = compare_rates(a_n, a_n, 0, b_n)  # 100 % against 0 %: as clear as it gets
    assert (comparison.verdict == Verdict.TOO_FEW) is too_few
    assert MIN_GROUP_SIZE == 30


def test_too_few_reads_as_such_in_danish():
    comparison = compare_rates(10, 12, 30, 40)
    assert verdict(comparison, measure="first_contact_resolution") == (
        "For få henvendelser til at sige noget (12 og 40; der skal mindst 30 i hver gruppe)."
    )


def test_82_against_71_percent_of_100_each_is_no_clear_difference():
    # Wilson: 82/100 = 0.7333–0.8830, 71/100 = 0.6146–0.7899; they overlap.
    comparison = compare_rates(82, 100, 71, 100)
    assert comparison.a_interval.low == pytest.approx(0.7333, abs=5e-5)
    assert comparison.b_interval.high == pytest.approx(0.7899, abs=5e-5)
    assert comparison.difference == pytest.approx(0.11)
    assert comparison.verdict == Verdict.NO_CLEAR_DIFFERENCE
    assert verdict(comparison, measure="first_contact_resolution") == (
        "Ingen tydelig forskel i løsning i første kontakt: 82 % hos bibliotekets personale "
        "og 71 % hos Borgerservices personale."
    )


def test_82_against_71_percent_of_400_each_favours_the_library():
    # Wilson: 328/400 = 0.7794–0.8545, 284/400 = 0.6637–0.7523; apart.
    comparison = compare_rates(328, 400, 284, 400)
    assert comparison.a_interval.low == pytest.approx(0.7794, abs=5e-5)
    assert comparison.b_interval.high == pytest.approx(0.7523, abs=5e-5)
    assert comparison.verdict == Verdict.A_BETTER
    assert verdict(comparison, measure="first_contact_resolution") == (
        "Bibliotekets personale løser flere henvendelser i første kontakt (82 % mod 71 %)."
    )


def test_the_same_figures_favour_borgerservice_when_the_groups_swap():
    comparison = compare_rates(284, 400, 328, 400)
    assert comparison.verdict == Verdict.B_BETTER
    assert verdict(comparison, measure="first_contact_resolution") == (
        "Borgerservices personale løser flere henvendelser i første kontakt (82 % mod 71 %)."
    )


def test_a_lower_referral_rate_is_better():
    # Wilson: 20/400 = 0.0326–0.0760, 60/400 = 0.1183–0.1883; apart, and fewer referrals is better.
    comparison = compare_rates(20, 400, 60, 400, higher_is_better=False)
    assert comparison.verdict == Verdict.A_BETTER
    assert verdict(comparison, measure="referral_rate") == (
        "Bibliotekets personale henviser færre borgere videre (5 % mod 15 %)."
    )


def test_close_shares_from_many_contacts_are_written_with_a_decimal():
    # 82.4 % and 81.8 % of 100,000: Wilson 0.8216–0.8263 and 0.8156–0.8204, apart. Whole
    # percents would print "82 % mod 82 %".
    comparison = compare_rates(82_400, 100_000, 81_800, 100_000)
    assert comparison.verdict == Verdict.A_BETTER
    assert verdict(comparison, measure="first_contact_resolution", a_label="Hovedbibliotekets personale") == (
        "Hovedbibliotekets personale løser flere henvendelser i første kontakt (82,4 % mod 81,8 %)."
    )


def test_counts_are_written_with_a_danish_thousands_point():
    comparison = compare_rates(5, 12, 3_000, 4_000)
    assert verdict(comparison, measure="referral_rate") == (
        "For få henvendelser til at sige noget (12 og 4.000; der skal mindst 30 i hver gruppe)."
    )


def test_an_unknown_measure_is_refused():
    with pytest.raises(ValueError, match="first_contact_resolution"):
        verdict(compare_rates(1, 2, 1, 2), measure="happiness")


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 2000), st.integers(1, 2000), st.data(), st.booleans())
def test_a_verdict_names_the_group_that_is_better_in_the_chosen_direction(a_n, b_n, data, higher_is_better):
    a = data.draw(st.integers(0, a_n))
    b = data.draw(st.integers(0, b_n))
    comparison = compare_rates(a, a_n, b, b_n, higher_is_better=higher_is_better)
    assert isinstance(comparison, RateComparison)
    if comparison.verdict in (Verdict.A_BETTER, Verdict.B_BETTER):
        a_higher = a / a_n > b / b_n
        assert (comparison.verdict == Verdict.A_BETTER) == (a_higher == higher_is_better)
        assert not comparison.a_interval.overlaps(comparison.b_interval)
    sentence = verdict(comparison, measure="recontact_rate")
    assert sentence.endswith(".") and len(sentence) < 200


# --- Comparing medians ----------------------------------------------------------------------


def test_shorter_waits_at_the_library_counter_read_as_shorter():
    library = [240 + i for i in range(40)]  # median 259.5 s = 4.3 min
    borgerservice = [540 + i for i in range(40)]  # median 559.5 s = 9.3 min
    comparison = compare_medians(library, borgerservice)
    assert isinstance(comparison, MedianComparison)
    assert comparison.a_median == 259.5
    assert comparison.difference == -300.0
    assert comparison.verdict == Verdict.A_BETTER
    assert verdict(comparison, measure="wait") == (
        "Bibliotekets personale har kortere ventetid (typisk 4 min. mod 9 min.)."
    )


def test_slower_service_at_the_library_counter_favours_borgerservice():
    library = [50 + i for i in range(40)]  # median 69.5 s
    borgerservice = [30 + i % 10 for i in range(40)]  # median 34.5 s
    comparison = compare_medians(library, borgerservice)
    assert comparison.verdict == Verdict.B_BETTER
    assert verdict(comparison, measure="service_time") == (
        "Borgerservices personale bruger kortere tid pr. henvendelse (typisk 35 sek. mod 1 min.)."
    )


def test_overlapping_waits_are_no_clear_difference():
    library = list(range(0, 600, 15))  # 40 values, median (285 + 300)/2 = 292.5 s = 4.875 min
    borgerservice = [v + 20 for v in library]  # median 312.5 s = 5.208 min
    comparison = compare_medians(library, borgerservice)
    assert comparison.verdict == Verdict.NO_CLEAR_DIFFERENCE
    # Whole minutes would both round to 5; one decimal tells them apart.
    assert verdict(comparison, measure="wait") == (
        "Ingen tydelig forskel i ventetid: typisk 4,9 min. hos bibliotekets personale "
        "og typisk 5,2 min. hos Borgerservices personale."
    )


def test_ten_waits_are_too_few_to_compare():
    comparison = compare_medians([60] * 10, [600] * 100)
    assert comparison.verdict == Verdict.TOO_FEW
    assert comparison.a_median == 60.0


# --- The verdict in English, for staff who chose English ----------------------------------------------


def test_the_english_verdicts_say_the_same_with_english_numbers():
    assert verdict(compare_rates(10, 12, 30, 4_000), measure="first_contact_resolution", language="en") == (
        "Too few contacts to tell (12 and 4,000; at least 30 are needed in each group)."
    )
    assert verdict(compare_rates(82, 100, 71, 100), measure="first_contact_resolution", language="en") == (
        "No clear difference in first-contact resolution: 82 % for library staff and 71 % for Borgerservice staff."
    )
    assert verdict(
        compare_rates(82_400, 100_000, 81_800, 100_000), measure="first_contact_resolution", language="en"
    ) == ("Library staff resolve more contacts at first contact (82.4 % against 81.8 %).")
    library, borgerservice = [240 + i for i in range(40)], [540 + i for i in range(40)]
    assert verdict(compare_medians(library, borgerservice), measure="wait", language="en-gb") == (
        "Library staff have shorter waits (typically 4 min. against 9 min.)."
    )


def test_an_unknown_language_gets_danish():
    comparison = compare_rates(82, 100, 71, 100)
    assert verdict(comparison, measure="referral_rate", language="sv") == verdict(comparison, measure="referral_rate")


@pytest.mark.parametrize("measure", sorted(MEASURES_DA))
def test_every_measure_has_english_words(measure):
    assert measure in MEASURES_EN
