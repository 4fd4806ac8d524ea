"""Broken session files: a located message from `otj check`, never a traceback.

Each file under ``tests/data/bad/`` is a would-be session of ``mia-k`` that is
broken in one known way; ``tests/data/bad/expected.toml`` says what `otj check`
must print for it (``path:line:col: error: message``). The files are committed
byte for byte; :func:`bad_files` below is how they were made (a test keeps the
two in step, so an editor that strips a BOM or rewrites line endings is caught).
To regenerate after changing it::

    python -c "from tests.test_bad_files import write_bad_files; write_bad_files()"

Expected lines and columns were worked out from the files by hand (columns count
characters, as tomllib's own do), not copied from the program's output.
"""

from __future__ import annotations

import json
import os
import tomllib
from pathlib import Path

import pytest

from otjournal.cli import app
from otjournal.disk.parsing import AGE_OVERHEAD
from otjournal.disk.store import MAX_FILE_BYTES, Journal
from otjournal.errors import Problem
from tests.conftest import make_client, make_session

BAD = Path(__file__).parent / "data" / "bad"
MANIFEST = BAD / "expected.toml"
SESSIONS = Path("clients") / "mia-k" / "sessions"
SENTINEL = "Mia disclosed abuse"

# A valid session, written by hand so that line numbers are easy to read off.
VALID = """\
format_version = 1
kind = "session"
id = "2026-03-12_1430_bad00"
client = "mia-k"
start = 2026-03-12T14:30:00+10:00
duration_min = 45
session_type = "therapy"
setting = "clinic"
attendees = ["child", "parent"]
written_by = "Alex Rivera"
written_at = 2026-03-12T15:30:00+10:00

[[goals]]
goal = "g1"
gas = 0
evidence = "Laced two holes with the card"

[[activities]]
name = "Train obstacle course"
minutes = 15
child_led = true

[regulation]
framework = "zones"
start = "yellow"
end = "green"

[[checklist]]
item = "interests"
answer = "yes"

[[checklist]]
item = "movement-play"
answer = "yes"

[[checklist]]
item = "attuned"
answer = "yes"

[plan]
summary = "Followed Mia's lead."
"""


def _swap(old: str, new: str, text: str = VALID) -> str:
    assert text.count(old) == 1, old
    return text.replace(old, new)


