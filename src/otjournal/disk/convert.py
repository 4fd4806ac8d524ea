"""A notes folder converted between plaintext and age files, file by file, so that a
crash at any moment loses nothing and a rerun finishes (docs/encryption.md).

Each note ``X.toml`` is in one of three states, and each step moves it one state on:

1. only ``X.toml``: ``X.toml.age`` is published beside it through fsio's safe create
   (temp file, fsync, hard link: it appears whole or not at all, never over a file);
2. both, and ``X.toml.age`` decrypts to exactly ``X.toml``'s bytes: the same note
   twice; ``X.toml`` is removed (only if it is still the bytes that were encrypted),
   then the folder is fsynced;
3. only ``X.toml.age``: done.

Decrypting walks the same states the other way. A rerun after a crash finds each note in
state 1, 2 or 3 and carries on; both forms holding *different* bytes is never a state of
this code (someone changed one of them): it stops the run before anything changes.

``reencrypt_folder`` (a key added or removed) replaces each age file in one atomic step
by one to the new recipients: old or new, every note opens at every moment.

Every problem that would stop the run is found first, before any file changes (a key
that does not fit, a damaged age file, two different forms, a symlink): a refused
conversion changes nothing. Nothing here prints: the caller gets a Summary.
"""

from __future__ import annotations

import contextlib
import os
import stat
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from otjournal.disk import agefile, fsio
from otjournal.disk.agefile import AGE_SUFFIX, Identity
from otjournal.disk.parsing import read_whole
from otjournal.errors import (
    CipherErrors,
    ConflictError,
    KeyFileError,
    OtjournalError,
    Problem,
    StoreError,
)

CLIENTS = "clients"
NOTE_SUFFIX = ".toml"
# Where notes live: each client's folder, and the copies 'otj conflicts' moved aside.
NOTE_TREES: tuple[tuple[str, ...], ...] = ((CLIENTS,), (".otjournal", "resolved"))
# Called after each durable step ("written" or "removed", the file): a progress bar, or
# a test that kills the process in between.
Step = Callable[[str, Path], None]
Open = Callable[[bytes, Path], bytes]
MAX_AGE_FILE = 64 * 1024 * 1024  # far above any note (the loader stops at 1 MiB)


@dataclass
class Summary:
    converted: int = 0  # written in the new form, the old one removed
    settled: int = 0  # found in both forms, equal (an interrupted run): the old one removed
    already: int = 0  # already in the new form only
    conflict_copies: int = 0  # sync tools' copies among them: 'otj conflicts' resolves them
    # otjournal's temp files (.otj-*.part) in the note folders: an interrupted save's (or
    # decryption's) may hold plaintext, so encrypting removes them (a save running at that
    # moment then fails safely: "nothing was written", its draft kept); decrypting lists them.
    temps: list[Path] = field(default_factory=list)

    @property
    def notes(self) -> int:
        return self.converted + self.settled + self.already


@dataclass
class _Note:
    plain: Path  # X.toml (the age form is X.toml.age)
    has_plain: bool = False
    has_age: bool = False

    @property
    def age(self) -> Path:
        return self.plain.with_name(self.plain.name + AGE_SUFFIX)


def encrypt_folder(
    root: Path,
    recipients: Sequence[str],
    identities: Sequence[Identity],
    on_step: Step | None = None,
) -> Summary:
    """Every note under ``root`` as an age file to ``recipients``. ``identities`` must
    hold a key among them: each file is decrypted again and compared before its
    plaintext is removed (and a journal nobody here can read is refused)."""
    _readable_here(recipients, identities)

    def lock(plain: bytes) -> bytes:
        return agefile.encrypt(plain, recipients)

    def unlock(raw: bytes, path: Path) -> bytes:
        return agefile.decrypt(raw, identities, path)

    return _convert(root, True, unlock, lock, on_step)


