"""Each record kind, declared once: its fields, flags, prompts, form, one line, columns, numbers.

Every layer reads these specs instead of restating them: the model reads a kind's table
(``HomeworkEntry``), the forms build the editor skeleton and name the flags a missing field
needs, ``homework log`` gets one option per flag, the prompts ask the fields in order, the
views draw the one-line summary, the export has the columns and the summary the numbers.
A new homework kind is one ``RecordKind`` in ``HOMEWORK`` below (plus its docs and tests).

Pure: no Typer, no Rich. The words here are user-facing and strengths-based: homework not
done is "not this time".
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from otjournal.model.flag_values import done_word, parse_emotion, parse_thought
from otjournal.model.spec import Column, FieldSpec, Measure, RecordKind
from otjournal.model.vocab import DONE_WORDS, HOMEWORK_DONE

if TYPE_CHECKING:  # the parts load when a table is read: `otj --help` never pays for them
    from otjournal.model.parts import Answers, Relaxation, ThoughtRecord

DEFAULT_TENSION_ANCHORS = ("0 = completely relaxed", "10 = the most tense I have felt")


def _scale(key: str, label: str, flag: str, **more: Any) -> FieldSpec:
    """A 0-10 rating."""
    return FieldSpec(key, label, "int", 0, 10, flag=flag, **more)


def _percent(key: str, label: str, flag: str = "", **more: Any) -> FieldSpec:
    return FieldSpec(key, label, "int", 0, 100, "%", flag=flag, **more)


# -- the one-line details and the export's values --------------------------------------


def _relaxation_line(r: Relaxation) -> str:
    detail = r.technique
    if r.tension_before is not None and r.tension_after is not None:
        detail += f", tension {r.tension_before}→{r.tension_after}"
    return detail


def emotion_words(name: str, before: Any, after: Any = None) -> str:
    """``anxious 80 → 40`` (or ``anxious 80`` when not re-rated), as the person rated it."""
    return f"{name} {before}" + (f" → {after}" if after is not None else "")


def _thought_record_line(t: ThoughtRecord) -> str:
    return ", ".join(emotion_words(em.name, em.before, em.after) for em in t.emotions)


def _practice_line(p: Any) -> str:
    done = DONE_WORDS.get(p.done, p.done)
    return f"{p.what} ({done})" if p.what else done


def _emotion_after_mean(t: ThoughtRecord) -> float | None:
    after = [em.after for em in t.emotions if em.after is not None]
    return round(sum(after) / len(after), 2) if after else None


def _hot_belief(t: ThoughtRecord) -> int | None:
    hot = next((th for th in t.thoughts if th.hot), None)
    return hot.belief if hot else None


def _gratitude_line(g: Answers) -> str:
    detail = "; ".join(g.get("items", ()))
    mood = g.get("mood")
    return detail + (f", mood {mood}/10" if mood is not None else "")


def _exposure_line(e: Answers) -> str:
    suds = [e.get(k) for k in ("suds_before", "suds_peak", "suds_after")]
    detail = str(e.get("step", ""))
    if any(v is not None for v in suds):
        detail += ", SUDS " + "/".join("–" if v is None else str(v) for v in suds)
    minutes = e.get("minutes")
    return detail + (f", {minutes} min" if minutes is not None else "")


def _attr(name: str) -> Callable[[Any], Any]:
    return lambda part: getattr(part, name)


def _rating(name: str) -> Callable[[Any], Any]:
    """A practice's rating as exported: none for "not this time" (a file may hold one
    anyway; check names it), as no average counts it."""
    return lambda part: None if part.done == "not-this-time" else getattr(part, name)


RATED = "practice: 0-10; empty when not done this time"

# -- the homework kinds ----------------------------------------------------------------

PRACTICE = RecordKind(
    name="practice",
    title="practice",
    part_key="practice",
    attr="practice",
    model="Practice",
    fields=(
        FieldSpec(
            "what",
            "What did you practise",
            flag="--what",
            flag_help="What was practised (the homework's name when left out).",
            from_assignment=True,
        ),
        FieldSpec(
            "done",
            "Did you do it",
            "choice",
            required=True,
            choices=HOMEWORK_DONE,
            flag="--done",
            flag_help="yes, partly or not-this-time.",
            parse=done_word,
            hint="y yes · p partly · n not this time",
            skeleton="",
        ),
        FieldSpec(
            "how_it_went", "How did it go", flag="--how", flag_help="How it went.", skeleton=""
        ),
        _scale("mastery", "Mastery, how well it went", "--mastery"),
        _scale("pleasure", "Pleasure, how enjoyable", "--pleasure"),
        _scale("mood_before", "Mood before", "--mood-before"),
        _scale("mood_after", "Mood after", "--mood-after"),
    ),
    form_hint=f"done = {' | '.join(HOMEWORK_DONE)}; mastery, pleasure, mood_before, "
    "mood_after 0-10",
    line=_practice_line,
    columns=(
        Column("done", "practice: yes, partly or not-this-time", _attr("done")),
        Column("what", "practice: what was practised, when not the homework's name", _attr("what")),
        Column("mastery", RATED, _rating("mastery")),
        Column("pleasure", RATED, _rating("pleasure")),
        Column("mood_before", RATED, _rating("mood_before")),
        Column("mood_after", RATED, _rating("mood_after")),
    ),
)

RELAXATION = RecordKind(
    name="relaxation",
    title="relaxation",
    part_key="relaxation",
    attr="relaxation",
    model="Relaxation",
    fields=(
        FieldSpec(
            "technique",
            "Technique",
            required=True,
            flag="--technique",
            flag_help="Relaxation technique.",
            from_assignment=True,
        ),
        FieldSpec("minutes", "Minutes", "int", 0, 600, "minutes", flag="--minutes"),
        _scale("tension_before", "Tension before", "--tension-before", suggest=True),
        _scale("tension_after", "Tension after", "--tension-after", suggest=True),
        FieldSpec("anchor_low", "Low anchor", required=True, default=DEFAULT_TENSION_ANCHORS[0]),
        FieldSpec("anchor_high", "High anchor", required=True, default=DEFAULT_TENSION_ANCHORS[1]),
    ),
    form_hint="technique; minutes; tension_before/after 0-10 (see the anchors)",
    line=_relaxation_line,
    columns=(
        Column("technique", "relaxation technique", _attr("technique")),
        Column("minutes", "relaxation minutes", _attr("minutes")),
        Column("tension_before", "relaxation: 0-10 (see tension_anchors)", _attr("tension_before")),
        Column("tension_after", "relaxation: 0-10", _attr("tension_after")),
        Column(
            "tension_anchors",
            "relaxation: the scale's anchors, low / high",
            lambda r: f"{r.anchor_low} / {r.anchor_high}",
        ),
    ),
)

THOUGHT_RECORD = RecordKind(
    name="thought-record",
    title="thought record",
    part_key="thought_record",
    attr="thought_record",
    model="ThoughtRecord",
    fields=(
        FieldSpec(
            "situation",
            "Situation: where, when, what happened",
            required=True,
            flag="--situation",
            flag_help="Thought record: the situation.",
            skeleton="",
        ),
        FieldSpec(
            "emotions",
            "Emotion",
            "tables",
            required=True,
            flag="--emotion",
            flag_help="NAME:BEFORE[:AFTER] (0-100); repeat.",
            metavar="NAME:BEFORE[:AFTER]",
            parse=parse_emotion,
            example="anxious:80:40",
            skeleton=[{"name": "", "before": ""}],
        ),
        FieldSpec(
            "thoughts",
            "Automatic thought",
            "tables",
            required=True,
            flag="--thought",
            flag_help="TEXT:BELIEF[:hot]; repeat.",
            metavar="TEXT:BELIEF[:hot]",
            parse=parse_thought,
            example="I won't cope:75:hot",
            skeleton=[{"text": "", "belief": ""}],
        ),
        FieldSpec(
            "evidence_for", "Evidence for the hot thought", flag="--evidence-for", skeleton=""
        ),
        FieldSpec(
            "evidence_against", "Evidence against it", flag="--evidence-against", skeleton=""
        ),
        FieldSpec(
            "balanced_thought",
            "A balanced thought",
            flag="--balanced",
            flag_help="Balanced thought.",
            skeleton="",
        ),
        _percent(
            "balanced_belief",
            "How much do you believe it, 0-100 %",
            "--balanced-belief",
            shown="Belief in the balanced thought",
        ),
    ),
    form_hint="situation; [[thought_record.emotions]] name, before, after 0-100; "
    "[[thought_record.thoughts]] text, belief 0-100, hot = true on one",
    line=_thought_record_line,
    columns=(
        Column(
            "emotions",
            "thought record: emotions, '; '-separated",
            lambda t: "; ".join(em.name for em in t.emotions),
        ),
        Column(
            "emotion_before_mean",
            "thought record: mean emotion rating before, 0-100",
            lambda t: round(sum(em.before for em in t.emotions) / len(t.emotions), 2),
        ),
        Column(
            "emotion_after_mean",
            "thought record: mean emotion re-rating after, 0-100",
            _emotion_after_mean,
        ),
        Column(
            "hot_thought_belief", "thought record: belief in the hot thought, 0-100", _hot_belief
        ),
        Column(
            "balanced_belief",
            "thought record: belief in the balanced thought, 0-100",
            _attr("balanced_belief"),
        ),
    ),
)

MOOD_CHECK = RecordKind(
    name="mood-check",
    title="mood check",
    part_key="mood",
    attr="mood",
    model="MoodCheck",
    fields=(
        _scale(
            "mood",
            "Mood now",
            "--mood",
            required=True,
            flag_help="Mood now, 0-10.",
            hint="0 lowest, 10 best",
            skeleton="",
        ),
        FieldSpec(
            "sleep_hours",
            "Hours of sleep last night",
            "number",
            0,
            24,
            flag="--sleep",
            flag_help="Hours of sleep, 0-24.",
            hint="Enter to skip",
        ),
    ),
    form_hint="[mood] mood 0-10 (0 lowest, 10 best); sleep_hours",
    line=lambda m: f"mood {m.mood}/10",
    columns=(
        Column("mood", "mood check: 0-10", _attr("mood")),
        Column("sleep_hours", "mood check: hours of sleep", _attr("sleep_hours")),
    ),
)

JOURNAL = RecordKind(
    name="journal",
    title="journal entry",
    attr="",
    fields=(
        FieldSpec(
            "text",
            "Write as much or as little as you like",
            required=True,
            top=True,
            shown="What you wrote",
        ),
    ),
    form_hint='text = """..."""',
)

GRATITUDE = RecordKind(
    name="gratitude",
    title="gratitude",
    part_key="gratitude",
    fields=(
        FieldSpec(
            "items",
            "Something you are grateful for",
            "texts",
            required=True,
            flag="--grateful",
            flag_help="Something you are grateful for; repeat, up to three.",
            metavar="TEXT",
            hint="Enter when done",
            skeleton=[""],
            max_items=3,
        ),
        _scale(
            "mood",
            "Mood now",
            "--gratitude-mood",
            flag_help="Gratitude entry: mood now, 0-10.",
            hint="0 lowest, 10 best; Enter to skip",
        ),
    ),
    line=_gratitude_line,
    columns=(
        Column(
            "grateful_for",
            "gratitude: what the person is grateful for, '; '-separated",
            lambda g: "; ".join(g.get("items", ())),
        ),
        Column("gratitude_mood", "gratitude: mood, 0-10", lambda g: g.get("mood")),
    ),
    measures=(Measure("mood", "/10", lambda g: g.get("mood")),),
)


def _suds(key: str, label: str, flag: str) -> FieldSpec:
    """A SUDS rating, 0-100: the person's own number (no order between them is checked)."""
    return FieldSpec(
        key,
        label,
        "int",
        0,
        100,
        flag=flag,
        flag_help=f"Exposure: {label}, 0-100.",
        hint="0-100; Enter to skip",
    )


