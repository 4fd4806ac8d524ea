"""``otj doctor``'s findings: the notes folder's health (permissions, leftover temp files,
conflicts, files that do not read, seals) and otjournal's own folders, each with its fix.
Nothing here prints; with ``fix`` the safe fixes are made and reported as "fixed".

The drafts and the config live in layers above the notes on disk: the command names
their folders and says whether the config reads (``Around``).
"""

from __future__ import annotations

import os
import time
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from otjournal.disk import sealcheck
from otjournal.disk.fsio import folder_problem, is_temp_name, open_to_others, private_folder
from otjournal.disk.permissions import Covered, open_paths
from otjournal.disk.scan import HOMEWORK, SESSIONS
from otjournal.disk.store import Journal
from otjournal.errors import StoreError
from otjournal.frozen import frozen
from otjournal.paths import platform_split

if TYPE_CHECKING:
    from otjournal.disk.reads import Survey

TEMP_AGE_SECONDS = 3600

# Folders of the notes folder that hold no save in progress: git's and Syncthing's own,
# and otjournal's set-aside files (temps moved there are kept, not found again).
_NOT_SAVED_IN = {".git", ".stversions", ".otjournal"}


@frozen
class Finding:
    """One line of the doctor's screen: ``status`` is ok, warn, note or fixed; ``paths``
    the files or folders it is about, every one (the screen lists the first few)."""

    status: str
    what: str
    fix: str = ""
    paths: tuple[str, ...] = ()

    def shown(self, limit: int = 10) -> str:
        """``what`` with its paths beneath it, as the screen shows them."""
        lines = [self.what] + [f"      {p}" for p in self.paths[:limit]]
        if len(self.paths) > limit:
            lines.append(f"      … and {len(self.paths) - limit} more")
        return "\n".join(lines)


@frozen
class Around:
    """What doctor looks at beside the notes folder: otjournal's own folders by name
    (drafts, cache, settings), the drafts folder, the commands of the drafts waiting in
    it, and the config file with why it does not read (None: it reads)."""

    own_folders: Sequence[tuple[str, Path]]
    drafts_folder: Path
    draft_commands: Sequence[str]
    config_path: Path
    config_problem: str | None


def examine(j: Journal, around: Around, *, fix: bool, now: datetime) -> list[Finding]:
    """Every finding, in the order the screen shows them."""
    own = [(what, *platform_split(folder)) for what, folder in around.own_folders]
    # Before the read, which opens the cache and so makes its folder private.
    seen = [folder_problem(base, *parts) for _, base, parts in own]
    findings = notes_folder(j, fix, now) if j.exists() else [_no_notes_folder(j.root)]
    fresh, old = _temps(around.drafts_folder, below=False)
    findings += _temp_findings(
        "drafts folder",
        fresh,
        old,
        "each may hold a draft's latest answer: see 'otj drafts' (resume or discard), "
        "then delete them by hand",
    )
    findings += _own_folder_findings(own, seen, fix)
    findings.append(_drafts_waiting(around.draft_commands))
    findings.append(_config(around.config_path, around.config_problem))
    return findings


def needs_attention(findings: Sequence[Finding]) -> bool:
    """A warning among them: the command exits 1."""
    return any(f.status == "warn" for f in findings)


def notes_folder(j: Journal, fix: bool, now: datetime) -> list[Finding]:
    """The notes folder itself: permissions, linked folders, temps, then what reading
    every file finds (conflicts, files that do not read, sessions without a seal)."""
    # The survey's scan stats every record file: the permission walk then need not.
    covered = Covered(str(j.root), (SESSIONS, HOMEWORK))
    with j.seal_index() as index:  # one folder's seals at a time: memory stays flat
        survey = j.survey(index.unsealed(), each=covered.add)
        gone = sealcheck.gone(str(j.root), index)
        damaged = sealcheck.log_problems(index)
    findings = _permissions(j, fix, covered)
    linked = _linked_folders(j.root)
    if linked:
        findings.append(
            Finding(
                "warn",
                f"{len(linked)} folder(s) in the notes folder are symlinks: "
                "otjournal reads through them but never writes there",
                "put the real folder in its place (move it in, then remove the link)",
                _listed(linked),
            )
        )
    findings += _notes_temps(j, fix, now)
    findings += _read_findings(survey)
    if gone:  # then not "every session is sealed", though every one here is
        findings.append(
            Finding(
                "warn",
                f"{len(gone)} sealed session(s) missing from their place",
                "restore each from a backup or the sync history (otj check names them too)",
                _listed(gone),
            )
        )
    if damaged:  # its seals unread, a note it sealed would pass for one never sealed
        findings.append(
            Finding(
                "warn",
                f"{len(damaged)} seal log(s) damaged: the seals in lines that do not read "
                "cannot be checked",
                sealcheck.LOG_HINT + " (otj check names each line)",
                _listed([p.path for p in damaged]),
            )
        )
    held = "put the missing sealed sessions back first" if gone else ""
    held = held or ("mend the seal logs first" if damaged else "")
    if survey.picked or not (gone or damaged):
        findings.append(_seal_finding(j, survey.picked, fix, held))
    lock = j.lock  # a device that cannot open an encrypted journal was told by the survey
    if lock is not None:
        n = len(lock.recipients)
        findings.append(
            Finding(
                "ok",
                f"encrypted: every note opens with {n} key{'s' * (n != 1)}, "
                "this device's among them",
            )
        )
    return findings


