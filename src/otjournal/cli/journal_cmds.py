"""``otj path``, ``list``, ``show``, ``check`` and ``demo``."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from otjournal.cli.common import (
    DirOpt,
    JsonOpt,
    OptClientArg,
    echo,
    journal,
    out,
    print_json,
    print_table,
    print_wrapped,
    read_config,
    today,
)
from otjournal.errors import ExitCode, Stopped, UsageError

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    from otjournal.disk.found import ClientFiles
    from otjournal.disk.loading import Snapshot
    from otjournal.model import Client, Session

SinceOpt = Annotated[
    str | None,
    typer.Option("--since", help="From this day: YYYY-MM-DD, today, yesterday, 30d, 8w, 6m."),
]
UntilOpt = Annotated[str | None, typer.Option("--until", help="Up to and including this day.")]


def register(app: typer.Typer) -> None:
    app.command("path")(path_cmd)
    app.command("list")(list_cmd)
    app.command("show")(show_cmd)
    app.command("check")(check_cmd)
    app.command("demo")(demo_cmd)


def path_cmd(dir: DirOpt = None, json: JsonOpt = False) -> None:
    """Print the notes folder (it is created by the first write, never by a read)."""
    j = journal(dir)
    if json:
        print_json("path", {"path": str(j.root), "exists": j.exists()})
        return
    echo(str(j.root))


def list_cmd(
    client: OptClientArg = None,
    since: SinceOpt = None,
    until: UntilOpt = None,
    last: Annotated[
        int | None, typer.Option("-n", "--last", min=0, help="Only the most recent N sessions.")
    ] = None,
    dir: DirOpt = None,
    json: JsonOpt = False,
) -> None:
    """List sessions, oldest first (filter by client and dates; -n for the latest N)."""
    from otjournal.cli.problems import note_problems
    from otjournal.dates import parse_day
    from otjournal.disk.store import validate_handle
    from otjournal.views.rows import SESSION_COLUMNS, session_cells

    j = journal(dir)
    handles = [validate_handle(client)] if client else None
    if client and client not in j.client_handles():
        from otjournal.errors import NotFoundError

        raise NotFoundError(
            f"no client {client!r} in {j.root}", hint="'otj client list' shows the clients"
        )
    day = today()
    chosen, total, report = j.sessions(
        handles,
        since=parse_day(since, day, "--since") if since else None,
        until=parse_day(until, day, "--until") if until else None,
        last=last,
    )
    note_problems(report)
    if json:
        from otjournal.model.fields import whole
        from otjournal.numbers.amended import corrected

        rows = [
            {**whole(s.record), "corrected": corrected(s.record), "path": str(s.path)}
            for s in chosen
        ]
        print_json("list", {"sessions": rows})
        return
    if not chosen:
        echo(
            "No sessions yet."
            if not total
            else "None shown (-n 0)."
            if last == 0
            else "No sessions match."
        )
        return
    print_table(SESSION_COLUMNS, [session_cells(s.record) for s in chosen])


def show_cmd(
    session_id: Annotated[
        str,
        typer.Argument(
            metavar="ID", help="Session id (or a unique start or end of it) from 'otj list'."
        ),
    ],
    dir: DirOpt = None,
    json: JsonOpt = False,
    fmt: Annotated[
        str | None,
        typer.Option(
            "--format", help="text, md or html: the whole note to print or to give the client."
        ),
    ] = None,
    output: Annotated[
        str | None, typer.Option("-o", "--output", help="File to write (new), or - for stdout.")
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="With -o: replace the file if it exists.")
    ] = False,
    deidentify: Annotated[
        bool,
        typer.Option(
            "--deidentify",
            help="A printout with every name of the client's people replaced by a code "
            "and the date of birth, NDIS number, addresses, phones and e-mails left out.",
        ),
    ] = False,
    shift_dates: Annotated[
        bool,
        typer.Option(
            "--shift-dates", help="With --deidentify: move every date by one random offset."
        ),
    ] = False,
) -> None:
    """Show one session note in full, amendments after the note (--format for a printout)."""
    from otjournal.cli.problems import note_problems
    from otjournal.views.session import session_detail

    if shift_dates and not deidentify:
        raise UsageError("--shift-dates goes with --deidentify")
    snap, found = journal(dir).find_session(session_id)
    note_problems(snap)
    session = found.record
    if fmt is not None or output is not None or deidentify:
        if json:
            raise UsageError("--json cannot be combined with --format, -o or --deidentify")
        client = snap.clients.get(session.client)
        hide = (shift_dates,) if deidentify else None
        _printout(session, client.record if client else None, fmt, output, force, hide)
        return
    if json:
        from otjournal.model.fields import whole
        from otjournal.numbers.amended import corrected

        print_json(
            "show", {**whole(session), "corrected": corrected(session), "path": str(found.path)}
        )
        return
    client = snap.clients.get(session.client)
    print_wrapped(session_detail(session, client.record if client else None))


def _printout(
    session: Session,
    client: Client | None,
    fmt: str | None,
    output: str | None,
    force: bool,
    hide: tuple[bool] | None = None,
) -> None:
    """The whole note as text, Markdown or one printable HTML page (otjournal.views.printout);
    with ``hide`` = (shift_dates,), de-identified (otjournal.views.deidentify)."""
    from otjournal.cli.report_cmd import _write_output
    from otjournal.views import deidentify, printout

    if fmt is None:  # -o alone: the file's name says which
        fmt = {".md": "md", ".html": "html", ".htm": "html"}.get(Path(output or "").suffix, "text")
    if fmt not in printout.FORMATS:
        raise UsageError("--format must be text, md or html")
    config = read_config()
    doc = printout.build(
        session,
        deidentify.without_identifiers(client, session.start.date()) if hide and client else client,
        practitioner=config.practitioner,
        registration="" if hide else config.registration,
        printed=today(),
    )
    if hide is not None:
        shift = deidentify.random_shift() if hide[0] else None
        names = (*config.deidentify_names, config.practitioner)
        doc = deidentify.for_note(session, client, names, shift).deep(doc)
    data = printout.render(doc, fmt).encode("utf-8")
    _write_output(output or "-", data, "the note", force=force)


def check_cmd(dir: DirOpt = None, json: JsonOpt = False) -> None:
    """Read and validate every file. Silent with exit 0 when all is well; otherwise one
    'path:line:col: message' line each, and exit 1 if any is an error."""
    from otjournal.cli import memos
    from otjournal.disk.permissions import Covered
    from otjournal.disk.scan import HOMEWORK, SESSIONS
    from otjournal.disk.sealcheck import SealCheck

    j = journal(dir)
    settings = read_config(strict=False)
    retention = (settings.retention_adult_years, settings.retention_child_age)
    day = today()
    # Outside the memo (a seal log changes on every write), fed by the same scan; so is
    # the permission walk, which then need not stat each record file again.
    seals = SealCheck(j)
    covered = Covered(str(j.root), (SESSIONS, HOMEWORK))

    def each(found: ClientFiles, contents: Mapping[str, str]) -> None:
        seals.client(found, contents)
        covered.add(found)

    try:  # the seal index is closed whatever stops the read (a device with no key…)
        # One client at a time; an unchanged client's findings are remembered in the cache.
        found, report = memos.per_client(j, memos.check(j, day, retention), each)
        problems = report.problems + [p for f in found for p in f.problems]
        problems += j.permission_problems(covered)
    finally:
        # Sessions with no seal yet are counted (JSON; 'otj doctor' names them): not a
        # problem with any file.
        sealed, unsealed = seals.finish()
    problems += sealed
    problems.sort(key=lambda p: (str(p.path), p.line or 0, p.column or 0))
    errors = sum(p.severity == "error" for p in problems)
    if json:
        print_json(
            "check",
            {
                "ok": errors == 0,
                "clients": sum(f.clients for f in found),
                "sessions": sum(f.sessions for f in found),
                "homework": sum(f.homework for f in found),
                "unsealed": unsealed,
                "problems": [p.to_json(j.root) for p in problems],
            },
        )
    else:
        from otjournal.views.visible import visible

        for p in problems:
            echo(visible(p.format(j.root)))  # a file name may hold ESC or U+202E
    if errors:
        raise Stopped(ExitCode.PROBLEM)  # each one is listed above


def demo_cmd(
    dir: Annotated[
        Path | None,
        typer.Option(
            "--dir",
            help="Folder for the demo journal (default: a new folder in the temp dir).",
            file_okay=False,
        ),
    ] = None,
    seed: Annotated[
        int, typer.Option(help="Random seed: the same seed gives the same journal.")
    ] = 7,
    sessions: Annotated[
        int | None,
        typer.Option(min=1, max=1_000_000, help="Scale to about N sessions (for benchmarks)."),
    ] = None,
    end: Annotated[
        str | None, typer.Option(help="Last day of the demo's sessions (default: today).")
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Only print the folder.")] = False,
) -> None:
    """Write a realistic, fictional demo journal into a new folder, then show it."""
    import tempfile

    from otjournal.dates import parse_day
    from otjournal.demo import write_demo
    from otjournal.disk.store import Journal

    if dir is None:
        root = Path(tempfile.mkdtemp(prefix="otjournal-demo-"))
    else:
        root = dir.expanduser().absolute()
        if root.exists() and any(root.iterdir()):
            raise UsageError(
                f"{root} is not empty: the demo writes only into a new or empty folder",
                hint="pick another --dir",
            )
    last_day = parse_day(end, today(), "--end") if end else today()
    counts = write_demo(
        Journal(root),
        seed=seed,
        end=last_day,
        sessions=sessions,
        progress=None if quiet else _progress(),
    )
    if quiet:
        echo(str(root))
        return
    _show_demo(root, counts, last_day)


def _progress() -> Callable[[int, int], None] | None:
    from otjournal.cli.common import err

    console = err()
    if not console.is_terminal:
        return None

    def step(done: int, total: int) -> None:
        if done == total or done % 250 == 0:
            console.print(f"writing demo journal… {done}/{total}", end="\r")
            if done == total:
                console.print(" " * 40, end="\r")

    return step


def _show_demo(root: Path, counts: dict[str, int], end: date) -> None:
    from rich.text import Text

    from otjournal.demo import SHOWCASE
    from otjournal.disk.store import Journal
    from otjournal.views.goals import client_rows, clients_grid
    from otjournal.views.session import sessions_table

    console = out()
    j = Journal(root)
    handles = j.client_handles()
    # The clients shown (and the one whose trends are), not every session of a large demo.
    shown = handles[:12] + [h for h in handles[12:] if h == SHOWCASE]
    snap = j.load(shown)
    by_client: dict[str, list[Session]] = {}
    for s in snap.sessions:
        by_client.setdefault(s.record.client, []).append(s.record)
    console.print(Text.assemble(("Demo journal", "bold"), f" (fictional) written to {root}"))
    console.print(
        f"{counts['clients']} clients, {counts['sessions']} sessions, "
        f"{counts['homework']} homework entries.\n"
    )
    clients = [c.record for c in snap.clients.values()]
    # Every client with their care status, as 'otj client list --all' shows them.
    console.print(clients_grid(client_rows(clients[:12], by_client, show_all=True), show_all=True))
    if len(handles) > 12:
        console.print(f"… and {len(handles) - 12} more clients")
    console.print(Text("\nMost recent sessions", style="bold"))
    latest, _, _ = j.sessions(last=6)  # of every client, not only those shown
    console.print(sessions_table([s.record for s in latest]))
    _show_trends(root, snap, SHOWCASE if SHOWCASE in snap.clients else None, end)
    q = _quote(root)
    console.print(
        f"\nTry:  otj --help\n      otj list --dir {q} -n 10\n"
        f"      otj show --dir {q} {latest[-1].record.id}\n"
        f"      otj client list --all --dir {q}   # the discharged client too\n"
        f"      export OTJOURNAL_DIR={q}   # then leave out --dir"
    )


def _show_trends(root: Path, snap: Snapshot, handle: str | None, end: date) -> None:
    """What otjournal is for: one client's goals, checklist and regulation over time."""
    from rich.text import Text

    from otjournal.cli.trends_cmd import client_trends
    from otjournal.numbers.trends import period
    from otjournal.views.homework import compact
    from otjournal.views.trends import client_view

    if handle is None or handle not in snap.clients:
        return
    start, end = period(None, None, end)
    t = client_trends(snap, handle, start, end, read_config(strict=False))
    until = "" if end == today() else f" --until {end}"
    out().print(
        Text.assemble(
            ("\nWhat it is for: ", "bold"),
            f"one client's six months (otj trends {handle}{until} --dir {_quote(root)})\n",
        )
    )
    print_wrapped(client_view(t, compact(t.homework) if t.homework else None))


def _quote(path: Path) -> str:
    import shlex

    return shlex.quote(str(path))
