"""Which clients may hold a session of a given id, without reading every note: for
``show ID`` and ``amend ID`` (Reads.find_session), whose answer must be the one a read of
the whole journal gives (two clients' notes of one id: "which one?"), however the notes
were named, copied or edited.

A client may hold it when a note of its is named like the id (notes are named by their
id); when its folder index in the cache says a note unchanged since (the same name and
stat key) has such an id; or when a note the index does not know, or that changed, may
have one by its text. Every note is stat'ed, so an edit in place is seen: at 100,000
sessions that is most of the time ``show`` takes. Each client found is then read.
"""

from __future__ import annotations

import os
import re
from stat import S_ISREG
from typing import TYPE_CHECKING

from otjournal.disk import prefetch
from otjournal.disk.folderindex import key_of, load_index
from otjournal.disk.folderparts import as_indexed
from otjournal.disk.parsing import read_file
from otjournal.disk.prefetch import Frames, folder_frames
from otjournal.disk.scan import CLIENTS, SESSIONS

if TYPE_CHECKING:
    from otjournal.disk.loading import Reader

Row = tuple[bytes, str]  # a folder index as the cache stores it (folderindex.dump_index)
# What can make a note's id differ from its text: an escape, or a backslash that ends a
# line inside a multi-line string (the next line's start joins on).
_ENCODED = re.compile(rb"\\[uU]|\\[ \t]*\r?\n")


def clients_that_may_hold(r: Reader, key: str) -> list[str]:
    """The clients of ``r``'s journal whose sessions may include one whose id starts or
    ends with ``key`` (a superset: each is read after)."""
    rows = r.cache.folder_rows(SESSIONS) if r.cache is not None else {}
    handles = r.handles()
    # The notes stat'ed by the prefetch child (started for show and amend) while this
    # process loaded; a folder it did not send is stat'ed here.
    ahead = prefetch.claim(str(r.root), handles, ("session",), locked=False)  # no client file
    found = []
    try:
        for handle in handles:
            folder = os.path.join(r.root, CLIENTS, handle, SESSIONS)
            pre = ahead.take(handle) if ahead is not None else None
            frames = folder_frames(folder) if pre is None else pre.records.get("session")
            if _folder_may_hold(folder, frames, rows.get(handle), key):
                found.append(handle)
    finally:
        if ahead is not None:
            ahead.close()
    return found


def _like(id_: str, key: str) -> bool:
    return id_.startswith(key) or id_.endswith(key)


def _named_like(names: str, key: str) -> bool:
    """``names``: a folder's note names, each after a NUL and before one."""
    return f"\0{key}" in names or f"{key}.toml\0" in names or f"{key}.toml.age\0" in names


def _folder_may_hold(folder: str, frames: Frames | None, row: Row | None, key: str) -> bool:
    """``frames``: the folder's notes as stat'ed (None: it must be read note by note)."""
    if frames is not None and as_indexed(frames, row):
        assert row is not None  # for mypy: as_indexed says so
        # Exactly as indexed (names and stat keys, compared as bytes): the ids follow the
        # names in the index's text.
        text, n = row[1], frames.count
        cut = len(frames.text.decode("utf-8", "surrogateescape"))
        if _named_like(f"\0{text[:cut]}\0", key):
            return True
        return key in text[cut:] and any(_like(i, key) for i in text[cut + 1 :].split("\0")[:n])
    return _read_may_hold(folder, row, key)


def _read_may_hold(folder: str, row: Row | None, key: str) -> bool:
    """``_folder_may_hold`` for a folder not exactly as indexed: each note by itself."""
    try:
        with os.scandir(folder) as listing:
            notes = [e for e in listing if e.name.endswith((".toml", ".age"))]
    except FileNotFoundError:
        return False  # no folder, no sessions
    except OSError:
        return True  # not a folder, or not readable: its client is read, and says why
    notes = [e for e in notes if e.name[0] != "."]  # hidden: never read
    if _named_like("\0" + "\0".join(e.name for e in notes) + "\0", key):
        return True
    try:
        known = load_index(*row) if row is not None else {}
    except (ValueError, RecursionError):
        known = {}  # a damaged row is only a miss
    for e in notes:
        try:
            st = e.stat(follow_symlinks=False)
        except OSError:
            continue  # gone, or never read: no session
        if not S_ISREG(st.st_mode):
            continue  # a symlink, a FIFO: not read as a note
        hit = known.get(e.name)
        if hit is not None and hit[0] == key_of(st):
            if _like(hit[1][1], key):
                return True
        elif _text_may_hold(e.path, key):
            return True
    return False


def _text_may_hold(path: str, key: str) -> bool:
    """Whether a note the index does not know may have an id like ``key``, by its text:
    the id is there as written, or written so it differs (``_ENCODED``). A note that
    does not read holds no session."""
    raw = read_file(path, [])
    return raw is not None and (key.encode() in raw or _ENCODED.search(raw) is not None)
