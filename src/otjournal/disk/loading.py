"""Reading the notes folder: which files there are, what they hold, what could not be read.

Reading goes in two steps. ``Reader.scan`` lists and stats the files (no file is opened),
setting aside sync-conflict copies and symlinks; then each client is read on its own
(``Reader.snapshot``), or only the facts that order and select records are gathered
(``Reader.index``) and just the records shown are read (``Reader.record``). A command
holds one client's records at a time, so memory stays flat however large the folder.

With a cache (cache.py) an unchanged file is never parsed again; without one every file is.
A read never writes to the folder and never creates one; a file that fails to parse is
reported with its place, never rewritten.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from operator import attrgetter
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeAlias, TypeVar, cast

from otjournal.disk.cache import Index, Key, Meta, RecordCache, key_of
from otjournal.disk.parsing import (
    parse_collect,
    parser,
    position,
    read_file,
)
from otjournal.errors import OtjournalError, Problem
from otjournal.model.ids import handle_problem

if TYPE_CHECKING:
    from otjournal.model import Client, HomeworkEntry, Session

    # What one file holds; a ref's ``kind`` says which (the casts below rely on it).
    Record: TypeAlias = Client | Session | HomeworkEntry

CLIENTS = "clients"
CLIENT_FILE = "client.toml"
SESSIONS = "sessions"
HOMEWORK = "homework"
FOLDERS = {"session": SESSIONS, "homework": HOMEWORK}
RECORD_KINDS = ("session", "homework")
PROGRESS_FROM = 1000  # files to parse before a progress bar is worth showing

R = TypeVar("R")
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICRO = timedelta(microseconds=1)
_NAME = attrgetter("name")


@dataclass(frozen=True)
class Loaded(Generic[R]):
    """A record and the file it came from."""

    record: R
    path: Path


@dataclass(frozen=True)
class Conflict:
    """A sync tool's conflict copy (or a file with git conflict markers) set aside."""

    path: Path
    original: Path
    tool: str


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
        self.homework.sort(key=lambda h: (h.record.at, h.record.id))
        self.sessions = first_of_each_id(self.sessions, _client_and_id, self.problems)
        self.homework = first_of_each_id(self.homework, _client_and_id, self.problems)


def _client_and_id(loaded: Loaded[Session] | Loaded[HomeworkEntry]) -> tuple[str, str]:
    return (loaded.record.client, loaded.record.id)


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
    files: list[FileRef]
    problems: list[Problem] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)

    def fingerprint(self, *params: object) -> str | None:
        """Changes whenever any file here changes (or one comes or goes); None when a file
        could not be stat'ed or was set aside, so nothing derived is remembered."""
        if self.problems or self.conflicts or any(f.key is None for f in self.files):
            return None
        h = hashlib.sha256(repr(params).encode())
        for f in self.files:
            h.update(f"{f.where}\0{f.kind}\0{f.key}\n".encode())
        return h.hexdigest()

    def misses(self) -> int:
        return sum(f.meta is None and f.key is not None for f in self.files)


@dataclass
class Scan:
    clients: list[ClientFiles]
    problems: list[Problem]  # about the clients folder itself (misnamed folders)


