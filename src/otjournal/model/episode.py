"""The two ends of an episode of care, as tables of a session note (docs/format.md).

An intake (``[intake]``, on a session of type ``initial``) is the groundwork: referral,
background, consent, standardised assessments (scores as numbers, never the items) and
the goals set together. A discharge (``[discharge]``, on a session of type
``discharge``) closes the episode: why, each goal's final status and progress, the
recommendations and the maintenance plan, who was told. Both live in session files so
they are dated, counted, amendable and synced like any note.
"""

from __future__ import annotations

from dataclasses import field
from datetime import date
from typing import Any

from otjournal.frozen import frozen
from otjournal.model.fields import Fields, put
from otjournal.model.vocab import DISCHARGE_REASONS, GOAL_STATUSES

# An assessment's scores: a name (a subtest, an index, "total") and a number.
SCORE_MAX = 1_000_000


@frozen
class Consent:
    """Who consented, to what, on which day, and with whom information may be shared."""

    who: str
    purpose: str
    on: date | None = None
    share_with: tuple[str, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    @classmethod
    def read(cls, f: Fields) -> Consent:
        return cls(
            who=f.text("who", required=True),
            purpose=f.text("purpose", required=True),
            on=f.date("on"),
            share_with=f.text_list("share_with"),
            extra=f.extra(),
        )

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"who": self.who, "purpose": self.purpose}
        put(out, "on", self.on)
        put(out, "share_with", self.share_with)
        out.update(self.extra)
        return out


@frozen
class Assessment:
    """A standardised assessment given: its name, the day, and scores as numbers only."""

    name: str
    on: date | None = None
    scores: dict[str, float] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    @classmethod
    def read(cls, f: Fields) -> Assessment:
        name = f.text("name", required=True)
        on = f.date("on")
        scores: dict[str, float] = {}
        sc = f.table("scores")
        if sc is not None:
            for key in list(sc.data):
                value = sc.number(key, -SCORE_MAX, SCORE_MAX)
                if value is not None:
                    scores[key] = value
        return cls(name=name, on=on, scores=scores, extra=f.extra())

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"name": self.name}
        put(out, "on", self.on)
        out.update({k: v for k, v in self.extra.items() if not isinstance(v, dict)})
        put(out, "scores", dict(self.scores))
        out.update({k: v for k, v in self.extra.items() if isinstance(v, dict)})
        return out


@frozen
class Intake:
    """The groundwork of an episode: one per episode, on its ``initial`` session."""

    referral_source: str = ""
    referral_reason: str = ""
    background: str = ""
    diagnoses: tuple[str, ...] = ()  # as the person or family names them
    what_matters: str = ""
    strengths: tuple[str, ...] = ()
    communication: tuple[str, ...] = ()
    goals: tuple[str, ...] = ()  # ids of the goals set together (kept in client.toml)
    consent: tuple[Consent, ...] = ()
    assessments: tuple[Assessment, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    TEXTS = ("referral_source", "referral_reason", "background", "what_matters")
    LISTS = ("diagnoses", "strengths", "communication", "goals")

    @classmethod
    def read(cls, f: Fields) -> Intake:
        values: dict[str, Any] = {k: f.text(k) for k in cls.TEXTS}
        values.update({k: f.text_list(k) for k in cls.LISTS})
        consent = tuple(Consent.read(c) for c in f.tables("consent"))
        assessments = tuple(Assessment.read(a) for a in f.tables("assessments"))
        return cls(**values, consent=consent, assessments=assessments, extra=f.extra())

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for k in (*self.TEXTS, *self.LISTS):
            put(out, k, getattr(self, k))
        out.update(self.extra)
        put(out, "consent", [c.to_dict() for c in self.consent])
        put(out, "assessments", [a.to_dict() for a in self.assessments])
        return out


@frozen
class GoalOutcome:
    """One goal at discharge: its final status and a summary of the progress made."""

    goal: str
    status: str
    summary: str = ""
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    @classmethod
    def read(cls, f: Fields) -> GoalOutcome:
        return cls(
            goal=f.slug("goal", required=True),
            status=f.choice("status", GOAL_STATUSES, required=True) or "",
            summary=f.text("summary"),
            extra=f.extra(),
        )

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"goal": self.goal, "status": self.status}
        put(out, "summary", self.summary)
        out.update(self.extra)
        return out


@frozen
class Discharge:
    """The close of an episode, on its ``discharge`` session."""

    reason: str
    reason_note: str = ""
    recommendations: str = ""
    maintenance: str = ""  # the maintenance or relapse-prevention plan
    told: tuple[str, ...] = ()  # who was told (family, school, referrer, GP…)
    goals: tuple[GoalOutcome, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    @classmethod
    def read(cls, f: Fields) -> Discharge:
        reason = f.choice("reason", DISCHARGE_REASONS, required=True) or ""
        note = f.text("reason_note")
        recommendations = f.text("recommendations")
        maintenance = f.text("maintenance")
        told = f.text_list("told")
        goals = tuple(GoalOutcome.read(g) for g in f.tables("goals"))
        seen: set[str] = set()
        for i, g in enumerate(goals):
            if g.goal and g.goal in seen:
                f.error(f"goals[{i}].goal", f"{g.goal!r} is summarised twice")
            seen.add(g.goal)
        return cls(reason, note, recommendations, maintenance, told, goals, extra=f.extra())

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"reason": self.reason}
        put(out, "reason_note", self.reason_note)
        put(out, "recommendations", self.recommendations)
        put(out, "maintenance", self.maintenance)
        put(out, "told", self.told)
        out.update(self.extra)
        put(out, "goals", [g.to_dict() for g in self.goals])
        return out

    def outcome(self, goal_id: str) -> GoalOutcome | None:
        return next((g for g in self.goals if g.goal == goal_id), None)
