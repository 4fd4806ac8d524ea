"""``-`` for stdin on every file a command reads: one reader, with the loader's rules."""

from __future__ import annotations

import sys
from pathlib import Path

from otjournal.errors import InvalidFile, Problem, UsageError

STDIN = "-"


def read_input(source: str | Path) -> tuple[bytes, Path]:
    """The bytes of a file, or of stdin for ``-``, and the name to say in errors. Input
    larger than the loader reads is refused the same way (``disk.parsing.too_large``)
    rather than held in memory; NUL bytes and the rest are the parser's to refuse."""
    from otjournal.disk.parsing import MAX_FILE_BYTES, too_large

    name = Path("<stdin>") if str(source) == STDIN else Path(source)
    try:
        if str(source) == STDIN:
            stream = getattr(sys.stdin, "buffer", None)
            raw = (
                stream.read(MAX_FILE_BYTES + 1)
                if stream is not None
                else sys.stdin.read(MAX_FILE_BYTES + 1).encode("utf-8", "replace")
            )
        else:
            with open(name, "rb") as fh:
                raw = fh.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise UsageError(f"cannot read {name}: {exc.strerror}") from None
    big = too_large(len(raw))
    if big:
        raise InvalidFile(
            [Problem(name, f"{big}: not a file otjournal wrote", 1, 1, "check what was given")]
        )
    return raw, name
