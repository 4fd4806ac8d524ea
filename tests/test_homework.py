"""The homework journal through the CLI: log (flags, --from, prompts), list, add,
export/import between two folders, summary, and ``otj init --self``.

Each test runs the real Typer app, then reads the files written (or not written) with
tomllib and checks them against the scales in docs (domain.md): practice 0-10,
relaxation tension 0-10 with its anchors, thought record 0-100 %, mood 0-10.
"""

from __future__ import annotations

import json
import re
import shlex
import stat
import tomllib
from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest

from otjournal.cli import app
from otjournal.disk import tomlio
from otjournal.disk.sharing import checksum
from otjournal.disk.store import Journal
from otjournal.model import Assignment, Caregiver, Plan
from otjournal.model.kinds import HOMEWORK_KINDS
from otjournal.model.vocab import HOMEWORK_DONE
from tests.conftest import make_client, make_session
from tests.helpers import tree

PARTS = {
    "practice": "practice",
    "relaxation": "relaxation",
    "thought-record": "thought_record",
    "mood-check": "mood",
    "journal": None,
}
ANCHORS = ("0 = completely relaxed", "10 = the most tense I have felt")
NEUTRAL_BANNED = ("non-compliant", "noncompliant", "compliance", "missed", "failed", "refused")
LACE = Assignment("hw-lace", "Lacing card", "practice", 5, since=date(2020, 1, 1))
BELLY = Assignment("hw-belly", "Belly breathing", "relaxation", 3)


# -- helpers ---------------------------------------------------------------------------------


def sh(command: str) -> list[str]:
    return shlex.split(command)


def run(runner, *args, input=None):
    return runner.invoke(app, [str(a) for a in args], input=input)


def local_now() -> datetime:
    return datetime.now().astimezone()


def local_today() -> date:
    return local_now().date()


def homework_files(notes: Path, handle: str = "mia-k") -> list[Path]:
    return sorted((notes / "clients" / handle / "homework").glob("*.toml"))


def saved(notes: Path, handle: str = "mia-k") -> list[dict]:
    return [tomllib.loads(p.read_text("utf-8")) for p in homework_files(notes, handle)]


def only_entry(notes: Path, handle: str = "mia-k") -> dict:
    entries = saved(notes, handle)
    assert len(entries) == 1, entries
    return entries[0]


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def names_range(message: str, lo: int, hi: int) -> bool:
    """'0 to 10', '0-10', 'from 0 to 100 %', '0<=x<=10': both ends of the scale."""
    return re.search(rf"(?<![\d-]){lo}\D{{1,12}}{hi}(?!\d)", message) is not None


def check_common(e: dict, kind: str, by: str = "Sarah", client: str = "mia-k") -> None:
    assert e["format_version"] == 1
    assert e["kind"] == "homework"
    assert e["entry_kind"] == kind
    assert e["client"] == client
    assert e["written_by"] == by
    assert re.fullmatch(r"\d{4}-\d\d-\d\d_\d{4}_[a-z0-9]+", e["id"])
    assert e["at"].tzinfo is not None
    assert e["written_at"].tzinfo is not None
    # exactly the kind's own table
    present = {k for k in PARTS.values() if k and k in e}
    assert present == ({PARTS[kind]} if PARTS[kind] else set())


def check_scales(e: dict) -> None:
    """Every rating within its scale (domain.md)."""

    def within(value, lo, hi):
        assert isinstance(value, int) and not isinstance(value, bool), value
        assert lo <= value <= hi, value

    if "practice" in e:
        p = e["practice"]
        assert p["done"] in HOMEWORK_DONE
        for key in ("mastery", "pleasure", "mood_before", "mood_after"):
            if key in p:
                within(p[key], 0, 10)
    if "relaxation" in e:
        r = e["relaxation"]
        assert r["technique"]
        assert r["anchor_low"] and r["anchor_high"]  # the scale is stored with the entry
        for key in ("tension_before", "tension_after"):
            if key in r:
                within(r[key], 0, 10)
        if "minutes" in r:
            within(r["minutes"], 0, 600)
    if "thought_record" in e:
        t = e["thought_record"]
        assert t["situation"]
        assert t["emotions"] and t["thoughts"]
        for em in t["emotions"]:
            assert em["name"]
            within(em["before"], 0, 100)
            if "after" in em:
                within(em["after"], 0, 100)
        for th in t["thoughts"]:
            assert th["text"]
            within(th["belief"], 0, 100)
        assert sum(1 for th in t["thoughts"] if th.get("hot")) == 1, "exactly one hot thought"
        if "balanced_belief" in t:
            within(t["balanced_belief"], 0, 100)
    if "mood" in e:
        within(e["mood"]["mood"], 0, 10)
        if "sleep_hours" in e["mood"]:
            assert 0 <= e["mood"]["sleep_hours"] <= 24


def wall(at: datetime) -> datetime:
    return at.replace(tzinfo=None)


def yesterday_at(hour: int, minute: int) -> datetime:
    return datetime.combine(local_today() - timedelta(days=1), time(hour, minute))


@pytest.fixture
def mia(journal: Journal) -> Journal:
    """Mia, whose mother Sarah journals the homework; one hand-added practice in force."""
    journal.add_client(make_client(caregivers=(Caregiver("Sarah", "mother"),), assignments=(LACE,)))
    return journal


@pytest.fixture
def config_path(isolated_home: Path) -> Path:
    return isolated_home / "config" / "otjournal" / "config.toml"


# -- log with flags (--no-input) ---------------------------------------------------------------

FLAG_CASES = {
    "practice": (
        [
            "hw-lace",
            "--done",
            "partly",
            "--how",
            "three holes, then a break",
            "--mastery",
            "6",
            "--pleasure",
            "0",
            "--mood-before",
            "4",
            "--mood-after",
            "10",
        ],
        {
            "practice": {
                "done": "partly",
                "how_it_went": "three holes, then a break",
                "mastery": 6,
                "pleasure": 0,
                "mood_before": 4,
                "mood_after": 10,
            },
            "assignment": "hw-lace",
        },
    ),
    "relaxation": (
        [
            "--kind",
            "relaxation",
            "--technique",
            "belly breathing",
            "--minutes",
            "10",
            "--tension-before",
            "8",
            "--tension-after",
            "0",
        ],
        {
            "relaxation": {
                "technique": "belly breathing",
                "minutes": 10,
                "tension_before": 8,
                "tension_after": 0,
                "anchor_low": ANCHORS[0],
                "anchor_high": ANCHORS[1],
            }
        },
    ),
    "thought-record": (
        [
            "--kind",
            "thought-record",
            "--situation",
            "On the bus to school",
            "--emotion",
            "anxious:80:40",
            "--emotion",
            "sad:50%",
            "--thought",
            "They are all staring at me:75:hot",
            "--thought",
            "I look odd:40",
            "--evidence-for",
            "Someone looked up",
            "--evidence-against",
            "Most people were on their phones",
            "--balanced",
            "People are mostly busy with themselves",
            "--balanced-belief",
            "60",
        ],
        {
            "thought_record": {
                "situation": "On the bus to school",
                "emotions": [
                    {"name": "anxious", "before": 80, "after": 40},
                    {"name": "sad", "before": 50},
                ],
                "thoughts": [
                    {"text": "They are all staring at me", "belief": 75, "hot": True},
                    {"text": "I look odd", "belief": 40},
                ],
                "evidence_for": "Someone looked up",
                "evidence_against": "Most people were on their phones",
                "balanced_thought": "People are mostly busy with themselves",
                "balanced_belief": 60,
            }
        },
    ),
    "mood-check": (
        ["--kind", "mood-check", "--mood", "0", "--sleep", "7.5"],
        {"mood": {"mood": 0, "sleep_hours": 7.5}},
    ),
    "journal": (
        ["--kind", "journal", "--text", "Mia laced her own shoe today."],
        {"text": "Mia laced her own shoe today."},
    ),
}


@pytest.mark.parametrize("kind", list(FLAG_CASES))
def test_log_each_kind_with_flags(runner, mia, notes, kind):
    args, expected = FLAG_CASES[kind]
    before = local_now().replace(microsecond=0)
    result = run(
        runner,
        "homework",
        "log",
        "mia-k",
        *args,
        "--by",
        "Sarah",
        "--at",
        "yesterday 19:30",
        "--no-input",
    )
    after = local_now()
    assert result.exit_code == 0, result.output
    e = only_entry(notes)
    assert result.stdout == f"Saved {kind} entry {e['id']}.\n"
    check_common(e, kind)
    check_scales(e)
    for key, value in expected.items():
        assert e[key] == value, key
    assert wall(e["at"]) == yesterday_at(19, 30)
    assert e["at"].utcoffset() == after.utcoffset()
    assert before <= e["written_at"] <= after  # from the clock, never from input
    path = homework_files(notes)[0]
    assert path.name == f"{e['id']}.toml"
    assert mode(path) == 0o600


