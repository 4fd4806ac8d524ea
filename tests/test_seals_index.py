"""The seal index (disk/sealindex.py): the same latest seals as ``seals.latest`` over
every log, kept in the cache and read incrementally; check and doctor say the same
with and without it."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path

import pytest

from otjournal.cli import app
from otjournal.disk import amend, sealindex, seals
from otjournal.disk.sealindex import SealIndex
from otjournal.disk.store import Journal
from tests.conftest import make_client, make_session


def seal(path: str, at: str, why: str, size: int = 3) -> seals.Seal:
    return seals.Seal(at, path, 0, size, "ab" * 32, why)


def write_log(notes: Path, name: str, *lines: seals.Seal, tail: bytes = b"") -> Path:
    folder = notes.joinpath(*seals.FOLDER)
    folder.mkdir(parents=True, exist_ok=True)
    log = folder / name
    log.write_bytes(b"".join(s.line() for s in lines) + tail)
    return log


def append(log: Path, data: bytes) -> None:
    with log.open("ab") as fh:
        fh.write(data)


def expected(notes: Path) -> dict[str, seals.Seal]:
    return seals.latest(seals.read_all(notes))


def index_of(notes: Path, cache: Path | None) -> dict[str, seals.Seal]:
    with SealIndex(notes, cache) as index:
        return index.under("c")


T1, T2, T3 = (
    "2026-01-01T10:00:00.000000Z",
    "2026-01-02T10:00:00.000000Z",
    "2026-01-03T10:00:00.000000Z",
)


@pytest.fixture
def two_logs(tmp_path: Path) -> Path:
    """Two devices' logs with ties and times out of order, across and within logs."""
    notes = tmp_path / "notes"
    write_log(
        notes,
        "aaaaaa-111111.log",
        seal("clients/a/sessions/x.toml", T2, "saved"),
        seal("clients/a/sessions/y.toml", T3, "saved"),
        seal("clients/a/sessions/x.toml", T1, "amended"),  # older, later line: loses
        seal("clients/a/sessions/z.toml", T2, "saved"),
        seal("clients/a/sessions/z.toml", T2, "amended"),  # a tie in one log: later wins
    )
    write_log(
        notes,
        "bbbbbb-222222.log",
        seal("clients/a/sessions/x.toml", T2, "merged"),  # a tie across logs: b wins
        seal("clients/a/sessions/y.toml", T2, "merged"),  # older: a's T3 stays
        seal("clients/b/sessions/w.toml", T1, "saved"),
    )
    return notes


@pytest.mark.parametrize("cached", [True, False])
def test_latest_by_time_and_a_later_line_wins_a_tie_across_logs(
    two_logs: Path, tmp_path: Path, cached: bool
):
    found = index_of(two_logs, tmp_path / "cache" if cached else None)
    assert found == expected(two_logs)
    assert {p: s.why for p, s in found.items()} == {
        "clients/a/sessions/x.toml": "merged",
        "clients/a/sessions/y.toml": "saved",
        "clients/a/sessions/z.toml": "amended",
        "clients/b/sessions/w.toml": "saved",
    }


def test_an_appended_tie_in_an_earlier_log_does_not_win(two_logs: Path, tmp_path: Path):
    """Read incrementally, a line appended to the log that sorts first still loses a tie
    to a later log's line, as reading every log in order does."""
    cache = tmp_path / "cache"
    index_of(two_logs, cache)
    log = two_logs.joinpath(*seals.FOLDER, "aaaaaa-111111.log")
    append(log, seal("clients/a/sessions/x.toml", T2, "resolved").line())
    append(log, seal("clients/b/sessions/w.toml", T1, "resolved").line())
    found = index_of(two_logs, cache)
    assert found == expected(two_logs)
    assert found["clients/a/sessions/x.toml"].why == "merged"
    assert found["clients/b/sessions/w.toml"].why == "saved"


