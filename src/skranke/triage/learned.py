"""What the labelled tuning phrasings teach the matcher: one weight per catalogue term and service.

The rules in `matcher` weigh a word by how rare it is in the catalogue. They
cannot learn that "scanne" and "printe" outweigh the official paper they are
done to, or that "ingen af knapperne passer" means "ask a member of staff".
A multinomial logistic regression over the same terms, trained on the
catalogue's own phrases and the tuning phrasings (never on the reported part),
does learn it. `bench/triage_learn.py` trains it with scikit-learn and writes
the weights to `learned.json` beside this module; here they are only read and
added up, in pure Python, so the matcher needs nothing more at run time.

The matcher lets the learned order overrule its own only one way: a LIBRARY
or GUIDANCE service, or "ask a member of staff", may move up; an AUTHORITY
service never moves up past what the rules put first. The weights may also
confirm the AUTHORITY service the rules put first but found unclear (see
`Matcher._learned`).
"""

import json
import math
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

PATH = Path(__file__).resolve().with_name("learned.json")


@dataclass(frozen=True)
class Learned:
    services: tuple[str, ...]  # the service keys, in the order of `bias` and of each term's weights
    bias: tuple[float, ...]
    weights: dict[str, tuple[tuple[int, float], ...]]  # term -> (service index, weight), the non-zero ones
    catalogue: str = ""  # the catalogue version the weights were trained on
    trained_on: tuple[str, ...] = ()  # the tuning parts

    def logits(self, terms: Iterable[str]) -> dict[str, float]:
        """Each known service's score for a set of terms (each term counted once, as in training)."""
        z = list(self.bias)
        for tm in set(terms):
            for i, w in self.weights.get(tm, ()):
                z[i] += w
        return dict(zip(self.services, z, strict=True))

    def first(self, terms: Iterable[str]) -> tuple[str, float] | None:
        """The service the weights put first for a set of terms, and its probability (softmax); None if none."""
        logits = self.logits(terms)
        if not logits:
            return None
        top = max(logits, key=logits.__getitem__)
        highest = logits[top]
        return top, 1.0 / sum(math.exp(z - highest) for z in logits.values())

    def as_json(self) -> dict:
        return {
            "catalogue": self.catalogue,
            "trained_on": list(self.trained_on),
            "services": list(self.services),
            "bias": [round(b, 4) for b in self.bias],
            "weights": {tm: [[i, round(w, 4)] for i, w in ws] for tm, ws in sorted(self.weights.items())},
        }

    @classmethod
    def from_json(cls, data: dict) -> "Learned":
        services = tuple(data["services"])
        bias = tuple(float(b) for b in data["bias"])
        if len(bias) != len(services):
            raise ValueError("learned weights: one bias per service")
        weights = {
            str(tm): tuple((int(i), float(w)) for i, w in ws if 0 <= int(i) < len(services))
            for tm, ws in data["weights"].items()
        }
        return cls(services, bias, weights, str(data.get("catalogue", "")), tuple(data.get("trained_on", ())))


def load(path: Path = PATH) -> Learned | None:
    """The weights shipped with Skranke; None when there are none."""
    try:
        return Learned.from_json(json.loads(path.read_text(encoding="utf-8")))
    except FileNotFoundError:
        return None
