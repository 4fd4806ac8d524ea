"""Every folder otjournal writes into is checked on the way down (issue 12, items 1, 5, 15,
16): no symlinked folder it did not make, private mode fixed or refused; ``.git`` private
whatever the umask; doctor sees otjournal's own temp files and its own folders; a failed
``client add`` leaves nothing behind."""

from __future__ import annotations

import errno
import os
import stat
import time
from datetime import datetime
from pathlib import Path

import pytest

from otjournal.cli import app
from otjournal.disk import fsio
from otjournal.disk.store import Journal
from otjournal.errors import StoreError
from otjournal.forms.drafts import default_drafts
from tests.conftest import make_client, make_session

FULL_LOG = ("--no-input", "--by", "Alex (OT)", "--setting", "home", "--attendee", "child")


def env_dir(var: str) -> Path:
    return Path(os.environ[var])


def drafts_dir() -> Path:
    return env_dir("XDG_STATE_HOME") / "otjournal" / "drafts"


def cache_dir() -> Path:
    return env_dir("XDG_CACHE_HOME") / "otjournal"


def config_dir() -> Path:
    return env_dir("XDG_CONFIG_HOME") / "otjournal"


def snapshot(root: Path) -> dict[str, tuple]:
    """Every name under root with its kind, mode and bytes: any write shows."""
    out: dict[str, tuple] = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for name in [*dirnames, *filenames]:
            full = Path(dirpath) / name
            st = os.lstat(full)
            data = full.read_bytes() if stat.S_ISREG(st.st_mode) else b""
            out[str(full.relative_to(root))] = (st.st_mode, data)
    return out


def mode(path: Path) -> int:
    return stat.S_IMODE(os.lstat(path).st_mode)


def invoke(runner, *args: str, input: str | None = None):
    return runner.invoke(app, list(args), input=input)


def refused(result, where: Path) -> None:
    assert result.exit_code == 1, (result.exit_code, result.output, result.exception)
    assert "refusing to write here" in result.stderr and "symlink" in result.stderr
    assert str(where) in result.stderr
    assert "Traceback" not in result.output


def link_elsewhere(folder: Path, outside: Path) -> None:
    """Move ``folder``'s files to ``outside`` and leave a symlink to it in its place."""
    outside.mkdir(mode=0o700, exist_ok=True)
    if folder.exists():
        for item in folder.iterdir():
            item.rename(outside / item.name)
        folder.rmdir()
    folder.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    folder.symlink_to(outside, target_is_directory=True)


@pytest.fixture
def mia(journal: Journal) -> Journal:
    journal.add_client(make_client())
    return journal


# -- item 1: a symlinked client folder ---------------------------------------------------


@pytest.mark.parametrize(
    "command",
    [
        ("goal", "add", "mia-k", "--text", "Ties laces", "--baseline", "-2", "--no-input"),
        ("homework", "add", "mia-k", "--text", "Practise the bow"),
        ("log", "mia-k", *FULL_LOG, "--summary", "Followed her lead"),
    ],
    ids=["goal-add", "homework-add", "log"],
)
def test_a_client_folder_linked_outside_is_never_written_through(
    runner, mia: Journal, tmp_path: Path, command: tuple[str, ...]
):
    outside = tmp_path / "elsewhere"
    link_elsewhere(mia.client_dir("mia-k"), outside)
    before = snapshot(outside)
    result = invoke(runner, *command)
    refused(result, mia.client_dir("mia-k"))
    assert snapshot(outside) == before, "nothing written through the link"
    assert os.path.islink(mia.client_dir("mia-k")), "the link itself is left alone"


def test_client_add_refuses_a_clients_folder_linked_outside(runner, notes: Path, tmp_path: Path):
    notes.mkdir(mode=0o700)
    outside = tmp_path / "elsewhere"
    link_elsewhere(notes / "clients", outside)
    result = invoke(runner, "client", "add", "sam-t", "--name", "Sam")
    refused(result, notes / "clients")
    assert list(outside.iterdir()) == []


