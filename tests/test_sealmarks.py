"""Marks left by a first whole-journal read (disk/sealmarks.py): the ``check`` after a
cold ``trends`` need not read every note again to compare it with its seal (issue 19),
and still finds every note that differs from its seal."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from otjournal.cli import app
from otjournal.disk import pool, sealmarks, seals
from otjournal.disk import sealcheck as checks
from otjournal.disk.store import Journal
from tests.conftest import make_client, make_session
from tests.helpers import sqlite


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The notes check reads to compare with their seals (counted)."""
    counted: list[int] = []
    real = checks.read_capped

    def read_capped(fd: int, cap: int, size: int | None = None) -> bytes:
        counted.append(fd)
        return real(fd, cap, size)

    monkeypatch.setattr(checks, "read_capped", read_capped)
    return counted


@pytest.fixture
def sealed(runner, journal: Journal, notes: Path) -> list[Path]:
    """Two clients' sealed sessions; the first one's note then edited by hand (its seal
    no longer matches) and the second's seal taken out of the log (unsealed)."""
    journal.add_client(make_client())
    journal.add_client(make_client("tom-b"))
    paths = [
        journal.add_session(make_session(start=datetime(2026, 3, d, 10, tzinfo=UTC))).path
        for d in range(2, 8)
    ]
    paths.append(journal.add_session(make_session(client="tom-b")).path)
    edited = paths[0]
    edited.write_bytes(
        edited.read_bytes().replace(b"Followed Mia's lead.", b"Followed Tom's lead.")
    )
    log = next(notes.joinpath(*seals.FOLDER).iterdir())
    name = paths[1].name.encode()
    log.write_bytes(b"".join(x for x in log.read_bytes().splitlines(True) if name not in x))
    return paths


def check(runner) -> tuple[int, str]:
    result = runner.invoke(app, ["check", "--json"])
    return result.exit_code, result.stdout


@pytest.mark.parametrize("in_workers", [False, True])
def test_the_check_after_a_first_trends_reads_only_the_notes_unlike_their_seal(
    runner, sealed: list[Path], reads: list[int], monkeypatch, in_workers: bool
):
    monkeypatch.setattr(sealmarks, "AT_LEAST", 1)
    if in_workers:
        monkeypatch.setattr(pool, "START_FROM", 1)
        monkeypatch.setenv("OTJOURNAL_WORKERS", "2")
    assert runner.invoke(app, ["trends"]).exit_code == 0
    after = check(runner)
    assert len(reads) == 1  # the edited note: its content is not what its seal names
    words = [p["message"] for p in json.loads(after[1])["problems"]]
    assert len(words) == 1 and "what was sealed was edited" in words[0], words
    assert json.loads(after[1])["unsealed"] == 1
    monkeypatch.setenv("OTJOURNAL_NO_CACHE", "1")
    assert check(runner) == after


def test_a_note_changed_after_the_marks_were_left_is_read_and_reported(
    runner, sealed: list[Path], notes: Path, reads: list[int], monkeypatch
):
    monkeypatch.setattr(sealmarks, "AT_LEAST", 1)
    assert runner.invoke(app, ["trends"]).exit_code == 0
    changed = sealed[3]  # sealed and matching when trends read it
    raw = changed.read_bytes()
    changed.write_bytes(raw.replace(b"Followed Mia's lead.", b"Followed Ava's lead."))
    assert len(changed.read_bytes()) == len(raw)  # same size: only its times say so
    _, out = check(runner)
    named = [p["path"] for p in json.loads(out)["problems"]]
    assert sorted(named) == [p.relative_to(notes).as_posix() for p in (sealed[0], changed)]
    assert len(reads) == 2


def test_a_mark_for_a_note_unlike_its_seal_is_never_taken_for_a_match(
    runner, sealed: list[Path], notes: Path, tmp_path: Path, monkeypatch
):
    """Marks name content, not a verdict: the edited note's mark (what trends parsed)
    is in the index, and check still compares it with its seal and reports it."""
    monkeypatch.setattr(sealmarks, "AT_LEAST", 1)
    assert runner.invoke(app, ["trends"]).exit_code == 0
    (db,) = (tmp_path / "home" / "cache").rglob("seals-*.sqlite")
    with sqlite(db) as con:  # closed on leaving (Python 3.13 warns of one left open)
        marks = dict(con.execute("SELECT path, mark FROM verified"))
    rel = sealed[0].relative_to(notes).as_posix()
    assert marks[rel].endswith(sealmarks.digest(sealed[0].read_bytes()))
    assert len(marks) == len(sealed)
    _, out = check(runner)
    assert "what was sealed was edited" in out


def test_a_command_that_parses_few_notes_leaves_no_marks(tmp_path: Path):
    marks = sealmarks.Marks(tmp_path / "notes", tmp_path / "cache")
    for n in range(sealmarks.AT_LEAST - 1):
        marks.add(f"clients/a/sessions/{n}.toml", (1, 2, 3, n), "3 " + "ab" * 32)
    marks.close()
    assert not (tmp_path / "cache").exists()  # the seal index was not even opened