def _no_notes_folder(root: Path) -> Finding:
    return Finding(
        "note",
        f"no notes folder yet at {root}",
        "it is created by the first note; 'otj init' creates it now",
    )


def _permissions(j: Journal, fix: bool, covered: Covered) -> list[Finding]:
    open_here = open_paths(j.root, covered)
    wide = len(open_here)
    git_wide = open_to_others(j.root / ".git")
    if not wide and not git_wide:
        git = " (.git too)" if (j.root / ".git").is_dir() else ""
        return [Finding("ok", f"permissions: private{git}")]
    if fix:
        n = j.make_private()
        return [
            Finding(
                "fixed",
                f"{n} file{'s' if n != 1 else ''} or folder{'s' if n != 1 else ''} "
                "were readable by others",
                "made private (folders 700, files 600)",
            )
        ]
    found = []
    if wide:
        found.append(
            Finding(
                "warn",
                f"{wide} file{'s' if wide != 1 else ''} or folder{'s' if wide != 1 else ''} "
                "readable by others",
                f"chmod -R go-rwx '{j.root}' (or otj doctor --fix)",
                _listed([path for path, _, _ in open_here]),
            )
        )
    if git_wide:
        found.append(
            Finding(
                "warn",
                f"{len(git_wide)} files or folders in .git open to others "
                "(git writes them with the umask)",
                f"chmod -R go-rwx '{j.root / '.git'}' (or otj doctor --fix)",
            )
        )
    return found


def _notes_temps(j: Journal, fix: bool, now: datetime) -> list[Finding]:
    """Temp files in the notes folder; with ``fix`` the old ones are set aside."""
    found = []
    fresh, old = _temps(j.root, below=True)
    if not fresh and not old:
        found.append(Finding("ok", "no leftover temp files"))
    if old and fix:
        stamp = f"{now:%Y%m%d-%H%M%S}"
        for path in old:
            j.set_aside(path, stamp)
        found.append(
            Finding(
                "fixed",
                f"{len(old)} leftover temp file(s) in the notes folder from an interrupted save",
                "moved to .otjournal/resolved/",
            )
        )
        old = []
    return found + _temp_findings(
        "notes folder", fresh, old, "otj doctor --fix moves them to .otjournal/resolved/"
    )


def _read_findings(survey: Survey) -> list[Finding]:
    """Conflict copies and files that do not read, as reading every file found them,
    counted as every reading command counts them (disk/leftout.py)."""
    from otjournal.disk.leftout import left_out

    lost = left_out(survey.report)
    found = []
    if lost.copies:
        n = len(lost.copies)
        found.append(
            Finding(
                "warn",
                f"{n} sync conflict cop{'ies' if n != 1 else 'y'} set aside (not counted)",
                "otj conflicts (compare, then resolve)",
            )
        )
    elif not lost.git_markers:
        found.append(Finding("ok", "no sync conflicts"))
    if lost.unreadable:
        n = len(lost.git_markers)
        markers = f", {n} with git conflict markers" if n else ""
        fix = "otj check (file, line and what to do)"
        found.append(
            Finding(
                "warn",
                f"{len(lost.unreadable)} file(s) cannot be read and are left out{markers}",
                fix + ("; otj conflicts resolves the markers" if n else ""),
                _listed(list(lost.unreadable)),
            )
        )
    if lost.unread:
        found.append(
            Finding(
                "note",
                f"{len(lost.unread)} file(s) not read and left out",
                "otj check says why",
                _listed(list(lost.unread)),
            )
        )
    if not lost.files:
        found.append(
            Finding(
                "ok",
                f"{survey.sessions} sessions and {survey.homework} homework entries read",
            )
        )
    return found


