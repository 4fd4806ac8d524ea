"""A session note: one TOML file per session (docs/format.md)."""

from __future__ import annotations

from dataclasses import field
from datetime import date, datetime, timedelta
from typing import Any

from otjournal.errors import ValidationError, ValidationErrors
from otjournal.frozen import frozen
from otjournal.model.amendment import Amendment
from otjournal.model.episode import Discharge, Intake
from otjournal.model.fields import Fields, check_header, is_table, put
from otjournal.model.ids import handle_problem
from otjournal.model.kinds import HOMEWORK_KINDS
from otjournal.model.measures import Ors, Srs
from otjournal.model.risk import Risk
from otjournal.model.vocab import (
    ATTENDEE_ROLES,
    CHECKLIST_ANSWERS,
    CHECKLIST_BY,
    CHECKLIST_TEXT,
    FORMAT_VERSION,
    FRAMEWORKS,
    MAX_MINUTES,
    SESSION_TYPES,
    SETTINGS,
)


@frozen
class GoalRating:
    """A goal addressed in the session, with a GAS rating (-2..+2): interim in a session,
    the follow-up score in a review, where COPM at T2 (1-10) may be scored too."""

    goal: str
    gas: int | None = None
    evidence: str = ""
    copm_performance: int | None = None
    copm_satisfaction: int | None = None
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    @classmethod
    def read(cls, f: Fields) -> GoalRating:
        return cls(
            goal=f.slug("goal", required=True),
            gas=f.integer("gas", -2, 2),
            evidence=f.text("evidence"),
            copm_performance=f.integer("copm_performance", 1, 10),
            copm_satisfaction=f.integer("copm_satisfaction", 1, 10),
            extra=f.extra(),
        )

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"goal": self.goal}
        put(out, "gas", self.gas)
        put(out, "evidence", self.evidence)
        put(out, "copm_performance", self.copm_performance)
        put(out, "copm_satisfaction", self.copm_satisfaction)
        out.update(self.extra)
        return out


@frozen
class Activity:
    name: str
    minutes: int | None = None
    child_led: bool = False
    interest_based: bool = False
    movement_sensory: bool = False
    adapted: bool = False
    adaptation: str = ""
    response: str = ""
    goals: tuple[str, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    FLAGS = ("child_led", "interest_based", "movement_sensory", "adapted")

    @classmethod
    def read(cls, f: Fields) -> Activity:
        return cls(
            name=f.text("name", required=True),
            minutes=f.integer("minutes", 0, MAX_MINUTES, unit="minutes"),
            child_led=f.boolean("child_led"),
            interest_based=f.boolean("interest_based"),
            movement_sensory=f.boolean("movement_sensory"),
            adapted=f.boolean("adapted"),
            adaptation=f.text("adaptation"),
            response=f.text("response"),
            goals=f.text_list("goals"),
            extra=f.extra(),
        )

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"name": self.name}
        put(out, "minutes", self.minutes)
        for flag in self.FLAGS:
            out[flag] = getattr(self, flag)
        put(out, "adaptation", self.adaptation)
        put(out, "response", self.response)
        put(out, "goals", self.goals)
        out.update(self.extra)
        return out


@frozen
class ChildVoice:
    """What the child said or showed, in any communication mode."""

    text: str = ""
    modes: tuple[str, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    @classmethod
    def read(cls, f: Fields) -> ChildVoice:
        return cls(text=f.text("text"), modes=f.text_list("modes"), extra=f.extra())

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        put(out, "text", self.text)
        put(out, "modes", self.modes)
        out.update(self.extra)
        return out


@frozen
class CaregiverNote:
    report: str = ""
    involvement: str = ""
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    @classmethod
    def read(cls, f: Fields) -> CaregiverNote:
        return cls(report=f.text("report"), involvement=f.text("involvement"), extra=f.extra())

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        put(out, "report", self.report)
        put(out, "involvement", self.involvement)
        out.update(self.extra)
        return out


@frozen
class Regulation:
    """Regulation in the client's own framework. No state is ranked."""

    framework: str
    start: str = ""
    end: str = ""
    helped: tuple[str, ...] = ()
    notes: str = ""
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    @classmethod
    def read(cls, f: Fields) -> Regulation:
        framework = f.choice("framework", FRAMEWORKS, required=True) or "descriptive"
        states = FRAMEWORKS.get(framework, ())
        values = {}
        for key in ("start", "end"):
            if states:
                values[key] = f.choice(key, states, default="") or ""
            else:
                values[key] = f.text(key)
        return cls(
            framework=framework,
            helped=f.text_list("helped"),
            notes=f.text("notes"),
            extra=f.extra(),
            **values,
        )

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"framework": self.framework}
        put(out, "start", self.start)
        put(out, "end", self.end)
        put(out, "helped", self.helped)
        put(out, "notes", self.notes)
        out.update(self.extra)
        return out


