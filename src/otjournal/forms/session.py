"""A session note being written: the answers so far, as a table in the file format.

Prompts, flags, ``--from`` files, the editor form and drafts all fill the same
table (the session file's own shape, without ``id`` and ``written_at``), so there is
one set of rules: the model's. Pure: no I/O, the clock is passed in.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, datetime, time, timedelta, tzinfo
from typing import TYPE_CHECKING, Any

from otjournal.dates import parse_day
from otjournal.errors import UsageError, ValidationError, ValidationErrors
from otjournal.model import Client, Session
from otjournal.model.client import AmbiguousGoal
from otjournal.model.ids import is_slug, shown
from otjournal.model.session_kind import SESSION
from otjournal.model.vocab import (
    CHECKLIST,
    FORMAT_VERSION,
    GAS_LEVELS,
    MAX_MINUTES,
    NOT_HELD_TYPES,
)
from otjournal.model.write_rules import (
    born_problem,
    closed_problem,
    repeated_attendees,
    writer_problems,
)

if TYPE_CHECKING:
    from otjournal.config import Config

Note = dict[str, Any]

# What a note cannot be saved without, as dotted keys (start and duration have defaults),
# and how each is given: declared with the session kind.
REQUIRED = tuple(SESSION.dotted(f) for f in SESSION.fields if f.required)
FIELD_FLAGS = {SESSION.dotted(f): f.option for f in SESSION.fields}
# A note is written about a session that has happened. A device whose clock runs a
# little behind another's must still be able to log the session that just started.
CLOCK_SKEW = timedelta(minutes=5)
# A session lasts at least a minute and at most a day (the model reads 0 in old files).
MIN_DURATION, MAX_DURATION = 1, MAX_MINUTES
ANSWER_LETTERS = {
    "y": "yes",
    "p": "partly",
    "n": "no",
    "u": "unsure",
    "-": "n-a",
    "a": "n-a",
    ".": "n-a",
    "?": "unsure",
}


def get(note: Note, dotted: str) -> Any:
    value: Any = note
    for part in dotted.split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value


def put(note: Note, dotted: str, value: Any) -> None:
    parts = dotted.split(".")
    table = note
    for part in parts[:-1]:
        table = table.setdefault(part, {})
    table[parts[-1]] = value


def missing_fields(note: Note, optional: Iterable[str] = ()) -> list[str]:
    """The required parts a note lacks; ``optional`` are required of a session but not of
    this kind of note (a review's summary, a discharge's attendees)."""
    return [k for k in REQUIRED if k not in optional and get(note, k) in (None, "", [], {})]


def checklist_items(extra: tuple[Any, ...] = (), seven: bool = True) -> list[tuple[str, str]]:
    """The seven items of the seed, word for word (unless ``seven`` is off: an adult
    client, see Config.asks_the_seven), then the practice's own."""
    return (list(CHECKLIST) if seven else []) + [(e.item, e.text) for e in extra]


def items_for(config: Config, client: Client, on: date) -> list[tuple[str, str]]:
    """The checklist items asked in a note for ``client`` written on ``on``."""
    return checklist_items(config.extra_items, config.asks_the_seven(client.is_adult(on)))


def parse_checklist_line(line: str, items: list[tuple[str, str]]) -> list[str]:
    """``yyypyn-`` → answers. y yes, p partly, n no, u unsure, - n/a (spaces ignored)."""
    letters = [c for c in line.strip().lower() if not c.isspace()]
    if len(letters) != len(items):
        raise UsageError(
            f"the checklist line needs {len(items)} letters, one per item (got {len(letters)})",
            hint="y yes · p partly · n no · u unsure · - not applicable",
        )
    bad = sorted({c for c in letters if c not in ANSWER_LETTERS})
    if bad:
        raise UsageError(
            f"unknown checklist letter(s) {' '.join(bad)}",
            hint="y yes · p partly · n no · u unsure · - not applicable",
        )
    return [ANSWER_LETTERS[c] for c in letters]


