"""``otj due``: each rule at its boundary (the day before, the day, the day after), on
constructed dates; who is never listed; the order; the screen at any width; --json
against docs/schemas/due.json; and nothing written."""

from __future__ import annotations

import json
import os
from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest
from rich.cells import cell_len

from otjournal.cli import app
from otjournal.config import TEMPLATE, Config, parse_config
from otjournal.disk import tomlio
from otjournal.disk.store import Journal
from otjournal.errors import ValidationErrors
from otjournal.forms.drafts import default_drafts
from otjournal.model import GoalRating, Session
from otjournal.model.client import PlanPeriod
from otjournal.model.episode import Discharge, Intake
from otjournal.numbers import due
from otjournal.numbers.due import ClientFacts, ConflictFact, DraftFact, Settings
from otjournal.views.due import lines
from tests.conftest import TZ, make_client, make_session
from tests.helpers import Runner, tree
from tests.test_output_as_written import otj

REPO = Path(__file__).resolve().parent.parent
SCHEMA = json.loads((REPO / "docs" / "schemas" / "due.json").read_text(encoding="utf-8"))
S = Settings()  # 12 weeks between reviews, reports 4 weeks ahead, not seen after 4 weeks
INTAKE = date(2026, 1, 5)


def at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=TZ)


def session(day: date, kind: str = "therapy", **kw: object) -> Session:
    if kind in ("cancelled", "did-not-attend"):
        kw = {"duration_min": 0, "attendees": (), **kw}
    if kind == "initial":
        kw = {"intake": Intake(), **kw}
    if kind == "discharge":
        kw = {"goals": (), "discharge": Discharge("goals-met"), **kw}
    return make_session(start=at(day), session_type=kind, **kw)


def facts(*sessions: Session, **client: object) -> ClientFacts:
    return due.client_facts(make_client(**client), list(sessions))


def whats(f: ClientFacts, today: date, settings: Settings = S) -> list[str]:
    return [d.what for d in due.build([f], [], [], settings, today)]


def around(day: date) -> tuple[date, date, date]:
    return day - timedelta(days=1), day, day + timedelta(days=1)


# -- reviews --------------------------------------------------------------------------


def test_a_review_is_due_twelve_weeks_after_the_intake():
    f = facts(session(INTAKE, "initial"))
    before, on, after = around(INTAKE + timedelta(weeks=12))
    assert on == date(2026, 3, 30)
    assert "review" not in whats(f, before)
    [item] = [d for d in due.build([f], [], [], S, on) if d.what == "review"]
    assert (item.headline, item.due, item.since, item.command) == (
        "review due today",
        on,
        INTAKE,
        "otj review mia-k",
    )
    assert item.detail == "no review yet; intake 2026-01-05, 12 weeks ago (every 12 weeks)"
    [later] = [d for d in due.build([f], [], [], S, after) if d.what == "review"]
    assert later.headline == "review due since 2026-03-30"


def test_a_review_counts_from_the_last_review_and_the_interval_is_configurable():
    review = INTAKE + timedelta(weeks=10)
    f = facts(session(INTAKE, "initial"), session(review, "review"))
    assert "review" not in whats(f, INTAKE + timedelta(weeks=12))
    before, on, _ = around(review + timedelta(weeks=12))
    assert "review" not in whats(f, before)
    [item] = [d for d in due.build([f], [], [], S, on + timedelta(weeks=2)) if d.what == "review"]
    assert item.detail == "last review 2026-03-16, 14 weeks ago (every 12 weeks)"
    six = Settings(review_every_weeks=6)
    assert "review" not in whats(f, review + timedelta(weeks=6, days=-1), six)
    assert "review" in whats(f, review + timedelta(weeks=6), six)


def test_a_review_of_an_earlier_episode_does_not_count_for_the_new_one():
    first = [session(INTAKE, "initial"), session(date(2026, 2, 2), "review")]
    closed = session(date(2026, 3, 2), "discharge")
    again = date(2026, 5, 4)
    f = facts(*first, closed, session(again, "initial"))
    assert (f.review_from, f.review_from_is) == (again, "intake")


