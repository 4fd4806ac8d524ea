"""The pure numbers behind trends, reports and exports (otjournal.numbers.session).

Every expected value here is worked out by hand from constructed sessions, never
read back from the code under test.
"""

from __future__ import annotations

from datetime import date, datetime

import pytest

from otjournal.model import (
    Activity,
    ChecklistAnswer,
    Copm,
    Goal,
    GoalRating,
    Regulation,
)
from otjournal.model.vocab import CHECKLIST, CHECKLIST_TEXT, FRAMEWORKS
from otjournal.numbers.outcomes import COPM_CAVEAT, copm, gas_tscore
from otjournal.numbers.session import (
    activities,
    checklist_rates,
    client_trends,
    direction,
    goal_trends,
    lowest_item,
    regulation,
    supports,
    tscore_series,
)
from tests.conftest import TZ, make_client, make_session


def at(day: int, month: int = 3, hour: int = 10) -> datetime:
    return datetime(2026, month, day, hour, 0, tzinfo=TZ)


def sess(sid: str, day: int, **kw):
    """A constructed session with a fixed id (ids are what the "no" lists report)."""
    return make_session(start=at(day), id=sid, **kw)


def answers(**given: str) -> tuple[ChecklistAnswer, ...]:
    """Only the items named (with '_' for '-'); the others are left unanswered."""
    out = []
    for key, text in CHECKLIST:
        value = given.get(key.replace("-", "_"))
        if value is not None:
            out.append(ChecklistAnswer(key, value, text))
    return tuple(out)


# -- GAS T-score ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("ratings", "expected"),
    [
        ((0, 0, 0), 50.00),
        ((-2, -2, -2), 22.61),
        ((1, 1, 1), 63.69),
        ((-2, 0, 1), 45.44),
    ],
)
def test_gas_tscore_check_values_for_three_unweighted_goals(ratings, expected):
    t = gas_tscore([(x, 1) for x in ratings])
    assert round(t, 2) == expected


def test_gas_tscore_weighted_case_worked_by_hand():
    # ratings x = (-1, +1, 0), weights w = (2, 1, 3), rho = 0.3:
    #   Σwx    = 2·(-1) + 1·1 + 3·0 = -1
    #   Σw²    = 4 + 1 + 9          = 14
    #   (Σw)²  = 6²                 = 36
    #   denominator = √(0.7·14 + 0.3·36) = √(9.8 + 10.8) = √20.6 = 4.53872...
    #   T = 50 + 10·(-1) / 4.53872 = 50 - 2.20326 = 47.7967... → 47.80
    t = gas_tscore([(-1, 2), (1, 1), (0, 3)])
    assert round(t, 2) == 47.80


def test_gas_tscore_weights_matter_and_one_goal_is_allowed():
    # One goal at +1: T = 50 + 10·1/√(0.7 + 0.3) = 60 whatever its weight.
    assert round(gas_tscore([(1, 1)]), 2) == 60.00
    assert round(gas_tscore([(1, 5)]), 2) == 60.00
    # Doubling every weight leaves T unchanged (it is scale-free in w).
    assert round(gas_tscore([(-1, 4), (1, 2), (0, 6)]), 2) == 47.80


def test_gas_tscore_refuses_no_ratings():
    with pytest.raises(ValueError):
        gas_tscore([])


def test_tscore_series_is_the_interim_path_one_goal_or_more_reviews_apart():
    client = make_client(
        goals=(Goal("g1", "Laces"), Goal("g2", "Calm plan", weight=2), Goal("g3", "Peer play"))
    )
    sessions = [
        # two rated goals, weights 1 and 2: Σwx = -1 + 2·0 = -1; Σw² = 5; Σw = 3
        # T = 50 - 10/√(3.5 + 2.7) = 50 - 10/2.48998 = 45.98
        sess("s1", 5, goals=(GoalRating("g1", -1), GoalRating("g2", 0))),
        # one rated, one addressed but not rated: T over g1 alone = 50 + 10·0 = 50
        sess("s2", 12, goals=(GoalRating("g1", 0), GoalRating("g2", None))),
        # only one goal: T = 50 + 10·1 = 60 (one goal, any weight)
        sess("s3", 19, goals=(GoalRating("g3", 1),)),
        # a review is the outcome, not the path: left out
        sess("r1", 20, session_type="review", goals=(GoalRating("g3", 2),)),
        # nothing rated: no point
        sess("s5", 21, goals=(GoalRating("g1", None),)),
        # three unweighted... g2 has weight 2: Σwx = 1 + 2 + 1 = 4; Σw² = 6; Σw = 4
        # T = 50 + 40/√(4.2 + 4.8) = 50 + 40/3 = 63.33
        sess("s4", 26, goals=(GoalRating("g1", 1), GoalRating("g2", 1), GoalRating("g3", 1))),
    ]
    series = tscore_series(client, list(reversed(sessions)))  # order of input does not matter
    assert [(p.session, p.day, p.goals, p.tscore) for p in series] == [
        ("s1", date(2026, 3, 5), 2, 45.98),
        ("s2", date(2026, 3, 12), 1, 50.0),
        ("s3", date(2026, 3, 19), 1, 60.0),
        ("s4", date(2026, 3, 26), 3, 63.33),
    ]


