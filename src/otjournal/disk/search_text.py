"""Words in note text, as ``otj search`` finds them. Pure: text in, spans out.

A word is a run of letters, digits, underscores and the accents on them. Words are
compared folded: accents dropped and case folded ("Zoë" and "zoe", "Straße" and
"strasse" are the same word). Whole words only: "swing" is not found in "swings". A
phrase is words in a row, whatever the spaces or punctuation between them.

The same functions serve the full-text index (disk/search.py: the folded words of each
field are what SQLite's FTS5 indexes) and the plain scan that checks every candidate,
so an index can only narrow what is read, never change what is found.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import NamedTuple

from otjournal.errors import UsageError

# Word characters plus the combining marks of decomposed text ("e" + U+0308).
_WORD = re.compile(r"(?:\w|[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f])+")
_QUOTED = re.compile(r'"([^"]*)"?|(\S+)')
_SPACE = re.compile(r"\s+")
Phrase = tuple[str, ...]
Span = tuple[int, int]


def fold(text: str) -> str:
    """Accents dropped, case folded: the form words are compared in."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def words(text: str) -> list[tuple[int, int, str]]:
    """Each word of ``text``: its start and end in ``text`` and its folded form (a word
    that folds to two, "ﬁ" to "fi", stays one)."""
    if text.isascii():  # most notes: lower case is the folded form, offsets unchanged
        return [(m.start(), m.end(), m.group()) for m in _WORD.finditer(text.lower())]
    return [(m.start(), m.end(), _folded(m.group())) for m in _WORD.finditer(text)]


def _folded(word: str) -> str:
    """``fold`` of one word; an ASCII word (most of a note with a name in it) is its own
    lower case, without decomposing it."""
    return word.lower() if word.isascii() else fold(word)


def folded_words(text: str) -> str:
    """What the index holds of a field: its folded words, space-separated."""
    return " ".join(w for _, _, w in words(text))


def phrases(query: str) -> tuple[Phrase, ...]:
    """The phrases of a search: each "quoted phrase", and each other word (a word with a
    hyphen or an apostrophe is the phrase of its parts: "fine-motor"). A UsageError when
    the text has no word in it (never repeated: it may be note text)."""
    found: list[Phrase] = []
    for m in _QUOTED.finditer(query):
        phrase = tuple(w for _, _, w in words(m.group(1) if m.group(1) is not None else m.group(2)))
        if phrase and phrase not in found:
            found.append(phrase)
    if query.strip() and not found:
        raise UsageError(
            "the search text has no words in it (letters or digits)",
            hint="e.g. otj search swing, or a phrase: otj search '\"fine motor\"'",
        )
    return tuple(found)


def find(text: str, wanted: tuple[Phrase, ...]) -> list[Span] | None:
    """Where each phrase occurs in ``text`` (spans in text order), or None unless every
    phrase occurs."""
    if not text.isascii():
        return find_by_words(text, wanted)
    rough = text.lower()  # ASCII: the folded form, offsets unchanged
    if any(phrase[0] not in rough for phrase in wanted):
        return None  # a word that is not even a part of the text: no need to find words
    spans: list[Span] = []
    for phrase in wanted:  # one regular expression a phrase, run in C: most notes
        hits = [m.span(1) for m in _pattern(phrase).finditer(rough)]
        if not hits:
            return None
        spans += hits
    return sorted(set(spans))


@lru_cache(maxsize=64)
def _pattern(phrase: Phrase) -> re.Pattern[str]:
    """The phrase's words as whole words with anything but a word between them (in ASCII
    text a word is ``\\w+``), found at every start: a lookahead, so "a a" is found twice
    in "a a a", as ``find_by_words`` finds it."""
    body = r"\W+".join(map(re.escape, phrase))
    return re.compile(rf"(?<!\w)(?=({body})(?!\w))")


def find_by_words(text: str, wanted: tuple[Phrase, ...]) -> list[Span] | None:
    """``find`` for any text: its words folded one by one (accents, ligatures)."""
    rough = text.lower() if text.isascii() else fold(text)
    if any(phrase[0] not in rough for phrase in wanted):
        return None
    ws = words(text)
    folded = [w for _, _, w in ws]
    spans: list[Span] = []
    for phrase in wanted:
        n = len(phrase)
        hits = [
            (ws[i][0], ws[i + n - 1][1])
            for i in range(len(folded) - n + 1)
            if folded[i] == phrase[0] and tuple(folded[i : i + n]) == phrase
        ]
        if not hits:
            return None
        spans += hits
    return sorted(set(spans))


def any_word(text: str, phrase: Phrase) -> bool:
    """Whether the phrase occurs in ``text`` (an activity's name, for --activity)."""
    return find(text, (phrase,)) is not None


class Snippet(NamedTuple):  # a tuple: one for each result
    """A short piece of a field around its first match: spans are within ``text``."""

    text: str
    spans: tuple[Span, ...]


def window(text: str, first: Span, width: int) -> tuple[int, int]:
    """Where a snippet of about ``width`` around ``first`` starts and ends: between words,
    inside one only when a word is too long to show whole."""
    start = max(0, first[0] - width // 3)
    if start:
        # The start of the word it falls in, if near; else of the next word (never past
        # the match).
        before = [m.end() for m in _SPACE.finditer(text, max(0, first[0] - width // 2), start)]
        after = _SPACE.search(text, start, first[0])
        start = before[-1] if before else after.end() if after else start
    end = min(len(text), max(first[1], start + width))
    if end < len(text) and not text[end].isspace():
        # The end of the word it falls in, if near; else of the word before (never
        # before the match).
        after = _SPACE.search(text, end, end + 15)
        inside = [m.start() for m in _SPACE.finditer(text, first[1], end)]
        end = after.start() if after else inside[-1] if inside else end
    return start, end


def snippet(text: str, spans: list[Span], width: int = 90) -> Snippet:
    """Up to about ``width`` characters around the first span, cut between words (inside
    one only when a word is too long to show whole), spaces and line breaks shown as one
    space, "…" where the field goes on."""
    first = spans[0] if spans else (0, 0)
    start, end = window(text, first, width)
    while start < first[0] and text[start].isspace():
        start += 1
    prefix = "…" if start else ""
    piece = text[start:end]
    spaced = _SPACE.sub(" ", piece)
    shift = len(prefix) - start

    def at(x: int) -> int:  # a place in the text -> in the snippet (spans end in words)
        return len(prefix) + len(_SPACE.sub(" ", text[start:x]))

    if spaced == piece:  # single spaces only (most snippets): places only shift
        inside = tuple((a + shift, b + shift) for a, b in spans if start <= a and b <= end)
    else:
        inside = tuple((at(a), at(b)) for a, b in spans if start <= a and b <= end)
    body = spaced.rstrip(" ")
    return Snippet(prefix + body + ("…" if end < len(text) else ""), inside)
