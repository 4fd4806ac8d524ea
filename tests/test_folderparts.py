"""Folder parts (disk/folderparts.py): a prefetched records folder its cache index
describes exactly is not taken apart (its FileRefs are made only when asked for), and a
client's fingerprint is the same however its folders were read. Each change a person or
a sync tool can make to a folder makes the scan read it again, and find exactly what it
finds on its own."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from array import array
from contextlib import closing
from datetime import date, datetime
from operator import attrgetter
from pathlib import Path
from random import Random

import pytest

from otjournal.disk import folderindex, folderparts, prefetch
from otjournal.disk.cache import RecordCache
from otjournal.disk.folderindex import LAST_DAY, dump_index, load_index
from otjournal.disk.found import ClientFiles, FileRef, Unchanged
from otjournal.disk.layout import CLIENTS, RECORD_KINDS
from otjournal.disk.loading import Reader, Snapshot
from otjournal.disk.query import select
from otjournal.disk.scan import Scanner, handles
from otjournal.disk.store import Journal
from otjournal.model.homework import HomeworkEntry
from otjournal.model.ids import new_suffix, record_id
from tests.conftest import TZ, make_client, make_session
from tests.test_prefetch import as_found, odd_journal, prefetched

KINDS = [RECORD_KINDS, ("session",)]


@pytest.fixture
def caches():
    """``RecordCache``s opened by a test, each closed after it."""
    made: list[RecordCache] = []

    def opened(folder: Path, root: Path) -> RecordCache:
        made.append(RecordCache(folder, root))
        return made[-1]

    yield opened
    for cache in made:
        cache.close()


def indexed(notes: Path, cache: Path) -> None:
    """Every folder's index written, as a first run leaves it."""
    with Reader(notes, cache) as r:
        for found in r.scan(None, RECORD_KINDS).clients:
            r.index(found, Snapshot(notes))


def both(notes: Path, cache: RecordCache, handle: str, kinds) -> tuple[ClientFiles, ClientFiles]:
    """One client scanned alone, then given what the prefetch child sends of it."""
    cache.preload(handle, kinds=kinds)
    alone = Scanner(notes, cache).client(handle, kinds)
    given = Scanner(notes, cache).client(handle, kinds, prefetched(notes, handle))
    return alone, given


def same(alone: ClientFiles, given: ClientFiles) -> None:
    assert given.fingerprint("p") == alone.fingerprint("p")
    assert as_found(given) == as_found(alone)  # FileRefs made now, for the deferred too
    assert not given.deferred


@pytest.fixture
def plain(notes: Path) -> Path:
    journal = Journal(notes)
    for handle in ("ada-c", "mia-k"):
        journal.add_client(make_client(handle))
        for day in range(3, 7):
            journal.add_session(
                make_session(client=handle, start=datetime(2026, 3, day, 10, tzinfo=TZ))
            )
    for path in notes.rglob("*"):
        os.chmod(path, 0o700 if path.is_dir() else 0o600)
    return notes


@pytest.mark.parametrize("kinds", KINDS)
def test_an_indexed_folder_is_deferred_and_found_the_same(
    notes: Path, tmp_path: Path, kinds: tuple[str, ...], caches
):
    odd_journal(notes, locked=False)
    indexed(notes, tmp_path / "cache")
    cache = caches(tmp_path / "cache", notes)
    deferred = set()
    for handle in handles(notes):
        alone, given = both(notes, cache, handle, kinds)
        if given.deferred:
            deferred.add(handle)
            assert given.misses() == 0
        same(alone, given)
    # The plain clients' sessions; not mia-k's (a copy, a wide note, encrypted notes),
    # nor tom-b's (notes that do not parse are read on every run, to say so), nor the
    # folders the prefetch leaves to the scan.
    assert deferred == {"ada-c", "zed-d"}


