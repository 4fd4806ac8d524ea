"""The hand-written sample journal in examples/ and the TOML samples in docs/format.md
are both part of the format contract: every one of them must read as valid."""

from __future__ import annotations

import os
import re
import shutil
import tomllib
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from otjournal.cli import app
from otjournal.disk.store import Journal
from otjournal.model import Client, HomeworkEntry, Session
from otjournal.model.ids import SUFFIX_ALPHABET
from otjournal.model.kinds import HOMEWORK_KINDS
from otjournal.model.vocab import CHECKLIST
from tests.conftest import REPO

EXAMPLES = REPO / "examples"
FORMAT_MD = REPO / "docs" / "format.md"
RECORD_NAME = re.compile(rf"\d{{4}}-\d\d-\d\d_\d{{4}}_[{SUFFIX_ALPHABET}]{{5}}\.toml\Z")
# Words a strengths-based note does not use (docs: "Language").
DEFICIT_WORDS = re.compile(r"refus|non-?compli|tolerated|\bpoor\b", re.IGNORECASE)
MODELS = {"client": Client, "session": Session, "homework": HomeworkEntry}


def private_copy(tmp_path: Path) -> Path:
    """examples/ as a real notes folder would be: folders 0700, files 0600."""
    root = tmp_path / "examples"
    shutil.copytree(EXAMPLES, root)
    for dirpath, _dirs, files in os.walk(root):
        os.chmod(dirpath, 0o700)
        for name in files:
            os.chmod(os.path.join(dirpath, name), 0o600)
    return root


def client_dirs() -> list[Path]:
    return sorted(p for p in (EXAMPLES / "clients").iterdir() if p.is_dir())


def records(kind: str) -> list[Path]:
    return sorted(EXAMPLES.glob(f"clients/*/{kind}/*.toml"))


def load_toml(path: Path) -> dict[str, Any]:
    with path.open("rb") as fh:
        return tomllib.load(fh)


# -- otj check -----------------------------------------------------------------


def test_check_is_silent_on_a_private_copy(runner, tmp_path):
    result = runner.invoke(app, ["check", "--dir", str(private_copy(tmp_path))])
    assert result.exit_code == 0, result.output
    assert result.output == ""


def test_check_on_the_repo_folder_passes_with_only_permission_warnings(runner):
    result = runner.invoke(app, ["check", "--dir", str(EXAMPLES)])
    assert result.exit_code == 0, result.output
    # Files in git are 0644: otj check warns about that, and about nothing else.
    for line in result.output.splitlines():
        assert "readable by others" in line and ": warning: " in line, line


# -- what the sample holds -------------------------------------------------------


def test_examples_hold_a_small_varied_journal(tmp_path):
    snap = Journal(private_copy(tmp_path)).load()
    assert snap.problems == []
    assert 2 <= len(snap.clients) <= 3
    assert 10 <= len(snap.sessions) <= 14
    assert len(snap.homework) >= 5
    kinds = {h.record.entry_kind for h in snap.homework}
    assert len(kinds) >= 4
    assert kinds <= set(HOMEWORK_KINDS)
    types = {s.record.session_type for s in snap.sessions}
    assert {"initial", "therapy", "review", "caregiver-only"} <= types
    frameworks = {c.record.regulation_framework for c in snap.clients.values()}
    assert len(frameworks) == len(snap.clients)
    assert any(s.record.late_entry for s in snap.sessions)
    done = {h.record.practice.done for h in snap.homework if h.record.practice}
    assert "not-this-time" in done
    assert any(a.adapted for s in snap.sessions for a in s.record.activities)
    assert any(g.copm for c in snap.clients.values() for g in c.record.goals)
    assert any(s.record.extra for s in snap.sessions), "one file shows a person's own key"


def test_every_homework_entry_links_to_an_assignment_of_its_client(tmp_path):
    snap = Journal(private_copy(tmp_path)).load()
    assert snap.homework, "examples/ holds homework entries to check"
    for handle in snap.clients:
        assigned = {h.id for s in snap.client_sessions(handle) for h in s.record.plan.homework}
        for entry in snap.client_homework(handle):
            assert entry.record.assignment in assigned, entry.path.name


