"""The numbers behind trends, reports and exports: one source for each.

Pure and deterministic: sessions in (already chosen for a period), numbers out. No
clock inside; nothing here ranks a regulation state or folds the checklist into one
score. Goal attainment uses Kiresuk & Sherman's T-score with rho = 0.3.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import field
from datetime import date
from typing import TYPE_CHECKING, Any

from otjournal.clock import day_here, zone
from otjournal.frozen import frozen
from otjournal.model.vocab import CHECKLIST, FRAMEWORKS, NON_CLIENT_TYPES, NOT_HELD_TYPES
from otjournal.numbers.outcomes import (
    CopmSummary,
    ReviewScore,
    copm,
    gas_tscore,
    is_review,
    review_scores,
)

if TYPE_CHECKING:  # trends without homework never load the homework numbers
    from otjournal.model import Client, Session
    from otjournal.numbers.homework import HomeworkSummary
    from otjournal.numbers.measures import MeasuresSummary


@frozen
class GoalTrend:
    """A goal over a period: its baseline (from client.toml, whatever the period), the
    interim ratings of the period's sessions (the path) and its review ratings."""

    goal: str
    text: str
    weight: float
    points: tuple[tuple[date, int], ...]  # (session day, interim GAS)
    reviews: tuple[tuple[date, int], ...] = ()  # (review day, follow-up GAS)
    baseline: int | None = None
    baseline_on: date | None = None
    status: str = "active"
    status_on: date | None = None

    @property
    def latest_rating(self) -> tuple[date, int, str] | None:
        """(day, level, "review" or "interim") of the latest rating; a review wins a tie."""
        last = [(d, 1, v) for d, v in self.reviews[-1:]] + [(d, 0, v) for d, v in self.points[-1:]]
        if not last:
            return None
        day, review, value = max(last)
        return day, value, "review" if review else "interim"

    @property
    def outcome(self) -> tuple[date, int, str] | None:
        """(day, level, "review" or "interim"): the latest review rating, else (said so)
        the latest interim rating."""
        if self.reviews:
            day, value = self.reviews[-1]
            return day, value, "review"
        return self.latest_rating

    @property
    def latest(self) -> int | None:
        rating = self.latest_rating
        return rating[1] if rating is not None else None

    @property
    def change(self) -> int | None:
        """The outcome (review, else latest interim) minus the recorded baseline."""
        outcome = self.outcome
        if self.baseline is None or outcome is None:
            return None
        return outcome[1] - self.baseline


CURRENT = ("active", "on-hold")  # shown even when not rated in the period


def goal_trends(
    client: Client, sessions: Sequence[Session], until: date | None = None
) -> list[GoalTrend]:
    """The client's current goals (active first, then on hold) and any other goal rated
    in ``sessions``, each with its ratings in time order: interim and review apart.
    ``until``: each goal as it stood at the end of that day (a period's end), so a
    report of an earlier period names no goal set after it, nor a later status."""
    interim: dict[str, list[tuple[date, int]]] = {}
    reviews: dict[str, list[tuple[date, int]]] = {}
    for s in sorted(sessions, key=lambda s: s.start):
        into = reviews if is_review(s) else interim
        for r in s.goals:
            if r.gas is not None:
                into.setdefault(r.goal, []).append((s.start.date(), r.gas))
    stood = []
    for g in client.goals:
        rated = g.id in interim or g.id in reviews
        state = (g.status, g.status_on) if until is None else g.status_as_of(until)
        if state is None:  # set after the period
            if not rated:
                continue
            state = ("active", None)  # yet rated in it (a goal written down late)
        if state[0] in CURRENT or rated:
            stood.append((g, *state))
    stood.sort(key=lambda x: (x[1] != "active", x[1] != "on-hold", x[0].id))
    return [
        GoalTrend(
            g.id,
            g.text,
            g.weight,
            tuple(interim.get(g.id, ())),
            tuple(reviews.get(g.id, ())),
            g.baseline,
            g.baseline_on,
            status,
            since,
        )
        for g, status, since in stood
    ]


@frozen
class TScorePoint:
    day: date
    session: str
    goals: int
    tscore: float


