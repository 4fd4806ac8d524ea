"""A note edited by hand in an editor: what an outside tester found (session 33).

A ``nan`` added by hand is kept when otjournal rewrites the file (it never equals
itself, so the read-back check refused every rewrite); a comment after ``# end``, a file
saved as UTF-16, lone-CR line ends and TOML 1.1's forms are each said as what they are,
with what to change, never as damage to restore from a backup.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from otjournal.cli import app
from otjournal.disk import fasttoml, tomlio
from tests.conftest import make_client, make_session


def otj(runner, *args: str):
    return runner.invoke(app, list(args))


def _with_nan(path: Path) -> None:
    """``my_nan = nan`` added by hand as the file's second key."""
    lines = path.read_text("utf-8").split("\n")
    lines.insert(2, "my_nan = nan")
    path.write_text("\n".join(lines), "utf-8")


def test_a_nan_added_by_hand_is_kept_when_otjournal_rewrites_the_file(runner, journal, notes):
    journal.add_client(make_client())
    saved = journal.add_session(make_session())
    client = notes / "clients/mia-k/client.toml"
    note = saved.path
    _with_nan(client)
    _with_nan(note)
    added = otj(runner, "goal", "add", "mia-k", "--text", "Rides a bike", "--baseline", "-1")
    assert added.exit_code == 0, added.output
    amend = ["amend", saved.record.id, "--kind", "addition", "--text", "Later", "--by", "Jo"]
    amended = otj(runner, *amend, "--no-input")
    assert amended.exit_code == 0, amended.output
    for path in (client, note):
        table = tomllib.loads(path.read_text("utf-8"))
        assert repr(table["my_nan"]) == "nan"
    assert "Rides a bike" in client.read_text("utf-8")
    assert "Later" in note.read_text("utf-8")


def test_a_nan_reads_back_the_same_at_any_depth():
    data = {"a": float("nan"), "l": [float("nan"), 1.0], "t": {"n": [[float("nan")]]}}
    assert repr(tomlio.parse(tomlio.dumps(data))) == repr(data)


def _refused(raw: bytes) -> tomlio.ParseError:
    with pytest.raises(tomlio.ParseError) as caught:
        tomlio.check_complete(raw, "n.toml")
        tomlio.parse(raw, "n.toml")
    return caught.value


NOTE = tomlio.RECORD_HEAD + b'kind = "session"\nclient = "mia-k"\n' + tomlio.RECORD_END


@pytest.mark.parametrize(
    "after", [b"# checked by supervisor 2026-12-01\n\n", b"# ending\n", b"\n  # two\n# three"]
)
def test_a_comment_after_the_end_line_is_named_as_such_not_as_a_cut(after):
    said = _refused(NOTE + after)
    assert "comments after its '# end' line (line 4)" in said.message
    assert said.line == 5 and "backup" not in (said.hint or "")
    assert "move them above" in (said.hint or "")


@pytest.mark.parametrize(
    "raw",
    [
        NOTE[: -len(tomlio.RECORD_END)],  # the end line itself cut
        NOTE + b"\n[[amendments]]\nat = 2026-03-06T19:00:00+11:00\n",  # an amendment cut
        NOTE[:-1] + b"ing\n",  # "# ending": no end line at all
    ],
    ids=["end cut", "amendment cut", "no end line"],
)
def test_a_file_cut_short_is_still_said_to_be_cut(raw):
    said = _refused(raw)
    assert "cut short" in said.message and "backup" in (said.hint or "")


@pytest.mark.parametrize("bom", [b"\xff\xfe", b""], ids=["with its BOM", "without"])
def test_a_note_saved_as_utf16_is_said_to_be_utf16_not_damaged(bom):
    text = 'kind = "session"\nclient = "mia-k"\n'
    with pytest.raises(tomlio.ParseError) as caught:
        tomlio.parse(bom + text.encode("utf-16-le"), "n.toml")
    said = caught.value
    assert "UTF-16" in said.message and "damaged" not in said.message
    assert "save it as UTF-8" in (said.hint or "") and "backup" not in (said.hint or "")


def test_a_file_with_a_stray_nul_is_still_damaged():
    with pytest.raises(tomlio.ParseError) as caught:
        tomlio.parse(b'kind = "session"\nclient = "mia\x00-k"\n', "n.toml")
    assert "NUL bytes" in caught.value.message


def test_lone_cr_line_ends_are_named_in_the_hint():
    with pytest.raises(tomlio.ParseError) as caught:
        tomlio.parse(b'kind = "session"\rclient = "mia-k"\r', "n.toml")
    assert "lone CR" in (caught.value.hint or "")


@pytest.mark.parametrize(
    "text",
    [
        "start = 2026-08-15T09:00+10:00\n",
        'summary = "\\e[1m"\n',
        'summary = "\\x41"\n',
        "a = {b = 1,\n c = 2}\n",
        "a = {b = 1,}\n",
    ],
    ids=["no seconds", "\\e", "\\x", "table over lines", "trailing comma"],
)
def test_toml_1_1_is_refused_with_what_to_write_in_1_0(text):
    pytest.importorskip("rtoml")
    with pytest.raises(tomlio.ParseError) as caught:
        tomlio.parse(text.encode("utf-8"), "n.toml")
    assert caught.value.hint == tomlio.TOML_1_0_HINT


def test_other_broken_toml_keeps_the_plain_hint(monkeypatch):
    for broken in ("a = \n", "a = [1, 2\n", "a = 1\na = 2\n"):
        with pytest.raises(tomlio.ParseError) as caught:
            tomlio.parse(broken.encode("utf-8"), "n.toml")
        assert caught.value.hint == "see docs/format.md for the file format", broken
    monkeypatch.setattr(fasttoml, "rtoml", None)  # no rtoml: no 1.1 hint, the plain one
    with pytest.raises(tomlio.ParseError) as caught:
        tomlio.parse(b'summary = "\\e"\n', "n.toml")
    assert caught.value.hint == "see docs/format.md for the file format"