def test_a_sessions_folder_linked_outside_is_refused_too(runner, mia: Journal, tmp_path: Path):
    """Checked on the way down: a link deeper than the client folder is refused as well."""
    outside = tmp_path / "elsewhere"
    link_elsewhere(mia.client_dir("mia-k") / "sessions", outside)
    with pytest.raises(StoreError, match="symlink"):
        mia.add_session(make_session(), durable=False)
    assert list(outside.iterdir()) == []


def test_reads_still_go_through_a_linked_client_folder(runner, mia: Journal, tmp_path: Path):
    """Only writes are refused: the person can still list and show what is there."""
    link_elsewhere(mia.client_dir("mia-k"), tmp_path / "elsewhere")
    result = invoke(runner, "client", "show", "mia-k")
    assert result.exit_code == 0, result.output
    assert "Mia K." in result.stdout


def test_a_file_where_a_folder_belongs_is_refused(mia: Journal):
    (mia.client_dir("mia-k") / "homework").write_bytes(b"")
    with pytest.raises(StoreError, match="not a folder"):
        mia._writable_dir("clients", "mia-k", "homework")


def test_the_notes_folder_itself_may_be_a_link(runner, tmp_path: Path, monkeypatch):
    """The folder the person names is trusted as it is (a link into Dropbox, a home
    under /private on macOS): only what otjournal makes below it must be its own."""
    real = tmp_path / "Dropbox" / "notes"
    real.mkdir(parents=True, mode=0o700)
    named = tmp_path / "notes-link"
    named.symlink_to(real, target_is_directory=True)
    monkeypatch.setenv("OTJOURNAL_DIR", str(named))
    result = invoke(runner, "client", "add", "mia-k", "--name", "Mia")
    assert result.exit_code == 0, result.output
    assert (real / "clients" / "mia-k" / "client.toml").is_file()


def test_a_client_folder_open_to_others_is_made_private_on_write(runner, mia: Journal):
    folder = mia.client_dir("mia-k")
    os.chmod(folder, 0o755)
    os.chmod(mia.clients_dir, 0o775)
    os.chmod(mia.root, 0o777)
    result = invoke(
        runner, "goal", "add", "mia-k", "--text", "Ties laces", "--baseline", "-2", "--no-input"
    )
    assert result.exit_code == 0, result.output
    assert [mode(p) for p in (mia.root, mia.clients_dir, folder)] == [0o700] * 3


def test_a_folder_that_cannot_be_made_private_is_refused(mia: Journal, monkeypatch):
    folder = mia.client_dir("mia-k")
    os.chmod(folder, 0o755)

    def no_chmod(path, mode, *a, **kw):
        raise PermissionError(errno.EPERM, "Operation not permitted")

    monkeypatch.setattr(fsio.os, "chmod", no_chmod)
    with pytest.raises(StoreError, match="open to others") as caught:
        mia.add_session(make_session(), durable=False)
    assert caught.value.hint == f"chmod 700 '{folder}'"
    assert not (folder / "sessions").exists(), "nothing written"


# -- item 1: the drafts, cache and config folders ----------------------------------------


def test_a_linked_drafts_folder_is_refused_and_nothing_written(runner, mia, tmp_path: Path):
    outside = tmp_path / "elsewhere"
    link_elsewhere(drafts_dir(), outside)
    drafts = default_drafts()
    draft = drafts.new("log", "mia-k", datetime.now().astimezone(), {"plan": {"summary": "x"}})
    with pytest.raises(StoreError, match="symlink"):
        drafts.save(draft, datetime.now().astimezone())
    # Through the CLI: an incomplete note on stdin would be kept as a draft; here the draft
    # is refused, and the message says so truly (exit 2: the note itself is incomplete).
    result = invoke(runner, "log", "mia-k", "--from", "-", input='[plan]\nsummary = "x"\n')
    assert result.exit_code == 2, (result.exit_code, result.output)
    assert "The draft could not be written either" in result.stderr
    assert "refusing to write here" in result.stderr and "symlink" in result.stderr
    assert list(outside.iterdir()) == []


