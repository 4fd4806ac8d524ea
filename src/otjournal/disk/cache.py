"""A derived cache of parsed records, outside the notes folder. Never the source of truth.

Each file is remembered with its path, size, modification and change times (in ns) and
inode: any write, rename, chmod, sync replacement or hand edit changes one of them, so a
changed file is always parsed again. Files with problems are never cached. A missing,
corrupt, locked or old-format cache is simply rebuilt (or skipped): it can make a command
faster, never different.

Three tables: ``folders`` (one row per folder: each file's key and the few facts that
order and select records, so a scan reads one small row per folder, not one per file),
``records`` (the table each valid file parsed to, with the key of the file it came from)
and ``memos`` (per-client results, such as a trends row, keyed by a fingerprint of every
file they were computed from). Writes are buffered and committed in batches, so memory
stays flat however many files a first run parses.

Nothing read back is ever run: rows hold plain data only (JSON text, arrays of integers,
text; no pickle, no marshal), checked as they are read. A row that is not what this
module writes is only a miss: records are rebuilt by the model's own validating parser
(``loading.py``), results by their command's own checked decoder
(``store.Journal.per_client``). A row that is well formed but false cannot be told from
a true one: the cache folder being the user's own, private, is what guards that.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING, Any

from otjournal.disk import plain
from otjournal.disk.folderindex import Index, Key, dump_index, load_index
from otjournal.disk.layout import FOLDERS, RECORD_KINDS

if TYPE_CHECKING:
    from collections.abc import Sequence

    from otjournal.disk.keys import Lock

# Bump when what is stored changes (5: plain data, no pickle, an older cache is deleted
# unread, see _open; 6: dates outside 1900-2999 are problems, so no cached record may
# hold one; 7: the search tables, disk/search.py; 8: the export tables,
# disk/exporting.py; 9: a homework counts only entries of its kind, so no export row
# made before holds its old counts; 10: a practice "not this time" exports no rating;
# 11: a homework's summary and trends take entries of one minute as they were written;
# 12: records in orjson's form, disk/plain.py).
# A new release and changed conflict-copy patterns need no bump: ``cache_key`` holds the
# package version and a hash of the patterns too.
CACHE_FORMAT = "12"
BATCH = 500  # rows buffered before a commit: bounds memory on a first run

SCHEMA = (
    "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT)",
    "CREATE TABLE IF NOT EXISTS folders (folder TEXT PRIMARY KEY, numbers BLOB, text TEXT)",
    "CREATE TABLE IF NOT EXISTS records (path TEXT PRIMARY KEY, size INT, mtime_ns INT, "
    "ctime_ns INT, ino INT, kind TEXT, data TEXT)",
    "CREATE TABLE IF NOT EXISTS memos (name TEXT, client TEXT, fingerprint TEXT, data TEXT, "
    "PRIMARY KEY (name, client))",
)


def cache_key(locked: bool = False) -> dict[str, str]:
    """What a cache is written under (its ``meta`` rows): a cache written under any other
    is deleted unread and rebuilt. The version covers what is valid (it changes with the
    code); the patterns decide which known names are records (a folder index skips them).
    A journal's mode is part of it: the cache of a journal that was plaintext (records,
    search words, export rows) is deleted once the journal is encrypted."""
    from otjournal import __version__
    from otjournal.disk.conflicts import patterns_digest

    key = {"format": CACHE_FORMAT, "version": __version__, "patterns": patterns_digest()}
    return key | {"encrypted": "yes"} if locked else key


def created(db: sqlite3.Connection, schema: Sequence[str], meta: dict[str, str]) -> None:
    """A new database's tables and its ``meta`` rows, in one transaction: one sync to the
    disk, not one for each table (a first run made eleven before its first read)."""
    db.execute("BEGIN IMMEDIATE")
    try:
        db.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT)")
        for statement in schema:
            db.execute(statement)
        db.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)", list(meta.items()))
        db.execute("COMMIT")
    except sqlite3.Error:
        with contextlib.suppress(sqlite3.Error):
            db.execute("ROLLBACK")
        raise


def memory_db() -> sqlite3.Connection:
    """A database held in memory only, its sorts and temporary tables too (never spilled
    to a temporary file): for rows that hold an encrypted journal's text."""
    db = sqlite3.connect(":memory:", isolation_level=None)
    db.execute("PRAGMA temp_store = MEMORY")
    return db


