"""Checks across records: what `otj check` adds to parsing each file. Pure."""

from __future__ import annotations

from datetime import date, datetime, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from otjournal.clock import day_here, zone
from otjournal.dates import add_years as add_years  # here before dates had it
from otjournal.dates import retention_ends, utc_offset
from otjournal.disk.loading import Loaded, Reader, Snapshot
from otjournal.errors import OtjournalError, Problem
from otjournal.frozen import frozen
from otjournal.model.ids import is_slug
from otjournal.model.vocab import NOT_HELD_TYPES
from otjournal.model.write_rules import born_problem, closed_problem

if TYPE_CHECKING:
    from otjournal.disk.sealindex import SealIndex
    from otjournal.disk.store import Journal
    from otjournal.model import Client, HomeworkEntry, Session

# Part of the cache key of remembered findings: a check added (overlaps: 2) must not
# be hidden behind findings remembered by an older version (episode goal links: 3).
# 4: an exposure entry naming no step of the hierarchy; 5: the two below; 6: a goal named
# by a note dated before the goal was set; 7: an entry for a homework of another kind;
# 8: practice rated though not done this time, homework set by a session not held;
# 9: a goal rated after it was closed; a date after today and a goal link at their line.
FINDINGS_VERSION = 9


class Store(Protocol):
    """What the checks read through the notes folder (``store.Journal`` is one): named
    here, so a check cannot reach for a write without this saying so."""

    @property
    def root(self) -> Path: ...
    @property
    def cache_folder(self) -> Path | None: ...
    def read_session_file(self, path: Path) -> tuple[bytes, object, Session]: ...
    def seal_index(self) -> SealIndex: ...
    def reader(self) -> Reader: ...


if TYPE_CHECKING:  # mypy holds the notes folder to this interface; nothing runs here

    def _a_journal_is_a_store(j: Journal) -> Store:
        return j


@frozen
class Findings:
    """What ``check`` found for one client, beyond files that could not be read."""

    problems: list[Problem]
    clients: int
    sessions: int
    homework: int


def client_checks(
    j: Store, snap: Snapshot, today: date, adult_years: int, child_until_age: int
) -> Findings:
    """The checks across one client's records (a snapshot of that client alone); files
    that could not be read are the snapshot's own problems."""
    problems = (
        cross_checks(snap)
        + chain_problems(j, snap)
        + retention_notes(snap, today, adult_years, child_until_age)
    )
    problems += overlap_notes(snap) + later_than_today(snap, today) + homework_ids_reused(snap)
    return Findings(problems, len(snap.clients), len(snap.sessions), len(snap.homework))


