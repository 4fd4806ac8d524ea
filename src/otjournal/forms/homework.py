"""A homework journal entry being written: answers as a table in the file format.

Like :mod:`otjournal.forms.session` for sessions: prompts, flags, ``--from`` and the editor
fill one table, and the model validates it. Pure: the clock is passed in.
"""

from __future__ import annotations

from datetime import datetime, time
from typing import Any

from otjournal.dates import OutOfRange, parse_day
from otjournal.errors import UsageError, ValidationError, ValidationErrors
from otjournal.forms.session import prune
from otjournal.model import HomeworkEntry
from otjournal.model.homework import DEFAULT_TENSION_ANCHORS
from otjournal.model.vocab import FORMAT_VERSION, HOMEWORK_DONE, HOMEWORK_KINDS

Entry = dict[str, Any]
PART_KEYS = {
    "practice": "practice",
    "relaxation": "relaxation",
    "thought-record": "thought_record",
    "mood-check": "mood",
}
FIELD_FLAGS = {
    "client": "CLIENT argument or default_client in the config",
    "entry_kind": "--kind or an ASSIGNMENT",
    "written_by": "--by",
    "practice.done": "--done yes|partly|not-this-time",
    "relaxation.technique": "--technique",
    "thought_record.situation": "--situation",
    "thought_record.emotions": "--emotion NAME:BEFORE[:AFTER]",
    "thought_record.thoughts": "--thought TEXT:BELIEF[:hot]",
    "mood.mood": "--mood 0-10",
    "text": "--text, --from or the prompt",
    "practice": "--done yes|partly|not-this-time",
    "relaxation": "--technique, --tension-before, --tension-after",
    "thought_record": "--situation, --emotion NAME:BEFORE[:AFTER], --thought TEXT:BELIEF[:hot]",
    "mood": "--mood 0-10",
}


def parse_when(value: str | None, now: datetime) -> datetime:
    """``now`` by default; ``HH:MM``, ``yesterday HH:MM``, ``YYYY-MM-DD[ HH:MM]``."""
    now = now.replace(second=0, microsecond=0)
    if not value or value.strip().lower() == "now":
        return now
    words = value.strip().lower().split()
    day = now.date()
    clock: time | None = None
    for word in words:
        try:
            if ":" in word:
                clock = time.fromisoformat(word)
            else:
                day = parse_day(word, now.date())
        except OutOfRange:
            raise
        except (ValueError, UsageError):
            # What was typed is not echoed: it may be a note in the wrong place.
            raise UsageError(
                "that is not a time: use HH:MM, 'yesterday 19:30' or YYYY-MM-DD HH:MM"
            ) from None
    if clock is None:
        clock = now.time() if day == now.date() else time(12, 0)
    return datetime.combine(day, clock.replace(second=0, microsecond=0), now.tzinfo)


def parse_emotion(value: str) -> dict[str, Any]:
    """``anxious:80`` or ``anxious:80:40`` (before, re-rated after, 0-100 %)."""
    parts = [p.strip() for p in value.split(":")]
    if len(parts) not in (2, 3) or not parts[0]:
        raise UsageError("--emotion takes NAME:BEFORE or NAME:BEFORE:AFTER, e.g. anxious:80:40")
    out: dict[str, Any] = {"name": parts[0]}
    for key, raw in zip(("before", "after"), parts[1:], strict=False):
        try:
            out[key] = int(raw.rstrip("%"))
        except ValueError:
            raise UsageError("--emotion ratings are whole percentages 0-100") from None
    return out


def parse_thought(value: str) -> dict[str, Any]:
    """``TEXT:BELIEF`` or ``TEXT:BELIEF:hot`` (belief 0-100 %)."""
    text, _, rest = value.rpartition(":")
    hot = False
    if rest.strip().lower() == "hot":
        hot = True
        text, _, rest = text.rpartition(":")
    try:
        belief = int(rest.strip().rstrip("%"))
    except ValueError:
        raise UsageError("--thought takes TEXT:BELIEF[:hot], e.g. 'I won't cope:75:hot'") from None
    if not text.strip():
        raise UsageError("--thought needs the thought's text before the belief rating")
    out: dict[str, Any] = {"text": text.strip(), "belief": belief}
    if hot:
        out["hot"] = True
    return out


