"""The guided ``otj review`` and ``otj discharge`` flows: the log flow's questions about
when, where and who, then the review's ratings or the discharge's outcomes. Every
answer goes into the draft at once, as in ``otj log``."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from rich.console import Console
from rich.markup import escape

from otjournal.forms import discharge as dischargeform
from otjournal.forms import review as reviewform
from otjournal.forms.session import Note, get, note_day, put
from otjournal.model import Goal
from otjournal.model.vocab import ATTENDEE_ROLES, DISCHARGE_REASONS, GOAL_SET_STATUSES, SETTINGS
from otjournal.prompts.base import pick
from otjournal.prompts.session import Context, LogFlow

Section = tuple[str, str, Callable[[], None]]


class ClosingFlow(LogFlow):
    """What a review and a discharge share: a session's when, where (no kind: the
    command decides it) and who, and the goals shown with their levels and context."""

    def __init__(
        self,
        console: Console,
        note: Note,
        partial: dict[str, Any],
        ctx: Context,
        save: Callable[[str], None],
        context: Mapping[str, str],
    ) -> None:
        super().__init__(console, note, partial, ctx, save)
        self.context = context  # goal id -> baseline and last rating, in words

    def ask_where(self) -> None:
        if self.is_given("setting"):
            return
        last = self.ctx.last
        self.note["setting"] = self.ask_choice(
            "Setting", SETTINGS, self.note.get("setting") or (last.setting if last else "clinic")
        )
        self.save()

    def show_goal(self, goal: Goal) -> None:
        self.say(f"[bold]{escape(goal.id)}[/] {escape(goal.text)}")
        self.say(f"   [dim]{escape(self.context.get(goal.id, ''))}[/]")
        for level in (2, 1, 0, -1, -2):
            if level in goal.levels:
                self.say(f"   [dim]{reviewform.signed(level)}[/] {escape(goal.levels[level])}")


class ReviewFlow(ClosingFlow):
    def sections(self) -> list[Section]:
        return [
            ("when", "When", self.ask_when),
            ("where", "Where", self.ask_where),
            ("who", "Who attended", self.ask_who),
            ("goals", "Goals at review", self.ask_ratings),
            ("plan", "Review note", self.ask_note),
        ]

    def ask_ratings(self) -> None:
        goals = self.ctx.client.goals_to_rate(note_day(self.note))
        self.say("[dim]GAS at review: -2 … +2 (0 = the expected outcome). n = not rated today.[/]")
        rated = {g.get("goal"): g for g in self.note.get("goals", []) if isinstance(g, dict)}
        out = self.kept_ratings(goals)
        for goal in goals:
            if self.is_given("goals") and goal.id in rated:
                out.append(rated[goal.id])  # given on the command line: not asked again
                continue
            self.show_goal(goal)
            before = rated.get(goal.id, {})
            entry = self.ask_rating(goal, before)
            out.append(entry)
            self.note["goals"] = out
            self.save()
            label = "  Evidence" if "gas" in entry else "  Why not today (optional)"
            if self.ask_text_into(entry, "evidence", label, before.get("evidence", "")) == "":
                entry.pop("evidence")
            self.save()
            if goal.copm is not None and "gas" in entry:
                self.ask_copm(goal, entry, before)
        self.note["goals"] = out
        self.save()

    def ask_rating(self, goal: Goal, before: dict[str, Any]) -> dict[str, Any]:
        default = ""
        if before:
            default = str(before["gas"]) if "gas" in before else "n"
        while True:
            raw = self.ask("  GAS at review", default, "-2 … +2, or n").strip()
            if reviewform.is_not_rated(raw):
                return {"goal": goal.id}
            try:
                value = int(raw.replace("+", ""))
            except ValueError:
                value = None
            if value is not None and -2 <= value <= 2:
                return {"goal": goal.id, "gas": value}
            self.say("  [yellow]Please give -2, -1, 0, +1 or +2, or n for not rated today.[/]")

    def ask_copm(self, goal: Goal, entry: dict[str, Any], before: dict[str, Any]) -> None:
        c = goal.copm
        assert c is not None
        self.say(f"   [dim]COPM: {escape(c.problem)} (Enter leaves it unscored)[/]")
        for key, label, t1 in (
            ("copm_performance", "  COPM performance at T2", c.performance_t1),
            ("copm_satisfaction", "  COPM satisfaction at T2", c.satisfaction_t1),
        ):
            hint = f"1-10; T1 {t1}" if t1 is not None else "1-10"
            value = self.ask_int(label, 1, 10, before.get(key), hint)
            if value is None:
                entry.pop(key, None)
            else:
                entry[key] = value
            self.save()

    def ask_note(self) -> None:
        self.ask_text("plan.summary", "Review note (optional)")


class DischargeFlow(ClosingFlow):
    def sections(self) -> list[Section]:
        return [
            ("when", "When", self.ask_when),
            ("where", "Where", self.ask_where),
            ("who", "Who attended", self.ask_who),
            ("reason", "Why the episode ends", self.ask_reason),
            ("goals", "Each goal", self.ask_outcomes),
            ("after", "After discharge", self.ask_after),
        ]

    def ask_who(self) -> None:
        """Who attended, if anyone: a discharge may be written without a meeting ("-",
        said in so many words: Enter keeps the usual attendees, as ``log`` does)."""
        if self.is_given("attendees"):
            return
        given = self.note.get("attendees")
        default = "-" if given == [] else ", ".join(given or self.ctx.words.attendees)
        while True:
            raw = self.ask(
                "Who attended",
                default,
                # The roles offered as `log` offers them: an adult's list has no "child".
                "comma-separated, or - for nobody (not face to face): "
                + ", ".join(self.ctx.words.roles),
            )
            words = [w.strip().lower() for w in raw.split(",") if w.strip() not in ("", "-")]
            roles = [pick(w, ATTENDEE_ROLES) for w in words]
            if all(roles):
                self.note["attendees"] = list(dict.fromkeys(roles))
                break
            self.say("  [yellow]Please name roles from the list, separated by commas.[/]")
        self.save()

    def ask_reason(self) -> None:
        if not self.is_given("discharge.reason"):
            reason = self.ask_choice(
                "Reason", DISCHARGE_REASONS, get(self.note, "discharge.reason") or ""
            )
            put(self.note, "discharge.reason", reason)
            self.save()
        self.ask_text("discharge.reason_note", "About the reason (optional)", multiline=False)

    def ask_outcomes(self) -> None:
        outcomes = dischargeform.outcome_goals(self.note)
        if not outcomes:
            self.say("[dim]No goals in this episode.[/]")
            return
        self.say("[dim]Each goal's final status and its progress (Enter keeps the value).[/]")
        for entry in outcomes:
            goal = self.ctx.client.goal(entry.get("goal", ""))
            if goal is None or self.is_given(f"discharge.goal.{goal.id}"):
                continue
            self.say(f"[bold]{escape(goal.id)}[/] {escape(goal.text)} [dim]({goal.status})[/]")
            entry["status"] = self.ask_choice(
                "  Final status", GOAL_SET_STATUSES, entry.get("status", "")
            )
            self.save()
            summary = entry.get("summary", "")
            self.say(f"   [dim]Progress: {escape(summary)}[/]")
            raw = self.ask("  Progress summary", "", "Enter keeps it; start with + to add to it")
            if raw.startswith("+"):
                entry["summary"] = f"{summary}; {raw[1:].strip()}" if summary else raw[1:].strip()
            elif raw:
                entry["summary"] = raw
            self.hint(raw)
            self.save()

    def ask_after(self) -> None:
        self.ask_text("discharge.recommendations", "Recommendations")
        self.ask_text("discharge.maintenance", "Maintenance / relapse-prevention plan")
        if self.is_given("discharge.told"):
            return
        told = get(self.note, "discharge.told") or []
        raw = self.ask("Who was told", ", ".join(told), "comma-separated: family, school, GP…")
        put(self.note, "discharge.told", [w.strip() for w in raw.split(",") if w.strip()])
        self.save()
