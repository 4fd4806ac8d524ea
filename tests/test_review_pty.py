"""``otj review`` and ``otj discharge`` through a real pseudo-terminal (pexpect): every
prompt answered, and Ctrl-C in the middle keeping the draft that ``--resume`` finishes.

The child runs ``python -m otjournal`` with the isolated HOME, XDG folders and notes
folder of tests/conftest.py, TERM=dumb and TZ=UTC. Every wait is on a prompt's text."""

from __future__ import annotations

import os
import tomllib
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from otjournal.model import Client, Copm, Goal, GoalRating, Session
from tests.conftest import make_client, make_session
from tests.terminal import Pty

pytestmark = pytest.mark.pty

GOALS = (
    Goal(
        "g1-k3x",
        "Laces shoes",
        set_on=date(2026, 1, 10),
        baseline=-2,
        baseline_on=date(2026, 1, 10),
        levels={-2: "with hand-over-hand"},
        copm=Copm("getting dressed", 3, 2),
    ),
    Goal("g2-m4p", "Uses a calm-body plan", set_on=date(2026, 1, 10)),
)


@pytest.fixture
def env(journal) -> dict[str, str]:
    journal.add_client(make_client(goals=GOALS))
    journal.add_session(
        make_session(start=datetime(2026, 2, 20, 10, tzinfo=UTC), goals=(GoalRating("g1-k3x", 0),)),
        durable=False,
    )
    config = Path(os.environ["XDG_CONFIG_HOME"]) / "otjournal" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text('[practitioner]\nname = "Alex Rivera"\n', encoding="utf-8")
    return {**os.environ, "TERM": "dumb", "NO_COLOR": "1", "COLUMNS": "200", "TZ": "UTC"}


def saved(notes: Path, kind: str) -> list[Session]:
    folder = notes / "clients" / "mia-k" / "sessions"
    found = [Session.from_dict(tomllib.loads(p.read_text("utf-8"))) for p in folder.glob("*.toml")]
    return [s for s in found if s.session_type == kind]


def drafts() -> list[Path]:
    folder = Path(os.environ["XDG_STATE_HOME"]) / "otjournal" / "drafts"
    if not folder.exists():
        return []
    return [p for p in folder.glob("*.toml") if not p.name.endswith(".edit.toml")]


WHEN_WHERE = [
    ("Minutes", "50"),
    ("Date", "2026-03-05"),
    ("Start time", "14:30"),
    ("Setting (", "home"),
]


def test_a_whole_review_at_the_terminal(env, notes):
    otj = Pty("review", "mia-k", env=env)
    otj.run([*WHEN_WHERE, ("Who attended (", "child, parent")])
    otj.expect("baseline -2 on 2026-01-10 · last rated 0 on 2026-02-20 (interim)")
    otj.run(
        [
            ("  GAS at review", "+1"),
            ("  Evidence", "Laced both shoes"),
            ("  COPM performance at T2", "7"),
            ("  COPM satisfaction at T2", "8"),
        ]
    )
    otj.expect("no baseline recorded · not rated yet")
    otj.run(
        [
            ("  GAS at review", "n"),
            ("  Why not today", "away this week"),
            ("Review note (optional)", "Mum pleased"),
            ("  … ", ""),
        ]
    )
    otj.expect("At review")  # the preview, before saving
    otj.answer("Save?", "y")
    otj.expect("Saved ")
    assert otj.wait() == 0, otj.output
    (s,) = saved(notes, "review")
    assert s.start == datetime(2026, 3, 5, 14, 30, tzinfo=UTC)
    assert (s.duration_min, s.setting, s.attendees) == (50, "home", ("child", "parent"))
    assert s.goals == (
        GoalRating("g1-k3x", 1, "Laced both shoes", copm_performance=7, copm_satisfaction=8),
        GoalRating("g2-m4p", None, "away this week"),
    )
    assert s.plan.summary == "Mum pleased"
    assert s.written_by == "Alex Rivera"
    assert drafts() == []


def test_a_whole_discharge_at_the_terminal(env, notes):
    otj = Pty("discharge", "mia-k", env=env)
    otj.run(
        [
            *WHEN_WHERE,
            ("Who attended (", "-"),
            ("Reason (", "goals-met"),
            ("About the reason", "Family happy"),
            ("  Final status (", ""),  # g1: suggested discontinued (no review yet): keep
            ("  Progress summary", "+ laces with a card"),
            ("  Final status (", "achieved"),
            ("  Progress summary", "Uses the plan at kinder"),
            ("Recommendations", "Keep the card by the door"),
            ("  … ", ""),
            ("Maintenance / relapse-prevention plan", "Weekly practice"),
            ("  … ", ""),
            ("Who was told", "family, GP"),
        ]
    )
    otj.expect("Discharge")
    otj.answer("Save?", "y")
    otj.expect("otj intake mia-k")
    assert otj.wait() == 0, otj.output
    (s,) = saved(notes, "discharge")
    d = s.discharge
    assert d is not None
    assert s.attendees == ()
    assert (d.reason, d.reason_note, d.told) == ("goals-met", "Family happy", ("family", "GP"))
    assert (d.recommendations, d.maintenance) == ("Keep the card by the door", "Weekly practice")
    assert [(g.goal, g.status) for g in d.goals] == [
        ("g1-k3x", "discontinued"),
        ("g2-m4p", "achieved"),
    ]
    assert d.goals[0].summary == (
        "baseline -2 on 2026-01-10, last interim rating 0 on 2026-02-20; laces with a card"
    )
    client = Client.from_dict(
        tomllib.loads((notes / "clients" / "mia-k" / "client.toml").read_text("utf-8"))
    )
    assert [(g.status, g.changes[-1].reason) for g in client.goals] == [
        ("discontinued", "discharge"),
        ("achieved", "discharge"),
    ]


def test_ctrl_c_keeps_the_review_and_resume_finishes_it(env, notes):
    otj = Pty("review", "mia-k", env=env)
    otj.run(
        [
            *WHEN_WHERE,
            ("Who attended (", "child"),
            ("  GAS at review", "+2"),
            ("  Evidence", "Laces alone"),
        ]
    )
    otj.expect("  COPM performance at T2")
    otj.interrupt("Continue with: otj review --resume")
    assert otj.wait() == 130, otj.output
    (path,) = drafts()
    draft = tomllib.loads(path.read_text("utf-8"))
    assert draft["command"] == "review"
    assert draft["note"]["goals"] == [{"goal": "g1-k3x", "gas": 2, "evidence": "Laces alone"}]
    assert saved(notes, "review") == []

    resumed = Pty("review", "--resume", env=env)
    resumed.expect("Resuming at: Goals at review")
    resumed.run(
        [
            ("  GAS at review", ""),  # Enter keeps +2
            ("  Evidence", ""),
            ("  COPM performance at T2", ""),
            ("  COPM satisfaction at T2", ""),
            ("  GAS at review", "0"),
            ("  Evidence", ""),
            ("Review note (optional)", ""),
            ("Save?", "y"),
        ]
    )
    resumed.expect("Saved ")
    assert resumed.wait() == 0, resumed.output
    (s,) = saved(notes, "review")
    assert s.goals == (GoalRating("g1-k3x", 2, "Laces alone"), GoalRating("g2-m4p", 0))
    assert drafts() == []
