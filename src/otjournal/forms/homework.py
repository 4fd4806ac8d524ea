"""A homework journal entry being written: answers as a table in the file format.

Like :mod:`otjournal.forms.session` for sessions: prompts, flags, ``--from`` and the editor
fill one table, and the model validates it. Pure: the clock is passed in.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from otjournal.dates import OutOfRange, parse_day
from otjournal.errors import UsageError, ValidationError, ValidationErrors
from otjournal.forms.common import merged
from otjournal.forms.session import prune, put, start_problem
from otjournal.model import Assignment, HomeworkEntry, kinds
from otjournal.model.ids import shown
from otjournal.model.kinds import HOMEWORK_KINDS
from otjournal.model.parts import PRACTICE_RATINGS
from otjournal.model.vocab import FORMAT_VERSION
from otjournal.model.write_rules import checked_writer, writer_problems

Entry = dict[str, Any]
PART_KEYS = kinds.PART_KEYS


def at_problem(at: Any, now: datetime) -> str | None:
    """Why an entry cannot be dated ``at`` (later than now: `otj log`'s rule for a
    session, the same clock skew allowed), in homework's words; or None."""
    return start_problem(at, now, "an entry is written about homework already done")


def _field_flags() -> dict[str, str]:
    """What --no-input names for each required field (and each whole part) left out."""
    flags = {
        "client": "CLIENT argument or default_client in the config",
        "entry_kind": "--kind or an ASSIGNMENT",
        "written_by": "--by",
    }
    for k in kinds.HOMEWORK:
        flags.update({k.dotted(f): f.option for f in k.fields if f.required and f.flag})
    flags["text"] = "--text, --from or the prompt"
    for k in kinds.HOMEWORK:
        named = [f.option if f.required else f.flag for f in k.fields if f.required or f.suggest]
        if k.part_key:
            flags[k.part_key] = ", ".join(n for n in named if n)
    return flags


FIELD_FLAGS = _field_flags()


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


def part(entry: Entry) -> dict[str, Any]:
    """The kind's own table (created on demand)."""
    key = PART_KEYS.get(entry.get("entry_kind", ""), "")
    return entry.setdefault(key, {}) if key else entry


def with_defaults(entry: Entry) -> Entry:
    """Fields the spec fills when left out (the relaxation scale's anchors: sheets differ
    in direction)."""
    spec = kinds.homework_kind(entry.get("entry_kind", ""))
    defaults = {f.key: f.default for f in spec.fields if f.default is not None} if spec else {}
    if spec is not None and defaults:
        table = entry.setdefault(spec.part_key, {})
        for key, value in defaults.items():
            table.setdefault(key, value)
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
    made = HomeworkEntry.from_dict(data)
    refused = writer_problems(data, "written_by")
    rated = made.practice.rated_not_done() if made.practice else []
    # From the editor or --from (the flags are refused before: unrated), each at its line.
    refused += [
        ValidationError(
            f"practice.{key}",
            "practice not done this time has nothing to rate",
            hint='take the rating out, or say done = "yes" or "partly"',
        )
        for key in rated
    ]
    if refused:
        raise ValidationErrors(refused)
    return made


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
    spec = kinds.homework_kind(kind)
    if spec is not None and spec.part_key and spec.part_key not in body:
        body[spec.part_key] = spec.skeleton(assignment_text)
    if spec is not None and any(f.top and f.required for f in spec.fields):
        body.setdefault("text", "")
    head = [
        "# otjournal homework journal entry. Lines starting with # are comments.",
        f"# entry_kind = {' | '.join(HOMEWORK_KINDS)}",
        f"# {spec.hint() if spec else ''}",
        "# Save and close to keep it; leave the file empty to keep a draft instead.",
        "",
    ]
    if assignment_text:
        head.insert(1, f"# Homework: {assignment_text}")
    return "\n".join(head) + dumps(body).decode("utf-8")


