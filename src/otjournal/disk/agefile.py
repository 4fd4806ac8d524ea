"""Encryption at rest with age (issue 18; docs/encryption.md): bytes in and out, this
device's identity (secret key) and the journal's recipients file.

The files are standard age files (X25519), so the ``age`` tool opens them with the same
identity: nobody is locked into otjournal. The cryptography is pyrage's (the Rust ``age``
crate); nothing here is hand-written. pyrage is imported on first use, so a plaintext
journal never loads it.

Secrets never appear in a message: errors name the file and the line, not what is on it.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Sequence
from dataclasses import field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from otjournal.disk.keys import AGE_SUFFIX as AGE_SUFFIX
from otjournal.disk.layout import RECIPIENTS as RECIPIENTS
from otjournal.errors import EMPTY_FILE, EMPTY_HINT, CipherError, KeyFileError
from otjournal.frozen import frozen

MAGIC = b"age-encryption.org/v1\n"
ARMOR = b"-----BEGIN AGE ENCRYPTED FILE-----"
SECRET_PREFIX = "AGE-SECRET-KEY-1"
PUBLIC_PREFIX = "age1"
MAX_KEY_FILE = 64 * 1024
DEFAULT_NAME = "default"
RECIPIENTS_HEADER = (
    "# otjournal recipients: every note in this journal is encrypted to each key below.\n"
    "# The comment above a key names its device. 'age -R' reads this file as it is.\n"
)


def _age() -> Any:
    """pyrage, loaded when a journal is encrypted (it ships no type information)."""
    import pyrage

    return pyrage


# -- identity (this device's secret key) -----------------------------------------------


@frozen
class Identity:
    """One identity file's keys. ``keys`` holds pyrage objects; never shown (repr off)."""

    path: Path
    public: tuple[str, ...]  # the age1… recipient of each key, in file order
    keys: tuple[Any, ...] = field(repr=False, compare=False)


def identity_path(folder: Path, name: str = DEFAULT_NAME) -> Path:
    """``folder/<name>.txt`` (folder: ``paths.identities_dir()``); the name is a slug."""
    from otjournal.model.ids import is_slug

    if not is_slug(name):
        raise KeyFileError(
            "an identity's name is lower-case letters, digits and '-'",
            hint="for example 'laptop' or 'backup'",
        )
    return folder / f"{name}.txt"


def create_identity(path: Path, now: datetime) -> Identity:
    """A new X25519 identity written to ``path`` as ``age-keygen`` writes one (0600,
    never over an existing file). Its folder is made private on the way down."""
    from otjournal.disk import fsio
    from otjournal.paths import platform_split

    key = _age().x25519.Identity.generate()
    public = str(key.to_public())
    stamp = now.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    text = f"# created: {stamp}\n# public key: {public}\n{key}\n"
    base, parts = platform_split(path.parent)
    folder = fsio.private_folder(base, *parts)
    if fsio.create_named(folder, path.name, text.encode("ascii")) is None:
        raise KeyFileError(
            "an identity file is already there; it was left as it is",
            path=path,
            hint="load it, or choose another name",
        )
    return Identity(path, (public,), (key,))


def load_identity(path: Path) -> Identity:
    """The identity in ``path``. Refused when missing, unreadable, not the person's own,
    open to others (as ssh refuses a private key others can read: a secret key that the
    group can read is no longer a secret, so the person must decide) or malformed."""
    data = _read_private(path)
    keys: list[Any] = []
    public: list[str] = []
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise _bad_identity(path, None, "is not text (UTF-8)") from None
    for n, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if not line.startswith(SECRET_PREFIX):
            raise _bad_identity(path, n, f"is not an age secret key ({SECRET_PREFIX}…)")
        try:
            key = _age().x25519.Identity.from_str(line)
        except Exception:  # pyrage.IdentityError: the key's checksum or length is wrong
            raise _bad_identity(path, n, "is not a valid age secret key (damaged?)") from None
        keys.append(key)
        public.append(str(key.to_public()))
    if not keys:
        raise _bad_identity(path, None, "holds no age secret key")
    return Identity(path, tuple(public), tuple(keys))


