"""Each record kind is declared once (``otjournal.model.kinds``) and every layer reads it.

Two halves: every homework kind in the spec goes through every layer (flags, --no-input,
the editor form, the prompts' kind list, the one-line view, the export, the summary), and
the gratitude entry, a kind added through the spec alone, works end to end: prompts (in a
CliRunner and in a real pty), flags, --editor, --no-input, summary, export and report.
"""

from __future__ import annotations

import csv
import io
import json
import os
import shlex
import sys
import tomllib
from datetime import date, datetime, timedelta
from pathlib import Path

import pexpect
import pytest

from otjournal.cli import app
from otjournal.disk import tomlio
from otjournal.disk.store import Journal
from otjournal.forms import homework as entryform
from otjournal.model import Assignment, Caregiver, HomeworkEntry, Plan
from otjournal.model.kinds import (
    HOMEWORK,
    HOMEWORK_KINDS,
    PART_KEYS,
    FieldSpec,
    RecordKind,
    homework_flags,
)
from otjournal.numbers.export import HOMEWORK_COLUMNS, homework_row
from otjournal.views.session import homework_line
from tests.conftest import make_client, make_session

LACE = Assignment("hw-lace", "Lacing card", "practice", 5, since=date(2020, 1, 1))
NOT_STRENGTHS_BASED = ("failed", "missed", "non-compliant", "noncompliant", "refused")
FIXED_OPTIONS = {"--kind", "--at", "--by", "--text", "--from", "--editor", "--resume"}
FIXED_OPTIONS |= {"--draft", "--no-input", "--dir", "--help"}


@pytest.fixture
def mia(journal: Journal) -> Journal:
    """Mia, whose mother Sarah journals the homework; one hand-added practice in force."""
    journal.add_client(make_client(caregivers=(Caregiver("Sarah", "mother"),), assignments=(LACE,)))
    return journal


def run(runner, *args: str, input: str | None = None):
    result = runner.invoke(app, [str(a) for a in args], input=input)
    assert "Traceback" not in result.output, result.output
    return result


def entries(notes: Path) -> list[dict]:
    folder = notes / "clients" / "mia-k" / "homework"
    return [tomllib.loads(p.read_text("utf-8")) for p in sorted(folder.glob("*.toml"))]


def flag_value(f: FieldSpec) -> str:
    """A value each kind of field takes on the command line."""
    if f.example:
        return f.example
    if f.choices:
        return f.choices[0]
    if f.type in ("int", "number"):
        return f"{f.high or 0:g}"
    return "Sun on the balcony"


def required_flags(kind: RecordKind) -> list[str]:
    """The flags that fill every required field of the kind (text: the common --text)."""
    args: list[str] = []
    for f in kind.fields:
        if f.required and f.flag:
            args += [f.flag, flag_value(f)]
        elif f.required and f.top:
            args += [f"--{f.key}", "Wrote it down tonight."]
    return args


def log(runner, *args: str, input: str | None = None):
    return run(runner, "homework", "log", "mia-k", *args, input=input)


# -- every kind, every layer ------------------------------------------------------------


def test_the_spec_declares_the_kinds_and_the_old_names_read_it():
    assert HOMEWORK, "no homework kinds declared"
    assert tuple(k.name for k in HOMEWORK) == HOMEWORK_KINDS
    assert entryform.PART_KEYS == PART_KEYS == {k.name: k.part_key for k in HOMEWORK if k.part_key}
    assert "gratitude" in HOMEWORK_KINDS
    flags = [f.flag for _, f in homework_flags()]
    assert flags, "no flags declared"
    assert len(flags) == len(set(flags)), "two fields share a flag"
    assert not set(flags) & FIXED_OPTIONS


@pytest.mark.parametrize("kind", HOMEWORK, ids=lambda k: k.name)
def test_every_kind_goes_through_every_layer(runner, mia, notes, kind):
    # flags and --no-input: the required flags alone make a complete entry
    result = log(runner, "--kind", kind.name, "--by", "Sarah", "--no-input", *required_flags(kind))
    assert result.exit_code == 0, result.output
    [saved] = entries(notes)
    assert saved["entry_kind"] == kind.name
    assert (kind.part_key in saved) == bool(kind.part_key)
    record = HomeworkEntry.from_dict(tomlio.parse(tomlio.dumps(saved)))
    assert (record.part is not None) == bool(kind.attr)

    # the one-line view, the export row and columns
    line = homework_line(record).plain
    assert line.startswith(f"{record.at:%Y-%m-%d} {kind.name}")
    if kind.line is not None:
        assert line != f"{record.at:%Y-%m-%d} {kind.name}", "the kind's detail is missing"
    names = [c for c, _ in HOMEWORK_COLUMNS]
    assert all(c.name in names for c in kind.columns)
    row = homework_row(record)
    assert row["entry_kind"] == kind.name
    for c in kind.columns:
        assert c.name in row
    assert any(row[c.name] is not None for c in kind.columns) or not kind.columns

    # the summary lists it among the most recent
    summary = run(runner, "homework", "summary", "mia-k")
    assert summary.exit_code == 0, summary.output
    assert line in summary.output

    # --no-input without the required flags names each of them
    if kind.part_key:
        missing = log(runner, "--kind", kind.name, "--by", "Sarah", "--no-input")
        assert missing.exit_code == 2
        for f in kind.fields:
            if f.required and f.flag:
                assert f.flag in missing.output


