"""The command line. ``main`` answers ``--version`` and the overall help by itself, before
Typer or any command module is imported (issue 19: they were most of the start-up);
everything else goes to the Typer app (cli.root), which imports only the module of the
command invoked."""

import os
import sys

from otjournal.cli import catalog

# The command modules, in the order their commands are listed by --help. Each has
# register(app).
MODULES = (
    "clients",
    "goal_cmds",
    "exposure_cmds",
    "journal_cmds",
    "log_cmd",
    "intake_cmd",
    "review_cmds",
    "drafts_cmd",
    "config_cmd",
    "homework_cmd",
    "init_cmd",
    "trends_cmd",
    "report_cmd",
    "record_cmds",
    "conflicts_cmds",
    "care_cmds",
    "due_cmd",
    "search_cmd",
    "crypt_cmds",
)
# Which module registers each command or group: `otj NAME` imports only that module
# (tests/test_fast_reads.py checks this map against what the modules register).
WHERE = {c[0]: c[1] for c in catalog.COMMANDS}

_LAZY = ("build", "keep_only_invoked")  # cli.root's, importable from here as before


def __getattr__(name: str) -> object:
    """``otjournal.cli.app``: the whole app, built on first use (tests, embedding); and
    cli.root's ``build`` and ``keep_only_invoked``, imported only when asked for."""
    if name == "app":
        from otjournal.cli.root import build

        whole = build()
        globals()["app"] = whole
        return whole
    if name in _LAZY:
        from otjournal.cli import root

        return getattr(root, name)
    raise AttributeError(name)


def main() -> None:
    tolerant_output()
    try:
        _run()
    except (KeyboardInterrupt, RuntimeError) as exc:  # before the command's boundary
        if not interrupted(exc):
            raise
        _say("\notj: interrupted", to_stderr=True)
        raise SystemExit(130) from None  # ExitCode.INTERRUPTED, not imported to say so
    except OSError as exc:  # the help or the version to an output that cannot take it
        from otjournal.errors import CANNOT_WRITE

        if exc.errno not in CANNOT_WRITE:
            raise
        _cannot_write(exc)


def interrupted(exc: BaseException) -> bool:
    """Ctrl-C, also as Python wraps it when it lands while a class is being made (a
    RuntimeError "Error calling __set_name__" caused by the KeyboardInterrupt)."""
    return isinstance(exc, KeyboardInterrupt) or isinstance(exc.__cause__, KeyboardInterrupt)


def _run() -> None:
    quick_exit()
    args = sys.argv[1:]
    if "_OTJ_COMPLETE" not in os.environ:  # a shell asking what TAB offers: cli.root
        if args in (["--version"], ["-V"]):
            from otjournal import __version__

            _say(f"otj {__version__}", to_stderr=False)
            return
        if args in ([], ["--help"], ["-h"]):
            from otjournal.cli.roothelp import text, width

            _say(text(width()), to_stderr=not args)
            # Click's "no arguments is help" is a usage error: exit 2
            raise SystemExit(0 if args else 2)
        # The other core lists and stats the notes while this one loads the command.
        from otjournal.disk import prefetch

        prefetch.start(args)
    from otjournal.cli.root import run

    run(args)


def quick_exit() -> None:
    """At the end, the interpreter's last collection skips what the command made: it took
    30 ms of a whole-journal command's end (a `search` at 10,000 sessions), for nothing.
    Every file, database and child this tool opens is closed by the code that opened it
    (written safely, fsio.py), never by the collector; stdout and atexit handlers are
    flushed and run as always."""
    import atexit
    import gc

    atexit.unregister(gc.freeze)  # once, however often main runs in one process (tests)
    atexit.register(gc.freeze)


def _cannot_write(exc: OSError) -> None:
    """Said on stderr if it can be (a full disk under stdout), exit 1, no traceback; the
    output that failed is closed onto /dev/null so nothing flushes it again."""
    try:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.stderr.write(f"otj: error: cannot write: {exc.strerror}\n")
        sys.stderr.flush()
    except (OSError, ValueError):
        pass
    raise SystemExit(1) from None


def _say(line: str, to_stderr: bool) -> None:
    """Print as Click's echo would; a reader gone (``otj --help | head -1``) ends the run
    with 1 and no traceback, as the Typer app does."""
    stream = sys.stderr if to_stderr else sys.stdout
    try:
        stream.write(line + "\n")
        stream.flush()
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), stream.fileno())  # nothing left to flush
        raise SystemExit(1) from None


# The tool's own typography in ASCII, for an output that cannot encode it: "…" reads
# "...", "·" "-", a sparkline a ramp of ASCII marks. Anything else (a note's "é") is "?".
IN_ASCII = {
    "…": "...", "·": "-", "→": "->", "–": "-", "—": "--", "−": "-", "‐": "-", "‑": "-",
    "“": '"', "”": '"', "‘": "'", "’": "'", "«": "<<", "»": ">>", "×": "x", "≥": ">=",
    "≤": "<=", "↓": "v", "↑": "^", "½": "1/2", "•": "*", "░": " ",
    "▁": ".", "▂": ",", "▃": ":", "▄": "-", "▅": "=", "▆": "+", "▇": "*", "█": "#",
}  # fmt: skip
ERRORS = "otjournal-ascii"


def _in_ascii(exc: UnicodeError) -> tuple[str, int]:
    if not isinstance(exc, UnicodeEncodeError):
        raise exc
    unsaid = exc.object[exc.start : exc.end]
    return "".join(IN_ASCII.get(c) or _unaccented(c) for c in unsaid), exc.end


def _unaccented(c: str) -> str:
    """A letter without its accent ("ë" → "e", "Ñ" → "N": a name stays readable, as
    search folds it; an accent typed apart, after its letter, is dropped), else "?"."""
    import unicodedata

    if unicodedata.combining(c):
        return ""  # it takes no cell on the screen either
    bare = unicodedata.normalize("NFKD", c).encode("ascii", "ignore").decode("ascii")
    return bare if len(bare) == 1 and bare.isalpha() else "?"


def tolerant_output() -> None:
    """Any output encoding: a character stdout or stderr cannot encode (ascii, latin-1,
    a C locale without UTF-8 mode) is written in ASCII where it is the tool's own
    (``IN_ASCII``) or a letter with an accent (without it), else as "?", never a
    traceback; and stdin declared ASCII is read as UTF-8."""
    import codecs

    codecs.register_error(ERRORS, _in_ascii)
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None and getattr(stream, "errors", "") != ERRORS:
            try:
                reconfigure(errors=ERRORS)
            except (OSError, ValueError):
                pass
    # Input declared ASCII is still typed or piped as UTF-8 by every terminal in use: read
    # so, or a name typed at a prompt ("Zoë") would stop the command with a traceback.
    # (The prompt flows check each answer themselves: prompts/typed.py.)
    stdin = sys.stdin
    reconfigure = getattr(stdin, "reconfigure", None)
    encoding = getattr(stdin, "encoding", None) or "utf-8"
    if reconfigure is None or codecs.lookup(encoding).name == "utf-8":
        return  # the usual case: nothing more is loaded at start
    from otjournal.textcodec import is_ascii

    if is_ascii(encoding):
        try:
            reconfigure(encoding="utf-8", errors="replace")
        except (OSError, ValueError):
            pass
