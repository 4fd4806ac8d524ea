"""What ``otj init --encrypt``, ``otj encrypt``, ``otj decrypt`` and ``otj keys`` do to a
notes folder and to this device's keys (docs/encryption.md). The commands print; this
module changes files (through agefile and convert, each step crash-safe) and returns
what it did.
"""

from __future__ import annotations

import contextlib
import os
from datetime import datetime
from pathlib import Path

from otjournal.disk import agefile, convert, keys
from otjournal.disk.agefile import Identity, Recipient
from otjournal.errors import KeyFileError
from otjournal.frozen import frozen


@frozen
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
    if listed:
        keys.writable(root)  # a journal encrypted already: only to keys agreed to here
    if not set(identity.public) & set(listed):
        agefile.add_recipient(root, identity.public[0], device)
        added = True
    keys.forget()
    keys.agree(root, [r.key for r in agefile.read_recipients(path)])
    return Started(identity, made, added)


def encrypt(
    root: Path, device: str, now: datetime, on_step: convert.Step | None = None
) -> tuple[Started, convert.Summary, convert.Summary | None]:
    """Every note of the journal as an age file to its recipients, and the derived cache,
    which held note text, deleted. In a journal already encrypted, every age file is
    also encrypted again to the keys listed now (an interrupted ``keys add`` or ``keys
    remove``, or a key added by hand): that summary is the third value, else None."""
    was = keys.encrypted(root)
    if was:  # a device that cannot read the journal, or lists keys it never agreed to,
        keys.writable(root)  # changes nothing
    started = start(root, device, now)
    recipients = [r.key for r in agefile.read_recipients(agefile.recipients_path(root))]
    summary = convert.encrypt_folder(root, recipients, keys.identities(fresh=True), on_step)
    again = None
    if was:  # notes from before may be encrypted to keys since added or removed
        again = convert.reencrypt_folder(root, recipients, keys.identities(fresh=True), on_step)
    forget_cache(root)
    return started, summary, again


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
    if keys.writable(root) is None:  # only a device that can read the journal lets another in
        raise _not_encrypted()
    agefile.add_recipient(root, key, device)
    keys.forget()
    keys.agree(root, [r.key for r in recipients(root)])
    return _again(root)


def remove_key(root: Path, key: str) -> tuple[Recipient, convert.Summary]:
    """A recipient removed, then every note encrypted again without it. This device's own
    key is never removed here (it could no longer read the journal)."""
    lock = keys.lock_of(root)
    if lock is None:
        raise _not_encrypted()
    if key.strip() == lock.mine:
        raise KeyFileError(
            "this is this device's own key: removing it here would lock this device out",
            path=agefile.recipients_path(root),
            hint="remove it from another device",
        )
    gone = agefile.remove_recipient(root, key)
    keys.forget()
    lock = keys.lock_of(root)
    if lock is not None:  # what is left: agreed to as far as it was before
        keys.agree(root, [k for k in lock.recipients if k not in keys.unagreed(lock)])
    return gone, _again(root)


def trust_key(root: Path, key: str) -> Recipient:
    """Agree to a key the journal lists (added on another device): this device then
    writes again, encrypting to it too."""
    lock = keys.lock_of(root)
    if lock is None:
        raise _not_encrypted()
    found = next((r for r in recipients(root) if r.key == key.strip()), None)
    if found is None:
        raise KeyFileError(
            "this key is not listed in the journal",
            path=agefile.recipients_path(root),
            hint="'otj keys list' shows the keys listed",
        )
    new = set(keys.unagreed(lock)) - {found.key}
    keys.agree(root, [k for k in lock.recipients if k not in new])
    return found


def _not_encrypted() -> KeyFileError:
    return KeyFileError(
        "this journal is not encrypted: no key opens it, none is needed",
        hint="'otj encrypt' encrypts it (with this device's key); then add others",
    )


def _again(root: Path) -> convert.Summary:
    keys.forget()
    lock = keys.writable(root)
    if lock is None:
        raise _not_encrypted()
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
