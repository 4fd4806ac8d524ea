"""``otj sync`` (git) and ``otj doctor`` (the folder's health, each finding with its fix)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from otjournal.cli.common import (
    DirOpt,
    JsonOpt,
    journal,
    now,
    out,
    print_hanging,
    print_json,
    read_config,
)
from otjournal.errors import ExitCode, OtjournalError, Stopped

if TYPE_CHECKING:
    from collections.abc import Sequence
    from pathlib import Path

    from otjournal.disk.doctor import Around, Finding
    from otjournal.sync.gitsync import SyncResult


def register(app: typer.Typer) -> None:
    app.command("sync")(sync_cmd)
    app.command("doctor")(doctor_cmd)


def sync_cmd(
    include: Annotated[
        list[str] | None,
        typer.Option(
            "--include",
            metavar="PATTERN",
            help="Also sync the files matching this glob (relative to the notes folder; "
            "repeatable). Once synced, git tracks them and later syncs carry their "
            "changes; to take new matches every time, add the glob to "
            ".otjournal/sync-include.",
        ),
    ] = None,
    dir: DirOpt = None,
) -> None:
    """Commit new and changed notes, pull with rebase, push, and say what came and went.

    Only otjournal's own files are synced: client folders' .toml files, the .otjournal
    folder and .gitignore. Anything else in the notes folder (a private file, a scan, an
    office lock file) stays on this device and is listed once. Opt a file in with a glob
    line in .otjournal/sync-include (e.g. 'scans/*.pdf'; '**' crosses folders) or with
    --include. Files git already tracks stay synced.

    Amendments made to one note on two devices are joined in time order. A conflict
    git cannot resolve keeps both sides for 'otj conflicts'."""
    from otjournal.sync.gitsync import Git

    j = journal(dir)
    try:
        result = Git(j.root).sync(
            tuple(include or ()), seal=lambda files: [j.seal(j.root / f, "merged") for f in files]
        )
    finally:
        j.make_private()  # git does not keep permissions: notes stay 0600 / 0700
    _tell(result)
    if result.conflicts or result.unresolved:
        raise Stopped(ExitCode.PROBLEM)  # listed, with what to run


def _tell(result: SyncResult) -> None:
    """What the sync did, one line a part; file names listed up to LISTED."""
    say = _say
    say(f"Synced with {result.remote}.")
    say(f"  committed here: {_n(result.committed, 'file')}")
    say(f"  came in: {_n(len(result.incoming), 'file')}")
    for line in result.incoming[:20]:
        say(f"    {line}")
    say(f"  went out: {_n(result.outgoing, 'commit')}")
    if result.merged:
        say(f"  amendments from both sides joined in time order: {_n(len(result.merged), 'note')}")
        for f in result.merged:
            say(f"    {f}")
    if result.clients_joined:
        joined = _n(len(result.clients_joined), "file")
        say(f"  client files changed on both devices, joined: {joined}")
        for f in result.clients_joined:
            say(f"    {f}")
    if result.left_out:
        say(
            f"  left out, staying on this device (not otjournal's): "
            f"{_n(len(result.left_out), 'new file')}"
        )
        _list_files(result.left_out)
        say("    to sync one: add a glob to .otjournal/sync-include, or otj sync --include GLOB")
    elif result.left_out_count:
        say(f"  left out (listed before): {_n(result.left_out_count, 'file')}")
    if result.tracked_outside:
        say(
            f"  still synced because git tracked them before: "
            f"{_n(len(result.tracked_outside), 'file')} not otjournal's"
        )
        _list_files(result.tracked_outside)
        say(
            "    to stop: git rm --cached FILE (other devices then delete their copy "
            "at their next sync; history keeps it)"
        )
    if result.conflicts:
        say(f"  both sides kept in {len(result.conflicts)} file(s): run 'otj conflicts'")
    if result.unresolved:
        say(
            f"  still holding both sides from an earlier sync: "
            f"{_n(len(result.unresolved), 'file')}: run 'otj conflicts'"
        )
        _list_files(result.unresolved)
        for f in result.conflicts:
            say(f"    {f}")
    if result.kept_whole:
        say(
            f"  deleted on one device and changed on the other, kept as changed: "
            f"{_n(len(result.kept_whole), 'file')} (delete it again if that was meant)"
        )
        _list_files(result.kept_whole)


LISTED = 20  # file names listed at most; the rest are counted


def _list_files(files: list[str]) -> None:
    """The first LISTED file names, one a line; the rest counted."""
    for f in files[:LISTED]:
        _say(f"    {f}")
    if len(files) > LISTED:
        _say(f"    and {len(files) - LISTED} more")


def _n(count: int, noun: str) -> str:
    return f"{count} {noun}{'s' if count != 1 else ''}"


def _say(line: str) -> None:
    from otjournal.views.visible import visible

    # A file name may hold a newline: it stays on its line.
    out().print(visible(line.replace("\n", "\\n")), highlight=False, markup=False)


def doctor_cmd(
    fix: Annotated[
        bool,
        typer.Option(
            "--fix",
            help="Apply the safe fixes (permissions, .git's too; move old temp files "
            "in the notes folder aside).",
        ),
    ] = False,
    dir: DirOpt = None,
    json: JsonOpt = False,
) -> None:
    """One screen on the notes folder: permissions, leftover temp files, drafts waiting,
    conflicts and the config, each with its fix."""
    from otjournal.disk.doctor import examine, needs_attention

    j = journal(dir)
    findings = examine(j, _around(j.root), fix=fix, now=now())
    if json:
        rows = [
            {"status": f.status, "what": f.what, "fix": f.fix or None, "paths": list(f.paths)}
            for f in findings
        ]
        print_json(
            "doctor",
            {"ok": not needs_attention(findings), "root": str(j.root), "findings": rows},
        )
    else:
        _say_findings(findings)
    if needs_attention(findings):
        raise Stopped(ExitCode.PROBLEM)  # the warnings are shown, or ok is false


def _say_findings(findings: Sequence[Finding]) -> None:
    """Each finding beside its mark, and its fix under it (wrapped on a terminal)."""
    marks = {"ok": "ok    ", "warn": "warn  ", "note": "note  ", "fixed": "fixed "}
    for f in findings:
        print_hanging(f.shown(), marks[f.status], " " * 6)
        if f.fix:
            print_hanging(f"fix: {f.fix}", " " * 6, " " * 11)


def _around(root: Path) -> Around:
    """What doctor needs from the layers above the notes on disk: the drafts and the
    settings (their folders, the drafts of this notes folder waiting, whether the config
    reads)."""
    from otjournal.disk.doctor import Around
    from otjournal.forms.drafts import default_drafts
    from otjournal.paths import cache_dir, config_file

    drafts = default_drafts(notes=root)
    try:
        read_config()
        problem = None
    except OtjournalError as exc:
        problem = str(exc)
    return Around(
        own_folders=[
            ("drafts folder", drafts.folder),
            ("cache folder", cache_dir()),
            ("settings folder", config_file().parent),
        ],
        drafts_folder=drafts.folder,
        draft_commands=[d.command for d in drafts.mine()],
        config_path=config_file(),
        config_problem=problem,
    )
