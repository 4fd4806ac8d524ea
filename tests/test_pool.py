"""A first run parses in worker processes (disk/pool.py): what every command says is
byte for byte what one process says, warm or without a cache, on a journal with bad
files, conflict copies, a symlink, a misnamed folder, git markers and shared ids; what
the workers parsed lands in the cache, so the next command parses nothing."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from otjournal.cli import app
from otjournal.disk import pool, tomlio
from tests import test_scan_stream
from tests.helpers import sqlite

# The commands that read every client through Reads.per_client.
COMMANDS = (
    ["trends"],
    ["trends", "--json"],
    ["check"],
    ["check", "--json"],
    ["due"],
    ["due", "--json"],
    ["homework", "list"],
)
messy = test_scan_stream.messy  # the same troubled journal
BAD = ("bad00", "bad01", "marks")  # files that never read, so are parsed every time


@pytest.fixture
def workers(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Workers from the first file to parse; the starts are counted."""
    started: list[int] = []
    real = pool.Farm._start

    def start(self: pool.Farm[object]) -> None:
        started.append(self.workers)
        real(self)

    monkeypatch.setattr(pool, "START_FROM", 1)
    monkeypatch.setattr(pool.Farm, "_start", start)
    monkeypatch.setenv("OTJOURNAL_WORKERS", "2")
    return started


def run(runner, args: list[str]) -> tuple[int, str]:
    result = runner.invoke(app, args)
    return result.exit_code, result.output


def test_workers_say_exactly_what_one_process_says(
    runner, messy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, workers: list[int]
) -> None:
    for args in COMMANDS:
        monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "-".join(args)))
        monkeypatch.setenv("OTJOURNAL_WORKERS", "2")
        cold = run(runner, args)
        warm = run(runner, args)
        monkeypatch.setenv("OTJOURNAL_NO_CACHE", "1")
        bare_in_workers = run(runner, args)
        monkeypatch.setenv("OTJOURNAL_WORKERS", "1")
        bare = run(runner, args)
        monkeypatch.delenv("OTJOURNAL_NO_CACHE")
        assert cold == warm == bare_in_workers == bare, args
    assert workers and set(workers) == {2}  # the cold runs did use workers


def test_what_workers_parse_lands_in_the_cache(
    runner, messy: Path, monkeypatch: pytest.MonkeyPatch, workers: list[int]
) -> None:
    parsed: list[str] = []
    real = tomlio.parse
    monkeypatch.setattr(
        tomlio, "parse", lambda raw, path="", **kw: parsed.append(path) or real(raw, path, **kw)
    )
    files = [p for p in messy.rglob("*.toml") if "clients" in p.parts]
    run(runner, ["trends"])  # sessions only: the workers parse homework for the cache too
    assert workers == [2]
    assert len(parsed) < len(files) / 2  # most of the parsing happened in the workers
    parsed.clear()
    monkeypatch.setattr(pool, "START_FROM", 50)  # more than the files that never read
    run(runner, ["check"])
    run(runner, ["search", "laces"])
    run(runner, ["list", "-n", "3"])
    assert parsed and all(Path(p).stem.endswith(BAD) for p in parsed)
    assert workers == [2]  # nothing left to parse but the bad files: no second start


def test_a_warm_run_starts_no_worker(
    runner, messy: Path, monkeypatch: pytest.MonkeyPatch, workers: list[int]
) -> None:
    monkeypatch.setattr(pool, "START_FROM", 50)  # more than the files that never read
    run(runner, ["check"])
    assert workers == [2]
    run(runner, ["check"])
    run(runner, ["trends"])
    assert workers == [2]


def test_one_worker_wanted_reads_in_this_process(
    runner, messy: Path, monkeypatch: pytest.MonkeyPatch, workers: list[int]
) -> None:
    monkeypatch.setenv("OTJOURNAL_WORKERS", "1")
    assert pool.workers_wanted() == 1
    assert run(runner, ["trends"])[0] == 0
    assert workers == []


def test_a_failure_in_a_worker_is_the_commands_failure(
    runner, messy: Path, monkeypatch: pytest.MonkeyPatch, workers: list[int]
) -> None:
    from otjournal.numbers import session

    def broken(*args: object, **kwargs: object) -> object:
        raise RuntimeError("a bug in a worker")

    monkeypatch.setattr(session, "overview_row", broken)
    result = runner.invoke_crashing(app, ["trends"])
    assert isinstance(result.exception, RuntimeError)
    assert workers == [2]


