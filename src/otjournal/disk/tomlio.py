"""TOML bytes <-> tables, with errors that say where. Pure: no file I/O.

Reading turns every way a file can be broken (empty, BOM, invalid UTF-8, NUL
bytes, git conflict markers, syntax errors, absurd nesting) into a
:class:`ParseError` with a line and column. Writing re-parses its own output
and compares before anything touches disk.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from otjournal.disk import fasttoml
from otjournal.disk.conflicts import git_marker
from otjournal.disk.tomllocate import locate
from otjournal.errors import (
    EMPTY_FILE,
    EMPTY_HINT,
    InvalidFile,
    OtjournalError,
    Problem,
    StoreError,
    ValidationErrors,
)

_POS_RE = re.compile(r"\s*\(at line (\d+), column (\d+)\)\s*$")
_END_RE = re.compile(r"\s*\(at end of document\)\s*$")


class ParseError(OtjournalError):
    """A file is not valid TOML (or not text at all)."""


def _line_col(raw: bytes, offset: int) -> tuple[int, int]:
    """Line and column (in characters, as editors count) of a byte offset."""
    line = raw.count(b"\n", 0, offset) + 1
    start = raw.rfind(b"\n", 0, offset) + 1
    return line, len(raw[start:offset].decode("utf-8", "replace")) + 1


def _tomli() -> Any:
    """tomli below 2.4 is the standard library's tomllib (TOML 1.0, the same parser and
    messages), built with mypyc where a wheel exists: about 3 times faster, and parsing
    is most of a first read (benchmarks/RESULTS.md). fasttoml reads most notes faster
    still, to the same tables; tomli reads the rest, says what is wrong in a broken file,
    and reads back what is written. Imported when first needed: a first run's workers,
    which rtoml serves, need not load it (issue 19)."""
    import tomli

    return tomli


def parse(raw: bytes, path: Path | str = "<input>", zones: bool = True) -> dict[str, Any]:
    """Parse a file's bytes. Never returns an empty table for an empty file. ``zones``:
    as ``fasttoml.read``'s (False only where the table becomes a record)."""
    if not raw.strip():
        raise ParseError(EMPTY_FILE, path=path, line=1, column=1, hint=EMPTY_HINT)
    if raw.startswith(b"\xef\xbb\xbf"):
        raise ParseError(
            "the file starts with a byte-order mark (BOM)",
            path=path,
            line=1,
            column=1,
            hint="save it as UTF-8 without BOM",
        )
    if _utf16(raw):  # its NUL bytes are half of every character: not damage
        raise ParseError(
            "the file is saved as UTF-16 text, not UTF-8",
            path=path,
            line=1,
            column=1,
            hint="save it as UTF-8 (in Windows Notepad: Save as, Encoding UTF-8)",
        )
    nul = raw.find(b"\x00")
    if nul >= 0:
        line, col = _line_col(raw, nul)
        raise ParseError(
            "the file contains NUL bytes: it is damaged or not a text file",
            path=path,
            line=line,
            column=col,
            hint="restore it from a backup or sync copy",
        )
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, col = _line_col(raw, exc.start)
        raise ParseError(
            f"the file is not valid UTF-8 (byte 0x{raw[exc.start]:02x})",
            path=path,
            line=line,
            column=col,
            hint="save it as UTF-8",
        ) from None
    marker = git_marker(raw)
    if marker:
        line, _ = _line_col(raw, marker.start())
        raise ParseError(
            "git conflict markers: this file holds both sides of an unresolved merge",
            path=path,
            line=line,
            column=1,
            hint="run 'otj conflicts' to see both sides and keep what is right",
        )
    try:
        data = fasttoml.read(raw, text, zones)
        if data is None:
            data = _tomli().loads(text)
        if not data:
            raise ParseError(
                "the file holds no values, only comments: it was emptied or cut short",
                path=path,
                line=1,
                column=1,
                hint="restore it from a backup or sync copy; otjournal never treats it as a note",
            )
        return data
    except _tomli().TOMLDecodeError as exc:  # evaluated only when something was raised
        message = str(exc)
        at: tuple[int | None, int | None] = (None, None)  # line, column: when the message says
        m = _POS_RE.search(message)
        if m:
            at = (int(m.group(1)), int(m.group(2)))
            message = message[: m.start()]
        elif _END_RE.search(message):
            message = _END_RE.sub("", message)
            at = (text.count("\n") + 1, len(text) - (text.rfind("\n") + 1) + 1)
            message += " (the file may be cut short)"
        raise ParseError(
            f"not valid TOML: {message[:1].lower()}{message[1:]}",
            path=path,
            line=at[0],
            column=at[1],
            hint=_what_to_change(raw, text),
        ) from None
    except RecursionError:
        deep = next(
            (n for n, ln in enumerate(text.splitlines(), 1) if ln.count("[") + ln.count("{") >= 50),
            1,
        )
        raise ParseError(
            "the file is nested too deeply to read",
            path=path,
            line=deep,
            column=1,
        ) from None


