"""Borderless tables of plain text cells, laid out directly: no number is ever hidden.

Rich takes about 0.3 ms a row to lay out a table, and importing its console about
25 ms: too slow for ``otj list`` and an overview of hundreds of clients. ``lines`` lays
the cells out exactly as ``table`` would print them (a property test holds the two
together) and returns None when the columns do not fit the width. ``layout`` then
reflows instead of shrinking: the folding columns go on a line of their own under each
row, and if the rest still does not fit, each row is stacked as "header: value" fields.
A Rich table squeezed to a narrow terminal cuts numbers ("1…"); this never does.
Cells are never read as Rich markup, and control characters in them are shown, not
obeyed (``visible``). No line ends in padding.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import TYPE_CHECKING, Final, Literal, NamedTuple

from otjournal.views.visible import visible

if TYPE_CHECKING:
    from rich.console import Console, ConsoleOptions, RenderResult
    from rich.table import Table

GAP = 2  # spaces between columns, as in a Rich table without a box

# Marks a view may put in a text while wrapping it and replace once the lines are cut
# (the matches of ``otj search``): one cell each, private-use characters that visible()
# text never holds as marks (views/search.py shows a typed one as an escape).
MARKS: Final = ("\ue000", "\ue001", "\ue002")
# Characters one cell wide on every terminal, as Rich counts them: printable ASCII, the
# tool's own marks and punctuation. Text of these alone (most notes) is measured by its
# length, at C speed; any other text by Rich's tables, which cost a step per character.
ONE_CELL: Final = frozenset(map(chr, range(0x20, 0x7F))) | frozenset("…«»" + "".join(MARKS))


def cells(text: str) -> int:
    """The cells ``text`` takes on a terminal (wide characters count two)."""
    if ONE_CELL.issuperset(text):
        return len(text)
    from rich.cells import cell_len  # no console: a few ms, and only for such text

    return cell_len(text)


class Column(NamedTuple):
    header: str
    justify: Literal["left", "right"] = "left"
    least: int = 0  # minimum width
    most: int | None = None  # a longer cell ends in "…"
    fold: bool = False  # in a narrow table, wrap this column's cells rather than shorten
    pairs: bool = False  # folded, its words stay in pairs (a goal's id and its rating)


def lines(columns: Sequence[Column], rows: Sequence[Sequence[str]], width: int) -> list[str] | None:
    """The header and each row as a line, or None when they need more than ``width``
    cells or a cell holds a control character (a newline, a tab)."""
    if not all(c.isprintable() for row in rows for c in row):
        return None
    widths = []
    for i, col in enumerate(columns):
        w = max([cells(col.header), *(cells(row[i]) for row in rows)])
        widths.append(max(col.least, min(w, col.most) if col.most else w))
    if sum(widths) + GAP * (len(widths) - 1) > width:
        return None
    out = []
    for row in [[c.header for c in columns], *rows]:
        laid = []
        for value, col, w in zip(row, columns, widths, strict=True):
            size = cells(value)
            if size > w:
                from rich.cells import set_cell_size

                value = set_cell_size(value, w - 1) + "…"
                size = w
            pad = " " * (w - size)
            laid.append(pad + value if col.justify == "right" else value + pad)
        out.append((" " * GAP).join(laid).rstrip())
    return out


class Laid(NamedTuple):
    lines: list[str]
    header: bool  # the first line is a header row (shown in bold on a terminal)
    shortened: bool = False  # a cell of a ``most`` column ends in "…"


def layout(columns: Sequence[Column], rows: Sequence[Sequence[str]], width: int) -> Laid:
    """The rows in ``width`` cells, every cell whole or marked "…" (a ``most`` column in
    a table); control characters made visible. Never None: a table that does not fit
    reflows (see the module's docstring)."""
    rows = [[visible(c).replace("\t", " ") for c in row] for row in rows]
    direct = lines(columns, rows, width)
    if direct is not None:
        return Laid(direct, True, _shortened(columns, rows))
    folded = [i for i, c in enumerate(columns) if c.fold]
    kept = [i for i in range(len(columns)) if i not in folded]
    if folded and kept and kept[0] == 0:  # each row still starts with what it is
        head = lines([columns[i] for i in kept], [[row[i] for i in kept] for row in rows], width)
        if head is not None:
            under = [[(columns[i].header, row[i]) for i in folded] for row in rows]
            starts = _starts(under, width)
            out = [head[0]]
            for pairs, line in zip(under, head[1:], strict=True):
                out.append(line)
                out += fields(pairs, width, starts, [columns[i].pairs for i in folded])
            return Laid(out, True, _shortened(columns, rows))
    stacked = [[(c.header, v) for c, v in zip(columns[1:], row[1:], strict=True)] for row in rows]
    starts = _starts(stacked, width)
    out = []
    for row, pairs in zip(rows, stacked, strict=True):
        out += wrap(row[0], width)
        out += fields(pairs, width, starts, [c.pairs for c in columns[1:]])
    return Laid(out, False)


def _shortened(columns: Sequence[Column], rows: Sequence[Sequence[str]]) -> bool:
    limits = [(i, max(c.most, c.least)) for i, c in enumerate(columns) if c.most]
    return any(cells(row[i]) > most for row in rows for i, most in limits)


def _starts(table: Sequence[Sequence[tuple[str, str]]], width: int, indent: int = 2) -> set[int]:
    """Which "header: value" pairs start a line, the same in every row: a pair joins the
    line before it only where the widest of that line's pairs, in any row, fit together.
    So the rows of one table are alike in shape: none packs what another stacks."""
    starts: set[int] = set()
    used: int | None = None  # the cells of the line so far; None: nothing may join it
    for n in range(max(map(len, table), default=0)):
        items = [f"{h}: {v}" for h, v in (row[n] for row in table if n < len(row)) if v.strip()]
        if not items:
            continue  # blank in every row: never shown
        alone = any("\n" in item for item in items)
        most = max(map(cells, items))
        if used is not None and not alone and used + GAP + most <= width:
            used += GAP + most
            continue
        starts.add(n)
        used = None if alone or indent + most > width else indent + most
    return starts


def fields(
    pairs: Sequence[tuple[str, str]],
    width: int,
    starts: Collection[int],
    paired: Sequence[bool] = (),
    indent: int = 2,
) -> list[str]:
    """ "header: value" pairs, indented, as many to a line as fit, but each of ``starts``
    (the pairs that begin a line in every row, ``_starts``) on a new one; a long one
    wraps (a value ``paired`` says so, never between two words of a pair). An empty
    value is left out (a row's blank cell says nothing)."""
    out: list[str] = []
    line = ""
    for n, (header, value) in enumerate(pairs):
        if not value.strip():
            continue
        item = f"{header}: {value}"
        joins = n not in starts and "\n" not in item
        if joins and line and cells(line) + GAP + cells(item) <= width:
            line += " " * GAP + item
            continue
        if line:
            out.append(line)
        if "\n" not in item and indent + cells(item) <= width:
            line = " " * indent + item
        elif n < len(paired) and paired[n] and "\n" not in value:
            words, room = value.split(), width - indent - 2
            units = f"{header}:".split()
            for pair in zip(words[::2], words[1::2], strict=False):
                whole = " ".join(pair)  # apart only where no line holds it
                units += [whole] if cells(whole) <= room else pair
            units += words[len(words) - len(words) % 2 :]  # an odd one out, alone
            out += _fill(units, width, " " * indent, " " * (indent + 2))
            line = ""
        else:
            out += wrap(item, width, " " * indent, " " * (indent + 2))
            line = ""
    if line:
        out.append(line)
    return out


def wrap(text: str, width: int, first: str = "", rest: str | None = None) -> list[str]:
    """``text`` in lines of at most ``width`` cells (wide characters count two), broken
    at spaces; a word longer than a line is folded. Each paragraph (a newline) starts
    a line; ``first`` and ``rest`` are the prefixes of the first and following lines."""
    rest = first if rest is None else rest
    out: list[str] = []
    for para in text.split("\n"):
        out += _fill(para.split(), width, rest if out else first, rest)
    return out


def _fill(words: Sequence[str], width: int, first: str, rest: str) -> list[str]:
    """``words`` (each kept whole where a line holds it) in lines, as ``wrap`` does."""
    out: list[str] = []
    rooms = (max(1, width - cells(first)), max(1, width - cells(rest)))

    def emit(line: str) -> None:
        out.append(((rest if out else first) + line).rstrip())

    line, size = "", 0  # the line so far and its cells, kept as it grows
    for word in words:
        room, n = rooms[bool(out)], cells(word)
        if line and size + 1 + n <= room:
            line, size = f"{line} {word}", size + 1 + n
            continue
        if line:
            emit(line)
            room = rooms[1]
        while n > room:
            from rich.cells import chop_cells

            piece = chop_cells(word, room)[0] or word[0]
            emit(piece)
            room, word = rooms[1], word[len(piece) :]
            n = cells(word)
        line, size = word, n
    emit(line)
    return out


class Grid:
    """``layout`` as a Rich renderable: the table fits whatever width it is given."""

    def __init__(
        self, columns: Sequence[Column], rows: Sequence[Sequence[str]], header_style: str = "bold"
    ) -> None:
        self.columns, self.rows, self.header_style = columns, rows, header_style

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        from rich.text import Text

        laid = layout(self.columns, self.rows, options.max_width)
        for i, line in enumerate(laid.lines):
            yield Text(line, style=self.header_style if laid.header and i == 0 else "")


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
            justify=col.justify,
            no_wrap=not col.fold,
            overflow="fold" if col.fold else "ellipsis",
            min_width=col.least or None,
            max_width=col.most,
        )
    for row in rows:
        grid.add_row(*(Text(value) for value in row))
    return grid
