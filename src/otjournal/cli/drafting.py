"""What every note-writing command shares: the draft kept after each answer, reading
``--from``, the editor loop, and keeping the draft on every way out (Ctrl-C, a signal,
closed input, an editor failure, a failed save)."""

from __future__ import annotations

import contextlib
import os
import signal
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Generic, TypeVar

import typer

from otjournal.cli.common import err, now
from otjournal.errors import ExitCode, NotFoundError, Stopped, UsageError
from otjournal.forms.common import ERROR_START, strip_errors, with_errors
from otjournal.frozen import frozen

if TYPE_CHECKING:
    from otjournal.disk.store import Journal
    from otjournal.errors import InvalidFile, ValidationErrors
    from otjournal.forms.drafts import Draft, Drafts

R = TypeVar("R")  # the record a run writes (a session, a homework entry, an amendment)
S = TypeVar("S")  # what writing it returns, for the announcement

# The options every note-writing command (otj log, otj homework log) offers alike.
FromOpt = Annotated[
    str | None,
    typer.Option("--from", help="Read it from a TOML file, or - for stdin (no prompts)."),
]
EditorOpt = Annotated[bool, typer.Option("--editor", help="Write it in $EDITOR.")]
ResumeOpt = Annotated[
    bool, typer.Option("--resume", help="Continue the latest draft (or --draft ID).")
]
DraftOpt = Annotated[str | None, typer.Option("--draft", help="The draft to resume.")]
NoInputOpt = Annotated[
    bool, typer.Option("--no-input", help="Never prompt; exit 2 naming missing fields.")
]


