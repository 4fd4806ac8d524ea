"""A progress report assembled from the notes, in the order a funder's plan reviewer reads
(domain.md, "NDIS progress report"): header, supports provided, each goal, the
participant's and family's perspective, strengths and interests, barriers and the
strategies that helped, homework, risks, other supports, recommendations, sign-off.

It states what the notes say and quotes them; what only the practitioner can write
(functional impact, recommendations, links to other supports, risks when no note
recorded any) is a clearly marked blank, never invented. The affirming checklist is the
practitioner's reflective practice: it appears only when asked (``reflection``).
Pure: trends, the period and the date in, blocks out; ``report_render`` turns the
blocks into Markdown, HTML or JSON.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from otjournal.frozen import frozen
from otjournal.views.report_render import CSS, html_page

if TYPE_CHECKING:
    from otjournal.numbers.period import ReportPeriod
    from otjournal.numbers.session import ClientTrends

__all__ = ["BLANK", "CSS", "SIGNATURE", "Block", "Practitioner", "build", "html_page"]

BLANK = "[To be completed by the practitioner]"
SIGNATURE = "_" * 28  # a line to sign on


@frozen
class Block:
    """One piece of the report. ``kind``: h1 h2 h3 p ul table quote blank notice svg, or keep
    (``items`` are Blocks printed together: a goal's heading with its chart)."""

    kind: str
    text: str = ""
    items: tuple[Any, ...] = ()
    cite: str = ""


@frozen
class Practitioner:
    """Who signs the report (from the config)."""

    name: str = ""
    profession: str = ""
    registration: str = ""


def blank(what: str) -> Block:
    return Block("blank", f"{BLANK}: {what}")


def build(
    t: ClientTrends,
    period: ReportPeriod,
    *,
    practitioner: Practitioner,
    today: date,
    deidentified: bool = False,
    reflection: bool = False,
    left_out: int = 0,
) -> list[Block]:
    """The report's blocks, sections in the order a plan reviewer reads them.
    ``left_out``: the client's files that were not read, said under the header (a report
    filed without them would otherwise pass for the whole record)."""
    from otjournal.views import report_sections as sec

    b = [Block("h1", "Progress report"), _header(t, period, practitioner, today, deidentified)]
    if left_out:
        b.append(Block("notice", left_out_words(left_out)))
    b += sec.supports(t)
    b += sec.goals(t)
    b += sec.discharge(t)
    b += sec.perspective(t)
    b += sec.strengths(t)
    b += sec.barriers(t)
    b += sec.homework(t)
    b += sec.risks(t)
    b += [
        Block("h2", "Links to informal, community and mainstream supports"),
        blank("other supports the participant uses or could use."),
        Block("h2", "Recommendations and justification"),
        *sec.discharge_recommendations(t),
        blank("recommended supports, frequency and hours, and why."),
    ]
    if reflection:
        b += sec.reflection(t)
    b += _sign_off(practitioner, deidentified)
    return b


def left_out_words(
    n: int, whose: str = "in this participant's records", lacks: str = "is not in this report"
) -> str:
    """Said above numbers made without some of the client's files (the report's header,
    ``homework summary``, ``trends CLIENT``)."""
    they = ("file", "was", "it holds", "it") if n == 1 else ("files", "were", "they hold", "them")
    return (
        f"Not complete: {n} {they[0]} {whose} {they[1]} not read, so what {they[2]} "
        f"{lacks}. 'otj check' names {they[3]}."
    )


def _or_blank(value: str) -> str:
    return value or BLANK


def _header(
    t: ClientTrends, period: ReportPeriod, who: Practitioner, today: date, deidentified: bool
) -> Block:
    c = t.client
    rows: list[tuple[str, str]] = [("Participant", c.display_name)]
    if not deidentified:
        rows.append(("Date of birth", str(c.date_of_birth) if c.date_of_birth else BLANK))
        rows.append(("NDIS number", _or_blank(c.ndis_number)))
    rows.append(("Primary disability", _or_blank(c.primary_disability)))
    rows.append(("Reporting period", period.words()))
    if c.plan_period is not None:
        funder = f"{c.plan_period.funder}, " if c.plan_period.funder else ""
        rows.append(("Funded plan", f"{funder}{c.plan_period.start} to {c.plan_period.end}"))
    rows += [
        ("Practitioner", _or_blank(who.name)),
        ("Profession", _or_blank(who.profession)),
        *_registration(who, deidentified),
        ("Date prepared", str(today)),
    ]
    return Block("table", items=(("", ""), *rows))


def _registration(who: Practitioner, deidentified: bool) -> list[tuple[str, str]]:
    """A registration number is on a public register: it names the practitioner, and
    through them the practice, so a de-identified copy leaves it out."""
    return [] if deidentified else [("Registration", _or_blank(who.registration))]


def _sign_off(who: Practitioner, deidentified: bool) -> list[Block]:
    return [
        Block("h2", "Sign-off"),
        Block(
            "table",
            items=(
                ("", ""),
                ("Name", _or_blank(who.name)),
                ("Profession", _or_blank(who.profession)),
                *_registration(who, deidentified),
                ("Date", BLANK),
                ("Signature", SIGNATURE),
            ),
        ),
    ]