def counting(monkeypatch: pytest.MonkeyPatch) -> list[bytes]:
    """The lines the index parses."""
    seen: list[bytes] = []
    real = seals.line_fields

    def line_fields(raw: bytes) -> tuple[str, str, int, int, str, str] | None:
        seen.append(raw)
        return real(raw)

    monkeypatch.setattr(sealindex.seals, "line_fields", line_fields)
    return seen


def test_only_appended_lines_are_read(two_logs: Path, tmp_path: Path, monkeypatch):
    cache = tmp_path / "cache"
    seen = counting(monkeypatch)
    index_of(two_logs, cache)
    assert len(seen) == 8
    seen.clear()
    index_of(two_logs, cache)
    assert seen == []  # unchanged logs are not read at all
    new = seal("clients/a/sessions/x.toml", T3, "amended")
    append(two_logs.joinpath(*seals.FOLDER, "aaaaaa-111111.log"), new.line())
    found = index_of(two_logs, cache)
    assert seen == [new.line()[:-1]]
    assert found == expected(two_logs) and found["clients/a/sessions/x.toml"] == new


@pytest.mark.parametrize("how", ["replaced", "shrunk", "edited", "removed"])
def test_a_log_changed_otherwise_is_read_again_whole(
    two_logs: Path, tmp_path: Path, monkeypatch, how: str
):
    cache = tmp_path / "cache"
    index_of(two_logs, cache)
    log = two_logs.joinpath(*seals.FOLDER, "bbbbbb-222222.log")
    lines = log.read_bytes().splitlines(keepends=True)
    if how == "replaced":  # a sync tool's or git's new file in its place
        tmp = log.with_suffix(".tmp")
        tmp.write_bytes(lines[1] + lines[2] + seal("clients/c/s/v.toml", T1, "saved").line())
        os.replace(tmp, log)
    elif how == "shrunk":
        log.write_bytes(lines[1])
    elif how == "edited":  # the read part changed in place, and the log grew
        with log.open("r+b") as fh:
            fh.write(lines[0].replace(b"merged", b"sealed"))
        append(log, seal("clients/c/s/v.toml", T1, "saved").line())
    else:
        log.unlink()
    seen = counting(monkeypatch)
    found = index_of(two_logs, cache)
    assert found == expected(two_logs)
    assert len(seen) >= 5  # both logs read again
    if how != "removed":
        assert found["clients/a/sessions/x.toml"].why != "merged"


def test_a_line_is_taken_only_once_it_ends(two_logs: Path, tmp_path: Path):
    """A last line without its newline is torn (or still being written): skipped, and
    its completion read as the whole line it then is, never the torn part."""
    cache = tmp_path / "cache"
    log = two_logs.joinpath(*seals.FOLDER, "bbbbbb-222222.log")
    whole = seal("clients/b/sessions/w.toml", T3, "amended").line()
    append(log, whole[:-4])
    for where in (cache, None):
        assert index_of(two_logs, where)["clients/b/sessions/w.toml"].why == "saved"
    append(log, whole[-4:])
    for where in (cache, None):
        assert index_of(two_logs, where)["clients/b/sessions/w.toml"].why == "amended"


def test_the_index_never_writes_in_the_notes_folder(two_logs: Path, tmp_path: Path):
    before = {p: p.read_bytes() for p in two_logs.rglob("*") if p.is_file()}
    index_of(two_logs, tmp_path / "cache")
    assert {p: p.read_bytes() for p in two_logs.rglob("*") if p.is_file()} == before


# -- check and doctor: the same words, cached (cold and warm) or not ------------------


