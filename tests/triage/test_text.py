"""Danish text handling: what the citizen typed becomes the terms the matcher compares."""

import pytest

from skranke.triage.text import MAX_CHARS, fold, lacking, normalise, prepare


def test_typed_ae_oe_aa_meet_the_danish_letters():
    assert prepare("kørekort").terms == prepare("koerekort").terms
    assert prepare("høreapparat").terms == prepare("hoereapparat").terms
    assert prepare("pasfornyelse på rådhuset").terms == prepare("pasfornyelse paa raadhuset").terms


def test_inflected_forms_share_a_stem():
    assert prepare("bøger").terms == prepare("boeger").terms
    assert prepare("kørekortet").terms == prepare("kørekort").terms
    assert prepare("batterier").terms == prepare("batteri").terms


def test_case_and_unicode_width_are_normalised():
    assert prepare("PAS").terms == prepare("pas").terms
    assert prepare("ｐａｓ").terms == prepare("pas").terms  # full-width letters (NFKC)


def test_stop_words_are_dropped_in_danish_and_english():
    assert prepare("jeg skal have et nyt pas til min søn").words == ("nyt", "pas", "soen")
    assert prepare("I need a new passport please").words == ("new", "passport")


def test_passer_fits_and_is_no_passport():
    # Snowball cuts "passer" (fits, looks after) to "pas"; the passport keeps its own forms.
    assert prepare("ingen af knapperne passer").terms[-1] != prepare("pas").terms[0]
    assert prepare("passet").terms == prepare("pas").terms
    assert prepare("pas").terms == ("pas",)


def test_dk_on_its_own_is_denmark_and_a_web_address_keeps_it():
    assert normalise("flyttet til DK fra Norge")[0] == "flyttet til danmark fra norge"
    assert normalise("jeg kan ikke logge på borger.dk")[0] == "jeg kan ikke logge på borger.dk"


def test_faa_is_a_word_of_the_errand():
    # "få MitID" asks for MitID itself, "MitID" alone may be help with it.
    assert prepare("få mitid").words == ("faa", "mitid")
    assert prepare("faa mitid").terms == prepare("få mitid").terms


@pytest.mark.parametrize(
    ("text", "written"),
    [
        ("jeg har ikke kigget i min post", "jeg har ikke kigget i min post"),
        ("har ikke hørt noget fra dem", "har ikke hørt noget fra dem"),
        ("jeg har aldrig brugt mitid", "jeg har aldrig brugt mitid"),
        ("jeg har ikke fået mit sundhedskort", "jeg mangler mit sundhedskort"),
        ("jeg har ikke et pas", "jeg mangler et pas"),
        ("ingen af knapperne passer til mig", "ingen af knapperne passer til mig"),
        ("ingen mitid", "mangler mitid"),
    ],
)
def test_not_having_done_a_thing_or_none_of_several_is_not_lacking_one(text, written):
    assert lacking(normalise(text)[0]) == written


def test_fold_writes_danish_letters_as_typed_digraphs():
    assert fold("æøå") == "aeoeaa"


def test_long_input_is_cut_and_says_so():
    text = prepare("pas " * 10_000)
    assert text.truncated
    assert len(text.normalised) <= MAX_CHARS


@pytest.mark.parametrize(
    "nasty",
    [
        "",
        "   ",
        "!!!???",
        "🙂🙂🙂",
        "<script>alert(1)</script>",
        "'; DROP TABLE services; --",
        "\x00\x07\x1b[31m",
        None,
    ],
)
def test_bad_input_gives_no_exception(nasty):
    text = prepare(nasty)
    assert isinstance(text.terms, tuple)
    assert "\x00" not in text.normalised


def test_control_characters_separate_words():
    assert prepare("nyt\tpas\nkørekort").words == ("nyt", "pas", "koerekort")


def test_triage_imports_nothing_from_django():
    import subprocess
    import sys

    code = "import sys, skranke.triage.text; sys.exit('django' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0
