"""The fast paths of issue 7 give the same answers as reading every file.

``list`` reads only the sessions it shows; ``trends`` (all clients) and ``check`` remember
each unchanged client's result in the cache. Every change to a file must still be seen
on the next run: a hand edit that keeps the size and the modification time, a file gone,
a client folder gone, a file that stops parsing.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from random import Random

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from rich.console import Console

from otjournal.cli import app, keep_only_invoked
from otjournal.disk.store import Journal
from otjournal.views import textgrid
from otjournal.views.rows import OVERVIEW_COLUMNS, SESSION_COLUMNS, overview_cells
from tests.conftest import REPO, TZ, make_client, make_session
from tests.helpers import sqlite
from tests.test_cache import rewrite_keeping_size_and_mtime


@pytest.fixture
def three(notes: Path) -> Journal:
    """Three clients, sessions interleaved in time, one at another UTC offset."""
    j = Journal(notes)
    for handle in ("mia-k", "noah-t", "ava-l"):
        j.add_client(make_client(handle))
    rng = Random(3)
    start = datetime(2026, 3, 2, 9, 0, tzinfo=TZ)
    for i in range(18):
        handle = ("mia-k", "noah-t", "ava-l")[i % 3]
        when = start + timedelta(days=i, minutes=rng.choice((0, 30)))
        if i == 7:  # written from another time zone: ordered by instant, not by wall clock
            when = when.astimezone(timezone(timedelta(hours=-5)))
        j.add_session(make_session(handle, start=when, plan=make_session().plan))
    return j


def run(runner, *args: str):
    result = runner.invoke(app, list(args))
    assert result.exit_code in (0, 1), result.output
    return result


def listed(runner, *args: str) -> list[str]:
    return [s["id"] for s in json.loads(run(runner, "list", "--json", *args).stdout)["sessions"]]


# -- list ------------------------------------------------------------------------------


def test_list_last_n_is_the_tail_of_the_full_list_and_of_a_full_read(runner, three: Journal):
    everything = listed(runner)
    assert everything == [s.record.id for s in three.load(homework=False).sessions]
    for n in (0, 1, 5, 18, 40):
        assert listed(runner, "-n", str(n)) == (everything[-n:] if n else [])
    assert (
        listed(runner, "noah-t", "-n", "2")
        == [i for i in everything if i in {s.record.id for s in three.load(["noah-t"]).sessions}][
            -2:
        ]
    )
    days = listed(runner, "--since", "2026-03-05", "--until", "2026-03-08")
    assert days and all("2026-03-05" <= i[:10] <= "2026-03-08" for i in days)


def test_list_sees_a_hand_edit_that_moves_a_session_in_time(runner, three: Journal):
    before = listed(runner, "-n", "1")
    oldest = three.load(homework=False).sessions[0]
    raw = oldest.path.read_bytes()
    old_start = oldest.record.start.isoformat().encode()
    new_start = (oldest.record.start + timedelta(days=300)).isoformat().encode()
    assert len(old_start) == len(new_start) and old_start in raw
    listed(runner)  # the cache now knows the file as it was
    rewrite_keeping_size_and_mtime(oldest.path, old_start, new_start)
    assert listed(runner, "-n", "1") == [oldest.record.id] != before


def test_list_counts_a_copied_note_once_and_says_so(runner, three: Journal):
    everything = listed(runner)
    original = three.load(["ava-l"], homework=False).sessions[-1].path
    shutil.copy2(original, original.with_name("copied by hand.toml"))
    for args in ((), ("-n", "3"), ("-n", "40"), ("--since", "2026-03-01")):
        result = run(runner, "list", "--json", *args)
        assert "1 file" in result.stderr  # 'otj check' says which, and why
        ids = [s["id"] for s in json.loads(result.stdout)["sessions"]]
        assert ids == [i for i in everything if i in ids] and len(set(ids)) == len(ids)
    assert listed(runner, "-n", "3") == everything[-3:]
    assert "same id" in run(runner, "check").stdout


@pytest.mark.parametrize("cache", ["warm", "cold", "none"])
def test_a_copy_whose_name_sorts_first_never_takes_over_from_the_note(
    runner, three: Journal, monkeypatch, cache: str
):
    """The file named for its id counts, whatever a copy is called: a copy made by hand
    and named to sort first (or in time order first) is the one set aside, so show
    gives the note's words and amend writes to the note, never to the copy."""
    if cache == "none":
        monkeypatch.setenv("OTJOURNAL_NO_CACHE", "1")
    original = three.load(["ava-l"], homework=False).sessions[-1]
    note, ident = original.path, original.record.id
    if cache == "warm":
        run(runner, "check")
    text = note.read_text("utf-8")
    assert "Followed Mia's lead." in text
    copy = note.with_name(f"{ident[:-5]}00000.toml")  # another id's name: sorts first
    assert copy.name < note.name
    copy.write_text(text.replace("Followed Mia's lead.", "Copied words."), "utf-8")
    assert "Copied words" not in run(runner, "show", ident).stdout
    problems = json.loads(run(runner, "check", "--json").stdout)["problems"]
    problems = [p for p in problems if "same id" in p["message"]]
    assert [(p["path"].rpartition("/")[2], p["hint"].rpartition("only ")[2]) for p in problems] == [
        (copy.name, f"{note.name} counts")
    ]
    args = ["amend", ident, "--kind", "addition", "--text", "Later.", "--by", "A", "--no-input"]
    assert run(runner, *args).exit_code == 0
    assert "Later." in note.read_text("utf-8") and "Later." not in copy.read_text("utf-8")


