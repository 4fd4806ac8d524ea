"""The store's safety promises (docs: /work/shared/design/reliability.md).

Everything here runs against a real folder under tmp_path. Faults are injected by
patching the ``os`` functions fsio calls (``os.link``, ``os.replace``, ``os.fsync``,
``os.write``, ``os.open``), never ``open`` itself, so the real files are what is
checked afterwards.
"""

from __future__ import annotations

import contextlib
import errno
import multiprocessing
import os
import stat
import sys
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from random import Random
from typing import Any

import pytest

from otjournal.cli import app
from otjournal.disk import fsio, tomlio
from otjournal.disk.store import Journal, validate_handle
from otjournal.errors import ConflictError, NotFoundError, StoreError, UsageError
from otjournal.model import HomeworkEntry, Session
from otjournal.model.ids import new_suffix, record_id
from tests.conftest import TZ, make_client, make_session
from tests.helpers import tree

START = datetime(2026, 3, 5, 14, 30, tzinfo=TZ)
NOTE_TEXT = "Laced two holes with the card"  # must never appear in an error message


# -- helpers -------------------------------------------------------------------


def temp_leftovers(root: Path) -> list[str]:
    """Names that look like fsio temp files (or any '.otj-' name) anywhere under root."""
    found = []
    for dirpath, dirnames, filenames in os.walk(root):
        for name in [*dirnames, *filenames]:
            if name.startswith(".otj-") or name.endswith(".part"):
                found.append(os.path.join(dirpath, name))
    return found


def fd_kind(fd: int) -> str:
    mode = os.fstat(fd).st_mode
    if stat.S_ISDIR(mode):
        return "dir"
    if stat.S_ISREG(mode):
        return "file"
    return "other"


def oserror(code: int) -> OSError:
    return OSError(code, os.strerror(code))


def expected_name(seed: int, when: datetime = START, skip: int = 0) -> str:
    """The file name add_session will try after ``skip`` collisions with Random(seed)."""
    rng = Random(seed)
    for _ in range(skip):
        new_suffix(rng)
    return f"{record_id(when, new_suffix(rng))}.toml"


class FixedRandom(Random):
    """A Random whose every choice is the first element: the same suffix every time."""

    def choice(self, seq):  # type: ignore[override]
        return seq[0]


@pytest.fixture
def seeded(journal: Journal) -> Journal:
    """A journal with one client and one session, so every folder already exists."""
    journal.add_client(make_client())
    journal.add_session(make_session(), rng=Random(1))
    return journal


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    folder = tmp_path / "outside"
    folder.mkdir()
    return folder


@pytest.fixture
def umask() -> Iterator[Callable[[int], None]]:
    old = os.umask(0o022)
    os.umask(old)
    try:
        yield lambda value: os.umask(value)
    finally:
        os.umask(old)


# -- fault installers ----------------------------------------------------------
# Each takes the monkeypatch and a list that records the calls it saw.

Fault = Callable[[pytest.MonkeyPatch, list], None]


def link_fails(code: int) -> Fault:
    def install(mp: pytest.MonkeyPatch, calls: list) -> None:
        def fake(*args: Any, **kwargs: Any) -> None:
            calls.append("link")
            raise oserror(code)

        mp.setattr(os, "link", fake)

    return install


def replace_fails(code: int) -> Fault:
    def install(mp: pytest.MonkeyPatch, calls: list) -> None:
        def fake(*args: Any, **kwargs: Any) -> None:
            calls.append("replace")
            raise oserror(code)

        mp.setattr(os, "replace", fake)

    return install


def write_fails(*, from_call: int = 1, returns_zero: bool = False) -> Fault:
    """os.write fails (EIO, or returns 0) from its ``from_call``-th call on."""

    def install(mp: pytest.MonkeyPatch, calls: list) -> None:
        real = os.write

        def fake(fd: int, data: Any) -> int:
            calls.append("write")
            if calls.count("write") >= from_call:
                if returns_zero:
                    return 0
                raise oserror(errno.EIO)
            return real(fd, data)

        mp.setattr(os, "write", fake)

    return install


