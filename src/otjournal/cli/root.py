"""The Typer app: the root's options and the commands a run needs. Each command: resolve
the inputs, call the store or a pure module, render, print. Heavy imports happen inside
commands so ``--help`` stays fast; ``otj --help`` and ``--version`` do not come here at
all (``cli.main``)."""

from __future__ import annotations

import os
from typing import Annotated

import typer

from otjournal.cli import MODULES, WHERE, catalog
from otjournal.cli.common import BoundaryGroup


def build(args: list[str] | None = None) -> typer.Typer:
    """A new app holding every command, or only what ``args`` invoke: the command
    modules import Typer options, Rich types and record specs that a single command does
    not need, and Typer turns every registered command into a click command before it
    dispatches. Everything for the overall help, completion or a mistyped name."""
    from importlib import import_module

    root = typer.Typer(
        name="otj",
        cls=BoundaryGroup,
        help=catalog.ROOT_HELP,
        no_args_is_help=True,
        pretty_exceptions_show_locals=False,  # locals would hold clients' notes
        context_settings={"help_option_names": ["-h", "--help"]},
        rich_markup_mode=None,
        add_completion=False,  # ours below: Typer's ignores a shell named after it
    )
    root.callback()(_root)
    for name in _modules_for(args):
        import_module(f"otjournal.cli.{name}").register(root)
    if args is None or not args or "--help" in args or "-h" in args:
        from otjournal.cli.examples import add_epilogs  # only help shows them

        add_epilogs(root)
    if args is not None:
        keep_only_invoked(root, args)
    return root


def run(args: list[str]) -> None:
    """Everything but the overall help and the version (``cli.main``): shell completion,
    then the app with what ``args`` invoke."""
    if "_OTJ_COMPLETE" in os.environ:  # a shell asking what TAB offers
        from otjournal.cli.completion import run as complete

        complete(build())
    if args[:1] in (["--show-completion"], ["--install-completion"]):
        from otjournal.cli.completion import with_shell

        args = with_shell(args)
    build(args)(args, prog_name="otj")


def _modules_for(args: list[str] | None) -> tuple[str, ...]:
    if args is not None and args[:1] in (
        ["--version"],
        ["-V"],
        ["--show-completion"],
        ["--install-completion"],
    ):
        return ()
    if args is None or _wants_everything(args):
        return MODULES
    return (WHERE[args[0]],) if args[0] in WHERE else MODULES


def _wants_everything(args: list[str]) -> bool:
    return not args or args[0].startswith("-") or any(k.endswith("_COMPLETE") for k in os.environ)


def _version(value: bool) -> None:
    if value:
        from otjournal import __version__

        typer.echo(f"otj {__version__}")
        raise typer.Exit()


def _show_completion(shell: str | None) -> None:
    if shell is not None:
        from otjournal.cli.completion import script

        typer.echo(script(shell))
        raise typer.Exit()


def _install_completion(shell: str | None) -> None:
    if shell is not None:
        from otjournal.cli.completion import install

        path = install(shell)
        typer.echo(f"{shell} completion installed in {path}; it works in new terminals.")
        raise typer.Exit()


def _root(
    version: Annotated[
        bool,
        typer.Option(
            "--version", "-V", callback=_version, is_eager=True, help=catalog.VERSION_HELP
        ),
    ] = False,
    show_completion: Annotated[
        str | None,
        typer.Option(
            "--show-completion",
            metavar="[SHELL]",
            callback=_show_completion,
            is_eager=True,
            expose_value=False,
            help=catalog.SHOW_COMPLETION_HELP,
        ),
    ] = None,
    install_completion: Annotated[
        str | None,
        typer.Option(
            "--install-completion",
            metavar="[SHELL]",
            callback=_install_completion,
            is_eager=True,
            expose_value=False,
            help=catalog.INSTALL_COMPLETION_HELP,
        ),
    ] = None,
) -> None:
    """Makes the app a group even when ``main`` leaves a single command in it."""


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
