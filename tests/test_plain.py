"""The cache's JSON form of a note's table (disk/plain.py), in both of its forms.

orjson writes a table where it can (issue 19: a first run encodes every note); the
standard library's form is kept for what orjson cannot write as it is (nan, inf, deep
nesting, a text that starts with NUL) and where orjson is not installed. Either way a
table comes back exactly: the same values, of the same types, in the same order.
"""

from __future__ import annotations

import math
from datetime import UTC, date, datetime, time, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from otjournal.demo import write_demo
from otjournal.disk import plain, tomlio
from otjournal.disk.store import Journal

pytest.importorskip("orjson")


def _signs(value: object) -> list[float]:
    """The sign of every float, in order: a NaN's repr has none, and TOML's -nan keeps it."""
    if isinstance(value, dict):
        return [sign for v in value.values() for sign in _signs(v)]
    if isinstance(value, list):
        return [sign for v in value for sign in _signs(v)]
    return [math.copysign(1.0, value)] if isinstance(value, float) else []


def same(a: object, b: object) -> bool:
    """Equal, of the same types and in the same order (repr shows all three; nan is
    not equal to itself but has one repr, and -0.0 shows its sign), NaN's sign too."""
    return repr(a) == repr(b) and _signs(a) == _signs(b)


@pytest.fixture
def without_orjson(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(plain, "orjson", None)


def standard(table: dict[str, object]) -> str:
    saved, plain.orjson = plain.orjson, None
    try:
        return plain.dumps(table)
    finally:
        plain.orjson = saved


EVERY_KIND = {
    "text": 'Zoë, "quoted", a tab\tand a newline\n, \u2028 and 🙂',
    "integer": -(2**63),
    "big": 2**63 - 1,
    "float": 0.1,
    "tiny": 5e-324,
    "huge": 1.7976931348623157e308,
    "minus zero": -0.0,
    "true": True,
    "false": False,
    "offset": datetime(2026, 3, 5, 14, 30, tzinfo=timezone(timedelta(hours=11))),
    "utc": datetime(2026, 3, 5, 3, 30, 0, 250_000, tzinfo=UTC),
    "behind": datetime(2026, 3, 5, 3, 30, tzinfo=timezone(timedelta(hours=-9, minutes=-30))),
    "local": datetime(2026, 3, 5, 14, 30, 5, 1),
    "day": date(2026, 3, 5),
    "time": time(7, 32, 0, 999_999),
    "list": [1, "two", 3.0, [date(2018, 4, 30)], []],
    "tables": [{"a": {"b": {"c": time(0, 0)}}}, {}],
    "": {"empty key": ""},
}


def test_a_table_of_every_kind_comes_back_exactly_in_orjsons_form() -> None:
    text = plain.dumps(EVERY_KIND)
    assert text.startswith(plain.FAST)
    assert same(plain.loads(text), EVERY_KIND)


def test_the_standard_form_comes_back_exactly_and_is_still_read() -> None:
    text = standard(EVERY_KIND)
    assert text.startswith("{") and '"\\ud800t"' in text
    assert same(plain.loads(text), EVERY_KIND)


def test_without_orjson_both_forms_are_read(without_orjson: None) -> None:
    import orjson  # the module itself: plain's is gone

    assert plain.dumps(EVERY_KIND).startswith("{")
    fast_text = (
        plain.FAST
        + orjson.dumps(
            {"x": {"\x00d": "2026-03-05"}, "y": [1, 2.5]}, option=orjson.OPT_PASSTHROUGH_DATETIME
        ).decode()
    )
    assert same(plain.loads(fast_text), {"x": date(2026, 3, 5), "y": [1, 2.5]})


@pytest.mark.parametrize(
    "table",
    [
        {"a": math.nan},
        {"a": [1.0, -math.nan]},
        {"a": {"b": math.inf}},
        {"a": -math.inf},
        {"\x00t": "2026-03-05T10:00:00"},  # a key that starts with NUL could pass for a tag
        {"a": "\x00d"},
        {"a": ['"\x00']},
        {"a": {"\x00h": "07:32:00"}},
        {"\U00010000": math.nan, "b": ["\U00010000x", -math.nan]},  # escaped as a pair
    ],
    ids=[
        "nan",
        "-nan",
        "inf",
        "-inf",
        "NUL key",
        "NUL text",
        "quote NUL",
        "NUL tag-like",
        "past U+FFFF",
    ],
)
def test_what_orjson_cannot_write_as_it_is_takes_the_standard_form(table: dict) -> None:
    text = plain.dumps(table)
    assert not text.startswith(plain.FAST)
    assert same(plain.loads(text), table)


def test_nesting_past_orjsons_depth_takes_the_standard_form() -> None:
    table: dict = {}
    inner = table
    for _ in range(300):
        inner["a"] = {}
        inner = inner["a"]
    inner["when"] = date(2026, 3, 5)
    text = plain.dumps(table)
    assert not text.startswith(plain.FAST)
    assert same(plain.loads(text), table)


class Text(str):
    pass


class Moment(datetime):
    pass


@pytest.mark.parametrize(
    "table",
    [{"x": None}, {"x": [1, None]}, {"x": object()}, {"x": {1, 2}}, {"\ud800t": "x"}],
    ids=["null", "null in array", "object", "set", "surrogate key"],
)
def test_what_toml_cannot_hold_is_refused_in_both_forms(table: dict) -> None:
    with pytest.raises(ValueError):
        plain.dumps(table)
    with pytest.raises(ValueError):
        standard(table)


def test_subclasses_are_written_as_the_standard_form_writes_them() -> None:
    table = {"t": Text("words"), "m": Moment(2026, 3, 5, 9, 0, tzinfo=UTC)}
    assert plain.loads(plain.dumps(table)) == plain.loads(standard(table))


@pytest.mark.parametrize(
    "text",
    [
        plain.FAST,
        plain.FAST + "[]",
        plain.FAST + "null",
        plain.FAST + '{"a":null}',
        plain.FAST + '{"a":[{"b":null}]}',
        plain.FAST + '{"a":NaN}',
        plain.FAST + '{"a":{"\\u0000q":"2026-03-05"}}',
        plain.FAST + '{"a":{"\\u0000d":"5 March"}}',
        plain.FAST + '{"a":{"\\u0000d":20260305}}',
        plain.FAST + '{"a":' * 2_000 + "1" + "}" * 2_000,
        plain.FAST + '{"a":1',
        plain.FAST + plain.FAST + "{}",
    ],
)
def test_a_damaged_row_in_orjsons_form_is_refused(text: str) -> None:
    with pytest.raises(ValueError):
        plain.loads(text)


@pytest.mark.parametrize(
    "text",
    [
        '{"a":{"\\ud800n":"nan"}}',
        '{"a":{"\\ud800n":-1}}',
        '{"a":{"\\ud800q":"-nan"}}',
        '{"a":null}',
        "[]",
    ],
)
def test_a_damaged_row_in_the_standard_form_is_refused(text: str) -> None:
    with pytest.raises(ValueError):
        plain.loads(text)


def test_every_file_of_the_demo_comes_back_exactly(tmp_path: Path) -> None:
    write_demo(Journal(tmp_path), seed=5, end=date(2026, 3, 7), sessions=120)
    files = sorted(tmp_path.rglob("*.toml"))
    assert len(files) > 120
    for path in files:
        table = tomlio.parse(path.read_bytes(), str(path))
        text = plain.dumps(table)
        assert text.startswith(plain.FAST), path
        assert same(plain.loads(text), table), path
        assert same(plain.loads(standard(table)), table), path


def _unfolded(moment: time | datetime) -> time | datetime:
    return moment.replace(fold=0)  # TOML has no fold: no parser gives one


_characters = st.characters(blacklist_categories=("Cs",))  # NUL and the like included
_zones = st.integers(-12 * 60, 14 * 60).map(lambda m: timezone(timedelta(minutes=m)))
_scalars = (
    st.text(_characters, max_size=20)
    | st.integers(-(2**63), 2**63 - 1)
    | st.floats()
    | st.booleans()
    | st.dates()
    | st.times().map(_unfolded)
    | st.datetimes(min_value=datetime(1900, 1, 1)).map(_unfolded)
    | st.datetimes(min_value=datetime(1900, 1, 2), timezones=_zones).map(_unfolded)
)
_keys = st.text(_characters, max_size=6)
_tables = st.recursive(
    st.dictionaries(_keys, _scalars, max_size=5),
    lambda inner: st.dictionaries(
        _keys, _scalars | inner | st.lists(_scalars | inner, max_size=3), max_size=4
    ),
    max_leaves=25,
)


@settings(max_examples=400, deadline=None)
@given(_tables)
def test_any_table_comes_back_exactly_in_either_form(table: dict) -> None:
    assert same(plain.loads(plain.dumps(table)), table)
    assert same(plain.loads(standard(table)), table)