# Records otjournal writes open with RECORD_HEAD and close with RECORD_END (each
# appended amendment too): a file that opens so but does not end so was cut short.
RECORD_HEAD = b"# otjournal record: it ends with a '# end' line\n"
RECORD_END = b"# end\n"


def framed(data: bytes) -> bytes:
    return RECORD_HEAD + data + RECORD_END


def _utf16(raw: bytes) -> bool:
    """UTF-16 text: its byte-order mark, or a NUL beside nearly every other byte (ASCII
    text); a file of NUL bytes only is damage (a crash's leftover), not text."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return True
    head = raw[:200]
    if len(head) < 8:
        return False
    halves = sorted((head[0::2].count(0) / len(head[0::2]), head[1::2].count(0) / len(head[1::2])))
    return halves[0] < 0.1 and halves[1] > 0.9


_LONE_CR = re.compile(rb"\r(?!\n)")
_BACKSLASH_PATH = re.compile(r'"[^"\n]*\b[A-Za-z]:\\[^\\"]')  # "C:\Users…" in a basic string
TOML_1_0_HINT = (
    "otjournal reads TOML 1.0, and this reads as TOML 1.1: in 1.0 a time has its "
    "seconds (09:00:00), \\e and \\xHH are written \\u001b and \\u00HH, and an inline "
    "table { } is on one line, without a comma after its last value"
)


def _what_to_change(raw: bytes, text: str) -> str:
    """The hint for text tomli refuses: a lone CR's line ends, TOML 1.1's forms, or the
    format's documentation."""
    if _LONE_CR.search(raw):
        return "its lines end in a lone CR (old Mac line ends): save it with LF or CRLF"
    if _BACKSLASH_PATH.search(text):
        return (
            'a backslash in "…" starts an escape: write a Windows path in single quotes '
            "('C:\\Notes') or with doubled backslashes"
        )
    if fasttoml.reads_as_toml_1_1(text):
        return TOML_1_0_HINT
    return "see docs/format.md for the file format"


def check_complete(raw: bytes, path: Path | str) -> None:
    """A record that otjournal opened must be closed: otherwise it is cut short."""
    if len(raw) < len(RECORD_HEAD) and RECORD_HEAD.startswith(raw) and raw:
        pass  # the opening line itself was cut
    elif not raw.startswith(RECORD_HEAD):
        return  # written by hand: nothing promised
    if raw.rstrip().endswith(RECORD_END.rstrip()):
        return
    after = _after_the_end(raw)
    if after is not None:
        raise ParseError(
            f"the file has lines after its '# end' line (line {after - 1}): "
            "otjournal ends every record there",
            path=path,
            line=after,
            column=1,
            hint="move them above the '# end' line, or add another '# end' line after them",
        )
    raise ParseError(
        "the file is cut short: it ends before its '# end' line",
        path=path,
        line=raw.count(b"\n") + 1,
        column=1,
        hint="restore it from a backup or sync copy; if you removed the line on purpose, "
        "remove the first line too",
    )


