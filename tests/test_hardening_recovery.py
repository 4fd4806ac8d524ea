"""Recovery edges (issue 12, items 10, 12, 13, 14 and 18).

- 10: ``--resume`` honours the other flags; ``--resume --no-input`` never prompts.
- 12: a draft records where its note will be published; resuming a draft whose note is
  already there says so and discards it (a kill between publishing and deleting the
  draft once made the note be saved twice).
- 13: resuming keeps a kept time's offset (+10:00 became the machine's +00:00).
- 14: with the drafts folder failing too (the file-size limit), the message claims no
  draft that was never written; ``otj amend`` keeps typed or piped text as a draft.
- 18: ``otj amend`` over a broken chain warns and records it; a seal log witnesses each
  finished note, so editing or removing the last amendment (or all) is reported.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time
import tomllib
import types
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from otjournal.cli import app
from otjournal.disk import amend, seals
from otjournal.disk.store import Journal
from otjournal.errors import StoreError
from otjournal.forms.drafts import Drafts, default_drafts
from tests.conftest import TZ, make_client, make_session
from tests.helpers import tree
from tests.test_log import draft_files

SECRET = "Mia laced both shoes, beaming"  # note text: never in a message
NOTE = f"""\
start = 2026-03-06T09:00:00+10:00
duration_min = 50
setting = "clinic"
attendees = ["child", "parent"]
written_by = "Alex Rivera"

