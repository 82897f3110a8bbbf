"""Ranked catalogue services for a citizen's own words.

The matcher is built once from the catalogue, handed over as plain data
(`ServiceText`), and then answers `match(text)` in well under a
millisecond. Scoring is in the spirit of BM25: every catalogue term carries
an inverse document frequency over the services, so a rare, telling word
("høreapparat", "bopælsattest") counts for much more than a common one
("ny", "hjælp"). Each service's words come from four fields with their own
weights: its names, its search words, its example phrasings and the life
events that begin with it.

A citizen's word is resolved to catalogue terms in this order: its folded
Danish stem; the same word as spelled in the catalogue; a split into
compound parts that the catalogue knows ("pasfornyelse" → pas + fornyelse);
the closest catalogue word within one or two typing errors (rapidfuzz);
a known first or last part of a longer word; and last, a word of the
services' descriptions, which can tip a match but never make one.

Last, when the rules give one need, weights learned from the labelled tuning
phrasings (`learned`) may put "ask a member of staff" or a LIBRARY or
GUIDANCE service first, never an AUTHORITY service; and they may confirm an
AUTHORITY service the rules put first but found unclear.
"""

import math
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import pairwise
from typing import NamedTuple

from rapidfuzz import process
from rapidfuzz.distance import OSA

from .learned import Learned
from .text import fold, lacking, normalise, refusing, term, words

AUTHORITY = "AUTHORITY"
GUIDANCE = "GUIDANCE"
LIBRARY = "LIBRARY"
KINDS = (LIBRARY, GUIDANCE, AUTHORITY)

# The catalogue service that stands for "ask a member of staff".
GENERAL = "general-guidance"

# Where one need ends and the next begins: "nyt pas og nyt sygesikringskort", "har I bøger om sorg? min mand …".
_SEPARATORS = re.compile(r"\s*(?:[,;+&/]|\.\s|(?<=[?!])\s|\b(?:og|samt|plus|and|også|og så|derudover)\b)\s*")

# Past tense and participle endings the stemmer leaves on some words ("flyttede", "lånte", "stjålne").
_ENDINGS = ("ede", "ende", "te", "de", "ne")
_VOWELS = frozenset("aeiouyæøå")

# A part of the sentence in which the citizen asks or wants something (not only tells about themselves).
_ASKING = re.compile(
    r"\?|\b(?:skal|kan|må|vil|bør|skulle|kunne|gider)\s+(?:jeg|vi|i|man|du|han|hun|de)\b"
    r"|\b(?:hvordan|hvor|hvad|hvornår|hvem|hvilken|hvilke)\b|\bvil\s+gerne\b|\bgerne\s+ha(?:ve)?\b"
    r"|\b(?:can|could|may|should|do|does|will|would)\s+(?:i|we|you|he|she|they)\b"
    r"|\b(?:how|where|what|when)\b|\b(?:want|need|would\s+like)\s+to\b"
)

# The longest input considered, in words, after stop words are gone.
MAX_WORDS = 60

