"""A note edited by hand, or written in another time zone: what an outside tester
found (session 33).

A ``nan`` added by hand is kept when otjournal rewrites the file (it never equals
itself, so the read-back check refused every rewrite); a comment after ``# end``, a file
saved as UTF-16, lone-CR line ends and TOML 1.1's forms are each said as what they are,
with what to change, never as damage to restore from a backup. A note written on a
device in another zone than the session's shows each time's offset.
"""

from __future__ import annotations

import json
import tomllib
from datetime import UTC, datetime, timedelta, timezone
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


def test_a_nan_reads_back_the_same_at_any_depth_and_keeps_its_sign():
    data = {"a": float("nan"), "l": [float("nan"), 1.0], "t": {"n": [[float("nan")]]}}
    assert repr(tomlio.parse(tomlio.dumps(data))) == repr(data)
    signed = tomlio.dumps({"a": float("-nan"), "b": float("+nan")})
    assert b"a = -nan\nb = nan\n" in signed


def test_a_windows_path_in_a_basic_string_is_said_as_such():
    with pytest.raises(tomlio.ParseError) as caught:
        tomlio.parse(b'summary = "see C:\\Users\\jo\\notes.txt"\n', "n.toml")
    assert "single quotes" in (caught.value.hint or "")


def _refused(raw: bytes) -> tomlio.ParseError:
    with pytest.raises(tomlio.ParseError) as caught:
        tomlio.check_complete(raw, "n.toml")
        tomlio.parse(raw, "n.toml")
    return caught.value


NOTE = tomlio.RECORD_HEAD + b'kind = "session"\nclient = "mia-k"\n' + tomlio.RECORD_END


@pytest.mark.parametrize(
    "after",
    [
        b"# checked by supervisor 2026-12-01\n\n",
        b"# ending\n",
        b"\n  # two\n# three",
        b'room = "3"\n',
        b"\n[my_notes]\nseen = true\n",
    ],
)
def test_lines_after_the_end_line_are_named_as_such_not_as_a_cut(after):
    said = _refused(NOTE + after)
    assert "lines after its '# end' line (line 4)" in said.message
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


@pytest.mark.parametrize("written_in", [13, 0], ids=["the session's zone", "another zone"])
def test_show_gives_the_written_time_at_the_sessions_offset(runner, journal, written_in):
    """A telehealth session in Auckland, written an hour later on a device in UTC: said
    at the device's offset, it read as written the evening before the session. It is
    given at the session's offset, as the printout gives it."""
    auckland = timezone(timedelta(hours=13))
    start = datetime(2026, 3, 6, 6, 0, tzinfo=auckland)
    written = (start + timedelta(hours=1)).astimezone(timezone(timedelta(hours=written_in)))
    journal.add_client(make_client())
    saved = journal.add_session(make_session(start=start, written_at=written))
    shown = otj(runner, "show", saved.record.id).stdout
    head = " ".join(" ".join(shown.split("\n", 3)[:3]).split())
    assert "2026-03-06 06:00–06:45 ·" in head and "at 2026-03-06 07:00" in head, head
    printed = otj(runner, "show", saved.record.id, "--format", "md").stdout
    assert "2026-03-06 07:00 (UTC+13:00)" in printed


def test_a_bad_value_under_a_dotted_key_is_located_at_its_line(runner, journal, notes):
    """``regulation.start = …`` instead of a [regulation] table: the check names that
    line, not 1:1."""
    journal.add_client(make_client())
    saved = journal.add_session(make_session())
    text = saved.path.read_text("utf-8")
    start = text.index("\n[regulation]\n")
    end = text.index("\n[", start + 1)
    lines = text[:start].split("\n")
    at = next(i for i, line in enumerate(lines) if line.startswith("duration_min"))
    lines[at:at] = ['regulation.framework = "zones"', '  regulation . "start" = "purple"']
    saved.path.write_text("\n".join(lines) + text[end:], "utf-8")
    checked = otj(runner, "check")
    wanted = f"{saved.path.name}:{at + 2}:3: error: regulation.start"
    assert wanted in checked.stdout, checked.stdout


# -- a note written in a time zone ahead of the reader's ---------------------------------
KIRITIMATI = timezone(timedelta(hours=14))


def _ahead(journal, clock):
    """A session an hour ago, written in Kiritimati (UTC+14: its date is tomorrow there),
    read on a device in UTC; and one that truly is tomorrow here too."""
    clock.set(datetime(2026, 3, 7, 20, 0, tzinfo=UTC))
    journal.add_client(make_client())
    held = datetime(2026, 3, 8, 9, 0, tzinfo=KIRITIMATI)  # 2026-03-07 19:00 UTC
    return journal.add_session(make_session(start=held, written_at=held + timedelta(hours=1)))


def test_a_note_from_a_zone_ahead_that_took_place_is_not_after_today(runner, journal, clock):
    _ahead(journal, clock)
    checked = otj(runner, "check")
    assert checked.exit_code == 0 and "later than today" not in checked.output, checked.output
    due = json.loads(otj(runner, "due", "--json").stdout)
    assert "dated-later" not in [i["what"] for i in due["items"]]
    listed = json.loads(otj(runner, "client", "list", "--json").stdout)
    assert [c["last_seen"] for c in listed["clients"]] == ["2026-03-08"]  # its own date
    shown = " ".join(otj(runner, "client", "show", "mia-k").stdout.split())
    assert "dated after today" not in shown and "sessions: 1 held" in shown
    goals = json.loads(otj(runner, "goal", "list", "mia-k", "--json").stdout)["goals"]
    assert goals[0]["latest_interim"] == {"gas": 0, "on": "2026-03-08"}