[plan]
summary = "{SECRET}"
"""


# -- helpers -------------------------------------------------------------------------


@pytest.fixture
def seeded(journal: Journal) -> Journal:
    journal.add_client(make_client())
    return journal


def sessions(notes: Path) -> list[Path]:
    return sorted((notes / "clients" / "mia-k" / "sessions").glob("*.toml"))


def homework(notes: Path) -> list[Path]:
    folder = notes / "clients" / "mia-k" / "homework"
    return sorted(folder.glob("*.toml")) if folder.exists() else []


def ok(result) -> None:
    assert result.exit_code == 0, (result.exit_code, result.output, result.exception)


class Killed(BaseException):
    """Stands for SIGKILL: nothing after it runs, no handler sees it (not an Exception,
    not SystemExit, not KeyboardInterrupt)."""


def kill_before_the_draft_is_deleted(monkeypatch: pytest.MonkeyPatch) -> None:
    """The process dies right after the record was published, before its draft goes."""

    def die(self, draft):
        raise Killed()

    monkeypatch.setattr(Drafts, "discard", die)


def killed(runner, args: list[str], input: str | None = None) -> None:
    with pytest.raises(Killed):
        runner.invoke(app, args, input=input)


# -- 12. a draft outliving its published note -----------------------------------------------


@pytest.mark.parametrize("how", ["--no-input", "prompts"])
def test_a_draft_left_by_a_kill_after_publishing_is_not_saved_twice(
    runner, seeded: Journal, notes: Path, monkeypatch: pytest.MonkeyPatch, how: str
):
    with monkeypatch.context() as m:
        kill_before_the_draft_is_deleted(m)
        killed(runner, ["log", "mia-k", "--from", "-"], input=NOTE)
    (published,) = sessions(notes)
    (left,) = draft_files()
    target = tomllib.loads(left.read_text("utf-8"))["target"]
    assert target["path"] == str(published)

    args = ["log", "--resume"] + (["--no-input"] if how == "--no-input" else [])
    result = runner.invoke(app, args, input="\n" * 80)

    ok(result)
    assert "Already saved as clients/mia-k/sessions/" in result.stdout
    assert "Nothing was saved twice" in result.stdout
    assert sessions(notes) == [published], "the note was saved a second time"
    assert draft_files() == []
    assert SECRET not in result.output


def test_a_real_sigkill_between_publishing_and_deleting_the_draft(
    runner, seeded: Journal, notes: Path
):
    """The same with a real SIGKILL, in a process of its own, at that very point."""
    code = (
        "import os, signal, sys\n"
        "from otjournal.forms.drafts import Drafts\n"
        "Drafts.discard = lambda self, d: os.kill(os.getpid(), signal.SIGKILL)\n"
        "from otjournal.cli import main\n"
        "sys.argv = ['otj', 'log', 'mia-k', '--from', '-']\n"
        "main()\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        input=NOTE.encode(),
        capture_output=True,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
        timeout=60,
    )
    assert result.returncode == -9, result.stderr
    (published,) = sessions(notes)
    assert len(draft_files()) == 1
    result = runner.invoke(app, ["log", "--resume"], input="\n" * 80)
    ok(result)
    assert "Already saved" in result.stdout
    assert sessions(notes) == [published] and draft_files() == []


def test_a_draft_is_resumed_only_for_the_notes_folder_it_was_begun_for(
    runner, seeded: Journal, notes: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """Two journals with a client of the same handle: a draft begun in one is never
    saved into the other (it would be another person's record)."""
    unfinished = NOTE.replace('setting = "clinic"\n', "")
    result = runner.invoke(app, ["log", "mia-k", "--from", "-"], input=unfinished)
    assert result.exit_code == 2 and "kept as a draft" in result.output, result.output
    (draft,) = draft_files()
    other = tmp_path / "other"
    Journal(other).add_client(make_client())
    monkeypatch.setenv("OTJOURNAL_DIR", str(other))
    newest = runner.invoke(app, ["log", "--resume", "--no-input"])
    assert newest.exit_code == 1 and "there are no drafts to resume" in newest.stderr
    named = runner.invoke(app, ["log", "--resume", "--draft", draft.stem, "--no-input"])
    assert named.exit_code == 2, named.output
    assert "was begun for another notes folder" in named.stderr
    assert sessions(other) == [] and draft_files() == [draft]
    monkeypatch.setenv("OTJOURNAL_DIR", str(notes))
    again = runner.invoke(app, ["log", "--resume", "--no-input", "--setting", "clinic"])
    ok(again)
    assert len(sessions(notes)) == 1 and draft_files() == []


def test_the_draft_is_recognised_after_its_note_was_amended(
    runner, seeded: Journal, notes: Path, monkeypatch: pytest.MonkeyPatch
):
    """An amendment only appends: the published bytes are still the file's prefix."""
    with monkeypatch.context() as m:
        kill_before_the_draft_is_deleted(m)
        killed(runner, ["log", "mia-k", "--from", "-"], input=NOTE)
    (published,) = sessions(notes)
    sid = published.stem
    ok(runner.invoke(app, ["amend", sid, "--kind", "addition", "--text", "x", "--by", "A"]))
    result = runner.invoke(app, ["log", "--resume", "--no-input"])
    ok(result)
    assert "Already saved" in result.stdout
    assert sessions(notes) == [published]


def test_a_draft_whose_target_holds_other_bytes_is_saved(
    runner, seeded: Journal, notes: Path, monkeypatch: pytest.MonkeyPatch
):
    """A target path with different bytes (a collision, a truncated write): not ours,
    so the draft is saved as usual, under a name of its own."""
    with monkeypatch.context() as m:
        kill_before_the_draft_is_deleted(m)
        killed(runner, ["log", "mia-k", "--from", "-"], input=NOTE)
    (published,) = sessions(notes)
    published.write_bytes(published.read_bytes()[:40])  # cut short: not what was written
    result = runner.invoke(app, ["log", "--resume", "--no-input"])
    ok(result)
    assert "Saved" in result.stdout and "Already" not in result.stdout
    assert len(sessions(notes)) == 2
    assert draft_files() == []


def test_a_homework_draft_left_after_publishing_is_not_saved_twice(
    runner, seeded: Journal, notes: Path, monkeypatch: pytest.MonkeyPatch
):
    args = ["homework", "log", "mia-k", "--kind", "mood-check", "--mood", "6", "--by", "Sarah"]
    args.append("--no-input")
    with monkeypatch.context() as m:
        kill_before_the_draft_is_deleted(m)
        killed(runner, args)
    assert len(homework(notes)) == 1 and len(draft_files()) == 1
    result = runner.invoke(app, ["homework", "log", "--resume"], input="\n" * 40)
    ok(result)
    assert "Already saved as clients/mia-k/homework/" in result.stdout
    assert len(homework(notes)) == 1 and draft_files() == []


def test_an_amendment_draft_left_after_writing_is_not_added_twice(
    runner, seeded: Journal, notes: Path, monkeypatch: pytest.MonkeyPatch
):
    saved = seeded.add_session(make_session())
    with monkeypatch.context() as m:
        kill_before_the_draft_is_deleted(m)
        killed(
            runner,
            ["amend", saved.record.id, "--kind", "addition", "--stdin", "--by", "A"],
            input=SECRET,
        )
    assert len(seeded.read_session_file(saved.path)[2].amendments) == 1
    result = runner.invoke(app, ["amend", "--resume", "--no-input"])
    ok(result)
    assert "Already saved" in result.stdout
    assert len(seeded.read_session_file(saved.path)[2].amendments) == 1
    assert draft_files() == []


# -- 13. a kept value keeps its offset ----------------------------------------------------


@pytest.fixture
def machine_at_utc(monkeypatch: pytest.MonkeyPatch):
    """The machine's own offset is +00:00 while the notes are at +10:00."""
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    assert datetime.now().astimezone().utcoffset() == timedelta(0)
    yield
    monkeypatch.undo()
    time.tzset()


def kept_draft(command: str, note: dict[str, Any], step: str = "") -> Path:
    drafts = default_drafts()
    draft = drafts.new(command, "mia-k", datetime.now().astimezone(), note)
    draft.step = step
    drafts.save(draft, datetime.now().astimezone())
    return draft.path


SESSION_DRAFT = {
    "client": "mia-k",
    "start": datetime(2026, 3, 6, 9, 0, tzinfo=TZ),
    "duration_min": 50,
    "setting": "clinic",
    "session_type": "therapy",
    "attendees": ["child"],
    "written_by": "Alex Rivera",
    "plan": {"summary": SECRET},
}


def test_resuming_keeps_the_start_and_its_offset_when_enter_keeps_it(
    runner, seeded: Journal, notes: Path, machine_at_utc
):
    kept_draft("log", SESSION_DRAFT)
    result = runner.invoke(app, ["log", "--resume"], input="\n" * 80)
    ok(result)
    (path,) = sessions(notes)
    start = tomllib.loads(path.read_text("utf-8"))["start"]
    assert start == datetime(2026, 3, 6, 9, 0, tzinfo=TZ)
    assert start.utcoffset() == timedelta(hours=10)
    assert path.name.startswith("2026-03-06_0900_")


def test_a_time_typed_against_a_kept_start_is_read_in_its_offset(
    runner, seeded: Journal, notes: Path, machine_at_utc
):
    kept_draft("log", SESSION_DRAFT)
    # Minutes, date (Enter keeps), start time (changed), then Enter for the rest.
    result = runner.invoke(app, ["log", "--resume"], input="\n\n09:30\n" + "\n" * 80)
    ok(result)
    (path,) = sessions(notes)
    start = tomllib.loads(path.read_text("utf-8"))["start"]
    assert start == datetime(2026, 3, 6, 9, 30, tzinfo=TZ)


def test_resuming_a_homework_entry_keeps_its_time_and_offset(
    runner, seeded: Journal, notes: Path, machine_at_utc
):
    at = datetime(2026, 3, 6, 19, 30, tzinfo=TZ)
    kept_draft(
        "homework log",
        {
            "client": "mia-k",
            "entry_kind": "mood-check",
            "at": at,
            "written_by": "Sarah",
            "mood": {"mood": 6},
        },
        step="when",
    )
    result = runner.invoke(app, ["homework", "log", "--resume"], input="\n" * 40)
    ok(result)
    (path,) = homework(notes)
    saved = tomllib.loads(path.read_text("utf-8"))["at"]
    assert saved == at and saved.utcoffset() == timedelta(hours=10)


# -- 10. --resume with other flags ------------------------------------------------------


def test_resume_no_input_never_prompts_and_names_what_is_missing(
    runner, seeded: Journal, notes: Path
):
    kept_draft("log", {"client": "mia-k", "plan": {"summary": SECRET}})
    result = runner.invoke(app, ["log", "--resume", "--no-input"], input="\n" * 80)
    assert result.exit_code == 2, result.output
    assert "cannot save without" in result.stderr
    assert "Minutes" not in result.output and "Setting" not in result.output  # no prompt
    assert sessions(notes) == []
    (draft,) = draft_files()
    assert tomllib.loads(draft.read_text("utf-8"))["note"]["plan"]["summary"] == SECRET


def test_resume_honours_the_flags_given_with_it(runner, seeded: Journal, notes: Path):
    kept_draft("log", {"client": "mia-k", "plan": {"summary": SECRET}})
    result = runner.invoke(
        app,
        [
            "log",
            "--resume",
            "--no-input",
            "--date",
            "2026-03-06",
            "--time",
            "09:00",
            "--duration",
            "40",
            "--setting",
            "home",
            "--attendee",
            "child",
            "--by",
            "Alex Rivera",
            "--next",
            "Lacing again",
        ],
    )
    ok(result)
    (path,) = sessions(notes)
    saved = tomllib.loads(path.read_text("utf-8"))
    assert saved["setting"] == "home" and saved["duration_min"] == 40
    assert saved["plan"] == {"summary": SECRET, "next_focus": "Lacing again"}
    assert saved["start"].hour == 9 and saved["start"].date().isoformat() == "2026-03-06"
    assert draft_files() == []


def test_resume_with_a_date_keeps_the_kept_time_and_offset(
    runner, seeded: Journal, notes: Path, machine_at_utc
):
    kept_draft("log", SESSION_DRAFT)
    ok(runner.invoke(app, ["log", "--resume", "--no-input", "--date", "2026-03-05"]))
    (path,) = sessions(notes)
    start = tomllib.loads(path.read_text("utf-8"))["start"]
    assert start == datetime(2026, 3, 5, 9, 0, tzinfo=TZ)


def test_homework_resume_honours_flags_and_no_input(runner, seeded: Journal, notes: Path):
    kept_draft("homework log", {"client": "mia-k", "entry_kind": "mood-check"})
    result = runner.invoke(
        app, ["homework", "log", "--resume", "--no-input", "--mood", "7", "--by", "Sarah"]
    )
    ok(result)
    (path,) = homework(notes)
    saved = tomllib.loads(path.read_text("utf-8"))
    assert saved["mood"]["mood"] == 7 and saved["written_by"] == "Sarah"
    assert draft_files() == []


def test_resume_no_input_of_an_editor_draft_uses_the_form_as_last_saved(
    runner, seeded: Journal, notes: Path
):
    """Stopped in the editor: the form may be newer than the draft's answers. Resumed
    without the editor, it is the form that is saved (and nothing typed is lost)."""
    path = kept_draft("log", SESSION_DRAFT, step="editor")
    form = path.with_suffix(".edit.toml")
    form.write_text(
        'start = 2026-03-06T09:00:00+10:00\nduration_min = 50\nsetting = "clinic"\n'
        'attendees = ["child"]\nwritten_by = "Alex Rivera"\n[plan]\nsummary = "From the form"\n',
        "utf-8",
    )
    ok(runner.invoke(app, ["log", "--resume", "--no-input"]))
    (saved,) = sessions(notes)
    assert tomllib.loads(saved.read_text("utf-8"))["plan"]["summary"] == "From the form"


# -- 14. only true words about drafts; amend keeps its text ---------------------------------


def test_the_file_size_limit_is_met_with_true_words(seeded: Journal, notes: Path):
    """RLIMIT_FSIZE (ulimit -f): the note and the draft both fail to write. The message
    must not claim a draft that does not exist."""
    big = NOTE.replace(SECRET, SECRET + " " + "x" * 6000)

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))

    result = subprocess.run(
        [sys.executable, "-m", "otjournal", "log", "mia-k", "--from", "-"],
        input=big.encode(),
        capture_output=True,
        preexec_fn=limit,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
        timeout=60,
    )
    stderr = result.stderr.decode()
    assert result.returncode == 1, stderr
    assert draft_files() == []
    assert "kept as a draft" not in stderr and "Continue with" not in stderr
    assert "could not be written either" in stderr and "was not kept" in stderr
    assert sessions(notes) == []
    assert SECRET not in stderr


