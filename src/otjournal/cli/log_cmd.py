"""``otj log``: write a session note by prompts, flags, a file, stdin or the editor."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import typer

from otjournal.cli.common import (
    DefaultClientArg,
    DirOpt,
    err,
    journal,
    now,
    print_wrapped,
    read_config,
)
from otjournal.cli.drafting import (
    DraftOpt,
    DraftRun,
    EditorOpt,
    FromOpt,
    NoInputOpt,
    ResumeOpt,
    drop_if_published,
    editor_table,
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
    optional_parts,
    risk_part,
)
from otjournal.errors import ExitCode, FlagErrors, MissingFields, UsageError
from otjournal.forms.common import merged
from otjournal.model.vocab import NOT_HELD_TYPES

if TYPE_CHECKING:
    from datetime import datetime

    from rich.console import Console

    from otjournal.config import Config
    from otjournal.disk.loading import Loaded
    from otjournal.disk.store import Journal
    from otjournal.errors import ValidationError
    from otjournal.forms.drafts import Draft, Drafts
    from otjournal.model import Client, Session
    from otjournal.model.words import Words
    from otjournal.prompts import Context, LogFlow


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

    args = dict(locals())
    config = read_config()
    drafts = default_drafts()
    j = journal(dir)
    clock = now()
    # A value given on the command line is not asked again, resumed or not.
    given = frozenset(key for arg, key in GIVEN.items() if args[arg] not in (None, []))
    draft, client_record, note = _begin(args, drafts, j, config, clock)
    if draft is None:
        draft = drafts.new("log", client_record.handle, clock, note)
    items = noteform.items_for(config, client_record, clock.date())
    _write(LogSession(j, drafts, draft, config, client_record, items, given), args, note)


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
        refuse_now(
            noteform.log_kind_errors(note) + noteform.input_errors(note, client_record, clock)
        )
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

    note = merged(kept, _read_from(from_file)) if from_file else dict(kept)
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

    note: dict[str, Any] = _read_from(from_file) if from_file else {}
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


def _read_from(source: str) -> dict[str, Any]:
    """A session table from --from, without the keys the clock and the store decide."""
    from otjournal.forms.session_form import form_to_note

    note = form_to_note(read_source(source))
    for key in ("format_version", "kind", "id", "client", "late_entry", "amendments"):
        note.pop(key, None)
    return note


class LogSession(DraftRun["Session", "Loaded[Session]"]):
    """One run of ``otj log``: the draft, the flow, saving, and what happens on the way out."""

    command = "log"

    def __init__(
        self,
        j: Journal,
        drafts: Drafts,
        draft: Draft,
        config: Config,
        client: Client,
        items: list[tuple[str, str]],
        given: frozenset[str] = frozenset(),
    ) -> None:
        super().__init__(drafts, draft)
        self.j = j
        self.config = config
        self.client = client
        self.items = items
        self.given = given
        self.overlapping: list[Session] = []

    def finalize(self) -> Session:
        from otjournal.errors import ValidationErrors
        from otjournal.forms import session as noteform

        wrong_kind = noteform.log_kind_errors(self.draft.note)
        try:
            session = noteform.finalize(
                self.draft.note,
                now=now(),
                late_hours=self.config.late_entry_hours,
                client=self.client,
                optional=optional_parts(self.draft.note),
            )
        except ValidationErrors as exc:
            raise ValidationErrors(wrong_kind + exc.errors) from None
        if wrong_kind:
            raise ValidationErrors(wrong_kind)
        return session

    def prepare(self) -> None:
        from otjournal.forms import session as noteform
        from otjournal.model.ids import new_suffix

        noteform.assign_homework_ids(self.draft.note, new_suffix)

    def write(self, session: Session) -> Loaded[Session]:
        self.overlapping = self._overlapping(session)
        return self.j.add_session(session, before_publish=self.planned)

    def _overlapping(self, session: Session) -> list[Session]:
        """The client's saved sessions this one overlaps in time (never stops a save)."""
        from otjournal.errors import OtjournalError

        try:
            snap = self.j.load([self.client.handle], homework=False)
        except OtjournalError:
            return []
        return [
            s.record
            for s in snap.client_sessions(self.client.handle)
            if s.record.id != session.id and s.record.overlaps(session)
        ]

    def announce(self, saved: Loaded[Session]) -> None:
        rel = (
            saved.path.relative_to(self.j.root)
            if saved.path.is_relative_to(self.j.root)
            else saved.path
        )
        # Plain lines: adding a note never waits for Rich's console to load.
        typer.echo(f"Saved {saved.record.id} ({rel})")
        if saved.record.late_entry:
            hours = (saved.record.written_at - saved.record.end).total_seconds() / 3600
            typer.echo(
                f"Marked as a late entry: written {hours:.0f} hours after the session.", err=True
            )
        if self.overlapping:
            from otjournal.disk.checks import overlap_message

            for other in self.overlapping:
                typer.echo(
                    f"otj: note: this session {overlap_message(other)} (fine for "
                    "co-treatment; 'otj check' lists overlaps)",
                    err=True,
                )

    def missing(self) -> tuple[list[str], dict[str, str]]:
        """What the note cannot be saved without, and the option that gives each (a kind
        of note built on this one names its own)."""
        from otjournal.forms import session as noteform

        note = self.draft.note
        return noteform.missing_fields(note, optional_parts(note)), noteform.FIELD_FLAGS

    def save_or_exit_missing(self, usage: bool, from_stdin: bool) -> None:
        self.prepare()
        missing, flags = self.missing()
        self.save_unattended(missing, flags, from_stdin=from_stdin, usage=usage)

    # -- interactive ---------------------------------------------------------------
    title = "Session note"  # the first line of the prompts: "Session note for Mia K."

    def subject(self) -> Client:
        """The client the prompts are about."""
        return self.client

    def prompt_context(self) -> Context:
        from otjournal.forms.hints import for_practitioner
        from otjournal.prompts import Context

        return Context(
            self.subject(),
            self._last_session(),
            self.items,
            for_practitioner(self.config),
            now(),
            self.config.duration_min,
            self.given,
            self_mode=self.self_mode,
            techniques=self.config.techniques,
        )

    @property
    def self_mode(self) -> bool:
        """The client is the one writing (self mode, their own journal)."""
        return self.config.self_mode and self.client.handle == self.config.default_client

    def words(self) -> Words:
        from otjournal.model.words import words_for

        return words_for(self.subject(), now().date(), self.self_mode)

    def flow(self, console: Console) -> LogFlow:
        from otjournal.prompts import LogFlow

        keep = self.keep
        return LogFlow(console, self.draft.note, self.draft.partial, self.prompt_context(), keep)

    def interactive(self) -> None:
        from rich.markup import escape

        # No readline: with prompts on stderr it swallows the echoed newline.
        client, console = self.subject(), err()
        flow = self.flow(console)
        with self.guard():
            console.print(
                f"[bold]{self.title} for {escape(client.display_name)}[/] "
                f"[dim]({client.handle}) · Enter keeps the value in "
                f"\\[brackets]. Draft: {self.draft.id}[/]",
                highlight=False,
                markup=True,
                soft_wrap=False,
            )
            if self.draft.step != "review":
                flow.run(self.draft.step)
            self.review(flow, console)

    def review(self, flow: LogFlow, console: Console) -> None:
        from rich.markup import escape
        from rich.text import Text

        from otjournal.errors import ValidationErrors
        from otjournal.views.session import session_detail

        sections = flow.sections()
        while True:
            console.rule(Text("Review", style="bold"), align="left", style="dim")
            try:
                preview = self.finalize()
                print_wrapped(session_detail(preview, self.client), console)
                problems: list[str] = []
            except ValidationErrors as exc:
                problems = [e.message for e in exc.errors]
                for p in problems:
                    console.print(f"[yellow]needs fixing:[/] {escape(p)}", markup=True)
            menu = "  ".join(f"{i} {title.lower()}" for i, (_, title, _) in enumerate(sections, 1))
            console.print(f"[dim]Change a part: {menu}[/]", markup=True, soft_wrap=False)
            answer = (
                flow.ask(
                    "Save? y = save, a number = change that part, q = stop and keep the draft",
                    "" if problems else "y",
                )
                .strip()
                .lower()
            )
            if answer in ("y", "yes") and not problems:
                self.save()
                return
            if answer in ("q", "quit"):
                # Asked for, not a failure: exit 0, as in 'otj homework log'.
                self.keep("review")
                raise self.stopped("stopped before saving", ExitCode.OK)
            if answer.isdigit() and 1 <= int(answer) <= len(sections):
                flow.redo(sections[int(answer) - 1][0])
                self.keep("review")

    def _last_session(self) -> Session | None:
        snap = self.j.load([self.client.handle], homework=False)
        sessions = snap.client_sessions(self.client.handle)
        return sessions[-1].record if sessions else None

    # -- editor ----------------------------------------------------------------
    def in_editor(self) -> None:
        """The note in $VISUAL/$EDITOR; reopened with the errors until it validates.
        (Not named ``edit``: that is DraftRun's editor loop, which this one drives.)"""
        from otjournal.forms import session_form as sessionform

        def accept(data: dict[str, Any]) -> None:
            note = sessionform.form_to_note(data)
            note["client"] = self.client.handle
            self.draft.note = note
            self.keep("editor")
            self.finalize()

        form = sessionform.editor_form(
            self.draft.note,
            self.client,
            self.items,
            self.words(),
            techniques=self.config.techniques,
        )
        with self.guard():
            self.edit(form, accept)
        self.save()
