"""The Typer app. Each command: resolve the inputs, call the store or a pure module,
render, print. Heavy imports happen inside commands so ``--help`` stays fast."""

from __future__ import annotations

import typer

from otjournal.cli import (
    care_cmds,
    clients,
    homework_cmd,
    journal_cmds,
    log_cmd,
    record_cmds,
    report_cmd,
    trends_cmd,
)
from otjournal.cli.common import BoundaryGroup

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
homework_cmd.register(app)
trends_cmd.register(app)
report_cmd.register(app)
record_cmds.register(app)
care_cmds.register(app)


def main() -> None:
    app(prog_name="otj")