def test_a_draft_kept_earlier_is_named_for_what_it_holds(
    runner, seeded: Journal, notes: Path, monkeypatch: pytest.MonkeyPatch
):
    """The draft was written before, but the latest answers could not be kept."""
    kept_draft("log", SESSION_DRAFT, step="review")

    def full(self, draft, now):
        raise StoreError("could not save the draft: File too large")

    def refuse(self, session, **kw):
        raise StoreError("could not save: File too large")

    monkeypatch.setattr(Drafts, "save", full)
    monkeypatch.setattr(Journal, "add_session", refuse)
    result = runner.invoke(app, ["log", "--resume"], input="y\n")
    assert result.exit_code == 1
    assert "Your note is kept as a draft" not in result.stderr
    assert "latest answers could not be kept (could not save the draft: File too large)" in (
        result.stderr
    )
    assert "as it was kept before" in result.stderr
    assert "otj log --resume --draft" in result.stderr


def test_amend_text_from_stdin_is_kept_when_the_save_fails(
    runner, seeded: Journal, notes: Path, monkeypatch: pytest.MonkeyPatch
):
    saved = seeded.add_session(make_session())
    before = saved.path.read_bytes()

    def refuse(self, path, data, expected, why="amended"):
        raise StoreError("could not save: No space left on device", path=path)

    with monkeypatch.context() as m:
        m.setattr(Journal, "replace_file", refuse)
        result = runner.invoke(
            app,
            ["amend", saved.record.id, "--kind", "addition", "--stdin", "--by", "A"],
            input=SECRET + "\n",
        )
    assert result.exit_code == 1
    assert "Your amendment is kept as a draft" in result.stderr
    assert "otj amend --resume --draft" in result.stderr
    assert SECRET not in result.output
    assert saved.path.read_bytes() == before
    (draft,) = draft_files()
    assert tomllib.loads(draft.read_text("utf-8"))["note"]["text"] == SECRET

    ok(runner.invoke(app, ["amend", "--resume", "--no-input"]))
    (added,) = seeded.read_session_file(saved.path)[2].amendments
    assert added.text == SECRET and added.by == "A"
    assert draft_files() == []


