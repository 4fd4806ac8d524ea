"""``otj intake``: an initial session note with an ``[intake]`` table, its goals in
client.toml (with baselines), by flags, --no-input, --from, --editor and drafts; the
refusals name fields, never text; ``otj show`` and the printout show it."""

from __future__ import annotations

import json
import os
import stat
import sys
import tomllib
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from otjournal.cli import app
from otjournal.disk.store import Journal
from otjournal.forms import intake as intakeform
from otjournal.model import Client, Goal, Session
from tests.helpers import tree

SECRET = "Zebulon-secret-words"
DAY = date(2026, 3, 7)  # the clock fixture's day
FLAGS = [
    "--referral-source",
    "school",
    "--referral-reason",
    "dressing and play",
    "--background",
    "Born at term; loves trains",
    "--diagnosis",
    "Autism, level 1",
    "--matters",
    "Getting ready for kinder",
    "--strength",
    "trains",
    "--strength",
    "Lego",
    "--comm",
    "speech",
    "--comm",
    "AAC",
    "--consent",
    "Mum|therapy and reports||school,GP",
    "--consent",
    "Dad|photos|2026-03-01",
    "--assessment",
    "Sensory Profile 2|2026-03-01|total=52,seeking=18.5",
    "--goal",
    "Laces shoes before kinder|-2|2",
    "--goal",
    "Joins | group play|-1",
    "--date",
    "2026-03-07",
    "--time",
    "10:00",
    "--setting",
    "clinic",
    "--attendee",
    "child",
    "--attendee",
    "parent",
    "--by",
    "Alex Rivera",
    "--summary",
    "Met Mia and Mum",
]


@pytest.fixture
def mia(runner, clock, journal: Journal) -> Journal:
    result = runner.invoke(app, ["client", "add", "mia-k", "--name", "Mia K."])
    assert result.exit_code == 0, result.output
    return journal


def intake(runner, *args: str, **kw: Any):
    return runner.invoke(app, ["intake", "mia-k", *args], **kw)


def session_files(journal: Journal) -> list[Path]:
    folder = journal.root / "clients" / "mia-k" / "sessions"
    return sorted(folder.glob("*.toml")) if folder.exists() else []


def only_session(journal: Journal) -> Session:
    (path,) = session_files(journal)
    return Session.from_dict(tomllib.loads(path.read_text("utf-8")))


def client(journal: Journal) -> Client:
    return journal.read_client("mia-k")[0]


def drafts() -> list[Path]:
    folder = Path(os.environ["XDG_STATE_HOME"]) / "otjournal" / "drafts"
    if not folder.exists():
        return []
    return [p for p in folder.glob("*.toml") if not p.name.endswith(".edit.toml")]


# -- flags ---------------------------------------------------------------------------------


def test_flags_write_an_initial_note_and_the_goals_with_baselines(runner, mia):
    result = intake(runner, *FLAGS, "--no-input")
    assert result.exit_code == 0, result.output
    s = only_session(mia)
    assert s.session_type == "initial"
    assert s.start.date() == DAY
    it = s.intake
    assert it is not None
    assert (it.referral_source, it.referral_reason) == ("school", "dressing and play")
    assert it.background == "Born at term; loves trains"
    assert it.diagnoses == ("Autism, level 1",)
    assert it.what_matters == "Getting ready for kinder"
    assert it.strengths == ("trains", "Lego")
    assert it.communication == ("speech", "AAC")
    mum, dad = it.consent
    assert (mum.who, mum.purpose, mum.on, mum.share_with) == (
        "Mum",
        "therapy and reports",
        DAY,  # no date given: the intake day
        ("school", "GP"),
    )
    assert (dad.who, dad.on, dad.share_with) == ("Dad", date(2026, 3, 1), ())
    (sp,) = it.assessments
    assert (sp.name, sp.on, sp.scores) == (
        "Sensory Profile 2",
        date(2026, 3, 1),
        {"total": 52, "seeking": 18.5},
    )
    goals = client(mia).goals
    assert [g.number for g in goals] == ["g1", "g2"]
    assert it.goals == tuple(g.id for g in goals)
    laces, joins = goals
    assert (laces.text, laces.weight, laces.baseline, laces.baseline_on) == (
        "Laces shoes before kinder",
        2,
        -2,
        DAY,
    )
    assert (joins.text, joins.weight, joins.baseline) == ("Joins | group play", 1, -1)
    assert all(g.set_on == DAY and g.status == "active" for g in goals)
    assert "Saved " in result.stdout
    assert f"added to mia-k's file: {laces.id}, {joins.id}" in result.stdout
    assert drafts() == []