def tscore_series(client: Client, sessions: Sequence[Session]) -> list[TScorePoint]:
    """The interim path: a T-score for each session other than a review where one or
    more goals were rated (each over its own goals: the sets differ)."""
    weights = {g.id: g.weight for g in client.goals}
    out = []
    for s in sorted(sessions, key=lambda s: s.start):
        rated = [(r.gas, weights.get(r.goal, 1)) for r in s.goals if r.gas is not None]
        if rated and not is_review(s):
            out.append(TScorePoint(s.start.date(), s.id, len(rated), round(gas_tscore(rated), 2)))
    return out


@frozen
class ItemRate:
    item: str
    text: str
    counts: dict[str, int]
    no_sessions: tuple[str, ...]  # ids of sessions where it was "no"

    @property
    def applicable(self) -> int:
        """Answered yes, partly or no: the rate's denominator. Unsure and n/a are counted
        beside the rate, never in it (domain.md)."""
        return sum(self.counts.get(a, 0) for a in ("yes", "partly", "no"))

    @property
    def rate(self) -> float | None:
        """(yes + ½·partly) / (yes + partly + no); None when never answered so."""
        if not self.applicable:
            return None
        return (self.counts.get("yes", 0) + 0.5 * self.counts.get("partly", 0)) / self.applicable


def checklist_rates(
    sessions: Sequence[Session], items: Sequence[tuple[str, str]] = CHECKLIST
) -> list[ItemRate]:
    """Each item on its own: there is no combined score."""
    out = []
    for key, text in items:
        counts: Counter[str] = Counter()
        no: list[str] = []
        for s in sessions:
            answer = s.answer(key)
            if answer is None:
                continue
            counts[answer.answer] += 1
            if answer.answer == "no":
                no.append(s.id)
        out.append(ItemRate(key, text, dict(counts), tuple(no)))
    return out


def lowest_item(rates: Iterable[ItemRate]) -> ItemRate | None:
    """The item named "for reflection": its rate below every other's and below 100 %;
    None when there is no such item (a tie for lowest, all at 100 %, none answered).
    Rates come from small whole counts, so a tie is an exact one."""
    rated = sorted((r for r in rates if r.rate is not None), key=lambda r: r.rate or 0.0)
    if not rated or (rated[0].rate or 0.0) >= 1:
        return None
    if len(rated) > 1 and rated[1].rate == rated[0].rate:
        return None
    return rated[0]


@frozen
class RegulationSummary:
    framework: str
    states: tuple[str, ...]
    transitions: dict[tuple[str, str], int]
    start: dict[str, int]
    end: dict[str, int]
    helped: tuple[tuple[str, int], ...]  # strategies by how often they helped
    sessions: int


def regulation(sessions: Sequence[Session], framework: str) -> RegulationSummary:
    """Start → end transitions and the distribution of states: counts, never a ranking."""
    transitions: Counter[tuple[str, str]] = Counter()
    start: Counter[str] = Counter()
    end: Counter[str] = Counter()
    helped: Counter[str] = Counter()
    n = 0
    for s in sessions:
        r = s.regulation
        if r is None or r.framework != framework:
            continue
        n += 1
        if r.start:
            start[r.start] += 1
        if r.end:
            end[r.end] += 1
        if r.start and r.end:
            transitions[(r.start, r.end)] += 1
        helped.update(h.strip().lower() for h in r.helped if h.strip())
    states = FRAMEWORKS.get(framework, ()) or tuple(sorted(set(start) | set(end)))
    return RegulationSummary(
        framework, states, dict(transitions), dict(start), dict(end), tuple(helped.most_common()), n
    )


@frozen
class ActivitySummary:
    total: int
    most_used: tuple[tuple[str, int], ...]
    child_led_or_interest: int
    movement_sensory: int
    adapted: int

    def share(self, n: int) -> float | None:
        return n / self.total if self.total else None


def activities(sessions: Sequence[Session], top: int = 5) -> ActivitySummary:
    acts = [a for s in sessions for a in s.activities]
    names = Counter(a.name.strip() for a in acts)
    return ActivitySummary(
        total=len(acts),
        most_used=tuple(names.most_common(top)),
        child_led_or_interest=sum(1 for a in acts if a.child_led or a.interest_based),
        movement_sensory=sum(1 for a in acts if a.movement_sensory),
        adapted=sum(1 for a in acts if a.adapted),
    )


def held(s: Session) -> bool:
    """Whether the session took place (not cancelled, not a did-not-attend)."""
    return s.session_type not in NOT_HELD_TYPES


