"""Goals have a life (issue 14): set with an explicit GAS baseline, edited and moved
between statuses by dated changes that keep the earlier values, COPM scored outside a
review, named by their short id; and the client's episode of care at a glance."""

from __future__ import annotations

import json
import os
import re
import tomllib
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from otjournal.cli import app
from otjournal.model import Client, Copm, Goal, GoalRating
from otjournal.model.episode import Discharge, Intake
from tests.conftest import CLOCK, TZ, make_client, make_session
from tests.helpers import tree

TODAY = CLOCK.date()  # 2026-03-07
NEEDED = ["--setting", "home", "--attendee", "child", "--by", "Alex Rivera", "--summary", "Ok"]


def otj(runner, *args: str, **kw):
    return runner.invoke(app, list(args), **kw)


def ok(result) -> None:
    assert result.exit_code == 0, (result.exit_code, result.output)


def client_file(notes: Path, handle: str = "mia-k") -> dict:
    return tomllib.loads((notes / "clients" / handle / "client.toml").read_text("utf-8"))


def practitioner(name: str = "Alex Rivera (OT)") -> None:
    path = Path(os.environ["XDG_CONFIG_HOME"]) / "otjournal" / "config.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f'[practitioner]\nname = "{name}"\n', encoding="utf-8")


def day(n: int, hour: int = 14) -> datetime:
    return datetime(2026, 3, n, hour, 30, tzinfo=TZ)


@pytest.fixture
def mia(journal, clock) -> Client:
    """Two goals with full ids, as `otj goal add` writes them."""
    client = make_client(
        goals=(
            Goal(
                "g1-k3x",
                "Laces shoes before kinder",
                set_on=date(2026, 2, 1),
                levels={-2: "hand-over-hand", 0: "with the card"},
                baseline=-2,
                baseline_on=date(2026, 2, 1),
            ),
            Goal("g2-m7p", "Uses a calm-body plan", weight=2, set_on=date(2026, 2, 1)),
        )
    )
    journal.add_client(client)
    practitioner()
    return client


# -- goal add ---------------------------------------------------------------------------------


def test_goal_add_records_the_baseline_and_its_day(runner, journal, notes, clock):
    journal.add_client(make_client(goals=()))
    result = otj(
        runner,
        *("goal", "add", "mia-k", "--text", "Laces shoes", "--baseline", "-1"),
        *("--baseline-on", "2026-03-01", "--copm-problem", "dressing"),
        *("--copm-performance", "3", "--copm-satisfaction", "2"),
    )
    ok(result)
    assert re.fullmatch(r"Added goal g1-[a-z2-9]{3} \(g1\) for mia-k\.\n", result.stdout)
    (goal,) = client_file(notes)["goals"]
    assert goal["id"] == result.stdout.split()[2]
    assert (goal["baseline"], goal["baseline_on"], goal["set_on"]) == (-1, date(2026, 3, 1), TODAY)
    assert goal["copm"] == {
        "problem": "dressing",
        "performance_t1": 3,
        "satisfaction_t1": 2,
        "t1_on": TODAY,
    }


def test_goal_add_baseline_day_is_today_by_default(runner, journal, notes, clock):
    journal.add_client(make_client(goals=()))
    ok(otj(runner, "goal", "add", "mia-k", "--text", "Laces", "--baseline", "-2", "--no-input"))
    (goal,) = client_file(notes)["goals"]
    assert (goal["baseline"], goal["baseline_on"]) == (-2, TODAY)
    assert "copm" not in goal


