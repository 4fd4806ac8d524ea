"""A first run of one whole-journal command leaves the other commands' results in the
cache (disk/memo.py, cli/memos.py): the next command of another kind reads no record, in
this process or in workers, and says exactly what it says without a cache."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from otjournal.cli import app, memos
from otjournal.disk import pool, tomlio
from otjournal.disk.loading import Reader
from tests.conftest import Clock

FIRSTS = (["trends"], ["check"], ["due"], ["client", "list"], ["homework", "list"])
# The commands that remember a result per client, run as they are with no options.
FOLLOWERS = (["trends"], ["check"], ["due"], ["client", "list", "--all"])


@pytest.fixture
def clean(runner, notes: Path, clock: Clock) -> Path:
    result = runner.invoke(app, ["demo", "--dir", str(notes), "-q", "--sessions", "60"])
    assert result.exit_code == 0, result.output
    for path in notes.rglob("*"):
        os.chmod(path, 0o700 if path.is_dir() else 0o600)
    return notes


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The clients whose records are read (from the files or the cache), by handle."""
    seen: list[str] = []
    snapshot = Reader.snapshot

    def counted(self: Reader, found):  # type: ignore[no-untyped-def]
        seen.append(found.handle)
        return snapshot(self, found)

    monkeypatch.setattr(Reader, "snapshot", counted)
    return seen


@pytest.fixture
def parsed(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """The files parsed (in this process)."""
    seen: list[object] = []
    parse = tomlio.parse
    monkeypatch.setattr(
        tomlio, "parse", lambda raw, path="", **kw: seen.append(path) or parse(raw, path, **kw)
    )
    return seen


def run(runner, args: list[str]) -> tuple[int, str]:
    result = runner.invoke(app, args)
    return result.exit_code, result.output


@pytest.fixture(params=[False, True], ids=["one process", "workers"])
def in_workers(request, monkeypatch: pytest.MonkeyPatch) -> bool:
    if request.param:
        monkeypatch.setattr(pool, "START_FROM", 1)
        monkeypatch.setenv("OTJOURNAL_WORKERS", "2")
    else:
        monkeypatch.setenv("OTJOURNAL_WORKERS", "1")
    return bool(request.param)


@pytest.mark.parametrize("first", FIRSTS, ids=" ".join)
def test_a_first_run_leaves_every_other_commands_result(
    runner,
    clean: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    reads: list[str],
    parsed: list[object],
    in_workers: bool,
    first: list[str],
) -> None:
    monkeypatch.setenv("OTJOURNAL_NO_CACHE", "1")
    bare = {tuple(args): run(runner, args) for args in FOLLOWERS}
    monkeypatch.delenv("OTJOURNAL_NO_CACHE")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    assert run(runner, first)[0] == 0
    assert reads or in_workers, "the first run read nothing: it was not cold"
    for args in FOLLOWERS:
        if args[:2] == first[:2]:
            continue
        reads.clear()
        assert run(runner, args) == bare[tuple(args)], args
        assert reads == [], args  # every client's result was waiting
    # And what is not a remembered result finds every record cached: nothing to parse.
    parsed.clear()
    for args in (["list", "-n", "3"], ["search", "laces"], ["export", "--format", "csv"]):
        assert run(runner, args)[0] == 0
    assert parsed == []


def test_a_warm_run_makes_no_companion(
    runner, clean: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, reads: list[str]
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    asked: list[int] = []
    real = memos.companions
    monkeypatch.setattr(memos, "companions", lambda j: asked.append(1) or real(j))
    run(runner, ["trends"])
    assert asked == [1]  # cold: once, not once a client
    asked.clear()
    for args in FOLLOWERS:
        run(runner, args)
    assert asked == []
    # One note changed: only its client is read again, and the others' results for it
    # are made again too, so the next check reads nothing.
    note = sorted((clean / "clients" / "mia-k" / "sessions").glob("*.toml"))[-1]
    note.write_text(note.read_text().replace("duration_min = ", "duration_min = 1"))
    reads.clear()
    run(runner, ["trends"])
    assert asked == [1] and reads == ["mia-k"]
    reads.clear()
    assert run(runner, ["check"])[0] == 0
    assert reads == []


def test_a_client_with_trouble_in_its_homework_keeps_it_out_of_trends(
    runner, clean: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, in_workers: bool
) -> None:
    """Companions read every kind; a problem in a kind the command does not read is not
    the command's to report, and no result is remembered from a client that has one."""
    (clean / "clients" / "mia-k" / "homework" / "2026-01-02_0900_bad01.toml").write_text("[[no\n")
    monkeypatch.setenv("OTJOURNAL_NO_CACHE", "1")
    bare = {tuple(args): run(runner, args) for args in FOLLOWERS}
    monkeypatch.delenv("OTJOURNAL_NO_CACHE")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    for args in (["trends"], *FOLLOWERS):
        assert run(runner, args) == bare[tuple(args)], args
    assert "bad01" not in bare[("trends",)][1] and "bad01" in bare[("check",)][1]
