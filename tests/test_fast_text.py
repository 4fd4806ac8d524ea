"""The fast paths for measuring, wrapping and searching text give exactly what the
general ones give (views/textgrid.py ``cells`` and ``wrap``, disk/search_text.py
``find``): most notes are ASCII, and these paths are what every search and table pays."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st
from rich.cells import cell_len, chop_cells

from otjournal.disk.search_text import (
    Snippet,
    find,
    find_by_words,
    fold,
    phrases,
    snippet,
    window,
    words,
)
from otjournal.views.textgrid import MARKS, ONE_CELL, cells, wrap

# Letters of every width and kind a note may hold: ASCII, accents (composed and not),
# wide CJK, an emoji with a joiner, the view's own marks, punctuation, controls.
PIECES = [
    "a", "swing", "Swing", "crash", "mat", "x1", "a_b", " ", "  ", "\n", "-", "'", ".", ",",
    "…", "«", "»", "é", "e\u0301", "Zoë", "界", "界界", "👩\u200d👧", "\x07", "\t", *MARKS,
]  # fmt: skip
texts = st.lists(st.sampled_from(PIECES), max_size=30).map("".join)


def test_every_one_cell_character_is_one_cell_to_rich():
    assert ONE_CELL  # the loop below runs
    for c in ONE_CELL:
        assert cell_len(c) == 1, repr(c)


@settings(deadline=None)  # the first measure loads Rich's tables
@given(texts)
def test_cells_counts_as_rich_does(text: str):
    assert cells(text) == cell_len(text)


def wrap_by_rich(text: str, width: int, first: str = "", rest: str | None = None) -> list[str]:
    """The wrap of session 10: every measure asked of Rich, the line measured again at
    each word. The new one must lay out the same lines."""
    rest = first if rest is None else rest
    out: list[str] = []

    def room() -> int:
        return max(1, width - cell_len(rest if out else first))

    def emit(line: str) -> None:
        out.append(((rest if out else first) + line).rstrip())

    for para in text.split("\n"):
        line = ""
        for word in para.split():
            if line and cell_len(line) + 1 + cell_len(word) <= room():
                line += " " + word
                continue
            if line:
                emit(line)
            while cell_len(word) > room():
                piece = chop_cells(word, room())[0] or word[0]
                emit(piece)
                word = word[len(piece) :]
            line = word
        emit(line)
    return out


@settings(max_examples=300, deadline=None)
@given(texts, st.integers(1, 30), st.sampled_from(["", "  ", "界"]), st.sampled_from(["", "    "]))
def test_wrap_lays_out_what_rich_measures(text: str, width: int, first: str, rest: str):
    assert wrap(text, width, first, rest) == wrap_by_rich(text, width, first, rest)


ascii_texts = st.lists(
    st.sampled_from(["a", "swing", "SWING", "swings", "crash", "mat", "x1", "a_b", "fine",
                     "motor", " ", "  ", ", ", "\n", "-", "'", ".", "_", "..."]),
    max_size=25,
).map("".join)  # fmt: skip
queries = st.sampled_from(
    ["swing", "a a", '"crash mat"', "fine-motor", "a", "x1 a", "swing a", "a_b", '"a a a"']
)


@settings(max_examples=500, deadline=None)
@given(ascii_texts, queries)
def test_ascii_text_is_found_as_word_by_word(text: str, query: str):
    wanted = phrases(query)
    assert find(text, wanted) == find_by_words(text, wanted)


def test_overlapping_phrases_are_each_found():
    wanted = phrases('"a a"')
    assert find("a a a", wanted) == find_by_words("a a a", wanted) == [(0, 3), (2, 5)]
    assert find("Swings swing, SWING!", phrases("swing")) == [(7, 12), (14, 19)]


_WORD_FOLDED = re.compile(
    r"(?:\w|[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f])+"
)


@settings(max_examples=300, deadline=None)
@given(texts)
def test_words_fold_as_each_word_folded_whole(text: str):
    """In text that is not ASCII, an ASCII word is lower-cased without being decomposed:
    the same as ``fold`` of it."""
    assert words(text) == [
        (m.start(), m.end(), fold(m.group()) if not text.isascii() else m.group().lower())
        for m in _WORD_FOLDED.finditer(text)
    ]


_SPACES = re.compile(r"\s+")


def snippet_by_spaces(text: str, spans: list[tuple[int, int]], width: int = 90) -> Snippet:
    """The snippet of session 14: every span's place measured by collapsing the spaces
    before it. The new one shifts places when the piece has only single spaces."""
    first = spans[0] if spans else (0, 0)
    start, end = window(text, first, width)  # where it is cut: the same by definition
    while start < first[0] and text[start].isspace():
        start += 1
    prefix = "…" if start else ""

    def at(x: int) -> int:
        return len(prefix) + len(_SPACES.sub(" ", text[start:x]))

    body = _SPACES.sub(" ", text[start:end]).rstrip(" ")
    inside = tuple((at(a), at(b)) for a, b in spans if start <= a and b <= end)
    return Snippet(prefix + body + ("…" if end < len(text) else ""), inside)


long_texts = st.lists(st.sampled_from([*PIECES, "swing", " swing ", "  swing\n"]), max_size=80).map(
    "".join
)


@settings(max_examples=400, deadline=None)
@given(long_texts, st.integers(10, 90))
def test_a_snippet_places_its_marks_as_by_collapsing_spaces(text: str, width: int):
    spans = find_by_words(text, phrases("swing")) or []
    assert snippet(text, spans, width) == snippet_by_spaces(text, spans, width)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.from_regex(r"g[0-9]{1,2}-[a-z0-9]{3}", fullmatch=True),
            st.sampled_from(["-2", "-1", "0", "+1", "+2"]),
        ),
        min_size=1,
        max_size=6,
    ),
    st.integers(14, 90),  # narrower, the header and the ids themselves fold
)
def test_a_goal_and_its_rating_share_a_line_where_one_holds_them(goals, width: int):
    from otjournal.views.rows import SESSION_COLUMNS
    from otjournal.views.textgrid import layout

    rated = " ".join(f"{g} {r}" for g, r in goals)
    row = ("2026-11-14_1100_6es3k", "mia-k", "therapy", "home", "60", rated)
    lines = layout(SESSION_COLUMNS, [row], width).lines
    assert all(cells(line) <= width for line in lines)
    words, said = " ".join(lines).split(), rated.split()
    assert words[-len(said) :] == said  # every word, in order, last (the last column)
    for g, r in goals:
        if cells(f"{g} {r}") <= width - 4:  # the folded column's lines are indented 4
            assert any(f"{g} {r}" in line for line in lines), (g, r, lines)
