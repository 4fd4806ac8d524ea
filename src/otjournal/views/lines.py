"""Lines the screens indent: wrapped, each of their lines keeps the indent."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.padding import Padding
from rich.text import Text

if TYPE_CHECKING:
    from rich.console import Console, ConsoleOptions, RenderableType, RenderResult


def indented(renderable: RenderableType, left: int = 2) -> Padding:
    """``renderable`` indented by ``left`` cells: a line too long for the width wraps
    under its own start, not at the edge (where it read as a line of its own). Never
    padded on the right (copy-paste stays clean)."""
    return Padding(renderable, (0, 0, 0, left), expand=False)


class Hanging:
    """A mark, and a text wrapped beside it: each line after the first starts under the
    text, not under the mark (an answer beside a checklist item)."""

    def __init__(self, mark: Text, text: Text) -> None:
        self.mark, self.text = mark, text

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        indent = self.mark.cell_len
        lines = self.text.wrap(console, max(1, options.max_width - indent))
        for i, line in enumerate(lines):
            line.rstrip()
            if i:  # a line after a word folded may start with the space that followed it
                line = line[len(line.plain) - len(line.plain.lstrip(" ")) :]
                if not line.plain:
                    continue
            yield Text.assemble(self.mark if i == 0 else " " * indent, line)