def set_checklist(note: Note, answers: list[str], items: list[tuple[str, str]]) -> None:
    old = {c.get("item"): c for c in note.get("checklist", []) if isinstance(c, dict)}
    note["checklist"] = [
        {**old.get(key, {}), "item": key, "text": text, "answer": answer}
        for (key, text), answer in zip(items, answers, strict=True)
    ]


def is_late(start: datetime, duration_min: int, written_at: datetime, hours: float) -> bool:
    """A note written more than ``hours`` after the session ended is a late entry."""
    return written_at - (start + timedelta(minutes=duration_min)) > timedelta(hours=hours)


def default_start(now: datetime, duration_min: int) -> datetime:
    """Logged right after a session: it started ``duration`` ago, on a 5-minute mark."""
    start = now - timedelta(minutes=duration_min)
    return start.replace(minute=start.minute - start.minute % 5, second=0, microsecond=0)


def parse_start(day: str | None, at: str | None, now: datetime, duration_min: int) -> datetime:
    """``--date`` and ``--time`` (either may be left out) → an offset-aware start."""
    base = default_start(now, duration_min)
    tz: tzinfo = now.tzinfo or base.tzinfo  # type: ignore[assignment]
    d = base.date()
    t = base.timetz().replace(tzinfo=None)
    if day and day.strip():
        d = parse_day(day, now.date())
    if at:
        try:
            t = time.fromisoformat(at.strip() if ":" in at else f"{at.strip()[:2]}:{at[2:]}")
        except ValueError:
            raise UsageError("that is not a time: use HH:MM (24-hour)") from None
    return datetime.combine(d, t.replace(tzinfo=None, second=0, microsecond=0), tz)


# -- the rules every new note meets, however it was written (prompts, flags, --from,
# the editor form, --no-input): finalize() applies them, and `otj log` applies them to
# the flags at once, before asking anything.


def duration_problem(minutes: Any, session_type: Any = None) -> str | None:
    """Why ``minutes`` cannot be a session's length, or None. (Not a whole number at
    all is the model's to say.) A session that did not take place (cancelled,
    did-not-attend) may be 0 minutes long: it is never counted in hours."""
    if isinstance(minutes, bool) or not isinstance(minutes, int):
        return None
    least = 0 if session_type in NOT_HELD_TYPES else MIN_DURATION
    if least <= minutes <= MAX_DURATION:
        return None
    return (
        f"{minutes} minutes cannot be a session's length: "
        f"must be a whole number from {MIN_DURATION} to {MAX_DURATION}"
    )


HAPPENED = "a note is written about a session that has happened"


def start_problem(start: Any, now: datetime, why: str = HAPPENED) -> str | None:
    """Why ``start`` cannot be a logged session's start (it is later than now), or None;
    ``why`` says what the record is written about (a homework entry's own words)."""
    if not isinstance(start, datetime) or start.utcoffset() is None:
        return None
    if start <= now + CLOCK_SKEW:
        return None
    return (
        f"{start:%Y-%m-%d %H:%M} is later than now ({now.astimezone(start.tzinfo):%Y-%m-%d %H:%M}):"
        f" {why}"
    )


def resolve_goal_ids(note: Note, client: Client | None) -> list[ValidationError]:
    """Write each goal id typed short (``g3``, in a rating or an activity's ``goals``) as
    the goal's full id (``g3-k7q``), in place. A short id two goals share is an error
    listing their ids; an id the client does not have is left for ``goal_errors``."""
    errors: list[ValidationError] = []
    if client is None:
        return errors

    def full(gid: Any, where: str) -> Any:
        if not isinstance(gid, str) or not is_slug(gid):
            return gid
        try:
            goal = client.find_goal(gid)
        except AmbiguousGoal as exc:
            errors.append(
                ValidationError(
                    where,
                    f"{gid} names {len(exc.ids)} goals of {client.handle}: "
                    f"use the full id ({', '.join(exc.ids)})",
                )
            )
            return gid
        return goal.id if goal is not None else gid

    goals = note.get("goals")
    for g in goals if isinstance(goals, list) else []:
        if isinstance(g, dict) and "goal" in g:
            g["goal"] = full(g["goal"], f"goal {g['goal']}")
    activities = note.get("activities")
    for i, a in enumerate(activities if isinstance(activities, list) else []):
        if isinstance(a, dict) and isinstance(a.get("goals"), list):
            a["goals"] = [full(gid, f"activities[{i}].goals") for gid in a["goals"]]
    return errors