def _after_the_end(raw: bytes) -> int | None:
    """The line after the last '# end' line, when what follows it is no amendment (a
    comment, a key or a table added by hand after the end: nothing was cut); None when
    there is no end line, or an amendment follows it (one cut short)."""
    lines = raw.split(b"\n")
    for at in range(len(lines) - 1, -1, -1):
        line = lines[at].strip()
        if line == RECORD_END.strip():
            return at + 2
        if line.startswith(b"[[amendments]]"):
            return None
    return None


def located(errors: ValidationErrors, raw: bytes, path: Path) -> InvalidFile:
    """A model's ValidationErrors as problems at their lines in ``raw``."""
    text = raw.decode("utf-8", "replace")
    return InvalidFile(
        [Problem(path, e.message, *locate(text, e.field), e.hint) for e in errors.errors]
    )


class _NaN:
    """Stands for a float NaN when a table is compared with its read-back: NaN never
    equals itself, and TOML holds it (``nan``), in a key added by hand too."""


_A_NAN = _NaN()


def comparable(value: Any) -> Any:
    """A table's values as equality should see them: tuples as lists, and every NaN as
    one marker (a hand-added ``x = nan`` is the same after a rewrite)."""
    if isinstance(value, Mapping):
        return {k: comparable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [comparable(v) for v in value]
    if isinstance(value, float) and value != value:
        return _A_NAN
    return value


def _clean(value: Any) -> Any:
    """Text from a command line may carry undecodable bytes (as lone surrogates): they
    are written as U+FFFD rather than costing the note."""
    if isinstance(value, str):
        if _SURROGATE.search(value):
            return _SURROGATE.sub("\ufffd", value)
        return value
    if isinstance(value, Mapping):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    return value


_SURROGATE = re.compile("[\ud800-\udfff]")


def dumps(data: Mapping[str, Any]) -> bytes:
    """Serialise, then prove the output reads back to the same table."""
    data = _clean(data)
    try:
        text = "".join(_table_lines(data, ()))
    except (TypeError, ValueError) as exc:
        raise StoreError(f"cannot write this record as TOML ({exc})") from None
    if not _reads_back(text, data):
        # Never expected; tomli-w's plainer output is the safe second choice.
        import tomli_w

        try:
            text = tomli_w.dumps(data)
        except (TypeError, ValueError):
            text = ""
        if not _reads_back(text, data):
            raise StoreError(
                "refusing to write: the TOML written would not read back the same "
                "(a value TOML cannot hold, such as a UTC offset with seconds?)"
            )
    return text.encode("utf-8")


def _reads_back(text: str, data: Mapping[str, Any]) -> bool:
    tomli = _tomli()
    try:
        return bool(text) and comparable(tomli.loads(text)) == comparable(data)
    except tomli.TOMLDecodeError:
        return False


# A small emitter for otjournal's own shapes, so files read the same everywhere:
# arrays of tables always as [[name]] blocks, short arrays on one line, text as typed
# (see _string), multi-line text as triple-quoted strings.

_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+\Z")
_ESCAPES = {
    "\\": "\\\\",
    '"': '\\"',
    "\b": "\\b",
    "\t": "\\t",
    "\n": "\\n",
    "\f": "\\f",
    "\r": "\\r",
}


def _key(k: str) -> str:
    if _BARE_KEY.match(k):
        return k
    return '"' + "".join(_escape_char(c, False) for c in k) + '"'  # keys stay on one line


def _escape_char(c: str, multiline: bool) -> str:
    if multiline and c == "\n":
        return c
    if c in _ESCAPES:
        return _ESCAPES[c]
    if ord(c) < 0x20 or ord(c) == 0x7F:
        return f"\\u{ord(c):04x}"
    return c


# A line of note text must never look, at the start of a file line, like a git conflict
# marker or an amendment header: the first character of such a line is written escaped.
_LINE_HAZARD = re.compile(
    r"^(?:<<<<<<<|=======|>>>>>>>|\|\|\|\|\|\|\||[ \t]*\[\[[ \t]*amendments)", re.M
)
# TOML's control characters but tab and newline: no literal string can hold them.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f]")


def _string(value: str) -> str:
    """Text in the TOML form that needs no escape, where one exists, so the file reads
    and greps as typed: basic ``"…"``, literal ``'…'`` (a ``"`` but no ``'``),
    ``'''…'''`` (both quotes), multi-line ``\"\"\"…\"\"\"`` or ``'''…'''``. Otherwise escaped."""
    if _CONTROL.search(value):
        return _escaped(value)
    if "\n" in value:
        if _LINE_HAZARD.search(value):
            return _escaped(value)
        # The newline right after the opening delimiter is not part of the text.
        basic = "\\" not in value and '"""' not in value
        if basic and not value.endswith('"'):
            return f'"""\n{value}"""'
        if "'''" not in value:
            return f"'''\n{value}'''"
        if basic:
            return f'"""\n{value}"""'  # one or two quotes next to the delimiter are text
        return _escaped(value)
    if '"' not in value and "\\" not in value:
        return f'"{value}"'
    if "'" not in value:
        return f"'{value}'"
    if "'''" not in value:
        return f"'''{value}'''"  # one or two quotes next to a delimiter are text
    if '"""' not in value and "\\" not in value:
        return f'"""{value}"""'
    return _escaped(value)


def _escaped(value: str) -> str:
    """A basic string with the fewest escapes: multi-line text stays on its lines."""
    if "\n" not in value:
        return '"' + "".join(_escape_char(c, False) for c in value) + '"'
    # The first character of a hazardous line (after its indent), as \uXXXX.
    hazards = {
        m.start() + len(m.group()) - len(m.group().lstrip(" \t"))
        for m in _LINE_HAZARD.finditer(value)
    }
    out: list[str] = []
    quotes = 0  # raw quotes just written: a third would close the string
    for i, c in enumerate(value):
        if i in hazards:
            out.append(f"\\u{ord(c):04x}")
        elif c == '"':
            out.append('\\"' if quotes == 2 else c)
            quotes = 0 if quotes == 2 else quotes + 1
            continue
        elif c == "\t":
            out.append(c)
        else:
            out.append(_escape_char(c, True))
        quotes = 0
    return '"""\n' + "".join(out) + '"""'


def inline(value: Any) -> str:
    """A value as TOML writes it on one line (``true``, ``"text"``, ``[1, 2]``): what a
    person may copy into a file (``otj config`` shows the settings so)."""
    return _scalar(value)


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return _string(value)
    if isinstance(value, float) and value != value:  # a NaN keeps its sign ("-nan")
        return "-nan" if math.copysign(1.0, value) < 0 else "nan"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, Mapping):
        return "{ " + ", ".join(f"{_key(k)} = {_scalar(v)}" for k, v in value.items()) + " }"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_scalar(v) for v in value) + "]"
    raise TypeError(f"cannot write a {type(value).__name__}")