def test_a_second_intake_adds_new_goals_and_leaves_the_old_ones(runner, mia, clock):
    assert intake(runner, *FLAGS, "--no-input").exit_code == 0
    first = client(mia).goals
    clock.set(clock.at.replace(month=9))
    result = intake(
        runner,
        "--referral-reason",
        "new school year",
        "--goal",
        "Writes name|-1",
        "--summary",
        "Second episode",
        *("--setting", "home", "--attendee", "parent", "--by", "Alex Rivera"),
        "--no-input",
    )
    assert result.exit_code == 0, result.output
    goals = client(mia).goals
    assert goals[:2] == first
    (new,) = goals[2:]
    assert new.number == "g3"
    assert (new.baseline, new.set_on) == (-1, clock.at.date())
    second = [Session.from_dict(tomllib.loads(p.read_text("utf-8"))) for p in session_files(mia)]
    assert [s.intake.goals for s in second if s.intake] == [
        tuple(g.id for g in first),
        (new.id,),
    ]
    # The first episode was never closed: said, since this intake starts another.
    assert "the episode that began 2026-03-07 was not closed" in result.stderr


def test_an_intake_after_a_discharge_says_nothing_of_an_open_episode(runner, mia, clock):
    assert intake(runner, *FLAGS, "--no-input").exit_code == 0
    clock.set(clock.at.replace(month=6))
    closed = runner.invoke(
        app,
        [
            "discharge",
            "mia-k",
            "--reason",
            "moved",
            "--attendee",
            "parent",
            "--setting",
            "home",
            "--by",
            "Alex Rivera",
            "--no-input",
        ],
    )
    assert closed.exit_code == 0, closed.output
    clock.set(clock.at.replace(month=9))
    again = intake(
        runner,
        *("--referral-reason", "back again", "--summary", "New episode"),
        *("--setting", "home", "--attendee", "parent", "--by", "Alex Rivera", "--no-input"),
    )
    assert again.exit_code == 0, again.output
    assert "not closed" not in again.stderr
    listed = runner.invoke(app, ["client", "list", "--json"])
    assert [c["status"] for c in json.loads(listed.stdout)["clients"]] == ["in care"]


@pytest.mark.parametrize(
    "args, field",
    [
        (["--goal", "Laces|3"], "--goal"),
        (["--goal", "Laces"], "--goal"),
        (["--consent", "Mum|therapy|2099-01-01"], "intake.consent[0].on"),
        (["--consent", "Mum"], "--consent"),
        (["--assessment", f"SP2|2026-03-01|total={SECRET}"], "--assessment: score 1"),
        (["--assessment", "SP2|2026-03-01|total"], "--assessment"),
        (["--assessment", "SP2|someday"], "--assessment: that is not a date"),
        (["--goal", "Laces|-2|0"], "intake.goals[0].weight"),
        (["--date", "2026-03-09"], "start"),
    ],
)
def test_refusals_name_the_field_and_write_nothing(runner, mia, args, field):
    before = tree(mia.root)
    result = intake(
        runner, "--referral-reason", "r", "--summary", "s", *args, f"--background={SECRET}"
    )
    assert result.exit_code == 2, result.output
    assert field in result.stderr
    assert SECRET not in result.output
    assert tree(mia.root) == before
    assert drafts() == []


@pytest.mark.parametrize("reason", [[], ["--referral-reason", "  "]])
def test_no_input_names_what_is_missing(runner, mia, reason):
    before = tree(mia.root)
    result = intake(runner, "--summary", "Met them", "--setting", "home", *reason, "--no-input")
    assert result.exit_code == 2
    assert "intake.referral_reason  (--referral-reason" in result.stderr
    assert tree(mia.root) == before