def test_tscore_series_rounds_to_two_decimals():
    client = make_client(goals=(Goal("g1", "a"), Goal("g2", "b"), Goal("g3", "c")))
    s = sess("s1", 5, goals=(GoalRating("g1", -2), GoalRating("g2", 0), GoalRating("g3", 1)))
    (point,) = tscore_series(client, [s])
    assert point.tscore == 45.44


# -- goals --------------------------------------------------------------------------


def test_goal_trends_baseline_is_the_goals_own_never_the_first_rating():
    client = make_client(
        goals=(
            Goal("g1", "Laces", baseline=-1, baseline_on=date(2026, 2, 1)),
            Goal("g2", "Calm plan", status="achieved"),
            Goal("g3", "Closed, never rated", status="closed"),
            Goal("g4", "Active, not rated yet", baseline=-2, baseline_on=date(2026, 2, 1)),
        )
    )
    sessions = [
        sess("s3", 19, goals=(GoalRating("g1", 1), GoalRating("g2", 2))),
        sess("s1", 5, goals=(GoalRating("g1", -2), GoalRating("g2", 0))),
        sess("s2", 12, goals=(GoalRating("g1", None, "addressed only"),)),
    ]
    trends = goal_trends(client, sessions)
    # active goals first, then inactive goals that have ratings; g3 is left out
    assert [t.goal for t in trends] == ["g1", "g4", "g2"]
    g1, g4, g2 = trends
    assert g1.points == ((date(2026, 3, 5), -2), (date(2026, 3, 19), 1))
    # the baseline recorded for g1 is -1 (the first rating, -2, is not it): 1 - (-1) = +2
    assert (g1.baseline, g1.baseline_on, g1.latest, g1.change) == (-1, date(2026, 2, 1), 1, 2)
    assert g1.outcome == (date(2026, 3, 19), 1, "interim")
    # no baseline recorded: no change, whatever the ratings
    assert (g2.baseline, g2.latest, g2.change, g2.status) == (None, 2, None, "achieved")
    assert g4.points == ()
    assert (g4.baseline, g4.latest, g4.change) == (-2, None, None)


def test_goal_trends_keep_review_ratings_apart_and_the_review_is_the_outcome():
    client = make_client(goals=(Goal("g1", "Laces", baseline=-2, baseline_on=date(2026, 2, 1)),))
    sessions = [
        sess("s1", 5, goals=(GoalRating("g1", -1),)),
        sess("r1", 12, session_type="review", goals=(GoalRating("g1", 1),)),
        sess("s2", 19, goals=(GoalRating("g1", 0),)),
    ]
    (g1,) = goal_trends(client, sessions)
    assert g1.points == ((date(2026, 3, 5), -1), (date(2026, 3, 19), 0))
    assert g1.reviews == ((date(2026, 3, 12), 1),)
    assert g1.latest_rating == (date(2026, 3, 19), 0, "interim")  # the latest of all
    assert g1.outcome == (date(2026, 3, 12), 1, "review")  # the review, when there is one
    assert g1.change == 1 - (-2)


BASE = date(2026, 2, 1)