def bad_files() -> dict[str, bytes]:
    """Every committed bad file, as the exact bytes it holds."""
    utf8 = VALID.encode()
    conflict = _swap(
        'summary = "Followed Mia\'s lead."\n',
        "<<<<<<< HEAD\n"
        'summary = "Followed Mia\'s lead."\n'
        "=======\n"
        'summary = "Mia chose the swing."\n'
        ">>>>>>> other-laptop\n",
    )
    return {
        "empty.toml": b"",
        "whitespace-only.toml": b" \n\t\n   \r\n\n",
        # Cut off in the middle of the evidence string (line 16): no closing quote.
        "truncated.toml": utf8[: utf8.index(b"two holes") + len(b"two ho")],
        "bom.toml": b"\xef\xbb\xbf" + utf8,
        # A Latin-1 e-acute where UTF-8 was expected, on an ASCII line (line 41).
        "invalid-utf8.toml": utf8.replace(b"Mia's lead", b"Mia\xe9s lead"),
        # The same, after a real (two-byte) UTF-8 character on the same line: the
        # column counts characters, as tomllib's columns do, not bytes.
        "invalid-utf8-after-accent.toml": utf8.replace(
            b"Followed Mia's lead.", "Café, then Mia".encode() + b"\xe9s lead."
        ),
        "nul-bytes.toml": utf8.replace(b"Alex Rivera", b"Alex\x00Rivera"),
        "wrong-types.toml": _swap("duration_min = 45", 'duration_min = "45"')
        .replace("gas = 0", "gas = 1.5")
        .encode(),
        "unknown-scale-values.toml": _swap(
            'item = "attuned"\nanswer = "yes"', 'item = "attuned"\nanswer = "maybe"'
        )
        .replace('start = "yellow"', 'start = "purple"')
        .replace("gas = 0", "gas = 3")
        .replace('"child", "parent"', '"child", "uncle"')
        .encode(),
        "git-conflict-markers.toml": conflict.encode(),
        "git-conflict-markers-crlf.toml": conflict.replace("\n", "\r\n").encode(),
        "naive-datetime.toml": _swap(
            "start = 2026-03-12T14:30:00+10:00", "start = 2026-03-12T14:30:00"
        ).encode(),
        "newer-format.toml": _swap("format_version = 1", "format_version = 2").encode(),
        "missing-required.toml": _swap('written_by = "Alex Rivera"\n', "").encode(),
        "wrong-client.toml": _swap('client = "mia-k"', 'client = "noah-t"').encode(),
        # 2,000 nested arrays: tomllib recurses once per level.
        "deep-nesting.toml": b"deep = " + b"[" * 2000 + b"]" * 2000 + b"\n" + utf8,
        "duplicate-key.toml": _swap(
            "duration_min = 45\n", "duration_min = 45\nduration_min = 50\n"
        ).encode(),
        "control-char.toml": utf8.replace(b"Mia's lead.", b"Mia's lead.\x07"),
        "lone-cr.toml": utf8.replace(b'setting = "clinic"\n', b'setting = "clinic"\r'),
        "checklist-twice.toml": _swap('item = "attuned"', 'item = "interests"').encode(),
        # Only values inside [regulation] and [[plan.homework]] are wrong.
        "nested-tables-only.toml": _swap('start = "yellow"', 'start = "purple"').encode()
        + b'\n[[plan.homework]]\nid = "hw1"\ntext = "Lacing card"\nper_week = 99\n',
        # Python's dates end in 9999: a year this late crashed check, show and trends.
        "year-out-of-range.toml": _swap(
            "start = 2026-03-12T14:30:00+10:00", "start = 9993-03-12T14:30:00+10:00"
        ).encode(),
        # A note typed into fields that hold a number or a code: never echoed back.
        "note-in-coded-fields.toml": _swap("duration_min = 45", f'duration_min = "{SENTINEL}"')
        .replace('setting = "clinic"', f'setting = "{SENTINEL}"')
        .replace('start = "yellow"', f'start = "{SENTINEL}"')
        .encode(),
    }


def write_bad_files() -> None:
    BAD.mkdir(parents=True, exist_ok=True)
    for name, data in bad_files().items():
        (BAD / name).write_bytes(data)


def manifest() -> dict[str, list[dict]]:
    with MANIFEST.open("rb") as fh:
        return {name: entry["expect"] for name, entry in tomllib.load(fh).items()}


CASES = sorted(manifest())


# -- helpers ---------------------------------------------------------------------


@pytest.fixture
def notes_with_one_session(journal: Journal) -> tuple[Journal, str]:
    """A journal holding mia-k's client.toml and one valid session."""
    journal.add_client(make_client())
    saved = journal.add_session(make_session(), durable=False)
    return journal, saved.record.id


def _plant(journal: Journal, name: str, data: bytes) -> Path:
    path = journal.root / SESSIONS / name
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
    return path


def _no_crash(result) -> None:
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception
    )


def _listed_ids(runner, journal: Journal) -> list[str]:
    result = runner.invoke(app, ["list", "--dir", str(journal.root), "--json"])
    _no_crash(result)
    assert result.exit_code == 0, result.output
    return [s["id"] for s in json.loads(result.stdout)["sessions"]]


# -- the committed files -----------------------------------------------------------


def test_committed_files_are_exactly_the_generated_bytes():
    on_disk = {p.name: p.read_bytes() for p in BAD.iterdir() if p.name != MANIFEST.name}
    assert on_disk == bad_files()


def test_every_bad_file_has_a_manifest_entry():
    names = {p.name for p in BAD.iterdir() if p.name != MANIFEST.name}
    assert names == set(manifest())