def test_goal_add_on_a_past_day_dates_the_goal_its_baseline_and_copm(runner, journal, notes, clock):
    """Goals set at an intake and written up later: --on is the day they were set."""
    journal.add_client(make_client(goals=()))
    args = ("--text", "Laces", "--baseline", "-2", "--on", "2026-02-20", "--no-input")
    copm = ("--copm-problem", "dressing", "--copm-performance", "3", "--copm-satisfaction", "2")
    ok(otj(runner, "goal", "add", "mia-k", *args, *copm))
    (goal,) = client_file(notes)["goals"]
    assert (goal["set_on"], goal["baseline_on"]) == (date(2026, 2, 20), date(2026, 2, 20))
    assert goal["copm"]["t1_on"] == date(2026, 2, 20)
    ok(otj(runner, "goal", "add", "mia-k", *args, "--baseline-on", "2026-02-27"))
    assert client_file(notes)["goals"][1]["baseline_on"] == date(2026, 2, 27)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--text", "Laces"], "--baseline is required"),  # no terminal: never assumed
        (["--text", "Laces", "--no-input"], "--baseline is required"),
        (["--text", "Laces", "--baseline", "-3"], "--baseline"),
        (["--text", "Laces", "--baseline", "0", "--baseline-on", "2026-03-08"], "later than"),
        (["--text", "Laces", "--baseline", "0", "--on", "2026-03-08"], "--on: 2026-03-08 is later"),
        (["--text", "Laces", "--baseline", "0", "--on", "someday"], "--on"),
        (["--text", "Laces", "--baseline", "0", "--baseline-on", "soon"], "not a date"),
    ],
)
def test_goal_add_refusals_write_nothing(runner, journal, notes, clock, args, message):
    journal.add_client(make_client(goals=()))
    before = tree(notes)
    result = otj(runner, "goal", "add", "mia-k", *args)
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert tree(notes) == before


@pytest.mark.pty
def test_goal_add_asks_the_baseline_on_a_terminal(journal, notes):
    from tests.terminal import Pty

    journal.add_client(make_client(goals=()))
    env = {**os.environ, "TERM": "dumb", "NO_COLOR": "1"}
    otj_ = Pty("goal", "add", "mia-k", "--text", "Laces shoes", env=env)
    otj_.answer("GAS baseline level today (-2..+2)", "-5")
    otj_.answer("GAS baseline level today (-2..+2)", "-1")
    otj_.finish()
    (goal,) = client_file(notes)["goals"]
    assert goal["baseline"] == -1 and "baseline_on" in goal


@pytest.mark.pty
@pytest.mark.parametrize("key", ["d", "c"], ids=["end of input", "Ctrl-C"])
def test_a_stop_at_a_question_is_said_as_every_stop_is(journal, notes, key):
    """Click's own prompt folds Ctrl-D and Ctrl-C into one "Aborted!" and exit 1: otj
    says it was interrupted and exits 130, as at its other questions."""
    from tests.terminal import Pty

    journal.add_client(make_client(goals=()))
    before = tree(notes)
    otj_ = Pty("goal", "add", "mia-k", env={**os.environ, "TERM": "dumb", "NO_COLOR": "1"})
    otj_.expect("Goal")
    otj_.child.sendcontrol(key)
    shown = otj_.finish(130)
    assert "otj: interrupted" in shown and "Aborted" not in shown
    assert tree(notes) == before


def test_two_devices_adding_a_goal_from_the_same_state_get_different_ids():
    client = make_client(goals=(Goal("g1-k3x", "Laces"),))
    here, there = client.next_goal_id(), client.next_goal_id()
    assert here != there
    assert Goal(here, "a").number == Goal(there, "b").number == "g2"


# -- goal edit --------------------------------------------------------------------------------


def test_goal_edit_keeps_the_old_wording_readable(runner, mia, notes, clock):
    result = otj(
        runner, "goal", "edit", "mia-k", "g1", "--text", "Laces both shoes", "--weight", "3"
    )
    ok(result)
    assert "Changed text, weight of goal g1-k3x" in result.stdout
    goal = client_file(notes)["goals"][0]
    assert (goal["text"], goal["weight"]) == ("Laces both shoes", 3)
    (change,) = goal["changes"]
    assert change == {
        "at": CLOCK,
        "by": "Alex Rivera (OT)",
        "previous": {"text": "Laces shoes before kinder", "weight": 1},
    }
    listed = json.loads(otj(runner, "goal", "list", "mia-k", "--json").stdout)["goals"][0]
    assert listed["changes"][0]["previous"]["text"] == "Laces shoes before kinder"
    shown = json.loads(otj(runner, "client", "show", "mia-k", "--json").stdout)
    assert shown["goals"][0]["changes"][0]["previous"]["text"] == "Laces shoes before kinder"


