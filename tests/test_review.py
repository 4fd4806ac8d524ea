"""``otj review``: every active goal rated at one sitting, by flags, --no-input, --from,
the editor and the prompts fed by stdin; the file read back as a Session; the refusals.
The commands' clock is stopped at conftest.CLOCK (2026-03-07 16:00 +10:00)."""

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
from otjournal.forms import review
from otjournal.model import Copm, Goal, GoalRating, Session
from otjournal.model.episode import Discharge
from tests.conftest import TZ, make_client, make_session
from tests.helpers import tree

GOALS = (
    Goal(
        "g1-k3x",
        "Laces shoes before kinder",
        set_on=date(2026, 1, 10),
        baseline=-2,
        baseline_on=date(2026, 1, 10),
        levels={-2: "hand-over-hand", 0: "with the picture card"},
        copm=Copm("getting dressed", 3, 2, t1_on=date(2026, 1, 10)),
    ),
    Goal("g2-m4p", "Uses a calm-body plan", weight=2, set_on=date(2026, 1, 10)),
    Goal("g3-q7r", "Rides a scooter", status="on-hold", set_on=date(2026, 1, 10)),
)
INTERIM = datetime(2026, 2, 20, 10, 0, tzinfo=TZ)
BASE = ["--by", "Alex Rivera", "--setting", "clinic", "--attendee", "child", "--no-input"]


@pytest.fixture
def mia(journal) -> str:
    journal.add_client(make_client(goals=GOALS))
    journal.add_session(
        make_session(start=INTERIM, goals=(GoalRating("g1-k3x", 0, "two holes"),)), durable=False
    )
    return "mia-k"


def sessions(notes: Path, kind: str = "review") -> list[tuple[Path, Session]]:
    folder = notes / "clients" / "mia-k" / "sessions"
    out = []
    for path in sorted(folder.glob("*.toml")):
        s = Session.from_dict(tomllib.loads(path.read_text("utf-8")))
        if s.session_type == kind:
            out.append((path, s))
    return out


def only(notes: Path, kind: str = "review") -> Session:
    found = sessions(notes, kind)
    assert len(found) == 1, found
    return found[0][1]


def drafts() -> list[Path]:
    folder = Path(os.environ["XDG_STATE_HOME"]) / "otjournal" / "drafts"
    if not folder.exists():
        return []
    return [p for p in folder.glob("*.toml") if not p.name.endswith(".edit.toml")]


def ok(result) -> None:
    assert result.exit_code == 0, (result.exit_code, result.output)


# -- flags and --no-input -------------------------------------------------------------------


def test_flags_rate_every_active_goal_with_short_ids_stored_in_full(runner, notes, mia, clock):
    result = runner.invoke(
        app,
        [
            "review",
            "mia-k",
            *BASE,
            "--goal",
            "g1:+1:Laced both shoes",
            "--goal",
            "g2:0",
            "--copm",
            "g1=7/8",
            "--summary",
            "Reviewed with Mum",
        ],
    )
    ok(result)
    assert "Saved " in result.output
    s = only(notes)
    assert s.session_type == "review"
    assert s.goals == (
        GoalRating("g1-k3x", 1, "Laced both shoes", copm_performance=7, copm_satisfaction=8),
        GoalRating("g2-m4p", 0),
    )
    assert s.plan.summary == "Reviewed with Mum"
    assert s.attendees == ("child",)
    assert s.written_at == clock.at
    assert drafts() == []


def test_no_input_names_each_unrated_goal_and_writes_nothing(runner, notes, mia, clock):
    before = tree(notes)
    result = runner.invoke(app, ["review", "mia-k", *BASE, "--goal", "g1:+1"])
    assert result.exit_code == 2, result.output
    assert "not rated yet: g2-m4p" in result.output
    assert "g1-k3x" not in result.output.split("not rated yet")[1].split("(")[0]
    assert tree(notes) == before


def test_a_goal_set_after_the_reviews_day_is_not_asked_for(runner, notes, mia, clock):
    """A review on 2026-02-25, written up after a goal set on 2026-03-01 was added: that
    goal was not there to be rated. Its own day on, it is asked for again."""
    ok(runner.invoke(app, ["goal", "add", "mia-k", "--text", "Zips her coat", "--baseline",
                           "-1", "--on", "2026-03-01", "--no-input"]))  # fmt: skip
    earlier = ["--date", "2026-02-25", "--time", "10:00"]
    ok(
        runner.invoke(
            app, ["review", "mia-k", *BASE, *earlier, "--goal", "g1:+1", "--goal", "g2:0"]
        )
    )
    assert [g.goal for g in only(notes).goals] == ["g1-k3x", "g2-m4p"]
    later = ["--date", "2026-03-02", "--time", "10:00", "--goal", "g1:+1", "--goal", "g2:0"]
    result = runner.invoke(app, ["review", "mia-k", *BASE, *later])
    assert result.exit_code == 2 and "not rated yet: g4-" in result.output


