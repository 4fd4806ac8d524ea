"""Issue 12, "nothing wrong gets in, nothing private gets out": values.

- CSV export neutralises text cells that a spreadsheet would run as a formula (item 2).
- Error messages never repeat text a person wrote, from a file, ``--from`` or a flag (6).
- ``homework import`` checks entries by the loader's own rules before writing any, and
  keeps an entry whose id is taken by another as a conflict copy (17).
- Dates outside 1900-2999 are located problems or usage errors, not tracebacks (20).
"""

from __future__ import annotations

import csv
import io
import json
import tomllib
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from otjournal.cli import app
from otjournal.disk import tomlio
from otjournal.disk.parsing import MAX_FILE_BYTES
from otjournal.disk.sharing import checksum
from otjournal.disk.store import Journal
from otjournal.model import ChecklistAnswer, Goal, GoalRating
from otjournal.model.fields import describe
from otjournal.model.vocab import CHECKLIST
from otjournal.numbers.export import to_csv, to_json
from tests.conftest import TZ, make_client, make_session
from tests.test_bad_files import _swap

SENTINEL = "Mia disclosed abuse"
SESSIONS = Path("clients") / "mia-k" / "sessions"


def run(runner, *args, input=None):
    return runner.invoke(app, [str(a) for a in args], input=input)


def no_traceback(result) -> None:
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception
    )


def all_output(result) -> str:
    return result.output + (result.stderr or "")


def csv_rows(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))


# -- item 2: formulas in CSV -----------------------------------------------------------


def test_text_cells_that_start_like_a_formula_get_a_quote_numbers_do_not():
    texts = ["=1+2", "+61 400", "-partly", "@SUM(A1)", "\tTab", "\rCR", "-1", "ok = fine"]
    columns = [f"t{i}" for i in range(len(texts))] + ["gas", "mean", "flag", "empty"]
    row = {f"t{i}": t for i, t in enumerate(texts)} | {
        "gas": -1,
        "mean": -0.5,
        "flag": True,
        "empty": None,
    }

    (cells,) = csv_rows(to_csv(columns, [row]))

    # Every text that starts with = + - @ tab or CR, even "-1" written as text, gets a '.
    for i, text in enumerate(texts[:-1]):
        assert cells[f"t{i}"] == "'" + text, text
    assert cells[f"t{len(texts) - 1}"] == "ok = fine"
    # Numbers are numbers: a GAS rating of -1 stays -1 for pandas, R and Excel.
    assert (cells["gas"], cells["mean"], cells["flag"], cells["empty"]) == (
        "-1",
        "-0.5",
        "true",
        "",
    )
    # JSON is never changed.
    assert json.loads(to_json(columns, [row]))["rows"] == [row]


@pytest.fixture
def risky(journal: Journal) -> Journal:
    """Note text that a spreadsheet would read as formulas, and a GAS rating of -1."""
    journal.add_client(make_client(goals=(Goal("g1", '=HYPERLINK("http://x.example","help")'),)))
    answers = tuple(
        ChecklistAnswer(k, "partly", t, note="+ more breaks" if k == "safety" else "")
        for k, t in CHECKLIST
    )
    journal.add_session(
        make_session(
            written_by="@Alex",
            goals=(GoalRating("g1", -1, "-2 holes today, then 3"),),
            checklist=answers,
        ),
        durable=False,
    )
    return journal


