"""A de-identified report: its content passed through one text function before it is
rendered (markup is never touched).

ADAPTER: ``deidentify`` is the one call the lead switches to views/deidentify.py
(``Deidentifier.for_client(client, extra_names, shift_days)``, ``.text``, ``.day``)
when it lands; until then it uses the report's own name list below.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from otjournal.views.report import Block

if TYPE_CHECKING:
    from otjournal.model import Client


def deidentify(blocks: Sequence[Block], client: Client, extra_names: Sequence[str]) -> list[Block]:
    """ADAPTER: the report's blocks with every name replaced. To switch:
    ``d = Deidentifier.for_client(client, extra_names, shift_days)`` and
    ``return redact_blocks(blocks, d.text)``."""
    names = [p.name for p in client.people] + list(extra_names)
    pairs = pseudonyms(client, names)
    return redact_blocks(blocks, lambda text: redact(text, pairs))


def pseudonyms(client: Client, extra_names: Sequence[str]) -> list[tuple[str, str]]:
    """(name, code) pairs, longest first so a full name goes before its parts."""
    pairs: list[tuple[str, str]] = []

    def add(name: str, code: str) -> None:
        name = name.strip()
        if not name:
            return
        pairs.append((name, code))
        for part in re.split(r"[\s.\-'’]+", name):
            if len(part) >= 2:
                pairs.append((part, code))

    add(client.display_name, "Participant")
    pairs.append((client.handle, "participant"))
    for i, cg in enumerate(client.caregivers, 1):
        add(cg.name, f"Caregiver {i}")
    for i, name in enumerate(extra_names, 1):
        add(name, f"Person {i}")
    seen: set[str] = set()
    unique = []
    for name, code in sorted(pairs, key=lambda p: -len(p[0])):
        if name.lower() not in seen:
            seen.add(name.lower())
            unique.append((name, code))
    return unique


def _name_pattern(name: str, whole_word: bool) -> re.Pattern[str]:
    # Straight and curly apostrophes are the same letter in a name.
    body = "".join("['’]" if c in "'’" else re.escape(c) for c in name)
    return re.compile(rf"(?<!\w){body}(?!\w)" if whole_word else body, re.IGNORECASE)


def redact(text: str, pairs: Sequence[tuple[str, str]]) -> str:
    """Replace each name wherever it stands as a word; then, so that nothing leaks, any
    name of 3+ letters still inside a longer word (over-redacting rather than leaking)."""
    for name, code in pairs:
        text = _name_pattern(name, True).sub(code, text)
    for name, code in pairs:
        if len(name) >= 3:
            text = _name_pattern(name, False).sub(code, text)
    return text


def redact_blocks(blocks: Sequence[Block], text: Callable[[str], str]) -> list[Block]:
    """Every block's words through ``text``; a chart's labels only, never its markup."""

    def one(value: Any) -> Any:
        if isinstance(value, str):
            return text(value)
        if isinstance(value, Block):
            return redact_blocks([value], text)[0]
        if isinstance(value, tuple):
            return tuple(one(v) for v in value)
        return value

    out = []
    for b in blocks:
        if b.kind == "svg":  # only the text between tags and the labels
            svg = re.sub(r">([^<]+)<", lambda m: ">" + text(m.group(1)) + "<", b.text)
            svg = re.sub(
                r"aria-label='([^']*)'", lambda m: "aria-label='" + text(m.group(1)) + "'", svg
            )
            out.append(Block("svg", svg, cite=text(b.cite)))
        else:
            out.append(Block(b.kind, one(b.text), one(b.items), one(b.cite)))
    return out
