"""tomllocate.locate: from a field path in an error to a (line, column) in the file."""

from __future__ import annotations

import pytest

from otjournal.disk import tomllocate

# Hand-written, numbered so that expectations read off directly.
SESSION = """\
format_version = 1
kind = "session"
client = "mia-k"
start = 2026-03-12T14:30:00+10:00
duration_min = 45
attendees = ["child", "uncle"]
"written_by" = "Alex Rivera"

[[goals]]
goal = "g1"
gas = 0

[[goals]]
goal = "g2"
  gas = 3

[regulation]
framework = "zones"
start = "purple"

[[checklist]]
item = "interests"
answer = "yes"

[[checklist]]
item = "attuned"
answer = "yes"

[[ checklist ]]  # spaces and a comment are allowed in a header
item = "safety"
answer = "maybe"

[plan]
summary = "Followed Mia's lead."

[[plan.homework]]
id = "hw1"
per_week = 5

[[plan.homework]]
id = "hw2"
per_week = 99
"""
#  line numbers:       1..7 top level, 9 [[goals]] #0, 13 [[goals]] #1, 17 [regulation],
#  21/25/29 [[checklist]] #0/#1/#2, 33 [plan], 36/40 [[plan.homework]] #0/#1


@pytest.mark.parametrize(
    ("field", "where"),
    [
        # top-level keys
        ("format_version", (1, 1)),
        ("client", (3, 1)),
        ("start", (4, 1)),
        ("duration_min", (5, 1)),
        ("written_by", (7, 1)),  # a quoted key
        # an element of an inline array: its key's line
        ("attendees[1]", (6, 1)),
        # arrays of tables, by index
        ("goals[0].gas", (11, 1)),
        ("goals[1].gas", (15, 3)),  # the column is where the indented key starts
        ("goals[1].goal", (14, 1)),
        ("checklist[0].answer", (23, 1)),
        ("checklist[1].item", (26, 1)),
        ("checklist[2].answer", (31, 1)),
        ("plan.homework[1].per_week", (42, 1)),
        ("plan.homework[0].id", (37, 1)),
        # a key in a table, not the top-level key of the same name
        ("regulation.start", (19, 1)),
        ("regulation.framework", (18, 1)),
        ("plan.summary", (34, 1)),
        # a whole array element: its header
        ("checklist[2]", (29, 1)),
        ("goals[1]", (13, 1)),
    ],
)
def test_locate_finds_the_field(field, where):
    assert tomllocate.locate(SESSION, field) == where


@pytest.mark.parametrize(
    ("field", "where"),
    [
        # a missing key falls back to its table's header ...
        ("regulation.end", (17, 1)),
        ("checklist[1].note", (25, 1)),
        ("plan.homework[1].text", (40, 1)),
        # ... a missing top-level key or table to the top of the file
        ("late_entry", (1, 1)),
        ("caregiver.report", (1, 1)),
        ("checklist[7].answer", (1, 1)),
        ("", (1, 1)),
    ],
)
def test_locate_falls_back_to_the_enclosing_table_then_line_1(field, where):
    assert tomllocate.locate(SESSION, field) == where


def test_locate_on_empty_text_is_line_1():
    assert tomllocate.locate("", "checklist[2].answer") == (1, 1)


def test_locate_with_crlf_line_endings():
    assert tomllocate.locate(SESSION.replace("\n", "\r\n"), "checklist[2].answer") == (31, 1)


# Short arrays of tables written inline, as people (and tomli-w, tomlio's fallback
# writer) write them.
WRITTEN = """\
format_version = 1
kind = "session"
goals = [
    { goal = "g1", gas = 3, evidence = "Laced two holes" },
]

[[checklist]]
item = "interests"
answer = "maybe"

[plan]
summary = "Followed Mia's lead."
homework = [
    { id = "hw1", text = "Lacing card", kind = "practice", per_week = 99 },
]
"""


def test_an_inline_array_of_tables_points_at_its_key():
    assert tomllocate.locate(WRITTEN, "goals[0].gas") == (3, 1)
    assert tomllocate.locate(WRITTEN, "checklist[0].answer") == (9, 1)


HOMEWORK = """\
format_version = 1
kind = "homework"
entry_kind = "thought-record"

[thought_record]
situation = "Group chat went quiet"
emotions = [
    { name = "worried", before = 150 },
]
thoughts = [
    { text = "They are annoyed with me", belief = 80 },
]
"""


@pytest.mark.parametrize(
    ("text", "field", "key_line", "table_line"),
    [
        pytest.param(WRITTEN, "plan.homework[0].per_week", 13, 11, id="plan.homework"),
        pytest.param(
            HOMEWORK, "thought_record.emotions[0].before", 7, 5, id="thought_record.emotions"
        ),
    ],
)
def test_an_inline_array_inside_a_table_points_at_its_key_or_table(
    text, field, key_line, table_line
):
    """``[plan]`` then ``homework = [ {...} ]``: a short array of tables written inline,
    as a person or tomli-w writes it. The docstring promises "the nearest enclosing
    table" at worst; the line of the array's key would be better. Either way, not 1."""
    assert tomllocate.locate(text, field) in {(key_line, 1), (table_line, 1)}


CLIENT = """\
format_version = 1
kind = "client"
handle = "mia-k"

[[goals]]
id = "g1"
text = "Laces shoes"

[goals.levels]
-2 = "hand-over-hand"

[[goals]]
id = "g2"
text = "Calm-body plan"

[goals.levels]
"+3" = "beyond"
"""


def test_locate_in_a_client_file_picks_the_right_goals_subtable():
    assert tomllocate.locate(CLIENT, "goals[1].levels.+3") == (17, 1)
    assert tomllocate.locate(CLIENT, "goals[0].text") == (7, 1)


def test_a_bracketed_line_inside_a_multiline_string_is_not_a_header():
    """Notes are written as multi-line strings; a line of a note such as "[laughs]"
    must not end the table the note is in."""
    text = """\
format_version = 1

[[checklist]]
item = "interests"
note = \"\"\"
[laughs] then chose the swing
[[checklist]]
\"\"\"
answer = "maybe"

[[checklist]]
item = "attuned"
answer = "nope"
"""
    assert tomllocate.locate(text, "checklist[0].answer") == (9, 1)
    assert tomllocate.locate(text, "checklist[1].answer") == (13, 1)
