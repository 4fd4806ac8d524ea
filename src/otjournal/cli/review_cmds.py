"""``otj review`` (every active goal rated at one sitting) and ``otj discharge`` (the
close of an episode of care). Both write a session note with ``otj log``'s machinery:
prompts, flags, ``--from``, ``--editor``, ``--no-input``, a draft kept after every
answer; the forms are ``forms.review`` and ``forms.discharge``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any, ClassVar

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
    read_source,
)
from otjournal.cli.log_cmd import GIVEN, resumed_note
from otjournal.cli.log_options import (
    AttendeeOpt,
    ByOpt,
    DateOpt,
    DurationOpt,
    SettingOpt,
    TimeOpt,
)
from otjournal.cli.log_session import LogSession
from otjournal.errors import (
    ConflictError,
    ExitCode,
    FlagErrors,
    OtjournalError,
    Stopped,
    UsageError,
)

if TYPE_CHECKING:
    from datetime import datetime

    from rich.console import Console

    from otjournal.config import Config
    from otjournal.disk.fsio import Fingerprint
    from otjournal.disk.loading import Loaded
    from otjournal.disk.store import Journal
    from otjournal.forms.drafts import Draft, Drafts
    from otjournal.model import Client, Goal, Session
    from otjournal.prompts.review import ClosingFlow

Repeat = list[str] | None
Opt = str | None
RateOpt = Annotated[
    Repeat, typer.Option("--goal", help="GOAL:RATING[:evidence] or GOAL:not-rated[:why]; repeat.")
]
CopmOpt = Annotated[Repeat, typer.Option("--copm", help="COPM at T2, e.g. g1=7/8; repeat.")]
NoteOpt = Annotated[Opt, typer.Option("--summary", help="A note on the review.")]
ReasonOpt = Annotated[
    Opt,
    typer.Option(
        help="goals-met, family-choice, client-choice, moved, funding-ended, referred-on, other."
    ),
]
ReasonNoteOpt = Annotated[Opt, typer.Option(help="About the reason.")]
StatusOpt = Annotated[Repeat, typer.Option(help="A final status, e.g. g1=achieved; repeat.")]
SummaryOpt = Annotated[Repeat, typer.Option(help="A goal's progress, 'g1=text'; repeat.")]
RecommendOpt = Annotated[Opt, typer.Option(help="Recommendations.")]
MaintenanceOpt = Annotated[Opt, typer.Option(help="The maintenance or relapse-prevention plan.")]
ToldOpt = Annotated[Repeat, typer.Option("--told", help="Who was told (family, GP…); repeat.")]


def register(app: typer.Typer) -> None:
    app.command("review")(review_cmd)
    app.command("discharge")(discharge_cmd)


def review_cmd(
    client: DefaultClientArg = None,
    date: DateOpt = None,
    at: TimeOpt = None,
    duration: DurationOpt = None,
    setting: SettingOpt = None,
    attendee: AttendeeOpt = None,
    by: ByOpt = None,
    goal: RateOpt = None,
    copm: CopmOpt = None,
    summary: NoteOpt = None,
    from_file: FromOpt = None,
    editor: EditorOpt = False,
    resume: ResumeOpt = False,
    draft_id: DraftOpt = None,
    no_input: NoInputOpt = False,
    dir: DirOpt = None,
) -> None:
    """Rate every active goal at one sitting: the GAS follow-up score (or "not rated
    today", said on purpose), evidence, and COPM at T2 where a goal has a COPM problem.

    Saved as a session note of type review; each goal is shown with its baseline and
    its last rating. Prompts by default, or flags, --from, --editor, --no-input."""
    _run(ReviewRun, dict(locals()))


def discharge_cmd(
    client: DefaultClientArg = None,
    date: DateOpt = None,
    at: TimeOpt = None,
    duration: DurationOpt = None,
    setting: SettingOpt = None,
    attendee: AttendeeOpt = None,
    by: ByOpt = None,
    reason: ReasonOpt = None,
    reason_note: ReasonNoteOpt = None,
    goal_status: StatusOpt = None,
    goal_summary: SummaryOpt = None,
    recommendations: RecommendOpt = None,
    maintenance: MaintenanceOpt = None,
    told: ToldOpt = None,
    from_file: FromOpt = None,
    editor: EditorOpt = False,
    resume: ResumeOpt = False,
    draft_id: DraftOpt = None,
    no_input: NoInputOpt = False,
    dir: DirOpt = None,
) -> None:
    """Close the client's episode of care: why it ends, each goal's final status and
    progress (prefilled from the ratings, editable), recommendations, the maintenance
    plan, who was told.

    Saved as a session note of type discharge; then each goal whose status changes is
    updated in client.toml, dated, with the reason "discharge". The notes stay; a new
    episode starts with 'otj intake'."""
    _run(DischargeRun, dict(locals()))


def _run(kind: type[ClosingRun], args: dict[str, Any]) -> None:
    """Begin or resume the draft, then prompts, the editor or no prompts at all."""
    run = kind.begin(args)
    unattended = args["no_input"] or args["from_file"]
    if args["editor"] or (run.draft.step == "editor" and not unattended):
        run.in_editor()
    elif unattended:
        resumed = bool(args["resume"] or args["draft_id"])
        run.save_or_exit_missing(
            usage=not args["from_file"], from_stdin=args["from_file"] == "-" or resumed
        )
    else:
        run.interactive()


class ClosingRun(LogSession):
    """One run of ``otj review`` or ``otj discharge``: ``otj log``'s draft, review and
    save, with the kind's form, flow and rules."""

    kind = "review"
    title = "Review"
    given_map: ClassVar[dict[str, str]] = {
        "date": "when.date",
        "at": "when.time",
        "duration": "duration_min",
        "setting": "setting",
        "attendee": "attendees",
        "by": "written_by",
    }

    def __init__(
        self,
        j: Journal,
        drafts: Drafts,
        draft: Draft,
        config: Config,
        client: Client,
        given: frozenset[str],
        sessions: list[Session],
        fingerprint: Fingerprint,
    ) -> None:
        super().__init__(j, drafts, draft, config, client, [], given)
        self.sessions = sessions  # the client's notes of the episode being closed
        self.fingerprint = fingerprint

    # -- the kind's own parts ----------------------------------------------------------
    @staticmethod
    def form_to_note(data: dict[str, Any], client: Client | None) -> dict[str, Any]:
        from otjournal.forms import review

        return review.form_to_note(data, client)

    def add_flags(self, args: dict[str, Any], fresh: bool) -> None:
        """Put the kind's own flags into the draft's note."""

    def flag_errors(self) -> list[Any]:
        return []

    def missing_fields(self) -> list[str]:
        from otjournal.forms import review

        return review.missing_fields(self.draft.note)

    def missing(self) -> tuple[list[str], dict[str, str]]:
        return self.missing_fields(), self.field_flags()

    def field_flags(self) -> dict[str, str]:
        from otjournal.forms.review import FIELD_FLAGS

        return FIELD_FLAGS

    def editor_form(self) -> str:
        raise NotImplementedError

    def flow(self, console: Console) -> ClosingFlow:
        """The kind's questions (prompts.review: ReviewFlow, DischargeFlow)."""
        from otjournal.prompts import review as flows

        flow = flows.DischargeFlow if self.kind == "discharge" else flows.ReviewFlow
        context, keep = self.prompt_context(), self.keep
        return flow(console, self.draft.note, self.draft.partial, context, keep, self.context())

    # -- begin ---------------------------------------------------------------------------
    @classmethod
    def begin(cls, args: dict[str, Any]) -> ClosingRun:
        """The draft (resumed or new) with --from and the flags given now on top."""
        from otjournal.forms.drafts import default_drafts

        config, j, clock = read_config(), journal(args["dir"]), now()
        drafts = default_drafts(j.write_lock(), j.root)
        draft, handle, base = None, args["client"] or config.default_client, {}
        if args["resume"] or args["draft_id"]:
            draft = pick_draft(drafts, args["draft_id"], args["client"], command=cls.kind)
            drop_if_published(drafts, draft, j.root)
            handle, base = draft.client, draft.note
        if not handle:
            raise UsageError(f"name the client: otj {cls.kind} CLIENT")
        client, fingerprint = j.read_client(handle)
        table = editor_table(draft) if draft and (args["no_input"] or args["from_file"]) else None
        if table is not None:  # stopped in the editor: the form as last saved there
            base = cls.form_to_note(table, client)
        sessions = _episode_sessions(j, client, cls.kind)
        if args["from_file"]:
            from otjournal.forms.common import merged

            base = merged(base, cls.form_to_note(read_source(args["from_file"]), client))
        note = _timed(base, args, config, clock)
        note.update(client=handle, session_type=cls.kind)
        note.setdefault("written_by", args["by"] or config.practitioner)
        given = frozenset(key for arg, key in cls.given_map.items() if args.get(arg))
        if draft is None:
            draft = drafts.new(cls.kind, handle, clock, note)
        draft.note = note
        run = cls(j, drafts, draft, config, client, given, sessions, fingerprint)
        run.add_flags(args, fresh=not (args["resume"] or args["draft_id"]))
        errors = run.flag_errors()
        if errors and not (args["resume"] or args["draft_id"] or args["from_file"]):
            raise FlagErrors(errors)  # before anything is asked (otj log's rule)
        return run

    def context(self) -> dict[str, str]:
        from otjournal.forms.review import goal_context

        return {g.id: goal_context(g, self.sessions) for g in self.client.goals}

    def prompt_context(self) -> Any:
        from otjournal.forms.hints import for_practitioner
        from otjournal.prompts import Context

        last = self.sessions[-1] if self.sessions else None
        hints = for_practitioner(self.config, self.client.handle)
        return Context(self.client, last, [], hints, now(), self.config.duration_min, self.given)

    def in_editor(self) -> None:
        def accept(data: dict[str, Any]) -> None:
            note = self.form_to_note(data, self.client)
            note.update(client=self.client.handle, session_type=self.kind)
            self.draft.note = note
            self.keep("editor")
            self.finalize()

        with self.guard():
            self.edit(self.editor_form(), accept)
        self.save()


def _timed(
    base: dict[str, Any], args: dict[str, Any], config: Config, clock: datetime
) -> dict[str, Any]:
    """The note with the date, time, length, setting, who and author given now on top
    (``otj log``'s rules), and a start and length by default."""
    from otjournal.forms import session as noteform

    log_args: dict[str, Any] = {**dict.fromkeys(GIVEN), "summary": args.get("summary")}
    for key in ("date", "at", "duration", "setting", "attendee", "by"):
        log_args[key] = args[key]
    note = resumed_note(dict(base), log_args, config, clock, None)
    duration = note.setdefault("duration_min", config.duration_min)
    if "start" not in note:
        length = duration if isinstance(duration, int) else config.duration_min
        note["start"] = noteform.parse_start(None, None, clock, length)
    return note


def _episode_sessions(j: Journal, client: Client, kind: str) -> list[Session]:
    """The client's notes of the open episode, oldest first; refused when the last
    episode is closed (a discharge can close it once; a review needs it open)."""
    from otjournal.numbers.amended import as_amended
    from otjournal.numbers.episodes import discharged, episodes

    loaded = j.load([client.handle], homework=False).client_sessions(client.handle)
    # As amended: a corrected rating is the one a review or a discharge shows and files.
    sessions = sorted((as_amended(s.record) for s in loaded), key=lambda s: s.start)
    closed = discharged(sessions)
    if closed is not None:
        raise OtjournalError(
            f"{client.handle} was discharged on {closed.start:%Y-%m-%d} (note {closed.id}): "
            f"there is no open episode to {'close' if kind == 'discharge' else 'review'}",
            hint=f"a new episode starts with: otj intake {client.handle}",
        )
    eps = episodes(sessions)
    if not eps:
        return sessions
    return [s for s in sessions if eps[-1].holds(s.start.date())]


class ReviewRun(ClosingRun):
    kind = command = "review"
    title = "Review"
    given_map: ClassVar[dict[str, str]] = {
        **ClosingRun.given_map,
        "goal": "goals",
        "copm": "goals",
        "summary": "plan.summary",
    }

    def add_flags(self, args: dict[str, Any], fresh: bool) -> None:
        from otjournal.forms import review

        if not self.client.active_goals and fresh:
            raise OtjournalError(
                f"{self.client.handle} has no active goals to review",
                hint=f"add one with: otj goal add {self.client.handle}",
            )
        given = review.flags_goals(args["goal"] or [], args["copm"] or [], self.client)
        note = self.draft.note
        note["goals"] = review.merge_goals(note.get("goals") or [], given)
        review.in_goal_order(note, self.client)
        if not note["goals"]:
            note.pop("goals")

    def flag_errors(self) -> list[Any]:
        from otjournal.forms import review
        from otjournal.forms import session as noteform

        note = self.draft.note
        return noteform.input_errors(note, self.client, now()) + review.review_errors(
            note, self.client, unrated=False
        )

    def finalize(self) -> Session:
        from otjournal.forms import review

        return review.finalize(
            self.draft.note, now=now(), late_hours=self.config.late_entry_hours, client=self.client
        )

    def editor_form(self) -> str:
        from otjournal.forms import review

        return review.editor_form(self.draft.note, self.client, self.context())


class DischargeRun(ClosingRun):
    kind = command = "discharge"
    title = "Discharge"
    given_map: ClassVar[dict[str, str]] = {
        **ClosingRun.given_map,
        "reason": "discharge.reason",
        "reason_note": "discharge.reason_note",
        "recommendations": "discharge.recommendations",
        "maintenance": "discharge.maintenance",
        "told": "discharge.told",
    }

    def field_flags(self) -> dict[str, str]:
        from otjournal.forms.discharge import FIELD_FLAGS

        return FIELD_FLAGS

    @staticmethod
    def form_to_note(data: dict[str, Any], client: Client | None) -> dict[str, Any]:
        from otjournal.forms import discharge

        return discharge.form_to_note(data, client)

    def episode_goals(self) -> list[Goal]:
        """The goals to close: those still open, and those of this episode; set by the
        discharge's day (one set later was not there to close)."""
        from otjournal.forms.session import note_day
        from otjournal.numbers.episodes import Episode, episode_goals, episodes

        eps = episodes(self.sessions)
        ours = {g.id for g in episode_goals(self.client, eps[-1] if eps else Episode(None, None))}
        day = note_day(self.draft.note)
        return [
            g
            for g in self.client.goals
            if (g.id in ours or g.status in ("active", "on-hold")) and g.set_by(day)
        ]

    def add_flags(self, args: dict[str, Any], fresh: bool) -> None:
        from otjournal.forms import discharge
        from otjournal.forms.session import put

        note = self.draft.note
        for arg in ("reason", "reason_note", "recommendations", "maintenance"):
            if args[arg] is not None:
                put(note, f"discharge.{arg}", args[arg])
        if args["told"]:
            put(note, "discharge.told", list(args["told"]))
        outcomes = discharge.outcome_goals(note)
        if fresh and not outcomes:
            outcomes = discharge.prefilled(self.episode_goals(), self.sessions)
        given = discharge.flags_outcomes(
            args["goal_status"] or [], args["goal_summary"] or [], self.client
        )
        discharge.set_outcomes(note, discharge.merge_outcomes(outcomes, given))
        self.given = self.given | {f"discharge.goal.{g['goal']}" for g in given if "status" in g}

    def flag_errors(self) -> list[Any]:
        from otjournal.forms import discharge
        from otjournal.forms import session as noteform

        note = self.draft.note
        return noteform.input_errors(note, self.client, now()) + discharge.discharge_errors(
            note, self.client, ()
        )

    def expected(self) -> list[str]:
        return [g.id for g in self.episode_goals()]

    def missing_fields(self) -> list[str]:
        from otjournal.forms import discharge

        return discharge.missing_fields(self.draft.note)

    def finalize(self) -> Session:
        from otjournal.forms import discharge

        return discharge.finalize(
            self.draft.note,
            now=now(),
            late_hours=self.config.late_entry_hours,
            client=self.client,
            expected=self.expected(),
        )

    def editor_form(self) -> str:
        from otjournal.forms import discharge

        return discharge.editor_form(self.draft.note, self.client)

    def announce(self, saved: Loaded[Session]) -> None:
        super().announce(saved)
        self.close_goals(saved.record)

    def close_goals(self, session: Session) -> None:
        """Each goal's final status into client.toml, if it is unchanged since it was
        read; else say so and give the commands that finish the job."""
        from otjournal.forms import discharge

        client, changes = discharge.goal_changes(self.client, session, now().replace(microsecond=0))
        if changes:
            try:
                self.j.save_client(client, self.fingerprint)
            except OtjournalError as exc:
                why = exc.message
                if isinstance(exc, ConflictError):
                    why = "client.toml changed since it was read; nothing was overwritten"
                commands = discharge.goal_set_commands(client.handle, changes, session.start.date())
                raise Stopped(
                    ExitCode.PROBLEM,
                    f"otj: the discharge is saved, but the goals' statuses were not ({why}).\n"
                    "Finish with:\n" + "\n".join(f"  {c}" for c in commands),
                ) from None
            typer.echo(
                "Goal statuses in client.toml: "
                + ", ".join(f"{gid} {status}" for gid, status in changes)
            )
        typer.echo(
            f"{client.handle} is discharged; their notes stay. "
            f"A new episode starts with: otj intake {client.handle}"
        )
