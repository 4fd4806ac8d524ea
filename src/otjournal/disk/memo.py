"""A result remembered per client (``Reads.per_client``), and the other commands' results
made while a client's files are parsed anyway.

Each whole-journal command (check, trends, due, client list) remembers one result per
client in the cache, under a fingerprint of that client's files. A first run parses the
files, and the slow part is the parse: rebuilding thousands of records from the cache
costs about as much as reading the files. So while a client's records are in hand, the
results of the other commands are made too ("companions"), and the next command of
another kind finds its own waiting. They are made only for a client with files to parse
(a warm run never pays for them) and only where that result is missing.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from otjournal.disk.layout import RECORD_KINDS
from otjournal.frozen import frozen

if TYPE_CHECKING:
    from otjournal.disk.found import ClientFiles
    from otjournal.disk.loading import Reader, Snapshot

T = TypeVar("T")


@frozen
class Memo(Generic[T]):
    """``compute`` on one client's records; remembered in the cache under ``name`` with
    ``params`` while none of the client's files changes. The cache holds plain data only:
    ``dump`` makes it of a result, ``load`` checks it and rebuilds the result (ValueError,
    TypeError or KeyError for anything else). Without them the result is not remembered.
    Without ``homework`` the client's homework is not read (nor part of the fingerprint)."""

    name: str
    compute: Callable[[Snapshot], T]
    dump: Callable[[T], object] | None = None
    load: Callable[[object], T] | None = None
    params: tuple[object, ...] = ()
    homework: bool = True

    def kinds(self) -> tuple[str, ...]:
        return RECORD_KINDS if self.homework else ("session",)


@dataclass
class Companions:
    """The other results to make for one client: ``files`` is the client scanned for every
    kind they need; ``wanted`` each one's fingerprint, by name."""

    files: ClientFiles
    wanted: dict[str, str]


def companions(
    reader: Reader,
    found: ClientFiles,
    memo: Memo[Any],
    others: Sequence[Memo[Any]],
    under: tuple[object, ...],
) -> Companions | None:
    """The results other than ``memo`` missing for the client ``found`` (scanned for
    ``memo``'s kinds), with the fingerprints each command's own scan would give: each
    is taken from a scan of that command's kinds (made here, before any file is read,
    so a file that changes meanwhile only makes the result miss next time)."""
    scans: dict[tuple[str, ...], ClientFiles | None] = {memo.kinds(): found}
    wanted: dict[str, str] = {}
    for other in others:
        if other.name == memo.name or other.dump is None:
            continue
        kinds = other.kinds()
        if kinds not in scans:
            scans[kinds] = reader.scan_as(found, memo.kinds(), kinds)
        files = scans[kinds]
        fingerprint = files.fingerprint(other.name, *under, *other.params) if files else None
        if fingerprint and not reader.has_memo(other.name, found.handle, fingerprint):
            wanted[other.name] = fingerprint
    widest = scans.get(RECORD_KINDS)
    if not wanted or widest is None:
        return None
    return Companions(widest, wanted)


def read_client(
    reader: Reader,
    found: ClientFiles,
    compute: Callable[[Snapshot], T],
    homework: bool,
    also: Companions | None,
    others: Sequence[Memo[Any]],
) -> tuple[T, Snapshot, dict[str, object]]:
    """One client's records read and ``compute`` on them; with ``also``, every kind is
    read and the companions wanted are made too (dumped, by name). Companions are made
    only when every file read cleanly: otherwise the command reads its own kinds alone,
    so it reports exactly what it would have (a problem in homework is not trends')."""
    if also is not None:
        whole = reader.snapshot(also.files)
        clean = not whole.problems and not whole.conflicts
        made = _made(whole, also, others) if clean else {}
        if also.files is found:  # the command reads every kind itself: nothing to redo
            return compute(whole), whole, made
        if clean:
            mine = whole if homework else without_homework(whole)
            return compute(mine), mine, made
    snap = reader.snapshot(found)
    return compute(snap), snap, {}


def _made(whole: Snapshot, also: Companions, others: Sequence[Memo[Any]]) -> dict[str, object]:
    made = {}
    for other in others:
        if other.name in also.wanted and other.dump is not None:
            part = whole if other.homework else without_homework(whole)
            made[other.name] = other.dump(other.compute(part))
    return made


def without_homework(snap: Snapshot) -> Snapshot:
    """A clean snapshot as reading only client.toml and sessions gives it."""
    from otjournal.disk.loading import Snapshot

    return Snapshot(snap.root, clients=snap.clients, sessions=snap.sessions)
