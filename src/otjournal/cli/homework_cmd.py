"""``otj homework list|add|log|export|import|summary``."""

from __future__ import annotations

import inspect
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from otjournal.cli.common import (
    BoundaryGroup,
    DefaultClientArg,
    DirOpt,
    JsonOpt,
    OptClientArg,
    err,
    journal,
    now,
    out,
    print_json,
    print_wrapped,
    read_config,
    today,
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
from otjournal.errors import ExitCode, OtjournalError, UsageError
from otjournal.model.kinds import HOMEWORK, kinds_words

if TYPE_CHECKING:
    from otjournal.config import Config

homework_app = typer.Typer(
    cls=BoundaryGroup,
    no_args_is_help=True,
    help="The client's homework journal: assigned, logged, shared.",
)
Repeat = list[str] | None
KIND_HELP = kinds_words() + "."
LOG_HELP = "Log a homework journal entry: " + kinds_words(tuple(k.title for k in HOMEWORK)) + "."


def register(app: typer.Typer) -> None:
    app.add_typer(homework_app, name="homework")


def _config() -> Config:
    return read_config()


def _client(handle: str | None, config: Any) -> str:
    chosen = handle or config.default_client
    if not chosen:
        raise UsageError(
            "name the client (or run 'otj init --self' / set default_client in the config)"
        )
    return chosen


def _records(j: Any, handle: str) -> tuple[Any, list[Any], list[Any]]:
    client, _ = j.read_client(handle)
    snap = j.load([handle])
    from otjournal.cli.problems import note_problems

    note_problems(snap)
    return (
        client,
        [s.record for s in snap.client_sessions(handle)],
        [h.record for h in snap.client_homework(handle)],
    )


@homework_app.command("list")
def homework_list(client: OptClientArg = None, dir: DirOpt = None, json: JsonOpt = False) -> None:
    """What is assigned now: how often, since when, and how many times logged this week."""
    from otjournal.numbers.homework import current_assignments
    from otjournal.views.homework import current_table

    if client is None:
        _list_all(journal(dir), json)
        return
    record, sessions, entries = _records(journal(dir), client)
    current = current_assignments(record, sessions, entries, today())
    if json:
        print_json([_current_json(c) for c in current])
        return
    if not current:
        out().print(
            "Nothing assigned right now. Add homework with: otj homework add", highlight=False
        )
        return
    print_wrapped(current_table(current))


def _current_json(c: Any) -> dict[str, Any]:
    return {
        **c.assignment.to_dict(),
        "since": c.since,
        "source": c.source,
        "logged_this_week": c.logged_this_week,
    }


def _list_all(j: Any, json: bool) -> None:
    """Every client's current homework, read one client at a time."""
    from otjournal.cli.problems import note_problems
    from otjournal.numbers.homework import current_assignments
    from otjournal.views.homework import current_table

    day = today()

    def current(snap: Any) -> tuple[str, str, list[Any]] | None:
        if not snap.clients:
            return None  # client.toml could not be read: note_problems says so
        [loaded] = snap.clients.values()
        c = loaded.record
        found = current_assignments(
            c, [s.record for s in snap.sessions], [h.record for h in snap.homework], day
        )
        return c.handle, c.display_name, found

    # Not remembered in the cache: a client's current homework is quick to find.
    found, report = j.per_client(current, memo="homework-list", params=(day,))
    note_problems(report)
    rows = [r for r in found if r is not None and r[2]]
    if json:
        print_json([{"client": h, **_current_json(c)} for h, _, cs in rows for c in cs])
        return
    if not rows:
        out().print(
            "Nothing assigned right now. Add homework with: otj homework add", highlight=False
        )
        return
    for n, (handle, name, cs) in enumerate(rows):
        if n:
            out().print()
        out().print(f"{name} ({handle})", highlight=False, markup=False, style="bold")
        out().print(current_table(cs))


@homework_app.command("add")
def homework_add(
    client: DefaultClientArg = None,
    text: Annotated[
        str | None, typer.Option("--text", help="The homework (prompted if left out).")
    ] = None,
    kind: Annotated[str, typer.Option(help=KIND_HELP)] = "practice",
    per_week: Annotated[int | None, typer.Option(min=1, max=50, help="Times a week.")] = None,
    since: Annotated[str | None, typer.Option(help="From this day (default today).")] = None,
    until: Annotated[str | None, typer.Option(help="Up to this day (default: open).")] = None,
    dir: DirOpt = None,
) -> None:
    """Add homework by hand (kept in client.toml)."""
    from dataclasses import replace

    from otjournal.dates import parse_day
    from otjournal.model import Assignment
    from otjournal.model.ids import new_suffix
    from otjournal.model.kinds import HOMEWORK_KINDS

    config = _config()
    handle = _client(client, config)
    if kind not in HOMEWORK_KINDS:
        raise UsageError(f"--kind must be one of {', '.join(HOMEWORK_KINDS)}")
    j = journal(dir)
    record, fingerprint = j.read_client(handle)
    if text is None:
        if not sys.stdin.isatty():
            raise UsageError("--text is required without a terminal")
        text = typer.prompt("Homework")
    if not text.strip():
        raise UsageError("the homework text must not be empty")
    day = today()
    start = parse_day(since, day, "--since") if since else day
    end = parse_day(until, day, "--until") if until else None
    if end and end < start:
        raise UsageError("--until must not be before --since")
    assignment = Assignment(f"hw-{new_suffix()}", text.strip(), kind, per_week, start, end)
    j.save_client(replace(record, assignments=(*record.assignments, assignment)), fingerprint)
    out().print(f"Added homework {assignment.id} for {handle}.", highlight=False)


class HomeworkRun(DraftRun):
    command = "homework log"

    def __init__(self, j: Any, drafts: Any, draft: Any, client: Any) -> None:
        super().__init__(drafts, draft)
        self.j = j
        self.client = client

    def finalize(self) -> Any:
        from otjournal.forms import homework as entryform

        return entryform.finalize(self.draft.note, now=now())

    def write(self, entry: Any) -> Any:
        return self.j.add_homework(entry, before_publish=self.planned)

    def announce(self, saved: Any) -> None:
        typer.echo(f"Saved {saved.record.entry_kind} entry {saved.record.id}.")  # no Rich

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
        from rich.padding import Padding
        from rich.text import Text

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
                for line in flow.summary_lines():
                    # Wrapped under its own indent: the whole entry is there to approve.
                    text = line.lstrip()
                    print_wrapped(Padding(Text(text), (0, 0, 0, len(line) - len(text))), console)
                answer = flow.ask(
                    "Save? y = save, e = start again, q = keep the draft", "y"
                ).lower()
                if answer.startswith("y"):
                    self.save()
                    return
                if answer.startswith("q"):
                    self.keep("review")
                    raise self.stopped("stopped before saving", ExitCode.OK)
                if answer.startswith("e"):
                    self.draft.step = "when"
                else:
                    self.draft.step = "review"

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

    config = _config()
    j = journal(dir)
    unattended = bool(no_input or from_file)
    drafts = default_drafts()
    draft, handle, assignment = _log_target(
        j, drafts, config, client, assignment, draft_id if draft_id else resume, unattended
    )
    look_up = not unattended or bool(assignment or editor or draft)
    record, entries, current = _log_context(j, handle, look_up)
    given = entryform.LogAnswers(_given(from_file), assignment, kind, at, by, text, flags)
    clock, kept = now(), (draft.note if draft is not None else None)
    writer = record.display_name if config.self_mode else ""
    entry = entryform.log_entry(
        given, current=current, kept=kept, now=clock, unattended=unattended, self_writer=writer
    )
    entry["client"] = handle
    if draft is None:
        draft = drafts.new("homework log", handle, clock, entry)
    draft.note = entry
    run = HomeworkRun(j, drafts, draft, record)
    if editor or (draft.step == "editor" and not unattended):
        text_of = next((a.text for a in current if a.id == draft.note.get("assignment")), "")
        if not draft.note.get("entry_kind"):
            draft.note["entry_kind"] = "journal"
        run.edit_entry(text_of)
    elif unattended:  # never a prompt (a resumed draft keeps what was given now)
        stdin = from_file == "-" or bool(resume or draft_id)
        run.save_or_exit_missing(usage=not from_file, from_stdin=stdin)
    else:
        run.interactive(_log_prompts(config, record, entries, current, clock))


def _log_target(
    j: Any,
    drafts: Any,
    config: Any,
    client: str | None,
    assignment: str | None,
    resume: str | bool,
    unattended: bool,
) -> tuple[Any, str, str | None]:
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
    return None, _client(client, config), assignment


def _log_context(j: Any, handle: str, look_up: bool) -> tuple[Any, list[Any], list[Any]]:
    """The client, their entries and current homework (not looked up when nothing needs
    them: adding an entry then takes the same time however many notes the folder holds)."""
    if not look_up:
        record, _ = j.read_client(handle)
        return record, [], []
    from otjournal.numbers.homework import current_assignments

    record, sessions, entries = _records(j, handle)
    current = [c.assignment for c in current_assignments(record, sessions, entries, today())]
    return record, entries, current


def _given(from_file: str | None) -> dict[str, Any]:
    """The entry read from --from, without the id and client it may carry."""
    if not from_file:
        return {}
    from otjournal.forms import homework as entryform

    entry = entryform.form_to_entry(read_source(from_file))
    for key in ("id", "client"):
        entry.pop(key, None)
    return entry


def _log_prompts(
    config: Any, record: Any, entries: list[Any], current: list[Any], clock: Any
) -> Any:
    from otjournal.prompts.homework import HomeworkContext

    last_writer = entries[-1].written_by if entries else ""
    writer = (
        record.display_name
        if config.self_mode
        else last_writer or (record.caregivers[0].name if record.caregivers else "")
    )
    return HomeworkContext(record, current, config.self_mode, config.hints, clock, writer)


def _with_spec_options(command: Callable[..., None]) -> Callable[..., None]:
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


homework_app.command("log", help=LOG_HELP)(_with_spec_options(homework_log))


@homework_app.command("export")
def homework_export(
    client: DefaultClientArg = None,
    output: Annotated[
        str,
        typer.Option(
            "-o", "--output", help="The file to write (never overwritten), or - for stdout."
        ),
    ] = "",
    since: Annotated[str | None, typer.Option(help="Only entries from this day.")] = None,
    entry_id: Annotated[
        Repeat, typer.Option("--id", help="Only this entry (its id or 5-letter end); repeat.")
    ] = None,
    dir: DirOpt = None,
) -> None:
    """Write the entries you choose to share into one file for your practitioner."""
    from otjournal.dates import parse_day
    from otjournal.disk import fsio, tomlio
    from otjournal.disk.sharing import build_export

    if not output:
        raise UsageError("name the file with -o FILE (or -o - for stdout)")
    config = _config()
    handle = _client(client, config)
    record, _, entries = _records(journal(dir), handle)
    day = parse_day(since, today(), "--since") if since else None
    chosen = [
        e
        for e in entries
        if (day is None or e.at.date() >= day)
        and (not entry_id or any(e.id == i or e.id.endswith(f"_{i}") for i in entry_id))
    ]
    if not chosen:
        raise OtjournalError("no entries match: nothing to export")
    data = tomlio.dumps(
        build_export(handle, chosen, now(), config.practitioner or record.display_name)
    )
    if output == "-":
        sys.stdout.write(data.decode("utf-8"))
        return
    path = Path(output).expanduser().absolute()
    if path.exists():
        raise UsageError(f"{path} exists: otjournal never overwrites a file; choose another name")
    if not path.parent.is_dir():
        raise UsageError(f"no folder {path.parent}")
    if fsio.create_named(path.parent, path.name, data) is None:
        raise UsageError(f"{path} exists: otjournal never overwrites a file; choose another name")
    out().print(
        f"Exported {len(chosen)} entr{'y' if len(chosen) == 1 else 'ies'} to {path}",
        highlight=False,
    )


@homework_app.command("import")
def homework_import(
    file: Annotated[
        Path, typer.Argument(help="A file written by 'otj homework export'.", dir_okay=False)
    ],
    client: Annotated[
        str | None,
        typer.Option("--client", help="The client here (default: the handle in the file)."),
    ] = None,
    dir: DirOpt = None,
) -> None:
    """Add shared entries to a client's homework folder: never duplicated, never
    overwritten, never dropped (an entry whose id is taken by another is kept beside it,
    for 'otj conflicts'); who wrote them and when is kept."""
    source, entries = _read_shared(file)
    handle = client or source
    j = journal(dir)
    j.read_client(handle)  # the client must exist here: fails clearly before any write
    stamp = now().replace(microsecond=0)
    ready = _ready_to_import(j, entries, handle, stamp, file.name)
    outcomes: dict[str, int] = {"added": 0, "same": 0, "conflict": 0}
    kept = []
    for entry in ready:
        result = j.import_homework(entry, stamp)
        outcomes[result.outcome] += 1
        if result.outcome == "conflict" and result.saved is not None:
            kept.append(result.saved.path.name)
    _say_imported(handle, outcomes, kept)


def _read_shared(file: Path) -> tuple[str, list[Any]]:
    from otjournal.disk import tomlio
    from otjournal.disk.sharing import read_export
    from otjournal.errors import ValidationErrors

    try:
        raw = file.read_bytes()
    except OSError as exc:
        raise OtjournalError(f"cannot read {file}: {exc.strerror}") from None
    try:
        source, entries = read_export(tomlio.parse(raw, file))
    except ValidationErrors as exc:
        raise tomlio.located(exc, raw, file) from None
    return source, list(entries)


def _ready_to_import(j: Any, entries: list[Any], handle: str, stamp: Any, name: str) -> list[Any]:
    """Each entry marked as shared, for this client; every one passes the loader's own
    checks before any is written."""
    from dataclasses import replace

    from otjournal.errors import OtjournalError

    ready = []
    for i, e in enumerate(entries):
        shared = {"imported_at": stamp, "from_file": name}
        if e.client != handle:
            shared["original_client"] = e.client
        entry = replace(
            e, client=handle, extra={**e.extra, "shared": {**e.extra.get("shared", {}), **shared}}
        )
        try:
            j.import_bytes(entry)
        except OtjournalError as exc:
            raise OtjournalError(
                f"entries[{i}]: {exc.message}; nothing was imported", hint=exc.hint
            ) from None
        ready.append(entry)
    return ready


def _say_imported(handle: str, outcomes: dict[str, int], kept: list[str]) -> None:
    said = (
        f"Imported into {handle}: {outcomes['added']} added, "
        f"{outcomes['same']} already here (skipped)"
    )
    if kept:
        said += (
            f", {len(kept)} conflict{'s' if len(kept) != 1 else ''}: an entry here has the "
            "same id but different content; both are kept"
        )
    out().print(said + ".", highlight=False, markup=False)
    for name in kept:
        out().print(f"  kept beside it: {name}", highlight=False, markup=False)
    if kept:
        out().print(
            "  'otj conflicts' shows the two side by side and resolves them.",
            highlight=False,
            markup=False,
        )


@homework_app.command("summary")
def homework_summary(
    client: DefaultClientArg = None,
    since: Annotated[str | None, typer.Option(help="From this day.")] = None,
    dir: DirOpt = None,
    json: JsonOpt = False,
) -> None:
    """Practice against the plan, mood trend, before→after changes, the latest entries."""
    from otjournal.dates import parse_day
    from otjournal.numbers.homework import summarise
    from otjournal.views.homework import summary

    config = _config()
    handle = _client(client, config)
    record, sessions, entries = _records(journal(dir), handle)
    day = today()
    start = parse_day(since, day, "--since") if since else None
    result = summarise(record, sessions, entries, day, start)
    if json:
        print_json(result.to_json())
        return
    name = "you" if config.self_mode and handle == config.default_client else record.display_name
    print_wrapped(summary(result, name))
