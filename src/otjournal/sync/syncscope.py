"""What ``otj sync`` carries: otjournal's own files, and what the person opts in.

A notes folder also collects things that are nobody's business on a remote: a private
text file, a scanned ID card, an office lock file. Sync stages only the paths below,
as git pathspecs relative to the notes folder. Everything else stays on this device and
is listed once; the person opts a path in with a glob line in ``.otjournal/sync-include``
(synced, so every device agrees) or for one sync with ``otj sync --include PATTERN``.

A file git already tracks stays synced (its changes are committed): git has carried it
to every device already, un-tracking it would delete it on the others at their next
pull, and leaving its changes uncommitted would stop the rebase. Such files are listed
once too, with how to stop syncing them.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from otjournal.errors import UsageError

# otjournal's own paths (extend here, and only here). ':(glob)': '*' stays inside one
# folder, '**' crosses folders.
OWNED = (
    ":(glob)clients/**/*.toml",  # client.toml, sessions, homework, sync tools' copies of them
    ":(glob)clients/**/*.age",  # the same in an encrypted journal (.toml.age), and copies
    ":(glob).otjournal/**",  # otjournal's own records: resolved/, sync-include, seal log…
    ":(glob).gitignore",  # written by 'otj init --git'
)
# Never carried from a client folder: names starting with a dot are never records
# (otjournal's own temp files, sync tools' folders).
NEVER = (":(exclude,glob)clients/**/.*", ":(exclude,glob)clients/**/.*/**")
INCLUDE_FILE = Path(".otjournal") / "sync-include"
REPORTED_FILE = "otjournal-sync-reported.json"  # inside .git: local to this device


def pathspecs(root: Path, include: tuple[str, ...] = ()) -> list[str]:
    """The pathspecs sync stages: OWNED, the allow-list file's patterns, ``include``."""
    patterns = [*read_includes(root), *(_checked(p, "--include") for p in include)]
    return [*OWNED, *(f":(glob){p}" for p in patterns), *NEVER]


def outside(specs: list[str]) -> list[str]:
    """Pathspecs for everything ``specs`` (from ``pathspecs``) does not stage."""
    return [":(exclude," + s[2:] for s in specs if s.startswith(":(glob)")]


def read_includes(root: Path) -> list[str]:
    """The patterns in ``.otjournal/sync-include``: one a line, '#' starts a comment."""
    path = root / INCLUDE_FILE
    try:
        text = path.read_text("utf-8")
    except FileNotFoundError:
        return []
    except (OSError, UnicodeError) as exc:
        raise UsageError(f"cannot read the sync allow-list: {exc}", path=path) from None
    patterns = []
    for n, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if line and not line.startswith("#"):
            patterns.append(_checked(line, f"{path}:{n}"))
    return patterns


def _checked(pattern: str, where: str) -> str:
    """A glob relative to the notes folder; never one that could reach outside it."""
    parts = pattern.replace("\\", "/").split("/")
    if pattern.startswith(("/", ":")) or ".." in parts or not pattern.strip():
        raise UsageError(
            f"{where}: a sync pattern is a glob inside the notes folder, "
            f"like 'scans/*.pdf' or '**/*.pdf' (not {pattern[:60]!r})"
        )
    return pattern.strip()


class Reported:
    """What was already listed on this device, so each left-out file is listed once."""

    def __init__(self, git_dir: Path) -> None:
        self.path = git_dir / REPORTED_FILE
        try:
            self.seen: dict[str, list[str]] = json.loads(self.path.read_text("utf-8"))
        except (OSError, ValueError):
            self.seen = {}
        self.now: dict[str, list[str]] = {}

    def new(self, kind: str, paths: list[str]) -> list[str]:
        """The paths not listed before; ``save`` remembers all of ``paths`` (so a file
        that goes and comes back is listed again)."""
        before = set(self.seen.get(kind, []))
        self.now[kind] = sorted(paths)
        return [p for p in sorted(paths) if p not in before]

    def save(self) -> None:
        """Remember what was listed; if that fails, the list is shown again next time."""
        data = json.dumps({**self.seen, **self.now}, ensure_ascii=True).encode()
        tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o600)
            try:
                os.write(fd, data)
            finally:
                os.close(fd)
            os.replace(tmp, self.path)
        except OSError:
            pass