def form_to_entry(data: dict[str, Any]) -> Entry:
    entry: Entry = prune(data)
    for key in ("written_at", "format_version", "kind"):
        entry.pop(key, None)
    return entry


def required_error(field: str) -> ValidationErrors:
    return ValidationErrors([ValidationError(field, "is required")])


# -- the flags of `otj homework log` -----------------------------------------------------


@dataclass
class LogAnswers:
    """What ``otj homework log`` was given: its options, its ASSIGNMENT and ``--from``."""

    given: Entry = field(default_factory=dict)  # read from --from (id and client dropped)
    assignment: str | None = None  # an id, or a number in 'otj homework list'
    kind: str | None = None
    at: str | None = None
    by: str | None = None
    text: str | None = None
    flags: dict[str, Any] = field(default_factory=dict)  # option name -> value, per the spec


def flag_values(flags: dict[str, Any]) -> Entry:
    """The spec's flags as dotted keys and stored values (single values before lists, as a
    form lists them)."""
    found = [(k, f, flags.get(f.option_name)) for k, f in kinds.homework_flags()]
    out: Entry = {}
    for k, f, value in sorted(found, key=lambda x: x[1].repeats):
        if value is None or (f.repeats and not value):
            continue
        if f.repeats:
            value = [f.parse(v) if f.parse else v for v in value]
        elif f.parse:
            value = f.parse(value)
        elif isinstance(value, float):
            value += 0.0  # "-0" is 0: stored as -0.0 it would read "-0.0 hours"
        out[k.dotted(f)] = value
    return out


def pick_assignment(
    ref: str, current: Sequence[Assignment], earlier: Sequence[Assignment] = ()
) -> Assignment:
    """The current homework named by its id or its number in 'otj homework list'; or,
    by its id, homework set earlier (a caregiver catching up on last week after a new
    session has moved the plan on: the entry still counts for what was set then)."""
    chosen = next((a for a in (*current, *earlier) if a.id == ref), None)
    if chosen is None and ref.isdigit() and 1 <= int(ref) <= len(current):
        chosen = current[int(ref) - 1]
    if chosen is None:
        raise UsageError(f"no homework {shown(ref)} was set: see 'otj homework list'")
    return chosen


def log_entry(
    given: LogAnswers,
    *,
    current: Sequence[Assignment],
    earlier: Sequence[Assignment] = (),
    kept: Entry | None,
    now: datetime,
    unattended: bool,
    self_writer: str = "",
) -> Entry:
    """The entry the flags describe, laid over a resumed draft's (``kept``): what is given
    now wins. ``self_writer`` signs an entry in self mode when --by is not given."""
    entry: Entry = dict(given.given)
    if given.assignment:
        chosen = pick_assignment(given.assignment, current, earlier)
        entry["assignment"] = chosen.id
        entry["entry_kind"] = chosen.kind
    if given.kind:
        if given.kind not in HOMEWORK_KINDS:
            raise UsageError(f"--kind must be one of {', '.join(HOMEWORK_KINDS)}")
        if given.assignment and given.kind != entry["entry_kind"]:
            # Only an entry of its kind counts for a homework (numbers/homework.py).
            raise UsageError(
                f"homework {given.assignment} ({entry['assignment']}) is a "
                f"{entry['entry_kind']}: log it as one (leave out --kind), or a "
                f"{given.kind} entry of its own (leave out the homework)"
            )
        entry["entry_kind"] = given.kind
    if given.at:
        # Read in the offset of the time kept in a resumed draft (a kept value keeps it).
        kept_at = kept.get("at") if kept is not None else None
        clock = now.astimezone(kept_at.tzinfo) if isinstance(kept_at, datetime) else now
        entry["at"] = parse_when(given.at, clock)
    flagged = flag_values(given.flags)
    for dotted, value in flagged.items():
        put(entry, dotted, value)
    if given.text is not None:
        put(entry, "text", given.text)
    if given.by:
        entry["written_by"] = checked_writer(given.by)  # said as --by, before any question
    if kept is not None:
        entry = merged(kept, entry)
    unrated(entry, flagged=set(flagged), written=given.given.get("practice") or {})
    if "at" not in entry and unattended:
        entry["at"] = parse_when(None, now)
    if self_writer and not entry.get("written_by"):
        entry["written_by"] = self_writer
    if not entry.get("entry_kind"):
        guess = next((k for k, key in PART_KEYS.items() if key in entry), None)
        if guess:
            entry["entry_kind"] = guess
    return entry


