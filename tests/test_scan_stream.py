"""Reading streams one client at a time (disk/scan.py), and the cache never changes what a
command says: cold, warm and without a cache, on a journal with bad files, conflict
copies, a symlink, a misnamed folder, a file with git markers and two clients sharing a
session id. A first run of one command leaves the next, of another kind, nothing to
parse."""

from __future__ import annotations

import os
import shutil
import stat
from pathlib import Path

import pytest

from otjournal.cli import app
from otjournal.disk import tomlio
from otjournal.disk.memo import Memo
from otjournal.disk.permissions import Covered, permission_problems
from otjournal.disk.scan import HOMEWORK, RECORD_KINDS, SESSIONS
from otjournal.disk.store import Journal
from tests.conftest import Clock

COMMANDS = (
    ["trends"],
    ["trends", "--json"],
    ["check"],
    ["check", "--json"],
    ["list"],
    ["list", "-n", "3"],
    ["list", "--json", "-n", "5"],
    ["list", "mia-k", "--since", "2026-01-01"],
    ["search", "laces"],
    ["search", "the", "--json"],
    ["conflicts"],
    ["due"],
    ["doctor"],
    ["conflicts", "--json"],
    ["client", "list", "--all"],
    ["client", "list", "--json"],
)


@pytest.fixture
def messy(runner, notes: Path, clock: Clock) -> Path:
    """A demo journal with every kind of trouble a read must report the same way."""
    result = runner.invoke(app, ["demo", "--dir", str(notes), "-q", "--sessions", "60"])
    assert result.exit_code == 0, result.output
    mia, noah = notes / "clients" / "mia-k", notes / "clients" / "noah-t"
    sessions = sorted((mia / "sessions").glob("*.toml"))
    assert len(sessions) > 4
    (mia / "sessions" / "2026-01-01_0900_bad00.toml").write_text("start = \n")
    (mia / "homework" / "2026-01-02_0900_bad01.toml").write_text("[[nope\n")
    shutil.copy(
        sessions[0],
        mia / "sessions" / f"{sessions[0].stem}.sync-conflict-20260306-101500-ABCDEF1.toml",
    )
    os.symlink(sessions[1], mia / "sessions" / "2026-01-03_0900_link0.toml")
    raw = sessions[2].read_text()
    (mia / "sessions" / "2026-01-04_0900_marks.toml").write_text(
        "<<<<<<< HEAD\n" + raw + "=======\n" + raw + ">>>>>>> other\n"
    )
    shutil.copy(sessions[3], mia / "sessions" / "2026-01-05_0900_again.toml")  # a same-id copy
    shared = sessions[4].read_text().replace('client = "mia-k"', 'client = "noah-t"')
    assert shared != sessions[4].read_text()
    (noah / "sessions" / sessions[4].name).write_text(shared)  # two clients, one id
    (notes / "clients" / "Bad Name").mkdir()
    for path in notes.rglob("*"):
        if not path.is_symlink():
            os.chmod(path, 0o700 if path.is_dir() else 0o600)
    return notes


def run(runner, args: list[str]) -> tuple[int, str]:
    result = runner.invoke(app, args)
    return result.exit_code, result.output


def test_cold_warm_and_no_cache_say_exactly_the_same(
    runner, messy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for args in COMMANDS:
        monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "-".join(args)))
        cold = run(runner, args)
        warm = run(runner, args)
        monkeypatch.setenv("OTJOURNAL_NO_CACHE", "1")
        bare = run(runner, args)
        monkeypatch.delenv("OTJOURNAL_NO_CACHE")
        assert cold == warm == bare, args
    # The trouble was there to be seen, and was seen.
    code, said = run(runner, ["check"])
    assert code == 1
    for words in (
        "bad00.toml",
        "bad01.toml",
        "sync conflict copy",
        "not read: a symlink",
        "has the same id as",
        "Bad Name",
        "marks.toml",
    ):
        assert words in said, words
    # A symlink's own mode (777) is not a permission problem: chmod would follow it.
    assert "(mode 777)" not in said and "chmod" not in said, said


