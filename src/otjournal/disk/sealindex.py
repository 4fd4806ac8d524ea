"""Each file's latest seal (seals.py), indexed, so ``check`` and ``doctor`` look seals up
one client at a time instead of holding every seal of every log.

The index is derived data in the cache folder (``seals-<root hash>.sqlite``): per log,
its inode, size, modification time, how many bytes were read and a hash of them; per
path, its latest seal. A later run reads only the lines appended since; a log that
shrank, changed inode, had its read part changed or went away is read again whole (every
log is, then). Files that matched their seal are remembered there too (``verified``,
each with the seal it matched, so a mark outlives a re-read of the logs safely), and so
is each folder whose every session matched its seal or had none (``folders``: a digest of
its files' names and stat keys, and how many had no seal), so that an unchanged folder
costs ``check`` one look-up. A folder's mark goes as soon as a seal under it is indexed,
and is only written while the logs are as indexed when the check began.
Without a usable cache folder the same index is built in memory from the logs, so the
answers are the same either way. Only the logs are read: nothing is written in the notes
folder.

"Latest" is as ``seals.latest`` over every log in name order: by time, and of seals of
one time the later line wins, so a seal outranks another by (time, log name, byte
offset of its line). A line is only taken once it ends in a newline: each seal is
appended with its newline in one write, so a last line without one is torn (or still
being written) and skipped, as any line that does not read.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO

from otjournal.disk import seals
from otjournal.disk.parsing import open_regular
from otjournal.disk.seals import Seal
from otjournal.errors import StoreError

# 4: the lines of a log that do not read are kept (``damage``); 5: a log's change time
# too (a log edited in place, its size and modification time put back, is read again)
FORMAT = "5"
CHUNK = 1 << 20
BATCH = 2000  # seals upserted per statement batch: memory stays flat on a first read
SCHEMA = (
    "CREATE TABLE IF NOT EXISTS logs (name TEXT PRIMARY KEY, ino INT, size INT, "
    "mtime_ns INT, ctime_ns INT, done INT, digest TEXT, lines INT)",
    "CREATE TABLE IF NOT EXISTS damage (log TEXT, line INT, PRIMARY KEY (log, line)) WITHOUT ROWID",
    "CREATE TABLE IF NOT EXISTS seals (path TEXT PRIMARY KEY, at TEXT, log TEXT, pos INT, "
    "amendments INT, size INT, sha256 TEXT, why TEXT) WITHOUT ROWID",
    "CREATE TABLE IF NOT EXISTS verified (path TEXT PRIMARY KEY, mark TEXT) WITHOUT ROWID",
    "CREATE TABLE IF NOT EXISTS folders (prefix TEXT PRIMARY KEY, mark TEXT, unsealed INT) "
    "WITHOUT ROWID",
)
_TYPES = (str, str, int, int, str, str)
_UPSERT = (
    "INSERT INTO seals VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(path) DO UPDATE SET "
    "at = excluded.at, log = excluded.log, pos = excluded.pos, amendments = "
    "excluded.amendments, size = excluded.size, sha256 = excluded.sha256, why = excluded.why "
    "WHERE (excluded.at, excluded.log, excluded.pos) > (seals.at, seals.log, seals.pos)"
)


def _after(prefix: str) -> str:
    """The first text after every text that starts with ``prefix`` (a range's end)."""
    return prefix[:-1] + chr(ord(prefix[-1]) + 1)


class SealIndex:
    """Use it in a ``with``: closing commits the verified marks."""

    def __init__(self, root: Path, cache_folder: Path | None) -> None:
        from otjournal.disk.cache import derived_db

        self.folder = root.joinpath(*seals.FOLDER)
        db = derived_db(cache_folder, root, "seals", SCHEMA, FORMAT) if cache_folder else None
        if cache_folder is not None and db is not None:  # the JSON memo this replaced
            where = hashlib.sha256(os.fsencode(os.path.realpath(root))).hexdigest()[:16]
            with contextlib.suppress(OSError):
                (cache_folder / f"seals-verified-{where}.json").unlink(missing_ok=True)
        self.remembers = False
        if db is not None:
            try:
                self._update(db)
                self.remembers = True
            except sqlite3.Error:  # locked by another run, or damaged: built in memory
                db.close()
                db = None
            except BaseException:  # the logs cannot be read: said by the caller
                db.close()
                raise
        if db is None:
            db = sqlite3.connect(":memory:", isolation_level=None)
            for statement in SCHEMA:
                db.execute(statement)
            self._update(db)
        self.db = db
        self._marks: list[tuple[str, dict[str, str]]] = []
        self._folders: dict[str, tuple[str, int]] | None = None  # read on first use
        self._folder_marks: dict[str, tuple[str, int]] = {}

    def __enter__(self) -> SealIndex:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- reading the logs ---------------------------------------------------------
    def _update(self, db: sqlite3.Connection) -> None:
        self.unopened: list[tuple[Path, str]] = []  # logs that do not open, and why
        db.execute("BEGIN IMMEDIATE")
        opened: list[tuple[str, BinaryIO, os.stat_result]] = []
        try:
            known = {row[0]: row[1:] for row in db.execute("SELECT * FROM logs")}
            opened += self._open_logs()
            names = {name for name, _, _ in opened}
            again = bool(set(known) - names)
            starts: dict[str, tuple[int, hashlib._Hash, int]] = {}
            for name, fh, st in opened:
                was = known.get(name)
                if was is not None and was[:4] == (
                    st.st_ino,
                    st.st_size,
                    st.st_mtime_ns,
                    st.st_ctime_ns,
                ):
                    continue  # unchanged since it was read
                start = _unchanged_part(fh, st, was)
                if start is None:
                    again = True
                    break
                starts[name] = start
            if again:  # a log went, shrank or changed: every log is read whole
                db.execute("DELETE FROM seals")
                db.execute("DELETE FROM logs")
                db.execute("DELETE FROM folders")
                db.execute("DELETE FROM damage")
                starts = {name: (0, hashlib.sha256(), 0) for name, _, _ in opened}
            for name, fh, st in opened:
                if name in starts:
                    done, digest, lines = _read_from(db, name, fh, *starts[name])
                    db.execute(
                        "INSERT OR REPLACE INTO logs VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                        (
                            name,
                            st.st_ino,
                            st.st_size,
                            st.st_mtime_ns,
                            st.st_ctime_ns,
                            done,
                            digest,
                            lines,
                        ),
                    )
            self._logs = _logs_state(db)
            db.execute("COMMIT")
        except BaseException:
            with contextlib.suppress(sqlite3.Error):
                db.execute("ROLLBACK")
            raise
        finally:
            for _, fh, _ in opened:
                fh.close()

    def _open_logs(self) -> Iterator[tuple[str, BinaryIO, os.stat_result]]:
        """Every log that opens, in name order (a missing folder means no seals)."""
        try:
            names = sorted(n for n in os.listdir(self.folder) if n.endswith(seals.SUFFIX))
        except (FileNotFoundError, NotADirectoryError):
            return
        except OSError as exc:
            raise StoreError(
                f"cannot read the seal logs: {exc.strerror}", path=self.folder
            ) from None
        for name in names:
            try:
                fd = open_regular(self.folder / name)
            except OSError as exc:  # said by sealcheck.log_problems: its seals go unchecked
                self.unopened.append((self.folder / name, exc.strerror or str(exc)))
                continue
            fh = os.fdopen(fd, "rb")
            yield name, fh, os.fstat(fd)

    def damaged(self) -> list[tuple[Path, int, int]]:
        """Each log with lines that do not read as seals (changed by hand or by a sync
        tool, or torn by a crash): its path, the first such line's number and how many."""
        rows = self.db.execute("SELECT log, MIN(line), COUNT(*) FROM damage GROUP BY log")
        return [(self.folder / log, first, n) for log, first, n in rows if type(log) is str]

    # -- looking up ---------------------------------------------------------------
    def get(self, rel: str) -> Seal | None:
        """The latest seal of one file (by its path inside the notes folder, '/'; an
        encrypted note's seal is its plaintext form's: the seal is of the text)."""
        row = self.db.execute(
            "SELECT at, path, amendments, size, sha256, why FROM seals WHERE path = ?",
            (rel.removesuffix(".age"),),
        ).fetchone()
        return Seal(*row) if row else None

    def under(self, prefix: str) -> dict[str, Seal]:
        """The latest seals of every path that starts with ``prefix`` (one folder's)."""
        return {path: Seal(*row) for path, row in self.rows(prefix).items()}

    def folders(self) -> Iterator[str]:
        """Each folder holding a sealed note, as a prefix ending in "/": one look-up a
        folder (a skip over the index of paths), not a read of every seal."""
        at = ""
        while True:
            row = self.db.execute(
                "SELECT path FROM seals WHERE path >= ? ORDER BY path LIMIT 1", (at,)
            ).fetchone()
            if row is None:
                return
            path = row[0]
            if type(path) is not str:  # damaged: never used
                return
            prefix = path[: path.rfind("/") + 1]
            if prefix:
                yield prefix
            at = _after(prefix) if prefix else path + "\0"

    def rows(self, prefix: str) -> dict[str, tuple[str, str, int, int, str, str]]:
        """``under`` as the fields of each Seal (made only where one is needed)."""
        rows = self.db.execute(
            "SELECT at, path, amendments, size, sha256, why FROM seals "
            "WHERE path >= ? AND path < ?",
            (prefix, _after(prefix)),
        )
        # Plain data, checked as read: a damaged row is left out, never used.
        return {row[1]: row for row in rows if tuple(map(type, row)) == _TYPES}

    def unsealed(self) -> Callable[[str], bool]:
        """A test of a path having no seal, fetching one folder's seals at a time."""
        held: dict[str, set[str]] = {}

        def test(rel: str) -> bool:
            rel = rel.removesuffix(".age")  # a seal names a note's plaintext form
            prefix = rel[: rel.rfind("/") + 1]
            if prefix not in held:
                held.clear()
                held[prefix] = {
                    path
                    for (path,) in self.db.execute(
                        "SELECT path FROM seals WHERE path >= ? AND path < ?",
                        (prefix, _after(prefix)),
                    )
                }
            return rel not in held[prefix]

        return test

    # -- files that matched their seal ----------------------------------------------
    def verified(self, prefix: str) -> dict[str, str]:
        if not self.remembers:
            return {}
        rows = self.db.execute(
            "SELECT path, mark FROM verified WHERE path >= ? AND path < ?",
            (prefix, _after(prefix)),
        )
        return {path: mark for path, mark in rows if type(mark) is str}

    def set_verified(self, prefix: str, marks: dict[str, str]) -> None:
        """The marks of one folder, in place of those it had (written in batches)."""
        if self.remembers:
            self._marks.append((prefix, marks))
            if len(self._marks) >= 100:
                self.flush()

    def folder_mark(self, prefix: str) -> tuple[str, int] | None:
        """The mark of a folder whose every session matched its seal or had none, and how
        many had none (``set_folder``); None when there is none."""
        if self._folders is None:
            rows = self.db.execute("SELECT prefix, mark, unsealed FROM folders")
            self._folders = {
                p: (m, n)
                for p, m, n in rows
                if type(p) is str and type(m) is str and type(n) is int and n >= 0
            }
        return self._folders.get(prefix)

    def set_folder(self, prefix: str, mark: str, unsealed: int) -> None:
        if self.remembers:
            self._folder_marks[prefix] = (mark, unsealed)
            if len(self._folder_marks) >= 100:
                self.flush()

    def flush(self) -> None:
        pending, self._marks = self._marks, []
        folders, self._folder_marks = self._folder_marks, {}
        if not pending and not folders:
            return
        try:
            self.db.execute("BEGIN IMMEDIATE")
            for prefix, marks in pending:
                self.db.execute(
                    "DELETE FROM verified WHERE path >= ? AND path < ?", (prefix, _after(prefix))
                )
                self.db.executemany("INSERT OR REPLACE INTO verified VALUES (?, ?)", marks.items())
            # A folder's mark holds for the seals indexed when this run began: written only
            # if no run has indexed more since (that run cleared the marks of its folders).
            if folders and _logs_state(self.db) == self._logs:
                self.db.executemany(
                    "INSERT OR REPLACE INTO folders VALUES (?, ?, ?)",
                    [(p, m, n) for p, (m, n) in folders.items()],
                )
            self.db.execute("COMMIT")
        except sqlite3.Error:  # locked or full: the marks are only a saving of time
            with contextlib.suppress(sqlite3.Error):
                self.db.execute("ROLLBACK")

    def close(self) -> None:
        self.flush()
        with contextlib.suppress(sqlite3.Error):
            self.db.close()