def unrated(entry: Entry, flagged: set[str], written: Any) -> None:
    """Practice "not this time" has nothing to rate. Ratings given with it by flags are
    refused here. "Not this time" given now by a flag over a resumed draft that was
    rated takes the draft's ratings with it, as at the prompt when "n" is answered. Any
    other rating (a --from file's, a draft's own) stays, to be refused in the file's
    words when the entry is made (finalize): never dropped without a word."""
    practice = entry.get("practice")
    if not isinstance(practice, dict) or practice.get("done") != "not-this-time":
        return
    rated = [key for key in PRACTICE_RATINGS if f"practice.{key}" in flagged]
    if rated:
        flags = ", ".join("--" + key.replace("_", "-") for key in rated)
        raise UsageError(
            f"{flags}: practice not done this time has nothing to rate",
            hint=f"leave out {flags}, or give --done yes or --done partly",
        )
    if "practice.done" not in flagged:
        return
    for key in PRACTICE_RATINGS:
        if not (isinstance(written, dict) and key in written):
            practice.pop(key, None)


def same_words(a: str, b: str) -> bool:
    """Whether two names of practice are the same, letter case, accents and spacing
    aside (how ``practised`` matches ``--what`` to a homework)."""
    from otjournal.disk.search_text import fold

    return " ".join(fold(a).split()) == " ".join(fold(b).split())


def named_by(what: str, current: Sequence[Assignment], day: date | None) -> list[Assignment]:
    """The practice homework assigned on ``day`` whose name is ``what`` (``same_words``;
    homework added by hand from a later day was not assigned then)."""
    return [
        a
        for a in current
        if a.kind == "practice"
        and same_words(a.text, what)
        and (a.since is None or day is None or a.since <= day)
    ]


def practised(entry: Entry, current: Sequence[Assignment]) -> tuple[Entry, Assignment] | None:
    """A practice entry with no homework linked, as it is saved when what it says was
    practised (``--what``) is the name of the one practice homework assigned now
    (``same_words``): linked to it, its name then the default; and that homework. None
    for anything else (a second homework of that name, or none: practice of its own).
    Asked as the entry is saved, so a resumed draft given other words is never linked.
    An exposure practice is linked likewise to the one exposure homework assigned now
    (its step says what was practised). Homework added by hand from a later day than the
    entry's is not offered: it was not assigned then."""
    at = entry.get("at")
    day = at.date() if isinstance(at, datetime) else None
    current = [a for a in current if a.since is None or day is None or a.since <= day]
    if not entry.get("assignment") and entry.get("entry_kind") == "exposure":
        exposure = [a for a in current if a.kind == "exposure"]
        return (
            ({**entry, "assignment": exposure[0].id}, exposure[0]) if len(exposure) == 1 else None
        )
    part = entry.get("practice")
    if entry.get("assignment") or entry.get("entry_kind") != "practice":
        return None
    what = part.get("what") if isinstance(part, dict) else None
    if not isinstance(part, dict) or not isinstance(what, str) or not what.strip():
        return None
    named = named_by(what, current, day)
    if len(named) != 1:
        return None
    rest = {k: v for k, v in part.items() if k != "what"}
    return {**entry, "assignment": named[0].id, "practice": rest}, named[0]
