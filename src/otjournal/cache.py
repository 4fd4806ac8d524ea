"""A derived cache of parsed records, outside the notes folder. Never the source of truth.

Each file is remembered with its path, size, modification and change times (in ns) and
inode: any write, rename, chmod, sync replacement or hand edit changes one of them, so a
changed file is always parsed again. Files with problems are never cached. A missing,
corrupt, locked or old-format cache is simply rebuilt (or skipped): it can make a command
faster, never different.

Three tables: ``files`` (each file's identity and the few facts that order and select
records, read without unpickling anything), ``records`` (the validated record, pickled)
and ``memos`` (per-client results, such as a trends row, keyed by a fingerprint of every
file they were computed from). Writes are buffered and committed in batches, so memory
stays flat however many files a first run parses.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import sqlite3
from pathlib import Path
from typing import Any, NamedTuple

CACHE_FORMAT = "2"
BATCH = 500  # rows buffered before a commit: bounds memory on a first run
Key = tuple[int, int, int, int]  # size, mtime_ns, ctime_ns, inode

SCHEMA = (
    "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT)",
    "CREATE TABLE IF NOT EXISTS files (path TEXT PRIMARY KEY, size INT, mtime_ns INT, "
    "ctime_ns INT, ino INT, kind TEXT, client TEXT, id TEXT, micros INT, day TEXT)",
    "CREATE INDEX IF NOT EXISTS files_by_client ON files (client)",
    "CREATE TABLE IF NOT EXISTS records (path TEXT PRIMARY KEY, data BLOB)",
    "CREATE TABLE IF NOT EXISTS memos (name TEXT, client TEXT, fingerprint TEXT, data BLOB, "
    "PRIMARY KEY (name, client))",
)


class Meta(NamedTuple):
    """What is known of a record without unpickling it."""

    kind: str  # "client", "session" or "homework"
    client: str
    id: str
    micros: int  # its moment in µs since the epoch: sorts instants across UTC offsets
    day: str  # its local calendar day, ISO


def key_of(st: os.stat_result) -> Key:
    return (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)


class RecordCache:
    def __init__(self, folder: Path, root: Path) -> None:
        digest = hashlib.sha256(os.path.realpath(root).encode()).hexdigest()[:20]
        self.path = folder / f"records-{digest}.sqlite"
        self.db: sqlite3.Connection | None = None
        self.usable = True
        self._files: dict[str, tuple[Key, Meta]] = {}
        self._records: dict[str, bytes] = {}
        self._memos: dict[tuple[str, str], tuple[str, bytes]] = {}
        self._gone: list[str] = []
        self._gone_clients: list[str] = []
        try:
            self._open()
        except (sqlite3.Error, OSError):
            self._reset()

    # -- opening -----------------------------------------------------------------
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
        self.db = db

    def _create(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        # Created private before SQLite opens it: nothing is ever readable by others.
        os.close(os.open(self.path, os.O_WRONLY | os.O_CREAT, 0o600))
        db = self._connect()
        for statement in SCHEMA:
            db.execute(statement)
        db.execute("INSERT OR REPLACE INTO meta VALUES ('format', ?)", (CACHE_FORMAT,))
        return db

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

    def _query(self, sql: str, args: tuple[Any, ...] = ()) -> list[Any]:
        if self.db is None:
            return []
        try:
            return self.db.execute(sql, args).fetchall()
        except sqlite3.Error:
            self._reset()
            return []

    # -- reading -----------------------------------------------------------------
    def known(self, client: str | None = None) -> dict[str, tuple[Key, Meta]]:
        """Every file remembered (for one client, or all): its key and facts."""
        sql = "SELECT path, size, mtime_ns, ctime_ns, ino, kind, client, id, micros, day FROM files"
        rows = self._query(sql + " WHERE client = ?", (client,)) if client else self._query(sql)
        return {r[0]: ((r[1], r[2], r[3], r[4]), Meta(*r[5:])) for r in rows}

    def clients(self) -> set[str]:
        return {c for (c,) in self._query("SELECT DISTINCT client FROM files")}

    def record(self, path: str) -> Any | None:
        """The record of a file whose key matched (see ``known``); None if unusable."""
        blob = self._records.get(path)
        if blob is None:
            rows = self._query("SELECT data FROM records WHERE path = ?", (path,))
            blob = rows[0][0] if rows else None
        if blob is None:
            return None
        try:
            return pickle.loads(blob)
        except Exception:  # a damaged row is only a miss
            return None

    def memo(self, name: str, client: str, fingerprint: str) -> Any | None:
        rows = self._query(
            "SELECT data FROM memos WHERE name = ? AND client = ? AND fingerprint = ?",
            (name, client, fingerprint),
        )
        if not rows:
            return None
        try:
            return pickle.loads(rows[0][0])
        except Exception:
            return None

    # -- writing (buffered) --------------------------------------------------------
    def put(self, path: str, key: Key, meta: Meta, record: Any) -> None:
        self._files[path] = (key, meta)
        self._records[path] = pickle.dumps(record, protocol=pickle.HIGHEST_PROTOCOL)
        self._maybe_flush()

    def remember(self, name: str, client: str, fingerprint: str, value: Any) -> None:
        self._memos[(name, client)] = (fingerprint, pickle.dumps(value, pickle.HIGHEST_PROTOCOL))
        self._maybe_flush()

    def forget(self, paths: list[str]) -> None:
        """Files that are gone: their rows go."""
        self._gone += paths
        self._maybe_flush()

    def forget_client(self, client: str) -> None:
        self._gone_clients.append(client)

    def _maybe_flush(self) -> None:
        if len(self._files) + len(self._memos) + len(self._gone) >= BATCH:
            self.flush()

    def flush(self) -> None:
        """Commit what is buffered. A locked cache (another process writing) is skipped:
        the rows are dropped and simply written by a later run."""
        pending = self._files or self._memos or self._gone or self._gone_clients
        files, records, memos = self._files, self._records, self._memos
        gone, gone_clients = self._gone, self._gone_clients
        self._files, self._records, self._memos, self._gone, self._gone_clients = {}, {}, {}, [], []
        if not pending or not self.usable:
            return
        try:
            if self.db is None:
                self.db = self._create()
            db = self.db
            db.execute("BEGIN IMMEDIATE")
            try:
                db.executemany(
                    "INSERT OR REPLACE INTO files VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [(p, *k, *m) for p, (k, m) in files.items()],
                )
                db.executemany(
                    "INSERT OR REPLACE INTO records VALUES (?, ?)", list(records.items())
                )
                db.executemany(
                    "INSERT OR REPLACE INTO memos VALUES (?, ?, ?, ?)",
                    [(n, c, fp, data) for (n, c), (fp, data) in memos.items()],
                )
                for table in ("files", "records"):
                    db.executemany(f"DELETE FROM {table} WHERE path = ?", [(p,) for p in gone])
                for table in ("files", "memos"):
                    db.executemany(
                        f"DELETE FROM {table} WHERE client = ?", [(c,) for c in gone_clients]
                    )
                if gone_clients:
                    db.execute("DELETE FROM records WHERE path NOT IN (SELECT path FROM files)")
                db.execute("COMMIT")
            except sqlite3.Error:
                with contextlib.suppress(sqlite3.Error):
                    db.execute("ROLLBACK")
                raise
        except sqlite3.OperationalError:
            pass  # locked by another process, or a full disk: only costs speed
        except (sqlite3.Error, OSError):
            self._reset()  # damaged: thrown away, rebuilt by a later run

    def close(self) -> None:
        self.flush()
        if self.db is not None:
            with contextlib.suppress(sqlite3.Error):
                self.db.close()
            self.db = None
