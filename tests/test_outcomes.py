"""Scores that say what they use (otjournal.numbers.outcomes): GAS at review against each
goal's recorded baseline on the same goal set, interim ratings as the path, COPM T1 → T2.

Every expected value is worked out by hand (the arithmetic is in the comments), never
read back from the code under test.
"""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date, datetime
from pathlib import Path
from random import Random

import pytest

from otjournal.cli import app
from otjournal.disk.store import Journal
from otjournal.model import Copm, Goal, GoalRating
from otjournal.model.episode import Assessment, Intake
from otjournal.numbers.outcomes import (
    COPM_CAVEAT,
    copm,
    review_score,
    review_scores,
)
from tests.conftest import TZ, make_client, make_session
from tests.helpers import Runner

SET_ON = date(2026, 1, 10)


def at(month: int, day: int, hour: int = 10) -> datetime:
    return datetime(2026, month, day, hour, 0, tzinfo=TZ)


def goal(gid: str, baseline: int | None = None, **kw) -> Goal:
    return Goal(
        gid,
        f"goal {gid}",
        baseline=baseline,
        baseline_on=SET_ON if baseline is not None else None,
        **kw,
    )


def review(day: int, *ratings: GoalRating, month: int = 4, sid: str = "") -> object:
    return make_session(
        start=at(month, day), id=sid or f"r{month}-{day}", session_type="review", goals=ratings
    )


def rated(**levels: int) -> tuple[GoalRating, ...]:
    return tuple(GoalRating(g, x) for g, x in levels.items())


# -- the T-score at review and at baseline, on the same goals -----------------------------

# T = 50 + 10·Σwx / √(0.7·Σw² + 0.3·(Σw)²); 3 unweighted goals: √(0.7·3 + 0.3·9) = √4.8
CHECK_VALUES = [
    ((0, 0, 0), 50.00),
    ((-2, -2, -2), 22.61),  # 50 - 60/2.19089
    ((1, 1, 1), 63.69),  # 50 + 30/2.19089
    ((-2, 0, 1), 45.44),  # 50 - 10/2.19089
]


@pytest.mark.parametrize(("levels", "expected"), CHECK_VALUES)
def test_review_tscore_check_values_for_three_unweighted_goals(levels, expected):
    client = make_client(goals=(goal("g1", 0), goal("g2", 0), goal("g3", 0)))
    score = review_score(client, review(1, *rated(g1=levels[0], g2=levels[1], g3=levels[2])))
    assert score is not None
    assert score.tscore == expected
    assert score.goals == ("g1", "g2", "g3")
    assert score.baseline_tscore == 50.00  # every baseline 0


@pytest.mark.parametrize(
    ("level", "weight", "expected"),
    [(-1, 1, 40.00), (2, 1, 70.00), (1, 3, 60.00), (-2, 0.5, 30.00)],  # T = 50 + 10x
)
def test_one_goal_alone_has_a_tscore_whatever_its_weight(level, weight, expected):
    client = make_client(goals=(goal("g1", -2, weight=weight),))
    score = review_score(client, review(1, GoalRating("g1", level)))
    assert score is not None
    assert (score.tscore, score.baseline_tscore) == (expected, 30.00)


def test_weighted_review_and_baseline_worked_by_hand():
    client = make_client(
        goals=(goal("g1", -2, weight=2), goal("g2", -1, weight=1), goal("g3", -2, weight=3))
    )
    score = review_score(client, review(1, *rated(g1=1, g2=0, g3=-1)))
    assert score is not None
    # Σw = 6, Σw² = 4 + 1 + 9 = 14: √(0.7·14 + 0.3·36) = √20.6 = 4.53872
    # review: Σwx = 2·1 + 0 + 3·(-1) = -1 → 50 - 10/4.53872 = 47.80
    # baseline: Σwx = 2·(-2) + (-1) + 3·(-2) = -11 → 50 - 110/4.53872 = 25.76
    assert (score.tscore, score.baseline_tscore) == (47.80, 25.76)
    assert score.weights == (2, 1, 3)
    assert score.baselines == (-2, -1, -2)
    assert score.uses == (
        "GAS T-score at review 2026-04-01 (goals g1, g2, g3; baseline on the same goals: "
        "25.8 → 47.8)"
    )


