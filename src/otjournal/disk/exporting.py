"""``otj export`` streamed: rows written as they go, memory flat in the journal's size.

Each client's rows are made on its own (by the caller: numbers/export.by_record, from
that client's records only) and kept in SQLite with the facts that order them: the
record's moment and id, then the client and the row's place. One ``SELECT … ORDER BY
moment, id, client, seq`` then gives them in the order of the whole journal read at once
(``Snapshot.settle`` sorts by start and id; two clients' notes sharing both keep the
clients' order), or by client for the per-client tables (every row's moment is 0 there).

With the derived cache (cache.py) the rows live in its database (``export_rows``, with
``export_clients`` holding each client's fingerprint: every file of that client, and for
the per-client tables the period and today), so a warm export reads no record: it stats
the files and streams rows. A client with a problem is made again on every run, so its
problem is reported every time. Without a usable cache (``OTJOURNAL_NO_CACHE=1``, locked,
a symlinked folder) the same rows go into a private temporary SQLite file that is gone
when the export ends: the same code, the same order, the same bytes, at the cost of
making every client's rows again (memory: SQLite's page cache, about 2 MB).

A row is stored as plain text (no pickle): its values as a JSON array (read back for
``--deidentify``), and its CSV line and JSON object as rendered when it was made, so a
warm export only copies text out. A row that is not of the shape this module writes
(checked in one query before streaming) makes its client a miss, made again.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any, Protocol, cast

from otjournal.disk.loading import RECORD_KINDS, ClientFiles, Reader, Snapshot, meta_of
from otjournal.errors import Problem, StoreError

if TYPE_CHECKING:
    from pathlib import Path

    from otjournal.disk.reads import Reads
    from otjournal.model import Client, HomeworkEntry, Session

SCHEMA = (
    "CREATE TABLE IF NOT EXISTS export_clients (name TEXT, client TEXT, fingerprint TEXT, "
    "rows INT, PRIMARY KEY (name, client))",
    "CREATE TABLE IF NOT EXISTS export_rows (name TEXT, client TEXT, moment INT, id TEXT, "
    "day INT, seq INT, author TEXT, data TEXT, csv TEXT, json TEXT)",
    "CREATE INDEX IF NOT EXISTS export_rows_order ON export_rows (name, moment, id, client, seq)",
    "CREATE INDEX IF NOT EXISTS export_rows_client ON export_rows (name, client)",
)
BATCH = 500  # rows made before they are written: bounds memory on a first run
ORDER = " ORDER BY moment, id, client, seq"
# A client's stored rows as this module writes them: anything else is a miss. Only what
# an export reads is checked (the CSV line, the JSON object, or the values): a JSON
# check of every row costs a warm export more than streaming them.
_SHAPE = (
    "typeof(moment) != 'integer' OR typeof(id) != 'text' "
    "OR typeof(day) != 'integer' OR typeof(seq) != 'integer' "
    "OR (author IS NOT NULL AND typeof(author) != 'text')"
)
_READ = {
    "csv": "typeof(csv) != 'text' OR substr(csv, -2) != char(13, 10)",
    "json": "CASE WHEN typeof(json) = 'text' AND json_valid(json) "
    "THEN json_type(json) != 'object' ELSE 1 END",
    "data": "CASE WHEN typeof(data) = 'text' AND json_valid(data) "
    "THEN json_type(data) != 'array' OR json_array_length(data) != :columns ELSE 1 END",
}
READS = tuple(_READ)


def _check(reads: str) -> str:
    return (
        f"SELECT client, count(*), total({_SHAPE} OR {_READ[reads]}) "
        "FROM export_rows WHERE name = :name GROUP BY client"
    )


_SCALARS = frozenset((str, int, float, bool, type(None)))  # what json.loads gives, less list, dict
# moment, id, day, seq, author; the values (a JSON array), the CSV line, the JSON object
Row = tuple[int, str, int, int, str | None, str, str, str]
Render = Callable[[list[Any]], tuple[str, str]]  # a row's CSV line and JSON object


class Scanned(Protocol):
    """What ``Reader.scan`` gives: each client's files (asked for once, in turn) and the
    problems of the clients folder itself."""

    @property
    def clients(self) -> Iterable[ClientFiles]: ...

    @property
    def problems(self) -> list[Problem]: ...


@dataclass
class Export:
    """One table's rows, ready to stream (``exported``)."""

    table: str
    columns: list[str]
    report: Snapshot  # what could not be read: problems and conflict copies
    db: sqlite3.Connection
    reader: Reader
    where: str
    args: tuple[object, ...]
    reads: str  # the one part of each row checked before streaming (``exported``)

    def _select(self, what: str, extra: str = "", args: tuple[object, ...] = ()) -> sqlite3.Cursor:
        sql = f"SELECT {what} FROM export_rows WHERE {self.where}{extra}"
        return self.db.execute(sql, (*self.args, *args))

    def authors(self) -> set[str]:
        """The ``written_by`` texts of the rows exported (names to clear when de-identifying)."""
        try:
            found = self._select("DISTINCT author", " AND author IS NOT NULL").fetchall()
        except sqlite3.Error as exc:
            raise _unreadable(exc) from None
        return {a for (a,) in found if isinstance(a, str)}

    def client_record(self, handle: str) -> Client | None:
        """A client's client.toml as read (None when it cannot be read); read afresh on
        each call (from the cache when unchanged): nothing is held per client."""
        record = None
        for found in self.reader.scan([handle], ()).clients:  # client.toml alone
            ref = found.files[0] if found.files else None
            if ref is not None and ref.kind == "client":
                record = self.reader.record(ref)
        return cast("Client | None", record)

    def lines(self, fmt: str) -> Iterator[str]:
        """Each row as rendered when made, in the table's order: its CSV line ("csv")
        or JSON object ("json"), as checked (``reads``)."""
        if fmt != self.reads:
            raise ValueError(f"an export checked for {self.reads!r} cannot read {fmt!r}")
        try:
            for (text,) in self._select(fmt, ORDER):
                if type(text) is not str:
                    raise _changed()
                yield text
        except sqlite3.Error as exc:
            raise _unreadable(exc) from None

    def rows(
        self, per_client: Callable[[str], Callable[[dict[str, Any]], dict[str, Any]]] | None = None
    ) -> Iterator[list[Any]]:
        """Each row's values (in ``columns`` order), in the table's order; with
        ``per_client``, each row passed through the function made for its client (made
        once per client: every client's rows are passed through in turn, set aside in a
        private temporary SQLite file, then streamed in order)."""
        if self.reads != "data":
            raise ValueError(f"an export checked for {self.reads!r} cannot read its values")
        try:
            if per_client is None:
                for (data,) in self._select("data", ORDER):
                    yield self._values(data)
                return
            with contextlib.closing(_temporary(self.reader.root)) as staged:
                self._stage(staged, per_client)
                for (data,) in staged.execute(f"SELECT data FROM export_rows{ORDER}"):
                    yield self._values(data)
        except sqlite3.Error as exc:
            raise _unreadable(exc) from None

    def _stage(
        self,
        staged: sqlite3.Connection,
        per_client: Callable[[str], Callable[[dict[str, Any]], dict[str, Any]]],
    ) -> None:
        handles = sorted(h for (h,) in self._select("DISTINCT client").fetchall())
        staged.execute("CREATE TABLE export_rows (moment, id, client, seq, data)")
        staged.execute("BEGIN")
        for handle in handles:
            change = per_client(handle)
            cur = self._select("moment, id, seq, data", " AND client = ?", (handle,))
            staged.executemany(
                "INSERT INTO export_rows VALUES (?, ?, ?, ?, ?)",
                (
                    (m, i, handle, q, _dumps(list(change(self._row(d)).values())))
                    for m, i, q, d in cur
                ),
            )
        staged.execute("COMMIT")
        staged.execute("CREATE INDEX export_rows_order ON export_rows (moment, id, client, seq)")

    def _row(self, data: object) -> dict[str, Any]:
        return dict(zip(self.columns, self._values(data), strict=True))

    def _values(self, data: object) -> list[Any]:
        values = json.loads(data) if isinstance(data, str) else None
        if (
            type(values) is not list
            or len(values) != len(self.columns)
            or not _SCALARS.issuperset(map(type, values))
        ):
            raise StoreError(
                "the export's rows in the cache changed while being read; nothing more was written",
                hint="run the command again (or with OTJOURNAL_NO_CACHE=1)",
            )
        return values


