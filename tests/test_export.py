"""``otj export``: flat CSV / JSON tables, their columns (docs/export.md), filters."""

from __future__ import annotations

import csv
import io
import json
import re
import tomllib
from datetime import date, datetime
from pathlib import Path
from random import Random

import pytest

from otjournal.cli import app
from otjournal.disk.store import Journal
from otjournal.model import (
    Activity,
    ChecklistAnswer,
    Emotion,
    Goal,
    GoalRating,
    HomeworkEntry,
    MoodCheck,
    Plan,
    Practice,
    Regulation,
    Relaxation,
    Thought,
    ThoughtRecord,
)
from otjournal.model.vocab import CHECKLIST
from tests.conftest import REPO, TZ, make_client, make_session
from tests.helpers import Runner

BOM = b"\xef\xbb\xbf"
TABLES = ("sessions", "goals", "checklist", "homework")  # one row per dated record
OUTCOME_TABLES = ("goal-list", "reviews", "assessments")  # tests/test_outcomes.py too
PER_CLIENT_TABLES = ("homework-plan", "supports")  # tests/test_counts.py too
DEMO_END = "2026-06-30"


def doc_columns() -> dict[str, list[str]]:
    """Each "## `table`" of docs/export.md and the column names of its table."""
    text = (REPO / "docs" / "export.md").read_text(encoding="utf-8")
    out: dict[str, list[str]] = {}
    for part in re.split(r"^## ", text, flags=re.MULTILINE)[1:]:
        heading, _, body = part.partition("\n")
        name = heading.strip().strip("`")
        out[name] = re.findall(r"^\| `([^`]+)` \|", body, flags=re.MULTILINE)
    return out


def test_the_doc_lists_the_nine_tables():
    cols = doc_columns()
    assert list(cols) == [*TABLES, *OUTCOME_TABLES, *PER_CLIENT_TABLES]
    assert all(len(c) >= 7 for c in cols.values())
    assert cols["sessions"][:3] == ["session_id", "client", "date"]


def test_the_per_client_tables_have_the_documented_columns():
    from otjournal.numbers.export import TABLES as CODE

    cols = doc_columns()
    assert [t for t in CODE if t in PER_CLIENT_TABLES] == list(PER_CLIENT_TABLES)
    for table in PER_CLIENT_TABLES:
        assert cols[table] == [c for c, _ in CODE[table]], table


def export(runner: Runner, *args: str):
    result = runner.invoke(app, ["export", *args])
    assert "Traceback" not in result.output
    return result


def read_csv(data: bytes) -> tuple[list[str], list[dict[str, str]]]:
    reader = csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline=""))
    rows = list(reader)
    return list(reader.fieldnames or []), rows


def cell(value) -> str:
    """How a JSON value is written as a CSV cell (docs: empty means not recorded)."""
    if value is None:
        return ""
    if value is True or value is False:
        return "true" if value else "false"
    return str(value)


def answers(**over: str) -> tuple[ChecklistAnswer, ...]:
    return tuple(ChecklistAnswer(k, over.get(k.replace("-", "_"), "yes"), t) for k, t in CHECKLIST)


def entry(client: str, when: datetime, kind: str, **parts) -> HomeworkEntry:
    return HomeworkEntry(
        id="",
        client=client,
        entry_kind=kind,
        at=when,
        written_by="Sarah (mum)",
        written_at=when,
        **parts,
    )


def at(month: int, day: int, hour: int = 10) -> datetime:
    return datetime(2026, month, day, hour, 0, tzinfo=TZ)


# -- a small journal: 2 clients, 5 sessions, 7 goal ratings, 4 homework entries ---------


