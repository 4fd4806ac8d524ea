"""``otj homework log``: one entry through prompts, flags, ``--from`` or the editor,
kept as a draft until saved; its options are built from the kinds' specs."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated, Any

import typer

from otjournal.cli.common import (
    DefaultClientArg,
    DirOpt,
    err,
    journal,
    now,
    today,
    warn,
)
from otjournal.cli.drafting import (
    DraftOpt,
    DraftRun,
    EditorOpt,
    FromOpt,
    NoInputOpt,
    ResumeOpt,
    Source,
    drop_if_published,
    editor_table,
    load_source,
    pick_draft,
)
from otjournal.errors import ExitCode, FlagErrors

if TYPE_CHECKING:
    from otjournal.config import Config
    from otjournal.disk.loading import Loaded
    from otjournal.disk.store import Journal
    from otjournal.forms.drafts import Draft, Drafts
    from otjournal.model import Assignment, Client, HomeworkEntry
    from otjournal.prompts.homework import HomeworkContext

from otjournal.cli.common import read_config
from otjournal.cli.homework_common import KIND_HELP, client_records, later_than_now, pick_client


class HomeworkRun(DraftRun["HomeworkEntry", "Loaded[HomeworkEntry]"]):
    command = "homework log"

    def __init__(
        self, j: Journal, drafts: Drafts, draft: Draft, client: Client, config: Config
    ) -> None:
        super().__init__(drafts, draft)
        self.j = j
        self.client = client
        self.config = config
        self.supported = False  # the support lines shown already (asked for); never stored
        # The homework assigned on a day (forms.practised): a late entry's, not today's.
        self.assigned_on: AssignedOn = lambda day: []
        self.named: Assignment | None = None  # the one --what named, once saved
        self.shared: list[Assignment] = []  # homework whose words --what names, if several

    def finalize(self) -> HomeworkEntry:
        from otjournal.errors import ValidationErrors
        from otjournal.forms import homework as entryform
        from otjournal.model.hierarchy import name_step

        name_step(self.draft.note, self.client.hierarchy)  # s2 -> s2-k7q (exposure)
        clock = now()
        future = later_than_now("at", self.draft.note.get("at"), clock)
        said = [future] if future is not None else []
        note = self.draft.note
        at = note.get("at")
        day = at.date() if isinstance(at, datetime) else today()
        assigned = self.assigned_on(day)
        linked = entryform.practised(note, assigned)  # --what naming its homework
        if linked is not None:
            note, self.named = linked
        elif note.get("entry_kind") == "practice" and not note.get("assignment"):
            what = (note.get("practice") or {}).get("what")
            shared = entryform.named_by(what, assigned, day) if isinstance(what, str) else []
            self.shared = shared if len(shared) > 1 else []
        try:
            entry = entryform.finalize(note, now=clock)
        except ValidationErrors as exc:
            raise ValidationErrors(said + exc.errors) from None
        if said:
            raise ValidationErrors(said)
        return entry

    def write(self, entry: HomeworkEntry) -> Loaded[HomeworkEntry]:
        return self.j.add_homework(entry, before_publish=self.planned)

    def announce(self, saved: Loaded[HomeworkEntry]) -> None:

        entry, named = saved.record, self.named
        said = f"Saved {entry.entry_kind} entry {entry.id}."
        if named is not None and entry.assignment == named.id:  # linked by its words: say so
            said += f" It counts for {named.id} ({named.text})."
        # No Rich; and not Click's echo, which writes UTF-8 to an output declared ASCII:
        # a homework's name ("Bälle") reaches sys.stdout, whose errors say "B?lle" there.
        print(said)
        if self.shared and not entry.assignment:
            ids = " and ".join(a.id for a in self.shared)
            warn(
                f"{ids} share these words, so it counts for neither: 'otj homework log "
                f"{entry.client} N' names one (N from 'otj homework list {entry.client}')"
            )
        self.offer_support(saved.record)

    def offer_support(self, entry: HomeworkEntry) -> None:
        """Where help is, after a very low mood: once, saved or not (a person who stops
        before saving sees it too); not again when asked for and shown in the flow."""
        from otjournal.forms.support import support_message

        support = None if self.supported else support_message(entry, self.client, self.config)
        if support:  # nothing about it is stored
            typer.echo(support, err=True)

    def save_or_exit_missing(self, usage: bool, from_stdin: bool) -> None:
        from otjournal.forms import homework as entryform

        self.save_unattended(
            entryform.missing_fields(self.draft.note, now()),
            entryform.FIELD_FLAGS,
            from_stdin=from_stdin,
            usage=usage,
        )

    def interactive(self, ctx: Any) -> None:
        from rich.markup import escape

        from otjournal.errors import ValidationErrors
        from otjournal.prompts.homework import HomeworkFlow

        console = err()
        flow = HomeworkFlow(
            console, self.draft.note, self.draft.partial, ctx, lambda step: self.keep(step)
        )
        with self.guard():
            you = "your" if ctx.self_mode else f"{self.client.display_name}'s"
            console.print(
                f"[bold]Homework journal[/] [dim]· {escape(you)} entry · Enter keeps "
                f"the value in \\[brackets][/]",
                highlight=False,
                markup=True,
                soft_wrap=False,
            )
            while True:
                if self.draft.step != "review":
                    flow.run(self.draft.step)
                try:
                    self.finalize()
                except ValidationErrors as exc:
                    for e in exc.errors:
                        console.print(f"[yellow]needs fixing:[/] {escape(e.message)}", markup=True)
                    self.draft.step = "kind"
                    continue
                answer = flow.review()
                self.supported = flow.wants_support  # shown when asked for
                if answer == "save":
                    self.save()
                    return
                if answer == "quit":
                    self.keep("review")
                    self.offer_support(self.finalize())
                    raise self.stopped("stopped before saving", ExitCode.OK)
                self.draft.step = "when" if answer == "again" else "review"

    def edit_entry(self, assignment_text: str) -> None:
        from otjournal.forms import homework as entryform

        def accept(data: dict[str, Any]) -> None:
            entry = entryform.form_to_entry(data)
            entry["client"] = self.client.handle
            self.draft.note = entry
            self.keep("editor")
            self.finalize()

        with self.guard():
            self.edit(entryform.form(self.draft.note, assignment_text), accept)
        self.save()


# The kinds an entry given with flags may be linked to homework by (forms.practised).
_LINKED = (None, "practice", "exposure")


def homework_log(
    client: DefaultClientArg = None,
    assignment: Annotated[
        str | None,
        typer.Argument(
            help="The homework id from 'otj homework list' (or a number in that list).",
            show_default=False,
        ),
    ] = None,
    kind: Annotated[str | None, typer.Option(help=KIND_HELP)] = None,
    at: Annotated[
        str | None,
        typer.Option(
            "--at", help="When: HH:MM, 'yesterday 19:30', YYYY-MM-DD HH:MM (default now)."
        ),
    ] = None,
    by: Annotated[str | None, typer.Option("--by", help="Who is writing.")] = None,
    text: Annotated[str | None, typer.Option(help="Free text (a journal entry's body).")] = None,
    from_file: FromOpt = None,
    editor: EditorOpt = False,
    resume: ResumeOpt = False,
    draft_id: DraftOpt = None,
    no_input: NoInputOpt = False,
    dir: DirOpt = None,
    **flags: Any,
) -> None:
    from otjournal.forms import homework as entryform
    from otjournal.forms.drafts import default_drafts

    config = read_config()
    j = journal(dir)
    unattended = bool(no_input or from_file)
    drafts = default_drafts(j.write_lock(), j.root)
    draft, handle, assignment = _log_target(
        j, drafts, config, client, assignment, draft_id if draft_id else resume, unattended
    )
    source = load_source(from_file) if from_file else None
    given = entryform.LogAnswers(_given(source), assignment, kind, at, by, text, flags)
    look_up = not unattended or bool(assignment or editor or draft) or kind in _LINKED
    record, entries, current, earlier, assigned_on = _log_context(j, handle, look_up)
    clock, kept = now(), (draft.note if draft is not None else None)
    writer = record.display_name if config.is_self(handle) else ""
    entry = entryform.log_entry(given, current=current, earlier=earlier, kept=kept, now=clock,
                                unattended=unattended, self_writer=writer)  # fmt: skip
    entry["client"] = handle
    future = later_than_now("at", entry["at"], clock) if at else None
    if future is not None:  # --at is refused at once, before anything is asked
        raise FlagErrors([future])
    if draft is None:
        draft = drafts.new("homework log", handle, clock, entry)
    draft.note = entry
    run = HomeworkRun(j, drafts, draft, record, config)
    run.source = source
    run.assigned_on = assigned_on
    if editor or (draft.step == "editor" and not unattended):
        chosen = draft.note.get("assignment")
        text_of = next((a.text for a in (*current, *earlier) if a.id == chosen), "")
        if not draft.note.get("entry_kind"):
            draft.note["entry_kind"] = "journal"
        run.edit_entry(text_of)
    elif unattended:  # never a prompt (a resumed draft keeps what was given now)
        stdin = from_file == "-" or bool(resume or draft_id)
        run.save_or_exit_missing(usage=not from_file, from_stdin=stdin)
    else:
        run.interactive(_log_prompts(config, record, entries, current, clock))


def _log_target(
    j: Journal,
    drafts: Drafts,
    config: Config,
    client: str | None,
    assignment: str | None,
    resume: str | bool,
    unattended: bool,
) -> tuple[Draft | None, str, str | None]:
    """The draft resumed (``resume``: a draft id, or True for the latest), the client's
    handle, and the assignment named."""
    if resume:
        from otjournal.forms import homework as entryform

        mine = client if client and client in j.client_handles() else None
        draft_id = resume if isinstance(resume, str) else None
        draft = pick_draft(drafts, draft_id, mine, "homework log")
        drop_if_published(drafts, draft, j.root)
        form = editor_table(draft) if unattended else None
        if form is not None:  # the editor form left behind, as it was last saved
            draft.note = {**entryform.form_to_entry(form), "client": draft.client}
        return draft, draft.client, assignment
    if client and assignment is None and config.default_client and client not in j.client_handles():
        client, assignment = None, client  # 'otj homework log 1' in self mode
    return None, pick_client(client, config), assignment


AssignedOn = Callable[[date], list["Assignment"]]


def _log_context(
    j: Journal, handle: str, look_up: bool
) -> tuple[Client, list[HomeworkEntry], list[Assignment], list[Assignment], AssignedOn]:
    """The client, their entries, current homework, homework set before it, and the
    homework assigned on a given day (not looked up when nothing needs them: adding an
    entry then takes the same time however many notes the folder holds; a practice entry
    may name its homework by its words, ``forms.homework.practised``, so one of no other
    kind given needs them)."""
    if not look_up:
        record, _ = j.read_client(handle)
        return record, [], [], [], lambda day: []
    from otjournal.numbers.homework import all_assignments, current_assignments

    record, sessions, entries = client_records(j, handle)

    @functools.cache  # today's is found here, and again as the entry (of today) is saved
    def assigned_on(day: date) -> list[Assignment]:
        return [c.assignment for c in current_assignments(record, sessions, entries, day)]

    current = assigned_on(today())
    now_ids = {a.id for a in current}
    ever = all_assignments(record, sessions, today()).values()
    return record, entries, current, [a for a, _ in ever if a.id not in now_ids], assigned_on


def _given(source: Source | None) -> dict[str, Any]:
    """The entry read from --from, without the id and client it may carry."""
    if source is None:
        return {}
    from otjournal.forms import homework as entryform

    entry = entryform.form_to_entry(source.table)
    for key in ("id", "client"):
        entry.pop(key, None)
    return entry


def _log_prompts(
    config: Config,
    record: Client,
    entries: list[HomeworkEntry],
    current: list[Assignment],
    clock: datetime,
) -> HomeworkContext:
    from otjournal.prompts.homework import HomeworkContext

    last_writer = entries[-1].written_by if entries else ""
    you = config.is_self(record.handle)
    writer = (
        record.display_name
        if you
        else last_writer or (record.caregivers[0].name if record.caregivers else "")
    )
    support = tuple(config.support_lines) if you else ()
    return HomeworkContext(record, current, you, clock, writer, support)


def with_spec_options(command: Callable[..., None]) -> Callable[..., None]:
    """One option per flag the kinds declare (model.kinds), after --by: a new kind gets its
    flags from its spec. Typer reads the signature, so the built one is what it sees."""
    from otjournal.model.kinds import homework_flags

    fixed = list(inspect.signature(command, eval_str=True).parameters.values())
    fixed = [p for p in fixed if p.kind is not inspect.Parameter.VAR_KEYWORD]
    cut = [p.name for p in fixed].index("by") + 1
    spec: list[inspect.Parameter] = []
    for _, f in homework_flags():
        value: Any = {"int": int, "number": float}.get(f.type, str)
        python_type: Any = list[str] | None if f.repeats else value | None
        # Built at run time from the spec, so not a static type mypy can check.
        annotation = Annotated[python_type, typer.Option(f.flag, help=f.flag_help)]
        spec.append(
            inspect.Parameter(
                f.option_name, inspect.Parameter.KEYWORD_ONLY, default=None, annotation=annotation
            )
        )
    params = [p.replace(kind=inspect.Parameter.KEYWORD_ONLY) for p in fixed]
    params = params[:cut] + spec + params[cut:]
    command.__signature__ = inspect.Signature(params, return_annotation=None)  # type: ignore[attr-defined]
    command.__annotations__ = {p.name: p.annotation for p in params}
    return command