def test_amend_text_typed_at_the_prompt_is_kept_when_input_stops(
    runner, seeded: Journal, notes: Path, monkeypatch: pytest.MonkeyPatch
):
    saved = seeded.add_session(make_session())
    tty = types.SimpleNamespace(stdin=types.SimpleNamespace(isatty=lambda: True))
    monkeypatch.setattr("otjournal.cli.record_cmds.sys", tty)
    # Kind and text typed; input ends at "Your name" (no practitioner configured).
    result = runner.invoke(app, ["amend", saved.record.id], input=f"addition\n{SECRET}\n")
    assert result.exit_code == 130, result.output
    assert "Your amendment is kept as a draft" in result.stderr
    (draft,) = draft_files()
    assert tomllib.loads(draft.read_text("utf-8"))["note"]["text"] == SECRET
    # --resume honours --by, and --no-input never prompts.
    ok(runner.invoke(app, ["amend", "--resume", "--no-input", "--by", "Alex"]))
    (added,) = seeded.read_session_file(saved.path)[2].amendments
    assert (added.text, added.by, added.kind) == (SECRET, "Alex", "addition")


# -- 18. a witness beyond the note's own bytes --------------------------------------------------


@pytest.fixture
def amended(runner, seeded: Journal) -> tuple[Journal, Path, bytes]:
    saved = seeded.add_session(make_session())
    for text in ("First: Mum phoned.", "Second: school report.", f"Third: {SECRET}"):
        ok(
            runner.invoke(
                app, ["amend", saved.record.id, "--kind", "addition", "--text", text, "--by", "A"]
            )
        )
    return seeded, saved.path, saved.path.read_bytes()


