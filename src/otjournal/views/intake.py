"""An intake (the ``[intake]`` table of an initial session) on screen and in the printout:
referral, background, strengths, consent, assessments (scores only) and the goals set
together, each with its baseline. Every word as written; nothing ranked."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from rich.console import Group, RenderableType
from rich.padding import Padding
from rich.text import Text

if TYPE_CHECKING:
    from otjournal.model import Client, Goal, Session
    from otjournal.model.episode import Assessment, Consent, Intake
    from otjournal.views.printout import Section


def _level(level: int | None) -> str:
    if level is None:
        return "–"
    return "0" if level == 0 else f"{level:+d}"


def _number(value: float) -> str:
    return f"{value:g}"


def scores_line(a: Assessment) -> str:
    return ", ".join(f"{name} {_number(v)}" for name, v in a.scores.items())


def consent_line(c: Consent) -> str:
    on = f", {c.on}" if c.on else ""
    share = f"; share with {', '.join(c.share_with)}" if c.share_with else ""
    return f"{c.who}: {c.purpose}{on}{share}"


def goal_facts(goal_id: str, client: Client | None) -> tuple[str, list[tuple[str, str]]]:
    """A goal set at intake: its head line, then its baseline, weight and levels."""
    goal: Goal | None = client.goal(goal_id) if client else None
    if goal is None:
        return goal_id, [("Goal", "not in client.toml")]
    on = f" on {goal.baseline_on}" if goal.baseline_on else ""
    facts = [("Baseline", _level(goal.baseline) + on), ("Weight", f"{goal.weight:g}")]
    for level in (2, 1, 0, -1, -2):
        if level in goal.levels:
            facts.append((f"Level {_level(level)}", goal.levels[level]))
    return f"{goal.id}  {goal.text}", facts


def _pad(renderable: RenderableType, left: int) -> Padding:
    return Padding(renderable, (0, 0, 0, left), expand=False)


def _labelled(label: str, value: str) -> list[RenderableType]:
    return [Text.assemble((f"{label}: ", "italic"), value)] if value else []


def intake_detail(session: Session, client: Client | None) -> RenderableType:
    """The intake for ``otj show`` and the review before saving (nothing when the note
    has none)."""
    it = session.intake
    if it is None:
        return Group()
    body: list[RenderableType] = []
    body += _labelled("referred by", it.referral_source)
    body += _labelled("reason", it.referral_reason)
    body += _labelled("background", it.background)
    body += _labelled("diagnoses, as the family names them", "; ".join(it.diagnoses))
    body += _labelled("what matters", it.what_matters)
    body += _labelled("strengths and interests", ", ".join(it.strengths))
    body += _labelled("communication", ", ".join(it.communication))
    body += _list("Consent", (Text(consent_line(c)) for c in it.consent))
    body += _list(
        "Standardised assessments",
        (
            Text(
                f"{a.name}"
                + (f", {a.on}" if a.on else "")
                + (f": {scores_line(a)}" if a.scores else "")
            )
            for a in it.assessments
        ),
    )
    goals: list[RenderableType] = []
    for gid in it.goals:
        head, facts = goal_facts(gid, client)
        goals.append(Text(head, style="bold"))
        goals += [_pad(Text(f"{label.lower()}: {text}"), 4) for label, text in facts]
    body += _list("Goals set together", goals)
    body += [Text(f"{k}: {v}") for k, v in it.extra.items()]
    return Group(Text("Intake", style="bold"), _pad(Group(*body), 2), Text(""))


def _list(title: str, items: Iterable[RenderableType]) -> list[RenderableType]:
    shown = list(items)
    if not shown:
        return []
    return [Text(title, style="italic"), _pad(Group(*shown), 2)]


def intake_sections(session: Session, client: Client | None) -> list[Section]:
    """The intake as sections of the printable note (``views.printout``)."""
    from otjournal.views.printout import Entry, Section, _extras, _fields, _one

    it: Intake | None = session.intake
    if it is None:
        return []
    sections = [
        Section(
            "Intake",
            _one(
                ("Referred by", it.referral_source),
                ("Reason for referral", it.referral_reason),
                ("Background", it.background),
                ("Diagnoses, as the family names them", "; ".join(it.diagnoses)),
                ("What matters", it.what_matters),
                ("Strengths and interests", ", ".join(it.strengths)),
                ("Communication", ", ".join(it.communication)),
                *_extras(it.extra),
            ),
        ),
        Section(
            "Consent",
            tuple(
                Entry(
                    c.who,
                    _fields(
                        ("Purpose", c.purpose),
                        ("Date", str(c.on or "")),
                        ("Share with", ", ".join(c.share_with)),
                        *_extras(c.extra),
                    ),
                )
                for c in it.consent
            ),
        ),
        Section(
            "Standardised assessments",
            tuple(
                Entry(
                    a.name,
                    _fields(
                        ("Date", str(a.on or "")), ("Scores", scores_line(a)), *_extras(a.extra)
                    ),
                )
                for a in it.assessments
            ),
        ),
    ]
    goals = []
    for gid in it.goals:
        head, facts = goal_facts(gid, client)
        goals.append(Entry(head, _fields(*facts)))
    sections.append(Section("Goals set together", tuple(goals)))
    return sections
