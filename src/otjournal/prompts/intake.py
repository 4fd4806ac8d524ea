"""The guided ``otj intake`` flow: the session's when, where and who (as ``otj log``
asks them), then the groundwork of the episode, then the client's voice and the plan.

Every answer goes into the draft at once (a repeated part, such as a consent or a goal,
is kept from its first answer on), so an interruption loses at most the line typed.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from rich.markup import escape

from otjournal.dates import parse_day
from otjournal.errors import UsageError
from otjournal.forms.intake import (
    intake_day,
    intake_of,
    level_word,
    parse_scores,
    scores_text,
)
from otjournal.model.vocab import GAS_LEVEL_KEYS
from otjournal.prompts.session import LogFlow


class IntakeFlow(LogFlow):
    """``LogFlow``'s session questions with the intake's in the middle."""

    def sections(self) -> list[tuple[str, str, Callable[[], None]]]:
        return [
            ("when", "When", self.ask_when),
            ("where", "Where", self.ask_where),
            ("who", "Who attended", self.ask_who),
            ("referral", "Referral", self.ask_referral),
            ("background", "Background", self.ask_background),
            ("strengths", "Strengths and communication", self.ask_strengths),
            ("consent", "Consent", self.ask_consent),
            ("assessments", "Standardised assessments", self.ask_assessments),
            ("goals", "Goals set together", self.ask_new_goals),
            ("voice", self.ctx.words.voice_title, self.ask_voice),
            ("plan", "Plan", self.ask_plan),
        ]

    @property
    def table(self) -> dict[str, Any]:
        return intake_of(self.note)

    @property
    def day(self) -> date:
        return intake_day(self.note, self.ctx.now.date())

    # -- lists and dates ----------------------------------------------------------
    def ask_list(self, key: str, label: str, default: list[str]) -> None:
        """A comma-separated answer stored as a list (Enter keeps what is shown)."""
        if self.is_given(f"intake.{key}"):
            return
        shown = self.table.get(key) or default
        raw = self.ask(label, ", ".join(shown), "comma-separated; - for none")
        values = [] if raw.strip() == "-" else [w.strip() for w in raw.split(",") if w.strip()]
        self.table[key] = values
        self.save()

    def ask_lines(self, key: str, label: str) -> None:
        """One item per line (an item may hold commas), ending with an empty line."""
        if self.is_given(f"intake.{key}"):
            return
        items: list[str] = list(self.table.get(key) or [])
        if items:
            self.say("[dim]So far: " + escape("; ".join(items)) + "[/]")
            items = self.keep_which(items, lambda v: v)
        while True:
            value = self.ask(label if not items else "  Another", "", "Enter when done")
            if not value:
                break
            items.append(value)
            self.table[key] = items
            self.save()
        self.table[key] = items
        self.save()

    def keep_which(self, items: list[Any], label: Callable[[Any], str]) -> list[Any]:
        """At a redo or a resume: the items so far, and which of them to drop."""
        for i, item in enumerate(items, 1):
            self.say(f" [bold]{i}[/] {escape(label(item))}")
        raw = self.ask("  Remove which", "", "numbers; Enter keeps them all")
        drop = {int(t) for t in raw.replace(",", " ").split() if t.isdigit()}
        return [item for i, item in enumerate(items, 1) if i not in drop]

    def ask_day(self, table: dict[str, Any], key: str, label: str) -> None:
        """A date, not in the future; Enter gives the intake day."""
        while True:
            before = table.get(key)
            raw = self.ask(label, str(before or self.day))
            try:
                day = parse_day(raw, self.ctx.now.date())
                if day > self.ctx.now.date():
                    raise UsageError("that day is later than today: record what has happened")
            except UsageError as exc:
                self.say(f"  [yellow]{escape(exc.message)}[/]")
                continue
            table[key] = day
            self.save()
            return

    # -- sections -----------------------------------------------------------------
    def ask_referral(self) -> None:
        self.ask_text("intake.referral_source", "Referred by (source)", multiline=False)
        while True:
            reason = self.ask_text("intake.referral_reason", "Reason for referral")
            if reason.strip():
                return
            self.say("  [yellow]The reason for referral is needed to save the intake.[/]")

    def ask_background(self) -> None:
        self.ask_text("intake.background", "Background (development, history, family)")
        self.ask_lines("diagnoses", "Diagnosis or disability, as the person or family names it")
        self.ask_text("intake.what_matters", "What matters to them")

    def ask_strengths(self) -> None:
        client = self.ctx.client
        self.ask_list("strengths", "Strengths and interests", list(client.strengths))
        self.ask_list("communication", "Communication modes", list(client.communication))

    def ask_consent(self) -> None:
        if self.is_given("intake.consent"):
            return
        items = self.start_items("consent", lambda c: f"{c.get('who', '')}: {c.get('purpose', '')}")
        while True:
            who = self.ask(
                "Consent given by" if not items else "More consent: by", "", "Enter when done"
            )
            if not who:
                break
            item: dict[str, Any] = {"who": who}
            items.append(item)
            self.table["consent"] = items
            self.save()
            self.complete_consent(item)
        for item in items:
            if not item.get("purpose"):
                self.complete_consent(item)

    def complete_consent(self, item: dict[str, Any]) -> None:
        while not item.get("purpose"):
            item["purpose"] = self.ask("  For what")
            self.save()
        self.ask_day(item, "on", "  Date")
        raw = self.ask(
            "  Share with",
            ", ".join(item.get("share_with", [])),
            "comma-separated; Enter for no one",
        )
        item["share_with"] = [w.strip() for w in raw.split(",") if w.strip()]
        if not item["share_with"]:
            item.pop("share_with")
        self.save()

    def start_items(self, key: str, label: Callable[[Any], str]) -> list[dict[str, Any]]:
        items: list[dict[str, Any]] = [i for i in self.table.get(key) or [] if isinstance(i, dict)]
        if items:
            items = self.keep_which(items, label)
            self.table[key] = items
            self.save()
        return items

    def ask_assessments(self) -> None:
        if self.is_given("intake.assessments"):
            return
        self.say("[dim]Scores as numbers only (NAME=NUMBER), never the instrument's items.[/]")
        items = self.start_items("assessments", lambda a: str(a.get("name", "")))
        while True:
            name = self.ask(
                "Assessment given" if not items else "Another assessment", "", "Enter when none"
            )
            if not name:
                return
            item: dict[str, Any] = {"name": name}
            items.append(item)
            self.table["assessments"] = items
            self.save()
            self.ask_day(item, "on", "  Date")
            while True:
                raw = self.ask(
                    "  Scores", scores_text(item.get("scores") or {}), "e.g. total=52, motor=7"
                )
                try:
                    item["scores"] = parse_scores(raw, "scores")
                    break
                except UsageError as exc:
                    self.say(f"  [yellow]{escape(exc.message)}[/]")
            if not item["scores"]:
                item.pop("scores")
            self.save()

    def ask_new_goals(self) -> None:
        if self.is_given("intake.goals"):
            return
        self.say(
            "[dim]Each goal's baseline is its level now, -2 … +2 (paediatric convention: "
            "-2 = present level). Weight 1 unless some goals matter more.[/]"
        )
        items = self.start_items(
            "goals", lambda g: f"{g.get('text', '')} (baseline {level_word(g.get('baseline'))})"
        )
        for kept in items:
            if kept.get("baseline") is None:
                self.say(f"[bold]{escape(str(kept.get('text', '')))}[/]")
                self.complete_goal(kept)
        while True:
            text = self.ask("Goal" if not items else "Another goal", "", "Enter when done")
            if not text:
                return
            item: dict[str, Any] = {"text": text}
            items.append(item)
            self.table["goals"] = items
            self.save()
            self.hint(text)
            self.complete_goal(item)

    def ask_weight(self, default: float) -> float:
        """A GAS weight as `otj goal add --weight` takes it: a number above 0 up to 100."""
        while True:
            raw = self.ask("  Weight", f"{default:g}")
            try:
                value = float(raw)
            except ValueError:
                value = 0.0
            if 0.01 <= value <= 100:
                return int(value) if value.is_integer() else value
            self.say("  [yellow]Please give a number from 0.01 to 100 (1.5 is fine).[/]")

    def complete_goal(self, item: dict[str, Any]) -> None:
        item["baseline"] = self.ask_int(
            "  Baseline level now", -2, 2, item.get("baseline"), allow_blank=False
        )
        self.save()
        weight = self.ask_weight(item.get("weight", 1))
        if weight != 1:
            item["weight"] = weight
        else:
            item.pop("weight", None)
        self.save()
        levels: dict[str, str] = dict(item.get("levels") or {})
        if not levels and self.ask("  Describe the levels", "n", "y/n").lower() not in ("y", "yes"):
            return
        for key in reversed(GAS_LEVEL_KEYS):
            desc = self.ask(f"    {key}", levels.get(key, ""), "Enter to leave out")
            if desc:
                levels[key] = desc
            else:
                levels.pop(key, None)
            item["levels"] = levels
            self.save()
        if not levels:
            item.pop("levels", None)
        self.save()
