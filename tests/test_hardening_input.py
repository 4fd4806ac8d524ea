"""Issue 12, validation at the door: the same rules for a new note in every mode (flags with
--no-input, --from FILE, --editor, the prompts), flag-given values not asked again, Enter
skipping the checklist, and the help and messages that were wrong.

Items: 7 goal ids and ratings, 8 impossible durations and future starts, 9 overlapping
sessions, 10 flags pre-filling the prompts and the checklist's Enter, 11 help texts.
"""

from __future__ import annotations

import json
import os
import shlex
import sys
import tomllib
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from otjournal.cli import app
from otjournal.errors import ValidationErrors
from otjournal.forms import session as noteform
from otjournal.model import Goal
from otjournal.model.vocab import CHECKLIST
from tests.conftest import TZ, make_client
from tests.test_log import (
    CLOCK,
    EDITOR_SCRIPT,
    FILL,
    FROM_TOML,
    SEVEN,
    FakeEditor,
    answers,
    draft_files,
    log,
    ok,
    only_session,
    session_files,
    write_config,
)

# The flags a note needs to be saved with --no-input (mia-k, the clock at CLOCK).
NEEDED = ["--setting", "home", "--attendee", "child", "--by", "Alex Rivera", "--summary", "Ok"]


@pytest.fixture
def mia(journal) -> str:
    # Goals with fixed ids (as in files from before random suffixes): the messages below
    # name them. `otj goal add` is tested in test_goals.py.
    journal.add_client(
        make_client(
            display_name="Mia K.",
            goals=(Goal("g1", "Laces shoes before kinder"), Goal("g2", "Uses a calm-body plan")),
        )
    )
    return "mia-k"


@pytest.fixture
def practitioner() -> Path:
    return write_config('[practitioner]\nname = "Alex Rivera"\n')


