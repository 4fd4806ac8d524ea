"""Any record, however hostile its text, survives to_dict -> TOML -> from_dict unchanged.

What TOML can hold, and so what these strategies generate (checked against tomllib,
the reader, and tomli-w, which tomlio.dumps falls back to):

* Text: a TOML basic string can hold every Unicode *scalar value*. Characters that
  may not appear raw (U+0000-U+0008, U+000A-U+001F, U+007F, ``"`` and ``\\``) can be
  written as escapes (``\\uXXXX``), which tomllib reads back; tomli-w escapes exactly
  these. The only ``str`` values TOML cannot hold are lone surrogates (U+D800-U+DFFF):
  they are not characters, cannot be encoded as UTF-8, and tomllib rejects even the
  escape ``\\ud800``. So text here is any ``str`` without category Cs, plus
  hand-picked hostile pieces (quotes, triple quotes, backslashes, CRLF and lone CR,
  control characters, bidi marks, zero-width joiners, emoji, text that looks like
  TOML or like a git conflict marker line). Multi-line strings turn a raw CRLF into
  LF, so CR must be escaped in them: CRLF and lone CR must survive exactly.
* Keys: any such text, quoted when it is not a bare key; TOML keys are one-line
  strings, so a key with a newline must be written with ``\\n``.
* Date-times: TOML offsets are ``+HH:MM`` with HH from 00 to 23, so aware date-times
  use fixed offsets in whole minutes under a day. Offsets with seconds (Python allows
  them; old "local mean time" zones have them) cannot be written as TOML: dumps must
  refuse them with a StoreError.
* Integers: TOML guarantees 64-bit signed integers. Floats: NaN never equals itself,
  so it cannot "survive equal"; infinities can.
"""

from __future__ import annotations

import dataclasses
import importlib
import pkgutil
import string
import warnings
from datetime import UTC, date, datetime, time, timedelta, timezone
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from otjournal import model
from otjournal.disk import tomlio
from otjournal.errors import StoreError
from otjournal.model import (
    Activity,
    Amendment,
    Assignment,
    Caregiver,
    CaregiverNote,
    ChecklistAnswer,
    ChildVoice,
    Client,
    Copm,
    Emotion,
    Goal,
    GoalRating,
    HomeworkEntry,
    MoodCheck,
    Person,
    Plan,
    PlanPeriod,
    Practice,
    Regulation,
    Relaxation,
    Session,
    Thought,
    ThoughtRecord,
)
from otjournal.model.client import GoalChange
from otjournal.model.episode import Assessment, Consent, Discharge, GoalOutcome, Intake
from otjournal.model.ids import handle_problem
from otjournal.model.kinds import HOMEWORK_BY_NAME, HOMEWORK_KINDS
from otjournal.model.parts import Answers
from otjournal.model.spec import FieldSpec, RecordKind
from otjournal.model.vocab import (
    AMENDMENT_KINDS,
    ATTENDEE_ROLES,
    CHECKLIST_ANSWERS,
    CHECKLIST_BY,
    CHECKLIST_KEYS,
    DISCHARGE_REASONS,
    FRAMEWORKS,
    GAS_LEVELS,
    GOAL_STATUSES,
    HOMEWORK_DONE,
    SESSION_TYPES,
    SETTINGS,
)

# When a property fails, hypothesis's pytest plugin imports its patch writer, which
# imports libcst, which triggers a DeprecationWarning from mypy_extensions; under the
# project's filterwarnings = "error" that turns a failing test into an INTERNALERROR
# that stops the whole run. Import it once here, with that warning silenced.
with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    try:
        import hypothesis.extra._patching  # noqa: F401
    except ImportError:  # pragma: no cover - libcst is optional
        pass