class DraftRun(Generic[R, S]):
    """One run of a note-writing command around one draft."""

    command = "log"  # how to resume: f"otj {command} --resume"
    noun = "note"  # what the draft holds, in the messages
    j: Journal  # the notes folder written to (each command sets it)
    source: Source | None = None  # the --from file, to locate what it gave wrong

    def __init__(self, drafts: Drafts, draft: Draft) -> None:
        self.drafts = drafts
        self.draft = draft
        # Whether the last attempt to write the draft worked, and why not: the messages
        # must only ever claim a draft that is really there.
        self.kept: bool | None = None
        self.keep_failure = ""

    def keep(self, step: str | None = None) -> None:
        from otjournal.errors import StoreError

        if step is not None:
            self.draft.step = step
        try:
            self.drafts.save(self.draft, now())
        except StoreError as exc:
            self.kept, self.keep_failure = False, exc.message
            raise
        self.kept = True

    def keep_if_possible(self) -> None:
        """Before saving: refresh the draft, but a failing drafts folder must not stop the
        note itself from being saved."""
        from otjournal.errors import StoreError

        before = (self.kept, self.keep_failure)
        try:
            self.keep()
        except StoreError as exc:
            if before == (False, exc.message):
                return  # said already
            err().print(
                f"otj: note: {exc.message}; saving the {self.noun} itself anyway",
                highlight=False,
                markup=False,
            )

    def keep_quietly(self, step: str | None = None) -> None:
        """On the way out: try to keep the draft; kept_message then says how it went."""
        from otjournal.errors import StoreError

        with contextlib.suppress(StoreError):
            self.keep(step)

    def planned(self, path: Path, data: bytes) -> None:
        """Just before publishing: record in the draft where the record goes and what its
        bytes are, so a draft outliving its published record (a kill between the two) is
        recognised on resume instead of being saved a second time."""
        import hashlib

        self.draft.target = {
            "path": str(path),
            "size": len(data),
            "sha256": hashlib.sha256(data).hexdigest(),
        }
        self.keep_if_possible()

    def resume_hint(self) -> str:
        return f"otj {self.command} --resume --draft {self.draft.id}"

    def kept_message(self, why: str) -> None:
        """Say where the draft is, and go on (an error follows, or the note is saved)."""
        err().print(self.kept_text(why), highlight=False, markup=False)

    def stopped(self, why: str, code: ExitCode) -> Stopped:
        """The way out of the command when it stops here: the boundary says where the
        draft is and exits with ``code``."""
        return Stopped(code, self.kept_text(why))

    def kept_text(self, why: str) -> str:
        """Where the draft is and how to continue: only what is true (the draft may not
        have been written, e.g. with the disk full or the file-size limit reached)."""
        if self.kept is False and self.draft.path.exists():
            text = (
                f"\notj: {why}. The latest answers could not be kept ({self.keep_failure}); "
                f"the draft holds your {self.noun} as it was kept before:\n  {self.draft.path}\n"
                f"Continue with: {self.resume_hint()}"
            )
        elif self.kept is False:
            text = (
                f"\notj: {why}. The draft could not be written either "
                f"({self.keep_failure}): your {self.noun} was not kept."
            )
        else:
            text = (
                f"\notj: {why}. Your {self.noun} is kept as a draft:\n  {self.draft.path}\n"
                f"Continue with: {self.resume_hint()}"
            )
        return text

    def finalize(self) -> R:  # pragma: no cover - each command defines its own
        raise NotImplementedError

    def write(self, record: R) -> S:  # pragma: no cover - each command defines its own
        raise NotImplementedError

    def announce(self, saved: S) -> None:  # pragma: no cover - each command defines its own
        raise NotImplementedError

    def prepare(self) -> None:
        """Anything to settle in the draft just before saving (none by default)."""

    def save(self) -> None:
        """Validate, write the record durably, then (and only then) drop the draft."""
        from otjournal.errors import OtjournalError

        self.prepare()
        self.keep_if_possible()
        try:
            saved = self.write(self.finalize())
        except OtjournalError:
            self.kept_message("it was not saved")
            raise
        self.drafts.discard(self.draft)
        self.announce(saved)
        for failure in self.j.seal_failures:
            # Saved, but without its witness: 'otj check' lists it as unsealed.
            err().print(f"otj: note: {failure}", highlight=False, markup=False)

    def save_unattended(
        self, missing: list[str], flags: dict[str, str], *, from_stdin: bool, usage: bool
    ) -> None:
        """No prompts: save, or say what is missing (exit 2) or wrong (2 for flags, 1 for a
        file). Text that came on stdin is kept as a draft, since it exists nowhere else."""
        from otjournal.errors import FlagErrors, MissingFields, ValidationErrors

        if missing:
            if from_stdin:
                self.keep_quietly()
                self.kept_message(f"the {self.noun} is not complete")
            raise MissingFields(missing, flags)
        try:
            self.finalize()
        except ValidationErrors as exc:
            if from_stdin:
                self.keep_quietly()
                self.kept_message(f"the {self.noun} was not saved")
            if usage:
                raise FlagErrors(exc.errors) from None
            raise (self.source.located(exc) if self.source else exc) from None
        self.save()

    @contextlib.contextmanager
    def guard(self) -> Iterator[None]:
        """Keep the draft and say how to resume, whatever stops the flow."""
        from otjournal.prompts import InputEnded

        if hasattr(sys.stdin, "reconfigure"):
            sys.stdin.reconfigure(errors="replace")  # a stray byte never costs the entry
        with signals_exit():
            try:
                yield
            except KeyboardInterrupt:
                with second_interrupt_ignored():  # pressed twice: the draft is still kept
                    self.keep_quietly()
                raise self.stopped("stopped", ExitCode.INTERRUPTED) from None
            except InputEnded:
                self.keep_quietly()
                why = f"input ended before the {self.noun} was finished"
                raise self.stopped(why, ExitCode.PROBLEM) from None
            except SystemExit as exc:
                if isinstance(exc.code, int) and exc.code > 128:
                    self.keep_quietly()
                    self.kept_message("stopped by a signal")
                raise

    def edit(self, form_text: str, accept: Callable[[dict[str, Any]], None]) -> None:
        """Open $VISUAL/$EDITOR on a form until ``accept`` takes it without error.

        ``accept`` gets the parsed table, stores it in the draft and validates; it
        raises ParseError or ValidationErrors to send the form back with the errors
        at the top. The person's text is never lost: it stays in the form file."""
        from otjournal.disk import tomlio
        from otjournal.errors import ValidationErrors

        command = os.environ.get("VISUAL") or os.environ.get("EDITOR")
        if not command:
            raise UsageError("set $EDITOR (or $VISUAL) to use --editor, e.g. export EDITOR=nano")
        form = self.draft.form
        text = (
            form.read_text("utf-8", "replace")
            if self.draft.step == "editor" and form.exists()
            else form_text
        )
        if not _has_content(strip_errors(text)):
            text = form_text  # an emptied form: start again from the draft's answers
        self.keep("editor")
        while True:
            write_private(form, text)
            code = run_editor(command, form)
            sent, text = text, form.read_text(encoding="utf-8", errors="replace")
            if code != 0:
                raise self.stopped(f"the editor exited with status {code}", ExitCode.PROBLEM)
            body = strip_errors(text)
            if text == sent and sent.startswith(ERROR_START):
                # Closed again without a change: stop asking rather than loop.
                raise self.stopped("the form still has errors", ExitCode.PROBLEM)
            if not _has_content(body):
                raise self.stopped("the form was left empty", ExitCode.PROBLEM)
            try:
                accept(tomlio.parse(body.encode("utf-8"), form))
            except tomlio.ParseError as exc:
                # Line numbers as shown in the reopened form, below the error header.
                shown = (exc.line or 1) + 3
                text = with_errors(body, [f"line {shown}: {exc.message}"])
                continue
            except ValidationErrors as exc:
                said = [e.message + (f" (hint: {e.hint})" if e.hint else "") for e in exc.errors]
                text = with_errors(body, said)
                continue
            return  # the form goes with the draft, once the note is saved


