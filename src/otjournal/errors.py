"""The project's own error types. Nothing here prints.

Every error carries a message, optionally a location (path, line, column) and a
hint saying what to do next. Messages never contain note text: they name fields,
allowed values and files, not what a person wrote.
"""

from __future__ import annotations

import errno
from dataclasses import dataclass
from enum import IntEnum
from pathlib import Path


class ExitCode(IntEnum):
    """How every command ends (the README's table): one meaning per number."""

    OK = 0
    # A data problem: a file that cannot be read, a client that does not exist, a file
    # changed on disk since it was read; also a check that found something to fix.
    PROBLEM = 1
    USAGE = 2  # a bad option, a value missing with --no-input
    INTERRUPTED = 130  # Ctrl-C (128 + SIGINT, as shells report it)


class OtjournalError(Exception):
    """Base class: anything the CLI boundary turns into a readable message and an exit
    code. Each subclass carries its code; raise, never print and exit on the spot."""

    exit_code: ExitCode = ExitCode.PROBLEM

    def __init__(
        self,
        message: str,
        *,
        path: Path | str | None = None,
        line: int | None = None,
        column: int | None = None,
        hint: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.path = Path(path) if path is not None else None
        self.line = line
        self.column = column
        self.hint = hint

    def location(self) -> str:
        if self.path is None:
            return ""
        loc = str(self.path)
        if self.line is not None:
            loc += f":{self.line}"
            if self.column is not None:
                loc += f":{self.column}"
        return loc

    def __str__(self) -> str:
        loc = self.location()
        return f"{loc}: {self.message}" if loc else self.message


class UsageError(OtjournalError):
    """The command was asked for something that cannot be done as asked (exit 2)."""

    exit_code = ExitCode.USAGE


class Stopped(OtjournalError):
    """The command ends here, having said why (findings listed, a draft kept, a question
    answered no): the boundary shows ``text`` as it is, if any, and exits with ``code``."""

    def __init__(self, code: ExitCode, text: str = "") -> None:
        super().__init__(text)
        self.exit_code = code
        self.text = text


class ValidationError(OtjournalError):
    """One or more fields of a record do not hold allowed values.

    ``field`` is a dotted path such as ``checklist[2].answer`` so that a file
    location can be found for it and a person knows exactly what to fix.
    """

    def __init__(self, field: str, message: str, *, hint: str | None = None) -> None:
        super().__init__(f"{field}: {message}" if field else message, hint=hint)
        self.field = field
        self.detail = message


class ValidationErrors(OtjournalError):
    """Several validation errors at once, so a person can fix them all in one go."""

    def __init__(self, errors: list[ValidationError]) -> None:
        self.errors = errors
        hints = dict.fromkeys(e.hint for e in errors if e.hint)  # each once, in order
        super().__init__("; ".join(e.message for e in errors), hint="; ".join(hints) or None)


class FlagErrors(ValidationErrors):
    """Values given as options that cannot be saved: a usage problem (exit 2), where the
    same values read from a file are a data problem (exit 1)."""

    exit_code = ExitCode.USAGE


class MissingFields(UsageError):
    """A note cannot be saved without these fields (``--no-input``, ``--from``): each named
    with the option that gives it."""

    def __init__(self, missing: list[str], flags: dict[str, str]) -> None:
        lines = [f"  {m}" + (f"  ({flags[m]})" if m in flags else "") for m in missing]
        super().__init__("cannot save without:\n" + "\n".join(lines))
        self.missing = missing


class StoreError(OtjournalError):
    """Writing or reading the notes folder failed; nothing was lost."""


class NotFoundError(OtjournalError):
    """A client, goal or session named by the user does not exist."""


class ConflictError(StoreError):
    """A file changed on disk after it was read: refuse rather than overwrite."""


class InvalidFile(OtjournalError):
    """A file that could not be read as a record: every problem found in it."""

    def __init__(self, problems: list[Problem]) -> None:
        first = problems[0]
        super().__init__(
            first.message, path=first.path, line=first.line, column=first.column, hint=first.hint
        )
        self.problems = problems


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with one file, found while loading. Loading goes on."""

    path: Path
    message: str
    line: int | None = None
    column: int | None = None
    hint: str | None = None
    severity: str = "error"  # "error" or "warning"

    def format(self, root: Path | None = None) -> str:
        path = self.path
        if root is not None:
            try:
                path = self.path.relative_to(root)
            except ValueError:
                pass
        loc = str(path)
        loc += f":{self.line or 1}:{self.column or 1}"
        text = f"{loc}: {self.severity}: {self.message}"
        if self.hint:
            text += f" (hint: {self.hint})"
        return text

    def to_json(self, root: Path | None = None) -> dict[str, object]:
        path = self.path
        if root is not None:
            try:
                path = self.path.relative_to(root)
            except ValueError:
                pass
        return {
            "path": str(path),
            "line": self.line or 1,
            "column": self.column or 1,
            "severity": self.severity,
            "message": self.message,
            "hint": self.hint or "",
        }


class KeyFileError(OtjournalError):
    """An age identity (secret key) or a journal's recipients file that cannot be used:
    missing, unreadable, open to others or malformed. The message names the file and the
    line, never a key's secret."""


# An output that cannot take what is written (a full disk, a quota, a device error):
# said, exit 1. A reader gone (EPIPE) is not among them: that ends the run quietly.
CANNOT_WRITE = (errno.ENOSPC, errno.EIO, errno.EDQUOT)

# A file of no bytes (or only white space): what a crash or an interrupted sync leaves.
EMPTY_FILE = "the file is empty: a crash or an interrupted sync can leave an empty file"
EMPTY_HINT = "restore it from a backup or sync copy; otjournal never treats it as a note"


class CipherError(OtjournalError):
    """An encrypted file that cannot be opened: none of the keys fits, it was cut short
    or changed, or it is not an age file. Named by path; its content is never shown."""


class CipherErrors(OtjournalError):
    """Several files that stop a conversion before it changes anything, each a problem."""

    def __init__(self, problems: list[Problem]) -> None:
        first = problems[0]
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        super().__init__(first.message + more, path=first.path, line=first.line, hint=first.hint)
        self.problems = problems
