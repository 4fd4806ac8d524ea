"""What the notes say now (issue 15, item 2): an amendment names what it corrects.

A correction may name the text field it corrects (``field``) and carry corrected values
(``[amendments.values]``); ``numbers.amended.as_amended`` reads the note as it reads
now, ``amended_fields`` says which fields and when. The file is never rewritten: the
chain and the seals hold, and two devices' amendments with values still join.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import replace
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from otjournal.cli import app
from otjournal.disk import amend, tomlio
from otjournal.disk.store import Journal
from otjournal.errors import ValidationErrors
from otjournal.model import Amendment, ChildVoice, Goal, GoalRating, Session
from otjournal.numbers import amended
from otjournal.numbers.amended import WHOLE_NOTE, amended_fields, as_amended
from tests.conftest import TZ, make_client, make_session
from tests.helpers import tree

AT = datetime(2026, 3, 6, 9, 10, tzinfo=TZ)
TODAY = date(2026, 3, 7)  # conftest.CLOCK: what `otj amend` stamps
EVIDENCE = "Laced two holes with the card; the left shoe first."


@pytest.fixture
def saved(journal: Journal, clock) -> tuple[Journal, str, Path]:
    journal.add_client(make_client(goals=(Goal("g1-k3x", "Laces shoes before kinder"),)))
    note = make_session(
        goals=(GoalRating("g1-k3x", 0, EVIDENCE),),
        child_voice=ChildVoice("the train goes in the tunnel"),
    )
    s = journal.add_session(note, durable=False)
    return journal, s.record.id, s.path


def amend_cli(runner, sid: str, *args: str, text: str = "It was her right shoe."):
    return runner.invoke(
        app, ["amend", sid, "--kind", "correction", "--text", text, "--by", "Alex", *args]
    )


def read(journal: Journal, path: Path) -> Session:
    return journal.read_session_file(path)[2]


def parse(raw: bytes) -> Session:
    return Session.from_dict(tomlio.parse(raw))


def base(**kw) -> Session:
    return make_session(id="2026-03-05_1430_amd33", **kw)


def correction(text: str, original: str = "", at: datetime = AT, **extra) -> Amendment:
    return Amendment(at, "Alex", "correction", text, original, extra=extra)


# -- 1. as_amended: the wording and the values as they hold now --------------------------


def test_a_corrected_evidence_is_quoted_as_amended_and_marked(runner, saved):
    journal, sid, path = saved
    result = amend_cli(
        runner, sid, "--field", "goals[g1].evidence", "--original", "left shoe", text="right shoe"
    )
    assert result.exit_code == 0, result.output
    assert "It corrects: goals[g1-k3x].evidence." in result.stdout  # the short id made full
    session = read(journal, path)
    assert session.goals[0].evidence == EVIDENCE  # the note as written, untouched
    now = as_amended(session)
    assert now.goals[0].evidence == "Laced two holes with the card; the right shoe first."
    assert amended_fields(session) == {"goals[g1-k3x].evidence": TODAY}
    assert amended_fields(now) == amended_fields(session)  # asked of the amended copy too
    assert as_amended(now) is now


def test_a_whole_field_is_replaced_when_no_original_is_given(runner, saved):
    journal, sid, path = saved
    result = amend_cli(runner, sid, "--field", "child_voice.text", text="“the tunnel is dark”")
    assert result.exit_code == 0, result.output
    assert as_amended(read(journal, path)).child_voice.text == "“the tunnel is dark”"


def test_a_corrected_gas_changes_the_rating_read_now(runner, saved):
    journal, sid, path = saved
    result = amend_cli(
        runner, sid, "--set", "goals.g1.gas=+1", "--set", "checklist.agile=partly",
        "--set", "duration_min=50", "--set", "attendees=child,parent,sibling",
        "--no-input", text="Rated against the wrong level; 50 minutes; her brother joined.",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    session = read(journal, path)
    assert (session.goals[0].gas, session.duration_min) == (0, 45)
    now = as_amended(session)
    assert now.goals[0].gas == 1
    assert now.answer("agile") is not None and now.answer("agile").answer == "partly"  # type: ignore[union-attr]
    assert (now.duration_min, now.attendees) == (50, ("child", "parent", "sibling"))
    assert now.amendments == session.amendments  # counted as before (export's column)
    assert set(amended_fields(session)) == {
        "goals[g1-k3x].gas",
        "checklist[agile].answer",
        "duration_min",
        "attendees",
    }
    change = amended.changes(session)["goals[g1-k3x].gas"]
    assert (change.was, change.now, change.at.date()) == (0, 1, TODAY)
    # The file holds them as a table of the amendment, full goal id, numbers as numbers.
    raw = path.read_text("utf-8")
    assert "[amendments.values]" in raw and "[amendments.values.goals.g1-k3x]" in raw
    (a,) = session.amendments
    assert a.values == {
        "goals": {"g1-k3x": {"gas": 1}},
        "checklist": {"agile": "partly"},
        "duration_min": 50,
        "attendees": ["child", "parent", "sibling"],
    }


def test_corrections_apply_in_time_order_the_latest_holding():
    s = base(
        amendments=(
            correction("to +2", at=AT + timedelta(days=1), values={"goals": {"g1": {"gas": 2}}}),
            correction("to +1", at=AT, values={"goals": {"g1": {"gas": 1}}}),
        )
    )
    assert as_amended(s).goals[0].gas == 2
    assert amended_fields(s) == {"goals[g1].gas": date(2026, 3, 7)}
    assert amended.changes(s)["goals[g1].gas"].was == 0
    # Each amendment says what it changed from what the note said just before it.
    reading = amended.read_now(s)
    assert amended.corrects_line(reading, 0) == "corrects: goals[g1].gas: 1 → 2"
    assert amended.corrects_line(reading, 1) == "corrects: goals[g1].gas: 0 → 1"


def test_a_corrected_checklist_answer_says_what_it_was_and_is():
    """An answer is a value, as a rating is: was → now, never the path alone."""
    from otjournal.model.vocab import CHECKLIST

    item = CHECKLIST[1][0]
    s = base(amendments=(correction("it was no", values={"checklist": {item: "no"}}),))
    before = next(c.answer for c in s.checklist if c.item == item)
    assert before != "no"
    line = amended.corrects_line(amended.read_now(s), 0)
    assert line == f"corrects: checklist[{item}].answer: {before} → no"


def test_a_statement_of_disagreement_changes_nothing_but_is_marked():
    s = base(
        amendments=(
            Amendment(AT, "Sarah K.", "statement-of-disagreement", "We saw it differently.",
                      extra={"field": "plan.summary"}),
        )
    )  # fmt: skip
    assert as_amended(s) is s
    assert amended_fields(s) == {"plan.summary": AT.date()}


# -- 2. amendments written before fields were named ---------------------------------------


def test_an_old_correction_applies_where_its_original_is_found_once():
    s = base(amendments=(correction("Three holes", "two holes"),))
    assert as_amended(s).goals[0].evidence == "Laced Three holes with the card"
    assert amended_fields(s) == {"goals[g1].evidence": AT.date()}
    assert amended.problems(s) == []


@pytest.mark.parametrize("original", ["the", "not in the note at all", ""])
def test_an_old_correction_that_cannot_be_placed_marks_the_whole_note(original):
    # "the" is in several fields; the second is nowhere; the third names nothing.
    s = base(
        plan=replace(base().plan, summary="Followed the lead."),
        amendments=(correction("It was her right shoe, not the left", original),),
    )
    assert as_amended(s) == s  # nothing guessed
    assert amended_fields(s) == {WHOLE_NOTE: AT.date()}


def test_an_old_style_file_still_reads(saved, runner):
    journal, sid, path = saved
    assert (
        runner.invoke(
            app,
            ["amend", sid, "--kind", "correction", "--text", "the tunnel",
             "--original", "in the tunnel", "--by", "Alex"],
        ).exit_code
        == 0
    )  # fmt: skip
    raw = path.read_text("utf-8")
    assert "field" not in raw and "values" not in raw
    assert as_amended(read(journal, path)).child_voice.text == "the train goes the tunnel"


# -- 3. the file: validation, the chain, the seals -------------------------------------------


@pytest.mark.parametrize(
    "extra, where, words",
    [
        ({"values": {"goals": {"g1": {"gas": 3}}}}, "values.goals.g1.gas", "-2 to 2"),
        ({"values": {"goals": {"g1": {"copm_performance": 0}}}}, "copm_performance", "1 to 10"),
        ({"values": {"checklist": {"agile": "sometimes"}}}, "values.checklist.agile", "partly"),
        ({"values": {"duration_min": 2000}}, "values.duration_min", "0 to 1440"),
        ({"values": {"attendees": ["dog"]}}, "values.attendees[0]", "child"),
        ({"values": {"mood": 3}}, "values.mood", "not a value an amendment can correct"),
        ({"values": {}}, "values", "names no value"),
        ({"field": "goals[g1].Evidence!"}, "field", "not a field path"),
    ],
)
def test_a_wrong_target_in_a_file_is_a_located_error_without_note_text(extra, where, words):
    data = base().to_dict()
    a = correction("Secret wording here").to_dict()
    a.update(extra)
    data["amendments"] = [a]
    with pytest.raises(ValidationErrors) as caught:
        Session.from_dict(data)
    (error,) = caught.value.errors
    assert error.field.startswith("amendments[0].") and error.field.endswith(where)
    assert words in error.message
    assert "Secret" not in str(caught.value) and "sometimes" not in str(caught.value)


def test_values_belong_to_a_correction():
    data = base().to_dict()
    add = Amendment(AT, "A", "addition", "x", extra={"values": {"duration_min": 5}}).to_dict()
    data["amendments"] = [add]
    with pytest.raises(ValidationErrors, match="belong to a correction"):
        Session.from_dict(data)


def test_the_chain_and_the_seals_hold_after_amendments_with_values(runner, saved):
    _journal, sid, path = saved
    before = path.read_bytes()
    assert amend_cli(runner, sid, "--set", "goals.g1.gas=1").exit_code == 0
    assert amend_cli(runner, sid, "--field", "child_voice.text", text="the tunnel").exit_code == 0
    raw = path.read_bytes()
    assert raw.startswith(before)
    session = parse(raw)
    assert amend.verify(raw, session) == []
    assert len(amend.HEADER.findall(raw)) == 2  # the values' tables are not headers
    result = runner.invoke(app, ["check"])
    assert result.exit_code == 0 and result.output == "", result.output


def test_hand_written_values_for_a_goal_not_in_the_note_are_shown_not_applied():
    s = base(amendments=(correction("g2 too", values={"goals": {"g2": {"gas": 1}}}),))
    assert as_amended(s) is s
    (problem,) = amended.problems(s)
    assert problem.startswith("amendment 1: goals[g2].gas: the note has no goals[g2]")


def test_copm_is_corrected_only_in_a_review():
    review = base(
        session_type="review",
        goals=(GoalRating("g1", 1, "Laced", copm_performance=6, copm_satisfaction=5),),
        amendments=(correction("7", values={"goals": {"g1": {"copm_performance": 7}}}),),
    )
    assert as_amended(review).goals[0].copm_performance == 7
    therapy = base(amendments=review.amendments)
    assert as_amended(therapy) is therapy
    assert "COPM is corrected only in a review" in amended.problems(therapy)[0]


# -- 4. refusals: exit 2, nothing written -----------------------------------------------------


@pytest.mark.parametrize(
    "args, words",
    [
        (["--field", "goals[g9].evidence"], "the note has no goals[g9]"),
        (["--field", "plan.colour"], "not a text field an amendment can correct"),
        (["--field", "my secret words"], "not a field path"),
        (["--set", "goals.g1.gas=3"], "3 is out of range: must be a whole number from -2 to 2"),
        (["--set", "goals.g1.gas=lots"], "must be a whole number from -2 to 2, not a text"),
        (["--set", "goals.g9.gas=1"], "the note has no goals[g9]"),
        (["--set", "checklist.agile=maybe"], "not an allowed value"),
        (
            ["--set", "checklist.unknown-item=yes"],
            "the note has no checklist[unknown-item] (it has interests, movement-play, attuned,"
            " agile, caregiver, safety, feels-good)",
        ),
        (["--set", "goals.g9.gas=1"], "the note has no goals[g9] (it has g1-k3x)"),
        (["--set", "ors=7,6,8,7"], "--set ors: the note has no ors"),  # not its first item
        (["--set", "srs.approach=7"], "--set srs: the note has no srs"),
        (["--field", "activities[4].response"], "the note has no activities[4] (it has 1)"),
        (["--set", "duration_min=-5"], "out of range"),
        (["--set", "duration_min=45.5"], "a whole number from 0 to 1440 minutes, not 45.5"),
        (["--set", "attendees=child,dog"], "not an allowed value"),
        # No one attended a therapy session: its hours would turn non-face-to-face.
        (["--set", "attendees="], "--set attendees= needs who attended: a therapy session"),
        (["--set", "attendees= , "], "--set attendees= needs who attended"),
        (["--set", "mood=5"], "not a value an amendment can correct"),
        (["--set", "goals.g1.gas"], "--set takes PATH=VALUE"),
        (["--set", "goals.g1.copm_performance=7"], "COPM is corrected only in a review"),
        (["--field", "child_voice.text", "--original", "not there"], "--original"),
        # A correction that corrects nothing, or says one value twice (the last would win).
        (["--set", "goals.g1.gas=0"], "--set goals[g1-k3x].gas: the note already reads so"),
        (["--set", "duration_min=45", "--set", "checklist.agile=partly"], "--set duration_min:"),
        (["--set", "attendees=child,parent"], "--set attendees: the note already reads so"),
        # Who attended is a set: the same people in another order are no correction.
        (["--set", "attendees=parent,child"], "--set attendees: the note already reads so"),
        (["--set", "goals.g1.gas=1", "--set", "goals.g1-k3x.gas=2"], "is given twice"),
        (["--set", "risk=none-identified", "--set", "risk.status=identified"], "is given twice"),
        (["--set", "checklist.agile=no", "--set", "checklist.agile.answer=no"], "is given twice"),
    ],
)
def test_refusals_exit_2_and_write_nothing(runner, saved, args, words):
    journal, sid, _ = saved
    before = tree(journal.root)
    result = amend_cli(runner, sid, *args, "--no-input")
    assert result.exit_code == 2, result.output
    assert words in result.stderr
    assert "secret" not in result.stderr and "lots" not in result.stderr
    assert tree(journal.root) == before


@pytest.mark.parametrize(
    "args, text",
    [
        (["--field", "child_voice.text"], "the train goes in the tunnel"),
        (["--field", "child_voice.text"], " the train goes in the tunnel  "),  # "X → X"
        (["--field", "child_voice.text", "--original", "train"], "train"),
    ],
)
def test_a_field_corrected_to_the_words_it_has_corrects_nothing(runner, saved, args, text):
    journal, sid, _ = saved
    before = tree(journal.root)
    result = amend_cli(runner, sid, *args, "--no-input", text=text)
    assert result.exit_code == 2, result.output
    assert "--field child_voice.text: the note already reads so" in result.stderr
    assert "train" not in result.stderr  # the note's words are never repeated
    assert tree(journal.root) == before


def test_a_value_as_an_earlier_correction_left_it_corrects_nothing(runner, saved):
    journal, sid, path = saved
    assert amend_cli(runner, sid, "--set", "goals.g1.gas=1", "--no-input").exit_code == 0
    before = tree(journal.root)
    again = amend_cli(runner, sid, "--set", "goals.g1.gas=1", "--no-input")
    assert again.exit_code == 2 and "already reads so" in again.stderr
    assert tree(journal.root) == before
    back = amend_cli(runner, sid, "--set", "goals.g1.gas=0", "--no-input")  # as first written
    assert back.exit_code == 0, back.output
    assert read(journal, path).amendments[-1].values == {"goals": {"g1-k3x": {"gas": 0}}}


def test_values_need_a_correction(runner, saved):
    journal, sid, _ = saved
    before = tree(journal.root)
    result = runner.invoke(
        app,
        ["amend", sid, "--kind", "addition", "--text", "x", "--by", "A", "--set", "duration_min=5"],
    )
    assert result.exit_code == 2, result.output
    assert "--set belongs to a correction" in result.stderr
    assert tree(journal.root) == before


def test_a_short_goal_id_two_goals_share_is_refused(runner, journal: Journal, clock):
    goals = (Goal("g1-aaa", "One"), Goal("g1-bbb", "Other"))
    journal.add_client(make_client(goals=goals))
    s = journal.add_session(
        make_session(goals=(GoalRating("g1-aaa", 0, "x"),), activities=()), durable=False
    )
    before = tree(journal.root)
    result = amend_cli(runner, s.record.id, "--set", "goals.g1.gas=1")
    assert result.exit_code == 2
    assert "g1 names 2 goals" in result.stderr
    assert tree(journal.root) == before
    assert amend_cli(runner, s.record.id, "--set", "goals.g1-aaa.gas=1").exit_code == 0


# -- 5. otj show and the printout --------------------------------------------------------------


def test_show_marks_what_holds_now(runner, saved):
    _journal, sid, _ = saved
    assert (
        amend_cli(runner, sid, "--set", "goals.g1.gas=+1", "--set", "duration_min=50").exit_code
        == 0
    )
    assert (
        amend_cli(
            runner, sid, "--field", "goals[g1].evidence", "--original", "left", text="right"
        ).exit_code
        == 0
    )
    text = " ".join(runner.invoke(app, ["show", sid]).stdout.split())  # as one line
    assert f"+1 g1-k3x Laces shoes before kinder (GAS amended {TODAY}; was 0)" in text
    assert f"50 min (amended {TODAY}; was 45)" in text
    assert EVIDENCE in text  # as written
    assert f"amended {TODAY}, now reads: Laced two holes with the card; the right shoe" in text
    assert "corrects: goals[g1-k3x].gas: 0 → 1; duration_min: 45 → 50" in text
    assert "corrects: goals[g1-k3x].evidence" in text
    assert text.index("amended 2026-03-07, now reads") < text.index("Amendments")


@pytest.mark.parametrize("fmt", ["md", "html", "text"])
def test_the_printout_marks_what_holds_now(runner, saved, fmt):
    _journal, sid, _ = saved
    assert amend_cli(runner, sid, "--set", "goals.g1.gas=+1").exit_code == 0
    assert amend_cli(runner, sid, "--field", "child_voice.text", text="the tunnel").exit_code == 0
    out = runner.invoke(app, ["show", sid, "--format", fmt]).stdout
    assert f"+1 (amended {TODAY}; was 0)" in out
    assert f"In their words, as amended {TODAY}" in out
    assert "values" not in out.replace("Values", "")  # the raw table is not shown as an extra
    assert "goals[g1-k3x].gas: 0 → 1" in out.replace("&gt;", ">").replace("\\[", "[").replace(
        "\\]", "]"
    )


def test_show_json_keeps_the_amendments_targets(runner, saved):
    _journal, sid, _ = saved
    assert (
        amend_cli(runner, sid, "--set", "goals.g1.gas=1", "--field", "child_voice.text").exit_code
        == 0
    )
    (a,) = json.loads(runner.invoke(app, ["show", sid, "--json"]).stdout)["amendments"]
    assert a["field"] == "child_voice.text"
    assert a["values"] == {"goals": {"g1-k3x": {"gas": 1}}}


# -- 6. two devices --------------------------------------------------------------------------


def test_two_devices_amendments_with_values_join(runner, tmp_path: Path):
    from tests.test_gitsync import bare, clean, ids, log_session, ok, otj

    if shutil.which("git") is None:
        pytest.skip("needs git")
    remote = bare(tmp_path / "remote.git")
    a, b = tmp_path / "a", tmp_path / "b"
    ok(otj(runner, a, "init", "--git", "--remote", str(remote)))
    ok(otj(runner, a, "client", "add", "mia-k", "--name", "Mia K."))
    log_session(runner, a, "2026-03-02", "09:00", "The note")
    ok(otj(runner, a, "sync"))
    ok(otj(runner, b, "init", "--git", "--remote", str(remote)))
    (sid,) = ids(runner, a)
    ok(otj(runner, a, "amend", sid, "--kind", "correction", "--text", "50 minutes", "--by", "A",
           "--set", "duration_min=50"))  # fmt: skip
    ok(otj(runner, b, "amend", sid, "--kind", "correction", "--text", "Plan as said", "--by",
           "B", "--field", "plan.summary"))  # fmt: skip
    ok(otj(runner, a, "sync"))
    ok(otj(runner, b, "sync"))
    raw = (b / "clients" / "mia-k" / "sessions" / f"{sid}.toml").read_bytes()
    session = parse(raw)
    assert amend.verify(raw, session) == []
    now = as_amended(session)
    assert (now.duration_min, now.plan.summary) == (50, "Plan as said")
    assert otj(runner, b, "check").exit_code == 0
    ok(otj(runner, a, "sync"))
    assert (a / "clients" / "mia-k" / "sessions" / f"{sid}.toml").read_bytes() == raw
    assert clean(a) and clean(b)


@pytest.mark.pty
@pytest.mark.parametrize(
    "given, words",
    [
        (("--set", "goals.g1.gas=0"), "--set goals[g1-k3x].gas: the note already reads so"),
        (("--kind", "addition", "--set", "goals.g1.gas=1"), "--set belongs to a correction"),
        (("--set", "duration_min=0"), "duration"),
    ],
)
def test_a_set_value_refused_is_said_before_any_prompt(journal: Journal, given, words):
    """On a terminal, a --set value that would be refused is refused at once, exit 2:
    nothing is asked (no amendment typed to be thrown back) and nothing written."""
    from tests.terminal import Pty

    journal.add_client(make_client(goals=(Goal("g1-k3x", "Laces shoes before kinder"),)))
    note = make_session(goals=(GoalRating("g1-k3x", 0, EVIDENCE),), activities=())
    s = journal.add_session(note, durable=False)
    before = tree(journal.root)
    otj_ = Pty("amend", s.record.id, *given)
    assert otj_.wait() == 2
    shown = " ".join(otj_.output.split())
    assert words in shown, shown
    assert "Amendment" not in shown and "Kind" not in shown and "kind of" not in shown.lower()
    assert tree(journal.root) == before


@pytest.mark.pty
def test_with_set_values_the_kind_asked_for_is_a_correction(journal: Journal):
    """--set belongs to a correction: on a terminal without --kind only the correcting
    kinds are offered, another is asked again, and the correction is saved (not typed
    and then thrown back as a draft)."""
    from tests.terminal import Pty

    journal.add_client(make_client(goals=(Goal("g1-k3x", "Laces shoes before kinder"),)))
    note = make_session(goals=(GoalRating("g1-k3x", 0, EVIDENCE),), activities=())
    s = journal.add_session(note, durable=False)
    otj_ = Pty("amend", s.record.id, "--set", "goals.g1.gas=1", "--by", "Alex")
    otj_.answer("Kind (correction, client-requested-correction)", "addition")
    otj_.answer("Kind (correction, client-requested-correction)", "nonsense")
    otj_.answer("Kind (correction, client-requested-correction)", "correction")
    otj_.answer("Amendment", "Rated on the wrong goal row")
    assert otj_.wait() == 0
    # Each answer asked again says why, once.
    shown = " ".join(otj_.output.split())
    offered = "choose one of: correction, client-requested-correction"
    assert shown.count(f"--set corrects a value, so {offered}") == 1, shown
    assert shown.count(f"Please {offered}") == 1, shown
    now = as_amended(read(journal, s.path))
    assert now.goals[0].gas == 1 and now.amendments[-1].kind == "correction"


@pytest.mark.pty
def test_a_correction_of_a_named_field_asks_which_words_on_a_terminal(journal: Journal):
    from tests.terminal import Pty

    journal.add_client(make_client(goals=(Goal("g1-k3x", "Laces shoes before kinder"),)))
    note = make_session(goals=(GoalRating("g1-k3x", 0, EVIDENCE),), activities=())
    s = journal.add_session(note, durable=False)
    args = ("amend", s.record.id, "--kind", "correction", "--by", "Alex")
    otj_ = Pty(*args, "--field", "goals[g1].evidence", "--set", "goals.g1.gas=1")
    otj_.answer("The words being corrected in goals[g1-k3x].evidence (Enter: all of it)", "left")
    otj_.answer("Amendment", "right")
    otj_.expect("It corrects: goals[g1-k3x].evidence, goals[g1-k3x].gas.")
    otj_.finish()
    now = as_amended(read(journal, s.path))
    assert (now.goals[0].gas, now.goals[0].evidence) == (1, EVIDENCE.replace("left", "right"))


def test_a_session_measure_and_a_risk_status_are_corrected_like_any_value(runner, journal, clock):
    """An ORS mistyped, a risk recorded on the wrong note: a correction's --set puts
    them right (the file keeps what was written), and every reader reads them as
    corrected: show (with what they were), trends, the report, the export."""
    from otjournal.model.measures import Ors
    from otjournal.model.risk import Risk

    journal.add_client(make_client("sam-r", display_name="Sam R.", goals=(), age_group="adult"))
    note = make_session(
        "sam-r", goals=(), attendees=("client",), ors=Ors((4, 5, 5, 4)),
        risk=Risk("identified", what="Said a risky thing", action="Safety plan made"),
    )  # fmt: skip
    saved = journal.add_session(note, durable=False)
    sid, raw = saved.record.id, saved.path.read_bytes()
    for args in (["--set", "ors=7,6,8,7"], ["--set", "risk=none-identified"]):
        assert amend_cli(runner, sid, *args, text="Put right").exit_code == 0
    assert saved.path.read_bytes().startswith(raw)  # appended, never rewritten
    now = as_amended(read(journal, saved.path))
    assert now.ors is not None and now.ors.items == (7, 6, 8, 7)
    assert now.risk is not None and (now.risk.status, now.risk.what) == ("none-identified", "")
    shown = runner.invoke(app, ["show", sid], env={"COLUMNS": "200"}).stdout
    assert "none identified (amended 2026-03-07; was identified)" in shown
    # The note's words stay (never rewritten), marked as what the correction set aside.
    assert "what (as first written; corrected away): Said a risky thing" in shown
    assert (
        "total 28 of 40 (at or above the clinical cut-off) (amended 2026-03-07; was 4, 5, 5, 4)"
        in shown
    )
    report = runner.invoke(app, ["report", "sam-r", "--since", "2026-01-01"]).stdout
    assert "No risk was identified in the notes of this period." in report
    # A script reads the corrected values beside the note's own (kept as written).
    for args in (["show", sid, "--json"], ["list", "sam-r", "--json"]):
        doc = json.loads(runner.invoke(app, args).stdout)
        note = doc if args[0] == "show" else doc["sessions"][0]
        assert note["ors"]["overall"] == 4 and note["risk"]["status"] == "identified"
        assert note["corrected"]["ors.overall"] == 7
        assert note["corrected"]["risk.status"] == "none-identified"
    trends = json.loads(runner.invoke(app, ["trends", "sam-r", "--json"]).stdout)
    assert [p["total"] for p in trends["measures"]["ors"]] == [28]
    bad = amend_cli(runner, sid, "--set", "ors=7,6,8", text="x")
    assert bad.exit_code == 2 and "four numbers 0-10" in bad.output
    worse = amend_cli(runner, sid, "--set", "srs=9,9,9,11", text="x")
    assert worse.exit_code == 2


def test_one_item_of_a_session_measure_is_corrected_alone(runner, journal, clock):
    """``--set ors.overall=7`` corrects that item and keeps the other three; the same
    item given twice (alone and in the whole scale), an item the scale lacks or a
    number out of range is refused, exit 2, with nothing written."""
    from otjournal.model.measures import Ors

    journal.add_client(make_client("sam-r", display_name="Sam R.", goals=(), age_group="adult"))
    note = make_session("sam-r", goals=(), attendees=("client",), ors=Ors((4, 5, 5, 4)))
    saved = journal.add_session(note, durable=False)
    sid = saved.record.id
    for args, words in [
        (["--set", "ors=1,2,3,4", "--set", "ors.overall=3"], "ors is given whole and by item"),
        (["--set", "ors.overall=3", "--set", "ors=1,2,3,4"], "ors is given whole and by item"),
        (["--set", "ors.overall=3", "--set", "ors.overall=2"], "'ors.overall' is given twice"),
        (["--set", "ors=1,2,3,4", "--set", "ors=1,2,3,5"], "--set 'ors' is given twice"),
        (["--set", "ors.nearly=3"], "not an item of ors (its items: individually, "),
        (["--set", "ors.overall=11"], "out of range"),
        (["--set", "ors.overall=4"], "--set ors.overall: the note already reads so"),
        (["--set", "ors=4,5,5,4"], "--set ors: the note already reads so"),  # not 4 items
    ]:
        before = saved.path.read_bytes()
        result = amend_cli(runner, sid, *args, text="x")
        assert result.exit_code == 2 and words in result.stderr, (args, result.output)
        assert saved.path.read_bytes() == before
    assert amend_cli(runner, sid, "--set", "ors.overall=7", text="Put right").exit_code == 0
    now = as_amended(read(journal, saved.path))
    assert now.ors is not None and now.ors.items == (4, 5, 5, 7)
    doc = json.loads(runner.invoke(app, ["show", sid, "--json"]).stdout)
    assert doc["corrected"] == {"ors.overall": 7}
    # Given whole again (as corrected: 4, 5, 5, 7) with one number changed, that item
    # is the correction: the three that read so already are not refused, nor recorded.
    before = saved.path.read_bytes()
    assert amend_cli(runner, sid, "--set", "ors=4,5,6,7", text="Socially 6").exit_code == 0
    added = saved.path.read_bytes()[len(before) :].decode()
    assert "[amendments.values.ors]\nsocially = 6\n# end" in added, added
    now = as_amended(read(journal, saved.path))
    assert now.ors is not None and now.ors.items == (4, 5, 6, 7)


@pytest.mark.parametrize(
    "copy", ["{id}.old.toml", "{id}.sync-conflict-20260302-101500-abcdefg.toml"]
)
def test_a_copy_kept_beside_a_note_never_counts_nor_takes_its_amendment(runner, saved, copy):
    """A copy someone kept (``<id>.old.toml``), or one a sync tool named in a way not
    known as a conflict copy, holds the note's id and sorts before it: the note named for
    its id counts in show and list, the copy is said to be one, and an amendment goes
    to the note, never into the copy."""
    journal, sid, path = saved
    kept = path.with_name(copy.format(id=sid))
    kept.write_bytes(path.read_bytes())  # as the note was before the amendment
    kept.chmod(0o600)
    copied = kept.read_bytes()
    assert sorted([kept.name, path.name])[0] == kept.name
    assert amend_cli(runner, sid, "--set", "duration_min=50", text="Put right").exit_code == 0
    assert kept.read_bytes() == copied
    assert as_amended(read(journal, path)).duration_min == 50
    doc = json.loads(runner.invoke(app, ["show", sid, "--json"]).stdout)
    assert doc["corrected"] == {"duration_min": 50}
    listed = json.loads(runner.invoke(app, ["list", "--json"]).stdout)["sessions"]
    assert [n["corrected"] for n in listed if n["id"] == sid] == [{"duration_min": 50}]
    checked = runner.invoke(app, ["check"])
    lines = copied.decode().splitlines()
    at = next(n for n, line in enumerate(lines, 1) if line.startswith("id ="))
    assert at > 1 and f"{kept.name}:{at}:1: error: has the same id as {path.name}" in checked.output


def test_a_copy_read_while_its_note_is_missing_takes_no_amendment(runner, saved):
    """The note's own file gone (a sync not finished), a copy holding its id is what
    show reads; an amendment is refused, naming both, and nothing is written: appended
    to the copy it would be lost when the note comes back."""
    journal, sid, path = saved
    copy = path.with_name(f"{sid} (copy).toml")
    path.rename(copy)
    before = tree(journal.root)
    result = amend_cli(runner, sid, "--set", "duration_min=50", text="Put right")
    assert result.exit_code == 1, result.output
    assert f"{copy.name}: holds session {sid} but is not {sid}.toml" in result.stderr
    assert f"restore {sid}.toml" in result.stderr
    assert tree(journal.root) == before


def _as_read(runner, sid: str) -> tuple[str, str, str]:
    """What `show` (200 columns), its Markdown printout and mia-k's report say."""
    shown = runner.invoke(app, ["show", sid], env={"COLUMNS": "200"}).stdout
    printed = runner.invoke(app, ["show", sid, "--format", "md", "-o", "-"]).stdout
    report = runner.invoke(app, ["report", "mia-k", "--since", "2026-01-01"]).stdout
    return shown, printed, report


