"""Trends rendered for the terminal's width, and the same numbers as JSON.

At any width every figure is shown: a table that would not fit is laid out as stacked
lines instead (``ByWidth``), and text wraps rather than being cut.

Neutral by design: every regulation state gets the same colour, the checklist is
seven separate bars, an adapted activity is counted as a good sign.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.measure import Measurement
from rich.table import Table
from rich.text import Text

from otjournal.model.vocab import FRAMEWORK_NAMES
from otjournal.model.words import words_for
from otjournal.numbers.measures import MeasuresSummary
from otjournal.numbers.outcomes import COPM_CAVEAT, CopmSummary, Mean, baseline_hint
from otjournal.numbers.session import (
    ClientTrends,
    GoalTrend,
    ItemRate,
    RegulationSummary,
    Supports,
    lowest_item,
    quarter_hours,
)
from otjournal.views import controls as render_controls
from otjournal.views.lines import Hanging, indented
from otjournal.views.measures import SECTION as MEASURES
from otjournal.views.measures import period_lines
from otjournal.views.outcomes import (
    INTERIM_USES,
    copm_json,
    goal_json,
    interim_path,
    review_json,
)
from otjournal.views.rows import gas, pct

render_controls.show_control_characters()  # before any Text holds note text

SPARK = {-2: "▁", -1: "▂", 0: "▄", 1: "▆", 2: "█"}
BAR_WIDTH = 20
STATE_STYLE = "cyan"  # one colour for every state: none is "good"


def sparkline(points: Sequence[tuple[date, int]], width: int = 24) -> str:
    values = [v for _, v in points][-width:]
    return "".join(SPARK[v] for v in values)


def bar(rate: float | None, width: int = BAR_WIDTH) -> str:
    if rate is None:
        return "·" * width
    full = round(rate * width)
    return "█" * full + "░" * (width - full)


class ByWidth:
    """A renderable built for the width it is given: a table where it fits, stacked
    lines where it would not (a squeezed Rich table cuts numbers to "…")."""

    def __init__(self, build: Callable[[Console, ConsoleOptions], RenderableType]) -> None:
        self.build = build

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield self.build(console, options)

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        return Measurement(1, options.max_width)


def _fits(console: Console, options: ConsoleOptions, table: Table) -> bool:
    """Whether ``table`` fits without cutting a cell: its no_wrap columns at their
    widest, the wrapping ones at their min_width (or their longest word)."""
    from otjournal.views.textgrid import cells as width

    total = 0
    for col in table.columns:
        cells = [str(c) for c in col.cells] + ([str(col.header)] if table.show_header else [])
        if col.no_wrap:
            total += max((width(c) for c in cells), default=0)
        else:
            words = [width(w) for c in cells for w in c.split()]
            total += max([col.min_width or 0, *words])
    return total + 2 * (len(table.columns) - 1) <= options.max_width


def _title(text: str) -> Text:
    return Text(text, style="bold")


def client_view(
    t: ClientTrends, homework_renderable: RenderableType | None = None, *, self_mode: bool = False
) -> Group:
    c = t.client
    sup = t.supports
    parts: list[RenderableType] = [
        Text.assemble(
            (c.display_name, "bold"),
            f" ({c.handle}) · {t.since} to {t.until} · "
            f"{sup.attended} session{'s' if sup.attended != 1 else ''} attended, "
            f"{hours(sup.direct_minutes)} h direct",
        ),
    ]
    if t.asked_until is not None:
        parts.append(Text(f"Cut at today: the period asked for runs to {t.asked_until}."))
    parts.append(Text(""))
    if not t.sessions:
        parts.append(Text("No sessions in this period."))
        hw = t.homework
        if homework_renderable is not None and hw is not None and (hw.adherence or hw.entries):
            parts += [Text(""), homework_renderable]  # journalled between sessions all the same
        return Group(*parts)

    parts += goal_parts(t)
    parts.append(Text(""))

    parts += checklist_parts(t)

    reg = t.regulation
    if reg.sessions:
        parts.append(
            _title(
                f"Regulation ({FRAMEWORK_NAMES.get(reg.framework, reg.framework)}; "
                "all states are OK)"
            )
        )
        parts.append(ByWidth(lambda console, options: regulation_table(reg, console, options)))
        if reg.helped:
            parts.append(Text("What helped: " + ", ".join(f"{h} ({n})" for h, n in reg.helped[:5])))
        parts.append(Text(""))

    a = t.activities
    if a.total:
        words = words_for(t.client, t.until, self_mode)  # "plans that follow you"
        parts.append(_title("Activities"))
        parts.append(Text("Most used: " + ", ".join(f"{n} ({k})" for n, k in a.most_used)))
        parts.append(
            Text(
                f"{words.led_share} or interest-based {pct(a.share(a.child_led_or_interest))} · "
                f"movement/sensory {pct(a.share(a.movement_sensory))} · adapted in-session "
                f"{a.adapted} of {a.total} (a good sign: plans that follow {words.follow})"
            )
        )
        parts.append(Text(""))

    if t.techniques:
        parts += [Text(techniques_line(t.techniques)), Text("")]

    measures = period_lines(t.measures)
    if measures:
        parts += [_title(MEASURES), *(Text(line) for line in measures), Text("")]

    if homework_renderable is not None:
        parts.append(homework_renderable)
        parts.append(Text(""))

    parts.append(_title("Sessions and hours"))
    parts.append(Text(supports_line(sup)))
    if sup.by_setting:  # none attended: no breakdown to give (as the report's tables)
        said = " · ".join(f"{k} {n} ({hours(m)} h)" for k, (n, m) in sup.by_setting.items())
        parts.append(Text("By setting: " + said))
    if sup.by_role:
        said = " · ".join(f"{k} {n}" for k, (n, _) in sup.by_role.items())
        parts.append(Text("By who attended: " + said))
    return Group(*parts)


def checklist_parts(t: ClientTrends) -> list[RenderableType]:
    """Each item's rate, and the lowest for reflection; one line when none was answered."""
    parts: list[RenderableType] = []
    if not any(r.counts for r in t.checklist):
        # Not asked (an adult client, by default): no table of blank rates.
        return [_title("Affirming checklist"), Text("Not recorded in this period."), Text("")]
    parts.append(
        _title("Affirming checklist: each on its own, (yes + ½ partly) / (yes + partly + no)")
    )
    parts.append(ByWidth(lambda console, options: checklist_table(t.checklist, console, options)))
    low = lowest_item(t.checklist)
    if low is not None:
        note = f"For reflection: “{_short(low.text, 48)}” ({pct(low.rate)})"
        if low.no_sessions:
            note += f"; “no” in {', '.join(low.no_sessions[:3])}"
            note += f" and {len(low.no_sessions) - 3} more" if len(low.no_sessions) > 3 else ""
        parts.append(Text(note, style="dim"))
    others = [r for r in t.checklist if r is not low and r.no_sessions]
    for r in others:
        parts.append(
            Text(
                f"“no” for “{_short(r.text, 40)}” in {', '.join(r.no_sessions[:3])}"
                + (f" and {len(r.no_sessions) - 3} more" if len(r.no_sessions) > 3 else ""),
                style="dim",
            )
        )
    parts.append(Text(""))
    return parts


