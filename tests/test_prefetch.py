"""The prefetch (disk/prefetch.py): a second process lists and stats the notes while the
command loads, and a scan given its findings finds exactly what it finds on its own, in
a folder holding every kind of odd file; the commands that use it say the same with it
and without it, run as a person runs them."""

from __future__ import annotations

import contextlib
import json
import mmap
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from otjournal.disk import prefetch
from otjournal.disk.found import ClientFiles
from otjournal.disk.layout import CLIENT_AGE, CLIENT_FILE, CLIENTS, FOLDERS, RECORD_KINDS
from otjournal.disk.scan import Scanner, handles
from otjournal.disk.store import Journal
from tests.conftest import make_client, make_session

COPY = "2026-03-02_1000_abcde.sync-conflict-20260302-101500-ABCDEFG.toml"


def odd_journal(notes: Path, locked: bool) -> None:
    """Clients whose folders hold a hidden note, a symlink, a folder named like a note,
    a sync tool's copy, a note others may read, encrypted files in a plaintext journal
    (or plaintext ones in an encrypted journal), a records folder that is a file, a
    folder in a records folder, and a client with no client.toml; and plain ones."""
    journal = Journal(notes)
    for handle in ("mia-k", "tom-b", "ada-c", "zed-d", "eve-h", "ian-s", "kim-f", "lou-g"):
        journal.add_client(make_client(handle))
        journal.add_session(make_session(client=handle))
    ending = ".toml.age" if locked else ".toml"
    plain = notes / CLIENTS / "tom-b" / "sessions"
    for n in range(3):
        (plain / f"2026-03-0{n + 3}_1000_xy{n}ab{ending}").write_text("x")
    # Each of these alone makes its folder one the scan reads itself.
    (notes / CLIENTS / "eve-h" / "sessions" / f".hidden{ending}").write_text("x")
    (notes / CLIENTS / "ian-s" / "sessions" / f"link{ending}").symlink_to(next(plain.iterdir()))
    (notes / CLIENTS / "kim-f" / "sessions" / f"folder{ending}").mkdir()
    (notes / CLIENTS / "lou-g" / "sessions" / "old").mkdir()  # 'check' must look inside
    (notes / CLIENTS / "lou-g" / "sessions" / "old" / f"kept{ending}").write_text("x")
    # These are prefetched, and the scan sets them aside or says so as it would.
    odd = notes / CLIENTS / "mia-k" / "sessions"
    (odd / COPY).write_text("x")
    (odd / "2026-03-09_1000_wide1.toml").write_text("x")
    (odd / "2026-03-09_1000_wide1.toml").chmod(0o644)
    (odd / "2026-03-10_1000_enc01.toml.age").write_text("x")
    (odd / "2026-03-11_1000_enc02.toml").write_text("x")
    (odd / "odd.age").write_text("x")
    (odd / "notes.txt").write_text("not a note")
    ada = notes / CLIENTS / "ada-c"
    (ada / "homework").write_text("a file where a folder should be")
    (ada / "2026-01-01_0900_stray.toml").write_text("x")
    (ada / "client.toml.sync-conflict-20260302-101500-ABCDEFG.toml").write_text("x")
    (notes / CLIENTS / "zed-d" / CLIENT_FILE).unlink()
    (notes / CLIENTS / "zed-d" / CLIENT_AGE).write_text("x")
    (notes / CLIENTS / "Not A Handle").mkdir()


def as_found(found: ClientFiles) -> tuple[object, ...]:
    return (
        found.handle,
        [(f.kind, f.where, f.key, f.meta) for f in found.files],
        [(str(p.path), p.message, p.severity, p.hint) for p in found.problems],
        [(c.path, c.original, c.tool) for c in found.conflicts],
        sorted(found.wide),
        sorted(found.listed),
        found.folder_parts(),  # so the two make the same fingerprints
    )


