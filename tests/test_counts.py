"""Period and counts that are true (issue 15): homework planned only over the days that
have passed, a period cut at today, sessions that did not take place counted apart,
direct and non-face-to-face hours apart. Every expected value is worked by hand.

Calendar: 2026-11-30 is a Monday ("today" here); 2026-11-09 is three weeks before it.
"""

from __future__ import annotations

import csv
import io
import json
import tomllib
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from otjournal.cli import app
from otjournal.disk.store import Journal
from otjournal.errors import UsageError
from otjournal.model import Assignment, HomeworkEntry, Plan, Practice
from otjournal.model.client import PlanPeriod
from otjournal.model.episode import Discharge, Intake
from otjournal.numbers.homework import planned_practice, summarise
from otjournal.numbers.session import face_to_face, held, quarter_hours, supports
from otjournal.numbers.trends import build, span, within_today
from tests.conftest import TZ, make_client, make_session

TODAY = date(2026, 11, 30)
NOW = datetime(2026, 11, 30, 17, 0, tzinfo=TZ)
PLAN_END = date(2027, 5, 31)


def day(n: int, month: int = 11) -> date:
    return date(2026, month, n)


def at(n: int, month: int = 11, hour: int = 10) -> datetime:
    return datetime(2026, month, n, hour, 0, tzinfo=TZ)


def practice(n: int, hw: str, done: str = "yes", month: int = 11) -> HomeworkEntry:
    when = at(n, month, 18)
    return HomeworkEntry(
        id=f"{when:%Y-%m-%d_%H%M}_{hw[-4:]}{n:02d}{month:02d}",
        client="mia-k",
        entry_kind="practice",
        at=when,
        written_by="Sarah (mum)",
        written_at=when,
        assignment=hw,
        practice=Practice(done),
    )


def setting(sid: str, when: datetime, *homework: Assignment, **kw):
    return make_session(id=sid, start=when, plan=Plan("Played.", "", homework), **kw)


LACING = Assignment("hw-lace", "Lacing card", "practice", 5)
HEAVY = Assignment("hw-heavy", "Heavy work before school", "practice", 3)


# -- homework planned over the days that have passed ------------------------------------


def test_homework_set_today_plans_nothing_yet():
    rows = planned_practice(make_client(), [setting("s1", at(30), LACING)], [], TODAY)
    [row] = rows
    assert (row.days, row.expected, row.rate) == (0, 0.0, None)
    assert row.words() == "practised 0 times; none planned yet (set today)"


def test_homework_set_three_weeks_ago_at_five_a_week_plans_fifteen():
    entries = [practice(n, "hw-lace") for n in (10, 12, 17, 24)] + [practice(30, "hw-lace")]
    [row] = planned_practice(make_client(), [setting("s1", at(9), LACING)], entries, TODAY)
    assert row.days == 21  # Nov 9 to 29: today is not over yet
    assert row.expected == pytest.approx(15.0)
    assert row.practised == 5  # today's practice counts
    assert row.words() == "practised 5 times of about 15 planned"
    assert [(w.start, w.days) for w in row.weeks] == [
        (day(9), 7),
        (day(16), 7),
        (day(23), 7),
        (day(30), 0),
    ]


def test_a_period_reaching_into_the_future_is_cut_at_today():
    sessions = [setting("s1", at(9), LACING)]
    future = planned_practice(make_client(), sessions, [], TODAY, day(1), PLAN_END)
    plain = planned_practice(make_client(), sessions, [], TODAY, day(1))
    assert future == plain
    assert future[0].until == TODAY
    assert future[0].expected == pytest.approx(15.0)


def test_a_past_period_end_counts_its_last_day():
    # To Sunday Nov 22: Nov 9-22 has passed, 14 days at 5 a week.
    [row] = planned_practice(
        make_client(), [setting("s1", at(9), LACING)], [], TODAY, None, day(22)
    )
    assert (row.since, row.until, row.days) == (day(9), day(22), 14)
    assert row.expected == pytest.approx(10.0)


