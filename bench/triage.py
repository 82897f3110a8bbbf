"""Triage benchmark: accuracy on the labelled phrasings and speed, beside two baselines.

    .venv/bin/python bench/triage.py                 # the reported part (the figures in docs/benchmarks.md)
    .venv/bin/python bench/triage.py --part tune --misses   # tuning: what the matcher gets wrong

Misses are only ever shown for the tuning part: the reported part is never
used to tune the matcher or the catalogue.

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
import datetime as dt
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
from skranke.triage import text as triage_text
from skranke.triage.matcher import AUTHORITY, GUIDANCE, Matcher, ServiceText

LABELLED = Path(__file__).resolve().parent / "data" / "triage-labelled.tsv"
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


def read_cases(path: Path = LABELLED) -> list[Case]:
    cases = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        part, text, expected = line.split("\t")
        if part not in ("tune", "report"):
            raise SystemExit(f"{path}:{number}: part must be tune or report, not {part!r}")
        cases.append(Case(part, text, tuple(expected.split(","))))
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
    misses: list[tuple[Case, Answer]]


def score(cases: list[Case], predict: Callable[[str], Answer], kinds: dict[str, str]) -> Scores:
    top1 = top3 = kind = asked = asked_right = ask_cases = ask_found = 0
    soft = authority_first = 0
    misses = []
    for case in cases:
        answer = predict(case.text)
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
        top1 += right1
        top3 += right3
        kind += kind_right
        if answer.ask_staff:
            asked += 1
            asked_right += ask_expected
        if ask_expected:
            ask_cases += 1
            ask_found += answer.ask_staff
        if ask_expected or kinds[case.expected[0]] != AUTHORITY:
            soft += 1
            authority_first += not answer.ask_staff and bool(answer.keys) and kinds[answer.keys[0]] == AUTHORITY
        if not right1:
            misses.append((case, answer))
    total = len(cases)
    return Scores(
        top1=top1 / total,
        top3=top3 / total,
        kind=kind / total,
        ask_precision=asked_right / asked if asked else 0.0,
        ask_recall=ask_found / ask_cases if ask_cases else 0.0,
        authority_first=authority_first / soft if soft else 0.0,
        misses=misses,
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
    parser.add_argument("--part", choices=["report", "tune", "all"], default="report")
    parser.add_argument("--misses", action="store_true", help="list the matcher's misses (tuning part only)")
    parser.add_argument("--rounds", type=int, default=20, help="timed rounds over the phrasings after warm-up")
    args = parser.parse_args(argv)
    if args.misses and args.part != "tune":
        parser.error("misses are only shown for --part tune: the reported part is never used for tuning")

    catalogue = read_catalogue()
    services = service_texts(catalogue)
    kinds = {s.key: s.kind for s in services}
    everything = read_cases()
    unknown = {k for c in everything for k in c.expected if k != ASK and k not in kinds}
    if unknown:
        raise SystemExit(f"Labelled phrasings name services the catalogue lacks: {sorted(unknown)}")
    cases = [c for c in everything if args.part in ("all", c.part)]
    catalogue_phrases = {" ".join(_plain_tokens(p)) for s in services for p in _catalogue_phrases(s)}
    verbatim = sum(" ".join(_plain_tokens(c.text)) in catalogue_phrases for c in cases)

    matcher = Matcher(services)
    contenders = {
        "Skranke": (skranke_predictor(matcher), lambda: Matcher(services)),
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
    print()
    print(f"Skranke top-1 over plain BM25: {lead * 100:+.1f} points")
    if args.misses:
        print()
        for case, answer in results["Skranke"].misses:
            got = "ask-staff" if answer.ask_staff else ""
            print(f"MISS {case.text!r}: want {','.join(case.expected)}; got {got} {list(answer.keys[:3])}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