def cross_checks(snap: Snapshot) -> list[Problem]:
    """Links that point nowhere: a rated goal the client does not have (or had not yet:
    set after the note's day), a homework entry for an assignment no session set.
    Warnings: the notes themselves are fine."""
    problems: list[Problem] = []
    assignments: dict[str, set[str]] = {}
    kinds: dict[tuple[str, str], str] = {}  # each homework's kind, by (client, id)
    set_on: dict[tuple[str, str], date] = {}  # the first day each homework was set
    for item in snap.sessions:
        s = item.record
        client = snap.clients.get(s.client)
        before_birth = born_problem(s.start, client.record if client is not None else None)
        if before_birth:
            problems.append(
                _warn(item.path, f"start: {before_birth}",
                      "correct the date, or the date of birth in client.toml")
            )  # fmt: skip
        for field, gid in _goal_links(s):
            goal = client.record.goal(gid) if client is not None else None
            closed = (
                closed_problem(goal, s.start.date(), s.session_type)
                if goal is not None and field.startswith("goals[")  # a rating, as log's
                else None
            )
            if client is not None and goal is None:
                said = f"{gid!r} is not a goal of {s.client}", "add it with 'otj goal add'"
            elif goal is not None and not goal.set_by(s.start.date()):
                said = (
                    f"{gid!r} was set on {goal.set_on}, after this note ({s.start.date()})",
                    f"if it was set earlier: otj goal edit {s.client} {goal.number} --on DAY",
                )
            elif goal is not None and closed:
                said = (
                    f"{gid!r} {closed}",
                    f"if it was worked on again: otj goal set {s.client} {goal.number} "
                    "--status active --on DAY",
                )
            else:
                continue
            problems.append(_warn_at(item.path, field, *said))
        if s.plan.homework and s.session_type in NOT_HELD_TYPES:  # `otj log` refuses one
            problems.append(
                _warn(
                    item.path,
                    f"plan.homework: a {s.session_type} session sets no homework: not counted",
                    "log the session as held, or take its homework out",
                )
            )
        for h in s.plan.homework:
            assignments.setdefault(s.client, set()).add(h.id)
            kinds[(s.client, h.id)] = h.kind
            day = s.start.date()
            if s.session_type not in NOT_HELD_TYPES:  # as every count: it sets nothing
                set_on[(s.client, h.id)] = min(day, set_on.get((s.client, h.id), day))
    # Homework is assigned in a session, or by hand (otj homework add: client.toml).
    by_hand = {h: {a.id: a for a in c.record.assignments} for h, c in snap.clients.items()}
    # A session that could not be read may be the one that set it: said, not guessed.
    unread: dict[str, int] = {}
    for p in snap.problems:
        if p.severity == "error" and p.path.parent.name == "sessions":
            unread[p.path.parent.parent.name] = unread.get(p.path.parent.parent.name, 0) + 1
    for entry in snap.homework:
        e = entry.record
        client = snap.clients.get(e.client)
        mine = by_hand.get(e.client, {})
        added = mine.get(e.assignment or "")
        kind = added.kind if added else kinds.get((e.client, e.assignment or ""))
        if kind is not None and kind != e.entry_kind:  # counted for none (numbers/homework)
            problems.append(
                _warn(
                    entry.path,
                    f"entry_kind: a {e.entry_kind} entry for {e.assignment!r}, homework "
                    f"of the kind {kind}: not counted for it",
                    f"make it a {kind} entry, or take out its assignment line",
                )
            )
        if e.assignment and e.assignment not in assignments.get(e.client, set()) | set(mine):
            problems.append(
                _warn(
                    entry.path,
                    f"assignment: {e.assignment!r} was not assigned "
                    f"{_in_sessions(unread.get(e.client, 0))}, nor added with otj homework add",
                    None,
                )
            )
        first = (added.since if added else None) or set_on.get((e.client, e.assignment or ""))
        if first is not None and e.at.date() < first:
            problems.append(
                _warn(entry.path, f"at: dated {e.at.date()}, before its homework "
                      f"{e.assignment!r} was set ({first}): not counted against its plan",
                      "correct the date, or take out its assignment line")
            )  # fmt: skip
        rated = e.practice.rated_not_done() if e.practice else []
        if rated:
            problems.append(
                _warn(
                    entry.path,
                    ", ".join(f"practice.{key}" for key in rated)
                    + ": rated, though the practice was not done this time: not counted",
                    'take the rating out, or make done "yes" or "partly"',
                )
            )
        step = _unknown_step(e, client.record if client is not None else None)
        if step:
            problems.append(
                _warn(
                    entry.path,
                    f"exposure.step: {step!r} is none of the steps of {e.client}'s hierarchy",
                    f"'otj hierarchy list {e.client}' shows them",
                )
            )
    return problems


def _unknown_step(entry: HomeworkEntry, client: Client | None) -> str | None:
    """The step id an exposure entry names that the client's hierarchy does not hold (an
    id mistyped by hand, or a step removed from client.toml by hand). A step in words
    (``Ride the bus``) is how an entry named one before the client had a hierarchy: not a
    link, so not checked; only an id's form (``s2-k7q``, any identifier) is."""
    if entry.entry_kind != "exposure" or entry.answers is None or client is None:
        return None
    step = entry.answers.get("step")
    if not client.hierarchy or not isinstance(step, str) or not is_slug(step):
        return None
    return None if any(s.id == step for s in client.hierarchy) else step


def _goal_links(s: Session) -> list[tuple[str, str]]:
    """Every goal id a note names, with its field: ratings, an intake's goals set
    together, a discharge's outcomes."""
    links = [(f"goals[{i}].goal", g.goal) for i, g in enumerate(s.goals)]
    if s.intake is not None:
        links += [(f"intake.goals[{i}]", gid) for i, gid in enumerate(s.intake.goals)]
    if s.discharge is not None:
        links += [(f"discharge.goals[{i}].goal", g.goal) for i, g in enumerate(s.discharge.goals)]
    return links


