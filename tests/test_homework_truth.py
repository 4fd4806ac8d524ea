"""Issue 16, item 6: the homework summary tells the truth. The testers' own cases, worked
by hand: relaxation on opposite anchors, one thought record with two emotions, a mood
check that shows its value, practice counted with what, mastery and pleasure; and every
homework kind has a summary line."""

from __future__ import annotations

import json

import pytest

from otjournal.disk.tomlio import to_json_value
from otjournal.model import Assignment
from otjournal.model.kinds import HOMEWORK
from otjournal.model.parts import Answers, MoodCheck, Practice, Relaxation
from otjournal.numbers.homework import SUMMARISERS, kind_summaries, summarise
from otjournal.numbers.kind_summary import Given, generic, signed, tension_direction
from otjournal.views.homework import compact, kind_words, summary
from tests.conftest import make_client
from tests.test_homework_stats import NEUTRAL_BANNED, at, d, entry, mood, thought_record

LACING = Assignment("hw-a", "Lacing card", "practice", 3, since=d(1))
CLIENT = make_client(assignments=(LACING,))
GIVEN = Given(CLIENT, {"hw-a": LACING})
# The testers' two sheets: the default one, and one whose 10 is "completely relaxed".
RELAXED_LOW = ("0 = relaxed", "10 = very tense")
RELAXED_HIGH = ("0 = very tense", "10 = completely relaxed")


def relaxing(day: int, before: int, after: int, anchors: tuple[str, str]):
    r = Relaxation("belly breathing", 10, before, after, *anchors)
    return entry(at(day), "relaxation", relaxation=r)


def practising(day: int, done: str = "yes", what: str = "", assignment: str = "hw-a", **rated):
    return entry(at(day), "practice", assignment, practice=Practice(done, what=what, **rated))


def words_of(entries) -> dict[str, str]:
    return {k.kind: k.words for k in kind_summaries(entries, GIVEN)}


def render(renderable) -> str:
    from rich.console import Console

    console = Console(width=200, record=True, color_system=None)
    console.print(renderable)
    return console.export_text()


# -- relaxation: one direction, from each entry's own anchors ------------------------------


def test_relaxation_on_opposite_anchors_reads_as_both_improving():
    # 8 → 4 where 0 = relaxed; 2 → 8 where 10 = completely relaxed, i.e. tension 8 → 2.
    # Changes −4 and −6: mean −5.0. The old summary said "5.0 → 6.0 (+1.0)".
    entries = [relaxing(3, 8, 4, RELAXED_LOW), relaxing(4, 2, 8, RELAXED_HIGH)]
    [s] = kind_summaries(entries, GIVEN)
    assert s.words == (
        "2 relaxation entries; tension, 0 = relaxed: 8 → 4 and 8 → 2 (mean −5.0); "
        "1 entry rated on a scale running the other way (10 = completely relaxed), "
        "turned round to match"
    )
    assert s.numbers["pairs"] == [[8, 4], [8, 2]]
    assert (s.numbers["before"], s.numbers["after"], s.numbers["change"]) == (8.0, 3.0, -5.0)
    assert "+" not in s.words


@pytest.mark.parametrize(
    ("low", "high", "way"),
    [
        ("0 = completely relaxed", "10 = the most tense I have felt", "up"),  # the default
        ("0 = relaxed", "10 = very tense", "up"),
        ("0 = very tense", "10 = completely relaxed", "down"),
        ("0 = not relaxed at all", "10 = completely relaxed", "down"),
        ("0 = calm", "10 = wound up", "up"),
        ("0 = nothing", "10 = everything", ""),  # the anchors do not say
    ],
)
def test_the_direction_is_read_from_the_anchors(low, high, way):
    assert tension_direction(Relaxation("x", None, 1, 2, low, high)) == way


def test_relaxation_whose_anchors_do_not_say_is_left_out_and_said_so():
    entries = [relaxing(3, 6, 3, RELAXED_LOW), relaxing(4, 2, 9, ("0 = nothing", "10 = lots"))]
    words = words_of(entries)["relaxation"]
    assert "tension, 0 = relaxed: 6 → 3 (mean −3.0)" in words
    assert "1 entry left out of the change: the anchors do not say which end is relaxed" in words


# -- thought records: counted as records ---------------------------------------------------


