"""The core commands through the CLI: client, goal, list, show, check, path.

Each test runs the real Typer app, then looks at the files written (or not written).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
from datetime import date, datetime, timedelta
from pathlib import Path
from random import Random
from types import SimpleNamespace

import pytest
import typer.main

from otjournal.cli import app
from otjournal.cli.common import complete_client
from otjournal.disk.store import Journal
from otjournal.disk.tomlio import to_json_value
from otjournal.model import Goal, GoalRating, Session
from otjournal.model.fields import whole
from tests.conftest import TZ, make_client, make_session

FULL_CLIENT = [
    "client",
    "add",
    "mia-k",
    "--name",
    "Mia K.",
    "--dob",
    "2019-06-12",
    "--framework",
    "engine",
    "--comm",
    "speech",
    "--comm",
    "AAC",
    "--strength",
    "trains",
    "--strength",
    "swinging",
    "--caregiver",
    "Sarah:mother",
    "--caregiver",
    "Tom",
    "--plan-start",
    "2026-01-01",
    "--plan-end",
    "2026-12-31",
    "--funder",
    "NDIS",
]


def day(d: int, hour: int = 14) -> datetime:
    """A session start on 2026-03-<d> at <hour>:30, in the fixtures' time zone."""
    return datetime(2026, 3, d, hour, 30, tzinfo=TZ)


def local_days_ago(n: int) -> datetime:
    """Noon, local time, ``n`` days before today: relative dates depend on the real today."""
    noon = datetime.now().astimezone().replace(hour=12, minute=0, second=0, microsecond=0)
    return noon - timedelta(days=n)


def ids(result) -> list[str]:
    return [s["id"] for s in json.loads(result.stdout)["sessions"]]


# -- client add -------------------------------------------------------------------------


def test_client_add_writes_every_option(runner, notes):
    result = runner.invoke(app, FULL_CLIENT)
    assert result.exit_code == 0, result.output
    path = notes / "clients" / "mia-k" / "client.toml"
    assert "Added client mia-k" in result.stdout
    data = tomllib.loads(path.read_text("utf-8"))
    assert data == {
        "format_version": 1,
        "kind": "client",
        "handle": "mia-k",
        "display_name": "Mia K.",
        "date_of_birth": date(2019, 6, 12),
        "regulation_framework": "engine",
        "communication": ["speech", "AAC"],
        "strengths": ["trains", "swinging"],
        "caregivers": [{"name": "Sarah", "relationship": "mother"}, {"name": "Tom"}],
        "plan_period": {"start": date(2026, 1, 1), "end": date(2026, 12, 31), "funder": "NDIS"},
    }
    assert path.stat().st_mode & 0o777 == 0o600
    assert (notes / "clients" / "mia-k").stat().st_mode & 0o777 == 0o700


def test_client_add_defaults(runner, notes):
    result = runner.invoke(app, ["client", "add", "noah-t", "--name", "Noah"])
    assert result.exit_code == 0, result.output
    data = tomllib.loads((notes / "clients" / "noah-t" / "client.toml").read_text("utf-8"))
    assert data["regulation_framework"] == "zones"
    assert "plan_period" not in data and "caregivers" not in data and "goals" not in data


def test_client_add_prints_the_path_whole(runner, tmp_path):
    # A result line is something people copy: a long path must not be broken over lines.
    root = tmp_path / ("a-long-notes-folder-name-" * 3)
    result = runner.invoke(app, ["client", "add", "mia-k", "--name", "Mia", "--dir", str(root)])
    assert result.exit_code == 0, result.output
    assert str(root / "clients" / "mia-k" / "client.toml") in result.stdout


def test_client_add_refuses_a_duplicate_and_keeps_the_first_file(runner, notes):
    assert runner.invoke(app, FULL_CLIENT).exit_code == 0
    path = notes / "clients" / "mia-k" / "client.toml"
    before = path.read_bytes()
    result = runner.invoke(app, ["client", "add", "mia-k", "--name", "Someone else"])
    assert result.exit_code == 2, result.output
    assert "'mia-k' already exists" in result.stderr
    assert path.read_bytes() == before
    assert sorted(p.name for p in path.parent.iterdir()) == ["client.toml"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--framework", "colours"], "--framework must be one of zones, engine, window"),
        (["--dob", "2019-13-01"], "--dob must be a date"),
        (["--dob", "12/06/2019"], "--dob must be a date"),
        (["--plan-start", "2026-13-01", "--plan-end", "2026-12-31"], "--plan-start must be a date"),
        (["--plan-start", "2026-02-01", "--plan-end", "2026-01-31"], "--plan-end must not be"),
        (["--plan-start", "2026-02-01"], "give both --plan-start and --plan-end"),
        (["--caregiver", ":mother"], "--caregiver needs a name"),
    ],
)
def test_client_add_rejects_bad_options(runner, notes, args, message):
    result = runner.invoke(app, ["client", "add", "mia-k", "--name", "Mia", *args])
    assert result.exit_code == 2, result.output
    assert message in result.stderr
    assert not (notes / "clients" / "mia-k").exists()


@pytest.mark.parametrize("handle", ["Mia", "mia k", "-mia", "con", "a" * 41])
def test_client_add_rejects_a_bad_handle(runner, notes, handle):
    result = runner.invoke(app, ["client", "add", "--name", "Mia", "--", handle])
    assert result.exit_code == 2, result.output
    assert "client handle" in result.stderr or "reserved" in result.stderr
    assert not notes.exists()


def test_client_add_without_a_terminal_needs_a_name(runner, notes):
    result = runner.invoke(app, ["client", "add", "mia-k"])
    assert result.exit_code == 2, result.output
    assert "--name is required" in result.stderr
    assert not notes.exists()


