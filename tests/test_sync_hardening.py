"""Issue 12, items 4 and 19: what `otj sync` carries, and amendments made on two devices.

4. Sync carries only otjournal's own files (syncscope.OWNED): a private text file, a
   scanned ID card, an office lock file stay on the device, are listed once, and go out
   only when the person opts in (.otjournal/sync-include, or --include).
19. Amendments made to one note on two clones are joined, in time order and re-chained:
   by sync itself (mergedriver.py), and by `otj conflicts resolve --keep merge` for a
   file that reached the folder with git's markers. `--keep both` on a copy that holds
   the same record keeps it once.
And ten clones of one remote, each adding notes and amending shared ones, syncing in a
random order until quiet: every note and every amendment everywhere, exactly once.
"""

from __future__ import annotations

import hashlib
import json
import random
import shutil
import subprocess
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from otjournal.disk import amend
from otjournal.disk.parsing import parse_record_bytes
from otjournal.disk.store import Journal
from otjournal.model import Goal, Session
from tests.conftest import Clock, make_session
from tests.test_gitsync import bare, clean, git, log_session, ok, otj

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
TZ = timezone(timedelta(hours=10))


# -- helpers (git, bare, otj, ok, log_session and clean come from test_gitsync.py) ----


def on_remote(remote: Path) -> set[str]:
    """Every path in the remote's newest commit."""
    listed = subprocess.run(
        ["git", "--git-dir", str(remote), "ls-tree", "-r", "--name-only", "HEAD"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return set(listed.splitlines())


def remote_head(remote: Path) -> str:
    return subprocess.run(
        ["git", "--git-dir", str(remote), "rev-parse", "HEAD"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()


def sessions(runner, folder: Path) -> list[dict]:
    result = otj(runner, folder, "list", "--json")
    ok(result)
    return json.loads(result.stdout)["sessions"]


def session_file(folder: Path, sid: str) -> Path:
    (found,) = (folder / "clients").glob(f"*/sessions/{sid}.toml")
    return found


def read_note(path: Path) -> tuple[bytes, Session]:
    raw = path.read_bytes()
    return raw, parse_record_bytes(raw, path, Session.from_dict)


def amend_at(runner, clock: Clock, folder: Path, sid: str, at: datetime, by: str, text: str):
    """`otj amend` as if run at ``at`` (amendments are ordered by their time)."""
    clock.set(at)
    ok(otj(runner, folder, "amend", sid, "--kind", "addition", "--text", text, "--by", by))


@pytest.fixture
def devices(runner, tmp_path: Path) -> tuple[Path, Path, Path]:
    """A remote and two devices: A set it up with a client, B joined from the remote."""
    remote = bare(tmp_path / "remote.git")
    a, b = tmp_path / "a", tmp_path / "b"
    ok(otj(runner, a, "init", "--git", "--remote", str(remote)))
    ok(otj(runner, a, "client", "add", "mia-k", "--name", "Mia K."))
    ok(otj(runner, a, "sync"))
    ok(otj(runner, b, "init", "--git", "--remote", str(remote)))
    return remote, a, b


# -- 4. only otjournal's own files ---------------------------------------------------------

STRAYS = {
    "private.txt": b"not for the remote\n",
    "scans/id-card.jpg": b"\xff\xd8\xff\xe0 a scanned ID card",
    ".~lock.report.odt#": b"office lock file\n",
    "clients/mia-k/consent-scan.pdf": b"%PDF-1.4 a scan in a client folder",
}


def plant(folder: Path) -> None:
    for rel, data in STRAYS.items():
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        (folder / rel).write_bytes(data)


def test_stray_files_are_never_committed_or_pushed_and_are_listed_once(runner, tmp_path):
    remote = bare(tmp_path / "remote.git")
    a, b = tmp_path / "a", tmp_path / "b"
    plant(a)  # before init: 'otj init --git' commits only otjournal's own files too
    ok(otj(runner, a, "init", "--git", "--remote", str(remote)))
    ok(otj(runner, a, "client", "add", "mia-k", "--name", "Mia K."))
    log_session(runner, a, "2026-03-02", "09:00", "A note")
    (sid,) = [s["id"] for s in sessions(runner, a)]

    first = otj(runner, a, "sync")

    ok(first)
    assert "left out, staying on this device (not otjournal's): 4 new files" in first.stdout
    for rel in STRAYS:
        assert f"    {rel}\n" in first.stdout
    assert "otj sync --include" in first.stdout
    pushed = on_remote(remote)
    assert {".gitignore", "clients/mia-k/client.toml"} <= pushed
    assert f"clients/mia-k/sessions/{sid}.toml" in pushed
    assert not set(STRAYS) & pushed
    assert not set(STRAYS) & set(git(a, "ls-files").splitlines()), "never committed either"

    # Listed once: the next sync only counts them.
    (a / "private.txt").write_bytes(b"changed, still private\n")
    second = otj(runner, a, "sync")
    ok(second)
    assert "left out (listed before): 4 files" in second.stdout
    assert "private.txt" not in second.stdout
    # A new stray file is listed (only it).
    (a / "notes-to-self.md").write_bytes(b"mine\n")
    third = otj(runner, a, "sync")
    assert "1 new file\n    notes-to-self.md\n" in third.stdout
    assert "private.txt" not in third.stdout

    ok(otj(runner, b, "init", "--git", "--remote", str(remote)))
    assert (b / "clients" / "mia-k" / "client.toml").exists()
    assert not any((b / rel).exists() for rel in [*STRAYS, "notes-to-self.md"])


def test_opting_in_with_the_allow_list_or_include(runner, devices):
    remote, a, _ = devices
    plant(a)
    (a / ".otjournal").mkdir(exist_ok=True)
    (a / ".otjournal" / "sync-include").write_text("# scans go to the remote\nscans/*.jpg\n")

    result = otj(runner, a, "sync")
    ok(result)
    pushed = on_remote(remote)
    assert {"scans/id-card.jpg", ".otjournal/sync-include"} <= pushed
    assert "private.txt" not in pushed and "clients/mia-k/consent-scan.pdf" not in pushed
    assert "3 new files" in result.stdout and "id-card.jpg" not in result.stdout

    once = otj(runner, a, "sync", "--include", "clients/*/*.pdf")
    ok(once)
    assert "clients/mia-k/consent-scan.pdf" in on_remote(remote)
    assert "private.txt" not in on_remote(remote)
    assert ".~lock.report.odt#" not in on_remote(remote)

    # A pattern reaching outside the notes folder is refused before anything is staged.
    (a / "private.txt").write_bytes(b"edited\n")
    bad = otj(runner, a, "sync", "--include", "../elsewhere/*")
    assert bad.exit_code == 2, bad.output
    assert "inside the notes folder" in bad.stderr
    (a / ".otjournal" / "sync-include").write_text("/etc/passwd\n")
    worse = otj(runner, a, "sync")
    assert worse.exit_code == 2 and "sync-include:1" in worse.stderr
    assert "private.txt" not in git(a, "ls-files")


def test_a_file_tracked_before_stays_synced_and_is_listed_once(runner, devices):
    """Files an earlier version (or the person) committed stay tracked: un-tracking them
    would delete them on the other devices at their next pull."""
    remote, a, _ = devices
    (a / "legacy.txt").write_text("committed by the old otj sync\n")
    git(a, "add", "legacy.txt")
    git(a, "-c", "user.name=A", "-c", "user.email=a@example.org", "commit", "-q", "-m", "old")
    (a / "legacy.txt").write_text("changed since\n")

    first = otj(runner, a, "sync")
    ok(first)
    assert "still synced because git tracked them before: 1 file" in first.stdout
    assert "    legacy.txt\n" in first.stdout and "git rm --cached" in first.stdout
    assert "legacy.txt" in on_remote(remote)
    again = otj(runner, a, "sync")
    ok(again)
    assert "legacy.txt" not in again.stdout


def test_a_left_out_file_that_goes_and_comes_back_is_listed_again(tmp_path):
    from otjournal.sync.syncscope import Reported

    first = Reported(tmp_path)
    assert first.new("left_out", ["b.txt", "a.txt"]) == ["a.txt", "b.txt"]
    first.save()
    second = Reported(tmp_path)
    assert second.new("left_out", ["a.txt"]) == []  # b.txt was moved away
    second.save()
    assert Reported(tmp_path).new("left_out", ["a.txt", "b.txt"]) == ["b.txt"]


def test_a_merge_that_keeps_both_sides_stages_no_stray_file(runner, devices):
    """The merge keeping conflict markers used to 'git add -A' the whole folder."""
    remote, a, b = devices
    for folder, name in ((a, "Name typed on A"), (b, "Name typed on B")):
        path = folder / "clients" / "mia-k" / "client.toml"  # renamed on both: no join
        path.write_bytes(path.read_bytes().replace(b'"Mia K."', f'"{name}"'.encode()))
    ok(otj(runner, a, "sync"))
    plant(b)

    result = otj(runner, b, "sync")

    assert result.exit_code == 1 and "clients/mia-k/client.toml" in result.stdout
    assert "<<<<<<<" in (b / "clients" / "mia-k" / "client.toml").read_text("utf-8")
    assert not set(STRAYS) & on_remote(remote)
    assert not set(STRAYS) & set(git(b, "ls-files").splitlines())


# -- 19. amendments from two clones ----------------------------------------------------------


def chain_holds(path: Path) -> None:
    raw, note = read_note(path)
    assert amend.verify(raw, note) == []
    assert raw.count(b"[[amendments]]") == len(note.amendments)


def shared_note(runner, a: Path, b: Path) -> str:
    log_session(runner, a, "2026-03-02", "09:00", "The note")
    ok(otj(runner, a, "sync"))
    ok(otj(runner, b, "sync"))
    (sid,) = [s["id"] for s in sessions(runner, a)]
    return sid


def test_sync_joins_amendments_from_two_clones_in_time_order(runner, devices, clock):
    _, a, b = devices
    sid = shared_note(runner, a, b)
    original = session_file(a, sid).read_bytes()
    # B's amendment is written later in the day than A's, but A syncs first and B second:
    # the order in the file is the amendments' own time, whoever syncs first.
    amend_at(runner, clock, b, sid, datetime(2026, 3, 3, 8, 0, tzinfo=TZ), "B", "From B")
    amend_at(runner, clock, a, sid, datetime(2026, 3, 3, 17, 0, tzinfo=TZ), "A", "From A")
    ok(otj(runner, b, "sync"))

    result = otj(runner, a, "sync")

    ok(result)
    assert "amendments from both sides joined in time order: 1 note" in result.stdout
    ok(otj(runner, b, "sync"))
    for folder in (a, b):
        path = session_file(folder, sid)
        raw, note = read_note(path)
        assert raw.startswith(original + b"\n[[amendments]]")  # the note, byte for byte
        assert [(x.by, x.text) for x in note.amendments] == [("B", "From B"), ("A", "From A")]
        assert note.amendments[0].previous_sha256 == hashlib.sha256(original + b"\n").hexdigest()
        chain_holds(path)
        assert len(sessions(runner, folder)) == 1
        check = otj(runner, folder, "check")
        ok(check)
        assert check.output == ""  # the joined bytes are sealed: no edit from outside
        assert clean(folder)
    assert session_file(a, sid).read_bytes() == session_file(b, sid).read_bytes()


def test_a_note_changed_in_more_than_its_amendments_is_left_for_conflicts(runner, devices, clock):
    """Only amendment-only divergence is joined; a hand edit keeps both sides (markers)."""
    _, a, b = devices
    sid = shared_note(runner, a, b)
    amend_at(runner, clock, a, sid, datetime(2026, 3, 3, 8, 0, tzinfo=TZ), "A", "From A")
    path = session_file(b, sid)
    path.write_bytes(path.read_bytes().replace(b"The note", b"The note, edited by hand"))
    ok(otj(runner, a, "sync"))

    result = otj(runner, b, "sync")

    assert result.exit_code == 1, result.output
    assert "both sides kept in 1 file(s)" in result.stdout
    assert b"<<<<<<<" in path.read_bytes()
    merge = otj(runner, b, "conflicts", "resolve", path.name, "--keep", "merge", "--yes")
    assert merge.exit_code == 1 and "cannot merge" in merge.stderr
    assert b"<<<<<<<" in path.read_bytes(), "a refused merge changes nothing"


def test_a_note_deleted_on_one_device_and_amended_on_the_other_is_kept_and_said(
    runner, devices, clock
):
    """Git keeps the amended note whole (no markers): sync says so, and does not send
    the person to 'otj conflicts', which has nothing to show."""
    _, a, b = devices
    sid = shared_note(runner, a, b)
    # Deleted on purpose (`git rm`: a deletion by hand alone stops the sync, test_gitsync).
    git(a, "rm", "-q", session_file(a, sid).relative_to(a).as_posix())
    ok(otj(runner, a, "sync"))
    amend_at(runner, clock, b, sid, datetime(2026, 3, 3, 8, 0, tzinfo=TZ), "B", "From B")

    result = otj(runner, b, "sync")

    assert result.exit_code == 0, result.output
    assert "deleted on one device and changed on the other, kept as changed: 1 file" in (
        result.stdout
    )
    assert "otj conflicts" not in result.stdout
    assert otj(runner, b, "conflicts").stdout.startswith("No conflicts")
    path = session_file(b, sid)
    assert b"<<<<<<<" not in path.read_bytes()
    assert [x.text for x in read_note(path)[1].amendments] == ["From B"]
    ok(otj(runner, a, "sync"))
    assert session_file(a, sid).read_bytes() == path.read_bytes()  # back on A


def test_keep_merge_joins_amendments_in_a_file_with_git_markers(runner, devices, clock):
    """A merge made outside otj (plain 'git pull') leaves markers; --keep merge joins."""
    _, a, b = devices
    sid = shared_note(runner, a, b)
    original = session_file(a, sid).read_bytes()
    amend_at(runner, clock, a, sid, datetime(2026, 3, 4, 9, 0, tzinfo=TZ), "A", "From A")
    amend_at(runner, clock, b, sid, datetime(2026, 3, 3, 9, 0, tzinfo=TZ), "B", "From B")
    ok(otj(runner, a, "sync"))
    git(b, "add", "-A")
    ident = ("-c", "user.name=B", "-c", "user.email=b@example.org")
    git(b, *ident, "commit", "-q", "-m", "B amends")
    pulled = subprocess.run(
        ["git", *ident, "pull", "-q", "--no-rebase", "origin", "HEAD"],
        cwd=b, capture_output=True, text=True,
    )  # fmt: skip
    assert pulled.returncode != 0, "plain git cannot merge two appended amendments"
    git(b, "add", "-A")
    git(b, *ident, "commit", "-q", "-m", "markers kept")
    path = session_file(b, sid)
    assert b"<<<<<<<" in path.read_bytes()
    listed = json.loads(otj(runner, b, "conflicts", "--json").stdout)["conflicts"]
    assert [c["tool"] for c in listed] == ["git"]

    resolved = otj(runner, b, "conflicts", "resolve", path.name, "--keep", "merge", "--yes")

    ok(resolved)
    raw, note = read_note(path)
    assert raw.startswith(original + b"\n[[amendments]]")
    assert [(x.by, x.text) for x in note.amendments] == [("B", "From B"), ("A", "From A")]
    chain_holds(path)
    assert len(sessions(runner, b)) == 1
    ok(otj(runner, b, "check"))
    moved = list((b / ".otjournal" / "resolved").rglob(path.name))
    assert len(moved) == 1 and b"<<<<<<<" in moved[0].read_bytes()
    ok(otj(runner, b, "sync"))
    ok(otj(runner, a, "sync"))
    assert session_file(a, sid).read_bytes() == raw


def test_keep_both_on_an_identical_copy_makes_no_duplicate(runner, notes):
    ok(otj(runner, notes, "client", "add", "mia-k", "--name", "Mia K."))
    log_session(runner, notes, "2026-03-02", "09:00", "The note")
    (sid,) = [s["id"] for s in sessions(runner, notes)]
    path = session_file(notes, sid)
    copy = path.with_name(f"{sid}.sync-conflict-20260302-101010-ABCDEF7.toml")
    copy.write_bytes(path.read_bytes())

    result = otj(runner, notes, "conflicts", "resolve", copy.name, "--keep", "both", "--yes")

    ok(result)
    assert "same record" in result.stdout
    assert [s["id"] for s in sessions(runner, notes)] == [sid]
    assert not copy.exists()
    assert len(list((notes / ".otjournal" / "resolved").rglob("*.toml"))) == 1
    ok(otj(runner, notes, "check"))


def test_keep_both_on_git_sides_holding_one_record_makes_no_duplicate(runner, notes):
    ok(otj(runner, notes, "client", "add", "mia-k", "--name", "Mia K."))
    log_session(runner, notes, "2026-03-02", "09:00", "The note")
    (sid,) = [s["id"] for s in sessions(runner, notes)]
    path = session_file(notes, sid)
    raw = path.read_bytes()
    head, tail = raw.split(b"summary", 1)
    path.write_bytes(
        head + b"<<<<<<< ours\nsummary" + tail.split(b"\n", 1)[0] + b"\n=======\nsummary"
        + tail.split(b"\n", 1)[0] + b"\n>>>>>>> theirs\n" + tail.split(b"\n", 1)[1]
    )  # fmt: skip

    result = otj(runner, notes, "conflicts", "resolve", path.name, "--keep", "both", "--yes")

    ok(result)
    assert "kept it once" in result.stdout
    assert path.read_bytes() == raw
    assert [s["id"] for s in sessions(runner, notes)] == [sid]


def test_merge_is_the_same_whichever_side_is_ours():
    """Two devices joining the same amendments must write the same bytes (or git would
    see two different changes and conflict again)."""
    from otjournal.disk import tomlio

    base = tomlio.framed(tomlio.dumps(make_session(id="2026-03-05_1430_abcde").to_dict()))
    from otjournal.model import Amendment

    def am(hour: int, by: str) -> Amendment:
        return Amendment(datetime(2026, 3, 6, hour, tzinfo=TZ), by, "addition", f"by {by}")

    x = amend.append(amend.append(base, am(9, "x1")), am(12, "x2"))
    y = amend.append(amend.append(base, am(12, "x2")), am(10, "y"))  # x2 reached y first
    parse = Session.from_dict
    sx = parse_record_bytes(x, Path("x.toml"), parse)
    sy = parse_record_bytes(y, Path("y.toml"), parse)
    joined = amend.merge(x, sx, y, sy)
    assert joined == amend.merge(y, sy, x, sx)
    note = parse_record_bytes(joined, Path("j.toml"), parse)
    assert [a.by for a in note.amendments] == ["x1", "y", "x2"]
    assert amend.verify(joined, note) == []
    assert amend.merge(joined, note, x, sx) == joined  # joining again changes nothing
    broken = x.replace(b"by x1", b"by x1, edited")
    with pytest.raises(amend.CannotMerge):
        amend.merge(broken, parse_record_bytes(broken, Path("b.toml"), parse), y, sy)


# -- the multi-device test ----------------------------------------------------------------------

CLONES = 10
NOTES_EACH = 20
SHARED = 3


@pytest.mark.slow
def test_ten_clones_converge_with_every_note_and_amendment_once(runner, tmp_path, clock):
    rng = random.Random(12)
    remote = bare(tmp_path / "remote.git")
    clones = [tmp_path / f"clone{i}" for i in range(CLONES)]
    first = clones[0]
    ok(otj(runner, first, "init", "--git", "--remote", str(remote)))
    ok(otj(runner, first, "client", "add", "mia-k", "--name", "Mia K."))
    mia, fingerprint = Journal(first).read_client("mia-k")  # g1, rated by make_session below
    Journal(first).save_client(mia.with_goal(Goal("g1", "Laces shoes")), fingerprint)
    for n in range(SHARED):
        log_session(runner, first, f"2026-02-0{n + 1}", "09:00", f"Shared note {n}")
    ok(otj(runner, first, "sync"))
    shared = sorted(s["id"] for s in sessions(runner, first))
    for clone in clones[1:]:
        ok(otj(runner, clone, "init", "--git", "--remote", str(remote)))
    expected_ids = set(shared)
    expected_amendments: dict[str, set[tuple[str, str]]] = {sid: set() for sid in shared}

    for i, clone in enumerate(clones):
        j = Journal(clone)
        for n in range(NOTES_EACH):
            start = datetime(2026, 3, 1 + n, 8 + i % 10, 0, tzinfo=TZ)
            saved = j.add_session(make_session(start=start, written_by=f"clone {i}"))
            expected_ids.add(saved.record.id)

    def amend_some(round_: str) -> None:
        for i, clone in enumerate(clones):
            for sid in rng.sample(shared, 2):
                at = datetime(2026, 3, 25, tzinfo=TZ) + timedelta(minutes=rng.randrange(5000))
                text = f"clone {i}, {round_}"
                amend_at(runner, clock, clone, sid, at, f"clone {i}", text)
                expected_amendments[sid].add((f"clone {i}", text))

    def sync_round(order: list[Path]) -> bool:
        """True if anything moved (a clone's HEAD or the remote's)."""
        before = [git(c, "rev-parse", "HEAD") for c in clones] + [remote_head(remote)]
        for clone in order:
            ok(otj(runner, clone, "sync"))
        after = [git(c, "rev-parse", "HEAD") for c in clones] + [remote_head(remote)]
        return before != after

    amend_some("first")
    sync_round(rng.sample(clones, CLONES // 2))  # half of them: merged files come back
    amend_some("second")  # amending notes some clones already joined and re-chained
    rounds = 0
    while sync_round(rng.sample(clones, CLONES)):
        rounds += 1
        assert rounds < 6, "sync did not settle"

    assert len(expected_ids) == SHARED + CLONES * NOTES_EACH
    reference = {sid: session_file(first, sid).read_bytes() for sid in shared}
    for clone in clones:
        snap = Journal(clone).load()
        assert sorted(s.record.id for s in snap.sessions) == sorted(expected_ids)  # once each
        assert snap.conflicts == [] and snap.problems == []
        for sid in shared:
            path = session_file(clone, sid)
            assert path.read_bytes() == reference[sid]
            _, note = read_note(path)
            got = [(a.by, a.text) for a in note.amendments]
            assert len(got) == len(set(got)) and set(got) == expected_amendments[sid]
            assert [a.at for a in note.amendments] == sorted(a.at for a in note.amendments)
            chain_holds(path)
        check = otj(runner, clone, "check")
        assert check.exit_code == 0, check.output
        assert check.output == "", check.output  # every joined note is sealed
        assert clean(clone)
        assert git(clone, "rev-parse", "HEAD").strip() == remote_head(remote)
