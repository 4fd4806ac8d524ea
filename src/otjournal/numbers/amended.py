"""The notes as they read now: a session with its amendments' corrections applied.

An amendment never rewrites the file (disk/amend.py): the note stays as written, the
corrections follow it. What the note says *now* is read here: each correction's wording
in place of the text it corrects (the whole field, or only its ``original`` span), each
corrected value applied, in the order the amendments were made. ``amended_fields`` says
which fields were amended and when, so a quote can be marked "amended DATE".

Pure: a session in, a session out. Field paths are the ones people read and type
(``goals[g1-k3x].evidence``, ``activities[2].response``, ``checklist[agile].answer``,
``duration_min``); activities are counted from 1, as listed.
"""

from __future__ import annotations

import copy
import math
import re
import weakref
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from otjournal.errors import UsageError, ValidationError, ValidationErrors
from otjournal.frozen import frozen
from otjournal.model.amendment import Amendment
from otjournal.model.ids import is_slug, shown
from otjournal.model.measures import ORS_ITEMS, SRS_ITEMS
from otjournal.model.risk import RISK_VALUES, RISK_WORDS, Risk
from otjournal.model.session import Session
from otjournal.model.vocab import NO_ATTENDEE_TYPES

if TYPE_CHECKING:
    from otjournal.model import Client

WHOLE_NOTE = "*"  # a correction whose place in the note is not known: the note as a whole
REVIEW = "review"


@frozen
class Part:
    """A part of a note: how its rows are named in brackets (``None`` for a table, ``#``
    by their number from 1) and the fields in it a correction may name."""

    rows: str | None
    texts: tuple[str, ...] = ()
    values: tuple[str, ...] = ()


PARTS: dict[str, Part] = {
    "": Part(None, (), ("duration_min", "attendees", "techniques")),
    "goals": Part("goal", ("evidence",), ("gas", "copm_performance", "copm_satisfaction")),
    "activities": Part("#", ("name", "adaptation", "response")),
    "child_voice": Part(None, ("text",)),
    "caregiver": Part(None, ("report", "involvement")),
    "regulation": Part(None, ("notes",)),
    "checklist": Part("item", ("note",), ("answer",)),
    "plan": Part(None, ("summary", "next_focus")),
    "plan.homework": Part("id", ("text",)),
    "intake": Part(None, ("referral_source", "referral_reason", "background", "what_matters")),
    "discharge": Part(None, ("reason_note", "recommendations", "maintenance")),
    "discharge.goals": Part("goal", ("summary",)),
    "risk": Part(None, ("what", "action"), RISK_VALUES),
    "ors": Part(None, (), ORS_ITEMS),
    "srs": Part(None, (), SRS_ITEMS),
}
ALWAYS = ("child_voice", "caregiver", "plan")  # every note has them, even when empty
MADE = ("risk",)  # a correction may give a note one it did not record
_SEGMENT = re.compile(r"([a-z_]+)(?:\[([a-z0-9][a-z0-9_-]*)\])?\Z")


@frozen
class Change:
    """A field as it reads now: the amendment that last changed (or named) it, what the
    note said and what holds now (the same, when an amendment only names the field)."""

    path: str
    at: datetime
    kind: str
    was: Any
    now: Any

    @property
    def changed(self) -> bool:
        """Whether it reads otherwise than written, by the rule a new correction is held
        to (``_same``: who attended, in another order, is no change)."""
        return not _same(self.was, self.now, self.path in _UNORDERED)


@frozen
class Reading:
    """A note as it reads now, what changed, and what could not be placed."""

    session: Session
    changes: dict[str, Change]
    # Per amendment (file order): each field it touched, as it was before it and after it.
    placed: tuple[tuple[Change, ...], ...]
    problems: tuple[tuple[int, str], ...]  # (amendment index, why a part did not apply)


# An amended session remembers the reading it came from, so reading it again (a caller
# that amends twice, or asks amended_fields of the amended copy) gives the same answer.
_READ: dict[int, Reading] = {}