def _ambiguous(client: Client, gid: str) -> bool:
    try:
        client.find_goal(gid)
    except AmbiguousGoal:
        return True
    return False


def goal_errors(note: Note, client: Client | None) -> list[ValidationError]:
    """Ratings of goals the client does not have, and ratings out of range, each named
    by the goal's id (``goal g1``), never by its place in a list."""
    errors: list[ValidationError] = []
    goals = note.get("goals")
    if not isinstance(goals, list):
        return errors
    for g in goals:
        if not isinstance(g, dict) or not isinstance(g.get("goal"), str):
            continue
        gid = g["goal"]
        if not is_slug(gid):
            continue  # the model says what a goal id looks like
        if client is not None and client.goal(gid) is None:
            if _ambiguous(client, gid):
                continue  # resolve_goal_ids has said so
            errors.append(
                ValidationError(
                    f"goal {gid}",
                    f"not a goal of {client.handle} (its goals: {_goal_list(client)})",
                    hint="add it with 'otj goal add'",
                )
            )
            continue
        late = set_later(client, gid, note_day(note)) or _closed(client, gid, note)
        if late is not None:
            errors.append(late)
            continue
        gas = g.get("gas")
        lo, hi = min(GAS_LEVELS), max(GAS_LEVELS)
        if isinstance(gas, int) and not isinstance(gas, bool) and not lo <= gas <= hi:
            errors.append(
                ValidationError(
                    f"goal {gid}",
                    f"the rating {gas:+d} is out of range: must be -2, -1, 0, +1 or +2",
                )
            )
    return errors


def set_later(
    client: Client | None,
    gid: str,
    day: date | None,
    field: str = "goal",
    why: str = "a session rates the goals set by its day",
) -> ValidationError | None:
    """A goal set after the note's day, named in it (``goal add --on`` dates a goal)."""
    goal = client.goal(gid) if client is not None else None
    if client is None or goal is None or goal.set_by(day):
        return None
    return ValidationError(
        f"{field} {gid}",
        f"was set on {goal.set_on}, after this session ({day}): {why}",
        hint=f"if it was set earlier: otj goal edit {client.handle} {goal.number} --on DAY",
    )


def _closed(client: Client | None, gid: str, note: Note) -> ValidationError | None:
    """A rating of a goal closed before the session's day (``closed_problem``)."""
    day = note_day(note)
    goal = client.goal(gid) if client is not None else None
    if client is None or goal is None or day is None:
        return None
    problem = closed_problem(goal, day, note.get("session_type"))
    if problem is None:
        return None
    return ValidationError(
        f"goal {gid}",
        problem,
        hint=f"a goal worked on again: otj goal set {client.handle} {goal.number} --status "
        f"active --on DAY; after a discharge, a new episode starts with 'otj intake "
        f"{client.handle}'",
    )


def note_day(note: Note) -> date | None:
    """The day of a note's start, once it is one (a datetime); else None."""
    start = note.get("start")
    return start.date() if isinstance(start, datetime) else None


def _goal_list(client: Client) -> str:
    if not client.goals:
        return "none yet"
    return ", ".join(g.id + ("" if g.is_active else " (not active)") for g in client.goals)


def input_errors(note: Note, client: Client | None, now: datetime) -> list[ValidationError]:
    """What a new note's values break of the rules above (the model checks the rest).
    Goal ids typed short are written in full first (``resolve_goal_ids``, in place): the
    flags before any prompt, and the note being saved, store each goal's full id."""
    errors = resolve_goal_ids(note, client)
    problem = duration_problem(note.get("duration_min"), note.get("session_type"))
    if problem:
        errors.append(ValidationError("duration_min", problem))
    problem = start_problem(note.get("start"), now) or born_problem(note.get("start"), client)
    if problem:
        errors.append(ValidationError("start", problem))
    errors += writer_problems(note, "written_by")
    return errors + repeated_attendees(note) + goal_errors(note, client)


