"""A notes folder converted between plaintext and age files (issue 18): every state an
interruption can leave settles on a rerun, a refused run changes nothing, and no
plaintext is left in the folder."""

from __future__ import annotations

import os
import random
import shutil
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest

from otjournal import paths
from otjournal.demo import write_demo
from otjournal.disk import agefile, convert
from otjournal.disk.agefile import Identity
from otjournal.disk.store import Journal
from otjournal.errors import CipherError, CipherErrors, KeyFileError
from tests.conftest import Clock
from tests.helpers import tree

PHRASE = b"Zephyrine counted the lighthouse stairs"
COPY = "2026-03-05_1430_k3f9q.sync-conflict-20260306-101010-ABCDEFG.toml"


def _identity(clock: Clock, name: str = "default") -> Identity:
    return agefile.create_identity(agefile.identity_path(paths.identities_dir(), name), clock.now())


def _note(text: str) -> bytes:
    return f'format_version = 1\nsummary = "{text}"\n'.encode() + PHRASE + b"\n"


def _journal(root: Path) -> dict[str, bytes]:
    """A small journal written file by file: every kind of note-like file, in its folder."""
    files = {
        "clients/mia-k/client.toml": _note("client"),
        "clients/mia-k/sessions/2026-03-05_1430_k3f9q.toml": _note("one"),
        "clients/mia-k/sessions/2026-03-06_0900_a2b3c.toml": _note("two"),
        f"clients/mia-k/sessions/{COPY}": _note("copy"),
        "clients/mia-k/homework/2026-03-07_0730_x8a2m.toml": _note("hw"),
        "clients/mia-k/client (conflicted copy 2026-03-06 101010).toml": _note("c2"),
        ".otjournal/resolved/20260306-101010/clients/mia-k/sessions/x.toml": _note("old"),
    }
    for rel, data in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        path.write_bytes(data)
    return files


def _start(clock: Clock, root: Path) -> tuple[Identity, list[str]]:
    me = _identity(clock)
    agefile.add_recipient(root, me.public[0], "laptop")
    return me, [r.key for r in agefile.read_recipients(agefile.recipients_path(root))]


def _grep(root: Path, needle: bytes) -> list[Path]:
    found = [p for p in root.rglob("*") if p.is_file() and needle in p.read_bytes()]
    return found


def test_a_folder_round_trips_and_no_plaintext_is_left(clock: Clock, notes: Path) -> None:
    files = _journal(notes)
    seals = notes / ".otjournal" / "seals" / "dev.log"
    seals.parent.mkdir(parents=True)
    seals.write_bytes(b"v1\tnot a note\n")
    me, keys = _start(clock, notes)
    assert _grep(notes, PHRASE)
    summary = convert.encrypt_folder(notes, keys, [me])
    assert (summary.converted, summary.settled, summary.already) == (len(files), 0, 0)
    assert summary.conflict_copies == 2 and summary.temps == []
    assert _grep(notes, PHRASE) == []
    for rel, data in files.items():
        assert not (notes / rel).exists()
        sealed = notes / (rel + ".age")
        assert sealed.stat().st_mode & 0o777 == 0o600
        assert agefile.decrypt(sealed.read_bytes(), [me], sealed) == data
    assert seals.read_bytes() == b"v1\tnot a note\n"  # not a note: left as it is
    again = convert.encrypt_folder(notes, keys, [me])
    assert (again.converted, again.already) == (0, len(files))
    back = convert.decrypt_folder(notes, [me])
    assert back.converted == len(files)
    for rel, data in files.items():
        assert (notes / rel).read_bytes() == data
        assert not (notes / (rel + ".age")).exists()


@pytest.mark.skipif(shutil.which("age") is None, reason="the age tool is not installed")
def test_age_opens_a_converted_demo_journal(clock: Clock, notes: Path) -> None:
    write_demo(Journal(notes), seed=3, end=date(2026, 3, 7), sessions=8)
    originals = {p: p.read_bytes() for p in notes.rglob("*.toml")}
    assert originals
    me, keys = _start(clock, notes)
    convert.encrypt_folder(notes, keys, [me])
    for path, data in originals.items():
        out = subprocess.run(
            ["age", "-d", "-i", str(me.path), f"{path}.age"], capture_output=True, check=True
        )
        assert out.stdout == data