@pytest.fixture
def small(notes: Path) -> Journal:
    j = Journal(notes)
    j.add_client(make_client("mia-k"))  # g1, g2 (weight 2)
    j.add_client(make_client("sam-r", display_name="Sam R.", goals=(Goal("g1", "Cooks"),)))
    sessions = [
        make_session(
            "mia-k",
            at(3, 5),
            goals=(GoalRating("g1", -1, 'Laced two holes, said "again"'), GoalRating("g2", -2)),
            checklist=answers(caregiver="partly", agile="no"),
        ),
        make_session(
            "mia-k",
            at(3, 12),
            duration_min=60,
            setting="home",
            attendees=("child", "parent", "sibling"),
            goals=(GoalRating("g1", 0, "Laced with the card;\nthen alone"), GoalRating("g2", None)),
            checklist=answers(caregiver="n-a")[:5],  # five answers only
            regulation=None,
            activities=(
                Activity("Swing", 10, movement_sensory=True),
                Activity("Lacing", 10, child_led=True, adapted=True, adaptation="bigger holes"),
            ),
            plan=Plan(),
        ),
        make_session("mia-k", at(4, 2), goals=(GoalRating("g1", 1),), checklist=()),
        make_session(
            "sam-r",
            at(3, 6),
            attendees=("client",),
            goals=(GoalRating("g1", 0, "Cooked pasta"),),
            regulation=Regulation("zones", "yellow", ""),
            checklist=answers(interests="unsure"),
        ),
        make_session(
            "sam-r",
            at(4, 20),
            attendees=("client",),
            session_type="review",
            setting="telehealth",
            goals=(GoalRating("g1", 1),),
        ),
    ]
    for i, s in enumerate(sessions):
        j.add_session(s, rng=Random(i))
    for i, e in enumerate(
        [
            entry(
                "mia-k",
                at(3, 6, 8),
                "practice",
                assignment="hw1",
                practice=Practice("yes", mastery=7, mood_before=4, mood_after=6),
            ),
            entry(
                "mia-k",
                at(3, 20, 8),
                "relaxation",
                relaxation=Relaxation("balloon breaths", 5, 7, 3),
            ),
            entry(
                "sam-r",
                at(3, 8, 20),
                "thought-record",
                thought_record=ThoughtRecord(
                    "Burnt the rice",
                    (Emotion("embarrassed", 80, 40), Emotion("cross", 50, 30)),
                    (Thought("I can't cook", 90, hot=True),),
                    balanced_thought="I cooked pasta fine",
                    balanced_belief=70,
                ),
            ),
            entry("sam-r", at(4, 21, 20), "mood-check", mood=MoodCheck(6, 7.5)),
        ]
    ):
        j.add_homework(e, rng=Random(100 + i))
    return j


EXPECTED_ROWS = {
    "sessions": 5,
    "goals": 7,
    "checklist": 7 + 5 + 0 + 7 + 7,
    "homework": 4,
    "goal-list": 2 + 1,  # mia-k g1, g2; sam-r g1
    "reviews": 1,  # sam-r's review rated g1
    "assessments": 0,  # no intake recorded
}


@pytest.mark.parametrize("table", [*TABLES, *OUTCOME_TABLES])
def test_csv_columns_are_the_documented_ones_and_rows_as_many_as_records(runner, small, table):
    result = export(runner, "--table", table)
    assert result.exit_code == 0, result.output
    assert not result.stdout_bytes.startswith(BOM)
    header, rows = read_csv(result.stdout_bytes)
    assert header == doc_columns()[table]
    assert len(rows) == EXPECTED_ROWS[table]
    assert result.stdout_bytes.count(b"\r\n") >= len(rows) + 1


@pytest.mark.parametrize("table", [*TABLES, *OUTCOME_TABLES])
def test_json_has_the_same_columns_and_rows_as_csv(runner, small, table):
    data = json.loads(export(runner, "--table", table, "--format", "json").stdout)
    assert list(data) == ["columns", "rows"]
    assert data["columns"] == doc_columns()[table]
    header, rows = read_csv(export(runner, "--table", table).stdout_bytes)
    assert len(data["rows"]) == len(rows)
    for from_json, from_csv in zip(data["rows"], rows, strict=True):
        assert list(from_json) == header
        assert {k: cell(v) for k, v in from_json.items()} == from_csv


@pytest.mark.parametrize("table", [*TABLES, *OUTCOME_TABLES])
def test_bom_for_excel_and_read_back(runner, small, table):
    result = export(runner, "--table", table, "--bom")
    assert result.exit_code == 0, result.output
    raw = result.stdout_bytes
    assert raw.startswith(BOM)
    assert not raw[3:].startswith(BOM)
    header, rows = read_csv(raw)
    assert header == doc_columns()[table]
    assert rows == read_csv(export(runner, "--table", table).stdout_bytes)[1]