def test_a_worker_killed_is_an_error_not_a_wait(
    runner, messy: Path, monkeypatch: pytest.MonkeyPatch, workers: list[int]
) -> None:
    import os
    import signal

    from otjournal.numbers import session

    parent = os.getpid()
    real = session.overview_row

    def killed(*args: object, **kwargs: object) -> object:
        if os.getpid() != parent:
            os.kill(os.getpid(), signal.SIGKILL)  # as the out-of-memory killer would
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(session, "overview_row", killed)
    result = runner.invoke(app, ["trends"])
    assert result.exit_code == 1
    assert "a worker reading the notes stopped unexpectedly" in result.output
    assert workers == [2]


def test_the_workers_start_before_the_parent_reads_a_whole_client(
    runner, notes: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A first run reads each client whole (the other commands' results are made at the
    same time), so every file it will parse counts toward starting the workers: counting
    only the command's own kinds left the first clients, homework and all, to the parent
    (at 1,000 sessions, 1,500 files parsed alone before forking)."""
    demo = ["demo", "--dir", str(notes), "-q", "--sessions", "120", "--end", "2026-11-20"]
    made = runner.invoke(app, demo)
    assert made.exit_code == 0, made.output
    per_client = min(
        sum(1 for _ in c.rglob("*.toml")) for c in (notes / "clients").iterdir() if c.is_dir()
    )
    sessions = max(
        len(list((c / "sessions").glob("*.toml"))) for c in (notes / "clients").iterdir()
    )
    # The journal this test needs: a client's sessions alone stay under the start, its
    # files in all do not.
    assert sessions < pool.START_FROM <= per_client
    parsed: list[str] = []
    real = tomlio.parse
    monkeypatch.setattr(
        tomlio,
        "parse",
        lambda raw, path="", **kw: parsed.append(str(path)) or real(raw, path, **kw),
    )
    monkeypatch.setenv("OTJOURNAL_WORKERS", "2")
    assert run(runner, ["trends"])[0] == 0
    assert len(parsed) < pool.START_FROM  # the workers parsed the rest


def test_the_thread_keeping_the_workers_is_not_woken_by_each_result(
    runner, messy: Path, monkeypatch: pytest.MonkeyPatch, workers: list[int]
) -> None:
    """The standard pool wakes it for every result in the pipe, and it spins until the
    result thread takes it: CPU taken from the parent, which writes the cache."""
    import threading
    from multiprocessing.pool import Pool

    woken: list[str] = []
    real = Pool._wait_for_updates

    def counted(*args: object, **kwargs: object) -> None:
        woken.append(threading.current_thread().name)
        real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Pool, "_wait_for_updates", staticmethod(counted))
    assert run(runner, ["trends"])[0] == 0
    assert workers == [2]
    clients = len(list((messy / "clients").iterdir()))
    assert clients >= 5
    assert len(woken) <= 3, f"woken {len(woken)} times for {clients} clients"


def test_the_seal_check_takes_what_the_workers_read(
    runner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, workers: list[int]
) -> None:
    """A first `check` hashes every session in its workers; the seal check in the parent
    compares those hashes with the seals and opens only a session that differs (to say
    how), not every session again. What it says is what one process says."""
    from datetime import date

    from otjournal.demo import write_demo
    from otjournal.disk import sealcheck
    from otjournal.disk.store import Journal

    notes = tmp_path / "demo"
    write_demo(Journal(notes), seed=2, end=date(2026, 3, 7), sessions=40)
    monkeypatch.setenv("OTJOURNAL_DIR", str(notes))
    edited = sorted(notes.glob("clients/*/sessions/*.toml"))[3]
    edited.write_bytes(edited.read_bytes().replace(b"\nsetting = ", b"\nsetting =  ", 1))
    opened: list[str] = []
    real = sealcheck.open_stat
    monkeypatch.setattr(sealcheck, "open_stat", lambda where: opened.append(where) or real(where))
    said = {}
    for wanted in ("2", "1"):
        monkeypatch.setenv("OTJOURNAL_WORKERS", wanted)
        monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / f"cache-{wanted}"))
        opened.clear()
        said[wanted] = run(runner, ["check"])
        assert f"{edited.name}:1:1: warning: does not match its seal" in said[wanted][1]
        if wanted == "2":
            assert [Path(p).name for p in opened] == [edited.name]
    assert said["2"] == said["1"]
    assert workers == [2]


# -- results not remembered: every client rebuilt from the cache's rows, in workers -----


def _parses(monkeypatch: pytest.MonkeyPatch, log: Path) -> None:
    """Every parse logged to a file, in the workers too (a list would stay in each)."""
    real = tomlio.parse

    def logged(raw: bytes, path: Path | str = "", **kw: bool) -> dict[str, object]:
        with open(log, "a", encoding="utf-8") as out:
            out.write(f"{path}\n")
        return real(raw, path, **kw)

    log.write_text("")
    monkeypatch.setattr(tomlio, "parse", logged)


def _parsed(log: Path) -> list[str]:
    """The files parsed since the log was cleared, but those of mia-k, whose files that
    never read make it a client with files to parse every time (a worker then parses
    the kinds the command does not read, too, as in a first run)."""
    paths = [Path(line) for line in log.read_text().splitlines()]
    log.write_text("")
    return sorted(p.name for p in paths if "mia-k" not in p.parts)


def _forget_results() -> None:
    """Every remembered result gone (as on a new day: check's and trends' are kept for
    one day), the records kept: each client is rebuilt from the cache's rows."""
    [path] = list(Path(os.environ["XDG_CACHE_HOME"]).rglob("records-*.sqlite"))
    with sqlite(path) as db:
        assert db.execute("SELECT count(*) FROM records").fetchone()[0] > 0
        db.execute("DELETE FROM memos")


@pytest.fixture
def rebuilds(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, workers: list[int]) -> Path:
    """Workers from the first record to rebuild; every parse logged (to the path given)."""
    log = tmp_path / "parsed.log"
    _parses(monkeypatch, log)
    monkeypatch.setattr(pool, "REBUILD_FROM", 1)
    return log


def test_results_not_remembered_are_rebuilt_in_workers_as_in_one_process(
    runner,
    messy: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    workers: list[int],
    rebuilds: Path,
) -> None:
    log = rebuilds
    said: dict[str, set[tuple[int, str]]] = {}
    for args in COMMANDS:
        monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "-".join(args)))
        monkeypatch.setenv("OTJOURNAL_WORKERS", "1")
        warm = run(runner, args), run(runner, args)
        _forget_results()
        _parsed(log)
        one = run(runner, args)
        assert _parsed(log) == [], args  # every record from the cache's rows
        _forget_results()
        workers.clear()
        monkeypatch.setenv("OTJOURNAL_WORKERS", "2")
        rebuilt = run(runner, args)
        assert workers == [2], args  # started for the rebuilding alone
        assert _parsed(log) == [], args
        said[" ".join(args)] = {warm[1], one, rebuilt}
    assert len(said) == len(COMMANDS) and all(len(outputs) == 1 for outputs in said.values())


def test_a_row_a_worker_could_not_rebuild_from_is_written_again(
    runner, messy: Path, workers: list[int], rebuilds: Path
) -> None:
    log = rebuilds
    expected = run(runner, ["check"])
    [path] = list(Path(os.environ["XDG_CACHE_HOME"]).rglob("records-*.sqlite"))
    with sqlite(path) as db:
        damaged = db.execute(
            "SELECT path FROM records WHERE kind = 'session' AND path LIKE 'clients/noah-t/%'"
        ).fetchall()[:3]
        assert len(damaged) == 3
        for (where,) in damaged:
            db.execute("UPDATE records SET data = '~[]' WHERE path = ?", (where,))
    _forget_results()
    _parsed(log)
    workers.clear()
    assert run(runner, ["check"]) == expected
    assert workers == [2]
    # Parsed in a worker, since those rows did not serve, and only those.
    assert _parsed(log) == sorted(Path(where).name for (where,) in damaged)
    _forget_results()
    assert run(runner, ["check"]) == expected
    assert _parsed(log) == []  # the rows were written again
