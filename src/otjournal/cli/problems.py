"""Telling people about files that could not be read, without stopping the command."""

from __future__ import annotations

from typing import TYPE_CHECKING

from otjournal.cli.common import warn

if TYPE_CHECKING:
    from otjournal.disk.loading import Snapshot


def note_problems(snap: Snapshot) -> None:
    """One line on stderr: read commands go on with every file that could be read."""
    from otjournal.disk.scan import unread_on_purpose

    copies = {c.path for c in snap.conflicts if c.tool != "git"}
    errors = [p for p in snap.problems if p.severity == "error" and p.path not in copies]
    if copies:
        n = len(copies)
        warn(
            f"{n} sync conflict cop{'ies' if n != 1 else 'y'} set aside (not counted); "
            "'otj conflicts' shows and resolves them"
        )
    if errors:
        files = len({p.path for p in errors})
        warn(
            f"{files} file{'s' if files != 1 else ''} could not be read and "
            f"{'are' if files != 1 else 'is'} left out; 'otj check' says where"
        )
    # Not read on purpose (a symlink, an encrypted note without keys…): left out all the
    # same, and said so, as a file that failed to read is.
    unread = {p.path for p in snap.problems if p.severity == "warning" and unread_on_purpose(p)}
    unread -= {p.path for p in errors}
    if unread:
        n = len(unread)
        warn(
            f"{n} file{'s' if n != 1 else ''} {'were' if n != 1 else 'was'} not read and "
            f"{'are' if n != 1 else 'is'} left out; 'otj check' says why"
        )