def test_goal_edit_level_replaces_that_level_only(runner, mia, notes, clock):
    ok(otj(runner, "goal", "edit", "mia-k", "g1-k3x", "--level", "0=laces with the card alone"))
    goal = client_file(notes)["goals"][0]
    assert goal["levels"] == {"-2": "hand-over-hand", "0": "laces with the card alone"}
    assert goal["changes"][0]["previous"] == {
        "levels": {"-2": "hand-over-hand", "0": "with the card"}
    }


def test_goal_edit_baseline_of_a_goal_without_one_needs_its_day(runner, mia, notes, clock):
    before = tree(notes)
    result = otj(runner, "goal", "edit", "mia-k", "g2", "--baseline", "-1")
    assert result.exit_code == 2 and "--baseline-on" in result.stderr
    assert tree(notes) == before
    ok(
        otj(
            runner, "goal", "edit", "mia-k", "g2", "--baseline", "-1", "--baseline-on", "2026-02-01"
        )
    )
    goal = client_file(notes)["goals"][1]
    assert (goal["baseline"], goal["baseline_on"]) == (-1, date(2026, 2, 1))
    assert "previous" not in goal["changes"][0]  # there was none: nothing to keep


def test_goal_edit_refusals(runner, mia, notes, clock):
    before = tree(notes)
    result = otj(runner, "goal", "edit", "mia-k", "g1")
    assert result.exit_code == 2 and "nothing to change" in result.stderr
    result = otj(runner, "goal", "edit", "mia-k", "g1", "--text", "Laces shoes before kinder")
    ok(result)
    assert result.stdout == "Goal g1-k3x already reads so: nothing was changed.\n"
    result = otj(runner, "goal", "edit", "mia-k", "g9", "--text", "x")
    assert result.exit_code == 1
    assert "mia-k has no goal 'g9' (its goals: g1-k3x, g2-m7p)" in result.stderr
    assert tree(notes) == before


def test_goal_edit_without_an_author_asks_for_one(runner, journal, notes, clock):
    journal.add_client(make_client(goals=(Goal("g1-k3x", "Laces"),)))
    result = otj(runner, "goal", "edit", "mia-k", "g1", "--text", "Laces both")
    assert result.exit_code == 2 and "--by" in result.stderr
    ok(otj(runner, "goal", "edit", "mia-k", "g1", "--text", "Laces both", "--by", "Sam"))
    assert client_file(notes)["goals"][0]["changes"][0]["by"] == "Sam"


# -- short and full ids ----------------------------------------------------------------------


def test_a_short_id_two_goals_share_is_refused_listing_both(runner, journal, notes, clock):
    practitioner()
    journal.add_client(make_client(goals=(Goal("g3-abc", "On A"), Goal("g3-xyz", "On B"))))
    before = tree(notes)
    result = otj(runner, "goal", "set", "mia-k", "g3", "--status", "achieved")
    assert result.exit_code == 2, result.output
    assert "'g3' names 2 goals of mia-k: use the full id (g3-abc, g3-xyz)" in result.stderr
    assert tree(notes) == before
    ok(otj(runner, "goal", "set", "mia-k", "g3-xyz", "--status", "achieved"))
    assert [g["status"] for g in client_file(notes)["goals"]] == ["active", "achieved"]


# -- goal set ---------------------------------------------------------------------------------


def test_goal_set_is_dated_with_its_reason(runner, mia, notes, clock):
    result = otj(
        runner,
        *("goal", "set", "mia-k", "g2", "--status", "on-hold"),
        *("--reason", "family travelling", "--on", "2026-03-01"),
    )
    ok(result)
    assert result.stdout == "Goal g2-m7p of mia-k is on-hold from 2026-03-01 (was active).\n"
    goal = client_file(notes)["goals"][1]
    assert goal["status"] == "on-hold"
    assert goal["changes"] == [
        {
            "at": CLOCK,
            "by": "Alex Rivera (OT)",
            "status": "on-hold",
            "on": date(2026, 3, 1),
            "reason": "family travelling",
            "previous": {"status": "active"},
        }
    ]
    listed = otj(runner, "goal", "list", "mia-k", "--all", env={"COLUMNS": "200"}).stdout
    assert "on-hold since 2026-03-01" in listed
    assert "on-hold" not in otj(runner, "goal", "list", "mia-k").stdout  # active goals only


