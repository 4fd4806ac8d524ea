"""Sync conflict copies and git conflict markers (reliability.md, "Sync conflicts").

One fixture per row of the table: each copy is surfaced by ``otj check`` (exit 1),
listed by ``otj conflicts``, never counted twice (``otj list --json``, ``otj trends
--json``), never read from ``.stversions/`` or temp files; ``otj conflicts resolve``
keeps the original, the copy, both (the copy becomes a session with a new id) or merges
amendments, asks first unless ``--yes``, and moves whatever it removes into
``.otjournal/resolved/`` inside the notes folder -- never deleting, never writing
outside the folder, never following a planted symlink.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from otjournal.cli import app
from otjournal.disk import amend, tomlio
from otjournal.disk.store import Journal
from otjournal.model import Amendment, HomeworkEntry, Session
from otjournal.model.words import conflict_copy
from tests.conftest import TZ, Clock, make_client, make_session
from tests.helpers import tree

START = datetime(2026, 3, 5, 14, 30, tzinfo=TZ)
FIXED_NOW = datetime(2026, 3, 10, 12, 0, 0, tzinfo=TZ)
STAMP = "20260310-120000"
SESSIONS = Path("clients") / "mia-k" / "sessions"
LAPTOP_TEXT = "Added on the laptop: Mum says laces at home too."

# name pattern for a copy of STEM (tool as otj names it). reliability.md's table.
PATTERNS: dict[str, tuple[str, str]] = {
    "syncthing": ("{stem}.sync-conflict-20260306-101500-ABCDEF1", "Syncthing"),
    "dropbox": ("{stem} (Alex Rivera's conflicted copy 2026-03-06)", "Dropbox"),
    "nextcloud": ("{stem} (conflicted copy 2026-03-06 101500)", "Nextcloud/ownCloud"),
    "nextcloud-user": ("{stem} (conflicted copy alex 2026-03-06 101500)", "Nextcloud/ownCloud"),
    "nextcloud-old": ("{stem}_conflict-20260306-101500", "Nextcloud/ownCloud (old)"),
    "onedrive-computer": ("{stem}-ALEX-LAPTOP", "OneDrive"),
    "onedrive-2": ("{stem}-2", "OneDrive"),
    "icloud-2": ("{stem} 2", "iCloud"),
    "icloud-copy": ("{stem} Copy", "iCloud"),
    "google-drive": ("{stem} (1)", "Google Drive"),
}


# -- helpers ---------------------------------------------------------------------------


def plant(path: Path, data: bytes, mode: int = 0o600) -> Path:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
    os.chmod(path, mode)
    return path


def plant_over(path: Path, data: bytes) -> None:
    """Overwrite in place (an editor saving, or git writing markers): the mode is kept."""
    with path.open("r+b") as fh:
        fh.write(data)
        fh.truncate()


def invoke(runner, *args: str, input: str | None = None):
    result = runner.invoke(app, list(args), input=input)
    assert "Traceback" not in result.output, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception
    )
    return result


def listed_ids(runner) -> list[str]:
    result = invoke(runner, "list", "--json")
    assert result.exit_code == 0, result.output
    return [s["id"] for s in json.loads(result.stdout)["sessions"]]


def trend_sessions(runner) -> tuple[int, int]:
    """Sessions counted by `otj trends --json` for everyone, and for mia-k alone."""
    span = ["--since", "2000-01-01", "--until", "2100-01-01"]
    everyone = invoke(runner, "trends", "--json", *span)
    assert everyone.exit_code == 0, everyone.output
    mia = invoke(runner, "trends", "mia-k", "--json", *span)
    assert mia.exit_code == 0, mia.output
    rows = {c["client"]: c["sessions"] for c in json.loads(everyone.stdout)["clients"]}
    return rows["mia-k"], json.loads(mia.stdout)["sessions"]


def resolved_files(root: Path) -> list[Path]:
    base = root / ".otjournal" / "resolved"
    return sorted(p for p in base.rglob("*") if p.is_file()) if base.exists() else []


def with_amendment(raw: bytes, text: str = LAPTOP_TEXT, by: str = "Sam Lee") -> bytes:
    return amend.append(raw, Amendment(START + timedelta(days=1), by, "addition", text))


def parse_session(raw: bytes) -> Session:
    return Session.from_dict(tomlio.parse(raw))


@dataclass
class Pair:
    """mia-k with two sessions; ``s1`` is the one the copies are copies of."""

    root: Path
    s1: Path
    s2: Path

    @property
    def ids(self) -> list[str]:
        return sorted([self.s1.stem, self.s2.stem])

    def copy_path(self, pattern: str) -> Path:
        template, _ = PATTERNS[pattern]
        return self.s1.with_name(template.format(stem=self.s1.stem) + ".toml")


@pytest.fixture
def pair(journal: Journal, clock: Clock) -> Pair:
    clock.set(FIXED_NOW)
    journal.add_client(make_client())
    s1 = journal.add_session(make_session(), durable=False).path
    # Both sessions before "now": a period is counted up to today at most.
    s2 = journal.add_session(make_session(start=START + timedelta(days=4)), durable=False).path
    return Pair(journal.root, s1, s2)


def git_marked(ours: bytes, theirs: bytes) -> bytes:
    """One file holding both sides between markers, as git leaves it (common lines kept)."""
    a, b = ours.splitlines(keepends=True), theirs.splitlines(keepends=True)
    head = 0
    while head < min(len(a), len(b)) and a[head] == b[head]:
        head += 1
    tail = 0
    while tail < min(len(a), len(b)) - head and a[-1 - tail] == b[-1 - tail]:
        tail += 1
    return b"".join(
        [
            *a[:head],
            b"<<<<<<< HEAD\n",
            *a[head : len(a) - tail],
            b"=======\n",
            *b[head : len(b) - tail],
            b">>>>>>> origin/main\n",
            *a[len(a) - tail :],
        ]
    )


# -- 1. every pattern is surfaced, listed and never counted twice ----------------------------


@pytest.mark.parametrize("pattern", list(PATTERNS))
def test_copy_is_reported_listed_and_not_counted(runner, pair: Pair, pattern: str):
    _, tool = PATTERNS[pattern]
    copy = plant(pair.copy_path(pattern), with_amendment(pair.s1.read_bytes()))
    before = tree(pair.root)
    rel = copy.relative_to(pair.root).as_posix()

    check = invoke(runner, "check")
    assert check.exit_code == 1
    assert (
        f"{rel}:1:1: error: a sync conflict copy ({tool}) of {pair.s1.name}: it is not "
        "counted until resolved" in check.stdout
    ), check.stdout

    listed = invoke(runner, "conflicts")
    assert listed.exit_code == 0
    assert f"{rel}: {conflict_copy(tool)} of {pair.s1.name}" in listed.stdout
    assert f'+text = "{LAPTOP_TEXT}"' in listed.stdout  # what differs is shown
    as_json = json.loads(invoke(runner, "conflicts", "--json").stdout)["conflicts"]
    assert as_json == [
        {"copy": rel, "original": pair.s1.relative_to(pair.root).as_posix(), "tool": tool}
    ]

    assert listed_ids(runner) == pair.ids
    assert trend_sessions(runner) == (2, 2)
    listing = invoke(runner, "list")
    assert "1 sync conflict copy set aside" in listing.stderr

    doctor = invoke(runner, "doctor")
    assert "1 sync conflict copy set aside" in doctor.stdout and doctor.exit_code == 1
    assert tree(pair.root) == before, "reading commands changed the folder"


@pytest.mark.parametrize(
    "name, tool",
    [
        ("client.sync-conflict-20260306-101500-ABCDEF1.toml", "Syncthing"),
        ("client (Alex's conflicted copy 2026-03-06).toml", "Dropbox"),
        ("client_conflict-20260306-101500.toml", "Nextcloud/ownCloud (old)"),
        ("client-ALEX-LAPTOP.toml", "OneDrive"),
        ("client 2.toml", "iCloud"),
        ("client (1).toml", "Google Drive"),
    ],
)
def test_client_toml_copy_is_reported_and_resolvable(runner, pair: Pair, name: str, tool: str):
    client = pair.root / "clients" / "mia-k" / "client.toml"
    theirs = client.read_bytes().replace(b'"Mia K."', b'"Mia Kowalski"')
    copy = plant(client.with_name(name), theirs)
    check = invoke(runner, "check")
    assert check.exit_code == 1
    assert f"a sync conflict copy ({tool}) of client.toml" in check.stdout
    assert listed_ids(runner) == pair.ids

    refused = invoke(runner, "conflicts", "resolve", name, "--keep", "both", "--yes")
    assert refused.exit_code == 2 and "a client has one client.toml" in refused.stderr
    assert "--keep merge joins the two" in refused.stderr
    merge = invoke(runner, "conflicts", "resolve", name, "--keep", "merge", "--yes")
    assert merge.exit_code == 1 and "display_name differs on the two devices" in merge.stderr

    done = invoke(runner, "conflicts", "resolve", name, "--keep", "copy", "--yes")
    assert done.exit_code == 0, done.output
    assert client.read_bytes() == theirs and not copy.exists()
    assert invoke(runner, "check").exit_code == 0
    assert [p.name for p in resolved_files(pair.root)] == ["client.toml"]


def test_a_long_line_of_the_difference_stays_whole_when_piped(runner, pair: Pair):
    """Piped (read by a person's pager or a tool), each changed line keeps its "-" or
    "+": a line longer than 80 columns was folded onto a line without one."""
    ours = pair.s1.read_bytes()
    long = "Mia chose the swing first and then " + "the long obstacle course " * 6
    plant_over(pair.s1, git_marked(ours, ours.replace(b"Followed Mia's lead.", long.encode())))
    listed = invoke(runner, "conflicts")  # the runner is not a terminal: 80 columns
    changed = [line for line in listed.stdout.splitlines() if "obstacle course" in line]
    assert changed == [f'    +summary = "{long}"'], listed.stdout


def test_git_markers_in_a_session_are_reported_and_listed(runner, pair: Pair):
    ours = pair.s1.read_bytes()
    theirs = ours.replace(b"Followed Mia's lead.", b"Mia chose the swing first.")
    marked = git_marked(ours, theirs)
    plant_over(pair.s1, marked)
    rel = pair.s1.relative_to(pair.root).as_posix()
    line = marked.split(b"\n").index(b"<<<<<<< HEAD") + 1

    check = invoke(runner, "check")
    assert check.exit_code == 1
    assert f"{rel}:{line}:1: error: git conflict markers" in check.stdout, check.stdout
    listed = invoke(runner, "conflicts")
    assert f"{rel}: git conflict markers (both sides inside the file)" in listed.stdout
    assert '-summary = "Followed Mia\'s lead."' in listed.stdout
    assert '+summary = "Mia chose the swing first."' in listed.stdout
    # Neither side counts twice; the file is not silently dropped either.
    ids = listed_ids(runner)
    assert len(ids) == len(set(ids)) <= 2
    assert "could not be read" in invoke(runner, "list").stderr
    mia, _ = trend_sessions(runner)
    assert mia <= 2


def test_git_markers_in_client_toml_are_reported_and_listed(runner, pair: Pair):
    client = pair.root / "clients" / "mia-k" / "client.toml"
    ours = client.read_bytes()
    theirs = ours.replace(b'"Mia K."', b'"Mia Kowalski"')
    plant_over(client, git_marked(ours, theirs))
    check = invoke(runner, "check")
    assert check.exit_code == 1
    assert "clients/mia-k/client.toml:" in check.stdout and "git conflict markers" in check.stdout
    listed = json.loads(invoke(runner, "conflicts", "--json").stdout)["conflicts"]
    assert listed == [
        {
            "copy": "clients/mia-k/client.toml",
            "original": "clients/mia-k/client.toml",
            "tool": "git",
        }
    ]


def test_sync_tool_folders_and_temp_files_are_never_loaded(runner, pair: Pair):
    raw = pair.s1.read_bytes()
    stem = pair.s1.stem
    folder = pair.s1.parent
    # Syncthing's versions folder at the root of the synced folder (old copies).
    versions = pair.root / ".stversions" / SESSIONS
    versions.mkdir(parents=True)
    plant(versions / f"{stem}~20260306-101500.toml", raw, 0o644)
    plant(versions / f"{stem}.toml", with_amendment(raw), 0o644)
    (pair.root / "clients" / ".stversions").mkdir()
    plant(pair.root / "clients" / ".stversions" / "client.toml", b"not = 'read'\n", 0o644)
    # Temp files of otj and of sync tools, beside the notes.
    for name in (
        ".otj-abc123.part",
        f".otj-{stem}.toml.part",
        f".syncthing.{stem}.toml.tmp",
        f"~syncthing~{stem}.toml.tmp",
        f".{stem}.toml",
        f"{stem}.toml.part",
        f".~lock.{stem}.toml#",
        ".dropbox",
    ):
        plant(folder / name, raw)
    (folder / ".stversions").mkdir()
    plant(folder / ".stversions" / f"{stem}.toml", raw)

    check = invoke(runner, "check")
    assert check.exit_code == 0 and check.stdout == "", check.stdout
    assert listed_ids(runner) == pair.ids
    assert trend_sessions(runner) == (2, 2)
    assert invoke(runner, "conflicts").stdout.strip() == "No conflicts."


# -- 2. resolving: keep original, copy, both, merge ------------------------------------------


def resolve(runner, copy: Path, keep: str, *, yes: bool = True, input: str | None = None):
    args = ["conflicts", "resolve", copy.name, "--keep", keep]
    return invoke(runner, *args, *(["--yes"] if yes else []), input=input)


def resolved_path(pair: Pair, path: Path) -> Path:
    return pair.root / ".otjournal" / "resolved" / STAMP / path.relative_to(pair.root)


@pytest.mark.parametrize("keep", ["original", "copy", "both", "merge"])
@pytest.mark.parametrize("pattern", list(PATTERNS))
def test_resolve_does_what_it_says(runner, pair: Pair, pattern: str, keep: str):
    original = pair.s1.read_bytes()
    copy_bytes = with_amendment(original)
    copy = plant(pair.copy_path(pattern), copy_bytes)

    result = resolve(runner, copy, keep)

    assert result.exit_code == 0, result.output
    assert not copy.exists()
    assert "Moved files go to .otjournal/resolved/" in result.stderr
    journal = Journal(pair.root)
    snap = journal.load()
    assert snap.conflicts == [] and snap.problems == []
    if keep == "original":
        assert pair.s1.read_bytes() == original
        assert resolved_path(pair, copy).read_bytes() == copy_bytes
        assert listed_ids(runner) == pair.ids
    elif keep == "copy":
        assert pair.s1.read_bytes() == copy_bytes
        assert resolved_path(pair, pair.s1).read_bytes() == original
        assert listed_ids(runner) == pair.ids
    elif keep == "both":
        assert pair.s1.read_bytes() == original
        assert resolved_path(pair, copy).read_bytes() == copy_bytes
        ids = listed_ids(runner)
        assert len(ids) == 3 and set(pair.ids) < set(ids)
        (new_id,) = set(ids) - set(pair.ids)
        assert f"Saved the copy as a session of its own: {new_id}" in result.stdout
        new = next(s for s in snap.sessions if s.record.id == new_id)
        assert new.path.name == f"{new_id}.toml"
        copy_record = parse_session(copy_bytes)
        assert [a.text for a in new.record.amendments] == [LAPTOP_TEXT]
        assert (new.record.start, new.record.plan) == (copy_record.start, copy_record.plan)
        assert stat.S_IMODE(os.stat(new.path).st_mode) == 0o600
    else:  # merge
        merged = pair.s1.read_bytes()
        assert merged.startswith(original)
        session = parse_session(merged)
        assert [a.text for a in session.amendments] == [LAPTOP_TEXT]
        assert session.amendments[0].extra.get("merged_from") == copy.name
        assert amend.verify(merged, session) == []
        assert resolved_path(pair, copy).read_bytes() == copy_bytes
        assert listed_ids(runner) == pair.ids
        assert "Merged 1 amendment into" in result.stdout
    mia, _ = trend_sessions(runner)
    assert mia == (3 if keep == "both" else 2)
    check = invoke(runner, "check")
    assert check.exit_code == 0, check.stdout
    if keep != "both":  # see test_keep_both_of_an_amended_copy_keeps_a_chain_that_verifies
        assert "changed outside otjournal" not in check.stdout


def test_keep_both_of_an_amended_copy_keeps_a_chain_that_verifies(runner, pair: Pair):
    """The copy's amendments were hashed against the copy's own bytes (its old id).

    Saved again under a new id, the bytes before each amendment change, so the recorded
    hashes no longer match: today `otj check` then warns that a file otj itself just
    wrote was "changed outside otjournal". The new session's chain should verify (e.g.
    re-chain the amendments when the copy is saved under its new id).
    """
    copy = plant(pair.copy_path("syncthing"), with_amendment(pair.s1.read_bytes()))
    assert resolve(runner, copy, "both").exit_code == 0
    journal = Journal(pair.root)
    (new,) = [s for s in journal.load().sessions if s.record.id not in pair.ids]
    raw = new.path.read_bytes()
    assert amend.verify(raw, parse_session(raw)) == []
    check = invoke(runner, "check")
    assert "changed outside otjournal" not in check.stdout, check.stdout


def test_merge_joins_amendments_made_on_both_devices(runner, pair: Pair):
    """Each device amended the same session: the merge keeps both amendments, chained."""
    base = pair.s1.read_bytes()
    ours = with_amendment(base, "Ours: teacher's email.", "Alex Rivera")
    plant_over(pair.s1, ours)
    theirs = with_amendment(base, "Theirs: GP letter.", "Sam Lee")
    copy = plant(pair.copy_path("dropbox"), theirs)

    result = resolve(runner, copy, "merge")

    assert result.exit_code == 0, result.output
    merged = pair.s1.read_bytes()
    assert merged.startswith(ours)
    session = parse_session(merged)
    assert [a.text for a in session.amendments] == ["Ours: teacher's email.", "Theirs: GP letter."]
    assert amend.verify(merged, session) == []
    # Merging again (the same copy restored from resolved/) adds nothing.
    again = plant(pair.copy_path("dropbox"), theirs)
    assert resolve(runner, again, "merge").exit_code == 0
    assert pair.s1.read_bytes() == merged


def test_merge_refuses_copies_whose_notes_differ(runner, pair: Pair):
    changed = pair.s1.read_bytes().replace(b"Followed Mia's lead.", b"Mia chose the swing.")
    copy = plant(pair.copy_path("icloud-2"), changed)
    before = tree(pair.root)
    result = resolve(runner, copy, "merge")
    assert result.exit_code == 2
    assert "differ in more than their amendments" in result.stderr
    assert tree(pair.root) == before


@pytest.mark.parametrize("keep", ["original", "copy", "both", "merge"])
@pytest.mark.parametrize("answer", ["n\n", "", "no\n"], ids=["n", "eof", "no"])
def test_resolve_asks_first_and_no_changes_nothing(runner, pair: Pair, keep: str, answer: str):
    copy = plant(pair.copy_path("syncthing"), with_amendment(pair.s1.read_bytes()))
    before = tree(pair.root)
    result = resolve(runner, copy, keep, yes=False, input=answer)
    assert result.exit_code == 1, result.output
    assert "Go ahead?" in result.output
    assert tree(pair.root) == before


def test_resolve_acts_after_yes_at_the_prompt(runner, pair: Pair):
    copy = plant(pair.copy_path("syncthing"), with_amendment(pair.s1.read_bytes()))
    result = resolve(runner, copy, "original", yes=False, input="y\n")
    assert result.exit_code == 0, result.output
    assert not copy.exists() and resolved_path(pair, copy).exists()


def test_resolve_unknown_or_ambiguous_copy(runner, pair: Pair):
    plant(pair.copy_path("icloud-2"), pair.s1.read_bytes())
    plant(pair.copy_path("icloud-copy"), pair.s1.read_bytes())
    before = tree(pair.root)
    for name in ("nothing-like-it.toml", ".toml"):
        result = invoke(runner, "conflicts", "resolve", name, "--keep", "original", "--yes")
        assert result.exit_code == 1 and "no single conflict copy" in result.stderr
    bad = invoke(
        runner, "conflicts", "resolve", pair.copy_path("icloud-2").name, "--keep", "x", "--yes"
    )
    assert bad.exit_code == 2
    assert tree(pair.root) == before


def test_copy_whose_original_is_gone(runner, pair: Pair):
    """Deleted on one device, amended on another: the copy is listed; keeping it restores."""
    raw = pair.s1.read_bytes()
    copy = plant(pair.copy_path("syncthing"), with_amendment(raw))
    pair.s1.unlink()
    assert invoke(runner, "check").exit_code == 1
    assert listed_ids(runner) == [pair.s2.stem]
    refused = resolve(runner, copy, "original")
    assert refused.exit_code == 2 and "missing" in refused.stderr
    kept = resolve(runner, copy, "copy")
    assert kept.exit_code == 0, kept.output
    assert pair.s1.read_bytes() == with_amendment(raw)
    assert listed_ids(runner) == pair.ids


def test_homework_copy_keep_both_gets_a_new_id(runner, pair: Pair):
    journal = Journal(pair.root)
    entry = journal.add_homework(
        HomeworkEntry("", "mia-k", "journal", START, "Sarah", START, text="Practised lacing")
    )
    raw = entry.path.read_bytes()
    copy = plant(
        entry.path.with_name(entry.path.stem + " (1).toml"), raw.replace(b"lacing", b"laces")
    )
    assert invoke(runner, "check").exit_code == 1
    refused = invoke(runner, "conflicts", "resolve", copy.name, "--keep", "merge", "--yes")
    assert refused.exit_code == 2
    result = invoke(runner, "conflicts", "resolve", copy.name, "--keep", "both", "--yes")
    assert result.exit_code == 0, result.output
    homework = journal.load().homework
    assert sorted(h.record.text for h in homework) == ["Practised laces", "Practised lacing"]
    assert len({h.record.id for h in homework}) == 2
    assert invoke(runner, "check").exit_code == 0


def test_homework_copy_keep_both_of_an_entry_already_here_keeps_it_once(runner, pair: Pair):
    """The copy differs from its original but is another entry already here: keeping
    both would count that entry twice, so it is kept once (and said), never a traceback."""
    journal = Journal(pair.root)
    made = [
        journal.add_homework(
            HomeworkEntry("", "mia-k", "journal", START, "Sarah", START, text=text)
        )
        for text in ("Practised lacing", "Practised laces")
    ]
    original = made[0].path
    copy = plant(
        original.with_name(original.stem + " (1).toml"),
        original.read_bytes().replace(b"lacing", b"laces"),
    )
    result = invoke(runner, "conflicts", "resolve", copy.name, "--keep", "both", "--yes")
    assert result.exit_code == 0, result.output
    assert "the same entry as one already here: kept it once" in result.stdout
    homework = journal.load().homework
    assert sorted(h.record.text for h in homework) == ["Practised laces", "Practised lacing"]
    assert not copy.exists()  # moved aside, recoverable
    assert invoke(runner, "check").exit_code == 0


# -- 3. git markers: ours, theirs, both -------------------------------------------------------


@pytest.mark.parametrize("keep", ["ours", "theirs", "both"])
def test_resolve_git_markers_in_a_session(runner, pair: Pair, keep: str):
    ours = pair.s1.read_bytes()
    theirs = with_amendment(ours)
    marked = git_marked(ours, theirs)
    plant_over(pair.s1, marked)

    result = invoke(
        runner, "conflicts", "resolve", SESSIONS.joinpath(pair.s1.name).as_posix(),
        "--keep", keep, "--yes",
    )  # fmt: skip

    assert result.exit_code == 0, result.output
    assert pair.s1.read_bytes() == (theirs if keep == "theirs" else ours)
    assert resolved_path(pair, pair.s1).read_bytes() == marked
    assert stat.S_IMODE(os.stat(pair.s1).st_mode) == 0o600
    ids = listed_ids(runner)
    if keep == "both":
        assert len(ids) == 3 and set(pair.ids) < set(ids)
        assert "Saved their side as a session of its own" in result.stdout
    else:
        assert ids == pair.ids
    check = invoke(runner, "check")
    assert check.exit_code == 0, check.stdout


@pytest.mark.parametrize("keep", ["ours", "theirs"])
def test_resolve_git_markers_in_client_toml(runner, pair: Pair, keep: str):
    client = pair.root / "clients" / "mia-k" / "client.toml"
    ours = client.read_bytes()
    theirs = ours.replace(b'"Mia K."', b'"Mia Kowalski"')
    plant_over(client, git_marked(ours, theirs))
    for refused_keep in ("both", "merge", "original"):  # merge: display_name differs
        refused = invoke(
            runner, "conflicts", "resolve", "clients/mia-k/client.toml", "--keep", refused_keep,
            "--yes",
        )  # fmt: skip
        # A bad option exits 2; a merge the two sides' data refuse, 1.
        assert refused.exit_code == (1 if refused_keep == "merge" else 2), refused.output
    result = invoke(
        runner, "conflicts", "resolve", "clients/mia-k/client.toml", "--keep", keep, "--yes"
    )
    assert result.exit_code == 0, result.output
    assert client.read_bytes() == (ours if keep == "ours" else theirs)
    assert invoke(runner, "check").exit_code == 0


def test_marker_like_lines_in_a_note_are_not_a_conflict(runner, pair: Pair, clock: Clock):
    """A note that uses a line of seven '=' (or '<<<<<<< ') as a separator is still a note.

    Today `otj log` saves it, and from then on every command reports it as an
    unresolved git merge and leaves it out of lists and trends.
    """
    clock.set(datetime(2026, 3, 21, 9, 0, tzinfo=TZ))  # the day after the session logged
    summary = "Two parts today:\n=======\nswing, then laces"
    result = invoke(
        runner, "log", "mia-k", "--no-input", "--date", "2026-03-20", "--time", "10:00",
        "--by", "Alex", "--setting", "clinic", "--attendee", "child", "--summary", summary,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    ids = listed_ids(runner)
    assert len(ids) == 3, "the note just saved is not counted"
    check = invoke(runner, "check")
    assert check.exit_code == 0, check.stdout


# -- 4. nothing written outside the notes folder; planted symlinks --------------------------------


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    folder = tmp_path / "outside"
    folder.mkdir()
    return folder


@pytest.mark.parametrize("where", [".otjournal", ".otjournal/resolved"])
def test_symlinked_resolved_folder_is_refused(runner, pair: Pair, outside: Path, where: str):
    link = pair.root / where
    if link.is_dir():  # .otjournal/ already holds the seal logs: replaced by the link
        shutil.rmtree(link)
    link.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    link.symlink_to(outside, target_is_directory=True)
    copy = plant(pair.copy_path("syncthing"), with_amendment(pair.s1.read_bytes()))
    before = tree(pair.root)
    result = resolve(runner, copy, "original")
    assert result.exit_code == 1
    assert "symlink" in result.stderr
    assert list(outside.iterdir()) == []
    assert tree(pair.root) == before


@pytest.mark.parametrize("dangling", [True, False], ids=["dangling", "to-a-file"])
def test_symlink_where_set_aside_would_move_a_file(
    runner, pair: Pair, outside: Path, dangling: bool
):
    copy = plant(pair.copy_path("syncthing"), with_amendment(pair.s1.read_bytes()))
    target = resolved_path(pair, copy)
    target.parent.mkdir(parents=True, mode=0o700)
    victim = outside / "victim.toml"
    if not dangling:
        victim.write_bytes(b"# someone else's file\n")
    target.symlink_to(victim)

    result = resolve(runner, copy, "original")

    assert result.exit_code in (0, 1), result.output
    if dangling:
        assert not os.path.lexists(victim)
    else:
        assert victim.read_bytes() == b"# someone else's file\n"
    assert sorted(p.name for p in outside.iterdir()) == ([] if dangling else ["victim.toml"])
    moved = [p for p in resolved_files(pair.root) if not p.is_symlink()]
    if result.exit_code == 0:  # the copy is safe inside the notes folder
        assert any(p.read_bytes() == with_amendment(pair.s1.read_bytes()) for p in moved)
    else:
        assert copy.exists()


def test_symlink_planted_where_a_git_resolution_writes(
    runner, pair: Pair, outside: Path, monkeypatch: pytest.MonkeyPatch
):
    """Between moving the marked file aside and writing the kept side, a symlink appears."""
    ours = pair.s1.read_bytes()
    plant_over(pair.s1, git_marked(ours, with_amendment(ours)))
    victim = outside / "victim.toml"
    real = Journal.set_aside

    def set_aside_then_plant(self, path, stamp):
        moved = real(self, path, stamp)
        path.symlink_to(victim)
        return moved

    monkeypatch.setattr(Journal, "set_aside", set_aside_then_plant)
    result = invoke(runner, "conflicts", "resolve", pair.s1.name, "--keep", "ours", "--yes")
    assert result.exit_code in (1, 2)
    assert "appeared again" in result.stderr
    assert not os.path.lexists(victim)
    assert list(outside.iterdir()) == []
    assert resolved_path(pair, pair.s1).exists(), "the file with markers is recoverable"


def test_symlinked_original_is_not_written_through(runner, pair: Pair, outside: Path):
    """The original swapped for a symlink to a file outside: merging must not write there."""
    real_file = outside / "session.toml"
    real_file.write_bytes(pair.s1.read_bytes())
    pair.s1.unlink()
    pair.s1.symlink_to(real_file)
    copy = plant(pair.copy_path("syncthing"), with_amendment(real_file.read_bytes()))
    before_outside = real_file.read_bytes()
    result = resolve(runner, copy, "merge")
    assert result.exit_code != 0
    assert real_file.read_bytes() == before_outside
    assert sorted(p.name for p in outside.iterdir()) == ["session.toml"]


def test_a_symlinked_conflict_copy_is_never_followed(runner, pair: Pair, outside: Path):
    """A synced symlink named like a conflict copy, pointing at a private file elsewhere.

    The loader never reads a symlinked record ("not read: a symlink"); a conflict copy
    must not be followed either. Today `otj conflicts` prints the outside file's
    content in its diff.
    """
    secret = outside / "id_private"
    secret.write_text("OUTSIDE-SECRET-LINE\n")
    copy = pair.copy_path("syncthing")
    copy.symlink_to(secret)
    listed = invoke(runner, "conflicts")
    assert "OUTSIDE-SECRET-LINE" not in listed.output
    for keep in ("copy", "both", "merge"):
        result = resolve(runner, copy, keep)
        assert "OUTSIDE-SECRET-LINE" not in result.output
        assert result.exit_code != 0
    assert secret.read_text() == "OUTSIDE-SECRET-LINE\n"
    assert listed_ids(runner) == pair.ids


# -- 5. what resolve keeps is private ----------------------------------------------------------


@pytest.mark.parametrize("keep", ["original", "copy", "both"])
def test_a_world_readable_copy_does_not_leave_notes_readable(runner, pair: Pair, keep: str):
    """Sync tools create copies with the user's umask (0644). Whatever resolve keeps as a
    note must be private (0600), and `otj check` must not flag any note afterwards
    (the copy moved into .otjournal/resolved/ keeps its mode; that folder is 0700).

    Today --keep copy renames the sync tool's file into place and keeps its 0644.
    """
    copy = plant(pair.copy_path("dropbox"), with_amendment(pair.s1.read_bytes()), mode=0o644)
    assert resolve(runner, copy, keep).exit_code == 0
    clients = pair.root / "clients"
    wide = [
        p.relative_to(pair.root).as_posix()
        for p in clients.rglob("*")
        if stat.S_IMODE(os.stat(p).st_mode) & 0o077
    ]
    assert wide == [], f"readable by others after resolving: {wide}"
    check = invoke(runner, "check")
    assert check.exit_code == 0
    flagged = [
        ln
        for ln in check.stdout.splitlines()
        if "readable by others" in ln and "clients/" in ln[:9]
    ]
    assert flagged == [], check.stdout


@pytest.mark.parametrize("keep", ["original", "copy"])
def test_the_note_kept_after_a_copy_with_a_later_amendment_matches_its_seal(
    runner, pair: Pair, keep: str
):
    """Dropbox's way: the later save (amended, and sealed so) becomes the copy and the
    older bytes stay in place. Whichever is kept is the note, sealed as it is: the check
    is silent after, rather than warning for ever of an amendment removed."""
    import json

    before = pair.s1.read_bytes()
    ok = invoke(runner, "amend", pair.s1.stem, "--kind", "addition", "--text", "Later.",
                "--by", "Alex Rivera", "--no-input")  # fmt: skip
    assert ok.exit_code == 0, ok.output
    copy = plant(pair.copy_path(next(iter(PATTERNS))), pair.s1.read_bytes())
    pair.s1.write_bytes(before)
    assert resolve(runner, copy, keep).exit_code == 0
    found = json.loads(invoke(runner, "check", "--json").stdout)["problems"]
    assert [p for p in found if "seal" in p["message"]] == []


@pytest.mark.parametrize(
    "tool, words",
    [
        ("Syncthing", "a Syncthing conflict copy"),
        ("iCloud", "an iCloud conflict copy"),
        ("unknown tool", "an unknown tool conflict copy"),
        ("OneDrive", "a OneDrive conflict copy"),
        ("Google Drive", "a Google Drive conflict copy"),
    ],
)
def test_a_copy_is_named_with_the_article_its_tool_takes(tool, words):
    assert conflict_copy(tool) == words
