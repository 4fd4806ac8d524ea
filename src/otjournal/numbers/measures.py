"""Session measures over a period: the ORS and SRS totals of the sessions that recorded
them (``model/measures.py``). Pure: sessions in, numbers out.

ORS (Outcome Rating Scale): the first and the latest total of the period, the change, and
whether it is a reliable change (5 points or more either way); each of the two totals is
below the clinical cut-off (25) or at or above it. SRS (Session Rating Scale): each
session's total; a total of 36 or less is worth talking about together (the authors'
intent: a prompt for a conversation about the work, not a grade)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING, Any

from otjournal.frozen import frozen

if TYPE_CHECKING:
    from otjournal.model import Session

ORS_CUTOFF = 25  # a total below it is "below the clinical cut-off"
ORS_RELIABLE_CHANGE = 5  # a change of this many points or more, either way
SRS_TALK_AT = 36  # a total of this or less is worth talking about together


@frozen
class Point:
    """One session's scale: its day, id, four items and total."""

    day: date
    session: str
    items: tuple[int, ...]
    total: int

    def to_json(self) -> dict[str, Any]:
        return {
            "date": self.day,
            "session": self.session,
            "items": list(self.items),
            "total": self.total,
        }


def below_cutoff(total: int) -> bool:
    return total < ORS_CUTOFF


def worth_talking_about(total: int) -> bool:
    return total <= SRS_TALK_AT


@frozen
class OrsChange:
    """The ORS from the first to the latest total of a period (two sessions or more)."""

    first: Point
    latest: Point

    @property
    def change(self) -> int:
        return self.latest.total - self.first.total

    @property
    def reliable(self) -> bool:
        return abs(self.change) >= ORS_RELIABLE_CHANGE

    def to_json(self) -> dict[str, Any]:
        return {
            "first": self.first.total,
            "first_date": self.first.day,
            "latest": self.latest.total,
            "latest_date": self.latest.day,
            "change": self.change,
            "reliable_change": self.reliable,
            "first_below_cutoff": below_cutoff(self.first.total),
            "latest_below_cutoff": below_cutoff(self.latest.total),
        }


@frozen
class MeasuresSummary:
    ors: tuple[Point, ...] = ()
    srs: tuple[Point, ...] = ()

    @property
    def recorded(self) -> bool:
        return bool(self.ors or self.srs)

    @property
    def ors_change(self) -> OrsChange | None:
        return OrsChange(self.ors[0], self.ors[-1]) if len(self.ors) > 1 else None

    @property
    def srs_flagged(self) -> tuple[Point, ...]:
        return tuple(p for p in self.srs if worth_talking_about(p.total))

    def to_json(self) -> dict[str, Any]:
        change = self.ors_change
        return {
            "ors": [{**p.to_json(), "below_cutoff": below_cutoff(p.total)} for p in self.ors],
            "ors_change": change.to_json() if change else None,
            "ors_cutoff": ORS_CUTOFF,
            "ors_reliable_change": ORS_RELIABLE_CHANGE,
            "srs": [
                {**p.to_json(), "worth_talking_about": worth_talking_about(p.total)}
                for p in self.srs
            ],
            "srs_worth_talking_about": len(self.srs_flagged),
            "srs_talk_at_or_below": SRS_TALK_AT,
        }


def summarise(sessions: Iterable[Session]) -> MeasuresSummary:
    """The measures of these sessions, in time order."""
    ordered = sorted(sessions, key=lambda s: s.start)
    ors = tuple(Point(s.start.date(), s.id, s.ors.items, s.ors.total) for s in ordered if s.ors)
    srs = tuple(Point(s.start.date(), s.id, s.srs.items, s.srs.total) for s in ordered if s.srs)
    return MeasuresSummary(ors, srs)
