"""git's merge driver for session files: amendments made on two devices are joined.

``otj sync`` names this driver for ``clients/*/sessions/*.toml`` (gitsync.py, through
git's ``-c`` options: nothing is written into the person's own files). git calls it for
a session file changed on both sides, in a rebase as in a merge::

    python -m otjournal.sync.mergedriver BASE OURS THEIRS PATH

When both sides are the same note with different amendments (``amend.merge``), OURS
becomes the note with every amendment of both, in time order and re-chained, and the
driver exits 0. Anything else gets git's own line merge (conflict markers, exit 1) and
is left for ``otj conflicts``: a joining that could be wrong is never guessed at. Even
a textually clean merge of two amended copies is not trusted, since it would leave an
amendment chained to bytes that are no longer before it.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")

# Where each joined file's path is written (one per line), so sync can say what it joined.
LOG_ENV = "OTJOURNAL_MERGE_LOG"


def join(ours: bytes, theirs: bytes, path: Path) -> bytes:
    """The joined file, or ``OtjournalError`` (amend.CannotMerge, a parse error)."""
    from otjournal.disk import amend
    from otjournal.disk.parsing import MAX_FILE_BYTES, parse_record_bytes
    from otjournal.errors import OtjournalError
    from otjournal.model import Session

    if max(len(ours), len(theirs)) > MAX_FILE_BYTES:
        raise OtjournalError("too large to be a note", path=path)
    a = parse_record_bytes(ours, path, Session.from_dict)
    b = parse_record_bytes(theirs, path, Session.from_dict)
    return amend.merge(ours, a, theirs, b)


def main(argv: list[str]) -> int:
    base, ours, theirs, name = argv[:4]
    try:
        a, b = Path(ours).read_bytes(), Path(theirs).read_bytes()
    except OSError:
        return 1
    joined = _or_none(lambda: join(a, b, Path(name)))
    if joined is None:
        labels = ["-L", "ours", "-L", "base", "-L", "theirs"]
        done = subprocess.run(["git", "merge-file", *labels, ours, base, theirs], check=False)
        if done.returncode != 0:
            return 1
        # A clean line merge counts only if it reads as a note whose chain holds: an
        # amendment joined to a note edited on the other side would be chained to bytes
        # that are no longer there. Both whole sides then go between markers.
        if _or_none(lambda: _holds(Path(ours).read_bytes(), Path(name))):
            return 0
        joined = b"<<<<<<< ours\n" + _ended(a) + b"=======\n" + _ended(b) + b">>>>>>> theirs\n"
        code = 1
    else:
        code = 0
        log = os.environ.get(LOG_ENV)
        if log:
            with open(log, "a", encoding="utf-8", errors="surrogateescape") as f:
                f.write(name + "\n")
    with open(ours, "wb") as f:  # git's own temp file: git reads it back
        f.write(joined)
    return code


def _holds(raw: bytes, path: Path) -> bool:
    from otjournal.disk import amend
    from otjournal.disk.parsing import parse_record_bytes
    from otjournal.model import Session

    note = parse_record_bytes(raw, path, Session.from_dict)
    return len(amend.HEADER.findall(raw)) == len(note.amendments) and not amend.verify(raw, note)


def _ended(raw: bytes) -> bytes:
    return raw if raw.endswith(b"\n") else raw + b"\n"


def _or_none(make: Callable[[], T]) -> T | None:
    """The value, or None where the bytes are not a note otjournal can vouch for."""
    from otjournal.errors import OtjournalError

    try:
        return make()
    except (OtjournalError, UnicodeError, RecursionError, ValueError):
        return None


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
