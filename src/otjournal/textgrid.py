"""Borderless tables of plain text cells: laid out directly, or as a Rich table.

Rich takes about 0.3 ms a row to lay out a table, and importing its console about
25 ms: too slow for ``otj list`` and an overview of hundreds of clients. ``lines`` lays
the cells out exactly as ``table`` would print them (a property test holds the two
together); when the columns do not fit the width it returns None, and the Rich table
shrinks, shortens or folds them instead. Cells are never read as Rich markup.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from rich.table import Table

GAP = 2  # spaces between columns, as in a Rich table without a box


class Column(NamedTuple):
    header: str
    justify: str = "left"  # or "right"
    least: int = 0  # minimum width
    most: int | None = None  # a longer cell ends in "…"
    fold: bool = False  # in a narrow table, wrap this column's cells rather than shorten


def lines(columns: Sequence[Column], rows: Sequence[Sequence[str]], width: int) -> list[str] | None:
    """The header and each row as a line, or None when they need more than ``width``
    cells or a cell holds a control character (a newline, a tab)."""
    from rich.cells import cell_len, set_cell_size  # no console: a few ms

    if not all(c.isprintable() for row in rows for c in row):
        return None
    widths = []
    for i, col in enumerate(columns):
        w = max([cell_len(col.header), *(cell_len(row[i]) for row in rows)])
        widths.append(max(col.least, min(w, col.most) if col.most else w))
    if sum(widths) + GAP * (len(widths) - 1) > width:
        return None
    out = []
    for row in [[c.header for c in columns], *rows]:
        cells = []
        for value, col, w in zip(row, columns, widths, strict=True):
            size = cell_len(value)
            if size > w:
                value = set_cell_size(value, w - 1) + "…"
                size = w
            pad = " " * (w - size)
            cells.append(pad + value if col.justify == "right" else value + pad)
        out.append((" " * GAP).join(cells))
    return out


def table(
    columns: Sequence[Column], rows: Sequence[Sequence[str]], header_style: str = "bold"
) -> Table:
    """The same cells as a Rich table, for widths the direct layout does not fit."""
    from rich.table import Table
    from rich.text import Text

    grid = Table(box=None, pad_edge=False, header_style=header_style)
    for col in columns:
        grid.add_column(
            col.header,
            justify=col.justify,  # type: ignore[arg-type]
            no_wrap=not col.fold,
            overflow="fold" if col.fold else "ellipsis",
            min_width=col.least or None,
            max_width=col.most,
        )
    for row in rows:
        grid.add_row(*(Text(value) for value in row))
    return grid
