"""What time it is, for every command: the one seam a test stops the clock at."""

from __future__ import annotations

from datetime import date, datetime


def now() -> datetime:
    """The current local time, aware (its UTC offset set)."""
    return datetime.now().astimezone()


def today() -> date:
    """Today's local date (read through ``now``, so a stopped clock stops it too)."""
    return now().date()
