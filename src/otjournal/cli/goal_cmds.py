"""``otj goal ...``: a goal's life. Added with an explicit GAS baseline, edited and moved
from status to status by dated changes that keep the earlier values (``[[goals.changes]]``
in client.toml), COPM scored outside a review, listed with its ratings."""

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
    ask_name,
    ask_needed,
    journal,
    out,
)
from otjournal.errors import NotFoundError, UsageError

if TYPE_CHECKING:
    from otjournal.disk.store import Journal
    from otjournal.model import Client, Copm, Goal

goal_app = typer.Typer(
    cls=BoundaryGroup,
    no_args_is_help=True,
    help="Add, edit, list a client's goals; set their status; score COPM.",
)

GoalArg = Annotated[
    str,
    typer.Argument(help="The goal: its id (g4-k7q) or its short name (g4).", show_default=False),
]
NoInputOpt = Annotated[bool, typer.Option("--no-input", help="Never prompt.")]
ByOpt = Annotated[
    str | None,
    typer.Option("--by", help="Who makes the change (default: practitioner.name in the config)."),
]
LevelOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--level", help="A GAS level description, e.g. '-2=ties with hand-over-hand'; repeat."
    ),
]
BaselineOpt = Annotated[
    int | None,
    typer.Option(
        "--baseline",
        min=-2,
        max=2,
        help="The goal's GAS level when set, -2..+2 (explicit: never assumed).",
        show_default=False,
    ),
]
BaselineOnOpt = Annotated[
    str | None,
    typer.Option(
        "--baseline-on",
        help="The day the baseline was rated (default: today; a new goal's: its --on day).",
    ),
]


def register(app: typer.Typer) -> None:
    app.add_typer(goal_app, name="goal")


def find(client: Client, key: str) -> Goal:
    """The goal ``key`` names (full id or short ``g4``): a usage error when two goals share
    the short name, not found when the client has none by that name."""
    from otjournal.model.client import AmbiguousGoal
    from otjournal.model.ids import shown

    try:
        goal = client.find_goal(key)
    except AmbiguousGoal as exc:
        raise UsageError(
            f"{shown(key)} names {len(exc.ids)} goals of {client.handle}: "
            f"use the full id ({', '.join(exc.ids)})"
        ) from None
    if goal is None:
        ids = ", ".join(g.id for g in client.goals) or "none yet"
        raise NotFoundError(
            f"{client.handle} has no goal {shown(key)} (its goals: {ids})",
            hint=f"'otj goal list {client.handle} --all' shows them",
        )
    return goal


def day_option(value: str | None, option: str, *, not_before: date | None = None) -> date:
    """A day typed for ``option`` (default today); never later than today."""
    from otjournal.cli.common import today
    from otjournal.dates import parse_day

    day = parse_day(value, today(), option) if value is not None else today()  # "": not a day
    if day > today():
        raise UsageError(f"{option}: {day} is later than today: a goal's record is of what was")
    if not_before is not None and day < not_before:
        raise UsageError(f"{option}: {day} is before the goal was set ({not_before})")
    return day


def author(by: str | None, no_input: bool) -> str:
    """Who makes a change: --by, else the config's practitioner name, else asked."""
    from otjournal.cli.common import CONFIG_NAME, read_config
    from otjournal.model.write_rules import checked_writer

    name = (by or "").strip() or read_config().practitioner.strip()
    if name:
        return checked_writer(name, "--by" if (by or "").strip() else CONFIG_NAME)
    if no_input or not sys.stdin.isatty():
        raise UsageError(
            "who makes this change? give --by NAME or set practitioner.name in the config"
        )
    return ask_name("Your name, as the change's author")


def ask_baseline(baseline: int | None, no_input: bool) -> int:
    if baseline is not None:
        return baseline
    if no_input or not sys.stdin.isatty():
        raise UsageError(
            "--baseline is required: the goal's GAS level today, -2..+2 (never assumed; "
            "-2 is the paediatric convention for the present level, some services use -1)"
        )
    while True:
        question = "GAS baseline level today (-2..+2)"
        answer = str(typer.prompt(question, default="", show_default=False)).strip()
        if answer.lstrip("+-").isdigit() and -2 <= int(answer) <= 2:
            return int(answer)
        typer.echo("  -2, -1, 0, +1 or +2 (the level the goal starts from)", err=True)


