"""One writer at a time per file: the lock ``fsio.replace_checked`` holds while it checks
that a file is still what was read and replaces it (two commands at once, reliability.md:
never last-writer-wins). Advisory (``flock``), on the file itself: nothing is added to
the notes folder, and a lock is never left behind (it goes when its holder exits)."""

from __future__ import annotations

import errno
import os
from pathlib import Path

from otjournal.errors import ConflictError

_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
TRIES = 100


def lock_current(path: Path) -> int | None:
    """An open descriptor of the file now at ``path``, locked exclusively (``flock``,
    which every otjournal writer takes), or None where there are no such locks. A
    replace gives the path a new file, so once the lock is held the path must still name
    the locked file; if another writer replaced it meanwhile, the new one is locked."""
    try:
        import fcntl
    except ImportError:  # not on every platform: the check alone, as before
        return None
    for _ in range(TRIES):
        fd = os.open(path, os.O_RDONLY | _NOFOLLOW)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)  # waits while another writer holds it
            held, now = os.fstat(fd), os.stat(path, follow_symlinks=False)
        except OSError as exc:
            os.close(fd)
            if exc.errno in (errno.ENOLCK, errno.EOPNOTSUPP, errno.ENOSYS, errno.EINVAL):
                return None  # a file system without locks
            raise
        if (held.st_dev, held.st_ino) == (now.st_dev, now.st_ino):
            return fd
        os.close(fd)  # replaced while we waited: lock the file it names now
    raise ConflictError(
        "the file kept being replaced by another program; nothing was changed", path=path
    )
