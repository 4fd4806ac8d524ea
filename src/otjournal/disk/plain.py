"""TOML tables as JSON text and back, for the cache: data only, nothing in it is run.

A table read from a file (what ``tomllib`` gives: text, numbers, booleans, dates and
times, arrays and tables) becomes JSON text; reading it back gives the same table or
raises ``ValueError``. A date or time is written as a one-key object whose key is a tag.
JSON's ``null`` has no TOML counterpart and is refused.

Two forms, told apart by the first character (JSON text never starts with ``~``):
- ``~`` and orjson's text: a first run encodes every note it parses, and orjson does it
  in under half the time of the standard library's encoder, and reads it back in two
  thirds (issue 19). Its tag keys start with NUL, which a note may hold, escaped: a
  table with a text that starts with NUL is written in the other form (``_fast``).
- the standard library's text, whose tag keys start with a lone surrogate, which TOML
  text can never hold: for what orjson cannot write as it is (``nan`` and ``inf``, which
  it writes as ``null``; nesting past 254 levels), or where orjson is not installed.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Collection
from datetime import date, datetime, time
from typing import Any

try:
    import orjson
except ImportError:  # no wheel for this platform: the standard library's form only
    orjson = None  # type: ignore[assignment]

_MARK = "\ud800"  # never in text read from a TOML file (see above)
_DATETIME, _DATE, _TIME = _MARK + "t", _MARK + "d", _MARK + "h"
_MINUS_NAN = _MARK + "n"  # JSON's NaN has no sign; TOML's -nan keeps it


def _minus_nan(text: str) -> float:
    if text != "-nan":
        raise ValueError("not -nan")
    return -math.nan


_READ: dict[str, Callable[[str], Any]] = {
    _DATETIME: datetime.fromisoformat,
    _DATE: date.fromisoformat,
    _TIME: time.fromisoformat,
    _MINUS_NAN: _minus_nan,
}
FAST = "~"  # the first character of orjson's form
_NUL = "\x00"
_NUL_READ = {_NUL + key[1:]: read for key, read in _READ.items() if key != _MINUS_NAN}
_NUL_TAGS = {datetime: _NUL + "t", date: _NUL + "d", time: _NUL + "h"}
_NUL_ESCAPED = b'"\\u0000'  # how orjson writes a text that starts with NUL


def dumps(table: dict[str, Any]) -> str:
    """JSON text of a table read from TOML; ValueError for a value TOML cannot hold."""
    if orjson is not None and type(table) is dict:
        text = _fast(table)
        if text is not None:
            return text
    tags = 0

    def tagged(value: Any) -> dict[str, str]:
        nonlocal tags
        tags += 1
        if isinstance(value, datetime):
            return {_DATETIME: value.isoformat()}
        if isinstance(value, date):
            return {_DATE: value.isoformat()}
        if isinstance(value, time):
            return {_TIME: value.isoformat()}
        if isinstance(value, _MinusNan):
            return {_MINUS_NAN: "-nan"}
        raise ValueError(f"not a TOML value: {type(value).__name__}")

    if not isinstance(table, dict):
        raise ValueError("not a table")
    text = json.dumps(table, default=tagged, separators=(",", ":"), check_circular=False)
    if "NaN" in text and _anywhere(table, _is_minus_nan):  # JSON's NaN has no sign: tagged too
        tags = 0
        text = json.dumps(
            _signed(table), default=tagged, separators=(",", ":"), check_circular=False
        )
    # Every key that starts with the mark must be one of ours (ASCII output escapes it;
    # a text that starts with a character past U+FFFF starts with its escaped pair).
    marks = text.count('"\\ud800') - text.count('"\\ud800\\u')
    if ("null" in text and _anywhere(table, _is_none)) or marks != tags:
        raise ValueError("not a table read from TOML")
    return text


class _MinusNan:
    """A ``-nan`` (TOML keeps its sign), written as a tag."""


def _is_minus_nan(value: Any) -> bool:
    return type(value) is float and value != value and math.copysign(1.0, value) < 0


def _is_none(value: Any) -> bool:
    return value is None


def _anywhere(value: Any, found: Callable[[Any], bool]) -> bool:
    """Whether ``found`` holds for a value at any depth of a table or array."""
    if isinstance(value, dict):
        return any(_anywhere(v, found) for v in value.values())
    if isinstance(value, list | tuple):
        return any(_anywhere(v, found) for v in value)
    return found(value)


def _signed(value: Any) -> Any:
    """A copy with each ``-nan`` in its tag's place."""
    if type(value) is dict:
        return {k: _signed(v) for k, v in value.items()}
    if type(value) is list:
        return [_signed(v) for v in value]
    return _MinusNan() if _is_minus_nan(value) else value


def _fast(table: dict[str, Any]) -> str | None:
    """orjson's form of the table, or None: written in the standard library's form."""
    tags = 0

    def tagged(value: Any) -> dict[str, str]:
        nonlocal tags
        key = _NUL_TAGS.get(type(value))
        if key is None:
            raise TypeError  # a subclass, or not a TOML value: the other form decides
        tags += 1
        return {key: value.isoformat()}

    try:
        raw = orjson.dumps(table, default=tagged, option=orjson.OPT_PASSTHROUGH_DATETIME)
    except TypeError:  # JSONEncodeError: a value it cannot write, or nested too deep
        return None
    # null: a nan or inf (never None: the other form refuses it); a text of the table
    # that starts with NUL, taken for a tag on reading: counted apart from the tags.
    if b"null" in raw or raw.count(_NUL_ESCAPED) != tags:
        return None
    return FAST + raw.decode()


def _untag(value: Any, mark: str, reads: dict[str, Callable[[str], Any]]) -> None:
    """A table read back: each tag (a one-key object whose key starts with ``mark``)
    made its date or time again, in place; null refused (ValueError)."""
    for key, item in value.items() if type(value) is dict else enumerate(value):
        kind = type(item)
        if kind is dict:
            if len(item) == 1:
                [(tag, iso)] = item.items()
                if tag[:1] == mark:
                    read = reads.get(tag)
                    if read is None or type(iso) is not str:
                        raise ValueError("not a date or time")
                    value[key] = read(iso)
                    continue
            _untag(item, mark, reads)
        elif kind is list:
            _untag(item, mark, reads)
        elif item is None:
            raise ValueError("null is not a TOML value")


def loads(text: Any) -> dict[str, Any]:
    """The table written by ``dumps``; ValueError for anything else (the caller's miss)."""
    if type(text) is not str:
        raise ValueError("not text")
    try:
        if text[:1] == FAST:
            table = orjson.loads(text[1:]) if orjson is not None else json.loads(text[1:])
            mark, reads = _NUL, _NUL_READ
        else:
            table = json.loads(text)
            mark, reads = _MARK, _READ
        if type(table) is not dict:
            raise ValueError("not a table")
        _untag(table, mark, reads)
    except RecursionError:  # nested absurdly deep: not written by dumps
        raise ValueError("nested too deep") from None
    return table


def rows(value: object, shapes: Collection[tuple[object, ...]]) -> list[tuple[Any, ...]] | None:
    """Rows read back from JSON (a list of lists), each of one of ``shapes`` (the type of
    each field: ``tuple(map(type, row))``, one C call a row, for hundreds of thousands of
    rows); None for anything else."""
    if type(value) is not list:
        return None
    for item in value:
        if type(item) is not list or tuple(map(type, item)) not in shapes:
            return None
    return [tuple(item) for item in value]