def fsync_fails(kind: str, *, from_call: int = 1) -> Fault:
    """os.fsync fails with EIO on fds of ``kind`` ("file" or "dir"), from the n-th such call."""

    def install(mp: pytest.MonkeyPatch, calls: list) -> None:
        real = os.fsync

        def fake(fd: int) -> None:
            k = fd_kind(fd)
            calls.append(k)
            if k == kind and calls.count(k) >= from_call:
                raise oserror(errno.EIO)
            real(fd)

        mp.setattr(os, "fsync", fake)

    return install


def open_final_fails(code: int) -> Fault:
    """os.open fails for anything but a temp file (i.e. the fallback's exclusive create)."""

    def install(mp: pytest.MonkeyPatch, calls: list) -> None:
        real = os.open

        def fake(path: Any, flags: int, *args: Any, **kwargs: Any) -> int:
            if os.path.basename(os.fspath(path)).startswith(".otj-") or not flags & os.O_CREAT:
                return real(path, flags, *args, **kwargs)
            calls.append("open")
            raise oserror(code)

        mp.setattr(os, "open", fake)

    return install


def both(*faults: Fault) -> Fault:
    def install(mp: pytest.MonkeyPatch, calls: list) -> None:
        for f in faults:
            f(mp, calls)

    return install


CREATE_FAULTS = {
    "link-EIO": (link_fails(errno.EIO), os.strerror(errno.EIO)),
    "link-ENOSPC": (link_fails(errno.ENOSPC), os.strerror(errno.ENOSPC)),
    "write-EIO": (write_fails(), os.strerror(errno.EIO)),
    "write-returns-0": (write_fails(returns_zero=True), "short write"),
    "fsync-file": (fsync_fails("file"), os.strerror(errno.EIO)),
    # No hard links: the fallback writes the final name in place, then fails.
    "fallback-open-EACCES": (
        both(link_fails(errno.EPERM), open_final_fails(errno.EACCES)),
        os.strerror(errno.EACCES),
    ),
    "fallback-write-final": (
        both(link_fails(errno.EPERM), write_fails(from_call=2)),
        os.strerror(errno.EIO),
    ),
    "fallback-write-final-0": (
        both(link_fails(errno.EPERM), write_fails(from_call=2, returns_zero=True)),
        "short write",
    ),
    "fallback-fsync-final": (
        both(link_fails(errno.EPERM), fsync_fails("file", from_call=2)),
        os.strerror(errno.EIO),
    ),
}

REPLACE_FAULTS = {
    "replace-EIO": (replace_fails(errno.EIO), os.strerror(errno.EIO)),
    "replace-EXDEV": (replace_fails(errno.EXDEV), os.strerror(errno.EXDEV)),
    "write-EIO": (write_fails(), os.strerror(errno.EIO)),
    "write-returns-0": (write_fails(returns_zero=True), "short write"),
    "fsync-file": (fsync_fails("file"), os.strerror(errno.EIO)),
}


# -- 1. fault injection --------------------------------------------------------


@pytest.mark.parametrize("fault", list(CREATE_FAULTS), ids=list(CREATE_FAULTS))
def test_failed_session_save_leaves_folder_unchanged(
    seeded: Journal, notes: Path, monkeypatch: pytest.MonkeyPatch, fault: str
) -> None:
    install, reason = CREATE_FAULTS[fault]
    before = tree(notes)
    calls: list = []
    with monkeypatch.context() as mp:
        install(mp, calls)
        with pytest.raises(StoreError) as info:
            seeded.add_session(make_session(start=START.replace(hour=9)), rng=Random(2))
    assert calls, "the fault was never reached"
    assert not isinstance(info.value, ConflictError)
    message = str(info.value)
    assert reason in message
    assert NOTE_TEXT not in message
    assert tree(notes) == before
    assert temp_leftovers(notes) == []
    snap = seeded.load()
    assert len(snap.sessions) == 1 and snap.problems == []