CHANGES = {
    "edited": lambda f: f.write_text(f.read_text() + "\n# edited\n"),
    "touched": lambda f: os.utime(f, ns=(f.stat().st_atime_ns, f.stat().st_mtime_ns + 1000)),
    "made readable by others": lambda f: f.chmod(0o644),
    "removed": lambda f: f.unlink(),
    "copied beside": lambda f: (f.parent / "2026-03-09_1000_newer.toml").write_bytes(
        f.read_bytes()
    ),
    "a sync tool's copy": lambda f: (
        f.parent / f"{f.stem}.sync-conflict-20260302-101500-ABCDEFG.toml"
    ).write_bytes(f.read_bytes()),
    "encrypted beside": lambda f: (f.parent / f"{f.name}.age").write_bytes(b"x"),
    "renamed": lambda f: f.rename(f.parent / "2026-03-09_1000_other.toml"),
}


@pytest.mark.parametrize("change", CHANGES)
def test_any_change_to_a_folder_reads_it_again(plain: Path, tmp_path: Path, change: str, caches):
    indexed(plain, tmp_path / "cache")
    cache = caches(tmp_path / "cache", plain)
    before = both(plain, cache, "mia-k", ("session",))[1]
    assert before.deferred
    note = sorted((plain / CLIENTS / "mia-k" / "sessions").iterdir())[1]
    CHANGES[change](note)
    alone, given = both(plain, cache, "mia-k", ("session",))
    assert not given.deferred
    same(alone, given)
    assert given.fingerprint("p") != before.fingerprint("p")
    other = both(plain, cache, "ada-c", ("session",))[1]
    assert other.deferred  # the other client's folder did not change


def test_a_damaged_index_row_is_only_a_miss(plain: Path, tmp_path: Path, caches):
    indexed(plain, tmp_path / "cache")
    stated = prefetch._stated(str(plain / CLIENTS / "mia-k" / "sessions"))
    assert stated
    frames = prefetch.Frames(len(stated), *prefetch._frames(stated))  # type: ignore[misc]
    cache = caches(tmp_path / "cache", plain)
    cache.preload("mia-k", kinds=("session",))
    row = cache.row("clients/mia-k/sessions")
    assert row is not None and folderparts.as_indexed(frames, row)
    numbers, text = row
    n = len(stated)
    day = numbers[40 * n : 40 * n + 8]
    for bad in (
        None,
        (numbers[:-8], text),  # one number short
        (numbers, text.replace("2026", "2027", 1)),  # another name
        (numbers, text + "\0x"),  # an id too many
        (numbers[: 40 * n] + (10**7).to_bytes(8, "little") + numbers[40 * n + 8 :], text),
        (numbers[:8] + bytes(8) + numbers[16:], text),  # another size
        (text, text),  # not bytes
    ):
        assert not folderparts.as_indexed(frames, bad)  # type: ignore[arg-type]
    assert day  # the day replaced above is a real one
    assert not folderparts.as_indexed(prefetch.Frames(0, b"", b""), row)


def test_a_part_is_the_same_from_the_childs_bytes_and_from_names_and_keys():
    notes = [("a.toml", (1, -5, 7, 2**64 - 1), 0o100600), ("é\udcff.toml", (0, 1, 2, 3), 0o100644)]
    frames = prefetch.Frames(2, *prefetch._frames(notes))  # type: ignore[misc]
    names, keys = [n for n, _, _ in notes], [k for _, k, _ in notes]
    made = folderparts.part("session", "/j/clients/a/sessions", names, keys)
    assert folderparts.part_of_frames("session", "/j/clients/a/sessions", frames) == made
    assert folderparts.part("homework", "/j/clients/a/sessions", names, keys) != made
    assert folderparts.part("session", "/j/clients/b/sessions", names, keys) != made
    assert folderparts.part("session", "/j/clients/a/sessions", names[:1], keys[:1]) != made
    moved = [(1, -5, 7, 2**64 - 1), (0, 1, 3, 3)]
    assert folderparts.part("session", "/j/clients/a/sessions", names, moved) != made


