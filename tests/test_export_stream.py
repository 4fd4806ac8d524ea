"""``otj export`` streamed (disk/exporting.py): byte for byte what the whole journal read
at once gives (``Journal.load`` → ``numbers.export.rows`` → ``to_csv`` / ``to_json``),
cold, warm, after a change, and without the cache."""

from __future__ import annotations

import io
import json
import shutil
from datetime import date, datetime
from pathlib import Path
from random import Random

import pytest

from otjournal.cli import app
from otjournal.disk.loading import Snapshot
from otjournal.disk.store import Journal
from otjournal.numbers import export as exporting
from otjournal.numbers.export_write import CsvLine, json_object, write_csv, write_json
from tests.conftest import TZ, make_client, make_session
from tests.helpers import Runner, sqlite

TABLES = list(exporting.TABLES)
DEMO_END = "2026-06-30"
NO_CACHE = {"OTJOURNAL_NO_CACHE": "1"}


def in_memory(root: Path | Snapshot, table: str, day: date, *args: str) -> tuple[bytes, bytes]:
    """Today's whole-journal path: every record loaded, rows made, then written."""
    client = args[args.index("--client") + 1] if "--client" in args else None
    since = date.fromisoformat(args[args.index("--since") + 1]) if "--since" in args else None
    snap = root if isinstance(root, Snapshot) else Journal(root).load()
    columns, rows = exporting.rows(table, snap, client=client, since=since, until=None, today=day)
    return exporting.to_csv(columns, rows), exporting.to_json(columns, rows)


def streamed(
    runner: Runner, root: Path, table: str, fmt: str, *args: str, env: dict[str, str] | None = None
) -> tuple[bytes, str]:
    result = runner.invoke(
        app,
        ["export", "--dir", str(root), "--table", table, "--format", fmt, *args],
        env=env,
    )
    assert result.exit_code == 0, result.output
    return result.stdout_bytes, result.stderr


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("stream-demo")
    root = base / "demo"
    result = Runner().invoke(
        app,
        ["demo", "-q", "--dir", str(root), "--seed", "5", "--end", DEMO_END, "--sessions", "2000"],
        env={"HOME": str(base), "OTJOURNAL_DIR": str(base / "unused")},
    )
    assert result.exit_code == 0, result.output
    return root


@pytest.fixture(scope="module")
def whole(demo: Path) -> Snapshot:
    """The demo read whole, once for the module (it is never changed)."""
    return Journal(demo).load()


@pytest.mark.slow
@pytest.mark.parametrize("table", TABLES)
def test_a_2000_session_journal_streams_what_the_whole_journal_gives(
    runner, clock, demo, whole, table
):
    day = clock.now().date()
    want_csv, want_json = in_memory(whole, table, day)
    assert want_csv.count(b"\r\n") > 20  # rows, not only a header
    for run in ("cold", "warm"):
        assert streamed(runner, demo, table, "csv")[0] == want_csv, run
        assert streamed(runner, demo, table, "json")[0] == want_json, run
    assert streamed(runner, demo, table, "csv", env=NO_CACHE)[0] == want_csv
    assert streamed(runner, demo, table, "json", env=NO_CACHE)[0] == want_json
    # A period and one client: filtered from the rows kept, as the whole journal filters.
    handle = sorted(p.name for p in (demo / "clients").iterdir())[1]
    for args in (("--since", "2026-02-01"), ("--client", handle)):  # before the clock's today
        want_csv, want_json = in_memory(whole, table, day, *args)
        assert streamed(runner, demo, table, "csv", *args)[0] == want_csv, args
        assert streamed(runner, demo, table, "json", *args)[0] == want_json, args


