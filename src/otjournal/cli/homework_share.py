"""``otj homework export|import``: entries shared as a file, without a shared folder."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from otjournal.cli.common import (
    DefaultClientArg,
    DirOpt,
    journal,
    now,
    out,
    today,
)
from otjournal.errors import OtjournalError, UsageError

if TYPE_CHECKING:
    from datetime import datetime

from otjournal.cli.common import read_config
from otjournal.cli.homework_common import Repeat, client_records, pick_client


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
    config = read_config()
    handle = pick_client(client, config)
    record, _, entries = client_records(journal(dir), handle)
    day = parse_day(since, today(), "--since") if since else None
    picked = _picked(entries, entry_id) if entry_id else entries
    chosen = [e for e in picked if day is None or e.at.date() >= day]
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


def _picked(entries: list[Any], wanted: list[str]) -> list[Any]:
    """The entries named by ``--id`` (an id, or its end after the last '_'), each exactly
    one: an end two entries share is refused, never both sent (they are the client's
    own words, shared one by one)."""
    from otjournal.model.ids import shown

    picked: set[int] = set()  # places in ``entries``
    for i in wanted:
        exact = [n for n, e in enumerate(entries) if e.id == i]
        matches = exact or [n for n, e in enumerate(entries) if e.id.endswith(f"_{i}")]
        if len(matches) > 1:
            ids = ", ".join(entries[n].id for n in matches[:5]) + "…" * (len(matches) > 5)
            raise UsageError(
                f"--id {shown(i)} matches {len(matches)} entries ({ids}): be more exact",
                hint="give the whole id",
            )
        picked.update(matches)
    return [e for n, e in enumerate(entries) if n in picked]  # in the folder's order


def homework_import(
    file: Annotated[
        str,
        typer.Argument(help="A file written by 'otj homework export', or - for stdin."),
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
    stamp = now().replace(microsecond=0)
    source, entries, name = _read_shared(file, stamp)
    handle = client or source
    j = journal(dir)
    j.read_client(handle)  # the client must exist here: fails clearly before any write
    ready = _ready_to_import(j, entries, handle, stamp, name.name)
    outcomes: dict[str, int] = {"added": 0, "same": 0, "conflict": 0}
    kept = []
    for entry in ready:
        result = j.import_homework(entry, stamp)
        outcomes[result.outcome] += 1
        if result.outcome == "conflict" and result.saved is not None:
            kept.append(result.saved.path.name)
    _say_imported(handle, outcomes, kept)


def _read_shared(file: str, clock: datetime) -> tuple[str, list[Any], Path]:
    """The client and entries of an export file, each valid and none dated later than
    now (`otj homework log`'s rule), or a located error and nothing imported."""
    from otjournal.cli import stdio
    from otjournal.cli.homework_common import later_than_now
    from otjournal.disk import tomlio
    from otjournal.disk.sharing import read_export
    from otjournal.errors import ValidationErrors

    raw, name = stdio.read_input(file, stdio.SHARED_LIMIT)
    try:
        source, entries = read_export(tomlio.parse(raw, name))
        future = [later_than_now(f"entries[{i}].at", e.at, clock) for i, e in enumerate(entries)]
        if any(future):
            raise ValidationErrors([e for e in future if e is not None])
    except ValidationErrors as exc:
        raise tomlio.located(exc, raw, name) from None
    return source, list(entries), name


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
