"""What a crash leaves behind, and many writers at once (reliability.md, "How they test it").

* A writer killed with SIGKILL at random points, hundreds of times: every file with a
  final name parses, every session reported as saved is there byte for byte.
* Sixteen processes saving a hundred sessions each for one client at the same instant:
  all distinct, all valid.
* What a crash or a broken sync can leave under a final name (every prefix of a valid
  file, a file of NUL bytes, a huge file, absurd nesting): a located problem, never a
  traceback, never counted as a session, the file untouched, every other session counted.

tests/test_store.py covers single faults injected into the store, eight writers and
planted symlinks; this file adds real processes dying and real contention.
"""

from __future__ import annotations

import hashlib
import os
import random
import re
import selectors
import subprocess
import sys
import time
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from otjournal.cli import app
from otjournal.disk import amend, seals, tomlio
from otjournal.disk.conflicts import RECORD_ID
from otjournal.disk.fsio import is_temp_name
from otjournal.disk.store import MAX_FILE_BYTES, Journal
from otjournal.errors import Problem
from otjournal.model import Amendment, Session
from tests.conftest import REPO, TZ, make_client, make_session

START = datetime(2026, 3, 5, 14, 30, tzinfo=TZ)
SESSIONS = Path("clients") / "mia-k" / "sessions"


# -- helpers -------------------------------------------------------------------------


def child_env() -> dict[str, str]:
    """The test's (isolated) environment, with the repository importable for tests.conftest."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(
        p for p in (str(REPO), str(REPO / "src"), env.get("PYTHONPATH", "")) if p
    )
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def put(path: Path, data: bytes) -> None:
    """Write a file as a sync tool or a crash might leave it, private like otj's own."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sessions_folder(root: Path) -> Path:
    return root / SESSIONS


def classify(folder: Path) -> tuple[list[Path], list[Path], list[str]]:
    """(final-named records, fsio temp files, anything else) in a sessions folder."""
    finals, temps, other = [], [], []
    for name in sorted(os.listdir(folder)):
        if is_temp_name(name):
            temps.append(folder / name)
        elif name.endswith(".toml") and RECORD_ID.match(name[: -len(".toml")]):
            finals.append(folder / name)
        else:
            other.append(name)
    return finals, temps, other


def read_lines_until(
    proc: subprocess.Popen, sel: selectors.BaseSelector, buf: bytearray, done: re.Pattern
) -> list[str]:
    """Complete lines from the child's stdout up to and including one matching ``done``."""
    lines: list[str] = []
    deadline = time.monotonic() + 60
    while True:
        while b"\n" in buf:
            raw, _, rest = bytes(buf).partition(b"\n")
            buf[:] = rest
            line = raw.decode()
            lines.append(line)
            if done.fullmatch(line):
                return lines
        if time.monotonic() > deadline:
            raise AssertionError(f"no {done.pattern!r} from the child; got {lines[-5:]}")
        if not sel.select(timeout=5):
            continue
        chunk = os.read(proc.stdout.fileno(), 65536)  # type: ignore[union-attr]
        if not chunk:
            err = proc.stderr.read().decode() if proc.stderr else ""  # type: ignore[union-attr]
            raise AssertionError(f"the child ended early: {lines[-5:]}\n{err}")
        buf += chunk


# -- 1. SIGKILL at random points --------------------------------------------------------

