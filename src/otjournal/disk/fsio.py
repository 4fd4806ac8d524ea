"""Safe file primitives: create without overwriting, replace only what was read.

The recipe (docs/format.md, reliability notes): write a temp in the same folder
(0600 from creation), flush, fsync, publish with ``os.link`` -- which never
overwrites -- then unlink the temp and fsync the folder. A failed fsync is never
retried: the error is reported and the caller keeps its draft.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import stat
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO

from otjournal.disk.writelock import lock_current
from otjournal.errors import ConflictError, StoreError
from otjournal.frozen import frozen

TEMP_PREFIX = ".otj-"
TEMP_SUFFIX = ".part"
DIR_MODE = 0o700
FILE_MODE = 0o600
# Errors that mean "this filesystem has no hard links": fall back to O_EXCL.
_NO_LINK = {
    errno.EPERM,
    errno.ENOTSUP,
    errno.EOPNOTSUPP,
    errno.ENOSYS,
    errno.EXDEV,
    errno.EMLINK,
    errno.EINVAL,
}
MAX_NAME_TRIES = 50


def fsync_file(fd: int) -> None:
    if sys.platform == "darwin":  # pragma: no cover - macOS only
        import fcntl

        fcntl.fcntl(fd, fcntl.F_FULLFSYNC)
    else:
        os.fsync(fd)


def fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        fsync_file(fd)
    finally:
        os.close(fd)


def append_line(log: Path, line: bytes, durable: bool = True) -> None:
    """One line at the end of ``log`` (created 0600 if new, never through a symlink): one
    write on an O_APPEND descriptor, then fsync (and the folder, for a new file). After
    a torn last line the new one starts on a line of its own. OSError on failure."""
    flags = os.O_RDWR | os.O_APPEND | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0)
    new = not log.exists()
    fd = os.open(log, flags, 0o600)
    try:
        size = os.fstat(fd).st_size
        if size and os.pread(fd, 1, size - 1) != b"\n":
            line = b"\n" + line
        if os.write(fd, line) != len(line):
            raise OSError(5, "short write")
        if durable:
            fsync_file(fd)
    finally:
        os.close(fd)
    if new and durable:
        fsync_dir(log.parent)


def is_temp_name(name: str) -> bool:
    return name.startswith(TEMP_PREFIX) and name.endswith(TEMP_SUFFIX)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        n = os.write(fd, view)
        if n <= 0:
            raise OSError(errno.EIO, "short write")
        view = view[n:]


@contextlib.contextmanager
def _temp_file(folder: Path, data: bytes, durable: bool) -> Iterator[Path]:
    """A fully written (and fsynced) temp file in ``folder``; always removed after."""
    import tempfile

    fd, name = tempfile.mkstemp(prefix=TEMP_PREFIX, suffix=TEMP_SUFFIX, dir=folder)
    tmp = Path(name)
    try:
        try:
            _write_all(fd, data)
            if durable:
                fsync_file(fd)
        finally:
            os.close(fd)
        yield tmp
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()


def _not_saved(folder: Path, exc: OSError) -> StoreError:
    return StoreError(
        f"could not save in {folder}: {_describe(exc)}; nothing was written",
        path=folder,
        hint="check free space and permissions, then try again",
    )


def _describe(exc: OSError) -> str:
    return exc.strerror or type(exc).__name__


def create_new(
    folder: Path,
    make: Callable[[int], tuple[str, bytes]],
    *,
    durable: bool = True,
) -> Path:
    """Publish a new file under the first free name ``make(0)``, ``make(1)``, ...

    ``make(attempt)`` returns the file name and its bytes (a record's id is in
    its content, so a new name means new bytes). Never overwrites. Returns the
    final path once the file and its folder are durable. On any failure the
    folder is left as it was and StoreError is raised.
    """
    try:
        for attempt in range(MAX_NAME_TRIES):
            name, data = make(attempt)
            with _temp_file(folder, data, durable) as tmp:
                final = _publish(tmp, folder / name, data, durable)
            if final is not None:
                if durable:
                    _fsync_dir_or_withdraw(folder, final)
                return final
    except StoreError:
        raise
    except OSError as exc:
        raise _not_saved(folder, exc) from None
    raise StoreError(f"could not find a free file name in {folder}", path=folder)


def create_named(folder: Path, name: str, data: bytes) -> Path | None:
    """Publish ``data`` as exactly ``folder/name``; None if that name is taken."""
    try:
        with _temp_file(folder, data, True) as tmp:
            final = _publish(tmp, folder / name, data, True)
        if final is not None:
            _fsync_dir_or_withdraw(folder, final)
        return final
    except OSError as exc:
        raise _not_saved(folder, exc) from None


def create_named_streamed(folder: Path, name: str, fill: Callable[[BinaryIO], None]) -> Path | None:
    """As ``create_named``, with the bytes ``fill`` writes (never held whole: an export
    of any size); None if the name is taken. Whatever ``fill`` raises leaves nothing."""
    import tempfile

    try:
        fd, name_tmp = tempfile.mkstemp(prefix=TEMP_PREFIX, suffix=TEMP_SUFFIX, dir=folder)
        tmp = Path(name_tmp)
        try:
            with os.fdopen(fd, "wb") as fh:
                fill(fh)
                fh.flush()
                fsync_file(fh.fileno())
            final = _publish(tmp, folder / name, None, True)
            if final is None:
                return None
        finally:
            with contextlib.suppress(FileNotFoundError):
                tmp.unlink()
        _fsync_dir_or_withdraw(folder, final)
        return final
    except OSError as exc:
        raise _not_saved(folder, exc) from None


def _fsync_dir_or_withdraw(folder: Path, final: Path) -> None:
    """The new name must survive a power cut; if the folder cannot be flushed, take the
    name back so the caller's draft stays the only copy (no fsync retry)."""
    try:
        fsync_dir(folder)
    except OSError:
        with contextlib.suppress(OSError):
            final.unlink()
        raise