def test_a_linked_app_folder_above_the_drafts_is_refused(tmp_path: Path):
    """~/.local/state/otjournal is otjournal's too: a link there is not followed either."""
    state = env_dir("XDG_STATE_HOME")
    state.mkdir(parents=True)
    outside = tmp_path / "elsewhere"
    link_elsewhere(state / "otjournal", outside)
    drafts = default_drafts()
    draft = drafts.new("log", "mia-k", datetime.now().astimezone(), {})
    with pytest.raises(StoreError, match="symlink"):
        drafts.save(draft, datetime.now().astimezone())
    assert list(outside.iterdir()) == []


def test_a_drafts_folder_made_0755_is_fixed_to_0700(mia):
    drafts_dir().mkdir(parents=True, mode=0o755)
    os.chmod(drafts_dir(), 0o755)  # mkdir's mode is masked by the umask
    os.chmod(drafts_dir().parent, 0o755)
    drafts = default_drafts()
    draft = drafts.new("log", "mia-k", datetime.now().astimezone(), {})
    drafts.save(draft, datetime.now().astimezone())
    assert mode(drafts_dir()) == 0o700 and mode(drafts_dir().parent) == 0o700
    assert mode(draft.path) == 0o600


def test_the_platform_folder_above_is_left_as_it_is(mia):
    state = env_dir("XDG_STATE_HOME")
    state.mkdir(parents=True)
    os.chmod(state, 0o755)
    drafts = default_drafts()
    drafts.save(drafts.new("log", "mia-k", datetime.now().astimezone(), {}), datetime.now())
    assert mode(state) == 0o755, "~/.local/state is the platform's, not otjournal's"
    assert mode(drafts_dir()) == 0o700


def test_a_linked_cache_folder_is_not_followed(runner, mia, tmp_path: Path, monkeypatch):
    monkeypatch.delenv("OTJOURNAL_NO_CACHE", raising=False)
    mia.add_session(make_session(), durable=False)
    first = invoke(runner, "list")
    assert first.exit_code == 0, first.output
    assert any(cache_dir().glob("records-*.sqlite")), "the cache is in use normally"
    outside = tmp_path / "elsewhere"
    link_elsewhere(cache_dir(), outside)
    before = snapshot(outside)
    mia.add_session(make_session(start=datetime(2026, 3, 6, 9, 0).astimezone()), durable=False)
    result = invoke(runner, "list")
    assert result.exit_code == 0, result.output
    assert result.stdout.count("mia-k") >= 2, "both sessions listed, read from the files"
    assert snapshot(outside) == before, "the cache behind the link is neither written nor replaced"


def test_a_cache_folder_made_0755_is_fixed_to_0700(runner, mia, monkeypatch):
    monkeypatch.delenv("OTJOURNAL_NO_CACHE", raising=False)
    mia.add_session(make_session(), durable=False)
    cache_dir().mkdir(parents=True)
    os.chmod(cache_dir(), 0o755)
    assert invoke(runner, "list").exit_code == 0
    assert mode(cache_dir()) == 0o700
    assert all(mode(p) == 0o600 for p in cache_dir().glob("records-*"))


def test_a_linked_config_folder_is_refused(runner, notes: Path, tmp_path: Path):
    outside = tmp_path / "elsewhere"
    link_elsewhere(config_dir(), outside)
    result = invoke(runner, "init", "--self", "--name", "Jo")
    refused(result, config_dir())
    assert list(outside.iterdir()) == []