def _unchanged_part(
    fh: BinaryIO, st: os.stat_result, was: tuple[object, ...] | None
) -> tuple[int, hashlib._Hash, int] | None:
    """Where to go on reading a log: (offset, hash of what is before it, lines before
    it) when its read part is as it was; (0, …, 0) for a log not read before; None when
    it changed."""
    if was is None:
        return 0, hashlib.sha256(), 0
    ino, _, _, _, done, digest, lines = was
    if ino != st.st_ino or type(done) is not int or type(lines) is not int or st.st_size < done:
        return None
    hasher = hashlib.sha256()
    left = done
    while left > 0:
        chunk = fh.read(min(CHUNK, left))
        if not chunk:
            return None
        hasher.update(chunk)
        left -= len(chunk)
    return (done, hasher, lines) if hasher.hexdigest() == digest else None


def _read_from(
    db: sqlite3.Connection,
    name: str,
    fh: BinaryIO,
    start: int,
    hasher: hashlib._Hash,
    line: int,
) -> tuple[int, str, int]:
    """Index the whole lines of a log after ``start`` (line ``line``), keeping the number
    of each line that does not read (a blank one aside); (bytes read, their hash, lines
    read)."""
    fh.seek(start)
    done, rest, batch, bad = start, b"", [], []
    while chunk := fh.read(CHUNK):
        data = rest + chunk
        end = data.rfind(b"\n") + 1
        rest = data[end:]  # not ended yet: kept for the next chunk, or left unread
        hasher.update(memoryview(data)[:end])
        for raw in data[:end].split(b"\n")[:-1]:
            line += 1
            fields = seals.line_fields(raw)
            if fields is not None:
                at, path, amendments, size, digest, why = fields
                batch.append((path, at, name, done, amendments, size, digest, why))
            elif raw.strip():  # changed, or cut short by a crash: the seal it held is lost
                bad.append((name, line))
            done += len(raw) + 1
        if len(batch) >= BATCH:
            _upsert(db, batch)
            batch = []
    _upsert(db, batch)
    db.executemany("INSERT OR REPLACE INTO damage VALUES (?, ?)", bad)
    return done, hasher.hexdigest(), line


def _upsert(
    db: sqlite3.Connection, batch: list[tuple[str, str, str, int, int, int, str, str]]
) -> None:
    """Seals into the index; the folders they are in lose their marks (seals changed)."""
    db.executemany(_UPSERT, batch)
    prefixes = {path[: path.rfind("/") + 1] for path, *_ in batch}
    db.executemany("DELETE FROM folders WHERE prefix = ?", [(p,) for p in prefixes])


def _logs_state(db: sqlite3.Connection) -> list[tuple[object, ...]]:
    return db.execute("SELECT * FROM logs ORDER BY name").fetchall()