def _seal_finding(j: Journal, unsealed: list[Path], fix: bool, held: str) -> Finding:
    """Sessions with no seal yet (written before seals were kept): --fix seals them as
    they are now. A session whose seal no longer matches is never re-sealed: that is
    for 'otj check' to report, and a person to look into. Nor is any sealed while
    ``held`` says why not: a sealed one gone (one moved or renamed by hand would be
    sealed under its new name) or a seal log damaged (its seal unread, an edited note
    would be sealed as it is now)."""
    if not unsealed:
        return Finding("ok", "every session has a seal (otj check compares each with it)")
    if not fix or held:
        return Finding(
            "note",
            f"{len(unsealed)} session(s) have no seal yet (later changes to them cannot be seen)",
            f"{held}; then otj doctor --fix seals these"
            if held
            else "otj doctor --fix seals them as they are now",
        )
    done = sum(j.seal(path, "sealed") for path in unsealed)
    if done < len(unsealed):
        return Finding("warn", f"sealed {done} of {len(unsealed)} session(s)", j.seal_failures[0])
    return Finding("fixed", f"{done} session(s) had no seal", "sealed as they are now")


def _drafts_waiting(commands: Sequence[str]) -> Finding:
    if not commands:
        return Finding("ok", "no drafts waiting")
    resume = " or ".join(f"otj {c} --resume" for c in dict.fromkeys(commands))
    return Finding("note", f"{len(commands)} draft(s) waiting", f"otj drafts ({resume})")


def _config(path: Path, problem: str | None) -> Finding:
    if problem is not None:
        return Finding("warn", f"config does not read: {problem}", "otj config edit", (str(path),))
    return Finding("ok", f"config: {path}" + ("" if path.exists() else " (defaults)"))


def _temps(folder: Path, *, below: bool) -> tuple[list[Path], list[Path]]:
    """otjournal's own temp files (``.otj-*.part``) in ``folder`` (and the folders
    ``below`` it): those of the last hour (a save may still be running) and older ones
    (left by an interrupted save). Never a symlink; one that vanishes meanwhile (a save
    finishing) is skipped."""
    fresh: list[Path] = []
    old: list[Path] = []
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


def _listed(paths: Sequence[Path | str]) -> tuple[str, ...]:
    """In name order, so the screen's first ten are the same on every run."""
    return tuple(sorted(str(p) for p in paths))


def _temp_findings(where: str, fresh: list[Path], old: list[Path], old_fix: str) -> list[Finding]:
    """Fresh temps are a note (a save may be running), old ones a warning; each listed."""
    found = []
    if fresh:
        found.append(
            Finding(
                "note",
                f"{len(fresh)} temp file(s) in the {where} from the last hour "
                "(a save still running, or one that was stopped)",
                "nothing to do now; if they are still there in an hour, otj doctor says what to do",
                _listed(fresh),
            )
        )
    if old:
        found.append(
            Finding(
                "warn",
                f"{len(old)} leftover temp file(s) in the {where} from an interrupted "
                "save (never notes themselves)",
                old_fix,
                _listed(old),
            )
        )
    return found


def _own_folder_findings(
    own: Sequence[tuple[str, Path, tuple[str, ...]]],
    seen: Sequence[tuple[Path, str, bool] | None],
    fix: bool,
) -> list[Finding]:
    """What was ``seen`` before the read (which opens the cache, and so makes its folder
    private), checked again now, and fixed where that is safe."""
    found = []
    for (what, base, parts), before in zip(own, seen, strict=True):
        problem = folder_problem(base, *parts)
        if problem is not None and fix and problem[2]:
            try:
                private_folder(base, *parts, create=False)
                problem = None
            except StoreError:
                pass
        if problem is None:
            if before is not None:
                found.append(
                    Finding("fixed", f"{what}: {before[0]} {before[1]}", "made private (700)")
                )
            continue
        path, wrong, fixable = problem
        remedy = (
            f"chmod 700 '{path}' (or otj doctor --fix)"
            if fixable
            else f"put a real folder at {path} (otjournal writes only into folders of its own)"
        )
        found.append(Finding("warn", f"{what}: {path} {wrong}", remedy, (str(path),)))
    return found or [Finding("ok", "folders for drafts, cache and settings: private")]