def test_a_goal_discontinued_before_the_review_leaves_both_sets():
    client = make_client(
        goals=(goal("g1", -2), goal("g2", -1), goal("g3", -2, status="discontinued"))
    )
    # g3 was not rated at the review: the set is g1, g2 for the review and the baseline
    score = review_score(client, review(1, *rated(g1=1, g2=0)))
    assert score is not None
    assert score.goals == ("g1", "g2")
    # two unweighted goals: √(0.7·2 + 0.3·4) = √2.6 = 1.61245
    # review Σx = 1 → 50 + 10/1.61245 = 56.20; baseline Σx = -3 → 50 - 30/1.61245 = 31.39
    assert (score.tscore, score.baseline_tscore) == (56.20, 31.39)


def test_no_baseline_t_score_when_a_goal_of_the_set_has_none_and_it_is_named():
    client = make_client(goals=(goal("g1", -2), goal("g2")))  # g2: no baseline recorded
    score = review_score(client, review(1, *rated(g1=0, g2=1)))
    assert score is not None
    assert score.baseline_tscore is None
    assert score.missing_baseline == ("g2",)
    # review: Σx = 1 over two goals → 50 + 10/1.61245 = 56.20
    assert score.uses == (
        "GAS T-score at review 2026-04-01 (goals g1, g2): 56.2; no baseline T-score: "
        "baseline not recorded for g2"
    )


def test_only_reviews_with_a_rated_goal_count_in_time_order():
    client = make_client(goals=(goal("g1", -1),))
    sessions = [
        review(20, GoalRating("g1", 1)),
        make_session(start=at(4, 5), id="s1", goals=rated(g1=2)),  # interim: not a review
        review(10, GoalRating("g1", None, "addressed, not rated")),
        review(1, GoalRating("g1", 0)),
    ]
    assert [(s.session, s.tscore) for s in review_scores(client, sessions)] == [
        ("r4-1", 50.00),
        ("r4-20", 60.00),
    ]


# -- COPM: T1 from client.toml, T2 the latest of the reviews and client.toml --------------


def copm_client(*copms: Copm) -> object:
    return make_client(
        goals=tuple(Goal(f"g{i}", f"goal {i}", copm=c) for i, c in enumerate(copms, 1))
    )


def copm_review(day: int, gid: str, perf: int | None, sat: int | None, month: int = 4):
    return review(
        day, GoalRating(gid, 0, copm_performance=perf, copm_satisfaction=sat), month=month
    )


def test_copm_t2_is_the_latest_of_reviews_and_client_toml():
    client = copm_client(
        # T2 in client.toml on 1 May; a review on 1 Apr scored it earlier: client.toml wins
        Copm("dressing", 3, 4, 6, 5, t1_on=SET_ON, t2_on=date(2026, 5, 1)),
        # T2 in client.toml on 1 Mar; the review on 1 Apr is later: the review wins
        Copm("lunch", 2, 2, 4, 4, t1_on=SET_ON, t2_on=date(2026, 3, 1)),
        # undated T2 in client.toml: a dated review wins
        Copm("bedtime", 5, 5, 6, 6),
        # no T2 anywhere
        Copm("shopping", 4, 3),
    )
    sessions = [copm_review(1, "g1", 9, 9), copm_review(1, "g2", 7, 8), copm_review(2, "g3", 8, 7)]
    dressing, lunch, bedtime, shopping = copm(client, sessions).problems
    assert (dressing.performance, dressing.satisfaction, dressing.t2_from) == (
        (3, 6),
        (4, 5),
        "client.toml",
    )
    assert (lunch.performance, lunch.satisfaction) == ((2, 7), (2, 8))
    assert (lunch.t2_on, lunch.t2_from) == (date(2026, 4, 1), "review r4-1")
    assert lunch.uses == "T1 on 2026-01-10, from client.toml; T2 at review 2026-04-01"
    assert (bedtime.performance, bedtime.t2_from) == ((5, 8), "review r4-2")
    assert (shopping.performance, shopping.t2_from) == ((4, None), "")
    assert shopping.uses == "T1 undated, from client.toml; no T2 yet"


