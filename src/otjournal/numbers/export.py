"""Flat tables of the journal for spreadsheets, pandas and R. Pure: records in, rows out.

Every column is described here once; docs/export.md lists the same (a test keeps them
in step). Dates are ISO 8601; lists are joined with "; "; empty means not recorded.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator, Sequence
from datetime import date
from typing import Any

from otjournal.dates import in_range
from otjournal.model import Client, HomeworkEntry, Session
from otjournal.model.kinds import HOMEWORK, homework_kind, kinds_words
from otjournal.model.session_kind import SESSION
from otjournal.model.vocab import CHECKLIST_KEYS
from otjournal.numbers.amended import as_amended
from otjournal.numbers.outcomes import copm, gas_tscore, is_review, review_score

SESSION_COLUMNS: list[tuple[str, str]] = [(c.name, c.help) for c in SESSION.columns]
GOAL_COLUMNS: list[tuple[str, str]] = [
    ("session_id", "the session's id"),
    ("client", "client handle"),
    ("date", "session date"),
    ("goal", "goal id"),
    ("goal_text", "the goal, from client.toml"),
    ("weight", "GAS weight"),
    ("gas", "GAS rating, -2 to 2: interim, or the follow-up in a review (empty: not rated)"),
    ("evidence", "the evidence written for the rating"),
]
CHECKLIST_COLUMNS: list[tuple[str, str]] = [
    ("session_id", "the session's id"),
    ("client", "client handle"),
    ("date", "session date"),
    ("item", "checklist item key"),
    ("text", "the item's wording"),
    ("answer", "yes, partly, no, unsure or n-a"),
    ("by", "who answered: therapist, caregiver, child or client (optional)"),
    ("note", "note on the answer"),
]
HOMEWORK_COLUMNS: list[tuple[str, str]] = [
    ("entry_id", "the entry's id"),
    ("client", "client handle"),
    ("date", "date of the practice, YYYY-MM-DD"),
    ("at", "date-time of the practice, ISO 8601"),
    ("entry_kind", kinds_words()),
    ("assignment", "the homework id it belongs to"),
    ("written_by", "who wrote it"),
    # Then each kind's own columns, in the order the kinds are declared (model.kinds).
    *[(c.name, c.help) for k in HOMEWORK for c in k.columns],
]
GOAL_LIST_COLUMNS: list[tuple[str, str]] = [
    ("client", "client handle"),
    ("goal", "goal id"),
    ("text", "the goal, from client.toml"),
    ("status", "active, on-hold, achieved, discontinued or closed"),
    ("status_on", "the day the goal took its present status (its last status change, else set_on)"),
    ("weight", "GAS weight"),
    ("set_on", "the day the goal was set"),
    ("baseline", "GAS baseline, -2 to 2, the level when set (empty: not recorded)"),
    ("baseline_on", "the day the baseline was rated"),
    ("copm_problem", "the COPM problem this goal addresses"),
    ("copm_performance_t1", "COPM performance at T1, 1-10"),
    ("copm_satisfaction_t1", "COPM satisfaction at T1, 1-10"),
    ("copm_t1_on", "the day of T1"),
    ("copm_performance_t2", "COPM performance at T2, 1-10 (as of --until)"),
    ("copm_satisfaction_t2", "COPM satisfaction at T2, 1-10 (as of --until)"),
    ("copm_t2_on", "the day of T2"),
    ("copm_t2_from", "where T2 comes from: 'review SESSION_ID' or 'client.toml'"),
]
REVIEW_COLUMNS: list[tuple[str, str]] = [
    ("session_id", "the review session's id"),
    ("client", "client handle"),
    ("date", "review date"),
    ("goal", "goal id"),
    ("gas", "GAS follow-up rating at the review, -2 to 2 (empty: addressed, not rated)"),
    ("baseline", "the goal's GAS baseline from client.toml (empty: not recorded)"),
    ("weight", "GAS weight (the goal's present weight)"),
    ("copm_performance", "COPM performance at T2 scored at this review, 1-10"),
    ("copm_satisfaction", "COPM satisfaction at T2 scored at this review, 1-10"),
    ("review_goals", "the goals rated at this review, '; '-separated: the T-scores' goal set"),
    ("review_tscore", "GAS T-score at this review over review_goals (the same on each row)"),
    (
        "baseline_tscore",
        "GAS T-score of the same goals' baselines (empty: a goal of the set has none)",
    ),
]
ASSESSMENT_COLUMNS: list[tuple[str, str]] = [
    ("session_id", "the intake (initial) session's id"),
    ("client", "client handle"),
    ("date", "the intake session's date"),
    ("assessment", "the standardised assessment's name"),
    ("given_on", "the day it was given (empty: not recorded)"),
    ("score_name", "the score's name (empty: no scores recorded)"),
    ("score", "the score, a number"),
]
HOMEWORK_PLAN_COLUMNS: list[tuple[str, str]] = [
    ("client", "client handle"),
    ("homework", "the homework's id (the latest setting, when set again session after session)"),
    ("text", "the homework"),
    ("kind", "its kind (practice, relaxation, mood-check…)"),
    ("per_week", "times a week planned (empty: open)"),
    ("since", "the first day counted (set on, or --since)"),
    ("until", "the last day counted (never after today)"),
    ("days", "days that have passed while it was assigned (today is not over yet)"),
    ("planned", "per_week × days / 7, to 2 decimals: planned over the days passed (empty: open)"),
    ("practised", "entries logged as practice (yes or partly)"),
    ("partly", "of which partly"),
    ("not_this_time", "entries logged as not this time"),
]
SUPPORTS_COLUMNS: list[tuple[str, str]] = [
    ("client", "client handle"),
    ("since", "the period's first day (--since; empty: from the first note)"),
    ("until", "the period's last day (--until, never after today)"),
    ("attended", "face-to-face sessions that took place"),
    ("direct_minutes", "their minutes (exact)"),
    (
        "non_face_to_face",
        "notes of non-face-to-face time: type non-client (report writing, liaison) or no attendee",
    ),
    ("non_face_to_face_minutes", "their minutes (exact)"),
    ("cancelled", "sessions logged as cancelled (never in hours)"),
    ("did_not_attend", "sessions logged as did-not-attend (never in hours)"),
]
TABLES = {
    "sessions": SESSION_COLUMNS,
    "goals": GOAL_COLUMNS,
    "checklist": CHECKLIST_COLUMNS,
    "homework": HOMEWORK_COLUMNS,
    "goal-list": GOAL_LIST_COLUMNS,
    "reviews": REVIEW_COLUMNS,
    "assessments": ASSESSMENT_COLUMNS,
    "homework-plan": HOMEWORK_PLAN_COLUMNS,
    "supports": SUPPORTS_COLUMNS,
}


PER_CLIENT = ("goal-list", "homework-plan", "supports")  # one client's rows, by client


def columns(table: str) -> list[str]:
    return [c for c, _ in TABLES[table]]


def record_kind(table: str) -> str | None:
    """The kind of record a table's rows are of, in time order (None: by client)."""
    return None if table in PER_CLIENT else "homework" if table == "homework" else "session"