def table_of(row: tuple[Any, Any] | None) -> tuple[str, dict[str, Any]] | None:
    """A stored row (kind, text) as the kind and TOML table it holds; None for a row that
    does not read as one (a damaged or foreign row is only a miss)."""
    if row is None or type(row[0]) is not str:
        return None
    try:
        return row[0], plain.loads(row[1])
    except ValueError:
        return None


def cache_file(folder: Path, root: Path) -> Path:
    """The cache of the notes folder ``root`` in the cache folder ``folder``."""
    digest = hashlib.sha256(os.path.realpath(root).encode()).hexdigest()[:20]
    return folder / f"records-{digest}.sqlite"


class RecordCache:
    """The cache of one notes folder. For an encrypted journal (``lock``) it keeps no note
    text on disk: no records (each is read from its file), each memo encrypted to this
    device's own key, and the search and export tables in memory only (``connection``)."""

    def __init__(self, folder: Path, root: Path, lock: Lock | None = None) -> None:
        # Rows are keyed by paths inside the notes folder (``clients/…``).
        self.path = cache_file(folder, root)
        self.lock = lock
        self.db: sqlite3.Connection | None = None
        self._memory: sqlite3.Connection | None = None
        self.usable = True
        self._indexes: dict[str, tuple[bytes, str]] = {}
        self.preloaded: set[str] = set()  # the folders whose indexes are held, as "handle/sessions"
        self._records: dict[str, tuple[Key, str, str]] = {}
        self._fetched: dict[str, tuple[Key, tuple[str, str] | None]] = {}  # ``fetch``
        self._folders: dict[str, tuple[bytes, str]] = {}
        self._memos: dict[tuple[str, str], tuple[str, str | bytes]] = {}
        self._memo_rows: dict[str, dict[Any, tuple[Any, Any]]] = {}
        self._memo_marks: dict[str, dict[Any, Any]] = {}
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
            wanted = cache_key(self.lock is not None)
            found = dict(db.execute("SELECT key, value FROM meta").fetchall())
            if any(found.get(name) != value for name, value in wanted.items()):
                raise sqlite3.DatabaseError("another format, version or set of patterns")
        except sqlite3.Error:
            db.close()
            raise
        self.db = db

    def _folder_ok(self, *, create: bool) -> bool:
        """The cache folder is otjournal's own (fsio.private_folder): a symlinked one is
        neither read nor written, and the cache goes unused (it only saves time)."""
        from otjournal.disk import fsio
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
        try:
            created(db, SCHEMA, cache_key(self.lock is not None))
        except sqlite3.Error:
            db.close()  # never left for the garbage collector (Python 3.13 warns)
            raise
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

    def connection(self) -> sqlite3.Connection | None:
        """The cache's database, created if need be: other derived tables live in it too
        (disk/search.py). None when the cache cannot be used. For an encrypted journal
        it is a database in memory, gone when the command ends: those tables hold text."""
        if self.lock is not None:
            if self._memory is None:
                self._memory = memory_db()
            return self._memory
        if not self.usable:
            return None
        if self.db is None:
            try:
                self.db = self._create()
            except (sqlite3.Error, OSError):
                self._reset()
                return None
        return self.db

    # -- reading -----------------------------------------------------------------
    def preload(self, *clients: str, kinds: Sequence[str] = RECORD_KINDS) -> None:
        """Fetch the folder indexes of these clients (their own folder and the records
        folders of ``kinds``) in one query. A batch replaces those fetched before (a scan
        holds a few clients' at a time, never every one); one client's are added to them
        (a client scanned again for other kinds, ``Reader.rescan``, within a batch)."""
        subs = ("", *(f"/{FOLDERS[kind]}" for kind in kinds))
        folders = [f"clients/{c}{sub}" for c in clients for sub in subs]
        rows = self._query(
            "SELECT folder, numbers, text FROM folders WHERE folder IN "
            f"({', '.join('?' * len(folders))})",
            tuple(folders),
        )
        fetched = {folder: (numbers, text) for folder, numbers, text in rows}
        held = {f"{c}{sub}" for c in clients for sub in subs}
        if len(clients) == 1:
            self._indexes.update(fetched)
            self.preloaded |= held
        else:
            self._indexes, self.preloaded = fetched, held

    def row(self, folder: str) -> tuple[bytes, str] | None:
        """A folder's index as stored (after ``preload``), not taken apart: the columns
        ``dump_index`` wrote, or None."""
        return self._indexes.get(folder)

    def index(self, folder: str) -> Index:
        """What was known of the files in one folder (after ``preload``): name → key, facts."""
        row = self._indexes.get(folder)
        if row is None:
            return {}
        try:
            return load_index(*row)
        except (ValueError, RecursionError):  # a damaged or foreign row is only a miss
            return {}

    def folder_rows(self, sub: str) -> dict[str, tuple[bytes, str]]:
        """Each client's ``sub`` folder index (``sessions``…) as stored, by handle, in one
        query: which notes hold an id is known without a row per client."""
        rows = self._query(
            "SELECT folder, numbers, text FROM folders WHERE folder GLOB ?", (f"clients/*/{sub}",)
        )
        cut = -len(sub) - 1
        return {folder[8:cut]: (numbers, text) for folder, numbers, text in rows if "/" in folder}

    def handles(self) -> set[str]:
        """Clients some folder index is remembered for."""
        rows = self._query("SELECT folder FROM folders")
        return {folder.split("/")[1] for (folder,) in rows if str(folder).count("/") >= 1}

    def record(self, path: str, key: Key) -> tuple[str, dict[str, Any]] | None:
        """The kind and TOML table of a file with this key, as plain data (the caller
        rebuilds the record through the model's parser); None if not remembered or not
        readable as a table."""
        if self.lock is not None:
            return None  # never kept: a record's table is its text
        pending = self._records.get(path)
        if pending is not None:
            row = pending[1:] if pending[0] == key else None
        elif (fetched := self._fetched.pop(path, None)) is not None and fetched[0] == key:
            row = fetched[1]
        else:
            rows = self._query(
                "SELECT kind, data FROM records WHERE path = ? AND size = ? AND mtime_ns = ? "
                "AND ctime_ns = ? AND ino = ?",
                (path, *key),
            )
            row = rows[0] if rows else None
        return table_of(row)

    def fetch(self, wanted: dict[str, Key]) -> None:
        """The rows of these files (path → key) in a query per 500, for ``record`` to
        hand out: a one-client command reads some 150 records, a query each otherwise."""
        if self.lock is not None:
            return
        found = self.stored(wanted)
        for path, key in wanted.items():  # not remembered: a miss, with no query of its own
            self._fetched[path] = (key, found.get(path))

    def stored(self, wanted: dict[str, Key]) -> dict[str, tuple[Any, Any]]:
        """The stored kind and table (as ``table_of`` reads them) of those of these files
        (path → key) remembered with that key, in a query per 500."""
        if self.lock is not None:
            return {}
        found: dict[str, tuple[Any, Any]] = {}
        paths = list(wanted)
        for start in range(0, len(paths), 500):
            chunk = paths[start : start + 500]
            rows = self._query(
                "SELECT path, size, mtime_ns, ctime_ns, ino, kind, data FROM records "
                f"WHERE path IN ({', '.join('?' * len(chunk))})",
                tuple(chunk),
            )
            for path, size, mtime_ns, ctime_ns, ino, kind, data in rows:
                if (size, mtime_ns, ctime_ns, ino) == wanted[path]:
                    found[path] = (kind, data)
        for path in wanted.keys() & self._records.keys():  # buffered: as ``record`` takes it
            key, kind, data = self._records[path]
            if key == wanted[path]:
                found[path] = (kind, data)
            else:
                found.pop(path, None)
        return found

    def memo(self, name: str, client: str, fingerprint: str) -> object:
        """A result remembered as plain JSON values (the caller checks its shape). Every
        client's row of ``name`` is fetched in one query, and each handed out once (in an
        encrypted journal, one client's row per query)."""
        rows: dict[Any, tuple[Any, Any]] | None
        if self.lock is not None:  # one client's at a time: an encrypted memo may be large
            got = self._query(
                "SELECT fingerprint, data FROM memos WHERE name = ? AND client = ?",
                (name, client),
            )
            rows = {client: (got[0][0], got[0][1])} if got else {}
        else:
            rows = self._memo_rows.get(name)
            if rows is None:
                found = self._query(
                    "SELECT client, fingerprint, data FROM memos WHERE name = ?", (name,)
                )
                rows = self._memo_rows[name] = {c: (fp, data) for c, fp, data in found}
        row = rows.pop(client, None)
        if row is None or row[0] != fingerprint:
            return None
        data = self._unsealed(row[1])
        if data is None:
            return None
        try:
            return json.loads(data)
        except (ValueError, RecursionError):
            return None

    def has_memo(self, name: str, client: str, fingerprint: str) -> bool:
        """Whether a result is remembered under this fingerprint (its data not read):
        every client's fingerprint of ``name`` in one query."""
        marks = self._memo_marks.get(name)
        if marks is None:
            rows = self._query("SELECT client, fingerprint FROM memos WHERE name = ?", (name,))
            marks = self._memo_marks[name] = dict(rows)
        return marks.get(client) == fingerprint

    def _unsealed(self, data: object) -> str | None:
        """A memo's text: as stored, or decrypted (encrypted journal); None if neither."""
        if self.lock is None:
            return data if type(data) is str else None
        if type(data) is not bytes:
            return None
        from otjournal.disk import keys
        from otjournal.errors import OtjournalError

        try:
            return keys.plaintext(data, Path("memo.age")).decode("utf-8")
        except (OtjournalError, UnicodeDecodeError):
            return None  # another key's, or damaged: only a miss

    # -- writing (buffered) --------------------------------------------------------
    def put(self, path: str, key: Key, kind: str, table: dict[str, Any]) -> None:
        """The table a file of this kind parsed to (what ``tomllib`` gave)."""
        if self.lock is not None:
            return
        try:
            text = plain.dumps(table)
        except ValueError:  # not a table from TOML: not remembered, read again next time
            return
        self._records[path] = (key, kind, text)
        self._maybe_flush()

    def put_text(self, path: str, key: Key, kind: str, text: str) -> None:
        """A table already in the form ``put`` stores (``plain.dumps``, made in a worker)."""
        if self.lock is not None:
            return
        self._records[path] = (key, kind, text)
        self._maybe_flush()

    def put_index(self, folder: str, index: Index, gone: list[str]) -> None:
        """A folder's files as now known; ``gone``: paths of records no longer there."""
        row = dump_index(index)
        if row is not None:
            self._folders[folder] = row
        self._gone += gone
        self._maybe_flush()

    def remember(self, name: str, client: str, fingerprint: str, value: object) -> None:
        """``value``: plain JSON values (lists, objects, text, numbers, booleans, null)."""
        try:
            text = json.dumps(value, separators=(",", ":"), allow_nan=False)
        except (TypeError, ValueError):
            return  # not plain data: not remembered
        stored: str | bytes = text
        if self.lock is not None:  # a memo may hold text (a goal's words): to this device
            from otjournal.disk import agefile

            stored = agefile.encrypt(text.encode("utf-8"), [self.lock.mine])
        self._memos[(name, client)] = (fingerprint, stored)
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
                    "INSERT OR REPLACE INTO records VALUES (?, ?, ?, ?, ?, ?, ?)",
                    [(p, *k, kind, text) for p, (k, kind, text) in records.items()],
                )
                db.executemany(
                    "INSERT OR REPLACE INTO folders VALUES (?, ?, ?)",
                    [(folder, *row) for folder, row in folders.items()],
                )
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
        if self._memory is not None:
            self._memory.close()
            self._memory = None
        if self.db is not None:
            with contextlib.suppress(sqlite3.Error):
                self.db.close()
            self.db = None