@pytest.mark.parametrize("kind", ["sessions", "homework"])
def test_file_names_match_ids_folders_and_times(kind):
    paths = records(kind)
    assert paths
    for path in paths:
        data = load_toml(path)
        assert RECORD_NAME.match(path.name), path.name
        assert data["id"] == path.stem
        assert data["client"] == path.parent.parent.name
        when = data["start" if kind == "sessions" else "at"]
        assert path.name.startswith(f"{when:%Y-%m-%d_%H%M}_"), path.name


def test_client_files_match_their_folders():
    assert client_dirs()
    for folder in client_dirs():
        assert load_toml(folder / "client.toml")["handle"] == folder.name


def test_late_entries_are_marked_exactly_when_written_a_day_later():
    seen = set()
    for path in records("sessions"):
        data = load_toml(path)
        late = data["written_at"] - data["start"] > timedelta(hours=24)
        assert data.get("late_entry", False) == late, path.name
        seen.add(late)
    assert seen == {True, False}, "the examples hold a late entry and one on time"


def test_every_session_stores_the_seven_checklist_items_word_for_word():
    assert client_dirs()
    for folder in client_dirs():
        sessions = sorted((folder / "sessions").glob("*.toml"))
        assert sessions, folder.name
        for path in sessions:
            pairs = tuple((c["item"], c["text"]) for c in load_toml(path)["checklist"])
            assert pairs == CHECKLIST, path.name


def test_caregiver_item_is_n_a_when_no_caregiver_attended():
    without = [
        data
        for data in map(load_toml, records("sessions"))
        if not {"parent", "carer"} & set(data["attendees"])
    ]
    assert without, "the examples hold a session no caregiver attended"
    for data in without:
        answer = next(c for c in data["checklist"] if c["item"] == "caregiver")
        assert answer["answer"] == "n-a", data["id"]


def test_notes_use_strengths_based_language():
    assert records("sessions") and records("homework")
    for path in EXAMPLES.rglob("*.toml"):
        found = DEFICIT_WORDS.search(path.read_text(encoding="utf-8"))
        assert found is None, f"{path.name}: {found and found.group()!r}"


# -- docs/format.md --------------------------------------------------------------


def format_md_toml_blocks() -> list[str]:
    text = FORMAT_MD.read_text(encoding="utf-8")
    return re.findall(r"^```toml\n(.*?)^```", text, flags=re.MULTILINE | re.DOTALL)


def fill_placeholders(data: Any) -> Any:
    """Replace the doc's "…" placeholders by valid values."""
    if isinstance(data, dict):
        return {
            k: ("0" * 64 if k == "previous_sha256" else "filled in")
            if v == "…"
            else fill_placeholders(v)
            for k, v in data.items()
        }
    if isinstance(data, list):
        return [fill_placeholders(v) for v in data]
    return data


def whole_files() -> list[str]:
    return [b for b in format_md_toml_blocks() if "kind" in tomllib.loads(b)]


def test_format_md_has_one_toml_sample_per_kind():
    kinds = sorted(tomllib.loads(block)["kind"] for block in whole_files())
    assert kinds == ["client", "homework", "session", "session", "session"]
    sessions = [tomllib.loads(b) for b in whole_files() if tomllib.loads(b)["kind"] == "session"]
    # A therapy note, an intake and a discharge: the episode's three kinds of record.
    assert sorted(s["session_type"] for s in sessions) == ["discharge", "initial", "therapy"]
    assert [s["session_type"] for s in sessions if "intake" in s] == ["initial"]
    assert [s["session_type"] for s in sessions if "discharge" in s] == ["discharge"]


def test_format_md_fragments_are_valid_toml():
    fragments = [b for b in format_md_toml_blocks() if b not in whole_files()]
    assert fragments  # [[assignments]] and [shared]
    for block in fragments:
        assert tomllib.loads(block)


@pytest.mark.parametrize("block", whole_files(), ids=lambda b: b.split("\n")[1])
def test_format_md_samples_validate(block):
    data = fill_placeholders(tomllib.loads(block))
    record = MODELS[data["kind"]].from_dict(data)
    assert record.to_dict()["kind"] == data["kind"]


def test_format_md_checklist_table_is_word_for_word():
    text = FORMAT_MD.read_text(encoding="utf-8")
    table = text.split("| item | text |\n", 1)[1].split("\n\n", 1)[0]
    rows = re.findall(r"^\| `([a-z-]+)` \| (.+?) \|$", table, flags=re.MULTILINE)
    assert tuple(rows) == CHECKLIST
