"""Retention reminders in `otj check`, and `otj doctor` (each finding with its fix).

Retention (checks.retention_notes): an adult's record is due for the practitioner's
decision 7 years after the last session; a child's (date of birth recorded, under 18 at
the last session) not before they turn 25. Both are configurable in
``$XDG_CONFIG_HOME/otjournal/config.toml`` under ``[retention]``. A reminder is a
note: `otj check` still exits 0, and nothing is ever deleted.

`otj doctor` looks at permissions, leftover temp files, drafts, conflicts, unreadable
files and the config; ``--fix`` applies the safe fixes (permissions; old temp files
moved to .otjournal/resolved/). It exits 1 when something needs attention.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import stat
import time
from datetime import date, datetime
from datetime import time as dtime
from pathlib import Path

import pytest

from otjournal.cli import app
from otjournal.disk.checks import add_years
from otjournal.disk.store import Journal
from tests.conftest import TZ, Clock, make_client, make_session
from tests.helpers import tree

TODAY = datetime.now().astimezone().date()


@pytest.fixture(autouse=True)
def _stopped_today(clock: Clock) -> None:
    """The commands' day is TODAY, the day the dates below were made from: a run that
    crosses midnight must not move one (it did, at 00:07, in a slow CI run)."""
    clock.set(datetime.combine(TODAY, dtime(12, 0)).astimezone())


# -- helpers ---------------------------------------------------------------------------


def config_path() -> Path:
    return Path(os.environ["XDG_CONFIG_HOME"]) / "otjournal" / "config.toml"


def write_config(text: str) -> Path:
    path = config_path()
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    path.write_text(text, encoding="utf-8")
    return path


def contents(root: Path) -> list[str]:
    """The hashes of every file's bytes, wherever it is: nothing may disappear."""
    return sorted(hashlib.sha256(v[1]).hexdigest() for v in tree(root).values() if v[0] == "file")


def invoke(runner, *args: str, input: str | None = None):
    result = runner.invoke(app, list(args), input=input)
    assert "Traceback" not in result.output, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception
    )
    return result


def at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, dtime(hour, 0), TZ)


def years_ago(n: int, days: int = 0) -> date:
    return date.fromordinal(add_years(TODAY, -n).toordinal() - days)


def add(journal: Journal, handle: str, sessions: list[date], dob: date | None = None) -> Path:
    path = journal.add_client(make_client(handle, date_of_birth=dob))
    for day in sessions:
        journal.add_session(make_session(client=handle, start=at(day)), durable=False)
    return path


def retention_lines(output: str) -> dict[str, str]:
    found = {}
    for line in output.splitlines():
        m = re.match(r"clients/([a-z0-9-]+)/client\.toml:1:1: note: the minimum retention", line)
        if m:
            found[m.group(1)] = line
    return found


# -- 1. retention reminders ---------------------------------------------------------------------


@pytest.fixture
def clients(journal: Journal) -> Journal:
    # An adult last seen 8 years ago: 7 years have passed.
    add(journal, "old-adult", [years_ago(10), years_ago(8)])
    # An adult last seen 6 years ago: not yet.
    add(journal, "recent-adult", [years_ago(6)])
    # Seen at 8 to 10, now 26: past 25.
    add(journal, "grown-child", [years_ago(18), years_ago(16)], dob=years_ago(26))
    # Seen at 8, now 20: 7 years after the last session have passed, 25 has not.
    add(journal, "young-adult", [years_ago(12)], dob=years_ago(20))
    # Seen at 17, now 30: an adult's 7 years and age 25 both passed.
    add(journal, "teen-then", [years_ago(13)], dob=years_ago(30))
    # Never seen.
    add(journal, "no-sessions", [])
    return journal