@pytest.mark.parametrize("written", ["none-identified", None])
def test_a_risk_identified_after_all_is_corrected_with_what_and_the_action(
    runner, journal, clock, written
):
    """A note that said no risk, or recorded none: one correction gives the status with
    what was identified and what was done (a status alone is refused, saying so), and
    every reader reads the risk as corrected, labelled, the file keeping its words."""
    from otjournal.model.risk import Risk

    journal.add_client(make_client())
    risk = Risk(written) if written else None
    saved = journal.add_session(make_session(risk=risk), durable=False)
    sid, raw = saved.record.id, saved.path.read_bytes()
    alone = amend_cli(runner, sid, "--set", "risk=identified", "--no-input", text="x")
    assert alone.exit_code == 2
    assert 'risk.what: is required when status = "identified"' in alone.stderr
    assert "--set 'risk.what=…' --set 'risk.action=…'" in alone.stderr
    assert saved.path.read_bytes() == raw
    given = amend_cli(runner, sid, "--set", "risk=identified",
                      "--set", "risk.what=Climbed the fence", "--set", "risk.action=Latch raised",
                      "--set", "risk.told=parent, teacher", text="Ticked none")  # fmt: skip
    assert given.exit_code == 0, given.output
    assert saved.path.read_bytes().startswith(raw)
    now = as_amended(read(journal, saved.path))
    assert now.risk == Risk(
        "identified", "Climbed the fence", "Latch raised", ("parent", "teacher")
    )
    shown, printed, report = _as_read(runner, sid)
    was = "none identified" if written else "not recorded"
    assert f"identified (amended 2026-03-07; was {was})" in shown
    assert "what (amended 2026-03-07): Climbed the fence" in shown
    assert "what was done (amended 2026-03-07): Latch raised" in shown
    assert "who was told (amended 2026-03-07): parent, teacher" in shown
    assert "*Who was told, as amended 2026-03-07:* parent, teacher" in printed
    assert "> Climbed the fence. Action: Latch raised. Told: parent, teacher." in report
    doc = json.loads(runner.invoke(app, ["show", sid, "--json"]).stdout)
    assert doc["corrected"]["risk.what"] == "Climbed the fence"
    assert doc["corrected"]["risk.told"] == ["parent", "teacher"]
    assert runner.invoke(app, ["check"]).exit_code == 0
    # The same words again, but for a space at the end, would read "X → X": refused.
    before = saved.path.read_bytes()
    again = amend_cli(runner, sid, "--set", "risk.what=Climbed the fence ", "--no-input")
    assert again.exit_code == 2 and "--set risk.what: the note already reads so" in again.stderr
    assert saved.path.read_bytes() == before