def test_log_with_a_list_number_links_the_assignment(runner, mia, notes):
    result = run(runner, *sh("homework log mia-k 1 --by Sarah --done yes --no-input"))
    assert result.exit_code == 0, result.output
    e = only_entry(notes)
    assert (e["assignment"], e["entry_kind"], e["practice"]) == (
        "hw-lace",
        "practice",
        {"done": "yes"},
    )


@pytest.mark.parametrize(
    ("what", "counted"),
    [
        ("Lacing card", True),
        ("  lacing   CARD ", True),  # letter case and spacing aside
        ("Lácing card", True),  # accents aside
        ("Lacing cards", False),  # other words: practice of its own
        ("Obstacle course", False),
    ],
)
def test_practice_named_by_its_homeworks_words_counts_for_it(runner, mia, notes, what, counted):
    """A caregiver who writes what was practised rather than its id: the entry counts for
    the homework of that name (and says so), or stays practice of its own."""
    result = run(
        runner, "homework", "log", "mia-k", "--kind", "practice", "--what", what,
        "--by", "Sarah", "--done", "yes", "--no-input",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    e = only_entry(notes)
    # Linked, the homework's name is the entry's (one homework in the summary, however
    # it was spelt); other words are kept as written.
    assert (e.get("assignment"), e["practice"].get("what")) == (
        ("hw-lace", None) if counted else (None, what)
    )
    assert ("It counts for hw-lace (Lacing card)." in result.stdout) is counted
    listed = json.loads(run(runner, "homework", "list", "mia-k", "--json").stdout)
    assert listed["homework"][0]["logged_this_week"] == (1 if counted else 0)


def test_practice_named_without_its_kind_counts_too(runner, mia, notes, tmp_path):
    """--what alone makes a practice entry: it is linked as with --kind practice; so is a
    file's [practice] table without an entry_kind."""
    args = ("--by", "Sarah", "--done", "yes", "--no-input")
    ok = run(runner, "homework", "log", "mia-k", "--what", "lacing card", *args)
    assert ok.exit_code == 0, ok.output
    source = _from_file(tmp_path, '[practice]\ndone = "yes"\nwhat = "Lacing card"\n')
    ok = run(runner, "homework", "log", "mia-k", "--from", source)
    assert ok.exit_code == 0, ok.output
    assert [e.get("assignment") for e in saved(notes)] == ["hw-lace", "hw-lace"]


def test_a_late_entry_counts_for_the_homework_set_on_its_day(runner, journal, notes, clock):
    """The same homework set again by a later session (a new id): practice logged late,
    on a day before the second setting, is linked to the first and says so."""
    from tests.conftest import TZ

    journal.add_client(make_client())
    for day, hid in ((1, "hw-first"), (5, "hw-again")):
        plan = Plan("Laces", "", (Assignment(hid, "Lacing card", "practice", 5),))
        journal.add_session(make_session(start=datetime(2026, 3, day, 9, 0, tzinfo=TZ), plan=plan))
    args = ("--kind", "practice", "--what", "lacing card", "--by", "Sarah", "--done", "yes")
    late = run(runner, "homework", "log", "mia-k", *args, "--at", "2026-03-03 18:00", "--no-input")
    assert late.exit_code == 0, late.output
    assert "It counts for hw-first (Lacing card)." in late.stdout
    today = run(runner, "homework", "log", "mia-k", *args, "--no-input")
    assert "It counts for hw-again (Lacing card)." in today.stdout
    linked = sorted((str(e["at"]), e["assignment"]) for e in saved(notes))
    assert [hid for _, hid in linked] == ["hw-first", "hw-again"]


def test_a_resumed_draft_given_other_words_is_not_linked_by_the_old_ones(runner, mia, notes):
    """The link is made as the entry is saved, from what it says then."""
    from otjournal.forms.drafts import default_drafts

    started = runner.invoke(
        app, [*sh("homework log mia-k --kind practice --by Sarah"), "--what", "Lacing card"],
        input="",
    )  # fmt: skip
    assert started.exit_code == 1  # input ended before the entry was done: a draft is kept
    [draft] = default_drafts().entries()
    resumed = run(
        runner, *sh(f"homework log --resume --draft {draft.id} --done yes --no-input"),
        "--what", "Played in the sandpit",
    )  # fmt: skip
    assert resumed.exit_code == 0, resumed.output
    e = only_entry(notes)
    assert ("assignment" in e, e["practice"]["what"]) == (False, "Played in the sandpit")
    assert "It counts for" not in resumed.stdout


def test_homework_added_with_words_already_assigned_is_noted(runner, mia, notes):
    result = run(runner, "homework", "add", "mia-k", "--text", "lacing card")
    assert result.exit_code == 0, result.output
    assert "Note: hw-lace has the same words: log practice of each by its id" in result.stderr
    for args in (["--text", "Scooter"], ["--text", "Lacing card", "--kind", "relaxation"]):
        other = run(runner, "homework", "add", "mia-k", *args)  # never named by --what
        assert other.exit_code == 0 and other.stderr == "", args


def test_practice_named_by_words_two_homework_share_stays_its_own(runner, journal, notes):
    twin = Assignment("hw-lace2", "Lacing card", "practice", 2, since=date(2020, 1, 1))
    journal.add_client(make_client(assignments=(LACE, twin)))
    result = run(runner, *sh("homework log mia-k --kind practice --by Sarah --done yes --no-input"),
                 "--what", "Lacing card")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "assignment" not in only_entry(notes)
    # Said, not left silent: which homework share the words, and how to name one.
    assert "hw-lace and hw-lace2 share these words, so it counts for neither" in result.stderr
    assert "'otj homework log mia-k N' names one" in result.stderr
    assert "It counts for" not in result.stdout


def test_a_single_thought_given_by_flag_is_the_hot_thought(runner, mia, notes):
    """The guided flow marks a lone automatic thought hot; flags must give the same record."""
    result = run(
        runner,
        *sh("homework log mia-k --kind thought-record --by Sarah --situation Bus"),
        *sh("--emotion anxious:70 --thought 'I will be late:80' --no-input"),
    )
    assert result.exit_code == 0, result.output
    e = only_entry(notes)
    assert e["thought_record"]["thoughts"] == [
        {"text": "I will be late", "belief": 80, "hot": True}
    ]


def test_two_hot_thoughts_are_refused_and_nothing_is_written(runner, mia, notes):
    before = tree(notes)
    result = run(
        runner,
        *sh("homework log mia-k --kind thought-record --by Sarah --situation Bus"),
        *sh("--emotion anxious:70 --thought a:50:hot --thought b:60:hot --no-input"),
    )
    assert result.exit_code != 0
    assert "only one automatic thought can be marked hot" in result.stderr
    assert tree(notes) == before


def test_relaxation_from_a_file_keeps_its_own_anchors(runner, mia, notes, tmp_path):
    """Sheets differ in direction: the entry says which end is relaxed."""
    source = tmp_path / "relax.toml"
    source.write_text(
        'entry_kind = "relaxation"\nwritten_by = "Sarah"\nat = 2026-03-04T19:00:00+10:00\n'
        '[relaxation]\ntechnique = "PMR"\ntension_before = 2\ntension_after = 8\n'
        'anchor_low = "0 = very tense"\nanchor_high = "10 = fully relaxed"\n'
    )
    result = run(runner, "homework", "log", "mia-k", "--from", source)
    assert result.exit_code == 0, result.output
    e = only_entry(notes)
    check_common(e, "relaxation")
    check_scales(e)
    assert e["relaxation"]["anchor_low"] == "0 = very tense"
    assert e["relaxation"]["anchor_high"] == "10 = fully relaxed"
    assert e["at"] == datetime.fromisoformat("2026-03-04T19:00:00+10:00")


MISSING_CASES = [
    ([], ["entry_kind", "--kind", "written_by", "--by"]),
    (["--kind", "practice"], ["written_by", "--by", "--done"]),
    (["--kind", "practice", "--by", "Sarah"], ["--done"]),
    (["--kind", "relaxation", "--by", "Sarah"], ["relaxation.technique", "--technique"]),
    (
        ["--kind", "thought-record", "--by", "Sarah", "--situation", "Bus"],
        ["thought_record.emotions", "--emotion", "thought_record.thoughts", "--thought"],
    ),
    (["--kind", "thought-record", "--by", "Sarah"], ["--situation", "--emotion", "--thought"]),
    (["--kind", "mood-check", "--by", "Sarah"], ["mood", "--mood"]),
    (["--kind", "journal", "--by", "Sarah"], ["text", "--text"]),
]


@pytest.mark.parametrize(("args", "named"), MISSING_CASES)
def test_no_input_with_missing_fields_exits_2_naming_them(runner, mia, notes, args, named):
    before = tree(notes)
    result = run(runner, "homework", "log", "mia-k", *args, "--no-input")
    assert result.exit_code == 2, result.output
    assert "cannot save without" in result.stderr
    for name in named:
        assert name in result.stderr
    assert "Traceback" not in result.output
    assert tree(notes) == before


def _from_file(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "entry.toml"
    path.write_text('written_by = "Sarah"\n' + body)
    return path


OUT_OF_RANGE = {
    "mood 11": (["--kind", "mood-check", "--mood", "11"], 0, 10),
    "mastery -1": (["--kind", "practice", "--done", "yes", "--mastery", "-1"], 0, 10),
    "tension 11": (
        ["--kind", "relaxation", "--technique", "breathing", "--tension-after", "11"],
        0,
        10,
    ),
    "emotion 101": (
        sh("--kind thought-record --situation Bus --emotion anxious:101 --thought t:50:hot"),
        0,
        100,
    ),
    "emotion after 101": (
        sh("--kind thought-record --situation Bus --emotion anxious:50:101 --thought t:50:hot"),
        0,
        100,
    ),
    "belief 150": (
        sh("--kind thought-record --situation Bus --emotion anxious:50 --thought t:150:hot"),
        0,
        100,
    ),
}


@pytest.mark.parametrize("case", list(OUT_OF_RANGE))
def test_out_of_range_flags_are_refused_naming_the_range(runner, mia, notes, case):
    args, lo, hi = OUT_OF_RANGE[case]
    before = tree(notes)
    result = run(runner, "homework", "log", "mia-k", *args, "--by", "Sarah", "--no-input")
    assert result.exit_code in (1, 2), result.output
    assert "Traceback" not in result.output
    assert names_range(result.stderr, lo, hi), result.stderr
    assert tree(notes) == before


@pytest.mark.parametrize(
    ("body", "lo", "hi"),
    [
        (
            'entry_kind = "thought-record"\n[thought_record]\nsituation = "Bus"\n'
            '[[thought_record.emotions]]\nname = "anxious"\nbefore = 101\n'
            '[[thought_record.thoughts]]\ntext = "t"\nbelief = 50\nhot = true\n',
            0,
            100,
        ),
        ('entry_kind = "mood-check"\n[mood]\nmood = 11\n', 0, 10),
        ('entry_kind = "practice"\n[practice]\ndone = "yes"\nmastery = -1\n', 0, 10),
    ],
    ids=["emotion 101", "mood 11", "mastery -1"],
)
def test_out_of_range_values_from_a_file_are_refused(runner, mia, notes, tmp_path, body, lo, hi):
    before = tree(notes)
    result = run(runner, "homework", "log", "mia-k", "--from", _from_file(tmp_path, body))
    assert result.exit_code in (1, 2), result.output
    assert "Traceback" not in result.output
    assert names_range(result.stderr, lo, hi), result.stderr
    assert tree(notes) == before


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--kind", "homework"], "--kind must be one of"),
        (["--kind", "mood-check", "--mood", "5", "--at", "teatime"], "is not a time"),
        (["--kind", "thought-record", "--emotion", "anxious"], "NAME:BEFORE"),
        (["--kind", "thought-record", "--thought", "no belief"], "TEXT:BELIEF"),
        (["nope", "--done", "yes"], "no homework 'nope' was set"),
    ],
)
def test_log_usage_errors_exit_2_and_write_nothing(runner, mia, notes, args, message):
    before = tree(notes)
    result = run(runner, "homework", "log", "mia-k", *args, "--by", "Sarah", "--no-input")
    assert result.exit_code == 2, result.output
    assert message in result.stderr
    assert tree(notes) == before


