"""A progress report's period: from the plan start (or the day after the last report,
when one is known) to the day of writing, never past it. Pure: the plan, the options
and ``today`` in; the period, and whether it was cut at today, out."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

from otjournal.dates import parse_day
from otjournal.errors import UsageError
from otjournal.frozen import frozen

if TYPE_CHECKING:
    from otjournal.model.client import PlanPeriod

DEFAULT_SINCE = "12m"  # without a plan period or a --since


@frozen
class ReportPeriod:
    """``start``..``end`` (both included). ``asked_end`` is the end before it was cut
    at today (the plan's end, or --until); ``start_from`` says where the start came
    from: "plan", "last report", "asked" or "12 months"."""

    start: date
    end: date
    asked_end: date
    start_from: str

    @property
    def cut(self) -> bool:
        """The period asked for reached past today and ends today instead."""
        return self.asked_end > self.end

    def words(self) -> str:
        """The period as the report's header says it."""
        said = f"{self.start} to {self.end}"
        if self.start_from == "last report":
            said += " (from the day after the last report)"
        if self.cut:
            said += (
                f" (the period asked for runs to {self.asked_end}: cut at {self.end}, "
                "the day this report was prepared)"
            )
        return said

    def to_json(self) -> dict[str, object]:
        return {
            "start": self.start,
            "end": self.end,
            "asked_end": self.asked_end,
            "cut": self.cut,
            "start_from": self.start_from,
        }


def report_period(
    plan: PlanPeriod | None,
    since: str | None,
    until: str | None,
    today: date,
    last_report_end: date | None = None,
    flags: tuple[str, str] = ("--since", "--until"),
) -> ReportPeriod:
    """The report's period. Start: ``since``, else the day after the last report's end
    (within the plan), else the plan's start, else 12 months ago. End: ``until``, else
    the plan's end when the plan is over, else today; an end past today is cut at
    today (``ReportPeriod.cut``)."""
    if since:
        start, start_from = parse_day(since, today, flags[0]), "asked"
    elif last_report_end is not None and (plan is None or last_report_end >= plan.start):
        start, start_from = last_report_end + timedelta(days=1), "last report"
    elif plan is not None:
        start, start_from = plan.start, "plan"
    else:
        start, start_from = parse_day(DEFAULT_SINCE, today), "12 months"
    if start > today:
        raise UsageError(
            f"{flags[0]} is after today: a report covers days that have passed",
        )
    if until:
        asked = parse_day(until, today, flags[1])
    elif plan is not None and plan.end >= start:
        asked = plan.end
    else:
        asked = today
    if asked < start:
        raise UsageError(f"{flags[1]} is before {flags[0]}")
    end = min(asked, today)
    if end < start:
        raise UsageError(
            f"the period starts after today: a report covers days that have passed "
            f"(give {flags[0]})"
        )
    return ReportPeriod(start, end, asked, start_from)