def test_session_rows_carry_the_notes_values(runner, small):
    _, rows = read_csv(export(runner).stdout_bytes)
    assert [(r["client"], r["date"]) for r in rows] == [
        ("mia-k", "2026-03-05"),
        ("sam-r", "2026-03-06"),
        ("mia-k", "2026-03-12"),
        ("mia-k", "2026-04-02"),
        ("sam-r", "2026-04-20"),
    ]
    first, _, second, third, review = rows
    assert re.fullmatch(r"2026-03-05_1000_[a-z0-9]{5}", first["session_id"])
    assert first["start"] == "2026-03-05T10:00:00+10:00"
    assert first["duration_min"] == "45"
    assert first["attendees"] == "child; parent"
    assert first["late_entry"] == "false"
    assert first["goals_rated"] == "2"
    # g1 -1 (w 1), g2 -2 (w 2): T = 50 - 50/√(0.7·5 + 0.3·9) = 29.92
    assert first["gas_tscore"] == "29.92"
    assert (first["checklist_agile"], first["checklist_caregiver"]) == ("no", "partly")
    assert (first["regulation_start"], first["regulation_end"]) == ("yellow", "green")
    assert first["homework_assigned"] == "1"
    # one rated goal (g2 addressed, not rated): T = 50 + 10·0 = 50; nothing recorded is empty
    assert (second["goals_rated"], second["gas_tscore"]) == ("1", "50.0")
    assert second["attendees"] == "child; parent; sibling"
    assert (second["regulation_framework"], second["regulation_start"]) == ("", "")
    assert (second["checklist_caregiver"], second["checklist_safety"]) == ("n-a", "")
    assert (second["activities"], second["activities_adapted"]) == ("2", "1")
    assert (second["activities_movement_sensory"], second["activities_child_led_or_interest"]) == (
        "1",
        "1",
    )
    assert third["checklist_interests"] == ""
    assert (review["session_type"], review["setting"]) == ("review", "telehealth")


def test_dates_are_iso_8601(runner, small):
    moments = set()
    for table in TABLES:
        _, rows = read_csv(export(runner, "--table", table).stdout_bytes)
        assert rows, table
        for row in rows:
            assert re.fullmatch(r"\d{4}-\d\d-\d\d", row["date"])
            date.fromisoformat(row["date"])
            for key in ("start", "written_at", "at"):
                if key in row:
                    moments.add(key)
                    moment = datetime.fromisoformat(row[key])
                    assert moment.tzinfo is not None
                    assert moment.date().isoformat() == row["date"] or key == "written_at"
    assert moments == {"start", "written_at", "at"}, "every time column was checked"


def test_goal_checklist_and_homework_rows(runner, small):
    _, goals = read_csv(export(runner, "--table", "goals").stdout_bytes)
    mia = [g for g in goals if g["client"] == "mia-k"]
    assert [(g["date"], g["goal"], g["gas"]) for g in mia] == [
        ("2026-03-05", "g1", "-1"),
        ("2026-03-05", "g2", "-2"),
        ("2026-03-12", "g1", "0"),
        ("2026-03-12", "g2", ""),  # addressed, not rated
        ("2026-04-02", "g1", "1"),
    ]
    assert mia[0]["evidence"] == 'Laced two holes, said "again"'
    assert mia[2]["evidence"] == "Laced with the card;\nthen alone"
    assert (mia[1]["goal_text"], mia[1]["weight"]) == ("Uses calm-body plan", "2")

    _, checklist = read_csv(export(runner, "--table", "checklist").stdout_bytes)
    first = [c for c in checklist if c["date"] == "2026-03-05"]
    assert [c["item"] for c in first] == [k for k, _ in CHECKLIST]
    assert {c["item"]: c["answer"] for c in first}["agile"] == "no"
    assert first[0]["text"] == CHECKLIST[0][1]

    _, homework = read_csv(export(runner, "--table", "homework").stdout_bytes)
    kinds = {h["entry_kind"]: h for h in homework}
    assert set(kinds) == {"practice", "relaxation", "thought-record", "mood-check"}
    p = kinds["practice"]
    assert (p["assignment"], p["done"], p["mastery"], p["mood_after"]) == ("hw1", "yes", "7", "6")
    assert p["technique"] == ""
    r = kinds["relaxation"]
    assert (r["technique"], r["minutes"], r["tension_before"], r["tension_after"]) == (
        "balloon breaths",
        "5",
        "7",
        "3",
    )
    assert " / " in r["tension_anchors"]
    t = kinds["thought-record"]
    assert t["emotions"] == "embarrassed; cross"
    assert (t["emotion_before_mean"], t["emotion_after_mean"]) == ("65.0", "35.0")
    assert (t["hot_thought_belief"], t["balanced_belief"]) == ("90", "70")
    m = kinds["mood-check"]
    assert (m["mood"], m["sleep_hours"]) == ("6", "7.5")


