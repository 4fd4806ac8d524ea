"""Outcomes that say which ratings they use: GAS at review against each goal's own
baseline, and COPM at T1 and T2. Pure: a client and sessions in, numbers out.

A review is a session of type "review"; the GAS ratings in its [[goals]] are the
follow-up scores. Its T-score is taken over the goals rated in it, with the goals'
present weights, and the baseline T-score over that same set from the baselines
recorded in client.toml (never from a first rating). Ratings in other sessions are
interim: the path, not the outcome. Kiresuk & Sherman's T-score, rho = 0.3; one goal
alone has one too (T = 50 + 10x, whatever its weight).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from datetime import date
from typing import TYPE_CHECKING

from otjournal.frozen import frozen

if TYPE_CHECKING:
    from otjournal.model import Client, Session

RHO = 0.3
REVIEW = "review"
COPM_IMPORTANT = 2
COPM_CAVEAT = (
    "a change of 2 or more points is conventionally called clinically "
    "important; the evidence for this cut-off is debated"
)


def gas_tscore(ratings: Iterable[tuple[int, float]]) -> float:
    """T = 50 + 10·Σwx / √((1−ρ)·Σw² + ρ·(Σw)²) for (rating, weight) pairs."""
    pairs = list(ratings)
    if not pairs:
        raise ValueError("no ratings")
    sw = sum(w for _, w in pairs)
    sw2 = sum(w * w for _, w in pairs)
    swx = sum(w * x for x, w in pairs)
    return 50 + 10 * swx / math.sqrt((1 - RHO) * sw2 + RHO * sw * sw)


def is_review(session: Session) -> bool:
    return session.session_type == REVIEW


def baseline_hint(handle: str, goal: str) -> str:
    """How to record a goal's baseline (the level when it was set, and the day)."""
    return f"otj goal edit {handle} {goal} --baseline N --baseline-on YYYY-MM-DD"


@frozen
class ReviewScore:
    """One review: the goals rated in it, its T-score and the baseline T-score over the
    same goals (None when a goal of the set has no baseline: ``missing_baseline``)."""

    day: date
    session: str
    goals: tuple[str, ...]
    ratings: tuple[int, ...]  # the follow-up levels, in the order of ``goals``
    baselines: tuple[int | None, ...]
    weights: tuple[float, ...]
    tscore: float
    baseline_tscore: float | None
    missing_baseline: tuple[str, ...]

    @property
    def uses(self) -> str:
        """What the figure is, in words: the review, its goals and the baseline."""
        head = f"GAS T-score at review {self.day} (goals {', '.join(self.goals)}"
        if self.baseline_tscore is None:
            return (
                f"{head}): {self.tscore:.1f}; no baseline T-score: baseline not recorded "
                f"for {', '.join(self.missing_baseline)}"
            )
        return (
            f"{head}; baseline on the same goals: {self.baseline_tscore:.1f} → {self.tscore:.1f})"
        )


def review_score(client: Client, review: Session) -> ReviewScore | None:
    """The review's T-score over the goals rated in it; None when none was rated."""
    rated = [(r.goal, r.gas) for r in review.goals if r.gas is not None]
    if not rated:
        return None
    goals = [client.goal(g) for g, _ in rated]
    weights = tuple(g.weight if g is not None else 1.0 for g in goals)
    baselines = tuple(g.baseline if g is not None else None for g in goals)
    missing = tuple(gid for (gid, _), b in zip(rated, baselines, strict=True) if b is None)
    base = None
    if not missing:
        base = round(gas_tscore(zip((b or 0 for b in baselines), weights, strict=True)), 2)
    return ReviewScore(
        day=review.start.date(),
        session=review.id,
        goals=tuple(g for g, _ in rated),
        ratings=tuple(x for _, x in rated),
        baselines=baselines,
        weights=weights,
        tscore=round(gas_tscore(zip((x for _, x in rated), weights, strict=True)), 2),
        baseline_tscore=base,
        missing_baseline=missing,
    )


def review_scores(client: Client, sessions: Sequence[Session]) -> list[ReviewScore]:
    """Each review among ``sessions`` (already chosen for a period) with a rated goal,
    in time order."""
    out = []
    for s in sorted(sessions, key=lambda s: s.start):
        if is_review(s):
            score = review_score(client, s)
            if score is not None:
                out.append(score)
    return out


# -- COPM -------------------------------------------------------------------------------


Pair = tuple[int | None, int | None]


