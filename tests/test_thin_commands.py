"""The commands are thin: the numbers, the doctor's findings and the exit codes live
below the CLI and can be asked directly, with no terminal and no clock."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from otjournal.cli import app
from otjournal.disk.doctor import Around, Finding, examine, needs_attention
from otjournal.disk.store import Journal
from otjournal.errors import (
    ExitCode,
    FlagErrors,
    InvalidFile,
    MissingFields,
    NotFoundError,
    OtjournalError,
    Problem,
    Stopped,
    StoreError,
    UsageError,
    ValidationError,
)
from otjournal.model.vocab import GAS_LEVEL_KEYS
from otjournal.numbers.trends import build, period
from tests.conftest import make_client, make_session


def test_exit_codes_are_the_readmes():
    assert [int(c) for c in ExitCode] == [0, 1, 2, 130]
    assert OtjournalError("x").exit_code == ExitCode.PROBLEM
    assert NotFoundError("x").exit_code == ExitCode.PROBLEM
    assert StoreError("x").exit_code == ExitCode.PROBLEM
    assert InvalidFile([Problem(Path("a.toml"), "bad")]).exit_code == ExitCode.PROBLEM
    assert UsageError("x").exit_code == ExitCode.USAGE
    assert MissingFields(["client"], {}).exit_code == ExitCode.USAGE
    assert FlagErrors([ValidationError("goals[0]", "no such goal")]).exit_code == ExitCode.USAGE
    assert Stopped(ExitCode.INTERRUPTED).exit_code == 130


def test_missing_fields_name_the_option_for_each():
    error = MissingFields(["client", "plan.summary"], {"plan.summary": "--summary"})
    assert error.message == "cannot save without:\n  client\n  plan.summary  (--summary)"


def test_period_counts_from_the_day_given():
    today = date(2026, 3, 31)
    assert period(None, None, today) == (date(2025, 9, 30), today)
    assert period("30d", "2026-03-15", today) == (date(2026, 3, 1), date(2026, 3, 15))
    with pytest.raises(UsageError, match="--to is before --from"):
        period("2026-03-10", "2026-03-01", today, flags=("--from", "--to"))


def test_trends_are_built_from_records_alone():
    client = make_client()
    sessions = [make_session()]
    t = build(client, sessions, [], date(2000, 1, 1), date(2999, 12, 31), [("a", "An item")])
    assert (t.since, t.until) == (date(2000, 1, 1), date(2999, 12, 31))
    assert [s.id for s in t.sessions] == [s.id for s in sessions]
    t = build(client, sessions, [], date(2000, 1, 1), date(2000, 1, 2), [])
    assert t.sessions == ()


def _around(tmp_path: Path, problem: str | None = None, commands: tuple[str, ...] = ()) -> Around:
    drafts = tmp_path / "state" / "drafts"
    return Around(
        own_folders=[("drafts folder", drafts)],
        drafts_folder=drafts,
        draft_commands=commands,
        config_path=tmp_path / "config.toml",
        config_problem=problem,
    )


def test_doctor_returns_findings_and_prints_nothing(tmp_path, capsys):
    from datetime import datetime

    j = Journal(tmp_path / "no-notes-yet")
    findings = examine(j, _around(tmp_path), fix=False, now=datetime(2026, 1, 1))
    assert capsys.readouterr() == ("", "")
    assert all(isinstance(f, Finding) for f in findings)
    assert findings[0].status == "note" and "no notes folder yet" in findings[0].what
    assert findings[-1] == Finding("ok", f"config: {tmp_path / 'config.toml'} (defaults)")
    assert not needs_attention(findings)
    broken = examine(
        j, _around(tmp_path, "line 1: bad", ("log", "log")), fix=False, now=datetime(2026, 1, 1)
    )
    assert broken[-2] == Finding("note", "2 draft(s) waiting", "otj drafts (otj log --resume)")
    assert broken[-1].status == "warn" and needs_attention(broken)


def test_goal_levels_are_the_vocabularys(runner, journal):
    journal.add_client(make_client())
    result = runner.invoke(
        app, ["goal", "add", "mia-k", "--text", "x", "--baseline", "-2", "--level", "3=too high"]
    )
    assert result.exit_code == 2, result.output
    assert "one of " + ", ".join(GAS_LEVEL_KEYS) in result.output
