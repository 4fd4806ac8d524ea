"""A progress report assembled from the notes (NDIS-style sections), as Markdown or as
one self-contained HTML file with SVG charts.

It states what the notes say and quotes them; the sections only a practitioner can
write (recommendations, risks, links to other supports) are left as clearly marked
blanks, never invented. Pure: trends and the date in, text out.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from html import escape
from typing import TYPE_CHECKING, Any

from otjournal.model.vocab import FRAMEWORK_NAMES
from otjournal.numbers.outcomes import COPM_CAVEAT
from otjournal.numbers.session import ClientTrends, lowest_item
from otjournal.views import svg
from otjournal.views.outcomes import gas_words
from otjournal.views.rows import gas

if TYPE_CHECKING:
    from otjournal.model import Client

BLANK = "[To be completed by the practitioner]"


@dataclass(frozen=True)
class Block:
    kind: str  # h1 h2 h3 p ul table quote blank svg
    text: str = ""
    items: tuple[Any, ...] = ()
    cite: str = ""


def build(
    t: ClientTrends,
    *,
    practitioner: str,
    registration: str,
    today: date,
    deidentified: bool = False,
) -> list[Block]:
    c = t.client
    sup = t.supports
    b: list[Block] = [Block("h1", "Progress report")]
    header = [("Participant", c.display_name)]
    if c.date_of_birth and not deidentified:
        header.append(("Date of birth", str(c.date_of_birth)))
    header += [
        ("Reporting period", f"{t.since} to {t.until}"),
        (
            "Practitioner",
            practitioner + (f" (registration {registration})" if registration else "")
            if practitioner
            else BLANK,
        ),
    ]
    if c.plan_period and c.plan_period.funder:
        header.append(
            ("Funded plan", f"{c.plan_period.funder}, {c.plan_period.start} to {c.plan_period.end}")
        )
    header.append(("Prepared", f"{today} from {sup.sessions} session notes"))
    b.append(Block("table", items=(("", ""), *header)))

    b.append(Block("h2", "Supports provided"))
    if not sup.sessions:
        b.append(Block("p", "No sessions were recorded in this period."))
    else:
        b.append(
            Block(
                "p",
                f"{sup.sessions} sessions, {sup.hours:g} hours in all, from "
                f"{sup.first} to {sup.last}.",
            )
        )
        b.append(
            Block(
                "table",
                items=(
                    ("Setting", "Sessions", "Hours"),
                    *((k, str(n), f"{m / 60:g}") for k, (n, m) in sup.by_setting.items()),
                ),
            )
        )
        b.append(
            Block(
                "table",
                items=(
                    ("Who attended", "Sessions", "Hours"),
                    *((k, str(n), f"{m / 60:g}") for k, (n, m) in sup.by_role.items()),
                ),
            )
        )
        kinds = ", ".join(f"{k} {n}" for k, n in sorted(t.supports.by_type.items()))
        b.append(Block("p", f"Kinds of session: {kinds}."))

    b += _goal_blocks(t)

    b.append(Block("h2", "Strategies that helped regulation"))
    reg = t.regulation
    if reg.sessions:
        name = FRAMEWORK_NAMES.get(reg.framework, reg.framework)
        b.append(
            Block(
                "p",
                f"Recorded in {reg.sessions} session{'s' if reg.sessions != 1 else ''} "
                f"using the {name} framework. "
                "All states are OK; the counts show how sessions began and ended.",
            )
        )
        if reg.helped:
            b.append(
                Block(
                    "ul",
                    items=tuple(
                        f"{h} (helped in {n} session{'s' if n != 1 else ''})"
                        for h, n in reg.helped[:8]
                    ),
                )
            )
        if reg.states and reg.transitions:
            b.append(
                Block(
                    "svg",
                    svg.transitions_grid(
                        reg.states, reg.transitions, "Regulation at start and end"
                    ),
                )
            )
            b.append(
                Block(
                    "table",
                    items=(
                        ("Start → end", "Sessions"),
                        *((f"{s} → {e}", str(n)) for (s, e), n in sorted(reg.transitions.items())),
                    ),
                )
            )
    else:
        b.append(Block("p", "No regulation observations recorded in this period."))

    b.append(Block("h2", "Approach and activities"))
    a = t.activities
    if a.total:
        share = a.share(a.child_led_or_interest) or 0
        b.append(
            Block(
                "p",
                f"{a.total} activit{'ies' if a.total != 1 else 'y'}; "
                f"{share * 100:.0f}% child-led or built on "
                f"the child's interests; {a.movement_sensory} with movement or "
                f"sensory input; {a.adapted} adapted during the session to follow "
                "the child.",
            )
        )
        b.append(Block("ul", items=tuple(f"{n} ({k})" for n, k in a.most_used)))
    rates = [(r.text, r.rate) for r in t.checklist]
    if any(rate is not None for _, rate in rates):
        b.append(
            Block(
                "p",
                "The affirming checklist, each item on its own ((yes + ½ partly) / applicable):",
            )
        )
        b.append(Block("svg", svg.rate_bars(rates, "Affirming checklist hit rates")))
        b.append(
            Block(
                "table",
                items=(
                    ("Item", "Hit rate", "Applicable"),
                    *(
                        (
                            r.text,
                            "n/a" if r.rate is None else f"{r.rate * 100:.0f}%",
                            str(r.applicable),
                        )
                        for r in t.checklist
                    ),
                ),
            )
        )
        low = lowest_item(t.checklist)
        if low is not None:
            b.append(Block("p", f"For reflection: “{low.text}” had the lowest rate."))

    b.append(Block("h2", "Barriers and strategies used"))
    adaptations = [
        (s.start.date(), f"{act.name}: {act.adaptation}")
        for s in t.sessions
        for act in s.activities
        if act.adapted and act.adaptation
    ][-6:]
    if adaptations:
        b.append(Block("p", "Adaptations made in sessions:"))
        b += [Block("quote", text, cite=str(day)) for day, text in adaptations]
    b.append(Block("blank", BLANK + ": barriers to progress."))

    b.append(Block("h2", "Homework and engagement at home"))
    hw = t.homework
    if hw is not None and (hw.adherence or hw.entries):
        items = [f"{x.text}: {x.words()}" for x in hw.adherence]
        mood = hw.mood
        if mood.direction:
            items.append(
                f"Mood checks: {len(mood.points)}, average {mood.earlier:.1f} earlier "
                f"and {mood.recent:.1f} recently ({mood.direction})."
            )
        for label, ch, unit in (
            ("Relaxation, tension", hw.relaxation, "/10"),
            ("Thought records, emotion", hw.thought_records, "%"),
        ):
            if ch.count:
                items.append(
                    f"{label}: {ch.before:.1f}{unit} before, {ch.after:.1f}{unit} after"
                    f" on average ({ch.count} entries)."
                )
        items += [f"{k.title.capitalize()}: {k.words()}." for k in hw.kinds]
        b.append(Block("ul", items=tuple(items)))
    else:
        b.append(Block("p", "No homework journal entries in this period."))

    b.append(Block("h2", "Links to informal, community and mainstream supports"))
    b.append(Block("blank", BLANK + "."))
    b.append(Block("h2", "Risks"))
    b.append(Block("blank", BLANK + "."))
    b.append(Block("h2", "Recommendations and justification"))
    b.append(Block("blank", BLANK + "."))
    return b


def _goal_blocks(t: ClientTrends) -> list[Block]:
    """Each goal: its status, GAS baseline → review (or the latest interim rating, said
    so), COPM, the evidence; then the reviews' T-scores on the same goals."""
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
    for g in t.goals:
        goal = c.goal(g.goal)
        b.append(Block("h3", f"{g.goal}: {g.text}"))
        since = f" since {g.status_on}" if g.status_on else ""
        b.append(Block("p", f"Status: {g.status}{since}."))
        b.append(Block("p", gas_words(c.handle, g)))
        if g.points:
            b.append(Block("svg", svg.gas_chart(g.points, f"Interim GAS for {g.goal}")))
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
        for cp in t.copm.problems:
            if cp.goal == g.goal:
                mark = " (a change of 2 or more points)" if cp.important else ""
                b.append(
                    Block(
                        "p",
                        f"COPM, {cp.problem}: performance {cp.performance[0] or '–'}"
                        f" → {cp.performance[1] or '–'}, satisfaction "
                        f"{cp.satisfaction[0] or '–'} → "
                        f"{cp.satisfaction[1] or '–'}{mark} ({cp.uses}). Note: {COPM_CAVEAT}.",
                    )
                )
        quotes = _evidence(t, g.goal)
        if quotes:
            b.append(Block("p", "Evidence from session notes:"))
            b += [Block("quote", text, cite=str(day)) for day, text in quotes]
    b += [Block("p", r.uses + ". 50 means goals met as expected.") for r in t.reviews]
    if not t.reviews:
        b.append(Block("p", "No review in this period: the GAS ratings above are interim."))
    if t.tscores:
        first, last = t.tscores[0], t.tscores[-1]
        b.append(
            Block(
                "p",
                f"Interim path: the GAS T-score of each session's own rated goals "
                f"(Kiresuk & Sherman, ρ = 0.3, weighted; the sets differ): "
                f"{first.tscore:.1f} on {first.day}, {last.tscore:.1f} on {last.day}.",
            )
        )
    means = [
        (n, m)
        for n, m in (("performance", t.copm.performance), ("satisfaction", t.copm.satisfaction))
        if m is not None
    ]
    for name, mean in means:
        b.append(
            Block(
                "p",
                f"COPM mean {name} over the {mean.n} problem{'s' if mean.n != 1 else ''} "
                f"scored at T1 and T2: {mean.t1:g} → {mean.t2:g} ({mean.change:+g}).",
            )
        )
    if any(m.important for _, m in means):
        b.append(Block("p", f"Note on the COPM means: {COPM_CAVEAT}."))
    return b


