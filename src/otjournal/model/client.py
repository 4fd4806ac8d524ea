"""A client's profile and goals: the ``client.toml`` of each client folder."""

from __future__ import annotations

from dataclasses import field, replace
from datetime import date, datetime
from typing import Any

from otjournal.errors import ValidationError, ValidationErrors
from otjournal.frozen import frozen
from otjournal.model.fields import Fields, check_header, is_table, put
from otjournal.model.hierarchy import Step, read_hierarchy
from otjournal.model.ids import handle_problem
from otjournal.model.session import Assignment
from otjournal.model.vocab import (
    FORMAT_VERSION,
    FRAMEWORKS,
    GAS_LEVEL_KEYS,
    GOAL_STATUSES,
)

AGE_GROUPS = ("child", "adult")  # client.toml age_group: overrides the date of birth
ADULT_AGE = 18


class AmbiguousGoal(ValueError):
    def __init__(self, key: str, ids: tuple[str, ...]) -> None:
        super().__init__(f"{key} names {len(ids)} goals: use the full id ({', '.join(ids)})")
        self.ids = ids


@frozen
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


@frozen
class Person:
    """Someone in the client's life named in notes (a sibling, a teacher, the school):
    kept so a de-identified copy can replace their name."""

    name: str
    role: str = ""
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    @classmethod
    def read(cls, f: Fields) -> Person:
        return cls(name=f.text("name", required=True), role=f.text("role"), extra=f.extra())

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"name": self.name}
        put(out, "role", self.role)
        out.update(self.extra)
        return out


@frozen
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


@frozen
class Copm:
    """A COPM problem's scores (1-10) at T1 and, after review, T2. Scores only."""

    problem: str
    performance_t1: int | None = None
    satisfaction_t1: int | None = None
    performance_t2: int | None = None
    satisfaction_t2: int | None = None
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    t1_on: date | None = None
    t2_on: date | None = None

    SCORE_KEYS = ("performance_t1", "satisfaction_t1", "performance_t2", "satisfaction_t2")

    @classmethod
    def read(cls, f: Fields) -> Copm:
        problem = f.text("problem", required=True)
        scores = {k: f.integer(k, 1, 10) for k in cls.SCORE_KEYS}
        t1_on, t2_on = f.date("t1_on"), f.date("t2_on")
        return cls(problem=problem, **scores, t1_on=t1_on, t2_on=t2_on, extra=f.extra())

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"problem": self.problem}
        for k in self.SCORE_KEYS:
            put(out, k, getattr(self, k))
        put(out, "t1_on", self.t1_on)
        put(out, "t2_on", self.t2_on)
        out.update(self.extra)
        return out


@frozen
class GoalChange:
    """A later, dated entry on a goal, amendment-style: the goal's table holds the
    values now; a change keeps what they were (``previous``) and, for a status change,
    the new status, the day it took effect and why."""

    at: datetime
    by: str
    status: str = ""  # the new status, for a status change
    on: date | None = None  # the day a status change took effect
    reason: str = ""
    previous: dict[str, Any] = field(default_factory=dict)  # the values this replaced
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    @classmethod
    def read(cls, f: Fields) -> GoalChange | None:
        at = f.aware_datetime("at", required=True)
        by = f.text("by")
        status = f.choice("status", GOAL_STATUSES) or ""
        on = f.date("on")
        reason = f.text("reason")
        prev = f.table("previous")
        previous = dict(prev.data) if prev is not None else {}
        if prev is not None:
            for key in prev.data:
                if key not in CHANGEABLE:
                    prev.error(key, "is not a goal's field: " + ", ".join(CHANGEABLE))
        if at is None:
            return None
        return cls(at, by, status, on, reason, previous, extra=f.extra())

    @property
    def took_effect(self) -> date:
        """The day a status change took effect: ``on``, else the day it was written."""
        return self.on or self.at.date()

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"at": self.at}
        put(out, "by", self.by)
        put(out, "status", self.status)
        put(out, "on", self.on)
        put(out, "reason", self.reason)
        out.update({k: v for k, v in self.extra.items() if not isinstance(v, dict)})
        put(out, "previous", dict(self.previous))
        out.update({k: v for k, v in self.extra.items() if isinstance(v, dict)})
        return out


# A goal's fields a change may replace (its id and the day it was set never change).
CHANGEABLE = ("text", "weight", "levels", "status", "set_on", "baseline", "baseline_on", "copm")


