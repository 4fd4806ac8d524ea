"""``otj log`` through CliRunner (flags, --no-input, --from, the guided flow fed by stdin,
the editor with a fake $EDITOR), ``otj drafts``, ``otj config``, and the pure helpers
behind them (noteform: the checklist one-liner, the late-entry rule, finalize).

The tests that take the ``clock`` fixture (tests/conftest.py) run with the commands' clock
stopped at CLOCK.
"""

from __future__ import annotations

import json
import os
import shlex
import sys
import tomllib
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from otjournal.cli import app
from otjournal.errors import UsageError
from otjournal.forms import session as noteform
from otjournal.model import Client, Goal
from otjournal.model.vocab import CHECKLIST
from tests.conftest import CLOCK, TZ

# With the default 45 minutes, a note written at CLOCK is for a session that started at:
DEFAULT_START = datetime(2026, 3, 7, 15, 15, tzinfo=TZ)
SEVEN = "yyypyn-"
SEVEN_ANSWERS = ["yes", "yes", "yes", "partly", "yes", "no", "n-a"]


# -- helpers ----------------------------------------------------------------------------


def config_path() -> Path:
    return Path(os.environ["XDG_CONFIG_HOME"]) / "otjournal" / "config.toml"


def write_config(text: str) -> Path:
    path = config_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def drafts_dir() -> Path:
    return Path(os.environ["XDG_STATE_HOME"]) / "otjournal" / "drafts"


def draft_files() -> list[Path]:
    folder = drafts_dir()
    if not folder.exists():
        return []
    return sorted(
        p
        for p in folder.iterdir()
        if p.name.endswith(".toml") and not p.name.endswith(".edit.toml")
    )


def only_draft() -> dict[str, Any]:
    files = draft_files()
    assert len(files) == 1, files
    return tomllib.loads(files[0].read_text("utf-8"))


def session_files(notes: Path, handle: str = "mia-k") -> list[Path]:
    folder = notes / "clients" / handle / "sessions"
    return sorted(folder.glob("*.toml")) if folder.exists() else []


def only_session(notes: Path, handle: str = "mia-k") -> dict[str, Any]:
    files = session_files(notes, handle)
    assert len(files) == 1, files
    return tomllib.loads(files[0].read_text("utf-8"))


def log(runner, *args: str, input: str | bytes | None = None):
    return runner.invoke(app, ["log", *args], input=input)


def ok(result) -> None:
    assert result.exit_code == 0, (result.exit_code, result.output, result.exception)


# The guided flow's questions, section by section, for mia-k (two goals, no
# communication modes) with practitioner.name configured. Each list is what is typed.
ORDER = (
    "author",
    "when",
    "where",
    "who",
    "goals",
    "activities",
    "techniques",
    "voice",
    "caregiver",
    "regulation",
    "checklist",
    "plan",
    "risk",
    "review",
)
DEFAULTS: dict[str, list[str]] = {
    "author": [],  # only asked when no practitioner is configured
    "when": ["", "", ""],  # minutes, date, start time
    "where": ["", ""],  # setting, kind of session
    "who": [""],
    "goals": ["", ""],  # g1, g2: Enter = not addressed
    "activities": [""],
    "techniques": [""],  # Enter: last time's (none on a first note)
    "voice": [""],
    "caregiver": ["", ""],  # report (multi-line), involvement (one line)
    "regulation": [""],  # Enter at the first question skips it
    "checklist": ["s"],
    "plan": ["Followed her lead", "", "", ""],  # summary + end, next focus, homework
    "risk": [""],  # Enter: not recorded
    "review": ["y"],
}


def answers(**sections: list[str]) -> str:
    unknown = set(sections) - set(ORDER)
    assert not unknown, unknown
    merged = {**DEFAULTS, **sections}
    return "".join(line + "\n" for key in ORDER for line in merged[key])


SET_ON = date(2026, 2, 7)


@pytest.fixture
def mia(journal) -> str:
    # Goals with fixed ids (as files from before random suffixes have them), so the notes
    # below can be compared whole; `otj goal add` itself is tested in test_goals.py. Set a
    # month before the clock: the notes below, some dated the day before it, rate them.
    journal.add_client(
        Client(
            "mia-k",
            "Mia K.",
            goals=(
                Goal(
                    "g1",
                    "Laces shoes before kinder",
                    levels={-2: "with hand-over-hand", 0: "with the picture card"},
                    set_on=SET_ON,
                    baseline=-2,
                    baseline_on=CLOCK.date(),
                ),
                Goal(
                    "g2",
                    "Uses a calm-body plan",
                    set_on=SET_ON,
                    baseline=-2,
                    baseline_on=CLOCK.date(),
                ),
            ),
        )
    )
    return "mia-k"


@pytest.fixture
def practitioner() -> Path:
    return write_config('[practitioner]\nname = "Alex Rivera"\n')


def full_flags() -> list[str]:
    return [
        "--date",
        "2026-03-07",
        "--time",
        "14:30",
        "--duration",
        "50",
        "--type",
        "therapy",
        "--setting",
        "home",
        "--attendee",
        "child",
        "--attendee",
        "parent",
        "--by",
        "Alex Rivera",
        "--goal",
        "g1:+1:Laced two holes",
        "--goal",
        "g2:0",
        "--activity",
        "Train course;min=15;tags=c,m;adaptation=shorter track;response=smiled",
        "--activity",
        "Swing;min=10",
        "--voice",
        "Said 'go fast'",
        "--caregiver-report",
        "Practised at home",
        "--involvement",
        "Joined the course",
        "--reg-start",
        "yellow",
        "--reg-end",
        "green",
        "--helped",
        "heavy work",
        "--helped",
        "swing",
        "--reg-notes",
        "Calm by the end",
        "--checklist",
        SEVEN,
        "--summary",
        "Followed her lead",
        "--next",
        "Lacing again",
        "--homework",
        "Lacing card;kind=practice;per_week=5",
    ]


# -- pure: the checklist one-liner ---------------------------------------------------------


def test_parse_checklist_line_maps_each_letter_in_order():
    items = noteform.checklist_items()
    assert noteform.parse_checklist_line(SEVEN, items) == SEVEN_ANSWERS
    assert noteform.parse_checklist_line(" Y y y P y N - ", items) == SEVEN_ANSWERS
    assert noteform.parse_checklist_line("uuuuuuu", items) == ["unsure"] * 7