def test_list_reports_a_broken_file_and_lists_the_rest(runner, three: Journal):
    listed(runner)
    victim = three.load(homework=False).sessions[-1].path
    victim.write_bytes(victim.read_bytes()[:40])
    result = run(runner, "list", "-n", "3")
    assert "could not be read" in result.stderr
    assert victim.stem not in result.stdout
    assert len(listed(runner, "-n", "3")) == 3


# -- trends overview -------------------------------------------------------------------


def overview_json(runner) -> dict[str, dict]:
    data = json.loads(run(runner, "trends", "--since", "2026-01-01", "--json").stdout)
    return {row["client"]: row for row in data["clients"]}


def test_overview_is_remembered_and_every_change_is_seen(runner, three: Journal):
    first = overview_json(runner)
    assert overview_json(runner) == first  # from the cache
    snap = three.load(["mia-k"])
    target = snap.sessions[0].path
    # One checklist answer changes in place: same size, same modification time. The
    # item then has the lowest rate of all, and is named for reflection.
    item = b'motivation drives learning"\nanswer = '
    rewrite_keeping_size_and_mtime(target, item + b'"yes"', item + b'"no" ')
    assert first["mia-k"]["lowest_item"] is None  # every item at 100 %
    changed = overview_json(runner)
    assert changed["mia-k"]["lowest_item"] != first["mia-k"]["lowest_item"]
    assert changed["noah-t"] == first["noah-t"]
    # A session deleted, then a whole client folder.
    target.unlink()
    assert overview_json(runner)["mia-k"]["sessions"] == first["mia-k"]["sessions"] - 1
    shutil.rmtree(three.client_dir("ava-l"))
    assert set(overview_json(runner)) == {"mia-k", "noah-t"}


def test_a_problem_is_reported_on_every_run_not_remembered_away(runner, three: Journal):
    overview_json(runner)
    victim = three.load(["noah-t"]).sessions[0].path
    victim.write_text("not = [toml", encoding="utf-8")
    for _ in range(2):
        result = run(runner, "trends", "--since", "2026-01-01")
        assert "1 file could not be read" in result.stderr
    victim.unlink()
    assert "could not be read" not in run(runner, "trends").stderr


def test_overview_with_and_without_the_cache_is_the_same_text(runner, three: Journal, monkeypatch):
    cached = [run(runner, "trends", "--since", "2026-01-01").stdout for _ in range(2)]
    monkeypatch.setenv("OTJOURNAL_NO_CACHE", "1")
    shutil.rmtree(Path(os.environ["XDG_CACHE_HOME"]))
    fresh = run(runner, "trends", "--since", "2026-01-01").stdout
    assert cached == [fresh, fresh]
    assert not Path(os.environ["XDG_CACHE_HOME"]).exists()  # the cache was left alone


rows_strategy = st.lists(
    st.fixed_dictionaries(
        {
            "client": st.from_regex(r"[a-z][a-z0-9-]{0,39}", fullmatch=True),
            "sessions": st.integers(0, 100_000),
            "last_seen": st.none() | st.dates(date(2000, 1, 1), date(2100, 1, 1)),
            "goal_direction": st.sampled_from(
                ["moving up", "steady", "moving down", "mixed", "no ratings yet"]
            ),
            "lowest_item": st.none()
            | st.fixed_dictionaries(
                {
                    # Printable text, drawn as such (a filter threw most draws away and
                    # tripped Hypothesis's health check in a CI run).
                    "item": st.text(
                        st.characters(
                            exclude_categories=("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp", "Zs"),
                            include_characters=" ",
                        ),
                        min_size=1,
                        max_size=40,
                    ),
                    "rate": st.floats(0, 1),
                }
            ),
        }
    ),
    max_size=8,
)


def printed(renderable, width: int) -> str:
    """What Rich prints, without the padding at line ends (the direct layout has none)."""
    console = Console(file=io.StringIO(), width=width, soft_wrap=True, color_system=None)
    console.print(renderable)
    text = console.file.getvalue()  # type: ignore[attr-defined]
    return "".join(line.rstrip() + "\n" for line in text.split("\n")[:-1])