def test_copm_t2_after_the_period_is_not_yet_known():
    client = copm_client(Copm("lunch", 2, 2, 4, 4, t1_on=SET_ON, t2_on=date(2026, 3, 1)))
    later = copm_review(1, "g1", 9, 9, month=6)
    (p,) = copm(client, [later], until=date(2026, 5, 31)).problems
    assert (p.performance, p.t2_from) == ((2, 4), "client.toml")
    (p,) = copm(client, [later], until=date(2026, 2, 28)).problems
    assert (p.performance, p.t2_from) == ((2, None), "")


def test_copm_means_over_problems_scored_at_both_and_the_two_point_flag():
    client = copm_client(
        Copm("dressing", 3, 4, 6, 5),  # performance +3, satisfaction +1
        Copm("lunch", 4, 2, 5, None),  # performance +1; satisfaction has no T2
        Copm("bedtime", None, 6, None, 7),  # performance has no T1; satisfaction +1
    )
    c = copm(client)
    assert [p.important for p in c.problems] == [True, False, False]
    # performance over dressing and lunch: T1 (3 + 4)/2 = 3.5, T2 (6 + 5)/2 = 5.5: +2
    assert c.performance is not None
    assert (c.performance.t1, c.performance.t2, c.performance.n) == (3.5, 5.5, 2)
    assert (c.performance.change, c.performance.important) == (2.0, True)
    # satisfaction over dressing and bedtime: T1 (4 + 6)/2 = 5, T2 (5 + 7)/2 = 6: +1
    assert c.satisfaction is not None
    assert (c.satisfaction.t1, c.satisfaction.t2, c.satisfaction.n) == (5.0, 6.0, 2)
    assert c.satisfaction.important is False
    assert "debated" in COPM_CAVEAT
    assert copm(copm_client(Copm("x", 3, 3))).performance is None


# -- through the commands: trends, report and export agree ---------------------------------


@pytest.fixture
def episode(notes: Path, clock) -> Journal:
    """One client: g1 (baseline -2, weight 2), g2 (baseline -1), g3 (no baseline, on hold),
    interim sessions in February and March, a review on 1 April rating g1 and g2."""
    clock.set(datetime(2026, 6, 1, 12, tzinfo=TZ))
    j = Journal(notes)
    j.add_client(
        make_client(
            "jo-b",
            display_name="Jo Bloggs",
            goals=(
                Goal(
                    "g1",
                    "Laces shoes",
                    weight=2,
                    baseline=-2,
                    baseline_on=SET_ON,
                    copm=Copm("dressing", 3, 4, t1_on=SET_ON),
                ),
                Goal("g2", "Calm plan", baseline=-1, baseline_on=SET_ON),
                Goal("g3", "Plays with a peer", status="on-hold"),
            ),
        )
    )
    sessions = [
        make_session(
            "jo-b",
            at(1, 12),
            session_type="initial",
            goals=(),
            intake=Intake(
                goals=("g1", "g2"),
                assessments=(
                    Assessment("Sensory Profile 2", SET_ON, {"seeking": 45, "avoiding": 60}),
                    Assessment("Goal interview"),
                ),
            ),
        ),
        make_session("jo-b", at(2, 1), goals=rated(g1=-1, g2=-1)),
        make_session("jo-b", at(3, 1), goals=rated(g1=0, g3=0)),
        make_session(
            "jo-b",
            at(4, 1),
            session_type="review",
            goals=(
                GoalRating("g1", 1, copm_performance=7, copm_satisfaction=8),
                GoalRating("g2", 0),
            ),
        ),
        make_session("jo-b", at(4, 20), goals=rated(g1=2)),
    ]
    for i, s in enumerate(sessions):
        j.add_session(s, rng=Random(i))
    return j


# The review on 1 April: g1 +1 (w 2), g2 0 (w 1); Σw = 3, Σw² = 5: √(3.5 + 2.7) = 2.48998
# review Σwx = 2 → 50 + 20/2.48998 = 58.03; baseline Σwx = 2·(-2) + (-1) = -5 → 29.92
REVIEW_T, BASELINE_T = 58.03, 29.92