def test_checklist_items_are_the_seed_texts_word_for_word():
    items = noteform.checklist_items()
    assert items == list(CHECKLIST)
    assert [k for k, _ in items] == [
        "interests",
        "movement-play",
        "attuned",
        "agile",
        "caregiver",
        "safety",
        "feels-good",
    ]
    assert items[0][1] == (
        "The child\u2019s interests and preferences are included\u2014because motivation "
        "drives learning"
    )


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("yyypyn", "needs 7 letters"),
        ("yyypyn--", "needs 7 letters"),
        ("", "needs 7 letters"),
        ("yyypynx", "unknown checklist letter"),
        ("yyyzyn-", "unknown checklist letter"),
    ],
)
def test_parse_checklist_line_rejects_wrong_length_or_letter(line, message):
    with pytest.raises(UsageError, match=message) as info:
        noteform.parse_checklist_line(line, noteform.checklist_items())
    assert info.value.exit_code == 2


# -- pure: the late-entry rule -------------------------------------------------------------

START = datetime(2026, 3, 5, 14, 30, tzinfo=TZ)
END = START + timedelta(minutes=45)


@pytest.mark.parametrize(
    ("written_at", "late"),
    [
        (END, False),
        (END + timedelta(hours=23, minutes=59, seconds=59), False),
        (END + timedelta(hours=24), False),
        (END + timedelta(hours=24, seconds=1), True),
        (END + timedelta(days=2), True),
    ],
)
def test_is_late_at_the_24_hour_boundary(written_at, late):
    assert noteform.is_late(START, 45, written_at, 24) is late


def test_is_late_uses_the_threshold_it_is_given():
    assert noteform.is_late(START, 45, END + timedelta(hours=2), 1) is True
    assert noteform.is_late(START, 45, END + timedelta(hours=72), 72) is False
    assert noteform.is_late(START, 45, END + timedelta(hours=72, seconds=1), 72) is True
    # The session's own length counts: the clock starts at the end, not the start.
    assert noteform.is_late(START, 60, START + timedelta(hours=24, minutes=30), 24) is False


def minimal_note(**kw: Any) -> dict[str, Any]:
    note = {
        "client": "mia-k",
        "start": START,
        "duration_min": 45,
        "written_by": "Alex Rivera",
        "setting": "clinic",
        "attendees": ["child"],
        "plan": {"summary": "Followed her lead"},
    }
    note.update(kw)
    return note


def test_finalize_takes_written_at_and_late_entry_from_the_clock_only():
    late = END + timedelta(hours=24, seconds=1)
    session = noteform.finalize(
        minimal_note(late_entry=False, written_at=START), now=late, late_hours=24
    )
    assert session.late_entry is True
    assert session.written_at == late
    on_time = END + timedelta(hours=24)
    session = noteform.finalize(minimal_note(late_entry=True), now=on_time, late_hours=24)
    assert session.late_entry is False
    assert session.written_at == on_time


def test_finalize_names_every_missing_field():
    from otjournal.errors import ValidationErrors

    with pytest.raises(ValidationErrors) as info:
        noteform.finalize({"client": "mia-k"}, now=CLOCK, late_hours=24)
    fields = {e.field for e in info.value.errors}
    assert {"start", "duration_min", "written_by", "setting", "attendees", "plan.summary"} <= (
        fields
    )


# -- --no-input ----------------------------------------------------------------------------


def test_no_input_exits_2_listing_each_missing_field(runner, notes, mia, clock):
    result = log(runner, "mia-k", "--no-input")
    assert result.exit_code == 2
    assert "cannot save without" in result.stderr
    for field, flag in (
        ("written_by", "--by"),
        ("setting", "--setting"),
        ("attendees", "--attendee"),
        ("plan.summary", "--summary"),
    ):
        line = next((ln for ln in result.stderr.splitlines() if field in ln), "")
        assert flag in line, result.stderr
    for given in ("start", "duration_min", "client"):
        assert f"  {given} " not in result.stderr
    assert session_files(notes) == []
    # Everything given is still on the command line: no draft piles up for scripts.
    assert draft_files() == []


def test_no_input_from_stdin_keeps_a_draft_when_incomplete(runner, notes, mia):
    # Text that came on stdin exists nowhere else: it is kept as a draft.
    result = runner.invoke(
        app, ["log", "mia-k", "--from", "-"], input='[plan]\nsummary = "Typed on stdin"\n'
    )
    assert result.exit_code == 2, result.output
    assert "otj log --resume" in result.stderr
    [draft] = draft_files()
    assert "Typed on stdin" in draft.read_text(encoding="utf-8")


def test_no_input_lists_only_what_is_still_missing(runner, notes, mia, clock, practitioner):
    result = log(runner, "mia-k", "--no-input", "--setting", "home", "--attendee", "child")
    assert result.exit_code == 2
    assert "plan.summary" in result.stderr
    for given in ("written_by", "setting", "attendees"):
        assert given not in result.stderr
    assert session_files(notes) == []


def test_no_input_without_a_client_names_the_client(runner, notes, mia):
    result = log(runner, "--no-input", "--summary", "x")
    assert result.exit_code == 2
    assert "client" in result.stderr
    assert "CLIENT" in result.stderr


def test_no_input_with_every_flag_saves_every_field(runner, notes, mia, clock):
    result = log(runner, "mia-k", "--no-input", *full_flags())
    ok(result)
    assert result.stdout.startswith("Saved ")
    s = only_session(notes)
    assert s["client"] == "mia-k"
    assert s["start"] == datetime(2026, 3, 7, 14, 30, tzinfo=TZ)
    assert s["duration_min"] == 50
    assert s["session_type"] == "therapy"
    assert s["setting"] == "home"
    assert s["attendees"] == ["child", "parent"]
    assert s["written_by"] == "Alex Rivera"
    assert s["written_at"] == CLOCK
    assert not s.get("late_entry", False)
    assert s["goals"] == [
        {"goal": "g1", "gas": 1, "evidence": "Laced two holes"},
        {"goal": "g2", "gas": 0},
    ]
    course, swing = s["activities"]
    assert course["name"] == "Train course"
    assert course["minutes"] == 15
    assert course["child_led"] is True
    assert course["movement_sensory"] is True
    assert course.get("interest_based", False) is False
    assert course["adapted"] is True
    assert course["adaptation"] == "shorter track"
    assert course["response"] == "smiled"
    assert swing["name"] == "Swing"
    assert swing["minutes"] == 10
    assert s["child_voice"]["text"] == "Said 'go fast'"
    assert s["caregiver"] == {"report": "Practised at home", "involvement": "Joined the course"}
    reg = s["regulation"]
    assert (reg["start"], reg["end"]) == ("yellow", "green")  # framework: see below
    assert reg["helped"] == ["heavy work", "swing"]
    assert reg["notes"] == "Calm by the end"
    assert [(c["item"], c["text"], c["answer"]) for c in s["checklist"]] == [
        (key, text, answer) for (key, text), answer in zip(CHECKLIST, SEVEN_ANSWERS, strict=True)
    ]
    assert s["plan"]["summary"] == "Followed her lead"
    assert s["plan"]["next_focus"] == "Lacing again"
    (hw,) = s["plan"]["homework"]
    assert (hw["text"], hw["kind"], hw["per_week"]) == ("Lacing card", "practice", 5)
    assert hw["id"].startswith("hw-")
    assert draft_files() == []