def part(entry: Entry) -> dict[str, Any]:
    """The kind's own table (created on demand)."""
    key = PART_KEYS.get(entry.get("entry_kind", ""), "")
    return entry.setdefault(key, {}) if key else entry


def with_defaults(entry: Entry) -> Entry:
    """Relaxation entries carry the tension scale's anchors: sheets differ in direction."""
    if entry.get("entry_kind") == "relaxation":
        rel = entry.setdefault("relaxation", {})
        rel.setdefault("anchor_low", DEFAULT_TENSION_ANCHORS[0])
        rel.setdefault("anchor_high", DEFAULT_TENSION_ANCHORS[1])
    return entry


def finalize(entry: Entry, *, now: datetime) -> HomeworkEntry:
    """The entry to save: ``written_at`` from the clock, never from input."""
    data = with_defaults(prune(entry))
    thoughts = (data.get("thought_record") or {}).get("thoughts")
    if isinstance(thoughts, list) and len(thoughts) == 1 and isinstance(thoughts[0], dict):
        thoughts[0].setdefault("hot", True)  # a single automatic thought is the hot one
    data.update(
        format_version=FORMAT_VERSION,
        kind="homework",
        id=data.get("id") or "new",
        written_at=now.replace(microsecond=0),
    )
    data.setdefault("at", now.replace(second=0, microsecond=0))
    return HomeworkEntry.from_dict(data)


def missing_fields(entry: Entry, now: datetime) -> list[str]:
    """Required fields not given, as dotted keys (what --no-input must name)."""
    try:
        finalize(entry, now=now)
    except ValidationErrors as exc:
        return [
            e.field
            for e in exc.errors
            if e.detail.startswith("is required") or e.detail.startswith("needs at least one")
        ]
    return []


def form(entry: Entry, assignment_text: str = "") -> str:
    """A commented TOML form for $EDITOR, pre-filled."""
    from otjournal.disk.tomlio import dumps

    kind = entry.get("entry_kind", "practice")
    body = dict(with_defaults({k: v for k, v in entry.items() if k not in ("written_at",)}))
    body.setdefault("entry_kind", kind)
    hints = {
        "practice": f"done = {' | '.join(HOMEWORK_DONE)}; mastery, pleasure, mood_before, "
        "mood_after 0-10",
        "relaxation": "technique; minutes; tension_before/after 0-10 (see the anchors)",
        "thought-record": "situation; [[thought_record.emotions]] name, before, after 0-100; "
        "[[thought_record.thoughts]] text, belief 0-100, hot = true on one",
        "mood-check": "[mood] mood 0-10 (0 lowest, 10 best); sleep_hours",
        "journal": 'text = """..."""',
    }
    skeleton = {
        "practice": {"done": "", "how_it_went": ""},
        "relaxation": {"technique": assignment_text},
        "thought-record": {
            "situation": "",
            "emotions": [{"name": "", "before": ""}],
            "thoughts": [{"text": "", "belief": ""}],
            "evidence_for": "",
            "evidence_against": "",
            "balanced_thought": "",
        },
        "mood-check": {"mood": ""},
    }
    key = PART_KEYS.get(kind)
    if key and key not in body:
        body[key] = skeleton[kind]
    if kind == "journal":
        body.setdefault("text", "")
    head = [
        "# otjournal homework journal entry. Lines starting with # are comments.",
        f"# entry_kind = {' | '.join(HOMEWORK_KINDS)}",
        f"# {hints.get(kind, '')}",
        "# Save and close to keep it; leave the file empty to keep a draft instead.",
        "",
    ]
    if assignment_text:
        head.insert(1, f"# Homework: {assignment_text}")
    return "\n".join(head) + dumps(body).decode("utf-8")


def form_to_entry(data: dict[str, Any]) -> Entry:
    entry = prune(data)
    for key in ("written_at", "format_version", "kind"):
        entry.pop(key, None)
    return entry


def required_error(field: str) -> ValidationErrors:
    return ValidationErrors([ValidationError(field, "is required")])