def as_amended(session: Session) -> Session:
    """The session as it reads now (the note itself, unchanged, when nothing applies)."""
    return read_now(session).session


def amended_fields(session: Session) -> dict[str, date]:
    """Each field an amendment corrected or named, with the day of the latest one
    (``WHOLE_NOTE`` for a correction whose place in the note is not known)."""
    return {path: c.at.date() for path, c in read_now(session).changes.items()}


def unplaced_corrections(session: Session) -> list[Amendment]:
    """The corrections of a note whose place in it is not known (no field named, or not
    one that fits): the note reads as written, so their words must be read beside it."""
    reading = read_now(session)
    return [
        session.amendments[i]
        for i, touched in enumerate(reading.placed)
        if any(c.path == WHOLE_NOTE for c in touched)
    ]


def corrected(session: Session) -> dict[str, Any]:
    """Each field that reads otherwise than written after the corrections, by its path,
    with what it holds now (what the JSON of a note adds beside the file's own values,
    which stay as written); one corrected back is not here."""
    return {p: c.now for p, c in changes(session).items() if p != WHOLE_NOTE and c.changed}


def changes(session: Session) -> dict[str, Change]:
    return read_now(session).changes


def problems(session: Session) -> list[str]:
    """Parts of amendments that name something this note does not have (shown beside the
    note only): one line each, no note text."""
    return [f"amendment {i + 1}: {why}" for i, why in read_now(session).problems]


def read_now(session: Session) -> Reading:
    known = _READ.get(id(session))
    if known is not None and known.session is session:
        return known
    amendments = session.amendments
    if not amendments:
        return Reading(session, {}, (), ())
    written = session.to_dict()
    data = copy.deepcopy(written)
    found: dict[str, Change] = {}
    placed: list[tuple[Change, ...]] = [() for _ in amendments]
    why: list[tuple[int, str]] = []
    for i in sorted(range(len(amendments)), key=lambda n: (amendments[n].at, n)):
        a = amendments[i]
        trial = copy.deepcopy(data)
        touched, problems_here = _apply(trial, a)
        if trial != data:
            try:
                Session.from_dict(trial)
            except ValidationErrors as exc:  # the rules' words name fields, never quote text
                problems_here.append(
                    "its corrections do not fit this note: "
                    + "; ".join(e.message for e in exc.errors)
                )
                trial, touched = data, [WHOLE_NOTE]
        placed[i] = tuple(
            Change(path, a.at, a.kind, _value(data, path), _value(trial, path))
            for path in dict.fromkeys(touched)
        )
        data = trial
        why += [(i, p) for p in problems_here]
        for c in placed[i]:
            found[c.path] = Change(c.path, a.at, a.kind, _value(written, c.path), c.now)
    result = session if data == written else Session.from_dict(data)
    reading = Reading(result, found, tuple(placed), tuple(why))
    if result is not session:
        _READ[id(result)] = reading
        weakref.finalize(result, _READ.pop, id(result), None)
    return reading


# -- applying one amendment -----------------------------------------------------------


def _apply(data: dict[str, Any], a: Amendment) -> tuple[list[str], list[str]]:
    """Apply ``a`` to a note's table in place: the paths it touched, and what did not fit."""
    touched: list[str] = []
    why: list[str] = []
    if a.field_path:
        spot = locate(data, a.field_path, text=True, create=a.corrects)
        if isinstance(spot, str):
            why.append(spot)
            if a.corrects:
                touched.append(WHOLE_NOTE)
        else:
            if a.corrects:
                why += _correct(spot, a)
            touched.append(spot.path)
    elif a.corrects and a.original:
        spots = [s for s in text_spots(data) for _ in range(s.current.count(a.original))]
        if len(spots) == 1:  # written before fields were named: placed when unambiguous
            why += _correct(spots[0], a)
            touched.append(spots[0].path)
        else:
            touched.append(WHOLE_NOTE)
    elif a.corrects and not a.values:
        touched.append(WHOLE_NOTE)
    if a.corrects:
        for path, value in value_items(a.values):
            spot = locate(data, path, text=False, create=True)
            if isinstance(spot, str):
                why.append(spot)
            elif (
                path.startswith("goals[") and ".copm" in path and data.get("session_type") != REVIEW
            ):
                why.append(f"{spot.path}: COPM is corrected only in a review")
            else:
                spot.table[spot.leaf] = value
                touched.append(spot.path)
                if spot.path == "risk.status" and value != "identified":
                    # None identified after all: what it said was identified goes with it
                    # (the file keeps it, as it keeps every corrected word), and every
                    # reader reads each detail as set aside.
                    for key in Risk.DETAILS:
                        if spot.table.pop(key, None) is not None:
                            touched.append(f"risk.{key}")
    return touched, why


