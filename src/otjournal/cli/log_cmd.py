"""``otj log``: write a session note by prompts, flags, a file, stdin or the editor."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import typer

from otjournal.cli.common import (
    DefaultClientArg,
    DirOpt,
    journal,
    now,
    read_config,
)
from otjournal.cli.drafting import (
    DraftOpt,
    EditorOpt,
    FromOpt,
    NoInputOpt,
    ResumeOpt,
    Source,
    drop_if_published,
    editor_table,
    load_source,
    pick_draft,
    read_source,
)
from otjournal.cli.log_options import (
    MEASURES_GIVEN,
    ActivityOpt,
    AttendeeOpt,
    ByOpt,
    CancelledOpt,
    CaregiverReportOpt,
    ChecklistOpt,
    DateOpt,
    DnaOpt,
    DurationOpt,
    GoalOpt,
    HelpedOpt,
    HomeworkOpt,
    InvolvementOpt,
    NextOpt,
    OrsOpt,
    ReasonOpt,
    RegEndOpt,
    RegNotesOpt,
    RegStartOpt,
    RiskActionOpt,
    RiskOpt,
    RiskToldOpt,
    RiskWhatOpt,
    SettingOpt,
    SrsOpt,
    SummaryOpt,
    TechniqueOpt,
    TimeOpt,
    TypeOpt,
    VoiceOpt,
    measures_to_note,
    not_held,
    not_held_flag,
    risk_part,
)
from otjournal.cli.log_session import LogSession, write_errors
from otjournal.errors import FlagErrors, MissingFields, UsageError
from otjournal.forms.common import merged
from otjournal.model.vocab import NOT_HELD_TYPES

if TYPE_CHECKING:
    from datetime import datetime

    from otjournal.config import Config
    from otjournal.disk.store import Journal
    from otjournal.errors import ValidationError
    from otjournal.forms.drafts import Draft, Drafts
    from otjournal.model import Client


def register(app: typer.Typer) -> None:
    app.command("log")(log_cmd)


def log_cmd(
    client: DefaultClientArg = None,
    date: DateOpt = None,
    at: TimeOpt = None,
    duration: DurationOpt = None,
    session_type: TypeOpt = None,
    setting: SettingOpt = None,
    attendee: AttendeeOpt = None,
    by: ByOpt = None,
    goal: GoalOpt = None,
    activity: ActivityOpt = None,
    technique: TechniqueOpt = None,
    voice: VoiceOpt = None,
    caregiver_report: CaregiverReportOpt = None,
    involvement: InvolvementOpt = None,
    reg_start: RegStartOpt = None,
    reg_end: RegEndOpt = None,
    helped: HelpedOpt = None,
    reg_notes: RegNotesOpt = None,
    checklist: ChecklistOpt = None,
    summary: SummaryOpt = None,
    next_focus: NextOpt = None,
    homework: HomeworkOpt = None,
    ors: OrsOpt = None,
    srs: SrsOpt = None,
    risk: RiskOpt = None,
    risk_what: RiskWhatOpt = None,
    risk_action: RiskActionOpt = None,
    risk_told: RiskToldOpt = None,
    cancelled: CancelledOpt = False,
    dna: DnaOpt = False,
    reason: ReasonOpt = None,
    from_file: FromOpt = None,
    editor: EditorOpt = False,
    resume: ResumeOpt = False,
    draft_id: DraftOpt = None,
    no_input: NoInputOpt = False,
    dir: DirOpt = None,
) -> None:
    """Write a session note: guided prompts by default, or flags, --from, --editor.

    Note text never has to go on the command line: prompts, stdin (--from -) and the
    editor always work. After every answer the note is kept as a draft; Ctrl-C keeps it
    and 'otj log --resume' continues."""
    from otjournal.forms import session as noteform
    from otjournal.forms.drafts import default_drafts
    from otjournal.model.write_rules import checked_writer

    checked_writer(by or "")  # refused as typed, before anything is read or asked
    args = dict(locals())
    # Read once (stdin can be): its text also places what it gives wrong at its line.
    args["source"] = load_source(from_file) if from_file else None
    config = read_config()
    j = journal(dir)
    drafts = default_drafts(j.write_lock(), j.root)
    clock = now()
    # A value given on the command line is not asked again, resumed or not.
    given = frozenset(key for arg, key in GIVEN.items() if args[arg] not in (None, []))
    draft, client_record, note = _begin(args, drafts, j, config, clock)
    if draft is None:
        draft = drafts.new("log", client_record.handle, clock, note)
    items = noteform.items_for(config, client_record, clock.date())
    session = LogSession(j, drafts, draft, config, client_record, items, given)
    session.source = args["source"]
    _write(session, args, note)


def _write(session: LogSession, args: dict[str, Any], note: dict[str, Any]) -> None:
    """In the editor, unattended (flags, --from, --no-input, a session not held: nothing
    to ask), or at the prompts."""
    from_file, no_input = args["from_file"], args["no_input"]
    if args["editor"] or (session.draft.step == "editor" and not (no_input or from_file)):
        session.in_editor()
    elif no_input or from_file or not_held(note):
        # Never a prompt: save, or keep the draft (a resumed one with what was given now)
        # and name what is missing.
        resumed = bool(args["resume"] or args["draft_id"])
        session.save_or_exit_missing(usage=not from_file, from_stdin=from_file == "-" or resumed)
    else:
        session.interactive()


def _begin(
    args: dict[str, Any], drafts: Drafts, j: Journal, config: Config, clock: datetime
) -> tuple[Draft | None, Client, dict[str, Any]]:
    """The draft resumed (None for a new note), the client, and the note so far."""
    from otjournal.forms import session as noteform
    from otjournal.forms import session_form as sessionform

    client, no_input, from_file = args["client"], args["no_input"], args["from_file"]
    draft = None
    if args["resume"] or args["draft_id"]:
        draft = pick_draft(drafts, args["draft_id"], client)
        drop_if_published(drafts, draft, j.root)
        client = draft.client
        form = editor_table(draft) if no_input or from_file else None
        if form is not None:
            draft.note = {**sessionform.form_to_note(form), "client": client}
        # The flags (and --from) given now are honoured: they win over the draft.
        note = draft.note = resumed_note(draft.note, args, config, clock, from_file)
    else:
        client = client or config.default_client or None
        note = note_from_inputs(args, config, clock, from_file)
    if not client:
        if no_input or from_file:
            raise MissingFields(["client"], noteform.FIELD_FLAGS)
        raise UsageError("name the client: otj log CLIENT (or set default_client in the config)")
    note["client"] = client
    client_record, _ = j.read_client(client)
    note.setdefault("written_by", args["by"] or config.practitioner)
    if isinstance(note.get("regulation"), dict):  # flags and files speak the client's framework
        note["regulation"].setdefault("framework", client_record.regulation_framework)
    if draft is None and not from_file:
        # Flags are checked before anything is asked or found missing: a goal the client
        # does not have or a session in the future is refused at once, not dropped or
        # found later. (--from meets the same rules when saving.)
        errors = noteform.log_kind_errors(note) + noteform.input_errors(note, client_record, clock)
        said = {e.message for e in errors}
        refuse_now(errors + [e for e in write_errors(note) if e.message not in said])
    return draft, client_record, note


# Each option of `otj log` and the part of the note it gives: a value given on the
# command line is not asked again (the review still shows it, and can change it).
GIVEN = {
    "date": "when.date",
    "at": "when.time",
    "duration": "duration_min",
    "session_type": "session_type",
    "setting": "setting",
    "attendee": "attendees",
    "by": "written_by",
    "goal": "goals",
    "activity": "activities",
    "technique": "techniques",
    "voice": "child_voice.text",
    "caregiver_report": "caregiver.report",
    "involvement": "caregiver.involvement",
    "reg_start": "regulation.start",
    "reg_end": "regulation.end",
    "helped": "regulation.helped",
    "reg_notes": "regulation.notes",
    "checklist": "checklist",
    "summary": "plan.summary",
    "next_focus": "plan.next_focus",
    "homework": "plan.homework",
    "reason": "plan.summary",
    **MEASURES_GIVEN,
    "risk": "risk",
}


def refuse_now(errors: list[ValidationError]) -> None:
    if errors:
        raise FlagErrors(errors)


def resumed_note(
    kept: dict[str, Any],
    args: dict[str, Any],
    config: Config,
    clock: datetime,
    from_file: str | None,
) -> dict[str, Any]:
    """A resumed draft's note with --from and the flags given now on top (flags win).
    The date and time are changed only as far as --date/--time say, in the kept offset."""
    from otjournal.forms import session as noteform

    note = merged(kept, _read_from(args.get("source") or from_file)) if from_file else dict(kept)
    flags = note_from_inputs(args, config, clock, None)
    if not args["duration"]:
        flags.pop("duration_min", None)
    flags.pop("start", None)
    note = merged(note, flags)
    start = note.get("start")
    if (args["date"] or args["at"]) and start is not None and hasattr(start, "tzinfo"):
        note["start"] = noteform.parse_start(
            args["date"] or f"{start:%Y-%m-%d}",
            args["at"] or f"{start:%H:%M}",
            clock.astimezone(start.tzinfo),
            int(note.get("duration_min") or 0),
        )
    elif args["date"] or args["at"]:
        duration = int(note.get("duration_min") or config.duration_min)
        note["start"] = noteform.parse_start(args["date"], args["at"], clock, duration)
    return note


def note_from_inputs(
    args: dict[str, Any], config: Config, clock: datetime, from_file: str | None
) -> dict[str, Any]:
    """The note as far as --from and the flags give it; flags win over the file."""
    from otjournal.forms import session as noteform
    from otjournal.forms.techniques import as_listed

    note: dict[str, Any] = _read_from(args.get("source") or from_file) if from_file else {}
    kind = not_held_flag(args)
    if kind:
        note["session_type"] = kind
    duration = args["duration"]
    if duration is None:  # 0 is a value given (and refused), not "not given"
        zero = not_held(note) or args.get("session_type") in NOT_HELD_TYPES
        duration = note.get("duration_min", 0 if zero else config.duration_min)
    note["duration_min"] = duration
    if args["date"] or args["at"] or "start" not in note:
        # An impossible length still leaves a start to report the length against.
        length = config.duration_min if noteform.duration_problem(duration) else duration
        if not isinstance(length, int):
            length = config.duration_min
        note["start"] = noteform.parse_start(args["date"], args["at"], clock, length)
    simple = {
        "session_type": args["session_type"],
        "setting": args["setting"],
        "written_by": args["by"],
        "child_voice.text": args["voice"],
        "caregiver.report": args["caregiver_report"],
        "caregiver.involvement": args["involvement"],
        "regulation.start": args["reg_start"],
        "regulation.end": args["reg_end"],
        "regulation.notes": args["reg_notes"],
        "plan.summary": args["summary"] or args.get("reason"),
        "plan.next_focus": args["next_focus"],
    }
    for key, value in simple.items():
        if value is not None:
            noteform.put(note, key, value)
    if args["attendee"]:
        note["attendees"] = list(args["attendee"])
    if args["helped"]:
        noteform.put(note, "regulation.helped", list(args["helped"]))
    if args["goal"]:
        note["goals"] = [noteform.parse_goal_flag(g) for g in args["goal"]]
    if args["activity"]:
        note["activities"] = [noteform.parse_activity_flag(a) for a in args["activity"]]
    if args["technique"]:
        note["techniques"] = as_listed(args["technique"], config.techniques)
    if args["homework"]:
        noteform.put(
            note, "plan.homework", [noteform.parse_homework_flag(h) for h in args["homework"]]
        )
    if args["checklist"]:
        items = noteform.checklist_items(config.extra_items)
        noteform.set_checklist(note, noteform.parse_checklist_line(args["checklist"], items), items)
    measures_to_note(args, note)
    note.update(risk_part(args))
    return note


def _read_from(source: str | Source) -> dict[str, Any]:
    """A session table from --from, without the keys the clock and the store decide."""
    from otjournal.forms.session_form import form_to_note

    note = form_to_note(source.table if isinstance(source, Source) else read_source(source))
    for key in ("format_version", "kind", "id", "client", "late_entry", "amendments"):
        note.pop(key, None)
    return note
