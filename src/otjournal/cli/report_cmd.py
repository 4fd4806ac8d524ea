"""``otj report`` (progress report) and ``otj export`` (CSV / JSON tables)."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, BinaryIO

import typer

from otjournal.cli.common import (
    ClientArg,
    DirOpt,
    journal,
    json_document,
    json_for_stdout,
    out,
    read_config,
    today,
    warn,
)
from otjournal.errors import StoreError, UsageError

if TYPE_CHECKING:
    from contextlib import AbstractContextManager
    from datetime import date

    from otjournal.disk.exporting import Export
    from otjournal.disk.store import Journal
    from otjournal.numbers.period import ReportPeriod

# Each client's row changer, made once per client (see disk/exporting.Export.rows).
PerClient = Callable[[str], Callable[[dict[str, Any]], dict[str, Any]]]


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
    hint = _new_file(path, force)
    if fsio.create_named(path.parent, path.name, data) is None:
        raise UsageError(f"{path} exists", hint=hint)
    out().print(f"Wrote {what} to {path}", highlight=False)


def _new_file(path: Path, force: bool | None) -> str:
    """Refuse a name taken or a folder missing; the hint for a name taken later."""
    hint = "otjournal never overwrites a file: choose a new name"
    if force is not None and path.is_file() and not path.is_symlink():
        hint += ", or add --force to replace it"
    if path.exists():
        raise UsageError(f"{path} exists", hint=hint)
    if not path.parent.is_dir():
        raise UsageError(
            f"no folder {path.parent}", hint="make the folder first, or write the file elsewhere"
        )
    return hint


def _write_streamed(output: str, fill: Callable[[BinaryIO], int], what: str) -> None:
    """As ``_write_output`` (no --force), the bytes written by ``fill`` as they come:
    to stdout, or to a temp file beside the new one, named only once complete.
    ``fill`` returns how many rows it wrote; ``what``: the message, with {rows}."""
    from otjournal.disk import fsio

    if not output or output == "-":
        fill(sys.stdout.buffer)
        sys.stdout.flush()
        return
    path = Path(output).expanduser().absolute()
    hint = _new_file(path, None)
    written = []
    if (
        fsio.create_named_streamed(path.parent, path.name, lambda fh: written.append(fill(fh)))
        is None
    ):
        raise UsageError(f"{path} exists", hint=hint)
    rows = f"{written[0]} row{'s' if written[0] != 1 else ''}"
    out().print(f"Wrote {what.format(rows=rows)} to {path}", highlight=False)


SinceOpt = Annotated[
    str | None,
    typer.Option(
        "--since",
        help="Period start (default: the plan's start, else 12 months ago): "
        "YYYY-MM-DD, 30d, 8w, 6m.",
    ),
]
UntilOpt = Annotated[
    str | None,
    typer.Option(
        "--until",
        help="Period end (default: today, or the plan's end if it is over; never past today).",
    ),
]
ReflectionOpt = Annotated[
    bool,
    typer.Option(
        "--reflection",
        help="Add the affirming checklist (your reflective practice; not for a funder "
        "unless you choose).",
    ),
]
DeidentifyOpt = Annotated[
    bool,
    typer.Option(
        "--deidentify",
        help="Replace the names of the client, caregivers, the profile's people and "
        "the config's names with codes; leave out the date of birth and NDIS number.",
    ),
]


def report_cmd(
    client: ClientArg,
    since: SinceOpt = None,
    until: UntilOpt = None,
    from_day: Annotated[str | None, typer.Option("--from", hidden=True)] = None,
    to_day: Annotated[str | None, typer.Option("--to", hidden=True)] = None,
    fmt: Annotated[str, typer.Option("--format", help="md or html.")] = "md",
    json: Annotated[
        bool, typer.Option("--json", help="The same content as one JSON document (docs/json.md).")
    ] = False,
    output: Annotated[
        str, typer.Option("-o", "--output", help="File to write (new), or - for stdout.")
    ] = "-",
    force: Annotated[
        bool, typer.Option("--force", help="Replace the -o file if it exists.")
    ] = False,
    reflection: ReflectionOpt = False,
    deidentify: DeidentifyOpt = False,
    shift_dates: ShiftDatesOpt = False,
    dir: DirOpt = None,
) -> None:
    """A progress report from the notes, in the order a plan reviewer reads; the parts
    only you can write are left as marked blanks."""
    if fmt not in ("md", "html"):
        raise UsageError("--format must be md or html")
    if json and fmt != "md":
        raise UsageError("--json gives the report as data: leave out --format")
    if shift_dates and not deidentify:
        raise UsageError("--shift-dates goes with --deidentify")
    for new, old, names in ((since, from_day, "--since"), (until, to_day, "--until")):
        if new and old:
            raise UsageError(f"{names} is given twice (--from/--to are its old names)")
    text, period, missing = report_text(
        client,
        since or from_day,
        until or to_day,
        "json" if json else fmt,
        dir=dir,
        flags=("--from" if from_day else "--since", "--to" if to_day else "--until"),
        deidentify=deidentify,
        shift_dates=shift_dates,
        reflection=reflection,
    )
    from otjournal.views.visible import visible

    # A report is read in a terminal (cat, less) as often as in an editor: control
    # characters from the notes are shown as escapes, never obeyed (JSON escapes them).
    data = text if json else visible(text)
    if json and (not output or output == "-"):
        data = json_for_stdout(data)  # a script's data, whatever the terminal
    _write_output(output, data.encode("utf-8"), "the report", force=force)
    if output and output != "-" and not deidentify:
        if missing:
            # Its period is not done with: the next report starts where this one did.
            warn(
                "not recorded as filed, as the report says it is not complete: the next "
                "report starts where this one did"
            )
            return
        # A report filed (not a de-identified copy): the next one starts after it.
        journal(dir).record_report(client, period.start, period.end, today())


def report_text(
    handle: str,
    since: str | None,
    until: str | None,
    fmt: str,
    *,
    dir: Path | None = None,
    deidentify: bool = False,
    shift_dates: bool = False,
    reflection: bool = False,
    flags: tuple[str, str] = ("--since", "--until"),
) -> tuple[str, ReportPeriod, int]:
    """One client's report over its period (numbers/period), as md, html or json, and
    how many of the client's files were not read (the report itself says so). The
    period starts after the last report filed before today (``report -o``)."""
    from otjournal.cli.problems import note_problems
    from otjournal.cli.trends_cmd import client_trends
    from otjournal.disk.layout import CLIENTS
    from otjournal.disk.leftout import left_out
    from otjournal.numbers.period import report_period
    from otjournal.views import report, report_render

    config = read_config()
    j = journal(dir)
    snap = j.load([handle])
    filed = snap.clients.get(handle)  # else refused in read_client's words
    record = filed.record if filed is not None else j.read_client(handle)[0]
    last = j.last_report_end(handle, before=today())
    period = report_period(record.plan_period, since, until, today(), last, flags=flags)
    note_problems(snap)
    missing = left_out(snap, j.root / CLIENTS / handle).incomplete
    t = client_trends(snap, handle, period.start, period.end, config)
    who = report.Practitioner(config.practitioner, config.profession, config.registration)
    blocks = report.build(
        t,
        period,
        practitioner=who,
        today=today(),
        deidentified=deidentify,
        reflection=reflection,
        left_out=missing,
    )
    shown = period  # the dates the document itself gives (moved with --shift-dates)
    if deidentify:
        from otjournal.views import deidentify as deid
        from otjournal.views.report_deid import deidentified

        names = (*config.deidentify_names, config.practitioner)
        shift = deid.random_shift() if shift_dates else None
        d = deid.Deidentifier.for_client(record, names, shift)
        blocks = deidentified(blocks, d)
        # Every date the copy gives moves by the same shift: one left as it was would give
        # the shift away, and with it every date in the copy.
        start, end, asked = (d.day(day) for day in (period.start, period.end, period.asked_end))
        shown = replace(period, start=start, end=end, asked_end=asked)
    if fmt == "json":
        data = report_render.to_data(blocks, shown.to_json(), missing)
        return json_document("report", data), period, missing
    if fmt == "md":
        return report_render.to_markdown(blocks), period, missing
    title = f"Progress report {shown.start} to {shown.end}"
    return report_render.to_html(blocks, title), period, missing


def _deidentifying(ex: Export, shift_dates: bool) -> PerClient:
    """Each client's rows by its Deidentifier (views/export_deid.py), the names cleared
    being the config's and the authors of the rows exported."""
    from otjournal.views import deidentify, export_deid

    config = read_config()
    names = export_deid.export_names((*config.deidentify_names, config.practitioner), ex.authors())
    shift = deidentify.random_shift() if shift_dates else None

    def per_client(handle: str) -> Callable[[dict[str, Any]], dict[str, Any]]:
        d = export_deid.row_deidentifier(handle, ex.client_record(handle), names, shift)
        return lambda row: export_deid.deidentify_cells(row, d)

    return per_client


