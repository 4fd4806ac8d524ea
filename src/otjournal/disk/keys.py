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

_identities: list[Identity] | None = None
_locks: dict[str, Lock] = {}


def encrypted(root: Path) -> bool:
    """Whether the journal in ``root`` is encrypted (one stat)."""
    return os.path.exists(agefile.recipients_path(root))


def is_age(name: str) -> bool:
    return name.endswith(AGE_SUFFIX)


def note_name(stem: str, locked: bool) -> str:
    """The file name of a note (``client``, an id…) in a journal of this mode."""
    return stem + (AGE_NOTE if locked else NOTE)


def identities() -> list[Identity]:
    """This device's identities (every ``*.txt`` of the identities folder), loaded once.
    An identity file that cannot be used (open to others, damaged) is an error: it is
    the person's to fix, never skipped in silence."""
    global _identities
    if _identities is None:
        from otjournal.paths import identities_dir

        folder = identities_dir()
        try:
            names = sorted(n for n in os.listdir(folder) if n.endswith(".txt"))
        except (FileNotFoundError, NotADirectoryError):
            names = []
        _identities = [agefile.load_identity(folder / n) for n in names]
    return _identities


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
    found = _locks.get(str(root))
    if found is not None:
        return found
    path = agefile.recipients_path(root)
    listed = tuple(r.key for r in agefile.read_recipients(path))
    mine = [p for identity in identities() for p in identity.public]
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
    lock = _locks[str(root)] = Lock(root, listed, ours)
    return lock