def test_one_thought_record_with_two_emotions_is_one_record():
    # anxious 80 → 40 and sad 50 → 30: before 65, after 35, mean change −30.
    [s] = kind_summaries([thought_record(5, ("anxious", 80, 40), ("sad", 50, 30))], GIVEN)
    assert s.count == 1
    assert s.words == (
        "1 thought record; 2 emotions re-rated in 1 record: 65.0 % → 35.0 % on average "
        "(mean change −30.0 points)"
    )
    assert "over 2" not in s.words


def test_the_shown_means_and_their_change_add_up():
    # 80 → 40, 60 → 30, 60 → 50, 50 → 30: before 62.5, after 37.5 (rounded half to even,
    # whole numbers gave 62 → 38 beside a change of −25.0).
    emotions = (("a", 80, 40), ("b", 60, 30), ("c", 60, 50), ("d", 50, 30))
    [s] = kind_summaries([thought_record(5, *emotions)], GIVEN)
    assert "62.5 % → 37.5 % on average (mean change −25.0 points)" in s.words
    # Means that round apart: 1/3 and 2/3 of a point: the change is the shown one's.
    [s] = kind_summaries([thought_record(5, ("a", 10, 5), ("b", 11, 5), ("c", 11, 6))], GIVEN)
    assert "10.7 % → 5.3 % on average (mean change −5.4 points)" in s.words


def test_a_thought_record_not_re_rated_is_still_counted():
    assert words_of([thought_record(5, ("angry", 60, None))]) == {
        "thought-record": "1 thought record"
    }


# -- mood checks: the values themselves ----------------------------------------------------


def test_one_mood_check_shows_its_mood():
    assert words_of([mood(at(3), 4)]) == {"mood-check": "1 mood check: mood 4 (0–10)"}


def test_mood_checks_show_each_value_in_time_order_and_a_sparkline():
    entries = [mood(at(5), 6), mood(at(3), 3), mood(at(4), 5)]
    [s] = kind_summaries(entries, GIVEN)
    assert s.words == "3 mood checks: mood 3, 5, 6 (0–10); earlier 3.0, recent 5.5 (higher)"
    assert s.series == (3, 5, 6)
    assert kind_words(s) == s.words + " ▃▅▅"  # 3, 5, 6 of 0-10 on eight steps
    assert s.numbers["values"] == [3, 5, 6]


# -- practice: what, mastery and pleasure --------------------------------------------------


def test_practice_is_counted_by_what_with_mastery_and_pleasure():
    entries = [
        practising(3, mastery=5, pleasure=6),  # the homework's name: Lacing card
        practising(4, "partly", mastery=7, pleasure=8),
        practising(5, what="a walk", assignment="", mastery=6),
        practising(6, "not-this-time"),
    ]
    [s] = kind_summaries(entries, GIVEN)
    # mastery 5, 7, 6: mean 6.0, 5–7; pleasure 6, 8: mean 7.0, 6–8
    assert s.words == (
        "4 practice entries: Lacing card ×2, a walk ×1; 1 of these partly; 1 × not this time; "
        "mastery 6.0 on average (5–7); pleasure 7.0 on average (6–8)"
    )
    assert s.numbers["practised"] == {"Lacing card": 2, "a walk": 1}
    assert s.numbers["mastery"] == {"mean": 6.0, "low": 5, "high": 7}
    assert not any(w in s.words.lower() for w in NEUTRAL_BANNED)


def test_practice_with_nothing_named_says_so():
    assert words_of([practising(3, assignment="")]) == {
        "practice": "1 practice entry: not named ×1"
    }


# -- every kind, and the whole summary -----------------------------------------------------


def sample(kind: str):
    """One entry of each kind, as the model reads it."""
    if kind == "practice":
        return practising(3)
    if kind == "relaxation":
        return relaxing(3, 7, 3, RELAXED_LOW)
    if kind == "thought-record":
        return thought_record(3, ("anxious", 80, 40))
    if kind == "mood-check":
        return entry(at(3), "mood-check", mood=MoodCheck(5))
    if kind == "journal":
        return entry(at(3), "journal", text="A good walk.")
    return entry(at(3), kind, answers=Answers())


def test_every_homework_kind_has_a_summary_line():
    assert HOMEWORK
    for spec in HOMEWORK:
        e = sample(spec.name)
        assert e.entry_kind == spec.name
        [s] = kind_summaries([e], GIVEN)
        assert s.kind == spec.name
        assert s.count == 1
        assert s.words.startswith("1 "), s.words  # the count first, then what it says
        assert "entr" in s.words or spec.title in s.words
        assert "_" not in s.words  # never a field name