def test_the_parsers():
    assert intakeform.parse_goal_flag("A|b|+1") == {"text": "A|b", "baseline": 1}
    assert intakeform.parse_goal_flag("A|0|1.5") == {"text": "A", "baseline": 0, "weight": 1.5}
    assert intakeform.parse_scores("total=52; motor = -1.5", "x") == {"total": 52, "motor": -1.5}
    with pytest.raises(Exception, match="score 2 must be a number"):
        intakeform.parse_scores("a=1,b=nan", "x")
    assert intakeform.parse_consent_flag("Mum|reports", DAY) == {"who": "Mum", "purpose": "reports"}


# -- --from, stdin, the draft ----------------------------------------------------------------

FROM = """
setting = "home"
attendees = ["child", "parent"]
written_by = "Alex Rivera"
[plan]
summary = "Met at home"
[intake]
referral_reason = "toileting"
what_matters = "Going to the toilet at kinder"
[[intake.consent]]
who = "Mum"
purpose = "therapy"
[[intake.assessments]]
name = "PEDI-CAT"
on = 2026-03-02
[intake.assessments.scores]
daily_activities = 48
[[intake.goals]]
id = "g9"
text = "Uses the toilet at kinder"
baseline = -2
baseline_on = 2026-03-05
weight = 3
[intake.goals.levels]
"-2" = "with full help"
"0" = "with a visual schedule"
"""


def test_from_a_file(runner, mia, tmp_path):
    path = tmp_path / "intake.toml"
    path.write_text(FROM, encoding="utf-8")
    result = intake(runner, "--from", str(path))
    assert result.exit_code == 0, result.output
    s = only_session(mia)
    assert s.session_type == "initial" and s.setting == "home"
    assert s.intake is not None and s.intake.referral_reason == "toileting"
    assert s.intake.consent[0].on == s.start.date()
    assert s.intake.assessments[0].scores == {"daily_activities": 48}
    (goal,) = client(mia).goals
    assert goal.id != "g9" and goal.number == "g1"  # ids are otj's
    assert (goal.weight, goal.baseline, goal.baseline_on) == (3, -2, date(2026, 3, 5))
    assert goal.levels == {-2: "with full help", 0: "with a visual schedule"}
    assert s.intake.goals == (goal.id,)


def test_from_a_file_with_errors_names_each_field(runner, mia, tmp_path):
    bad = FROM.replace("baseline = -2\n", "").replace("daily_activities = 48", 'x = "high"')
    bad = bad.replace("on = 2026-03-02", "on = 2027-01-01")
    path = tmp_path / "intake.toml"
    path.write_text(bad, encoding="utf-8")
    before = tree(mia.root)
    result = intake(runner, "--from", str(path))
    assert result.exit_code == 1, result.output
    for field in (
        "intake.goals[0].baseline",
        "intake.assessments[0].on",
        "intake.assessments[0].scores.x",
    ):
        assert field in result.stderr
    assert "high" not in result.stderr
    assert tree(mia.root) == before


def test_stdin_incomplete_keeps_a_draft_and_resume_finishes(runner, mia):
    text = FROM.replace('referral_reason = "toileting"\n', "")
    result = intake(runner, "--from", "-", input=text)
    assert result.exit_code == 2
    assert "intake.referral_reason" in result.stderr
    assert "otj intake --resume" in result.stderr
    assert len(drafts()) == 1
    assert session_files(mia) == []
    result = runner.invoke(
        app, ["intake", "--resume", "--no-input", "--referral-reason", "toileting"]
    )
    assert result.exit_code == 0, result.output
    assert only_session(mia).intake.referral_reason == "toileting"  # type: ignore[union-attr]
    assert len(client(mia).goals) == 1
    assert drafts() == []


# -- the editor --------------------------------------------------------------------------------


