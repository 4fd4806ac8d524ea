"""An encrypted journal end to end (issue 18, docs/encryption.md): every command reads it
as it reads the plaintext one, nothing it writes reaches the disk in plaintext, a device
without a key is told so and changes nothing, the standard ``age`` tool opens every note,
keys come and go, and two devices sync through git.

The conversion itself (every state, killed at random moments) is tested in
test_convert.py; the identity and recipients files in test_agefile.py."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from otjournal.cli import app
from otjournal.disk import agefile, keys
from otjournal.forms.drafts import default_drafts
from otjournal.paths import identities_dir
from tests.helpers import tree
from tests.test_conflicts import PATTERNS

needs_age = pytest.mark.skipif(
    shutil.which("age") is None,
    reason="the age tool is not installed (Debian: apt-get install age)",
)
needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")

# Words that appear in the journal's notes only: none may reach the disk in plaintext.
PHRASE = "Zebrafinch marmalade"
HW_PHRASE = "Quokka lanterns"
AMEND_PHRASE = "Narwhal cartography"

LOG = ("--no-input", "--by", "Sam", "--setting", "clinic", "--attendee", "child")
PAST = ("--date", "2026-03-02", "--time", "08:00")  # a second session, long done

# What a person reads back, by command: the encrypted journal must print the same.
READS = (
    ["list"],
    ["list", "-n", "5", "--json"],
    ["trends"],
    ["check"],
    ["search", "swing"],
    ["search", "--json", "calm"],
    ["export", "--format", "csv"],
    ["export", "--format", "json", "--table", "homework"],
    ["due", "--json"],
    ["client", "list"],
    ["conflicts"],
)


def otj(runner, *args: str, input: str | None = None):
    return runner.invoke(app, list(args), input=input)


def ok(result) -> str:
    assert result.exit_code == 0, (result.exit_code, result.output)
    return result.stdout


@pytest.fixture
def demo(runner, notes: Path) -> Path:
    ok(otj(runner, "demo", "--dir", str(notes), "--end", "2026-11-30"))
    return notes


def _first_client(runner) -> str:
    return json.loads(ok(otj(runner, "client", "list", "--json")))["clients"][0]["handle"]


def _notes_files(root: Path) -> list[Path]:
    return sorted(p for p in (root / "clients").rglob("*") if p.is_file())


def _same_names(text: str) -> str:
    """Output with the files named as in the plaintext journal (paths in --json, -l)."""
    return text.replace(".toml.age", ".toml")


def _diff(args: list[str], was: str, now: str) -> str:
    import difflib

    lines = difflib.unified_diff(was.splitlines(), now.splitlines(), "plaintext", "encrypted")
    return f"{args}:\n" + "\n".join(lines)


def _own_key() -> str:
    return keys.identities()[0].public[0]


def _new_identity(folder: Path, name: str = "other") -> agefile.Identity:
    from otjournal.clock import now

    return agefile.create_identity(agefile.identity_path(folder, name), now())


# -- every command reads it as before ---------------------------------------------------


def test_an_encrypted_journal_reads_exactly_as_its_plaintext(runner, demo: Path, monkeypatch):
    client = _first_client(runner)
    sid = json.loads(ok(otj(runner, "list", "--json", "-n", "1")))["sessions"][0]["id"]
    reads = [*READS, ["trends", client], ["report", client], ["show", sid]]
    before = [otj(runner, *args) for args in reads]
    plain_bytes = {p.relative_to(demo): p.read_bytes() for p in _notes_files(demo)}

    result = otj(runner, "encrypt", "--name", "laptop")

    out = ok(result)
    assert f"Encrypted: {len(plain_bytes)} files converted, {len(plain_bytes)} in all." in out
    files = _notes_files(demo)
    assert files and all(p.name.endswith(".toml.age") for p in files)
    for p in files:  # each is the very file it was, inside age
        assert (
            agefile.decrypt(p.read_bytes(), keys.identities(), p)
            == plain_bytes[p.relative_to(demo).with_name(p.name[: -len(".age")])]
        )
    for args, was in zip(reads, before, strict=True):
        now = otj(runner, *args)
        assert now.exit_code == was.exit_code, (args, now.output)
        assert _same_names(now.stdout) == was.stdout, _diff(args, was.stdout, now.stdout)
    said = ok(otj(runner, "doctor"))
    assert "ok    encrypted: every note opens with 1 key, this device's among them" in said
    monkeypatch.setenv("OTJOURNAL_NO_CACHE", "1")
    for args, was in zip(reads, before, strict=True):
        now = otj(runner, *args)
        assert now.exit_code == was.exit_code, (args, now.output)
        assert _same_names(now.stdout) == was.stdout, _diff(args, was.stdout, now.stdout)


def test_decrypting_gives_back_every_byte(runner, demo: Path):
    plain = {p: p.read_bytes() for p in _notes_files(demo)}
    ok(otj(runner, "encrypt", "--name", "laptop"))
    assert agefile.recipients_path(demo).exists()

    out = ok(otj(runner, "decrypt"))

    assert "New notes are written in plaintext." in out
    assert {p: p.read_bytes() for p in _notes_files(demo)} == plain
    assert not agefile.recipients_path(demo).exists()
    ok(otj(runner, "log", _first_client(runner), *LOG, "--summary", "after"))
    assert not [p for p in _notes_files(demo) if p.name.endswith(".age")]


def test_init_encrypt_writes_every_new_note_encrypted(runner, notes: Path):
    out = ok(otj(runner, "init", "--encrypt"))

    assert "Made this device's key" in out
    assert (identities_dir() / "default.txt").stat().st_mode & 0o777 == 0o600
    ok(otj(runner, "client", "add", "mia-k", "--name", "Mia K"))
    ok(otj(runner, "log", "mia-k", *LOG, "--summary", PHRASE))
    names = sorted(p.name for p in _notes_files(notes))
    assert "client.toml.age" in names and all(n.endswith(".toml.age") for n in names)
    assert len(names) == 2
    shown = ok(otj(runner, "list"))
    assert "mia-k" in shown
    assert ok(otj(runner, "check")) == ""


def test_init_encrypt_refuses_a_folder_with_clients(runner, demo: Path):
    before = tree(demo)
    result = otj(runner, "init", "--encrypt")
    assert result.exit_code == 2 and "otj encrypt" in result.output
    assert tree(demo) == before and not identities_dir().exists()


# -- nothing in plaintext on disk ----------------------------------------------------------


def test_no_note_text_reaches_the_disk(runner, notes: Path, tmp_path: Path, monkeypatch, clock):
    """Every command that writes or caches, then a search of every byte under the test's
    folder (notes, config, cache, state with its drafts, and the temp folder)."""
    temp = tmp_path / "tmp"
    temp.mkdir()
    monkeypatch.setenv("TMPDIR", str(temp))
    ok(otj(runner, "init", "--encrypt"))
    ok(otj(runner, "client", "add", "mia-k", "--name", "Mia K"))
    ok(otj(runner, "goal", "add", "mia-k", "--text", f"{PHRASE} goal", "--baseline", "-1"))
    ok(
        otj(
            runner, "log", "mia-k", *LOG, "--summary", f"{PHRASE} on the swing",
            "--activity", f"{PHRASE} obstacle course;min=15", "--goal", f"g1:+1:{PHRASE}",
            "--homework", f"{HW_PHRASE} practice",
        )
    )  # fmt: skip
    sid = json.loads(ok(otj(runner, "list", "--json")))["sessions"][0]["id"]
    ok(otj(runner, "amend", sid, "--kind", "addition", "--text", AMEND_PHRASE, "--by", "Sam"))
    ok(
        otj(
            runner,
            "homework",
            "log",
            "mia-k",
            "--no-input",
            "--kind",
            "journal",
            "--by",
            "Mia",
            "--text",
            HW_PHRASE,
        )
    )
    lock = keys.lock_of(notes)
    drafts = default_drafts(lock)
    from otjournal.clock import now

    draft = drafts.new("log", "mia-k", now(), {"plan": {"summary": f"{PHRASE} draft"}})
    drafts.save(draft, now())
    assert draft.path.name.endswith(".toml.age")
    assert [d.note for d in default_drafts(lock).entries()] == [draft.note]
    for args in (
        *READS,
        ["trends", "mia-k"],
        ["report", "mia-k"],
        ["show", sid],
        ["search", PHRASE.split()[0]],
        ["search", HW_PHRASE.split()[0]],
        ["search", AMEND_PHRASE.split()[0]],
    ):
        result = otj(runner, *args)
        assert result.exit_code in (0, 1), (args, result.output)
    seen = ok(otj(runner, "search", AMEND_PHRASE.split()[0]))
    assert AMEND_PHRASE.split()[0] in seen  # it is there to be found: only never on disk
    assert PHRASE in ok(otj(runner, "show", sid))

    found = []
    for dirpath, _, filenames in os.walk(tmp_path):
        for name in filenames:
            data = Path(dirpath, name).read_bytes()
            for phrase in (PHRASE, HW_PHRASE, AMEND_PHRASE):
                for form in (phrase, phrase.lower(), phrase.split()[0].lower()):
                    if form.encode() in data:
                        found.append((os.path.join(dirpath, name), form))
    assert found == []
    cache = list((tmp_path / "home" / "cache").rglob("records-*.sqlite"))
    assert cache, "the cache is still used (folder indexes, encrypted memos)"


def test_a_draft_takes_its_journals_mode_when_saved_again(runner, notes: Path):
    from otjournal.clock import now

    plain = default_drafts()
    draft = plain.new("log", "mia-k", now(), {"plan": {"summary": PHRASE}})
    plain.save(draft, now())
    before = draft.path
    assert before.name.endswith(".toml") and PHRASE.encode() in before.read_bytes()
    ok(otj(runner, "init", "--encrypt"))

    default_drafts(keys.lock_of(notes)).save(draft, now())

    assert not before.exists() and draft.path.name == f"{draft.id}.toml.age"
    assert PHRASE.encode() not in draft.path.read_bytes()
    (again,) = default_drafts().entries()
    assert again.id == draft.id and again.note == draft.note
    default_drafts().save(again, now())  # the journal decrypted since: plaintext again
    assert again.path.name == f"{draft.id}.toml" and not draft.path.exists()


def test_encrypting_deletes_a_cache_that_held_note_text(runner, demo: Path, tmp_path: Path):
    ok(otj(runner, "search", "swing"))  # the plaintext journal's cache: records, words
    cache = next((tmp_path / "home" / "cache").rglob("records-*.sqlite"))
    assert b"swing" in cache.read_bytes()

    ok(otj(runner, "encrypt", "--name", "laptop"))

    assert not cache.exists() or b"swing" not in cache.read_bytes()
    ok(otj(runner, "search", "swing"))
    ok(otj(runner, "trends"))
    assert b"swing" not in cache.read_bytes()


def test_a_foreign_memo_is_only_a_miss(runner, demo: Path, tmp_path: Path):
    """A memo row of the wrong shape (well encrypted: anyone can encrypt to a public key)
    is never used: the client is read from its files and the answer is the same."""
    import sqlite3

    ok(otj(runner, "encrypt"))
    first = [
        ok(otj(runner, *args)) for args in (["search", "swing"], ["export", "--format", "csv"])
    ]
    (cache,) = (tmp_path / "home" / "cache").rglob("records-*.sqlite")
    forged = agefile.encrypt(json.dumps([[1, "x", 2]]).encode(), [_own_key()])
    with contextlib.closing(sqlite3.connect(cache)) as db, db:
        changed = db.execute(
            "UPDATE memos SET data = ? WHERE name IN ('search-rows', 'export:sessions')",
            (forged,),
        ).rowcount
    assert changed > 0

    again = [
        ok(otj(runner, *args)) for args in (["search", "swing"], ["export", "--format", "csv"])
    ]

    assert again == first


# -- a device that cannot open it -----------------------------------------------------------


@pytest.fixture
def locked(runner, notes: Path) -> Path:
    ok(otj(runner, "init", "--encrypt"))
    ok(otj(runner, "client", "add", "mia-k", "--name", "Mia K"))
    ok(otj(runner, "log", "mia-k", *LOG, "--summary", PHRASE))
    return notes


def _refused(runner, root: Path, words: str) -> None:
    """Reading and writing both stop with exit 1, saying why; nothing changes."""
    before = tree(root)
    for args in (
        ["list"],
        ["trends"],
        ["check"],
        ["log", "mia-k", *LOG, "--summary", "more"],
        ["client", "add", "zoe-p", "--name", "Zoe"],
    ):
        result = otj(runner, *args)
        assert result.exit_code == 1, (args, result.output)
        assert words in " ".join(result.output.split()), (args, result.output)
        assert PHRASE not in result.output
    assert tree(root) == before


def test_a_device_without_a_key_is_told_and_changes_nothing(runner, locked: Path):
    shutil.rmtree(identities_dir())
    _refused(runner, locked, "this device has no key to open it")


def test_a_wrong_key_is_told_and_changes_nothing(runner, locked: Path):
    shutil.rmtree(identities_dir())
    _new_identity(identities_dir(), "default")
    _refused(runner, locked, "this device's key is not among its recipients")


def test_a_key_removed_on_another_device_is_told(runner, locked: Path):
    from otjournal.disk import convert

    mine = _own_key()
    other = _new_identity(identities_dir().parent / "elsewhere")
    ok(otj(runner, "keys", "add", other.public[0], "--name", "tablet"))
    agefile.remove_recipient(locked, mine)  # as the other device does, then re-encrypts
    convert.reencrypt_folder(locked, [other.public[0]], [other])

    _refused(runner, locked, "this device's key is not among its recipients")
    for p in _notes_files(locked):
        with pytest.raises(agefile.CipherError, match="none of this device's keys"):
            agefile.decrypt(p.read_bytes(), keys.identities(), p)


def test_a_tampered_note_is_a_located_problem_and_nothing_changes(runner, locked: Path):
    (path,) = (locked / "clients" / "mia-k" / "sessions").iterdir()
    raw = bytearray(path.read_bytes())
    raw[-20] ^= 0x01
    path.write_bytes(bytes(raw))
    before = tree(locked)

    checked = otj(runner, "check")
    shown = otj(runner, "show", path.name.split(".")[0])

    assert checked.exit_code == 1
    assert path.name in checked.output and "damaged" in checked.output
    assert shown.exit_code == 1
    assert PHRASE not in checked.output + shown.output
    assert tree(locked) == before


def test_an_identity_open_to_others_is_refused(runner, locked: Path):
    key = identities_dir() / "default.txt"
    key.chmod(0o644)
    result = otj(runner, "list")
    assert result.exit_code == 1 and "open to others" in result.output
    assert "AGE-SECRET-KEY" not in result.output


# -- the standard age tool -------------------------------------------------------------------


@needs_age
def test_age_opens_what_otj_writes_and_otj_reads_what_age_writes(runner, locked: Path):
    identity = identities_dir() / "default.txt"
    (note,) = (locked / "clients" / "mia-k" / "sessions").iterdir()
    opened = subprocess.run(
        ["age", "-d", "-i", str(identity), str(note)], capture_output=True, check=True
    ).stdout
    assert PHRASE.encode() in opened and opened.startswith(b"# otjournal record")

    mine = opened.replace(PHRASE.encode(), b"Written by age").replace(
        note.name.split(".")[0].encode(), b"2026-03-01_0900_abcde"
    )
    target = note.with_name("2026-03-01_0900_abcde.toml.age")
    subprocess.run(
        ["age", "-R", str(agefile.recipients_path(locked)), "-o", str(target)],
        input=mine,
        check=True,
    )
    shown = ok(otj(runner, "show", "2026-03-01_0900_abcde"))
    assert "Written by age" in shown
    assert "2026-03-01_0900_abcde" in ok(otj(runner, "list"))


# -- keys come and go ------------------------------------------------------------------------


def test_keys_add_and_remove_encrypt_every_note_again(runner, locked: Path):
    tablet = _new_identity(identities_dir().parent / "tablet")
    listed = ok(otj(runner, "keys", "list"))
    assert "(this device)" in listed and _own_key() in listed

    out = ok(otj(runner, "keys", "add", tablet.public[0], "--name", "tablet"))

    assert "2 notes encrypted again" in out
    for p in _notes_files(locked):
        assert agefile.decrypt(p.read_bytes(), [tablet], p)
    assert "tablet" in ok(otj(runner, "keys", "list"))

    out = ok(otj(runner, "keys", "remove", tablet.public[0]))

    assert "Removed the key of tablet" in out
    for p in _notes_files(locked):
        with pytest.raises(agefile.CipherError):
            agefile.decrypt(p.read_bytes(), [tablet], p)
    assert ok(otj(runner, "list")).count("mia-k") == 1


def test_a_key_added_behind_this_devices_back_stops_every_write(runner, locked: Path):
    """Anyone who can write to the synced folder can add a key to recipients.txt: this
    device then writes nothing (a new note would open with that key) until told."""
    stranger = _new_identity(locked.parent / "stranger")
    with agefile.recipients_path(locked).open("a") as fh:
        fh.write(f"\n# looks harmless\n{stranger.public[0]}\n")
    before = tree(locked)

    for args in (
        ["log", "mia-k", *LOG, "--summary", "more"],
        ["log", "mia-k"],  # the guided prompts: stopped before the first question
        ["homework", "log", "mia-k"],
        ["goal", "add", "mia-k", "--text", "Climb", "--baseline", "-1"],
        ["encrypt"],
        ["keys", "add", _new_identity(locked.parent / "t").public[0], "--name", "t"],
    ):
        result = otj(runner, *args)
        assert result.exit_code == 1, (args, result.output)
        assert "not agreed to" in " ".join(result.output.split()), result.output
    assert tree(locked) == before
    assert ok(otj(runner, "list")).count("mia-k") == 1  # reading goes on
    listed = json.loads(ok(otj(runner, "keys", "list", "--json")))["keys"]
    assert [(k["name"], k["agreed"]) for k in listed] == [
        (listed[0]["name"], True),
        ("looks harmless", False),
    ]
    assert "not agreed to here" in ok(otj(runner, "keys", "list"))

    ok(otj(runner, "keys", "trust", stranger.public[0]))

    ok(otj(runner, "log", "mia-k", *LOG, "--summary", "more", *PAST))
    newest = max((locked / "clients" / "mia-k" / "sessions").iterdir(), key=os.path.getmtime)
    assert agefile.decrypt(newest.read_bytes(), [stranger], newest)


def test_a_device_joining_agrees_to_the_keys_listed_then(runner, locked: Path, monkeypatch):
    other = locked.parent / "other-config"
    ok(
        otj(
            runner,
            "keys",
            "add",
            _new_identity(other / "otjournal" / "identities", "default").public[0],
            "--name",
            "tablet",
        )
    )
    monkeypatch.setenv("XDG_CONFIG_HOME", str(other))

    ok(otj(runner, "log", "mia-k", *LOG, "--summary", "from the tablet", *PAST))

    assert "not agreed" not in ok(otj(runner, "keys", "list"))


def test_keys_on_a_plaintext_journal_change_nothing(runner, demo: Path):
    other = _new_identity(demo.parent / "elsewhere")
    before = tree(demo)
    for args, code, words in (
        (["keys", "add", other.public[0], "--name", "tablet"], 1, "not encrypted"),
        (["keys", "remove", other.public[0]], 1, "not encrypted"),
        (["keys", "trust", other.public[0]], 1, "not encrypted"),
        (["decrypt"], 0, "not encrypted: nothing to do"),
        (["keys", "list"], 0, "not encrypted"),
    ):
        result = otj(runner, *args)
        assert (result.exit_code, words in result.output) == (code, True), (args, result.output)
    assert tree(demo) == before


def test_this_devices_own_key_is_not_removed_here(runner, locked: Path):
    before = tree(locked)
    result = otj(runner, "keys", "remove", _own_key())
    assert result.exit_code == 1 and "this device's own key" in result.output
    assert tree(locked) == before


def test_keys_show_prints_the_public_key_only(runner, locked: Path):
    out = ok(otj(runner, "keys", "show"))
    assert out.strip() == _own_key() and "SECRET" not in out


# -- conflict copies of encrypted notes -------------------------------------------------------


def test_a_sync_tools_copy_of_an_encrypted_note_is_set_aside_and_resolved(runner, locked: Path):
    (note,) = (locked / "clients" / "mia-k" / "sessions").iterdir()
    text = agefile.decrypt(note.read_bytes(), keys.identities(), note)
    copy = note.with_name(note.name[: -len(".age")] + ".sync-conflict-20260306-101010-ABCDEFG.age")
    changed = text.replace(PHRASE.encode(), b"Edited on the other device")
    copy.write_bytes(agefile.encrypt(changed, [_own_key()]))
    copy.chmod(0o600)

    listed = json.loads(ok(otj(runner, "conflicts", "--json")))["conflicts"]
    checked = otj(runner, "check")

    assert [c["tool"] for c in listed] == ["Syncthing"]
    shown = ok(otj(runner, "conflicts"))
    assert "+  summary = 'Edited on the other device'" in shown or "Edited on the other" in shown
    assert "age-encryption.org" not in shown and PHRASE in shown  # compared as text
    assert checked.exit_code == 1 and "sync conflict copy" in checked.output
    assert ok(otj(runner, "list")).count("mia-k") == 1  # never counted twice

    ok(otj(runner, "conflicts", "resolve", copy.name, "--keep", "copy", "--yes"))

    assert not copy.exists() and note.exists()
    assert agefile.decrypt(note.read_bytes(), keys.identities(), note) == changed
    assert "Edited on the other device" in ok(otj(runner, "show", note.name.split(".")[0]))
    assert ok(otj(runner, "check")) == ""


@pytest.mark.parametrize("where", ["before .toml.age", "before .age"])
@pytest.mark.parametrize("kind", sorted(PATTERNS))
def test_every_sync_tools_copy_of_an_encrypted_note_is_recognised(
    runner, locked: Path, kind: str, where: str
):
    """A tool may put its mark before the whole ending (``X (1).toml.age``) or before the
    last extension only (``X.toml (1).age``): either way the copy is set aside, never
    counted as a second note."""
    template, tool = PATTERNS[kind]
    (note,) = (locked / "clients" / "mia-k" / "sessions").iterdir()
    stem = note.name.removesuffix(".toml.age")
    if where == "before .toml.age":
        name = template.format(stem=stem) + ".toml.age"
    else:
        name = template.format(stem=f"{stem}.toml") + ".age"
    copy = note.with_name(name)
    copy.write_bytes(note.read_bytes())
    copy.chmod(0o600)

    listed = json.loads(ok(otj(runner, "conflicts", "--json")))["conflicts"]

    assert [(c["copy"].rsplit("/", 1)[1], c["tool"]) for c in listed] == [(name, tool)]
    assert listed[0]["original"].endswith(note.name)
    assert ok(otj(runner, "list")).count("mia-k") == 1


def test_a_plaintext_form_beside_its_encrypted_one_counts_once(runner, locked: Path):
    (note,) = (locked / "clients" / "mia-k" / "sessions").iterdir()
    plain = note.with_name(note.name[: -len(".age")])
    plain.write_bytes(agefile.decrypt(note.read_bytes(), keys.identities(), note))
    plain.chmod(0o600)

    checked = otj(runner, "check")

    assert "an encryption was interrupted" in " ".join(checked.output.split())
    assert ok(otj(runner, "list")).count("mia-k") == 1
    ok(otj(runner, "encrypt"))
    assert not plain.exists() and ok(otj(runner, "check")) == ""


def test_a_plaintext_note_in_an_encrypted_journal_is_read_and_named(runner, locked: Path):
    (note,) = (locked / "clients" / "mia-k" / "sessions").iterdir()
    text = agefile.decrypt(note.read_bytes(), keys.identities(), note)
    stray = note.with_name("2026-03-01_0900_abcde.toml")
    stray.write_bytes(text.replace(note.name.split(".")[0].encode(), b"2026-03-01_0900_abcde"))
    stray.chmod(0o600)

    checked = otj(runner, "check")

    assert checked.exit_code == 0  # a warning: the note is read and counted
    assert f"{stray.name}:" in checked.output and "not encrypted" in checked.output
    assert ok(otj(runner, "list")).count("mia-k") == 2
    ok(otj(runner, "encrypt"))
    assert not stray.exists() and stray.with_name(stray.name + ".age").exists()
    assert "not encrypted" not in ok(otj(runner, "check"))  # (the copy overlaps its note)


def test_homework_imported_into_an_encrypted_journal_is_encrypted(runner, tmp_path: Path):
    elsewhere = tmp_path / "elsewhere"
    ok(otj(runner, "client", "add", "mia-k", "--name", "Mia K", "--dir", str(elsewhere)))
    ok(
        otj(
            runner, "homework", "log", "mia-k", "--no-input", "--kind", "journal", "--by",
            "Mia", "--text", HW_PHRASE, "--dir", str(elsewhere),
        )
    )  # fmt: skip
    shared = tmp_path / "shared.toml"
    ok(otj(runner, "homework", "export", "mia-k", "-o", str(shared), "--dir", str(elsewhere)))
    ok(otj(runner, "init", "--encrypt"))
    ok(otj(runner, "client", "add", "mia-k", "--name", "Mia K"))

    ok(otj(runner, "homework", "import", str(shared)))
    again = ok(otj(runner, "homework", "import", str(shared)))

    (entry,) = (tmp_path / "notes" / "clients" / "mia-k" / "homework").iterdir()
    assert entry.name.endswith(".toml.age") and HW_PHRASE.encode() not in entry.read_bytes()
    assert HW_PHRASE.encode() in agefile.decrypt(entry.read_bytes(), keys.identities(), entry)
    assert "0 added, 1 already here" in again  # recognised through its encryption
    assert len(list(entry.parent.iterdir())) == 1


# -- two devices, one git remote ----------------------------------------------------------------


def _device(monkeypatch, home: Path, name: str) -> None:
    """The commands that follow run as device ``name``: its own config (and key), state
    (seal log, drafts) and cache."""
    for var, sub in (
        ("XDG_CONFIG_HOME", "config"),
        ("XDG_STATE_HOME", "state"),
        ("XDG_CACHE_HOME", "cache"),
    ):
        monkeypatch.setenv(var, str(home / name / sub))


@needs_git
def test_two_devices_with_their_own_keys_sync_notes_each_can_read(
    runner, tmp_path: Path, monkeypatch
):
    remote = tmp_path / "remote.git"
    subprocess.run(["git", "init", "-q", "--bare", str(remote)], check=True, capture_output=True)
    a, b, home = tmp_path / "a", tmp_path / "b", tmp_path / "home"

    _device(monkeypatch, home, "b")
    b_key = ok(otj(runner, "keys", "new")).strip().splitlines()[-1]
    _device(monkeypatch, home, "a")
    ok(otj(runner, "init", "--git", "--remote", str(remote), "--encrypt", "--dir", str(a)))
    ok(otj(runner, "client", "add", "mia-k", "--name", "Mia K", "--dir", str(a)))
    ok(otj(runner, "keys", "add", b_key, "--name", "b", "--dir", str(a)))
    ok(otj(runner, "log", "mia-k", *LOG, "--summary", "From A", "--dir", str(a)))
    ok(otj(runner, "sync", "--dir", str(a)))

    _device(monkeypatch, home, "b")
    ok(otj(runner, "init", "--git", "--remote", str(remote), "--dir", str(b)))
    assert "From A" in ok(otj(runner, "show", "--dir", str(b), _ids(runner, b)[0]))
    ok(
        otj(
            runner,
            "log",
            "mia-k",
            *LOG,
            "--summary",
            "From B",
            *PAST,
            "--dir",
            str(b),
        )
    )
    ok(otj(runner, "sync", "--dir", str(b)))

    _device(monkeypatch, home, "a")
    ok(otj(runner, "sync", "--dir", str(a)))
    assert len(_ids(runner, a)) == 2
    texts = [ok(otj(runner, "show", i, "--dir", str(a))) for i in _ids(runner, a)]
    assert any("From B" in t for t in texts) and any("From A" in t for t in texts)
    tracked = subprocess.run(
        ["git", "ls-files"], cwd=a, capture_output=True, text=True, check=True
    ).stdout.split()
    assert all(not f.endswith(".toml") for f in tracked if f.startswith("clients/"))
    assert ".otjournal/recipients.txt" in tracked

    # Both amend one note: git cannot merge age files, so both sides are kept.
    sid = _ids(runner, a)[0]

    def amend(folder: Path, text: str) -> None:
        ok(
            otj(
                runner,
                "amend",
                sid,
                "--kind",
                "addition",
                "--text",
                text,
                "--by",
                text,
                "--dir",
                str(folder),
            )
        )

    amend(a, "On A")
    ok(otj(runner, "sync", "--dir", str(a)))
    _device(monkeypatch, home, "b")
    amend(b, "On B")
    synced = otj(runner, "sync", "--dir", str(b))
    assert synced.exit_code in (0, 1), synced.output
    copies = json.loads(ok(otj(runner, "conflicts", "--json", "--dir", str(b))))["conflicts"]
    assert len(copies) == 1, copies
    ok(
        otj(
            runner,
            "conflicts",
            "resolve",
            copies[0]["copy"],
            "--keep",
            "merge",
            "--yes",
            "--dir",
            str(b),
        )
    )
    shown = ok(otj(runner, "show", sid, "--dir", str(b)))
    assert "On A" in shown and "On B" in shown
    assert ok(otj(runner, "check", "--dir", str(b))) == ""


def _ids(runner, folder: Path) -> list[str]:
    listed = json.loads(ok(otj(runner, "list", "--json", "--dir", str(folder))))
    return sorted(s["id"] for s in listed["sessions"])


def test_a_sealed_note_gone_is_named_as_it_was_there(runner, locked: Path):
    """In an encrypted journal the note was X.toml.age: that is the name to restore."""
    (note,) = (locked / "clients" / "mia-k" / "sessions").glob("*.toml.age")
    note.unlink()
    result = otj(runner, "check", "--json")
    gone = [
        p
        for p in json.loads(result.stdout)["problems"]
        if "not where it was sealed" in p["message"]
    ]
    assert [p["path"] for p in gone] == [note.relative_to(locked).as_posix()]
