"""``otj discharge``: the close of an episode, its goals' outcomes prefilled from the data
and editable (flags, --from, the editor, the prompts), the statuses dated in client.toml,
the refusals, and how a discharge reads (``otj show`` at 40 and 200 columns, the
printout). The commands' clock is stopped at conftest.CLOCK (2026-03-07 16:00 +10:00)."""

from __future__ import annotations

import json
import shlex
import sys
import tomllib
from datetime import date, datetime
from pathlib import Path

import pytest

from otjournal.cli import app
from otjournal.forms import discharge
from otjournal.model import Client, Copm, Goal, GoalRating, Session
from otjournal.model.episode import Discharge, GoalOutcome
from tests.conftest import CLOCK, TZ, make_client, make_session
from tests.helpers import tree
from tests.test_review import GOALS, drafts, ok, only, sessions

REVIEW_DAY = datetime(2026, 2, 27, 10, 0, tzinfo=TZ)
INTERIM_DAY = datetime(2026, 3, 3, 10, 0, tzinfo=TZ)
BASE = ["--by", "Alex Rivera", "--setting", "clinic", "--no-input"]


@pytest.fixture
def mia(journal) -> str:
    """g1 reviewed at +1 (then an interim 0), g2 reviewed at -1, g3 on hold, g4 achieved
    last year (another episode: not summarised again)."""
    old = Goal("g4-z9z", "Old goal", status="achieved", set_on=date(2025, 1, 5))
    journal.add_client(make_client(goals=(*GOALS, old)))
    journal.add_session(
        make_session(
            start=REVIEW_DAY,
            session_type="review",
            goals=(
                GoalRating("g1-k3x", 1, copm_performance=7, copm_satisfaction=8),
                GoalRating("g2-m4p", -1),
            ),
        ),
        durable=False,
    )
    journal.add_session(
        make_session(start=INTERIM_DAY, goals=(GoalRating("g1-k3x", 0),)), durable=False
    )
    intake = make_session(
        start=datetime(2026, 1, 10, 9, tzinfo=TZ), session_type="initial", goals=()
    )
    from otjournal.model.episode import Intake

    journal.add_session(
        Session(**{**intake.__dict__, "intake": Intake(referral_source="GP")}), durable=False
    )
    return "mia-k"


def client_toml(notes: Path) -> Client:
    return Client.from_dict(
        tomllib.loads((notes / "clients" / "mia-k" / "client.toml").read_text("utf-8"))
    )


# -- pure: the outcomes prefilled from the data ----------------------------------------------


def _review(day: int, gas: int | None) -> Session:
    start = datetime(2026, 3, day, 10, tzinfo=TZ)
    return make_session(start=start, session_type="review", goals=(GoalRating("g1", gas),))


def _interim(day: int, gas: int) -> Session:
    start = datetime(2026, 3, day, 10, tzinfo=TZ)
    return make_session(start=start, goals=(GoalRating("g1", gas),))


G1 = Goal("g1", "Laces", baseline=-2, baseline_on=date(2026, 1, 2))


@pytest.mark.parametrize(
    ("goal", "notes_", "status", "summary"),
    [
        (G1, [], "discontinued", "baseline -2 on 2026-01-02, not rated in a session"),
        (
            G1,
            [_review(5, 1)],
            "achieved",
            "baseline -2 on 2026-01-02, last review +1 on 2026-03-05",
        ),
        (
            G1,
            [_review(5, 0), _interim(6, -1)],
            "achieved",
            "baseline -2 on 2026-01-02, last review 0 on 2026-03-05, "
            "last interim rating -1 on 2026-03-06",
        ),
        (
            G1,
            [_review(5, 1), _review(9, -1)],
            "discontinued",
            "baseline -2 on 2026-01-02, last review -1 on 2026-03-09",
        ),
        (
            Goal("g1", "Laces", status="on-hold"),
            [_interim(6, 2)],
            "discontinued",
            "no baseline recorded, last interim rating +2 on 2026-03-06",
        ),
        (
            Goal("g1", "Laces", status="achieved"),
            [_review(5, -2)],
            "achieved",
            "no baseline recorded, last review -2 on 2026-03-05",
        ),
    ],
)
def test_each_goal_is_prefilled_from_its_ratings(goal, notes_, status, summary):
    assert discharge.prefilled([goal], notes_) == [
        {"goal": "g1", "status": status, "summary": summary}
    ]