def _correct(spot: Spot, a: Amendment) -> list[str]:
    current = spot.current
    if not a.original:
        spot.table[spot.leaf] = a.text
        return []
    count = current.count(a.original)
    if count != 1:
        where = "is not in" if count == 0 else f"is {count} times in"
        return [f"its original wording {where} {spot.path} (the field is marked, not changed)"]
    spot.table[spot.leaf] = current.replace(a.original, a.text)
    return []


def value_items(values: Mapping[str, Any]) -> Iterator[tuple[str, Any]]:
    """``[amendments.values]`` as (path, value) pairs: ``goals[g1-k3x].gas``, ..."""
    goals = values.get("goals")
    for gid, one in goals.items() if isinstance(goals, dict) else ():
        for key, value in one.items() if isinstance(one, dict) else ():
            yield f"goals[{gid}].{key}", value
    checklist = values.get("checklist")
    for item, answer in checklist.items() if isinstance(checklist, dict) else ():
        yield f"checklist[{item}].answer", answer
    if "duration_min" in values:
        yield "duration_min", values["duration_min"]
    if "attendees" in values:
        yield "attendees", list(values["attendees"])
    if "techniques" in values:
        yield "techniques", list(values["techniques"])
    for scale in ("ors", "srs"):
        items = values.get(scale)
        for key, value in items.items() if isinstance(items, dict) else ():
            yield f"{scale}.{key}", value
    risk = values.get("risk")
    risk = risk if isinstance(risk, dict) else {}
    for key in RISK_VALUES:  # the status first: a status of none drops the details
        if key in risk:
            yield f"risk.{key}", list(risk[key]) if key == "told" else risk[key]


# -- field paths ------------------------------------------------------------------------


@dataclass
class Spot:
    """A field found in a note's table: its path (rows named as in the file), the table
    holding it and its key there."""

    path: str
    table: dict[str, Any]
    leaf: str

    @property
    def current(self) -> str:
        value = self.table.get(self.leaf, "")
        return value if isinstance(value, str) else ""


def locate(data: dict[str, Any], path: str, *, text: bool, create: bool = False) -> Spot | str:
    """The field ``path`` names in a note's table, or why it names none (no note text:
    a path that is not one is not repeated)."""
    if not Amendment.FIELD_PATH.match(path):
        return "not a field path (" + Amendment.FIELD_HINT + ")"
    *parts, leaf = path.split(".")
    last = _SEGMENT.match(leaf)
    if last is None or last.group(2) is not None:
        return f"{path}: names a row, not a field in it"
    table, names, shown_parts = data, [], []
    for segment in parts:
        m = _SEGMENT.match(segment)
        assert m is not None  # FIELD_PATH matched
        name, key = m.groups()
        names.append(name)
        part = PARTS.get(".".join(names))
        if part is None or (part.rows is None) != (key is None):
            return f"{path}: not a field an amendment can correct"
        if key is None:
            below = table.get(name)
            if below is None and ".".join(names) in ALWAYS + MADE:
                below = {}
                if create:
                    table[name] = below
            if not isinstance(below, dict):
                return f"{path}: the note has no {'.'.join(names)}"
            table = below
            shown_parts.append(name)
            continue
        row, label = _row(table.get(name), part, key)
        if row is None:
            return f"{path}: the note has no {'.'.join(names)}[{key}]" + _rows_it_has(
                table.get(name), part
            )
        table = row
        shown_parts.append(f"{name}[{label}]")
    part = PARTS.get(".".join(names))
    allowed = (part.texts if text else part.values) if part else ()
    if leaf not in allowed:
        what = "text field" if text else "value"
        return f"{path}: not a {what} an amendment can correct"
    return Spot(".".join([*shown_parts, leaf]), table, leaf)


