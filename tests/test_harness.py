"""The shared test harness holds its promises: a crash fails the test, an exit does not;
the clock stops for every module; no test can pass without checking anything."""

from __future__ import annotations

import ast
from pathlib import Path

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


# -- no test can pass without checking anything --------------------------------------------

TESTS = sorted(Path(__file__).parent.glob("test_*.py"))


def _fixed(loop: ast.For) -> bool:
    """A loop over a literal (a tuple, list, set or dict written out, or range(n)) always
    runs its body."""
    it = loop.iter
    if isinstance(it, ast.Tuple | ast.List | ast.Set | ast.Dict):
        return bool(it.elts if not isinstance(it, ast.Dict) else it.keys)
    return isinstance(it, ast.Call) and getattr(it.func, "id", "") == "range"


def _asserts(node: ast.AST, guarded: bool = False) -> list[bool]:
    """For each assert in ``node`` (nested functions aside): is it inside an ``if``, a
    ``while`` or a loop over something that may be empty?"""
    found = []
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda | ast.ClassDef):
            continue
        inside = guarded
        if isinstance(node, ast.If | ast.While) or (isinstance(node, ast.For) and not _fixed(node)):
            inside = inside or child in node.body or child in node.orelse
        if isinstance(child, ast.Assert):
            found.append(inside)
        found += _asserts(child, inside)
    return found


def test_no_test_keeps_every_assert_behind_a_condition():
    """Assert the collection is non-empty first (or use hypothesis' ``assume``)."""
    vacuous = []
    for path in TESTS:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef) and node.name.startswith("test_"):
                guarded = _asserts(node)
                if guarded and all(guarded):
                    vacuous.append(f"{path.name}:{node.lineno} {node.name}")
    assert TESTS and not vacuous, vacuous


def test_the_vacuous_check_can_fail():
    tree = ast.parse(
        "def test_a(xs):\n    for x in xs:\n        assert x\n"
        "def test_b(xs):\n    assert xs\n    for x in xs:\n        assert x\n"
        "def test_c():\n    for x in (1, 2):\n        assert x\n"
    )
    verdicts = {f.name: all(_asserts(f)) for f in tree.body if isinstance(f, ast.FunctionDef)}
    assert verdicts == {"test_a": True, "test_b": False, "test_c": False}
