"""Techniques (issue 16): a session's list of the techniques used, offered from the
config and from last time, counted over a period (held sessions, as amended) the same
way in trends, trends --json, the progress report and the export."""

from __future__ import annotations

import csv
import io
import json
import os
import tomllib
from collections import Counter
from dataclasses import replace
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from otjournal.cli import app
from otjournal.config import TECHNIQUES, TEMPLATE, parse_config
from otjournal.disk import tomlio
from otjournal.disk.store import Journal
from otjournal.errors import UsageError, ValidationErrors
from otjournal.forms.session_form import editor_form, form_to_note
from otjournal.forms.techniques import as_listed, offered, parse_techniques
from otjournal.model import Goal, GoalRating, Plan, PlanPeriod, Session
from otjournal.numbers.techniques import count
from tests.conftest import make_client, make_session
from tests.test_log import log, ok, write_config

TZ = timezone(timedelta(hours=10))
NOW = datetime(2026, 11, 30, 16, 0, tzinfo=TZ)


def read(**over) -> Session:
    return Session.from_dict({**make_session(id="2026-03-05_1430_k3f9q").to_dict(), **over})


# -- the format ---------------------------------------------------------------------------


def test_techniques_are_written_and_read_back():
    s = read(techniques=["CBT", "graded exposure"])
    assert s.techniques == ("CBT", "graded exposure")
    again = Session.from_dict(tomlio.parse(tomlio.dumps(s.to_dict())))
    assert again.techniques == ("CBT", "graded exposure")
    assert "techniques" not in make_session().to_dict()  # none: not written


def test_names_are_trimmed_and_a_missing_list_is_none():
    assert read(techniques=["  parent   coaching "]).techniques == ("parent coaching",)
    assert read().techniques == ()


@pytest.mark.parametrize(
    ("value", "field", "words"),
    [
        (["CBT", "cbt"], "techniques[1]", "repeats techniques[0]"),
        (["CBT", "   "], "techniques[1]", "is empty"),
        (["CBT", 3], "techniques", "array of text"),
        ("CBT", "techniques", "array of text"),
    ],
)
def test_a_bad_list_is_refused_at_its_place(value, field, words):
    with pytest.raises(ValidationErrors) as caught:
        read(techniques=value)
    (error,) = caught.value.errors
    assert error.field == field and words in error.message
    assert "cbt" not in error.message.lower()  # a name typed is never echoed


# -- the config -----------------------------------------------------------------------------


def test_the_config_list_defaults_and_can_be_set_or_emptied():
    assert parse_config({}).techniques == TECHNIQUES
    assert parse_config({"practitioner": {"name": "Alex"}}).techniques == TECHNIQUES
    mine = parse_config({"practitioner": {"techniques": [" ACT ", "CBT"]}})
    assert mine.techniques == ("ACT", "CBT")
    assert parse_config({"practitioner": {"techniques": []}}).techniques == ()
    with pytest.raises(ValidationErrors) as caught:
        parse_config({"practitioner": {"techniques": ["CBT", "CBT"]}})
    assert caught.value.errors[0].field == "practitioner.techniques[1]"


def test_the_template_offers_the_default_list_commented_out():
    uncommented = "\n".join(
        line[2:] if line.startswith(("# techniques", "#   ", "# ]")) else line
        for line in TEMPLATE.splitlines()
    )
    assert parse_config(tomlio.parse(uncommented.encode())).techniques == TECHNIQUES
    assert parse_config(tomlio.parse(TEMPLATE.encode())).techniques == TECHNIQUES


# -- typed at the prompt and by flags ----------------------------------------------------------


def test_an_answer_picks_by_number_or_name_each_once():
    offer = ["sensory-based strategies", "parent coaching", "CBT"]
    assert parse_techniques("1 3", offer) == ["sensory-based strategies", "CBT"]
    assert parse_techniques("2, cbt, play therapy, 3", offer) == [
        "parent coaching",
        "CBT",
        "play therapy",
    ]
    assert parse_techniques("-", offer) == []
    with pytest.raises(UsageError, match="1 to 3"):
        parse_techniques("4", offer)
    with pytest.raises(UsageError, match="type names"):
        parse_techniques("1", [])


def test_the_offer_is_the_list_then_last_times_own_names():
    assert offered(["CBT", "ACT"], ["cbt", "play therapy"]) == ["CBT", "ACT", "play therapy"]
    assert as_listed([" cbt ", "play"], ["CBT"]) == ["CBT", "play"]


@pytest.fixture
def mia(journal, clock) -> str:
    journal.add_client(make_client())
    return "mia-k"


def saved_notes(notes: Path) -> list[dict]:
    return [tomllib.loads(p.read_text("utf-8")) for p in sorted(notes.rglob("20*.toml"))]


