"""Statistics for the quality comparison: Wilson and bootstrap intervals, percentiles, and a plain-words verdict.

Pure Python and numpy, no database: the KPI queries count, this module judges
whether two counts or two sets of times differ by more than chance.
"""

import enum
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from statistics import NormalDist

import numpy as np

# Fewer contacts than this in either group and the comparison says "too few to tell".
# With 30 contacts a Wilson interval around 80 % still spans about ±14 points, so only
# a very large difference could show; below that the intervals are wide enough that a
# committee would read noise as a finding. The percentile bootstrap of a median is also
# known to cover poorly in small samples, so the same floor guards the time comparisons.
MIN_GROUP_SIZE = 30


@dataclass(frozen=True)
class Interval:
    low: float
    high: float

    def contains(self, value: float) -> bool:
        return self.low <= value <= self.high

    def overlaps(self, other: "Interval") -> bool:
        """Touching intervals overlap: a difference must be clear of both intervals to count."""
        return self.low <= other.high and other.low <= self.high


def _z(confidence: float) -> float:
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be between 0 and 1, got {confidence}")
    return NormalDist().inv_cdf(1 - (1 - confidence) / 2)


def wilson(successes: int, n: int, confidence: float = 0.95) -> Interval | None:
    """Wilson score interval for the share successes/n; None when n is 0 (nothing to estimate).

    Chosen over the textbook p ± z·√(p(1−p)/n) because that one collapses to a point at
    0 % and 100 % and can leave [0, 1] in the small groups a single site produces.
    """
    if n < 0 or not 0 <= successes <= n:
        raise ValueError(f"need 0 <= successes <= n, got {successes}/{n}")
    if n == 0:
        return None
    z = _z(confidence)
    p = successes / n
    z2n = z * z / n
    centre = (p + z2n / 2) / (1 + z2n)
    half = z / (1 + z2n) * math.sqrt(p * (1 - p) / n + z2n / (4 * n))
    # At 0 % and 100 % the bound is exactly 0 or 1; rounding would leave a speck either side.
    low = 0.0 if successes == 0 else max(0.0, centre - half)
    high = 1.0 if successes == n else min(1.0, centre + half)
    return Interval(low, high)


def _finite_array(values: Sequence[float]) -> np.ndarray:
    data = np.asarray(values, dtype=float)
    if data.ndim != 1:
        raise ValueError("values must be a flat sequence of numbers")
    if not np.isfinite(data).all():
        raise ValueError("values must be finite numbers")
    return data


def percentile(values: Sequence[float], p: float) -> float | None:
    """The p-th percentile, p from 0 to 1 (0.9 for p90); None for no values.

    Linear interpolation between the closest ranks, rank = p·(n−1): numpy's default
    method and PostgreSQL's percentile_cont, so figures computed here and in the
    database agree.
    """
    if not 0 <= p <= 1:
        raise ValueError(f"p is a share from 0 to 1 (0.9 for p90), got {p}")
    data = _finite_array(values)
    if data.size == 0:
        return None
    return float(np.quantile(data, p))


def median(values: Sequence[float]) -> float | None:
    return percentile(values, 0.5)


def p90(values: Sequence[float]) -> float | None:
    return percentile(values, 0.9)


def bootstrap_median(
    values: Sequence[float], *, confidence: float = 0.95, resamples: int = 2000, seed: int = 0
) -> Interval | None:
    """Percentile bootstrap interval for the median; None for no values.

    The same as drawing `resamples` samples with replacement, taking each one's median
    and returning the (1−confidence)/2 and (1+confidence)/2 quantiles of those medians,
    but without drawing the samples: see below. The same values and seed always give
    the same interval, in milliseconds even for a million values.
    """
    _z(confidence)
    if resamples < 1:
        raise ValueError("resamples must be at least 1")
    data = _finite_array(values)
    n = data.size
    if n == 0:
        return None
    # A resample draws n positions floor(n·U) from the sorted values, U uniform on [0, 1), and
    # its median is the value at its middle drawn position(s). floor is monotone, so the r-th
    # smallest position is floor(n·U(r)) with U(r) the r-th smallest of n uniforms, which is
    # Beta(r, n − r + 1); the next one is U(r) + (1 − U(r))·Beta(1, n − r). Drawing those two
    # per resample gives exactly the resampling distribution at O(1) cost instead of O(n)
    # (2,000 resamples of a million values would otherwise take half a minute).
    ordered = np.sort(data)
    rank = (n + 1) // 2  # 1-based rank of the lower middle value
    rng = np.random.default_rng(seed)
    u_lower = rng.beta(rank, n - rank + 1, size=resamples)
    lower = np.minimum(np.floor(n * u_lower).astype(np.int64), n - 1)
    if n % 2:
        medians = ordered[lower]
    else:
        u_upper = u_lower + (1 - u_lower) * rng.beta(1, n - rank, size=resamples)
        upper = np.minimum(np.floor(n * u_upper).astype(np.int64), n - 1)
        medians = (ordered[lower] + ordered[upper]) / 2
    alpha = 1 - confidence
    low, high = np.quantile(medians, [alpha / 2, 1 - alpha / 2])
    return Interval(float(low), float(high))


