"""Resolving a conflict: decide first (a plan that says what it will do), then act.

Nothing is deleted: whatever a resolution removes is moved to
``.otjournal/resolved/<time>/`` inside the notes folder.

``--keep merge`` joins a session's amendments (amend.merge) or, for a client.toml, the
two versions (clientmerge.join: the goals and homework of both). A client.toml join is
decided in the plan, so a refusal comes before the question and nothing is touched.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeAlias

from otjournal.disk import amend
from otjournal.disk.conflicts import git_sides
from otjournal.disk.keys import plaintext
from otjournal.disk.loading import CLIENT_AGE, CLIENT_FILE, Conflict
from otjournal.disk.parsing import parse_record_bytes, read_whole
from otjournal.disk.store import Journal
from otjournal.errors import OtjournalError, StoreError, UsageError
from otjournal.model import Client, HomeworkEntry, Session
from otjournal.sync import clientmerge

if TYPE_CHECKING:
    from otjournal.disk.fsio import Fingerprint

Record: TypeAlias = Client | Session | HomeworkEntry  # what a conflicting file holds
CHOICES = ("original", "copy", "both", "merge")
GIT_CHOICES = ("ours", "theirs", "both", "merge")


@dataclass
class ClientJoin:
    """Two versions of a client.toml joined, decided before anything is written: the
    bytes it was joined from are checked again before writing."""

    joined: Client
    data: bytes  # the joined file
    read: bytes  # what was read: the copy, or the file with markers
    added_goals: list[str]  # ids the first version (the original, ours) did not have
    added_homework: list[str]
    original: Client | None = None  # a sync tool's copy: the original, and its fingerprint
    fingerprint: Fingerprint | None = None


@dataclass
class Plan:
    journal: Journal
    conflict: Conflict
    keep: str
    lines: list[str] = field(default_factory=list)
    client: ClientJoin | None = None  # --keep merge of a client.toml

    def describe(self) -> list[str]:
        rel = self.journal.root
        c = self.conflict
        what = {
            "original": f"keep {c.original.name}; move the copy {c.path.name} aside",
            "copy": f"keep the copy's content as {c.original.name}; move the old "
            f"{c.original.name} aside",
            "both": f"keep {c.original.name}, and save the copy as a session of its own "
            "with a new id; move the copy file aside",
            "merge": f"append to {c.original.name} the amendments only the copy has; move the "
            "copy aside",
            "ours": "keep our side of the merge; move the file with markers aside",
            "theirs": "keep their side of the merge; move the file with markers aside",
        }
        if self.client is not None:
            side = "their side" if c.tool == "git" else "the copy"
            text = (
                f"join {side} into client.toml: the goals and homework of both, each "
                f"change kept ({_listed(self.client)}); move "
                + ("the file with markers" if c.tool == "git" else "the copy")
                + " aside"
            )
        elif c.tool == "git" and self.keep == "both":
            text = (
                "keep our side here and their side as a session of its own (one, if the "
                "two sides are the same); move the file with markers aside"
            )
        elif c.tool == "git" and self.keep == "merge":
            text = (
                "keep the note once with the amendments of both sides in time order, "
                "re-chained; move the file with markers aside"
            )
        else:
            text = what[self.keep]
        return [f"In {rel}: {text}.", "Moved files go to .otjournal/resolved/ (recoverable)."]

    def apply(self, now: datetime) -> list[str]:
        stamp = f"{now:%Y%m%d-%H%M%S}"
        c, j = self.conflict, self.journal
        if c.tool == "git":
            return self._apply_git(stamp)
        if self.client is not None:
            return self._apply_client(self.client, stamp)
        if self.keep == "original":
            moved = j.set_aside(c.path, stamp)
            if c.original.parent.name == "sessions" and c.original.exists():
                # Chosen as the note: its seal is its own, as a copy kept is (a copy that
                # held the later amendment would otherwise leave "removed" for ever).
                j.seal(c.original, "resolved")
            return [f"Kept {c.original.name}; the copy is now {moved.relative_to(j.root)}."]
        if self.keep == "copy":
            _parse(_text(c.path), c.path, c.original)
            said = f"Kept the copy as {c.original.name}"
            if c.original.exists():
                moved = j.set_aside(c.original, stamp)
                said += f"; the old file is now {moved.relative_to(j.root)}"
            c.path.rename(c.original)
            c.original.chmod(0o600)  # a sync tool's copy may have come with wider access
            if c.original.parent.name == "sessions":
                j.seal(c.original, "resolved")  # the kept copy is now the note
            return [said + "."]
        if self.keep == "both":
            copy = _parse(_text(c.path), c.path, c.original)
            if c.original.exists() and _same_record(c.original, copy):
                moved = j.set_aside(c.path, stamp)
                return [
                    f"The copy holds the same record as {c.original.name}: kept it once; the "
                    f"copy is now {moved.relative_to(j.root)}."
                ]
            saved = _add(j, copy)
            moved = j.set_aside(c.path, stamp)
            if saved is None:
                return [
                    f"The copy holds the same entry as one already here: kept it once; the "
                    f"copy is now {moved.relative_to(j.root)}."
                ]
            return [
                f"Saved the copy as a session of its own: {saved}; the copy file "
                f"is now {moved.relative_to(j.root)}."
            ]
        raw, fp, original = j.read_session_file(c.original)
        # merge: plan_resolution allows it for session notes only
        copy_note = parse_record_bytes(_text(c.path), c.path, Session.from_dict)
        if not amend.same_note(original, copy_note):
            raise UsageError(
                "the two notes differ in more than their amendments: merge only joins amendments",
                hint="keep one, or keep both",
            )
        have = {amend.amendment_key(a) for a in original.amendments}
        new = raw
        added = 0
        for a in copy_note.amendments:
            if amend.amendment_key(a) not in have:
                extra = {**a.extra, "merged_from": c.path.name}
                new = amend.append(new, replace(a, previous_sha256="", extra=extra))
                added += 1
        if added:
            j.replace_file(c.original, new, fp, why="merged")
        moved = j.set_aside(c.path, stamp)
        return [
            f"Merged {added} amendment{'s' if added != 1 else ''} into {c.original.name}; "
            f"the copy is now {moved.relative_to(j.root)}."
        ]

    def _apply_client(self, join: ClientJoin, stamp: str) -> list[str]:
        """A sync tool's copy of client.toml joined into the original (safe write with
        the fingerprint read at the plan: a change since then stops it, nothing lost)."""
        c, j = self.conflict, self.journal
        _unchanged(c.path, join.read, "the copy")
        assert join.original is not None and join.fingerprint is not None  # a copy's join
        changed = clientmerge.plain(join.joined) != clientmerge.plain(join.original)
        if changed:
            j.save_client(join.joined, join.fingerprint)
        moved = j.set_aside(c.path, stamp).relative_to(j.root)
        if not changed:
            return [f"client.toml already holds all the copy holds; the copy is now {moved}."]
        return [f"Joined the copy into client.toml ({_listed(join)}); the copy is now {moved}."]

    def _apply_git(self, stamp: str) -> list[str]:
        c, j = self.conflict, self.journal
        raw = read_whole(c.path)
        ours, theirs = git_sides(raw)
        kept = theirs if self.keep == "theirs" else ours
        record = _parse(kept, c.path, c.path)
        other = _parse(theirs, c.path, c.path) if self.keep in ("both", "merge") else None
        if self.client is not None:  # joined at the plan: only if the file is as read then
            _unchanged(c.path, self.client.read, "the file with markers")
            kept = self.client.data
        elif self.keep == "merge":
            kept = _merged(ours, record, theirs, other)
        moved = j.set_aside(c.path, stamp)
        from otjournal.disk import fsio

        if fsio.create_named(c.path.parent, c.path.name, kept) is None:
            raise UsageError(
                f"{c.path.name} appeared again while resolving; nothing lost: "
                f"the file with markers is {moved}"
            )
        if c.path.parent.name == "sessions":
            j.seal(c.path, "resolved", data=kept)
        kept_what = {"both": "ours", "merge": "both sides' amendments"}.get(self.keep, self.keep)
        if self.client is not None:
            kept_what = f"both sides' goals and homework ({_listed(self.client)})"
        lines = [
            f"Kept {kept_what} in {c.path.name}; the file with markers is now "
            f"{moved.relative_to(j.root)}."
        ]
        if self.keep == "both" and other == record:
            lines.append("Their side holds the same record as ours: kept it once.")
        elif self.keep == "both" and other is not None:
            saved = _add(j, other)
            lines.append(
                f"Saved their side as a session of its own: {saved}."
                if saved is not None
                else "Their side holds the same entry as one already here: kept it once."
            )
        return lines


def _text(path: Path) -> bytes:
    """A note's text (decrypted when it is an age file)."""
    return plaintext(read_whole(path), path)


