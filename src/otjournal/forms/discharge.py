"""A discharge being written (``otj discharge``): why the episode ends, each goal's final
status and progress, the recommendations and maintenance plan, who was told.

A discharge is a session note of type ``discharge`` with a ``[discharge]`` table
(``model.episode.Discharge``). Each goal's outcome is prefilled from the data (its
baseline, its last review or interim rating, COPM) with a suggested final status, and
stays editable at the prompt, by flag and in the editor. After it is saved, each goal
whose final status differs is changed in client.toml (``goal_changes``). Pure: no I/O.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Any

from otjournal.errors import UsageError, ValidationError
from otjournal.forms import review
from otjournal.forms.session import Note, get, note_day, prune, set_later
from otjournal.model import Client, Goal, Session
from otjournal.model.ids import shown
from otjournal.model.vocab import DISCHARGE_REASONS, GOAL_SET_STATUSES

# A discharge may be written without meeting anyone (attendees) and needs no session
# summary (its [discharge] table says it all); it cannot be saved without a reason.
OPTIONAL = ("plan.summary", "attendees")
REQUIRED = ("discharge.reason",)
FIELD_FLAGS = {**review.FIELD_FLAGS, "discharge.reason": "--reason"}
FINAL = ("achieved", "discontinued", "closed")  # a status that ends a goal's life
REASON = "discharge"  # the reason given on each goal's change in client.toml


def missing_fields(note: Note) -> list[str]:
    missing = review.missing_fields(note, OPTIONAL)
    return missing + [k for k in REQUIRED if get(note, k) in (None, "", [], {})]


# -- the outcome of each goal, prefilled from the data --------------------------------------


def suggested_status(goal: Goal, sessions: Iterable[Session]) -> str:
    """Achieved when the last review rated it 0 or more; a goal already achieved or
    discontinued keeps its status; any other is discontinued (all editable)."""
    if goal.status in FINAL:
        return goal.status
    last = review.last_rating(goal.id, sessions, review=True)
    return "achieved" if last is not None and last[1] >= 0 else "discontinued"


def progress_summary(goal: Goal, sessions: Iterable[Session]) -> str:
    """``baseline -2 on 2026-05-22, last review +1 on 2026-11-20``: the path in numbers,
    in neutral words (COPM performance and satisfaction from T1 to T2 when scored)."""
    sessions = list(sessions)
    parts = [review.baseline_words(goal)]
    reviewed = review.last_rating(goal.id, sessions, review=True)
    interim = review.last_rating(goal.id, sessions)
    if reviewed is not None:
        parts.append(f"last review {review.signed(reviewed[1])} on {reviewed[0]}")
    if interim is not None and interim != reviewed:
        parts.append(f"last interim rating {review.signed(interim[1])} on {interim[0]}")
    if reviewed is None and interim is None:
        parts.append("not rated in a session")
    copm = _copm_words(goal, sessions)
    if copm:
        parts.append(copm)
    return ", ".join(parts)


def _copm_words(goal: Goal, sessions: list[Session]) -> str:
    c = goal.copm
    if c is None:
        return ""
    p2, s2 = c.performance_t2, c.satisfaction_t2
    for s in sorted(sessions, key=lambda s: s.start):
        for g in s.goals:
            if g.goal == goal.id and s.session_type == "review":
                p2 = g.copm_performance if g.copm_performance is not None else p2
                s2 = g.copm_satisfaction if g.copm_satisfaction is not None else s2
    if p2 is None and s2 is None:
        return ""

    def n(v: int | None) -> str:
        return "–" if v is None else str(v)

    return (
        f"COPM performance {n(c.performance_t1)} to {n(p2)}, "
        f"satisfaction {n(c.satisfaction_t1)} to {n(s2)}"
    )


def prefilled(goals: Iterable[Goal], sessions: Iterable[Session]) -> list[dict[str, Any]]:
    """Each goal's outcome as suggested by the data."""
    sessions = list(sessions)
    return [
        {
            "goal": g.id,
            "status": suggested_status(g, sessions),
            "summary": progress_summary(g, sessions),
        }
        for g in goals
    ]


# -- flags -----------------------------------------------------------------------------------


def _pair(value: str, option: str, client: Client) -> tuple[str, str]:
    key, sep, text = value.partition("=")
    if not sep or not key.strip():
        raise UsageError(f"{option} takes GOAL=VALUE, e.g. g1=achieved")
    return review.resolve(client, key), text.strip()


def flags_outcomes(
    statuses: Iterable[str], summaries: Iterable[str], client: Client
) -> list[dict[str, Any]]:
    """``--goal-status g1=achieved`` and ``--goal-summary 'g1=text'``, goal by goal."""
    out: dict[str, dict[str, Any]] = {}
    for value in statuses:
        gid, status = _pair(value, "--goal-status", client)
        if status not in GOAL_SET_STATUSES:
            raise UsageError(
                f"--goal-status {shown(gid)}: the status must be one of "
                + ", ".join(GOAL_SET_STATUSES)
            )
        out.setdefault(gid, {"goal": gid})["status"] = status
    for value in summaries:
        gid, text = _pair(value, "--goal-summary", client)
        out.setdefault(gid, {"goal": gid})["summary"] = text
    return list(out.values())


