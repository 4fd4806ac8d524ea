"""Corrections without erasing: amendments appended to a session file, hash-chained.

The file before an amendment stays a byte-exact prefix of the file after it. Each
amendment records ``previous_sha256``: the SHA-256 of every byte of the file before
its own ``[[amendments]]`` line. So the chain shows that nothing earlier changed,
and a hand edit to a finished note is seen. Pure: bytes in, bytes out.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import Any

from otjournal import tomlio
from otjournal.model import Amendment, Session

HEADER = re.compile(rb"^[ \t]*\[\[[ \t]*amendments[ \t]*\]\][ \t]*\r?$", re.M)


def append(raw: bytes, amendment: Amendment) -> bytes:
    """The new file: the old bytes, a blank line, then the amendment's table."""
    prefix = raw if raw.endswith(b"\n") else raw + b"\n"
    prefix += b"\n"
    chained = Amendment(
        amendment.at,
        amendment.by,
        amendment.kind,
        amendment.text,
        amendment.original,
        hashlib.sha256(prefix).hexdigest(),
        amendment.extra,
    )
    table = tomlio.dumps({"amendments": [chained.to_dict()]}).decode("utf-8")
    end = tomlio.RECORD_END if raw.startswith(tomlio.RECORD_HEAD) else b""
    return prefix + table.lstrip("\n").encode("utf-8") + end


@dataclass(frozen=True)
class ChainBreak:
    index: int  # which amendment (0-based)
    line: int


def verify(raw: bytes, session: Session) -> list[ChainBreak]:
    """Amendments whose recorded hash does not match the bytes before them."""
    headers = [m.start() for m in HEADER.finditer(raw)]
    breaks = []
    for i, amendment in enumerate(session.amendments):
        if i >= len(headers):
            break
        if not amendment.previous_sha256:
            continue  # written by hand without a hash: nothing to check against
        if hashlib.sha256(raw[: headers[i]]).hexdigest() != amendment.previous_sha256:
            breaks.append(ChainBreak(i, raw.count(b"\n", 0, headers[i]) + 1))
    return breaks


def same_note(a: Session, b: Session) -> bool:
    """Two copies of one session that differ at most in their amendments."""
    from dataclasses import replace

    return replace(a, amendments=()) == replace(b, amendments=()) and a.extra == b.extra


def amendment_key(a: Amendment) -> tuple[Any, ...]:
    return (a.at, a.by, a.kind, a.text, a.original)