def test_log_for_an_unknown_client_is_a_clear_error(runner, mia, notes):
    before = tree(notes)
    result = run(runner, *sh("homework log tom --kind journal --text x --by S --no-input"))
    assert result.exit_code == 1
    assert "no client 'tom'" in result.stderr
    assert tree(notes) == before


# -- log through the prompts (input=) ----------------------------------------------------------


def lines(*answers: str) -> str:
    return "\n".join(answers) + "\n"


def test_interactive_practice_for_a_child(runner, mia, notes):
    result = run(
        runner,
        "homework",
        "log",
        "mia-k",
        input=lines("1", "", "yesterday 19:30", "", "p", "three holes", "6", "7", "4", "6", "y"),
    )
    assert result.exit_code == 0, result.output
    prompts = result.stderr
    assert "Mia K.'s entry" in prompts
    assert "Did Mia do it" in prompts
    assert "Did you do it" not in prompts
    assert "Who is writing [Sarah]" in prompts  # the caregiver by default
    assert "y yes · p partly · n not this time" in prompts
    e = only_entry(notes)
    check_common(e, "practice")
    check_scales(e)
    assert e["assignment"] == "hw-lace"
    assert wall(e["at"]) == yesterday_at(19, 30)
    assert e["practice"] == {
        "done": "partly",
        "how_it_went": "three holes",
        "mastery": 6,
        "pleasure": 7,
        "mood_before": 4,
        "mood_after": 6,
    }


def test_interactive_not_this_time_skips_mastery_and_pleasure(runner, mia, notes):
    result = run(
        runner,
        "homework",
        "log",
        "mia-k",
        "--kind",
        "practice",
        input=lines("", "", "", "n", "y"),
    )
    assert result.exit_code == 0, result.output
    assert "What did Mia practise" in result.stderr  # nothing assigned picked: asked
    assert "Mastery" not in result.stderr
    assert "How did it go" not in result.stderr  # "not this time": nothing to rate
    assert "Did Mia do it: not this time" in result.stderr  # the review, in words
    assert not any(w in result.output.lower() for w in NEUTRAL_BANNED)
    e = only_entry(notes)
    assert e["practice"] == {"done": "not-this-time"}
    assert wall(e["at"]) <= wall(local_now())


def test_interactive_relaxation_stores_the_anchors(runner, mia, notes):
    result = run(
        runner,
        "homework",
        "log",
        "mia-k",
        "--kind",
        "relaxation",
        input=lines("", "", "belly breathing", "10", "8", "3", "y"),
    )
    assert result.exit_code == 0, result.output
    assert f"{ANCHORS[0]} … {ANCHORS[1]}" in result.stderr  # the scale is shown when asked
    e = only_entry(notes)
    check_common(e, "relaxation")
    check_scales(e)
    assert e["relaxation"] == {
        "technique": "belly breathing",
        "minutes": 10,
        "tension_before": 8,
        "tension_after": 3,
        "anchor_low": ANCHORS[0],
        "anchor_high": ANCHORS[1],
    }


def test_interactive_thought_record_has_seven_columns(runner, mia, notes):
    answers = lines(
        "",  # who
        "",  # when
        "On the bus",
        "",  # situation
        "anxious",
        "80",
        "sad",
        "40",
        "",  # emotions
        "They are staring",
        "70",
        "I look odd",
        "50",
        "",  # thoughts
        "2",  # the hot one
        "Someone looked up",
        "",
        "Most people were on their phones",
        "",
        "People mostly ignore me",
        "",
        "65",
        "30",  # anxious now
        "20",  # sad now
        "y",
    )
    result = run(runner, "homework", "log", "mia-k", "--kind", "thought-record", input=answers)
    assert result.exit_code == 0, result.output
    e = only_entry(notes)
    check_common(e, "thought-record")
    check_scales(e)
    assert e["thought_record"] == {
        "situation": "On the bus",
        "emotions": [
            {"name": "anxious", "before": 80, "after": 30},
            {"name": "sad", "before": 40, "after": 20},
        ],
        "thoughts": [
            {"text": "They are staring", "belief": 70},
            {"text": "I look odd", "belief": 50, "hot": True},
        ],
        "evidence_for": "Someone looked up",
        "evidence_against": "Most people were on their phones",
        "balanced_thought": "People mostly ignore me",
        "balanced_belief": 65,
    }


def test_interactive_mood_check_asks_again_out_of_range(runner, mia, notes):
    result = run(
        runner,
        "homework",
        "log",
        "mia-k",
        input=lines("mood-check", "", "", "11", "7", "8.5", "y"),
    )
    assert result.exit_code == 0, result.output
    assert "Please give a whole number from 0 to 10" in result.stderr
    assert "0 lowest, 10 best" in result.stderr
    e = only_entry(notes)
    check_common(e, "mood-check")
    check_scales(e)
    assert e["mood"] == {"mood": 7, "sleep_hours": 8.5}
    assert "assignment" not in e