def test_risk_details_with_a_status_of_none_are_refused_naming_the_field(runner, journal, clock):
    from otjournal.model.risk import Risk

    journal.add_client(make_client())
    risk = Risk("identified", what="Said a risky thing", action="Safety plan made")
    saved = journal.add_session(make_session(risk=risk), durable=False)
    sid = saved.record.id
    bad = amend_cli(runner, sid, "--set", "risk=none-identified", "--set",
                    "risk.what=my secret words", "--no-input", text="x")  # fmt: skip
    assert bad.exit_code == 2
    assert 'risk.what: is recorded only when status = "identified"' in bad.stderr
    assert "secret" not in bad.stderr
    # The wording of a risk identified, by --set as by --field.
    ok = amend_cli(runner, sid, "--set", "risk.action=Safety plan made with Mum", text="x")
    assert ok.exit_code == 0, ok.output
    now = as_amended(read(journal, saved.path))
    assert now.risk is not None and now.risk.action == "Safety plan made with Mum"
    # "none", as `otj log --risk none` takes it; a word it does not know, said plainly.
    maybe = amend_cli(runner, sid, "--set", "risk=maybe", "--no-input", text="x")
    assert maybe.exit_code == 2 and "--set risk.status: not an allowed value" in maybe.stderr
    assert amend_cli(runner, sid, "--set", "risk=None", text="Played").exit_code == 0
    now = as_amended(read(journal, saved.path))
    assert now.risk is not None and now.risk.status == "none-identified"
    # A correction giving values only: its text says why, and the printout says "Text".
    printed = runner.invoke(app, ["show", sid, "--format", "md", "-o", "-"]).stdout
    assert "*Text:* Played" in printed and "*Corrected wording:* Played" not in printed


