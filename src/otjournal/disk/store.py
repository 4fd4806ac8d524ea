"""The notes folder: layout, file naming and safe writes. Reading is in loading.py (files)
and reads.py (the folder as a whole); who may read it in permissions.py.

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
from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime
from operator import attrgetter
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from otjournal.disk.keys import note_name, plaintext
from otjournal.disk.loading import (
    CLIENT_AGE,
    CLIENT_FILE,
    CLIENTS,
    HOMEWORK,
    SESSIONS,
    Loaded,
    Progress,
)
from otjournal.disk.parsing import (
    AGE_OVERHEAD,
    MAX_FILE_BYTES,
    parse_record_bytes,
    read_whole,
    too_large,
)
from otjournal.disk.reads import Reads
from otjournal.errors import NotFoundError, OtjournalError, Problem, StoreError, UsageError
from otjournal.frozen import frozen
from otjournal.model.ids import handle_problem, new_suffix, record_id, shown

if TYPE_CHECKING:
    from random import Random

    from otjournal.disk.fsio import Fingerprint
    from otjournal.disk.keys import Lock
    from otjournal.disk.permissions import Covered
    from otjournal.disk.sealindex import SealIndex
    from otjournal.disk.seals import Seal
    from otjournal.model import Client, HomeworkEntry, Session

W = TypeVar("W", "Session", "HomeworkEntry")  # a record written under a fresh id
# The name part of an imported entry kept beside one with its id (conflicts.py knows it).
IMPORT_CONFLICT = "import-conflict"


@frozen
class Imported:
    """What became of one imported entry: "added", "same" (already here, skipped) or
    "conflict" (another entry here has its id: kept beside it, see ``otj conflicts``)."""

    outcome: str
    saved: Loaded[HomeworkEntry] | None


def _content_of_file(path: Path) -> object:
    from otjournal.disk.sharing import content
    from otjournal.model import HomeworkEntry

    try:
        raw = plaintext(read_whole(path), path)
        return content(parse_record_bytes(raw, path, HomeworkEntry.from_dict))
    except (OSError, OtjournalError):
        return None  # unreadable: not the same; check reports it


BeforePublish = Callable[[Path, bytes], None]
_META = attrgetter("meta")  # (moment, id, day): records sort by it, see folderindex.Meta


def validate_handle(handle: str) -> str:
    problem = handle_problem(handle)
    if problem:
        raise UsageError(problem)  # the value is not echoed: it may be note text
    return handle


KEPT_COMMENTS = "# Written here by hand, kept when otjournal rewrote this file:"


def refuse_oversize(path: Path, data: bytes) -> None:
    """StoreError for bytes to write at ``path`` that the loader would not read."""
    big = too_large(len(data))
    if big:
        raise StoreError(
            f"this would make {path.name} {big}, more than otjournal reads; nothing was written",
            path=path,
            hint="shorten the text; a long document belongs beside the notes, named in one",
        )


class Journal(Reads):
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
        """The client's own file: ``client.toml``, or ``client.toml.age`` in an encrypted
        journal (unless only the plaintext form is there: a conversion not finished)."""
        folder = self.client_dir(handle)
        if self.lock is not None and not (
            (folder / CLIENT_FILE).exists() and not (folder / CLIENT_AGE).exists()
        ):
            return folder / CLIENT_AGE
        return folder / CLIENT_FILE

    @property
    def lock(self) -> Lock | None:
        """What new files are encrypted to (None: a plaintext journal). A device that
        cannot open an encrypted journal is told so here (KeyFileError, exit 1)."""
        from otjournal.disk.keys import lock_of

        return lock_of(self.root)

    def write_lock(self) -> Lock | None:
        """``lock``, for a command that will write: refused at once (KeyFileError) while
        the journal lists a key this device has not agreed to, before anyone types a note
        that could not be saved."""
        from otjournal.disk.keys import writable

        return writable(self.root)

    def _sealed(self, path: Path, data: bytes) -> bytes:
        """The bytes to write at ``path``: encrypted when its name says age. Every write
        passes here, so none makes a file larger than the loader reads (an amendment
        that did would take its note out of every command)."""
        refuse_oversize(path, data)
        if not path.name.endswith(".age"):
            return data
        lock = self.write_lock()  # never to a key this device has not agreed to
        if lock is None:
            raise StoreError(
                "an encrypted note in a journal that lists no recipients: nothing was written",
                path=path,
                hint="restore .otjournal/recipients.txt",
            )
        return lock.seal(data)

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
        name = CLIENT_AGE if self.lock is not None else CLIENT_FILE
        data = self._sealed(Path(name), tomlio.dumps(client.to_dict()))
        created: list[Path] = []
        folder = self._writable_dir(CLIENTS, client.handle, created=created)
        try:
            if (folder / CLIENT_FILE).exists() or (folder / CLIENT_AGE).exists():
                raise UsageError(f"a client {client.handle!r} already exists")
            return fsio.create_new(folder, lambda attempt: (name, data))
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
            raw, fp = fsio.read_with_fingerprint(path, MAX_FILE_BYTES + AGE_OVERHEAD)
        except FileNotFoundError:
            raise NotFoundError(
                f"no client {handle!r} in {self.root}",
                hint="'otj client list' shows the clients; 'otj client add' adds one",
            ) from None
        except OSError as exc:
            raise StoreError(f"cannot read: {exc.strerror}", path=path) from None
        client = parse_record_bytes(plaintext(raw, path), path, Client.from_dict)
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
        data = tomlio.dumps(client.to_dict()) + self._hand_comments(path)
        data = self._sealed(path, data)
        fsio.replace_checked(path, data, expected, MAX_FILE_BYTES + AGE_OVERHEAD)
        return path

    def _hand_comments(self, path: Path) -> bytes:
        """The comments written in ``path`` by hand, as lines to end its rewrite with:
        a person's note ("# referred by…") is never dropped because a goal was added.
        (The replace that follows refuses a file changed since it was read.)"""
        from otjournal.disk import fsio
        from otjournal.disk.tomllocate import comments

        try:
            raw, _ = fsio.read_with_fingerprint(path, MAX_FILE_BYTES + AGE_OVERHEAD)
        except OSError:
            return b""
        kept = [
            c
            for c in comments(plaintext(raw, path).decode("utf-8", "replace"))
            if c != KEPT_COMMENTS
        ]
        return "\n".join(["", KEPT_COMMENTS, *kept, ""]).encode("utf-8") if kept else b""

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
            raw, fp = fsio.read_with_fingerprint(path, MAX_FILE_BYTES + AGE_OVERHEAD)
        except OSError as exc:
            raise StoreError(f"cannot read: {exc.strerror}", path=path) from None
        raw = plaintext(raw, path)  # the chain and the append-only rule hold for the text
        return raw, fp, parse_record_bytes(raw, path, Session.from_dict)

    def replace_file(
        self, path: Path, data: bytes, expected: Fingerprint, why: str = "amended"
    ) -> None:
        """Replace a file inside the notes folder if it is unchanged since it was read
        (a session is sealed again: ``why`` says what changed). ``data`` is the note's
        text; ``expected`` the fingerprint of the file as it is on disk."""
        from otjournal.disk import fsio

        self._folder_of(path)
        fsio.replace_checked(
            path, self._sealed(path, data), expected, MAX_FILE_BYTES + AGE_OVERHEAD
        )
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
                    data = plaintext(fh.read(), path)  # a seal is of the text, not its lock
            rel = path.relative_to(self.root).as_posix().removesuffix(".age")  # as checks
            if self._seal_log is None:
                folder = self._writable_dir(*seals.FOLDER)
                self._seal_log = folder / seals.log_name(seals.device_id(state_dir()), self.root)
            seals.append(self._seal_log, seals.seal_of(rel, data, why), durable=durable)
        except (OSError, ValueError) as exc:
            self.seal_failures.append(f"could not record the seal of {path.name}: {exc}")
            return False
        except StoreError as exc:  # the seal log named: a damaged one can be found
            self.seal_failures.append(f"{exc.path}: {exc.message}" if exc.path else exc.message)
            return False
        return True

    def record_report(self, handle: str, start: date, end: date, prepared: date) -> None:
        """Remember that a report on ``handle`` covered start..end (disk/reports.py)."""
        from otjournal.disk import fsio, reports, seals
        from otjournal.paths import state_dir

        folder = self._writable_dir(*reports.FOLDER)
        log = folder / reports.log_name(self._existing_client(handle), seals.device_id(state_dir()))
        try:
            fsio.append_line(log, reports.line(start, end, prepared))
        except OSError as exc:
            raise StoreError(
                f"the report was written, but could not be remembered: {exc.strerror or exc}",
                path=log,
            ) from None

    def last_report_end(self, handle: str, before: date) -> date | None:
        """The end of the last report on ``handle`` filed before the day ``before`` (one
        filed that day is being redone: it does not move the start)."""
        from otjournal.disk import reports

        return reports.last_end(self.root, handle, before)

    def seal_logs(self) -> list[Seal]:
        """Every device's seals (a read: nothing is created)."""
        from otjournal.disk import seals

        return seals.read_all(self.root)

    def seal_index(self) -> SealIndex:
        """Each file's latest seal, looked up as needed (sealindex.py; a read: nothing
        is created in the notes folder). Use it in a ``with``."""
        from otjournal.disk.sealindex import SealIndex

        return SealIndex(self.root, self.cache_folder)

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

    def _note_name(self, stem: str) -> str:
        return note_name(stem, self.lock is not None)

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
        copies = [
            c.path
            for c in snap.conflicts
            if c.original.name in (f"{entry.id}.toml", f"{entry.id}.toml.age")
        ]
        mine = _content(entry)
        if any(_content(r) == mine for r in records) or any(
            _content_of_file(p) == mine for p in copies
        ):
            return Imported("same", None)
        folder = self._writable_dir(CLIENTS, handle, HOMEWORK)
        if not copies and all(r.id != entry.id for r in records):
            name = self._note_name(entry.id)
            path = fsio.create_named(folder, name, self._sealed(Path(name), data))
            if path is not None:
                return Imported("added", Loaded(entry, path))
        # The id is taken (by another entry, or a file that could not be read): keep both.
        stamp = f"{now or datetime.now():%Y%m%d-%H%M%S}"
        for n in range(1, fsio.MAX_NAME_TRIES + 1):
            name = self._note_name(
                f"{entry.id}.{IMPORT_CONFLICT}-{stamp}{'' if n == 1 else f'-{n}'}"
            )
            path = fsio.create_named(folder, name, self._sealed(Path(name), data))
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
            name = self._note_name(rid)
            if before_publish:  # told the text: a draft knows its note by the text
                before_publish(folder / name, data)
            return name, self._sealed(Path(name), data)

        path = fsio.create_new(folder, make, durable=durable)
        saved = made[max(made)]
        return Loaded(saved, path)

    # -- privacy ---------------------------------------------------------------
    def permission_problems(self, covered: Covered | None = None) -> list[Problem]:
        from otjournal.disk.permissions import permission_problems

        return permission_problems(self.root, covered)

    def make_private(self) -> int:
        from otjournal.disk.permissions import make_private

        return make_private(self.root)
