"""Triage benchmark: accuracy on the labelled phrasings and speed, beside two baselines.

    .venv/bin/python bench/triage.py                 # the reported part (the figures in docs/benchmarks.md)
    .venv/bin/python bench/triage.py --part tune --misses   # tuning: what the matcher gets wrong
    .venv/bin/python bench/triage.py --part tune-2 --misses # ... on the second tuning set
    .venv/bin/python bench/triage.py --part tune-3 --misses # ... on the third
    .venv/bin/python bench/triage.py --part tune-4 --misses # ... on the fourth, tune-5 to tune-7 the others
    .venv/bin/python bench/triage.py --cv "ask_below=0.4,0.5" --drop 0.3   # cross-validation on the tuning data

bench/data/triage-labelled.tsv holds the tuning part (`tune`) and the reported
part (`report`); bench/data/triage-tuning-2.tsv to -7.tsv hold six more
independently written sets of tuning phrasings only, loaded by default as the
parts `tune-2` to `tune-7` (`--tuning-extra` names other
such files, `--tuning-extra ""` none; a file named ...-tuning-N.tsv is the part
`tune-N`). A phrasing of a tuning file that is also in the labelled set or in
an earlier tuning file is refused, so that no reported phrasing is tuned on
through it.

Misses are only ever shown for the tuning parts: the reported part is never
used to tune the matcher or the catalogue. Cross-validation (`--cv`) chooses
among variants of the tuning on one half of the tuning data (all tuning parts
together unless `--cv-part` says one) and measures the choice on the
other half; `--drop` leaves a share of the catalogue's search words and
examples out, as a stand-in for words the catalogue lacks.

Baselines, measured on the same phrasings in the same run:
- plain BM25 (rank-bm25, Okapi) over the same catalogue text (names, search
  words, examples, life events), lower-cased and split on non-letters, with
  no Danish handling (no stemming, folding, compounds, typos or stop words);
- exact keyword lookup: a service is a candidate when one of its names or
  search words occurs in the text as whole words; more and longer hits rank
  first.

Scoring rules:
- a service phrasing is right at top-1 when the first match is the service
  and the matcher does not ask for staff; at top-3 when it is among the
  first three matches;
- a phrasing with n needs is right at top-1 when the first n matches are
  exactly its services, at top-3 when they are all among the first n + 2;
- an ask-staff phrasing is right (top-1 and top-3) when the answer is "ask
  staff";
- kind: "ask staff" counts as GUIDANCE (general guidance); for n needs the
  kinds of the first n matches must be the expected kinds;
- authority first: the share of LIBRARY, GUIDANCE or ask-staff phrasings for
  which the answer puts an AUTHORITY service first (not asking staff).
"""

import argparse
import dataclasses
import datetime as dt
import hashlib
import itertools
import platform
import re
import statistics
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from rank_bm25 import BM25Okapi

from skranke.catalogue.loader import read_catalogue
from skranke.catalogue.triage import service_texts
from skranke.triage import learned as triage_learned
from skranke.triage import text as triage_text
from skranke.triage.matcher import AUTHORITY, GUIDANCE, Matcher, ServiceText, Tuning

LABELLED = Path(__file__).resolve().parent / "data" / "triage-labelled.tsv"
TUNING_EXTRA = [LABELLED.with_name(f"triage-tuning-{n}.tsv") for n in (2, 3, 4, 5, 6, 7)]
TUNING_PARTS = ("tune", "tune-2", "tune-3", "tune-4", "tune-5", "tune-6", "tune-7")
ASK = "ask-staff"


@dataclass(frozen=True)
class Case:
    part: str
    text: str
    expected: tuple[str, ...]  # service keys, or (ASK,)


@dataclass(frozen=True)
class Answer:
    keys: tuple[str, ...]
    ask_staff: bool


def read_cases(path: Path = LABELLED, extra_part: str | None = None) -> list[Case]:
    """The phrasings of one file; those of an extra tuning file (all `tune`) become the part `extra_part`."""
    cases = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        part, text, expected = line.split("\t")
        if part not in (("tune",) if extra_part else ("tune", "report")):
            allowed = "tune" if extra_part else "tune or report"
            raise SystemExit(f"{path}:{number}: part must be {allowed}, not {part!r}")
        cases.append(Case(extra_part or part, text, tuple(expected.split(","))))
    return cases