@pytest.mark.parametrize("kind", HOMEWORK, ids=lambda k: k.name)
def test_every_kind_has_its_editor_form_and_its_flags(runner, kind):
    form = entryform.form({"entry_kind": kind.name, "client": "mia-k"})
    assert kind.hint() in form
    body = tomllib.loads(form)
    assert body["entry_kind"] == kind.name
    if kind.part_key:
        assert isinstance(body[kind.part_key], dict)
    help_text = run(runner, "homework", "log", "--help").output
    for f in kind.fields:
        if f.flag:
            assert f.flag in help_text
    assert kind.name in help_text


def test_the_prompts_offer_every_kind(runner, mia):
    result = log(runner, input="\n")  # input ends at the first question: the draft is kept
    assert "gratitude" in HOMEWORK_KINDS
    for name in HOMEWORK_KINDS:
        assert name in result.stderr


# -- gratitude, added through the spec alone ----------------------------------------------


def lines(*answers: str) -> str:
    return "\n".join(answers) + "\n"


def test_gratitude_from_flags(runner, mia, notes):
    result = log(
        runner,
        "--kind",
        "gratitude",
        "--by",
        "Sarah",
        "--grateful",
        "Sun on the balcony",
        "--grateful",
        "Mia laughed at breakfast",
        "--gratitude-mood",
        "7",
        "--no-input",
    )
    assert result.exit_code == 0, result.output
    [e] = entries(notes)
    assert e["entry_kind"] == "gratitude"
    assert e["gratitude"] == {
        "items": ["Sun on the balcony", "Mia laughed at breakfast"],
        "mood": 7,
    }
    assert "Saved gratitude entry" in result.output


def test_gratitude_kind_is_guessed_from_its_flags(runner, mia, notes):
    result = log(runner, "--by", "Sarah", "--grateful", "Tea", "--no-input")
    assert result.exit_code == 0, result.output
    [e] = entries(notes)
    assert e["entry_kind"] == "gratitude"


def test_gratitude_needs_one_item_and_holds_at_most_three(runner, mia, notes):
    missing = log(runner, "--kind", "gratitude", "--by", "Sarah", "--no-input")
    assert missing.exit_code == 2
    assert "--grateful TEXT" in missing.output
    many = ["--grateful", "a", "--grateful", "b", "--grateful", "c", "--grateful", "d"]
    too_many = log(runner, "--kind", "gratitude", "--by", "Sarah", "--no-input", *many)
    assert too_many.exit_code == 2
    assert "at most 3" in too_many.output
    out_of_range = log(
        runner,
        "--kind",
        "gratitude",
        "--by",
        "S",
        "--no-input",
        "--grateful",
        "a",
        "--gratitude-mood",
        "11",
    )
    assert out_of_range.exit_code == 2
    assert entries(notes) == []


def test_gratitude_through_the_prompts(runner, mia, notes):
    result = log(
        runner,
        input=lines("gratitude", "", "", "Sun on the balcony", "Tea with Nan", "", "8", "y"),
    )
    assert result.exit_code == 0, result.output
    prompts = result.stderr
    assert "Something you are grateful for" in prompts
    assert "Another" in prompts
    # the review before saving, in the question's words
    assert "Something you are grateful for: Sun on the balcony; Tea with Nan" in prompts
    assert "Mood now: 8 (0-10)" in prompts
    [e] = entries(notes)
    assert e["written_by"] == "Sarah"
    assert e["gratitude"] == {"items": ["Sun on the balcony", "Tea with Nan"], "mood": 8}
    assert not any(w in result.output.lower() for w in NOT_STRENGTHS_BASED)


def test_gratitude_prompts_stop_at_three_and_mood_may_be_skipped(runner, mia, notes):
    result = log(
        runner,
        "--kind",
        "gratitude",
        input=lines("", "", "one", "two", "three", "", "y"),
    )
    assert result.exit_code == 0, result.output
    [e] = entries(notes)
    assert e["gratitude"] == {"items": ["one", "two", "three"]}


