"""What a read left out of its numbers, counted by file: one count for every command that
says so (``cli/problems.note_problems``, ``otj report``, ``otj doctor``)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from otjournal.disk.scan import unread_on_purpose
from otjournal.frozen import frozen

if TYPE_CHECKING:
    from otjournal.disk.loading import Snapshot


@frozen
class LeftOut:
    copies: frozenset[Path]  # sync tools' conflict copies, set aside (the note itself counts)
    unreadable: frozenset[Path]  # files that could not be read (git conflict markers too)
    unread: frozenset[Path]  # not read on purpose: a symlink, an encrypted note without keys…
    git_markers: frozenset[Path]  # of the unreadable, notes with git conflict markers

    @property
    def files(self) -> int:
        """Files whose records are missing from what was read."""
        return len(self.unreadable) + len(self.unread)

    @property
    def incomplete(self) -> int:
        """What a view of one client's records lacks: ``files``, and the sync tools' copies
        set aside (a copy may hold what its note does not, a correction)."""
        return self.files + len(self.copies)


def left_out(snap: Snapshot, under: Path | None = None) -> LeftOut:
    """The files ``snap`` left out, those inside ``under`` only when given (one client's
    folder: a report speaks of its client)."""

    def inside(path: Path) -> bool:
        return under is None or path.is_relative_to(under)

    conflicts = [c for c in snap.conflicts if inside(c.path)]
    copies = {c.path for c in conflicts if c.tool != "git"}
    problems = [p for p in snap.problems if inside(p.path)]
    errors = {p.path for p in problems if p.severity == "error"} - copies
    # Not read on purpose: left out all the same, and said so, as a file that failed to
    # read is (a file both unreadable and left out is counted once).
    unread = {p.path for p in problems if p.severity == "warning" and unread_on_purpose(p)} - errors
    markers = {c.path for c in conflicts if c.tool == "git"} & errors
    return LeftOut(frozenset(copies), frozenset(errors), frozenset(unread), frozenset(markers))
