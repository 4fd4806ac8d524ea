"""One client's trends, homework included, over a period: what ``otj trends CLIENT`` and
``otj report`` both show. Pure: records and ``today`` in, numbers out."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING

from otjournal.dates import parse_day
from otjournal.errors import UsageError

if TYPE_CHECKING:
    from otjournal.model import Client, HomeworkEntry, Session
    from otjournal.numbers.session import ClientTrends


def period(
    since: str | None,
    until: str | None,
    today: date,
    default_since: str = "6m",
    flags: tuple[str, str] = ("--since", "--until"),
) -> tuple[date, date]:
    """The first and last day asked for (``until`` defaults to ``today``); ``flags`` name
    the options in the messages."""
    start = parse_day(since or default_since, today, flags[0])
    end = parse_day(until, today, flags[1]) if until else today
    if end < start:
        raise UsageError(f"{flags[1]} is before {flags[0]}")
    return start, end


def build(
    client: Client,
    sessions: Sequence[Session],
    homework: Sequence[HomeworkEntry],
    start: date,
    end: date,
    items: Sequence[tuple[str, str]],
) -> ClientTrends:
    """One client's trends from all of their sessions and homework entries (the period
    is chosen here); ``items`` are the checklist's items, the practice's own included."""
    # Here, not at the top: 'otj trends' over all clients needs the period, not these.
    from otjournal.numbers.homework import summarise
    from otjournal.numbers.session import client_trends

    entries = [h for h in homework if start <= h.at.date() <= end]
    in_period = [s for s in sessions if s.start.date() <= end]
    summary = summarise(client, in_period, entries, end, start)
    return client_trends(client, sessions, start, end, items, summary)