def test_copm_from_t1_to_the_review_is_part_of_the_summary():
    goal = Goal("g1", "Laces", copm=Copm("dressing", 3, 2))
    review = make_session(session_type="review", goals=(GoalRating("g1", 0, copm_performance=7),))
    assert discharge.progress_summary(goal, [review]) == (
        "no baseline recorded, last review 0 on 2026-03-05, "
        "COPM performance 3 to 7, satisfaction 2 to –"
    )


# -- flags and --no-input ---------------------------------------------------------------------


def test_no_input_saves_the_prefilled_outcomes_and_dates_the_statuses(runner, notes, mia, clock):
    result = runner.invoke(
        app,
        [
            "discharge",
            "mia-k",
            *BASE,
            "--reason",
            "goals-met",
            "--reason-note",
            "Family happy with progress",
            "--recommendations",
            "Keep the lacing card by the door",
            "--maintenance",
            "Practise twice a week",
            "--told",
            "family",
            "--told",
            "kinder teacher",
        ],
    )
    ok(result)
    assert "Goal statuses in client.toml: g1-k3x achieved, g2-m4p discontinued, g3-q7r " in (
        result.output
    )
    assert "otj intake mia-k" in result.output
    s = only(notes, "discharge")
    assert s.attendees == ()  # not face to face
    assert s.plan.summary == ""
    assert s.discharge == Discharge(
        reason="goals-met",
        reason_note="Family happy with progress",
        recommendations="Keep the lacing card by the door",
        maintenance="Practise twice a week",
        told=("family", "kinder teacher"),
        goals=(
            GoalOutcome(
                "g1-k3x",
                "achieved",
                "baseline -2 on 2026-01-10, last review +1 on 2026-02-27, last interim rating "
                "0 on 2026-03-03, COPM performance 3 to 7, satisfaction 2 to 8",
            ),
            GoalOutcome(
                "g2-m4p",
                "discontinued",
                "no baseline recorded, last review -1 on 2026-02-27",
            ),
            GoalOutcome("g3-q7r", "discontinued", "no baseline recorded, not rated in a session"),
        ),
    )
    client = client_toml(notes)
    day = s.start.date()
    for gid, status, previous in (
        ("g1-k3x", "achieved", "active"),
        ("g2-m4p", "discontinued", "active"),
        ("g3-q7r", "discontinued", "on-hold"),
    ):
        goal = client.goal(gid)
        assert goal is not None
        assert goal.status == status
        change = goal.changes[-1]
        assert (change.status, change.on, change.reason) == (status, day, "discharge")
        assert change.previous == {"status": previous}
        assert (change.at, change.by) == (CLOCK, "Alex Rivera")
    old = client.goal("g4-z9z")
    assert old is not None and old.changes == ()  # another episode's goal, untouched


def test_flags_change_a_status_and_a_summary(runner, notes, mia, clock):
    ok(
        runner.invoke(
            app,
            [
                "discharge",
                "mia-k",
                *BASE,
                "--reason",
                "moved",
                "--attendee",
                "parent",
                "--goal-status",
                "g2=achieved",
                "--goal-summary",
                "g2=Uses the plan at home and kinder",
                "--goal-status",
                "g3=on-hold",
            ],
        )
    )
    outcomes = only(notes, "discharge").discharge
    assert outcomes is not None
    assert outcomes.outcome("g2-m4p") == GoalOutcome(
        "g2-m4p", "achieved", "Uses the plan at home and kinder"
    )
    g3 = outcomes.outcome("g3-q7r")
    assert g3 is not None and g3.status == "on-hold"
    client = client_toml(notes)
    assert [(g.id, g.status, len(g.changes)) for g in client.goals] == [
        ("g1-k3x", "achieved", 1),
        ("g2-m4p", "achieved", 1),
        ("g3-q7r", "on-hold", 0),  # unchanged: no change recorded
        ("g4-z9z", "achieved", 0),
    ]


def test_without_a_reason_no_input_names_the_flag_and_writes_nothing(runner, notes, mia, clock):
    before = tree(notes)
    result = runner.invoke(app, ["discharge", "mia-k", *BASE])
    assert result.exit_code == 2, result.output
    assert "discharge.reason  (--reason)" in result.output
    assert tree(notes) == before


