"""Drafts: notes being written, saved after every answer in a private, unsynced folder.

A draft lives in the platform's state folder (0700), never in the notes folder, so
an unfinished note is never synced or mistaken for a session. It is deleted only
after the session file and its folder are durably saved.
"""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from otjournal.disk import fsio, tomlio
from otjournal.disk.keys import plaintext
from otjournal.disk.parsing import AGE_OVERHEAD, MAX_FILE_BYTES, open_regular
from otjournal.errors import NotFoundError, OtjournalError, StoreError, UsageError
from otjournal.model.ids import new_suffix, shown

if TYPE_CHECKING:
    from otjournal.disk.keys import Lock

DRAFT_SUFFIX = ".toml"
SEALED_SUFFIX = ".toml.age"  # a draft of a note for an encrypted journal


@dataclass
class Draft:
    """One draft: what is being written (``command``), how far it got, and the answers."""

    id: str
    path: Path
    command: str
    client: str
    created: datetime
    updated: datetime
    step: str
    note: dict[str, Any]
    partial: dict[str, Any]
    # Where the finished record is about to be published: its path, and the size and
    # SHA-256 of the bytes written there. Recorded (and fsynced) before publishing, so a
    # draft left behind by a kill after publishing is known for what it is on resume.
    target: dict[str, Any] = field(default_factory=dict)
    # The notes folder it was begun for (its real path; "" in a draft from before): a
    # draft is resumed there only, never saved into another journal's client.
    notes: str = ""

    @property
    def form(self) -> Path:
        """The form ``--editor`` writes the note into (plaintext while the editor has it)."""
        return self.path.with_name(f"{self.id}.edit.toml")

    def to_dict(self) -> dict[str, Any]:
        return {
            "format_version": 1,
            "kind": "draft",
            "command": self.command,
            "client": self.client,
            "created": self.created,
            "updated": self.updated,
            "step": self.step,
            "note": self.note,
            "partial": self.partial,
            "target": self.target or None,
            "notes": self.notes or None,
        }