def _exported(
    j: Journal,
    table: str,
    client: str | None,
    since: date | None,
    until: date | None,
    day: date,
    reads: str,
) -> AbstractContextManager[Export]:
    """The table's rows made one client at a time (numbers/export.by_record), kept and
    streamed in order (disk/exporting.py); ``reads``: "csv", "json" or "data" (each
    row's values, to de-identify)."""
    from otjournal.disk.exporting import exported
    from otjournal.numbers import export as exporting
    from otjournal.numbers.export_write import CsvLine, json_object

    kind, columns, csv_line = exporting.record_kind(table), exporting.columns(table), CsvLine()
    return exported(
        j,
        table,
        columns,
        lambda snap, handle: exporting.by_record(table, snap, handle, since, until, day),
        lambda values: (csv_line(values), json_object(columns, values)),
        dated=kind,
        # A per-client table counts over the period up to today: kept for those only.
        params=() if kind else tuple(d.isoformat() if d else None for d in (since, until, day)),
        client=client,
        since=since,
        until=until,
        reads=reads,
    )


def _export_lines(ex: Export, fmt: str, deidentify: bool, shift_dates: bool) -> Iterator[str]:
    """The rows in order, each a CSV line or JSON object: as rendered when made, or
    de-identified (the client column numbered as first seen) and rendered here."""
    if not deidentify:
        yield from ex.lines(fmt)
        return
    from otjournal.numbers.export_write import CsvLine, json_object
    from otjournal.views.export_deid import ParticipantCodes

    codes, at, csv_line = ParticipantCodes(), ex.columns.index("client"), CsvLine()
    for values in ex.rows(_deidentifying(ex, shift_dates)):
        if isinstance(values[at], str):
            values[at] = codes.code(values[at])
        yield csv_line(values) if fmt == "csv" else json_object(ex.columns, values)


