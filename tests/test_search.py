"""``otj search``: words found as a person means them (whole words, any case or accent,
phrases), filters on the notes' structure, amendments, and an index that stays in step
with the files (the same changes tests/test_cache.py makes) and never changes what is
found (no cache, the plain scan and FTS5 give the same results)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import jsonschema
import pytest

from otjournal.cli import app
from otjournal.disk import search_index
from otjournal.disk.store import Journal
from otjournal.model.amendment import Amendment
from otjournal.model.homework import HomeworkEntry
from otjournal.model.session import (
    Activity,
    ChecklistAnswer,
    ChildVoice,
    GoalRating,
    Plan,
    Regulation,
)
from otjournal.model.vocab import CHECKLIST
from tests.conftest import REPO, TZ, make_client, make_session
from tests.test_cache import rewrite_keeping_size_and_mtime

SCHEMA = json.loads((REPO / "docs" / "schemas" / "search.json").read_text(encoding="utf-8"))


def _at(day: int, hour: int = 10) -> datetime:
    return datetime(2026, 3, day, hour, 0, tzinfo=TZ)


def _checklist(**answers: str) -> tuple[ChecklistAnswer, ...]:
    return tuple(ChecklistAnswer(k, answers.get(k, "yes"), t) for k, t in CHECKLIST)


@pytest.fixture
def small(notes: Path, clock) -> dict[str, Path]:
    """Two clients, five sessions, one homework entry; one note amended twice."""
    j = Journal(notes)
    j.add_client(make_client())
    j.add_client(make_client("noah-t", display_name="Noah T."))
    paths = {}
    paths["zoe"] = j.add_session(
        make_session(
            start=_at(2),
            child_voice=ChildVoice("Zoë chose the swing first"),
            activities=(Activity("Swing and crash-mat", 15),),
            techniques=("CBT",),
            goals=(GoalRating("g1", 0, "Laced two holes"),),
            plan=Plan("Worked on fine motor skills with lacing."),
        )
    ).path
    paths["swings"] = j.add_session(
        make_session(
            start=_at(4),
            setting="home",
            child_voice=ChildVoice("asked for the swings"),
            techniques=("Parent coaching",),
            goals=(GoalRating("g2", 1, "Used the calm-body plan"),),
            checklist=_checklist(agile="no"),
            plan=Plan("Fine-motor games, then motor fine tuning."),
        )
    ).path
    paths["reverse"] = j.add_session(
        make_session(start=_at(5), plan=Plan("Motor fine: the words the other way round."))
    ).path
    corrected = Amendment(
        _at(9), "Alex Rivera", "correction", "Played on the swing", extra={"field": "plan.summary"}
    )
    added = Amendment(_at(10), "Alex Rivera", "addition", "Mum phoned about the swing later.")
    paths["amended"] = j.add_session(
        make_session(
            start=_at(6), plan=Plan("Played on the trampoline"), amendments=(corrected, added)
        )
    ).path
    paths["noah"] = j.add_session(
        make_session("noah-t", start=_at(5, 9), setting="school", plan=Plan("Swing at school"))
    ).path
    entry = HomeworkEntry("", "mia-k", "journal", _at(7), "Sam", _at(7), text="Park: the swing!")
    paths["homework"] = j.add_homework(entry).path
    return paths


def search(runner, *args: str, code: int = 0) -> list[dict]:
    result = runner.invoke(app, ["search", "--json", *args])
    assert result.exit_code == code, result.output
    document = json.loads(result.stdout)
    jsonschema.validate(document, SCHEMA)
    return document["results"]


def found(runner, *args: str) -> list[tuple[str, str, str]]:
    """(kind, day, field) of each result, in order."""
    return [(r["kind"], r["date"], r["field"]) for r in search(runner, *args)]


def test_whole_words_any_case_newest_first_with_amendments_and_homework(runner, small):
    results = found(runner, "swing")
    assert results == [
        ("amendment", "2026-03-10", "amendments[2] (addition)"),
        ("amendment", "2026-03-09", "amendments[1] (correction)"),
        ("homework", "2026-03-07", "text"),
        ("session", "2026-03-06", "plan.summary"),
        ("session", "2026-03-05", "plan.summary"),
        ("session", "2026-03-02", "activities[1].name"),
        ("session", "2026-03-02", "child_voice.text"),
    ]
    assert not [r for r in results if r[1] == "2026-03-04"], "swings is another word"
    assert [r["client"] for r in search(runner, "SWING", "--field", "summary")] == [
        "mia-k",
        "noah-t",
    ]


def test_an_amended_field_is_found_by_its_amended_words_and_says_so(runner, small):
    [summary] = search(runner, "swing", "--field", "summary", "--client", "mia-k")
    assert summary["amended"] == "2026-03-09" and summary["field_name"] == "summary"
    assert summary["snippet"] == "Played on the swing"
    assert summary["path"] == str(small["amended"])
    assert search(runner, "trampoline") == []  # the words the correction replaced
    [own] = search(runner, "phoned")
    assert own["kind"] == "amendment" and own["field_name"] == "amendment"
    assert own["id"] == small["amended"].stem


def test_accents_fold_both_ways(runner, small):
    [voice] = search(runner, "zoe")
    assert voice["field"] == "child_voice.text"
    start, end = voice["match"]
    assert voice["snippet"][start:end] == "Zoë"
    assert [r["field"] for r in search(runner, "ZOË")] == ["child_voice.text"]


def test_phrases_are_words_in_a_row(runner, small):
    fields = [(r["date"], r["snippet"]) for r in search(runner, '"fine motor"')]
    assert fields == [
        ("2026-03-04", "Fine-motor games, then motor fine tuning."),
        ("2026-03-02", "Worked on fine motor skills with lacing."),
    ]
    # Two words apart: both in the field, any order.
    assert len(search(runner, "motor fine")) == 3
    assert search(runner, "fine-motor") == search(runner, '"fine motor"')


TWICE = ["2026-03-02", "2026-03-02"]  # that note says swing in two fields


@pytest.mark.parametrize(
    ("args", "days"),
    [
        (("--client", "noah-t"), ["2026-03-05"]),
        (("--client", "mia-k", "--field", "amendment"), ["2026-03-10", "2026-03-09"]),
        (("--field", "voice"), ["2026-03-02"]),
        (("--field", "activity"), ["2026-03-02"]),
        (("--goal", "g1"), ["2026-03-10", "2026-03-09", "2026-03-06", "2026-03-05", *TWICE]),
        (("--activity", "crash mat"), TWICE),
        (("--technique", "cbt"), TWICE),
        (("--setting", "school"), ["2026-03-05"]),
        (
            ("--since", "2026-03-05", "--until", "2026-03-07"),
            ["2026-03-07", "2026-03-06", "2026-03-05"],
        ),
    ],
)
def test_each_filter_with_words(runner, small, args, days):
    assert [r["date"] for r in search(runner, "swing", *args)] == days


def test_filters_alone_list_the_records(runner, small):
    [coached] = search(runner, "--checklist", "agile=no")
    assert coached["date"] == "2026-03-04" and coached["field"] is None
    assert coached["match"] is None and coached["matches"] == []
    assert [r["date"] for r in search(runner, "--technique", "Parent Coaching")] == ["2026-03-04"]
    assert [r["date"] for r in search(runner, "--goal", "g2")] == ["2026-03-04"]
    assert [r["kind"] for r in search(runner, "--client", "mia-k", "--since", "2026-03-06")] == [
        "homework",
        "session",
    ]
    assert search(runner, "swing", "--checklist", "agile=no") == []


def test_paths_one_a_line_newest_first_each_once(runner, small):
    result = runner.invoke(app, ["search", "-l", "swing"])
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines == [str(small[k]) for k in ("amended", "homework", "noah", "zoe")]
    assert all(Path(line).is_absolute() and Path(line).exists() for line in lines)


def test_piped_output_marks_matches_in_plain_characters(runner, small):
    result = runner.invoke(app, ["search", "zoe"])
    assert result.stdout == (
        f"2026-03-02  mia-k  session {small['zoe'].stem}  voice\n  «Zoë» chose the swing first\n"
    )
    assert "\x1b" not in result.stdout
    assert runner.invoke(app, ["search", "nothing-here"]).stdout == "No notes match.\n"


def test_a_goal_no_client_has_is_named_as_the_reason_nothing_matched(runner, small, notes):
    def says(*args: str) -> str:
        result = runner.invoke(app, ["search", *args])
        assert result.exit_code == 0, result.output
        return result.stdout

    nobody = "No notes match: no client has a goal with that id.\n"
    hint = "  hint: 'otj goal list CLIENT' lists a client's goals (g1, or a full id)\n"
    assert says("--goal", "g9") == nobody + hint
    assert says("swing", "--goal", "g7", "--client", "noah-t") == (
        "No notes match: noah-t has no goal with that id.\n" + hint
    )
    # A goal that exists but matches nothing here is not called missing.
    assert says("--goal", "g1", "--since", "2030-01-01") == "No notes match.\n"
    assert says("--goal", "g2", "--client", "noah-t", "--field", "voice", "swing") == (
        "No notes match.\n"
    )
    assert search(runner, "--goal", "g9") == []  # JSON: results only, no words
    # A client file that cannot be read: nothing is claimed of the goals it may hold.
    (notes / "clients" / "noah-t" / "client.toml").write_text("not = [toml", encoding="utf-8")
    assert says("--goal", "g9").startswith("No notes match.\n")


def test_results_fold_at_spaces_to_the_width_and_fit_unfolded(runner, small, monkeypatch):
    monkeypatch.setenv("COLUMNS", "40")
    narrow = runner.invoke(app, ["search", "zoe"]).stdout.splitlines()
    assert narrow == [
        "2026-03-02 mia-k session",
        f"    {small['zoe'].stem} voice",
        "  «Zoë» chose the swing first",
    ]
    for width in (40, 60, 80, 200):
        monkeypatch.setenv("COLUMNS", str(width))
        for line in runner.invoke(app, ["search", "swing"]).stdout.splitlines():
            assert len(line) <= width, (width, line)


def test_a_private_use_mark_typed_in_a_note_is_shown_not_taken_as_a_mark(runner, notes, clock):
    j = Journal(notes)
    j.add_client(make_client())
    j.add_session(make_session(plan=Plan("swing \ue000here\ue001")))
    out = runner.invoke(app, ["search", "swing"]).stdout
    assert "«swing» \\ue000here\\ue001" in out


def test_a_terminal_gets_bold_underline_unless_no_color(runner, small, monkeypatch):
    monkeypatch.delenv("NO_COLOR")
    monkeypatch.setenv("TTY_COMPATIBLE", "1")
    monkeypatch.setenv("TERM", "xterm")
    styled = runner.invoke(app, ["search", "zoe"]).stdout
    assert "\x1b[1;4mZoë\x1b[0m chose" in styled and "«" not in styled
    monkeypatch.setenv("NO_COLOR", "1")
    assert "«Zoë»" in runner.invoke(app, ["search", "zoe"]).stdout


def test_note_text_cannot_drive_the_terminal(runner, notes, clock):
    j = Journal(notes)
    j.add_client(make_client())
    j.add_session(make_session(plan=Plan("swing \x1b]52;c;aGk=\x07 here")))
    shown = runner.invoke(app, ["search", "swing"]).stdout
    assert "\x1b" not in shown and "\\x1b" in shown


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("--field", "secret-words"), "--field: not a field name"),
        (("--checklist", "secret=words"), "--checklist takes ITEM=ANSWER"),
        (("--setting", "secret-words"), "--setting: not a setting"),
        (("--since", "secret-words"), "--since: that is not a date"),
        (("!!! ???",), "no words in it"),
        ((), "give words to search for, or a filter"),
        (("--field", "voice"), "--field needs words"),
    ],
)
def test_bad_values_exit_2_without_echoing_them(runner, small, args, words):
    result = runner.invoke(app, ["search", *args])
    assert result.exit_code == 2
    assert words in result.stderr and "secret" not in result.stderr


def _every_way(runner) -> list:
    return [search(runner, *q) for q in (("swing",), ('"fine motor"',), ("--goal", "g1"))]


def test_the_index_follows_a_hand_edit_a_deletion_and_a_sync(runner, small, tmp_path):
    assert search(runner, "swing", "--client", "noah-t")
    rewrite_keeping_size_and_mtime(small["noah"], b"Swing at school", b"Slide at school")
    assert search(runner, "swing", "--client", "noah-t") == []
    assert [r["snippet"] for r in search(runner, "slide")] == ["Slide at school"]
    small["homework"].unlink()
    assert "homework" not in {r["kind"] for r in search(runner, "swing")}
    incoming = tmp_path / "incoming.toml"
    incoming.write_bytes(small["zoe"].read_bytes().replace(b"chose the swing", b"chose the ropes"))
    os.replace(incoming, small["zoe"])  # a sync tool: a new inode under the same name
    assert [r["field"] for r in search(runner, "ropes")] == ["child_voice.text"]
    assert "child_voice.text" not in {r["field"] for r in search(runner, "swing")}
    client_toml = small["noah"].parent.parent
    for f in sorted(client_toml.rglob("*"), reverse=True):
        f.rmdir() if f.is_dir() else f.unlink()
    client_toml.rmdir()
    assert search(runner, "slide") == []


def test_the_index_is_used_and_holds_fts5(runner, small, tmp_path):
    from tests.helpers import sqlite

    search(runner, "swing")
    [cache] = list((tmp_path / "home").rglob("records-*.sqlite"))
    with sqlite(cache) as db:
        tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master")}
        assert {"search_parts", "search_clients", "search_words"} <= tables
        assert db.execute("SELECT count(*) FROM search_clients").fetchone() == (2,)


def test_no_cache_and_the_plain_scan_find_the_same(runner, small, monkeypatch, tmp_path):
    with_fts = _every_way(runner)
    assert with_fts[0] and with_fts[1] and with_fts[2]
    assert _every_way(runner) == with_fts  # warm: from the index
    monkeypatch.setenv("OTJOURNAL_NO_CACHE", "1")
    assert _every_way(runner) == with_fts
    monkeypatch.delenv("OTJOURNAL_NO_CACHE")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "plain-cache"))
    monkeypatch.setattr(search_index, "fts5_available", lambda db: False)
    assert _every_way(runner) == with_fts  # built without FTS5
    assert _every_way(runner) == with_fts  # and read back without it


def test_homework_entries_are_found_by_their_kinds_text_fields(runner, notes, clock):
    from otjournal.model.parts import Emotion, Thought, ThoughtRecord

    j = Journal(notes)
    j.add_client(make_client())
    record = ThoughtRecord(
        "At the bus stop",
        (Emotion("anxious", 80, 40),),
        (Thought("I won't cope", 75, True),),
        balanced_thought="I can cope, I have before",
    )
    at = _at(3)
    j.add_homework(
        HomeworkEntry("", "mia-k", "thought-record", at, "Mia", at, thought_record=record)
    )
    assert [r["field"] for r in search(runner, "cope")] == [
        "thought_record.thoughts[1].text",
        "thought_record.balanced_thought",
    ]
    assert [r["field"] for r in search(runner, "bus stop", "--field", "homework")] == [
        "thought_record.situation"
    ]


def test_a_session_filter_leaves_homework_out(runner, small):
    assert "homework" not in {r["kind"] for r in search(runner, "swing", "--setting", "clinic")}
    assert {r["kind"] for r in search(runner, "swing", "--setting", "clinic")} == {
        "session",
        "amendment",
    }


def test_last_keeps_the_newest(runner, small):
    assert search(runner, "swing", "-n", "2") == search(runner, "swing")[:2]
    assert search(runner, "swing", "-n", "0") == []
    for command in (["search", "swing"], ["list"]):  # notes match: not "No notes match."
        assert runner.invoke(app, [*command, "-n", "0"]).stdout == "None shown (-n 0).\n"


def test_a_snippet_is_short_and_keeps_its_mark(runner, notes, clock):
    j = Journal(notes)
    j.add_client(make_client())
    long = " ".join(["word"] * 60 + ["swing"] + ["after"] * 60)
    j.add_session(make_session(plan=replace(make_session().plan, summary=long)))
    [r] = search(runner, "swing")
    assert len(r["snippet"]) < 120 and r["snippet"].startswith("…") and r["snippet"].endswith("…")
    start, end = r["match"]
    assert r["snippet"][start:end] == "swing"


def test_a_snippet_starts_and_ends_between_words(runner, notes, clock):
    """Cut at a line break or a space, never inside a word: "…oë brought" read as a typo."""
    j = Journal(notes)
    j.add_client(make_client())
    before = "Long morning at the clinic today with lots to do\nZoë brought her Pokémon cards;"
    after = " and then a long list of things she wanted to show everyone in the room"
    j.add_session(
        make_session(plan=replace(make_session().plan, summary=before + " swing" + after))
    )
    [r] = search(runner, "swing")
    text = r["snippet"]
    assert text.startswith("…Zoë brought") and text.endswith("everyone…"), text
    words = set((before + " swing" + after).split())
    assert set(text.strip("…").split()) <= words


def test_what_helped_regulation_is_found(runner, notes, clock):
    j = Journal(notes)
    j.add_client(make_client())
    j.add_session(
        make_session(
            regulation=Regulation("zones", "yellow", "green", ("heavy work", "a train song"))
        )
    )
    assert [(r["field"], r["snippet"]) for r in search(runner, '"train song"')] == [
        ("regulation.helped[2]", "a train song")
    ]
    assert [r["field"] for r in search(runner, "heavy", "--field", "regulation")] == [
        "regulation.helped[1]"
    ]


def test_relative_days_count_from_today(runner, small):
    assert [r["date"] for r in search(runner, "swing", "--since", "2d")] == [
        "2026-03-10",
        "2026-03-09",
        "2026-03-07",
        "2026-03-06",
        "2026-03-05",
    ]


def test_a_technique_or_activity_with_accents_is_found_without_them(runner, notes, clock):
    j = Journal(notes)
    j.add_client(make_client())
    j.add_session(
        make_session(techniques=("Thérapie par le jeu",), activities=(Activity("Crème à raser"),))
    )
    for args in (("--technique", "therapie par le jeu"), ("--activity", "creme")):
        assert [r["kind"] for r in search(runner, *args)] == ["session"]
        assert [r["field"] for r in search(runner, "raser", *args)] == ["activities[1].name"]


def test_paths_are_absolute_whatever_the_folder_was_called(runner, small, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("OTJOURNAL_DIR")
    for _ in range(2):  # as indexed, then from the index
        result = runner.invoke(app, ["search", "-l", "zoe", "--dir", "notes"])
        assert result.stdout == f"{small['zoe']}\n"
    monkeypatch.chdir(small["zoe"].parent)
    result = runner.invoke(app, ["search", "-l", "zoe", "--dir", "../../.."])
    assert result.stdout == f"{small['zoe']}\n"


@pytest.mark.parametrize(
    ("path", "words"),
    [
        ("child_voice.text", "voice"),  # an adult's note has the same key: never "child"
        ("activities[2].name", "activity 2 name"),
        ("goals[1].evidence", "goal 1 evidence"),
        ("plan.next_focus", "next focus"),
        ("plan.homework[1].text", "homework 1"),
        ("checklist[agile].note", "checklist agile note"),
        ("amendments[1] (correction)", "amendment 1 (correction)"),
        ("thought_record.situation", "thought record situation"),
        ("", ""),
    ],
)
def test_a_field_is_named_in_words_not_by_its_path_in_the_file(path, words):
    from otjournal.views.search import field_words

    assert field_words(path) == words


def test_a_field_name_folds_as_one_and_json_keeps_the_path(runner, small, monkeypatch):
    monkeypatch.setenv("COLUMNS", "30")
    lines = runner.invoke(app, ["search", "swing"]).stdout.splitlines()
    assert "    activity 1 name" in lines
    assert all(len(line) <= 30 for line in lines)
    found = json.loads(runner.invoke(app, ["search", "zoe", "--json"]).stdout)
    assert found["results"][0]["field"] == "child_voice.text"


def test_an_ascii_output_marks_matches_with_ascii_not_question_marks(tmp_path, small):
    env = {**os.environ, "PYTHONIOENCODING": "ascii", "COLUMNS": "80"}
    out = subprocess.run(
        [sys.executable, "-m", "otjournal", "search", "zoe"],
        env=env,
        capture_output=True,
        check=True,
    ).stdout.decode("ascii")
    assert "<<Zoe>> chose the swing first" in out  # the accent left off, as search folds it
    assert "?Zo" not in out


@pytest.fixture
def ties(notes: Path, clock) -> Journal:
    """Three clients, eight sessions each, every one with 'swing' in two fields; the
    clients' sessions share start times (ties broken by client, id and field)."""
    j = Journal(notes)
    for handle in ("ava-b", "mia-k", "zac-d"):
        j.add_client(make_client(handle))
        for day in range(1, 9):
            j.add_session(
                make_session(
                    handle,
                    start=_at(day if day % 3 else 5),  # some share a day and an hour too
                    setting="home" if day % 2 else "clinic",
                    child_voice=ChildVoice(f"The swing, day {day}"),
                    plan=Plan(f"Swing again on day {day}.", "Fine motor"),
                )
            )
    return j


