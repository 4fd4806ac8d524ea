"""``otj search`` results as lines, paths or JSON (no Rich: plain strings).

Each result is two lines: where it was found (day, client, kind and id, field), then a
short piece of the field with each match marked: bold and underlined on a terminal that
takes style, between « and » otherwise (piped, NO_COLOR, TERM=dumb), so the marking is
never lost. Note text is shown, never obeyed (views/visible.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from otjournal.views.visible import visible

if TYPE_CHECKING:
    from otjournal.disk.search import Result
    from otjournal.disk.search_text import Snippet

SCHEMA = "otjournal.search/1"
STYLED = ("\x1b[1;4m", "\x1b[0m")
PLAIN = ("«", "»")


def where(r: Result) -> str:
    """``plan.summary (amended 2026-03-09)``; a record found by its filters alone: ""."""
    return r.field + (f" (amended {r.amended})" if r.amended else "")


def marked(s: Snippet, styled: bool) -> str:
    """The snippet with each match between the marks (styles, or « »)."""
    start, end = STYLED if styled else PLAIN
    out, at = [], 0
    for a, b in s.spans:
        out += [visible(s.text[at:a]), start, visible(s.text[a:b]), end]
        at = b
    out.append(visible(s.text[at:]))
    return "".join(out)


def lines(results: Sequence[Result], styled: bool) -> list[str]:
    out = []
    for r in results:
        head = f"{r.day.isoformat()}  {r.client}  {r.kind} {r.id}"
        field = where(r)
        out.append(visible(f"{head}  {field}" if field else head))
        body = marked(r.snippet, styled)
        if body:
            out.append(f"  {body}")
    return out


def paths(results: Sequence[Result]) -> list[str]:
    """Each file once, in the order of the results (newest first)."""
    return list(dict.fromkeys(str(r.path) for r in results))


def as_json(query: dict[str, Any], results: Sequence[Result]) -> dict[str, Any]:
    """docs/schemas/search.json. ``match`` is the first match's [start, end) in the
    snippet (code points), ``matches`` every one; both empty for a record found by its
    filters alone."""
    return {
        "schema": SCHEMA,
        "query": query,
        "results": [
            {
                "client": r.client,
                "date": r.day.isoformat(),
                "kind": r.kind,
                "id": r.id,
                "path": str(r.path),
                "field": r.field or None,
                "field_name": r.name or None,
                "amended": r.amended or None,
                "snippet": r.snippet.text,
                "match": list(r.snippet.spans[0]) if r.snippet.spans else None,
                "matches": [list(span) for span in r.snippet.spans],
            }
            for r in results
        ],
    }