def test_failed_file_fsync_is_not_retried(seeded: Journal, monkeypatch: pytest.MonkeyPatch):
    calls: list = []
    with monkeypatch.context() as mp:
        fsync_fails("file")(mp, calls)
        with pytest.raises(StoreError):
            seeded.add_session(make_session(start=START.replace(hour=9)))
    assert calls == ["file"]


@pytest.mark.parametrize("fault", list(REPLACE_FAULTS), ids=list(REPLACE_FAULTS))
def test_failed_client_replace_leaves_folder_unchanged(
    seeded: Journal, notes: Path, monkeypatch: pytest.MonkeyPatch, fault: str
) -> None:
    install, reason = REPLACE_FAULTS[fault]
    client, fp = seeded.read_client("mia-k")
    before = tree(notes)
    calls: list = []
    with monkeypatch.context() as mp:
        install(mp, calls)
        with pytest.raises(StoreError) as info:
            seeded.save_client(replace(client, display_name="Mia Kowalski"), fp)
    assert calls, "the fault was never reached"
    assert not isinstance(info.value, ConflictError)
    assert reason in str(info.value)
    assert tree(notes) == before
    assert temp_leftovers(notes) == []
    # The old fingerprint is still good: nothing changed, so trying again works.
    seeded.save_client(replace(client, display_name="Mia Kowalski"), fp)
    assert seeded.read_client("mia-k")[0].display_name == "Mia Kowalski"