def _is_aot(value: Any) -> bool:
    return (
        isinstance(value, list | tuple)
        and bool(value)
        and all(isinstance(v, Mapping) for v in value)
    )


def _table_lines(table: Mapping[str, Any], path: tuple[str, ...], aot: bool = False) -> list[str]:
    lines: list[str] = []
    name = ".".join(_key(p) for p in path)
    literals = [(k, v) for k, v in table.items() if not isinstance(v, Mapping) and not _is_aot(v)]
    has_sub = any(isinstance(v, Mapping) or _is_aot(v) for v in table.values())
    if path and (aot or literals or not has_sub):
        lines.append(f"\n[[{name}]]\n" if aot else f"\n[{name}]\n")
    lines += [f"{_key(k)} = {_scalar(v)}\n" for k, v in literals]
    for k, v in table.items():
        if isinstance(v, Mapping):
            lines += _table_lines(v, (*path, k))
        elif _is_aot(v):
            for item in v:
                lines += _table_lines(item, (*path, k), aot=True)
    return lines


def to_json_value(value: Any) -> Any:
    """Tables with dates made JSON-friendly (ISO 8601 strings), and the numbers JSON has
    no form for (TOML's ``nan``, ``inf`` and ``-inf``, in keys added by hand) as TOML
    writes them: ``NaN`` or ``Infinity`` is not JSON, and a strict reader refuses it."""
    if isinstance(value, Mapping):
        return {str(k): to_json_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_json_value(v) for v in value]
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, float) and not math.isfinite(value):
        return _scalar(value)
    return value
