"""rtoml reads a note faster than tomli, and only where it reads it the same (issue 19).

``fasttoml.read`` answers only for text without what TOML 1.1 adds or reads otherwise;
for everything else it answers None and tomli reads the text, with its own messages.
Tables are compared by ``repr`` too: the same keys in the same order, the same types,
and the standard library's ``timezone`` on every date (rtoml's own class never leaks).
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest
import tomli
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from otjournal.demo import write_demo
from otjournal.disk import fasttoml, tomlio
from otjournal.disk.parsing import parse_table_and_record, parser
from otjournal.disk.store import Journal

pytest.importorskip("rtoml")

# TOML 1.0 that rtoml is asked to read: every kind of value, at every depth.
PLAIN = """\
# otjournal record: it ends with a '# end' line
format_version = 1
kind = "session"
start = 2026-08-15T09:00:00+10:00
utc = 2026-08-15T09:00:00Z
zero = 2026-08-15T09:00:00+00:00
minus_zero = 2026-08-15T09:00:00-00:00
west = 1979-05-27T00:32:00.999999-07:00
cut = 1979-05-27T00:32:00.9999999+05:30
local = 1979-05-27T07:32:00
spaced = 1979-05-27 07:32:00+01:00
day = 1979-05-27
at = 07:32:00.5
ints = [1, -0, 1_000, 0x1F, 0o17, 0b101, 9223372036854775807, 99999999999999999999]
floats = [0.5, -0.0, 1e-7, 6.02e23, inf, -inf]
flags = [true, false]
mixed = [1, "two", 3.0, [4, [2026-01-02T03:04:05+09:00]]]
text = "Zoë said: it's fine — 10 o'clock"
quoted = 'She said "yes"'
both = '''It's "both"'''
lines = \"\"\"
first line
second "line"
\"\"\"
"a key" = "quoted key"
dotted.key.here = 1

[[activities]]
name = "Obstacle course"
when = 2026-08-15T09:10:00+10:00

[[activities.steps]]
at = 2026-08-15T09:12:00-03:30

[plan]
summary = "Engaged"