def test_a_risks_details_set_aside_by_a_status_of_none_read_alike_everywhere(
    runner, journal, clock
):
    """Corrected to none, then identified again with other details: who was told went
    with the first correction, and show, the printout, the report and search all say so;
    a detail corrected before the status was set to none has no wording "now"."""
    from otjournal.model.risk import Risk

    journal.add_client(make_client())
    risk = Risk("identified", what="Hit head", action="Ice", told=("parent",))
    saved = journal.add_session(make_session(risk=risk), durable=False)
    sid = saved.record.id
    for args in (
        ["--set", "risk.what=Hit head on the door"],
        ["--set", "risk=none-identified"],
        ["--set", "risk=identified", "--set", "risk.what=Fell", "--set", "risk.action=First aid"],
    ):
        assert amend_cli(runner, sid, *args, text="x").exit_code == 0
    shown, printed, report = _as_read(runner, sid)
    assert "who was told (as first written; corrected away): parent" in shown
    assert "amended 2026-03-07, now reads: Fell" in shown
    assert "*Who was told (as first written; corrected away):* parent" in printed
    assert "> Fell. Action: First aid. Told: no one recorded." in report
    assert "No notes match" in runner.invoke(app, ["search", "parent"]).stdout

    again = journal.add_session(
        make_session(start=datetime(2026, 3, 6, 9, 0, tzinfo=TZ), risk=risk), durable=False
    )
    for args in (["--set", "risk.what=Ran at the gate"], ["--set", "risk=none-identified"]):
        assert amend_cli(runner, again.record.id, *args, text="x").exit_code == 0
    shown = runner.invoke(app, ["show", again.record.id], env={"COLUMNS": "200"}).stdout
    assert "what (as first written; corrected away): Hit head" in shown
    assert "Ran at the gate" not in shown.split("Amendments")[0]
    printed = runner.invoke(app, ["show", again.record.id, "--format", "md", "-o", "-"]).stdout
    assert "Ran at the gate" not in printed.split("## Amendments")[0]
    doc = json.loads(runner.invoke(app, ["show", again.record.id, "--json"]).stdout)
    assert doc["corrected"]["risk.what"] is None and doc["corrected"]["risk.told"] is None
    assert "No notes match" in runner.invoke(app, ["search", "gate"]).stdout


