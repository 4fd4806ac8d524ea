"""A de-identified report: its blocks through one Deidentifier (views/deidentify.py) before
they are rendered. A chart's markup is never touched: only the text between its tags."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from otjournal.views.deidentify import Deidentifier
    from otjournal.views.report import Block


def deidentified(blocks: Sequence[Block], d: Deidentifier) -> list[Block]:
    """The report's blocks with every name replaced and, if ``d`` shifts dates, every
    date moved; an SVG chart's labels only (a path's numbers are not a phone number)."""
    return [replace(b, text=d.markup(b.text)) if b.kind == "svg" else d.deep(b) for b in blocks]