def test_goal_set_the_same_status_writes_nothing(runner, mia, notes, clock):
    before = tree(notes)
    result = otj(runner, "goal", "set", "mia-k", "g1", "--status", "active")
    ok(result)
    assert result.stdout == "Goal g1-k3x is already active: nothing was changed.\n"
    assert tree(notes) == before


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--status", "closed"], "--status must be one of active, on-hold, achieved"),
        (["--status", "discontinued"], "needs --reason"),
        (["--status", "achieved", "--on", "2026-03-08"], "later than today"),
        (["--status", "achieved", "--on", "2026-01-01"], "before the goal was set"),
    ],
)
def test_goal_set_refusals(runner, mia, notes, clock, args, message):
    before = tree(notes)
    result = otj(runner, "goal", "set", "mia-k", "g1", *args)
    assert result.exit_code == 2, result.output
    assert message in result.stderr
    assert tree(notes) == before


# -- goal copm --------------------------------------------------------------------------------


def test_goal_copm_scores_t1_then_t2_keeping_earlier_scores(runner, mia, notes, clock):
    args = ("goal", "copm", "mia-k", "g1")
    result = otj(runner, *args, "--performance", "3", "--satisfaction", "2", "--problem", "laces")
    ok(result)
    assert result.stdout.startswith("COPM T1 for goal g1-k3x")
    clock.set(CLOCK + timedelta(days=30))
    result = otj(runner, *args, "--performance", "6", "--satisfaction", "7")
    ok(result)
    assert result.stdout.startswith("COPM T2 for goal g1-k3x")
    later = (CLOCK + timedelta(days=30)).date()
    goal = client_file(notes)["goals"][0]
    assert goal["copm"] == {
        "problem": "laces",
        "performance_t1": 3,
        "satisfaction_t1": 2,
        "performance_t2": 6,
        "satisfaction_t2": 7,
        "t1_on": TODAY,
        "t2_on": later,
    }
    # Re-scoring T1 keeps what it replaces.
    ok(
        otj(
            runner,
            *args,
            "--t1",
            "--performance",
            "4",
            "--satisfaction",
            "2",
            "--date",
            "2026-03-07",
        )
    )
    goal = client_file(notes)["goals"][0]
    assert goal["copm"]["performance_t1"] == 4
    assert goal["changes"][-1]["previous"]["copm"]["performance_t1"] == 3
    listed = json.loads(otj(runner, "goal", "list", "mia-k", "--json").stdout)["goals"][0]
    assert listed["copm"]["performance_t2"] == 6
    table = otj(runner, "goal", "list", "mia-k", env={"COLUMNS": "200"}).stdout
    assert "P 4→6 · S 2→7" in table


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--performance", "3", "--satisfaction", "2"], "give --problem"),
        (
            ["--performance", "3", "--satisfaction", "2", "--problem", "p", "--t1", "--t2"],
            "not both",
        ),
        (["--performance", "11", "--satisfaction", "2", "--problem", "p"], "--performance"),
        (
            ["--performance", "3", "--satisfaction", "2", "--problem", "p", "--date", "2999-01-01"],
            "later",
        ),
    ],
)
def test_goal_copm_refusals(runner, mia, notes, clock, args, message):
    before = tree(notes)
    result = otj(runner, "goal", "copm", "mia-k", "g1", *args)
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert tree(notes) == before


