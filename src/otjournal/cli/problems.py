"""Telling people about files that could not be read, without stopping the command."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from otjournal.cli.common import warn

if TYPE_CHECKING:
    from pathlib import Path

    from otjournal.disk.loading import Snapshot


@dataclass(frozen=True)
class LeftOut:
    """What a read left out of its numbers, counted by file."""

    copies: int  # sync tools' conflict copies, set aside (the note itself counts)
    unreadable: int  # files that could not be read
    unread: int  # files not read on purpose: a symlink, an encrypted note without keys…

    @property
    def files(self) -> int:
        """Files whose records are missing from what was read."""
        return self.unreadable + self.unread


def left_out(snap: Snapshot, under: Path | None = None) -> LeftOut:
    """The files ``snap`` left out, those inside ``under`` only when given (one client's
    folder: a report speaks of its client)."""
    from otjournal.disk.scan import unread_on_purpose

    def inside(path: Path) -> bool:
        return under is None or path.is_relative_to(under)

    copies = {c.path for c in snap.conflicts if c.tool != "git" and inside(c.path)}
    problems = [p for p in snap.problems if inside(p.path)]
    errors = {p.path for p in problems if p.severity == "error"} - copies
    # Not read on purpose: left out all the same, and said so, as a file that failed to
    # read is (a file both unreadable and left out is counted once).
    unread = {p.path for p in problems if p.severity == "warning" and unread_on_purpose(p)} - errors
    return LeftOut(len(copies), len(errors), len(unread))


def note_problems(snap: Snapshot) -> None:
    """One line on stderr: read commands go on with every file that could be read."""
    lost = left_out(snap)
    if n := lost.copies:
        warn(
            f"{n} sync conflict cop{'ies' if n != 1 else 'y'} set aside (not counted); "
            "'otj conflicts' shows and resolves them"
        )
    if n := lost.unreadable:
        warn(
            f"{n} file{'s' if n != 1 else ''} could not be read and "
            f"{'are' if n != 1 else 'is'} left out; 'otj check' says where"
        )
    if n := lost.unread:
        warn(
            f"{n} file{'s' if n != 1 else ''} {'were' if n != 1 else 'was'} not read and "
            f"{'are' if n != 1 else 'is'} left out; 'otj check' says why"
        )
