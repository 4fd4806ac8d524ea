"""``otj trends``: the 80-column plain console view, the overview, and ``--json``."""

from __future__ import annotations

import json
import re
from datetime import date, datetime
from pathlib import Path
from random import Random

import pytest

from otjournal.cli import app
from otjournal.disk.store import Journal
from otjournal.model import (
    Activity,
    Assignment,
    ChecklistAnswer,
    Goal,
    GoalRating,
    Plan,
    Regulation,
)
from otjournal.model.vocab import CHECKLIST
from otjournal.numbers.outcomes import copm
from otjournal.numbers.session import (
    activities,
    checklist_rates,
    client_trends,
    goal_trends,
    lowest_item,
    regulation,
    supports,
    tscore_series,
)
from tests.conftest import TZ, make_client, make_session
from tests.helpers import Runner

DEMO_END = "2026-06-30"


class FixedSuffix(Random):
    """An rng for Journal.add_session that spells the given id suffix."""

    def __init__(self, suffix: str) -> None:
        super().__init__(0)
        self._letters = iter(suffix)

    def choice(self, seq):  # type: ignore[override]
        return next(self._letters)


def answers(**over: str) -> tuple[ChecklistAnswer, ...]:
    return tuple(ChecklistAnswer(k, over.get(k.replace("-", "_"), "yes"), t) for k, t in CHECKLIST)


SET_ON = date(2026, 2, 26)


def build_small_journal(root: Path) -> Journal:
    """One client, three sessions in March 2026, every number checkable by hand."""
    j = Journal(root)
    j.add_client(
        make_client(
            "jo-b",
            display_name="Jo Bloggs",
            goals=(
                Goal("g1", "Laces shoes before kinder", baseline=-1, baseline_on=SET_ON),
                Goal(
                    "g2",
                    "Uses calm-body plan at the bell",
                    weight=2,
                    baseline=-2,
                    baseline_on=SET_ON,
                ),
            ),
        )
    )
    s1 = make_session(
        "jo-b",
        datetime(2026, 3, 5, 14, 30, tzinfo=TZ),
        duration_min=45,
        setting="clinic",
        attendees=("child", "parent"),
        goals=(GoalRating("g1", -1, "Laced two holes"), GoalRating("g2", -2, "Covered ears")),
        activities=(
            Activity("Train obstacle course", 15, True, True, True, True, "shorter", "smiled"),
            Activity("Lacing card", 10, False, False, False, False, "", "tried"),
        ),
        regulation=Regulation("zones", "yellow", "green", ("heavy work",)),
        checklist=answers(caregiver="partly"),
        plan=Plan("s", "n", (Assignment("hw1", "Lacing card after breakfast", "practice", 5),)),
    )
    s2 = make_session(
        "jo-b",
        datetime(2026, 3, 12, 14, 30, tzinfo=TZ),
        duration_min=60,
        setting="home",
        attendees=("child", "parent"),
        goals=(GoalRating("g1", 0, "Laced with the card"), GoalRating("g2", -1, "Chose a tool")),
        activities=(Activity("Train obstacle course", 15, True, True, True, False, "", "ok"),),
        regulation=Regulation("zones", "red", "green", ("heavy work", "swing")),
        checklist=answers(agile="no", caregiver="n-a", feels_good="unsure"),
        plan=Plan("s", "n", ()),
    )
    s3 = make_session(
        "jo-b",
        datetime(2026, 3, 19, 9, 0, tzinfo=TZ),
        duration_min=30,
        setting="school",
        attendees=("child", "teacher"),
        goals=(GoalRating("g1", 1, "Laced alone"),),
        activities=(Activity("Lacing card", 10, True, False, False, False, "", "proud"),),
        regulation=Regulation("zones", "blue", "blue", ("Swing",)),
        checklist=answers(agile="no", caregiver="n-a", interests="partly"),
        plan=Plan("s", "n", ()),
    )
    # A session outside the period must not count.
    s4 = make_session("jo-b", datetime(2026, 4, 2, 9, 0, tzinfo=TZ), checklist=answers(agile="no"))
    for s, suffix in ((s1, "aaaaa"), (s2, "bbbbb"), (s3, "ccccc"), (s4, "ddddd")):
        j.add_session(s, rng=FixedSuffix(suffix))
    return j


