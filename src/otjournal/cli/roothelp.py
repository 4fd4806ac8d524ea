"""``otj --help`` (and ``otj`` alone) from cli.catalog, laid out as Click lays out the
Typer app's help (``rich_markup_mode=None``: plain text), without importing Typer, Click
or a command module: those imports were most of its time (issue 19).

The layout follows Click's ``HelpFormatter`` (``write_usage``, ``write_text``,
``write_dl``) and ``make_default_short_help``; tests/test_startup.py compares the text
with the Typer app's own help at every width Click can choose."""

import os
import sys

from otjournal.cli import catalog

PROG = "otj"
USAGE_ARGS = "[OPTIONS] COMMAND [ARGS]..."
INDENT = 2  # Click's indent per section
COL_MAX, COL_SPACING = 30, 2  # Click's write_dl defaults


def width() -> int:
    """Click's help width: the terminal's columns (``COLUMNS`` first, as
    ``shutil.get_terminal_size`` finds them; 80 when not a terminal), at most 80, less 2,
    never under 50. (shutil itself is not imported: it pulls in the compression modules.)"""
    try:
        columns = int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns or 80  # type: ignore[union-attr]
        except (AttributeError, ValueError, OSError):
            columns = 80
    return max(min(columns, 80) - 2, 50)


def text(width: int) -> str:
    """The help as Click's ``get_help`` returns it (no final newline)."""
    out = [_wrap(USAGE_ARGS, width, f"Usage: {PROG} ", " " * len(f"Usage: {PROG} ")), "\n"]
    out += ["\n", _wrap(catalog.ROOT_HELP, width, " " * INDENT, " " * INDENT), "\n"]
    out += ["\n", "Options:\n", *_definitions(catalog.OPTIONS, width)]
    longest = max(len(c[0]) for c in catalog.COMMANDS)
    limit = width - 6 - longest  # Click's: room for three times the spacing
    rows = [(name, short_help(words, limit)) for name, _, words in catalog.COMMANDS]
    out += ["\n", "Commands:\n", *_definitions(rows, width)]
    return "".join(out).rstrip("\n")


def short_help(words: str, limit: int) -> str:
    """Click's ``make_default_short_help``: the words that fit in ``limit``, to the end of
    the first sentence, else cut with "..."."""
    split = words.split()
    total = 0
    for i, word in enumerate(split):
        total += len(word) + (i > 0)
        if total > limit:
            break
        if word[-1] == ".":
            return " ".join(split[: i + 1])
        if total == limit and i != len(split) - 1:
            break
    else:
        return " ".join(split)
    total += len("...")
    while i > 0:
        total -= len(split[i]) + (i > 0)
        if total <= limit:
            break
        i -= 1
    return " ".join(split[:i]) + "..."


def _definitions(
    rows: tuple[tuple[str, str], ...] | list[tuple[str, str]], width: int
) -> list[str]:
    """Click's ``write_dl`` one section in: names in a column (at most 30 wide), each
    help wrapped beside its name (or under it, if the name is wider)."""
    first = min(max(len(name) for name, _ in rows), COL_MAX) + COL_SPACING
    room = max(width - first - 2, 10)
    out = []
    for name, help_ in rows:
        out.append(" " * INDENT + name)
        if not help_:
            out.append("\n")
            continue
        if len(name) <= first - COL_SPACING:
            out.append(" " * (first - len(name)))
        else:
            out.append("\n" + " " * (first + INDENT))
        lines = _wrap(help_, room, "", "").splitlines()
        out.append(lines[0] + "\n")
        out += [" " * (first + INDENT) + line + "\n" for line in lines[1:]]
    return out


def _wrap(words: str, width: int, first: str, rest: str) -> str:
    """Click's ``wrap_text`` for one paragraph (textwrap, whitespace kept as typed, a word
    longer than the line cut where the line ends). Words with single spaces between them
    and no hyphen, as ours are, are filled here: textwrap would import ``re`` and compile
    its patterns, as long again as the rest of ``otj --help``."""
    words = words.expandtabs()
    split = words.split(" ")
    plain = "" not in split and not any(c.isspace() for c in words if c != " ")
    if plain and len(first) + len(words) <= width:
        return first + words  # one line, as textwrap leaves it
    if not plain or "-" in words or max(map(len, split)) > width - max(len(first), len(rest)):
        return _textwrap(words, width, first, rest)  # hyphens, runs of spaces, long words
    lines, line = [], first + split[0]
    for word in split[1:]:
        if len(line) + 1 + len(word) <= width:
            line += " " + word
        else:
            lines.append(line)
            line = rest + word
    return "\n".join([*lines, line])


def _textwrap(words: str, width: int, first: str, rest: str) -> str:
    import textwrap

    class Wrapper(textwrap.TextWrapper):
        def _handle_long_word(
            self, chunks: list[str], line: list[str], used: int, width: int
        ) -> None:  # Click's: cut where the line ends, hyphen or not
            room = max(width - used, 1)
            line.append(chunks[-1][:room])
            chunks[-1] = chunks[-1][room:]

    return Wrapper(
        width, initial_indent=first, subsequent_indent=rest, replace_whitespace=False
    ).fill(words)