def reencrypt_folder(
    root: Path,
    recipients: Sequence[str],
    identities: Sequence[Identity],
    on_step: Step | None = None,
) -> Summary:
    """Every age note under ``root`` encrypted again, to ``recipients`` (a key was added
    or removed). Each file is replaced in one step (``fsio.replace_checked``: temp file,
    fsync, rename) by one that decrypts to the same bytes, so a crash leaves each note in
    its old or its new encryption, both readable; a rerun finishes. Refused, changing
    nothing, while any note is still plaintext (finish ``encrypt_folder`` first) or any
    file does not open here. Its ``converted`` counts the files encrypted again."""
    _readable_here(recipients, identities)
    summary = Summary()
    notes, problems = _find(root, False, summary.temps)

    def unlock(raw: bytes, path: Path) -> bytes:
        return agefile.decrypt(raw, identities, path)

    for note in notes:
        if note.has_plain:
            problems.append(
                Problem(
                    note.plain,
                    "not encrypted yet: an encryption was interrupted here",
                    hint="finish encrypting the journal, then run this again",
                )
            )
        elif problem := _unreadable(note.age, unlock):
            problems.append(problem)
    _check_folders(root, notes, problems)
    for note in notes:
        _writable(root, note.age.parent)
        try:
            raw, seen = fsio.read_with_fingerprint(note.age, MAX_AGE_FILE)
        except OSError as exc:
            raise StoreError(f"cannot read: {exc.strerror}", path=note.age) from None
        plain = unlock(raw, note.age)
        again = agefile.encrypt(plain, recipients)
        if unlock(again, note.age) != plain:  # never expected: then nothing is replaced
            raise StoreError("encrypting again did not give the same note back", path=note.age)
        fsio.replace_checked(note.age, again, seen, MAX_AGE_FILE)
        if on_step:
            on_step("replaced", note.age)
        summary.converted += 1
    return summary


def _readable_here(recipients: Sequence[str], identities: Sequence[Identity]) -> None:
    mine = {p for identity in identities for p in identity.public}
    if not mine & {r.strip() for r in recipients}:
        raise KeyFileError(
            "none of this device's keys is among the journal's recipients: it could not "
            "read the notes once encrypted; nothing was changed",
            hint="add this device's key to the recipients first",
        )
    for r in recipients:
        agefile.parse_recipient(r)


def decrypt_folder(
    root: Path, identities: Sequence[Identity], on_step: Step | None = None
) -> Summary:
    """Every age note under ``root`` back to plaintext ``X.toml``, checked likewise."""

    def unlock(raw: bytes, path: Path) -> bytes:
        return agefile.decrypt(raw, identities, path)

    return _convert(root, False, unlock, lambda plain: plain, on_step)


def _convert(
    root: Path, encrypting: bool, unlock: Open, make: Callable[[bytes], bytes], step: Step | None
) -> Summary:
    summary = Summary()
    notes, problems = _find(root, encrypting, summary.temps)
    todo: list[_Note] = []
    for note in notes:
        if note.has_plain and note.has_age:
            problem = _differ(note, unlock)
            if problem:
                problems.append(problem)
        elif (note.has_age and not encrypting) and not note.has_plain:
            problem = _unreadable(note.age, unlock)  # decrypt: every file must open first
            if problem:
                problems.append(problem)
        if (note.has_plain and note.has_age) or note.has_plain == encrypting:
            todo.append(note)
        else:
            summary.already += 1
        summary.conflict_copies += _is_copy(root, note.plain)
    _check_folders(root, todo, problems)
    checked: set[Path] = set()
    for note in todo:
        src, dst = (note.plain, note.age) if encrypting else (note.age, note.plain)
        if src.parent not in checked:
            _writable(root, src.parent)
            checked.add(src.parent)
        try:
            if encrypting:
                made = _move(src, dst, _same, make, unlock, step)
            else:
                made = _move(src, dst, unlock, make, _same, step)
        except OSError as exc:  # unlink or the folder's fsync: this note stays in state 2
            raise StoreError(
                f"could not finish converting: {exc.strerror or type(exc).__name__}; every "
                "note is still there, in one form or both",
                path=src,
                hint="run the command again to finish",
            ) from None
        if made:
            summary.converted += 1
        else:
            summary.settled += 1
    if encrypting:
        _remove_temps(summary.temps)
    return summary


def _check_folders(root: Path, notes: list[_Note], problems: list[Problem]) -> None:
    """Stop here, before any change, if anything was found wrong or a folder to write
    into is a symlink (one open to others is made private when written into)."""
    for folder in sorted({note.plain.parent for note in notes}):
        found = fsio.folder_problem(root, *folder.relative_to(root).parts)
        if found and not found[2]:
            problems.append(_linked(found[0]))
    if problems:
        raise CipherErrors(problems)


def _remove_temps(temps: list[Path]) -> None:
    for folder in sorted({t.parent for t in temps}):
        try:
            for temp in temps:
                if temp.parent == folder:
                    with contextlib.suppress(FileNotFoundError):  # a save finished meanwhile
                        os.unlink(temp)
            fsio.fsync_dir(folder)
        except OSError as exc:
            raise StoreError(
                f"every note is encrypted, but a temp file could not be removed: {exc.strerror}",
                path=folder,
                hint="remove the '.otj-*.part' files there ('otj doctor --fix')",
            ) from None


