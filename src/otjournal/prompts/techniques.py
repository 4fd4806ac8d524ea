"""The Techniques question of ``otj log``: the practitioner's list by number, last time's
offered as the default (Enter keeps it), any other name typed, "-" for none."""

from __future__ import annotations

from collections.abc import Sequence

from rich.markup import escape

from otjournal.errors import UsageError
from otjournal.forms.techniques import offered, parse_techniques
from otjournal.model.vocab import NON_CLIENT_TYPES
from otjournal.prompts.base import Asker

HINT = "numbers or names, comma-separated; - for none"


def ask_techniques(flow: Asker, listed: Sequence[str], last: Sequence[str]) -> None:
    """Into ``flow.note["techniques"]``: ``[]`` when none (so asking again offers none,
    not last time's)."""
    if flow.is_given("techniques") or flow.note.get("session_type") in NON_CLIENT_TYPES:
        return  # report writing and liaison use none
    now = flow.note.get("techniques")
    default = list(now) if isinstance(now, list) else list(last)
    offer = offered(listed, last, default)
    if offer:
        flow.say("  ".join(f"[bold]{i}[/] {escape(t)}" for i, t in enumerate(offer, 1)))
    while True:
        raw = flow.ask("Techniques", ", ".join(default), HINT)
        try:
            flow.note["techniques"] = parse_techniques(raw, offer)
            break
        except UsageError as exc:
            flow.say(f"  [yellow]{escape(exc.message)}[/]")
    flow.save()
