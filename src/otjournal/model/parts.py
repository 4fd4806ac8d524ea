"""The parts of a homework entry: one table per entry kind (see :mod:`otjournal.model.kinds`).

The kinds that need their own shape (a thought record's emotions and thoughts) keep a
dataclass here; a kind declared by its field list alone is read into :class:`Answers`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import field
from typing import TYPE_CHECKING, Any

from otjournal.frozen import frozen
from otjournal.model.fields import Fields, put
from otjournal.model.kinds import DEFAULT_TENSION_ANCHORS
from otjournal.model.vocab import HOMEWORK_DONE

if TYPE_CHECKING:
    from otjournal.model.spec import FieldSpec


# How practice went, rated 0-10: nothing to rate when it was "not this time" (the log
# refuses them then, the prompt does not ask, check names a file that holds one).
PRACTICE_RATINGS = ("mastery", "pleasure", "mood_before", "mood_after")


@frozen
class Practice:
    """A practice / activity log (behavioural activation scales)."""

    done: str
    how_it_went: str = ""
    mastery: int | None = None
    pleasure: int | None = None
    mood_before: int | None = None
    mood_after: int | None = None
    what: str = ""  # what was practised, when the homework's name does not say it
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    @classmethod
    def read(cls, f: Fields) -> Practice:
        return cls(
            done=f.choice("done", HOMEWORK_DONE, required=True) or "",
            how_it_went=f.text("how_it_went"),
            what=f.text("what"),
            mastery=f.integer("mastery", 0, 10),
            pleasure=f.integer("pleasure", 0, 10),
            mood_before=f.integer("mood_before", 0, 10),
            mood_after=f.integer("mood_after", 0, 10),
            extra=f.extra(),
        )

    def rated_not_done(self) -> list[str]:
        """The ratings held by practice "not this time" (none should be: nothing was done
        to rate; the numbers leave them out)."""
        if self.done != "not-this-time":
            return []
        return [key for key in PRACTICE_RATINGS if getattr(self, key) is not None]

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"done": self.done}
        put(out, "what", self.what)
        put(out, "how_it_went", self.how_it_went)
        for k in PRACTICE_RATINGS:
            put(out, k, getattr(self, k))
        out.update(self.extra)
        return out


@frozen
class Relaxation:
    """Relaxation practice. The scale's anchors are stored: sheets differ in direction."""

    technique: str
    minutes: int | None = None
    tension_before: int | None = None
    tension_after: int | None = None
    anchor_low: str = DEFAULT_TENSION_ANCHORS[0]
    anchor_high: str = DEFAULT_TENSION_ANCHORS[1]
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    @classmethod
    def read(cls, f: Fields) -> Relaxation:
        return cls(
            technique=f.text("technique", required=True),
            minutes=f.integer("minutes", 0, 600, unit="minutes"),
            tension_before=f.integer("tension_before", 0, 10),
            tension_after=f.integer("tension_after", 0, 10),
            anchor_low=f.text("anchor_low", required=True),
            anchor_high=f.text("anchor_high", required=True),
            extra=f.extra(),
        )

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"technique": self.technique}
        for k in ("minutes", "tension_before", "tension_after"):
            put(out, k, getattr(self, k))
        out["anchor_low"] = self.anchor_low
        out["anchor_high"] = self.anchor_high
        out.update(self.extra)
        return out


@frozen
class Emotion:
    name: str
    before: int
    after: int | None = None
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    @classmethod
    def read(cls, f: Fields) -> Emotion:
        return cls(
            name=f.text("name", required=True),
            before=f.integer("before", 0, 100, required=True, unit="%") or 0,
            after=f.integer("after", 0, 100, unit="%"),
            extra=f.extra(),
        )

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"name": self.name, "before": self.before}
        put(out, "after", self.after)
        out.update(self.extra)
        return out


