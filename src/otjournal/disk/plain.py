"""TOML tables as JSON text and back, for the cache: data only, nothing in it is run.

A table read from a file (what ``tomllib`` gives: text, numbers, booleans, dates and
times, arrays and tables) becomes JSON text; reading it back gives the same table or
raises ``ValueError``. A date or time is written as a one-key object whose key starts with
a lone surrogate: TOML text is Unicode scalar values only, so no key read from a note
can ever be taken for one. JSON's ``null`` has no TOML counterpart and is refused.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Collection
from datetime import date, datetime, time
from typing import Any

_MARK = "\ud800"  # never in text read from a TOML file (see above)
_DATETIME, _DATE, _TIME = _MARK + "t", _MARK + "d", _MARK + "h"
_READ: dict[str, Callable[[str], Any]] = {
    _DATETIME: datetime.fromisoformat,
    _DATE: date.fromisoformat,
    _TIME: time.fromisoformat,
}


def dumps(table: dict[str, Any]) -> str:
    """JSON text of a table read from TOML; ValueError for a value TOML cannot hold."""
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
        raise ValueError(f"not a TOML value: {type(value).__name__}")

    if not isinstance(table, dict):
        raise ValueError("not a table")
    text = json.dumps(table, default=tagged, separators=(",", ":"), check_circular=False)
    # Every key that starts with the mark must be one of ours (ASCII output escapes it).
    if ("null" in text and _has_null(table)) or text.count('"\\ud800') != tags:
        raise ValueError("not a table read from TOML")
    return text


def _has_null(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, dict):
        return any(_has_null(v) for v in value.values())
    if isinstance(value, list | tuple):
        return any(_has_null(v) for v in value)
    return False


def _no_null(values: Any) -> None:
    for v in values:
        if v is None:
            raise ValueError("null is not a TOML value")
        if type(v) is list:
            _no_null(v)


def _hook(obj: dict[str, Any]) -> Any:
    if len(obj) == 1:
        [(key, value)] = obj.items()
        if key[:1] == _MARK:
            read = _READ.get(key)
            if read is None or type(value) is not str:
                raise ValueError("not a date or time")
            return read(value)
    _no_null(obj.values())
    return obj


_DECODER = json.JSONDecoder(object_hook=_hook)


def loads(text: Any) -> dict[str, Any]:
    """The table written by ``dumps``; ValueError for anything else (the caller's miss)."""
    if type(text) is not str:
        raise ValueError("not text")
    try:
        table = _DECODER.decode(text)
    except RecursionError:  # nested absurdly deep: not written by dumps
        raise ValueError("nested too deep") from None
    if type(table) is not dict:
        raise ValueError("not a table")
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
