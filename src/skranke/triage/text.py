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
_FOLD = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa", "ä": "ae", "ö": "oe", "ü": "ue", "é": "e", "è": "e"})

# Words that say nothing about which service a citizen needs (Danish and English).
STOP_WORDS = frozenset(
    [
        "af",
        "alle",
        "alt",
        "at",
        "bare",
        "blev",
        "blive",
        "bliver",
        "da",
        "de",
        "dem",
        "den",
        "denne",
        "der",
        "deres",
        "det",
        "dette",
        "dig",
        "din",
        "dine",
        "disse",
        "du",
        "efter",
        "eller",
        "en",
        "end",
        "er",
        "et",
        "for",
        "fordi",
        "fra",
        "få",
        "gerne",
        "godt",
        "ham",
        "han",
        "hans",
        "har",
        "havde",
        "have",
        "hej",
        "hende",
        "hendes",
        "her",
        "hos",
        "hvad",
        "hvem",
        "hvis",
        "hvor",
        "hvordan",
        "hvornår",
        "i",
        "ikke",
        "ind",
        "jeg",
        "jer",
        "kan",
        "kunne",
        "lidt",
        "man",
        "mange",
        "med",
        "meget",
        "men",
        "mig",
        "min",
        "mine",
        "mit",
        "må",
        "ned",
        "noget",
        "nogle",
        "nu",
        "når",
        "og",
        "også",
        "om",
        "op",
        "os",
        "over",
        "på",
        "sig",
        "sin",
        "sine",
        "sit",
        "skal",
        "skulle",
        "som",
        "så",
        "tak",
        "til",
        "ud",
        "under",
        "var",
        "vi",
        "vil",
        "ville",
        "være",
        "vores",
        "a",
        "about",
        "am",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "can",
        "could",
        "do",
        "for",
        "from",
        "get",
        "have",
        "hello",
        "help",
        "hi",
        "how",
        "i",
        "in",
        "is",
        "it",
        "me",
        "my",
        "need",
        "of",
        "on",
        "or",
        "please",
        "the",
        "this",
        "to",
        "want",
        "we",
        "what",
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
    return " ".join(text.split()), truncated


def words(text: str) -> list[str]:
    """The words of normalised text, stop words and single characters removed."""
    return [w for w in _WORD.findall(text) if len(w) > 1 and fold(w) not in _FOLDED_STOP_WORDS]


@lru_cache(maxsize=65536)
def term(word: str) -> str:
    """The folded Danish stem of one normalised word (cached: the vocabulary is small)."""
    return fold(_stemmer.stemWord(word))


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