def editor_script(tmp_path: Path, body: str) -> str:
    """An $EDITOR that puts ``body`` in place of the form's blank intake goal."""
    script = tmp_path / "edit.py"
    script.write_text(
        "import sys, pathlib\n"
        "p = pathlib.Path(sys.argv[1])\n"
        "t = p.read_text()\n"
        "t = t.replace('referral_reason = \"\"', 'referral_reason = \"fine motor\"')\n"
        "t = t.replace('summary = \"\"', 'summary = \"Met them\"')\n"
        f't = t.replace(\'text = ""\\nbaseline = ""\', {body!r}, 1)\n'
        "p.write_text(t)\n",
        encoding="utf-8",
    )
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return f"{sys.executable} {script}"


def test_the_editor_form_carries_the_intake(runner, mia, tmp_path, monkeypatch):
    monkeypatch.setenv("EDITOR", editor_script(tmp_path, 'text = "Holds a pencil"\nbaseline = -1'))
    result = intake(runner, "--editor", "--setting", "clinic", "--attendee", "child", "--by", "A")
    assert result.exit_code == 0, result.output
    s = only_session(mia)
    assert s.intake is not None and s.intake.referral_reason == "fine motor"
    (goal,) = client(mia).goals
    assert (goal.text, goal.baseline, goal.baseline_on) == ("Holds a pencil", -1, s.start.date())
    assert s.intake.consent == () and s.intake.assessments == ()  # blank blocks: not recorded


def test_the_editor_form_reopens_on_a_goal_without_a_baseline(runner, mia, tmp_path, monkeypatch):
    monkeypatch.setenv("EDITOR", editor_script(tmp_path, 'text = "Holds a pencil"'))
    result = intake(runner, "--editor", "--setting", "clinic", "--attendee", "child", "--by", "A")
    # The same editor closes the reopened form unchanged: otj stops, keeping the draft.
    assert result.exit_code == 1
    assert "the form still has errors" in result.stderr
    (draft,) = drafts()
    form = draft.with_suffix(".edit.toml").read_text("utf-8")
    assert "intake.goals[0].baseline: is required" in form
    assert session_files(mia) == []


def test_the_editor_form_lists_every_intake_part():
    form = intakeform.editor_section({"intake": {"goals": [{"text": "A", "baseline": 0}]}})
    for part in ("[intake]", "[[intake.consent]]", "[[intake.assessments]]", "[[intake.goals]]"):
        assert part in form
    parsed = tomllib.loads(form)
    assert parsed["intake"]["goals"][0]["baseline"] == 0


# -- client.toml changed meanwhile -------------------------------------------------------------


def test_client_file_changed_meanwhile_the_goals_join_it_as_it_is_now(runner, mia, monkeypatch):
    original = Journal.add_session

    def add_and_touch(self: Journal, *args: Any, **kw: Any) -> Any:
        saved = original(self, *args, **kw)
        c, fp = self.read_client("mia-k")
        self.save_client(c.with_goal(Goal("g7-abc", "From another device")), fp)
        return saved

    monkeypatch.setattr(Journal, "add_session", add_and_touch)
    result = intake(runner, *FLAGS, "--no-input")
    assert result.exit_code == 0, result.output
    s = only_session(mia)
    assert s.intake is not None and len(s.intake.goals) == 2
    # Theirs kept, ours added under the ids the intake names.
    assert [g.id for g in client(mia).goals] == ["g7-abc", *s.intake.goals]
    assert drafts() == []


def test_client_file_that_cannot_be_saved_keeps_the_note_and_gives_the_commands(
    runner, mia, monkeypatch
):
    from otjournal.errors import StoreError

    def refuse(self: Journal, *args: Any, **kw: Any) -> Any:
        raise StoreError("client.toml changed on disk since it was read")

    monkeypatch.setattr(Journal, "save_client", refuse)
    result = intake(runner, *FLAGS, "--no-input")
    assert result.exit_code == 1, result.output
    s = only_session(mia)
    assert s.intake is not None and len(s.intake.goals) == 2
    assert client(mia).goals == ()  # nothing written
    assert "its goals were not added" in result.stderr
    assert "Laces" not in result.stderr  # the goals' text goes to stdout only
    assert (
        "otj goal add mia-k --text 'Laces shoes before kinder' --weight 2 --baseline -2 "
        "--baseline-on 2026-03-07"
    ) in result.stdout
    assert "otj goal add mia-k --text 'Joins | group play' --baseline -1" in result.stdout
    assert drafts() == []