def techniques_line(counts: Sequence[tuple[str, int]]) -> str:
    """``Techniques: CBT 5 sessions · graded exposure 3`` (sessions that took place)."""
    shown = [f"{name} {n}" for name, n in counts]
    if shown:  # the unit once, on the first
        shown[0] += " session" if counts[0][1] == 1 else " sessions"
    return "Techniques: " + " · ".join(shown)


def hours(minutes: int) -> str:
    """Hours to the quarter hour, as few digits as needed: 50 min → 0.75, 120 → 2."""
    return f"{quarter_hours(minutes):g}"


def supports_line(sup: Supports) -> str:
    """Sessions attended and the hours apart; sessions that did not take place beside."""
    line = (
        f"{sup.attended} attended, {hours(sup.direct_minutes)} h direct · "
        f"{sup.non_face_to_face} non-face-to-face, {hours(sup.non_face_to_face_minutes)} h"
    )
    if sup.cancelled or sup.did_not_attend:
        line += f" · {sup.cancelled} cancelled · {sup.did_not_attend} did not attend"
    return line + " (hours to the quarter hour)"


def _delta(change: int | None) -> str:
    return "" if change is None else f" ({change:+d})"


def _short(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


# The goal and checklist tables keep at least this many cells for their text column;
# narrower, each row is stacked: the text wrapped on its own line(s), the figures below.
TEXT_LEAST = 24
ITEM_LEAST = 36  # a checklist item is a sentence: fewer cells would take four lines


def goal_parts(t: ClientTrends) -> list[RenderableType]:
    """The goals: each against its recorded baseline, the reviews' T-scores on the same
    goals, the interim path, COPM; every figure says which ratings it uses."""
    title = _title("Goals (GAS, -2 to +2; 0 = expected outcome)")
    if not t.goals:  # no table to head, no ratings to call interim
        if t.client.goals:
            return [title, Text("No goal was set by the end of this period.")]
        return [title, Text(f"No goals yet: otj goal add {t.client.handle}")]
    parts: list[RenderableType] = [
        title,
        ByWidth(lambda console, options: goals_table(t.goals, console, options)),
    ]
    missing = [g.goal for g in t.goals if g.baseline is None]
    if missing:
        parts.append(
            Text(
                f"Baseline not recorded for {', '.join(missing)}; to add it: "
                + baseline_hint(t.client.handle, missing[0]),
                style="dim",
            )
        )
    for r in t.reviews:
        parts.append(Text(r.uses))
    if not t.reviews:
        parts.append(Text("No review in this period: the ratings above are interim."))
    if t.tscores:
        parts.append(
            Text(
                "Interim path, GAS T-score of each session's own rated goals (the sets "
                f"differ): {interim_path(t.tscores)}"
            )
        )
    parts += copm_lines(t.copm)
    return parts


def copm_lines(c: CopmSummary) -> list[RenderableType]:
    lines: list[RenderableType] = []
    for cp in c.problems:
        perf, sat = cp.performance, cp.satisfaction
        mark = " *" if cp.important else ""
        lines.append(
            Text(
                f"COPM {cp.problem}: performance {_score(perf[0])} → {_score(perf[1])}"
                f"{_delta(cp.performance_change)}, satisfaction {_score(sat[0])} → "
                f"{_score(sat[1])}{_delta(cp.satisfaction_change)}{mark}"
            )
        )
        lines.append(indented(Text(cp.uses, style="dim")))
    for name, mean in (("performance", c.performance), ("satisfaction", c.satisfaction)):
        if mean is not None:
            lines.append(Text(_mean_line(name, mean)))
    if any(cp.important for cp in c.problems) or any(
        m is not None and m.important for m in (c.performance, c.satisfaction)
    ):
        lines.append(indented(Text(f"* {COPM_CAVEAT}", style="dim")))
    return lines


def _mean_line(name: str, m: Mean) -> str:
    mark = " *" if m.important else ""
    return (
        f"COPM mean {name} ({m.n} problem{'s' if m.n != 1 else ''} scored at T1 and T2): "
        f"{m.t1:g} → {m.t2:g} ({m.change:+g}){mark}"
    )


def _score(value: int | None) -> str:
    return "–" if value is None else str(value)


def _goal_label(g: GoalTrend) -> str:
    if g.status == "active":
        return f"{g.goal} {g.text}"
    since = f" since {g.status_on}" if g.status_on else ""
    return f"{g.goal} {g.text} ({g.status}{since})"


def _outcome(g: GoalTrend) -> str:
    rating = g.outcome
    if rating is None:
        return "–"
    return f"{gas(rating[1])} {'at review' if rating[2] == 'review' else 'interim'}"


def goals_table(
    goals: Sequence[GoalTrend], console: Console, options: ConsoleOptions
) -> RenderableType:
    """Each goal's text in full (wrapped), its baseline, interim path, its rating at the
    latest review (else the latest interim one, said so) and the change from baseline."""
    rows = [
        (
            _goal_label(g),
            "not recorded" if g.baseline is None else gas(g.baseline),
            sparkline(g.points) or "–",
            _outcome(g),
            _change(g.change),
        )
        for g in goals
    ]
    table = Table(box=None, pad_edge=False, show_header=True, header_style="dim")
    table.add_column("goal", overflow="fold", min_width=TEXT_LEAST)
    table.add_column("baseline", justify="right", no_wrap=True)
    table.add_column("interim", no_wrap=True)
    table.add_column("rating", justify="right", no_wrap=True)
    table.add_column("change", justify="right", no_wrap=True)
    for row in rows:
        table.add_row(*row)
    if _fits(console, options, table):
        return table
    lines: list[RenderableType] = []
    for g, (text, base, spark, rating, change) in zip(goals, rows, strict=True):
        mark = f"{g.goal} "  # the words wrap beside the id, never under it
        lines += [
            Hanging(Text(mark), Text(text[len(mark) :])),
            indented(Text(f"interim {spark}")),
            indented(Text(f"baseline {base} · rated {rating} · change {change}")),
        ]
    return Group(*lines)


def _change(change: int | None) -> str:
    return "–" if change is None else f"{change:+d}"


def _answered(r: ItemRate) -> str:
    """The rate's n (yes, partly or no), and the unsure and n/a answers beside it."""
    beside = _beside(r)
    return f"n={r.applicable}" + (f", {beside}" if beside else "")


def _beside(r: ItemRate) -> str:
    """ "1 unsure, 2 n/a": the answers counted beside the rate, never in it (domain.md)."""
    counted = ((r.counts.get("unsure", 0), "unsure"), (r.counts.get("n-a", 0), "n/a"))
    return ", ".join(f"{n} {what}" for n, what in counted if n)


def checklist_table(
    rates: Sequence[ItemRate], console: Console, options: ConsoleOptions
) -> RenderableType:
    """Each item in full (wrapped) with its bar, rate and n."""
    table = Table(box=None, pad_edge=False, show_header=False)
    table.add_column("item", overflow="fold", min_width=ITEM_LEAST, max_width=40)
    table.add_column("bar", no_wrap=True)
    table.add_column("rate", justify="right", no_wrap=True)
    table.add_column("n", no_wrap=True, style="dim")
    for r in rates:
        table.add_row(r.text, bar(r.rate), pct(r.rate), _answered(r))
    if _fits(console, options, table):
        return table
    lines: list[RenderableType] = []
    for r in rates:
        lines.append(Text(r.text))
        shown = Text(f"{bar(r.rate)}  {pct(r.rate):>4}  ")
        lines.append(indented(shown.append(f"n={r.applicable}", "dim")))
        beside = _beside(r)
        if beside:  # a line of its own: beside the bar it would break at a narrow width
            lines.append(indented(Text(f"{beside}, beside the rate", "dim")))
    return Group(*lines)


def regulation_table(
    reg: RegulationSummary, console: Console | None = None, options: ConsoleOptions | None = None
) -> RenderableType:
    """A start × end grid for a framework's few states; many free-text (descriptive)
    states, or a grid wider than the terminal, are listed as 'start → end: n' instead,
    so no count is ever cut."""
    grid = _regulation_grid(reg) if len(reg.states) <= 4 else None
    if grid is not None and (console is None or options is None or _fits(console, options, grid)):
        return grid
    table = Table(box=None, pad_edge=False, header_style="dim")
    table.add_column("state", overflow="fold")
    table.add_column("at start", justify="right", no_wrap=True)
    table.add_column("at end", justify="right", no_wrap=True)
    for state in reg.states:
        table.add_row(
            Text(state, style=STATE_STYLE),
            str(reg.start.get(state, 0)),
            str(reg.end.get(state, 0)),
        )
    moves = [
        Text(f"{s} → {e}: {n}")
        for (s, e), n in sorted(reg.transitions.items(), key=lambda kv: (-kv[1], kv[0]))
    ]
    return Group(table, Text("Start → end:", style="dim"), *moves)


def _regulation_grid(reg: RegulationSummary) -> Table:
    table = Table(box=None, pad_edge=False, header_style="dim")
    table.add_column("start → end", no_wrap=True)
    for state in reg.states:
        table.add_column(state, justify="right", no_wrap=True)
    table.add_column("at start", justify="right", no_wrap=True, style="dim")
    for start in reg.states:
        row = [str(reg.transitions.get((start, end), "") or "·") for end in reg.states]
        table.add_row(Text(start, style=STATE_STYLE), *row, str(reg.start.get(start, 0)))
    table.add_row(Text("at end", style="dim"), *[str(reg.end.get(s, 0)) for s in reg.states], "")
    return table


def trends_json(t: ClientTrends) -> dict[str, Any]:
    """The numbers of the client view, for scripts."""
    low = lowest_item(t.checklist)
    return {
        "client": t.client.handle,
        "since": t.since,
        "until": t.until,
        "asked_until": t.asked_until,
        "sessions": len(t.sessions),
        "goals": [goal_json(t.client.handle, g) for g in t.goals],
        "reviews": [review_json(r) for r in t.reviews],
        "interim": [
            {"date": p.day, "session": p.session, "goals": p.goals, "tscore": p.tscore}
            for p in t.tscores
        ],
        "interim_uses": INTERIM_USES,
        "copm": copm_json(t.copm),
        "checklist": [
            {
                "item": r.item,
                "text": r.text,
                "counts": r.counts,
                "applicable": r.applicable,
                "rate": r.rate,
                "no_sessions": list(r.no_sessions),
            }
            for r in t.checklist
        ],
        "checklist_lowest": low.item if low else None,
        "regulation": {
            "framework": t.regulation.framework,
            "states": list(t.regulation.states),
            "transitions": [
                {"start": s, "end": e, "count": n}
                for (s, e), n in sorted(t.regulation.transitions.items())
            ],
            "start": t.regulation.start,
            "end": t.regulation.end,
            "helped": [{"strategy": h, "count": n} for h, n in t.regulation.helped],
        },
        "activities": {
            "total": t.activities.total,
            "most_used": [{"name": n, "count": k} for n, k in t.activities.most_used],
            "child_led_or_interest_based": t.activities.child_led_or_interest,
            "movement_sensory": t.activities.movement_sensory,
            "adapted_in_session": t.activities.adapted,
        },
        "supports": {
            "sessions": t.supports.sessions,
            "hours": round(t.supports.hours, 2),
            "attended": t.supports.attended,
            "cancelled": t.supports.cancelled,
            "did_not_attend": t.supports.did_not_attend,
            "non_face_to_face": t.supports.non_face_to_face,
            "direct_minutes": t.supports.direct_minutes,
            "non_face_to_face_minutes": t.supports.non_face_to_face_minutes,
            "by_setting": {
                k: {"sessions": n, "hours": round(m / 60, 2)}
                for k, (n, m) in t.supports.by_setting.items()
            },
            "by_role": {
                k: {"sessions": n, "hours": round(m / 60, 2)}
                for k, (n, m) in t.supports.by_role.items()
            },
        },
        "homework": t.homework.to_json() if t.homework is not None else None,
        "measures": (t.measures or MeasuresSummary()).to_json(),
        "techniques": dict(t.techniques),  # name -> sessions that took place with it
    }
