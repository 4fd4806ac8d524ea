"""Session measures: the Outcome Rating Scale (ORS) and the Session Rating Scale (SRS),
each four items 0-10 (the paper scale is a 10 cm line: a whole number is recorded),
total 0-40. Optional on any session; the child versions (CORS, CSRS) are the same four
numbers. The scales' rules (ORS clinical cut-off 25, reliable change 5 points; an SRS
total of 36 or less is worth talking about together) are in ``numbers/measures.py``."""

from __future__ import annotations

from dataclasses import field
from typing import Any, ClassVar

from otjournal.frozen import frozen
from otjournal.model.fields import Fields

ITEM_MAX = 10
ORS_ITEMS = ("individually", "interpersonally", "socially", "overall")
SRS_ITEMS = ("relationship", "goals_topics", "approach", "overall")


@frozen
class _Scale:
    """Four items 0-10, each required when the table is there."""

    ITEMS: ClassVar[tuple[str, ...]] = ()
    JSON_OMITS: ClassVar[tuple[str, ...]] = ("items",)  # written under the ITEMS' names
    items: tuple[int, int, int, int]
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    @property
    def total(self) -> int:
        return sum(self.items)

    @classmethod
    def read_items(cls, f: Fields) -> tuple[tuple[int, int, int, int], dict[str, Any]]:
        a, b, c, d = (f.integer(k, 0, ITEM_MAX, required=True) or 0 for k in cls.ITEMS)
        return (a, b, c, d), f.extra()

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = dict(zip(self.ITEMS, self.items, strict=True))
        out.update(self.extra)
        return out


@frozen
class Ors(_Scale):
    """Outcome Rating Scale: individually, interpersonally, socially, overall."""

    ITEMS: ClassVar[tuple[str, ...]] = ORS_ITEMS

    @classmethod
    def read(cls, f: Fields) -> Ors:
        items, extra = cls.read_items(f)
        return cls(items, extra)


@frozen
class Srs(_Scale):
    """Session Rating Scale: relationship, goals and topics, approach or method, overall."""

    ITEMS: ClassVar[tuple[str, ...]] = SRS_ITEMS

    @classmethod
    def read(cls, f: Fields) -> Srs:
        items, extra = cls.read_items(f)
        return cls(items, extra)
