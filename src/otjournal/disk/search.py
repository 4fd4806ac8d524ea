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
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from itertools import islice
from typing import Any, NamedTuple

from otjournal.disk.loading import Reader, Snapshot
from otjournal.disk.search_text import Phrase, Snippet, Span, find, fold, phrases, snippet, words
from otjournal.errors import UsageError
from otjournal.model.vocab import CHECKLIST_ANSWERS, CHECKLIST_KEYS, SETTINGS

SEARCH_FORMAT = "2"  # bump when what a part holds changes: every client is indexed again
KINDS = ("session", "homework", "amendment")
SCHEMA = (
    "CREATE TABLE IF NOT EXISTS search_clients (client TEXT PRIMARY KEY, fingerprint TEXT)",
    "CREATE TABLE IF NOT EXISTS search_parts (n INTEGER PRIMARY KEY, client TEXT, path TEXT, "
    "kind TEXT, id TEXT, seq INT, name TEXT, label TEXT, amended TEXT, text TEXT, "
    "tokens TEXT, day INT, moment INT, facts TEXT)",
    "CREATE INDEX IF NOT EXISTS search_parts_client ON search_parts (client)",
)
FTS_SCHEMA = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS search_words USING fts5(tokens, "
    "content='search_parts', content_rowid='n', tokenize='unicode61 remove_diacritics 0')",
    "CREATE TRIGGER IF NOT EXISTS search_parts_added AFTER INSERT ON search_parts BEGIN "
    "INSERT INTO search_words (rowid, tokens) VALUES (new.n, new.tokens); END",
    "CREATE TRIGGER IF NOT EXISTS search_parts_gone AFTER DELETE ON search_parts BEGIN "
    "INSERT INTO search_words (search_words, rowid, tokens) VALUES ('delete', old.n, "
    "old.tokens); END",
)
_COLUMNS = "client, path, kind, id, seq, name, label, amended, text, day, moment, facts"

# A part as read: client, path, kind, record id, seq (its place in the record), the
# --field name ("" for the record's own row), label (the field's path), amended (a day
# or ""), text, day (ordinal), moment (µs), facts (JSON on the record's row, else None).
Row = tuple[str, str, str, str, int, str, str, str, str, int, int, "str | None"]
PartsOf = Callable[
    [str, Any], tuple[dict[str, Any], list[tuple[str, str, str, str, str, int, int]]]
]


@dataclass(frozen=True)
class Query:
    """What to find: phrases (every one in one field), and filters on the records."""

    text: str = ""
    phrases: tuple[Phrase, ...] = ()
    client: str | None = None
    field: str | None = None
    goal: str | None = None
    activity: Phrase | None = None
    technique: str | None = None  # folded
    checklist: tuple[str, str] | None = None
    setting: str | None = None
    since: date | None = None
    until: date | None = None
    last: int | None = None

    @property
    def about_sessions(self) -> bool:
        """A filter only a session (or its amendment) can meet."""
        return any(
            v is not None for v in (self.goal, self.activity, self.technique, self.checklist)
        ) or (self.setting is not None)


def make_query(
    text: str | None,
    *,
    fields: Sequence[str],
    client: str | None = None,
    field: str | None = None,
    goal: str | None = None,
    activity: str | None = None,
    technique: str | None = None,
    checklist: str | None = None,
    setting: str | None = None,
    since: date | None = None,
    until: date | None = None,
    last: int | None = None,
) -> Query:
    """A query from the command's words, each checked; UsageError names what is wrong
    without repeating what was typed."""
    found = phrases(text or "")
    if field is not None and field not in fields:
        raise UsageError("--field: not a field name", hint="one of: " + ", ".join(fields))
    if setting is not None and setting not in SETTINGS:
        raise UsageError("--setting: not a setting", hint="one of: " + ", ".join(SETTINGS))
    pair = None
    if checklist is not None:
        item, eq, answer = (s.strip().lower() for s in checklist.partition("="))
        if not eq or item not in CHECKLIST_KEYS or answer not in CHECKLIST_ANSWERS:
            raise UsageError(
                "--checklist takes ITEM=ANSWER",
                hint=f"ITEM one of {', '.join(CHECKLIST_KEYS)}; ANSWER one of "
                + ", ".join(CHECKLIST_ANSWERS),
            )
        pair = (item, answer)
    wanted = None
    if activity is not None:
        wanted = tuple(w for _, _, w in words(activity))
        if not wanted:
            raise UsageError("--activity: give a word of the activity's name")
    if field is not None and not found:
        raise UsageError(
            "--field needs words to search for", hint="e.g. otj search swing --field voice"
        )
    if not found and not any(
        v is not None for v in (client, goal, wanted, technique, pair, setting, since, until)
    ):
        raise UsageError(
            "give words to search for, or a filter", hint="e.g. otj search swing; otj search --help"
        )
    if goal is not None and not goal.strip():
        raise UsageError("--goal: give a goal id, e.g. g1")
    return Query(
        text=text or "",
        phrases=found,
        client=client,
        field=field,
        goal=goal.strip() if goal is not None else None,
        activity=wanted,
        technique=fold(technique.strip()) if technique is not None else None,
        checklist=pair,
        setting=setting,
        since=since,
        until=until,
        last=last,
    )