@frozen
class ChecklistAnswer:
    """One affirming-checklist item. ``text`` is stored so files read on their own."""

    item: str
    answer: str
    text: str = ""
    note: str = ""
    by: str = ""
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    @classmethod
    def read(cls, f: Fields) -> ChecklistAnswer:
        item = f.slug("item", required=True)
        text = f.text("text") or CHECKLIST_TEXT.get(item, "")
        if item and item not in CHECKLIST_TEXT and not text:
            f.error("text", "is required for an item that is not one of the seven")
        return cls(
            item=item,
            answer=f.choice("answer", CHECKLIST_ANSWERS, required=True) or "",
            text=text,
            note=f.text("note"),
            by=f.choice("by", CHECKLIST_BY, default="") or "",
            extra=f.extra(),
        )

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"item": self.item, "text": self.text, "answer": self.answer}
        put(out, "note", self.note)
        put(out, "by", self.by)
        out.update(self.extra)
        return out


@frozen
class Assignment:
    """Homework, set in a session or added by hand (``client.toml``); journal entries
    link to ``id``. ``since``/``until`` bound one added by hand (a session's starts
    on the session's day and lasts until a later session sets new homework)."""

    id: str
    text: str
    kind: str = "practice"
    per_week: int | None = None
    since: date | None = None
    until: date | None = None
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    @classmethod
    def read(cls, f: Fields) -> Assignment:
        return cls(
            id=f.slug("id", required=True),
            text=f.text("text", required=True),
            kind=f.choice("kind", HOMEWORK_KINDS, default="practice") or "practice",
            per_week=f.integer("per_week", 1, 50, unit="times a week"),
            since=f.date("since"),
            until=f.date("until"),
            extra=f.extra(),
        )

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id, "text": self.text, "kind": self.kind}
        put(out, "per_week", self.per_week)
        put(out, "since", self.since)
        put(out, "until", self.until)
        out.update(self.extra)
        return out

    def same_homework(self) -> tuple[str, str]:
        """What the homework is, whatever its id: its words (case and spacing aside) and
        its kind. Set again session after session, it is one homework."""
        return " ".join(self.text.lower().split()), self.kind


