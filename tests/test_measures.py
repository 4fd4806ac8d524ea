"""Session measures (issue 16): ORS and SRS on a session, their numbers over a period,
and how they read in log, show, trends, the report and the export."""

from __future__ import annotations

import csv
import io
import json
import tomllib
from datetime import datetime
from random import Random

import pytest

from otjournal.cli import app
from otjournal.errors import ValidationErrors
from otjournal.forms.session_form import editor_form, form_to_note
from otjournal.model import Session
from otjournal.model.measures import Ors, Srs
from otjournal.numbers.measures import summarise
from tests.conftest import TZ, make_client, make_session


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


# -- through the commands -----------------------------------------------------------

PERIOD = ("--since", "2026-03-01", "--until", "2026-03-31")


@pytest.fixture
def rated(journal, clock):
    """Mia: three sessions, ORS 14 → 20 → 27 and SRS 38, 36, 30; one with neither."""
    clock.set(datetime(2026, 3, 25, 9, 0, tzinfo=TZ))
    journal.add_client(make_client())
    ids = {}
    for day, ors, srs in (
        (5, (3, 4, 3, 4), (10, 10, 9, 9)),
        (12, (5, 5, 5, 5), (9, 9, 9, 9)),
        (19, (7, 7, 7, 6), (8, 7, 8, 7)),
        (20, None, None),
    ):
        ids[day] = journal.add_session(scored(day, ors, srs), rng=Random(day)).record.id
    return ids


def one_line(text: str) -> str:
    return " ".join(text.split())


def saved_sessions(notes) -> list[dict]:
    return [tomllib.loads(p.read_text("utf-8")) for p in sorted(notes.rglob("2026-*.toml"))]


LOG = (
    *("log", "mia-k", "--no-input", "--by", "Alex Rivera", "--setting", "clinic"),
    *("--attendee", "child", "--summary", "Obstacle course", "--date", "2026-03-06"),
)


def test_log_flags_record_both_scales(runner, journal, notes, clock):
    journal.add_client(make_client())
    result = runner.invoke(app, [*LOG, "--ors", "7,6,8,7", "--srs", "9, 9, 8, 9"])
    assert result.exit_code == 0, result.output
    [s] = saved_sessions(notes)
    assert s["ors"] == {"individually": 7, "interpersonally": 6, "socially": 8, "overall": 7}
    assert s["srs"] == {"relationship": 9, "goals_topics": 9, "approach": 8, "overall": 9}


@pytest.mark.parametrize(
    ("flags", "expected"),
    [
        (("--ors", "7,6,8"), "--ors takes four whole numbers 0-10, comma-separated"),
        (("--srs", "9,9,8,9,9"), "5 given"),
        (("--ors", "7,six,8,7"), "(individually, interpersonally, socially, overall)"),
        (("--ors", "7,6,11,7"), "ors.socially: 11 is out of range"),
        (("--srs", "9,-1,8,9"), "srs.goals_topics: -1 is out of range"),
    ],
)
def test_log_refuses_a_wrong_count_or_an_item_out_of_range(
    runner, journal, notes, clock, flags, expected
):
    journal.add_client(make_client())
    result = runner.invoke(app, [*LOG, *flags])
    assert result.exit_code == 2, result.output
    assert expected in one_line(result.stderr)
    assert saved_sessions(notes) == []


def test_the_editor_form_has_blank_sections_and_reads_them_back():
    form = editor_form({"client": "mia-k"}, None, [])
    assert '[ors]\nindividually = ""\n' in form and '[srs]\nrelationship = ""\n' in form
    assert "clinical cut-off 25" in form
    assert "ors" not in form_to_note(tomllib.loads(form))  # blank: not recorded
    filled = editor_form({"ors": {"individually": 7, "interpersonally": 6}}, None, [])
    back = form_to_note(tomllib.loads(filled))
    assert back["ors"] == {"individually": 7, "interpersonally": 6}  # the model asks the rest
    assert "srs" not in back


