"""``otj amend`` (append a correction) and ``otj conflicts`` (see and resolve copies)."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from otjournal.cli.common import (
    BoundaryGroup,
    DirOpt,
    JsonOpt,
    err,
    fail,
    journal,
    now,
    out,
    print_json,
    print_wrapped,
)

conflicts_app = typer.Typer(
    cls=BoundaryGroup,
    invoke_without_command=True,
    help="Sync conflict copies: compare and resolve (nothing is deleted).",
)


def register(app: typer.Typer) -> None:
    app.command("amend")(amend_cmd)
    app.add_typer(conflicts_app, name="conflicts")


def amend_cmd(
    session_id: Annotated[str, typer.Argument(metavar="ID", help="The session to amend.")],
    kind: Annotated[
        str | None,
        typer.Option(
            help="correction, addition, clarification, late-information, "
            "client-requested-correction or statement-of-disagreement."
        ),
    ] = None,
    text: Annotated[
        str | None, typer.Option(help="The amendment (else prompted, or --stdin).")
    ] = None,
    original: Annotated[
        str | None, typer.Option(help="For a correction: the original wording being corrected.")
    ] = None,
    from_stdin: Annotated[
        bool, typer.Option("--stdin", help="Read the amendment's text from standard input.")
    ] = False,
    by: Annotated[
        str | None, typer.Option("--by", help="Who amends it (default: practitioner.name).")
    ] = None,
    no_input: Annotated[bool, typer.Option("--no-input", help="Never prompt.")] = False,
    dir: DirOpt = None,
) -> None:
    """Append a dated, attributed amendment. The note itself is never rewritten: its bytes
    stay a prefix of the file, and the amendment records their hash."""
    from otjournal import amend
    from otjournal.cli.log_cmd import load_config
    from otjournal.loading import parse_record_bytes
    from otjournal.model import Amendment, Session
    from otjournal.model.vocab import AMENDMENT_KINDS
    from otjournal.query import find_by_id

    config = load_config()
    j = journal(dir)
    found = find_by_id(j.load(homework=False).sessions, session_id)
    raw, fingerprint, session = j.read_session_file(found.path)
    interactive = not no_input and sys.stdin.isatty()
    if kind is None:
        if not interactive:
            fail(f"--kind is required: one of {', '.join(AMENDMENT_KINDS)}")
        from otjournal.prompts.base import pick

        while not kind:
            kind = (
                pick(
                    typer.prompt(f"Kind ({', '.join(AMENDMENT_KINDS)})").strip().lower(),
                    AMENDMENT_KINDS,
                )
                or None
            )
    if kind not in AMENDMENT_KINDS:
        fail(f"--kind must be one of {', '.join(AMENDMENT_KINDS)}")
    if from_stdin:
        text = sys.stdin.buffer.read().decode("utf-8", "replace").strip()
    if kind == "correction" and original is None and interactive:
        original = typer.prompt(
            "The original wording being corrected", default="", show_default=False
        )
    if not text:
        if not interactive:
            fail("give the amendment's text with --text or --stdin")
        text = typer.prompt("Amendment")
    author = by or config.practitioner
    if not author:
        if not interactive:
            fail("--by is required (or set practitioner.name in the config)")
        author = typer.prompt("Your name")
    amendment = Amendment(
        now().replace(microsecond=0), author, kind, text.strip(), (original or "").strip()
    )
    new = amend.append(raw, amendment)
    assert new.startswith(raw)
    # What is written must read back as the same note plus this amendment.
    after = parse_record_bytes(new, found.path, Session.from_dict)
    if not amend.same_note(after, session) or len(after.amendments) != len(session.amendments) + 1:
        fail("refusing to write: the amended file would not read back as the same note", code=1)
    j.replace_file(found.path, new, fingerprint)
    out().print(
        f"Amended {session.id}: {kind} by {author} at {amendment.at:%Y-%m-%d %H:%M}.",
        highlight=False,
    )


# -- otj conflicts ---------------------------------------------------------------------


@conflicts_app.callback()
def conflicts_list(ctx: typer.Context, dir: DirOpt = None, json: JsonOpt = False) -> None:
    """Each conflict copy beside its original, with what differs."""
    if ctx.invoked_subcommand:
        return
    import difflib

    from rich.padding import Padding
    from rich.text import Text

    j = journal(dir)
    snap = j.load()
    if json:
        print_json(
            [
                {
                    "copy": str(c.path.relative_to(j.root)),
                    "original": str(c.original.relative_to(j.root)),
                    "tool": c.tool,
                }
                for c in snap.conflicts
            ]
        )
        return
    if not snap.conflicts:
        out().print("No conflicts.")
        return
    for c in snap.conflicts:
        rel = c.path.relative_to(j.root)
        if c.tool == "git":
            out().print(
                f"{rel}: git conflict markers (both sides inside the file)",
                highlight=False,
                markup=False,
            )
            from otjournal.conflicts import git_sides

            ours, theirs = git_sides(c.path.read_bytes())
            a, b = ours.decode("utf-8", "replace"), theirs.decode("utf-8", "replace")
            labels = ("ours", "theirs")
        else:
            out().print(
                f"{rel}: a {c.tool} conflict copy of {c.original.name}",
                highlight=False,
                markup=False,
            )
            a = c.original.read_text("utf-8", "replace") if c.original.exists() else ""
            b = c.path.read_text("utf-8", "replace")
            labels = (c.original.name, c.path.name)
        diff = list(
            difflib.unified_diff(
                a.splitlines(), b.splitlines(), labels[0], labels[1], lineterm="", n=1
            )
        )
        for line in diff or ["  (the two files are the same)"]:
            # A long line of note text wraps under itself, never cut.
            print_wrapped(Padding(Text(line), (0, 0, 0, 4)))
    out().print(
        "\nResolve with: otj conflicts resolve COPY --keep original|copy|both|merge "
        "(git: --keep ours|theirs|both|merge)",
        highlight=False,
        markup=False,
    )


@conflicts_app.command("resolve")
def conflicts_resolve(
    copy: Annotated[str, typer.Argument(help="The conflict copy (its path or file name).")],
    keep: Annotated[
        str,
        typer.Option(
            help="original, copy, both or merge (amendments); "
            "for git markers: ours, theirs, both or merge (amendments of both sides, "
            "in time order)."
        ),
    ],
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask first.")] = False,
    dir: DirOpt = None,
) -> None:
    """Keep one, keep both (the copy becomes a session of its own), or merge amendments.
    Whatever is removed goes to .otjournal/resolved/ inside the notes folder."""
    from otjournal.model.ids import shown

    j = journal(dir)
    snap = j.load()
    matches = [c for c in snap.conflicts if str(c.path).endswith(copy) or c.path.name == copy]
    if len(matches) != 1:
        fail(f"no single conflict copy matches {shown(copy)}: see 'otj conflicts'", code=1)
    c = matches[0]
    from otjournal.resolve import plan_resolution

    plan = plan_resolution(j, c, keep)
    for line in plan.describe():
        err().print(line, highlight=False, markup=False)
    if not yes and not typer.confirm("Go ahead?"):
        raise typer.Exit(1)
    for line in plan.apply(now()):
        out().print(line, highlight=False, markup=False)