@pytest.mark.parametrize("name", CASES)
def test_check_reports_the_bad_file_where_it_is_broken(name, runner, notes_with_one_session):
    journal, good_id = notes_with_one_session
    original = (BAD / name).read_bytes()
    path = _plant(journal, name, original)

    result = runner.invoke(app, ["check", "--dir", str(journal.root)])

    _no_crash(result)
    assert result.exit_code == 1, result.output
    lines = result.output.splitlines()
    for want in manifest()[name]:
        prefix = f"{(SESSIONS / name).as_posix()}:{want['line']}:{want['column']}: error: "
        hits = [ln for ln in lines if ln.startswith(prefix) and want["message"] in ln]
        assert hits, f"wanted {prefix}...{want['message']}... in:\n{result.output}"
    # Note text is never echoed in an error.
    for note in ("Laced two", "Followed Mia", "Mia chose the swing", "obstacle course", SENTINEL):
        assert note not in result.output
    # Every error is about the bad file: the valid session and client are fine.
    errors = [ln for ln in lines if ": error: " in ln]
    assert all(ln.startswith(SESSIONS.as_posix() + "/" + name + ":") for ln in errors), errors
    assert path.read_bytes() == original

    assert _listed_ids(runner, journal) == [good_id]
    assert path.read_bytes() == original


def test_check_reports_every_bad_file_at_once(runner, notes_with_one_session):
    journal, good_id = notes_with_one_session
    for name in CASES:
        _plant(journal, name, (BAD / name).read_bytes())

    result = runner.invoke(app, ["check", "--dir", str(journal.root), "--json"])

    _no_crash(result)
    assert result.exit_code == 1, result.output
    report = json.loads(result.stdout)
    assert report["sessions"] == 1
    bad_paths = {p["path"] for p in report["problems"] if p["severity"] == "error"}
    assert bad_paths == {(SESSIONS / name).as_posix() for name in CASES}
    assert _listed_ids(runner, journal) == [good_id]
    for name in CASES:
        assert (journal.root / SESSIONS / name).read_bytes() == (BAD / name).read_bytes()


def test_the_hand_written_session_is_valid(notes_with_one_session):
    """The base of every bad file loads, in LF and in CRLF form."""
    journal, _ = notes_with_one_session
    _plant(journal, "valid-lf.toml", VALID.encode())
    _plant(
        journal, "valid-crlf.toml", VALID.replace("\n", "\r\n").encode().replace(b"bad00", b"crlf0")
    )
    snap = journal.load()
    assert snap.problems == []
    assert len(snap.sessions) == 3


# -- generated cases -------------------------------------------------------------


@pytest.mark.parametrize("size", [0, 1, 4095, 4096, 65_537, 99, 100, 101, 250_000])
@pytest.mark.parametrize("grew", [0, 1, 70_000])
def test_a_capped_read_gives_the_file_up_to_one_byte_past_the_cap(
    tmp_path, monkeypatch, size, grew
):
    """``read_capped`` sizes its read by the file's length: it still gives every byte up
    to the cap (one byte more than the size rule allows), also when the file grew after
    its length was taken (``grew``: the length it is told is that much short)."""
    from otjournal.disk import parsing

    cap = 100 if size <= 101 else 200_000
    path = tmp_path / "note.toml"
    data = bytes(i % 251 for i in range(size))
    path.write_bytes(data)
    real = os.fstat
    monkeypatch.setattr(
        parsing.os,
        "fstat",
        lambda fd: os.stat_result((0, 0, 0, 0, 0, 0, max(0, real(fd).st_size - grew), 0, 0, 0)),
    )
    fd = os.open(path, os.O_RDONLY)
    try:
        assert parsing.read_capped(fd, cap) == data[:cap]
    finally:
        os.close(fd)


