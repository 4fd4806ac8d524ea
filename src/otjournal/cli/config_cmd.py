"""``otj config``: the settings in force, and config.toml in the editor."""

from __future__ import annotations

import os

import typer

from otjournal.cli.common import (
    BoundaryGroup,
    JsonOpt,
    out,
    print_hanging,
    print_json,
    read_config,
)
from otjournal.cli.drafting import run_editor, write_private
from otjournal.errors import ExitCode, Stopped, UsageError

config_app = typer.Typer(
    cls=BoundaryGroup, invoke_without_command=True, help="Show or edit the settings (config.toml)."
)


def register(app: typer.Typer) -> None:
    app.add_typer(config_app, name="config")


@config_app.callback()
def config_show(ctx: typer.Context, json: JsonOpt = False) -> None:
    """Show the config file's path and the values in force."""
    if ctx.invoked_subcommand:
        return
    from otjournal.paths import config_file

    config = read_config()
    if json:
        print_json("config", {"path": str(config_file()), **config.as_dict()})
        return
    from otjournal.disk.tomlio import inline

    path = config_file()
    print_hanging(f"{path}{'' if path.exists() else '  (not created yet: defaults)'}")
    for section, values in config.as_dict().items():
        if isinstance(values, dict):
            for key, value in values.items():
                print_hanging(f"{section}.{key} = {inline(value)}", "  ", "      ")
        else:
            print_hanging(f"{section} = {inline(values)}", "  ", "      ")


@config_app.command("edit")
def config_edit() -> None:
    """Open the config in $EDITOR (written from a commented template if missing)."""
    from otjournal.config import TEMPLATE, config_folder
    from otjournal.paths import config_file

    command = os.environ.get("VISUAL") or os.environ.get("EDITOR")
    path = config_file()
    if not path.exists():  # before any message names it: the path must lead somewhere
        config_folder(path)
        write_private(path, TEMPLATE)
    if not command:
        raise UsageError(f"set $EDITOR (or $VISUAL), or edit the file directly: {path}")
    code = run_editor(command, path)
    read_config()  # report problems now, with line and column
    if code != 0:
        raise Stopped(ExitCode.PROBLEM)  # the editor said why
    out().print(f"Saved {path}", highlight=False, markup=False)
