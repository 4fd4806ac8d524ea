"""A client's goals and episode of care, as rows, lines and JSON-ready tables.

``goal_states`` reads each goal's ratings from the notes: the latest interim rating
(any note but a review) and the last review's (a session of type "review": the
outcome). ``episode_facts`` gives the episode at a glance (intake, last review,
discharge). Both are plain data; the renderers below turn them into text. Never prints.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from otjournal.clock import day_here, zone
from otjournal.frozen import frozen
from otjournal.model.vocab import DISCHARGE_WORDS
from otjournal.numbers.episodes import discharged, episodes
from otjournal.numbers.outcomes import is_review
from otjournal.views import textgrid
from otjournal.views.rows import gas
from otjournal.views.textgrid import Column

if TYPE_CHECKING:
    from rich.console import Group
    from rich.text import Text

    from otjournal.model import Client, Copm, Goal, Session
    from otjournal.numbers.outcomes import CopmChange


@frozen
class Rating:
    gas: int
    on: date

    def to_json(self) -> dict[str, Any]:
        return {"gas": self.gas, "on": self.on}


@frozen
class GoalState:
    """A goal with what the notes say of it."""

    goal: Goal
    interim: Rating | None  # the latest rating in a note that is not a review
    review: Rating | None  # the rating at the last review that rated it
    copm: CopmChange | None = None  # T1 → T2 as trends has it (T2 from a review or the file)


def goal_states(
    client: Client, sessions: Sequence[Session], today: date, *, show_all: bool = True
) -> list[GoalState]:
    """The client's goals (only the active ones unless ``show_all``) with their latest
    interim rating, last review rating and COPM, read from ``sessions`` held by
    ``today`` (a note dated later, mistyped by hand, has not taken place)."""
    from otjournal.numbers.amended import as_amended
    from otjournal.numbers.outcomes import copm

    sessions = [as_amended(s) for s in sessions]  # ratings as corrected
    here = zone()
    sessions = [s for s in sessions if day_here(s.start, here) <= today]
    interim: dict[str, Rating] = {}
    review: dict[str, Rating] = {}
    for s in sorted(sessions, key=lambda s: s.start):
        into = review if is_review(s) else interim
        for r in s.goals:
            if r.gas is not None:
                into[r.goal] = Rating(r.gas, s.start.date())
    scored = {c.goal: c for c in copm(client, sessions).problems}
    return [
        GoalState(g, interim.get(g.id), review.get(g.id), scored.get(g.id))
        for g in client.goals
        if show_all or g.is_active
    ]


def last_review(sessions: Iterable[Session]) -> date | None:
    days = [s.start.date() for s in sessions if is_review(s)]
    return max(days, default=None)


@frozen
class EpisodeFacts:
    intake: date | None  # the latest episode's intake, None: no intake recorded
    last_review: date | None  # in the latest episode
    discharged: date | None  # the discharge that closed the last episode
    reason: str  # why it closed ("" while in care)

    @property
    def status(self) -> str:
        return "discharged" if self.discharged else "in care"

    def to_json(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "intake": self.intake,
            "last_review": self.last_review,
            "discharged": self.discharged,
            "discharge_reason": self.reason or None,
        }


def episode_facts(sessions: Sequence[Session]) -> EpisodeFacts:
    """The client's latest episode of care at a glance (numbers.episodes)."""
    eps = episodes(sessions)
    latest = eps[-1] if eps else None
    reviews = [s for s in sessions if latest is None or latest.holds(s.start.date())]
    closed = discharged(sessions)
    reason = closed.discharge.reason if closed is not None and closed.discharge else ""
    return EpisodeFacts(
        intake=latest.start if latest is not None else None,
        last_review=last_review(reviews),
        discharged=closed.start.date() if closed is not None else None,
        reason=reason,
    )


# -- JSON ---------------------------------------------------------------------------------

_GOAL_KEYS = ("text", "weight", "status", "set_on", "baseline", "baseline_on")
_COPM_KEYS = (
    "problem",
    "performance_t1",
    "satisfaction_t1",
    "t1_on",
    "performance_t2",
    "satisfaction_t2",
    "t2_on",
)