def _evidence(t: ClientTrends, goal: str, keep: int = 4) -> list[tuple[date, str]]:
    found = [
        (s.start.date(), r.evidence)
        for s in t.sessions
        for r in s.goals
        if r.goal == goal and r.evidence.strip()
    ]
    return found[-keep:]


# -- Markdown ---------------------------------------------------------------------


def _md_cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def to_markdown(blocks: Sequence[Block]) -> str:
    out: list[str] = []
    for blk in blocks:
        if blk.kind == "h1":
            out.append(f"# {blk.text}\n")
        elif blk.kind == "h2":
            out.append(f"## {blk.text}\n")
        elif blk.kind == "h3":
            out.append(f"### {blk.text}\n")
        elif blk.kind == "p":
            out.append(f"{blk.text}\n")
        elif blk.kind == "blank":
            out.append(f"**{blk.text}**\n\n> \n")
        elif blk.kind == "ul":
            out.append("\n".join(f"- {item}" for item in blk.items) + "\n")
        elif blk.kind == "quote":
            lines = blk.text.splitlines() or [""]
            out.append("\n".join(f"> {line}" for line in lines) + f"\n> — note of {blk.cite}\n")
        elif blk.kind == "table":
            head, *rows = blk.items
            if not any(head):
                head = ("", "")
            out.append(
                "| "
                + " | ".join(_md_cell(h) for h in head)
                + " |\n|"
                + "---|" * len(head)
                + "\n"
                + "\n".join("| " + " | ".join(_md_cell(c) for c in row) + " |" for row in rows)
                + "\n"
            )
    return "\n".join(out)