# -- reading it --------------------------------------------------------------------------------


@pytest.mark.parametrize("columns", [40, 200])
def test_show_reads_the_intake_at_any_width(runner, mia, columns):
    assert intake(runner, *FLAGS, "--no-input").exit_code == 0
    sid = only_session(mia).id
    result = runner.invoke(app, ["show", sid], env={"COLUMNS": str(columns)})
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines
    assert max(len(line) for line in lines) <= columns
    flat = " ".join(line.strip() for line in lines)
    for words in (
        "Intake",
        "referred by: school",
        "reason: dressing and play",
        "Autism, level 1",
        "Mum: therapy and reports, 2026-03-07; share with school, GP",
        "Sensory Profile 2, 2026-03-01: total 52, seeking 18.5",
        "Laces shoes before kinder",
        "baseline: -2 on 2026-03-07",
        "weight: 2",
    ):
        assert words in flat, (words, result.stdout)


def test_the_printout_holds_the_intake(runner, mia):
    assert intake(runner, *FLAGS, "--no-input").exit_code == 0
    sid = only_session(mia).id
    for fmt, needle in (("text", "Reason for referral: dressing and play"), ("md", "## Consent")):
        result = runner.invoke(app, ["show", sid, "--format", fmt, "-o", "-"])
        assert result.exit_code == 0, result.output
        assert needle in result.stdout
        assert "Standardised assessments" in result.stdout
        assert "Goals set together" in result.stdout
    html = runner.invoke(app, ["show", sid, "--format", "html", "-o", "-"]).stdout
    assert "Baseline" in html and "Sensory Profile 2" in html


def test_an_intake_note_is_amendable(runner, mia):
    assert intake(runner, *FLAGS, "--no-input").exit_code == 0
    sid = only_session(mia).id
    result = runner.invoke(
        app,
        ["amend", sid, "--kind", "addition", "--text", "Dad agreed too", "--by", "Alex Rivera"],
    )
    assert result.exit_code == 0, result.output
    s = only_session(mia)
    assert s.intake is not None and s.intake.referral_reason == "dressing and play"
    assert [a.text for a in s.amendments] == ["Dad agreed too"]
    assert runner.invoke(app, ["check"]).exit_code == 0


# -- the prompts, in process -------------------------------------------------------------------


def test_prompts_and_a_goal_changed_at_the_review(runner, mia):
    typed = [
        "Alex Rivera",  # no practitioner in the config: asked once
        *["", "", ""],  # minutes, date, start time: the defaults
        *["", ""],  # setting, who attended
        *["", "Dressing", ""],  # referred by, the reason (two lines' end)
        *["", "", ""],  # background, diagnoses, what matters
        *["", ""],  # strengths, communication
        "",  # no consent recorded
        "",  # no assessment
        *["Laces shoes", "-2", "", "", ""],  # a goal, its baseline, weight, levels, no more
        "",  # the child's voice
        *["Met them", "", "", ""],  # summary, next focus, homework
        "9",  # at the review: the goals again
        *["1", "Buttons coat", "+3", "-1", "0", "1.5", "n", ""],  # drop the first, one more
        "y",
    ]
    result = intake(runner, input="\n".join(typed) + "\n")
    assert result.exit_code == 0, result.output
    assert "Please give a whole number from -2 to 2" in result.output
    assert "Please give a number from 0.01 to 100" in result.output  # as goal add takes it
    s = only_session(mia)
    (goal,) = client(mia).goals
    assert (goal.text, goal.baseline, goal.weight, goal.number) == ("Buttons coat", -1, 1.5, "g1")
    assert s.intake is not None and s.intake.goals == (goal.id,)
    assert s.intake.referral_reason == "Dressing"
    assert s.intake.consent == ()