def test_a_note_dated_today_in_a_zone_behind_but_tomorrow_here_is_said_so(runner, journal, clock):
    """Honolulu (UTC-10) at 22:00 on the 7th is 08:00 on the 8th in UTC: after today here,
    and the message says both days, not "dated 2026-03-07, later than today" alone."""
    clock.set(datetime(2026, 3, 7, 20, 0, tzinfo=UTC))
    journal.add_client(make_client())
    late = datetime(2026, 3, 7, 22, 0, tzinfo=timezone(timedelta(hours=-10)))
    journal.add_session(make_session(start=late, written_at=late))
    checked = otj(runner, "check")
    assert "start: dated 2026-03-07 at UTC-10:00, 2026-03-08 08:00 here, later than today" in (
        checked.output
    )


def test_a_note_after_today_here_is_still_said_so(runner, journal, clock):
    _ahead(journal, clock)
    later = datetime(2026, 3, 9, 9, 0, tzinfo=KIRITIMATI)  # 2026-03-08 19:00 UTC: tomorrow
    journal.add_session(make_session(start=later, written_at=later))
    checked = otj(runner, "check")
    assert "start: dated 2026-03-09 at UTC+14:00, 2026-03-08 19:00 here, later than today" in (
        checked.output
    )
    due = json.loads(otj(runner, "due", "--json").stdout)
    assert [i["what"] for i in due["items"]] == ["dated-later"]


def test_what_is_remembered_at_one_offset_is_not_taken_at_another(runner, journal, clock):
    """One moment, 23:00 UTC, read at UTC and at UTC-2 (21:00): the same day, 7 March,
    at both; a note at 01:00 UTC on the 8th (23:00 on the 7th at UTC-2) is after today at
    the first only. check, client list and trends remember their results per client and
    day: never across offsets."""
    journal.add_client(make_client())
    soon = datetime(2026, 3, 8, 1, 0, tzinfo=UTC)
    journal.add_session(make_session(start=soon, written_at=soon))
    for offset, later in ((0, True), (-2, False), (0, True)):
        zone = timezone(timedelta(hours=offset))
        clock.set(datetime(2026, 3, 7, 23, 0, tzinfo=UTC).astimezone(zone))
        checked = otj(runner, "check")
        assert ("later than today" in checked.output) is later, (offset, checked.output)
        listed = json.loads(otj(runner, "client", "list", "--json").stdout)
        assert (listed["clients"][0]["last_seen"] is None) is later, offset
        overview = json.loads(otj(runner, "trends", "--json").stdout)
        assert (overview["clients"][0]["last_seen"] is None) is later, offset


def test_comments_written_in_client_toml_are_kept_when_it_is_rewritten(runner, journal, notes):
    """A note kept as a comment ("# do not contact father") was dropped by the next
    `goal add`. Comments are kept, gathered at the end of the file (once, however many
    rewrites), each beside-a-key one saying which; a '#' inside a string is no comment."""
    journal.add_client(make_client())
    path = notes / "clients/mia-k/client.toml"
    text = path.read_text("utf-8")
    text = text.replace(
        "\nhandle = ", '\n# Referred by Dr Who\nmy_text = """\n# not a comment\n"""\nhandle = ', 1
    )
    text = text.replace('handle = "mia-k"', 'handle = "mia-k"  # do not contact father', 1)
    path.write_text(text + "# at the end\n", "utf-8")
    for goal in ("Rides a bike", "Ties laces"):
        added = otj(runner, "goal", "add", "mia-k", "--text", goal, "--baseline", "-1")
        assert added.exit_code == 0, added.output
    written = path.read_text("utf-8")
    assert written.endswith(
        "\n# Written here by hand, kept when otjournal rewrote this file:\n"
        "# Referred by Dr Who\n# do not contact father (beside handle)\n# at the end\n"
    ), written
    assert written.count("# Referred by Dr Who") == 1
    table = tomllib.loads(written)
    assert table["my_text"] == "# not a comment\n" and len(table["goals"]) == 4
    assert otj(runner, "check").output == ""


def test_homework_of_a_session_that_cannot_be_read_is_not_said_to_be_unassigned(
    runner, journal, clock
):
    """The session that set 'hw1' no longer parses: its entries are not "not assigned
    in any session" (they may well be), but not in any that could be read, saying how
    many could not."""
    journal.add_client(make_client())
    saved = journal.add_session(make_session())  # sets hw1 (make_session's plan)
    logged = otj(runner, "homework", "log", "mia-k", "hw1", "--done", "yes", "--by", "Dad",
                 "--no-input")  # fmt: skip
    assert logged.exit_code == 0, logged.output
    assert "not assigned" not in otj(runner, "check").output
    saved.path.write_bytes(
        saved.path.read_bytes().replace(b"duration_min = 45", b"duration_min = [")
    )
    checked = otj(runner, "check").output
    assert "'hw1' was not assigned in any session of this client that could be read " in checked
    assert "(1 session file could not)" in checked
