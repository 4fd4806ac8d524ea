"""``otj sync`` (git) and ``otj doctor`` (the folder's health, each finding with its fix)."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Annotated, Any

import typer

from otjournal.cli.common import DirOpt, journal, now, out

TEMP_AGE_SECONDS = 3600


def register(app: typer.Typer) -> None:
    app.command("sync")(sync_cmd)
    app.command("doctor")(doctor_cmd)


def sync_cmd(dir: DirOpt = None) -> None:
    """Commit new and changed notes, pull with rebase, push, and say what came and went.
    A conflict git cannot resolve keeps both sides for 'otj conflicts'."""
    from otjournal.gitsync import Git

    j = journal(dir)
    try:
        result = Git(j.root).sync()
    finally:
        j.make_private()  # git does not keep permissions: notes stay 0600 / 0700
    o = out()
    o.print(f"Synced with {result.remote}.", highlight=False, markup=False)
    o.print(
        f"  committed here: {result.committed} file{'s' if result.committed != 1 else ''}",
        highlight=False,
        markup=False,
    )
    o.print(
        f"  came in: {len(result.incoming)} file{'s' if len(result.incoming) != 1 else ''}",
        highlight=False,
        markup=False,
    )
    for line in result.incoming[:20]:
        o.print(f"    {line}", highlight=False, markup=False)
    o.print(
        f"  went out: {result.outgoing} commit{'s' if result.outgoing != 1 else ''}",
        highlight=False,
        markup=False,
    )
    if result.conflicts:
        o.print(
            f"  both sides kept in {len(result.conflicts)} file(s): run 'otj conflicts'",
            highlight=False,
            markup=False,
        )
        for f in result.conflicts:
            o.print(f"    {f}", highlight=False, markup=False)
        raise typer.Exit(1)


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
        findings.append(_seal_finding(j, snap, fix))
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


def _seal_finding(j: Any, snap: Any, fix: bool) -> tuple[str, str, str]:
    """Sessions with no seal yet (written before seals were kept): --fix seals them as
    they are now. A session whose seal no longer matches is never re-sealed: that is
    for 'otj check' to report, and a person to look into."""
    from otjournal import seals

    sealed = seals.latest(j.seal_logs())
    unsealed = [
        s.path for s in snap.sessions if s.path.relative_to(j.root).as_posix() not in sealed
    ]
    if not unsealed:
        return ("ok", "every session is sealed", "")
    if not fix:
        return (
            "note",
            f"{len(unsealed)} session(s) have no seal yet (later changes to them cannot be seen)",
            "otj doctor --fix seals them as they are now",
        )
    done = sum(j.seal(path, "sealed") for path in unsealed)
    if done < len(unsealed):
        return ("warn", f"sealed {done} of {len(unsealed)} session(s)", j.seal_failures[0])
    return ("fixed", f"{done} session(s) had no seal", "sealed as they are now")