# -- other derived files beside the records cache (disk/sealindex.py) --------------------


def derived_db(
    folder: Path, root: Path, stem: str, schema: tuple[str, ...], fmt: str
) -> sqlite3.Connection | None:
    """A derived SQLite file of its own in the cache folder (``<stem>-<root hash>.sqlite``),
    private, created if need be; one written under another format or version is deleted
    and made again. None when it cannot be used (a symlinked cache folder, a damaged or
    locked file): the caller then works without it."""
    from otjournal import __version__
    from otjournal.disk import fsio
    from otjournal.errors import StoreError
    from otjournal.paths import platform_split

    digest = hashlib.sha256(os.path.realpath(root).encode()).hexdigest()[:20]
    path = folder / f"{stem}-{digest}.sqlite"
    wanted = {"format": fmt, "version": __version__}
    base, parts = platform_split(folder)
    for attempt in range(2):
        db = None
        try:
            fsio.private_folder(base, *parts)
            # Created private before SQLite opens it: nothing is ever readable by others.
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))
            db = sqlite3.connect(path, timeout=0.5, isolation_level=None)
            has_meta = db.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'"
            ).fetchone()
            found = dict(db.execute("SELECT key, value FROM meta").fetchall()) if has_meta else {}
            if found and found != wanted:
                raise sqlite3.DatabaseError("another format or version")
            if not found:
                created(db, schema, wanted)
            return db
        except (StoreError, OSError, sqlite3.OperationalError):
            if db is not None:
                db.close()
            return None  # not ours, or locked: only costs speed
        except sqlite3.Error:
            if db is not None:
                db.close()
            if attempt:
                return None
            try:
                path.unlink(missing_ok=True)  # derived data: thrown away, made again
            except OSError:
                return None
    return None