def _same_record(path: Path, record: Record) -> bool:
    """Keeping both of two equal records would count one note twice."""
    try:
        return _parse(_text(path), path, path) == record
    except (OSError, OtjournalError):
        return False  # an unreadable original: the copy is kept as a record of its own


def _merged(ours: bytes, a: Record, theirs: bytes, b: Record | None) -> bytes:
    """Both sides' amendments joined (amend.merge), or why they cannot be."""
    if not isinstance(a, Session) or not isinstance(b, Session):  # both sides: one kind
        raise UsageError("only session notes have amendments to merge: keep one or both")
    try:
        return amend.merge(ours, a, theirs, b)
    except amend.CannotMerge as exc:
        # The two sides' data disagree (exit 1, as a conflict is): not a bad option.
        raise OtjournalError(
            f"cannot merge: {exc.message}", hint="keep ours, theirs or both"
        ) from None


def _parse(data: bytes, path: Path, original: Path) -> Record:
    """The copy must be a valid record of its folder's kind before anything is kept."""
    return parse_record_bytes(data, path, _model(original))


def _model(path: Path) -> Callable[[dict[str, Any]], Record]:
    if path.name in (CLIENT_FILE, CLIENT_AGE):
        return Client.from_dict
    return HomeworkEntry.from_dict if path.parent.name == "homework" else Session.from_dict


