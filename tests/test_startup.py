"""Issue 19's start-up: ``otj --version`` and the overall help import no Typer and no
command module, and say exactly what the Typer app says.

The overall help is printed from cli.catalog (``cli.roothelp``); the catalog must hold
what the commands register (names, order, words), and the text must be the Typer app's
own at every width Click can choose, on stdout, stderr and a terminal."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
import typer.main
from hypothesis import given, settings
from hypothesis import strategies as st

from otjournal.cli import MODULES, catalog, roothelp
from otjournal.cli.root import build
from tests.conftest import REPO
from tests.helpers import ctrl_c_as_a_person_has_it

# -- the catalog holds what the commands register ----------------------------------------


def drift() -> list[str]:
    """Every way the catalog differs from the app the modules build (empty: none)."""
    group = typer.main.get_command(build())
    assert isinstance(group, typer.core.TyperGroup)
    found: list[str] = []
    names = list(group.commands)
    if names != [name for name, _, _ in catalog.COMMANDS]:
        found.append(f"commands, in --help's order: {names}")
    for name, _module, words in catalog.COMMANDS:
        cmd = group.commands.get(name)
        if cmd is None:
            continue
        registered = catalog.first_sentence(cmd.help or "")
        if registered != words:
            found.append(f"{name}: its help begins {registered!r}")
        if cmd.short_help or cmd.hidden or cmd.deprecated:
            found.append(f"{name}: a short help, hidden or deprecated (the catalog has none)")
    if group.help != catalog.ROOT_HELP:
        found.append(f"the root's help: {group.help!r}")
    ctx = typer.Context(group, info_name="otj", **group.context_settings)
    options = [p.get_help_record(ctx) for p in group.get_params(ctx)]
    if options != list(catalog.OPTIONS):
        found.append(f"the root's options: {options}")
    return found


def test_the_catalog_holds_every_command_as_registered():
    assert len(catalog.COMMANDS) >= 25
    assert drift() == []
    # each in the module that registers it (tests/test_fast_reads.py checks that map)
    assert {module for _, module, _ in catalog.COMMANDS} == set(MODULES)


@pytest.mark.parametrize(
    "change",
    ["a word", "the order", "a command left out", "a command too many", "an option"],
)
def test_a_catalog_that_drifts_is_caught(monkeypatch: pytest.MonkeyPatch, change: str):
    rows = list(catalog.COMMANDS)
    if change == "a word":
        name, module, words = rows[3]
        rows[3] = (name, module, words.replace("every", "each"))
    elif change == "the order":
        rows[0], rows[1] = rows[1], rows[0]
    elif change == "a command left out":
        del rows[-1]
    elif change == "a command too many":
        rows.append(("help", "journal_cmds", "Show the help."))
    if change == "an option":
        monkeypatch.setattr(catalog, "OPTIONS", catalog.OPTIONS[:-1])
    monkeypatch.setattr(catalog, "COMMANDS", tuple(rows))
    assert drift()


def test_first_sentence_is_what_click_can_show():
    assert catalog.first_sentence("Read and validate every file.  Silent\nwith exit 0.") == (
        "Read and validate every file."
    )
    assert catalog.first_sentence("No full stop\nat all\n\nSecond paragraph.") == (
        "No full stop at all"
    )
    assert catalog.first_sentence("\b\nKept as typed.") == "Kept as typed."


# -- the same text as the Typer app, at every width ---------------------------------------

WIDTHS = [*map(str, range(40, 86)), "200", "0", "-3", "wide", None]


def typers_help() -> str:
    """The Typer app's overall help as Click prints it in a real run, at the width Click
    finds itself (the CliRunner forces 80 columns, so it is not used here)."""
    group = typer.main.get_command(build())
    return group.get_help(typer.Context(group, info_name="otj", **group.context_settings))


@pytest.mark.parametrize("columns", WIDTHS)
def test_the_overall_help_is_the_typer_apps_at_every_width(
    monkeypatch: pytest.MonkeyPatch, columns: str | None
):
    if columns is None:
        monkeypatch.delenv("COLUMNS", raising=False)
    else:
        monkeypatch.setenv("COLUMNS", columns)
    assert roothelp.text(roothelp.width()) == typers_help()


@settings(max_examples=300, deadline=None)
@given(
    words=st.one_of(
        st.lists(st.text("abc.,", min_size=1, max_size=14), max_size=12).map(" ".join),
        st.text(alphabet="ab -.\t\u00a0", max_size=90),
    ),
    width=st.integers(20, 80),  # wider than the indents: Click loops forever otherwise
    first=st.sampled_from(["", "  ", "Usage: otj "]),
    rest=st.sampled_from(["", "  ", "           "]),
)
def test_wrapping_is_clicks(words: str, width: int, first: str, rest: str):
    """Filled here for plain words, by textwrap otherwise: Click's either way."""
    from typer._click.formatting import wrap_text

    expected = wrap_text(words, width, initial_indent=first, subsequent_indent=rest)
    assert roothelp._wrap(words, width, first, rest) == expected


