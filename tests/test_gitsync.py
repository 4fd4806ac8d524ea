"""`otj sync` with real git against a local bare repository (two devices, one remote).

What must hold (gitsync.py, reliability.md): sessions added on two devices at the same
time all end up on both; goals added to client.toml on both are joined by the sync; a
change that cannot be joined (both devices renamed the client) keeps both sides between
conflict markers, is committed and reported (exit 1, naming the file) and `otj conflicts
resolve` fixes it; a missing or unreachable
remote is a clear error and nothing is lost (the notes are committed locally); files
stay 0600 and folders 0700 after git has written them.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from otjournal.cli import app
from tests.conftest import REPO

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")


# -- helpers -----------------------------------------------------------------------------


def git(folder: Path, *args: str) -> str:
    result = subprocess.run(["git", *args], cwd=folder, capture_output=True, text=True, check=True)
    return result.stdout


def bare(path: Path) -> Path:
    subprocess.run(["git", "init", "-q", "--bare", str(path)], check=True, capture_output=True)
    return path


def otj(runner, folder: Path, *args: str, input: str | None = None):
    result = runner.invoke(app, [*args, "--dir", str(folder)], input=input)
    assert "Traceback" not in result.output, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception
    )
    return result


def ok(result) -> None:
    assert result.exit_code == 0, (result.exit_code, result.output)


def log_session(runner, folder: Path, day: str, time: str, summary: str) -> None:
    ok(
        otj(
            runner, folder, "log", "mia-k", "--no-input", "--date", day, "--time", time,
            "--by", "Alex Rivera", "--setting", "clinic", "--attendee", "child",
            "--summary", summary,
        )
    )  # fmt: skip


def ids(runner, folder: Path) -> list[str]:
    result = otj(runner, folder, "list", "--json")
    ok(result)
    return sorted(s["id"] for s in json.loads(result.stdout)["sessions"])


def clean(folder: Path) -> bool:
    return git(folder, "status", "--porcelain").strip() == ""


def assert_private(root: Path) -> None:
    for dirpath, dirnames, filenames in os.walk(root):
        if ".git" in dirnames:
            dirnames.remove(".git")
        assert stat.S_IMODE(os.lstat(dirpath).st_mode) == 0o700, dirpath
        for name in filenames:
            mode = stat.S_IMODE(os.lstat(os.path.join(dirpath, name)).st_mode)
            assert mode == 0o600, (os.path.join(dirpath, name), oct(mode))


@pytest.fixture
def umask_022():
    old = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(old)


@pytest.fixture
def devices(runner, tmp_path: Path, umask_022) -> tuple[Path, Path, Path]:
    """A remote and two devices: A set it up with a client, B joined from the remote."""
    remote = bare(tmp_path / "remote.git")
    a, b = tmp_path / "a", tmp_path / "b"
    first = otj(runner, a, "init", "--git", "--remote", str(remote))
    ok(first)
    assert "Committed 1 file." in first.stdout  # .gitignore alone: "1 file", not "1 files"
    ok(otj(runner, a, "client", "add", "mia-k", "--name", "Mia K."))
    ok(otj(runner, a, "sync"))
    joined = otj(runner, b, "init", "--git", "--remote", str(remote))
    ok(joined)
    assert "Took the notes already on the remote" in joined.stdout
    assert (b / "clients" / "mia-k" / "client.toml").read_bytes() == (
        a / "clients" / "mia-k" / "client.toml"
    ).read_bytes()
    assert_private(b)
    return remote, a, b


# -- 1. both devices add sessions ---------------------------------------------------------


def test_sessions_added_on_both_devices_end_up_on_both(runner, devices):
    remote, a, b = devices
    for i in range(3):
        log_session(runner, a, "2026-03-0" + str(i + 2), "09:00", f"From A, number {i}")
    for i in range(2):
        log_session(runner, b, "2026-03-0" + str(i + 2), "09:00", f"From B, number {i}")

    first = otj(runner, a, "sync")
    ok(first)
    # Each count includes the device's seal log (.otjournal/seals/, one file per device).
    assert "committed here: 4 files" in first.stdout
    second = otj(runner, b, "sync")
    ok(second)
    assert "came in: 4 files" in second.stdout
    third = otj(runner, a, "sync")
    ok(third)
    assert "came in: 3 files" in third.stdout

    assert ids(runner, a) == ids(runner, b)
    assert len(ids(runner, a)) == 5
    for folder in (a, b):
        assert otj(runner, folder, "check").exit_code == 0
        assert clean(folder)
        assert_private(folder)
    assert git(a, "rev-parse", "HEAD") == git(b, "rev-parse", "HEAD")
    assert (
        git(a, "rev-parse", "HEAD")
        == subprocess.run(
            ["git", "--git-dir", str(remote), "rev-parse", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    )


def test_both_devices_sync_at_the_same_instant(runner, devices):
    """Two real `otj sync` processes at once: one may lose the push race; it says so and
    the next sync finishes the job. Nothing is lost either way."""
    _, a, b = devices
    for i in range(4):
        log_session(runner, a, f"2026-04-0{i + 1}", "10:00", f"A{i}")
        log_session(runner, b, f"2026-04-0{i + 1}", "11:00", f"B{i}")
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "otjournal", "sync", "--dir", str(folder)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        for folder in (a, b)
    ]
    for p in procs:
        out, err = p.communicate(timeout=120)
        assert "Traceback" not in out + err
        assert p.returncode in (0, 1), (out, err)
        if p.returncode == 1:
            assert "could not push" in err or "could not" in err, err
            assert "committed locally" in err
    for _ in range(3):
        results = [otj(runner, a, "sync"), otj(runner, b, "sync")]
        if all(r.exit_code == 0 for r in results) and ids(runner, a) == ids(runner, b):
            break
    assert ids(runner, a) == ids(runner, b)
    assert len(ids(runner, a)) == 8
    for folder in (a, b):
        assert clean(folder)
        assert otj(runner, folder, "check").exit_code == 0
        assert_private(folder)


def test_losing_the_push_race_says_why(runner, devices, monkeypatch: pytest.MonkeyPatch):
    """Another device pushes between this device's fetch and its push.

    Nothing is lost (the commit is local) and the hint says to sync again; the message
    should also say why the push failed. Today it shows only git's first stderr line,
    "To /path/to/remote.git", and drops the reason (rejected: fetch first).
    """
    from otjournal.sync.gitsync import Git

    _, a, b = devices
    log_session(runner, a, "2026-03-02", "09:00", "From A")
    log_session(runner, b, "2026-03-03", "09:00", "From B")
    git(a, "add", "-A")
    git(a, "-c", "user.name=A", "-c", "user.email=a@example.org", "commit", "-q", "-m", "A")
    real = Git.run
    raced = []

    def run(self, *args, check=True):
        if args[0] == "push" and self.root == b and not raced:
            raced.append(git(a, "push", "-q", "origin", "HEAD"))
        return real(self, *args, check=check)

    monkeypatch.setattr(Git, "run", run)
    result = otj(runner, b, "sync")
    assert raced
    # The push that lost the race is retried once after taking A's notes in.
    assert result.exit_code == 0, result.output
    assert clean(b)
    texts = [p.read_text(encoding="utf-8") for p in (b / "clients").rglob("*.toml")]
    assert any("From A" in t for t in texts)  # A's note came in before B's went out
    assert any("From B" in t for t in texts)


def test_a_push_that_keeps_failing_says_why(runner, devices, monkeypatch):
    """If git still refuses, the message carries git's reason, not only its first line."""
    from otjournal.sync.gitsync import GitError, _first_line

    text = "To /r.git\n ! [rejected]        main -> main (fetch first)\nerror: failed to push"
    assert "rejected" in _first_line(text)
    assert issubclass(GitError, Exception)