def test_check_reminds_of_retention_periods_that_ended(runner, clients: Journal):
    before = tree(clients.root)
    result = invoke(runner, "check")
    assert result.exit_code == 0, result.output
    found = retention_lines(result.stdout)
    assert sorted(found) == ["grown-child", "old-adult", "teen-then"]
    assert found["old-adult"].endswith(
        f"the minimum retention period for old-adult ended on {add_years(years_ago(8), 7)} "
        f"(last session {years_ago(8)}): yours to decide; nothing is deleted (hint: keep, "
        "archive or dispose of the record under your own policy)"
    )
    assert (
        f"ended on {add_years(years_ago(26), 25)} (last session {years_ago(16)})"
        in (found["grown-child"])
    )
    assert tree(clients.root) == before, "a reminder never deletes or rewrites anything"
    as_json = invoke(runner, "check", "--json")
    report = __import__("json").loads(as_json.stdout)
    assert report["ok"] is True
    assert sum(p["severity"] == "note" for p in report["problems"]) == 3


def test_a_child_is_kept_until_25_even_long_after_the_last_session(runner, journal: Journal):
    add(journal, "turns-25-tomorrow", [years_ago(15)], dob=years_ago(25, days=-1))
    add(journal, "turned-25-today", [years_ago(15)], dob=years_ago(25))
    found = retention_lines(invoke(runner, "check").stdout)
    assert sorted(found) == ["turned-25-today"]


def test_retention_is_configurable(runner, clients: Journal):
    write_config("[retention]\nadult_years = 10\nchild_until_age = 30\n")
    found = retention_lines(invoke(runner, "check").stdout)
    # 8 years ago < 10; the grown child (26) < 30; teen-then: 30 >= 30 and 13 >= 10.
    assert sorted(found) == ["teen-then"]

    write_config("[retention]\nadult_years = 5\n")
    found = retention_lines(invoke(runner, "check").stdout)
    assert sorted(found) == ["grown-child", "old-adult", "recent-adult", "teen-then"]
    assert f"ended on {add_years(years_ago(6), 5)}" in found["recent-adult"]


@pytest.mark.parametrize(
    "text",
    ["[retention]\nadult_years = 0\n", "[retention\nadult_years = 7\n", "retention = 7\n"],
    ids=["out-of-range", "not-toml", "not-a-table"],
)
def test_a_broken_config_never_stops_check(runner, clients: Journal, text: str):
    write_config(text)
    result = invoke(runner, "check")
    assert result.exit_code == 0, result.output
    assert sorted(retention_lines(result.stdout)) == ["grown-child", "old-adult", "teen-then"]


# -- 2. otj doctor ------------------------------------------------------------------------------


@pytest.fixture
def healthy(journal: Journal) -> Journal:
    journal.add_client(make_client())
    journal.add_session(make_session(), durable=False)
    return journal


def findings(output: str) -> list[tuple[str, str, str]]:
    """(status, what, fix) per finding, from doctor's two-line format."""
    rows: list[tuple[str, str, str]] = []
    for line in output.splitlines():
        if line.startswith("      fix: "):
            status, what, _ = rows[-1]
            rows[-1] = (status, what, line[len("      fix: ") :])
        elif line.startswith("      "):  # a path the finding lists
            status, what, remedy = rows[-1]
            rows[-1] = (status, f"{what}\n{line.strip()}", remedy)
        elif line.strip():
            status, _, what = line.partition(" ")
            rows.append((status, what.strip(), ""))
    return rows


def finding(output: str, words: str) -> tuple[str, str, str]:
    hits = [f for f in findings(output) if words in f[1]]
    assert len(hits) == 1, (words, output)
    return hits[0]


def test_doctor_on_a_healthy_folder(runner, healthy: Journal):
    before = tree(healthy.root)
    result = invoke(runner, "doctor")
    assert result.exit_code == 0, result.output
    rows = findings(result.stdout)
    assert [r[0] for r in rows] == ["ok"] * 8, rows  # folders and seals included
    assert finding(result.stdout, "permissions")[1] == "permissions: private"
    assert finding(result.stdout, "sessions and")[1] == "1 sessions and 0 homework entries read"
    assert finding(result.stdout, "config:")[1].endswith("(defaults)")
    assert tree(healthy.root) == before


def test_doctor_without_a_notes_folder_creates_nothing(runner, notes: Path):
    result = invoke(runner, "doctor")
    status, _what, fix = finding(result.stdout, "no notes folder yet")
    assert status == "note" and "otj init" in fix
    assert not notes.exists()


