"""Rules enforced when a record is written, never when one is read.

Files already on disk are health records: a stricter rule must not make one unreadable.
So each rule here refuses a write (exit 2 for flags, 1 with a file's line for --from or
an import) and leaves reading as tolerant as it was (the last tests read old files).
"""

from __future__ import annotations

import json
import tomllib
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from otjournal.cli import app
from otjournal.disk import tomlio
from otjournal.disk.sharing import build_export
from otjournal.disk.store import Journal
from otjournal.model import Caregiver, Client, GoalRating, HomeworkEntry, Session
from otjournal.model.write_rules import name_problem, ratings_need_a_session
from tests.conftest import CLOCK, TZ, make_client, make_session
from tests.helpers import tree


def run(runner, *args, input=None):
    return runner.invoke(app, [str(a) for a in args], input=input)


@pytest.fixture
def mia(journal: Journal, clock) -> Journal:
    journal.add_client(make_client())
    return journal


def entries(notes: Path) -> list[Path]:
    return sorted((notes / "clients" / "mia-k").glob("homework/*.toml"))


def sessions(notes: Path) -> list[Path]:
    return sorted((notes / "clients" / "mia-k").glob("sessions/*.toml"))


# -- 1. homework dated later than now: `otj log`'s rule ----------------------------------

MOOD = ["homework", "log", "mia-k", "--kind", "mood-check", "--mood", "1", "--by", "Mia"]


@pytest.mark.parametrize("at", ["2027-01-01 10:00", "23:59", "16:06"])
def test_a_homework_entry_later_than_now_is_refused(runner, mia, notes, at):
    result = run(runner, *MOOD, "--no-input", "--at", at)
    assert result.exit_code == 2, result.output
    assert "at: " in result.stderr and "is later than now" in result.stderr
    assert entries(notes) == []


@pytest.mark.parametrize("at", ["16:00", "16:05", "yesterday 19:30"])
def test_homework_now_or_earlier_is_saved_with_log_s_clock_skew(runner, mia, notes, at):
    result = run(runner, *MOOD, "--no-input", "--at", at)
    assert result.exit_code == 0, result.output
    assert len(entries(notes)) == 1


def test_a_homework_file_dated_later_than_now_names_its_line(runner, mia, notes, tmp_path):
    given = tmp_path / "entry.toml"
    given.write_text(
        'entry_kind = "mood-check"\nwritten_by = "Mia"\nat = 2026-03-08T10:00:00+10:00\n'
        "[mood]\nmood = 1\n"
    )
    result = run(runner, "homework", "log", "mia-k", "--from", given)
    assert result.exit_code == 1, result.output
    assert f"{given}:3:1: error: at: 2026-03-08 10:00 is later than now" in result.stderr
    assert entries(notes) == []


def test_homework_import_refuses_an_entry_later_than_now(runner, mia, notes, tmp_path):
    later = CLOCK + timedelta(days=1)
    entry = HomeworkEntry.from_dict(
        {
            "format_version": 1,
            "kind": "homework",
            "id": "2026-03-08_1600_abcde",
            "client": "mia-k",
            "entry_kind": "mood-check",
            "at": later,
            "written_by": "Mia",
            "written_at": later,
            "mood": {"mood": 1},
        }
    )
    share = tmp_path / "share.toml"
    share.write_bytes(tomlio.dumps(build_export("mia-k", [entry], later, "Mia")))
    before = tree(notes)
    result = run(runner, "homework", "import", share)
    assert result.exit_code == 1, result.output
    assert "entries[0].at: 2026-03-08 16:00 is later than now" in result.stderr
    assert f"{share}:" in result.stderr  # located in the file, as every import problem
    assert tree(notes) == before


# -- 2. an amendment's values meet the field's own rule ----------------------------------


@pytest.fixture
def held(mia: Journal) -> str:
    return mia.add_session(make_session(), durable=False).record.id


def amend(runner, sid: str, *sets: str):
    args = ["amend", sid, "--kind", "correction", "--text", "x", "--by", "Jo", "--no-input"]
    return run(runner, *args, *[a for s in sets for a in ("--set", s)])


