"""A client's profile and goals: the ``client.toml`` of each client folder."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from otjournal.errors import ValidationError, ValidationErrors
from otjournal.model.fields import Fields, check_header, is_table, put
from otjournal.model.ids import handle_problem
from otjournal.model.session import Assignment
from otjournal.model.vocab import (
    FORMAT_VERSION,
    FRAMEWORKS,
    GAS_LEVEL_KEYS,
    GOAL_STATUSES,
)


@dataclass(frozen=True)
class Caregiver:
    name: str
    relationship: str = ""
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    @classmethod
    def read(cls, f: Fields) -> Caregiver:
        return cls(
            name=f.text("name", required=True),
            relationship=f.text("relationship"),
            extra=f.extra(),
        )

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"name": self.name}
        put(out, "relationship", self.relationship)
        out.update(self.extra)
        return out


@dataclass(frozen=True)
class PlanPeriod:
    """A funded plan period (e.g. NDIS): the default range of a progress report."""

    start: date
    end: date
    funder: str = ""
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    @classmethod
    def read(cls, f: Fields) -> PlanPeriod | None:
        start = f.date("start", required=True)
        end = f.date("end", required=True)
        funder = f.text("funder")
        if start and end and end < start:
            f.error("end", "must not be before start")
            return None
        if start is None or end is None:
            return None
        return cls(start=start, end=end, funder=funder, extra=f.extra())

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"start": self.start, "end": self.end}
        put(out, "funder", self.funder)
        out.update(self.extra)
        return out


@dataclass(frozen=True)
class Copm:
    """A COPM problem's scores (1-10) at T1 and, after review, T2. Scores only."""

    problem: str
    performance_t1: int | None = None
    satisfaction_t1: int | None = None
    performance_t2: int | None = None
    satisfaction_t2: int | None = None
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    SCORE_KEYS = ("performance_t1", "satisfaction_t1", "performance_t2", "satisfaction_t2")

    @classmethod
    def read(cls, f: Fields) -> Copm:
        problem = f.text("problem", required=True)
        scores = {k: f.integer(k, 1, 10) for k in cls.SCORE_KEYS}
        return cls(problem=problem, **scores, extra=f.extra())

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"problem": self.problem}
        for k in self.SCORE_KEYS:
            put(out, k, getattr(self, k))
        out.update(self.extra)
        return out


@dataclass(frozen=True)
class Goal:
    """A goal with optional GAS level descriptions (keys -2..+2) and weight."""

    id: str
    text: str
    weight: float = 1
    status: str = "active"
    set_on: date | None = None
    levels: dict[int, str] = field(default_factory=dict)
    copm: Copm | None = None
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    @classmethod
    def read(cls, f: Fields) -> Goal:
        gid = f.slug("id", required=True)
        text = f.text("text", required=True)
        weight = f.number("weight", 0, 100, default=1, lo_open=True)
        status = f.choice("status", GOAL_STATUSES, default="active")
        set_on = f.date("set_on")
        levels: dict[int, str] = {}
        lv = f.table("levels")
        if lv is not None:
            for key in GAS_LEVEL_KEYS:
                desc = lv.text(key)
                if desc:
                    levels[int(key)] = desc
            for key in lv.extra():
                lv.error(key, 'is not a GAS level: use "-2", "-1", "0", "+1" or "+2"')
        copm_f = f.table("copm")
        copm = Copm.read(copm_f) if copm_f is not None else None
        return cls(
            id=gid,
            text=text,
            weight=weight if weight is not None else 1,
            status=status or "active",
            set_on=set_on,
            levels=levels,
            copm=copm,
            extra=f.extra(),
        )

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id, "text": self.text}
        if self.weight != 1:
            out["weight"] = self.weight
        out["status"] = self.status
        put(out, "set_on", self.set_on)
        out.update({k: v for k, v in self.extra.items() if not isinstance(v, dict)})
        if self.levels:
            out["levels"] = {
                key: self.levels[int(key)] for key in GAS_LEVEL_KEYS if int(key) in self.levels
            }
        if self.copm is not None:
            out["copm"] = self.copm.to_dict()
        out.update({k: v for k, v in self.extra.items() if isinstance(v, dict)})
        return out

    @property
    def is_active(self) -> bool:
        return self.status == "active"


@dataclass(frozen=True)
class Client:
    handle: str
    display_name: str
    date_of_birth: date | None = None
    regulation_framework: str = "zones"
    communication: tuple[str, ...] = ()
    strengths: tuple[str, ...] = ()
    caregivers: tuple[Caregiver, ...] = ()
    plan_period: PlanPeriod | None = None
    goals: tuple[Goal, ...] = ()
    assignments: tuple[Assignment, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    def goal(self, goal_id: str) -> Goal | None:
        return next((g for g in self.goals if g.id == goal_id), None)

    @property
    def active_goals(self) -> tuple[Goal, ...]:
        return tuple(g for g in self.goals if g.is_active)

    def next_goal_id(self) -> str:
        used = {g.id for g in self.goals}
        n = len(self.goals) + 1
        while f"g{n}" in used:
            n += 1
        return f"g{n}"

    def with_goal(self, goal: Goal) -> Client:
        if self.goal(goal.id) is not None:
            raise ValidationErrors([ValidationError("goals", f"a goal {goal.id!r} exists")])
        return replace(self, goals=(*self.goals, goal))

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Client:
        errors: list[ValidationError] = []
        f = Fields(data, "", errors)
        check_header(f, "client")
        handle = f.text("handle", required=True)
        problem = handle_problem(handle) if handle else None
        if problem:
            f.error("handle", problem)
        name = f.text("display_name", required=True)
        dob = f.date("date_of_birth")
        framework = f.choice("regulation_framework", FRAMEWORKS, default="zones") or "zones"
        communication = f.text_list("communication")
        strengths = f.text_list("strengths")
        caregivers = tuple(Caregiver.read(c) for c in f.tables("caregivers"))
        pp = f.table("plan_period")
        plan = PlanPeriod.read(pp) if pp is not None else None
        goals = tuple(Goal.read(g) for g in f.tables("goals"))
        assignments = tuple(Assignment.read(a) for a in f.tables("assignments"))
        seen: set[str] = set()
        for i, g in enumerate(goals):
            if g.id and g.id in seen:
                f.error(f"goals[{i}].id", f"{g.id!r} is used by another goal")
            seen.add(g.id)
        if errors:
            raise ValidationErrors(errors)
        return cls(
            handle=handle,
            display_name=name,
            date_of_birth=dob,
            regulation_framework=framework,
            communication=communication,
            strengths=strengths,
            caregivers=caregivers,
            plan_period=plan,
            goals=goals,
            assignments=assignments,
            extra=f.extra(),
        )

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "format_version": FORMAT_VERSION,
            "kind": "client",
            "handle": self.handle,
            "display_name": self.display_name,
        }
        put(out, "date_of_birth", self.date_of_birth)
        out["regulation_framework"] = self.regulation_framework
        put(out, "communication", self.communication)
        put(out, "strengths", self.strengths)
        out.update({k: v for k, v in self.extra.items() if not is_table(v)})
        put(out, "caregivers", [c.to_dict() for c in self.caregivers])
        if self.plan_period is not None:
            out["plan_period"] = self.plan_period.to_dict()
        out.update({k: v for k, v in self.extra.items() if is_table(v)})
        put(out, "goals", [g.to_dict() for g in self.goals])
        put(out, "assignments", [a.to_dict() for a in self.assignments])
        return out