@pytest.fixture
def editor(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> FakeEditor:
    folder = tmp_path / "editor"
    folder.mkdir()
    script = folder / "fake_editor.py"
    script.write_text(EDITOR_SCRIPT, encoding="utf-8")
    monkeypatch.setenv("EDITOR", f"{shlex.quote(sys.executable)} {shlex.quote(str(script))}")
    return FakeEditor(folder)


def from_file(tmp_path: Path, *replace: tuple[str, str]) -> str:
    text = FROM_TOML
    for old, new in replace:
        assert old in text, old
        text = text.replace(old, new)
    path = tmp_path / "note.toml"
    path.write_text(text, encoding="utf-8")
    return str(path)


def form_errors(form: str) -> str:
    """The error header at the top of a reopened editor form."""
    assert form.startswith("# ---- Please fix these"), form[:200]
    return form.split("# ------------------------------------------------------------------")[0]


def nothing_written(notes: Path) -> None:
    assert session_files(notes) == []
    assert draft_files() == []


# -- item 7: goals --------------------------------------------------------------------------


def test_pure_unknown_goal_names_the_clients_goals():
    note = {"goals": [{"goal": "g9", "gas": 1}, {"goal": "g1", "gas": 5}]}
    errors = noteform.goal_errors(note, make_client())
    assert [e.message for e in errors] == [
        "goal g9: not a goal of mia-k (its goals: g1, g2)",
        "goal g1: the rating +5 is out of range: must be -2, -1, 0, +1 or +2",
    ]


def test_finalize_names_an_out_of_range_rating_by_its_goal_id_once():
    note = {
        "client": "mia-k",
        "start": datetime(2026, 3, 7, 14, 0, tzinfo=TZ),
        "duration_min": 45,
        "written_by": "A",
        "setting": "home",
        "attendees": ["child"],
        "plan": {"summary": "Ok"},
        "goals": [{"goal": "g2", "gas": 1}, {"goal": "g1", "gas": -7}],
    }
    with pytest.raises(ValidationErrors) as exc:
        noteform.finalize(note, now=CLOCK, late_hours=24, client=make_client())
    messages = [e.message for e in exc.value.errors]
    assert messages == ["goal g1: the rating -7 is out of range: must be -2, -1, 0, +1 or +2"]
    # The model's own errors in a goal's table are named by the goal too.
    note["goals"][1]["gas"] = "high"
    with pytest.raises(ValidationErrors) as exc:
        noteform.finalize(note, now=CLOCK, late_hours=24, client=make_client())
    (only,) = exc.value.errors
    assert only.field == "goal g1.gas" and "goals[" not in only.message


def test_no_input_unknown_goal_is_refused_naming_the_goals(runner, notes, mia, clock):
    result = log(runner, "mia-k", "--no-input", "--goal", "g9:+1", *NEEDED)
    assert result.exit_code == 2
    assert "goal g9: not a goal of mia-k (its goals: g1, g2)" in result.stderr
    nothing_written(notes)


def test_no_input_out_of_range_rating_names_the_goal(runner, notes, mia, clock):
    result = log(runner, "mia-k", "--no-input", "--goal", "g1:+5", *NEEDED)
    assert result.exit_code == 2
    assert "goal g1: the rating +5 is out of range" in result.stderr
    assert "goals[0]" not in result.stderr
    nothing_written(notes)


def test_interactive_unknown_goal_is_refused_before_any_question(
    runner, notes, mia, clock, practitioner
):
    # It used to be dropped without a word when the goals were asked.
    result = log(runner, "mia-k", "--goal", "g9:+1", input=answers())
    assert result.exit_code == 2
    assert "goal g9: not a goal of mia-k (its goals: g1, g2)" in result.stderr
    assert "Session note for" not in result.stderr  # nothing was asked
    nothing_written(notes)


def test_interactive_out_of_range_rating_is_refused_at_once(
    runner, notes, mia, clock, practitioner
):
    result = log(runner, "mia-k", "--goal", "g2:3", input=answers())
    assert result.exit_code == 2
    assert "goal g2: the rating +3 is out of range" in result.stderr
    assert "Session note for" not in result.stderr
    nothing_written(notes)


def test_from_file_unknown_goal_and_rating_are_refused(runner, notes, mia, clock, tmp_path):
    path = from_file(tmp_path, ('goal = "g1"', 'goal = "g7"'))
    result = log(runner, "mia-k", "--from", path)
    assert result.exit_code == 1  # a file's content: a data error, as for any wrong value
    assert "goal g7: not a goal of mia-k (its goals: g1, g2)" in result.stderr
    path = from_file(tmp_path, ("gas = -1", "gas = -3"))
    result = log(runner, "mia-k", "--from", path)
    assert result.exit_code == 1
    assert "goal g1: the rating -3 is out of range" in result.stderr
    assert "goals[0]" not in result.stderr
    nothing_written(notes)


def test_editor_unknown_goal_reopens_the_form_naming_the_goals(runner, notes, mia, clock, editor):
    extra = '[[goals]]\ngoal = "g9"\ngas = 1\n\n[[activities]]'
    editor.plan(
        {"replace": [*FILL, ["[[activities]]", extra]]},
        {"replace": [[extra, "[[activities]]"]]},
    )
    ok(log(runner, "mia-k", "--editor"))
    assert editor.calls == 2
    assert "goal g9: not a goal of mia-k (its goals: g1, g2)" in form_errors(editor.seen(2))
    assert "goals" not in only_session(notes)


G1 = 'goal = "g1"  # Laces shoes before kinder\n'


def test_editor_out_of_range_rating_is_named_by_the_goal(runner, notes, mia, clock, editor):
    editor.plan(
        {"replace": [*FILL, [G1 + 'gas = ""', G1 + "gas = 5"]]},
        {"replace": [["gas = 5", "gas = 1"]]},
    )
    ok(log(runner, "mia-k", "--editor"))
    header = form_errors(editor.seen(2))
    assert "goal g1: the rating +5 is out of range" in header
    assert "goals[" not in header
    assert only_session(notes)["goals"] == [{"goal": "g1", "gas": 1}]


# -- item 8: impossible durations, sessions in the future ----------------------------------------


def test_pure_duration_and_start_rules():
    assert noteform.duration_problem(0) is not None
    assert noteform.duration_problem(1) is None
    assert noteform.duration_problem(24 * 60) is None
    assert noteform.duration_problem(24 * 60 + 1) is not None
    assert noteform.duration_problem(-5) is not None
    skew = noteform.CLOCK_SKEW
    assert timedelta(minutes=1) <= skew <= timedelta(minutes=10)
    assert noteform.start_problem(CLOCK + skew, CLOCK) is None  # clock skew allowed
    assert "later than now" in noteform.start_problem(CLOCK + skew + timedelta(minutes=1), CLOCK)


@pytest.mark.parametrize("minutes", ["0", "-5", "1441"])
def test_no_input_impossible_duration_exits_2(runner, notes, mia, clock, minutes):
    # --duration 0 used to be saved as the default 45.
    result = log(runner, "mia-k", "--no-input", "--duration", minutes, *NEEDED)
    assert result.exit_code == 2
    assert f"duration_min: {minutes} minutes cannot be a session's length" in result.stderr
    assert "from 1 to 1440" in result.stderr
    nothing_written(notes)


def test_interactive_impossible_duration_flag_is_refused_at_once(
    runner, notes, mia, clock, practitioner
):
    result = log(runner, "mia-k", "--duration", "0", input=answers())
    assert result.exit_code == 2
    assert "cannot be a session's length" in result.stderr
    assert "Session note for" not in result.stderr
    nothing_written(notes)


def test_prompt_asks_again_for_zero_minutes(runner, notes, mia, clock, practitioner):
    ok(log(runner, "mia-k", input=answers(when=["0", "30", "", ""])))
    assert only_session(notes)["duration_min"] == 30


def test_from_file_zero_minutes_is_refused(runner, notes, mia, clock, tmp_path):
    result = log(runner, "mia-k", "--from", from_file(tmp_path, ("= 60", "= 0")))
    assert result.exit_code == 1
    assert "duration_min: 0 minutes cannot be a session's length" in result.stderr
    nothing_written(notes)


def test_editor_zero_minutes_reopens_the_form(runner, notes, mia, clock, editor):
    editor.plan(
        {"replace": [*FILL, ["duration_min = 45", "duration_min = 0"]]},
        {"replace": [["duration_min = 0", "duration_min = 40"]]},
    )
    ok(log(runner, "mia-k", "--editor"))
    assert "cannot be a session's length" in form_errors(editor.seen(2))
    assert only_session(notes)["duration_min"] == 40


def test_no_input_future_start_is_refused(runner, notes, mia, clock):
    result = log(runner, "mia-k", "--no-input", "--date", "2026-03-08", *NEEDED)
    assert result.exit_code == 2
    assert "later than now" in result.stderr
    assert "a note is written about a session that has happened" in result.stderr
    nothing_written(notes)


@pytest.mark.parametrize(("at", "saved"), [("16:05", True), ("16:06", False)])
def test_a_few_minutes_of_clock_skew_are_allowed(runner, notes, mia, clock, at, saved):
    # The clock reads 16:00: a start up to CLOCK_SKEW later is another device's clock.
    result = log(runner, "mia-k", "--no-input", "--date", "2026-03-07", "--time", at, *NEEDED)
    assert result.exit_code == (0 if saved else 2), result.stderr
    assert len(session_files(notes)) == (1 if saved else 0)


def test_interactive_future_start_flag_is_refused_at_once(runner, notes, mia, clock, practitioner):
    result = log(runner, "mia-k", "--time", "18:00", input=answers())
    assert result.exit_code == 2
    assert "later than now" in result.stderr
    assert "Session note for" not in result.stderr
    nothing_written(notes)


def test_prompt_asks_again_for_a_start_in_the_future(runner, notes, mia, clock, practitioner):
    result = log(runner, "mia-k", input=answers(when=["", "", "17:30", "15:00"]))  # time only
    ok(result)
    assert "later than now" in result.stderr
    assert only_session(notes)["start"] == datetime(2026, 3, 7, 15, 0, tzinfo=TZ)


def test_from_file_future_start_is_refused(runner, notes, mia, clock, tmp_path):
    path = from_file(tmp_path, ("2026-03-06T09:00", "2026-03-09T09:00"))
    result = log(runner, "mia-k", "--from", path)
    assert result.exit_code == 1
    assert "later than now" in result.stderr
    nothing_written(notes)


def test_editor_future_start_reopens_the_form(runner, notes, mia, clock, editor):
    now_start, future = "start = 2026-03-07 15:15:00+10:00", "start = 2026-03-08 15:15:00+10:00"
    editor.plan(
        {"replace": [*FILL, [now_start, future]]},
        {"replace": [[future, now_start]]},
    )
    ok(log(runner, "mia-k", "--editor"))
    assert "later than now" in form_errors(editor.seen(2))
    assert only_session(notes)["start"] == datetime(2026, 3, 7, 15, 15, tzinfo=TZ)


# -- item 9: overlapping sessions ------------------------------------------------------------


def save_at(runner, at: str, minutes: str = "45", by: str = "Alex Rivera"):
    args = ["--no-input", "--date", "2026-03-06", "--time", at, "--duration", minutes]
    return log(runner, "mia-k", *args, *NEEDED[:-4], "--by", by, "--summary", "Ok")


def test_saving_an_overlapping_session_warns_and_saves(runner, notes, mia, clock):
    first = save_at(runner, "10:00")
    ok(first)
    assert "overlaps" not in first.stderr
    second = save_at(runner, "10:30", by="Sam Lee")  # co-treatment, or a wrong time
    ok(second)
    first_id = first.stdout.split()[1]
    assert f"overlaps {first_id} of mia-k (2026-03-06 10:00, 45 min)" in second.stderr
    assert "otj: note:" in second.stderr
    assert len(session_files(notes)) == 2  # saved all the same


def test_a_session_over_midnight_is_found_and_only_sessions_near_are_read(
    runner, notes, mia, clock, monkeypatch
):
    from otjournal.disk.loading import Reader

    def at(day: str, time: str, minutes: str) -> list[str]:
        args = ["--no-input", "--date", day, "--time", time, "--duration", minutes]
        return [*args, *NEEDED[:-4], "--by", "Alex Rivera", "--summary", "Ok"]

    for day in ("2026-02-02", "2026-02-09", "2026-02-16"):
        ok(log(runner, "mia-k", *at(day, "10:00", "45")))
    late = log(runner, "mia-k", *at("2026-03-04", "23:30", "60"))
    ok(late)
    read: list[str] = []
    real = Reader.record

    def counted(self, ref):
        read.append(ref.where)
        return real(self, ref)

    monkeypatch.setattr(Reader, "record", counted)
    after = log(runner, "mia-k", *at("2026-03-05", "00:15", "30"))
    ok(after)
    assert f"overlaps {late.stdout.split()[1]} of mia-k (2026-03-04 23:30, 60 min)" in (
        after.stderr
    )
    assert [r.rsplit("/", 1)[-1][:10] for r in read] == ["2026-03-04"]  # not February's


def test_back_to_back_sessions_do_not_overlap(runner, notes, mia, clock):
    ok(save_at(runner, "10:00"))
    after = save_at(runner, "10:45")  # starts the minute the first one ends
    ok(after)
    assert "overlaps" not in after.stderr


def test_check_reports_overlaps_as_notes_and_still_exits_0(runner, notes, mia, clock):
    ok(save_at(runner, "10:00"))
    ok(save_at(runner, "10:30"))
    ok(save_at(runner, "13:00"))
    result = runner.invoke(app, ["check"])
    assert result.exit_code == 0, result.output
    lines = [ln for ln in result.stdout.splitlines() if "overlaps" in ln]
    assert len(lines) == 1
    assert ": note: overlaps " in lines[0]
    assert "co-treatment" in lines[0]
    report = json.loads(runner.invoke(app, ["check", "--json"]).stdout)
    assert report["ok"] is True
    notes_ = [p for p in report["problems"] if "overlaps" in p["message"]]
    assert [p["severity"] for p in notes_] == ["note"]


def test_check_overlap_notes_pure(tmp_path):
    from otjournal.disk.checks import overlap_notes
    from otjournal.disk.loading import Loaded, Snapshot
    from tests.conftest import make_session

    start = datetime(2026, 3, 5, 9, 0, tzinfo=TZ)
    a = make_session(id="a", start=start, duration_min=60)
    b = make_session(id="b", start=start + timedelta(minutes=59), duration_min=10)
    c = make_session(id="c", start=start + timedelta(minutes=70), duration_min=10)
    other = make_session("leo-b", id="d", start=start, duration_min=60)  # another client
    snap = Snapshot(tmp_path)
    snap.sessions = [Loaded(s, tmp_path / f"{s.id}.toml") for s in (c, other, b, a)]
    found = overlap_notes(snap)
    assert [(p.path.name, p.severity) for p in found] == [("b.toml", "note")]
    assert "overlaps a of mia-k" in found[0].message


# -- item 10: flags pre-fill and are not asked again; Enter skips the checklist ------------------


FLAGS = [
    "--date",
    "2026-03-07",
    "--time",
    "14:00",
    "--duration",
    "50",
    "--setting",
    "home",
    "--attendee",
    "child",
    "--attendee",
    "parent",
    "--goal",
    "g1:+1",
    "--checklist",
    SEVEN,
    "--summary",
    "Followed her lead with trains",
]


def test_values_given_as_flags_are_not_asked_again(runner, notes, mia, clock, practitioner):
    typed = answers(
        when=[],
        where=[""],  # only the kind of session
        who=[],
        goals=[""],  # only g2: g1 was rated on the command line
        checklist=[],
        plan=["", ""],  # next focus and homework; the summary was given
    )
    result = log(runner, "mia-k", *FLAGS, input=typed)
    ok(result)
    asked = result.stderr
    for label in ("Minutes", "Date", "Start time", "Setting", "Who attended", "Checklist"):
        assert f"{label} (" not in asked and f"{label}:" not in asked, label
    assert "Closing summary" not in asked
    assert asked.count("  GAS") == 1
    assert "Kind of session" in asked  # not given: still asked
    assert "Followed her lead with trains" in asked  # the review shows what was given
    s = only_session(notes)
    assert s["start"] == datetime(2026, 3, 7, 14, 0, tzinfo=TZ)
    assert s["duration_min"] == 50
    assert (s["setting"], s["attendees"]) == ("home", ["child", "parent"])
    assert s["goals"] == [{"goal": "g1", "gas": 1}]
    assert [c["answer"] for c in s["checklist"]][:2] == ["yes", "yes"]
    assert s["plan"]["summary"] == "Followed her lead with trains"


def test_a_part_chosen_at_the_review_is_asked_even_if_given(
    runner, notes, mia, clock, practitioner
):
    typed = answers(
        when=[],
        where=[""],
        who=[],
        goals=[""],
        checklist=[],
        plan=["", ""],
        review=["2", "school", "", "y"],  # 2 = where and what kind
    )
    ok(log(runner, "mia-k", *FLAGS, input=typed))
    assert only_session(notes)["setting"] == "school"


def test_enter_skips_the_checklist(runner, notes, mia, clock, practitioner):
    result = log(runner, "mia-k", input=answers(checklist=[""]))
    ok(result)
    assert "Enter to skip" in result.stderr
    assert "  Answer" not in result.stderr  # Enter no longer goes item by item
    assert not only_session(notes).get("checklist")


def test_enter_at_the_checklist_keeps_answers_already_given(
    runner, notes, mia, clock, practitioner
):
    # Changed at the review (10 = the checklist), Enter skips and keeps what was there.
    ok(log(runner, "mia-k", input=answers(checklist=[SEVEN], review=["10", "", "y"])))
    assert [c["item"] for c in only_session(notes)["checklist"]] == [k for k, _ in CHECKLIST]


# -- item 11: help and messages ------------------------------------------------------------------


def test_log_help_names_the_configured_default_client(runner):
    result = runner.invoke(app, ["log", "-h"])
    ok(result)
    assert "all clients" not in result.stdout
    assert "default_client" in result.stdout


def test_homework_commands_about_one_client_say_so_in_their_help(runner):
    for command in ("add", "log", "export", "summary"):
        result = runner.invoke(app, ["homework", command, "--help"])
        ok(result)
        assert "all clients" not in result.stdout, command


def test_amend_help_offers_only_options_that_exist(runner):
    result = runner.invoke(app, ["amend", "--help"])
    ok(result)
    assert "--from" not in result.stdout
    assert "--stdin" in result.stdout


def test_drafts_tells_a_homework_draft_to_resume_with_homework_log(runner, notes, mia):
    # Input ends before the entry is finished: a homework draft is kept.
    result = runner.invoke(app, ["homework", "log", "mia-k"], input="")
    assert result.exit_code == 1
    listing = runner.invoke(app, ["drafts"])
    ok(listing)
    assert "Resume with: otj homework log --resume --draft ID" in listing.stdout
    assert "otj log --resume" not in listing.stdout


def test_homework_list_without_a_client_lists_every_client(runner, notes, mia):
    ok(runner.invoke(app, ["client", "add", "leo-b", "--name", "Leo B."]))
    ok(runner.invoke(app, ["homework", "add", "mia-k", "--text", "Lacing card"]))
    ok(runner.invoke(app, ["homework", "add", "leo-b", "--text", "Heavy work"]))
    result = runner.invoke(app, ["homework", "list"])
    ok(result)
    assert "Mia K. (mia-k)" in result.stdout and "Lacing card" in result.stdout
    assert "Leo B. (leo-b)" in result.stdout and "Heavy work" in result.stdout
    rows = json.loads(runner.invoke(app, ["homework", "list", "--json"]).stdout)["homework"]
    assert sorted((r["client"], r["text"]) for r in rows) == [
        ("leo-b", "Heavy work"),
        ("mia-k", "Lacing card"),
    ]
    one = runner.invoke(app, ["homework", "list", "leo-b"])
    ok(one)
    assert "Heavy work" in one.stdout and "Lacing card" not in one.stdout


def test_config_edit_without_an_editor_creates_the_file_it_names(runner):
    path = Path(os.environ["XDG_CONFIG_HOME"]) / "otjournal" / "config.toml"
    assert not path.exists()
    result = runner.invoke(app, ["config", "edit"])
    assert result.exit_code == 2
    assert str(path) in result.stderr.replace("\n", "")
    assert path.exists()
    assert path.read_text(encoding="utf-8").lstrip().startswith("#")  # the commented template
    tomllib.loads(path.read_text(encoding="utf-8"))


# -- one real terminal: a flag-given value is not asked, Enter skips the checklist ---------------


@pytest.mark.pty
def test_pty_flags_are_not_asked_again_and_enter_skips_the_checklist(runner, notes):
    from tests.terminal import Pty

    for args in (
        ["client", "add", "mia-k", "--name", "Mia K."],
        ["goal", "add", "mia-k", "--text", "Laces shoes", "--baseline", "-2", "--on", "2026-03-01"],
    ):
        ok(runner.invoke(app, args))
    config = Path(os.environ["XDG_CONFIG_HOME"]) / "otjournal" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text('[practitioner]\nname = "Alex Rivera"\n', encoding="utf-8")
    env = {**os.environ, "TERM": "dumb", "NO_COLOR": "1", "COLUMNS": "200", "TZ": "UTC"}
    child = Pty("log", "mia-k", "--setting", "home", "--duration", "50", env=env)
    child.run(
        [
            ("Date", "2026-03-05"),  # the first question: Minutes was given
            ("Start time", "14:30"),
            ("Kind of session", ""),  # Setting was given
            ("Who attended (", ""),
            ("  GAS: ", ""),
            ("Activity (", ""),
            ("Techniques (", ""),
            ("In their words", ""),
            ("Caregiver's report", ""),
            ("How they were involved", ""),
            ("At the start", ""),
            ("Checklist: ", ""),  # Enter alone skips it
            ("Closing summary", "Done"),
            ("  … ", ""),
            ("Next session's focus", ""),
            ("Homework to assign", ""),
            ("Risk (", ""),
            ("Save?", ""),
        ]
    )
    shown = child.finish(0)
    assert "Minutes" not in shown.split("Date")[0]
    assert "Setting (" not in shown
    assert "  Answer" not in shown
    (path,) = session_files(notes)
    s = tomllib.loads(path.read_text("utf-8"))
    assert (s["setting"], s["duration_min"]) == ("home", 50)
    assert not s.get("checklist")
