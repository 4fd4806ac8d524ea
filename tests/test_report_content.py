"""``otj report`` on a small journal, word for word: every section in the order a plan
reviewer reads, the blanks marked, hours to the quarter hour, report writing apart from
sessions attended, the family's words quoted once each (an amended note marked), the
affirming checklist only with --reflection, a period cut at today, --json, --force."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path
from random import Random

import pytest

from otjournal.cli import app
from otjournal.disk.store import Journal
from otjournal.model import (
    Activity,
    CaregiverNote,
    ChecklistAnswer,
    ChildVoice,
    Goal,
    GoalRating,
    Person,
    Plan,
    PlanPeriod,
    Regulation,
)
from otjournal.model.vocab import CHECKLIST
from otjournal.numbers.period import report_period
from otjournal.numbers.session import ItemRate, lowest_item
from otjournal.views.report_sections import quarter_hours
from tests.conftest import TZ, make_client, make_session
from tests.helpers import Runner

BLANK = "[To be completed by the practitioner]"
TODAY = datetime(2026, 11, 30, 10, 0, tzinfo=TZ)


def answers(**over: str) -> tuple[ChecklistAnswer, ...]:
    return tuple(ChecklistAnswer(k, over.get(k.replace("-", "_"), "yes"), t) for k, t in CHECKLIST)


def write_config(home: Path, text: str) -> None:
    folder = home / "config" / "otjournal"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "config.toml").write_text(text, encoding="utf-8")


@pytest.fixture
def ava(notes: Path, clock, isolated_home: Path, runner: Runner) -> Journal:
    """A plan running to 2027-05-31; two sessions (50 + 35 minutes), one report-writing
    entry (60 minutes, no attendee); the second note amended two days later."""
    write_config(
        isolated_home,
        '[practitioner]\nname = "Alex Rivera"\nregistration = "OCC0001234567"\n'
        'profession = "Occupational therapist"\n',
    )
    j = Journal(notes)
    j.add_client(
        make_client(
            "ava-t",
            display_name="Ava T",
            date_of_birth=date(2019, 5, 1),
            ndis_number="430000001",
            primary_disability="autism",
            strengths=("loves trains", "asks for help with a gesture"),
            people=(Person("Noah", "sibling"),),
            plan_period=PlanPeriod(date(2026, 6, 1), date(2027, 5, 31), "NDIS"),
            goals=(
                Goal(
                    "g1",
                    "Laces her shoes before school",
                    baseline=-2,
                    baseline_on=date(2026, 6, 1),
                    set_on=date(2026, 6, 1),
                ),
            ),
        )
    )
    first = make_session(
        "ava-t",
        datetime(2026, 7, 2, 10, 0, tzinfo=TZ),
        duration_min=50,
        goals=(GoalRating("g1", -1, "Laced two holes with the card"),),
        activities=(Activity("Train lacing game", 20, True, True, False, True, "fewer holes"),),
        child_voice=ChildVoice("I did it!", ("speech",)),
        caregiver=CaregiverNote("Practised at breakfast with Noah"),
        regulation=Regulation("zones", "yellow", "green", ("heavy work",)),
        checklist=answers(agile="unsure", caregiver="n-a", attuned="partly"),
        plan=Plan("s", "n"),
    )
    second = make_session(
        "ava-t",
        datetime(2026, 9, 10, 10, 0, tzinfo=TZ),
        duration_min=35,
        setting="home",
        goals=(GoalRating("g1", 0, "Laced her left shoe alone"),),
        activities=(),
        child_voice=ChildVoice("i did it!"),
        caregiver=CaregiverNote("Mornings are easier"),
        regulation=Regulation("zones", "blue", "green", ("a train song", "heavy work")),
        checklist=answers(attuned="partly"),
        plan=Plan("s", "n"),
    )
    writing = make_session(
        "ava-t",
        datetime(2026, 11, 20, 14, 0, tzinfo=TZ),
        duration_min=60,
        session_type="non-client",
        setting="other",
        attendees=(),
        goals=(),
        activities=(),
        regulation=None,
        checklist=(),
        plan=Plan("Wrote the progress report", ""),
    )
    for i, s in enumerate((first, second, writing)):
        saved = j.add_session(s, rng=Random(i))
        if s is second:
            sid = saved.record.id
    clock.set(datetime(2026, 9, 12, 9, 0, tzinfo=TZ))
    done = runner.invoke(
        app,
        ["amend", sid, "--kind", "correction", "--text", "It was her right shoe", "--no-input"],
    )
    assert done.exit_code == 0, done.output
    clock.set(TODAY)
    return j


def report(runner: Runner, *args: str) -> str:
    result = runner.invoke(app, ["report", "ava-t", *args])
    assert result.exit_code == 0, result.output
    return result.stdout


EXPECTED = f"""\
# Progress report