def levels(given: list[str]) -> dict[int, str]:
    """``--level`` values (``-2=…``, ``+1=…``) as the goal's level descriptions."""
    from otjournal.model.vocab import GAS_LEVEL_KEYS, GAS_LEVELS

    found: dict[int, str] = {}
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
        found[value] = desc.strip()
    return found


@goal_app.command("add")
def goal_add(
    handle: ClientArg,
    text: Annotated[
        str | None,
        typer.Option(
            "--text", help="The goal, in the client's and family's words (prompted if left out)."
        ),
    ] = None,
    baseline: BaselineOpt = None,
    baseline_on: BaselineOnOpt = None,
    set_on: Annotated[
        str | None,
        typer.Option(
            "--on",
            help="The day the goal was set, as the baseline's and COPM's (default: today).",
        ),
    ] = None,
    weight: Annotated[float, typer.Option(min=0.01, max=100, help="GAS weight.")] = 1,
    level: LevelOpt = None,
    copm_problem: Annotated[str | None, typer.Option(help="COPM problem (scores only).")] = None,
    copm_performance: Annotated[
        int | None, typer.Option(min=1, max=10, help="COPM performance at T1.")
    ] = None,
    copm_satisfaction: Annotated[
        int | None, typer.Option(min=1, max=10, help="COPM satisfaction at T1.")
    ] = None,
    no_input: NoInputOpt = False,
    dir: DirOpt = None,
) -> None:
    """Add a goal with its GAS baseline (rewrites client.toml only if unchanged on disk)."""
    from otjournal.model import Copm, Goal

    j = journal(dir)
    client, fingerprint = j.read_client(handle)
    levels_given = levels(level or [])
    if (copm_performance or copm_satisfaction) and not copm_problem:
        raise UsageError("--copm-performance and --copm-satisfaction need --copm-problem")
    day = day_option(set_on, "--on")  # an intake's goals may be written up days later
    on = day_option(baseline_on, "--baseline-on") if baseline_on is not None else day
    if text is None:
        if no_input or not sys.stdin.isatty():
            raise UsageError("--text is required with --no-input or without a terminal")
        text = ask_needed("Goal")
    if not text.strip():
        raise UsageError("the goal text must not be empty")
    level_now = ask_baseline(baseline, no_input)
    scored = copm_performance is not None or copm_satisfaction is not None
    copm = (
        Copm(copm_problem, copm_performance, copm_satisfaction, t1_on=day if scored else None)
        if copm_problem
        else None
    )
    goal = Goal(
        id=client.next_goal_id(),
        text=text.strip(),
        weight=weight,
        set_on=day,
        levels=levels_given,
        copm=copm,
        baseline=level_now,
        baseline_on=on,
    )
    j.save_client(client.with_goal(goal), fingerprint)
    out().print(f"Added goal {goal.id} ({goal.number}) for {handle}.")


@goal_app.command("edit")
def goal_edit(
    handle: ClientArg,
    goal_key: GoalArg,
    text: Annotated[str | None, typer.Option("--text", help="The goal's new words.")] = None,
    weight: Annotated[float | None, typer.Option(min=0.01, max=100, help="GAS weight.")] = None,
    level: LevelOpt = None,
    baseline: BaselineOpt = None,
    baseline_on: BaselineOnOpt = None,
    set_on: Annotated[
        str | None,
        typer.Option("--on", help="The day the goal was set (a session before it cannot rate it)."),
    ] = None,
    by: ByOpt = None,
    no_input: NoInputOpt = False,
    dir: DirOpt = None,
) -> None:
    """Change a goal's words, weight, levels, baseline or the day it was set: the earlier
    values stay in the goal's changes, dated and signed."""
    from otjournal.cli.common import now

    given = (text, weight, level, baseline, baseline_on, set_on)
    if all(v is None or v == [] for v in given):
        raise UsageError("nothing to change: give --text, --weight, --level, --baseline or --on")
    j = journal(dir)
    client, fingerprint = j.read_client(handle)
    goal = find(client, goal_key)
    new = edited_values(goal, text, weight, levels(level or []), baseline, baseline_on)
    if set_on is not None and (day := day_option(set_on, "--on")) != goal.set_on:
        _check_set_on(j, handle, goal, day, new.get("baseline_on", goal.baseline_on))
        new["set_on"] = day
        if baseline_on is None and goal.baseline is not None and goal.baseline_on == goal.set_on:
            new["baseline_on"] = day  # rated as it was set: the day moves with it
    if not new:
        out().print(f"Goal {goal.id} already reads so: nothing was changed.")
        return
    changed = goal.changed(now().replace(microsecond=0), author(by, no_input), **new)
    j.save_client(client.with_goal_changed(changed), fingerprint)
    out().print(
        f"Changed {', '.join(new)} of goal {goal.id} for {handle} "
        "(the earlier values are kept in its changes)."
    )


