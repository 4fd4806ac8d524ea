"""Recognising sync-conflict copies by name, and git conflict markers by content. Pure.

Sync tools leave a copy beside the original when two devices changed one file, and
most copies still end in ``.toml``. A copy must never count twice and never vanish:
the loader sets it aside, ``check`` reports it, ``otj conflicts`` shows it.
"""

from __future__ import annotations

import hashlib
import re
from functools import cache

from otjournal.frozen import frozen

ID_PATTERN = r"\d{4}-\d\d-\d\d_\d{4}_[23456789a-hjkmnp-z]{5}"
RECORD_ID = re.compile(rf"{ID_PATTERN}\Z")

# (tool, pattern on the whole file stem); the group 'orig' is the original stem. Compiled
# on first use (most reads meet no new file name). A change here changes
# ``patterns_digest``, so the cache (which skips these for names it knows) is rebuilt.
COPY_PATTERNS: tuple[tuple[str, str], ...] = (
    ("Syncthing", r"(?P<orig>.+?)\.sync-conflict-\d{8}-\d{6}-[A-Z0-9]{7}"),
    ("Dropbox", r"(?P<orig>.+?) \(.+'s conflicted copy \d{4}-\d\d-\d\d(?: \d+)?\)"),
    (
        "Nextcloud/ownCloud",
        r"(?P<orig>.+?) \(conflicted copy (?:.+ )?\d{4}-\d\d-\d\d "
        r"\d{6}\)",
    ),
    ("Nextcloud/ownCloud (old)", r"(?P<orig>.+?)_conflict-\d{8}-\d{6}"),
    ("Google Drive", r"(?P<orig>.+?) \(\d+\)"),
    ("iCloud", r"(?P<orig>.+?) (?:\d+|[Cc]opy(?: \d+)?)"),
    # Written by 'otj homework import' when an entry here already has the id.
    ("homework import", r"(?P<orig>.+?)\.import-conflict-\d{8}-\d{6}(?:-\d+)?"),
    # Written by 'otj sync' for an encrypted note changed on both sides (git cannot
    # merge an age file): the other side's version.
    ("otj sync (encrypted)", r"(?P<orig>.+?)\.git-conflict-\d{8}-\d{6}(?:-\d+)?"),
    # OneDrive appends "-COMPUTERNAME" or "-2": only recognisable where the original's
    # name has a known shape (a record id, or "client"), so it is tried last.
    ("OneDrive", rf"(?P<orig>{ID_PATTERN}|client)-(?P<tag>[A-Za-z0-9][A-Za-z0-9_-]*)"),
)
GIT_MARKER = re.compile(rb"^(<<<<<<<|=======|>>>>>>>|\|\|\|\|\|\|\|)(?:[ \t].*)?\r?$", re.M)


@frozen
class CopyName:
    tool: str
    original_stem: str


def conflict_copy(stem: str, client_folder: bool = False) -> CopyName | None:
    """If a file stem is a sync tool's conflict copy, the tool and the original's stem.

    Only stems that are not themselves a plain record id or ``client`` can be copies;
    a copy must name an original of a known shape (so a person's own ``notes (1).toml``
    elsewhere is left alone)."""
    if RECORD_ID.match(stem) or stem == "client":
        return None
    for tool, pattern in _compiled(COPY_PATTERNS):
        m = pattern.match(stem)
        if m and _known_shape(m.group("orig"), client_folder):
            return CopyName(tool, m.group("orig"))
    return None


@cache
def _compiled(patterns: tuple[tuple[str, str], ...]) -> tuple[tuple[str, re.Pattern[str]], ...]:
    return tuple((tool, re.compile(p + r"\Z")) for tool, p in patterns)


def patterns_digest() -> str:
    """A hash of every rule that makes a file name a copy: part of the cache's key."""
    rules = repr((ID_PATTERN, COPY_PATTERNS)).encode()
    return hashlib.sha256(rules).hexdigest()[:16]


def _known_shape(stem: str, client_folder: bool) -> bool:
    """A record id in a records folder; ``client`` only beside client.toml."""
    return stem == "client" if client_folder else bool(RECORD_ID.match(stem))


def git_marker(raw: bytes) -> re.Match[bytes] | None:
    """The first git conflict marker line in a file's bytes. Every note read is asked:
    the regex tries every line, so a plain search for the markers comes first (a
    twentieth of the time, and nearly always the answer)."""
    if (
        b"<<<<<<<" not in raw
        and b"=======" not in raw
        and b">>>>>>>" not in raw
        and b"|||||||" not in raw
    ):
        return None
    return GIT_MARKER.search(raw)


def has_git_markers(raw: bytes) -> bool:
    return git_marker(raw) is not None


def git_sides(raw: bytes) -> tuple[bytes, bytes]:
    """Split a file with git conflict markers into (ours, theirs), both complete files.

    The base section of a diff3 conflict (``|||||||``) is dropped from both."""
    ours: list[bytes] = []
    theirs: list[bytes] = []
    state = "both"
    for line in raw.splitlines(keepends=True):
        marker = line[:7]
        if marker == b"<<<<<<<":
            state = "ours"
            continue
        if marker == b"|||||||" and state == "ours":
            state = "base"
            continue
        if marker == b"=======" and state in ("ours", "base"):
            state = "theirs"
            continue
        if marker == b">>>>>>>" and state == "theirs":
            state = "both"
            continue
        if state in ("both", "ours"):
            ours.append(line)
        if state in ("both", "theirs"):
            theirs.append(line)
    return b"".join(ours), b"".join(theirs)
