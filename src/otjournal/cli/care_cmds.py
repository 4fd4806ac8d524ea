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
        for f in result.conflicts:
            say(f"    {f}")
        raise typer.Exit(1)


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


# Folders of the notes folder that hold no save in progress: git's and Syncthing's own,
# and otjournal's set-aside files (temps moved there are kept, not found again).
_NOT_SAVED_IN = {".git", ".stversions", ".otjournal"}


def _temps(folder: Path, *, below: bool) -> tuple[list[Path], list[Path]]:
    """otjournal's own temp files (``.otj-*.part``) in ``folder`` (and the folders
    ``below`` it): those of the last hour (a save may still be running) and older ones
    (left by an interrupted save). Never a symlink; one that vanishes meanwhile (a save
    finishing) is skipped."""
    from otjournal.disk.fsio import is_temp_name

    fresh, old = [], []
    for dirpath, dirnames, files in os.walk(folder):
        dirnames[:] = [d for d in dirnames if below and d not in _NOT_SAVED_IN]
        for name in files:
            if not is_temp_name(name):
                continue
            path = Path(dirpath) / name
            try:
                st = os.lstat(path)
            except OSError:
                continue
            if not os.path.islink(path):
                aged = time.time() - st.st_mtime > TEMP_AGE_SECONDS
                (old if aged else fresh).append(path)
    return fresh, old


def _linked_folders(root: Path) -> list[Path]:
    """Symlinks in the notes folder where a folder would be (a client folder linked
    elsewhere): read through, never written through (fsio.private_folder)."""
    found = []
    for dirpath, dirnames, _ in os.walk(root):
        found += [Path(dirpath) / d for d in dirnames if os.path.islink(Path(dirpath) / d)]
        dirnames[:] = [d for d in dirnames if d not in {".git", ".stversions"}]
    return sorted(found)


def _listed(what: str, paths: list[Path], limit: int = 10) -> str:
    lines = [what] + [f"      {p}" for p in paths[:limit]]
    if len(paths) > limit:
        lines.append(f"      … and {len(paths) - limit} more")
    return "\n".join(lines)


def _temp_findings(
    where: str, fresh: list[Path], old: list[Path], old_fix: str
) -> list[tuple[str, str, str]]:
    """Fresh temps are a note (a save may be running), old ones a warning; each listed."""
    found = []
    if fresh:
        found.append(
            (
                "note",
                _listed(
                    f"{len(fresh)} temp file(s) in the {where} from the last hour "
                    "(a save still running, or one that was stopped)",
                    fresh,
                ),
                "nothing to do now; if they are still there in an hour, otj doctor says what to do",
            )
        )
    if old:
        found.append(
            (
                "warn",
                _listed(
                    f"{len(old)} leftover temp file(s) in the {where} from an interrupted "
                    "save (never notes themselves)",
                    old,
                ),
                old_fix,
            )
        )
    return found


def _own_folders() -> list[tuple[str, Path, tuple[str, ...]]]:
    """The drafts, cache and settings folders: otjournal's own, to be real and private."""
    from otjournal.forms.drafts import default_drafts
    from otjournal.paths import cache_dir, config_file, platform_split

    return [
        (what, *platform_split(folder))
        for what, folder in (
            ("drafts folder", default_drafts().folder),
            ("cache folder", cache_dir()),
            ("settings folder", config_file().parent),
        )
    ]


def _own_folder_findings(
    seen: list[tuple[Path, str, bool] | None], fix: bool
) -> list[tuple[str, str, str]]:
    """What was ``seen`` before the read (which opens the cache, and so makes its folder
    private), checked again now, and fixed where that is safe."""
    from otjournal.disk.fsio import folder_problem, private_folder
    from otjournal.errors import StoreError

    found = []
    for (what, base, parts), before in zip(_own_folders(), seen, strict=True):
        problem = folder_problem(base, *parts)
        if problem is not None and fix and problem[2]:
            try:
                private_folder(base, *parts, create=False)
                problem = None
            except StoreError:
                pass
        if problem is None:
            if before is not None:
                found.append(("fixed", f"{what}: {before[0]} {before[1]}", "made private (700)"))
            continue
        path, wrong, fixable = problem
        remedy = (
            f"chmod 700 '{path}' (or otj doctor --fix)"
            if fixable
            else f"put a real folder at {path} (otjournal writes only into folders of its own)"
        )
        found.append(("warn", f"{what}: {path} {wrong}", remedy))
    return found or [("ok", "folders for drafts, cache and settings: private", "")]


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
) -> None:
    """One screen on the notes folder: permissions, leftover temp files, drafts waiting,
    conflicts and the config, each with its fix."""
    from otjournal.config import load_config
    from otjournal.disk.fsio import folder_problem, open_to_others
    from otjournal.errors import OtjournalError
    from otjournal.forms.drafts import default_drafts
    from otjournal.paths import config_file

    j = journal(dir)
    seen = [folder_problem(base, *parts) for _, base, parts in _own_folders()]
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
        git_wide = open_to_others(j.root / ".git")
        if perms or git_wide:
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
                if perms:
                    findings.append(
                        (
                            "warn",
                            f"{len(perms)} files or folders readable by others",
                            f"chmod -R go-rwx '{j.root}' (or otj doctor --fix)",
                        )
                    )
                if git_wide:
                    findings.append(
                        (
                            "warn",
                            f"{len(git_wide)} files or folders in .git open to others "
                            "(git writes them with the umask)",
                            f"chmod -R go-rwx '{j.root / '.git'}' (or otj doctor --fix)",
                        )
                    )
        else:
            git = " (.git too)" if (j.root / ".git").is_dir() else ""
            findings.append(("ok", f"permissions: private{git}", ""))
        linked = _linked_folders(j.root)
        if linked:
            findings.append(
                (
                    "warn",
                    _listed(
                        f"{len(linked)} folder(s) in the notes folder are symlinks: "
                        "otjournal reads through them but never writes there",
                        linked,
                    ),
                    "put the real folder in its place (move it in, then remove the link)",
                )
            )
        fresh, old = _temps(j.root, below=True)
        if not fresh and not old:
            findings.append(("ok", "no leftover temp files", ""))
        if old and fix:
            stamp = f"{now():%Y%m%d-%H%M%S}"
            for path in old:
                j.set_aside(path, stamp)
            findings.append(
                (
                    "fixed",
                    f"{len(old)} leftover temp file(s) in the notes folder from an "
                    "interrupted save",
                    "moved to .otjournal/resolved/",
                )
            )
            old = []
        findings += _temp_findings(
            "notes folder",
            fresh,
            old,
            "otj doctor --fix moves them to .otjournal/resolved/",
        )
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
    drafts_folder = default_drafts()
    fresh, old = _temps(drafts_folder.folder, below=False)
    findings += _temp_findings(
        "drafts folder",
        fresh,
        old,
        "each may hold a draft's latest answer: see 'otj drafts' (resume or discard), "
        "then delete them by hand",
    )
    findings += _own_folder_findings(seen, fix)
    drafts = drafts_folder.entries()
    if drafts:
        resume = " or ".join(f"otj {c} --resume" for c in dict.fromkeys(d.command for d in drafts))
        findings.append(("note", f"{len(drafts)} draft(s) waiting", f"otj drafts ({resume})"))
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
    from otjournal.disk import seals

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