def _rows_it_has(rows: Any, part: Part) -> str:
    """The rows a note has, to pick from: their ids (an id that is not one, in a file
    edited by hand, is not repeated), or their numbers."""
    if not isinstance(rows, list) or not rows:
        return " (it has none)"
    if part.rows == "#":
        return f" (it has {len(rows)}: 1 to {len(rows)})" if len(rows) > 1 else " (it has 1)"
    keys = [str(r.get(part.rows, "")) for r in rows if isinstance(r, dict)]
    said = [k for k in keys if is_slug(k)]
    return f" (it has {', '.join(said)})" if said else ""


def _row(rows: Any, part: Part, key: str) -> tuple[dict[str, Any] | None, str]:
    if not isinstance(rows, list):
        return None, key
    if part.rows == "#":
        n = int(key) if key.isdigit() else 0
        return (rows[n - 1], key) if 1 <= n <= len(rows) else (None, key)
    exact = [r for r in rows if r.get(part.rows) == key]
    if exact:
        return exact[0], key
    short = [r for r in rows if str(r.get(part.rows, "")).partition("-")[0] == key]
    if part.rows == "goal" and len(short) == 1:
        return short[0], str(short[0]["goal"])
    return None, key


def text_spots(data: dict[str, Any]) -> Iterator[Spot]:
    """Every text field of a note's table that a correction may name."""
    for name, part in PARTS.items():
        if not part.texts:
            continue
        *up, last = name.split(".")
        tables: list[tuple[str, dict[str, Any]]] = [("", data)]
        for segment in up:
            tables = [
                (f"{p}{segment}.", t[segment])
                for p, t in tables
                if isinstance(t.get(segment), dict)
            ]
        for prefix, table in tables:
            below = table.get(last)
            if part.rows is None and isinstance(below, dict):
                rows = [(f"{prefix}{last}", below)]
            elif part.rows is not None and isinstance(below, list):
                rows = [
                    (f"{prefix}{last}[{n + 1 if part.rows == '#' else r.get(part.rows)}]", r)
                    for n, r in enumerate(below)
                    if isinstance(r, dict)
                ]
            else:
                rows = []
            for head, row in rows:
                for leaf in part.texts:
                    if isinstance(row.get(leaf), str):
                        yield Spot(f"{head}.{leaf}", row, leaf)


def _value(data: dict[str, Any], path: str) -> Any:
    if path == WHOLE_NOTE:
        return None
    spot = locate(data, path, text=True)
    if isinstance(spot, str):
        spot = locate(data, path, text=False)
    return None if isinstance(spot, str) else spot.table.get(spot.leaf)


# -- words for a reader -----------------------------------------------------------------


def was(change: Change | None, shown: Callable[[Any], str] = str) -> str:
    """`` (amended 2026-03-06; was 0)`` after a corrected value, or nothing."""
    if change is None or not change.changed:
        return ""
    before = "not recorded" if change.was in (None, "", []) else shown(change.was)
    return f" (amended {change.at:%Y-%m-%d}; was {before})"