# -- HTML -------------------------------------------------------------------------

CSS = """
body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;color:#202124;max-width:46rem;
margin:2rem auto;padding:0 1rem;line-height:1.5}
h1{font-size:1.6rem;border-block-end:2px solid #1f4e79;padding-block-end:.3rem}
h2{font-size:1.2rem;color:#1f4e79;margin-top:2rem;break-after:avoid}
h3{font-size:1rem;margin-bottom:.2rem}
table{border-collapse:collapse;margin:.6rem 0;width:100%}
td{border-block-end:1px solid #dadce0;padding:.25rem .5rem;vertical-align:top}
blockquote{margin:.4rem 0;padding:.2rem .8rem;border-left:3px solid #9aa0a6;color:#3c4043}
blockquote cite{display:block;font-size:.8rem;color:#5f6368}
.blank{border:1px dashed #9aa0a6;padding:.8rem;min-height:3rem;color:#5f6368;font-style:italic}
svg{max-width:100%;height:auto;display:block;margin:.5rem 0}
@media print{body{margin:0;max-width:none}h2,h3{break-after:avoid}svg,table{break-inside:avoid}}
"""


def html_page(title: str, body: Sequence[str], css: str = CSS) -> str:
    """One self-contained HTML page: inline style, no script, nothing fetched."""
    head = [
        "<!DOCTYPE html>",
        "<html lang='en'>",
        "<head>",
        "<meta charset='utf-8'>",
        "<meta name='viewport' content='width=device-width, initial-scale=1'>",
        f"<title>{escape(title)}</title>",
        f"<style>{css}</style>",
        "</head>",
        "<body>",
    ]
    return "\n".join([*head, *body, "</body>", "</html>"]) + "\n"


