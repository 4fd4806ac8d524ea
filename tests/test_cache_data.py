"""Issue 12, item 3: nothing read back from the cache is ever run.

The cache held pickles, so a file planted in the cache folder ran code on 'otj list'. It
now holds JSON text of plain values, checked as it is read: a planted or damaged row is a
miss (the file is read again), never code run, never a different answer.
"""

from __future__ import annotations

import ast
import json
import os
import pickle
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from otjournal.cli import app
from otjournal.disk import plain, tomlio
from otjournal.disk.cache import CACHE_FORMAT
from otjournal.disk.store import Journal
from otjournal.model import HomeworkEntry
from tests.conftest import REPO, TZ, make_client, make_session
from tests.helpers import sqlite


class Planted:
    """A pickle that runs code when loaded: it makes the folder ``marker``."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):  # type: ignore[override]
        return (os.mkdir, (str(self.marker),))


@pytest.fixture
def marker(tmp_path: Path) -> Path:
    return tmp_path / "PWNED"


@pytest.fixture
def payload(marker: Path) -> bytes:
    data = pickle.dumps(Planted(marker))
    pickle.loads(data)  # the payload is live: loading it runs code
    assert marker.is_dir()
    marker.rmdir()
    return data


@pytest.fixture
def small(notes: Path) -> Journal:
    """Three clients: one clean, one with a file that does not parse, one with a sync
    conflict copy; sessions, homework, and a hand-added key of each TOML date/time type."""
    j = Journal(notes)
    for handle in ("mia-k", "noah-t", "ava-l"):
        j.add_client(make_client(handle))
    start = datetime(2026, 3, 2, 9, 0, tzinfo=TZ)
    for i in range(9):
        handle = ("mia-k", "noah-t", "ava-l")[i % 3]
        saved = j.add_session(make_session(handle, start=start + timedelta(days=i)))
        when = start + timedelta(days=i, hours=5)
        j.add_homework(HomeworkEntry("", handle, "journal", when, "Sam", when, text="Laced"))
    first = j.load(["mia-k"]).sessions[0].path
    raw = first.read_bytes()
    head, rest = raw.split(b"\n[", 1)
    first.write_bytes(
        head + b"\nmy_time = 07:30:00\nmy_local = 2026-03-05T10:00:00\nmy_day = 2026-03-05\n"
        b'my_text = "a\\u0000b \\ud7ff"\nmy_list = [[1, 2.5], ["x"]]\n[' + rest
    )
    noah = j.load(["noah-t"]).sessions[0].path
    noah.write_bytes(noah.read_bytes().replace(b"duration_min = 45", b"duration_min = 9999"))
    copy = saved.path.with_name(saved.path.stem + ".sync-conflict-20260305-101010-ABCDEFG.toml")
    copy.write_bytes(saved.path.read_bytes())
    return j


COMMANDS = (
    ("list",),
    ("list", "-n", "2"),
    ("list", "--json"),
    ("trends",),
    ("trends", "--json"),
    ("trends", "mia-k"),
    ("check",),
    ("check", "--json"),
)


def outputs(runner, *extra: tuple[str, ...]) -> dict[tuple[str, ...], tuple[int, str]]:
    results = {}
    for args in COMMANDS + extra:
        result = runner.invoke(app, list(args))
        assert result.exit_code in (0, 1), result.output
        results[args] = (result.exit_code, result.output)
    return results


def uncached(runner, monkeypatch, *extra: tuple[str, ...]) -> dict:
    with monkeypatch.context() as m:
        m.setenv("OTJOURNAL_NO_CACHE", "1")
        return outputs(runner, *extra)


def show_one(runner) -> tuple[str, ...]:
    [first] = json.loads(runner.invoke(app, ["list", "--json", "-n", "1"]).stdout)["sessions"]
    return ("show", first["id"])


def cache_db() -> Path:
    [path] = list(Path(os.environ["XDG_CACHE_HOME"]).rglob("records-*.sqlite"))
    return path


# What each table stores (the other columns are keys).
COLUMNS = {"records": ("data",), "folders": ("numbers", "text"), "memos": ("data",)}


def rows(table: str) -> int:
    with sqlite(cache_db()) as db:
        return db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


# -- (a) a planted pickle is never loaded -----------------------------------------------


@pytest.mark.parametrize("table", ["records", "folders", "memos", "all"])
def test_a_planted_pickle_runs_nothing_and_changes_nothing(
    runner, small, monkeypatch, marker, payload, table
):
    show = show_one(runner)
    expected = uncached(runner, monkeypatch, show)
    outputs(runner, show)  # the cache is built
    assert rows("records") and rows("folders") and rows("memos")
    with sqlite(cache_db()) as db:
        for name in ("records", "folders", "memos") if table == "all" else (table,):
            sets = ", ".join(f"{c} = ?" for c in COLUMNS[name])
            db.execute(f"UPDATE {name} SET {sets}", (payload,) * len(COLUMNS[name]))
    assert outputs(runner, show) == expected
    assert not marker.exists()
    with sqlite(cache_db()) as db:  # and the planted rows are replaced
        for name, columns in COLUMNS.items():
            for column in columns:
                planted = f"SELECT 1 FROM {name} WHERE {column} = ?"
                assert not db.execute(planted, (payload,)).fetchall()
    assert outputs(runner, show) == expected


# -- (b) well-formed JSON that is not what the cache wrote is only a miss ---------------


def edit_rows(table: str, change) -> int:
    """Rewrite every row's stored data with ``change`` (old column values → new ones)."""
    columns = COLUMNS[table]
    with sqlite(cache_db()) as db:
        found = db.execute(f"SELECT rowid, {', '.join(columns)} FROM {table}").fetchall()
        for rowid, *old in found:
            new = change(*old)
            new = new if isinstance(new, tuple) else (new,)
            sets = ", ".join(f"{c} = ?" for c in columns)
            db.execute(f"UPDATE {table} SET {sets} WHERE rowid = ?", (*new, rowid))
    return len(found)


