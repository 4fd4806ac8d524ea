"""Rich renderables for clients, goals and sessions. Returns renderables; never prints.

Wording is neutral and strengths-based: regulation states are shown as they
were, with no colour that ranks them; an adapted activity is marked as such,
positively; homework not done is "not this time".
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import TYPE_CHECKING

from rich.console import Group, RenderableType
from rich.text import Text

from otjournal.model import Client, HomeworkEntry, Session
from otjournal.model.kinds import homework_kind
from otjournal.model.parts import Answers
from otjournal.model.risk import AWAY, Risk, status_words
from otjournal.model.vocab import (
    CHECKLIST_KEYS,
    FRAMEWORK_NAMES,
)
from otjournal.model.words import words_for
from otjournal.numbers.amended import WHOLE_NOTE, Reading, corrects_line, read_now, was
from otjournal.views import controls as render_controls
from otjournal.views import textgrid
from otjournal.views.closing import closing_detail
from otjournal.views.intake import intake_detail
from otjournal.views.lines import Hanging, indented
from otjournal.views.measures import session_pairs
from otjournal.views.rows import SESSION_COLUMNS, gas, goals_heading, session_cells

if TYPE_CHECKING:
    from typing import Any

    from otjournal.model import ChecklistAnswer

render_controls.show_control_characters()  # before any Text holds note text

ANSWER_MARK = {"yes": "yes", "partly": "partly", "no": "no", "unsure": "unsure", "n-a": "n/a"}


def when(session: Session) -> str:
    return f"{session.start:%Y-%m-%d %H:%M}"


# Tables of free text are textgrid Grids: at any width every cell is shown whole (a
# narrow terminal puts the text column under its row, or stacks the row).
def sessions_table(sessions: Sequence[Session]) -> textgrid.Grid:
    return textgrid.Grid(SESSION_COLUMNS, [session_cells(s) for s in sessions])


def _section(title: str, body: Iterable[RenderableType]) -> RenderableType:
    items = list(body)
    if not items:
        return Group()
    return Group(Text(title, style="bold"), indented(Group(*items), 2), Text(""))


def _para(label: str, value: str) -> list[RenderableType]:
    return [Text.assemble((f"{label}: ", "italic"), value)] if value else []


def _amended(reading: Reading, path: str) -> list[RenderableType]:
    """Under a text field as written: what it reads now, or which amendment names it."""
    c = reading.changes.get(path)
    if c is None:
        return []
    if c.changed:
        return [Text.assemble((f"amended {c.at:%Y-%m-%d}, now reads: ", "italic"), _people(c.now))]
    return [Text(f"(see the {c.kind} of {c.at:%Y-%m-%d} below)", style="italic")]


def _detail(reading: Reading, path: str, label: str, written: str) -> list[RenderableType]:
    """A risk's detail as written, and what it reads now: one a correction gave the note
    under its own label, one a correction set aside (or emptied) marked so."""
    c = reading.changes.get(path)
    if c is None or not c.changed:  # one the note never had and has not now: nothing
        return [*_para(label, written), *_amended(reading, path)] if written else []
    if not c.now:
        return _para(label + AWAY, written)
    if not written:
        return [Text.assemble((f"{label} (amended {c.at:%Y-%m-%d}): ", "italic"), _people(c.now))]
    return [*_para(label, written), *_amended(reading, path)]


def _people(value: Any) -> str:
    return ", ".join(value) if isinstance(value, list | tuple) else str(value)


def session_detail(session: Session, client: Client | None) -> RenderableType:
    """The note as written; a corrected value shows what holds now (and what it was), a
    corrected text what it reads now, below it; the amendments follow the note."""
    s = session
    reading = read_now(s)
    now, ch = reading.session, reading.changes
    name = client.display_name if client else s.client
    words = words_for(client, s.start.date())  # the client's age on the session's day
    # Written on a device in another zone: said at the session's offset, as the printout
    # says it (else it could read as written before the session took place).
    written = s.written_at.astimezone(s.start.tzinfo)
    header = Text.assemble(
        (f"{name}", "bold"),
        f" ({s.client}) · {when(s)}–{now.end:%H:%M} · ",
        f"{now.duration_min} min{was(ch.get('duration_min'))} · {s.session_type} · {s.setting}",
    )
    shown_id = s.id if s.id != "new" else "(given when saved)"
    meta = Text(
        f"id {shown_id} · attended: {', '.join(now.attendees) or '–'}"
        f"{was(ch.get('attendees'), _people)} · "
        f"written by {s.written_by} at {written:%Y-%m-%d %H:%M}"
    )
    if s.late_entry:
        meta.append(" · late entry", style="bold")
    if WHOLE_NOTE in ch:
        meta.append(f" · corrected {ch[WHOLE_NOTE].at:%Y-%m-%d} (see the amendments)", style="bold")
    out: list[RenderableType] = [header, meta, Text(""), intake_detail(s, client)]

    goals: list[RenderableType] = []
    for g, ng in zip(s.goals, now.goals, strict=True):
        goal = client.goal(g.goal) if client else None
        title = goal.text if goal else g.goal
        at = f"goals[{g.goal}]"
        goals.append(
            Text.assemble(
                (f"{gas(ng.gas):>3} ", "bold"),
                f"{g.goal} {title}",
                (was(ch.get(f"{at}.gas"), gas).replace(" (", " (GAS ", 1), "italic"),
            )
        )
        below: list[RenderableType] = [Text(g.evidence)] if g.evidence else []
        below += _amended(reading, f"{at}.evidence")
        for key, label in (("performance", "COPM performance"), ("satisfaction", "satisfaction")):
            copm = ch.get(f"{at}.copm_{key}")
            if copm is not None and copm.changed:
                below.append(Text(f"{label} {copm.now}{was(copm)}", style="italic"))
        if below:
            goals.append(indented(Group(*below), 4))
    out.append(_section(goals_heading(s), goals))

    acts: list[RenderableType] = []
    for n, a in enumerate(s.activities, start=1):
        tags = [
            t
            for t, on in (
                (words.led, a.child_led),
                ("interest-based", a.interest_based),
                ("movement/sensory", a.movement_sensory),
                ("adapted in-session", a.adapted),
            )
            if on
        ]
        line = Text.assemble((a.name, "bold"))
        if a.minutes is not None:
            line.append(f" · {a.minutes} min")
        if tags:
            line.append(" · " + ", ".join(tags))
        acts.append(line)
        sub = [
            *_amended(reading, f"activities[{n}].name"),
            *_para("adapted", a.adaptation),
            *_amended(reading, f"activities[{n}].adaptation"),
            *_para("response", a.response),
            *_amended(reading, f"activities[{n}].response"),
        ]
        if sub:
            acts.append(indented(Group(*sub), 2))
    out.append(_section("Activities", acts))
    if now.techniques or "techniques" in ch:
        used = ", ".join(now.techniques) or "none"
        out.append(_section("Techniques", [Text(used + was(ch.get("techniques"), _people))]))

    voice = _para("in their words", s.child_voice.text) + _amended(reading, "child_voice.text")
    if s.child_voice.modes:
        voice.append(Text(f"communication: {', '.join(s.child_voice.modes)}"))
    out.append(_section(words.voice_heading, voice))
    out.append(
        _section(
            "Caregiver",
            _para("report", s.caregiver.report)
            + _amended(reading, "caregiver.report")
            + _para("involvement", s.caregiver.involvement)
            + _amended(reading, "caregiver.involvement"),
        )
    )
    if s.regulation is not None:
        r = s.regulation
        reg: list[RenderableType] = [
            Text(
                f"{FRAMEWORK_NAMES.get(r.framework, r.framework)}: "
                f"{r.start or '–'} → {r.end or '–'}"
            )
        ]
        if r.helped:
            reg.append(Text(f"what helped: {', '.join(r.helped)}"))
        reg += _para("notes", r.notes) + _amended(reading, "regulation.notes")
        out.append(_section("Regulation", reg))

    checks: list[RenderableType] = []
    for c in sorted(s.checklist, key=_checklist_order):
        answer = ch.get(f"checklist[{c.item}].answer")
        shown = str(answer.now) if answer is not None else c.answer
        checks.append(
            Hanging(
                Text(f"{ANSWER_MARK.get(shown, shown):>6}  ", style="bold"),
                Text.assemble(c.text, (was(answer, lambda v: ANSWER_MARK.get(v, v)), "italic")),
            )
        )
        if c.note or c.by:
            extra = c.note + (f" ({c.by})" if c.by else "")
            checks.append(indented(Text(extra.strip(), style="italic"), 8))
        checks += [indented(t, 8) for t in _amended(reading, f"checklist[{c.item}].note")]
    out.append(_section("Affirming checklist", checks))

    plan = [
        *_para("summary", s.plan.summary),
        *_amended(reading, "plan.summary"),
        *_para("next session", s.plan.next_focus),
        *_amended(reading, "plan.next_focus"),
    ]
    for h in s.plan.homework:
        freq = f", {h.per_week}× a week" if h.per_week else ""
        label = f"homework [{h.id}]" if h.id else "homework"
        plan.append(Text(f"{label} ({h.kind}{freq}): {h.text}"))
        plan += _amended(reading, f"plan.homework[{h.id}].text")
    out.append(_section("Plan", plan))
    if s.risk is not None or now.risk is not None:  # a correction may give one
        rk = s.risk or Risk("")
        status = status_words(now.risk.status if now.risk else "")
        risk = [
            Text(status + was(ch.get("risk.status"), status_words)),
            *_detail(reading, "risk.what", "what", rk.what),
            *_detail(reading, "risk.action", "what was done", rk.action),
            *_detail(reading, "risk.told", "who was told", ", ".join(rk.told)),
        ]
        out.append(_section("Risk", risk))

    measures = [Text.assemble((f"{name}: ", "italic"), v) for name, v in session_pairs(reading)]
    out.append(_section("Session measures", measures))
    out += closing_detail(s, client)  # a review's COPM at T2, a discharge's [discharge]

    amends: list[RenderableType] = []
    for i, am in enumerate(s.amendments):
        amends.append(Text.assemble((f"{am.at:%Y-%m-%d %H:%M} {am.kind} by {am.by}", "bold")))
        if am.original:
            amends.append(indented(Text(f"original: {am.original}", style="italic"), 2))
        amends.append(indented(Text(am.text), 2))
        where = corrects_line(reading, i)
        if where:
            amends.append(indented(Text(where, style="italic"), 2))
    out.append(_section("Amendments", amends))
    return Group(*out)


def _checklist_order(answer: ChecklistAnswer) -> int:
    item = answer.item
    return CHECKLIST_KEYS.index(item) if item in CHECKLIST_KEYS else len(CHECKLIST_KEYS)


def homework_line(entry: HomeworkEntry, steps: Mapping[str, str] | None = None) -> Text:
    """``2026-03-07 practice: done``: the kind's one line, as its spec draws it; an
    exposure's step in its words (``steps``: each step's id → ``Step.named``)."""
    spec = homework_kind(entry.entry_kind)
    part = entry.part
    if steps and isinstance(part, Answers) and part.get("step") in steps:
        part = Answers(tuple((k, steps[v] if k == "step" else v) for k, v in part.values))
    detail = spec.one_line(part) if spec is not None else ""
    return Text(f"{entry.at:%Y-%m-%d} {entry.entry_kind}: {detail}".rstrip(": "))


def age(born: date, today: date) -> int:
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))