def test_a_kind_without_its_own_summary_is_counted_with_its_measures():
    journal = next(k for k in HOMEWORK if k.name == "journal")
    assert "journal" not in SUMMARISERS
    e = entry(at(3), "journal", text="x")
    assert generic(journal, [e, e], GIVEN).words == "2 journal entries"


def test_the_summary_and_trends_say_the_same_and_the_json_carries_it():
    entries = [
        practising(3, mastery=6),
        mood(at(3), 3),
        relaxing(4, 8, 4, RELAXED_LOW),
        relaxing(5, 2, 8, RELAXED_HIGH),
        thought_record(5, ("anxious", 80, 40), ("sad", 50, 30)),
    ]
    s = summarise(CLIENT, [], entries, today=d(6))
    text = render(summary(s, "Sam"))
    trends = render(compact(s))
    for k in s.kinds:
        assert k.words in text
        assert f"{k.title.capitalize()}: {k.words}" in trends
    assert "1 mood check: mood 3 (0–10)" in text
    assert "thought-record: thought record" not in text
    assert "thought-record: anxious 80 → 40, sad 50 → 30" in text  # the recent list
    assert "5.0 → 6.0" not in text
    data = json.loads(json.dumps(to_json_value(s.to_json())))
    kinds = {k["kind"]: k for k in data["kinds"]}
    assert kinds["relaxation"]["change"] == -5.0
    assert kinds["relaxation"]["direction"] == "tension, 0 = relaxed"
    assert kinds["thought-record"]["emotions_re_rated"] == 2
    assert kinds["thought-record"]["count"] == 1
    assert kinds["mood-check"]["values"] == [3]
    assert kinds["practice"]["words"] == "1 practice entry: Lacing card ×1; mastery 6.0 on average"
    assert data["relaxation"]["change"] == -5.0  # the older key, now the same truth


def test_signed_uses_a_true_minus_and_no_sign_for_zero():
    assert (signed(-5), signed(1), signed(0.01)) == ("−5.0", "+1.0", "0.0")


# -- the review screen names each answer by its question -------------------------------------


@pytest.mark.parametrize(
    ("kind", "typed", "shown"),
    [
        (
            "relaxation",
            ("belly breathing", "10", "8", "3"),
            (
                "3 Technique: belly breathing",
                "4 Minutes: 10 minutes",
                "5 Tension before: 8 (0 = completely relaxed … 10 = the most tense I have felt)",
                "6 Tension after: 3 (0 = completely relaxed",
            ),
        ),
        ("mood-check", ("6", "7.5"), ("3 Mood now: 6 (0-10)", "4 Hours of sleep last night: 7.5")),
        ("journal", ("A calm day", ""), ("3 What you wrote: A calm day",)),
    ],
)
def test_the_review_screen_shows_answers_in_words(runner, journal, kind, typed, shown):
    from otjournal.cli import app
    from otjournal.model import Caregiver

    journal.add_client(make_client(caregivers=(Caregiver("Sarah", "mother"),)))
    typed_in = "\n".join(("", "", *typed, "y")) + "\n"
    result = runner.invoke(app, ["homework", "log", "mia-k", "--kind", kind], input=typed_in)
    assert result.exit_code == 0, result.output
    screen = result.stderr.rsplit("1 When:", 1)[1]
    for line in shown:
        assert line in screen, screen
    for raw in ("sleep_hours", "anchor_low", "anchor_high", "tension_before", "text:", "mood:"):
        assert raw not in screen, screen
    assert "c = change one answer" in screen


def test_what_was_practised_is_saved_and_exported(runner, journal, clock):
    import csv
    import io

    from otjournal.cli import app

    journal.add_client(make_client())
    logged = runner.invoke(
        app,
        ["homework", "log", "mia-k", "--kind", "practice", "--what", "quiet walk",
         "--done", "yes", "--mastery", "6", "--by", "Mia", "--no-input"],
    )  # fmt: skip
    assert logged.exit_code == 0, logged.output
    out = runner.invoke(app, ["export", "--table", "homework"]).stdout.lstrip("\ufeff")
    [row] = list(csv.DictReader(io.StringIO(out)))
    assert (row["entry_kind"], row["done"], row["what"], row["mastery"]) == (
        "practice",
        "yes",
        "quiet walk",
        "6",
    )
    summary = runner.invoke(app, ["homework", "summary", "mia-k"]).stdout
    assert "1 practice entry: quiet walk ×1; mastery 6.0 on average" in " ".join(summary.split())