def test_doctor_finds_and_fixes_permissions(runner, healthy: Journal):
    session = next((healthy.root / "clients" / "mia-k" / "sessions").iterdir())
    os.chmod(session, 0o644)
    os.chmod(healthy.root / "clients" / "mia-k", 0o755)
    os.chmod(healthy.root / "clients" / "mia-k" / "client.toml", 0o640)
    before = contents(healthy.root)

    result = invoke(runner, "doctor")
    assert result.exit_code == 1
    status, what, fix = finding(result.stdout, "readable by others")
    head, *named = what.splitlines()
    assert (status, head) == ("warn", "3 files or folders readable by others")
    assert str(session) in named and len(named) == 3  # each named, as --json's paths
    assert fix == f"chmod -R go-rwx '{healthy.root}' (or otj doctor --fix)"
    assert stat.S_IMODE(os.stat(session).st_mode) == 0o644, "doctor without --fix changes nothing"

    fixed = invoke(runner, "doctor", "--fix")
    assert fixed.exit_code == 0, fixed.output
    status, what, fix = finding(fixed.stdout, "readable by others")
    assert (status, what, fix) == (
        "fixed",
        "3 files or folders were readable by others",
        "made private (folders 700, files 600)",
    )
    assert stat.S_IMODE(os.stat(session).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(healthy.root / "clients" / "mia-k").st_mode) == 0o700
    assert contents(healthy.root) == before
    again = invoke(runner, "doctor")
    assert again.exit_code == 0 and finding(again.stdout, "permissions")[0] == "ok"


def test_doctor_counts_every_file_others_can_read_not_the_lines_check_prints(
    runner, healthy: Journal
):
    """More than three are one line in 'check' (after a git clone, every file): doctor
    still says how many there are."""
    clients = healthy.root / "clients"
    opened = [clients, *sorted(clients.rglob("*"))]  # every folder and file below it
    assert len(opened) > 4 and all(p.is_dir() or p.suffix == ".toml" for p in opened)
    for path in opened:
        os.chmod(path, 0o755 if path.is_dir() else 0o644)
    result = invoke(runner, "doctor")
    status, what, _fix = finding(result.stdout, "readable by others")
    head, *named = what.splitlines()
    assert (status, head) == ("warn", f"{len(opened)} files or folders readable by others")
    assert sorted(named) == sorted(map(str, opened))
    check = invoke(runner, "check")
    assert f"{len(opened)} files and folders are readable by others" in check.stdout


def plant_temp(folder: Path, name: str, age_seconds: float, data: bytes = b"half a note") -> Path:
    path = folder / name
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    os.write(fd, data)
    os.close(fd)
    when = time.time() - age_seconds
    os.utime(path, (when, when))
    return path


def test_doctor_moves_an_old_leftover_temp_aside_and_leaves_a_fresh_one(runner, healthy: Journal):
    folder = healthy.root / "clients" / "mia-k" / "sessions"
    old = plant_temp(folder, ".otj-k3f9qxyz.part", 2 * 3600, b"left by a crash")
    fresh = plant_temp(folder, ".otj-n0wsav1n.part", 5, b"a save in progress")
    before = contents(healthy.root)

    result = invoke(runner, "doctor")
    assert result.exit_code == 1
    status, what, fix = finding(result.stdout, "leftover temp file")
    assert status == "warn" and what.startswith("1 leftover temp file(s)")
    assert fix == "otj doctor --fix moves them to .otjournal/resolved/"
    assert old.exists() and fresh.exists()

    fixed = invoke(runner, "doctor", "--fix")
    assert fixed.exit_code == 0, fixed.output
    status, what, fix = finding(fixed.stdout, "leftover temp file")
    assert status == "fixed" and fix == "moved to .otjournal/resolved/"
    assert not old.exists()
    assert fresh.read_bytes() == b"a save in progress"
    (moved,) = (healthy.root / ".otjournal" / "resolved").rglob(old.name)
    assert moved.read_bytes() == b"left by a crash"
    assert moved.relative_to(healthy.root).parts[-4:] == ("clients", "mia-k", "sessions", old.name)
    assert contents(healthy.root) == before, "doctor --fix never deletes"
    # The fresh one is still reported, as a note (a save may be running), with its path.
    status, what, _ = finding(invoke(runner, "doctor").stdout, "from the last hour")
    assert status == "note" and str(fresh) in what.splitlines()


