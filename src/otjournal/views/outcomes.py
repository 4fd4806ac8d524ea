"""What a goal's figures use, in words and as JSON: its recorded baseline, its rating at
review (else the latest interim one, said so), the reviews' T-scores on the same goals,
the interim path and COPM. Shared by ``otj trends`` (text and --json) and ``otj report``;
plain strings and dicts, no Rich."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from otjournal.numbers.outcomes import COPM_CAVEAT, CopmSummary, Mean, ReviewScore, baseline_hint
from otjournal.numbers.session import GoalTrend, TScorePoint
from otjournal.views.rows import gas

INTERIM_USES = (
    "interim path: the GAS T-score of each session other than a review, over the goals "
    "rated in that session (the sets differ from session to session)"
)


def interim_path(points: Sequence[TScorePoint]) -> str:
    """The interim path in words: first → last and how many sessions (never the two ends
    alone, as if nothing came between); one session is one point, said once."""
    first, last = points[0], points[-1]
    if len(points) == 1:
        return f"{first.tscore:.1f} on {first.day} (1 session)"
    return (
        f"{first.tscore:.1f} on {first.day} → {last.tscore:.1f} on {last.day} "
        f"({len(points)} sessions)"
    )


def goal_uses(handle: str, g: GoalTrend) -> str:
    """Which ratings a goal's change compares."""
    rating = g.outcome
    if g.baseline is None:
        return "baseline not recorded; to add it: " + baseline_hint(handle, g.goal)
    if rating is None:
        return f"baseline on {g.baseline_on}; not rated in this period"
    day, _, kind = rating
    what = (
        "the review on"
        if kind == "review"
        else "the latest interim rating (not rated at a review), on"
    )
    return f"change: {what} {day} against the baseline on {g.baseline_on}"


def goal_json(handle: str, g: GoalTrend) -> dict[str, Any]:
    rating, outcome = g.latest_rating, g.outcome
    return {
        "goal": g.goal,
        "text": g.text,
        "weight": g.weight,
        "status": g.status,
        "status_on": g.status_on,
        "baseline": None if g.baseline is None else {"level": g.baseline, "on": g.baseline_on},
        "interim": [{"date": d, "gas": v} for d, v in g.points],
        "reviews": [{"date": d, "gas": v} for d, v in g.reviews],
        "latest": None
        if rating is None
        else {"date": rating[0], "gas": rating[1], "from": rating[2]},
        "outcome": None
        if outcome is None
        else {"date": outcome[0], "gas": outcome[1], "from": outcome[2]},
        "change": g.change,
        "uses": goal_uses(handle, g),
    }


def review_json(r: ReviewScore) -> dict[str, Any]:
    return {
        "date": r.day,
        "session": r.session,
        "goals": [
            {"goal": g, "gas": x, "baseline": b, "weight": w}
            for g, x, b, w in zip(r.goals, r.ratings, r.baselines, r.weights, strict=True)
        ],
        "tscore": r.tscore,
        "baseline_tscore": r.baseline_tscore,
        "missing_baseline": list(r.missing_baseline),
        "uses": r.uses,
    }


def _mean_json(m: Mean | None) -> dict[str, Any] | None:
    if m is None:
        return None
    return {"t1": m.t1, "t2": m.t2, "problems": m.n, "change": m.change, "important": m.important}


def copm_json(c: CopmSummary) -> dict[str, Any]:
    return {
        "problems": [
            {
                "goal": p.goal,
                "problem": p.problem,
                "performance": list(p.performance),
                "satisfaction": list(p.satisfaction),
                "t1_on": p.t1_on,
                "t2_on": p.t2_on,
                "t2_from": p.t2_from or None,
                "performance_change": p.performance_change,
                "satisfaction_change": p.satisfaction_change,
                "important_change": p.important,
                "uses": p.uses,
            }
            for p in c.problems
        ],
        "mean_performance": _mean_json(c.performance),
        "mean_satisfaction": _mean_json(c.satisfaction),
        "caveat": COPM_CAVEAT,
    }


def gas_words(handle: str, g: GoalTrend) -> str:
    """The goal's GAS in a sentence: baseline → review, or the latest interim, said so."""
    rating = g.outcome
    if g.baseline is None:
        head = "GAS baseline not recorded (" + baseline_hint(handle, g.goal) + " adds it)"
    else:
        head = f"GAS baseline {gas(g.baseline)} (recorded {g.baseline_on})"
    if rating is None:
        return head + "; not rated in this period."
    day, level, kind = rating
    if kind == "review":
        then = f"{gas(level)} at review on {day}"
    else:
        then = f"{gas(level)}, the latest interim rating, on {day} (not rated at a review)"
    change = f" (change {g.change:+d})" if g.change is not None else ""
    n = len(g.points)
    path = f" {n} interim rating{'s' if n != 1 else ''} in this period." if n else ""
    if g.baseline is None:
        return f"{head}; latest rating {then}.{path}"
    return f"{head} → {then}{change}.{path}"
