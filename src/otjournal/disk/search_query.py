"""What ``otj search`` is asked, and which rows answer it. Pure: no file, no database.

A query is made from the command's words, each checked (``make_query``). A row is one
searchable part of a record (disk/search.py makes them, disk/search_index.py stores
them); ``select`` keeps the rows that match, newest first, as results with a snippet.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any, NamedTuple

from otjournal.disk.search_text import Phrase, Snippet, Span, find, fold, phrases, snippet, words
from otjournal.errors import UsageError
from otjournal.frozen import frozen
from otjournal.model.vocab import CHECKLIST_ANSWERS, CHECKLIST_KEYS, SETTINGS

# A part as read: client, path, kind, record id, seq (its place in the record), the
# --field name ("" for the record's own row), label (the field's path), amended (a day
# or ""), text, day (ordinal), moment (µs), facts (JSON on the record's row, else None).
Row = tuple[str, str, str, str, int, str, str, str, str, int, int, "str | None"]


@frozen
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


def _newest(row: Row) -> tuple[int, str, str, int]:
    return (-row[10], row[0], row[3], row[4])


# _newest in the index's SQL (SQLite compares text as UTF-8 bytes: Python's str order).
NEWEST_SQL = "p.moment DESC, p.client, p.id, p.seq"


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


def wanted(row: Row, q: Query) -> bool:
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
