"""Homework numbers: what is assigned now, adherence, mood trend, before→after changes.

Pure and deterministic: records in, numbers out, ``today`` always passed in. Trends
and reports reuse these numbers, so each is computed here only.

Words stay neutral: practice that did not happen is "not this time", and adherence
is a count against what was planned, never a grade.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, field, replace
from datetime import date, datetime, timedelta
from itertools import pairwise
from operator import attrgetter
from typing import Any

from otjournal.clock import day_here, zone
from otjournal.frozen import frozen
from otjournal.model import Assignment, Client, HomeworkEntry, Session
from otjournal.model.fields import whole
from otjournal.model.kinds import HOMEWORK
from otjournal.model.spec import RecordKind
from otjournal.model.vocab import NOT_HELD_TYPES
from otjournal.numbers import exposure, kind_summary
from otjournal.numbers.kind_summary import Change as Change
from otjournal.numbers.kind_summary import Given, KindSummary
from otjournal.numbers.kind_summary import MoodTrend as MoodTrend
from otjournal.numbers.kind_summary import mood_trend as mood_trend
from otjournal.numbers.kind_summary import relaxation_change as relaxation_change
from otjournal.numbers.kind_summary import thought_record_change as thought_record_change

Summariser = Callable[[RecordKind, Sequence[HomeworkEntry], Given], KindSummary]


_DAY = timedelta(days=1)
_START = attrgetter("start")


@frozen
class Current:
    """An assignment in force today, and where it came from."""

    assignment: Assignment
    since: date
    source: str  # a session id, or "added by hand"
    logged_this_week: int  # entries, "not this time" ones too
    practised_this_week: int = 0  # entries that are practice (``practised``)


def later_assignments(client: Client, today: date) -> list[Current]:
    """Homework added by hand to start after today (``homework add --since``): not in
    force yet, so counted nowhere, but listed, so that it is seen to be set."""
    later = [(a.since, a) for a in client.assignments if a.since is not None and a.since > today]
    return [Current(a, since, "added by hand", 0) for since, a in sorted(later, key=_first)]


def _first(pair: tuple[date, Assignment]) -> date:
    return pair[0]


def week_start(day: date) -> date:
    """Weeks run Monday to Sunday."""
    return day - timedelta(days=day.weekday())


def current_assignments(
    client: Client,
    sessions: Sequence[Session],
    entries: Sequence[HomeworkEntry],
    today: date,
) -> list[Current]:
    """The homework of the latest session that set any, plus hand-added homework in force.

    A later session's homework replaces an earlier session's: that is how a plan moves on.
    """
    sessions = _as_amended(sessions)
    found: list[tuple[Assignment, date, str]] = []
    here = zone()
    with_homework = [
        s
        for s in sessions
        if s.plan.homework
        and day_here(s.start, here) <= today
        and s.session_type not in NOT_HELD_TYPES
    ]
    discharges = discharge_days(sessions)
    if with_homework:
        latest = max(with_homework, key=lambda s: (s.start, s.id))
        set_on = latest.start.date()
        if not _ended(discharges, set_on, today):
            found += [(a, set_on, latest.id) for a in latest.plan.homework]
    for a in client.assignments:
        since = a.since or today
        in_force = since <= today and (a.until is None or a.until >= today)
        if in_force and not _ended(discharges, since, today):
            found.append((a, since, "added by hand"))
    monday = week_start(today)
    week = [e for e in entries if e.assignment and monday <= e.at.date() <= today]
    out = []
    for (a, since, source), (ids, first) in zip(
        found, _ids_of(found, client, sessions, today), strict=True
    ):
        mine = [e for e in week if e.assignment in ids and of_its_kind(e, a)]
        # Since it was first set: set again, it is the same homework (as the summary and
        # the export count it), not a new one.
        out.append(Current(a, min(since, first), source, len(mine), sum(map(practised, mine))))
    return out


def _ids_of(
    found: Sequence[tuple[Assignment, date, str]],
    client: Client,
    sessions: Sequence[Session],
    today: date,
) -> list[tuple[set[str], date]]:
    """The ids whose entries count for each homework in force: its own, and those of the
    same homework set before it (set again, it has a new id; practice logged in the days
    before counts for it too, as trends counts it), unless two in force share its words;
    and the first day any of them was set."""
    now = Counter(a.same_homework() for a, _, _ in found)
    current = {a.id for a, _, _ in found}
    held = [s for s in sessions if s.session_type not in NOT_HELD_TYPES]  # as the summary
    discharges = discharge_days(held)
    earlier: dict[tuple[int, tuple[str, str]], set[str]] = {}
    ever = all_assignments(client, held, today)
    for i, (a, set_on) in ever.items():
        if i not in current:
            earlier.setdefault(same_in_episode(a, set_on, discharges), set()).add(i)
    out = []
    for a, since, _ in found:
        key = same_in_episode(a, since, discharges)
        ids = {a.id} | (earlier.get(key, set()) if now[a.same_homework()] == 1 else set())
        out.append((ids, min((ever[i][1] for i in ids if i in ever), default=since)))
    return out


def same_in_episode(
    a: Assignment, set_on: date, discharges: Sequence[date]
) -> tuple[int, tuple[str, str]]:
    """What makes two settings one homework: the same words, set in the same episode of
    care (a discharge ends the homework set before it; a new episode's is its own)."""
    return bisect_left(discharges, set_on), a.same_homework()


def discharge_days(sessions: Iterable[Session]) -> list[date]:
    """The days of the client's discharges, in order: each ends the homework set before it
    (a discharged client has none; a new episode's sessions set their own)."""
    return sorted(s.start.date() for s in sessions if s.discharge is not None)


def _discharged_on(discharges: Sequence[date], set_on: date) -> date | None:
    """The discharge that ends homework set on ``set_on``: the first on or after it."""
    return next((d for d in discharges if d >= set_on), None)


def _as_amended(sessions: Sequence[Session]) -> list[Session]:
    """The notes as they read now: a homework's words corrected by an amendment are its
    words in every count (trends, the summary, the list, the report and the export read
    the same), and the same homework set again is known by them."""
    from otjournal.numbers.amended import as_amended

    return [as_amended(s) if s.amendments else s for s in sessions]


def _ended(discharges: Sequence[date], set_on: date, today: date) -> bool:
    ended = _discharged_on(discharges, set_on)
    return ended is not None and ended <= today


def all_assignments(
    client: Client, sessions: Sequence[Session], today: date
) -> dict[str, tuple[Assignment, date]]:
    """Every assignment ever set for the client, by id, with the day it was set (one added
    by hand without a start counts from today, as 'otj homework list' shows it)."""
    out: dict[str, tuple[Assignment, date]] = {}
    for s in sorted(_as_amended(sessions), key=lambda s: s.start):
        for a in s.plan.homework:
            out[a.id] = (a, s.start.date())
    for a in client.assignments:
        out[a.id] = (a, a.since or today)
    return out


def of_its_kind(entry: HomeworkEntry, assignment: Assignment) -> bool:
    """Only an entry of a homework's kind counts for it: a mood check logged against a
    practice is no practice of it (``otj homework log`` refuses one; check names it)."""
    return entry.entry_kind == assignment.kind


def practised(entry: HomeworkEntry) -> bool:
    """An entry counts as practice unless it says 'not this time'."""
    return not (entry.practice is not None and entry.practice.done == "not-this-time")


@frozen
class WeekCount:
    start: date  # the Monday
    days: int  # days of this week that have passed inside the period (planned over)
    logged: int  # entries that were practice (yes or partly)
    expected: float | None


@frozen
class Adherence:
    id: str
    text: str
    kind: str
    per_week: int | None
    since: date
    until: date  # the last day whose practice is counted (never after today)
    practised: int
    partly: int
    not_this_time: int
    expected: float | None  # per_week × days / 7 over the days that have passed
    rate: float | None  # practised / expected; may be above 1; None when nothing planned yet
    weeks: tuple[WeekCount, ...] = field(default=())
    days: int = 0  # days that have passed while it was assigned (today is not over yet)

    def words(self) -> str:
        """A neutral sentence: counts, never a verdict."""
        done = f"practised {self.practised} time{'s' if self.practised != 1 else ''}"
        if self.partly:
            done += f" ({self.partly} partly)"
        if self.expected is not None:
            if self.days == 0:
                done += "; none planned yet (set today)"
            else:
                planned = "less than 1" if self.expected < 0.5 else f"about {self.expected:.0f}"
                done += f" of {planned} planned"
        if self.not_this_time:
            done += f"; {self.not_this_time} × not this time"
        return done


def adherence(
    assignment: Assignment,
    since: date,
    entries: Iterable[HomeworkEntry],
    today: date,
    until: date | None = None,
    replaced: datetime | None = None,
) -> Adherence:
    """Entries logged from ``since`` to ``until`` (default and at most ``today``) against
    the plan over the days that have PASSED: from ``since`` up to ``until`` (a past day is
    over) but never today itself (it is not over yet), so homework set today plans 0 and
    homework set 3 weeks ago at 5 a week plans 15. Partial weeks plan pro rata
    (per_week × days / 7); practice logged today counts, so a rate may be above 1.
    ``replaced``: when the next plan was set, the day after ``until``: practice logged
    that day before it counts too (its week is the last), though the day is not planned.
    ``until`` may then be the day before ``since``: replaced the day it began, it shows
    that day as its period, with no day planned."""
    end = min(until or today, today)
    stop = min(end + timedelta(days=1), today)  # the first day not planned over
    # The last day whose practice counts: the day of the next plan, up to its moment.
    counted = replaced.date() if replaced is not None and replaced.date() > end else end
    linked = [
        e
        for e in entries
        if e.assignment == assignment.id
        and of_its_kind(e, assignment)
        and since <= e.at.date() <= counted
        and (e.at.date() <= end or replaced is None or e.at < replaced)
    ]
    practice = [e for e in linked if practised(e)]
    partly = sum(1 for e in linked if e.practice is not None and e.practice.done == "partly")
    not_this_time = len(linked) - len(practice)
    per_week = assignment.per_week
    days = max((stop - since).days, 0)
    expected = per_week * days / 7 if per_week and end >= since else None
    weeks = []
    monday = week_start(since)
    while counted >= since and monday <= counted:
        first, last = max(monday, since), min(monday + timedelta(days=6), counted)
        in_week = max((min(min(last, end) + timedelta(days=1), stop) - first).days, 0)
        logged = sum(1 for e in practice if first <= e.at.date() <= last)
        weeks.append(
            WeekCount(monday, in_week, logged, per_week * in_week / 7 if per_week else None)
        )
        monday += timedelta(days=7)
    return Adherence(
        id=assignment.id,
        text=assignment.text,
        kind=assignment.kind,
        per_week=per_week,
        since=since,
        until=end if end >= since else counted,  # replaced the day it began: that day
        practised=len(practice),
        partly=partly,
        not_this_time=not_this_time,
        expected=expected,
        rate=len(practice) / expected if expected else None,
        weeks=tuple(weeks),
        days=days if end >= since else 0,
    )


def combine(parts: Sequence[Adherence]) -> Adherence:
    """One homework set over several periods (each session re-setting it) as one row."""
    if len(parts) == 1:
        return parts[0]
    ordered = sorted(parts, key=lambda p: p.since)
    expected = [p.expected for p in ordered if p.expected is not None]
    total = sum(expected) if expected else None
    practised_n = sum(p.practised for p in ordered)
    last = ordered[-1]
    return Adherence(
        id=last.id,
        text=last.text,
        kind=last.kind,
        per_week=last.per_week,
        since=ordered[0].since,
        until=max(p.until for p in ordered),
        practised=practised_n,
        partly=sum(p.partly for p in ordered),
        not_this_time=sum(p.not_this_time for p in ordered),
        expected=total,
        rate=practised_n / total if total else None,
        weeks=_merge_weeks(w for p in ordered for w in p.weeks),
        days=sum(p.days for p in ordered),
    )


def _merge_weeks(weeks: Iterable[WeekCount]) -> tuple[WeekCount, ...]:
    """A week split where the homework was set again is one week."""
    merged: dict[date, WeekCount] = {}
    for w in weeks:
        m = merged.get(w.start)
        if m is None:
            merged[w.start] = w
        else:
            expected = (
                None
                if m.expected is None and w.expected is None
                else (m.expected or 0) + (w.expected or 0)
            )
            merged[w.start] = WeekCount(w.start, m.days + w.days, m.logged + w.logged, expected)
    return tuple(merged[k] for k in sorted(merged))


# Each kind's summary, by name: a kind not here gets kind_summary.generic. A new kind's
# summary (exposure, say) is one function taking (kind, entries, given) and one row here.
SUMMARISERS: dict[str, Summariser] = {
    "practice": kind_summary.practice,
    "relaxation": kind_summary.relaxation,
    "thought-record": kind_summary.thought_record,
    "mood-check": kind_summary.mood_check,
    "exposure": exposure.summary,
}


def kind_summaries(entries: Sequence[HomeworkEntry], given: Given) -> tuple[KindSummary, ...]:
    """One summary for every kind with entries, in the kinds' order (model.kinds)."""
    out = []
    for spec in HOMEWORK:
        mine = [e for e in entries if e.entry_kind == spec.name]
        if mine:
            out.append(SUMMARISERS.get(spec.name, kind_summary.generic)(spec, mine, given))
    return tuple(out)


@frozen
class HomeworkSummary:
    client: str
    today: date
    current: tuple[Current, ...]
    adherence: tuple[Adherence, ...]
    mood: MoodTrend
    relaxation: Change
    thought_records: Change
    recent: tuple[HomeworkEntry, ...]
    entries: int
    kinds: tuple[KindSummary, ...] = ()  # one per kind with entries, in words and numbers
    since: date | None = None  # the period (None: from when each homework was set)
    until: date | None = None  # the period's last day (never after today)

    def to_json(self) -> dict[str, Any]:
        out = {
            "client": self.client,
            "today": self.today,
            "since": self.since,
            "until": self.until,
            "entries": self.entries,
            "current": [current_json(c) for c in self.current],
            "adherence": [asdict(a) for a in self.adherence],
            "mood": asdict(self.mood),
            "relaxation": asdict(self.relaxation),
            "thought_records": asdict(self.thought_records),
            "recent": [whole(e) for e in self.recent],
            "kinds": [k.to_json() for k in self.kinds],
        }
        return out


def current_json(c: Current) -> dict[str, Any]:
    """A homework assigned now, for ``--json``: the assignment's keys, then since when,
    from which session (or ``client.toml``), how many entries were logged for it this
    week and how many of them were practice."""
    return {
        **whole(c.assignment),
        "since": c.since,
        "source": c.source,
        "logged_this_week": c.logged_this_week,
        "practised_this_week": c.practised_this_week,
    }


def assigned_by_id(
    client: Client, sessions: Sequence[Session], today: date
) -> dict[str, Assignment]:
    return {k: a for k, (a, _) in all_assignments(client, sessions, today).items()}


def planned_practice(
    client: Client,
    sessions: Sequence[Session],
    entries: Sequence[HomeworkEntry],
    today: date,
    since: date | None = None,
    until: date | None = None,
    known: Sequence[Session] | None = None,
) -> tuple[Adherence, ...]:
    """Practice against the plan, one row per homework (the same homework set again
    session after session is one row): THE numbers of ``trends``, ``homework summary``,
    ``report`` and ``export``. Each assignment counts from the day it was set (or
    ``since``) to the earliest of: ``until`` (the period's end), today, its own
    ``until``, and the day before the next session that set homework (which replaces
    it); only the days that have passed are planned over (see ``adherence``). A session
    that did not take place (cancelled, did-not-attend) sets no homework."""
    end = min(until or today, today)
    given = sessions
    sessions = [s for s in sessions if s.session_type not in NOT_HELD_TYPES]  # set nothing
    assigned = all_assignments(client, sessions, today)
    # An assignment runs until the next session that sets homework (or its own until),
    # and never past a discharge.
    settings = sorted(s.start for s in sessions if s.plan.homework)
    set_at = {a.id: s.start for s in sorted(sessions, key=_START) for a in s.plan.homework}
    discharges = discharge_days(sessions)
    windows: list[tuple[Assignment, date, date]] = []
    moments: dict[str, datetime] = {}  # when the next plan replaced it
    for a, set_on in assigned.values():
        start = max(set_on, since) if since else set_on
        stops = [end]
        if a.until is not None:
            stops.append(a.until)
        if (discharged := _discharged_on(discharges, set_on)) is not None:
            stops.append(discharged)
        moment = _next_plan(set_at.get(a.id), set_on, settings) if a.since is None else None
        if moment is not None:  # set at a session: the next plan replaces it
            stops.append(moment.date() - _DAY)
            moments[a.id] = moment
        last = min(stops)
        # Replaced on the day it begins (set again that day, or the period starts then):
        # no day is planned, but practice logged before the new plan is its own.
        if start <= last or (moment is not None and moment.date() == start == last + _DAY):
            windows.append((a, start, last))
    windows = _one_at_a_time(windows)
    # Which homework an id is, from every note (``known``: a setting after the period
    # may be the id an earlier entry was linked to).
    if known is not None and known is not given:
        held = [s for s in known if s.session_type not in NOT_HELD_TYPES]
        every = all_assignments(client, held, today)
    else:
        every = assigned
    entries = _in_their_windows(entries, windows, [a for a, _ in every.values()])
    groups: dict[tuple[int, tuple[str, str]], list[Adherence]] = {}
    for a, start, last in windows:
        moment = moments.get(a.id)  # practice that day before it counts, if in the period
        if moment is not None and not last + _DAY == moment.date() <= end:
            moment = None
        row = adherence(a, start, entries, today, last, moment)
        groups.setdefault(same_in_episode(a, assigned[a.id][1], discharges), []).append(row)
    return tuple(combine(parts) for parts in groups.values())


def _next_plan(
    set_at: datetime | None, set_on: date, settings: Sequence[datetime]
) -> datetime | None:
    """When the first session after ``set_at`` set homework (one later the same day
    too); for homework added by hand without a start (``set_at`` None), the first on a
    later day than ``set_on``."""
    if set_at is None:
        return next((t for t in settings if t.date() > set_on), None)
    at = bisect_right(settings, set_at)
    return settings[at] if at < len(settings) else None


def _one_at_a_time(
    windows: Sequence[tuple[Assignment, date, date]],
) -> list[tuple[Assignment, date, date]]:
    """The same homework in force twice at once (set at a session and added by hand in
    the same words) is in force once a day: the one set last holds each day, as a plan
    set again replaces the one before. Otherwise the week would count its days twice
    ("days: 10")."""
    groups: dict[tuple[str, str], list[int]] = {}
    for n, (a, _, _) in enumerate(windows):
        groups.setdefault(a.same_homework(), []).append(n)
    if all(len(members) == 1 for members in groups.values()):
        return list(windows)  # the usual case
    day = timedelta(days=1)
    out: list[tuple[Assignment, date, date]] = []
    for members in groups.values():
        if len(members) == 1:
            out.append(windows[members[0]])
            continue
        mine = [windows[n] for n in members]  # in the order set (a tie: the later holds)
        cuts = sorted({s for _, s, _ in mine} | {t + day for _, _, t in mine})
        for lo, hi in pairwise(cuts):
            held = [(s, n) for n, (_, s, t) in enumerate(mine) if s <= lo and hi - day <= t]
            if not held:
                continue  # a gap between two periods
            a = mine[max(held)[1]][0]
            if out and out[-1][0] is a and out[-1][2] == lo - day:
                out[-1] = (a, out[-1][1], hi - day)  # still the same one
            else:
                out.append((a, lo, hi - day))
    return out


def _in_their_windows(
    entries: Sequence[HomeworkEntry],
    windows: Sequence[tuple[Assignment, date, date]],
    every: Sequence[Assignment],
) -> Sequence[HomeworkEntry]:
    """Practice of one homework set again session after session counts in the period of
    the setting in force on its day, whichever of their ids it was linked to (an entry
    logged late is linked to the homework assigned now, which may be set after the
    period asked for: ``every`` assignment says which homework an id is): counted once,
    never lost."""
    spans: dict[tuple[str, str], list[tuple[str, date, date]]] = {}
    for a, start, last in windows:
        spans.setdefault(a.same_homework(), []).append((a.id, start, last))
    group_of = {a.id: a.same_homework() for a in every if a.same_homework() in spans}
    if len(group_of) == len(spans) and all(len(v) == 1 for v in spans.values()):
        return entries  # the usual case: each homework set once
    placed = []
    for e in entries:
        key = group_of.get(e.assignment or "")
        day = e.at.date()
        if key is not None and not any(
            i == e.assignment and s <= day <= t for i, s, t in spans[key]
        ):
            there = next((i for i, s, t in spans[key] if s <= day <= t), None)
            if there is not None:
                e = replace(e, assignment=there)
        placed.append(e)
    return placed


def summarise(
    client: Client,
    sessions: Sequence[Session],
    entries: Sequence[HomeworkEntry],
    today: date,
    since: date | None = None,
    recent: int = 5,
    until: date | None = None,
    known: Sequence[Session] | None = None,
) -> HomeworkSummary:
    """Everything ``otj homework summary`` shows, for one client, from ``since`` to
    ``until`` (default and at most ``today``). ``known``: every note of the client, when
    ``sessions`` are the period's only (what a homework id names is read from them)."""
    end = min(until or today, today)
    known = known if known is not None else sessions
    chosen = [e for e in entries if (since is None or e.at.date() >= since) and e.at.date() <= end]
    return HomeworkSummary(
        client=client.handle,
        today=today,
        current=tuple(current_assignments(client, sessions, entries, today)),
        adherence=planned_practice(client, sessions, chosen, today, since, end, known),
        mood=mood_trend(chosen),
        relaxation=relaxation_change(chosen),
        thought_records=thought_record_change(chosen),
        recent=tuple(sorted(chosen, key=lambda e: e.order)[-recent:]),
        entries=len(chosen),
        kinds=kind_summaries(chosen, Given(client, assigned_by_id(client, known, today))),
        since=since,
        until=end,
    )