# The kinds of note written by their own command, not by `otj log`: a discharge also sets
# each goal's final status in client.toml.
OWN_COMMAND = {"discharge": "'otj discharge CLIENT' closes the episode"}


def log_kind_errors(note: Note) -> list[ValidationError]:
    """A discharge typed into `otj log`: named, with the command that writes it."""
    kind = note.get("session_type")
    if isinstance(kind, str) and kind in OWN_COMMAND:
        return [
            ValidationError("session_type", f"{kind!r} is not written here: {OWN_COMMAND[kind]}")
        ]
    return []


def _goal_field(field: str, goals: Any) -> str:
    """``goals[0].gas`` → ``goal g1.gas``: people know their goals by id."""
    if not field.startswith("goals[") or not isinstance(goals, list):
        return field
    index, _, rest = field[len("goals[") :].partition("]")
    if not index.isdigit() or int(index) >= len(goals):
        return field
    g = goals[int(index)]
    gid = g.get("goal") if isinstance(g, dict) else None
    if not isinstance(gid, str) or not is_slug(gid):
        return field
    return f"goal {gid}{rest}"


def _covered(field: str, seen: set[str]) -> bool:
    return any(field == s or field.startswith((s + ".", s + "[")) for s in seen)


def parse_goal_flag(value: str) -> dict[str, Any]:
    """``g1:+1`` or ``g1:+1:evidence`` → a goals table."""
    goal, _, rest = value.partition(":")
    rating, _, evidence = rest.partition(":")
    out: dict[str, Any] = {"goal": goal.strip()}
    if rating.strip():
        try:
            out["gas"] = int(rating.strip())
        except ValueError:
            raise UsageError(
                f"--goal {shown(goal.strip())}: the rating must be -2, -1, 0, +1 or +2"
            ) from None
    if evidence.strip():
        out["evidence"] = evidence.strip()
    return out


_TAGS = {
    "child-led": "child_led",
    "client-led": "child_led",  # the same flag, in an adult's words
    "c": "child_led",
    "interest": "interest_based",
    "interest-based": "interest_based",
    "i": "interest_based",
    "movement": "movement_sensory",
    "sensory": "movement_sensory",
    "m": "movement_sensory",
    "adapted": "adapted",
    "a": "adapted",
}


def parse_tags(value: str) -> dict[str, bool]:
    """``c i m a`` / ``child-led,movement`` → the activity flags."""
    flags = {
        "child_led": False,
        "interest_based": False,
        "movement_sensory": False,
        "adapted": False,
    }
    words = value.replace(",", " ").split()
    if len(words) == 1 and words[0] not in _TAGS and set(words[0]) <= set("cima"):
        words = list(words[0])
    for word in words:
        key = _TAGS.get(word.lower())
        if key is None:
            raise UsageError(
                f"unknown activity tag {shown(word)}",
                hint="c child- or client-led · i interest-based · m movement/sensory · a adapted",
            )
        flags[key] = True
    return flags


def parse_reuse(raw: str, count: int) -> list[int]:
    """The answer to "Reuse which": numbers of last time's ``count`` activities (spaces or
    commas), each once, in the order given; blank is none. Anything else is a UsageError,
    so the question is asked again and nothing typed there is dropped without a word."""
    picked: list[int] = []
    for token in raw.replace(",", " ").split():
        if not (token.isascii() and token.isdigit()):
            raise UsageError(
                "give numbers from the list, or Enter for none (a new activity is asked next)"
            )
        number = int(token)
        if not 1 <= number <= count:
            raise UsageError(f"{number} is not on the list: 1 to {count}")
        if number not in picked:
            picked.append(number)
    return picked


