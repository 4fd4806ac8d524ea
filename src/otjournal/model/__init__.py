"""The pure model: frozen dataclasses, parsing and validation. No I/O here.

The classes load on first use (PEP 562): a command that reads only sessions from the
cache never pays for building the client and homework classes.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from otjournal.model.amendment import Amendment
    from otjournal.model.client import (
        Caregiver,
        Client,
        Copm,
        Goal,
        Person,
        PlanPeriod,
    )
    from otjournal.model.homework import HomeworkEntry
    from otjournal.model.parts import (
        Answers,
        Emotion,
        MoodCheck,
        Practice,
        Relaxation,
        Thought,
        ThoughtRecord,
    )
    from otjournal.model.session import (
        Activity,
        Assignment,
        CaregiverNote,
        ChecklistAnswer,
        ChildVoice,
        GoalRating,
        Plan,
        Regulation,
        Session,
    )

_WHERE = {
    "Caregiver": "client",
    "Client": "client",
    "Copm": "client",
    "Goal": "client",
    "PlanPeriod": "client",
    "Person": "client",
    "Answers": "parts",
    "Emotion": "parts",
    "HomeworkEntry": "homework",
    "MoodCheck": "parts",
    "Practice": "parts",
    "Relaxation": "parts",
    "Thought": "parts",
    "ThoughtRecord": "parts",
    "Activity": "session",
    "Amendment": "amendment",
    "Assignment": "session",
    "CaregiverNote": "session",
    "ChecklistAnswer": "session",
    "ChildVoice": "session",
    "GoalRating": "session",
    "Plan": "session",
    "Regulation": "session",
    "Session": "session",
}


def __getattr__(name: str) -> type:
    """Only for the names above: a misspelt one is a type error, not a silent ``Any``."""
    if name not in _WHERE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value: type = getattr(import_module(f"{__name__}.{_WHERE[name]}"), name)
    globals()[name] = value
    return value


__all__ = [
    "Activity",
    "Amendment",
    "Answers",
    "Assignment",
    "Caregiver",
    "CaregiverNote",
    "ChecklistAnswer",
    "ChildVoice",
    "Client",
    "Copm",
    "Emotion",
    "Goal",
    "GoalRating",
    "HomeworkEntry",
    "MoodCheck",
    "Person",
    "Plan",
    "PlanPeriod",
    "Practice",
    "Regulation",
    "Relaxation",
    "Session",
    "Thought",
    "ThoughtRecord",
]