def test_interactive_journal_keeps_every_line(runner, mia, notes):
    result = run(
        runner,
        "homework",
        "log",
        "mia-k",
        "--kind",
        "journal",
        input=lines("", "", "Laced one shoe.", "Wanted to do the other too.", "", "y"),
    )
    assert result.exit_code == 0, result.output
    e = only_entry(notes)
    check_common(e, "journal")
    assert e["text"] == "Laced one shoe.\nWanted to do the other too."


def test_interactive_keep_the_draft_writes_no_entry(runner, mia, notes):
    result = run(
        runner,
        "homework",
        "log",
        "mia-k",
        "--kind",
        "mood-check",
        input=lines("", "", "6", "", "q"),
    )
    assert result.exit_code == 0, result.output
    assert "kept as a draft" in result.stderr
    assert saved(notes) == []


# -- list and add ------------------------------------------------------------------------------


def test_add_writes_an_assignment_to_client_toml(runner, mia, notes):
    path = notes / "clients" / "mia-k" / "client.toml"
    before = tomllib.loads(path.read_text())
    result = run(
        runner,
        *sh("homework add mia-k --text '  Heavy work before school ' --kind relaxation"),
        *sh("--per-week 3"),
    )
    assert result.exit_code == 0, result.output
    new_id = re.search(r"Added homework (hw-[a-z0-9]+) for mia-k", result.stdout).group(1)
    after = tomllib.loads(path.read_text())
    assert after["assignments"][0] == before["assignments"][0]
    assert after["assignments"][1] == {
        "id": new_id,
        "text": "Heavy work before school",
        "kind": "relaxation",
        "per_week": 3,
        "since": local_today(),
    }
    assert {k: v for k, v in after.items() if k != "assignments"} == {
        k: v for k, v in before.items() if k != "assignments"
    }
    assert mode(path) == 0o600


def test_add_with_since_and_until(runner, mia, notes):
    result = run(
        runner, *sh("homework add mia-k --text Swing --since 2026-01-05 --until 2026-02-01")
    )
    assert result.exit_code == 0, result.output
    added = tomllib.loads((notes / "clients/mia-k/client.toml").read_text())["assignments"][1]
    assert (added["kind"], added["since"], added["until"]) == (
        "practice",
        date(2026, 1, 5),
        date(2026, 2, 1),
    )
    assert "per_week" not in added


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--text", "x", "--kind", "homework"],
            f"--kind must be one of {', '.join(HOMEWORK_KINDS)}",
        ),
        (["--text", "x", "--kind", "Practice"], "--kind must be one of"),
        (["--text", "x", "--since", "2026-02-01", "--until", "2026-01-01"], "--until"),
        (["--text", "   "], "must not be empty"),
        ([], "--text is required"),
    ],
)
def test_add_refuses_bad_input_and_leaves_client_toml_alone(runner, mia, notes, args, message):
    before = tree(notes)
    result = run(runner, "homework", "add", "mia-k", *args)
    assert result.exit_code == 2, result.output
    assert message in result.stderr
    assert tree(notes) == before


@pytest.fixture
def planned(mia: Journal, runner) -> Journal:
    """An older session's homework (replaced), the latest session's, and logs this week
    and last week."""
    now = local_now()
    mia.add_session(
        make_session(
            start=now - timedelta(days=20),
            plan=Plan("Summary.", "", (Assignment("hw-old", "Old plan", "practice", 2),)),
        )
    )
    mia.add_session(
        make_session(
            start=now - timedelta(days=2),
            plan=Plan("Summary.", "", (BELLY,)),
        )
    )
    last_sunday = local_today() - timedelta(days=local_today().weekday() + 1)
    for extra in ([], [], ["--at", f"{last_sunday} 12:00"]):
        result = run(
            runner, *sh("homework log mia-k hw-lace --by Sarah --done yes --no-input"), *extra
        )
        assert result.exit_code == 0, result.output
    return mia