def _check_set_on(j: Journal, handle: str, goal: Goal, day: date, rated: object) -> None:
    """A goal cannot be set after a day it already has a rating or a status change on."""
    from otjournal.cli.problems import note_problems

    took = [c.took_effect for c in goal.changes if c.status and c.took_effect < day]
    if took:
        raise UsageError(f"--on: {day} is after the goal's status changed ({min(took)})")
    if isinstance(rated, date) and rated < day:  # a baseline is the level when set
        raise UsageError(f"--on: {day} is after the goal's baseline was rated ({rated})")
    snap = j.load([handle], homework=False)
    note_problems(snap)
    rated = [
        s.record.start.date()
        for s in snap.client_sessions(handle)
        if s.record.start.date() < day and any(g.goal == goal.id for g in s.record.goals)
    ]
    if rated:
        raise UsageError(f"--on: {day} is after the session of {min(rated)}, which rates {goal.id}")


def edited_values(
    goal: Goal,
    text: str | None,
    weight: float | None,
    new_levels: dict[int, str],
    baseline: int | None,
    baseline_on: str | None,
) -> dict[str, object]:
    """The fields ``goal edit`` changes, only those that differ from the goal's now."""
    new: dict[str, object] = {}
    if text is not None:
        if not text.strip():
            raise UsageError("the goal text must not be empty")
        new["text"] = text.strip()
    if weight is not None:
        new["weight"] = weight
    if new_levels:
        new["levels"] = {**goal.levels, **new_levels}
    if baseline_on is not None and baseline is None and goal.baseline is None:
        raise UsageError("--baseline-on needs --baseline: this goal has no baseline yet")
    if baseline is not None or baseline_on is not None:
        if baseline_on is None and goal.baseline_on is None:
            raise UsageError("--baseline needs --baseline-on DATE: the day it was rated")
        new["baseline"] = goal.baseline if baseline is None else baseline
        given = baseline_on is not None
        new["baseline_on"] = day_option(baseline_on, "--baseline-on") if given else None
        new["baseline_on"] = new["baseline_on"] or goal.baseline_on
    return {k: v for k, v in new.items() if getattr(goal, k) != v}


@goal_app.command("set")
def goal_set(
    handle: ClientArg,
    goal_key: GoalArg,
    status: Annotated[
        str,
        typer.Option(
            "--status", help="active, on-hold, achieved or discontinued.", show_default=False
        ),
    ],
    reason: Annotated[
        str | None, typer.Option("--reason", help="Why (required for discontinued).")
    ] = None,
    on: Annotated[
        str | None, typer.Option("--on", help="The day it took effect (default: today).")
    ] = None,
    by: ByOpt = None,
    no_input: NoInputOpt = False,
    dir: DirOpt = None,
) -> None:
    """Set a goal's status from a day on (dated, with the reason; the earlier status kept)."""
    from otjournal.cli.common import now
    from otjournal.model.vocab import GOAL_SET_STATUSES

    if status not in GOAL_SET_STATUSES:
        raise UsageError(f"--status must be one of {', '.join(GOAL_SET_STATUSES)}")
    if status == "discontinued" and not (reason or "").strip():
        raise UsageError("a goal discontinued needs --reason (why it stops)")
    j = journal(dir)
    client, fingerprint = j.read_client(handle)
    goal = find(client, goal_key)
    day = day_option(on, "--on", not_before=goal.set_on)
    if goal.status == status:
        out().print(f"Goal {goal.id} is already {status}: nothing was changed.")
        return
    changed = goal.changed(
        now(), author(by, no_input), status=status, on=day, reason=(reason or "").strip()
    )
    j.save_client(client.with_goal_changed(changed), fingerprint)
    out().print(f"Goal {goal.id} of {handle} is {status} from {day} (was {goal.status}).")


