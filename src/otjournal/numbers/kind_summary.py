"""One summary per homework kind: what the entries say, in words and numbers.

``homework summary``, ``trends`` and the report show these sentences; the JSON carries
the same numbers. Each kind has a function in ``numbers.homework.SUMMARISERS``; a kind
without one gets ``generic`` (its count and the means its spec declares), so no kind is
ever left out.

Pure and neutral: practice that did not happen is "not this time"; no number is called
good or bad, and a change is stated with its scale's direction so it cannot be misread.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import field
from datetime import date
from statistics import mean
from typing import Any

from otjournal.frozen import frozen
from otjournal.model import Assignment, Client, HomeworkEntry
from otjournal.model.parts import Relaxation
from otjournal.model.spec import RecordKind

MAX_LISTED = 12  # values listed one by one; beyond this, the most recent


@frozen
class Given:
    """What a kind's summary may need besides its entries."""

    client: Client
    assigned: Mapping[str, Assignment]  # every assignment ever set, by id


@frozen
class KindSummary:
    """One kind's entries in one sentence, and the numbers behind it (for the JSON)."""

    kind: str
    title: str
    count: int
    words: str
    numbers: dict[str, Any] = field(default_factory=dict)
    series: tuple[int, ...] = ()  # values in time order, for a sparkline
    scale: tuple[int, int] = (0, 10)  # the series' range

    def to_json(self) -> dict[str, Any]:
        out = {"kind": self.kind, "title": self.title, "count": self.count, "words": self.words}
        return {**out, **self.numbers}


# -- helpers --------------------------------------------------------------------------------


def signed(x: float) -> str:
    """``−5.0``, ``+1.0``, ``0.0``: a true minus sign, so a fall is never a hyphen."""
    if round(x, 1) == 0:
        return "0.0"
    return f"{x:+.1f}".replace("-", "−")


def on_average(before: float | None, after: float | None, unit: str = "") -> str:
    """``62.5 % → 37.5 % on average``: to one decimal, as the change beside it."""
    return f"{before or 0.0:.1f}{unit} → {after or 0.0:.1f}{unit} on average"


def shown_change(c: Change) -> float:
    """The mean change as the two means shown give it, so the printed numbers add up
    (62.5 → 37.5 is −25.0, not 62 → 38 beside −25.0)."""
    if c.before is None or c.after is None:
        return c.change or 0.0
    return round(c.after, 1) - round(c.before, 1)


def counted(n: int, one: str, many: str = "") -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


def span(values: Sequence[float]) -> str:
    """``6.0 on average (5–7)``: the mean, and the range when there is one."""
    said = f"{mean(values):.1f} on average"
    lo, hi = min(values), max(values)
    return said + (f" ({lo:g}–{hi:g})" if lo != hi else "")


def listed(values: Sequence[Any]) -> str:
    """Every value when few; the most recent MAX_LISTED otherwise, saying so."""
    if len(values) <= MAX_LISTED:
        return ", ".join(str(v) for v in values)
    shown = ", ".join(str(v) for v in values[-MAX_LISTED:])
    return f"… {shown} (the last {MAX_LISTED} of {len(values)})"


def ordered(entries: Sequence[HomeworkEntry]) -> list[HomeworkEntry]:
    return sorted(entries, key=lambda e: e.order)


# -- before → after --------------------------------------------------------------------------


@frozen
class Change:
    """Mean before → after over the entries that recorded both."""

    count: int
    before: float | None
    after: float | None
    change: float | None


def _change(pairs: list[tuple[float, float]]) -> Change:
    if not pairs:
        return Change(0, None, None, None)
    before = mean(p[0] for p in pairs)
    after = mean(p[1] for p in pairs)
    return Change(len(pairs), round(before, 2), round(after, 2), round(after - before, 2))


_RELAXED = re.compile(r"relax|calm|at ease|peace|loose|settled")
_TENSE = re.compile(r"tens|stress|tight|wound|anxious|worked up|agitat|panic")
_NEGATED = re.compile(r"\bnot\b|n't|\bun|\bno\b|\bleast\b")


def _side(anchor: str) -> str:
    """'relaxed', 'tense' or '' for one anchor's words ("not relaxed" reads as tense)."""
    text = anchor.casefold()
    relaxed, tense = bool(_RELAXED.search(text)), bool(_TENSE.search(text))
    if relaxed and not tense:
        return "tense" if _NEGATED.search(text) else "relaxed"
    if tense and not relaxed:
        return "relaxed" if _NEGATED.search(text) else "tense"
    return ""