# A table that does not fit is left out (assume): the table shrinks its columns there.
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])
@given(rows=rows_strategy, width=st.sampled_from([40, 60, 80, 132]))
def test_the_direct_overview_layout_prints_exactly_what_the_table_would(rows, width):
    cells = overview_cells(rows)
    lines = textgrid.lines(OVERVIEW_COLUMNS, cells, width)
    table = printed(textgrid.table(OVERVIEW_COLUMNS, cells), width)
    assume(lines is not None)  # else it did not fit, and the table shrinks the columns
    assert lines is not None
    assert "\n".join(lines) + "\n" == table


def test_the_direct_layout_gives_way_when_the_columns_do_not_fit():
    row = ("mia-k", "12", "2026-03-05", "moving up", "–")
    assert textgrid.lines(OVERVIEW_COLUMNS, [row], 80) is not None
    assert textgrid.lines(OVERVIEW_COLUMNS, [row], 40) is None
    assert textgrid.lines(OVERVIEW_COLUMNS, [("a\nb", *row[1:])], 80) is None  # a newline


# Free text as a practitioner might type it, Rich markup and emoji codes included: the
# cells are text, never markup. Printable only: a cell with any other character (a newline,
# a tab) makes the direct layout give way (the test above), so it would check nothing here.
# Stripped, as every cell of a session row is (ids, handles, words, numbers).
NOT_PRINTABLE = ("Cs", "Cc", "Cf", "Co", "Cn", "Zl", "Zp", "Zs")  # str.isprintable is False
cell_text = st.text(
    st.characters(codec="utf-8", exclude_categories=NOT_PRINTABLE, include_characters=" "),
    max_size=30,
).map(str.strip) | st.sampled_from(["[bold]x[/bold]", ":smile:", "a [red]b", "界界", "\\[x]"])


@settings(max_examples=150, deadline=None)
@given(
    rows=st.lists(st.tuples(*[cell_text] * len(SESSION_COLUMNS)), max_size=6),
    width=st.sampled_from([40, 80, 132, 200]),
)
def test_the_direct_session_layout_prints_exactly_what_the_table_would(rows, width):
    lines = textgrid.lines(SESSION_COLUMNS, rows, width)
    assume(lines is not None)  # else it did not fit, and the table shrinks the columns
    assert lines is not None
    assert "\n".join(lines) + "\n" == printed(textgrid.table(SESSION_COLUMNS, rows), width)
    for row, line in zip(rows, lines[1:], strict=True):
        # whole, as typed (a line's trailing spaces are dropped, a blank last cell's too)
        assert all(cell.rstrip() in line for cell in row)


# -- check -----------------------------------------------------------------------------


def test_check_remembers_a_clean_client_and_still_sees_every_change(runner, three: Journal):
    assert run(runner, "check").exit_code == 0
    data = json.loads(run(runner, "check", "--json").stdout)
    assert (data["clients"], data["sessions"]) == (3, 18)
    victim = three.load(["ava-l"]).sessions[2].path
    rewrite_keeping_size_and_mtime(victim, b"duration_min = 45", b"duration_min = 4x")
    result = run(runner, "check")
    assert result.exit_code == 1 and victim.name in result.stdout
    victim.write_bytes(victim.read_bytes().replace(b"duration_min = 4x", b"duration_min = 45"))
    assert run(runner, "check").exit_code == 0


def test_check_sees_a_hand_edit_of_an_amended_note_after_a_clean_run(runner, three: Journal):
    target = three.load(["mia-k"]).sessions[0]
    run(runner, "amend", target.record.id, "--kind", "addition", "--text", "More.", "--by", "Al")
    assert run(runner, "check").exit_code == 0
    rewrite_keeping_size_and_mtime(target.path, b"Followed Mia's lead.", b"Followed Mia's pace.")
    assert "changed outside otjournal" in run(runner, "check").stdout


def test_the_cache_forgets_files_and_clients_that_are_gone(runner, three: Journal):
    run(runner, "check")
    [db_path] = list(Path(os.environ["XDG_CACHE_HOME"]).rglob("records-*.sqlite"))

    def remembered() -> set[str]:
        with sqlite(db_path) as db:
            return {p for (p,) in db.execute("SELECT path FROM records")}

    gone = three.load(["noah-t"]).sessions[0].path
    assert f"clients/noah-t/sessions/{gone.name}" in remembered()
    gone.unlink()
    run(runner, "check")
    assert f"clients/noah-t/sessions/{gone.name}" not in remembered()
    shutil.rmtree(three.client_dir("ava-l"))
    run(runner, "check")
    assert not any(p.startswith("clients/ava-l/") for p in remembered())


