"""``-`` for stdin on every file a command reads: one reader, with the loader's rules."""

from __future__ import annotations

import sys
from pathlib import Path

from otjournal.errors import InvalidFile, Problem, UsageError

STDIN = "-"
# A shared homework file holds many entries, each up to the loader's size (1 MiB): it is
# capped well above that, each entry then checked on its own, but never read unbounded.
SHARED_LIMIT = 32 * 1024 * 1024


def read_input(source: str | Path, limit: int | None = None) -> tuple[bytes, Path]:
    """The bytes of a file, or of stdin for ``-``, and the name to say in errors. Input
    larger than the loader reads (or ``limit``) is refused the way the loader refuses a
    file (``disk.parsing.too_large``), not held in memory; NUL bytes and the rest are
    the parser's to refuse."""
    from otjournal.disk.parsing import MAX_FILE_BYTES, too_large

    limit = MAX_FILE_BYTES if limit is None else limit
    name = Path("<stdin>") if str(source) == STDIN else Path(source)
    try:
        if str(source) == STDIN:
            stream = getattr(sys.stdin, "buffer", None)
            raw = (
                stream.read(limit + 1)
                if stream is not None
                else sys.stdin.read(limit + 1).encode("utf-8", "replace")
            )
        else:
            with open(name, "rb") as fh:
                raw = fh.read(limit + 1)
    except OSError as exc:
        raise UsageError(f"cannot read {name}: {exc.strerror}") from None
    if len(raw) > limit:
        big = too_large(len(raw)) if limit == MAX_FILE_BYTES else f"larger than {limit >> 20} MiB"
        raise InvalidFile(
            [Problem(name, f"{big}: not a file otjournal wrote", 1, 1, "check what was given")]
        )
    return raw, name