class Result(NamedTuple):  # a tuple: thousands are made for a common word
    client: str
    kind: str  # session | homework | amendment
    id: str
    path: str
    field: str  # the field's path in the record ("" for a record found by filters)
    name: str  # the --field name
    amended: str  # the day the field was amended ("" when it was not)
    day: date
    snippet: Snippet


def fts5_available(db: sqlite3.Connection) -> bool:
    """Whether this SQLite has FTS5 (most builds do; the plain scan serves otherwise)."""
    try:
        db.execute("CREATE VIRTUAL TABLE IF NOT EXISTS temp.search_probe USING fts5(x)")
        db.execute("DROP TABLE temp.search_probe")
        return True
    except sqlite3.Error:
        return False


class Index:
    """The search tables of the cache database (see the module's docstring)."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db
        self.fts = fts5_available(db)
        has_words = bool(
            db.execute("SELECT 1 FROM sqlite_master WHERE name = 'search_words'").fetchall()
        )
        if has_words and not self.fts:
            raise sqlite3.OperationalError("indexed with FTS5, which this SQLite lacks")
        if self.fts and not has_words:  # built by the plain scan: built again with FTS5
            for table in ("search_parts", "search_clients"):
                db.execute(f"DROP TABLE IF EXISTS {table}")
        for statement in SCHEMA + (FTS_SCHEMA if self.fts else ()):
            db.execute(statement)

    def fingerprints(self) -> dict[str, str]:
        return dict(self.db.execute("SELECT client, fingerprint FROM search_clients").fetchall())

    def replace(self, client: str, fingerprint: str | None, rows: list[Row]) -> None:
        """A client's parts as now read (``fingerprint`` None: dropped, not stored)."""
        db = self.db
        db.execute("BEGIN IMMEDIATE")
        try:
            db.execute("DELETE FROM search_parts WHERE client = ?", (client,))
            db.execute("DELETE FROM search_clients WHERE client = ?", (client,))
            if fingerprint is not None:
                db.executemany(
                    f"INSERT INTO search_parts ({_COLUMNS}, tokens) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [(*row[:-1], None if row[5] else row[-1], _tokens(row)) for row in rows],
                )
                db.execute("INSERT INTO search_clients VALUES (?, ?)", (client, fingerprint))
            db.execute("COMMIT")
        except sqlite3.Error:
            with contextlib.suppress(sqlite3.Error):
                db.execute("ROLLBACK")
            raise

    def forget(self, clients: Iterable[str]) -> None:
        for client in clients:
            self.replace(client, None, [])

    def candidates(self, q: Query) -> Iterator[Row]:
        """Rows that may match (a superset: each is checked by the caller), read as they
        are taken; with ``q.last``, newest first as ``select`` orders them."""
        where, args = ["p.name = ''"] if not q.phrases else ["p.name != ''"], []
        if q.field is not None:
            where.append("p.name = ?")
            args.append(q.field)
        sql = f"SELECT {', '.join('p.' + c for c in _COLUMNS.split(', '))} FROM search_parts p"
        match = _fts_query(q.phrases) if self.fts else ""
        if match:
            sql += " JOIN search_words w ON w.rowid = p.n"
            where.append("search_words MATCH ?")
            args.append(match)
        narrow, more = _facts_sql(q)
        if not q.phrases:
            where += narrow
            args += more
        sql += " WHERE " + " AND ".join(where)
        if q.last is not None:  # taken newest first and stopped early; else select sorts
            sql += " ORDER BY " + _NEWEST_SQL
        rows = self.db.execute(sql, args)
        if not (q.about_sessions and q.phrases):
            return rows
        facts = dict(  # the facts are on each record's own row
            self.db.execute(
                "SELECT path, facts FROM search_parts p WHERE name = '' AND "
                + " AND ".join(narrow),
                more,
            ).fetchall()
        )
        return ((*r[:-1], facts.get(r[1])) for r in rows)


def _facts_sql(q: Query) -> tuple[list[str], list[str]]:
    """Clauses that narrow the records' own rows to those whose facts (JSON, as
    json.dumps writes them) may meet the filters: LIKE on words that must be there
    (slugs and fixed words only: a technique or an activity may be written with accents,
    which json.dumps escapes). _facts_match decides."""
    if not q.about_sessions:
        return [], []
    needles = []
    if q.setting is not None:
        needles.append(f'"setting": "{q.setting}"')
    if q.checklist is not None:
        needles.append(f'"{q.checklist[0]}": "{q.checklist[1]}"')
    if q.goal is not None and q.goal.isascii():
        needles.append(f'"{q.goal}')
    return ["p.kind = 'session'"] + ["p.facts LIKE ?"] * len(needles), [f"%{n}%" for n in needles]


