"""The real command on a pseudo-terminal (pexpect), for every pty test.

Import it inside the test (or after ``pytest.importorskip("pexpect")``): a test module
that imports it at the top is skipped as a whole where pexpect is missing."""

from __future__ import annotations

import io
import os
import re
import signal
import sys
from collections.abc import Callable

import pytest

from tests.helpers import ctrl_c_as_a_person_has_it

pexpect = pytest.importorskip("pexpect")


class Pty:
    """One ``python -m otjournal ARGS`` child on a pseudo-terminal of ``size`` (rows,
    columns). Everything it showed is kept, so a wait that fails says what was on screen.

    ``env`` defaults to the test's own (conftest's isolated HOME, XDG folders and notes
    folder); every wait is on text the child prints, never on a sleep."""

    def __init__(
        self,
        *args: str,
        env: dict[str, str] | None = None,
        size: tuple[int, int] = (50, 200),
        timeout: float = 10,
        cwd: str | os.PathLike[str] | None = None,
        codec_errors: str = "strict",
    ) -> None:
        self.transcript = io.StringIO()
        self.child = pexpect.spawn(
            sys.executable,
            ["-m", "otjournal", *args],
            env=dict(os.environ) if env is None else env,
            cwd=None if cwd is None else str(cwd),
            encoding="utf-8",
            codec_errors=codec_errors,
            timeout=timeout,
            dimensions=size,
            preexec_fn=ctrl_c_as_a_person_has_it,
        )
        self.child.logfile_read = self.transcript

    @property
    def output(self) -> str:
        """All the child printed so far, as the terminal got it (``\\r\\n`` line ends)."""
        return self.transcript.getvalue()

    def expect(self, text: str) -> None:
        """Wait until the child prints ``text``."""
        try:
            self.child.expect_exact(text)
        except (pexpect.TIMEOUT, pexpect.EOF):
            pytest.fail(f"never showed {text!r}; the terminal showed:\n{self.output}")

    def expect_re(self, pattern: str) -> re.Match[str]:
        """Wait until the child prints a match of ``pattern``; the match."""
        try:
            self.child.expect(pattern)
        except (pexpect.TIMEOUT, pexpect.EOF):
            pytest.fail(f"never matched {pattern!r}; the terminal showed:\n{self.output}")
        return self.child.match

    def answer(self, prompt: str, text: str = "") -> None:
        """Wait for ``prompt``, then type ``text`` and Enter."""
        try:
            self.child.expect_exact(prompt)
        except (pexpect.TIMEOUT, pexpect.EOF):
            pytest.fail(f"no prompt {prompt!r}; the terminal showed:\n{self.output}")
        self.child.sendline(text)

    def run(self, steps: list[tuple[str, str]]) -> None:
        """Answer each (prompt, text) in order."""
        for prompt, text in steps:
            self.answer(prompt, text)

    def wait(self) -> int | None:
        """Read to the end; the exit status (None if a signal killed it)."""
        try:
            self.child.expect(pexpect.EOF)
        except pexpect.TIMEOUT:
            pytest.fail(f"still running; the terminal showed:\n{self.output}")
        self.child.close()
        return self.child.exitstatus

    def interrupt(self, then: str | None = None) -> None:
        """Ctrl-C, then wait until the child prints ``then`` (None: until it ends),
        pressed again while the child shows nothing (``_again``): as a person would, and
        the child ignores a second Ctrl-C while it keeps its draft."""
        self._again(lambda: self.child.sendcontrol("c"), then, 3)

    def hang_up(self) -> int | None:
        """SIGHUP, as a terminal closing sends it; the exit status. A real hangup also
        ends the terminal's input, which wakes a read the signal would not; this
        terminal stays open so as to read what the child printed, so the signal is sent
        again while the child is still there (``_again``)."""
        self._again(lambda: self.child.kill(signal.SIGHUP), None, 2)
        return self.wait()

    def _again(self, send: Callable[[], object], then: str | None, seconds: float) -> None:
        """``send`` a signal until the child prints ``then`` (None: ends), five times at
        most. A signal that lands just before the child's read of the terminal begins is
        seen only when the read returns (Python's readline checks for signals when its
        select() is interrupted): under load, the child would wait for a key."""
        for _ in range(5):
            send()
            try:
                if then is None:
                    self.child.expect(pexpect.EOF, timeout=seconds)
                else:
                    self.child.expect_exact(then, timeout=seconds)
                return
            except pexpect.TIMEOUT:
                continue
            except pexpect.EOF:
                break
        pytest.fail(f"never showed {then!r} after the signal; the terminal showed:\n{self.output}")

    def finish(self, status: int | None = 0) -> str:
        """Read to the end, check the exit status, and return the output with ``\\n``
        line ends."""
        got = self.wait()
        assert got == status, (got, self.output)
        return self.output.replace("\r\n", "\n")
