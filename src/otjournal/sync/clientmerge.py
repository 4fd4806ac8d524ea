"""Two versions of one client.toml joined: what two devices changed at once, kept.

Pure: records in, a record (or ``CannotMerge``) out; nothing is read or written here.
The git merge driver (mergedriver.py) and ``otj conflicts resolve --keep merge``
(resolve.py) use it.

- Goals and homework are joined by id: one only on one side is kept (a device added
  it). A goal on both sides joins when the two are equal, when one equals the common
  base (only the other device changed it), or when the two histories (``[[changes]]``)
  share a start: the changes made after it on either side are kept once, in time order,
  and each field takes the value of the side that changed it. A field both sides
  changed to different values, or a value no recorded change explains, is a conflict.
- The hierarchy's steps (graded exposure) are joined by id the same way: a step on both
  sides joins when the two are equal, when one equals the base, or when one side's
  changes (``[[hierarchy.changes]]``) start with all of the other's (only that side
  edited it since); otherwise it is a conflict.
- The profile (display name, date of birth, framework, communication, strengths,
  caregivers, plan period, any other key) must be the same on both sides, or one side
  must still hold the common base's value (git gives the base; a sync tool's copy has
  none). Otherwise ``CannotMerge`` names the field.

``join(a, b)`` and ``join(b, a)`` hold the same goals and homework, in the same order
(goals by the day they were set, then id): the result does not depend on which device
synced first. Messages name fields and ids only, never note text.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import fields, replace
from datetime import date
from typing import Any, TypeAlias, TypeVar, cast

from otjournal.errors import OtjournalError
from otjournal.model import Client
from otjournal.model.client import CHANGEABLE, Goal, GoalChange
from otjournal.model.hierarchy import Step
from otjournal.model.ids import shown
from otjournal.model.session import Assignment

R = TypeVar("R", Goal, Assignment, Step)
JoinOne: TypeAlias = Callable[[R, R, R | None], R]


class CannotMerge(OtjournalError):
    """Two versions of a client.toml that cannot be joined without a guess."""


class _Absent:
    """A key one side does not have (unlike None, which a field may hold)."""

    def __repr__(self) -> str:
        return "absent"


ABSENT: Any = _Absent()
NO_BASE: Any = _Absent()  # no common base is known (a sync tool's copy)

# The profile: (attribute, the name a person sees in the file). Every field of Client
# but those joined by id and the unknown keys, so a field added later is never left out
# (it would silently take one side's value).
_BY_ID = ("goals", "assignments", "hierarchy", "extra")
PROFILE = tuple((f.name, f.name) for f in fields(Client) if f.name not in _BY_ID)


def join(a: Client, b: Client, base: Client | None = None) -> Client:
    """One client holding what both ``a`` and ``b`` changed since ``base`` (when known),
    or ``CannotMerge`` saying which field or goal differs."""
    picked = {
        attr: _pick(name, getattr(a, attr), getattr(b, attr), _attr(base, attr))
        for attr, name in PROFILE
    }
    extra = _join_extra("", a.extra, b.extra, None if base is None else base.extra)
    goals = _join_by_id(
        {g.id: g for g in a.goals},
        {g.id: g for g in b.goals},
        {g.id: g for g in base.goals} if base is not None else None,
        _join_goal,
    )
    assignments = _join_by_id(
        {h.id: h for h in a.assignments},
        {h.id: h for h in b.assignments},
        {h.id: h for h in base.assignments} if base is not None else None,
        _join_assignment,
    )
    steps = _join_by_id(
        {s.id: s for s in a.hierarchy},
        {s.id: s for s in b.hierarchy},
        {s.id: s for s in base.hierarchy} if base is not None else None,
        _join_step,
    )
    return replace(
        a,
        **picked,
        extra=extra,
        goals=tuple(sorted(goals, key=_goal_order)),
        assignments=tuple(sorted(assignments, key=_assignment_order)),
        hierarchy=tuple(sorted(steps, key=_step_order)),
    )


def added(before: Client, after: Client) -> tuple[list[str], list[str]]:
    """The ids of the goals and the homework ``after`` has that ``before`` lacks."""
    goals = [g.id for g in after.goals if before.goal(g.id) is None]
    have = {h.id for h in before.assignments}
    return goals, [h.id for h in after.assignments if h.id not in have]


# -- comparing ------------------------------------------------------------------------


def plain(value: Any) -> Any:
    """A value as it is written in the file (so ``extra`` and nested tables count)."""
    if hasattr(value, "to_dict"):
        return plain(value.to_dict())
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, tuple | list):
        return [plain(v) for v in value]
    return value


def _empty(value: Any) -> Any:
    """None for no value at all (None, an empty table or list, an empty text)."""
    value = plain(value)
    if value is None or (isinstance(value, dict | list | str) and not value):
        return None
    return value


def same(x: Any, y: Any) -> bool:
    if x is ABSENT or y is ABSENT:
        return x is y
    return bool(_empty(x) == _empty(y))


def _attr(record: object | None, attr: str) -> Any:
    return NO_BASE if record is None else getattr(record, attr)


def _pick(what: str, a: Any, b: Any, base: Any) -> Any:
    """``a`` and ``b`` where they agree; the side that changed, when the other still
    holds the base's value (``NO_BASE``: none is known); otherwise a conflict naming
    ``what``."""
    side = _one_side(a, b, base)
    if side is NO_BASE:
        raise CannotMerge(f"{what} differs on the two devices")
    return side


def _one_side(a: Any, b: Any, base: Any) -> Any:
    """``a`` when the two agree, else the side that changed while the other still holds
    ``base`` (``NO_BASE``: none known); ``NO_BASE`` when both changed."""
    if same(a, b):
        return a
    if base is not NO_BASE and same(a, base):
        return b
    if base is not NO_BASE and same(b, base):
        return a
    return NO_BASE


def _join_extra(
    where: str, a: dict[str, Any], b: dict[str, Any], base: dict[str, Any] | None
) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key in [*a, *(k for k in b if k not in a)]:
        was = NO_BASE if base is None else base.get(key, ABSENT)
        value = _pick(where + shown(key), a.get(key, ABSENT), b.get(key, ABSENT), was)
        if value is not ABSENT:
            out[key] = value
    return out


def _join_by_id(
    a: dict[str, R], b: dict[str, R], base: dict[str, R] | None, join_one: JoinOne[R]
) -> list[R]:
    """Records by id: one side only is kept (a device added it; a record deleted on one
    side comes back); both sides are joined by ``join_one``."""
    out = []
    for key in sorted(a.keys() | b.keys()):
        if key not in b:
            out.append(a[key])
        elif key not in a:
            out.append(b[key])
        else:
            out.append(join_one(a[key], b[key], None if base is None else base.get(key)))
    return out


def _goal_order(goal: Goal) -> tuple[bool, date, str]:
    return (goal.set_on is not None, goal.set_on or date.min, goal.id)


def _assignment_order(h: Assignment) -> tuple[bool, date, str]:
    return (h.since is not None, h.since or date.min, h.id)


def _step_order(s: Step) -> tuple[bool, date, str]:
    return (s.added_on is not None, s.added_on or date.min, s.id)


def _join_step(a: Step, b: Step, base: Step | None) -> Step:
    side = _one_side(a, b, NO_BASE if base is None else base)
    if side is not NO_BASE:
        return cast("Step", side)
    # No base (a sync tool's copy): the side whose changes extend the other's edited it.
    shorter, longer = sorted((a, b), key=lambda s: len(s.changes))
    if len(shorter.changes) < len(longer.changes):
        head = longer.changes[: len(shorter.changes)]
        was = longer.changes[len(shorter.changes)].previous  # what the first new change replaced
        if all(same(x, y) for x, y in zip(head, shorter.changes, strict=True)) and all(
            same(getattr(shorter, k), v) for k, v in was.items()
        ):
            return longer
    raise CannotMerge(f"hierarchy step {a.id} was changed on both devices, differently")


def _join_assignment(a: Assignment, b: Assignment, base: Assignment | None) -> Assignment:
    side = _one_side(a, b, NO_BASE if base is None else base)
    if side is not NO_BASE:
        return cast("Assignment", side)
    raise CannotMerge(f"homework {a.id} was changed on both devices, differently")


# -- one goal on both sides -------------------------------------------------------------


def _join_goal(a: Goal, b: Goal, base: Goal | None) -> Goal:
    side = _one_side(a, b, NO_BASE if base is None else base)
    if side is not NO_BASE:
        return cast("Goal", side)
    what = f"goal {a.id}"
    n = _shared(a.changes, b.changes)
    tail_a, tail_b = a.changes[n:], b.changes[n:]
    values = {k: _goal_value(f"{what}: {k}", k, a, b, tail_a, tail_b, base) for k in CHANGEABLE}
    extra = _join_extra(f"{what}: ", a.extra, b.extra, None if base is None else base.extra)
    changes = (*a.changes[:n], *_in_time_order(tail_a, tail_b))
    return replace(a, **values, extra=extra, changes=changes)


def _shared(a: tuple[GoalChange, ...], b: tuple[GoalChange, ...]) -> int:
    """How many changes the two histories share from their start."""
    n = 0
    while n < min(len(a), len(b)) and same(a[n], b[n]):
        n += 1
    return n


def _in_time_order(a: tuple[GoalChange, ...], b: tuple[GoalChange, ...]) -> list[GoalChange]:
    """Both sides' later changes, each once, by time (ties: by content, so either side
    first gives the same order)."""
    seen: dict[str, GoalChange] = {}
    for change in (*a, *b):
        seen.setdefault(json.dumps(plain(change), sort_keys=True, default=str), change)
    return [seen[key] for key in sorted(seen, key=lambda k: (seen[k].at, k))]


def _written(goal: Goal, field: str) -> Any:
    """A changeable field as a change's ``previous`` would hold it."""
    if field == "levels":
        return goal.levels_table()
    return plain(getattr(goal, field))