def test_a_goal_left_out_on_purpose_is_listed_without_a_rating(runner, notes, mia, clock):
    ok(
        runner.invoke(
            app, ["review", "mia-k", *BASE, "--goal", "g1:-1", "--goal", "g2:not-rated:away"]
        )
    )
    s = only(notes)
    assert s.goals == (GoalRating("g1-k3x", -1), GoalRating("g2-m4p", None, "away"))
    assert s.plan.summary == ""  # a review's note is optional


@pytest.mark.parametrize(
    ("flags", "message"),
    [
        (["--goal", "g3:+1"], "goal g3-q7r: is on-hold, not active"),
        (["--copm", "g2=5/5"], "goal g2-m4p: has no COPM problem"),
        (["--goal", "g9:+1"], "goal g9: not a goal of mia-k"),
        (["--goal", "g1:+3"], "out of range"),
        (["--copm", "g1=7"], "GOAL=PERFORMANCE/SATISFACTION"),
        (["--goal", "g1"], "give a rating"),
    ],
)
def test_refused_flags_exit_2_before_anything_is_asked(runner, notes, mia, clock, flags, message):
    before = tree(notes)
    result = runner.invoke(app, ["review", "mia-k", "--goal", "g1:0", *flags], input="")
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert tree(notes) == before
    assert drafts() == []


def test_two_goals_with_one_number_need_the_full_id(runner, journal, notes, clock):
    twins = (Goal("g1-aaa", "One"), Goal("g1-bbb", "Other"))
    journal.add_client(make_client(goals=twins))
    result = runner.invoke(app, ["review", "mia-k", *BASE, "--goal", "g1:0"])
    assert result.exit_code == 2, result.output
    assert "g1-aaa, g1-bbb" in result.output


def test_without_active_goals_there_is_nothing_to_review(runner, journal, clock):
    journal.add_client(make_client(goals=(GOALS[2],)))
    result = runner.invoke(app, ["review", "mia-k", *BASE])
    assert result.exit_code == 1, result.output
    assert "no active goals to review" in result.output


def test_a_discharged_client_has_no_episode_to_review(runner, journal, mia, clock):
    closing = make_session(
        start=INTERIM + timedelta(days=1),
        session_type="discharge",
        goals=(),
        discharge=Discharge("moved"),
    )
    saved = journal.add_session(closing, durable=False)
    result = runner.invoke(app, ["review", "mia-k", *BASE, "--goal", "g1:0", "--goal", "g2:0"])
    assert result.exit_code == 1, result.output
    assert f"discharged on 2026-02-21 (note {saved.record.id})" in result.output
    assert "otj intake mia-k" in result.output


# -- --from -----------------------------------------------------------------------------------


def test_from_a_file_with_short_ids_and_a_goal_not_rated(runner, notes, mia, clock, tmp_path):
    source = tmp_path / "review.toml"
    source.write_text(
        'setting = "home"\nattendees = ["child", "parent"]\nwritten_by = "Alex Rivera"\n'
        '[[goals]]\ngoal = "g1"\ngas = 2\ncopm_performance = 9\n'
        '[[goals]]\ngoal = "g2"\ngas = "not rated"\nevidence = "unwell"\n',
        encoding="utf-8",
    )
    ok(runner.invoke(app, ["review", "mia-k", "--from", str(source)]))
    s = only(notes)
    assert s.setting == "home"
    assert s.goals == (
        GoalRating("g1-k3x", 2, copm_performance=9),
        GoalRating("g2-m4p", None, "unwell"),
    )


def test_from_stdin_missing_a_goal_is_a_data_error_and_keeps_a_draft(runner, notes, mia, clock):
    text = (
        'setting = "home"\nattendees = ["child"]\nwritten_by = "A"\n'
        '[[goals]]\ngoal = "g1"\ngas = 0\n'
    )
    result = runner.invoke(app, ["review", "mia-k", "--from", "-"], input=text)
    assert result.exit_code == 1, result.output
    assert "not rated yet: g2-m4p" in result.output
    assert "otj review --resume" in result.output
    assert len(drafts()) == 1
    assert sessions(notes) == []


# -- the editor -------------------------------------------------------------------------------