@pytest.fixture
def small(notes: Path) -> Path:
    build_small_journal(notes)
    return notes


# Worked by hand from build_small_journal:
# - hours: 45 + 60 + 30 = 135 min = 2.25 h
# - g1: baseline -1; interim -1, 0, +1 → ▂▄▆, latest +1, change +1 - (-1) = +2
#   g2: baseline -2; interim -2, -1 → ▁▂, latest -1, change -1 - (-2) = +1
# - interim T-score 5 Mar: g1 -1 (w 1), g2 -2 (w 2): Σwx = -5, Σw² = 5, Σw = 3
#   T = 50 - 50/√(3.5 + 2.7) = 29.92; 12 Mar: Σwx = -2 → 50 - 20/2.48998 = 41.97;
#   19 Mar: g1 +1 alone → 50 + 10 = 60
# - interests yes, yes, partly = 2.5/3 = 83%; agile yes, no, no = 33%;
#   caregiver partly, n/a, n/a = 0.5/1 = 50%; feels-good yes, unsure, yes = 67%
# - regulation yellow→green, red→green, blue→blue; helped: heavy work 2, swing 2
# - activities: 4; child-led or interest 3 (75%), movement 2 (50%), adapted 1
# - homework hw1 5 a week from 5 Mar to 31 Mar: 27 days · 5/7 = 19.3 → about 19
EXPECTED_CLIENT_VIEW = "\n".join(
    [
        "Jo Bloggs (jo-b) · 2026-03-01 to 2026-03-31 · 3 sessions attended, 2.25 h direct",
        "",
        "Goals (GAS, -2 to +2; 0 = expected outcome)",
        "goal                                baseline  interim      rating  change",
        "g1 Laces shoes before kinder              -1  ▂▄▆      +1 interim      +2",
        "g2 Uses calm-body plan at the bell        -2  ▁▂       -1 interim      +1",
        "No review in this period: the ratings above are interim.",
        "Interim path, GAS T-score of each session's own rated goals (the sets differ):",
        "29.9 on 2026-03-05 → 60.0 on 2026-03-19 (3 sessions)",
        "",
        "Affirming checklist: each on its own, (yes + ½ partly) / (yes + partly + no)",
        "The child’s interests and preferences  █████████████████░░░   83%  n=3",
        "are included—because motivation",
        "drives learning",
        "There’s movement and play that         ████████████████████  100%  n=3",
        "supports their body and sensory",
        "system",
        "The therapist is attuned and           ████████████████████  100%  n=3",
        "connected, not just delivering",
        "The therapist prepares agile sessions  ███████░░░░░░░░░░░░░   33%  n=3",
        "that can change and shift to suit the",
        "child's needs",
        "The parent or caregiver feels seen,    ██████████░░░░░░░░░░   50%  n=1, 2 n/a",
        "included and supported",
        "Safety, curiosity and co-regulation    ████████████████████  100%  n=3",
        "are prioritised over performance",
        "The child leaves feeling good; not     ████████████████████  100%  n=2, 1 unsure",
        "just about the activity, but about",
        "themselves.",
        "For reflection: “The therapist prepares agile sessions that can…” (33%); “no” in",
        "2026-03-12_1430_bbbbb, 2026-03-19_0900_ccccc",
        "",
        "Regulation (Zones of Regulation; all states are OK)",
        "start → end  blue  green  yellow  red  at start",
        "blue            1      ·       ·    ·         1",
        "green           ·      ·       ·    ·         0",
        "yellow          ·      1       ·    ·         1",
        "red             ·      1       ·    ·         1",
        "at end          1      2       0    0",
        "What helped: heavy work (2), swing (2)",
        "",
        "Activities",
        "Most used: Train obstacle course (2), Lacing card (2)",
        "Child-led or interest-based 75% · movement/sensory 50% · adapted in-session 1 of",
        "4 (a good sign: plans that follow the child)",
        "",
        "Homework",
        "Lacing card after breakfast: practised 0 times of about 19 planned",
        "",
        "Sessions and hours",
        "3 attended, 2.25 h direct · 0 non-face-to-face, 0 h (hours to the quarter hour)",
        "By setting: clinic 1 (0.75 h) · home 1 (1 h) · school 1 (0.5 h)",
        "By who attended: child 3 · parent 2 · teacher 1",
        "",
    ]
)


