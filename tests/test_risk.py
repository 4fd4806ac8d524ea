"""Risk and safety (issue 16, item 7): ``[risk]`` in a session note (model, ``otj log``
flags, ``otj show``), the report's risks section, and the support lines a self-journal
shows once after a very low mood."""

from __future__ import annotations

import csv
import io
import tomllib
from datetime import datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from otjournal.cli import app
from otjournal.errors import ValidationErrors
from otjournal.model import Session
from otjournal.model.risk import Risk
from otjournal.views.report_sections import risks
from tests.conftest import TZ, make_client, make_session
from tests.test_log import answers, write_config

SECRET = "a note-text detail never echoed"


def session_dict(**risk: Any) -> dict[str, Any]:
    data = make_session().to_dict()
    data["id"] = "s-1"
    if risk:
        data["risk"] = risk
    return data


# -- the model --------------------------------------------------------------------------


def test_risk_round_trips_and_sits_before_the_amendments():
    identified = Risk("identified", "Said she felt unsafe at home", "Safety plan made", ("GP",))
    for risk in (identified, Risk("none-identified")):
        s = Session.from_dict({**session_dict(), "risk": risk.to_dict()})
        assert s.risk == risk
        assert Session.from_dict(s.to_dict()) == s
        keys = list(s.to_dict())
        assert keys.index("risk") > keys.index("plan")
    assert Session.from_dict(session_dict()).risk is None
    assert "risk" not in Session.from_dict(session_dict()).to_dict()


@pytest.mark.parametrize(
    ("risk", "field", "words"),
    [
        ({}, "risk.status", "is required"),
        ({"status": "maybe"}, "risk.status", "not an allowed value"),
        ({"status": "identified", "action": SECRET}, "risk.what", "is required when"),
        ({"status": "identified", "what": SECRET}, "risk.action", "is required when"),
        ({"status": "none-identified", "what": SECRET}, "risk.what", "only when"),
        ({"status": "none-identified", "told": ["GP"]}, "risk.told", "only when"),
        ({"status": "identified", "what": "x", "action": "y", "told": "GP"}, "risk.told", "array"),
    ],
)
def test_risk_errors_are_located_and_never_echo_the_note(risk, field, words):
    data = session_dict()
    data["risk"] = risk
    with pytest.raises(ValidationErrors) as info:
        Session.from_dict(data)
    errors = info.value.errors
    assert errors
    assert any(e.field == field and words in e.message for e in errors), errors
    assert all(SECRET not in str(e) for e in errors)


# -- otj log --------------------------------------------------------------------------------


def only_session(notes: Path) -> dict[str, Any]:
    files = sorted((notes / "clients" / "mia-k" / "sessions").glob("*.toml"))
    assert len(files) == 1, files
    return tomllib.loads(files[0].read_text("utf-8"))


BASE = ["log", "mia-k", "--no-input", "--by", "Alex", "--setting", "clinic"]
BASE += ["--attendee", "child", "--summary", "Played trains"]


@pytest.fixture
def mia(journal) -> None:
    journal.add_client(make_client())


def test_log_risk_identified_with_flags(runner, notes, mia, clock):
    result = runner.invoke(
        app,
        [
            *BASE,
            "--risk",
            "identified",
            "--risk-what",
            "Talked of running away",
            "--risk-action",
            "Safety plan with mum",
            "--risk-told",
            "mum",
            "--risk-told",
            "GP",
        ],
    )
    assert result.exit_code == 0, result.output
    assert only_session(notes)["risk"] == {
        "status": "identified",
        "what": "Talked of running away",
        "action": "Safety plan with mum",
        "told": ["mum", "GP"],
    }


def test_log_risk_none(runner, notes, mia, clock):
    result = runner.invoke(app, [*BASE, "--risk", "none"])
    assert result.exit_code == 0, result.output
    assert only_session(notes)["risk"] == {"status": "none-identified"}


def test_log_without_risk_records_none(runner, notes, mia, clock):
    assert runner.invoke(app, BASE).exit_code == 0
    assert "risk" not in only_session(notes)


@pytest.mark.parametrize(
    "flags",
    [
        ["--risk", "perhaps"],
        ["--risk-what", SECRET],
        ["--risk", "none", "--risk-what", SECRET],
        ["--risk", "identified", "--risk-what", SECRET],  # no --risk-action
    ],
)
def test_log_risk_flags_that_do_not_fit_are_refused(runner, notes, mia, clock, flags):
    result = runner.invoke(app, [*BASE, *flags])
    assert result.exit_code == 2, result.output
    assert SECRET not in result.output
    assert not (notes / "clients" / "mia-k" / "sessions").exists() or not list(
        (notes / "clients" / "mia-k" / "sessions").glob("*.toml")
    )


