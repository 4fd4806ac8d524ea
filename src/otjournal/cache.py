"""A derived cache of parsed records, outside the notes folder. Never the source of truth.

Each file is remembered with its path, size, modification and change times (in ns) and
inode: any write, rename, chmod, sync replacement or hand edit changes one of them, so a
changed file is always parsed again. Files with problems are never cached. A missing,
corrupt, locked or old-format cache is simply rebuilt (or skipped): it can make a command
faster, never different.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import sqlite3
from pathlib import Path
from typing import Any

CACHE_FORMAT = "1"
Key = tuple[int, int, int, int]  # size, mtime_ns, ctime_ns, inode


def key_of(st: os.stat_result) -> Key:
    return (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)


class RecordCache:
    def __init__(self, folder: Path, root: Path) -> None:
        digest = hashlib.sha256(os.path.realpath(root).encode()).hexdigest()[:20]
        self.path = folder / f"records-{digest}.sqlite"
        self.db: sqlite3.Connection | None = None
        self.fresh: dict[str, tuple[Key, bytes]] = {}
        self.seen: set[str] = set()
        self.usable = True
        try:
            self._open()
        except (sqlite3.Error, OSError):
            self._reset()

    def _connect(self) -> sqlite3.Connection:
        return sqlite3.connect(self.path, timeout=0.5, isolation_level=None)

    def _open(self) -> None:
        if not self.path.exists():
            return
        db = self._connect()
        try:
            version = db.execute("SELECT value FROM meta WHERE key = 'format'").fetchone()
            if not version or version[0] != CACHE_FORMAT:
                raise sqlite3.DatabaseError("old cache format")
        except sqlite3.Error:
            db.close()
            raise
        self.db = db  # rows are fetched one by one: memory stays that of the records

    def _reset(self) -> None:
        """A corrupt or old cache is thrown away (it is derived data) and rebuilt."""
        if self.db is not None:
            with contextlib.suppress(sqlite3.Error):
                self.db.close()
        self.db = None
        try:
            self.path.unlink(missing_ok=True)
        except OSError:
            self.usable = False

    def get(self, path: str, key: Key) -> Any | None:
        self.seen.add(path)
        if self.db is None:
            return None
        try:
            row = self.db.execute(
                "SELECT size, mtime_ns, ctime_ns, ino, data FROM files WHERE path = ?", (path,)
            ).fetchone()
        except sqlite3.Error:
            self._reset()
            return None
        if row is None or tuple(row[:4]) != key:
            return None
        try:
            return pickle.loads(row[4])
        except Exception:  # a damaged row is only a miss
            return None

    def put(self, path: str, key: Key, record: Any) -> None:
        self.seen.add(path)
        self.fresh[path] = (key, pickle.dumps(record, protocol=pickle.HIGHEST_PROTOCOL))

    def save(self, complete: bool) -> None:
        """Write what changed. ``complete``: the whole folder was scanned, so rows for
        files that are gone can be dropped. A locked cache (another process) is skipped."""
        stale: list[str] = []
        if complete and self.db is not None:
            with contextlib.suppress(sqlite3.Error):
                stale = [
                    p for (p,) in self.db.execute("SELECT path FROM files") if p not in self.seen
                ]
        if self.db is not None:
            with contextlib.suppress(sqlite3.Error):
                self.db.close()
            self.db = None
        if not self.usable or (not self.fresh and not stale):
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            with contextlib.closing(self._connect()) as db:
                db.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT)")
                db.execute(
                    "CREATE TABLE IF NOT EXISTS files (path TEXT PRIMARY KEY, size INT, "
                    "mtime_ns INT, ctime_ns INT, ino INT, data BLOB)"
                )
                db.execute("BEGIN IMMEDIATE")
                db.execute("INSERT OR REPLACE INTO meta VALUES ('format', ?)", (CACHE_FORMAT,))
                db.executemany(
                    "INSERT OR REPLACE INTO files VALUES (?, ?, ?, ?, ?, ?)",
                    [(p, *k, blob) for p, (k, blob) in self.fresh.items()],
                )
                db.executemany("DELETE FROM files WHERE path = ?", [(p,) for p in stale])
                db.execute("COMMIT")
            os.chmod(self.path, 0o600)
        except (sqlite3.Error, OSError):
            pass  # a cache that cannot be written only costs speed