def test_goal_copm_same_scores_again_writes_nothing(runner, journal, notes, clock):
    practitioner()
    copm = Copm("laces", 3, 2, t1_on=TODAY)
    journal.add_client(make_client(goals=(Goal("g1-k3x", "Laces", copm=copm),)))
    before = tree(notes)
    result = otj(
        runner, "goal", "copm", "mia-k", "g1", "--t1", "--performance", "3", "--satisfaction", "2"
    )
    ok(result)
    assert "nothing was changed" in result.stdout
    assert tree(notes) == before
    result = otj(
        runner,
        *("goal", "copm", "mia-k", "g1", "--t2", "--performance", "5", "--satisfaction", "5"),
        *("--date", "2026-03-01"),
    )
    assert result.exit_code == 2 and "T2 cannot be before T1 (2026-03-07)" in result.stderr
    assert tree(notes) == before


# -- goal list --------------------------------------------------------------------------------


@pytest.fixture
def rated(mia, journal):
    journal.add_session(make_session(start=day(2), goals=(GoalRating("g1-k3x", -1),)))
    journal.add_session(
        make_session(start=day(4), session_type="review", goals=(GoalRating("g1-k3x", 0),))
    )
    journal.add_session(make_session(start=day(5), goals=(GoalRating("g1-k3x", 1),)))
    return mia


def test_goal_list_tells_interim_ratings_from_the_review(runner, rated):
    result = otj(runner, "goal", "list", "mia-k", env={"COLUMNS": "200"})
    ok(result)
    lines = result.stdout.splitlines()
    assert lines[0].split() == [
        "id",
        "goal",
        "weight",
        "status",
        "baseline",
        "interim",
        "review",
        "COPM",
    ]
    assert lines[1].split() == [
        *("g1", "(g1-k3x)", "Laces", "shoes", "before", "kinder", "1"),
        *("active", "since", "2026-02-01", "-2", "on", "2026-02-01"),
        *("+1", "on", "2026-03-05", "0", "on", "2026-03-04", "–"),
    ]
    assert "not recorded" in lines[2]


def test_goal_list_json_keeps_every_key(runner, rated):
    data = json.loads(otj(runner, "goal", "list", "mia-k", "--json").stdout)["goals"]
    assert [g["id"] for g in data] == ["g1-k3x", "g2-m7p"]
    g1, g2 = data
    assert g1["latest_interim"] == {"gas": 1, "on": "2026-03-05"}
    assert g1["last_review"] == {"gas": 0, "on": "2026-03-04"}
    assert g1["latest_gas"] == 1 and g1["number"] == "g1"
    assert set(g1) == set(g2)
    assert g2["baseline"] is None and g2["baseline_on"] is None and g2["copm"] is None
    assert g2["last_review"] is None and g2["changes"] == [] and g2["levels"] == {}


@pytest.mark.parametrize("columns", ["40", "200"])
def test_goal_views_read_at_any_width(runner, rated, columns):
    for args in (
        ["goal", "list", "mia-k"],
        ["client", "show", "mia-k"],
        ["client", "list", "--all"],
    ):
        result = otj(runner, *args, env={"COLUMNS": columns})
        ok(result)
        lines = result.stdout.splitlines()
        assert lines, args
        assert max(len(line) for line in lines) <= int(columns), result.stdout
        words = " ".join(result.stdout.split())
        assert (
            "Laces shoes before kinder" if args[0] != "client" or args[1] == "show" else "mia-k"
        ) in words


# -- log: goals named short are saved in full ---------------------------------------------------


def test_log_saves_a_short_goal_id_in_full(runner, mia, notes, clock):
    result = otj(
        runner,
        *("log", "mia-k", "--no-input", "--goal", "g1:+1:Laced two holes"),
        *("--activity", "Train course;goals=g1,g2-m7p"),
        *NEEDED,
    )
    ok(result)
    (path,) = (notes / "clients" / "mia-k" / "sessions").glob("*.toml")
    note = tomllib.loads(path.read_text("utf-8"))
    assert note["goals"] == [{"goal": "g1-k3x", "gas": 1, "evidence": "Laced two holes"}]
    assert note["activities"][0]["goals"] == ["g1-k3x", "g2-m7p"]