|  |  |
|---|---|
| Participant | Ava T |
| Date of birth | 2019-05-01 |
| NDIS number | 430000001 |
| Primary disability | autism |
| Reporting period | 2026-06-01 to 2026-11-30 (the period asked for runs to 2027-05-31: \
cut at 2026-11-30, the day this report was prepared) |
| Funded plan | NDIS, 2026-06-01 to 2027-05-31 |
| Practitioner | Alex Rivera |
| Profession | Occupational therapist |
| Registration | OCC0001234567 |
| Date prepared | 2026-11-30 |

## Supports provided

- Sessions attended: 2, from 2026-07-02 to 2026-09-10.
- Direct hours (face to face or telehealth): 1.5.
- Non-face-to-face hours (report writing, liaison): 1, over 1 entry.

Hours are rounded to the quarter hour.

| Setting | Sessions | Hours |
|---|---|---|
| clinic | 1 | 0.75 |
| home | 1 | 0.5 |

| Who took part | Sessions | Hours |
|---|---|---|
| child | 2 | 1.5 |
| parent | 2 | 1.5 |

Kinds of session: therapy 2.

1 activity: 100% child-led or built on the participant's interests; 0 with movement or \
sensory input; 1 adapted during the session to follow them.

## Goals and progress

Goal Attainment Scaling (-2 to +2; 0 is the expected outcome): each goal's baseline, \
recorded when it was set, against its rating at review. Ratings in session notes are \
interim: the path, not the outcome.

### g1: Laces her shoes before school

Status: active since 2026-06-01.

GAS baseline -2 (recorded 2026-06-01) → 0, the latest interim rating, on 2026-09-10 \
(not rated at a review) (change +2). 2 interim ratings in this period.

**{BLANK}: functional impact (the change in daily life).**

>

Evidence from session notes:

> Laced two holes with the card
> — note of 2026-07-02

> Laced her left shoe alone
> — note of 2026-09-10, amended 2026-09-12; correction of 2026-09-12 by Alex Rivera: \
“It was her right shoe”

No review in this period: the GAS ratings above are interim.

Interim path: the GAS T-score of each session's own rated goals (Kiresuk and Sherman, \
ρ = 0.3, weighted; the sets differ): 40.0 on 2026-07-02 → 50.0 on 2026-09-10 (2 sessions).

## The participant's and family's perspective

In the participant's own words (most recent first):

> i did it!
> — note of 2026-09-10, amended 2026-09-12; correction of 2026-09-12 by Alex Rivera: \
“It was her right shoe”

What the family reported (most recent first):

> Mornings are easier
> — note of 2026-09-10, amended 2026-09-12; correction of 2026-09-12 by Alex Rivera: \
“It was her right shoe”

> Practised at breakfast with Noah
> — note of 2026-07-02

## Strengths and interests

- loves trains
- asks for help with a gesture

Activities led by the participant or built on their interests: Train lacing game.

## Barriers and strategies that helped

Regulation was recorded in 2 sessions using the Zones of Regulation framework. All \
states are OK; the counts show how sessions began and ended.

Strategies that helped:

- heavy work (helped in 2 sessions)
- a train song (helped in 1 session)

| Start → end | Sessions |
|---|---|
| blue → green | 1 |
| yellow → green | 1 |

Adaptations made in sessions:

> Train lacing game: fewer holes
> — note of 2026-07-02

**{BLANK}: barriers to progress.**

>

## Homework and home programme

No homework journal entries in this period.

## Risks

**{BLANK}: risks and how they are managed.**

>

## Links to informal, community and mainstream supports

**{BLANK}: other supports the participant uses or could use.**

>

## Recommendations and justification

**{BLANK}: recommended supports, frequency and hours, and why.**

>

## Sign-off