@pytest.mark.parametrize(
    ("typed", "risk"),
    [
        ([""], None),
        (["x", "n"], {"status": "none-identified"}),
        (
            ["i", "", "Climbed the fence", "Talked with mum about the gate", "mum, GP"],
            {
                "status": "identified",
                "what": "Climbed the fence",
                "action": "Talked with mum about the gate",
                "told": ["mum", "GP"],
            },
        ),
    ],
)
def test_the_guided_flow_asks_about_risk_after_the_plan(runner, notes, mia, clock, typed, risk):
    write_config('[practitioner]\nname = "Alex Rivera"\n')
    result = runner.invoke(app, ["log", "mia-k"], input=answers(risk=typed))
    assert result.exit_code == 0, result.output
    assert "Risk (Enter: not recorded, n: none identified, i: identified)" in result.stderr
    assert only_session(notes).get("risk") == risk


# -- otj show -------------------------------------------------------------------------------


def test_show_has_a_risk_section_when_recorded(runner, journal, clock):
    journal.add_client(make_client())
    risk = Risk("identified", "Talked of running away", "Safety plan with mum", ("mum", "GP"))
    saved = journal.add_session(make_session(risk=risk)).record
    plain = journal.add_session(make_session(start=datetime(2026, 3, 6, 9, 0, tzinfo=TZ))).record
    out = " ".join(runner.invoke(app, ["show", saved.id]).stdout.split())
    assert "Risk identified" in out
    for words in ("Talked of running away", "Safety plan with mum", "mum, GP"):
        assert words in out
    for fmt in ("text", "md", "html"):
        printed = runner.invoke(app, ["show", saved.id, "--format", fmt]).stdout
        assert "Talked of running away" in printed and "mum, GP" in printed
    assert "Risk" not in runner.invoke(app, ["show", plain.id]).stdout


def test_the_export_has_the_risk_status_and_never_its_words(runner, journal, clock):
    journal.add_client(make_client())
    risk = Risk("identified", "Talked of running away", "Safety plan with mum", ("mum",))
    journal.add_session(make_session(risk=risk))
    journal.add_session(make_session(start=datetime(2026, 3, 2, 9, 0, tzinfo=TZ)))
    journal.add_session(
        make_session(start=datetime(2026, 3, 4, 9, 0, tzinfo=TZ), risk=Risk("none-identified"))
    )
    for fmt in ("csv", "json"):
        result = runner.invoke(app, ["export", "--format", fmt])
        assert result.exit_code == 0, result.output
        for words in ("Talked of running away", "Safety plan", "mum"):
            assert words not in result.stdout
    rows = csv.DictReader(io.StringIO(runner.invoke(app, ["export"]).stdout.lstrip("\ufeff")))
    assert [(r["date"], r["risk"]) for r in rows] == [
        ("2026-03-02", ""),
        ("2026-03-04", "none-identified"),
        ("2026-03-05", "identified"),
    ]


# -- the report's risks section ----------------------------------------------------------


def section(*sessions: Session) -> list[tuple[str, str, str]]:
    blocks = risks(SimpleNamespace(sessions=list(sessions)))  # type: ignore[arg-type]
    return [(b.kind, b.text, b.cite) for b in blocks]


def on(day: int, risk: Risk | None) -> Session:
    return make_session(start=datetime(2026, 7, day, 10, 0, tzinfo=TZ), risk=risk)


def test_report_lists_the_notes_that_identified_risk_above_the_blank():
    found = Risk("identified", "Climbed the fence", "Talked with mum about the gate", ("mum",))
    got = section(on(1, Risk("none-identified")), on(2, found), on(3, None))
    assert got[0] == ("h2", "Risks", "")
    assert got[1][0] == "p" and "identified risk" in got[1][1]
    assert got[2] == (
        "quote",
        "Climbed the fence. Action: Talked with mum about the gate. Told: mum.",
        "note of 2026-07-02",
    )
    assert got[3][0] == "blank" and len(got) == 4


def test_a_risk_quote_reads_as_sentences_however_its_fields_end():
    """Each field its own sentence: a full stop added only where the note has none."""
    found = Risk("identified", "Climbed the fence!", "Talked with mum.", ())
    got = section(on(2, found))
    assert got[2][1] == "Climbed the fence! Action: Talked with mum. Told: no one recorded."


def test_report_says_none_was_identified_when_notes_recorded_none():
    got = section(on(1, Risk("none-identified")), on(2, None))
    assert got[1] == ("p", "No risk was identified in the notes of this period.", "")
    assert got[2][0] == "blank" and len(got) == 3


