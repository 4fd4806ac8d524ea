"""What ``otj init --encrypt``, ``otj encrypt``, ``otj decrypt`` and ``otj keys`` do to a
notes folder and to this device's keys (docs/encryption.md). The commands print; this
module changes files (through agefile and convert, each step crash-safe) and returns
what it did.
"""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from otjournal.disk import agefile, convert, keys
from otjournal.disk.agefile import Identity, Recipient
from otjournal.errors import KeyFileError


@dataclass(frozen=True)
class Started:
    identity: Identity
    made_key: bool  # a new identity was written on this device
    listed: bool  # this device's key was added to the journal's recipients


def own_identity(now: datetime, *, create: bool) -> tuple[Identity, bool]:
    """This device's identity (the first in the identities folder), made if there is
    none and ``create``; and whether it was made."""
    from otjournal.paths import identities_dir

    found = keys.identities(fresh=True)
    if found:
        return found[0], False
    if not create:
        raise KeyFileError(
            "this device has no key yet",
            path=identities_dir(),
            hint="'otj keys new' makes one",
        )
    made = agefile.create_identity(agefile.identity_path(identities_dir()), now)
    keys.forget()
    return made, True


def start(root: Path, device: str, now: datetime) -> Started:
    """Make the journal in ``root`` encrypted from now on: this device's identity (made if
    need be) listed in its recipients file (made if need be). Files already there are
    left as they are (``encrypt`` converts them)."""
    identity, made = own_identity(now, create=True)
    path = agefile.recipients_path(root)
    listed = [r.key for r in agefile.read_recipients(path)] if path.exists() else []
    added = False
    if not set(identity.public) & set(listed):
        agefile.add_recipient(root, identity.public[0], device)
        added = True
    keys.forget()
    return Started(identity, made, added)


def encrypt(
    root: Path, device: str, now: datetime, on_step: convert.Step | None = None
) -> tuple[Started, convert.Summary]:
    """Every note of the journal as an age file to its recipients, every age file
    encrypted again to them (a key added or removed since: a rerun finishes), and the
    derived cache, which held note text, deleted."""
    was = keys.encrypted(root)
    if was:
        keys.lock_of(root)  # a device that cannot read the journal changes nothing
    started = start(root, device, now)
    recipients = [r.key for r in agefile.read_recipients(agefile.recipients_path(root))]
    summary = convert.encrypt_folder(root, recipients, keys.identities(fresh=True), on_step)
    if was:  # notes from before may be encrypted to keys since added or removed
        convert.reencrypt_folder(root, recipients, keys.identities(fresh=True), on_step)
    forget_cache(root)
    return started, summary


def decrypt(root: Path, on_step: convert.Step | None = None) -> convert.Summary:
    """Every note back to plaintext, then the recipients file removed (only after a run
    that finished: until then the journal stays encrypted and a rerun finishes)."""
    keys.lock_of(root)  # this device must be able to read the journal at all
    summary = convert.decrypt_folder(root, keys.identities(fresh=True), on_step)
    path = agefile.recipients_path(root)
    with contextlib.suppress(FileNotFoundError):
        os.unlink(path)
    keys.forget()
    forget_cache(root)
    return summary


def recipients(root: Path) -> list[Recipient]:
    return agefile.read_recipients(agefile.recipients_path(root))


def add_key(root: Path, key: str, device: str) -> convert.Summary:
    """A recipient added, then every note encrypted again so that it opens the notes
    already written too."""
    keys.lock_of(root)  # only a device that can read the journal lets another in
    agefile.add_recipient(root, key, device)
    return _again(root)


def remove_key(root: Path, key: str) -> tuple[Recipient, convert.Summary]:
    """A recipient removed, then every note encrypted again without it. This device's own
    key is never removed here (it could no longer read the journal)."""
    lock = keys.lock_of(root)
    if lock is not None and key.strip() == lock.mine:
        raise KeyFileError(
            "this is this device's own key: removing it here would lock this device out",
            path=agefile.recipients_path(root),
            hint="remove it from another device",
        )
    gone = agefile.remove_recipient(root, key)
    return gone, _again(root)


def _again(root: Path) -> convert.Summary:
    keys.forget()
    lock = keys.lock_of(root)
    if lock is None:
        raise KeyFileError("this journal is not encrypted", hint="'otj encrypt' encrypts it")
    return convert.reencrypt_folder(root, lock.recipients, keys.identities(fresh=True))


def forget_cache(root: Path) -> list[Path]:
    """Delete the derived cache of ``root`` (parsed records, search words, export rows:
    note text, in a journal that was plaintext). Rebuilt by the next command."""
    from otjournal.disk.cache import cache_file
    from otjournal.paths import cache_dir

    gone = []
    for suffix in ("", "-journal", "-wal", "-shm"):
        path = Path(f"{cache_file(cache_dir(), root)}{suffix}")
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
            gone.append(path)
    return gone
