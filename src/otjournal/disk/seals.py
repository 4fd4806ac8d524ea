"""Seals: a witness of each finished note, kept beside the notes, not inside them.

An amendment's ``previous_sha256`` covers only what precedes it, so editing or removing
the *last* amendment (or every one) leaves no trace in the note itself. Each time
otjournal publishes a session or appends to one, it appends one line to a seal log:
when, which file, how many amendments, and the size and SHA-256 of every byte. ``otj
check`` compares each session with its latest seal.

The logs live in ``<notes>/.otjournal/seals/`` (never read as records), one file per
device and folder (``<device-id>-<folder hash>.log``, the id kept in the private state
folder). Only its own device ever writes a log, so git merges them cleanly and
Syncthing or Dropbox never makes a conflict copy; every device reads them all. Lines
are only ever appended, each with one ``write`` on an ``O_APPEND`` descriptor, then
fsynced; a line torn by a crash is skipped on reading. It is a witness, not a
signature: someone who edits a note and its seal line by hand is not stopped, but
nothing changes silently by accident, sync or a plain edit.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path

from otjournal.disk.parsing import open_regular
from otjournal.errors import StoreError
from otjournal.frozen import frozen

FOLDER = (".otjournal", "seals")
SUFFIX = ".log"
VERSION = "v1"
_DEVICE = re.compile(r"^[a-z0-9]{6,32}$")


@frozen
class Seal:
    at: str  # UTC, ISO 8601 ("2026-12-01T02:40:00Z"): sorts as text
    path: str  # relative to the notes folder, with "/"
    amendments: int
    size: int
    sha256: str
    why: str  # saved, amended, merged, resolved, sealed

    def line(self) -> bytes:
        fields = (VERSION, self.at, self.path, str(self.amendments), str(self.size))
        return ("\t".join((*fields, self.sha256, self.why)) + "\n").encode("utf-8")


def amendment_count(raw: bytes) -> int:
    from otjournal.disk.amend import HEADER

    return len(HEADER.findall(raw))


def seal_of(rel: str, data: bytes, why: str, when: datetime | None = None) -> Seal:
    moment = (when or datetime.now(UTC)).astimezone(UTC)
    return Seal(
        moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        rel,
        amendment_count(data),
        len(data),
        hashlib.sha256(data).hexdigest(),
        why,
    )


def parse(data: bytes) -> list[Seal]:
    """The seals in one log; a line that does not read (torn by a crash, a sync tool's
    merge gone wrong) is skipped, never fatal."""
    return [Seal(*fields) for raw in data.split(b"\n") if (fields := line_fields(raw))]


def line_fields(raw: bytes) -> tuple[str, str, int, int, str, str] | None:
    """One log line's seal as a Seal's fields (without making one: the seal index reads
    every line of every log), or None when the line does not read."""
    parts = raw.decode("utf-8", "replace").split("\t")
    if len(parts) != 7 or parts[0] != VERSION:
        return None
    _, at, path, count, size, digest, why = parts
    if not (count.isdigit() and size.isdigit() and len(digest) == 64):
        return None
    return at, path, int(count), int(size), digest, why


def latest(seals: Iterable[Seal]) -> dict[str, Seal]:
    """Each file's latest seal (by time; a later line wins a tie)."""
    out: dict[str, Seal] = {}
    for seal in seals:
        kept = out.get(seal.path)
        if kept is None or seal.at >= kept.at:
            out[seal.path] = seal
    return out


def read_all(root: Path) -> list[Seal]:
    """Every device's seals. A read never writes, and a missing folder means no seals."""
    folder = root.joinpath(*FOLDER)
    try:
        names = sorted(n for n in os.listdir(folder) if n.endswith(SUFFIX))
    except (FileNotFoundError, NotADirectoryError):
        return []
    except OSError as exc:
        raise StoreError(f"cannot read the seal logs: {exc.strerror}", path=folder) from None
    seals: list[Seal] = []
    for name in names:
        try:
            fd = open_regular(folder / name)
        except OSError:
            continue
        with os.fdopen(fd, "rb") as fh:
            seals += parse(fh.read())
    return seals


def mismatch(seal: Seal, raw: bytes) -> tuple[str, str] | None:
    """(severity, what) for a session that differs from its seal, in words (no note
    text); None if it does not. Changed or removed bytes are a warning; amendments
    appended after the seal (by hand, or before that device's log synced) a note."""
    day = seal.at[:10]
    sealed = f"its seal of {day} ({seal.amendments} amendment(s))"
    if len(raw) == seal.size and hashlib.sha256(raw).hexdigest() == seal.sha256:
        return None  # the usual case, without counting amendments
    now_count = amendment_count(raw)
    if len(raw) < seal.size or hashlib.sha256(raw[: seal.size]).hexdigest() != seal.sha256:
        if now_count < seal.amendments:
            what = f"it now has {now_count} amendment(s): an amendment was removed"
        elif len(raw) < seal.size:
            fewer = seal.size - len(raw)
            what = f"it is {fewer} byte{'s' if fewer != 1 else ''} shorter: something was removed"
        else:
            what = "what was sealed was edited"
        return "warning", f"does not match {sealed}: {what}"
    if len(raw) > seal.size:
        added = now_count - seal.amendments
        more = len(raw) - seal.size
        what = f"{added} amendment(s)" if added > 0 else f"{more} byte{'s' if more != 1 else ''}"
        return "note", (
            f"{what} added after {sealed} without a seal of their own (written by hand, "
            "or that device's seal log has not synced yet)"
        )
    return None


# -- writing ------------------------------------------------------------------------


def device_id(state: Path) -> str:
    """This device's id: random, made once, kept in the private state folder (never
    synced), so two devices never append to one log."""
    from otjournal.model.ids import new_suffix

    path = state / "device-id"
    try:
        found = path.read_text("ascii").strip()
        if _DEVICE.match(found):
            return found
    except (OSError, UnicodeDecodeError):
        pass
    made = new_suffix() + new_suffix()
    try:
        state.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another otj made it just now: use theirs
        found = path.read_text("ascii").strip()
        if _DEVICE.match(found):
            return found
        raise StoreError("the device id file is not readable", path=path) from None
    except OSError as exc:
        raise StoreError(f"cannot keep a device id: {exc.strerror}", path=path) from None
    with os.fdopen(fd, "w") as fh:
        fh.write(made + "\n")
        fh.flush()
        os.fsync(fh.fileno())
    return made


def log_name(device: str, root: Path) -> str:
    """This device's log for this notes folder: the device id, and a short hash of the
    folder's real path (two clones on one machine are two writers too)."""
    where = hashlib.sha256(os.fsencode(os.path.realpath(root))).hexdigest()[:6]
    return f"{device}-{where}{SUFFIX}"


def append(log: Path, seal: Seal, durable: bool = True) -> None:
    """One seal at the end of ``log`` (``fsio.append_line``)."""
    from otjournal.disk import fsio

    try:
        fsio.append_line(log, seal.line(), durable=durable)
    except OSError as exc:
        raise StoreError(
            f"could not record the note's seal: {exc.strerror or exc}", path=log
        ) from None