def _tokens(row: Row) -> str:
    return " ".join(w for _, _, w in words(row[8])) if row[5] else ""


def _fts_query(wanted: tuple[Phrase, ...]) -> str:
    """The phrases for FTS5's MATCH. Its tokenizer splits the folded words further (at
    "_"), the same way in the index and the query, so a phrase found here is found
    there; a phrase of which FTS5 sees no word is left to the check that follows."""
    said = []
    for phrase in wanted:
        inner = " ".join(w.replace("_", " ") for w in phrase).split()
        if inner:
            said.append('"' + " ".join(inner) + '"')
    return " AND ".join(said)


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
        rows += [row for row in mine if _wanted(row, q)]
        keep = fingerprint if not (snap.problems or snap.conflicts) else None
        index = _stored(index, found.handle, keep, mine)
    if index is not None and q.client is None:
        with contextlib.suppress(sqlite3.Error):
            index.forget(set(stored) - seen)
    if fresh and index is not None:
        try:
            wanted = set(fresh)
            taken: Iterable[Row] = (r for r in index.candidates(q) if r[0] in wanted)
            if q.last is not None:  # newest first: the newest N that match are all it takes
                taken = islice((r for r in taken if _wanted(r, q)), q.last)
            rows += list(taken)  # whole, or not at all: a failed read leaves rows as they were
            fresh = []
        except sqlite3.Error:
            pass
    if fresh:  # the index could not answer for them: read the files
        for found in reader.scan(fresh).clients:
            rows += [row for row in rows_of(reader.snapshot(found), parts_of) if _wanted(row, q)]
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
        rows += [row for row in mine if _wanted(row, q)]
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


def _newest(row: Row) -> tuple[int, str, str, int]:
    return (-row[10], row[0], row[3], row[4])


# _newest in the index's SQL (SQLite compares text as UTF-8 bytes: Python's str order).
_NEWEST_SQL = "p.moment DESC, p.client, p.id, p.seq"


def select(rows: Iterable[Row], q: Query, root: str) -> list[Result]:
    """The rows that match, as results, newest first (a record's parts in their order);
    their paths absolute, under ``root``."""
    chosen = [row for row in rows if _kept(row, q)]
    chosen.sort(key=_newest)
    hits: list[tuple[Row, list[Span]]] = []
    for row in chosen:  # newest first, so that --last stops reading early
        if q.last is not None and len(hits) >= q.last:
            break
        spans = find(row[8], q.phrases) if q.phrases else []
        if spans is not None:
            hits.append((row, spans))
    return [
        Result(
            client=row[0],
            kind=row[2],
            id=row[3],
            path=os.path.join(root, row[1]),
            field=row[6],
            name=row[5],
            amended=row[7],
            day=date.fromordinal(row[9]),
            snippet=snippet(row[8], spans),
        )
        for row, spans in hits
    ]


def _kept(row: Row, q: Query) -> bool:
    """Whether a row passes the query's filters (its text is matched by ``select``)."""
    _, _, kind, _, _, name, _, _, _, day, _, facts = row
    if bool(name) != bool(q.phrases) or (q.field is not None and name != q.field):
        return False
    if (q.since and day < q.since.toordinal()) or (q.until and day > q.until.toordinal()):
        return False
    return not (q.about_sessions and (kind == "homework" or not _facts_match(facts, q)))


def _wanted(row: Row, q: Query) -> bool:
    """A row ``select`` could choose: read files keep only these, not every row."""
    return _kept(row, q) and (not q.phrases or find(row[8], q.phrases) is not None)


def _facts_match(facts: str | None, q: Query) -> bool:
    try:
        f = json.loads(facts) if facts else None
    except ValueError:
        f = None
    if not isinstance(f, dict):
        return False
    if q.setting is not None and f.get("setting") != q.setting:
        return False
    if q.goal is not None and not any(
        g == q.goal or str(g).partition("-")[0] == q.goal for g in f.get("goals", ())
    ):
        return False
    if q.technique is not None and q.technique not in {
        fold(str(t)) for t in f.get("techniques", ())
    }:
        return False
    if q.checklist is not None and f.get("checklist", {}).get(q.checklist[0]) != q.checklist[1]:
        return False
    return q.activity is None or any(
        find(str(name), (q.activity,)) is not None for name in f.get("activities", ())
    )


def describe(q: Query) -> dict[str, Any]:
    """The query as JSON values (for --json): what was asked, as understood."""
    return {
        "text": q.text or None,
        "phrases": [" ".join(p) for p in q.phrases],
        "client": q.client,
        "field": q.field,
        "goal": q.goal,
        "activity": " ".join(q.activity) if q.activity else None,
        "technique": q.technique,
        "checklist": {"item": q.checklist[0], "answer": q.checklist[1]} if q.checklist else None,
        "setting": q.setting,
        "since": q.since.isoformat() if q.since else None,
        "until": q.until.isoformat() if q.until else None,
        "last": q.last,
    }
