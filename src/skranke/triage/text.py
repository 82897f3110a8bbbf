"""Danish text handling for triage: normalise, tokenise, drop stop words, stem, fold æ/ø/å.

Citizens at a kiosk type "koerekort" as often as "kørekort", so every word
is reduced to one form: the Danish Snowball stem of the word, with æ, ø and
å then written as ae, oe and aa (the way people type them without a Danish
keyboard). Both spellings of a word end up as the same term.
"""

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import Stemmer

# Longer input is cut: nobody describes a counter errand in more, and the
# matcher's time must stay bounded whatever is pasted into the kiosk.
MAX_CHARS = 500

_WORD = re.compile(r"[^\W_]+", re.UNICODE)
# "e-bøger", "e boks" and "c/o" are one word each, however they are typed.
_JOINED = (
    (re.compile(r"\bc\s*/\s*o\b"), "co"),
    (re.compile(r"\be[-\s]+(?=[^\W\d_]{2})"), "e"),
    # "flyttet til dk": the country, not the end of "borger.dk".
    (re.compile(r"(?<![.\w])dk\b"), "danmark"),
)
# "Har ikke" is a need of its own: "jeg har ikke mitid" asks for one, "jeg kan ikke logge på mitid"
# for help with it. Both words are stop words, so without this the two read alike. Said in any of
# these ways, the lack becomes the word "mangler", as a citizen may also write it; the catalogue's
# own phrases ("har ikke mitid", "ingen mitid", "don't have MitID") are read the same way.
LACKING = "mangler"
_APOSTROPHE = "['\u2019]"
_DO_NOT = rf"(?:don{_APOSTROPHE}?t|do\s+not|doesn{_APOSTROPHE}?t|does\s+not)"
# "Har ikke kigget", "har ikke hørt": not having done a thing is not lacking one.
_DONE = (
    r"kigget|hørt|set|læst|åbnet|tjekket|prøvet|gjort|nået|kunnet|brugt|betalt|svaret|ringet|skrevet"
    r"|logget|været|modtaget|opdaget|forstået"
)
_LACKING = re.compile(
    rf"\b(?:har|have|haft)\s+(?:[^\W\d_]+\s+)?(?:ikke|aldrig|ingen)(?:\s+(?:haft|fået))?\b(?!\s+(?:{_DONE})\b)"
    r"|\bikke\s+har\b|\bingen\b(?!\s+af\b)"
    rf"|\b(?:{_DO_NOT}|didn{_APOSTROPHE}?t|did\s+not)\s+have\b"
    rf"|\bhaven{_APOSTROPHE}?t(?:\s+got)?\b|\bha(?:ve|s)\s+no\b"
)
# Not wanting a thing is a need of its own too: "vil ikke have digital post" asks to be exempted.
REFUSING = "fravælge"
_REFUSING = re.compile(
    r"\b(?:vil|ønsker|gider)\s+(?:[^\W\d_]+\s+)?(?:ikke|slet\s+ikke)(?:\s+(?:have|modtage|bruge))?\b"
    rf"|\b{_DO_NOT}\s+(?:want|wish)(?:\s+to\s+(?:have|get|receive|use))?\b"
)
_FOLD = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa", "ä": "ae", "ö": "oe", "ü": "ue", "é": "e", "è": "e"})