EDITOR = """
import json, pathlib, sys
form = pathlib.Path(sys.argv[1])
here = pathlib.Path(__file__).parent
(here / "seen.toml").write_text(form.read_text(encoding="utf-8"), encoding="utf-8")
text = form.read_text(encoding="utf-8")
for old, new in json.loads((here / "plan.json").read_text(encoding="utf-8")):
    text = text.replace(old, new, 1)
form.write_text(text, encoding="utf-8")
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


def test_editor_offers_each_active_goal_with_its_context_and_saves(
    runner, notes, mia, clock, editor
):
    seen = editor(
        ('setting = ""', 'setting = "clinic"'),
        ("attendees = []", 'attendees = ["child"]'),
        ('written_by = ""', 'written_by = "Alex Rivera"'),
        ('gas = ""', "gas = 1"),
        ('copm_performance = ""', "copm_performance = 6"),
        ('gas = ""', 'gas = "not rated"'),
    )
    ok(runner.invoke(app, ["review", "mia-k", "--editor"]))
    form = seen.read_text("utf-8")
    assert "Laces shoes before kinder" in form
    assert "baseline -2 on 2026-01-10 · last rated 0 on 2026-02-20 (interim)" in form
    assert "COPM: getting dressed (T1 performance 3, satisfaction 2)" in form
    assert "g3-q7r" not in form  # on hold: not reviewed
    s = only(notes)
    assert s.goals == (GoalRating("g1-k3x", 1, copm_performance=6), GoalRating("g2-m4p"))


# -- the prompts, fed by stdin ----------------------------------------------------------------


def test_the_prompts_ask_each_goal_with_its_context(runner, notes, mia, clock):
    typed = [
        "",  # minutes
        "",  # date
        "",  # start time
        "home",  # setting
        "child, parent",  # who
        "+3",  # g1: out of range, asked again
        "+1",
        "Laced both shoes",
        "7",  # COPM performance at T2
        "",  # satisfaction left unscored
        "n",  # g2 not rated
        "",  # why not (optional)
        "Mum pleased",  # review note
        "",  # end of the note
        "y",
    ]
    result = runner.invoke(
        app, ["review", "mia-k", "--by", "Alex Rivera"], input="\n".join(typed) + "\n"
    )
    ok(result)
    assert "baseline -2 on 2026-01-10 · last rated 0 on 2026-02-20 (interim)" in result.output
    assert "no baseline recorded · not rated yet" in result.output
    assert "Please give -2, -1, 0, +1 or +2" in result.output
    s = only(notes)
    assert s.setting == "home"
    assert s.goals == (
        GoalRating("g1-k3x", 1, "Laced both shoes", copm_performance=7),
        GoalRating("g2-m4p"),
    )
    assert s.plan.summary == "Mum pleased"


def test_input_ending_keeps_the_ratings_in_a_draft(runner, notes, mia, clock):
    result = runner.invoke(app, ["review", "mia-k", "--by", "A"], input="\n\n\nhome\nchild\n+1\n")
    assert result.exit_code == 1, result.output
    (path,) = drafts()
    draft = tomllib.loads(path.read_text("utf-8"))
    assert draft["command"] == "review"
    assert draft["note"]["goals"][0]["gas"] == 1
    resumed = runner.invoke(app, ["review", "--resume", "--no-input", "--goal", "g2:0"], input="")
    ok(resumed)
    assert only(notes).goals == (GoalRating("g1-k3x", 1), GoalRating("g2-m4p", 0))
    assert drafts() == []


# -- pure: what is shown beside each goal -------------------------------------------------------


def _s(day: int, kind: str, *ratings: tuple[str, int | None]) -> Session:
    start = datetime(2026, 3, day, 10, tzinfo=TZ)
    goals = tuple(GoalRating(g, gas) for g, gas in ratings)
    extra: dict[str, Any] = {"discharge": Discharge("moved")} if kind == "discharge" else {}
    return make_session(start=start, session_type=kind, goals=goals, **extra)


@pytest.mark.parametrize(
    ("notes_", "words"),
    [
        ([], "baseline -2 on 2026-01-10 · not rated yet"),
        (
            [_s(1, "therapy", ("g1-k3x", -1))],
            "baseline -2 on 2026-01-10 · last rated -1 on 2026-03-01 (interim)",
        ),
        (
            [_s(2, "review", ("g1-k3x", 1)), _s(1, "therapy", ("g1-k3x", 0))],
            "baseline -2 on 2026-01-10 · last rated +1 on 2026-03-02 (review)",
        ),
        ([_s(1, "review", ("g1-k3x", None))], "baseline -2 on 2026-01-10 · not rated yet"),
    ],
)
def test_goal_context_names_the_baseline_and_the_last_rating(notes_, words):
    assert review.goal_context(GOALS[0], notes_) == words


def test_goal_context_without_a_baseline_says_so():
    assert review.goal_context(GOALS[1], []) == "no baseline recorded · not rated yet"