@pytest.mark.parametrize(
    ("framework", "start", "end"), [("zones", "yellow", "green"), ("engine", "high", "just-right")]
)
def test_regulation_flags_are_in_the_clients_framework(
    runner, notes, clock, practitioner, framework, start, end
):
    ok(runner.invoke(app, ["client", "add", "leo-b", "--name", "Leo B.", "--framework", framework]))
    result = log(
        runner,
        "leo-b",
        "--no-input",
        "--setting",
        "clinic",
        "--attendee",
        "child",
        "--summary",
        "x",
        "--reg-start",
        start,
        "--reg-end",
        end,
    )
    ok(result)
    reg = only_session(notes, "leo-b")["regulation"]
    # Like the prompts and the editor form: the client's framework, not "descriptive".
    assert (reg["framework"], reg["start"], reg["end"]) == (framework, start, end)


def test_regulation_flag_outside_the_clients_framework_exits_2(runner, notes, mia, clock):
    result = log(runner, *flags_for("2026-03-07", "09:00", "--reg-start", "purple"))
    assert result.exit_code == 2, result.output
    # Issue 12: the value typed is not echoed; the field and its choices are named.
    assert "regulation.start: not an allowed value: must be one of blue, green" in result.stderr
    assert session_files(notes) == []


def test_no_input_takes_the_author_from_the_config(runner, notes, mia, clock, practitioner):
    result = log(
        runner,
        "mia-k",
        "--no-input",
        "--setting",
        "clinic",
        "--attendee",
        "child",
        "--summary",
        "x",
    )
    ok(result)
    s = only_session(notes)
    assert s["written_by"] == "Alex Rivera"
    assert s["start"] == DEFAULT_START
    assert s["duration_min"] == 45


# -- the checklist one-liner on the command line ----------------------------------------------


def test_checklist_flag_maps_to_the_seven_items_in_order(runner, notes, mia, clock, practitioner):
    result = log(
        runner,
        "mia-k",
        "--no-input",
        "--setting",
        "clinic",
        "--attendee",
        "child",
        "--summary",
        "x",
        "--checklist",
        SEVEN,
    )
    ok(result)
    checklist = only_session(notes)["checklist"]
    assert [c["item"] for c in checklist] == [k for k, _ in CHECKLIST]
    assert [c["text"] for c in checklist] == [t for _, t in CHECKLIST]
    assert [c["answer"] for c in checklist] == SEVEN_ANSWERS


@pytest.mark.parametrize("line", ["yyypyn", "yyypyn--", "yyypynx", "yyyky n-"])
def test_checklist_flag_with_a_wrong_length_or_letter_exits_2(runner, notes, mia, clock, line):
    result = log(
        runner,
        "mia-k",
        "--no-input",
        "--by",
        "A",
        "--setting",
        "clinic",
        "--attendee",
        "child",
        "--summary",
        "x",
        "--checklist",
        line,
    )
    assert result.exit_code == 2, result.output
    assert "checklist" in result.stderr
    assert "Traceback" not in result.output
    assert session_files(notes) == []


# -- --from FILE and --from - ------------------------------------------------------------------

FROM_TOML = """\
start = 2026-03-06T09:00:00+10:00
duration_min = 60
session_type = "review"
setting = "school"
attendees = ["child", "teacher"]
written_by = "Alex Rivera"

[[goals]]
goal = "g1"
gas = -1
evidence = "Two holes with help"

[[activities]]
name = "Obstacle course"
minutes = 20
child_led = true

[child_voice]
text = \"\"\"
Line one
Line two\"\"\"

[regulation]
framework = "zones"
start = "blue"
end = "green"

[plan]
summary = "Good session"
"""


def test_from_file_saves_the_note(runner, notes, mia, clock, tmp_path):
    src = tmp_path / "note.toml"
    src.write_text(FROM_TOML, encoding="utf-8")
    result = log(runner, "mia-k", "--from", str(src))
    ok(result)
    s = only_session(notes)
    assert s["start"] == datetime(2026, 3, 6, 9, 0, tzinfo=TZ)
    assert s["duration_min"] == 60
    assert s["session_type"] == "review"
    assert s["setting"] == "school"
    assert s["attendees"] == ["child", "teacher"]
    assert s["goals"] == [{"goal": "g1", "gas": -1, "evidence": "Two holes with help"}]
    assert s["activities"][0]["name"] == "Obstacle course"
    assert s["activities"][0]["minutes"] == 20
    assert s["child_voice"]["text"] == "Line one\nLine two"
    assert (s["regulation"]["start"], s["regulation"]["end"]) == ("blue", "green")
    assert s["plan"]["summary"] == "Good session"
    assert s["written_at"] == CLOCK
    assert draft_files() == []
    assert src.read_text(encoding="utf-8") == FROM_TOML  # the source is never touched


def test_from_file_flags_win_over_the_file(runner, notes, mia, clock, tmp_path):
    src = tmp_path / "note.toml"
    src.write_text(FROM_TOML, encoding="utf-8")
    result = log(runner, "mia-k", "--from", str(src), "--setting", "home", "--summary", "Flags")
    ok(result)
    s = only_session(notes)
    assert s["setting"] == "home"
    assert s["plan"]["summary"] == "Flags"
    assert s["session_type"] == "review"  # not given as a flag: the file's


def test_from_file_never_takes_written_at_late_entry_or_id(runner, notes, mia, clock, tmp_path):
    src = tmp_path / "note.toml"
    src.write_text(
        'id = "2020-01-01_0000_aaaaa"\nwritten_at = 2020-01-01T00:00:00+10:00\n'
        "late_entry = false\n" + FROM_TOML.replace("2026-03-06T09:00", "2026-03-01T09:00"),
        encoding="utf-8",
    )
    ok(log(runner, "mia-k", "--from", str(src)))
    s = only_session(notes)
    assert s["written_at"] == CLOCK
    assert s["late_entry"] is True
    assert s["id"] != "2020-01-01_0000_aaaaa"


def test_from_stdin_saves_the_note(runner, notes, mia, clock):
    result = log(runner, "mia-k", "--from", "-", input=FROM_TOML)
    ok(result)
    s = only_session(notes)
    assert s["plan"]["summary"] == "Good session"
    assert s["child_voice"]["text"] == "Line one\nLine two"


def test_from_stdin_with_an_invalid_utf8_byte_keeps_the_entry(runner, notes, mia, clock):
    data = FROM_TOML.encode("utf-8").replace(
        b'summary = "Good session"', b'summary = "Good \xff session, caf\xc3\xa9"'
    )
    result = log(runner, "mia-k", "--from", "-", input=data)
    ok(result)
    s = only_session(notes)
    assert s["plan"]["summary"] == "Good \ufffd session, café"
    assert s["goals"][0]["evidence"] == "Two holes with help"  # the rest is intact