EDITOR_SCRIPT = r"""
import json, pathlib, sys
here = pathlib.Path(__file__).parent
form = pathlib.Path(sys.argv[-1])
calls = here / "calls"
calls.write_text(calls.read_text() + "x" if calls.exists() else "x")
if len(calls.read_text()) > 2:
    sys.exit(99)  # never loop for ever
(here / "seen.toml").write_text(form.read_text(encoding="utf-8"), encoding="utf-8")
text = form.read_text(encoding="utf-8")
for old, new in json.loads((here / "plan.json").read_text(encoding="utf-8")):
    text = text.replace(old, new)
form.write_text(text, encoding="utf-8")
"""


def test_gratitude_in_the_editor(runner, mia, notes, tmp_path, monkeypatch):
    folder = tmp_path / "editor"
    folder.mkdir()
    script = folder / "fake_editor.py"
    script.write_text(EDITOR_SCRIPT, encoding="utf-8")
    plan = [['items = [""]', 'items = ["Warm socks"]\nmood = 6']]
    (folder / "plan.json").write_text(json.dumps(plan), encoding="utf-8")
    monkeypatch.setenv("EDITOR", f"{shlex.quote(sys.executable)} {shlex.quote(str(script))}")
    result = log(runner, "--kind", "gratitude", "--by", "Sarah", "--editor")
    assert result.exit_code == 0, result.output
    seen = (folder / "seen.toml").read_text("utf-8")
    assert "# [gratitude] items (up to 3); mood 0-10" in seen
    assert "gratitude" in seen.splitlines()[2]  # the kinds the form names
    [e] = entries(notes)
    assert e["gratitude"] == {"items": ["Warm socks"], "mood": 6}


@pytest.fixture
def grateful(runner, mia, notes) -> Path:
    """Two gratitude entries (mood 6 and 8) and a practice log."""
    for items, mood in ((["Sun", "Tea"], "6"), (["Nan's visit"], "8")):
        args = [a for item in items for a in ("--grateful", item)]
        ok = log(
            runner,
            "--kind",
            "gratitude",
            "--by",
            "Sarah",
            "--gratitude-mood",
            mood,
            "--no-input",
            *args,
        )
        assert ok.exit_code == 0, ok.output
    ok = log(runner, "hw-lace", "--by", "Sarah", "--done", "n", "--no-input")
    assert ok.exit_code == 0, ok.output
    return notes


def test_gratitude_in_the_summary(runner, grateful):
    result = run(runner, "homework", "summary", "mia-k")
    assert result.exit_code == 0, result.output
    out = result.output
    assert "Gratitude\n2 gratitude entries; mood 7.0/10 on average" in out
    assert "gratitude: Sun; Tea, mood 6/10" in out
    assert "practice: not this time" in out
    assert not any(w in out.lower() for w in NOT_STRENGTHS_BASED)
    data = json.loads(run(runner, "homework", "summary", "mia-k", "--json").output)
    numbers = {k["kind"]: k for k in data["kinds"]}["gratitude"]
    assert numbers["count"] == 2
    assert numbers["means"] == [["mood", 7.0, "/10"]]
    assert numbers["words"] == "2 gratitude entries; mood 7.0/10 on average"


def test_a_summary_has_one_kind_row_per_kind_logged(runner, mia):
    ok = log(runner, "hw-lace", "--by", "Sarah", "--done", "yes", "--no-input")
    assert ok.exit_code == 0, ok.output
    data = json.loads(run(runner, "homework", "summary", "mia-k", "--json").output)
    assert [k["kind"] for k in data["kinds"]] == ["practice"]
    assert data["kinds"][0]["words"] == "1 practice entry: Lacing card ×1"


def test_gratitude_in_the_export(runner, grateful):
    result = run(runner, "export", "--table", "homework")
    assert result.exit_code == 0, result.output
    reader = csv.DictReader(io.StringIO(result.stdout))
    assert reader.fieldnames is not None
    at = reader.fieldnames.index("grateful_for")  # the kinds' columns, in declared order
    assert reader.fieldnames[at : at + 2] == ["grateful_for", "gratitude_mood"]
    rows = [r for r in reader if r["entry_kind"] == "gratitude"]
    assert sorted((r["grateful_for"], r["gratitude_mood"]) for r in rows) == [
        ("Nan's visit", "8"),
        ("Sun; Tea", "6"),
    ]
    assert all(r["done"] == "" for r in rows)


def test_gratitude_in_the_progress_report(runner, grateful):
    result = run(runner, "report", "mia-k")
    assert result.exit_code == 0, result.output
    assert "Gratitude: 2 gratitude entries; mood 7.0/10 on average." in result.stdout


