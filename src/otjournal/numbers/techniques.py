"""How many sessions used each technique over a period: what trends, the progress
report and (per session) the export show. Pure.

Only sessions that took place count (a cancelled note's list is what was planned).
Names are one name whatever their letter case ("CBT", "cbt"); the latest session's
spelling is shown."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from otjournal.model import Session
from otjournal.numbers.session import held


def count(sessions: Sequence[Session]) -> tuple[tuple[str, int], ...]:
    """(technique, sessions) for the held sessions given (read them as amended first),
    the most used first, then by name."""
    seen: Counter[str] = Counter()
    spelt: dict[str, str] = {}
    for s in sorted(sessions, key=lambda s: s.start):
        if not held(s):
            continue
        for key, name in {t.casefold(): t for t in s.techniques}.items():
            seen[key] += 1
            spelt[key] = name
    return tuple((spelt[key], n) for key, n in sorted(seen.items(), key=lambda kv: (-kv[1], kv[0])))