@frozen
class Goal:
    """A goal with optional GAS level descriptions (keys -2..+2) and weight, its GAS
    baseline (the level when set, and the day: explicit, never assumed) and its changes
    (``changes``: every edit and status change, dated, the old values kept)."""

    id: str
    text: str
    weight: float = 1
    status: str = "active"
    set_on: date | None = None
    levels: dict[int, str] = field(default_factory=dict)
    copm: Copm | None = None
    baseline: int | None = None
    baseline_on: date | None = None
    changes: tuple[GoalChange, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    @classmethod
    def read(cls, f: Fields) -> Goal:
        gid = f.slug("id", required=True)
        text = f.text("text", required=True)
        weight = f.number("weight", 0, 100, default=1, lo_open=True)
        status = f.choice("status", GOAL_STATUSES, default="active")
        set_on = f.date("set_on")
        baseline = f.integer("baseline", -2, 2)
        baseline_on = f.date("baseline_on")
        if baseline is not None and baseline_on is None and f.has("baseline"):
            f.error("baseline_on", "is required with baseline (the day it was rated)")
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
        changes = tuple(c for c in (GoalChange.read(x) for x in f.tables("changes")) if c)
        return cls(
            id=gid,
            text=text,
            weight=weight if weight is not None else 1,
            status=status or "active",
            set_on=set_on,
            levels=levels,
            copm=copm,
            baseline=baseline,
            baseline_on=baseline_on,
            changes=changes,
            extra=f.extra(),
        )

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id, "text": self.text}
        if self.weight != 1:
            out["weight"] = self.weight
        out["status"] = self.status
        put(out, "set_on", self.set_on)
        put(out, "baseline", self.baseline)
        put(out, "baseline_on", self.baseline_on)
        out.update({k: v for k, v in self.extra.items() if not is_table(v)})
        put(out, "levels", self.levels_table())
        if self.copm is not None:
            out["copm"] = self.copm.to_dict()
        out.update({k: v for k, v in self.extra.items() if is_table(v)})
        put(out, "changes", [c.to_dict() for c in self.changes])
        return out

    def levels_table(self) -> dict[str, str]:
        return {key: self.levels[int(key)] for key in GAS_LEVEL_KEYS if int(key) in self.levels}

    @property
    def is_active(self) -> bool:
        return self.status == "active"

    def set_by(self, day: date | None) -> bool:
        """Whether the goal was there to be rated on ``day``: set that day or before (a
        goal with no set day, or no day asked about, always was)."""
        return day is None or self.set_on is None or self.set_on <= day

    @property
    def number(self) -> str:
        """The short name a person types: ``g3`` for ``g3`` and for ``g3-k7q``."""
        return self.id.partition("-")[0]

    @property
    def status_on(self) -> date | None:
        """The day the goal took its present status (the last status change, else the
        day it was set)."""
        for c in reversed(self.changes):
            if c.status:
                return c.took_effect
        return self.set_on

    def status_as_of(self, day: date) -> tuple[str, date | None] | None:
        """(status, the day it was taken) as the goal stood at the end of ``day``: a
        status change that took effect later is undone (its ``previous`` status); None
        for a goal set after ``day`` (a report of an earlier period does not know it)."""
        if self.set_on is not None and self.set_on > day:
            return None
        status = self.status
        for c in reversed(self.changes):
            if not c.status:
                continue
            took = c.took_effect
            if took <= day:
                return status, took
            status = str(c.previous.get("status", status))
        return status, self.set_on

    def changed(self, at: datetime, by: str, **new: Any) -> Goal:
        """This goal with ``new`` values, the old ones kept in a dated change. A status
        change takes ``on`` (the day it took effect) and ``reason``."""
        on, reason = new.pop("on", None), new.pop("reason", "")
        fields = {k: v for k, v in new.items() if getattr(self, k) != v}
        if not fields and "status" not in new:
            return self
        previous = {k: _plain(getattr(self, k)) for k in fields}
        change = GoalChange(
            at=at,
            by=by,
            status=new.get("status", ""),
            on=on if "status" in new else None,
            reason=reason,
            previous={k: v for k, v in previous.items() if v is not None},
        )
        return replace(self, **fields, changes=(*self.changes, change))


def _plain(value: Any) -> Any:
    """A goal's value as it is written in a file (for a change's ``previous``)."""
    if isinstance(value, dict):
        return {key: value[int(key)] for key in GAS_LEVEL_KEYS if int(key) in value}
    if isinstance(value, Copm):
        return value.to_dict()
    return value


