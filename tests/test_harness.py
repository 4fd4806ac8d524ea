"""The shared test harness holds its promises: a crash fails the test, an exit does not."""

from __future__ import annotations

import pytest
import typer

from tests.helpers import Runner

app = typer.Typer()


@app.command()
def main(how: str) -> None:
    if how == "crash":
        raise RuntimeError("boom")
    if how == "exit":
        raise typer.Exit(2)


def test_a_crash_fails_the_test_with_its_traceback():
    with pytest.raises(pytest.fail.Exception) as failed:
        Runner().invoke(app, ["crash"])
    assert "RuntimeError: boom" in str(failed.value)
    assert "Traceback" in str(failed.value)


def test_an_exit_with_any_code_is_left_to_the_test(runner):
    assert runner.invoke(app, ["exit"]).exit_code == 2
    assert runner.invoke(app, ["fine"]).exit_code == 0
    assert runner.invoke(app, []).exit_code == 2  # a usage error is an exit too


def test_a_crash_the_test_expects_is_returned():
    result = Runner().invoke_crashing(app, ["crash"])
    assert isinstance(result.exception, RuntimeError)


def test_the_clock_stops_for_every_module_that_reads_it(clock):
    from datetime import datetime

    import otjournal.clock
    from otjournal.cli import common, log_cmd, record_cmds
    from tests.conftest import CLOCK, TZ

    assert common.now() == log_cmd.now() == record_cmds.now() == otjournal.clock.now() == CLOCK
    assert common.today() == otjournal.clock.today() == CLOCK.date()
    later = clock.set(datetime(2027, 1, 2, 3, 4, tzinfo=TZ))
    assert log_cmd.now() == record_cmds.now() == later
    assert common.today() == later.date()
    with pytest.raises(AssertionError):
        clock.set(datetime(2027, 1, 2))  # naive: the commands' clock is aware


def test_without_the_fixture_the_clock_runs():
    from datetime import datetime

    from otjournal import clock

    before = datetime.now().astimezone()
    assert before <= clock.now() <= datetime.now().astimezone()
    assert clock.now().tzinfo is not None