def session_row(s: Session, weights: dict[str, float]) -> dict[str, Any]:
    rated = [(g.gas, weights.get(g.goal, 1)) for g in s.goals if g.gas is not None]
    reg = s.regulation
    row: dict[str, Any] = {
        "session_id": s.id,
        "client": s.client,
        "date": s.start.date().isoformat(),
        "start": s.start.isoformat(),
        "duration_min": s.duration_min,
        "session_type": s.session_type,
        "setting": s.setting,
        "attendees": "; ".join(s.attendees),
        "written_by": s.written_by,
        "written_at": s.written_at.isoformat(),
        "late_entry": s.late_entry,
        "goals_rated": len(rated),
        "gas_tscore": round(gas_tscore(rated), 2) if rated else None,
        "ors_total": s.ors.total if s.ors else None,
        "srs_total": s.srs.total if s.srs else None,
        "risk": s.risk.status if s.risk else None,
        "activities": len(s.activities),
        "activities_child_led_or_interest": sum(
            a.child_led or a.interest_based for a in s.activities
        ),
        "activities_movement_sensory": sum(a.movement_sensory for a in s.activities),
        "activities_adapted": sum(a.adapted for a in s.activities),
        "techniques": "; ".join(s.techniques),
        "regulation_framework": reg.framework if reg else None,
        "regulation_start": (reg.start or None) if reg else None,
        "regulation_end": (reg.end or None) if reg else None,
        "homework_assigned": len(s.plan.homework),
        "amendments": len(s.amendments),
    }
    for key in CHECKLIST_KEYS:
        answer = s.answer(key)
        row[f"checklist_{key.replace('-', '_')}"] = answer.answer if answer else None
    return row


def homework_row(e: HomeworkEntry) -> dict[str, Any]:
    row: dict[str, Any] = {
        "entry_id": e.id,
        "client": e.client,
        "date": e.at.date().isoformat(),
        "at": e.at.isoformat(),
        "entry_kind": e.entry_kind,
        "assignment": e.assignment or None,
        "written_by": e.written_by,
    }
    spec, part = homework_kind(e.entry_kind), e.part
    if spec is not None and part is not None:
        row.update({c.name: c.value(part) for c in spec.columns if c.value is not None})
    return row


