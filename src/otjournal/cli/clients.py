"""``otj client ...`` (the goal commands are in ``goal_cmds``)."""

from __future__ import annotations

import sys
from datetime import date
from typing import TYPE_CHECKING, Annotated

import typer

from otjournal.cli.common import (
    BoundaryGroup,
    ClientArg,
    DirOpt,
    JsonOpt,
    journal,
    out,
    print_json,
    print_wrapped,
)
from otjournal.errors import UsageError

if TYPE_CHECKING:
    from otjournal.model import Session

client_app = typer.Typer(
    cls=BoundaryGroup, no_args_is_help=True, help="Add, list and show clients."
)


def _date(value: str | None, option: str) -> date | None:
    if not value:
        return None
    from otjournal.model.fields import year_problem

    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise UsageError(f"{option} must be a date such as 2018-04-30") from None
    problem = year_problem(day)
    if problem:
        raise UsageError(f"{option}: {problem}")
    return day


def register(app: typer.Typer) -> None:
    app.add_typer(client_app, name="client")


@client_app.command("add")
def client_add(
    handle: Annotated[str, typer.Argument(help="Short handle: lower-case letters, digits, '-'.")],
    name: Annotated[str | None, typer.Option("--name", help="Display name.")] = None,
    dob: Annotated[str | None, typer.Option("--dob", help="Date of birth, YYYY-MM-DD.")] = None,
    framework: Annotated[
        str, typer.Option(help="Regulation framework: zones, engine, window or descriptive.")
    ] = "zones",
    comm: Annotated[
        list[str] | None,
        typer.Option("--comm", help="Communication mode (speech, AAC, sign, gesture…); repeat."),
    ] = None,
    strength: Annotated[
        list[str] | None, typer.Option("--strength", help="An interest or strength; repeat.")
    ] = None,
    caregiver: Annotated[
        list[str] | None, typer.Option("--caregiver", help="'Name' or 'Name:relationship'; repeat.")
    ] = None,
    plan_start: Annotated[str | None, typer.Option(help="Funded plan start, YYYY-MM-DD.")] = None,
    plan_end: Annotated[str | None, typer.Option(help="Funded plan end, YYYY-MM-DD.")] = None,
    funder: Annotated[str, typer.Option(help="Funder of the plan, e.g. NDIS.")] = "",
    dir: DirOpt = None,
) -> None:
    """Add a client: writes clients/HANDLE/client.toml."""
    from otjournal.disk.store import validate_handle
    from otjournal.model import Caregiver, Client, PlanPeriod
    from otjournal.model.vocab import FRAMEWORKS

    validate_handle(handle)
    if framework not in FRAMEWORKS:
        raise UsageError(f"--framework must be one of {', '.join(FRAMEWORKS)}")
    if name is None:
        if not sys.stdin.isatty():
            raise UsageError("--name is required (the client's display name)")
        name = typer.prompt("Display name")
    carers = []
    for c in caregiver or []:
        person, _, relation = c.partition(":")
        if not person.strip():
            raise UsageError("--caregiver needs a name, e.g. 'Sarah:mother'")
        carers.append(Caregiver(person.strip(), relation.strip()))
    plan = None
    if plan_start or plan_end:
        start, end = _date(plan_start, "--plan-start"), _date(plan_end, "--plan-end")
        if not (start and end):
            raise UsageError("give both --plan-start and --plan-end")
        if end < start:
            raise UsageError("--plan-end must not be before --plan-start")
        plan = PlanPeriod(start, end, funder)
    client = Client(
        handle=handle,
        display_name=name.strip() or handle,
        date_of_birth=_date(dob, "--dob"),
        regulation_framework=framework,
        communication=tuple(comm or ()),
        strengths=tuple(strength or ()),
        caregivers=tuple(carers),
        plan_period=plan,
    )
    path = journal(dir).add_client(client)
    out().print(f"Added client {handle}: {path}")


@client_app.command("list")
def client_list(
    all_clients: Annotated[
        bool, typer.Option("--all", help="Include discharged clients, marked so.")
    ] = False,
    dir: DirOpt = None,
    json: JsonOpt = False,
) -> None:
    """List clients in care with their active goals, sessions and when last seen."""
    from otjournal.cli.problems import note_problems
    from otjournal.views.goals import client_rows, clients_grid

    snap = journal(dir).load(homework=False)
    note_problems(snap)
    by_client: dict[str, list[Session]] = {}
    for s in snap.sessions:
        by_client.setdefault(s.record.client, []).append(s.record)
    clients = [c.record for c in snap.clients.values()]
    rows = client_rows(clients, by_client, show_all=all_clients)
    if json:
        print_json([r.to_json() for r in rows])
        return
    if not clients:
        out().print("No clients yet. Add one with: otj client add HANDLE --name NAME")
        return
    if not rows:
        out().print("No clients in care: 'otj client list --all' shows those discharged.")
        return
    print_wrapped(clients_grid(rows, show_all=all_clients))


@client_app.command("show")
def client_show(handle: ClientArg, dir: DirOpt = None, json: JsonOpt = False) -> None:
    """Show a client's profile, episode of care and goals."""
    from otjournal.cli.common import today
    from otjournal.views.goals import client_page, episode_facts, goal_json, goal_states

    j = journal(dir)
    client, _ = j.read_client(handle)
    sessions = [s.record for s in j.load([handle], homework=False).client_sessions(handle)]
    if json:
        states = {s.goal.id: s for s in goal_states(client, sessions)}
        data = client.to_dict()
        data["goals"] = [{**g, **goal_json(states[g["id"]])} for g in data.get("goals", [])]
        print_json({**data, "episode": episode_facts(sessions).to_json()})
        return
    print_wrapped(client_page(client, sessions, today()))