def trends(runner: Runner, *args: str):
    return runner.invoke(app, ["trends", *args], env={"COLUMNS": "80", "NO_COLOR": "1"})


def long_lines(text: str, width: int = 80) -> list[str]:
    return [line for line in text.splitlines() if len(line) > width]


def test_client_view_exact_text_in_80_plain_columns(runner, small):
    result = trends(runner, "jo-b", "--since", "2026-03-01", "--until", "2026-03-31")
    assert result.exit_code == 0, result.output
    assert result.output == EXPECTED_CLIENT_VIEW
    assert not long_lines(result.output)
    assert "\x1b" not in result.output  # NO_COLOR: plain text


def test_client_view_with_no_sessions_in_the_period(runner, small):
    result = trends(runner, "jo-b", "--since", "2025-01-01", "--until", "2025-01-31")
    assert result.exit_code == 0, result.output
    assert result.output == (
        "Jo Bloggs (jo-b) · 2025-01-01 to 2025-01-31 · 0 sessions attended, 0 h direct\n"
        "\n"
        "No sessions in this period.\n"
    )


def test_homework_journalled_in_a_period_without_sessions_is_shown(runner, small):
    """Between sessions the client kept journalling: trends says so, as the report and
    'homework summary' do for the same period."""
    logged = runner.invoke(
        app,
        ["homework", "log", "jo-b", "--kind", "mood-check", "--mood", "6", "--by", "Jo",
         "--at", "2025-01-10 18:00", "--no-input"],
    )  # fmt: skip
    assert logged.exit_code == 0, logged.output
    result = trends(runner, "jo-b", "--since", "2025-01-01", "--until", "2025-01-31")
    assert result.exit_code == 0, result.output
    assert "No sessions in this period.\n\nHomework\n" in result.output
    assert "Mood check: 1 mood check" in result.output, result.output


def test_trends_refuses_an_unknown_client_and_a_backwards_period(runner, small):
    result = trends(runner, "nobody", "--since", "2026-03-01", "--until", "2026-03-31")
    assert result.exit_code != 0
    assert "no client 'nobody'" in result.output
    assert "Traceback" not in result.output
    result = trends(runner, "jo-b", "--since", "2026-03-31", "--until", "2026-03-01")
    assert result.exit_code != 0
    assert "--until is before --since" in result.output