def median_absolute_error(estimates: Sequence[float], actuals: Sequence[float]) -> float | None:
    """Median of |estimate − actual| over pairs; None for no pairs. Used for the wait-estimate accuracy."""
    e = _finite_array(estimates)
    a = _finite_array(actuals)
    if e.size != a.size:
        raise ValueError(f"{e.size} estimates but {a.size} actual values")
    if e.size == 0:
        return None
    return float(np.median(np.abs(e - a)))


class Verdict(enum.StrEnum):
    TOO_FEW = "too_few"
    NO_CLEAR_DIFFERENCE = "no_clear_difference"
    A_BETTER = "a_better"
    B_BETTER = "b_better"


@dataclass(frozen=True)
class RateComparison:
    a_successes: int
    a_n: int
    b_successes: int
    b_n: int
    a_rate: float | None
    b_rate: float | None
    a_interval: Interval | None
    b_interval: Interval | None
    difference: float | None  # a_rate − b_rate
    verdict: Verdict
    higher_is_better: bool
    min_n: int


@dataclass(frozen=True)
class MedianComparison:
    a_n: int
    b_n: int
    a_median: float | None
    b_median: float | None
    a_interval: Interval | None
    b_interval: Interval | None
    difference: float | None  # a_median − b_median
    verdict: Verdict
    higher_is_better: bool
    min_n: int


def _verdict(
    a_n: int,
    b_n: int,
    a_value: float | None,
    b_value: float | None,
    a_interval: Interval | None,
    b_interval: Interval | None,
    *,
    higher_is_better: bool,
    min_n: int,
) -> Verdict:
    """Too few, else a difference only where the two intervals do not overlap.

    Non-overlapping 95 % intervals are a stricter test than a 5 % significance test
    (nearer 0.5 %) on purpose: a claim that one group serves citizens worse should
    survive being looked at service by service, many comparisons at once.
    """
    if a_n < min_n or b_n < min_n or a_interval is None or b_interval is None:
        return Verdict.TOO_FEW
    if a_interval.overlaps(b_interval):
        return Verdict.NO_CLEAR_DIFFERENCE
    a_higher = a_value > b_value
    return Verdict.A_BETTER if a_higher == higher_is_better else Verdict.B_BETTER


def _check_min_n(min_n: int) -> None:
    if min_n < 1:
        raise ValueError("min_n must be at least 1")


def compare_rates(
    a_successes: int,
    a_n: int,
    b_successes: int,
    b_n: int,
    *,
    higher_is_better: bool = True,
    min_n: int = MIN_GROUP_SIZE,
    confidence: float = 0.95,
) -> RateComparison:
    """Compare two shares (e.g. first-contact resolution of library vs Borgerservice staff) by Wilson intervals.

    higher_is_better: True for first-contact resolution, False for referral, follow-up,
    not-possible and re-contact rates.
    """
    _check_min_n(min_n)
    a_interval = wilson(a_successes, a_n, confidence)
    b_interval = wilson(b_successes, b_n, confidence)
    a_rate = a_successes / a_n if a_n else None
    b_rate = b_successes / b_n if b_n else None
    return RateComparison(
        a_successes=a_successes,
        a_n=a_n,
        b_successes=b_successes,
        b_n=b_n,
        a_rate=a_rate,
        b_rate=b_rate,
        a_interval=a_interval,
        b_interval=b_interval,
        difference=a_rate - b_rate if a_rate is not None and b_rate is not None else None,
        verdict=_verdict(
            a_n, b_n, a_rate, b_rate, a_interval, b_interval, higher_is_better=higher_is_better, min_n=min_n
        ),
        higher_is_better=higher_is_better,
        min_n=min_n,
    )