def test_an_index_row_holds_the_bytes_a_part_compares(plain: Path, tmp_path: Path):
    """as_indexed reads folderindex.dump_index's layout: sizes and inodes, then times."""
    index = {"a.toml": ((5, 6, 7, 8), (9, "a", 739000))}
    numbers, text = dump_index(index)  # type: ignore[misc]
    frames = prefetch.Frames(1, *prefetch._frames([("a.toml", (5, 6, 7, 8), 0o100600)]))  # type: ignore[misc]
    assert folderparts.as_indexed(frames, (numbers, text))


RUN = "import sys; sys.argv = ['otj', *sys.argv[1:]]; from otjournal.cli import main; main()"


def otj(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", RUN, *args],
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        timeout=120,
    )


def test_with_and_without_the_prefetch_the_same_results_are_remembered(
    plain: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
):
    """A run with the prefetch (folders deferred) and one without make the same
    fingerprints: neither makes the other's remembered results stale."""
    monkeypatch.setenv("OTJOURNAL_DIR", str(plain))
    cache = tmp_path / "cache"
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache))
    for args in (["trends"], ["check"], ["search", "swing"]):
        otj(*args)  # the first run: every folder indexed
        first = otj(*args)
        db = next(cache.rglob("records-*.sqlite"))

        def remembered(db: Path = db) -> list[tuple[object, ...]]:
            with closing(sqlite3.connect(db)) as c:  # "with" alone leaves it open
                memos = c.execute("SELECT name, client, fingerprint FROM memos").fetchall()
                tables = {t for (t,) in c.execute("SELECT name FROM sqlite_master")}
                words = (
                    c.execute("SELECT * FROM search_clients").fetchall()
                    if "search_clients" in tables
                    else []
                )
            return sorted(memos) + sorted(words)

        kept = remembered()
        off = otj(*args, OTJOURNAL_NO_PREFETCH="1")
        assert (off.returncode, off.stdout, off.stderr) == (
            first.returncode,
            first.stdout,
            first.stderr,
        )
        assert remembered() == kept, args
    # the search's fingerprints (client, fingerprint) are among them
    assert [row[0] for row in kept if len(row) == 2] == ["ada-c", "mia-k"]


def test_a_client_read_in_workers_with_a_folder_deferred(tmp_path: Path, monkeypatch):
    """Many clients' sessions edited after a warm run, their homework not: the sessions
    are parsed in worker processes, each handed its client's deferred homework folder,
    and every command says what it says with no prefetch (and no folder deferred)."""
    notes = tmp_path / "notes"
    made = otj("demo", "--dir", str(notes), "--end", "2026-11-30", "-q", "--sessions", "1000")
    assert made.returncode == 0, made.stderr
    monkeypatch.setenv("OTJOURNAL_DIR", str(notes))
    monkeypatch.setenv("OTJOURNAL_WORKERS", "2")
    on, off = tmp_path / "on", tmp_path / "off"
    monkeypatch.setenv("XDG_CACHE_HOME", str(on))
    otj("check")  # the first runs: every folder indexed
    otj("trends")

    shutil.copytree(on, off)
    edited = 0
    for client in sorted((notes / CLIENTS).iterdir()):
        if edited >= 450:  # more than pool.START_FROM: enough to start the workers
            break
        for session in (client / "sessions").iterdir():
            session.write_text(session.read_text() + "\n")  # still the same note
            edited += 1
    for args in (["check"], ["trends"], ["export", "--format", "csv", "--table", "homework"]):
        with_it = otj(*args, XDG_CACHE_HOME=str(on))
        without = otj(*args, XDG_CACHE_HOME=str(off), OTJOURNAL_NO_PREFETCH="1")
        assert (with_it.returncode, with_it.stdout, with_it.stderr) == (
            without.returncode,
            without.stdout,
            without.stderr,
        ), args
        assert with_it.stdout


RANGES = [
    (since, until, last)
    for since in (None, date(2026, 3, 4), date(2026, 3, 9))
    for until in (None, date(2026, 3, 5), date(2026, 3, 2))
    for last in (None, 0, 1, 2, 10)
]