def goal_list_rows(
    client: Client, sessions: Sequence[Session], until: date | None
) -> list[dict[str, Any]]:
    """One row per goal in client.toml; COPM T2 as the trends take it (as of ``until``)."""
    problems = {p.goal: p for p in copm(client, sessions, until).problems}
    out = []
    for g in client.goals:
        p = problems.get(g.id)
        out.append(
            {
                "client": client.handle,
                "goal": g.id,
                "text": g.text,
                "status": g.status,
                "status_on": _iso(g.status_on),
                "weight": g.weight,
                "set_on": _iso(g.set_on),
                "baseline": g.baseline,
                "baseline_on": _iso(g.baseline_on),
                "copm_problem": p.problem if p else None,
                "copm_performance_t1": p.performance[0] if p else None,
                "copm_satisfaction_t1": p.satisfaction[0] if p else None,
                "copm_t1_on": _iso(p.t1_on) if p else None,
                "copm_performance_t2": p.performance[1] if p else None,
                "copm_satisfaction_t2": p.satisfaction[1] if p else None,
                "copm_t2_on": _iso(p.t2_on) if p else None,
                "copm_t2_from": (p.t2_from or None) if p else None,
            }
        )
    return out


def review_rows(client: Client, review: Session) -> list[dict[str, Any]]:
    """One row per goal in a review, each with the review's T-scores (the same numbers
    as ``otj trends`` and ``otj report``)."""
    score = review_score(client, review)
    out = []
    for r in review.goals:
        goal = client.goal(r.goal)
        out.append(
            {
                "session_id": review.id,
                "client": review.client,
                "date": review.start.date().isoformat(),
                "goal": r.goal,
                "gas": r.gas,
                "baseline": goal.baseline if goal else None,
                "weight": goal.weight if goal else None,
                "copm_performance": r.copm_performance,
                "copm_satisfaction": r.copm_satisfaction,
                "review_goals": "; ".join(score.goals) if score else None,
                "review_tscore": score.tscore if score else None,
                "baseline_tscore": score.baseline_tscore if score else None,
            }
        )
    return out


def assessment_rows(s: Session) -> list[dict[str, Any]]:
    """One row per score of each assessment recorded at an intake (one row with no score
    for an assessment given without scores)."""
    if s.intake is None:
        return []
    out = []
    for a in s.intake.assessments:
        head = {
            "session_id": s.id,
            "client": s.client,
            "date": s.start.date().isoformat(),
            "assessment": a.name,
            "given_on": _iso(a.on),
        }
        scores: list[tuple[str | None, float | None]] = [*a.scores.items()] or [(None, None)]
        out += [{**head, "score_name": name, "score": value} for name, value in scores]
    return out


def homework_plan_rows(
    client: Client,
    sessions: Sequence[Session],
    entries: Sequence[HomeworkEntry],
    today: date,
    since: date | None,
    until: date | None,
) -> list[dict[str, Any]]:
    """One row per homework: the numbers of ``trends``, ``homework summary`` and
    ``report`` (numbers.homework.planned_practice) over the same period."""
    from otjournal.numbers.homework import planned_practice

    end = min(until or today, today)
    chosen = [e for e in entries if in_range(e.at.date(), since, end)]
    known = [s for s in sessions if s.start.date() <= end]
    return [
        {
            "client": client.handle,
            "homework": a.id,
            "text": a.text,
            "kind": a.kind,
            "per_week": a.per_week,
            "since": a.since.isoformat(),
            "until": a.until.isoformat(),
            "days": a.days,
            "planned": round(a.expected, 2) if a.expected is not None else None,
            "practised": a.practised,
            "partly": a.partly,
            "not_this_time": a.not_this_time,
        }
        for a in planned_practice(client, known, chosen, today, since, end, sessions)
    ]


def supports_row(
    handle: str, sessions: Sequence[Session], today: date, since: date | None, until: date | None
) -> dict[str, Any]:
    """A client's supports over the period (numbers.session.supports, as trends)."""
    from otjournal.numbers.session import supports

    end = min(until or today, today)
    sup = supports([s for s in sessions if in_range(s.start.date(), since, end)])
    return {
        "client": handle,
        "since": _iso(since),
        "until": end.isoformat(),
        "attended": sup.attended,
        "direct_minutes": sup.direct_minutes,
        "non_face_to_face": sup.non_face_to_face,
        "non_face_to_face_minutes": sup.non_face_to_face_minutes,
        "cancelled": sup.cancelled,
        "did_not_attend": sup.did_not_attend,
    }


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day is not None else None


