"""What ``check`` remembers of a session file that matched its seal (the seal index's
``verified`` marks, sealindex.py), and the same marks left by other commands' reads.

A file matches its seal exactly when its content (its plaintext) has the seal's size and
hash (``seals.mismatch``). So a mark, the file's stat key with a size and a hash, says
the same thing whoever made it: ``check`` makes it from the seal a file matched, and a
command that parses every note (a first ``trends``, ``export``…) makes it from the bytes
it parsed, so the ``check`` after it need not read and hash every note again (issue 19).
A mark for a file whose content differs from its seal never equals the mark ``check``
looks for, so it is only ever a saving of time, never an answer.
"""

from __future__ import annotations

import contextlib
import hashlib
from pathlib import Path

TYPE_CHECKING = False
if TYPE_CHECKING:
    import sqlite3

    from otjournal.disk.folderindex import Key

# Fewer marks than this are not worth opening the seal index for: ``check`` reads those
# few notes itself. A one-client command never opens it.
AT_LEAST = 64
BATCH = 2000  # marks written per transaction: memory stays flat at 100,000 notes


def mark(key: Key, content: str) -> str:
    """A file's mark: its stat key and ``content``, its size and hash (``digest``)."""
    return f"{key[0]} {key[1]} {key[2]} {key[3]} {content}"


def digest(raw: bytes) -> str:
    """A note's content as a mark holds it: its size and hash."""
    return f"{len(raw)} {hashlib.sha256(raw).hexdigest()}"


def seal_path(inside: str, sep: str) -> str:
    """The path a seal names for a note's path inside the notes folder: with "/", and
    without ".age" (a seal names the plaintext)."""
    return inside.replace(sep, "/").removesuffix(".age")


class Marks:
    """Marks of the session files one command parsed, written to the seal index's
    ``verified`` table in batches (never its seals: those only ``check`` and ``doctor``
    index). Locked, damaged or missing, the index is left alone."""

    def __init__(self, root: Path, cache_folder: Path) -> None:
        self.root = root
        self.cache_folder = cache_folder
        self.pending: list[tuple[str, str]] = []
        self.written = 0
        self.off = False
        self.db: sqlite3.Connection | None = None

    def add(self, path: str, key: Key, content: str) -> None:
        """``content``: ``digest`` of the file's plaintext; ``path`` as a seal names it."""
        if self.off:
            return
        self.pending.append((path, mark(key, content)))
        if len(self.pending) >= BATCH:
            self.flush()

    def flush(self) -> None:
        if not self.pending or self.off:
            return
        if not self.written and len(self.pending) < AT_LEAST:
            self.pending = []
            return
        import sqlite3

        pending, self.pending = self.pending, []
        if self.db is None:
            from otjournal.disk.cache import derived_db
            from otjournal.disk.sealindex import FORMAT, SCHEMA

            self.db = derived_db(self.cache_folder, self.root, "seals", SCHEMA, FORMAT)
            if self.db is None:
                self.off = True
                return
        try:
            self.db.execute("BEGIN IMMEDIATE")
            self.db.executemany("INSERT OR REPLACE INTO verified VALUES (?, ?)", pending)
            self.db.execute("COMMIT")
            self.written += len(pending)
        except sqlite3.Error:  # locked by another run: only a saving of time is lost
            self.off = True
            with contextlib.suppress(sqlite3.Error):
                self.db.execute("ROLLBACK")

    def close(self) -> None:
        try:
            self.flush()
        finally:
            if self.db is not None:
                self.db.close()
                self.db = None
