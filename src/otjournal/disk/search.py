"""``otj search``: the text of every note, found by words, kept in step with the files.

The index lives in the derived cache (cache.py's SQLite file), beside the records:

- ``search_clients``: one row per client, the fingerprint of every file of that client
  (``ClientFiles.fingerprint``: path, size, mtime_ns, ctime_ns, inode of each) when its
  parts were indexed. A client whose files changed in any way (a hand edit, a deletion,
  a sync replacing a file) is read again and its parts replaced; a client with a file
  that could not be read is read on every run (its problems are reported every time).
- ``search_parts``: one row per searchable part of a record (numbers/search.py: a field
  of a session as amended, an amendment's own words, a homework entry's text), plus one
  row per record (``name`` empty) holding the facts the filters read, as JSON.
- ``search_words``: an FTS5 index of the parts' folded words, when this SQLite has FTS5.
  It only narrows the rows read: every candidate is checked by search_text.find, the
  same function the plain scan uses, so the two find exactly the same.

Without a cache (``OTJOURNAL_NO_CACHE=1``) or without FTS5, the parts are read and
checked one by one: slower, the same results.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
from collections.abc import Callable, Iterable
from itertools import islice
from typing import Any

from otjournal.disk.loading import Reader, Snapshot
from otjournal.disk.search_index import Index
from otjournal.disk.search_query import Query, Result, Row, select, wanted

SEARCH_FORMAT = "3"  # bump when what a part holds changes: every client is indexed again
PartsOf = Callable[
    [str, Any], tuple[dict[str, Any], list[tuple[str, str, str, str, str, int, int]]]
]


def rows_of(snap: Snapshot, parts_of: PartsOf) -> list[Row]:
    rows: list[Row] = []
    for kind, loaded in [("session", s) for s in snap.sessions] + [
        ("homework", h) for h in snap.homework
    ]:
        record = loaded.record
        facts, parts = parts_of(kind, record)
        text_facts = json.dumps(facts)  # on every row here; stored on the record's only
        for seq, (pkind, name, label, amended, text, day, moment) in enumerate(parts):
            rows.append(
                (
                    record.client,
                    os.path.relpath(loaded.path, snap.root),  # the cache's own form
                    pkind,
                    record.id,
                    seq,
                    name,
                    label,
                    amended,
                    text,
                    day,
                    moment,
                    text_facts,
                )
            )
    return rows


def search(reader: Reader, q: Query, parts_of: PartsOf) -> tuple[list[Result], Snapshot]:
    """The results of ``q``, newest first, and what could not be read. Clients whose
    files are unchanged since they were indexed are not read at all."""
    from otjournal.disk.cache import cache_key

    report = Snapshot(reader.root)
    if reader.cache is not None and reader.cache.lock is not None:
        return _search_sealed(reader, q, parts_of, report)
    scan = reader.scan([q.client] if q.client else None)
    report.problems += scan.problems
    index = _index(reader)
    try:
        stored = index.fingerprints() if index is not None else {}
    except sqlite3.Error:
        index, stored = None, {}
    params = ("search", SEARCH_FORMAT, *cache_key().values())
    fresh: list[str] = []
    seen: set[str] = set()
    rows: list[Row] = []
    for found in scan.clients:  # one client at a time; only its matching rows are kept
        seen.add(found.handle)
        fingerprint = found.fingerprint(*params)
        if (
            index is not None
            and fingerprint is not None
            and stored.get(found.handle) == fingerprint
        ):
            fresh.append(found.handle)
            continue
        snap = reader.snapshot(found)
        report.problems += snap.problems
        report.conflicts += snap.conflicts
        mine = rows_of(snap, parts_of)
        rows += [row for row in mine if wanted(row, q)]
        keep = fingerprint if not (snap.problems or snap.conflicts) else None
        index = _stored(index, found.handle, keep, mine)
    if index is not None and q.client is None:
        with contextlib.suppress(sqlite3.Error):
            index.forget(set(stored) - seen)
    if fresh and index is not None:
        try:
            unchanged = set(fresh)
            taken: Iterable[Row] = (r for r in index.candidates(q) if r[0] in unchanged)
            if q.last is not None:  # newest first: the newest N that match are all it takes
                taken = islice((r for r in taken if wanted(r, q)), q.last)
            rows += list(taken)  # whole, or not at all: a failed read leaves rows as they were
            fresh = []
        except sqlite3.Error:
            pass
    if fresh:  # the index could not answer for them: read the files
        for found in reader.scan(fresh).clients:
            rows += [row for row in rows_of(reader.snapshot(found), parts_of) if wanted(row, q)]
    return select(rows, q, os.path.abspath(reader.root)), report


def _search_sealed(
    reader: Reader, q: Query, parts_of: PartsOf, report: Snapshot
) -> tuple[list[Result], Snapshot]:
    """``search`` in an encrypted journal: no index of words on disk (it cannot be
    encrypted and still searched). Each client's rows are kept as a memo, which the cache
    encrypts to this device's key, and matched here; a client whose files are unchanged
    is not read. One client's rows are held at a time."""
    from otjournal.disk.cache import cache_key

    assert reader.cache is not None
    cache = reader.cache
    params = ("search", SEARCH_FORMAT, *cache_key(True).values())
    scan = reader.scan([q.client] if q.client else None)
    report.problems += scan.problems
    rows: list[Row] = []
    for found in scan.clients:
        fingerprint = found.fingerprint(*params)
        mine = _memo_rows(cache.memo(MEMO, found.handle, fingerprint)) if fingerprint else None
        if mine is None:
            snap = reader.snapshot(found)
            report.problems += snap.problems
            report.conflicts += snap.conflicts
            mine = rows_of(snap, parts_of)
            if fingerprint is not None and not (snap.problems or snap.conflicts):
                cache.remember(MEMO, found.handle, fingerprint, mine)
        rows += [row for row in mine if wanted(row, q)]
    return select(rows, q, os.path.abspath(reader.root)), report


MEMO = "search-rows"  # an encrypted journal's rows of one client (cache.memo)
_SHAPE = (str, str, str, str, int, str, str, str, str, int, int)
_SHAPES = {(*_SHAPE, str), (*_SHAPE, type(None))}  # the facts: JSON text, or none


def _memo_rows(value: object) -> list[Row] | None:
    """Rows as ``rows_of`` made them, each checked field by field; None for anything else."""
    from otjournal.disk import plain

    return plain.rows(value, _SHAPES)


def _index(reader: Reader) -> Index | None:
    db = reader.cache.connection() if reader.cache is not None else None
    if db is None:
        return None
    try:
        return Index(db)
    except sqlite3.Error:
        return None  # locked, damaged, or built with FTS5 this SQLite lacks: read the files


def _stored(
    index: Index | None, client: str, fingerprint: str | None, rows: list[Row]
) -> Index | None:
    """Store a client's rows; an index that cannot be written is no longer used this run
    (what it holds of other clients may then be out of step)."""
    if index is None:
        return None
    try:
        index.replace(client, fingerprint, rows)
        return index
    except sqlite3.OperationalError:
        return index if fingerprint is None else _dropped(index, client)
    except sqlite3.Error:
        return None


def _dropped(index: Index, client: str) -> Index | None:
    """A locked write: the client's old rows must not answer (it is read from its files)."""
    try:
        index.forget([client])
        return index
    except sqlite3.Error:
        return None