def test_failed_folder_fsync_after_session_publish(
    seeded: Journal, notes: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Only the directory fsync fails, after the new name was linked in.

    Expectation (reliability.md, "How they test it": the folder fsync fails in turn ->
    a clear error, the folder unchanged, no temp left, the draft kept): the caller is
    told the save failed and keeps the draft, so the published name must be taken back;
    otherwise saving again makes a second copy of the same session under another id.
    """
    before = tree(notes)
    calls: list = []
    with monkeypatch.context() as mp:
        fsync_fails("dir")(mp, calls)
        with pytest.raises(StoreError) as info:
            seeded.add_session(make_session(start=START.replace(hour=9)), rng=Random(2))
    assert calls == ["file", "dir"]
    assert os.strerror(errno.EIO) in str(info.value)
    assert temp_leftovers(notes) == []
    assert tree(notes) == before, "a session is on disk although saving reported failure"


def test_failed_folder_fsync_after_client_replace(
    seeded: Journal, notes: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Only the directory fsync fails, after os.replace already swapped the file.

    The error says "the previous file is unchanged": that must be true.
    """
    client, fp = seeded.read_client("mia-k")
    before = tree(notes)
    calls: list = []
    with monkeypatch.context() as mp:
        fsync_fails("dir")(mp, calls)
        with pytest.raises(StoreError) as info:
            seeded.save_client(replace(client, display_name="Mia Kowalski"), fp)
    assert calls == ["file", "dir"]
    assert temp_leftovers(notes) == []
    if "unchanged" in str(info.value):
        assert tree(notes) == before, f"the error says {info.value} but client.toml changed"


def test_partial_writes_are_completed(seeded: Journal, monkeypatch: pytest.MonkeyPatch):
    real = os.write
    sizes = []

    def dribble(fd: int, data: Any) -> int:
        sizes.append(len(data))
        return real(fd, bytes(data[:7]))

    with monkeypatch.context() as mp:
        mp.setattr(os, "write", dribble)
        saved = seeded.add_session(make_session(start=START.replace(hour=9)))
    assert len(sizes) > 10
    assert Session.from_dict(tomlio.parse(saved.path.read_bytes())) == saved.record
    assert seeded.load().problems == []


# -- 2. no hard links ------------------------------------------------------------


@pytest.mark.parametrize(
    "code",
    [errno.EPERM, errno.ENOTSUP, errno.EXDEV, errno.EMLINK, errno.EINVAL, errno.ENOSYS],
    ids=errno.errorcode.get,
)
def test_no_hard_links_falls_back_to_exclusive_create(
    journal: Journal, notes: Path, monkeypatch: pytest.MonkeyPatch, code: int
) -> None:
    calls: list = []
    link_fails(code)(monkeypatch, calls)
    journal.add_client(make_client())
    saved = journal.add_session(make_session(), rng=Random(3))
    assert "link" in calls
    assert saved.path.name == expected_name(3)
    assert stat.S_IMODE(os.lstat(saved.path).st_mode) == 0o600
    assert stat.S_ISREG(os.lstat(saved.path).st_mode)
    record = Session.from_dict(tomlio.parse(saved.path.read_bytes()))
    assert record == saved.record and record.id == saved.path.stem
    snap = journal.load()
    assert [s.record for s in snap.sessions] == [saved.record]
    assert snap.problems == []
    assert temp_leftovers(notes) == []


# -- 3. name collisions ------------------------------------------------------------


def test_taken_name_moves_to_the_next(journal: Journal, notes: Path) -> None:
    journal.add_client(make_client())
    folder = notes / "clients" / "mia-k" / "sessions"
    folder.mkdir(mode=0o700)
    taken = folder / expected_name(5)
    taken.write_bytes(b"not mine\n")
    saved = journal.add_session(make_session(), rng=Random(5))
    assert saved.path.name == expected_name(5, skip=1)
    assert saved.record.id == saved.path.stem
    assert taken.read_bytes() == b"not mine\n"
    assert Session.from_dict(tomlio.parse(saved.path.read_bytes())) == saved.record


def test_same_rng_twice_never_overwrites(journal: Journal) -> None:
    journal.add_client(make_client())
    first = journal.add_session(make_session(), rng=Random(9))
    first_bytes = first.path.read_bytes()
    second = journal.add_session(make_session(duration_min=30), rng=Random(9))
    assert first.path.name == expected_name(9)
    assert second.path.name == expected_name(9, skip=1)
    assert first.path.read_bytes() == first_bytes
    snap = journal.load()
    assert sorted(s.record.duration_min for s in snap.sessions) == [30, 45]
    assert snap.problems == []


def test_no_free_name_is_an_error(journal: Journal, notes: Path) -> None:
    journal.add_client(make_client())
    journal.add_session(make_session(), rng=FixedRandom())
    before = tree(notes)
    with pytest.raises(StoreError, match="free file name"):
        journal.add_session(make_session(), rng=FixedRandom())
    assert tree(notes) == before
    assert temp_leftovers(notes) == []


# -- 4. many writers at the same instant -----------------------------------------


def _concurrent_writer(root: str, barrier: Any, seed: int | None, results: Any) -> None:
    journal = Journal(Path(root))
    rng = Random(seed) if seed is not None else None
    barrier.wait(timeout=30)
    saved = journal.add_session(make_session(start=START), rng=rng)
    results.put(saved.path.name)


@pytest.mark.parametrize("seed", [None, 11], ids=["random-suffix", "same-seed-everywhere"])
def test_eight_processes_same_instant(journal: Journal, notes: Path, seed: int | None) -> None:
    journal.add_client(make_client())
    method = "fork" if sys.platform.startswith("linux") else "spawn"
    ctx = multiprocessing.get_context(method)
    n = 8
    barrier = ctx.Barrier(n)
    results = ctx.Queue()
    procs = [
        ctx.Process(target=_concurrent_writer, args=(str(notes), barrier, seed, results))
        for _ in range(n)
    ]
    for p in procs:
        p.start()
    names = [results.get(timeout=60) for _ in range(n)]
    for p in procs:
        p.join(timeout=60)
    assert [p.exitcode for p in procs] == [0] * n
    assert len(set(names)) == n
    folder = notes / "clients" / "mia-k" / "sessions"
    assert sorted(os.listdir(folder)) == sorted(names)
    if seed is not None:  # every writer walked the same names: they took the first eight
        assert sorted(names) == sorted(expected_name(seed, skip=i) for i in range(n))
    snap = journal.load()
    assert len(snap.sessions) == n
    assert len({s.record.id for s in snap.sessions}) == n
    assert snap.problems == []
    assert temp_leftovers(notes) == []


# -- 5. hostile handles --------------------------------------------------------------

HOSTILE = [
    "../x",
    "../../x",
    "../../../x",
    "/etc/passwd",
    "a/b",
    "a\\b",
    "CON",
    "con",
    "nul",
    "com1",
    "lpt9",
    "a\x00b",
    "a" * 300,
    "a" * 41,
    "．．",
    "ｍｉａ",
    "",
    ".",
    "..",
    "Mia",
    "-mia",
    "mia\n",
    "mia k",
    "mia.toml",
    "mía",
]


def handle_id(handle: str) -> str:
    return repr(handle) if len(handle) <= 20 else f"{len(handle)}-chars"


@pytest.mark.parametrize("handle", HOSTILE, ids=handle_id)
def test_hostile_handle_refused_by_store(journal: Journal, tmp_path: Path, handle: str) -> None:
    before = tree(tmp_path)
    passwd = os.stat("/etc/passwd") if os.path.exists("/etc/passwd") else None
    with pytest.raises(UsageError):
        validate_handle(handle)
    with pytest.raises(UsageError):
        journal.add_client(make_client(handle))
    with pytest.raises(UsageError):
        journal.add_session(make_session(client=handle))
    with pytest.raises(UsageError):
        journal.read_client(handle)
    assert tree(tmp_path) == before
    assert not (tmp_path.parent / "x").exists()
    if passwd is not None:
        assert os.stat("/etc/passwd").st_mtime_ns == passwd.st_mtime_ns


@pytest.mark.parametrize("style", ["plain", "after-double-dash"])
@pytest.mark.parametrize("handle", HOSTILE, ids=handle_id)
def test_hostile_handle_refused_by_cli(runner, tmp_path: Path, handle: str, style: str) -> None:
    before = tree(tmp_path)
    if style == "plain":
        argv = ["client", "add", handle, "--name", "X"]
    else:
        argv = ["client", "add", "--name", "X", "--", handle]
    result = runner.invoke(app, argv)
    assert result.exit_code == 2, result.output
    if style == "after-double-dash":  # our own refusal, not Click's
        assert "client handle" in result.output or "reserved" in result.output
    assert "Traceback" not in result.output
    assert tree(tmp_path) == before


@pytest.mark.parametrize("handle", ["mia-k", "0", "a" * 40, "k9-2"])
def test_good_handles_accepted(journal: Journal, notes: Path, handle: str) -> None:
    assert validate_handle(handle) == handle
    path = journal.add_client(make_client(handle))
    assert path == notes / "clients" / handle / "client.toml"


# -- 6. permissions ------------------------------------------------------------------


@pytest.mark.parametrize("fallback", [False, True], ids=["link", "no-hard-links"])
@pytest.mark.parametrize("mask", [0o022, 0o002, 0o000], ids=oct)
def test_private_modes_whatever_the_umask(
    journal: Journal,
    notes: Path,
    umask: Callable[[int], None],
    monkeypatch: pytest.MonkeyPatch,
    mask: int,
    fallback: bool,
) -> None:
    if fallback:
        link_fails(errno.EPERM)(monkeypatch, [])
    umask(mask)
    journal.add_client(make_client())
    journal.add_session(make_session())
    journal.add_homework(
        HomeworkEntry(
            id="",
            client="mia-k",
            entry_kind="journal",
            at=START,
            written_by="Sarah",
            written_at=START,
            text="Practised lacing",
        )
    )
    client, fp = journal.read_client("mia-k")
    journal.save_client(replace(client, display_name="Mia Kowalski"), fp)

    seen = {"dir": 0, "file": 0}
    assert stat.S_IMODE(os.lstat(notes).st_mode) == 0o700
    for rel, entry in tree(notes).items():
        if entry[0] == "dir":
            seen["dir"] += 1
            assert entry[1] == 0o700, rel
        else:
            seen["file"] += 1
            assert entry[0] == "file" and entry[2] == 0o600, rel
    # clients, mia-k, sessions, homework; .otjournal/seals and the session's seal log
    assert seen == {"dir": 6, "file": 4}
    assert journal.permission_problems() == []


# -- 7. planted symlinks -------------------------------------------------------------


@pytest.mark.parametrize("kind", ["sessions", "homework"])
@pytest.mark.parametrize("dangling", [False, True], ids=["to-folder", "dangling"])
def test_symlinked_record_folder_is_refused(
    journal: Journal, notes: Path, outside: Path, tmp_path: Path, kind: str, dangling: bool
) -> None:
    journal.add_client(make_client())
    target = outside / "elsewhere" if dangling else outside
    (notes / "clients" / "mia-k" / kind).symlink_to(target, target_is_directory=True)
    before_all = tree(tmp_path)
    with pytest.raises(StoreError) as info:
        if kind == "sessions":
            journal.add_session(make_session())
        else:
            journal.add_homework(
                HomeworkEntry("", "mia-k", "journal", START, "Sarah", START, text="hi")
            )
    assert "outside the notes folder" in str(info.value) or "symlink" in str(info.value)
    assert tree(tmp_path) == before_all
    assert list(outside.iterdir()) == []


def test_symlinked_client_folder_is_refused(
    journal: Journal, notes: Path, outside: Path, tmp_path: Path
) -> None:
    journal.add_client(make_client("other"))
    # A whole client folder that lives outside, with a valid client.toml.
    (outside / "client.toml").write_bytes(tomlio.dumps(make_client().to_dict()))
    (notes / "clients" / "mia-k").symlink_to(outside, target_is_directory=True)
    before_all = tree(tmp_path)
    with pytest.raises(StoreError):
        journal.add_session(make_session())
    assert tree(tmp_path) == before_all


def test_symlink_inside_the_notes_folder_is_refused(journal: Journal, notes: Path) -> None:
    journal.add_client(make_client("other"))
    journal.add_session(make_session(client="other"))
    journal.add_client(make_client())
    other = notes / "clients" / "other" / "sessions"
    (notes / "clients" / "mia-k" / "sessions").symlink_to(other, target_is_directory=True)
    before = tree(notes)
    with pytest.raises(StoreError, match="symlink"):
        journal.add_session(make_session())
    assert tree(notes) == before


@pytest.mark.parametrize("fallback", [False, True], ids=["link", "no-hard-links"])
@pytest.mark.parametrize("dangling", [False, True], ids=["to-file", "dangling"])
def test_symlink_at_the_final_name_is_not_followed(
    journal: Journal,
    notes: Path,
    outside: Path,
    monkeypatch: pytest.MonkeyPatch,
    dangling: bool,
    fallback: bool,
) -> None:
    if fallback:
        link_fails(errno.EPERM)(monkeypatch, [])
    journal.add_client(make_client())
    folder = notes / "clients" / "mia-k" / "sessions"
    folder.mkdir(mode=0o700)
    target = outside / "target.toml"
    if not dangling:
        target.write_bytes(b"# outside\n")
    planted = folder / expected_name(21)
    planted.symlink_to(target)

    saved = journal.add_session(make_session(), rng=Random(21))

    assert saved.path.name == expected_name(21, skip=1)
    assert planted.is_symlink() and os.readlink(planted) == str(target)
    if dangling:
        assert not os.path.lexists(target)
    else:
        assert target.read_bytes() == b"# outside\n"
    assert sorted(p.name for p in outside.iterdir()) == ([] if dangling else ["target.toml"])
    assert stat.S_ISREG(os.lstat(saved.path).st_mode)
    snap = journal.load()
    assert [s.record for s in snap.sessions] == [saved.record]
    assert [p.path for p in snap.problems] == [planted]  # reported, never read
    assert temp_leftovers(notes) == []


# -- 8. replace only what was read ---------------------------------------------------


def test_client_changed_on_disk_same_size_is_a_conflict(seeded: Journal, notes: Path) -> None:
    client, fp = seeded.read_client("mia-k")
    path = notes / "clients" / "mia-k" / "client.toml"
    raw = path.read_bytes()
    changed = raw.replace(b'"Mia K."', b'"Mia Q."')
    assert changed != raw and len(changed) == len(raw)
    st = os.stat(path)
    path.write_bytes(changed)
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))  # even with the same mtime
    before = tree(notes)
    with pytest.raises(ConflictError) as info:
        seeded.save_client(replace(client, display_name="Someone else"), fp)
    assert "changed on disk" in str(info.value)
    assert path.read_bytes() == changed
    assert tree(notes) == before
    assert temp_leftovers(notes) == []