def _publish(tmp: Path, final: Path, data: bytes | None, durable: bool) -> Path | None:
    """Give ``tmp`` the name ``final``; None if that name is taken. Where the filesystem
    has no hard links, ``final`` is created exclusively and ``data`` written into it
    (``None``: copied from ``tmp``, for bytes never held whole)."""
    try:
        os.link(tmp, final, follow_symlinks=False)
        return final
    except FileExistsError:
        return None
    except OSError as exc:
        if exc.errno not in _NO_LINK:
            raise
    # No hard links on this filesystem: exclusive create, then write in place.
    try:
        fd = os.open(final, os.O_CREAT | os.O_EXCL | os.O_WRONLY | _NOFOLLOW, FILE_MODE)
    except FileExistsError:
        return None
    try:
        if data is None:
            _copy_into(fd, tmp)
        else:
            _write_all(fd, data)
        if durable:
            fsync_file(fd)
    except OSError:
        os.close(fd)
        with contextlib.suppress(OSError):
            final.unlink()
        raise
    os.close(fd)
    return final


def _copy_into(fd: int, source: Path) -> None:
    with source.open("rb") as src:
        while chunk := src.read(1 << 20):
            _write_all(fd, chunk)


_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)


@frozen
class Fingerprint:
    """What a file was when it was read: replacing it later checks it is unchanged."""

    size: int
    mtime_ns: int
    sha256: str

    @classmethod
    def of(cls, data: bytes, stat: os.stat_result) -> Fingerprint:
        return cls(stat.st_size, stat.st_mtime_ns, hashlib.sha256(data).hexdigest())


def read_with_fingerprint(path: Path, limit: int) -> tuple[bytes, Fingerprint]:
    """A file's bytes and fingerprint; OSError for one larger than ``limit`` (never a
    part of it: a client.toml read cut short was saved back without what it lost)."""
    from otjournal.disk.parsing import open_stat

    fd, st = open_stat(path)
    try:
        with os.fdopen(fd, "rb", closefd=False) as fh:
            data = fh.read(limit + 1)
    finally:
        os.close(fd)
    if len(data) > limit:
        raise OSError(errno.EFBIG, "too large to be a file otjournal wrote")
    return data, Fingerprint.of(data, st)


