"""A client's words are theirs (issue 16): no language hint on anything a client or
caregiver writes, however it is written (flags, --no-input, --from, --editor, the prompts
in CliRunner and in a real terminal, `homework import`, self mode), and every word saved
exactly as typed. Hints stay on a practitioner's session notes (`otj log`)."""

from __future__ import annotations

import os
import shlex
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest

from otjournal.cli import app
from otjournal.disk.store import Journal
from otjournal.model import Assignment, Caregiver, Client, Goal
from otjournal.model.kinds import HOMEWORK, HOMEWORK_KINDS
from otjournal.model.spec import FieldSpec, RecordKind
from tests.conftest import CLOCK, make_client
from tests.terminal import Pty
from tests.test_log import REFUSED as NOTE
from tests.test_log import answers

SAM = "I failed again today and I am so lazy"
REFUSED = "I refused to go out, non-compliant as usual"
# The words a practitioner's note would be hinted at: none may be hinted at here.
DEFICIT_WORDS = ("failed", "lazy", "refused", "non-compliant")
HINTED = "can read as a judgement"
LACE = Assignment("hw-lace", "Lacing card", "practice", 5)


def run(runner, *args: Any, input: str | None = None):
    return runner.invoke(app, [str(a) for a in args], input=input)


def lines(*answers: str) -> str:
    return "\n".join(answers) + "\n"


def no_hint(result) -> None:
    """Nothing hinted at, anywhere the command printed."""
    assert result.exit_code == 0, result.output
    for stream in (result.stdout, result.stderr):
        assert HINTED not in stream, stream
        assert "hint:" not in stream, stream
        assert "strengths" not in stream.lower(), stream


def saved(notes: Path, handle: str = "mia-k") -> list[dict[str, Any]]:
    folder = notes / "clients" / handle / "homework"
    return [tomllib.loads(p.read_text("utf-8")) for p in sorted(folder.glob("*.toml"))]


def only_entry(notes: Path, handle: str = "mia-k") -> dict[str, Any]:
    entries = saved(notes, handle)
    assert len(entries) == 1, entries
    return entries[0]


@pytest.fixture
def mia(journal: Journal) -> Journal:
    journal.add_client(make_client(caregivers=(Caregiver("Sarah", "mother"),), assignments=(LACE,)))
    return journal


@pytest.fixture
def self_mode(runner, notes) -> str:
    """`otj init --self`: Sam's own journal, the default client."""
    result = run(runner, "init", "--self", "--name", "Sam")
    assert result.exit_code == 0, result.output
    return "me"


# -- flags and --no-input: every kind, from its spec ---------------------------------------


def _flag_value(f: FieldSpec, text: str) -> str:
    """A deficit-worded value for each text a person writes; a valid value elsewhere."""
    if f.key == "emotions":
        return "ashamed:90:60"
    if f.key == "thoughts":
        return f"{SAM}:95:hot"
    if f.type in ("text", "texts"):
        return text
    if f.example:
        return f.example
    if f.choices:
        return f.choices[0]
    return f"{f.low or 0:g}"


def _flags(kind: RecordKind) -> tuple[list[str], dict[str, Any]]:
    """Every flag of the kind, and the texts it must save as typed (key -> value)."""
    args = ["--kind", kind.name, "--by", "Sarah", "--text", REFUSED]
    texts: dict[str, Any] = {}
    for i, f in enumerate(kind.fields):
        if f.flag:
            value = _flag_value(f, SAM if i % 2 else REFUSED)
            args += [f.flag, value]
            if f.type in ("text", "texts"):
                texts[f.key] = [value] if f.type == "texts" else value
    return args, texts


@pytest.mark.parametrize("kind", HOMEWORK, ids=HOMEWORK_KINDS)
def test_flags_with_no_input_save_deficit_words_as_typed_and_hint_nothing(runner, mia, notes, kind):
    args, texts = _flags(kind)
    result = run(runner, "homework", "log", "mia-k", *args, "--no-input")
    no_hint(result)
    e = only_entry(notes)
    assert e["entry_kind"] == kind.name
    assert e["text"] == REFUSED
    part = e.get(kind.part_key, {}) if kind.part_key else {}
    assert {key: part.get(key) for key in texts} == texts


def test_the_flags_reach_a_text_of_every_kind_that_has_one():
    with_texts = {k.name for k in HOMEWORK if _flags(k)[1]}
    assert {"practice", "relaxation", "thought-record", "gratitude"} <= with_texts