def _facts(refs: list[FileRef]) -> list[tuple[object, ...]]:
    return [(f.kind, f.where, f.key, f.meta) for f in refs]


def test_the_latest_sessions_are_picked_from_the_index_as_from_the_files(
    plain: Path, tmp_path: Path, caches
):
    """``list``'s pick (the latest N within dates) from an indexed folder's columns is
    the general path's: the same notes, counted the same, in the same order, for notes
    written in the same minute and days that are out of name order."""
    journal = Journal(plain)
    for minute, (day, hour) in enumerate([(5, 9), (5, 9), (4, 18), (6, 8)]):
        journal.add_session(  # two of them in the same minute; one day earlier than its name
            make_session(client="ada-c", start=datetime(2026, 3, day, hour, minute // 2, tzinfo=TZ))
        )
    indexed(plain, tmp_path / "cache")
    cache = caches(tmp_path / "cache", plain)
    picked = 0
    for handle in handles(plain):
        alone, given = both(plain, cache, handle, ("session",))
        ((_, folder),) = given.deferred
        sessions = [f for f in alone.files if f.kind == "session"]
        for since, until, last in RANGES:
            general = select(
                sessions, lambda f: f.day, attrgetter("meta"), since=since, until=until, last=last
            )
            quick = folder.latest(since, until, last)
            assert quick is not None
            assert quick[0] == len(sessions)
            assert _facts(quick[1]) == _facts(general), (handle, since, until, last)
            picked += len(general)
    assert picked > 50  # many of the cases pick sessions (100 in all)


def latest_answers(monkeypatch) -> list[tuple[Unchanged, object]]:
    """Every answer of ``Unchanged.latest`` from now on in the test, with its folder."""
    answers: list[tuple[Unchanged, object]] = []
    real = Unchanged.latest

    def latest(self: Unchanged, *args: object) -> object:
        found = real(self, *args)  # type: ignore[arg-type]
        answers.append((self, found))
        return found

    monkeypatch.setattr(Unchanged, "latest", latest)
    return answers


def test_list_says_the_same_with_the_index_picking(plain: Path, tmp_path: Path, monkeypatch):
    """``Journal.sessions`` given a prefetch (the folders deferred) and without one: the
    same sessions, total and problems, also when a folder holds a copy of a note (two
    files, one id), which the general path reports."""
    cache = tmp_path / "cache"
    sessions = plain / CLIENTS / "mia-k" / "sessions"
    first = sorted(sessions.iterdir())[0]
    shutil.copy2(first, sessions / "2026-03-09_1000_a0000.toml")  # same id, another name
    (sessions / "2026-03-09_1000_a0000.toml").chmod(0o600)
    indexed(plain, cache)
    monkeypatch.setenv("OTJOURNAL_DIR", str(plain))
    answers = latest_answers(monkeypatch)
    for last, since in [(None, None), (2, None), (3, date(2026, 3, 5)), (0, None)]:
        seen = []
        for ahead in (True, False):
            if ahead:
                prefetch.start(["list"])
                assert prefetch._started is not None
            found, total, report = Journal(plain, cache).sessions(last=last, since=since)
            assert prefetch._started is None  # the scan took it (or there was none)
            seen.append(
                (
                    [(str(s.path), s.record.id) for s in found],
                    total,
                    [(str(p.path), p.message) for p in report.problems],
                )
            )
        assert seen[0] == seen[1], (last, since)
        assert seen[0][1] == 8  # the copy is not counted
        assert any("same id" in message for _, message in seen[0][2])
    picked = [found is not None for _, found in answers]
    assert picked == [True, False] * 4  # ada-c's from the index; mia-k's copy: the files


def test_list_still_reads_a_client_file_that_changed(plain: Path, tmp_path: Path, monkeypatch):
    """A client.toml edited since it was indexed is read (and a fault in it said) even
    when the client's sessions could be picked from the index."""
    cache = tmp_path / "cache"
    indexed(plain, cache)
    (plain / CLIENTS / "ada-c" / "client.toml").write_text("handle = [broken\n")
    monkeypatch.setenv("OTJOURNAL_DIR", str(plain))
    seen = []
    for ahead in (True, False):
        if ahead:
            prefetch.start(["list"])
        found, total, report = Journal(plain, cache).sessions(last=3)
        seen.append(([s.record.id for s in found], total, [str(p.path) for p in report.problems]))
    assert seen[0] == seen[1]
    assert seen[0][2] == [str(plain / CLIENTS / "ada-c" / "client.toml")]


def test_the_latest_n_of_many_clients_skip_older_folders_and_pick_as_the_files_do(
    notes: Path, tmp_path: Path, monkeypatch
):
    """Once ``list -n N`` holds N notes, a client whose newest note is older than all of
    them is passed over from its index's columns (nothing made). The pick is still that
    of reading every file: the same notes in the same order, also where notes of several
    clients share a moment or an id, and where a client read later holds a note of the
    moment of the Nth held that sorts after it (by id) and so displaces it."""
    journal = Journal(notes)
    shared = datetime(2026, 3, 7, 9, 0, tzinfo=TZ)
    seeds = iter(range(100))  # every id made from a seed: the same journal on every run
    for k, handle in enumerate(["ada-c", "ben-d", "cal-e", "dev-f", "eli-g", "fay-h"]):
        journal.add_client(make_client(handle))
        for hour in (9, 10, 11):  # each client a day earlier than the one before it
            start = datetime(2026, 3, 10 - k, hour, tzinfo=TZ)  # dev-f's first is ``shared``
            journal.add_session(make_session(client=handle, start=start), rng=Random(next(seeds)))
    for handle in ("cal-e", "dev-f"):  # the same moment and the same id, in two clients
        journal.add_session(make_session(client=handle, start=shared), rng=Random(7))
    held = {f.name for f in notes.glob("clients/*/sessions/2026-03-07_0900_*")}
    last_of_all = next(
        seed
        for seed in range(100, 10_000)
        if record_id(shared, new_suffix(Random(seed))) + ".toml" > max(held)
    )
    journal.add_session(make_session(client="eli-g", start=shared), rng=Random(last_of_all))
    for path in notes.rglob("*"):
        os.chmod(path, 0o700 if path.is_dir() else 0o600)
    cache = tmp_path / "cache"
    indexed(notes, cache)
    monkeypatch.setenv("OTJOURNAL_DIR", str(notes))
    answers = latest_answers(monkeypatch)
    for last in (1, 2, 3, 4, 6, 9, 11, 12, 13, 14, 15, 30):
        seen = []
        for ahead in (True, False):
            if ahead:
                prefetch.start(["list"])
            found, total, report = Journal(notes, cache if ahead else None).sessions(last=last)
            seen.append(([(str(s.path), s.record.id) for s in found], total, report.problems))
        assert seen[0] == seen[1], last
        assert seen[0][1] == 21
        assert len(seen[0][0]) == min(last, 21)
    passed_over = [
        folder.folder.split("/")[-2]
        for folder, found in answers
        if found and found[0] and not found[1]
    ]
    assert "fay-h" in passed_over  # the oldest client: passed over once N were held
    assert "ada-c" not in passed_over  # the newest: read every time


ONE_NOTE_ROWS = [
    dump_index(
        {"client.toml": ((1234, 1_700_000_000_123_456_789, 1_700_000_000_2, 99), (0, "", 0))}
    ),
    dump_index({"client.toml": ((0, -5, 0, 2**64 - 1), (-(2**63), "mia-k", LAST_DAY))}),
    dump_index(
        {"2026-03-05_1430_k3f9q.toml": ((7, 8, 9, 10), (11, "2026-03-05_1430_k3f9q", 739000))}
    ),
    dump_index({"é\udcff.toml": ((1, 2, 3, 4), (5, "ünï", 1))}),  # a name not UTF-8 on disk
]


def _one_note_numbers(day: int) -> bytes:
    return array("Q", [1, 2]).tobytes() + array("q", [3, 4, 5, day]).tobytes()


DAMAGED_ROWS = [
    (_one_note_numbers(1), "client.toml"),  # no NUL: a name and no id
    (_one_note_numbers(1), "client.toml\0id\0more"),  # two
    (_one_note_numbers(-1), "client.toml\0id"),  # a day before day 1
    (_one_note_numbers(LAST_DAY + 1), "client.toml\0id"),  # after the last day
    (_one_note_numbers(1)[:47], "client.toml\0id"),
    (_one_note_numbers(1), b"client.toml\0id"),
    (bytearray(_one_note_numbers(1)), "client.toml\0id"),
]


@pytest.mark.parametrize("row", ONE_NOTE_ROWS)
def test_a_one_note_index_loads_as_the_columns_load_it(row):
    """A client's own folder holds one note: its index is unpacked at once, and that
    gives what reading the columns gives."""
    assert row is not None
    assert load_index(*row) == folderindex._load_columns(*row)
    assert len(load_index(*row)) == 1


@pytest.mark.parametrize("row", DAMAGED_ROWS)
def test_a_damaged_one_note_index_is_refused_as_the_columns_refuse_it(row):
    with pytest.raises(ValueError):
        load_index(*row)
    if type(row[0]) is bytes and type(row[1]) is str:
        with pytest.raises(ValueError):
            folderindex._load_columns(*row)


@pytest.mark.parametrize(
    ("scanned", "kinds"),
    [(RECORD_KINDS, ("session",)), (("session",), RECORD_KINDS)],
    ids=["fewer kinds", "more kinds"],
)
@pytest.mark.parametrize("indexes", [False, True], ids=["cold", "indexed"])
def test_a_scan_for_other_kinds_taken_from_a_clean_scan_is_what_a_scan_finds(
    notes: Path, tmp_path: Path, scanned, kinds, indexes: bool, monkeypatch
):
    """A first run's companions (memo.py) need each client as a scan of other kinds
    finds it (``Reader.scan_as``): a clean scan's folders stand for one of fewer kinds,
    and for one of more with only the other folders listed. Either is what a scan of
    those kinds alone finds, fingerprint and all, with or without a prefetch (and the
    folders it defers); a client whose scan found a problem or a copy is scanned again."""
    odd_journal(notes, locked=False)
    journal = Journal(notes)
    when = datetime(2026, 3, 4, 18, tzinfo=TZ)
    for handle in ("mia-k", "tom-b", "eve-h", "ian-s", "kim-f", "lou-g"):  # a client.toml
        journal.add_homework(HomeworkEntry("", handle, "journal", when, "Sam", when, text="x"))
    if indexes:
        indexed(notes, tmp_path / "cache")
    again: list[str] = []
    rescan = Reader.rescan
    monkeypatch.setattr(
        Reader, "rescan", lambda self, handle, k: again.append(handle) or rescan(self, handle, k)
    )
    deferred = 0
    with Reader(notes, tmp_path / "cache") as r:
        assert r.cache is not None
        for handle in handles(notes):
            for pre in (None, prefetched(notes, handle)):
                r.cache.preload(handle, kinds=scanned)
                found = Scanner(notes, r.cache).client(handle, scanned, pre)
                deferred += bool(found.deferred)
                got = r.scan_as(found, scanned, kinds)
                r.cache.preload(handle, kinds=kinds)
                alone = Scanner(notes, r.cache).client(handle, kinds)
                assert got is not None
                assert got.fingerprint("p") == alone.fingerprint("p"), handle
                assert as_found(got) == as_found(alone), handle
    # A copy, a symlink, a stray file, an encrypted note in a plaintext journal.
    assert set(again) == {"ada-c", "ian-s", "mia-k", "zed-d"}
    assert bool(deferred) == indexes  # folders exactly as indexed, made into refs late
