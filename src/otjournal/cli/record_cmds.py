"""``otj amend``: append a dated, attributed amendment (a correction, an addition…)."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer

from otjournal.cli.common import (
    DirOpt,
    ask_name,
    ask_needed,
    err,
    journal,
    now,
    out,
    read_config,
)
from otjournal.cli.drafting import DraftOpt, DraftRun, ResumeOpt, drop_if_published, pick_draft
from otjournal.errors import UsageError

if TYPE_CHECKING:
    from otjournal.disk.fsio import Fingerprint
    from otjournal.disk.loading import Snapshot
    from otjournal.disk.store import Journal
    from otjournal.forms.drafts import Draft, Drafts
    from otjournal.model import Amendment, Session

FieldOpt = Annotated[
    str | None,
    typer.Option(
        "--field",
        help="For a correction: the text field it corrects, e.g. goals[g1].evidence, "
        "child_voice.text, caregiver.report, plan.summary, activities[2].response.",
    ),
]
SetOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--set",
        metavar="PATH=VALUE",
        help="For a correction: a corrected value (repeat it): goals.g1.gas=+1, "
        "checklist.agile=partly, duration_min=50, attendees=child,parent, "
        "'techniques=CBT,graded exposure' (the whole list), ors=7,6,8,7 (or one item: "
        "ors.overall=8), "
        "risk=none-identified; a risk identified after all with 'risk.what=…', "
        "'risk.action=…' and risk.told=parent,GP.",
    ),
]


def register(app: typer.Typer) -> None:
    app.command("amend")(amend_cmd)


def amend_cmd(
    session_id: Annotated[
        str | None,
        typer.Argument(metavar="ID", help="The session to amend (not needed with --resume)."),
    ] = None,
    kind: Annotated[
        str | None,
        typer.Option(
            help="correction, addition, clarification, late-information, "
            "client-requested-correction or statement-of-disagreement."
        ),
    ] = None,
    text: Annotated[
        str | None, typer.Option(help="The amendment (else prompted, or --stdin).")
    ] = None,
    original: Annotated[
        str | None, typer.Option(help="For a correction: the original wording being corrected.")
    ] = None,
    from_stdin: Annotated[
        bool, typer.Option("--stdin", help="Read the amendment's text from standard input.")
    ] = False,
    by: Annotated[
        str | None, typer.Option("--by", help="Who amends it (default: practitioner.name).")
    ] = None,
    field: FieldOpt = None,
    sets: SetOpt = None,
    no_input: Annotated[bool, typer.Option("--no-input", help="Never prompt.")] = False,
    resume: ResumeOpt = False,
    draft_id: DraftOpt = None,
    dir: DirOpt = None,
) -> None:
    """Append a dated, attributed amendment. The note itself is never rewritten: its bytes
    stay a prefix of the file, and the amendment records their hash. A correction may name
    the field it corrects (--field) and corrected values (--set); reports then quote the
    note as amended. Text typed at the prompt or read from stdin is kept as a draft until
    the amendment is saved."""
    from otjournal.forms.drafts import default_drafts
    from otjournal.model.vocab import AMENDMENT_KINDS

    config = read_config()
    j = journal(dir)
    drafts = default_drafts(j.write_lock(), j.root)
    draft, session_id = _resumed(j, drafts, resume, draft_id, session_id)
    if not session_id:
        raise UsageError("name the session to amend: otj amend ID (or --resume a kept amendment)")
    snap, found = j.find_session(session_id)
    raw, fingerprint, session = j.read_session_file(_own_file(found.path, found.record.id))
    targets = _targets(snap, session, field, sets or [])  # refused here: nothing kept
    if from_stdin:
        text = sys.stdin.buffer.read().decode("utf-8", "replace").strip()
    given = {"kind": kind, "text": text, "original": original, "by": by, **targets}
    note = {**(draft.note if draft else {}), "session": session.id}
    note.update({k: v for k, v in given.items() if v is not None})
    if draft is None:
        draft = drafts.new("amend", session.client, now(), note)
    draft.note = note
    run = AmendRun(j, drafts, draft, found.path, raw, fingerprint, session)
    if note.get("text") and (from_stdin or resume or draft_id):
        run.keep_if_possible()  # text read from stdin exists nowhere else
    run.check_values_first()
    interactive = not no_input and sys.stdin.isatty()
    with run.guard():
        run.ask_missing(interactive, config.practitioner, AMENDMENT_KINDS)
    run.warn_if_broken()
    run.save()


def _own_file(path: Path, sid: str) -> Path:
    """The note's file, which an amendment goes into: only the one named for it
    (``<id>.toml``). One that holds the id under another name is a copy (its note
    missing), and what is appended to it would be lost when the note comes back."""
    from otjournal.errors import OtjournalError

    if path.name not in (f"{sid}.toml", f"{sid}.toml.age"):
        raise OtjournalError(
            f"holds session {sid} but is not {sid}.toml: a copy, while the note itself is "
            "missing; nothing was written",
            path=path,
            hint=f"restore {sid}.toml (or rename the copy to it if it is the note), then amend",
        )
    return path


def _resumed(
    j: Journal, drafts: Drafts, resume: bool, draft_id: str | None, session_id: str | None
) -> tuple[Draft | None, str]:
    """The kept amendment to go on with (--resume, --draft), and the session it amends."""
    if not (resume or draft_id):
        return None, session_id or ""
    draft = pick_draft(drafts, draft_id, None, "amend")
    drop_if_published(drafts, draft, j.root)
    return draft, session_id or str(draft.note.get("session", ""))


def _targets(
    snap: Snapshot, session: Session, field: str | None, sets: list[str]
) -> dict[str, Any]:
    """``--field`` and ``--set`` checked against the note (short goal ids made full)."""
    from otjournal.numbers import amended

    filed = snap.clients.get(session.client)
    client = filed.record if filed else None
    out: dict[str, Any] = {}
    if field is not None:
        out["field"] = amended.field_for(session, client, field)
    if sets:
        out["values"] = amended.values_from(session, client, sets)
    return out


def refuse_values(session: Session, values: Any) -> None:
    """Corrected values checked by the rules a note meets when written (`otj log`'s
    words): the note as amended must be one that could be saved. Only what the
    amendment changes is checked, so an older note still takes any other amendment."""
    from otjournal.cli.log_session import write_errors
    from otjournal.errors import FlagErrors
    from otjournal.model.write_rules import repeated_attendees

    if not isinstance(values, dict):
        return  # the model says what values must be
    # As the note will read: a correction of its type too is taken with the rest.
    part: dict[str, Any] = {"session_type": values.get("session_type", session.session_type)}
    for key in ("duration_min", "attendees"):
        if key in values:
            part[key] = values[key]
    goals = values.get("goals")
    if isinstance(goals, dict):
        part["goals"] = [{**v, "goal": k} for k, v in goals.items() if isinstance(v, dict)]
    errors = write_errors(part) + repeated_attendees(values)
    if errors:
        raise FlagErrors(errors)


class AmendRun(DraftRun["Amendment", "Amendment"]):
    """One ``otj amend``: the amendment kept as a draft, written once, sealed."""

    command = "amend"
    noun = "amendment"

    def __init__(
        self,
        j: Journal,
        drafts: Drafts,
        draft: Draft,
        path: Path,
        raw: bytes,
        fingerprint: Fingerprint,
        session: Session,
    ) -> None:
        super().__init__(drafts, draft)
        self.j = j
        self.path = path
        self.raw = raw  # the file as read: the amendment is appended to exactly these bytes
        self.fingerprint = fingerprint
        self.session = session
        self.broken: list[str] = []
        self.placed: tuple[str, ...] = ()  # where the amendment applies in the note

    def ask_missing(self, interactive: bool, author: str, kinds: tuple[str, ...]) -> None:
        """Prompt for what the flags did not give (each answer kept in the draft), or
        stop naming it. A kept amendment says how to resume."""
        from otjournal.model import Amendment
        from otjournal.prompts.base import pick

        note = self.draft.note
        try:
            if note.get("kind") is None:
                # --set belongs to a correction: only those kinds are offered with it.
                offered = [k for k in kinds if k in Amendment.CORRECTING or not note.get("values")]
                if not interactive:
                    self.stop(f"--kind is required: one of {', '.join(offered)}")
                while not note.get("kind"):
                    question = f"Kind ({', '.join(offered)})"
                    answer = typer.prompt(question, default="", show_default=False)
                    answer = answer.strip().lower()
                    note["kind"] = pick(answer, tuple(offered)) or None
                    if not note["kind"]:  # asked again, and why
                        why = "--set corrects a value, so" if pick(answer, kinds) else "Please"
                        typer.echo(f"  {why} choose one of: {', '.join(offered)}")
            if note["kind"] not in kinds:
                self.stop(f"--kind must be one of {', '.join(kinds)}")
            if note["kind"] == "correction" and note.get("original") is None and interactive:
                where = note.get("field")
                question = (
                    f"The words being corrected in {where} (Enter: all of it)"
                    if where
                    else "The original wording being corrected"
                )
                if where or not note.get("values"):
                    note["original"] = typer.prompt(question, default="", show_default=False)
                    self.keep_if_possible()
            if not note.get("text"):
                if not interactive:
                    self.stop("give the amendment's text with --text or --stdin")
                note["text"] = ask_needed("Amendment")
                self.keep_if_possible()
            note.setdefault("by", author or None)
            if not note.get("by"):
                if not interactive:
                    self.stop("--by is required (or set practitioner.name in the config)")
                note["by"] = ask_name("Your name")
                self.keep_if_possible()
        except typer.Abort:  # Ctrl-C or end of input at a prompt
            raise KeyboardInterrupt from None

    def stop(self, message: str) -> NoReturn:
        """A usage error (exit 2); a draft already kept (text from stdin, a resumed
        draft) is kept with what was given now, and the message says where."""
        if self.kept is not None:
            self.keep_quietly()
            self.kept_message(f"the {self.noun} is not complete")
        raise UsageError(message)

    def warn_if_broken(self) -> None:
        """Amending a note already changed outside otjournal hides nothing: say so, and
        the amendment records it (``over_broken_chain``)."""
        from otjournal.disk import amend, seals

        self.broken = [
            f"the text before amendment {b.index + 1} no longer matches its recorded hash"
            for b in amend.verify(self.raw, self.session)
        ]
        rel = self.path.relative_to(self.j.root).as_posix()
        with self.j.seal_index() as index:
            sealed = index.get(rel)
        found = seals.mismatch(sealed, self.raw) if sealed else None
        if found and found[0] == "warning" and not self._changed_since_read():
            self.broken.append(f"the note {found[1]}")
        for why in self.broken:
            err().print(
                f"otj: warning: {self.path.name} was changed outside otjournal before this "
                f"amendment: {why}. The amendment is added and records this.",
                highlight=False,
                markup=False,
            )

    def _changed_since_read(self) -> bool:
        """Whether the file is no longer the bytes read: another otj amended and sealed it
        meanwhile (its seal is newer than what was read, which is no sign of an edit).
        The save is then refused as changed on disk; nothing was removed."""
        from otjournal.disk.parsing import read_whole
        from otjournal.errors import StoreError

        try:
            return read_whole(self.path) != self.raw
        except StoreError:
            return False  # said where it is written

    def finalize(self) -> Amendment:
        from otjournal.model import Amendment

        note = self.draft.note
        extra: dict[str, Any] = {k: note[k] for k in ("field", "values") if note.get(k)}
        if self.broken:
            extra["over_broken_chain"] = True
        return Amendment(
            now().replace(microsecond=0),
            str(note["by"]).strip(),
            str(note["kind"]),
            str(note["text"]).strip(),
            str(note.get("original") or "").strip(),
            extra=extra,
        )

    def prepare(self) -> None:
        """What the amendment corrects must be in the note as it reads now, and each
        corrected value must be one a new note could hold (exit 2)."""
        from otjournal.model.write_rules import checked_writer

        amendment = self.finalize()
        checked_writer(amendment.by)
        self.placed = self._checked(amendment)

    def check_values_first(self) -> None:
        """The --set values checked before any prompt, as ``prepare`` checks them, so a
        value refused is said before the amendment is typed. The kind not given yet is
        taken as a correction (--set belongs to one; a kind picked at the prompt that is
        not is refused by ``prepare``)."""
        from otjournal.model import Amendment
        from otjournal.model.vocab import AMENDMENT_KINDS

        note = self.draft.note
        values, kind = note.get("values"), note.get("kind") or "correction"
        if values and kind in AMENDMENT_KINDS:  # an unknown kind: said as before
            self._checked(Amendment(now(), "-", str(kind), "-", "", extra={"values": values}))

    def _checked(self, amendment: Amendment) -> tuple[str, ...]:
        """Where ``amendment`` applies (``amended.check_new``), its values held to the
        rules for writing; a refusal keeps the text already kept as a draft."""
        from otjournal.numbers import amended

        with self._refused():
            refuse_values(self.session, amendment.extra.get("values"))
            return amended.check_new(self.session, amendment)

    @contextlib.contextmanager
    def _refused(self) -> Iterator[None]:
        """A refusal (exit 2) keeps the text already kept as a draft, and says so."""
        from otjournal.errors import FlagErrors

        try:
            yield
        except (UsageError, FlagErrors):
            if self.kept is not None:
                self.keep_quietly()
                self.kept_message(f"the {self.noun} was not saved")
            raise

    def write(self, amendment: Amendment) -> Amendment:
        from otjournal.disk import amend
        from otjournal.disk.parsing import parse_record_bytes
        from otjournal.disk.store import refuse_oversize
        from otjournal.errors import StoreError
        from otjournal.model import Session

        new = amend.append(self.raw, amendment)
        assert new.startswith(self.raw)
        refuse_oversize(self.path, new)  # before the parse, which would say the same less well
        # What is written must read back as the same note plus this amendment.
        after = parse_record_bytes(new, self.path, Session.from_dict)
        if (
            not amend.same_note(after, self.session)
            or len(after.amendments) != len(self.session.amendments) + 1
        ):
            raise StoreError(
                "refusing to write: the amended file would not read back as the same note",
                path=self.path,
            )
        self.planned(self.path, new)
        self.j.replace_file(self.path, new, self.fingerprint)
        return amendment

    def announce(self, amendment: Amendment) -> None:
        out().print(
            f"Amended {self.session.id}: {amendment.kind} by {amendment.by} at "
            f"{amendment.at:%Y-%m-%d %H:%M}.",
            highlight=False,
        )
        from otjournal.numbers.amended import WHOLE_NOTE

        if WHOLE_NOTE in self.placed:
            say = "It corrects the note as a whole (name the field with --field)."
        elif self.placed:
            say = (
                f"It {'corrects' if amendment.corrects else 'is about'}: {', '.join(self.placed)}."
            )
        else:
            return
        out().print(say, highlight=False, markup=False)