@frozen
class Thought:
    text: str
    belief: int
    hot: bool = False
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    @classmethod
    def read(cls, f: Fields) -> Thought:
        return cls(
            text=f.text("text", required=True),
            belief=f.integer("belief", 0, 100, required=True, unit="%") or 0,
            hot=f.boolean("hot"),
            extra=f.extra(),
        )

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"text": self.text, "belief": self.belief}
        if self.hot:
            out["hot"] = True
        out.update(self.extra)
        return out


@frozen
class ThoughtRecord:
    """The classic seven-column CBT thought record, ratings 0-100 %."""

    situation: str
    emotions: tuple[Emotion, ...]
    thoughts: tuple[Thought, ...]
    evidence_for: str = ""
    evidence_against: str = ""
    balanced_thought: str = ""
    balanced_belief: int | None = None
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    @classmethod
    def read(cls, f: Fields) -> ThoughtRecord:
        situation = f.text("situation", required=True)
        emotions = tuple(Emotion.read(e) for e in f.tables("emotions"))
        thoughts = tuple(Thought.read(t) for t in f.tables("thoughts"))
        if not emotions:
            f.error("emotions", "needs at least one [[thought_record.emotions]] with a rating")
        if not thoughts:
            f.error("thoughts", "needs at least one [[thought_record.thoughts]] with a belief")
        if sum(t.hot for t in thoughts) > 1:
            f.error("thoughts", "only one automatic thought can be marked hot")
        return cls(
            situation=situation,
            emotions=emotions,
            thoughts=thoughts,
            evidence_for=f.text("evidence_for"),
            evidence_against=f.text("evidence_against"),
            balanced_thought=f.text("balanced_thought"),
            balanced_belief=f.integer("balanced_belief", 0, 100, unit="%"),
            extra=f.extra(),
        )

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"situation": self.situation}
        put(out, "evidence_for", self.evidence_for)
        put(out, "evidence_against", self.evidence_against)
        put(out, "balanced_thought", self.balanced_thought)
        put(out, "balanced_belief", self.balanced_belief)
        out.update(self.extra)
        out["emotions"] = [e.to_dict() for e in self.emotions]
        out["thoughts"] = [t.to_dict() for t in self.thoughts]
        return out


@frozen
class MoodCheck:
    mood: int
    sleep_hours: float | None = None
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    @classmethod
    def read(cls, f: Fields) -> MoodCheck:
        return cls(
            mood=f.integer("mood", 0, 10, required=True) or 0,
            sleep_hours=f.number("sleep_hours", 0, 24),
            extra=f.extra(),
        )

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"mood": self.mood}
        put(out, "sleep_hours", self.sleep_hours)
        out.update(self.extra)
        return out


@frozen
class Answers:
    """The part of a kind declared by its field list alone: each value read by its type.

    Values are kept as (key, value) pairs in the spec's order, lists as tuples: the entry
    stays hashable and compares by value, like the dataclass parts.
    """

    values: tuple[tuple[str, Any], ...] = ()
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    def get(self, key: str, default: Any = None) -> Any:
        return dict(self.values).get(key, default)

    @classmethod
    def read(cls, f: Fields, fields: Sequence[FieldSpec]) -> Answers:
        values = [(s.key, read_field(f, s)) for s in fields]
        return cls(tuple((k, v) for k, v in values if v not in (None, "", ())), f.extra())

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for k, v in self.values:
            put(out, k, v)
        out.update(self.extra)
        return out


def read_field(f: Fields, s: FieldSpec) -> Any:
    """One value of a table, checked as its field spec says."""
    if s.type == "int":
        return f.integer(s.key, int(s.low or 0), int(s.high or 0), required=s.required, unit=s.unit)
    if s.type == "number":
        return f.number(s.key, s.low or 0, s.high or 0, required=s.required)
    if s.type == "choice":
        return f.choice(s.key, s.choices, required=s.required)
    if s.type == "texts":
        items = f.text_list(s.key)
        if s.required and not any(t.strip() for t in items):
            f.error(s.key, f'needs at least one: {s.key} = ["…"]')
        if s.max_items and len(items) > s.max_items:
            f.error(s.key, f"holds at most {s.max_items}")
        return items
    return f.text(s.key, required=s.required)
