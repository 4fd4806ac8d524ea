"""The seal check of ``otj check``: each session against its latest seal (seals.py), and
each sealed session still there. Fed by the scan the command makes anyway."""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from otjournal.disk import sealmarks, seals
from otjournal.disk.keys import plaintext
from otjournal.disk.layout import RECIPIENTS
from otjournal.disk.parsing import AGE_OVERHEAD, MAX_FILE_BYTES, open_stat, read_capped
from otjournal.errors import OtjournalError, Problem

if TYPE_CHECKING:
    from otjournal.disk.checks import Store
    from otjournal.disk.found import ClientFiles, FileRef
    from otjournal.disk.sealindex import SealIndex


class SealCheck:
    """Sessions whose bytes differ from their latest seal (seals.py): an edited note, an
    edited or removed amendment (the last one too, which the hash chain cannot see), or
    amendments added by hand; a sealed session gone from its place (deleted, or moved or
    renamed by hand: otjournal never removes one); and how many sessions have no seal
    yet (written before seals were kept: 'otj doctor' names them, --fix seals them).
    Never writes in the notes folder; a file that matched its seal is not read again
    while its size, times and inode stay the same (remembered in the cache folder, like
    parsed records).
    Fed each client's files by a scan a command makes anyway (``client``), so the
    folder is not listed twice; each folder's seals are looked up in the seal index
    (sealindex.py) as it comes, none held for the whole journal; ``finish`` gives the
    problems and the unsealed count."""

    def __init__(self, j: Store) -> None:
        self._store = j
        self._index: SealIndex | None = None
        self._opened = False  # asked for: a failure is raised once, not again by finish
        self.problems: list[Problem] = []
        self.unsealed = 0
        self.root = str(j.root)
        self.cut = len(self.root) + 1
        self.seen: set[str] = set()  # the session folders the scan came to

    @property
    def index(self) -> SealIndex:
        """The seal index, opened at the first client rather than before the read: a
        first run reads the seal logs into it while the workers parse (issue 19)."""
        if self._index is None:
            self._opened = True
            self._index = self._store.seal_index()
        return self._index

    def client(self, files: ClientFiles, contents: Mapping[str, str]) -> None:
        """``contents``: the sessions' content (size and hash) where a worker has read
        them, by the path a seal names: those are not read again."""
        for kind, folder, part in files.folder_parts():
            if kind != "session":
                continue
            prefix = folder[self.cut :].replace(os.sep, "/") + "/"
            # A folder's part (folderparts.py) digests its notes' names and stat keys.
            mark = part.hex() if part is not None else None
            self.seen.add(prefix)
            held = self.index.folder_mark(prefix)
            # Unchanged, and so are its seals; and none of them names a note not there
            # (a folder is marked only then).
            if held is not None and held[0] == mark:
                self.unsealed += held[1]
                continue
            inside = folder + "/"
            # A seal names the note's plaintext form: encrypting it keeps its seal.
            refs = [
                (sealmarks.seal_path(ref.where[self.cut :], os.sep), ref)
                for ref in files.files
                if ref.kind == "session" and ref.where.startswith(inside)
            ]
            latest = self.index.rows(prefix)
            verified = self.index.verified(prefix)
            still: dict[str, str] = {}
            unsealed = 0
            for rel, ref in refs:
                row = latest.get(rel)
                if row is None:
                    unsealed += 1
                    continue
                found = _seal_mismatch(row, ref, verified.get(rel), still, rel, contents.get(rel))
                if found is not None:
                    self.problems.append(_seal_problem(ref.path, *found))
            self.unsealed += unsealed
            if still != verified:
                self.index.set_verified(prefix, still)
            here = {rel for rel, _ in refs}
            gone = self._gone(rel for rel in latest if rel not in here)
            if mark is not None and len(still) + unsealed == len(refs) and not gone:
                self.index.set_folder(prefix, mark, unsealed)

    def _gone(self, sealed: Iterable[str]) -> bool:
        """Say each of these sealed notes that is not in its place (the scan did not list
        it). Whether any was."""
        gone = missing(self.root, sealed)
        for path in gone:
            self.problems.append(
                Problem(
                    path,
                    "a sealed session is not where it was sealed: otjournal never deletes, "
                    "moves or renames a note (was it deleted, moved or renamed?)",
                    severity="warning",
                    hint="restore it from a backup or the sync history; a note moved or "
                    "renamed by hand goes back where it was",
                )
            )
        return bool(gone)

    def finish(self) -> tuple[list[Problem], int]:
        """The problems and the unsealed count; first, the sealed sessions of folders the
        scan never came to (a client's folder, or its sessions folder, gone), and the
        seal logs that are damaged. After an index that did not open, nothing: its
        error is on its way to the caller."""
        if self._opened and self._index is None:
            return self.problems, self.unsealed
        try:
            for prefix in self.index.folders():
                if prefix not in self.seen:
                    self._gone(self.index.rows(prefix))
            self.problems += log_problems(self.index)
        finally:
            if self._index is not None:
                self._index.close()
        return self.problems, self.unsealed