@pytest.mark.parametrize(
    ("args", "table", "expected"),
    [
        (["--client", "mia-k"], "sessions", 3),
        (["--client", "sam-r"], "goals", 2),
        (["--since", "2026-03-12"], "sessions", 3),  # inclusive
        (["--until", "2026-03-12"], "sessions", 3),  # inclusive
        (["--since", "2026-03-06", "--until", "2026-03-12"], "goals", 3),
        (["--client", "mia-k", "--since", "2026-04-01"], "checklist", 0),
        (["--client", "mia-k", "--until", "2026-03-05"], "checklist", 7),
        (["--client", "sam-r"], "homework", 2),
        (["--since", "2026-03-20"], "homework", 2),
        (["--client", "mia-k", "--until", "2026-03-10"], "homework", 1),
    ],
)
def test_filters(runner, small, args, table, expected):
    result = export(runner, "--table", table, *args)
    assert result.exit_code == 0, result.output
    _, rows = read_csv(result.stdout_bytes)
    assert len(rows) == expected
    client = args[args.index("--client") + 1] if "--client" in args else None
    for row in rows:
        assert client is None or row["client"] == client
        if "--since" in args:
            assert row["date"] >= args[args.index("--since") + 1]
        if "--until" in args:
            assert row["date"] <= args[args.index("--until") + 1]
    data = json.loads(export(runner, "--table", table, "--format", "json", *args).stdout)
    assert len(data["rows"]) == expected


def test_output_file_is_new_and_never_overwritten(runner, small, tmp_path):
    target = tmp_path / "sessions.csv"
    result = export(runner, "-o", str(target))
    assert result.exit_code == 0, result.output
    assert "Wrote 5 rows to" in result.stdout
    one = export(
        runner, "--table", "goal-list", "--client", "sam-r", "-o", str(tmp_path / "one.csv")
    )
    assert "Wrote 1 row to" in one.stdout, one.output
    assert target.read_bytes() == export(runner).stdout_bytes
    target.write_bytes(b"keep me")
    result = export(runner, "-o", str(target), "--table", "goals")
    assert result.exit_code != 0
    assert "exists" in result.output
    assert target.read_bytes() == b"keep me"


def test_bad_options_fail_cleanly(runner, small):
    for args, message in (
        (["--format", "xlsx"], "csv or json"),
        (["--table", "clients"], "sessions, goals, checklist, homework"),
        (["--since", "someday"], "is not a date"),
        (["--client", "Not A Handle"], "client handle"),
    ):
        result = export(runner, *args)
        assert result.exit_code != 0, args
        assert message in result.output, (args, result.output)


def test_an_unknown_client_is_an_error_not_an_empty_table(runner, small):
    """Like ``otj trends nobody`` and ``otj report nobody``: say there is no such client,
    instead of an empty table and a warning about a file that "could not be read"."""
    result = export(runner, "--client", "nobody")
    assert result.exit_code != 0, result.output
    assert "no client 'nobody'" in result.output


