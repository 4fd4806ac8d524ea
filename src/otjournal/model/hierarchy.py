"""A client's graded-exposure hierarchy: the ``[[hierarchy]]`` steps of client.toml.

Each step has a stable id (``s<n>-<3 chars>``, like a goal's: two devices adding a step
at once make different ids), its words, and the distress expected (SUDS 0-100). An
exposure homework entry names its step by id, so an edit keeps the id and the old words
and SUDS in a dated change (``[[hierarchy.changes]]``), and a step some entry names is
retired, never removed. Pure: no I/O.
"""

from __future__ import annotations

from dataclasses import field, replace
from datetime import date, datetime
from typing import Any

from otjournal.frozen import frozen
from otjournal.model.fields import Fields, is_table, put

STEP_STATUSES = ("active", "retired")
STEP_CHANGEABLE = ("step", "suds", "status")  # what a change may have replaced


class AmbiguousStep(ValueError):
    def __init__(self, key: str, ids: tuple[str, ...]) -> None:
        super().__init__(f"{key} names {len(ids)} steps: use the full id ({', '.join(ids)})")
        self.ids = ids


@frozen
class StepChange:
    """A dated edit of a step: what the step's values were before it."""

    at: datetime
    by: str = ""
    previous: dict[str, Any] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    @classmethod
    def read(cls, f: Fields) -> StepChange | None:
        at = f.aware_datetime("at", required=True)
        by = f.text("by")
        prev = f.table("previous")
        previous = dict(prev.data) if prev is not None else {}
        if prev is not None:
            for key in prev.data:
                if key not in STEP_CHANGEABLE:
                    prev.error(key, "is not a step's field: " + ", ".join(STEP_CHANGEABLE))
        if at is None:
            return None
        return cls(at, by, previous, extra=f.extra())

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"at": self.at}
        put(out, "by", self.by)
        out.update({k: v for k, v in self.extra.items() if not isinstance(v, dict)})
        put(out, "previous", dict(self.previous))
        out.update({k: v for k, v in self.extra.items() if isinstance(v, dict)})
        return out


@frozen
class Step:
    """One step of the hierarchy: its words and the distress expected (SUDS 0-100)."""

    id: str
    step: str
    suds: int
    status: str = "active"
    added_on: date | None = None
    changes: tuple[StepChange, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    @classmethod
    def read(cls, f: Fields) -> Step:
        sid = f.slug("id", required=True)
        text = f.text("step", required=True)
        suds = f.integer("suds", 0, 100, required=True)
        status = f.choice("status", STEP_STATUSES, default="active") or "active"
        added_on = f.date("added_on")
        changes = tuple(c for c in (StepChange.read(x) for x in f.tables("changes")) if c)
        return cls(sid, text, suds if suds is not None else 0, status, added_on, changes, f.extra())

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id, "step": self.step, "suds": self.suds}
        if self.status != "active":
            out["status"] = self.status
        put(out, "added_on", self.added_on)
        out.update({k: v for k, v in self.extra.items() if not is_table(v)})
        out.update({k: v for k, v in self.extra.items() if is_table(v)})
        put(out, "changes", [c.to_dict() for c in self.changes])
        return out

    @property
    def number(self) -> str:
        """The short name a person types: ``s3`` for ``s3-k7q``."""
        return self.id.partition("-")[0]

    @property
    def named(self) -> str:
        """The step as a person reads it where an entry names it: ``Order a coffee (s2)``."""
        return f"{self.step} ({self.number})"

    @property
    def is_active(self) -> bool:
        return self.status == "active"

    def changed(self, at: datetime, by: str, **new: Any) -> Step:
        """This step with ``new`` values, the old ones kept in a dated change."""
        fields = {k: v for k, v in new.items() if getattr(self, k) != v}
        if not fields:
            return self
        change = StepChange(at, by, {k: getattr(self, k) for k in fields})
        return replace(self, **fields, changes=(*self.changes, change))


def read_hierarchy(f: Fields) -> tuple[Step, ...]:
    """The ``[[hierarchy]]`` steps, each id used once."""
    steps = tuple(Step.read(s) for s in f.tables("hierarchy"))
    seen: set[str] = set()
    for i, s in enumerate(steps):
        if s.id and s.id in seen:
            f.error(f"hierarchy[{i}].id", f"{s.id!r} is used by another step")
        seen.add(s.id)
    return steps


def by_suds(steps: tuple[Step, ...]) -> tuple[Step, ...]:
    """The steps as a hierarchy is read: least distress first (then as added)."""
    return tuple(sorted(steps, key=lambda s: s.suds))


def find_step(steps: tuple[Step, ...], key: str) -> Step | None:
    """The step ``key`` names: its id, or its short name (``s3``) when one step alone has
    it; ``AmbiguousStep`` when two do (two devices each added a third step)."""
    exact = next((s for s in steps if s.id == key), None)
    if exact is not None:
        return exact
    same = [s for s in steps if s.number == key]
    if len(same) > 1:
        raise AmbiguousStep(key, tuple(s.id for s in same))
    return same[0] if same else None


def next_step_id(steps: tuple[Step, ...], suffix: str | None = None) -> str:
    """``s<n>-<suffix>``: the number counts on from the highest; the random suffix keeps
    two devices adding a step at once apart (see ``Client.next_goal_id``)."""
    from otjournal.model.ids import new_suffix

    numbers = [int(s.number[1:]) for s in steps if s.number[1:].isdigit()]
    return f"s{max(numbers, default=0) + 1}-{suffix or new_suffix()[:3]}"


def name_step(entry: dict[str, Any], steps: tuple[Step, ...]) -> None:
    """An exposure entry's ``step`` as the full id of the hierarchy's step it names (``s2``
    -> ``s2-k7q``), in place. A client without a hierarchy may name a step in words; with
    one, the step must be one of its steps (a located error otherwise)."""
    from otjournal.errors import ValidationError, ValidationErrors
    from otjournal.model.ids import shown

    table = entry.get("exposure")
    if entry.get("entry_kind") != "exposure" or not isinstance(table, dict):
        return
    key = table.get("step")
    if not steps or not isinstance(key, str) or not key.strip():
        return
    try:
        found = find_step(steps, key.strip())
    except AmbiguousStep as exc:
        raise ValidationErrors([ValidationError("exposure.step", str(exc))]) from None
    if found is None:
        ids = ", ".join(s.number for s in by_suds(steps))
        raise ValidationErrors(
            [
                ValidationError(
                    "exposure.step", f"{shown(key)} is none of the hierarchy's steps: {ids}"
                )
            ]
        )
    table["step"] = found.id