def test_config_edit_refuses_a_linked_config_folder(runner, tmp_path: Path, monkeypatch):
    outside = tmp_path / "elsewhere"
    link_elsewhere(config_dir(), outside)
    monkeypatch.setenv("EDITOR", "true")
    result = invoke(runner, "config", "edit")
    refused(result, config_dir())
    assert list(outside.iterdir()) == []


def test_a_config_folder_made_0755_is_fixed_on_write(runner, notes: Path):
    config_dir().mkdir(parents=True)
    os.chmod(config_dir(), 0o755)
    result = invoke(runner, "init", "--self", "--name", "Jo")
    assert result.exit_code == 0, result.output
    assert mode(config_dir()) == 0o700 and mode(config_dir() / "config.toml") == 0o600


@pytest.mark.parametrize("umask", [0o022, 0o002])
def test_every_folder_and_file_is_private_under_common_umasks(runner, notes: Path, umask: int):
    old = os.umask(umask)
    try:
        assert invoke(runner, "init", "--self", "--name", "Jo").exit_code == 0
        assert invoke(runner, "client", "add", "mia-k", "--name", "Mia").exit_code == 0
        logged = invoke(runner, "log", "mia-k", *FULL_LOG, "--summary", "Played")
        assert logged.exit_code == 0, logged.output
        kept = invoke(runner, "log", "mia-k", "--from", "-", input='[plan]\nsummary = "x"\n')
        assert kept.exit_code == 2, kept.output  # incomplete: kept as a draft
        assert invoke(runner, "list").exit_code == 0
    finally:
        os.umask(old)
    roots = [notes, drafts_dir().parent, config_dir()]
    if os.environ.get("OTJOURNAL_NO_CACHE", "") in ("", "0"):
        roots.append(cache_dir())
    checked = 0
    for root in roots:
        for dirpath, _dirs, files in os.walk(root):
            assert mode(Path(dirpath)) == 0o700, dirpath
            for name in files:
                assert mode(Path(dirpath) / name) == 0o600, name
                checked += 1
    assert checked >= 4  # client, session, draft, config (and the cache)


# -- item 5: .git private whatever the umask ----------------------------------------------


def git_wide(root: Path) -> list[Path]:
    return [
        Path(d) / n
        for d, dirs, files in os.walk(root / ".git")
        for n in ("", *dirs, *files)
        if not os.path.islink(Path(d) / n) and mode(Path(d) / n) & 0o077
    ]


def test_init_git_under_umask_000_keeps_git_private(runner, notes: Path):
    old = os.umask(0)
    try:
        result = invoke(runner, "init", "--git")
        assert result.exit_code == 0, result.output
        assert invoke(runner, "client", "add", "mia-k", "--name", "Mia").exit_code == 0
        # A later commit (as 'otj sync' makes) under the same umask stays private too.
        from otjournal.sync.gitsync import Git

        Git(notes).commit_all("test")
    finally:
        os.umask(old)
    assert (notes / ".git").is_dir()
    assert git_wide(notes) == []
    doctor = invoke(runner, "doctor")
    assert "permissions: private (.git too)" in doctor.stdout, doctor.output


def test_doctor_flags_and_fixes_a_world_writable_git(runner, notes: Path):
    assert invoke(runner, "init", "--git").exit_code == 0
    os.chmod(notes / ".git", 0o777)
    os.chmod(notes / ".git" / "config", 0o666)
    result = invoke(runner, "doctor")
    assert result.exit_code == 1
    assert "2 files or folders in .git open to others" in result.stdout
    assert "permissions: private" not in result.stdout
    assert mode(notes / ".git" / "config") == 0o666, "without --fix nothing changes"
    fixed = invoke(runner, "doctor", "--fix")
    assert fixed.exit_code == 0, fixed.output
    assert mode(notes / ".git") == 0o700 and mode(notes / ".git" / "config") == 0o600
    assert git_wide(notes) == []
    assert invoke(runner, "doctor").exit_code == 0


# -- item 15: doctor sees otjournal's temp files, in the notes and the drafts folder -----