# -- the demo journal: counts checked against the TOML files themselves ---------------------


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("export-demo")
    root = base / "demo"
    result = Runner().invoke(
        app,
        ["demo", "-q", "--dir", str(root), "--seed", "3", "--end", DEMO_END],
        env={"HOME": str(base), "OTJOURNAL_DIR": str(base / "unused")},
    )
    assert result.exit_code == 0, result.output
    return root


def records(root: Path, kind: str, client: str = "*") -> list[dict]:
    return [
        tomllib.loads(p.read_text(encoding="utf-8"))
        for p in sorted(root.glob(f"clients/{client}/{kind}/*.toml"))
    ]


def clients(root: Path) -> list[dict]:
    return [
        tomllib.loads(p.read_text(encoding="utf-8"))
        for p in sorted(root.glob("clients/*/client.toml"))
    ]


def test_demo_row_counts_match_the_files(runner, demo):
    sessions = records(demo, "sessions")
    homework = records(demo, "homework")
    expected = {
        "sessions": len(sessions),
        "goals": sum(len(s.get("goals", [])) for s in sessions),
        "checklist": sum(len(s.get("checklist", [])) for s in sessions),
        "homework": len(homework),
        "goal-list": sum(len(c.get("goals", [])) for c in clients(demo)),
        "reviews": sum(len(s.get("goals", [])) for s in sessions if s["session_type"] == "review"),
        "assessments": sum(
            max(1, len(a.get("scores", {})))
            for s in sessions
            for a in s.get("intake", {}).get("assessments", [])
        ),
    }
    assert expected["sessions"] > 50 and expected["homework"] > 50
    for table in [*TABLES, *OUTCOME_TABLES]:
        result = export(runner, "--dir", str(demo), "--table", table)
        assert result.exit_code == 0, result.output
        header, rows = read_csv(result.stdout_bytes)
        assert header == doc_columns()[table]
        assert len(rows) == expected[table], table
    ids = {s["id"] for s in sessions}
    _, rows = read_csv(export(runner, "--dir", str(demo)).stdout_bytes)
    assert {r["session_id"] for r in rows} == ids


def test_demo_filtered_counts_match_the_files(runner, demo):
    since, until = date(2026, 2, 1), date(2026, 4, 30)
    sessions = [
        s for s in records(demo, "sessions", "mia-k") if since <= s["start"].date() <= until
    ]
    result = export(
        runner,
        "--dir",
        str(demo),
        "--table",
        "goals",
        "--client",
        "mia-k",
        "--since",
        str(since),
        "--until",
        str(until),
        "--format",
        "json",
    )
    data = json.loads(result.stdout)
    assert len(data["rows"]) == sum(len(s.get("goals", [])) for s in sessions)
    assert {r["session_id"] for r in data["rows"]} <= {s["id"] for s in sessions}


@pytest.mark.pty
def test_an_export_shown_in_a_terminal_obeys_no_control_character(journal: Journal):
    """A note's text can hold an escape (clear the screen, retitle the window): `otj
    export` to a terminal shows it as `\\x1b` in CSV and as JSON's own escape (the same
    data) in JSON, as every other screen does; piped or written to a file, the text is
    exact."""
    from otjournal.model import Assignment, Plan
    from tests.terminal import Pty

    hostile = "Évite \x1b[2J\x1b]0;pwned\x07 \u202eשלום\x9b"
    plan = Plan("Laces", "", (Assignment("hw-k3x", hostile, "practice", 3),))
    journal.add_client(make_client())
    journal.add_session(make_session(plan=plan), durable=False)
    args = ("export", "--table", "homework-plan")
    shown = Pty(*args).finish()
    assert "\x1b" not in shown and "\x07" not in shown and "\u202e" not in shown
    assert "Évite \\x1b[2J\\x1b]0;pwned\\x07 \\u202eשלום\\x9b" in shown
    shown = Pty(*args, "--format", "json").finish()
    assert not {"\x1b", "\x07", "\u202e", "\x9b"} & set(shown)
    assert json.loads(shown)["rows"][0]["text"] == hostile
    piped = Runner().invoke(app, list(args))
    assert hostile in piped.stdout
    piped = Runner().invoke(app, [*args, "--format", "json"])
    assert json.loads(piped.stdout)["rows"][0]["text"] == hostile