def test_first_write_to_the_default_folder_creates_it(runner, isolated_home, monkeypatch):
    # A fresh install: no $OTJOURNAL_DIR and no ~/.local/share/otjournal yet.
    monkeypatch.delenv("OTJOURNAL_DIR")
    result = runner.invoke(app, ["client", "add", "mia-k", "--name", "Mia"])
    assert result.exit_code == 0, result.output
    root = isolated_home / "data" / "otjournal" / "journal"
    assert (root / "clients" / "mia-k" / "client.toml").is_file()
    assert root.stat().st_mode & 0o777 == 0o700


# -- client list / show -------------------------------------------------------------------


def test_client_list_empty_is_friendly(runner, notes):
    result = runner.invoke(app, ["client", "list"])
    assert result.exit_code == 0, result.output
    assert result.stdout == "No clients yet. Add one with: otj client add HANDLE --name NAME\n"
    assert not notes.exists()


def test_client_list_table(runner, journal):
    journal.add_client(make_client())
    journal.add_client(make_client("noah-t", display_name="Noah T.", goals=()))
    journal.add_session(make_session(start=day(5)))
    journal.add_session(make_session(start=day(12)))
    result = runner.invoke(app, ["client", "list"])
    assert result.exit_code == 0, result.output
    rows = [line.split() for line in result.stdout.splitlines()]
    assert rows[0] == ["client", "name", "goals", "sessions", "last", "seen"]
    assert rows[1] == ["mia-k", "Mia", "K.", "2", "2", "2026-03-12"]
    assert rows[2] == ["noah-t", "Noah", "T.", "0", "0", "–"]


def test_client_list_counts_the_sessions_that_took_place(runner, journal):
    """A missed or cancelled session is a note, not a session seen: the table counts
    and dates what took place, as the trends overview and 'due' do."""
    journal.add_client(make_client())
    journal.add_session(make_session(start=day(5)))
    journal.add_session(make_session(start=day(12), session_type="did-not-attend"))
    journal.add_session(make_session(start=day(19), session_type="cancelled"))
    result = runner.invoke(app, ["client", "list"])
    assert [line.split() for line in result.stdout.splitlines()][1] == [
        "mia-k",
        "Mia",
        "K.",
        "2",
        "1",
        "2026-03-05",
    ]
    trends = runner.invoke(app, ["trends", "--since", "2026-01-01", "--json"]).stdout
    [row] = json.loads(trends)["clients"]
    assert (row["sessions"], row["last_seen"]) == (1, "2026-03-05")
    [listed] = json.loads(runner.invoke(app, ["client", "list", "--json"]).stdout)["clients"]
    assert (listed["sessions"], listed["last_session"][:10]) == (3, "2026-03-19")  # notes
    assert (listed["sessions_held"], listed["last_seen"]) == (1, "2026-03-05")


