"""Days as people type them: ISO dates, today, yesterday, or 30d / 8w / 6m / 1y ago. Pure."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

from otjournal.errors import UsageError


class OutOfRange(UsageError):
    """A day that parses but lies outside the years every date must be in."""


_RELATIVE = re.compile(r"(\d{1,4})([dwmy])")


def parse_day(text: str, today: date, flag: str = "") -> date:
    """An ISO date, ``today``, ``yesterday``, or a relative ``30d`` / ``8w`` / ``6m`` ago.

    ``flag`` names the option in messages. What was typed is never echoed: a note pasted
    into the wrong option must not come back in an error."""
    # Here, not at the top: a command that parses no day (a warm check) loads neither.
    from otjournal.model.fields import YEARS_ALLOWED as YEARS
    from otjournal.model.fields import year_problem

    where = f"{flag}: " if flag else ""
    try:
        day = _day(text.strip().lower(), today)
    except (ValueError, OverflowError):  # a relative day before year 1
        raise OutOfRange(f"{where}that day is out of range: dates must be {YEARS}") from None
    if day is None:
        raise UsageError(
            f"{where}that is not a date: use YYYY-MM-DD, today, yesterday, or 30d / 8w / 6m"
        )
    problem = year_problem(day)
    if problem:
        raise OutOfRange(where + problem)
    return day


def _day(value: str, today: date) -> date | None:
    if value == "today":
        return today
    if value == "yesterday":
        return today - timedelta(days=1)
    m = _RELATIVE.fullmatch(value)
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
        return None


def _clamped(year: int, month: int, day: int) -> date:
    """The day in that month, or its last day (31 March less a month is 28/29 February)."""
    import calendar

    return date(year, month, min(day, calendar.monthrange(year, month)[1]))


def in_range(day: date, since: date | None, until: date | None) -> bool:
    """Whether ``day`` is within the dates (either end open when None)."""
    return (since is None or day >= since) and (until is None or day <= until)


def add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def retention_ends(
    last_session: date, date_of_birth: date | None, adult_years: int, child_until_age: int
) -> date:
    """The day a client's minimum retention period ends (`otj check` and `otj due` both
    ask here). Adults: ``adult_years`` after the last session. A child at the last
    session: until they turn ``child_until_age``, or the adult period if that is later."""
    until = add_years(last_session, adult_years)
    if date_of_birth and add_years(date_of_birth, 18) > last_session:
        until = max(until, add_years(date_of_birth, child_until_age))
    return until


def utc_offset(at: datetime) -> str:
    """ "UTC+10:00": a time's own offset, where a note's times must be told apart ("" for
    a time without one)."""
    z = at.strftime("%z")
    return f"UTC{z[:3]}:{z[3:5]}" if z else ""