# -- the command line --------------------------------------------------------------------


def test_only_the_invoked_command_is_built_and_the_rest_stay_reachable():
    import typer

    def fresh() -> typer.Typer:
        from otjournal.cli import build

        return build()

    full = fresh()
    names = [c.name for c in full.registered_commands]
    keep_only_invoked(full, ["list", "-n", "3"])
    assert [c.name for c in full.registered_commands] == ["list"]
    assert full.registered_groups == []
    for args in ([], ["--help"], ["lst"], ["-h"]):
        app_ = fresh()
        keep_only_invoked(app_, args)
        assert [c.name for c in app_.registered_commands] == names
    app_ = fresh()
    keep_only_invoked(app_, ["homework", "log"])
    assert [g.name for g in app_.registered_groups] == ["homework"]


def test_each_command_is_found_in_the_module_that_registers_it():
    """`otj NAME` imports only WHERE[NAME]: the map must name every command and group
    each module registers, and a single command's app holds exactly that command."""
    import typer

    from otjournal import cli

    for module in cli.MODULES:
        app_ = typer.Typer()
        __import__(f"otjournal.cli.{module}", fromlist=["register"]).register(app_)
        names = [c.name for c in app_.registered_commands] + [
            g.name for g in app_.registered_groups
        ]
        assert names, module
        assert {n: cli.WHERE.get(n) for n in names} == dict.fromkeys(names, module)
    assert set(cli.WHERE.values()) == set(cli.MODULES)
    for name in cli.WHERE:
        one = cli.build([name, "--help"])
        held = [c.name for c in one.registered_commands] + [g.name for g in one.registered_groups]
        assert held == [name]
    assert cli.build(["--version"]).registered_commands == []