def check(runner) -> tuple[int, list[str]]:
    result = runner.invoke(app, ["check"])
    assert SECRET not in result.output
    return result.exit_code, result.stdout.splitlines()


def test_a_clean_sealed_journal_checks_clean(runner, amended):
    assert check(runner) == (0, [])


def test_editing_the_last_amendment_is_reported(runner, amended):
    journal, path, raw = amended
    path.write_bytes(raw.replace(b"Third: Mia", b"Third: Tom"))
    assert amend.verify(path.read_bytes(), journal.read_session_file(path)[2]) == []  # unseen
    code, lines = check(runner)
    assert code == 0  # a warning: the file itself reads
    rel = path.relative_to(journal.root).as_posix()
    assert lines == [
        f"{rel}:1:1: warning: does not match its seal of {seal_day(journal)} (3 amendment(s)): "
        "what was sealed was edited (hint: corrections belong in a new amendment ('otj amend'); "
        "compare with a backup or the sync history to see what changed)"
    ]


def seal_day(journal: Journal) -> str:
    return max(s.at for s in journal.seal_logs())[:10]


@pytest.mark.parametrize("keep", [2, 0])
def test_removing_the_last_amendment_or_all_is_reported(runner, amended, keep: int):
    journal, path, raw = amended
    starts = [m.start() for m in amend.HEADER.finditer(raw)]
    cut = raw[: starts[keep]].rstrip(b"\n") + b"\n# end\n"
    path.write_bytes(cut)
    assert len(journal.read_session_file(path)[2].amendments) == keep  # still a valid note
    code, lines = check(runner)
    assert code == 0
    (line,) = lines
    assert f"it now has {keep} amendment(s): an amendment was removed" in line
    assert line.startswith(path.relative_to(journal.root).as_posix() + ":1:1: warning: ")


