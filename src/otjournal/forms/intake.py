"""An intake being written: a session note of type ``initial`` with an ``[intake]`` table.

The draft holds the note in the session file's shape, with one difference: the goals
set together are tables under ``intake.goals`` (text, baseline, weight, levels,
baseline_on), not yet ids. When the note is saved they become goals of ``client.toml``
and the note lists their ids. Flags, ``--from`` files, the editor form and the prompts
all fill that one table; the rules are the model's plus the few here (a reason for the
referral, dates not in the future, a baseline for every goal). Pure: the clock is
passed in.
"""

from __future__ import annotations

import copy
import shlex
from dataclasses import replace
from datetime import date, datetime
from typing import Any

from otjournal.dates import parse_day
from otjournal.errors import UsageError, ValidationError, ValidationErrors
from otjournal.forms import session as noteform
from otjournal.forms import session_form as sessionform
from otjournal.forms.session_form import kv
from otjournal.model import Client, Goal, Session
from otjournal.model.episode import SCORE_MAX
from otjournal.model.fields import Fields
from otjournal.model.vocab import GAS_LEVEL_KEYS

Note = dict[str, Any]

# What an intake cannot be saved without, beyond a session's own, and how each is given.
REQUIRED = ("intake.referral_reason",)
FIELD_FLAGS = {
    **noteform.FIELD_FLAGS,
    "intake.referral_reason": "--referral-reason, --from FILE|-, --editor or the prompts",
}
# The keys of a new goal's table in the draft (its id is given when the note is saved).
GOAL_KEYS = ("text", "baseline", "weight", "baseline_on", "levels")


def intake_of(note: Note) -> dict[str, Any]:
    """The draft's ``[intake]`` table (made if missing)."""
    table = note.get("intake")
    if not isinstance(table, dict):
        table = note["intake"] = {}
    return table


def intake_day(note: Note, today: date) -> date:
    """The day of the intake: its session's start, else today."""
    start = note.get("start")
    return start.date() if isinstance(start, datetime) else today


def missing_fields(note: Note) -> list[str]:
    return noteform.missing_fields(note) + [
        k for k in REQUIRED if not _given(noteform.get(note, k))
    ]


def _given(value: Any) -> bool:
    return bool(value.strip()) if isinstance(value, str) else value not in (None, [], {})


# -- flags ------------------------------------------------------------------------------


def _parts(value: str, flag: str, lo: int, hi: int) -> list[str]:
    parts = [p.strip() for p in value.split("|")]
    if not lo <= len(parts) <= hi:
        raise UsageError(f"{flag}: expected {lo} to {hi} parts separated by '|', got {len(parts)}")
    return parts + [""] * (hi - len(parts))


def _day(text: str, flag: str, today: date) -> date | None:
    return parse_day(text, today, flag) if text else None


def parse_consent_flag(value: str, today: date) -> dict[str, Any]:
    """``WHO|PURPOSE[|DATE][|SHARE1,SHARE2]`` → a consent table (no date: the intake day)."""
    who, purpose, day, share = _parts(value, "--consent", 2, 4)
    out: dict[str, Any] = {"who": who, "purpose": purpose}
    on = _day(day, "--consent", today)
    if on is not None:
        out["on"] = on
    shares = [s.strip() for s in share.split(",") if s.strip()]
    if shares:
        out["share_with"] = shares
    return out


def parse_scores(text: str, where: str) -> dict[str, float | int]:
    """``total=52, fine motor=7`` → scores (numbers only). Separated by commas or ';'."""
    scores: dict[str, float | int] = {}
    for pair in text.replace(";", ",").split(","):
        if not pair.strip():
            continue
        name, sep, number = pair.partition("=")
        name = name.strip()
        if not sep or not name:
            raise UsageError(f"{where}: scores are NAME=NUMBER pairs, e.g. total=52,motor=7")
        value = _number(number.strip())
        if value is None or not -SCORE_MAX <= value <= SCORE_MAX:
            raise UsageError(
                f"{where}: score {len(scores) + 1} must be a number "
                f"(from {-SCORE_MAX} to {SCORE_MAX}): scores only, never the items"
            )
        scores[name] = value
    return scores


