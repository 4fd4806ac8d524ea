"""One file's bytes read safely and parsed into a record, with located errors: the size
rule, no symlink followed, the parser of each kind. Used by the folder's reader
(loading.py), ``--from``, imports and the merge driver."""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeAlias, TypeVar

from otjournal.errors import InvalidFile, OtjournalError, Problem, StoreError, ValidationErrors

if TYPE_CHECKING:
    from otjournal.disk.loading import Record

MAX_FILE_BYTES = 1024 * 1024
# Room for age's header (about 200 bytes per recipient) and its tags (16 bytes per 64 KiB)
# on an encrypted note.
AGE_OVERHEAD = 64 * 1024
R = TypeVar("R")
Parse: TypeAlias = Callable[[dict[str, Any]], R]  # a model class's ``from_dict``


def too_large(size: int) -> str | None:
    """The loader's size rule, for a file read and for one about to be written (an import
    must not write what the loader then refuses)."""
    return f"larger than {MAX_FILE_BYTES // 1024} KiB" if size > MAX_FILE_BYTES else None


_READ = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)


def open_regular(path: Path | str) -> int:
    """A file opened for reading, never through a symlink, and only if it is a regular
    file: a FIFO named like a note would hang every read of its folder (opening one for
    reading waits for a writer; not with O_NONBLOCK, which changes nothing for a regular
    file). OSError for anything else, its ``strerror`` in words."""
    return open_stat(path)[0]


def read_whole(path: Path) -> bytes:
    """All of a file's bytes, opened as ``open_regular`` opens it (a sync tool's copy to
    compare, say): StoreError naming the file for a FIFO, a symlink or a file that
    cannot be read, never a wait for a writer."""
    try:
        with os.fdopen(open_regular(path), "rb") as fh:
            return fh.read()
    except OSError as exc:
        raise StoreError(f"cannot read: {exc.strerror}", path=path) from None


def open_stat(path: Path | str) -> tuple[int, os.stat_result]:
    """``open_regular``, and the file's stat: one fstat for both (a first run opens every
    note; a fingerprint and a read's size need the stat too)."""
    try:
        fd = os.open(path, _READ)
    except OSError as exc:
        if exc.errno == errno.ELOOP:  # O_NOFOLLOW's answer: in words, not "too many levels"
            raise OSError(errno.ELOOP, "a symlink, which otjournal never follows") from None
        raise
    try:
        st = os.fstat(fd)
    except OSError:
        os.close(fd)
        raise
    if not stat.S_ISREG(st.st_mode):
        os.close(fd)
        raise OSError(errno.EINVAL, "not a regular file")
    return fd, st


def read_file(where: Path | str, problems: list[Problem], missing_ok: bool = True) -> bytes | None:
    """A file's bytes, or None with its problem noted. ``where`` may be the path as text:
    a first read opens every note, and a Path made only for a problem saves its cost."""
    try:
        fd, st = open_stat(where)
    except FileNotFoundError:
        if not missing_ok:
            problems.append(
                Problem(
                    Path(where),
                    "missing: each client folder needs a client.toml",
                    hint="otj client add HANDLE writes one",
                )
            )
        return None
    except OSError as exc:
        problems.append(Problem(Path(where), f"cannot read: {exc.strerror}"))
        return None
    sealed = str(where).endswith(".age")
    try:
        raw = read_capped(fd, MAX_FILE_BYTES + 1 + (AGE_OVERHEAD if sealed else 0), st.st_size)
    except OSError as exc:
        problems.append(Problem(Path(where), f"cannot read: {exc.strerror}"))
        return None
    finally:
        os.close(fd)
    if sealed:
        opened = _opened(raw, Path(where), problems)
        if opened is None:
            return None
        raw = opened
    big = too_large(len(raw))
    if big:
        problems.append(oversize(where, big))
        return None
    return raw


def oversize(where: Path | str, big: str) -> Problem:
    """The size rule's problem, for a file read (``too_large``'s words in ``big``)."""
    return Problem(
        Path(where),
        f"{big}: not a note otjournal wrote",
        line=1,
        column=1,
        hint="move it out of the notes folder",
    )