def extra_part(path: Path, index: int) -> str:
    """The part of an extra tuning file: `tune-N` for ...-tuning-N.tsv, else by its place (the first is tune-2)."""
    numbered = re.search(r"tuning-(\d+)\.tsv$", path.name)
    return f"tune-{numbered.group(1) if numbered else index + 2}"


def read_all_cases(extra_paths: list[Path]) -> list[Case]:
    """The labelled set and the extra tuning files, refusing an extra phrasing an earlier file also has."""
    labelled = read_cases(LABELLED)
    known = {" ".join(_plain_tokens(c.text)) for c in labelled}
    cases = list(labelled)
    parts = set()
    for index, path in enumerate(extra_paths):
        part = extra_part(path, index)
        if part in parts or part in ("tune", "report"):
            raise SystemExit(f"{path}: two tuning files would be the part {part!r}")
        parts.add(part)
        for case in read_cases(path, extra_part=part):
            plain = " ".join(_plain_tokens(case.text))
            if plain in known:
                # Without saying which file or part: a reported phrasing must not be tuned on through another file.
                raise SystemExit(
                    f"{path}: {case.text!r} is also in {LABELLED.name} or an earlier tuning file; "
                    f"remove it from {path.name}"
                )
            known.add(plain)
            cases.append(case)
    return cases


# -- the three contenders ------------------------------------------------------


def skranke_predictor(matcher: Matcher) -> Callable[[str], Answer]:
    def predict(text: str) -> Answer:
        result = matcher.match(text)
        return Answer(tuple(m.service for m in result.matches), result.ask_staff)

    return predict


_PLAIN = re.compile(r"[^\W_]+")


def _plain_tokens(text: str) -> list[str]:
    return _PLAIN.findall(text.lower())


def _catalogue_phrases(s: ServiceText) -> list[str]:
    return [*s.names, *s.search_words, *s.examples, *s.events]


def bm25_predictor(services: list[ServiceText]) -> Callable[[str], Answer]:
    corpus = [[tok for phrase in _catalogue_phrases(s) for tok in _plain_tokens(phrase)] for s in services]
    bm25 = BM25Okapi(corpus)

    def predict(text: str) -> Answer:
        scores = bm25.get_scores(_plain_tokens(text))
        order = sorted((i for i in range(len(services)) if scores[i] > 0), key=lambda i: -scores[i])
        keys = tuple(services[i].key for i in order)
        return Answer(keys, not keys or keys[0] == "general-guidance")

    return predict


def keyword_predictor(services: list[ServiceText]) -> Callable[[str], Answer]:
    phrases: dict[str, set[int]] = defaultdict(set)
    for i, s in enumerate(services):
        for phrase in (*s.names, *s.search_words):
            tokens = " ".join(_plain_tokens(phrase))
            if tokens:
                phrases[tokens].add(i)

    def predict(text: str) -> Answer:
        padded = f" {' '.join(_plain_tokens(text))} "
        votes: Counter[int] = Counter()
        for phrase, owners in phrases.items():
            if f" {phrase} " in padded:
                for i in owners:
                    votes[i] += len(phrase)
        order = sorted(votes, key=lambda i: (-votes[i], i))
        keys = tuple(services[i].key for i in order)
        return Answer(keys, not keys or keys[0] == "general-guidance")

    return predict


# -- scoring -----------------------------------------------------------------------


@dataclass
class Scores:
    top1: float
    top3: float
    kind: float
    ask_precision: float
    ask_recall: float
    authority_first: float
    misses: list[tuple[Case, Answer]]  # wrong at top-1, or an AUTHORITY service first for another need


@dataclass(frozen=True)
class Outcome:
    """How one phrasing was answered, in the terms of the scores."""

    right1: bool
    right3: bool
    kind: bool
    asked: bool  # the answer is "ask staff"
    ask_expected: bool
    soft: bool  # a LIBRARY, GUIDANCE or ask-staff phrasing
    authority_first: bool  # ... answered with an AUTHORITY service first