def prefetched(root: Path, handle: str) -> prefetch.Prefetched:
    """What the child sends of one client and the scan is given, through the same
    encoding (its own functions, without the fork)."""
    folder = f"{root}/{CLIENTS}/{handle}"
    records = {}
    for kind in RECORD_KINDS:
        stated = prefetch._stated(f"{folder}/{FOLDERS[kind]}")
        frames = None if stated is None else prefetch._frames(stated)
        if stated is not None and frames is not None:
            records[kind] = prefetch.Frames(len(stated), *frames)
            assert records[kind].notes() == stated
    keys = [prefetch._key(f"{folder}/{name}") for name in (CLIENT_AGE, CLIENT_FILE)]
    age, toml = json.loads(json.dumps(keys))
    return prefetch.Prefetched(
        None if age is None else tuple(age),
        None if toml is None else tuple(toml),
        json.loads(json.dumps(os.listdir(folder))),
        records,
    )


@pytest.mark.parametrize("locked", [False, True])
@pytest.mark.parametrize("kinds", [RECORD_KINDS, ("session",)])
def test_a_scan_given_a_prefetch_finds_what_it_finds_alone(
    notes: Path, locked: bool, kinds: tuple[str, ...]
):
    odd_journal(notes, locked)
    taken = 0
    for handle in handles(notes):
        alone = Scanner(notes, None, locked).client(handle, kinds)
        part = prefetched(notes, handle)
        taken += len(part.records)
        given = Scanner(notes, None, locked).client(handle, kinds, part)
        assert as_found(given) == as_found(alone), handle
    # The odd folders were left to the scan; the others came from the prefetch.
    odd = ("eve-h", "ian-s", "kim-f", "lou-g")
    for handle in odd:
        assert prefetched(notes, handle).records.get("session") is None, handle
    assert prefetched(notes, "mia-k").records["session"].count == 6
    # A file in a records folder's place is the scan's to say (an error: its notes are
    # gone from every command), not taken as a missing folder.
    assert prefetched(notes, "ada-c").records.get("homework") is None
    assert taken == 2 * len(handles(notes)) - len(odd) - 1


# -- the commands, as a person runs them ------------------------------------------

COUNTING = """
import sys
from otjournal.disk import prefetch
taken = []
real = prefetch.Ahead.take
def take(self, handle):
    part = real(self, handle)
    taken.append(part is not None)
    return part
prefetch.Ahead.take = take
import atexit
atexit.register(lambda: print("TAKEN", sum(taken), len(taken), file=sys.stderr))
sys.argv = ["otj", *sys.argv[1:]]
from otjournal.cli import main
main()
"""

COMMANDS = [
    ["check", "--json"],
    ["list", "-n", "5"],
    ["trends"],
    ["trends", "--since", "2026-01-01"],
    ["search", "swing"],
    ["export", "--format", "csv"],
    ["export", "--format", "json", "--table", "homework"],
    ["due", "--json"],
    ["client", "list"],
    ["conflicts"],
    ["doctor", "--json"],
]


def run(args: list[str], **env: str) -> tuple[int, str, str, str]:
    done = subprocess.run(
        [sys.executable, "-c", COUNTING, *args],
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        timeout=120,
    )
    lines = done.stderr.splitlines()
    counts = [line for line in lines if line.startswith("TAKEN ")]
    said = "\n".join(line for line in lines if not line.startswith("TAKEN "))
    return done.returncode, done.stdout, said, counts[0] if counts else "TAKEN 0 0"