FLAGS = ["--by", "Alex Rivera", "--attendee", "child", "--setting", "clinic", "--summary", "Done"]
FLAGS += ["--no-input"]


def test_technique_flags_take_the_lists_spelling(runner, notes, mia):
    ok(log(runner, "mia-k", *FLAGS, "--technique", "cbt", "--technique", "play therapy"))
    (note,) = saved_notes(notes)
    assert note["techniques"] == ["CBT", "play therapy"]


def test_a_technique_given_twice_is_refused(runner, notes, mia):
    result = log(runner, "mia-k", *FLAGS, "--technique", "CBT", "--technique", "cbt")
    assert result.exit_code != 0
    assert "techniques[1]" in result.output
    assert saved_notes(notes) == []


def test_from_a_file_and_the_editor_form(runner, notes, mia, tmp_path):
    form = editor_form({"techniques": ["CBT"]}, None, [], techniques=("CBT", "ACT"))
    assert "# e.g. CBT, ACT" in form
    assert form_to_note(tomlio.parse(form.encode()))["techniques"] == ["CBT"]
    source = tmp_path / "note.toml"
    source.write_text('techniques = ["graded exposure"]\n', encoding="utf-8")
    ok(log(runner, "mia-k", *FLAGS, "--from", str(source)))
    (note,) = saved_notes(notes)
    assert note["techniques"] == ["graded exposure"]


# -- a period counted: trends, trends --json, the report, the export -------------------------


@pytest.fixture
def period(notes, clock) -> dict[str, str]:
    """Five notes; the answer, worked out by hand, is in the test below."""
    clock.set(NOW)
    j = Journal(notes)
    goal = Goal(
        "g1", "Laces shoes", set_on=date(2026, 6, 1), baseline=-2, baseline_on=date(2026, 6, 1)
    )
    plan = PlanPeriod(date(2026, 6, 1), date(2027, 5, 31))
    j.add_client(make_client(goals=(goal,), plan_period=plan))

    def add(day: int, techniques: tuple[str, ...], **kw) -> str:
        start = datetime(2026, 10, day, 10, tzinfo=TZ)
        kw = {"goals": (GoalRating("g1", 0, "Laced"),), **kw}
        s = make_session(start=start, techniques=techniques, **kw)
        return j.add_session(s).record.id

    cancelled = {
        "session_type": "cancelled",
        "duration_min": 0,
        "attendees": (),
        "goals": (),
        "activities": (),
        "regulation": None,
        "checklist": (),
        "plan": Plan("Family unwell."),
    }
    return {
        "s1": add(5, ("CBT", "graded exposure")),
        "s2": add(12, ("cbt", "parent coaching")),
        "s3": add(19, ("CBT", "sensory-based strategies"), **cancelled),
        "s4": add(26, ("graded exposure",)),
        "s5": add(28, ("CBT",)),
    }


def amend(runner, sid: str, techniques: str) -> None:
    result = runner.invoke(
        app,
        [
            "amend",
            sid,
            "--kind",
            "correction",
            "--by",
            "Alex Rivera",
            "--no-input",
            "--set",
            f"techniques={techniques}",
            "--text",
            "The techniques, corrected",
        ],
    )
    assert result.exit_code == 0, result.output


# By hand. Held: s1, s2, s4, s5 (s3 was cancelled: its two never count). s4 is corrected to
# CBT, graded exposure, parent coaching; s5 from CBT to behavioural activation.
#   CBT: s1, s2 ("cbt" is the same name), s4            = 3 (s3 cancelled, s5 corrected away)
#   graded exposure: s1, s4                             = 2
#   parent coaching: s2, s4                             = 2
#   behavioural activation: s5                          = 1
#   sensory-based strategies: s3 only, cancelled       -> not listed
# The most used first, then by name; a name is shown as the latest held session spells it.
EXPECTED = {"CBT": 3, "graded exposure": 2, "parent coaching": 2, "behavioural activation": 1}


def flat(text: str) -> str:
    return " ".join(text.split())


