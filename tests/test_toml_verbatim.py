"""Note text is saved as it was typed: the files read and grep as written (issue 20, item 7).

The writer picks, per string, the TOML form that needs no escape: a basic string, a
literal ``'...'`` when the text holds ``"`` but no ``'``, ``'''...'''`` when it holds both,
and triple-quoted multi-line strings for text over several lines. Files written before
(with ``\\"`` escapes) stay valid, and their amendment hash chains still verify.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
import tempfile
import textwrap
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, assume, given, settings
from hypothesis import strategies as st

from otjournal.disk import amend, tomlio, tomllocate
from otjournal.disk.store import Journal
from otjournal.model import Amendment, ChildVoice, Plan
from tests.conftest import REPO, TZ, make_client, make_session

WHEN = datetime(2026, 3, 6, 9, 0, tzinfo=TZ)

# Text without control characters (tab and newline aside); C1 characters are fine in TOML.
ASCII_CONTROL = "".join(chr(c) for c in [*range(0x20), 0x7F] if chr(c) not in "\t\n")
typed_text = st.lists(
    st.text(
        st.characters(blacklist_categories=("Cs",), blacklist_characters=ASCII_CONTROL),
        max_size=6,
    )
    | st.sampled_from(['"', "'", '"""', "'''", "\\", "\n", "\t", " ", "#", "=", "[", "]"]),
    max_size=12,
).map("".join)
# A line of text that would read as a git conflict marker or an amendment header at the
# start of a file line: its first character is escaped (docs/format.md), by design.
HAZARD = re.compile(r"^(?:<<<<<<<|=======|>>>>>>>|\|{7}|[ \t]*\[\[[ \t]*amendments)", re.M)


def verbatim_possible(text: str) -> bool:
    """TOML has a form without escapes for this text. Only text holding ``'''`` needs
    a basic string, and a basic string escapes ``\\`` and (when multi-line) ``\"\"\"``."""
    if "\n" in text and HAZARD.search(text):
        return False
    return "'''" not in text or ('"""' not in text and "\\" not in text)


PROPERTY = settings(
    max_examples=300,
    deadline=None,
    phases=[p for p in Phase if p is not Phase.explain],
    suppress_health_check=[HealthCheck.too_slow],
)


@PROPERTY
@given(typed_text)
def test_any_text_that_toml_can_hold_unescaped_is_written_verbatim(text):
    assume(verbatim_possible(text))
    data = {"note": text, "t": {"text": text}, "aot": [{"text": text}], "list": [text]}
    raw = tomlio.dumps(data)
    assert raw.count(text.encode("utf-8")) >= 4, raw.decode()
    assert tomlio.parse(raw) == data


@settings(PROPERTY, max_examples=60)
@given(voice=typed_text, summary=typed_text)
def test_any_such_text_in_a_saved_note_is_found_by_grep_and_reads_back(voice, summary):
    assume(verbatim_possible(voice) and verbatim_possible(summary))
    with tempfile.TemporaryDirectory() as tmp:
        journal = Journal(Path(tmp))
        journal.add_client(make_client())
        note = make_session(child_voice=ChildVoice(voice), plan=Plan(summary))
        saved = journal.add_session(note, durable=False)
        raw, _, back = journal.read_session_file(saved.path)
        assert (back.child_voice.text, back.plan.summary) == (voice, summary)
        for text in (voice, summary):
            assert text.encode("utf-8") in raw
        line = max(voice.split("\n"), key=len)
        if line and shutil.which("grep"):
            found = subprocess.run(
                ["grep", "-F", "-c", "-e", line, str(saved.path)],
                capture_output=True,
                env={"LC_ALL": "C"},
            )
            assert found.returncode == 0, (line, raw.decode())


@pytest.mark.parametrize(
    ("text", "line"),
    [
        pytest.param('"More train!"', """text = '"More train!"'""", id="double-quotes"),
        pytest.param("More train!", 'text = "More train!"', id="plain"),
        pytest.param(
            "Mia: \"I can't, it's too loud\"",
            """text = '''Mia: "I can't, it's too loud"'''""",
            id="both-quotes",
        ),
        pytest.param(r"drew C:\ and \o/", r"text = 'drew C:\ and \o/'", id="backslashes"),
        pytest.param("tab\there", 'text = "tab\there"', id="tab-raw"),
    ],
)
def test_one_line_text_is_saved_in_a_form_without_escapes(journal, text, line):
    journal.add_client(make_client())
    path = journal.add_session(make_session(child_voice=ChildVoice(text)), durable=False).path
    assert line in path.read_text("utf-8").splitlines()


def test_a_childs_words_in_quotes_are_found_by_grep_as_typed(journal):
    """The words saved as ``\\"More train!\\"`` did not match ``grep 'More train!"'``."""
    journal.add_client(make_client())
    path = journal.add_session(
        make_session(child_voice=ChildVoice('She signed and said "More train!"')), durable=False
    ).path
    if shutil.which("grep") is None:
        pytest.skip("no grep")
    found = subprocess.run(["grep", "-F", 'More train!"', str(path)], capture_output=True)
    assert found.returncode == 0, path.read_text("utf-8")