@goal_app.command("copm")
def goal_copm(
    handle: ClientArg,
    goal_key: GoalArg,
    performance: Annotated[
        int, typer.Option("--performance", min=1, max=10, help="COPM performance, 1-10.")
    ],
    satisfaction: Annotated[
        int, typer.Option("--satisfaction", min=1, max=10, help="COPM satisfaction, 1-10.")
    ],
    on: Annotated[
        str | None, typer.Option("--date", help="The day it was scored (default: today).")
    ] = None,
    problem: Annotated[
        str | None, typer.Option("--problem", help="The COPM problem (default: the goal's).")
    ] = None,
    t1: Annotated[bool, typer.Option("--t1", help="Score T1 (default when none yet).")] = False,
    t2: Annotated[bool, typer.Option("--t2", help="Score T2 (default once T1 is in).")] = False,
    by: ByOpt = None,
    no_input: NoInputOpt = False,
    dir: DirOpt = None,
) -> None:
    """Score a goal's COPM problem outside a review (T1, or T2 once T1 is in); scores
    given before are kept in the goal's changes."""
    from otjournal.cli.common import now

    if t1 and t2:
        raise UsageError("give --t1 or --t2, not both")
    j = journal(dir)
    client, fingerprint = j.read_client(handle)
    goal = find(client, goal_key)
    day = day_option(on, "--date")  # T1 may come before the goal is written
    time = "T1" if t1 else "T2" if t2 or _has_t1(goal) else "T1"
    copm = rescored(goal, problem, performance, satisfaction, day, time)
    if copm == goal.copm:
        out().print(f"Goal {goal.id} already has these COPM scores: nothing was changed.")
        return
    changed = goal.changed(now().replace(microsecond=0), author(by, no_input), copm=copm)
    j.save_client(client.with_goal_changed(changed), fingerprint)
    out().print(
        f"COPM {time} for goal {goal.id} of {handle}: performance {performance}, "
        f"satisfaction {satisfaction} on {day}."
    )


def _has_t1(goal: Goal) -> bool:
    c = goal.copm
    return c is not None and (c.performance_t1 is not None or c.satisfaction_t1 is not None)


def rescored(
    goal: Goal,
    problem: str | None,
    performance: int,
    satisfaction: int,
    day: date,
    time: str,
) -> Copm:
    """The goal's COPM with the scores at ``time`` ("T1" or "T2"), on ``day``."""
    from dataclasses import replace

    from otjournal.model import Copm

    named = (problem or "").strip() or (goal.copm.problem if goal.copm else "")
    if not named:
        raise UsageError("this goal has no COPM problem yet: give --problem")
    base = replace(goal.copm, problem=named) if goal.copm else Copm(named)
    if time == "T1":
        if base.t2_on is not None and day > base.t2_on:
            raise UsageError(f"--date: T1 cannot be after T2 ({base.t2_on})")
        return replace(base, performance_t1=performance, satisfaction_t1=satisfaction, t1_on=day)
    if base.t1_on is not None and day < base.t1_on:
        raise UsageError(f"--date: T2 cannot be before T1 ({base.t1_on})")
    return replace(base, performance_t2=performance, satisfaction_t2=satisfaction, t2_on=day)


@goal_app.command("list")
def goal_list(
    handle: ClientArg,
    all_goals: Annotated[bool, typer.Option("--all", help="Include goals not active.")] = False,
    dir: DirOpt = None,
    json: JsonOpt = False,
) -> None:
    """List a client's goals: status, baseline, latest interim and review GAS, COPM."""
    from otjournal.cli.common import print_json, print_wrapped, today
    from otjournal.cli.problems import note_problems
    from otjournal.views.goals import goal_json, goal_states, goals_grid

    j = journal(dir)
    client, _ = j.read_client(handle)
    snap = j.load([handle], homework=False)
    note_problems(snap)  # a note that does not read is left out: said, as list says it
    sessions = [s.record for s in snap.client_sessions(handle)]
    states = goal_states(client, sessions, today(), show_all=all_goals)
    if json:
        print_json("goal-list", {"client": handle, "goals": [goal_json(s) for s in states]})
        return
    if not states:
        others = len(client.goals)
        out().print(
            f"No active goals ({others} not active: otj goal list {handle} --all)"
            if others
            else f"No goals yet: otj goal add {handle}"
        )
        return
    print_wrapped(goals_grid(states))
