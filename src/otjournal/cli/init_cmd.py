"""``otj init``: the notes folder made ready (with --git, a repository for ``otj sync``;
with --self, your own journal and the config that makes it the default)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from otjournal.cli.common import DirOpt, ask_name, journal, now, out
from otjournal.errors import UsageError

if TYPE_CHECKING:
    from otjournal.disk.store import Journal


def register(app: typer.Typer) -> None:
    app.command("init")(init_cmd)


def init_cmd(
    git: Annotated[
        bool, typer.Option("--git", help="Make the notes folder a git repository (for 'otj sync').")
    ] = False,
    remote: Annotated[
        str | None, typer.Option(help="With --git: the remote to sync with (a URL or a path).")
    ] = None,
    self_mode: Annotated[
        bool, typer.Option("--self", help="Journal for yourself: your own client, used by default.")
    ] = False,
    name: Annotated[str | None, typer.Option(help="Your name (with --self).")] = None,
    handle: Annotated[str, typer.Option(help="Your handle (with --self).")] = "me",
    encrypt: Annotated[
        bool,
        typer.Option(
            "--encrypt",
            help="Keep every note encrypted (age files only this device's key, and the "
            "keys you add, open; see 'otj keys').",
        ),
    ] = False,
    dir: DirOpt = None,
) -> None:
    """Set up the notes folder (and, with --self, your own journal and config)."""
    from otjournal.disk import fsio

    j = journal(dir)
    if encrypt and any((j.root / "clients").glob("*")):
        raise UsageError("this notes folder holds clients already: 'otj encrypt' encrypts them")
    fsio.private_folder(j.root, private_base=True)
    if remote and not git:
        raise UsageError("--remote goes with --git")
    if git:
        from otjournal.sync.gitsync import Git

        for line in Git(j.root).init(remote):
            out().print(line, highlight=False, markup=False)
        j.make_private()  # git does not keep permissions
    if encrypt:
        _start_encrypting(j.root)
    if not self_mode:
        out().print(f"Notes folder ready: {j.root}", highlight=False)
        return
    _your_own(j, handle, name)


def _your_own(j: Journal, handle: str, name: str | None) -> None:
    """--self: your client (made if need be) and the config that makes it the default."""
    from otjournal.config import load_config_or_defaults, set_top_level
    from otjournal.disk.store import validate_handle
    from otjournal.model import Client
    from otjournal.paths import config_file

    validate_handle(handle)
    if not j.client_file(handle).exists():
        if name is None:
            if not sys.stdin.isatty():
                raise UsageError("--name is required without a terminal")
            name = ask_name("Your name")
        from otjournal.model.write_rules import name_problem

        problem = name_problem(name or "")  # a name heads every page: one line, never echoed
        if problem:
            raise UsageError(f"--name: {problem}")
        j.add_client(Client(handle, (name or handle).strip() or handle, age_group="adult"))
    path = config_file()
    before = load_config_or_defaults(path).default_client
    set_top_level(path, {"default_client": handle, "self_mode": True})
    # The config is this device's, not the folder's: said, so no one is surprised later.
    was = f'; default_client was "{before}"' if before and before != handle else ""
    out().print(
        f'Your journal is ready: {j.root}\nSet in {path}: default_client = "{handle}", '
        f"self_mode = true (for every notes folder on this device{was})\n"
        "Commands now need no client handle; try: otj homework log",
        highlight=False,
        markup=False,
    )


def _start_encrypting(root: Path) -> None:
    """From now on every note is written encrypted (this device's key made if need be)."""
    from otjournal.cli.crypt_cmds import device_name
    from otjournal.disk import encryption

    started = encryption.start(root, device_name(None), now())
    if started.made_key:
        out().print(
            f"Made this device's key: {started.identity.path} (back it up)",
            highlight=False,
            markup=False,
        )
    out().print("New notes are encrypted (see 'otj keys').", highlight=False)