def test_a_short_help_is_cut_as_click_cuts_it():
    from typer._click.utils import make_default_short_help

    words = "Goals (each against its recorded baseline; reviews' T-scores on the same goals)."
    checked = 0
    for limit in range(5, len(words) + 3):
        assert roothelp.short_help(words, limit) == make_default_short_help(words, limit)
        checked += 1
    assert checked > 70


# -- the real entry point, in a process of its own ----------------------------------------

# Runs ``cli.main`` (or, with "typer", the Typer app as every run went before issue 19)
# and reports what it printed, its exit code and the modules it loaded.
PROBE = """
import io, json, sys
out, err = io.StringIO(), io.StringIO()
sys.stdout, sys.stderr = out, err
args, via = json.loads(sys.argv[1])
sys.argv = ["otj", *args]
code = 0
try:
    if via == "typer":
        from otjournal.cli.root import run
        run(args)
    else:
        from otjournal.cli import main
        main()
except SystemExit as exc:
    code = exc.code or 0
loaded = sorted(m for m in sys.modules if m.split(".")[0] in ("otjournal", "typer", "rich"))
sys.__stdout__.write(json.dumps([code, out.getvalue(), err.getvalue(), loaded]))
"""


def otj(*args: str, via: str = "main", columns: str = "80") -> tuple[int, str, str, list[str]]:
    env = {**os.environ, "COLUMNS": columns}
    env.pop("_OTJ_COMPLETE", None)
    done = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps([list(args), via])],
        capture_output=True,
        text=True,
        cwd=REPO,
        env=env,
        check=True,
        timeout=60,
    )
    code, out, err, loaded = json.loads(done.stdout)
    return code, out, err, loaded


@pytest.mark.parametrize("args", [["--version"], ["-V"], ["--help"], ["-h"], []])
def test_version_and_the_overall_help_load_no_typer_and_no_command(args: list[str]):
    code, out, err, loaded = otj(*args)
    assert not [m for m in loaded if m.startswith(("typer", "rich"))], loaded
    assert not [m for m in loaded if m.split(".")[-1] in MODULES], loaded
    help_ = ["otjournal.cli.roothelp"] if args[:1] != ["--version"] and args != ["-V"] else []
    assert loaded == sorted(["otjournal", "otjournal.cli", "otjournal.cli.catalog", *help_])
    assert (code, out, err) == otj(*args, via="typer")[:3]
    assert (out + err).startswith("Usage: otj [OPTIONS] COMMAND" if help_ else "otj ")


@pytest.mark.parametrize("columns", ["50", "64", "100"])
def test_help_alone_and_mistyped_say_what_the_typer_app_said(columns: str):
    for args in (["--help"], [], ["lst"], ["help"], ["--help", "list"], ["-V", "list"]):
        assert otj(*args, columns=columns)[:3] == otj(*args, via="typer", columns=columns)[:3]
    code, _, err, loaded = otj("lst")
    assert code == 2 and "No such command" in err and "Did you mean 'list'?" in err
    assert "otjournal.cli.journal_cmds" in loaded  # a mistyped name needs every command


def test_a_single_command_still_loads_only_its_module():
    code, out, _, loaded = otj("path", "--help")
    assert code == 0 and out.startswith("Usage: otj path")
    assert [m for m in loaded if m.split(".")[-1] in MODULES] == ["otjournal.cli.journal_cmds"]


def test_completion_still_offers_every_command():
    # A shell asks with no arguments (``otj`` alone would be the overall help) or, from
    # an older script, with some: either way the answer is the offers, never the help.
    env = {**os.environ, "_OTJ_COMPLETE": "complete_bash", "COMP_WORDS": "otj --he"}
    env["COMP_CWORD"] = "1"
    offered = subprocess.run(
        [sys.executable, "-m", "otjournal"],
        env=env,
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=60,
    )
    assert offered.returncode == 0 and offered.stdout.split() == ["--help"]
    env |= {"COMP_WORDS": "otj ", "COMP_CWORD": "1"}
    offered = subprocess.run(
        [sys.executable, "-m", "otjournal", "--help"],
        env=env,
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=60,
    )
    assert offered.returncode == 0 and "Usage" not in offered.stdout
    assert set(offered.stdout.split()) >= {name for name, _, _ in catalog.COMMANDS}


