"""``otj conflicts``: each sync conflict copy beside its original, and resolving one."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from otjournal.cli.common import (
    BoundaryGroup,
    DirOpt,
    JsonOpt,
    confirm,
    err,
    journal,
    now,
    out,
    print_hanging,
    print_json,
)
from otjournal.errors import ExitCode, NotFoundError, Stopped
from otjournal.model.words import conflict_copy

if TYPE_CHECKING:
    from otjournal.disk.loading import Conflict

conflicts_app = typer.Typer(
    cls=BoundaryGroup,
    invoke_without_command=True,
    help="Sync conflict copies: compare and resolve (nothing is deleted).",
)


def register(app: typer.Typer) -> None:
    app.add_typer(conflicts_app, name="conflicts")


@conflicts_app.callback()
def conflicts_list(ctx: typer.Context, dir: DirOpt = None, json: JsonOpt = False) -> None:
    """Each conflict copy beside its original, with what differs."""
    if ctx.invoked_subcommand:
        return
    j = journal(dir)
    snap = j.survey().report  # every client read, no record held
    if json:
        rows = [
            {
                "copy": str(c.path.relative_to(j.root)),
                "original": str(c.original.relative_to(j.root)),
                "tool": c.tool,
            }
            for c in snap.conflicts
        ]
        print_json("conflicts", {"conflicts": rows})
        return
    if not snap.conflicts:
        out().print("No conflicts.")
        return
    for c in snap.conflicts:
        _show_conflict(c, j.root)
    out().print(
        "\nResolve with: otj conflicts resolve COPY --keep original|copy|both|merge "
        "(git: --keep ours|theirs|both|merge)",
        highlight=False,
        markup=False,
    )
    from otjournal.disk.loading import CLIENT_AGE, CLIENT_FILE

    if any(c.original.name in (CLIENT_FILE, CLIENT_AGE) for c in snap.conflicts):
        out().print(
            "client.toml: --keep merge joins the goals and homework of both sides "
            "(keeping both is not offered: a client has one client.toml)",
            highlight=False,
            markup=False,
        )


def _show_conflict(c: Conflict, root: Path) -> None:
    """One conflict copy beside its original (git: the two sides), with what differs."""
    import difflib

    rel = c.path.relative_to(root)
    if c.tool == "git":
        out().print(
            f"{rel}: git conflict markers (both sides inside the file)",
            highlight=False,
            markup=False,
        )
        from otjournal.disk.conflicts import git_sides
        from otjournal.disk.parsing import read_whole

        ours, theirs = git_sides(read_whole(c.path))
        a, b = ours.decode("utf-8", "replace"), theirs.decode("utf-8", "replace")
        labels = ("ours", "theirs")
    else:
        out().print(
            f"{rel}: {conflict_copy(c.tool)} of {c.original.name}",
            highlight=False,
            markup=False,
        )
        a = _text(c.original) if c.original.exists() else ""
        b = _text(c.path)
        labels = (c.original.name, c.path.name)
    diff = list(
        difflib.unified_diff(a.splitlines(), b.splitlines(), labels[0], labels[1], lineterm="", n=1)
    )
    for line in diff or ["  (the two files are the same)"]:
        # On a terminal a long line wraps under its text, after its "-" or "+"; piped, a
        # line stays whole, so each keeps its mark for a reader or a tool.
        print_hanging(line, " " * 4, " " * 5)


def _text(path: Path) -> str:
    """A file's text to compare (an encrypted note's decrypted; one that does not open
    here is said so, never shown as bytes)."""
    from otjournal.disk.keys import plaintext
    from otjournal.disk.parsing import read_whole, too_large
    from otjournal.errors import CipherError, StoreError

    try:
        text = plaintext(read_whole(path), path)
        big = too_large(len(text))
        if big:  # no diff of what no command reads (a stray file of megabytes)
            return f"({big}: not a note otjournal wrote)"
        return text.decode("utf-8", "replace")
    except CipherError as exc:
        return f"(cannot be opened here: {exc.message})"
    except StoreError as exc:
        return f"({exc.message})"


@conflicts_app.command("resolve")
def conflicts_resolve(
    copy: Annotated[str, typer.Argument(help="The conflict copy (its path or file name).")],
    keep: Annotated[
        str,
        typer.Option(
            help="original, copy, both or merge (amendments); "
            "for git markers: ours, theirs, both or merge (amendments of both sides, "
            "in time order). For client.toml, merge joins the goals and homework of "
            "both; both is not offered (a client has one client.toml)."
        ),
    ],
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask first.")] = False,
    dir: DirOpt = None,
) -> None:
    """Keep one, keep both (the copy becomes a session of its own), or merge amendments
    (client.toml: the goals and homework of both sides, joined by id).
    Whatever is removed goes to .otjournal/resolved/ inside the notes folder."""
    from otjournal.model.ids import shown

    j = journal(dir)
    conflicts = j.survey().report.conflicts  # as 'otj conflicts' lists them: no record held
    matches = [c for c in conflicts if str(c.path).endswith(copy) or c.path.name == copy]
    if len(matches) != 1:
        raise NotFoundError(f"no single conflict copy matches {shown(copy)}: see 'otj conflicts'")
    c = matches[0]
    from otjournal.sync.resolve import plan_resolution

    plan = plan_resolution(j, c, keep)
    for line in plan.describe():
        err().print(line, highlight=False, markup=False)
    if not yes and not confirm("Go ahead?"):
        raise Stopped(ExitCode.PROBLEM)
    for line in plan.apply(now()):
        out().print(line, highlight=False, markup=False)
