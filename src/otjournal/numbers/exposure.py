"""Graded exposure over time: each step's practices with their SUDS, in time order.

Habituation is read from the peak: the first practice's peak SUDS and the latest's. The
numbers are the person's own (a peak lower than "before" is kept as given) and are not
judged here: the views say what went from what to what. Pure: records in, numbers out.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from otjournal.frozen import frozen
from otjournal.model.hierarchy import by_suds
from otjournal.numbers.kind_summary import Given, KindSummary

if TYPE_CHECKING:
    from otjournal.model import Client, HomeworkEntry
    from otjournal.model.hierarchy import Step
    from otjournal.model.spec import RecordKind


@frozen
class Practice:
    """One exposure entry's numbers."""

    at: datetime
    before: int | None = None
    peak: int | None = None
    after: int | None = None
    minutes: int | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "at": self.at.isoformat(),
            "suds_before": self.before,
            "suds_peak": self.peak,
            "suds_after": self.after,
            "minutes": self.minutes,
        }


@frozen
class StepPractices:
    """One step and its practices, oldest first. ``step`` is None for a step named in
    words (a client without a hierarchy), or one no longer in client.toml."""

    key: str  # the entry's ``step``: the step's id, or its words
    step: Step | None
    practices: tuple[Practice, ...]

    @property
    def text(self) -> str:
        return self.step.step if self.step is not None else self.key

    @property
    def name(self) -> str:
        """How the step is named in a line: ``s2``, or nothing for one named in words."""
        return self.step.number if self.step is not None else ""

    @property
    def peaks(self) -> tuple[int, ...]:
        return tuple(p.peak for p in self.practices if p.peak is not None)

    @property
    def peak_change(self) -> tuple[int, int] | None:
        """The first and the latest peak SUDS, when two or more practices have one."""
        peaks = self.peaks
        return (peaks[0], peaks[-1]) if len(peaks) > 1 else None

    @property
    def latest(self) -> Practice | None:
        return self.practices[-1] if self.practices else None

    def to_json(self) -> dict[str, Any]:
        change = self.peak_change
        return {
            "step": self.key,
            "text": self.text,
            "expected_suds": self.step.suds if self.step is not None else None,
            "status": self.step.status if self.step is not None else None,
            "practices": [p.to_json() for p in self.practices],
            "peak_first": change[0] if change else None,
            "peak_latest": change[1] if change else None,
        }


def practice(entry: HomeworkEntry) -> Practice:
    a = entry.part
    return Practice(
        entry.at,
        a.get("suds_before"),
        a.get("suds_peak"),
        a.get("suds_after"),
        a.get("minutes"),
    )


def by_step(
    client: Client,
    entries: Iterable[HomeworkEntry],
    start: date | None = None,
    end: date | None = None,
    *,
    every_step: bool = False,
) -> tuple[StepPractices, ...]:
    """Each step practised between ``start`` and ``end`` (days, inclusive), in the
    hierarchy's order (least expected distress first), then steps named in words, by
    their first practice. ``every_step``: the hierarchy's steps not practised too.
    Entries at the same minute keep the order they were written in."""
    found: dict[str, list[HomeworkEntry]] = {}
    for e in sorted(entries, key=lambda e: (e.at, e.written_at, e.id)):
        day = e.at.date()
        if e.entry_kind != "exposure" or e.part is None:
            continue
        if (start is not None and day < start) or (end is not None and day > end):
            continue
        key = e.part.get("step", "")
        if key:
            found.setdefault(key, []).append(e)
    out: list[StepPractices] = []
    for s in by_suds(client.hierarchy):
        if s.id in found or every_step:
            out.append(StepPractices(s.id, s, tuple(practice(e) for e in found.pop(s.id, []))))
    for key, practised in found.items():  # insertion order: by first practice
        out.append(StepPractices(key, None, tuple(practice(e) for e in practised)))
    return tuple(out)


def practices_words(n: int) -> str:
    return f"{n} practice{'s' if n != 1 else ''}"


def went(s: StepPractices) -> str:
    """``peak SUDS went from 70 to 40 over 3 practices`` (or what there is to say)."""
    change = s.peak_change
    n = len(s.practices)
    if change is None:
        return ""
    first, latest = change
    if first == latest:
        return f"peak SUDS {first} at the first and the latest of {practices_words(n)}"
    return f"peak SUDS went from {first} to {latest} over {practices_words(n)}"


def summary(kind: RecordKind, entries: Sequence[HomeworkEntry], given: Given) -> KindSummary:
    """The kinds' line (homework summary, trends, report): ``3 exposure practices on 2
    steps; peak SUDS on s2 from 70 to 40``. Each step's own line is views.exposure's."""
    steps = by_step(given.client, entries)
    practised = len(entries)
    words = f"{practised} exposure practice{'s' if practised != 1 else ''}"
    if steps:
        words += f" on {len(steps)} step{'s' if len(steps) != 1 else ''}"
    moved = [
        f"{s.name or '“' + s.text + '”'} from {c[0]} to {c[1]}"
        for s in steps
        if (c := s.peak_change) is not None
    ]
    if moved:
        words += "; peak SUDS on " + ", ".join(moved)
    return KindSummary(
        kind.name,
        kind.title,
        len(entries),
        words,
        {"steps": len(steps), "practices": practised},
    )


def exposure_json(steps: tuple[StepPractices, ...]) -> dict[str, Any]:
    """The ``exposure`` key of a summary's or the trends' JSON (none practised: [])."""
    return {"exposure": [s.to_json() for s in steps]}
