"""A notes folder as the cache remembers it (its *folder index*): each file's stat key and
the few facts that order and select its record, stored as columns. Light on purpose: the
prefetch child (prefetch.py) takes ``key_of`` from here before any database is loaded."""

from __future__ import annotations

import os
import struct
import sys
from array import array
from datetime import date

TYPE_CHECKING = False  # as typing's, without loading typing (15 ms) in the child
if TYPE_CHECKING:
    from typing import Any

Key = tuple[int, int, int, int]  # size, mtime_ns, ctime_ns, inode

# What is known of a record without reading it: its moment in µs since the epoch (sorts
# instants across UTC offsets), its id and its local calendar day (``date.toordinal``; 0
# for client.toml). A plain tuple: records sort by the tuple itself (moment, then id)
# without a Python call per record.
Meta = tuple[int, str, int]
Index = dict[str, tuple[Key, Meta]]  # one folder's files by name: key and facts
LAST_DAY = date.max.toordinal()


def key_of(st: os.stat_result) -> Key:
    return (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)


# A folder index is stored as columns, so that thousands of entries are checked and
# rebuilt in C, not one Python step each: its numbers as arrays of 64-bit integers,
# little-endian (sizes and inodes unsigned; then modification and change times, moments
# and days), and its names and ids as text joined by NUL (which neither can hold).
def dump_index(index: Index) -> tuple[bytes, str] | None:
    """The index as (numbers, text); None if a value does not fit (left unremembered)."""
    keys = [k for k, _ in index.values()]
    facts = [m for _, m in index.values()]
    size, mtime, ctime, ino = zip(*keys, strict=True) if keys else ((),) * 4
    moment, ids, day = zip(*facts, strict=True) if facts else ((),) * 3
    try:
        unsigned = array("Q", size + ino)
        signed = array("q", mtime + ctime + moment + day)
    except (OverflowError, TypeError):
        return None
    names = list(index)
    text = "\0".join(names + list(ids))
    if (text.split("\0") if names else []) != names + list(ids):
        return None  # a NUL in an id: not stored, rather than read back wrong
    if sys.byteorder != "little":
        unsigned.byteswap()
        signed.byteswap()
    return unsigned.tobytes() + signed.tobytes(), text


_ONE = struct.Struct("<2Q4q")  # one note's numbers, in the columns' order


def load_index(numbers: Any, text: Any) -> Index:
    """The index ``dump_index`` wrote; ValueError for anything else. Every value is of its
    type by construction; a key is only ever compared with a file's own stat, and a day
    must be one (the moment only orders records)."""
    if type(numbers) is not bytes or type(text) is not str:
        raise ValueError("not a folder index")
    if len(numbers) == _ONE.size:  # a client's own folder (client.toml), one per client:
        # unpacked at once, 0.4 µs rather than the arrays' 3 µs
        size, ino, mtime, ctime, moment, day = _ONE.unpack(numbers)
        name, _, id_ = text.partition("\0")
        if text.count("\0") != 1 or not 0 <= day <= LAST_DAY:
            raise ValueError("not a folder index")
        return {name: ((size, mtime, ctime, ino), (moment, id_, day))}
    return _load_columns(numbers, text)


def _load_columns(numbers: bytes, text: str) -> Index:
    """``load_index`` of any number of notes, from the columns as arrays."""
    n, rest = divmod(len(numbers), 48)
    parts = text.split("\0") if n else []
    if rest or len(parts) != 2 * n or (not n and text):
        raise ValueError("not a folder index")
    unsigned, signed = index_columns(numbers, n)
    day = signed[3 * n :]
    if n and (min(day) < 0 or max(day) > LAST_DAY):
        raise ValueError("not a folder index")
    keys = zip(unsigned[:n], signed[:n], signed[n : 2 * n], unsigned[n:], strict=True)
    facts = zip(signed[2 * n : 3 * n], parts[n:], day, strict=True)
    return dict(zip(parts[:n], zip(keys, facts, strict=True), strict=True))


def index_columns(numbers: bytes, n: int) -> tuple[array[int], array[int]]:
    """A folder index's numbers of ``n`` notes as its two arrays: sizes and inodes, then
    modification and change times, moments and days."""
    unsigned, signed = array("Q"), array("q")
    unsigned.frombytes(numbers[: 16 * n])
    signed.frombytes(numbers[16 * n :])
    if sys.byteorder != "little":
        unsigned.byteswap()
        signed.byteswap()
    return unsigned, signed
