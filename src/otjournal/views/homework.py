"""Rich renderables for homework: what is assigned, and the summary. Never prints."""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Group, RenderableType
from rich.text import Text

from otjournal.numbers.homework import Current, HomeworkSummary
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


def current_table(current: Sequence[Current]) -> Grid:
    rows = []
    for c in current:
        a = c.assignment
        rows.append(
            (a.id, a.text, a.kind, per_week(a.per_week), f"{c.since}", str(c.logged_this_week))
        )
    return Grid(CURRENT_COLUMNS, rows)


def summary(s: HomeworkSummary, name: str) -> RenderableType:
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
    if s.mood.points:
        m = s.mood
        line = f"{len(m.points)} mood check{'s' if len(m.points) != 1 else ''}"
        if m.direction:
            line += f"; earlier average {m.earlier:.1f}, recent {m.recent:.1f} ({m.direction})"
        parts += [Text("Mood (0-10)", style="bold"), Text(line), Text("")]
    for title, c, unit in (
        ("Relaxation: tension before → after", s.relaxation, "/10"),
        ("Thought records: emotion before → after", s.thought_records, "%"),
    ):
        if c.count:
            parts += [
                Text(title, style="bold"),
                Text(
                    f"{c.before:.1f}{unit} → {c.after:.1f}{unit} on average "
                    f"({c.change:+.1f}) over {c.count}"
                ),
                Text(""),
            ]
    for k in s.kinds:
        parts += [Text(k.title.capitalize(), style="bold"), Text(k.words()), Text("")]
    if s.recent:
        parts.append(Text("Most recent", style="bold"))
        parts += [homework_line(e) for e in reversed(s.recent)]
    if not s.entries and not s.current:
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
    if s.mood.direction:
        parts.append(
            Text(
                f"Mood checks: {len(s.mood.points)}, earlier {s.mood.earlier:.1f} → "
                f"recent {s.mood.recent:.1f} ({s.mood.direction})"
            )
        )
    if s.relaxation.count:
        r = s.relaxation
        parts.append(
            Text(
                f"Relaxation: tension {r.before:.1f} → {r.after:.1f} on average "
                f"({r.change:+.1f}, n={r.count})"
            )
        )
    if s.thought_records.count:
        t = s.thought_records
        parts.append(
            Text(
                f"Thought records: emotion {t.before:.0f}% → {t.after:.0f}% on "
                f"average ({t.change:+.0f}, n={t.count})"
            )
        )
    parts += [Text(f"{k.title.capitalize()}: {k.words()}") for k in s.kinds]
    return Group(*parts)
