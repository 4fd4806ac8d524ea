"""Where a field named in an error (``goals[1].gas``, ``checklist[2].answer``) is in a
file's text: its line and column, so every message about a bad value points at it. Pure:
it reads the text the way TOML does (tables, arrays of tables, multi-line strings) but
never parses values."""

from __future__ import annotations

import re
from collections.abc import Iterator

_HEADER_RE = re.compile(r"^\s*(\[\[?)\s*([^\]]+?)\s*\]\]?")
_PATH_PART_RE = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def _split_field(field: str) -> list[str | int]:
    parts: list[str | int] = []
    for name, index in _PATH_PART_RE.findall(field):
        parts.append(int(index) if index else name)
    return parts


def _key_re(key: str) -> re.Pattern[str]:
    return re.compile(rf"^\s*(?:{re.escape(key)}|\"{re.escape(key)}\")\s*=")


def locate(text: str, field: str) -> tuple[int, int]:
    """Best-effort (line, column) of a dotted field path such as ``checklist[2].answer``.

    Good enough to send a person to the right place; falls back to the nearest
    enclosing table, then to line 1.
    """
    lines = text.splitlines()
    parts = _split_field(field)
    table: list[str] = []  # dotted table name being built, e.g. ["checklist"]
    counts: dict[str, int] = {}
    target_table: list[str] = []
    best = 1
    # Walk the path: names that are tables narrow the section we search in.
    i = 0
    want_index: dict[str, int] = {}
    while i < len(parts):
        part = parts[i]
        if isinstance(part, str) and i + 1 < len(parts) and isinstance(parts[i + 1], int):
            target_table.append(part)
            want_index[".".join(target_table)] = int(parts[i + 1])
            i += 2
        elif isinstance(part, str) and i + 1 < len(parts):
            target_table.append(part)
            i += 1
        else:
            break
    leaf = parts[i] if i < len(parts) else None

    def section_matches(name: list[str]) -> bool:
        return name == target_table

    in_section = not target_table
    for n, line, header, table in _structure(lines):
        if header:
            name = ".".join(table)
            if header == "[[":
                counts[name] = counts.get(name, -1) + 1
            # A prefix of the target table that is the wanted array element
            prefix_ok = all(
                counts.get(".".join(table[: j + 1]), 0)
                == want_index.get(".".join(table[: j + 1]), 0)
                for j in range(len(table))
                if ".".join(table[: j + 1]) in want_index
            )
            in_section = section_matches(table) and prefix_ok
            if in_section:
                best = n
                if leaf is None:
                    return n, 1
            continue
        if in_section and isinstance(leaf, str) and _key_re(leaf).match(line):
            return n, len(line) - len(line.lstrip()) + 1
    if best > 1 or (not target_table and isinstance(leaf, str)):
        return best, 1
    # A dotted key (``regulation.start = …`` with no [regulation] table).
    dotted = _dotted_key(lines, parts)
    if dotted:
        return dotted
    # An inline array or table: point at its key in the enclosing table.
    for k in range(len(target_table) - 1, -1, -1):
        found = _key_in_section(lines, target_table[:k], target_table[k])
        if found:
            return found, 1
    return best, 1


def _open_after(line: str, open_: str) -> str:
    """The multi-line string delimiter (''' or \"\"\") still open after ``line``, or "".

    A string may hold the other kind of triple quote (``'He said \"\"\"'``), so quotes
    are read in order, not counted."""
    return _scan(line, open_)[0]


def _scan(line: str, open_: str) -> tuple[str, int]:
    """``line`` read as TOML reads it, from inside the multi-line string ``open_`` (or
    ""): the delimiter still open at its end, and where its comment starts (-1: none)."""
    i, n = 0, len(line)
    while i < n:
        if open_:
            end = _close(line, i, open_)
            if end < 0:
                return open_, -1
            i, open_ = end + 3, ""
            while i < n and line[i] == line[end]:  # quotes next to the delimiter: text
                i += 1
            continue
        c = line[i]
        if c == "#":
            return "", i
        if line.startswith('"""', i) or line.startswith("'''", i):
            open_, i = line[i : i + 3], i + 3
        elif c == '"':
            i += 1
            while i < n and line[i] != '"':
                i += 2 if line[i] == "\\" else 1
            i += 1
        elif c == "'":
            end = line.find("'", i + 1)
            i = n if end < 0 else end + 1
        else:
            i += 1
    return open_, -1


def _close(line: str, start: int, delimiter: str) -> int:
    if delimiter == "'''":
        return line.find(delimiter, start)
    i = start
    while i < len(line):
        if line[i] == "\\":
            i += 2
        elif line.startswith(delimiter, i):
            return i
        else:
            i += 1
    return -1


def _structure(lines: list[str]) -> Iterator[tuple[int, str, str, list[str]]]:
    """(line number, line, "[" / "[[" / "", current table) for every line that is not
    inside a multi-line string: lines of note text are never taken for headers or keys."""
    table: list[str] = []
    open_ = ""
    for n, line in enumerate(lines, start=1):
        if open_:
            open_ = _open_after(line, open_)
            continue
        header = _HEADER_RE.match(line)
        if header:
            table = [p.strip().strip('"') for p in header.group(2).split(".")]
            yield n, line, header.group(1), table
            continue
        yield n, line, "", table
        open_ = _open_after(line, open_)


def _key_in_section(lines: list[str], section: list[str], key: str) -> int | None:
    for n, line, header, table in _structure(lines):
        if not header and table == section and _key_re(key).match(line):
            return n
    return None


_KEY_PART = r"(?:[A-Za-z0-9_-]+|\"[^\"\\]*\"|'[^']*')"  # bare, "basic", 'literal'
_DOTTED_RE = re.compile(rf"^(\s*)({_KEY_PART}(?:\s*\.\s*{_KEY_PART})+)\s*=")
_DOTTED_PART_RE = re.compile(_KEY_PART)


def _dotted_key(lines: list[str], parts: list[str | int]) -> tuple[int, int] | None:
    """The line of a dotted key whose table and parts spell ``parts`` (no array index)."""
    if any(isinstance(p, int) for p in parts) or len(parts) < 2:
        return None
    for n, line, header, table in _structure(lines):
        m = None if header else _DOTTED_RE.match(line)
        if m:
            keys = [k.strip("\"'") for k in _DOTTED_PART_RE.findall(m.group(2))]
            if [*table, *keys] == parts:
                return n, len(m.group(1)) + 1
    return None


def comments(text: str) -> list[str]:
    """Every comment in a file's text (never a '#' inside a string), in order; one
    beside a key or a table says which ("# note (beside display_name)")."""
    found = []
    open_ = ""
    for line in text.splitlines():
        inside = bool(open_)  # the line begins in a multi-line string: no key before it
        open_, at = _scan(line, open_)
        if at >= 0:
            before = "" if inside else line[:at].strip()
            name = before if before.startswith("[") else before.split("=", 1)[0].strip()
            found.append(line[at:].rstrip() + (f" (beside {name})" if name else ""))
    return found
