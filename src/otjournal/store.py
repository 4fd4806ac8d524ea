"""The notes folder: layout, file naming, safe writes, and loading with problems collected.

Layout (docs/format.md)::

    <notes>/clients/<handle>/client.toml
    <notes>/clients/<handle>/sessions/YYYY-MM-DD_HHMM_<suffix>.toml
    <notes>/clients/<handle>/homework/YYYY-MM-DD_HHMM_<suffix>.toml

This is the only module that opens journal files. A read never writes and never
creates a folder; a file that fails to parse is reported, never rewritten.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from random import Random
from typing import Any, Generic, TypeVar

from otjournal import fsio, tomlio
from otjournal.conflicts import conflict_copy, has_git_markers
from otjournal.errors import (
    InvalidFile,
    NotFoundError,
    OtjournalError,
    Problem,
    StoreError,
    UsageError,
    ValidationErrors,
)
from otjournal.model import Client, HomeworkEntry, Session
from otjournal.model.ids import handle_problem, new_suffix, record_id

MAX_FILE_BYTES = 1024 * 1024
CLIENTS = "clients"
CLIENT_FILE = "client.toml"
SESSIONS = "sessions"
HOMEWORK = "homework"

R = TypeVar("R")


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


def validate_handle(handle: str) -> str:
    problem = handle_problem(handle)
    if problem:
        raise UsageError(f"{problem}: {handle[:60]!r}")
    return handle


class Journal:
    """One notes folder."""

    def __init__(self, root: Path, cache_folder: Path | None = None) -> None:
        self.root = root
        # Where a derived cache of parsed records may live (outside the notes folder);
        # None: parse every file every time.
        self.cache_folder = cache_folder

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

    def _writable_dir(self, *parts: str) -> Path:
        """Create (0700) and return a folder inside the notes folder, refusing symlinks out."""
        folder = self.root.joinpath(*parts)
        self._refuse_symlinks(parts)  # before creating anything: mkdir follows links
        fsio.make_private_dir(folder, self.root)
        self._refuse_symlinks(parts)
        real_root = os.path.realpath(self.root)
        if os.path.commonpath([real_root, os.path.realpath(folder)]) != real_root:
            raise StoreError(
                "refusing to write: the folder leads outside the notes folder", path=folder
            )
        return folder

    def _refuse_symlinks(self, parts: tuple[str, ...]) -> None:
        path = self.root
        for part in parts:
            path = path / part
            if path.is_symlink():
                raise StoreError(
                    "refusing to write through a symlink",
                    path=path,
                    hint="otjournal writes only inside the notes folder",
                )
            if not path.exists():
                return

    # -- writes ----------------------------------------------------------------
    def add_client(self, client: Client) -> Path:
        validate_handle(client.handle)
        folder = self._writable_dir(CLIENTS, client.handle)
        data = tomlio.dumps(client.to_dict())
        if (folder / CLIENT_FILE).exists():
            raise UsageError(f"a client {client.handle!r} already exists")
        path = fsio.create_new(folder, lambda attempt: (CLIENT_FILE, data))
        if path is None:  # pragma: no cover - create_new raises instead
            raise UsageError(f"a client {client.handle!r} already exists")
        return path

    def read_client(self, handle: str) -> tuple[Client, fsio.Fingerprint]:
        path = self.client_file(handle)
        try:
            raw, fp = fsio.read_with_fingerprint(path, MAX_FILE_BYTES)
        except FileNotFoundError:
            raise NotFoundError(
                f"no client {handle!r} in {self.root}",
                hint="'otj client list' shows the clients; 'otj client add' adds one",
            ) from None
        except OSError as exc:
            raise StoreError(f"cannot read: {exc.strerror}", path=path) from None
        client = _parse_one(raw, path, Client.from_dict)
        if client.handle != handle:
            raise StoreError(
                f"the file says handle = {client.handle!r}, but it is in the folder {handle!r}",
                path=path,
                hint="make the handle match its folder name",
            )
        return client, fp

    def save_client(self, client: Client, expected: fsio.Fingerprint) -> Path:
        path = self.client_file(client.handle)
        fsio.replace_checked(path, tomlio.dumps(client.to_dict()), expected, MAX_FILE_BYTES)
        return path

    def add_session(
        self, session: Session, *, rng: Random | None = None, durable: bool = True
    ) -> Loaded[Session]:
        """Save a new session under a fresh id; returns it with the id it was given.

        Amendments it already carries (a copy kept as a session of its own) are appended
        one by one, so their hash chain holds in the new file."""
        if not session.amendments:
            return self._add_record(session, SESSIONS, session.start, rng, durable)
        from otjournal import amend

        def finish(data: bytes) -> bytes:
            for a in session.amendments:
                data = amend.append(data, a)
            return data

        bare = replace(session, amendments=())
        saved = self._add_record(bare, SESSIONS, session.start, rng, durable, finish)
        return Loaded(replace(saved.record, amendments=session.amendments), saved.path)

    def add_homework(
        self, entry: HomeworkEntry, *, rng: Random | None = None, durable: bool = True
    ) -> Loaded[HomeworkEntry]:
        return self._add_record(entry, HOMEWORK, entry.at, rng, durable)

    # -- whole files: amendments and conflict resolution ------------------------
    def read_session_file(self, path: Path) -> tuple[bytes, fsio.Fingerprint, Session]:
        try:
            raw, fp = fsio.read_with_fingerprint(path, MAX_FILE_BYTES)
        except OSError as exc:
            raise StoreError(f"cannot read: {exc.strerror}", path=path) from None
        return raw, fp, _parse_one(raw, path, Session.from_dict)

    def replace_file(self, path: Path, data: bytes, expected: fsio.Fingerprint) -> None:
        """Replace a file inside the notes folder if it is unchanged since it was read."""
        self._inside(path)
        fsio.replace_checked(path, data, expected, MAX_FILE_BYTES)

    def set_aside(self, path: Path, stamp: str) -> Path:
        """Move a file out of the way into ``.otjournal/resolved/STAMP/`` (recoverable,
        inside the notes folder, never loaded). Never deletes."""
        self._inside(path)
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

    def import_homework(self, entry: HomeworkEntry) -> Loaded[HomeworkEntry] | None:
        """Add an entry shared from elsewhere under its own id; None if it is already here
        (under any file name). Never overwrites."""
        handle = self._existing_client(entry.client)
        existing = {h.record.id for h in self.load([handle]).client_homework(handle)}
        if entry.id in existing:
            return None
        folder = self._writable_dir(CLIENTS, handle, HOMEWORK)
        path = fsio.create_named(
            folder, f"{entry.id}.toml", tomlio.framed(tomlio.dumps(entry.to_dict()))
        )
        return Loaded(entry, path) if path is not None else None

    def _add_record(
        self,
        record: Any,
        kind: str,
        when: Any,
        rng: Random | None,
        durable: bool,
        finish: Any = None,
    ) -> Loaded[Any]:
        handle = self._existing_client(record.client)
        folder = self._writable_dir(CLIENTS, handle, kind)
        made: dict[int, Any] = {}

        def make(attempt: int) -> tuple[str, bytes]:
            rid = record_id(when, new_suffix(rng))
            made[attempt] = replace(record, id=rid)
            data = tomlio.framed(tomlio.dumps(made[attempt].to_dict()))
            return f"{rid}.toml", finish(data) if finish else data

        path = fsio.create_new(folder, make, durable=durable)
        saved = made[max(made)]
        return Loaded(saved, path)

    # -- reads -----------------------------------------------------------------
    def client_handles(self) -> list[str]:
        """Handles of client folders, without reading any file."""
        try:
            entries = sorted(os.scandir(self.clients_dir), key=lambda e: e.name)
        except (FileNotFoundError, NotADirectoryError):
            return []
        return [e.name for e in entries if e.is_dir() and not handle_problem(e.name)]

    def load(self, handles: Iterable[str] | None = None, *, homework: bool = True) -> Snapshot:
        """Read every client, session and homework entry; collect problems, never stop."""
        snap = Snapshot(self.root)
        complete = handles is None and homework
        cache = None
        if self.cache_folder is not None and self.exists():
            from otjournal.cache import RecordCache

            cache = RecordCache(self.cache_folder, self.root)
        if handles is None:
            self._scan_client_folders(snap)
            handles = self.client_handles()
        for handle in handles:
            folder = self.client_dir(handle)
            self._load_client(snap, handle, folder)
            self._load_records(
                snap, handle, folder / SESSIONS, Session.from_dict, snap.sessions, cache
            )
            if homework:
                self._load_records(
                    snap, handle, folder / HOMEWORK, HomeworkEntry.from_dict, snap.homework, cache
                )
        if cache is not None:
            cache.save(complete)
        snap.sessions.sort(key=lambda s: (s.record.start, s.record.id))
        snap.homework.sort(key=lambda h: (h.record.at, h.record.id))
        _check_ids(snap)
        return snap

    def _scan_client_folders(self, snap: Snapshot) -> None:
        try:
            entries = list(os.scandir(self.clients_dir))
        except (FileNotFoundError, NotADirectoryError):
            return
        for e in entries:
            if e.name.startswith(".") or not e.is_dir():
                continue
            problem = handle_problem(e.name)
            if problem:
                snap.problems.append(
                    Problem(
                        Path(e.path),
                        f"not read: {problem}",
                        severity="warning",
                        hint="rename the folder to a valid handle",
                    )
                )

    def _load_client(self, snap: Snapshot, handle: str, folder: Path) -> None:
        path = folder / CLIENT_FILE
        try:
            names = [
                n
                for n in os.listdir(folder)
                if n.endswith(".toml") and n != CLIENT_FILE and not n.startswith(".")
            ]
        except OSError:
            names = []
        for name in sorted(names):
            copy = conflict_copy(name[: -len(".toml")], client_folder=True)
            original = folder / f"{copy.original_stem}.toml" if copy else path
            _set_aside(
                snap, Conflict(folder / name, original, copy.tool if copy else "unknown tool")
            )
        raw = _read(path, snap.problems, missing_ok=False)
        if raw is None:
            return
        if has_git_markers(raw):
            snap.conflicts.append(Conflict(path, path, "git"))
        client = _parse_collect(raw, path, Client.from_dict, snap.problems)
        if client is None:
            return
        if client.handle != handle:
            snap.problems.append(
                Problem(
                    path,
                    f"handle = {client.handle!r} does not match its folder {handle!r}",
                    *_pos(raw, "handle"),
                    hint="make the handle match the folder name",
                )
            )
            return
        snap.clients[handle] = Loaded(client, path)

    def _load_records(
        self,
        snap: Snapshot,
        handle: str,
        folder: Path,
        parse: Any,
        out: list[Any],
        cache: Any = None,
    ) -> None:
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except (FileNotFoundError, NotADirectoryError):
            return
        except OSError as exc:
            snap.problems.append(Problem(folder, f"cannot read folder: {exc.strerror}"))
            return
        for e in entries:
            if not _is_record_name(e.name):
                continue
            path = Path(e.path)
            if e.is_symlink():
                snap.problems.append(Problem(path, "not read: a symlink", severity="warning"))
                continue
            copy = conflict_copy(e.name[: -len(".toml")])
            if copy is not None:
                _set_aside(snap, Conflict(path, folder / f"{copy.original_stem}.toml", copy.tool))
                continue
            key = None
            if cache is not None:
                from otjournal.cache import key_of

                try:
                    key = key_of(e.stat(follow_symlinks=False))
                except OSError:
                    key = None
                cached = cache.get(e.path, key) if key else None
                if cached is not None and cached.client == handle:
                    out.append(Loaded(cached, path))
                    continue
            raw = _read(path, snap.problems)
            if raw is None:
                continue
            if has_git_markers(raw):  # reported by the parser; listed for 'otj conflicts'
                snap.conflicts.append(Conflict(path, path, "git"))
            record = _parse_collect(raw, path, parse, snap.problems)
            if record is None:
                continue
            if record.client != handle:
                snap.problems.append(
                    Problem(
                        path,
                        f"client = {record.client!r}, but the file is in clients/{handle}/",
                        *_pos(raw, "client"),
                        hint="move the file or fix the client key",
                    )
                )
                continue
            if cache is not None and key is not None:
                cache.put(e.path, key, record)
            out.append(Loaded(record, path))

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
        """Folders 0700, files 0600 throughout (after a git pull or a restore)."""
        changed = 0
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


def _set_aside(snap: Snapshot, conflict: Conflict) -> None:
    """A conflict copy is never loaded (it would count twice) and never hidden."""
    snap.conflicts.append(conflict)
    snap.problems.append(
        Problem(
            conflict.path,
            f"a sync conflict copy ({conflict.tool}) of {conflict.original.name}: it is not "
            "counted until resolved",
            line=1,
            column=1,
            hint="run 'otj conflicts' to compare and resolve",
        )
    )


def _is_record_name(name: str) -> bool:
    return name.endswith(".toml") and not name.startswith(".")


def _read(path: Path, problems: list[Problem], missing_ok: bool = True) -> bytes | None:
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except FileNotFoundError:
        if not missing_ok:
            problems.append(
                Problem(
                    path,
                    "missing: each client folder needs a client.toml",
                    hint="otj client add HANDLE writes one",
                )
            )
        return None
    except OSError as exc:
        problems.append(Problem(path, f"cannot read: {exc.strerror}"))
        return None
    try:
        with os.fdopen(fd, "rb") as fh:
            raw = fh.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        problems.append(Problem(path, f"cannot read: {exc.strerror}"))
        return None
    if len(raw) > MAX_FILE_BYTES:
        problems.append(
            Problem(
                path,
                f"larger than {MAX_FILE_BYTES // 1024} KiB: not a note otjournal wrote",
                line=1,
                column=1,
                hint="move it out of the notes folder",
            )
        )
        return None
    return raw


def _pos(raw: bytes, field_name: str) -> tuple[int, int]:
    return tomlio.locate(raw.decode("utf-8", "replace"), field_name)


def _parse_collect(raw: bytes, path: Path, parse: Any, problems: list[Problem]) -> Any:
    try:
        return _parse_one(raw, path, parse)
    except InvalidFile as exc:
        problems.extend(exc.problems)
    except OtjournalError as exc:
        problems.append(Problem(path, exc.message, exc.line, exc.column, exc.hint))
    return None


def _parse_one(raw: bytes, path: Path, parse: Any) -> Any:
    tomlio.check_complete(raw, path)  # "cut short" says more than the parse error would
    data = tomlio.parse(raw, path)
    try:
        return parse(data)
    except ValidationErrors as exc:
        raise tomlio.located(exc, raw, path) from None


def _check_ids(snap: Snapshot) -> None:
    """Two files with one id are copies (a sync conflict?): say so, count neither twice."""
    for records in (snap.sessions, snap.homework):
        seen: dict[str, Path] = {}
        keep = []
        for item in records:
            first = seen.get(item.record.id)
            if first is not None:
                snap.problems.append(
                    Problem(
                        item.path,
                        f"has the same id as {first.name}: a copy (a sync conflict?)",
                        line=1,
                        column=1,
                        hint="compare the two files and keep the right one; only the first counts",
                    )
                )
                continue
            seen[item.record.id] = item.path
            keep.append(item)
        records[:] = keep


def parse_record_bytes(raw: bytes, path: Path, parse: Any) -> Any:
    """Parse bytes from outside the folder (``--from``, an import) with located errors."""
    return _parse_one(raw, path, parse)