def test_log_from_a_file_saves_a_short_goal_id_in_full(runner, mia, notes, clock, tmp_path):
    source = tmp_path / "note.toml"
    source.write_text('[[goals]]\ngoal = "g2"\ngas = 0\n', encoding="utf-8")
    ok(otj(runner, "log", "mia-k", "--from", str(source), *NEEDED))
    (path,) = (notes / "clients" / "mia-k" / "sessions").glob("*.toml")
    assert tomllib.loads(path.read_text("utf-8"))["goals"] == [{"goal": "g2-m7p", "gas": 0}]


def test_log_refuses_a_short_id_two_goals_share(runner, journal, notes, clock):
    journal.add_client(make_client(goals=(Goal("g3-abc", "On A"), Goal("g3-xyz", "On B"))))
    before = tree(notes)
    result = otj(runner, "log", "mia-k", "--no-input", "--goal", "g3:+1", *NEEDED)
    assert result.exit_code == 2, result.output
    assert "goal g3: g3 names 2 goals of mia-k: use the full id (g3-abc, g3-xyz)" in result.stderr
    assert "not a goal" not in result.stderr
    assert tree(notes) == before
    result = otj(runner, "log", "mia-k", "--no-input", "--goal", "g9:+1", *NEEDED)
    assert result.exit_code == 2
    assert "goal g9: not a goal of mia-k (its goals: g3-abc, g3-xyz)" in result.stderr


# -- clients in care and discharged -----------------------------------------------------------


@pytest.fixture
def episodes(journal, clock):
    """mia-k: intake, a review, then discharged; noah-t: in care, no intake recorded."""
    journal.add_client(make_client())
    journal.add_client(make_client("noah-t", display_name="Noah T.", goals=()))
    journal.add_session(
        make_session(start=day(1), session_type="initial", intake=Intake(goals=("g1",)))
    )
    journal.add_session(make_session(start=day(3), session_type="review"))
    journal.add_session(
        make_session(
            start=day(6), session_type="discharge", goals=(), discharge=Discharge("goals-met")
        )
    )
    journal.add_session(make_session("noah-t", start=day(4), goals=()))


def test_client_list_hides_discharged_clients_unless_asked(runner, episodes):
    result = otj(runner, "client", "list", env={"COLUMNS": "200"})
    ok(result)
    assert [line.split()[0] for line in result.stdout.splitlines()] == ["client", "noah-t"]
    result = otj(runner, "client", "list", "--all", env={"COLUMNS": "200"})
    ok(result)
    rows = [line.split() for line in result.stdout.splitlines()]
    assert rows[0][-1] == "care"
    assert rows[1][0] == "mia-k" and rows[1][-2:] == ["discharged", "2026-03-06"]
    assert rows[2][0] == "noah-t" and rows[2][-2:] == ["in", "care"]


def test_client_list_json_says_who_is_discharged(runner, episodes):
    data = json.loads(otj(runner, "client", "list", "--json").stdout)["clients"]
    assert [(c["handle"], c["status"], c["discharged"]) for c in data] == [
        ("noah-t", "in care", None)
    ]
    data = json.loads(otj(runner, "client", "list", "--all", "--json").stdout)["clients"]
    assert [(c["handle"], c["status"], c["discharged"]) for c in data] == [
        ("mia-k", "discharged", "2026-03-06"),
        ("noah-t", "in care", None),
    ]


def test_client_list_with_everyone_discharged_says_how_to_see_them(runner, episodes, journal):
    journal.add_session(
        make_session(
            "noah-t",
            start=day(6, 16),
            session_type="discharge",
            goals=(),
            discharge=Discharge("moved"),
        )
    )
    result = otj(runner, "client", "list")
    ok(result)
    assert "client list --all" in result.stdout