@pytest.mark.parametrize("how", ["dangling-link", "save-finishes-meanwhile"])
def test_doctor_copes_with_a_temp_that_vanishes_or_dangles(
    runner, healthy: Journal, monkeypatch: pytest.MonkeyPatch, how: str
):
    """A temp name that cannot be stat'ed: a dangling link, or the temp of a save that
    finishes while doctor looks (listed by os.walk, unlinked before os.stat). Doctor
    still reports everything; never a traceback."""
    folder = healthy.root / "clients" / "mia-k" / "sessions"
    if how == "dangling-link":
        (folder / ".otj-gone1234.part").symlink_to(folder / "no-such-file")
    else:
        temp = plant_temp(folder, ".otj-saving12.part", 1)
        real_walk = os.walk

        def walk(top, *args, **kwargs):
            for dirpath, dirnames, filenames in real_walk(top, *args, **kwargs):
                if temp.name in filenames and Path(top).name == "clients":
                    temp.unlink()  # the other process's save completes right now
                yield dirpath, dirnames, filenames

        monkeypatch.setattr(os, "walk", walk)
    result = invoke(runner, "doctor")
    assert finding(result.stdout, "permissions")[0] == "ok"
    assert finding(result.stdout, "config:")[0] == "ok"


def test_doctor_fix_never_follows_a_symlinked_temp(runner, healthy: Journal, tmp_path: Path):
    outside = tmp_path / "outside"
    outside.mkdir()
    victim = outside / "private.txt"
    victim.write_bytes(b"not a note\n")
    two_hours = time.time() - 7200
    os.utime(victim, (two_hours, two_hours))
    link = healthy.root / "clients" / "mia-k" / "sessions" / ".otj-planted1.part"
    link.symlink_to(victim)

    result = invoke(runner, "doctor", "--fix")

    assert victim.read_bytes() == b"not a note\n"
    assert sorted(p.name for p in outside.iterdir()) == ["private.txt"]
    assert os.path.islink(link) or any(
        p.is_symlink() for p in (healthy.root / ".otjournal").rglob("*")
    ), "the link itself may be moved aside, its target never"
    # The rest of the report is still shown.
    assert finding(result.stdout, "permissions")[0] in ("ok", "fixed"), result.output
    assert finding(result.stdout, "config:")[0] == "ok"


def test_doctor_reports_drafts_waiting(runner, healthy: Journal):
    result = invoke(runner, "log", "mia-k", "--from", "-", input='setting = "home"\n')
    assert result.exit_code == 2  # incomplete: kept as a draft
    doctor = invoke(runner, "doctor")
    status, what, fix = finding(doctor.stdout, "draft(s)")
    assert (status, what) == ("note", "1 draft(s) waiting")
    assert "otj drafts" in fix and "otj log --resume" in fix


