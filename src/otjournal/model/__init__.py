"""The pure model: frozen dataclasses, parsing and validation. No I/O here."""

from otjournal.model.client import Caregiver, Client, Copm, Goal, PlanPeriod
from otjournal.model.homework import (
    Emotion,
    HomeworkEntry,
    MoodCheck,
    Practice,
    Relaxation,
    Thought,
    ThoughtRecord,
)
from otjournal.model.session import (
    Activity,
    Amendment,
    Assignment,
    CaregiverNote,
    ChecklistAnswer,
    ChildVoice,
    GoalRating,
    Plan,
    Regulation,
    Session,
)

__all__ = [
    "Activity",
    "Amendment",
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
    "Plan",
    "PlanPeriod",
    "Practice",
    "Regulation",
    "Relaxation",
    "Session",
    "Thought",
    "ThoughtRecord",
]