[[plan.homework]]
id = "hw1-1"
per_week = 5
# end
"""

# What TOML 1.1 adds, and text rtoml reads otherwise: tomli reads each as before.
NOT_ASKED = {
    "an inline table over lines": "a = {b = 1,\n c = 2}\n",
    "an inline table's trailing comma": "a = {b = 1,}\n",
    "any inline table": "a = {b = 2026-01-01T00:00:00+10:00}\n",
    "a \\x escape": 'a = "\\x41"\n',
    "a \\e escape": 'a = "\\e"\n',
    "any escape": 'a = "tab\\there"\n',
    "a time without seconds": "a = 07:32\n",
    "a date-time without seconds": "a = 1979-05-27T07:32Z\n",
    "a spaced date-time without seconds": "a = 1979-05-27 07:32\n",
    "a time in an array": "a = [07:32]\n",
    "a clock time in words": 'a = "at 10:30 we met"\n',
    "a carriage return": 'a = """x\r\ny"""\n',
    "CRLF line ends": "a = 1\r\nb = 2\r\n",
    "a byte-order mark": "\ufeffa = 1\n",
}


def _same(ours: object, theirs: object) -> None:
    assert ours == theirs
    assert repr(ours) == repr(theirs)  # key order, types and zone classes too


def test_rtoml_reads_every_kind_of_value_as_tomli_does() -> None:
    raw = PLAIN.encode("utf-8")
    assert fasttoml.askable(raw)
    table = fasttoml.read(raw, PLAIN)
    assert table is not None  # rtoml read it: this test compares the fast path
    _same(table, tomli.loads(PLAIN))
    zones = {table[k].tzinfo for k in ("start", "utc", "zero", "minus_zero", "west")}
    assert all(type(z) is timezone for z in zones)
    assert table["utc"].tzinfo is UTC and table["zero"].tzinfo is UTC
    assert table["cut"].microsecond == 999999  # cut to microseconds, as tomli does
    deep = table["mixed"][3][1][0]
    assert deep.tzinfo == timezone(timedelta(hours=9)) and type(deep.tzinfo) is timezone
    assert type(table["activities"][0]["steps"][0]["at"].tzinfo) is timezone


@pytest.mark.parametrize("text", NOT_ASKED.values(), ids=NOT_ASKED.keys())
def test_what_toml_1_1_adds_is_left_to_tomli(text: str) -> None:
    raw = text.encode("utf-8")
    assert not fasttoml.askable(raw)
    assert fasttoml.read(raw, text) is None
    try:
        expected: object = tomli.loads(text)
    except tomli.TOMLDecodeError:
        expected = "refused"
    try:
        got: object = tomlio.parse(raw)
    except tomlio.ParseError:
        got = "refused"
    if expected != "refused":
        _same(got, expected)
    else:
        assert got == "refused"


def test_toml_1_1_text_is_still_refused_with_tomlis_words(tmp_path: Path) -> None:
    raw = b"kind = 'session'\nstart = 1979-05-27T07:32+10:00\n"
    with pytest.raises(tomlio.ParseError) as caught:
        tomlio.parse(raw, tmp_path / "n.toml")
    assert caught.value.line == 2 and "not valid TOML" in str(caught.value)


@pytest.mark.parametrize(
    "text",
    [
        "a = 1e400\n",  # rtoml refuses a float out of range; tomli reads inf
        "a = " + "[" * 120 + "]" * 120 + "\n",  # deeper than rtoml goes
        "a = 1\na = 2\n",  # refused by both: tomli's message
    ],
    ids=["huge float", "deep nesting", "a key twice"],
)
def test_rtoml_failing_is_tomlis_to_answer(text: str) -> None:
    raw = text.encode("utf-8")
    assert fasttoml.askable(raw) and fasttoml.read(raw, text) is None
    try:
        expected: object = tomli.loads(text)
    except tomli.TOMLDecodeError as exc:
        expected = str(exc)
    try:
        got: object = tomlio.parse(raw)
    except tomlio.ParseError as exc:
        got = str(exc)
        assert isinstance(expected, str) and "not valid TOML" in got
        return
    _same(got, expected)


def test_without_rtoml_tomli_reads_everything(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fasttoml, "rtoml", None)
    assert fasttoml.read(PLAIN.encode("utf-8"), PLAIN) is None
    _same(tomlio.parse(PLAIN.encode("utf-8")), tomli.loads(PLAIN))


def test_every_note_otjournal_writes_takes_the_fast_path(tmp_path: Path) -> None:
    """The demo's notes, homework and client files: rtoml reads each (so the speed is
    real) and to the same table as tomli."""
    write_demo(Journal(tmp_path), seed=5, end=date(2026, 3, 7), sessions=60)
    files = sorted(tmp_path.rglob("*.toml"))
    assert len(files) > 100
    for path in files:
        raw = path.read_bytes()
        text = raw.decode("utf-8")
        table = fasttoml.read(raw, text)
        assert table is not None, path.name
        _same(table, tomli.loads(text))


# Values as a note holds them, written by otjournal's own writer.
_zones = st.integers(-12 * 60, 14 * 60).map(lambda m: timezone(timedelta(minutes=m)))
_moments = st.datetimes(
    min_value=datetime(1900, 1, 1), max_value=datetime(2100, 1, 1), timezones=_zones
)
_scalars = (
    st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=30)
    | st.integers(-(2**63), 2**63 - 1)
    | st.floats(allow_nan=False)
    | st.booleans()
    | st.dates()
    | _moments
    | st.datetimes(min_value=datetime(1900, 1, 1))
)
_keys = st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=8)
_tables = st.recursive(
    st.dictionaries(_keys, _scalars, min_size=1, max_size=5),
    lambda inner: st.dictionaries(
        _keys, _scalars | inner | st.lists(inner, min_size=1, max_size=3), min_size=1, max_size=4
    ),
    max_leaves=20,
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_tables)
def test_what_otjournal_writes_reads_back_the_same_either_way(table: dict[str, object]) -> None:
    raw = tomlio.dumps(table)
    text = raw.decode("utf-8")
    fast = fasttoml.read(raw, text)
    if fast is not None:
        _same(fast, tomli.loads(text))


def test_damaged_notes_read_the_same_either_way() -> None:
    """A written note, bytes inserted, deleted and changed at random (a seeded few
    thousand): whatever rtoml is asked and reads, tomli reads to the same table."""
    rng = random.Random(19)
    base = PLAIN
    pieces = [*"[]=\",.'#\n\t :-+_0123456789eExXoTZ", "'''", '"""', "inf", "nan", "\x7f", "é"]
    pieces += ["1979-05-27T07:32:00", "07:32:00.123456789", "\n[x]\n", "\n[[y]]\n", "a.b = 1\n"]
    read = 0
    for _ in range(3000):
        text = base
        for _ in range(rng.randint(1, 4)):
            at = rng.randrange(len(text) + 1)
            roll = rng.random()
            if roll < 0.4:
                text = text[:at] + rng.choice(pieces) + text[at:]
            elif roll < 0.7:
                text = text[:at] + text[at + rng.randint(1, 5) :]
            else:
                text = text[:at] + rng.choice(pieces) + text[at + 1 :]
        fast = fasttoml.read(text.encode("utf-8"), text)
        if fast is None:
            continue
        read += 1
        _same(fast, tomli.loads(text))  # tomli refusing what rtoml read would raise here
    assert read > 300


def test_a_record_from_a_first_read_holds_the_standard_librarys_zones(tmp_path: Path) -> None:
    """A first read leaves rtoml's zone class in the table (``zones=False``: replacing it
    everywhere was a fifth of the read); the record made of it holds the standard
    library's, as one read by tomli does, in its own fields and in the keys added by hand
    that it keeps. Compared by ``repr``, which shows the zone's class."""
    write_demo(Journal(tmp_path), seed=5, end=date(2026, 3, 7), sessions=40)
    files = sorted(tmp_path.rglob("*.toml"))
    note = next(p for p in files if p.parent.name == "sessions")
    text = note.read_text("utf-8").replace(
        '\nkind = "session"\n',
        '\nkind = "session"\nmine = 2026-03-01T10:00:00+11:00\n'
        "list = [[1979-05-27T00:32:00-07:00]]\n",
    )
    assert "mine =" in text
    note.write_text(text, "utf-8")
    raw = note.read_bytes()
    assert not fasttoml.askable(b"{") and fasttoml.askable(raw), "the fast path is taken"
    assert type(tomlio.parse(raw, zones=False)["start"].tzinfo) is not timezone
    for path in files:
        raw = path.read_bytes()
        kind = "client" if path.name == "client.toml" else path.parent.name.rstrip("s")
        if path.parent.name == "homework":
            kind = "homework"
        record = parse_table_and_record(raw, path, parser(kind))[1]
        assert repr(record) == repr(parser(kind)(tomli.loads(raw.decode("utf-8")))), path.name
    kept = parse_table_and_record(note.read_bytes(), note, parser("session"))[1]
    assert kept.extra["mine"].tzinfo == timezone(timedelta(hours=11))
    assert type(kept.extra["mine"].tzinfo) is timezone
    assert type(kept.extra["list"][0][0].tzinfo) is timezone