def goal_json(state: GoalState) -> dict[str, Any]:
    """A goal for ``goal list --json``: every key present, null when empty; the
    changes keep each earlier value as written."""
    g = state.goal
    data: dict[str, Any] = {"id": g.id, "number": g.number}
    data.update({k: getattr(g, k) for k in _GOAL_KEYS})
    data["status_on"] = g.status_on
    data["levels"] = g.levels_table()
    data["copm"] = copm_json(g.copm, state.copm)
    data["latest_interim"] = state.interim.to_json() if state.interim else None
    data["last_review"] = state.review.to_json() if state.review else None
    data["latest_gas"] = state.interim.gas if state.interim else None  # as before
    data["changes"] = [c.to_dict() for c in g.changes]
    return data


def copm_json(copm: Copm | None, scored: CopmChange | None) -> dict[str, Any] | None:
    """The goal's COPM as client.toml holds it, with T2 as used (``t2_from``: a review
    that scored it, or client.toml)."""
    if copm is None:
        return None
    data = {k: getattr(copm, k) for k in _COPM_KEYS}
    if scored is not None and scored.t2_from:
        data["performance_t2"], data["satisfaction_t2"] = (
            scored.performance[1],
            scored.satisfaction[1],
        )
        data["t2_on"] = scored.t2_on
    data["t2_from"] = (scored.t2_from or None) if scored is not None else None
    return data


# -- text ---------------------------------------------------------------------------------

GOAL_COLUMNS = (
    Column("id"),
    Column("goal", fold=True),
    Column("weight", justify="right"),
    Column("status"),
    Column("baseline"),
    Column("interim"),
    Column("review"),
    Column("COPM"),
)


def shown_id(goal: Goal) -> str:
    """``g4 (g4-k7q)``: the short name a person types, then the full id."""
    return goal.id if goal.number == goal.id else f"{goal.number} ({goal.id})"


def status_text(goal: Goal) -> str:
    since = goal.status_on
    return f"{goal.status} since {since}" if since else goal.status


def baseline_text(goal: Goal) -> str:
    if goal.baseline is None:
        return "not recorded"
    return f"{gas(goal.baseline)} on {goal.baseline_on}" if goal.baseline_on else gas(goal.baseline)


def rating_text(rating: Rating | None) -> str:
    return f"{gas(rating.gas)} on {rating.on}" if rating else "–"


def copm_text(copm: CopmChange | None) -> str:
    """``P 3→5 · S 2→6`` (T1→T2, T2 from the latest review that scored it or the file),
    or "–"."""
    if copm is None:
        return "–"

    def score(value: int | None) -> str:
        return "–" if value is None else str(value)

    (p1, p2), (s1, s2) = copm.performance, copm.satisfaction
    if (p1, p2, s1, s2) == (None, None, None, None):
        return "–"
    return f"P {score(p1)}→{score(p2)} · S {score(s1)}→{score(s2)}"


def goal_cells(state: GoalState) -> tuple[str, ...]:
    g = state.goal
    return (
        shown_id(g),
        g.text,
        f"{g.weight:g}",
        status_text(g),
        baseline_text(g),
        rating_text(state.interim),
        rating_text(state.review),
        copm_text(state.copm),
    )


def goals_grid(states: Sequence[GoalState]) -> textgrid.Grid:
    return textgrid.Grid(GOAL_COLUMNS, [goal_cells(s) for s in states])


def goal_lines(state: GoalState) -> Group:
    """A goal in ``client show``: its id and words, its levels, then one line each for
    its status and baseline, its ratings, and COPM."""
    from rich.console import Group, RenderableType
    from rich.text import Text

    from otjournal.views.lines import Hanging, indented

    g = state.goal
    # The goal's words wrap under themselves, beside its id (a long word folded at the
    # width left the next line starting with a space, under the id).
    parts: list[RenderableType] = [Hanging(Text(f"{shown_id(g)}  ", style="bold"), Text(g.text))]
    for level in (2, 1, 0, -1, -2):
        if level in g.levels:
            parts.append(indented(Text(f"{gas(level):>3}  {g.levels[level]}")))
    facts = [
        f"weight {g.weight:g} · {status_text(g)} · baseline {baseline_text(g)}",
        f"latest interim GAS {rating_text(state.interim)} · "
        f"last review {rating_text(state.review)}",
    ]
    if g.copm is not None:
        facts.append(f"COPM: {g.copm.problem} — {copm_text(state.copm)}")
    if g.changes:
        facts.append(f"{len(g.changes)} earlier change(s) kept in client.toml")
    # Indented as a block: a line wrapped on a narrow terminal keeps its indent.
    parts += [indented(Text(line), 6) for line in facts]
    return Group(*parts)