def test_an_edit_to_a_note_never_amended_is_reported(runner, seeded: Journal):
    saved = seeded.add_session(make_session())
    raw = saved.path.read_bytes()
    saved.path.write_bytes(raw.replace(b"Followed Mia's lead.", b"Followed Tom's lead."))
    _code, lines = check(runner)
    assert len(lines) == 1 and "warning: does not match its seal" in lines[0]


def test_amending_over_a_broken_chain_warns_and_records_it(runner, amended):
    journal, path, raw = amended
    path.write_bytes(raw.replace(b"First: Mum", b"First: Dad"))  # breaks amendments 2, 3
    result = runner.invoke(
        app, ["amend", path.stem, "--kind", "addition", "--text", "Fourth", "--by", "A"]
    )
    ok(result)
    assert "warning" in result.stderr and "changed outside otjournal" in result.stderr
    assert "records this" in result.stderr
    last = journal.read_session_file(path)[2].amendments[-1]
    assert last.text == "Fourth" and last.extra == {"over_broken_chain": True}
    assert b"over_broken_chain = true" in path.read_bytes()
    _code, lines = check(runner)
    assert any("amendment 4 was added when the note had already been changed" in x for x in lines)


def test_amending_after_the_last_amendment_was_edited_warns_too(runner, amended):
    """The chain cannot see this edit; the seal can, and the new amendment records it
    (otherwise sealing the new bytes would hide the edit for good)."""
    journal, path, raw = amended
    path.write_bytes(raw.replace(b"Third: Mia", b"Third: Tom"))
    result = runner.invoke(
        app, ["amend", path.stem, "--kind", "addition", "--text", "Fourth", "--by", "A"]
    )
    ok(result)
    assert "does not match its seal" in result.stderr
    assert journal.read_session_file(path)[2].amendments[-1].extra == {"over_broken_chain": True}
    _, lines = check(runner)
    assert any("over_broken_chain" in x for x in lines)


def test_unsealed_notes_are_counted_never_sealed_by_check_and_sealed_by_doctor_fix(
    runner, seeded: Journal, notes: Path
):
    """A note written before seals were kept: 'check' counts it (JSON) and writes
    nothing; 'otj doctor' names it; 'otj doctor --fix' seals it as it is."""
    saved = seeded.add_session(make_session())
    for f in (notes / ".otjournal" / "seals").iterdir():
        f.unlink()  # as if written by an otjournal without seals
    before = tree(notes)
    assert check(runner) == (0, [])  # not a problem with any file
    as_json = json.loads(runner.invoke(app, ["check", "--json"]).stdout)
    assert as_json["unsealed"] == 1 and as_json["problems"] == []
    assert tree(notes) == before, "check must never write"
    doctor = runner.invoke(app, ["doctor"])
    assert "note  1 session(s) have no seal yet" in doctor.stdout
    assert tree(notes) == before
    ok(runner.invoke(app, ["doctor", "--fix"]))
    assert json.loads(runner.invoke(app, ["check", "--json"]).stdout)["unsealed"] == 0
    assert [s.why for s in seeded.seal_logs() if s.path.endswith(saved.path.name)] == ["sealed"]
    # From now on a change to it is seen.
    saved.path.write_bytes(saved.path.read_bytes().replace(b"Mia's lead", b"Tom's lead"))
    assert "does not match its seal" in check(runner)[1][0]


