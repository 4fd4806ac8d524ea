"""``otj log`` through a real pseudo-terminal (pexpect): a whole session, Ctrl-C in the
middle of a multi-line answer and ``--resume``, SIGHUP, and SIGKILL after some answers.

The child runs ``python -m otjournal`` (the ``otj`` entry point) with the isolated HOME,
XDG folders and notes folder of tests/conftest.py, TERM=dumb (no escape codes between
words of a prompt) and TZ=UTC (a fixed offset for the times typed). Every wait is on a
prompt's text, never on a sleep.
"""

from __future__ import annotations

import os
import signal
import tomllib
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from otjournal.cli import app
from otjournal.forms import session as noteform
from otjournal.model.vocab import CHECKLIST
from tests.terminal import Pty

pytestmark = pytest.mark.pty


# -- helpers ----------------------------------------------------------------------------


def drafts_dir() -> Path:
    return Path(os.environ["XDG_STATE_HOME"]) / "otjournal" / "drafts"


def draft_files() -> list[Path]:
    folder = drafts_dir()
    if not folder.exists():
        return []
    return sorted(
        p
        for p in folder.iterdir()
        if p.name.endswith(".toml") and not p.name.endswith(".edit.toml")
    )


def only_draft() -> dict[str, Any]:
    files = draft_files()
    assert len(files) == 1, files
    return tomllib.loads(files[0].read_text("utf-8"))


def session_files(notes: Path) -> list[Path]:
    folder = notes / "clients" / "mia-k" / "sessions"
    return sorted(folder.glob("*.toml")) if folder.exists() else []


def tables_with(value: Any, key: str, wanted: Any) -> Iterator[dict[str, Any]]:
    """Every table anywhere in ``value`` whose ``key`` is ``wanted``."""
    if isinstance(value, dict):
        if value.get(key) == wanted:
            yield value
        for v in value.values():
            yield from tables_with(v, key, wanted)
    elif isinstance(value, list):
        for v in value:
            yield from tables_with(v, key, wanted)


def first_goal_id() -> str:
    """The id ``otj goal add`` gave the env fixture's goal (``g1-`` and a random suffix)."""
    path = Path(os.environ["OTJOURNAL_DIR"]) / "clients" / "mia-k" / "client.toml"
    goal_id = str(tomllib.loads(path.read_text("utf-8"))["goals"][0]["id"])
    assert goal_id.startswith("g1-")
    return goal_id


@pytest.fixture
def env(runner) -> dict[str, str]:
    for args in (
        ["client", "add", "mia-k", "--name", "Mia K."],
        [
            "goal",
            "add",
            "mia-k",
            "--text",
            "Laces shoes",
            "--baseline",
            "-2",
            "--level",
            "-2=with hand-over-hand",
            "--on",
            "2026-01-05",  # before the sessions below: they rate it
        ],
    ):
        result = runner.invoke(app, args)
        assert result.exit_code == 0, result.output
    config = Path(os.environ["XDG_CONFIG_HOME"]) / "otjournal" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text('[practitioner]\nname = "Alex Rivera"\n', encoding="utf-8")
    return {**os.environ, "TERM": "dumb", "NO_COLOR": "1", "COLUMNS": "200", "TZ": "UTC"}


# The prompts in order, each with what is typed. (Practitioner configured, one goal.)
WHEN = [("Minutes", "50"), ("Date", "2026-03-05"), ("Start time", "14:30")]
WHERE_WHO = [("Setting (", "home"), ("Kind of session", ""), ("Who attended (", "")]
GOAL = [("  GAS: ", "+1"), ("Evidence", "Laced two holes")]
ACTIVITY = [
    ("Activity (", "Train course"),
    ("Minutes", "15"),
    ("Tags (c i m a)", "cma"),
    ("How was it adapted", "shorter track"),
    ("The child's response", "smiled"),
    ("Another activity (", ""),
    ("Techniques (", "2, play therapy"),
]
VOICE_FIRST_TWO = [("In their words", "Said 'go fast'"), ("  … ", "and 'again'")]
ALL_DEFAULTS_TO_VOICE = [
    ("Minutes", ""),
    ("Date", ""),
    ("Start time", ""),
    ("Setting (", ""),
    ("Kind of session", ""),
    ("Who attended (", ""),
    ("  GAS: ", ""),
    ("Activity (", ""),
    ("Techniques (", ""),
]
# From the caregiver's report to saving, every answer left empty but the summary "Done".
AFTER_VOICE_TO_SAVE = [
    ("Caregiver's report", ""),
    ("How they were involved", ""),
    ("At the start", ""),
    ("Checklist: ", "s"),
    ("Closing summary", "Done"),
    ("  … ", ""),
    ("Next session's focus", ""),
    ("Homework to assign", ""),
    ("Risk (", ""),
    ("Save?", "y"),
]
REST_AFTER_VOICE = [
    ("Caregiver's report", "Practised lacing at breakfast"),
    ("  … ", ""),
    ("How they were involved", "Joined in"),
    ("At the start", "yellow"),
    ("At the end", "g"),
    ("What helped", "heavy work, swing"),
    ("  Notes", "Calm by the end"),
    ("  … ", ""),
    ("Checklist: ", "yyypyn-"),
    ("Closing summary", "Followed her lead"),
    ("  … ", ""),
    ("Next session's focus", "Lacing again"),
    ("Homework to assign", "Lacing card"),
    ("  Kind (", ""),
    ("Times a week", "5"),
    ("More homework", ""),
    ("Risk (", ""),
    ("Save?", ""),
]


