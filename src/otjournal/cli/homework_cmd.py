"""``otj homework``: the group, and ``list``, ``add`` and ``summary``; ``log`` is in
:mod:`otjournal.cli.homework_log`, ``export``/``import`` in :mod:`otjournal.cli.homework_share`."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Annotated

import typer

from otjournal.cli import homework_log, homework_share
from otjournal.cli.common import (
    BoundaryGroup,
    DefaultClientArg,
    DirOpt,
    JsonOpt,
    OptClientArg,
    ask_needed,
    journal,
    out,
    print_json,
    print_wrapped,
    read_config,
    today,
)
from otjournal.cli.homework_common import (
    KIND_HELP,
    client_records,
    client_snapshot,
    pick_client,
    records_of,
)
from otjournal.errors import UsageError
from otjournal.model.kinds import HOMEWORK, kinds_words

if TYPE_CHECKING:
    from otjournal.disk.loading import Snapshot
    from otjournal.disk.store import Journal
    from otjournal.numbers.homework import Current

homework_app = typer.Typer(
    cls=BoundaryGroup,
    no_args_is_help=True,
    help="The client's homework journal: assigned, logged, shared.",
)
LOG_HELP = "Log a homework journal entry: " + kinds_words(tuple(k.title for k in HOMEWORK)) + "."


def register(app: typer.Typer) -> None:
    app.add_typer(homework_app, name="homework")


@homework_app.command("list")
def homework_list(client: OptClientArg = None, dir: DirOpt = None, json: JsonOpt = False) -> None:
    """What is assigned now: how often, since when, and how many times practised this week."""
    from otjournal.numbers.homework import current_assignments, current_json, later_assignments
    from otjournal.views.homework import assigned

    if client is None:
        _list_all(journal(dir), json)
        return
    record, sessions, entries = client_records(journal(dir), client)
    day = today()
    current = current_assignments(record, sessions, entries, day)
    later = later_assignments(record, day)
    if json:
        rows = [{"client": client, **current_json(c)} for c in current]
        starting = [{"client": client, **current_json(c)} for c in later]
        print_json("homework-list", {"homework": rows, "later": starting})
        return
    if not current:
        add = "" if later else f" Add homework with: otj homework add {client}"
        out().print(f"Nothing assigned right now.{add}", highlight=False, markup=False)
        if not later:
            return
        out().print()
    print_wrapped(assigned(current, later))


def _list_all(j: Journal, json: bool) -> None:
    """Every client's current homework, read one client at a time."""
    from otjournal.cli import memos
    from otjournal.cli.problems import note_problems
    from otjournal.disk.memo import Memo
    from otjournal.numbers.homework import current_assignments, current_json, later_assignments
    from otjournal.views.homework import assigned

    day = today()

    def current(snap: Snapshot) -> tuple[str, str, list[Current], list[Current]] | None:
        if not snap.clients:
            return None  # client.toml could not be read: note_problems says so
        [loaded] = snap.clients.values()
        c = loaded.record
        found = current_assignments(
            c, [s.record for s in snap.sessions], [h.record for h in snap.homework], day
        )
        return c.handle, c.display_name, found, later_assignments(c, day)

    # Not remembered in the cache: a client's current homework is quick to find.
    found, report = memos.per_client(j, Memo("homework-list", current, params=(day,)))
    note_problems(report)
    rows = [r for r in found if r is not None and (r[2] or r[3])]
    if json:
        listed = [{"client": h, **current_json(c)} for h, _, cs, _ in rows for c in cs]
        later = [{"client": h, **current_json(c)} for h, _, _, ls in rows for c in ls]
        print_json("homework-list", {"homework": listed, "later": later})
        return
    if not rows:
        whom = "" if read_config().default_client else " CLIENT"  # a self-journal's own
        out().print(
            f"Nothing assigned right now. Add homework with: otj homework add{whom}",
            highlight=False,
            markup=False,
        )
        return
    for n, (handle, name, cs, ls) in enumerate(rows):
        if n:
            out().print()
        out().print(f"{name} ({handle})", highlight=False, markup=False, style="bold")
        out().print(assigned(cs, ls))


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

    config = read_config()
    handle = pick_client(client, config)
    if kind not in HOMEWORK_KINDS:
        raise UsageError(f"--kind must be one of {', '.join(HOMEWORK_KINDS)}")
    j = journal(dir)
    record, fingerprint = j.read_client(handle)
    if text is None:
        if not sys.stdin.isatty():
            raise UsageError("--text is required without a terminal")
        text = ask_needed("Homework")
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
    from otjournal.forms.homework import same_words

    same = [
        a.id
        for a in record.assignments
        if a.kind == kind == "practice" and same_words(a.text, assignment.text)
    ]
    if same:  # forms.homework.practised cannot tell them apart by their words
        typer.echo(
            f"Note: {', '.join(same)} has the same words: log practice of each by its id "
            "(practice named only by these words counts for neither).",
            err=True,
        )


homework_app.command("log", help=LOG_HELP)(
    homework_log.with_spec_options(homework_log.homework_log)
)
homework_app.command("export")(homework_share.homework_export)
homework_app.command("import")(homework_share.homework_import)


@homework_app.command("summary")
def homework_summary(
    client: DefaultClientArg = None,
    since: Annotated[str | None, typer.Option(help="From this day.")] = None,
    until: Annotated[
        str | None, typer.Option(help="Up to this day (default today; never past it).")
    ] = None,
    dir: DirOpt = None,
    json: JsonOpt = False,
) -> None:
    """Practice against the plan (planned over the days that have passed), mood trend,
    before→after changes, the latest entries."""
    from otjournal.cli.problems import say_not_complete
    from otjournal.dates import parse_day
    from otjournal.numbers.exposure import by_step, exposure_json
    from otjournal.numbers.homework import summarise
    from otjournal.numbers.trends import in_order
    from otjournal.views.exposure import steps_view
    from otjournal.views.homework import summary

    config = read_config()
    handle = pick_client(client, config)
    record, snap = client_snapshot(journal(dir), handle)
    sessions, entries = records_of(snap, handle)
    day = today()
    start = parse_day(since, day, "--since") if since else None
    end = parse_day(until, day, "--until") if until else None
    in_order(start, end, day)
    result = summarise(record, sessions, entries, day, start, until=end)
    steps = by_step(record, entries, start, end)  # graded exposure (numbers/exposure.py)
    if json:
        print_json("homework-summary", {**result.to_json(), **exposure_json(steps)})
        return
    name = "you" if config.is_self(handle) else record.display_name
    say_not_complete(snap, handle)
    print_wrapped(summary(result, name, {st.id: st.named for st in record.hierarchy}))
    print_wrapped(steps_view(steps))
