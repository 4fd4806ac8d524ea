"""What every command shares: options, the consoles, the error boundary."""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import sys
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from typer import _click
from typer._click.exceptions import UsageError as ClickUsageError
from typer.core import TyperGroup

from otjournal import clock
from otjournal.errors import CANNOT_WRITE, ExitCode, InvalidFile, OtjournalError, Stopped

if TYPE_CHECKING:
    from typing import IO

    from rich.console import Console, ConsoleOptions, RenderableType
    from rich.progress import Progress, TaskID
    from rich.segment import Segment
    from rich.text import Text

    from otjournal.config import Config
    from otjournal.disk.store import Journal
    from otjournal.views.textgrid import Column

DirOpt = Annotated[
    Path | None,
    typer.Option(
        "--dir",
        help="Notes folder (default: $OTJOURNAL_DIR, else the user data folder).",
        show_default=False,
        file_okay=False,
    ),
]
JsonOpt = Annotated[
    bool, typer.Option("--json", help="Print one JSON document instead (docs/json.md).")
]
# The version in every --json document's ``schema``: an added key keeps it; a key
# removed or changed in meaning raises it (docs/json.md).
JSON_VERSION = 1


def complete_client(ctx: typer.Context, incomplete: str) -> list[str]:
    """Shell completion: client handles in the notes folder (reads folder names only)."""
    from otjournal.disk.store import Journal
    from otjournal.paths import notes_dir

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


def journal(dir_option: Path | None) -> Journal:
    from otjournal.disk.store import Journal
    from otjournal.paths import cache_dir, notes_dir

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
        self._bar: Progress | None = None
        self._task: TaskID | None = None
        self._drawn = 0.0

    def start(self, total: int) -> None:
        # Asked first without a console: making one loads Rich, ~20 ms before a first
        # run's workers can start, for a bar that is never drawn when stderr is piped
        # (the console is asked too: Rich also turns it off in IDLE and Jupyter).
        if not is_terminal(sys.stderr) or not err().is_terminal:
            return
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

        self._bar = Progress(
            TextColumn("reading notes"),
            BarColumn(),
            MofNCompleteColumn(),
            console=err(),
            transient=True,
            # Drawn on each step, with no thread of its own: a first run forks its
            # workers (disk/pool.py), and a fork beside a running thread is unsafe.
            auto_refresh=False,
        )
        self._task = self._bar.add_task("read", total=total)
        self._bar.start()
        self._bar.refresh()

    def advance(self) -> None:
        if self._bar is not None and self._task is not None:
            self._bar.advance(self._task)
            now = time.monotonic()
            if now - self._drawn >= 0.1:  # ten times a second at most
                self._bar.refresh()
                self._drawn = now

    def stop(self) -> None:
        if self._bar is not None:
            self._bar.stop()
            self._bar = None


# Where a name given by no --by comes from (the name of who writes a change).
CONFIG_NAME = "practitioner.name in the config"


def read_config(*, strict: bool = True) -> Config:
    """The settings in force (defaults where config.toml is missing or silent): every
    command asks here. A file that does not read is an error naming its line, or, with
    ``strict=False`` (commands that only read the notes), the defaults, said on stderr
    (a threshold or name of the person's own that is not in force should not go unseen)."""
    from otjournal.config import Config, load_config
    from otjournal.paths import config_file

    path = config_file()
    if strict:
        return load_config(path)
    try:
        return load_config(path)
    except OtjournalError as exc:
        warn(f"warning: {exc}; the default settings are used ('otj config' shows the file)")
        return Config(path=path)


def today() -> date:
    return clock.today()


def now() -> datetime:
    return clock.now()


_consoles: dict[str, Console] = {}

# Trailing spaces (and the style codes around them) before each line end: Rich pads
# table cells and indented blocks to their width; a copied line should not carry them.
_LINE_END = re.compile(r"(?:[ ]|\x1b\[[0-9;]*m)+\n")


