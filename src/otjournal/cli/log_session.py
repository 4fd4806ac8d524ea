"""The run behind ``otj log`` (and intake and review, which write a session too): the
draft, the prompts or the editor, the checks before saving, the save and what is said
after it. ``cli/log_cmd.py`` turns the command line into the note this starts from."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

import typer

from otjournal.cli.common import err, now, print_wrapped
from otjournal.cli.drafting import DraftRun
from otjournal.cli.log_options import optional_parts
from otjournal.errors import ExitCode, ValidationError

if TYPE_CHECKING:
    from rich.console import Console

    from otjournal.config import Config
    from otjournal.disk.loading import Loaded
    from otjournal.disk.store import Journal
    from otjournal.forms.drafts import Draft, Drafts
    from otjournal.model import Client, Session
    from otjournal.model.words import Words
    from otjournal.prompts import Context, LogFlow


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
        own = write_errors(self.draft.note)
        try:
            session = noteform.finalize(
                self.draft.note,
                now=now(),
                late_hours=self.config.late_entry_hours,
                client=self.client,
                optional=optional_parts(self.draft.note),
            )
        except ValidationErrors as exc:
            # The length is said once, in the words of the rule for writing.
            said = {e.field for e in own if e.field == "duration_min"}
            rest = [e for e in exc.errors if e.field not in said]
            raise ValidationErrors(wrong_kind + own + rest) from None
        if wrong_kind or own:
            raise ValidationErrors(wrong_kind + own)
        return session

    def prepare(self) -> None:
        from otjournal.forms import session as noteform
        from otjournal.model.ids import new_suffix

        noteform.assign_homework_ids(self.draft.note, new_suffix)

    def write(self, session: Session) -> Loaded[Session]:
        self.overlapping = self._overlapping(session)
        return self.j.add_session(session, before_publish=self.planned)

    def _overlapping(self, session: Session) -> list[Session]:
        """The client's saved sessions this one overlaps in time (never stops a save).
        A session lasts a day at most, so only those begun from the day before this one
        to its end are read (the cache's index says which: the others are not rebuilt)."""
        from otjournal.errors import OtjournalError

        try:
            near, _, _ = self.j.sessions(
                [self.client.handle],
                since=session.start.date() - timedelta(days=1),
                until=session.end.date(),
            )
        except OtjournalError:
            return []
        return [s.record for s in near if s.record.id != session.id and s.record.overlaps(session)]

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
            for_practitioner(self.config, self.client.handle),
            now(),
            self.config.duration_min,
            self.given,
            self_mode=self.self_mode,
            techniques=self.config.techniques,
        )

    @property
    def self_mode(self) -> bool:
        """The client is the one writing (self mode, their own journal)."""
        return self.config.is_self(self.client.handle)

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
                for e in exc.errors:
                    console.print(f"[yellow]needs fixing:[/] {escape(e.message)}", markup=True)
                    if e.hint:
                        console.print(f"  [dim]hint:[/] {escape(e.hint)}", markup=True)
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


# -- rules for writing a session note beyond forms.session.input_errors: checked when
# a note is saved or amended, never when one is read (old files keep reading).


def write_errors(note: dict[str, Any]) -> list[ValidationError]:
    """What a session note (or the part of one an amendment changes) breaks of the
    rules for writing: its length in `otj log`'s range, and no goal rating, homework or
    attendee in a session that did not take place."""
    from otjournal.forms.session import prune
    from otjournal.model.write_rules import (
        attendees_need_a_session,
        homework_needs_a_session,
        ratings_need_a_session,
    )

    data = prune(note)
    errors = ratings_need_a_session(data) + homework_needs_a_session(data)
    errors += attendees_need_a_session(data)
    if "duration_min" in data:
        problem = minutes_problem(data["duration_min"], data.get("session_type"))
        if problem:
            errors.append(ValidationError("duration_min", problem))
    return errors


def minutes_problem(minutes: Any, session_type: Any) -> str | None:
    """`otj log`'s rule for a session's length (forms.session.duration_problem), said in
    its own range also for a value that is not a whole number at all (the model, which
    reads old files, allows 0 for every session)."""
    from otjournal.forms.session import MAX_DURATION, MIN_DURATION, duration_problem
    from otjournal.model.fields import describe
    from otjournal.model.vocab import NOT_HELD_TYPES

    if isinstance(minutes, int) and not isinstance(minutes, bool):
        return duration_problem(minutes, session_type)
    least = 0 if session_type in NOT_HELD_TYPES else MIN_DURATION
    return f"must be a whole number from {least} to {MAX_DURATION}, not {describe(minutes)}"
