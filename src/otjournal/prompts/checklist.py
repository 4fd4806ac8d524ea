"""The Affirming checklist question of ``otj log``: the seven items of the article (and
the practitioner's own) answered y/p/n/u/- in one line, or item by item with a note."""

from __future__ import annotations

from rich.markup import escape

from otjournal.errors import UsageError
from otjournal.forms.session import ANSWER_LETTERS, parse_checklist_line, set_checklist
from otjournal.prompts.base import Asker


def ask_checklist(flow: Asker, items: list[tuple[str, str]]) -> None:
    """The affirming checklist: one letter per item on one line, or item by item with
    i; Enter skips (keeping any answers given)."""
    if flow.is_given("checklist"):
        return
    for i, (_, text) in enumerate(items, 1):
        flow.say(f" [bold]{i}[/] {escape(text)}")
    # Enter alone skips, as in every other section (and keeps any answers already
    # given); going item by item is asked for with i.
    flow.say(
        "[dim]y yes · p partly · n no · u unsure · - n/a. Type one letter per item "
        "(e.g. yyypyy-), i to go item by item, or Enter to skip.[/]"
    )
    while True:
        raw = flow.ask("Checklist").strip()
        if not raw or raw.lower() == "s":
            return
        if raw.lower() == "i":
            break
        try:
            set_checklist(flow.note, parse_checklist_line(raw, items), items)
            flow.save()
            return
        except UsageError as exc:
            flow.say(f"  [yellow]{escape(exc.message)}[/] [dim]{escape(exc.hint or '')}[/]")
    answered = {c.get("item"): c for c in flow.note.get("checklist", [])}
    out = []
    flow.say(
        "[dim]Answer with a letter; anything after it is kept as a note "
        "(e.g. 'p mum arrived late').[/]"
    )
    for i, (key, text) in enumerate(items, 1):
        flow.say(f"[bold]{i}[/] {escape(text)}")
        before = answered.get(key, {})
        default = next((k for k, v in ANSWER_LETTERS.items() if v == before.get("answer")), "")
        while True:
            raw = flow.ask("  Answer", default)
            letter, note = (raw[:1].lower(), raw[1:].strip()) if raw else ("", "")
            if letter in ANSWER_LETTERS:
                entry = {"item": key, "text": text, "answer": ANSWER_LETTERS[letter]}
                if note or before.get("note"):
                    entry["note"] = note or before.get("note", "")
                out.append(entry)
                flow.note["checklist"] = out
                flow.save()
                flow.hint(note)
                break
            if not raw:
                break  # left unanswered
            flow.say("  [yellow]y, p, n, u or -[/]")
    flow.note["checklist"] = out
    flow.save()