def to_html(blocks: Sequence[Block], title: str) -> str:
    out: list[str] = []
    for blk in blocks:
        if blk.kind in ("h1", "h2", "h3"):
            out.append(f"<{blk.kind}>{escape(blk.text)}</{blk.kind}>")
        elif blk.kind == "p":
            out.append(f"<p>{escape(blk.text)}</p>")
        elif blk.kind == "blank":
            out.append(f"<div class='blank'>{escape(blk.text)}</div>")
        elif blk.kind == "ul":
            out.append("<ul>" + "".join(f"<li>{escape(str(i))}</li>" for i in blk.items) + "</ul>")
        elif blk.kind == "quote":
            body = "<br>".join(escape(line) for line in blk.text.splitlines())
            out.append(f"<blockquote>{body}<cite>note of {escape(blk.cite)}</cite></blockquote>")
        elif blk.kind == "table":
            head, *rows = blk.items
            thead = (
                (
                    "<thead><tr>"
                    + "".join(f"<td><b>{escape(h)}</b></td>" for h in head)
                    + "</tr></thead>"
                )
                if any(head)
                else ""
            )
            tbody = "".join(
                "<tr>" + "".join(f"<td>{escape(c)}</td>" for c in row) + "</tr>" for row in rows
            )
            out.append(f"<table>{thead}<tbody>{tbody}</tbody></table>")
        elif blk.kind == "svg":
            out.append(blk.text)
    return html_page(title, out)


# -- de-identification --------------------------------------------------------------


def pseudonyms(client: Client, extra_names: Sequence[str]) -> list[tuple[str, str]]:
    """(name, code) pairs, longest first so a full name goes before its parts."""
    pairs: list[tuple[str, str]] = []

    def add(name: str, code: str) -> None:
        name = name.strip()
        if not name:
            return
        pairs.append((name, code))
        for part in re.split(r"[\s.\-'’]+", name):
            if len(part) >= 2:
                pairs.append((part, code))

    add(client.display_name, "Participant")
    pairs.append((client.handle, "participant"))
    for i, cg in enumerate(client.caregivers, 1):
        add(cg.name, f"Caregiver {i}")
    for i, name in enumerate(extra_names, 1):
        add(name, f"Person {i}")
    seen: set[str] = set()
    unique = []
    for name, code in sorted(pairs, key=lambda p: -len(p[0])):
        if name.lower() not in seen:
            seen.add(name.lower())
            unique.append((name, code))
    return unique


def _name_pattern(name: str, whole_word: bool) -> re.Pattern[str]:
    # Straight and curly apostrophes are the same letter in a name.
    body = "".join("['’]" if c in "'’" else re.escape(c) for c in name)
    return re.compile(rf"(?<!\w){body}(?!\w)" if whole_word else body, re.IGNORECASE)


def redact(text: str, pairs: Sequence[tuple[str, str]]) -> str:
    """Replace each name wherever it stands as a word; then, so that nothing leaks, any
    name of 3+ letters still inside a longer word (over-redacting rather than leaking)."""
    for name, code in pairs:
        text = _name_pattern(name, True).sub(code, text)
    for name, code in pairs:
        if len(name) >= 3:
            text = _name_pattern(name, False).sub(code, text)
    return text


def redact_blocks(blocks: Sequence[Block], pairs: Sequence[tuple[str, str]]) -> list[Block]:
    """De-identify the report's content before it is rendered: markup is never touched."""

    def one(value: Any) -> Any:
        if isinstance(value, str):
            return redact(value, pairs)
        if isinstance(value, tuple):
            return tuple(one(v) for v in value)
        return value

    out = []
    for b in blocks:
        if b.kind == "svg":  # only the text between tags and the labels
            text = re.sub(r">([^<]+)<", lambda m: ">" + redact(m.group(1), pairs) + "<", b.text)
            text = re.sub(
                r"aria-label='([^']*)'",
                lambda m: "aria-label='" + redact(m.group(1), pairs) + "'",
                text,
            )
            out.append(Block("svg", text))
        else:
            out.append(Block(b.kind, one(b.text), one(b.items), one(b.cite)))
    return out