PROPERTY = settings(
    max_examples=200,
    deadline=None,
    # The explain phase (which parts of a failing example matter) takes minutes on
    # records this size and adds little to a shrunk example.
    phases=[p for p in Phase if p is not Phase.explain],
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# -- text --------------------------------------------------------------------------

HOSTILE = [
    '"',
    '""',
    '"""',
    "'",
    "'''",
    "\\",
    "\\n",
    "\\u0041",
    "\r\n",
    "\r",
    "\n",
    "\n\n",
    "\t",
    " ",
    "\x00",
    "\x07",
    "\x1b[31m",
    "\x7f",
    "\x85",
    "\u2028",
    "\ufeff",
    "😀",
    "👩\u200d👧",  # zero-width joiner
    "\u200f",  # right-to-left mark
    "\u202e",  # right-to-left override
    "\u200b",
    "é",
    "e\u0301",
    "#",
    "=",
    "[[x]]\nkey = 1",
    "[plan]\n",
    '\n[[checklist]]\nanswer = "no"\n',
    "<<<<<<< HEAD\n",
]
any_char_text = st.text(st.characters(exclude_categories=("Cs",)), max_size=3)
# Hostile pieces glued together: a trailing backslash, quote or newline, CRLF split
# across pieces, and so on, all come from these few combinations.
_pieces = st.lists(st.one_of(st.sampled_from(HOSTILE), any_char_text), max_size=3).map("".join)
text = st.one_of(st.just(""), st.sampled_from(HOSTILE), _pieces)
# Required text must hold something besides whitespace.
required_text = st.builds(
    lambda a, b, c: a + b + c,
    text,
    st.sampled_from(["x", "😀", '"', "\\", "é", "[[x]]"]),
    text,
)
text_list = st.lists(text, max_size=2).map(tuple)

_ALNUM = string.ascii_lowercase + string.digits
slug = st.builds(lambda a, b: a + b, st.sampled_from(_ALNUM), st.text(_ALNUM + "_-", max_size=8))
handle = st.builds(
    lambda a, b: a + b, st.sampled_from(_ALNUM), st.text(_ALNUM + "-", max_size=12)
).filter(lambda h: handle_problem(h) is None)

# -- dates -------------------------------------------------------------------------

offsets = st.one_of(
    st.just(UTC),
    st.integers(-(24 * 60 - 1), 24 * 60 - 1).map(lambda m: timezone(timedelta(minutes=m))),
)
# Dates lie in the years 1900-2999 (docs/format.md); a day's margin keeps any offset inside.
aware = st.datetimes(datetime(1900, 1, 2), datetime(2999, 12, 30), timezones=offsets)
dates = st.dates(date(1900, 1, 1), date(2999, 12, 31))


def opt(strategy: st.SearchStrategy) -> st.SearchStrategy:
    return st.one_of(st.none(), strategy)


def newer(cls: type, **fields: st.SearchStrategy) -> dict[str, st.SearchStrategy]:
    """Strategies for fields that this version of the model may not have yet."""
    have = {f.name for f in dataclasses.fields(cls)}
    return {k: v for k, v in fields.items() if k in have}


# -- sessions ----------------------------------------------------------------------

goal_ratings = st.builds(
    GoalRating,
    goal=slug,
    gas=opt(st.sampled_from(GAS_LEVELS)),
    evidence=text,
    copm_performance=opt(st.integers(1, 10)),
    copm_satisfaction=opt(st.integers(1, 10)),
)
intakes = st.builds(
    Intake,
    referral_source=text,
    referral_reason=text,
    background=text,
    diagnoses=text_list,
    what_matters=text,
    strengths=text_list,
    communication=text_list,
    goals=st.lists(slug, max_size=2).map(tuple),
    consent=st.lists(
        st.builds(
            Consent, who=required_text, purpose=required_text, on=opt(dates), share_with=text_list
        ),
        max_size=2,
    ).map(tuple),
    assessments=st.lists(
        st.builds(
            Assessment,
            name=required_text,
            on=opt(dates),
            scores=st.dictionaries(
                st.text(_ALNUM, min_size=1, max_size=8),
                st.one_of(st.integers(-1000, 1000), st.floats(-1e5, 1e5, allow_nan=False)),
                max_size=3,
            ),
        ),
        max_size=2,
    ).map(tuple),
)
discharges = st.builds(
    Discharge,
    reason=st.sampled_from(DISCHARGE_REASONS),
    reason_note=text,
    recommendations=text,
    maintenance=text,
    told=text_list,
    goals=st.lists(
        st.builds(GoalOutcome, goal=slug, status=st.sampled_from(GOAL_STATUSES), summary=text),
        max_size=3,
        unique_by=lambda g: g.goal,
    ).map(tuple),
)
activities = st.builds(
    Activity,
    name=required_text,
    minutes=opt(st.integers(0, 24 * 60)),
    child_led=st.booleans(),
    interest_based=st.booleans(),
    movement_sensory=st.booleans(),
    adapted=st.booleans(),
    adaptation=text,
    response=text,
    goals=text_list,
)


@st.composite
def regulations(draw) -> Regulation:
    framework = draw(st.sampled_from(sorted(FRAMEWORKS)))
    states = FRAMEWORKS[framework]
    state = st.sampled_from(("", *states)) if states else text
    return Regulation(
        framework,
        start=draw(state),
        end=draw(state),
        helped=draw(text_list),
        notes=draw(text),
    )


# A checklist answer's text is always written; an empty one would be read back as the
# item's standard wording, so it is never empty here.
checklist_answers = st.builds(
    ChecklistAnswer,
    item=st.one_of(st.sampled_from(CHECKLIST_KEYS), slug),
    answer=st.sampled_from(CHECKLIST_ANSWERS),
    text=st.one_of(required_text, st.sampled_from([" ", "\n", "\t"])),
    note=text,
    by=st.sampled_from(("", *CHECKLIST_BY)),
)
assignments = st.builds(
    Assignment,
    id=slug,
    text=required_text,
    kind=st.sampled_from(HOMEWORK_KINDS),
    per_week=opt(st.integers(1, 50)),
    **newer(Assignment, since=opt(dates), until=opt(dates)),
)
amendments = st.builds(
    Amendment,
    at=aware,
    by=required_text,
    kind=st.sampled_from(AMENDMENT_KINDS),
    text=required_text,
    original=text,
    previous_sha256=st.one_of(st.just(""), st.text("0123456789abcdef", min_size=64, max_size=64)),
)


@st.composite
def sessions_of_a_kind(draw, base: st.SearchStrategy) -> Session:
    """A session whose parts fit its kind: an intake only on an initial session, a
    discharge on (and only on) a discharge, COPM scores only in a review."""
    s = draw(base)
    goals = s.goals
    if s.session_type != "review":
        goals = tuple(
            dataclasses.replace(g, copm_performance=None, copm_satisfaction=None) for g in goals
        )
    intake = draw(opt(intakes)) if s.session_type == "initial" else None
    discharge = draw(discharges) if s.session_type == "discharge" else None
    return dataclasses.replace(s, goals=goals, intake=intake, discharge=discharge)


_any_sessions = st.builds(
    Session,
    id=slug,
    client=handle,
    start=aware,
    duration_min=st.integers(0, 24 * 60),
    written_by=required_text,
    written_at=aware,
    session_type=st.sampled_from(SESSION_TYPES),
    setting=st.sampled_from(SETTINGS),
    attendees=st.lists(st.sampled_from(ATTENDEE_ROLES), max_size=3).map(tuple),
    late_entry=st.booleans(),
    goals=st.lists(goal_ratings, max_size=2).map(tuple),
    activities=st.lists(activities, max_size=2).map(tuple),
    child_voice=st.builds(ChildVoice, text=text, modes=text_list),
    caregiver=st.builds(CaregiverNote, report=text, involvement=text),
    regulation=opt(regulations()),
    checklist=st.lists(checklist_answers, max_size=3, unique_by=lambda c: c.item).map(tuple),
    plan=st.builds(
        Plan,
        summary=text,
        next_focus=text,
        homework=st.lists(assignments, max_size=2).map(tuple),
    ),
    amendments=st.lists(amendments, max_size=2).map(tuple),
)
sessions = sessions_of_a_kind(_any_sessions)

# -- clients -----------------------------------------------------------------------

goals = st.builds(
    Goal,
    id=slug,
    text=required_text,
    weight=st.one_of(
        st.just(1),
        st.integers(1, 100),
        st.floats(min_value=0, max_value=100, exclude_min=True, allow_nan=False),
    ),
    status=st.sampled_from(GOAL_STATUSES),
    set_on=opt(dates),
    # An empty level description is no description: only non-empty ones are kept.
    levels=st.dictionaries(st.sampled_from(GAS_LEVELS), required_text, max_size=5),
    copm=opt(
        st.builds(
            Copm,
            problem=required_text,
            performance_t1=opt(st.integers(1, 10)),
            satisfaction_t1=opt(st.integers(1, 10)),
            performance_t2=opt(st.integers(1, 10)),
            satisfaction_t2=opt(st.integers(1, 10)),
            t1_on=opt(dates),
            t2_on=opt(dates),
        )
    ),
    baseline=opt(st.sampled_from(GAS_LEVELS)),
    baseline_on=dates,
    changes=st.lists(
        st.builds(
            GoalChange,
            at=aware,
            by=text,
            status=st.one_of(st.just(""), st.sampled_from(GOAL_STATUSES)),
            on=opt(dates),
            reason=text,
            previous=st.fixed_dictionaries(
                {}, optional={"text": required_text, "weight": st.integers(1, 9)}
            ),
        ),
        max_size=2,
    ).map(tuple),
)


@st.composite
def plan_periods(draw) -> PlanPeriod:
    start, end = sorted([draw(dates), draw(dates)])
    return PlanPeriod(start, end, funder=draw(text))


clients = st.builds(
    Client,
    handle=handle,
    display_name=required_text,
    date_of_birth=opt(dates),
    regulation_framework=st.sampled_from(sorted(FRAMEWORKS)),
    communication=text_list,
    strengths=text_list,
    caregivers=st.lists(
        st.builds(Caregiver, name=required_text, relationship=text), max_size=2
    ).map(tuple),
    plan_period=opt(plan_periods()),
    goals=st.lists(goals, max_size=2, unique_by=lambda g: g.id).map(tuple),
    ndis_number=text,
    primary_disability=text,
    people=st.lists(st.builds(Person, name=required_text, role=text), max_size=2).map(tuple),
    **newer(Client, assignments=st.lists(assignments, max_size=2).map(tuple)),
)

# -- homework ----------------------------------------------------------------------

score = opt(st.integers(0, 10))
practices = st.builds(
    Practice,
    done=st.sampled_from(HOMEWORK_DONE),
    how_it_went=text,
    mastery=score,
    pleasure=score,
    mood_before=score,
    mood_after=score,
)
relaxations = st.builds(
    Relaxation,
    technique=required_text,
    minutes=opt(st.integers(0, 600)),
    tension_before=score,
    tension_after=score,
    anchor_low=required_text,
    anchor_high=required_text,
)
percent = st.integers(0, 100)


@st.composite
def thought_records(draw) -> ThoughtRecord:
    thoughts = draw(
        st.lists(st.builds(Thought, text=required_text, belief=percent), min_size=1, max_size=3)
    )
    hot = draw(opt(st.integers(0, len(thoughts) - 1)))
    thoughts = [dataclasses.replace(t, hot=i == hot) for i, t in enumerate(thoughts)]
    return ThoughtRecord(
        situation=draw(required_text),
        emotions=tuple(
            draw(
                st.lists(
                    st.builds(Emotion, name=required_text, before=percent, after=opt(percent)),
                    min_size=1,
                    max_size=3,
                )
            )
        ),
        thoughts=tuple(thoughts),
        evidence_for=draw(text),
        evidence_against=draw(text),
        balanced_thought=draw(text),
        balanced_belief=draw(opt(percent)),
    )


moods = st.builds(
    MoodCheck,
    mood=st.integers(0, 10),
    sleep_hours=opt(st.floats(min_value=0, max_value=24, allow_nan=False)),
)


def _value(f: FieldSpec) -> st.SearchStrategy[Any]:
    """Any value a field declared in the spec may hold (optional ones may be left out)."""
    if f.type == "int":
        value = st.integers(int(f.low or 0), int(f.high or 0))
    elif f.type == "number":
        value = st.floats(min_value=f.low or 0, max_value=f.high or 0, allow_nan=False)
    elif f.type == "choice":
        value = st.sampled_from(f.choices)
    elif f.type == "texts":
        value = st.lists(
            required_text, min_size=1 if f.required else 0, max_size=f.max_items or 3
        ).map(tuple)
    else:
        value = required_text if f.required else text
    return value if f.required else opt(value)


@st.composite
def spec_answers(draw, kind: RecordKind) -> Answers:
    """A part of a kind declared by its fields alone, drawn from those fields."""
    values = [(f.key, draw(_value(f))) for f in kind.fields if not f.top]
    return Answers(tuple((k, v) for k, v in values if v not in (None, "", ())))


PARTS = {
    "practice": ("practice", practices),
    "relaxation": ("relaxation", relaxations),
    "thought-record": ("thought_record", thought_records()),
    "mood-check": ("mood", moods),
    "journal": (None, None),
}


@st.composite
def homework_entries(draw, kind: str | None = None) -> HomeworkEntry:
    kind = kind or draw(st.sampled_from(HOMEWORK_KINDS))
    spec = HOMEWORK_BY_NAME[kind]
    key, part = PARTS.get(kind) or (spec.attr or None, spec_answers(spec) if spec.attr else None)
    return HomeworkEntry(
        id=draw(slug),
        client=draw(handle),
        entry_kind=kind,
        at=draw(aware),
        written_by=draw(required_text),
        written_at=draw(aware),
        assignment=draw(st.one_of(st.just(""), slug)),
        text=draw(required_text if any(f.top and f.required for f in spec.fields) else text),
        **({key: draw(part)} if key else {}),
    )


# -- the round trip ------------------------------------------------------------------


def through_toml(record: Any) -> Any:
    raw = tomlio.dumps(record.to_dict())
    assert isinstance(raw, bytes)
    return type(record).from_dict(tomlio.parse(raw))


@PROPERTY
@given(sessions)
def test_any_session_survives_a_round_trip(session):
    assert through_toml(session) == session


@PROPERTY
@given(clients)
def test_any_client_survives_a_round_trip(client):
    assert through_toml(client) == client


@pytest.mark.parametrize("kind", HOMEWORK_KINDS)
@PROPERTY
@given(data=st.data())
def test_any_homework_entry_survives_a_round_trip(kind, data):
    entry = data.draw(homework_entries(kind))
    assert through_toml(entry) == entry


HOSTILE_STRINGS = [
    pytest.param("\r\n", id="crlf"),
    pytest.param("line\r\nline\n", id="crlf-and-lf"),
    pytest.param("a\rb\nc", id="lone-cr"),
    pytest.param('ends in quote\n"', id="quote-at-end"),
    pytest.param('\n""', id="two-quotes-at-end"),
    pytest.param("x\n\\", id="backslash-at-end"),
    pytest.param("\"\"\"\n'''", id="triple-quotes"),
    pytest.param("\n[[x]]\nkey = 1\n", id="looks-like-toml"),
    pytest.param("\x00\x01\x1f\x7f", id="control-chars"),
    pytest.param("\u202e\u200f\u200d😀", id="bidi-zwj-emoji"),
    pytest.param("\ufeffbom inside", id="bom-inside"),
    pytest.param("Summary\n=======\nshe chose the swing", id="setext-heading"),
    pytest.param("<<<<<<< HEAD\n", id="git-marker-line"),
    pytest.param("", id="empty"),
]


@pytest.mark.parametrize("value", HOSTILE_STRINGS)
def test_dumps_keeps_these_strings_exactly(value):
    data = {"note": value, "list": [value, 1], "inline": [{"v": value}], "t": {"v": value}}
    assert tomlio.parse(tomlio.dumps(data)) == data


@pytest.mark.parametrize("key", HOSTILE_STRINGS)
def test_dumps_keeps_these_keys_exactly(key):
    """A person's own keys are written back too: TOML keys may be any quoted string."""
    data = {key: 1, "t": {key: "v"}, "aot": [{key: 2}]}
    assert tomlio.parse(tomlio.dumps(data)) == data


@pytest.mark.parametrize(
    "value",
    [
        pytest.param(time(7, 30), id="local-time"),
        pytest.param(time(7, 30, 0, 250000), id="local-time-fraction"),
        pytest.param(datetime(2026, 3, 5, 14, 30), id="local-date-time"),
        pytest.param(datetime(2026, 3, 5, 14, 30, 0, 1, tzinfo=UTC), id="micro-seconds"),
        pytest.param(date(1, 1, 1), id="year-1"),
        pytest.param(float("inf"), id="inf"),
        pytest.param(-0.0, id="minus-zero"),
        pytest.param(5e-324, id="subnormal"),
        pytest.param(2**63 - 1, id="int64-max"),
        pytest.param({}, id="empty-table"),
        pytest.param([[], [[1]], {"a": []}], id="nested-arrays"),
        pytest.param(float("nan"), id="nan"),
    ],
)
def test_dumps_writes_back_every_kind_of_value_tomllib_reads(value):
    """Anything a person may put in a file (and tomllib reads) can be written back (NaN
    too, though it never equals itself: compared by its repr)."""
    data = {"value": value, "in_list": [value], "t": {"value": value}}
    assert repr(tomlio.parse(tomlio.dumps(data))) == repr(data)


@pytest.mark.parametrize(
    "value",
    [
        pytest.param(
            datetime(1890, 1, 1, tzinfo=timezone(timedelta(minutes=39, seconds=52))),
            id="offset-with-seconds",
        ),
        pytest.param(
            datetime(2026, 1, 1, tzinfo=timezone(timedelta(microseconds=1))),
            id="offset-with-microseconds",
        ),
    ],
)
def test_dumps_refuses_what_toml_cannot_hold_with_its_own_error(value):
    """Not representable: a StoreError the CLI can print, never another exception."""
    with pytest.raises(StoreError):
        tomlio.dumps({"value": value})


@pytest.mark.parametrize(
    "value", ["\udcff", "ok \ud800 not ok", "caf\udce9"], ids=["lone", "inside", "escaped-byte"]
)
def test_dumps_handles_lone_surrogates_without_crashing(value):
    """Lone surrogates (from undecodable command-line bytes) are not text TOML can hold:
    dumps may refuse them (StoreError) or write a replacement character, but must not
    raise anything else or write a file that does not parse."""
    try:
        raw = tomlio.dumps({"value": value, "t": {"k": [value]}})
    except StoreError:
        return
    back = tomlio.parse(raw)
    for written in (back["value"], back["t"]["k"][0]):
        assert isinstance(written, str) and "\ufffd" in written
        written.encode("utf-8")


# -- unknown keys --------------------------------------------------------------------


def _model_field_names() -> set[str]:
    """Every field name of every record class in the model package, exported or not: a
    class such as ``Intake`` is not in ``model.__all__`` but its keys are still known."""
    names = set()
    for found in pkgutil.iter_modules(model.__path__):
        module = importlib.import_module(f"{model.__name__}.{found.name}")
        for value in vars(module).values():
            if isinstance(value, type) and dataclasses.is_dataclass(value):
                names.update(f.name for f in dataclasses.fields(value))
    return names


# An "unknown" key that is a known one (``consent`` inside ``intake``) is not the user's
# own key: it is read as the model's field, so it must never be drawn.
KNOWN_KEYS = {"format_version", "kind"} | _model_field_names()
unknown_key = st.one_of(
    st.text(string.ascii_lowercase + "_-", min_size=1, max_size=8),
    text,
).filter(lambda k: k not in KNOWN_KEYS)
scalars = st.one_of(
    text,
    st.integers(-(2**63), 2**63 - 1),
    st.floats(allow_nan=False),
    st.booleans(),
    dates,
    aware,
    st.datetimes(),
    st.times(),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.dictionaries(unknown_key, inner, max_size=3),
    ),
    max_leaves=8,
)
extras = st.dictionaries(unknown_key, values, min_size=1, max_size=3)

