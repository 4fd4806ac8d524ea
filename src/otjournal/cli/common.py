"""What every command shares: options, the consoles, the error boundary."""

from __future__ import annotations

import json
import os
import re
import shutil
import sys
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer
from typer._click.exceptions import UsageError as ClickUsageError
from typer.core import TyperGroup

from otjournal.errors import InvalidFile, OtjournalError

if TYPE_CHECKING:
    from otjournal.textgrid import Column

DirOpt = Annotated[
    Path | None,
    typer.Option(
        "--dir",
        help="Notes folder (default: $OTJOURNAL_DIR, else the user data folder).",
        show_default=False,
        file_okay=False,
    ),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]


def complete_client(ctx: typer.Context, incomplete: str) -> list[str]:
    """Shell completion: client handles in the notes folder (reads folder names only)."""
    from otjournal.paths import notes_dir
    from otjournal.store import Journal

    try:
        root = notes_dir(ctx.params.get("dir"), os.environ)
        return [h for h in Journal(root).client_handles() if h.startswith(incomplete)]
    except (OSError, OtjournalError):
        return []


ClientArg = Annotated[
    str, typer.Argument(help="Client handle, e.g. mia-k.", autocompletion=complete_client)
]
OptClientArg = Annotated[
    str | None,
    typer.Argument(
        help="Client handle (default: all clients).",
        autocompletion=complete_client,
        show_default=False,
    ),
]

# Commands about one client that fall back on the config's default_client.
DefaultClientArg = Annotated[
    str | None,
    typer.Argument(
        help="Client handle (default: default_client in the config).",
        autocompletion=complete_client,
        show_default=False,
    ),
]


def journal(dir_option: Path | None) -> Any:
    from otjournal.paths import cache_dir, notes_dir
    from otjournal.store import Journal

    # The CLI keeps a derived cache of parsed records (platformdirs' cache folder);
    # OTJOURNAL_NO_CACHE=1 reads every file afresh.
    no_cache = os.environ.get("OTJOURNAL_NO_CACHE", "").strip() not in ("", "0")
    return Journal(
        notes_dir(dir_option, os.environ),
        cache_folder=None if no_cache else cache_dir(),
        progress=ReadingProgress(),
    )


class ReadingProgress:
    """A progress bar on stderr while a read parses thousands of files (a first run,
    or after a sync changed many): only on a terminal, and gone once done."""

    def __init__(self) -> None:
        self._bar: Any = None

    def start(self, total: int) -> None:
        if not err().is_terminal:
            return
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

        self._bar = Progress(
            TextColumn("reading notes"),
            BarColumn(),
            MofNCompleteColumn(),
            console=err(),
            transient=True,
        )
        self._task = self._bar.add_task("read", total=total)
        self._bar.start()

    def advance(self) -> None:
        if self._bar is not None:
            self._bar.advance(self._task)

    def stop(self) -> None:
        if self._bar is not None:
            self._bar.stop()
            self._bar = None


def today() -> date:
    return datetime.now().astimezone().date()


def now() -> datetime:
    return datetime.now().astimezone()


_consoles: dict[str, Any] = {}
# Notes are printed as written: "[sic]" is not a style tag, ":sob:" not an emoji, and
# nothing is coloured by guesswork. The tool's own styled lines ask for markup=True.
# soft_wrap: lines of results (paths above all) are never broken to the width; tables
# still lay themselves out to it.
_PLAIN = {"highlight": False, "markup": False, "emoji": False, "soft_wrap": True}


def out() -> Any:
    """The console for results (stdout). Rich honours NO_COLOR and non-TTY output."""
    from rich.console import Console

    if "out" not in _consoles or _consoles["out"].file is not sys.stdout:
        _consoles["out"] = Console(file=sys.stdout, **_PLAIN)
    return _consoles["out"]


def err() -> Any:
    """The console for warnings and errors (stderr)."""
    from rich.console import Console

    if "err" not in _consoles or _consoles["err"].file is not sys.stderr:
        _consoles["err"] = Console(file=sys.stderr, **_PLAIN)
    return _consoles["err"]


