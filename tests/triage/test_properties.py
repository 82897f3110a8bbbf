"""Whatever is typed at the kiosk, the matcher answers: no exception, bounded work, sane scores."""

import unicodedata

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from skranke.catalogue.loader import read_catalogue
from skranke.catalogue.triage import service_texts
from skranke.triage import learned
from skranke.triage.matcher import KINDS, MAX_WORDS, Matcher
from skranke.triage.text import MAX_CHARS

MATCHER = Matcher(service_texts(read_catalogue()), learned=learned.load())
KEYS = {s.key for s in MATCHER.services}

# Danish words from the catalogue's world mixed with anything Unicode has to offer.
WORDS = st.sampled_from(["pas", "kørekort", "bøger", "og", "sundhedskort", "hjælp", "ae", "øå", "<b>", "--", "😀"])
TEXTS = st.one_of(
    st.text(max_size=200),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=50),
    st.lists(WORDS, max_size=30).map(" ".join),
    st.text(alphabet=st.characters(categories=["P", "S", "Z", "C"]), max_size=100),
)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(TEXTS)
def test_any_text_gets_a_well_formed_answer(text):
    result = MATCHER.match(text)
    assert len(result.matches) <= MATCHER.tuning.limit
    assert all(m.service in KEYS and m.kind in KINDS and 0.0 <= m.score <= 1.0 for m in result.matches)
    assert len({m.service for m in result.matches}) == len(result.matches)
    assert not (result.ask_staff and result.needs)
    assert result.ask_staff or result.needs
    assert result.as_json()["ask_staff"] is result.ask_staff


@settings(max_examples=200, deadline=None)
@given(
    st.text(
        # Symbols that Unicode compatibility folds into letters (»㍶« is »pc«, »™« is »TM«) are words after all.
        alphabet=st.characters(categories=["P", "S", "Z", "C", "Nd"]).filter(
            lambda c: not any(x.isalpha() for x in unicodedata.normalize("NFKC", c))
        ),
        max_size=300,
    )
)
def test_text_without_letters_asks_staff(text):
    assert MATCHER.match(text).ask_staff


@settings(max_examples=50, deadline=None)
@given(st.text(min_size=MAX_CHARS + 1, max_size=20_000))
def test_long_text_is_cut_and_says_so(text):
    result = MATCHER.match(text)
    assert result.truncated


@settings(max_examples=100, deadline=None)
@given(st.lists(WORDS, min_size=1, max_size=10).map(" ".join))
def test_typed_digraphs_answer_like_the_danish_letters(text):
    typed = text.replace("æ", "ae").replace("ø", "oe").replace("å", "aa")
    assert [m.service for m in MATCHER.match(typed).matches] == [m.service for m in MATCHER.match(text).matches]


def test_at_most_max_words_are_looked_up_however_long_the_text():
    text = " ".join(f"zq{n:05d}x" for n in range(5_000))  # 5,000 different unknown words
    result = MATCHER.match(text)
    assert result.truncated
    assert 0 < len(result.unknown) <= MAX_WORDS
    assert result.ask_staff