def _goal_value(
    what: str,
    field: str,
    a: Goal,
    b: Goal,
    tail_a: tuple[GoalChange, ...],
    tail_b: tuple[GoalChange, ...],
    base: Goal | None,
) -> Any:
    """The joined goal's value of ``field``: the side that changed it wins."""
    va, vb = _written(a, field), _written(b, field)
    if same(va, vb):
        return getattr(a, field)
    if base is not None:  # git's base: the side still holding its value did not change it
        was = _written(base, field)
        if same(va, was):
            return getattr(b, field)
        if same(vb, was):
            return getattr(a, field)
        raise CannotMerge(f"{what} was changed on both devices, differently")
    was_a, was_b = _before(tail_a, field), _before(tail_b, field)
    if was_a is not ABSENT and was_b is not ABSENT:
        raise CannotMerge(f"{what} was changed on both devices, differently")
    if was_a is not ABSENT:  # only a's changes name it: b must still hold the old value
        if same(vb, was_a):
            return getattr(a, field)
    elif was_b is not ABSENT:
        if same(va, was_b):
            return getattr(b, field)
    # No change names the field. A change records no old value that was empty, so the
    # side holding a value set it from nothing, if that side has changes at all.
    elif _empty(va) is None and tail_b:
        return getattr(b, field)
    elif _empty(vb) is None and tail_a:
        return getattr(a, field)
    raise CannotMerge(f"{what} differs on the two devices and no recorded change says why")


def _before(tail: tuple[GoalChange, ...], field: str) -> Any:
    """The value ``field`` had before the first of these changes that names it."""
    for change in tail:
        if field in change.previous:
            return change.previous[field]
    return ABSENT
