"""One session note, whole, as plain text, Markdown or a self-contained HTML page that
prints on A4: what practice suites give as a "PDF of the note", and what a client who
asks to see their record (APP 12) is given.

Every word of the note appears as written, nothing summarised or left out; amendments
follow the note with their kind, who, when and the corrected wording. Control characters
and bidi overrides in the text are shown as visible escapes (``visible()``), never
obeyed, in every format. Pure: the note, its client and the practitioner in, text out.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime
from html import escape
from typing import TYPE_CHECKING, Any

from otjournal.dates import utc_offset
from otjournal.frozen import frozen
from otjournal.model import Client, Session
from otjournal.model.risk import AWAY, Risk, status_words
from otjournal.model.vocab import CHECKLIST_KEYS, FRAMEWORK_NAMES
from otjournal.model.words import words_for
from otjournal.numbers.amended import WHOLE_NOTE, Reading, corrects_line, read_now, was
from otjournal.views.measures import session_pairs
from otjournal.views.report import CSS, html_page
from otjournal.views.rows import gas, goals_heading
from otjournal.views.visible import visible

if TYPE_CHECKING:
    from otjournal.model import Activity, Amendment, ChecklistAnswer, GoalRating

FORMATS = ("text", "md", "html")


@frozen
class Entry:
    """One item of a section: a heading line, then labelled pieces of text."""

    head: str
    fields: tuple[tuple[str, str], ...] = ()


@frozen
class Section:
    title: str
    entries: tuple[Entry, ...]


@frozen
class NoteDoc:
    """The note laid out for reading; every string already made safe with visible()."""

    title: str
    header: tuple[tuple[str, str], ...]
    sections: tuple[Section, ...]
    page_title: str


def build(
    session: Session,
    client: Client | None,
    *,
    practitioner: str = "",
    registration: str = "",
    printed: date | None = None,
) -> NoteDoc:
    # These modules also draw the note for `show`, with Rich, which the progress report
    # (it uses md_text below) would load for nothing: about 15 ms.
    from otjournal.views.closing import printout_sections
    from otjournal.views.intake import intake_sections

    s = session
    reading = read_now(s)
    now, ch = reading.session, reading.changes
    title = "Session note" + (" (late entry)" if s.late_entry else "")
    name = s.client
    if client and client.display_name.strip() not in ("", s.client):
        name = f"{client.display_name} ({s.client})"
    words = words_for(client, s.start.date())  # the client's age on the session's day
    header: list[tuple[str, str]] = [("Client", name)]
    if client and client.date_of_birth:
        header.append(("Date of birth", str(client.date_of_birth)))
    e = now.end
    end = f"{e:%H:%M}" if e.date() == s.start.date() else f"{e:%Y-%m-%d %H:%M}"
    minutes = f"{now.duration_min} min{was(ch.get('duration_min'))}"
    attended = ", ".join(now.attendees) or "not recorded"
    header += [
        ("Session", f"{s.start:%Y-%m-%d %H:%M}–{end} {_offset(s.start)}, {minutes}"),
        ("Kind", f"{s.session_type}, {s.setting}"),
        ("Attended", attended + was(ch.get("attendees"), lambda v: ", ".join(v))),
    ]
    if now.techniques or "techniques" in ch:
        used = ", ".join(now.techniques) or "none"
        header.append(("Techniques", used + was(ch.get("techniques"), lambda v: ", ".join(v))))
    if practitioner:
        reg = f" (registration {registration})" if registration else ""
        header.append(("Practitioner", practitioner + reg))
    # In the session's time zone, as the late-entry line counts days: one date for both.
    written_at = s.written_at.astimezone(s.start.tzinfo)
    header.append(("Written by", f"{s.written_by}, {_when(written_at)}"))
    if s.late_entry:
        written = written_at.date()  # days where it happened
        days = (written - s.start.date()).days
        after = ""
        if days > 0:
            after = f", {days} day{'' if days == 1 else 's'} after the session"
        header.append(("Late entry", f"yes: written {written}{after}"))
    header.append(("Note id", s.id))
    if s.amendments:
        n = len(s.amendments)
        header.append(("Amendments", f"{n}, shown after the note"))
    if WHOLE_NOTE in ch:
        day = f"{ch[WHOLE_NOTE].at:%Y-%m-%d}"
        header.append(("Corrected", f"{day}, no field named: see Amendments"))
    if printed:
        header.append(("Printed", str(printed)))

    sections = [
        *intake_sections(s, client),
        Section(
            goals_heading(s),
            tuple(
                _goal(g, ng, client, _gas_label(s), reading)
                for g, ng in zip(s.goals, now.goals, strict=True)
            ),
        ),
        Section(
            "Activities",
            tuple(_activity(a, n, reading, words.led) for n, a in enumerate(s.activities, start=1)),
        ),
        Section(
            words.voice_heading,
            _one(
                ("In their words", s.child_voice.text),
                *_amended(reading, "child_voice.text", "In their words"),
                ("Communication", ", ".join(s.child_voice.modes)),
                *_extras(s.child_voice.extra),
            ),
        ),
        Section(
            "Caregiver",
            _one(
                ("Report", s.caregiver.report),
                *_amended(reading, "caregiver.report", "Report"),
                ("Involvement", s.caregiver.involvement),
                *_amended(reading, "caregiver.involvement", "Involvement"),
                *_extras(s.caregiver.extra),
            ),
        ),
    ]
    if s.regulation is not None:
        r = s.regulation
        sections.append(
            Section(
                "Regulation",
                (
                    Entry(
                        FRAMEWORK_NAMES.get(r.framework, r.framework),
                        _fields(
                            ("Start", r.start),
                            ("End", r.end),
                            ("What helped", ", ".join(r.helped)),
                            ("Notes", r.notes),
                            *_amended(reading, "regulation.notes", "Notes"),
                            *_extras(r.extra),
                        ),
                    ),
                ),
            )
        )
    checklist = sorted(s.checklist, key=_checklist_order)
    sections.append(
        Section(
            "Affirming checklist",
            tuple(
                Entry(
                    c.text or c.item,
                    _fields(
                        ("Answer", _answer(c, reading)),
                        ("By", c.by),
                        ("Note", c.note),
                        *_amended(reading, f"checklist[{c.item}].note", "Note"),
                        *_extras(c.extra),
                    ),
                )
                for c in checklist
            ),
        )
    )
    plan = _one(
        ("Summary", s.plan.summary),
        *_amended(reading, "plan.summary", "Summary"),
        ("Next session", s.plan.next_focus),
        *_amended(reading, "plan.next_focus", "Next session"),
        *_extras(s.plan.extra),
    )
    homework = tuple(
        Entry(
            f"Homework: {h.text}",
            _fields(
                *_amended(reading, f"plan.homework[{h.id}].text", "Homework"),
                ("Kind", h.kind),
                ("Times a week", str(h.per_week or "")),
                ("From", str(h.since or "")),
                ("Until", str(h.until or "")),
                ("Id", h.id),
                *_extras(h.extra),
            ),
        )
        for h in s.plan.homework
    )
    sections.append(Section("Plan", plan + homework))
    sections.append(Section("Session measures", _one(*session_pairs(reading))))
    if s.risk is not None or now.risk is not None:  # a correction may give one
        rk = s.risk or Risk("")
        status = status_words(now.risk.status if now.risk else "")
        risk = _one(
            ("Risk", status + was(ch.get("risk.status"), status_words)),
            *_detail(reading, "risk.what", "What was identified", rk.what),
            *_detail(reading, "risk.action", "What was done", rk.action),
            *_detail(reading, "risk.told", "Who was told", ", ".join(rk.told)),
            *_extras(rk.extra),
        )
        sections.append(Section("Risk", risk))
    sections += printout_sections(s, client)  # a review's COPM at T2, a discharge's table
    sections.append(Section("Other recorded fields", _one(*_extras(s.extra))))
    sections.append(
        Section(
            "Amendments",
            tuple(
                Entry(
                    f"{a.kind.capitalize().replace('-', ' ')} by {a.by}, {_when(a.at)}",
                    _fields(
                        ("Original wording", a.original),
                        # A correction's text is its corrected wording, unless it only
                        # gives values (then it says why).
                        ("Corrected wording" if _rewords(a) else "Text", a.text),
                        ("Corrects" if a.corrects else "About", _where(reading, i)),
                        *_extras({k: v for k, v in a.extra.items() if k not in TARGET_KEYS}),
                    ),
                )
                for i, a in enumerate(s.amendments)
            ),
        )
    )
    return NoteDoc(
        title=visible(title),
        header=tuple((label, visible(value)) for label, value in header),
        sections=tuple(
            Section(sec.title, tuple(_safe(e) for e in sec.entries))
            for sec in sections
            if sec.entries
        ),
        page_title=visible(f"Session note {s.id}"),
    )


TARGET_KEYS = ("field", "values")  # shown as what the amendment corrects


def _where(reading: Reading, index: int) -> str:
    return corrects_line(reading, index).partition(": ")[2]


def _amended(reading: Reading, path: str, label: str) -> list[tuple[str, str]]:
    """After a text field as written: what it reads now, or which amendment names it."""
    c = reading.changes.get(path)
    if c is None:
        return []
    if c.changed:
        now = ", ".join(c.now) if isinstance(c.now, list | tuple) else str(c.now)
        return [(f"{label}, as amended {c.at:%Y-%m-%d}", now)]
    return [(f"{label}, amended", f"see the {c.kind} of {c.at:%Y-%m-%d}, after the note")]


def _rewords(a: Amendment) -> bool:
    return a.kind == "correction" and not (a.values and not a.field_path)


def _detail(reading: Reading, path: str, label: str, written: str) -> list[tuple[str, str]]:
    """A risk's detail as written, and what it reads now; one a correction set aside (or
    emptied) marked so (as ``show`` says it)."""
    c = reading.changes.get(path)
    if c is not None and c.changed and not c.now:
        return [(label + AWAY, written)]
    if not written and (c is None or not c.changed):  # never had, has not now: nothing
        return []
    return [(label, written), *_amended(reading, path, label)]


def _answer(c: ChecklistAnswer, reading: Reading) -> str:
    change = reading.changes.get(f"checklist[{c.item}].answer")
    answer = str(change.now) if change is not None else c.answer
    return _word(answer) + was(change, _word)


def _word(answer: str) -> str:
    return "n/a" if answer == "n-a" else answer


def _gas_label(s: Session) -> str:
    return "GAS at review" if s.session_type == "review" else "Interim GAS"


def _goal(
    g: GoalRating, now: GoalRating, client: Client | None, label: str, reading: Reading
) -> Entry:
    goal = client.goal(g.goal) if client else None
    at = f"goals[{g.goal}]"
    rated = gas(now.gas) + was(reading.changes.get(f"{at}.gas"), gas) if now.gas is not None else ""
    copm = [
        (name, f"{value}{was(reading.changes.get(f'{at}.{key}'))}")
        for key, name, value in (
            ("copm_performance", "COPM performance", now.copm_performance),
            ("copm_satisfaction", "COPM satisfaction", now.copm_satisfaction),
        )
        if reading.changes.get(f"{at}.{key}") is not None
    ]
    return Entry(
        f"{g.goal}: {goal.text}" if goal else g.goal,
        _fields(
            (label, rated),
            ("Evidence", g.evidence),
            *_amended(reading, f"{at}.evidence", "Evidence"),
            *copm,
            *_extras(g.extra),
        ),
    )


def _activity(a: Activity, n: int, reading: Reading, led: str) -> Entry:
    ways = [
        word
        for word, on in (
            (led, a.child_led),
            ("interest-based", a.interest_based),
            ("movement/sensory", a.movement_sensory),
            ("adapted in-session", a.adapted),
        )
        if on
    ]
    return Entry(
        a.name,
        _fields(
            ("Minutes", "" if a.minutes is None else str(a.minutes)),
            ("Approach", ", ".join(ways)),
            ("Goals", ", ".join(a.goals)),
            *_amended(reading, f"activities[{n}].name", "Name"),
            ("Adaptation", a.adaptation),
            *_amended(reading, f"activities[{n}].adaptation", "Adaptation"),
            ("Response", a.response),
            *_amended(reading, f"activities[{n}].response", "Response"),
            *_extras(a.extra),
        ),
    )


def _fields(*pairs: tuple[str, str]) -> tuple[tuple[str, str], ...]:
    return tuple((label, text) for label, text in pairs if text)


def _one(*pairs: tuple[str, str]) -> tuple[Entry, ...]:
    fields = _fields(*pairs)
    return (Entry("", fields),) if fields else ()


def _safe(e: Entry) -> Entry:
    return Entry(visible(e.head), tuple((visible(k), visible(v)) for k, v in e.fields))


def _extras(extra: Mapping[str, Any]) -> list[tuple[str, str]]:
    """A person's own keys in the file are part of the note too."""
    return [(str(k), _plain(v)) for k, v in extra.items()]