# -- 2. a change git cannot merge ----------------------------------------------------------------


BASELINE = ("--baseline", "-2", "--no-input")


def test_both_devices_add_a_goal_and_sync_joins_them(runner, devices):
    """client.toml goes through otjournal's merge driver (clientmerge.py): goals added on
    two devices at once (ids unique across devices) are both kept, no conflict left."""
    _, a, b = devices
    ok(otj(runner, a, "goal", "add", "mia-k", "--text", "Goal typed on A", *BASELINE))
    ok(otj(runner, b, "goal", "add", "mia-k", "--text", "Goal typed on B", *BASELINE))
    ok(otj(runner, a, "sync"))

    result = otj(runner, b, "sync")

    ok(result)
    assert "both sides kept" not in result.stdout
    ok(otj(runner, a, "sync"))
    client = b / "clients" / "mia-k" / "client.toml"
    goals = tomllib.loads(client.read_text("utf-8"))["goals"]
    assert sorted(g["text"] for g in goals) == ["Goal typed on A", "Goal typed on B"]
    assert (a / "clients" / "mia-k" / "client.toml").read_bytes() == client.read_bytes()
    for folder in (a, b):
        assert otj(runner, folder, "check").exit_code == 0
        assert clean(folder)
        assert_private(folder)


def rename_client(folder: Path, name: str) -> None:
    path = folder / "clients" / "mia-k" / "client.toml"
    path.write_bytes(path.read_bytes().replace(b'"Mia K."', f'"{name}"'.encode()))