@frozen
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
    ndis_number: str = ""  # for a funder's report; dropped from de-identified copies
    primary_disability: str = ""  # as the person or family names it
    people: tuple[Person, ...] = ()  # others named in notes (siblings, teachers, school…)
    hierarchy: tuple[Step, ...] = ()  # graded exposure steps (model.hierarchy)
    age_group: str = ""  # "adult" or "child" when set on the profile; else from the birth date
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    def is_adult(self, on: date) -> bool:
        """Whether the tool speaks of this client as an adult on ``on``: the profile's
        ``age_group`` when set; else 18 or older that day by the date of birth; else a
        child (the first users are paediatric practices, so no birth date means child)."""
        if self.age_group:
            return self.age_group == "adult"
        if self.date_of_birth is None:
            return False
        born = self.date_of_birth
        years = on.year - born.year - ((on.month, on.day) < (born.month, born.day))
        return years >= ADULT_AGE

    def goal(self, goal_id: str) -> Goal | None:
        return next((g for g in self.goals if g.id == goal_id), None)

    def find_goal(self, key: str) -> Goal | None:
        """The goal a person means by ``key``: its id, or its short name (``g3`` for
        ``g3-k7q``) when one goal alone has it. ``AmbiguousGoal`` when two do (two
        devices each added a third goal)."""
        exact = self.goal(key)
        if exact is not None:
            return exact
        same = [g for g in self.goals if g.number == key]
        if len(same) > 1:
            raise AmbiguousGoal(key, tuple(g.id for g in same))
        return same[0] if same else None

    @property
    def active_goals(self) -> tuple[Goal, ...]:
        return tuple(g for g in self.goals if g.is_active)

    def goals_to_rate(self, day: date | None) -> tuple[Goal, ...]:
        """The active goals a session of ``day`` can rate: those set by then."""
        return tuple(g for g in self.goals if g.is_active and g.set_by(day))

    def next_goal_id(self, suffix: str | None = None) -> str:
        """``g<n>-<suffix>``: the number counts on from the highest here; the random
        suffix keeps two devices adding a goal at once apart (both would make ``g4``),
        so a sync joins both goals and no session's rating points at the wrong one."""
        from otjournal.model.ids import new_suffix

        numbers = [int(g.number[1:]) for g in self.goals if g.number[1:].isdigit()]
        n = max(numbers, default=0) + 1
        return f"g{n}-{suffix or new_suffix()[:3]}"

    def with_goal_changed(self, goal: Goal) -> Client:
        return replace(self, goals=tuple(goal if g.id == goal.id else g for g in self.goals))

    def with_step(self, step: Step) -> Client:
        """The hierarchy with ``step`` put in place of the one with its id, or added."""
        if any(s.id == step.id for s in self.hierarchy):
            return replace(
                self, hierarchy=tuple(step if s.id == step.id else s for s in self.hierarchy)
            )
        return replace(self, hierarchy=(*self.hierarchy, step))

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
        age_group = f.choice("age_group", AGE_GROUPS) or ""
        framework = f.choice("regulation_framework", FRAMEWORKS, default="zones") or "zones"
        communication = f.text_list("communication")
        strengths = f.text_list("strengths")
        ndis_number = f.text("ndis_number")
        primary_disability = f.text("primary_disability")
        caregivers = tuple(Caregiver.read(c) for c in f.tables("caregivers"))
        people = tuple(Person.read(p) for p in f.tables("people"))
        pp = f.table("plan_period")
        plan = PlanPeriod.read(pp) if pp is not None else None
        goals = tuple(Goal.read(g) for g in f.tables("goals"))
        assignments = tuple(Assignment.read(a) for a in f.tables("assignments"))
        hierarchy = read_hierarchy(f)
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
            ndis_number=ndis_number,
            primary_disability=primary_disability,
            people=people,
            hierarchy=hierarchy,
            age_group=age_group,
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
        put(out, "age_group", self.age_group)
        out["regulation_framework"] = self.regulation_framework
        put(out, "communication", self.communication)
        put(out, "strengths", self.strengths)
        put(out, "ndis_number", self.ndis_number)
        put(out, "primary_disability", self.primary_disability)
        out.update({k: v for k, v in self.extra.items() if not is_table(v)})
        put(out, "caregivers", [c.to_dict() for c in self.caregivers])
        put(out, "people", [p.to_dict() for p in self.people])
        if self.plan_period is not None:
            out["plan_period"] = self.plan_period.to_dict()
        out.update({k: v for k, v in self.extra.items() if is_table(v)})
        put(out, "goals", [g.to_dict() for g in self.goals])
        put(out, "assignments", [a.to_dict() for a in self.assignments])
        put(out, "hierarchy", [s.to_dict() for s in self.hierarchy])
        return out