def test_multi_line_text_is_written_on_its_own_lines(journal):
    journal.add_client(make_client())
    summary = 'Followed her lead.\n\tShe said "again!" twice.\nEnds in a quote: "yes"'
    plan = Plan(summary, next_focus="\nStarts with a blank line\\ and a backslash")
    path = journal.add_session(make_session(plan=plan), durable=False).path
    text = path.read_text("utf-8")
    assert f"summary = '''\n{summary}'''\n" in text  # ends in ": literal, no """"
    assert "next_focus = '''\n\nStarts with a blank line\\ and a backslash'''\n" in text
    assert journal.read_session_file(path)[2].plan == plan


def test_a_marker_like_line_keeps_the_rest_of_the_text_as_typed(journal):
    """A line reading ``=======`` or ``[[amendments]]`` must not start a file line (git
    and the amendment chain would take it for theirs): only its first character is
    escaped; every other line stays as typed."""
    journal.add_client(make_client())
    summary = 'She said "done"\n=======\n  [[amendments]]\nand laughed'
    path = journal.add_session(make_session(plan=Plan(summary)), durable=False).path
    raw = path.read_bytes()
    assert not re.search(rb"^(=======|[ \t]*\[\[[ \t]*amendments)", raw, re.M)
    lines = raw.decode("utf-8").splitlines()
    assert 'She said "done"' in lines and 'and laughed"""' in lines
    assert "\\u003d======" in lines and "  \\u005b[amendments]]" in lines
    assert journal.read_session_file(path)[2].plan.summary == summary


# A session file as versions before this one wrote it: every quote escaped, with one
# amendment already chained to the bytes before it.
OLD_NOTE = """\
# otjournal record: it ends with a '# end' line
format_version = 1
kind = "session"
id = "2026-03-05_1430_k3f9q"
client = "mia-k"
start = 2026-03-05T14:30:00+10:00
duration_min = 45
session_type = "therapy"
setting = "clinic"
attendees = ["child"]
written_by = "Alex Rivera"
written_at = 2026-03-05T15:30:00+10:00

[child_voice]
text = "\\"More train!\\""

[plan]
summary = \"\"\"
Followed her lead.
She said \\"again\\" twice.\"\"\"
# end

"""
OLD_AMENDMENT = """\
[[amendments]]
at = 2026-03-06T09:00:00+10:00
by = "Alex Rivera"
kind = "correction"
previous_sha256 = "{sha}"
text = "He said \\"train\\""
# end
"""


def test_files_written_before_stay_valid_and_their_chain_verifies(journal):
    journal.add_client(make_client())
    path = journal.root / "clients" / "mia-k" / "sessions" / "2026-03-05_1430_k3f9q.toml"
    path.parent.mkdir(mode=0o700, exist_ok=True)
    sha = hashlib.sha256(OLD_NOTE.encode()).hexdigest()
    raw = (OLD_NOTE + OLD_AMENDMENT.format(sha=sha)).encode()
    path.write_bytes(raw)
    _, _, session = journal.read_session_file(path)
    assert session.child_voice.text == '"More train!"'
    assert session.plan.summary == 'Followed her lead.\nShe said "again" twice.'
    assert amend.verify(raw, session) == []
    # The old bytes stay as they are; a new amendment is written in the new form and
    # every link of the chain holds.
    added = 'Mia: "I can\'t wait"\nfor trains'
    raw2 = amend.append(raw, Amendment(WHEN, "Alex Rivera", "addition", added))
    assert raw2.startswith(raw)
    assert 'text = """\nMia: "I can\'t wait"\nfor trains"""' in raw2.decode()
    path.write_bytes(raw2)
    _, _, parsed = journal.read_session_file(path)
    assert [a.text for a in parsed.amendments] == ['He said "train"', added]
    assert amend.verify(raw2, parsed) == []
    header = [m.start() for m in amend.HEADER.finditer(raw2)][1]
    assert parsed.amendments[1].previous_sha256 == hashlib.sha256(raw2[:header]).hexdigest()


def test_a_field_after_a_literal_holding_triple_quotes_is_located():
    """Error locations skip the lines of multi-line strings; a one-line literal may now
    hold \"\"\" (and a '''-string may hold \"\"\"), which must not open one."""
    data = {
        "a": 'said """wow"""',
        "b": 'x\ny """ z\n\'',
        "c": "it's \"'' ''\" here",
        "d": 1,
        "t": {"e": 2},
    }
    text = tomlio.dumps(data).decode()
    lines = text.splitlines()
    for field, key in (("d", "d ="), ("t.e", "e =")):
        line, _ = tomllocate.locate(text, field)
        assert lines[line - 1].startswith(key), (field, text)


def test_format_doc_shows_what_the_writer_writes():
    """docs/format.md's example of the string forms is the writer's own output."""
    doc = (REPO / "docs" / "format.md").read_text("utf-8")
    data = {
        "text": '"More train!"',
        "evidence": 'Mia: "I can\'t"',
        "summary": 'Followed her lead.\nShe said "again" twice.',
        "response": "Pointed at C:\\ on the keyboard.",
    }
    written = tomlio.dumps(data).decode()
    assert textwrap.indent(written, "  ") in doc, written  # in a list item: indented