def _on_a_terminal(lines: Iterator[str], fmt: str) -> Iterator[str]:
    """Rows shown in a terminal: a control character in a note is never obeyed (an escape
    could clear the screen or retitle the window). CSV shows it as ``visible`` writes it;
    JSON as its own escape, the same data. A file or a pipe gets the exact text."""
    from otjournal.views.visible import json_visible, visible

    shown = visible if fmt == "csv" else json_visible
    return (shown(line) for line in lines)


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
    from otjournal.numbers.export_write import write_csv, write_json
    from otjournal.numbers.trends import in_order

    if fmt not in ("csv", "json"):
        raise UsageError("--format must be csv or json")
    if table not in exporting.TABLES:
        raise UsageError(f"--table must be one of {', '.join(exporting.TABLES)}")
    if shift_dates and not deidentify:
        raise UsageError("--shift-dates goes with --deidentify")
    if client:
        validate_handle(client)
    j = journal(dir)
    if client:
        j.read_client(client)  # an unknown client is an error, not an empty table
    day = today()
    first = parse_day(since, day, "--since") if since else None
    last = parse_day(until, day, "--until") if until else None
    in_order(first, last, day)  # a table of periods (supports) would run backwards
    with _exported(j, table, client, first, last, day, "data" if deidentify else fmt) as ex:
        note_problems(ex.report)
        lines = _export_lines(ex, fmt, deidentify, shift_dates)
        if (not output or output == "-") and sys.stdout.isatty():
            lines = _on_a_terminal(lines, fmt)
        if fmt == "csv":
            _write_streamed(output, lambda fh: write_csv(fh, ex.columns, lines, bom), "{rows}")
        else:
            _write_streamed(output, lambda fh: write_json(fh, ex.columns, lines), "{rows}")
