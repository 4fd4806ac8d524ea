"""The Typer app. Each command: resolve the inputs, call the store or a pure module,
render, print. Heavy imports happen inside commands so ``--help`` stays fast."""

from __future__ import annotations

import os
import sys
from typing import Annotated

import typer

from otjournal.cli.common import BoundaryGroup, tolerant_output

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
    "care_cmds",
    "due_cmd",
    "search_cmd",
)
# Which module registers each command or group: `otj NAME` imports only that module
# (tests/test_fast_reads.py checks this map against what the modules register).
WHERE = {
    "client": "clients",
    "goal": "goal_cmds",
    "hierarchy": "exposure_cmds",
    "path": "journal_cmds",
    "list": "journal_cmds",
    "show": "journal_cmds",
    "check": "journal_cmds",
    "demo": "journal_cmds",
    "log": "log_cmd",
    "intake": "intake_cmd",
    "drafts": "drafts_cmd",
    "config": "config_cmd",
    "homework": "homework_cmd",
    "init": "init_cmd",
    "trends": "trends_cmd",
    "report": "report_cmd",
    "export": "report_cmd",
    "amend": "record_cmds",
    "conflicts": "record_cmds",
    "sync": "care_cmds",
    "doctor": "care_cmds",
    "review": "review_cmds",
    "discharge": "review_cmds",
    "due": "due_cmd",
    "search": "search_cmd",
}


def build(args: list[str] | None = None) -> typer.Typer:
    """A new app holding every command, or only what ``args`` invoke: the command
    modules import Typer options, Rich types and record specs that a single command does
    not need, and Typer turns every registered command into a click command before it
    dispatches. Everything for the overall help, completion or a mistyped name."""
    from importlib import import_module

    root = typer.Typer(
        name="otj",
        cls=BoundaryGroup,
        help="otjournal: a session journal for therapy, kept as plain TOML files.",
        no_args_is_help=True,
        pretty_exceptions_show_locals=False,  # locals would hold clients' notes
        context_settings={"help_option_names": ["-h", "--help"]},
        rich_markup_mode=None,
    )
    root.callback()(_root)
    for name in _modules_for(args):
        import_module(f"otjournal.cli.{name}").register(root)
    if args is not None:
        keep_only_invoked(root, args)
    return root


def _modules_for(args: list[str] | None) -> tuple[str, ...]:
    if args is not None and args[:1] in (["--version"], ["-V"]):
        return ()
    if args is None or _wants_everything(args):
        return MODULES
    return (WHERE[args[0]],) if args[0] in WHERE else MODULES


def _wants_everything(args: list[str]) -> bool:
    return not args or args[0].startswith("-") or any(k.endswith("_COMPLETE") for k in os.environ)


def __getattr__(name: str) -> typer.Typer:
    """``otjournal.cli.app``: the whole app, built on first use (tests, embedding)."""
    if name == "app":
        whole = build()
        globals()["app"] = whole
        return whole
    raise AttributeError(name)


def _version(value: bool) -> None:
    if value:
        from otjournal import __version__

        typer.echo(f"otj {__version__}")
        raise typer.Exit()


def _root(
    version: Annotated[
        bool,
        typer.Option(
            "--version", "-V", callback=_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
) -> None:
    """Makes the app a group even when ``main`` leaves a single command in it."""


def main() -> None:
    tolerant_output()
    build(sys.argv[1:])(prog_name="otj")


def keep_only_invoked(typer_app: typer.Typer, args: list[str]) -> None:
    """Typer turns every command into a click command before it dispatches (about 35 ms
    for ours); only the one invoked is needed, so the others are left out first. Not for
    the overall help, shell completion or a mistyped name, which need them all."""
    if _wants_everything(args):
        return
    commands = [c for c in typer_app.registered_commands if c.name == args[0]]
    groups = [g for g in typer_app.registered_groups if g.name == args[0]]
    if commands or groups:
        typer_app.registered_commands = commands
        typer_app.registered_groups = groups