def test_client_deleted_on_disk_is_a_conflict(seeded: Journal, notes: Path) -> None:
    client, fp = seeded.read_client("mia-k")
    path = notes / "clients" / "mia-k" / "client.toml"
    path.unlink()
    before = tree(notes)
    with pytest.raises(ConflictError):
        seeded.save_client(replace(client, display_name="Someone else"), fp)
    assert not os.path.lexists(path)
    assert tree(notes) == before


def test_client_swapped_for_a_symlink_is_refused(
    seeded: Journal, notes: Path, outside: Path
) -> None:
    """Same bytes, but client.toml is now a symlink out of the folder: refuse, cleanly."""
    client, fp = seeded.read_client("mia-k")
    path = notes / "clients" / "mia-k" / "client.toml"
    copy = outside / "client.toml"
    copy.write_bytes(path.read_bytes())
    path.unlink()
    path.symlink_to(copy)
    before = tree(notes)
    with pytest.raises(StoreError):
        seeded.save_client(replace(client, display_name="Someone else"), fp)
    assert tree(notes) == before
    assert copy.read_bytes() == tomlio.dumps(make_client().to_dict())


def test_second_writer_with_a_stale_read_gets_a_conflict(seeded: Journal, notes: Path) -> None:
    client_a, fp_a = seeded.read_client("mia-k")
    client_b, fp_b = seeded.read_client("mia-k")
    seeded.save_client(replace(client_a, display_name="From A"), fp_a)
    saved = (notes / "clients" / "mia-k" / "client.toml").read_bytes()
    with pytest.raises(ConflictError):
        seeded.save_client(replace(client_b, display_name="From B"), fp_b)
    assert (notes / "clients" / "mia-k" / "client.toml").read_bytes() == saved
    assert seeded.read_client("mia-k")[0].display_name == "From A"


