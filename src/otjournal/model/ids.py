"""Client handles, record ids and file stems.

A handle becomes a folder name, so it is a strict slug. Record ids are
``YYYY-MM-DD_HHMM_<suffix>``: the date and time sort a folder chronologically,
and the random suffix keeps two devices writing at the same minute apart.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from random import Random

HANDLE_MAX = 40
SLUG_HINT = "use lower-case letters, digits and hyphens, starting with a letter or digit"
_HANDLE_RE = re.compile(r"[a-z0-9][a-z0-9-]*\Z")
_ID_RE = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}\Z")
# Windows device names cannot be folder names there, whatever the extension.
_RESERVED = (
    {"con", "prn", "aux", "nul"} | {f"com{i}" for i in range(10)} | {f"lpt{i}" for i in range(10)}
)
# No 0/o, 1/l/i: suffixes are read aloud and typed by hand.
SUFFIX_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"
SUFFIX_LEN = 5


_TOKEN_RE = re.compile(r"[a-z0-9][a-z0-9_./-]{0,79}\Z")


def shown(value: object) -> str:
    """A value for an error message. Only a number or an identifier (a handle, an id, a
    name without spaces) is repeated, quoted; anything else may be note text typed in the
    wrong place, so it is never echoed."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return repr(value)
    if isinstance(value, str) and _TOKEN_RE.match(value):
        return repr(value)
    return "(not shown: not an identifier)"


def is_slug(value: str) -> bool:
    return bool(_ID_RE.match(value))


def handle_problem(handle: str) -> str | None:
    """Why ``handle`` cannot be a client handle, or None if it can."""
    if not handle:
        return "a client handle cannot be empty"
    if len(handle) > HANDLE_MAX:
        return f"a client handle is at most {HANDLE_MAX} characters"
    if not _HANDLE_RE.match(handle):
        return f"a client handle may hold only a-z, 0-9 and '-' ({SLUG_HINT})"
    if handle in _RESERVED:
        return "that name is reserved by Windows and cannot be a folder name"
    return None


def new_suffix(rng: Random | None = None) -> str:
    if rng is None:
        import secrets  # only to make an id: 6 ms of every command's start otherwise

        return "".join(secrets.choice(SUFFIX_ALPHABET) for _ in range(SUFFIX_LEN))
    return "".join(rng.choice(SUFFIX_ALPHABET) for _ in range(SUFFIX_LEN))


def record_id(when: datetime, suffix: str) -> str:
    """The id (and file stem) of a session or homework entry at ``when``."""
    return f"{when:%Y-%m-%d_%H%M}_{suffix}"