def test_without_an_intake_a_review_counts_from_the_first_session():
    f = facts(session(date(2026, 1, 7)), session(date(2026, 1, 14)))
    assert (f.review_from, f.review_from_is) == (date(2026, 1, 7), "first session")
    [item] = [d for d in due.build([f], [], [], S, date(2026, 4, 1)) if d.what == "review"]
    assert item.detail.startswith("no review yet; first session 2026-01-07")


# -- not seen --------------------------------------------------------------------------


def test_not_seen_after_four_weeks_without_a_session():
    last = date(2026, 2, 2)
    f = facts(session(INTAKE, "initial"), session(last))
    before, on, after = around(last + timedelta(weeks=4))
    assert "not-seen" not in whats(f, before)
    [item] = [d for d in due.build([f], [], [], S, on) if d.what == "not-seen"]
    assert (item.headline, item.due, item.since, item.command) == (
        "not seen since 2026-02-02",
        on,
        last,
        "otj log mia-k",
    )
    assert item.detail == "last session 4 weeks ago (listed after 4 weeks without one)"
    assert "not-seen" in whats(f, after)


@pytest.mark.parametrize("kind", ["cancelled", "did-not-attend", "non-client"])
def test_a_session_that_did_not_take_place_with_the_client_is_not_seeing_them(kind):
    last = date(2026, 2, 2)
    f = facts(session(INTAKE, "initial"), session(last), session(last + timedelta(weeks=3), kind))
    assert f.last_seen == last
    assert f.last_session == last + timedelta(weeks=3)  # retention counts every note
    assert "not-seen" in whats(f, last + timedelta(weeks=4))


def test_a_discharged_client_is_never_listed_as_not_seen_or_review_due():
    f = facts(session(INTAKE, "initial"), session(date(2026, 2, 2), "discharge"))
    assert not f.active
    for years in range(0, 7):
        today = date(2026, 6, 1) + timedelta(days=365 * years)
        assert whats(f, today) == [], today


# -- progress reports -----------------------------------------------------------------

PLAN = PlanPeriod(date(2025, 7, 1), date(2026, 6, 30))


def test_a_report_is_coming_up_four_weeks_before_the_plan_ends_then_due():
    f = facts(session(INTAKE, "initial"), session(date(2026, 6, 1)), plan_period=PLAN)
    before, on, _ = around(PLAN.end - timedelta(weeks=4))
    assert "report" not in whats(f, before)
    [item] = [d for d in due.build([f], [], [], S, on) if d.what == "report"]
    assert (item.soon, item.headline, item.due, item.command) == (
        True,
        "progress report due by 2026-06-30",
        PLAN.end,
        "otj report mia-k -o FILE",
    )
    assert item.detail == "the plan runs 2025-07-01 to 2026-06-30; no report filed for it yet"
    before, on, after = around(PLAN.end)
    assert [d.soon for d in due.build([f], [], [], S, before) if d.what == "report"] == [True]
    [today] = [d for d in due.build([f], [], [], S, on) if d.what == "report"]
    assert (today.soon, today.headline) == (False, "progress report due today")
    [late] = [d for d in due.build([f], [], [], S, after) if d.what == "report"]
    assert (late.soon, late.headline) == (False, "progress report due since 2026-06-30")


def test_a_report_filed_in_the_last_weeks_of_the_plan_settles_it():
    f = facts(session(INTAKE, "initial"), plan_period=PLAN)
    opens = PLAN.end - timedelta(weeks=4)
    from dataclasses import replace

    filed = replace(f, last_report_end=opens)
    assert "report" not in whats(filed, PLAN.end + timedelta(days=3))
    earlier = replace(f, last_report_end=opens - timedelta(days=1))  # a mid-plan report
    [item] = [d for d in due.build([earlier], [], [], S, opens) if d.what == "report"]
    assert item.detail.endswith("last report up to 2026-06-01")