# -- 9. reads never create the folder -------------------------------------------------


def test_load_of_a_missing_folder_creates_nothing(tmp_path: Path) -> None:
    root = tmp_path / "does-not-exist"
    journal = Journal(root)
    snap = journal.load()
    assert snap.clients == {} and snap.sessions == [] and snap.homework == []
    assert snap.problems == []
    assert journal.client_handles() == []
    assert journal.permission_problems() == []
    assert not journal.exists()
    with pytest.raises(NotFoundError):
        journal.read_client("mia-k")
    with pytest.raises(NotFoundError):
        journal.add_session(make_session())
    assert not os.path.lexists(root)


@pytest.mark.parametrize(
    "argv", [["list"], ["client", "list"], ["check"], ["path"], ["list", "--json"]]
)
def test_read_commands_create_nothing(runner, notes: Path, argv: list[str]) -> None:
    result = runner.invoke(app, argv)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert not os.path.lexists(notes)


@pytest.mark.parametrize("fallback", [False, True], ids=["link", "no-hard-links"])
def test_a_streamed_file_is_published_whole_or_not_at_all(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fallback: bool
) -> None:
    """``create_named_streamed`` (export -o): the bytes are never held whole, the name is
    never overwritten, and no temporary file is left, with or without hard links."""
    if fallback:
        link_fails(errno.EPERM)(monkeypatch, [])
    chunk = bytes(range(256)) * 4096  # 1 MiB, written five times

    def fill(fh: Any) -> None:
        for _ in range(5):
            fh.write(chunk)

    folder = tmp_path / "out"
    folder.mkdir()
    made = fsio.create_named_streamed(folder, "out.csv", fill)
    assert made == folder / "out.csv"
    assert made.read_bytes() == chunk * 5
    assert stat.S_IMODE(made.stat().st_mode) == 0o600
    assert fsio.create_named_streamed(folder, "out.csv", fill) is None  # taken
    assert made.read_bytes() == chunk * 5
    assert sorted(p.name for p in folder.iterdir()) == ["out.csv"]