def styled(stream: IO[str]) -> bool:
    """Whether ``stream`` gets bold and colour, decided as Rich decides for the consoles:
    NO_COLOR (not empty) never; else a terminal (``is_terminal``) that is not TERM=dumb."""
    env = os.environ
    if env.get("NO_COLOR", ""):
        return False
    return is_terminal(stream) and env.get("TERM", "").lower() not in ("dumb", "unknown")


def is_terminal(stream: IO[str]) -> bool:
    """Whether a console on ``stream`` is a terminal, by Rich's own test, without making
    one (that loads Rich): TTY_COMPATIBLE or FORCE_COLOR as set, else a tty."""
    env = os.environ
    compatible = env.get("TTY_COMPATIBLE", "")
    if compatible in ("0", "1"):
        return compatible == "1"
    if env.get("FORCE_COLOR") is not None:
        return env["FORCE_COLOR"] != ""
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def _console(file: IO[str]) -> Console:
    """A console that shows note text as written and never lets it drive the terminal:
    every string and Text it renders passes through ``visible`` (ESC, BEL, C1 controls
    and bidi overrides become escapes such as ``\\x1b``), and no line ends in padding.
    NO_COLOR means no style codes at all, bold included."""
    from rich.console import Console
    from rich.text import Text

    from otjournal.views.controls import show_control_characters
    from otjournal.views.visible import is_visible, visible

    show_control_characters()

    from otjournal.cli import IN_ASCII

    # The tool's marks this output cannot encode ("→" to ASCII), put in ASCII ("->")
    # before the lines are laid out, so that each still fits the width.
    unsaid = {c: a for c, a in IN_ASCII.items() if not _encodable(c, file)}

    class Screen(Console):
        def render_str(self, text: str, **kwargs: Any) -> Text:
            return super().render_str(visible(text), **kwargs)

        def render(
            self, renderable: RenderableType, options: ConsoleOptions | None = None
        ) -> Iterable[Segment]:
            if isinstance(renderable, Text) and not is_visible(renderable.plain):
                renderable = visible_text(renderable)
            if unsaid and isinstance(renderable, Text):
                plain = renderable.plain
                if any(c in plain for c in unsaid):
                    renderable = swapped(renderable, unsaid.get)
            return super().render(renderable, options)

        def _render_buffer(self, buffer: Iterable[Segment]) -> str:
            rendered = super()._render_buffer(buffer)
            return _LINE_END.sub(lambda m: m.group().replace(" ", ""), rendered)

    no_color = os.environ.get("NO_COLOR", "") != ""
    # Notes are printed as written: "[sic]" is not a style tag, ":sob:" not an emoji, and
    # nothing is coloured by guesswork. The tool's own styled lines ask for markup=True.
    # soft_wrap: lines of results (paths above all) are never broken to the width; tables
    # still lay themselves out to it. A note or a screen of free text is printed with
    # soft_wrap=False (``print_wrapped``) so it wraps at word boundaries instead.
    return Screen(
        file=file,
        color_system=None if no_color else "auto",
        highlight=False,
        markup=False,
        emoji=False,
        soft_wrap=True,
    )


def visible_text(text: Text) -> Text:
    """A copy of a Rich Text with each control character shown as its escape, styles kept."""
    from otjournal.views.visible import is_visible, visible

    return swapped(text, lambda ch: None if is_visible(ch) else visible(ch))


def swapped(text: Text, swap: Callable[[str], str | None]) -> Text:
    """A copy of a Rich Text with each character ``swap`` gives another text for
    replaced by it, styles kept."""
    from rich.text import Span, Text

    cuts = sorted(
        {o for i, ch in enumerate(text.plain) if swap(ch) is not None for o in (i, i + 1)}
    )
    result = text.blank_copy()
    for piece in text.divide(cuts):
        shown = swap(piece.plain) if len(piece.plain) == 1 else None
        if shown is not None:
            piece = Text(
                shown,
                style=piece.style,
                spans=[Span(0, len(shown), span.style) for span in piece.spans],
            )
        result.append_text(piece)
    return result


def _encodable(mark: str, file: IO[str]) -> bool:
    try:
        mark.encode(getattr(file, "encoding", None) or "utf-8")
    except (UnicodeEncodeError, LookupError):
        return False
    return True


