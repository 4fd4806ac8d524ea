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
