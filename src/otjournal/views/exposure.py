"""Graded exposure rendered: the hierarchy, and each step's peak SUDS over its practices.

Neutral words only: the numbers are the person's; a line says what went from what to
what, never whether that is good. Never prints.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Group, RenderableType
from rich.text import Text

from otjournal.numbers.exposure import Practice, StepPractices, practices_words, went
from otjournal.views.lines import indented
from otjournal.views.textgrid import Column, Grid
from otjournal.views.trends import sparkline

TITLE = "Graded exposure: peak SUDS (0-100) at each practice, oldest first"
SHOWN_PEAKS = 6  # more than this: the first two, "…", the latest three


def _level(suds: int) -> int:
    """SUDS 0-100 as the sparkline's five heights (-2..+2)."""
    return min(2, max(-2, round(suds / 25) - 2))


def peak_path(peaks: Sequence[int]) -> str:
    """``70 → 55 → 40``; a long run keeps its first two and its latest three."""
    said = [str(p) for p in peaks]
    if len(said) > SHOWN_PEAKS:
        said = [*said[:2], "…", *said[-3:]]
    return " → ".join(said)


def name_of(s: StepPractices) -> str:
    head = f"Step {s.name} “{s.text}”" if s.name else f"Step “{s.text}”"
    return head + (f" (SUDS {s.step.suds})" if s.step is not None else "")


def step_line(s: StepPractices) -> Text:
    """``Step s2 “ride the bus one stop” (SUDS 50): 3 practices · peak 70 → 55 → 40 ▆▄▂``"""
    line = Text(f"{name_of(s)}: {practices_words(len(s.practices))}")
    peaks = s.peaks
    if peaks:
        line.append(f" · peak {peak_path(peaks)} ")
        points = [(p.at.date(), _level(p.peak)) for p in s.practices if p.peak is not None]
        line.append(sparkline(points), style="cyan")
    elif s.practices:
        line.append(" · no peak SUDS given")
    return line


def steps_view(steps: Sequence[StepPractices]) -> RenderableType:
    """The summary's and the trends' section; nothing at all when no step was practised."""
    practised = [s for s in steps if s.practices]
    if not practised:
        return Group()
    parts: list[RenderableType] = [Text(""), Text(TITLE, style="bold")]
    for s in practised:
        parts.append(step_line(s))
        words = went(s)
        if words:
            parts.append(indented(Text(words, style="dim")))
    return Group(*parts)


def _suds(p: Practice | None) -> str:
    if p is None:
        return ""
    return "/".join("–" if v is None else str(v) for v in (p.before, p.peak, p.after))


def _day(p: Practice | None) -> str:
    return f"{p.at:%Y-%m-%d}" if p is not None else ""


HIERARCHY_COLUMNS = (
    Column("step"),
    Column("SUDS", justify="right"),
    Column("the step", fold=True),
    Column("practices", justify="right"),
    Column("latest before/peak/after"),
    Column("on"),
)


def hierarchy_grid(steps: Sequence[StepPractices]) -> Grid:
    """``otj hierarchy list``: the steps by expected SUDS with their latest practice."""
    rows = []
    for s in steps:
        retired = s.step is not None and not s.step.is_active
        rows.append(
            (
                s.name or "–",
                str(s.step.suds) if s.step is not None else "",
                s.text + (" (retired)" if retired else ""),
                str(len(s.practices)),
                _suds(s.latest),
                _day(s.latest),
            )
        )
    return Grid(HIERARCHY_COLUMNS, rows)