def plant(folder: Path, name: str, age: float) -> Path:
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    path = folder / name
    path.write_bytes(b"half a save")
    when = time.time() - age
    os.utime(path, (when, when))
    return path


def test_doctor_lists_fresh_and_old_temps_in_the_notes_and_drafts_folders(runner, mia):
    sessions = mia.client_dir("mia-k") / "sessions"
    fresh_notes = [
        plant(sessions, ".otj-a1b2c3d4.part", 5),
        plant(mia.root, ".otj-e5f6g7h8.part", 30),  # beside .gitignore: not only in clients/
    ]
    old_notes = plant(sessions, ".otj-oldoldol.part", 3 * 3600)
    fresh_draft = plant(drafts_dir(), ".otj-d1d2d3d4.part", 10)
    old_draft = plant(drafts_dir(), ".otj-d9d9d9d9.part", 5 * 3600)
    result = invoke(runner, "doctor")
    assert result.exit_code == 1, result.output
    out = result.stdout
    assert "note  2 temp file(s) in the notes folder from the last hour" in out
    assert "warn  1 leftover temp file(s) in the notes folder" in out
    assert "note  1 temp file(s) in the drafts folder from the last hour" in out
    assert "warn  1 leftover temp file(s) in the drafts folder" in out
    for path in [*fresh_notes, old_notes, fresh_draft, old_draft]:
        assert f"      {path}\n" in out, path
    assert "no leftover temp files" not in out

    fixed = invoke(runner, "doctor", "--fix")
    # The old one in the notes folder is moved aside; the drafts' are left for the person
    # (each may hold a draft's latest answer), and fresh ones are a save's own business.
    assert not old_notes.exists()
    assert all(p.exists() for p in [*fresh_notes, fresh_draft, old_draft])
    assert "otj drafts" in fixed.stdout
    again = invoke(runner, "doctor").stdout
    assert "leftover temp file(s) in the notes folder" not in again, "set-aside temps stay put"


def test_doctor_flags_a_linked_or_open_drafts_and_settings_folder(runner, mia, tmp_path: Path):
    link_elsewhere(drafts_dir(), tmp_path / "elsewhere")
    config_dir().mkdir(parents=True)
    os.chmod(config_dir(), 0o755)
    result = invoke(runner, "doctor")
    assert result.exit_code == 1
    assert f"warn  drafts folder: {drafts_dir()} is a symlink" in result.stdout
    assert f"warn  settings folder: {config_dir()} is open to others (mode 755)" in result.stdout
    assert mode(config_dir()) == 0o755, "without --fix nothing changes"
    fixed = invoke(runner, "doctor", "--fix")
    assert f"fixed settings folder: {config_dir()}" in fixed.stdout
    assert mode(config_dir()) == 0o700
    assert os.path.islink(drafts_dir()), "a link is the person's to replace"
    assert fixed.exit_code == 1


def test_doctor_says_the_cache_folder_was_made_private_by_reading(
    runner, mia, tmp_path: Path, monkeypatch
):
    """Any read opens the cache, and opening it makes its folder private (it is derived
    data, never a reason to stop): doctor says it found it open, and that it is fixed."""
    monkeypatch.delenv("OTJOURNAL_NO_CACHE", raising=False)
    cache_dir().mkdir(parents=True)
    os.chmod(cache_dir(), 0o755)
    result = invoke(runner, "doctor")
    assert f"fixed cache folder: {cache_dir()} is open to others (mode 755)" in result.stdout
    assert result.exit_code == 0 and mode(cache_dir()) == 0o700
    link_elsewhere(cache_dir(), tmp_path / "elsewhere")  # the cache file moves with it
    before = snapshot(tmp_path / "elsewhere")
    linked = invoke(runner, "doctor")
    assert f"warn  cache folder: {cache_dir()} is a symlink" in linked.stdout
    assert snapshot(tmp_path / "elsewhere") == before


