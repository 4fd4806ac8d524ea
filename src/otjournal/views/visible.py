"""Text that leaves otjournal for a terminal or a plain-text file: control characters and
bidirectional overrides are shown, never obeyed.

Note text can hold anything a person (or a sync tool, or an attacker) put in a file. Sent
raw to a terminal, ESC starts an escape sequence (clear the screen, set the clipboard with
OSC 52), BEL rings, CR overwrites the line, and U+202E reverses what follows. Here each is
replaced by a visible escape (``\\x1b``, ``\\u202e``). Newline and tab stay as they are;
CRLF reads as a newline. JSON output and the files themselves keep the exact text.
"""

from __future__ import annotations

from typing import Final


def _table() -> dict[int, str]:
    table: dict[int, str] = {}
    for code in [*range(0x00, 0x20), 0x7F, *range(0x80, 0xA0)]:
        if chr(code) not in "\n\t":
            table[code] = f"\\x{code:02x}"
    # Embeddings, overrides and isolates reorder what follows them on screen.
    for code in [*range(0x202A, 0x202F), *range(0x2066, 0x206A)]:
        table[code] = f"\\u{code:04x}"
    return table


_TABLE: Final = _table()
_UNSAFE: Final = frozenset(chr(c) for c in _TABLE)


def visible(text: str) -> str:
    """``text`` with every control character (but newline and tab) and every bidi
    override written as a visible escape; CRLF becomes a plain newline."""
    if _UNSAFE.isdisjoint(text):
        return text  # the common case: nothing to replace, no copy made
    return text.replace("\r\n", "\n").translate(_TABLE)


# Within a JSON document's strings, the same characters as JSON's own escapes: the data
# read back is the same, and nothing reaches a terminal raw (JSON escapes only < 0x20).
_JSON_TABLE: Final = {code: f"\\u{code:04x}" for code in _TABLE}


def json_visible(text: str) -> str:
    """JSON text (as ``json.dumps`` writes it) with every character ``visible`` escapes
    written as a ``\\uXXXX`` escape instead: the same document, safe to show."""
    if _UNSAFE.isdisjoint(text):
        return text
    return text.translate(_JSON_TABLE)


def is_visible(text: str) -> bool:
    """True when ``text`` needs no escaping."""
    return _UNSAFE.isdisjoint(text)
