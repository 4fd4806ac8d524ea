"""Selecting records: by client, date range, count, and id. Pure functions."""

from __future__ import annotations

import heapq
from collections.abc import Callable, Sequence
from datetime import date
from typing import Any, NamedTuple, Protocol, TypeVar

from otjournal.dates import in_range
from otjournal.disk.keys import bare
from otjournal.disk.loading import Loaded
from otjournal.errors import NotFoundError, UsageError
from otjournal.model.ids import shown


class Owned(Protocol):
    """A record found by id: a session or a homework entry."""

    @property
    def client(self) -> str: ...
    @property
    def id(self) -> str: ...


R = TypeVar("R", bound=Owned)
T = TypeVar("T")


def select(
    items: Sequence[T],
    day_of: Callable[[T], date],
    key: Callable[[T], Any],
    *,
    since: date | None = None,
    until: date | None = None,
    last: int | None = None,
) -> list[T]:
    """Items within the dates in ``key`` order; ``last`` keeps the latest N, found with
    a heap of N rather than by sorting every item."""
    if since is not None or until is not None:
        items = [item for item in items if in_range(day_of(item), since, until)]
    if last is None:
        return sorted(items, key=key)
    # Reversed, so that of items with equal keys the later ones are kept, as the tail of
    # the sorted list would keep them.
    return heapq.nlargest(last, reversed(items), key=key)[::-1]


def find_by_id(records: Sequence[Loaded[R]], wanted: str) -> Loaded[R]:
    """A record by its full id, or by a unique prefix or suffix of it; ``CLIENT/ID`` or
    the file's path for one of two clients' notes that share an id."""
    return pick_by_id(records, wanted, _named)


def _named(loaded: Loaded[R]) -> Named:
    return Named(loaded.record.client, loaded.record.id, str(loaded.path))


class Named(NamedTuple):
    """What an id is matched against: a record's client and id, and its file."""

    client: str
    id: str
    path: str


def pick_by_id(items: Sequence[T], wanted: str, name: Callable[[T], Named]) -> T:
    """``find_by_id`` on anything ``name`` tells the client, id and file of (records, or
    the facts of their files), with the same answer and the same messages."""
    wanted = bare(wanted.strip())
    if not wanted:
        raise UsageError("give a session id, e.g. 2026-03-05_1430_k3f9q (see 'otj list')")
    named = [(item, name(item)) for item in items]
    if "/" in wanted:
        exact = [
            (item, n)
            for item, n in named
            if f"{n.client}/{n.id}" == wanted or bare(n.path).endswith(wanted)
        ]
    else:
        exact = [(item, n) for item, n in named if n.id == wanted]
    if len(exact) > 1:  # two clients' notes written in the same minute, same suffix
        owners = ", ".join(n.client for _, n in exact)
        raise UsageError(
            f"{shown(wanted)} is the id of {len(exact)} sessions (clients {owners})",
            hint=f"name the client too, e.g. {exact[0][1].client}/{wanted}",
        )
    if exact:
        return exact[0][0]
    matches = [(item, n) for item, n in named if n.id.startswith(wanted) or n.id.endswith(wanted)]
    if len(matches) == 1:
        return matches[0][0]
    if not matches:
        raise NotFoundError(
            f"no session with id {shown(wanted)}", hint="'otj list' shows session ids"
        )
    # Two clients' notes may share an id: then each is named with its client, the way
    # one of them can be asked for.
    shared = len({n.id for _, n in matches}) < len(matches)
    listed = ", ".join(f"{n.client}/{n.id}" if shared else n.id for _, n in matches[:5])
    more = "…" if len(matches) > 5 else ""
    raise UsageError(
        f"{shown(wanted)} matches {len(matches)} sessions ({listed}{more}): be more exact",
        hint="give more of the id"
        + (", or its client and the whole id: CLIENT/ID" if shared else ""),
    )