class Drafts:
    """The drafts folder. With ``lock`` (the journal is encrypted), each draft written is
    an age file to the journal's recipients: a note is never on disk in plaintext."""

    def __init__(self, folder: Path, lock: Lock | None = None, notes: Path | None = None) -> None:
        self.folder = folder
        self.lock = lock
        # The notes folder of the command (None: any), whose drafts it may resume.
        self.notes = os.path.realpath(notes) if notes is not None else None

    def new(self, command: str, client: str, now: datetime, note: dict[str, Any]) -> Draft:
        did = f"{now:%Y%m%d-%H%M%S}-{new_suffix()}"
        suffix = SEALED_SUFFIX if self.lock is not None else DRAFT_SUFFIX
        path = self.folder / f"{did}{suffix}"
        return Draft(did, path, command, client, now, now, "", note, {}, notes=self.notes or "")

    def ours(self, draft: Draft) -> bool:
        """Begun for this notes folder (or before drafts said which)."""
        return self.notes is None or not draft.notes or draft.notes == self.notes

    def mine(self) -> list[Draft]:
        """The drafts this notes folder's commands can resume (``entries``, the others
        left out: they are resumed with their own folder's --dir)."""
        return [d for d in self.entries() if self.ours(d)]

    def refuse_another_folders(self, draft: Draft) -> None:
        if not self.ours(draft):
            raise UsageError(
                f"draft {draft.id} was begun for another notes folder ({draft.notes}); "
                "nothing was changed",
                hint=f"resume it there: add --dir '{draft.notes}'",
            )

    def save(self, draft: Draft, now: datetime) -> None:
        """Atomically replace the draft file (temp, fsync, rename, folder fsync)."""
        draft.updated = now
        data = tomlio.dumps(_strip_none(draft.to_dict()))
        # A draft takes its journal's mode (encrypted or decrypted since it was begun):
        # written under its new name, then the old file is removed.
        old = draft.path
        draft.path = old.with_name(draft.id + (SEALED_SUFFIX if self.lock else DRAFT_SUFFIX))
        if self.lock is not None:
            data = self.lock.seal(data)
        self._ensure_folder()
        import tempfile

        try:
            fd, tmp = tempfile.mkstemp(
                prefix=fsio.TEMP_PREFIX, suffix=fsio.TEMP_SUFFIX, dir=self.folder
            )
            try:
                with os.fdopen(fd, "wb") as fh:
                    fh.write(data)
                    fh.flush()
                    fsio.fsync_file(fh.fileno())
                os.replace(tmp, draft.path)
            finally:
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(tmp)
            if old != draft.path:
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(old)
            fsio.fsync_dir(self.folder)
        except OSError as exc:
            raise StoreError(f"could not save the draft: {exc.strerror}", path=draft.path) from None

    def _ensure_folder(self) -> None:
        """Drafts hold note text: their folder is otjournal's own, real and private."""
        from otjournal.paths import platform_split

        base, parts = platform_split(self.folder)
        fsio.private_folder(base, *parts)

    def load(self, draft_id: str | None = None, command: str | None = None) -> Draft:
        """A draft by id (or a unique part of it); the newest one if none is named."""
        drafts = [d for d in self.entries() if command is None or d.command == command]
        if draft_id is None:  # the newest begun for this notes folder
            drafts = [d for d in drafts if self.ours(d)]
        if draft_id is None:
            if not drafts:
                raise NotFoundError("there are no drafts to resume")
            return drafts[-1]
        matches = [d for d in drafts if draft_id in d.id]
        if len(matches) != 1:
            raise NotFoundError(
                f"no single draft matches {shown(draft_id)}", hint="'otj drafts' lists them"
            )
        self.refuse_another_folders(matches[0])
        return matches[0]

    def entries(self) -> list[Draft]:
        """Drafts oldest first. An unreadable draft is skipped, never deleted."""
        try:
            names = sorted(
                n
                for n in os.listdir(self.folder)
                if n.endswith((DRAFT_SUFFIX, SEALED_SUFFIX))
                and not n.startswith(".")
                and not n.endswith(".edit.toml")
            )
        except FileNotFoundError:
            return []
        out = []
        for name in names:
            path = self.folder / name
            try:
                data = tomlio.parse(plaintext(path.read_bytes(), path), path)
                out.append(
                    Draft(
                        id=name.removesuffix(".age").removesuffix(DRAFT_SUFFIX),
                        path=path,
                        command=str(data.get("command", "log")),
                        client=str(data.get("client", "")),
                        created=data["created"],
                        updated=data["updated"],
                        step=str(data.get("step", "")),
                        note=dict(data.get("note", {})),
                        partial=dict(data.get("partial", {})),
                        target=dict(data.get("target", {})),
                        notes=str(data.get("notes", "")),
                    )
                )
            except (OSError, KeyError, tomlio.ParseError, OtjournalError):
                continue  # no key here opens it, or damaged: left as it is
        return out

    def published(self, draft: Draft) -> Path | None:
        """The file this draft was published as, if it is there: a file at the recorded
        target whose first ``size`` bytes hash to the recorded SHA-256 (a later amendment
        only appends, so an amended note still matches). None otherwise."""
        import hashlib

        target = draft.target
        try:
            path, size, digest = Path(target["path"]), int(target["size"]), target["sha256"]
        except (KeyError, TypeError, ValueError):
            return None
        try:
            fd = open_regular(path)
        except OSError:
            return None
        try:
            with os.fdopen(fd, "rb", closefd=False) as fh:
                # An encrypted note is known by its text: amendments change all its bytes.
                head = (
                    plaintext(fh.read(MAX_FILE_BYTES + AGE_OVERHEAD), path)[:size]
                    if path.name.endswith(".age")
                    else fh.read(size)
                )
        except (OSError, OtjournalError):
            return None
        finally:
            os.close(fd)
        if len(head) == size and hashlib.sha256(head).hexdigest() == digest:
            return path
        return None

    def discard(self, draft: Draft) -> None:
        with contextlib.suppress(FileNotFoundError):
            draft.path.unlink()
        with contextlib.suppress(FileNotFoundError):
            draft.form.unlink()
        with contextlib.suppress(OSError):
            fsio.fsync_dir(self.folder)


def _strip_none(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _strip_none(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_strip_none(v) for v in value if v is not None]
    return value


def default_drafts(lock: Lock | None = None, notes: Path | None = None) -> Drafts:
    """The drafts folder; ``lock``: the journal's (drafts written for it are encrypted);
    ``notes``: the journal's folder (only its drafts are resumed)."""
    from otjournal.paths import state_dir

    return Drafts(state_dir() / "drafts", lock, notes)