def episode_lines(facts: EpisodeFacts) -> list[Text]:
    from rich.text import Text

    intake = f"intake {facts.intake}" if facts.intake else "no intake recorded"
    review = f"last review {facts.last_review}" if facts.last_review else "no review yet"
    care = (
        f"discharged {facts.discharged}"
        + (f" ({DISCHARGE_WORDS.get(facts.reason, facts.reason)})" if facts.reason else "")
        if facts.discharged
        else "in care"
    )
    return [Text(f"episode: {intake} · {review} · {care}")]


# -- clients ------------------------------------------------------------------------------

CLIENT_COLUMNS = (
    Column("client"),
    Column("name", fold=True),
    Column("goals", justify="right"),
    Column("sessions", justify="right"),
    Column("last seen"),
)
CARE_COLUMN = Column("care")


@frozen
class ClientRow:
    """One client's line, in plain values: a list of every client holds one row each,
    read one client at a time, and each is remembered in the cache (``to_plain``)."""

    handle: str
    display_name: str
    regulation_framework: str
    active_goals: int
    sessions: int
    last_session: datetime | None  # when the last session started
    discharged: date | None  # the day of the discharge that closed the last episode
    adult: bool = False  # as the tool speaks of them today (Client.is_adult)
    # Sessions that took place (not cancelled or missed) and the day of the last, as the
    # trends overview and 'due' count them: what the table shows.
    held: int = 0
    last_seen: date | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "handle": self.handle,
            "display_name": self.display_name,
            "regulation_framework": self.regulation_framework,
            "age_group": "adult" if self.adult else "child",
            "active_goals": self.active_goals,
            "sessions": self.sessions,
            "last_session": self.last_session,
            "sessions_held": self.held,
            "last_seen": self.last_seen,
            "status": "discharged" if self.discharged else "in care",
            "discharged": self.discharged,
        }

    def to_plain(self) -> list[object]:
        last, closed = self.last_session, self.discharged
        return [
            self.handle,
            self.display_name,
            self.regulation_framework,
            self.active_goals,
            self.sessions,
            last.isoformat() if last else None,
            closed.isoformat() if closed else None,
            self.adult,
            self.held,
            self.last_seen.isoformat() if self.last_seen else None,
        ]

    @classmethod
    def from_plain(cls, plain: object) -> ClientRow:
        """The row ``to_plain`` gave; ValueError for anything else."""
        if type(plain) is not list or len(plain) != 10:
            raise ValueError("not a client row")
        handle, name, framework, goals, sessions, last, closed, adult, held, seen = plain
        if not all(type(v) is str for v in (handle, name, framework)):
            raise ValueError("not a client row")
        if not all(type(v) is int for v in (goals, sessions, held)) or type(adult) is not bool:
            raise ValueError("not a client row")
        if not all(v is None or type(v) is str for v in (last, closed, seen)):
            raise ValueError("not a client row")
        return cls(
            handle,
            name,
            framework,
            goals,
            sessions,
            datetime.fromisoformat(last) if last else None,
            date.fromisoformat(closed) if closed else None,
            adult,
            held,
            date.fromisoformat(seen) if seen else None,
        )


def client_row(client: Client, sessions: Iterable[Session], today: date | None) -> ClientRow:
    """A client's count of sessions, the last, and the discharge that closed their last
    episode (if it is closed)."""
    from otjournal.numbers.amended import as_amended
    from otjournal.numbers.session import seen_by

    ordered = sorted((as_amended(s) for s in sessions), key=lambda s: s.start)  # as read now
    closed = discharged(ordered)
    seen = seen_by(ordered, today)
    return ClientRow(
        client.handle,
        client.display_name,
        client.regulation_framework,
        len(client.active_goals),
        len(ordered),
        ordered[-1].start if ordered else None,
        closed.start.date() if closed else None,
        client.is_adult(today) if today else False,
        len(seen),
        seen[-1].start.date() if seen else None,
    )


