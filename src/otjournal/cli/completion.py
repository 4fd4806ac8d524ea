"""Shell completion: the script for each shell, and what TAB offers for each parameter.

What is offered is listed here, by parameter name (and by command where one name means
different things), and attached to the whole app only when a shell asks
(``cli.main``): the command modules stay as they are and ``otj --help`` loads none of
this. Offers come from folder and file names and from ``client.toml``'s ids, never from
note text, and a completer never raises: a broken journal offers nothing."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from typer import _click

SHELLS = ("bash", "zsh", "fish", "powershell", "pwsh")
PROG = "otj"
COMPLETE_VAR = "_OTJ_COMPLETE"
# What --format takes, by command (each command checks its own value; a test runs
# every one offered here).
FORMATS = {"show": ("text", "md", "html"), "report": ("md", "html"), "export": ("csv", "json")}

Offer = Callable[[Any, str], Iterable[str]]  # (click context, word so far) -> values


def completing() -> bool:
    return COMPLETE_VAR in os.environ


# -- the scripts ---------------------------------------------------------------------
def with_shell(args: list[str]) -> list[str]:
    """``otj --show-completion`` (or ``--install-completion``) with no shell named: the
    shell this runs in, as Typer would find it; a shell named is kept as given."""
    if args[:1] not in (["--show-completion"], ["--install-completion"]):
        return args
    if len(args) > 1 and not args[1].startswith("-"):
        return args
    return [args[0], _detected_shell(), *args[1:]]


def _detected_shell() -> str:
    try:
        import shellingham  # type: ignore[import-untyped]

        name = str(shellingham.detect_shell()[0]).lower()
    except Exception:  # no shell found (a cron job, a container): the login shell's name
        name = Path(os.environ.get("SHELL", "") or "bash").name.lower()
    return name if name in SHELLS else "bash"


def checked_shell(shell: str) -> str:
    import typer  # a usage error while the options are parsed: Click's kind, exit 2

    if shell not in SHELLS:
        raise typer.BadParameter(f"no completion for that shell: choose {', '.join(SHELLS)}")
    return shell


# Each shell's line that ties the completion to a command name (Typer's scripts name one).
_TIES = {
    "bash": "complete -o default -F _otj_completion otj",
    "zsh": "compdef _otj_completion otj",
    "fish": "complete --command otj ",
    "powershell": "Register-ArgumentCompleter -Native -CommandName otj ",
    "pwsh": "Register-ArgumentCompleter -Native -CommandName otj ",
}


def script(shell: str) -> str:
    """The script a shell sources: it asks ``otj`` itself for the words on each TAB, for
    both names the package installs (``otj`` and ``otjournal``)."""
    from typer._completion_shared import get_completion_script

    text = get_completion_script(
        prog_name=PROG, complete_var=COMPLETE_VAR, shell=checked_shell(shell)
    )
    tie = _TIES[shell]
    line = next((ln for ln in text.splitlines() if ln.startswith(tie)), None)
    if line is None:  # a Typer that words it otherwise: otj alone, as before
        return text
    also = line.replace(tie.rstrip(), tie.rstrip().removesuffix("otj") + "otjournal", 1)
    text = text.replace("#compdef otj\n", "#compdef otj otjournal\n", 1)  # zsh's autoload
    return text.replace(line, f"{line}\n{also}", 1)


def install(shell: str) -> Path:
    """Typer's installer: the script in the shell's own place, sourced from its rc file;
    then ``script``'s words in it, so both names complete (fish loads a file per name)."""
    from typer._completion_shared import install as typer_install

    path = typer_install(shell=checked_shell(shell), prog_name=PROG, complete_var=COMPLETE_VAR)[1]
    words = script(shell) + ("\n" if shell == "fish" else "")
    path.write_text(words)
    if shell == "fish":
        path.with_name("otjournal.fish").write_text(words)
    return path