def replace_checked(path: Path, data: bytes, expected: Fingerprint, limit: int) -> None:
    """Replace ``path`` with ``data`` if it is still exactly what was read. The check and
    the replace are made under an exclusive lock on the file (writelock.py), so two
    otjournal commands writing one file at once never both pass the check: the second
    finds the first one's change and stops, rather than overwrite it."""
    try:
        held = lock_current(path)
    except FileNotFoundError:
        held = None  # said below, where the file is read again
    except OSError as exc:
        raise ConflictError(
            f"the file cannot be opened to replace it ({_describe(exc)}; a symlink?); "
            "nothing was changed",
            path=path,
        ) from None
    try:
        _replace_if_unchanged(path, data, expected, limit)
    finally:
        if held is not None:
            os.close(held)  # the lock goes with it


def _replace_if_unchanged(path: Path, data: bytes, expected: Fingerprint, limit: int) -> None:
    folder = path.parent
    try:
        before, now = read_with_fingerprint(path, limit)
    except FileNotFoundError:
        raise ConflictError(
            "the file was removed or renamed since it was read; nothing was changed",
            path=path,
        ) from None
    except OSError as exc:
        raise ConflictError(
            f"the file cannot be read again before replacing it ({_describe(exc)}; "
            "a symlink?); nothing was changed",
            path=path,
        ) from None
    if now != expected:
        raise ConflictError(
            "the file changed on disk since it was read (another device or an editor?); "
            "nothing was changed",
            path=path,
            hint="run the command again to work from the current file",
        )
    try:
        with _temp_file(folder, data, True) as tmp:
            os.replace(tmp, path)
    except OSError as exc:
        raise StoreError(
            f"could not save {path.name}: {_describe(exc)}; the previous file is unchanged",
            path=path,
        ) from None
    try:
        fsync_dir(folder)
    except OSError as exc:
        # Not durable: put the previous bytes back (no fsync retry), so that running
        # the command again cannot apply the change twice.
        try:
            with _temp_file(folder, before, False) as tmp:
                os.replace(tmp, path)
            outcome = "the previous file was put back"
        except OSError:
            outcome = "the new file is in place but may not survive a power cut"
        raise StoreError(
            f"could not flush the folder of {path.name} to disk ({_describe(exc)}): {outcome}",
            path=path,
            hint="check the disk, then run 'otj check'",
        ) from None


def private_folder(
    base: Path,
    *parts: str,
    create: bool = True,
    private_base: bool = False,
    created: list[Path] | None = None,
) -> Path:
    """The folder ``base/parts…`` that otjournal is about to write into, checked on the way down.

    ``base`` is trusted as it is: the notes folder the person named (it may sit under a
    symlinked home, or be a link into a synced folder) or the platform's own folder
    (~/.cache, ~/.config). Every part below it is otjournal's own, so each must be a real
    folder: a symlink there is none otjournal made (it never makes one), and writing
    through it would put health records where nobody chose; it is refused, as is a file.
    A missing folder is created 0700 (with ``create``; without it the walk stops there and
    the caller's own read or replace says what is missing). A folder others may enter is
    made private again, or refused when it cannot be. ``private_base``: ``base`` itself is
    held to that too (the notes folder; never a platform folder). ``created`` collects
    the folders made here, so that a failed write can take them back.
    """
    target = base.joinpath(*parts)
    for part in parts:
        if part in ("", ".", "..") or "/" in part or os.sep in part:
            raise StoreError(f"refusing to write: {part!r} is not a folder name", path=target)
    if not os.path.lexists(base):
        if not create:
            return target
        _make_missing(base, created)
    try:
        st = os.stat(base)  # base is trusted: a link there is followed
    except OSError as exc:
        raise _unsafe(base, f"cannot be opened ({_describe(exc)})") from None
    _check_folder(base, st, private=private_base)
    folder = base
    for part in parts:
        folder = folder / part
        try:
            st = os.lstat(folder)
        except FileNotFoundError:
            if not create:
                return target
            _make_missing(folder, created)
            st = os.lstat(folder)
        except OSError as exc:
            raise _unsafe(folder, f"cannot be opened ({_describe(exc)})") from None
        _check_folder(folder, st, private=True)
    return target


