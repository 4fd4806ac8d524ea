"""The guided ``otj log`` flow: questions in the order a practitioner thinks.

Every answer goes straight into the draft, and the draft is saved after each one
(and after each line of a multi-line answer), so an interruption loses at most
the line being typed. Validation goes through the model's vocabularies; nothing
here invents its own rules. Prompts go to stderr, so stdout stays for results.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.text import Text

from otjournal.errors import UsageError
from otjournal.forms.session import (
    MAX_DURATION,
    MIN_DURATION,
    Note,
    get,
    note_day,
    parse_reuse,
    parse_start,
    parse_tags,
    put,
    start_problem,
)
from otjournal.model import Client, Goal, Session
from otjournal.model.kinds import HOMEWORK_KINDS
from otjournal.model.vocab import (
    ASKED_TYPES,
    ATTENDEE_ROLES,
    FRAMEWORK_NAMES,
    FRAMEWORKS,
    SETTINGS,
)
from otjournal.model.words import Words, words_for
from otjournal.prompts.base import Asker, pick, reuse
from otjournal.prompts.checklist import ask_checklist
from otjournal.prompts.risk import ask_risk
from otjournal.prompts.techniques import ask_techniques


@dataclass
class Context:
    client: Client
    last: Session | None
    items: list[tuple[str, str]]
    hints: bool
    now: datetime  # the clock when the flow started
    duration_default: int
    given: frozenset[str] = frozenset()  # dotted keys given on the command line
    self_mode: bool = False  # the client is the one writing: the questions say "you"
    techniques: tuple[str, ...] = ()  # the practitioner's list (config), offered by number

    @property
    def words(self) -> Words:
        """The words for this client ("the child", "the client" or "you")."""
        return words_for(self.client, self.now.date(), self.self_mode)


class LogFlow(Asker):
    """Ask for each section in turn; ``save`` is called after every answer."""

    def __init__(
        self,
        console: Console,
        note: Note,
        partial: dict[str, Any],
        ctx: Context,
        save: Callable[[str], None],
    ) -> None:
        super().__init__(console, note, partial, save, ctx.hints)
        self.ctx = ctx
        self.given = ctx.given

    # The sections, in the order a practitioner thinks. (name, title, method)
    def sections(self) -> list[tuple[str, str, Callable[[], None]]]:
        return [
            ("when", "When", self.ask_when),
            ("where", "Where and what kind", self.ask_where),
            ("who", "Who attended", self.ask_who),
            ("goals", "Goals addressed", self.ask_goals),
            ("activities", "Activities", self.ask_activities),
            ("techniques", "Techniques", self.ask_techniques),
            ("voice", self.ctx.words.voice_title, self.ask_voice),
            (
                "caregiver",
                "Family or carer" if self.ctx.words.adult else "Caregiver",
                self.ask_caregiver,
            ),
            ("regulation", "Regulation", self.ask_regulation),
            # No items: the seven are skipped for an adult ([checklist] adults) and
            # the practitioner has none of their own.
            *([("checklist", "Affirming checklist", self.ask_checklist)] if self.ctx.items else []),
            ("plan", "Plan", self.ask_plan),
            ("risk", "Risk", self.ask_risk),
        ]

    def run(self, from_step: str = "") -> None:
        names = [n for n, _, _ in self.sections()]
        start = names.index(from_step) if from_step in names else 0
        if start:
            self.say(
                f"[dim]Resuming at: {dict((n, t) for n, t, _ in self.sections())[from_step]}[/]"
            )
        for name, title, method in self.sections()[start:]:
            self.step = name
            self.save()
            self.console.rule(Text(title, style="bold"), align="left", style="dim")
            method()
        self.step = "review"
        self.save()

    def redo(self, name: str) -> None:
        self.skip_given = False  # chosen at the review: every question, flags or not
        for n, title, method in self.sections():
            if n == name:
                self.console.rule(Text(title, style="bold"), align="left", style="dim")
                method()
                self.save()
                return

    # -- sections --------------------------------------------------------------
    def ask_when(self) -> None:
        while not self.note.get("written_by"):
            self.say("[dim]Tip: set practitioner.name with 'otj config edit' to skip this.[/]")
            self.note["written_by"] = self.ask_name("Your name, as the note's author")
            self.save()
        start = self.note.get("start")
        now = self.ctx.now
        if self.is_given("duration_min"):
            duration = self.note["duration_min"]
        else:
            duration = self.ask_int(
                "Minutes",
                MIN_DURATION,
                MAX_DURATION,
                self.note.get("duration_min", self.ctx.duration_default),
                allow_blank=False,
            )
        self.note["duration_min"] = duration
        self.save()
        default = start or parse_start(None, None, now, duration or 0)
        # A kept start keeps its own offset (a draft begun at +10:00 stays at +10:00 when
        # resumed on a machine at +00:00): times typed here are read in that offset.
        now = now.astimezone(default.tzinfo)
        first = f"{default:%Y-%m-%d}"
        day = self.partial.get("when.date") or first  # answered before an interruption
        date_asked = not self.is_given("when.date")
        while True:
            if date_asked:
                day = self.ask_session_day(day, now, duration or 0)
            chosen = self.ask_start_time(day, f"{default:%H:%M}", now, duration or 0)
            problem = start_problem(chosen, now)
            if not problem or (self.is_given("when.date") and self.is_given("when.time")):
                break  # both from flags: nothing to ask, finalize says what is wrong
            self.say(f"  [yellow]{escape(problem)}[/]")
            # Later than now: the part that can make it right is asked again, the date
            # only when the day itself is still to come (or the time was a flag).
            date_asked = not self.is_given("when.date") and (
                self.is_given("when.time") or chosen.date() > now.date()
            )
            day = first if date_asked else day  # Enter gives the day it gave before
        self.note["start"] = chosen
        self.partial.pop("when.date", None)
        self.save()

    def ask_session_day(self, day: str, now: datetime, duration: int) -> str:
        """The Date, asked until it is one; a wrong answer leaves the default as it was.
        Kept as YYYY-MM-DD, so "yesterday" means the same day when a draft is resumed."""
        while True:
            answer = self.ask("Date", day)
            try:
                chosen = parse_start(answer, None, now, duration)
            except UsageError as exc:
                self.say(f"  [yellow]{escape(exc.message)}[/]")
                continue
            day = self.partial["when.date"] = f"{chosen:%Y-%m-%d}"
            self.save()
            return day

    def ask_start_time(self, day: str, at: str, now: datetime, duration: int) -> datetime:
        """The start on ``day``: only the Start time is asked again when it is not a time."""
        while True:
            if self.is_given("when.time"):  # ``at`` is the flag's, checked before any prompt
                return parse_start(day, at, now, duration)
            answer = self.ask("Start time", at)
            try:
                return parse_start(day, answer, now, duration)
            except UsageError as exc:
                self.say(f"  [yellow]{escape(exc.message)}[/]")

    def ask_where(self) -> None:
        last = self.ctx.last
        if not self.is_given("setting"):
            self.note["setting"] = self.ask_choice(
                "Setting",
                SETTINGS,
                self.note.get("setting") or (last.setting if last else "clinic"),
            )
            self.save()
        default_type = "therapy" if last else "initial"
        if not self.is_given("session_type"):
            self.note["session_type"] = self.ask_choice(
                "Kind of session", ASKED_TYPES, self.note.get("session_type") or default_type
            )
            self.save()

    def ask_who(self) -> None:
        if self.is_given("attendees"):
            return
        last = self.ctx.last
        default = self.note.get("attendees") or (
            list(last.attendees) if last else list(self.ctx.words.attendees)
        )
        while True:
            raw = self.ask(
                "Who attended",
                ", ".join(default),
                "comma-separated: " + ", ".join(self.ctx.words.roles),
            )
            roles = [pick(w.strip().lower(), ATTENDEE_ROLES) for w in raw.split(",") if w.strip()]
            if roles and all(roles):
                self.note["attendees"] = list(dict.fromkeys(roles))
                break
            self.say("  [yellow]Please name roles from the list, separated by commas.[/]")
        self.save()

    def kept_ratings(self, offered: tuple[Goal, ...]) -> list[dict[str, Any]]:
        """The note's ratings of goals not offered now, kept: given on the command line or
        in a resumed draft for a goal no longer active (nothing typed is dropped without a
        word). A goal set after the note's day (its date changed since) is left out, and
        said so: the note could not be saved with it."""
        day, offered_ids = note_day(self.note), {g.id for g in offered}
        kept = []
        for g in self.note.get("goals", []):
            if not isinstance(g, dict) or g.get("goal") in offered_ids:
                continue
            gid = g.get("goal")
            goal = self.ctx.client.goal(gid) if isinstance(gid, str) else None
            if goal is not None and not goal.set_by(day):
                self.say(
                    f"  [yellow]{goal.id} was set on {goal.set_on}, after {day}: its "
                    f"rating is left out (otj goal edit {self.ctx.client.handle} "
                    f"{goal.number} --on DAY dates the goal earlier).[/]"
                )
                continue
            kept.append(g)
        return kept

    def ask_goals(self) -> None:
        day = note_day(self.note)
        goals = self.ctx.client.goals_to_rate(day)
        out = self.kept_ratings(goals)
        if not goals:
            later = len(self.ctx.client.active_goals)
            handle = self.ctx.client.handle
            if later:
                said = (
                    f"No active goals set by {day} ({later} set later: otj goal edit "
                    f"{handle} GOAL --on DAY dates one earlier)."
                )
            elif self.ctx.client.goals:  # all closed: at a discharge, say
                said = (
                    f"No active goals: each is closed (otj goal list {handle} --all). A new "
                    f"episode starts with 'otj intake {handle}'; 'otj goal add' adds a goal."
                )
            else:
                said = "No active goals (add one with 'otj goal add')."
            self.say(f"[dim]{escape(said)}[/]")
            if "goals" in self.note:
                self.note["goals"] = out
                self.save()
            return
        self.say("[dim]Interim GAS: -2 … +2 (0 = expected outcome). Enter = not addressed.[/]")
        rated = {g.get("goal"): g for g in self.note.get("goals", []) if isinstance(g, dict)}
        for goal in goals:
            if self.is_given("goals") and goal.id in rated:
                out.append(rated[goal.id])  # rated on the command line: not asked again
                continue
            self.say(f"[bold]{goal.id}[/] {escape(goal.text)}")
            for level in (2, 1, 0, -1, -2):
                if level in goal.levels:
                    self.say(
                        f"   [dim]{level:+d}[/] {escape(goal.levels[level])}".replace("+0", " 0")
                    )
            before = rated.get(goal.id, {})
            value = self.ask_int("  GAS", -2, 2, before.get("gas"), allow_blank=True)
            if value is None:
                continue
            entry = {"goal": goal.id, "gas": value}
            out.append(entry)
            self.note["goals"] = out
            self.save()
            entry["evidence"] = self.ask_text_into(
                entry, "evidence", "  Evidence", before.get("evidence", "")
            )
            self.save()
        self.note["goals"] = out
        self.save()

    def ask_text_into(self, table: dict[str, Any], key: str, label: str, default: str) -> str:
        """A one-line answer stored in a nested table (not a dotted key of the note)."""
        answer = self.ask(label, default)
        table[key] = answer
        self.hint(answer)
        return answer

    def ask_activities(self) -> None:
        if self.is_given("activities"):
            return
        last = self.ctx.last
        chosen: list[dict[str, Any]] = list(self.note.get("activities") or [])
        if not chosen and last and last.activities:
            self.say(
                "Last time: "
                + "  ".join(
                    f"[bold]{i}[/] {escape(a.name)}" for i, a in enumerate(last.activities, 1)
                )
            )
            while True:
                raw = self.ask("Reuse which", "", "numbers, e.g. 1 3; Enter for none")
                try:
                    numbers = parse_reuse(raw, len(last.activities))
                    break
                except UsageError as exc:
                    self.say(f"  [yellow]{escape(exc.message)}[/]")
            for number in numbers:
                a = last.activities[number - 1]
                chosen.append(
                    {
                        "name": a.name,
                        "minutes": a.minutes,
                        "child_led": a.child_led,
                        "interest_based": a.interest_based,
                        "movement_sensory": a.movement_sensory,
                    }
                )
        done: list[dict[str, Any]] = []
        queue = list(chosen)
        self.say(
            f"[dim]Tags: c {self.ctx.words.led} · i interest-based · m movement/sensory · "
            "a adapted in-session (a good sign)[/]"
        )
        while True:
            if queue:
                activity = queue.pop(0)
                self.say(f"[bold]{escape(activity['name'])}[/]")
            else:
                name = self.ask(
                    "Activity" if not done else "Another activity", "", "Enter when done"
                )
                if not name:
                    break
                activity = {"name": name}
            done.append(activity)

            def sync(
                done: list[dict[str, Any]] = done, queue: list[dict[str, Any]] = queue
            ) -> None:
                self.note["activities"] = done + queue
                self.save()

            sync()  # the name is kept before anything else is asked
            self.ask_activity_details(activity, sync)
        self.note["activities"] = done
        self.save()

    def ask_techniques(self) -> None:
        last = self.ctx.last
        ask_techniques(self, self.ctx.techniques, last.techniques if last else ())

    def ask_activity_details(self, a: dict[str, Any], sync: Callable[[], None]) -> None:
        minutes = self.ask_int("  Minutes", 0, 24 * 60, a.get("minutes"))
        if minutes is not None:
            a["minutes"] = minutes
        sync()
        current = "".join(
            letter
            for letter, key in (
                ("c", "child_led"),
                ("i", "interest_based"),
                ("m", "movement_sensory"),
                ("a", "adapted"),
            )
            if a.get(key)
        )
        while True:
            raw = self.ask("  Tags", current, "c i m a")
            try:
                a.update(parse_tags(raw) if raw else parse_tags(""))
                break
            except UsageError as exc:
                self.say(f"  [yellow]{escape(exc.message)}[/]")
        sync()
        if a.get("adapted"):
            self.ask_text_into(a, "adaptation", "  How was it adapted", a.get("adaptation", ""))
            sync()
        self.ask_text_into(a, "response", self.ctx.words.response, a.get("response", ""))
        for key in ("adaptation", "response"):
            if not a.get(key):
                a.pop(key, None)
        sync()

    def ask_voice(self) -> None:
        self.ask_text("child_voice.text", "In their words or actions (speech, AAC, sign…)")
        if get(self.note, "child_voice.text") and self.ctx.client.communication:
            modes = get(self.note, "child_voice.modes") or list(self.ctx.client.communication[:1])
            raw = self.ask("  Communication mode", ", ".join(modes))
            put(self.note, "child_voice.modes", [m.strip() for m in raw.split(",") if m.strip()])
            self.save()

    def ask_caregiver(self) -> None:
        attendees = self.note.get("attendees") or []
        if not set(attendees) & {"parent", "carer"}:
            nobody = "No family member or carer" if self.ctx.words.adult else "No parent or carer"
            self.say(f"[dim]{nobody} attended: skipped.[/]")
            return
        self.ask_text("caregiver.report", "Caregiver's report")
        self.ask_text("caregiver.involvement", "How they were involved", multiline=False)

    def ask_regulation(self) -> None:
        reg = self.note.setdefault("regulation", {})
        framework = reg.get("framework") or self.ctx.client.regulation_framework
        reg["framework"] = framework
        states = FRAMEWORKS[framework]
        self.say(
            f"[dim]{FRAMEWORK_NAMES[framework]}"
            + (f": {' / '.join(states)} — all states are OK" if states else "")
            + ". Enter at the first question skips this section.[/]"
        )
        if self.is_given("regulation.start"):
            start = reg.get("start", "")
        elif states:
            start = self.ask_choice(
                "  At the start", states, reg.get("start", ""), allow_blank=True
            )
        else:
            start = self.ask("  At the start", reg.get("start", ""))
        if not start:
            if not any(reg.get(k) for k in ("start", "end", "helped", "notes")):
                self.note.pop("regulation", None)
            self.save()
            return
        reg["start"] = start
        self.save()
        if self.is_given("regulation.end"):
            pass
        elif states:
            reg["end"] = self.ask_choice(
                "  At the end", states, reg.get("end", ""), allow_blank=True
            )
        else:
            reg["end"] = self.ask("  At the end", reg.get("end", ""))
        self.save()
        if not self.is_given("regulation.helped"):
            self.ask_helped(reg)
        self.ask_text("regulation.notes", "  Notes")

    def ask_helped(self, reg: dict[str, Any]) -> None:
        offer = reg.get("helped") or []
        last = self.ctx.last
        hint = "comma-separated"
        before = list(last.regulation.helped) if last and last.regulation else []
        if before:
            hint = "comma-separated; last time: " + "  ".join(
                f"{i} {h}" for i, h in enumerate(before, 1)
            )
        raw = self.ask("  What helped", ", ".join(offer), hint)
        reg["helped"] = reuse(raw, before)
        self.save()

    def ask_plan(self) -> None:
        while True:
            summary = self.ask_text("plan.summary", "Closing summary")
            if summary.strip():
                break
            self.say("  [yellow]A short summary is needed to save the note.[/]")
        self.ask_text("plan.next_focus", "Next session's focus", multiline=False)
        if self.is_given("plan.homework"):
            return
        homework = list(get(self.note, "plan.homework") or [])
        if homework:
            self.say("Homework so far: " + "; ".join(escape(h.get("text", "")) for h in homework))
        while True:
            text = self.ask(
                "Homework to assign" if not homework else "More homework", "", "Enter when none"
            )
            if not text:
                break
            self.hint(text)
            item: dict[str, Any] = {"id": "", "text": text, "kind": "practice"}
            homework.append(item)
            put(self.note, "plan.homework", homework)
            self.save()
            item["kind"] = self.ask_choice("  Kind", HOMEWORK_KINDS, "practice")
            self.save()
            per_week = self.ask_int("  Times a week", 1, 50, None, "Enter to leave open")
            if per_week:
                item["per_week"] = per_week
            self.save()

    def ask_checklist(self) -> None:
        ask_checklist(self, self.ctx.items)

    def ask_risk(self) -> None:
        ask_risk(self)
