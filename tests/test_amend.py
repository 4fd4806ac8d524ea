"""Amendments: corrections appended, never rewriting the note, hash-chained.

The promise (amend.py, docs): the file before an amendment is a byte-exact prefix of
the file after it; each amendment records ``previous_sha256``, the SHA-256 of every byte
before its own ``[[amendments]]`` line; a hand edit to anything before an amendment is
reported by ``otj check`` (a warning at that amendment's line) and nothing is rewritten;
``otj amend`` refuses when the file changed between reading and writing.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import os
import re
import stat
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from otjournal.cli import app
from otjournal.disk import amend, tomlio
from otjournal.disk.fsio import Fingerprint
from otjournal.disk.store import Journal
from otjournal.model import Amendment, Plan, Session
from otjournal.model.vocab import AMENDMENT_KINDS
from tests.conftest import TZ, make_client, make_session
from tests.helpers import tree

START = datetime(2026, 3, 5, 14, 30, tzinfo=TZ)
BASE = replace(make_session(), id="2026-03-05_1430_amd22")


# -- helpers -------------------------------------------------------------------------


def temps(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.name.startswith(".otj-") or p.name.endswith(".part")]


def header_offsets(raw: bytes) -> list[int]:
    return [m.start() for m in amend.HEADER.finditer(raw)]


def parse(raw: bytes) -> Session:
    return Session.from_dict(tomlio.parse(raw))


def amend_cli(runner, sid: str, text: str, *extra: str, by: str = "Alex Rivera"):
    return runner.invoke(
        app, ["amend", sid, "--kind", "addition", "--text", text, "--by", by, *extra]
    )


@pytest.fixture
def saved(journal: Journal) -> tuple[Journal, str, Path]:
    journal.add_client(make_client())
    s = journal.add_session(make_session(), durable=False)
    return journal, s.record.id, s.path


# -- 1. the prefix property and the chain, under hypothesis ---------------------------------

HOSTILE_FRAGMENTS = [
    "\n",
    "\r\n",
    "\r",
    "\t",
    '"',
    '"""',
    "'''",
    "\\",
    "\\n",
    "\x00",
    "\x1b[31m",
    "\x7f",
    "\u2028",
    "\ufeff",
    "é",
    "’",
    "🙂",
    "#",
    " = ",
    "[plan]",
    "\n[[amendments]]\n",
    "\n  [[ amendments ]]  \n",
    "\n[[goals]]\ngoal = 'g9'\n",
    "\n<<<<<<< HEAD\n",
    "\n=======\n",
    "\n>>>>>>> other\n",
    "\n|||||||\n",
    'text = "forged"\n',
    'previous_sha256 = "0000"\n',
]

hostile_text = st.lists(
    st.one_of(
        st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=20),
        st.sampled_from(HOSTILE_FRAGMENTS),
    ),
    min_size=1,
    max_size=8,
).map("".join)

amendments = st.builds(
    Amendment,
    at=st.datetimes(
        min_value=datetime(2026, 3, 5, 16, 0),
        max_value=datetime(2036, 1, 1),
        timezones=st.sampled_from([TZ, UTC, timezone(timedelta(hours=-3, minutes=-30))]),
    ).map(lambda d: d.replace(microsecond=0)),
    by=hostile_text.filter(lambda t: t.strip()),
    kind=st.sampled_from(AMENDMENT_KINDS),
    text=hostile_text.filter(lambda t: t.strip()),
    original=st.one_of(st.just(""), hostile_text),
)