# Where a person may add keys of their own: each nested table the model reads.
# (A goal's ``levels`` table is not one: its keys must be GAS levels.)
NESTED = {
    Session: [
        "goals[]",
        "activities[]",
        "child_voice",
        "caregiver",
        "regulation",
        "checklist[]",
        "plan",
        "plan.homework[]",
        "amendments[]",
        "intake",
        "intake.consent[]",
        "intake.assessments[]",
        "discharge",
        "discharge.goals[]",
    ],
    Client: [
        "caregivers[]",
        "people[]",
        "plan_period",
        "goals[]",
        "goals[].copm",
        "goals[].changes[]",
    ],
    HomeworkEntry: [
        "practice",
        "relaxation",
        "thought_record",
        "thought_record.emotions[]",
        "thought_record.thoughts[]",
        "mood",
    ],
}


def _tables_at(data: dict, path: str) -> list[dict]:
    """The tables at a path such as ``goals[].copm`` (every element of an array)."""
    found = [data]
    for part in path.split("."):
        many = part.endswith("[]")
        key = part.removesuffix("[]")
        nxt: list[dict] = []
        for table in found:
            value = table.get(key)
            if many and isinstance(value, list):
                nxt.extend(v for v in value if isinstance(v, dict))
            elif not many and isinstance(value, dict):
                nxt.append(value)
        found = nxt
    return found


