"""Selecting records: by client, date range, count, and id. Pure functions."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import TypeVar

from otjournal.errors import NotFoundError, UsageError
from otjournal.loading import Loaded

R = TypeVar("R")
T = TypeVar("T")


def in_range(day: date, since: date | None, until: date | None) -> bool:
    return (since is None or day >= since) and (until is None or day <= until)


def select(
    items: Sequence[T],
    day_of: Callable[[T], date],
    *,
    since: date | None = None,
    until: date | None = None,
    last: int | None = None,
) -> list[T]:
    """Items (already in time order) within the dates; ``last`` keeps the most recent N."""
    if since is None and until is None:
        chosen = list(items)
    else:
        chosen = [item for item in items if in_range(day_of(item), since, until)]
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