def out() -> Console:
    """The console for results (stdout). NO_COLOR, FORCE_COLOR and non-TTY output are
    honoured; note text is shown, never obeyed."""
    if "out" not in _consoles or _consoles["out"].file is not sys.stdout:
        _consoles["out"] = _console(sys.stdout)
    return _consoles["out"]


def err() -> Console:
    """The console for warnings, errors and the guided questions (stderr)."""
    if "err" not in _consoles or _consoles["err"].file is not sys.stderr:
        _consoles["err"] = _console(sys.stderr)
    return _consoles["err"]


def confirm(question: str) -> bool:
    """A yes-or-no question before a change; the end of input is no (Ctrl-C still
    stops the command, as everywhere: the boundary says so)."""
    try:
        return bool(typer.confirm(question))
    except typer.Abort as exc:
        if isinstance(exc.__context__, EOFError):
            return False
        raise


def ask_needed(question: str, problem: Callable[[str], str | None] | None = None) -> str:
    """The answer to a question that needs one, stripped. An empty answer is asked again,
    saying so (Click's own prompt asks again without a word); so is one ``problem`` finds
    wrong, with its reason (never the answer: it may hold an escape)."""
    while True:
        answer = str(typer.prompt(question, default="", show_default=False)).strip()
        why = "This needs an answer (Ctrl-C stops)." if not answer else None
        if answer and problem is not None:
            why = problem(answer)
        if why is None:
            return answer
        err().print(f"  {why[:1].upper()}{why[1:]}", highlight=False, markup=False)


def ask_name(question: str) -> str:
    """A person's name, asked until it is one line (write_rules.name_problem)."""
    from otjournal.model.write_rules import name_problem

    return ask_needed(question, name_problem)


def print_wrapped(renderable: RenderableType, console: Console | None = None) -> None:
    """A note, a profile, a review screen: wrapped at word boundaries to the width (80
    when piped), nothing cut, no padding at the line ends."""
    (console or out()).print(renderable, soft_wrap=False)


def print_hanging(text: str, first: str = "", rest: str = "    ") -> None:
    """A result of a line or more (``doctor``'s findings, ``config``'s values): on a
    terminal wrapped at spaces to its width, ``first`` before the first line and ``rest``
    before the others (a line of ``text`` starts a line); piped, as written after
    ``first`` (a path is grepped and copied, never folded). Control characters are
    shown, not obeyed."""
    from otjournal.views.textgrid import wrap
    from otjournal.views.visible import visible

    console = out()
    if console.is_terminal:
        lines = wrap(visible(text), console.width, first, rest)
    else:
        lines = [first + text]
    console.print("\n".join(lines), highlight=False, markup=False, soft_wrap=True)


def print_table(columns: Sequence[Column], rows: Sequence[Sequence[str]], whole: str = "") -> None:
    """A table of plain cells on stdout, laid out directly (Rich's console, about 25 ms,
    is never loaded): a table too wide for the terminal reflows, never hides a cell.
    ``whole`` names the command that shows a shortened ("…") cell in full."""
    from otjournal.views import textgrid

    # layout() has made every cell's control characters visible.
    laid = textgrid.layout(columns, rows, shutil.get_terminal_size().columns)
    lines = laid.lines
    if laid.header and styled(sys.stdout):
        lines[0] = f"\x1b[1m{lines[0]}\x1b[0m"  # the header in bold, as Rich shows it
    if laid.shortened and whole:
        lines.append(f"(… shortened: {whole} shows it in full)")
    sys.stdout.write("\n".join(lines) + "\n")


def json_document(name: str, data: Mapping[str, object]) -> str:
    """One ``--json`` document as text (docs/json.md): an object whose first key,
    ``schema``, names its shape and version (``otjournal.NAME/1``), then ``data``;
    dates and times in ISO 8601."""
    from otjournal.disk.tomlio import to_json_value

    document = {"schema": f"otjournal.{name}/{JSON_VERSION}", **to_json_value(data)}
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def print_json(name: str, data: Mapping[str, object]) -> None:
    """Print the ``--json`` document ``name`` (a rows list goes under a plural key)."""
    sys.stdout.write(json_for_stdout(json_document(name, data)))