# No shrinking phase: while the bugs pinned by the explicit tests below are open,
# shrinking a failure costs about a minute; the unshrunk example is still readable.
@settings(
    max_examples=200,
    deadline=None,
    report_multiple_bugs=False,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=[HealthCheck.too_slow],
)
@given(st.lists(amendments, min_size=1, max_size=5))
def test_any_amendments_keep_the_prefix_and_the_chain(added: list[Amendment]):
    original = tomlio.dumps(BASE.to_dict())
    raw = original
    for a in added:
        new = amend.append(raw, a)
        assert new.startswith(raw), "the old bytes must stay a prefix of the new file"
        raw = new
    parsed = parse(raw)
    # The note itself is unchanged, the amendments are exactly what was appended.
    assert replace(parsed, amendments=()) == BASE
    assert [(a.at, a.by, a.kind, a.text, a.original) for a in parsed.amendments] == [
        (a.at, a.by, a.kind, a.text, a.original) for a in added
    ]
    # Each records the hash of every byte before its own header, and verify agrees.
    headers = header_offsets(raw)
    assert len(headers) == len(added)
    for a, at in zip(parsed.amendments, headers, strict=True):
        assert a.previous_sha256 == hashlib.sha256(raw[:at]).hexdigest()
    assert amend.verify(raw, parsed) == []


def test_a_marker_like_line_in_an_amendment_is_saved_and_read(runner, saved):
    """An amendment quoting a separator line (``=======``) is ordinary text.

    Today the appended file reads back as "git conflict markers" and `otj amend`
    refuses with a message about a merge that never happened.
    """
    journal, sid, path = saved
    text = "Report from school:\n=======\nShe tied both shoes."
    result = amend_cli(runner, sid, text)
    assert "Traceback" not in result.output
    assert result.exit_code == 0, result.output
    assert [a.text for a in journal.read_session_file(path)[2].amendments] == [text]
    assert runner.invoke(app, ["check"]).exit_code == 0


def test_an_amendments_header_line_inside_a_text_does_not_break_the_chain(runner, saved):
    """A text line reading ``[[amendments]]`` sits inside a string, not a table header.

    Today verify() counts it as a header, so the next amendment is checked against the
    wrong bytes and `otj check` says the note was "changed outside otjournal".
    """
    journal, sid, path = saved
    assert amend_cli(runner, sid, "Quoted the file:\n[[amendments]]\nas written").exit_code == 0
    assert amend_cli(runner, sid, "A second, ordinary amendment").exit_code == 0
    raw, _, session = journal.read_session_file(path)
    assert amend.verify(raw, session) == []
    result = runner.invoke(app, ["check"])
    assert "changed outside otjournal" not in result.output, result.output


def test_an_amendments_header_line_inside_the_note_does_not_break_the_chain(journal: Journal):
    journal.add_client(make_client())
    note = make_session(plan=Plan("Wrote on the board:\n[[amendments]]\nand we laughed."))
    s = journal.add_session(note, durable=False)
    raw = amend.append(s.path.read_bytes(), Amendment(START, "A", "addition", "Later"))
    assert amend.verify(raw, parse(raw)) == []


@pytest.mark.parametrize("field", ["--text", "--by"])
def test_a_stray_byte_from_the_terminal_is_a_clear_error_or_replaced(runner, saved, field):
    """A non-UTF-8 terminal passes an undecodable byte as a surrogate (\\udcff).

    Today `otj amend` dies with a UnicodeEncodeError traceback. Either replace the byte
    (as stdin input does) or refuse with a message; never a traceback.
    """
    _journal, sid, path = saved
    before = path.read_bytes()
    args = {"--text": "Late \udcff info", "--by": "Alex \udcff Rivera"}
    result = runner.invoke(
        app,
        [
            "amend", sid, "--kind", "addition",
            "--text", args["--text"] if field == "--text" else "Late info",
            "--by", args["--by"] if field == "--by" else "Alex",
        ],
    )  # fmt: skip
    assert "Traceback" not in result.output
    assert not isinstance(result.exception, UnicodeError), repr(result.exception)
    assert result.exit_code in (0, 1, 2), result.output
    after = path.read_bytes()
    if result.exit_code == 0:
        assert after.startswith(before) and parse(after).amendments
    else:
        assert after == before


# -- 2. through the command: prefix, hash, modes, exit codes -------------------------------