def test_doctor_flags_a_client_folder_that_is_a_link(runner, mia, tmp_path: Path):
    link_elsewhere(mia.client_dir("mia-k"), tmp_path / "elsewhere")
    result = invoke(runner, "doctor")
    assert result.exit_code == 1
    assert "1 folder(s) in the notes folder are symlinks" in result.stdout
    assert f"      {mia.client_dir('mia-k')}\n" in result.stdout


def test_a_client_folder_gone_but_for_its_name_is_said_by_every_reader(
    runner, mia: Journal, tmp_path: Path
):
    """A link to a client folder no longer there (moved, or a sync not finished), or a
    file where a client's folder belongs: its notes count nowhere, so check and doctor
    name it and every read says something was left out. A stray file not named like a
    client (.DS_Store, README.txt) is not a client's, and is passed over."""
    clients = mia.root / "clients"
    (clients / "tom-b").symlink_to(tmp_path / "moved-away")
    (clients / "ada-c").write_bytes(b"")
    for stray in (".DS_Store", "README.txt"):
        (clients / stray).write_bytes(b"x")
    check = invoke(runner, "check")
    assert check.exit_code == 0, check.output  # warnings
    said = check.stderr + check.stdout
    assert "clients/ada-c:1:1: warning: not read: not a folder" in said, said
    assert "clients/tom-b:1:1: warning: not read: a symlink to a folder that is not there" in said
    assert "DS_Store" not in said and "README" not in said
    for args in (["trends"], ["list"], ["client", "list"], ["due"]):
        result = invoke(runner, *args)
        assert "2 files were not read and are left out; 'otj check' says why" in result.stderr
    doctor = invoke(runner, "doctor").stdout
    assert f"      {clients / 'ada-c'}\n      {clients / 'tom-b'}\n" in doctor, doctor


def test_a_healthy_doctor_says_its_own_folders_are_private(runner, mia):
    default_drafts().save(
        default_drafts().new("log", "mia-k", datetime.now().astimezone(), {}), datetime.now()
    )
    result = invoke(runner, "doctor")
    assert result.exit_code == 0, result.output
    assert "ok    folders for drafts, cache and settings: private" in result.stdout


# -- item 16: a failed client add leaves nothing behind ----------------------------------


def full_disk(fd, data):
    raise OSError(errno.ENOSPC, "No space left on device")


def test_a_failed_client_add_leaves_no_folder(runner, notes: Path, monkeypatch):
    monkeypatch.setattr(fsio, "_write_all", full_disk)
    result = invoke(runner, "client", "add", "mia-k", "--name", "Mia")
    assert result.exit_code == 1, result.output
    assert "nothing was written" in result.stderr
    assert not (notes / "clients" / "mia-k").exists()
    assert not (notes / "clients").exists(), "made for this client: taken back too"
    monkeypatch.undo()
    assert invoke(runner, "check").exit_code == 0


def test_a_failed_client_add_keeps_folders_it_did_not_make(runner, mia: Journal, monkeypatch):
    monkeypatch.setattr(fsio, "_write_all", full_disk)
    result = invoke(runner, "client", "add", "sam-t", "--name", "Sam")
    assert result.exit_code == 1
    assert not (mia.clients_dir / "sam-t").exists()
    assert mia.client_file("mia-k").is_file() and mia.clients_dir.is_dir()
    monkeypatch.undo()
    check = invoke(runner, "check")
    assert check.exit_code == 0, check.output


def test_client_add_over_an_existing_empty_folder_keeps_it(runner, notes: Path, monkeypatch):
    """Only a folder made by this command is removed: one that was there stays."""
    (notes / "clients" / "mia-k").mkdir(parents=True, mode=0o700)
    monkeypatch.setattr(fsio, "_write_all", full_disk)
    assert invoke(runner, "client", "add", "mia-k", "--name", "Mia").exit_code == 1
    assert (notes / "clients" / "mia-k").is_dir()