def tension_direction(r: Relaxation) -> str:
    """How the entry's own anchors run: 'up' (higher = more tense, the default sheet),
    'down' (higher = more relaxed), or '' when the anchors do not say."""
    low, high = _side(r.anchor_low), _side(r.anchor_high)
    up = low == "relaxed" or high == "tense"
    down = low == "tense" or high == "relaxed"
    return "up" if up and not down else "down" if down and not up else ""


def tension_pair(r: Relaxation) -> tuple[int, int] | None:
    """(before, after) as tension with 0 = relaxed, or None (a rating missing, or
    anchors whose direction cannot be read)."""
    if r.tension_before is None or r.tension_after is None:
        return None
    way = tension_direction(r)
    if way == "up":
        return r.tension_before, r.tension_after
    if way == "down":
        return 10 - r.tension_before, 10 - r.tension_after
    return None


def relaxation_change(entries: Sequence[HomeworkEntry]) -> Change:
    """Tension before → after (0-10, 0 = relaxed) across relaxation practice, each entry
    read by its own anchors, so sheets running opposite ways are combined truthfully."""
    pairs = [
        p
        for e in entries
        if e.relaxation is not None
        for p in [tension_pair(e.relaxation)]
        if p is not None
    ]
    return _change([(float(a), float(b)) for a, b in pairs])


def thought_record_change(entries: Sequence[HomeworkEntry]) -> Change:
    """Emotion intensity before → after re-rating (0-100 %), each emotion counted once."""
    return _change(
        [
            (em.before, em.after)
            for e in entries
            if e.thought_record is not None
            for em in e.thought_record.emotions
            if em.after is not None
        ]
    )


@frozen
class MoodTrend:
    points: tuple[tuple[date, int], ...]
    earlier: float | None  # mean of the earlier half
    recent: float | None  # mean of the recent half
    direction: str  # "higher", "lower", "steady" or "" (too few points)


def mood_trend(entries: Sequence[HomeworkEntry]) -> MoodTrend:
    """Mood checks (0-10) in time order; earlier half against recent half."""
    moods = sorted((e for e in entries if e.mood is not None), key=lambda e: e.order)
    points = tuple((e.at.date(), e.mood.mood) for e in moods if e.mood is not None)
    if len(points) < 2:
        return MoodTrend(points, None, None, "")
    half = len(points) // 2
    earlier = mean(p[1] for p in points[:half])
    recent = mean(p[1] for p in points[half:])
    diff = recent - earlier
    direction = "steady" if abs(diff) < 0.5 else ("higher" if diff > 0 else "lower")
    return MoodTrend(points, round(earlier, 2), round(recent, 2), direction)


# -- each kind -------------------------------------------------------------------------------


def practised_what(e: HomeworkEntry, given: Given) -> str:
    """What was practised: the entry's own words, else its homework's, else unnamed."""
    p = e.practice
    if p is not None and p.what:
        return p.what
    a = given.assigned.get(e.assignment)
    return a.text if a is not None else "not named"


def practice(kind: RecordKind, entries: Sequence[HomeworkEntry], given: Given) -> KindSummary:
    """'3 practice entries: Lacing card ×2, a walk ×1; 1 × not this time; mastery 6.0 on
    average (5–7); pleasure 7.0 on average'."""
    done = [e for e in ordered(entries) if e.practice and e.practice.done != "not-this-time"]
    whats = Counter(practised_what(e, given) for e in done)
    said = counted(len(entries), "practice entry", "practice entries")
    if whats:
        said += ": " + ", ".join(f"{w} ×{n}" for w, n in whats.items())
    partly = sum(1 for e in done if e.practice and e.practice.done == "partly")
    if partly:
        said += f"; {partly} of these partly"  # after the list: not read as the last one's
    not_this_time = len(entries) - len(done)
    if not_this_time:
        said += f"; {not_this_time} × not this time"
    numbers: dict[str, Any] = {"practised": dict(whats), "not_this_time": not_this_time}
    for key in ("mastery", "pleasure"):
        values = [
            v for e in done if e.practice for v in [getattr(e.practice, key)] if v is not None
        ]
        numbers[key] = (
            {"mean": round(mean(values), 2), "low": min(values), "high": max(values)}
            if values
            else None
        )
        if values:
            said += f"; {key} {span(values)}"
    return KindSummary(kind.name, kind.title, len(entries), said, numbers)


