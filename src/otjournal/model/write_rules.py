"""Rules a record meets when it is written, not when it is read.

Files already on disk were written under older rules and are health records: reading
stays as tolerant as it was, so these rules are applied by the commands that write
(and may be reported by ``otj check`` as a warning), never by ``from_dict``. Pure.
"""

from __future__ import annotations

import unicodedata
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from otjournal.errors import ValidationError
from otjournal.model.ids import is_slug
from otjournal.model.vocab import NOT_HELD_TYPES

if TYPE_CHECKING:
    from otjournal.model import Client, Goal

# Characters that change how the text after them is laid out: each would let a name
# break a header line or reorder what is printed beside it.
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
# The ratings a goal can hold in a session note.
RATING_KEYS = ("gas", "copm_performance", "copm_satisfaction")


def name_problem(name: str) -> str | None:
    """Why ``name`` cannot be a person's name, or None. A name is one line: it heads
    pages and fills table cells. What was typed is never repeated."""
    for ch in name:
        if ch in _BIDI_CONTROLS or unicodedata.category(ch) in ("Cc", "Zl", "Zp"):
            return "a name is one line of text: line breaks and control characters are refused"
    return None


def writer_problems(note: dict[str, Any], key: str) -> list[ValidationError]:
    """Who wrote a record (``written_by``, an amendment's ``by``) is a name: one line."""
    name = note.get(key)
    problem = name_problem(name) if isinstance(name, str) else None
    return [ValidationError(key, problem)] if problem else []


def checked_writer(name: str, option: str = "--by") -> str:
    """``name`` as given with ``option``, or a UsageError if it is no name (one line)."""
    from otjournal.errors import UsageError

    problem = name_problem(name)
    if problem:
        raise UsageError(f"{option}: {problem}")
    return name


def born_problem(start: Any, client: Client | None) -> str | None:
    """Why ``start`` cannot be a session of ``client``'s: before their date of birth."""
    if client is None or client.date_of_birth is None or not isinstance(start, datetime):
        return None
    if start.date() >= client.date_of_birth:
        return None
    return f"{start:%Y-%m-%d} is before {client.handle}'s date of birth ({client.date_of_birth})"


# The notes that rate goals as they close them: a review may rate one on hold, and a
# discharge each goal of its episode, achieved or not.
CLOSING_TYPES = ("review", "discharge")


def closed_problem(goal: Goal, day: date, session_type: object) -> str | None:
    """Why a session of ``day`` cannot rate ``goal``: it had stopped being worked on
    (achieved, on hold, discontinued: a discharge and ``otj goal set`` date each) as it
    stood the day before. A status taken the same day still lets the session rate it."""
    before = day - timedelta(days=1)
    # Only a dated status change says when a goal closed: a status written by hand
    # without one ("achieved", no [[goals.changes]]) may have been taken on any day.
    dated = any(c.status and c.took_effect <= before for c in goal.changes)
    if session_type in CLOSING_TYPES or not dated:
        return None
    stood = goal.status_as_of(before)
    if stood is None or stood[0] == "active":
        return None
    status, took = stood
    since = f" from {took}" if took is not None else ""
    return (
        f"is {status}{since}, before this session ({day}): a session rates the goals "
        "being worked on"
    )


def ratings_need_a_session(note: dict[str, Any]) -> list[ValidationError]:
    """A goal rating in a note about a session that did not take place (cancelled,
    did-not-attend): each refused, by the goal's id. Nothing was observed to rate."""
    kind = note.get("session_type")
    goals = note.get("goals")
    if kind not in NOT_HELD_TYPES or not isinstance(goals, list):
        return []
    errors = []
    for g in goals:
        if not isinstance(g, dict) or not any(g.get(k) is not None for k in RATING_KEYS):
            continue
        gid = g.get("goal")
        where = f"goal {gid}" if isinstance(gid, str) and is_slug(gid) else "goals"
        errors.append(
            ValidationError(
                where,
                f"a {kind} session cannot hold a rating: a rating needs a session that took place",
                hint="leave the rating out, or log the session as held",
            )
        )
    return errors


def attendees_need_a_session(note: dict[str, Any]) -> list[ValidationError]:
    """Who attended, in a note about a session that did not take place (cancelled,
    did-not-attend): refused, as its ratings are. No one attended; the export would say
    otherwise. (Its length may be the time booked: a short-notice cancellation is
    claimed for it, and no count of hours takes it.)"""
    kind = note.get("session_type")
    if kind not in NOT_HELD_TYPES or not note.get("attendees"):
        return []
    return [
        ValidationError(
            "attendees",
            f"a {kind} session has no attendees: no one attended a session that did not take place",
            hint="leave the attendees out, or log the session as held",
        )
    ]


def homework_needs_a_session(note: dict[str, Any]) -> list[ValidationError]:
    """Homework set in a note about a session that did not take place (cancelled,
    did-not-attend): refused. No plan counts it (such a session sets none), so practice
    logged against it would be counted against nothing."""
    kind = note.get("session_type")
    plan = note.get("plan")
    homework = plan.get("homework") if isinstance(plan, dict) else None
    if kind not in NOT_HELD_TYPES or not homework:
        return []
    return [
        ValidationError(
            "plan.homework",
            f"a {kind} session sets no homework: homework is set in a session that took place",
            hint="leave the homework out; set it at the next session, or add it by hand "
            "('otj homework add')",
        )
    ]


def repeated_attendees(note: dict[str, Any]) -> list[ValidationError]:
    """Who attended, each once: "child, child" counts no one twice, and reads as a
    change when the same people are given again."""
    attendees = note.get("attendees")
    if not isinstance(attendees, list):
        return []
    seen: dict[Any, int] = {}
    errors = []
    for i, who in enumerate(attendees):
        if who in seen:
            errors.append(
                ValidationError(
                    f"attendees[{i}]", f"repeats attendees[{seen[who]}]: name each once"
                )
            )
        else:
            seen[who] = i
    return errors
