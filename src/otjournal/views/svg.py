"""Small, self-contained SVG charts for the HTML report. Pure strings, no scripts.

Colours are neutral: one blue for data, greys for axes. Every chart has a <title>
and text labels so it reads without colour and prints well.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from html import escape

INK = "#1f4e79"
GRID = "#c8ccd0"
MUTED = "#5f6368"
FONT = "font-family='system-ui, sans-serif' font-size='11'"


def _svg(width: int, height: int, title: str, body: list[str]) -> str:
    return (
        f"<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 {width} {height}' "
        f"width='{width}' height='{height}' role='img' aria-label='{escape(title)}'>"
        f"<title>{escape(title)}</title>" + "".join(body) + "</svg>"
    )


def gas_chart(
    points: Sequence[tuple[date, int]], title: str, width: int = 560, height: int = 170
) -> str:
    """Interim GAS ratings over time, -2 to +2, with the 0 (expected) line marked."""
    left, right, top, bottom = 34, 12, 12, 26
    plot_w, plot_h = width - left - right, height - top - bottom
    body: list[str] = []

    def y(level: float) -> float:
        return top + (2 - level) / 4 * plot_h

    for level in (-2, -1, 0, 1, 2):
        yy = y(level)
        dash = "" if level == 0 else " stroke-dasharray='3 3'"
        body.append(f"<path d='M{left} {yy:.1f}H{width - right}' stroke='{GRID}'{dash}/>")
        label = f"+{level}" if level > 0 else str(level)
        body.append(
            f"<text x='{left - 6}' y='{yy + 4:.1f}' text-anchor='end' fill='{MUTED}' "
            f"{FONT}>{label}</text>"
        )
    if points:
        first, last = points[0][0], points[-1][0]
        span = max((last - first).days, 1)

        def x(day: date) -> float:
            return (
                left + ((day - first).days / span) * plot_w
                if len(points) > 1
                else left + plot_w / 2
            )

        coords = " ".join(f"{x(d):.1f},{y(v):.1f}" for d, v in points)
        body.append(f"<path d='M{coords}' fill='none' stroke='{INK}' stroke-width='2'/>")
        body += [f"<circle cx='{x(d):.1f}' cy='{y(v):.1f}' r='3' fill='{INK}'/>" for d, v in points]
        body.append(f"<text x='{left}' y='{height - 8}' fill='{MUTED}' {FONT}>{first}</text>")
        body.append(
            f"<text x='{width - right}' y='{height - 8}' text-anchor='end' "
            f"fill='{MUTED}' {FONT}>{last}</text>"
        )
    else:
        body.append(
            f"<text x='{width / 2}' y='{height / 2}' text-anchor='middle' "
            f"fill='{MUTED}' {FONT}>no ratings in this period</text>"
        )
    return _svg(width, height, title, body)


def rate_bars(rows: Sequence[tuple[str, float | None]], title: str, width: int = 560) -> str:
    """One horizontal bar per checklist item: never a combined score."""
    row_h, label_w, right = 34, 0, 46
    height = row_h * len(rows) + 8
    bar_w = width - label_w - right
    body: list[str] = []
    for i, (label, rate) in enumerate(rows):
        top = 4 + i * row_h
        body.append(f"<text x='0' y='{top + 11}' fill='#202124' {FONT}>{escape(label)}</text>")
        body.append(f"<rect x='0' y='{top + 16}' width='{bar_w}' height='10' fill='#eef0f2'/>")
        if rate is not None:
            body.append(
                f"<rect x='0' y='{top + 16}' width='{bar_w * rate:.1f}' height='10' fill='{INK}'/>"
            )
        text = "n/a" if rate is None else f"{rate * 100:.0f}%"
        body.append(
            f"<text x='{width}' y='{top + 25}' text-anchor='end' fill='#202124' "
            f"{FONT}>{text}</text>"
        )
    return _svg(width, height, title, body)


def transitions_grid(states: Sequence[str], counts: dict[tuple[str, str], int], title: str) -> str:
    """Start (rows) → end (columns) counts; shade by count only, one neutral hue."""
    cell, left, top = 44, 70, 40
    width = left + cell * len(states) + 8
    height = top + cell * len(states) + 8
    peak = max(counts.values(), default=0) or 1
    body = [
        f"<text x='{left}' y='14' fill='{MUTED}' {FONT}>end of session →</text>",
        f"<text x='0' y='{top - 6}' fill='{MUTED}' {FONT}>start ↓</text>",
    ]
    for j, state in enumerate(states):
        body.append(
            f"<text x='{left + j * cell + cell / 2}' y='{top - 8}' text-anchor='middle' "
            f"fill='#202124' {FONT}>{escape(state)}</text>"
        )
    for i, start in enumerate(states):
        yy = top + i * cell
        body.append(
            f"<text x='{left - 6}' y='{yy + cell / 2 + 4}' text-anchor='end' "
            f"fill='#202124' {FONT}>{escape(start)}</text>"
        )
        for j, end in enumerate(states):
            n = counts.get((start, end), 0)
            opacity = 0.08 + 0.8 * n / peak if n else 0.03
            xx = left + j * cell
            body.append(
                f"<rect x='{xx}' y='{yy}' width='{cell - 2}' height='{cell - 2}' "
                f"fill='{INK}' fill-opacity='{opacity:.2f}'/>"
            )
            colour = "#ffffff" if n and n / peak > 0.55 else "#202124"
            body.append(
                f"<text x='{xx + cell / 2 - 1}' y='{yy + cell / 2 + 3}' "
                f"text-anchor='middle' fill='{colour}' {FONT}>{n or '·'}</text>"
            )
    return _svg(width, height, title, body)