# Words that say nothing about which service a citizen needs (Danish and English).
STOP_WORDS = frozenset(
    [
        "a",
        "about",
        "af",
        "alle",
        "allerede",
        "also",
        "alt",
        "altså",
        "am",
        "an",
        "and",
        "any",
        "are",
        "as",
        "at",
        "bare",
        "be",
        "been",
        "blev",
        "blive",
        "bliver",
        "but",
        "can",
        "could",
        "da",
        "de",
        "dem",
        "den",
        "denne",
        "der",
        "deres",
        "det",
        "dette",
        "did",
        "dig",
        "din",
        "dine",
        "disse",
        "do",
        "does",
        "du",
        "efter",
        "eller",
        "en",
        "end",
        "endnu",
        "enten",
        "er",
        "et",
        "for",
        "fordi",
        "fra",
        "from",
        "gerne",
        "get",
        "godt",
        "had",
        "ham",
        "han",
        "hans",
        "har",
        "has",
        "havde",
        "have",
        "hej",
        "hello",
        "help",
        "helt",
        "hen",
        "hende",
        "hendes",
        "her",
        "here",
        "hertil",
        "hi",
        "hos",
        "how",
        "hvad",
        "hvem",
        "hvilke",
        "hvilken",
        "hvis",
        "hvor",
        "hvordan",
        "hvorfor",
        "hvornår",
        "i",
        "if",
        "ikke",
        "in",
        "ind",
        "is",
        "it",
        "jeg",
        "jer",
        "jo",
        "just",
        "kan",
        "kun",
        "kunne",
        "lidt",
        "lige",
        "like",
        "man",
        "mange",
        "me",
        "med",
        "meget",
        "men",
        "mere",
        "mig",
        "min",
        "mine",
        "mit",
        "mon",
        "my",
        "må",
        "måske",
        "ned",
        "need",
        "nogen",
        "noget",
        "nogle",
        "nok",
        "not",
        "nu",
        "når",
        "of",
        "og",
        "også",
        "om",
        "on",
        "op",
        "or",
        "os",
        "over",
        "please",
        "på",
        "sig",
        "sin",
        "sine",
        "sit",
        "skal",
        "skulle",
        "so",
        "som",
        "some",
        "stadig",
        "still",
        "så",
        "sådan",
        "tak",
        "the",
        "there",
        "this",
        "til",
        "to",
        "ud",
        "under",
        "var",
        "vel",
        "vi",
        "vil",
        "ville",
        "vores",
        "være",
        "want",
        "was",
        "we",
        "were",
        "what",
        "when",
        "where",
        "which",
        "who",
        "will",
        "with",
        "would",
        "you",
        "your",
    ]
)

# "paa" is "på" typed without a Danish keyboard: compare folded forms.
_FOLDED_STOP_WORDS = frozenset(w.translate(_FOLD) for w in STOP_WORDS)
_stemmer = Stemmer.Stemmer("danish")


@dataclass(frozen=True)
class Text:
    """A citizen's text prepared for matching."""

    original: str
    normalised: str
    truncated: bool
    words: tuple[str, ...]  # folded surface words, stop words removed, in order
    terms: tuple[str, ...]  # folded stems of `words`, same order


def fold(word: str) -> str:
    """Write æ/ø/å as ae/oe/aa, so typed and keyboard spellings meet."""
    return word.translate(_FOLD)


def normalise(text: str) -> tuple[str, bool]:
    """Unicode NFKC, case folded, control characters as spaces, cut to MAX_CHARS."""
    if not isinstance(text, str):
        text = "" if text is None else str(text)
    truncated = len(text) > MAX_CHARS
    text = text[:MAX_CHARS]
    text = unicodedata.normalize("NFKC", text).casefold()
    text = "".join(" " if unicodedata.category(ch)[0] == "C" else ch for ch in text)
    for pattern, replacement in _JOINED:
        text = pattern.sub(replacement, text)
    return " ".join(text.split()), truncated


def lacking(text: str) -> str:
    """Normalised text with every way of saying "have not" written as the one word "mangler"."""
    return _LACKING.sub(LACKING, text)


def refusing(text: str) -> str:
    """Normalised text with every way of saying "do not want" written as the one word "fravælge"."""
    return _REFUSING.sub(REFUSING, text)


def words(text: str) -> list[str]:
    """The words of normalised text; stop words, single characters and bare numbers removed.

    A number on its own ("15", "kl 10") says nothing about the errand.
    """
    return [w for w in _WORD.findall(text) if len(w) > 1 and not w.isdigit() and fold(w) not in _FOLDED_STOP_WORDS]


# Words the stemmer cuts to another word's stem: "passer" (fits, looks after) is not "pas" (passport).
_OWN_STEM = {"passer": "passe", "passe": "passe", "passede": "passe"}


@lru_cache(maxsize=65536)
def term(word: str) -> str:
    """The folded Danish stem of one normalised word (cached: the vocabulary is small)."""
    return fold(_OWN_STEM.get(word) or _stemmer.stemWord(word))


def prepare(text: str) -> Text:
    normalised, truncated = normalise(text)
    found = words(normalised)
    return Text(
        original=text if isinstance(text, str) else "",
        normalised=normalised,
        truncated=truncated,
        words=tuple(fold(w) for w in found),
        terms=tuple(term(w) for w in found),
    )
