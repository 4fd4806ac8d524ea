"""Risk recorded in a session note (``[risk]``): none identified, or identified with
what was identified, what was done and who was told. Read beside the note; the report's
risks section lists the notes that identified risk (views/report_sections.py)."""

from __future__ import annotations

from dataclasses import field
from typing import Any, ClassVar

from otjournal.frozen import frozen
from otjournal.model.fields import Fields, put

RISK_STATUSES = ("none-identified", "identified")
RISK_VALUES = ("status", "what", "action", "told")  # what a correction may set of a risk
# A status as a person may type it (`otj log --risk none`, `otj amend --set risk=none`).
RISK_WORDS = {
    "none": "none-identified",
    "none-identified": "none-identified",
    "identified": "identified",
}


def status_words(status: object) -> str:
    """A risk status as read: "identified" or "none identified"."""
    return "identified" if status == "identified" else "none identified"


AWAY = " (as first written; corrected away)"  # a detail a correction set aside or emptied


@frozen
class Risk:
    status: str
    what: str = ""
    action: str = ""
    told: tuple[str, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    DETAILS: ClassVar[tuple[str, ...]] = ("what", "action", "told")

    @property
    def identified(self) -> bool:
        return self.status == "identified"

    @classmethod
    def read(cls, f: Fields) -> Risk:
        status = f.choice("status", RISK_STATUSES, required=True) or ""
        what = f.text("what")
        action = f.text("action")
        told = f.text_list("told")
        if status == "identified":
            for key, value, means in (
                ("what", what, "what was identified"),
                ("action", action, "what was done"),
            ):
                if not value.strip():
                    f.error(key, f'is required when status = "identified" ({means})')
        elif status:
            for key, there in (
                ("what", bool(what)),
                ("action", bool(action)),
                ("told", bool(told)),
            ):
                if there:
                    f.error(key, 'is recorded only when status = "identified"')
        return cls(status=status, what=what, action=action, told=told, extra=f.extra())

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"status": self.status}
        put(out, "what", self.what)
        put(out, "action", self.action)
        put(out, "told", self.told)
        out.update(self.extra)
        return out
