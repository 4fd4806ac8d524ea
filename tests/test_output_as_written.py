"""Issue 20: every word as written. Notes, review screens and tables never cut, hide or
obey note text, at any width, piped or on a terminal, in any output encoding."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from rich.cells import cell_len

from otjournal.cli import app
from otjournal.cli.common import _console, print_wrapped, styled
from otjournal.disk.store import Journal
from otjournal.forms.drafts import default_drafts
from otjournal.model import (
    Activity,
    Amendment,
    Assignment,
    CaregiverNote,
    ChecklistAnswer,
    ChildVoice,
    Goal,
    GoalRating,
    Plan,
    Regulation,
)
from otjournal.views import textgrid
from otjournal.views.rows import SESSION_COLUMNS
from otjournal.views.session import session_detail
from tests.conftest import TZ, make_client, make_session
from tests.test_trends_render import build_small_journal

REPO = Path(__file__).resolve().parent.parent

# -- free text as it might be typed: long words, wide characters, emoji, paragraphs ------

_LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789éüñø.,;:'!?()-–/"
_WIDE = "界世中文字日本語한국어"
_EMOJI = "".join(chr(c) for c in range(0x1F600, 0x1F640))
word = st.text(st.sampled_from(_LETTERS + _WIDE + _EMOJI), min_size=1, max_size=40)
paragraph = st.lists(word, min_size=1, max_size=25).map(" ".join)
long_text = st.lists(paragraph, min_size=1, max_size=3).map("\n\n".join)


def squeezed(text: str) -> str:
    return "".join(text.split())


def words_in_order(output: str, text: str, width: int) -> None:
    """Every character of ``text`` is in ``output`` in order with only white space (a
    line break, an indent) added; a word that fits a line is never broken."""
    assert squeezed(text) in squeezed(output), text
    tokens = set(output.split())
    for w in text.split():
        if cell_len(w) <= width - 12:  # the deepest indent is 8 cells, a label up to 4
            assert w in tokens or any(w in t for t in tokens), w


def lines_fit(output: str, width: int) -> None:
    for line in output.split("\n"):
        assert cell_len(line) <= width, (width, line)
        assert line == line.rstrip(), repr(line)  # no padding at the end


def note_with(texts: list[str]):
    t = iter(texts)
    return make_session(
        goals=(GoalRating("g1", 1, next(t)),),
        activities=(Activity(next(t), 10, True, False, False, True, next(t), next(t)),),
        child_voice=ChildVoice(next(t)),
        caregiver=CaregiverNote(next(t), next(t)),
        regulation=Regulation("zones", "yellow", "green", ("heavy work",), next(t)),
        checklist=(ChecklistAnswer("agile", "partly", "Agile sessions", next(t)),),
        plan=Plan(next(t), next(t), (Assignment("hw1", next(t), "practice", 5),)),
        amendments=(
            Amendment(datetime(2026, 3, 6, 9, 0, tzinfo=TZ), "Alex Rivera", "addition", next(t)),
        ),
    )


N_TEXTS = 13


def rendered(session, width: int) -> str:
    console = _console(io.StringIO())
    console.width = width
    print_wrapped(session_detail(session, make_client()), console)
    return console.file.getvalue()  # type: ignore[attr-defined]


@settings(max_examples=60, deadline=None)
@given(texts=st.lists(long_text, min_size=N_TEXTS, max_size=N_TEXTS), width=st.integers(40, 200))
def test_a_note_prints_every_word_in_order_within_the_width(texts, width):
    """The renderer and console that 'show' and the review screen share."""
    output = rendered(note_with(texts), width)
    lines_fit(output, width)
    for text in texts:
        words_in_order(output, text, width)


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
    phases=[Phase.explicit, Phase.reuse, Phase.generate],  # each example runs two commands
)
@given(texts=st.lists(long_text, min_size=N_TEXTS, max_size=N_TEXTS), width=st.integers(40, 200))
def test_show_and_the_review_screen_print_every_word_within_the_width(runner, notes, texts, width):
    """Through the commands: 'otj show ID' on stdout, and the review screen of
    'otj log' (a draft stopped at review, resumed, then kept with q) on stderr."""
    j = Journal(notes)
    if "mia-k" not in j.client_handles():
        j.add_client(make_client())
    session = note_with(texts)
    saved = j.add_session(session)
    env = {"COLUMNS": str(width)}
    shown = runner.invoke(app, ["show", saved.record.id], env=env)
    assert shown.exit_code == 0, shown.output
    lines_fit(shown.stdout, width)
    for text in texts:
        words_in_order(shown.stdout, text, width)

    drafts = default_drafts()
    note = {k: v for k, v in session.to_dict().items() if k not in ("id", "written_at")}
    now = datetime.now().astimezone()
    draft = drafts.new("log", "mia-k", now, note)
    draft.step = "review"
    drafts.save(draft, now)
    review = runner.invoke(app, ["log", "--resume", "--draft", draft.id], input="q\n", env=env)
    assert review.exit_code == 0, review.output  # q: stopped before saving, draft kept
    screen = review.stderr.split("Change a part")[0]
    lines_fit(screen, width)
    for text in texts[:-1]:  # the amendment is not part of a new note
        words_in_order(screen, text, width)


@pytest.mark.parametrize("width", [40, 60, 80, 200])
def test_a_checklist_item_wraps_under_its_text_not_under_its_answer(width):
    agile = (
        "The therapist prepares agile sessions that can change and shift to suit the child's needs"
    )
    note = make_session(
        checklist=(
            ChecklistAnswer("agile", "partly", agile, ""),
            ChecklistAnswer("safety", "yes", "Safety " + "x" * 70 + " first", ""),
        )
    )
    out = rendered(note, width)
    lines_fit(out, width)
    words_in_order(out, agile, width)
    block = out.split("Affirming checklist\n")[1].split("\n\n")[0].split("\n")
    assert block[0].startswith("  partly  The") and block[-1].endswith("first")
    answers = [line for line in block if line[:10].strip()]
    assert [line[:10] for line in answers] == ["  partly  ", "     yes  "]
    for line in block:
        if line not in answers:  # a line the item wrapped onto: under its text
            assert line.startswith(" " * 10) and line[10] != " ", (width, block)
    if width < 80:
        assert len(block) > 2


def test_show_when_piped_wraps_at_80_with_no_padding(tmp_path: Path):
    root = tmp_path / "notes"
    j = Journal(root)
    j.add_client(make_client())
    summary = "A long summary " * 20 + "ending when it was a train track"
    saved = j.add_session(make_session(plan=Plan(summary, "next")))
    env = {**os.environ, "OTJOURNAL_DIR": str(root)}
    env.pop("COLUMNS", None)
    result = subprocess.run(
        [sys.executable, "-m", "otjournal", "show", saved.record.id],
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO,
    )
    assert result.returncode == 0, result.stderr
    lines_fit(result.stdout, 80)
    assert "track" in result.stdout.split()
    words_in_order(result.stdout, summary, 80)


# -- tables reflow: every figure at 40, 60 and 80 columns --------------------------------


@pytest.fixture
def small(notes: Path) -> Path:
    build_small_journal(notes)
    return notes


PERIOD = ["--since", "2026-03-01", "--until", "2026-03-31"]

TRENDS_AT_60 = """\
Jo Bloggs (jo-b) · 2026-03-01 to 2026-03-31 · 3 sessions
attended, 2.25 h direct

