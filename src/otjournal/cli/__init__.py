"""The Typer app. Each command: resolve the inputs, call the store or a pure module,
render, print. Heavy imports happen inside commands so ``--help`` stays fast."""

from __future__ import annotations

import os
import sys
from typing import Annotated

import typer

from otjournal.cli import (
    care_cmds,
    clients,
    config_cmd,
    drafts_cmd,
    homework_cmd,
    init_cmd,
    journal_cmds,
    log_cmd,
    record_cmds,
    report_cmd,
    trends_cmd,
)
from otjournal.cli.common import BoundaryGroup, tolerant_output

app = typer.Typer(
    name="otj",
    cls=BoundaryGroup,
    help="otjournal: a session journal for therapy, kept as plain TOML files.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,  # locals would hold clients' notes
    context_settings={"help_option_names": ["-h", "--help"]},
    rich_markup_mode=None,
)

app.add_typer(clients.client_app, name="client")
app.add_typer(clients.goal_app, name="goal")
journal_cmds.register(app)
log_cmd.register(app)
drafts_cmd.register(app)
config_cmd.register(app)
homework_cmd.register(app)
init_cmd.register(app)
trends_cmd.register(app)
report_cmd.register(app)
record_cmds.register(app)
care_cmds.register(app)


def _version(value: bool) -> None:
    if value:
        from otjournal import __version__

        typer.echo(f"otj {__version__}")
        raise typer.Exit()


@app.callback()
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
    keep_only_invoked(app, sys.argv[1:])
    app(prog_name="otj")


def keep_only_invoked(typer_app: typer.Typer, args: list[str]) -> None:
    """Typer turns every command into a click command before it dispatches (about 35 ms
    for ours); only the one invoked is needed, so the others are left out first. Not for
    the overall help, shell completion or a mistyped name, which need them all."""
    if args[:1] in (["--version"], ["-V"]):
        typer_app.registered_commands, typer_app.registered_groups = [], []
        return
    if not args or args[0].startswith("-") or any(k.endswith("_COMPLETE") for k in os.environ):
        return
    commands = [c for c in typer_app.registered_commands if c.name == args[0]]
    groups = [g for g in typer_app.registered_groups if g.name == args[0]]
    if commands or groups:
        typer_app.registered_commands = commands
        typer_app.registered_groups = groups
