"""Who may read the notes folder: health records stay private to their owner."""

from __future__ import annotations

import os
from pathlib import Path

from otjournal.errors import Problem


def permission_problems(root: Path) -> list[Problem]:
    """Folders or files that others can read: health records must stay private.
    A few are named one by one; many (after a git clone) are summed up in one line."""
    wide: list[tuple[Path, bool, int]] = []
    if not root.is_dir():
        return []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if d not in {".git", ".stversions"}]
        entries = [(Path(dirpath), True)] + [
            (Path(dirpath) / f, False) for f in filenames if f.endswith(".toml")
        ]
        for path, is_dir in entries:
            try:
                mode = os.lstat(path).st_mode & 0o777
            except OSError:
                continue
            if mode & 0o077:
                wide.append((path, is_dir, mode))
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