@st.composite
def with_unknown_keys(draw, records: st.SearchStrategy) -> tuple[type, dict, list[str]]:
    """A record's table with unknown keys added at the top and in nested tables."""
    record = draw(records)
    data = record.to_dict()
    data.update(draw(extras))
    touched = ["(top level)"]
    for path in NESTED[type(record)]:
        for table in _tables_at(data, path):
            if draw(st.booleans()):
                table.update(draw(extras))
                touched.append(path)
    return type(record), data, touched


all_records = st.one_of(sessions, clients, homework_entries())


@PROPERTY
@given(with_unknown_keys(all_records))
def test_unknown_keys_survive_a_round_trip(case):
    """A person's own keys, anywhere, are read into ``extra`` and written back."""
    cls, data, touched = case
    back = cls.from_dict(tomlio.parse(tomlio.dumps(data)))
    assert tomlio.parse(tomlio.dumps(back.to_dict())) == tomlio.parse(tomlio.dumps(data)), touched


# One plain, fully filled record of each kind, for the per-table test below.
def _full_examples() -> dict[str, Any]:
    from tests.conftest import TZ, make_client, make_session

    at = datetime(2026, 3, 6, 19, 0, tzinfo=TZ)
    session = dataclasses.replace(
        make_session(id="2026-03-05_1430_abcde"),
        child_voice=ChildVoice("I did it", ("speech",)),
        caregiver=CaregiverNote("Practised twice", "joined the last activity"),
        amendments=(Amendment(at, "Alex Rivera", "addition", "Also used the swing."),),
    )
    client = dataclasses.replace(
        make_client(),
        caregivers=(Caregiver("Sam", "parent"),),
        people=(Person("Ben", "brother"),),
        plan_period=PlanPeriod(date(2026, 1, 1), date(2026, 12, 31), "NDIS"),
    )
    goal = dataclasses.replace(client.goals[0], copm=Copm("Dressing", 3, 4))
    client = dataclasses.replace(client, goals=(goal.changed(at, "Alex", text="Dressing on"),))
    day = date(2026, 3, 5)
    intake = Intake(
        referral_reason="Dressing",
        consent=(Consent("Sarah (mother)", "therapy", day),),
        assessments=(Assessment("SP2", day, {"seeking": 52}),),
    )
    discharge = Discharge("moved", goals=(GoalOutcome("g1", "achieved"),))

    def entry(kind: str, **part: Any) -> HomeworkEntry:
        return HomeworkEntry("2026-03-06_1900_abcde", "mia-k", kind, at, "Sam", at, **part)

    return {
        "session": session,
        "intake": dataclasses.replace(session, session_type="initial", intake=intake),
        "discharge": dataclasses.replace(session, session_type="discharge", discharge=discharge),
        "client": client,
        "practice": entry("practice", practice=Practice("yes", "fine", 5, 6)),
        "relaxation": entry("relaxation", relaxation=Relaxation("breathing", 10, 6, 3)),
        "thought_record": entry(
            "thought-record",
            thought_record=ThoughtRecord(
                "Group chat went quiet",
                (Emotion("worried", 70, 40),),
                (Thought("They are annoyed with me", 80, hot=True),),
            ),
        ),
        "mood": entry("mood-check", mood=MoodCheck(6, 7.5)),
    }


PLAIN_EXTRA = {
    "my_note_key": "kept",
    "x-count": 3,
    "seen_on": date(2026, 1, 2),
    "nested": {"a": [1, 2], "b": "two"},
}


@pytest.mark.parametrize(
    ("cls", "path"), [(cls, path) for cls, paths in NESTED.items() for path in paths]
)
def test_unknown_keys_survive_in_each_nested_table(cls, path):
    """One plain example per nested table, so a failure names the table that loses keys."""
    examples = _full_examples()
    if cls is HomeworkEntry or path.split(".")[0] in ("intake", "discharge"):
        record = examples[path.split(".")[0]]
    else:
        record = examples["session" if cls is Session else "client"]
    data = record.to_dict()
    tables = _tables_at(data, path)
    assert tables, f"the example has no {path}"
    for table in tables:
        table.update(PLAIN_EXTRA)

    back = cls.from_dict(tomlio.parse(tomlio.dumps(data))).to_dict()

    for table in _tables_at(back, path):
        assert PLAIN_EXTRA.items() <= table.items(), path