def _number(text: str) -> float | int | None:
    try:
        return int(text)
    except ValueError:
        pass
    try:
        value = float(text)
    except ValueError:
        return None
    return value if value == value and abs(value) != float("inf") else None


def parse_assessment_flag(value: str, today: date) -> dict[str, Any]:
    """``NAME[|DATE][|NAME=NUMBER,…]`` → an assessment table (no date: the intake day)."""
    name, day, scores = _parts(value, "--assessment", 1, 3)
    out: dict[str, Any] = {"name": name}
    on = _day(day, "--assessment", today)
    if on is not None:
        out["on"] = on
    parsed = parse_scores(scores, "--assessment")
    if parsed:
        out["scores"] = parsed
    return out


def parse_goal_flag(value: str) -> dict[str, Any]:
    """``TEXT|BASELINE[|WEIGHT]`` → a new goal's table. The text may hold '|' itself:
    the numbers are read from the right."""
    head, sep, last = value.rpartition("|")
    if not sep:
        raise UsageError("--goal: expected TEXT|BASELINE[|WEIGHT], e.g. 'Laces shoes|-2|2'")
    text, sep2, middle = head.rpartition("|")
    weight: float | int | None = None
    if sep2 and _level(middle) is not None and _number(last) is not None:
        baseline, weight = _level(middle), _number(last)
    else:
        text, baseline = head, _level(last)
    if baseline is None:
        raise UsageError("--goal: the baseline must be -2, -1, 0, +1 or +2 (TEXT|BASELINE)")
    out: dict[str, Any] = {"text": text.strip(), "baseline": baseline}
    if weight is not None:
        out["weight"] = weight
    return out


def _level(text: str) -> int | None:
    try:
        value = int(text.strip().replace("+", "", 1))
    except ValueError:
        return None
    return value if -2 <= value <= 2 else None


def from_flags(args: dict[str, Any], today: date) -> Note:
    """The ``[intake]`` parts the flags give, as a note (only what was given)."""
    table: dict[str, Any] = {}
    for arg, key in (
        ("referral_source", "referral_source"),
        ("referral_reason", "referral_reason"),
        ("background", "background"),
        ("matters", "what_matters"),
    ):
        if args.get(arg) is not None:
            table[key] = args[arg]
    for arg, key in (
        ("diagnosis", "diagnoses"),
        ("strength", "strengths"),
        ("comm", "communication"),
    ):
        if args.get(arg):
            table[key] = [v.strip() for v in args[arg] if v.strip()]
    if args.get("consent"):
        table["consent"] = [parse_consent_flag(v, today) for v in args["consent"]]
    if args.get("assessment"):
        table["assessments"] = [parse_assessment_flag(v, today) for v in args["assessment"]]
    if args.get("set_goal"):
        table["goals"] = [parse_goal_flag(v) for v in args["set_goal"]]
    return {"intake": table} if table else {}


# -- the rules -------------------------------------------------------------------------


def _future(day: Any, today: date) -> bool:
    return isinstance(day, date) and not isinstance(day, datetime) and day > today


def intake_errors(note: Note, today: date) -> list[ValidationError]:
    """What the intake's values break beyond the model's rules: dates in the future, a
    goal without a baseline, goals given as anything but tables. Named by field."""
    errors: list[ValidationError] = []
    table = note.get("intake")
    if not isinstance(table, dict):
        return errors
    for part, key in (("consent", "on"), ("assessments", "on"), ("goals", "baseline_on")):
        items = table.get(part)
        for i, item in enumerate(items if isinstance(items, list) else []):
            if isinstance(item, dict) and _future(item.get(key), today):
                errors.append(
                    ValidationError(
                        f"intake.{part}[{i}].{key}",
                        f"is later than today ({today}): record what has happened",
                    )
                )
    goals = table.get("goals")
    for i, g in enumerate(goals if isinstance(goals, list) else []):
        where = f"intake.goals[{i}]"
        if not isinstance(g, dict):
            errors.append(
                ValidationError(
                    where, "must be a table: text, baseline (-2..+2), weight, levels (new goals)"
                )
            )
        elif g.get("baseline") in (None, ""):
            errors.append(
                ValidationError(
                    f"{where}.baseline",
                    "is required: the goal's level now, -2, -1, 0, +1 or +2",
                    hint="the paediatric convention is -2 = the present level",
                )
            )
    return errors