def test_export_neutralises_note_text_but_keeps_ratings_and_json(runner, risky):
    goals = run(runner, "export", "--table", "goals")
    checklist = run(runner, "export", "--table", "checklist")
    sessions = run(runner, "export")
    as_json = run(runner, "export", "--table", "goals", "--format", "json")
    for result in (goals, checklist, sessions, as_json):
        assert result.exit_code == 0, result.output

    (goal,) = csv_rows(goals.stdout_bytes)
    assert goal["goal_text"] == '\'=HYPERLINK("http://x.example","help")'
    assert goal["evidence"] == "'-2 holes today, then 3"
    assert goal["gas"] == "-1"
    safety = next(r for r in csv_rows(checklist.stdout_bytes) if r["item"] == "safety")
    assert safety["note"] == "'+ more breaks"
    (session,) = csv_rows(sessions.stdout_bytes)
    assert session["written_by"] == "'@Alex"
    assert session["date"] == "2026-03-05"  # dates and ids start with a digit: unchanged

    (exact,) = json.loads(as_json.stdout)["rows"]
    assert exact["goal_text"] == '=HYPERLINK("http://x.example","help")'
    assert exact["evidence"] == "-2 holes today, then 3"
    assert exact["gas"] == -1


# -- item 6: no note text in any error ------------------------------------------------------


def test_describe_names_the_kind_of_a_text_and_repeats_only_numbers():
    assert describe(SENTINEL) == "a text"
    assert describe("45") == "a text"  # even a short code-like text
    assert describe([SENTINEL]) == "an array"
    assert (describe(1.5), describe(-3), describe(True)) == ("1.5", "-3", "true")


# Each: (what the broken field looks like in VALID, what it becomes).
SESSION_FIELDS = {
    "number": ("duration_min = 45", f'duration_min = "{SENTINEL}"'),
    "rating": ("gas = 0", f'gas = "{SENTINEL}"'),
    "choice": ('session_type = "therapy"', f'session_type = "{SENTINEL}"'),
    "choice list": ('attendees = ["child", "parent"]', f'attendees = ["child", "{SENTINEL}"]'),
    "identifier": ('goal = "g1"', f'goal = "{SENTINEL}"'),
    "date-time": ("start = 2026-03-12T14:30:00+10:00", f'start = "{SENTINEL}"'),
    "boolean": ("child_led = true", f'child_led = "{SENTINEL}"'),
    "nested choice": ('start = "yellow"', f'start = "{SENTINEL}"'),
    "checklist answer": (
        'item = "attuned"\nanswer = "yes"',
        f'item = "attuned"\nanswer = "{SENTINEL}"',
    ),
    "checklist item": ('item = "attuned"', f'item = "{SENTINEL}"'),
    "format version": ("format_version = 1", f'format_version = "{SENTINEL}"'),
    "kind": ('kind = "session"', f'kind = "{SENTINEL}"'),
    "client": ('client = "mia-k"', f'client = "{SENTINEL}"'),
    "id": ('id = "2026-03-12_1430_bad00"', f'id = "{SENTINEL}"'),
    "table": ("duration_min = 45\n", f'duration_min = 45\nchild_voice = "{SENTINEL}"\n'),
}


def test_a_note_in_a_wrong_field_of_any_file_is_never_echoed(runner, journal):
    journal.add_client(make_client())
    folder = journal.root / SESSIONS
    folder.mkdir(mode=0o700)
    for name, (old, new) in SESSION_FIELDS.items():
        (folder / f"{name.replace(' ', '-')}.toml").write_text(_swap(old, new))
    client_toml = journal.root / "clients" / "mia-k" / "client.toml"
    text = client_toml.read_text()
    client_toml.write_text(
        text.replace(
            'display_name = "Mia K."', f'display_name = "Mia K."\ndate_of_birth = "{SENTINEL}"'
        )
    )
    hw = journal.root / "clients" / "mia-k" / "homework"
    hw.mkdir(mode=0o700)
    (hw / "bad.toml").write_text(
        'format_version = 1\nkind = "homework"\nid = "2026-03-02_1800_abcde"\nclient = "mia-k"\n'
        f'entry_kind = "{SENTINEL}"\nat = 2026-03-02T18:00:00+10:00\nwritten_by = "Sam"\n'
        f'written_at = 2026-03-02T18:05:00+10:00\n\n[mood]\nmood = "{SENTINEL}"\n'
    )
    config = Path.home() / "config" / "otjournal" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text(
        f'default_client = "{SENTINEL}"\n[session]\nduration_min = "{SENTINEL}"\n'
        f'regulation_framework = "{SENTINEL}"\n'
    )

    for args in (["check"], ["check", "--json"], ["list"], ["trends"], ["config", "show"]):
        result = run(runner, *args)
        no_traceback(result)
        assert SENTINEL not in all_output(result), (args, all_output(result))
    check = run(runner, "check")
    reported = {ln.split(":")[0] for ln in check.output.splitlines() if ": error: " in ln}
    # Every broken file is reported (where and what), none by its text.
    assert {Path(p).stem for p in reported} >= {n.replace(" ", "-") for n in SESSION_FIELDS}
    assert "duration_min: must be a whole number from 0 to 1440 minutes, not a text" in (
        check.output
    )