def took_place_with_client(s: Session) -> bool:
    """A session the client was seen in: held, and not time without them (non-client):
    what 'last seen' means in 'due', 'client list' and 'client show'."""
    return held(s) and s.session_type not in NON_CLIENT_TYPES


def seen_by(ordered: Sequence[Session], today: date | None) -> list[Session]:
    """The sessions the client was seen in (``took_place_with_client``), by ``today``:
    a note dated later (a date mistyped by hand: ``otj check`` names it) has not taken
    place. ``today`` None: every one (the facts ``otj due`` keeps for any day)."""
    here = zone()
    return [
        s
        for s in ordered
        if took_place_with_client(s) and (today is None or day_here(s.start, here) <= today)
    ]


def face_to_face(s: Session) -> bool:
    """A session held with someone attending, of a type other than non-client. Report
    writing, liaison and any note without an attendee are non-face-to-face."""
    return held(s) and bool(s.attendees) and s.session_type not in NON_CLIENT_TYPES


def quarter_hours(minutes: int) -> float:
    """Minutes as hours to the nearest quarter hour (half a quarter rounds up): 50 →
    0.75, 52 → 0.75, 53 → 1.0, 0 → 0.0. For views: the numbers keep exact minutes."""
    quarters = (int(minutes) * 4 + 30) // 60
    return quarters / 4


@frozen
class Supports:
    """The supports of a period. Sessions that did not take place (cancelled,
    did-not-attend) are counted apart: never in hours, attended or the tables by
    setting and role. Minutes are exact; round in the views (``quarter_hours``)."""

    sessions: int  # notes of supports provided: attended + non-face-to-face
    minutes: int  # direct + non-face-to-face
    # setting -> (sessions, minutes), and attendee role -> the same: the attended
    # (face-to-face) sessions only, so a setting's sessions add up to ``attended``
    by_setting: dict[str, tuple[int, int]]
    by_role: dict[str, tuple[int, int]]
    by_type: dict[str, int]  # every note, cancelled and did-not-attend included
    first: date | None  # first and last supports provided
    last: date | None
    attended: int = 0  # face-to-face sessions that took place
    cancelled: int = 0
    did_not_attend: int = 0
    non_face_to_face: int = 0  # notes of non-face-to-face time (report writing, liaison)
    direct_minutes: int = 0
    non_face_to_face_minutes: int = 0

    @property
    def hours(self) -> float:
        """Direct and non-face-to-face hours together, exact."""
        return self.minutes / 60

    @property
    def direct_hours(self) -> float:
        return self.direct_minutes / 60

    @property
    def non_face_to_face_hours(self) -> float:
        return self.non_face_to_face_minutes / 60


def supports(sessions: Sequence[Session]) -> Supports:
    by_setting: dict[str, list[int]] = {}
    by_role: dict[str, list[int]] = {}
    provided = [s for s in sessions if held(s)]
    direct = [s for s in provided if face_to_face(s)]
    for s in direct:  # where and with whom the attended sessions were: as the report's tables
        row = by_setting.setdefault(s.setting, [0, 0])
        row[0] += 1
        row[1] += s.duration_min
        for role in set(s.attendees):
            r = by_role.setdefault(role, [0, 0])
            r[0] += 1
            r[1] += s.duration_min
    other = [s for s in provided if not face_to_face(s)]
    days = sorted(s.start.date() for s in provided)
    return Supports(
        sessions=len(provided),
        minutes=sum(s.duration_min for s in provided),
        by_setting={k: (v[0], v[1]) for k, v in sorted(by_setting.items())},
        by_role={k: (v[0], v[1]) for k, v in sorted(by_role.items())},
        by_type=dict(Counter(s.session_type for s in sessions)),
        first=days[0] if days else None,
        last=days[-1] if days else None,
        attended=len(direct),
        cancelled=sum(1 for s in sessions if s.session_type == "cancelled"),
        did_not_attend=sum(1 for s in sessions if s.session_type == "did-not-attend"),
        non_face_to_face=len(other),
        direct_minutes=sum(s.duration_min for s in direct),
        non_face_to_face_minutes=sum(s.duration_min for s in other),
    )


NO_BASELINE = "no baseline recorded"


