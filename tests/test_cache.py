"""The parse cache makes reading faster, never different: every change is seen."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

import otjournal
from otjournal.disk import conflicts, tomlio
from otjournal.disk.cache import RecordCache, cache_key
from otjournal.disk.loading import Snapshot, meta_of
from otjournal.disk.store import Journal
from tests.conftest import REPO, make_client, make_session
from tests.helpers import sqlite


@pytest.fixture
def cached(tmp_path: Path) -> Journal:
    j = Journal(tmp_path / "notes", cache_folder=tmp_path / "cache")
    j.add_client(make_client())
    j.add_client(make_client("noah-t", display_name="Noah T."))
    for i in range(3):
        j.add_session(make_session(start=make_session().start.replace(day=5 + i)))
    j.add_session(make_session("noah-t"))
    return j


def summaries(j: Journal) -> dict[str, str]:
    return {s.record.id: s.record.plan.summary for s in j.load().sessions}


def cache_file(j: Journal) -> Path:
    [path] = list(j.cache_folder.glob("records-*.sqlite"))  # type: ignore[union-attr]
    return path


def rewrite_keeping_size_and_mtime(path: Path, old: bytes, new: bytes) -> None:
    raw = path.read_bytes()
    assert len(old) == len(new) and old in raw
    st = path.stat()
    path.write_bytes(raw.replace(old, new))
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))  # same size, same mtime to the ns
    assert path.stat().st_size == st.st_size and path.stat().st_mtime_ns == st.st_mtime_ns


def test_a_second_load_comes_from_the_cache_and_equals_the_first(cached: Journal, monkeypatch):
    first = cached.load()
    assert cache_file(cached).exists()
    parsed = []
    real = tomlio.parse
    monkeypatch.setattr(
        tomlio, "parse", lambda raw, path="", **kw: parsed.append(path) or real(raw, path, **kw)
    )
    second = cached.load()
    assert [s.record for s in second.sessions] == [s.record for s in first.sessions]
    assert all(not str(p).endswith(".toml") or p.name == "client.toml" for p in parsed), parsed


def test_an_edit_keeping_size_and_modification_time_is_seen(cached: Journal):
    cached.load()
    target = cached.load().client_sessions("mia-k")[0].path
    rewrite_keeping_size_and_mtime(target, b"Followed Mia's lead.", b"Followed Mia's pace.")
    assert "Followed Mia's pace." in summaries(cached).values()


def test_a_file_replaced_by_a_sync_is_seen(cached: Journal, tmp_path: Path):
    cached.load()
    target = cached.load().client_sessions("mia-k")[0].path
    other = tmp_path / "incoming.toml"
    other.write_bytes(target.read_bytes().replace(b"Followed Mia's lead.", b"Synced summary"))
    os.replace(other, target)  # what a sync tool does: a new inode under the same name
    assert "Synced summary" in summaries(cached).values()


def test_a_deleted_client_folder_and_file_are_gone(cached: Journal):
    cached.load()
    shutil.rmtree(cached.client_dir("noah-t"))
    snap = cached.load()
    assert {s.record.client for s in snap.sessions} == {"mia-k"}
    gone = snap.sessions[0].path
    gone.unlink()
    assert gone not in {s.path for s in cached.load().sessions}


def test_a_corrupt_cache_is_rebuilt(cached: Journal):
    expected = summaries(cached)
    cache_file(cached).write_bytes(b"this is not a database" * 100)
    assert summaries(cached) == expected
    assert summaries(cached) == expected  # and the rebuilt cache works


def test_a_cache_of_an_older_format_is_rebuilt(cached: Journal):
    expected = summaries(cached)
    with sqlite(cache_file(cached)) as db:
        db.execute("UPDATE meta SET value = '0' WHERE key = 'format'")
    assert summaries(cached) == expected
    with sqlite(cache_file(cached)) as db:
        assert db.execute("SELECT value FROM meta").fetchone()[0] != "0"


def parses_on_next_load(j: Journal, monkeypatch) -> tuple[Snapshot, list[str]]:
    """The next load, and the names of the record files it parsed (not from the cache)."""
    parsed: list[str] = []
    real = tomlio.parse

    def counting(raw: bytes, path: Path | str = "<input>", **kw: bool) -> dict[str, object]:
        parsed.append(Path(path).name)
        return real(raw, path, **kw)

    monkeypatch.setattr(tomlio, "parse", counting)
    snap = j.load()
    monkeypatch.setattr(tomlio, "parse", real)
    return snap, [name for name in parsed if name != "client.toml"]


def a_new_release(monkeypatch) -> None:
    monkeypatch.setattr(otjournal, "__version__", otjournal.__version__ + ".post1")


def a_new_copy_pattern(monkeypatch) -> None:
    laptop = ("a laptop's sync", r"(?P<orig>.+?)\.laptop-conflict")
    monkeypatch.setattr(conflicts, "COPY_PATTERNS", (*conflicts.COPY_PATTERNS, laptop))


@pytest.mark.parametrize("change", [a_new_release, a_new_copy_pattern])
def test_a_new_release_or_new_copy_patterns_make_the_cache_a_miss(
    cached: Journal, monkeypatch, change
):
    """The cache key holds the package version and a hash of the conflict-copy patterns:
    a cache written under others is rebuilt (every file parsed again), never an error."""
    first = cached.load()
    _, parsed = parses_on_next_load(cached, monkeypatch)
    assert parsed == []  # warm: nothing parsed
    change(monkeypatch)
    again, parsed = parses_on_next_load(cached, monkeypatch)
    assert sorted(parsed) == sorted(s.path.name for s in first.sessions)
    assert [s.record for s in again.sessions] == [s.record for s in first.sessions]
    assert again.problems == first.problems == []
    with sqlite(cache_file(cached)) as db:
        assert dict(db.execute("SELECT key, value FROM meta")) == cache_key()
    assert parses_on_next_load(cached, monkeypatch)[1] == []  # and warm again


def test_a_name_a_new_pattern_calls_a_copy_is_set_aside_though_the_cache_knew_it(
    cached: Journal, monkeypatch
):
    """A folder index skips the patterns for names it knows: were they not part of the
    key, a file it knew as a record would still count after a pattern took it for a copy."""
    original = cached.load().client_sessions("mia-k")[0].path
    copy = original.with_name(f"{original.stem}.laptop-conflict.toml")
    copy.write_bytes(original.read_bytes())
    before = cached.load()
    assert any("same id" in p.message for p in before.problems)  # a record: counted once
    assert not before.conflicts
    a_new_copy_pattern(monkeypatch)
    after = cached.load()
    assert [(c.path, c.original, c.tool) for c in after.conflicts] == [
        (copy, original, "a laptop's sync")
    ]
    assert [s.record for s in after.sessions] == [s.record for s in before.sessions]


def test_a_damaged_row_is_only_a_miss(cached: Journal):
    expected = summaries(cached)
    with sqlite(cache_file(cached)) as db:
        db.execute("UPDATE records SET data = x'00ff00'")
    assert summaries(cached) == expected


def test_a_file_with_a_problem_is_never_cached(cached: Journal):
    cached.load()
    target = cached.load().client_sessions("mia-k")[0].path
    target.write_bytes(target.read_bytes().replace(b"duration_min = 45", b"duration_min = 9999"))
    for _ in range(2):
        snap = cached.load()
        assert target not in {s.path for s in snap.sessions}
        assert any(p.path == target for p in snap.problems)


def test_the_cache_lives_outside_the_notes_folder_and_is_private(cached: Journal):
    cached.load()
    path = cache_file(cached)
    assert cached.root not in path.parents
    assert path.stat().st_mode & 0o777 == 0o600


def test_two_processes_reading_at_once_both_see_everything(cached: Journal):
    cached.load()
    cached.add_session(make_session(start=make_session().start.replace(day=20)))
    code = (
        "import sys; from pathlib import Path; from otjournal.disk.store import Journal; "
        "j = Journal(Path(sys.argv[1]), cache_folder=Path(sys.argv[2])); "
        "print(len(j.load().sessions))"
    )
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", code, str(cached.root), str(cached.cache_folder)],
            stdout=subprocess.PIPE,
            cwd=REPO,
        )
        for _ in range(4)
    ]
    outputs = [p.communicate(timeout=60)[0].decode().strip() for p in procs]
    assert outputs == ["5"] * 4  # sessions seen by each
    assert len(cached.load().sessions) == 5


def test_an_unwritable_cache_folder_only_costs_speed(tmp_path: Path):
    blocker = tmp_path / "cache"
    blocker.write_text("a file where the cache folder would be")
    j = Journal(tmp_path / "notes", cache_folder=blocker)
    j.add_client(make_client())
    j.add_session(make_session())
    assert len(j.load().sessions) == 1


def test_record_cache_gives_a_record_only_for_the_identity_it_was_read_with(tmp_path: Path):
    session = replace(make_session(), id="2026-03-05_1430_aaaaa")
    cache = RecordCache(tmp_path / "c", tmp_path / "root")
    table = tomlio.parse(tomlio.dumps(session.to_dict()))  # what a file of it parses to
    cache.put("clients/mia-k/sessions/x.toml", (1, 2, 3, 4), "session", table)
    index = {"x.toml": ((1, 2, 3, 4), meta_of("session", session))}
    cache.put_index("clients/mia-k/sessions", index, [])
    cache.close()
    again = RecordCache(tmp_path / "c", tmp_path / "root")
    again.preload("mia-k")
    [(key, meta)] = again.index("clients/mia-k/sessions").values()
    assert key == (1, 2, 3, 4) and meta[1] == session.id and meta[2] == date(2026, 3, 5).toordinal()
    # Plain data back (the table, never an object): the reader rebuilds the record.
    assert again.record("clients/mia-k/sessions/x.toml", (1, 2, 3, 4)) == ("session", table)
    for other in ((9, 2, 3, 4), (1, 9, 3, 4), (1, 2, 9, 4), (1, 2, 3, 9)):
        assert again.record("clients/mia-k/sessions/x.toml", other) is None
    assert again.index("clients/noah-t/sessions") == {}
    again.close()  # an open connection left to the collector is an error under 3.13


def test_rows_fetched_together_give_what_a_query_each_gives(tmp_path: Path):
    session = replace(make_session(), id="2026-03-05_1430_aaaaa")
    cache = RecordCache(tmp_path / "c", tmp_path / "root")
    table = tomlio.parse(tomlio.dumps(session.to_dict()))
    paths = [f"clients/mia-k/sessions/{n}.toml" for n in range(1203)]  # more than a query's
    for n, path in enumerate(paths):
        cache.put(path, (n, 2, 3, 4), "session", table)
    cache.close()
    again = RecordCache(tmp_path / "c", tmp_path / "root")
    wanted = {path: (n, 2, 3, 4) for n, path in enumerate(paths)}
    wanted[paths[7]] = (7, 2, 3, 9)  # changed since it was cached: a miss
    wanted["clients/mia-k/sessions/new.toml"] = (1, 1, 1, 1)  # never cached: a miss
    again.fetch(wanted)
    queries: list[str] = []
    assert again.db is not None
    again.db.set_trace_callback(queries.append)
    assert again.record(paths[0], (0, 2, 3, 4)) == ("session", table)
    assert again.record(paths[1202], (1202, 2, 3, 4)) == ("session", table)
    assert again.record(paths[7], (7, 2, 3, 9)) is None
    assert again.record("clients/mia-k/sessions/new.toml", (1, 1, 1, 1)) is None
    assert queries == []  # every answer came from the rows fetched
    assert again.record(paths[3], (3, 9, 9, 9)) is None  # another key than fetched: asked
    assert again.record(paths[3], (3, 2, 3, 4)) == ("session", table)
    assert len(queries) == 2
    again.close()


def test_one_clients_records_come_from_the_cache_in_one_query(cached: Journal):
    cached.load()  # the cache now holds every record
    reads = Journal(cached.root, cache_folder=cached.cache_folder)
    queries: list[str] = []
    real = RecordCache._query

    def counting(self: RecordCache, sql: str, args: tuple[object, ...] = ()) -> list[object]:
        queries.append(sql)
        return real(self, sql, args)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(RecordCache, "_query", counting)
        snap = reads.load(["mia-k"])
    mine = [s.record for s in cached.load().sessions if s.record.client == "mia-k"]
    assert len(mine) == 3 and [s.record for s in snap.sessions] == mine
    assert sum("FROM records" in sql for sql in queries) == 1, queries