def test_the_next_plan_and_the_assignments_own_until_end_it():
    sessions = [
        setting("s1", at(2), LACING),
        setting("s2", at(16), HEAVY),  # replaces the lacing card from Nov 16
    ]
    by_hand = Assignment("hw-walk", "Walk to the park", "practice", 7, since=day(20), until=day(26))
    rows = {
        r.id: r for r in planned_practice(make_client(assignments=(by_hand,)), sessions, [], TODAY)
    }
    assert (rows["hw-lace"].until, rows["hw-lace"].days) == (day(15), 14)
    assert rows["hw-lace"].expected == pytest.approx(10.0)
    assert (rows["hw-heavy"].since, rows["hw-heavy"].days) == (day(16), 14)
    assert rows["hw-heavy"].expected == pytest.approx(6.0)
    assert (rows["hw-walk"].until, rows["hw-walk"].days) == (day(26), 7)
    assert rows["hw-walk"].expected == pytest.approx(7.0)


def test_practice_counts_in_the_setting_in_force_on_its_day_whichever_id_it_names():
    """The lacing card set on Nov 2 and set again on Nov 16 (a new id): one homework, one
    row. An entry of Nov 5 logged late names the new id, one of Nov 20 the old id: each
    counts once, in the period in force on its day. Planned: Nov 2-15 and 16-29, 14 days
    each at 5 a week, 10 + 10 = 20; practised 2."""
    again = Assignment("hw-lace2", "Lacing card", "practice", 5)
    sessions = [setting("s1", at(2), LACING), setting("s2", at(16), again)]
    entries = [practice(5, "hw-lace2"), practice(20, "hw-lace")]
    [row] = planned_practice(make_client(), sessions, entries, TODAY)
    assert (row.since, row.days, row.practised) == (day(2), 28, 2)
    assert row.expected == pytest.approx(20.0)
    assert [(w.start, w.logged) for w in row.weeks if w.logged] == [(day(2), 1), (day(16), 1)]
    # A period that ends before the homework was set again: the entry naming the later
    # id still counts in it (that id is the same homework).
    [first] = planned_practice(make_client(), sessions, entries, TODAY, None, day(15))
    assert (first.until, first.practised) == (day(15), 1)
    # So with the period's notes only (as trends and the export are given them), when
    # every note says what the later id is.
    [alone] = planned_practice(make_client(), sessions[:1], entries, TODAY, None, day(15),
                               sessions)  # fmt: skip
    assert alone == first


def test_a_discharge_ends_the_homework_set_before_it():
    """Discharged on Sunday Nov 15: the lacing card (set Nov 2) ran Nov 2-15, 14 days at
    5 a week, 10; the walk added by hand from Nov 9 ran 7 days at 7 a week, 7. A new
    intake on Nov 23 sets the heavy work, counted from then: Nov 23-29, 7 days, 3. The
    old homework is not planned over the gap between the episodes, and nothing is
    assigned now that the client is discharged, until the next episode sets it."""
    walk = Assignment("hw-walk", "Walk to the park", "practice", 7, since=day(9))
    client = make_client(assignments=(walk,))
    closed = make_session(
        id="s-out", start=at(15), session_type="discharge", goals=(), plan=Plan(),
        discharge=Discharge("goals-met"),
    )  # fmt: skip
    sessions = [setting("s1", at(2), LACING), closed]
    rows = {r.id: r for r in planned_practice(client, sessions, [], TODAY)}
    assert (rows["hw-lace"].until, rows["hw-lace"].days) == (day(15), 14)
    assert rows["hw-lace"].expected == pytest.approx(10.0)
    assert (rows["hw-walk"].until, rows["hw-walk"].days) == (day(15), 7)
    assert rows["hw-walk"].expected == pytest.approx(7.0)
    assert summarise(client, sessions, [], TODAY).current == ()
    again = make_session(
        id="s-in", start=at(23), session_type="initial", intake=Intake(),
        plan=Plan("Played.", "", (HEAVY,)),
    )  # fmt: skip
    rows = {r.id: r for r in planned_practice(client, [*sessions, again], [], TODAY)}
    assert rows["hw-lace"].expected == pytest.approx(10.0)
    assert (rows["hw-heavy"].since, rows["hw-heavy"].days) == (day(23), 7)
    assert rows["hw-heavy"].expected == pytest.approx(3.0)
    current = summarise(client, [*sessions, again], [], TODAY).current
    assert [c.assignment.id for c in current] == ["hw-heavy"]