def test_client_show_gives_the_episode_at_a_glance(runner, episodes):
    result = otj(runner, "client", "show", "mia-k", env={"COLUMNS": "200"})
    ok(result)
    assert (
        "episode: intake 2026-03-01 · last review 2026-03-03 · discharged 2026-03-06 (goals met)"
        in result.stdout
    )
    assert "weight 1 · active · baseline not recorded" in result.stdout
    result = otj(runner, "client", "show", "noah-t")
    assert "episode: no intake recorded · no review yet · in care" in result.stdout
    data = json.loads(otj(runner, "client", "show", "mia-k", "--json").stdout)
    assert data["episode"] == {
        "status": "discharged",
        "intake": "2026-03-01",
        "last_review": "2026-03-03",
        "discharged": "2026-03-06",
        "discharge_reason": "goals-met",
    }


# -- a report of an earlier period: each goal as it stood then -----------------------------


def test_a_past_period_shows_each_goal_as_it_stood_at_its_end(runner, journal, clock):
    """Statuses taken after the period are not the period's, and a goal set after it is
    not in it: the report and trends speak of the period only (as they do now, today)."""
    journal.add_client(make_client())  # g1 and g2, set with no day
    journal.add_session(make_session(start=datetime(2026, 3, 5, 10, tzinfo=TZ)))  # rates g1
    clock.set(datetime(2026, 4, 20, 9, tzinfo=TZ))
    by = ("--by", "Al")
    ok(otj(runner, "goal", "set", "mia-k", "g1", "--status", "achieved", "--on", "2026-04-10", *by))
    ok(otj(runner, "goal", "set", "mia-k", "g2", "--status", "on-hold", "--reason", "holiday",
           "--on", "2026-04-12", *by))  # fmt: skip
    ok(otj(runner, "goal", "add", "mia-k", "--text", "Rides a scooter", "--baseline", "-2",
           "--no-input"))  # fmt: skip
    march = ["--since", "2026-03-01", "--until", "2026-03-31"]
    then = json.loads(otj(runner, "trends", "mia-k", *march, "--json").stdout)["goals"]
    assert [(g["goal"], g["status"]) for g in then] == [("g1", "active"), ("g2", "active")]
    report = otj(runner, "report", "mia-k", *march).stdout
    assert "Rides a scooter" not in report
    assert "achieved" not in report and "on-hold" not in report, report
    now = json.loads(otj(runner, "trends", "mia-k", "--since", "2026-03-01", "--json").stdout)
    assert {g["goal"].partition("-")[0]: g["status"] for g in now["goals"]} == {
        "g1": "achieved",  # rated in the period: shown with the status it has now
        "g2": "on-hold",
        "g3": "active",
    }


# -- the day a goal was set: a session before it cannot rate it ------------------------------

LOG = ("log", "mia-k", "--time", "10:00", "--summary", "ok")
LOG += ("--setting", "clinic", "--attendee", "child")


def test_a_session_before_the_goal_was_set_cannot_rate_it_until_goal_edit_dates_it(
    runner, mia, notes, clock
):
    """g2 was set on 2026-02-01: a note of 2026-01-20 rating it is refused, naming both
    days and the command that corrects the goal's day; ``goal edit --on`` moves it, kept
    in the goal's changes, and the note saves."""
    before = tree(notes)
    refused = otj(runner, *LOG, "--date", "2026-01-20", "--goal", "g2:+1", "--no-input")
    assert refused.exit_code == 2, refused.output
    assert refused.stderr == (
        "otj: error: goal g2-m7p: was set on 2026-02-01, after this session (2026-01-20): "
        "a session rates the goals set by its day\n"
        "  hint: if it was set earlier: otj goal edit mia-k g2 --on DAY\n"
    )
    assert tree(notes) == before
    ok(otj(runner, *LOG, "--date", "2026-02-01", "--goal", "g2:+1", "--no-input"))  # its day

    edited = otj(runner, "goal", "edit", "mia-k", "g2", "--on", "2026-01-15")
    ok(edited)
    assert "Changed set_on of goal g2-m7p" in edited.stdout
    goal = client_file(notes)["goals"][1]
    assert goal["set_on"] == date(2026, 1, 15)
    assert goal["changes"] == [
        {"at": CLOCK, "by": "Alex Rivera (OT)", "previous": {"set_on": date(2026, 2, 1)}}
    ]
    ok(otj(runner, *LOG, "--date", "2026-01-20", "--goal", "g2:+1", "--no-input"))
    listed = otj(runner, "goal", "list", "mia-k", env={"COLUMNS": "200"})
    ok(listed)  # the client.toml with the change reads back
    # g1's baseline was rated as it was set: the day it was rated moves with --on, never
    # left after the day the goal was set (a report would read "recorded" after it).
    ok(otj(runner, "goal", "edit", "mia-k", "g1", "--on", "2026-01-10"))
    g1 = client_file(notes)["goals"][0]
    assert (g1["set_on"], g1["baseline_on"]) == (date(2026, 1, 10), date(2026, 1, 10))
    assert g1["changes"][-1]["previous"] == {
        "set_on": date(2026, 2, 1),
        "baseline_on": date(2026, 2, 1),
    }