def test_otj_amend_appends_and_chains(runner, saved):
    journal, sid, path = saved
    versions = [path.read_bytes()]
    texts = ["Mum phoned: laces done twice at home.", "Line one\nline two — ’quoted’"]
    for text in texts:
        result = amend_cli(runner, sid, text, "--dir", str(journal.root))
        assert result.exit_code == 0, result.output
        assert f"Amended {sid}: addition by Alex Rivera" in result.stdout
        versions.append(path.read_bytes())
    for old, new in itertools.pairwise(versions):
        assert new.startswith(old)
    raw = versions[-1]
    session = parse(raw)
    assert [a.text for a in session.amendments] == texts
    for a, at in zip(session.amendments, header_offsets(raw), strict=True):
        assert a.previous_sha256 == hashlib.sha256(raw[:at]).hexdigest()
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert temps(journal.root) == []
    result = runner.invoke(app, ["check"])
    assert result.exit_code == 0 and result.output == "", result.output


def test_an_amendment_that_would_outgrow_what_otjournal_reads_is_refused(runner, saved):
    """A note near the size the loader reads, and an amendment that would take it past:
    refused with nothing written (saved, the note would drop out of every command)."""
    from otjournal.disk.parsing import MAX_FILE_BYTES

    _, sid, path = saved
    text = ("word " * ((MAX_FILE_BYTES - path.stat().st_size) // 5 - 4000)).strip()
    result = runner.invoke(
        app,
        ["amend", sid, "--kind", "addition", "--stdin", "--by", "A", "--no-input"],
        input=text,
    )
    assert result.exit_code == 0, result.output[-500:]
    before = path.read_bytes()
    assert len(before) < MAX_FILE_BYTES
    result = runner.invoke(
        app,
        ["amend", sid, "--kind", "addition", "--stdin", "--by", "A", "--no-input"],
        input="more " * 5000,
    )
    assert result.exit_code != 0
    assert "more than otjournal reads; nothing was written" in result.stderr
    assert "more more" not in result.stderr  # no note text in the message
    assert path.read_bytes() == before
    shown = runner.invoke(app, ["show", sid])
    assert shown.exit_code == 0, shown.stderr


def test_otj_amend_correction_keeps_the_original_wording(runner, saved):
    journal, sid, path = saved
    result = runner.invoke(
        app,
        [
            "amend", sid, "--kind", "correction", "--text", "Two holes",
            "--original", "Three holes", "--by", "Alex",
        ],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    (a,) = journal.read_session_file(path)[2].amendments
    assert (a.kind, a.text, a.original) == ("correction", "Two holes", "Three holes")


def test_otj_amend_reads_stdin_tolerantly(runner, saved):
    journal, sid, path = saved
    result = runner.invoke(
        app,
        ["amend", sid, "--kind", "addition", "--stdin", "--by", "Alex"],
        input=b"Caf\xc3\xa9 visit, stray \xff byte\n",
    )
    assert result.exit_code == 0, result.output
    (a,) = journal.read_session_file(path)[2].amendments
    assert a.text == "Café visit, stray \ufffd byte"


@pytest.mark.parametrize(
    "args, code, words",
    [
        (["--kind", "rewrite", "--text", "x", "--by", "A"], 2, "--kind must be one of"),
        (["--kind", "addition", "--by", "A", "--no-input"], 2, "--text or --stdin"),
        (["--kind", "addition", "--text", "x", "--no-input"], 2, "--by is required"),
    ],
)
def test_otj_amend_refuses_bad_input_and_writes_nothing(runner, saved, args, code, words):
    journal, sid, _path = saved
    before = tree(journal.root)
    result = runner.invoke(app, ["amend", sid, *args])
    assert result.exit_code == code, result.output
    assert words in result.stderr
    assert tree(journal.root) == before


def test_otj_amend_unknown_session(runner, saved):
    journal, _, _ = saved
    before = tree(journal.root)
    result = amend_cli(runner, "2020-01-01_0000_zzzzz", "x")
    assert result.exit_code == 1
    assert "no session with id" in result.stderr
    assert tree(journal.root) == before


# -- 3. hand edits are seen, never repaired --------------------------------------------------


def three_amendments(runner, saved) -> tuple[Journal, Path, bytes]:
    journal, sid, path = saved
    for text in ("First: Mum phoned.", "Second: school report.", "Third: GP letter."):
        assert amend_cli(runner, sid, text).exit_code == 0
    return journal, path, path.read_bytes()


def put_same_mode(path: Path, data: bytes) -> None:
    """Overwrite in place, as an editor saving the file would (mode kept at 0600)."""
    with path.open("r+b") as fh:
        fh.write(data)
        fh.truncate()


def header_lines(raw: bytes) -> list[int]:
    return [raw.count(b"\n", 0, at) + 1 for at in header_offsets(raw)]


@pytest.mark.parametrize(
    "where, first_broken",
    [
        (b"Followed Mia's lead.", 0),  # in the note: every amendment's hash breaks
        (b"First: Mum phoned.", 1),  # in amendment 1: amendments 2 and 3 break
        (b"Second: school report.", 2),  # in amendment 2: only amendment 3 breaks
    ],
)
def test_one_changed_byte_is_reported_at_each_later_amendment(
    runner, saved, where: bytes, first_broken: int
):
    journal, path, raw = three_amendments(runner, saved)
    at = raw.index(where) + 1
    edited = raw[:at] + bytes([raw[at] ^ 0x01]) + raw[at + 1 :]
    assert len(edited) == len(raw) and parse(edited)  # still a valid session
    put_same_mode(path, edited)
    before = tree(journal.root)

    result = runner.invoke(app, ["check"])

    assert result.exit_code == 0, result.output  # a warning, not an error
    rel = path.relative_to(journal.root).as_posix()
    lines = header_lines(edited)
    warned = [ln for ln in result.stdout.splitlines() if "changed outside otjournal" in ln]
    assert warned == [
        f"{rel}:{lines[i]}:1: warning: changed outside otjournal: the text before amendment "
        f"{i + 1} no longer matches its recorded hash (hint: corrections belong in a new "
        "amendment ('otj amend'); compare with a backup to see what changed)"
        for i in range(first_broken, 3)
    ]
    as_json = json.loads(runner.invoke(app, ["check", "--json"]).stdout)
    assert as_json["ok"] is True
    assert sum("changed outside" in p["message"] for p in as_json["problems"]) == 3 - first_broken
    assert tree(journal.root) == before, "check must never rewrite a file"


def test_a_removed_middle_amendment_is_reported(runner, saved):
    journal, path, raw = three_amendments(runner, saved)
    starts = header_offsets(raw)
    edited = raw[: starts[1]] + raw[starts[2] :]
    put_same_mode(path, edited)
    result = runner.invoke(app, ["check"])
    assert result.exit_code == 0
    rel = path.relative_to(journal.root).as_posix()
    line = header_lines(edited)[1]
    assert f"{rel}:{line}:1: warning: changed outside otjournal: the text before amendment 2" in (
        result.stdout
    )
    assert path.read_bytes() == edited


def test_a_hand_written_amendment_without_a_hash_is_not_a_break(runner, saved):
    _journal, sid, path = saved
    assert amend_cli(runner, sid, "Signed amendment").exit_code == 0
    by_hand = (
        b'\n[[amendments]]\nat = 2026-03-09T10:00:00+10:00\nby = "Alex"\n'
        b'kind = "addition"\ntext = "Typed by hand"\n'
    )
    before = path.read_bytes()
    # Without its closing '# end' line the file looks cut short: said so, with the fix.
    put_same_mode(path, before + by_hand)
    result = runner.invoke(app, ["check"])
    assert result.exit_code == 1
    assert "cut short" in result.output and "# end" in result.output
    # Closed like otjournal closes its own, the hand-written amendment is accepted: no
    # chain break. Only the seal log (issue 12, item 18) notes that otj did not write it.
    put_same_mode(path, before + by_hand + b"# end\n")
    result = runner.invoke(app, ["check"])
    assert result.exit_code == 0, result.output
    assert "warning" not in result.output, result.output
    (line,) = result.output.splitlines()
    assert ": note: 1 amendment(s) added after its seal" in line


# -- 4. a file that changes between reading and writing ---------------------------------------


@pytest.mark.parametrize("sealed", [False, True], ids=["another-device", "another-otj"])
def test_otj_amend_refuses_when_the_file_changed_after_it_was_read(
    runner, saved, monkeypatch: pytest.MonkeyPatch, sealed: bool
):
    """Another device's amendment lands between `otj amend` reading and writing; or
    another otj here saves and seals it between this one's read and its look at the
    seals, whose newer seal is no sign of an edit: no tamper warning, only the refusal."""
    journal, sid, path = saved
    real = Journal.read_session_file
    theirs = amend.append(
        path.read_bytes(), Amendment(START + timedelta(days=1), "Sam", "addition", "Theirs")
    )

    def read_then_other_writes(self, p):
        result = real(self, p)
        put_same_mode(p, theirs)
        assert not sealed or journal.seal(p, "amended")
        return result

    monkeypatch.setattr(Journal, "read_session_file", read_then_other_writes)
    result = amend_cli(runner, sid, "Ours")

    assert "Traceback" not in result.output
    assert result.exit_code == 1, result.output
    assert "changed on disk since it was read" in result.stderr
    assert "nothing was changed" in result.stderr
    assert "changed outside otjournal" not in result.stderr
    assert path.read_bytes() == theirs
    assert temps(journal.root) == []


def test_otj_amend_refuses_a_stale_fingerprint(runner, saved, monkeypatch: pytest.MonkeyPatch):
    journal, sid, _path = saved
    real = Journal.read_session_file
    before = tree(journal.root)

    def stale(self, p):
        raw, fp, session = real(self, p)
        return raw, Fingerprint(fp.size, fp.mtime_ns - 1_000_000_000, fp.sha256), session

    monkeypatch.setattr(Journal, "read_session_file", stale)
    result = amend_cli(runner, sid, "Ours")
    assert result.exit_code == 1
    assert "changed on disk" in result.stderr
    assert tree(journal.root) == before


def test_otj_amend_refuses_a_symlinked_session(runner, saved, tmp_path: Path):
    """The session file swapped for a symlink to a file outside: nothing written there."""
    journal, sid, path = saved
    outside = tmp_path / "outside.toml"
    data = path.read_bytes()
    outside.write_bytes(data)
    path.unlink()
    path.symlink_to(outside)
    result = amend_cli(runner, sid, "Ours")
    assert "Traceback" not in result.output
    assert result.exit_code == 1, result.output
    assert outside.read_bytes() == data
    assert path.is_symlink() and os.readlink(path) == str(outside)
    assert temps(journal.root) == []


# -- 5. otj show -------------------------------------------------------------------------------


def test_otj_show_lists_amendments_after_the_note(runner, saved):
    _journal, sid, _ = saved
    assert amend_cli(runner, sid, "Mum phoned: laces done at home.").exit_code == 0
    result = runner.invoke(
        app,
        [
            "amend", sid, "--kind", "correction", "--text", "Two holes",
            "--original", "Three holes", "--by", "Sam Lee",
        ],
    )  # fmt: skip
    assert result.exit_code == 0

    shown = runner.invoke(app, ["show", sid])
    assert shown.exit_code == 0, shown.output
    text = shown.stdout
    positions = [
        text.index("Followed Mia's lead."),
        text.index("Plan"),
        text.index("Amendments"),
        text.index("addition by Alex Rivera"),
        text.index("Mum phoned: laces done at home."),
        text.index("correction by Sam Lee"),
        text.index("original: Three holes"),
        text.index("Two holes"),
    ]
    assert positions[1] < positions[2], "the amendments come after the note"
    assert positions[0] < positions[2]
    assert positions[2:] == sorted(positions[2:]), "amendments in the order they were made"
    assert re.search(r"\d{4}-\d\d-\d\d \d\d:\d\d addition by Alex Rivera", text)

    as_json = json.loads(runner.invoke(app, ["show", sid, "--json"]).stdout)
    assert [a["text"] for a in as_json["amendments"]] == [
        "Mum phoned: laces done at home.",
        "Two holes",
    ]