@pytest.fixture(scope="module")
def demo_notes(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("prefetch") / "notes"
    done = subprocess.run(
        [sys.executable, "-m", "otjournal", "demo", "--dir", str(root), "--end", "2026-11-30"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    sessions = next((root / CLIENTS).iterdir()) / "sessions"
    (sessions / COPY).write_text("x")  # a conflict copy: a problem every command reports
    return root


@pytest.mark.parametrize("args", COMMANDS, ids=" ".join)
@pytest.mark.parametrize("cache", ["cold", "warm"])
def test_each_command_says_the_same_with_and_without_the_prefetch(
    demo_notes: Path, args: list[str], cache: str, monkeypatch, tmp_path: Path
):
    monkeypatch.setenv("OTJOURNAL_DIR", str(demo_notes))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    if cache == "warm":
        run(args)
    code, out, said, taken = run(args)
    clients = len(handles(demo_notes))
    assert taken == f"TAKEN {clients} {clients}", said  # every client's part was used
    off = run(args, OTJOURNAL_NO_PREFETCH="1")
    assert off[3] == "TAKEN 0 0"
    assert (code, out, said) == off[:3]
    assert out


def test_one_clients_trends_and_a_named_client_start_no_prefetch(demo_notes: Path, monkeypatch):
    monkeypatch.setenv("OTJOURNAL_DIR", str(demo_notes))
    handle = handles(demo_notes)[0]
    for args in (["trends", handle], ["list", "--client", handle], ["report", handle]):
        assert run(args)[3] == "TAKEN 0 0", args


def test_what_is_prefetched_for_which_command():
    both, sessions = prefetch.BOTH, prefetch.SESSION_ONLY
    assert prefetch._wanted(["check"]) == (None, both)
    assert prefetch._wanted(["check", "--dir", "x"]) == ("x", both)
    assert prefetch._wanted(["export", "--dir=y", "--format", "csv"]) == ("y", both)
    assert prefetch._wanted(["trends", "--since", "2026-01-01"]) == (None, sessions)
    assert prefetch._wanted(["client", "list", "--json"]) == (None, sessions)
    assert prefetch._wanted(["conflicts", "--json"]) == (None, both)
    assert prefetch._wanted(["doctor", "--fix"]) == (None, both)
    assert prefetch._wanted(["show", "6es3k"]) == (None, sessions)  # any client's
    assert prefetch._wanted(["amend", "6es3k", "--text", "x"]) == (None, sessions)
    for args in (
        ["trends", "mia-k"],
        ["list", "--client", "a"],
        ["search", "--client=a", "x"],
        ["conflicts", "resolve", "x", "--keep", "both"],
        ["show", "mia-k/2026-03-05_1430_k3f9q"],  # one client's, as the file is named
        ["amend", "--resume"],  # a draft knows its note
    ):
        assert prefetch._wanted(args) is None
    for args in (["check", "--help"], ["log"], ["client", "show"], [], ["--dir", "x", "check"]):
        assert prefetch._wanted(args) is None


@pytest.mark.parametrize(
    ("option", "env"),
    [
        ("/n/notes", ""),
        (None, "/n/notes"),
        (None, "  /n/notes  "),
        ("~/notes", "/elsewhere"),
        ("/n/notes/", ""),
        ("/n//notes", ""),
        ("/n/./notes", ""),
        ("/n/x/../notes", ""),
        ("notes", ""),
        ("./notes", ""),
        ("", "/n/notes"),
        (None, ""),
    ],
)
def test_the_child_names_the_notes_folder_as_the_command_does(option, env, monkeypatch):
    """The child names the folder without loading pathlib where it can; whatever the
    form given, its name is the one the scan compares it with (else the prefetch would
    never be taken, though it would do no harm)."""
    from otjournal.paths import notes_dir

    monkeypatch.setenv("HOME", "/home/someone")
    monkeypatch.setenv("OTJOURNAL_DIR", env)
    assert prefetch._root(option) == str(notes_dir(option, os.environ))


def test_a_scan_takes_a_prefetch_only_of_its_own_folder_clients_and_kinds(notes: Path, monkeypatch):
    odd_journal(notes, locked=False)
    monkeypatch.setenv("OTJOURNAL_DIR", str(notes))
    everyone = handles(notes)
    cases = [
        (str(notes), everyone, ("session",), prefetch.BOTH, True),
        (str(notes), everyone, prefetch.BOTH, prefetch.BOTH, True),
        (str(notes), everyone, prefetch.BOTH, ("session",), False),  # homework not stat'ed
        (str(notes), everyone[1:], ("session",), prefetch.BOTH, False),  # other clients
        (str(notes / "elsewhere"), [], ("session",), prefetch.BOTH, False),  # another folder
    ]
    outcomes = []
    for root, chosen, kinds, stated, _ in cases:
        prefetch.start(["check"] if stated == prefetch.BOTH else ["list"])
        ahead = prefetch.claim(root, chosen, kinds, locked=False)
        outcomes.append(ahead is not None)
        if ahead is not None:
            parts = [ahead.take(h) for h in chosen]
            assert all(p is not None for p in parts)
            ahead.close()
        assert prefetch.claim(root, chosen, kinds, locked=False) is None  # the first scan took it
    assert outcomes == [taken for *_, taken in cases]


def test_client_toml_age_is_stated_only_in_an_encrypted_journal(notes: Path, monkeypatch):
    """A plaintext journal's scan never asks for client.toml.age, so the child does not
    stat it; a scan of an encrypted journal takes no prefetch made without it (the
    journal was encrypted as the command began), and one made with it has it."""
    odd_journal(notes, locked=False)
    monkeypatch.setenv("OTJOURNAL_DIR", str(notes))
    everyone = handles(notes)

    def taken(locked: bool) -> dict[str, prefetch.Prefetched] | None:
        prefetch.start(["list"])
        ahead = prefetch.claim(str(notes), everyone, ("session",), locked=locked)
        if ahead is None:
            return None
        try:
            parts = {h: ahead.take(h) for h in everyone}
        finally:
            ahead.close()
        assert all(p is not None for p in parts.values())
        return parts  # type: ignore[return-value]

    plain = taken(False)
    assert plain is not None
    others = [part for handle, part in plain.items() if handle != "zed-d"]
    assert all(p.age_key is None and p.toml_key is not None for p in others)
    assert plain["zed-d"].age_key is None  # there, but not asked for
    assert taken(True) is None
    (notes / ".otjournal").mkdir(exist_ok=True)
    (notes / ".otjournal" / "recipients.txt").write_text("age1example\n")
    locked = taken(True)
    assert locked is not None
    assert locked["zed-d"].age_key is not None and locked["zed-d"].toml_key is None


def test_a_child_that_ends_early_leaves_the_scan_to_read_alone(notes: Path, monkeypatch):
    odd_journal(notes, locked=False)
    monkeypatch.setenv("OTJOURNAL_DIR", str(notes))
    parent, real = os.getpid(), prefetch._stated

    def dies_in_the_child(folder: str) -> list[prefetch.Stated] | None:
        if os.getpid() != parent:
            os._exit(0)  # mid-walk, after the header
        return real(folder)

    monkeypatch.setattr(prefetch, "_stated", dies_in_the_child)
    prefetch.start(["check"])
    everyone = handles(notes)
    ahead = prefetch.claim(str(notes), everyone, prefetch.BOTH, locked=False)
    assert ahead is not None  # the header came before the walk
    parts = [ahead.take(h) for h in everyone]
    # The parent may stat clients itself until it sees the pipe end; from then on every
    # client is left to the scan.
    ended = parts.index(None) if None in parts else len(parts)
    assert all(part is None for part in parts[ended:])
    for handle, part in zip(everyone[:ended], parts, strict=False):
        alone = Scanner(notes, None).client(handle, prefetch.BOTH)
        assert as_found(Scanner(notes, None).client(handle, prefetch.BOTH, part)) == as_found(alone)


def test_a_parent_that_catches_up_stats_from_the_end(notes: Path, monkeypatch):
    """The pipe holds the first clients only (the child is slow): the parent stats the
    rest itself, from the last, and finds what the child would have sent."""
    odd_journal(notes, locked=False)
    root, everyone = str(notes), handles(notes)
    folders = sorted(p.name for p in (notes / CLIENTS).iterdir())
    assert folders[:2] == ["Not A Handle", everyone[0]]
    read, write = os.pipe()
    started = prefetch._Started(prefetch.BOTH, read, None, mmap.mmap(-1, 8))
    out = prefetch._Sender(write)
    out.send([root, folders, False])
    for handle in folders[:2]:  # then nothing more, and the pipe stays open
        message, frames = prefetch._client(root, handle, prefetch.BOTH, False)
        out.send(message, [part for pair in frames for part in pair])
    monkeypatch.setattr(prefetch, "_started", started)
    ahead = prefetch.claim(root, everyone, prefetch.BOTH, locked=False)
    assert ahead is not None
    try:
        for handle in everyone:
            part = ahead.take(handle)
            assert part is not None, handle
            alone = Scanner(notes, None).client(handle, prefetch.BOTH)
            given = Scanner(notes, None).client(handle, prefetch.BOTH, part)
            assert as_found(given) == as_found(alone), handle
        assert started.limit == 2  # all but the two sent were the parent's
    finally:
        ahead.close()
        os.close(write)


@pytest.mark.parametrize("held_most", [prefetch.HELD_MOST, 0])
def test_the_child_stops_where_the_parent_began(
    notes: Path, monkeypatch, tmp_path: Path, held_most: int
):
    """A slow child and a parent that stats from the end share the clients: each client
    is stat'ed once, but for at most one both began, and a whole scan finds what it
    finds alone. A parent that may hold nothing ahead of the scan waits instead."""
    monkeypatch.setattr(prefetch, "HELD_MOST", held_most)
    odd_journal(notes, locked=False)
    monkeypatch.setenv("OTJOURNAL_DIR", str(notes))
    parent, real, log = os.getpid(), prefetch._client, tmp_path / "child.txt"
    mine: list[str] = []

    def slow_child(root: str, handle: str, kinds: tuple[str, ...], ages: bool):  # type: ignore[no-untyped-def]
        if os.getpid() != parent:
            with log.open("a") as f:
                f.write(handle + "\n")
            time.sleep(0.05)
        else:
            mine.append(handle)
        return real(root, handle, kinds, ages)

    monkeypatch.setattr(prefetch, "_client", slow_child)
    everyone = handles(notes)
    prefetch.start(["check"])
    assert prefetch._started is not None
    pid = prefetch._started.pid
    given = []
    for found in Scanner(notes, None).each(everyone, prefetch.BOTH, None):
        given.append(as_found(found))
        if len(given) == 1:
            time.sleep(0.3)  # the pipe still open: time for a child that did not stop
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, 0)  # type: ignore[arg-type]
    alone = [as_found(f) for f in Scanner(notes, None).each(everyone, prefetch.BOTH, None)]
    assert given == alone
    theirs = log.read_text().splitlines()
    folders = sorted(p.name for p in (notes / CLIENTS).iterdir())
    if not held_most:
        assert mine == [] and sorted(theirs) == folders
        return
    assert mine, "the parent did not stat any client"
    assert mine == folders[::-1][: len(mine)]  # from the last
    assert set(theirs) | set(mine) == set(folders)
    assert len(set(theirs) & set(mine)) <= 1


def test_a_folders_numbers_that_do_not_fit_leave_it_to_the_scan():
    far = 2**63 + 5  # a time no signed 64-bit integer holds
    assert prefetch._frames([("a.toml", (1, far, 0, 9), 0o100600)]) is None
    notes = [("a.toml", (1, -5, 7, 2**64 - 1), 0o100600), ("é\udcff.toml", (0, 1, 2, 3), 0o100644)]
    assert prefetch._notes(2, *prefetch._frames(notes)) == notes  # type: ignore[misc]
    assert prefetch._notes(0, *prefetch._frames([])) == []  # type: ignore[misc]
    with pytest.raises(ValueError):
        prefetch._notes(3, *prefetch._frames(notes))  # type: ignore[misc]


def test_the_prefetch_can_be_turned_off(monkeypatch):
    monkeypatch.setenv("OTJOURNAL_NO_PREFETCH", "1")
    prefetch.start(["check"])
    assert prefetch._started is None


def test_check_json_counts_agree(demo_notes: Path, monkeypatch, tmp_path: Path):
    monkeypatch.setenv("OTJOURNAL_DIR", str(demo_notes))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    found = json.loads(run(["check", "--json"])[1])
    assert found["sessions"] > 100 and found["clients"] == len(handles(demo_notes))


def test_a_pipe_numbered_past_1024_is_still_read():
    """A process holding many files (a long test run) may get a pipe numbered 1024 or
    more, which ``select`` refuses: waiting is asked with ``poll``, so the prefetch is
    still taken."""
    read, write = os.pipe()
    high = os.dup2(read, 1500)
    os.close(read)
    started = prefetch._Started(prefetch.BOTH, high, None, mmap.mmap(-1, 8))
    try:
        assert not started.ready()  # nothing sent yet
        prefetch._Sender(write).send(["root", []])
        assert started.ready()
        assert started.receive() == ["root", []]
        os.close(write)
        write = -1
        assert started.ready()  # the end is ready to be read: EOF, not a wait
    finally:
        started.close()
        if write >= 0:
            os.close(write)


def test_the_child_reads_the_same_variable_as_the_command():
    from otjournal import paths
    from otjournal.disk import layout

    assert layout.ENV_DIR == paths.ENV_DIR
