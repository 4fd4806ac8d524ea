"""The options of ``otj log``, one for each part of the note it can give (the options
every note-writing command shares are drafting's)."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from otjournal.errors import UsageError
from otjournal.model.ids import shown
from otjournal.model.risk import RISK_WORDS
from otjournal.model.vocab import NO_ATTENDEE_TYPES, NOT_HELD_TYPES

Repeat = list[str] | None

DateOpt = Annotated[str | None, typer.Option("--date", help="Session date (default today).")]
TimeOpt = Annotated[
    str | None,
    typer.Option("--time", help="Start time HH:MM (default: it started one session length ago)."),
]
# No range here: noteform's rule answers in every mode alike.
DurationOpt = Annotated[
    int | None, typer.Option("--duration", help="Minutes (default from config).")
]
TypeOpt = Annotated[
    str | None,
    typer.Option(
        "--type",
        help="initial, therapy, review, caregiver-only, non-client (report writing, liaison), "
        "cancelled or did-not-attend (a review that rates every goal: otj review; a "
        "discharge: otj discharge).",
    ),
]
SettingOpt = Annotated[
    str | None, typer.Option(help="clinic, home, school, community, telehealth or other.")
]
AttendeeOpt = Annotated[
    Repeat,
    typer.Option("--attendee", help="A role who attended (client, parent, teacher…); repeat."),
]
ByOpt = Annotated[
    str | None,
    typer.Option("--by", help="Who wrote it (default: practitioner.name in the config)."),
]
GoalOpt = Annotated[
    Repeat, typer.Option("--goal", help="GOAL:RATING[:evidence], e.g. 'g1:+1'; repeat.")
]
ActivityOpt = Annotated[
    Repeat,
    typer.Option(
        "--activity", help="NAME[;min=15][;tags=c,i,m,a][;adaptation=…][;response=…]; repeat."
    ),
]
TechniqueOpt = Annotated[
    Repeat,
    typer.Option(
        "--technique", help="A technique used (CBT, parent coaching…; config list or any); repeat."
    ),
]
HelpedOpt = Annotated[Repeat, typer.Option("--helped", help="What helped regulation; repeat.")]
ChecklistOpt = Annotated[
    str | None,
    typer.Option(help="All checklist answers in one line, e.g. yyypyy- (y p n u -)."),
]
NextOpt = Annotated[str | None, typer.Option("--next", help="Next session's focus.")]
HomeworkOpt = Annotated[
    Repeat, typer.Option("--homework", help="TEXT[;kind=practice][;per_week=5]; repeat.")
]


VoiceOpt = Annotated[str | None, typer.Option(help="In the client's words (or actions).")]
CaregiverReportOpt = Annotated[str | None, typer.Option(help="Caregiver's report.")]
InvolvementOpt = Annotated[str | None, typer.Option(help="Caregiver involvement.")]
RegStartOpt = Annotated[str | None, typer.Option(help="Regulation at the start.")]
RegEndOpt = Annotated[str | None, typer.Option(help="Regulation at the end.")]
RegNotesOpt = Annotated[str | None, typer.Option(help="Regulation notes.")]
SummaryOpt = Annotated[str | None, typer.Option(help="Closing summary.")]

# A session that did not take place, in a few keys: `otj log mia --cancelled` (or --dna),
# with --date/--time and --reason if wanted. Saved at once: no prompt, no attendee, 0 min.
CancelledOpt = Annotated[
    bool,
    typer.Option(
        "--cancelled", help="A session that was cancelled: saved at once (type cancelled, 0 min)."
    ),
]
DnaOpt = Annotated[
    bool,
    typer.Option(
        "--dna",
        "--did-not-attend",
        help="A session the client did not attend: saved at once (type did-not-attend, 0 min).",
    ),
]
ReasonOpt = Annotated[
    str | None,
    typer.Option("--reason", help="Why it did not take place (kept as the note's summary)."),
]


def not_held(note: dict[str, Any]) -> bool:
    """A note of a session that did not take place (cancelled, did-not-attend)."""
    return note.get("session_type") in NOT_HELD_TYPES


def optional_parts(note: dict[str, Any]) -> tuple[str, ...]:
    """What a note may leave out by its type: a session that did not take place, who
    attended (no one), the summary (the reason, if any) and the setting (the model's
    default: clinic); non-client time (report writing, liaison), who attended."""
    if not_held(note):
        return ("attendees", "plan.summary", "setting")
    return ("attendees",) if note.get("session_type") in NO_ATTENDEE_TYPES else ()


def not_held_flag(args: dict[str, Any]) -> str | None:
    """The session type --cancelled or --dna gives (None without them); --type, if
    given as well, must say the same."""
    flags = [
        t
        for t, on in (("cancelled", args.get("cancelled")), ("did-not-attend", args.get("dna")))
        if on
    ]
    if len(flags) > 1:
        raise UsageError("--cancelled and --dna: a session is one or the other")
    given = args.get("session_type")
    if flags and given and given != flags[0]:
        flag = "--dna" if args.get("dna") else "--cancelled"
        raise UsageError(f"--type {shown(given)} and {flag} say different things")
    return flags[0] if flags else None


# The session measures (model/measures.py): four numbers 0-10 in the items' order.
OrsOpt = Annotated[
    str | None,
    typer.Option(
        "--ors",
        help="Outcome Rating Scale, four numbers 0-10: individually, interpersonally, "
        "socially, overall (e.g. 7,6,8,7).",
    ),
]
SrsOpt = Annotated[
    str | None,
    typer.Option(
        "--srs",
        help="Session Rating Scale (or CSRS for young people), four numbers 0-10: relationship, "
        "goals and topics, approach or method, overall (e.g. 9,9,8,9).",
    ),
]
MEASURES_GIVEN = {"ors": "ors", "srs": "srs"}


def measure_table(flag: str, value: str) -> dict[str, Any]:
    """``7,6,8,7`` → the scale's table; a wrong count or a word is a usage error, a
    number outside 0-10 an error located at the item (as in a file)."""
    from otjournal.errors import FlagErrors, ValidationError
    from otjournal.model.fields import Fields
    from otjournal.model.measures import Ors, Srs

    scale = Ors if flag == "ors" else Srs
    parts = [p.strip() for p in value.split(",")]
    usage = f"--{flag} takes four whole numbers 0-10, comma-separated ({', '.join(scale.ITEMS)})"
    if len(parts) != len(scale.ITEMS):
        raise UsageError(f"{usage}: {len(parts)} given")
    try:
        numbers = [int(p) for p in parts]
    except ValueError:
        raise UsageError(usage) from None
    table: dict[str, Any] = dict(zip(scale.ITEMS, numbers, strict=True))
    errors: list[ValidationError] = []
    scale.read(Fields(table, flag, errors))
    if errors:
        raise FlagErrors(errors)
    return table


def measures_to_note(args: dict[str, Any], note: dict[str, Any]) -> None:
    """--ors and --srs into the note (flags win over --from)."""
    for flag in MEASURES_GIVEN:
        if args.get(flag):
            note[flag] = measure_table(flag, args[flag])


# Risk recorded in the note ([risk]): --risk none, or --risk identified with what was
# identified, what was done and who was told (repeat --risk-told).
RiskOpt = Annotated[
    str | None,
    typer.Option(
        "--risk", help="none (none identified) or identified (with --risk-what, --risk-action)."
    ),
]
RiskWhatOpt = Annotated[
    str | None, typer.Option("--risk-what", help="The risk identified (with --risk identified).")
]
RiskActionOpt = Annotated[str | None, typer.Option("--risk-action", help="What was done about it.")]
RiskToldOpt = Annotated[Repeat, typer.Option("--risk-told", help="Who was told; repeat.")]


def risk_part(args: dict[str, Any]) -> dict[str, Any]:
    """``{"risk": {...}}`` as --risk and its details give it, or ``{}`` without them.
    The details without --risk identified are refused (the model names what is missing)."""
    given = args.get("risk")
    details = {
        "what": args.get("risk_what"),
        "action": args.get("risk_action"),
        "told": list(args.get("risk_told") or []),
    }
    details = {k: v for k, v in details.items() if v}
    if given is None:
        if details:
            raise UsageError("--risk-what, --risk-action and --risk-told go with --risk identified")
        return {}
    status = RISK_WORDS.get(given.strip().lower())
    if status is None:
        raise UsageError(f"--risk {shown(given)}: say none or identified")
    if status != "identified" and details:
        raise UsageError("--risk-what, --risk-action and --risk-told go with --risk identified")
    return {"risk": {"status": status, **details}}
