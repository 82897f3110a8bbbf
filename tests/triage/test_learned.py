"""The weights learned from the tuning phrasings: read, added up, and allowed to move only what is safe to move."""

import json
import math
import sys
from pathlib import Path

import pytest

from skranke.catalogue.loader import read_catalogue
from skranke.triage import learned
from skranke.triage.learned import Learned
from skranke.triage.matcher import AUTHORITY, GUIDANCE, LIBRARY, Matcher, ServiceText, Tuning

BENCH = Path(__file__).resolve().parents[2] / "bench"

SERVICES = [
    ServiceText("passport", AUTHORITY, names=("Pas",), search_words=("pas", "nyt pas")),
    ServiceText("printing", LIBRARY, names=("Print og kopi",), search_words=("kopi", "print")),
    ServiceText("tax-help", GUIDANCE, names=("Hjælp til skat",), search_words=("skat", "årsopgørelse")),
    ServiceText("general-guidance", GUIDANCE, names=("Ved ikke",), search_words=("spørgsmål",)),
]
KEYS = tuple(s.key for s in SERVICES)


def weights(**favour: float) -> Learned:
    """A table where the term "pas" (and "kopi") speaks for the services named, by as much as given."""
    index = {k: i for i, k in enumerate(KEYS)}
    terms = {tm: tuple((index[k], w) for k, w in favour.items()) for tm in ("pas", "kopi")}
    return Learned(services=KEYS, bias=(0.0,) * len(KEYS), weights=terms, catalogue="test")


def test_the_logits_add_each_term_once_to_the_bias():
    table = Learned(services=("a", "b"), bias=(0.5, -0.5), weights={"x": ((0, 1.0),), "y": ((1, 2.0), (0, -1.0))})
    assert table.logits(["x", "x", "y"]) == {"a": 0.5, "b": 1.5}
    assert table.logits([]) == {"a": 0.5, "b": -0.5}


def test_the_json_file_format_reads_back_as_written():
    table = Learned(("a", "b"), (0.25, -0.25), {"x": ((1, 0.5),)}, "2026.12.8", ("tune",))
    again = Learned.from_json(json.loads(json.dumps(table.as_json())))
    assert again == table
    with pytest.raises(ValueError, match="one bias per service"):
        Learned.from_json({"services": ["a"], "bias": [0.0, 1.0], "weights": {}})
    # A weight for a service index the file does not list is dropped, not an IndexError at the counter.
    assert Learned.from_json({"services": ["a"], "bias": [0.0], "weights": {"x": [[3, 1.0]]}}).weights == {"x": ()}


def test_a_library_service_the_weights_prefer_goes_first():
    rules = Matcher(SERVICES, Tuning(scale=1.5))
    text = "kopi af nyt pas"
    assert rules.match(text).matches[0].service == "passport"
    result = Matcher(SERVICES, Tuning(scale=1.5), weights(printing=5.0)).match(text)
    assert result.matches[0].service == "printing" and not result.ask_staff
    assert "passport" in [m.service for m in result.matches]
    assert "kopi" in result.matches[0].words  # staff still see the words that made the match


def test_an_authority_service_never_goes_first_on_the_weights_alone():
    text = "kopi af pas"
    rules = Matcher(SERVICES, Tuning(scale=1.5)).match(text)
    with_weights = Matcher(SERVICES, Tuning(scale=1.5), weights(passport=5.0)).match(text)
    assert rules.matches[0].service != "passport"
    assert with_weights.matches[0].service == rules.matches[0].service
    assert (with_weights.reason, with_weights.ask_staff) == (rules.reason, rules.ask_staff)


def test_weights_that_say_ask_staff_ask_staff():
    result = Matcher(SERVICES, Tuning(scale=1.5), weights(**{"general-guidance": 5.0})).match("nyt pas")
    assert result.ask_staff and result.reason == "general" and not result.needs


def test_the_weights_never_turn_asking_staff_into_an_answer_and_can_be_switched_off():
    table = weights(printing=5.0)
    assert Matcher(SERVICES, Tuning(scale=1.5), table).match("jeg har et spørgsmål").ask_staff
    off = Matcher(SERVICES, Tuning(scale=1.5, learned=False), table)
    assert off.learned is None
    assert off.match("kopi af nyt pas").matches[0].service == "passport"


def test_a_service_the_weights_do_not_know_is_left_where_the_rules_put_it():
    table = Learned(("somewhere-else",), (9.0,), {}, "test")
    result = Matcher(SERVICES, Tuning(scale=1.5), table).match("nyt pas")
    assert result.matches[0].service == "passport"


# -- the weights Skranke ships ----------------------------------------------------------


def test_the_shipped_weights_are_trained_on_this_catalogue_and_never_on_the_reported_part():
    table = learned.load()
    assert table is not None
    catalogue = read_catalogue()
    assert table.catalogue == catalogue.version, (
        "The catalogue changed since the triage weights were trained: run bench/triage_learn.py --write"
    )
    assert set(table.services) == {s.key for s in catalogue.services if not s.retired}
    assert "report" not in table.trained_on and "tune" in table.trained_on
    assert all(i < len(table.services) for ws in table.weights.values() for i, _ in ws)


def test_the_trainer_refuses_a_reported_phrasing():
    sys.path.insert(0, str(BENCH))
    try:
        import triage
        import triage_learn
    finally:
        sys.path.remove(str(BENCH))
    reported = triage.Case("report", "nyt pas", ("passport-application",))
    with pytest.raises(SystemExit, match="never trained on"):
        triage_learn.examples([], [reported])


def test_the_weights_confirm_an_unclear_authority_match_only_when_they_put_the_same_service_first():
    services = [
        ServiceText("passport", AUTHORITY, search_words=("pas", "rejse")),
        ServiceText("travel-books", LIBRARY, examples=("jeg skal rejse og vil låne en rejseguide",)),
        ServiceText("other", LIBRARY, search_words=("bog",)),
    ]
    keys = tuple(s.key for s in services)
    rules = Matcher(services, Tuning(scale=1.5)).match("rejse")
    assert rules.ask_staff and rules.reason == "unclear-authority"

    def table(key: str, weight: float) -> Learned:
        return Learned(keys, (0.0, 0.0, 0.0), {"rejs": ((keys.index(key), weight),)}, "test")

    agreed = Matcher(services, Tuning(scale=1.5), table("passport", 5.0)).match("rejse")
    assert agreed.reason == "clear" and not agreed.ask_staff and agreed.needs[0].service == "passport"
    # Agreeing, but not sure enough: the rules' doubt stands.
    unsure = Matcher(services, Tuning(scale=1.5), table("passport", 0.5)).match("rejse")
    assert unsure.ask_staff and unsure.reason == "unclear-authority"
    # Putting another service first confirms nothing, and moves no unclear answer.
    other = Matcher(services, Tuning(scale=1.5), table("travel-books", 5.0)).match("rejse")
    assert other.ask_staff and other.reason == "unclear-authority"


def test_the_probability_of_the_first_service_is_a_softmax():
    table = Learned(("a", "b"), (0.0, 0.0), {"x": ((0, math.log(3.0)),)})
    top, probability = table.first(["x"])
    assert top == "a" and probability == pytest.approx(0.75)
    assert Learned((), (), {}).first(["x"]) is None
