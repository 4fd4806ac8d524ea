"""A derived cache of parsed records, outside the notes folder. Never the source of truth.

Each file is remembered with its path, size, modification and change times (in ns) and
inode: any write, rename, chmod, sync replacement or hand edit changes one of them, so a
changed file is always parsed again. Files with problems are never cached. A missing,
corrupt, locked or old-format cache is simply rebuilt (or skipped): it can make a command
faster, never different.

Three tables: ``folders`` (one row per folder: each file's key and the few facts that
order and select records, so a scan reads one small row per folder, not one per file),
``records`` (each validated record, pickled, with the key of the file it came from) and
``memos`` (per-client results, such as a trends row, keyed by a fingerprint of every file
they were computed from). Writes are buffered and committed in batches, so memory stays
flat however many files a first run parses.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import sqlite3
from pathlib import Path
from typing import Any

CACHE_FORMAT = "5"  # bump when what is stored, what is valid, or the conflict-copy patterns, change
BATCH = 500  # rows buffered before a commit: bounds memory on a first run
Key = tuple[int, int, int, int]  # size, mtime_ns, ctime_ns, inode

SCHEMA = (
    "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT)",
    "CREATE TABLE IF NOT EXISTS folders (folder TEXT PRIMARY KEY, data BLOB)",
    "CREATE TABLE IF NOT EXISTS records (path TEXT PRIMARY KEY, size INT, mtime_ns INT, "
    "ctime_ns INT, ino INT, data BLOB)",
    "CREATE TABLE IF NOT EXISTS memos (name TEXT, client TEXT, fingerprint TEXT, data BLOB, "
    "PRIMARY KEY (name, client))",
)


# What is known of a record without unpickling it: its moment in µs since the epoch
# (sorts instants across UTC offsets), its id and its local calendar day (ISO). A plain
# tuple: a folder index holds thousands, plain tuples unpickle fastest, and records sort
# by the tuple itself (moment, then id) without a Python call per record.
Meta = tuple[int, str, str]
Index = dict[str, tuple[Key, Meta]]  # one folder's files by name: key and facts


def key_of(st: os.stat_result) -> Key:
    return (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)


class RecordCache:
    def __init__(self, folder: Path, root: Path) -> None:
        # Rows are keyed by paths inside the notes folder (``clients/…``).
        digest = hashlib.sha256(os.path.realpath(root).encode()).hexdigest()[:20]
        self.path = folder / f"records-{digest}.sqlite"
        self.db: sqlite3.Connection | None = None
        self.usable = True
        self._indexes: dict[str, bytes] = {}
        self._records: dict[str, tuple[Key, bytes]] = {}
        self._folders: dict[str, bytes] = {}
        self._memos: dict[tuple[str, str], tuple[str, bytes]] = {}
        self._gone: list[str] = []
        self._gone_clients: list[str] = []
        if not self._folder_ok(create=False):
            return  # never opened through a symlink: reads simply parse the files
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

    def _folder_ok(self, *, create: bool) -> bool:
        """The cache folder is otjournal's own (fsio.private_folder): a symlinked one is
        neither read nor written, and the cache goes unused (it only saves time)."""
        from otjournal import fsio
        from otjournal.errors import StoreError
        from otjournal.paths import platform_split

        base, parts = platform_split(self.path.parent)
        try:
            fsio.private_folder(base, *parts, create=create)
            return True
        except StoreError:
            self.usable = False
            return False

    def _create(self) -> sqlite3.Connection:
        if not self._folder_ok(create=True):
            raise sqlite3.OperationalError("the cache folder is not otjournal's own")
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
    def preload(self, client: str | None = None) -> None:
        """Fetch the folder indexes of one client (or all) in one query."""
        if client is None:
            rows = self._query("SELECT folder, data FROM folders")
        else:
            rows = self._query(
                "SELECT folder, data FROM folders WHERE folder = ? OR folder LIKE ?",
                (f"clients/{client}", f"clients/{client}/%"),
            )
        self._indexes.update(rows)

    def index(self, folder: str) -> Index:
        """What was known of the files in one folder (after ``preload``): name → key, facts."""
        blob = self._indexes.get(folder)
        if blob is None:
            return {}
        try:
            index: Index = pickle.loads(blob)
            return index
        except Exception:  # a damaged row is only a miss
            return {}

    def handles(self) -> set[str]:
        """Clients some folder index is remembered for."""
        return {folder.split("/")[1] for folder in self._indexes}

    def record(self, path: str, key: Key) -> Any | None:
        """The record of a file with this key; None if not remembered or unusable."""
        pending = self._records.get(path)
        if pending is not None:
            blob = pending[1] if pending[0] == key else None
        else:
            rows = self._query(
                "SELECT data FROM records WHERE path = ? AND size = ? AND mtime_ns = ? "
                "AND ctime_ns = ? AND ino = ?",
                (path, *key),
            )
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
    def put(self, path: str, key: Key, record: Any) -> None:
        self._records[path] = (key, pickle.dumps(record, protocol=pickle.HIGHEST_PROTOCOL))
        self._maybe_flush()

    def put_index(self, folder: str, index: Index, gone: list[str]) -> None:
        """A folder's files as now known; ``gone``: paths of records no longer there."""
        self._folders[folder] = pickle.dumps(index, protocol=pickle.HIGHEST_PROTOCOL)
        self._gone += gone
        self._maybe_flush()

    def remember(self, name: str, client: str, fingerprint: str, value: Any) -> None:
        self._memos[(name, client)] = (fingerprint, pickle.dumps(value, pickle.HIGHEST_PROTOCOL))
        self._maybe_flush()

    def forget_client(self, client: str) -> None:
        """A client folder that is gone: everything remembered of it goes."""
        self._gone_clients.append(client)

    def _maybe_flush(self) -> None:
        if len(self._records) + len(self._folders) + len(self._memos) + len(self._gone) >= BATCH:
            self.flush()

    def flush(self) -> None:
        """Commit what is buffered. A locked cache (another process writing) is skipped:
        the rows are dropped and simply written by a later run."""
        records, folders, memos = self._records, self._folders, self._memos
        gone, gone_clients = self._gone, self._gone_clients
        self._records, self._folders, self._memos = {}, {}, {}
        self._gone, self._gone_clients = [], []
        if not (records or folders or memos or gone or gone_clients) or not self.usable:
            return
        try:
            if self.db is None:
                self.db = self._create()
            db = self.db
            db.execute("BEGIN IMMEDIATE")
            try:
                db.executemany(
                    "INSERT OR REPLACE INTO records VALUES (?, ?, ?, ?, ?, ?)",
                    [(p, *k, blob) for p, (k, blob) in records.items()],
                )
                db.executemany("INSERT OR REPLACE INTO folders VALUES (?, ?)", folders.items())
                db.executemany(
                    "INSERT OR REPLACE INTO memos VALUES (?, ?, ?, ?)",
                    [(n, c, fp, data) for (n, c), (fp, data) in memos.items()],
                )
                db.executemany("DELETE FROM records WHERE path = ?", [(p,) for p in gone])
                for c in gone_clients:
                    for table, column in (("folders", "folder"), ("records", "path")):
                        db.execute(
                            f"DELETE FROM {table} WHERE {column} = ? OR {column} LIKE ?",
                            (f"clients/{c}", f"clients/{c}/%"),
                        )
                    db.execute("DELETE FROM memos WHERE client = ?", (c,))
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
