"""Which files a notes folder holds, one client at a time: step 1 of a read (loading.py).

A scan lists and stats the files (no file is opened) and sets aside sync-conflict copies
and symlinks. It yields one client's files at a time, so a command over the whole
journal holds one client's file list (and one client's folder indexes from the cache),
never every file at once: memory stays flat however large the folder.
"""

from __future__ import annotations

import os
from collections.abc import Generator, Iterator, Sequence
from dataclasses import dataclass
from operator import attrgetter
from pathlib import Path
from stat import S_ISDIR, S_ISLNK
from typing import TYPE_CHECKING, Protocol

from otjournal.disk.cache import RecordCache
from otjournal.disk.folderindex import Index, Key, key_of
from otjournal.disk.folderparts import as_indexed, part
from otjournal.disk.found import ClientFiles, Conflict, FileRef, Unchanged
from otjournal.disk.layout import CLIENT_AGE as CLIENT_AGE
from otjournal.disk.layout import CLIENT_FILE as CLIENT_FILE
from otjournal.disk.layout import CLIENTS as CLIENTS
from otjournal.disk.layout import FOLDERS as FOLDERS
from otjournal.disk.layout import HOMEWORK as HOMEWORK
from otjournal.disk.layout import RECORD_KINDS as RECORD_KINDS
from otjournal.disk.layout import SESSIONS as SESSIONS
from otjournal.errors import Problem
from otjournal.model.ids import handle_problem

if TYPE_CHECKING:
    from otjournal.disk.prefetch import Frames, Prefetched

PRELOAD = 200  # clients whose folder indexes are fetched in one query (and held at once)
PROGRESS_FROM = 1000  # files to parse (estimated) before a progress bar is worth showing

_NAME = attrgetter("name")


@dataclass
class Scan:
    """A scan under way: ``clients`` yields one client's files at a time (once: read each
    client before asking for the next); ``count`` of them in all."""

    clients: Iterator[ClientFiles]
    problems: list[Problem]  # about the clients folder itself (misnamed folders)
    count: int


class Progress(Protocol):
    """A progress bar counting clients (shown when many files must be parsed)."""

    def start(self, total: int) -> None: ...
    def advance(self) -> None: ...
    def stop(self) -> None: ...


def handles(root: Path) -> list[str]:
    """Handles of client folders, without reading any file."""
    return client_folders(root)[0]


def unread_on_purpose(problem: Problem) -> bool:
    """A file or folder the scan leaves out by choice, with a warning that says why (a
    symlink, a folder not named like a handle…): every such message starts so."""
    return problem.message.startswith("not read: ")


def client_folders(root: Path) -> tuple[list[str], list[Problem]]:
    """The handles of client folders, by name, and a problem for each folder not named
    like a handle (hidden ones aside): one listing for both, without reading any file."""
    try:
        entries = sorted(os.scandir(root / CLIENTS), key=_NAME)
    except (FileNotFoundError, NotADirectoryError):
        return [], []
    good, problems = [], []
    for e in entries:
        if not e.is_dir():
            if not handle_problem(e.name):  # a client's name, but no folder to read
                problems.append(_not_a_client_folder(e))
            continue
        problem = handle_problem(e.name)
        if not problem:
            good.append(e.name)
        elif not e.name.startswith("."):
            problems.append(
                Problem(
                    Path(e.path),
                    f"not read: {problem}",
                    severity="warning",
                    hint="rename the folder to a valid handle",
                )
            )
    return good, problems


def _not_a_client_folder(e: os.DirEntry[str]) -> Problem:
    """A client's folder gone, with its name left: a link to a folder no longer there
    (moved, or a sync not finished), or a file in its place. Its notes count nowhere."""
    linked = e.is_symlink()
    return Problem(
        Path(e.path),
        "not read: " + ("a symlink to a folder that is not there" if linked else "not a folder"),
        severity="warning",
        hint="put the client's folder back here (from a sync copy or a backup)"
        + (", or remove the link" if linked else ""),
    )


