"""Episodes of care, read from a client's notes: an intake opens one, a discharge closes
it, another intake opens the next. Nothing about an episode is stored twice: the two
session files are the record, and a client is discharged when their last episode is
closed. Pure: sessions in, episodes out."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING

from otjournal.frozen import frozen

if TYPE_CHECKING:
    from otjournal.model import Client, Goal, Session


@frozen
class Episode:
    intake: Session | None  # None: notes written before any intake was recorded
    discharge: Session | None  # None: the episode is open

    @property
    def start(self) -> date | None:
        return self.intake.start.date() if self.intake is not None else None

    @property
    def end(self) -> date | None:
        return self.discharge.start.date() if self.discharge is not None else None

    @property
    def is_open(self) -> bool:
        return self.discharge is None

    def holds(self, day: date) -> bool:
        """Whether ``day`` falls in this episode (from its intake to its discharge)."""
        return (self.start is None or self.start <= day) and (self.end is None or day <= self.end)


def _in_order(sessions: Iterable[Session]) -> list[Session]:
    """In one minute an intake comes before the notes it opens, a discharge after them
    (not in the order the files happen to be listed); but a discharge written before an
    intake of the same start closed the episode before it (closed and opened again in
    one appointment), so it comes first."""
    notes = list(sessions)
    closing_first = {
        d.start
        for d in notes
        if d.discharge is not None
        and any(
            i.intake is not None and i.start == d.start and d.written_at < i.written_at
            for i in notes
        )
    }

    def rank(s: Session) -> int:
        if s.discharge is not None:
            return -1 if s.start in closing_first else 2
        return 0 if s.intake is not None else 1

    return sorted(notes, key=lambda s: (s.start, rank(s)))


def episodes(sessions: Iterable[Session]) -> list[Episode]:
    """The client's episodes, oldest first. An intake while an episode is open starts a
    new one (the earlier stays open-ended: nothing closed it); a discharge with no intake
    before it closes the notes before it."""
    out: list[Episode] = []
    current: Episode | None = None
    for s in _in_order(sessions):
        if s.intake is not None:
            if current is not None:
                out.append(current)
            current = Episode(s, None)
        elif s.discharge is not None:
            out.append(Episode(current.intake if current else None, s))
            current = None
    if current is not None:
        out.append(current)
    return out


def discharged(sessions: Iterable[Session]) -> Session | None:
    """The discharge that closed the client's last episode, or None (still in care)."""
    eps = episodes(sessions)
    return eps[-1].discharge if eps and eps[-1].discharge is not None else None


def episode_goals(client: Client, episode: Episode) -> list[Goal]:
    """The goals of an episode: those set at its intake, and those set during it."""
    named = set(episode.intake.intake.goals) if episode.intake and episode.intake.intake else set()
    return [
        g
        for g in client.goals
        if g.id in named or (g.set_on is not None and episode.holds(g.set_on))
    ]