@pytest.fixture
def mixed(runner, journal: Journal, notes: Path) -> Journal:
    """Sealed, unsealed, edited, amended by hand and removed-amendment sessions."""
    journal.add_client(make_client())
    journal.add_client(make_client("tom-b"))
    saved = [
        journal.add_session(make_session(start=datetime(2026, 3, d, 10, tzinfo=UTC)))
        for d in range(2, 9)
    ]
    journal.add_session(make_session(client="tom-b"))
    for s in saved[2:4]:
        for text in ("First.", "Second."):
            args = ["amend", s.record.id, "--kind", "addition", "--text", text, "--by", "A"]
            assert runner.invoke(app, args).exit_code == 0
    # Unsealed: its seal lines taken out of the log.
    log = next(notes.joinpath(*seals.FOLDER).iterdir())
    name = saved[0].path.name.encode()
    log.write_bytes(b"".join(x for x in log.read_bytes().splitlines(True) if name not in x))
    edited = saved[1].path
    edited.write_bytes(
        edited.read_bytes().replace(b"Followed Mia's lead.", b"Followed Tom's lead.")
    )
    raw = saved[2].path.read_bytes()  # the last amendment removed
    starts = [m.start() for m in amend.HEADER.finditer(raw)]
    saved[2].path.write_bytes(raw[: starts[1]].rstrip(b"\n") + b"\n# end\n")
    # Amended by hand: an amendment whose seal line is not there.
    args = ["amend", saved[4].record.id, "--kind", "addition", "--text", "Hand.", "--by", "A"]
    assert runner.invoke(app, args).exit_code == 0
    lines = log.read_bytes().splitlines(True)
    assert saved[4].path.name.encode() in lines[-1]
    log.write_bytes(b"".join(lines[:-1]))
    return journal


def outputs(runner) -> list[tuple[int, str]]:
    return [
        (r.exit_code, r.stdout)
        for r in (runner.invoke(app, args) for args in (["check"], ["check", "--json"], ["doctor"]))
    ]


def test_check_and_doctor_say_the_same_with_and_without_the_cache(
    runner, mixed: Journal, monkeypatch
):
    cold = outputs(runner)
    warm = outputs(runner)
    monkeypatch.setenv("OTJOURNAL_NO_CACHE", "1")
    uncached = outputs(runner)
    assert cold == warm == uncached
    report = json.loads(cold[1][1])
    assert report["unsealed"] == 1
    words = [p["message"] for p in report["problems"]]
    assert sum("what was sealed was edited" in w for w in words) == 1, words
    assert sum("an amendment was removed" in w for w in words) == 1
    assert sum("added after its seal" in w for w in words) == 1
    assert "1 session(s) have no seal yet" in cold[2][1]


def test_a_damaged_or_foreign_index_is_made_again(two_logs: Path, tmp_path: Path):
    cache = tmp_path / "cache"
    index_of(two_logs, cache)
    (made,) = cache.glob("seals-*.sqlite")
    made.write_bytes(b"not a database" * 100)
    assert index_of(two_logs, cache) == expected(two_logs)
    with SealIndex(two_logs, cache) as index:
        assert index.remembers  # a new file took its place
        index.db.execute("UPDATE seals SET size = 'x'")  # a row that is not what was written
        assert "clients/a/sessions/x.toml" not in index.under("clients/a/")


def test_a_symlinked_cache_folder_is_not_used(two_logs: Path, tmp_path: Path):
    real = tmp_path / "elsewhere"
    real.mkdir()
    (tmp_path / "cache").symlink_to(real)
    with SealIndex(two_logs, tmp_path / "cache") as index:
        assert not index.remembers
        assert index.under("c") == expected(two_logs)
    assert list(real.iterdir()) == []


# -- folder marks: an unchanged folder whose seals are unchanged is one look-up --------


def check_json(runner) -> dict:
    result = runner.invoke(app, ["check", "--json"])
    return json.loads(result.stdout)


