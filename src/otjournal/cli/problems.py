"""Telling people about files that could not be read, without stopping the command."""

from __future__ import annotations

from typing import TYPE_CHECKING

from otjournal.cli.common import warn
from otjournal.disk.leftout import left_out

if TYPE_CHECKING:
    from otjournal.disk.loading import Snapshot


def note_problems(snap: Snapshot) -> None:
    """One line on stderr: read commands go on with every file that could be read."""
    lost = left_out(snap)
    if n := len(lost.copies):
        warn(
            f"{n} sync conflict cop{'ies' if n != 1 else 'y'} set aside (not counted); "
            "'otj conflicts' shows and resolves them"
        )
    if n := len(lost.unreadable):
        warn(
            f"{n} file{'s' if n != 1 else ''} could not be read and "
            f"{'are' if n != 1 else 'is'} left out; 'otj check' says where"
        )
    if n := len(lost.unread):
        warn(
            f"{n} file{'s' if n != 1 else ''} {'were' if n != 1 else 'was'} not read and "
            f"{'are' if n != 1 else 'is'} left out; 'otj check' says why"
        )


def say_not_complete(snap: Snapshot, handle: str) -> None:
    """Above a view of one client's numbers, on stdout with them: a sentence when some of
    that client's files were left out, so a count of 0 is not taken for "none"."""
    from otjournal.disk.layout import CLIENTS

    n = left_out(snap, snap.root / CLIENTS / handle).incomplete
    if n:
        from rich.text import Text

        from otjournal.cli.common import print_wrapped
        from otjournal.views.report import left_out_words

        said = left_out_words(n, "of these records", "is not counted here")
        print_wrapped(Text(said, style="bold"))