def _read_private(path: Path) -> bytes:
    hint = "create one with 'age-keygen -o FILE' (or otjournal), then try again"
    try:
        fd = os.open(path, os.O_RDONLY)
    except FileNotFoundError:
        raise KeyFileError("no identity (secret key) here", path=path, hint=hint) from None
    except OSError as exc:
        raise KeyFileError(f"the identity cannot be read: {exc.strerror}", path=path) from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise KeyFileError("the identity is not a file", path=path)
        if hasattr(os, "getuid") and st.st_uid != os.getuid():
            raise KeyFileError(
                "the identity belongs to another user: refusing to use it",
                path=path,
                hint="copy it to a file of your own with mode 600",
            )
        mode = stat.S_IMODE(st.st_mode)
        if mode & 0o077:
            raise KeyFileError(
                f"the identity is open to others (mode {mode:o}): refusing to use it",
                path=path,
                hint=f"chmod 600 '{path}' (and consider whether someone could have copied it)",
            )
        with os.fdopen(fd, "rb", closefd=False) as fh:
            data = fh.read(MAX_KEY_FILE + 1)
    except OSError as exc:
        raise KeyFileError(f"the identity cannot be read: {exc.strerror}", path=path) from None
    finally:
        os.close(fd)
    if len(data) > MAX_KEY_FILE:
        raise _bad_identity(path, None, "is too large for an identity file")
    return data


def _bad_identity(path: Path, line: int | None, what: str) -> KeyFileError:
    where = "this line" if line is not None else "the identity file"
    return KeyFileError(
        f"{where} {what}",
        path=path,
        line=line,
        hint="an identity file holds 'AGE-SECRET-KEY-1…' lines, as age-keygen writes them",
    )


# -- recipients (the public keys every note is encrypted to) ---------------------------


@frozen
class Recipient:
    key: str  # age1…
    label: str  # the comment line just above it (the device), "" if none
    line: int


def recipients_path(root: Path) -> Path:
    return root.joinpath(*RECIPIENTS)


def parse_recipient(key: str) -> Any:
    """A pyrage recipient for an ``age1…`` key; KeyFileError if it is not one."""
    key = key.strip()
    if key.startswith(PUBLIC_PREFIX):
        try:
            return _age().x25519.Recipient.from_str(key)
        except Exception:  # pyrage.RecipientError
            pass
    raise KeyFileError(
        "not an age public key",
        hint="a recipient is one 'age1…' key (age-keygen -y IDENTITY prints it)",
    )


def read_recipients(path: Path) -> list[Recipient]:
    """Every recipient in a recipients file (the format ``age -R`` reads: one ``age1…``
    per line, ``#`` comment lines, blank lines); a bad line is a located error. A file
    with no key at all is an error too: nothing could be encrypted to it."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise _no_recipients(path) from None
    except OSError as exc:
        raise KeyFileError(f"cannot read: {exc.strerror}", path=path) from None
    return parse_recipients(data, path)


def _no_recipients(path: Path) -> KeyFileError:
    return KeyFileError(
        "no recipients file: this journal lists no keys",
        path=path,
        hint="add this device's key first",
    )


def parse_recipients(data: bytes, path: Path) -> list[Recipient]:
    found: list[Recipient] = []
    label = ""
    for n, raw in enumerate(_lines(data, path), start=1):
        line = raw.strip()
        if not line:
            label = ""
        elif line.startswith("#"):
            label = line.lstrip("#").strip()
        else:
            try:
                parse_recipient(line)
            except KeyFileError as exc:
                raise KeyFileError(
                    f"this line is {exc.message}", path=path, line=n, hint=exc.hint
                ) from None
            found.append(Recipient(line, label, n))
            label = ""
    if not found:
        raise KeyFileError(
            "the recipients file lists no key", path=path, hint="add this device's key"
        )
    return found


def _lines(data: bytes, path: Path) -> list[str]:
    """The file's lines as an editor numbers them (only ``\n`` ends a line)."""
    try:
        return data.decode("utf-8").split("\n")
    except UnicodeDecodeError:
        raise KeyFileError("not text (UTF-8)", path=path) from None