def test_the_newest_n_from_the_index_are_the_first_n_of_all(runner, ties, monkeypatch):
    """--last N answered from the index (read newest first, stopped early) is what every
    other way gives: the first N of the whole list, with or without a client read again
    from its files, and with no cache at all."""
    queries = [("swing",), ('"swing again"',), ("--setting", "home"), ("swing", "-f", "voice")]
    whole = {q: search(runner, *q) for q in queries}
    assert all(len(whole[q]) > 6 for q in queries)
    taken: list[int] = []
    real = search_index.Index.candidates

    def counted(self, q):
        for row in real(self, q):
            taken.append(1)
            yield row

    monkeypatch.setattr(search_index.Index, "candidates", counted)
    for q in queries:
        for n in (0, 1, 2, 5, 7, len(whole[q]) + 1):
            taken.clear()
            assert search(runner, *q, "-n", str(n)) == whole[q][:n], (q, n)
            assert len(taken) <= 2 * n + 2, (q, n)  # not every candidate: stopped early
    path = next(iter(sorted((ties.root / "clients" / "mia-k" / "sessions").iterdir())))
    path.write_bytes(path.read_bytes() + b"\n")  # mia-k is read from its files again
    for q in queries:
        for n in (1, 3, 9):
            assert search(runner, *q, "-n", str(n)) == whole[q][:n], (q, n)
    monkeypatch.setenv("OTJOURNAL_NO_CACHE", "1")
    for q in queries:
        assert search(runner, *q) == whole[q]
        assert search(runner, *q, "-n", "4") == whole[q][:4]
