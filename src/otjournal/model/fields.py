"""Reading typed fields out of a parsed TOML table, collecting every error.

A ``Fields`` reader wraps one table. Each accessor checks one key, records a
:class:`ValidationError` naming the field path and the allowed values when the
value is wrong, and remembers which keys it consumed; whatever is left over is
returned by :meth:`Fields.extra` so that a person's own keys survive a rewrite.

Error messages name the field and what it must hold. They echo a value only when it
is a number (it cannot carry a disclosure); text is never repeated back, not even a
short word in a field meant for a code: a note typed in the wrong place would be
printed, logged or pasted into a bug report.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterable, Mapping
from datetime import date, datetime, timedelta, timezone
from typing import Any, TypeVar

from otjournal.errors import ValidationError
from otjournal.model.ids import SLUG_HINT, is_slug
from otjournal.model.vocab import FORMAT_VERSION

# Every date in a file or a flag lies in these years. Python's dates end at 9999-12-31, so
# a session near that end crashed arithmetic downstream (a UTC conversion, a retention
# period added to it); one rule here, where dates are read, keeps every later step in range.
FIRST_YEAR = 1900
LAST_YEAR = 2999
YEARS_ALLOWED = f"from {FIRST_YEAR} to {LAST_YEAR}"
D = TypeVar("D", bound=date)  # a date or a date-time, kept as it came


_ZONES: dict[timedelta, timezone] = {}  # timezone(timedelta(0)) is timezone.utc


def standard_zone(moment: datetime) -> datetime:
    """An aware ``moment`` with the standard library's zone for its offset, as tomli
    gives it: rtoml gives its own class (disk/fasttoml.py), which a first read leaves
    to be replaced here, for the few values a note's record keeps."""
    if type(moment.tzinfo) is timezone:
        return moment
    offset = moment.utcoffset()
    assert offset is not None  # called for an aware moment only
    zone = _ZONES.get(offset)
    if zone is None:
        zone = _ZONES[offset] = timezone(offset)
    return moment.replace(tzinfo=zone)


def standard_zones(value: Any) -> None:
    """``standard_zone`` for every aware date-time in a table or array, at any depth, in
    place."""
    for key, item in value.items() if type(value) is dict else enumerate(value):
        if type(item) is datetime:
            if item.tzinfo is not None:
                value[key] = standard_zone(item)
        elif type(item) is dict or type(item) is list:
            standard_zones(item)


def year_problem(day: date) -> str | None:
    """Why a date cannot be used (its year is out of range), or None."""
    if FIRST_YEAR <= day.year <= LAST_YEAR:
        return None
    return f"year {day.year} is out of range: dates must be {YEARS_ALLOWED}"


