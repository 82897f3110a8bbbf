"""CPR numbers: what is accepted, what is refused with which message, and that the digits never show."""

import datetime as dt

import pytest
from django.test import override_settings

from skranke.errors import SkrankeError
from skranke.privacy.cpr import CitizenHash, Cpr, citizen_hash, mask, parse, redact


@pytest.mark.parametrize("typed", ["0707614285", "070761-4285", "070761 4285", " 0707614285 "])
def test_a_valid_number_is_accepted_however_it_is_typed(typed):
    cpr = parse(typed)
    assert cpr.digits == "0707614285"
    assert cpr.birth_date == dt.date(1961, 7, 7)
    assert cpr.modulus11_ok
    assert cpr.warning == ""


def test_a_number_that_fails_modulus_11_is_accepted_with_a_warning_only():
    # CPR has issued numbers without the check since 1 October 2007, first to men born 1 January 1965.
    cpr = parse("010165-1234")
    assert cpr.birth_date.isoformat() == "1965-01-01"
    assert not cpr.modulus11_ok
    assert "modulus 11" in cpr.warning


def test_the_century_follows_the_seventh_digit():
    assert parse("211062-5628").birth_date.year == 1862
    assert parse("010101-4000").birth_date.year == 2001
    assert parse("010160-4000").birth_date.year == 1960


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "Skriv et CPR-nummer"),
        ("01019O-1234", "kun af cifre"),
        ("abcdefghij", "kun af cifre"),
        ("010190123", "har 10 cifre; der er 9"),
        ("01019012345", "har 10 cifre; der er 11"),
        ("310290-1234", "ikke en rigtig dato"),
        ("320190-1234", "ikke en rigtig dato"),
        ("011390-1234", "ikke en rigtig dato"),
    ],
)
def test_bad_numbers_are_refused_with_a_danish_message(typed, message):
    with pytest.raises(SkrankeError, match=message) as caught:
        parse(typed)
    assert caught.value.field == "cpr"


def test_a_birth_date_in_the_future_is_refused():
    # Seventh digit 4 and a year up to 36 mean the 2000s.
    tomorrow_next_year = dt.date.today() + dt.timedelta(days=366)
    with pytest.raises(SkrankeError, match="ligger i fremtiden"):
        parse(f"{tomorrow_next_year:%d%m%y}-4000")


def test_the_digits_never_show_in_str_repr_or_f_strings():
    cpr = parse("2110625628")
    for shown in (str(cpr), repr(cpr), f"{cpr}", f"{cpr!r}", str([cpr])):
        assert "5628" not in shown
        assert "211062" in shown
    assert cpr.masked == "211062-XXXX"


def test_mask_and_redact_find_cpr_shaped_numbers_in_free_text():
    text = "Borger 2110625628 og 010190-1234, ikke 12345678901 eller 2024-11-25"
    assert mask(text) == "Borger 211062-XXXX og 010190-XXXX, ikke 12345678901 eller 2024-11-25"
    assert redact(text) == "Borger [CPR] og [CPR], ikke 12345678901 eller 2024-11-25"


def test_the_citizen_hash_is_the_same_for_the_same_number_and_keyed():
    one, again, other = parse("2110625628"), parse("211062-5628"), parse("0101901234")
    assert citizen_hash(one) == citizen_hash(again)
    assert citizen_hash(one) != citizen_hash(other)
    assert "2110625628" not in citizen_hash(one).hex
    here = citizen_hash(one)
    with override_settings(CPR_HASH_KEY="another-installation"):
        assert citizen_hash(one) != here


def test_a_citizen_hash_cannot_be_made_from_a_cpr_number_directly():
    with pytest.raises(ValueError, match="never a CPR number"):
        CitizenHash("2110625628")
    with pytest.raises(TypeError, match="parsed Cpr"):
        citizen_hash("2110625628")
    assert isinstance(parse("2110625628"), Cpr)