@frozen
class CopmChange:
    """One problem's COPM: T1 from client.toml, T2 from the latest review that scored it
    or client.toml's T2, whichever is later (``t2_from`` says which)."""

    goal: str
    problem: str
    performance: Pair  # (T1, T2)
    satisfaction: Pair
    t1_on: date | None = None
    t2_on: date | None = None
    t2_from: str = ""  # "review SESSION", "client.toml" or "" (no T2 yet)

    @staticmethod
    def _delta(pair: Pair) -> int | None:
        before, after = pair
        return after - before if before is not None and after is not None else None

    @property
    def performance_change(self) -> int | None:
        return self._delta(self.performance)

    @property
    def satisfaction_change(self) -> int | None:
        return self._delta(self.satisfaction)

    @property
    def important(self) -> bool:
        """≥ 2 points on either scale (see COPM_CAVEAT)."""
        return any(
            c is not None and abs(c) >= COPM_IMPORTANT
            for c in (self.performance_change, self.satisfaction_change)
        )

    @property
    def uses(self) -> str:
        """Which scores the change compares: where T1 and T2 come from, and when."""
        t1 = f"T1 on {self.t1_on}" if self.t1_on else "T1 undated"
        if not self.t2_from:
            return f"{t1}, from client.toml; no T2 yet"
        if self.t2_from != "client.toml":
            return f"{t1}, from client.toml; T2 at review {self.t2_on}"
        if self.t1_on is None and self.t2_on is None:
            return "T1 and T2 from client.toml, undated"
        t2 = f"T2 on {self.t2_on}" if self.t2_on else "T2 undated"
        return f"{t1}, {t2}, from client.toml"


@frozen
class Mean:
    """A scale's mean at T1 and T2 over the problems scored at both (``n``)."""

    t1: float
    t2: float
    n: int

    @property
    def change(self) -> float:
        return round(self.t2 - self.t1, 2)

    @property
    def important(self) -> bool:
        return abs(self.change) >= COPM_IMPORTANT


@frozen
class CopmSummary:
    problems: tuple[CopmChange, ...]
    performance: Mean | None
    satisfaction: Mean | None


def _t2_from_reviews(
    sessions: Sequence[Session], until: date | None
) -> dict[str, tuple[date, str, Pair]]:
    """Each goal's latest COPM T2 scored at a review (up to ``until``)."""
    out: dict[str, tuple[date, str, Pair]] = {}
    for s in sorted(sessions, key=lambda s: s.start):
        day = s.start.date()
        if not is_review(s) or (until is not None and day > until):
            continue
        for r in s.goals:
            if r.copm_performance is not None or r.copm_satisfaction is not None:
                out[r.goal] = (day, s.id, (r.copm_performance, r.copm_satisfaction))
    return out


def _mean(pairs: Iterable[Pair]) -> Mean | None:
    both = [(a, b) for a, b in pairs if a is not None and b is not None]
    if not both:
        return None
    n = len(both)
    return Mean(round(sum(a for a, _ in both) / n, 2), round(sum(b for _, b in both) / n, 2), n)


def copm(
    client: Client, sessions: Sequence[Session] = (), until: date | None = None
) -> CopmSummary:
    """Each goal's COPM problem, T1 → T2, and the mean performance and satisfaction at
    T1 and T2 over the problems scored at both. T2 is the later of the latest review
    that scored the problem and client.toml's T2 (an undated client.toml T2 is used only
    when no review scored the problem); a T2 after ``until`` is not yet known."""
    from_reviews = _t2_from_reviews(sessions, until)
    problems = []
    for g in client.goals:
        c = g.copm
        if c is None:
            continue
        if until is not None and g.status_as_of(until) is None and g.id not in from_reviews:
            continue  # a goal set after the period, and not scored in it
        t2: Pair = (None, None)
        t2_on: date | None = None
        t2_from = ""
        own = (c.performance_t2, c.satisfaction_t2)
        if own != (None, None) and (until is None or c.t2_on is None or c.t2_on <= until):
            t2, t2_on, t2_from = own, c.t2_on, "client.toml"
        seen = from_reviews.get(g.id)
        if seen is not None and (t2_from == "" or t2_on is None or seen[0] >= t2_on):
            t2_on, t2_from, t2 = seen[0], f"review {seen[1]}", seen[2]
        problems.append(
            CopmChange(
                g.id,
                c.problem,
                (c.performance_t1, t2[0]),
                (c.satisfaction_t1, t2[1]),
                c.t1_on,
                t2_on,
                t2_from,
            )
        )
    return CopmSummary(
        tuple(problems),
        _mean(p.performance for p in problems),
        _mean(p.satisfaction for p in problems),
    )