def test_homework_the_plan_has_moved_on_from_can_still_be_logged(runner, planned):
    """A caregiver catching up after a new session set new homework: the earlier
    homework, named by its id, takes the entry, and the plan counts it."""
    day = local_today() - timedelta(days=15)
    result = run(
        runner, *sh("homework log mia-k hw-old --by Sarah --done yes --no-input"),
        "--at", f"{day} 18:00",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    since = str(day - timedelta(days=6))
    summary = run(runner, "homework", "summary", "mia-k", "--since", since, "--json")
    rows = {a["id"]: a for a in json.loads(summary.stdout)["adherence"]}
    assert rows["hw-old"]["practised"] == 1, rows
    listed = run(runner, "homework", "list", "mia-k").stdout
    assert "hw-old" not in listed  # not current: only accepted by its id


def test_list_table_shows_id_frequency_since_and_this_week(runner, planned):
    result = run(runner, "homework", "list", "mia-k")
    assert result.exit_code == 0, result.output
    text = result.stdout
    for header in ("id", "how often", "since", "this week"):
        assert header in text
    rows = {line.split()[0]: line for line in text.splitlines()[1:] if line.strip()}
    assert set(rows) == {"hw-belly", "hw-lace"}  # the older session's plan was replaced
    session_day = (local_now() - timedelta(days=2)).date()
    assert re.search(rf"3× a week\s+{session_day}\s+0$", rows["hw-belly"])
    assert re.search(r"5× a week\s+2020-01-01\s+2$", rows["hw-lace"])


def test_list_json(runner, planned):
    result = run(runner, "homework", "list", "mia-k", "--json")
    assert result.exit_code == 0, result.output
    data = {row["id"]: row for row in json.loads(result.stdout)["homework"]}
    assert data["hw-lace"] == {
        "client": "mia-k",
        "id": "hw-lace",
        "text": "Lacing card",
        "kind": "practice",
        "per_week": 5,
        "until": None,
        "since": "2020-01-01",
        "source": "added by hand",
        "logged_this_week": 2,
        "practised_this_week": 2,
    }
    belly = data["hw-belly"]
    assert belly["since"] == str((local_now() - timedelta(days=2)).date())
    assert belly["source"].startswith(str((local_now() - timedelta(days=2)).date()))
    assert (belly["per_week"], belly["logged_this_week"]) == (3, 0)


def test_list_with_nothing_assigned(runner, journal):
    journal.add_client(make_client())
    result = run(runner, "homework", "list", "mia-k")
    assert result.exit_code == 0
    assert "Nothing assigned right now" in result.stdout
    listed = json.loads(run(runner, "homework", "list", "mia-k", "--json").stdout)
    assert listed == {"schema": "otjournal.homework-list/1", "homework": [], "later": []}


def test_homework_set_to_start_later_is_listed_apart_and_counted_nowhere(runner, journal):
    """Added with a later --since, a homework is not assigned yet: `homework list` shows
    it under "Starting later" (it showed nowhere), and no plan counts it."""
    journal.add_client(make_client())
    start = local_now().date() + timedelta(days=15)
    added = run(
        runner, *sh("homework add mia-k --text 'Future walk' --per-week 3 --since"), str(start)
    )
    assert added.exit_code == 0, added.output
    listed = run(runner, "homework", "list", "mia-k")
    assert listed.stdout.startswith("Nothing assigned right now.\n\nStarting later\n")
    assert "Future walk" in listed.stdout and str(start) in listed.stdout
    every = run(runner, "homework", "list")
    assert "Mia" in every.stdout and "Starting later" in every.stdout
    for args in (["homework", "list", "mia-k", "--json"], ["homework", "list", "--json"]):
        data = json.loads(run(runner, *args).stdout)
        assert data["homework"] == [] and [h["text"] for h in data["later"]] == ["Future walk"]
        assert data["later"][0]["since"] == str(start)
    summary = json.loads(run(runner, "homework", "summary", "mia-k", "--json").stdout)
    assert summary["adherence"] == [] and summary["current"] == []


def test_a_summary_with_homework_set_and_nothing_logged_says_nothing_against_it(runner, journal):
    """Homework set for a past fortnight, no entry logged: the plan's table says
    "practised 0 times", and no line under it says none was assigned."""
    day = local_now().date()
    walk = Assignment(
        "hw-walk", "Walk", "practice", 2, since=day - timedelta(days=30), until=day - timedelta(16)
    )
    journal.add_client(make_client(assignments=(walk,)))
    result = run(runner, "homework", "summary", "mia-k")
    assert result.exit_code == 0, result.output
    assert "Walk" in result.stdout and "practised 0 times of about 4 planned" in result.stdout
    assert "No homework assigned" not in result.stdout
    journal.add_client(make_client("sam-r"))
    empty = run(runner, "homework", "summary", "sam-r")
    assert "No homework assigned or logged yet." in empty.stdout


def test_summary_words_stay_neutral(runner, mia, notes):
    for done in ("yes", "not-this-time", "not-this-time"):
        result = run(runner, *sh("homework log mia-k hw-lace --by Sarah --no-input --done"), done)
        assert result.exit_code == 0, result.output
    result = run(runner, "homework", "summary", "mia-k")
    assert result.exit_code == 0, result.output
    assert "2 × not this time" in result.stdout
    assert not any(w in result.stdout.lower() for w in NEUTRAL_BANNED)
    data = json.loads(run(runner, "homework", "summary", "mia-k", "--json").stdout)
    row = data["adherence"][0]
    assert (row["id"], row["practised"], row["not_this_time"]) == ("hw-lace", 1, 2)


# -- export and import -------------------------------------------------------------------------


@pytest.fixture
def two(runner, tmp_path):
    """Two separate journals: the family's (mia-k, three entries) and the practitioner's,
    where the same child is 'mia'."""
    a, b = tmp_path / "family", tmp_path / "clinic"
    Journal(a).add_client(make_client("mia-k", assignments=(LACE,)))
    Journal(b).add_client(make_client("mia"))
    logs = [
        "hw-lace --done yes --how 'three holes' --mastery 6 --at '2026-03-02 18:00'",
        "--kind relaxation --technique 'belly breathing' --tension-before 8 --tension-after 3"
        " --at '2026-03-09 19:00'",
        "--kind thought-record --situation Bus --emotion anxious:80:40"
        " --thought 'They stare:70:hot' --at '2026-03-16 08:15'",
    ]
    for args in logs:
        result = run(
            runner, "homework", "log", "mia-k", *sh(args), *sh("--by Sarah --no-input"), "--dir", a
        )
        assert result.exit_code == 0, result.output
    return a, b


def export(runner, folder: Path, out: Path, *args: str, client: str = "mia-k"):
    return run(runner, "homework", "export", client, "-o", out, *args, "--dir", folder)


def test_export_then_import_into_another_journal(runner, two, tmp_path):
    a, b = two
    share = tmp_path / "share.toml"
    result = export(runner, a, share)
    assert result.exit_code == 0, result.output
    assert "Exported 3 entries" in result.stdout
    assert mode(share) == 0o600
    data = tomllib.loads(share.read_text())
    assert (data["kind"], data["client"], data["count"]) == ("homework-export", "mia-k", 3)
    assert re.fullmatch(r"[0-9a-f]{64}", data["sha256"])
    originals = {e["id"]: e for e in saved(a)}
    assert {e["id"] for e in data["entries"]} == set(originals)

    result = run(runner, "homework", "import", share, "--client", "mia", "--dir", b)
    assert result.exit_code == 0, result.output
    assert "3 added" in result.stdout
    files = homework_files(b, "mia")
    assert len(files) == 3
    for path in files:
        assert mode(path) == 0o600
        e = tomllib.loads(path.read_text())
        original = originals[e["id"]]
        assert path.name == f"{e['id']}.toml"
        assert e["client"] == "mia"
        for key in ("written_by", "written_at", "at", "entry_kind"):
            assert e[key] == original[key], key
        part = PARTS[e["entry_kind"]]
        assert e[part] == original[part]
        assert e.get("assignment") == original.get("assignment")
        shared = e["shared"]
        assert isinstance(shared["imported_at"], datetime)
        assert shared["imported_at"].tzinfo is not None
        assert shared["from_file"] == "share.toml"
        assert shared["original_client"] == "mia-k"
    assert Journal(b).load().problems == []


def test_importing_the_same_file_twice_adds_nothing(runner, two, tmp_path):
    a, b = two
    share = tmp_path / "share.toml"
    assert export(runner, a, share).exit_code == 0
    assert run(runner, "homework", "import", share, "--client", "mia", "--dir", b).exit_code == 0
    before = tree(b)
    result = run(runner, "homework", "import", share, "--client", "mia", "--dir", b)
    assert result.exit_code == 0, result.output
    assert re.search(r"\b0 added\b", result.stdout)
    assert re.search(r"\b3\b[^.]*skipped", result.stdout)
    assert tree(b) == before


def test_entries_shared_back_are_already_there(runner, two, tmp_path):
    a, b = two
    share, back = tmp_path / "share.toml", tmp_path / "back.toml"
    assert export(runner, a, share).exit_code == 0
    assert run(runner, "homework", "import", share, "--client", "mia", "--dir", b).exit_code == 0
    assert export(runner, b, back, client="mia").exit_code == 0
    before = tree(a)
    result = run(runner, "homework", "import", back, "--client", "mia-k", "--dir", a)
    assert result.exit_code == 0, result.output
    assert re.search(r"\b0 added\b", result.stdout)
    assert tree(a) == before


def test_import_uses_the_handle_in_the_file_by_default(runner, two, tmp_path):
    a, _ = two
    share = tmp_path / "share.toml"
    assert export(runner, a, share, "--since", "2026-03-16").exit_code == 0
    c = tmp_path / "other"
    Journal(c).add_client(make_client("mia-k"))
    result = run(runner, "homework", "import", share, "--dir", c)
    assert result.exit_code == 0, result.output
    (e,) = saved(c)
    assert e["client"] == "mia-k"
    assert "original_client" not in e["shared"]


def _tampered(text: str) -> str:
    changed = text.replace('how_it_went = "three holes"', 'how_it_went = "four holes"')
    assert changed != text
    tomllib.loads(changed)  # still valid TOML
    return changed


def _cut(text: str) -> str:
    return text[: text.index("written_by", text.index("[[entries]]") + 1) + 15]


def _count(text: str) -> str:
    return text.replace("count = 3", "count = 4")


def _kind(text: str) -> str:
    return text.replace('kind = "homework-export"', 'kind = "client"')


def _dropped_entry(text: str) -> str:
    cut = text[: text.rindex("[[entries]]")]
    tomllib.loads(cut)
    return cut


BAD_FILES = {
    "changed after export": (_tampered, ["sha256", "changed"]),
    "truncated mid-value": (_cut, ["not valid TOML"]),
    "last entry dropped": (_dropped_entry, ["count", "cut short"]),
    "not TOML": (lambda _: "Dear Alex, here are Mia's notes\n", ["not valid TOML"]),
    "empty": (lambda _: "", ["empty"]),
    "wrong kind": (_kind, ["kind", "homework-export"]),
    "count mismatch": (_count, ["count", "says 4"]),
    "a session file": (
        lambda _: 'format_version = 1\nkind = "session"\nid = "x"\n',
        ["kind"],
    ),
}


@pytest.mark.parametrize("case", list(BAD_FILES))
def test_a_damaged_or_wrong_file_is_refused_and_nothing_is_written(runner, two, tmp_path, case):
    a, b = two
    share = tmp_path / "share.toml"
    assert export(runner, a, share).exit_code == 0
    damage, words = BAD_FILES[case]
    share.write_text(damage(share.read_text()))
    before = tree(b)
    result = run(runner, "homework", "import", share, "--client", "mia", "--dir", b)
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert "share.toml" in result.stderr
    for word in words:
        assert word in result.stderr
    assert "three holes" not in result.stderr  # no note text in error messages
    assert tree(b) == before


def test_one_invalid_entry_imports_none(runner, two, tmp_path):
    """A file with a correct checksum but an out-of-range entry: nothing is imported."""
    a, b = two
    share = tmp_path / "share.toml"
    assert export(runner, a, share).exit_code == 0
    data = tomllib.loads(share.read_text())
    tr = next(e for e in data["entries"] if e["entry_kind"] == "thought-record")
    tr["thought_record"]["emotions"][0]["before"] = 101
    data["sha256"] = checksum(data["entries"])
    share.write_bytes(tomlio.dumps(data))
    before = tree(b)
    result = run(runner, "homework", "import", share, "--client", "mia", "--dir", b)
    assert result.exit_code == 1, result.output
    assert names_range(result.stderr, 0, 100)
    assert tree(b) == before


def test_import_needs_the_client_here(runner, two, tmp_path):
    a, b = two
    share = tmp_path / "share.toml"
    assert export(runner, a, share).exit_code == 0
    before = tree(b)
    result = run(runner, "homework", "import", share, "--dir", b)  # mia-k is 'mia' here
    assert result.exit_code == 1
    assert "no client 'mia-k'" in result.stderr
    assert tree(b) == before


def test_export_never_overwrites(runner, two, tmp_path):
    a, _ = two
    share = tmp_path / "share.toml"
    share.write_text("keep me\n")
    result = export(runner, a, share)
    assert result.exit_code == 2
    assert "never overwrites" in result.stderr
    assert share.read_text() == "keep me\n"


def test_export_since_and_id_select_entries(runner, two, tmp_path):
    a, _ = two
    ids = sorted(e["id"] for e in saved(a))  # Mar 2, Mar 9, Mar 16

    def exported(name: str, *args: str) -> list[str]:
        out = tmp_path / name
        result = export(runner, a, out, *args)
        assert result.exit_code == 0, result.output
        data = tomllib.loads(out.read_text())
        assert data["count"] == len(data["entries"])
        return sorted(e["id"] for e in data["entries"])

    assert exported("all.toml") == ids
    assert exported("since.toml", "--since", "2026-03-09") == ids[1:]
    assert exported("one.toml", "--id", ids[0]) == ids[:1]
    suffix = ids[2].rsplit("_", 1)[1]
    assert exported("suffix.toml", "--id", suffix, "--id", ids[0]) == [ids[0], ids[2]]
    # An end two entries share (a copy by hand with another day) sends neither: they are
    # the client's own words, shared one by one (found by an outside tester).
    folder = next(a.rglob("homework"))
    first = next(p for p in folder.glob("*.toml") if p.stem == ids[0])
    twin = ids[0].replace("2026-03-02", "2026-03-03")
    (folder / f"{twin}.toml").write_text(first.read_text().replace(ids[0], twin))
    end = ids[0].rsplit("_", 1)[1]
    out = tmp_path / "shared-end.toml"
    result = export(runner, a, out, "--id", end)
    assert result.exit_code == 2, result.output
    assert f"--id '{end}' matches 2 entries ({ids[0]}, {twin}): be more exact" in result.stderr
    assert not out.exists()
    assert exported("whole.toml", "--id", twin) == [twin]


def test_export_with_nothing_chosen_writes_no_file(runner, two, tmp_path):
    a, _ = two
    out = tmp_path / "none.toml"
    result = export(runner, a, out, "--since", "2030-01-01")
    assert result.exit_code == 1
    assert "nothing to export" in result.stderr
    assert not out.exists()


def test_export_to_stdout(runner, two):
    a, _ = two
    result = run(runner, "homework", "export", "mia-k", "-o", "-", "--dir", a)
    assert result.exit_code == 0, result.output
    assert tomllib.loads(result.stdout)["count"] == 3


# -- otj init --self and self mode -----------------------------------------------------------


USER_CONFIG = """\
# Sam's otjournal settings: keep this comment
[practitioner]
name = "Sam"  # shown as exported_by

[hints]
# language = false   # maybe later
"""


def test_init_self_creates_me_and_keeps_config_comments(runner, notes, config_path):
    config_path.parent.mkdir(parents=True)
    config_path.write_text(USER_CONFIG)
    result = run(runner, "init", "--self", "--name", "Sam")
    assert result.exit_code == 0, result.output
    client = tomllib.loads((notes / "clients" / "me" / "client.toml").read_text())
    assert (client["handle"], client["display_name"]) == ("me", "Sam")
    text = config_path.read_text()
    for line in USER_CONFIG.splitlines():
        assert line in text.splitlines()
    config = tomllib.loads(text)
    assert config["default_client"] == "me"
    assert config["self_mode"] is True
    assert config["practitioner"] == {"name": "Sam"}
    assert config["hints"] == {}


def test_init_self_without_a_config_writes_one(runner, notes, config_path):
    result = run(runner, "init", "--self", "--name", "Sam")
    assert result.exit_code == 0, result.output
    config = tomllib.loads(config_path.read_text())
    assert (config["default_client"], config["self_mode"]) == ("me", True)
    assert mode(config_path) & 0o077 == 0


def test_a_self_journal_needs_no_handle_to_show_itself(runner, notes, config_path):
    """ "Commands now need no client handle": `client show` too (it was "Missing argument
    'handle'"), and `homework list`'s hint names no CLIENT to type."""
    assert run(runner, "init", "--self", "--name", "Sam").exit_code == 0
    shown = run(runner, "client", "show")
    assert shown.exit_code == 0 and shown.stdout.startswith("Sam (me)"), shown.output
    listed = run(runner, "homework", "list")
    assert listed.stdout == "Nothing assigned right now. Add homework with: otj homework add\n"


def test_init_self_next_to_the_templates_commented_example(runner, notes, config_path):
    """The template's commented example left in place, the real key set below it:
    init must set the real key and keep the comment, not make a duplicate key."""
    original = (
        "# otjournal settings\n"
        '# default_client = "mia-k"         # commands need no client handle\n'
        'default_client = "tom"\n'
        "\n"
        "[practitioner]\n"
        'name = "Alex"\n'
    )
    config_path.parent.mkdir(parents=True)
    config_path.write_text(original)
    result = run(runner, "init", "--self", "--name", "Sam")
    assert result.exit_code == 0, result.output
    text = config_path.read_text()
    config = tomllib.loads(text)
    assert (config["default_client"], config["self_mode"]) == ("me", True)
    assert "# otjournal settings" in text


def test_self_mode_logs_with_no_handle_as_the_person(runner, notes, config_path):
    assert run(runner, "init", "--self", "--name", "Sam").exit_code == 0
    result = run(runner, "homework", "log", "--kind", "mood-check", "--mood", "6", "--no-input")
    assert result.exit_code == 0, result.output
    e = only_entry(notes, "me")
    check_common(e, "mood-check", by="Sam", client="me")
    assert e["mood"] == {"mood": 6}


def test_self_mode_questions_say_you(runner, notes, config_path):
    assert run(runner, "init", "--self", "--name", "Sam Lee").exit_code == 0
    added = run(runner, *sh("homework add --text 'Walk 10 minutes' --per-week 3"))
    assert added.exit_code == 0, added.output
    result = run(runner, "homework", "log", input=lines("1", "", "", "y", "", "", "", "", "y"))
    assert result.exit_code == 0, result.output
    assert "your entry" in result.stderr
    assert "What did you practise (Enter to skip) [Walk 10 minutes]" in result.stderr
    assert "Did you do it" in result.stderr
    assert "Did Sam" not in result.stderr
    assert "Who is writing" not in result.stderr  # it is you
    e = only_entry(notes, "me")
    check_common(e, "practice", by="Sam Lee", client="me")
    assert e["practice"] == {"done": "yes"}
    listed = json.loads(run(runner, "homework", "list", "--json").stdout)["homework"]
    assert listed[0]["logged_this_week"] == 1
    summary = run(runner, "homework", "summary")
    assert summary.exit_code == 0
    assert "Homework journal: you" in summary.stdout


def test_self_mode_logs_against_an_assignment_without_a_handle(runner, notes, config_path):
    """'Commands now need no client handle': `otj homework log 1` names the homework."""
    assert run(runner, "init", "--self", "--name", "Sam").exit_code == 0
    added = run(runner, "homework", "add", "--text", "Walk", "--per-week", "3")
    hw = re.search(r"(hw-[a-z0-9]+)", added.stdout).group(1)
    for ref in ("1", hw):
        result = run(runner, "homework", "log", ref, "--done", "yes", "--no-input")
        assert result.exit_code == 0, result.output
    assert [e["assignment"] for e in saved(notes, "me")] == [hw, hw]


def test_self_mode_set_for_another_folder_speaks_to_you_only(
    runner, mia, notes, config_path, tmp_path
):
    """'otj init --self' on a folder of one's own sets this device's config: in the
    practitioner's journal, another client's entry is still asked who wrote it, never
    credited to the client, and its questions still name the client."""
    config_path.parent.mkdir(parents=True)
    config_path.write_text('default_client = "mia-k"\n[practitioner]\nname = "Alex"\n')
    mine = tmp_path / "mine"
    made = run(runner, "init", "--self", "--name", "Pat", "--dir", str(mine))
    assert made.exit_code == 0, made.output
    assert f'Set in {config_path}: default_client = "me", self_mode = true' in made.stdout
    assert 'default_client was "mia-k"' in made.stdout
    unattended = run(runner, "homework", "log", "mia-k", "--kind", "mood-check", "--mood", "5",
                     "--no-input")  # fmt: skip
    assert unattended.exit_code == 2 and "--by" in unattended.output  # who wrote it?
    result = run(runner, "homework", "log", "mia-k", "--kind", "mood-check", "--mood", "5",
                 "--by", "Sarah", "--no-input")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert only_entry(notes)["written_by"] == "Sarah"
    low = run(runner, "homework", "log", "mia-k", "--kind", "mood-check", "--mood", "1",
              "--by", "Sarah", "--no-input")  # fmt: skip
    assert low.exit_code == 0 and "Thank you for writing this down" not in low.output
    asked = run(
        runner, "homework", "log", "mia-k", input=lines("1", "", "", "n", "", "", "", "", "y")
    )
    assert "Mia K.'s entry" in asked.stderr and "your entry" not in asked.stderr


def test_interactive_when_later_than_now_is_asked_again_at_once(runner, mia, notes):
    # As `otj log` does: the When question is asked again, not the whole entry after it.
    answers = ("1", "", "2099-01-01 10:00", "yesterday 19:30", "", "p", "three holes")
    result = run(
        runner,
        "homework",
        "log",
        "mia-k",
        input=lines(*answers, "6", "7", "4", "6", "y"),
    )
    assert result.exit_code == 0, result.output
    said = " ".join(result.stderr.split())  # wrapped at words to the width
    assert "is later than now" in said
    assert "an entry is written about homework already done" in said
    assert result.stderr.count("When (HH:MM") == 2
    assert wall(only_entry(notes)["at"]) == yesterday_at(19, 30)


def test_init_self_refuses_a_name_of_more_than_one_line_without_repeating_it(runner, notes):
    result = run(runner, "init", "--self", "--name", "Sam\nSecond \x1b[31mline")
    assert result.exit_code == 2, result.output
    assert "--name: a name is one line of text" in result.stderr
    assert "Second" not in result.output and "\x1b[31m" not in result.output
    assert not (notes / "clients" / "me" / "client.toml").exists()


def test_the_saved_line_names_the_homework_in_what_the_output_can_show(tmp_path):
    """An output declared ASCII gets "Balle" (the accent left off, as search folds it),
    never UTF-8 bytes it did not ask for."""
    import os
    import subprocess
    import sys

    from tests.conftest import REPO

    env = {**os.environ, "OTJOURNAL_DIR": str(tmp_path / "n"), "PYTHONIOENCODING": "ascii"}

    def otj_(*args: str) -> subprocess.CompletedProcess[bytes]:
        return subprocess.run([sys.executable, "-m", "otjournal", *args], capture_output=True,
                              cwd=REPO, env=env, timeout=60)  # fmt: skip

    assert otj_("client", "add", "mia-k", "--name", "Mia K.").returncode == 0
    assert otj_("homework", "add", "mia-k", "--text", "Bälle werfen").returncode == 0
    done = otj_("homework", "log", "mia-k", "--what", "balle werfen", "--done", "yes",
                "--by", "Sarah", "--no-input")  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.isascii() and b"(Balle werfen)." in done.stdout


def test_homework_added_by_hand_is_assigned_for_check(runner, mia, notes):
    """'otj homework add' assigns homework as a session does: an entry for it is no
    'not assigned' warning; one for an id nobody gave still is."""
    added = run(runner, "homework", "add", "mia-k", "--text", "Wall push-ups", "--per-week", "3")
    assert added.exit_code == 0, added.output
    hw = re.search(r"(hw-[a-z0-9]+)", added.stdout).group(1)
    logged = run(runner, "homework", "log", "mia-k", hw, "--done", "yes", "--by", "Dad",
                 "--no-input")  # fmt: skip
    assert logged.exit_code == 0, logged.output
    problems = json.loads(run(runner, "check", "--json").stdout)["problems"]
    assert not [p for p in problems if "was not assigned" in p["message"]], problems


def test_this_weeks_count_takes_in_practice_of_the_homework_before_it_was_set_again(
    runner, journal, notes, clock
):
    """Set again on Wednesday (a new id), the homework's practice on Monday and Tuesday
    was of the same homework: `homework list` counts all four this week, as trends and
    the summary do; two homework in force with the same words count only their own."""
    from tests.conftest import TZ

    journal.add_client(make_client())
    for day, hid in ((23, "hw-first"), (4, "hw-again")):
        plan = Plan("Laces", "", (Assignment(hid, "Lacing card", "practice", 5),))
        start = datetime(2026, 2 if day == 23 else 3, day, 10, 0, tzinfo=TZ)
        journal.add_session(make_session(start=start, plan=plan))
    args = ("--kind", "practice", "--what", "lacing card", "--by", "Sarah", "--done", "yes")
    for day in (2, 3, 5, 6):  # clock: Saturday 2026-03-07
        at = f"2026-03-0{day} 18:00"
        assert (
            run(runner, "homework", "log", "mia-k", *args, "--at", at, "--no-input").exit_code == 0
        )
    assert sorted(e["assignment"] for e in saved(notes)) == ["hw-again"] * 2 + ["hw-first"] * 2
    listed = json.loads(run(runner, "homework", "list", "mia-k", "--json").stdout)
    assert [(h["id"], h["logged_this_week"]) for h in listed["homework"]] == [("hw-again", 4)]
    twin = ("homework", "add", "mia-k", "--text", "Lacing card", "--since", "2026-03-01")
    assert run(runner, *twin).exit_code == 0
    listed = json.loads(run(runner, "homework", "list", "mia-k", "--json").stdout)
    assert sorted(h["logged_this_week"] for h in listed["homework"]) == [0, 2]


def test_a_homework_set_again_is_listed_since_it_was_first_set(runner, journal, notes, clock):
    """Set again in the same words (a new id), a homework is the same homework: `homework
    list` gives the day it was first set, as the summary and the export do. A cancelled
    session's setting is none; other words are another homework."""
    from tests.conftest import TZ

    journal.add_client(make_client())
    settings = [
        (2, 10, "hw-cancel", "Lacing card", "cancelled"),
        (2, 23, "hw-first", "Lacing card", "therapy"),
        (3, 4, "hw-again", "Lacing card", "therapy"),
    ]
    for month, day, hid, words, kind in settings:
        plan = Plan("Laces", "", (Assignment(hid, words, "practice", 5),))
        start = datetime(2026, month, day, 10, 0, tzinfo=TZ)
        journal.add_session(make_session(start=start, plan=plan, session_type=kind))
    listed = json.loads(run(runner, "homework", "list", "mia-k", "--json").stdout)
    assert [(h["id"], h["since"]) for h in listed["homework"]] == [("hw-again", "2026-02-23")]
    assert "2026-02-23" in run(runner, "homework", "list", "mia-k").stdout
    summary = json.loads(run(runner, "homework", "summary", "mia-k", "--json").stdout)
    assert [a["since"] for a in summary["adherence"]] == ["2026-02-23"]
    exported = run(runner, "export", "--format", "json", "--table", "homework-plan")
    assert exported.exit_code == 0, exported.output
    assert "2026-02-23" in exported.stdout
    check = run(runner, "check")  # the cancelled one, written by hand (otj log refuses it)
    said = check.stdout + check.stderr
    assert said.count("plan.homework: a cancelled session sets no homework") == 1, said
    # Set in other words, it is a new homework, since the day it was set.
    plan = Plan("Laces", "", (Assignment("hw-new", "Wall push-ups", "practice", 3),))
    journal.add_session(make_session(start=datetime(2026, 3, 5, 10, 0, tzinfo=TZ), plan=plan))
    listed = json.loads(run(runner, "homework", "list", "mia-k", "--json").stdout)
    assert [(h["id"], h["since"]) for h in listed["homework"]] == [("hw-new", "2026-03-05")]


def test_a_homework_set_again_in_a_new_episode_is_its_own(runner, journal, notes, clock):
    """After a discharge, a new episode's homework is its own, even in the same words:
    `homework list` gives the day the new episode set it, and the summary and the
    export count the two episodes' settings as two rows, each over its own days."""
    from otjournal.model.episode import Discharge
    from tests.conftest import TZ

    journal.add_client(make_client())
    lace = lambda hid: Plan("Laces", "", (Assignment(hid, "Lacing card", "practice", 7),))  # noqa: E731
    for day, kind, plan in (
        (1, "therapy", lace("hw-one")),
        (2, "therapy", lace("hw-two")),
        (4, "discharge", None),
        (5, "initial", None),
        (6, "therapy", lace("hw-new")),
    ):
        note = make_session(
            start=datetime(2026, 3, day, 10, 0, tzinfo=TZ),
            session_type=kind,
            plan=plan or Plan("", ""),
            goals=() if kind == "discharge" else make_session().goals,
            discharge=Discharge("goals-met") if kind == "discharge" else None,
        )
        journal.add_session(note)
    listed = json.loads(run(runner, "homework", "list", "mia-k", "--json").stdout)
    assert [(h["id"], h["since"]) for h in listed["homework"]] == [("hw-new", "2026-03-06")]
    summary = json.loads(run(runner, "homework", "summary", "mia-k", "--json").stdout)
    # The clock is 2026-03-07: 1st to the 4th (the discharge) and the 6th to the 6th
    # (only the days that have passed are planned over).
    rows = [(a["id"], a["since"], a["days"]) for a in summary["adherence"]]
    assert rows == [("hw-two", "2026-03-01", 4), ("hw-new", "2026-03-06", 1)], rows
    exported = run(runner, "export", "--table", "homework-plan", "--format", "json")
    ids = [r["homework"] for r in json.loads(exported.stdout)["rows"]]
    assert ids == ["hw-two", "hw-new"], ids


def test_homework_list_counts_practice_this_week_not_entries(runner, mia, notes):
    """'this week' beside 'how often' is practice: an entry that says "not this time"
    is logged (``logged_this_week``) but is not practice (``practised_this_week``, and
    the table's figure)."""
    for done in ("yes", "not-this-time", "partly", "not-this-time"):
        args = ("homework", "log", "mia-k", "1", "--by", "Sarah", "--done", done, "--no-input")
        assert run(runner, *args).exit_code == 0
    listed = json.loads(run(runner, "homework", "list", "mia-k", "--json").stdout)
    row = listed["homework"][0]
    assert (row["logged_this_week"], row["practised_this_week"]) == (4, 2)
    shown = run(runner, "homework", "list", "mia-k").stdout
    [line] = [ln for ln in shown.splitlines() if "hw-lace" in ln]
    assert line.split()[-1] == "2", shown
    every = json.loads(run(runner, "homework", "list", "--json").stdout)["homework"]
    assert [(r["logged_this_week"], r["practised_this_week"]) for r in every] == [(4, 2)]


def test_an_entry_of_another_kind_is_not_practice_of_a_homework(runner, mia, notes):
    """Only an entry of a homework's kind counts for it: a mood check or a journal entry
    linked to a practice homework is not practice of it. Logging one so is refused; a
    file holding one anyway (written by hand) is counted for none, and check says so."""
    log = ("homework", "log", "mia-k", "1", "--by", "Sarah", "--no-input")
    assert run(runner, *log, "--done", "yes").exit_code == 0
    refused = run(runner, *log, "--kind", "mood-check", "--mood", "6")
    assert refused.exit_code == 2
    assert "homework 1 (hw-lace) is a practice: log it as one" in refused.stderr
    kept = run(runner, *log, "--kind", "journal", "--text", "did it")
    assert kept.exit_code == 2
    # A journal entry linked to it by hand, and a mood check.
    folder = notes / "clients" / "mia-k" / "homework"
    [done] = folder.iterdir()
    text = done.read_text()
    for n, (kind, part) in enumerate(
        [("journal", 'text = "did it"\n'), ("mood-check", "[mood]\nmood = 6\n")]
    ):
        other = text.replace('entry_kind = "practice"', f'entry_kind = "{kind}"')
        other = re.sub(r'id = "[^"]+"', f'id = "2026-01-0{n + 1}_0800_other{n}"', other, count=1)
        other = re.sub(r"\[practice\][^\[#]*", part, other)
        (folder / f"2026-01-0{n + 1}_0800_other{n}.toml").write_text(other)
    listed = json.loads(run(runner, "homework", "list", "mia-k", "--json").stdout)
    row = listed["homework"][0]
    assert (row["logged_this_week"], row["practised_this_week"]) == (1, 1)
    summary = json.loads(run(runner, "homework", "summary", "mia-k", "--json").stdout)
    assert [(a["practised"], a["not_this_time"]) for a in summary["adherence"]] == [(1, 0)]
    check = run(runner, "check")
    said = check.stdout + check.stderr
    assert said.count("homework of the kind practice: not counted for it") == 2, said


def test_a_client_whose_files_were_not_read_is_summed_up_as_not_complete(runner, mia, notes):
    """Counts from some of a client's records only (its homework folder replaced by a
    file, a note that does not parse) say so with them, on stdout: "practised 0 times"
    is not taken for none. A client read whole says nothing of the kind."""
    log = ("homework", "log", "mia-k", "1", "--by", "Sarah", "--no-input", "--done", "yes")
    assert run(runner, *log).exit_code == 0
    for args in (["homework", "summary", "mia-k"], ["trends", "mia-k"]):
        assert "Not complete" not in run(runner, *args).stdout
    folder = notes / "clients" / "mia-k" / "homework"
    for entry in folder.iterdir():
        entry.unlink()
    folder.rmdir()
    folder.write_text("a file where the folder was")
    for args in (["homework", "summary", "mia-k"], ["trends", "mia-k"]):
        result = run(runner, *args)
        assert " ".join(result.stdout.split()).startswith(
            "Not complete: 1 file of these records was not read, so what it holds is not "
            "counted here. 'otj check' names it."
        ), result.stdout
        assert "1 file could not be read" in result.stderr


def test_practice_not_done_this_time_holds_no_rating(runner, mia, notes, tmp_path):
    from otjournal.errors import ValidationErrors
    from tests.conftest import TZ

    """Practice "not this time" has nothing to rate: a rating given with it is refused, by flag
    (exit 2, naming the flag) or in a --from file (its line), and nothing is saved. A
    resumed draft's rating goes when "not this time" is given now, as at the prompt. A
    file holding one anyway (written by hand) is named by check; its rating is in no
    average."""
    log = ("homework", "log", "mia-k", "1", "--by", "Sarah", "--no-input")
    folder = notes / "clients" / "mia-k" / "homework"
    for flag in ("--mastery", "--pleasure", "--mood-before", "--mood-after"):
        refused = run(runner, *log, "--done", "n", flag, "5")
        assert refused.exit_code == 2, refused.output
        assert f"{flag}: practice not done this time has nothing to rate" in refused.stderr
    assert not folder.exists() or not list(folder.iterdir())
    source = tmp_path / "entry.toml"
    source.write_text(
        'entry_kind = "practice"\nwritten_by = "Sarah"\nassignment = "hw-lace"\n'
        '[practice]\ndone = "not-this-time"\npleasure = 4\nmastery = 3\n'
    )
    refused = run(runner, "homework", "log", "mia-k", "--from", str(source))
    assert refused.exit_code == 1, refused.output
    assert f"{source}:6:1: error: practice.pleasure: practice not done" in refused.stderr
    assert f"{source}:7:1: error: practice.mastery: practice not done" in refused.stderr
    assert not folder.exists() or not list(folder.iterdir())
    # Said with "not this time" and how it went in words: kept.
    said = run(runner, *log, "--done", "n", "--how", "we were away")
    assert said.exit_code == 0, said.output
    assert run(runner, *log, "--done", "yes", "--mastery", "6").exit_code == 0
    # A resumed draft rated 7; "not this time" given now takes the rating with it.
    from otjournal.forms import homework as entryform

    kept = {"entry_kind": "practice", "practice": {"done": "yes", "mastery": 7}}
    given = entryform.LogAnswers({}, None, None, None, "Sarah", None, {"done": "n"})
    made = entryform.log_entry(
        given, current=[], kept=kept, now=datetime(2026, 3, 6, 9, 0), unattended=True
    )
    assert made["practice"] == {"done": "not-this-time"}
    # A draft kept from a --from file refused for its rating: the rating stays, and is
    # refused again, never dropped without a word.
    kept = {"entry_kind": "practice", "practice": {"done": "not-this-time", "pleasure": 4}}
    given = entryform.LogAnswers({}, None, None, None, "Sarah", None, {})
    made = entryform.log_entry(
        given, current=[], kept=kept, now=datetime(2026, 3, 6, 9, 0), unattended=True
    )
    assert made["practice"] == {"done": "not-this-time", "pleasure": 4}
    made.update(client="mia-k", at=datetime(2026, 3, 6, 9, 0, tzinfo=TZ))
    with pytest.raises(ValidationErrors, match=r"practice\.pleasure: practice not done"):
        entryform.finalize(made, now=datetime(2026, 3, 6, 9, 0, tzinfo=TZ))
    both = run(runner, *log, "--done", "n", "--pleasure", "5", "--mastery", "3")
    assert "--mastery, --pleasure: practice not done this time" in both.stderr
    # One written by hand: named by check, and in no average.
    [rated] = [p for p in folder.iterdir() if "mastery = 6" in p.read_text()]
    text = rated.read_text().replace('done = "yes"', 'done = "not-this-time"')
    rated.write_text(text.replace("mastery = 6", "mastery = 2"))
    check = run(runner, "check")
    assert "practice.mastery: rated, though the practice was not done this time" in (
        check.stdout + check.stderr
    )
    summary = json.loads(run(runner, "homework", "summary", "mia-k", "--json").stdout)
    assert summary["adherence"][0]["not_this_time"] == 2
    assert "mastery" not in run(runner, "homework", "summary", "mia-k").stdout
    # Nor in the export, whose column a spreadsheet averages.
    table = ("export", "--table", "homework", "--format", "json")
    rows = json.loads(run(runner, *table).stdout)["rows"]
    assert [(r["done"], r["mastery"]) for r in rows] == [("not-this-time", None)] * 2


def test_sleep_of_minus_zero_hours_is_stored_as_zero(runner, mia, notes):
    """`--sleep -0` is 0 hours: never a stored -0.0 that reads "-0.0"."""
    args = ("homework", "log", "mia-k", "--kind", "mood-check", "--mood", "5", "--sleep", "-0")
    assert run(runner, *args, "--by", "Sarah", "--no-input").exit_code == 0
    [entry] = (notes / "clients" / "mia-k" / "homework").iterdir()
    assert "sleep_hours = 0.0\n" in entry.read_text()
