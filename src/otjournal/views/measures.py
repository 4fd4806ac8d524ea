"""The session measures (ORS, SRS) as words: one session's numbers (``otj show``, the
printable note), a period's (trends, the report). Neutral words: a total is below or at
or above the ORS clinical cut-off, never good or bad; an SRS total of 36 or less is
"worth talking about together", a prompt for a conversation, not a grade."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from otjournal.numbers.measures import (
    ORS_CUTOFF,
    ORS_RELIABLE_CHANGE,
    SRS_TALK_AT,
    below_cutoff,
    worth_talking_about,
)

if TYPE_CHECKING:
    from otjournal.model.measures import Ors, Srs
    from otjournal.numbers.amended import Reading
    from otjournal.numbers.measures import MeasuresSummary

NAMES = {"ors": "Outcome Rating Scale (ORS)", "srs": "Session Rating Scale (SRS)"}
SECTION = "Session measures (ORS, SRS)"


def items_line(scale: Ors | Srs) -> str:
    """``individually 3 · interpersonally 4 · socially 3 · overall 4 · total 14 of 40``."""
    named = " · ".join(
        f"{k.replace('_', ' and ')} {v}" for k, v in zip(scale.ITEMS, scale.items, strict=True)
    )
    return f"{named} · total {scale.total} of 40"


def session_pairs(reading: Reading) -> list[tuple[str, str]]:
    """A session's measures as it reads now, as (name, numbers) pairs; none when not
    recorded. A corrected scale says what its items were ("amended 2026-12-05; was 4,
    5, 5, 4")."""
    now, changes = reading.session, reading.changes
    out: list[tuple[str, str]] = []
    for key in ("ors", "srs"):
        scale = getattr(now, key)
        if scale is None:
            continue
        line = items_line(scale)
        if key == "ors":
            line += f" ({_side(scale.total)} the clinical cut-off)"
        elif worth_talking_about(scale.total):
            line += " (worth talking about together)"
        moved = {k: changes[f"{key}.{k}"] for k in scale.ITEMS if f"{key}.{k}" in changes}
        if moved:
            items = zip(scale.ITEMS, scale.items, strict=True)
            was = (moved[k].was if k in moved else v for k, v in items)
            day = max(c.at for c in moved.values()).date()
            line += f" (amended {day}; was {', '.join(map(str, was))})"
        out.append((NAMES[key], line))
    return out


def _side(total: int) -> str:
    return "below" if below_cutoff(total) else "at or above"


def ors_sentence(m: MeasuresSummary) -> str:
    """The period's ORS in one sentence ("" when none was recorded)."""
    if not m.ors:
        return ""
    change = m.ors_change
    if change is None:
        p = m.ors[0]
        return (
            f"ORS: one total, {p.total} of 40 on {p.day} "
            f"({_side(p.total)} the clinical cut-off of {ORS_CUTOFF})."
        )
    first, latest = change.first, change.latest
    reliable = (
        f"a reliable change ({ORS_RELIABLE_CHANGE} points or more)"
        if change.reliable
        else f"less than the {ORS_RELIABLE_CHANGE} points of a reliable change"
    )
    return (
        f"ORS: {len(m.ors)} totals; first {first.total} on {first.day} "
        f"({_side(first.total)} the clinical cut-off of {ORS_CUTOFF}), latest {latest.total} "
        f"on {latest.day} ({_side(latest.total)} it): {change.change:+d}, {reliable}."
    )


def srs_sentence(m: MeasuresSummary) -> str:
    """The period's SRS in one sentence ("" when none was recorded)."""
    if not m.srs:
        return ""
    totals = ", ".join(str(p.total) for p in m.srs)
    flagged = len(m.srs_flagged)
    n = len(m.srs)
    talk = (
        f"{flagged} of {n} at {SRS_TALK_AT} or less, worth talking about together "
        f"({', '.join(str(p.day) for p in m.srs_flagged)})"
        if flagged
        else f"none at {SRS_TALK_AT} or less"
    )
    return f"SRS: {n} session{'s' if n != 1 else ''} rated, totals {totals} of 40; {talk}."


def period_lines(m: MeasuresSummary | None) -> list[str]:
    """The period's measures in a sentence each; empty when none were recorded."""
    if m is None or not m.recorded:
        return []
    return [line for line in (ors_sentence(m), srs_sentence(m)) if line]


REPORT_HEADING = "Outcome and session rating scales"
ABOUT = (
    "The Outcome Rating Scale (ORS) and the Session Rating Scale (SRS) are four items "
    "0-10 each, total 0-40, rated by the client. ORS: a total below 25 is below the "
    "clinical cut-off; a change of 5 points or more is a reliable change. SRS: a total of "
    "36 or less is a prompt to talk about the work together."
)


def report_blocks(m: MeasuresSummary | None) -> list[Any]:
    """The report's subsection (Blocks), only when a scale was recorded in the period."""
    from otjournal.views.report import Block

    lines = period_lines(m)
    if not lines:
        return []
    return [
        Block("h3", REPORT_HEADING),
        Block("p", ABOUT),
        *(Block("p", line) for line in lines),
    ]