def test_a_file_over_the_size_cap_is_reported_not_read(runner, notes_with_one_session):
    journal, good_id = notes_with_one_session
    data = VALID.encode() + b"# padding\n" * (MAX_FILE_BYTES // 10 + 1)
    path = _plant(journal, "huge.toml", data)

    result = runner.invoke(app, ["check", "--dir", str(journal.root)])

    _no_crash(result)
    assert result.exit_code == 1, result.output
    assert f"{(SESSIONS / 'huge.toml').as_posix()}:1:1: error: larger than" in result.output
    assert _listed_ids(runner, journal) == [good_id]
    assert path.read_bytes() == data


def test_deep_nesting_points_at_the_line_it_is_on(notes_with_one_session):
    """Nesting that starts on line 12 should not be reported on line 1."""
    journal, _ = notes_with_one_session
    deep = "deep = " + "[" * 2000 + "]" * 2000 + "\n"
    lines = VALID.splitlines(keepends=True)
    _plant(journal, "deep-late.toml", "".join([*lines[:11], deep, *lines[11:]]).encode())

    problems = [p for p in journal.load().problems if p.path.name == "deep-late.toml"]

    assert [p.message for p in problems] == ["the file is nested too deeply to read"]
    assert problems[0].line == 12


# -- every prefix of a valid file ------------------------------------------------


def _prefix_lengths(size: int) -> list[int]:
    return sorted({*range(0, size, 7), *range(max(0, size - 12), size + 1)})


@pytest.mark.parametrize("source", ["written-by-otj", "hand-written"])
def test_every_prefix_of_a_valid_file_is_a_located_problem_or_loads(source, journal):
    journal.add_client(make_client())
    if source == "written-by-otj":
        # What otj itself writes: the checklist's curly quotes and dashes are several
        # bytes long, so some cuts fall inside a character.
        saved = journal.add_session(make_session(), durable=False).path
        full = saved.read_bytes()
        saved.unlink()
        assert "’".encode() in full
    else:
        full = VALID.encode()
        (journal.root / SESSIONS).mkdir(mode=0o700)
    path = journal.root / SESSIONS / "cut.toml"

    outcomes = {"loaded": 0, "problem": 0}
    for n in _prefix_lengths(len(full)):
        prefix = full[:n]
        path.write_bytes(prefix)
        snap = journal.load()  # must not raise, whatever the cut
        problems: list[Problem] = [p for p in snap.problems if p.path == path]
        errors = [p for p in problems if p.severity == "error"]
        if errors:
            assert snap.sessions == [], n
            for p in errors:
                assert p.line is not None and 1 <= p.line <= prefix.count(b"\n") + 1, (n, p)
                assert p.column is not None and p.column >= 1, (n, p)
            outcomes["problem"] += 1
        else:
            assert [s.path for s in snap.sessions] == [path], (n, problems)
            outcomes["loaded"] += 1
        assert path.read_bytes() == prefix
    # The whole file loads; cutting it short mostly does not.
    assert outcomes["loaded"] >= 1 and outcomes["problem"] > outcomes["loaded"]


def test_a_file_whose_name_is_not_utf8_is_reported_cold_and_warm(journal: Journal, notes):
    """The fingerprint of a client (and of a seal folder) holds every name the folder
    lists, as the bytes it has: such a name crashed `check` on its fingerprint. Run as
    a person runs it (the name is printed as the terminal's encoding allows)."""
    import subprocess
    import sys

    journal.add_client(make_client())
    journal.add_session(make_session())
    folder = os.fsencode(notes / "clients" / "mia-k" / "sessions")
    with open(os.path.join(folder, b"\xff.toml"), "wb") as fh:
        fh.write(b"x")
    said = []
    for _ in ("cold", "warm"):
        done = subprocess.run(
            [sys.executable, "-m", "otjournal", "check"], capture_output=True, timeout=120
        )
        said.append((done.returncode, done.stdout, done.stderr))
    assert said[0] == said[1]
    assert said[0][0] == 1 and b"not valid TOML" in said[0][1], said
    assert b"Traceback" not in said[0][2]


@pytest.mark.parametrize("extra", [16 * 1024, 2 * MAX_FILE_BYTES], ids=["just-over", "twice"])
def test_a_client_file_over_the_size_cap_is_refused_by_every_reader_and_never_saved_back(
    runner, journal: Journal, extra: int
):
    """A client.toml padded past the size rule was read cut at the cap by the commands
    that read it whole: the goals past the cut were missing, 'goal add' saved the rest
    back (a goal lost for good), and 'report' ended in a traceback. Every reader now
    refuses it with its path, and nothing is written (found by an outside tester)."""
    journal.add_client(make_client())
    journal.add_session(make_session())
    path = journal.root / "clients" / "mia-k" / "client.toml"
    text = path.read_text()
    cut = text.index("[[goals]]")
    data = (text[:cut] + "# padding\n" * ((MAX_FILE_BYTES + extra) // 10) + text[cut:]).encode()
    path.write_bytes(data)
    for args in (
        ["goal", "add", "mia-k", "--text", "T", "--baseline", "-1"],
        ["goal", "list", "mia-k"],
        ["client", "show", "mia-k"],
        ["report", "mia-k"],
        ["trends", "mia-k"],
    ):
        result = runner.invoke(app, [*args, "--dir", str(journal.root)])
        _no_crash(result)
        assert result.exit_code == 1, (args, result.output)
        # A whole client's read (trends) reads the file capped, as the loader does.
        whole = extra < AGE_OVERHEAD or args[0] == "trends"
        said = "larger than 1024 KiB" if whole else "too large to be a file"
        assert f"{path}" in result.stderr and said in result.stderr, (args, result.stderr)
    assert path.read_bytes() == data


def test_a_conflict_copy_over_the_size_cap_is_not_kept(runner, notes_with_one_session):
    """Keeping a sync tool's copy larger than the size rule replaced the note with a file
    no reader takes: the note left 'list'. It is refused, by path, and nothing moves."""
    journal, good_id = notes_with_one_session
    note = journal.root / SESSIONS / f"{good_id}.toml"
    text = note.read_text()
    end = text.rindex("# end")
    copy = note.with_name(f"{good_id}.sync-conflict-20260101-000000-ABCDEFG.toml")
    copy.write_text(text[:end] + "# padding\n" * (MAX_FILE_BYTES // 10 + 100) + text[end:])
    before = {p: p.read_bytes() for p in journal.root.rglob("*") if p.is_file()}
    for keep in ("copy", "both"):
        result = runner.invoke(
            app,
            [
                "conflicts",
                "resolve",
                copy.name,
                "--keep",
                keep,
                "--yes",
                "--dir",
                str(journal.root),
            ],
        )
        _no_crash(result)
        assert result.exit_code == 1, result.output
        assert f"{copy.name}:1:1: larger than 1024 KiB" in result.stderr, result.stderr
    assert {p: p.read_bytes() for p in journal.root.rglob("*") if p.is_file()} == before
    assert _listed_ids(runner, journal) == [good_id]


def test_a_note_replaced_by_a_symlink_is_said_to_be_left_out(
    runner, notes_with_one_session, tmp_path: Path
):
    """A symlink is never followed, so a note replaced by one is not read: 'list' went
    on without a word, and 'show' said there was no such session (found by an outside
    tester). Both now say the file was left out, as for a file that fails to read."""
    journal, good_id = notes_with_one_session
    note = journal.root / SESSIONS / f"{good_id}.toml"
    outside = tmp_path / "outside.toml"
    outside.write_bytes(note.read_bytes())
    note.unlink()
    note.symlink_to(outside)
    listed = runner.invoke(app, ["list", "--dir", str(journal.root)])
    assert listed.exit_code == 0, listed.output
    assert "1 file was not read and is left out; 'otj check' says why" in listed.stderr
    for wanted in (good_id, good_id[-5:]):
        shown = runner.invoke(app, ["show", wanted, "--dir", str(journal.root)])
        assert shown.exit_code == 1, shown.output
        assert f"{note}:1:1: warning: not read: a symlink" in shown.stderr, shown.stderr


@pytest.mark.parametrize("folder", ["sessions", "homework"])
def test_a_file_in_place_of_a_records_folder_is_an_error(notes_with_one_session, folder, tmp_path):
    """A file where the sessions or homework folder belongs: every note that was there is
    gone from every command, and 'check' said nothing (found by an outside tester). It is
    now an error by path, with and without the prefetch child."""
    import shutil

    from tests.test_folderparts import otj

    journal, _ = notes_with_one_session
    path = journal.root / "clients" / "mia-k" / folder
    shutil.rmtree(path, ignore_errors=True)
    path.write_text("x")
    env = {"OTJOURNAL_DIR": str(journal.root), "XDG_CACHE_HOME": str(tmp_path / "cache")}
    for prefetch in ("", "1"):
        checked = otj("check", OTJOURNAL_NO_PREFETCH=prefetch, **env)
        assert checked.returncode == 1, checked.stderr
        said = f"clients/mia-k/{folder}:1:1: error: not a folder: the notes that belong here"
        assert said in checked.stdout + checked.stderr
    assert path.read_text() == "x"


def test_a_symlinked_client_file_is_said_to_be_a_symlink(runner, notes_with_one_session, tmp_path):
    """O_NOFOLLOW answers a symlink with ELOOP, which read "Too many levels of symbolic
    links" (found by an outside tester): it is said in words, as for a note."""
    journal, _ = notes_with_one_session
    own = journal.root / "clients" / "mia-k" / "client.toml"
    outside = tmp_path / "client.toml"
    outside.write_bytes(own.read_bytes())
    own.unlink()
    own.symlink_to(outside)
    said = "cannot read: a symlink, which otjournal never follows"
    checked = runner.invoke(app, ["check", "--dir", str(journal.root)])
    assert checked.exit_code == 1 and f"client.toml:1:1: error: {said}" in checked.output
    report = runner.invoke(app, ["report", "mia-k", "--dir", str(journal.root)])
    assert report.exit_code == 1 and f"{own}: {said}" in report.stderr, report.stderr


def test_a_seal_log_that_cannot_be_written_is_named(runner, notes_with_one_session):
    """The amendment is saved; its seal is not, and the note said why without saying
    which file (found by an outside tester): the seal log is named."""
    journal, good_id = notes_with_one_session
    (log,) = (journal.root / ".otjournal" / "seals").glob("*.log")
    log.unlink()
    log.mkdir()  # in the log's place: nothing can be appended to it
    result = runner.invoke(
        app,
        ["amend", good_id, "--kind", "addition", "--text", "x", "--by", "A", "--no-input",
         "--dir", str(journal.root)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert f"otj: note: {log}: could not record the note's seal" in result.stderr


def test_a_sessions_folder_that_is_not_a_folder_is_named_by_show(notes_with_one_session, tmp_path):
    """A FIFO in place of a client's sessions folder: 'show' of a note that was there
    said "no session" (found by an outside tester); it names the folder and why."""
    from tests.test_folderparts import otj

    journal, good_id = notes_with_one_session
    folder = journal.root / SESSIONS
    env = {"OTJOURNAL_DIR": str(journal.root), "XDG_CACHE_HOME": str(tmp_path / "cache")}
    otj("list", **env)  # the cache knows the note
    for path in folder.iterdir():
        path.unlink()
    folder.rmdir()
    os.mkfifo(folder)
    for wanted in (good_id, good_id[-5:], f"mia-k/{good_id}"):
        shown = otj("show", wanted, **env)
        assert shown.returncode == 1, shown.stderr
        assert f"{folder}:1:1: error: not a folder" in shown.stderr, shown.stderr


def test_conflicts_shows_no_diff_of_a_copy_over_the_size_cap(runner, notes_with_one_session):
    """A stray copy of megabytes was diffed line by line (seconds, and a diff as long);
    it is compared as what it is: a file no command reads."""
    journal, good_id = notes_with_one_session
    note = journal.root / SESSIONS / f"{good_id}.toml"
    copy = note.with_name(f"{good_id}.sync-conflict-20260101-000000-ABCDEFG.toml")
    copy.write_text(note.read_text() + "# padding\n" * (MAX_FILE_BYTES // 10 + 100))
    result = runner.invoke(app, ["conflicts", "--dir", str(journal.root)])
    assert result.exit_code == 0, result.output
    assert "+(larger than 1024 KiB: not a note otjournal wrote)" in result.stdout
    assert "# padding" not in result.stdout
