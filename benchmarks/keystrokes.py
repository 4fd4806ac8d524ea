"""Count the keystrokes a typical `otj log` note takes, beyond the free text itself.

Drives the real command through a pseudo-terminal (pexpect) on a fresh copy of a
small journal, answering as a practitioner would right after a session, and counts
every key sent that is not part of a free-text answer. Run:

    python benchmarks/keystrokes.py

A typical note here: defaults accepted for time, place and who attended; three goals
rated with a line of evidence each; two activities reused from last time and one new;
last time's techniques kept with Enter; the child's voice and the caregiver's report;
regulation start/end and two strategies reused; the checklist on one line; summary, next
focus and one homework assignment.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pexpect

ENTER = "\r"


class Counter:
    def __init__(self, child: pexpect.spawn) -> None:
        self.child = child
        self.keys = 0
        self.text = 0

    def key(self, expect: str, keys: str = "") -> None:
        """Answer a prompt with keys (counted) and Enter (counted)."""
        self.child.expect_exact(expect, timeout=15)
        self.child.send(keys + ENTER)
        self.keys += len(keys) + 1

    def text_line(self, expect: str, text: str, multiline: bool = False) -> None:
        """Free text (not counted) then Enter (counted); a blank line ends multi-line text."""
        self.child.expect_exact(expect, timeout=15)
        self.child.send(text + ENTER)
        self.text += len(text)
        self.keys += 1
        if multiline:
            self.child.expect_exact("…", timeout=15)
            self.child.send(ENTER)
            self.keys += 1


def setup(root: Path, env: dict[str, str]) -> None:
    def otj(*args: str) -> None:
        subprocess.run(["otj", *args, "--dir", str(root)], check=True, env=env, capture_output=True)

    otj("client", "add", "mia-k", "--name", "Mia K.", "--comm", "speech")
    for goal in ("Laces shoes before kinder", "Uses her calm-body plan", "Joins peer play"):
        otj("goal", "add", "mia-k", "--text", goal, "--baseline", "-2")
    otj(
        "log",
        "mia-k",
        "--no-input",
        "--by",
        "Alex Rivera (OT)",
        "--setting",
        "clinic",
        "--attendee",
        "child",
        "--attendee",
        "parent",
        "--summary",
        "First session.",
        "--activity",
        "Train obstacle course;min=15;tags=c,i,m",
        "--activity",
        "Lacing card;min=10;tags=i",
        "--technique",
        "sensory-based strategies",
        "--technique",
        "parent coaching",
        "--reg-start",
        "yellow",
        "--reg-end",
        "green",
        "--helped",
        "heavy work",
        "--helped",
        "a train song",
        "--date",
        "yesterday",
    )


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        env = {
            **os.environ,
            "OTJOURNAL_DIR": str(base / "notes"),
            "NO_COLOR": "1",
            "XDG_STATE_HOME": str(base / "state"),
            "XDG_CONFIG_HOME": str(base / "cfg"),
            "COLUMNS": "100",
        }
        (base / "cfg" / "otjournal").mkdir(parents=True)
        (base / "cfg" / "otjournal" / "config.toml").write_text(
            '[practitioner]\nname = "Alex Rivera (OT)"\n', encoding="utf-8"
        )
        setup(base / "notes", env)
        child = pexpect.spawn(
            "otj", ["log", "mia-k"], env=env, encoding="utf-8", dimensions=(50, 100)
        )
        c = Counter(child)
        c.key("Minutes")
        c.key("Date")
        c.key("Start time")
        c.key("Setting")
        c.key("Kind of session")
        c.key("Who attended")
        for rating, evidence in (
            ("+1", "Laced three holes with the card."),
            ("0", "Chose the squeeze ball when the bell rang."),
            ("-1", "Watched a peer's train game, then joined for a minute."),
        ):
            c.key("GAS", rating)
            c.text_line("Evidence", evidence)
        c.key("Reuse which", "1 2")
        for _ in range(2):
            c.key("Minutes")
            c.key("Tags")
            c.text_line("response", "Smiled and asked for another turn.")
        c.text_line("Another activity", "Swing and crash mat")
        c.key("Minutes", "10")
        c.key("Tags", "cma")
        c.text_line("How was it adapted", "Shorter, with a countdown song.")
        c.text_line("response", "Laughed; asked for 'again'.")
        c.key("Another activity")
        c.key("Techniques")  # Enter: last time's
        c.text_line("In their words", "\u201cthe train goes in the tunnel\u201d", multiline=True)
        c.key("Communication mode")
        c.text_line("Caregiver's report", "Mornings are smoother this week.", multiline=True)
        c.text_line("How they were involved", "Joined the obstacle course.")
        c.key("At the start", "y")
        c.key("At the end", "g")
        c.key("What helped", "1 2")
        c.key("Notes")
        c.key("Checklist", "yyypyyy")
        c.text_line("Closing summary", "Mia led the play; laces are coming along.", multiline=True)
        c.text_line("Next session's focus", "Lacing with the card alone.")
        c.text_line("Homework to assign", "Lacing card after breakfast")
        c.key("Kind")
        c.key("Times a week", "5")
        c.key("More homework")
        c.key("Risk")  # Enter: not recorded
        c.key("Save?")
        child.expect_exact("Saved", timeout=15)
        child.expect(pexpect.EOF, timeout=15)
        print(f"keystrokes beyond the free text: {c.keys}")
        print(f"free-text characters typed: {c.text}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
