"""What needs the practitioner across the caseload (``otj due``): reviews, progress
reports, clients not seen for a while, drafts waiting, sync conflicts, retention reached.
Pure: each client's facts (read from their notes by ``client_facts``), the drafts and
conflicts found, the settings and ``today`` in; a list of ``Due`` items out, the most
pressing first.

An item is *due* from its day on (the day itself included) and listed until it is dealt
with; a progress report is listed ``report_lead_weeks`` before the plan ends and is
*coming up* until then."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from otjournal.clock import day_here
from otjournal.dates import retention_ends
from otjournal.frozen import frozen
from otjournal.model.words import conflict_copy

if TYPE_CHECKING:
    from otjournal.model import Client, Session

WHATS = ("conflict", "dated-later", "review", "report", "not-seen", "draft", "retention")


@frozen
class Settings:
    """config.toml ``[caseload]`` and ``[retention]``."""

    review_every_weeks: int = 12
    report_lead_weeks: int = 4
    not_seen_weeks: int = 4
    retention_adult_years: int = 7
    retention_child_until_age: int = 25

    def to_json(self) -> dict[str, int]:
        return dict(self.__dict__)


@frozen
class ClientFacts:
    """What the rules need of one client, read from their notes (as amended)."""

    handle: str
    active: bool  # not discharged: the last episode is open (or there is none)
    review_from: date | None  # the last review of the open episode, else its start
    review_from_is: str  # "review", "intake" or "first session"
    last_seen: date | None  # the last session that took place with the client
    last_session: date | None  # the last note of any type (retention counts from it)
    date_of_birth: date | None
    plan: tuple[date, date] | None  # the plan period, start and end
    last_report_end: date | None = None  # the end of the last report filed (any plan)
    last_start: datetime | None = None  # when the last note began (is it after today here?)

    def to_plain(self) -> dict[str, object]:
        """For the cache (``Journal.per_client``): dates as text. ``last_report_end``
        is not remembered: the report logs are not the client's files."""
        return {
            "handle": self.handle,
            "active": self.active,
            "review_from": _text(self.review_from),
            "review_from_is": self.review_from_is,
            "last_seen": _text(self.last_seen),
            "last_session": _text(self.last_session),
            "date_of_birth": _text(self.date_of_birth),
            "plan": [str(d) for d in self.plan] if self.plan else None,
            "last_start": None if self.last_start is None else self.last_start.isoformat(),
        }

    @classmethod
    def from_plain(cls, plain: object) -> ClientFacts:
        """ValueError, TypeError or KeyError for anything ``to_plain`` did not give."""
        if type(plain) is not dict:
            raise ValueError("not client facts")
        plan = plain["plan"]
        if plan is not None and (type(plan) is not list or len(plan) != 2):
            raise ValueError("not a plan period")
        if type(plain["handle"]) is not str or type(plain["active"]) is not bool:
            raise ValueError("not client facts")
        if plain["review_from_is"] not in ("review", "intake", "first session"):
            raise ValueError("not client facts")
        return cls(
            plain["handle"],
            plain["active"],
            _day(plain["review_from"]),
            plain["review_from_is"],
            _day(plain["last_seen"]),
            _day(plain["last_session"]),
            _day(plain["date_of_birth"]),
            (date.fromisoformat(plan[0]), date.fromisoformat(plan[1])) if plan else None,
            last_start=_moment(plain["last_start"]),
        )


def _moment(text: object) -> datetime | None:
    if text is None:
        return None
    if type(text) is not str:
        raise TypeError("not a moment")
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        raise ValueError("not an aware moment")
    return moment


def _text(day: date | None) -> str | None:
    return None if day is None else str(day)


def _day(text: object) -> date | None:
    if text is None:
        return None
    if type(text) is not str:
        raise TypeError("not a day")
    return date.fromisoformat(text)


@frozen
class DraftFact:
    id: str
    command: str  # the command that wrote it, which resumes it ("log", "homework log")
    client: str
    step: str
    updated: date


@frozen
class ConflictFact:
    client: str | None  # None: not inside a client's folder
    original: str  # its path in the client's folder (in the notes folder outside one)
    tool: str
    since: date | None  # when the copy was last changed