LOG_HINT = (
    "otjournal only ever appends to a seal log: restore it from a backup or the sync "
    "history (a line a crash cut short is followed by the next seal; the note it sealed "
    "is then unsealed, and 'otj doctor --fix' seals it once the line is deleted)"
)


def log_problems(index: SealIndex) -> list[Problem]:
    """A seal log with lines that do not read, or that does not open: the seals it held
    are not checked, so a note it sealed would pass for one never sealed."""
    found = [
        Problem(path, f"cannot read this seal log: {why}", severity="warning", hint=LOG_HINT)
        for path, why in index.unopened
    ]
    for path, first, n in index.damaged():
        found.append(
            Problem(
                path,
                "this line does not read as a seal: the seal it held cannot be checked"
                if n == 1
                else f"{n} lines do not read as seals (the first is here): the seals they "
                "held cannot be checked",
                line=first,
                column=1,
                severity="warning",
                hint=LOG_HINT,
            )
        )
    return found


def missing(root: str, sealed: Iterable[str]) -> list[Path]:
    """These sealed notes (paths relative to ``root``) that are in their place in neither
    form, plain or ``.age``: the file itself decides, not a scan's listing. Each is named
    as it was there: X.toml.age in an encrypted journal."""
    paths = (os.path.join(root, rel) for rel in sealed)
    gone = [p for p in paths if not (os.path.lexists(p) or os.path.lexists(p + ".age"))]
    if gone and os.path.exists(os.path.join(root, *RECIPIENTS)):
        return [Path(p + ".age") for p in gone]
    return [Path(p) for p in gone]


def gone(root: str, index: SealIndex) -> list[Path]:
    """Every sealed session gone from its place (``otj doctor``), one folder's seals at a
    time."""
    return [path for prefix in index.folders() for path in missing(root, index.rows(prefix))]


def _seal_problem(path: Path, severity: str, what: str) -> Problem:
    return Problem(
        path,
        what,
        line=1,
        column=1,
        severity=severity,
        hint="corrections belong in a new amendment ('otj amend'); compare "
        "with a backup or the sync history to see what changed"
        if severity == "warning"
        else "otjournal did not write it: check who added it",
    )


def _seal_mismatch(
    row: tuple[str, str, int, int, str, str],
    ref: FileRef,
    known: str | None,
    still: dict[str, str],
    rel: str,
    content: str | None,
) -> tuple[str, str] | None:
    """What differs between a session file and its seal (``row``: a Seal's fields;
    seals.mismatch), None when they agree or the file cannot be read (reported where it
    is read); a match is noted in ``still`` with the file's key and the seal's, so it is
    not read again while both stay the same. ``content``: the file's size and hash as a
    worker read it (sealmarks.digest), if it did: it matches when the seal's are the same."""
    key = ref.key
    sealed = f"{row[3]} {row[4]}"
    mark = None if key is None else sealmarks.mark(key, sealed)
    if mark is not None and (known == mark or content == sealed):
        still[rel] = mark
        return None
    try:
        fd, st = open_stat(ref.where)
        try:
            raw = read_capped(fd, MAX_FILE_BYTES + 1 + AGE_OVERHEAD, st.st_size)
        finally:
            os.close(fd)
        raw = plaintext(raw, ref.where)  # the string: this runs for every session
    except (OSError, OtjournalError):  # unreadable or not opened: reported where read
        return None
    found = seals.mismatch(seals.Seal(*row), raw)
    if found is None and mark is not None:
        still[rel] = mark
    return found
