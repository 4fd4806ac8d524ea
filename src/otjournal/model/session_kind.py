"""The session note as a record kind: its name, folder, export columns and the fields a
note cannot be saved without (with how each is given), declared like the homework kinds
in model/kinds.py. Its other parts and their rules are the session form's own
(forms.session); each column's value is computed in numbers.export.session_row."""

from __future__ import annotations

from otjournal.model.spec import Column, FieldSpec, RecordKind
from otjournal.model.vocab import CHECKLIST_KEYS, SESSION_TYPES

_SESSION_REQUIRED = (
    FieldSpec("client", "client", required=True, top=True, given_by="CLIENT argument"),
    FieldSpec("start", "date and time", required=True, top=True, given_by="--date/--time"),
    FieldSpec(
        "duration_min",
        "minutes",
        type="int",  # 1 to model.vocab.MAX_MINUTES (forms.session checks it)
        unit="minutes",
        required=True,
        top=True,
        given_by="--duration",
    ),
    FieldSpec(
        "written_by",
        "written by",
        required=True,
        top=True,
        given_by="--by or practitioner.name in the config",
    ),
    FieldSpec("setting", "setting", type="choice", required=True, top=True, given_by="--setting"),
    FieldSpec("attendees", "who attended", required=True, top=True, given_by="--attendee"),
    FieldSpec(
        "plan.summary",
        "summary",
        required=True,
        top=True,
        given_by="--summary, --from FILE|-, --editor or the prompts",
    ),
)

_SESSION_COLUMNS: list[tuple[str, str]] = [
    ("session_id", "the session's id (its file name without .toml)"),
    ("client", "client handle"),
    ("date", "session date, YYYY-MM-DD (local to the session)"),
    ("start", "start date-time with UTC offset, ISO 8601"),
    ("duration_min", "minutes"),
    ("session_type", ", ".join(SESSION_TYPES)),
    ("setting", "clinic, home, school, community, telehealth or other"),
    ("attendees", "roles who attended, '; '-separated"),
    ("written_by", "author"),
    ("written_at", "when the note was saved, ISO 8601"),
    ("late_entry", "true when written more than the late-entry threshold after the session"),
    ("goals_rated", "number of goals with a GAS rating (interim; at a review, the follow-up)"),
    (
        "gas_tscore",
        "GAS T-score of the goals rated in this session (1 or more; weighted), else empty; "
        "interim except on a review, where it is the review T-score",
    ),
    ("ors_total", "Outcome Rating Scale total 0-40 (four items 0-10), empty if not recorded"),
    ("srs_total", "Session Rating Scale total 0-40 (four items 0-10), empty if not recorded"),
    ("risk", "none-identified or identified, empty if not recorded (what and who: see the note)"),
    ("activities", "number of activities"),
    ("activities_child_led_or_interest", "activities child-led or built on interests"),
    ("activities_movement_sensory", "activities with movement or sensory input"),
    ("activities_adapted", "activities adapted during the session"),
    ("techniques", "techniques used, '; '-separated, as amended"),
    ("regulation_framework", "zones, engine, window or descriptive"),
    ("regulation_start", "state at the start"),
    ("regulation_end", "state at the end"),
    *[
        (
            f"checklist_{k.replace('-', '_')}",
            f"affirming checklist item '{k}': yes, partly, "
            "no, unsure, n-a, or empty if not answered",
        )
        for k in CHECKLIST_KEYS
    ],
    ("homework_assigned", "number of homework assignments set"),
    ("amendments", "number of amendments appended"),
]

SESSION = RecordKind(
    name="session",
    title="session note",
    family="session",
    folder="sessions",
    fields=_SESSION_REQUIRED,
    columns=tuple(Column(name, help) for name, help in _SESSION_COLUMNS),
)