@pytest.mark.parametrize(
    ("baselines", "latest", "expected"),
    [
        ([-2, -1], [0, 0], "moving up"),  # mean change (2 + 1) / 2 = 1.5
        ([0, 0], [1, 0], "moving up"),  # mean 0.5: the boundary counts as up
        ([0, 0, 0], [1, 0, 0], "steady"),  # mean 1/3
        ([1, 0], [0, 0], "moving down"),  # mean -0.5
        ([2], [-2], "moving down"),
        ([0], [0], "steady"),
        ([-1, None], [1, -2], "moving up"),  # g2 has no baseline: left out; g1 +2
        ([None, None], [1, 0], "no baseline recorded"),
        ([-2, -2], [None, None], "too few ratings"),
        ([], [], "too few ratings"),
    ],
)
def test_direction_words_from_each_goals_baseline_to_its_latest_rating(baselines, latest, expected):
    goals = tuple(
        Goal(f"g{i}", f"goal {i}", baseline=b, baseline_on=BASE if b is not None else None)
        for i, b in enumerate(baselines, 1)
    )
    client = make_client(goals=goals)
    rated = tuple(GoalRating(f"g{i}", x) for i, x in enumerate(latest, 1) if x is not None)
    sessions = [sess("s1", 1, goals=rated)] if rated else []
    assert direction(goal_trends(client, sessions)) == expected


def test_direction_takes_the_latest_rating_whether_review_or_interim():
    client = make_client(goals=(Goal("g1", "a", baseline=0, baseline_on=BASE),))
    review = sess("r1", 1, session_type="review", goals=(GoalRating("g1", 2),))
    later = sess("s2", 2, goals=(GoalRating("g1", 0),))
    assert direction(goal_trends(client, [review])) == "moving up"
    assert direction(goal_trends(client, [review, later])) == "steady"  # 0 - 0


# -- COPM ---------------------------------------------------------------------------


def copm_client(*copms: Copm | None):
    return make_client(
        goals=tuple(Goal(f"g{i}", f"goal {i}", copm=c) for i, c in enumerate(copms, 1))
    )


def test_copm_change_and_the_two_point_flag():
    client = copm_client(
        Copm("laces", 2, 2, 7, 9),  # +5, +7
        Copm("dressing", 4, 5, 6, 6),  # +2 exactly, +1
        Copm("bedtime", 5, 5, 6, 6),  # +1, +1
        Copm("lunch", 3, 3),  # no T2 yet
        None,  # a goal without COPM is not listed
    )
    changes = copm(client).problems
    assert [c.goal for c in changes] == ["g1", "g2", "g3", "g4"]
    laces, dressing, bedtime, lunch = changes
    assert (laces.performance_change, laces.satisfaction_change, laces.important) == (5, 7, True)
    assert (dressing.performance_change, dressing.satisfaction_change) == (2, 1)
    assert dressing.important is True  # 2 points is enough
    assert (bedtime.performance_change, bedtime.important) == (1, False)
    assert (lunch.performance_change, lunch.satisfaction_change, lunch.important) == (
        None,
        None,
        False,
    )
    assert lunch.performance == (3, None)


def test_copm_caveat_says_the_cut_off_is_debated():
    assert "2" in COPM_CAVEAT
    assert "debated" in COPM_CAVEAT


def test_copm_a_drop_of_two_or_more_points_is_also_flagged():
    """Domain: "a change of 2+ points is conventionally clinically important"; the report
    marks it "(a change of 2 or more points)". A fall from 7 to 4 is such a change and
    must not pass unmarked."""
    (drop,) = copm(copm_client(Copm("shopping", 7, 8, 4, 8))).problems
    assert drop.performance_change == -3
    assert drop.important is True


# -- the affirming checklist --------------------------------------------------------


def test_checklist_hit_rates_with_partly_unsure_and_na():
    sessions = [
        sess("s1", 1, checklist=answers(interests="yes", caregiver="partly", agile="yes")),
        sess("s2", 2, checklist=answers(interests="partly", caregiver="n-a", agile="no")),
        sess("s3", 3, checklist=answers(interests="unsure", caregiver="n-a", agile="no")),
        sess("s4", 4, checklist=answers(interests="no", agile="partly")),  # caregiver unanswered
    ]
    rates = {r.item: r for r in checklist_rates(sessions)}
    assert list(rates) == [k for k, _ in CHECKLIST]  # each item on its own, in order

    interests = rates["interests"]
    # yes 1, partly 1, no 1, unsure 1 (beside the rate, not in it): (1 + 0.5) / 3
    assert interests.counts == {"yes": 1, "partly": 1, "unsure": 1, "no": 1}
    assert interests.applicable == 3
    assert interests.rate == pytest.approx(0.5)
    assert interests.no_sessions == ("s4",)

    caregiver = rates["caregiver"]
    # partly 1; n/a twice is not applicable; unanswered is not counted: 0.5 / 1
    assert caregiver.counts == {"partly": 1, "n-a": 2}
    assert caregiver.applicable == 1
    assert caregiver.rate == pytest.approx(0.5)
    assert caregiver.no_sessions == ()

    agile = rates["agile"]
    # yes 1, no 2, partly 1: (1 + 0.5) / 4
    assert agile.rate == pytest.approx(0.375)
    assert agile.no_sessions == ("s2", "s3")

    safety = rates["safety"]  # never answered
    assert (safety.applicable, safety.rate, safety.no_sessions) == (0, None, ())
    assert safety.text == CHECKLIST_TEXT["safety"]


