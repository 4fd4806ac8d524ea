"""``otj trends``: what changed, for one client or all of them."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Annotated

import typer

from otjournal.cli.common import (
    DirOpt,
    JsonOpt,
    OptClientArg,
    echo,
    journal,
    out,
    print_json,
    print_table,
    print_wrapped,
    read_config,
    today,
)

if TYPE_CHECKING:
    from otjournal.config import Config
    from otjournal.disk.loading import Snapshot
    from otjournal.disk.store import Journal
    from otjournal.numbers.exposure import StepPractices
    from otjournal.numbers.session import ClientTrends

SinceOpt = Annotated[
    str | None,
    typer.Option("--since", help="From this day (default: 6 months ago): YYYY-MM-DD, 30d, 8w, 6m."),
]
UntilOpt = Annotated[str | None, typer.Option("--until", help="Up to this day (default today).")]


def register(app: typer.Typer) -> None:
    app.command("trends")(trends_cmd)


def client_trends(
    snap: Snapshot, handle: str, start: date, end: date, config: Config
) -> ClientTrends:
    """One client's trends from a snapshot holding them (trends and report alike), the
    period cut at today (``ClientTrends.asked_until`` keeps an end asked past it)."""
    from otjournal.disk.layout import CLIENT_AGE, CLIENT_FILE
    from otjournal.errors import InvalidFile, NotFoundError
    from otjournal.forms.session import checklist_items
    from otjournal.numbers import trends

    loaded = snap.clients.get(handle)
    if loaded is None:  # its client.toml did not read: why, by file and line
        own = [p for p in snap.problems if p.severity == "error" and p.path.parent.name == handle
               and p.path.name in (CLIENT_FILE, CLIENT_AGE)]  # fmt: skip
        if own:
            raise InvalidFile(own)
        raise NotFoundError(f"client {handle!r} could not be read", hint="run 'otj check'")
    return trends.build(
        loaded.record,
        [s.record for s in snap.client_sessions(handle)],
        [h.record for h in snap.client_homework(handle)],
        start,
        end,
        checklist_items(config.extra_items),
        today=today(),
    )


def exposure_steps(
    snap: Snapshot, handle: str, start: date, end: date
) -> tuple[StepPractices, ...]:
    """The graded-exposure steps practised in the period (numbers/exposure.py)."""
    from otjournal.numbers.exposure import by_step

    homework = [h.record for h in snap.client_homework(handle)]
    return by_step(snap.clients[handle].record, homework, start, end)


def trends_cmd(
    client: OptClientArg = None,
    since: SinceOpt = None,
    until: UntilOpt = None,
    dir: DirOpt = None,
    json: JsonOpt = False,
) -> None:
    """Goals (each against its recorded baseline; reviews' T-scores on the same goals;
    session ratings as the interim path), the affirming checklist, regulation, activities,
    homework and hours over time. Without a client: one line per client."""
    from otjournal.cli.problems import note_problems, say_not_complete
    from otjournal.disk.store import validate_handle
    from otjournal.errors import NotFoundError
    from otjournal.numbers.trends import span

    day = today()
    asked = span(since, until, day)
    start, end = asked.start, asked.end
    j = journal(dir)
    if not client:
        _overview(j, start, end, day, json, asked.note())
        return
    if validate_handle(client) not in j.client_handles():
        raise NotFoundError(
            f"no client {client!r} in {j.root}", hint="'otj client list' shows the clients"
        )
    snap = j.load([client])
    note_problems(snap)
    config = read_config(strict=False)
    t = client_trends(snap, client, start, asked.asked_end, config)  # cut at today there
    steps = exposure_steps(snap, client, t.since, t.until)
    if json:
        from otjournal.numbers.exposure import exposure_json
        from otjournal.views.trends import trends_json

        print_json("trends", {**trends_json(t), **exposure_json(steps)})
        return
    from otjournal.views.exposure import steps_view
    from otjournal.views.homework import compact
    from otjournal.views.trends import client_view

    # build() always sums the homework up; only a ClientTrends made elsewhere lacks it.
    you = config.is_self(client)
    say_not_complete(snap, client)
    print_wrapped(client_view(t, compact(t.homework) if t.homework else None, self_mode=you))
    print_wrapped(steps_view(steps))


def _overview(j: Journal, start: date, end: date, day: date, json: bool, cut: str = "") -> None:
    """One line per client, read one client at a time; a client whose files are unchanged
    since the last run is not read again (the line is remembered in the cache)."""
    from otjournal.cli import memos
    from otjournal.cli.problems import note_problems

    found, report = memos.per_client(j, memos.overview(start, end, day))
    note_problems(report)
    rows = [r for r in found if r is not None]
    if json:
        print_json("trends-overview", {"since": start, "until": end, "clients": rows})
        return
    if not rows:
        out().print("No clients yet.")
        return
    from otjournal.views.rows import OVERVIEW_COLUMNS, overview_cells

    echo(
        f"{len(rows)} client{'s' if len(rows) != 1 else ''} · {start} to {end}"
        + (f" ({cut})" if cut else "")
    )
    print_table(OVERVIEW_COLUMNS, overview_cells(rows), whole="'otj client list'")