def read_capped(fd: int, cap: int, size: int | None = None) -> bytes:
    """At most ``cap`` bytes of an open file (one more than the size rule allows, so a
    file too large shows as such), read in one call sized by its length: a read asked
    for the cap itself allocates a megabyte for each file, a quarter of a first run's
    time. A read that comes back short is the end of the file; one that does not (the
    file grew since its length was taken) goes on to the cap. ``size``: the length,
    when the caller has just taken it."""
    want = min((os.fstat(fd).st_size if size is None else size) + 1, cap)
    chunks = []
    while True:
        chunk = os.read(fd, want)
        chunks.append(chunk)
        cap -= len(chunk)
        if len(chunk) < want or not cap:
            return b"".join(chunks)
        want = min(64 * 1024, cap)


def _opened(raw: bytes, path: Path, problems: list[Problem]) -> bytes | None:
    """An age file's plaintext; a file no key here opens (or changed) is a located
    problem, so every other note still counts."""
    from otjournal.disk import keys
    from otjournal.errors import CipherError

    if len(raw) > MAX_FILE_BYTES + AGE_OVERHEAD:
        problems.append(Problem(path, f"{too_large(len(raw))}: not a note otjournal wrote"))
        return None
    try:
        return keys.plaintext(raw, path)
    except CipherError as exc:
        problems.append(Problem(path, exc.message, hint=exc.hint))
        return None


def position(raw: bytes, field_name: str) -> tuple[int, int]:
    from otjournal.disk import tomllocate

    return tomllocate.locate(raw.decode("utf-8", "replace"), field_name)


def file_position(path: Path, field_name: str) -> tuple[int, int]:
    """Where ``field_name`` is in the note at ``path``, read again for a problem found
    after parsing (a date after today, an id a copy shares); 1:1 if it cannot be read.
    Only for such rare problems: never part of a read."""
    from otjournal.disk.keys import plaintext

    try:
        fd, st = open_stat(path)
        try:
            raw = read_capped(fd, MAX_FILE_BYTES + 1 + AGE_OVERHEAD, st.st_size)
        finally:
            os.close(fd)
        return position(plaintext(raw, path), field_name)
    except (OSError, OtjournalError):
        return 1, 1


_PARSED = {"client": "Client", "session": "Session", "homework": "HomeworkEntry"}


def parser(kind: str) -> Parse[Record]:
    """The parser of a kind of file. Only that kind's classes are loaded (the model loads
    each on first use): ``list`` builds sessions alone, and need not build the rest."""
    from otjournal import model

    parse: Parse[Record] = getattr(model, _PARSED[kind]).from_dict
    return parse


def parse_collect(
    raw: bytes, where: Path | str, parse: Parse[R], problems: list[Problem]
) -> tuple[dict[str, Any], R] | None:
    """The table and record a file's bytes parse to; None (problems noted) if they do not.
    ``where`` as in ``read_file``."""
    try:
        return parse_table_and_record(raw, where, parse)
    except InvalidFile as exc:
        problems.extend(exc.problems)
    except OtjournalError as exc:
        problems.append(Problem(Path(where), exc.message, exc.line, exc.column, exc.hint))
    return None


def parse_record_bytes(raw: bytes, path: Path, parse: Parse[R]) -> R:
    """Parse one file's bytes (from the folder, ``--from`` or an import) with located errors."""
    return parse_table_and_record(raw, path, parse)[1]


def parse_table_and_record(
    raw: bytes, path: Path | str, parse: Parse[R]
) -> tuple[dict[str, Any], R]:
    """The TOML table of a file's bytes and the record it makes (the cache keeps the table)."""
    from otjournal.disk import tomlio  # not imported when every file comes from the cache

    big = too_large(len(raw))
    if big:  # the loader's rule, for every file parsed: one read whole elsewhere too
        said = oversize(path, big)
        raise tomlio.ParseError(said.message, path=said.path, line=1, column=1, hint=said.hint)
    tomlio.check_complete(raw, path)  # "cut short" says more than the parse error would
    data = tomlio.parse(raw, path, zones=False)  # the record's reader sets its zones
    try:
        return data, parse(data)
    except ValidationErrors as exc:
        raise tomlio.located(exc, raw, Path(path)) from None