def corrects_line(reading: Reading, index: int) -> str:
    """What amendment ``index`` corrects or names: its fields, a value as was → now."""
    parts = []
    for c in reading.placed[index] if index < len(reading.placed) else ():
        if c.path == WHOLE_NOTE:
            parts.append("the note as a whole (no field named)")
        elif c.changed and _is_value(c.path):
            # A value (a rating, minutes, a checklist answer) as was → now; a text's
            # words are the note's, shown where the note is.
            parts.append(f"{c.path}: {_value_word(c.was)} → {_value_word(c.now)}")
        else:
            parts.append(c.path)
    return (
        ("corrects: " if reading.session.amendments[index].corrects else "about: ")
        + ("; ".join(parts))
        if parts
        else ""
    )


def _is_value(path: str) -> bool:
    """Whether ``path`` names one of its part's values (PARTS), not a text field."""
    *names, leaf = (_SEGMENT.match(p) for p in path.split("."))
    part = PARTS.get(".".join(m.group(1) for m in names if m))
    return part is not None and leaf is not None and leaf.group(1) in part.values


def _value_word(value: Any) -> str:
    if value is None:
        return "not recorded"
    if isinstance(value, list | tuple):
        return ", ".join(value) or "none"
    return str(value)


# -- for otj amend: flags checked against the note, before anything is written ---------


def field_for(session: Session, client: Client | None, path: str) -> str:
    """The path of the text field ``--field`` names in this note (a goal's short id made
    its full id), or a UsageError saying why it names none."""
    path = _full_goal_ids(path.strip(), client, "--field")
    spot = locate(session.to_dict(), path, text=True, create=True)
    if isinstance(spot, str):
        raise UsageError(f"--field: {spot}", hint=Amendment.FIELD_HINT)
    return spot.path


SET_HINT = (
    "goals.ID.gas, goals.ID.copm_performance, goals.ID.copm_satisfaction, checklist.ITEM, "
    "duration_min, attendees, techniques, ors, srs (or one item: ors.overall), risk, "
    "risk.what, risk.action or "
    "risk.told, e.g. --set goals.g1.gas=+1 --set attendees=child,parent "
    "--set 'techniques=CBT,graded exposure' --set ors=7,6,8,7 --set risk=none-identified; "
    "a risk identified after all: --set risk=identified --set 'risk.what=…' "
    "--set 'risk.action=…' [--set risk.told=parent,GP]"
)


_SCALE_ITEMS = {f"ors.{k}" for k in ORS_ITEMS} | {f"srs.{k}" for k in SRS_ITEMS}
_SET_GOAL = re.compile(r"goals(?:\.|\[)([a-z0-9][a-z0-9_-]*)\]?\.([a-z_]+)\Z")
_SET_ITEM = re.compile(r"checklist(?:\.|\[)([a-z0-9][a-z0-9_-]*)\]?(?:\.answer)?\Z")


