"""``otj intake``: the groundwork of an episode of care, written as a session note of type
``initial`` with an ``[intake]`` table; the goals set together go into client.toml.

The machinery is ``otj log``'s: prompts on a terminal, flags, ``--from``, ``--editor``,
``--no-input``, a draft kept after every answer and resumed with ``--resume``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from otjournal.cli.common import DefaultClientArg, DirOpt, journal, now, read_config
from otjournal.cli.drafting import (
    DraftOpt,
    EditorOpt,
    FromOpt,
    NoInputOpt,
    ResumeOpt,
    drop_if_published,
    editor_table,
    pick_draft,
)
from otjournal.cli.log_cmd import GIVEN as LOG_GIVEN
from otjournal.cli.log_cmd import note_from_inputs, refuse_now, resumed_note
from otjournal.cli.log_options import (
    AttendeeOpt,
    ByOpt,
    DateOpt,
    DurationOpt,
    NextOpt,
    SettingOpt,
    SummaryOpt,
    TimeOpt,
    VoiceOpt,
)
from otjournal.cli.log_session import LogSession
from otjournal.errors import ExitCode, MissingFields, Stopped, UsageError
from otjournal.forms.common import merged

if TYPE_CHECKING:
    from datetime import datetime

    from rich.console import Console

    from otjournal.config import Config
    from otjournal.disk.fsio import Fingerprint
    from otjournal.disk.loading import Loaded
    from otjournal.disk.store import Journal
    from otjournal.forms.drafts import Draft, Drafts
    from otjournal.model import Client, Goal, Session
    from otjournal.prompts import LogFlow

Repeat = list[str] | None
Text = str | None

ReferralSourceOpt = Annotated[Text, typer.Option(help="Who referred (school, GP, family…).")]
ReferralReasonOpt = Annotated[Text, typer.Option(help="The reason for referral (required).")]
BackgroundOpt = Annotated[Text, typer.Option(help="Background: development, history, family.")]
DiagnosisOpt = Annotated[
    Repeat,
    typer.Option(
        "--diagnosis", help="A diagnosis or disability, as the person or family names it; repeat."
    ),
]
MattersOpt = Annotated[Text, typer.Option("--matters", help="What matters to them.")]
StrengthOpt = Annotated[Repeat, typer.Option("--strength", help="A strength or interest; repeat.")]
CommOpt = Annotated[
    Repeat, typer.Option("--comm", help="A communication mode (speech, AAC, sign…); repeat.")
]
ConsentOpt = Annotated[
    Repeat,
    typer.Option(
        "--consent",
        help="WHO|PURPOSE[|DATE][|SHARE1,SHARE2], e.g. 'Mum|therapy and reports|"
        "2026-03-07|school,GP' (no date: the intake day); repeat.",
    ),
]
AssessmentOpt = Annotated[
    Repeat,
    typer.Option(
        "--assessment",
        help="NAME[|DATE][|SCORE=NUMBER,…], numbers only, e.g. "
        "'Sensory Profile 2|2026-03-01|total=52,seeking=18'; repeat.",
    ),
]
SetGoalOpt = Annotated[
    Repeat,
    typer.Option(
        "--goal",
        help="A goal set together: TEXT|BASELINE[|WEIGHT], baseline -2..+2, weight "
        "default 1, e.g. 'Laces shoes before kinder|-2|2'; repeat.",
    ),
]

# Each option and the part of the note it gives (not asked again): the session's own as
# `otj log` names them, and the intake's.
GIVEN = {
    **{k: LOG_GIVEN[k] for k in ("date", "at", "duration", "setting", "attendee", "by")},
    **{k: LOG_GIVEN[k] for k in ("voice", "summary", "next_focus")},
    "referral_source": "intake.referral_source",
    "referral_reason": "intake.referral_reason",
    "background": "intake.background",
    "diagnosis": "intake.diagnoses",
    "matters": "intake.what_matters",
    "strength": "intake.strengths",
    "comm": "intake.communication",
    "consent": "intake.consent",
    "assessment": "intake.assessments",
    "set_goal": "intake.goals",
}
SESSION_ARGS = ("date", "at", "duration", "setting", "attendee", "by", "voice", "summary")


def register(app: typer.Typer) -> None:
    app.command("intake")(intake_cmd)


def intake_cmd(
    client: DefaultClientArg = None,
    referral_source: ReferralSourceOpt = None,
    referral_reason: ReferralReasonOpt = None,
    background: BackgroundOpt = None,
    diagnosis: DiagnosisOpt = None,
    matters: MattersOpt = None,
    strength: StrengthOpt = None,
    comm: CommOpt = None,
    consent: ConsentOpt = None,
    assessment: AssessmentOpt = None,
    set_goal: SetGoalOpt = None,
    date: DateOpt = None,
    at: TimeOpt = None,
    duration: DurationOpt = None,
    setting: SettingOpt = None,
    attendee: AttendeeOpt = None,
    by: ByOpt = None,
    voice: VoiceOpt = None,
    summary: SummaryOpt = None,
    next_focus: NextOpt = None,
    from_file: FromOpt = None,
    editor: EditorOpt = False,
    resume: ResumeOpt = False,
    draft_id: DraftOpt = None,
    no_input: NoInputOpt = False,
    dir: DirOpt = None,
) -> None:
    """Write an intake: the start of an episode of care, as an initial session note.

    It records the referral, background, diagnoses as the family names them, what
    matters, strengths, communication, consent, standardised assessments (scores as
    numbers only) and the goals set together, each with its baseline (-2..+2). The
    goals are added to client.toml. Prompts by default; or flags, --from, --editor.

    \b
    Example:
      otj intake mia-k --referral-source school --referral-reason 'dressing, play' \\
        --consent 'Mum|therapy and reports||school' \\
        --assessment 'Sensory Profile 2|2026-03-01|total=52' \\
        --goal 'Laces shoes before kinder|-2|2' --summary 'Met Mia and Mum' --no-input
    """
    run_intake(dict(locals()))


def run_intake(args: dict[str, Any]) -> None:
    from otjournal.forms import session as noteform
    from otjournal.forms.drafts import default_drafts

    config = read_config()
    j = journal(args["dir"])
    drafts = default_drafts(j.write_lock(), j.root)
    clock = now()
    given = {key for arg, key in GIVEN.items() if args[arg] not in (None, [])}
    draft, client_record, note = _begin(args, drafts, j, config, clock)
    if draft is None:
        draft = drafts.new("intake", client_record.handle, clock, note)
    items = noteform.items_for(config, client_record, clock.date())
    run = IntakeRun(
        j, drafts, draft, config, client_record, items, frozenset({"session_type", *given})
    )
    no_input, from_file = args["no_input"], args["from_file"]
    if args["editor"] or (draft.step == "editor" and not (no_input or from_file)):
        run.in_editor()
    elif no_input or from_file:
        resumed = bool(args["resume"] or args["draft_id"])
        run.save_or_exit_missing(usage=not from_file, from_stdin=from_file == "-" or resumed)
    else:
        run.interactive()


def _begin(
    args: dict[str, Any], drafts: Drafts, j: Journal, config: Config, clock: datetime
) -> tuple[Draft | None, Client, dict[str, Any]]:
    """The draft resumed (None for a new intake), the client, and the note so far: the
    session's parts read as `otj log` reads them, the intake's flags on top."""
    from otjournal.forms import intake as intakeform
    from otjournal.forms import session as noteform

    log_args = {**dict.fromkeys(LOG_GIVEN), **{k: args[k] for k in (*SESSION_ARGS, "next_focus")}}
    client, no_input, from_file = args["client"], args["no_input"], args["from_file"]
    today = clock.date()
    flags = intakeform.from_flags(args, today)
    draft = None
    if args["resume"] or args["draft_id"]:
        draft = pick_draft(drafts, args["draft_id"], client, command="intake")
        drop_if_published(drafts, draft, j.root)
        client = draft.client
        form = editor_table(draft) if no_input or from_file else None
        if form is not None:
            draft.note = {**intakeform.form_to_note(form), "client": client}
        kept = resumed_note(draft.note, log_args, config, clock, from_file)
        note = draft.note = merged(kept, flags)
    else:
        client = client or config.default_client or None
        note = merged(note_from_inputs(log_args, config, clock, from_file), flags)
    if not client:
        if no_input or from_file:
            raise MissingFields(["client"], intakeform.FIELD_FLAGS)
        raise UsageError("name the client: otj intake CLIENT (or set default_client)")
    note.update(client=client, session_type="initial")
    intakeform.forget_goal_ids(note)  # given when saved, from client.toml as it is then
    client_record, _ = j.read_client(client)
    note.setdefault("written_by", args["by"] or config.practitioner)
    if draft is None and not from_file:
        # The flags are checked before anything is asked (--from meets the rules on saving).
        errors = noteform.input_errors(note, client_record, clock)
        refuse_now(errors + intakeform.checked_goals(note, client_record, today)[1])
    return draft, client_record, note


class IntakeRun(LogSession):
    """One run of ``otj intake``: ``otj log``'s draft, prompts, review and editor, with
    the intake's parts, and the new goals saved to client.toml after the note.

    ``client`` is the client as the intake leaves them (their goals and the new ones):
    what the review shows. ``base`` is client.toml as read, re-read just before saving."""

    command = "intake"
    noun = "intake"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.base: Client = self.client
        self.fingerprint: Fingerprint | None = None
        self.goals: list[Goal] = []
        self.unsaved: tuple[str, str] | None = None  # (why, client.toml) if goals were not added

    def finalize(self) -> Session:
        from dataclasses import replace

        from otjournal.forms import intake as intakeform

        session, self.goals = intakeform.finalize(
            self.draft.note, now=now(), late_hours=self.config.late_entry_hours, client=self.base
        )
        self.client = replace(self.base, goals=(*self.base.goals, *self.goals))
        return session

    def prepare(self) -> None:
        """Just before saving: client.toml as it is now, and the new goals' ids in it."""
        from otjournal.forms import intake as intakeform

        super().prepare()
        self.base, self.fingerprint = self.j.read_client(self.base.handle)
        intakeform.assign_goal_ids(self.draft.note, self.base)

    def write(self, session: Session) -> Loaded[Session]:
        """The note first; then the goals into client.toml, if it is still as read."""
        from dataclasses import replace

        from otjournal.errors import StoreError

        saved = super().write(session)
        if self.goals and self.fingerprint is not None:
            try:
                self.j.save_client(self.client, self.fingerprint)
            except StoreError:
                # Changed since it was read (a sync, another command): the goals' ids are
                # unique across devices, so they join the file as it is now, once more.
                try:
                    fresh, fingerprint = self.j.read_client(self.base.handle)
                    new = tuple(g for g in self.goals if fresh.goal(g.id) is None)
                    self.j.save_client(replace(fresh, goals=(*fresh.goals, *new)), fingerprint)
                except StoreError as exc:
                    self.unsaved = (exc.message, str(self.j.client_file(self.base.handle)))
        return saved

    def announce(self, saved: Loaded[Session]) -> None:
        super().announce(saved)
        if self.goals and self.unsaved is None:
            ids = ", ".join(g.id for g in self.goals)
            typer.echo(f"Goals set together, added to {self.base.handle}'s file: {ids}")
        elif self.goals:
            _say_unsaved(self.base.handle, self.goals, *(self.unsaved or ("", "")))
        self._note_open_episode(saved.record)

    def _note_open_episode(self, intake: Session) -> None:
        """An intake while an episode is open starts a new one: said, since the open one
        stays unclosed (a discharge closes an episode)."""
        from otjournal.numbers.episodes import episodes

        notes = [s.record for s in self.j.load([self.base.handle], homework=False).sessions]
        before = [e for e in episodes(notes) if e.intake is not None and e.intake.id != intake.id]
        if before and before[-1].is_open:
            typer.echo(
                f"otj: note: the episode that began {before[-1].start} was not closed; this "
                "intake starts a new one ('otj discharge' closes an episode)",
                err=True,
            )

    def save(self) -> None:
        super().save()
        if self.unsaved is not None:
            raise Stopped(ExitCode.PROBLEM)

    def missing(self) -> tuple[list[str], dict[str, str]]:
        from otjournal.forms import intake as intakeform

        return intakeform.missing_fields(self.draft.note), intakeform.FIELD_FLAGS

    title = "Intake"

    def subject(self) -> Client:
        return self.base  # client.toml as read: the new goals join it when saved

    def flow(self, console: Console) -> LogFlow:
        from otjournal.prompts.intake import IntakeFlow

        keep = self.keep
        return IntakeFlow(console, self.draft.note, self.draft.partial, self.prompt_context(), keep)

    def in_editor(self) -> None:
        """The note in $VISUAL/$EDITOR: `otj log`'s form, then the intake's part."""
        from otjournal.forms import intake as intakeform
        from otjournal.forms import session_form as sessionform

        def accept(data: dict[str, Any]) -> None:
            note = intakeform.form_to_note(data)
            note.update(client=self.base.handle, session_type="initial")
            self.draft.note = note
            self.keep("editor")
            self.finalize()

        form = sessionform.editor_form(self.draft.note, self.base, self.items, self.words())
        form += "\n" + intakeform.editor_section(self.draft.note)
        with self.guard():
            self.edit(form, accept)
        self.save()


def _say_unsaved(handle: str, goals: list[Goal], why: str, path: str) -> None:
    """The note is saved, the goals are not: say why, and how to add each one."""
    from otjournal.forms.intake import goal_add_command
    from otjournal.views.visible import visible

    typer.echo(
        f"otj: the intake note is saved, but its goals were not added to {path}: {why}.\n"
        "Add them with these commands (the note names them by the ids planned: "
        + ", ".join(g.id for g in goals)
        + "; 'otj goal add' gives each a new id):",
        err=True,
    )
    for goal in goals:
        typer.echo("  " + visible(goal_add_command(handle, goal)))
