"""How the close of an episode reads: a discharge's ``[discharge]`` table and a review's
COPM at T2, for ``otj show`` (Rich) and the printable note (``views.printout``).

A review's GAS ratings are the note's ordinary ``[[goals]]`` and show with them; a goal
listed without a rating in a review was left out on purpose, and says so here. Words
are neutral: a status is a status, never a verdict.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.console import Group, RenderableType
from rich.padding import Padding
from rich.text import Text

from otjournal.model import Client, Session
from otjournal.model.vocab import DISCHARGE_WORDS

if TYPE_CHECKING:
    from otjournal.views.printout import Section


def _goal_name(goal_id: str, client: Client | None) -> str:
    goal = client.goal(goal_id) if client else None
    return f"{goal_id} {goal.text}" if goal else goal_id


def lines(session: Session, client: Client | None) -> list[tuple[str, list[tuple[str, str]]]]:
    """The closing parts of a note as (heading, [(label, text)]) entries: empty for a note
    that is neither a review nor a discharge."""
    out: list[tuple[str, list[tuple[str, str]]]] = []
    if session.session_type == "review":
        for g in session.goals:
            if g.gas is None:
                out.append(
                    (_goal_name(g.goal, client), [("GAS at review", "not rated at this review")])
                )
            if g.copm_performance is not None or g.copm_satisfaction is not None:
                goal = client.goal(g.goal) if client else None
                t1 = goal.copm if goal else None
                p1 = t1.performance_t1 if t1 else None
                s1 = t1.satisfaction_t1 if t1 else None
                out.append(
                    (
                        _goal_name(g.goal, client),
                        _pairs(
                            ("COPM problem", t1.problem if t1 else ""),
                            (
                                "COPM performance",
                                _t2(g.copm_performance, p1),
                            ),
                            (
                                "COPM satisfaction",
                                _t2(g.copm_satisfaction, s1),
                            ),
                        ),
                    )
                )
    d = session.discharge
    if d is not None:
        reason = DISCHARGE_WORDS.get(d.reason, d.reason)
        out.append(
            (
                "",
                _pairs(
                    ("Reason", reason),
                    ("About the reason", d.reason_note),
                    ("Recommendations", d.recommendations),
                    ("Maintenance plan", d.maintenance),
                    ("Told", ", ".join(d.told)),
                ),
            )
        )
        for o in d.goals:
            out.append(
                (
                    _goal_name(o.goal, client),
                    _pairs(("Final status", o.status), ("Progress", o.summary)),
                )
            )
    return out


def _t2(t2: int | None, t1: int | None) -> str:
    """``7 at T2 (3 at T1)``."""
    if t2 is None:
        return ""
    return f"{t2} at T2" + (f" ({t1} at T1)" if t1 is not None else "")


def _pairs(*pairs: tuple[str, str]) -> list[tuple[str, str]]:
    return [(label, text) for label, text in pairs if text]


def title(session: Session) -> str:
    return "Discharge" if session.discharge is not None else "At review"


def closing_detail(session: Session, client: Client | None) -> list[RenderableType]:
    """For ``otj show``: the closing section (nothing for other notes)."""
    entries = lines(session, client)
    if not entries:
        return []
    body: list[RenderableType] = []
    for head, pairs in entries:
        if head:
            body.append(Text(head, style="bold"))
        for label, text in pairs:
            row = Text.assemble((f"{label}: ", "italic"), text)
            body.append(Padding(row, (0, 0, 0, 2 if head else 0), expand=False))
    return [
        Text(title(session), style="bold"),
        Padding(Group(*body), (0, 0, 0, 2), expand=False),
        Text(""),
    ]


def printout_sections(session: Session, client: Client | None) -> list[Section]:
    """For the printable note: the same parts as sections of the page."""
    from otjournal.views.printout import Entry, Section

    entries = lines(session, client)
    if not entries:
        return []
    return [Section(title(session), tuple(Entry(h, tuple(p)) for h, p in entries))]