def test_a_single_command_imports_only_its_own_module():
    code = (
        "import sys\nfrom otjournal.cli import build\nbuild(['trends'])\n"
        "print(sorted(m for m in sys.modules if m.startswith('otjournal.cli.')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    shared = ["otjournal.cli.catalog", "otjournal.cli.common", "otjournal.cli.root"]
    assert out.stdout.strip() == str([*shared, "otjournal.cli.trends_cmd"])
    version = code.replace("['trends']", "['--version']")
    out = subprocess.run(
        [sys.executable, "-c", version], capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == str(shared)


def test_the_console_script_gives_the_same_help_and_suggestions(tmp_path: Path):
    def otj(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "otjournal", *args],
            capture_output=True,
            text=True,
            cwd=REPO,
            env={**os.environ, "COLUMNS": "80"},
        )

    assert otj("list", "--help").stdout.startswith("Usage: otj list [OPTIONS] [client]")
    mistyped = otj("lst")
    assert mistyped.returncode == 2 and "Did you mean 'list'?" in mistyped.stderr
    assert "trends" in otj("--help").stdout


@pytest.mark.pty
def test_a_first_run_over_thousands_of_files_shows_progress_on_a_terminal(tmp_path: Path):
    """A progress bar on stderr while a first read parses 1,000 files or more; it is gone
    when done, and never shown when stderr is not a terminal."""
    from tests.terminal import Pty

    root = tmp_path / "big"
    env = {**os.environ, "TERM": "xterm", "OTJOURNAL_DIR": str(root)}
    env.pop("NO_COLOR", None)
    subprocess.run(
        [sys.executable, "-m", "otjournal", "demo", "--dir", str(root), "--sessions", "320", "-q"],
        check=True,
        capture_output=True,
        env=env,
        cwd=REPO,
    )
    child = Pty("check", env=env, cwd=REPO, timeout=60, size=(24, 100))
    child.expect("reading notes")
    assert child.wait() in (0, 1), child.output
    # Not a terminal: nothing but the findings, and no console is made to ask (loading
    # it took ~20 ms of a first run's start, before its workers; a warm run never does).
    probe = (
        "import sys\nfrom otjournal.cli import main\nsys.argv = ['otj', *sys.argv[1:]]\n"
        "try:\n    main()\nexcept SystemExit as e:\n    assert e.code in (None, 0, 1), e.code\n"
        "print('rich.console' in sys.modules)"
    )
    for args in (["check"], ["trends"], ["export", "--format", "csv"]):
        shutil.rmtree(Path(env["XDG_CACHE_HOME"]))
        piped = subprocess.run(
            [sys.executable, "-c", probe, *args],
            capture_output=True,
            text=True,
            env=env,
            cwd=REPO,
        )
        assert "reading notes" not in piped.stderr + piped.stdout, args
        assert piped.stdout.rstrip().endswith("False"), (args, piped.stderr[-300:])


def test_list_on_a_terminal_fits_its_width_with_the_header_in_bold(tmp_path: Path):
    """On a wide terminal the table is laid out directly, header in bold; on a narrow
    one the rows reflow; on a dumb terminal nothing is styled."""
    from tests.terminal import Pty

    root = tmp_path / "notes"
    env = {**os.environ, "TERM": "xterm", "OTJOURNAL_DIR": str(root)}
    for name in ("NO_COLOR", "COLUMNS", "LINES"):
        env.pop(name, None)
    subprocess.run(
        [sys.executable, "-m", "otjournal", "demo", "--dir", str(root), "-q"],
        check=True,
        capture_output=True,
        env=env,
        cwd=REPO,
    )

    def shown(columns: int, term: str = "xterm") -> str:
        on = {**env, "TERM": term}
        child = Pty("list", "-n", "3", env=on, cwd=REPO, timeout=60, size=(24, columns))
        return child.finish(0)

    wide = shown(160)
    assert "\x1b[1mid " in wide and len(wide.strip().splitlines()) == 4
    assert all(len(line) <= 160 for line in wide.splitlines())
    # Narrow: the rows reflow (issue 20: no cell is cut), every line within the width.
    narrow = shown(50)
    assert "…" not in narrow and "goals (GAS): g" in narrow
    assert all(len(line) <= 50 for line in narrow.splitlines())
    assert "\x1b" not in shown(160, term="dumb")


def test_two_clients_notes_with_one_id_are_both_counted(runner, notes: Path):
    """Ids are a minute and a random suffix: two clients seen in the same minute can, very
    rarely, share one (the 100,000-session demo has such a pair). They are two notes, not
    a copy: both are listed and counted, and 'show' asks which one is meant."""
    j = Journal(notes)
    start = datetime(2026, 3, 5, 14, 30, tzinfo=TZ)
    saved = []
    for handle in ("mia-k", "noah-t"):
        j.add_client(make_client(handle))
        saved.append(j.add_session(make_session(handle, start=start), rng=Random(7)))
    assert saved[0].record.id == saved[1].record.id
    same = saved[0].record.id
    both = [("mia-k", same), ("noah-t", same)]
    for args, expected in (((), both), (("-n", "1"), both[1:]), (("--since", "2026-03-01"), both)):
        result = run(runner, "list", "--json", *args)
        assert result.stderr == ""  # not reported as a copy
        assert [(s["client"], s["id"]) for s in json.loads(result.stdout)["sessions"]] == expected
    assert len(j.load().sessions) == 2
    assert run(runner, "check").exit_code == 0
    ambiguous = runner.invoke(app, ["show", same])
    assert ambiguous.exit_code == 2 and "mia-k, noah-t" in ambiguous.stderr
    shown = runner.invoke(app, ["show", f"noah-t/{same}", "--json"])
    assert json.loads(shown.stdout)["client"] == "noah-t"
    by_path = runner.invoke(app, ["show", str(saved[0].path), "--json"])
    assert json.loads(by_path.stdout)["client"] == "mia-k"


def test_show_and_amend_read_only_the_client_whose_file_names_match(runner, journal, monkeypatch):
    """A session is found by its file name first: other clients are never parsed. It is
    picked from the facts of the files (their ids), so only its own client's records are
    loaded, and none when the id is missing or matches more than one session."""
    from otjournal.disk.store import Journal as J

    for handle in ("mia-k", "noah-t"):
        journal.add_client(make_client(handle))
    mine = journal.add_session(make_session())
    journal.add_session(make_session(client="noah-t"))
    loaded: list[object] = []
    real = J.load

    def spy(self, handles=None, **kw):
        loaded.append(None if handles is None else sorted(handles))
        return real(self, handles, **kw)

    monkeypatch.setattr(J, "load", spy)
    shown = runner.invoke(app, ["show", mine.record.id[-5:]])
    assert shown.exit_code == 0, shown.output
    assert "Mia K." in shown.output
    assert loaded == [["mia-k"]]
    loaded.clear()
    by_client = runner.invoke(app, ["show", f"mia-k/{mine.record.id}", "--json"])
    assert json.loads(by_client.stdout)["id"] == mine.record.id
    assert loaded == [["mia-k"]]
    outside = journal.root.parent / "outside" / "sessions"  # never a client folder
    outside.mkdir(parents=True)
    (outside / mine.path.name).write_bytes(mine.path.read_bytes())
    loaded.clear()
    escaped = runner.invoke(app, ["show", f"../outside/{mine.record.id}"])
    assert escaped.exit_code == 1 and "no session with id" in escaped.stderr
    assert loaded == []
    # Not found by name, nor by any note's id (the cache's, or each file's): no client
    # is loaded, nor read for its facts (a whole read took 4.7 s at 100,000 sessions).
    from otjournal.disk import reads

    asked: list[object] = []
    facts = reads._session_facts
    monkeypatch.setattr(
        reads, "_session_facts", lambda r, h, *more: asked.append(h) or facts(r, h, *more)
    )
    loaded.clear()
    missing = runner.invoke(app, ["show", "zzzzz"])
    assert missing.exit_code == 1 and "no session with id 'zzzzz'" in missing.stderr
    assert loaded == [] and asked == [[]]
    # A file renamed by hand is still found by its id, reading its client only.
    renamed = mine.path.with_name("renamed-by-hand.toml")
    mine.path.rename(renamed)
    for wanted in (mine.record.id, mine.record.id[-5:], f"mia-k/{mine.record.id}"):
        loaded.clear()
        shown = runner.invoke(app, ["show", wanted, "--json"])
        assert shown.exit_code == 0, (wanted, shown.output)
        assert json.loads(shown.stdout)["id"] == mine.record.id
        assert loaded[-1] == ["mia-k"], wanted
    # Both renamed: both clients' ids match the start typed, as ambiguous as in the whole
    # journal, and told from the ids alone: no client is loaded.
    theirs = next((journal.root / "clients" / "noah-t" / "sessions").glob("*.toml"))
    theirs.rename(theirs.with_name("also-renamed.toml"))
    loaded.clear()
    both = runner.invoke(app, ["show", mine.record.id[:10]])
    assert both.exit_code == 2 and "matches 2 sessions" in both.stderr
    assert loaded == []


WAYS = ("copied, named otherwise", "edited in place", "split over two lines", "escaped")


@pytest.mark.parametrize("way", WAYS)
@pytest.mark.parametrize("warm", [True, False])
def test_show_and_amend_ask_which_client_when_another_holds_the_id_however_written(
    runner, journal: Journal, warm: bool, way: str, monkeypatch
):
    """Another client's note comes to have the id of mia-k's (found by outside testers):
    a copy in a file named otherwise, its own note's id edited in place (same name, same
    folder times), or the id written so its text differs (a line-ending backslash, an
    escape). The id is two clients' now, so 'show' and 'amend' ask which is meant, as a
    whole read says, whether or not the cache has seen the change, and with no cache at
    all. Nothing is written."""
    for handle in ("mia-k", "noah-t"):
        journal.add_client(make_client(handle))
    mine = journal.add_session(make_session())
    theirs = journal.add_session(make_session(client="noah-t")).path
    if warm:
        run(runner, "list")  # the cache indexes both folders before the change
    sid = mine.record.id
    written = {
        "copied, named otherwise": f'id = "{sid}"',
        "edited in place": f'id = "{sid}"',
        "split over two lines": f'id = """{sid[:10]}\\\n    {sid[10:]}"""',
        "escaped": f'id = "{sid[:-1]}\\u{ord(sid[-1]):04x}"',
    }[way]
    text = theirs.read_text()
    old = next(line for line in text.splitlines() if line.startswith("id = "))
    changed = text.replace(old, written).encode()
    if way == "edited in place":
        with theirs.open("r+b") as fh:  # the folder's times stay as they were
            fh.write(changed)
            fh.truncate()
    else:
        theirs.with_name("2026-01-01_0000_zzzzz.toml").write_bytes(changed)
    # What a whole read says (with no cache: a 'list' here would index the change).
    assert journal.cache_folder is None
    assert sorted(s.record.client for s in journal.load().sessions if s.record.id == sid) == [
        "mia-k",
        "noah-t",
    ]
    before = {p: p.read_bytes() for p in journal.root.rglob("*.toml")}
    for no_cache in ("", "1"):
        monkeypatch.setenv("OTJOURNAL_NO_CACHE", no_cache)
        for args in (
            ["show", sid],
            ["show", sid[-5:]],
            ["amend", sid, "--kind", "addition", "--text", "x", "--by", "A", "--no-input"],
        ):
            result = runner.invoke(app, args)
            assert result.exit_code == 2, (args, result.output)
            assert "2 sessions (" in result.stderr and "noah-t" in result.stderr
            assert f"mia-k/{sid}" in result.stderr
    assert {p: p.read_bytes() for p in journal.root.rglob("*.toml")} == before
    shown = runner.invoke(app, ["show", f"noah-t/{sid}", "--json"])
    assert json.loads(shown.stdout)["client"] == "noah-t"


@pytest.mark.parametrize("cached", [True, False])
def test_a_session_picked_by_its_files_facts_is_the_one_the_whole_journal_gives(
    notes: Path, tmp_path: Path, cached: bool
):
    """``find_session`` decides from the ids of the files and loads one client; the
    answer (the session, or the error and its words) is ``find_by_id`` over every
    session of the journal, for ids shared by two clients, a copy of a note, a file
    renamed by hand, starts and ends of ids, CLIENT/ID, paths and nothing at all."""
    from otjournal.disk.keys import bare
    from otjournal.disk.query import find_by_id
    from otjournal.errors import OtjournalError

    j = Journal(notes, cache_folder=tmp_path / "cache" if cached else None)
    rng = Random(11)
    ids: list[str] = []
    for n, handle in enumerate(("mia-k", "noah-t", "ava-l")):
        j.add_client(make_client(handle))
        for day in range(1, 4):
            start = datetime(2026, 3, day, 9 + n, 0, tzinfo=TZ)
            ids.append(j.add_session(make_session(handle, start=start), rng=rng).record.id)
    shared = datetime(2026, 3, 9, 14, 30, tzinfo=TZ)  # one id, two clients
    for handle in ("mia-k", "noah-t"):
        ids.append(j.add_session(make_session(handle, start=shared), rng=Random(7)).record.id)
    sessions = notes / "clients" / "ava-l" / "sessions"
    first = sorted(sessions.glob("*.toml"))[0]
    shutil.copy(first, sessions / "a-copy-by-hand.toml")  # a second file with one id
    # Renamed by hand: found by its id alone.
    alone = j.add_session(make_session("ava-l", start=datetime(2026, 3, 20, 8, 0, tzinfo=TZ)))
    ids.append(alone.record.id)
    alone.path.rename(alone.path.with_name("renamed-by-hand.toml"))
    # Another client's note of one id, in a file named otherwise: the name of mia-k's
    # file matches, but noah-t holds a session of that id too (ambiguous, as a whole
    # read says), and its starts and ends are other clients' as well. After the first
    # pass the cache's index knows the file; before, only the file's text does.
    mias = sorted((notes / "clients" / "mia-k" / "sessions").glob("*.toml"))[1]
    text = mias.read_bytes().replace(b'client = "mia-k"', b'client = "noah-t"')
    (notes / "clients" / "noah-t" / "sessions" / "2026-03-02_0900_other.toml").write_bytes(text)
    ids.append(bare(mias.name))
    asked = {"", " ", "zzzzz", "2026", "2026-03-0", "../x", "noah-t/zzzzz", str(first)}
    for i in ids:
        asked |= {i, i[:12], i[:16], i[-5:], i[-3:], f"mia-k/{i}", f"ava-l/{i}"}
    assert len(asked) > 40
    for _ in range(2):  # the second pass reads the cache's facts, when there is one
        whole = j.load().sessions
        for wanted in sorted(asked):
            try:
                expected: object = find_by_id(whole, wanted)
                expected = (expected.record.client, expected.record.id)  # type: ignore[attr-defined]
            except OtjournalError as exc:
                expected = (type(exc), str(exc), exc.hint)
            try:
                _, found = j.find_session(wanted)
                got: object = (found.record.client, found.record.id)
            except OtjournalError as exc:
                got = (type(exc), str(exc), exc.hint)
            assert got == expected, wanted


def test_a_client_row_is_remembered_as_plain_values_and_nothing_else_is_taken():
    """``otj client list`` remembers each client's row in the cache: what it reads back is
    the row it wrote, and anything else (an older shape, a hand-edited cache) is read
    again from the notes."""
    from datetime import date, datetime

    from otjournal.views.goals import ClientRow
    from tests.conftest import TZ

    row = ClientRow("mia-k", "Mia K.", "zones", 2, 14, datetime(2026, 3, 5, 14, 30, tzinfo=TZ),
                    date(2026, 6, 1), adult=False)  # fmt: skip
    assert ClientRow.from_plain(json.loads(json.dumps(row.to_plain()))) == row
    empty = ClientRow("noah-t", "Noah T.", "zones", 0, 0, None, None, adult=True)
    assert ClientRow.from_plain(empty.to_plain()) == empty
    plain = row.to_plain()
    bad_ones = (
        None,
        {},
        [],
        plain[:7],
        [*plain[:3], "2", *plain[4:]],
        [*plain[:7], 1],
        [*plain[:5], 20260305, None, False],
    )
    for bad in bad_ones:
        with pytest.raises(ValueError):
            ClientRow.from_plain(bad)


def test_show_and_amend_on_a_note_that_does_not_read_say_why_by_file_and_line(
    runner, journal: Journal
):
    # The note is there: "no session with id" would send the person looking elsewhere.
    journal.add_client(make_client())
    saved = journal.add_session(make_session(), durable=False)
    raw = saved.path.read_bytes()
    assert b"gas = 0" in raw
    saved.path.write_bytes(raw.replace(b"gas = 0", b"gas = 7"))
    sid = saved.record.id
    for args in (["show", sid], ["show", sid[-5:]], ["amend", sid, "--text", "x", "--no-input"]):
        result = runner.invoke(app, args)
        assert result.exit_code == 1, (args, result.output)
        assert "no session with id" not in result.stderr, args
        line = next(n for n, t in enumerate(raw.splitlines(), 1) if t == b"gas = 0")
        assert f"{saved.path.name}:{line}:1: error: goals[0].gas" in result.stderr, args
        assert saved.path.read_bytes() == raw.replace(b"gas = 0", b"gas = 7")  # untouched
    missing = runner.invoke(app, ["show", "zzzzz"])
    assert "no session with id 'zzzzz'" in missing.stderr


@pytest.mark.parametrize("cache", ["warm", "none"])
def test_a_part_of_an_id_that_also_names_a_note_that_does_not_read_is_refused(
    runner, journal: Journal, monkeypatch, cache: str
):
    """Two notes of one minute, one of them broken: the minute names both, so neither is
    shown, nor amended, as if it were the one meant; each whole id still is (the broken
    one said by file and line)."""
    if cache == "none":
        monkeypatch.setenv("OTJOURNAL_NO_CACHE", "1")
    journal.add_client(make_client())
    saved = journal.add_session(make_session(), durable=False)
    sid, minute = saved.record.id, saved.record.id[:-6]
    broken = saved.path.with_name(f"{minute}_zzzzz.toml")
    broken.write_bytes(saved.path.read_bytes().replace(b"gas = 0", b"gas = 7"))
    if cache == "warm":
        runner.invoke(app, ["check"])
    before = saved.path.read_bytes()
    for args in (["show", minute], ["amend", minute, "--text", "x", "--by", "A", "--no-input"]):
        result = runner.invoke(app, args)
        assert result.exit_code == 2, (args, result.output)
        assert f"matches {sid} and 1 file(s) that do not read ({broken.name})" in result.stderr
    assert saved.path.read_bytes() == before
    assert runner.invoke(app, ["show", sid]).exit_code == 0
    whole = runner.invoke(app, ["show", f"{minute}_zzzzz"])
    assert whole.exit_code == 1 and f"{broken.name}:" in whole.stderr
    # A sync tool's copy set aside is no other note: its note is the one shown.
    broken.unlink()
    copy = saved.path.with_name(f"{sid}.sync-conflict-20260306-101500-ABCDEF1.toml")
    copy.write_bytes(before)
    assert runner.invoke(app, ["show", minute]).exit_code == 0


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_fifo_named_like_a_note_is_reported_and_hangs_nothing(three: Journal, tmp_path: Path):
    """Opening a FIFO for reading waits for a writer: one named like a note (in a
    sessions or homework folder) hung every read of the journal. It is now a file that
    cannot be read, said so by path, and every command goes on."""
    from tests.test_folderparts import otj

    fifo = "2026-01-01_0900_fifo1.toml"
    for sub in ("sessions", "homework"):
        folder = three.root / "clients" / "noah-t" / sub
        folder.mkdir(exist_ok=True)
        os.mkfifo(folder / fifo)
    env = {"OTJOURNAL_DIR": str(three.root), "XDG_CACHE_HOME": str(tmp_path / "cache")}
    shown = json.loads(otj("list", "--json", "-n", "1", **env).stdout)["sessions"]
    for args in (["list"], ["check"], ["trends"], ["export", "--format", "csv"], ["search", "x"],
                 ["show", shown[0]["id"]], ["report", "noah-t"]):  # fmt: skip
        result = otj(*args, **env)  # a timeout fails the test rather than hanging it
        assert result.returncode in (0, 1), (args, result.stderr)
    checked = otj("check", **env)
    for sub in ("sessions", "homework"):
        assert f"clients/noah-t/{sub}/{fifo}:1:1: error: cannot read: not a regular file" in (
            checked.stdout + checked.stderr
        )
    amend = otj("amend", "fifo1", "--kind", "addition", "--text", "x", "--by", "A", **env)
    assert amend.returncode == 1 and "not a regular file" in amend.stderr, amend.stderr
    # A sync tool's copy that is a FIFO: compared as one that cannot be read, and
    # resolving it stops with its path before anything moves.
    sessions = three.root / "clients" / "noah-t" / "sessions"
    note = next(p for p in sorted(sessions.glob("2026-*.toml")) if "fifo" not in p.name)
    os.mkfifo(sessions / f"{note.stem}.sync-conflict-20260101-000000-ABCDEFG.toml")
    shown = otj("conflicts", **env)
    assert shown.returncode == 0 and "+(cannot read: not a regular file)" in shown.stdout
    before = sorted(three.root.rglob("*"))
    for keep in ("copy", "both", "merge"):
        copy = f"{note.stem}.sync-conflict-20260101-000000-ABCDEFG.toml"
        resolved = otj("conflicts", "resolve", copy, "--keep", keep, "--yes", **env)
        assert resolved.returncode == 1 and f"{copy}: cannot read: not a regular file" in (
            resolved.stderr
        ), resolved.stderr
    assert sorted(three.root.rglob("*")) == before
