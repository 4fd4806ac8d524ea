"""Checks across records: what `otj check` adds to parsing each file. Pure."""

from __future__ import annotations

from pathlib import Path

from otjournal.errors import Problem
from otjournal.store import Snapshot


def cross_checks(snap: Snapshot) -> list[Problem]:
    """Links that point nowhere: a rated goal the client does not have, a homework
    entry for an assignment no session set. Warnings: the notes themselves are fine."""
    problems: list[Problem] = []
    assignments: dict[str, set[str]] = {}
    for item in snap.sessions:
        s = item.record
        client = snap.clients.get(s.client)
        for i, g in enumerate(s.goals):
            if client is not None and client.record.goal(g.goal) is None:
                problems.append(
                    _warn(
                        item.path,
                        f"goals[{i}].goal: {g.goal!r} is not a goal of {s.client}",
                        "add it with 'otj goal add'",
                    )
                )
        for h in s.plan.homework:
            assignments.setdefault(s.client, set()).add(h.id)
    for item in snap.homework:
        e = item.record
        if e.assignment and e.assignment not in assignments.get(e.client, set()):
            problems.append(
                _warn(
                    item.path,
                    f"assignment: {e.assignment!r} was not assigned in any session of this client",
                    None,
                )
            )
    return problems


def _warn(path: Path, message: str, hint: str | None) -> Problem:
    return Problem(path, message, line=1, column=1, hint=hint, severity="warning")