def _move(
    src: Path,
    dst: Path,
    open_src: Open,
    make: Callable[[bytes], bytes],
    open_dst: Open,
    step: Step | None,
) -> bool:
    """``src`` published as ``dst`` (unless a verified ``dst`` is there already), then
    ``src`` removed once ``dst`` opens to the same plaintext. True if ``dst`` was made."""
    raw = read_whole(src)
    plain = open_src(raw, src)
    made = False
    if not os.path.lexists(dst):
        made = fsio.create_named(dst.parent, dst.name, make(plain)) is not None
    if open_dst(read_whole(dst), dst) != plain:
        raise ConflictError(
            f"{dst.name} does not hold the same note as {src.name}: both were left as they are",
            path=dst,
            hint="compare them ('otj conflicts'), keep one, then run the command again",
        )
    if step:
        step("written", dst)
    if read_whole(src) != raw:  # changed meanwhile (a synced edit): keep it, stop
        raise ConflictError(
            "the file changed while it was converted: both forms were left as they are",
            path=src,
            hint="run the command again",
        )
    os.unlink(src)
    fsio.fsync_dir(src.parent)
    if step:
        step("removed", src)
    return made


def _same(raw: bytes, path: Path) -> bytes:
    return raw


def _find(root: Path, encrypting: bool, temps: list[Path]) -> tuple[list[_Note], list[Problem]]:
    """Every note-like file under the note trees, by its plaintext name, in both forms."""
    found: dict[Path, _Note] = {}
    problems: list[Problem] = []
    for parts in NOTE_TREES:
        top = root.joinpath(*parts)
        if not top.is_dir():
            continue

        def unlisted(exc: OSError) -> None:  # a folder not read would stay as it is
            problems.append(Problem(Path(exc.filename), f"cannot read folder: {exc.strerror}"))

        for folder, dirnames, filenames in os.walk(top, onerror=unlisted):
            dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
            for name in (*dirnames, *filenames):
                path = Path(folder, name)
                try:
                    st = os.lstat(path)
                except OSError as exc:
                    problems.append(Problem(path, f"cannot read: {exc.strerror}"))
                    continue
                if stat.S_ISLNK(st.st_mode):
                    problems.append(_linked(path))
                elif stat.S_ISREG(st.st_mode) and fsio.is_temp_name(name):
                    temps.append(path)
                elif stat.S_ISREG(st.st_mode) and not name.startswith("."):
                    _note_file(found, path, encrypting, problems)
    return [found[k] for k in sorted(found)], problems


def _note_file(
    found: dict[Path, _Note], path: Path, encrypting: bool, problems: list[Problem]
) -> None:
    name = path.name
    if name.endswith(NOTE_SUFFIX + AGE_SUFFIX):
        plain = path.with_name(name[: -len(AGE_SUFFIX)])
        found.setdefault(plain, _Note(plain)).has_age = True
    elif name.endswith(NOTE_SUFFIX):
        found.setdefault(path, _Note(path)).has_plain = True
    elif name.endswith(AGE_SUFFIX) and not encrypting:
        # A sync tool's copy of an encrypted note names it X.toml.sync-conflict-….age:
        # decrypted, it would be a name nothing recognises. Resolved first, it is not lost.
        problems.append(
            Problem(
                path,
                "an encrypted file not named like a note (a sync tool's conflict copy?): "
                "not decrypted",
                hint="resolve it with 'otj conflicts' (or move it out), then run again",
            )
        )


def _linked(path: Path) -> Problem:
    return Problem(
        path,
        "a symlink inside the notes folder: what it points to would not be converted",
        hint="put the real file or folder in its place, then run again",
    )


def _differ(note: _Note, unlock: Open) -> Problem | None:
    """Both forms present: fine when they are the same note (an interrupted run)."""
    try:
        same = unlock(read_whole(note.age), note.age) == read_whole(note.plain)
    except OtjournalError as exc:
        return Problem(exc.path or note.age, exc.message, hint=exc.hint)
    if same:
        return None
    return Problem(
        note.age,
        f"holds a different note from {note.plain.name} beside it: neither was converted",
        hint="compare them, keep one (move the other out), then run again",
    )


def _unreadable(path: Path, unlock: Open) -> Problem | None:
    try:
        unlock(read_whole(path), path)
    except OtjournalError as exc:
        return Problem(exc.path or path, exc.message, hint=exc.hint)
    return None


def _writable(root: Path, folder: Path) -> Path:
    """A folder converted in: checked as every folder written into (never a symlink)."""
    return fsio.private_folder(
        root, *folder.relative_to(root).parts, create=False, private_base=True
    )


def _is_copy(root: Path, plain: Path) -> int:
    from otjournal.disk.conflicts import conflict_copy

    in_client = plain.parent.parent == root / CLIENTS
    return conflict_copy(plain.name[: -len(NOTE_SUFFIX)], client_folder=in_client) is not None