def parse_activity_flag(value: str) -> dict[str, Any]:
    """``NAME[;min=15][;tags=c,i,m,a][;adaptation=...][;response=...]``."""
    name, *pairs = value.split(";")
    out: dict[str, Any] = {"name": name.strip()}
    for pair in pairs:
        key, sep, val = pair.partition("=")
        key = key.strip()
        if not sep:
            raise UsageError(f"--activity: expected key=value after ';', got {shown(key)}")
        if key in ("min", "minutes"):
            try:
                out["minutes"] = int(val)
            except ValueError:
                raise UsageError("--activity: min= takes whole minutes") from None
        elif key == "tags":
            out.update(parse_tags(val))
        elif key in ("adaptation", "response"):
            out[key] = val.strip()
            if key == "adaptation":
                out["adapted"] = True
        elif key == "goals":
            out["goals"] = [g.strip() for g in val.split(",") if g.strip()]
        else:
            raise UsageError(
                f"--activity: unknown key {shown(key)} (min, tags, adaptation, response, goals)"
            )
    return out


def parse_homework_flag(value: str, existing: int = 0) -> dict[str, Any]:
    """``TEXT[;kind=practice][;per_week=5]`` → an assignment with a new id."""
    text, *pairs = value.split(";")
    out: dict[str, Any] = {"id": "", "text": text.strip(), "kind": "practice"}
    for pair in pairs:
        key, _, val = pair.partition("=")
        key = key.strip()
        if key == "kind":
            out["kind"] = val.strip()
        elif key == "per_week":
            try:
                out["per_week"] = int(val)
            except ValueError:
                raise UsageError("--homework: per_week= takes a whole number") from None
        else:
            raise UsageError(f"--homework: unknown key {shown(key)} (kind, per_week)")
    return out


def assign_homework_ids(note: Note, new_suffix: Callable[[], str]) -> None:
    """Give new assignments random ids: unique across the client's sessions and devices."""
    for h in get(note, "plan.homework") or []:
        if isinstance(h, dict) and not h.get("id"):
            h["id"] = f"hw-{new_suffix()}"


def prune(value: Any) -> Any:
    """Drop empty strings, lists and tables: in a form, blank means 'not recorded'."""
    if isinstance(value, dict):
        out = {k: prune(v) for k, v in value.items()}
        return {k: v for k, v in out.items() if v not in ("", [], {}, None)}
    if isinstance(value, list):
        items = [prune(v) for v in value]
        return [v for v in items if v not in ("", [], {}, None)]
    return value


def finalize(
    note: Note,
    *,
    now: datetime,
    late_hours: float,
    client: Client | None = None,
    optional: Iterable[str] = (),
) -> Session:
    """The session to save: written_at from the clock, late entry decided here, and the
    rules of a new note (``input_errors``) checked against ``client``'s goals. Parts
    named in ``optional`` may be left out (see ``missing_fields``)."""
    data = prune(note)
    data["format_version"] = FORMAT_VERSION
    data["kind"] = "session"
    data["id"] = data.get("id") or "new"
    now = now.replace(microsecond=0)
    data["written_at"] = now
    data.pop("late_entry", None)
    errors = [ValidationError(k, "is required") for k in missing_fields(data, optional)]
    errors += input_errors(data, client, now)
    data["checklist"] = [
        c for c in data.get("checklist", []) if not (isinstance(c, dict) and not c.get("answer"))
    ]
    # Homework gets its random id when saved; a preview only needs a placeholder.
    for n, h in enumerate(get(data, "plan.homework") or [], start=1):
        if isinstance(h, dict) and not h.get("id"):
            h["id"] = f"hw-new{n}"
    try:
        session = Session.from_dict(data)
    except ValidationErrors as exc:
        seen = {e.field for e in errors}
        for e in exc.errors:
            field = _goal_field(e.field, data.get("goals"))
            if not _covered(field, seen):
                errors.append(
                    e if field == e.field else ValidationError(field, e.detail, hint=e.hint)
                )
        raise ValidationErrors(errors) from None
    if errors:
        raise ValidationErrors(errors)
    late = is_late(session.start, session.duration_min, now, late_hours)
    if late:
        from dataclasses import replace

        session = replace(session, late_entry=True)
    return session


# -- the editor form ----------------------------------------------------------------
