"""Graded exposure (issue 16): a client's hierarchy of steps in client.toml, the
``exposure`` homework kind, and each step's peak SUDS over its practices (habituation),
said neutrally in ``otj homework summary`` and ``otj trends``.

The model reads and writes the hierarchy with located errors; ``otj hierarchy`` adds,
edits, lists and removes (or retires) steps; ``otj homework log --kind exposure`` takes
a step by its short name; the numbers are worked by hand; two devices' hierarchies join
by id; the export has the kind's columns; and an entry is logged in a real terminal.
"""

from __future__ import annotations

import csv
import io
import json
import os
import tomllib
from dataclasses import replace
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from otjournal.cli import app
from otjournal.disk import tomlio
from otjournal.disk.store import Journal
from otjournal.errors import ValidationErrors
from otjournal.model import Caregiver, Client, HomeworkEntry
from otjournal.model.hierarchy import Step, StepChange, find_step, name_step
from otjournal.model.kinds import EXPOSURE
from otjournal.numbers.exposure import by_step, exposure_json
from otjournal.sync.clientmerge import CannotMerge, join, plain
from otjournal.views.exposure import peak_path, step_line, went
from tests.conftest import CLOCK, TZ, make_client
from tests.terminal import Pty

AT = datetime(2026, 3, 1, 9, 0, tzinfo=TZ)
SECRET = "Sam's private words"
NOT_NEUTRAL = ("better", "worse", "failed", "improv", "success", "good", "bad")

BUS_STOP = Step("s1-abc", "Stand at the bus stop", 30, added_on=date(2026, 2, 1))
ONE_STOP = Step("s2-def", "Ride the bus one stop", 50, added_on=date(2026, 2, 1))
TO_TOWN = Step("s3-ghi", "Ride the bus to town", 80, added_on=date(2026, 2, 1))


def sam(**kw) -> Client:
    return make_client("sam-r", display_name="Sam R.", goals=(), **kw)


def run(runner, *args: str, input: str | None = None):
    result = runner.invoke(app, [str(a) for a in args], input=input)
    assert "Traceback" not in result.output, result.output
    return result


def client_toml(notes: Path) -> dict:
    return tomllib.loads((notes / "clients" / "sam-r" / "client.toml").read_text("utf-8"))


def entries(notes: Path) -> list[dict]:
    folder = notes / "clients" / "sam-r" / "homework"
    return [tomllib.loads(p.read_text("utf-8")) for p in sorted(folder.glob("*.toml"))]


@pytest.fixture
def laddered(journal: Journal, clock) -> Journal:
    """Sam, with a hierarchy of three steps (written out of SUDS order)."""
    journal.add_client(sam(hierarchy=(ONE_STOP, BUS_STOP, TO_TOWN)))
    return journal


def exposure(
    at: datetime, step: str, before=None, peak=None, after=None, minutes=None
) -> HomeworkEntry:
    part = {"step": step, "suds_before": before, "suds_peak": peak, "suds_after": after}
    part["minutes"] = minutes
    return HomeworkEntry.from_dict(
        {
            "format_version": 1,
            "kind": "homework",
            "id": f"{at:%Y-%m-%d_%H%M}_" + "".join(c for c in step.lower() if c.isalnum())[:5],
            "client": "sam-r",
            "entry_kind": "exposure",
            "at": at,
            "written_by": "Sam",
            "written_at": at,
            "exposure": {k: v for k, v in part.items() if v is not None},
        }
    )


# -- 1. the model -------------------------------------------------------------------------


