"""Session measures (issue 16): ORS and SRS on a session, their numbers over a period,
and how they read in log, show, trends, the report and the export."""

from __future__ import annotations

from datetime import datetime

import pytest

from otjournal.errors import ValidationErrors
from otjournal.model import Session
from otjournal.model.measures import Ors, Srs
from otjournal.numbers.measures import summarise
from tests.conftest import TZ, make_session


def at(day: int) -> datetime:
    return datetime(2026, 3, day, 10, 0, tzinfo=TZ)


def scored(day: int, ors: tuple[int, int, int, int] | None = None, srs=None) -> Session:
    return make_session(
        start=at(day),
        id=f"2026-03-{day:02d}_1000_abcde",
        ors=Ors(ors) if ors else None,
        srs=Srs(srs) if srs else None,
    )


# -- the model ----------------------------------------------------------------------


def test_the_tables_read_back_and_total():
    s = scored(5, (3, 4, 3, 4), (9, 10, 9, 8))
    data = s.to_dict()
    assert data["ors"] == {"individually": 3, "interpersonally": 4, "socially": 3, "overall": 4}
    assert data["srs"] == {"relationship": 9, "goals_topics": 10, "approach": 9, "overall": 8}
    assert list(data)[-2:] == ["ors", "srs"]  # before amendments, after the other parts
    back = Session.from_dict(data)
    assert back == s
    assert (back.ors and back.ors.total, back.srs and back.srs.total) == (14, 36)


def test_without_them_the_file_has_no_tables():
    data = scored(5).to_dict()
    assert "ors" not in data and "srs" not in data
    assert Session.from_dict(data).ors is None


def test_items_out_of_range_or_missing_are_located_errors():
    data = scored(5).to_dict()
    data["ors"] = {"individually": 11, "interpersonally": -1, "socially": 2.5}
    data["srs"] = {"relationship": "nine", "goals_topics": 9, "approach": 9, "overall": 9}
    with pytest.raises(ValidationErrors) as exc:
        Session.from_dict(data)
    fields = [e.field for e in exc.value.errors]
    assert fields == [
        "ors.individually",
        "ors.interpersonally",
        "ors.socially",
        "ors.overall",
        "srs.relationship",
    ]
    text = str(exc.value)
    assert "11 is out of range: must be a whole number from 0 to 10" in text
    assert "ors.overall: is required" in text


# -- the numbers, worked by hand ----------------------------------------------------


def test_ors_14_to_27_is_a_reliable_change_across_the_cutoff():
    m = summarise([scored(19, (7, 7, 7, 6)), scored(5, (3, 4, 3, 4)), scored(12, (5, 5, 5, 5))])
    assert [p.total for p in m.ors] == [14, 20, 27]  # in time order
    change = m.ors_change
    assert change is not None
    assert (change.first.total, change.latest.total, change.change) == (14, 27, 13)
    assert change.reliable
    js = change.to_json()
    assert (js["first_below_cutoff"], js["latest_below_cutoff"]) == (True, False)


def test_ors_20_to_23_is_not_a_reliable_change():
    m = summarise([scored(5, (5, 5, 5, 5)), scored(12, (6, 6, 6, 5))])
    change = m.ors_change
    assert change is not None
    assert (change.change, change.reliable) == (3, False)
    js = change.to_json()
    assert (js["first_below_cutoff"], js["latest_below_cutoff"]) == (True, True)


def test_ors_falling_five_is_reliable_too_and_one_total_has_no_change():
    m = summarise([scored(5, (7, 7, 7, 7)), scored(12, (6, 6, 6, 5))])
    assert m.ors_change is not None and (m.ors_change.change, m.ors_change.reliable) == (-5, True)
    assert summarise([scored(5, (7, 7, 7, 7))]).ors_change is None


def test_srs_36_or_less_is_worth_talking_about():
    m = summarise(
        [
            scored(5, srs=(10, 10, 9, 9)),  # 38
            scored(12, srs=(9, 9, 9, 9)),  # 36
            scored(19, srs=(8, 7, 8, 7)),  # 30
        ]
    )
    assert [p.total for p in m.srs] == [38, 36, 30]
    assert [p.total for p in m.srs_flagged] == [36, 30]
    js = m.to_json()
    assert [s["worth_talking_about"] for s in js["srs"]] == [False, True, True]
    assert js["srs_worth_talking_about"] == 2
    assert (js["ors"], js["ors_change"]) == ([], None)


def test_nothing_recorded():
    m = summarise([scored(5)])
    assert not m.recorded
    assert m.to_json()["srs"] == [] and m.to_json()["srs_worth_talking_about"] == 0
