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


def not_complete(snap: Snapshot, handle: str) -> str | None:
    """For a view of one client's numbers: a sentence (on stdout, with them) when some of
    that client's files were left out, so a count of 0 is not taken for "none"."""
    from otjournal.disk.layout import CLIENTS

    lost = left_out(snap, snap.root / CLIENTS / handle)
    n = lost.files + len(lost.copies)  # a copy set aside may hold what its note does not
    if not n:
        return None
    they = ("file", "was", "it holds", "it") if n == 1 else ("files", "were", "they hold", "them")
    return (
        f"Not complete: {n} {they[0]} of these records {they[1]} not read, so what "
        f"{they[2]} is not counted here. 'otj check' names {they[3]}."
    )
