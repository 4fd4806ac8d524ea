"""The session note's editor form (``otj log --editor``, and an invalid form reopened with
its errors on top): the note as commented TOML, and the form read back as a note. Pure."""

from __future__ import annotations

from typing import Any

import tomli_w

from otjournal.forms.common import error_header
from otjournal.forms.measures import measure_sections
from otjournal.forms.session import Note, note_day, prune
from otjournal.model import Client
from otjournal.model.client import AmbiguousGoal
from otjournal.model.kinds import HOMEWORK_KINDS
from otjournal.model.vocab import (
    CHECKLIST_ANSWERS,
    FRAMEWORKS,
    LOGGED_TYPES,
    SETTINGS,
)
from otjournal.model.words import CHILD, Words


def kv(key: str, value: Any) -> str:
    """One ``key = value`` line of a form, as TOML writes it."""
    return tomli_w.dumps({key: value}, multiline_strings=True).rstrip("\n")


def editor_form(
    note: Note,
    client: Client | None,
    items: list[tuple[str, str]],
    words: Words = CHILD,
    errors: list[str] | None = None,
    techniques: tuple[str, ...] = (),
) -> str:
    """A pre-filled, commented TOML form. Blank values mean 'not recorded'; ``techniques``
    are the practitioner's list, named in a comment."""
    lines: list[str] = []
    if errors:
        lines += error_header(errors)
    lines += [
        "# otjournal session note. Lines starting with # are comments.",
        "# Save and close the editor to validate and save; leave it empty to keep a draft.",
        "",
        kv("client", note.get("client", "")),
        kv("start", note["start"])
        if note.get("start")
        else 'start = ""  # 2026-03-05T14:30:00+11:00',
        kv("duration_min", note.get("duration_min", 45)),
        kv("session_type", note.get("session_type", "therapy")) + f"  # {' | '.join(LOGGED_TYPES)}",
        kv("setting", note.get("setting", "")) + f"  # {' | '.join(SETTINGS)}",
        kv("attendees", note.get("attendees", [])) + f"  # {', '.join(words.roles)}",
        kv("written_by", note.get("written_by", "")),
        kv("techniques", note.get("techniques", []))
        + (f"  # e.g. {', '.join(techniques)}" if techniques else "  # techniques used"),
        "",
    ]
    rated = {
        _full_id(client, g.get("goal")): g for g in note.get("goals", []) if isinstance(g, dict)
    }
    goals = list(client.goals_to_rate(note_day(note))) if client else []
    lines.append("# Goals addressed: gas = -2 | -1 | 0 | 1 | 2 (interim); leave blank if not.")
    for g in goals:
        r = rated.pop(g.id, {})
        lines += ["[[goals]]", kv("goal", g.id) + f"  # {g.text}"]
        for level in (2, 1, 0, -1, -2):
            if level in g.levels:
                lines.append(f"#   {level:+d}: {g.levels[level]}".replace("+0", " 0"))
        lines += [
            kv("gas", r["gas"]) if "gas" in r else 'gas = ""',
            kv("evidence", r.get("evidence", "")),
            "",
        ]
    for r in rated.values():
        lines += [
            "[[goals]]",
            kv("goal", r.get("goal", "")),
            kv("gas", r["gas"]) if "gas" in r else 'gas = ""',
            kv("evidence", r.get("evidence", "")),
            "",
        ]
    activities = note.get("activities") or [{}]
    lines.append("# Activities: copy the block for more. Adapted in-session is a good sign.")
    for a in activities:
        lines += [
            "[[activities]]",
            kv("name", a.get("name", "")),
            kv("minutes", a["minutes"]) if "minutes" in a else 'minutes = ""',
            kv("child_led", a.get("child_led", False)),
            kv("interest_based", a.get("interest_based", False)),
            kv("movement_sensory", a.get("movement_sensory", False)),
            kv("adapted", a.get("adapted", False)),
            kv("adaptation", a.get("adaptation", "")),
            kv("response", a.get("response", "")),
            "",
        ]
    voice = note.get("child_voice", {})
    care = note.get("caregiver", {})
    reg = note.get("regulation", {})
    framework = reg.get("framework") or (client.regulation_framework if client else "zones")
    states = FRAMEWORKS.get(framework, ())
    lines += [
        f"[child_voice]  # what {words.follow} said or showed, in any mode",
        kv("text", voice.get("text", "")),
        kv("modes", voice.get("modes", [])),
        "",
        "[caregiver]",
        kv("report", care.get("report", "")),
        kv("involvement", care.get("involvement", "")),
        "",
        "[regulation]",
        kv("framework", framework),
        kv("start", reg.get("start", ""))
        + (f"  # {' | '.join(states)} (all OK)" if states else ""),
        kv("end", reg.get("end", "")),
        kv("helped", reg.get("helped", [])),
        kv("notes", reg.get("notes", "")),
        "",
    ]
    if items:  # none for an adult when the seven are skipped and there are no own items
        lines.append(f"# The affirming checklist: answer = {' | '.join(CHECKLIST_ANSWERS)}")
    answered = {c.get("item"): c for c in note.get("checklist", []) if isinstance(c, dict)}
    for key, text in items:
        c = answered.get(key, {})
        lines += [
            "[[checklist]]",
            kv("item", key),
            f"# {text}",
            kv("answer", c.get("answer", "")),
            kv("note", c.get("note", "")),
            "",
        ]
    plan = note.get("plan", {})
    lines += [
        "[plan]",
        kv("summary", plan.get("summary", "")),
        kv("next_focus", plan.get("next_focus", "")),
        "",
        f"# Homework assigned: kind = {' | '.join(HOMEWORK_KINDS)}; per_week optional.",
    ]
    for h in plan.get("homework") or []:
        lines += [
            "[[plan.homework]]",
            kv("id", h.get("id", "")),
            kv("text", h.get("text", "")),
            kv("kind", h.get("kind", "practice")),
        ]
        if h.get("per_week"):
            lines.append(kv("per_week", h["per_week"]))
        lines.append("")
    if not plan.get("homework"):
        lines += ["# [[plan.homework]]", '# text = ""', '# kind = "practice"', "# per_week = 5", ""]
    lines += measure_sections(note)
    return "\n".join(lines + risk_form(note)) + "\n"


