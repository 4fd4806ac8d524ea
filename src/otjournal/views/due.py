"""``otj due`` on screen: a heading, then each item as a line naming the client, what is
due and when, with its detail and the command that deals with it indented under it.
Plain lines laid out for the width (no Rich console: nothing here is styled), in the
tool's own words only, ASCII, so any terminal and any output encoding shows them whole."""

from __future__ import annotations

from typing import TYPE_CHECKING

from otjournal.numbers.due import ago
from otjournal.views.textgrid import wrap

if TYPE_CHECKING:
    from otjournal.numbers.due import Caseload, Due

INDENT = "    "


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def _clients(c: Caseload) -> str:
    said = _count(c.active_clients, "active client", "active clients")
    if c.last_seen is not None:
        said += f", last session {ago(c.last_seen, c.today)}"
    return said


def heading(c: Caseload) -> str:
    if not c.items:
        return f"Nothing due. {_clients(c)}."
    soon = sum(1 for d in c.items if d.soon)
    now = len(c.items) - soon
    parts = [f"{now} due"] if now else []
    parts += [f"{soon} coming up"] if soon else []
    return f"{c.today}: {', '.join(parts)}. {_clients(c)}."


def item_lines(d: Due, width: int) -> list[str]:
    """The client and what is due on the first line, so the eye runs down them; the
    detail and the command under it."""
    out = wrap(f"{d.client or '(no client)'}: {d.headline}", width, "", INDENT)
    if d.detail:
        out += wrap(d.detail, width, INDENT)
    return out + wrap(d.command, width, INDENT, INDENT + "  ")


def lines(c: Caseload, width: int) -> list[str]:
    """The whole screen, each line at most ``width`` cells (a word longer than a line
    is folded: a command at 20 columns still reads in order)."""
    width = max(width, 20)
    out = wrap(heading(c), width)
    for d in c.items:
        out += ["", *item_lines(d, width)]
    return out