# A small fork server: it imports otjournal once, then for each "go SEED" line forks a
# writer that saves sessions in a loop (durably) and prints "saved PATH SHA256" only once
# add_session has returned, i.e. once the file and its folder are fsynced. The test kills
# the writer with SIGKILL after a random delay; the server reaps it and says so. Forking
# from an already-imported interpreter keeps 200 kills well under a minute, and every
# kill lands inside the saving loop rather than during Python's start-up.
WRITER = r"""
import hashlib, os, random, sys
from datetime import timedelta
from pathlib import Path

from datetime import datetime

from otjournal.disk import tomlio
from otjournal.disk.store import Journal
from tests.conftest import TZ, make_session

# What the first save of each writer would otherwise import after the fork (the seal
# log's modules), so the kills still land inside the saving loop.
from otjournal import paths
from otjournal.disk import amend, seals
seals.device_id(paths.state_dir())

START = datetime(2026, 3, 5, 14, 30, tzinfo=TZ)
root = Path(sys.argv[1])


def say(text):
    os.write(1, (text + "\n").encode())  # one write, < PIPE_BUF: a line is whole or absent


def writer(seed):
    rng = random.Random(seed)
    journal = Journal(root)
    i = 0
    while True:
        i += 1
        session = make_session(
            start=START + timedelta(days=seed % 500, minutes=i),
            duration_min=rng.randint(15, 120),
            written_by="Alex Rivera " + "x" * rng.randint(0, 3000),
        )
        saved = journal.add_session(session, durable=True)
        data = tomlio.framed(tomlio.dumps(saved.record.to_dict()))  # as the store writes it
        say(f"saved {saved.path} {hashlib.sha256(data).hexdigest()}")


say("ready")
for line in sys.stdin:
    cmd, _, arg = line.strip().partition(" ")
    if cmd == "go":
        pid = os.fork()
        if pid == 0:
            try:
                writer(int(arg))
            finally:
                os._exit(3)
        say(f"pid {pid}")
    elif cmd == "reap":
        _, status = os.waitpid(int(arg), 0)
        say(f"reaped {arg} {status}")
"""


@pytest.mark.slow
@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_writer_killed_at_random_points_loses_nothing_reported(journal: Journal, notes: Path):
    kills = 200
    journal.add_client(make_client())
    journal.add_session(make_session(), durable=True)  # the folders exist, as in real use
    rng = random.Random(20260305)
    t0 = time.monotonic()
    proc = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(notes)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=child_env(),
        cwd=REPO,
    )
    sel = selectors.DefaultSelector()
    sel.register(proc.stdout, selectors.EVENT_READ)  # type: ignore[arg-type]
    buf = bytearray()
    reported: dict[Path, str] = {}
    killed_mid_loop = 0
    try:
        read_lines_until(proc, sel, buf, re.compile("ready"))
        for round_ in range(kills):
            proc.stdin.write(f"go {round_}\n".encode())  # type: ignore[union-attr]
            proc.stdin.flush()  # type: ignore[union-attr]
            lines = read_lines_until(proc, sel, buf, re.compile(r"pid \d+"))
            pid = int(lines[-1].split()[1])
            time.sleep(rng.uniform(0.005, 0.060))
            os.kill(pid, 9)
            proc.stdin.write(f"reap {pid}\n".encode())  # type: ignore[union-attr]
            proc.stdin.flush()  # type: ignore[union-attr]
            lines += read_lines_until(proc, sel, buf, re.compile(rf"reaped {pid} -?\d+"))
            status = int(lines[-1].split()[2])
            assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == 9, lines[-1]
            killed_mid_loop += 1
            for line in lines:
                if line.startswith("saved "):
                    _, path, digest = line.split(" ")
                    assert Path(path) not in reported, "one name reported twice"
                    reported[Path(path)] = digest
    finally:
        proc.stdin.close()  # type: ignore[union-attr]
        proc.wait(timeout=30)
        sel.close()
        proc.stdout.close()  # type: ignore[union-attr]
        proc.stderr.close()  # type: ignore[union-attr]
    elapsed = time.monotonic() - t0

    assert killed_mid_loop == kills
    # The writers did get work done between kills (a loaded machine saves less in the
    # same 5-60 ms, so this asks for one save in four kills, not one in each).
    assert len(reported) > kills // 4
    folder = sessions_folder(notes)
    finals, temps, other = classify(folder)
    assert other == [], f"unexpected names in the sessions folder: {other}"
    # Every session reported as saved is there, byte for byte.
    for path, digest in reported.items():
        assert path.exists(), f"{path.name} was reported saved but is gone"
        assert sha(path.read_bytes()) == digest, f"{path.name} changed after it was saved"
    # Every final name holds a whole, valid session (never a partial file).
    for path in finals:
        record = Session.from_dict(tomlio.parse(path.read_bytes(), path))
        assert record.id == path.stem
        assert path.read_bytes() == tomlio.framed(tomlio.dumps(record.to_dict()))
        assert os.stat(path).st_mode & 0o777 == 0o600
    snap = journal.load()
    assert snap.problems == []
    assert len(snap.sessions) == len(finals)
    assert {s.path for s in snap.sessions} >= set(reported)
    # Every session reported as saved was sealed, and the seal log still reads (a line
    # torn by a kill is skipped): its seal is the saved bytes.
    sealed = seals.latest(journal.seal_logs())
    for path, digest in reported.items():
        assert sealed[path.relative_to(notes).as_posix()].sha256 == digest, path.name
    # Temps a kill left behind are never read; at most one per kill.
    assert len(temps) <= kills
    print(
        f"\n{kills} kills in {elapsed:.1f} s: {len(reported)} saves reported, "
        f"{len(finals) - 1} on disk, {len(temps)} temp files left by kills"
    )