def merge_outcomes(base: list[Any], top: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    return review.merge_goals(base, top)


# -- the rules of a discharge -----------------------------------------------------------------


def discharge_errors(note: Note, client: Client, expected: Iterable[str]) -> list[ValidationError]:
    """Outcomes of goals the client does not have, and goals left without one."""
    errors: list[ValidationError] = []
    table = note.get("discharge")
    entries = table.get("goals") if isinstance(table, dict) else None
    listed = [g for g in entries or [] if isinstance(g, dict)]
    for g in listed:
        gid = g.get("goal")
        if isinstance(gid, str) and gid and client.goal(gid) is None:
            errors.append(
                ValidationError(f"discharge goal {gid}", f"not a goal of {client.handle}")
            )
        elif isinstance(gid, str) and gid:
            why = "a discharge closes the goals set by its day"
            late = set_later(client, gid, note_day(note), "discharge goal", why)
            errors += [late] if late is not None else []
    named = {g.get("goal") for g in listed}
    left = [gid for gid in expected if gid not in named]
    if left:
        errors.append(
            ValidationError(
                "discharge.goals",
                f"no final status for: {', '.join(left)}",
                hint="give each goal of the episode a status (--goal-status ID=STATUS)",
            )
        )
    return errors


def finalize(
    note: Note,
    *,
    now: datetime,
    late_hours: float,
    client: Client,
    expected: Iterable[str] = (),
) -> Session:
    data = {**note, "session_type": "discharge"}
    errors = [ValidationError(k, "is required") for k in REQUIRED if get(data, k) in (None, "")]
    errors += discharge_errors(data, client, expected)
    return review.finalize_with(
        data, now=now, late_hours=late_hours, client=client, optional=OPTIONAL, errors=errors
    )


# -- after saving: each goal's final status in client.toml ----------------------------------


def goal_changes(
    client: Client, session: Session, at: datetime
) -> tuple[Client, list[tuple[str, str]]]:
    """The client with each goal whose final status differs changed (dated, the old
    status kept, reason "discharge", on the discharge's day), and what changed."""
    changed: list[tuple[str, str]] = []
    if session.discharge is None:
        return client, changed
    for outcome in session.discharge.goals:
        goal = client.goal(outcome.goal)
        if goal is None or goal.status == outcome.status:
            continue
        new = goal.changed(
            at, session.written_by, status=outcome.status, on=session.start.date(), reason=REASON
        )
        client = client.with_goal_changed(new)
        changed.append((goal.id, outcome.status))
    return client, changed


def goal_set_commands(handle: str, changes: Iterable[tuple[str, str]], on: date) -> list[str]:
    """The commands that make the same changes by hand (when client.toml changed meanwhile)."""
    return [
        f"otj goal set {handle} {gid} --status {status} --on {on} --reason {REASON}"
        for gid, status in changes
    ]


# -- --from and the editor form ----------------------------------------------------------------


def form_to_note(data: Mapping[str, Any], client: Client | None = None) -> Note:
    note = review.form_to_note(data, client)
    table = note.get("discharge")
    if isinstance(table, dict) and client is not None:
        for g in table.get("goals") or []:
            if isinstance(g, dict) and isinstance(g.get("goal"), str) and g["goal"]:
                g["goal"] = review.resolve(client, g["goal"])
    return note


def editor_form(note: Note, client: Client, errors: list[str] | None = None) -> str:
    ds = note.get("discharge") or {}
    lines = review.header_lines(note, "discharge", errors, client)
    lines += [
        "[discharge]",
        review.kv("reason", ds.get("reason", "")) + f"  # {' | '.join(DISCHARGE_REASONS)}",
        review.kv("reason_note", ds.get("reason_note", "")),
        review.kv("recommendations", ds.get("recommendations", "")),
        review.kv("maintenance", ds.get("maintenance", ""))
        + "  # the maintenance or relapse-prevention plan",
        review.kv("told", ds.get("told", [])) + "  # who was told: family, school, referrer…",
        "",
        f"# Each goal's final status ({' | '.join(GOAL_SET_STATUSES)}) and its progress.",
    ]
    for g in ds.get("goals") or []:
        goal = client.goal(g.get("goal", "")) if isinstance(g, dict) else None
        lines += [
            "[[discharge.goals]]",
            review.kv("goal", g.get("goal", "")) + (f"  # {goal.text}" if goal else ""),
            review.kv("status", g.get("status", "")),
            review.kv("summary", g.get("summary", "")),
            "",
        ]
    plan = note.get("plan", {})
    lines += ["[plan]", review.kv("summary", plan.get("summary", "")) + "  # optional", ""]
    return "\n".join(lines)


def outcome_goals(note: Note) -> list[dict[str, Any]]:
    table = note.get("discharge")
    goals = table.get("goals") if isinstance(table, dict) else None
    return [g for g in goals or [] if isinstance(g, dict)]


def set_outcomes(note: Note, goals: list[dict[str, Any]]) -> None:
    note.setdefault("discharge", {})["goals"] = [prune(g) for g in goals]
