"""One question about a stream's declared encoding, asked where output is made tolerant
(cli.tolerant_output) and where a typed answer is read (prompts/typed.py)."""

from __future__ import annotations

import codecs


def is_ascii(encoding: str | None) -> bool:
    """Whether ``encoding`` is ASCII under any of its names (``ascii``, ``ANSI_X3.4-1968``,
    ``us-ascii``…); an unknown name is not."""
    if not encoding:
        return False
    try:
        return codecs.lookup(encoding).name == "ascii"
    except LookupError:
        return False