def test_a_thought_record_from_flags_keeps_every_column_word_for_word(runner, mia, notes):
    balanced = "I rested when I was tired; that is not lazy"
    args = ["--kind", "thought-record", "--situation", SAM, "--emotion", "ashamed:90:60"]
    args += ["--thought", f"{REFUSED}:95:hot", "--evidence-for", SAM]
    args += ["--evidence-against", REFUSED, "--balanced", balanced, "--balanced-belief", "40"]
    no_hint(run(runner, "homework", "log", "mia-k", *args, "--by", "Sam", "--no-input"))
    t = only_entry(notes)["thought_record"]
    assert t["situation"] == SAM
    assert t["thoughts"] == [{"text": REFUSED, "belief": 95, "hot": True}]
    assert (t["evidence_for"], t["evidence_against"]) == (SAM, REFUSED)
    assert (t["balanced_thought"], t["balanced_belief"]) == (balanced, 40)


# -- --from and --editor -------------------------------------------------------------------

THOUGHT_RECORD_FORM = f"""\
entry_kind = "thought-record"
written_by = "Sam"
text = "{REFUSED}"

[thought_record]
situation = "{SAM}"
evidence_for = "{SAM}"
evidence_against = "{REFUSED}"
balanced_thought = "{REFUSED}"

[[thought_record.emotions]]
name = "ashamed"
before = 90

[[thought_record.thoughts]]
text = "{SAM}"
belief = 95
hot = true
"""


def test_a_thought_record_from_a_file_hints_nothing(runner, mia, notes, tmp_path):
    source = tmp_path / "entry.toml"
    source.write_text(THOUGHT_RECORD_FORM, encoding="utf-8")
    no_hint(run(runner, "homework", "log", "mia-k", "--from", source))
    e = only_entry(notes)
    assert e["text"] == REFUSED
    assert e["thought_record"]["situation"] == SAM
    assert e["thought_record"]["thoughts"][0]["text"] == SAM


EDITOR = r"""
import pathlib, sys
form = pathlib.Path(sys.argv[-1])
form.write_text((pathlib.Path(__file__).parent / "answer.toml").read_text("utf-8"), "utf-8")
"""


@pytest.mark.parametrize(
    "form",
    [
        THOUGHT_RECORD_FORM,
        f'entry_kind = "journal"\nwritten_by = "Sam"\ntext = """\n{SAM}\n{REFUSED}"""\n',
    ],
    ids=["thought-record", "journal"],
)
def test_the_editor_hints_nothing(runner, mia, notes, tmp_path, monkeypatch, form):
    folder = tmp_path / "editor"
    folder.mkdir()
    (folder / "fake_editor.py").write_text(EDITOR, encoding="utf-8")
    (folder / "answer.toml").write_text(form, encoding="utf-8")
    editor = f"{shlex.quote(sys.executable)} {shlex.quote(str(folder / 'fake_editor.py'))}"
    monkeypatch.setenv("EDITOR", editor)
    no_hint(run(runner, "homework", "log", "mia-k", "--editor"))
    e = only_entry(notes)
    assert SAM in e["text"] or e["thought_record"]["situation"] == SAM
    if e["entry_kind"] == "journal":
        assert e["text"] == f"{SAM}\n{REFUSED}"


# -- the prompts (CliRunner) ---------------------------------------------------------------

# What is typed for each kind, after "Who is writing" and "When" (Enter, Enter), and what
# must be saved (dotted keys). The order follows prompts/homework.py.
PROMPTED: dict[str, tuple[list[str], list[str], dict[str, Any]]] = {
    "practice": (
        ["hw-lace"],  # the assignment: what was practised defaults to its name
        ["", "p", SAM, "", "", "", "y"],
        {"practice.how_it_went": SAM},
    ),
    "relaxation": (
        ["--kind", "relaxation"],
        [REFUSED, "", "", "", "y"],
        {"relaxation.technique": REFUSED},
    ),
    "thought-record": (
        ["--kind", "thought-record"],
        [
            SAM,
            REFUSED,
            "",  # situation, two lines
            "ashamed",
            "90",
            "",  # emotions
            SAM,
            "95",
            "",  # thoughts (one: the hot one)
            REFUSED,
            "",  # evidence for
            "non-compliant, they said",
            "",  # evidence against
            "I failed once; that is not lazy",
            "",  # balanced thought
            "",  # how much believed
            "",  # ashamed now
            "y",
        ],
        {
            "thought_record.situation": f"{SAM}\n{REFUSED}",
            "thought_record.thoughts": [{"text": SAM, "belief": 95, "hot": True}],
            "thought_record.evidence_for": REFUSED,
            "thought_record.evidence_against": "non-compliant, they said",
            "thought_record.balanced_thought": "I failed once; that is not lazy",
        },
    ),
    "mood-check": (
        ["--kind", "mood-check", "--text", SAM],
        ["2", "", "y"],
        {"mood.mood": 2, "text": SAM},
    ),
    "journal": (
        ["--kind", "journal"],
        [SAM, REFUSED, "", "y"],
        {"text": f"{SAM}\n{REFUSED}"},
    ),
    "gratitude": (
        ["--kind", "gratitude"],
        [REFUSED, SAM, "", "", "y"],
        {"gratitude.items": [REFUSED, SAM]},
    ),
}