def test_an_interrupted_run_is_settled_by_the_next(clock: Clock, notes: Path) -> None:
    files = _journal(notes)
    me, keys = _start(clock, notes)
    rels = sorted(files)
    # State 2 for one note (published, not yet removed), state 3 for another.
    for rel in rels[:2]:
        (notes / (rel + ".age")).write_bytes(agefile.encrypt(files[rel], keys))
    (notes / rels[1]).unlink()
    summary = convert.encrypt_folder(notes, keys, [me])
    assert (summary.converted, summary.settled, summary.already) == (len(files) - 2, 1, 1)
    assert not list(notes.rglob("*.toml"))
    # And back: one note left in both forms by an interrupted decrypt.
    (notes / rels[0]).write_bytes(files[rels[0]])
    summary = convert.decrypt_folder(notes, [me])
    assert (summary.settled, summary.converted) == (1, len(files) - 1)
    assert not list(notes.rglob("*.age"))


def _refused(notes: Path, run: object, words: str) -> CipherErrors:
    before = tree(notes)
    with pytest.raises(CipherErrors, match=words) as caught:
        run()  # type: ignore[operator]
    assert tree(notes) == before
    assert caught.value.exit_code == 1 and caught.value.problems
    assert PHRASE.decode() not in str(caught.value)
    return caught.value


def test_two_different_forms_stop_the_run_before_any_change(clock: Clock, notes: Path) -> None:
    files = _journal(notes)
    me, keys = _start(clock, notes)
    rel = sorted(files)[-1]
    (notes / (rel + ".age")).write_bytes(agefile.encrypt(b"another note", keys))
    err = _refused(notes, lambda: convert.encrypt_folder(notes, keys, [me]), "different note")
    assert err.path == notes / (rel + ".age")
    _refused(notes, lambda: convert.decrypt_folder(notes, [me]), "different note")