FROM_FIELDS = [
    ("duration_min = 60", f'duration_min = "{SENTINEL}"'),
    ('setting = "school"', f'setting = "{SENTINEL}"'),
    ("gas = -1", f'gas = "{SENTINEL}"'),
    ('start = "blue"', f'start = "{SENTINEL}"'),
    ("start = 2026-03-06T09:00:00+10:00", f'start = "{SENTINEL}"'),
]
FROM_NOTE = """\
start = 2026-03-06T09:00:00+10:00
duration_min = 60
session_type = "review"
setting = "school"
attendees = ["child"]
written_by = "Alex Rivera"

[[goals]]
goal = "g1"
gas = -1

[regulation]
framework = "zones"
start = "blue"
end = "green"

[plan]
summary = "Good session"
"""


@pytest.mark.parametrize(("old", "new"), FROM_FIELDS)
def test_a_note_in_a_wrong_field_of_a_from_file_is_never_echoed(
    runner, journal, tmp_path, old, new
):
    journal.add_client(make_client())
    source = tmp_path / "note.toml"
    source.write_text(_swap(old, new, FROM_NOTE))

    result = run(runner, "log", "mia-k", "--from", source, "--no-input")

    no_traceback(result)
    assert result.exit_code in (1, 2), result.output
    assert SENTINEL not in all_output(result)
    assert not (journal.root / SESSIONS).exists() or not any((journal.root / SESSIONS).iterdir())


def test_a_note_in_a_homework_from_file_is_never_echoed(runner, journal, tmp_path):
    journal.add_client(make_client())
    source = tmp_path / "entry.toml"
    source.write_text(
        f'entry_kind = "mood-check"\nwritten_by = "Sam"\n[mood]\nmood = "{SENTINEL}"\n'
    )
    result = run(runner, "homework", "log", "mia-k", "--from", source, "--no-input")
    no_traceback(result)
    assert result.exit_code in (1, 2), result.output
    assert "mood.mood" in all_output(result)
    assert SENTINEL not in all_output(result)


