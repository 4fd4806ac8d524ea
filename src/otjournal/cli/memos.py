"""What each whole-journal command remembers per client (disk/memo.py), defined once:
the command runs it, and a first run of any other command makes it too while a
client's files are parsed (``companions``), so that the next command finds it waiting.

Nothing here is imported before a command needs it; each result's own code is imported
only when a client is read.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from typing import TYPE_CHECKING, Any, TypeVar

from otjournal.disk.memo import Memo

if TYPE_CHECKING:
    from otjournal.disk.found import ClientFiles
    from otjournal.disk.loading import Snapshot
    from otjournal.disk.store import Journal
    from otjournal.numbers.due import ClientFacts
    from otjournal.views.goals import ClientRow

T = TypeVar("T")


def _here() -> str:
    """This device's UTC offset: whether a note is after today is asked at it
    (clock.day_here), so a result remembered at another offset is not taken."""
    from otjournal import clock

    return str(clock.zone())


def per_client(
    j: Journal,
    memo: Memo[T],
    each: Callable[[ClientFiles, Mapping[str, str]], None] | None = None,
) -> tuple[list[T], Snapshot]:
    """``Journal.per_client`` for a whole-journal command: a client whose files it must
    parse has the other commands' results made as well (``companions``)."""
    return j.per_client(memo, each=each, also=lambda: companions(j))


def check(j: Journal, day: date, retention: tuple[int, int]) -> Memo[Any]:
    """``otj check``: one client's findings."""
    from otjournal.disk.checks import (
        FINDINGS_VERSION,
        client_checks,
        findings_from_plain,
        findings_to_plain,
    )

    return Memo(
        "check",
        lambda snap: client_checks(j, snap, day, *retention),
        dump=findings_to_plain,
        load=findings_from_plain,
        params=(day, retention, FINDINGS_VERSION, _here()),
    )


def overview(start: date, end: date, today: date) -> Memo[dict[str, Any] | None]:
    """``otj trends`` without a client: one client's line for these days."""
    from otjournal.numbers.session import overview_row_from_plain, overview_row_to_plain

    def row(snap: Snapshot) -> dict[str, Any] | None:
        # Imported here: a client whose line is remembered needs no record class.
        from otjournal.numbers.amended import as_amended
        from otjournal.numbers.session import overview_row

        if not snap.clients:
            return None  # client.toml could not be read: note_problems says so
        [loaded] = snap.clients.values()
        notes = [as_amended(s.record) for s in snap.sessions]  # as they read now
        return overview_row(loaded.record, notes, start, end, today)

    return Memo(
        # 3: cancelled, did-not-attend not counted; 4: as amended; 5: rate; 6: last seen
        # as client list says it, and never after today
        "trends-overview-6",
        row,
        dump=overview_row_to_plain,
        load=overview_row_from_plain,
        params=(start, end, today, _here()),
        homework=False,
    )


def client_list(day: date) -> Memo[ClientRow | None]:
    """``otj client list``: one client's row."""

    def row(snap: Snapshot) -> ClientRow | None:  # None: no client.toml
        from otjournal.views.goals import client_row

        client = next(iter(snap.clients.values()), None)
        if client is None:
            return None
        return client_row(client.record, [s.record for s in snap.sessions], day)

    def plain(row: ClientRow | None) -> object:
        return None if row is None else row.to_plain()

    def from_plain(plain: object) -> ClientRow | None:
        from otjournal.views.goals import ClientRow

        return None if plain is None else ClientRow.from_plain(plain)

    # 2: an intake and a discharge in one minute are read in that order (episodes.py);
    # 3: sessions that took place are counted, and the last of them shown; 4: with the
    # client (time without them, non-client, is not "seen")
    # 5: a note dated after ``day`` is not a session seen
    # 6: a discharge written before an intake of its start closes the episode before it
    return Memo("client-list-6", row, plain, from_plain, params=(day, _here()), homework=False)


def due_facts() -> Memo[ClientFacts | None]:
    """``otj due``: what one client's records say is due (the report logs, drafts and
    conflicts are looked at every time, outside the memo)."""

    def facts(snap: Snapshot) -> ClientFacts | None:
        from otjournal.numbers import due

        if not snap.clients:
            return None  # client.toml could not be read: note_problems says so
        [loaded] = snap.clients.values()
        return due.client_facts(loaded.record, [s.record for s in snap.sessions])

    def plain(facts: ClientFacts | None) -> object:
        return None if facts is None else facts.to_plain()

    def from_plain(plain: object) -> ClientFacts | None:
        from otjournal.numbers.due import ClientFacts

        return None if plain is None else ClientFacts.from_plain(plain)

    # 2: as client-list; 3: the last note's moment (after today here?)
    return Memo("due-facts-3", facts, plain, from_plain, homework=False)


def companions(j: Journal) -> list[Memo[Any]]:
    """Every command's result as that command run today with no options would ask for
    it (a trends run for other days asks for other lines: those are not made)."""
    from otjournal.cli.common import read_config, today
    from otjournal.numbers.trends import span

    day = today()
    settings = read_config(strict=False)
    days = span(None, None, day)
    return [
        check(j, day, (settings.retention_adult_years, settings.retention_child_age)),
        overview(days.start, days.end, day),
        client_list(day),
        due_facts(),
    ]
