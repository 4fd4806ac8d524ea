"""The session measures in the note's editor form: an [ors] and an [srs] section with a
comment on each scale, blank until recorded (both optional; see model/measures.py). Pure."""

from __future__ import annotations

from typing import Any

import tomli_w

from otjournal.model.measures import ORS_ITEMS, SRS_ITEMS

_SCALES = (
    (
        "ors",
        ORS_ITEMS,
        "# Outcome Rating Scale (optional): each item 0-10; total 0-40, clinical cut-off 25.",
    ),
    (
        "srs",
        SRS_ITEMS,
        "# Session Rating Scale, or CSRS for young people (optional): each item 0-10; a total of\n"
        "# 36 or less is worth talking about together.",
    ),
)


def measure_sections(note: dict[str, Any]) -> list[str]:
    """The two sections, each item blank unless the note has it: blank means 'not
    recorded', and a scale with every item blank is left out of the note."""
    lines: list[str] = []
    for key, items, about in _SCALES:
        given = note.get(key)
        table = given if isinstance(given, dict) else {}
        lines += [about, f"[{key}]"]
        lines += [_kv(k, table.get(k, "")) for k in items]
        lines += [_kv(k, v) for k, v in table.items() if k not in items]
        lines.append("")
    return lines


def _kv(key: str, value: Any) -> str:
    return tomli_w.dumps({key: value}).rstrip("\n")