@pytest.mark.parametrize(
    ("goal", "on", "message"),
    [
        ("g2", "2026-02-20", "--on: 2026-02-20 is after the session of 2026-02-10, which rates g2"),
        (
            "g1",
            "2026-02-05",
            "--on: 2026-02-05 is after the goal's baseline was rated (2026-02-01)",
        ),
        ("g2", "2026-03-08", "--on: 2026-03-08 is later than today"),
        ("g2", "someday", "--on: that is not a date"),
        ("g2", "", "--on: that is not a date"),  # not today
    ],
)
def test_goal_edit_on_refuses_a_day_after_a_rating_or_the_baseline_or_later_than_today(
    runner, mia, journal, notes, clock, goal, on, message
):
    journal.add_session(
        make_session(start=datetime(2026, 2, 10, 10, tzinfo=TZ), goals=(GoalRating("g2-m7p", 0),))
    )
    before = tree(notes)
    result = otj(runner, "goal", "edit", "mia-k", goal, "--on", on)
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert tree(notes) == before


def test_goal_edit_on_refuses_a_day_after_the_goal_changed_status(runner, mia, notes, clock):
    ok(otj(runner, "goal", "set", "mia-k", "g2", "--status", "on-hold", "--on", "2026-02-15"))
    before = tree(notes)
    result = otj(runner, "goal", "edit", "mia-k", "g2", "--on", "2026-02-20")
    assert result.exit_code == 2, result.output
    assert "--on: 2026-02-20 is after the goal's status changed (2026-02-15)" in result.output
    assert tree(notes) == before


def test_the_prompts_and_the_form_offer_only_the_goals_set_by_the_sessions_day(mia):
    """The guided flow and the editor's form list the active goals set by the note's day
    (a goal with no set day always is)."""
    from otjournal.forms.session_form import editor_form
    from otjournal.model.vocab import CHECKLIST

    client = Client(
        "mia-k",
        "Mia K.",
        goals=(*mia.goals, Goal("g3-z9z", "Rides a scooter", set_on=date(2026, 3, 1))),
    )
    day = datetime(2026, 2, 20, 10, tzinfo=TZ)
    assert [g.id for g in client.goals_to_rate(day.date())] == ["g1-k3x", "g2-m7p"]
    assert [g.id for g in client.goals_to_rate(date(2026, 3, 1))] == ["g1-k3x", "g2-m7p", "g3-z9z"]
    assert len(client.goals_to_rate(None)) == 3
    form = editor_form({"start": day}, client, list(CHECKLIST))
    assert "g2-m7p" in form and "g3-z9z" not in form


def test_a_review_dated_before_every_goal_was_set_is_refused_not_saved_empty(
    runner, mia, notes, clock
):
    args = ["review", "mia-k", "--by", "Alex Rivera", "--setting", "clinic"]
    args += ["--attendee", "child", "--date", "2026-01-20", "--summary", "Reviewed", "--no-input"]
    result = otj(runner, *args)
    assert result.exit_code != 0, result.output
    assert "goals: no goal to review: every active goal was set after 2026-01-20" in result.output
    assert "hint: if one was set earlier: otj goal edit mia-k GOAL --on DAY" in result.output
    assert not list((notes / "clients" / "mia-k").glob("sessions/*.toml"))
