"""Helpers every test file shares: a snapshot of a folder, and a CLI runner that never lets
a traceback pass for a clean exit. (Fixtures are in conftest.py; the pseudo-terminal
child is in tests/terminal.py, which needs pexpect.)"""

from __future__ import annotations

import contextlib
import os
import signal
import sqlite3
import stat
import traceback
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

Entry = tuple[Any, ...]


def ctrl_c_as_a_person_has_it() -> None:
    """A child's ``preexec_fn``: Ctrl-C interrupts it, however the suite was started. A
    shell runs a command it puts in the background (``cmd &`` in a script, as CI does)
    with SIGINT ignored; the child would inherit that, a Ctrl-C test would see nothing
    happen, and a pty test would wait for ever."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def tree(root: Path) -> dict[str, Entry]:
    """Every entry under ``root`` by relative path: ``("dir", mode)``, ``("file", bytes,
    mode)`` or ``("link", target)``; symlinks are not followed, a missing root is ``{}``.

    Compare one snapshot before a command with one after to prove it wrote nothing:
    a new empty folder, a changed mode or a moved byte all show."""
    out: dict[str, Entry] = {}
    if not os.path.lexists(root):
        return out
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        for name in [*dirnames, *filenames]:
            full = os.path.join(dirpath, name)
            rel = os.path.relpath(full, root)
            st = os.lstat(full)
            if stat.S_ISLNK(st.st_mode):
                out[rel] = ("link", os.readlink(full))
            elif stat.S_ISDIR(st.st_mode):
                out[rel] = ("dir", stat.S_IMODE(st.st_mode))
            else:
                with open(full, "rb") as fh:
                    out[rel] = ("file", fh.read(), stat.S_IMODE(st.st_mode))
    return out


class Runner(CliRunner):
    """A CliRunner whose ``invoke`` fails the test, traceback shown, when the command
    raised anything but an exit: a crash is never mistaken for exit code 1.

    A test that means the command to crash says so with ``invoke_crashing``."""

    def invoke(self, *args: Any, **kwargs: Any) -> Result:  # type: ignore[override]
        result = super().invoke(*args, **kwargs)
        crash = result.exception
        if crash is not None and not isinstance(crash, SystemExit):
            shown = "".join(traceback.format_exception(crash))
            pytest.fail(
                f"the command crashed (exit code {result.exit_code}):\n{shown}\n"
                f"its output:\n{result.output}",
                pytrace=False,
            )
        return result

    def invoke_crashing(self, *args: Any, **kwargs: Any) -> Result:
        """``invoke`` for a test that expects an exception and checks it itself."""
        return super().invoke(*args, **kwargs)


@contextlib.contextmanager
def sqlite(path: Path | str) -> Iterator[sqlite3.Connection]:
    """A connection committed and closed on leaving (``with sqlite3.connect()`` only
    commits: Python 3.13 warns about the connection left open)."""
    db = sqlite3.connect(path)
    try:
        with db:
            yield db
    finally:
        db.close()