@pytest.mark.pty
@pytest.mark.parametrize("columns", [60, 120])
def test_on_a_terminal_the_help_fits_the_terminal(monkeypatch: pytest.MonkeyPatch, columns: int):
    from tests.terminal import Pty

    env = {k: v for k, v in os.environ.items() if k != "COLUMNS"}
    for args, status in ((["--help"], 0), ([], 2)):
        shown = Pty(*args, env=env, size=(50, columns)).finish(status)
        monkeypatch.setenv("COLUMNS", str(columns))  # what the Typer app says at that width
        assert shown == typers_help() + "\n"
        monkeypatch.delenv("COLUMNS")


# -- the end: no last collection of what the command made ----------------------------------

ENDING = """
import gc
import sys
from otjournal.cli import main

gc.disable()  # no collection while the command runs; the one at exit runs all the same

class Cycle:
    def __del__(self):
        sys.stdout.write("collected\\n")

c = Cycle()
c.me = c  # only the cyclic collector frees it
del c
sys.argv = ["otj", *sys.argv[1:]]
main()
"""


@pytest.mark.parametrize("args", [["--version"], ["path"]])
def test_a_command_ends_without_collecting_what_it_made(args: list[str], tmp_path):
    """gc.freeze at exit (cli.quick_exit): the interpreter's last collection, 30 ms after a
    whole-journal command, does not run. Without it, the cycle above is collected at exit
    and says so."""
    env = {**os.environ, "OTJOURNAL_DIR": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, "-c", ENDING, *args],
        capture_output=True, text=True, cwd=REPO, env=env, timeout=60,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "collected" not in done.stdout
    plain = subprocess.run(
        [sys.executable, "-c", ENDING.replace("main()", "print('not run')")],
        capture_output=True, text=True, cwd=REPO, env=env, timeout=60,
    )  # fmt: skip
    assert plain.stdout.split() == ["not", "run", "collected"]  # the probe itself works


# -- Ctrl-C while the command loads ------------------------------------------------------

INTERRUPTED_WHILE_LOADING = """
import os
import signal
import sys
from otjournal.disk import prefetch
from otjournal.cli import main

# A real SIGINT, as a terminal's Ctrl-C sends it, in the first tenth of a second: the
# command has not loaded, its own boundary (common.BoundaryGroup) is not there yet.
prefetch.start = lambda args: os.kill(os.getpid(), signal.SIGINT)
sys.argv = ["otj", *sys.argv[1:]]
main()
"""


@pytest.mark.parametrize("args", [["check"], ["list", "-n", "3"]])
def test_ctrl_c_while_loading_says_interrupted_not_a_traceback(args: list[str], tmp_path):
    env = {**os.environ, "OTJOURNAL_DIR": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, "-c", INTERRUPTED_WHILE_LOADING, *args],
        capture_output=True, text=True, cwd=REPO, env=env, timeout=60,
        preexec_fn=ctrl_c_as_a_person_has_it,
    )  # fmt: skip
    assert (done.returncode, done.stderr, done.stdout) == (130, "\notj: interrupted\n", "")


def test_ctrl_c_wrapped_by_python_while_a_class_is_made_is_still_an_interruption(tmp_path):
    """Python 3.11 wraps a KeyboardInterrupt raised in __set_name__ (a class being made as
    a module loads) in a RuntimeError: still "interrupted", exit 130."""
    wrapped = INTERRUPTED_WHILE_LOADING.replace(
        "prefetch.start = lambda args: os.kill(os.getpid(), signal.SIGINT)",
        "class Picked:\n"
        "    def __set_name__(self, owner, name):\n"
        "        os.kill(os.getpid(), signal.SIGINT)\n"
        "def made(args):\n"
        "    class Survey:\n"
        "        picked = Picked()\n"
        "prefetch.start = made",
    )
    done = subprocess.run(
        [sys.executable, "-c", wrapped, "check"],
        capture_output=True, text=True, cwd=REPO,
        env={**os.environ, "OTJOURNAL_DIR": str(tmp_path)}, timeout=60,
        preexec_fn=ctrl_c_as_a_person_has_it,
    )  # fmt: skip
    assert (done.returncode, done.stderr) == (130, "\notj: interrupted\n")
