"""The Risk question of ``otj log``: optional (Enter leaves it not recorded); when
something was identified, what, what was done and who was told are needed to save."""

from __future__ import annotations

from typing import Any

from otjournal.forms.session import put
from otjournal.model.vocab import NON_CLIENT_TYPES
from otjournal.prompts.base import Asker


def ask_risk(flow: Asker) -> None:
    """Optional: Enter leaves risk not recorded (or as it was)."""
    if flow.is_given("risk") or flow.note.get("session_type") in NON_CLIENT_TYPES:
        return
    found = flow.note.get("risk")
    before: dict[str, Any] = found if isinstance(found, dict) else {}
    was = {"none-identified": "n", "identified": "i"}.get(before.get("status", ""), "")
    hint = "Enter: not recorded, n: none identified, i: identified"
    while (answer := flow.ask("Risk", was, hint).lower()) not in ("", "n", "i"):
        flow.say("  [yellow]Please answer n, i, or Enter to leave it not recorded.[/]")
    if not answer:
        return
    if answer == "n":
        flow.note["risk"] = {"status": "none-identified"}
        flow.save()
        return
    flow.note["risk"] = {**before, "status": "identified"}
    flow.save()
    for key, label in (
        ("risk.what", "  What was identified"),
        ("risk.action", "  What was done"),
    ):
        while not flow.ask_text(key, label, multiline=False).strip():
            flow.say("  [yellow]A few words are needed to save the note.[/]")
    told = flow.ask("  Who was told", ", ".join(before.get("told", [])), "comma-separated")
    put(flow.note, "risk.told", [t.strip() for t in told.split(",") if t.strip()])
    flow.save()
