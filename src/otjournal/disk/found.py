"""What a scan finds (scan.py): a client's files, each a ``FileRef``, the sync-conflict
copies set aside, and the records folders exactly as the cache indexed them, whose
FileRefs are made only when asked for (folderparts.py)."""

from __future__ import annotations

import hashlib
import heapq
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from otjournal.disk.folderindex import Key, Meta, index_columns, load_index
from otjournal.errors import Problem
from otjournal.frozen import frozen

if TYPE_CHECKING:
    from otjournal.disk.loading import Record
    from otjournal.disk.prefetch import Frames


@frozen
class Conflict:
    """A sync tool's conflict copy (or a file with git conflict markers) set aside."""

    path: Path
    original: Path
    tool: str


@dataclass(slots=True)
class FileRef:
    """A file found by a scan: its kind, identity, and what the cache knows of it."""

    kind: str  # "client", "session" or "homework"
    where: str  # the path as a string: a scan makes thousands, Path objects cost
    key: Key | None
    meta: Meta | None = None  # from the cache when the key matched, or once parsed
    record: Record | None = None  # kept by ``index`` only when no cache can find it

    @property
    def path(self) -> Path:
        return Path(self.where)

    @property
    def id(self) -> str:
        # Only asked of a ref ``index`` gave (its meta is set); no check in this hot path.
        return self.meta[1]  # type: ignore[index]

    @property
    def day(self) -> date:
        return date.fromordinal(self.meta[2])  # type: ignore[index]  # as ``id``


@dataclass
class ClientFiles:
    """One client folder as a scan found it (client.toml first, records by name)."""

    handle: str
    # The files the scan made a FileRef for: client.toml, and every records folder but
    # those ``deferred`` (``files`` is all of them).
    refs: list[FileRef]
    problems: list[Problem] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    # Files in the record folders that others can read (mode & 0o077), with their mode:
    # the scan stats them anyway, so 'check' need not again (permissions.Covered).
    wide: list[tuple[str, int]] = field(default_factory=list)
    # Record folders listed whole that hold no folder: 'check' need not list them again.
    listed: list[str] = field(default_factory=list)
    # Each records folder holding notes, in scan order: its kind, path and part of the
    # fingerprint (folderparts.py; None when a note could not be stat'ed), or the frames
    # the part is made of, when asked (``folder_parts``): ``list`` and ``show`` never ask.
    parts: list[tuple[str, str, bytes | Frames | None]] = field(default_factory=list)
    # Folders exactly as their cache index says (folderparts.as_indexed), each with where
    # its FileRefs go in ``refs``: made only when ``files`` is asked for.
    deferred: list[tuple[int, Unchanged]] = field(default_factory=list)

    @property
    def files(self) -> list[FileRef]:
        """Every file found, in scan order (the deferred folders' FileRefs made now)."""
        if self.deferred:
            for at, folder in reversed(self.deferred):  # each place is before the next's
                self.refs[at:at] = folder.refs()
            self.deferred = []
        return self.refs

    def folder_parts(self) -> list[tuple[str, str, bytes | None]]:
        """``parts``, each made now if it was not (and kept)."""
        from otjournal.disk.folderparts import part_of_frames

        for at, (kind, folder, piece) in enumerate(self.parts):
            if piece is not None and not isinstance(piece, bytes):
                self.parts[at] = (kind, folder, part_of_frames(kind, folder, piece))
        return self.parts  # type: ignore[return-value]  # every piece is bytes or None now

    def fingerprint(self, *params: object) -> str | None:
        """Changes whenever any file here changes (or one comes or goes); None when a file
        could not be stat'ed or was set aside, so nothing derived is remembered. Made of
        the folders' parts: no file is looked at here (every warm read makes one)."""
        own = self.refs[0]  # client.toml, or client.toml.age
        if self.problems or self.conflicts or own.key is None:
            return None
        h = hashlib.sha256(repr((params, own.where, own.key)).encode(errors="surrogateescape"))
        for _, _, piece in self.folder_parts():
            if piece is None:
                return None
            h.update(piece)
        return h.hexdigest()

    def narrowed(self, kinds: Sequence[str]) -> ClientFiles:
        """What a scan of fewer ``kinds`` finds of this client, scanned cleanly (no
        problem, no copy set aside): each folder is scanned by itself, so its part of
        the fingerprint, its files and what was noted of them are the same."""
        from otjournal.disk.layout import FOLDERS

        home = self.refs[0].where.rpartition("/")[0]
        gone = tuple(f"{home}/{FOLDERS[k]}/" for k in FOLDERS if k not in kinds)
        kept = [r.kind == "client" or r.kind in kinds for r in self.refs]
        return ClientFiles(
            self.handle,
            [r for r, keep in zip(self.refs, kept, strict=True) if keep],
            wide=[w for w in self.wide if not w[0].startswith(gone)],
            listed=[f for f in self.listed if not f"{f}/".startswith(gone)],
            parts=[p for p in self.parts if p[0] in kinds],
            deferred=[(sum(kept[:at]), u) for at, u in self.deferred if u.kind in kinds],
        )

    def misses(self) -> int:
        """Files the cache does not know (a deferred folder's are all known)."""
        return sum(f.meta is None and f.key is not None for f in self.refs)


class Unchanged:
    """A records folder the prefetch child found exactly as its cache index says."""

    __slots__ = ("folder", "frames", "kind", "row")

    def __init__(self, kind: str, folder: str, frames: Frames, row: tuple[bytes, str]) -> None:
        self.kind, self.folder, self.frames, self.row = kind, folder, frames, row

    def refs(self) -> list[FileRef]:
        known = load_index(*self.row)  # as_indexed checked that it loads
        kind, folder = self.kind, self.folder
        return [
            FileRef(kind, f"{folder}/{name}", key, known[name][1])
            for name, key, _ in self.frames.notes()
        ]

    def latest(
        self, since: date | None, until: date | None, last: int | None, older: int | None = None
    ) -> tuple[int, list[FileRef]] | None:
        """How many notes the folder holds, and the FileRefs of those within the dates
        in time order (``last``: the latest N), picked from the index's columns: the
        others are never made. ``older``: a moment every note before which is left out
        (the latest N of other folders are all later). None when two notes share an id
        (the scan's general path says which is a copy)."""
        numbers, text = self.row
        n = len(numbers) // 48  # as_indexed checked the row
        parts = text.split("\0")
        ids = parts[n:]
        if len(set(ids)) < n:
            return None
        unsigned, signed = index_columns(numbers, n)
        if older is not None and n and max(signed[2 * n : 3 * n]) < older:
            return n, []  # most folders, once the latest N are known: nothing more made
        # (moment, id, day, place): in the order of the facts (folderindex.Meta), ids unique
        facts = zip(signed[2 * n : 3 * n], ids, signed[3 * n :], range(n), strict=True)
        if since is not None or until is not None:
            low = since.toordinal() if since is not None else 0
            high = until.toordinal() if until is not None else sys.maxsize
            facts = (f for f in facts if low <= f[2] <= high)  # type: ignore[assignment]
        picked = sorted(facts) if last is None else heapq.nlargest(last, facts)[::-1]
        kind, folder = self.kind, self.folder
        return n, [
            FileRef(
                kind,
                f"{folder}/{parts[at]}",
                (unsigned[at], signed[at], signed[n + at], unsigned[n + at]),
                (moment, id, day),
            )
            for moment, id, day, at in picked
        ]