def test_the_hierarchy_round_trips_with_its_changes():
    edited = ONE_STOP.changed(AT, "Alex", step="Ride the bus two stops", suds=55)
    client = sam(hierarchy=(BUS_STOP, edited, replace(TO_TOWN, status="retired")))
    text = tomlio.dumps(client.to_dict())
    assert b"[[hierarchy]]" in text and b"[[hierarchy.changes]]" in text
    back = Client.from_dict(tomlio.parse(text))
    assert back == client
    assert back.hierarchy[1].changes == (
        StepChange(AT, "Alex", {"step": "Ride the bus one stop", "suds": 50}),
    )
    assert back.hierarchy[1].id == "s2-def", "an edit keeps the id entries name"
    assert ONE_STOP.changed(AT, "Alex", suds=50) is ONE_STOP, "no change, no entry"


def test_a_bad_hierarchy_is_reported_at_its_lines(runner, journal, clock):
    journal.add_client(sam(hierarchy=(BUS_STOP, ONE_STOP)))
    path = journal.client_dir("sam-r") / "client.toml"
    text = path.read_text("utf-8")
    text = text.replace("suds = 30", "suds = 120").replace('id = "s2-def"', 'id = "s1-abc"')
    text += '\n[[hierarchy]]\nid = "s4-xyz"\nsuds = 20\n'
    path.write_text(text, encoding="utf-8")
    result = run(runner, "check")
    assert result.exit_code == 1, result.output
    lines = text.splitlines()
    suds_line = lines.index("suds = 120") + 1
    assert f"client.toml:{suds_line}:1: error: hierarchy[0].suds" in result.output
    assert "hierarchy[1].id: 's1-abc' is used by another step" in result.output
    assert "hierarchy[2].step: is required" in result.output


def test_a_change_may_only_name_a_steps_fields():
    data = sam(hierarchy=(ONE_STOP.changed(AT, "Alex", suds=40),)).to_dict()
    data["hierarchy"][0]["changes"][0]["previous"]["colour"] = "red"
    with pytest.raises(ValidationErrors) as caught:
        Client.from_dict(data)
    [error] = caught.value.errors
    assert error.field == "hierarchy[0].changes[0].previous.colour"


def test_a_step_is_found_by_its_id_or_its_short_name():
    steps = (BUS_STOP, ONE_STOP, Step("s2-zzz", "Another second step", 40))
    assert find_step(steps, "s1") is BUS_STOP
    assert find_step(steps, "s2-def") is ONE_STOP
    assert find_step(steps, "s9") is None
    with pytest.raises(ValueError, match="s2 names 2 steps"):
        find_step(steps, "s2")


def test_an_entry_names_its_step_by_the_full_id_and_never_echoes_what_was_typed():
    entry = {"entry_kind": "exposure", "exposure": {"step": "s2"}}
    name_step(entry, (BUS_STOP, ONE_STOP))
    assert entry["exposure"]["step"] == "s2-def"
    wrong = {"entry_kind": "exposure", "exposure": {"step": SECRET}}
    with pytest.raises(ValidationErrors) as caught:
        name_step(wrong, (BUS_STOP, ONE_STOP))
    assert caught.value.errors[0].field == "exposure.step"
    assert SECRET not in str(caught.value) and "s1, s2" in str(caught.value)
    free = {"entry_kind": "exposure", "exposure": {"step": "Walk past the dog"}}
    name_step(free, ())  # no hierarchy: the step in words is kept as written
    assert free["exposure"]["step"] == "Walk past the dog"


# -- 2. the commands ------------------------------------------------------------------------