def test_summary_and_trends_give_the_same_planned_numbers():
    client = make_client(plan_period=PlanPeriod(day(1, 6), PLAN_END))
    sessions = [setting("s1", at(9), LACING), setting("s2", at(30, hour=9), HEAVY)]
    entries = [practice(n, "hw-lace") for n in (10, 11, 20)]
    s = summarise(client, sessions, entries, TODAY, day(1, 6))
    t = build(client, sessions, entries, day(1, 6), PLAN_END, [], today=TODAY)
    assert t.until == TODAY and t.asked_until == PLAN_END
    assert t.homework is not None
    assert t.homework.adherence == s.adherence
    rows = {r.id: r for r in s.adherence}
    # The lacing card ran Nov 9-29 (replaced today): 15; the heavy work was set today: 0.
    assert rows["hw-lace"].expected == pytest.approx(15.0)
    assert rows["hw-heavy"].expected == 0.0


# -- the period ------------------------------------------------------------------------------


def test_span_cuts_a_period_at_today_and_says_so():
    s = span("2026-06-01", "2027-05-31", TODAY)
    assert (s.start, s.end, s.asked_end, s.cut) == (day(1, 6), TODAY, PLAN_END, True)
    assert s.note() == "cut at today (2026-11-30): the period asked for runs to 2027-05-31"
    plain = span("2026-06-01", None, TODAY)
    assert (plain.end, plain.cut, plain.note()) == (TODAY, False, "")
    assert within_today(day(1, 6), PLAN_END, TODAY) == s
    with pytest.raises(UsageError, match="after today"):
        span("2026-12-05", "2027-01-01", TODAY)


# -- supports ------------------------------------------------------------------------------


def test_supports_count_sessions_that_did_not_happen_and_hours_apart():
    sessions = [
        make_session(id="a", start=at(2), duration_min=50, attendees=("child", "parent")),
        make_session(id="b", start=at(9), duration_min=45, attendees=("child",), setting="home"),
        make_session(
            id="c", start=at(10), duration_min=30, session_type="non-client", attendees=()
        ),
        # No one attended: non-face-to-face (a phone call written up).
        make_session(
            id="d", start=at(11), duration_min=20, session_type="caregiver-only", attendees=()
        ),
        make_session(id="e", start=at(16), duration_min=0, session_type="cancelled", attendees=()),
        make_session(
            id="f", start=at(23), duration_min=50, session_type="did-not-attend", attendees=()
        ),
    ]
    s = supports(sessions)
    assert (s.attended, s.cancelled, s.did_not_attend, s.non_face_to_face) == (2, 1, 1, 2)
    assert (s.direct_minutes, s.non_face_to_face_minutes, s.minutes) == (95, 50, 145)
    assert s.direct_hours == pytest.approx(95 / 60)
    assert s.non_face_to_face_hours == pytest.approx(50 / 60)
    assert s.sessions == 4  # supports provided: never the two that did not take place
    # The attended sessions only (a and b), as the report's Setting table: they add up to
    # ``attended`` and the direct minutes; the two written up without anyone are not there.
    assert s.by_setting == {"clinic": (1, 50), "home": (1, 45)}
    assert sum(n for n, _ in s.by_setting.values()) == s.attended
    assert sum(m for _, m in s.by_setting.values()) == s.direct_minutes
    assert s.by_role == {"child": (2, 95), "parent": (1, 50)}
    assert s.by_type == {
        "therapy": 2,
        "non-client": 1,
        "caregiver-only": 1,
        "cancelled": 1,
        "did-not-attend": 1,
    }
    assert (s.first, s.last) == (day(2), day(11))
    assert [held(x) for x in sessions] == [True, True, True, True, False, False]
    assert [face_to_face(x) for x in sessions] == [True, True, False, False, False, False]


@pytest.mark.parametrize(
    ("minutes", "hours"),
    [
        (0, 0.0),
        (7, 0.0),
        (8, 0.25),
        (45, 0.75),
        (50, 0.75),
        (52, 0.75),
        (53, 1.0),
        (95, 1.5),
        (135, 2.25),
        (145, 2.5),
    ],
)
def test_quarter_hours(minutes, hours):
    assert quarter_hours(minutes) == hours


# -- the commands agree ------------------------------------------------------------------


