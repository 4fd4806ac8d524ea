"""``otj client ...`` (the goal commands are in ``goal_cmds``)."""

from __future__ import annotations

import sys
from datetime import date
from typing import TYPE_CHECKING, Annotated

import typer

from otjournal.cli.common import (
    BoundaryGroup,
    DefaultClientArg,
    DirOpt,
    JsonOpt,
    ask_name,
    journal,
    out,
    print_json,
    print_wrapped,
)
from otjournal.errors import UsageError

if TYPE_CHECKING:
    from otjournal.model import PlanPeriod

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


PersonOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--person",
        help="Someone named in notes, 'Name:role' (sibling, teacher, school…): "
        "replaced in de-identified copies; repeat.",
    ),
]
AdultOpt = Annotated[
    bool | None,
    typer.Option(
        "--adult/--child",
        help="Speak of the client as an adult or a child, whatever the date of birth "
        "(without either: 18 or older by --dob is an adult; no --dob, a child).",
    ),
]


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
    ndis_number: Annotated[str, typer.Option(help="NDIS number (for a funder's report).")] = "",
    disability: Annotated[
        str, typer.Option(help="Primary disability, as the person or family names it.")
    ] = "",
    person: PersonOpt = None,
    adult: AdultOpt = None,
    dir: DirOpt = None,
) -> None:
    """Add a client: writes clients/HANDLE/client.toml."""
    from otjournal.disk.store import validate_handle
    from otjournal.model import Caregiver, Client, Person
    from otjournal.model.vocab import FRAMEWORKS

    validate_handle(handle)
    if framework not in FRAMEWORKS:
        raise UsageError(f"--framework must be one of {', '.join(FRAMEWORKS)}")
    if name is None:
        if not sys.stdin.isatty():
            raise UsageError("--name is required (the client's display name)")
        name = ask_name("Display name")
    _one_line(name.strip(), "--name")
    plan = _plan(plan_start, plan_end, funder)
    carers = [Caregiver(*pair) for pair in _named(caregiver, "--caregiver", "Sarah:mother")]
    people = [Person(*pair) for pair in _named(person, "--person", "Ben:brother")]
    client = Client(
        handle=handle,
        display_name=name.strip() or handle,
        date_of_birth=_date(dob, "--dob"),
        regulation_framework=framework,
        communication=tuple(comm or ()),
        strengths=tuple(strength or ()),
        caregivers=tuple(carers),
        plan_period=plan,
        ndis_number=ndis_number.strip(),
        primary_disability=disability.strip(),
        people=tuple(people),
        age_group={None: "", True: "adult", False: "child"}[adult],
    )
    path = journal(dir).add_client(client)
    out().print(f"Added client {handle}: {path}")


def _plan(plan_start: str | None, plan_end: str | None, funder: str) -> PlanPeriod | None:
    from otjournal.model import PlanPeriod

    if not (plan_start or plan_end):
        return None
    start, end = _date(plan_start, "--plan-start"), _date(plan_end, "--plan-end")
    if not (start and end):
        raise UsageError("give both --plan-start and --plan-end")
    if end < start:
        raise UsageError("--plan-end must not be before --plan-start")
    return PlanPeriod(start, end, funder)


def _named(values: list[str] | None, option: str, example: str) -> list[tuple[str, str]]:
    """``Name:role`` values as (name, role) pairs; a value without a name is refused."""
    pairs = []
    for value in values or []:
        who, _, role = value.partition(":")
        if not who.strip():
            raise UsageError(f"{option} needs a name, e.g. '{example}'")
        pairs.append((_one_line(who.strip(), option), _one_line(role.strip(), option)))
    return pairs


def _one_line(name: str, option: str) -> str:
    """A name (or the role beside it) heads pages and fills table cells: refused, never
    repeated, unless it is one line of printable text."""
    from otjournal.model.write_rules import name_problem

    problem = name_problem(name)
    if problem:
        raise UsageError(f"{option}: {problem}")
    return name


@client_app.command("list")
def client_list(
    all_clients: Annotated[
        bool, typer.Option("--all", help="Include discharged clients, marked so.")
    ] = False,
    dir: DirOpt = None,
    json: JsonOpt = False,
) -> None:
    """List clients in care with their active goals, sessions and when last seen."""
    from otjournal.cli import memos
    from otjournal.cli.common import today
    from otjournal.cli.problems import note_problems
    from otjournal.views.goals import clients_grid

    # One client at a time, each row remembered until one of the client's files changes.
    j = journal(dir)
    each, report = memos.per_client(j, memos.client_list(today()))
    note_problems(report)
    clients = sum(row is not None for row in each)
    rows = [r for r in each if r is not None and (all_clients or r.discharged is None)]
    if json:
        print_json("client-list", {"clients": [r.to_json() for r in rows]})
        return
    if not clients:
        out().print("No clients yet. Add one with: otj client add HANDLE --name NAME")
        return
    if not rows:
        out().print("No clients in care: 'otj client list --all' shows those discharged.")
        return
    print_wrapped(clients_grid(rows, show_all=all_clients))


@client_app.command("show")
def client_show(handle: DefaultClientArg = None, dir: DirOpt = None, json: JsonOpt = False) -> None:
    """Show a client's profile, episode of care and goals."""
    from otjournal.cli.common import read_config, today
    from otjournal.cli.homework_common import pick_client
    from otjournal.cli.problems import note_problems
    from otjournal.model.fields import whole
    from otjournal.views.goals import client_page, episode_facts, goal_json, goal_states

    handle = pick_client(handle, read_config())  # a self-journal's own, as homework's

    j = journal(dir)
    client, _ = j.read_client(handle)
    snap = j.load([handle], homework=False)
    note_problems(snap)  # a note that does not read is left out: said, as list says it
    sessions = [s.record for s in snap.client_sessions(handle)]
    if json:
        states = {s.goal.id: s for s in goal_states(client, sessions, today())}
        data = whole(client)
        data["age_group"] = "adult" if client.is_adult(today()) else "child"
        data["goals"] = [{**g, **goal_json(states[g["id"]])} for g in data["goals"]]
        print_json("client-show", {**data, "episode": episode_facts(sessions).to_json()})
        return
    print_wrapped(client_page(client, sessions, today()))