@pytest.mark.parametrize("kind", sorted(PROMPTED))
def test_the_prompts_save_deficit_words_as_typed_and_hint_nothing(runner, mia, notes, kind):
    args, typed, expected = PROMPTED[kind]
    result = run(runner, "homework", "log", "mia-k", *args, input=lines("", "", *typed))
    no_hint(result)
    e = only_entry(notes)
    assert e["entry_kind"] == kind
    assert expected, kind
    for dotted, value in expected.items():
        part, _, key = dotted.rpartition(".")
        assert (e[part] if part else e)[key] == value, dotted


def test_every_current_kind_is_typed_through_the_prompts():
    assert set(PROMPTED) >= {"practice", "relaxation", "thought-record", "mood-check"}
    assert set(PROMPTED) >= {"journal", "gratitude"}


def test_self_mode_journal_through_the_prompts_hints_nothing(runner, notes, self_mode):
    """Sam's own journal, the words of issue 16."""
    result = run(runner, "homework", "log", "--kind", "journal", input=lines("", SAM, "", "y"))
    no_hint(result)
    assert only_entry(notes, self_mode)["text"] == SAM


def test_hints_switched_on_in_the_config_still_leave_homework_alone(runner, mia, notes):
    path = Path(os.environ["XDG_CONFIG_HOME"]) / "otjournal" / "config.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("[hints]\nlanguage = true\n", encoding="utf-8")
    args, typed, _ = PROMPTED["journal"]
    no_hint(run(runner, "homework", "log", "mia-k", *args, input=lines("", "", *typed)))


# -- a real terminal -----------------------------------------------------------------------


@pytest.mark.pty
def test_a_thought_record_in_a_terminal_in_self_mode_hints_nothing(runner, notes, self_mode):
    env = dict(os.environ)
    env["TERM"] = "xterm"
    child = Pty("homework", "log", "--kind", "thought-record", env=env, timeout=20)
    child.answer("When", "")
    child.answer("Situation", SAM)
    child.answer("…", "")
    child.answer("Emotion", "ashamed")
    child.answer("How strong", "90")
    child.answer("Another emotion", "")
    child.answer("Automatic thought", REFUSED)
    child.answer("How much do you believe it", "95")
    child.answer("Another thought", "")
    child.answer("Evidence for", SAM)
    child.answer("…", "")
    child.answer("Evidence against", "non-compliant, they said")
    child.answer("…", "")
    child.answer("balanced thought", "")
    child.answer("Re-rate ashamed", "")
    child.answer("Would you like to see where support is", "")  # a self-journal: offered
    child.answer("Save?", "y")
    child.expect_re(r"Saved thought-record entry \S+\.")
    child.finish(0)
    assert HINTED not in child.output
    assert "hint:" not in child.output
    t = only_entry(notes, self_mode)["thought_record"]
    assert t["situation"] == SAM
    assert t["thoughts"] == [{"text": REFUSED, "belief": 95, "hot": True}]
    assert (t["evidence_for"], t["evidence_against"]) == (SAM, "non-compliant, they said")


# -- homework import -----------------------------------------------------------------------


def test_an_imported_entry_is_shown_and_kept_as_written(runner, tmp_path):
    family, clinic = tmp_path / "family", tmp_path / "clinic"
    Journal(family).add_client(make_client("sam-r"))
    Journal(clinic).add_client(make_client("sam-r"))
    for args in (
        ["--kind", "journal", "--text", SAM],
        ["--kind", "thought-record", "--situation", REFUSED, "--emotion", "ashamed:90"],
    ):
        extra = ["--thought", f"{SAM}:95:hot"] if "thought-record" in args else []
        logged = run(
            runner, "homework", "log", "sam-r", *args, *extra, "--by", "Sam", "--no-input",
            "--dir", family,
        )  # fmt: skip
        no_hint(logged)
    share = tmp_path / "week.toml"
    no_hint(run(runner, "homework", "export", "sam-r", "-o", share, "--dir", family))
    imported = run(runner, "homework", "import", share, "--client", "sam-r", "--dir", clinic)
    no_hint(imported)
    entries = saved(clinic, "sam-r")
    assert len(entries) == 2
    assert {e.get("text") for e in entries} == {SAM, None}
    [record] = [e["thought_record"] for e in entries if "thought_record" in e]
    assert record["situation"] == REFUSED
    assert record["thoughts"][0]["text"] == SAM
    for command in (["homework", "summary", "sam-r"], ["list", "sam-r"]):
        no_hint(run(runner, *command, "--dir", clinic))


