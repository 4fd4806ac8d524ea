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