Goals (GAS, -2 to +2; 0 = expected outcome)
g1 Laces shoes before kinder
  interim ▂▄▆
  baseline -1 · rated +1 interim · change +2
g2 Uses calm-body plan at the bell
  interim ▁▂
  baseline -2 · rated -1 interim · change +1
No review in this period: the ratings above are interim.
Interim path, GAS T-score of each session's own rated goals
(the sets differ): 29.9 on 2026-03-05 → 60.0 on 2026-03-19
(3 sessions)

Affirming checklist: each on its own, (yes + ½ partly) /
(yes + partly + no)
The child’s interests and preferences are included—because
motivation drives learning
  █████████████████░░░   83%  n=3
There’s movement and play that supports their body and
sensory system
  ████████████████████  100%  n=3
The therapist is attuned and connected, not just delivering
  ████████████████████  100%  n=3
The therapist prepares agile sessions that can change and
shift to suit the child's needs
  ███████░░░░░░░░░░░░░   33%  n=3
The parent or caregiver feels seen, included and supported
  ██████████░░░░░░░░░░   50%  n=1
  2 n/a, beside the rate
Safety, curiosity and co-regulation are prioritised over
performance
  ████████████████████  100%  n=3
The child leaves feeling good; not just about the activity,
but about themselves.
  ████████████████████  100%  n=2
  1 unsure, beside the rate
For reflection: “The therapist prepares agile sessions that
can…” (33%); “no” in 2026-03-12_1430_bbbbb,
2026-03-19_0900_ccccc

Regulation (Zones of Regulation; all states are OK)
start → end  blue  green  yellow  red  at start
blue            1      ·       ·    ·         1
green           ·      ·       ·    ·         0
yellow          ·      1       ·    ·         1
red             ·      1       ·    ·         1
at end          1      2       0    0
What helped: heavy work (2), swing (2)

Activities
Most used: Train obstacle course (2), Lacing card (2)
Child-led or interest-based 75% · movement/sensory 50% ·
adapted in-session 1 of 4 (a good sign: plans that follow
the child)

Homework
Lacing card after breakfast: practised 0 times of about 19
planned