# -- retention, drafts, conflicts, order -----------------------------------------------


def test_retention_is_listed_from_the_day_it_ends_for_discharged_clients_too():
    last = date(2019, 3, 1)
    f = facts(session(date(2019, 1, 7), "initial"), session(last, "discharge"))
    before, on, _ = around(date(2026, 3, 1))
    assert whats(f, before) == []
    [item] = due.build([f], [], [], S, on)
    assert (item.what, item.headline, item.due, item.command) == (
        "retention",
        "retention period ended 2026-03-01",
        on,
        "otj check",
    )


def test_most_pressing_first():
    old = facts(session(date(2025, 9, 1), "initial"), handle="ab-c")  # review and not seen
    soon = facts(session(date(2026, 6, 1), "initial"), plan_period=PLAN)  # report ahead
    draft = DraftFact("20260610-101500-abcde", "log", "mia-k", "goals", date(2026, 6, 10))
    copy = ConflictFact("mia-k", "sessions/x.toml", "Syncthing", date(2026, 6, 10))
    items = due.build([soon, old], [draft], [copy], S, date(2026, 6, 12))
    assert [(d.client, d.what) for d in items] == [
        ("ab-c", "not-seen"),  # due 2025-09-29
        ("ab-c", "review"),  # due 2025-11-24
        ("mia-k", "conflict"),  # there since 2026-06-10: a conflict first on one day
        ("mia-k", "draft"),
        ("mia-k", "report"),  # coming up: last
    ]
    assert items[3].command == "otj log --resume --draft 20260610-101500-abcde"


def test_facts_survive_the_cache_and_anything_else_is_refused():
    f = facts(session(INTAKE, "initial"), session(date(2026, 2, 2)), plan_period=PLAN)
    assert ClientFacts.from_plain(json.loads(json.dumps(f.to_plain()))) == f
    for bad in ({}, [], {**f.to_plain(), "plan": ["2026-01-01"]}, {**f.to_plain(), "active": 1}):
        with pytest.raises((ValueError, TypeError, KeyError)):
            ClientFacts.from_plain(bad)


# -- config ---------------------------------------------------------------------------


def test_caseload_settings_are_read_checked_and_in_the_template():
    config = parse_config({"caseload": {"review_every_weeks": 8, "not_seen_weeks": 2}})
    assert (config.review_every_weeks, config.report_lead_weeks, config.not_seen_weeks) == (8, 4, 2)
    assert Config().as_dict()["caseload"] == {
        "review_every_weeks": 12,
        "report_lead_weeks": 4,
        "not_seen_weeks": 4,
    }
    with pytest.raises(ValidationErrors) as exc:
        parse_config({"caseload": {"review_every_weeks": 0}})
    assert "caseload.review_every_weeks" in str(exc.value)
    uncommented = "\n".join(line.removeprefix("# ") for line in TEMPLATE.splitlines())
    section = uncommented[uncommented.index("[caseload]") :].split("\n\n")[0]
    parsed = parse_config(tomlio.parse(section.encode(), Path("config.toml")))
    assert parsed.as_dict()["caseload"] == Config().as_dict()["caseload"]


# -- the command ----------------------------------------------------------------------

TODAY = date(2026, 6, 12)