# -- a whole session --------------------------------------------------------------------------


def test_a_whole_session_with_defaults_and_answers(env, notes):
    before = datetime.now(UTC).replace(microsecond=0)
    otj = Pty("log", "mia-k", env=env)
    otj.run(
        WHEN + WHERE_WHO + GOAL + ACTIVITY + VOICE_FIRST_TWO + [("  … ", "")] + REST_AFTER_VOICE
    )
    otj.expect("Saved ")
    assert otj.wait() == 0, otj.output
    after = datetime.now(UTC)
    (path,) = session_files(notes)
    s = tomllib.loads(path.read_text("utf-8"))

    assert s["format_version"] == 1
    assert s["kind"] == "session"
    assert s["id"] == path.stem
    assert s["client"] == "mia-k"
    assert s["start"] == datetime(2026, 3, 5, 14, 30, tzinfo=UTC)
    assert s["duration_min"] == 50
    assert s["session_type"] == "initial"  # default for a first session
    assert s["setting"] == "home"
    assert s["attendees"] == ["child", "parent"]  # default
    assert s["written_by"] == "Alex Rivera"  # from the config
    assert before <= s["written_at"] <= after
    late = noteform.is_late(s["start"], 50, s["written_at"], 24)
    assert s.get("late_entry", False) is late
    assert s["goals"] == [{"goal": first_goal_id(), "gas": 1, "evidence": "Laced two holes"}]
    assert s["activities"] == [
        {
            "name": "Train course",
            "minutes": 15,
            "child_led": True,
            "interest_based": False,
            "movement_sensory": True,
            "adapted": True,
            "adaptation": "shorter track",
            "response": "smiled",
        }
    ]
    assert s["techniques"] == ["parent coaching", "play therapy"]  # a number and a name
    assert s["child_voice"]["text"] == "Said 'go fast'\nand 'again'"
    assert s["caregiver"] == {
        "report": "Practised lacing at breakfast",
        "involvement": "Joined in",
    }
    assert s["regulation"] == {
        "framework": "zones",
        "start": "yellow",
        "end": "green",
        "helped": ["heavy work", "swing"],
        "notes": "Calm by the end",
    }
    answers = ["yes", "yes", "yes", "partly", "yes", "no", "n-a"]
    assert [(c["item"], c["text"], c["answer"]) for c in s["checklist"]] == [
        (k, t, a) for (k, t), a in zip(CHECKLIST, answers, strict=True)
    ]
    assert s["plan"]["summary"] == "Followed her lead"
    assert s["plan"]["next_focus"] == "Lacing again"
    (hw,) = s["plan"]["homework"]
    assert (hw["text"], hw["kind"], hw["per_week"]) == ("Lacing card", "practice", 5)
    assert hw["id"].startswith("hw-")
    assert draft_files() == []
    assert oct(path.stat().st_mode & 0o777) == oct(0o600)


# -- Ctrl-C, then --resume ----------------------------------------------------------------------