def test_client_list_json(runner, journal):
    journal.add_client(make_client())
    journal.add_client(make_client("noah-t", display_name="Noah T.", goals=()))
    journal.add_session(make_session(start=day(12)))
    journal.add_session(make_session(start=day(5)))
    result = runner.invoke(app, ["client", "list", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["clients"] == [
        {
            "handle": "mia-k",
            "display_name": "Mia K.",
            "regulation_framework": "zones",
            "age_group": "child",
            "active_goals": 2,
            "sessions": 2,
            "last_session": "2026-03-12T14:30:00+10:00",
            "sessions_held": 2,
            "last_seen": "2026-03-12",
            "status": "in care",
            "discharged": None,
        },
        {
            "handle": "noah-t",
            "display_name": "Noah T.",
            "regulation_framework": "zones",
            "age_group": "child",
            "active_goals": 0,
            "sessions": 0,
            "last_session": None,
            "sessions_held": 0,
            "last_seen": None,
            "status": "in care",
            "discharged": None,
        },
    ]


def test_client_show_and_goal_list_say_a_note_was_left_out(runner, journal):
    """A session that does not read is left out of the counts and ratings: said on
    stderr, as 'list' and 'trends' say it (no note text, only where to look)."""
    journal.add_client(make_client())
    saved = journal.add_session(make_session(start=day(5)))
    saved.path.write_text("not = [toml", "utf-8")
    for args in (["client", "show", "mia-k"], ["goal", "list", "mia-k"]):
        result = runner.invoke(app, args)
        assert result.exit_code == 0, result.output
        assert "1 file could not be read and is left out; 'otj check' says where" in (
            result.stderr
        ), args


def test_client_show(runner, notes):
    assert runner.invoke(app, FULL_CLIENT).exit_code == 0
    result = runner.invoke(app, ["client", "show", "mia-k"])
    assert result.exit_code == 0, result.output
    for text in (
        "Mia K. (mia-k)",
        "born 2019-06-12",
        "regulation framework: engine",
        "communication: speech, AAC",
        "interests and strengths: trains, swinging",
        "caregiver: Sarah (mother)",
        "caregiver: Tom\n",
        "plan period: 2026-01-01 to 2026-12-31 (NDIS)",
        "sessions: 0 held\n",
        "none yet: otj goal add mia-k",
    ):
        assert text in result.stdout


def test_client_show_with_goals_and_sessions(runner, journal):
    journal.add_client(make_client())
    journal.add_session(make_session(start=day(5)))
    journal.add_session(make_session(start=day(12), goals=(GoalRating("g1", 1, "card alone"),)))
    result = runner.invoke(app, ["client", "show", "mia-k"])
    assert result.exit_code == 0, result.output
    assert "sessions: 2 held, last seen 2026-03-12" in result.stdout
    assert "g1  Laces shoes before kinder" in result.stdout
    assert "-2  hand-over-hand" in result.stdout
    assert "weight 1 · active · baseline not recorded" in result.stdout
    assert "latest interim GAS +1 on 2026-03-12 · last review –" in result.stdout
    # One that did not take place: said apart, as 'client list' counts only those held.
    journal.add_session(
        make_session(
            start=day(19), session_type="cancelled", duration_min=0, attendees=(), goals=()
        )
    )
    shown = runner.invoke(app, ["client", "show", "mia-k"], env={"COLUMNS": "200"}).stdout
    assert (
        "sessions: 2 held (and 1 other note: not held, or without the client), last seen 2026-03-12"
        in shown
    )
    listed = json.loads(runner.invoke(app, ["client", "list", "--json"]).stdout)["clients"]
    assert [(c["sessions_held"], str(c["last_seen"])) for c in listed] == [(2, "2026-03-12")]
    # Time without the client (a call to the GP) is no "seen", as 'due' counts it.
    journal.add_session(
        make_session(start=day(20), session_type="non-client", attendees=(), goals=())
    )
    listed = json.loads(runner.invoke(app, ["client", "list", "--json"]).stdout)["clients"]
    assert [(c["sessions_held"], str(c["last_seen"])) for c in listed] == [(2, "2026-03-12")]
    shown = runner.invoke(app, ["client", "show", "mia-k"], env={"COLUMNS": "200"}).stdout
    assert "sessions: 2 held (and 2 other notes: not held, or without the client)" in shown
    assert "weight 2 · active · baseline not recorded" in result.stdout
    assert "episode: no intake recorded · no review yet · in care" in result.stdout


def test_client_show_json(runner, journal):
    client = make_client(date_of_birth=date(2019, 6, 12))
    journal.add_client(client)
    result = runner.invoke(app, ["client", "show", "mia-k", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    written = to_json_value(client.to_dict())
    # The file's tables, each goal with every key and its ratings, and the episode.
    # ... and age_group as the tool decides it (here from the date of birth: a child).
    assert next(iter(data)) == "schema" and data["schema"] == "otjournal.client-show/1"
    shown = {k: v for k, v in data.items() if k not in ("schema", "goals", "episode", "age_group")}
    assert shown.items() >= {k: v for k, v in written.items() if k != "goals"}.items()
    # What the file leaves out because it is empty is there all the same, empty.
    assert {k: v for k, v in shown.items() if k not in written} == {
        "communication": [],
        "strengths": [],
        "caregivers": [],
        "people": [],
        "plan_period": None,
        "assignments": [],
        "hierarchy": [],
        "ndis_number": "",
        "primary_disability": "",
    }
    assert data["age_group"] == "child" and "age_group" not in written
    for shown, kept in zip(data["goals"], written["goals"], strict=True):
        assert shown.items() >= {k: v for k, v in kept.items() if k != "weight"}.items()
        assert shown["weight"] == kept.get("weight", 1) and shown["latest_interim"] is None
    assert data["date_of_birth"] == "2019-06-12"
    assert [g["id"] for g in data["goals"]] == ["g1", "g2"]
    assert data["episode"] == {
        "status": "in care",
        "intake": None,
        "last_review": None,
        "discharged": None,
        "discharge_reason": None,
    }


@pytest.mark.parametrize("cmd", [["client", "show"], ["goal", "list"], ["goal", "add"]])
def test_unknown_client_is_a_data_error_with_a_hint(runner, journal, cmd):
    journal.add_client(make_client())
    result = runner.invoke(app, [*cmd, "nobody"])
    assert result.exit_code == 1, result.output
    assert "no client 'nobody'" in result.stderr
    assert "hint: 'otj client list' shows the clients" in result.stderr


# -- goal add / list ----------------------------------------------------------------------


def test_goal_add_numbers_goals_and_saves_levels_and_copm(runner, notes):
    assert runner.invoke(app, ["client", "add", "mia-k", "--name", "Mia"]).exit_code == 0
    result = runner.invoke(
        app,
        [
            "goal",
            "add",
            "mia-k",
            "--text",
            "  Mia laces her shoes before kinder  ",
            "--baseline",
            "-2",
            "--weight",
            "2",
            "--level",
            "-2=needs hand-over-hand",
            "--level",
            "+1=laces with the card alone",
            "--copm-problem",
            "getting ready for kinder",
            "--copm-performance",
            "3",
            "--copm-satisfaction",
            "2",
        ],
    )
    assert result.exit_code == 0, result.output
    assert re.fullmatch(r"Added goal g1-[a-z2-9]{3} \(g1\) for mia-k\.\n", result.stdout)
    result = runner.invoke(
        app, ["goal", "add", "mia-k", "--text", "Calm-body plan at the bell", "--baseline", "-2"]
    )
    assert result.exit_code == 0, result.output
    assert re.fullmatch(r"Added goal g2-[a-z2-9]{3} \(g2\) for mia-k\.\n", result.stdout)

    data = tomllib.loads((notes / "clients" / "mia-k" / "client.toml").read_text("utf-8"))
    g1, g2 = data["goals"]
    assert g1["id"].startswith("g1-") and g2["id"].startswith("g2-")
    assert (g1["baseline"], g2["baseline"]) == (-2, -2)
    assert g1["baseline_on"] == g1["set_on"]
    assert g1["text"] == "Mia laces her shoes before kinder"
    assert g1["weight"] == 2
    assert g1["status"] == "active"
    assert abs((g1["set_on"] - date.today()).days) <= 1
    assert g1["levels"] == {"-2": "needs hand-over-hand", "+1": "laces with the card alone"}
    assert g1["copm"] == {
        "problem": "getting ready for kinder",
        "performance_t1": 3,
        "satisfaction_t1": 2,
        "t1_on": g1["set_on"],
    }
    assert g2["text"] == "Calm-body plan at the bell"
    assert "weight" not in g2 and "levels" not in g2 and "copm" not in g2
    assert data["display_name"] == "Mia"  # the rest of the profile survives the rewrite


def test_goal_add_skips_ids_in_use(runner, journal):
    journal.add_client(make_client(goals=(Goal("g2", "Uses calm-body plan"),)))
    result = runner.invoke(
        app, ["goal", "add", "mia-k", "--text", "Joins peer play", "--baseline", "-2"]
    )
    assert result.exit_code == 0, result.output
    client, _ = journal.read_client("mia-k")
    assert [g.number for g in client.goals] == ["g2", "g3"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--no-input"], "--text is required"),
        ([], "--text is required"),  # CliRunner's stdin is not a terminal
        (["--text", "x"], "--baseline is required"),
        (["--text", "x", "--no-input"], "--baseline is required"),
        (["--text", "x", "--baseline", "3"], "--baseline"),
        (["--text", "   "], "must not be empty"),
        (["--text", "x", "--level", "3=too high"], "--level takes LEVEL=DESCRIPTION"),
        (["--text", "x", "--level", "+1"], "--level takes LEVEL=DESCRIPTION"),
        (["--text", "x", "--level", "one=card"], "--level takes LEVEL=DESCRIPTION"),
        (["--text", "x", "--level", "0=  "], "--level takes LEVEL=DESCRIPTION"),
        (["--text", "x", "--copm-performance", "3"], "need --copm-problem"),
        (["--text", "x", "--weight", "0"], "--weight"),
        (["--text", "x", "--copm-problem", "p", "--copm-performance", "11"], "--copm-performance"),
    ],
)
def test_goal_add_usage_errors_leave_the_file_alone(runner, journal, args, message):
    journal.add_client(make_client())
    path = journal.client_file("mia-k")
    before = path.read_bytes()
    result = runner.invoke(app, ["goal", "add", "mia-k", *args])
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert path.read_bytes() == before


def test_goal_add_refuses_when_client_toml_changed_on_disk(runner, journal, monkeypatch):
    journal.add_client(make_client())
    path = journal.client_file("mia-k")
    read_client = Journal.read_client

    def read_then_someone_edits(self, handle):
        client, fingerprint = read_client(self, handle)
        with path.open("a", encoding="utf-8") as fh:  # another device, or an editor
            fh.write("\n# edited elsewhere\n")
        return client, fingerprint

    monkeypatch.setattr(Journal, "read_client", read_then_someone_edits)
    result = runner.invoke(
        app, ["goal", "add", "mia-k", "--text", "Joins peer play", "--baseline", "-2"]
    )
    assert result.exit_code == 1, result.output
    assert "changed on disk" in result.stderr
    assert "nothing was changed" in result.stderr
    assert path.read_text("utf-8").endswith("# edited elsewhere\n")
    assert "Joins peer play" not in path.read_text("utf-8")
    assert sorted(p.name for p in path.parent.iterdir()) == ["client.toml"]  # no temp left


@pytest.fixture
def rated(journal):
    journal.add_client(
        make_client(
            goals=(
                Goal("g1", "Laces shoes"),
                Goal("g2", "Calm-body plan", weight=2),
                Goal("g3", "Velcro shoes", status="achieved"),
            )
        )
    )
    journal.add_session(make_session(start=day(5), goals=(GoalRating("g1", -1),)))
    journal.add_session(make_session(start=day(19), goals=(GoalRating("g1", 1),)))
    journal.add_session(make_session(start=day(12), goals=(GoalRating("g1", 0),)))
    return journal


def test_goal_list_shows_active_goals_with_the_latest_rating(runner, rated):
    result = runner.invoke(app, ["goal", "list", "mia-k"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    rows = [line.split() for line in result.stdout.splitlines()]
    assert rows == [
        ["id", "goal", "weight", "status", "baseline", "interim", "review", "COPM"],
        [
            "g1",
            "Laces",
            "shoes",
            "1",
            "active",
            "not",
            "recorded",
            "+1",
            "on",
            "2026-03-19",
            "–",
            "–",
        ],
        ["g2", "Calm-body", "plan", "2", "active", "not", "recorded", "–", "–", "–"],
    ]


def test_goal_list_all_includes_goals_not_active(runner, rated):
    result = runner.invoke(app, ["goal", "list", "mia-k", "--all"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert [line.split()[0] for line in result.stdout.splitlines()] == ["id", "g1", "g2", "g3"]
    assert "achieved" in result.stdout


def test_goal_list_json(runner, rated):
    result = runner.invoke(app, ["goal", "list", "mia-k", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)["goals"]
    assert [(g["id"], g["latest_gas"]) for g in data] == [("g1", 1), ("g2", None)]
    assert data[1]["weight"] == 2
    result = runner.invoke(app, ["goal", "list", "mia-k", "--all", "--json"])
    assert [g["id"] for g in json.loads(result.stdout)["goals"]] == ["g1", "g2", "g3"]


def test_goal_list_without_goals(runner, journal):
    journal.add_client(make_client(goals=()))
    result = runner.invoke(app, ["goal", "list", "mia-k"])
    assert result.exit_code == 0, result.output
    assert result.stdout == "No goals yet: otj goal add mia-k\n"


def test_goal_list_when_no_goal_is_active_points_to_the_others(runner, journal):
    journal.add_client(make_client(goals=(Goal("g1", "Laces", status="achieved"),)))
    result = runner.invoke(app, ["goal", "list", "mia-k"])
    assert result.stdout == "No active goals (1 not active: otj goal list mia-k --all)\n"


# -- list ---------------------------------------------------------------------------------


def test_list_without_a_folder_says_so_and_creates_nothing(runner, notes):
    result = runner.invoke(app, ["list"])
    assert result.exit_code == 0, result.output
    assert result.stdout == "No sessions yet.\n"
    assert not notes.exists()


@pytest.mark.parametrize(
    "cmd",
    [
        ["list"],
        ["list", "--json"],
        ["client", "list"],
        ["client", "list", "--json"],
        ["check"],
        ["check", "--json"],
        ["path"],
        ["show", "abc"],
    ],
)
def test_read_commands_never_create_the_folder(runner, notes, cmd):
    runner.invoke(app, cmd)
    assert not notes.exists()


@pytest.fixture
def two_clients(journal):
    journal.add_client(make_client())
    journal.add_client(make_client("noah-t", display_name="Noah T."))
    saved = {}
    for d, who in ((1, "mia-k"), (10, "noah-t"), (20, "mia-k"), (15, "mia-k"), (25, "noah-t")):
        saved[(d, who)] = journal.add_session(make_session(who, start=day(d))).record.id
    return saved


def test_list_all_sessions_oldest_first(runner, two_clients):
    result = runner.invoke(app, ["list"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].split()[:3] == ["id", "client", "kind"]
    assert [line.split()[1] for line in lines[1:]] == [
        "mia-k",
        "noah-t",
        "mia-k",
        "mia-k",
        "noah-t",
    ]
    assert [line.split()[0][:10] for line in lines[1:]] == [
        "2026-03-01",
        "2026-03-10",
        "2026-03-15",
        "2026-03-20",
        "2026-03-25",
    ]


def test_list_json_has_ids_and_paths(runner, notes, two_clients):
    result = runner.invoke(app, ["list", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)["sessions"]
    assert len(data) == 5
    for item in data:
        path = Path(item["path"])
        assert path == notes / "clients" / item["client"] / "sessions" / f"{item['id']}.toml"
        assert path.is_file()
        assert tomllib.loads(path.read_text("utf-8"))["id"] == item["id"]


def test_list_one_client(runner, two_clients):
    result = runner.invoke(app, ["list", "noah-t", "--json"])
    assert result.exit_code == 0, result.output
    assert ids(result) == [two_clients[(10, "noah-t")], two_clients[(25, "noah-t")]]


@pytest.mark.parametrize(
    ("args", "days"),
    [
        (["--since", "2026-03-10"], [10, 15, 20, 25]),
        (["--until", "2026-03-10"], [1, 10]),
        (["--since", "2026-03-10", "--until", "2026-03-20"], [10, 15, 20]),
        (["--since", "2026-03-15", "--until", "2026-03-15"], [15]),
        (["--since", "2026-03-21", "--until", "2026-03-24"], []),
    ],
)
def test_list_iso_date_range_is_inclusive(runner, two_clients, args, days):
    result = runner.invoke(app, ["list", "--json", *args])
    assert result.exit_code == 0, result.output
    assert [int(i[8:10]) for i in ids(result)] == days


def test_list_no_match_says_so(runner, two_clients):
    result = runner.invoke(app, ["list", "--since", "2027-01-01"])
    assert result.exit_code == 0, result.output
    assert result.stdout == "No sessions match.\n"


@pytest.mark.parametrize(
    ("args", "ages"),
    [
        (["--since", "30d"], [5, 0]),
        (["--since", "8w"], [40, 5, 0]),
        (["--since", "6m"], [100, 40, 5, 0]),
        (["--until", "30d"], [400, 100, 40]),
        (["--since", "1y", "--until", "yesterday"], [100, 40, 5]),
        (["--since", "today"], [0]),
    ],
)
def test_list_relative_dates_count_back_from_today(runner, journal, args, ages):
    journal.add_client(make_client())
    by_id = {}
    for age in (400, 100, 40, 5, 0):
        by_id[journal.add_session(make_session(start=local_days_ago(age))).record.id] = age
    result = runner.invoke(app, ["list", "--json", *args])
    assert result.exit_code == 0, result.output
    assert [by_id[i] for i in ids(result)] == ages


@pytest.mark.parametrize(
    ("n", "days"), [("2", [20, 25]), ("1", [25]), ("0", []), ("9", [1, 10, 15, 20, 25])]
)
def test_list_last_n_keeps_the_latest_in_order(runner, two_clients, n, days):
    result = runner.invoke(app, ["list", "-n", n, "--json"])
    assert result.exit_code == 0, result.output
    assert [int(i[8:10]) for i in ids(result)] == days


def test_list_last_n_with_a_client(runner, two_clients):
    result = runner.invoke(app, ["list", "mia-k", "--last", "2", "--json"])
    assert result.exit_code == 0, result.output
    assert ids(result) == [two_clients[(15, "mia-k")], two_clients[(20, "mia-k")]]


def test_list_unknown_client(runner, two_clients):
    result = runner.invoke(app, ["list", "nobody"])
    assert result.exit_code == 1, result.output
    assert "no client 'nobody'" in result.stderr
    assert "hint:" in result.stderr


@pytest.mark.parametrize(
    "args", [["Bad Handle"], ["--since", "soon"], ["--until", "2026-02-30"], ["-n", "-1"]]
)
def test_list_usage_errors(runner, two_clients, args):
    result = runner.invoke(app, ["list", *args])
    assert result.exit_code == 2, result.output


def test_list_goes_on_past_a_broken_file(runner, journal, two_clients):
    bad = journal.client_dir("mia-k") / "sessions" / "2026-03-02_1000_zzzzz.toml"
    bad.write_text('id = "unterminated\n', encoding="utf-8")
    result = runner.invoke(app, ["list", "--json"])
    assert result.exit_code == 0, result.output
    assert len(ids(result)) == 5
    assert "1 file could not be read" in result.stderr
    assert "otj check" in result.stderr


# -- show ---------------------------------------------------------------------------------


@pytest.fixture
def shown(journal):
    journal.add_client(make_client())
    a = journal.add_session(make_session(start=day(5)))
    b = journal.add_session(make_session(start=day(12), goals=(GoalRating("g2", 2, "alone"),)))
    return a, b


def test_show_by_full_id(runner, shown):
    a, _ = shown
    result = runner.invoke(app, ["show", a.record.id])
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert out.startswith("Mia K. (mia-k) · 2026-03-05 14:30–15:15 · 45 min · therapy · clinic")
    assert f"id {a.record.id}" in out
    for heading in ("Goals addressed (interim GAS)", "Activities", "Affirming checklist", "Plan"):
        assert f"\n{heading}\n" in out
    assert "0 g1 Laces shoes before kinder" in out
    assert "homework [hw1] (practice, 5× a week): Lacing card" in out


@pytest.mark.parametrize("how", ["suffix", "prefix", "file name"])
def test_show_by_unique_part_of_the_id(runner, shown, how):
    _, b = shown
    sid = b.record.id
    wanted = {"suffix": sid[-5:], "prefix": sid[:10], "file name": f"{sid}.toml"}[how]
    result = runner.invoke(app, ["show", wanted, "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["id"] == sid


def test_show_ambiguous_prefix_names_the_matches(runner, shown):
    a, b = shown
    result = runner.invoke(app, ["show", "2026-03"])
    assert result.exit_code == 2, result.output
    assert "matches 2 sessions" in result.stderr
    assert a.record.id in result.stderr and b.record.id in result.stderr


def test_show_missing(runner, shown):
    result = runner.invoke(app, ["show", "zzzzz"])
    assert result.exit_code == 1, result.output
    assert "no session with id 'zzzzz'" in result.stderr
    assert "'otj list' shows session ids" in result.stderr


def test_show_json_round_trips_the_session(runner, shown):
    _, b = shown
    result = runner.invoke(app, ["show", b.record.id, "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data.pop("schema") == "otjournal.show/1"
    assert Path(data.pop("path")) == b.path
    assert data.pop("corrected") == {}  # no correction: nothing reads otherwise now
    # The note's table with every key: what the file leaves out is there, empty.
    assert data == to_json_value(whole(b.record))
    assert data["start"] == "2026-03-12T14:30:00+10:00"
    assert data["goals"] == [
        {
            "goal": "g2",
            "gas": 2,
            "evidence": "alone",
            "copm_performance": None,
            "copm_satisfaction": None,
        }
    ]
    assert data["risk"] is None and data["techniques"] == [] and data["late_entry"] is False
    written = tomllib.loads(b.path.read_text("utf-8"))
    assert data == to_json_value(whole(Session.from_dict(written)))
    scalars = {k: v for k, v in to_json_value(written).items() if not isinstance(v, list | dict)}
    assert scalars and all(data[k] == v for k, v in scalars.items())


# -- check --------------------------------------------------------------------------------


def test_check_clean_journal_is_silent(runner, journal):
    journal.add_client(make_client())
    journal.add_session(make_session())
    result = runner.invoke(app, ["check"])
    assert result.exit_code == 0, result.output
    assert result.output == ""


def test_check_without_a_folder_is_silent(runner, notes):
    result = runner.invoke(app, ["check"])
    assert result.exit_code == 0, result.output
    assert result.output == ""


def line_of(path: Path, text: str) -> int:
    """The line of a note that starts with ``text`` (first one)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(n for n, line in enumerate(lines, 1) if line.startswith(text))


def test_check_warns_about_a_goal_the_client_does_not_have(runner, journal):
    journal.add_client(make_client())
    saved = journal.add_session(make_session(goals=(GoalRating("g9", 1),)))
    result = runner.invoke(app, ["check"])
    assert result.exit_code == 0, result.output
    rel = saved.path.relative_to(journal.root)
    at = line_of(saved.path, 'goal = "g9"')  # the rating's own line, as any value's problem
    assert result.output.splitlines() == [
        f"{rel}:{at}:1: warning: goals[0].goal: 'g9' is not a goal of mia-k "
        "(hint: add it with 'otj goal add')"
    ]


def test_check_warns_about_a_goal_rated_before_it_was_set(runner, journal):
    """client.toml edited by hand (or synced) so a goal was set after a note rating it:
    a warning naming both days and the fix, on every run (remembered findings too)."""
    late = Goal("g1", "Laces shoes", set_on=date(2026, 3, 9))
    journal.add_client(make_client(goals=(late,)))
    saved = journal.add_session(make_session(goals=(GoalRating("g1", 1),)))  # 2026-03-05
    rel = saved.path.relative_to(journal.root)
    at = line_of(saved.path, 'goal = "g1"')
    for _ in range(2):
        result = runner.invoke(app, ["check"])
        assert result.exit_code == 0, result.output
        assert result.output.splitlines() == [
            f"{rel}:{at}:1: warning: goals[0].goal: 'g1' was set on 2026-03-09, after this note "
            "(2026-03-05) (hint: if it was set earlier: otj goal edit mia-k g1 --on DAY)"
        ]


def test_check_reports_a_broken_file_with_its_location(runner, journal):
    journal.add_client(make_client())
    journal.add_session(make_session())
    bad = journal.client_dir("mia-k") / "sessions" / "2026-03-02_1000_zzzzz.toml"
    fd = os.open(bad, os.O_WRONLY | os.O_CREAT, 0o600)
    os.write(fd, b'format_version = 1\nkind = "session"\nid = "x\n')
    os.close(fd)
    result = runner.invoke(app, ["check"])
    assert result.exit_code == 1, result.output
    lines = result.output.splitlines()
    assert len(lines) == 1
    assert re.match(
        r"clients/mia-k/sessions/2026-03-02_1000_zzzzz\.toml:3:\d+: error: not valid TOML",
        lines[0],
    )


def test_check_reports_every_invalid_field(runner, journal):
    journal.add_client(make_client())
    bad = journal.client_dir("mia-k") / "client.toml"
    text = bad.read_text("utf-8")
    text = text.replace('regulation_framework = "zones"', "regulation_framework = 3")
    bad.write_text(text, encoding="utf-8")
    result = runner.invoke(app, ["check"])
    assert result.exit_code == 1, result.output
    line = text.splitlines().index("regulation_framework = 3") + 1
    assert f"clients/mia-k/client.toml:{line}:1: error: regulation_framework" in result.output


def test_check_json(runner, journal):
    journal.add_client(make_client())
    journal.add_session(make_session())
    # The next day: two sessions at one time would add an overlap note (issue 12).
    later = datetime(2026, 3, 6, 14, 30, tzinfo=TZ)
    saved = journal.add_session(make_session(start=later, goals=(GoalRating("g9", 1),)))
    result = runner.invoke(app, ["check", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["ok"] is True
    assert (data["clients"], data["sessions"], data["homework"]) == (1, 2, 0)
    assert data["problems"] == [
        {
            "path": str(saved.path.relative_to(journal.root)),
            "line": line_of(saved.path, 'goal = "g9"'),
            "column": 1,
            "severity": "warning",
            "message": "goals[0].goal: 'g9' is not a goal of mia-k",
            "hint": "add it with 'otj goal add'",
        }
    ]


def test_check_json_with_an_error_exits_1(runner, journal):
    journal.add_client(make_client())
    bad = journal.client_dir("mia-k") / "sessions"
    bad.mkdir(mode=0o700)
    fd = os.open(bad / "2026-03-02_1000_zzzzz.toml", os.O_WRONLY | os.O_CREAT, 0o600)
    os.write(fd, b"not toml at all")
    os.close(fd)
    result = runner.invoke(app, ["check", "--json"])
    assert result.exit_code == 1, result.output
    data = json.loads(result.stdout)
    assert data["ok"] is False
    assert data["sessions"] == 0
    assert [p["severity"] for p in data["problems"]] == ["error"]


def test_check_warns_about_files_others_can_read(runner, journal):
    journal.add_client(make_client())
    saved = journal.add_session(make_session())
    saved.path.chmod(0o644)
    result = runner.invoke(app, ["check"])
    assert result.exit_code == 0, result.output
    rel = saved.path.relative_to(journal.root)
    assert result.output.splitlines() == [
        f"{rel}:1:1: warning: readable by others (mode 644) (hint: chmod 600 '{saved.path}')"
    ]


def test_check_warns_about_folders_others_can_read(runner, journal):
    journal.add_client(make_client())
    journal.client_dir("mia-k").chmod(0o755)
    result = runner.invoke(app, ["check"])
    assert result.exit_code == 0, result.output
    assert "clients/mia-k:1:1: warning: readable by others (mode 755)" in result.output
    assert "chmod 700" in result.output


# -- path ---------------------------------------------------------------------------------


def test_path_dir_option_beats_the_environment(runner, tmp_path):
    result = runner.invoke(app, ["path", "--dir", str(tmp_path / "elsewhere")])
    assert result.exit_code == 0, result.output
    assert result.stdout == f"{tmp_path / 'elsewhere'}\n"
    assert not (tmp_path / "elsewhere").exists()


def test_path_dir_option_expands_the_home_folder(runner, isolated_home):
    result = runner.invoke(app, ["path", "--dir", "~/notes"])
    assert result.exit_code == 0, result.output
    assert result.stdout == f"{isolated_home / 'notes'}\n"


def test_path_uses_otjournal_dir(runner, notes):
    result = runner.invoke(app, ["path"])
    assert result.exit_code == 0, result.output
    assert result.stdout == f"{notes}\n"
    assert not notes.exists()


@pytest.mark.parametrize("value", [None, "", "   "])
def test_path_falls_back_to_the_user_data_folder(runner, isolated_home, monkeypatch, value):
    if value is None:
        monkeypatch.delenv("OTJOURNAL_DIR")
    else:
        monkeypatch.setenv("OTJOURNAL_DIR", value)
    result = runner.invoke(app, ["path"])
    assert result.exit_code == 0, result.output
    path = Path(result.stdout.strip())
    assert path == isolated_home / "data" / "otjournal" / "journal"
    assert not (isolated_home / "data").exists()


# -- the app as a whole -------------------------------------------------------------------


def test_unknown_command_is_a_usage_error(runner):
    result = runner.invoke(app, ["frobnicate"])
    assert result.exit_code == 2
    assert "No such command 'frobnicate'" in result.output


def test_unknown_option_is_a_usage_error(runner):
    result = runner.invoke(app, ["list", "--frobnicate"])
    assert result.exit_code == 2


def _command_paths(command, prefix=()):
    yield prefix
    for name, sub in getattr(command, "commands", {}).items():
        yield from _command_paths(sub, (*prefix, name))


COMMANDS = list(_command_paths(typer.main.get_command(app)))


def test_every_command_is_walked():
    assert {" ".join(p) for p in COMMANDS} >= {
        "",
        "client",
        "client add",
        "client list",
        "client show",
        "goal",
        "goal add",
        "goal list",
        "path",
        "list",
        "show",
        "check",
        "demo",
    }


@pytest.mark.parametrize("path", COMMANDS, ids=lambda p: " ".join(p) or "otj")
@pytest.mark.parametrize("flag", ["--help", "-h"])
def test_help_works_for_every_command(runner, notes, path, flag):
    result = runner.invoke(app, [*path, flag])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"Usage: otj {' '.join(path)}".rstrip())
    assert not notes.exists()


def test_python_dash_m(notes):
    result = subprocess.run(
        [sys.executable, "-m", "otjournal", "--help"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Usage: otj ")
    assert "client" in result.stdout and "check" in result.stdout


@pytest.mark.parametrize("script", ["otj", "otjournal"])
def test_console_scripts(notes, script):
    exe = shutil.which(script)
    if exe is None:
        pytest.skip(f"{script} is not on PATH")
    result = subprocess.run([exe, "--help"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "session journal for therapy" in result.stdout
    result = subprocess.run([exe, "path"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"{notes}\n"


# -- shell completion ---------------------------------------------------------------------


def test_complete_client_offers_matching_handles(journal):
    for handle in ("mia-k", "mia-z", "noah-t"):
        journal.add_client(make_client(handle))
    ctx = SimpleNamespace(params={"dir": None})
    assert complete_client(ctx, "mi") == ["mia-k", "mia-z"]
    assert complete_client(ctx, "") == ["mia-k", "mia-z", "noah-t"]
    assert complete_client(ctx, "x") == []


def test_complete_client_follows_the_dir_option(tmp_path, journal):
    journal.add_client(make_client("mia-k"))
    other = Journal(tmp_path / "other")
    other.add_client(make_client("mark-b"))
    ctx = SimpleNamespace(params={"dir": other.root})
    assert complete_client(ctx, "m") == ["mark-b"]


def test_complete_client_without_a_folder(tmp_path, notes):
    ctx = SimpleNamespace(params={})
    assert complete_client(ctx, "") == []
    assert complete_client(SimpleNamespace(params={"dir": tmp_path / "none"}), "") == []
    assert not notes.exists()


# -- notes are shown as written ------------------------------------------------------------


def test_brackets_and_emoji_codes_in_notes_are_shown_as_written(runner, notes):
    """Rich would read "[sic]" as a style tag (and drop it) and ":sob:" as an emoji: a
    note must be shown exactly as it was written, wherever it appears."""
    name, goal = "Mia [sic] :sob:", "Asks with [AAC] device [b]unprompted[/b] :smile:"
    assert runner.invoke(app, ["client", "add", "mia-k", "--name", name]).exit_code == 0
    assert (
        runner.invoke(app, ["goal", "add", "mia-k", "--text", goal, "--baseline", "-2"]).exit_code
        == 0
    )
    for args in (["client", "list"], ["client", "show", "mia-k"], ["goal", "list", "mia-k"]):
        result = runner.invoke(app, args, env={"COLUMNS": "200"})
        assert result.exit_code == 0, result.output
        shown = " ".join(result.stdout.split())
        assert (goal if args[0] == "goal" else name) in shown, args
        if args[1] == "show":
            assert goal in shown
        assert "😭" not in shown and "😄" not in shown


def test_check_notes_a_note_dated_later_than_today(runner, journal, clock):
    # The commands refuse a time later than now; a file can still come from a hand
    # edit, an import or a device whose clock was wrong.
    journal.add_client(make_client())
    journal.add_session(make_session())  # 2026-03-05: before the clock's day
    later = journal.add_session(make_session(start=datetime(2026, 3, 20, 9, tzinfo=TZ)))
    result = runner.invoke(app, ["check"])
    assert result.exit_code == 0, result.output
    rel = later.path.relative_to(journal.root)
    lines = later.path.read_text(encoding="utf-8").splitlines()
    at = next(n for n, line in enumerate(lines, 1) if line.startswith("start ="))
    assert at > 1  # said at the date's own line, as every value's problem is
    assert result.output.splitlines() == [
        f"{rel}:{at}:1: warning: start: dated 2026-03-20, later than today "
        "(hint: if the date is wrong, correct it)"
    ]


def test_check_warns_when_one_homework_id_names_two_homeworks(runner, journal, clock):
    from dataclasses import replace

    from otjournal.model import Assignment

    journal.add_client(make_client())
    first = make_session(start=datetime(2026, 3, 1, 9, tzinfo=TZ))
    again = make_session(start=datetime(2026, 3, 3, 9, tzinfo=TZ))  # the same hw1 again
    other = make_session(start=datetime(2026, 3, 5, 9, tzinfo=TZ))
    other = replace(
        other, plan=replace(other.plan, homework=(Assignment("hw1", "Bag packing", "practice", 2),))
    )
    for s in (first, again):
        journal.add_session(s)
    saved = journal.add_session(other)
    result = runner.invoke(app, ["check"])
    assert result.exit_code == 0, result.output
    (line,) = result.output.splitlines()  # the same homework set again is not said
    rel = saved.path.relative_to(journal.root)
    assert line.startswith(f"{rel}:1:1: warning: plan.homework: 'hw1' is also the id of other")
    assert first.id in line


def test_check_json_with_a_note_fits_its_schema(runner, journal):
    """Overlapping sessions are a note: its severity is one the schema allows."""
    import jsonschema

    from tests.conftest import REPO

    journal.add_client(make_client())
    journal.add_session(make_session())
    journal.add_session(make_session(start=datetime(2026, 3, 5, 14, 45, tzinfo=TZ)))
    data = json.loads(runner.invoke(app, ["check", "--json"]).stdout)
    assert "note" in {p["severity"] for p in data["problems"]}
    schema = json.loads((REPO / "docs" / "schemas" / "check.json").read_text())
    jsonschema.validate(data, schema, cls=jsonschema.Draft202012Validator)


def test_a_start_shared_by_two_clients_notes_of_one_id_names_each_with_its_client(runner, notes):
    """Two clients' notes with one id (written in the same minute): a start of the id
    matches both; each is named as it can be asked for, CLIENT/ID, and nothing is said
    to be left out when nothing is."""
    j = Journal(notes)
    start = datetime(2026, 3, 5, 14, 30, tzinfo=TZ)
    for handle in ("mia-k", "noah-t"):
        j.add_client(make_client(handle))
        saved = j.add_session(make_session(handle, start=start), rng=Random(7))
    sid = saved.record.id
    result = runner.invoke(app, ["show", "2026-03-05_1430"])
    assert result.exit_code == 2, result.output
    assert f"matches 2 sessions (mia-k/{sid}, noah-t/{sid}): be more exact" in result.stderr
    assert "or its client and the whole id: CLIENT/ID" in result.stderr
    shown_ = runner.invoke(app, ["show", f"noah-t/{sid}", "--json"])
    assert json.loads(shown_.stdout)["client"] == "noah-t"