def caseload_journal(root: Path) -> Journal:
    """Four clients: one due a review and not seen, one with a report coming up, one
    discharged years ago (retention ended), one seen this week (nothing due); a draft
    and a sync conflict copy."""
    j = Journal(root)
    j.add_client(make_client("ab-c", display_name="A B."))
    j.add_session(session(date(2026, 2, 2), "initial", client="ab-c"))
    j.add_session(session(date(2026, 5, 1), client="ab-c"))
    j.add_session(session(date(2026, 6, 5), "cancelled", client="ab-c"))
    j.add_client(make_client("mia-k", plan_period=PLAN))
    j.add_session(session(date(2026, 4, 20), "initial"))
    saved = j.add_session(session(date(2026, 6, 8)))
    j.add_client(make_client("old-d", display_name="Old D."))
    j.add_session(session(date(2019, 1, 7), "initial", client="old-d"))
    j.add_session(session(date(2019, 3, 1), "discharge", client="old-d"))
    j.add_client(make_client("zed-q", display_name="Zed Q."))
    j.add_session(session(date(2026, 6, 1), "initial", client="zed-q"))
    copy = saved.path.with_name(saved.path.stem + ".sync-conflict-20260610-101500-ABCDEF1.toml")
    copy.write_bytes(saved.path.read_bytes())
    stamp = at(date(2026, 6, 10)).timestamp()
    os.utime(copy, (stamp, stamp))
    drafts = default_drafts()
    drafts.save(drafts.new("log", "zed-q", at(TODAY, 9), {"client": "zed-q"}), at(TODAY, 9))
    return j


@pytest.fixture
def caseload(notes: Path, clock) -> Path:
    caseload_journal(notes)
    clock.set(at(TODAY, 16))
    return notes


SCREEN_80 = """\
2026-06-12: 5 due, 1 coming up. 3 active clients, last session 4 days ago.

old-d: retention period ended 2026-03-01
    last session 2019-03-01; yours to decide, nothing is deleted
    otj check

ab-c: review due since 2026-04-27
    no review yet; intake 2026-02-02, 18 weeks ago (every 12 weeks)
    otj review ab-c

ab-c: not seen since 2026-05-01
    last session 6 weeks ago (listed after 4 weeks without one)
    otj log ab-c

mia-k: sync conflict since 2026-06-10
    a Syncthing conflict copy of sessions/2026-06-08_1000_SUFFIX.toml
    otj conflicts

zed-q: draft waiting since 2026-06-12
    from otj log, stopped at: start
    otj log --resume --draft DRAFT

mia-k: progress report due by 2026-06-30
    the plan runs 2025-07-01 to 2026-06-30; no report filed for it yet
    otj report mia-k -o FILE
"""


def test_the_caseload_at_80_columns(caseload: Path, runner: Runner):
    import re

    result = runner.invoke(app, ["due"])
    assert result.exit_code == 0, result.output
    [draft] = default_drafts().entries()
    screen = re.sub(r"_1000_[a-z0-9]{5}\.toml", "_1000_SUFFIX.toml", result.stdout)
    assert screen.replace(draft.id, "DRAFT") == SCREEN_80


@pytest.mark.parametrize("width", [20, 40, 60, 80, 200])
def test_every_line_fits_and_nothing_is_cut(caseload: Path, runner: Runner, width: int):
    screen = runner.invoke(app, ["due"], env={"COLUMNS": str(width)}).stdout
    wide = runner.invoke(app, ["due"], env={"COLUMNS": "1000"}).stdout
    rows = screen.rstrip("\n").split("\n")
    assert len(rows) > 6
    for row in rows:
        assert cell_len(row) <= width, (width, row)
        assert row == row.rstrip() and "\x1b" not in row
    assert "".join(screen.split()) == "".join(wide.split())  # only line breaks differ


