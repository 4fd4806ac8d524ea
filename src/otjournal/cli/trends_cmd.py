"""``otj trends``: what changed, for one client or all of them."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

import typer

from otjournal.cli.common import DirOpt, JsonOpt, OptClientArg, journal, out, print_json, today

SinceOpt = Annotated[
    str | None,
    typer.Option("--since", help="From this day (default: 6 months ago): YYYY-MM-DD, 30d, 8w, 6m."),
]
UntilOpt = Annotated[str | None, typer.Option("--until", help="Up to this day (default today).")]


def register(app: typer.Typer) -> None:
    app.command("trends")(trends_cmd)


def period(since: str | None, until: str | None, default_since: str = "6m") -> tuple[date, date]:
    from otjournal.dates import parse_day
    from otjournal.errors import UsageError

    day = today()
    start = parse_day(since or default_since, day)
    end = parse_day(until, day) if until else day
    if end < start:
        raise UsageError("--until is before --since")
    return start, end


def build(snap: Any, handle: str, start: date, end: date, config: Any) -> Any:
    """One client's trends, homework included: the shared entry point for trends/report."""
    from otjournal.homework_stats import summarise
    from otjournal.noteform import checklist_items
    from otjournal.stats import client_trends

    client = snap.clients[handle].record
    sessions = [s.record for s in snap.client_sessions(handle)]
    entries = [h.record for h in snap.client_homework(handle) if start <= h.record.at.date() <= end]
    in_period = [s for s in sessions if s.start.date() <= end]
    homework = summarise(client, in_period, entries, end, start)
    return client_trends(
        client, sessions, start, end, checklist_items(config.extra_items), homework
    )


def trends_cmd(
    client: OptClientArg = None,
    since: SinceOpt = None,
    until: UntilOpt = None,
    dir: DirOpt = None,
    json: JsonOpt = False,
) -> None:
    """Goals, the affirming checklist, regulation, activities, homework and hours over time.
    Without a client: one line per client."""
    from otjournal.cli.problems import note_problems
    from otjournal.config import load_config_or_defaults
    from otjournal.errors import NotFoundError
    from otjournal.paths import config_file

    start, end = period(since, until)
    j = journal(dir)
    if client and client not in j.client_handles():
        raise NotFoundError(
            f"no client {client!r} in {j.root}", hint="'otj client list' shows the clients"
        )
    snap = j.load([client] if client else None)
    note_problems(snap)
    config = load_config_or_defaults(config_file())
    if client:
        if client not in snap.clients:
            raise NotFoundError(f"client {client!r} could not be read", hint="run 'otj check'")
        t = build(snap, client, start, end, config)
        if json:
            from otjournal.render_trends import trends_json

            print_json(trends_json(t))
            return
        from otjournal.render_homework import compact
        from otjournal.render_trends import client_view

        out().print(client_view(t, compact(t.homework)), soft_wrap=False)
        return
    rows = overview(snap, start, end)
    if json:
        print_json({"since": start, "until": end, "clients": rows})
        return
    if not rows:
        out().print("No clients yet.")
        return
    from otjournal.render_trends import overview_table

    out().print(
        f"{len(rows)} client{'s' if len(rows) != 1 else ''} · {start} to {end}", highlight=False
    )
    out().print(overview_table(rows))


def overview(snap: Any, start: date, end: date) -> list[dict[str, Any]]:
    from otjournal.stats import checklist_rates, direction, goal_trends, lowest_item

    by_client: dict[str, list[Any]] = {}
    for s in snap.sessions:
        by_client.setdefault(s.record.client, []).append(s.record)
    rows = []
    for handle, loaded in snap.clients.items():
        sessions = [s for s in by_client.get(handle, []) if start <= s.start.date() <= end]
        everything = by_client.get(handle, [])
        low = lowest_item(checklist_rates(sessions))
        rows.append(
            {
                "client": handle,
                "sessions": len(sessions),
                "last_seen": everything[-1].start.date() if everything else None,
                "goal_direction": direction(goal_trends(loaded.record, sessions)),
                "lowest_item": {"item": low.item, "rate": low.rate} if low else None,
            }
        )
    return rows