def pick_draft(
    drafts: Drafts, draft_id: str | None, client: str | None, command: str = "log"
) -> Draft:
    """The named draft, else the newest one (for CLIENT, when one is named)."""
    if draft_id or not client:
        return drafts.load(draft_id, command=command)
    mine = [
        d
        for d in drafts.entries()
        if d.command == command and d.client == client and drafts.ours(d)
    ]
    if not mine:
        raise NotFoundError(f"no draft for {client} to resume; 'otj drafts' lists them")
    return mine[-1]


def drop_if_published(drafts: Drafts, draft: Draft, root: Path | None = None) -> None:
    """A draft whose record is already in the notes folder (otj was stopped after
    publishing, before the draft was deleted): say so, discard it, and stop (exit 0).
    Resuming it would save the same record a second time."""
    path = drafts.published(draft)
    if path is None:
        return
    shown = path.relative_to(root) if root is not None and path.is_relative_to(root) else path
    drafts.discard(draft)
    typer.echo(
        f"Already saved as {shown}: draft {draft.id} was left behind when otj was stopped "
        "after saving it; it is now discarded. Nothing was saved twice."
    )
    raise Stopped(ExitCode.OK)


def editor_table(draft: Any) -> dict[str, Any] | None:
    """For a draft stopped in the editor: the form as last saved there (it may be newer
    than the draft's answers), as a table; None if there is none. Resuming without the
    editor (--no-input, --from) works from it; a form that does not parse stops (exit 2)
    rather than lose what was typed."""
    from otjournal.disk import tomlio

    form = draft.form
    if draft.step != "editor" or not form.exists():
        return None
    body = strip_errors(form.read_text("utf-8", "replace"))
    if not _has_content(body):
        return None
    try:
        return tomlio.parse(body.encode("utf-8"), form)
    except tomlio.ParseError as exc:
        raise UsageError(
            f"the draft's editor form does not read (line {exc.line}: "
            f"{exc.message}); continue with: otj {draft.command} --resume --draft {draft.id} "
            "--editor"
        ) from None