def test_a_wrong_key_a_tampered_or_a_cut_file_changes_nothing(clock: Clock, notes: Path) -> None:
    files = _journal(notes)
    me, keys = _start(clock, notes)
    convert.encrypt_folder(notes, keys, [me])
    stranger = _identity(clock, "stranger")
    err = _refused(notes, lambda: convert.decrypt_folder(notes, [stranger]), "none of this")
    assert len(err.problems) == len(files)
    sealed = sorted(notes.rglob("*.age"))
    assert len(sealed) == len(files)
    data = sealed[2].read_bytes()
    sealed[2].write_bytes(data[:-1] + bytes([data[-1] ^ 1]))
    err = _refused(notes, lambda: convert.decrypt_folder(notes, [me]), "damaged")
    assert [p.path for p in err.problems] == [sealed[2]]
    sealed[2].write_bytes(data[: len(data) // 2])
    _refused(notes, lambda: convert.decrypt_folder(notes, [me]), "damaged")
    sealed[2].write_bytes(b"")
    _refused(notes, lambda: convert.decrypt_folder(notes, [me]), "the file is empty")


def test_a_journal_this_device_could_not_read_is_refused(clock: Clock, notes: Path) -> None:
    _journal(notes)
    me, keys = _start(clock, notes)
    other = _identity(clock, "other")
    before = tree(notes)
    with pytest.raises(KeyFileError, match="none of this device's keys is among"):
        convert.encrypt_folder(notes, keys, [other])
    with pytest.raises(KeyFileError, match="not an age public key"):
        convert.encrypt_folder(notes, [*keys, "age1broken"], [me])
    assert tree(notes) == before


def test_symlinks_and_stray_age_copies_are_refused(clock: Clock, notes: Path) -> None:
    files = _journal(notes)
    me, keys = _start(clock, notes)
    elsewhere = notes.parent / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "client.toml").write_bytes(_note("linked"))
    (notes / "clients" / "sam").symlink_to(elsewhere)
    _refused(notes, lambda: convert.encrypt_folder(notes, keys, [me]), "a symlink")
    (notes / "clients" / "sam").unlink()
    convert.encrypt_folder(notes, keys, [me])
    # A sync tool's copy of an encrypted note: decrypted, its name would mean nothing.
    stray = notes / "clients/mia-k/sessions/2026-03-05_1430_k3f9q.toml.sync-conflict-x.age"
    stray.write_bytes(agefile.encrypt(b"x", keys))
    _refused(notes, lambda: convert.decrypt_folder(notes, [me]), "not named like a note")
    _refused(notes, lambda: convert.reencrypt_folder(notes, keys, [me]), "not named like")
    assert convert.encrypt_folder(notes, keys, [me]).already == len(files)


def test_temp_files_are_removed_when_encrypting_listed_when_decrypting(
    clock: Clock, notes: Path
) -> None:
    _journal(notes)
    me, keys = _start(clock, notes)
    temp = notes / "clients/mia-k/sessions/.otj-abc.part"
    temp.write_bytes(PHRASE)  # an interrupted save's plaintext
    mine = notes / "clients/mia-k/.hidden-by-the-person"
    mine.write_bytes(b"not otjournal's")
    summary = convert.encrypt_folder(notes, keys, [me])
    assert summary.temps == [temp] and not temp.exists()
    assert mine.read_bytes() == b"not otjournal's"
    temp.write_bytes(b"x")
    assert convert.decrypt_folder(notes, [me]).temps == [temp] and temp.exists()


class _Stop(Exception):
    pass


def test_a_removed_key_opens_nothing_once_reencrypted(clock: Clock, notes: Path) -> None:
    files = _journal(notes)
    me, _ = _start(clock, notes)
    old = _identity(clock, "old-laptop")
    agefile.add_recipient(notes, old.public[0], "old laptop")
    both = [r.key for r in agefile.read_recipients(agefile.recipients_path(notes))]
    convert.encrypt_folder(notes, both, [me])
    agefile.remove_recipient(notes, old.public[0])
    keys = [r.key for r in agefile.read_recipients(agefile.recipients_path(notes))]
    assert keys == [me.public[0]]
    done: list[Path] = []

    def interrupt(what: str, path: Path) -> None:
        done.append(path)
        if len(done) == 3:
            raise _Stop

    with pytest.raises(_Stop):  # interrupted: each note opens, in its old or new form
        convert.reencrypt_folder(notes, keys, [me], interrupt)
    sealed = sorted(notes.rglob("*.age"))
    assert len(sealed) == len(files)
    opens_old = 0
    for path in sealed:
        rel = str(path.relative_to(notes))[: -len(".age")]
        assert agefile.decrypt(path.read_bytes(), [me], path) == files[rel]
        opens_old += _opens(path, old)
    assert opens_old == len(files) - 3
    summary = convert.reencrypt_folder(notes, keys, [me])
    assert summary.converted == len(files)
    assert not any(_opens(path, old) for path in sealed)
    assert all(p.stat().st_mode & 0o777 == 0o600 for p in sealed)
    # A note still in plaintext (an interrupted encryption) is finished first.
    (notes / sorted(files)[0]).write_bytes(files[sorted(files)[0]])
    _refused(notes, lambda: convert.reencrypt_folder(notes, keys, [me]), "not encrypted yet")
    with pytest.raises(KeyFileError, match="none of this device's keys"):
        convert.reencrypt_folder(notes, keys, [old])


def _opens(path: Path, who: Identity) -> bool:
    try:
        agefile.decrypt(path.read_bytes(), [who], path)
    except CipherError:
        return False
    return True


# -- killed at random moments -----------------------------------------------------------

CHILD = """
import random, sys, time
from pathlib import Path
from otjournal.disk import agefile, convert

root, direction, key, pause = Path(sys.argv[1]), sys.argv[2], Path(sys.argv[3]), float(sys.argv[4])
me = agefile.load_identity(key)
keys = [r.key for r in agefile.read_recipients(agefile.recipients_path(root))]

def step(what, path):  # the test's only hook: a short wait between durable steps
    time.sleep(random.uniform(0, pause))

print("go", flush=True)
if direction == "encrypt":
    convert.encrypt_folder(root, keys, [me], step)
else:
    convert.decrypt_folder(root, [me], step)
"""


def _recoverable(root: Path, originals: dict[str, bytes], me: Identity) -> tuple[int, int]:
    """Every original note is there in one form or both, each form its exact bytes."""
    plain = sealed = 0
    for rel, data in originals.items():
        path, age = root / rel, root / (rel + ".age")
        assert path.exists() or age.exists(), f"{rel} is lost"
        if path.exists():
            assert path.read_bytes() == data, rel
            plain += 1
        if age.exists():
            assert agefile.decrypt(age.read_bytes(), [me], age) == data, rel
            sealed += 1
    return plain, sealed


def _sessions_listed(root: Path) -> int:
    """How many sessions ``otj list`` counts in the folder as it is (each note once,
    in whichever form it is found: a plaintext form beside its age file is not read)."""
    import json

    from otjournal.cli import app
    from tests.helpers import Runner

    result = Runner().invoke(app, ["list", "--json", "--dir", str(root)])
    assert result.exit_code == 0, result.output
    return len(json.loads(result.stdout)["sessions"])


@pytest.mark.slow
def test_conversion_killed_at_random_moments_loses_nothing(
    clock: Clock, notes: Path, tmp_path: Path
) -> None:
    write_demo(Journal(notes), seed=11, end=date(2026, 3, 7), sessions=54)
    originals = {
        str(p.relative_to(notes)): p.read_bytes()
        for p in notes.rglob("*.toml")
        if ".otjournal" not in p.parts
    }
    assert len(originals) >= 200
    sessions = sum("/sessions/" in rel for rel in originals)
    me, _ = _start(clock, notes)
    rng = random.Random(18)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    kills = finished = mixed = both = 0  # kills mid-way; kills between publish and remove
    direction = "encrypt"
    deadline = time.monotonic() + 105
    while kills < 120 and time.monotonic() < deadline:
        child = subprocess.Popen(
            [sys.executable, "-c", CHILD, str(notes), direction, str(me.path), "0.002"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
        )
        assert child.stdout is not None and child.stdout.readline() == b"go\n"
        time.sleep(rng.uniform(0, 0.4))
        child.kill()
        _, err = child.communicate()
        if child.returncode == -9:
            kills += 1
        else:
            assert child.returncode == 0, err.decode()
            finished += 1
        plain, sealed = _recoverable(notes, originals, me)
        mixed += 0 < plain < len(originals) or 0 < sealed < len(originals)
        both += plain + sealed > len(originals)
        if kills % 12 == 1 and child.returncode == -9:  # what otj reads: each note once
            assert _sessions_listed(notes) == sessions, (plain, sealed)
        if child.returncode == 0:  # a finished run leaves one form only
            expect = (0, len(originals)) if direction == "encrypt" else (len(originals), 0)
            assert (plain, sealed) == expect
            direction = "decrypt" if direction == "encrypt" else "encrypt"
    assert kills >= 100, f"only {kills} kills in time ({finished} runs finished)"
    assert mixed >= kills // 2 and both > 0, (mixed, both)  # the kills hit mid-conversion
    # A final rerun completes: only age files, then back to the very same bytes.
    convert.encrypt_folder(notes, [me.public[0]], [me])
    assert _recoverable(notes, originals, me) == (0, len(originals))
    assert not list(notes.rglob("*.toml"))
    assert _grep(notes, originals[sorted(originals)[1]][-60:]) == []
    convert.decrypt_folder(notes, [me])
    assert _recoverable(notes, originals, me) == (len(originals), 0)