def test_a_risk_given_then_withdrawn_leaves_no_unlabelled_line(runner, journal, clock):
    """A note with no risk, corrected to identified, then to none: no detail it never had
    and has not now is shown (no bare "(see the correction … below)"); an empty detail
    is refused, saying what a risk needs."""
    journal.add_client(make_client())
    saved = journal.add_session(make_session(risk=None), durable=False)
    sid = saved.record.id
    given = ("--set", "risk=identified", "--set", "risk.what=W", "--set", "risk.action=A")
    assert amend_cli(runner, sid, *given, "--set", "risk.told=parent", text="x").exit_code == 0
    assert amend_cli(runner, sid, "--set", "risk=none", text="Withdrawn").exit_code == 0
    shown, printed, _ = _as_read(runner, sid)
    risk = shown.split("\nRisk\n")[1].split("\n\n")[0]
    assert risk.strip() == "none identified (amended 2026-03-07; was not recorded)"
    assert "see the correction" not in printed.split("## Amendments")[0]
    empty = amend_cli(runner, sid, "--set", "risk.what=", "--no-input", text="x")
    assert empty.exit_code == 2 and "--set risk.what= needs the words" in empty.stderr


def test_a_field_corrected_back_to_what_was_written_is_not_in_corrected(runner, saved):
    """`corrected` is what reads otherwise than written: a field corrected, then corrected
    back, is not in it (show and list alike); both corrections stay in amendments."""
    journal, sid, path = saved
    written = read(journal, path).duration_min
    assert amend_cli(runner, sid, "--set", f"duration_min={written + 5}").exit_code == 0
    doc = json.loads(runner.invoke(app, ["show", sid, "--json"]).stdout)
    assert doc["corrected"] == {"duration_min": written + 5}
    back = amend_cli(runner, sid, "--set", f"duration_min={written}", text="It was right")
    assert back.exit_code == 0, back.output
    doc = json.loads(runner.invoke(app, ["show", sid, "--json"]).stdout)
    assert doc["corrected"] == {}
    assert [a["values"] for a in doc["amendments"]] == [
        {"duration_min": written + 5},
        {"duration_min": written},
    ]
    listed = json.loads(runner.invoke(app, ["list", "--json"]).stdout)["sessions"]
    assert [n["corrected"] for n in listed if n["id"] == sid] == [{}]
    assert as_amended(read(journal, path)).duration_min == written
    # Who attended, corrected back in another order: no change, as amend itself holds
    # (the same people in another order "already reads so").
    people = list(read(journal, path).attendees)
    more = ",".join([*reversed(people), "sibling"])
    assert amend_cli(runner, sid, "--set", f"attendees={more}").exit_code == 0
    back = ",".join(reversed(people))
    assert amend_cli(runner, sid, "--set", f"attendees={back}", text="Two").exit_code == 0
    doc = json.loads(runner.invoke(app, ["show", sid, "--json"]).stdout)
    assert doc["corrected"] == {}, doc["corrected"]
    refused = amend_cli(runner, sid, "--set", f"attendees={back}")
    assert "already reads so" in refused.stderr


