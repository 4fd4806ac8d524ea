"""Selecting records: by client, date range, count, and id. Pure functions."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TypeVar

from otjournal.errors import NotFoundError, UsageError
from otjournal.store import Loaded

R = TypeVar("R")


def in_range(day: date, since: date | None, until: date | None) -> bool:
    return (since is None or day >= since) and (until is None or day <= until)


def select_sessions(
    sessions: Sequence[Loaded[R]],
    *,
    client: str | None = None,
    since: date | None = None,
    until: date | None = None,
    last: int | None = None,
) -> list[Loaded[R]]:
    """Sessions in chronological order, filtered; ``last`` keeps the most recent N."""
    chosen = [
        s
        for s in sessions
        if (client is None or s.record.client == client)  # type: ignore[attr-defined]
        and in_range(s.record.start.date(), since, until)  # type: ignore[attr-defined]
    ]
    if last is not None:
        chosen = chosen[-last:] if last > 0 else []
    return chosen


def find_by_id(records: Sequence[Loaded[R]], wanted: str) -> Loaded[R]:
    """A record by its full id, or by a unique prefix or suffix of it."""
    wanted = wanted.strip().removesuffix(".toml")
    if not wanted:
        raise UsageError("give a session id, e.g. 2026-03-05_1430_k3f9q (see 'otj list')")
    exact = [r for r in records if r.record.id == wanted]  # type: ignore[attr-defined]
    if exact:
        return exact[0]
    matches = [
        r
        for r in records
        if r.record.id.startswith(wanted) or r.record.id.endswith(wanted)  # type: ignore[attr-defined]
    ]
    if len(matches) == 1:
        return matches[0]
    if not matches:
        raise NotFoundError(
            f"no session with id {wanted[:40]!r}", hint="'otj list' shows session ids"
        )
    shown = ", ".join(m.record.id for m in matches[:5])  # type: ignore[attr-defined]
    raise UsageError(f"{wanted[:40]!r} matches {len(matches)} sessions ({shown}…): be more exact")


def parse_day(text: str, today: date) -> date:
    """An ISO date, ``today``, ``yesterday``, or a relative ``30d`` / ``8w`` / ``6m`` ago."""
    import re
    from datetime import timedelta

    value = text.strip().lower()
    if value == "today":
        return today
    if value == "yesterday":
        return today - timedelta(days=1)
    m = re.fullmatch(r"(\d{1,4})([dwmy])", value)
    if m:
        n, unit = int(m.group(1)), m.group(2)
        if unit in "dw":
            return today - timedelta(days=n * (7 if unit == "w" else 1))
        months = n * (12 if unit == "y" else 1)  # calendar months: 12m is a year ago
        year, month = divmod(today.year * 12 + today.month - 1 - months, 12)
        return _clamped(year, month + 1, today.day)
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise UsageError(
            f"{text[:30]!r} is not a date: use YYYY-MM-DD, today, yesterday, or 30d / 8w / 6m"
        ) from None


def _clamped(year: int, month: int, day: int) -> date:
    """The day in that month, or its last day (31 March less a month is 28/29 February)."""
    import calendar

    return date(year, month, min(day, calendar.monthrange(year, month)[1]))