def test_hierarchy_add_edit_list(runner, journal, notes, clock):
    journal.add_client(sam())
    empty = run(runner, "hierarchy", "list", "sam-r")
    assert "No hierarchy yet" in empty.output
    for text, suds in (("Ride the bus one stop", "50"), ("Stand at the bus stop", "30")):
        added = run(runner, "hierarchy", "add", "sam-r", text, "--suds", suds)
        assert added.exit_code == 0, added.output
    steps = client_toml(notes)["hierarchy"]
    assert [(s["step"], s["suds"]) for s in steps] == [
        ("Ride the bus one stop", 50),
        ("Stand at the bus stop", 30),
    ]
    assert [s["id"][:3] for s in steps] == ["s1-", "s2-"]
    assert all(s["added_on"] == CLOCK.date() for s in steps)

    edited = run(runner, "hierarchy", "edit", "sam-r", "s1", "--suds", "55", "--by", "Alex")
    assert edited.exit_code == 0, edited.output
    s1 = client_toml(notes)["hierarchy"][0]
    assert s1["suds"] == 55 and s1["id"] == steps[0]["id"]
    assert s1["changes"] == [{"at": CLOCK, "by": "Alex", "previous": {"suds": 50}}]
    same = run(runner, "hierarchy", "edit", "sam-r", "s1", "--suds", "55")
    assert "nothing was changed" in same.output

    listed = run(runner, "hierarchy", "list", "sam-r")
    assert listed.exit_code == 0, listed.output
    assert listed.output.index("Stand at the bus stop") < listed.output.index("one stop")
    data = json.loads(run(runner, "hierarchy", "list", "sam-r", "--json").output)["steps"]
    assert [(s["number"], s["expected_suds"], s["practices"]) for s in data] == [
        ("s2", 30, []),
        ("s1", 55, []),
    ]


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["add", "sam-r", "Ride the bus", "--suds", "101"], 2, "--suds"),
        (["add", "sam-r", "  ", "--suds", "10"], 2, "must not be empty"),
        (["edit", "sam-r", "s1"], 2, "nothing to change"),
        (["edit", "sam-r", "s7", "--suds", "10"], 1, "has no step 's7'"),
        (["remove", "sam-r", "s7"], 1, "has no step 's7'"),
    ],
)
def test_hierarchy_refusals_write_nothing(runner, laddered, notes, args, code, message):
    before = (notes / "clients" / "sam-r" / "client.toml").read_bytes()
    result = run(runner, "hierarchy", *args)
    assert result.exit_code == code, result.output
    assert message in result.output
    assert (notes / "clients" / "sam-r" / "client.toml").read_bytes() == before


def test_a_step_an_entry_names_is_retired_not_removed(runner, laddered, notes):
    logged = run(
        runner, "homework", "log", "sam-r", "--kind", "exposure", "--step", "s2",
        "--suds-peak", "60", "--by", "Sam", "--no-input",
    )  # fmt: skip
    assert logged.exit_code == 0, logged.output
    [entry] = entries(notes)
    assert entry["exposure"] == {"step": "s2-def", "suds_peak": 60}

    retired = run(runner, "hierarchy", "remove", "sam-r", "s2", "--by", "Alex")
    assert retired.exit_code == 0, retired.output
    assert "Retired step s2-def" in retired.output and "1 exposure entry names it" in retired.output
    removed = run(runner, "hierarchy", "remove", "sam-r", "s3")
    assert "Removed step s3-ghi" in removed.output
    steps = {s["id"]: s for s in client_toml(notes)["hierarchy"]}
    assert set(steps) == {"s1-abc", "s2-def"}
    assert steps["s2-def"]["status"] == "retired"
    assert steps["s2-def"]["changes"][0]["previous"] == {"status": "active"}
    again = run(runner, "hierarchy", "remove", "sam-r", "s2")
    assert "already retired" in again.output

    listed = run(runner, "hierarchy", "list", "sam-r").output
    assert "(retired)" in listed and "–/60/–" in listed