def test_from_stdin_with_a_bom_is_read(runner, notes, mia, clock):
    ok(log(runner, "mia-k", "--from", "-", input=b"\xef\xbb\xbf" + FROM_TOML.encode()))
    assert only_session(notes)["plan"]["summary"] == "Good session"


def test_from_stdin_missing_fields_exits_2_listing_them(runner, notes, mia, clock):
    result = log(runner, "mia-k", "--from", "-", input='setting = "home"\n')
    assert result.exit_code == 2
    for field in ("written_by", "attendees", "plan.summary"):
        assert field in result.stderr
    assert "setting " not in result.stderr
    assert session_files(notes) == []


def test_from_file_that_is_not_toml_names_the_line(runner, notes, mia, clock, tmp_path):
    src = tmp_path / "note.toml"
    src.write_text('setting = "home"\nattendees = ["child"\nwritten_by = "A"\n', encoding="utf-8")
    result = log(runner, "mia-k", "--from", str(src))
    assert result.exit_code == 1
    assert "note.toml:2:" in result.stderr or "note.toml:3:" in result.stderr
    assert "Traceback" not in result.output
    assert session_files(notes) == []


def test_from_a_missing_file_is_a_clear_error(runner, notes, mia, clock, tmp_path):
    result = log(runner, "mia-k", "--from", str(tmp_path / "nope.toml"))
    assert result.exit_code != 0
    assert "cannot read" in result.stderr
    assert "Traceback" not in result.output


# -- the late-entry rule through the command ------------------------------------------------


def flags_for(date: str, time: str, *extra: str) -> list[str]:
    return [
        "mia-k",
        "--no-input",
        "--date",
        date,
        "--time",
        time,
        "--by",
        "Alex",
        "--setting",
        "clinic",
        "--attendee",
        "child",
        "--summary",
        "Typed here",
        *extra,
    ]


def test_a_note_for_two_days_ago_is_a_late_entry(runner, notes, mia, clock):
    result = log(runner, *flags_for("2026-03-05", "15:15"))
    ok(result)
    s = only_session(notes)
    assert s["late_entry"] is True
    assert s["written_at"] == CLOCK
    assert s["start"] == datetime(2026, 3, 5, 15, 15, tzinfo=TZ)
    assert "late entry" in result.stderr
    assert "48 hours" in result.stderr


def test_a_note_for_today_is_not_a_late_entry(runner, notes, mia, clock):
    ok(log(runner, *flags_for("2026-03-07", "09:00")))
    s = only_session(notes)
    assert s.get("late_entry", False) is False
    assert s["written_at"] == CLOCK


@pytest.mark.parametrize(("extra_seconds", "late"), [(0, False), (1, True)])
def test_the_late_entry_boundary_through_the_command(
    runner, notes, mia, clock, extra_seconds, late
):
    # The session 2026-03-05 14:30 + 45 min ends 15:15; exactly 24 h later is not late.
    written = clock.set(datetime(2026, 3, 6, 15, 15, extra_seconds, tzinfo=TZ))
    ok(log(runner, *flags_for("2026-03-05", "14:30")))
    s = only_session(notes)
    assert s.get("late_entry", False) is late
    assert s["written_at"] == written


@pytest.mark.parametrize(
    ("hours", "date", "time", "late"),
    [
        ("72", "2026-03-05", "15:15", False),  # 48 h after: within 72
        ("72", "2026-03-04", "10:00", True),  # 77 h after
        ("1", "2026-03-07", "13:00", True),  # ended 13:45, written 16:00
        ("1", "2026-03-07", "14:30", False),  # ended 15:15, written 16:00
        ("1.5", "2026-03-07", "13:45", False),  # ended 14:30: exactly 1.5 h
    ],
)
def test_late_entry_hours_in_the_config_changes_the_threshold(
    runner, notes, mia, clock, hours, date, time, late
):
    write_config(f"[session]\nlate_entry_hours = {hours}\n")
    ok(log(runner, *flags_for(date, time)))
    assert only_session(notes).get("late_entry", False) is late


# -- the guided flow, fed through stdin -------------------------------------------------------


def test_flow_all_defaults_saves_a_minimal_note(runner, notes, mia, clock, practitioner):
    result = log(runner, "mia-k", input=answers())
    ok(result)
    assert "Session note for Mia K." in result.stderr
    assert "Your name" not in result.stderr  # the config names the author
    assert result.stdout.startswith("Saved ")
    s = only_session(notes)
    assert s["start"] == DEFAULT_START
    assert s["duration_min"] == 45
    assert s["session_type"] == "initial"  # the first session with this client
    assert s["setting"] == "clinic"
    assert s["attendees"] == ["child", "parent"]
    assert s["written_by"] == "Alex Rivera"
    assert s["written_at"] == CLOCK
    assert s["plan"]["summary"] == "Followed her lead"
    for absent in ("goals", "activities", "regulation", "checklist"):
        assert not s.get(absent), absent
    assert not s.get("child_voice", {}).get("text")
    assert not s.get("caregiver", {}).get("report")
    assert draft_files() == []


def test_flow_asks_for_the_author_when_none_is_configured(runner, notes, mia, clock):
    result = log(runner, "mia-k", input=answers(author=["", "Sam Lee"]))
    ok(result)
    assert "Your name, as the note's author" in result.stderr
    assert "otj config edit" in result.stderr
    assert only_session(notes)["written_by"] == "Sam Lee"


def test_flow_when_reasks_bad_minutes_and_dates(runner, notes, mia, clock, practitioner):
    when = ["abc", "5000", "50", "32/13", "2026-03-06", "0930"]  # a bad date keeps its default
    result = log(runner, "mia-k", input=answers(when=when))
    ok(result)
    assert result.stderr.count("Please give a whole number from 1 to 1440") == 2
    assert "is not a date" in result.stderr
    s = only_session(notes)
    assert s["duration_min"] == 50
    assert s["start"] == datetime(2026, 3, 6, 9, 30, tzinfo=TZ)


def test_flow_when_accepts_yesterday_and_a_bad_time_is_reasked(
    runner, notes, mia, clock, practitioner
):
    result = log(
        runner, "mia-k", input=answers(when=["", "yesterday", "25:99", "yesterday", "11:00"])
    )
    ok(result)
    assert "is not a time" in result.stderr
    assert only_session(notes)["start"] == datetime(2026, 3, 6, 11, 0, tzinfo=TZ)


