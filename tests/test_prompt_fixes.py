"""An outside tester's prompt defects, each as they met it: text typed under an ASCII
encoding, a thought record's answer lost to Ctrl-C, "Reuse which" dropping what was typed,
and the Date prompt taking a wrong answer as its default.

The terminal cases run through a real pseudo-terminal (tests/terminal.Pty), since a
CliRunner is not a terminal; the rest go through CliRunner with input, where what was
asked and what the draft holds are visible the same way."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from otjournal.cli import app
from otjournal.errors import UsageError
from otjournal.forms.session import parse_reuse
from otjournal.model import Activity
from otjournal.prompts.typed import as_typed
from tests.conftest import CLOCK, make_client, make_session

TYPED = "Zoë café 写 🎉"
# Everything the When section does not ask, and the day and time it does.
FLAGS = ("--by", "Jo", "--duration", "30", "--setting", "home", "--attendee", "child")
DAY = ("--date", "2026-03-05", "--time", "08:00")


def drafts() -> list[Path]:
    folder = Path(os.environ["XDG_STATE_HOME"]) / "otjournal" / "drafts"
    if not folder.exists():
        return []
    return sorted(p for p in folder.glob("*.toml") if not p.name.endswith(".edit.toml"))


def only_draft() -> dict[str, Any]:
    files = drafts()
    assert len(files) == 1, files
    return tomllib.loads(files[0].read_text("utf-8"))


def terminal_env(**more: str) -> dict[str, str]:
    return {
        **os.environ,
        "TERM": "dumb",
        "NO_COLOR": "1",
        "COLUMNS": "200",
        "TZ": "UTC",
        **more,
    }


def add_client(runner, handle: str, *args: str) -> None:
    result = runner.invoke(app, ["client", "add", handle, "--name", handle.title(), *args])
    assert result.exit_code == 0, result.output


# -- 1. text typed under PYTHONIOENCODING=ascii ---------------------------------------------


@pytest.mark.parametrize(
    ("line", "encoding", "terminal", "read"),
    [
        ("Swing", "ascii", True, "Swing"),  # nothing escaped: as it came
        (TYPED.encode().decode("ascii", "surrogateescape"), "ascii", True, TYPED),
        (TYPED.encode().decode("ascii", "surrogateescape"), "ascii", False, TYPED),
        ("caf\udce9", "ascii", True, None),  # Latin-1 é: not UTF-8, typed again
        ("caf\udce9", "utf-8", True, None),
        ("caf\udce9", "ascii", False, "caf\ufffd"),  # from a pipe: replaced, not lost
        ("Zo\udcc3\udcab caf\udcff", "ascii", False, "Zoë caf\ufffd"),  # what was UTF-8 kept
        ("Zoë caf\udcff", "utf-8", False, "Zoë caf\ufffd"),
        ("Zoë", "latin-1", True, "Zoë"),
    ],
)
def test_a_typed_line_is_read_as_utf_8_or_refused_never_mangled(line, encoding, terminal, read):
    assert as_typed(line, encoding, terminal=terminal) == read


def ascii_terminal() -> Any:
    """``otj log`` on a terminal whose locale is C and whose Python streams are ASCII,
    at its Activity question."""
    from tests.terminal import Pty

    env = terminal_env(LC_ALL="C", PYTHONIOENCODING="ascii")
    # Replace: the terminal echoes back any byte typed, UTF-8 or not.
    otj = Pty("log", "may", *FLAGS, *DAY, env=env, codec_errors="replace")
    otj.answer("Kind of session", "")
    otj.expect("Activity (")
    return otj


@pytest.mark.pty
def test_text_typed_at_a_terminal_declared_ascii_is_kept_as_typed(runner, notes):
    add_client(runner, "may")
    otj = ascii_terminal()
    otj.child.sendline(TYPED)
    otj.expect("  Minutes")
    otj.interrupt("Continue with: otj log --resume")
    assert otj.wait() == 130, otj.output
    assert only_draft()["note"]["activities"] == [{"name": TYPED}]


@pytest.mark.pty
def test_bytes_that_are_not_utf_8_are_refused_and_asked_again(runner, notes):
    add_client(runner, "may")
    otj = ascii_terminal()
    os.write(otj.child.child_fd, b"caf\xe9 au lait\r")  # a Latin-1 terminal's bytes
    otj.expect("please type it again")  # UNREADABLE, wrapped at the terminal's width
    otj.answer("Activity (", "cafe au lait")
    otj.expect("  Minutes")
    otj.interrupt("Continue with: otj log --resume")
    assert otj.wait() == 130, otj.output
    assert only_draft()["note"]["activities"] == [{"name": "cafe au lait"}]
    assert "\ufffd" not in (drafts()[0]).read_text("utf-8")


def test_answers_piped_under_an_ascii_encoding_are_read_as_utf_8(runner, notes):
    add_client(runner, "may")
    answers = b"\n" + TYPED.encode() + b" caf\xff\n"  # kind of session, activity
    done = subprocess.run(
        [sys.executable, "-m", "otjournal", "log", "may", *FLAGS, *DAY],
        input=answers,
        capture_output=True,
        env=terminal_env(LC_ALL="C", PYTHONIOENCODING="ascii"),
        timeout=60,
    )
    assert done.returncode == 1, done.stderr  # input ended: the draft is kept
    assert only_draft()["note"]["activities"] == [{"name": TYPED + " caf\ufffd"}]


# -- 2. a thought record keeps every answer across Ctrl-C -----------------------------------


def thought_record_client(runner) -> None:
    add_client(runner, "hope", "--adult")
    result = runner.invoke(
        app,
        [
            *("homework", "add", "hope", "--text", "Thought record after work"),
            *("--kind", "thought-record", "--per-week", "3"),
        ],
    )
    assert result.exit_code == 0, result.output


@pytest.mark.pty
def test_ctrl_c_at_the_belief_keeps_the_thought_and_resume_asks_the_belief(runner, notes):
    from tests.terminal import Pty

    thought_record_client(runner)
    env = terminal_env()
    otj = Pty("homework", "log", "hope", env=env, timeout=20)
    otj.run(
        [
            ("What is this entry", "1"),
            ("Who is writing", "Hope"),
            ("When", ""),
            ("Situation", "Meeting with my manager"),
            ("…", ""),
            ("Emotion", "anxious"),
            ("How strong", "80"),
            ("Another emotion", ""),
            ("Automatic thought", "I'll be fired"),
        ]
    )
    otj.expect("How much do you believe it")
    otj.interrupt("otj homework log --resume")
    assert otj.wait() == 130, otj.output
    record = only_draft()["note"]["thought_record"]
    assert record["thoughts"] == [{"text": "I'll be fired"}]
    assert record["emotions"] == [{"name": "anxious", "before": 80}]

    resumed = Pty("homework", "log", "hope", "--resume", env=env, timeout=20)
    resumed.answer("How much do you believe it", "60")
    resumed.answer("Another thought", "")
    for prompt in ("Evidence for", "Evidence against", "A balanced thought"):
        resumed.answer(prompt, "")
    resumed.answer("Re-rate anxious now", "40")
    resumed.answer("Save?", "y")
    resumed.expect("Saved thought-record entry")
    assert resumed.wait() == 0, resumed.output
    asked_first = resumed.output.split("How much do you believe it")[0]
    assert "Automatic thought" not in asked_first and "Situation" not in asked_first
    (path,) = (notes / "clients" / "hope" / "homework").glob("*.toml")
    saved = tomllib.loads(path.read_text("utf-8"))["thought_record"]
    assert saved["thoughts"] == [{"text": "I'll be fired", "belief": 60, "hot": True}]
    assert saved["emotions"] == [{"name": "anxious", "before": 80, "after": 40}]
    assert drafts() == []


def test_an_emotion_named_before_input_ends_is_kept_and_rated_on_resume(runner, notes):
    thought_record_client(runner)
    first = "1\nHope\n\nOn the bus\n\nanxious\n"  # input ends at "How strong"
    result = runner.invoke(app, ["homework", "log", "hope"], input=first)
    assert result.exit_code == 1, result.output
    assert only_draft()["note"]["thought_record"]["emotions"] == [{"name": "anxious"}]

    rest = "70\n\nThey are staring\n65\n\n\n\n\n30\ny\n"
    result = runner.invoke(app, ["homework", "log", "hope", "--resume"], input=rest)
    assert result.exit_code == 0, result.output
    assert result.stderr.count("Emotion (") == 0  # the name is not asked again
    (path,) = (notes / "clients" / "hope" / "homework").glob("*.toml")
    saved = tomllib.loads(path.read_text("utf-8"))["thought_record"]
    assert saved["emotions"] == [{"name": "anxious", "before": 70, "after": 30}]
    assert saved["thoughts"] == [{"text": "They are staring", "belief": 65, "hot": True}]


# -- 3. "Reuse which" says what it cannot use and asks again -----------------------------------


@pytest.mark.parametrize(
    ("raw", "numbers"),
    [("", []), ("1", [1]), ("2, 1", [2, 1]), ("1 1", [1]), (" 02 ", [2])],
)
def test_reuse_answers_are_numbers_from_the_list(raw, numbers):
    assert parse_reuse(raw, 2) == numbers


@pytest.mark.parametrize(
    ("raw", "said"),
    [
        ("Obstacle course", "give numbers from the list, or Enter for none"),
        ("5", "5 is not on the list: 1 to 2"),
        ("0", "0 is not on the list: 1 to 2"),
        ("1 x", "give numbers from the list"),
        ("²", "give numbers from the list"),
    ],
)
def test_reuse_refuses_what_is_not_on_the_list_without_echoing_it(raw, said):
    with pytest.raises(UsageError) as caught:
        parse_reuse(raw, 2)
    assert said in caught.value.message
    assert "Obstacle" not in caught.value.message


def test_reuse_which_says_why_and_asks_again(runner, journal, notes, clock):
    journal.add_client(make_client("kim", display_name="Kim", goals=()))
    swing = Activity("Swing", 10, True, False, True)
    journal.add_session(make_session("kim", activities=(swing,), goals=()), durable=False)
    answers = "\n".join(["", "Obstacle course", "5", "1"]) + "\n"  # kind, then reuse x3
    result = runner.invoke(
        app,
        ["log", "kim", *FLAGS, "--date", "2026-03-06", "--time", "10:00"],
        input=answers,
    )
    assert result.exit_code == 1, result.output  # input ended: the draft is kept
    err = result.stderr
    assert err.count("Reuse which") == 3, err
    assert "give numbers from the list, or Enter for none" in err
    assert "5 is not on the list: 1 to 1" in err
    assert [a["name"] for a in only_draft()["note"]["activities"]] == ["Swing"]


# -- 4. the Date prompt keeps its default; a bad time asks the time only ---------------------


def test_a_wrong_date_leaves_the_default_and_a_wrong_time_asks_only_the_time(
    runner, journal, notes, clock
):
    journal.add_client(make_client("kim", display_name="Kim", goals=()))
    today = f"{CLOCK:%Y-%m-%d}"
    answers = "\n".join(["2026-02-30", "", "25:99", "09:15"]) + "\n"
    result = runner.invoke(
        app,
        ["log", "kim", *FLAGS],
        input=answers,
    )
    assert result.exit_code == 1, result.output  # input ended after the When section
    err = result.stderr
    assert "that is not a date" in err and "that is not a time" in err
    assert err.count(f"Date [{today}]:") == 2, err
    assert "Date [2026-02-30]" not in err
    assert err.count("Date [") == 2  # a bad time does not go back to the date
    assert err.count("Start time [") == 2
    start = only_draft()["note"]["start"]
    assert (start.date(), start.hour, start.minute) == (CLOCK.date(), 9, 15)


def test_a_start_later_than_now_asks_the_time_again_and_a_day_to_come_the_date(
    runner, journal, notes, clock
):
    journal.add_client(make_client("kim", display_name="Kim", goals=()))
    today = f"{CLOCK:%Y-%m-%d}"  # CLOCK is 16:00
    answers = "\n".join(["", "17:00", "10:00"]) + "\n"  # later today: the time again
    answers += "\n"  # Enter at "Kind of session"
    result = runner.invoke(
        app,
        ["log", "kim", *FLAGS],
        input=answers,
    )
    assert result.exit_code == 1, result.output
    assert "is later than now" in result.stderr
    assert result.stderr.count("Date [") == 1
    assert result.stderr.count("Start time [") == 2
    assert only_draft()["note"]["start"] == datetime(2026, 3, 7, 10, 0, tzinfo=CLOCK.tzinfo)

    for path in drafts():
        path.unlink()
    answers = "\n".join(["2026-03-09", "", "", ""]) + "\n"  # a day to come: the date again
    result = runner.invoke(
        app,
        ["log", "kim", *FLAGS],
        input=answers,
    )
    assert result.exit_code == 1, result.output
    assert "is later than now" in result.stderr
    assert result.stderr.count(f"Date [{today}]:") == 2  # Enter gives today again
    assert only_draft()["note"]["start"].date() == CLOCK.date()


@pytest.mark.pty
def test_a_name_typed_at_a_plain_prompt_declared_ascii_is_kept(runner, notes):
    # `client add` asks through Typer's prompt, not the flows: stdin declared ASCII is
    # read as UTF-8 from the start (cli.tolerant_output), never a traceback.
    from tests.terminal import Pty

    env = terminal_env(LC_ALL="C", PYTHONIOENCODING="ascii")
    otj = Pty("client", "add", "zed", env=env, codec_errors="replace")
    otj.answer("Display name", "Zoë")
    otj.expect("Added client zed")
    assert otj.wait() == 0, otj.output
    assert "Traceback" not in otj.output, otj.output
    saved = (notes / "clients" / "zed" / "client.toml").read_text("utf-8")
    assert 'display_name = "Zoë"' in saved
