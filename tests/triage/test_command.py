"""`skranke triage`: readable answers for people, one stable JSON line per text for tools."""

import io
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from skranke.catalogue.loader import DATA_DIR
from skranke.catalogue.services import catalogue_load

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue():
    catalogue_load(data_dir=DATA_DIR)


def run(*args, stdin: str | None = None, monkeypatch=None) -> str:
    if stdin is not None:
        monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    out = io.StringIO()
    call_command("triage", *args, stdout=out)
    return out.getvalue()


def test_readable_answer_names_the_service_its_kind_and_the_words(catalogue):
    out = run("batterier", "til", "høreapparatet")
    assert "»batterier til høreapparatet«" in out
    assert "1. Høreapparatbatterier (hearing-aid-batteries) · Vejledning" in out
    assert "ord: batterier, høreapparatet" in out


def test_readable_answer_says_when_to_ask_staff(catalogue):
    assert "Spørg en medarbejder" in run("hvor er toilettet")


def test_readable_answer_lists_several_needs(catalogue):
    assert "2 behov: passport-application, health-card" in run("nyt pas og nyt sundhedskort")


def test_json_reads_one_text_per_line_and_writes_one_object_per_line(catalogue, monkeypatch):
    out = run("--json", stdin="nyt pas til min søn\n\naflevere bøger\r\n😀\n", monkeypatch=monkeypatch)
    lines = [json.loads(line) for line in out.splitlines()]
    assert [line["text"] for line in lines] == ["nyt pas til min søn", "", "aflevere bøger", "😀"]
    assert all(set(line) == {"text", "matches", "ask_staff"} for line in lines)
    assert lines[0]["matches"][0]["service"] == "passport-application"
    assert lines[0]["matches"][0]["kind"] == "AUTHORITY"
    assert 0 < lines[0]["matches"][0]["score"] <= 1
    assert lines[0]["ask_staff"] is False
    assert lines[1] == {"text": "", "matches": [], "ask_staff": True}
    assert lines[2]["matches"][0] == {
        "service": "library-return",
        "kind": "LIBRARY",
        "score": pytest.approx(0.96, abs=0.04),
    }
    assert lines[3]["ask_staff"] is True


def test_json_with_text_answers_that_text(catalogue):
    line = json.loads(run("--json", "aflevere", "bøger"))
    assert line["matches"][0]["service"] == "library-return"


def test_catalogue_files_can_be_used_without_a_database(monkeypatch):
    out = run("--json", "--data-dir", str(DATA_DIR), stdin="låne en bog\n", monkeypatch=monkeypatch)
    assert json.loads(out)["matches"][0]["service"] == "library-loan"


def test_without_a_loaded_catalogue_the_command_says_what_to_do():
    with pytest.raises(CommandError, match="load_catalogue"):
        run("nyt pas")


def test_without_text_or_json_the_command_explains_itself(catalogue):
    with pytest.raises(CommandError, match="Skriv en tekst"):
        run()


def test_a_missing_catalogue_directory_is_a_clear_error(tmp_path: Path):
    with pytest.raises(CommandError, match=r"catalogue\.yaml: filen mangler"):
        run("--data-dir", str(tmp_path / "nowhere"), "pas")
