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
    child.answer("What did Mia practise", "")  # the homework's name by default
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


# -- issue 16, item 6: the review screen in words, "not this time", change one answer -----

RAW_NAMES = ("how_it_went", "done:", "what:", "anchor_", "tension_", "emotions", "thoughts:")


def review_screen(child: Pty) -> str:
    """What the last review screen showed, from its title to its question."""
    child.expect("Save? y = save, c = change one answer, e = start again, q = keep the draft")
    return "1 When:" + child.output.replace("\r\n", "\n").rsplit("1 When:", 1)[1]


def saved_after_review(child: Pty, kind: str) -> str:
    """``y`` at a review screen already read; the id of the entry saved."""
    child.child.sendline("y")
    entry_id = child.expect_re(rf"Saved {kind} entry (\S+)\.").group(1)
    child.finish(0)
    return entry_id


def not_this_time_of_buttons(child: Pty) -> str:
    """Sarah's practice of buttons, "not this time"; the review screen it ends on."""
    child.answer("Who is writing", "")
    child.answer("When", "")
    child.answer("What did Mia practise", "buttons")  # nothing assigned picked: asked
    child.answer("Did Mia do it", "n")
    return review_screen(child)


def test_practice_not_this_time_asks_what_and_skips_how_it_went(journal, notes):
    journal.add_client(
        make_client(
            caregivers=(Caregiver("Sarah", "mother"),),
            assignments=(Assignment("hw-lace", "Lacing card", "practice", 5, date(2020, 1, 1)),),
        )
    )
    child = spawn("homework", "log", "mia-k", "--kind", "practice")
    screen = not_this_time_of_buttons(child)
    assert "How did it go" not in child.output  # "not this time": not asked
    assert "Mastery" not in child.output
    for shown in ("1 When:", "2 Who is writing: Sarah", "3 What did Mia practise: buttons"):
        assert shown in screen, screen
    assert "4 Did Mia do it: not this time" in screen
    assert not any(raw in screen for raw in RAW_NAMES), screen

    # Change one answer: only that question is asked again, then the screen again.
    child.child.sendline("c")
    child.answer("Which answer (its number)", "3")
    child.answer("What did Mia practise", "doing up buttons")
    screen = review_screen(child)
    assert "3 What did Mia practise: doing up buttons" in screen
    assert screen.count("Did Mia do it") == 1  # shown, not asked again
    entry_id = saved_after_review(child, "practice")
    assert read_entry(notes, entry_id)["practice"] == {
        "done": "not-this-time",
        "what": "doing up buttons",
    }

    # "Not this time" changed to done at the review: how it went is asked then.
    child = spawn("homework", "log", "mia-k", "--kind", "practice")
    not_this_time_of_buttons(child)
    child.child.sendline("c")
    child.answer("Which answer (its number)", "4")
    child.answer("Did Mia do it", "y")
    child.answer("How did it go", "two buttons")
    child.answer("Mastery", "5")
    child.answer("Pleasure", "")
    child.answer("Mood before", "")
    screen = review_screen(child)
    assert "4 Did Mia do it: yes" in screen and "6 Mastery, how well it went: 5" in screen
    entry_id = saved_after_review(child, "practice")
    assert read_entry(notes, entry_id)["practice"] == {
        "done": "yes",
        "what": "buttons",
        "how_it_went": "two buttons",
        "mastery": 5,
    }


def test_a_thought_record_review_in_words_and_support_when_asked(runner, notes):
    from otjournal.cli import app

    assert runner.invoke(app, ["init", "--self", "--name", "Sam Lee"]).exit_code == 0
    child = spawn("homework", "log", "--kind", "thought-record")
    child.answer("When", "")
    child.answer("Situation", "Meeting at work")
    child.answer("…", "")
    child.answer("Emotion", "anxious")
    child.answer("How strong", "80")
    child.answer("Another emotion", "sad")
    child.answer("How strong", "50")
    child.answer("Another emotion", "")
    child.answer("Automatic thought", "I will get it wrong")
    child.answer("How much do you believe it", "75")
    child.answer("Another thought", "")
    for prompt in ("Evidence for", "Evidence against", "A balanced thought"):
        child.answer(prompt, "")
    child.answer("Re-rate anxious now", "40")
    child.answer("Re-rate sad now", "30")
    child.answer("Would you like to see where support is (y/N)", "y")
    child.expect("000 in an emergency")  # at once: not only if the entry is saved
    screen = review_screen(child)
    assert "Who is writing" not in screen  # a self-journal: it is you
    for shown in (
        "2 Situation: where, when, what happened: Meeting at work",
        "3 Emotion: anxious 80 → 40",
        "4 Emotion: sad 50 → 30",
        "5 Automatic thought: I will get it wrong (believed 75 %, the hot thought)",
    ):
        assert shown in screen, screen
    assert "support" not in screen.lower()  # the person's request is not part of the entry
    assert not any(raw in screen for raw in RAW_NAMES), screen

    child.child.sendline("c")
    child.answer("Which answer (its number)", "4")
    child.answer("Emotion", "")  # Enter keeps "sad"
    child.answer("How strong", "")
    child.answer("Re-rate sad now", "20")
    screen = review_screen(child)
    assert "4 Emotion: sad 50 → 20" in screen, screen
    entry_id = saved_after_review(child, "thought-record")
    assert child.output.count("Lifeline 13 11 14") == 1  # once: not again after saving
    path = notes / "clients" / "me" / "homework" / f"{entry_id}.toml"
    saved = path.read_text("utf-8")
    assert "Lifeline" not in saved and "support" not in saved  # nothing stored about it
    record = tomllib.loads(saved)["thought_record"]
    assert [(e["name"], e["before"], e["after"]) for e in record["emotions"]] == [
        ("anxious", 80, 40),
        ("sad", 50, 20),
    ]

    # Not asked for: not shown.
    child = short_thought_record(asked="")
    finish(child, "thought-record")
    assert "Lifeline" not in child.output


def short_thought_record(asked: str) -> Pty:
    """A thought record in few answers, up to the support question, answered ``asked``."""
    child = spawn("homework", "log", "--kind", "thought-record")
    child.answer("When", "")
    child.run([("Situation", "Bus"), ("…", ""), ("Emotion", "tense"), ("How strong", "60")])
    child.run([("Another emotion", ""), ("Automatic thought", "late"), ("believe it", "50")])
    child.run([("Another thought", ""), ("Evidence for", ""), ("Evidence against", "")])
    child.run([("A balanced thought", ""), ("Re-rate tense now", "")])
    child.answer("Would you like to see where support is (y/N)", asked)
    return child


@pytest.mark.parametrize("asked", [True, False])
def test_support_is_shown_to_a_person_who_stops_before_saving(runner, notes, asked: bool):
    """Asked for in a thought record, or after a very low mood: where help is does not
    depend on saving the entry (a person who quits at the last step sees it too)."""
    from otjournal.cli import app

    assert runner.invoke(app, ["init", "--self", "--name", "Sam Lee"]).exit_code == 0
    if asked:
        child = short_thought_record(asked="y")
    else:
        child = spawn("homework", "log", "--kind", "mood-check")
        child.answer("When", "")
        child.answer("Mood now", "1")
        child.answer("Hours of sleep last night", "")
    child.answer("Save?", "q")
    child.expect("stopped before saving")
    child.finish(0)
    assert child.output.count("Lifeline 13 11 14") == 1, child.output
    assert not list((notes / "clients" / "me" / "homework").glob("*.toml"))