def test_an_unchanged_folder_is_checked_by_its_mark_until_a_seal_under_it_changes(
    runner, journal: Journal, notes: Path, monkeypatch
):
    from otjournal.disk import sealcheck as checks

    journal.add_client(make_client())
    saved = [
        journal.add_session(make_session(start=datetime(2026, 3, d, 10, tzinfo=UTC)))
        for d in range(2, 6)
    ]
    log = next(notes.joinpath(*seals.FOLDER).iterdir())
    lines = log.read_bytes().splitlines(True)
    name = saved[0].path.name.encode()
    log.write_bytes(b"".join(x for x in lines if name not in x))  # one session unsealed
    compared: list[str] = []
    real = checks._seal_mismatch
    monkeypatch.setattr(
        checks,
        "_seal_mismatch",
        lambda row, ref, *a: compared.append(ref.where) or real(row, ref, *a),
    )
    first = check_json(runner)
    assert (first["unsealed"], first["problems"]) == (1, [])
    assert len(compared) == 3
    compared.clear()
    assert check_json(runner) == first
    assert compared == []  # the folder's mark stood for its sessions
    # A later seal that the note does not match: the folder's mark goes with it.
    rel = saved[1].path.relative_to(notes).as_posix()
    at = "2099-01-01T00:00:00.000000Z"
    append(log, seals.Seal(at, rel, 0, 3, "ab" * 32, "amended").line())
    words = [p["message"] for p in check_json(runner)["problems"]]
    assert len(words) == 1 and "sealed" in words[0], words
    assert len(compared) == 3
    # Its seal back (as written then, so matched by the note again): nothing unsealed.
    log.write_bytes(b"".join(lines))
    compared.clear()
    again = check_json(runner)
    assert (again["unsealed"], again["problems"]) == (0, [])
    assert len(compared) == 4  # every log read again whole: every mark went
    compared.clear()
    assert check_json(runner) == again
    assert compared == []


def test_a_folder_mark_is_not_written_once_another_run_has_indexed_more(
    two_logs: Path, tmp_path: Path
):
    cache = tmp_path / "cache"
    prefix = "clients/a/sessions/"
    with SealIndex(two_logs, cache) as index:  # this run's view of the seals
        log = two_logs.joinpath(*seals.FOLDER, "aaaaaa-111111.log")
        append(log, seal(f"{prefix}x.toml", T3, "amended").line())
        with SealIndex(two_logs, cache):  # another run indexes the new line meanwhile
            pass
        index.set_folder(prefix, "mark", 0)
    with SealIndex(two_logs, cache) as index:
        assert index.folder_mark(prefix) is None
        index.set_folder(prefix, "mark", 0)  # its view is the latest: kept
    with SealIndex(two_logs, cache) as index:
        assert index.folder_mark(prefix) == ("mark", 0)
        append(log, seal(f"{prefix}y.toml", T3, "amended").line())
    with SealIndex(two_logs, cache) as index:  # indexing the seal took the mark away
        assert index.folder_mark(prefix) is None


# -- a sealed note gone ---------------------------------------------------------------------


def gone_messages(runner) -> list[tuple[str, str]]:
    found = check_json(runner)["problems"]
    return sorted(
        (p["path"], p["severity"])
        for p in found
        if "sealed session is not where it was sealed" in p["message"]
    )