def needs_an_answer(child: Any, prompt: str, empty: str, answer: str) -> None:
    """An empty answer at ``prompt`` is asked again, saying so; then ``answer``."""
    child.answer(prompt, empty)
    child.expect("This needs an answer (Ctrl-C stops).")
    child.answer(prompt, answer)


@pytest.mark.pty
def test_an_empty_answer_is_asked_again_saying_why(journal: Journal):
    """On a terminal, Enter alone at a question that needs an answer is asked again with
    a reason (Click's own prompt asked again without a word): the kind, the amendment's
    text and who writes it; `homework add`'s text and `goal add`'s words and baseline."""
    from tests.terminal import Pty

    journal.add_client(make_client(goals=(Goal("g1-k3x", "Laces shoes before kinder"),)))
    s = journal.add_session(make_session(), durable=False)
    otj_ = Pty("amend", s.record.id)
    otj_.answer("Kind (", "")
    otj_.expect("Please choose one of:")
    otj_.answer("Kind (", "addition")
    needs_an_answer(otj_, "Amendment", "", "She said so later")
    needs_an_answer(otj_, "Your name", " ", "Alex")
    assert otj_.wait() == 0, otj_.output
    assert read(journal, s.path).amendments[-1].by == "Alex"
    homework = Pty("homework", "add", "mia-k")
    needs_an_answer(homework, "Homework", "", "Wall push-ups")
    assert homework.wait() == 0, homework.output
    goal = Pty("goal", "add", "mia-k")
    needs_an_answer(goal, "Goal", "", "Rides a bike")
    goal.answer("GAS baseline level today (-2..+2)", "")
    goal.expect("-2, -1, 0, +1 or +2 (the level the goal starts from)")
    goal.answer("GAS baseline level today (-2..+2)", "-1")
    assert goal.wait() == 0, goal.output
