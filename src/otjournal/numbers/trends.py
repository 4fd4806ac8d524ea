"""One client's trends, homework included, over a period: what ``otj trends CLIENT`` and
``otj report`` both show. Pure: records and ``today`` in, numbers out.

A period never reaches past today: a period asked to run into the future is cut at
today (``Span.cut`` says so), and the numbers count only days that have passed."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING

from otjournal.dates import parse_day
from otjournal.errors import UsageError
from otjournal.frozen import frozen

if TYPE_CHECKING:
    from otjournal.model import Client, HomeworkEntry, Session
    from otjournal.numbers.session import ClientTrends


@frozen
class Span:
    """A period: ``start`` to ``end`` (never after today) and the end that was asked for."""

    start: date
    end: date
    asked_end: date

    @property
    def cut(self) -> bool:
        """Whether the period asked for ran past today (and was cut there)."""
        return self.asked_end > self.end

    def note(self) -> str:
        """What to say when the period was cut ("" when it was not)."""
        if not self.cut:
            return ""
        return f"cut at today ({self.end}): the period asked for runs to {self.asked_end}"


def within_today(start: date, end: date, today: date) -> Span:
    """``start`` to ``end`` cut at ``today`` (a plan period running to next year, say)."""
    return Span(start, min(end, today), end)


def span(
    since: str | None,
    until: str | None,
    today: date,
    default_since: str = "6m",
    flags: tuple[str, str] = ("--since", "--until"),
) -> Span:
    """The first and last day asked for (``until`` defaults to ``today``, and is cut at
    today); ``flags`` name the options in the messages."""
    start = parse_day(since or default_since, today, flags[0])
    asked = parse_day(until, today, flags[1]) if until else None
    in_order(start, asked, today, flags)
    return within_today(start, asked or today, today)


def in_order(
    start: date | None,
    end: date | None,
    today: date,
    flags: tuple[str, str] = ("--since", "--until"),
) -> None:
    """A period asked for is refused in the same words by every command that counts
    one: a start after today (nothing in it has happened), or an end before its start.
    The first is said first: with no end given, the end is today, and naming an option
    not typed would mislead."""
    if start is not None and start > today:
        raise UsageError(f"{flags[0]} is after today: a period is counted up to today at most")
    if start is not None and end is not None and end < start:
        raise UsageError(f"{flags[1]} is before {flags[0]}")


def period(
    since: str | None,
    until: str | None,
    today: date,
    default_since: str = "6m",
    flags: tuple[str, str] = ("--since", "--until"),
) -> tuple[date, date]:
    """``span``'s first and last day (the last never after today)."""
    s = span(since, until, today, default_since, flags)
    return s.start, s.end


def build(
    client: Client,
    sessions: Sequence[Session],
    homework: Sequence[HomeworkEntry],
    start: date,
    end: date,
    items: Sequence[tuple[str, str]],
    today: date | None = None,
) -> ClientTrends:
    """One client's trends from all of their sessions and homework entries (the period
    is chosen here, cut at ``today``: a period asked past it keeps ``asked_until``);
    ``items`` are the checklist's items, the practice's own included. Without ``today``
    the period's end is taken as today."""
    # Here, not at the top: 'otj trends' over all clients needs the period, not these.
    from dataclasses import replace

    from otjournal.numbers.amended import as_amended
    from otjournal.numbers.homework import summarise
    from otjournal.numbers.measures import summarise as measures
    from otjournal.numbers.session import client_trends
    from otjournal.numbers.techniques import count as count_techniques

    sessions = [as_amended(s) for s in sessions]  # the notes as they read now
    day = today or end
    last = min(end, day)
    entries = [h for h in homework if start <= h.at.date() <= last]
    in_period = [s for s in sessions if s.start.date() <= last]
    summary = summarise(client, in_period, entries, day, start, until=last, known=sessions)
    t = client_trends(client, sessions, start, last, items, summary)
    t = replace(t, measures=measures(t.sessions))
    t = replace(t, techniques=count_techniques(t.sessions))
    return replace(t, asked_until=end) if end > last else t