def _plain(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return "; ".join(f"{k}: {_plain(v)}" for k, v in value.items())
    if isinstance(value, list | tuple):
        return ", ".join(_plain(v) for v in value)
    return str(value)


def _when(at: datetime) -> str:
    return f"{at:%Y-%m-%d %H:%M} {_offset(at)}"


def _checklist_order(answer: ChecklistAnswer) -> int:
    return (
        CHECKLIST_KEYS.index(answer.item) if answer.item in CHECKLIST_KEYS else len(CHECKLIST_KEYS)
    )


def render(doc: NoteDoc, fmt: str) -> str:
    if fmt == "text":
        return to_text(doc)
    if fmt == "md":
        return to_markdown(doc)
    if fmt == "html":
        return to_html(doc)
    raise ValueError(fmt)


# -- plain text ------------------------------------------------------------------------


def _lines(label: str, text: str, indent: str) -> list[str]:
    """``label: first line``, later lines indented under it."""
    first, *rest = text.split("\n")
    return [f"{indent}{label}{first}".rstrip(), *(f"{indent}    {line}".rstrip() for line in rest)]


def to_text(doc: NoteDoc) -> str:
    out = [doc.title, "=" * len(doc.title), ""]
    width = max(len(label) for label, _ in doc.header) + 2
    out += [line for label, v in doc.header for line in _lines(f"{label}:".ljust(width), v, "")]
    for sec in doc.sections:
        out += ["", sec.title, "-" * len(sec.title)]
        for i, e in enumerate(sec.entries):
            if i:
                out.append("")
            if e.head:
                out += _lines("", e.head, "")
            for label, text in e.fields:
                out += _lines(f"{label}: ", text, "  " if e.head else "")
    return "\n".join(out) + "\n"


# -- Markdown --------------------------------------------------------------------------

# Intra-word underscores (note ids, handles) are not emphasis: left as they are.
_MD_SPECIAL = re.compile(r"([\\`*\[\]<>#|~&])|(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])")
_MD_LINE_START = re.compile(r"^(\s*)(?:([-+=])|\d+([.)]))")


def md_text(text: str, indent: str = "", *, at_line_start: bool = False) -> str:
    """Text that Markdown shows as written: its punctuation escaped, its lines kept
    (hard breaks; later lines indented by ``indent`` to stay in a list item).
    ``at_line_start``: the first line begins a line too (a quote's, after "> ")."""
    lines = []
    for n, line in enumerate(text.rstrip("\n").split("\n")):
        line = _MD_SPECIAL.sub(lambda m: "\\" + m.group(), line)
        m = _MD_LINE_START.match(line)
        if (n or at_line_start) and m:  # would start a list item or underline a heading
            cut = m.start(2) if m.group(2) else m.start(3)
            line = line[:cut] + "\\" + line[cut:]
        lines.append(line)
    return f"\\\n{indent}".join(lines)


def to_markdown(doc: NoteDoc) -> str:
    out = [f"# {md_text(doc.title)}", ""]
    out += [f"- **{label}:** {md_text(value, '  ')}" for label, value in doc.header]
    for sec in doc.sections:
        out += ["", f"## {sec.title}", ""]
        for e in sec.entries:
            if e.head:
                out.append(f"**{md_text(e.head)}**" + ("\n" if e.fields else ""))
            out += [f"- *{label}:* {md_text(text, '  ')}" for label, text in e.fields]
            out.append("")
        out.pop()
    return "\n".join(out) + "\n"


# -- HTML ------------------------------------------------------------------------------

PRINT_CSS = (
    CSS
    + """
@page{size:A4;margin:16mm 15mm}
table.header th{text-align:left;font-weight:600;white-space:nowrap;padding:.2rem .8rem .2rem 0;
vertical-align:top;border-block-end:1px solid #dadce0}
table.header td{white-space:pre-wrap;overflow-wrap:anywhere}
.entry{margin:.6rem 0 .9rem}
.head{font-weight:600;margin:0 0 .2rem;white-space:pre-wrap;overflow-wrap:anywhere}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.15rem .8rem;margin:0}
dt{color:#5f6368}
dd{margin:0;white-space:pre-wrap;overflow-wrap:anywhere}
section.amendments .entry{border-left:3px solid #1f4e79;padding-left:.6rem}
@media print{body{font-size:11pt}.entry{break-inside:avoid}}
"""
)


def to_html(doc: NoteDoc) -> str:
    body = [f"<h1>{escape(doc.title)}</h1>", "<table class='header'><tbody>"]
    body += [
        f"<tr><th>{escape(label)}</th><td>{escape(value)}</td></tr>" for label, value in doc.header
    ]
    body.append("</tbody></table>")
    for sec in doc.sections:
        cls = re.sub(r"[^a-z]+", "-", sec.title.lower()).strip("-")
        body.append(f"<section class='{cls}'><h2>{escape(sec.title)}</h2>")
        for e in sec.entries:
            body.append("<div class='entry'>")
            if e.head:
                body.append(f"<p class='head'>{escape(e.head)}</p>")
            if e.fields:
                body.append(
                    "<dl>"
                    + "".join(
                        f"<dt>{escape(label)}</dt><dd>{escape(text)}</dd>"
                        for label, text in e.fields
                    )
                    + "</dl>"
                )
            body.append("</div>")
        body.append("</section>")
    return html_page(doc.page_title, body, PRINT_CSS)


def _offset(at: datetime) -> str:
    zone = utc_offset(at)
    return f"({zone})" if zone else ""