# Why the answer is what it is (stable codes; the kiosk words them).
REASON_CLEAR = "clear"
REASON_SEVERAL = "several"
REASON_CHOOSE = "choose"
REASON_EMPTY = "empty"
REASON_UNKNOWN = "unknown"
REASON_WEAK = "weak"
REASON_GENERAL = "general"
REASON_UNCLEAR_AUTHORITY = "unclear-authority"
REASON_CODE = "code"
# Text that is program code, not a need (an SQL or script injection typed into
# the kiosk): its English keywords would otherwise stem into catalogue words
# ("table" and "tablet" share the Danish stem "tabl").
_CODE = re.compile(
    r";\s*--|;\s*(?:drop|select|insert|delete|update|alter|create)\b|\b(?:drop|alter|truncate)\s+table\b"
    r"|\bunion\s+(?:all\s+)?select\b|<\s*/?\s*(?:script|iframe|img|svg|style|object)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class ServiceText:
    """What the matcher needs to know of one catalogue service."""

    key: str
    kind: str
    names: tuple[str, ...] = ()
    search_words: tuple[str, ...] = ()
    examples: tuple[str, ...] = ()
    events: tuple[str, ...] = ()  # names of life events whose first step is this service
    descriptions: tuple[str, ...] = ()  # the service described to citizens (Danish, English)


@dataclass(frozen=True)
class Tuning:
    """The matcher's knobs, tuned on the tuning phrasings only (never on the reported part)."""

    name_weight: float = 2.5
    search_weight: float = 3.0
    example_weight: float = 1.6
    event_weight: float = 1.4
    description_weight: float = 0.6  # a word of the description the citizen reads
    description_fallback: bool = True  # ... only for words the rest of the catalogue lacks
    part_quality: float = 1.0  # a term found as part of a compound word the citizen wrote
    indexed_part_quality: float = 0.7  # a part of a compound the catalogue wrote ("papir" of "papirpost")
    fuzzy_quality: float = 0.8  # a term found within typing distance
    partial_quality: float = 0.5  # a known part of a compound whose other part is unknown
    bigram_bonus: float = 1.5  # two neighbouring words that also stand together in the catalogue
    scale: float = 7.0  # raw score at which the score reaches 1 - 1/e
    ask_below: float = 0.5  # below this, ask a member of staff
    clear_authority: float = 0.85  # an AUTHORITY service first only from this score
    margin: float = 0.5  # ... or when the second scores at most this share of it (raw scores)
    authority_floor: float = 0.6  # ... and never below this score
    subset_clear: float = 0.7  # ... or from this score when the best of another kind explains part of the same words
    close: float = 0.8  # the second is "close" from this share of the first (raw scores)
    tie: float = 0.95  # three services this close to the best: the words do not tell them apart
    phrase_decay: float = 1.0  # a word of an n-word search phrase weighs weight / n ** decay
    unknown_ask_below: float = 0.6  # mostly unknown words and one word matching: ask staff below this score
    need_below: float = 0.5  # a part of the sentence is a need of its own from this score
    need_unknown: bool = True  # ... not when half its words are unknown and one word carries the match
    asking_need: bool = True  # ... unless the part asks for something ("har I bøger om sorg?")
    separate: float = 0.5  # a part of the sentence is its own need when the best overall explains less of it
    equal_defers: bool = True  # in a "choose", AUTHORITY is not first when the other explains all its terms
    exclusive: float = 2.5  # AUTHORITY is not clear with a word only LIBRARY services have at this weight (0: off)
    exclusive_choose: bool = True  # ... and then the library service with that word is offered beside it
    exclusive_first: bool = True  # in a choice between kinds, the library service with such a word goes first
    exclusive_tie: bool = True  # ... and also when the words fit services of several kinds equally well
    inflections: bool = True  # a past tense the stemmer leaves whole is tried without its ending
    lacking: bool = True  # "har ikke", "ingen", "don't have" read as the word "mangler" (text.lacking)
    refusing: bool = True  # "vil ikke have", "don't want" read as the word "fravælge" (text.refusing)
    asking_first: float = 0.7  # with several needs, a part that asks for something goes first from this score (>1: off)
    learned: bool = True  # the weights learned from the tuning phrasings may move a LIBRARY or GUIDANCE service up
    learned_confirms: float = 0.5  # ... and make an unclear AUTHORITY match clear from this probability (>1: off)
    limit: int = 5


@dataclass(frozen=True)
class Match:
    service: str
    kind: str
    score: float  # in [0, 1]
    words: tuple[str, ...]  # the citizen's words that made the match


@dataclass(frozen=True)
class Result:
    text: str
    matches: tuple[Match, ...]
    needs: tuple[Match, ...]  # the needs found (with `choose`: the two to choose from); empty when asking staff
    ask_staff: bool
    choose: bool  # the best two are close and of different kinds: let the citizen choose
    truncated: bool  # the text was longer than the matcher reads
    reason: str
    unknown: tuple[str, ...] = field(default=())  # words the catalogue does not know

    @property
    def several(self) -> bool:
        """Several needs named in one text, each to take a number for (a choice is one need, not two)."""
        return len(self.needs) > 1 and not self.choose

    def as_json(self) -> dict:
        """The stable line format of `skranke triage --json` (other tools read it)."""
        return {
            "text": self.text,
            "matches": [{"service": m.service, "kind": m.kind, "score": round(m.score, 3)} for m in self.matches],
            "ask_staff": self.ask_staff,
        }


class _Scored(NamedTuple):
    index: int
    raw: float
    words: tuple[str, ...]
    terms: frozenset[str]  # the catalogue terms of the citizen's words that the service has


@dataclass
class _Resolved:
    """One citizen word resolved to catalogue terms."""

    word: str
    terms: tuple[tuple[str, float], ...]  # (term, quality)
    described: bool = False  # found in the services' descriptions only: it still counts as unknown

    @property
    def known(self) -> bool:
        return bool(self.terms) and not self.described


class Matcher:
    def __init__(self, services: Iterable[ServiceText], tuning: Tuning | None = None, learned: Learned | None = None):
        self.tuning = tuning or Tuning()
        self.services: list[ServiceText] = list(services)
        if not self.services:
            raise ValueError("The matcher needs at least one service.")
        self.learned = learned if self.tuning.learned else None
        self._index = {s.key: i for i, s in enumerate(self.services)}
        self._build()

    # -- building ---------------------------------------------------------

    def _build(self) -> None:
        t = self.tuning
        weights: list[dict[str, float]] = [defaultdict(float) for _ in self.services]
        bigrams: dict[tuple[str, str], set[int]] = defaultdict(set)
        surface: dict[str, str] = {}  # folded catalogue word -> its term
        phrases: list[tuple[int, float, list[str]]] = []
        for i, s in enumerate(self.services):
            # Search words are keywords: a word of an n-word search phrase shares its weight.
            # In names, example phrasings and life events every word keeps the field's weight.
            for weight, decay, texts in (
                (t.name_weight, 0.0, s.names),
                (t.search_weight, t.phrase_decay, s.search_words),
                (t.example_weight, 0.0, s.examples),
                (t.event_weight, 0.0, s.events),
            ):
                for phrase in texts:
                    found = words(self._normalise(phrase)[0])
                    decayed = weight / max(1, len(found)) ** decay
                    phrases.append((i, decayed, found))
                    for w in found:
                        surface.setdefault(fold(w), term(w))
        self._surface = surface
        self._terms = set(surface.values())
        self._by_initial: dict[str, list[str]] = defaultdict(list)
        for w in sorted(surface):
            self._by_initial[w[0]].append(w)
        self._cache: dict[str, _Resolved] = {}
        # Catalogue compounds are indexed by their parts too, so that
        # "batterier til høreapparatet" finds "høreapparatbatterier".
        for i, weight, found in phrases:
            previous: str | None = None
            for w in found:
                tm = term(w)
                weights[i][tm] = max(weights[i][tm], weight)
                parts = self._split(fold(w), catalogue=True)
                for part in parts or ():
                    weights[i][part] = max(weights[i][part], weight * t.indexed_part_quality)
                if previous is not None:
                    bigrams[(previous, tm)].add(i)
                previous = tm
        self._terms.update(tm for ws in weights for tm in ws)
        n = len(self.services)
        postings: dict[str, list[tuple[int, float]]] = defaultdict(list)
        for i, ws in enumerate(weights):
            for tm, weight in ws.items():
                postings[tm].append((i, weight))
        self._idf = {tm: math.log(1 + (n - len(p) + 0.5) / (len(p) + 0.5)) for tm, p in postings.items()}
        self._indexed = frozenset(self._idf)
        # The descriptions the citizens read, at a low weight: by default only for words the
        # rest of the catalogue lacks, with their document frequency over the descriptions.
        self._described: frozenset[str] = frozenset()
        if t.description_weight > 0:
            described: dict[str, dict[int, float]] = defaultdict(dict)
            for i, s in enumerate(self.services):
                for phrase in s.descriptions:
                    for w in words(self._normalise(phrase)[0]):
                        tm = term(w)
                        if not (t.description_fallback and tm in self._indexed):
                            described[tm][i] = t.description_weight
            for tm, owners in described.items():
                if tm not in self._indexed:
                    self._idf[tm] = math.log(1 + (n - len(owners) + 0.5) / (len(owners) + 0.5))
                have = {i for i, _ in postings[tm]}
                postings[tm].extend((i, w) for i, w in owners.items() if i not in have)
            self._described = frozenset(described) - self._indexed
        self._postings = {tm: tuple(p) for tm, p in postings.items()}
        # Terms only library services have ("lånerkort", "kopimaskine"), with their highest weight there.
        self._library_only = {
            tm: max(w for _, w in p)
            for tm, p in self._postings.items()
            if all(self.services[i].kind == LIBRARY for i, _ in p)
        }
        self._bigrams = {pair: tuple(sorted(owners)) for pair, owners in bigrams.items()}

    def _normalise(self, text: str) -> tuple[str, bool]:
        normalised, truncated = normalise(text)
        if self.tuning.lacking:
            normalised = lacking(normalised)
        if self.tuning.refusing:
            normalised = refusing(normalised)
        return normalised, truncated

    def _known(self, part: str) -> str | None:
        """The catalogue term for a folded word or compound part, if the catalogue knows it."""
        if part in self._surface:
            return self._surface[part]
        tm = term(part)
        return tm if tm in self._terms else None

    def _split(self, word: str, *, catalogue: bool = False, depth: int = 0) -> tuple[str, ...] | None:
        """Terms of the parts of a compound word, each part known to the catalogue; None if no split."""
        if len(word) < 6 or depth > 2:
            return None
        best: tuple[str, ...] | None = None
        best_key: tuple[int, int] | None = None
        for i in range(3, len(word) - 2):
            left, right = word[:i], word[i:]
            lt = self._known(left)
            if lt is None and left[-1] in "se" and len(left) > 3:
                lt = self._known(left[:-1])  # linking s or e: sygesikring-s-kort
            if lt is None:
                continue
            rt = self._known(right)
            rest: tuple[str, ...] | None = (rt,) if rt is not None else self._split(right, depth=depth + 1)
            if rest is None:
                continue
            parts = (lt, *rest)
            if catalogue and len(set(parts)) < len(parts):
                continue
            key = (-len(parts), min(i, len(word) - i))
            if best_key is None or key > best_key:
                best, best_key = parts, key
        return best

    def _partial(self, word: str) -> tuple[str, ...]:
        """The longest known first and last part of a compound whose other part the catalogue lacks.

        "afleveringsfrist" is about returning (aflevering + frist) even if the
        catalogue never says "frist"; the known part counts, at reduced weight.
        """
        if len(word) < 8:
            return ()
        found: list[str] = []
        # Only parts the catalogue spells so, of four letters or more: a stem alone is too loose a fit.
        for i in range(len(word) - 3, 3, -1):  # the longest known first part
            left = word[:i]
            if left not in self._surface and left[-1] in "se" and len(left) > 4:
                left = left[:-1]  # linking s or e: aflevering-s-frist
            if left in self._surface:
                found.append(self._surface[left])
                break
        for i in range(3, len(word) - 3):  # the longest known last part
            if word[i:] in self._surface:
                found.append(self._surface[word[i:]])
                break
        return tuple(dict.fromkeys(found))

    # -- resolving the citizen's words --------------------------------------

    def _resolve(self, word: str) -> _Resolved:
        cached = self._cache.get(word)
        if cached is not None:
            return cached
        t = self.tuning
        folded = fold(word)
        tm = term(word)
        terms: tuple[tuple[str, float], ...] = ()
        resolved: _Resolved | None = None
        if tm in self._indexed:
            terms = ((tm, 1.0),)
        elif folded in self._surface:
            terms = ((self._surface[folded], 1.0),)
        elif t.inflections and (inflected := self._inflected(word)) is not None:
            terms = ((inflected, 1.0),)
        else:
            parts = self._split(folded)
            if parts:
                terms = tuple((p, t.part_quality) for p in dict.fromkeys(parts))
            if not terms and len(folded) >= 6:
                # One typing error in a word of six to eight letters, two in a longer one;
                # the first letter is seldom the one mistyped. Two swapped letters are one
                # error (optimal string alignment), as fast fingers make them: "nemkonot".
                cutoff = 1 if len(folded) < 9 else 2
                candidates = self._by_initial.get(folded[0], ())
                hit = process.extractOne(folded, candidates, scorer=OSA.distance, score_cutoff=cutoff)
                if hit is not None:
                    terms = ((self._surface[hit[0]], t.fuzzy_quality),)
            if not terms and t.partial_quality > 0:
                terms = tuple((p, t.partial_quality) for p in self._partial(folded))
            if not terms and tm in self._described:
                resolved = _Resolved(word=word, terms=((tm, 1.0),), described=True)
        if resolved is None:
            resolved = _Resolved(word=word, terms=terms)
        if len(self._cache) > 100_000:
            self._cache.clear()
        self._cache[word] = resolved
        return resolved

    def _inflected(self, word: str) -> str | None:
        """The catalogue term of a past tense or participle the stemmer leaves whole.

        The Danish Snowball stemmer keeps "-ed" of "flyttede", "mistede" and
        "printede" ("flytted"), so those miss "flytte", "mistet" and "printe";
        without the ending, and with a doubled consonant made single, they meet.
        """
        for ending in _ENDINGS:
            stem = word[: -len(ending)]
            if not word.endswith(ending) or len(stem) < 3:
                continue
            candidates = [stem]
            if stem[-1] == stem[-2] and stem[-1] not in _VOWELS:
                candidates.append(stem[:-1])  # flytt-ede → flyt
            for candidate in candidates:
                tm = term(candidate)
                if tm in self._indexed:
                    return tm
        return None

    def _joined(self, found: list[str]) -> list[str]:
        """Two words that the catalogue writes as one: "fuld magt" → "fuldmagt", "høre apparat"."""
        if len(found) < 2:
            return found
        out: list[str] = []
        i = 0
        while i < len(found):
            if i + 1 < len(found):
                both = found[i] + found[i + 1]
                if len(both) >= 6 and fold(both) in self._surface:
                    out.append(both)
                    i += 2
                    continue
            out.append(found[i])
            i += 1
        return out

    # -- scoring ----------------------------------------------------------

    def _score(self, resolved: list[_Resolved]) -> tuple[dict[int, float], dict[int, set[str]], dict[int, set[str]]]:
        t = self.tuning
        scores: dict[int, float] = defaultdict(float)
        why: dict[int, set[str]] = defaultdict(set)
        found: dict[int, set[str]] = defaultdict(set)
        seen: dict[str, float] = {}
        for r in resolved:
            for tm, quality in r.terms:
                if seen.get(tm, 0.0) >= quality:
                    continue
                gain = quality - seen.get(tm, 0.0)
                seen[tm] = quality
                idf = self._idf[tm]
                for i, weight in self._postings[tm]:
                    scores[i] += idf * weight * gain
                    why[i].add(r.word)
                    found[i].add(tm)
        # Neighbouring words that stand together in the catalogue ("hente pas").
        for a, b in pairwise(resolved):
            for ta, _ in a.terms:
                for tb, _ in b.terms:
                    bonus = t.bigram_bonus * (self._idf[ta] + self._idf[tb]) / 2
                    # A service with the pair has both terms, so it is already scored.
                    for i in self._bigrams.get((ta, tb), ()):
                        scores[i] += bonus
        return scores, why, found

    def _confidence(self, raw: float) -> float:
        return 1.0 - math.exp(-raw / self.tuning.scale)

    def _ranked(self, resolved: list[_Resolved]) -> list[_Scored]:
        scores, why, found = self._score(resolved)
        order = sorted(scores, key=lambda i: (-scores[i], i))
        return [
            _Scored(
                i, scores[i], tuple(dict.fromkeys(r.word for r in resolved if r.word in why[i])), frozenset(found[i])
            )
            for i in order
        ]

    def _clear(self, ranked: list[_Scored], resolved: list[_Resolved]) -> bool:
        """Clearly this kind of work: a strong match, or every service of another kind well behind."""
        t = self.tuning
        best = ranked[0]
        kind = self.services[best.index].kind
        confidence = self._confidence(best.raw)
        if confidence < t.authority_floor:
            return False
        other = next((x for x in ranked if self.services[x.index].kind != kind), None)
        if other is None or other.raw <= t.margin * best.raw:
            return True
        # The citizen names the library's own things in the library's own words, as a name or a search
        # word, not a guessed typo: "kopiere min vielsesattest", "sundhedskortet som lånerkort".
        if kind != LIBRARY and self._library_words(resolved):
            return False
        if confidence >= t.clear_authority:
            return True
        # The other kind explains only part of what the best explains ("mistet" of "mistet kørekort"),
        # and all of it stands in the citizen's words: no guessed typing error, no half-known compound.
        if confidence < t.subset_clear or not other.terms < best.terms:
            return False
        return best.terms <= {tm for r in resolved for tm, quality in r.terms if quality >= 1.0}

    def _library_words(self, resolved: list[_Resolved]) -> frozenset[str]:
        """The terms of the citizen's own words (a name or search word, not a guessed typo or a description's
        word) that only library services have, at the `exclusive` weight or more; none with `exclusive` 0."""
        t = self.tuning
        if t.exclusive <= 0:
            return frozenset()
        return frozenset(
            tm
            for r in resolved
            if not r.described
            for tm, quality in r.terms
            if quality >= 1.0 and self._library_only.get(tm, 0.0) >= t.exclusive
        )

    def _library_choice(self, ranked: list[_Scored], resolved: list[_Resolved]) -> _Scored | None:
        """The best library service that has one of the library's own words the citizen wrote, if any."""
        own = self._library_words(resolved)
        return next((x for x in ranked if self.services[x.index].kind == LIBRARY and x.terms & own), None)

    def _as_match(self, scored: _Scored) -> Match:
        s = self.services[scored.index]
        return Match(service=s.key, kind=s.kind, score=self._confidence(scored.raw), words=scored.words)

    # -- the answer -------------------------------------------------------

    def _segments(self, normalised: str) -> tuple[list[list[_Resolved]], list[str]]:
        """The parts of the sentence with their words resolved, and the text of each part (MAX_WORDS in all)."""
        segments: list[list[_Resolved]] = []
        pieces: list[str] = []
        count = 0
        for piece in _SEPARATORS.split(normalised):
            found = self._joined(words(piece)[: max(0, MAX_WORDS - count)])
            count += len(found)
            resolved = [self._resolve(w) for w in found]
            if resolved:
                segments.append(resolved)
                pieces.append(piece)
        return segments, pieces

    def terms(self, text: str) -> list[str]:
        """The catalogue terms a text resolves to, as `match` reads them (what the learned weights are trained on)."""
        segments, _ = self._segments(self._normalise(text)[0])
        return [tm for segment in segments for r in segment for tm, _ in r.terms]

    def match(self, text: str) -> Result:
        t = self.tuning
        normalised, truncated = self._normalise(text)
        original = text if isinstance(text, str) else ""
        segments, pieces = self._segments(normalised)
        everything = [r for segment in segments for r in segment]
        unknown = tuple(dict.fromkeys(r.word for r in everything if not r.known))

        def answer(ranked, needs=(), *, ask=False, choose=False, reason=REASON_CLEAR) -> Result:
            if self.learned is not None and reason in (REASON_CLEAR, REASON_CHOOSE, REASON_UNCLEAR_AUTHORITY):
                ranked, needs, ask, choose, reason = self._learned(ranked, needs, ask, choose, reason, everything)
            return Result(
                text=original,
                matches=tuple(self._as_match(x) for x in ranked[: t.limit]),
                needs=tuple(self._as_match(x) for x in needs),
                ask_staff=ask,
                choose=choose,
                truncated=truncated,
                reason=reason,
                unknown=unknown,
            )

        if not everything:
            return answer([], ask=True, reason=REASON_EMPTY)
        if _CODE.search(original):
            return answer([], ask=True, reason=REASON_CODE)
        if not any(r.known for r in everything):
            return answer([], ask=True, reason=REASON_UNKNOWN)
        ranked = self._ranked(everything)
        if not ranked:
            return answer([], ask=True, reason=REASON_UNKNOWN)

        found = self._needs(segments, ranked[0], pieces) if len(segments) > 1 else []
        if t.asking_first <= 1 and len(found) > 1:
            # "Jeg er lige flyttet hertil, skal jeg oprettes som låner igen?": what the citizen asks for
            # goes before what the sentence tells about them; otherwise the order they named them.
            def tells(need: tuple[int, _Scored]) -> bool:
                place, scored = need
                return not (self._confidence(scored.raw) >= t.asking_first and _ASKING.search(pieces[place]))

            found.sort(key=tells)
        needs = [need for _, need in found]
        if len(needs) > 1:
            chosen = {n.index for n in needs}
            return answer(needs + [x for x in ranked if x.index not in chosen], needs, reason=REASON_SEVERAL)

        best = ranked[0]
        kind = self.services[best.index].kind
        confidence = self._confidence(best.raw)
        if self.services[best.index].key == GENERAL:
            return answer(ranked, ask=True, reason=REASON_GENERAL)
        if confidence < t.ask_below:
            return answer(ranked, ask=True, reason=REASON_WEAK)
        if (
            len(everything) >= 3
            and len(unknown) * 2 >= len(everything)
            and len(best.words) <= 1
            and confidence < t.unknown_ask_below
        ):
            # Most of the words mean nothing to the catalogue and one word carries a middling match.
            return answer(ranked, ask=True, reason=REASON_WEAK)
        tied = [x for x in ranked[:4] if x.raw >= t.tie * best.raw]
        if len(tied) >= 3 and len({self.services[x.index].kind for x in tied}) > 1:
            # The words fit several services of different kinds equally well ("hjælp"), unless
            # the library's own word says what to do with them ("photocopy of my health card").
            library = self._library_choice(ranked, everything) if t.exclusive_tie else None
            if library is None:
                return answer(ranked, ask=True, reason=REASON_WEAK)
            other = next(x for x in tied if self.services[x.index].kind != LIBRARY)
            rest = [x for x in ranked if x.index not in (library.index, other.index)]
            return answer([library, other, *rest], [library, other], choose=True, reason=REASON_CHOOSE)
        second = ranked[1] if len(ranked) > 1 else None
        clear = self._clear(ranked, everything)
        if second is not None and self.services[second.index].kind != kind and second.raw >= t.close * best.raw:
            if kind == AUTHORITY and (not clear or (t.equal_defers and best.terms <= second.terms)):
                # Authority work goes first only when the match is clear.
                ranked[0], ranked[1] = second, best
            elif (
                t.exclusive_first
                and self.services[second.index].kind == LIBRARY
                and second.terms & self._library_words(everything)
            ):
                # The second (of another kind than the best, so the best has none) has the library's own word.
                ranked[0], ranked[1] = second, best
            return answer(ranked, ranked[:2], choose=True, reason=REASON_CHOOSE)
        if kind == AUTHORITY and not clear:
            library = self._library_choice(ranked, everything) if t.exclusive_choose else None
            if library is not None:
                # The library's own word names what to do with the authority's thing ("kopiere min
                # vielsesattest"): the library service first, the authority service as the other choice.
                rest = [x for x in ranked if x.index not in (library.index, best.index)]
                return answer([library, best, *rest], [library, best], choose=True, reason=REASON_CHOOSE)
            return answer(ranked, ask=True, reason=REASON_UNCLEAR_AUTHORITY)
        return answer(ranked, [best], reason=REASON_CLEAR)

    def _learned(self, ranked: list[_Scored], needs, ask: bool, choose: bool, reason: str, resolved: list[_Resolved]):
        """A one-need answer as the learned weights would have it, changing only what is safe to change.

        When the rules answer, what the weights put first may go first if it is
        "ask a member of staff" or a LIBRARY or GUIDANCE service the rules also
        found; an AUTHORITY service never goes first on the weights alone. When
        the rules put an AUTHORITY service first but found the match unclear,
        the weights putting the same service first with `learned_confirms`
        probability or more make it clear: two readings of the words agree.
        Otherwise the rules' answer stands.
        """
        t = self.tuning
        unchanged = ranked, needs, ask, choose, reason
        first = self.learned.first(tm for r in resolved for tm, _ in r.terms) if ranked else None
        if first is None:
            return unchanged
        top, probability = first
        if reason == REASON_UNCLEAR_AUTHORITY:
            if top == self.services[ranked[0].index].key and probability >= t.learned_confirms:
                return ranked, [ranked[0]], False, False, REASON_CLEAR
            return unchanged
        if top == self.services[ranked[0].index].key:
            return unchanged
        if top == GENERAL:
            return ranked, (), True, False, REASON_GENERAL
        index = self._index.get(top)
        if index is None or self.services[index].kind == AUTHORITY:
            return unchanged
        promoted = next((x for x in ranked if x.index == index), None)
        if promoted is None:  # none of the citizen's words is one of its words
            return unchanged
        rest = [x for x in ranked if x.index != index]
        if choose and any(n.index == index for n in needs):
            other = next(n for n in needs if n.index != index)
            return [promoted, *rest], [promoted, other], False, True, REASON_CHOOSE
        return [promoted, *rest], [promoted], False, False, REASON_CLEAR

    def _needs(self, segments: list[list[_Resolved]], overall: _Scored, pieces: list[str]) -> list[tuple[int, _Scored]]:
        """One need per part of the sentence that names a service of its own, with the part's place.

        A part counts as a need of its own only when its best service fits it
        clearly and the best service for the whole sentence does not also
        explain it ("navne- og adressebeskyttelse" is one need, not two).
        """
        t = self.tuning
        needs: list[tuple[int, _Scored]] = []
        for place, segment in enumerate(segments):
            ranked = self._ranked(segment)
            if not ranked:
                continue
            top = ranked[0]
            service = self.services[top.index]
            if service.key == GENERAL or self._confidence(top.raw) < t.need_below:
                continue
            if (
                t.need_unknown
                and len(top.words) <= 1
                and 2 * sum(not r.known for r in segment) >= len(segment)
                and not (t.asking_need and _ASKING.search(pieces[place]))
            ):
                # "vi rykker teltpælene op": one known word among unknown ones is no need of its own,
                # unless the part asks for it: "har I bøger om sorg?"
                continue
            if service.kind == AUTHORITY and not self._clear(ranked, segment):
                continue
            if top.index != overall.index:
                explained = next((x.raw for x in ranked if x.index == overall.index), 0.0)
                if explained >= t.separate * top.raw:
                    top = next(x for x in ranked if x.index == overall.index)
            if all(n.index != top.index for _, n in needs):
                needs.append((place, top))
        return needs
