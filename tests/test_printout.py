"""One note, printable: ``otj show ID --format text|md|html [-o FILE]`` (issue 20, item 3).

The whole note, every word as written, amendments after it (kind, who, when, the
corrected wording), the late-entry mark, practitioner and registration, client, checklist
answers with their notes. The HTML is one self-contained page that prints on A4: it is
opened in headless Chromium here and printed to PDF, and the PDF's text is checked.
"""

from __future__ import annotations

import re
import shutil
import stat
import subprocess
from datetime import date, datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path
from random import Random

import pytest
from markdown_it import MarkdownIt

from otjournal.cli import app
from otjournal.disk import amend
from otjournal.disk.store import Journal
from otjournal.model import (
    Activity,
    Amendment,
    Assignment,
    CaregiverNote,
    ChecklistAnswer,
    ChildVoice,
    GoalRating,
    Plan,
    Regulation,
    Session,
)
from otjournal.model.vocab import CHECKLIST
from otjournal.views import printout
from otjournal.views.visible import is_visible, visible
from tests.conftest import TZ, make_client, make_session
from tests.helpers import Runner
from tests.test_report import DevTools, assert_self_contained, chromium, needs_chromium

START = datetime(2026, 3, 5, 14, 30, tzinfo=TZ)
LONG_WORD = "Wh" + "e" * 170 + "!"  # one unbroken word wider than A4
CONFIG = '[practitioner]\nname = "Alex Rivera"\nregistration = "OCC0001234567"\n'


def hostile_note() -> Session:
    """A note with text of every awkward kind: lines, quotes, markup, control characters."""
    checklist = [ChecklistAnswer(k, "yes", t) for k, t in CHECKLIST]
    checklist[4] = ChecklistAnswer(
        checklist[4].item,
        "partly",
        checklist[4].text,
        "Dad wasn't sure *when* to join",
        "caregiver",
    )
    return make_session(
        start=START,
        written_at=START + timedelta(days=3, hours=2),
        late_entry=True,
        goals=(
            GoalRating("g1", 1, 'Laced two holes.\nThen said: "I did it!" & smiled <3'),
            GoalRating("g2", None, "# not a heading\n1. not a list\n- nor this"),
        ),
        activities=(
            Activity(
                "Train *obstacle* course [two] #1",
                15,
                child_led=True,
                adapted=True,
                adaptation="shorter\n- two laps, not four\n====",
                response="tried\n    indented line",
                goals=("g1",),
            ),
        ),
        child_voice=ChildVoice('"More train!" \x1b]52;c;aGk=\x07 \u202eevil', ("speech", "AAC")),
        caregiver=CaregiverNote("Mum: <script>alert('x')</script> & &amp; ok", "joined in"),
        regulation=Regulation("zones", "yellow", "green", ("heavy work",), "=======\nsettled"),
        checklist=tuple(checklist),
        plan=Plan(
            f"Followed Mia's lead. She shouted {LONG_WORD}",
            "Lacing again | with the card",
            (Assignment("hw1", "Lacing card\nafter breakfast", "practice", 5, date(2026, 3, 6)),),
        ),
        extra={"room": "3b"},
    )


AMENDMENTS = (
    Amendment(
        datetime(2026, 3, 9, 9, 15, tzinfo=TZ),
        "Alex Rivera",
        "correction",
        "She laced three holes",
        original="Laced two holes",
    ),
    Amendment(
        datetime(2026, 3, 10, 16, 0, tzinfo=TZ),
        "Sam Lee",
        "addition",
        "Caregiver phoned:\nthe card helped at home too.",
    ),
)


def save(journal: Journal) -> Session:
    """The note saved, amended twice (appended, hash-chained), and read back."""
    journal.add_client(make_client(date_of_birth=date(2019, 6, 12)))
    path = journal.add_session(hostile_note(), rng=Random(1), durable=False).path
    raw = path.read_bytes()
    for a in AMENDMENTS:
        raw = amend.append(raw, a)
    path.write_bytes(raw)
    return journal.read_session_file(path)[2]