# -- what is offered -----------------------------------------------------------------
def _root(ctx: Any) -> Path:
    from otjournal.paths import notes_dir

    return notes_dir(ctx.params.get("dir"), os.environ)


def _names(folder: Path, suffix: str = "") -> Iterator[str]:
    with os.scandir(folder) as entries:
        for e in entries:
            if e.name.startswith("."):
                continue
            if suffix and e.name.endswith(suffix) and e.is_file():
                yield e.name[: -len(suffix)]
            elif not suffix and e.is_dir():
                yield e.name


def handles(ctx: Any, _: str) -> list[str]:
    from otjournal.disk.loading import CLIENTS
    from otjournal.model.ids import handle_problem

    return sorted(h for h in _names(_root(ctx) / CLIENTS) if not handle_problem(h))


def _client_of(ctx: Any) -> str | None:
    """The client the command line names so far, else the config's default client."""
    for key in ("client", "handle"):
        value = ctx.params.get(key)
        if isinstance(value, str) and value:
            return value
    # An option still waiting for its value stops Click's parse: what was typed before
    # it is left in ctx.args, unparsed.
    known = set(handles(ctx, ""))
    typed = [a for a in getattr(ctx, "args", []) if a in known]
    if typed:
        return str(typed[0])
    from otjournal.config import load_config_or_defaults
    from otjournal.paths import config_file

    return load_config_or_defaults(config_file()).default_client or None


def sessions(ctx: Any, _: str) -> list[str]:
    """Session ids as their file names give them (``show`` takes a unique start or end):
    the client's named, else everyone's, newest first."""
    from otjournal.disk.loading import CLIENTS, SESSIONS

    clients = _root(ctx) / CLIENTS
    named = ctx.params.get("client")
    chosen = [named] if isinstance(named, str) and named else list(_names(clients))
    found: list[str] = []
    for handle in chosen:
        found += _names(clients / handle / SESSIONS, ".toml")
        found += _names(clients / handle / SESSIONS, ".toml.age")  # an encrypted journal's
    return sorted(found, reverse=True)


def _client_ids(ctx: Any, table: str) -> list[str]:
    """The ids of ``[[goals]]`` or ``[[hierarchy]]`` in the client's client.toml."""
    import tomli

    from otjournal.disk.loading import CLIENTS
    from otjournal.disk.parsing import MAX_FILE_BYTES

    handle = _client_of(ctx)
    if not handle:
        return []
    from otjournal.disk.keys import plaintext
    from otjournal.disk.parsing import AGE_OVERHEAD

    folder = _root(ctx) / CLIENTS / handle
    path = folder / "client.toml.age"  # an encrypted journal's (opened with this device's key)
    if not path.exists():
        path = folder / "client.toml"
    with open(path, "rb") as fh:
        raw = plaintext(fh.read(MAX_FILE_BYTES + AGE_OVERHEAD), path)
    data = tomli.loads(raw.decode("utf-8"))
    rows = data.get(table)
    ids = [r.get("id") for r in rows if isinstance(r, dict)] if isinstance(rows, list) else []
    return [i for i in ids if isinstance(i, str)]


def goals(ctx: Any, _: str) -> list[str]:
    return _client_ids(ctx, "goals")


def steps(ctx: Any, _: str) -> list[str]:
    return _client_ids(ctx, "hierarchy")


def drafts(ctx: Any, _: str) -> list[str]:
    from otjournal.forms.drafts import DRAFT_SUFFIX, default_drafts

    return sorted(_names(default_drafts().folder, DRAFT_SUFFIX), reverse=True)


def _choices(values: Callable[[], Iterable[str]]) -> Offer:
    return lambda ctx, incomplete: values()


def _vocab(name: str) -> Offer:
    def offer(ctx: Any, incomplete: str) -> Iterable[str]:
        from otjournal.model import vocab

        return tuple(getattr(vocab, name))

    return offer