def _add(j: Journal, record: Record) -> str | None:
    """The id a record is saved under; None for an entry one already here holds."""
    if isinstance(record, HomeworkEntry):
        saved = j.import_homework(replace(record, id=_fresh_id(record))).saved
        return saved.record.id if saved is not None else None
    if isinstance(record, Client):  # plan_resolution refuses "both" for client.toml
        raise UsageError("a client has one client.toml: keeping both is not possible")
    return j.add_session(replace(record, id="")).record.id


def _fresh_id(entry: HomeworkEntry) -> str:
    from otjournal.model.ids import new_suffix, record_id

    return record_id(entry.at, new_suffix())


def plan_resolution(j: Journal, conflict: Conflict, keep: str) -> Plan:
    choices = GIT_CHOICES if conflict.tool == "git" else CHOICES
    if keep not in choices:
        raise UsageError(f"--keep must be one of {', '.join(choices)} for this conflict")
    is_client = conflict.original.name in (CLIENT_FILE, CLIENT_AGE)
    if is_client and keep == "both":
        one = "ours or theirs" if conflict.tool == "git" else "the original or the copy"
        raise UsageError(
            "a client has one client.toml: keeping both is not possible",
            hint=f"--keep merge joins the two (the goals and homework of both), or keep {one}",
        )
    if conflict.original.parent.name == "homework" and keep == "merge":
        raise UsageError("homework entries have no amendments to merge: keep one or both")
    if conflict.tool != "git" and not conflict.original.exists() and keep != "copy":
        raise UsageError(f"{conflict.original.name} is missing: keep the copy")
    if is_client and keep == "merge":
        return Plan(j, conflict, keep, client=_join_client(j, conflict))
    return Plan(j, conflict, keep)


def _join_client(j: Journal, c: Conflict) -> ClientJoin:
    """The two versions of a client.toml joined (clientmerge.join, no base: a field
    changed on both sides stays a conflict), or a UsageError saying why not."""
    from otjournal.disk import fsio, tomlio
    from otjournal.disk.parsing import AGE_OVERHEAD, MAX_FILE_BYTES

    try:
        read, _ = fsio.read_with_fingerprint(c.path, MAX_FILE_BYTES + AGE_OVERHEAD)
    except OSError as exc:
        raise StoreError(f"cannot read: {exc.strerror}", path=c.path) from None
    original: Client | None = None
    fingerprint: Fingerprint | None = None
    if c.tool == "git":
        ours, theirs = git_sides(read)
        a = parse_record_bytes(ours, c.path, Client.from_dict)
        b = parse_record_bytes(theirs, c.path, Client.from_dict)
    else:
        original, fingerprint = j.read_client(c.original.parent.name)
        a, b = original, parse_record_bytes(plaintext(read, c.path), c.path, Client.from_dict)
    try:
        joined = clientmerge.join(a, b)
    except clientmerge.CannotMerge as exc:
        one = "ours or theirs" if c.tool == "git" else "the original or the copy"
        raise OtjournalError(
            f"cannot merge: {exc.message}",
            hint=f"keep {one} (the other is kept in .otjournal/resolved/), then make "
            "the change again",
        ) from None
    goals, homework = clientmerge.added(a, joined)
    data = tomlio.dumps(joined.to_dict())
    return ClientJoin(joined, data, read, goals, homework, original, fingerprint)


def _listed(join: ClientJoin) -> str:
    """What the join adds, by id (never text)."""
    parts = []
    if join.added_goals:
        parts.append("goals added: " + ", ".join(join.added_goals))
    if join.added_homework:
        parts.append("homework added: " + ", ".join(join.added_homework))
    return "; ".join(parts) or "no goal or homework added"


def _unchanged(path: Path, read: bytes, what: str) -> None:
    try:
        same = read_whole(path) == read
    except StoreError:
        same = False
    if not same:
        raise StoreError(
            f"{what} changed since it was read: nothing was changed",
            path=path,
            hint="run the command again",
        )