@pytest.fixture
def journal30(notes: Path, clock) -> Journal:
    """Mia on 2026-11-30, a plan to 2027-05-31: lacing set three weeks ago at 5 a week
    (6 practised, 1 not this time), heavy work set today at 3 a week; a cancelled and a
    did-not-attend session, report writing."""
    clock.set(NOW)
    j = Journal(notes)
    j.add_client(make_client(plan_period=PlanPeriod(day(1, 6), PLAN_END)))
    j.add_session(setting("", at(9), LACING, duration_min=50))
    j.add_session(setting("", at(16), duration_min=45))  # no homework: the plan carries on
    j.add_session(
        setting(
            "", at(18), duration_min=30, session_type="non-client", attendees=(), setting="other"
        )
    )
    j.add_session(setting("", at(23), duration_min=0, session_type="cancelled", attendees=()))
    j.add_session(setting("", at(25), duration_min=0, session_type="did-not-attend", attendees=()))
    j.add_session(setting("", at(30, hour=9), HEAVY, duration_min=50))
    for n in (10, 12, 14, 17, 20, 24):
        j.add_homework(practice(n, "hw-lace"))
    j.add_homework(practice(26, "hw-lace", "not-this-time"))
    return j


def _csv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_trends_summary_export_and_report_agree(runner, journal30):
    trends = json.loads(
        runner.invoke(
            app, ["trends", "mia-k", "--since", "2026-06-01", "--until", "2027-05-31", "--json"]
        ).stdout
    )
    assert (trends["since"], trends["until"], trends["asked_until"]) == (
        "2026-06-01",
        "2026-11-30",
        "2027-05-31",
    )
    summary = json.loads(
        runner.invoke(
            app, ["homework", "summary", "mia-k", "--since", "2026-06-01", "--json"]
        ).stdout
    )
    export = _csv(
        runner.invoke(app, ["export", "--table", "homework-plan", "--since", "2026-06-01"]).stdout
    )
    planned = {
        "hw-lace": (15.0, 6, 1, 21),  # Nov 9-29 at 5 a week (replaced today)
        "hw-heavy": (0.0, 0, 0, 0),  # set today
    }
    assert len(export) == 2
    for rows, key in ((trends["homework"]["adherence"], "id"), (summary["adherence"], "id")):
        got = {r[key]: (r["expected"], r["practised"], r["not_this_time"], r["days"]) for r in rows}
        assert got == planned
    got = {
        r["homework"]: (
            float(r["planned"]),
            int(r["practised"]),
            int(r["not_this_time"]),
            int(r["days"]),
        )
        for r in export
    }
    assert got == planned
    text = runner.invoke(app, ["homework", "summary", "mia-k", "--since", "2026-06-01"]).stdout
    assert "practised 6 times of about 15 planned; 1 × not this time" in text
    assert "practised 0 times; none planned yet (set today)" in text
    trends_text = runner.invoke(
        app, ["trends", "mia-k", "--since", "2026-06-01", "--until", "2027-05-31"]
    ).stdout
    assert "Lacing card: practised 6 times of about 15 planned" in trends_text
    assert "Cut at today: the period asked for runs to 2027-05-31." in trends_text
    # The report's own period is the plan's; its numbers are cut at today all the same.
    report = runner.invoke(app, ["report", "mia-k"]).stdout
    assert "practised 6 times of about 15 planned" in report
    assert "260" not in report and "about 7" not in report


def test_trends_and_export_count_the_same_supports(runner, journal30):
    trends = json.loads(
        runner.invoke(app, ["trends", "mia-k", "--since", "2026-06-01", "--json"]).stdout
    )["supports"]
    [export] = _csv(
        runner.invoke(app, ["export", "--table", "supports", "--since", "2026-06-01"]).stdout
    )
    # Direct: 50 + 45 + 50 (Nov 9, 16, 30); non-face-to-face: 30 (report writing).
    want = {
        "attended": 3,
        "direct_minutes": 145,
        "non_face_to_face": 1,
        "non_face_to_face_minutes": 30,
        "cancelled": 1,
        "did_not_attend": 1,
    }
    assert {k: trends[k] for k in want} == want
    assert {k: int(export[k]) for k in want} == want
    assert (export["since"], export["until"]) == ("2026-06-01", "2026-11-30")
    text = runner.invoke(app, ["trends", "mia-k", "--since", "2026-06-01"]).stdout
    assert "3 sessions attended, 2.5 h direct" in text  # 145 min to the quarter hour
    assert (
        "3 attended, 2.5 h direct · 1 non-face-to-face, 0.5 h · 1 cancelled · 1 did not attend"
        in " ".join(text.split())
    )