def test_check_names_an_entry_whose_step_is_none_of_the_hierarchys(runner, laddered, notes):
    """A step id mistyped by hand, or a step cut out of client.toml by hand: the entry
    links to nothing, and ``check`` says so (a warning, at the entry's file). A retired
    step is still a step; a step in words predates the hierarchy and links nothing."""
    for at, step in [
        (AT, "s2-def"),  # a step of the hierarchy
        (AT + timedelta(hours=1), "s9-zzz"),  # none of its steps
        (AT + timedelta(hours=2), "Ride the bus alone"),  # words, from before the hierarchy
    ]:
        path = laddered.add_homework(exposure(at, "s1-abc")).path
        path.write_bytes(path.read_bytes().replace(b'"s1-abc"', f'"{step}"'.encode()))  # by hand
    result = run(runner, "check")
    assert result.exit_code == 0, result.output
    said = [line for line in result.output.splitlines() if "exposure.step" in line]
    assert len(said) == 1, result.output
    assert "'s9-zzz' is none of the steps of sam-r's hierarchy" in said[0]
    assert "_1000_" in said[0]  # the entry's own file

    run(runner, "hierarchy", "remove", "sam-r", "s2", "--by", "Alex")  # retired: still a step
    assert sum("exposure.step" in line for line in run(runner, "check").output.splitlines()) == 1


def test_logging_names_a_step_of_the_hierarchy_or_says_which_there_are(runner, laddered, notes):
    wrong = run(
        runner, "homework", "log", "sam-r", "--kind", "exposure", "--step", "s9",
        "--by", "Sam", "--no-input",
    )  # fmt: skip
    assert wrong.exit_code != 0
    assert "exposure.step" in wrong.output and "s1, s2, s3" in wrong.output
    assert entries(notes) == []
    missing = run(runner, "homework", "log", "sam-r", "--kind", "exposure", "--no-input")
    assert missing.exit_code == 2 and "--step STEP" in missing.output


def test_an_ambiguous_short_name_is_refused_listing_both(runner, journal, clock):
    journal.add_client(sam(hierarchy=(ONE_STOP, Step("s2-zzz", "Another", 40))))
    result = run(runner, "hierarchy", "edit", "sam-r", "s2", "--suds", "45")
    assert result.exit_code == 2
    assert "s2-def" in result.output and "s2-zzz" in result.output


# -- 3. the numbers, worked by hand ---------------------------------------------------------


def practised() -> list[HomeworkEntry]:
    """Step s2 three times (peaks 70, 55, 40), s1 once without a peak, one step in words;
    given out of time order."""
    return [
        exposure(AT + timedelta(days=7), "s2-def", 50, 55, 30, 20),
        exposure(AT, "s2-def", 60, 70, 35, 25),
        exposure(AT + timedelta(days=14), "s2-def", 45, 40, 20, 20),
        exposure(AT + timedelta(days=3), "s1-abc", 30, None, 10),
        exposure(AT + timedelta(days=1), "Walk past the dog", 20, 35, 10),
    ]


def test_each_steps_practices_in_time_order_by_hand():
    client = sam(hierarchy=(ONE_STOP, BUS_STOP, TO_TOWN))
    steps = by_step(client, practised())
    assert steps, "nothing summed up"
    assert [s.key for s in steps] == ["s1-abc", "s2-def", "Walk past the dog"]
    bus = steps[1]
    assert bus.peaks == (70, 55, 40)
    assert bus.peak_change == (70, 40)
    assert (bus.latest.before, bus.latest.peak, bus.latest.after) == (45, 40, 20)
    assert steps[0].peaks == () and steps[0].peak_change is None
    assert steps[2].step is None and steps[2].text == "Walk past the dog"

    # a period: only what falls inside it, by day
    inside = by_step(
        client, practised(), AT.date() + timedelta(days=5), AT.date() + timedelta(days=9)
    )
    assert [(s.key, s.peaks) for s in inside] == [("s2-def", (55,))]
    # every step: those not practised too, in SUDS order
    every = by_step(client, practised(), every_step=True)
    assert [s.key for s in every] == ["s1-abc", "s2-def", "s3-ghi", "Walk past the dog"]
    assert exposure_json(()) == {"exposure": []}
    [first, *_] = exposure_json(steps)["exposure"]
    assert first["step"] == "s1-abc" and first["practices"][0]["suds_before"] == 30


