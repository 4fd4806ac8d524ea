"""Records as rows of plain text cells, for ``textgrid`` (no Rich needed to build them)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from otjournal.views.textgrid import Column

if TYPE_CHECKING:
    from otjournal.model import Session

SESSION_COLUMNS = (
    Column("id"),
    Column("client"),
    Column("kind"),
    Column("where"),
    Column("min", justify="right"),
    Column("goals (GAS)", fold=True, pairs=True),
)


def gas(value: int | None) -> str:
    if value is None:
        return "–"
    return f"+{value}" if value > 0 else str(value)


BLOCKS = "▁▂▃▄▅▆▇█"


def spark(values: Sequence[int], low: int, high: int, width: int = 24) -> str:
    """A sparkline of values on a ``low``-``high`` scale (the most recent ``width``)."""
    steps = len(BLOCKS) - 1
    span = (high - low) or 1
    return "".join(
        BLOCKS[round((min(max(v, low), high) - low) * steps / span)] for v in values[-width:]
    )


def session_cells(s: Session) -> tuple[str, ...]:
    """One note's row, as amended (marked so), as ``show`` reads it."""
    marks = ["late"] if s.late_entry else []
    if s.amendments:  # most notes have none: the amendment reader is not even loaded
        from otjournal.numbers.amended import read_now

        now = read_now(s)
        if now.changes:
            s = now.session
            marks.append("amended")
    rated = " ".join(f"{g.goal} {gas(g.gas)}" for g in s.goals)
    kind = s.session_type + (f" ({', '.join(marks)})" if marks else "")
    return (s.id, s.client, kind, s.setting, str(s.duration_min), rated or "–")


def pct(rate: float | None) -> str:
    return "n/a" if rate is None else f"{rate * 100:.0f}%"


# A long handle shortens with an ellipsis (the command then says where it is whole); the
# numbers, dates and words beside it never do. The lowest item (its rate with it) goes
# under its row rather than be cut.
OVERVIEW_COLUMNS = (
    Column("client", most=18),
    Column("sessions", justify="right", least=8),
    Column("last seen", least=10),
    Column("goals", least=15),
    Column("lowest item", fold=True),
)


def overview_cells(rows: Sequence[dict[str, Any]]) -> list[tuple[str, ...]]:
    cells: list[tuple[str, ...]] = []
    for r in rows:
        low = r["lowest_item"]
        cells.append(
            (
                r["client"],
                str(r["sessions"]),
                str(r["last_seen"] or "–"),
                r["goal_direction"],
                f"{low['item']} {pct(low['rate'])}" if low else "–",
            )
        )
    return cells


def goals_heading(s: Session) -> str:
    """A review's ratings are the follow-up scores; every other note's are interim."""
    if s.session_type == "review":
        return "Goals at review (GAS follow-up)"
    return "Goals addressed (interim GAS)"