def outcome(case: Case, answer: Answer, kinds: dict[str, str]) -> Outcome:
    ask_expected = case.expected == (ASK,)
    n = len(case.expected)
    if ask_expected:
        right1 = right3 = answer.ask_staff
        kind_right = answer.ask_staff or (bool(answer.keys) and kinds[answer.keys[0]] == GUIDANCE)
    else:
        right1 = not answer.ask_staff and set(answer.keys[:n]) == set(case.expected)
        right3 = set(case.expected) <= set(answer.keys[: n + 2])
        got = [GUIDANCE] if answer.ask_staff else [kinds[k] for k in answer.keys[:n]]
        kind_right = sorted(got) == sorted(kinds[k] for k in case.expected)
    soft = ask_expected or kinds[case.expected[0]] != AUTHORITY
    first_authority = not answer.ask_staff and bool(answer.keys) and kinds[answer.keys[0]] == AUTHORITY
    return Outcome(
        right1=right1,
        right3=right3,
        kind=kind_right,
        asked=answer.ask_staff,
        ask_expected=ask_expected,
        soft=soft,
        authority_first=soft and first_authority,
    )


def aggregate(outcomes: list[Outcome], misses: list | None = None) -> Scores:
    asked = sum(o.asked for o in outcomes)
    ask_cases = sum(o.ask_expected for o in outcomes)
    soft = sum(o.soft for o in outcomes)
    total = len(outcomes)
    return Scores(
        top1=sum(o.right1 for o in outcomes) / total,
        top3=sum(o.right3 for o in outcomes) / total,
        kind=sum(o.kind for o in outcomes) / total,
        ask_precision=sum(o.asked and o.ask_expected for o in outcomes) / asked if asked else 0.0,
        ask_recall=sum(o.asked and o.ask_expected for o in outcomes) / ask_cases if ask_cases else 0.0,
        authority_first=sum(o.authority_first for o in outcomes) / soft if soft else 0.0,
        misses=misses or [],
    )


def score(cases: list[Case], predict: Callable[[str], Answer], kinds: dict[str, str]) -> Scores:
    outcomes = []
    misses = []
    for case in cases:
        answer = predict(case.text)
        o = outcome(case, answer, kinds)
        outcomes.append(o)
        if not o.right1 or o.authority_first:
            misses.append((case, answer))
    return aggregate(outcomes, misses)


# -- cross-validation on the tuning part ---------------------------------------------


def cv_halves(cases: list[Case], seed: int) -> list[int]:
    """Half 0 or 1 for each phrasing: within each label, SHA-256 order of seed and text, alternately.

    The same seed always gives the same split; different seeds give different ones.
    """
    by_label: dict[tuple[str, ...], list[int]] = defaultdict(list)
    for i, case in enumerate(cases):
        by_label[case.expected].append(i)
    half = [0] * len(cases)
    flip = 0
    for label in sorted(by_label):
        order = sorted(by_label[label], key=lambda i: hashlib.sha256(f"cv{seed}\t{cases[i].text}".encode()).digest())
        for rank, i in enumerate(order):
            half[i] = (rank + flip) % 2
        flip ^= len(order) % 2  # odd-sized labels alternate which half gets the extra one
    return half


def objective(s: Scores) -> float:
    """What a variant is chosen by: top-1 and kind, less AUTHORITY-first answers to other needs."""
    return s.top1 + s.kind - s.authority_first


def _parse_value(name: str, raw: str):
    fields = {f.name: f for f in dataclasses.fields(Tuning)}
    if name not in fields:
        raise SystemExit(f"Tuning has no knob {name!r}; knobs: {', '.join(fields)}")
    default = getattr(Tuning(), name)
    if isinstance(default, bool):
        return raw.lower() in ("1", "true", "yes", "on")
    return type(default)(raw)


def parse_settings(items: list[str]) -> dict[str, object]:
    """ "knob=value" settings: the base tuning of a cross-validation or of --part tune."""
    out = {}
    for item in items:
        name, _, raw = item.partition("=")
        out[name.strip()] = _parse_value(name.strip(), raw.strip())
    return out


def parse_grid(spec: str) -> list[dict[str, object]]:
    """ "a=1,2 b=3,4": every combination of the values given, each a variant of the base tuning."""
    axes = []
    for item in spec.split():
        name, _, raw = item.partition("=")
        axes.append([(name, _parse_value(name, v)) for v in raw.split(",")])
    return [dict(combo) for combo in itertools.product(*axes)]


