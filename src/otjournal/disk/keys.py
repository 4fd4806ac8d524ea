"""An encrypted journal as the other modules meet it (docs/encryption.md): whether a
notes folder is encrypted, which keys this device holds, the lock a write encrypts with,
and the one function every read of a note's bytes passes through.

A journal is encrypted when ``.otjournal/recipients.txt`` is in it. Encryption follows a
file's name: ``X.toml.age`` holds age, ``X.toml`` plaintext, whatever the journal's mode
(an interrupted conversion leaves both kinds; ``otj encrypt`` finishes it). New files in
an encrypted journal are written as ``.age``.

This device's identities are every ``*.txt`` in ``paths.identities_dir()``, loaded once
per process and only when an encrypted file is met.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from otjournal.disk import agefile
from otjournal.disk.agefile import AGE_SUFFIX, Identity
from otjournal.errors import KeyFileError

NOTE = ".toml"
AGE_NOTE = NOTE + AGE_SUFFIX  # ".toml.age"

# Loaded once per process; ``lock_of`` (once per command) loads them again if a file
# changed since (a key made, added or its mode changed: tests run many in one process).
_identities: tuple[object, list[Identity]] | None = None
_locks: dict[tuple[str, tuple[int, int, int]], Lock] = {}


def encrypted(root: Path) -> bool:
    """Whether the journal in ``root`` is encrypted (one stat)."""
    return os.path.exists(agefile.recipients_path(root))


def is_age(name: str) -> bool:
    return name.endswith(AGE_SUFFIX)


def bare(name: str) -> str:
    """A note's name (or path) without ``.toml`` or ``.toml.age``: its id, as typed."""
    return name.removesuffix(AGE_SUFFIX).removesuffix(NOTE)


def note_name(stem: str, locked: bool) -> str:
    """The file name of a note (``client``, an id…) in a journal of this mode."""
    return stem + (AGE_NOTE if locked else NOTE)


def identities(fresh: bool = False) -> list[Identity]:
    """This device's identities (every ``*.txt`` of the identities folder). An identity
    file that cannot be used (open to others, damaged) is an error: it is the person's
    to fix, never skipped in silence. ``fresh``: checked against the files again (what
    a command does once, before it reads any note; decrypting each note does not)."""
    global _identities
    if _identities is not None and not fresh:
        return _identities[1]
    from otjournal.paths import identities_dir

    folder = identities_dir()
    try:
        names = sorted(n for n in os.listdir(folder) if n.endswith(".txt"))
        seen: object = (str(folder), [(n, _signature(os.stat(folder / n))) for n in names])
    except OSError:
        names, seen = [], None
    if _identities is None or _identities[0] != seen or seen is None:
        _identities = (seen, [agefile.load_identity(folder / n) for n in names])
    return _identities[1]


def _signature(st: os.stat_result) -> tuple[int, ...]:
    return (st.st_ino, st.st_size, st.st_mode, st.st_mtime_ns, st.st_ctime_ns)


def forget() -> None:
    """Load the identities and recipients again on next use (a key was made or added)."""
    global _identities
    _identities = None
    _locks.clear()


def plaintext(raw: bytes, path: Path) -> bytes:
    """A note's bytes as read from ``path``: decrypted when its name says age
    (CipherError, located at the path, when no key here opens it or it was changed)."""
    if not is_age(path.name):
        return raw
    return agefile.decrypt(raw, identities(), path)


@dataclass(frozen=True)
class Lock:
    """What a write to an encrypted journal encrypts to: every recipient listed."""

    root: Path
    recipients: tuple[str, ...]
    mine: str  # this device's public key among them

    def seal(self, data: bytes) -> bytes:
        return agefile.encrypt(data, self.recipients)


def lock_of(root: Path) -> Lock | None:
    """The journal's lock (None when it is not encrypted), once this device is known to
    be able to read it: a device that holds no key, or none the journal lists, is told so
    before anything is read or written (exit 1, nothing changed)."""
    if not encrypted(root):
        return None
    path = agefile.recipients_path(root)
    try:
        st = os.stat(path)
    except OSError:
        st = None
    seen = (str(root), (st.st_mtime_ns, st.st_size, st.st_ino) if st else (0, 0, 0))
    mine = [p for identity in identities(fresh=True) for p in identity.public]
    found = _locks.get(seen)
    if found is not None and found.mine in mine:
        return found
    listed = tuple(r.key for r in agefile.read_recipients(path))
    if not mine:
        from otjournal.paths import identities_dir

        raise KeyFileError(
            "this journal is encrypted, and this device has no key to open it",
            path=identities_dir(),
            hint="'otj keys new' makes one; a device that can open the journal then adds "
            "it ('otj keys add KEY --name DEVICE')",
        )
    ours = next((p for p in mine if p in listed), None)
    if ours is None:
        raise KeyFileError(
            "this journal is encrypted, and this device's key is not among its "
            "recipients (added on another device? removed?)",
            path=path,
            hint="on a device that can open it: 'otj keys add KEY --name DEVICE' with "
            "this device's key ('otj keys show' prints it)",
        )
    lock = _locks[seen] = Lock(root, listed, ours)
    return lock
