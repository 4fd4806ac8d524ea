"""Corrections without erasing: amendments appended to a session file, hash-chained.

The file before an amendment stays a byte-exact prefix of the file after it. Each
amendment records ``previous_sha256``: the SHA-256 of every byte of the file before
its own ``[[amendments]]`` line. So the chain shows that nothing earlier changed,
and a hand edit to a finished note is seen. Pure: bytes in, bytes out.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any

from otjournal.disk import tomlio
from otjournal.errors import OtjournalError
from otjournal.frozen import frozen
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


@frozen
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

    from otjournal.disk.tomlio import comparable

    same = replace(a, amendments=(), extra={}) == replace(b, amendments=(), extra={})
    return same and comparable(a.extra) == comparable(b.extra)


def amendment_key(a: Amendment) -> tuple[Any, ...]:
    return (a.at, a.by, a.kind, a.text, a.original)


class CannotMerge(OtjournalError):
    """Two copies of a note that are not the same note with different amendments."""


def note_part(raw: bytes) -> bytes:
    """The note as written before any amendment (without the blank line ``append`` adds)."""
    first = HEADER.search(raw)
    if first is None:
        return raw
    note = raw[: first.start()]
    return note[:-1] if note.endswith(b"\n\n") else note


def merge(a_raw: bytes, a: Session, b_raw: bytes, b: Session) -> bytes:
    """One file holding the note once and every amendment of both copies, in time order,
    each re-chained to the bytes now before it (so ``verify`` holds).

    The result depends only on the note and the set of amendments, never on which copy
    is ``a``: two devices joining the same amendments write the same bytes, so git sees
    one change, not a new conflict. Raises ``CannotMerge`` unless both copies are the
    same note, byte for byte before their amendments, and each chain verifies (a copy
    changed by hand is for a person to look at, not to be re-hashed over)."""
    if not same_note(a, b):
        raise CannotMerge("the two copies differ in more than their amendments")
    note = note_part(a_raw)
    if note != note_part(b_raw):
        raise CannotMerge("the two copies' bytes differ before their amendments")
    for raw, session in ((a_raw, a), (b_raw, b)):
        if len(HEADER.findall(raw)) != len(session.amendments) or verify(raw, session):
            raise CannotMerge(
                "an amendment chain does not verify: a copy was changed outside otjournal"
            )
    copies: dict[tuple[Any, ...], list[Amendment]] = {}
    for amendment in (*a.amendments, *b.amendments):
        copies.setdefault(amendment_key(amendment), []).append(amendment)
    # The same amendment on both sides may differ in its extra keys (e.g. merged_from):
    # keep one, chosen by content so either device chooses the same.
    chosen = [min(found, key=_canonical) for found in copies.values()]
    merged = note
    for amendment in sorted(chosen, key=_canonical):
        merged = append(merged, amendment)
    return merged


def _canonical(a: Amendment) -> tuple[Any, ...]:
    """Time order; ties (and offsets of one instant) broken by content, then extras."""
    return (a.at, a.at.isoformat(), a.by, a.kind, a.text, a.original, repr(sorted(a.extra.items())))