def test_report_leaves_the_blank_alone_when_no_note_recorded_risk():
    got = section(on(1, None))
    assert [k for k, _, _ in got] == ["h2", "blank"]
    assert [k for k, _, _ in section()] == ["h2", "blank"]


def test_the_editor_form_has_a_risk_section_and_blank_means_not_recorded():
    from otjournal.forms.session_form import editor_form, form_to_note

    start = datetime(2026, 3, 5, 14, 30, tzinfo=TZ)
    blank = editor_form({"client": "mia-k", "start": start}, make_client(), [])
    assert "[risk]" in blank and "none-identified | identified" in blank
    assert "risk" not in form_to_note(tomllib.loads(blank))
    risk = {"status": "identified", "what": "w", "action": "a", "told": ["GP"]}
    filled = editor_form({"client": "mia-k", "start": start, "risk": risk}, make_client(), [])
    assert form_to_note(tomllib.loads(filled))["risk"] == risk


# -- where help is, after a very low mood in a self-journal --------------------------------

MOOD = ["homework", "log", "--kind", "mood-check", "--no-input", "--mood"]
DEFAULT_LINES = ("Lifeline 13 11 14 (24/7)", "000 in an emergency")


@pytest.fixture
def me(runner, notes) -> None:
    result = runner.invoke(app, ["init", "--self", "--name", "Sam"])
    assert result.exit_code == 0, result.output


def test_a_very_low_mood_in_self_mode_shows_where_help_is_once(runner, notes, me):
    result = runner.invoke(app, [*MOOD, "2"])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Saved mood-check entry")  # stdout stays for results
    for line in DEFAULT_LINES:
        assert result.stderr.count(line) == 1, result.stderr
    [path] = (notes / "clients" / "me" / "homework").rglob("*.toml")
    saved = path.read_text("utf-8")
    assert "Lifeline" not in saved and "support" not in saved  # nothing stored about it
    later = runner.invoke(app, ["homework", "list"])
    assert later.exit_code == 0, later.output
    assert "Lifeline" not in later.output + later.stderr  # once: not on later commands


def test_a_mood_of_3_shows_nothing(runner, notes, me):
    result = runner.invoke(app, [*MOOD, "3"])
    assert result.exit_code == 0, result.output
    assert "Lifeline" not in result.output + result.stderr


def test_the_configured_lines_are_shown(runner, notes, me, isolated_home):
    config = isolated_home / "config" / "otjournal" / "config.toml"  # written by init
    config.write_text(
        config.read_text("utf-8") + '\n[support]\nlines = ["Call Jo on 0400 000 000"]\n'
    )
    result = runner.invoke(app, [*MOOD, "0"])
    assert result.exit_code == 0, result.output
    assert result.stderr.count("Call Jo on 0400 000 000") == 1
    assert "Lifeline" not in result.stderr


@pytest.mark.parametrize(
    ("by", "shown"), [("Alex Rivera", False), ("Sarah", False), ("Mia K.", True)]
)
def test_in_a_practitioners_journal_only_an_entry_the_client_wrote_shows_it(
    runner, notes, mia, by, shown
):
    write_config('[practitioner]\nname = "Alex Rivera"\n')
    result = runner.invoke(app, [*MOOD, "1", "mia-k", "--by", by])
    assert result.exit_code == 0, result.output
    assert ("Lifeline 13 11 14 (24/7)" in result.stderr) is shown


AMEND_WHAT = ["--field", "risk.what", "--text", "Climbed the school fence"]


def test_the_report_and_show_read_risk_as_amended(runner, journal, clock):
    journal.add_client(make_client())
    risk = Risk("identified", "Climbed the fence", "Talked with mum", ("mum",))
    sid = journal.add_session(make_session(risk=risk)).record.id
    clock.set(datetime(2026, 3, 9, 9, 0, tzinfo=TZ))
    done = runner.invoke(
        app,
        ["amend", sid, "--kind", "correction", "--by", "Alex", *AMEND_WHAT],
    )
    assert done.exit_code == 0, done.output
    [loaded] = journal.load(["mia-k"], homework=False).client_sessions("mia-k")
    from otjournal.numbers.amended import as_amended

    # The report's sessions read as amended (numbers.trends.build): so does the section.
    got = section(as_amended(loaded.record))
    report = " ".join(
        runner.invoke(app, ["report", "mia-k", "--since", "2026-03-01"]).stdout.split()
    )
    assert "Climbed the school fence. Action: Talked with mum. Told: mum." in report
    assert got[2] == (
        "quote",
        "Climbed the school fence. Action: Talked with mum. Told: mum.",
        "note of 2026-03-05, amended 2026-03-09",
    )
    shown = " ".join(runner.invoke(app, ["show", sid]).stdout.split())
    assert "now reads: Climbed the school fence" in shown