def test_a_sealed_session_deleted_moved_or_renamed_by_hand_is_reported_every_time(
    runner, journal: Journal, notes: Path
):
    """A deleted note, one renamed in its folder, one moved to another client's and a whole
    client folder removed: each sealed note not in its place is named (by the path its
    seal gives), on every run, until it is back; then the check is silent again."""
    import shutil

    journal.add_client(make_client())
    journal.add_client(make_client("tom-b"))
    journal.add_client(make_client("zoe-p"))
    saved = {
        (who, d): journal.add_session(
            make_session(who, start=datetime(2026, 3, d, 10, tzinfo=UTC))
        ).path
        for who in ("mia-k", "tom-b", "zoe-p")
        for d in (2, 3, 4)
    }
    assert gone_messages(runner) == []  # and the folders are marked as they are
    assert check_json(runner)["problems"] == []
    rel = lambda p: p.relative_to(notes).as_posix()  # noqa: E731
    kept = notes.parent / "kept"
    kept.mkdir()
    deleted, renamed, moved = saved["mia-k", 2], saved["mia-k", 3], saved["tom-b", 2]
    shutil.copy2(deleted, kept / "deleted.toml")
    deleted.unlink()
    renamed.rename(renamed.with_name("2026-03-03_1000_by-hand.toml"))
    moved.rename(notes / "clients" / "zoe-p" / "sessions" / moved.name)
    shutil.move(notes / "clients" / "zoe-p", kept / "zoe-p")
    zoe = [rel(saved["zoe-p", d]) for d in (2, 3, 4)]
    want = sorted((p, "warning") for p in [rel(deleted), rel(renamed), rel(moved), *zoe])
    assert gone_messages(runner) == want
    assert gone_messages(runner) == want  # a second run too: nothing marked meanwhile
    shown = runner.invoke(app, ["check"])
    assert shown.exit_code == 0  # warnings: every file still reads
    assert (
        f"{rel(deleted)}:1:1: warning: a sealed session is not where it was sealed" in shown.output
    )
    # Put back, everything is as it was: silent.
    shutil.copy2(kept / "deleted.toml", deleted)
    renamed.with_name("2026-03-03_1000_by-hand.toml").rename(renamed)
    shutil.move(kept / "zoe-p", notes / "clients" / "zoe-p")
    (notes / "clients" / "zoe-p" / "sessions" / moved.name).rename(moved)
    assert check_json(runner)["problems"] == []


def test_an_encrypted_or_unreadable_note_in_its_place_is_not_called_missing(
    runner, journal: Journal, notes: Path
):
    """The file decides: a sealed note in its place under its other form (X.toml.age) or
    one the scan does not take is never said to be gone."""
    journal.add_client(make_client())
    path = journal.add_session(make_session(start=datetime(2026, 3, 2, 10, tzinfo=UTC))).path
    path.rename(path.with_name(path.name + ".age"))
    assert gone_messages(runner) == []
    path.with_name(path.name + ".age").rename(path)
    path.chmod(0)
    try:
        assert gone_messages(runner) == []
    finally:
        path.chmod(0o600)


# -- a damaged seal log: said, by line, and no session sealed over it -----------------


def damage_messages(runner) -> list[tuple[str, int, str]]:
    found = check_json(runner)["problems"]
    return [(p["path"], p["line"], p["severity"]) for p in found if "seal log" in p["hint"]]


