"""What a report, trends and export say is what the notes say now: an amended note is
quoted as amended, and a rating corrected by an amendment is the rating counted."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, datetime, timedelta, timezone

import pytest

from otjournal.cli import app
from otjournal.disk.store import Journal
from otjournal.model import Goal, GoalRating, PlanPeriod
from tests.conftest import make_client, make_session

TZ = timezone(timedelta(hours=10))
NOW = datetime(2026, 11, 30, 16, 0, tzinfo=TZ)


@pytest.fixture
def mia(notes, clock) -> str:
    clock.set(NOW)
    j = Journal(notes)
    goal = Goal(
        "g1-k3x", "Laces shoes", set_on=date(2026, 6, 1), baseline=-2, baseline_on=date(2026, 6, 1)
    )
    j.add_client(
        make_client(goals=(goal,), plan_period=PlanPeriod(date(2026, 6, 1), date(2027, 5, 31)))
    )
    saved = j.add_session(
        make_session(
            start=datetime(2026, 11, 2, 10, tzinfo=TZ),
            goals=(GoalRating("g1-k3x", 0, "Laced her left shoe with the card"),),
        )
    )
    return saved.record.id


def amend(runner, sid: str, *args: str) -> None:
    result = runner.invoke(
        app,
        ["amend", sid, "--kind", "correction", "--by", "Alex Rivera", "--no-input", *args],
    )
    assert result.exit_code == 0, result.output


def test_the_default_report_quotes_an_amended_note_as_amended(runner, mia, clock):
    clock.set(NOW + timedelta(hours=1))
    amend(runner, mia, "--field", "goals[g1].evidence", "--original", "left", "--text", "right")
    report = runner.invoke(app, ["report", "mia-k"]).stdout
    assert "2026-06-01 to 2026-11-30" in report  # never past today, though the plan runs on
    assert "cut at 2026-11-30" in report
    assert "Laced her right shoe with the card" in report
    assert "left shoe" not in report
    assert "amended 2026-11-30" in report


def test_a_corrected_rating_is_the_rating_counted_everywhere(runner, mia, clock):
    clock.set(NOW + timedelta(hours=1))
    amend(runner, mia, "--set", "goals.g1.gas=+1", "--text", "The rating was +1")
    trends = json.loads(
        runner.invoke(app, ["trends", "mia-k", "--since", "2026-06-01", "--json"]).stdout
    )
    (goal,) = trends["goals"]
    assert [p["gas"] for p in goal["interim"]] == [1]
    rows = list(
        csv.DictReader(io.StringIO(runner.invoke(app, ["export", "--table", "goals"]).stdout))
    )
    assert [r["gas"] for r in rows] == ["1"]
    listed = json.loads(runner.invoke(app, ["goal", "list", "mia-k", "--json"]).stdout)["goals"]
    assert listed[0]["latest_interim"]["gas"] == 1
    shown = runner.invoke(app, ["show", mia]).stdout
    assert "was 0" in shown  # the note as written stays readable


def test_the_next_report_starts_the_day_after_the_last_one_filed(
    runner, mia, clock, tmp_path, notes
):
    first = runner.invoke(app, ["report", "mia-k", "-o", str(tmp_path / "nov.md")])
    assert first.exit_code == 0, first.output
    (log,) = (notes / ".otjournal" / "reports").glob("mia-k-*.log")
    assert log.read_text("utf-8") == "v1\t2026-06-01\t2026-11-30\t2026-11-30\n"
    assert oct(log.stat().st_mode & 0o777) == "0o600"
    # Redone the same day: the same period (a report filed today does not move the start).
    again = runner.invoke(app, ["report", "mia-k", "-o", str(tmp_path / "nov2.md")])
    assert again.exit_code == 0, again.output
    assert "2026-06-01 to 2026-11-30" in (tmp_path / "nov2.md").read_text("utf-8")
    # A de-identified copy is not a report filed.
    clock.set(NOW + timedelta(days=10))
    copy = runner.invoke(app, ["report", "mia-k", "--deidentify", "-o", str(tmp_path / "d.md")])
    assert copy.exit_code == 0, copy.output
    clock.set(NOW + timedelta(days=46))  # 2027-01-15
    nxt = runner.invoke(app, ["report", "mia-k"]).stdout
    assert "2026-12-01 to 2027-01-15 (from the day after the last report)" in nxt
    since = runner.invoke(app, ["report", "mia-k", "--since", "2026-06-01"]).stdout
    assert "2026-06-01 to 2027-01-15" in since


def test_a_cancelled_session_overlaps_nothing_and_is_not_offered_at_the_prompt():
    from otjournal.model.vocab import ASKED_TYPES

    held = make_session(start=datetime(2026, 11, 2, 10, tzinfo=TZ), duration_min=60)
    cancelled = make_session(
        start=datetime(2026, 11, 2, 10, 30, tzinfo=TZ),
        duration_min=0,
        session_type="cancelled",
        attendees=(),
    )
    assert not cancelled.overlaps(held) and not held.overlaps(cancelled)
    assert "cancelled" not in ASKED_TYPES and "did-not-attend" not in ASKED_TYPES


def test_a_report_that_would_start_after_today_says_so(runner, mia):
    result = runner.invoke(app, ["report", "mia-k", "--since", "2027-01-01"])
    assert result.exit_code == 2
    assert "--since is after today: a report covers days that have passed" in result.stderr


@pytest.mark.parametrize(
    "args",
    [
        ["trends", "mia-k"],
        ["trends"],
        ["homework", "summary", "mia-k"],
        ["export", "--table", "supports"],
        ["export", "--table", "sessions"],
    ],
)
def test_a_period_after_today_is_refused_in_the_same_words_by_every_count(runner, mia, args):
    """No --until was given: the message names what was typed (trends said "--until is
    before --since"; homework summary said nothing of the period; the supports table
    wrote a row whose since was after its until)."""
    result = runner.invoke(app, [*args, "--since", "2027-01-01"])
    assert result.exit_code == 2, result.output
    assert result.stderr.strip() == (
        "otj: error: --since is after today: a period is counted up to today at most"
    )
    backwards = runner.invoke(app, [*args, "--since", "2026-03-31", "--until", "2026-03-01"])
    assert backwards.exit_code == 2 and "--until is before --since" in backwards.stderr


def test_trends_and_the_report_count_the_same_sessions_by_setting_and_by_who(runner, notes, clock):
    """Trends' "By setting" and "By who attended" and the report's Setting and "Who took
    part" tables count the same sessions: those attended, face to face. Worked out by
    hand: clinic 60 + 30 min, home 45; child 3 sessions (135 min), parent 2 (75). The
    liaison with a teacher, the note written up alone and the cancelled session are in
    neither."""
    clock.set(NOW)
    j = Journal(notes)
    j.add_client(make_client(goals=(), plan_period=None))

    def note(day: int, minutes: int, setting: str, who: tuple[str, ...], kind="therapy"):
        j.add_session(
            make_session(
                start=datetime(2026, 11, day, 10, tzinfo=TZ),
                duration_min=minutes,
                setting=setting,
                attendees=who,
                session_type=kind,
                goals=(),
            )
        )

    note(2, 60, "clinic", ("child",))
    note(3, 45, "home", ("child", "parent"))
    note(4, 30, "clinic", ("child", "parent"))
    note(5, 40, "school", ("teacher",), "non-client")  # liaison: non-face-to-face
    note(6, 20, "clinic", ())  # written up, no one there: non-face-to-face
    note(9, 0, "home", (), "cancelled")
    trends = json.loads(
        runner.invoke(app, ["trends", "mia-k", "--since", "2026-11-01", "--json"]).stdout
    )["supports"]
    assert trends["by_setting"] == {
        "clinic": {"sessions": 2, "hours": 1.5},
        "home": {"sessions": 1, "hours": 0.75},
    }
    assert trends["by_role"] == {
        "child": {"sessions": 3, "hours": 2.25},
        "parent": {"sessions": 2, "hours": 1.25},
    }
    assert trends["attended"] == 3
    report = json.loads(
        runner.invoke(app, ["report", "mia-k", "--since", "2026-11-01", "--json"]).stdout
    )
    heads = ("Setting", "Who took part")
    tables = {
        b["head"][0]: b["rows"] for s in report["sections"] for b in s["blocks"]
        if b["kind"] == "table" and (b["head"] or [""])[0] in heads
    }  # fmt: skip
    assert tables == {
        "Setting": [["clinic", "2", "1.5"], ["home", "1", "0.75"]],
        "Who took part": [["child", "3", "2.25"], ["parent", "2", "1.25"]],
    }
    shown = runner.invoke(app, ["trends", "mia-k", "--since", "2026-11-01"]).stdout
    assert "By setting: clinic 2 (1.5 h) · home 1 (0.75 h)" in shown
    # Only the liaison and the note written up alone: nothing attended, no empty lines.
    alone = runner.invoke(
        app, ["trends", "mia-k", "--since", "2026-11-05", "--until", "2026-11-06"]
    )
    assert "0 attended" in alone.stdout
    assert "By setting" not in alone.stdout and "By who attended" not in alone.stdout


def test_the_interim_path_is_told_alike_with_every_session_counted(runner, mia, notes):
    """Three sessions rate the one goal -1, 0, +1: T-scores 40, 50, 60 (one goal, weight
    1: 50 + 10x). The report gives the path as trends does, first → last with how many
    sessions, never the two ends as if nothing came between; the JSON holds all three."""
    j = Journal(notes)
    for day, level in ((9, 1), (16, -1)):
        rating = GoalRating("g1-k3x", level, "Laced")
        j.add_session(make_session(start=datetime(2026, 11, day, 10, tzinfo=TZ), goals=(rating,)))
    since = ["--since", "2026-11-01"]
    path = "50.0 on 2026-11-02 → 40.0 on 2026-11-16 (3 sessions)"
    report = runner.invoke(app, ["report", "mia-k", *since]).stdout.replace("\n", " ")
    assert f"the sets differ): {path}." in report
    trends = runner.invoke(app, ["trends", "mia-k", *since], env={"COLUMNS": "200"}).stdout
    assert path in trends.replace("\n", " ")
    data = json.loads(runner.invoke(app, ["trends", "mia-k", *since, "--json"]).stdout)
    assert [p["tscore"] for p in data["interim"]] == [50.0, 60.0, 40.0]


def test_a_correction_not_placed_is_read_beside_the_quote_and_a_disagreement_is_heard(
    runner, mia, clock
):
    """A correction that names no field leaves the note's words as written: the report
    gives its words with every quote of that note (never the corrected-away words
    alone). A family's statement of disagreement travels with the record (APP 13): it is
    in their perspective. A correction placed in its field changes the words instead."""
    clock.set(NOW + timedelta(hours=1))
    amend(runner, mia, "--text", "Wrong goal: it was the right shoe")
    args = ["amend", mia, "--kind", "statement-of-disagreement", "--by", "Sarah (mum)",
            "--text", "She laced it alone", "--no-input"]  # fmt: skip
    assert runner.invoke(app, args).exit_code == 0
    report = runner.invoke(app, ["report", "mia-k"]).stdout
    quote = (
        "> Laced her left shoe with the card\n> — note of 2026-11-02, amended 2026-11-30; "
        "correction of 2026-11-30 by Alex Rivera: “Wrong goal: it was the right shoe”"
    )
    assert quote in report
    perspective = report.split("perspective\n", 1)[1].split("\n## ", 1)[0]
    assert (
        "Statements of disagreement with the notes (most recent first):\n\n"
        "> She laced it alone\n> — Sarah (mum), 2026-11-30, on the note of 2026-11-02"
    ) in perspective
    data = json.loads(runner.invoke(app, ["report", "mia-k", "--json"]).stdout)
    cites = [b["cite"] for sec in data["sections"] for b in sec["blocks"] if b["kind"] == "quote"]
    assert any("“Wrong goal: it was the right shoe”" in c for c in cites)
    # Placed in its field, a correction is the words quoted, not words beside them.
    amend(runner, mia, "--field", "goals[g1].evidence", "--original", "left", "--text", "right")
    report = runner.invoke(app, ["report", "mia-k"]).stdout
    assert "> Laced her right shoe with the card" in report and "“right”" not in report
