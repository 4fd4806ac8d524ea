"""The progress report's sections, one function each (``views/report.build`` orders them).

The sessions of ``ClientTrends`` read as amended (``numbers/trends.build`` applies
``numbers/amended.as_amended``), so every quote is the note as it reads now; Risks lists
the notes that identified risk (``risk_notes``) above the blank for the practitioner.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from otjournal.model.vocab import FRAMEWORK_NAMES, FRAMEWORKS
from otjournal.model.words import words_for
from otjournal.numbers.outcomes import COPM_CAVEAT
from otjournal.numbers.session import face_to_face, lowest_item, quarter_hours
from otjournal.views import svg
from otjournal.views.measures import report_blocks
from otjournal.views.outcomes import gas_words, interim_path
from otjournal.views.report import Block, blank
from otjournal.views.rows import gas

if TYPE_CHECKING:
    from otjournal.model import Session
    from otjournal.numbers.session import ClientTrends

QUOTES = 5  # the most recent, per kind of quote
DISAGREEMENT = "statement-of-disagreement"


def risk_notes(t: ClientTrends) -> list[tuple[Session, str]] | None:
    """(note, what it records) for each note of the period that identified risk, as the
    note reads now: what, what was done, who was told. [] when the notes recorded none
    identified only; None when no note recorded risk either way."""
    recorded = [(s, s.risk) for s in t.sessions]
    if all(r is None for _, r in recorded):
        return None
    found = []
    for s, r in recorded:
        if r is not None and r.identified:
            told = f" Told: {', '.join(r.told)}." if r.told else " Told: no one recorded."
            found.append((s, f"{_sentence(r.what)} Action: {_sentence(r.action)}{told}"))
    return found


def _sentence(text: str) -> str:
    """A field quoted as a sentence of its own: ended by a full stop unless it has one."""
    text = text.strip()
    return text if not text or text.endswith((".", "!", "?", "…")) else f"{text}."


# -----------------------------------------------------------------------------------


def hours(minutes: int) -> str:
    return f"{quarter_hours(minutes):g}"


def _cite(s: Session, field: str, extra: str = "") -> str:
    """ "note of DAY", with "amended DAY" when an amendment corrected the quoted
    ``field`` (or a part of the note holding it, or a place it could not say): a
    correction to another goal leaves this quote as written, and says nothing. A
    correction whose place is not known left the words as written: its own words follow,
    so the quote is never read without them."""
    from otjournal.numbers.amended import WHOLE_NOTE, amended_fields, unplaced_corrections

    cite = f"note of {s.start.date()}" + (f" ({extra})" if extra else "")
    days = [
        day
        for path, day in amended_fields(s).items()
        if path == WHOLE_NOTE or _within(path, field) or _within(field, path)
    ]
    if days:
        cite += f", amended {max(days)}"
    for a in unplaced_corrections(s):
        words = " ".join(a.text.split())
        cite += f"; {a.kind.replace('-', ' ')} of {a.at.date()} by {a.by}: “{words}”"
    return cite


def _within(path: str, part: str) -> bool:
    """``path`` is ``part`` or a field inside it (``goals[g1].evidence`` in ``goals[g1]``)."""
    return path == part or path.startswith((f"{part}.", f"{part}["))


def _plural(n: int, one: str, many: str = "") -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


def supports(t: ClientTrends) -> list[Block]:
    """Sessions attended, cancelled and did-not-attend apart; direct and
    non-face-to-face hours apart, to the quarter hour (numbers/session.supports)."""
    sup = t.supports
    b = [Block("h2", "Supports provided")]
    if not t.sessions:
        return [*b, Block("p", "No sessions were recorded in this period.")]
    said = f"Sessions attended: {sup.attended}"
    direct = [s for s in t.sessions if face_to_face(s)]
    if direct:
        said += f", from {direct[0].start.date()} to {direct[-1].start.date()}"
    lines = [
        said + ".",
        f"Direct hours (face to face or telehealth): {hours(sup.direct_minutes)}.",
        "Non-face-to-face hours (report writing, liaison): "
        f"{hours(sup.non_face_to_face_minutes)}"
        + (
            f", over {_plural(sup.non_face_to_face, 'entry', 'entries')}."
            if sup.non_face_to_face
            else "."
        ),
    ]
    if sup.cancelled or sup.did_not_attend:
        lines.insert(1, f"Cancelled: {sup.cancelled}. Did not attend: {sup.did_not_attend}.")
    b.append(Block("ul", items=tuple(lines)))
    b.append(Block("p", "Hours are rounded to the quarter hour."))
    if direct:
        # The tables count the attended sessions, as trends' "By setting" line does.
        for head, rows in (("Setting", sup.by_setting), ("Who took part", sup.by_role)):
            b.append(
                Block(
                    "table",
                    items=(
                        (head, "Sessions", "Hours"),
                        *((k, str(c), hours(m)) for k, (c, m) in rows.items()),
                    ),
                )
            )
        kinds = ", ".join(
            f"{k} {c}" for k, c in sorted(Counter(s.session_type for s in direct).items())
        )
        b.append(Block("p", f"Kinds of session: {kinds}."))
    a = t.activities
    if a.total:
        share = (a.share(a.child_led_or_interest) or 0) * 100
        led = words_for(t.client, t.until).led
        b.append(
            Block(
                "p",
                f"{_plural(a.total, 'activity', 'activities')}: {share:.0f}% {led} or "
                f"built on the participant's interests; {a.movement_sensory} with movement "
                f"or sensory input; {a.adapted} adapted during the session to follow them.",
            )
        )
    if t.techniques:
        b.append(Block("p", techniques_sentence(t.techniques)))
    return b


def techniques_sentence(counts: Sequence[tuple[str, int]]) -> str:
    """``Techniques used: CBT in 5 sessions; graded exposure in 3.`` (held sessions)."""
    said = [f"{name} in {n}" for name, n in counts]
    if said:  # the unit once, on the first
        said[0] += " session" if counts[0][1] == 1 else " sessions"
    return "Techniques used: " + "; ".join(said) + "."


def goals(t: ClientTrends) -> list[Block]:
    """Each goal: status, GAS baseline → review (or latest interim, said so), its chart
    (kept with its heading on a page), functional impact (a blank), COPM, evidence."""
    c = t.client
    b = [
        Block("h2", "Goals and progress"),
        Block(
            "p",
            "Goal Attainment Scaling (-2 to +2; 0 is the expected outcome): each goal's "
            "baseline, recorded when it was set, against its rating at review. Ratings in "
            "session notes are interim: the path, not the outcome.",
        ),
    ]
    if not t.goals:
        b.append(Block("p", "No goals are recorded for this period."))
    for g in t.goals:
        since = f" since {g.status_on}" if g.status_on else ""
        keep = [
            Block("h3", f"{g.goal}: {g.text}"),
            Block("p", f"Status: {g.status}{since}."),
            Block("p", gas_words(c.handle, g)),
        ]
        points = sorted((*g.points, *g.reviews))
        if points:
            title = f"GAS ratings for {g.goal}"
            chart = svg.gas_chart(points, title)
            # The points ride along: the JSON gives them, as the SVG draws them.
            shown = tuple((str(d), v) for d, v in points)
            keep.append(Block("svg", chart, items=shown, cite=f"{title}, interim and review."))
        b.append(Block("keep", items=tuple(keep)))
        goal = c.goal(g.goal)
        if goal and goal.levels:
            b.append(
                Block(
                    "ul",
                    items=tuple(
                        f"{gas(level)}: {goal.levels[level]}"
                        for level in (2, 1, 0, -1, -2)
                        if level in goal.levels
                    ),
                )
            )
        b += _copm(t, g.goal)
        b.append(blank("functional impact (the change in daily life)."))
        quotes = _evidence(t, g.goal)
        if quotes:
            b.append(Block("p", "Evidence from session notes:"))
            b += quotes
    b += [Block("p", r.uses + ". 50 means goals met as expected.") for r in t.reviews]
    if t.goals and not t.reviews:
        b.append(Block("p", "No review in this period: the GAS ratings above are interim."))
    if t.tscores:
        b.append(
            Block(
                "p",
                "Interim path: the GAS T-score of each session's own rated goals "
                "(Kiresuk and Sherman, ρ = 0.3, weighted; the sets differ): "
                f"{interim_path(t.tscores)}.",
            )
        )
    for name, mean in (("performance", t.copm.performance), ("satisfaction", t.copm.satisfaction)):
        if mean is not None:
            b.append(
                Block(
                    "p",
                    f"COPM mean {name} over the {_plural(mean.n, 'problem')} scored at T1 "
                    f"and T2: {mean.t1:g} → {mean.t2:g} ({mean.change:+g}).",
                )
            )
    return b + report_blocks(t.measures)  # ORS and SRS, when recorded


def discharge(t: ClientTrends) -> list[Block]:
    """Each close of an episode in the period, as its discharge note reads: the day and
    why, each goal's final status with the progress summarised, the maintenance plan and
    who was told. Nothing when the period holds none."""
    from otjournal.model.vocab import DISCHARGE_WORDS

    closed = [(s, s.discharge) for s in t.sessions if s.discharge is not None]
    if not closed:
        return []
    b = [Block("h2", "Discharge")]
    for s, d in closed:
        why = DISCHARGE_WORDS.get(d.reason, d.reason)
        b.append(Block("p", f"The episode of care closed on {s.start.date()}. Reason: {why}."))
        if d.reason_note:
            b.append(Block("quote", d.reason_note, cite=_cite(s, "discharge.reason_note")))
        for g in d.goals:
            goal = t.client.goal(g.goal)
            name = _sentence(f"{g.goal}: {goal.text}" if goal else g.goal)
            b.append(Block("p", f"{name} Final status: {g.status.replace('-', ' ')}."))
            if g.summary:
                b.append(Block("quote", g.summary, cite=_cite(s, f"discharge.goals[{g.goal}]")))
        if d.maintenance:
            cite = _cite(s, "discharge.maintenance")
            b += [Block("p", "Maintenance plan:"), Block("quote", d.maintenance, cite=cite)]
        if d.told:
            b.append(Block("p", f"Told of the discharge: {', '.join(d.told)}."))
    return b


def discharge_recommendations(t: ClientTrends) -> list[Block]:
    """The recommendations a discharge note of the period wrote, quoted above the blank."""
    quotes = [
        Block("quote", s.discharge.recommendations, cite=_cite(s, "discharge.recommendations"))
        for s in t.sessions
        if s.discharge is not None and s.discharge.recommendations
    ]
    lead = "From the discharge note:" if len(quotes) == 1 else "From the discharge notes:"
    return [Block("p", lead), *quotes] if quotes else []


def _copm(t: ClientTrends, goal: str) -> list[Block]:
    out = []
    for cp in t.copm.problems:
        if cp.goal == goal:
            mark = " (a change of 2 or more points)" if cp.important else ""
            out.append(
                Block(
                    "p",
                    f"COPM, {cp.problem}: performance {cp.performance[0] or '–'}"
                    f" → {cp.performance[1] or '–'}, satisfaction {cp.satisfaction[0] or '–'}"
                    f" → {cp.satisfaction[1] or '–'}{mark} ({cp.uses}). Note: {COPM_CAVEAT}.",
                )
            )
    return out


def _evidence(t: ClientTrends, goal: str, keep: int = 4) -> list[Block]:
    """The latest ``keep`` notes' evidence for a goal, each beside a rating (a goal left
    unrated at a review keeps why there, which is not evidence), and how many earlier
    quotes are left out."""
    found = []
    for s in t.sessions:
        found += [
            Block("quote", r.evidence, cite=_cite(s, f"goals[{goal}].evidence"))
            for r in s.goals
            if r.goal == goal and r.gas is not None and r.evidence.strip()
        ]
    left = len(found) - keep
    if left <= 0:
        return found
    earlier = f"{left} earlier {'quote' if left == 1 else 'quotes'}"
    return [*found[-keep:], Block("p", f"({earlier} of this period not shown.)")]


def _recent_unique(quotes: Iterable[tuple[str, str]], keep: int = QUOTES) -> list[Block]:
    """The most recent first, each wording once."""
    seen: set[str] = set()
    out = []
    for text, cite in quotes:
        key = " ".join(text.lower().split())
        if key and key not in seen:
            seen.add(key)
            out.append(Block("quote", text, cite=cite))
        if len(out) == keep:
            break
    return out


def perspective(t: ClientTrends) -> list[Block]:
    """The participant's and family's words, quoted from the notes."""
    notes = list(reversed(t.sessions))
    voice = _recent_unique(
        (s.child_voice.text, _cite(s, "child_voice.text", ", ".join(s.child_voice.modes)))
        for s in notes
    )
    family = _recent_unique((s.caregiver.report, _cite(s, "caregiver.report")) for s in notes)
    # An adult without a family in the notes or the profile: their perspective alone.
    alone = words_for(t.client, t.until).adult and not family and not t.client.caregivers
    whose = "participant's" if alone else "participant's and family's"
    b = [Block("h2", f"The {whose} perspective")]
    if voice:
        b += [Block("p", "In the participant's own words (most recent first):"), *voice]
    if family:
        b += [Block("p", "What the family reported (most recent first):"), *family]
    # A statement of disagreement travels with the record it disagrees with (APP 13).
    disagreeing = sorted(
        ((a, s) for s in t.sessions for a in s.amendments if a.kind == DISAGREEMENT),
        key=lambda pair: pair[0].at,
        reverse=True,
    )
    if disagreeing:
        b.append(Block("p", "Statements of disagreement with the notes (most recent first):"))
        b += [
            Block("quote", a.text, cite=f"{a.by}, {a.at.date()}, on the note of {s.start.date()}")
            for a, s in disagreeing
        ]
    if not voice and not family and not disagreeing:
        who = "participant" if alone else "participant or family"
        b.append(Block("p", f"No words of the {who} were recorded."))
    return b


def strengths(t: ClientTrends) -> list[Block]:
    c = t.client
    b = [Block("h2", "Strengths and interests")]
    if c.strengths:
        b.append(Block("ul", items=c.strengths))
    liked = {
        a.name.strip()
        for s in t.sessions
        for a in s.activities
        if (a.interest_based or a.child_led) and a.name.strip()
    }
    if liked:
        b.append(
            Block(
                "p",
                "Activities led by the participant or built on their interests: "
                + ", ".join(sorted(liked))
                + ".",
            )
        )
    if not c.strengths and not liked:
        b.append(blank("strengths and interests."))
    return b


def barriers(t: ClientTrends) -> list[Block]:
    """Regulation in neutral words (counts, never a ranking), what helped, adaptations."""
    b = [Block("h2", "Barriers and strategies that helped")]
    reg = t.regulation
    if reg.sessions:
        name = FRAMEWORK_NAMES.get(reg.framework, reg.framework)
        b.append(
            Block(
                "p",
                f"Regulation was recorded in {_plural(reg.sessions, 'session')} using the "
                f"{name} framework. All states are OK; the counts show how sessions began "
                "and ended.",
            )
        )
        if reg.helped:
            helped = (f"{h} (helped in {_plural(n, 'session')})" for h, n in reg.helped[:8])
            b += [Block("p", "Strategies that helped:"), Block("ul", items=tuple(helped))]
        if reg.states and reg.transitions:
            b.append(
                Block(
                    "svg",
                    svg.transitions_grid(
                        reg.states, reg.transitions, "Regulation at start and end"
                    ),
                )
            )
            order = {s: i for i, s in enumerate(FRAMEWORKS.get(reg.framework, ()))}
            rows = sorted(reg.transitions.items(), key=lambda kv: [order.get(x, 99) for x in kv[0]])
            b.append(
                Block(
                    "table",
                    items=(
                        ("Start → end", "Sessions"),
                        *((f"{s} → {e}", str(n)) for (s, e), n in rows),
                    ),
                )
            )
    adaptations = [
        Block("quote", f"{act.name}: {act.adaptation}", cite=_cite(s, f"activities[{n}]"))
        for s in t.sessions
        for n, act in enumerate(s.activities, 1)
        if act.adapted and act.adaptation
    ][-6:]
    if adaptations:
        b += [Block("p", "Adaptations made in sessions:"), *adaptations]
    b.append(blank("barriers to progress."))
    return b


def homework(t: ClientTrends) -> list[Block]:
    b = [Block("h2", "Homework and home programme")]
    hw = t.homework
    if hw is None or not (hw.adherence or hw.entries):
        return [*b, Block("p", "No homework journal entries in this period.")]
    items = [f"{x.text}: {x.words()}" for x in hw.adherence]
    items += [f"{k.title.capitalize()}: {k.words}." for k in hw.kinds]
    b.append(Block("ul", items=tuple(items)))
    return b


def risks(t: ClientTrends) -> list[Block]:
    b = [Block("h2", "Risks")]
    found = risk_notes(t)
    if found:
        b.append(Block("p", "Notes that identified risk, for the practitioner to summarise:"))
        b += [Block("quote", text, cite=_cite(s, "risk")) for s, text in found]
    elif found is not None:
        b.append(Block("p", "No risk was identified in the notes of this period."))
    b.append(blank("risks and how they are managed."))
    return b


# -- the practitioner's reflective practice (only with --reflection) ------------------------


def reflection(t: ClientTrends) -> list[Block]:
    b = [
        Block("h2", "Reflective practice: the affirming checklist"),
        Block(
            "p",
            "The practitioner's own reflection, each item on its own: (yes + ½ partly) / "
            "(yes + partly + no); unsure and n/a are counted beside the rate, not in it.",
        ),
    ]
    rates = [(r.text, r.rate) for r in t.checklist]
    if not any(v is not None for _, v in rates):
        return [*b, Block("p", "No checklist answers in this period.")]
    b.append(Block("svg", svg.rate_bars(rates, "Affirming checklist rates")))
    rows = [
        (
            r.text,
            "–" if r.rate is None else f"{r.rate * 100:.0f}%",
            str(r.applicable),
            str(r.counts.get("unsure", 0)),
            str(r.counts.get("n-a", 0)),
        )
        for r in t.checklist
    ]
    b.append(Block("table", items=(("Item", "Rate", "Answered", "Unsure", "n/a"), *rows)))
    low = lowest_item(t.checklist)
    if low is not None:
        b.append(Block("p", f"For reflection: “{low.text}” had the lowest rate."))
    return b