class Progress(Protocol):
    def start(self, total: int) -> None: ...
    def advance(self) -> None: ...
    def stop(self) -> None: ...


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
        self.root = root
        self.cache = (
            RecordCache(cache_folder, root) if cache_folder is not None and root.is_dir() else None
        )
        self.progress = progress
        self._showing = False
        self._base = str(root)
        self._inside = len(self._base) + 1  # cache rows are keyed by the path inside root
        # Folders whose index in the cache is out of date: written back on close.
        self._stale: list[tuple[str, list[FileRef], Index]] = []

    def __enter__(self) -> Reader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._showing and self.progress is not None:
            self.progress.stop()
            self._showing = False
        if self.cache is not None:
            for folder, refs, known in self._stale:
                now = {f.where.rsplit("/", 1)[1]: (f.key, f.meta) for f in refs if f.meta and f.key}
                gone = [f"{folder}/{name}" for name in known if name not in now]
                self.cache.put_index(folder, now, gone)
            self._stale = []
            self.cache.close()

    # -- step 1: which files there are ----------------------------------------------
    def handles(self) -> list[str]:
        """Handles of client folders, without reading any file."""
        try:
            entries = sorted(os.scandir(self.root / CLIENTS), key=lambda e: e.name)
        except (FileNotFoundError, NotADirectoryError):
            return []
        return [e.name for e in entries if e.is_dir() and not handle_problem(e.name)]

    def scan(
        self, handles: Iterable[str] | None = None, kinds: Sequence[str] = RECORD_KINDS
    ) -> Scan:
        everyone = handles is None
        problems = self._misnamed_folders() if everyone else []
        chosen = self.handles() if handles is None else list(handles)
        if self.cache is not None:
            for handle in [None] if everyone else chosen:
                self.cache.preload(handle)
        clients = [self._scan_client(h, kinds) for h in chosen]
        if self.cache is not None and everyone:
            for gone in self.cache.handles() - set(chosen):
                self.cache.forget_client(gone)
        misses = sum(c.misses() for c in clients)
        if self.progress is not None and misses >= PROGRESS_FROM:
            self.progress.start(misses)
            self._showing = True
        return Scan(clients, problems)

    def _misnamed_folders(self) -> list[Problem]:
        try:
            entries = list(os.scandir(self.root / CLIENTS))
        except (FileNotFoundError, NotADirectoryError):
            return []
        problems = []
        for e in entries:
            if e.name.startswith(".") or not e.is_dir():
                continue
            problem = handle_problem(e.name)
            if problem:
                problems.append(
                    Problem(
                        Path(e.path),
                        f"not read: {problem}",
                        severity="warning",
                        hint="rename the folder to a valid handle",
                    )
                )
        return problems

    def _scan_client(self, handle: str, kinds: Sequence[str]) -> ClientFiles:
        inside = f"{CLIENTS}/{handle}"
        folder = f"{self._base}/{inside}"  # strings, not Paths: a scan makes thousands
        found = ClientFiles(handle, [])
        path = f"{folder}/{CLIENT_FILE}"
        known = self._known(inside)
        try:
            key: Key | None = key_of(os.lstat(path))
        except OSError:
            key = None  # missing: reading it says so
        hit = known.get(CLIENT_FILE)
        found.files.append(FileRef("client", path, key, hit[1] if hit and hit[0] == key else None))
        self._note_folder(inside, found, 0, known)
        try:
            names = sorted(
                n
                for n in os.listdir(folder)
                if n.endswith(".toml") and n != CLIENT_FILE and not n.startswith(".")
            )
        except OSError:
            names = []
        for name in names:
            from otjournal.disk.conflicts import conflict_copy  # only for a stray file: rare

            copy = conflict_copy(name[: -len(".toml")], client_folder=True)
            original = Path(folder, f"{copy.original_stem}.toml" if copy else CLIENT_FILE)
            set_aside(
                found, Conflict(Path(folder, name), original, copy.tool if copy else "unknown tool")
            )
        for kind in kinds:
            self._scan_records(found, kind, f"{inside}/{FOLDERS[kind]}")
        return found

    def _known(self, folder: str) -> Index:
        return self.cache.index(folder) if self.cache is not None else {}

    def _note_folder(self, folder: str, found: ClientFiles, start: int, known: Index) -> None:
        """Remember a folder whose index must be written back (files came, went or changed)."""
        refs = found.files[start:]
        hits = sum(f.meta is not None for f in refs)
        if self.cache is not None and (hits < len(refs) or hits < len(known)):
            self._stale.append((folder, refs, known))

    def _scan_records(self, found: ClientFiles, kind: str, folder: str) -> None:
        absolute = f"{self._base}/{folder}"
        try:
            entries = sorted(os.scandir(absolute), key=_NAME)
        except (FileNotFoundError, NotADirectoryError):
            return
        except OSError as exc:
            found.problems.append(Problem(Path(absolute), f"cannot read folder: {exc.strerror}"))
            return
        known = self._known(folder)
        files, start = found.files, len(found.files)
        for e in entries:  # the hot loop of every read: kept lean
            name = e.name
            if not name.endswith(".toml") or name.startswith("."):
                continue
            if e.is_symlink():
                found.problems.append(
                    Problem(Path(e.path), "not read: a symlink", severity="warning")
                )
                continue
            hit = known.get(name)
            # A name the index holds was a record's when indexed, and whether a name is a
            # conflict copy depends on the name alone: only new names need the patterns.
            if hit is None:
                from otjournal.disk.conflicts import conflict_copy

                copy = conflict_copy(name[:-5])
                if copy is not None:
                    original = Path(absolute, f"{copy.original_stem}.toml")
                    set_aside(found, Conflict(Path(e.path), original, copy.tool))
                    continue
            try:
                st = e.stat(follow_symlinks=False)
            except OSError:
                files.append(FileRef(kind, e.path, None))  # reading it says what is wrong
                continue
            key = (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)
            files.append(FileRef(kind, e.path, key, hit[1] if hit and hit[0] == key else None))
        self._note_folder(folder, found, start, known)

    # -- results remembered per client (cache.py) -------------------------------------
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
        for ref in found.files:
            record = self._read_ref(ref, found.handle, snap)
            if record is None:
                continue
            if ref.kind == "client":
                snap.clients[found.handle] = Loaded(cast("Client", record), ref.path)
            elif ref.kind == "session":
                snap.sessions.append(Loaded(cast("Session", record), ref.path))
            else:
                snap.homework.append(Loaded(cast("HomeworkEntry", record), ref.path))
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

    def record(self, ref: FileRef) -> Record | None:
        """The record of a file ``index`` found readable."""
        if ref.record is not None:
            return ref.record
        return self._read_ref(ref, _handle_of(ref), None)  # the cache, else the file

    def _read_ref(self, ref: FileRef, handle: str, snap: Snapshot | None) -> Record | None:
        if ref.meta is not None and self.cache is not None and ref.key is not None:
            cached = self._cached(ref, handle)
            if cached is not None:
                return cached
        problems = snap.problems if snap is not None else []
        raw = read_file(ref.path, problems, missing_ok=ref.kind != "client")
        if self._showing and self.progress is not None:
            self.progress.advance()
        if raw is None:
            return None
        from otjournal.disk.conflicts import has_git_markers

        if snap is not None and has_git_markers(raw):  # reported by the parser as well
            snap.conflicts.append(Conflict(ref.path, ref.path, "git"))
        parsed = parse_collect(raw, ref.path, parser(ref.kind), problems)
        if parsed is None:
            return None
        table, record = parsed
        owner = owner_of(ref.kind, record)
        if owner != handle:
            problems.append(_misplaced(ref, raw, owner, handle))
            return None
        if self.cache is not None and ref.key is not None:
            ref.meta = meta_of(ref.kind, record)
            self.cache.put(ref.where[self._inside :], ref.key, ref.kind, table)
        return record

    def _cached(self, ref: FileRef, handle: str) -> Record | None:
        """A file's record rebuilt from the table the cache holds, through the same parser
        as the file itself, so it is exactly what parsing the file gives; None (read the
        file) for a row that is not such a table, or whose record is not of this file's
        kind, client and index facts."""
        if self.cache is None or ref.key is None:
            return None  # not asked: the caller has checked both
        row = self.cache.record(ref.where[self._inside :], ref.key)
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