Sessions and hours
3 attended, 2.25 h direct · 0 non-face-to-face, 0 h (hours
to the quarter hour)
By setting: clinic 1 (0.75 h) · home 1 (1 h) · school 1 (0.5
h)
By who attended: child 3 · parent 2 · teacher 1
"""

LIST_AT_60 = """\
id                     client  kind     where   min
2026-03-05_1430_aaaaa  jo-b    therapy  clinic   45
  goals (GAS): g1 -1 g2 -2
2026-03-12_1430_bbbbb  jo-b    therapy  home     60
  goals (GAS): g1 0 g2 -1
2026-03-19_0900_ccccc  jo-b    therapy  school   30
  goals (GAS): g1 +1
2026-04-02_0900_ddddd  jo-b    therapy  clinic   45
  goals (GAS): g1 0
"""


def at(runner, width: int, *args: str):
    result = runner.invoke(app, list(args), env={"COLUMNS": str(width)})
    assert result.exit_code == 0, result.output
    return result.stdout


def test_trends_for_a_client_at_60_columns_exact_text(runner, small):
    assert at(runner, 60, "trends", "jo-b", *PERIOD) == TRENDS_AT_60


def test_list_at_60_columns_exact_text(runner, small):
    assert at(runner, 60, "list") == LIST_AT_60


def figures(data: dict) -> list[str]:
    """Every figure the client view shows, from its JSON."""
    out = []
    for g in data["goals"]:
        latest = g["outcome"]["gas"]
        out += [f"+{latest}" if latest > 0 else str(latest), f"{g['change']:+d}"]
    for c in data["checklist"]:
        out += [f"{c['rate'] * 100:.0f}%", f"n={c['applicable']}"]
    reg = data["regulation"]
    out += [str(n) for n in [*reg["start"].values(), *reg["end"].values()]]
    out += [f"({h['count']})" for h in reg["helped"]]
    a = data["activities"]
    out += [f"{a['adapted_in_session']} of {a['total']}"]
    return out


@pytest.mark.parametrize("width", [40, 60, 80])
def test_no_figure_is_hidden_at_any_width(runner, small, width):
    data = json.loads(at(runner, 80, "trends", "jo-b", *PERIOD, "--json"))
    view = at(runner, width, "trends", "jo-b", *PERIOD)
    lines_fit(view, width)
    assert "…  " not in view and "1…" not in view
    flat = " ".join(view.split())
    for figure in figures(data):
        assert figure in flat, (width, figure)

    overview = at(runner, width, "trends", *PERIOD)
    lines_fit(overview, width)
    for figure in ("jo-b", "3", "2026-04-02", "moving up", "agile 33%"):
        assert figure in " ".join(overview.split()), (width, figure)

    listed = at(runner, width, "list")
    lines_fit(listed, width)
    assert "…" not in listed
    for rating in ("g1 -1 g2 -2", "g1 0 g2 -1", "g1 +1", "g1 0"):
        assert rating in " ".join(listed.split()), (width, rating)

    # A fixed end day, as "about N planned" counts days up to it: 2 Apr to 1 Dec is 244
    # days counting both, and 5 a week of 244 days is 174.3.
    to_day = ["--until", "2026-12-01"]
    for args in (["homework", "list", "jo-b"], ["homework", "summary", "jo-b", *to_day]):
        shown = at(runner, width, *args)
        lines_fit(shown, width)
        assert "…" not in shown
    assert "5× a week" in " ".join(at(runner, width, "homework", "list", "jo-b").split())
    summary = " ".join(at(runner, width, "homework", "summary", "jo-b", *to_day).split())
    assert "Lacing card" in summary and "practised 0 times of about 174 planned" in summary


def test_a_long_goal_wraps_in_goal_list_and_client_show(runner, notes):
    text = "Mia puts on her shoes and does the laces before kinder without a reminder " * 3
    Journal(notes).add_client(make_client(goals=(Goal("g1", text.strip()),)))
    for args in (["goal", "list", "mia-k"], ["client", "show", "mia-k"], ["client", "list"]):
        for width in (40, 60, 200):
            shown = at(runner, width, *args)
            lines_fit(shown, width)
            if args[0] == "goal" or args[1] == "show":
                words_in_order(shown, text, width)


def test_a_long_goal_wraps_beside_its_id_in_one_clients_trends(runner, notes):
    """Stacked on a narrow terminal, a goal's words wrap under its words, never back to
    the first column under its id."""
    text = "Mia puts on her shoes and does the laces before kinder without a reminder"
    journal = Journal(notes)
    journal.add_client(make_client(goals=(Goal("g1", text),)))
    journal.add_session(make_session())
    for width in (40, 60):
        shown = at(runner, width, "trends", "mia-k", *PERIOD)
        lines_fit(shown, width)
        words_in_order(shown, f"g1 {text}", width)
        lines = shown.splitlines()
        first = next(i for i, line in enumerate(lines) if line.startswith("g1 Mia"))
        after = lines[first + 1 : lines.index("  interim ▄", first)]
        assert after and all(line.startswith("   ") and line[3] != " " for line in after), after


def test_layout_reflows_instead_of_cutting():
    row = ("2026-11-25_1100_fbb7p", "noah-t", "therapy", "clinic", "45", "g1 +2 g2 0 g3 -1")
    wide = textgrid.layout(SESSION_COLUMNS, [row], 80)
    assert wide.header and wide.lines[1].endswith("g1 +2 g2 0 g3 -1")
    folded = textgrid.layout(SESSION_COLUMNS, [row], 60)
    assert folded.header and folded.lines[2] == "  goals (GAS): g1 +2 g2 0 g3 -1"
    stacked = textgrid.layout(SESSION_COLUMNS, [row], 40)
    assert not stacked.header
    assert stacked.lines == [
        "2026-11-25_1100_fbb7p",
        "  client: noah-t  kind: therapy",
        "  where: clinic  min: 45",
        "  goals (GAS): g1 +2 g2 0 g3 -1",
    ]
    blank = textgrid.layout(SESSION_COLUMNS, [(*row[:4], "", "")], 40)
    assert blank.lines == [  # a blank cell says nothing: no "min:" with nothing after it
        "2026-11-25_1100_fbb7p",
        "  client: noah-t  kind: therapy",
        "  where: clinic",
    ]
    assert textgrid.wrap("a " + "x" * 12 + " 界界界", 6, "", "  ") == [
        "a",
        "  xxxx",
        "  xxxx",
        "  xxxx",
        "  界界",
        "  界",
    ]


def test_the_rows_of_one_reflowed_table_are_alike_in_shape():
    """Fields under a row go as many to a line as fit in every row of the table: a short
    row is not packed where a long one is stacked (the homework summary at 80 columns
    put "from" and "practice" on one line for one homework and on two for the next)."""
    columns = [
        textgrid.Column("homework"),
        textgrid.Column("from", fold=True),
        textgrid.Column("practice", fold=True),
    ]
    long = "practised 11 times (5 partly) of about 129 planned; 4 × not this time"
    rows = [("Lacing", "07 Jun", long), ("Heavy work", "07 Jun", "practised 12 times")]
    laid = textgrid.layout(columns, rows, 60)
    assert laid.lines[1:] == [
        "Lacing",
        "  from: 07 Jun",
        "  practice: practised 11 times (5 partly) of about 129",
        "    planned; 4 × not this time",
        "Heavy work",
        "  from: 07 Jun",
        "  practice: practised 12 times",
    ]
    short = ("Heavy work before kinder", "07 Jun", "12 times")
    packed = textgrid.layout(columns, [short, short], 40)  # every row's fit on one line
    assert packed.lines[1:] == [short[0], "  from: 07 Jun  practice: 12 times"] * 2
    # Stacked (the first column does not fit either), a field joins the line before it
    # only where it does in every row; a cell blank in a row is left out of that row.
    sessions = [
        ("2026-11-25_1100_fbb7p", "noah-t", "therapy", "clinic", "45", "g1 +2"),
        ("2026-11-26_1100_aaaaa", "mia-k", "review", "home visit and school", "", "g2 0"),
    ]
    assert textgrid.layout(SESSION_COLUMNS, sessions, 36).lines == [
        "2026-11-25_1100_fbb7p",
        "  client: noah-t  kind: therapy",
        "  where: clinic",
        "  min: 45  goals (GAS): g1 +2",
        "2026-11-26_1100_aaaaa",
        "  client: mia-k  kind: review",
        "  where: home visit and school",
        "  goals (GAS): g2 0",
    ]


# -- note text never drives the terminal -------------------------------------------------

HOSTILE = "copy\x1b]52;c;SGVsbG8=\x07 clear\x1b[2J bell\x07 \u202eevil\u202c end"
RAW = ("\x1b", "\x07", "\u202e")


@pytest.fixture
def hostile(notes: Path) -> str:
    j = Journal(notes)
    j.add_client(
        make_client(display_name=f"Mia {HOSTILE}", goals=(Goal("g1", f"Laces {HOSTILE}"),))
    )
    saved = j.add_session(
        make_session(
            goals=(GoalRating("g1", 1, f"evidence {HOSTILE}"),),
            activities=(Activity(f"Swing {HOSTILE}", 10, response=HOSTILE),),
            regulation=Regulation("zones", "yellow", "green", (f"helped {HOSTILE}",), HOSTILE),
            plan=Plan(f"summary {HOSTILE}", HOSTILE, (Assignment("hw1", HOSTILE, "practice", 5),)),
        )
    )
    return saved.record.id


def test_control_characters_in_notes_are_shown_never_obeyed(runner, hostile):
    for args in (
        ["show", hostile],
        ["list"],
        ["trends"],
        ["trends", "mia-k", "--since", "2026-01-01", "--until", "2026-12-31"],
        ["report", "mia-k", "--from", "2026-01-01", "--to", "2026-12-31"],
        ["client", "list"],
        ["client", "show", "mia-k"],
        ["goal", "list", "mia-k"],
        ["homework", "list", "mia-k"],
    ):
        for width in (40, 200):
            result = runner.invoke(app, args, env={"COLUMNS": str(width)})
            assert result.exit_code == 0, (args, result.output)
            for raw in RAW:
                assert raw not in result.output, (args, width, repr(raw))
    shown = runner.invoke(app, ["show", hostile]).stdout
    assert "\\x1b]52;c;SGVsbG8=\\x07" in shown and "\\u202eevil" in shown
    data = json.loads(runner.invoke(app, ["show", hostile, "--json"]).stdout)
    assert data["plan"]["summary"] == f"summary {HOSTILE}"  # JSON keeps the exact text
    assert data["activities"][0]["response"] == HOSTILE


def test_the_consoles_escape_text_in_any_renderable():
    from rich.table import Table
    from rich.text import Text

    console = _console(io.StringIO())
    table = Table()
    table.add_column("x")
    table.add_row(Text("a\x1b[2Jb", style="bold"))
    console.print(Text.assemble(("name\x1b]52;c;x\x1b\\", "bold"), " \u202eok"))
    console.print(table)
    console.print("plain \x1b[31mred")
    output = console.file.getvalue()  # type: ignore[attr-defined]
    assert not any(raw in output for raw in RAW)
    assert "name\\x1b]52;c;x\\x1b\\ \\u202eok" in output
    assert "a\\x1b[2Jb" in output and "plain \\x1b[31mred" in output


# -- any output encoding; NO_COLOR and FORCE_COLOR ---------------------------------------


def otj(root: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    full = {**os.environ, "OTJOURNAL_DIR": str(root), **env}
    return subprocess.run(
        [sys.executable, "-m", "otjournal", *args],
        capture_output=True,
        env=full,
        cwd=REPO,
        text=True,
        encoding="utf-8",
        errors="replace",
    )


READING = [
    ["list"],
    ["show", "SESSION"],
    ["trends"],
    ["trends", "mia-k"],
    ["client", "list"],
    ["client", "show", "mia-k"],
    ["goal", "list", "mia-k"],
    ["homework", "list", "mia-k"],
    ["homework", "summary", "mia-k"],
    ["report", "mia-k"],
    ["check"],
    ["drafts"],
    ["conflicts"],
    ["config"],
    ["path"],
    ["--version"],
]


@pytest.fixture
def demo_root(tmp_path: Path) -> tuple[Path, str]:
    root = tmp_path / "demo"
    done = otj(root, "demo", "--dir", str(root), "-q")
    assert done.returncode == 0, done.stderr
    listed = otj(root, "list", "mia-k", "--json")
    return root, json.loads(listed.stdout)["sessions"][-1]["id"]


@pytest.mark.parametrize(
    "env",
    [
        {"PYTHONIOENCODING": "ascii"},
        {"PYTHONIOENCODING": "latin-1"},
        {"LC_ALL": "C", "LANG": "C", "PYTHONUTF8": "0", "PYTHONCOERCECLOCALE": "0"},
    ],
    ids=["ascii", "latin-1", "C-locale"],
)
def test_every_reading_command_prints_in_any_encoding(demo_root, env):
    root, session = demo_root
    commands = READING if env.get("PYTHONIOENCODING") == "ascii" else READING[:4]
    assert commands
    for args in commands:
        args = [session if a == "SESSION" else a for a in args]
        result = otj(root, *args, **env)
        assert result.returncode in (0, 1), (args, result.stderr)  # check: 1 on findings
        assert "Traceback" not in result.stderr, (args, result.stderr)
        assert result.stdout or args[0] in ("check", "drafts"), args


def test_an_ascii_output_writes_the_tools_own_marks_in_ascii(demo_root):
    """Under an ASCII locale the tool's typography is spelt out ("…" as "...", "→" as
    "->", a sparkline as a ramp of ASCII marks), not turned into "?", which would read
    as part of a note; a note's own accented letters lose their accent ("Zoë" as "Zoe",
    as search folds them: "Zo?" read as a typo), and what else ASCII lacks is "?".
    (What goes out through Click's echo, such as a report, Click writes as UTF-8.)"""
    import codecs

    from otjournal.cli import ERRORS, _in_ascii

    root, session = demo_root
    for args in (
        ["trends", "mia-k"],
        ["show", session],
        ["client", "show", "mia-k"],
        ["trends"],  # its heading line once went out through Click, as UTF-8
        ["due"],
    ):
        result = otj(root, *args, PYTHONIOENCODING="ascii", COLUMNS="80")
        assert result.returncode == 0, (args, result.stderr)
        assert result.stdout.isascii() and "?" not in result.stdout, args
    rated = otj(root, "trends", "mia-k", PYTHONIOENCODING="ascii").stdout
    assert " -> " in rated and any(mark in rated for mark in ".,:-=+*#")
    codecs.register_error(ERRORS, _in_ascii)  # as tolerant_output does, streams untouched
    said = "Zoë · 3 → 4 … ▁▄█ Núñez Zoe\u0308 ø 界".encode("ascii", ERRORS)
    assert said == b"Zoe - 3 -> 4 ... .-# Nunez Zoe ? ?"
    with pytest.raises(UnicodeDecodeError):
        _in_ascii(UnicodeDecodeError("ascii", b"\xff", 0, 1, "no"))


def test_force_color_and_no_color_on_every_path(demo_root):
    root, session = demo_root
    for args in (["list", "-n", "3"], ["trends"], ["show", session], ["client", "list"]):
        forced = otj(root, *args, FORCE_COLOR="1", NO_COLOR="", TERM="xterm")
        assert "\x1b[" in forced.stdout, args  # piped, yet styled: FORCE_COLOR
        plain = otj(root, *args, FORCE_COLOR="1", NO_COLOR="1", TERM="xterm")
        assert "\x1b" not in plain.stdout, args  # NO_COLOR wins: no style codes at all
        piped = otj(root, *args, NO_COLOR="", TERM="xterm")
        assert "\x1b" not in piped.stdout, args


def test_styled_decides_as_rich_does(monkeypatch):
    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    for name in ("NO_COLOR", "FORCE_COLOR", "TTY_COMPATIBLE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("TERM", "xterm")
    assert styled(Tty()) and not styled(io.StringIO())
    monkeypatch.setenv("FORCE_COLOR", "1")
    assert styled(io.StringIO())
    monkeypatch.setenv("NO_COLOR", "1")
    assert not styled(Tty())
    monkeypatch.delenv("NO_COLOR")
    monkeypatch.setenv("TERM", "dumb")
    assert not styled(Tty())


# -- otj --version ---------------------------------------------------------------------


def test_version_is_printed_fast_without_loading_rich(runner):
    from importlib.metadata import version

    for flag in ("--version", "-V"):
        result = runner.invoke(app, [flag])
        assert result.exit_code == 0
        assert result.stdout == f"otj {version('otjournal')}\n"
    probe = (
        "import sys\nfrom otjournal.cli import main\nsys.argv = ['otj', '--version']\n"
        "try:\n    main()\nexcept SystemExit as e:\n    assert not e.code\n"
        "print(sorted(m for m in sys.modules if m.startswith(('rich', 'otjournal.disk.store'))))"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, cwd=REPO, check=True
    )
    assert done.stdout.splitlines() == [f"otj {version('otjournal')}", "[]"]


def test_a_shortened_handle_says_which_command_shows_it_whole(runner, notes):
    handle = "a-very-long-client-handle-indeed"
    Journal(notes).add_client(make_client(handle))
    overview = at(runner, 80, "trends")
    assert "a-very-long-clien…" in overview
    assert overview.endswith("(… shortened: 'otj client list' shows it in full)\n")
    assert handle in at(runner, 40, "client", "list")


def test_the_homework_review_screen_wraps_every_word_and_keeps_brackets(runner, notes):
    """The summary to approve before saving a homework entry: the whole text, wrapped
    under its label at 40 columns, "[sic]" as typed (not "\\[sic]")."""
    from tests.test_homework import LACE, Caregiver

    Journal(notes).add_client(
        make_client(caregivers=(Caregiver("Sarah", "mother"),), assignments=(LACE,))
    )
    how = "tired after school [sic] " + "and then we tried again after dinner " * 4 + "done"
    result = runner.invoke(
        app,
        ["homework", "log", "mia-k", "--kind", "practice"],
        input="\n".join(["", "", "", "p", how, "", "", "", "y"]) + "\n",
        env={"COLUMNS": "40"},
    )
    assert result.exit_code == 0, result.output
    screen = result.stderr.rsplit("How did it go: ", 1)[1].split("Save?")[0]
    lines_fit(screen, 40)
    words_in_order(screen, how, 40)
    assert "[sic]" in screen and "\\[sic]" not in screen


@pytest.mark.pty
def test_on_a_terminal_a_note_wraps_to_its_width_and_no_color_means_no_codes(demo_root):
    from tests.terminal import Pty

    root, session = demo_root
    env = {**os.environ, "TERM": "xterm", "OTJOURNAL_DIR": str(root)}
    for name in ("NO_COLOR", "COLUMNS", "LINES", "FORCE_COLOR"):
        env.pop(name, None)

    def shown(*args: str, **extra: str) -> str:
        child = Pty(*args, env={**env, **extra}, cwd=REPO, timeout=60, size=(24, 60))
        return child.finish(0)

    note = shown("show", session)
    plain = note.replace("\x1b[1m", "").replace("\x1b[3m", "").replace("\x1b[0m", "")
    assert "\x1b[1m" in note  # styled on a terminal
    lines_fit(plain, 60)
    for args in (["show", session], ["list", "-n", "3"], ["trends"]):
        assert "\x1b" not in shown(*args, NO_COLOR="1"), args


@pytest.mark.pty
def test_conflicts_and_drafts_wrap_their_lines(runner, notes):
    """On a terminal of 40 columns a conflict copy's differing line of note text wraps
    under its text, after its "+" (the line naming the copy is a path: it is never
    broken, so it can be copied); piped, each line stays whole (test_conflicts.py)."""
    from tests.terminal import Pty

    j = Journal(notes)
    j.add_client(make_client())
    summary = "We followed the train theme " * 8 + "and it worked"
    saved = j.add_session(make_session(plan=Plan("short", "next")))
    original = saved.path.read_text("utf-8")
    copy = saved.path.with_name(f"{saved.path.stem}.sync-conflict-20260306-101500-ABCDEF1.toml")
    copy.write_text(original.replace('"short"', json.dumps(summary)), "utf-8")
    env = {**os.environ, "TERM": "xterm", "NO_COLOR": "1"}
    env.pop("COLUMNS", None)
    child = Pty("conflicts", env=env, size=(50, 40))
    child.wait()
    shown = child.output.replace("\r\n", "\n")
    diff = [line for line in shown.split("\n") if line.startswith("    ") and "sync-" not in line]
    lines_fit("\n".join(diff), 40)
    words_in_order(shown, summary, 40)
    assert all(line.startswith("     ") for line in shown.split("+summary")[1].split("\n")[1:3])
    drafts = at(runner, 40, "drafts")
    lines_fit(drafts, 40)


def test_json_under_an_ascii_output_keeps_every_character_as_an_escape(tmp_path: Path):
    """--json is data for a script: a letter the output cannot encode is a JSON escape
    ("Zo\\u00eb"), read back as "Zoë", never a "?" in its place."""
    root = tmp_path / "notes"
    made = otj(root, "client", "add", "zoe-m", "--name", "Zoë M", "--dir", str(root))
    assert made.returncode == 0, made.stderr
    result = otj(root, "client", "list", "--json", PYTHONIOENCODING="ascii")
    assert result.returncode == 0, result.stderr
    assert result.stdout.isascii() and "\\u00eb" in result.stdout
    [client] = json.loads(result.stdout)["clients"]
    assert client["display_name"] == "Zoë M"
    report = otj(root, "report", "zoe-m", "--json", PYTHONIOENCODING="ascii")
    assert report.returncode == 0, report.stderr
    assert report.stdout.isascii()
    assert json.loads(report.stdout)["header"]["Participant"] == "Zoë M"


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="no /dev/full here")
def test_an_output_that_cannot_be_written_is_said_and_the_exit_code_kept(demo_root):
    """A full disk under stdout is an error said on stderr (exit 1), never a traceback; a
    stderr that cannot be written leaves the error's own exit code (2 for a usage error,
    1 for no such session), not Python's 1 for a crash."""
    root, _ = demo_root
    env = {**os.environ, "OTJOURNAL_DIR": str(root)}

    def run(args: list[str], **streams: object) -> subprocess.CompletedProcess[bytes]:
        command = [sys.executable, "-m", "otjournal", *args]
        return subprocess.run(command, env=env, cwd=REPO, **streams)  # type: ignore[call-overload]

    with open("/dev/full", "wb") as full:
        for args in (["list"], ["list", "--json"], ["trends"], ["--version"], ["--help"],
                     ["--show-completion", "bash"]):  # fmt: skip
            result = run(args, stdout=full, stderr=subprocess.PIPE)
            assert result.returncode == 1, args
            said = result.stderr.decode()
            assert "cannot write: No space left on device" in said and "Traceback" not in said
        assert run(["log", "--no-such-option"], stdout=full, stderr=full).returncode == 2
        assert run(["show", "zzzzz"], stdout=full, stderr=full).returncode == 1


def test_a_progress_report_is_written_without_loading_rich(demo_root):
    """A report is Markdown, HTML or JSON: no screen is drawn, so Rich (about 15 ms of a
    one-client command) is not imported; `show` of the same client's note still is."""
    root, session = demo_root
    probe = (
        "import sys\nfrom otjournal.cli import main\nsys.argv = ['otj', *sys.argv[1:]]\n"
        "try:\n    main()\nexcept SystemExit as e:\n    assert not e.code, e.code\n"
        "sys.stderr.write(repr(sorted(m for m in sys.modules if m.split('.')[0] == 'rich')))"
    )
    env = {**os.environ, "OTJOURNAL_DIR": str(root), "NO_COLOR": "1"}
    for args, rich in (
        (["report", "mia-k"], False),
        (["report", "mia-k", "--format", "html"], False),
        (["report", "mia-k", "--json"], False),
        (["show", session], True),
    ):
        done = subprocess.run(
            [sys.executable, "-c", probe, *args], capture_output=True, text=True, env=env, cwd=REPO
        )
        assert done.returncode == 0, done.stderr
        assert (done.stderr.rstrip().endswith("[]")) is not rich, (args, done.stderr[-300:])


def test_a_checklist_items_lines_start_under_its_text_after_a_folded_word_at_any_width():
    """A word longer than the line is folded; the line after it starts under the text
    too, not one cell further (the space after the word), and no line is left blank."""
    from rich.text import Text

    from otjournal.views.lines import Hanging

    text = (
        "Long " + "Supercalifragilistic" * 4 + " end and 界世中文字日本語한국어" * 2 + " 🎉🎉 done"
    )
    for width in range(10, 121):
        console = _console(io.StringIO())
        console.width = width
        console.print(Hanging(Text("   yes  ", style="bold"), Text(text)))
        out = console.file.getvalue()  # type: ignore[attr-defined]
        lines_fit(out, width)
        assert squeezed(out) == "yes" + squeezed(text), width
        for line in out.splitlines()[1:]:
            assert line.startswith(" " * 8) and line[8:9].strip(), (width, line)


@pytest.mark.parametrize("width", [40, 60, 80])
def test_an_ascii_output_fits_its_width_with_the_marks_in_ascii(tmp_path: Path, width):
    """ "→" is "->" on an output that cannot encode it: put so before the lines are laid
    out, a line of corrected values still fits (it was one or two cells too long)."""
    root = tmp_path / "notes"
    env = {"NO_COLOR": "1", "PYTHONIOENCODING": "ascii", "COLUMNS": str(width)}
    for var in ("XDG_CONFIG_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
        env[var] = str(tmp_path / var.lower())
    assert otj(root, "init", **env).returncode == 0
    assert otj(root, "client", "add", "mia", "--name", "Mia K", **env).returncode == 0
    log = ("log", "mia", "--no-input", "--attendee", "parent", "--by", "Jo", "--setting",
           "home", "--summary", "s", "--date", "2026-11-28", "--time", "10:00")  # fmt: skip
    assert otj(root, *log, **env).returncode == 0, otj(root, *log, **env).stderr
    sid = json.loads(otj(root, "list", "--json", **env).stdout)["sessions"][0]["id"]
    amend = otj(root, "amend", sid, "--no-input", "--kind", "correction", "--by", "Jo",
                "--text", "why", "--set", "duration_min=50", "--set",
                "attendees=child,parent,sibling,teacher,carer", "--set",
                "techniques=CBT,graded exposure,sensory diet,social stories", **env)  # fmt: skip
    assert amend.returncode == 0, amend.stderr
    shown = otj(root, "show", sid, **env)
    assert shown.returncode == 0 and "45 -> 50" in shown.stdout
    assert "?" not in shown.stdout.split("Amendments")[1]  # every mark said in ASCII
    lines_fit(shown.stdout, width)


def test_a_detail_wrapped_at_a_narrow_width_stays_under_its_indent(runner, small):
    """At 40 columns a goal's "baseline · rated · change" line wraps: its rest starts
    under the detail, not at the edge, where it read as a heading of its own."""
    view = at(runner, 40, "trends", "jo-b", *PERIOD)
    lines_fit(view, 40)
    goals = view.split("Goals (GAS")[1].split("No review")[0].splitlines()[2:]
    details = [line for line in goals if not line.startswith("g")]
    assert details and all(line.startswith("  ") for line in details), goals
    assert "  change +2" in goals and "  change +1" in goals


def test_a_goals_words_wrap_under_themselves_beside_its_id(runner, notes):
    """`client show` at 40 columns: a goal's long words wrap under the words, beside its
    id; no line under the id starts with the space after a folded word."""
    j = Journal(notes)
    text = "Laces " + "Supercalifragilistic" * 4 + " shoes before kinder"
    j.add_client(make_client(goals=(Goal("g1-abc", text),)))
    shown = at(runner, 40, "client", "show", "mia-k")
    lines_fit(shown, 40)
    block = shown.split("Goals\n")[1].split("\n")
    rest = block[1 : next(i for i, line in enumerate(block) if line.startswith("      weight"))]
    indent = len("g1 (g1-abc)  ")
    assert block[0].startswith("g1 (g1-abc)  Laces") and rest, block
    assert all(line.startswith(" " * indent) and line[indent] != " " for line in rest), rest
    words_in_order(shown, text, 40)
