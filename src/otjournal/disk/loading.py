"""Reading the notes folder: which files there are, what they hold, what could not be read.

Reading goes in two steps. ``Reader.scan`` (scan.py) lists and stats the files of one
client at a time (no file is opened), setting aside sync-conflict copies and symlinks;
then each client is read on its own
(``Reader.snapshot``), or only the facts that order and select records are gathered
(``Reader.index``) and just the records shown are read (``Reader.record``). A command
holds one client's records at a time, so memory stays flat however large the folder.

With a cache (cache.py) an unchanged file is never parsed again; without one every file is.
A read never writes to the folder and never creates one; a file that fails to parse is
reported with its place, never rewritten.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Generator, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeAlias, TypeVar, cast

from otjournal.disk.cache import RecordCache, table_of
from otjournal.disk.folderindex import Meta
from otjournal.disk.found import ClientFiles as ClientFiles
from otjournal.disk.found import Conflict as Conflict
from otjournal.disk.found import FileRef as FileRef
from otjournal.disk.parsing import (
    file_position,
    parse_collect,
    parser,
    position,
    read_file,
)

# Where callers have always found the names a read is made of (they live in scan.py).
from otjournal.disk.scan import CLIENT_AGE as CLIENT_AGE
from otjournal.disk.scan import CLIENT_FILE as CLIENT_FILE
from otjournal.disk.scan import CLIENTS as CLIENTS
from otjournal.disk.scan import FOLDERS as FOLDERS
from otjournal.disk.scan import HOMEWORK as HOMEWORK
from otjournal.disk.scan import RECORD_KINDS as RECORD_KINDS
from otjournal.disk.scan import SESSIONS as SESSIONS
from otjournal.disk.scan import Progress as Progress
from otjournal.disk.scan import Scan, Scanner, client_folders, handles
from otjournal.disk.scan import set_aside as set_aside
from otjournal.disk.sealmarks import Marks, digest, seal_path
from otjournal.errors import OtjournalError, Problem

if TYPE_CHECKING:
    from otjournal.disk.memo import Companions
    from otjournal.disk.pool import Learned
    from otjournal.model import Client, HomeworkEntry, Session

    # What one file holds; a ref's ``kind`` says which (the casts below rely on it).
    Record: TypeAlias = Client | Session | HomeworkEntry

R = TypeVar("R")
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICRO = timedelta(microseconds=1)


class Loaded(Generic[R]):
    """A record and the file it came from, compared by both. The path may be given as
    text (a scan's) and is made a Path when first asked: a first run loads every note,
    and a Path costs as much as reading the file."""

    __slots__ = ("_path", "record")
    record: R
    _path: Path | str

    def __init__(self, record: R, path: Path | str) -> None:
        object.__setattr__(self, "record", record)
        object.__setattr__(self, "_path", path)

    @property
    def path(self) -> Path:
        path = self._path
        if isinstance(path, str):
            path = Path(path)
            object.__setattr__(self, "_path", path)
        return path

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Loaded):
            return NotImplemented
        return (self.record, self.path) == (other.record, other.path)

    def __hash__(self) -> int:
        return hash((self.record, self.path))

    def __repr__(self) -> str:
        return f"Loaded(record={self.record!r}, path={self.path!r})"

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"cannot assign to {name!r}: a Loaded is not changed")

    def __reduce__(self) -> tuple[object, ...]:
        return (Loaded, (self.record, self._path))


@dataclass
class Snapshot:
    """Everything read from the folder, plus what could not be read."""

    root: Path
    clients: dict[str, Loaded[Client]] = field(default_factory=dict)
    sessions: list[Loaded[Session]] = field(default_factory=list)
    homework: list[Loaded[HomeworkEntry]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)

    def client_sessions(self, handle: str) -> list[Loaded[Session]]:
        return [s for s in self.sessions if s.record.client == handle]

    def client_homework(self, handle: str) -> list[Loaded[HomeworkEntry]]:
        return [h for h in self.homework if h.record.client == handle]

    def add(self, other: Snapshot) -> None:
        self.clients.update(other.clients)
        self.sessions += other.sessions
        self.homework += other.homework
        self.problems += other.problems
        self.conflicts += other.conflicts

    def settle(self) -> None:
        """Records in time order; a second file of one client with an id already seen is
        not counted. Two clients' notes may share an id (a random suffix per minute): they
        are different notes, not copies."""
        self.sessions.sort(key=lambda s: (s.record.start, s.record.id))
        # By minute and id, as the streamed export orders its rows (disk/exporting.py);
        # what reads entries as a series orders them as written (HomeworkEntry.order).
        self.homework.sort(key=lambda h: (h.record.at, h.record.id))
        self.sessions = first_of_each_id(self.sessions, _client_and_id, self.problems)
        self.homework = first_of_each_id(self.homework, _client_and_id, self.problems)


def _client_and_id(loaded: Loaded[Session] | Loaded[HomeworkEntry]) -> tuple[str, str]:
    return (loaded.record.client, loaded.record.id)


def meta_of(kind: str, record: Record) -> Meta:
    if kind == "client":
        return (0, cast("Client", record).handle, 0)
    moment = (
        cast("Session", record).start if kind == "session" else cast("HomeworkEntry", record).at
    )
    return (
        (moment - _EPOCH) // _MICRO,
        cast("Session | HomeworkEntry", record).id,
        moment.toordinal(),
    )


def owner_of(kind: str, record: Record) -> str:
    """The client a record belongs to: the folder it must be in."""
    if kind == "client":
        return cast("Client", record).handle
    return cast("Session | HomeworkEntry", record).client


class Reader:
    """Reads one notes folder, through the cache when there is one. Use it in a ``with``:
    closing commits what the cache learned."""

    def __init__(
        self, root: Path, cache_folder: Path | None = None, progress: Progress | None = None
    ) -> None:
        from otjournal.disk.keys import encrypted, lock_of

        self.root = root
        # An encrypted journal is read only by a device that holds one of its keys (told
        # so at once, before any file is read), and its cache keeps no note text.
        lock = lock_of(root) if encrypted(root) else None
        self.cache = (
            RecordCache(cache_folder, root, lock)
            if cache_folder is not None and root.is_dir()
            else None
        )
        self.progress = progress
        # The session files parsed here (or by workers), marked for the next check.
        self.marks = (
            Marks(root, cache_folder)
            if self.cache is not None and cache_folder is not None
            else None
        )
        self._base = str(root)
        self._inside = len(self._base) + 1  # cache rows are keyed by the path inside root
        self._scanner = Scanner(root, self.cache, locked=lock is not None)
        self._scans: list[Generator[ClientFiles, None, None]] = []
        # In a worker (pool.py): what each parse gave, for the parent to cache; and the
        # cache's rows (kind and table, by path) of a client it rebuilds from them.
        self.learned: list[Learned] | None = None
        self.given: dict[str, tuple[Any, Any]] | None = None

    def __enter__(self) -> Reader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        for scan in self._scans:
            scan.close()  # a scan left before its last client: its bar goes
        self._scanner.write_back()
        if self.cache is not None:
            self.cache.close()
        if self.marks is not None:
            self.marks.close()

    # -- step 1: which files there are (scan.py) ----------------------------------------
    def handles(self) -> list[str]:
        """Handles of client folders, without reading any file."""
        return handles(self.root)

    def scan(
        self, chosen: Iterable[str] | None = None, kinds: Sequence[str] = RECORD_KINDS
    ) -> Scan:
        """The clients given (or all), one at a time: read each client's files (with
        ``snapshot``, ``index`` or ``record``) before asking for the next."""
        everyone = chosen is None
        listed, problems = client_folders(self.root) if everyone else (list(chosen or ()), [])
        if self.cache is not None and everyone:
            for gone in self.cache.handles() - set(listed):
                self.cache.forget_client(gone)
        each = self._scanner.each(listed, kinds, self.progress)
        self._scans.append(each)
        return Scan(each, problems, len(listed))

    def rescan(self, handle: str, kinds: Sequence[str]) -> ClientFiles | None:
        """One client scanned again for other kinds, during a scan (no progress bar);
        None if the client is gone. Its folders' indexes are written with the scan's
        next ones (``Scanner.write_back``), once what is read of them is known."""
        each = self._scanner.each([handle], kinds, None)
        found = next(each, None)
        each.close()  # before its own write-back: the files are not read yet
        return found

    def scan_as(
        self, found: ClientFiles, scanned: Sequence[str], kinds: Sequence[str]
    ) -> ClientFiles | None:
        """The client ``found`` (by a scan of the kinds ``scanned``) as a scan of other
        ``kinds`` finds it: ``rescan``, but a clean scan's folders are not listed again,
        as each folder is scanned by itself (a first run's parent took ~0.4 s at 10,000
        sessions scanning every client's sessions twice)."""
        if not (found.problems or found.conflicts):
            if set(kinds) <= set(scanned):
                return found.narrowed(kinds)
            if tuple(kinds[: len(scanned)]) == tuple(scanned):  # the same order of files
                return self._scanner.widened(found, kinds[len(scanned) :])
        return self.rescan(found.handle, kinds)

    # -- results remembered per client (cache.py) -------------------------------------
    def has_memo(self, name: str, handle: str, fingerprint: str) -> bool:
        return self.cache is not None and self.cache.has_memo(name, handle, fingerprint)

    def memo(self, name: str, handle: str, fingerprint: str | None) -> object:
        if self.cache is None or fingerprint is None:
            return None
        return self.cache.memo(name, handle, fingerprint)

    def remember(self, name: str, handle: str, fingerprint: str, value: object) -> None:
        if self.cache is not None:
            self.cache.remember(name, handle, fingerprint, value)

    # -- step 2: what they hold -------------------------------------------------------
    def snapshot(self, found: ClientFiles) -> Snapshot:
        """One client's records, all read (from the cache where unchanged)."""
        snap = Snapshot(self.root, problems=list(found.problems), conflicts=list(found.conflicts))
        if self.cache is not None:  # the rows _read_ref asks for, in one query
            wanted = {}
            for ref in found.files:
                if ref.meta is not None and ref.key is not None:
                    wanted[ref.where[self._inside :]] = ref.key
            self.cache.fetch(wanted)
        for ref in found.files:
            record = self._read_ref(ref, found.handle, snap)
            if record is None:
                continue
            path = ref.where  # a Path only when asked (Loaded.path)
            if ref.kind == "client":
                snap.clients[found.handle] = Loaded(cast("Client", record), path)
            elif ref.kind == "session":
                snap.sessions.append(Loaded(cast("Session", record), path))
            else:
                snap.homework.append(Loaded(cast("HomeworkEntry", record), path))
        snap.settle()
        return snap

    def index(self, found: ClientFiles, into: Snapshot) -> list[FileRef]:
        """The readable files of one client with their facts (``meta``), without holding
        their records; problems go ``into`` the snapshot given."""
        into.problems += found.problems
        into.conflicts += found.conflicts
        readable = []
        for ref in found.files:
            if ref.meta is None:
                record = self._read_ref(ref, found.handle, into)
                if record is None:
                    continue
                if self.cache is None:
                    ref.record = record
                ref.meta = meta_of(ref.kind, record)
            readable.append(ref)
        return readable

    def warm(self, handle: str, kinds: Sequence[str]) -> int:
        """Parse into the cache the files of one client of these kinds that it lacks,
        keeping nothing: a first run of a command that reads only sessions leaves the
        client's homework parsed too, for the next command that reads it. How many
        files that parsed."""
        if self.cache is None:
            return 0
        found = self.rescan(handle, kinds)
        misses = found.misses() if found is not None else 0
        if found is not None and misses:
            self.index(found, Snapshot(self.root))
        return misses

    def record(self, ref: FileRef) -> Record | None:
        """The record of a file ``index`` found readable."""
        if ref.record is not None:
            return ref.record
        return self._read_ref(ref, _handle_of(ref), None)  # the cache, else the file

    def _read_ref(self, ref: FileRef, handle: str, snap: Snapshot | None) -> Record | None:
        if ref.meta is not None and (self.cache is not None or self.given is not None):
            cached = self._cached(ref, handle)
            if cached is not None:
                return cached
        problems = snap.problems if snap is not None else []
        where = ref.where  # as text: a Path is made only for a problem
        raw = read_file(where, problems, missing_ok=ref.kind != "client")
        if raw is None:
            return None
        parsed = parse_collect(raw, where, parser(ref.kind), problems)
        if parsed is None:
            # A file with git's markers never parses (the parser says where they are):
            # only a file that did not is looked for them, to set it aside as well.
            from otjournal.disk.conflicts import has_git_markers

            if snap is not None and has_git_markers(raw):
                snap.conflicts.append(Conflict(ref.path, ref.path, "git"))
            return None
        table, record = parsed
        owner = owner_of(ref.kind, record)
        if owner != handle:
            problems.append(_misplaced(ref, raw, owner, handle))
            return None
        if ref.key is None:
            return record
        inside = ref.where[self._inside :]
        # A session's size and hash, for the seal check's marks: only where they are kept.
        keeps = self.marks is not None or self.learned is not None
        content = digest(raw) if ref.kind == "session" and keeps else ""
        if self.cache is not None:
            ref.meta = meta_of(ref.kind, record)
            self.cache.put(inside, ref.key, ref.kind, table)
            if content and self.marks is not None:
                self.marks.add(seal_path(inside, os.sep), ref.key, content)
        elif self.learned is not None:
            from otjournal.disk.pool import learned_row

            ref.meta = meta_of(ref.kind, record)
            row = learned_row(inside, ref.key, ref.kind, table, ref.meta, content)
            if row is not None:
                self.learned.append(row)
        return record

    def learn_files(self, handle: str, kinds: Sequence[str]) -> None:
        """In a worker: parse one client's files of these kinds, keeping only what the
        parent is to cache (``warm``'s work, done where the parsing is)."""
        found = self.rescan(handle, kinds)
        for ref in found.files if found is not None else ():
            self._read_ref(ref, handle, None)

    def absorb(
        self,
        found: ClientFiles,
        learned: list[Learned],
        warm: Sequence[str],
        whole: Companions | None = None,
    ) -> None:
        """In the parent: what a worker parsed of this client goes into the cache, as if
        read here (records, and each folder's index when the reader closes); a file
        changed since the worker read it (another key) is left to be read next time. A
        file the cache knows was parsed only if its row did not serve (``Reader.given``):
        that row is written again, as a read here writes it.
        ``whole``: the worker read the client's files of every kind, as scanned there.
        The files of the ``warm`` kinds are those the worker parsed, as it stat'ed them
        (not listed and stat'ed again here); one that did not parse is in no index, as
        before, so the next command reads it."""
        if self.cache is None:
            return
        rows = {row[0]: row for row in learned}
        refs = list(found.files)
        if whole is not None:
            if whole.files is not found:  # else the same files
                refs += whole.files.files
        elif warm:
            kinds = set(warm)
            refs += [
                FileRef(row[2], f"{self._base}/{row[0]}", row[1])
                for row in learned
                if row[2] in kinds
            ]
        for ref in refs:
            row = rows.get(ref.where[self._inside :])
            if row is not None and row[1] == ref.key:
                ref.meta = row[4]
                self.cache.put_text(row[0], row[1], row[2], row[3])
                if row[5] and self.marks is not None:
                    self.marks.add(seal_path(row[0], os.sep), row[1], row[5])
        self._scanner.reindex(refs)

    def stored(self, found: ClientFiles) -> dict[str, tuple[Any, Any]]:
        """The cache's rows of a client's files, as ``given`` takes them in a worker."""
        if self.cache is None:
            return {}
        return self.cache.stored(
            {
                f.where[self._inside :]: f.key
                for f in found.files
                if f.meta is not None and f.key is not None
            }
        )

    def _cached(self, ref: FileRef, handle: str) -> Record | None:
        """A file's record rebuilt from the table the cache holds, through the same parser
        as the file itself, so it is exactly what parsing the file gives; None (read the
        file) for a row that is not such a table, or whose record is not of this file's
        kind, client and index facts."""
        if ref.key is None:
            return None  # not asked: the caller has checked
        inside = ref.where[self._inside :]
        if self.given is not None:  # in a worker: as the parent's cache held it
            row = table_of(self.given.get(inside))
        elif self.cache is not None:
            row = self.cache.record(inside, ref.key)
        else:
            return None
        if row is None or row[0] != ref.kind:
            return None
        try:
            record = parser(ref.kind)(row[1])
        except OtjournalError:  # not valid: a row this cache did not write
            return None
        if owner_of(ref.kind, record) != handle or meta_of(ref.kind, record) != ref.meta:
            return None
        return record


def _handle_of(ref: FileRef) -> str:
    return ref.path.parent.name if ref.kind == "client" else ref.path.parent.parent.name


def _misplaced(ref: FileRef, raw: bytes, owner: str, handle: str) -> Problem:
    from otjournal.model.ids import shown  # rare: only for a file in the wrong folder

    if ref.kind == "client":
        return Problem(
            ref.path,
            f"handle = {shown(owner)} does not match its folder {handle!r}",
            *position(raw, "handle"),
            hint="make the handle match the folder name",
        )
    return Problem(
        ref.path,
        f"client = {shown(owner)}, but the file is in clients/{handle}/",
        *position(raw, "client"),
        hint="move the file or fix the client key",
    )


class Filed(Protocol):
    @property
    def path(self) -> Path: ...


F = TypeVar("F", bound=Filed)


def first_of_each_id(items: list[F], id_of: Callable[[F], Any], problems: list[Problem]) -> list[F]:
    """Two files with one id are copies (a sync conflict?): say so, count neither twice.
    The one that counts is the file named for its id (``<id>.toml``, as otjournal names
    it), else the first: never a copy by the order of names."""
    if len(set(map(id_of, items))) == len(items):
        return items  # the usual case, found without a dict of every record
    counts: dict[Any, F] = {}
    for item in items:
        key = id_of(item)
        held = counts.get(key)
        if held is None or (_named_for(item.path, key) and not _named_for(held.path, key)):
            counts[key] = item
    keep = []
    for item in items:
        first = counts[id_of(item)]
        if item is first:
            keep.append(item)
            continue
        problems.append(
            Problem(
                item.path,
                f"has the same id as {first.path.name}: a copy (a sync conflict?)",
                *file_position(item.path, "id"),
                hint=f"compare the two files and keep the right one; only {first.path.name} counts",
            )
        )
    return keep


def _named_for(path: Path, key: Any) -> bool:
    """Whether a file is named for the id ``key`` holds (an id, or (client, id)):
    ``<id>.toml``, or ``<id>.toml.age`` encrypted, and nothing more (``<id>.old.toml``,
    a copy someone kept, is not the note)."""
    ident = key[-1] if isinstance(key, tuple) else key
    return isinstance(ident, str) and path.name in (f"{ident}.toml", f"{ident}.toml.age")