def test_ctrl_c_mid_answer_keeps_every_line_and_resume_completes(env, notes):
    otj = Pty("log", "mia-k", env=env)
    otj.run([*ALL_DEFAULTS_TO_VOICE, ("In their words", "line one"), ("  … ", "line two")])
    otj.expect("  … ")
    otj.child.send("half a li")
    otj.interrupt("Continue with: otj log --resume")
    assert otj.wait() == 130, otj.output
    assert "stopped" in otj.output
    (path,) = draft_files()
    assert str(path) in otj.output
    draft = only_draft()
    assert draft["step"] == "voice"
    assert draft["partial"]["child_voice.text"] == "line one\nline two"
    assert draft["note"]["attendees"] == ["child", "parent"]
    assert session_files(notes) == []

    resumed = Pty("log", "--resume", env=env)
    resumed.expect("Resuming at: The child's voice")
    resumed.expect("Kept from before")
    resumed.run([("In their words", "line three"), ("  … ", "")])
    resumed.run(AFTER_VOICE_TO_SAVE)
    resumed.expect("Saved ")
    assert resumed.wait() == 0, resumed.output
    (saved,) = session_files(notes)
    s = tomllib.loads(saved.read_text("utf-8"))
    assert s["child_voice"]["text"] == "line one\nline two\nline three"
    assert s["plan"]["summary"] == "Done"
    assert draft_files() == []


def test_ctrl_c_mid_activity_keeps_its_answers(env, notes):
    otj = Pty("log", "mia-k", env=env)
    otj.run([*ALL_DEFAULTS_TO_VOICE[:-2], ("Activity (", "Train course"), ("Minutes", "15")])
    otj.expect("Tags (c i m a)")
    otj.interrupt()
    assert otj.wait() == 130, otj.output
    # The name and minutes were answered before Ctrl-C: the draft must hold them.
    found = list(tables_with(only_draft(), "name", "Train course"))
    assert found, only_draft()
    assert found[0].get("minutes") == 15


# -- SIGHUP -------------------------------------------------------------------------------------


def test_sighup_keeps_the_answers_so_far(env, notes):
    otj = Pty("log", "mia-k", env=env)
    otj.run(WHEN + WHERE_WHO + GOAL + ACTIVITY + VOICE_FIRST_TWO)
    otj.expect("  … ")
    status = otj.hang_up()
    assert status == 128 + signal.SIGHUP, otj.output
    assert "otj log --resume" in otj.output
    draft = only_draft()
    note = draft["note"]
    assert note["duration_min"] == 50
    assert note["start"] == datetime(2026, 3, 5, 14, 30, tzinfo=UTC)
    assert note["setting"] == "home"
    assert note["attendees"] == ["child", "parent"]
    assert note["goals"] == [{"goal": first_goal_id(), "gas": 1, "evidence": "Laced two holes"}]
    assert [a["name"] for a in note["activities"]] == ["Train course"]
    assert draft["partial"]["child_voice.text"] == "Said 'go fast'\nand 'again'"
    assert session_files(notes) == []


# -- SIGKILL ------------------------------------------------------------------------------------


def check_voice(draft: dict[str, Any]) -> None:
    note = draft["note"]
    assert note["duration_min"] == 50
    assert note["setting"] == "home"
    assert note["goals"] == [{"goal": first_goal_id(), "gas": 1, "evidence": "Laced two holes"}]
    assert [a["name"] for a in note["activities"]] == ["Train course"]
    # The line being typed at the kill may or may not have made it; the two before did.
    assert draft["partial"]["child_voice.text"].startswith("Said 'go fast'\nand 'again'")


def check_when(draft: dict[str, Any]) -> None:
    # "Minutes: 50" was answered and the next question shown before the kill.
    assert draft["note"]["duration_min"] == 50


def check_activity(draft: dict[str, Any]) -> None:
    # The activity's name and minutes were answered; its tags were being typed.
    found = list(tables_with(draft, "name", "Train course"))
    assert found, draft
    assert found[0].get("minutes") == 15


def check_homework(draft: dict[str, Any]) -> None:
    # The homework's text and kind were answered; its times a week were being typed.
    found = list(tables_with(draft, "text", "Lacing card"))
    assert found, draft
    assert found[0].get("kind") == "practice"


KILL_POINTS = {
    # name: (every step up to the one being typed when the kill comes, the check)
    "voice": (
        WHEN + WHERE_WHO + GOAL + ACTIVITY + VOICE_FIRST_TWO + [("  … ", "and 'more'")],
        check_voice,
    ),
    "when": ([("Minutes", "50"), ("Date", "2026-03-05")], check_when),
    "activity": (
        [
            *ALL_DEFAULTS_TO_VOICE[:-2],
            ("Activity (", "Train course"),
            ("Minutes", "15"),
            ("Tags (c i m a)", "cm"),
        ],
        check_activity,
    ),
    "homework": (
        [
            *ALL_DEFAULTS_TO_VOICE,
            ("In their words", ""),
            *REST_AFTER_VOICE[: REST_AFTER_VOICE.index(("Times a week", "5")) + 1],
        ],
        check_homework,
    ),
}