@frozen
class Due:
    """One thing that needs the practitioner. ``due``: the day it falls due (None for a
    draft or a conflict, which are due as soon as they are there); ``since``: the day it
    counts from; ``soon``: listed ahead of its day (a progress report)."""

    client: str | None
    what: str
    headline: str
    due: date | None
    since: date | None
    detail: str
    command: str
    soon: bool = False

    def sort_key(self) -> tuple[bool, date, int]:
        """Due before coming up; the longest waiting first; conflicts before the rest on
        one day (until one is resolved, the notes are in two places)."""
        day = self.due or self.since or date.min
        return (self.soon, day, WHATS.index(self.what))

    def to_json(self) -> dict[str, object]:
        return {
            "client": self.client,
            "what": self.what,
            "state": "coming up" if self.soon else "due",
            "due": self.due,
            "since": self.since,
            "headline": self.headline,
            "detail": self.detail,
            "command": self.command,
        }


def client_facts(client: Client, sessions: Sequence[Session]) -> ClientFacts:
    """One client's facts from all of their sessions (as amended: a corrected date or
    type is what counts)."""
    from otjournal.numbers.amended import as_amended
    from otjournal.numbers.episodes import episodes
    from otjournal.numbers.session import seen_by

    notes = sorted((as_amended(s) for s in sessions), key=lambda s: s.start)
    eps = episodes(notes)
    active = not eps or eps[-1].is_open
    start = eps[-1].start if eps else None
    seen = [s.start.date() for s in seen_by(notes, None)]
    in_episode = [d for d in seen if start is None or d >= start]
    reviews = [
        s.start.date()
        for s in notes
        if s.session_type == "review" and (start is None or s.start.date() >= start)
    ]
    review_from: date | None
    if reviews:
        review_from, review_is = reviews[-1], "review"
    elif start is not None:
        review_from, review_is = start, "intake"
    else:
        review_from, review_is = (in_episode[0] if in_episode else None), "first session"
    plan = client.plan_period
    return ClientFacts(
        handle=client.handle,
        active=active,
        review_from=review_from,
        review_from_is=review_is,
        last_seen=seen[-1] if seen else None,
        last_session=notes[-1].start.date() if notes else None,
        last_start=notes[-1].start if notes else None,
        date_of_birth=client.date_of_birth,
        plan=(plan.start, plan.end) if plan else None,
    )


def ago(day: date, today: date) -> str:
    """How long ago ``day`` was, in the unit a practitioner counts it in."""
    days = (today - day).days
    if days < 0:
        return f"in {-days} day{'s' if days != -1 else ''}"
    if days == 0:
        return "today"
    if days < 14:
        return f"{days} day{'s' if days != 1 else ''} ago"
    if days < 728:
        return f"{days // 7} weeks ago"
    return f"{days // 365} years ago"


def _when(what: str, due: date, today: date) -> str:
    if due == today:
        return f"{what} due today"
    return f"{what} due {'by' if due > today else 'since'} {due}"


def _weeks(n: int) -> str:
    return f"{n} week{'s' if n != 1 else ''}"


def review_due(f: ClientFacts, s: Settings, today: date) -> Due | None:
    if not f.active or f.review_from is None:
        return None
    due = f.review_from + timedelta(weeks=s.review_every_weeks)
    if today < due:
        return None
    last = {
        "review": "last review",
        "intake": "no review yet; intake",
        "first session": ("no review yet; first session"),
    }[f.review_from_is]
    return Due(
        f.handle,
        "review",
        _when("review", due, today),
        due,
        f.review_from,
        f"{last} {f.review_from}, {ago(f.review_from, today)} "
        f"(every {_weeks(s.review_every_weeks)})",
        f"otj review {f.handle}",
    )


def report_due(f: ClientFacts, s: Settings, today: date) -> Due | None:
    """A progress report before the plan ends: listed from ``report_lead_weeks`` before
    its end (never before it starts) until a report is filed whose period reaches into
    those weeks."""
    if not f.active or f.plan is None:
        return None
    start, end = f.plan
    opens = max(start, end - timedelta(weeks=s.report_lead_weeks))
    if today < opens or (f.last_report_end is not None and f.last_report_end >= opens):
        return None
    filed = (
        f"last report up to {f.last_report_end}"
        if f.last_report_end is not None
        else "no report filed for it yet"
    )
    return Due(
        f.handle,
        "report",
        _when("progress report", end, today),
        end,
        f.last_report_end or start,
        f"the plan runs {start} to {end}; {filed}",
        f"otj report {f.handle} -o FILE",
        soon=today < end,
    )