def test_doctor_reports_conflicts_and_unreadable_files(runner, healthy: Journal):
    session = next((healthy.root / "clients" / "mia-k" / "sessions").iterdir())
    copy = session.with_name(session.stem + ".sync-conflict-20260306-101500-ABCDEF1.toml")
    copy.write_bytes(session.read_bytes())
    os.chmod(copy, 0o600)
    broken = session.with_name("2026-03-09_1000_bbbbb.toml")
    broken.write_bytes(b"format_version = 1\nkind = ")
    os.chmod(broken, 0o600)
    before = tree(healthy.root)

    result = invoke(runner, "doctor")

    assert result.exit_code == 1
    assert finding(result.stdout, "sync conflict") == (
        "warn",
        "1 sync conflict copy set aside (not counted)",
        "otj conflicts (compare, then resolve)",
    )
    assert finding(result.stdout, "cannot be read") == (
        "warn",
        f"1 file(s) cannot be read and are left out\n{broken}",
        "otj check (file, line and what to do)",
    )
    # A note with git conflict markers: counted as every reading command counts it.
    marked = session.with_name("2026-03-10_1000_ccccc.toml")
    marked.write_bytes(b"<<<<<<< HEAD\nformat_version = 1\n=======\nx\n>>>>>>> other\n")
    os.chmod(marked, 0o600)
    before = tree(healthy.root)
    result = invoke(runner, "doctor")
    assert finding(result.stdout, "cannot be read") == (
        "warn",
        "2 file(s) cannot be read and are left out, 1 with git conflict markers\n"
        + "\n".join(sorted(map(str, (broken, marked)))),
        "otj check (file, line and what to do); otj conflicts resolves the markers",
    )
    assert "1 sync conflict copy set aside" in result.stdout
    listed = invoke(runner, "list").stderr
    assert "1 sync conflict copy set aside" in listed and "2 files could not be read" in listed
    assert tree(healthy.root) == before
    fixed = invoke(runner, "doctor", "--fix")
    assert fixed.exit_code == 1, "--fix never resolves conflicts or edits notes"
    assert tree(healthy.root) == before


def test_doctor_does_not_call_every_session_sealed_while_a_sealed_one_is_gone(
    runner, healthy: Journal
):
    """A sealed session deleted by hand: a warning naming it (exit 1), not "every session
    is sealed"; --fix cannot bring it back; once it is back, all is well again."""
    session = next((healthy.root / "clients" / "mia-k" / "sessions").iterdir())
    kept = session.read_bytes()
    session.unlink()

    for args in (["doctor"], ["doctor", "--fix"]):
        result = invoke(runner, *args)
        assert result.exit_code == 1, result.output
        assert finding(result.stdout, "missing") == (
            "warn",
            f"1 sealed session(s) missing from their place\n{session}",
            "restore each from a backup or the sync history (otj check names them too)",
        )
        assert "every session has a seal" not in result.stdout
    session.write_bytes(kept)
    os.chmod(session, 0o600)
    back = invoke(runner, "doctor")
    assert back.exit_code == 0, back.output
    assert finding(back.stdout, "has a seal") == (
        "ok",
        "every session has a seal (otj check compares each with it)",
        "",
    )


@pytest.mark.parametrize(
    "text, words",
    [
        ("[retention\nadult_years = 7\n", "not valid TOML"),
        ("[retention]\nadult_years = 0\n", "adult_years"),
        ("[session]\nduration_min = 'long'\n", "duration_min"),
    ],
    ids=["not-toml", "out-of-range", "wrong-type"],
)
def test_doctor_reports_a_malformed_config(runner, healthy: Journal, text: str, words: str):
    path = write_config(text)
    result = invoke(runner, "doctor")
    assert result.exit_code == 1
    status, what, fix = finding(result.stdout, "config")
    assert status == "warn"
    assert what.startswith(f"config does not read: {path}:"), what
    assert re.match(rf"config does not read: {re.escape(str(path))}:\d+:\d+: ", what), what
    assert words in what
    assert fix == "otj config edit"
    assert path.read_text() == text


def test_doctor_lists_every_finding_at_once(runner, healthy: Journal):
    folder = healthy.root / "clients" / "mia-k" / "sessions"
    session = next(folder.iterdir())
    os.chmod(session, 0o644)
    plant_temp(folder, ".otj-oldoldol.part", 3 * 3600)
    invoke(runner, "log", "mia-k", "--from", "-", input='setting = "home"\n')  # a draft
    write_config("[retention\n")
    result = invoke(runner, "doctor")
    assert result.exit_code == 1
    rows = findings(result.stdout)
    attention = [(s, what) for s, what, _ in rows if s in ("warn", "note")]
    assert [s for s, _ in attention] == ["warn", "warn", "note", "warn"], result.stdout
    assert all(fix for s, _, fix in rows if s in ("warn", "note")), (
        "every finding that needs attention says how to fix it"
    )