def ablated(services: list[ServiceText], drop: float, seed: int) -> list[ServiceText]:
    """The catalogue with a share of each service's search words and example phrasings left out.

    A stand-in for phrasings in words the catalogue does not have yet: the
    tuning part's words are all in the catalogue by now, new citizens' are not.
    Names and life events stay. Which words go depends on the seed only.
    """

    def kept(key: str, phrases: tuple[str, ...]) -> tuple[str, ...]:
        cut = drop * 2**32
        return tuple(
            p for p in phrases if int.from_bytes(hashlib.sha256(f"ab{seed}\t{key}\t{p}".encode()).digest()[:4]) >= cut
        )

    return [
        dataclasses.replace(s, search_words=kept(s.key, s.search_words), examples=kept(s.key, s.examples))
        for s in services
    ]


def cross_validate(
    cases: list[Case],
    services: list[ServiceText],
    kinds: dict[str, str],
    base: dict[str, object],
    spec: str,
    splits: int,
    diff: bool,
    drop: float = 0.0,
) -> None:
    """Choose among the variants on one half of the tuning part, measure the choice on the other half.

    A change is worth keeping when, chosen on one half, it helps or is neutral
    on the half it was not chosen on, over many splits. With `drop`, each
    split also leaves that share of the catalogue's search words and examples
    out (another share for each split).
    """
    defaults = Tuning()
    variants = [{}] + [v for v in parse_grid(spec) if any(base.get(k, getattr(defaults, k)) != x for k, x in v.items())]
    outcomes: list[list[list[Outcome]]] = []  # [split][variant][case]
    for seed in range(splits):
        if drop <= 0 and outcomes:
            outcomes.append(outcomes[0])
            continue
        catalogue = ablated(services, drop, seed) if drop > 0 else services
        per_variant = []
        for variant in variants:
            # Without the learned weights: they were trained on all of the tuning data, both halves.
            predict = skranke_predictor(Matcher(catalogue, Tuning(**{**base, **variant})))
            per_variant.append([outcome(c, predict(c.text), kinds) for c in cases])
        outcomes.append(per_variant)

    def label(v: dict) -> str:
        return " ".join(f"{k}={x}" for k, x in v.items()) or "base"

    print(f"Cross-validation on the tuning data ({len(cases)} phrasings), {splits} splits x 2 directions")
    settings = " ".join(f"{k}={x}" for k, x in base.items()) or "the defaults"
    ablation = f"; {drop:.0%} of search words and examples left out per split" if drop > 0 else ""
    print(f"base: {settings}{ablation}; objective: top-1 + kind - AUTHORITY first")
    print()
    chosen_count: Counter[int] = Counter()
    deltas = []  # (top-1, kind, AUTHORITY first, objective) held out, chosen minus base
    for seed in range(splits):
        half = cv_halves(cases, seed)
        for decide in (0, 1):
            on = [[o for o, h in zip(out, half, strict=True) if h == decide] for out in outcomes[seed]]
            off = [[o for o, h in zip(out, half, strict=True) if h != decide] for out in outcomes[seed]]
            best = max(range(len(variants)), key=lambda v: (round(objective(aggregate(on[v])), 9), -v))
            chosen_count[best] += 1
            got, was = aggregate(off[best]), aggregate(off[0])
            deltas.append(
                (
                    got.top1 - was.top1,
                    got.kind - was.kind,
                    got.authority_first - was.authority_first,
                    objective(got) - objective(was),
                )
            )
    print("| variant | top-1 | kind | AUTH first | ask P | ask R | chosen |")
    print("|---|---|---|---|---|---|---|")
    for v, variant in enumerate(variants):
        runs = [aggregate(outcomes[seed][v]) for seed in range(splits)]

        def mean(field: str, runs=runs) -> float:
            return sum(getattr(r, field) for r in runs) / len(runs)

        print(
            f"| {label(variant)} | {mean('top1'):.1%} | {mean('kind'):.1%} | {mean('authority_first'):.1%} "
            f"| {mean('ask_precision'):.1%} | {mean('ask_recall'):.1%} | {chosen_count[v]} |"
        )
    n = len(deltas)
    means = [sum(d[j] for d in deltas) / n * 100 for j in range(4)]
    worse = sum(d[3] < -1e-9 for d in deltas)
    better = sum(d[3] > 1e-9 for d in deltas)
    print()
    print(
        f"Held out, the chosen variant minus base, mean over {n}: top-1 {means[0]:+.2f} points, "
        f"kind {means[1]:+.2f}, AUTHORITY first {means[2]:+.2f}; objective better in {better}, worse in {worse}, "
        f"worst {min(d[3] for d in deltas) * 100:+.2f}"
    )
    if diff:
        for v in range(1, len(variants)):
            print()
            print(f"Phrasings answered differently by {label(variants[v])} (first split):")
            for case, a, b in zip(cases, outcomes[0][0], outcomes[0][v], strict=True):
                was, got = a.right1 + a.kind - a.authority_first, b.right1 + b.kind - b.authority_first
                if (a.right1, a.kind, a.authority_first) != (b.right1, b.kind, b.authority_first):
                    sign = "+" if got > was else "-" if got < was else "~"
                    print(
                        f"  {sign} {case.text!r} ({','.join(case.expected)}): "
                        f"top-1 {a.right1:d}->{b.right1:d}, kind {a.kind:d}->{b.kind:d}"
                    )