def test_flow_where_takes_numbers_prefixes_and_reasks(runner, notes, mia, clock, practitioner):
    result = log(runner, "mia-k", input=answers(where=["moon", "2", "rev"]))
    ok(result)
    assert "Please choose one of: clinic / home" in result.stderr
    s = only_session(notes)
    assert s["setting"] == "home"
    assert s["session_type"] == "review"


def test_flow_who_reasks_unknown_roles_and_skips_the_caregiver(
    runner, notes, mia, clock, practitioner
):
    # No parent or carer: the caregiver section asks nothing, so no answers for it.
    result = log(
        runner,
        "mia-k",
        input=answers(who=["child, dog", "child, teacher, child"], caregiver=[]),
    )
    ok(result)
    assert "Please name roles from the list" in result.stderr
    assert "No parent or carer attended: skipped." in result.stderr
    assert "Caregiver's report" not in result.stderr
    s = only_session(notes)
    assert s["attendees"] == ["child", "teacher"]
    assert "caregiver" not in s or not s["caregiver"].get("report")


def test_flow_goals_rate_with_evidence_and_skip_with_enter(runner, notes, mia, clock, practitioner):
    result = log(runner, "mia-k", input=answers(goals=["3", "+1", "Laced two holes", ""]))
    ok(result)
    assert "Please give a whole number from -2 to 2" in result.stderr
    assert "with the picture card" in result.stderr  # the goal's levels are shown
    assert only_session(notes)["goals"] == [{"goal": "g1", "gas": 1, "evidence": "Laced two holes"}]


def test_flow_without_active_goals_says_so(runner, notes, clock, practitioner):
    ok(runner.invoke(app, ["client", "add", "mia-k", "--name", "Mia K."]))
    result = log(runner, "mia-k", input=answers(goals=[]))
    ok(result)
    assert "No active goals" in result.stderr
    assert "Interim GAS" not in result.stderr


def test_flow_with_every_goal_closed_points_to_a_new_episode(runner, notes, journal, clock):
    """The goals a discharge closed are not asked; the prompt says why, and how a new
    episode begins, not only how to add a goal."""
    closed = Goal("g1", "Laces", status="discontinued")
    journal.add_client(Client("mia-k", "Mia K.", goals=(closed,)))
    result = log(runner, "mia-k", "--by", "Alex", input=answers(author=[], goals=[]))
    ok(result)
    said = " ".join(result.stderr.split())
    assert "No active goals: each is closed (otj goal list mia-k --all)." in said
    assert "A new episode starts with 'otj intake mia-k'" in said


def test_flow_activities_tags_adaptation_and_reasking(runner, notes, mia, clock, practitioner):
    activities = [
        "Train course",
        "15",
        "x",  # unknown tag: asked again
        "cma",
        "shorter track",  # asked because of 'a'
        "smiled",
        "Swing",
        "",
        "i",
        "",  # response left blank
        "",  # no more activities
    ]
    result = log(runner, "mia-k", input=answers(activities=activities))
    ok(result)
    assert "unknown activity tag" in result.stderr
    assert result.stderr.count("How was it adapted") == 1
    course, swing = only_session(notes)["activities"]
    assert course["name"] == "Train course"
    assert course["minutes"] == 15
    assert (course["child_led"], course["interest_based"], course["movement_sensory"]) == (
        True,
        False,
        True,
    )
    assert course["adapted"] is True
    assert course["adaptation"] == "shorter track"
    assert course["response"] == "smiled"
    assert swing["name"] == "Swing"
    assert "minutes" not in swing
    assert swing["interest_based"] is True
    assert swing.get("adapted", False) is False
    assert "response" not in swing
    assert "adaptation" not in swing


def test_flow_reuses_last_sessions_defaults_activities_and_helpers(
    runner, notes, mia, clock, practitioner
):
    first = [
        "mia-k",
        "--no-input",
        "--date",
        "2026-03-01",
        "--setting",
        "school",
        "--attendee",
        "child",
        "--attendee",
        "teacher",
        "--activity",
        "Train course;min=15;tags=c,m",
        "--activity",
        "Swing;min=10;tags=m",
        "--reg-start",
        "yellow",
        "--helped",
        "heavy work",
        "--helped",
        "swing",
        "--summary",
        "First",
    ]
    ok(log(runner, *first))
    activities = ["2", "", "", "", ""]  # reuse Swing; its minutes and tags kept; no more
    regulation = ["y", "g", "2, deep pressure", ""]
    result = log(
        runner,
        "mia-k",
        input=answers(caregiver=[], activities=activities, regulation=regulation),
    )
    ok(result)
    assert "Last time: 1 Train course  2 Swing" in result.stderr
    assert "last time: 1 heavy work  2 swing" in result.stderr
    new = [tomllib.loads(p.read_text("utf-8")) for p in session_files(notes)]
    s = next(x for x in new if x["plan"]["summary"] == "Followed her lead")
    assert s["setting"] == "school"  # last time's
    assert s["session_type"] == "therapy"  # not the first session any more
    assert s["attendees"] == ["child", "teacher"]
    (swing,) = s["activities"]
    assert (swing["name"], swing["minutes"], swing["movement_sensory"]) == ("Swing", 10, True)
    assert swing.get("child_led", False) is False
    reg = s["regulation"]
    assert (reg["start"], reg["end"]) == ("yellow", "green")
    assert reg["helped"] == ["swing", "deep pressure"]


def test_flow_voice_is_multiline_and_asks_the_mode(runner, notes, clock, practitioner):
    ok(
        runner.invoke(
            app,
            ["client", "add", "mia-k", "--name", "Mia K.", "--comm", "AAC", "--comm", "speech"],
        )
    )
    voice = ["Pressed 'more' on the talker", "  then said 'swing'", "", "AAC, speech"]
    result = log(runner, "mia-k", input=answers(goals=[], voice=voice))
    ok(result)
    assert "Communication mode" in result.stderr
    s = only_session(notes)
    assert s["child_voice"]["text"] == "Pressed 'more' on the talker\n  then said 'swing'"
    assert s["child_voice"]["modes"] == ["AAC", "speech"]


def test_flow_caregiver_report_and_involvement(runner, notes, mia, clock, practitioner):
    caregiver = ["Mum says mornings are easier", "Lacing at breakfast", "", "Joined the course"]
    result = log(runner, "mia-k", input=answers(caregiver=caregiver))
    ok(result)
    assert only_session(notes)["caregiver"] == {
        "report": "Mum says mornings are easier\nLacing at breakfast",
        "involvement": "Joined the course",
    }


def test_flow_regulation_engine_framework(runner, notes, clock, practitioner):
    ok(runner.invoke(app, ["client", "add", "leo-b", "--name", "Leo B.", "--framework", "engine"]))
    regulation = ["purple", "h", "just", "trampoline", "Settled after the trampoline", ""]
    result = log(runner, "leo-b", input=answers(goals=[], regulation=regulation))
    ok(result)
    assert "Alert Program engine" in result.stderr
    assert "Please choose one of: low / just-right / high" in result.stderr
    reg = only_session(notes, "leo-b")["regulation"]
    assert reg == {
        "framework": "engine",
        "start": "high",
        "end": "just-right",
        "helped": ["trampoline"],
        "notes": "Settled after the trampoline",
    }


