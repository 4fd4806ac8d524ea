"""The guided ``otj homework log`` flow: short questions that depend on the entry's kind.

A mood check or a practice log takes a handful of keys. In self mode the questions
speak to the person ("you"); otherwise to the caregiver about the client by name.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from rich.console import Console
from rich.markup import escape

from otjournal.errors import UsageError
from otjournal.forms.homework import PART_KEYS, at_problem, parse_when
from otjournal.model import Assignment, Client
from otjournal.model.kinds import (
    DEFAULT_TENSION_ANCHORS,
    HOMEWORK_BY_NAME,
    HOMEWORK_KINDS,
    PRACTICE,
    RELAXATION,
    THOUGHT_RECORD,
)
from otjournal.model.parts import PRACTICE_RATINGS
from otjournal.model.spec import FieldSpec, RecordKind
from otjournal.prompts.base import Asker, pick

SUPPORT_QUESTION = "Would you like to see where support is"
DONE_CHOICES = {"y": "yes", "p": "partly", "n": "not-this-time"}
# The questions about how practice went: not asked, nor kept, when it was "not this time".
HOW_IT_WENT = ("how_it_went", *PRACTICE_RATINGS)
# A partial key marking a thought record's list still being written (kept in the draft).
OPEN = "thought_record.open."


def _label(kind: RecordKind, key: str) -> str:
    """The question the spec gives a field."""
    return kind.spec_of(key).label


@dataclass
class HomeworkContext:
    client: Client
    current: list[Assignment]
    self_mode: bool
    now: Any
    writer: str  # default author: last entry's, a caregiver, or the client in self mode
    # A self-journal's support lines (config): a thought record may ask to see them.
    support: tuple[str, ...] = ()


class HomeworkFlow(Asker):
    def __init__(
        self,
        console: Console,
        entry: dict[str, Any],
        partial: dict[str, Any],
        ctx: HomeworkContext,
        save: Callable[[str], None],
    ) -> None:
        # No language hints here: what a client or caregiver writes is saved and shown
        # as they wrote it (forms/hints.py).
        super().__init__(console, entry, partial, save)
        self.ctx = ctx
        self.wants_support = False  # asked in a thought record; never written to the entry

    @property
    def who(self) -> str:
        return "you" if self.ctx.self_mode else self.ctx.client.display_name.split()[0]

    def steps(self) -> list[tuple[str, Callable[[], None]]]:
        return [("what", self.ask_what), ("when", self.ask_when), ("kind", self.ask_kind_part)]

    def run(self, from_step: str = "") -> None:
        names = [n for n, _ in self.steps()]
        start = names.index(from_step) if from_step in names else 0
        for name, method in self.steps()[start:]:
            self.step = name
            self.save()
            method()
        self.step = "review"
        self.save()

    # -- steps -------------------------------------------------------------------
    def ask_what(self) -> None:
        if self.note.get("entry_kind"):
            return
        current = self.ctx.current
        for i, a in enumerate(current, 1):
            self.say(f" [bold]{i}[/] {escape(a.text)} [dim]({a.kind})[/]")
        kinds = " / ".join(HOMEWORK_KINDS)
        hint = f"a number above, or a kind: {kinds}" if current else kinds
        while True:
            raw = self.ask("What is this entry", "1" if current else "", hint).strip().lower()
            if raw.isdigit() and 1 <= int(raw) <= len(current):
                a = current[int(raw) - 1]
                self.note["entry_kind"] = a.kind
                self.note["assignment"] = a.id
                break
            kind = pick(raw, HOMEWORK_KINDS)
            if kind:
                self.note["entry_kind"] = kind
                break
            self.say(f"  [yellow]Please give a number or one of: {kinds}[/]")
        self.save()

    def ask_when(self) -> None:
        while not self.note.get("written_by"):
            self.note["written_by"] = self.ask_name("Who is writing", self.ctx.writer)
        self.ask_at()

    def ask_writer(self) -> None:
        """Asked again at the review: Enter keeps who it is."""
        self.note["written_by"] = self.ask_name("Who is writing", self.note.get("written_by", ""))
        self.save()

    def ask_at(self) -> None:
        default = self.note.get("at")
        while True:
            raw = self.ask(
                "When", f"{default:%Y-%m-%d %H:%M}" if default else "now", "HH:MM, yesterday 19:30"
            )
            try:
                # A kept time keeps its own offset (see LogFlow.ask_when).
                now = self.ctx.now.astimezone(default.tzinfo) if default else self.ctx.now
                at = parse_when(raw, now)
            except UsageError as exc:
                self.say(f"  [yellow]{escape(exc.message)}[/]")
                continue
            later = at_problem(at, self.ctx.now)  # asked again here, not at the review
            if later is None:
                self.note["at"] = at
                break
            self.say(f"  [yellow]{escape(later)}[/]")
        self.save()

    def ask_kind_part(self) -> None:
        kind = self.note["entry_kind"]
        # Kinds whose questions depend on earlier answers keep a flow of their own; every
        # other kind is asked its spec's fields in order (model.kinds).
        own = {
            "practice": self.ask_practice,
            "relaxation": self.ask_relaxation,
            "thought-record": self.ask_thought_record,
            "exposure": self.ask_exposure,
        }
        if kind in own:
            own[kind]()
        else:
            self.ask_fields(HOMEWORK_BY_NAME[kind])

    def _part(self) -> dict[str, Any]:
        part: dict[str, Any] = self.note.setdefault(PART_KEYS[self.note["entry_kind"]], {})
        return part

    def _rate(
        self,
        table: dict[str, Any],
        key: str,
        label: str,
        lo: int,
        hi: int,
        hint: str = "",
        required: bool = False,
    ) -> None:
        value = self.ask_int(label, lo, hi, table.get(key), hint, allow_blank=not required)
        if value is None:
            table.pop(key, None)
        else:
            table[key] = value
        self.save()

    def _rate_field(self, table: dict[str, Any], f: FieldSpec, more: str = "") -> None:
        """A 0-10 rating asked under the question before it (indented)."""
        lo, hi = int(f.low or 0), int(f.high or 0)
        self._rate(table, f.key, "  " + f.label, lo, hi, f.scale + more)

    def question(self, f: FieldSpec) -> str:
        """A practice question about the person writing, or about the client by name."""
        return f.label if self.who == "you" else f.label.replace("you", self.who, 1)

    def assignment(self) -> Assignment | None:
        return next((a for a in self.ctx.current if a.id == self.note.get("assignment")), None)

    def ask_practice(self) -> None:
        p = self._part()
        self.ask_practised()
        self.ask_done()
        if p["done"] == "not-this-time":
            return  # "not this time": how it went is not asked (nothing to rate)
        self.ask_how_it_went()

    def ask_how_it_went(self) -> None:
        """How practice went, in words and ratings (asked only when it was done)."""
        p = self._part()
        self.ask_text("practice.how_it_went", _label(PRACTICE, "how_it_went"), multiline=False)
        for key in HOW_IT_WENT[1:]:
            if key != "mood_after" or "mood_before" in p:
                self._rate_field(p, PRACTICE.spec_of(key), ", Enter to skip")

    def ask_practised(self) -> None:
        """What was practised: the homework's name is the default; kept only when the
        person's words say more than the homework's name does."""
        p = self._part()
        named = self.assignment()
        default = p.get("what") or (named.text if named else "")
        what = self.ask(self.question(PRACTICE.spec_of("what")), default, "Enter to skip")
        if what and not (named and what == named.text):
            p["what"] = what
        else:
            p.pop("what", None)
        self.save()

    def ask_done(self) -> None:
        p = self._part()
        done = PRACTICE.spec_of("done")
        default = next((k for k, v in DONE_CHOICES.items() if v == p.get("done")), "y")
        while True:
            raw = self.ask(self.question(done), default, done.hint).lower()[:1]
            if raw in DONE_CHOICES:
                p["done"] = DONE_CHOICES[raw]
                break
        if p["done"] == "not-this-time":  # how it went goes with it
            for key in HOW_IT_WENT:
                p.pop(key, None)
        self.save()

    def ask_relaxation(self) -> None:
        r = self._part()
        r.setdefault("anchor_low", DEFAULT_TENSION_ANCHORS[0])
        r.setdefault("anchor_high", DEFAULT_TENSION_ANCHORS[1])
        assignment = self.assignment()
        while not r.get("technique"):
            r["technique"] = self.ask(
                _label(RELAXATION, "technique"),
                r.get("technique") or (assignment.text if assignment else ""),
            )
        self.save()
        self._rate(r, "minutes", _label(RELAXATION, "minutes"), 0, 600, "Enter to skip")
        scale = f"{r['anchor_low']} … {r['anchor_high']}"
        for key in ("tension_before", "tension_after"):
            self._rate(r, key, _label(RELAXATION, key), 0, 10, scale)

    def ask_thought_record(self) -> None:
        t = self._part()
        while not t.get("situation"):
            self.ask_text("thought_record.situation", _label(THOUGHT_RECORD, "situation"))
        emotions = t.setdefault("emotions", [])
        self.ask_rated(
            "emotions",
            ("name", _label(THOUGHT_RECORD, "emotions"), "Another emotion", "e.g. anxious"),
            ("before", "  How strong, 0-100 %"),
        )
        thoughts = t.setdefault("thoughts", [])
        if self.ask_rated(
            "thoughts",
            ("text", _label(THOUGHT_RECORD, "thoughts"), "Another thought", ""),
            ("belief", "  How much do you believe it, 0-100 %"),
        ):
            if len(thoughts) > 1:
                hot = self.ask_int(
                    "Which is the hot thought (the strongest)",
                    1,
                    len(thoughts),
                    1,
                    allow_blank=False,
                )
                for i, thought in enumerate(thoughts, 1):
                    thought.pop("hot", None)
                    if i == (hot or 1):
                        thought["hot"] = True
            else:
                thoughts[0]["hot"] = True
        self.partial.pop(OPEN + "thoughts", None)  # the list and its hot thought are done
        self.save()
        for key in ("evidence_for", "evidence_against", "balanced_thought"):
            self.ask_text(f"thought_record.{key}", _label(THOUGHT_RECORD, key))
        if t.get("balanced_thought"):
            balanced = THOUGHT_RECORD.spec_of("balanced_belief")
            self._rate(t, balanced.key, "  " + balanced.label, 0, 100)
        for e in emotions:
            value = self.ask_int(f"Re-rate {e['name']} now, 0-100 %", 0, 100, e.get("after"))
            if value is not None:
                e["after"] = value
            self.save()
        self.offer_support()

    def ask_rated(self, key: str, named: tuple[str, str, str, str], rated: tuple[str, str]) -> bool:
        """A thought record's list of named, rated items (emotions, thoughts), asked until
        Enter. Each name is kept as soon as it is typed and its rating after it, so Ctrl-C
        loses neither; resumed, an unrated item is rated and the list goes on. False when
        the list was finished before (or given as flags): not asked again."""
        items: list[dict[str, Any]] = self._part()[key]
        name_key, first, more, example = named
        rate_key, rate_label = rated
        marker = OPEN + key  # in the draft while the list is being written
        if items and not self.partial.get(marker) and all(rate_key in i for i in items):
            return False
        self.partial[marker] = True
        while True:
            if items and rate_key not in items[-1]:
                item = items[-1]  # named before an interruption: its rating is asked now
            else:
                hint = "; ".join(h for h in (example, "Enter when done" if items else "") if h)
                name = self.ask(more if items else first, "", hint)
                if not name:
                    if items:
                        break
                    continue
                item = {name_key: name}
                items.append(item)
                self.save()
            item[rate_key] = self.ask_int(rate_label, 0, 100, allow_blank=False)
            self.save()
        if key != "thoughts":  # the thoughts' list stays open until the hot one is chosen
            self.partial.pop(marker, None)
        self.save()
        return True

    def offer_support(self) -> None:
        """In a self-journal with support lines set, the person may ask to see where help
        is; shown at once, whether or not the entry is saved after. The answer is theirs
        and is not stored: it is asked again on the next record, and nothing in the entry
        marks it."""
        if self.ctx.support and not self.wants_support:
            answer = self.ask(SUPPORT_QUESTION, "", "y/N").strip().lower()
            self.wants_support = answer.startswith("y")
            if self.wants_support:
                from otjournal.forms.support import support_text

                self.console.print(support_text(self.ctx.support), highlight=False)

    def ask_exposure(self) -> None:
        """The step chosen from the client's hierarchy, then the spec's other fields;
        without a hierarchy, every field as the spec says."""
        from otjournal.model.kinds import EXPOSURE

        if self.ask_step():
            self.ask_fields(EXPOSURE, skip=("step",))
        else:
            self.ask_fields(EXPOSURE)

    def ask_step(self) -> bool:
        """The step, by its number in the client's hierarchy (least SUDS first), the one
        chosen before offered (the review's change asks it so too); False without a
        hierarchy: the step is then words, asked as any field."""
        from otjournal.model.hierarchy import by_suds, find_step
        from otjournal.model.kinds import EXPOSURE

        steps = [s for s in by_suds(self.ctx.client.hierarchy) if s.is_active]
        part = self._part()
        if not steps:
            return False
        for i, s in enumerate(steps, 1):
            self.say(f" [bold]{i}[/] {escape(s.step)} [dim](SUDS {s.suds}, {s.number})[/]")
        chosen = next((i for i, s in enumerate(steps, 1) if s.id == part.get("step")), 1)
        while True:
            raw = self.ask(EXPOSURE.spec_of("step").label, str(chosen), "a number above")
            found = steps[int(raw) - 1] if raw.isdigit() and 1 <= int(raw) <= len(steps) else None
            try:
                found = found or find_step(tuple(steps), raw.strip())
            except ValueError:  # two steps share that short name: the number tells them apart
                found = None
            if found is not None:
                part["step"] = found.id
                break
            self.say(f"  [yellow]Please give a number from 1 to {len(steps)}.[/]")
        self.save()
        return True

    def ask_fields(self, spec: RecordKind, skip: tuple[str, ...] = ()) -> None:
        """Each field of the kind, in the spec's order, with the spec's words."""
        for f in spec.fields:
            if f.key in skip:
                continue
            self.ask_field(spec, f)

    def ask_field(self, spec: RecordKind, f: FieldSpec) -> None:
        table = self.note if f.top else self._part()
        if f.type == "int":
            lo, hi = int(f.low or 0), int(f.high or 0)
            hint = f.hint
            if spec is RELAXATION:  # the entry's own anchors
                hint = f"{table['anchor_low']} … {table['anchor_high']}"
            self._rate(table, f.key, f.label, lo, hi, hint, required=f.required)
        elif f.type == "number":
            self.ask_number(table, f)
        elif f.type == "choice":
            chosen = self.ask_choice(
                f.label, f.choices, table.get(f.key, ""), allow_blank=not f.required
            )
            if chosen:
                table[f.key] = chosen
            self.save()
        elif f.type == "texts":
            self.ask_texts(table, f)
        else:
            key = spec.dotted(f)
            self.ask_text(key, f.label)
            while f.required and not table.get(f.key):
                self.ask_text(key, f.label)

    def ask_number(self, table: dict[str, Any], f: FieldSpec) -> None:
        raw = self.ask(f.label, str(table.get(f.key, "")), f.hint)
        try:
            value = float(raw) if raw else None
        except ValueError:
            value = None
        if value is not None and (f.low or 0) <= value <= (f.high or 0):
            table[f.key] = value
        self.save()

    def ask_texts(self, table: dict[str, Any], f: FieldSpec) -> None:
        """A short list, one item a line; Enter when done."""
        items = list(table.get(f.key) or [])
        if items:
            return
        while not f.max_items or len(items) < f.max_items:
            done = bool(items) or not f.required
            raw = self.ask(f.label if not items else "Another", "", f.hint if done else "")
            if not raw:
                if done:
                    break
                continue
            items.append(raw)
            table[f.key] = items
            self.save()

    def review(self) -> str:
        """The review screen (prompts.homework_review): 'save', 'quit', 'again' (start
        again), 'changed' (one answer asked again) or 'review' (show it again)."""
        from otjournal.prompts.homework_review import review

        return review(self)
