"""A homework journal entry, kept by the client or a caregiver between sessions."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from otjournal.errors import ValidationError, ValidationErrors
from otjournal.model.fields import Fields, check_header, is_table, put
from otjournal.model.ids import handle_problem
from otjournal.model.vocab import FORMAT_VERSION, HOMEWORK_DONE, HOMEWORK_KINDS


@dataclass(frozen=True)
class Practice:
    """A practice / activity log (behavioural activation scales)."""

    done: str
    how_it_went: str = ""
    mastery: int | None = None
    pleasure: int | None = None
    mood_before: int | None = None
    mood_after: int | None = None
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    @classmethod
    def read(cls, f: Fields) -> Practice:
        return cls(
            done=f.choice("done", HOMEWORK_DONE, required=True) or "",
            how_it_went=f.text("how_it_went"),
            mastery=f.integer("mastery", 0, 10),
            pleasure=f.integer("pleasure", 0, 10),
            mood_before=f.integer("mood_before", 0, 10),
            mood_after=f.integer("mood_after", 0, 10),
            extra=f.extra(),
        )

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"done": self.done}
        put(out, "how_it_went", self.how_it_went)
        for k in ("mastery", "pleasure", "mood_before", "mood_after"):
            put(out, k, getattr(self, k))
        out.update(self.extra)
        return out


DEFAULT_TENSION_ANCHORS = ("0 = completely relaxed", "10 = the most tense I have felt")


@dataclass(frozen=True)
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


@dataclass(frozen=True)
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


@dataclass(frozen=True)
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


@dataclass(frozen=True)
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


@dataclass(frozen=True)
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


_PARTS = {
    "practice": ("practice", Practice),
    "relaxation": ("relaxation", Relaxation),
    "thought-record": ("thought_record", ThoughtRecord),
    "mood-check": ("mood", MoodCheck),
}


@dataclass(frozen=True)
class HomeworkEntry:
    """One entry; exactly the part named by ``entry_kind`` is present (free journal: none)."""

    id: str
    client: str
    entry_kind: str
    at: datetime
    written_by: str
    written_at: datetime
    assignment: str = ""
    practice: Practice | None = None
    relaxation: Relaxation | None = None
    thought_record: ThoughtRecord | None = None
    mood: MoodCheck | None = None
    text: str = ""
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> HomeworkEntry:
        errors: list[ValidationError] = []
        f = Fields(data, "", errors)
        check_header(f, "homework")
        eid = f.slug("id", required=True)
        client = f.text("client", required=True)
        if client and handle_problem(client):
            f.error("client", handle_problem(client) or "")
        kind = f.choice("entry_kind", HOMEWORK_KINDS, required=True)
        at = f.aware_datetime("at", required=True)
        written_by = f.text("written_by", required=True)
        written_at = f.aware_datetime("written_at", required=True)
        assignment = f.slug("assignment")
        parts: dict[str, Any] = {}
        for part_kind, (key, part_cls) in _PARTS.items():
            table = f.table(key, required=kind == part_kind)
            if table is None:
                continue
            if kind != part_kind:
                f.error(key, f"belongs to a {part_kind} entry, but entry_kind is {kind!r}")
                continue
            parts[key] = part_cls.read(table)
        text = f.text("text", required=kind == "journal")
        if errors:
            raise ValidationErrors(errors)
        assert kind is not None and at is not None and written_at is not None
        return cls(
            id=eid,
            client=client,
            entry_kind=kind,
            at=at,
            written_by=written_by,
            written_at=written_at,
            assignment=assignment,
            text=text,
            extra=f.extra(),
            **parts,
        )

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "format_version": FORMAT_VERSION,
            "kind": "homework",
            "id": self.id,
            "client": self.client,
            "entry_kind": self.entry_kind,
            "at": self.at,
            "written_by": self.written_by,
            "written_at": self.written_at,
        }
        put(out, "assignment", self.assignment)
        put(out, "text", self.text)
        out.update({k: v for k, v in self.extra.items() if not is_table(v)})
        for key, _ in _PARTS.values():
            part = getattr(self, key)
            if part is not None:
                out[key] = part.to_dict()
        out.update({k: v for k, v in self.extra.items() if is_table(v)})
        return out