# -- the practitioner's notes keep their hints ---------------------------------------------
# tests/test_log.py::test_hint_for_refused_in_the_caregiver_report shows `otj log` hints at
# "refused" (and not with `hints.language = false`); the same note here, and in self mode.


def _log_config(top: str = "") -> None:
    path = Path(os.environ["XDG_CONFIG_HOME"]) / "otjournal" / "config.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(top + '[practitioner]\nname = "Alex Rivera"\n', encoding="utf-8")


def _log_client(journal: Journal) -> None:
    """mia-k as tests/test_log.py has her (two goals), so its answers() fit."""
    goals = tuple(
        Goal(gid, text, set_on=CLOCK.date(), baseline=-2, baseline_on=CLOCK.date())
        for gid, text in (("g1", "Laces shoes before kinder"), ("g2", "Uses a calm-body plan"))
    )
    journal.add_client(Client("mia-k", "Mia K.", goals=goals))


@pytest.mark.parametrize(
    "top",
    ["", 'self_mode = true\ndefault_client = "me"\n'],
    ids=["practitioner", "self-mode-for-another-client"],
)
def test_a_session_note_hints_at_refused_for_a_practitioner_only(
    runner, journal, notes, clock, top
):
    """Hints are for the practitioner: on for a client's note even when this device also
    keeps its user's own journal (self mode speaks to that client only: the rule's own
    test below)."""
    _log_client(journal)
    _log_config(top)
    result = run(runner, "log", "mia-k", input=answers(caregiver=[NOTE, "", "Watched"]))
    assert result.exit_code == 0, result.output
    hinted = [ln for ln in result.stderr.splitlines() if HINTED in ln]
    assert any("'refused'" in ln for ln in hinted), result.stderr
    folder = notes / "clients" / "mia-k" / "sessions"
    [note] = [tomllib.loads(p.read_text("utf-8")) for p in folder.rglob("*.toml")]
    assert note["caregiver"]["report"] == NOTE


def test_the_rule_lives_in_one_place():
    from otjournal.config import Config
    from otjournal.forms.hints import for_practitioner, language_hints

    assert {h.word for h in language_hints(SAM)} == {"failed", "lazy"}
    assert {h.word for h in language_hints(REFUSED)} == {"refused", "non-compliant"}
    assert for_practitioner(Config(), "mia-k")
    assert not for_practitioner(Config(hints=False), "mia-k")
    yours = Config(self_mode=True, default_client="me")
    assert not for_practitioner(yours, "me")
    assert for_practitioner(yours, "mia-k")  # another client's note: a practitioner's


def test_the_hints_speak_of_any_client_never_of_the_child():
    from otjournal.forms.hints import language_hints

    words = "non-compliant, did not comply, complied, refused, tolerated, poor, defiant, "
    words += "manipulative, lazy, failed, deficits, low-functioning, meltdown"
    messages = [h.message() for h in language_hints(words)]
    assert len(messages) == 13, messages
    assert [m for m in messages if "child" in m] == []


def test_trends_in_self_mode_speak_to_you(runner, clock, self_mode):
    logged = run(
        runner,
        "log",
        self_mode,
        "--no-input",
        "--date",
        "2026-03-05",
        "--time",
        "10:00",
        "--duration",
        "30",
        "--summary",
        "Walked",
        "--activity",
        "walk;tags=c,a",
        "--setting",
        "home",
        "--attendee",
        "client",
        "--by",
        "Sam",
    )
    assert logged.exit_code == 0, logged.output
    shown = runner.invoke(app, ["trends", self_mode], env={"COLUMNS": "200"}).stdout
    assert "Client-led or interest-based 100%" in shown
    assert "plans that follow you" in shown and "child" not in shown.lower()


def test_a_self_journal_is_an_adults(runner, self_mode: str, notes):
    """`init --self`: the person keeping their own journal is an adult to otjournal
    (words, retention), not a child for want of a birth date."""
    shown = run(runner, "client", "show", self_mode)
    assert "age group: adult (set on the profile)" in shown.output
    assert "child" not in shown.output
    assert 'age_group = "adult"' in (notes / "clients" / "me" / "client.toml").read_text()