def new_goals(note: Note, client: Client, today: date) -> tuple[list[Goal], list[ValidationError]]:
    """The goals set at the intake, as the client's goals (ids as assigned, or the next
    free ones marked ``-new`` for a preview), and what is wrong with them."""
    errors: list[ValidationError] = []
    table = note.get("intake")
    tables = table.get("goals") if isinstance(table, dict) else None
    if not isinstance(tables, list):
        return [], errors
    day = intake_day(note, today)
    goals: list[Goal] = []
    planned = client
    for i, g in enumerate(tables):
        if not isinstance(g, dict):
            continue
        data = {k: v for k, v in g.items() if k != "id"}
        gid = g.get("id") or planned.next_goal_id(suffix="new")
        data.update(id=gid, status="active", set_on=day)
        data.setdefault("baseline_on", day)
        goal = Goal.read(Fields(data, f"intake.goals[{i}]", errors))
        goals.append(goal)
        planned = replace(planned, goals=(*planned.goals, goal))
    return goals, errors


def forget_goal_ids(note: Note) -> None:
    """Drop any id a new goal carries (a file's, an earlier attempt's): ids are given
    when the note is saved, from client.toml as it is then."""
    for g in _goal_tables(note):
        g.pop("id", None)


def _goal_tables(note: Note) -> list[dict[str, Any]]:
    table = note.get("intake")
    tables = table.get("goals") if isinstance(table, dict) else None
    return [g for g in tables if isinstance(g, dict)] if isinstance(tables, list) else []


def assign_goal_ids(note: Note, client: Client) -> None:
    """Give each new goal the next id among ``client``'s goals (client.toml as read
    just before saving)."""
    planned = client
    for g in _goal_tables(note):
        g["id"] = planned.next_goal_id()
        planned = replace(planned, goals=(*planned.goals, Goal(g["id"], "-")))


def checked_goals(
    note: Note, client: Client, today: date
) -> tuple[list[Goal], list[ValidationError]]:
    """The new goals, and every error of the intake's values (``intake_errors`` and the
    goals' own), each field once."""
    errors = intake_errors(note, today)
    goals, goal_errors = new_goals(note, client, today)
    return goals, errors + [e for e in goal_errors if not _covered(e.field, errors)]


def finalize(
    note: Note, *, now: datetime, late_hours: float, client: Client
) -> tuple[Session, list[Goal]]:
    """The session to save (type ``initial``, its ``[intake]`` naming the goals by id)
    and the goals to add to ``client.toml``; every error of both at once."""
    data = copy.deepcopy(note)
    data["session_type"] = "initial"
    table = intake_of(data)
    today = now.date()
    day = intake_day(data, today)
    for part in ("consent", "assessments"):  # undated: given on the intake day
        for item in table.get(part) or []:
            if isinstance(item, dict) and item.get("on") in (None, ""):
                item["on"] = day
    errors = [ValidationError(k, "is required") for k in missing_fields(data) if k in REQUIRED]
    goals, more = checked_goals(data, client, today)
    errors += more
    if isinstance(table.get("goals"), list):
        table["goals"] = [g.id for g in goals]
    try:
        session = noteform.finalize(data, now=now, late_hours=late_hours, client=client)
    except ValidationErrors as exc:
        raise ValidationErrors(
            [e for e in exc.errors if not e.field.startswith("intake.goals")] + errors
        ) from None
    if errors:
        raise ValidationErrors(errors)
    return session, goals


