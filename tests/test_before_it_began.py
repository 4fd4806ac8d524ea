"""Dates before the thing they are about began: a session before the client was born is
refused by `otj log` (exit 2, nothing written) and named by `otj check` when written by
hand; a homework entry dated before its homework was set is named by `check`: its plan
does not count it, though the practice it records is listed."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

from otjournal.cli import app
from otjournal.model import Assignment, Plan
from tests.conftest import TZ, make_client, make_session
from tests.helpers import tree


def said(result) -> str:
    return result.stdout + result.stderr


def test_a_session_before_the_client_was_born(runner, journal, notes, clock):
    journal.add_client(replace(make_client(), date_of_birth=date(2019, 6, 12)))
    before = tree(notes)
    log = ["log", "mia-k", "--no-input", "--time", "10:00", "--by", "Alex",
           "--setting", "clinic", "--attendee", "child", "--summary", "Swing"]  # fmt: skip
    refused = runner.invoke(app, [*log, "--date", "2019-06-11"])
    assert refused.exit_code == 2, refused.output
    assert "start: 2019-06-11 is before mia-k's date of birth (2019-06-12)" in refused.stderr
    assert tree(notes) == before
    assert runner.invoke(app, [*log, "--date", "2019-06-12"]).exit_code == 0
    journal.add_session(make_session(start=datetime(2018, 1, 2, 10, 0, tzinfo=TZ)))
    check = runner.invoke(app, ["check"])
    assert said(check).count("before mia-k's date of birth") == 1, said(check)
    assert "start: 2018-01-02 is before mia-k's date of birth (2019-06-12)" in said(check)


def test_a_homework_entry_dated_before_its_homework_was_set(runner, journal, notes, clock):
    journal.add_client(make_client())
    plan = Plan("Laces", "", (Assignment("hw-k3x", "Lacing card", "practice", 5),))
    journal.add_session(make_session(start=datetime(2026, 3, 2, 10, 0, tzinfo=TZ), plan=plan))
    log = ["homework", "log", "mia-k", "hw-k3x", "--done", "yes", "--by", "Sarah", "--no-input"]
    for at in ("2026-03-01 18:00", "2026-03-03 18:00"):
        assert runner.invoke(app, [*log, "--at", at]).exit_code == 0
    check = runner.invoke(app, ["check"])
    assert said(check).count("before its homework") == 1, said(check)
    assert (
        "at: dated 2026-03-01, before its homework 'hw-k3x' was set (2026-03-02): "
        "not counted against its plan" in said(check)
    )
