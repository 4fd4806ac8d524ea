"""What time it is, for every command: the one seam a test stops the clock at."""

from __future__ import annotations

from datetime import date, datetime, tzinfo


def now() -> datetime:
    """The current local time, aware (its UTC offset set)."""
    return datetime.now().astimezone()


def today() -> date:
    """Today's local date (read through ``now``, so a stopped clock stops it too)."""
    return now().date()


def zone() -> tzinfo:
    """This device's UTC offset now, as a zone (for the days of moments near now)."""
    here = now().tzinfo
    assert here is not None  # now() is aware
    return here


def day_here(moment: datetime, here: tzinfo | None = None) -> date:
    """The day an aware ``moment`` falls on at this device's offset (``here``, else now's).
    A note written in a zone ahead carries tomorrow's date while it has already taken
    place here: whether a note is "after today" is asked of this day, never of its own.
    (Which period a note counts in is its own date, the day it took place where it did.)"""
    return moment.astimezone(here or zone()).date()
