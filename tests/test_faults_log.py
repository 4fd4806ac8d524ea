"""Disk faults through the commands people type: ``otj log`` and ``otj amend``.

reliability.md, "How they test it": make ``os.write``, ``os.fsync``, ``os.link``,
``os.replace`` and the folder fsync each fail in turn -- a clear error, the folder
unchanged, no temp left, the draft kept. tests/test_store.py does this for the store's
API; here the real CLI runs (CliRunner) with the fault injected into ``os`` in this
process, and what a person sees is checked: exit 1, a message naming the failure, no
traceback, the notes folder byte-for-byte as before, and the text they piped in kept as
a draft that ``otj log --resume`` saves once the disk is well again.

The faults hit only files and folders inside the notes folder (the drafts live in the
private state folder, on what is usually a different mount in the cases that matter:
a synced or network notes folder); one test makes the drafts folder fail as well.

Also here: private modes under umask 022 and 002 for every command that writes.
"""

from __future__ import annotations

import errno
import json
import os
import stat
import tomllib
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from otjournal.cli import app
from otjournal.disk.store import Journal
from tests.conftest import TZ, make_client, make_session
from tests.helpers import tree

START = datetime(2026, 3, 5, 14, 30, tzinfo=TZ)
SECRET = "Mia laced both shoes, beaming"  # note text: never in an error message

FROM_STDIN = f"""\
start = 2026-03-06T09:00:00+10:00
duration_min = 50
setting = "clinic"
attendees = ["child", "parent"]
written_by = "Alex Rivera"

[child_voice]
text = \"\"\"
I did it myself!
Both shoes.\"\"\"

[plan]
summary = "{SECRET}"
"""

LOG_FLAGS = [
    "--no-input",
    "--date",
    "2026-03-06",
    "--time",
    "09:00",
    "--by",
    "Alex Rivera",
    "--setting",
    "clinic",
    "--attendee",
    "child",
    "--summary",
    SECRET,
]


# -- helpers -------------------------------------------------------------------------


def temps(root: Path) -> list[str]:
    if not root.exists():
        return []
    return [
        os.path.join(d, n)
        for d, dirs, files in os.walk(root)
        for n in [*dirs, *files]
        if n.startswith(".otj-") or n.endswith(".part")
    ]


def drafts_dir() -> Path:
    return Path(os.environ["XDG_STATE_HOME"]) / "otjournal" / "drafts"


def drafts() -> list[Path]:
    folder = drafts_dir()
    if not folder.exists():
        return []
    return sorted(
        p for p in folder.iterdir() if p.suffix == ".toml" and not p.name.endswith(".edit.toml")
    )


def session_files(notes: Path) -> list[Path]:
    return sorted((notes / "clients" / "mia-k" / "sessions").glob("*.toml"))


def fd_path(fd: int) -> str:
    try:
        return os.readlink(f"/proc/self/fd/{fd}")
    except OSError:
        return ""


def oserror(code: int) -> OSError:
    return OSError(code, os.strerror(code))


def no_traceback(result) -> None:
    assert "Traceback" not in result.output, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception
    )


# -- fault installers: each hits only paths inside ``scope`` ------------------------------

Install = Callable[[pytest.MonkeyPatch, Callable[[str], bool], list], None]