def test_the_words_are_neutral_and_say_what_went_from_what():
    steps = by_step(sam(hierarchy=(ONE_STOP, BUS_STOP)), practised())
    line = step_line(steps[1]).plain
    assert line.startswith(
        "Step s2 “Ride the bus one stop” (SUDS 50): 3 practices · peak 70 → 55 → 40 "
    )
    assert went(steps[1]) == "peak SUDS went from 70 to 40 over 3 practices"
    assert step_line(steps[0]).plain == (
        "Step s1 “Stand at the bus stop” (SUDS 30): 1 practice · no peak SUDS given"
    )
    assert went(steps[0]) == ""
    up = by_step(
        sam(), [exposure(AT, "x", peak=30), exposure(AT + timedelta(days=1), "x", peak=45)]
    )
    assert went(up[0]) == "peak SUDS went from 30 to 45 over 2 practices"
    flat = by_step(
        sam(), [exposure(AT, "x", peak=30), exposure(AT + timedelta(days=1), "x", peak=30)]
    )
    assert went(flat[0]) == "peak SUDS 30 at the first and the latest of 2 practices"
    assert peak_path([90, 80, 70, 60, 50, 40, 30]) == "90 → 80 → … → 50 → 40 → 30"
    said = " ".join([line, *(went(s) for s in (*steps, *up, *flat))]).lower()
    assert not any(w in said for w in NOT_NEUTRAL)


def log_three(runner, days: list[datetime]) -> None:
    for at, (before, peak, after) in zip(
        days, ((60, 70, 35), (50, 55, 30), (45, 40, 20)), strict=True
    ):
        ok = run(
            runner, "homework", "log", "sam-r", "--kind", "exposure", "--step", "s2",
            "--suds-before", str(before), "--suds-peak", str(peak), "--suds-after", str(after),
            "--exposure-minutes", "20", "--helped", "Slow breathing", "--by", "Sam",
            "--at", f"{at:%Y-%m-%d %H:%M}", "--no-input",
        )  # fmt: skip
        assert ok.exit_code == 0, ok.output


def test_the_summary_and_the_trends_show_each_steps_peaks(runner, laddered, notes, clock):
    log_three(runner, [CLOCK - timedelta(days=d) for d in (14, 7, 1)])
    summary = run(runner, "homework", "summary", "sam-r")
    assert summary.exit_code == 0, summary.output
    out = summary.output
    assert "Graded exposure: peak SUDS (0-100) at each practice, oldest first" in out
    assert "Step s2 “Ride the bus one stop” (SUDS 50): 3 practices · peak 70 → 55 → 40" in out
    assert "peak SUDS went from 70 to 40 over 3 practices" in out
    assert "exposure: Ride the bus one stop (s2), SUDS 45/40/20, 20 min" in out  # the one-line view
    data = json.loads(run(runner, "homework", "summary", "sam-r", "--json").output)
    [step] = data["exposure"]
    assert (step["peak_first"], step["peak_latest"]) == (70, 40)

    trends = run(runner, "trends", "sam-r")
    assert trends.exit_code == 0, trends.output
    assert "peak SUDS went from 70 to 40 over 3 practices" in trends.output
    data = json.loads(run(runner, "trends", "sam-r", "--json").output)
    assert [p["suds_peak"] for p in data["exposure"][0]["practices"]] == [70, 55, 40]
    recent = json.loads(run(runner, "trends", "sam-r", "--since", "3d", "--json").output)[
        "exposure"
    ]
    assert [p["suds_peak"] for p in recent[0]["practices"]] == [40]
    # the kinds' line: in the summary, and the report's homework section (same sentence)
    said = "3 exposure practices on 1 step; peak SUDS on s2 from 70 to 40"
    assert said in out
    report = run(runner, "report", "sam-r", "--since", "2026-01-01")
    assert f"- Exposure practice: {said}." in report.output


