"""What a record kind is made of: its fields (with flag, question, form skeleton), its
export columns, its summary numbers, its one-line view. The kinds themselves are
declared in :mod:`otjournal.model.kinds`. Pure: no Typer, no Rich."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from otjournal.frozen import frozen


@frozen
class FieldSpec:
    """One key of a kind's table (or of the entry itself, for ``text``)."""

    key: str
    label: str  # the prompt's question, and the field's name for people
    type: str = "text"  # text | int | number | choice | texts | tables
    low: float | None = None
    high: float | None = None
    unit: str = ""  # "%", "minutes"
    required: bool = False
    choices: tuple[str, ...] = ()
    flag: str = ""  # the `otj homework log` option that fills it; "" = none of its own
    flag_help: str | None = None
    metavar: str = ""  # what the flag takes, named when it is missing under --no-input
    parse: Callable[[str], Any] | None = None  # flag text -> the stored value
    hint: str = ""  # shown beside the prompt
    skeleton: Any = None  # the blank in the editor form; None = not in the form
    default: Any = None  # filled in when left out (the relaxation scale's anchors)
    from_assignment: bool = False  # the editor form starts it with the homework's text
    suggest: bool = False  # named with the required flags when the whole part is missing
    max_items: int | None = None  # texts: at most this many
    example: str = ""  # a value the flag takes, for help and tests ("anxious:80:40")
    top: bool = False  # a key of the entry itself, not of the kind's table
    given_by: str = ""  # how a person gives it when no one flag does ("--date/--time")
    shown: str = ""  # its name on the review screen, where the question would read oddly

    @property
    def name(self) -> str:
        """What the review screen calls it: ``shown``, else the question."""
        return self.shown or self.label

    @property
    def scale(self) -> str:
        """``0-10``, ``0-100 %``: the range as people read it ("" when there is none)."""
        if self.low is None or self.high is None:
            return ""
        return f"{self.low:g}-{self.high:g}" + (f" {self.unit}" if self.unit == "%" else "")

    @property
    def option(self) -> str:
        """The flag as the --no-input message names it: ``--mood 0-10``."""
        if self.given_by:
            return self.given_by
        takes = self.metavar or ("|".join(self.choices) if self.choices else self.scale)
        return f"{self.flag} {takes}".rstrip() if self.flag else ""

    @property
    def option_name(self) -> str:
        """The Python name of the flag: ``--mood-before`` -> ``mood_before``."""
        return self.flag.removeprefix("--").replace("-", "_")

    @property
    def repeats(self) -> bool:
        return self.type in ("texts", "tables")


@frozen
class Column:
    """One export column: its name, its description (docs/export.md) and its value."""

    name: str
    help: str
    value: Callable[[Any], Any] | None = None  # the kind's part -> the cell


@frozen
class Measure:
    """A summary number: the mean of one value over a kind's entries."""

    label: str
    unit: str  # "/10", "%"
    value: Callable[[Any], float | None]


@frozen
class RecordKind:
    """A kind of record: a session, or one kind of homework journal entry."""

    name: str  # as stored: entry_kind = "thought-record"
    title: str  # for people: "thought record"
    family: str = "homework"  # homework | session (later: intake, review, discharge)
    folder: str = "homework"  # the client's folder its files go in
    part_key: str = ""  # its TOML table ("" = no table of its own, like journal)
    attr: str = "answers"  # the HomeworkEntry attribute that holds the part
    model: str = ""  # the class in model.parts reading the table; "" = Answers, by the fields
    fields: tuple[FieldSpec, ...] = ()
    form_hint: str = ""  # the editor form's comment line for this kind
    line: Callable[[Any], str] | None = None  # the part -> its one-line detail
    columns: tuple[Column, ...] = ()
    measures: tuple[Measure, ...] = ()  # summary numbers beyond the kind's own trend

    def spec_of(self, key: str) -> FieldSpec:
        return next(f for f in self.fields if f.key == key)

    def dotted(self, f: FieldSpec) -> str:
        """Where a field lives in an entry: ``mood.mood``, ``text``."""
        return f.key if f.top or not self.part_key else f"{self.part_key}.{f.key}"

    def read(self, table: Any) -> Any:
        from otjournal.model import parts

        if self.model:
            return getattr(parts, self.model).read(table)
        return parts.Answers.read(table, [f for f in self.fields if not f.top])

    def hint(self) -> str:
        """The editor's comment: declared, or the fields with their scales."""
        if self.form_hint:
            return self.form_hint
        said = [
            f"{f.key} (up to {f.max_items})" if f.max_items else f"{f.key} {f.scale}".rstrip()
            for f in self.fields
            if not f.top
        ]
        return f"[{self.part_key}] " + "; ".join(said)

    def skeleton(self, assignment_text: str = "") -> dict[str, Any]:
        from copy import deepcopy

        return {
            f.key: assignment_text if f.from_assignment else deepcopy(f.skeleton)
            for f in self.fields
            if not f.top and (f.skeleton is not None or f.from_assignment)
        }

    def one_line(self, part: Any) -> str:
        return self.line(part) if self.line is not None and part is not None else ""