def test_show_gives_the_four_numbers_and_the_total(runner, rated):
    out = one_line(runner.invoke(app, ["show", rated[5]]).stdout)
    assert "individually 3 · interpersonally 4 · socially 3 · overall 4 · total 14 of 40" in out
    assert "(below the clinical cut-off)" in out
    assert "relationship 10 · goals and topics 10 · approach 9 · overall 9 · total 38" in out
    assert "worth talking about" not in out  # 38
    text = one_line(runner.invoke(app, ["show", rated[19], "--format", "text"]).stdout)
    assert "Session measures" in text
    assert "total 27 of 40 (at or above the clinical cut-off)" in text
    assert "total 30 of 40 (worth talking about together)" in text
    bare = one_line(runner.invoke(app, ["show", rated[20]]).stdout)
    assert "Session measures" not in bare and "ORS" not in bare


def test_trends_text_has_one_short_section(runner, rated):
    result = runner.invoke(app, ["trends", "mia-k", *PERIOD], env={"COLUMNS": "80"})
    out = one_line(result.stdout)
    assert "Session measures (ORS, SRS)" in out
    assert (
        "ORS: 3 totals; first 14 on 2026-03-05 (below the clinical cut-off of 25), latest 27 "
        "on 2026-03-19 (at or above it): +13, a reliable change (5 points or more)." in out
    )
    assert (
        "SRS: 3 sessions rated, totals 38, 36, 30 of 40; 2 of 3 at 36 or less, worth talking "
        "about together (2026-03-12, 2026-03-19)." in out
    )


def test_trends_text_leaves_the_section_out_when_none_recorded(runner, journal, clock):
    journal.add_client(make_client())
    journal.add_session(scored(5), rng=Random(5))
    result = runner.invoke(app, ["trends", "mia-k", *PERIOD], env={"COLUMNS": "80"})
    assert result.exit_code == 0 and "Session measures" not in result.stdout
    data = json.loads(runner.invoke(app, ["trends", "mia-k", *PERIOD, "--json"]).stdout)
    assert data["measures"]["ors"] == [] and data["measures"]["srs"] == []
    assert data["measures"]["ors_change"] is None
    assert data["measures"]["srs_worth_talking_about"] == 0


def test_trends_json_has_the_measures(runner, rated):
    data = json.loads(runner.invoke(app, ["trends", "mia-k", *PERIOD, "--json"]).stdout)
    m = data["measures"]
    assert [(p["date"], p["total"], p["below_cutoff"]) for p in m["ors"]] == [
        ("2026-03-05", 14, True),
        ("2026-03-12", 20, True),
        ("2026-03-19", 27, False),
    ]
    assert m["ors"][0]["items"] == [3, 4, 3, 4]
    assert m["ors_change"] == {
        "first": 14,
        "first_date": "2026-03-05",
        "latest": 27,
        "latest_date": "2026-03-19",
        "change": 13,
        "reliable_change": True,
        "first_below_cutoff": True,
        "latest_below_cutoff": False,
    }
    assert [(p["total"], p["worth_talking_about"]) for p in m["srs"]] == [
        (38, False),
        (36, True),
        (30, True),
    ]
    assert m["srs_worth_talking_about"] == 2


def test_the_report_has_its_subsection_only_when_recorded(runner, rated):
    md = one_line(runner.invoke(app, ["report", "mia-k", *PERIOD]).stdout)
    assert "### Outcome and session rating scales" in md
    assert "ORS: 3 totals; first 14 on 2026-03-05" in md and "+13, a reliable change" in md
    assert "2 of 3 at 36 or less, worth talking about together" in md
    assert " bad" not in md.lower()  # neutral words
    earlier = ("--since", "2026-03-20", "--until", "2026-03-24")
    md = runner.invoke(app, ["report", "mia-k", *earlier]).stdout
    assert "rating scales" not in md


def test_the_export_has_the_two_totals(runner, rated):
    result = runner.invoke(app, ["export", "--format", "csv"])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout.lstrip("\ufeff"))))
    assert [(r["date"], r["ors_total"], r["srs_total"]) for r in rows] == [
        ("2026-03-05", "14", "38"),
        ("2026-03-12", "20", "36"),
        ("2026-03-19", "27", "30"),
        ("2026-03-20", "", ""),
    ]