def write_fails(mode: str) -> Install:
    """os.write on a file in scope: raises EIO, returns 0, or writes half then EIO."""

    def install(mp: pytest.MonkeyPatch, inside: Callable[[str], bool], calls: list) -> None:
        real = os.write

        def fake(fd: int, data: Any) -> int:
            if not inside(fd_path(fd)):
                return real(fd, data)
            calls.append("write")
            if mode == "zero":
                return 0
            if mode == "half" and calls.count("write") == 1 and len(data) > 1:
                return real(fd, bytes(data[: len(data) // 2]))
            raise oserror(errno.EIO)

        mp.setattr(os, "write", fake)

    return install


def fsync_fails(kind: str) -> Install:
    """os.fsync with EIO on a file ("file") or a folder ("dir") in scope."""

    def install(mp: pytest.MonkeyPatch, inside: Callable[[str], bool], calls: list) -> None:
        real = os.fsync

        def fake(fd: int) -> None:
            is_dir = stat.S_ISDIR(os.fstat(fd).st_mode)
            if inside(fd_path(fd)) and is_dir == (kind == "dir"):
                calls.append(f"fsync-{kind}")
                raise oserror(errno.EIO)
            real(fd)

        mp.setattr(os, "fsync", fake)

    return install


def path_call_fails(name: str, code: int) -> Install:
    """os.link or os.replace fails with ``code`` when its source is in scope."""

    def install(mp: pytest.MonkeyPatch, inside: Callable[[str], bool], calls: list) -> None:
        real = getattr(os, name)

        def fake(src: Any, dst: Any, *args: Any, **kwargs: Any) -> Any:
            if inside(os.path.abspath(os.fspath(src))):
                calls.append(name)
                raise oserror(code)
            return real(src, dst, *args, **kwargs)

        mp.setattr(os, name, fake)

    return install


def both(*installs: Install) -> Install:
    def install(mp: pytest.MonkeyPatch, inside: Callable[[str], bool], calls: list) -> None:
        for i in installs:
            i(mp, inside, calls)

    return install


EIO, ENOSPC = os.strerror(errno.EIO), os.strerror(errno.ENOSPC)

# name: (installer, words the error must contain)
LOG_FAULTS: dict[str, tuple[Install, str]] = {
    "write-EIO": (write_fails("eio"), EIO),
    "write-returns-0": (write_fails("zero"), "short write"),
    "write-half-then-EIO": (write_fails("half"), EIO),
    "fsync-file": (fsync_fails("file"), EIO),
    "fsync-folder": (fsync_fails("dir"), EIO),
    "link-EIO": (path_call_fails("link", errno.EIO), EIO),
    "link-ENOSPC": (path_call_fails("link", errno.ENOSPC), ENOSPC),
    # No hard links on this filesystem (FAT, SMB): the fallback writes in place, then fails.
    "no-links-then-write-EIO": (
        both(path_call_fails("link", errno.EPERM), write_fails("half")),
        EIO,
    ),
}

AMEND_FAULTS: dict[str, tuple[Install, str]] = {
    "write-EIO": (write_fails("eio"), EIO),
    "write-returns-0": (write_fails("zero"), "short write"),
    "write-half-then-EIO": (write_fails("half"), EIO),
    "fsync-file": (fsync_fails("file"), EIO),
    "replace-EIO": (path_call_fails("replace", errno.EIO), EIO),
    "replace-EXDEV": (path_call_fails("replace", errno.EXDEV), os.strerror(errno.EXDEV)),
    "fsync-folder": (fsync_fails("dir"), EIO),
}


@pytest.fixture
def seeded(journal: Journal) -> Journal:
    """mia-k with one session, so every folder exists before the fault."""
    journal.add_client(make_client())
    journal.add_session(make_session(), durable=False)
    return journal


def inside_of(root: Path) -> Callable[[str], bool]:
    real_root = os.path.realpath(root)
    return lambda p: p.startswith("/") and os.path.commonpath([real_root, p]) == real_root


def run_with_fault(
    runner, mp: pytest.MonkeyPatch, install: Install, scope: Path, args: list[str], **kw: Any
):
    calls: list = []
    with mp.context() as m:
        install(m, inside_of(scope), calls)
        result = runner.invoke(app, args, **kw)
    return result, calls


# -- 1. otj log ------------------------------------------------------------------------


@pytest.mark.parametrize("source", ["stdin", "flags"])
@pytest.mark.parametrize("fault", list(LOG_FAULTS))
def test_log_fault_is_a_clear_error_and_changes_nothing(
    runner, seeded: Journal, notes: Path, monkeypatch: pytest.MonkeyPatch, fault: str, source: str
):
    install, words = LOG_FAULTS[fault]
    before = tree(notes)
    if source == "stdin":
        args, stdin = ["log", "mia-k", "--from", "-"], FROM_STDIN
    else:
        args, stdin = ["log", "mia-k", *LOG_FLAGS], None

    result, calls = run_with_fault(runner, monkeypatch, install, notes, args, input=stdin)

    assert calls, "the fault was never reached"
    no_traceback(result)
    assert result.exit_code == 1, result.output
    assert words in result.stderr, result.stderr
    assert SECRET not in result.output
    assert tree(notes) == before
    assert temps(notes) == []
    assert temps(drafts_dir()) == []
    if source == "stdin":
        # The text exists nowhere else: it is kept, and the person is told where.
        kept = drafts()
        assert len(kept) == 1, kept
        draft = tomllib.loads(kept[0].read_text("utf-8"))
        assert draft["note"]["plan"]["summary"] == SECRET
        assert draft["note"]["child_voice"]["text"] == "I did it myself!\nBoth shoes."
        assert stat.S_IMODE(os.stat(kept[0]).st_mode) == 0o600
        assert str(kept[0]) in result.stderr.replace("\n", "")
        assert f"otj log --resume --draft {kept[0].stem}" in result.stderr


@pytest.mark.parametrize("fault", ["write-EIO", "fsync-folder", "link-EIO"])
def test_log_draft_kept_by_a_fault_saves_once_the_disk_is_well(
    runner, seeded: Journal, notes: Path, monkeypatch: pytest.MonkeyPatch, fault: str
):
    install, _ = LOG_FAULTS[fault]
    result, _ = run_with_fault(
        runner, monkeypatch, install, notes, ["log", "mia-k", "--from", "-"], input=FROM_STDIN
    )
    assert result.exit_code == 1
    (draft,) = drafts()

    # Resuming walks the prompts with the draft's answers as defaults: Enter keeps each.
    again = runner.invoke(app, ["log", "--resume", "--draft", draft.stem], input="\n" * 80)

    no_traceback(again)
    assert again.exit_code == 0, again.output
    assert drafts() == []
    saved = [tomllib.loads(p.read_text("utf-8")) for p in session_files(notes)]
    assert len(saved) == 2
    assert [s["plan"]["summary"] for s in saved].count(SECRET) == 1
    assert Journal(notes).load().problems == []


def test_log_saves_the_note_even_when_the_drafts_folder_fails(
    runner, seeded: Journal, notes: Path, monkeypatch: pytest.MonkeyPatch
):
    """os.replace fails everywhere (the drafts folder's disk is full or read-only).

    Saving a session never needs os.replace, so the notes folder could take the note;
    the draft is only a safety net. Text piped in on stdin exists nowhere else: it must
    end up saved as a session, or at least kept as a draft -- never simply dropped.
    """
    before = session_files(notes)
    result, calls = run_with_fault(
        runner,
        monkeypatch,
        path_call_fails("replace", errno.EIO),
        Path("/"),
        ["log", "mia-k", "--from", "-"],
        input=FROM_STDIN,
    )
    assert calls
    no_traceback(result)
    assert temps(notes) == [] and temps(drafts_dir()) == []
    saved = [
        tomllib.loads(p.read_text("utf-8"))["plan"]["summary"]
        for p in session_files(notes)
        if p not in before
    ]
    kept = [tomllib.loads(p.read_text("utf-8"))["note"]["plan"]["summary"] for p in drafts()]
    assert saved == [SECRET] or kept == [SECRET], (
        f"exit {result.exit_code}: {result.stderr!r}; the note was neither saved nor kept"
    )


# -- 2. otj amend ----------------------------------------------------------------------


@pytest.fixture
def amendable(seeded: Journal) -> tuple[Journal, str, Path]:
    saved = seeded.add_session(make_session(start=START + timedelta(days=7)), durable=False)
    return seeded, saved.record.id, saved.path


@pytest.mark.parametrize("how", ["text", "stdin"])
@pytest.mark.parametrize("fault", list(AMEND_FAULTS))
def test_amend_fault_is_a_clear_error_and_changes_nothing(
    runner,
    amendable: tuple[Journal, str, Path],
    notes: Path,
    monkeypatch: pytest.MonkeyPatch,
    fault: str,
    how: str,
):
    journal, sid, path = amendable
    install, words = AMEND_FAULTS[fault]
    before = tree(notes)
    args = ["amend", sid, "--kind", "addition", "--by", "Alex Rivera"]
    if how == "text":
        args += ["--text", SECRET]
        stdin = None
    else:
        args += ["--stdin"]
        stdin = SECRET + "\n"

    result, calls = run_with_fault(runner, monkeypatch, install, notes, args, input=stdin)

    assert calls, "the fault was never reached"
    no_traceback(result)
    assert result.exit_code == 1, result.output
    assert words in result.stderr, result.stderr
    assert SECRET not in result.output
    assert "Amended" not in result.stdout
    assert temps(notes) == []
    assert tree(notes) == before, "the session changed although amend reported a failure"
    # Trying again once the disk is well works (the file was not left half-changed).
    again = runner.invoke(app, args, input=stdin)
    assert again.exit_code == 0, again.output
    session = journal.read_session_file(path)[2]
    assert [a.text for a in session.amendments] == [SECRET]


def test_amend_never_needs_a_hard_link(
    runner, amendable: tuple[Journal, str, Path], notes: Path, monkeypatch: pytest.MonkeyPatch
):
    """Amending replaces the file (temp + os.replace): a filesystem without hard links is fine."""
    journal, sid, path = amendable
    result, _ = run_with_fault(
        runner,
        monkeypatch,
        path_call_fails("link", errno.EPERM),
        notes,
        ["amend", sid, "--kind", "addition", "--by", "A", "--text", "Late information"],
    )
    assert result.exit_code == 0, result.output
    assert temps(notes) == []
    assert [a.text for a in journal.read_session_file(path)[2].amendments] == ["Late information"]


# -- 3. private modes whatever the umask -------------------------------------------------


@pytest.fixture
def umask() -> Iterator[Callable[[int], None]]:
    old = os.umask(0o022)
    os.umask(old)
    try:
        yield os.umask
    finally:
        os.umask(old)


def assert_private(root: Path, *, skip: tuple[str, ...] = (".git",)) -> int:
    """Folders 0700 and files 0600 throughout (``skip`` top-level names aside)."""
    assert stat.S_IMODE(os.lstat(root).st_mode) == 0o700, root
    checked = 0
    for rel, entry in tree(root).items():
        if rel.split(os.sep)[0] in skip:
            continue
        if entry[0] == "dir":
            assert entry[1] == 0o700, rel
        else:
            assert entry[0] == "file" and entry[2] == 0o600, (rel, oct(entry[-1]))
        checked += 1
    return checked


def _share_file(runner, tmp_path: Path) -> Path:
    """A homework export from another journal (as a client's device would send it)."""
    other = tmp_path / "other-notes"
    Journal(other).add_client(make_client())
    result = runner.invoke(
        app,
        [
            "homework", "log", "mia-k", "--kind", "journal", "--text", "Practised lacing",
            "--by", "Sarah", "--no-input", "--dir", str(other),
        ],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    share = tmp_path / "share.toml"
    result = runner.invoke(
        app, ["homework", "export", "mia-k", "-o", str(share), "--dir", str(other)]
    )
    assert result.exit_code == 0, result.output
    return share


@pytest.mark.parametrize("mask", [0o022, 0o002], ids=oct)
def test_every_writing_command_keeps_notes_private(
    runner, notes: Path, tmp_path: Path, umask: Callable[[int], int], mask: int
):
    share = _share_file(runner, tmp_path)
    umask(mask)
    assert runner.invoke(app, ["client", "add", "mia-k", "--name", "Mia"]).exit_code == 0

    # otj log (flags, then stdin)
    result = runner.invoke(app, ["log", "mia-k", *LOG_FLAGS])
    assert result.exit_code == 0, result.output
    result = runner.invoke(app, ["log", "mia-k", "--from", "-"], input=FROM_STDIN)
    assert result.exit_code == 0, result.output
    sid = json.loads(runner.invoke(app, ["list", "--json"]).stdout)["sessions"][0]["id"]

    # otj amend
    result = runner.invoke(
        app, ["amend", sid, "--kind", "addition", "--by", "A", "--text", "Late information"]
    )
    assert result.exit_code == 0, result.output

    # otj conflicts resolve (keep both: a new session and a folder under .otjournal)
    first = sorted((notes / "clients" / "mia-k" / "sessions").glob("*.toml"))[0]
    copy = first.with_name(first.stem + ".sync-conflict-20260306-101500-ABCDEF1.toml")
    fd = os.open(copy, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    os.write(fd, first.read_bytes())
    os.close(fd)
    result = runner.invoke(app, ["conflicts", "resolve", copy.name, "--keep", "both", "--yes"])
    assert result.exit_code == 0, result.output

    # otj homework import
    result = runner.invoke(app, ["homework", "import", str(share)])
    assert result.exit_code == 0, result.output
    assert "1 added" in result.stdout

    assert (notes / ".otjournal" / "resolved").is_dir()
    # The copy is byte-identical: keeping both keeps it once (issue 12, item 19).
    assert len(session_files(notes)) == 2
    assert assert_private(notes) >= 11
    assert assert_private(drafts_dir().parent) >= 1
    check = runner.invoke(app, ["check"])
    assert check.exit_code == 0 and "readable by others" not in check.output, check.output


def test_log_a_stray_byte_in_a_flag_costs_nothing(runner, seeded: Journal, notes: Path):
    """A non-UTF-8 terminal passes an undecodable byte in argv as a surrogate (\\udcff).

    reliability.md: "a stray byte must not cost the entry". Today the draft and the
    session both fail to serialise and `otj log` dies with a UnicodeEncodeError traceback.
    """
    flags = [f if f != SECRET else "Laced both \udcff shoes" for f in LOG_FLAGS]
    result = runner.invoke(app, ["log", "mia-k", *flags])
    assert "Traceback" not in result.output
    assert not isinstance(result.exception, UnicodeError), repr(result.exception)
    assert result.exit_code in (0, 1, 2), result.output
    if result.exit_code == 0:
        summaries = [
            tomllib.loads(p.read_text("utf-8"))["plan"]["summary"] for p in session_files(notes)
        ]
        assert "Laced both \ufffd shoes" in summaries
    assert temps(notes) == []