def test_without_exposure_entries_nothing_is_added(runner, laddered):
    summary = run(runner, "homework", "summary", "sam-r")
    assert summary.exit_code == 0, summary.output
    assert "Graded exposure" not in summary.output
    assert not summary.output.endswith("\n\n")
    # The key is there all the same (no key is left out because it is empty).
    summary_json = json.loads(run(runner, "homework", "summary", "sam-r", "--json").output)
    assert summary_json["exposure"] == []
    assert json.loads(run(runner, "trends", "sam-r", "--json").output)["exposure"] == []


# -- 4. two devices -------------------------------------------------------------------------


def test_steps_added_on_two_devices_are_both_kept():
    base = sam(hierarchy=(BUS_STOP,))
    a = base.with_step(Step("s2-kqx", "Typed on A", 40, added_on=date(2026, 3, 2)))
    b = base.with_step(Step("s2-zzt", "Typed on B", 60, added_on=date(2026, 3, 2)))
    for known in (None, base):
        joined = join(a, b, known)
        assert [s.id for s in joined.hierarchy] == ["s1-abc", "s2-kqx", "s2-zzt"]
        assert plain(join(b, a, known)) == plain(joined)
        assert Client.from_dict(tomlio.parse(tomlio.dumps(joined.to_dict()))) == joined


def test_a_step_edited_on_one_device_takes_that_edit():
    base = sam(hierarchy=(BUS_STOP, ONE_STOP))
    a = base.with_step(ONE_STOP.changed(AT, "Alex", suds=40))
    for known in (None, base):
        for first, second in ((a, base), (base, a)):
            s2 = join(first, second, known).hierarchy[1]
            assert (s2.suds, len(s2.changes)) == (40, 1)


def test_a_step_edited_differently_on_both_devices_stays_a_conflict():
    base = sam(hierarchy=(ONE_STOP,))
    a = base.with_step(ONE_STOP.changed(AT, "Alex", suds=40, step=SECRET))
    b = base.with_step(ONE_STOP.changed(AT, "Sam", suds=60))
    for known in (None, base):
        with pytest.raises(CannotMerge, match="hierarchy step s2-def was changed on both") as c:
            join(a, b, known)
        assert SECRET not in c.value.message
    by_hand = base.with_step(replace(ONE_STOP, suds=45))  # no change records it
    with pytest.raises(CannotMerge):
        join(a, by_hand)


# -- 5. the export --------------------------------------------------------------------------


def test_the_export_has_the_exposure_columns(runner, laddered, clock):
    log_three(runner, [CLOCK - timedelta(days=d) for d in (14, 7, 1)])
    result = run(runner, "export", "--table", "homework")
    assert result.exit_code == 0, result.output
    reader = csv.DictReader(io.StringIO(result.stdout))
    names = [c.name for c in EXPOSURE.columns]
    assert reader.fieldnames is not None and reader.fieldnames[-len(names) :] == names
    rows = [r for r in reader if r["entry_kind"] == "exposure"]
    assert [(r["exposure_step"], r["suds_peak"], r["exposure_minutes"]) for r in rows] == [
        ("s2-def", "70", "20"),
        ("s2-def", "55", "20"),
        ("s2-def", "40", "20"),
    ]
    assert all(r["minutes"] == "" for r in rows), "relaxation's minutes stay its own"


# -- 6. the prompts -------------------------------------------------------------------------


def test_the_prompts_offer_the_active_steps_by_suds(runner, journal, notes, clock):
    retired = replace(TO_TOWN, status="retired")
    journal.add_client(sam(hierarchy=(ONE_STOP, BUS_STOP, retired), caregivers=(Caregiver("Jo"),)))
    typed = ["", "", "7", "2", "60", "70", "30", "25", "Counting the stops", "", "y"]
    result = run(runner, "homework", "log", "sam-r", "--kind", "exposure", input="\n".join(typed))
    assert result.exit_code == 0, result.output
    assert " 1 Stand at the bus stop (SUDS 30, s1)" in result.stderr
    assert " 2 Ride the bus one stop (SUDS 50, s2)" in result.stderr
    assert "Ride the bus to town" not in result.stderr, "a retired step is not offered"
    assert "Please give a number from 1 to 2." in result.stderr
    [entry] = entries(notes)
    assert entry["exposure"] == {
        "step": "s2-def",
        "suds_before": 60,
        "suds_peak": 70,
        "suds_after": 30,
        "minutes": 25,
        "helped": "Counting the stops",
    }