def note_strings(session: Session) -> list[str]:
    """Every piece of text in the note (not its internal keys or hashes)."""
    skip = {"format_version", "kind", "item", "framework", "previous_sha256"}
    found: list[str] = []

    def walk(value, key=""):
        if key in skip:
            return
        if isinstance(value, str):
            found.append(value)
        elif isinstance(value, dict):
            for k, v in value.items():
                walk(v, k)
        elif isinstance(value, list | tuple):
            for v in value:
                walk(v, key)

    walk(session.to_dict())
    return found


def assert_every_word(session: Session, shown: str, squash=lambda s: s) -> None:
    """Each line of each piece of the note's text (made visible) is in ``shown``."""
    for text in note_strings(session):
        for line in visible(text).split("\n"):
            if line.strip():
                assert squash(line.strip()) in squash(shown), line


class TextOf(HTMLParser):
    """The text a browser would show (entities decoded), and the tags used."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.tags: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)

    def handle_data(self, data):
        self.parts.append(data)

    @property
    def text(self) -> str:
        return "".join(self.parts)


@pytest.fixture
def saved(journal: Journal, isolated_home: Path) -> Session:
    folder = isolated_home / "config" / "otjournal"
    folder.mkdir(parents=True)
    (folder / "config.toml").write_text(CONFIG, encoding="utf-8")
    return save(journal)


def show(runner: Runner, *args: str):
    result = runner.invoke(app, ["show", *args])
    assert "Traceback" not in result.output
    return result


def test_written_and_late_entry_give_one_date_in_the_sessions_time_zone(runner, notes, clock):
    """Written at 23:40 UTC on the 8th is 09:40 on the 9th where the session was held
    (UTC+10): both lines say the 9th, never the 8th beside "written 2026-03-09"."""
    from datetime import UTC

    j = Journal(notes)
    j.add_client(make_client())
    written = datetime(2026, 3, 8, 23, 40, tzinfo=UTC)
    note = make_session(start=START, written_at=written, late_entry=True)
    saved = j.add_session(note).record
    lines = show(runner, saved.id, "--format", "text").stdout.splitlines()
    said = {k: v.strip() for k, _, v in (ln.partition(":") for ln in lines if ":" in ln)}
    assert said["Written by"].endswith(", 2026-03-09 09:40 (UTC+10:00)")
    assert said["Late entry"] == "yes: written 2026-03-09, 4 days after the session"


# -- the three formats --------------------------------------------------------------------


def test_text_printout_holds_the_whole_note_in_order(runner, saved):
    result = show(runner, saved.id, "--format", "text")
    assert result.exit_code == 0, result.output
    text = result.stdout
    assert_every_word(saved, text)
    assert is_visible(text), "no control character or bidi override reaches a terminal"
    assert "\\x1b]52;c;aGk=\\x07 \\u202eevil" in text
    lines = text.splitlines()
    assert lines[:2] == ["Session note (late entry)", "=" * len("Session note (late entry)")]
    assert "Client:        Mia K. (mia-k)" in lines
    assert "Practitioner:  Alex Rivera (registration OCC0001234567)" in lines
    assert "Late entry:    yes: written 2026-03-08, 3 days after the session" in lines
    assert "Written by:    Alex Rivera, 2026-03-08 16:30 (UTC+10:00)" in lines
    # Checklist answers with their notes and who answered.
    assert "  Answer: partly" in lines and "  By: caregiver" in lines
    assert "  Note: Dad wasn't sure *when* to join" in lines
    # Multi-line text keeps its lines, under its label.
    assert lines[lines.index("  Evidence: Laced two holes.") :][:2] == [
        "  Evidence: Laced two holes.",
        '      Then said: "I did it!" & smiled <3',
    ]
    # Amendments come after the note, each with kind, who, when and the wording.
    amendments = text.index("\nAmendments\n----------\n")
    assert text.index("Next session: Lacing again") < amendments
    after = text[amendments:]
    assert "Correction by Alex Rivera, 2026-03-09 09:15 (UTC+10:00)" in after
    assert (
        "  Original wording: Laced two holes\n  Corrected wording: She laced three holes" in after
    )
    assert "Addition by Sam Lee, 2026-03-10 16:00 (UTC+10:00)\n  Text: Caregiver phoned:" in after
    assert "Other recorded fields\n---------------------\nroom: 3b" in text
    assert (
        "Homework: Lacing card\n    after breakfast\n  Kind: practice\n  Times a week: 5\n" in text
    )
    assert "  From: 2026-03-06\n  Id: hw1\n" in text


def test_markdown_printout_renders_every_word_and_no_markup_from_the_note(runner, saved):
    result = show(runner, saved.id, "--format", "md")
    assert result.exit_code == 0, result.output
    md = result.stdout
    assert is_visible(md)
    html = MarkdownIt("commonmark").render(md)
    page = TextOf(html)
    assert_every_word(saved, page.text)
    # Only the printout's own structure: one h1, the section h2s, lists; the note's
    # '#', '1.', '- ', '====', '<script>' and '*' stay text.
    assert page.tags.count("h1") == 1 and "h3" not in page.tags and "script" not in page.tags
    assert "em" in page.tags  # the printout's own labels
    assert [t for t in page.tags if t in ("h1", "h2")] == ["h1"] + ["h2"] * 9
    assert "Dad wasn't sure *when* to join" in page.text
    assert "Train *obstacle* course [two] #1" in page.text


def test_html_printout_is_one_self_contained_a4_page_with_every_word(runner, saved, tmp_path):
    out = tmp_path / "note.html"
    result = show(runner, saved.id, "--format", "html", "-o", str(out))
    assert result.exit_code == 0, result.output
    html = out.read_text("utf-8")
    assert_self_contained(html)
    assert re.search(r"@page\s*\{\s*size:\s*A4", html)
    assert is_visible(html)
    page = TextOf(html)
    assert_every_word(saved, page.text)
    assert "script" not in page.tags
    assert "Mum: <script>alert('x')</script> & &amp; ok" in page.text
    assert "<title>Session note " + saved.id + "</title>" in html


def test_a_note_without_configured_practitioner_or_late_mark_leaves_them_out(journal):
    journal.add_client(make_client())
    note = journal.add_session(make_session(), rng=Random(2), durable=False)
    session = journal.read_session_file(note.path)[2]
    doc = printout.build(session, None)
    labels = [label for label, _ in doc.header]
    assert "Practitioner" not in labels and "Late entry" not in labels
    assert doc.title == "Session note"
    assert ("Client", "mia-k") in doc.header  # no profile: the handle
    assert [s.title for s in doc.sections][-1] == "Plan"  # no amendments, no empty sections


@pytest.mark.parametrize(
    ("text", "md"),
    [
        ("plain words", "plain words"),
        ("a_b and _x_", "a_b and \\_x\\_"),
        ("*b* <i> & #1 | `c` ~d~ [l]", "\\*b\\* \\<i\\> \\& \\#1 \\| \\`c\\` \\~d\\~ \\[l\\]"),
        ("one\n- two\n3. three\n===", "one\\\n\\- two\\\n3\\. three\\\n\\==="),
        ("- first line stays after its label", "- first line stays after its label"),
        ("C:\\path", "C:\\\\path"),
    ],
)
def test_md_text_escapes_what_markdown_would_read_as_markup(text, md):
    assert printout.md_text(text) == md


# -- writing a file -------------------------------------------------------------------


def test_o_writes_a_new_private_file_and_never_overwrites_without_force(runner, saved, tmp_path):
    out = tmp_path / "note.md"
    assert show(runner, saved.id, "-o", str(out)).exit_code == 0  # format from the name
    assert out.read_text("utf-8").startswith("# Session note (late entry)\n")
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    out.write_text("the client's own copy", encoding="utf-8")
    result = show(runner, saved.id, "--format", "text", "-o", str(out))
    assert result.exit_code == 2
    assert "exists" in result.output and "--force" in result.output
    assert out.read_text("utf-8") == "the client's own copy"
    result = show(runner, saved.id, "--format", "text", "-o", str(out), "--force")
    assert result.exit_code == 0, result.output
    assert out.read_text("utf-8").startswith("Session note (late entry)\n")
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


def test_force_never_writes_through_a_symlink(runner, saved, tmp_path):
    target = tmp_path / "elsewhere.txt"
    target.write_text("keep me", encoding="utf-8")
    link = tmp_path / "note.txt"
    link.symlink_to(target)
    result = show(runner, saved.id, "--format", "text", "-o", str(link), "--force")
    assert result.exit_code == 2, result.output
    assert target.read_text("utf-8") == "keep me" and link.is_symlink()


@pytest.mark.parametrize(
    "args",
    [["--format", "pdf"], ["--format", "html", "--json"], ["-o", "x.txt", "--json"]],
    ids=["unknown-format", "format-and-json", "output-and-json"],
)
def test_usage_errors_exit_2_and_write_nothing(runner, saved, tmp_path, monkeypatch, args):
    here = tmp_path / "here"
    here.mkdir()
    monkeypatch.chdir(here)
    result = show(runner, saved.id, *args)
    assert result.exit_code == 2, result.output
    assert list(here.iterdir()) == []


# -- in a browser, printed to PDF ---------------------------------------------------------


@pytest.fixture(scope="module")
def printed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Session, Path]:
    """The hostile note, written by `otj show --format html -o` (config with practitioner)."""
    base = tmp_path_factory.mktemp("printout")
    (base / "config" / "otjournal").mkdir(parents=True)
    (base / "config" / "otjournal" / "config.toml").write_text(CONFIG, encoding="utf-8")
    env = {
        "HOME": str(base),
        "XDG_CONFIG_HOME": str(base / "config"),
        "OTJOURNAL_DIR": str(base / "notes"),
    }
    session = save(Journal(base / "notes"))
    out = base / "note.html"
    result = Runner().invoke(app, ["show", session.id, "--format", "html", "-o", str(out)], env=env)
    assert result.exit_code == 0, result.output
    return session, out


@needs_chromium
def test_chromium_loads_it_with_one_request_no_console_message_and_no_overflow(printed, tmp_path):
    _, page = printed
    tools = DevTools(tmp_path / "profile")
    try:
        session = tools.open(page.as_uri())
        overflow = tools.evaluate(
            session, "document.documentElement.scrollWidth > window.innerWidth"
        )
        shown = tools.evaluate(session, "document.body.innerText")
    finally:
        tools.close()
    assert tools.requests() == [page.as_uri()]
    assert tools.problems() == []
    assert overflow is False  # the long word wraps: nothing is cut off the page
    assert "Corrected wording" in shown


@needs_chromium
def test_chromium_prints_the_whole_note_on_a4(printed, tmp_path):
    session, page = printed
    pdf = tmp_path / "note.pdf"
    done = chromium(
        tmp_path / "profile",
        "--no-pdf-header-footer",
        f"--print-to-pdf={pdf}",
        page.as_uri(),
        timeout=120,
    )
    assert done.returncode == 0, done.stderr.decode(errors="replace")[-2000:]
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF-")
    boxes = re.findall(rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]", data)
    assert boxes, "no page found in the PDF"
    assert {(round(float(w)), round(float(h))) for w, h in boxes} == {(595, 842)}  # A4
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed: the PDF's text is not checked")
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, check=True
    ).stdout.decode("utf-8")
    # Lines wrap where the page ends: compare without whitespace.
    assert_every_word(session, text, squash=lambda s: "".join(s.split()))
    squashed = "".join(text.split())
    for words in ("Practitioner", "AlexRivera(registrationOCC0001234567)", "Lateentry"):
        assert words in squashed
    assert squashed.index("CorrectionbyAlexRivera") > squashed.index("Nextsession")


@pytest.mark.parametrize(("display", "shown"), [("Mia K.", "Mia K. (mia-k)"), ("mia-k", "mia-k")])
def test_the_client_is_named_once_when_the_name_is_the_handle(display, shown):
    doc = printout.build(make_session(), make_client(display_name=display))
    assert dict(doc.header)["Client"] == shown