def mood_check(kind: RecordKind, entries: Sequence[HomeworkEntry], given: Given) -> KindSummary:
    """'3 mood checks: mood 3, 5, 6 (0–10); earlier 3.0, recent 5.5 (higher)'."""
    trend = mood_trend(entries)
    values = [v for _, v in trend.points]
    said = counted(len(entries), "mood check") + f": mood {listed(values)} (0–10)"
    if trend.direction:
        said += f"; earlier {trend.earlier:.1f}, recent {trend.recent:.1f} ({trend.direction})"
    numbers = {
        "values": values,
        "earlier": trend.earlier,
        "recent": trend.recent,
        "direction": trend.direction,
    }
    return KindSummary(kind.name, kind.title, len(entries), said, numbers, tuple(values))


def relaxation(kind: RecordKind, entries: Sequence[HomeworkEntry], given: Given) -> KindSummary:
    """'2 relaxation entries; tension, 0 = relaxed: 8 → 4 and 8 → 2 (mean −5.0)', each
    entry turned to the one direction by its own anchors, the turned ones said."""
    parts = [e.relaxation for e in ordered(entries) if e.relaxation is not None]
    pairs = [p for r in parts for p in [tension_pair(r)] if p is not None]
    said = counted(len(entries), "relaxation entry", "relaxation entries")
    c = relaxation_change(entries)
    if pairs:
        shown = [f"{a} → {b}" for a, b in pairs]
        said += "; tension, 0 = relaxed: "
        if len(shown) <= MAX_LISTED:
            said += (", ".join(shown[:-1]) + " and " + shown[-1]) if len(shown) > 1 else shown[0]
            said += f" (mean {signed(c.change or 0.0)})"
        else:
            said += f"{on_average(c.before, c.after)} (mean {signed(shown_change(c))})"
    turned = [r for r in parts if tension_pair(r) is not None and tension_direction(r) == "down"]
    if turned:
        said += (
            f"; {counted(len(turned), 'entry', 'entries')} rated on a scale running the other "
            f"way ({turned[0].anchor_high}), turned round to match"
        )
    unclear = [
        r
        for r in parts
        if r.tension_before is not None and r.tension_after is not None and not tension_direction(r)
    ]
    if unclear:
        said += (
            f"; {counted(len(unclear), 'entry', 'entries')} left out of the change: "
            "the anchors do not say which end is relaxed"
        )
    numbers = {
        "direction": "tension, 0 = relaxed",
        "pairs": [list(p) for p in pairs],
        "before": c.before,
        "after": c.after,
        "change": c.change,
        "turned_round": len(turned),
        "left_out": len(unclear),
    }
    return KindSummary(kind.name, kind.title, len(entries), said, numbers)


def thought_record(kind: RecordKind, entries: Sequence[HomeworkEntry], given: Given) -> KindSummary:
    """'1 thought record; 2 emotions re-rated in 1 record: 65 % → 35 % on average (mean
    change −30.0 points)'. Records are counted as records, never as emotions."""
    said = counted(len(entries), "thought record")
    c = thought_record_change(entries)
    records = sum(
        1
        for e in entries
        if e.thought_record and any(em.after is not None for em in e.thought_record.emotions)
    )
    if c.count:
        said += (
            f"; {counted(c.count, 'emotion')} re-rated in {counted(records, 'record')}: "
            f"{on_average(c.before, c.after, ' %')} "
            f"(mean change {signed(shown_change(c))} points)"
        )
    numbers = {
        "emotions_re_rated": c.count,
        "records_re_rated": records,
        "before": c.before,
        "after": c.after,
        "change": c.change,
    }
    return KindSummary(kind.name, kind.title, len(entries), said, numbers)


def generic(kind: RecordKind, entries: Sequence[HomeworkEntry], given: Given) -> KindSummary:
    """A count, and the mean of each measure the kind's spec declares (model.kinds)."""
    one = kind.title if kind.title.endswith("entry") else f"{kind.title} entry"
    said = counted(len(entries), one, one[: -len("entry")] + "entries")
    mine = [e.part for e in entries if e.part is not None]
    means = []
    for m in kind.measures:
        values = [v for v in (m.value(p) for p in mine) if v is not None]
        if values:
            means.append([m.label, round(mean(values), 2), m.unit])
            said += f"; {m.label} {mean(values):.1f}{m.unit} on average"
    return KindSummary(kind.name, kind.title, len(entries), said, {"means": means})
