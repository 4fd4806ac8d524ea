"""``otj hierarchy ...``: a client's graded-exposure hierarchy (``[[hierarchy]]`` in
client.toml). Steps are added, edited (the earlier words and SUDS kept in the step's
changes), listed by SUDS with each step's latest practice, and removed, or retired
when an exposure entry names them (an entry never loses its step)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from otjournal.cli.common import BoundaryGroup, ClientArg, DirOpt, JsonOpt, journal, out
from otjournal.errors import NotFoundError, UsageError

if TYPE_CHECKING:
    from otjournal.model import Client
    from otjournal.model.hierarchy import Step

hierarchy_app = typer.Typer(
    cls=BoundaryGroup,
    no_args_is_help=True,
    help="A client's graded-exposure hierarchy: add, edit, list, remove steps.",
)

StepArg = Annotated[
    str,
    typer.Argument(help="The step: its id (s2-k7q) or its short name (s2).", show_default=False),
]
ByOpt = Annotated[
    str | None,
    typer.Option("--by", help="Who makes the change (default: practitioner.name in the config)."),
]


def register(app: typer.Typer) -> None:
    app.add_typer(hierarchy_app, name="hierarchy")


def find(client: Client, key: str) -> Step:
    """The step ``key`` names: a usage error when two steps share the short name, not
    found when the client has none by that name."""
    from otjournal.model.hierarchy import AmbiguousStep, find_step
    from otjournal.model.ids import shown

    try:
        step = find_step(client.hierarchy, key)
    except AmbiguousStep as exc:
        raise UsageError(
            f"{shown(key)} names {len(exc.ids)} steps of {client.handle}: "
            f"use the full id ({', '.join(exc.ids)})"
        ) from None
    if step is None:
        ids = ", ".join(s.number for s in client.hierarchy) or "none yet"
        raise NotFoundError(
            f"{client.handle} has no step {shown(key)} (its steps: {ids})",
            hint=f"'otj hierarchy list {client.handle}' shows them",
        )
    return step


def _by(by: str | None) -> str:
    from otjournal.cli.common import CONFIG_NAME, read_config
    from otjournal.model.write_rules import checked_writer

    name = (by or "").strip()
    if name:
        return checked_writer(name)
    name = read_config().practitioner.strip()
    return checked_writer(name, CONFIG_NAME) if name else name


@hierarchy_app.command("add")
def hierarchy_add(
    handle: ClientArg,
    text: Annotated[str, typer.Argument(help="The step, in the client's words.")],
    suds: Annotated[
        int,
        typer.Option("--suds", min=0, max=100, help="The distress expected, SUDS 0-100."),
    ],
    dir: DirOpt = None,
) -> None:
    """Add a step to the hierarchy (rewrites client.toml only if unchanged on disk)."""
    from otjournal.cli.common import today
    from otjournal.model.hierarchy import Step, next_step_id

    if not text.strip():
        raise UsageError("the step's words must not be empty")
    j = journal(dir)
    client, fingerprint = j.read_client(handle)
    step = Step(next_step_id(client.hierarchy), text.strip(), suds, added_on=today())
    j.save_client(client.with_step(step), fingerprint)
    out().print(f"Added step {step.id} ({step.number}, SUDS {suds}) for {handle}.")


@hierarchy_app.command("edit")
def hierarchy_edit(
    handle: ClientArg,
    step_key: StepArg,
    text: Annotated[str | None, typer.Option("--text", help="The step's new words.")] = None,
    suds: Annotated[
        int | None, typer.Option("--suds", min=0, max=100, help="The distress expected, 0-100.")
    ] = None,
    by: ByOpt = None,
    dir: DirOpt = None,
) -> None:
    """Change a step's words or SUDS: the earlier values stay in the step's changes, and
    entries that name the step keep naming it."""
    from otjournal.cli.common import now

    if text is None and suds is None:
        raise UsageError("nothing to change: give --text or --suds")
    if text is not None and not text.strip():
        raise UsageError("the step's words must not be empty")
    j = journal(dir)
    client, fingerprint = j.read_client(handle)
    step = find(client, step_key)
    changed = step.changed(
        now().replace(microsecond=0),
        _by(by),
        step=step.step if text is None else text.strip(),
        suds=step.suds if suds is None else suds,
    )
    if changed is step:
        out().print(f"Step {step.id} already reads so: nothing was changed.")
        return
    j.save_client(client.with_step(changed), fingerprint)
    out().print(f"Changed step {step.id} of {handle} (the earlier values are kept in its changes).")


@hierarchy_app.command("remove")
def hierarchy_remove(
    handle: ClientArg,
    step_key: StepArg,
    by: ByOpt = None,
    dir: DirOpt = None,
) -> None:
    """Remove a step no entry names; a step some exposure entry names is retired instead
    (kept, marked retired, left out of the prompts)."""
    from dataclasses import replace

    from otjournal.cli.common import now
    from otjournal.cli.homework_common import client_records

    author = _by(by)  # a name refused before anything is read, whether or not it is kept
    j = journal(dir)
    _, _, entries = client_records(j, handle)
    client, fingerprint = j.read_client(handle)  # read last: saved only if unchanged since
    step = find(client, step_key)
    named = sum(1 for e in entries if e.entry_kind == "exposure" and e.part.get("step") == step.id)
    if not named:
        kept = tuple(s for s in client.hierarchy if s.id != step.id)
        j.save_client(replace(client, hierarchy=kept), fingerprint)
        out().print(f"Removed step {step.id} of {handle}.")
        return
    if not step.is_active:
        out().print(f"Step {step.id} is already retired: nothing was changed.")
        return
    retired = step.changed(now().replace(microsecond=0), author, status="retired")
    j.save_client(client.with_step(retired), fingerprint)
    out().print(
        f"Retired step {step.id} of {handle}: {named} exposure "
        f"entr{'y names' if named == 1 else 'ies name'} it, so it is kept."
    )


@hierarchy_app.command("list")
def hierarchy_list(
    handle: ClientArg,
    dir: DirOpt = None,
    json: JsonOpt = False,
) -> None:
    """The steps by expected SUDS, each with its practices and the latest SUDS before,
    at the peak and after."""
    from otjournal.cli.common import print_json, print_wrapped
    from otjournal.cli.homework_common import client_records
    from otjournal.numbers.exposure import by_step

    client, _, entries = client_records(journal(dir), handle)
    steps = by_step(client, entries, every_step=True)
    if json:
        rows = [{"id": s.key, "number": s.name, **s.to_json()} for s in steps]
        print_json("hierarchy-list", {"client": handle, "steps": rows})
        return
    if not steps:
        out().print(f'No hierarchy yet: otj hierarchy add {handle} "STEP" --suds N')
        return
    from otjournal.views.exposure import hierarchy_grid

    print_wrapped(hierarchy_grid(steps))
