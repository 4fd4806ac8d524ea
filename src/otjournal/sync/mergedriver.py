"""git's merge driver: what two devices changed in one file is joined.

``otj sync`` names this driver for ``clients/*/sessions/*.toml`` and
``clients/*/client.toml`` (gitsync.py, through git's ``-c`` options: nothing is written
into the person's own files). git calls it for a file changed on both sides, in a rebase
as in a merge::

    python -m otjournal.sync.mergedriver BASE OURS THEIRS PATH

A session note: when both sides are the same note with different amendments
(``amend.merge``), OURS becomes the note with every amendment of both, in time order and
re-chained, and the driver exits 0. A client.toml: when the two sides join
(``clientmerge.join`` with BASE: the goals and homework of both, each field changed on
one side only), OURS becomes the joined file, exit 0. Anything else gets git's own line
merge (conflict markers, exit 1) and is left for ``otj conflicts``: a joining that could
be wrong is never guessed at. Even a textually clean merge of two amended copies is not
trusted, since it would leave an amendment chained to bytes that are no longer before
it; a clean line merge of a client.toml counts only if it reads as a client.
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


def join_client(base: bytes, ours: bytes, theirs: bytes, path: Path) -> bytes:
    """The joined client.toml, or ``OtjournalError`` (clientmerge.CannotMerge, a parse
    error). A base that does not read as a client (none: the file was added on both
    sides) is no base."""
    from otjournal.disk import tomlio
    from otjournal.disk.parsing import MAX_FILE_BYTES, parse_record_bytes
    from otjournal.errors import OtjournalError
    from otjournal.model import Client
    from otjournal.sync import clientmerge

    if max(len(base), len(ours), len(theirs)) > MAX_FILE_BYTES:
        raise OtjournalError("too large to be a client file", path=path)
    a = parse_record_bytes(ours, path, Client.from_dict)
    b = parse_record_bytes(theirs, path, Client.from_dict)
    o = _or_none(lambda: parse_record_bytes(base, path, Client.from_dict))
    return tomlio.dumps(clientmerge.join(a, b, o).to_dict())


def is_client_file(name: str) -> bool:
    return Path(name).name == "client.toml"


def main(argv: list[str]) -> int:
    base, ours, theirs, name = argv[:4]
    try:
        o, a, b = Path(base).read_bytes(), Path(ours).read_bytes(), Path(theirs).read_bytes()
    except OSError:
        return 1
    path = Path(name)
    if is_client_file(name):
        joined = _or_none(lambda: _guarded(lambda: join_client(o, a, b, path)))
    else:
        joined = _or_none(lambda: join(a, b, path))
    if joined is None:
        labels = ["-L", "ours", "-L", "base", "-L", "theirs"]
        done = subprocess.run(["git", "merge-file", *labels, ours, base, theirs], check=False)
        if done.returncode != 0:
            return 1
        # A clean line merge counts only if it reads as a note whose chain holds: an
        # amendment joined to a note edited on the other side would be chained to bytes
        # that are no longer there (a client.toml: only if it reads as a client). Both
        # whole sides then go between markers.
        holds = _client_holds if is_client_file(name) else _holds
        if _or_none(lambda: holds(Path(ours).read_bytes(), path)):
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


def _client_holds(raw: bytes, path: Path) -> bool:
    from otjournal.disk.parsing import parse_record_bytes
    from otjournal.model import Client

    parse_record_bytes(raw, path, Client.from_dict)
    return True


def _guarded(make: Callable[[], T]) -> T:
    """A failure of the join itself (a bug) must not stop the driver: git would then
    keep OURS alone. It becomes an error, and git's line merge takes over."""
    from otjournal.errors import OtjournalError

    try:
        return make()
    except OtjournalError:
        raise
    except Exception as exc:  # any failure falls back to the line merge
        raise OtjournalError(f"could not join: {type(exc).__name__}") from None


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