@pytest.mark.slow
def test_after_one_session_changed_only_its_rows_change(runner, clock, demo, tmp_path):
    root = tmp_path / "demo"
    shutil.copytree(demo, root)
    day = clock.now().date()
    for table in TABLES:
        streamed(runner, root, table, "csv")  # every table kept in the cache
    sessions = sorted((root / "clients").glob("*/sessions/*.toml"))
    assert sessions
    target = sessions[len(sessions) // 2]
    text = target.read_text(encoding="utf-8")
    assert "duration_min = " in text
    target.write_text(
        text.replace("duration_min = ", "duration_min = 1", 1), encoding="utf-8"
    )  # 45 becomes 145: a longer session, the same file otherwise
    changed, snap = 0, Journal(root).load()
    for table in TABLES:
        want_csv, want_json = in_memory(snap, table, day)
        assert streamed(runner, root, table, "csv")[0] == want_csv, table
        assert streamed(runner, root, table, "json")[0] == want_json, table
        changed += b",145," in want_csv
    assert changed  # the sessions table shows the change


@pytest.fixture
def troubled(notes: Path) -> Path:
    """Two clients sharing a session id (at one moment, too), a file that does not parse,
    a sync conflict copy, a session whose client.toml is missing."""
    j = Journal(notes)
    j.add_client(make_client())
    j.add_client(make_client("noah-t", display_name="Noah T."))
    j.add_client(make_client("ada-b", display_name="Ada B."))
    start = datetime(2026, 3, 5, 14, 30, tzinfo=TZ)
    shared = [
        j.add_session(make_session(h, start), rng=Random(7)).path for h in ("noah-t", "mia-k")
    ]
    assert shared[0].name == shared[1].name  # one id, two clients: two notes
    for i in range(3):
        j.add_session(make_session("mia-k", start.replace(day=6 + i)))
    j.add_session(make_session("ada-b", start.replace(day=2)))
    bad = notes / "clients" / "mia-k" / "sessions" / "2026-03-01-0900-bad0.toml"
    bad.write_text('id = "2026-03-01-0900-bad0"\nclient = [\n', encoding="utf-8")
    copy = shared[1].with_name(shared[1].stem + ".sync-conflict-20260306-101500-ABCDEF1.toml")
    copy.write_bytes(shared[1].read_bytes())
    (notes / "clients" / "ada-b" / "client.toml").unlink()
    return notes


def test_a_journal_with_problems_gives_the_same_rows_and_words_cached_or_not(
    runner, clock, troubled
):
    day = clock.now().date()
    for table in TABLES:
        want_csv, want_json = in_memory(troubled, table, day)
        outs = {
            (fmt, how): streamed(runner, troubled, table, fmt, env=env)
            for how, env in (("cold", None), ("warm", None), ("uncached", NO_CACHE))
            for fmt in ("csv", "json")
        }
        assert {out for (fmt, _), (out, _) in outs.items() if fmt == "csv"} == {want_csv}, table
        assert {out for (fmt, _), (out, _) in outs.items() if fmt == "json"} == {want_json}, table
        words = {err for _, err in outs.values()}
        assert len(words) == 1, table
        [said] = words
        assert "1 sync conflict copy set aside" in said
        assert "could not be read" in said
    rows = json.loads(in_memory(troubled, "sessions", day)[1])["rows"]
    assert [r["client"] for r in rows].count("ada-b") == 1  # its client.toml is missing
    shared = [r["client"] for r in rows if r["date"] == "2026-03-05"]
    assert shared == ["mia-k", "noah-t"]  # one moment, one id: by client


def test_rows_in_the_cache_that_are_not_what_was_written_are_made_again(
    runner, clock, troubled, isolated_home
):
    day = clock.now().date()
    want_csv, want_json = in_memory(troubled, "goals", day)
    assert streamed(runner, troubled, "goals", "csv")[0] == want_csv
    [cache] = list((isolated_home / "cache").rglob("records-*.sqlite"))
    hidden = ("--deidentify",)
    want_hidden = streamed(runner, troubled, "goals", "json", *hidden, env=NO_CACHE)[0]
    # noah-t is the one client without a problem: its rows are kept, the others made again.
    # An export checks the part of each row it reads (the CSV line, the JSON object, or
    # the values to de-identify): whichever part was damaged, each output is right.
    damages = ("data = '[1'", "data = '[[1]]'", "csv = 1", "csv = 'a,b'", "json = NULL")
    for damage in (*damages, "json = '[]'", "moment = 'x'", "author = 1"):
        for fmt, args, want in (
            ("csv", (), want_csv),
            ("json", (), want_json),
            ("json", hidden, want_hidden),
        ):
            with sqlite(cache) as db:
                n = db.execute(f"UPDATE export_rows SET {damage} WHERE client = 'noah-t'").rowcount
            assert n, damage
            assert streamed(runner, troubled, "goals", fmt, *args)[0] == want, (damage, fmt, args)


def test_a_client_gone_takes_its_kept_rows_along(runner, clock, troubled):
    streamed(runner, troubled, "sessions", "csv")
    shutil.rmtree(troubled / "clients" / "noah-t")
    want_csv, _ = in_memory(troubled, "sessions", clock.now().date())
    assert b"noah-t" not in want_csv
    assert streamed(runner, troubled, "sessions", "csv")[0] == want_csv


@pytest.mark.slow
@pytest.mark.parametrize("table", ["sessions", "homework-plan"])
def test_deidentified_rows_stream_as_the_whole_journal_gives_them(
    runner, clock, demo, whole, table
):
    from otjournal.cli.common import read_config
    from otjournal.views.export_deid import deidentify_rows

    day = clock.now().date()
    snap = whole
    columns, rows = exporting.rows(table, snap, client=None, since=None, until=None, today=day)
    config = read_config()
    names = (*config.deidentify_names, config.practitioner)
    clients = {h: c.record for h, c in snap.clients.items()}
    want = exporting.to_csv(columns, deidentify_rows(rows, clients, names, None))
    assert b"participant-1," in want
    for env in (None, None, NO_CACHE):
        assert streamed(runner, demo, table, "csv", "--deidentify", env=env)[0] == want


def test_a_file_is_written_whole_and_says_how_many_rows(runner, clock, troubled, tmp_path):
    target = tmp_path / "out.json"
    result = runner.invoke(
        app, ["export", "--dir", str(troubled), "--format", "json", "-o", str(target)]
    )
    assert result.exit_code == 0, result.output
    data = target.read_bytes()
    assert data == in_memory(troubled, "sessions", clock.now().date())[1]
    assert f"Wrote {len(json.loads(data)['rows'])} rows to {target}" in result.output.replace(
        "\n", ""
    )
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".otj-")]


@pytest.mark.parametrize(
    "rows",
    [
        [],
        [["a", 1, None]],
        [['line\nbreak "quoted" é 😀', -1.5, True], ["=cmd", 0, False], ["", 2.0, None]],
    ],
)
def test_the_writers_lay_out_what_to_csv_and_to_json_do(rows):
    columns = ["text", "number", "flag"]
    as_dicts = [dict(zip(columns, r, strict=True)) for r in rows]
    line = CsvLine()
    for bom in (False, True):
        out = io.BytesIO()
        assert write_csv(out, columns, (line(r) for r in rows), bom) == len(rows)
        assert out.getvalue() == exporting.to_csv(columns, as_dicts, bom)
    out = io.BytesIO()
    assert write_json(out, columns, (json_object(columns, r) for r in rows)) == len(rows)
    assert out.getvalue() == exporting.to_json(columns, as_dicts)