@pytest.mark.parametrize(
    ("flags", "message"),
    [
        (["--reason", "bored"], "discharge.reason"),
        (["--reason", "moved", "--goal-status", "g1=closed"], "must be one of active"),
        (["--reason", "moved", "--goal-status", "g9=achieved"], "not a goal of mia-k"),
        (["--reason", "moved", "--goal-summary", "nothing"], "GOAL=VALUE"),
    ],
)
def test_refused_flags_exit_2(runner, notes, mia, clock, flags, message):
    before = tree(notes)
    result = runner.invoke(app, ["discharge", "mia-k", *BASE, *flags])
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert tree(notes) == before


def test_an_already_discharged_client_is_refused(runner, notes, mia, clock):
    ok(runner.invoke(app, ["discharge", "mia-k", *BASE, "--reason", "moved"]))
    before = tree(notes)
    result = runner.invoke(app, ["discharge", "mia-k", *BASE, "--reason", "moved"])
    assert result.exit_code == 1, result.output
    assert "mia-k was discharged on 2026-03-07" in result.output
    assert "a new episode starts with: otj intake mia-k" in result.output
    assert tree(notes) == before


# -- --from and the editor ----------------------------------------------------------------------


def test_from_a_file_with_its_own_outcomes(runner, notes, mia, clock, tmp_path):
    source = tmp_path / "d.toml"
    source.write_text(
        'setting = "telehealth"\nwritten_by = "Alex Rivera"\n'
        '[discharge]\nreason = "funding-ended"\ntold = ["GP"]\n'
        '[[discharge.goals]]\ngoal = "g1"\nstatus = "achieved"\nsummary = "Laces alone"\n'
        '[[discharge.goals]]\ngoal = "g2"\nstatus = "discontinued"\n'
        '[[discharge.goals]]\ngoal = "g3"\nstatus = "on-hold"\n',
        encoding="utf-8",
    )
    ok(runner.invoke(app, ["discharge", "mia-k", "--from", str(source)]))
    d = only(notes, "discharge").discharge
    assert d is not None
    assert (d.reason, d.told) == ("funding-ended", ("GP",))
    assert [(g.goal, g.status, g.summary) for g in d.goals] == [
        ("g1-k3x", "achieved", "Laces alone"),
        ("g2-m4p", "discontinued", ""),
        ("g3-q7r", "on-hold", ""),
    ]


def test_from_a_file_that_leaves_a_goal_out_is_refused(runner, notes, mia, clock, tmp_path):
    source = tmp_path / "d.toml"
    source.write_text(
        'setting = "clinic"\nwritten_by = "A"\n[discharge]\nreason = "moved"\n'
        '[[discharge.goals]]\ngoal = "g1"\nstatus = "achieved"\n',
        encoding="utf-8",
    )
    result = runner.invoke(app, ["discharge", "mia-k", "--from", str(source)])
    assert result.exit_code == 1, result.output
    assert "no final status for: g2-m4p, g3-q7r" in result.output


EDITOR = """
import json, os, pathlib, sys
form = pathlib.Path(sys.argv[1])
here = pathlib.Path(__file__).parent
(here / "seen.toml").write_text(form.read_text(encoding="utf-8"), encoding="utf-8")
text = form.read_text(encoding="utf-8")
for old, new in json.loads((here / "plan.json").read_text(encoding="utf-8")):
    text = text.replace(old, new, 1)
form.write_text(text, encoding="utf-8")
touch = os.environ.get("TOUCH_CLIENT")
if touch:  # someone else changes client.toml while the form is open
    with open(touch, "a", encoding="utf-8") as fh:
        fh.write("\\n# changed on another device\\n")
"""