# -- 2. sixteen processes, one client, one instant ---------------------------------------

SAVER = r"""
import os, sys
from datetime import datetime
from pathlib import Path

from otjournal.disk.store import Journal
from tests.conftest import TZ, make_session

START = datetime(2026, 3, 5, 14, 30, tzinfo=TZ)

journal = Journal(Path(sys.argv[1]))
count = int(sys.argv[2])
durable = sys.argv[3] == "durable"
sys.stdout.write("ready\n")
sys.stdout.flush()
assert sys.stdin.readline().strip() == "go"
names = []
for i in range(count):
    saved = journal.add_session(make_session(start=START), durable=durable)
    names.append(saved.path.name)
sys.stdout.write("done " + " ".join(names) + "\n")
sys.stdout.flush()
"""


@pytest.mark.slow
def test_sixteen_processes_save_a_hundred_sessions_each_at_the_same_instant(
    journal: Journal, notes: Path
):
    procs_n, each = 16, 100
    journal.add_client(make_client())
    t0 = time.monotonic()
    # Durable writes (fsync of every file and of the folder), as in real use: it fits.
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", SAVER, str(notes), str(each), "durable"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=child_env(),
            cwd=REPO,
            text=True,
        )
        for _ in range(procs_n)
    ]
    try:
        for p in procs:
            assert p.stdout.readline().strip() == "ready", p.stderr.read()  # type: ignore[union-attr]
        started = time.monotonic()
        for p in procs:  # every process is waiting: release them together
            p.stdin.write("go\n")  # type: ignore[union-attr]
            p.stdin.flush()  # type: ignore[union-attr]
        names: list[str] = []
        for p in procs:
            out, err = p.communicate(timeout=120)
            assert p.returncode == 0, err
            done = [ln for ln in out.splitlines() if ln.startswith("done ")]
            assert len(done) == 1, out
            names += done[0].split()[1:]
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
                p.wait()
    saving = time.monotonic() - started

    total = procs_n * each
    assert len(names) == total
    assert len(set(names)) == total, "two processes were told they saved under one name"
    folder = sessions_folder(notes)
    finals, temps, other = classify(folder)
    assert (temps, other) == ([], [])
    assert sorted(p.name for p in finals) == sorted(names)
    snap = journal.load()
    assert snap.problems == []
    assert len(snap.sessions) == total
    assert len({s.record.id for s in snap.sessions}) == total
    assert all(s.record.id == s.path.stem for s in snap.sessions)
    expected = replace(make_session(start=START), id="")
    assert all(replace(s.record, id="") == expected for s in snap.sessions)
    print(
        f"\n{total} durable saves by {procs_n} processes in {saving:.1f} s "
        f"({time.monotonic() - t0:.1f} s with start-up and checks)"
    )


# -- 3. what a crash can leave under a final name -----------------------------------------


@pytest.fixture
def two_sessions(journal: Journal) -> Journal:
    """mia-k with two good sessions: every broken file must leave both counted."""
    journal.add_client(make_client())
    journal.add_session(make_session(), durable=False)
    journal.add_session(make_session(start=START + timedelta(days=7)), durable=False)
    return journal