def add_recipient(root: Path, key: str, label: str) -> Recipient:
    """Append ``key`` under a ``# label`` line (the file is created with a header if
    missing; the rest of it is kept as it is). Refused if the key is listed already."""
    from otjournal.disk import fsio

    parse_recipient(key)
    key = key.strip()
    label = " ".join(label.split())
    if not label or not label.isprintable():
        raise KeyFileError(
            "each key needs a name for its device (one line of plain text)",
            hint="for example 'laptop' or 'backup key, kept offline'",
        )
    path = recipients_path(root)
    folder = fsio.private_folder(root, *RECIPIENTS[:-1], private_base=True)
    try:
        old, seen = fsio.read_with_fingerprint(path, MAX_KEY_FILE)
    except FileNotFoundError:
        text = f"{RECIPIENTS_HEADER}\n# {label}\n{key}\n"
        if fsio.create_named(folder, path.name, text.encode("utf-8")) is None:
            raise _changed(path) from None
        return Recipient(key, label, text.count("\n"))
    if any(r.key == key for r in parse_recipients(old, path)):
        raise KeyFileError("this key is listed already", path=path)
    body = old.decode("utf-8")
    if body and not body.endswith("\n"):
        body += "\n"
    body += f"\n# {label}\n{key}\n"
    fsio.replace_checked(path, body.encode("utf-8"), seen, MAX_KEY_FILE)
    return Recipient(key, label, body.count("\n"))


def remove_recipient(root: Path, key: str) -> Recipient:
    """Take ``key`` (and its label line) out of the recipients file. The last key is
    never removed. Files already encrypted still open with it until re-encrypted."""
    from otjournal.disk import fsio

    path = recipients_path(root)
    fsio.private_folder(root, *RECIPIENTS[:-1], create=False, private_base=True)
    try:
        old, seen = fsio.read_with_fingerprint(path, MAX_KEY_FILE)
    except FileNotFoundError:
        raise _no_recipients(path) from None
    current = parse_recipients(old, path)
    gone = next((r for r in current if r.key == key.strip()), None)
    if gone is None:
        raise KeyFileError("this key is not listed", path=path, hint="'otj keys list' shows them")
    if len(current) == 1:
        raise KeyFileError(
            "this is the journal's only key: removing it would leave nothing to encrypt to",
            path=path,
            hint="add another key first",
        )
    lines = _lines(old, path)
    drop = {gone.line - 1}
    if gone.label and lines[gone.line - 2].lstrip().startswith("#"):
        drop.add(gone.line - 2)
    kept = "\n".join(line for i, line in enumerate(lines) if i not in drop)
    fsio.replace_checked(path, kept.encode("utf-8"), seen, MAX_KEY_FILE)
    return gone


def _changed(path: Path) -> KeyFileError:
    return KeyFileError(
        "the recipients file appeared meanwhile (another device?); nothing was changed",
        path=path,
        hint="run the command again",
    )


# -- bytes ------------------------------------------------------------------------------


def encrypt(plaintext: bytes, recipients: Sequence[str]) -> bytes:
    """An age file (binary) that each recipient's identity opens."""
    if not recipients:
        raise KeyFileError("no recipient to encrypt to", hint="add this device's key first")
    keys = [parse_recipient(r) for r in recipients]
    return bytes(_age().encrypt(plaintext, keys))


def decrypt(ciphertext: bytes, identities: Sequence[Identity], path: Path) -> bytes:
    """The plaintext of the age file ``path`` held ``ciphertext`` (binary or armored).
    CipherError, located at ``path``, when it is not an age file, no key fits, or it was
    cut short or changed (age authenticates every chunk: no altered byte goes unseen)."""
    if not ciphertext.strip():
        raise CipherError(EMPTY_FILE, path=path, line=1, column=1, hint=EMPTY_HINT)
    if not (ciphertext.startswith(MAGIC) or ciphertext.lstrip().startswith(ARMOR)):
        raise CipherError(
            "not an age file (it does not start as one)",
            path=path,
            hint="an encrypted note starts with 'age-encryption.org/v1'",
        )
    keys = [k for identity in identities for k in identity.keys]
    if not keys:
        raise CipherError("no identity to open it with", path=path)
    try:
        return bytes(_age().decrypt(ciphertext, keys))
    except Exception as exc:  # pyrage.DecryptError (or an armor parse error)
        if "no matching keys" in str(exc).lower():
            raise CipherError(
                "none of this device's keys opens it (it was encrypted to other keys)",
                path=path,
                hint="a device that can open it adds this device's key and re-encrypts "
                "('otj keys add')",
            ) from None
        raise CipherError(
            "damaged: cut short or changed after it was encrypted",
            path=path,
            hint="restore it from a backup or a synced copy; nothing was changed",
        ) from None


def age_name(name: str) -> str:
    return name + AGE_SUFFIX


def plain_name(name: str) -> str:
    return name[: -len(AGE_SUFFIX)] if name.endswith(AGE_SUFFIX) else name