def _changed() -> StoreError:
    return StoreError(
        "the export's rows in the cache changed while being read; nothing more was written",
        hint="run the command again (or with OTJOURNAL_NO_CACHE=1)",
    )


def _unreadable(exc: sqlite3.Error) -> StoreError:
    return StoreError(
        f"the export's rows could not be read back ({exc}); nothing more was written",
        hint="run the command again (or with OTJOURNAL_NO_CACHE=1)",
    )


def _dumps(values: list[Any]) -> str:
    return json.dumps(values, ensure_ascii=False, separators=(",", ":"))


def _temporary(root: Path) -> sqlite3.Connection:
    """A private SQLite file of its own, deleted when closed (SQLite's "" database); in
    memory for an encrypted journal, whose rows must never reach the disk in plaintext."""
    from otjournal.disk.cache import memory_db
    from otjournal.disk.keys import encrypted

    return memory_db() if encrypted(root) else sqlite3.connect("", isolation_level=None)


# Each client's records (``None`` for a per-client table's rows) and their rows: made by
# the caller (numbers/export.by_record, which disk may not import) from one client's
# snapshot and handle.
Make = Callable[
    [Snapshot, str], Iterable[tuple["Session | HomeworkEntry | None", list[dict[str, Any]]]]
]


@contextlib.contextmanager
def exported(
    journal: Reads,
    table: str,
    columns: list[str],
    make: Make,
    render: Render,
    *,
    dated: str | None,
    params: tuple[object, ...] = (),
    client: str | None,
    since: date | None,
    until: date | None,
    reads: str,
) -> Iterator[Export]:
    """``table``'s rows (of ``client`` only, when given) within the dates, made one client
    at a time by ``make``, rendered by ``render`` and kept where they can be streamed in
    order (see the module's doc). ``dated``: the kind of record the rows are of
    ("session" or "homework"; None: one client's rows, by client, never filtered by
    date); ``params``: what else the rows depend on (a per-client table's period);
    ``reads``: what will be read of each row (``Export.lines`` of "csv" or "json", or
    ``Export.rows``: "data"), which is what a kept row is checked for."""
    with journal.reader() as r:
        maker = _Maker(r, table, columns, make, render, dated, params, reads)
        handles, everyone = ([client] if client else None), client is None
        shared = r.cache.connection() if r.cache is not None else None
        db, report = None, Snapshot(r.root)
        if shared is not None:
            with contextlib.suppress(sqlite3.Error):  # locked or damaged: a temporary file
                report = maker.build(shared, r.scan(handles, RECORD_KINDS), everyone=everyone)
                db = shared
        temporary = _temporary(r.root) if db is None else None
        try:
            if temporary is not None:  # every client made again, from a scan of its own
                db = temporary
                report = maker.build(temporary, r.scan(handles, RECORD_KINDS), memo=False)
            assert db is not None
            if r.cache is not None:
                r.cache.flush()  # what the reader learned, before the rows are streamed
            where, args = "name = ?", list[object]([table])
            if client:
                where, args = where + " AND client = ?", [*args, client]
            if dated is not None:
                for bound, op in ((since, ">="), (until, "<=")):
                    if bound is not None:
                        where, args = f"{where} AND day {op} ?", [*args, bound.toordinal()]
            yield Export(table, columns, report, db, r, where, tuple(args), reads)
        finally:
            if temporary is not None:
                temporary.close()