def amended_bytes() -> bytes:
    """A session as otj writes it, with two amendments (one with a multi-line text)."""
    session = replace(make_session(), id="2026-03-05_1430_cut22")
    raw = tomlio.framed(tomlio.dumps(session.to_dict()))  # as the store writes it
    raw = amend.append(
        raw, Amendment(START + timedelta(days=1), "Alex Rivera", "addition", "Mum phoned.")
    )
    return amend.append(
        raw,
        Amendment(
            START + timedelta(days=2),
            "Alex Rivera",
            "correction",
            "Two holes,\nnot three — with the card.",
            original="three holes",
        ),
    )


def problems_for(snap, path: Path) -> list[Problem]:
    return [p for p in snap.problems if p.path == path]


@pytest.mark.slow
def test_every_prefix_of_an_amended_session_is_located_and_never_breaks_loading(
    two_sessions: Journal,
):
    """All lengths, 0 to the whole file: never a traceback, the file untouched, the two
    good sessions always counted, and a cut that does not parse is a located error."""
    full = amended_bytes()
    path = two_sessions.root / SESSIONS / "2026-03-05_1430_cut22.toml"
    max_line = full.count(b"\n") + 1
    errors = 0
    for n in range(len(full) + 1):
        prefix = full[:n]
        put(path, prefix)
        snap = two_sessions.load(["mia-k"], homework=False)
        others = [s for s in snap.sessions if s.path != path]
        assert len(others) == 2, n
        mine = [p for p in problems_for(snap, path) if p.severity == "error"]
        if mine:
            errors += 1
            assert all(s.path != path for s in snap.sessions), n
            for p in mine:
                assert p.line is not None and 1 <= p.line <= max_line, (n, p)
                assert p.column is not None and p.column >= 1, (n, p)
        assert path.read_bytes() == prefix, n
    assert errors > len(full) // 2


@pytest.mark.slow
def test_a_cut_short_session_is_never_counted_as_a_different_note(two_sessions: Journal):
    """reliability.md: every prefix of a valid file gives "a message with path and line".

    A cut that happens to end between two tables or lines (e.g. right after
    ``written_at``) is still valid TOML; it must not be counted as a session that is
    silently missing its goals, activities, checklist, plan or amendments. Only a cut
    that drops nothing but trailing whitespace may load, and then as the same record.
    """
    full = amended_bytes()
    whole = Session.from_dict(tomlio.parse(full))
    # The file as it was before each amendment is a complete record of its own (amendments
    # are only ever appended): a cut exactly there may load, as that earlier record.
    earlier = [
        replace(whole, amendments=whole.amendments[:k]) for k in range(len(whole.amendments) + 1)
    ]
    path = two_sessions.root / SESSIONS / "2026-03-05_1430_cut22.toml"
    silently_shorter = []
    for n in range(len(full)):
        put(path, full[:n])
        snap = two_sessions.load(["mia-k"], homework=False)
        loaded = [s.record for s in snap.sessions if s.path == path]
        if loaded and loaded[0] not in earlier:
            line = full[:n].count(b"\n") + 1
            silently_shorter.append((n, line))
    assert silently_shorter == [], (
        f"{len(silently_shorter)} cut-short versions load as a session with part of the "
        f"note missing and no problem reported, e.g. cut at byte/line {silently_shorter[:5]}"
    )


def check_line(result, name: str) -> str:
    """The one `otj check` line about sessions/NAME (path:line:col: error: ...)."""
    pattern = re.compile(rf"{re.escape((SESSIONS / name).as_posix())}:\d+:\d+: error: ")
    lines = [ln for ln in result.stdout.splitlines() if pattern.match(ln)]
    assert len(lines) == 1, result.output
    return lines[0]


def listed_count(runner, root: Path) -> int:
    import json

    result = runner.invoke(app, ["list", "--json", "--dir", str(root)])
    assert result.exit_code == 0, result.output
    return len(json.loads(result.stdout))