def overlap_notes(snap: Snapshot) -> list[Problem]:
    """Sessions of one client whose times overlap: both are counted in the totals. A
    note, not an error: two practitioners may see a child together (co-treatment)."""
    notes: list[Problem] = []
    by_client: dict[str, list[Loaded[Session]]] = {}
    for item in snap.sessions:
        by_client.setdefault(item.record.client, []).append(item)
    for items in by_client.values():
        items.sort(key=lambda i: i.record.start)
        for n, item in enumerate(items):
            for later in items[n + 1 :]:
                if later.record.start >= item.record.end:
                    break  # sorted by start: no later one can overlap this one
                if later.record.id != item.record.id and later.record.overlaps(item.record):
                    notes.append(_overlap_note(later, item.record))
    return notes


def _in_sessions(unread: int) -> str:
    if not unread:
        return "in any session of this client"
    files = f"{unread} session file{'s' if unread != 1 else ''}"
    return f"in any session of this client that could be read ({files} could not)"


def later_than_today(snap: Snapshot, today: date) -> list[Problem]:
    """Notes dated after today: written by hand, imported, or by a device whose clock
    was wrong (the commands refuse a time later than now). Counted where their date
    falls, so they are said here rather than left to surprise a report."""
    from otjournal.disk.parsing import file_position

    here = zone()
    found: list[tuple[Loaded[Any], datetime, str]] = [
        (item, item.record.start, "start") for item in snap.sessions
    ] + [(entry, entry.record.at, "at") for entry in snap.homework]
    return [
        Problem(
            item.path,
            f"{field}: {_dated(moment, here)}, later than today",
            *file_position(item.path, field),
            hint="if the date is wrong, correct it",
            severity="warning",
        )
        for item, moment, field in found
        if day_here(moment, here) > today  # a note from a zone ahead may be dated tomorrow
    ]


def _dated(moment: datetime, here: tzinfo) -> str:
    """ "dated 2026-03-20"; for a note in another UTC offset, its moment here too (dated
    today in Honolulu, it may be tomorrow here)."""
    if moment.utcoffset() == moment.astimezone(here).utcoffset():
        return f"dated {moment.date()}"
    local = moment.astimezone(here)
    return f"dated {moment.date()} at {utc_offset(moment)}, {local:%Y-%m-%d %H:%M} here"


def homework_ids_reused(snap: Snapshot) -> list[Problem]:
    """One assignment id for two different homeworks of one client (the same homework
    set again keeps its id, rightly): entries that name it are counted against one of
    them only, so the other's practice reads as not done."""
    first: dict[tuple[str, str], tuple[Loaded[Session], tuple[str, str]]] = {}
    problems: list[Problem] = []
    for item in sorted(snap.sessions, key=lambda i: i.record.start):
        for h in item.record.plan.homework:
            what = h.same_homework()
            earlier, said = first.setdefault((item.record.client, h.id), (item, what))
            if said != what and earlier.record.id != item.record.id:
                problems.append(
                    _warn(
                        item.path,
                        f"plan.homework: {h.id!r} is also the id of other homework, set in "
                        f"{earlier.record.id}: entries that name it count for one of them",
                        "give each assignment its own id (otjournal makes one when it sets "
                        "homework)",
                    )
                )
    return problems


def overlap_message(other: Session) -> str:
    """How a note names the session it overlaps (shared with the warning on saving)."""
    return (
        f"overlaps {other.id} of {other.client} ({other.start:%Y-%m-%d %H:%M}, "
        f"{other.duration_min} min): both are counted"
    )


def _overlap_note(item: Loaded[Session], other: Session) -> Problem:
    return Problem(
        item.path,
        overlap_message(other),
        line=1,
        column=1,
        severity="note",
        hint="fine for co-treatment; if a time is wrong, correct it with 'otj amend'",
    )


def _warn(path: Path, message: str, hint: str | None) -> Problem:
    return Problem(path, message, line=1, column=1, hint=hint, severity="warning")