def trends_json(runner: Runner, *args: str) -> dict:
    result = runner.invoke(app, ["trends", "jo-b", "--until", "2026-05-31", *args, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.mark.parametrize("since", ["2026-01-01", "2026-03-15", "2026-04-10"])
def test_the_baseline_never_moves_with_since(runner, episode, since):
    data = trends_json(runner, "--since", since)
    goals = {g["goal"]: g for g in data["goals"]}
    assert goals["g1"]["baseline"] == {"level": -2, "on": "2026-01-10"}
    assert goals["g2"]["baseline"] == {"level": -1, "on": "2026-01-10"}
    assert goals["g3"]["baseline"] is None
    assert goals["g3"]["uses"] == (
        "baseline not recorded; to add it: "
        "otj goal edit jo-b g3 --baseline N --baseline-on YYYY-MM-DD"
    )


def test_trends_json_says_what_each_figure_uses(runner, episode):
    data = trends_json(runner, "--since", "2026-01-01")
    g1 = data["goals"][0]
    assert [(r["date"], r["gas"]) for r in g1["interim"]] == [
        ("2026-02-01", -1),
        ("2026-03-01", 0),
        ("2026-04-20", 2),
    ]
    assert g1["reviews"] == [{"date": "2026-04-01", "gas": 1}]
    # the review is the outcome (+1 - (-2) = +3); the latest rating is interim (+2)
    assert g1["outcome"] == {"date": "2026-04-01", "gas": 1, "from": "review"}
    assert g1["latest"] == {"date": "2026-04-20", "gas": 2, "from": "interim"}
    assert g1["change"] == 3
    assert g1["uses"] == "change: the review on 2026-04-01 against the baseline on 2026-01-10"
    (r,) = data["reviews"]
    assert (r["date"], r["tscore"], r["baseline_tscore"]) == ("2026-04-01", REVIEW_T, BASELINE_T)
    assert [(x["goal"], x["gas"], x["baseline"], x["weight"]) for x in r["goals"]] == [
        ("g1", 1, -2, 2),
        ("g2", 0, -1, 1),
    ]
    assert r["uses"] == (
        "GAS T-score at review 2026-04-01 (goals g1, g2; baseline on the same goals: 29.9 → 58.0)"
    )
    # interim path: 1 Feb g1 -1 (w 2), g2 -1: Σwx = -3 → 50 - 30/2.48998 = 37.95;
    # 1 Mar g1 0, g3 0 → 50; 20 Apr g1 +2 alone → 70 (the review is not on the path)
    assert [(p["date"], p["tscore"]) for p in data["interim"]] == [
        ("2026-02-01", 37.95),
        ("2026-03-01", 50.0),
        ("2026-04-20", 70.0),
    ]
    assert "interim" in data["interim_uses"]
    (p,) = data["copm"]["problems"]
    assert (p["performance"], p["satisfaction"]) == ([3, 7], [4, 8])
    assert (p["t2_on"], p["t2_from"]) == ("2026-04-01", f"review {r['session']}")
    assert data["copm"]["mean_performance"] == {
        "t1": 3,
        "t2": 7,
        "problems": 1,
        "change": 4,
        "important": True,
    }


def test_a_review_before_since_is_not_in_the_period_but_the_baseline_stays(runner, episode):
    data = trends_json(runner, "--since", "2026-04-10")
    assert data["reviews"] == []
    g1 = data["goals"][0]
    # only the interim +2 of 20 April in the period: +2 - (-2) = +4, said to be interim
    assert g1["outcome"] == {"date": "2026-04-20", "gas": 2, "from": "interim"}
    assert g1["change"] == 4
    assert "latest interim rating (not rated at a review)" in g1["uses"]


def csv_rows(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8"), newline="")))


def test_trends_report_and_export_agree_on_the_review_tscore(runner, episode):
    (r,) = trends_json(runner, "--since", "2026-01-01")["reviews"]
    report = runner.invoke(app, ["report", "jo-b", "--from", "2026-01-01", "--to", "2026-05-31"])
    assert report.exit_code == 0, report.output
    assert (
        "GAS T-score at review 2026-04-01 (goals g1, g2; baseline on the same goals: "
        "29.9 → 58.0). 50 means goals met as expected." in report.stdout
    )
    assert "GAS baseline -2 (recorded 2026-01-10) → +1 at review on 2026-04-01 (change +3)" in (
        report.stdout
    )
    assert "Status: on-hold" in report.stdout

    reviews = runner.invoke(app, ["export", "--table", "reviews"])
    assert reviews.exit_code == 0, reviews.output
    rows = csv_rows(reviews.stdout_bytes)
    assert [(x["goal"], x["gas"], x["baseline"]) for x in rows] == [
        ("g1", "1", "-2"),
        ("g2", "0", "-1"),
    ]
    assert {(x["review_tscore"], x["baseline_tscore"], x["review_goals"]) for x in rows} == {
        (str(REVIEW_T), str(BASELINE_T), "g1; g2")
    }
    assert rows[0]["session_id"] == r["session"]
    assert (rows[0]["copm_performance"], rows[0]["copm_satisfaction"]) == ("7", "8")
    sessions = csv_rows(runner.invoke(app, ["export"]).stdout_bytes)
    (as_session,) = [s for s in sessions if s["session_id"] == r["session"]]
    assert as_session["gas_tscore"] == str(REVIEW_T) == str(r["tscore"])


def test_export_goal_list_and_assessments(runner, episode):
    result = runner.invoke(app, ["export", "--table", "goal-list", "--until", "2026-05-31"])
    assert result.exit_code == 0, result.output
    g1, _, g3 = csv_rows(result.stdout_bytes)
    assert (g1["goal"], g1["status"], g1["weight"], g1["baseline"], g1["baseline_on"]) == (
        "g1",
        "active",
        "2",
        "-2",
        "2026-01-10",
    )
    assert (g1["copm_problem"], g1["copm_performance_t1"], g1["copm_performance_t2"]) == (
        "dressing",
        "3",
        "7",
    )
    assert g1["copm_t2_on"] == "2026-04-01"
    assert g1["copm_t2_from"].startswith("review 2026-04-01_1000_")
    assert (g3["status"], g3["baseline"], g3["copm_problem"]) == ("on-hold", "", "")
    # before the review, T2 was not yet known
    early = runner.invoke(app, ["export", "--table", "goal-list", "--until", "2026-03-31"])
    assert csv_rows(early.stdout_bytes)[0]["copm_performance_t2"] == ""

    result = runner.invoke(app, ["export", "--table", "assessments", "--format", "json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)["rows"]
    assert [(x["assessment"], x["given_on"], x["score_name"], x["score"]) for x in rows] == [
        ("Sensory Profile 2", "2026-01-10", "seeking", 45),
        ("Sensory Profile 2", "2026-01-10", "avoiding", 60),
        ("Goal interview", None, None, None),
    ]
    assert {x["date"] for x in rows} == {"2026-01-12"}


@pytest.mark.parametrize("width", [40, 80, 200])
def test_trends_text_says_what_it_uses_at_any_width(runner, episode, width):
    result = runner.invoke(
        app,
        ["trends", "jo-b", "--since", "2026-01-01", "--until", "2026-05-31"],
        env={"COLUMNS": str(width), "NO_COLOR": "1"},
    )
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines
    assert not [line for line in lines if len(line) > width]
    flat = " ".join(result.output.split())
    for said in (
        "GAS T-score at review 2026-04-01 (goals g1, g2; baseline on the same goals: 29.9 → 58.0)",
        "Interim path",
        "Baseline not recorded for g3; to add it: otj goal edit jo-b g3 --baseline N "
        "--baseline-on YYYY-MM-DD",
        "+1 at review",
        "T1 on 2026-01-10, from client.toml; T2 at review 2026-04-01",
        "COPM mean performance (1 problem scored at T1 and T2): 3 → 7 (+4) *",
    ):
        assert said in flat, (width, said)
    assert re.search(r"g1 Laces shoes", flat)


def test_overview_direction_is_from_the_baselines(runner, episode):
    result = runner.invoke(
        app, ["trends", "--since", "2026-01-01", "--until", "2026-05-31", "--json"]
    )
    assert result.exit_code == 0, result.output
    (row,) = json.loads(result.stdout)["clients"]
    # latest ratings: g1 +2 (interim, 20 Apr) - (-2) = +4; g2 0 (review) - (-1) = +1;
    # g3 has no baseline and is left out: mean 2.5
    assert row["goal_direction"] == "moving up"
