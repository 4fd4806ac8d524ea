"""A line the screens indent under another: wrapped, each of its lines keeps the indent."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.padding import Padding

if TYPE_CHECKING:
    from rich.console import RenderableType


def indented(renderable: RenderableType, left: int = 2) -> Padding:
    """``renderable`` indented by ``left`` cells: a line too long for the width wraps
    under its own start, not at the edge (where it read as a line of its own). Never
    padded on the right (copy-paste stays clean)."""
    return Padding(renderable, (0, 0, 0, left), expand=False)
