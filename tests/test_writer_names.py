"""Who wrote a record is a name, one line, in every command that writes one: `--by` (or a
file's `written_by`) holding a line break, an escape or a bidi control is refused with
exit 2 (1 for a --from file, with its line), the name never repeated, nothing written.
Every screen shows such text escaped, but a CSV export or a `grep` of the folder would
carry it raw."""

from __future__ import annotations

import pytest

from otjournal.cli import app
from otjournal.model import Goal
from tests.conftest import make_client, make_session
from tests.helpers import tree

REFUSED = "a name is one line of text: line breaks and control characters are refused"
BAD = ["Sarah\x1b[31m", "Sarah\nSmith", "Sarah\u202eK", "Sa\x07rah"]


@pytest.fixture
def mia(journal, runner):
    journal.add_client(make_client(goals=(Goal("g1-k3x", "Laces shoes before kinder"),)))
    journal.add_session(make_session(), durable=False)
    step = ["hierarchy", "add", "mia-k", "Stand at the bus stop", "--suds", "30"]
    assert runner.invoke(app, step).exit_code == 0
    return journal


def commands(sid: str) -> list[list[str]]:
    return [
        ["log", "mia-k", "--no-input", "--date", "2026-03-04", "--time", "10:00",
         "--setting", "clinic", "--attendee", "child", "--summary", "Swing"],
        ["homework", "log", "mia-k", "--kind", "mood-check", "--mood", "6", "--no-input"],
        ["amend", sid, "--kind", "addition", "--text", "Later: she said so"],
        ["goal", "set", "mia-k", "g1", "--status", "on-hold", "--no-input"],
        ["hierarchy", "edit", "mia-k", "s1", "--suds", "40"],
        ["hierarchy", "remove", "mia-k", "s1"],  # no entry names it: who is not kept
    ]  # fmt: skip


@pytest.mark.parametrize("name", BAD)
@pytest.mark.parametrize("which", range(6))
def test_a_writer_name_with_a_control_character_is_refused(runner, mia, notes, clock, which, name):
    sid = next(iter(mia.load().sessions)).record.id
    before = tree(notes)
    result = runner.invoke(app, [*commands(sid)[which], "--by", name])
    assert result.exit_code == 2, result.output
    assert f"--by: {REFUSED}" in result.stderr  # as typed, in every command
    assert name not in result.output
    assert tree(notes) == before


def test_a_writer_name_in_a_from_file_is_refused_at_its_line(runner, mia, notes, tmp_path):
    source = tmp_path / "entry.toml"
    source.write_text('entry_kind = "mood-check"\nwritten_by = "Sam\\u001b[2J"\n[mood]\nmood = 6\n')
    before = tree(notes)
    result = runner.invoke(app, ["homework", "log", "mia-k", "--from", str(source)])
    assert result.exit_code == 1, result.output
    assert f"{source}:2:1: error: written_by: {REFUSED}" in result.stderr
    assert tree(notes) == before


def test_a_name_of_one_line_is_written(runner, mia, notes, clock):
    ok = ["homework", "log", "mia-k", "--kind", "mood-check", "--mood", "6", "--no-input"]
    result = runner.invoke(app, [*ok, "--by", "Zoë O'Brien-Ngata (mum)"])
    assert result.exit_code == 0, result.output


@pytest.mark.pty
def test_a_name_typed_at_a_prompt_with_an_escape_is_asked_again(journal):
    """On a terminal, a name typed with an escape is asked again with the reason (never
    echoed), as an empty answer is; the command goes on."""
    from tests.terminal import Pty

    journal.add_client(make_client())
    s = journal.add_session(make_session(), durable=False)
    otj_ = Pty("amend", s.record.id, "--kind", "addition", "--text", "Later")
    otj_.answer("Your name", "Jo\x1b[2J")
    otj_.expect("A name is one line of text")
    otj_.answer("Your name", "Jo")
    assert otj_.wait() == 0, otj_.output
    assert "\x1b[2J" not in otj_.output.split("Your name", 1)[1].split("\n", 1)[1]


@pytest.mark.pty
def test_who_is_writing_with_an_escape_is_asked_again_at_the_prompts(journal, notes):
    """The guided questions ask a writer's name again when it is not one line, saying
    why; the entry is saved with the name given then."""
    import tomllib

    from tests.terminal import Pty

    journal.add_client(make_client())
    child = Pty("homework", "log", "mia-k", "--kind", "mood-check", size=(40, 200))
    child.answer("Who is writing", "Sam\x07")
    child.expect("A name is one line of text")
    child.answer("Who is writing", "Sam")
    child.answer("When", "")
    child.answer("Mood now", "6")
    child.answer("Hours of sleep last night", "")
    child.answer("Save?", "y")
    child.expect("Saved mood-check entry")
    child.finish(0)
    [entry] = (notes / "clients" / "mia-k" / "homework").iterdir()
    assert tomllib.loads(entry.read_text())["written_by"] == "Sam"
