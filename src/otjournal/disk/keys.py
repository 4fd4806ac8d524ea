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
from pathlib import Path
from typing import TYPE_CHECKING

from otjournal.disk.layout import RECIPIENTS
from otjournal.errors import KeyFileError

if TYPE_CHECKING:
    from otjournal.disk.agefile import Identity

# agefile (and pyrage) are imported by the functions that need them: a plaintext
# journal's commands never load them (each frozen dataclass costs start-up time).
NOTE = ".toml"
AGE_SUFFIX = ".age"
AGE_NOTE = NOTE + AGE_SUFFIX  # ".toml.age"

# Loaded once per process; ``lock_of`` (once per command) loads them again if a file
# changed since (a key made, added or its mode changed: tests run many in one process).
_identities: tuple[object, list[Identity]] | None = None
_locks: dict[tuple[str, tuple[int, int, int]], Lock] = {}


def encrypted(root: Path) -> bool:
    """Whether the journal in ``root`` is encrypted (one stat)."""
    return os.path.exists(os.path.join(root, *RECIPIENTS))


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
    from otjournal.disk import agefile

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


def plaintext(raw: bytes, path: Path | str) -> bytes:
    """A note's bytes as read from ``path``: decrypted when its name says age
    (CipherError, located at the path, when no key here opens it or it was changed).
    ``path`` may be a scan's string: a Path is made only to decrypt."""
    if not is_age(os.fspath(path)):
        return raw
    from otjournal.disk import agefile

    return agefile.decrypt(raw, identities(), Path(path))


class Lock:
    """What a write to an encrypted journal encrypts to: every recipient listed."""

    __slots__ = ("mine", "recipients", "root")

    def __init__(self, root: Path, recipients: tuple[str, ...], mine: str) -> None:
        self.root = root
        self.recipients = recipients
        self.mine = mine  # this device's public key among them

    def seal(self, data: bytes) -> bytes:
        from otjournal.disk import agefile

        return agefile.encrypt(data, self.recipients)


def lock_of(root: Path) -> Lock | None:
    """The journal's lock (None when it is not encrypted), once this device is known to
    be able to read it: a device that holds no key, or none the journal lists, is told so
    before anything is read or written (exit 1, nothing changed)."""
    from otjournal.disk import agefile

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


# -- which keys this device agreed to -----------------------------------------------------
# The recipients file travels with the notes, so anyone who can write to the synced folder
# could add a key of their own and read every note written after. Each device keeps, in
# its config folder, the keys it agreed to for each journal; it writes (encrypts) only
# while the journal lists no other. A device's first use of a journal agrees to the keys
# listed then; 'otj encrypt', 'otj keys add|remove|trust' agree to the list they leave.


def trusted_path(root: Path) -> Path:
    import hashlib

    from otjournal.paths import config_file

    digest = hashlib.sha256(os.path.realpath(root).encode()).hexdigest()[:20]
    return config_file().parent / "trusted" / f"{digest}.txt"


def unagreed(lock: Lock) -> list[str]:
    """The journal's keys this device has not agreed to (none on its first use here,
    which agrees to every key listed then)."""
    from otjournal.disk import agefile

    path = trusted_path(lock.root)
    if not path.exists():
        agree(lock.root, lock.recipients)
        return []
    agreed = {r.key for r in agefile.read_recipients(path)}
    return [k for k in lock.recipients if k not in agreed]


def agree(root: Path, listed: tuple[str, ...] | list[str]) -> None:
    """Remember ``listed`` as the keys this device agreed to for the journal in root."""
    from otjournal.disk import agefile, fsio
    from otjournal.paths import platform_split

    path = trusted_path(root)
    base, parts = platform_split(path.parent)
    folder = fsio.private_folder(base, *parts)
    text = (
        f"# The keys this device agreed to for the journal in {os.path.realpath(root)}\n"
        "# (otjournal writes there only while it lists no other key).\n"
        + "".join(f"{key}\n" for key in listed)
    ).encode("utf-8")
    try:
        _, seen = fsio.read_with_fingerprint(path, agefile.MAX_KEY_FILE)
    except FileNotFoundError:
        if fsio.create_named(folder, path.name, text) is None:
            raise KeyFileError("the list of agreed keys changed meanwhile", path=path) from None
        return
    fsio.replace_checked(path, text, seen, agefile.MAX_KEY_FILE)


def writable(root: Path) -> Lock | None:
    """``lock_of``, for a write: refused (KeyFileError, nothing written) while the journal
    lists a key this device has not agreed to."""
    from otjournal.disk import agefile

    lock = lock_of(root)
    if lock is None:
        return None
    new = unagreed(lock)
    if new:
        raise KeyFileError(
            f"the journal lists {len(new)} key{'s' * (len(new) != 1)} this device has not "
            f"agreed to ({new[0][:16]}…): notes written now would open with "
            f"{'them' if len(new) != 1 else 'it'}; nothing was written",
            path=agefile.recipients_path(root),
            hint="'otj keys list' shows them; if you added it on another device, "
            "'otj keys trust KEY'; if not, 'otj keys remove KEY'",
        )
    return lock
