"""``otj client ...`` and ``otj goal ...``."""

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
    from rich.console import RenderableType

    from otjournal.model import Session

client_app = typer.Typer(
    cls=BoundaryGroup, no_args_is_help=True, help="Add, list and show clients."
)
goal_app = typer.Typer(
    cls=BoundaryGroup, no_args_is_help=True, help="Add and list a client's goals."
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
    app.add_typer(goal_app, name="goal")


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
def client_list(dir: DirOpt = None, json: JsonOpt = False) -> None:
    """List clients with their active goals, sessions and when last seen."""
    from otjournal.cli.problems import note_problems
    from otjournal.views.session import clients_table

    snap = journal(dir).load(homework=False)
    note_problems(snap)
    by_client: dict[str, list[Session]] = {}
    for s in snap.sessions:
        by_client.setdefault(s.record.client, []).append(s.record)
    clients = [c.record for c in snap.clients.values()]
    if json:
        print_json(
            [
                {
                    "handle": c.handle,
                    "display_name": c.display_name,
                    "regulation_framework": c.regulation_framework,
                    "active_goals": len(c.active_goals),
                    "sessions": len(by_client.get(c.handle, [])),
                    "last_session": by_client[c.handle][-1].start
                    if by_client.get(c.handle)
                    else None,
                }
                for c in clients
            ]
        )
        return
    if not clients:
        out().print("No clients yet. Add one with: otj client add HANDLE --name NAME")
        return
    print_wrapped(clients_table(clients, by_client))


@client_app.command("show")
def client_show(handle: ClientArg, dir: DirOpt = None, json: JsonOpt = False) -> None:
    """Show a client's profile and goals."""
    from rich.console import Group
    from rich.text import Text

    from otjournal.views.session import age, goal_detail, latest_ratings

    j = journal(dir)
    client, _ = j.read_client(handle)
    if json:
        print_json(client.to_dict())
        return
    snap = j.load([handle], homework=False)
    lines: list[RenderableType] = [
        Text.assemble((client.display_name, "bold"), f" ({client.handle})")
    ]
    if client.date_of_birth:
        from otjournal.cli.common import today

        lines.append(
            Text(f"born {client.date_of_birth} (age {age(client.date_of_birth, today())})")
        )
    lines.append(Text(f"regulation framework: {client.regulation_framework}"))
    if client.communication:
        lines.append(Text(f"communication: {', '.join(client.communication)}"))
    if client.strengths:
        lines.append(Text(f"interests and strengths: {', '.join(client.strengths)}"))
    for c in client.caregivers:
        lines.append(
            Text(f"caregiver: {c.name}" + (f" ({c.relationship})" if c.relationship else ""))
        )
    if client.plan_period:
        p = client.plan_period
        lines.append(
            Text(f"plan period: {p.start} to {p.end}" + (f" ({p.funder})" if p.funder else ""))
        )
    sessions = snap.client_sessions(handle)
    lines.append(
        Text(
            f"sessions: {len(sessions)}"
            + (f", last {sessions[-1].record.start:%Y-%m-%d}" if sessions else "")
        )
    )
    lines.append(Text(""))
    latest = latest_ratings(sessions)
    lines.append(Text("Goals", style="bold"))
    if not client.goals:
        lines.append(Text(f"  none yet: otj goal add {handle}"))
    for g in client.goals:
        lines.append(goal_detail(g))
        lines.append(
            Text(
                f"      weight {g.weight:g} · {g.status} · latest interim GAS "
                f"{latest.get(g.id, '–')}"
            )
        )
    print_wrapped(Group(*lines))


@goal_app.command("add")
def goal_add(
    handle: ClientArg,
    text: Annotated[
        str | None,
        typer.Option(
            "--text", help="The goal, in the client's and family's words (prompted if left out)."
        ),
    ] = None,
    weight: Annotated[float, typer.Option(min=0.01, max=100, help="GAS weight.")] = 1,
    level: Annotated[
        list[str] | None,
        typer.Option(
            "--level", help="A GAS level description, e.g. '-2=ties with hand-over-hand'; repeat."
        ),
    ] = None,
    copm_problem: Annotated[str | None, typer.Option(help="COPM problem (scores only).")] = None,
    copm_performance: Annotated[
        int | None, typer.Option(min=1, max=10, help="COPM performance at T1.")
    ] = None,
    copm_satisfaction: Annotated[
        int | None, typer.Option(min=1, max=10, help="COPM satisfaction at T1.")
    ] = None,
    no_input: Annotated[bool, typer.Option("--no-input", help="Never prompt.")] = False,
    dir: DirOpt = None,
) -> None:
    """Add a goal to a client (rewrites client.toml only if it is unchanged on disk)."""
    from otjournal.cli.common import today
    from otjournal.model import Copm, Goal

    j = journal(dir)
    client, fingerprint = j.read_client(handle)
    if text is None:
        if no_input or not sys.stdin.isatty():
            raise UsageError("--text is required with --no-input or without a terminal")
        text = typer.prompt("Goal")
    if not text.strip():
        raise UsageError("the goal text must not be empty")
    levels = _levels(level or [])
    copm = None
    if copm_problem:
        copm = Copm(copm_problem, copm_performance, copm_satisfaction)
    elif copm_performance or copm_satisfaction:
        raise UsageError("--copm-performance and --copm-satisfaction need --copm-problem")
    goal = Goal(
        id=client.next_goal_id(),
        text=text.strip(),
        weight=weight,
        set_on=today(),
        levels=levels,
        copm=copm,
    )
    j.save_client(client.with_goal(goal), fingerprint)
    out().print(f"Added goal {goal.id} for {handle}.")


def _levels(given: list[str]) -> dict[int, str]:
    """``--level`` values (``-2=…``, ``+1=…``) as the goal's level descriptions."""
    from otjournal.model.vocab import GAS_LEVEL_KEYS, GAS_LEVELS

    levels: dict[int, str] = {}
    for item in given:
        key, sep, desc = item.partition("=")
        try:
            value: int | None = int(key.strip())
        except ValueError:
            value = None
        if not sep or value is None or value not in GAS_LEVELS or not desc.strip():
            raise UsageError(
                "--level takes LEVEL=DESCRIPTION with LEVEL one of " + ", ".join(GAS_LEVEL_KEYS)
            )
        levels[value] = desc.strip()
    return levels


@goal_app.command("list")
def goal_list(
    handle: ClientArg,
    all_goals: Annotated[bool, typer.Option("--all", help="Include goals not active.")] = False,
    dir: DirOpt = None,
    json: JsonOpt = False,
) -> None:
    """List a client's goals with their latest interim GAS rating."""
    from otjournal.views.session import goals_table, latest_ratings

    j = journal(dir)
    client, _ = j.read_client(handle)
    latest = latest_ratings(j.load([handle], homework=False).client_sessions(handle))
    goals = [g for g in client.goals if all_goals or g.is_active]
    if json:
        print_json([{**g.to_dict(), "latest_gas": latest.get(g.id)} for g in goals])
        return
    if not goals:
        out().print(f"No {'' if all_goals else 'active '}goals yet: otj goal add {handle}")
        return
    print_wrapped(goals_table(client, latest, show_all=all_goals))