class Scanner:
    """Stats one client folder at a time against the folder indexes the cache holds,
    and writes back the indexes that changed once the client has been read (its
    records' facts are known then)."""

    def __init__(self, root: Path, cache: RecordCache | None, locked: bool = False) -> None:
        self.cache = cache
        self.locked = locked  # an encrypted journal: notes are X.toml.age (disk/keys.py)
        self._base = str(root)
        self._inside = len(self._base) + 1  # cache rows are keyed by the path inside root
        # Folders whose index in the cache is out of date: written back after the client.
        self._stale: list[tuple[str, list[FileRef], Index]] = []

    def each(
        self, chosen: list[str], kinds: Sequence[str], progress: Progress | None
    ) -> Generator[ClientFiles, None, None]:
        """Each client's files in turn. The progress bar counts clients; it starts once
        the files to parse so far, scaled to every client, reach ``PROGRESS_FROM``."""
        from otjournal.disk import prefetch

        showing, misses = False, 0
        ahead = prefetch.claim(self._base, chosen, kinds, locked=self.locked)  # or None
        subs = ("", *(f"/{FOLDERS[kind]}" for kind in kinds))
        try:
            for n, handle in enumerate(chosen, 1):
                cache = self.cache
                if cache is not None and any(handle + s not in cache.preloaded for s in subs):
                    cache.preload(*chosen[n - 1 : n - 1 + PRELOAD], kinds=kinds)
                found = self.client(handle, kinds, ahead.take(handle) if ahead else None)
                if progress is not None and not showing:
                    misses += found.misses()
                    if misses * len(chosen) >= PROGRESS_FROM * n:
                        progress.start(len(chosen))
                        showing = True
                        for _ in range(n - 1):
                            progress.advance()
                yield found
                self.write_back()
                if showing and progress is not None:
                    progress.advance()
        finally:  # run out, or closed by the reader
            if ahead is not None:
                ahead.close()
            if showing and progress is not None:
                progress.stop()

    def write_back(self) -> None:
        """The indexes of folders whose files came, went or changed, as now known. A
        folder scanned twice (``Reader.rescan``) is written once, with what either scan's
        files are known to hold."""
        if self.cache is not None:
            folders: dict[str, tuple[Index, set[str], Index]] = {}
            for folder, refs, known in self._stale:
                now, there, _ = folders.setdefault(folder, ({}, set(), known))
                for f in refs:
                    name = f.where.rsplit("/", 1)[1]
                    if f.meta and f.key:
                        now[name] = (f.key, f.meta)
                    # A file still there but not read yet (a worker has it, pool.py)
                    # keeps its row: the row's key says whether it is still the file's.
                    there.add(name)
            for folder, (now, there, known) in folders.items():
                gone = [f"{folder}/{name}" for name in known if name not in there]
                self.cache.put_index(folder, now, gone)
        self._stale = []

    def reindex(self, refs: list[FileRef]) -> None:
        """The indexes of the folders these refs fill (every file of each), written again
        once their facts are known: a worker's client is read after its scan moved on."""
        if self.cache is None:
            return
        folders: dict[str, Index] = {}
        for f in refs:
            folder, _, name = f.where[self._inside :].rpartition("/")
            entries = folders.setdefault(folder, {})
            if f.meta and f.key:
                entries[name] = (f.key, f.meta)
        for folder, index in folders.items():
            self.cache.put_index(folder, index, [])

    def client(
        self, handle: str, kinds: Sequence[str], pre: Prefetched | None = None
    ) -> ClientFiles:
        """One client's files; ``pre``: what a prefetch (prefetch.py) found of them, so
        that no folder is listed and no file stat'ed again here."""
        inside = f"{CLIENTS}/{handle}"
        folder = f"{self._base}/{inside}"  # strings, not Paths: a scan makes thousands
        found = ClientFiles(handle, [])
        known = self._known(inside)
        own = CLIENT_FILE
        key: Key | None = None
        for own in (CLIENT_AGE, CLIENT_FILE) if self.locked else (CLIENT_FILE,):
            if pre is not None:
                key = pre.age_key if own == CLIENT_AGE else pre.toml_key
                if key is not None:
                    break
                continue
            try:
                key = key_of(os.lstat(f"{folder}/{own}"))
                break
            except OSError:
                key = None  # missing: reading it says so
        if self.locked and own == CLIENT_FILE and key is not None:
            found.problems.append(_not_encrypted(Path(folder, own)))
        hit = known.get(own)
        found.refs.append(
            FileRef("client", f"{folder}/{own}", key, hit[1] if hit and hit[0] == key else None)
        )
        self._note_folder(inside, found, 0, known)
        try:
            listed = os.listdir(folder) if pre is None else pre.listing
        except OSError:
            listed = None
        names = sorted(
            n
            for n in listed or ()
            if n.endswith((".toml", ".age")) and n != own and not n.startswith(".")
        )
        for name in names:
            if self._unread(found, folder, name, own):
                continue
            from otjournal.disk.conflicts import conflict_copy  # only for a stray file: rare

            stem, age = note_stem(name)
            copy = conflict_copy(stem, client_folder=True)
            original = f"{copy.original_stem}.toml" if copy else CLIENT_FILE
            set_aside(
                found,
                Conflict(
                    Path(folder, name),
                    Path(folder, original + (".age" if age else "")),
                    copy.tool if copy else "unknown tool",
                ),
            )
        for kind in kinds:
            stated = None if pre is None else pre.records.get(kind)
            self._records(found, kind, f"{inside}/{FOLDERS[kind]}", stated)
        return found

    def widened(self, found: ClientFiles, kinds: Sequence[str]) -> ClientFiles:
        """``found``, scanned cleanly, with the folders of more ``kinds`` (scanned now,
        and put after its own, as a scan of every kind puts them)."""
        more = ClientFiles(
            found.handle,
            list(found.refs),
            wide=list(found.wide),
            listed=list(found.listed),
            parts=list(found.parts),
            deferred=list(found.deferred),
        )
        inside = f"{CLIENTS}/{found.handle}"
        cache = self.cache
        if cache is not None and any(
            f"{found.handle}/{FOLDERS[k]}" not in cache.preloaded for k in kinds
        ):
            cache.preload(found.handle, kinds=kinds)  # their indexes, added to the batch's
        for kind in kinds:
            self._records(more, kind, f"{inside}/{FOLDERS[kind]}")
        return more

    def _unread(self, found: ClientFiles, folder: str, name: str, own: str) -> bool:
        """A note in the other mode's form, not read (and said so): an encrypted note in
        a journal that lists no recipients, or a plaintext note beside its encrypted
        form (an interrupted conversion). True when ``name`` is such a file."""
        if name.endswith(".age") and not self.locked:
            found.problems.append(
                Problem(
                    Path(folder, name),
                    "not read: an encrypted note, and this journal lists no recipients",
                    severity="warning",
                    hint="restore .otjournal/recipients.txt (from a synced copy or backup)",
                )
            )
            return True
        if (
            self.locked
            and name.endswith(".toml")
            and (name + ".age" == own or os.path.lexists(f"{folder}/{name}.age"))
        ):
            found.problems.append(
                Problem(
                    Path(folder, name),
                    "not read: a plaintext form of an encrypted note (an encryption was "
                    "interrupted)",
                    severity="warning",
                    hint="'otj encrypt' finishes it",
                )
            )
            return True
        if self.locked and name.endswith(".toml"):  # read, and said so
            found.problems.append(_not_encrypted(Path(folder, name)))
        return False

    def _known(self, folder: str) -> Index:
        return self.cache.index(folder) if self.cache is not None else {}

    def _note_folder(self, folder: str, found: ClientFiles, start: int, known: Index) -> None:
        """Remember a folder whose index must be written back (files came, went or changed)."""
        refs = found.refs[start:]
        hits = sum(f.meta is not None for f in refs)
        if self.cache is not None and (hits < len(refs) or hits < len(known)):
            self._stale.append((folder, refs, known))

    def _records(
        self, found: ClientFiles, kind: str, folder: str, stated: Frames | None = None
    ) -> None:
        """The notes of one records folder. ``stated``: the folder as a prefetch found it
        (each a regular file, none hidden; a folder holding anything else is not
        prefetched), so it is neither listed nor stat'ed here; when its cache index
        describes it exactly, its FileRefs are not even made (``ClientFiles.deferred``)."""
        absolute = f"{self._base}/{folder}"
        if stated is not None:
            row = None if self.cache is None or self.locked else self.cache.row(folder)
            if as_indexed(stated, row):
                assert row is not None  # for mypy: as_indexed says so
                found.deferred.append((len(found.refs), Unchanged(kind, absolute, stated, row)))
                found.parts.append((kind, absolute, stated))  # its part made when asked
                found.listed.append(absolute)
                return
        known = self._known(folder)
        files, start = found.refs, len(found.refs)
        if stated is not None:
            for name, key, mode in stated.notes():
                path = f"{absolute}/{name}"
                hit = known.get(name)
                if (
                    (self.locked or name[-1] == "e") and self._unread(found, absolute, name, "")
                ) or (hit is None and self._not_a_note(found, absolute, name, path)):
                    _note_open(found, path, mode)
                    continue
                if mode & 0o077:
                    _note_open(found, path, mode)
                files.append(FileRef(kind, path, key, hit[1] if hit and hit[0] == key else None))
            self._note_folder(folder, found, start, known)
            _add_part(found, kind, absolute, start)
            if stated.count:  # a prefetched folder holds no folder (an empty one may be missing)
                found.listed.append(absolute)
            return
        try:
            with os.scandir(absolute) as listing:
                entries = list(listing)
        except FileNotFoundError:
            return
        except NotADirectoryError:  # a file in its place: every note it held is left out
            found.problems.append(
                Problem(
                    Path(absolute),
                    "not a folder: the notes that belong here cannot be read",
                    hint="move this file aside, then put the folder back from a sync copy "
                    "or a backup",
                )
            )
            return
        except OSError as exc:
            found.problems.append(Problem(Path(absolute), f"cannot read folder: {exc.strerror}"))
            return
        entries.sort(key=_NAME)
        if entries and not _any_folder(entries):
            found.listed.append(absolute)
        for e in entries:  # the hot loop of every read: kept lean
            name = e.name
            if not name.endswith((".toml", ".age")):
                continue
            if name.startswith("."):
                _note_mode(e, found)  # not read, but private all the same
                continue
            if (self.locked or name[-1] == "e") and self._unread(found, absolute, name, ""):
                _note_mode(e, found)
                continue
            if e.is_symlink():
                found.problems.append(
                    Problem(Path(e.path), "not read: a symlink", severity="warning")
                )
                _note_mode(e, found)
                continue
            hit = known.get(name)
            if hit is None and self._not_a_note(found, absolute, name, e.path):
                _note_mode(e, found)
                continue
            try:
                st = e.stat(follow_symlinks=False)
            except OSError:
                files.append(FileRef(kind, e.path, None))  # reading it says what is wrong
                continue
            if st.st_mode & 0o077 and not S_ISDIR(st.st_mode):
                _note_open(found, e.path, st.st_mode)
            key = (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)
            files.append(FileRef(kind, e.path, key, hit[1] if hit and hit[0] == key else None))
        self._note_folder(folder, found, start, known)
        _add_part(found, kind, absolute, start)

    def _not_a_note(self, found: ClientFiles, absolute: str, name: str, path: str) -> bool:
        """A name new to the folder's index that is a sync tool's copy (set aside) or an
        encrypted file not named like a note (said so): True when it is not read. A name
        the index holds was a record's when indexed, and whether a name is a conflict
        copy depends on the name alone: only new names need the patterns."""
        from otjournal.disk.conflicts import conflict_copy

        stem, age = note_stem(name)
        copy = conflict_copy(stem)
        if copy is not None:
            original = Path(absolute, f"{copy.original_stem}.toml{'.age' * age}")
            set_aside(found, Conflict(Path(path), original, copy.tool))
            return True
        if age and not name.endswith(".toml.age"):
            found.problems.append(
                Problem(
                    Path(path),
                    "not read: an encrypted file not named like a note",
                    severity="warning",
                    hint="a note is named ID.toml.age; a sync tool's copy is "
                    "resolved with 'otj conflicts'",
                )
            )
            return True
        return False