def set_aside(found: ClientFiles, conflict: Conflict) -> None:
    """A conflict copy is never loaded (it would count twice) and never hidden."""
    found.conflicts.append(conflict)
    found.problems.append(
        Problem(
            conflict.path,
            f"a sync conflict copy ({conflict.tool}) of {conflict.original.name}: it is not "
            "counted until resolved",
            line=1,
            column=1,
            hint="run 'otj conflicts' to compare and resolve",
        )
    )


class Filed(Protocol):
    @property
    def path(self) -> Path: ...


F = TypeVar("F", bound=Filed)


def first_of_each_id(items: list[F], id_of: Callable[[F], Any], problems: list[Problem]) -> list[F]:
    """Two files with one id are copies (a sync conflict?): say so, count neither twice."""
    if len(set(map(id_of, items))) == len(items):
        return items  # the usual case, found without a dict of every record
    seen: dict[Any, F] = {}
    keep = []
    for item in items:
        first = seen.get(id_of(item))
        if first is not None:
            problems.append(
                Problem(
                    item.path,
                    f"has the same id as {first.path.name}: a copy (a sync conflict?)",
                    line=1,
                    column=1,
                    hint="compare the two files and keep the right one; only the first counts",
                )
            )
            continue
        seen[id_of(item)] = item
        keep.append(item)
    return keep