def test_json_carries_the_numbers_of_the_pure_functions(runner, small):
    since, until = date(2026, 3, 1), date(2026, 3, 31)
    result = runner.invoke(
        app, ["trends", "jo-b", "--since", str(since), "--until", str(until), "--json"]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)

    snap = Journal(small).load(["jo-b"])
    client = snap.clients["jo-b"].record
    chosen = [
        s.record for s in snap.client_sessions("jo-b") if since <= s.record.start.date() <= until
    ]
    assert data["client"] == "jo-b"
    assert (data["since"], data["until"]) == ("2026-03-01", "2026-03-31")
    assert data["sessions"] == len(chosen) == 3

    gts = goal_trends(client, chosen)
    assert [
        (g["goal"], g["weight"], [(r["date"], r["gas"]) for r in g["interim"]], g["change"])
        for g in data["goals"]
    ] == [(g.goal, g.weight, [(str(d), v) for d, v in g.points], g.change) for g in gts]
    g1, g2 = data["goals"]
    assert g1["baseline"] == {"level": -1, "on": "2026-02-26"}
    assert g1["outcome"] == {"date": "2026-03-19", "gas": 1, "from": "interim"}
    assert g1["uses"] == (
        "change: the latest interim rating (not rated at a review), on 2026-03-19 against the "
        "baseline on 2026-02-26"
    )
    assert (g1["change"], g2["change"]) == (2, 1)  # +1 - (-1), -1 - (-2)
    assert data["reviews"] == []
    assert [(p["session"], p["date"], p["tscore"]) for p in data["interim"]] == [
        (p.session, str(p.day), p.tscore) for p in tscore_series(client, chosen)
    ]
    # 5 Mar 29.92 and 12 Mar 41.97 as before; 19 Mar g1 +1 alone: 50 + 10 = 60
    assert [p["tscore"] for p in data["interim"]] == [29.92, 41.97, 60.0]
    assert "interim" in data["interim_uses"]

    rates = checklist_rates(chosen)
    assert [(c["item"], c["counts"], c["applicable"], c["rate"]) for c in data["checklist"]] == [
        (r.item, r.counts, r.applicable, r.rate) for r in rates
    ]
    assert [c["no_sessions"] for c in data["checklist"] if c["item"] == "agile"] == [
        ["2026-03-12_1430_bbbbb", "2026-03-19_0900_ccccc"]
    ]
    assert data["checklist_lowest"] == lowest_item(rates).item == "agile"

    reg = regulation(chosen, "zones")
    assert data["regulation"]["states"] == list(reg.states)
    assert {(t["start"], t["end"]): t["count"] for t in data["regulation"]["transitions"]} == (
        reg.transitions
    )
    assert data["regulation"]["start"] == reg.start
    assert data["regulation"]["end"] == reg.end
    assert [(h["strategy"], h["count"]) for h in data["regulation"]["helped"]] == list(reg.helped)

    act = activities(chosen)
    assert data["activities"]["total"] == act.total == 4
    assert data["activities"]["child_led_or_interest_based"] == act.child_led_or_interest == 3
    assert data["activities"]["movement_sensory"] == act.movement_sensory == 2
    assert data["activities"]["adapted_in_session"] == act.adapted == 1

    sup = supports(chosen)
    assert data["supports"]["sessions"] == sup.sessions == 3
    assert data["supports"]["hours"] == sup.hours == 2.25
    assert data["supports"]["by_setting"] == {
        k: {"sessions": n, "hours": round(m / 60, 2)} for k, (n, m) in sup.by_setting.items()
    }
    assert data["supports"]["by_role"]["parent"] == {"sessions": 2, "hours": 1.75}
    assert data["copm"]["problems"] == [] and copm(client).problems == ()

    # The same numbers through the one function that assembles them all.
    t = client_trends(client, [s.record for s in snap.client_sessions("jo-b")], since, until)
    assert [s.id for s in t.sessions] == [s.id for s in chosen]