EXPOSURE = RecordKind(
    name="exposure",
    title="exposure practice",
    part_key="exposure",
    fields=(
        FieldSpec(
            "step",
            "Which step of the hierarchy",
            required=True,
            flag="--step",
            flag_help="Exposure: the hierarchy step practised (its id or short name, s2; "
            "the step's words when the client has no hierarchy).",
            metavar="STEP",
            skeleton="",
        ),
        _suds("suds_before", "SUDS before", "--suds-before"),
        _suds("suds_peak", "SUDS at the peak", "--suds-peak"),
        _suds("suds_after", "SUDS after", "--suds-after"),
        FieldSpec(
            "minutes",
            "Minutes",
            "int",
            0,
            600,
            "minutes",
            flag="--exposure-minutes",
            flag_help="Exposure: how many minutes.",
            hint="Enter to skip",
        ),
        FieldSpec(
            "helped",
            "What helped",
            flag="--helped",
            flag_help="Exposure: what helped.",
            skeleton="",
        ),
    ),
    line=_exposure_line,
    columns=(
        Column(
            "exposure_step", "exposure: the hierarchy step's id (or words)", lambda e: e.get("step")
        ),
        Column("suds_before", "exposure: SUDS before, 0-100", lambda e: e.get("suds_before")),
        Column("suds_peak", "exposure: SUDS at the peak, 0-100", lambda e: e.get("suds_peak")),
        Column("suds_after", "exposure: SUDS after, 0-100", lambda e: e.get("suds_after")),
        Column("exposure_minutes", "exposure: minutes", lambda e: e.get("minutes")),
    ),
)

HOMEWORK: tuple[RecordKind, ...] = (
    PRACTICE,
    RELAXATION,
    THOUGHT_RECORD,
    MOOD_CHECK,
    JOURNAL,
    GRATITUDE,
    EXPOSURE,
)
HOMEWORK_BY_NAME = {k.name: k for k in HOMEWORK}
HOMEWORK_KINDS = tuple(k.name for k in HOMEWORK)
# The kinds that keep a table of their own, by name: entry_kind -> its TOML table.
PART_KEYS = {k.name: k.part_key for k in HOMEWORK if k.part_key}


def homework_kind(name: str) -> RecordKind | None:
    return HOMEWORK_BY_NAME.get(name)


def kinds_words(names: tuple[str, ...] = HOMEWORK_KINDS) -> str:
    """``practice, relaxation, … or journal``: the kinds in a sentence."""
    return ", ".join(names[:-1]) + " or " + names[-1] if len(names) > 1 else "".join(names)


def homework_flags() -> list[tuple[RecordKind, FieldSpec]]:
    """Every field of every homework kind that has a flag of its own, in spec order."""
    return [(k, f) for k in HOMEWORK for f in k.fields if f.flag]