def read_source(source: str) -> dict[str, Any]:
    """A table from a file or stdin (``-``), read tolerantly: a stray byte is replaced."""
    return load_source(source).table


@frozen
class Source:
    """A ``--from`` file (or stdin) as read: its name, its text and its table, so that a
    value refused when saving is shown at its line, as 'otj check' shows a file's."""

    name: Path
    text: str
    table: dict[str, Any]

    def located(self, exc: ValidationErrors) -> InvalidFile:
        """Each error as ``NAME:LINE:COL: error: field: problem`` (check's own locate)."""
        from otjournal.disk.tomllocate import locate
        from otjournal.errors import InvalidFile, Problem

        return InvalidFile(
            [
                Problem(self.name, e.message, *locate(self.text, self.place(e.field)), e.hint)
                for e in exc.errors
            ]
        )

    def place(self, field: str) -> str:
        """Where a field named for people is in the file: ``goal g1-k3x.gas`` is the
        goal's table in ``goals`` (typed there in full or short), ``goals[N].gas``."""
        import re

        m = re.fullmatch(r"goal ([a-z0-9][a-z0-9-]*)(.*)", field, re.S)
        goals = self.table.get("goals")
        if m is None or not isinstance(goals, list):
            return field
        gid, rest = m.groups()
        for i, g in enumerate(goals):
            typed = g.get("goal") if isinstance(g, dict) else None
            if isinstance(typed, str) and typed and (gid == typed or gid.startswith(typed + "-")):
                return f"goals[{i}]{rest}"
        return "goals"


def load_source(source: str) -> Source:
    """A file or stdin (``-``) read once, tolerantly (a stray byte is replaced)."""
    from otjournal.cli.stdio import read_input
    from otjournal.disk import tomlio
    from otjournal.errors import InvalidFile, Problem

    raw, name = read_input(source)
    text = raw.decode("utf-8", errors="replace").lstrip("\ufeff")
    try:
        table = tomlio.parse(text.encode("utf-8"), name)
    except tomlio.ParseError as exc:
        raise InvalidFile(
            [Problem(Path(name), exc.message, exc.line, exc.column, exc.hint)]
        ) from None
    return Source(Path(name), text, table)


def _has_content(text: str) -> bool:
    return any(line.strip() and not line.lstrip().startswith("#") for line in text.splitlines())


def write_private(path: Path, text: str) -> None:
    # Never through a link planted at the name (the folder itself is checked by the caller).
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0), 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
        fh.flush()
        os.fsync(fh.fileno())


def run_editor(command: str, path: Path) -> int:
    import shlex
    import subprocess

    try:
        return subprocess.call([*shlex.split(command), str(path)])
    except OSError as exc:
        err().print(
            f"otj: cannot start the editor {command!r}: {exc.strerror}",
            highlight=False,
            markup=False,
        )
        return 127


# SIGHUP (a terminal closed) and SIGTERM raise SystemExit so the draft is kept and
# the path printed.
EXIT_SIGNALS = tuple(s for s in (getattr(signal, "SIGHUP", None), signal.SIGTERM) if s)


@contextlib.contextmanager
def signals_handled(signals: tuple[int, ...], handler: Any) -> Iterator[None]:
    """``handler`` for these signals inside, then each as it was."""
    old: dict[int, Any] = {}
    for sig in signals:
        try:
            old[sig] = signal.signal(sig, handler)
        except ValueError:  # not the main thread (tests)
            pass
    try:
        yield
    finally:
        for sig, was in old.items():
            signal.signal(sig, was)


def signals_exit() -> contextlib.AbstractContextManager[None]:
    return signals_handled(EXIT_SIGNALS, _raise_exit)


def second_interrupt_ignored() -> contextlib.AbstractContextManager[None]:
    """Ctrl-C ignored inside (a person often presses it twice), then as it was."""
    return signals_handled((signal.SIGINT,), signal.SIG_IGN)


def _raise_exit(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)