def test_flow_regulation_descriptive_is_free_text(runner, notes, clock, practitioner):
    ok(
        runner.invoke(
            app, ["client", "add", "leo-b", "--name", "Leo B.", "--framework", "descriptive"]
        )
    )
    regulation = ["wriggly, loud", "quiet and focused", "", ""]
    ok(log(runner, "leo-b", input=answers(goals=[], regulation=regulation)))
    reg = only_session(notes, "leo-b")["regulation"]
    assert (reg["framework"], reg["start"], reg["end"]) == (
        "descriptive",
        "wriggly, loud",
        "quiet and focused",
    )


def test_flow_checklist_one_liner_after_a_wrong_one(runner, notes, mia, clock, practitioner):
    result = log(runner, "mia-k", input=answers(checklist=["yy", "yyypynq", SEVEN]))
    ok(result)
    assert "needs 7 letters" in result.stderr
    assert "unknown checklist letter" in result.stderr
    checklist = only_session(notes)["checklist"]
    assert [(c["item"], c["text"], c["answer"]) for c in checklist] == [
        (k, t, a) for (k, t), a in zip(CHECKLIST, SEVEN_ANSWERS, strict=True)
    ]


def test_flow_checklist_item_by_item_with_notes(runner, notes, mia, clock, practitioner):
    checklist = ["i", "y", "p mum arrived late", "zz", "n", "", "u", "-", "y"]
    result = log(runner, "mia-k", input=answers(checklist=checklist))
    ok(result)
    assert "y, p, n, u or -" in result.stderr
    got = {c["item"]: c for c in only_session(notes)["checklist"]}
    assert set(got) == {
        "interests",
        "movement-play",
        "attuned",
        "caregiver",
        "safety",
        "feels-good",
    }
    assert got["interests"]["answer"] == "yes"
    assert got["movement-play"]["answer"] == "partly"
    assert got["movement-play"]["note"] == "mum arrived late"
    assert got["attuned"]["answer"] == "no"
    assert "agile" not in got  # Enter left it unanswered
    assert got["caregiver"]["answer"] == "unsure"
    assert got["safety"]["answer"] == "n-a"
    assert got["feels-good"]["answer"] == "yes"
    assert got["interests"]["text"] == CHECKLIST[0][1]


def test_flow_checklist_skip(runner, notes, mia, clock, practitioner):
    ok(log(runner, "mia-k", input=answers(checklist=["s"])))
    assert not only_session(notes).get("checklist")


def test_flow_plan_needs_a_summary_and_takes_homework(runner, notes, mia, clock, practitioner):
    plan = [
        "",  # no summary: asked again
        "Followed her lead",
        "on the trains",
        "",
        "Lacing again",
        "Lacing card at breakfast",
        "relax",  # a prefix of relaxation
        "60",  # out of range: asked again
        "5",
        "Heavy work before school",
        "",
        "",  # times a week left open
        "",  # no more homework
    ]
    result = log(runner, "mia-k", input=answers(plan=plan))
    ok(result)
    assert "A short summary is needed" in result.stderr
    assert "Please give a whole number from 1 to 50" in result.stderr
    p = only_session(notes)["plan"]
    assert p["summary"] == "Followed her lead\non the trains"
    assert p["next_focus"] == "Lacing again"
    first, second = p["homework"]
    assert (first["text"], first["kind"], first["per_week"]) == (
        "Lacing card at breakfast",
        "relaxation",
        5,
    )
    assert (second["text"], second["kind"]) == ("Heavy work before school", "practice")
    assert "per_week" not in second
    assert first["id"].startswith("hw-") and second["id"].startswith("hw-")
    assert first["id"] != second["id"]


def test_flow_review_changes_a_part_then_saves(runner, notes, mia, clock, practitioner):
    review = ["7", "Said 'again!'", "", "y"]  # 7 = the child's voice
    result = log(runner, "mia-k", input=answers(voice=["Said 'go'", ""], review=review))
    ok(result)
    assert "Change a part: 1 when" in result.stderr
    assert "Now: Said 'go'" in result.stderr
    assert only_session(notes)["child_voice"]["text"] == "Said 'again!'"


def test_flow_review_quit_keeps_the_draft_and_resume_goes_to_the_review(
    runner, notes, mia, clock, practitioner
):
    result = log(runner, "mia-k", input=answers(review=["q"]))
    assert result.exit_code == 0, result.output  # q asks to stop: not a failure
    assert "stopped before saving" in result.stderr
    assert "otj log --resume" in result.stderr
    assert session_files(notes) == []
    draft = only_draft()
    assert draft["step"] == "review"
    assert draft["note"]["plan"]["summary"] == "Followed her lead"
    result = log(runner, "--resume", input="y\n")
    ok(result)
    assert "Closing summary" not in result.stderr  # straight to the review
    assert only_session(notes)["plan"]["summary"] == "Followed her lead"
    assert draft_files() == []


def test_flow_input_ending_keeps_every_line_then_resume_finishes(
    runner, notes, mia, clock, practitioner
):
    before_voice = "".join(
        line + "\n" for key in ORDER[: ORDER.index("voice")] for line in DEFAULTS[key]
    )
    partial_input = before_voice + "Said 'go fast'\nand 'again'\n"  # then input ends
    result = log(runner, "mia-k", input=partial_input)
    assert result.exit_code == 1, result.output
    assert "input ended before the note was finished" in result.stderr
    path = draft_files()[0]
    assert str(path) in result.stderr
    assert "otj log --resume" in result.stderr
    draft = only_draft()
    assert draft["step"] == "voice"
    assert draft["partial"]["child_voice.text"] == "Said 'go fast'\nand 'again'"
    assert draft["note"]["attendees"] == ["child", "parent"]
    assert session_files(notes) == []

    rest = "and 'more'\n\n" + "".join(
        line + "\n" for key in ORDER[ORDER.index("caregiver") :] for line in DEFAULTS[key]
    )
    result = log(runner, "--resume", input=rest)
    ok(result)
    assert "Kept from before" in result.stderr
    s = only_session(notes)
    assert s["child_voice"]["text"] == "Said 'go fast'\nand 'again'\nand 'more'"
    assert draft_files() == []


def test_flow_invalid_utf8_on_stdin_is_replaced_not_lost(runner, notes, mia, clock, practitioner):
    data = answers(voice=["Said caf\udcff ok", ""]).encode("utf-8", "surrogateescape")
    assert b"caf\xff ok" in data
    result = log(runner, "mia-k", input=data)
    ok(result)
    assert only_session(notes)["child_voice"]["text"] == "Said caf\ufffd ok"