FLAG_CASES = [
    ["list", "--since", SENTINEL],
    ["list", "--until", SENTINEL],
    ["list", "-n", SENTINEL],
    ["list", SENTINEL],
    ["list", "mia-k", SENTINEL],  # one argument too many (a forgotten --summary)
    [SENTINEL],
    ["show", SENTINEL],
    ["trends", SENTINEL],
    ["trends", "mia-k", "--since", SENTINEL],
    ["report", SENTINEL],
    ["report", "mia-k", "--from", SENTINEL],
    ["export", "--client", SENTINEL],
    ["export", "--table", SENTINEL],
    ["export", "--format", SENTINEL],
    ["log", "mia-k", "--duration", SENTINEL, "--no-input"],
    ["log", "mia-k", "--date", SENTINEL, "--no-input"],
    ["log", "mia-k", "--time", SENTINEL, "--no-input"],
    ["log", "mia-k", "--type", SENTINEL, "--setting", "home", "--summary", "x", "--no-input"],
    ["log", "mia-k", "--setting", SENTINEL, "--summary", "x", "--no-input"],
    ["log", "mia-k", "--attendee", SENTINEL, "--summary", "x", "--no-input"],
    ["log", "mia-k", "--goal", f"g1:{SENTINEL}", "--no-input"],
    ["log", "mia-k", "--goal", f"{SENTINEL}:+1", "--summary", "x", "--no-input"],
    ["log", "mia-k", "--goal", f"{SENTINEL}:{SENTINEL}", "--no-input"],
    ["log", "mia-k", "--checklist", "yyyyyyq", "--no-input"],
    ["log", "mia-k", "--activity", f"Swing;{SENTINEL}", "--no-input"],
    ["log", "mia-k", "--activity", f"Swing;{SENTINEL}=1", "--no-input"],
    ["log", "mia-k", "--activity", f"Swing;tags={SENTINEL}", "--no-input"],
    ["log", "mia-k", "--homework", f"Lacing;{SENTINEL}=1", "--no-input"],
    ["log", "mia-k", "--checklist", SENTINEL, "--no-input"],
    ["log", "mia-k", "--reg-start", SENTINEL, "--setting", "home", "--summary", "x", "--no-input"],
    ["log", "mia-k", "--resume", "--draft", SENTINEL],
    ["log", SENTINEL, "--no-input"],
    ["homework", "log", "mia-k", SENTINEL, "--done", "yes", "--by", "Sam", "--no-input"],
    ["homework", "log", "mia-k", "--kind", SENTINEL, "--by", "Sam", "--no-input"],
    ["homework", "log", "mia-k", "--kind", "mood-check", "--mood", SENTINEL, "--no-input"],
    ["homework", "log", "mia-k", "--kind", "mood-check", "--mood", "5", "--at", SENTINEL],
    ["homework", "summary", "mia-k", "--since", SENTINEL],
    ["client", "add", SENTINEL],
    ["client", "add", "noah-t", "--name", "Noah", "--dob", SENTINEL],
    ["client", "add", "noah-t", "--name", "Noah", "--framework", SENTINEL],
    ["client", "show", SENTINEL],
    ["goal", "add", SENTINEL, "g9", "Text"],
    ["amend", SENTINEL, "--kind", "correction", "--text", "x"],
    ["conflicts", "resolve", SENTINEL, "--keep", "both", "--yes"],
    ["drafts", "show", SENTINEL],
]


@pytest.mark.parametrize("args", FLAG_CASES, ids=lambda a: " ".join(a).replace(SENTINEL, "S"))
def test_a_note_typed_into_a_flag_is_never_echoed(runner, journal, args):
    journal.add_client(make_client())
    journal.add_session(make_session(), durable=False)

    result = run(runner, *args, input="")

    no_traceback(result)
    assert result.exit_code != 0, (args, result.output)
    assert SENTINEL not in all_output(result), (args, all_output(result))


def test_identifiers_and_numbers_are_still_named(runner, journal):
    """What is safe to repeat still is: an id that was looked up, a number out of range."""
    journal.add_client(make_client())
    assert "no session with id 'zzzzz'" in run(runner, "show", "zzzzz").stderr
    result = run(runner, "log", "mia-k", "--duration", "5000", "--no-input")
    assert "5000 minutes cannot be a session's length" in all_output(result)
    result = run(runner, "list", "--since", "someday")
    assert result.exit_code == 2
    assert "--since: that is not a date" in result.stderr


# -- item 17: homework import ------------------------------------------------------------


@pytest.fixture
def shared(runner, tmp_path):
    """A family's journal with one mood check, exported; the clinic's journal (mia)."""
    family, clinic = tmp_path / "family", tmp_path / "clinic"
    Journal(family).add_client(make_client("mia-k"))
    Journal(clinic).add_client(make_client("mia"))
    logged = run(
        runner, "homework", "log", "mia-k", "--kind", "mood-check", "--mood", "5",
        "--at", "2026-03-02 18:00", "--by", "Sarah", "--no-input", "--dir", family,
    )  # fmt: skip
    assert logged.exit_code == 0, logged.output
    share = tmp_path / "share.toml"
    result = run(runner, "homework", "export", "mia-k", "-o", share, "--dir", family)
    assert result.exit_code == 0, result.output
    return family, clinic, share


