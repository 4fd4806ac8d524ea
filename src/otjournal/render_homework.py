"""Rich renderables for homework: what is assigned, and the summary. Never prints."""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from otjournal.homework_stats import Current, HomeworkSummary
from otjournal.render import homework_line


def per_week(n: int | None) -> str:
    if not n:
        return "open"
    return "daily" if n == 7 else f"{n}× a week"


def current_table(current: Sequence[Current]) -> Table:
    table = Table(box=None, pad_edge=False, header_style="bold")
    table.add_column("id", no_wrap=True)
    table.add_column("homework", overflow="fold")
    table.add_column("kind", no_wrap=True)
    table.add_column("how often", no_wrap=True)
    table.add_column("since", no_wrap=True)
    table.add_column("this week", justify="right", no_wrap=True)
    for c in current:
        a = c.assignment
        table.add_row(
            a.id, a.text, a.kind, per_week(a.per_week), f"{c.since}", str(c.logged_this_week)
        )
    return table


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
        table = Table(box=None, pad_edge=False, header_style="bold")
        table.add_column("homework", overflow="fold")
        table.add_column("from", no_wrap=True)
        table.add_column("practice", overflow="fold")
        for a in s.adherence:
            table.add_row(a.text, f"{a.since:%d %b}", a.words())
        parts += [Text("Practice against the plan", style="bold"), table, Text("")]
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
        parts.append(Text(f"{a.text[:38]}{'…' if len(a.text) > 38 else ''}: {a.words()}"))
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
    return Group(*parts)