def not_seen(f: ClientFacts, s: Settings, today: date) -> Due | None:
    if not f.active or f.last_seen is None:
        return None
    due = f.last_seen + timedelta(weeks=s.not_seen_weeks)
    if today < due:
        return None
    return Due(
        f.handle,
        "not-seen",
        f"not seen since {f.last_seen}",
        due,
        f.last_seen,
        f"last session {ago(f.last_seen, today)} "
        f"(listed after {_weeks(s.not_seen_weeks)} without one)",
        f"otj log {f.handle}",
    )


def dated_later(f: ClientFacts, s: Settings, today: date) -> Due | None:
    """A note dated after today (a date mistyped in an editor: `otj log` refuses one):
    when the client was last seen, and so whether they are "not seen", cannot be told
    until it is corrected, so it is listed instead of trusted."""
    if f.last_start is None or day_here(f.last_start) <= today:
        return None  # (a note from a zone ahead, dated tomorrow, may have taken place)
    return Due(
        f.handle,
        "dated-later",
        f"a note dated {f.last_session}, after today",
        today,
        None,
        "'last seen' is not known until it is corrected ('otj check' names the file)",
        "otj check",
    )


def retention(f: ClientFacts, s: Settings, today: date) -> Due | None:
    if f.last_session is None:
        return None
    until = retention_ends(
        f.last_session, f.date_of_birth, s.retention_adult_years, s.retention_child_until_age
    )
    if today < until:
        return None
    return Due(
        f.handle,
        "retention",
        f"retention period ended {until}",
        until,
        f.last_session,
        f"last session {f.last_session}; yours to decide, nothing is deleted",
        "otj check",
    )


def draft_due(d: DraftFact) -> Due:
    return Due(
        d.client or None,
        "draft",
        f"draft waiting since {d.updated}",
        None,
        d.updated,
        f"from otj {d.command}, stopped at: {d.step or 'start'}",
        f"otj {d.command} --resume --draft {d.id}",
    )


def conflict_due(c: ConflictFact) -> Due:
    said = (
        f"git conflict markers inside {c.original}"
        if c.tool == "git"
        else f"{conflict_copy(c.tool)} of {c.original}"
    )
    return Due(
        c.client,
        "conflict",
        "sync conflict" + (f" since {c.since}" if c.since else ""),
        None,
        c.since,
        said,
        "otj conflicts",
    )


RULES = (review_due, report_due, not_seen, dated_later, retention)


def build(
    clients: Sequence[ClientFacts],
    drafts: Sequence[DraftFact],
    conflicts: Sequence[ConflictFact],
    settings: Settings,
    today: date,
) -> list[Due]:
    """Everything due on ``today``, the most pressing first (``Due.sort_key``)."""
    items = [d for f in clients for rule in RULES if (d := rule(f, settings, today))]
    items += [draft_due(d) for d in drafts]
    items += [conflict_due(c) for c in conflicts]
    return sorted(items, key=lambda d: (*d.sort_key(), d.client or "", d.detail))


@frozen
class Caseload:
    """What ``otj due`` shows: the items, and what to say when there are none."""

    today: date
    settings: Settings
    items: list[Due]
    active_clients: int
    last_seen: date | None  # the latest session any client was seen in

    def to_json(self) -> dict[str, object]:
        return {
            "today": self.today,
            "settings": self.settings.to_json(),
            "active_clients": self.active_clients,
            "last_session": self.last_seen,
            "items": [d.to_json() for d in self.items],
        }


def caseload(
    clients: Sequence[ClientFacts],
    drafts: Sequence[DraftFact],
    conflicts: Sequence[ConflictFact],
    settings: Settings,
    today: date,
) -> Caseload:
    seen = [f.last_seen for f in clients if f.last_seen is not None and f.last_seen <= today]
    return Caseload(
        today,
        settings,
        build(clients, drafts, conflicts, settings, today),
        sum(1 for f in clients if f.active),
        max(seen, default=None),
    )
