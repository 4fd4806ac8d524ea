"""A records folder's part of a client's fingerprint, and whether a prefetched folder is
exactly as its cache index describes it (issue 19).

A warm whole-journal command used to make a ``FileRef`` and an index look-up for every
note, and hash every note's name and stat key into its client's fingerprint: about 4 µs
a note, most of a warm ``check``. Now each records folder has a part: a digest of its
kind, path, notes' names and stat keys. A client's fingerprint is made of its folders'
parts, so it is the same however the folder was read. A folder the prefetch child
(prefetch.py) sent whose names and keys equal, byte for byte, those of its folder index
in the cache, and that holds nothing the scan would say something about, is as it was
when indexed: its part is hashed from the bytes the child sent, and its FileRefs are
made only if something asks for them (a client whose remembered results still hold
never does).
"""

from __future__ import annotations

import hashlib
import sys
from array import array
from typing import TYPE_CHECKING

from otjournal.disk.folderindex import LAST_DAY, Key

if TYPE_CHECKING:
    from otjournal.disk.prefetch import Frames


def _part(kind: str, folder: str, count: int, names: bytes, *numbers: bytes | memoryview) -> bytes:
    h = hashlib.blake2b(f"{kind}\0{folder}\0{count}\0".encode(errors="surrogateescape"))
    h.update(names)
    h.update(b"\0")
    for n in numbers:
        h.update(n)
    return h.digest()


def part(kind: str, folder: str, names: list[str], keys: list[Key]) -> bytes:
    """The part of the notes a scan found in ``folder`` (their names, in order, and stat
    keys): the same bytes the prefetch child sends for them (``part_of_frames``)."""
    text = "\0".join(names).encode(errors="surrogateescape")
    size, mtime, ctime, ino = zip(*keys, strict=True) if keys else ((),) * 4
    try:
        numbers = array("Q", size + ino).tobytes() + array("q", mtime + ctime).tobytes()
    except OverflowError:  # never sent by the child, so no other form to agree with
        numbers = repr(keys).encode()
    return _part(kind, folder, len(names), text, numbers)


def part_of_frames(kind: str, folder: str, frames: Frames) -> bytes:
    """``part`` of a folder as the child sent it, made from its bytes (no note taken
    apart): sizes and inodes, then modification and change times (modes left out)."""
    n, numbers = frames.count, memoryview(frames.numbers)
    return _part(kind, folder, n, frames.text, numbers[: 16 * n], numbers[24 * n :])


def as_indexed(frames: Frames, row: tuple[bytes, str] | None) -> bool:
    """Whether the folder the child sent holds exactly the notes of its index ``row`` as
    the cache keeps it (folderindex.dump_index), by name and stat key, and nothing the scan
    would report: no encrypted note (this is only asked in a plaintext journal) and no
    note others may read. Then each note's facts are the index's, as a scan would find."""
    n = frames.count
    if row is None or not n or sys.byteorder != "little":  # the index is little-endian
        return False
    numbers, text = row
    if type(numbers) is not bytes or type(text) is not str or len(numbers) != 48 * n:
        return False
    sent = frames.numbers  # bytes, not a memoryview: its comparison is ten times slower
    if sent[: 16 * n] != numbers[: 16 * n] or sent[24 * n :] != numbers[16 * n : 32 * n]:
        return False
    try:
        indexed = text.encode(errors="surrogateescape")
    except UnicodeEncodeError:
        return False
    if not indexed.startswith(frames.text + b"\0") or indexed.count(b"\0") != 2 * n - 1:
        return False
    if (frames.text + b"\0").find(b".age\0") >= 0:
        return False  # not read in a plaintext journal, and said so: the scan's to do
    modes, days = array("Q"), array("q")
    modes.frombytes(sent[16 * n : 24 * n])
    days.frombytes(numbers[40 * n :])
    if any(mode & 0o077 for mode in set(modes)):
        return False  # the scan notes who may read it
    return min(days) >= 0 and max(days) <= LAST_DAY  # as folderindex.load_index checks
