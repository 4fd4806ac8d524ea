"""The notes folder: layout, file naming and safe writes. Reading is in loading.py.

Layout (docs/format.md)::

    <notes>/clients/<handle>/client.toml
    <notes>/clients/<handle>/sessions/YYYY-MM-DD_HHMM_<suffix>.toml
    <notes>/clients/<handle>/homework/YYYY-MM-DD_HHMM_<suffix>.toml

Only this module and loading.py open journal files. A read never writes and never
creates a folder; a file that fails to parse is reported, never rewritten.

The writing modules (fsio, tomlio) and the model's classes are imported by the methods
that need them, so a command that only reads (``otj list``) never loads them.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime
from operator import attrgetter
from pathlib import Path
from random import Random
from typing import TYPE_CHECKING, TypeVar, cast

from otjournal.disk.loading import (
    CLIENT_FILE,
    CLIENTS,
    HOMEWORK,
    MAX_FILE_BYTES,
    RECORD_KINDS,
    SESSIONS,
    Loaded,
    Progress,
    Reader,
    Snapshot,
    first_of_each_id,
    parse_record_bytes,
    too_large,
)
from otjournal.errors import NotFoundError, OtjournalError, Problem, StoreError, UsageError
from otjournal.model.ids import handle_problem, new_suffix, record_id, shown

if TYPE_CHECKING:
    from otjournal.disk.fsio import Fingerprint
    from otjournal.disk.seals import Seal
    from otjournal.model import Client, HomeworkEntry, Session

T = TypeVar("T")
W = TypeVar("W", "Session", "HomeworkEntry")  # a record written under a fresh id
# The name part of an imported entry kept beside one with its id (conflicts.py knows it).
IMPORT_CONFLICT = "import-conflict"


@dataclass(frozen=True)
class Imported:
    """What became of one imported entry: "added", "same" (already here, skipped) or
    "conflict" (another entry here has its id: kept beside it, see ``otj conflicts``)."""

    outcome: str
    saved: Loaded[HomeworkEntry] | None


def _content_of_file(path: Path) -> object:
    from otjournal.disk.sharing import content
    from otjournal.model import HomeworkEntry

    try:
        return content(parse_record_bytes(path.read_bytes(), path, HomeworkEntry.from_dict))
    except (OSError, OtjournalError):
        return None  # unreadable: not the same; check reports it


BeforePublish = Callable[[Path, bytes], None]
_META = attrgetter("meta")  # (moment, id, day): records sort by it, see cache.Meta


def validate_handle(handle: str) -> str:
    problem = handle_problem(handle)
    if problem:
        raise UsageError(problem)  # the value is not echoed: it may be note text
    return handle


class Journal:
    """One notes folder."""

    def __init__(
        self, root: Path, cache_folder: Path | None = None, progress: Progress | None = None
    ) -> None:
        self.root = root
        # Where a derived cache of parsed records may live (outside the notes folder);
        # None: parse every file every time.
        self.cache_folder = cache_folder
        self.progress = progress  # shown when a read must parse thousands of files
        # Seals that could not be recorded after a write (the note itself was saved):
        # the command says so; 'otj check' then lists the note as unsealed.
        self.seal_failures: list[str] = []
        self._seal_log: Path | None = None  # this device's seal log, once known

    # -- paths ----------------------------------------------------------------
    @property
    def clients_dir(self) -> Path:
        return self.root / CLIENTS

    def client_dir(self, handle: str) -> Path:
        return self.clients_dir / validate_handle(handle)

    def client_file(self, handle: str) -> Path:
        return self.client_dir(handle) / CLIENT_FILE

    def exists(self) -> bool:
        return self.root.is_dir()

    def _writable_dir(
        self, *parts: str, create: bool = True, created: list[Path] | None = None
    ) -> Path:
        """A folder inside the notes folder, ready to be written into: every folder on the
        way down is a real folder (never a symlink out) and private (fsio.private_folder)."""
        from otjournal.disk import fsio

        return fsio.private_folder(
            self.root, *parts, create=create, private_base=True, created=created
        )

    def _folder_of(self, path: Path) -> Path:
        """The folder of a file inside the notes folder, checked on the way down like any
        folder written into (never created here)."""
        self._inside(path)
        try:
            rel = path.parent.relative_to(self.root)
        except ValueError:  # the same file named another way (an absolute path)
            real_root = os.path.realpath(self.root)
            rel = Path(os.path.relpath(os.path.realpath(path.parent), real_root))
        return self._writable_dir(*rel.parts, create=False)

    # -- writes ----------------------------------------------------------------
    def add_client(self, client: Client) -> Path:
        from otjournal.disk import fsio, tomlio

        validate_handle(client.handle)
        data = tomlio.dumps(client.to_dict())
        created: list[Path] = []
        folder = self._writable_dir(CLIENTS, client.handle, created=created)
        try:
            if (folder / CLIENT_FILE).exists():
                raise UsageError(f"a client {client.handle!r} already exists")
            return fsio.create_new(folder, lambda attempt: (CLIENT_FILE, data))
        except BaseException:
            # A client folder without client.toml is what 'check' rejects: take back the
            # folders made here (only those, and only while empty).
            fsio.remove_empty(created)
            raise

    def read_client(self, handle: str) -> tuple[Client, Fingerprint]:
        from otjournal.disk import fsio
        from otjournal.model import Client

        path = self.client_file(validate_handle(handle))  # a handle is only echoed if valid
        try:
            raw, fp = fsio.read_with_fingerprint(path, MAX_FILE_BYTES)
        except FileNotFoundError:
            raise NotFoundError(
                f"no client {handle!r} in {self.root}",
                hint="'otj client list' shows the clients; 'otj client add' adds one",
            ) from None
        except OSError as exc:
            raise StoreError(f"cannot read: {exc.strerror}", path=path) from None
        client = parse_record_bytes(raw, path, Client.from_dict)
        if client.handle != handle:
            raise StoreError(
                f"the file says handle = {shown(client.handle)}, but it is in the folder "
                f"{handle!r}",
                path=path,
                hint="make the handle match its folder name",
            )
        return client, fp

    def save_client(self, client: Client, expected: Fingerprint) -> Path:
        from otjournal.disk import fsio, tomlio

        path = self.client_file(client.handle)
        self._writable_dir(CLIENTS, client.handle, create=False)
        fsio.replace_checked(path, tomlio.dumps(client.to_dict()), expected, MAX_FILE_BYTES)
        return path

    def add_session(
        self,
        session: Session,
        *,
        rng: Random | None = None,
        durable: bool = True,
        before_publish: BeforePublish | None = None,
    ) -> Loaded[Session]:
        """Save a new session under a fresh id; returns it with the id it was given.
        ``before_publish(path, data)`` is told each name and its bytes just before they
        are published (a draft records them).

        Amendments it already carries (a copy kept as a session of its own) are appended
        one by one, so their hash chain holds in the new file."""
        if not session.amendments:
            saved = self._add_record(
                session, SESSIONS, session.start, rng, durable, before_publish=before_publish
            )
            self.seal(saved.path, "saved", durable=durable)
            return saved
        from otjournal.disk import amend

        def finish(data: bytes) -> bytes:
            for a in session.amendments:
                data = amend.append(data, a)
            return data

        bare = replace(session, amendments=())
        saved = self._add_record(
            bare, SESSIONS, session.start, rng, durable, finish, before_publish
        )
        self.seal(saved.path, "saved", durable=durable)
        return Loaded(replace(saved.record, amendments=session.amendments), saved.path)

    def add_homework(
        self,
        entry: HomeworkEntry,
        *,
        rng: Random | None = None,
        durable: bool = True,
        before_publish: BeforePublish | None = None,
    ) -> Loaded[HomeworkEntry]:
        return self._add_record(
            entry, HOMEWORK, entry.at, rng, durable, before_publish=before_publish
        )

    # -- whole files: amendments and conflict resolution ------------------------
    def read_session_file(self, path: Path) -> tuple[bytes, Fingerprint, Session]:
        from otjournal.disk import fsio
        from otjournal.model import Session

        try:
            raw, fp = fsio.read_with_fingerprint(path, MAX_FILE_BYTES)
        except OSError as exc:
            raise StoreError(f"cannot read: {exc.strerror}", path=path) from None
        return raw, fp, parse_record_bytes(raw, path, Session.from_dict)

    def replace_file(
        self, path: Path, data: bytes, expected: Fingerprint, why: str = "amended"
    ) -> None:
        """Replace a file inside the notes folder if it is unchanged since it was read
        (a session is sealed again: ``why`` says what changed)."""
        from otjournal.disk import fsio

        self._folder_of(path)
        fsio.replace_checked(path, data, expected, MAX_FILE_BYTES)
        if path.parent.name == SESSIONS:
            self.seal(path, why, data=data)

    # -- seals: a witness of each finished session (seals.py) ---------------------
    def seal(
        self, path: Path, why: str, *, data: bytes | None = None, durable: bool = True
    ) -> bool:
        """Record a session file's bytes in this device's seal log (after every write).
        A failure does not undo the write: it is noted in ``seal_failures``."""
        from otjournal.disk import seals
        from otjournal.paths import state_dir

        try:
            if data is None:
                with open(path, "rb") as fh:
                    data = fh.read()
            rel = path.relative_to(self.root).as_posix()
            if self._seal_log is None:
                folder = self._writable_dir(*seals.FOLDER)
                self._seal_log = folder / seals.log_name(seals.device_id(state_dir()), self.root)
            seals.append(self._seal_log, seals.seal_of(rel, data, why), durable=durable)
        except (OSError, ValueError) as exc:
            self.seal_failures.append(f"could not record the seal of {path.name}: {exc}")
            return False
        except StoreError as exc:
            self.seal_failures.append(exc.message)
            return False
        return True

    def seal_logs(self) -> list[Seal]:
        """Every device's seals (a read: nothing is created)."""
        from otjournal.disk import seals

        return seals.read_all(self.root)

    def set_aside(self, path: Path, stamp: str) -> Path:
        """Move a file out of the way into ``.otjournal/resolved/STAMP/`` (recoverable,
        inside the notes folder, never loaded). Never deletes."""
        from otjournal.disk import fsio

        self._folder_of(path)
        rel = path.relative_to(self.root)
        target_dir = self._writable_dir(".otjournal", "resolved", stamp, *rel.parts[:-1])
        target = target_dir / rel.name
        n = 1
        while target.exists():
            n += 1
            target = target_dir / f"{path.stem}.{n}{path.suffix}"
        try:
            os.rename(path, target)
            if not target.is_symlink():
                os.chmod(target, 0o600)
            fsio.fsync_dir(target_dir)
            fsio.fsync_dir(path.parent)
        except OSError as exc:
            raise StoreError(
                f"could not move {path.name} aside: {exc.strerror}", path=path
            ) from None
        return target

    def _inside(self, path: Path) -> None:
        real_root = os.path.realpath(self.root)
        if os.path.commonpath([real_root, os.path.realpath(path)]) != real_root:
            raise StoreError("refusing to touch a file outside the notes folder", path=path)

    def _existing_client(self, handle: str) -> str:
        """Records are only ever added for a client that exists."""
        if not self.client_file(validate_handle(handle)).is_file():
            raise NotFoundError(
                f"no client {handle!r} in {self.root}",
                hint=f"add the client first: otj client add {handle}",
            )
        return handle

    def import_bytes(self, entry: HomeworkEntry) -> bytes:
        """The file an imported entry becomes, checked by the loader's own rules (its size
        cap, then a parse of the very bytes) before anything is written."""
        from otjournal.disk import tomlio
        from otjournal.model import HomeworkEntry

        data = tomlio.framed(tomlio.dumps(entry.to_dict()))
        big = too_large(len(data))
        if big:
            raise StoreError(
                f"this entry would be a file {big}, which otjournal does not read",
                hint="ask for an export without it, or shorten it where it was written",
            )
        folder = self.client_dir(validate_handle(entry.client)) / HOMEWORK
        parse_record_bytes(data, folder / f"{entry.id}.toml", HomeworkEntry.from_dict)
        return data

    def import_homework(self, entry: HomeworkEntry, now: datetime | None = None) -> Imported:
        """Add an entry shared from elsewhere under its own id. Never overwrites, never
        drops: an entry already here (under any id or file name, as after 'keep both')
        is skipped ("same"); one whose id is taken by other content is kept beside it as
        a conflict copy that ``otj conflicts`` shows and resolves ("conflict")."""
        from otjournal.disk import fsio
        from otjournal.disk.sharing import content as _content

        data = self.import_bytes(entry)
        handle = self._existing_client(entry.client)
        snap = self.load([handle])
        records = [h.record for h in snap.client_homework(handle)]
        copies = [c.path for c in snap.conflicts if c.original.name == f"{entry.id}.toml"]
        mine = _content(entry)
        if any(_content(r) == mine for r in records) or any(
            _content_of_file(p) == mine for p in copies
        ):
            return Imported("same", None)
        folder = self._writable_dir(CLIENTS, handle, HOMEWORK)
        if not copies and all(r.id != entry.id for r in records):
            path = fsio.create_named(folder, f"{entry.id}.toml", data)
            if path is not None:
                return Imported("added", Loaded(entry, path))
        # The id is taken (by another entry, or a file that could not be read): keep both.
        stamp = f"{now or datetime.now():%Y%m%d-%H%M%S}"
        for n in range(1, fsio.MAX_NAME_TRIES + 1):
            name = f"{entry.id}.{IMPORT_CONFLICT}-{stamp}{'' if n == 1 else f'-{n}'}.toml"
            path = fsio.create_named(folder, name, data)
            if path is not None:
                return Imported("conflict", Loaded(entry, path))
        raise StoreError(f"could not find a free file name in {folder}", path=folder)

    def _add_record(
        self,
        record: W,
        kind: str,
        when: datetime,
        rng: Random | None,
        durable: bool,
        finish: Callable[[bytes], bytes] | None = None,
        before_publish: BeforePublish | None = None,
    ) -> Loaded[W]:
        from otjournal.disk import fsio, tomlio

        handle = self._existing_client(record.client)
        folder = self._writable_dir(CLIENTS, handle, kind)
        made: dict[int, W] = {}

        def make(attempt: int) -> tuple[str, bytes]:
            rid = record_id(when, new_suffix(rng))
            made[attempt] = replace(record, id=rid)
            data = tomlio.framed(tomlio.dumps(made[attempt].to_dict()))
            if finish:
                data = finish(data)
            if before_publish:
                before_publish(folder / f"{rid}.toml", data)
            return f"{rid}.toml", data

        path = fsio.create_new(folder, make, durable=durable)
        saved = made[max(made)]
        return Loaded(saved, path)

    # -- reads -----------------------------------------------------------------
    def reader(self) -> Reader:
        """Reads the folder (loading.py), through the derived cache when there is one."""
        return Reader(self.root, self.cache_folder, self.progress)

    def client_handles(self) -> list[str]:
        """Handles of client folders, without reading any file."""
        return Reader(self.root).handles()

    def load(self, handles: Iterable[str] | None = None, *, homework: bool = True) -> Snapshot:
        """Read every client, session and homework entry (of the clients given, or all);
        collect problems, never stop. Commands over many clients read one at a time
        with ``reader()`` instead, so as not to hold every record at once."""
        snap = Snapshot(self.root)
        with self.reader() as r:
            scan = r.scan(handles, RECORD_KINDS if homework else ("session",))
            snap.problems += scan.problems
            for found in scan.clients:
                snap.add(r.snapshot(found))
        snap.settle()
        return snap

    def find_session(self, wanted: str) -> tuple[Snapshot, Loaded[Session]]:
        """One session by id, a unique start or end of it, or CLIENT/ID (query.find_by_id),
        and the snapshot it was found in. Session files are named by their id, so only the
        clients with a file name that could match are read (flat in the journal's size);
        every client is read when none matches there (a file renamed by hand)."""
        from otjournal.disk.query import find_by_id

        key = wanted.strip().removesuffix(".toml")
        handles = self._clients_with_session_named(key) if key and "/" not in key else []
        if handles:
            snap = self.load(handles, homework=False)
            try:
                return snap, find_by_id(snap.sessions, wanted)
            except NotFoundError:
                pass
        snap = self.load(homework=False)
        return snap, find_by_id(snap.sessions, wanted)

    def _clients_with_session_named(self, key: str) -> list[str]:
        found = []
        for handle in self.client_handles():
            try:
                names = os.listdir(os.path.join(self.root, CLIENTS, handle, SESSIONS))
            except OSError:
                continue
            if any(n.startswith(key) or n.removesuffix(".toml").endswith(key) for n in names):
                found.append(handle)
        return found

    def per_client(
        self,
        compute: Callable[[Snapshot], T],
        *,
        memo: str,
        dump: Callable[[T], object] | None = None,
        load: Callable[[object], T] | None = None,
        params: tuple[object, ...] = (),
        homework: bool = True,
    ) -> tuple[list[T], Snapshot]:
        """``compute`` on each client's records, one client at a time (memory stays that of
        the largest client), and what could not be read. A result is remembered in the
        cache under ``memo`` with a fingerprint of every file of that client and ``params``;
        while none of them changes, the client's files are not read again. Results are
        only remembered for clients whose every file could be read, so a problem is
        reported on every run until it is fixed. The cache holds plain data only:
        ``dump`` makes it of a result, ``load`` checks it and rebuilds the result
        (ValueError, TypeError or KeyError for anything else: then the client is read).
        Without them nothing is remembered: each client is read every time."""
        from otjournal.disk.cache import cache_key

        report = Snapshot(self.root)
        results: list[T] = []
        under = tuple(cache_key().values())
        with self.reader() as r:
            scan = r.scan(None, RECORD_KINDS if homework else ("session",))
            report.problems += scan.problems
            for found in scan.clients:
                fingerprint = found.fingerprint(memo, *under, *params)
                remembered = (
                    _checked(r.memo(memo, found.handle, fingerprint), load) if load else None
                )
                if remembered:
                    results.append(remembered[0])
                    continue
                snap = r.snapshot(found)
                result = compute(snap)
                if dump and fingerprint and not snap.problems and not snap.conflicts:
                    r.remember(memo, found.handle, fingerprint, [dump(result)])
                report.problems += snap.problems
                report.conflicts += snap.conflicts
                results.append(result)
        return results, report

    def sessions(
        self,
        handles: Iterable[str] | None = None,
        *,
        since: date | None = None,
        until: date | None = None,
        last: int | None = None,
    ) -> tuple[list[Loaded[Session]], int, Snapshot]:
        """Sessions in time order within the dates (``last``: the latest N), the number
        there are in all, and the problems met. Only the sessions returned are read in
        full: the others are ordered and filtered by what the cache knows of them."""
        from otjournal.disk.query import select

        report = Snapshot(self.root)
        with self.reader() as r:
            scan = r.scan(handles, ("session",))
            report.problems += scan.problems
            refs = []
            for c in scan.clients:  # copies are found within a client: see Snapshot.settle
                mine = [f for f in r.index(c, report) if f.kind == "session"]
                # index() set every meta; f.meta[1] is f.id without a call per file
                if len({f.meta[1] for f in mine}) < len(mine):  # type: ignore[index]
                    mine.sort(key=_META)  # in time order, so the first copy of an id counts
                    mine = first_of_each_id(mine, lambda f: f.id, report.problems)
                refs += mine
            chosen = select(refs, lambda f: f.day, _META, since=since, until=until, last=last)
            loaded = [(r.record(f), f.path) for f in chosen]
        # Every ref chosen is a session's (only those were kept above).
        found = [Loaded(cast("Session", s), path) for s, path in loaded if s is not None]
        return found, len(refs), report

    def permission_problems(self) -> list[Problem]:
        """Folders or files that others can read: health records must stay private.
        A few are named one by one; many (after a git clone) are summed up in one line."""
        wide: list[tuple[Path, bool, int]] = []
        if not self.exists():
            return []
        for dirpath, dirnames, filenames in os.walk(self.root):
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
                    self.root,
                    f"{len(wide)} files and folders are readable by others "
                    "(git and sync tools do not keep permissions)",
                    severity="warning",
                    hint=f"chmod -R go-rwx '{self.root}' (or 'otj doctor --fix')",
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

    def make_private(self) -> int:
        """Folders 0700, files 0600 throughout (after a git pull or a restore); in ``.git``
        the group and world bits go (git writes with the umask, and keeps its objects
        read-only)."""
        from otjournal.disk import fsio

        changed = fsio.close_to_others(self.root / ".git")
        for dirpath, dirnames, filenames in os.walk(self.root):
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


def _checked(remembered: object, load: Callable[[object], T]) -> tuple[T] | None:
    """A remembered result, rebuilt by ``load``; None (compute it again) for anything that
    is not what ``per_client`` wrote."""
    if type(remembered) is not list or len(remembered) != 1:
        return None
    try:
        return (load(remembered[0]),)
    except (ValueError, TypeError, KeyError):
        return None