def rewrite(share: Path, target: Path, change) -> Path:
    """The export with its entries changed, and a checksum that matches again."""
    data = tomllib.loads(share.read_text())
    change(data["entries"])
    data["count"] = len(data["entries"])
    data["sha256"] = checksum(data["entries"])
    target.write_bytes(tomlio.dumps(data))
    return target


def files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())} if folder.exists() else {}


def _second_entry(entries: list[dict], text: str) -> None:
    extra = dict(entries[0], id="2026-03-03_1800_abcde", text=text)
    entries.append(extra)


def test_an_entry_the_loader_would_refuse_is_not_imported_nor_any_other(runner, shared, tmp_path):
    _, clinic, share = shared
    homework = clinic / "clients" / "mia" / "homework"
    huge = rewrite(share, tmp_path / "huge.toml", lambda e: _second_entry(e, "x" * 10_000_000))

    result = run(runner, "homework", "import", huge, "--client", "mia", "--dir", clinic)

    no_traceback(result)
    assert result.exit_code == 1, result.output
    assert "entries[1]" in result.stderr
    assert f"larger than {MAX_FILE_BYTES // 1024} KiB" in result.stderr
    assert "nothing was imported" in result.stderr
    assert files(homework) == {}  # not even the good entry before it


def test_the_import_limit_is_the_loaders_own(runner, shared, tmp_path):
    """Just under the loader's cap is imported, and then loads without a problem."""
    _, clinic, share = shared
    room = MAX_FILE_BYTES - 4_000  # what the rest of the file takes is well under 4,000 bytes
    big = rewrite(share, tmp_path / "big.toml", lambda e: _second_entry(e, "x" * room))

    result = run(runner, "homework", "import", big, "--client", "mia", "--dir", clinic)

    assert result.exit_code == 0, result.output
    snap = Journal(clinic).load()
    assert snap.problems == []
    assert len(snap.homework) == 2
    sizes = [p.path.stat().st_size for p in snap.homework]
    assert max(sizes) > MAX_FILE_BYTES - 4_000


def test_a_known_id_with_other_content_is_a_conflict_and_both_are_kept(runner, shared, tmp_path):
    _, clinic, share = shared
    homework = clinic / "clients" / "mia" / "homework"
    assert (
        run(runner, "homework", "import", share, "--client", "mia", "--dir", clinic).exit_code == 0
    )
    (original,) = homework.iterdir()
    before = original.read_bytes()

    def seven(entries):
        entries[0]["mood"]["mood"] = 7

    changed = rewrite(share, tmp_path / "changed.toml", seven)
    result = run(runner, "homework", "import", changed, "--client", "mia", "--dir", clinic)

    assert result.exit_code == 0, result.output
    assert "0 added, 0 already here (skipped), 1 conflict" in result.stdout
    assert "otj conflicts" in result.stdout
    assert original.read_bytes() == before  # never overwritten
    (copy,) = [p for p in homework.iterdir() if p != original]
    assert copy.name.startswith(original.stem + ".import-conflict-")
    assert tomllib.loads(copy.read_text())["mood"]["mood"] == 7  # never dropped
    # The copy is not counted twice, and 'otj conflicts' shows it beside its original.
    snap = Journal(clinic).load()
    assert [h.path for h in snap.homework] == [original]
    assert [(c.path, c.original) for c in snap.conflicts] == [(copy, original)]
    shown = run(runner, "conflicts", "--dir", clinic)
    assert copy.name in shown.stdout and "+mood = 7" in shown.stdout

    # The same import again: already here (as the conflict copy), nothing new written.
    again = run(runner, "homework", "import", changed, "--client", "mia", "--dir", clinic)
    assert "0 added, 1 already here" in again.stdout
    assert len(list(homework.iterdir())) == 2

    # Keep both: the copy becomes an entry of its own, with a new id.
    kept = run(
        runner, "conflicts", "resolve", copy.name, "--keep", "both", "--yes", "--dir", clinic
    )
    assert kept.exit_code == 0, kept.output
    moods = sorted(h.record.mood.mood for h in Journal(clinic).load().homework)
    assert moods == [5, 7]
    # And now that both are entries of their own, importing either again adds nothing.
    for source in (share, changed):
        again = run(runner, "homework", "import", source, "--client", "mia", "--dir", clinic)
        assert "0 added, 1 already here (skipped)." in again.stdout, again.output
    assert len(Journal(clinic).load().homework) == 2


