"""``otj due``: what needs the practitioner across the caseload, on one screen. Reads
only: the notes folder is never written (the derived cache outside it may be)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from otjournal.cli.common import DirOpt, JsonOpt, echo, journal, print_json, read_config, today

if TYPE_CHECKING:
    from otjournal.disk.loading import Conflict, Snapshot
    from otjournal.disk.store import Journal
    from otjournal.numbers.due import Caseload, ConflictFact, DraftFact, Settings


def register(app: typer.Typer) -> None:
    app.command("due")(due_cmd)


def due_cmd(dir: DirOpt = None, json: JsonOpt = False) -> None:
    """What needs you: reviews and progress reports due, active clients not seen for a
    while, drafts waiting, sync conflicts, retention periods ended. Each with the
    command that deals with it. The intervals are in config.toml, [caseload]."""
    import shutil

    from otjournal.cli.problems import note_problems

    found, problems = caseload(journal(dir), today())
    note_problems(problems)
    if json:
        print_json("due", found.to_json())
        return
    from otjournal.views.due import lines

    echo("\n".join(lines(found, shutil.get_terminal_size().columns)))


def settings() -> Settings:
    from otjournal.numbers.due import Settings

    c = read_config(strict=False)
    return Settings(
        c.review_every_weeks,
        c.report_lead_weeks,
        c.not_seen_weeks,
        c.retention_adult_years,
        c.retention_child_age,
    )


def caseload(j: Journal, day: date) -> tuple[Caseload, Snapshot]:
    """Everything ``otj due`` shows, and what could not be read. Each client is read
    through ``Journal.per_client`` (remembered in the cache while their files stay the
    same); the report logs, drafts and conflicts are looked at every time."""
    from dataclasses import replace

    from otjournal.cli import memos
    from otjournal.numbers import due

    found, report = memos.per_client(j, memos.due_facts())
    after = day + timedelta(days=1)  # a report filed today counts
    clients = [
        replace(f, last_report_end=j.last_report_end(f.handle, after)) if f.active and f.plan else f
        for f in found
        if f is not None
    ]
    conflicts = [_conflict(c, j) for c in report.conflicts]
    return due.caseload(clients, drafts(j.root), conflicts, settings(), day), report


def drafts(root: Path) -> list[DraftFact]:
    """The drafts of this notes folder (another folder's resume there, with its --dir)."""
    from otjournal.forms.drafts import default_drafts
    from otjournal.numbers.due import DraftFact

    return [
        DraftFact(d.id, d.command, d.client, d.step, d.updated.date())
        for d in default_drafts(notes=root).mine()
    ]


def _conflict(c: Conflict, j: Journal) -> ConflictFact:
    from otjournal.numbers.due import ConflictFact

    rel = c.original.relative_to(j.root)
    inside = len(rel.parts) > 2 and rel.parts[0] == "clients"
    try:
        since: date | None = datetime.fromtimestamp(c.path.stat().st_mtime).date()
    except OSError:
        since = None
    shown = Path(*rel.parts[2:]) if inside else rel
    return ConflictFact(rel.parts[1] if inside else None, shown.as_posix(), c.tool, since)