def values_from(session: Session, client: Client | None, sets: list[str]) -> dict[str, Any]:
    """``--set PATH=VALUE`` options as ``[amendments.values]``, checked by the note's own
    rules and against this note; a UsageError names the first that does not fit."""
    values: dict[str, Any] = {}
    seen: set[str] = set()
    wholes: set[str] = set()  # the scales given whole (ors=7,6,8,7)
    for given in sets:
        raw_path, eq, raw = given.partition("=")
        path = raw_path.strip()
        goal = _SET_GOAL.match(path)
        item = _SET_ITEM.match(path)
        if not eq:
            raise UsageError("--set takes PATH=VALUE", hint=SET_HINT)
        gid = _full_goal_ids(f"goals[{goal.group(1)}]", client, "--set")[6:-1] if goal else ""
        names = _one_name(path, gid, goal, item)
        scale = path.partition(".")[0]
        if seen & names:  # the last would win, silently
            if scale in ("ors", "srs") and (path == scale) != (scale in wholes):
                raise UsageError(
                    f"--set {scale} is given whole and by item: give its four numbers "
                    f"({scale}=…) or single items ({scale}.ITEM=…), not both"
                )
            raise UsageError(f"--set {shown(path)} is given twice: give each value once")
        seen |= names
        if path in ("ors", "srs"):
            wholes.add(path)
        if goal:
            values.setdefault("goals", {}).setdefault(gid, {})[goal.group(2)] = _number(raw)
        elif item:
            values.setdefault("checklist", {})[item.group(1)] = raw.strip()
        elif path == "duration_min":
            values["duration_min"] = _number(raw)
        elif path == "attendees":
            values["attendees"] = [r.strip() for r in raw.split(",") if r.strip()]
            if not values["attendees"] and session.session_type not in NO_ATTENDEE_TYPES:
                raise UsageError(
                    f"--set attendees= needs who attended: a {session.session_type} session "
                    "was attended by someone (its hours are face-to-face)",
                    hint="e.g. --set attendees=child,parent",
                )
        elif path == "techniques":  # the whole list; an empty one: none recorded
            values["techniques"] = [t.strip() for t in raw.split(",") if t.strip()]
        elif path in ("ors", "srs"):  # the four items in the scale's order, as --ors takes
            items = ORS_ITEMS if path == "ors" else SRS_ITEMS
            numbers = [n.strip() for n in raw.split(",")]
            if len(numbers) != len(items):
                raise UsageError(f"--set {path}= takes four numbers 0-10: {', '.join(items)}")
            values[path] = {k: _number(n) for k, n in zip(items, numbers, strict=True)}
        elif path in _SCALE_ITEMS:  # one item: ors.overall
            scale, _, key = path.partition(".")
            values.setdefault(scale, {})[key] = _number(raw)
        elif path.startswith(("ors.", "srs.")):  # the name not repeated: it may be anything
            items = ORS_ITEMS if path.startswith("ors.") else SRS_ITEMS
            raise UsageError(
                f"--set {path[:3]}.…: not an item of {path[:3]} (its items: {', '.join(items)})"
            )
        elif path in ("risk", "risk.status"):
            values.setdefault("risk", {})["status"] = RISK_WORDS.get(
                raw.strip().lower(), raw.strip()
            )
        elif path in ("risk.what", "risk.action"):  # text: kept as typed, as the note's
            if not raw.strip():
                raise UsageError(
                    f"--set {path}= needs the words: a risk identified has what and the "
                    "action; for none, --set risk=none-identified"
                )
            values.setdefault("risk", {})[path[5:]] = raw
        elif path == "risk.told":
            values.setdefault("risk", {})["told"] = [t.strip() for t in raw.split(",") if t.strip()]
        else:
            raise UsageError(
                f"--set {shown(path)}: not a value an amendment can correct", hint=SET_HINT
            )
    errors: list[ValidationError] = []
    Amendment.check_targets({"values": values}, "", errors, "correction")
    if errors:
        said = "; ".join(e.message.removeprefix("values.") for e in errors)
        raise UsageError("--set " + said, hint=SET_HINT)
    data = session.to_dict()
    for scale in ("ors", "srs"):
        if scale in values and scale not in data:  # said of the scale, not its first item
            raise UsageError(f"--set {scale}: the note has no {scale}")
    for scale in wholes:  # the items that differ are corrected; none: nothing to correct
        reads = read_now(session).session.to_dict().get(scale, {})
        values[scale] = {k: v for k, v in values[scale].items() if not _same(reads.get(k), v)}
        if not values[scale]:
            raise _reads_so(f"--set {scale}")
    for path, _ in value_items(values):
        spot = locate(data, path, text=False)
        if isinstance(spot, str):
            raise UsageError(f"--set {spot}")
        if ".copm" in path and session.session_type != REVIEW:
            raise UsageError(f"--set {spot.path}: COPM is corrected only in a review")
    return values


def _one_name(
    path: str, gid: str, goal: re.Match[str] | None, item: re.Match[str] | None
) -> set[str]:
    """The values a --set path names, each by one name for the ways it may be written
    (``risk`` is ``risk.status``, a goal's short id its full one, ``gid``; ``ors`` is
    its four items)."""
    if goal:
        return {f"goals[{gid}].{goal.group(2)}"}
    if item:
        return {f"checklist[{item.group(1)}]"}
    if path in ("ors", "srs"):
        return {f"{path}.{key}" for key in (ORS_ITEMS if path == "ors" else SRS_ITEMS)}
    return {"risk.status" if path == "risk" else path}