def test_the_same_entry_is_still_already_here(runner, shared):
    _, clinic, share = shared
    assert (
        run(runner, "homework", "import", share, "--client", "mia", "--dir", clinic).exit_code == 0
    )
    before = files(clinic / "clients" / "mia" / "homework")
    result = run(runner, "homework", "import", share, "--client", "mia", "--dir", clinic)
    assert "0 added, 1 already here (skipped)." in result.stdout
    assert "conflict" not in result.stdout
    assert files(clinic / "clients" / "mia" / "homework") == before


# -- item 20: dates out of range --------------------------------------------------------------

FAR = {
    # Was a traceback in check (retention), show (UTC conversion) and trends.
    "year-9993": "9993-03-12T14:30:00+10:00",
    "last-day-west": "9999-12-31T23:30:00-10:00",
    "year-0001": "0001-01-01T09:00:00+10:00",
}
COMMANDS = [
    ["check"],
    ["show", "2026-03-12_1430_bad00"],
    ["trends"],
    ["trends", "mia-k"],
    ["list"],
    ["export"],
    ["report", "mia-k"],
    ["homework", "summary", "mia-k"],
]


@pytest.mark.parametrize("when", list(FAR))
def test_a_session_dated_out_of_range_is_a_located_problem(runner, journal, when):
    journal.add_client(make_client())
    good = journal.add_session(make_session(), durable=False).record.id
    folder = journal.root / SESSIONS
    bad = folder / "far.toml"
    bad.write_text(_swap("start = 2026-03-12T14:30:00+10:00", f"start = {FAR[when]}"))

    for args in COMMANDS:
        result = run(runner, *args)
        no_traceback(result)
        assert result.exit_code in (0, 1), (args, result.output)
    check = run(runner, "check")
    year = int(FAR[when][:4])
    assert (
        f"{(SESSIONS / 'far.toml').as_posix()}:5:1: error: start: year {year} is out of range: "
        "dates must be from 1900 to 2999"
    ) in check.output
    listed = json.loads(run(runner, "list", "--json").stdout)["sessions"]
    assert [s["id"] for s in listed] == [good]


def test_other_dates_out_of_range_are_located_too(runner, journal):
    journal.add_client(make_client())
    journal.add_session(make_session(), durable=False)
    client_toml = journal.root / "clients" / "mia-k" / "client.toml"
    client_toml.write_text(
        client_toml.read_text().replace(
            'display_name = "Mia K."', 'display_name = "Mia K."\ndate_of_birth = 9999-12-31'
        )
    )
    far = make_session(start=datetime(2026, 3, 12, 14, 30, tzinfo=TZ))
    saved = journal.add_session(far, durable=False).path
    saved.write_text(
        saved.read_text().replace("written_at = 2026-03-12", "written_at = 9999-12-31")
    )
    for args in COMMANDS[:1] + COMMANDS[2:]:
        no_traceback(run(runner, *args))
    check = run(runner, "check")
    assert "date_of_birth: year 9999 is out of range" in check.output
    assert "written_at: year 9999 is out of range" in check.output