def _not_encrypted(path: Path) -> Problem:
    return Problem(
        path,
        "not encrypted, in an encrypted journal",
        severity="warning",
        hint="'otj encrypt' encrypts it",
    )


def note_stem(name: str) -> tuple[str, bool]:
    """A note file's name without its ending, and whether it is encrypted. A sync tool's
    copy of ``X.toml.age`` may put its mark after ``.toml`` (Syncthing:
    ``X.toml.sync-conflict-….age``): the ``.toml`` is then taken out where it is."""
    if name.endswith(".toml"):
        return name[:-5], False
    if name.endswith(".toml.age"):
        return name[:-9], True
    return name.removesuffix(".age").replace(".toml", "", 1), True


def _note_mode(e: os.DirEntry[str], found: ClientFiles) -> None:
    """A file the scan does not read still counts for who may read the folder, exactly as
    ``permissions`` counts it: by its own mode (a symlink is not followed), unless it is
    a folder or leads to one."""
    try:
        is_dir = e.is_dir()
    except OSError:
        is_dir = False
    if is_dir:
        return
    try:
        st = e.stat(follow_symlinks=False)
    except OSError:
        return
    _note_open(found, e.path, st.st_mode)


def _any_folder(entries: list[os.DirEntry[str]]) -> bool:
    """Whether a listing holds a folder (not a symlink to one), or may."""
    try:
        return any(e.is_dir(follow_symlinks=False) for e in entries)
    except OSError:
        return True


def _add_part(found: ClientFiles, kind: str, folder: str, start: int) -> None:
    """The part (folderparts.py) of the notes of ``folder`` the scan made refs for."""
    refs = found.refs[start:]
    if refs:
        keys = [f.key for f in refs]
        if None in keys:
            found.parts.append((kind, folder, None))
        else:
            skip = len(folder) + 1
            names = [f.where[skip:] for f in refs]
            found.parts.append((kind, folder, part(kind, folder, names, keys)))  # type: ignore[arg-type]


def _note_open(found: ClientFiles, path: str, mode: int) -> None:
    # Group or others may read or write it. A symlink's own mode means nothing (and
    # chmod would change what it points to): it is reported as a symlink instead.
    if mode & 0o077 and not S_ISLNK(mode):
        found.wide.append((path, mode & 0o777))


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
