"""``otj report`` (progress report) and ``otj export`` (CSV / JSON tables)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from otjournal.cli.common import ClientArg, DirOpt, journal, out, read_config, today
from otjournal.errors import StoreError, UsageError

if TYPE_CHECKING:
    from otjournal.config import Config
    from otjournal.disk.loading import Snapshot
    from otjournal.model import Client
    from otjournal.numbers.session import ClientTrends


ExportDeidentifyOpt = Annotated[
    bool,
    typer.Option(
        "--deidentify",
        help="Names in text cells become codes (the client column participant-N); the "
        "date of birth, NDIS number, addresses, phones and e-mails are left out.",
    ),
]
ShiftDatesOpt = Annotated[
    bool,
    typer.Option(
        "--shift-dates",
        help="With --deidentify: move every date by one random offset (whole weeks).",
    ),
]


def register(app: typer.Typer) -> None:
    app.command("report")(report_cmd)
    app.command("export")(export_cmd)


# A file replaced by --force is read first, to replace only what was there.
_REPLACE_LIMIT = 256 * 1024 * 1024


def _write_output(output: str, data: bytes, what: str, force: bool | None = None) -> None:
    """stdout for '-' or nothing; a file is created new, never overwritten (with
    ``force``, replaced whole: a temp file in its folder, renamed over it). ``force``
    None: the command offers no --force."""
    from otjournal.disk import fsio

    if not output or output == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return
    path = Path(output).expanduser().absolute()
    if force and path.is_file() and not path.is_symlink():
        try:
            _, seen = fsio.read_with_fingerprint(path, _REPLACE_LIMIT)
        except OSError as exc:
            raise StoreError(f"cannot read {path} to replace it ({exc.strerror})") from None
        fsio.replace_checked(path, data, seen, _REPLACE_LIMIT)
        out().print(f"Wrote {what} to {path} (replacing the file there)", highlight=False)
        return
    hint = "otjournal never overwrites a file: choose a new name"
    if force is not None and path.is_file() and not path.is_symlink():
        hint += ", or add --force to replace it"
    if path.exists() or not path.parent.is_dir():
        raise UsageError(
            f"{path} exists" if path.exists() else f"no folder {path.parent}", hint=hint
        )
    if fsio.create_named(path.parent, path.name, data) is None:
        raise UsageError(f"{path} exists", hint=hint)
    out().print(f"Wrote {what} to {path}", highlight=False)


def report_cmd(
    client: ClientArg,
    from_day: Annotated[
        str | None,
        typer.Option("--from", help="Period start (default: the plan period, else 12 months ago)."),
    ] = None,
    to_day: Annotated[str | None, typer.Option("--to", help="Period end.")] = None,
    fmt: Annotated[str, typer.Option("--format", help="md or html.")] = "md",
    output: Annotated[
        str, typer.Option("-o", "--output", help="File to write (new), or - for stdout.")
    ] = "-",
    deidentify: Annotated[
        bool,
        typer.Option(
            "--deidentify",
            help="Replace the client's, caregivers' and configured names with "
            "codes; leave out the date of birth.",
        ),
    ] = False,
    dir: DirOpt = None,
) -> None:
    """A progress report from the notes, with NDIS-style sections; the parts only you can
    write are left as marked blanks."""
    from otjournal.cli.problems import note_problems
    from otjournal.cli.trends_cmd import client_trends
    from otjournal.numbers.trends import period

    if fmt not in ("md", "html"):
        raise UsageError("--format must be md or html")
    config = read_config()
    j = journal(dir)
    record, _ = j.read_client(client)
    if from_day or to_day or record.plan_period is None:
        start, end = period(
            from_day, to_day, today(), default_since="12m", flags=("--from", "--to")
        )
    else:
        start, end = record.plan_period.start, record.plan_period.end
    snap = j.load([client])
    note_problems(snap)
    t = client_trends(snap, client, start, end, config)
    text = _report_text(t, record, config, fmt, deidentify)
    from otjournal.views.visible import visible

    # A report is read in a terminal (cat, less) as often as in an editor: control
    # characters from the notes are shown as escapes, never obeyed.
    _write_output(output, visible(text).encode("utf-8"), "the report")


def _report_text(
    t: ClientTrends, record: Client, config: Config, fmt: str, deidentify: bool
) -> str:
    """The report on one client's trends, as Markdown or one HTML page."""
    from otjournal.views import report

    blocks = report.build(
        t,
        practitioner=config.practitioner,
        registration=config.registration,
        today=today(),
        deidentified=deidentify,
    )
    if deidentify:
        names = report.pseudonyms(record, config.deidentify_names)
        blocks = report.redact_blocks(blocks, names)
    if fmt == "md":
        return report.to_markdown(blocks)
    return report.to_html(blocks, f"Progress report {t.since} to {t.until}")


def _deidentified(
    rows: list[dict[str, Any]], snap: Snapshot, shift_dates: bool
) -> list[dict[str, Any]]:
    from otjournal.views import deidentify

    config = read_config()
    clients = {h: c.record for h, c in snap.clients.items()}
    names = (*config.deidentify_names, config.practitioner)
    shift = deidentify.random_shift() if shift_dates else None
    return deidentify.deidentify_rows(rows, clients, names, shift)


def export_cmd(
    fmt: Annotated[str, typer.Option("--format", help="csv or json.")] = "csv",
    table: Annotated[
        str,
        typer.Option(
            help="sessions, goals (ratings), checklist, homework, goal-list, reviews, "
            "assessments, homework-plan or supports."
        ),
    ] = "sessions",
    client: Annotated[str | None, typer.Option("--client", help="Only this client.")] = None,
    since: Annotated[str | None, typer.Option(help="From this day.")] = None,
    until: Annotated[str | None, typer.Option(help="Up to this day.")] = None,
    bom: Annotated[bool, typer.Option("--bom", help="UTF-8 with BOM (for Excel).")] = False,
    output: Annotated[
        str, typer.Option("-o", "--output", help="File to write (new), or - for stdout.")
    ] = "-",
    deidentify: ExportDeidentifyOpt = False,
    shift_dates: ShiftDatesOpt = False,
    dir: DirOpt = None,
) -> None:
    """Flat tables for a spreadsheet, pandas or R: one row per session (or per goal rating,
    checklist answer, homework entry, goal, goal rated at a review, assessment score,
    homework assigned against its plan, or client's supports).
    Columns are documented in docs/export.md."""
    from otjournal.cli.problems import note_problems
    from otjournal.dates import parse_day
    from otjournal.disk.store import validate_handle
    from otjournal.numbers import export as exporting

    if fmt not in ("csv", "json"):
        raise UsageError("--format must be csv or json")
    if table not in exporting.TABLES:
        raise UsageError(f"--table must be one of {', '.join(exporting.TABLES)}")
    if shift_dates and not deidentify:
        raise UsageError("--shift-dates goes with --deidentify")
    j = journal(dir)
    handles = [validate_handle(client)] if client else None
    if client:
        j.read_client(client)  # an unknown client is an error, not an empty table
    snap = j.load(handles)
    note_problems(snap)
    day = today()
    columns, rows = exporting.rows(
        table,
        snap,
        client=client,
        since=parse_day(since, day, "--since") if since else None,
        until=parse_day(until, day, "--until") if until else None,
        today=day,
    )
    if deidentify:
        rows = _deidentified(rows, snap, shift_dates)
    data = (
        exporting.to_csv(columns, rows, bom) if fmt == "csv" else exporting.to_json(columns, rows)
    )
    _write_output(output, data, f"{len(rows)} rows")
