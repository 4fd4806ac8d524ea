"""The search tables of the cache database: a client's rows stored as read, and the
rows that may answer a query (disk/search.py says what the tables hold and when).

FTS5 only narrows the rows read: every candidate is checked by the caller with
search_text.find, so a search with the index finds exactly what a scan finds.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterable, Iterator

from otjournal.disk.search_query import NEWEST_SQL, Query, Row
from otjournal.disk.search_text import Phrase, words

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
            sql += " ORDER BY " + NEWEST_SQL
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
    which json.dumps escapes). search_query's _facts_match decides."""
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