def test_overview_json_lists_every_client(runner, small):
    result = runner.invoke(
        app, ["trends", "--since", "2026-03-01", "--until", "2026-03-31", "--json"]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["clients"] == [
        {
            "client": "jo-b",
            "sessions": 3,
            "last_seen": "2026-04-02",
            "goal_direction": "moving up",  # g1 +2, g2 +1: mean 1.5
            "lowest_item": {"item": "agile", "rate": pytest.approx(1 / 3)},
        }
    ]


# -- the demo journal: every line fits 80 columns ------------------------------------


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("trends-demo")
    root = base / "demo"
    result = Runner().invoke(
        app,
        ["demo", "-q", "--dir", str(root), "--seed", "3", "--end", DEMO_END],
        env={"HOME": str(base), "OTJOURNAL_DIR": str(base / "unused")},
    )
    assert result.exit_code == 0, result.output
    return root


def test_demo_client_views_fit_80_columns(runner, demo):
    handles = Journal(demo).client_handles()
    assert len(handles) >= 3
    for handle in handles:
        for since in ("2026-01-01", "2025-06-01"):
            result = trends(
                runner, handle, "--dir", str(demo), "--since", since, "--until", DEMO_END
            )
            assert result.exit_code == 0, result.output
            assert "Goals (GAS" in result.output and "interim" in result.output
            assert not long_lines(result.output), (handle, long_lines(result.output))


def test_demo_overview_fits_80_columns(runner, demo):
    for args in ([], ["--since", "2025-06-01", "--until", DEMO_END]):
        result = trends(runner, "--dir", str(demo), *args)
        assert result.exit_code == 0, result.output
        lines = result.output.splitlines()
        assert re.fullmatch(r"4 clients · \d{4}-\d\d-\d\d to \d{4}-\d\d-\d\d", lines[0])
        assert lines[1].split() == [
            *("client", "sessions", "last", "seen", "goals"),
            *("lowest", "item"),
        ]
        assert len(lines) == 6
        assert not long_lines(result.output), long_lines(result.output)


def test_overview_keeps_dates_and_words_whole_with_the_longest_handle(runner, notes):
    """A handle may be 40 characters. The overview must still show each client's last
    session date and goal direction in full (the handle or the item text may shorten)."""
    handle = "a-very-long-client-handle-forty-chars-xx"
    assert len(handle) == 40
    j = Journal(notes)
    j.add_client(make_client(handle, goals=(Goal("g1", "Laces", baseline=-1, baseline_on=SET_ON),)))
    for day, gas in ((2, -1), (9, 1)):
        j.add_session(
            make_session(
                handle,
                datetime(2026, 3, day, 10, tzinfo=TZ),
                goals=(GoalRating("g1", gas),),
                checklist=answers(agile="partly"),
            ),
            rng=FixedSuffix(f"{day}aaaa"),
        )
    result = trends(runner, "--since", "2026-03-01", "--until", "2026-03-31")
    assert result.exit_code == 0, result.output
    assert not long_lines(result.output)
    row = result.output.splitlines()[2]
    assert "2026-03-09" in row, result.output
    assert "moving up" in row, result.output


def test_regulation_counts_stay_visible_with_many_descriptive_states(runner, notes):
    """The descriptive framework takes the practitioner's own words, so there can be many
    (and long) states. However they are laid out, every session's end state must still be
    counted on screen: the "at end" row must add up to the number of sessions."""
    states = [
        "overwhelmed after a long lunch break",
        "calm and chatty",
        "tired",
        "silly and bouncy",
        "flat",
        "buzzing",
        "teary",
        "focused",
    ]
    j = Journal(notes)
    j.add_client(make_client("dee-r", regulation_framework="descriptive"))
    for i, start in enumerate(states):
        j.add_session(
            make_session(
                "dee-r",
                datetime(2026, 3, 1 + i, 10, tzinfo=TZ),
                regulation=Regulation("descriptive", start, states[(i + 3) % 8]),
            ),
            rng=FixedSuffix(f"{i + 2}aaaa"),
        )
    result = trends(runner, "dee-r", "--since", "2026-03-01", "--until", "2026-03-31")
    assert result.exit_code == 0, result.output
    assert not long_lines(result.output)
    section = result.output.split("Regulation (descriptive; all states are OK)\n", 1)[1]
    # Many free-text states: one row per state with its start and end counts.
    rows = [
        ln.split()
        for ln in section.splitlines()
        if len(ln.split()) >= 3 and all(x.isdigit() for x in ln.split()[-2:])
    ]
    assert sum(int(r[-1]) for r in rows) == len(states), section
    assert sum(int(r[-2]) for r in rows) == len(states), section


def test_every_regulation_state_gets_the_same_style():
    from otjournal.views.trends import STATE_STYLE, regulation_table

    reg = regulation(
        [
            make_session(start=datetime(2026, 3, d, tzinfo=TZ), regulation=r)
            for d, r in (
                (1, Regulation("zones", "red", "green")),
                (2, Regulation("zones", "blue", "yellow")),
            )
        ],
        "zones",
    )
    table = regulation_table(reg)
    labels = list(table.columns[0].cells)[:-1]  # the last row is "at end"
    assert [str(t) for t in labels] == ["blue", "green", "yellow", "red"]
    assert {t.style for t in labels} == {STATE_STYLE}


def test_one_session_is_one_point_on_the_interim_path_said_once(runner, small):
    day = ["--since", "2026-03-05", "--until", "2026-03-05"]
    view = trends(runner, "jo-b", *day).output
    path = view[view.index("Interim path") :].split("\n\n")[0].replace("\n", " ")
    assert path.endswith("29.9 on 2026-03-05 (1 session)"), path
    assert "→" not in path
    said = runner.invoke(app, ["report", "jo-b", *day]).stdout.replace("\n", " ")
    assert "differ): 29.9 on 2026-03-05 (1 session)." in said


def test_a_client_without_goals_gets_no_empty_table_and_no_word_of_ratings(runner, notes, clock):
    from otjournal.disk.store import Journal

    j = Journal(notes)
    j.add_client(make_client("kid-b", display_name="Kid B", goals=()))
    j.add_session(make_session("kid-b", goals=()))
    shown = runner.invoke(app, ["trends", "kid-b"]).stdout
    goals = shown.split("Goals (GAS", 1)[1].split("\n\n", 1)[0]
    assert goals.splitlines()[1:] == ["No goals yet: otj goal add kid-b"], goals
    assert "interim" not in shown