def test_an_amendment_cannot_make_a_held_session_last_0_minutes(runner, mia, held, notes):
    before = tree(notes)
    result = amend(runner, held, "duration_min=0")
    assert result.exit_code == 2, result.output
    assert (
        "duration_min: 0 minutes cannot be a session's length: must be a whole number from 1 "
        "to 1440" in result.stderr
    )
    assert tree(notes) == before


def test_an_amendment_within_the_rule_is_still_saved(runner, mia, held):
    result = amend(runner, held, "duration_min=50")
    assert result.exit_code == 0, result.output


def test_a_session_that_did_not_take_place_may_be_amended_to_0_minutes(runner, mia, notes):
    dna = replace(make_session(), session_type="did-not-attend", goals=(), duration_min=30)
    sid = mia.add_session(dna, durable=False).record.id
    assert amend(runner, sid, "duration_min=0").exit_code == 0


def test_an_old_note_breaking_a_new_rule_still_takes_other_amendments(runner, mia, notes):
    """An old did-not-attend note with a rating: reading and amending it go on."""
    old = replace(make_session(), session_type="did-not-attend")
    sid = mia.add_session(old, durable=False).record.id
    result = run(runner, "amend", sid, "--kind", "addition", "--text", "x", "--by", "Jo")
    assert result.exit_code == 0, result.output
    result = amend(runner, sid, "goals.g1.gas=1")  # but not a new rating
    assert result.exit_code == 2, result.output
    assert "goal g1: a did-not-attend session cannot hold a rating" in result.stderr
    assert run(runner, "show", sid).exit_code == 0
    assert run(runner, "check").exit_code == 0


# -- 3. a rating needs a session that took place ------------------------------------------

DNA = ["log", "mia-k", "--date", "2026-03-06", "--time", "10:00", "--by", "Jo"]


@pytest.mark.parametrize("kind", ["--dna", "--cancelled"])
def test_a_session_not_held_cannot_hold_a_goal_rating(runner, mia, notes, kind):
    result = run(runner, *DNA, kind, "--goal", "g1:+1")
    assert result.exit_code == 2, result.output
    assert "goal g1: a " in result.stderr
    assert "cannot hold a rating: a rating needs a session that took place" in result.stderr
    assert sessions(notes) == []
    assert run(runner, *DNA, kind).exit_code == 0  # without the rating it is saved


@pytest.mark.parametrize("kind", ["--dna", "--cancelled"])
def test_a_session_not_held_has_no_attendees(runner, mia, notes, kind):
    """No one attended: the export said "cancelled" with the client present. Its length
    may be the time booked (a short-notice cancellation is claimed for it)."""
    result = run(runner, *DNA, kind, "--attendee", "child")
    assert result.exit_code == 2, result.output
    assert "attendees: a " in result.stderr and "session has no attendees" in result.stderr
    assert sessions(notes) == []
    assert run(runner, *DNA, kind, "--duration", "30").exit_code == 0
    [sid] = [p.stem for p in sessions(notes)]
    corrected = amend(runner, sid, "attendees=child")
    assert corrected.exit_code == 2 and "session has no attendees" in corrected.stderr


def test_a_session_not_held_from_a_file_names_the_rating_s_line(runner, mia, notes, tmp_path):
    given = tmp_path / "dna.toml"
    given.write_text(
        'session_type = "did-not-attend"\nwritten_by = "Jo"\n[[goals]]\ngoal = "g2"\ngas = 1\n'
    )
    result = run(runner, "log", "mia-k", "--from", given)
    assert result.exit_code == 1, result.output
    assert f"{given}:3:1: error: goal g2: a did-not-attend session cannot hold" in result.stderr
    assert sessions(notes) == []


