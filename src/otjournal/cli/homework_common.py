"""What the homework commands share: the client meant, its records, the kinds' help."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from otjournal.errors import UsageError, ValidationError
from otjournal.model.kinds import kinds_words

if TYPE_CHECKING:
    from datetime import datetime

    from otjournal.config import Config
    from otjournal.disk.loading import Snapshot
    from otjournal.disk.store import Journal
    from otjournal.model import Client, HomeworkEntry, Session


def pick_client(handle: str | None, config: Config) -> str:
    chosen = handle or config.default_client
    if not chosen:
        raise UsageError(
            "name the client (or run 'otj init --self' / set default_client in the config)"
        )
    return chosen


def client_records(j: Journal, handle: str) -> tuple[Client, list[Session], list[HomeworkEntry]]:
    client, snap = client_snapshot(j, handle)
    return (client, *records_of(snap, handle))


def records_of(snap: Snapshot, handle: str) -> tuple[list[Session], list[HomeworkEntry]]:
    """One client's sessions and homework entries, as records."""
    return (
        [s.record for s in snap.client_sessions(handle)],
        [h.record for h in snap.client_homework(handle)],
    )


def client_snapshot(j: Journal, handle: str) -> tuple[Client, Snapshot]:
    """One client's profile and records; what could not be read is said on stderr."""
    client, _ = j.read_client(handle)
    snap = j.load([handle])
    from otjournal.cli.problems import note_problems

    note_problems(snap)
    return client, snap


Repeat = list[str] | None
KIND_HELP = kinds_words() + "."


def later_than_now(field: str, at: Any, now: datetime) -> ValidationError | None:
    """An entry dated later than now, refused (forms.homework.at_problem)."""
    from otjournal.forms.homework import at_problem

    problem = at_problem(at, now)
    return ValidationError(field, problem) if problem else None
