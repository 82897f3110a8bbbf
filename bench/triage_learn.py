"""Train the triage matcher's learned weights (src/skranke/triage/learned.json), and measure what they add.

    .venv/bin/python bench/triage_learn.py --write     # train on the catalogue and every tuning part, write the file
    .venv/bin/python bench/triage_learn.py --held-out  # each tuning part left out of training in turn, and measured

The model is a multinomial logistic regression (scikit-learn) over the terms
the matcher resolves a text to (stems, compound parts, typo corrections), each
term counted once. It learns from the catalogue's own phrases (names, search
words, examples, life events) and from the tuning phrasings with one need
("ask-staff" as the general guidance service). The reported part is never
read: `read_all_cases` gives it, and it is dropped here before anything else.

`--held-out` is the honest measure: for each tuning part, the weights are
trained without it, and the matcher with and without them answers it.
"""

import argparse
import json
import sys
from collections.abc import Iterable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import triage as bench
from skranke.catalogue.loader import read_catalogue
from skranke.catalogue.triage import service_texts
from skranke.triage.learned import PATH, Learned
from skranke.triage.matcher import GENERAL, Matcher, ServiceText, Tuning

# Inverse regularisation strength. Held out over the seven tuning parts, 5, 20 and 50 give the same top-1
# (91.9 %) and AUTHORITY first (0.9 %); 1 gives less (90.6 %, ask-staff precision 75.7 %).
C = 20.0
# Weights smaller than this are left out of the file (a third of its size; held out over the seven
# tuning parts, 0.01 and 0.1 give the same figures, 0.3 gives 0.1 points less at top-1).
PRUNE = 0.1


def examples(services: list[ServiceText], cases: Iterable[bench.Case]) -> tuple[list[str], list[str]]:
    texts, labels = [], []
    for s in services:
        for phrase in (*s.names, *s.search_words, *s.examples, *s.events):
            texts.append(phrase)
            labels.append(s.key)
    for case in cases:
        if case.part == "report":
            raise SystemExit("the reported part is never trained on")
        if len(case.expected) == 1:
            texts.append(case.text)
            labels.append(GENERAL if case.expected[0] == bench.ASK else case.expected[0])
    return texts, labels


def train(services: list[ServiceText], cases: list[bench.Case], catalogue: str = "") -> Learned:
    from sklearn.feature_extraction.text import CountVectorizer
    from sklearn.linear_model import LogisticRegression

    plain = Matcher(services, Tuning(learned=False))
    texts, labels = examples(services, cases)
    vectoriser = CountVectorizer(analyzer=plain.terms, binary=True)
    features = vectoriser.fit_transform(texts)
    model = LogisticRegression(C=C, max_iter=5000).fit(features, labels)
    keys = [str(k) for k in model.classes_]
    weights: dict[str, list[tuple[int, float]]] = {}
    for tm, column in vectoriser.vocabulary_.items():
        kept = [(i, float(model.coef_[i, column])) for i in range(len(keys)) if abs(model.coef_[i, column]) >= PRUNE]
        if kept:
            weights[tm] = kept
    return Learned(
        services=tuple(keys),
        bias=tuple(float(b) for b in model.intercept_),
        weights={tm: tuple(ws) for tm, ws in weights.items()},
        catalogue=catalogue,
        trained_on=tuple(sorted({c.part for c in cases})),
    )


def _cells(s: bench.Scores) -> str:
    return f"{s.top1:.1%} / {s.kind:.1%} / {s.authority_first:.1%} / {s.ask_precision:.1%} / {s.ask_recall:.1%}"


def held_out(services: list[ServiceText], cases: list[bench.Case], kinds: dict[str, str]) -> None:
    print("Each tuning part answered by weights trained without it")
    print("(top-1 / kind / AUTHORITY first / ask-staff precision / ask-staff recall)")
    print()
    print("| part | rules only | with learned weights |")
    print("|---|---|---|")
    plain = Matcher(services, Tuning(learned=False))
    together: dict[str, list[bench.Outcome]] = {"rules": [], "learned": []}
    for part in bench.TUNING_PARTS:
        test = [c for c in cases if c.part == part]
        learned = train(services, [c for c in cases if c.part != part])
        matcher = Matcher(services, Tuning(), learned)
        row = []
        for name, m in (("rules", plain), ("learned", matcher)):
            predict = bench.skranke_predictor(m)
            outcomes = [bench.outcome(c, predict(c.text), kinds) for c in test]
            together[name] += outcomes
            s = bench.aggregate(outcomes)
            row.append(_cells(s))
        print(f"| {part} ({len(test)}) | {row[0]} | {row[1]} |")
    row = []
    for name in ("rules", "learned"):
        row.append(_cells(bench.aggregate(together[name])))
    print(f"| all ({len(together['rules'])}) | {row[0]} | {row[1]} |")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--write", action="store_true", help=f"train on every tuning part and write {PATH.name}")
    parser.add_argument(
        "--held-out", action="store_true", help="measure each tuning part with weights trained without it"
    )
    args = parser.parse_args(argv)
    if not (args.write or args.held_out):
        parser.error("say --write or --held-out")
    catalogue = read_catalogue()
    services = service_texts(catalogue)
    kinds = {s.key: s.kind for s in services}
    cases = [c for c in bench.read_all_cases(bench.TUNING_EXTRA) if c.part != "report"]
    if args.held_out:
        held_out(services, cases, kinds)
    if args.write:
        learned = train(services, cases, catalogue.version)
        PATH.write_text(
            json.dumps(learned.as_json(), ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8"
        )
        print(f"{PATH}: {len(learned.weights)} terms, {len(learned.services)} services, catalogue {learned.catalogue}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