@pytest.mark.parametrize(
    ("note", "refused"),
    [
        ({"session_type": "cancelled", "goals": [{"goal": "g1", "gas": 0}]}, ["goal g1"]),
        ({"session_type": "did-not-attend", "goals": [{"goal": "g1", "evidence": "e"}]}, []),
        ({"session_type": "therapy", "goals": [{"goal": "g1", "gas": 2}]}, []),
        ({"session_type": "cancelled", "goals": [{"goal": "Not An Id", "gas": 0}]}, ["goals"]),
    ],
)
def test_which_ratings_need_a_session(note, refused):
    assert [e.field for e in ratings_need_a_session(note)] == refused


# -- 4. names are one line ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("option", "value"),
    [
        ("--name", "May\nSecond line"),
        ("--name", "May\rX"),
        ("--name", "May\x1b[2J"),
        ("--name", "May\u2028X"),
        ("--caregiver", "Sa\nrah:mother"),
        ("--caregiver", "Sarah:mo\u202ether"),
        ("--person", "Ben\x00:brother"),
    ],
)
def test_a_name_that_is_not_one_line_is_refused_unechoed(runner, notes, option, value):
    args = ["client", "add", "may", *(["--name", "May"] if option != "--name" else [])]
    result = run(runner, *args, option, value)
    assert result.exit_code == 2, result.output
    assert f"{option}: a name is one line of text" in result.stderr
    assert "Second" not in result.stderr and "rah" not in result.stderr
    assert not (notes / "clients" / "may").exists()


def test_names_in_any_script_are_one_line(runner, notes):
    result = run(runner, "client", "add", "may", "--name", "مي ك.", "--person", "Zoë O'Brien:aunt")
    assert result.exit_code == 0, result.output
    assert name_problem("Nguyễn Thị Mai") is None


# -- 5. a --from file's problems at their line, in log's range ----------------------------


def test_a_rating_out_of_range_in_a_file_names_file_line_and_column(runner, mia, tmp_path):
    given = tmp_path / "bad1.toml"
    given.write_text(
        'session_type = "therapy"\nsetting = "clinic"\nattendees = ["child"]\nwritten_by = "Jo"\n'
        '[plan]\nsummary = "s"\n[[goals]]\ngoal = "g1"\ngas = 5\n'
    )
    result = run(runner, "log", "mia-k", "--from", given)
    assert result.exit_code == 1, result.output
    assert f"otj: {given}:7:1: error: goal g1: the rating +5 is out of range" in result.stderr


def test_a_length_that_is_not_a_number_on_stdin_says_stdin_s_line_and_log_s_range(
    runner, mia, notes
):
    text = (
        'session_type = "therapy"\nsetting = "clinic"\nattendees = ["child"]\n'
        'written_by = "Jo"\nduration_min = "x"\n[plan]\nsummary = "s"\n'
    )
    result = run(runner, "log", "mia-k", "--from", "-", input=text)
    assert result.exit_code == 1, result.output
    assert (
        "<stdin>:5:1: error: duration_min: must be a whole number from 1 to 1440, not a text"
        in result.stderr
    )
    assert "0 to 1440" not in result.stderr
    assert sessions(notes) == []


# -- 6. otj drafts show -------------------------------------------------------------------


def test_drafts_show_prints_a_draft_s_answers_safely_and_changes_nothing(runner, mia, tmp_path):
    text = 'written_by = "Jo"\n[plan]\nsummary = "evil \\u001b[2J and \\u202e mark"\n'
    assert run(runner, "log", "mia-k", "--from", "-", input=text).exit_code == 2
    folder = Path(tmp_path / "home" / "state")
    before = tree(folder)
    listed = run(runner, "drafts", "--json")
    draft = json.loads(listed.stdout)["drafts"][0]["id"]
    result = run(runner, "drafts", "show", draft[-5:])
    assert result.exit_code == 0, result.output
    assert f"Draft {draft}: log mia-k" in result.stdout
    assert 'written_by = "Jo"' in result.stdout
    assert "\x1b" not in result.stdout and "\u202e" not in result.stdout
    assert "otj log --resume --draft" in result.stdout
    assert tree(folder) == before
    assert run(runner, "drafts", "show", "nope").exit_code == 1