def test_a_cold_trends_leaves_check_nothing_to_parse(
    runner, messy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    parsed: list[str] = []
    real = tomlio.parse
    monkeypatch.setattr(
        tomlio, "parse", lambda raw, path="", **kw: parsed.append(path) or real(raw, path, **kw)
    )
    # Parsed in this process, to be counted (workers: tests/test_pool.py, the same cache).
    monkeypatch.setenv("OTJOURNAL_WORKERS", "1")
    run(runner, ["trends"])
    assert len(parsed) > 100  # cold: sessions and homework were parsed
    parsed.clear()
    run(runner, ["check"])
    # Only the files that do not read (never cached) are parsed again.
    assert parsed and all(Path(p).stem.endswith(("bad00", "bad01", "marks")) for p in parsed)
    parsed.clear()
    run(runner, ["due"])
    run(runner, ["list", "-n", "3"])
    run(runner, ["search", "laces"])
    assert all(Path(p).stem.endswith(("bad00", "bad01", "marks")) for p in parsed)


def test_a_scan_holds_a_few_clients_at_a_time(
    messy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from otjournal.disk import scan as scanning

    monkeypatch.setattr(scanning, "PRELOAD", 2)
    j = Journal(messy, cache_folder=tmp_path / "c")
    j.load()  # the cache knows every folder
    with j.reader() as r:
        everyone = r.handles()
        assert len(everyone) > 2
        scan = r.scan()
        assert scan.count == len(everyone)
        assert [p.path.name for p in scan.problems] == ["Bad Name"]
        held = []
        assert r.cache is not None
        for c in scan.clients:
            held.append({f.split("/")[1] for f in r.cache._indexes})
            assert c.handle in held[-1]
    # The folder indexes of two clients at a time, never every client's.
    assert held[0] == set(everyone[:2]) and held[2] == set(everyone[2:4])


def test_the_progress_bar_counts_clients(messy: Path, tmp_path: Path, monkeypatch) -> None:
    from otjournal.disk import scan

    monkeypatch.setattr(scan, "PROGRESS_FROM", 10)
    seen: list[object] = []

    class Bar:
        def start(self, total: int) -> None:
            seen.append(("start", total))

        def advance(self) -> None:
            seen.append("advance")

        def stop(self) -> None:
            seen.append("stop")

    j = Journal(messy, cache_folder=tmp_path / "c", progress=Bar())
    clients = len(j.client_handles())
    j.per_client(Memo("count", lambda snap: len(snap.sessions)))
    assert seen[0] == ("start", clients)
    assert seen.count("advance") == clients and seen[-1] == "stop"
    seen.clear()
    j.per_client(Memo("count", lambda snap: len(snap.sessions)))
    assert seen == []  # warm: nothing to parse, no bar


def reference_walk(root: Path) -> list[tuple[Path, bool, int]]:
    """What the permission walk found before it used os.scandir (os.walk + lstat), but
    for symlinks: their own mode means nothing (check names them as symlinks)."""
    wide = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if d not in {".git", ".stversions"}]
        entries = [(Path(dirpath), True)] + [
            (Path(dirpath) / f, False) for f in filenames if f.endswith(".toml")
        ]
        for path, is_dir in entries:
            try:
                st = os.lstat(path)
            except OSError:
                continue
            mode = st.st_mode & 0o777
            if mode & 0o077 and not stat.S_ISLNK(st.st_mode):
                wide.append((path, is_dir, mode))
    return wide


@pytest.mark.parametrize("how_many", [2, 30])
def test_the_permission_walk_finds_what_os_walk_found(messy: Path, how_many: int) -> None:
    toml = sorted(p for p in messy.rglob("*.toml") if not p.is_symlink())
    assert len(toml) > how_many
    for path in toml[:how_many]:
        os.chmod(path, 0o644)
    os.chmod(messy / "clients" / "noah-t", 0o755)
    (messy / ".git").mkdir()
    (messy / ".git" / "x.toml").write_text("")
    os.chmod(messy / ".git" / "x.toml", 0o666)  # not a note: never reported
    os.symlink(messy / "clients" / "noah-t", messy / "clients" / "linked")  # not followed
    expected = reference_walk(messy)
    assert len(expected) > how_many
    found = permission_problems(messy)
    if len(expected) > 3:
        assert len(found) == 1 and found[0].message.startswith(f"{len(expected)} files")
    else:
        assert [(p.path, p.message) for p in found] == [
            (path, f"readable by others (mode {mode:o})") for path, _, mode in expected
        ]
    assert stat.S_IMODE(os.lstat(messy / ".git" / "x.toml").st_mode) == 0o666


def covered_by_a_scan(root: Path) -> Covered:
    """What ``check`` hands the permission walk: each record folder its scan listed, with
    the files there that others can read."""
    covered = Covered(str(root), (SESSIONS, HOMEWORK))
    with Journal(root, cache_folder=None).reader() as r:
        for found in r.scan(None, RECORD_KINDS).clients:
            covered.add(found)
    return covered


@pytest.mark.parametrize("many", [False, True])
def test_the_walk_after_a_scan_finds_what_the_walk_alone_finds(messy: Path, many: bool) -> None:
    """``check`` does not stat each record file twice: the scan notes the ones others can
    read, and the walk skips the files of the folders the scan listed. Both ways find
    the same files and folders, whatever sits in a record folder: a note, a conflict
    copy, a symlink (by its own mode), a hidden file, a folder named like a note, a
    symlink to a folder."""
    sessions = messy / "clients" / "mia-k" / "sessions"
    os.chmod(next(iter(sorted(sessions.glob("2026-0*.toml")))), 0o640)
    os.chmod(next(iter(sessions.glob("*.sync-conflict-*.toml"))), 0o644)  # not the symlink: 2
    if many:
        (sessions / ".hidden.toml").write_text("")
        os.chmod(sessions / ".hidden.toml", 0o604)
        (sessions / "folder.toml").mkdir(mode=0o755)
        os.chmod(sessions / "folder.toml", 0o755)
        (sessions / "folder.toml" / "inner.toml").write_text("")
        os.chmod(sessions / "folder.toml" / "inner.toml", 0o660)
        os.symlink(messy / "clients" / "noah-t", sessions / "to-a-folder.toml")
        homework = next(iter(sorted((messy / "clients" / "noah-t" / "homework").glob("*.toml"))))
        os.chmod(homework, 0o664)
        # A folder not named like a note, in a records folder the scan lists: the walk
        # must still go into it (the scan does not read it).
        (homework.parent / "old").mkdir(mode=0o700)
        (homework.parent / "old" / "kept.toml").write_text("")
        os.chmod(homework.parent / "old" / "kept.toml", 0o640)
    alone = permission_problems(messy)
    after_scan = permission_problems(messy, covered_by_a_scan(messy))
    key = lambda p: (str(p.path), p.message)  # noqa: E731
    assert sorted(after_scan, key=key) == sorted(alone, key=key)
    expected = reference_walk(messy)
    if many:
        assert len(alone) == 1 and alone[0].message.startswith(f"{len(expected)} files")
        # the 2, the hidden file, the folder, its file, the entry, the file in "old"
        assert len(expected) == 7
    else:
        assert len(alone) == len(expected) == 2


def test_the_walk_does_not_list_again_a_records_folder_the_scan_listed(
    messy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Only a records folder holding a folder is listed by the walk after a scan."""
    homework = messy / "clients" / "noah-t" / "homework"
    (homework / "old").mkdir(mode=0o700)
    covered = covered_by_a_scan(messy)
    listed: list[str] = []
    real = os.scandir

    def scandir(path):  # type: ignore[no-untyped-def]
        listed.append(str(path))
        return real(path)

    monkeypatch.setattr(os, "scandir", scandir)
    permission_problems(messy, covered)
    records = [p for p in listed if p.endswith(("/sessions", "/homework"))]
    assert records == [str(homework)]
    listed.clear()
    permission_problems(messy)
    assert len([p for p in listed if p.endswith(("/sessions", "/homework"))]) > 2