def test_gratitude_in_the_trends_view(runner, grateful, mia):
    a_week_ago = datetime.now().astimezone().replace(microsecond=0) - timedelta(days=7)
    mia.add_session(make_session(start=a_week_ago, plan=Plan("Followed Mia's lead.", "")))
    result = run(runner, "trends", "mia-k")
    assert result.exit_code == 0, result.output
    assert "Gratitude: 2 gratitude entries; mood 7.0/10 on average" in result.output


@pytest.mark.pty
def test_gratitude_in_a_terminal(mia, notes):
    env = dict(os.environ)
    env["TERM"] = "xterm"
    child = pexpect.spawn(
        sys.executable,
        ["-m", "otjournal", "homework", "log", "mia-k", "--kind", "gratitude"],
        env=env,
        encoding="utf-8",
        timeout=20,
        dimensions=(40, 200),
    )
    for prompt, reply in (
        ("Who is writing", ""),
        ("When", ""),
        ("Something you are grateful for", "Sun on the balcony"),
        ("Another", "Warm socks"),
        ("Another", ""),
        ("Mood now", "7"),
        ("Save?", "y"),
    ):
        child.expect_exact(prompt)
        child.sendline(reply)
    child.expect(r"Saved gratitude entry (\S+)\.")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0, child.before
    [e] = entries(notes)
    assert e["gratitude"] == {"items": ["Sun on the balcony", "Warm socks"], "mood": 7}
    assert e["at"] <= datetime.now().astimezone()


# -- the flag rules, pure (the clock passed in) -------------------------------------------


def test_log_entry_is_pure_and_reads_the_spec_flags():
    clock = datetime(2026, 3, 7, 19, 45, 30, tzinfo=datetime.now().astimezone().tzinfo)
    given = entryform.LogAnswers(
        assignment="1",
        at="yesterday 19:30",
        by="Sarah",
        flags={"done": "p", "mastery": 6, "grateful": None, "emotion": None},
    )
    entry = entryform.log_entry(given, current=[LACE], kept=None, now=clock, unattended=True)
    assert entry == {
        "assignment": "hw-lace",
        "entry_kind": "practice",
        "at": datetime(2026, 3, 6, 19, 30, tzinfo=clock.tzinfo),
        "practice": {"done": "partly", "mastery": 6},
        "written_by": "Sarah",
    }
    kept = {"entry_kind": "gratitude", "gratitude": {"items": ["Tea"]}, "written_by": "Sam"}
    again = entryform.LogAnswers(flags={"gratitude_mood": 7})
    merged = entryform.log_entry(again, current=[], kept=kept, now=clock, unattended=False)
    assert merged == {
        "entry_kind": "gratitude",
        "gratitude": {"items": ["Tea"], "mood": 7},
        "written_by": "Sam",
    }


def test_log_entry_says_what_is_wrong_without_echoing_it():
    from otjournal.errors import UsageError

    clock = datetime.now().astimezone()
    for given, said in (
        (entryform.LogAnswers(kind="homework"), "--kind must be one of"),
        (entryform.LogAnswers(assignment="9"), "no homework '9' was set"),
        (entryform.LogAnswers(flags={"done": "maybe"}), "--done takes yes, partly"),
    ):
        with pytest.raises(UsageError) as caught:
            entryform.log_entry(given, current=[LACE], kept=None, now=clock, unattended=True)
        assert said in caught.value.message


def prompt_answers(kind: RecordKind) -> list[str]:
    """What a person types for each field the spec's flow asks, in order."""
    typed: list[str] = []
    for f in kind.fields:
        if f.type in ("int", "number"):
            typed.append(f"{f.high or 0:g}")
        elif f.type == "choice":
            typed.append(f.choices[0])
        elif f.type == "texts":
            typed += ["Sun on the balcony"] + ([""] if f.max_items != 1 else [])
        else:
            typed += ["Wrote it down tonight.", ""]  # free text ends with an empty line
    return typed


SPEC_FLOWS = [k for k in HOMEWORK if k.name not in ("practice", "relaxation", "thought-record")]


@pytest.mark.parametrize("kind", SPEC_FLOWS, ids=lambda k: k.name)
def test_a_kind_without_a_flow_of_its_own_is_asked_its_spec_fields(runner, mia, notes, kind):
    assert SPEC_FLOWS, "no kind is asked by its spec alone"
    typed = ["", "", *prompt_answers(kind), "y"]  # who (Sarah), when (now), fields, save
    result = log(runner, "--kind", kind.name, input=lines(*typed))
    assert result.exit_code == 0, result.output
    for f in kind.fields:
        assert f.label in result.stderr
    [e] = entries(notes)
    assert e["entry_kind"] == kind.name
    for f in kind.fields:
        stored = e.get(f.key) if f.top else e[kind.part_key].get(f.key)
        assert stored not in (None, "", []), f.key