def json_for_stdout(text: str) -> str:
    """A JSON document as stdout can take it: an output that cannot encode a character
    gets it as a JSON escape, the same data, never a "?" in its place."""
    import codecs

    encoding = getattr(sys.stdout, "encoding", None) or "utf-8"
    if codecs.lookup(encoding).name == "utf-8":
        return text
    try:
        text.encode(encoding)
        return text
    except UnicodeEncodeError:
        return json.dumps(json.loads(text), ensure_ascii=True, indent=2) + "\n"


def echo(line: str = "", err: bool = False) -> None:
    """A plain line on stdout (or stderr) through the stream itself, so an output that
    cannot encode the tool's typography gets it in ASCII (cli.tolerant_output). Click's
    echo would write UTF-8 to an ASCII stream."""
    stream = sys.stderr if err else sys.stdout
    stream.write(line + "\n")


def warn(message: str) -> None:
    from rich.markup import escape

    err().print(f"[yellow]otj:[/] {escape(message)}", markup=True)


def report(exc: OtjournalError) -> None:
    """An error as the person reads it on stderr: every problem of a file that does not
    read, or one line with its hint. A stop says its own text, or nothing."""
    from rich.markup import escape

    if isinstance(exc, Stopped):
        if exc.text:
            err().print(exc.text, highlight=False, markup=False)
        return
    problems = exc.problems if isinstance(exc, InvalidFile) else None
    if problems:
        for p in problems:
            err().print(f"[red]otj:[/] {escape(p.format())}", markup=True)
        return
    err().print(f"[red]otj: error:[/] {escape(str(exc))}", markup=True)
    if exc.hint:
        err().print(f"  [dim]hint:[/] {escape(exc.hint)}", markup=True)


class BoundaryGroup(TyperGroup):
    """The one error boundary: the project's own errors become a message and an exit code
    (each error class carries its code: ``errors.ExitCode``); Ctrl-C exits 130."""

    def invoke(self, ctx: _click.Context) -> Any:
        # Undecodable bytes on the command line arrive as lone surrogates: make them
        # U+FFFD here, once, so no later print or write trips over them.
        for name in ("protected_args", "_protected_args", "args"):
            value = getattr(ctx, name, None)
            if isinstance(value, list):
                value[:] = [_clean_arg(a) for a in value]
        try:
            return super().invoke(ctx)
        except OtjournalError as exc:
            _told(report, exc)
            raise typer.Exit(int(exc.exit_code)) from None
        except ClickUsageError as exc:
            exc.message = unechoed(exc.message)
            _told(exc.show)
            raise typer.Exit(exc.exit_code) from None
        except OSError as exc:  # the output itself (a full disk, a closed terminal)
            if exc.errno not in CANNOT_WRITE:
                raise
            _told(err().print, f"otj: error: cannot write: {exc.strerror}", markup=False)
            raise typer.Exit(int(ExitCode.PROBLEM)) from None
        except (KeyboardInterrupt, RuntimeError, typer.Abort) as exc:
            from otjournal.cli import interrupted

            # Click's own prompts turn Ctrl-C and the end of input into Abort, which
            # Click would print as "Aborted!" and exit 1: it is the same stop.
            if not (isinstance(exc, typer.Abort) or interrupted(exc)):
                raise
            err().print("\notj: interrupted")
            raise typer.Exit(int(ExitCode.INTERRUPTED)) from None


def _told(say: Callable[..., object], *args: object, **kw: object) -> None:
    """Say it on stderr if stderr can be written; the exit code is the error's either way
    (``2>/dev/full`` must not turn a usage error into 1). An output that failed is
    closed onto /dev/null, so nothing tries to flush it again at exit."""
    try:
        say(*args, **kw)
    except OSError:
        pass
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            with contextlib.suppress(OSError, ValueError):
                os.dup2(os.open(os.devnull, os.O_WRONLY), stream.fileno())


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


def _clean_arg(value: object) -> object:
    if not isinstance(value, str):
        return value
    try:
        value.encode("utf-8")
        return value
    except UnicodeEncodeError:
        return value.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
