"""git's merge driver for session files: amendments made on two devices are joined.

``otj sync`` names this driver for ``clients/*/sessions/*.toml`` (gitsync.py, through
git's ``-c`` options: nothing is written into the person's own files). git calls it for
a session file changed on both sides, in a rebase as in a merge::

    python -m otjournal.mergedriver BASE OURS THEIRS PATH

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
from pathlib import Path

# Where each joined file's path is written (one per line), so sync can say what it joined.
LOG_ENV = "OTJOURNAL_MERGE_LOG"


def join(ours: bytes, theirs: bytes, path: Path) -> bytes:
    """The joined file, or ``OtjournalError`` (amend.CannotMerge, a parse error)."""
    from otjournal import amend
    from otjournal.errors import OtjournalError
    from otjournal.loading import MAX_FILE_BYTES, parse_record_bytes
    from otjournal.model import Session

    if max(len(ours), len(theirs)) > MAX_FILE_BYTES:
        raise OtjournalError("too large to be a note", path=path)
    a = parse_record_bytes(ours, path, Session.from_dict)
    b = parse_record_bytes(theirs, path, Session.from_dict)
    return amend.merge(ours, a, theirs, b)


def main(argv: list[str]) -> int:
    from otjournal.errors import OtjournalError

    base, ours, theirs, name = argv[:4]
    try:
        joined = join(Path(ours).read_bytes(), Path(theirs).read_bytes(), Path(name))
    except (OtjournalError, OSError, UnicodeError, RecursionError):
        joined = None
    if joined is None:
        labels = ["-L", "ours", "-L", "base", "-L", "theirs"]
        done = subprocess.run(["git", "merge-file", *labels, ours, base, theirs], check=False)
        return 1 if done.returncode != 0 else 0
    with open(ours, "wb") as f:  # git's own temp file: git reads it back
        f.write(joined)
    log = os.environ.get(LOG_ENV)
    if log:
        with open(log, "a", encoding="utf-8", errors="surrogateescape") as f:
            f.write(name + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