def test_doctor_fix_seals_nothing_while_a_sealed_session_is_gone(runner, healthy: Journal):
    """A sealed note renamed by hand is gone from its place and, under its new name,
    unsealed: --fix must not seal it there (put back, its old name would then be
    'missing' for ever). It says to put the note back first."""
    session = next((healthy.root / "clients" / "mia-k" / "sessions").iterdir())
    renamed = session.with_name("renamed.toml")
    session.rename(renamed)
    for args in (["doctor"], ["doctor", "--fix"]):
        result = invoke(runner, *args)
        assert result.exit_code == 1, result.output
        assert finding(result.stdout, "no seal yet") == (
            "note",
            "1 session(s) have no seal yet (later changes to them cannot be seen)",
            "put the missing sealed sessions back first; then otj doctor --fix seals these",
        )
    renamed.rename(session)
    back = invoke(runner, "doctor")
    assert back.exit_code == 0, back.output
    assert finding(back.stdout, "has a seal") == (
        "ok",
        "every session has a seal (otj check compares each with it)",
        "",
    )


def test_doctor_json_names_every_path_of_a_finding_in_a_list(runner, healthy: Journal):
    """The screen lists the first ten paths under a finding and counts the rest; the
    JSON document gives every one in ``paths`` and keeps ``what`` to the finding's line."""
    folder = healthy.root / "clients" / "mia-k" / "sessions"
    temps = [plant_temp(folder, f".otj-old{i:05d}.part", 3 * 3600) for i in range(12)]

    screen = invoke(runner, "doctor")
    assert screen.exit_code == 1
    assert "… and 2 more" in screen.stdout
    # the first ten by name, whatever order the folder lists them in
    assert [str(t) in screen.stdout for t in temps] == [True] * 10 + [False] * 2

    result = invoke(runner, "doctor", "--json")
    assert result.exit_code == 1
    found = json.loads(result.stdout)["findings"]
    (temp,) = [f for f in found if "leftover temp file" in f["what"]]
    assert temp["what"] == (
        "12 leftover temp file(s) in the notes folder from an interrupted save "
        "(never notes themselves)"
    )
    assert sorted(temp["paths"]) == sorted(str(t) for t in temps)
    assert all(f["paths"] == [] for f in found if f["status"] == "ok")


@pytest.mark.pty
@pytest.mark.parametrize("width", [40, 60])
def test_doctor_and_config_wrap_to_a_terminal_and_stay_whole_when_piped(runner, healthy, width):
    """On a narrow terminal a finding, its fix and a config value wrap at spaces, each
    line after the first under the words (the terminal broke them mid-word); piped,
    each is one line, as grep and the tests above read it."""
    from tests.terminal import Pty

    os.chmod(healthy.root / "clients" / "mia-k" / "client.toml", 0o640)
    env = {**os.environ, "TERM": "xterm", "NO_COLOR": "1"}
    for name in ("COLUMNS", "LINES"):
        env.pop(name, None)  # the terminal's own size
    shown = {}
    for args in (["doctor"], ["config"]):
        child = Pty(*args, env=env, size=(40, width))
        child.wait()
        shown[args[0]] = child.output.replace("\r\n", "\n")
    lines = shown["doctor"].splitlines() + shown["config"].splitlines()
    long_words = [line for line in lines if "/" in line and " " not in line.strip()]
    assert all(len(line) <= width for line in lines if line not in long_words), lines
    doctor = shown["doctor"].splitlines()
    fix = next(n for n, line in enumerate(doctor) if line.startswith("      fix: chmod"))
    assert doctor[fix + 1].startswith(" " * 11 + "(or") or len(doctor[fix]) <= width
    first = next(n for n, line in enumerate(doctor) if line.startswith("warn  "))
    assert doctor[first + 1].startswith("      ") and not doctor[first + 1][6].isspace()
    config = shown["config"].splitlines()
    at = next(n for n, line in enumerate(config) if "practitioner.techniques" in line)
    rest = config[at + 1]  # the list's rest, under the value, never at the edge
    assert rest.startswith("      ") and rest[6] in '["', config
    piped = invoke(runner, "doctor").stdout
    assert "readable by others" in piped and finding(piped, "readable by others")[0] == "warn"