def test_checklist_item_that_was_only_na_has_no_rate():
    sessions = [sess(f"s{i}", i, checklist=answers(caregiver="n-a")) for i in (1, 2, 3)]
    (caregiver,) = [r for r in checklist_rates(sessions) if r.item == "caregiver"]
    assert caregiver.applicable == 0
    assert caregiver.rate is None


def test_checklist_unsure_is_counted_beside_the_rate_not_in_it():
    # domain.md: rate = (yes + ½ partly) / (yes + partly + no); unsure and n/a beside it.
    sessions = [
        sess("s1", 1, checklist=answers(attuned="yes")),
        sess("s2", 2, checklist=answers(attuned="unsure")),
        sess("s3", 3, checklist=answers(attuned="partly")),
    ]
    (attuned,) = [r for r in checklist_rates(sessions) if r.item == "attuned"]
    assert (attuned.applicable, attuned.rate, attuned.counts["unsure"]) == (2, 0.75, 1)


def test_checklist_extra_items_of_the_practice():
    extra = [*CHECKLIST, ("sensory-diet", "The sensory diet was reviewed")]
    sessions = [
        sess("s1", 1, checklist=(ChecklistAnswer("sensory-diet", "yes", "x"),)),
        sess("s2", 2, checklist=(ChecklistAnswer("sensory-diet", "partly", "x"),)),
    ]
    rates = checklist_rates(sessions, extra)
    assert rates[-1].item == "sensory-diet"
    assert rates[-1].rate == pytest.approx(0.75)


def test_lowest_item_and_the_sessions_where_it_was_no():
    sessions = [
        sess("s1", 1, checklist=answers(interests="yes", attuned="yes", feels_good="no")),
        sess("s2", 2, checklist=answers(interests="yes", attuned="partly", feels_good="yes")),
        sess("s3", 3, checklist=answers(interests="no", attuned="yes", feels_good="no")),
    ]
    rates = checklist_rates(sessions)
    low = lowest_item(rates)
    # interests 2/3, attuned 2.5/3, feels-good 1/3
    assert low is not None
    assert low.item == "feels-good"
    assert low.rate == pytest.approx(1 / 3)
    assert low.no_sessions == ("s1", "s3")


def test_lowest_item_is_none_for_a_tie_all_at_100_or_no_answers():
    sessions = [sess("s1", 1, checklist=answers(safety="partly", agile="partly", attuned="yes"))]
    assert lowest_item(checklist_rates(sessions)) is None  # agile and safety tie at 50 %
    sessions = [sess("s1", 1, checklist=answers(safety="partly", agile="no", attuned="yes"))]
    low = lowest_item(checklist_rates(sessions))
    assert low is not None and low.item == "agile"
    every_yes = {key.replace("-", "_"): "yes" for key, _ in CHECKLIST}
    assert lowest_item(checklist_rates([sess("s1", 1, checklist=answers(**every_yes))])) is None
    assert lowest_item(checklist_rates([sess("s2", 2, checklist=answers(caregiver="n-a"))])) is None
    assert lowest_item(checklist_rates([])) is None


# -- regulation ---------------------------------------------------------------------


def test_regulation_transitions_and_distributions():
    sessions = [
        sess("s1", 1, regulation=Regulation("zones", "red", "green", ("Heavy work", " swing "))),
        sess("s2", 2, regulation=Regulation("zones", "red", "green", ("heavy work",))),
        sess("s3", 3, regulation=Regulation("zones", "green", "red", ())),
        sess("s4", 4, regulation=Regulation("zones", "blue", "", ("quiet corner",))),  # no end
        sess("s5", 5, regulation=Regulation("zones", "", "yellow")),  # no start
        sess("s6", 6, regulation=None),
        sess("s7", 7, regulation=Regulation("engine", "high", "low")),  # another framework
    ]
    r = regulation(sessions, "zones")
    assert r.framework == "zones"
    assert r.sessions == 5
    assert r.transitions == {("red", "green"): 2, ("green", "red"): 1}
    assert r.start == {"red": 2, "green": 1, "blue": 1}
    assert r.end == {"green": 2, "red": 1, "yellow": 1}
    assert dict(r.helped) == {"heavy work": 2, "swing": 1, "quiet corner": 1}
    assert r.helped[0] == ("heavy work", 2)