def latency_us(cases: list[Case], predict: Callable[[str], Answer], rounds: int) -> tuple[float, float, float]:
    """p50 and p99 per query after one warm-up round, and p99 of the very first (cold) round."""
    cold = []
    for case in cases:
        start = time.perf_counter_ns()
        predict(case.text)
        cold.append(time.perf_counter_ns() - start)
    warm = []
    for _ in range(rounds):
        for case in cases:
            start = time.perf_counter_ns()
            predict(case.text)
            warm.append(time.perf_counter_ns() - start)
    q = statistics.quantiles(warm, n=100)
    return q[49] / 1000, q[98] / 1000, statistics.quantiles(cold, n=100)[98] / 1000


def build_ms(build: Callable[[], object], rounds: int = 15) -> float:
    """Median time to build from the plain catalogue data, with the stemming cache emptied each time."""
    times = []
    for _ in range(rounds):
        triage_text.term.cache_clear()
        start = time.perf_counter()
        build()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{cpu}, Python {platform.python_version()}, {platform.system()} {platform.release()}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--part", choices=["report", *TUNING_PARTS, "all"], default="report")
    parser.add_argument("--misses", action="store_true", help="list the matcher's misses (tuning parts only)")
    parser.add_argument(
        "--tuning-extra",
        action="append",
        metavar="FILE",
        help=f"extra tuning phrasings, parts tune-2, tune-3... (default: {', '.join(p.name for p in TUNING_EXTRA)}; "
        '"" for none)',
    )
    parser.add_argument("--rounds", type=int, default=20, help="timed rounds over the phrasings after warm-up")
    parser.add_argument(
        "--cv",
        metavar="GRID",
        help='cross-validate variants on the tuning part, e.g. "ask_below=0.3,0.35 margin=0.4,0.5"',
    )
    parser.add_argument("--splits", type=int, default=10, help="random 50/50 splits of the tuning data for --cv")
    parser.add_argument(
        "--cv-part",
        choices=[*TUNING_PARTS, "all", "both"],
        default="all",
        help="the tuning data --cv splits: one tuning part, or all of them (both: the same, an older name)",
    )
    parser.add_argument("--diff", action="store_true", help="with --cv: the tuning phrasings each variant changes")
    parser.add_argument(
        "--drop",
        type=float,
        default=0.0,
        help="with --cv: leave this share of the search words and examples out of the catalogue in each split",
    )
    parser.add_argument(
        "--set", action="append", default=[], metavar="KNOB=VALUE", help="a tuning knob (tuning part and --cv only)"
    )
    args = parser.parse_args(argv)
    if args.misses and args.part not in TUNING_PARTS:
        parser.error("misses are only shown for the tuning parts: the reported part is never used for tuning")
    base = parse_settings(args.set)
    if args.set and not args.cv and args.part not in TUNING_PARTS:
        parser.error("--set works on the tuning parts only (--part tune or tune-2 to tune-7, or --cv)")
    extra_paths = [Path(p) for p in args.tuning_extra if p] if args.tuning_extra is not None else TUNING_EXTRA

    catalogue = read_catalogue()
    services = service_texts(catalogue)
    kinds = {s.key: s.kind for s in services}
    everything = read_all_cases(extra_paths)
    present = {c.part for c in everything}
    for wanted in (args.part, args.cv_part if args.cv else "all"):
        if wanted not in ("all", "both") and wanted not in present:
            parser.error(f"no phrasings of the part {wanted}: name its file with --tuning-extra")
    unknown = {k for c in everything for k in c.expected if k != ASK and k not in kinds}
    if unknown:
        raise SystemExit(f"Labelled phrasings name services the catalogue lacks: {sorted(unknown)}")
    if args.cv:
        parts = present - {"report"} if args.cv_part in ("all", "both") else {args.cv_part}
        tune = [c for c in everything if c.part in parts]
        cross_validate(tune, services, kinds, base, args.cv, args.splits, args.diff, args.drop)
        return 0
    cases = [c for c in everything if args.part in ("all", c.part)]
    catalogue_phrases = {" ".join(_plain_tokens(p)) for s in services for p in _catalogue_phrases(s)}
    worded = [c for c in cases if " ".join(_plain_tokens(c.text)) not in catalogue_phrases]
    verbatim = len(cases) - len(worded)

    tuning = Tuning(**base)
    # The learned weights (bench/triage_learn.py) were trained on every tuning part: on a tuning part the
    # figures with them are not held out (bench/triage_learn.py --held-out gives those); on the reported part they are.
    learned = triage_learned.load()
    matcher = Matcher(services, tuning, learned)
    contenders = {
        "Skranke": (skranke_predictor(matcher), lambda: Matcher(services, tuning, triage_learned.load())),
        "BM25 (rank-bm25)": (bm25_predictor(services), lambda: bm25_predictor(services)),
        "Exact keywords": (keyword_predictor(services), lambda: keyword_predictor(services)),
    }
    rows = []
    results = {}
    for name, (predict, build) in contenders.items():
        s = score(cases, predict, kinds)
        p50, p99, cold99 = latency_us(cases, predict, args.rounds)
        results[name] = s
        rows.append((name, s, p50, p99, cold99, build_ms(build)))

    several = sum(len(c.expected) > 1 for c in cases)
    asks = sum(c.expected == (ASK,) for c in cases)
    print(f"Triage benchmark, {dt.date.today().isoformat()}, part: {args.part}")
    print(f"Machine: {machine()}")
    print(
        f"Phrasings: {len(cases)} ({several} with several needs, {asks} ask-staff, "
        f"{verbatim} identical to a catalogue phrase); catalogue {catalogue.version}: {len(services)} services"
    )
    if learned is not None:
        trained = "every tuning part: not held out here" if args.part != "report" else "the tuning parts only"
        print(f"Learned weights: trained on catalogue {learned.catalogue} and {trained}")
    print()
    print(
        "| | top-1 | top-3 | kind | ask-staff precision | ask-staff recall | AUTHORITY first for LIBRARY/GUIDANCE "
        "| p50 µs | p99 µs | p99 µs cold | build ms |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for name, s, p50, p99, cold99, built in rows:
        print(
            f"| {name} | {s.top1:.1%} | {s.top3:.1%} | {s.kind:.1%} | {s.ask_precision:.1%} | {s.ask_recall:.1%} "
            f"| {s.authority_first:.1%} | {p50:.0f} | {p99:.0f} | {cold99:.0f} | {built:.1f} |"
        )
    lead = results["Skranke"].top1 - results["BM25 (rank-bm25)"].top1
    # BM25 finds a phrasing that is word for word a catalogue phrase as well as anything does:
    # the lead on the others is how much the Danish handling adds to the citizens' own words.
    (skranke, _), (bm25, _) = contenders["Skranke"], contenders["BM25 (rank-bm25)"]
    own = score(worded, skranke, kinds).top1 - score(worded, bm25, kinds).top1 if worded else 0.0
    print()
    print(
        f"Skranke top-1 over plain BM25: {lead * 100:+.1f} points "
        f"({own * 100:+.1f} on the {len(worded)} phrasings that are not word for word a catalogue phrase)"
    )
    if args.misses:
        print()
        for case, answer in results["Skranke"].misses:
            got = "ask-staff" if answer.ask_staff else ""
            o = outcome(case, answer, kinds)
            tag = "MISS" if not o.right1 else "    "
            tag += " AUTHORITY-FIRST" if o.authority_first else (" KIND" if not o.kind else "")
            print(f"{tag} {case.text!r}: want {','.join(case.expected)}; got {got} {list(answer.keys[:3])}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
