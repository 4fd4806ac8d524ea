"""Encryption at rest (issue 18): the identity, the recipients file and age bytes, checked
against the real ``age`` tool where it is installed (Debian package ``age``)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from otjournal import paths
from otjournal.disk import agefile
from otjournal.disk.agefile import Identity
from otjournal.errors import EMPTY_HINT, CipherError, KeyFileError
from tests.conftest import Clock
from tests.helpers import tree

AGE = shutil.which("age")
needs_age = pytest.mark.skipif(
    AGE is None or shutil.which("age-keygen") is None,
    reason="the age tool is not installed (Debian: apt-get install age)",
)
NOTE = b'format_version = 1\nkind = "session"\nsummary = "Mia built the blue tunnel again"\n'


def _identity(clock: Clock, name: str = "default") -> Identity:
    return agefile.create_identity(agefile.identity_path(paths.identities_dir(), name), clock.now())


def _secret(identity: Identity) -> str:
    lines = identity.path.read_text().splitlines()
    return next(line for line in lines if line.startswith("AGE-SECRET-KEY-1"))


# -- identity ---------------------------------------------------------------------------


def test_identity_is_written_as_age_keygen_writes_it(clock: Clock) -> None:
    me = _identity(clock)
    assert me.path == paths.identities_dir() / "default.txt"
    assert me.path.stat().st_mode & 0o777 == 0o600
    assert me.path.parent.stat().st_mode & 0o777 == 0o700
    lines = me.path.read_text().splitlines()
    assert lines[0] == "# created: 2026-03-07T06:00:00Z"  # the stopped clock, in UTC
    assert lines[1] == f"# public key: {me.public[0]}"
    assert lines[2].startswith("AGE-SECRET-KEY-1") and len(lines) == 3
    again = agefile.load_identity(me.path)
    assert again.public == me.public
    assert _secret(me) not in repr(again)


@needs_age
def test_age_keygen_reads_our_identity_and_we_read_its(clock: Clock, tmp_path: Path) -> None:
    me = _identity(clock)
    shown = subprocess.run(
        ["age-keygen", "-y", str(me.path)], capture_output=True, text=True, check=True
    )
    assert shown.stdout.strip() == me.public[0]
    theirs = tmp_path / "theirs.txt"
    subprocess.run(["age-keygen", "-o", str(theirs)], capture_output=True, check=True)
    public = theirs.read_text().splitlines()[1].split(": ")[1]
    assert agefile.load_identity(theirs).public == (public,)


def test_an_identity_is_never_overwritten(clock: Clock) -> None:
    me = _identity(clock)
    before = me.path.read_bytes()
    with pytest.raises(KeyFileError, match="already there"):
        _identity(clock)
    assert me.path.read_bytes() == before


def test_an_identity_name_is_a_slug() -> None:
    with pytest.raises(KeyFileError, match="lower-case"):
        agefile.identity_path(paths.identities_dir(), "../notes")


def test_missing_identity_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "nowhere.txt"
    with pytest.raises(KeyFileError, match="no identity") as caught:
        agefile.load_identity(path)
    assert caught.value.path == path and caught.value.exit_code == 1
    assert caught.value.hint and "age-keygen" in caught.value.hint


def test_an_identity_open_to_others_is_refused(clock: Clock) -> None:
    me = _identity(clock)
    os.chmod(me.path, 0o640)
    with pytest.raises(KeyFileError, match="open to others \\(mode 640\\)") as caught:
        agefile.load_identity(me.path)
    assert caught.value.hint and "chmod 600" in caught.value.hint
    assert _secret(me) not in str(caught.value) + (caught.value.hint or "")
    assert me.path.stat().st_mode & 0o777 == 0o640  # told, not changed behind the back


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("# created: x\nAGE-SECRET-KEY-1QQQQ\n", 2, "not a valid age secret key"),
        ("# only comments\n\n", None, "holds no age secret key"),
        ("# a\n# b\nhello there\n", 3, "not an age secret key"),
    ],
)
def test_a_malformed_identity_is_located(
    tmp_path: Path, text: str, line: int | None, words: str
) -> None:
    path = tmp_path / "id.txt"
    fd = os.open(path, os.O_CREAT | os.O_WRONLY, 0o600)
    os.write(fd, text.encode())
    os.close(fd)
    with pytest.raises(KeyFileError, match=words) as caught:
        agefile.load_identity(path)
    assert (caught.value.path, caught.value.line) == (path, line)
    assert "QQQQ" not in str(caught.value) and "hello" not in str(caught.value)


# -- recipients -------------------------------------------------------------------------


def test_recipients_are_added_listed_and_removed(clock: Clock, notes: Path) -> None:
    laptop, backup = _identity(clock, "laptop"), _identity(clock, "backup")
    agefile.add_recipient(notes, laptop.public[0], "laptop")
    agefile.add_recipient(notes, backup.public[0], "backup key,   kept offline")
    path = agefile.recipients_path(notes)
    assert path == notes / ".otjournal" / "recipients.txt"
    assert path.stat().st_mode & 0o777 == 0o600
    listed = agefile.read_recipients(path)
    assert [(r.key, r.label) for r in listed] == [
        (laptop.public[0], "laptop"),
        (backup.public[0], "backup key, kept offline"),
    ]
    assert [path.read_text().splitlines()[r.line - 1] for r in listed] == [r.key for r in listed]
    with pytest.raises(KeyFileError, match="listed already"):
        agefile.add_recipient(notes, laptop.public[0], "again")
    gone = agefile.remove_recipient(notes, laptop.public[0])
    assert gone.label == "laptop"
    assert [r.key for r in agefile.read_recipients(path)] == [backup.public[0]]
    assert "laptop" not in path.read_text()
    assert path.read_text().startswith(agefile.RECIPIENTS_HEADER)
    with pytest.raises(KeyFileError, match="only key"):
        agefile.remove_recipient(notes, backup.public[0])


def test_a_bad_recipients_line_is_located(clock: Clock, notes: Path) -> None:
    me = _identity(clock)
    agefile.add_recipient(notes, me.public[0], "laptop")
    path = agefile.recipients_path(notes)
    with path.open("a") as fh:
        fh.write("# tablet\nage1notakey\n")
    before = tree(notes)
    with pytest.raises(KeyFileError, match="not an age public key") as caught:
        agefile.read_recipients(path)
    assert (caught.value.path, caught.value.line) == (path, len(path.read_text().splitlines()))
    with pytest.raises(KeyFileError):
        agefile.add_recipient(notes, _identity(clock, "tablet").public[0], "tablet")
    assert tree(notes) == before


def test_recipients_refused_when_missing_or_empty(notes: Path) -> None:
    path = agefile.recipients_path(notes)
    with pytest.raises(KeyFileError, match="no recipients file"):
        agefile.read_recipients(path)
    path.parent.mkdir(parents=True)
    path.write_text("# nobody yet\n")
    with pytest.raises(KeyFileError, match="lists no key"):
        agefile.read_recipients(path)
    with pytest.raises(KeyFileError, match="not an age public key"):
        agefile.add_recipient(notes, "age1x", "tablet")
    assert path.read_text() == "# nobody yet\n"


def test_a_key_without_a_label_is_removed_alone(clock: Clock, notes: Path) -> None:
    a, b = _identity(clock, "a"), _identity(clock, "b")
    path = agefile.recipients_path(notes)
    with pytest.raises(KeyFileError, match="no recipients file"):
        agefile.remove_recipient(notes, a.public[0])
    agefile.add_recipient(notes, a.public[0], "laptop")
    with path.open("a") as fh:
        fh.write(f"\n{b.public[0]}\n# a note of my own\n")
    assert [r.label for r in agefile.read_recipients(path)] == ["laptop", ""]
    agefile.remove_recipient(notes, b.public[0])
    assert path.read_text().endswith("laptop\n" + a.public[0] + "\n\n# a note of my own\n")
    with pytest.raises(KeyFileError, match="not listed"):
        agefile.remove_recipient(notes, b.public[0])


def test_a_device_name_is_one_line(clock: Clock, notes: Path) -> None:
    me = _identity(clock)
    with pytest.raises(KeyFileError, match="needs a name"):
        agefile.add_recipient(notes, me.public[0], "   ")
    assert not agefile.recipients_path(notes).exists()


# -- bytes ------------------------------------------------------------------------------


def test_bytes_round_trip_to_every_recipient(clock: Clock, tmp_path: Path) -> None:
    a, b = _identity(clock, "a"), _identity(clock, "b")
    sealed = agefile.encrypt(NOTE, [a.public[0], b.public[0]])
    assert sealed.startswith(agefile.MAGIC) and b"blue tunnel" not in sealed
    for who in (a, b):
        assert agefile.decrypt(sealed, [who], tmp_path / "x.toml.age") == NOTE


def test_a_wrong_key_is_a_clear_error(clock: Clock, tmp_path: Path) -> None:
    a, b = _identity(clock, "a"), _identity(clock, "b")
    path = tmp_path / "x.toml.age"
    with pytest.raises(CipherError, match="none of this device's keys") as caught:
        agefile.decrypt(agefile.encrypt(NOTE, [a.public[0]]), [b], path)
    assert caught.value.path == path and caught.value.exit_code == 1


def test_tampered_truncated_and_foreign_files_are_refused(clock: Clock, tmp_path: Path) -> None:
    me = _identity(clock)
    sealed = agefile.encrypt(NOTE, [me.public[0]])
    path = tmp_path / "x.toml.age"
    damaged = [sealed[:cut] for cut in (30, len(sealed) // 2, len(sealed) - 1)]
    for at in (len(sealed) - 5, len(sealed) // 2, 40):
        flipped = bytearray(sealed)
        flipped[at] ^= 0x01
        damaged.append(bytes(flipped))
    assert len(damaged) == 6
    for bad in damaged:
        with pytest.raises(CipherError) as caught:
            agefile.decrypt(bad, [me], path)
        assert caught.value.path == path
        assert "blue tunnel" not in str(caught.value)
    for foreign in (NOTE, b"\x00" * 40):
        with pytest.raises(CipherError, match="not an age file"):
            agefile.decrypt(foreign, [me], path)
    # Empty, as a crash or an interrupted sync leaves a file: said as for a plain note.
    for empty in (b"", b"\n  \n"):
        with pytest.raises(CipherError, match="the file is empty: a crash") as caught:
            agefile.decrypt(empty, [me], path)
        assert (caught.value.line, caught.value.hint) == (1, EMPTY_HINT)
    with pytest.raises(KeyFileError, match="no recipient"):
        agefile.encrypt(NOTE, [])
    with pytest.raises(KeyFileError, match="not an age public key"):
        agefile.encrypt(NOTE, ["ssh-ed25519 AAAA"])


# -- the real age tool ------------------------------------------------------------------


@needs_age
def test_what_otj_encrypts_age_decrypts(clock: Clock, tmp_path: Path) -> None:
    me = _identity(clock)
    sealed = tmp_path / "note.toml.age"
    sealed.write_bytes(agefile.encrypt(NOTE, [me.public[0]]))
    out = subprocess.run(
        [str(AGE), "-d", "-i", str(me.path), str(sealed)], capture_output=True, check=True
    )
    assert out.stdout == NOTE


@needs_age
def test_what_age_encrypts_otj_decrypts(clock: Clock, tmp_path: Path) -> None:
    me = _identity(clock)
    for armor in ([], ["-a"]):
        out = subprocess.run(
            [str(AGE), *armor, "-r", me.public[0]], input=NOTE, capture_output=True, check=True
        )
        assert agefile.decrypt(out.stdout, [me], tmp_path / "n.toml.age") == NOTE


@needs_age
def test_age_reads_the_recipients_file_as_it_is(clock: Clock, notes: Path) -> None:
    a, b = _identity(clock, "a"), _identity(clock, "b")
    agefile.add_recipient(notes, a.public[0], "laptop")
    agefile.add_recipient(notes, b.public[0], "backup")
    out = subprocess.run(
        [str(AGE), "-R", str(agefile.recipients_path(notes))],
        input=NOTE,
        capture_output=True,
        check=True,
    )
    for who in (a, b):
        assert agefile.decrypt(out.stdout, [who], notes / "n.toml.age") == NOTE