def compare_medians(
    a_values: Sequence[float],
    b_values: Sequence[float],
    *,
    higher_is_better: bool = False,
    min_n: int = MIN_GROUP_SIZE,
    confidence: float = 0.95,
    resamples: int = 2000,
    seed: int = 0,
) -> MedianComparison:
    """Compare two medians (wait or service time in seconds; lower is better) by bootstrap intervals."""
    _check_min_n(min_n)
    a_median, b_median = median(a_values), median(b_values)
    a_interval = bootstrap_median(a_values, confidence=confidence, resamples=resamples, seed=seed)
    b_interval = bootstrap_median(b_values, confidence=confidence, resamples=resamples, seed=seed)
    a_n, b_n = len(a_values), len(b_values)
    return MedianComparison(
        a_n=a_n,
        b_n=b_n,
        a_median=a_median,
        b_median=b_median,
        a_interval=a_interval,
        b_interval=b_interval,
        difference=a_median - b_median if a_median is not None and b_median is not None else None,
        verdict=_verdict(
            a_n, b_n, a_median, b_median, a_interval, b_interval, higher_is_better=higher_is_better, min_n=min_n
        ),
        higher_is_better=higher_is_better,
        min_n=min_n,
    )


@dataclass(frozen=True)
class _Measure:
    noun: str  # "Ingen tydelig forskel i <noun>: ..."
    more: str  # "<Group> <more> (x mod y)." when the better group has the higher figure
    less: str  # ... and when it has the lower one


# Plain Danish for the measures the comparison shows. The phrase is picked from which group
# has the higher figure, so the sentence stays true whatever higher_is_better was passed.
MEASURES_DA = {
    "first_contact_resolution": _Measure(
        "løsning i første kontakt",
        "løser flere henvendelser i første kontakt",
        "løser færre henvendelser i første kontakt",
    ),
    "referral_rate": _Measure("henvisninger", "henviser flere borgere videre", "henviser færre borgere videre"),
    "follow_up_rate": _Measure(
        "opfølgning", "har flere henvendelser, der kræver opfølgning", "har færre henvendelser, der kræver opfølgning"
    ),
    "not_possible_rate": _Measure(
        "henvendelser, der ikke kunne løses",
        "har flere henvendelser, der ikke kunne løses",
        "har færre henvendelser, der ikke kunne løses",
    ),
    "recontact_rate": _Measure(
        "genhenvendelser",
        "har flere borgere, der henvender sig igen om det samme",
        "har færre borgere, der henvender sig igen om det samme",
    ),
    "wait": _Measure("ventetid", "har længere ventetid", "har kortere ventetid"),
    "service_time": _Measure(
        "ekspeditionstid", "bruger længere tid pr. henvendelse", "bruger kortere tid pr. henvendelse"
    ),
}

# The same in English, for staff who use Skranke in English.
MEASURES_EN = {
    "first_contact_resolution": _Measure(
        "first-contact resolution", "resolve more contacts at first contact", "resolve fewer contacts at first contact"
    ),
    "referral_rate": _Measure("referrals", "refer more citizens elsewhere", "refer fewer citizens elsewhere"),
    "follow_up_rate": _Measure(
        "follow-up", "have more contacts that need follow-up", "have fewer contacts that need follow-up"
    ),
    "not_possible_rate": _Measure(
        "contacts that could not be resolved",
        "have more contacts that could not be resolved",
        "have fewer contacts that could not be resolved",
    ),
    "recontact_rate": _Measure(
        "repeat contacts",
        "have more citizens coming back about the same matter",
        "have fewer citizens coming back about the same matter",
    ),
    "wait": _Measure("waiting time", "have longer waits", "have shorter waits"),
    "service_time": _Measure("service time", "take longer per contact", "take less time per contact"),
}


def _rounded(value: float, decimals: int) -> Decimal:
    # Half up, as people round (34.5 s is "35 sek."); Python's round() goes to even.
    return Decimal(repr(value)).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def _number_da(value: float, decimals: int) -> str:
    """1234.5 -> "1.234,5": Danish thousands point and decimal comma."""
    text = f"{_rounded(value, decimals):,.{decimals}f}"
    return text.replace(",", "\0").replace(".", ",").replace("\0", ".")


def _number_en(value: float, decimals: int) -> str:
    """1234.5 -> "1,234.5"."""
    return f"{_rounded(value, decimals):,.{decimals}f}"