def test_both_devices_rename_a_client_keeps_both_sides_then_resolves(runner, devices):
    remote, a, b = devices
    rename_client(a, "Name typed on A")
    rename_client(b, "Name typed on B")
    ok(otj(runner, a, "sync"))

    result = otj(runner, b, "sync")

    assert result.exit_code == 1, result.output
    assert "both sides kept in 1 file(s)" in result.stdout
    assert "clients/mia-k/client.toml" in result.stdout
    client = b / "clients" / "mia-k" / "client.toml"
    text = client.read_text("utf-8")
    for part in ("<<<<<<<", "=======", ">>>>>>>", "Name typed on A", "Name typed on B"):
        assert part in text
    assert clean(b), "the merge with markers is committed"
    assert "both sides kept" in git(b, "log", "-1", "--format=%s")
    remote_head = subprocess.run(
        ["git", "--git-dir", str(remote), "rev-parse", "HEAD"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert git(b, "rev-parse", "HEAD") == remote_head, "the merge was pushed"
    assert_private(b)
    # Not done with while the markers are there: every sync says so and exits 1, on this
    # device and on the other once it has them.
    for folder in (b, a):
        again = otj(runner, folder, "sync")
        assert again.exit_code == 1, again.output
        assert "still holding both sides from an earlier sync: 1 file" in again.stdout
        assert "clients/mia-k/client.toml" in again.stdout

    check = otj(runner, b, "check")
    assert check.exit_code == 1
    assert "clients/mia-k/client.toml:" in check.stdout and "git conflict markers" in check.stdout
    listed = otj(runner, b, "conflicts")
    assert "clients/mia-k/client.toml: git conflict markers" in listed.stdout
    merge = otj(
        runner, b, "conflicts", "resolve", "clients/mia-k/client.toml", "--keep", "merge", "--yes"
    )
    assert merge.exit_code == 1 and "display_name differs on the two devices" in merge.stderr

    fixed = otj(
        runner, b, "conflicts", "resolve", "clients/mia-k/client.toml", "--keep", "ours", "--yes"
    )
    ok(fixed)
    assert tomllib.loads(client.read_text("utf-8"))["display_name"] == "Name typed on B"
    assert otj(runner, b, "check").exit_code == 0
    moved = list((b / ".otjournal" / "resolved").rglob("client.toml"))
    assert len(moved) == 1 and "Name typed on A" in moved[0].read_text("utf-8")

    ok(otj(runner, b, "sync"))
    ok(otj(runner, a, "sync"))
    assert (a / "clients" / "mia-k" / "client.toml").read_bytes() == client.read_bytes()
    assert otj(runner, a, "check").exit_code == 0
    for folder in (a, b):
        assert clean(folder)
        assert_private(folder)


def test_both_devices_amend_one_session_loses_no_amendment(runner, devices):
    _, a, b = devices
    log_session(runner, a, "2026-03-02", "09:00", "The note")
    ok(otj(runner, a, "sync"))
    ok(otj(runner, b, "sync"))
    (sid,) = ids(runner, a)
    ok(otj(runner, a, "amend", sid, "--kind", "addition", "--text", "Amended on A", "--by", "A"))
    ok(otj(runner, b, "amend", sid, "--kind", "addition", "--text", "Amended on B", "--by", "B"))
    ok(otj(runner, a, "sync"))

    result = otj(runner, b, "sync")

    # Amendment-only divergence is joined by the sync itself (mergedriver.py): one note,
    # both amendments in time order, re-chained, no conflict left.
    ok(result)
    assert f"clients/mia-k/sessions/{sid}.toml" in result.stdout
    raw = (b / "clients" / "mia-k" / "sessions" / f"{sid}.toml").read_text("utf-8")
    assert raw.count("Amended on A") == 1 and raw.count("Amended on B") == 1
    assert raw.index("Amended on A") < raw.index("Amended on B")
    assert json.loads(otj(runner, b, "conflicts", "--json").stdout)["conflicts"] == []
    assert otj(runner, b, "check").exit_code == 0
    ok(otj(runner, a, "sync"))
    assert (a / "clients" / "mia-k" / "sessions" / f"{sid}.toml").read_text("utf-8") == raw
    assert clean(a) and clean(b)


# -- 3. errors: nothing is lost ----------------------------------------------------------------


def test_new_files_are_staged_by_their_exact_names(runner, devices):
    """New files go into the index as a list of paths (update-index), not as pathspecs:
    names that a pathspec would read as a pattern or magic ("[1]", "*", a leading ":")
    are staged as they are, and only they; a file outside the owned scope stays out."""
    _, a, _ = devices
    sessions = a / "clients" / "mia-k" / "sessions"
    sessions.mkdir(exist_ok=True)
    odd = ["copy [1].toml", "*.toml", ":(glob)x.toml", "with space.toml", "né.toml"]
    for name in odd:
        (sessions / name).write_text('format = 1\nkind = "session"\n', encoding="utf-8")
    (a / "clients" / "mia-k" / "notes.docx").write_bytes(b"not ours")
    otj(runner, a, "sync")  # check may report the stray files: staging is what is tested
    tracked = set(git(a, "-c", "core.quotepath=off", "ls-files").splitlines())
    assert {f"clients/mia-k/sessions/{name}" for name in odd} <= tracked
    assert "clients/mia-k/notes.docx" not in tracked
    assert "clients/mia-k/sessions/copy 1.toml" not in tracked


def test_sync_without_a_remote_commits_locally_and_says_so(runner, tmp_path: Path):
    notes = tmp_path / "solo"
    ok(otj(runner, notes, "init", "--git"))
    ok(otj(runner, notes, "client", "add", "mia-k", "--name", "Mia"))
    log_session(runner, notes, "2026-03-02", "09:00", "Solo")

    result = otj(runner, notes, "sync")

    assert result.exit_code == 1
    assert "no remote to sync with; your notes are committed locally" in result.stderr
    assert "otj init --git --remote URL" in result.stderr
    assert clean(notes)
    committed = git(notes, "log", "--name-only", "--format=")
    assert "clients/mia-k/client.toml" in committed
    assert "clients/mia-k/sessions/" in committed
    assert_private(notes)


def test_unreachable_remote_loses_nothing_and_a_later_sync_delivers(runner, tmp_path: Path):
    notes = tmp_path / "laptop"
    missing = tmp_path / "usb-stick" / "notes.git"
    init = otj(runner, notes, "init", "--git", "--remote", str(missing))
    ok(init)
    assert "Could not reach the remote yet" in init.stdout
    ok(otj(runner, notes, "client", "add", "mia-k", "--name", "Mia"))
    log_session(runner, notes, "2026-03-02", "09:00", "Written offline")
    (sid,) = ids(runner, notes)

    result = otj(runner, notes, "sync")

    assert result.exit_code == 1
    assert "could not reach the remote" in result.stderr
    assert "committed locally" in result.stderr
    assert ids(runner, notes) == [sid]
    assert clean(notes)
    assert f"clients/mia-k/sessions/{sid}.toml" in git(notes, "log", "--name-only", "--format=")

    missing.parent.mkdir()
    bare(missing)
    ok(otj(runner, notes, "sync"))
    pushed = subprocess.run(
        ["git", "--git-dir", str(missing), "log", "--name-only", "--format=", "HEAD"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert f"clients/mia-k/sessions/{sid}.toml" in pushed


def test_sync_outside_a_repository_is_a_clear_error(runner, tmp_path: Path):
    notes = tmp_path / "plain"
    ok(otj(runner, notes, "client", "add", "mia-k", "--name", "Mia"))
    result = otj(runner, notes, "sync")
    assert result.exit_code == 1
    assert "not a git repository" in result.stderr
    assert "otj init --git" in result.stderr
    assert not (notes / ".git").exists()


# -- 4. permissions after git wrote the files ----------------------------------------------------


def test_files_pulled_by_git_are_made_private(runner, devices, tmp_path: Path):
    _, a, b = devices
    log_session(runner, a, "2026-03-02", "09:00", "From A")
    ok(otj(runner, a, "homework", "log", "mia-k", "--kind", "journal", "--text", "Practice",
           "--by", "Sarah", "--no-input"))  # fmt: skip
    ok(otj(runner, a, "sync"))
    ok(otj(runner, b, "sync"))
    # git checked these out with the umask (0644 / 0755); sync made them private again.
    assert (b / "clients" / "mia-k" / "homework").is_dir()
    assert_private(b)
    check = otj(runner, b, "check")
    assert check.exit_code == 0 and "readable by others" not in check.stdout
    doctor = otj(runner, b, "doctor")
    assert "ok    permissions: private" in doctor.stdout


def test_a_note_deleted_by_hand_is_not_synced_away_from_every_device(runner, devices):
    """otjournal never deletes a session note: one gone from the folder by hand stops the
    sync, naming it, before anything is committed; B keeps its copy. Restored, or removed
    on purpose with `git rm`, the sync goes on."""
    _, a, b = devices
    log_session(runner, a, "2026-03-02", "09:00", "First")
    log_session(runner, a, "2026-03-03", "09:00", "Second")
    ok(otj(runner, a, "sync"))
    ok(otj(runner, b, "sync"))
    first, second = sorted((a / "clients" / "mia-k" / "sessions").glob("*.toml"))
    head = git(a, "rev-parse", "HEAD")
    first.unlink()
    refused = otj(runner, a, "sync")
    assert refused.exit_code == 1
    rel = first.relative_to(a).as_posix()
    assert "not synced: 1 session note(s) deleted here by hand" in refused.output
    assert rel in refused.output and "git checkout -- PATH" in refused.output
    assert git(a, "rev-parse", "HEAD") == head  # nothing committed
    git(a, "checkout", "--", rel)
    ok(otj(runner, a, "sync"))
    git(a, "rm", "-q", second.relative_to(a).as_posix())  # on purpose: the person's own
    ok(otj(runner, a, "sync"))
    ok(otj(runner, b, "sync"))
    assert [p.name for p in (b / "clients" / "mia-k" / "sessions").glob("*.toml")] == [first.name]
