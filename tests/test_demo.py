"""``otj demo``: a deterministic, fictional journal that passes ``otj check``."""

from __future__ import annotations

import tempfile
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

import pytest

from otjournal.cli import app
from otjournal.disk.store import Journal
from tests.helpers import Runner, tree

END = "2026-06-30"


def demo(runner: Runner, root: Path, *args: str) -> Path:
    result = runner.invoke(app, ["demo", "--dir", str(root), "--end", END, "-q", *args])
    assert result.exit_code == 0, result.output
    assert result.stdout == f"{root}\n"
    return root


def assert_check_is_silent(runner: Runner, root: Path) -> None:
    result = runner.invoke(app, ["check", "--dir", str(root)])
    assert result.exit_code == 0, result.output
    assert result.output == ""


@pytest.fixture(scope="module")
def seed3(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One demo journal (seed 3), shared by the tests that only read it."""
    base = tmp_path_factory.mktemp("demo")
    env = {"OTJOURNAL_DIR": str(base / "unused"), "HOME": str(base)}
    root = base / "seed3"
    result = Runner().invoke(
        app, ["demo", "--dir", str(root), "--seed", "3", "--end", END, "-q"], env=env
    )
    assert result.exit_code == 0, result.output
    assert not (base / "unused").exists()
    return root


def test_same_seed_gives_the_same_files_byte_for_byte(runner, tmp_path, seed3):
    again = demo(runner, tmp_path / "again", "--seed", "3")
    first, second = tree(seed3), tree(again)
    # The seal logs say when and on which device each note was sealed: not demo content.
    for t in (first, second):
        logs = [k for k in t if k.startswith(".otjournal/seals/")]
        assert len(logs) == 1
        del t[logs[0]]
    assert len(first) > 100
    assert first == second


def test_another_seed_gives_another_journal(runner, tmp_path, seed3):
    other = tree(demo(runner, tmp_path / "other", "--seed", "4"))
    first = tree(seed3)
    assert other != first
    assert set(other) != set(first)  # new ids, not just new text
    assert_check_is_silent(runner, tmp_path / "other")


def test_demo_journal_passes_check(runner, seed3):
    assert_check_is_silent(runner, seed3)


def test_default_writes_into_a_new_temp_folder(runner, tmp_path, notes, monkeypatch):
    temp = tmp_path / "tmp"
    temp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    result = runner.invoke(app, ["demo", "--end", END, "-q"])
    assert result.exit_code == 0, result.output
    root = Path(result.stdout.strip())
    assert root.parent == temp
    assert root.name.startswith("otjournal-demo-")
    assert root.stat().st_mode & 0o777 == 0o700
    assert sorted(p.name for p in (root / "clients").iterdir()) == [
        "ava-l",
        "mia-k",
        "noah-t",
        "sam-r",
    ]
    assert not notes.exists()  # never into $OTJOURNAL_DIR
    assert_check_is_silent(runner, root)


def test_default_folder_is_new_each_time(runner, tmp_path, monkeypatch):
    temp = tmp_path / "tmp"
    temp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    for _ in range(2):
        result = runner.invoke(app, ["demo", "--end", END, "-q", "--sessions", "4"])
        assert result.exit_code == 0, result.output
    assert len(list(temp.iterdir())) == 2


def test_refuses_a_folder_that_is_not_empty(runner, tmp_path):
    root = tmp_path / "busy"
    root.mkdir()
    (root / "keep.txt").write_text("mine", encoding="utf-8")
    before = tree(root)
    assert before["keep.txt"][:2] == ("file", b"mine")
    result = runner.invoke(app, ["demo", "--dir", str(root), "--end", END])
    assert result.exit_code == 2, result.output
    assert "is not empty" in result.stderr
    assert "hint: pick another --dir" in result.stderr
    assert tree(root) == before


def test_accepts_an_empty_folder(runner, tmp_path):
    root = tmp_path / "empty"
    root.mkdir()
    demo(runner, root, "--sessions", "4")
    assert (root / "clients").is_dir()


def test_sessions_scales_the_journal(runner, tmp_path):
    root = demo(runner, tmp_path / "big", "--sessions", "300")
    snap = Journal(root).load()
    assert snap.problems == []
    assert len(snap.sessions) == 300
    assert len(list(root.glob("clients/*/sessions/*.toml"))) == 300
    assert len(snap.clients) == 12  # 26 sessions a client, rounded up
    per_client = Counter(s.record.client for s in snap.sessions)
    assert max(per_client.values()) - min(per_client.values()) <= 1  # spread evenly
    assert_check_is_silent(runner, root)


def test_sessions_lie_in_the_half_year_before_end(seed3):
    snap = Journal(seed3).load()
    days = [s.record.start.date() for s in snap.sessions]
    end = date.fromisoformat(END)
    assert max(days) <= end
    assert min(days) > end - timedelta(weeks=26)


@pytest.mark.parametrize("seed", ["3", "15"])
def test_ratings_are_gas_levels_and_each_client_starts_with_an_initial_session(
    runner, tmp_path, seed3, seed
):
    root = seed3 if seed == "3" else demo(runner, tmp_path / "d", "--seed", seed)
    snap = Journal(root).load()
    ratings = [g.gas for s in snap.sessions for g in s.record.goals]
    assert len(ratings) > 100
    assert all(r is not None and -2 <= r <= 2 for r in ratings)
    assert set(ratings) >= {-2, 2}  # progress is visible: goals move across the scale
    first = {}
    for s in snap.sessions:
        first.setdefault(s.record.client, s.record)
    assert set(first) == set(snap.clients)
    assert {c: s.session_type for c, s in first.items()} == dict.fromkeys(first, "initial")
    # The first note is the intake, naming the goals set together (with their baselines).
    for c, s in first.items():
        goals = snap.clients[c].record.goals
        assert s.intake is not None and s.intake.goals == tuple(g.id for g in goals)
        assert all(g.baseline == -2 and g.baseline_on == s.start.date() for g in goals)


def test_an_episode_runs_intake_reviews_discharge(seed3):
    snap = Journal(seed3).load()
    reviews = [s.record for s in snap.sessions if s.record.session_type == "review"]
    assert reviews
    for r in reviews:  # a review rates every goal active then
        goals = snap.clients[r.client].record.goals
        assert {g.goal for g in r.goals} == {g.id for g in goals}
    assert any(g.copm_performance for r in reviews for g in r.goals)
    noah = [s.record for s in snap.client_sessions("noah-t")]
    assert noah[-1].session_type == "discharge" and noah[-1].discharge is not None
    assert [s.discharge for s in noah[:-1]] == [None] * (len(noah) - 1)
    statuses = {g.status for g in snap.clients["noah-t"].record.goals}
    assert statuses <= {"achieved", "discontinued"}
    assert all(g.changes[-1].reason == "discharge" for g in snap.clients["noah-t"].record.goals)


def test_homework_of_every_kind_that_was_assigned(seed3):
    snap = Journal(seed3).load()
    kinds = Counter(h.record.entry_kind for h in snap.homework)
    assert set(kinds) >= {"practice", "mood-check", "relaxation", "thought-record"}
    assigned = {s.record.client for s in snap.sessions if s.record.plan.homework}
    with_entries = {h.record.client for h in snap.homework}
    assert with_entries == assigned


def test_output_shows_the_clients_and_what_to_try(runner, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # a relative --dir is shown absolute: it must work after cd
    result = runner.invoke(app, ["demo", "--dir", "d", "--seed", "3", "--end", END])
    d = str(tmp_path / "d")
    assert result.exit_code == 0, result.output
    snap = Journal(tmp_path / "d").load()
    lines = result.stdout.splitlines()
    assert lines[0] == f"Demo journal (fictional) written to {d}"
    assert lines[1] == f"4 clients, 104 sessions, {len(snap.homework)} homework entries."
    header = lines.index(next(line for line in lines if line.startswith("client ")))
    assert lines[header].split() == ["client", "name", "goals", "sessions", "last", "seen", "care"]
    assert [line.split()[0] for line in lines[header + 1 : header + 5]] == [
        "ava-l",
        "mia-k",
        "noah-t",
        "sam-r",
    ]
    recent = lines.index("Most recent sessions")
    assert lines[recent + 1].split()[:2] == ["id", "client"]
    trends_at = next(i for i, line in enumerate(lines) if line.startswith("What it is for"))
    rows = [line.split()[0] for line in lines[recent + 2 : trends_at] if line[:2] == "20"]
    assert rows == [s.record.id for s in snap.sessions[-6:]]
    # It ends with what otjournal is for: one client's trends, over the demo's six months.
    assert lines[trends_at] == (
        f"What it is for: one client's six months (otj trends mia-k --until {END} --dir {d})"
    )
    assert lines[trends_at + 2].startswith("Mia K. (mia-k) · ")
    assert "GAS" in result.stdout[result.stdout.index("What it is for") :]
    try_at = lines.index("Try:  otj --help")
    assert lines[try_at:] == [
        "Try:  otj --help",
        f"      otj list --dir {d} -n 10",
        f"      otj show --dir {d} {snap.sessions[-1].record.id}",
        f"      otj client list --all --dir {d}   # the discharged client too",
        f"      export OTJOURNAL_DIR={d}   # then leave out --dir",
    ]


def test_output_keeps_long_paths_whole(runner, tmp_path):
    # People copy these lines into a shell: a long folder must not be split over lines.
    root = tmp_path / ("a-long-demo-folder-name-" * 3)
    result = runner.invoke(app, ["demo", "--dir", str(root), "--sessions", "4", "--end", END])
    assert result.exit_code == 0, result.output
    assert f"written to {root}\n" in result.stdout
    assert f"otj list --dir {root} -n 10\n" in result.stdout
    assert f"export OTJOURNAL_DIR={root}   # then leave out --dir\n" in result.stdout