def test_the_last_day_of_the_range_works_everywhere(runner, journal):
    """2999-12-31 late in the evening, west of UTC, is 3000 in UTC: still fine."""
    journal.add_client(make_client())
    late = datetime(2999, 12, 31, 23, 30, tzinfo=timezone(timedelta(hours=-12)))
    written = late + timedelta(minutes=20)
    sid = journal.add_session(make_session(start=late, written_at=written), durable=False).record.id
    for args in [*COMMANDS, ["trends", "mia-k", "--since", "1900-01-01", "--until", "2999-12-31"]]:
        args = [sid if a == "2026-03-12_1430_bad00" else a for a in args]
        result = run(runner, *args)
        no_traceback(result)
        assert result.exit_code == 0, (args, result.output)
    assert sid in run(runner, "list", "--until", "2999-12-31").stdout


@pytest.mark.parametrize(
    "args",
    [
        ["list", "--until", "9999-12-31"],
        ["list", "--since", "0001-01-01"],
        ["list", "--since", "9999y"],
        ["trends", "--until", "9999-12-31"],
        ["trends", "mia-k", "--until", "9999-12-31"],
        ["trends", "mia-k", "--since", "0001-01-01"],
        ["export", "--until", "9999-12-31"],
        ["report", "mia-k", "--from", "0001-01-01"],
        ["report", "mia-k", "--to", "9999-12-31"],
        ["homework", "add", "mia-k", "--text", "Lacing", "--until", "9999-12-31"],
        ["homework", "summary", "mia-k", "--since", "9999y"],
        ["log", "mia-k", "--date", "9999-12-31", "--no-input"],
        [
            "homework",
            "log",
            "mia-k",
            "--kind",
            "mood-check",
            "--mood",
            "5",
            "--by",
            "Sam",
            "--at",
            "9999-12-31 10:00",
            "--no-input",
        ],
        ["client", "add", "noah-t", "--name", "Noah", "--dob", "9999-01-01"],
    ],
    ids=" ".join,
)
def test_a_flag_out_of_range_is_a_usage_error(runner, journal, args):
    journal.add_client(make_client())
    journal.add_session(make_session(), durable=False)

    result = run(runner, *args)

    no_traceback(result)
    assert result.exit_code == 2, (args, result.output)
    assert "out of range: dates must be from 1900 to 2999" in result.stderr
    flag = next((a for a in args if a.startswith("--") and a != "--no-input"), None)
    if flag in ("--since", "--until", "--dob", "--from", "--to"):
        assert f"{flag}: " in result.stderr


@pytest.mark.parametrize("end", ["1900-03-01", "2999-06-30"])
def test_the_demo_never_writes_dates_the_loader_refuses(runner, tmp_path, end):
    """The demo's sessions start 26 weeks before --end and its plans run a year past it."""
    folder = tmp_path / "demo"
    result = run(runner, "demo", "--dir", folder, "--end", end, "-q", "--sessions", "4")
    no_traceback(result)
    assert result.exit_code == 2, result.output
    assert "--end: " in result.stderr and "out of range" in result.stderr
    assert not folder.exists() or not any(folder.iterdir())


# -- the corpus: no traceback from any command ------------------------------------------------


def test_no_command_tracebacks_on_the_bad_file_corpus(runner, journal):
    """Every file of tests/data/bad/ at once, read by every reading command."""
    from tests.test_bad_files import BAD, MANIFEST

    journal.add_client(make_client())
    good = journal.add_session(make_session(), durable=False).record.id
    folder = journal.root / SESSIONS
    planted = [path for path in BAD.iterdir() if path != MANIFEST]
    assert planted, "tests/data/bad/ holds the corpus"
    for path in planted:
        (folder / path.name).write_bytes(path.read_bytes())
    commands = [
        *COMMANDS,
        ["show", good],
        ["check", "--json"],
        ["doctor"],
        ["conflicts"],
        ["list", "--since", "1900-01-01", "--until", "2999-12-31"],
        ["export", "--table", "goals", "--format", "json"],
        ["trends", "mia-k", "--json"],
    ]
    for args in commands:
        result = run(runner, *args)
        no_traceback(result)
        assert result.exit_code in (0, 1), (args, result.output)
        assert SENTINEL not in all_output(result), args