# -- reading stays as tolerant as it was ------------------------------------------------


def test_files_written_under_older_rules_still_read(mia: Journal, notes, runner):
    """A 0-minute attended session, a rated did-not-attend one and a two-line name: all
    read, show and count; check exits 0."""
    client = tomllib.loads((notes / "clients" / "mia-k" / "client.toml").read_text())
    client["display_name"] = "Mia\nK."
    client["caregivers"] = [{"name": "Sa\x1brah", "relationship": "mother"}]
    (notes / "clients" / "mia-k" / "client.toml").write_bytes(tomlio.dumps(client))
    zero = replace(make_session(), duration_min=0)
    rated = replace(
        make_session(start=datetime(2026, 3, 6, 9, 0, tzinfo=TZ)),
        session_type="did-not-attend",
        goals=(GoalRating("g1", 1),),
    )
    for s in (zero, rated):
        path = mia.add_session(s, durable=False).path
        assert isinstance(Session.from_dict(tomlio.parse(path.read_bytes())), Session)
    assert isinstance(
        Client.from_dict(tomlio.parse((notes / "clients/mia-k/client.toml").read_bytes())), Client
    )
    assert Caregiver("x").name == "x"
    assert run(runner, "check").exit_code == 0
    assert run(runner, "list", "--json").exit_code == 0


# -- 4. who attended, each once ----------------------------------------------------------


def test_someone_listed_twice_as_attending_is_refused_by_log_and_amend(runner, mia, notes, held):
    """ "child, child" counts no one twice: `otj log` and a correction refuse it, naming
    the place (the model still reads an older note that holds it)."""
    log = ["log", "mia-k", "--no-input", "--date", "2026-03-06", "--time", "10:00", "--by",
           "Jo", "--attendee", "child", "--attendee", "parent", "--attendee", "child"]  # fmt: skip
    before = tree(notes)
    result = run(runner, *log)
    assert result.exit_code == 2, result.output
    assert "attendees[2]: repeats attendees[0]: name each once" in result.stderr
    result = amend(runner, held, "attendees=parent,child,child")
    assert result.exit_code == 2, result.output
    assert "attendees[2]: repeats attendees[1]" in result.stderr
    assert tree(notes) == before
    assert amend(runner, held, "attendees=parent").exit_code == 0
    old = replace(make_session(), attendees=("child", "child"))
    sid = mia.add_session(old, durable=False).record.id
    assert run(runner, "show", sid).exit_code == 0


@pytest.mark.parametrize(
    "args",
    [
        ["intake", "wk", "--referral-reason", "r", "--summary", "s"],
        ["discharge", "wk", "--reason", "goals-met", "--recommendations", "r",
         "--maintenance", "m", "--told", "family"],
    ],
)  # fmt: skip
def test_intake_and_discharge_refuse_someone_listed_twice(runner, mia, notes, args):
    assert run(runner, "client", "add", "wk", "--name", "W K").exit_code == 0
    before = tree(notes)
    common = ["--no-input", "--date", "2026-03-06", "--time", "09:00", "--duration", "30",
              "--setting", "clinic", "--by", "Jo", "--attendee", "parent",
              "--attendee", "parent"]  # fmt: skip
    result = run(runner, *args, *common)
    assert result.exit_code == 2, result.output
    assert result.stderr.count("attendees[1]: repeats attendees[0]") == 1
    assert tree(notes) == before


@pytest.mark.parametrize("kind", ["--dna", "--cancelled"])
def test_a_session_not_held_sets_no_homework(runner, mia, notes, kind):
    """No plan counts homework set in a session that did not take place: refused, so
    no practice is logged against something no count shows."""
    result = run(runner, *DNA, kind, "--homework", "Rest;kind=practice;per_week=7")
    assert result.exit_code == 2, result.output
    assert "plan.homework: a " in result.stderr and "session sets no homework" in result.stderr
    assert sessions(notes) == []
    assert run(runner, *DNA, kind).exit_code == 0