def test_the_seal_log_is_private_append_only_and_survives_a_torn_line(
    runner, seeded: Journal, notes: Path
):
    first = seeded.add_session(make_session())
    (log,) = (notes / ".otjournal" / "seals").iterdir()
    assert os.stat(log).st_mode & 0o777 == 0o600
    assert os.stat(log.parent).st_mode & 0o777 == 0o700
    sealed = log.read_bytes()
    log.write_bytes(sealed + b"v1\t2026-")  # a crash tore the last line
    second = seeded.add_session(make_session(start=datetime(2026, 3, 12, 14, 30, tzinfo=TZ)))
    data = log.read_bytes()
    assert data.startswith(sealed + b"v1\t2026-\n")  # nothing earlier was rewritten
    paths = {s.path for s in seeded.seal_logs()}
    rel = {p.path.relative_to(notes).as_posix() for p in (first, second)}
    assert paths == rel
    # The torn line is named (a crash's and an edit's look alike), a warning: exit 0.
    code, lines = check(runner)
    assert code == 0 and len(lines) == 1 and "does not read as a seal" in lines[0], lines


def test_each_device_appends_to_its_own_log_and_every_log_is_read(
    runner, seeded: Journal, notes: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
):
    """Two devices never write the same file (sync merges cleanly); a note amended on
    the other device checks clean here once both logs are in the folder."""
    saved = seeded.add_session(make_session())
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "other-device"))
    ok(
        runner.invoke(
            app, ["amend", saved.record.id, "--kind", "addition", "--text", "x", "--by", "A"]
        )
    )
    logs = sorted((notes / ".otjournal" / "seals").iterdir())
    assert len(logs) == 2
    assert check(runner) == (0, [])
    as_json = json.loads(runner.invoke(app, ["check", "--json"]).stdout)
    assert as_json["problems"] == []


def test_seal_lines_that_do_not_read_are_skipped():
    good = seals.seal_of(
        "clients/a/sessions/x.toml", b"abc", "saved", datetime(2026, 1, 1, tzinfo=UTC)
    )
    data = b"garbage\n" + good.line() + b"v1\tbad\tline\n" + b"v1\t" + b"\xff" * 5 + b"\n"
    assert seals.parse(data) == [good]


# -- Ctrl-C pressed twice ------------------------------------------------------------------


def test_a_second_ctrl_c_while_the_draft_is_kept_still_keeps_it(tmp_path: Path):
    """A person often presses Ctrl-C twice. The second one, arriving while the first one's
    draft is being written, is ignored: the draft is kept, the command stops as for one
    Ctrl-C (exit 130, the resume line), and Ctrl-C works as before afterwards."""
    import signal

    from otjournal.cli.drafting import DraftRun
    from otjournal.errors import ExitCode, Stopped

    drafts = Drafts(tmp_path / "drafts")
    draft = drafts.new("log", "mia-k", datetime(2026, 3, 5, 14, 30, tzinfo=UTC), {"x": 1})
    run: DraftRun = DraftRun(drafts, draft)
    kept = run.keep

    def pressed_again(step: str | None = None) -> None:
        os.kill(os.getpid(), signal.SIGINT)  # delivered here, before the draft is written
        kept(step)

    run.keep = pressed_again  # type: ignore[method-assign]
    before = signal.getsignal(signal.SIGINT)
    try:
        with run.guard():
            raise KeyboardInterrupt  # the first Ctrl-C, at a prompt
    except KeyboardInterrupt:  # not an Exception: pytest would take it as its own stop
        pytest.fail("the second Ctrl-C cut the keeping of the draft short")
    except Stopped as exc:
        stopped = exc
    assert stopped.exit_code == ExitCode.INTERRUPTED
    assert "otj log --resume" in stopped.text
    assert draft.path.is_file() and run.kept is True
    assert signal.getsignal(signal.SIGINT) is before