def test_resume_without_a_draft_is_a_clear_error(runner, notes, mia, clock):
    result = log(runner, "--resume")
    assert result.exit_code == 1
    assert "no drafts" in result.stderr


# -- language hints --------------------------------------------------------------------------

REFUSED = "She  refused the swing — then chose it herself"


@pytest.mark.parametrize("hints_on", [True, False])
def test_hint_for_refused_in_the_caregiver_report(runner, notes, mia, clock, hints_on):
    config = '[practitioner]\nname = "Alex Rivera"\n'
    if not hints_on:
        config += "[hints]\nlanguage = false\n"
    write_config(config)
    result = log(runner, "mia-k", input=answers(caregiver=[REFUSED, "", "Watched"]))
    ok(result)
    hint_lines = [ln for ln in result.stderr.splitlines() if "hint:" in ln]
    if hints_on:
        assert any("'refused'" in ln for ln in hint_lines), result.stderr
    else:
        assert hint_lines == []
        assert "can read as a judgement" not in result.stderr
    assert only_session(notes)["caregiver"]["report"] == REFUSED


# -- the editor ------------------------------------------------------------------------------

EDITOR_SCRIPT = r"""
import json, pathlib, sys
here = pathlib.Path(__file__).parent
form = pathlib.Path(sys.argv[-1])
count = here / "calls"
n = int(count.read_text()) + 1 if count.exists() else 1
count.write_text(str(n))
(here / f"seen-{n}.toml").write_text(form.read_text(encoding="utf-8"), encoding="utf-8")
(here / "form-path").write_text(str(form))
plan = json.loads((here / "plan.json").read_text(encoding="utf-8"))
if n > len(plan):
    sys.exit(99)  # never loop for ever
step = plan[n - 1]
text = form.read_text(encoding="utf-8")
for old, new in step.get("replace", []):
    text = text.replace(old, new)
if "write" in step:
    text = step["write"]
form.write_text(text, encoding="utf-8")
sys.exit(step.get("exit", 0))
"""

FILL = [
    ['setting = ""', 'setting = "home"'],
    ["attendees = []", 'attendees = ["child", "parent"]'],
    ['written_by = ""', 'written_by = "Alex Rivera"'],
    ['summary = ""', 'summary = "My precious words about today"'],
]


class FakeEditor:
    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def plan(self, *steps: dict[str, Any]) -> None:
        (self.folder / "plan.json").write_text(json.dumps(list(steps)), encoding="utf-8")

    @property
    def calls(self) -> int:
        count = self.folder / "calls"
        return int(count.read_text()) if count.exists() else 0

    def seen(self, n: int) -> str:
        return (self.folder / f"seen-{n}.toml").read_text(encoding="utf-8")

    @property
    def form_path(self) -> Path:
        return Path((self.folder / "form-path").read_text())


