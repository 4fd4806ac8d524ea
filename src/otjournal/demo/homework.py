"""The demo's homework: what a caregiver or client writes between sessions, and the
graded exposure practices of a client with a hierarchy. Each comes from the demo's seeded
``Random`` (or a stream of its own), so the same seed gives the same files."""

from __future__ import annotations

from datetime import datetime, timedelta
from random import Random
from typing import Any

from otjournal.demo.personas import Persona
from otjournal.model import (
    Assignment,
    Client,
    Emotion,
    HomeworkEntry,
    MoodCheck,
    Practice,
    Relaxation,
    Session,
    Thought,
    ThoughtRecord,
)
from otjournal.model.parts import Answers


def build_exposure(client: Client, k: int, after: datetime, until: datetime) -> list[HomeworkEntry]:
    """One exposure practice after session ``k``: the steps climbed a few sessions each,
    the peak SUDS easing with practice on a step (habituation), with some noise."""
    steps = sorted(client.hierarchy, key=lambda s: s.suds)
    if not steps or k < 2:
        return []
    own = Random(f"{client.handle}-{k}-exposure")
    at = (after + timedelta(days=own.randint(1, 4))).replace(hour=own.choice((7, 17, 18)))
    if at >= until:
        return []
    step = steps[min(len(steps) - 1, (k - 2) // 5)]
    practised = (k - 2) % 5  # earlier practices of this step
    peak = max(15, min(100, step.suds + 10 - 8 * practised + own.randint(-5, 5)))
    part = {
        "step": step.id,
        "suds_before": max(0, peak - own.randint(5, 20)),
        "suds_peak": peak,
        "suds_after": max(0, peak - own.randint(20, 40)),
        "minutes": own.choice((10, 15, 20, 30)),
        "helped": own.choice(("paced breathing", "grounding 5-4-3-2-1", "music")),
    }
    return [
        HomeworkEntry(
            "",
            client.handle,
            "exposure",
            at,
            client.display_name,
            at + timedelta(minutes=own.randint(5, 60)),
            answers=Answers(tuple(part.items())),
        )
    ]


def build_homework(
    rng: Random, client: Client, p: Persona, session: Session, until: datetime
) -> list[HomeworkEntry]:
    entries = []
    writer = p.caregivers[0].name if p.caregivers else client.display_name
    day = session.start + timedelta(days=1)
    while day < until:
        for a in session.plan.homework:
            chance = (a.per_week or 2) / 7 * 0.7
            if rng.random() > chance:
                continue
            at = day.replace(hour=rng.choice((7, 8, 17, 19)), minute=rng.choice((0, 15, 30)))
            entries.append(_entry(rng, client, a, at, writer))
        day += timedelta(days=1)
    return entries


def _entry(rng: Random, client: Client, a: Assignment, at: datetime, writer: str) -> HomeworkEntry:
    base: dict[str, Any] = {
        "id": "",
        "client": client.handle,
        "entry_kind": a.kind,
        "at": at,
        "written_by": writer,
        "written_at": at + timedelta(minutes=rng.randint(5, 90)),
        "assignment": a.id,
    }
    if a.kind == "practice":
        done = rng.choices(("yes", "partly", "not-this-time"), (6, 3, 2))[0]
        mastery, pleasure = rng.randint(3, 9), rng.randint(4, 10)
        if done == "not-this-time":  # nothing to rate: how it went is not asked
            return HomeworkEntry(**base, practice=Practice(done))
        return HomeworkEntry(
            **base, practice=Practice(done, "went better with the song", mastery, pleasure)
        )
    if a.kind == "relaxation":
        before = rng.randint(5, 9)
        return HomeworkEntry(
            **base,
            relaxation=Relaxation(
                "paced breathing",
                rng.choice((5, 10, 10, 15)),
                before,
                max(0, before - rng.randint(1, 4)),
            ),
        )
    if a.kind == "thought-record":
        return HomeworkEntry(
            **base,
            thought_record=ThoughtRecord(
                "Train stopped between stations",
                (Emotion("anxious", 80, 45),),
                (Thought("I won't cope if it stays stopped", 75, True),),
                "my chest felt tight",
                "I have coped every time before",
                "This is uncomfortable and I have ways to get through it",
                60,
            ),
        )
    if a.kind == "mood-check":
        return HomeworkEntry(
            **base, mood=MoodCheck(rng.randint(3, 9), rng.choice((8.0, 9.5, 10.0)))
        )
    return HomeworkEntry(**base, text="A few lines about the week.")
