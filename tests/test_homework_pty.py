"""``otj homework log`` in a real pseudo-terminal: a quick mood check and a practice log,
typed the way a parent would, then the saved files read back with tomllib."""

from __future__ import annotations

import os
import stat
import sys
import tomllib
from datetime import date, datetime, time, timedelta
from pathlib import Path

import pexpect
import pytest

from otjournal.disk.store import Journal
from otjournal.model import Assignment, Caregiver
from tests.conftest import make_client

pytestmark = pytest.mark.pty


def spawn(*args: str) -> pexpect.spawn:
    env = dict(os.environ)  # the isolated HOME, XDG folders and OTJOURNAL_DIR from conftest
    env["TERM"] = "xterm"
    return pexpect.spawn(
        sys.executable,
        ["-m", "otjournal", *args],
        env=env,
        encoding="utf-8",
        timeout=20,
        dimensions=(40, 200),
    )


def answer(child: pexpect.spawn, prompt: str, reply: str) -> None:
    child.expect_exact(prompt)
    child.sendline(reply)


def finish(child: pexpect.spawn, kind: str) -> str:
    child.expect_exact("Save?")
    child.sendline("y")
    child.expect(rf"Saved {kind} entry (\S+)\.")
    entry_id = child.match.group(1)
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0, child.before
    return entry_id


def read_entry(notes: Path, entry_id: str) -> dict:
    path = notes / "clients" / "mia-k" / "homework" / f"{entry_id}.toml"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    return tomllib.loads(path.read_text("utf-8"))


def test_mood_check_and_practice_log_in_a_terminal(journal, notes, isolated_home):
    journal.add_client(
        make_client(
            caregivers=(Caregiver("Sarah", "mother"),),
            assignments=(Assignment("hw-lace", "Lacing card", "practice", 5, date(2020, 1, 1)),),
        )
    )
    started = datetime.now().astimezone().replace(microsecond=0)

    # A quick mood check: one out-of-range answer, asked again.
    child = spawn("homework", "log", "mia-k", "--kind", "mood-check")
    child.expect_exact("Mia K.'s entry")
    answer(child, "Who is writing", "")  # Sarah, the caregiver, by default
    answer(child, "When", "")
    answer(child, "Mood now", "11")
    child.expect_exact("Please give a whole number from 0 to 10.")
    answer(child, "Mood now", "7")
    answer(child, "Hours of sleep last night", "")
    mood_id = finish(child, "mood-check")

    mood = read_entry(notes, mood_id)
    assert (mood["entry_kind"], mood["client"]) == ("mood-check", "mia-k")
    assert mood["written_by"] == "Sarah"
    assert mood["mood"] == {"mood": 7}
    assert mood["at"].tzinfo is not None
    assert mood["written_at"] >= started

    # A practice log against the homework in the list, for yesterday evening.
    child = spawn("homework", "log", "mia-k")
    answer(child, "What is this entry", "1")
    answer(child, "Who is writing", "")
    answer(child, "When", "yesterday 19:30")
    answer(child, "Did Mia do it", "p")
    answer(child, "How did it go", "three holes, then a break")
    answer(child, "Mastery", "6")
    answer(child, "Pleasure", "7")
    answer(child, "Mood before", "")
    practice_id = finish(child, "practice")

    practice = read_entry(notes, practice_id)
    assert (practice["entry_kind"], practice["assignment"]) == ("practice", "hw-lace")
    assert practice["written_by"] == "Sarah"
    assert practice["practice"] == {
        "done": "partly",
        "how_it_went": "three holes, then a break",
        "mastery": 6,
        "pleasure": 7,
    }
    yesterday = datetime.now().astimezone().date() - timedelta(days=1)
    assert practice["at"].replace(tzinfo=None) == datetime.combine(yesterday, time(19, 30))

    # Both saved: no draft left behind.
    drafts = isolated_home / "state" / "otjournal" / "drafts"
    assert not drafts.exists() or not list(drafts.glob("*.toml"))
    assert len(list(Journal(notes).load().homework)) == 2