def test_json_follows_its_schema(caseload: Path, runner: Runner):
    import jsonschema

    result = runner.invoke(app, ["due", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    jsonschema.validate(data, SCHEMA, cls=jsonschema.Draft202012Validator)
    assert next(iter(data)) == "schema" and data["schema"] == "otjournal.due/1"
    assert data["today"] == "2026-06-12" and data["last_session"] == "2026-06-08"
    assert [(i["client"], i["what"], i["state"]) for i in data["items"]] == [
        ("old-d", "retention", "due"),
        ("ab-c", "review", "due"),
        ("ab-c", "not-seen", "due"),
        ("mia-k", "conflict", "due"),
        ("zed-q", "draft", "due"),
        ("mia-k", "report", "coming up"),
    ]
    draft = data["items"][4]
    assert (draft["due"], draft["since"]) == (None, "2026-06-12")
    bad = {**data, "items": [{**data["items"][0], "what": "overdue"}]}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(bad, SCHEMA, cls=jsonschema.Draft202012Validator)


def test_nothing_is_written(caseload: Path, runner: Runner, isolated_home: Path):
    state = isolated_home / "state"
    before = (tree(caseload), tree(state))
    for args in (["due"], ["due", "--json"], ["due"]):  # twice: a remembered read too
        assert runner.invoke(app, args).exit_code == 0
    assert (tree(caseload), tree(state)) == before


def test_a_report_filed_settles_it_and_the_settings_are_used(
    caseload: Path, runner: Runner, isolated_home: Path
):
    Journal(caseload).record_report("mia-k", date(2026, 4, 20), TODAY, TODAY)
    config = isolated_home / "config" / "otjournal" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text("[caseload]\nreview_every_weeks = 30\nnot_seen_weeks = 8\n")
    data = json.loads(runner.invoke(app, ["due", "--json"]).stdout)
    assert data["settings"]["review_every_weeks"] == 30
    assert [(i["client"], i["what"]) for i in data["items"]] == [
        ("old-d", "retention"),
        ("mia-k", "conflict"),
        ("zed-q", "draft"),
    ]


def test_a_setting_that_does_not_read_is_said_and_the_default_used(
    caseload: Path, runner: Runner, isolated_home: Path
):
    """A reading command never stops for a broken config, and never keeps quiet about it:
    the person's own interval is not in force, so they are told where and why."""
    config = isolated_home / "config" / "otjournal" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text('[caseload]\nreview_every_weeks = "x"\n')
    result = runner.invoke(app, ["due", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["settings"]["review_every_weeks"] == 12
    assert f"{config}:2:" in result.stderr
    assert "review_every_weeks" in result.stderr and "default settings are used" in result.stderr
    config.write_text("[caseload]\nreview_every_weeks = 30\n")
    assert "warning" not in runner.invoke(app, ["due", "--json"]).stderr


def test_nothing_due_is_one_calm_line(notes: Path, clock, runner: Runner):
    j = Journal(notes)
    j.add_client(make_client())
    j.add_session(session(date(2026, 6, 1), "initial"))
    j.add_session(session(date(2026, 6, 10)))
    clock.set(at(TODAY, 16))
    result = runner.invoke(app, ["due"])
    assert result.stdout == "Nothing due. 1 active client, last session 2 days ago.\n"
    data = json.loads(runner.invoke(app, ["due", "--json"]).stdout)
    assert data["items"] == [] and data["active_clients"] == 1


def test_a_note_dated_after_today_is_not_a_session_seen(notes: Path, clock, runner: Runner):
    """A date mistyped by hand (2027 for 2026): `due` lists it instead of "last session
    in 350 days" (which hid the client from "not seen"), and client list, trends and
    client show give no "last seen" after today."""
    j = Journal(notes)
    j.add_client(make_client())
    j.add_session(session(date(2026, 6, 1), "initial"))
    j.add_session(session(date(2027, 6, 10)))
    clock.set(at(TODAY, 16))
    result = runner.invoke(app, ["due"])
    assert result.exit_code == 0, result.output
    assert "mia-k: a note dated 2027-06-10, after today" in result.stdout
    assert "in 3" not in result.stdout  # no "last session in 363 days"
    data = json.loads(runner.invoke(app, ["due", "--json"]).stdout)
    assert [i["what"] for i in data["items"]] == ["dated-later"]
    assert data["last_session"] is None  # not known for this client until it is corrected
    listed = json.loads(runner.invoke(app, ["client", "list", "--json"]).stdout)
    assert [c["last_seen"] for c in listed["clients"]] == ["2026-06-01"]
    overview = json.loads(runner.invoke(app, ["trends", "--json"]).stdout)
    assert [c["last_seen"] for c in overview["clients"]] == ["2026-06-01"]
    shown = " ".join(runner.invoke(app, ["client", "show", "mia-k"]).stdout.split())
    assert "(and 1 dated after today: 'otj check' names it), last seen 2026-06-01" in shown
    # Nor is its rating the latest: g1 was rated 0 on 2026-06-01 (and +2 in the later note).
    j.add_session(session(date(2027, 6, 11), goals=(GoalRating("g1", 2),)))
    goals = json.loads(runner.invoke(app, ["goal", "list", "mia-k", "--json"]).stdout)["goals"]
    assert goals[0]["latest_interim"] == {"gas": 0, "on": "2026-06-01"}, goals[0]
    page = json.loads(runner.invoke(app, ["client", "show", "mia-k", "--json"]).stdout)
    assert page["goals"][0]["latest_interim"] == {"gas": 0, "on": "2026-06-01"}


def test_an_empty_folder(notes: Path, clock, runner: Runner):
    result = runner.invoke(app, ["due"])
    assert result.exit_code == 0, result.output
    assert result.stdout == "Nothing due. 0 active clients.\n"
    assert not os.path.lexists(notes)  # a read creates nothing


def test_the_view_alone_fits_the_narrowest_width():
    item = due.Due(
        "mia-k", "draft", "draft waiting since 2026-06-12", None, None, "x " * 30, "otj a"
    )
    c = due.Caseload(TODAY, S, [item], 1, None)
    assert all(cell_len(row) <= 20 for row in lines(c, 20))


def test_plain_ascii_in_any_encoding_and_no_colour(tmp_path: Path):
    root = tmp_path / "demo"
    assert otj(root, "demo", "--dir", str(root), "-q").returncode == 0
    for env in ({"PYTHONIOENCODING": "ascii"}, {"FORCE_COLOR": "1", "NO_COLOR": "1"}):
        result = otj(root, "due", **env)
        assert result.returncode == 0, result.stderr
        assert result.stdout.isascii() and "?" not in result.stdout
        assert "\x1b" not in result.stdout


def test_a_conflict_copy_is_named_with_its_article():
    def said(tool: str) -> str:
        return due.conflict_due(ConflictFact("mia-k", "client.toml", tool, None)).detail

    assert said("iCloud").startswith("an iCloud conflict copy of client.toml")
    assert said("Syncthing").startswith("a Syncthing conflict copy")


def test_a_draft_begun_for_another_notes_folder_is_that_folders(
    caseload: Path, runner: Runner, tmp_path: Path
):
    """Drafts live on the device, one folder for every journal: a draft of another notes
    folder is not due here (its resume command would be refused here), nor counted by
    doctor; 'otj drafts' lists it, saying how to resume it."""
    other = tmp_path / "other-notes"
    other.mkdir()
    theirs = default_drafts(notes=other)
    made = theirs.new("amend", "kit-b", at(TODAY, 10), {"client": "kit-b"})
    theirs.save(made, at(TODAY, 10))
    assert "kit-b" not in runner.invoke(app, ["due"]).stdout
    items = json.loads(runner.invoke(app, ["due", "--json"]).stdout)["items"]
    assert [i["client"] for i in items if i["what"] == "draft"] == ["zed-q"]
    assert "1 draft(s) waiting" in runner.invoke(app, ["doctor"]).stdout
    listed = runner.invoke(app, ["drafts"], env={"COLUMNS": "300"}).stdout
    line = next(ln for ln in listed.splitlines() if made.id in ln)
    assert f"for another notes folder: add --dir '{os.path.realpath(other)}'" in line
    rows = json.loads(runner.invoke(app, ["drafts", "--json"]).stdout)["drafts"]
    assert {r["client"]: r["notes"] for r in rows} == {"zed-q": "", "kit-b": str(other)}