@pytest.fixture
def editor(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    folder = tmp_path / "editor"
    folder.mkdir()
    (folder / "fake.py").write_text(EDITOR, encoding="utf-8")
    monkeypatch.setenv(
        "EDITOR", f"{shlex.quote(sys.executable)} {shlex.quote(str(folder / 'fake.py'))}"
    )

    def plan(*replacements: tuple[str, str]) -> Path:
        (folder / "plan.json").write_text(json.dumps(replacements), encoding="utf-8")
        return folder / "seen.toml"

    return plan


FILL = (
    ('setting = ""', 'setting = "clinic"'),
    ('reason = ""', 'reason = "goals-met"'),
    ('status = "discontinued"', 'status = "achieved"'),  # g2, as the form suggested it
)


def test_editor_shows_the_prefilled_outcomes_and_saves_the_edits(runner, notes, mia, clock, editor):
    seen = editor(*FILL)
    ok(runner.invoke(app, ["discharge", "mia-k", "--editor", "--by", "Alex Rivera"]))
    form = seen.read_text("utf-8")
    assert 'summary = "baseline -2 on 2026-01-10, last review +1 on 2026-02-27' in form
    assert 'goal = "g1-k3x"  # Laces shoes before kinder' in form
    d = only(notes, "discharge").discharge
    assert d is not None
    assert [(g.goal, g.status) for g in d.goals] == [
        ("g1-k3x", "achieved"),
        ("g2-m4p", "achieved"),
        ("g3-q7r", "discontinued"),
    ]
    assert client_toml(notes).goal("g2-m4p").status == "achieved"  # type: ignore[union-attr]


def test_client_toml_changed_meanwhile_is_said_with_the_commands_to_finish(
    runner, notes, mia, clock, editor, monkeypatch
):
    path = notes / "clients" / "mia-k" / "client.toml"
    monkeypatch.setenv("TOUCH_CLIENT", str(path))
    editor(*FILL)
    result = runner.invoke(app, ["discharge", "mia-k", "--editor", "--by", "Alex Rivera"])
    assert result.exit_code == 1, result.output
    assert "the discharge is saved, but the goals' statuses were not" in result.output
    for line in (
        "otj goal set mia-k g1-k3x --status achieved --on 2026-03-07 --reason discharge",
        "otj goal set mia-k g2-m4p --status achieved --on 2026-03-07 --reason discharge",
        "otj goal set mia-k g3-q7r --status discontinued --on 2026-03-07 --reason discharge",
    ):
        assert line in result.output
    assert only(notes, "discharge").discharge is not None  # the note itself is kept
    assert path.read_text("utf-8").endswith("# changed on another device\n")
    assert [g.status for g in client_toml(notes).goals] == [
        "active",
        "active",
        "on-hold",
        "achieved",
    ]
    assert drafts() == []


# -- the prompts, fed by stdin ----------------------------------------------------------------


def test_the_prompts_walk_each_goal_with_its_suggestion(runner, notes, mia, clock):
    typed = [
        "",  # minutes
        "",  # date
        "",  # start time
        "",  # setting
        "-",  # nobody attended
        "fam",  # reason: a unique prefix
        "",  # about the reason
        "",  # g1 status: keeps the suggestion (achieved)
        "+ laces at kinder too",  # adds to the prefilled summary
        "achieved",  # g2
        "Uses the plan",  # replaces the summary
        "d",  # g3 discontinued
        "",  # keeps the summary
        "Keep the card",  # recommendations
        "",
        "",  # maintenance: none
        "family, school",
        "y",
    ]
    result = runner.invoke(
        app, ["discharge", "mia-k", "--by", "Alex Rivera"], input="\n".join(typed) + "\n"
    )
    ok(result)
    d = only(notes, "discharge").discharge
    assert d is not None
    assert d.reason == "family-choice"
    assert d.told == ("family", "school")
    assert d.recommendations == "Keep the card"
    assert d.goals[0].status == "achieved"
    assert d.goals[0].summary.endswith("satisfaction 2 to 8; laces at kinder too")
    assert d.goals[1] == GoalOutcome("g2-m4p", "achieved", "Uses the plan")
    assert d.goals[2].status == "discontinued"
    assert "Discharge" in result.output  # the preview shows the table before saving


# -- how a discharge reads ----------------------------------------------------------------------


@pytest.fixture
def saved(runner, notes, mia, clock) -> str:
    ok(
        runner.invoke(
            app,
            [
                "discharge",
                "mia-k",
                *BASE,
                "--reason",
                "referred-on",
                "--recommendations",
                "See the school OT each term",
                "--maintenance",
                "Lacing card by the door",
                "--told",
                "family",
            ],
        )
    )
    return only(notes, "discharge").id


WORDS = [
    "Discharge",
    "referred on",
    "See the school OT each term",
    "Lacing card by the door",
    "family",
    "g1-k3x Laces shoes before kinder",
    "achieved",
    "last review +1 on 2026-02-27",
]


@pytest.mark.parametrize("width", [40, 200])
def test_show_reads_at_any_width(runner, saved, monkeypatch, width):
    monkeypatch.setenv("COLUMNS", str(width))
    result = runner.invoke(app, ["show", saved])
    ok(result)
    lines = result.output.splitlines()
    assert lines
    assert max(len(line) for line in lines) <= width
    joined = " ".join(line.strip() for line in lines)
    for word in WORDS:
        assert word in joined, word


def test_the_printout_holds_the_discharge(runner, saved):
    result = runner.invoke(app, ["show", saved, "--format", "text"])
    ok(result)
    text = result.output
    assert "Discharge\n---------" in text
    assert "Reason: referred on" in text
    assert "Maintenance plan: Lacing card by the door" in text
    assert "g2-m4p Uses a calm-body plan\n  Final status: discontinued" in text


def test_a_corrected_rating_is_the_one_the_discharge_files_and_list_shows(
    runner, notes, mia, clock
):
    # The interim 0 of 2026-03-03 is corrected to -1: the discharge's summary, the
    # review's context and `list` read the note as amended, as `show` does.
    interim = next(p for p, s in sessions(notes, "therapy") if s.start == INTERIM_DAY)
    sid = interim.stem
    amend = ["amend", sid, "--kind", "correction", "--set", "goals.g1.gas=-1"]
    ok(runner.invoke(app, [*amend, "--text", "rated -1", "--by", "Alex Rivera", "--no-input"]))
    listed = runner.invoke(app, ["list", "mia-k"], env={"COLUMNS": "200"})
    row = next(line for line in listed.output.splitlines() if line.startswith(sid))
    assert "g1-k3x -1" in row and "amended" in row and "g1-k3x 0" not in row
    ok(runner.invoke(app, ["discharge", "mia-k", *BASE, "--reason", "goals-met"]))
    summary = only(notes, "discharge").discharge.goals[0].summary
    assert "last interim rating -1 on 2026-03-03" in summary


def test_a_discharge_then_an_intake_at_one_start_open_a_new_episode(runner, notes, journal, clock):
    """Closed and opened again in one appointment: the discharge written first, then the
    intake, both at 10:00. The intake opens the episode the client is in now (it was
    read as closed by the discharge: gone from client list and due)."""
    from datetime import timedelta

    journal.add_client(make_client())
    at = ["--date", "2026-03-06", "--time", "10:00", "--attendee", "child"]
    ok(runner.invoke(app, ["discharge", "mia-k", *BASE, *at, "--reason", "goals-met"]))
    clock.set(CLOCK + timedelta(minutes=5))
    intake = ["intake", "mia-k", *BASE, *at, "--referral-reason", "New concern"]
    ok(runner.invoke(app, [*intake, "--goal", "Rides a scooter|-2", "--summary", "Met again"]))
    listed = json.loads(runner.invoke(app, ["client", "list", "--json"]).stdout)
    assert [c["handle"] for c in listed["clients"]] == ["mia-k"], listed
    assert listed["clients"][0]["status"] != "discharged"
    due = json.loads(runner.invoke(app, ["due", "--json"]).stdout)
    assert due["active_clients"] == 1, due


def test_an_intake_and_a_discharge_in_one_minute_close_the_episode(runner, notes, journal, clock):
    # Whatever order the files are listed in, the intake opens the episode it closes.
    journal.add_client(make_client())
    from otjournal.model.episode import Intake

    at = datetime(2026, 3, 1, 10, tzinfo=TZ)
    for suffix in ("zzzzz", "aaaaa"):  # the intake's id sorts after and before the discharge's
        base = make_session(start=at, session_type="initial", goals=())
        intake = Session(**{**base.__dict__, "intake": Intake(referral_source="GP")})
        intake = Session(**{**intake.__dict__, "id": f"2026-03-01_1000_{suffix}"})
        journal.add_session(intake, durable=False)
        done = runner.invoke(
            app,
            [
                "discharge",
                "mia-k",
                *BASE,
                "--reason",
                "moved",
                "--date",
                "2026-03-01",
                "--time",
                "10:00",
            ],
        )
        ok(done)
        listed = runner.invoke(app, ["client", "list", "--all", "--json"])
        (row,) = json.loads(listed.stdout)["clients"]
        assert row["status"] == "discharged", row
        for path in (notes / "clients" / "mia-k" / "sessions").iterdir():
            path.unlink()


def test_a_clients_own_choice_is_a_reason_of_its_own(runner, notes, mia, clock):
    """An adult (or a young person) who chooses to stop: not "the family's choice"."""
    ok(runner.invoke(app, ["discharge", "mia-k", *BASE, "--reason", "client-choice"]))
    note = only(notes, "discharge")
    assert note.discharge is not None and note.discharge.reason == "client-choice"
    text = runner.invoke(app, ["show", note.id, "--format", "text"]).output
    assert "Reason: the client's own choice" in text
    assert "family" not in text.split("Reason:")[1].splitlines()[0]


# -- the progress report of a period that holds the discharge ---------------------------------


def test_the_report_of_a_period_holding_the_discharge_says_so_as_the_note_reads(
    runner, notes, mia, clock
):
    """The report quotes the discharge: the day and why, each goal's final status and
    summary, the maintenance plan, who was told, and its recommendations above the blank;
    a corrected recommendation reads as corrected, cited so; a period that ends before
    the discharge says nothing of it."""
    told = ["--told", "family", "--told", "kinder teacher"]
    flags = ["--reason", "goals-met", "--reason-note", "Family happy with progress"]
    flags += ["--maintenance", "Practise twice a week", *told]
    flags += ["--recommendations", "Keep the lacing card by the door"]
    ok(runner.invoke(app, ["discharge", "mia-k", *BASE, *flags]))
    s = only(notes, "discharge")
    day = s.start.date()
    fix = ["amend", s.id, "--kind", "correction", "--field", "discharge.recommendations"]
    fix += ["--text", "Keep the lacing card and the timer by the door", "--by", "Alex Rivera"]
    ok(runner.invoke(app, [*fix, "--no-input"]))

    report = ["report", "mia-k", "--since", "2026-01-01"]
    result = runner.invoke(app, [*report, "--until", str(day)])
    ok(result)
    md = result.output
    part = md[md.index("## Discharge\n") : md.index("\n## ", md.index("## Discharge\n") + 1)]
    cite = f"> — note of {day}"
    assert part.strip().split("\n\n") == [
        "## Discharge",
        f"The episode of care closed on {day}. Reason: goals met.",
        f"> Family happy with progress\n{cite}",
        "g1-k3x: Laces shoes before kinder. Final status: achieved.",
        "> baseline -2 on 2026-01-10, last review +1 on 2026-02-27, last interim rating 0 "
        f"on 2026-03-03, COPM performance 3 to 7, satisfaction 2 to 8\n{cite}",
        "g2-m4p: Uses a calm-body plan. Final status: discontinued.",
        f"> no baseline recorded, last review -1 on 2026-02-27\n{cite}",
        "g3-q7r: Rides a scooter. Final status: discontinued.",
        f"> no baseline recorded, not rated in a session\n{cite}",
        "Maintenance plan:",
        f"> Practise twice a week\n{cite}",
        "Told of the discharge: family, kinder teacher.",
    ]
    recommendations = md[md.index("## Recommendations and justification") :]
    assert recommendations.startswith(
        "## Recommendations and justification\n\nFrom the discharge note:\n\n"
        "> Keep the lacing card and the timer by the door\n"
        f"> — note of {day}, amended {day}\n\n**[To be completed by the practitioner]"
    )
    assert "Keep the lacing card by the door" not in md  # as corrected, not as first written
    before = runner.invoke(app, [*report, "--until", "2026-03-03"])
    ok(before)
    assert "Discharge" not in before.output and "From the discharge note" not in before.output


def test_a_goal_set_after_the_discharge_day_is_not_closed_by_it(runner, notes, mia, clock):
    """A goal set (goal add --on) after the day a discharge is dated was not there to
    close: it is left out of the prefilled outcomes and keeps its status; naming it is
    refused with the fix, and nothing is written."""
    late = ["goal", "add", "mia-k", "--text", "Swims", "--baseline", "-1", "--on", "2026-03-05"]
    ok(runner.invoke(app, [*late, "--no-input"]))
    new = client_toml(notes).goals[-1]
    on_day = [*BASE, "--date", "2026-03-04", "--reason", "moved"]
    before = tree(notes)
    named = runner.invoke(
        app, ["discharge", "mia-k", *on_day, "--goal-status", f"{new.number}=achieved"]
    )
    assert named.exit_code == 2, named.output
    assert (
        f"discharge goal {new.id}: was set on 2026-03-05, after this session (2026-03-04): "
        "a discharge closes the goals set by its day"
    ) in named.output
    assert f"otj goal edit mia-k {new.number} --on DAY" in named.output
    assert tree(notes) == before
    ok(runner.invoke(app, ["discharge", "mia-k", *on_day]))
    closed = {g.goal for g in only(notes, "discharge").discharge.goals}
    assert closed == {"g1-k3x", "g2-m4p", "g3-q7r"}
    assert client_toml(notes).goal(new.id).status == "active"


def test_the_recommendations_of_two_discharges_in_one_period_are_led_as_notes():
    """Two episodes closed in one report period: both notes' recommendations are quoted,
    each cited to its own day, under a lead in the plural; one note, the singular."""
    from types import SimpleNamespace

    from otjournal.views.report_sections import discharge_recommendations

    def closed(day: int, words: str) -> Session:
        when = datetime(2026, 3, day, 10, 0, tzinfo=TZ)
        note = Discharge("goals-met", recommendations=words)
        return make_session(start=when, session_type="discharge", goals=(), discharge=note)

    first, second = closed(2, "Keep the lacing card"), closed(20, "Ride the scooter weekly")
    blocks = discharge_recommendations(SimpleNamespace(sessions=[first, second]))
    assert [(b.kind, b.text, b.cite) for b in blocks] == [
        ("p", "From the discharge notes:", ""),
        ("quote", "Keep the lacing card", "note of 2026-03-02"),
        ("quote", "Ride the scooter weekly", "note of 2026-03-20"),
    ]
    (lead, _) = discharge_recommendations(SimpleNamespace(sessions=[first]))
    assert lead.text == "From the discharge note:"


def test_a_session_after_the_discharge_does_not_rate_the_goals_it_closed(
    runner, notes, mia, clock, journal
):
    """The discharge closes g1 (achieved) and g2 (discontinued) on 2026-03-07: a session
    logged after it may not rate them (trends then showed progress on a closed goal);
    one logged that morning may. g3's "on-hold" has no day (written so in client.toml):
    when it was taken is not known, so it is not held against a rating."""
    ok(runner.invoke(app, ["discharge", "mia-k", *BASE, "--reason", "moved"]))
    clock.set(datetime(2026, 3, 20, 16, tzinfo=TZ))
    later = ["log", "mia-k", "--date", "2026-03-14", "--time", "10:00", "--attendee", "child"]
    later += ["--summary", "s", *BASE]
    before = tree(notes)
    for goal, status in (("g1:0", "achieved"), ("g2:-1", "discontinued")):
        result = runner.invoke(app, [*later, "--goal", goal])
        assert result.exit_code == 2, result.output
        assert f"is {status} from 2026-03-07, before this session (2026-03-14)" in result.stderr
        assert "a new episode starts with 'otj intake mia-k'" in result.stderr
        assert "otj goal set mia-k g1 --status active" in result.stderr or goal != "g1:0"
    assert tree(notes) == before
    morning = ["log", "mia-k", "--date", "2026-03-07", "--time", "08:00", "--attendee", "child"]
    morning += ["--summary", "s"]
    ok(runner.invoke(app, [*morning, *BASE, "--goal", "g1:+1"]))
    ok(runner.invoke(app, [*morning, "--time", "09:00", *BASE, "--goal", "g3:0"]))
    ok(runner.invoke(app, [*later, "--duration", "30"]))  # a note that rates nothing: saved
    # Written by hand (or before this rule), `otj check` names it; the morning's is fine.
    rated = (GoalRating("g2-m4p", 0),)
    journal.add_session(make_session(start=datetime(2026, 3, 16, 10, tzinfo=TZ), goals=rated))
    found = runner.invoke(app, ["check"])
    said = [line for line in found.output.splitlines() if "before this session" in line]
    assert len(said) == 1, found.output
    assert "goals[0].goal: 'g2-m4p' is discontinued from 2026-03-07" in said[0]