@frozen
class Plan:
    summary: str = ""
    next_focus: str = ""
    homework: tuple[Assignment, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    @classmethod
    def read(cls, f: Fields) -> Plan:
        return cls(
            summary=f.text("summary"),
            next_focus=f.text("next_focus"),
            homework=tuple(Assignment.read(h) for h in f.tables("homework")),
            extra=f.extra(),
        )

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        put(out, "summary", self.summary)
        put(out, "next_focus", self.next_focus)
        out.update(self.extra)
        put(out, "homework", [h.to_dict() for h in self.homework])
        return out


@frozen
class Session:
    id: str
    client: str
    start: datetime
    duration_min: int
    written_by: str
    written_at: datetime
    session_type: str = "therapy"
    setting: str = "clinic"
    attendees: tuple[str, ...] = ()
    late_entry: bool = False
    goals: tuple[GoalRating, ...] = ()
    activities: tuple[Activity, ...] = ()
    techniques: tuple[str, ...] = ()  # the practitioner's words (CBT, parent coaching…)
    child_voice: ChildVoice = field(default_factory=ChildVoice)
    caregiver: CaregiverNote = field(default_factory=CaregiverNote)
    regulation: Regulation | None = None
    checklist: tuple[ChecklistAnswer, ...] = ()
    plan: Plan = field(default_factory=Plan)
    intake: Intake | None = None  # on an "initial" session: the episode's groundwork
    discharge: Discharge | None = None  # on a "discharge" session: the episode's close
    ors: Ors | None = None  # optional session measures (model/measures.py)
    srs: Srs | None = None
    risk: Risk | None = None  # none identified, or identified: what, action, who was told
    amendments: tuple[Amendment, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    @property
    def end(self) -> datetime:
        return self.start + timedelta(minutes=self.duration_min)

    def overlaps(self, other: Session) -> bool:
        """Whether the two sessions' times [start, end) share a moment (an empty one, a
        cancelled session's 0 minutes, shares none)."""
        if not (self.duration_min and other.duration_min):
            return False
        return self.start < other.end and other.start < self.end

    def answer(self, item: str) -> ChecklistAnswer | None:
        return next((a for a in self.checklist if a.item == item), None)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Session:
        errors: list[ValidationError] = []
        f = Fields(data, "", errors)
        check_header(f, "session")
        sid = f.slug("id", required=True)
        client = f.text("client", required=True)
        if client and handle_problem(client):
            f.error("client", handle_problem(client) or "")
        start = f.aware_datetime("start", required=True)
        duration = f.integer("duration_min", 0, MAX_MINUTES, required=True, unit="minutes")
        session_type = f.choice("session_type", SESSION_TYPES, default="therapy")
        setting = f.choice("setting", SETTINGS, default="clinic")
        attendees = f.choice_list("attendees", ATTENDEE_ROLES)
        written_by = f.text("written_by", required=True)
        written_at = f.aware_datetime("written_at", required=True)
        late = f.boolean("late_entry")
        goals = tuple(GoalRating.read(g) for g in f.tables("goals"))
        activities = tuple(Activity.read(a) for a in f.tables("activities"))
        techniques = f.name_list("techniques")
        cv = f.table("child_voice")
        cg = f.table("caregiver")
        rg = f.table("regulation")
        checklist = tuple(ChecklistAnswer.read(c) for c in f.tables("checklist"))
        seen: set[str] = set()
        for i, c in enumerate(checklist):
            if c.item in seen:
                f.error(f"checklist[{i}].item", f"{c.item!r} is answered twice")
            seen.add(c.item)
        pl = f.table("plan")
        it = f.table("intake")
        ds = f.table("discharge")
        rk = f.table("risk")
        if it is not None and session_type != "initial":
            f.error("intake", 'belongs on a session of type "initial"')
        if ds is not None and session_type != "discharge":
            f.error("discharge", 'belongs on a session of type "discharge"')
        if ds is None and session_type == "discharge":
            f.error("discharge", 'is required on a session of type "discharge" (otj discharge)')
        if session_type != "review" and any(
            g.copm_performance is not None or g.copm_satisfaction is not None for g in goals
        ):
            f.error("goals", 'COPM scores in a note belong to a session of type "review"')
        # Every part is read before deciding: an error anywhere must be reported.
        child_voice = ChildVoice.read(cv) if cv else ChildVoice()
        caregiver = CaregiverNote.read(cg) if cg else CaregiverNote()
        regulation = Regulation.read(rg) if rg else None
        plan = Plan.read(pl) if pl else Plan()
        intake = Intake.read(it) if it is not None else None
        discharge = Discharge.read(ds) if ds is not None else None
        ors, srs = (f.table(k) for k in ("ors", "srs"))
        ors_read = Ors.read(ors) if ors is not None else None
        srs_read = Srs.read(srs) if srs is not None else None
        risk = Risk.read(rk) if rk is not None else None
        amendments = tuple(a for a in (Amendment.read(x) for x in f.tables("amendments")) if a)
        extra = f.extra()
        if errors:
            raise ValidationErrors(errors)
        assert start is not None and written_at is not None and duration is not None
        return cls(
            id=sid,
            client=client,
            start=start,
            duration_min=duration,
            written_by=written_by,
            written_at=written_at,
            session_type=session_type or "therapy",
            setting=setting or "clinic",
            attendees=attendees,
            late_entry=late,
            goals=goals,
            activities=activities,
            techniques=techniques,
            child_voice=child_voice,
            caregiver=caregiver,
            regulation=regulation,
            checklist=checklist,
            plan=plan,
            intake=intake,
            discharge=discharge,
            ors=ors_read,
            srs=srs_read,
            risk=risk,
            amendments=amendments,
            extra=extra,
        )

    def to_dict(self) -> dict[str, Any]:
        """The file's table, in reading order. Amendments always come last so that
        appending ``[[amendments]]`` to the end of a file stays valid TOML."""
        out: dict[str, Any] = {
            "format_version": FORMAT_VERSION,
            "kind": "session",
            "id": self.id,
            "client": self.client,
            "start": self.start,
            "duration_min": self.duration_min,
            "session_type": self.session_type,
            "setting": self.setting,
            "attendees": list(self.attendees),
            "written_by": self.written_by,
            "written_at": self.written_at,
        }
        if self.late_entry:
            out["late_entry"] = True
        put(out, "techniques", list(self.techniques))
        out.update({k: v for k, v in self.extra.items() if not is_table(v)})
        put(out, "goals", [g.to_dict() for g in self.goals])
        put(out, "activities", [a.to_dict() for a in self.activities])
        put(out, "child_voice", self.child_voice.to_dict())
        put(out, "caregiver", self.caregiver.to_dict())
        if self.regulation is not None:
            out["regulation"] = self.regulation.to_dict()
        put(out, "checklist", [c.to_dict() for c in self.checklist])
        put(out, "plan", self.plan.to_dict())
        if self.intake is not None:
            out["intake"] = self.intake.to_dict()
        if self.discharge is not None:
            out["discharge"] = self.discharge.to_dict()
        for key, scale in (("ors", self.ors), ("srs", self.srs)):
            if scale is not None:
                out[key] = scale.to_dict()
        if self.risk is not None:
            out["risk"] = self.risk.to_dict()
        out.update({k: v for k, v in self.extra.items() if is_table(v)})
        put(out, "amendments", [a.to_dict() for a in self.amendments])
        return out
