"""``otj drafts``: the unfinished notes of every note-writing command (list, show, discard)."""

from __future__ import annotations

from typing import Annotated

import typer

from otjournal.cli.common import (
    BoundaryGroup,
    DirOpt,
    JsonOpt,
    confirm,
    journal,
    out,
    print_json,
    print_wrapped,
)
from otjournal.errors import ExitCode, Stopped

drafts_app = typer.Typer(
    cls=BoundaryGroup, invoke_without_command=True, help="List, show and discard unfinished notes."
)


def register(app: typer.Typer) -> None:
    app.add_typer(drafts_app, name="drafts")


@drafts_app.callback()
def drafts_list(ctx: typer.Context, json: JsonOpt = False, dir: DirOpt = None) -> None:
    """List unfinished notes (kept in a private folder, never synced)."""
    if ctx.invoked_subcommand:
        return
    from otjournal.forms.drafts import default_drafts

    here = default_drafts(notes=journal(dir).root)
    drafts = here.entries()  # every draft on this device: another folder's said so
    if json:
        rows = [
            {
                "id": d.id,
                "command": d.command,
                "client": d.client,
                "step": d.step,
                "updated": d.updated,
                "path": str(d.path),
                "notes": d.notes,
            }
            for d in drafts
        ]
        print_json("drafts", {"drafts": rows})
        return
    if not drafts:
        out().print("No drafts.")
        return
    for d in drafts:
        elsewhere = "" if here.ours(d) else f"  for another notes folder: add --dir '{d.notes}'"
        print_wrapped(
            f"{d.id}  {d.command} {d.client}  stopped at: {d.step or 'start'}  "
            f"(updated {d.updated:%Y-%m-%d %H:%M}){elsewhere}"
        )
    # Each kind of draft resumes with the command that wrote it (log, homework log, amend).
    for command in dict.fromkeys(d.command for d in drafts):
        print_wrapped(f"Resume with: otj {command} --resume --draft ID")
    print_wrapped("Discard with: otj drafts discard ID")


@drafts_app.command("discard")
def drafts_discard(
    draft_id: Annotated[str, typer.Argument(metavar="ID", help="The draft (or a unique part).")],
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask first.")] = False,
) -> None:
    """Discard a draft for good."""
    from otjournal.forms.drafts import default_drafts

    drafts = default_drafts()
    draft = drafts.load(draft_id)
    if not yes and not confirm(f"Discard draft {draft.id} for {draft.client}?"):
        raise Stopped(ExitCode.PROBLEM)
    drafts.discard(draft)
    out().print(f"Discarded draft {draft.id}.", highlight=False)


@drafts_app.command("show")
def drafts_show(
    draft_id: Annotated[str, typer.Argument(metavar="ID", help="The draft (or a unique part).")],
) -> None:
    """Show a draft's answers so far (read only: resume it to go on)."""
    from otjournal.disk.tomlio import dumps
    from otjournal.forms.drafts import default_drafts

    draft = default_drafts().load(draft_id)
    answers = {**draft.note, **({"in_progress": draft.partial} if draft.partial else {})}
    head = (
        f"Draft {draft.id}: {draft.command} {draft.client}, stopped at: {draft.step or 'start'} "
        f"(updated {draft.updated:%Y-%m-%d %H:%M})"
    )
    # The answers as TOML, the file format people know; the console shows any control
    # character or bidi override in them instead of sending it to the terminal.
    print_wrapped(head)
    print_wrapped(dumps(answers).decode("utf-8").strip() or "(no answers yet)")
    print_wrapped(f"Resume with: otj {draft.command} --resume --draft {draft.id}")