def test_the_same_counts_in_trends_json_report_and_export(runner, period, clock):
    clock.set(NOW + timedelta(hours=1))
    amend(runner, period["s4"], "CBT,graded exposure,parent coaching")
    amend(runner, period["s5"], "behavioural activation")
    since = ["--since", "2026-06-01"]

    result = runner.invoke(app, ["trends", "mia-k", *since, "--json"])
    assert result.exit_code == 0, result.output
    trends = json.loads(result.stdout)
    assert trends["techniques"] == EXPECTED
    assert list(trends["techniques"]) == list(EXPECTED)  # in that order

    text = flat(runner.invoke(app, ["trends", "mia-k", *since]).stdout)
    assert (
        "Techniques: CBT 3 sessions · graded exposure 2 · parent coaching 2 · "
        "behavioural activation 1"
    ) in text

    report = flat(runner.invoke(app, ["report", "mia-k", *since]).stdout)
    assert (
        "Techniques used: CBT in 3 sessions; graded exposure in 2; parent coaching in 2; "
        "behavioural activation in 1."
    ) in report
    supports = report.split("Supports provided")[1].split("##")[0]
    assert "Techniques used:" in supports  # said where the supports delivered are

    out = runner.invoke(app, ["export", "--table", "sessions"]).stdout
    rows = list(csv.DictReader(io.StringIO(out)))
    assert len(rows) == 5
    by_id = {r["session_id"]: r for r in rows}
    assert by_id[period["s4"]]["techniques"] == "CBT; graded exposure; parent coaching"
    assert by_id[period["s3"]]["techniques"] == "CBT; sensory-based strategies"
    held = Counter(
        t.strip().casefold()
        for r in rows
        if r["session_type"] not in ("cancelled", "did-not-attend")
        for t in r["techniques"].split(";")
        if t.strip()
    )
    assert held == Counter({k.casefold(): n for k, n in EXPECTED.items()})


def test_show_and_the_printout_list_techniques_as_corrected(runner, period, clock):
    clock.set(NOW + timedelta(hours=1))
    amend(runner, period["s5"], "behavioural activation")
    shown = flat(runner.invoke(app, ["show", period["s5"]]).stdout)
    assert "Techniques behavioural activation (amended 2026-11-30; was CBT)" in shown
    printed = runner.invoke(app, ["show", period["s1"], "--format", "text"]).stdout
    (line,) = [x for x in printed.splitlines() if x.startswith("Techniques:")]
    assert line.split(":", 1)[1].strip() == "CBT, graded exposure"


def test_a_correction_can_clear_the_list(runner, period, clock):
    clock.set(NOW + timedelta(hours=1))
    amend(runner, period["s5"], "")
    trends = json.loads(
        runner.invoke(app, ["trends", "mia-k", "--since", "2026-06-01", "--json"]).stdout
    )
    # s5's CBT corrected away: s1 and s2 remain, spelt as the latest of them (s2) spells it.
    assert trends["techniques"] == {"cbt": 2, "graded exposure": 2, "parent coaching": 1}


def test_count_merges_letter_case_and_skips_notes_not_held():
    day = datetime(2026, 3, 5, 10, tzinfo=TZ)
    sessions = [
        make_session(start=day, techniques=("cbt",)),
        make_session(start=day + timedelta(days=7), techniques=("CBT", "ACT")),
        replace(
            make_session(start=day + timedelta(days=14), techniques=("ACT",)),
            session_type="did-not-attend",
        ),
    ]
    assert count(sessions) == (("CBT", 2), ("ACT", 1))
    assert count([]) == ()


# -- the Techniques step, in a real terminal -------------------------------------------------


@pytest.mark.pty
def test_the_step_offers_last_times_and_picks_by_number(notes):
    from tests.terminal import Pty

    Journal(notes).add_client(make_client(goals=()))
    write_config('[practitioner]\nname = "Alex Rivera"\ntechniques = ["CBT", "graded exposure"]\n')
    env = {**os.environ, "TERM": "dumb", "NO_COLOR": "1", "COLUMNS": "200", "TZ": "UTC"}
    rest = [
        ("In their words", ""),
        ("Caregiver's report", ""),
        ("How they were involved", ""),
        ("At the start", ""),
        ("Checklist: ", ""),
        ("Closing summary", "Done"),
        ("  … ", ""),
        ("Next session's focus", ""),
        ("Homework to assign", ""),
        ("Risk (", ""),
        ("Save?", ""),
    ]
    start = [
        ("Minutes", ""),
        ("Start time", ""),
        ("Setting (", ""),
        ("Kind of session", ""),
        ("Who attended (", ""),
        ("Activity (", ""),
    ]
    first = Pty("log", "mia-k", "--date", "2026-03-02", env=env)
    # By number, and a name not on the list (the list is offered, never imposed).
    first.run([*start, ("Techniques (", "2, play therapy"), *rest])
    first.finish(0)
    second = Pty("log", "mia-k", "--date", "2026-03-03", env=env)
    second.run(start)
    second.expect("1 CBT  2 graded exposure  3 play therapy")  # last time's name offered too
    second.expect("play therapy]:")  # the default, [graded exposure, play therapy] (wrapped)
    second.child.sendline("")  # Enter accepts it
    second.run(rest)
    second.finish(0)
    third = Pty("log", "mia-k", "--date", "2026-03-04", env=env)
    third.run([*start, ("Techniques (", "1"), *rest])
    third.finish(0)
    lists = [n.get("techniques") for n in sorted(saved_notes(notes), key=lambda n: n["start"])]
    assert lists == [
        ["graded exposure", "play therapy"],
        ["graded exposure", "play therapy"],
        ["CBT"],
    ]