def describe(value: Any) -> str:
    """A safe description of a wrong value for an error message: a number as itself,
    anything else by its kind ("a text", "an array")."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return "a text"
    return _type_name(value)


def _type_name(value: Any) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int):
        return "an integer"
    if isinstance(value, float):
        return "a number"
    if isinstance(value, str):
        return "a text"
    if isinstance(value, datetime):
        return "a date-time"
    if isinstance(value, date):
        return "a date"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "a table"
    return type(value).__name__


def _is_str(value: object) -> bool:
    return type(value) is str or isinstance(value, str)  # the first: a call less, nearly always


def _is_dict(value: object) -> bool:
    return type(value) is dict or isinstance(value, dict)  # as _is_str


def join_path(prefix: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{prefix}[{key}]"
    return f"{prefix}.{key}" if prefix else key


class Fields:
    """Typed access to one table; errors go to a shared list. A first read parses every
    note through these: the hot paths avoid a call or an ABC check per field."""

    __slots__ = ("_used", "data", "errors", "prefix")

    def __init__(self, data: Any, prefix: str, errors: list[ValidationError]) -> None:
        self.prefix = prefix
        self.errors = errors
        if type(data) is dict or isinstance(data, Mapping):
            self.data: Mapping[str, Any] = data
        else:
            self.data = {}
            self.error("", f"must be a table, not {_type_name(data)}")
        self._used: set[str] = set()

    # -- bookkeeping -------------------------------------------------------
    def path(self, key: str | int) -> str:
        return join_path(self.prefix, key)

    def error(self, key: str, message: str, hint: str | None = None) -> None:
        field = self.path(key) if key else self.prefix
        self.errors.append(ValidationError(field, message, hint=hint))

    def _get(self, key: str) -> Any:
        self._used.add(key)
        return self.data.get(key)

    def has(self, key: str) -> bool:
        return key in self.data

    def extra(self) -> dict[str, Any]:
        """Keys this reader did not consume, in their original order."""
        if self.data.keys() <= self._used:  # nearly always: a note otjournal wrote
            return {}
        extra = {k: v for k, v in self.data.items() if k not in self._used}
        standard_zones(extra)  # kept as they are, so as tomli gives them
        return extra

    def _missing(self, key: str, required: bool, what: str) -> None:
        if required:
            self.error(key, f"is required ({what})")

    # -- scalars -------------------------------------------------------------
    def text(self, key: str, *, required: bool = False, default: str = "") -> str:
        self._used.add(key)  # _get, without its call: text is most fields
        value = self.data.get(key)
        if type(value) is str and not required:  # nearly always: nothing to check
            return value
        if value is None:
            self._missing(key, required, "text")
            return default
        if not isinstance(value, str):
            self.error(key, f"must be text, not {_type_name(value)}")
            return default
        if required and not value.strip():
            self.error(key, "must not be empty")
        return value

    def slug(self, key: str, *, required: bool = False, default: str = "") -> str:
        value = self.text(key, required=required, default=default)
        if value and not is_slug(value):
            self.error(key, "is not a valid identifier", hint=SLUG_HINT)
            return default
        return value

    def integer(
        self,
        key: str,
        lo: int,
        hi: int,
        *,
        required: bool = False,
        default: int | None = None,
        unit: str = "",
    ) -> int | None:
        self._used.add(key)
        value = self.data.get(key)
        if type(value) is int and lo <= value <= hi:  # nearly always: no words to build
            return value
        allowed = f"a whole number from {lo} to {hi}{(' ' + unit) if unit else ''}"
        if value is None:
            self._missing(key, required, allowed)
            return default
        if isinstance(value, bool) or not isinstance(value, int):
            self.error(key, f"must be {allowed}, not {describe(value)}")
            return default
        if not lo <= value <= hi:
            self.error(key, f"{value} is out of range: must be {allowed}")
            return default
        return value

    def number(
        self,
        key: str,
        lo: float,
        hi: float,
        *,
        required: bool = False,
        default: float | None = None,
        lo_open: bool = False,
    ) -> float | int | None:
        value = self._get(key)
        low = f"more than {lo:g}" if lo_open else f"from {lo:g}"
        allowed = f"a number {low} to {hi:g}"
        if value is None:
            self._missing(key, required, allowed)
            return default
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.error(key, f"must be {allowed}, not {describe(value)}")
            return default
        if math.isnan(value) or value > hi or value < lo or (lo_open and value == lo):
            self.error(key, f"{value!r} is out of range: must be {allowed}")
            return default
        return value

    def boolean(self, key: str, *, default: bool = False) -> bool:
        value = self._get(key)
        if value is None:
            return default
        if not isinstance(value, bool):
            self.error(key, f"must be true or false, not {describe(value)}")
            return default
        return value

    def choice(
        self,
        key: str,
        choices: Iterable[str],
        *,
        required: bool = False,
        default: str | None = None,
    ) -> str | None:
        self._used.add(key)
        value = self.data.get(key)
        options = choices if isinstance(choices, tuple | frozenset) else tuple(choices)
        if type(value) is str and value in options:  # nearly always: no words to build
            return value
        allowed = "one of " + ", ".join(options)
        if value is None:
            self._missing(key, required, allowed)
            return default
        if not isinstance(value, str):
            self.error(key, f"must be {allowed}, not {describe(value)}")
            return default
        if value not in options:
            self.error(key, f"not an allowed value: must be {allowed}")
            return default
        return value

    def aware_datetime(self, key: str, *, required: bool = False) -> datetime | None:
        value = self._get(key)
        example = "a date-time with a UTC offset, e.g. 2026-03-05T14:30:00+11:00"
        if value is None:
            self._missing(key, required, example)
            return None
        if not isinstance(value, datetime):
            self.error(key, f"must be {example}, not {_type_name(value)}")
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            self.error(key, f"has no UTC offset: must be {example}")
            return None
        return self._in_range(key, standard_zone(value))

    def date(self, key: str, *, required: bool = False) -> date | None:
        value = self._get(key)
        if value is None:
            self._missing(key, required, "a date, e.g. 2018-04-30")
            return None
        if isinstance(value, datetime) or not isinstance(value, date):
            self.error(key, f"must be a date such as 2018-04-30, not {_type_name(value)}")
            return None
        return self._in_range(key, value)

    def _in_range(self, key: str, value: D) -> D | None:
        problem = year_problem(value)
        if problem:
            self.error(key, problem)
            return None
        return value

    def text_list(self, key: str) -> tuple[str, ...]:
        value = self._get(key)
        if value is None:
            return ()
        if not isinstance(value, list) or not all(map(_is_str, value)):
            self.error(key, 'must be an array of text, e.g. ["one", "two"]')
            return ()
        return tuple(value)

    def name_list(self, key: str) -> tuple[str, ...]:
        """Short names (techniques): text, trimmed, none empty, none twice (letter case
        aside: "CBT" and "cbt" are one name)."""
        good: list[str] = []
        seen: dict[str, int] = {}
        for i, raw in enumerate(self.text_list(key)):
            name = " ".join(raw.split())
            if not name:
                self.error(f"{key}[{i}]", "is empty: give a name or leave it out")
            elif name.casefold() in seen:
                self.error(f"{key}[{i}]", f"repeats {key}[{seen[name.casefold()]}]")
            else:
                seen[name.casefold()] = i
                good.append(name)
        return tuple(good)

    def choice_list(self, key: str, choices: Iterable[str]) -> tuple[str, ...]:
        options = tuple(choices)
        values = self.text_list(key)
        good = []
        for i, v in enumerate(values):
            if v in options:
                good.append(v)
            else:
                self.error(
                    f"{key}[{i}]",
                    f"not an allowed value: each must be one of {', '.join(options)}",
                )
        return tuple(good)

    # -- nested ------------------------------------------------------------
    def table(self, key: str, *, required: bool = False) -> Fields | None:
        value = self._get(key)
        if value is None:
            self._missing(key, required, "a table")
            return None
        if not isinstance(value, dict):
            self.error(key, f"must be a table, not {_type_name(value)}")
            return None
        return Fields(value, self.path(key), self.errors)

    def tables(self, key: str) -> list[Fields]:
        value = self._get(key)
        if value is None:
            return []
        if not isinstance(value, list) or not all(map(_is_dict, value)):
            self.error(key, f"must be an array of tables ([[{key}]]), not {_type_name(value)}")
            return []
        at = self.path(key)
        return [Fields(v, f"{at}[{i}]", self.errors) for i, v in enumerate(value)]


def put(out: dict[str, Any], key: str, value: Any) -> None:
    """Add a key for writing, leaving out empty values so files stay short."""
    if value is None or (isinstance(value, str | tuple | list | dict) and not value):
        return
    if isinstance(value, tuple):
        value = list(value)
    out[key] = value


def whole(record: Any) -> dict[str, Any]:
    """A record's table (``to_dict``) with the keys ``put`` left out put back: for
    ``--json``, where a reader wants one shape in every row (docs/json.md). An empty
    list is ``[]``, an unknown value ``null``, an empty text ``""``. A field written
    under other names (``JSON_OMITS``, e.g. a scale's items) is not added again."""
    table: dict[str, Any] = record.to_dict()
    omit = getattr(type(record), "JSON_OMITS", ())
    for f in dataclasses.fields(record):
        if f.name == "extra" or f.name in omit:
            continue
        value = getattr(record, f.name)
        if f.name in table:
            table[f.name] = _whole_in(value, table[f.name])
        elif dataclasses.is_dataclass(value):
            table[f.name] = whole(value)
        elif isinstance(value, tuple):
            table[f.name] = [whole(v) if dataclasses.is_dataclass(v) else v for v in value]
        else:
            table[f.name] = value  # None, "", False or a default such as weight 1
    return table


def _whole_in(value: Any, written: Any) -> Any:
    """A value ``to_dict`` wrote, its nested records made whole too."""
    if dataclasses.is_dataclass(value) and isinstance(written, dict):
        return whole(value)
    if isinstance(value, tuple) and isinstance(written, list) and len(value) == len(written):
        return [_whole_in(v, w) for v, w in zip(value, written, strict=True)]
    return written


def is_table(value: Any) -> bool:
    return isinstance(value, dict) or (
        isinstance(value, list) and bool(value) and all(isinstance(v, dict) for v in value)
    )


def check_header(f: Fields, kind: str) -> None:
    """Every file starts with ``format_version`` and ``kind``; check both."""
    version = f.data.get("format_version")
    f._get("format_version")
    if version is None:
        f.error("format_version", f"is required: add format_version = {FORMAT_VERSION}")
    elif isinstance(version, bool) or not isinstance(version, int):
        f.error("format_version", f"must be the whole number {FORMAT_VERSION}")
    elif version > FORMAT_VERSION:
        f.error(
            "format_version",
            f"this file uses format {version}, newer than this otjournal reads ({FORMAT_VERSION})",
            hint="upgrade otjournal",
        )
    elif version < 1:
        f.error("format_version", f"must be {FORMAT_VERSION}")
    f.choice("kind", (kind,), required=True)