def risk_form(note: Note) -> list[str]:
    """The [risk] section: blank status means not recorded."""
    found = note.get("risk")
    risk: dict[str, Any] = found if isinstance(found, dict) else {}
    return [
        "# Risk: status = none-identified | identified; leave it blank if not recorded.",
        "# When identified: what was identified, what was done (action), who was told.",
        "[risk]",
        kv("status", risk.get("status", "")),
        kv("what", risk.get("what", "")),
        kv("action", risk.get("action", "")),
        kv("told", risk.get("told", [])),
        "",
    ]


def _full_id(client: Client | None, gid: Any) -> Any:
    """A goal id as the form lists it: the full id of a goal named short (``g3``)."""
    if client is None or not isinstance(gid, str):
        return gid
    try:
        goal = client.find_goal(gid)
    except AmbiguousGoal:
        return gid
    return goal.id if goal is not None else gid


def form_to_note(data: dict[str, Any]) -> Note:
    """The table read back from the form, blanks removed: a goal with no rating or
    evidence, an activity with no name and nothing ticked, a regulation with no
    states, and an unanswered checklist item all mean 'not recorded'."""
    note: Note = prune(data)  # a table pruned is a table
    note.pop("written_at", None)
    goals = [g for g in note.get("goals", []) if not isinstance(g, dict) or set(g) - {"goal"}]
    activities = [
        a
        for a in note.get("activities", [])
        if not isinstance(a, dict)
        or a.get("name")
        or any(v not in (False, "", None) for k, v in a.items() if k != "name")
    ]
    checklist = [c for c in note.get("checklist", []) if not isinstance(c, dict) or c.get("answer")]
    for key, items in (("goals", goals), ("activities", activities), ("checklist", checklist)):
        if items:
            note[key] = items
        else:
            note.pop(key, None)
    reg = note.get("regulation")
    if isinstance(reg, dict) and not set(reg) - {"framework"}:
        note.pop("regulation")
    return note