def rows(
    table: str,
    snap: Any,
    *,
    client: str | None,
    since: date | None,
    until: date | None,
    today: date | None = None,
) -> tuple[list[str], list[dict[str, Any]]]:
    """A table's columns and rows. The per-client tables (``homework-plan``,
    ``supports``) count up to ``today`` at most (the clock's day when not given)."""
    columns = [c for c, _ in TABLES[table]]
    out: list[dict[str, Any]] = []
    for record, made in by_record(table, snap, client, since, until, today):
        if record is None or (
            (client is None or record.client == client) and in_range(dated(record), since, until)
        ):
            out += made
    return columns, out


def dated(record: Session | HomeworkEntry) -> date:
    """The day a dated record is filtered by (--since, --until): as written, not amended."""
    return record.start.date() if isinstance(record, Session) else record.at.date()


def by_record(
    table: str,
    snap: Any,
    client: str | None,
    since: date | None,
    until: date | None,
    today: date | None = None,
) -> Iterator[tuple[Session | HomeworkEntry | None, list[dict[str, Any]]]]:
    """Each dated record of the snapshot in its order with its rows (every column, in
    order), unfiltered; for the per-client tables (goal-list, homework-plan, supports)
    each client's rows (of ``client`` only when given) with None for the record. Rows of
    dated records never depend on the period, so they can be kept and filtered later."""
    columns = [c for c, _ in TABLES[table]]

    def full(made: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [{c: row.get(c) for c in columns} for row in made]

    if table in PER_CLIENT:
        from otjournal.clock import today as clock_today

        day = today or clock_today()
        for handle in sorted(snap.clients):
            if client is None or handle == client:
                yield None, full(_per_client(table, snap, handle, since, until, day))
        return
    if table == "homework":
        for h in snap.homework:
            yield h.record, full([homework_row(h.record)])
        return
    for loaded in snap.sessions:
        s = as_amended(loaded.record)  # the notes as they read now: corrected values and wording
        client_rec = snap.clients.get(s.client)
        yield (
            loaded.record,
            full(_session_rows(table, s, client_rec.record if client_rec else None)),
        )


def _session_rows(table: str, s: Session, client_rec: Client | None) -> list[dict[str, Any]]:
    if table == "sessions":
        weights = {g.id: g.weight for g in client_rec.goals} if client_rec else {}
        return [session_row(s, weights)]
    if table == "goals":
        out = []
        for g in s.goals:
            goal = client_rec.goal(g.goal) if client_rec else None
            out.append(
                {
                    "session_id": s.id,
                    "client": s.client,
                    "date": s.start.date().isoformat(),
                    "goal": g.goal,
                    "goal_text": goal.text if goal else None,
                    "weight": goal.weight if goal else None,
                    "gas": g.gas,
                    "evidence": g.evidence or None,
                }
            )
        return out
    if table == "checklist":
        return [
            {
                "session_id": s.id,
                "client": s.client,
                "date": s.start.date().isoformat(),
                "item": c.item,
                "text": c.text,
                "answer": c.answer,
                "by": c.by or None,
                "note": c.note or None,
            }
            for c in s.checklist
        ]
    if table == "reviews":
        return review_rows(client_rec, s) if client_rec is not None and is_review(s) else []
    return assessment_rows(s)


def _per_client(
    table: str, snap: Any, handle: str, since: date | None, until: date | None, today: date
) -> list[dict[str, Any]]:
    owned = [as_amended(s.record) for s in snap.client_sessions(handle)]
    record = snap.clients[handle].record
    if table == "goal-list":
        return goal_list_rows(record, owned, until)
    if table == "supports":
        return [supports_row(handle, owned, today, since, until)]
    entries = [h.record for h in snap.client_homework(handle)]
    return homework_plan_rows(record, owned, entries, today, since, until)


# A spreadsheet reads a cell starting with one of these as a formula (CSV injection).
# OWASP's rule: prefix such a text cell with a single quote. Numbers are left as numbers:
# a GAS rating of -1 is written -1, and a number cannot carry a formula.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: Any) -> str:
    if type(value) is str:  # most cells: the last line below, without the checks first
        return "'" + value if value.startswith(FORMULA_START) else value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    text = str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def to_csv(columns: Sequence[str], data: Sequence[dict[str, Any]], bom: bool = False) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(columns)
    for row in data:
        writer.writerow([_cell(row[c]) for c in columns])
    return (("\ufeff" if bom else "") + buf.getvalue()).encode("utf-8")


def to_json(columns: Sequence[str], data: Sequence[dict[str, Any]]) -> bytes:
    return (
        json.dumps({"columns": list(columns), "rows": list(data)}, ensure_ascii=False, indent=1)
        + "\n"
    ).encode("utf-8")