@pytest.mark.pty
def test_an_exposure_entry_in_a_terminal(journal, notes):
    journal.add_client(sam(hierarchy=(ONE_STOP, BUS_STOP)))
    env = dict(os.environ)
    env["TERM"] = "xterm"
    child = Pty("homework", "log", "sam-r", "--kind", "exposure", env=env, timeout=20)
    child.expect("Sam R.'s entry")
    child.run(
        [
            ("Who is writing", "Sam"),
            ("When", ""),
            ("Which step of the hierarchy", "2"),
            ("SUDS before", "55"),
            ("SUDS at the peak", "101"),
        ]
    )
    child.expect("Please give a whole number from 0 to 100.")
    child.run(
        [
            ("SUDS at the peak", "65"),
            ("SUDS after", ""),
            ("Minutes", "15"),
            ("What helped", "Music in my ears"),
            ("", ""),
        ]
    )
    # The review names the step as the list did, in its words, not by its id.
    child.expect("Save?")
    review = child.output.split("Exposure practice")[-1]
    assert "Which step of the hierarchy: Ride the bus one stop (s2)" in " ".join(review.split())
    assert "s2-def" not in review
    # Changed from the review, the step is chosen from the same numbered list, the one
    # chosen before offered (it was asked as free text showing "s2-def").
    child.child.sendline("c")
    child.answer("Which answer", "3")
    child.expect("Which step of the hierarchy (a number above) [2]")
    assert "Now: s2-def" not in child.output
    child.child.sendline("1")
    child.expect("Save?")
    assert "Which step of the hierarchy: Stand at the bus stop (s1)" in " ".join(
        child.output.split("Exposure practice")[-1].split()
    )
    child.child.sendline("y")
    child.expect_re(r"Saved exposure entry (\S+)\.")
    child.finish(0)
    [entry] = entries(notes)
    assert entry["entry_kind"] == "exposure" and entry["written_by"] == "Sam"
    assert entry["exposure"] == {
        "step": "s1-abc",
        "suds_before": 55,
        "suds_peak": 65,
        "minutes": 15,
        "helped": "Music in my ears",
    }


def test_an_exposure_entry_with_flags_counts_for_the_one_exposure_homework(runner, laddered):
    """As a practice's --what does: with one exposure homework assigned, an exposure
    entry given with flags is linked to it, and the plan counts it."""
    added = run(runner, "homework", "add", "sam-r", "--text", "Bus practice", "--kind",
                "exposure", "--per-week", "3", "--since", "2026-03-01")  # fmt: skip
    assert added.exit_code == 0, added.output
    for day in ("2026-03-03 10:00", "2026-03-05 10:00"):
        logged = run(runner, "homework", "log", "sam-r", "--kind", "exposure", "--step", "s1",
                     "--suds-before", "60", "--suds-peak", "70", "--suds-after", "20",
                     "--at", day, "--by", "Sam", "--no-input")  # fmt: skip
        assert logged.exit_code == 0, logged.output
    summary = json.loads(run(runner, "homework", "summary", "sam-r", "--json").stdout)
    [row] = summary["adherence"]
    assert (row["text"], row["practised"]) == ("Bus practice", 2)
    # The latest entries name the step in its words, as the review and the ladder do.
    shown = run(runner, "homework", "summary", "sam-r").stdout
    assert "2026-03-05 exposure: Stand at the bus stop (s1), SUDS 60/70/20" in shown
    assert "s1-abc" not in shown