# -- logging a session that did not take place ---------------------------------------------------


def _saved(notes: Path) -> list[dict]:
    files = sorted((notes / "clients" / "mia-k" / "sessions").glob("*.toml"))
    return [tomllib.loads(f.read_text(encoding="utf-8")) for f in files]


@pytest.fixture
def mia(notes: Path, clock) -> Path:
    clock.set(NOW)
    Journal(notes).add_client(make_client())
    return notes


def test_log_cancelled_in_a_few_keys(runner, mia):
    result = runner.invoke(
        app,
        [
            "log",
            "mia-k",
            "--cancelled",
            "--date",
            "2026-11-27",
            "--time",
            "10:00",
            "--reason",
            "Family unwell",
            "--by",
            "Alex",
        ],
    )
    assert result.exit_code == 0, result.output
    [note] = _saved(mia)
    assert note["session_type"] == "cancelled"
    assert note["duration_min"] == 0
    assert note["attendees"] == []
    assert note["plan"]["summary"] == "Family unwell"
    assert note["start"] == at(27)


def test_log_dna_and_type_cancelled_need_nothing_more(runner, mia):
    assert runner.invoke(app, ["log", "mia-k", "--dna", "--by", "Alex"]).exit_code == 0
    result = runner.invoke(
        app,
        [
            "log",
            "mia-k",
            "--type",
            "cancelled",
            "--by",
            "Alex",
            "--date",
            "2026-11-20",
            "--duration",
            "50",
        ],
    )
    assert result.exit_code == 0, result.output
    notes = _saved(mia)
    assert [(n["session_type"], n["duration_min"]) for n in notes] == [
        ("cancelled", 50),  # the booked length may be kept: never counted in hours
        ("did-not-attend", 0),
    ]


def test_only_sessions_that_did_not_take_place_may_last_zero_minutes(runner, mia):
    result = runner.invoke(
        app,
        [
            "log",
            "mia-k",
            "--duration",
            "0",
            "--attendee",
            "child",
            "--summary",
            "x",
            "--by",
            "Alex",
            "--no-input",
        ],
    )
    assert result.exit_code == 2
    assert "0 minutes cannot be a session's length" in result.output
    both = runner.invoke(app, ["log", "mia-k", "--cancelled", "--dna", "--by", "Alex"])
    assert both.exit_code == 2 and "one or the other" in both.output
    clash = runner.invoke(app, ["log", "mia-k", "--cancelled", "--type", "therapy"])
    assert clash.exit_code == 2 and "say different things" in clash.output
    assert _saved(mia) == []


def test_non_client_time_needs_no_attendee(runner, mia):
    result = runner.invoke(
        app,
        [
            "log",
            "mia-k",
            "--type",
            "non-client",
            "--duration",
            "30",
            "--setting",
            "other",
            "--summary",
            "Progress report written",
            "--by",
            "Alex",
            "--no-input",
        ],
    )
    assert result.exit_code == 0, result.output
    [note] = _saved(mia)
    assert (note["session_type"], note["attendees"]) == ("non-client", [])


def test_a_session_that_did_not_take_place_sets_no_homework():
    """A cancelled note carrying a plan (copied from the last one, say) replaces nothing."""
    sessions = [
        setting("s1", at(9), LACING),
        setting("s2", at(16), HEAVY, session_type="cancelled", attendees=(), duration_min=0),
    ]
    [row] = planned_practice(make_client(), sessions, [], TODAY)
    assert (row.id, row.days, row.expected) == ("hw-lace", 21, pytest.approx(15.0))


def test_nothing_planned_before_it_was_set():
    """Practice logged before the homework was set is not counted against it."""
    early = [practice(5, "hw-lace")]
    [row] = planned_practice(make_client(), [setting("s1", at(9), LACING)], early, TODAY)
    assert row.practised == 0
    assert row.since == TODAY - timedelta(days=21)
