"""``otj search`` results as lines, paths or JSON (no Rich: plain strings).

Each result is two lines: where it was found (day, client, kind and id, field), then a
short piece of the field with each match marked: bold and underlined on a terminal that
takes style, between « and » otherwise (piped, NO_COLOR, TERM=dumb), so the marking is
never lost. Note text is shown, never obeyed (views/visible.py).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from otjournal.views.textgrid import MARKS, cells, wrap
from otjournal.views.visible import is_visible, visible

if TYPE_CHECKING:
    from otjournal.disk.search_query import Result
    from otjournal.disk.search_text import Snippet

STYLED = ("\x1b[1;4m", "\x1b[0m")
PLAIN = ("«", "»")
ASCII = ("<<", ">>")  # where the output cannot encode « » (an ASCII locale)

# A field's path read aloud: the file's keys are for the file, a person reads words.
# ``child_voice`` is "voice": an adult's note has the same key (docs/format.md).
_SINGULAR = {
    "goals": "goal",
    "activities": "activity",
    "amendments": "amendment",
    "techniques": "technique",
    "people": "person",
}
_PATH_PART = re.compile(r"\[([^\]]*)\]|([^.\[\]]+)")


@lru_cache(maxsize=4096)  # a journal's results name the same few fields again and again
def field_words(path: str) -> str:
    """``activities[2].name`` -> "activity 2 name", ``child_voice.text`` -> "voice",
    ``plan.next_focus`` -> "next focus", ``checklist[agile].note`` -> "checklist agile
    note"; anything after the path (`` (correction)``) is kept."""
    head, space, rest = path.partition(" ")
    words = []
    for index, key in _PATH_PART.findall(head.removeprefix("plan.")):
        if index:
            words.append(index)
            if words[-2:-1] and words[-2] in _SINGULAR:
                words[-2] = _SINGULAR[words[-2]]
        elif key not in ("text",) or not words:
            words.append("voice" if key == "child_voice" else key)
    return " ".join(w.replace("_", " ") for w in words) + space + rest


def where(r: Result) -> str:
    """``summary (amended 2026-03-09)``; a record found by its filters alone: ""."""
    return field_words(r.field) + (f" (amended {r.amended})" if r.amended else "")


def plain_marks(encoding: str | None) -> tuple[str, str]:
    """« » where the output can show them, else << >> (never a "?" in their place)."""
    try:
        "".join(PLAIN).encode(encoding or "utf-8")
    except (LookupError, UnicodeEncodeError):
        return ASCII
    return PLAIN


# Marks while wrapping: one cell each, never in note text after visible(); replaced by
# the styles or « » once the lines are cut, so a style never counts as width.
_OPEN, _CLOSE, _KEEP = MARKS


_TYPED_MARKS = {ord(_OPEN): "\\ue000", ord(_CLOSE): "\\ue001"}


def _placed(s: Snippet) -> str:
    def shown(text: str) -> str:  # a mark typed into a note is shown, not taken as one
        text = visible(text)
        return text.translate(_TYPED_MARKS) if _OPEN in text or _CLOSE in text else text

    plain = is_visible(s.text) and _OPEN not in s.text and _CLOSE not in s.text
    show = _as_it_is if plain else shown  # most snippets: nothing to show otherwise
    out, at = [], 0
    for a, b in s.spans:
        out += [show(s.text[at:a]), _OPEN, show(s.text[a:b]), _CLOSE]
        at = b
    out.append(show(s.text[at:]))
    return "".join(out)


def _as_it_is(text: str) -> str:
    return text


def _marks(text: str, marks: tuple[str, str]) -> str:
    return text.replace(_OPEN, marks[0]).replace(_CLOSE, marks[1])


def lines(
    results: Sequence[Result], styled: bool, width: int = 80, plain: tuple[str, str] = PLAIN
) -> list[str]:
    """Each result's place, then its snippet, both folded at spaces to ``width``."""

    def fold(text: str, first: str, rest: str) -> list[str]:  # as it is, when it fits
        fits = cells(first + text) <= width
        return [first + text] if fits else wrap(text, width, first, rest)

    out = []
    for r in results:
        head = f"{r.day.isoformat()}  {r.client}  {r.kind} {r.id}"
        field = where(r).replace(" ", _KEEP)  # a field's words fold as one
        place = visible(f"{head}  {field}" if field else head)
        out += [line.replace(_KEEP, " ") for line in fold(place, "", "    ")]
        body = _placed(r.snippet)
        if body:
            out += [_marks(line, STYLED if styled else plain) for line in fold(body, "  ", "  ")]
    return out


def paths(results: Sequence[Result]) -> list[str]:
    """Each file once, in the order of the results (newest first)."""
    return list(dict.fromkeys(str(r.path) for r in results))


def as_json(query: dict[str, Any], results: Sequence[Result]) -> dict[str, Any]:
    """docs/schemas/search.json. ``match`` is the first match's [start, end) in the
    snippet (code points), ``matches`` every one; both empty for a record found by its
    filters alone."""
    return {
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