|  |  |
|---|---|
| Name | Alex Rivera |
| Profession | Occupational therapist |
| Registration | OCC0001234567 |
| Date | {BLANK} |
| Signature | ____________________________ |
"""


def test_the_report_word_for_word(runner, ava):
    assert report(runner) == EXPECTED


def test_no_checklist_without_reflection(runner, ava):
    md = report(runner)
    for word in ("checklist", "attuned", "For reflection", "%", "unsure"):
        assert word not in md.replace("100% child-led", ""), word


def test_reflection_adds_the_checklist_before_the_sign_off(runner, ava):
    md = report(runner, "--reflection")
    head, _, tail = md.partition("## Reflective practice: the affirming checklist\n")
    assert head == EXPECTED.partition("## Sign-off\n")[0]
    reflection, _, sign = tail.partition("## Sign-off\n")
    assert sign == EXPECTED.partition("## Sign-off\n")[2]
    rows = [line for line in reflection.splitlines() if line.startswith("| ")]
    assert rows == [
        "| Item | Rate | Answered | Unsure | n/a |",
        # interests: yes, yes
        f"| {CHECKLIST[0][1]} | 100% | 2 | 0 | 0 |",
        f"| {CHECKLIST[1][1]} | 100% | 2 | 0 | 0 |",
        # attuned: partly, partly → 50 %
        f"| {CHECKLIST[2][1]} | 50% | 2 | 0 | 0 |",
        # agile: unsure, yes → 100 % of 1 answered, the unsure counted beside it
        f"| {CHECKLIST[3][1]} | 100% | 1 | 1 | 0 |",
        # caregiver: n/a, yes
        f"| {CHECKLIST[4][1]} | 100% | 1 | 0 | 1 |",
        f"| {CHECKLIST[5][1]} | 100% | 2 | 0 | 0 |",
        f"| {CHECKLIST[6][1]} | 100% | 2 | 0 | 0 |",
    ]
    assert f"For reflection: “{CHECKLIST[2][1]}” had the lowest rate." in reflection


def rate(key: str, **counts: int) -> ItemRate:
    return ItemRate(key, key, counts, ())


def test_for_reflection_never_names_an_item_at_100_or_a_tie():
    # One rule for trends and the report (numbers/session.lowest_item).
    assert lowest_item([rate("a", yes=3), rate("b", yes=1)]) is None  # all at 100 %
    assert lowest_item([rate("a", yes=1, unsure=5), rate("b", yes=2)]) is None
    assert lowest_item([rate("a", yes=1, no=1), rate("b", partly=2)]) is None  # a tie
    assert lowest_item([rate("a", yes=1, no=1), rate("b", yes=2)]) == rate("a", yes=1, no=1)
    assert lowest_item([rate("a", yes=1)]) is None
    assert rate("a", yes=1, partly=1, no=2, unsure=9).rate == 0.375
    assert rate("a", unsure=2, **{"n-a": 1}).rate is None


def test_hours_are_to_the_quarter_hour():
    assert [quarter_hours(m) for m in (0, 7, 8, 45, 50, 85, 100, 500)] == [
        0,
        0,
        0.25,
        0.75,
        0.75,
        1.5,
        1.75,
        8.25,
    ]


def test_a_plan_reaching_past_today_is_cut_at_today():
    plan = PlanPeriod(date(2026, 6, 1), date(2027, 5, 31))
    p = report_period(plan, None, None, date(2026, 11, 30))
    assert (p.start, p.end, p.cut, p.start_from) == (
        date(2026, 6, 1),
        date(2026, 11, 30),
        True,
        "plan",
    )
    # a plan that is over ends on its own last day; nothing cut
    over = report_period(
        PlanPeriod(date(2025, 6, 1), date(2026, 5, 31)), None, None, date(2026, 11, 30)
    )
    assert (over.end, over.cut) == (date(2026, 5, 31), False)
    # --until in the future is cut too, and said so
    asked = report_period(None, "2026-11-01", "2026-12-31", date(2026, 11, 30))
    assert (asked.end, asked.cut) == (date(2026, 11, 30), True)
    assert "cut at 2026-11-30" in asked.words()
    # the day after the last report, when one is known
    last = report_period(plan, None, None, date(2026, 11, 30), last_report_end=date(2026, 8, 31))
    assert (last.start, last.start_from) == (date(2026, 9, 1), "last report")


def test_the_default_report_ends_today_and_says_the_period_was_cut(runner, ava):
    md = report(runner)
    assert (
        "| Reporting period | 2026-06-01 to 2026-11-30 (the period asked for runs to 2027-05-31"
        in md
    )
    assert "2027-05-31: cut at 2026-11-30" in md


def test_since_until_and_the_hidden_from_to(runner, ava):
    new = report(runner, "--since", "2026-08-01", "--until", "2026-10-31")
    old = report(runner, "--from", "2026-08-01", "--to", "2026-10-31")
    assert new == old
    assert "| Reporting period | 2026-08-01 to 2026-10-31 |" in new
    assert "- Sessions attended: 1, from 2026-09-10 to 2026-09-10." in new
    help_text = runner.invoke(app, ["report", "--help"], env={"COLUMNS": "200"}).stdout
    assert "--since" in help_text and "--until" in help_text
    assert "--from" not in help_text and "--to " not in help_text
    twice = runner.invoke(app, ["report", "ava-t", "--since", "30d", "--from", "30d"])
    assert twice.exit_code == 2


def test_json_is_the_same_content(runner, ava):
    data = json.loads(report(runner, "--json"))
    assert data["period"] == {
        "start": "2026-06-01",
        "end": "2026-11-30",
        "asked_end": "2027-05-31",
        "cut": True,
        "start_from": "plan",
    }
    assert data["header"]["NDIS number"] == "430000001"
    md_sections = [line[3:] for line in EXPECTED.splitlines() if line.startswith("## ")]
    assert [s["title"] for s in data["sections"]] == md_sections
    goals = next(s for s in data["sections"] if s["title"] == "Goals and progress")
    quotes = [b for b in goals["blocks"] if b["kind"] == "quote"]
    assert quotes[-1] == {
        "kind": "quote",
        "text": "Laced her left shoe alone",
        "cite": "note of 2026-09-10, amended 2026-09-12; correction of 2026-09-12 by "
        "Alex Rivera: “It was her right shoe”",
    }
    # The chart's data as drawn: the interim ratings, worked from the two notes above.
    points = [{"date": "2026-07-02", "gas": -1}, {"date": "2026-09-10", "gas": 0}]
    assert {"kind": "chart", "title": "GAS ratings for g1", "points": points} in goals["blocks"]


def test_o_refuses_an_existing_file_unless_force(runner, ava, tmp_path):
    target = tmp_path / "ava.md"
    target.write_text("last week's report\n", encoding="utf-8")
    refused = runner.invoke(app, ["report", "ava-t", "-o", str(target)])
    assert refused.exit_code == 2
    assert "--force" in refused.output
    assert target.read_text(encoding="utf-8") == "last week's report\n"
    done = runner.invoke(app, ["report", "ava-t", "-o", str(target), "--force"])
    assert done.exit_code == 0, done.output
    assert "replacing the file there" in done.stdout
    assert target.read_text(encoding="utf-8") == EXPECTED


def test_deidentify_leaves_out_the_ndis_number_and_the_profile_people(runner, ava, notes):
    assert "Noah" in report(runner)
    md = report(runner, "--deidentify")
    assert "430000001" not in md and "NDIS number" not in md and "2019-05-01" not in md
    assert "Ava" not in md and "Noah" not in md
    assert "> Practised at breakfast with Sibling 1" in md
    assert "| Participant | Participant |" in md


def test_html_prints_on_a4_with_each_goal_heading_kept_with_its_chart(runner, ava):
    html = report(runner, "--format", "html")
    assert "@page{size:A4;margin:18mm 16mm}" in html
    assert ".goal{break-inside:avoid;page-break-inside:avoid}" in html
    block = html.partition("<section class='goal'>")[2].partition("</section>")[0]
    assert block.startswith("<h3>g1: Laces her shoes before school</h3>")
    assert "<figure><svg" in block
    assert block.endswith(
        "<figcaption>GAS ratings for g1, interim and review.</figcaption></figure>"
    )
    assert "checklist" not in html.lower()


def test_deidentify_with_shift_dates_moves_every_date_by_one_offset(runner, ava):
    import re
    from datetime import date as day

    assert runner.invoke(app, ["report", "ava-t", "--shift-dates"]).exit_code == 2
    md = report(runner, "--deidentify", "--shift-dates")
    found = re.search(r"Sessions attended: 2, from (\S+) to (\S+)\.", md)
    assert found is not None
    first, last = (day.fromisoformat(d) for d in found.groups())
    # The two days are 10 weeks apart and the shift is whole weeks: a shift of 10 weeks
    # puts one on the other's day, so "2026-07-02" may rightly appear; each moved, though.
    assert first != day(2026, 7, 2) and last != day(2026, 9, 10)
    assert (last - first).days == (day(2026, 9, 10) - day(2026, 7, 2)).days  # intervals kept
    assert "Ava" not in md and "Noah" not in md


# The shortest and longest shifts each way, and the period's own length (26 weeks), which
# brings the real end onto the real start's day: CI's 3.13 run drew it once.
@pytest.mark.parametrize("weeks", [-52, -26, -5, 5, 26, 52])
def test_a_shifted_copy_gives_no_real_date_in_its_title_or_its_json_period(
    runner, ava, monkeypatch: pytest.MonkeyPatch, weeks: int
):
    from otjournal.views import deidentify

    monkeypatch.setattr(deidentify, "random_shift", lambda: weeks * 7)
    # One date left unshifted beside its shifted twin gives the shift away, and with it
    # every date in the copy.
    data = json.loads(report(runner, "--deidentify", "--shift-dates", "--json"))
    period = data["period"]
    header = data["header"]["Reporting period"]
    assert header.startswith(f"{period['start']} to {period['end']}")
    assert period["start"] != "2026-06-01"
    # Every "2026-06-01" left is a shifted date: the twin of the real date the shift brings
    # onto that day, as often as that real date is in the copy before the shift (a shift of
    # the period's own length brings the real end there).
    shift = date.fromisoformat(period["start"]) - date(2026, 6, 1)
    twin = (date(2026, 6, 1) - shift).isoformat()
    plain = report(runner, "--deidentify", "--json")
    assert json.dumps(data).count("2026-06-01") == plain.count(twin)
    html = report(runner, "--deidentify", "--shift-dates", "--format", "html")
    title = html.partition("<title>")[2].partition("</title>")[0]
    assert title.startswith("Progress report ")
    start, _, end = title.removeprefix("Progress report ").partition(" to ")
    # Each moved (a shift of the period's own length may bring the start to the real
    # end's day: that is a shifted date, not the real one).
    assert start != "2026-06-01" and end != "2026-11-30", title


def test_a_place_in_the_config_is_replaced_whole_and_never_word_by_word(runner, ava, isolated_home):
    write_config(isolated_home, '[deidentify]\nnames = ["Fitzroy Primary School"]\n')
    data = json.loads(report(runner, "--deidentify", "--json"))
    assert "Primary disability" in data["header"]  # the tool's own label, as written
    md = report(runner, "--deidentify")
    assert "| Primary disability |" in md and "Person 1" not in md


def test_markdown_shows_note_text_as_written_never_as_markup():
    from otjournal.views.report import BLANK, SIGNATURE, Block
    from otjournal.views.report_render import to_markdown

    said = "<script>alert(1)</script> **star** # hash | pipe"
    md = to_markdown(
        [
            Block("quote", said, cite="note of 2026-09-10"),
            Block("ul", items=("Mum: <b>bold</b>",)),
            Block("table", items=(("Item", "Value"), ("Goal", said), ("Date", BLANK))),
            Block("table", items=(("Signature", SIGNATURE),)),
        ]
    )
    assert "<script>" not in md and "<b>" not in md and "**star**" not in md
    assert r"\<script\>alert(1)\</script\> \*\*star\*\* \# hash \| pipe" in md
    assert f"| Date | {BLANK} |" in md and "| Signature |" in md and SIGNATURE in md


def test_a_quoted_line_that_looks_like_a_list_item_stays_in_the_quote():
    """Each line of a quote begins a Markdown line (after "> "): "- item" or "2. next"
    there would make a list, and the citation would fall into its last item."""
    from otjournal.views.report import Block
    from otjournal.views.report_render import to_markdown

    md = to_markdown([Block("quote", "- walked\n2. ran\n+ swam\nplain", cite="note of 2026-09-10")])
    assert md == "> \\- walked\n> 2\\. ran\n> \\+ swam\n> plain\n> — note of 2026-09-10\n"