@dataclass(frozen=True)
class _Language:
    """The words and number formats of one language's verdicts."""

    measures: dict[str, _Measure]
    number: Callable[[float, int], str]
    seconds: str  # unit after a number of seconds ...
    minutes: str  # ... and of minutes
    typical: str  # before a median: "typisk 6 min."
    too_few: str  # format fields: a_n, b_n, min_n
    no_difference: str  # noun, a, b, a_label, b_label
    better: str  # better, phrase, better_value, other_value
    a_label: str  # the library's staff ...
    b_label: str  # ... and Borgerservice's


LANGUAGES = {
    "da": _Language(
        measures=MEASURES_DA,
        number=_number_da,
        seconds="sek.",
        minutes="min.",
        typical="typisk ",
        too_few="For få henvendelser til at sige noget ({a_n} og {b_n}; der skal mindst {min_n} i hver gruppe).",
        no_difference="Ingen tydelig forskel i {noun}: {a} hos {a_label} og {b} hos {b_label}.",
        better="{better} {phrase} ({better_value} mod {other_value}).",
        a_label="bibliotekets personale",
        b_label="Borgerservices personale",
    ),
    "en": _Language(
        measures=MEASURES_EN,
        number=_number_en,
        seconds="sec.",
        minutes="min.",
        typical="typically ",
        too_few="Too few contacts to tell ({a_n} and {b_n}; at least {min_n} are needed in each group).",
        no_difference="No clear difference in {noun}: {a} for {a_label} and {b} for {b_label}.",
        better="{better} {phrase} ({better_value} against {other_value}).",
        a_label="library staff",
        b_label="Borgerservice staff",
    ),
}


def _pair(x: float, y: float, fmt) -> tuple[str, str]:
    """Format two figures, with more decimals when rounding would make different figures look equal."""
    for decimals in (0, 1, 2):
        pair = (fmt(x, decimals), fmt(y, decimals))
        if pair[0] != pair[1] or x == y:
            return pair
    return pair


def _capitalised(label: str) -> str:
    return label[:1].upper() + label[1:]


def verdict(
    comparison: RateComparison | MedianComparison,
    *,
    measure: str,
    language: str = "da",
    a_label: str | None = None,
    b_label: str | None = None,
) -> str:
    """One short sentence in plain words saying what the comparison shows, in Danish or English.

    measure: a key of MEASURES_DA, e.g. "first_contact_resolution" or "wait".
    language: "da" or "en" (a language code such as "en-gb" counts as its first part; others fall back
    to Danish). a_label and b_label name the groups (default: the library's staff, Borgerservice's).
    Medians are read as seconds and written as "typisk 6 min." (typical = the median).
    """
    lang = LANGUAGES.get(language.split("-")[0].lower(), LANGUAGES["da"])
    try:
        words = lang.measures[measure]
    except KeyError:
        raise ValueError(f"unknown measure {measure!r}; known: {', '.join(MEASURES_DA)}") from None
    number = lang.number
    a_label, b_label = a_label or lang.a_label, b_label or lang.b_label
    c = comparison
    if c.verdict == Verdict.TOO_FEW:
        return lang.too_few.format(a_n=number(c.a_n, 0), b_n=number(c.b_n, 0), min_n=number(c.min_n, 0))

    def percent(share: float, decimals: int) -> str:
        return f"{number(share * 100, decimals)} %"

    def duration(seconds: float, decimals: int) -> str:
        if _rounded(seconds, decimals) < 60:
            return f"{number(seconds, decimals)} {lang.seconds}"
        return f"{number(seconds / 60, decimals)} {lang.minutes}"

    if isinstance(c, RateComparison):
        a_value, b_value, fmt, typical = c.a_rate, c.b_rate, percent, ""
    else:
        a_value, b_value, fmt, typical = c.a_median, c.b_median, duration, lang.typical
    if c.verdict == Verdict.NO_CLEAR_DIFFERENCE:
        a_text, b_text = _pair(a_value, b_value, fmt)
        return lang.no_difference.format(
            noun=words.noun, a=typical + a_text, b=typical + b_text, a_label=a_label, b_label=b_label
        )
    if c.verdict == Verdict.A_BETTER:
        better, better_value, other_value = a_label, a_value, b_value
    else:
        better, better_value, other_value = b_label, b_value, a_value
    phrase = words.more if better_value > other_value else words.less
    better_text, other_text = _pair(better_value, other_value, fmt)
    return lang.better.format(
        better=_capitalised(better), phrase=phrase, better_value=typical + better_text, other_value=other_text
    )