def table_edit(edit):
    """A change to a record's TOML table, written back as the cache writes tables."""

    def change(text: str) -> str:
        table = plain.loads(text)
        edit(table)
        return plain.dumps(table)

    return change


def _wrong_type(t):
    for key in ("duration_min", "entry_kind", "handle"):
        if key in t:
            t[key] = [t[key]]


def _other_client(t):  # a valid record, of a client whose folder it is not in
    t["client" if "client" in t else "handle"] = "zed-q"


def _moved_in_time(t):  # a valid record, not the one the folder index describes
    for key in ("start", "at"):
        if key in t:
            t[key] = t[key] + timedelta(days=400)


def standard(text: str) -> str:
    """A row in the standard library's form, as written where orjson is not installed
    (or for a table it cannot write as it is: a nan)."""
    saved, plain.orjson = plain.orjson, None
    try:
        out = plain.dumps(plain.loads(text))
    finally:
        plain.orjson = saved
    assert not out.startswith(plain.FAST)
    return out


def fast(text: str) -> str:
    """A row as written here: orjson's form (the planted change below is to that form)."""
    assert text.startswith(plain.FAST)
    return text


RECORD_EDITS = [
    table_edit(_wrong_type),
    table_edit(_other_client),
    table_edit(_moved_in_time),
    lambda text: json.dumps(plain.loads(text), default=str),  # dates as plain text
    lambda text: plain.FAST + json.dumps(plain.loads(text), default=str),
    lambda text: fast(text)[:-1] + ',"x":null}',
    lambda text: fast(text)[:-1] + ',"x":[[1,null]]}',
    lambda text: fast(text)[:-1] + ',"x":NaN}',  # JSON has none: orjson's form holds none
    lambda text: fast(text).replace('"\\u0000t"', '"\\u0000q"'),  # a tag that is not one
    lambda text: fast(text).replace('"\\u0000t":"', '"\\u0000t":"not a date'),
    lambda text: fast(text).replace('"\\u0000t":"', '"\\u0000t":7,"":"'),
    lambda text: standard(text)[:-1] + ',"x":null}',
    lambda text: standard(text)[:-1] + ',"x":[[1,null]]}',
    lambda text: standard(text).replace('"\\ud800t"', '"\\ud800q"'),
    lambda text: standard(text).replace('"\\ud800t":"', '"\\ud800t":"not a date'),
    lambda text: "[" * 100_000 + "]" * 100_000,
    lambda text: plain.FAST + "[" * 100_000 + "]" * 100_000,
    lambda text: plain.FAST + '{"a":' * 1_000 + "1" + "}" * 1_000,  # past Python's depth
    lambda text: '{"kind": "session"}',
    lambda text: plain.FAST + '{"kind": "session"}',
    lambda text: text[: len(text) // 2],
    lambda text: "[]",
    lambda text: plain.FAST + "[]",
    lambda text: plain.FAST,
]


def _index_text(edit):
    """A change to the names and ids of a folder index (NUL-joined, n of each)."""

    def change(numbers: bytes, text: str) -> tuple[bytes, str]:
        parts = text.split("\0")
        edit(parts, len(parts) // 2)
        return numbers, "\0".join(parts)

    return change


def _days(day: int):
    """Every day of a folder index (its last column of 64-bit integers) set to ``day``."""

    def change(numbers: bytes, text: str) -> tuple[bytes, str]:
        n = len(numbers) // 48
        return numbers[: 40 * n] + day.to_bytes(8, "little", signed=True) * n, text

    return change


def _names(parts, n):  # names of no file there: every entry a miss
    parts[:n] = [f"x{i}.toml" for i in range(n)]


INDEX_EDITS = [
    _days(-1),
    _days(2**62),
    _index_text(_names),
    _index_text(lambda parts, n: parts.append("x")),
    lambda numbers, text: (numbers[:-1], text),
    lambda numbers, text: (numbers[:-40], text),
    lambda numbers, text: (bytes(len(numbers)), text),  # keys of no file there
    lambda numbers, text: (text, text),
    lambda numbers, text: (numbers, numbers),
    lambda numbers, text: (b"", ""),  # an empty folder: the files are new
]


def _memo(edit):
    def change(text: str) -> str:
        [value] = json.loads(text)
        edit(value)
        return json.dumps([value])

    return change


def _set(key, value):
    def edit(v):
        if key in v:
            v[key] = value

    return edit


MEMO_EDITS = [
    _memo(_set("sessions", -1)),
    _memo(_set("sessions", True)),
    _memo(_set("goal_direction", "excellent")),
    _memo(_set("last_seen", "yesterday")),
    _memo(_set("lowest_item", {"item": "x", "rate": 7.0})),
    _memo(_set("client", 5)),
    _memo(_set("counts", [1, 2, "3"])),
    _memo(_set("counts", [1, 2])),
    _memo(_set("problems", [["x", "m", 1, 1, None, "fatal"]])),
    _memo(_set("problems", [["x", "m", "one", 1, None, "error"]])),
    _memo(_set("problems", [[None, "m", 1, 1, None, "error"]])),
    _memo(_set("problems", [["x", "m", 1, 1, None]])),
    _memo(lambda v: v.update(extra=1)),
    lambda text: json.dumps([]),
    lambda text: json.dumps(json.loads(text) * 2),
    lambda text: "not json",
]


def counting(monkeypatch) -> dict[str, int]:
    """How often a file is parsed and a client's records are read (from files or cache)."""
    from otjournal.disk.loading import Reader

    counts = {"parsed": 0, "read": 0}
    parse, snapshot = tomlio.parse, Reader.snapshot

    def counted_parse(raw, path="", **kw):
        counts["parsed"] += 1
        return parse(raw, path, **kw)

    def counted_snapshot(self, found):
        counts["read"] += 1
        return snapshot(self, found)

    monkeypatch.setattr(tomlio, "parse", counted_parse)
    monkeypatch.setattr(Reader, "snapshot", counted_snapshot)
    return counts


@pytest.mark.parametrize(
    "table, changes, missed",
    [
        ("records", RECORD_EDITS, "parsed"),
        ("folders", INDEX_EDITS, "parsed"),
        ("memos", MEMO_EDITS, "read"),
    ],
)
def test_planted_data_of_the_wrong_shape_is_a_miss(
    runner, small, monkeypatch, table, changes, missed
):
    show = show_one(runner)
    expected = uncached(runner, monkeypatch, show)
    outputs(runner, show)
    counts = counting(monkeypatch)
    assert outputs(runner, show) == expected
    warm = counts[missed]
    for i, change in enumerate(changes):
        assert edit_rows(table, change), i
        counts[missed] = 0
        assert outputs(runner, show) == expected, i
        assert counts[missed] > warm, i  # the planted rows were looked at, and missed
        counts[missed] = 0
        assert outputs(runner, show) == expected, i  # and the rows are good again
        assert counts[missed] == warm, i


def test_a_planted_record_of_another_kind_is_a_miss(runner, small, monkeypatch):
    show = show_one(runner)
    expected = uncached(runner, monkeypatch, show)
    outputs(runner, show)
    with sqlite(cache_db()) as db:
        db.execute("UPDATE records SET kind = 'homework' WHERE kind = 'session'")
    assert outputs(runner, show) == expected


# -- (c) no pickle or marshal anywhere in the package ------------------------------------

UNSAFE = {"pickle", "_pickle", "cPickle", "marshal", "shelve", "dill", "cloudpickle", "jsonpickle"}


def test_the_package_imports_no_pickle_or_marshal():
    files = sorted((REPO / "src" / "otjournal").rglob("*.py"))
    assert len(files) > 20
    for path in files:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            elif isinstance(node, ast.Call) and {
                getattr(node.func, "id", None),
                getattr(node.func, "attr", None),
            } & {"__import__", "import_module"}:
                names = [a.value for a in node.args if isinstance(a, ast.Constant)]
            for name in names:
                assert str(name).split(".")[0] not in UNSAFE, f"{path.name} imports {name}"


# -- (d) warm answers are the answers ---------------------------------------------------


def test_warm_runs_answer_as_reading_every_file_does(runner, small, monkeypatch):
    show = show_one(runner)
    expected = uncached(runner, monkeypatch, show)
    assert outputs(runner, show) == expected  # builds the cache
    parsed = []
    real = tomlio.parse
    monkeypatch.setattr(
        tomlio, "parse", lambda raw, path="", **kw: parsed.append(path) or real(raw, path, **kw)
    )
    assert outputs(runner, show) == expected  # from the cache
    # Only the file that does not parse is read again (the conflict copy is never read).
    assert {Path(p).name for p in parsed} == {small.load(["noah-t"]).problems[0].path.name}
    assert expected[("check",)][0] == 1 and "sync conflict copy" in expected[("check",)][1]
    assert "my_time" not in expected[("list",)][1]  # (hand-added keys are kept, not listed)


def test_tables_of_every_toml_type_come_back_exactly(small):
    snap = small.load()
    assert snap.sessions and snap.homework, "both kinds of record are checked"
    for loaded in snap.sessions + snap.homework:
        table = tomlio.parse(loaded.path.read_bytes())
        again = plain.loads(plain.dumps(table))
        assert again == table
        assert [type(v) for v in again.values()] == [type(v) for v in table.values()]
    with pytest.raises(ValueError):
        plain.dumps({"x": None})
    with pytest.raises(ValueError):
        plain.dumps({"x": object()})
    with pytest.raises(ValueError):
        plain.dumps({"\ud800t": "2026-03-05T10:00:00"})  # could pass for a tag: refused


# -- (e) a cache of an older format is deleted unread --------------------------------------

OLD_SCHEMA = (
    "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT)",
    "CREATE TABLE folders (folder TEXT PRIMARY KEY, data BLOB)",
    "CREATE TABLE records (path TEXT PRIMARY KEY, size INT, mtime_ns INT, ctime_ns INT, "
    "ino INT, data BLOB)",
    "CREATE TABLE memos (name TEXT, client TEXT, fingerprint TEXT, data BLOB, "
    "PRIMARY KEY (name, client))",
)


def test_an_old_format_cache_is_deleted_unread(runner, small, monkeypatch, marker, payload):
    show = show_one(runner)
    expected = uncached(runner, monkeypatch, show)
    outputs(runner, show)
    path = cache_db()
    with sqlite(path) as db:  # every row the old format would have loaded
        records = db.execute("SELECT path, size, mtime_ns, ctime_ns, ino FROM records").fetchall()
        folders = db.execute("SELECT folder FROM folders").fetchall()
        memos = db.execute("SELECT name, client, fingerprint FROM memos").fetchall()
    path.unlink()
    with sqlite(path) as db:
        for statement in OLD_SCHEMA:
            db.execute(statement)
        db.execute("INSERT INTO meta VALUES ('format', '4')")
        db.executemany(
            "INSERT INTO records VALUES (?, ?, ?, ?, ?, ?)", [(*r, payload) for r in records]
        )
        db.executemany("INSERT INTO folders VALUES (?, ?)", [(*f, payload) for f in folders])
        db.executemany("INSERT INTO memos VALUES (?, ?, ?, ?)", [(*m, payload) for m in memos])
    os.chmod(path, 0o600)
    assert outputs(runner, show) == expected
    assert not marker.exists()
    with sqlite(cache_db()) as db:
        assert db.execute("SELECT value FROM meta WHERE key = 'format'").fetchone() == (
            CACHE_FORMAT,
        )
        for name, columns in COLUMNS.items():
            for column in columns:
                planted = f"SELECT 1 FROM {name} WHERE {column} = ?"
                assert not db.execute(planted, (payload,)).fetchall()
    assert outputs(runner, show) == expected