def check_new(session: Session, amendment: Amendment) -> tuple[str, ...]:
    """Where a new amendment applies in the note as it reads now (its paths, or
    ``WHOLE_NOTE``); a UsageError when a part of it would not apply."""
    if amendment.values and not amendment.corrects:
        raise UsageError(
            "--set belongs to a correction: --kind " + " or ".join(Amendment.CORRECTING)
        )
    errors: list[ValidationError] = []
    Amendment.check_targets(amendment.extra, "", errors, amendment.kind)
    if errors:
        raise UsageError("; ".join(e.message for e in errors))
    with_it = replace(session, amendments=(*session.amendments, amendment))
    reading = read_now(with_it)
    last = len(with_it.amendments) - 1
    why = [w for i, w in reading.problems if i == last]
    if why and amendment.field_path and amendment.original:
        raise UsageError(
            f"--original: {why[0]}", hint="quote the words exactly as the field reads now"
        )
    if why:
        raise UsageError(why[0], hint=SET_HINT if "risk." in why[0] else None)
    same = _as_it_reads(session, amendment, reading.placed[last])
    if same:
        raise _reads_so(", ".join(same))
    return tuple(c.path for c in reading.placed[last])


def _reads_so(named: str) -> UsageError:
    return UsageError(
        f"{named}: the note already reads so (as corrected, if it was); nothing to correct",
        hint="leave that out, or give what it should read",
    )


def _as_it_reads(session: Session, amendment: Amendment, placed: tuple[Change, ...]) -> list[str]:
    """The fields a correction names (its --field, its --set values) that it would leave
    as the note reads now: the same value, or the same words but for spaces at their
    ends (shown, "X → X" would look like nothing)."""
    if not amendment.corrects:
        return []
    data = copy.deepcopy(read_now(session).session.to_dict())
    named: dict[str, str] = {}
    for path, flag in [
        *((p, "--set") for p, _ in value_items(amendment.values)),
        *([(amendment.field_path, "--field")] if amendment.field_path else []),
    ]:
        spot = locate(data, path, text=flag == "--field", create=True)
        if isinstance(spot, Spot):
            named[spot.path] = flag
    return [
        f"{named[c.path]} {c.path}"
        for c in placed
        if c.path in named and _same(c.was, c.now, c.path in _UNORDERED)
    ]


_UNORDERED = {"attendees"}  # who attended: the same people in another order are no change


def _same(was: Any, now: Any, unordered: bool = False) -> bool:
    if isinstance(was, str) and isinstance(now, str):
        return was.strip() == now.strip()
    if unordered and isinstance(was, list) and isinstance(now, list):
        return sorted(map(str, was)) == sorted(map(str, now))
    return bool(was == now)


def _number(raw: str) -> Any:
    text = raw.strip()
    try:
        return int(text)
    except ValueError:
        pass
    try:  # 7.5: said to be a number that is not whole, not "a text"
        number = float(text)
    except ValueError:
        return text  # the note's rules say what it must be, without repeating it
    return number if math.isfinite(number) else text


def _full_goal_ids(path: str, client: Client | None, flag: str) -> str:
    """``goals[g1]`` as ``goals[g1-k3x]`` when the client has one goal g1."""
    from otjournal.model.client import AmbiguousGoal

    if client is None:
        return path

    def full(m: re.Match[str]) -> str:
        try:
            goal = client.find_goal(m.group(2))
        except AmbiguousGoal as exc:
            raise UsageError(f"{flag}: {exc}") from None
        return f"{m.group(1)}[{goal.id if goal else m.group(2)}]"

    return re.sub(r"(goals)\[([a-z0-9][a-z0-9_-]*)\]", full, path)