def test_check_locates_cut_short_files(runner, two_sessions: Journal):
    """A sample of cuts through `otj check`: exit 1, one path:line:col line, file untouched."""
    full = amended_bytes()
    name = "2026-03-05_1430_cut22.toml"
    path = two_sessions.root / SESSIONS / name
    located = 0
    for n in sorted({0, 1, *range(2, len(full) - 1, 97), len(full) - 40}):
        put(path, full[:n])
        snap = two_sessions.load(["mia-k"], homework=False)
        if not [p for p in problems_for(snap, path) if p.severity == "error"]:
            continue  # loads (see the test above)
        located += 1
        result = runner.invoke(app, ["check", "--dir", str(two_sessions.root)])
        assert "Traceback" not in result.output
        assert result.exit_code == 1, (n, result.output)
        line = check_line(result, name)
        assert int(line.split(":")[1]) <= full[:n].count(b"\n") + 1
        assert listed_count(runner, two_sessions.root) == 2
        assert path.read_bytes() == full[:n]
    assert located, "no cut was a problem: nothing was checked"


def _nul_middle() -> bytes:
    full = amended_bytes()
    at = full.index(b"Alex Rivera")
    return full[:at] + b"\x00" * 512 + full[at + 512 :]


CRASH_LEFTOVERS = {
    # ext4 and others can leave a file of the right length full of zero bytes after a
    # power cut (the size reached the disk, the data did not).
    "all-nul-bytes": (lambda: b"\x00" * len(amended_bytes()), 1, 1, "NUL bytes"),
    "nul-block-inside": (
        _nul_middle,
        amended_bytes()[: amended_bytes().index(b"Alex Rivera")].count(b"\n") + 1,
        None,
        "NUL bytes",
    ),
    "deep-nesting-unclosed": (lambda: b"a = " + b"[" * 5000, 1, 1, "nested too deeply"),
    "deep-nesting-inline-tables": (
        lambda: b"a = " + b"{b = " * 3000 + b"1" + b"}" * 3000 + b"\n",
        1,
        1,
        "nested too deeply",
    ),
}


@pytest.mark.parametrize("case", list(CRASH_LEFTOVERS))
def test_crash_leftover_is_a_located_error(runner, two_sessions: Journal, case: str):
    make, line, column, words = CRASH_LEFTOVERS[case]
    data = make()
    name = "2026-03-05_1430_cut22.toml"
    path = two_sessions.root / SESSIONS / name
    put(path, data)

    snap = two_sessions.load()
    mine = problems_for(snap, path)
    assert len(mine) == 1 and mine[0].severity == "error", mine
    assert words in mine[0].message
    assert mine[0].line == line
    if column is not None:
        assert mine[0].column == column
    assert len(snap.sessions) == 2 and all(s.path != path for s in snap.sessions)

    result = runner.invoke(app, ["check", "--dir", str(two_sessions.root)])
    assert "Traceback" not in result.output
    assert result.exit_code == 1
    assert check_line(result, name).startswith(f"{(SESSIONS / name).as_posix()}:{line}:")
    assert listed_count(runner, two_sessions.root) == 2
    assert path.read_bytes() == data


def test_a_fifty_megabyte_file_is_refused_without_reading_it_all(
    runner, two_sessions: Journal, monkeypatch: pytest.MonkeyPatch
):
    name = "2026-03-05_1430_huge0.toml"
    path = two_sessions.root / SESSIONS / name
    head = tomlio.dumps(replace(make_session(), id="2026-03-05_1430_huge0").to_dict())
    size = 50 * 1024 * 1024
    put(path, b"")
    with path.open("ab") as fh:
        fh.write(head)
        line = b"# " + b"x" * 1021 + b"\n"
        fh.write(line * ((size - len(head)) // len(line)))
    assert path.stat().st_size > 49 * 1024 * 1024
    before = (path.stat().st_size, path.stat().st_mtime_ns, sha(path.read_bytes()))

    t0 = time.monotonic()
    snap = two_sessions.load()
    mine = problems_for(snap, path)
    assert [(p.line, p.column) for p in mine] == [(1, 1)]
    assert f"larger than {MAX_FILE_BYTES // 1024} KiB" in mine[0].message
    assert len(snap.sessions) == 2

    result = runner.invoke(app, ["check", "--dir", str(two_sessions.root)])
    assert "Traceback" not in result.output
    assert result.exit_code == 1
    assert check_line(result, name).startswith(f"{(SESSIONS / name).as_posix()}:1:1: error:")
    assert listed_count(runner, two_sessions.root) == 2
    assert time.monotonic() - t0 < 20
    assert (path.stat().st_size, path.stat().st_mtime_ns, sha(path.read_bytes())) == before
