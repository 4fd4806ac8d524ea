"""Shared fixtures. No test can touch a real notes folder, config or drafts."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

import otjournal.clock
from otjournal.disk.store import Journal
from otjournal.model import (
    Activity,
    Assignment,
    ChecklistAnswer,
    Client,
    Goal,
    GoalRating,
    Plan,
    Regulation,
    Session,
)
from otjournal.model.vocab import CHECKLIST
from tests.helpers import Runner

TZ = timezone(timedelta(hours=10))
REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point every folder otjournal might use at tmp_path."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    for var, sub in (
        ("XDG_DATA_HOME", "data"),
        ("XDG_CONFIG_HOME", "config"),
        ("XDG_STATE_HOME", "state"),
        ("XDG_CACHE_HOME", "cache"),
    ):
        monkeypatch.setenv(var, str(home / sub))
    monkeypatch.setenv("OTJOURNAL_DIR", str(tmp_path / "notes"))
    monkeypatch.delenv("EDITOR", raising=False)
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("COLUMNS", "80")
    return home


@pytest.fixture
def notes(tmp_path: Path) -> Path:
    return tmp_path / "notes"


@pytest.fixture
def journal(notes: Path) -> Journal:
    return Journal(notes)


class Clock:
    """The commands' clock, stopped: ``otjournal.clock.now()`` (and so ``today()`` and
    ``cli.common.now()``/``today()``) returns ``at`` until the test moves it."""

    def __init__(self, at: datetime) -> None:
        self.at = self.set(at)

    def set(self, at: datetime) -> datetime:
        """Stop the clock at ``at`` (aware: the commands compare it with stored times)."""
        assert at.tzinfo is not None, "the commands' clock is aware"
        self.at = at
        return at

    def now(self) -> datetime:
        return self.at


CLOCK = datetime(2026, 3, 7, 16, 0, tzinfo=TZ)  # two days after make_session's start


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    """Stops the commands' clock at CLOCK, once for every module that reads it;
    ``clock.set(at)`` moves it."""
    stopped = Clock(CLOCK)
    monkeypatch.setattr(otjournal.clock, "now", stopped.now)
    return stopped


@pytest.fixture
def runner() -> Runner:
    """Invokes the CLI in-process; an exception other than an exit fails the test."""
    return Runner()


def make_client(handle: str = "mia-k", **kw) -> Client:
    goals = kw.pop(
        "goals",
        (
            Goal("g1", "Laces shoes before kinder", levels={-2: "hand-over-hand", 0: "with card"}),
            Goal("g2", "Uses calm-body plan", weight=2),
        ),
    )
    return Client(handle=handle, display_name=kw.pop("display_name", "Mia K."), goals=goals, **kw)


def make_session(client: str = "mia-k", start: datetime | None = None, **kw) -> Session:
    start = start or datetime(2026, 3, 5, 14, 30, tzinfo=TZ)
    base: dict[str, Any] = dict(
        id="",
        client=client,
        start=start,
        duration_min=45,
        written_by="Alex Rivera",
        written_at=start + timedelta(hours=1),
        attendees=("child", "parent"),
        goals=(GoalRating("g1", 0, "Laced two holes with the card"),),
        activities=(
            Activity(
                "Train obstacle course", 15, True, True, True, True, "shorter", "smiled", ("g1",)
            ),
        ),
        regulation=Regulation("zones", "yellow", "green", ("heavy work",)),
        checklist=tuple(ChecklistAnswer(k, "yes", t) for k, t in CHECKLIST),
        plan=Plan(
            "Followed Mia's lead.",
            "Lacing again",
            (Assignment("hw1", "Lacing card", "practice", 5),),
        ),
    )
    base.update(kw)
    return Session(**base)


@pytest.fixture
def client_factory():
    return make_client


@pytest.fixture
def session_factory():
    return make_session
