"""A review being written (``otj review``): every active goal rated at one sitting.

A review is a session note of type ``review``: its ``[[goals]]`` hold the GAS follow-up
score of each active goal and, for a goal with a COPM problem, COPM at T2. A goal
listed without ``gas`` was explicitly not rated at this review; a goal left out is not
rated yet, and the review cannot be saved until it is one or the other. Flags, ``--from``
files, the editor form and the prompts all fill the same table (the session's own shape),
and the session form's rules (``forms.session.finalize``) apply to it. Pure: no I/O.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Any

import tomli_w

from otjournal.errors import UsageError, ValidationError, ValidationErrors
from otjournal.forms import session as noteform
from otjournal.forms.common import error_header
from otjournal.forms.session import Note, note_day, prune
from otjournal.model import Client, Goal, Session
from otjournal.model.client import AmbiguousGoal
from otjournal.model.ids import shown
from otjournal.model.vocab import ATTENDEE_ROLES, GAS_LEVELS, SETTINGS

# How a goal is left out of a review on purpose, in a flag, a form or at the prompt.
NOT_RATED = ("not rated", "not-rated", "not rated today", "skip", "n")
# What a review can be saved without that a session note needs (its note is optional).
OPTIONAL = ("plan.summary",)
FIELD_FLAGS = {**noteform.FIELD_FLAGS, "plan.summary": "--summary"}
# The keys the clock and the store decide: never taken from a file.
DECIDED = ("format_version", "kind", "id", "client", "late_entry", "amendments", "written_at")


def missing_fields(note: Note, optional: Iterable[str] = OPTIONAL) -> list[str]:
    return noteform.missing_fields(note, optional)


# -- goals, as typed ---------------------------------------------------------------------


def resolve(client: Client, key: str) -> str:
    """The goal's full id for what a person typed (``g1`` for ``g1-k3x``); ``key`` itself
    when no goal has it (the rules then name it as not the client's)."""
    try:
        goal = client.find_goal(key.strip())
    except AmbiguousGoal as exc:
        raise UsageError(str(exc)) from None
    return goal.id if goal is not None else key.strip()


def is_not_rated(value: Any) -> bool:
    return isinstance(value, str) and value.strip().lower() in NOT_RATED


def parse_goal_flag(value: str, client: Client) -> dict[str, Any]:
    """``--goal g1:+1[:evidence]`` (``otj log``'s form) or ``g2:not-rated[:why]``; a
    ``gas`` of None marks a goal left out on purpose."""
    key, _, rest = value.partition(":")
    rating, _, evidence = rest.partition(":")
    if is_not_rated(rating):
        out: dict[str, Any] = {"goal": key.strip(), "gas": None}
        if evidence.strip():
            out["evidence"] = evidence.strip()
    else:
        out = noteform.parse_goal_flag(value)
        if "gas" not in out:
            raise UsageError(
                f"--goal {shown(key.strip())}: give a rating (-2 … +2) or not-rated, "
                "e.g. g1:+1 or g2:not-rated"
            )
    out["goal"] = resolve(client, out["goal"])
    return out


def parse_copm_flag(value: str, client: Client) -> dict[str, Any]:
    """``--copm g1=7/8``: COPM performance / satisfaction at T2 (either may be left out)."""
    key, sep, scores = value.partition("=")
    performance, slash, satisfaction = scores.partition("/")
    out: dict[str, Any] = {"goal": resolve(client, key)}
    try:
        if performance.strip():
            out["copm_performance"] = int(performance)
        if satisfaction.strip():
            out["copm_satisfaction"] = int(satisfaction)
    except ValueError:
        out = {}
    if not sep or not slash or len(out) < 2:
        raise UsageError(
            f"--copm {shown(key.strip())}: give GOAL=PERFORMANCE/SATISFACTION, e.g. g1=7/8"
        )
    return out


def merge_goals(base: list[Any], top: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """``top``'s ratings over ``base``'s, goal by goal and key by key; a key given as None
    is taken away (``gas`` None: not rated today)."""
    out: dict[str, dict[str, Any]] = {}
    for g in base:
        if isinstance(g, dict) and isinstance(g.get("goal"), str):
            out[g["goal"]] = dict(g)
    for g in top:
        entry = out.setdefault(g["goal"], {"goal": g["goal"]})
        for key, value in g.items():
            if value is None:
                entry.pop(key, None)
            else:
                entry[key] = value
    return list(out.values())


def flags_goals(goals: Iterable[str], copm: Iterable[str], client: Client) -> list[dict[str, Any]]:
    given = [parse_goal_flag(g, client) for g in goals]
    given += [parse_copm_flag(c, client) for c in copm]
    return merge_goals([], given)


def in_goal_order(note: Note, client: Client) -> None:
    """The ratings in the order of the client's goals (ids no goal has, last)."""
    order = {g.id: i for i, g in enumerate(client.goals)}
    goals = note.get("goals")
    if isinstance(goals, list):
        note["goals"] = sorted(
            goals,
            key=lambda g: order.get(str(g.get("goal")), len(order)) if isinstance(g, dict) else 0,
        )


# -- the rules of a review --------------------------------------------------------------


def review_errors(note: Note, client: Client, *, unrated: bool = True) -> list[ValidationError]:
    """What a review breaks beyond a session note's rules: a rating of a goal not active,
    COPM for a goal without a COPM problem, and (``unrated``) an active goal neither
    rated nor left out on purpose."""
    errors: list[ValidationError] = []
    entries = [g for g in note.get("goals") or [] if isinstance(g, dict)]
    for g in entries:
        goal = client.goal(g.get("goal", "")) if isinstance(g.get("goal"), str) else None
        if goal is None:
            continue  # not the client's: the session's rules say so
        if not goal.is_active:
            errors.append(
                ValidationError(
                    f"goal {goal.id}",
                    f"is {goal.status}, not active: a review rates the active goals",
                )
            )
        has_copm = "copm_performance" in g or "copm_satisfaction" in g
        if has_copm and goal.copm is None:
            errors.append(ValidationError(f"goal {goal.id}", "has no COPM problem to score at T2"))
    if unrated:
        listed = {g.get("goal") for g in entries}
        # A goal set after the review's day (goal add --on) was not there to be rated.
        day = note_day(note)
        to_rate = client.goals_to_rate(day)
        left = [g.id for g in to_rate if g.id not in listed]
        if not to_rate and client.active_goals:
            errors.append(
                ValidationError(
                    "goals",
                    f"no goal to review: every active goal was set after {day}",
                    hint=f"if one was set earlier: otj goal edit {client.handle} GOAL --on DAY",
                )
            )
        if left:
            errors.append(
                ValidationError(
                    "goals",
                    f"not rated yet: {', '.join(left)} (rate each active goal -2 … +2, "
                    'or leave it out on purpose: --goal ID:not-rated, gas = "not rated" '
                    "in a form, n at the prompt)",
                )
            )
    return errors


def finalize_with(
    note: Note,
    *,
    now: datetime,
    late_hours: float,
    client: Client,
    optional: Iterable[str],
    errors: list[ValidationError],
) -> Session:
    """``forms.session.finalize`` for a kind of note that may leave out some of what a
    session note needs (``optional``), with ``errors`` found by the kind's own rules
    reported with the session's."""
    try:
        session = noteform.finalize(
            note, now=now, late_hours=late_hours, client=client, optional=optional
        )
    except ValidationErrors as exc:
        raise ValidationErrors(errors + exc.errors) from None
    if errors:
        raise ValidationErrors(errors)
    return session


def finalize(note: Note, *, now: datetime, late_hours: float, client: Client) -> Session:
    data = {**note, "session_type": "review"}
    return finalize_with(
        data,
        now=now,
        late_hours=late_hours,
        client=client,
        optional=OPTIONAL,
        errors=review_errors(data, client),
    )


# -- what is shown beside each goal: where it started and where it was last rated --------


def last_rating(
    goal_id: str, sessions: Iterable[Session], *, review: bool = False
) -> tuple[date, int] | None:
    """The latest rating of a goal (only a review's with ``review``): day and score."""
    found: tuple[datetime, date, int] | None = None
    for s in sessions:
        if review and s.session_type != "review":
            continue
        for g in s.goals:
            if g.goal == goal_id and g.gas is not None and (found is None or s.start >= found[0]):
                found = (s.start, s.start.date(), g.gas)
    return (found[1], found[2]) if found else None


def signed(value: int) -> str:
    return f"+{value}" if value > 0 else str(value)


def baseline_words(goal: Goal) -> str:
    if goal.baseline is None:
        return "no baseline recorded"
    on = f" on {goal.baseline_on}" if goal.baseline_on else ""
    return f"baseline {signed(goal.baseline)}{on}"


def goal_context(goal: Goal, sessions: Iterable[Session]) -> str:
    """``baseline -2 on 2026-05-22 · last rated +1 on 2026-11-20 (interim)``."""
    sessions = list(sessions)
    last = last_rating(goal.id, sessions)
    kind = ""
    if last is not None:
        reviewed = last_rating(goal.id, sessions, review=True)
        kind = " (review)" if reviewed == last else " (interim)"
    rated = f"last rated {signed(last[1])} on {last[0]}{kind}" if last else "not rated yet"
    return f"{baseline_words(goal)} · {rated}"


# -- --from and the editor form ------------------------------------------------------------


def form_to_note(data: Mapping[str, Any], client: Client | None = None) -> Note:
    """A review table from a form or a file: a blank ``gas`` is not answered (the goal is
    then not rated yet), ``gas = "not rated"`` leaves the goal out on purpose, short goal
    ids become the full ones."""
    raw = dict(data)
    goals: list[dict[str, Any]] = []
    for g in raw.pop("goals", None) or []:
        if not isinstance(g, dict):
            goals.append(g)
            continue
        g = dict(g)
        if g.get("gas") == "":
            continue  # not answered
        if is_not_rated(g.get("gas")):
            g.pop("gas")
        if client is not None and isinstance(g.get("goal"), str) and g["goal"]:
            g["goal"] = resolve(client, g["goal"])
        goals.append(prune(g))
    note: Note = prune(raw)
    for key in DECIDED:
        note.pop(key, None)
    if goals:
        note["goals"] = goals
    return note


def kv(key: str, value: Any) -> str:
    return tomli_w.dumps({key: value}, multiline_strings=True).rstrip("\n")


def header_lines(
    note: Note, title: str, errors: list[str] | None, client: Client | None = None
) -> list[str]:
    """The top of an editor form: the session's when, where and who (the roles offered
    as for the client: an adult's leave out "child")."""
    from otjournal.clock import today
    from otjournal.model.words import words_for

    roles = words_for(client, today()).roles if client is not None else ATTENDEE_ROLES
    lines = error_header(errors) if errors else []
    return [
        *lines,
        f"# otjournal {title}. Lines starting with # are comments.",
        "# Save and close the editor to validate and save; leave it empty to keep a draft.",
        "",
        kv("client", note.get("client", "")),
        kv("start", note["start"]) if note.get("start") else 'start = ""',
        kv("duration_min", note.get("duration_min", 45)),
        kv("setting", note.get("setting", "")) + f"  # {' | '.join(SETTINGS)}",
        kv("attendees", note.get("attendees", [])) + f"  # {', '.join(roles)}",
        kv("written_by", note.get("written_by", "")),
        "",
    ]


def editor_form(
    note: Note, client: Client, context: Mapping[str, str], errors: list[str] | None = None
) -> str:
    lines = header_lines(note, "review", errors, client)
    lines += [
        "# Rate every active goal: gas = -2 | -1 | 0 | 1 | 2 (the follow-up score),",
        '# or gas = "not rated" to leave it out today. COPM at T2 (1-10) where a goal has one.',
    ]
    rated = {g.get("goal"): g for g in note.get("goals", []) if isinstance(g, dict)}
    for goal in client.active_goals:
        r = rated.pop(goal.id, None)
        lines += [
            "",
            "[[goals]]",
            kv("goal", goal.id) + f"  # {goal.text}",
            f"# {context.get(goal.id, baseline_words(goal))}",
        ]
        lines += [
            f"#   {signed(level)}: {goal.levels[level]}"
            for level in reversed(GAS_LEVELS)
            if level in goal.levels
        ]
        gas = "" if r is None else r.get("gas", "not rated")
        lines += [kv("gas", gas), kv("evidence", (r or {}).get("evidence", ""))]
        if goal.copm is not None:
            c = goal.copm
            t1 = (
                f"T1 performance {c.performance_t1 or '–'}, satisfaction {c.satisfaction_t1 or '–'}"
            )
            lines += [
                f"# COPM: {c.problem} ({t1})",
                kv("copm_performance", (r or {}).get("copm_performance", "")),
                kv("copm_satisfaction", (r or {}).get("copm_satisfaction", "")),
            ]
    for r in rated.values():
        lines += ["", "[[goals]]", *(kv(k, v) for k, v in r.items())]
    plan = note.get("plan", {})
    lines += ["", "[plan]", kv("summary", plan.get("summary", "")) + "  # optional", ""]
    return "\n".join(lines)
