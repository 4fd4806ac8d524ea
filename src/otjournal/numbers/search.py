"""What ``otj search`` can find in a record: its free-text fields, each with the name
``--field`` takes, and the facts its filters ask about. Pure: a record in, plain data out
(what disk/search.py indexes).

A session is read as amended (numbers/amended.py): a corrected field is found by its
corrected words and says so ("plan.summary (amended 2026-03-09)"); each amendment's own
words are a part of their own, dated the day it was made.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from otjournal.model import HomeworkEntry, Session

# The names --field takes, with what each covers (shown in help and errors).
FIELDS: dict[str, str] = {
    "evidence": "goals' evidence",
    "activity": "activities: names, adaptations, responses",
    "voice": "the client's voice (child_voice.text)",
    "caregiver": "the caregiver's report and involvement",
    "regulation": "regulation: notes and what helped",
    "checklist": "notes on checklist answers",
    "summary": "the plan's summary",
    "next-focus": "the plan's next focus",
    "plan-homework": "homework set in the session",
    "technique": "techniques used in the session",
    "intake": "an intake's text",
    "discharge": "a discharge's text (who was told too)",
    "risk": "risk: what was identified, the action taken, who was told",
    "amendment": "an amendment's own words",
    "homework": "a homework entry's text (every kind)",
}
_BY_PART = {
    "goals": "evidence",
    "activities": "activity",
    "child_voice": "voice",
    "caregiver": "caregiver",
    "regulation": "regulation",
    "checklist": "checklist",
    "plan.summary": "summary",
    "plan.next_focus": "next-focus",
    "plan.homework": "plan-homework",
    "intake": "intake",
    "discharge": "discharge",
    "risk": "risk",
}
# Lists of the practitioner's words (text_spots gives single texts): (table, key).
_TEXT_LISTS = (
    ("regulation", "helped"),
    ("intake", "diagnoses"),
    ("intake", "strengths"),
    ("intake", "communication"),
    ("discharge", "told"),
    ("risk", "told"),
)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICRO = timedelta(microseconds=1)

# One searchable part: kind (session, homework, amendment), the --field name ("" for
# the record's own row, which carries its facts and is never matched), the field's path
# as shown, the day it was amended ("" if not), its text, its day (ordinal) and moment
# (µs since the epoch, orders results newest first).
Part = tuple[str, str, str, str, str, int, int]


def _when(at: datetime) -> tuple[int, int]:
    return at.toordinal(), (at - _EPOCH) // _MICRO


def field_name(path: str) -> str:
    """The --field name of a session field's path (``plan.summary`` -> summary)."""
    segments = re.sub(r"\[[^\]]*\]", "", path).split(".")
    two, one = ".".join(segments[:2]), segments[0]
    return _BY_PART.get(two) or _BY_PART.get(one) or one


def session_parts(session: Session) -> tuple[dict[str, Any], list[Part]]:
    """The facts the filters read (as the note reads now) and the text parts."""
    # Here, not at the top: a search the index answers never reads a record.
    from otjournal.numbers.amended import amended_fields, as_amended, text_spots

    now = as_amended(session)
    amended = amended_fields(session)
    day, moment = _when(session.start)
    facts = {
        "setting": now.setting,
        "goals": [g.goal for g in now.goals],
        "techniques": list(now.techniques),
        "checklist": {c.item: c.answer for c in now.checklist},
        "activities": [a.name for a in now.activities],
    }
    parts: list[Part] = [("session", "", "", "", now.plan.summary, day, moment)]
    data = now.to_dict()
    for spot in text_spots(data):
        if spot.current:
            changed = amended.get(spot.path)
            when = changed.isoformat() if changed else ""
            parts.append(
                ("session", field_name(spot.path), spot.path, when, spot.current, day, moment)
            )
    for table, key in _TEXT_LISTS:
        for i, text in enumerate(data.get(table, {}).get(key, ())):
            name = field_name(table)
            parts.append(("session", name, f"{table}.{key}[{i + 1}]", "", text, day, moment))
    for i, text in enumerate(now.techniques):
        when = amended["techniques"].isoformat() if "techniques" in amended else ""
        parts.append(("session", "technique", f"techniques[{i + 1}]", when, text, day, moment))
    for i, a in enumerate(session.amendments):
        a_day, a_moment = _when(a.at)
        label = f"amendments[{i + 1}] ({a.kind})"
        parts.append(("amendment", "amendment", label, "", a.text, a_day, a_moment))
    return facts, parts


def homework_parts(entry: HomeworkEntry) -> tuple[dict[str, Any], list[Part]]:
    """A homework entry's text fields, as its kind declares them (model/kinds.py)."""
    from otjournal.model.kinds import HOMEWORK_BY_NAME

    day, moment = _when(entry.at)
    parts: list[Part] = []
    data = entry.to_dict()
    spec = HOMEWORK_BY_NAME.get(entry.entry_kind)
    for f in spec.fields if spec is not None else ():
        if f.default is not None or f.type not in ("text", "texts", "tables"):
            continue  # a scale's anchors are the tool's words, not the person's
        path = spec.dotted(f) if spec is not None else f.key
        table = data if f.top or not spec or not spec.part_key else data.get(spec.part_key, {})
        value = table.get(f.key)
        if isinstance(value, str) and value:
            parts.append(("homework", "homework", path, "", value, day, moment))
        for i, row in enumerate(value if isinstance(value, list) else ()):
            texts = [(path + f"[{i + 1}]", row)] if isinstance(row, str) else []
            if isinstance(row, dict):
                texts = [(f"{path}[{i + 1}].{k}", v) for k, v in row.items() if isinstance(v, str)]
            parts += [("homework", "homework", p, "", t, day, moment) for p, t in texts if t]
    head = ("homework", "", "", "", parts[0][4] if parts else entry.entry_kind, day, moment)
    return {"entry_kind": entry.entry_kind}, [head, *parts]


def parts_of(kind: str, record: Any) -> tuple[dict[str, Any], list[Part]]:
    """The facts and parts of a session or a homework entry (``kind`` as loading names it)."""
    return session_parts(record) if kind == "session" else homework_parts(record)
