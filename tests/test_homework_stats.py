"""Homework numbers on constructed data, ``today`` always passed in.

Calendar used throughout: 2026-03-02 is a Monday, so the weeks (Monday-Sunday) are
Mar 2-8, Mar 9-15, Mar 16-22.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date, datetime, timedelta

import pytest

from otjournal.disk.tomlio import to_json_value
from otjournal.model import Assignment, HomeworkEntry, Plan
from otjournal.model.parts import (
    Emotion,
    MoodCheck,
    Practice,
    Relaxation,
    Thought,
    ThoughtRecord,
)
from otjournal.numbers.homework import (
    adherence,
    combine,
    current_assignments,
    mood_trend,
    relaxation_change,
    summarise,
    thought_record_change,
    week_start,
)
from tests.conftest import TZ, make_client, make_session

MON = date(2026, 3, 2)
NEUTRAL_BANNED = ("non-compliant", "noncompliant", "compliance", "missed", "failed", "refused")

_serial = iter(range(1, 1_000_000))


def d(day: int, month: int = 3) -> date:
    return date(2026, month, day)


def at(day: int, hour: int = 18, month: int = 3) -> datetime:
    return datetime(2026, month, day, hour, 0, tzinfo=TZ)


def entry(when: datetime, kind: str = "practice", assignment: str = "", **parts) -> HomeworkEntry:
    return HomeworkEntry(
        id=f"{when:%Y-%m-%d_%H%M}_e{next(_serial):04d}",
        client="mia-k",
        entry_kind=kind,
        at=when,
        written_by="Sarah",
        written_at=when + timedelta(minutes=5),
        assignment=assignment,
        **parts,
    )


def practice(day: int, assignment: str = "hw-a", done: str = "yes", hour: int = 18, month=3):
    return entry(at(day, hour, month), "practice", assignment, practice=Practice(done))


def mood(when: datetime, value: int) -> HomeworkEntry:
    return entry(when, "mood-check", mood=MoodCheck(value))


def relax(day: int, before: int | None, after: int | None) -> HomeworkEntry:
    return entry(
        at(day),
        "relaxation",
        relaxation=Relaxation("belly breathing", 5, before, after),
    )


def thought_record(day: int, *emotions: tuple[str, int, int | None]) -> HomeworkEntry:
    return entry(
        at(day),
        "thought-record",
        thought_record=ThoughtRecord(
            "on the bus",
            tuple(Emotion(n, b, a) for n, b, a in emotions),
            (Thought("they are staring", 70, True),),
        ),
    )


def session(sid: str, start: datetime, *homework: Assignment):
    return make_session(id=sid, start=start, plan=Plan("Followed Mia's lead.", "", homework))


LACING = Assignment("hw-a", "Lacing card", "practice", 3)


# -- week_start ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "monday"),
    [(d(2), d(2)), (d(5), d(2)), (d(8), d(2)), (d(9), d(9)), (d(1), date(2026, 2, 23))],
)
def test_weeks_run_monday_to_sunday(day, monday):
    assert week_start(day) == monday


# -- adherence -------------------------------------------------------------------------


def test_adherence_weeks_with_none_some_and_more_than_planned():
    entries = [
        practice(10),
        practice(12),  # week 2: 2 of 3
        *(practice(day) for day in range(16, 21)),  # week 3: 5 of 3
        practice(18, assignment="hw-other"),  # another homework: not counted
        practice(1),  # before the period
        practice(23),  # after today
    ]
    a = adherence(LACING, d(2), entries, today=d(22))
    assert (a.id, a.text, a.kind, a.per_week) == ("hw-a", "Lacing card", "practice", 3)
    assert (a.since, a.until) == (d(2), d(22))
    assert a.practised == 7
    assert (a.partly, a.not_this_time) == (0, 0)
    # Planned over the 20 days that have passed (Mar 2-21): today is not over yet.
    assert a.days == 20
    assert a.expected == pytest.approx(3 * 20 / 7)
    assert a.rate == pytest.approx(7 / (3 * 20 / 7))
    assert [(w.start, w.days, w.logged, w.expected) for w in a.weeks] == [
        (d(2), 7, 0, pytest.approx(3.0)),
        (d(9), 7, 2, pytest.approx(3.0)),
        (d(16), 6, 5, pytest.approx(3 * 6 / 7)),
    ]
    assert a.words() == "practised 7 times of about 9 planned"


def test_over_complete_practice_gives_a_rate_above_one():
    entries = [practice(day, hour=h) for day in (2, 3, 4) for h in (8, 18)]
    a = adherence(LACING, d(2), entries, today=d(9), until=d(8))  # the week is over
    assert a.practised == 6
    assert a.expected == pytest.approx(3.0)
    assert a.rate == pytest.approx(2.0)
    assert a.weeks[0].logged == 6


def test_not_this_time_is_counted_as_not_practised_but_reported():
    entries = [
        practice(3, done="yes"),
        practice(4, done="partly"),
        practice(5, done="not-this-time"),
        practice(6, done="not-this-time"),
    ]
    a = adherence(LACING, d(2), entries, today=d(9), until=d(8))
    assert a.practised == 2  # yes and partly
    assert a.partly == 1
    assert a.not_this_time == 2
    assert a.weeks[0].logged == 2
    assert a.rate == pytest.approx(2 / 3)
    words = a.words()
    assert words == "practised 2 times (1 partly) of about 3 planned; 2 × not this time"
    assert not any(w in words.lower() for w in NEUTRAL_BANNED)


def test_only_not_this_time_still_reports_each_one():
    a = adherence(LACING, d(2), [practice(3, done="not-this-time")], today=d(8))
    assert (a.practised, a.not_this_time) == (0, 1)
    assert a.rate == 0
    assert "1 × not this time" in a.words()
    assert "practised 0 times" in a.words()


def test_partial_first_and_last_weeks_are_pro_rated():
    # Thursday Mar 5 to Tuesday Mar 17: 4 days, 7 days, 2 days.
    a5 = Assignment("hw-a", "Lacing card", "practice", 5)
    # Today (the 17th) is not over: the 16th is the last day planned over.
    a = adherence(a5, d(5), [practice(6), practice(17)], today=d(17))
    assert [(w.start, w.days) for w in a.weeks] == [(d(2), 4), (d(9), 7), (d(16), 1)]
    assert [w.expected for w in a.weeks] == [
        pytest.approx(5 * 4 / 7),
        pytest.approx(5.0),
        pytest.approx(5 * 1 / 7),
    ]
    assert a.expected == pytest.approx(5 * 12 / 7)
    assert sum(w.expected for w in a.weeks) == pytest.approx(a.expected)
    assert [w.logged for w in a.weeks] == [1, 0, 1]  # today's practice counts
    assert a.rate == pytest.approx(2 / (5 * 12 / 7))


def test_until_ends_the_period_and_never_runs_past_today():
    entries = [practice(3), practice(9), practice(12)]
    ended = adherence(LACING, d(2), entries, today=d(22), until=d(10))
    assert ended.until == d(10)
    assert ended.practised == 2  # the 12th is after the end
    assert ended.expected == pytest.approx(3 * 9 / 7)
    assert [(w.start, w.days) for w in ended.weeks] == [(d(2), 7), (d(9), 2)]
    capped = adherence(LACING, d(2), entries, today=d(10), until=d(30))
    assert capped.until == d(10)
    assert capped.expected == pytest.approx(3 * 8 / 7)  # the 10th, today, is not over


def test_no_frequency_means_no_expectation_and_no_rate():
    open_ended = Assignment("hw-j", "Write a few lines", "journal", None)
    a = adherence(open_ended, d(2), [entry(at(3), "journal", "hw-j", text="hi")], today=d(8))
    assert a.practised == 1  # an entry without a practice table counts as practice
    assert (a.expected, a.rate) == (None, None)
    assert all(w.expected is None for w in a.weeks)
    assert a.words() == "practised 1 time"


def test_a_period_starting_after_today_expects_nothing():
    a = adherence(LACING, d(10), [practice(10)], today=d(8))
    assert (a.practised, a.expected, a.rate, a.weeks) == (0, None, None, ())


# -- combine -----------------------------------------------------------------------------


def test_combine_adds_the_parts_of_one_homework():
    first = adherence(LACING, d(2), [practice(3), practice(4)], today=d(22), until=d(8))
    b = Assignment("hw-b", "Lacing card", "practice", 4)
    second = adherence(
        b, d(9), [practice(10, "hw-b"), practice(11, "hw-b", "not-this-time")], today=d(22)
    )
    row = combine([second, first])  # order does not matter
    assert row.id == "hw-b"  # the latest setting names the row
    assert row.per_week == 4
    assert (row.since, row.until) == (d(2), d(22))
    assert row.practised == 3
    assert row.not_this_time == 1
    assert row.expected == pytest.approx(3.0 + 4 * 13 / 7)  # Mar 9-21: today is not over
    assert row.rate == pytest.approx(3 / (3.0 + 4 * 13 / 7))
    assert combine([first]) is first


def test_summary_combines_homework_re_set_session_after_session():
    sessions = [
        session("s1", at(5, 14), Assignment("hw-a", "Lacing card", "practice", 5)),
        session("s2", at(12, 14), Assignment("hw-b", "lacing   Card", "practice", 5)),
    ]
    entries = [
        practice(6, "hw-a"),
        practice(7, "hw-a"),
        practice(9, "hw-a"),
        practice(13, "hw-b"),
        practice(16, "hw-b"),
        practice(17, "hw-b", "not-this-time"),
    ]
    s = summarise(make_client(), sessions, entries, today=d(18))
    assert len(s.adherence) == 1
    row = s.adherence[0]
    assert row.id == "hw-b"
    assert (row.since, row.until) == (d(5), d(18))
    assert row.practised == 5
    assert row.not_this_time == 1
    # hw-a ran Mar 5-11 (7 days, 5 expected), hw-b Mar 12-17 passed (6 days, 30/7)
    assert row.expected == pytest.approx(5 + 30 / 7)
    assert row.rate == pytest.approx(5 / (5 + 30 / 7))


def test_the_combined_row_has_one_week_count_per_week():
    """A combined row is one homework: its weekly breakdown must not list a week twice
    (the week the homework was re-set belongs to both parts)."""
    sessions = [
        session("s1", at(5, 14), Assignment("hw-a", "Lacing card", "practice", 7)),
        session("s2", at(12, 14), Assignment("hw-b", "Lacing card", "practice", 7)),
    ]
    entries = [practice(10, "hw-a"), practice(13, "hw-b"), practice(14, "hw-b")]
    row = summarise(make_client(), sessions, entries, today=d(18)).adherence[0]
    starts = [w.start for w in row.weeks]
    assert starts == sorted(set(starts)), f"week starts repeated: {starts}"
    week2 = next(w for w in row.weeks if w.start == d(9))
    assert (week2.days, week2.logged) == (7, 3)
    assert week2.expected == pytest.approx(7.0)


def test_different_homework_stays_in_separate_rows_and_a_new_plan_ends_the_old():
    sessions = [
        session("s1", at(5, 14), Assignment("hw-a", "Lacing card", "practice", 5)),
        session("s2", at(9, 14)),  # no homework set: the plan carries on
        session("s3", at(12, 14), Assignment("hw-c", "Heavy work before school", "practice", 3)),
    ]
    entries = [practice(6, "hw-a"), practice(13, "hw-a"), practice(13, "hw-c")]
    s = summarise(make_client(), sessions, entries, today=d(18))
    rows = {r.id: r for r in s.adherence}
    assert set(rows) == {"hw-a", "hw-c"}
    assert (rows["hw-a"].since, rows["hw-a"].until) == (d(5), d(11))
    assert rows["hw-a"].practised == 1  # logged on the 13th, after the plan moved on
    assert rows["hw-a"].expected == pytest.approx(5.0)
    assert (rows["hw-c"].since, rows["hw-c"].until) == (d(12), d(18))
    assert rows["hw-c"].expected == pytest.approx(3 * 6 / 7)  # Mar 12-17 passed


def test_practice_on_the_morning_a_new_plan_is_set_counts_for_the_plan_it_replaces():
    """A session at 14:00 on the 12th sets new homework: practice of the old one logged
    that morning is the old plan's (counted in its last week, that day not planned);
    logged after the session, it is after the plan moved on, as the day after is."""
    sessions = [
        session("s1", at(5, 14), Assignment("hw-a", "Lacing card", "practice", 5)),
        session("s3", at(12, 14), Assignment("hw-c", "Heavy work before school", "practice", 3)),
    ]
    entries = [
        practice(6, "hw-a"),
        practice(12, "hw-a", hour=9),  # before the session
        practice(12, "hw-a", hour=16),  # after it
        practice(12, "hw-a", done="not-this-time", hour=8),
        practice(13, "hw-c"),
    ]
    s = summarise(make_client(), sessions, entries, today=d(18))
    rows = {r.id: r for r in s.adherence}
    a, c = rows["hw-a"], rows["hw-c"]
    assert (a.since, a.until, a.practised, a.not_this_time) == (d(5), d(11), 2, 1)
    assert a.expected == pytest.approx(5.0)  # the 12th is not planned for hw-a
    assert sum(w.logged for w in a.weeks) == a.practised
    assert [(w.start, w.logged) for w in a.weeks] == [(d(2), 1), (d(9), 1)]
    assert (c.practised, c.since) == (1, d(12))
    # A period ending before the new plan: the old one is cut by the period, not replaced.
    early = summarise(make_client(), sessions, entries, today=d(18), until=d(11))
    assert {r.id: r.practised for r in early.adherence} == {"hw-a": 1}


def test_a_second_session_the_same_day_replaces_the_homework_the_first_set():
    """Sessions at 10:00 and 14:00 on the 9th each set homework: the 10:00 one ran only
    until 14:00 (no day planned; the practice logged in between is its own), as the
    one set on the 2nd ran until 10:00 on the 9th."""
    sessions = [
        session("s1", at(2, 14), Assignment("hw-a", "Lacing card", "practice", 5)),
        session("s2", at(9, 10), Assignment("hw-b", "Heavy work", "practice", 3)),
        session("s3", at(9, 14), Assignment("hw-c", "Belly breathing", "practice", 2)),
    ]
    entries = [
        practice(9, "hw-a", hour=9),
        practice(9, "hw-b", hour=12),
        practice(9, "hw-b", hour=16),  # after the 14:00 plan: not the 10:00 one's
        practice(10, "hw-c"),
    ]
    s = summarise(make_client(), sessions, entries, today=d(16), since=d(1), until=d(16))
    rows = {r.id: r for r in s.adherence}
    a, b, c = rows["hw-a"], rows["hw-b"], rows["hw-c"]
    assert (a.since, a.until, a.days, a.practised) == (d(2), d(8), 7, 1)
    assert (b.since, b.until, b.days, b.expected, b.practised) == (d(9), d(9), 0, None, 1)
    assert "planned" not in b.words() and b.words() == "practised 1 time"
    assert [(w.start, w.days, w.logged) for w in b.weeks] == [(d(9), 0, 1)]
    assert (c.since, c.days, c.practised) == (d(9), 7, 1)
    assert c.expected == pytest.approx(2.0)
    # A period that starts on the day a new plan is set: the old one's practice that
    # morning is still counted, in a row of its own with no day planned.
    later = summarise(make_client(), sessions, entries, today=d(16), since=d(9), until=d(16))
    rows = {r.id: (r.since, r.until, r.days, r.practised) for r in later.adherence}
    assert rows == {
        "hw-a": (d(9), d(9), 0, 1),
        "hw-b": (d(9), d(9), 0, 1),
        "hw-c": (d(9), d(16), 7, 1),
    }


# -- current_assignments -----------------------------------------------------------------


def _plan_data():
    sessions = [
        session("s-0305", at(5, 14), Assignment("hw-a", "Lacing card", "practice", 5)),
        session(
            "s-0312",
            at(12, 14),
            Assignment("hw-b", "Lacing card", "practice", 5),
            Assignment("hw-c", "Belly breathing", "relaxation", 3),
        ),
        session("s-0313", at(13, 14)),  # no homework: does not replace the plan
        session("s-0326", at(26, 14), Assignment("hw-z", "Not yet", "practice", 1)),
    ]
    client = make_client(
        assignments=(
            Assignment("hw-h1", "Mood check each night", "mood-check", 7, since=d(1)),
            Assignment("hw-h2", "Ended", "practice", 2, since=d(1), until=d(10)),
            Assignment("hw-h3", "Starts later", "practice", 2, since=d(20)),
            Assignment("hw-h4", "No start day", "journal", None),
            Assignment("hw-h5", "Ends today", "practice", 1, since=d(1), until=d(18)),
        )
    )
    return client, sessions


def test_current_is_the_latest_sessions_homework_plus_hand_added_in_force():
    client, sessions = _plan_data()
    current = current_assignments(client, sessions, [], today=d(18))
    assert [(c.assignment.id, c.since, c.source) for c in current] == [
        ("hw-b", d(5), "s-0312"),  # set again: since hw-a, the same homework
        ("hw-c", d(12), "s-0312"),
        ("hw-h1", d(1), "added by hand"),
        ("hw-h4", d(18), "added by hand"),
        ("hw-h5", d(1), "added by hand"),
    ]
    assert all(c.logged_this_week == 0 for c in current)


def test_current_with_no_sessions_and_nothing_added_is_empty():
    assert current_assignments(make_client(), [], [], today=d(18)) == []


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (d(16), 1),  # Monday: Sunday the 15th belongs to last week
        (d(18), 4),  # Wednesday
        (d(22), 5),  # Sunday: the whole week
    ],
)
def test_logged_this_week_counts_monday_to_today(today, expected):
    client, sessions = _plan_data()
    entries = [
        practice(15, "hw-b"),  # last week's Sunday
        practice(16, "hw-b", hour=7),
        practice(17, "hw-b", "partly"),
        practice(18, "hw-b"),
        practice(21, "hw-b"),
        practice(17, "hw-a"),  # the old plan's id: the same homework, set again (counted)
        practice(17, "hw-h2"),  # another homework's (ended): never this one's
    ]
    current = {c.assignment.id: c for c in current_assignments(client, sessions, entries, today)}
    assert current["hw-b"].logged_this_week == expected
    assert current["hw-c"].logged_this_week == 0
    assert "hw-a" not in current


# -- mood, relaxation, thought records -----------------------------------------------------


@pytest.mark.parametrize(
    ("values", "direction", "earlier", "recent"),
    [
        ([3, 4, 6, 7], "higher", 3.5, 6.5),
        ([7, 6, 4, 3], "lower", 6.5, 3.5),
        ([5, 6, 6, 5], "steady", 5.5, 5.5),
        ([4, 6, 5, 5, 6], "steady", 5.0, 5.33),  # odd count: the recent half is larger
        ([5, 5, 6, 5], "higher", 5.0, 5.5),  # half a point is a change
        ([2, 9], "higher", 2.0, 9.0),
    ],
)
def test_mood_trend_direction(values, direction, earlier, recent):
    entries = [mood(at(2 + i), v) for i, v in enumerate(values)]
    entries.reverse()  # input order does not matter
    trend = mood_trend([*entries, practice(3)])
    assert trend.direction == direction
    assert trend.earlier == pytest.approx(earlier)
    assert trend.recent == pytest.approx(recent)
    assert trend.points == tuple((d(2 + i), v) for i, v in enumerate(values))


def test_mood_trend_needs_two_checks():
    assert mood_trend([]).direction == ""
    one = mood_trend([mood(at(3), 6)])
    assert (one.points, one.earlier, one.recent, one.direction) == (((d(3), 6),), None, None, "")


def test_mood_trend_orders_checks_on_the_same_day_by_time():
    """A 9 in the morning then a 1 in the evening is a mood going down, not up."""
    trend = mood_trend([mood(at(5, 20), 1), mood(at(5, 8), 9)])
    assert (trend.earlier, trend.recent) == (9, 1)
    assert trend.direction == "lower"


def test_relaxation_change_means_over_entries_with_both_ratings():
    entries = [
        relax(2, 8, 3),
        relax(3, 6, 2),
        relax(4, 5, None),  # no after: left out
        relax(5, None, None),
        mood(at(5), 4),
    ]
    c = relaxation_change(entries)
    assert (c.count, c.before, c.after, c.change) == (2, 7.0, 2.5, -4.5)
    assert relaxation_change([mood(at(5), 4)]) == type(c)(0, None, None, None)


def test_thought_record_change_counts_each_re_rated_emotion_once():
    entries = [
        thought_record(2, ("anxious", 80, 40), ("sad", 50, 30)),
        thought_record(3, ("angry", 60, None), ("scared", 90, 45)),
        relax(4, 8, 3),
    ]
    c = thought_record_change(entries)
    assert c.count == 3
    assert c.before == pytest.approx(73.33)
    assert c.after == pytest.approx(38.33)
    assert c.change == pytest.approx(-35.0)
    assert thought_record_change([thought_record(2, ("angry", 60, None))]).count == 0


# -- summarise -------------------------------------------------------------------------------


def test_summarise_brings_it_together_and_since_filters():
    client = make_client(
        assignments=(Assignment("hw-r", "Belly breathing", "relaxation", 7, since=d(2)),)
    )
    sessions = [session("s1", at(2, 9), LACING)]
    entries = [
        practice(3),
        practice(4, done="not-this-time"),
        practice(10),
        practice(17),
        mood(at(3), 3),
        mood(at(10), 5),
        mood(at(16), 7),
        mood(at(17), 8),
        entry(at(10), "relaxation", "hw-r", relaxation=Relaxation("belly", 5, 8, 4)),
        entry(at(16), "relaxation", "hw-r", relaxation=Relaxation("belly", 5, 6, 2)),
        thought_record(11, ("anxious", 80, 40)),
    ]
    s = summarise(client, sessions, entries, today=d(18))
    assert s.client == "mia-k"
    assert s.today == d(18)
    assert s.entries == len(entries)
    assert [c.assignment.id for c in s.current] == ["hw-a", "hw-r"]
    rows = {r.id: r for r in s.adherence}
    assert rows["hw-a"].practised == 3
    assert rows["hw-a"].not_this_time == 1
    assert rows["hw-a"].expected == pytest.approx(3 * 16 / 7)  # Mar 2-17: today is not over
    assert rows["hw-r"].practised == 2
    assert rows["hw-r"].expected == pytest.approx(16.0)
    assert s.mood.direction == "higher"
    assert (s.relaxation.count, s.relaxation.before, s.relaxation.after) == (2, 7.0, 3.0)
    assert (s.thought_records.count, s.thought_records.change) == (1, -40.0)
    assert [e.at for e in s.recent] == sorted(e.at for e in entries)[-5:]
    json.dumps(to_json_value(s.to_json()))  # JSON-ready

    since = summarise(client, sessions, entries, today=d(18), since=d(9))
    assert since.entries == 8
    rows = {r.id: r for r in since.adherence}
    assert rows["hw-a"].since == d(9)
    assert rows["hw-a"].practised == 2
    assert rows["hw-a"].not_this_time == 0
    assert rows["hw-a"].expected == pytest.approx(3 * 9 / 7)
    assert [p[1] for p in since.mood.points] == [5, 7, 8]
    assert since.relaxation.count == 2
    assert since.current == s.current  # what is assigned now does not depend on --since


def test_summary_of_hand_added_homework_without_a_start_day_starts_somewhere_sensible():
    """client.toml is edited by hand; an assignment without ``since`` is 'in force' for
    ``homework list`` from today. The summary must not count it from the year 1."""
    client = make_client(assignments=(Assignment("hw-h", "Walk", "practice", 3),))
    entries = [practice(16, "hw-h"), practice(17, "hw-h")]
    s = summarise(client, [], entries, today=d(18))
    row = s.adherence[0]
    earliest = min([d(18), *(e.at.date() for e in entries)])
    assert row.since >= earliest, f"counted from {row.since}"
    assert row.expected is not None and row.expected < 10
    assert len(row.weeks) <= 2


def test_the_same_homework_set_at_a_session_and_by_hand_counts_each_day_once():
    """Added by hand on Mon 2 March and set again, in the same words, at the session on
    Mon 9 March: from the 9th the session's holds (as a plan set again replaces the one
    before). Practice every day of the week of the 9th, linked to either, is 7 days of
    practice over 7 days at 3 a week, never "14 days" at 6 planned."""
    words = "Messy play at bath time"
    client = make_client(assignments=(Assignment("hw-h", words, "practice", 3, since=d(2)),))
    session = make_session(
        start=datetime(2026, 3, 9, 10, 0, tzinfo=TZ),
        plan=Plan("", "", (Assignment("hw-s", words, "practice", 3),)),
    )
    entries = [practice(day, "hw-h" if day % 2 else "hw-s") for day in range(9, 16)]
    entries.append(practice(4, "hw-h"))  # before the session: the hand-added one's
    summary = summarise(client, [session], entries, today=d(16))
    [row] = summary.adherence
    assert (row.since, row.until, row.days) == (d(2), d(16), 14)  # today is not over
    weeks = [(w.start, w.days, w.logged, w.expected) for w in row.weeks]
    assert weeks == [(d(2), 7, 1, 3), (d(9), 7, 7, 3), (d(16), 0, 0, 0)]  # the 16th: today
    assert row.practised == 8 and row.expected == pytest.approx(6)


def test_homework_words_corrected_by_an_amendment_are_its_words_in_every_count():
    """Set at the session of Mon 9 March as "Lacing practise", corrected to the words of
    the homework added by hand on the 2nd: one homework, read so by the summary, the
    list and trends alike (the summary and the list used to read the words as first
    written: two rows, about 13 planned where trends said 6)."""
    from otjournal.model import Amendment
    from otjournal.numbers.homework import planned_practice

    client = make_client(
        assignments=(Assignment("hw-h", "Lacing practice", "practice", 3, since=d(2)),)
    )
    session = make_session(
        id="2026-03-09_1000_lace1",
        start=datetime(2026, 3, 9, 10, 0, tzinfo=TZ),
        plan=Plan("", "", (Assignment("hw-s", "Lacing practise", "practice", 3),)),
    )
    fix = Amendment(
        datetime(2026, 3, 10, 9, 0, tzinfo=TZ),
        "Alex",
        "correction",
        "practice",
        "practise",
        extra={"field": "plan.homework[hw-s].text"},
    )
    session = replace(session, amendments=(fix,))
    entries = [practice(3, "hw-h"), practice(10, "hw-s"), practice(12, "hw-s")]
    summary = summarise(client, [session], entries, today=d(16))
    [row] = summary.adherence
    assert (row.text, row.practised, row.days) == ("Lacing practice", 3, 14)
    assert row.expected == pytest.approx(6)
    assert planned_practice(client, [session], entries, d(16)) == summary.adherence
    shown = current_assignments(client, [session], entries, today=d(16))
    assert [c.assignment.text for c in shown] == ["Lacing practice", "Lacing practice"]


def test_entries_of_one_minute_are_in_the_order_they_were_written():
    """Mood 2 then 1 in one minute: the random ids sort the other way, but the last
    written is the most recent and the mood went down (it read "2.0, higher")."""
    when = at(10)
    first = replace(mood(when, 2), id=f"{when:%Y-%m-%d_%H%M}_zzzzz")
    second = replace(
        mood(when, 1),
        id=f"{when:%Y-%m-%d_%H%M}_aaaaa",
        written_at=first.written_at + timedelta(seconds=1),
    )
    result = summarise(make_client(), [], [second, first], d(12))
    assert [e.mood.mood for e in result.recent] == [2, 1]
    moods = [k for k in result.kinds if k.kind == "mood-check"]
    assert moods and "mood 2, 1" in moods[0].words, moods
