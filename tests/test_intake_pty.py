"""``otj intake`` through a real pseudo-terminal: every prompt answered end to end, and
Ctrl-C in the middle of the goals, then ``--resume`` to finish.

As in test_log_pty: the isolated HOME, XDG and notes folders of conftest, TERM=dumb,
TZ=UTC; every wait is on a prompt's text, never on a sleep."""

from __future__ import annotations

import os
import tomllib
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from otjournal.cli import app
from otjournal.model import Client, Session
from tests.terminal import Pty

pytestmark = pytest.mark.pty


def drafts() -> list[Path]:
    folder = Path(os.environ["XDG_STATE_HOME"]) / "otjournal" / "drafts"
    if not folder.exists():
        return []
    return [p for p in folder.glob("*.toml") if not p.name.endswith(".edit.toml")]


def sessions(notes: Path) -> list[Session]:
    folder = notes / "clients" / "mia-k" / "sessions"
    return [
        Session.from_dict(tomllib.loads(p.read_text("utf-8"))) for p in sorted(folder.glob("*"))
    ]


def goals(notes: Path) -> Client:
    text = (notes / "clients" / "mia-k" / "client.toml").read_text("utf-8")
    return Client.from_dict(tomllib.loads(text))


@pytest.fixture
def env(runner) -> dict[str, str]:
    result = runner.invoke(
        app, ["client", "add", "mia-k", "--name", "Mia K.", "--strength", "trains"]
    )
    assert result.exit_code == 0, result.output
    config = Path(os.environ["XDG_CONFIG_HOME"]) / "otjournal" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text('[practitioner]\nname = "Alex Rivera"\n', encoding="utf-8")
    return {**os.environ, "TERM": "dumb", "NO_COLOR": "1", "COLUMNS": "200", "TZ": "UTC"}


SESSION = [
    ("Minutes", "60"),
    ("Date", "2026-03-05"),
    ("Start time", "09:00"),
    ("Setting (", "clinic"),
    ("Who attended (", "child, parent"),
]
GROUNDWORK = [
    ("Referred by (source)", "Kinder teacher"),
    ("Reason for referral", "Dressing and joining play"),
    ("  … ", ""),
    ("Background", "Walked at 16 months"),
    ("  … ", ""),
    ("Diagnosis or disability", "Autism, level 1"),
    ("  Another", ""),
    ("What matters to them", "Getting ready for kinder calmly"),
    ("  … ", ""),
    ("Strengths and interests", "trains, Lego"),
    ("Communication modes", "speech, gesture"),
    ("Consent given by", "Mum"),
    ("  For what", "therapy and reports"),
    ("  Date", ""),
    ("  Share with", "kinder, GP"),
    ("More consent: by", ""),
    ("Assessment given", "Sensory Profile 2"),
    ("  Date", "2026-03-01"),
    ("  Scores", "total=abc"),
    ("  Scores", "total=52, seeking=18"),
    ("Another assessment", ""),
]
FIRST_GOAL = [("Goal (", "Laces shoes before kinder"), ("  Baseline level now", "-2")]
GOAL_REST = [
    ("  Weight", "2"),
    ("  Describe the levels", "y"),
    ("    +2", "ties a bow"),
    ("    +1", ""),
    ("    0", "laces with a card"),
    ("    -1", ""),
    ("    -2", "hand-over-hand"),
    ("Another goal", ""),
]
END = [
    ("In their words", "Showed me the train"),
    ("  … ", ""),
    ("Closing summary", "Met Mia and Mum"),
    ("  … ", ""),
    ("Next session's focus", "Lacing"),
    ("Homework to assign", ""),
]


def test_every_prompt_answered_end_to_end(env, notes):
    otj = Pty("intake", "mia-k", env=env)
    otj.run(SESSION + GROUNDWORK + FIRST_GOAL + GOAL_REST + END)
    otj.expect("Review")
    otj.expect("Goals set together")
    otj.expect("Laces shoes before kinder")
    otj.answer("Save?", "y")
    otj.expect("Saved ")
    out = otj.finish(0)
    assert "Please give a whole number" not in out
    assert "score 1 must be a number" in out
    (s,) = sessions(notes)
    assert s.session_type == "initial"
    assert s.start == datetime(2026, 3, 5, 9, 0, tzinfo=UTC)
    assert (s.duration_min, s.attendees) == (60, ("child", "parent"))
    it = s.intake
    assert it is not None
    assert (it.referral_source, it.referral_reason) == (
        "Kinder teacher",
        "Dressing and joining play",
    )
    assert it.diagnoses == ("Autism, level 1",)
    assert it.strengths == ("trains", "Lego")
    assert it.communication == ("speech", "gesture")
    (c,) = it.consent
    assert (c.who, c.purpose, c.on, c.share_with) == (
        "Mum",
        "therapy and reports",
        date(2026, 3, 5),
        ("kinder", "GP"),
    )
    (a,) = it.assessments
    assert (a.name, a.on, a.scores) == (
        "Sensory Profile 2",
        date(2026, 3, 1),
        {"total": 52, "seeking": 18},
    )
    (goal,) = goals(notes).goals
    assert it.goals == (goal.id,)
    assert (goal.text, goal.baseline, goal.baseline_on, goal.weight) == (
        "Laces shoes before kinder",
        -2,
        date(2026, 3, 5),
        2,
    )
    assert goal.levels == {2: "ties a bow", 0: "laces with a card", -2: "hand-over-hand"}
    assert s.child_voice.text == "Showed me the train"
    assert s.plan.summary == "Met Mia and Mum"
    assert drafts() == []


def test_ctrl_c_in_the_goals_keeps_the_draft_and_resume_finishes(env, notes):
    otj = Pty("intake", "mia-k", env=env)
    otj.run(SESSION + GROUNDWORK + [FIRST_GOAL[0]])
    otj.expect("  Baseline level now")
    otj.interrupt("Continue with: otj intake --resume")
    assert otj.wait() == 130, otj.output
    (path,) = drafts()
    draft = tomllib.loads(path.read_text("utf-8"))
    assert draft["command"] == "intake" and draft["step"] == "goals"
    assert draft["note"]["intake"]["goals"] == [{"text": "Laces shoes before kinder"}]
    assert draft["note"]["intake"]["referral_reason"] == "Dressing and joining play"
    assert sessions(notes) == []

    resumed = Pty("intake", "--resume", env=env)
    resumed.expect("Resuming at: Goals set together")
    resumed.answer("  Remove which", "")
    resumed.run([FIRST_GOAL[1], *GOAL_REST, *END])
    resumed.answer("Save?", "y")
    resumed.expect("Saved ")
    resumed.finish(0)
    (s,) = sessions(notes)
    (goal,) = goals(notes).goals
    assert s.intake is not None and s.intake.goals == (goal.id,)
    assert s.intake.consent[0].share_with == ("kinder", "GP")
    assert goal.baseline == -2
    assert drafts() == []