def _covered(field: str, errors: list[ValidationError]) -> bool:
    return any(field == e.field or field.startswith(e.field + ".") for e in errors)


def goal_add_command(handle: str, goal: Goal) -> str:
    """The ``otj goal add`` line that adds ``goal`` by hand (quoted for a shell)."""
    words = ["otj", "goal", "add", handle, "--text", goal.text]
    if goal.weight != 1:
        words += ["--weight", f"{goal.weight:g}"]
    if goal.baseline is not None:
        words += ["--baseline", level_word(goal.baseline)]
    if goal.baseline_on is not None:
        words += ["--baseline-on", str(goal.baseline_on)]
    for key, desc in goal.levels_table().items():
        words += ["--level", f"{key}={desc}"]
    return " ".join(shlex.quote(w) for w in words)


# -- the editor form -------------------------------------------------------------------


def editor_section(note: Note) -> str:
    """The ``[intake]`` part of the editor form, filled from the draft; blank = not
    recorded. Goes after the session's form."""
    t = note.get("intake") if isinstance(note.get("intake"), dict) else {}
    assert isinstance(t, dict)
    lines = [
        "# ---- The intake: referral, background, consent, assessments, goals set together.",
        "[intake]",
        kv("referral_source", t.get("referral_source", "")),
        kv("referral_reason", t.get("referral_reason", "")) + "  # required",
        kv("background", t.get("background", "")),
        kv("diagnoses", t.get("diagnoses", [])) + "  # as the person or family names them",
        kv("what_matters", t.get("what_matters", "")),
        kv("strengths", t.get("strengths", [])),
        kv("communication", t.get("communication", [])),
        "",
        "# Consent: copy the block for more. on = the day given (blank: the intake day).",
    ]
    for c in t.get("consent") or [{}]:
        lines += [
            "[[intake.consent]]",
            kv("who", c.get("who", "")),
            kv("purpose", c.get("purpose", "")),
            kv("on", c.get("on", "")),
            kv("share_with", c.get("share_with", [])),
            "",
        ]
    lines.append("# Standardised assessments: scores as numbers only, never the items.")
    for a in t.get("assessments") or [{}]:
        lines += [
            "[[intake.assessments]]",
            kv("name", a.get("name", "")),
            kv("on", a.get("on", "")),
        ]
        lines += ["[intake.assessments.scores]  # e.g. total = 52"]
        lines += [kv(k, v) for k, v in (a.get("scores") or {}).items()] + [""]
    lines += [
        "# The goals set together: baseline = the level now (-2..+2, required; -2 = present",
        "# level by the paediatric convention), weight (blank: 1), baseline_on (blank: the",
        '# intake day), levels optional: "-2" = "…" up to "+2" = "…".',
    ]
    for g in t.get("goals") or [{}]:
        lines += [
            "[[intake.goals]]",
            kv("text", g.get("text", "")),
            kv("baseline", g["baseline"]) if "baseline" in g else 'baseline = ""',
            kv("weight", g["weight"]) if "weight" in g else 'weight = ""',
            kv("baseline_on", g.get("baseline_on", "")),
            "[intake.goals.levels]",
        ]
        levels = g.get("levels") or {}
        lines += [kv(k, levels.get(k, "")) for k in GAS_LEVEL_KEYS] + [""]
    return "\n".join(lines) + "\n"


def form_to_note(data: dict[str, Any]) -> Note:
    """The form read back: the session's parts as ``otj log`` reads them, and the
    intake's blanks removed (a goal, consent or assessment left empty is not recorded)."""
    note = sessionform.form_to_note(data)
    note.pop("id", None)
    forget_goal_ids(note)
    return note


def scores_text(scores: dict[str, Any]) -> str:
    return ", ".join(f"{k}={v}" for k, v in scores.items())


def level_word(level: Any) -> str:
    """``-2``, ``0``, ``+1``: a GAS level as the files write it."""
    return "0" if level == 0 else f"{level:+d}" if isinstance(level, int) else str(level)