def _homework_kinds() -> Iterable[str]:
    from otjournal.model.kinds import HOMEWORK_KINDS

    return HOMEWORK_KINDS


def _tables() -> Iterable[str]:
    from otjournal.numbers.export import TABLES

    return tuple(TABLES)


def _keeps() -> Iterable[str]:
    from otjournal.sync.resolve import CHOICES, GIT_CHOICES

    return tuple(dict.fromkeys(CHOICES + GIT_CHOICES))


def _risks() -> Iterable[str]:
    from otjournal.model.risk import RISK_WORDS

    return tuple(RISK_WORDS)


def _search_fields() -> Iterable[str]:
    from otjournal.numbers.search import FIELDS

    return tuple(FIELDS)


def _techniques() -> Iterable[str]:
    """The practitioner's list (config; the defaults when it does not read)."""
    from otjournal.cli.common import read_config

    return read_config(strict=False).techniques


def _frameworks() -> Iterable[str]:
    from otjournal.model.vocab import FRAMEWORKS

    return tuple(FRAMEWORKS)


# By parameter name; "COMMAND:name" where the name means something else in another
# command (the first match wins: the command's own, then the name's).
OFFERS: dict[str, Offer] = {
    "client add:handle": _choices(tuple),  # a new handle: nothing to offer
    "client": handles,
    "handle": handles,
    "session_id": sessions,
    "goal": goals,
    "goal_key": goals,
    "step": steps,
    "step_key": steps,
    "draft": drafts,
    "draft_id": drafts,
    "show:fmt": _choices(lambda: FORMATS["show"]),
    "report:fmt": _choices(lambda: FORMATS["report"]),
    "export:fmt": _choices(lambda: FORMATS["export"]),
    "table": _choices(_tables),
    "setting": _vocab("SETTINGS"),
    "session_type": _vocab("LOGGED_TYPES"),
    "attendee": _vocab("ATTENDEE_ROLES"),
    "amend:kind": _vocab("AMENDMENT_KINDS"),
    "kind": _choices(_homework_kinds),
    "done": _vocab("HOMEWORK_DONE"),
    "status": _vocab("GOAL_SET_STATUSES"),
    "discharge:reason": _vocab("DISCHARGE_REASONS"),
    "keep": _choices(_keeps),
    "risk": _choices(_risks),
    "framework": _choices(_frameworks),
    "search:field": _choices(_search_fields),
    "technique": _choices(_techniques),
}


def offer_for(command: str, param: str) -> Offer | None:
    return OFFERS.get(f"{command}:{param}") or OFFERS.get(param)


def safe(offer: Offer) -> Callable[[Any, Any, str], list[str]]:
    """A completer as Click calls it: the values that start with the word typed; nothing
    at all (never a traceback on the user's prompt) when anything goes wrong."""

    def complete(ctx: Any, param: Any, incomplete: str) -> list[str]:
        try:
            return [v for v in offer(ctx, incomplete) if v.startswith(incomplete)]
        except Exception:
            return []

    return complete


def attach(command: _click.Command, path: str = "") -> list[str]:
    """Every parameter with an offer gets it, through the whole tree; returns
    ``"command:param"`` for each (a test checks the list)."""
    done: list[str] = []
    for name, sub in sorted(getattr(command, "commands", {}).items()):
        done += attach(sub, f"{path} {name}".strip())
    for param in command.params:
        offer = offer_for(path, param.name or "")
        if offer is not None:
            param._custom_shell_complete = safe(offer)
            done.append(f"{path}:{param.name}")
    return done


def run(app: Any) -> None:
    """Answer the shell: the whole app, every offer attached."""
    import typer
    from typer._completion_classes import completion_init

    completion_init()  # Typer's classes for each shell (it does this only for its options)
    command = typer.main.get_command(app)
    attach(command)
    command(prog_name=PROG)
    sys.exit(0)
