"""A homework journal entry, kept by the client or a caregiver between sessions."""

from __future__ import annotations

from dataclasses import field
from datetime import datetime
from typing import Any, ClassVar

from otjournal.errors import ValidationError, ValidationErrors
from otjournal.frozen import frozen
from otjournal.model.fields import Fields, check_header, is_table, put
from otjournal.model.ids import handle_problem
from otjournal.model.kinds import HOMEWORK, HOMEWORK_BY_NAME, HOMEWORK_KINDS
from otjournal.model.parts import Answers, MoodCheck, Practice, Relaxation, ThoughtRecord
from otjournal.model.spec import RecordKind
from otjournal.model.vocab import FORMAT_VERSION


def _needs_text(spec: RecordKind) -> bool:
    return any(f.top and f.key == "text" and f.required for f in spec.fields)


@frozen
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
    answers: Answers | None = None  # a kind declared by its fields alone (model.kinds)
    text: str = ""
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    @property
    def order(self) -> tuple[datetime, datetime, str]:
        """Entries in the order they were made: by the minute they are dated, then by
        when each was written (two in one minute), then the id."""
        return (self.at, self.written_at, self.id)

    # The one part present is written under its kind's key (``part_key``), not these.
    JSON_OMITS: ClassVar[tuple[str, ...]] = (
        "practice",
        "relaxation",
        "thought_record",
        "mood",
        "answers",
    )

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
        for spec in HOMEWORK:
            if not spec.part_key or (spec.part_key not in f.data and kind != spec.name):
                continue  # no such table, nor is one needed (most kinds, in any entry)
            table = f.table(spec.part_key, required=kind == spec.name)
            if table is None:
                continue
            if kind != spec.name:
                f.error(
                    spec.part_key, f"belongs to a {spec.name} entry, but entry_kind is {kind!r}"
                )
                continue
            parts[spec.attr] = spec.read(table)
        own = HOMEWORK_BY_NAME.get(kind or "")
        text = f.text("text", required=own is not None and _needs_text(own))
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

    @property
    def part(self) -> Any:
        """The table of the entry's kind (None for a journal entry)."""
        spec = HOMEWORK_BY_NAME.get(self.entry_kind)
        return getattr(self, spec.attr) if spec is not None and spec.attr else None

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
        spec = HOMEWORK_BY_NAME.get(self.entry_kind)
        part = self.part
        if spec is not None and part is not None:
            out[spec.part_key] = part.to_dict()
        out.update({k: v for k, v in self.extra.items() if is_table(v)})
        return out