@pytest.mark.parametrize("point", list(KILL_POINTS))
def test_sigkill_keeps_every_completed_answer(env, notes, point):
    steps, check = KILL_POINTS[point]
    otj = Pty("log", "mia-k", env=env)
    otj.run(steps[:-1])  # each answered, and the next question shown
    last_prompt, last_text = steps[-1]
    otj.answer(last_prompt, last_text)  # typed, and killed straight away
    otj.child.kill(signal.SIGKILL)
    otj.wait()
    assert otj.child.signalstatus == signal.SIGKILL
    assert session_files(notes) == []
    draft = only_draft()
    check(draft)


def test_a_session_dated_before_every_goal_was_set_says_why_none_is_asked(env, notes):
    """The goal was set on 2026-01-05: a note of 2026-01-02 is not asked to rate it, and
    the prompt says so, with the command that dates a goal earlier."""
    otj = Pty("log", "mia-k", env=env)
    otj.run([("Minutes", ""), ("Date", "2026-01-02"), ("Start time", "")])
    otj.run([("Setting (", ""), ("Kind of session", ""), ("Who attended (", "")])
    otj.expect("No active goals set by 2026-01-02")
    otj.expect("Activity (")
    said = " ".join(otj.output.split())  # wrapped at words to the terminal's width
    assert (
        "No active goals set by 2026-01-02 (1 set later: otj goal edit mia-k GOAL --on DAY "
        "dates one earlier)." in said
    )
    otj.interrupt()
    assert otj.wait() == 130, otj.output
    assert "GAS" not in otj.output


def test_a_rating_stranded_by_an_earlier_date_is_said_and_left_out(env, notes):
    """Rated, then the date moved before the goal was set (at the review): the review
    says what needs fixing, with the hint; the goals part leaves the rating out, saying
    so; the note then saves without it."""
    gid = first_goal_id()
    otj = Pty("log", "mia-k", env=env)
    otj.run(WHEN + WHERE_WHO + GOAL + ALL_DEFAULTS_TO_VOICE[-2:])
    otj.run([("In their words", ""), *AFTER_VOICE_TO_SAVE[:-1], ("Save?", "1")])
    otj.run([("Minutes", ""), ("Date", "2026-01-02"), ("Start time", "")])
    otj.expect(f"needs fixing: goal {gid}: was set on 2026-01-05, after this session (2026-01-02)")
    otj.expect("hint: if it was set earlier: otj goal edit mia-k g1 --on DAY")
    otj.answer("Save?", "4")
    otj.expect(f"{gid} was set on 2026-01-05, after 2026-01-02: its rating is left out")
    otj.expect("No active goals set by 2026-01-02")
    otj.answer("Save?", "y")
    otj.expect("Saved ")
    assert otj.wait() == 0, otj.output
    (path,) = session_files(notes)
    s = tomllib.loads(path.read_text("utf-8"))
    assert "goals" not in s and s["start"].date().isoformat() == "2026-01-02"


def test_the_questions_wrap_at_words_on_a_narrow_terminal(env, notes):
    """At 60 columns a long question breaks between words, the answer typed after its
    last line (the terminal cut "s / upport-worker"); a hint said between questions
    wraps so too."""
    narrow = {**env, "TERM": "xterm", "NO_COLOR": "1"}
    narrow.pop("COLUMNS", None)  # the terminal's own width
    otj = Pty("log", "mia-k", env=narrow, size=(40, 60))
    otj.run([("Minutes", ""), ("Date", "2026-01-02"), ("Start time", "")])
    otj.run([("Setting (", ""), ("Kind of session", "")])
    otj.expect("[child, parent]: ")
    otj.child.sendline("")
    otj.expect("Activity (")
    lines = otj.output.replace("\r\n", "\n").split("\n")
    assert all(len(line) <= 60 for line in lines), [x for x in lines if len(x) > 60]
    said = " ".join(otj.output.split())
    assert "sibling, support-worker, interpreter, other) [child, parent]:" in said
    assert "support-worker" in otj.output  # never broken inside the word
    otj.interrupt("Continue with: otj log --resume")
