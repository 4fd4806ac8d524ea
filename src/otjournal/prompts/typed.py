"""What a person typed at a prompt, read as they typed it.

Python decodes a typed line with stdin's declared encoding. Under ``PYTHONIOENCODING=ascii``
(or a stream declared so) a terminal still sends UTF-8, and the guard's ``errors="replace"``
would turn every accented letter into U+FFFD, saved silently. So each answer is read with
``surrogateescape`` (the bytes survive), then decoded here: as declared, else as UTF-8.
Bytes that are text in neither are refused at a terminal (the person types the answer
again) and replaced from a pipe (nobody is there to ask: a stray byte never costs the entry).
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from typing import IO, Any

from otjournal.textcodec import is_ascii

KEPT = "surrogateescape"
UNREADABLE = (
    "That answer could not be read as text (the terminal sent bytes that are not UTF-8): "
    "please type it again, or set the terminal to UTF-8."
)
_ESCAPED = re.compile("[\udc80-\udcff]")


@contextlib.contextmanager
def bytes_kept(stream: IO[str] | Any) -> Iterator[None]:
    """While one answer is read, bytes ``stream`` cannot decode come through as
    surrogates. A stream already read from cannot change its errors (a pipe): left as it
    is, since what ``as_typed`` gets is then decoded the same way throughout."""
    reconfigure = getattr(stream, "reconfigure", None)
    before = getattr(stream, "errors", None)
    changed = False
    if reconfigure is not None and before != KEPT:
        with contextlib.suppress(OSError, ValueError):
            reconfigure(errors=KEPT)
            changed = True
    try:
        yield
    finally:
        if changed:  # others reading stdin later get the errors they set
            with contextlib.suppress(OSError, ValueError):
                reconfigure(errors=before)  # type: ignore[misc]


def as_typed(line: str, encoding: str, *, terminal: bool) -> str | None:
    """``line`` (read with ``surrogateescape`` in ``encoding``) as text: a line the
    encoding could not read is read as UTF-8. None when it is not UTF-8 either and a
    person is there to type it again; from a pipe the unreadable bytes are replaced."""
    if not _ESCAPED.search(line):
        return line
    try:
        return line.encode(encoding, KEPT).decode("utf-8")
    except (LookupError, UnicodeError):
        pass
    if terminal:
        return None
    if is_ascii(encoding):  # the rest of the line is UTF-8 the stream did not read
        return line.encode(encoding, KEPT).decode("utf-8", "replace")
    return _ESCAPED.sub("\ufffd", line)  # what the stream read stays as it read it


def is_terminal(stream: IO[str] | Any) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, OSError, ValueError):
        return False
