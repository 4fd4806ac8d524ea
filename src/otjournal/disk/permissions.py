"""Who may read the notes folder: health records stay private to their owner."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from otjournal.disk.scan import CLIENTS
from otjournal.errors import Problem

if TYPE_CHECKING:
    from otjournal.disk.found import ClientFiles

_NOT_NOTES = {".git", ".stversions"}  # folders whose files are not notes


@dataclass
class Covered:
    """The record folders a scan has listed, with the files in them that others can
    read: the scan stat'ed every file there already (``ClientFiles.wide``), so the walk
    looks at those folders' own modes but not again at their files."""

    root: str
    folders: tuple[str, ...]  # the record folders' names in a client folder
    handles: set[str] = field(default_factory=set)
    wide: list[tuple[str, int]] = field(default_factory=list)
    listed: set[str] = field(default_factory=set)  # of those, the ones holding no folder

    def add(self, found: ClientFiles) -> None:
        self.handles.add(found.handle)
        self.wide += found.wide
        self.listed.update(found.listed)

    def holds(self, folder: str) -> bool:
        clients = f"{self.root}/{CLIENTS}/"  # as the scan spells its folders
        handle, _, name = folder[len(clients) :].partition("/")
        return folder.startswith(clients) and name in self.folders and handle in self.handles


def open_paths(root: Path, covered: Covered | None = None) -> list[tuple[Path, bool, int]]:
    """Every folder in the notes folder and .toml file that others can read: its path,
    whether it is a folder, its mode."""
    wide: list[tuple[Path, bool, int]] = []
    if not root.is_dir():
        return []
    _open_in(str(root), wide, covered)
    if covered is not None:  # each once, should the walk have seen one too (path forms)
        walked = {os.path.normcase(os.path.normpath(p)) for p, _, _ in wide}
        wide += [
            (Path(path), False, mode)
            for path, mode in covered.wide
            if os.path.normcase(os.path.normpath(path)) not in walked
        ]
    return wide


def permission_problems(root: Path, covered: Covered | None = None) -> list[Problem]:
    """Folders or files that others can read: health records must stay private.
    A few are named one by one; many (after a git clone) are summed up in one line."""
    wide = open_paths(root, covered)
    if len(wide) > 3:
        return [
            Problem(
                root,
                f"{len(wide)} files and folders are readable by others "
                "(git and sync tools do not keep permissions)",
                severity="warning",
                hint=f"chmod -R go-rwx '{root}' (or 'otj doctor --fix')",
            )
        ]
    return [
        Problem(
            path,
            f"readable by others (mode {mode:o})",
            severity="warning",
            hint=f"chmod {'700' if is_dir else '600'} '{path}'",
        )
        for path, is_dir, mode in wide
    ]


def _open_in(folder: str, wide: list[tuple[Path, bool, int]], covered: Covered | None) -> None:
    """Add ``folder`` and the .toml files in and below it that others can read, in the
    order ``os.walk`` gives (a symlink counts by its own mode and is not followed). One
    ``os.scandir`` per folder: its entries carry their types, and only files that may be
    notes are stat'ed (and not those a scan ``covered``)."""
    if covered is not None and folder in covered.listed:
        _open_folder(folder, wide)  # its files were seen by the scan; it holds no folder
        return
    scanned = covered is not None and covered.holds(folder)
    try:
        listing = os.scandir(folder)
    except OSError:
        return  # as os.walk: a folder that cannot be listed is passed over
    below = []
    with listing:
        _open_folder(folder, wide)
        for e in listing:
            try:
                is_dir = e.is_dir()
            except OSError:
                is_dir = False
            if is_dir:
                if e.name not in _NOT_NOTES:
                    below.append(e)
                continue
            if scanned or not e.name.endswith(".toml"):
                continue
            try:
                if e.is_symlink():  # its own mode means nothing; check calls it a symlink
                    continue
                mode = e.stat(follow_symlinks=False).st_mode & 0o777
            except OSError:
                continue
            if mode & 0o077:
                wide.append((Path(e.path), False, mode))
    for e in below:
        if not e.is_symlink():
            _open_in(e.path, wide, covered)


def _open_folder(folder: str, wide: list[tuple[Path, bool, int]]) -> None:
    try:
        mode = os.lstat(folder).st_mode & 0o777
    except OSError:
        return
    if mode & 0o077:
        wide.append((Path(folder), True, mode))


def make_private(root: Path) -> int:
    """Folders 0700, files 0600 throughout (after a git pull or a restore); in ``.git``
    the group and world bits go (git writes with the umask, and keeps its objects
    read-only)."""
    from otjournal.disk import fsio

    changed = fsio.close_to_others(root / ".git")
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if d != ".git"]
        for path, mode in [(Path(dirpath), 0o700)] + [
            (Path(dirpath) / f, 0o600) for f in filenames
        ]:
            try:
                st = os.lstat(path)
                if not os.path.islink(path) and (st.st_mode & 0o777) != mode:
                    os.chmod(path, mode)
                    changed += 1
            except OSError:
                continue
    return changed