def direction(trends: Sequence[GoalTrend]) -> str:
    """Goals overall, in neutral words: the mean change from each goal's recorded
    baseline to its latest rating (review or interim); goals without a baseline are
    left out (none is ever assumed)."""
    changes = [
        t.latest - t.baseline for t in trends if t.latest is not None and t.baseline is not None
    ]
    if not changes:
        rated = any(t.latest is not None for t in trends)
        return NO_BASELINE if rated else "too few ratings"
    mean = sum(changes) / len(changes)
    if mean >= 0.5:
        return "moving up"
    if mean <= -0.5:
        return "moving down"
    return "steady"


@frozen
class ClientTrends:
    client: Client
    since: date
    until: date
    sessions: tuple[Session, ...]
    goals: tuple[GoalTrend, ...]
    tscores: tuple[TScorePoint, ...]  # the interim path
    reviews: tuple[ReviewScore, ...]
    copm: CopmSummary
    checklist: tuple[ItemRate, ...]
    regulation: RegulationSummary
    activities: ActivitySummary
    supports: Supports
    homework: HomeworkSummary | None = field(default=None)
    # The end asked for when it ran past today (the period was cut at today), else None.
    asked_until: date | None = None
    measures: MeasuresSummary | None = None  # ORS and SRS (numbers/measures.py)
    techniques: tuple[tuple[str, int], ...] = ()  # (name, held sessions): numbers/techniques


def client_trends(
    client: Client,
    sessions: Sequence[Session],
    since: date,
    until: date,
    items: Sequence[tuple[str, str]] = CHECKLIST,
    homework: HomeworkSummary | None = None,
) -> ClientTrends:
    chosen = tuple(
        sorted((s for s in sessions if since <= s.start.date() <= until), key=lambda s: s.start)
    )
    return ClientTrends(
        client=client,
        since=since,
        until=until,
        sessions=chosen,
        goals=tuple(goal_trends(client, chosen, until)),
        tscores=tuple(tscore_series(client, chosen)),
        reviews=tuple(review_scores(client, chosen)),
        copm=copm(client, sessions, until),
        checklist=tuple(checklist_rates(chosen, items)),
        regulation=regulation(chosen, client.regulation_framework),
        activities=activities(chosen),
        supports=supports(chosen),
        homework=homework,
    )


def overview_row(
    client: Client, sessions: Sequence[Session], start: date, end: date, today: date
) -> dict[str, Any]:
    """One client's line of the trends overview; ``sessions`` in time order."""
    within = [s for s in sessions if start <= s.start.date() <= end]
    low = lowest_item(checklist_rates(within))
    seen = seen_by(sessions, today)  # as 'client list' and 'due' say it
    return {
        "client": client.handle,
        "sessions": sum(1 for s in within if held(s)),
        "last_seen": seen[-1].start.date() if seen else None,
        "goal_direction": direction(goal_trends(client, within)),
        "lowest_item": {"item": low.item, "rate": low.rate} if low else None,
    }


# The trends overview remembers each client's row in the cache as plain data (JSON): a
# row read back is checked field by field before it is shown.
DIRECTIONS = ("moving up", "moving down", "steady", "too few ratings", NO_BASELINE)
_ROW_KEYS = ("client", "sessions", "last_seen", "goal_direction", "lowest_item")


def overview_row_to_plain(row: dict[str, Any] | None) -> dict[str, Any] | None:
    if row is None:
        return None
    last = row["last_seen"]
    return {**row, "last_seen": last.isoformat() if last is not None else None}


def overview_row_from_plain(plain: Any) -> dict[str, Any] | None:
    """The row ``overview_row_to_plain`` gave; ValueError for anything else."""
    if plain is None:
        return None
    if type(plain) is not dict or set(plain) != set(_ROW_KEYS):
        raise ValueError("not an overview row")
    client, sessions, last, trend, low = (plain[k] for k in _ROW_KEYS)
    if type(client) is not str or type(sessions) is not int or sessions < 0:
        raise ValueError("not an overview row")
    if trend not in DIRECTIONS or (last is not None and type(last) is not str):
        raise ValueError("not an overview row")
    if low is not None:
        if type(low) is not dict or set(low) != {"item", "rate"} or type(low["item"]) is not str:
            raise ValueError("not an overview row")
        rate = low["rate"]
        if type(rate) is not float or not 0 <= rate <= 1:
            raise ValueError("not an overview row")
        low = {"item": low["item"], "rate": rate}
    return {
        "client": client,
        "sessions": sessions,
        "last_seen": date.fromisoformat(last) if last is not None else None,
        "goal_direction": trend,
        "lowest_item": low,
    }