def folder_problem(base: Path, *parts: str) -> tuple[Path, str, bool] | None:
    """What ``private_folder(base, *parts)`` would refuse or fix, changing nothing: the
    first folder on the way down that is a symlink, not a folder, or open to others, what
    is wrong, and whether ``private_folder`` can fix it. None when all is well or missing."""
    folder = base
    for i, part in enumerate(("", *parts)):
        folder = folder / part if part else folder
        try:
            st = os.stat(folder) if i == 0 else os.lstat(folder)
        except OSError:
            return None
        if stat.S_ISLNK(st.st_mode):
            return folder, "is a symlink (otjournal does not write through it)", False
        if not stat.S_ISDIR(st.st_mode):
            return folder, "is not a folder", False
        mode = stat.S_IMODE(st.st_mode)
        if i > 0 and mode & 0o077:
            return folder, f"is open to others (mode {mode:o})", True
    return None


def _make_missing(folder: Path, created: list[Path] | None) -> None:
    """``folder`` and any missing parents, each 0700 (the XDG rule for a missing folder)."""
    missing = []
    p = folder
    while not os.path.lexists(p) and p.parent != p:
        missing.append(p)
        p = p.parent
    for f in reversed(missing):
        try:
            os.mkdir(f, DIR_MODE)
        except FileExistsError:
            continue  # made meanwhile by another otj: checked like any other
        except OSError as exc:
            raise StoreError(
                f"could not create folder {f}: {_describe(exc)}; nothing was written", path=f
            ) from None
        if created is not None:
            created.append(f)
        with contextlib.suppress(OSError):
            fsync_dir(f.parent)


def _check_folder(folder: Path, st: os.stat_result, *, private: bool) -> None:
    if stat.S_ISLNK(st.st_mode):
        raise _unsafe(folder, "a symlink, not a folder of otjournal's own")
    if not stat.S_ISDIR(st.st_mode):
        raise _unsafe(folder, "not a folder")
    mode = stat.S_IMODE(st.st_mode)
    if private and mode & 0o077:
        try:
            os.chmod(folder, mode & DIR_MODE)
        except OSError as exc:
            raise StoreError(
                f"refusing to write: the folder is open to others (mode {mode:o}) and could "
                f"not be made private ({_describe(exc)}); nothing was written",
                path=folder,
                hint=f"chmod 700 '{folder}'",
            ) from None


def _unsafe(folder: Path, what: str) -> StoreError:
    return StoreError(
        f"refusing to write here: {what}; nothing was written",
        path=folder,
        hint="put the real folder in its place: otjournal never writes through a symlink "
        "it did not make",
    )


def remove_empty(folders: list[Path]) -> None:
    """Take back folders made for a write that failed: innermost first, only if empty."""
    for folder in reversed(folders):
        try:
            os.rmdir(folder)
        except OSError:
            return  # not empty (something else arrived): it stays, and so do its parents
        with contextlib.suppress(OSError):
            fsync_dir(folder.parent)


def open_to_others(folder: Path) -> list[Path]:
    """Everything under ``folder`` (itself included) that others may read, write or
    enter. Links are not followed; a folder that is itself a link yields nothing."""
    if not folder.is_dir() or folder.is_symlink():
        return []
    wide = []
    for dirpath, dirnames, filenames in os.walk(folder):
        for name in ("", *dirnames, *filenames):
            path = Path(dirpath) / name if name else Path(dirpath)
            with contextlib.suppress(OSError):
                st = os.lstat(path)
                if not stat.S_ISLNK(st.st_mode) and st.st_mode & 0o077:
                    wide.append(path)
    return wide


def close_to_others(folder: Path) -> int:
    """Take the group and world bits off everything under ``folder`` (git writes with
    the umask); the owner's bits stay as they are. Returns how many changed."""
    changed = 0
    for path in open_to_others(folder):
        with contextlib.suppress(OSError):
            os.chmod(path, stat.S_IMODE(os.lstat(path).st_mode) & 0o700)
            changed += 1
    return changed
