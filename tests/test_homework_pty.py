"""``otj homework log`` in a real pseudo-terminal: a quick mood check and a practice log,
typed the way a parent would, then the saved files read back with tomllib."""

from __future__ import annotations

import os
import stat
import tomllib
from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest

from otjournal.disk.store import Journal
from otjournal.model import Assignment, Caregiver
from tests.conftest import make_client
from tests.terminal import Pty

pytestmark = pytest.mark.pty


def spawn(*args: str) -> Pty:
    env = dict(os.environ)  # the isolated HOME, XDG folders and OTJOURNAL_DIR from conftest
    env["TERM"] = "xterm"
    return Pty(*args, env=env, timeout=20, size=(40, 200))


def finish(child: Pty, kind: str) -> str:
    child.answer("Save?", "y")
    entry_id = child.expect_re(rf"Saved {kind} entry (\S+)\.").group(1)
    child.finish(0)
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
    child.expect("Mia K.'s entry")
    child.answer("Who is writing", "")  # Sarah, the caregiver, by default
    child.answer("When", "")
    child.answer("Mood now", "11")
    child.expect("Please give a whole number from 0 to 10.")
    child.answer("Mood now", "7")
    child.answer("Hours of sleep last night", "")
    mood_id = finish(child, "mood-check")

    mood = read_entry(notes, mood_id)
    assert (mood["entry_kind"], mood["client"]) == ("mood-check", "mia-k")
    assert mood["written_by"] == "Sarah"
    assert mood["mood"] == {"mood": 7}
    assert mood["at"].tzinfo is not None
    assert mood["written_at"] >= started

    # A practice log against the homework in the list, for yesterday evening.
    child = spawn("homework", "log", "mia-k")
    child.answer("What is this entry", "1")
    child.answer("Who is writing", "")
    child.answer("When", "yesterday 19:30")
    child.answer("Did Mia do it", "p")
    child.answer("How did it go", "three holes, then a break")
    child.answer("Mastery", "6")
    child.answer("Pleasure", "7")
    child.answer("Mood before", "")
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