@pytest.fixture
def editor(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> FakeEditor:
    folder = tmp_path / "editor"
    folder.mkdir()
    script = folder / "fake_editor.py"
    script.write_text(EDITOR_SCRIPT, encoding="utf-8")
    monkeypatch.setenv("EDITOR", f"{shlex.quote(sys.executable)} {shlex.quote(str(script))}")
    return FakeEditor(folder)


def test_editor_fills_the_form_and_saves(runner, notes, mia, clock, editor):
    editor.plan({"replace": [*FILL, ['name = ""', 'name = "Train course"']]})
    result = log(runner, "mia-k", "--editor", "--voice", "Said 'go'")
    ok(result)
    assert editor.calls == 1
    form = editor.seen(1)
    assert 'client = "mia-k"' in form
    assert "Laces shoes before kinder" in form  # the goals are offered
    assert "text = \"Said 'go'\"" in form  # flags pre-fill the form
    for _, text in CHECKLIST:
        assert text in form
    s = only_session(notes)
    assert s["setting"] == "home"
    assert s["attendees"] == ["child", "parent"]
    assert s["plan"]["summary"] == "My precious words about today"
    assert s["child_voice"]["text"] == "Said 'go'"
    assert s["activities"][0]["name"] == "Train course"
    assert s["written_at"] == CLOCK
    assert draft_files() == []
    assert not editor.form_path.exists()


def test_editor_blank_blocks_mean_not_recorded(runner, notes, mia, clock, editor):
    editor.plan({"replace": FILL})
    ok(log(runner, "mia-k", "--editor"))
    s = only_session(notes)
    for absent in ("goals", "activities", "regulation", "checklist"):
        assert not s.get(absent), absent


def test_editor_invalid_form_reopens_with_errors_and_the_text_kept(
    runner, notes, mia, clock, editor
):
    bad = [*FILL, ['setting = "home"', 'setting = "moon"']]
    editor.plan({"replace": bad}, {"replace": [['setting = "moon"', 'setting = "school"']]})
    result = log(runner, "mia-k", "--editor")
    ok(result)
    assert editor.calls == 2
    second = editor.seen(2)
    assert second.startswith("# ---- Please fix these")
    header = second.split("# ------------------------------------------------------------------")[0]
    assert "setting" in header
    assert "My precious words about today" in second
    assert 'setting = "moon"' in second
    s = only_session(notes)
    assert s["setting"] == "school"
    assert s["plan"]["summary"] == "My precious words about today"
    assert draft_files() == []


def test_editor_toml_error_points_at_the_line_in_the_reopened_form(
    runner, notes, mia, clock, editor
):
    broken = 'summary = "My precious words about today'  # no closing quote
    fixed = 'summary = "My precious words about today"'
    editor.plan(
        {"replace": [*FILL, [fixed, broken]]},
        {"replace": [[broken, fixed]]},
    )
    ok(log(runner, "mia-k", "--editor"))
    second = editor.seen(2)
    header = [ln for ln in second.splitlines() if ln.startswith("# ! ")]
    assert header and header[0].startswith("# ! line ")
    reported = int(header[0].removeprefix("# ! line ").split(":")[0])
    lines = second.splitlines()
    # The line number must lead the person to the broken line of the file they see.
    assert lines[reported - 1] == broken, (reported, lines[reported - 1 : reported + 1])
    assert only_session(notes)["plan"]["summary"] == "My precious words about today"


def test_editor_nonzero_exit_keeps_the_draft(runner, notes, mia, clock, editor):
    editor.plan({"replace": FILL, "exit": 3})
    result = log(runner, "mia-k", "--editor")
    assert result.exit_code == 1
    assert "status 3" in result.stderr
    (path,) = draft_files()
    assert str(path) in result.stderr
    assert "otj log --resume" in result.stderr
    assert session_files(notes) == []
    # What was typed before the editor failed is offered again on resume.
    editor.plan({"replace": FILL, "exit": 3}, {})
    ok(log(runner, "--resume"))
    assert "My precious words about today" in editor.seen(2)
    assert only_session(notes)["plan"]["summary"] == "My precious words about today"
    assert draft_files() == []


def test_editor_that_empties_the_file_keeps_the_draft(runner, notes, mia, clock, editor):
    editor.plan({"write": ""})
    result = log(runner, "mia-k", "--editor", "--summary", "Given as a flag")
    assert result.exit_code == 1
    assert "left empty" in result.stderr
    (path,) = draft_files()
    assert str(path) in result.stderr
    assert "otj log --resume" in result.stderr
    assert only_draft()["note"]["plan"]["summary"] == "Given as a flag"
    assert session_files(notes) == []


def test_editor_resume_after_an_emptied_form_offers_the_draft_again(
    runner, notes, mia, clock, editor
):
    editor.plan({"write": ""}, {"replace": FILL})
    result = log(runner, "mia-k", "--editor", "--voice", "Said 'go'")
    assert result.exit_code == 1
    result = log(runner, "--resume")
    # The form reopened on resume is the draft's, not the empty file left behind.
    assert "Said 'go'" in editor.seen(2)
    ok(result)
    assert only_session(notes)["child_voice"]["text"] == "Said 'go'"


def test_editor_closed_unchanged_with_errors_stops_and_keeps_the_draft(
    runner, notes, mia, clock, editor
):
    editor.plan({"replace": [['setting = ""', 'setting = "moon"']]}, {})
    result = log(runner, "mia-k", "--editor")
    assert result.exit_code == 1
    assert editor.calls == 2
    assert "otj log --resume" in result.stderr
    assert len(draft_files()) == 1


def test_editor_not_set_is_a_clear_error(runner, notes, mia, clock):
    result = log(runner, "mia-k", "--editor")
    assert result.exit_code == 2
    assert "$EDITOR" in result.stderr


# -- otj drafts ------------------------------------------------------------------------------


def test_drafts_lists_a_kept_draft_and_discard_removes_it(runner, notes, mia, clock, practitioner):
    log(runner, "mia-k", input=answers(review=["q"]))
    (path,) = draft_files()
    draft_id = path.stem
    result = runner.invoke(app, ["drafts"])
    ok(result)
    assert draft_id in result.stdout
    assert "mia-k" in result.stdout
    assert "review" in result.stdout
    listed = json.loads(runner.invoke(app, ["drafts", "--json"]).stdout)["drafts"]
    assert [(d["id"], d["client"], d["path"]) for d in listed] == [(draft_id, "mia-k", str(path))]
    result = runner.invoke(app, ["drafts", "discard", draft_id, "--yes"])
    ok(result)
    assert draft_id in result.stdout
    assert draft_files() == []
    result = runner.invoke(app, ["drafts"])
    ok(result)
    assert "No drafts." in result.stdout


def test_drafts_discard_asks_first(runner, notes, mia, clock, practitioner):
    log(runner, "mia-k", input=answers(review=["q"]))
    (path,) = draft_files()
    result = runner.invoke(app, ["drafts", "discard", path.stem], input="n\n")
    assert result.exit_code == 1
    assert path.exists()


def test_drafts_discard_unknown_id(runner, notes):
    """With no drafts at all, a named one is not found: nothing was being resumed."""
    for args in (["discard", "nope", "--yes"], ["show", "nope"]):
        result = runner.invoke(app, ["drafts", *args])
        assert result.exit_code == 1
        assert "Traceback" not in result.output
        assert "no single draft matches 'nope'" in result.stderr, result.stderr
        assert "resume" not in result.stderr


# -- otj config ------------------------------------------------------------------------------


def test_config_shows_the_path_and_the_defaults(runner):
    result = runner.invoke(app, ["config"])
    ok(result)
    assert str(config_path()) in result.stdout
    assert "not created yet" in result.stdout
    for line in (
        "session.duration_min = 45",
        "session.late_entry_hours = 24",
        "hints.language = true",
        'session.regulation_framework = "zones"',
    ):
        assert line in result.stdout
    data = json.loads(runner.invoke(app, ["config", "--json"]).stdout)
    # Every value as TOML writes it: a line copied into config.toml reads back the same.
    import tomllib

    for line in result.stdout.splitlines()[1:]:
        key, _, value = line.strip().partition(" = ")
        section, _, name = key.rpartition(".")
        want = data[section][name] if section else data[name]
        assert tomllib.loads(f"v = {value}\n") == {"v": want}, line
    assert data["path"] == str(config_path())
    assert data["session"]["late_entry_hours"] == 24
    assert data["hints"]["language"] is True


def test_config_shows_the_values_in_the_file(runner):
    write_config('[practitioner]\nname = "Alex Rivera"\n[hints]\nlanguage = false\n')
    result = runner.invoke(app, ["config"])
    ok(result)
    assert "not created yet" not in result.stdout
    assert 'practitioner.name = "Alex Rivera"' in result.stdout
    assert "hints.language = false" in result.stdout


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("[session]\nduration_min = 45\nlate_entry_hours = \n", "config.toml:3:"),
        ('[practitioner]\nname = "Alex\n', "config.toml:2:"),
        ('[session]\nlate_entry_hours = "soon"\n', "config.toml:2:"),
    ],
)
def test_a_malformed_config_stops_log_but_not_list_or_check(runner, notes, mia, clock, text, where):
    ok(log(runner, *flags_for("2026-03-07", "09:00")))
    write_config(text)
    result = log(runner, "mia-k", "--no-input", "--summary", "y")
    assert result.exit_code == 1
    assert where in result.stderr, result.stderr
    assert "Traceback" not in result.output
    assert len(session_files(notes)) == 1
    assert draft_files() == []
    for command in (["list"], ["check"]):
        result = runner.invoke(app, command)
        assert result.exit_code == 0, (command, result.output)


def test_editor_form_reopened_with_an_error_gives_its_hint(runner, notes, mia, clock, editor):
    """The start moved before the goals were set, in the form: the reopened form names
    the fault and the command that fixes it, as the flags would."""
    start = "start = 2026-03-06 10:00:00+10:00"
    early = start.replace("2026-03-06", "2026-02-01")
    rated = [['gas = ""', "gas = 1"], [start, early]]
    editor.plan({"replace": [*FILL, *rated]}, {"replace": [[early, start]]})
    ok(log(runner, "mia-k", "--editor", "--date", "2026-03-06", "--time", "10:00"))
    header = editor.seen(2).split("# ------------------------------------------------------")[0]
    assert "# ! goal g1: was set on 2026-02-07, after this session (2026-02-01)" in header
    assert "(hint: if it was set earlier: otj goal edit mia-k g1 --on DAY)" in header
    assert only_session(notes)["goals"][0]["gas"] == 1
