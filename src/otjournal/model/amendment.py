"""An amendment: a dated, attributed later entry appended to a session note, never
edited; a correction may name the field it corrects and carry corrected values."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import field
from datetime import datetime
from typing import Any, ClassVar

from otjournal.errors import ValidationError
from otjournal.frozen import frozen
from otjournal.model.fields import Fields, put
from otjournal.model.ids import SLUG_HINT, is_slug
from otjournal.model.measures import ITEM_MAX, ORS_ITEMS, SRS_ITEMS
from otjournal.model.risk import RISK_STATUSES, RISK_VALUES
from otjournal.model.vocab import (
    AMENDMENT_KINDS,
    ATTENDEE_ROLES,
    CHECKLIST_ANSWERS,
    MAX_MINUTES,
)


@frozen
class Amendment:
    """A dated, attributed later entry. The file before it hashes to ``previous_sha256``.

    What it corrects, when it says so, rides in ``extra`` under its own keys (so chaining
    and joining, disk/amend.py, carry it unchanged): ``field``, the text field a
    correction replaces (``goals[g1-k3x].evidence``), and ``values``, the corrected
    ratings (``[amendments.values]``: ``goals.<id>.gas``, COPM at review, ``checklist.<item>``,
    ``duration_min``, ``attendees``, ``techniques``). Both are checked here with the note's
    own rules; whether they name something in this note is numbers/amended.py's question."""

    at: datetime
    by: str
    kind: str
    text: str
    original: str = ""
    previous_sha256: str = ""
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    # The kinds that change what the note says (the others are read beside it).
    CORRECTING: ClassVar[tuple[str, ...]] = ("correction", "client-requested-correction")
    # A field path people can read: parts joined by dots, a row named in brackets by its
    # id, goal, item or number (goals[g1].evidence, activities[2].response).
    FIELD_PATH: ClassVar[re.Pattern[str]] = re.compile(
        r"[a-z_]+(?:\[[a-z0-9][a-z0-9_-]{0,63}\])?(?:\.[a-z_]+(?:\[[a-z0-9][a-z0-9_-]{0,63}\])?)*\Z"
    )
    FIELD_HINT: ClassVar[str] = "e.g. goals[g1].evidence, child_voice.text or plan.summary"
    VALUE_KEYS: ClassVar[tuple[str, ...]] = (
        "goals",
        "checklist",
        "duration_min",
        "attendees",
        "techniques",
        "ors",
        "srs",
        "risk",
    )
    GOAL_VALUES: ClassVar[dict[str, tuple[int, int]]] = {
        "gas": (-2, 2),
        "copm_performance": (1, 10),
        "copm_satisfaction": (1, 10),
    }

    @classmethod
    def read(cls, f: Fields) -> Amendment | None:
        at = f.aware_datetime("at", required=True)
        by = f.text("by", required=True)
        kind = f.choice("kind", AMENDMENT_KINDS, required=True)
        text = f.text("text", required=True)
        original = f.text("original")
        prev = f.text("previous_sha256")
        cls.check_targets(f.data, f.prefix, f.errors, kind)  # read, left in extra
        if at is None or kind is None:
            return None
        return cls(at, by, kind, text, original, prev, extra=f.extra())

    @classmethod
    def check_targets(
        cls, data: Mapping[str, Any], prefix: str, errors: list[ValidationError], kind: str | None
    ) -> None:
        """Errors in ``field`` and ``values`` (located under ``prefix``), by the note's
        own rules: GAS -2..2, COPM 1..10, a checklist answer, whole minutes, attendees,
        techniques, ORS and SRS items 0..10, the risk's status and details."""
        if "field" in data:
            f = Fields({"field": data["field"]}, prefix, errors)
            path = f.text("field", required=True)
            if path and not cls.FIELD_PATH.match(path):
                f.error("field", "is not a field path", hint=cls.FIELD_HINT)
        if "values" not in data:
            return
        values = Fields({"values": data["values"]}, prefix, errors).table("values")
        if values is None:
            return
        if kind is not None and kind not in cls.CORRECTING:
            values.error(
                "", "corrected values belong to a correction: " + ", ".join(cls.CORRECTING)
            )
        if not values.data:
            values.error("", "names no value to correct")
        goals = values.table("goals")
        for gid in goals.data if goals else ():
            assert goals is not None
            one = goals.table(gid)
            if not is_slug(gid):
                goals.error(gid, "is not a goal id", hint=SLUG_HINT)
            if one is None:
                continue
            for key, (lo, hi) in cls.GOAL_VALUES.items():
                one.integer(key, lo, hi)
            for key in one.extra():
                one.error(
                    key, "is not a value an amendment can correct: " + ", ".join(cls.GOAL_VALUES)
                )
            if not one.data:
                one.error("", "names no value to correct")
        checklist = values.table("checklist")
        for item in checklist.data if checklist else ():
            assert checklist is not None
            if not is_slug(item):
                checklist.error(item, "is not a checklist item", hint=SLUG_HINT)
            checklist.choice(item, CHECKLIST_ANSWERS, required=True)
        values.integer("duration_min", 0, MAX_MINUTES, unit="minutes")
        values.choice_list("attendees", ATTENDEE_ROLES)
        values.name_list("techniques")  # the whole list, as the note's own is read
        for name, items in (("ors", ORS_ITEMS), ("srs", SRS_ITEMS)):
            scale = values.table(name)  # the items corrected: each 0-10, as the note's
            for key in items if scale else ():
                assert scale is not None
                scale.integer(key, 0, ITEM_MAX)
            for key in scale.extra() if scale else ():
                assert scale is not None
                scale.error(key, "is not an item of the scale: " + ", ".join(items))
        risk = values.table("risk")
        if risk is not None:  # a risk identified after all comes with what and the action
            details = any(key in risk.data for key in RISK_VALUES[1:])
            risk.choice("status", RISK_STATUSES, required=not details)
            risk.text("what")
            risk.text("action")
            risk.text_list("told")
            for key in risk.extra():
                risk.error(
                    key, "is not a value an amendment can correct: " + ", ".join(RISK_VALUES)
                )
        for key in values.extra():
            values.error(
                key, "is not a value an amendment can correct: " + ", ".join(cls.VALUE_KEYS)
            )

    @property
    def field_path(self) -> str:
        """The text field this amendment names (``""``: none named)."""
        value = self.extra.get("field")
        return value if isinstance(value, str) else ""

    @property
    def values(self) -> dict[str, Any]:
        """The corrected values, as in the file (``{"goals": {"g1-k3x": {"gas": 1}}}``)."""
        value = self.extra.get("values")
        return value if isinstance(value, dict) else {}

    @property
    def corrects(self) -> bool:
        """Whether it changes what the note says (a correction of either kind)."""
        return self.kind in self.CORRECTING

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"at": self.at, "by": self.by, "kind": self.kind}
        put(out, "previous_sha256", self.previous_sha256)
        put(out, "original", self.original)
        out["text"] = self.text
        out.update(self.extra)
        return out