def test_regulation_states_keep_the_framework_order_never_a_ranking():
    """However often a state occurs, the states are listed in the framework's own order:
    the summary never sorts states by a "better" or "worse"."""
    many_red = [sess(f"s{i}", i, regulation=Regulation("zones", "red", "red")) for i in range(1, 6)]
    one_green = [sess("s9", 9, regulation=Regulation("zones", "green", "green"))]
    for sessions in (many_red + one_green, one_green + many_red, one_green):
        assert regulation(sessions, "zones").states == FRAMEWORKS["zones"]
    engine = regulation([sess("e", 1, regulation=Regulation("engine", "high", "low"))], "engine")
    assert engine.states == ("low", "just-right", "high")
    summary = regulation(many_red + one_green, "zones")
    # counts only: nothing that scores a state
    assert set(vars(summary)) == {
        "framework",
        "states",
        "transitions",
        "start",
        "end",
        "helped",
        "sessions",
    }


def test_regulation_descriptive_states_are_the_ones_recorded():
    sessions = [
        sess("s1", 1, regulation=Regulation("descriptive", "tired", "chatty")),
        sess("s2", 2, regulation=Regulation("descriptive", "buzzing", "tired")),
    ]
    r = regulation(sessions, "descriptive")
    assert set(r.states) == {"tired", "chatty", "buzzing"}
    assert r.transitions == {("tired", "chatty"): 1, ("buzzing", "tired"): 1}


# -- activities and supports ----------------------------------------------------------


def test_activity_shares():
    train = Activity("Train course", child_led=True, movement_sensory=True, adapted=True)
    lacing = Activity("Lacing card", interest_based=True)
    both = Activity("Lacing card ", child_led=True, interest_based=True)  # counted once
    plain = Activity("Worksheet")
    sessions = [
        sess("s1", 1, activities=(train, lacing)),
        sess("s2", 2, activities=(both, plain)),
        sess("s3", 3, activities=(train,)),
        sess("s4", 4, activities=()),
    ]
    a = activities(sessions)
    assert a.total == 5
    assert a.child_led_or_interest == 4  # train twice, lacing, both
    assert a.movement_sensory == 2
    assert a.adapted == 2
    assert a.share(a.child_led_or_interest) == pytest.approx(0.8)
    assert a.share(a.movement_sensory) == pytest.approx(0.4)
    assert dict(a.most_used) == {"Train course": 2, "Lacing card": 2, "Worksheet": 1}
    assert activities([]).share(0) is None


def test_supports_by_setting_and_attendee_role():
    sessions = [
        sess("s1", 1, duration_min=45, setting="clinic", attendees=("child", "parent")),
        sess("s2", 2, duration_min=60, setting="home", attendees=("child", "parent", "sibling")),
        sess("s3", 3, duration_min=30, setting="school", attendees=("child", "teacher")),
        sess(
            "s4",
            4,
            duration_min=50,
            setting="clinic",
            attendees=("parent", "parent"),  # a role listed twice counts once
            session_type="caregiver-only",
        ),
    ]
    s = supports(sessions)
    assert s.sessions == 4
    assert s.minutes == 185
    assert s.hours == pytest.approx(185 / 60)  # exact: the views round
    assert s.by_setting == {"clinic": (2, 95), "home": (1, 60), "school": (1, 30)}
    assert s.by_role == {
        "child": (3, 135),
        "parent": (3, 155),
        "sibling": (1, 60),
        "teacher": (1, 30),
    }
    assert s.by_type == {"therapy": 3, "caregiver-only": 1}
    assert (s.first, s.last) == (date(2026, 3, 1), date(2026, 3, 4))
    empty = supports([])
    assert (empty.sessions, empty.minutes, empty.first, empty.last) == (0, 0, None, None)


def test_client_trends_takes_the_period_inclusively():
    client = make_client()
    sessions = [sess(f"s{d}", d) for d in (1, 5, 10, 31)]
    t = client_trends(client, sessions, date(2026, 3, 5), date(2026, 3, 10))
    assert [s.id for s in t.sessions] == ["s5", "s10"]
    assert t.supports.sessions == 2
    assert [r.applicable for r in t.checklist] == [2] * 7