@dataclass
class _Maker:
    reader: Reader
    table: str
    columns: list[str]
    make: Make
    render: Render
    dated: str | None
    params: tuple[object, ...]
    reads: str  # what the export will read of each row: "csv", "json" or "data"

    def build(
        self, db: sqlite3.Connection, scan: Scanned, *, everyone: bool = False, memo: bool = True
    ) -> Snapshot:
        """Make the rows of every client the scan finds (in turn, each read before the
        next is asked for) that are not already kept under its fingerprint; what could
        not be read is returned (a client with a problem is made again every time).
        ``everyone``: the rows of clients no longer there go."""
        from otjournal.disk.cache import cache_key

        for statement in SCHEMA:
            db.execute(statement)
        report = Snapshot(self.reader.root, problems=list(scan.problems))
        present = set()
        name, known, checked = self.table, {}, {}
        if memo:
            known = {
                c: (fp, n)
                for c, fp, n in db.execute(
                    "SELECT client, fingerprint, rows FROM export_clients WHERE name = ?", (name,)
                )
            }
            rows = db.execute(_check(self.reads), {"columns": len(self.columns), "name": name})
            checked = {c: (n, bad) for c, n, bad in rows}
        under = (*cache_key().values(), name, *self.params)
        pending: list[tuple[str, str | None, list[Row]]] = []
        size = 0
        for found in scan.clients:
            present.add(found.handle)
            fingerprint = found.fingerprint("export", *under) if memo else None
            was = known.get(found.handle)
            if (
                fingerprint is not None
                and was is not None
                and was[0] == fingerprint
                and checked.get(found.handle, (0, 0)) == (was[1], 0)
            ):
                continue
            made = self._sealed_rows(found.handle, fingerprint)
            clean = True
            if made is None:
                snap = self.reader.snapshot(found)
                report.problems += snap.problems
                report.conflicts += snap.conflicts
                made = self.rows_of(snap, found.handle)
                clean = not snap.problems and not snap.conflicts
                self._keep_sealed(found.handle, fingerprint if clean else None, made)
            pending.append((found.handle, fingerprint if clean else None, made))
            size += len(made) + 1
            if size >= BATCH:
                _write(db, name, pending, [])
                pending, size = [], 0
        gone = []
        if everyone:
            stored = db.execute(
                "SELECT DISTINCT client FROM export_rows WHERE name = ?", (name,)
            ).fetchall()
            gone = [c for (c,) in stored if c not in present]
            gone += [c for c in known if c not in present and c not in gone]
        _write(db, name, pending, gone)
        return report

    # An encrypted journal's rows live in memory for the command (they hold note text):
    # each client's are also kept as a memo, which the cache encrypts to this device's
    # key, so a client whose files are unchanged is not read again.
    def _sealed_rows(self, handle: str, fingerprint: str | None) -> list[Row] | None:
        cache = self.reader.cache
        if cache is None or cache.lock is None or fingerprint is None:
            return None
        return _checked_rows(cache.memo(f"export:{self.table}", handle, fingerprint))

    def _keep_sealed(self, handle: str, fingerprint: str | None, made: list[Row]) -> None:
        cache = self.reader.cache
        if cache is not None and cache.lock is not None and fingerprint is not None:
            cache.remember(f"export:{self.table}", handle, fingerprint, made)

    def rows_of(self, snap: Snapshot, handle: str) -> list[Row]:
        """One client's rows with the facts that order and select them."""
        out: list[Row] = []
        for record, made in self.make(snap, handle):
            if record is None or self.dated is None:
                moment, rid, day = 0, "", 0
            else:
                moment, rid, day = meta_of(self.dated, record)
            for seq, row in enumerate(made):
                author = row.get("written_by")
                values = [row[c] for c in self.columns]
                out.append(
                    (
                        moment,
                        rid,
                        day,
                        seq,
                        author if isinstance(author, str) else None,
                        _dumps(values),
                        *self.render(values),
                    )
                )
        return out


