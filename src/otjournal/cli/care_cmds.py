"""``otj sync`` (git) and ``otj doctor`` (the folder's health, each finding with its fix)."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Annotated

import typer

from otjournal.cli.common import DirOpt, journal, now, out

TEMP_AGE_SECONDS = 3600


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
    from otjournal.gitsync import Git

    j = journal(dir)
    try:
        result = Git(j.root).sync(tuple(include or ()))
    finally:
        j.make_private()  # git does not keep permissions: notes stay 0600 / 0700
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
    if result.left_out:
        say(
            f"  left out, staying on this device (not otjournal's): "
            f"{_n(len(result.left_out), 'new file')}"
        )
        for f in result.left_out[:LISTED]:
            say(f"    {f}")
        if len(result.left_out) > LISTED:
            say(f"    and {len(result.left_out) - LISTED} more")
        say("    to sync one: add a glob to .otjournal/sync-include, or otj sync --include GLOB")
    elif result.left_out_count:
        say(f"  left out (listed before): {_n(result.left_out_count, 'file')}")
    if result.tracked_outside:
        say(
            f"  still synced because git tracked them before: "
            f"{_n(len(result.tracked_outside), 'file')} not otjournal's"
        )
        for f in result.tracked_outside[:LISTED]:
            say(f"    {f}")
        if len(result.tracked_outside) > LISTED:
            say(f"    and {len(result.tracked_outside) - LISTED} more")
        say(
            "    to stop: git rm --cached FILE (other devices then delete their copy "
            "at their next sync; history keeps it)"
        )
    if result.conflicts:
        say(f"  both sides kept in {len(result.conflicts)} file(s): run 'otj conflicts'")
        for f in result.conflicts:
            say(f"    {f}")
        raise typer.Exit(1)


LISTED = 20  # file names listed at most; the rest are counted


def _n(count: int, noun: str) -> str:
    return f"{count} {noun}{'s' if count != 1 else ''}"


def _say(line: str) -> None:
    from otjournal.visible import visible

    # A file name may hold a newline: it stays on its line.
    out().print(visible(line.replace("\n", "\\n")), highlight=False, markup=False)


def _old_temps(folder: Path) -> list[Path]:
    """otjournal's own temp files left by an interrupted save, older than an hour.
    Never a symlink, and one that vanishes meanwhile (a save finishing) is skipped."""
    from otjournal.fsio import is_temp_name

    found = []
    for dirpath, _, files in os.walk(folder):
        for name in files:
            if not is_temp_name(name):
                continue
            path = Path(dirpath) / name
            try:
                st = os.lstat(path)
            except OSError:
                continue
            if not os.path.islink(path) and time.time() - st.st_mtime > TEMP_AGE_SECONDS:
                found.append(path)
    return found


def doctor_cmd(
    fix: Annotated[
        bool,
        typer.Option(
            "--fix", help="Apply the safe fixes (permissions; move old temp files aside)."
        ),
    ] = False,
    dir: DirOpt = None,
) -> None:
    """One screen on the notes folder: permissions, leftover temp files, drafts waiting,
    conflicts and the config, each with its fix."""
    from otjournal.config import load_config
    from otjournal.drafts import default_drafts
    from otjournal.errors import OtjournalError
    from otjournal.paths import config_file

    j = journal(dir)
    findings: list[tuple[str, str, str]] = []  # (status, what, fix)
    if not j.exists():
        findings.append(
            (
                "note",
                f"no notes folder yet at {j.root}",
                "it is created by the first note; 'otj init' creates it now",
            )
        )
    else:
        perms = j.permission_problems()
        if perms:
            if fix:
                n = j.make_private()
                findings.append(
                    (
                        "fixed",
                        f"{n} file{'s' if n != 1 else ''} or folder{'s' if n != 1 else ''} "
                        "were readable by others",
                        "made private (folders 700, files 600)",
                    )
                )
            else:
                findings.append(
                    (
                        "warn",
                        f"{len(perms)} files or folders readable by others",
                        f"chmod -R go-rwx '{j.root}' (or otj doctor --fix)",
                    )
                )
        else:
            findings.append(("ok", "permissions: private", ""))
        old = _old_temps(j.root / "clients")
        if old:
            if fix:
                stamp = f"{now():%Y%m%d-%H%M%S}"
                for path in old:
                    j.set_aside(path, stamp)
                findings.append(
                    (
                        "fixed",
                        f"{len(old)} leftover temp file(s) from an interrupted save",
                        "moved to .otjournal/resolved/",
                    )
                )
            else:
                findings.append(
                    (
                        "warn",
                        f"{len(old)} leftover temp file(s) from an interrupted "
                        "save (never notes themselves)",
                        "otj doctor --fix moves them to .otjournal/resolved/",
                    )
                )
        else:
            findings.append(("ok", "no leftover temp files", ""))
        snap = j.load()
        if snap.conflicts:
            findings.append(
                (
                    "warn",
                    f"{len(snap.conflicts)} sync conflict(s)",
                    "otj conflicts (compare, then resolve)",
                )
            )
        else:
            findings.append(("ok", "no sync conflicts", ""))
        errors = [p for p in snap.problems if p.severity == "error"]
        conflicted = {c.path for c in snap.conflicts}
        broken = {p.path for p in errors} - conflicted
        if broken:
            findings.append(
                (
                    "warn",
                    f"{len(broken)} file(s) cannot be read",
                    "otj check (file, line and what to do)",
                )
            )
        else:
            findings.append(
                (
                    "ok",
                    f"{len(snap.sessions)} sessions and {len(snap.homework)} homework entries read",
                    "",
                )
            )
    drafts = default_drafts().entries()
    if drafts:
        findings.append(
            ("note", f"{len(drafts)} draft(s) waiting", "otj drafts (resume with otj log --resume)")
        )
    else:
        findings.append(("ok", "no drafts waiting", ""))
    try:
        load_config(config_file())
        findings.append(
            (
                "ok",
                f"config: {config_file()}" + ("" if config_file().exists() else " (defaults)"),
                "",
            )
        )
    except OtjournalError as exc:
        findings.append(("warn", f"config does not read: {exc}", "otj config edit"))
    marks = {"ok": "ok   ", "warn": "warn ", "note": "note ", "fixed": "fixed"}
    for status, what, remedy in findings:
        out().print(
            f"{marks[status]} {what}" + (f"\n      fix: {remedy}" if remedy else ""),
            highlight=False,
            markup=False,
        )
    if any(status == "warn" for status, _, _ in findings):
        raise typer.Exit(1)
