"""The phrasings bench/triage.py measures on: well formed, spread over every service, split.

triage-labelled.tsv holds the tuning and the reported part; triage-tuning-2.tsv
to -7.tsv six more independent sets of tuning phrasings only.
"""

import re
from collections import Counter
from pathlib import Path

import pytest

from skranke.catalogue.loader import read_catalogue

LABELLED = Path(__file__).resolve().parents[2] / "bench" / "data" / "triage-labelled.tsv"
TUNING_2 = LABELLED.with_name("triage-tuning-2.tsv")
TUNING_3 = LABELLED.with_name("triage-tuning-3.tsv")
TUNING_4 = LABELLED.with_name("triage-tuning-4.tsv")
TUNING_5 = LABELLED.with_name("triage-tuning-5.tsv")
TUNING_6 = LABELLED.with_name("triage-tuning-6.tsv")
TUNING_7 = LABELLED.with_name("triage-tuning-7.tsv")


def rows(path=LABELLED):
    for line in path.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            part, text, expected = line.split("\t")
            yield part, text, expected.split(",")


def test_every_line_is_part_text_and_known_services():
    keys = {s.key for s in read_catalogue().services} | {"ask-staff"}
    for part, text, expected in rows():
        assert part in ("tune", "report")
        assert text.strip() == text and text
        assert set(expected) <= keys, text
        assert "general-guidance" not in expected  # "ask staff" is written ask-staff


def test_at_least_400_phrasings_with_several_needs_and_ask_staff_in_both_parts():
    all_rows = list(rows())
    assert len(all_rows) >= 400
    assert len({text.casefold() for _, text, _ in all_rows}) == len(all_rows)
    for part in ("tune", "report"):
        in_part = [expected for p, _, expected in all_rows if p == part]
        assert sum(len(e) > 1 for e in in_part) >= 10
        assert sum(e == ["ask-staff"] for e in in_part) >= 10


def test_every_service_has_phrasings_in_both_parts():
    services = {s.key for s in read_catalogue().services} - {"general-guidance"}
    for part in ("tune", "report"):
        counted = Counter(k for p, _, expected in rows() if p == part for k in expected)
        assert services <= set(counted), services - set(counted)


@pytest.mark.parametrize(
    ("path", "least", "every_service"),
    # The fourth set lost its short keywords, "høreapparatbatterier" among them, as phrasings earlier files had.
    [
        (TUNING_2, 300, True),
        (TUNING_3, 300, True),
        (TUNING_4, 250, False),
        (TUNING_5, 300, True),
        (TUNING_6, 350, True),
        (TUNING_7, 400, True),
    ],
    ids=["tune-2", "tune-3", "tune-4", "tune-5", "tune-6", "tune-7"],
)
def test_the_extra_tuning_sets_are_tuning_only_and_cover_every_service(path, least, every_service):
    keys = {s.key for s in read_catalogue().services} | {"ask-staff"}
    tuning = list(rows(path))
    assert len(tuning) >= least
    assert {part for part, _, _ in tuning} == {"tune"}
    for _, text, expected in tuning:
        assert text.strip() == text and text
        assert set(expected) <= keys, text
        assert "general-guidance" not in expected
    assert sum(len(e) > 1 for _, _, e in tuning) >= 10
    assert sum(e == ["ask-staff"] for _, _, e in tuning) >= 10
    counted = Counter(k for _, _, expected in tuning for k in expected)
    services = keys - {"general-guidance", "ask-staff"}
    assert services <= set(counted) if every_service else len(services - set(counted)) <= 1


def plain(text):
    return " ".join(re.findall(r"[^\W_]+", text.lower()))


@pytest.mark.parametrize(
    ("path", "earlier"),
    [
        (TUNING_2, []),
        (TUNING_3, [TUNING_2]),
        (TUNING_4, [TUNING_2, TUNING_3]),
        (TUNING_5, [TUNING_2, TUNING_3, TUNING_4]),
        (TUNING_6, [TUNING_2, TUNING_3, TUNING_4, TUNING_5]),
        (TUNING_7, [TUNING_2, TUNING_3, TUNING_4, TUNING_5, TUNING_6]),
    ],
    ids=["tune-2", "tune-3", "tune-4", "tune-5", "tune-6", "tune-7"],
)
def test_no_phrasing_of_an_extra_tuning_set_is_in_the_labelled_set_or_an_earlier_one(path, earlier):
    # Tuning on a phrasing that is also in the reported part would be tuning on the reported part.
    known = {plain(text) for f in (LABELLED, *earlier) for _, text, _ in rows(f)}
    tuning = [plain(text) for _, text, _ in rows(path)]
    assert len(set(tuning)) == len(tuning)
    assert not known & set(tuning)