@pytest.mark.parametrize("cache", ["warm", "none"])
def test_a_seal_log_line_that_does_not_read_is_named_by_check_and_doctor_holds_its_fix(
    runner, journal: Journal, notes: Path, monkeypatch, cache: str
):
    """A seal line edited by hand hides its seal: the note then looks as if never sealed,
    and ``doctor --fix`` would seal it as it is now, an edit and all. check names the
    line (a later one by its number, read as appended), doctor says the log is damaged
    and seals nothing until it is mended; a blank line is no damage; a log that does not
    open is named."""
    if cache == "none":
        monkeypatch.setenv("OTJOURNAL_NO_CACHE", "1")
    journal.add_client(make_client())
    saved = [
        journal.add_session(make_session(start=datetime(2026, 3, d, 10, tzinfo=UTC))).path
        for d in (2, 3, 4)
    ]
    (log,) = notes.joinpath(*seals.FOLDER).iterdir()
    rel = log.relative_to(notes).as_posix()
    assert check_json(runner)["problems"] == []  # the index is warm, every folder marked
    lines = log.read_bytes().splitlines(True)
    edited = saved[1]
    edited.write_bytes(edited.read_bytes().replace(b"Followed Mia's lead.", b"Led."))
    log.write_bytes(lines[0] + lines[1].replace(b"\tv1", b"").replace(b"v1\t", b"v0\t") + lines[2])
    assert damage_messages(runner) == [(rel, 2, "warning")]
    shown = runner.invoke(app, ["check"])
    assert shown.exit_code == 0  # a warning: every note still reads
    assert f"{rel}:2:1: warning: this line does not read as a seal" in shown.output
    before = log.read_bytes()
    doctor = runner.invoke(app, ["doctor", "--fix"])
    assert "1 seal log(s) damaged" in doctor.stdout
    assert "1 session(s) have no seal yet" in doctor.stdout
    assert "mend the seal logs first; then otj doctor --fix seals these" in doctor.stdout
    assert log.read_bytes() == before  # the edited note was not sealed as it is now

    append(log, b"\n" + b"garbled\n" * 2)  # appended: numbered on from the lines read
    assert damage_messages(runner) == [(rel, 2, "warning")]
    words = [p["message"] for p in check_json(runner)["problems"] if p["path"] == rel]
    assert words == [
        "3 lines do not read as seals (the first is here): the seals they held cannot be checked"
    ]
    # A line cut short and followed by another (a crash, or an edit: which cannot be
    # told) is damage too; a blank line is none.
    torn = lines[2][:40] + b"\n"
    log.write_bytes(lines[0] + b"\n" + lines[1] + torn + lines[2])
    assert damage_messages(runner) == [(rel, 4, "warning")]
    log.write_bytes(lines[0] + b"\n" + lines[1] + lines[2])  # mended
    assert "damaged" not in runner.invoke(app, ["doctor"]).stdout
    # Its seal read again, the edit shows.
    edit = (edited.relative_to(notes).as_posix(), "something was removed")
    found = check_json(runner)["problems"]
    assert [(p["path"], p["message"].rpartition(": ")[2]) for p in found] == [edit]

    other = log.with_name("zzzzzz-999999.log")
    os.mkfifo(other)
    found = check_json(runner)["problems"]
    assert [(p["path"], p["message"].rpartition(": ")[2]) for p in found] == [
        (other.relative_to(notes).as_posix(), "not a regular file"),
        edit,
    ]


@pytest.mark.parametrize(
    ("now", "said"),
    [
        (b"abcdefghi", "it is 1 byte shorter: something was removed"),
        (b"abcdefgh", "it is 2 bytes shorter: something was removed"),
        (b"abcdefghij!", "1 byte added after"),
        (b"abcdefghij!!", "2 bytes added after"),
    ],
)
def test_a_size_in_a_seal_message_is_counted_in_words(now: bytes, said: str):
    import hashlib

    sealed = b"abcdefghij"
    seal = seals.Seal(
        "2026-12-01T02:40:00Z", "x.toml", 0, 10, hashlib.sha256(sealed).hexdigest(), "saved"
    )
    found = seals.mismatch(seal, now)
    assert found is not None and said in found[1], found


def test_a_log_edited_in_place_with_its_size_and_time_put_back_is_read_again(
    two_logs: Path, tmp_path: Path
):
    """Same inode, size and modification time: its change time says it was written."""
    cache = tmp_path / "cache"
    index_of(two_logs, cache)
    log = two_logs.joinpath(*seals.FOLDER, "bbbbbb-222222.log")
    before = log.stat()
    data = log.read_bytes()
    assert b"merged" in data
    with log.open("r+b") as fh:  # in place: the same file, the same length
        fh.write(data.replace(b"merged", b"sealed", 1))
    os.utime(log, ns=(before.st_atime_ns, before.st_mtime_ns))
    after = log.stat()
    assert (after.st_ino, after.st_size, after.st_mtime_ns) == (
        before.st_ino,
        before.st_size,
        before.st_mtime_ns,
    )
    found = index_of(two_logs, cache)
    assert found == expected(two_logs)
    assert found["clients/a/sessions/x.toml"].why != "merged"