def _warn_at(path: Path, field: str, message: str, hint: str) -> Problem:
    """A warning about one field, at its line (the note is read again: rare)."""
    from otjournal.disk.parsing import file_position

    return Problem(
        path, f"{field}: {message}", *file_position(path, field), hint=hint, severity="warning"
    )


def retention_notes(
    snap: Snapshot, today: date, adult_years: int = 7, child_until_age: int = 25
) -> list[Problem]:
    """Clients whose minimum retention period has passed, for the practitioner to decide.

    Adults: ``adult_years`` after the last session. Children (a date of birth recorded
    and a child at the last session): until they turn ``child_until_age``, or
    ``adult_years`` after the last session if that is later. Nothing is ever deleted."""
    last: dict[str, date] = {}
    for item in snap.sessions:
        day = item.record.start.date()
        if day > last.get(item.record.client, date.min):
            last[item.record.client] = day
    notes = []
    for handle, loaded in snap.clients.items():
        if handle not in last:
            continue
        client = loaded.record
        until = retention_ends(last[handle], client.date_of_birth, adult_years, child_until_age)
        if until <= today:
            notes.append(
                Problem(
                    loaded.path,
                    f"the minimum retention period for {handle} ended on {until} "
                    "(last session " + str(last[handle]) + "): yours to decide; nothing is deleted",
                    line=1,
                    column=1,
                    severity="note",
                    hint="keep, archive or dispose of the record under your own policy",
                )
            )
    return notes


def chain_problems(j: Store, snap: Snapshot) -> list[Problem]:
    """Amended sessions whose earlier bytes changed after an amendment (a hand edit)."""
    from otjournal.disk import amend

    problems = []
    for item in snap.sessions:
        if not item.record.amendments:
            continue
        try:
            raw, _, session = j.read_session_file(item.path)
        except OtjournalError:
            continue
        for brk in amend.verify(raw, session):
            problems.append(
                Problem(
                    item.path,
                    f"changed outside otjournal: the text before amendment "
                    f"{brk.index + 1} no longer matches its recorded hash",
                    line=brk.line,
                    column=1,
                    severity="warning",
                    hint="corrections belong in a new amendment ('otj amend'); compare with a "
                    "backup to see what changed",
                )
            )
        for i, a in enumerate(session.amendments):
            if a.extra.get("over_broken_chain"):
                problems.append(
                    Problem(
                        item.path,
                        f"amendment {i + 1} was added when the note had already been changed "
                        "outside otjournal (recorded as over_broken_chain)",
                        line=1,
                        column=1,
                        severity="note",
                        hint="what it amends may differ from what was first written",
                    )
                )
    return problems


# ``check`` remembers each clean client's findings in the cache as plain data (JSON): a
# row read back is checked field by field before it becomes Findings again.
SEVERITIES = ("error", "warning", "note")


def findings_to_plain(found: Findings) -> dict[str, object]:
    return {
        "problems": [
            [str(p.path), p.message, p.line, p.column, p.hint, p.severity] for p in found.problems
        ],
        "counts": [found.clients, found.sessions, found.homework],
    }


def findings_from_plain(plain: object) -> Findings:
    """The Findings ``findings_to_plain`` gave; ValueError for anything else."""
    if type(plain) is not dict or set(plain) != {"problems", "counts"}:
        raise ValueError("not check findings")
    counts, rows = plain["counts"], plain["problems"]
    if type(rows) is not list or type(counts) is not list or len(counts) != 3:
        raise ValueError("not check findings")
    if any(type(n) is not int or n < 0 for n in counts):
        raise ValueError("not check findings")
    return Findings([_problem(row) for row in rows], *counts)


def _problem(row: object) -> Problem:
    if type(row) is not list or len(row) != 6:
        raise ValueError("not a problem")
    path, message, line, column, hint, severity = row
    if type(path) is not str or not path or type(message) is not str:
        raise ValueError("not a problem")
    if any(n is not None and (type(n) is not int or n < 1) for n in (line, column)):
        raise ValueError("not a problem")
    if (hint is not None and type(hint) is not str) or severity not in SEVERITIES:
        raise ValueError("not a problem")
    return Problem(Path(path), message, line, column, hint, severity)