def client_rows(
    clients: Iterable[Client],
    sessions_by_client: dict[str, list[Session]],
    *,
    show_all: bool,
    today: date | None = None,
) -> list[ClientRow]:
    """Clients in care (and, ``show_all``, the discharged too), each with their count of
    sessions, the last, and the discharge that closed their last episode."""
    rows = [client_row(c, sessions_by_client.get(c.handle, []), today) for c in clients]
    return [r for r in rows if show_all or r.discharged is None]


def clients_grid(rows: Sequence[ClientRow], *, show_all: bool) -> textgrid.Grid:
    cells = []
    for r in rows:
        last = f"{r.last_seen:%Y-%m-%d}" if r.last_seen else "–"
        line = [r.handle, r.display_name, str(r.active_goals), str(r.held), last]
        if show_all:
            line.append(f"discharged {r.discharged}" if r.discharged else "in care")
        cells.append(tuple(line))
    columns = (*CLIENT_COLUMNS, CARE_COLUMN) if show_all else CLIENT_COLUMNS
    return textgrid.Grid(columns, cells)


# -- a client's page ----------------------------------------------------------------------


def age_group_line(client: Client, today: date) -> str:
    """Adult or child, and why: the profile's age_group, the date of birth, or neither."""
    group = "adult" if client.is_adult(today) else "child"
    if client.age_group:
        return f"{group} (set on the profile)"
    if client.date_of_birth:
        return f"{group} (from the date of birth)"
    return f"{group} (no date of birth or age group recorded)"


def sessions_line(ordered: Sequence[Session], today: date) -> str:
    """The sessions the client was seen in and the last, as 'client list' and 'due' count
    them; the other notes (cancelled, did not attend, time without the client, and one
    dated after today) apart."""
    from otjournal.numbers.session import seen_by

    seen = seen_by(ordered, today)
    here = zone()
    later = sum(1 for s in ordered if day_here(s.start, here) > today)
    others = len(ordered) - len(seen) - later
    apart = []
    if others:
        apart.append(
            f"{others} other note{'s' if others != 1 else ''}: not held, or without the client"
        )
    if later:
        apart.append(
            f"{later} dated after today: 'otj check' names {'it' if later == 1 else 'them'}"
        )
    line = f"sessions: {len(seen)} held" + (f" (and {'; '.join(apart)})" if apart else "")
    return line + (f", last seen {seen[-1].start:%Y-%m-%d}" if seen else "")


def client_page(client: Client, sessions: Sequence[Session], today: date) -> Group:
    """``client show``: the profile, the episode of care at a glance, then each goal with
    its status, baseline and ratings."""
    from rich.console import Group, RenderableType
    from rich.text import Text

    from otjournal.views.lines import indented
    from otjournal.views.session import age

    lines: list[RenderableType] = [
        Text.assemble((client.display_name, "bold"), f" ({client.handle})")
    ]
    if client.date_of_birth:
        born = client.date_of_birth
        lines.append(Text(f"born {born} (age {age(born, today)})"))
    lines.append(Text(f"age group: {age_group_line(client, today)}"))
    lines.append(Text(f"regulation framework: {client.regulation_framework}"))
    if client.communication:
        lines.append(Text(f"communication: {', '.join(client.communication)}"))
    if client.strengths:
        lines.append(Text(f"interests and strengths: {', '.join(client.strengths)}"))
    for c in client.caregivers:
        lines.append(
            Text(f"caregiver: {c.name}" + (f" ({c.relationship})" if c.relationship else ""))
        )
    if client.plan_period:
        p = client.plan_period
        lines.append(
            Text(f"plan period: {p.start} to {p.end}" + (f" ({p.funder})" if p.funder else ""))
        )
    ordered = sorted(sessions, key=lambda s: s.start)
    lines.append(Text(sessions_line(ordered, today)))
    lines += episode_lines(episode_facts(ordered))
    lines += [Text(""), Text("Goals", style="bold")]
    if not client.goals:
        lines.append(indented(Text(f"none yet: otj goal add {client.handle}")))
    lines += [goal_lines(s) for s in goal_states(client, ordered, today)]
    return Group(*lines)
