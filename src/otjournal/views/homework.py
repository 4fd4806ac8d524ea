"""Rich renderables for homework: what is assigned, and the summary. Never prints."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from rich.console import Group, RenderableType
from rich.text import Text

from otjournal.numbers.homework import Current, HomeworkSummary
from otjournal.numbers.kind_summary import KindSummary
from otjournal.views.rows import spark
from otjournal.views.session import homework_line
from otjournal.views.textgrid import Column, Grid


def per_week(n: int | None) -> str:
    if not n:
        return "open"
    return "daily" if n == 7 else f"{n}× a week"


# Grids: the homework's text goes under its row on a narrow terminal; no figure is cut.
CURRENT_COLUMNS = (
    Column("id"),
    Column("homework", fold=True),
    Column("kind"),
    Column("how often"),
    Column("since"),
    Column("this week", justify="right"),
)
ADHERENCE_COLUMNS = (
    Column("homework", fold=True),
    Column("from"),
    Column("practice", fold=True),
)


LATER_COLUMNS = (*CURRENT_COLUMNS[:4], Column("from"))  # not in force yet: no week's count


def assigned(current: Sequence[Current], later: Sequence[Current]) -> RenderableType:
    """What is assigned now, then homework added to start on a later day (none of it
    counted yet: shown so that it is seen to be set)."""
    parts: list[RenderableType] = [current_table(current)] if current else []
    if later:
        rows = [(c.assignment.id, c.assignment.text, c.assignment.kind,
                 per_week(c.assignment.per_week), f"{c.since}") for c in later]  # fmt: skip
        parts += [Text("")] if current else []
        parts += [Text("Starting later", style="bold"), Grid(LATER_COLUMNS, rows)]
    return Group(*parts)


def current_table(current: Sequence[Current]) -> Grid:
    rows = []
    for c in current:
        a = c.assignment
        rows.append(
            (a.id, a.text, a.kind, per_week(a.per_week), f"{c.since}", str(c.practised_this_week))
        )
    return Grid(CURRENT_COLUMNS, rows)


def kind_words(k: KindSummary) -> str:
    """The kind's sentence, with a sparkline of its values when it has a series."""
    if len(k.series) < 2:
        return k.words
    return f"{k.words} {spark(k.series, *k.scale)}"


def summary(
    s: HomeworkSummary, name: str, steps: Mapping[str, str] | None = None
) -> RenderableType:
    """The homework journal: assigned now, practice against the plan, each kind's
    summary, the latest entries (an exposure's step in its words: ``steps``)."""
    parts: list[RenderableType] = [
        Text.assemble(
            (f"Homework journal: {name}", "bold"),
            f" · {s.entries} entr{'y' if s.entries == 1 else 'ies'}",
        ),
        Text(""),
    ]
    if s.current:
        parts += [Text("Assigned now", style="bold"), current_table(s.current), Text("")]
    if s.adherence:
        table = Grid(
            ADHERENCE_COLUMNS, [(a.text, f"{a.since:%d %b}", a.words()) for a in s.adherence]
        )
        title = "Practice against the plan" + (f" (to {s.until})" if s.until else "")
        parts += [Text(title, style="bold"), table, Text("")]
    for k in s.kinds:
        parts += [Text(k.title.capitalize(), style="bold"), Text(kind_words(k)), Text("")]
    if s.recent:
        parts.append(Text("Most recent", style="bold"))
        parts += [homework_line(e, steps) for e in reversed(s.recent)]
    if not s.entries and not s.current and not s.adherence:  # else a table above says it
        parts.append(Text("No homework assigned or logged yet."))
    return Group(*parts)


def compact(s: HomeworkSummary) -> RenderableType:
    """Homework for the trends view: practice against the plan and the client's measures."""
    parts: list[RenderableType] = [Text("Homework", style="bold")]
    if not s.adherence and not s.entries:
        parts.append(Text("No homework assigned or logged in this period."))
        return Group(*parts)
    for a in s.adherence:
        parts.append(Text(f"{a.text}: {a.words()}"))
    parts += [Text(f"{k.title.capitalize()}: {kind_words(k)}") for k in s.kinds]
    return Group(*parts)