def print_table(columns: Sequence[Column], rows: Sequence[Sequence[str]]) -> None:
    """A table of plain cells on stdout: laid out directly when it fits the terminal,
    so a fast command never loads Rich's console (about 25 ms); else Rich fits it."""
    from otjournal import textgrid

    plain = textgrid.lines(columns, rows, shutil.get_terminal_size().columns)
    if plain is None:
        out().print(textgrid.table(columns, rows))
        return
    if sys.stdout.isatty() and os.environ.get("TERM") not in {"dumb", "unknown"}:
        plain[0] = f"\x1b[1m{plain[0]}\x1b[0m"  # the header in bold, as Rich shows it
    sys.stdout.write("\n".join(plain) + "\n")


def print_json(data: Any) -> None:
    from otjournal.tomlio import to_json_value

    sys.stdout.write(json.dumps(to_json_value(data), ensure_ascii=False, indent=2) + "\n")


def warn(message: str) -> None:
    from rich.markup import escape

    err().print(f"[yellow]otj:[/] {escape(message)}", markup=True)


def fail(message: str, code: int = 2, hint: str | None = None) -> NoReturn:
    report(OtjournalError(message, hint=hint))
    raise typer.Exit(code)


def report(exc: OtjournalError) -> None:
    from rich.markup import escape

    problems = exc.problems if isinstance(exc, InvalidFile) else None
    if problems:
        for p in problems:
            err().print(f"[red]otj:[/] {escape(p.format())}", markup=True)
        return
    err().print(f"[red]otj: error:[/] {escape(str(exc))}", markup=True)
    if exc.hint:
        err().print(f"  [dim]hint:[/] {escape(exc.hint)}", markup=True)


class BoundaryGroup(TyperGroup):
    """The one error boundary: the project's own errors become a message and an exit code."""

    def invoke(self, ctx: Any) -> Any:
        # Undecodable bytes on the command line arrive as lone surrogates: make them
        # U+FFFD here, once, so no later print or write trips over them.
        for name in ("protected_args", "_protected_args", "args"):
            value = getattr(ctx, name, None)
            if isinstance(value, list):
                value[:] = [_clean_arg(a) for a in value]
        try:
            return super().invoke(ctx)
        except OtjournalError as exc:
            report(exc)
            raise typer.Exit(exc.exit_code) from None
        except ClickUsageError as exc:
            exc.message = unechoed(exc.message)
            raise
        except KeyboardInterrupt:
            err().print("\notj: interrupted")
            raise typer.Exit(130) from None


# Click's own messages repeat what was typed: a value that does not fit an option, an
# argument too many, an unknown command. It may be a note typed in the wrong place
# (`otj log mia --sumary "…"`), so it is replaced by what was expected.
_CLICK_ECHOES = (
    (re.compile(r"(['\"]).*\1 (is not|does not)( .*)", re.S), r"the value given \2\3"),
    (
        re.compile(r"Got unexpected extra argument\(s\) \(.*\)", re.S),
        "got more arguments than this command takes (not shown: they may be note text); "
        "put quotes around a value with spaces, after its option",
    ),
)


def unechoed(message: str) -> str:
    """A Click usage message without the value that was typed (numbers and command names
    that are identifiers are kept: they cannot carry a note)."""
    from otjournal.model.ids import shown

    m = re.fullmatch(r"No such command (['\"])(.*)\1\.", message, re.S)
    if m:
        return f"No such command {shown(m.group(2))}."
    for pattern, replacement in _CLICK_ECHOES:
        if pattern.fullmatch(message):
            message = pattern.sub(replacement, message)
            break
    return re.sub(r"not a valid (int range|integer)", "not a whole number", message).replace(
        "not a valid float range", "not a number"
    )


def _clean_arg(value: Any) -> Any:
    if not isinstance(value, str):
        return value
    try:
        value.encode("utf-8")
        return value
    except UnicodeEncodeError:
        return value.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