_SHAPES = {(int, str, int, int, author, str, str, str) for author in (str, type(None))}


def _checked_rows(value: object) -> list[Row] | None:
    """Rows as ``rows_of`` made them (a memo read back), each checked field by field; None
    for anything else."""
    from otjournal.disk import plain

    return plain.rows(value, _SHAPES)


def _write(
    db: sqlite3.Connection,
    name: str,
    pending: list[tuple[str, str | None, list[Row]]],
    gone: list[str],
) -> None:
    if not pending and not gone:
        return
    db.execute("BEGIN IMMEDIATE")
    try:
        for handle in gone:
            db.execute("DELETE FROM export_rows WHERE name = ? AND client = ?", (name, handle))
            db.execute("DELETE FROM export_clients WHERE name = ? AND client = ?", (name, handle))
        for handle, fingerprint, made in pending:
            db.execute("DELETE FROM export_rows WHERE name = ? AND client = ?", (name, handle))
            db.executemany(
                "INSERT INTO export_rows VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [(name, handle, *row) for row in made],
            )
            db.execute(
                "INSERT OR REPLACE INTO export_clients VALUES (?, ?, ?, ?)",
                (name, handle, fingerprint, len(made)),
            )
        db.execute("COMMIT")
    except sqlite3.Error:
        with contextlib.suppress(sqlite3.Error):
            db.execute("ROLLBACK")
        raise