# -- two writers of one file at once: the second stops (reliability.md) ------------------


def test_a_second_writer_waits_for_the_first_and_then_stops(tmp_path: Path, monkeypatch):
    """Both read the file before either writes. The first is held between its check and
    its replace; the second must not pass its own check meanwhile (the file is still
    what it read), or the first one's change would be overwritten and lost."""
    import threading

    path = tmp_path / "client.toml"
    path.write_bytes(b"v = 0\n")
    seen = [fsio.read_with_fingerprint(path, 1000)[1] for _ in range(2)]
    checked, go = threading.Event(), threading.Event()
    real = fsio._temp_file

    @contextlib.contextmanager
    def slow(folder: Path, data: bytes, durable: bool) -> Iterator[Path]:
        if data == b"v = 1\n":  # the first writer, past its check
            checked.set()
            assert go.wait(10)
        with real(folder, data, durable) as tmp:
            yield tmp

    monkeypatch.setattr(fsio, "_temp_file", slow)
    outcome: dict[str, object] = {}

    def write(n: int) -> None:
        try:
            fsio.replace_checked(path, f"v = {n}\n".encode(), seen[n - 1], 1000)
            outcome[str(n)] = "saved"
        except ConflictError as exc:
            outcome[str(n)] = exc.message

    first = threading.Thread(target=write, args=(1,))
    first.start()
    assert checked.wait(10)
    second = threading.Thread(target=write, args=(2,))
    second.start()
    second.join(0.5)
    assert second.is_alive()  # waiting for the lock, not past a stale check
    go.set()
    first.join(10)
    second.join(10)
    assert outcome["1"] == "saved"
    assert "changed on disk since it was read" in str(outcome["2"])
    assert path.read_bytes() == b"v = 1\n"  # the first writer's change is kept


def test_goals_added_by_processes_at_once_are_each_kept_or_refused(runner, journal, notes):
    """As a person would hit it: several 'otj goal add' at once. Every one that says
    'Added' is in client.toml; the others say the file changed and keep nothing."""
    import subprocess

    journal.add_client(make_client(goals=()))
    env = {**os.environ, "OTJOURNAL_DIR": str(notes)}
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "otjournal",
                "goal",
                "add",
                "mia-k",
                "--text",
                f"Goal {n}",
                "--baseline",
                "-2",
                "--no-input",
            ],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(6)
    ]
    said = [p.communicate(timeout=60) for p in procs]
    added = [out for out, _ in said if out.startswith("Added goal")]
    refused = [err for _, err in said if "changed on disk since it was read" in err]
    assert len(added) + len(refused) == 6, said
    kept = (notes / "clients" / "mia-k" / "client.toml").read_text("utf-8").count('text = "Goal')
    assert kept == len(added) >= 1
