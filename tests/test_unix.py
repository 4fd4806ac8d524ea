"""Unix manners (issue 17 item 4): ``-`` for stdin on every file a command reads, shell
completion for bash, zsh and fish, and the examples at the end of each command's help."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
import typer

from otjournal.cli import app, build, stdio
from otjournal.cli import completion as comp
from otjournal.cli.examples import ASKS, EXAMPLES, epilog
from otjournal.disk.parsing import MAX_FILE_BYTES
from otjournal.disk.store import Journal
from otjournal.model import vocab
from otjournal.numbers.export import TABLES
from tests.helpers import Runner

OTJ = shutil.which("otj", path=os.path.dirname(sys.executable))
DEMO_END = date(2026, 3, 7)  # the clock fixture's day
FROM_COMMANDS = (
    ["log", "mia-k"],
    ["intake", "mia-k"],
    ["review", "mia-k"],
    ["discharge", "mia-k"],
    ["homework", "log", "sam-r"],
)


@pytest.fixture(scope="module")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from otjournal.demo import write_demo

    root = tmp_path_factory.mktemp("demo") / "notes"
    write_demo(Journal(root), seed=7, end=DEMO_END, sessions=None)
    return root


@pytest.fixture
def demo(demo_template: Path, notes: Path, clock) -> Path:
    """A fresh copy of the demo journal as the notes folder ($OTJOURNAL_DIR)."""
    shutil.copytree(demo_template, notes)
    return notes


# -- 1. `-` for stdin ------------------------------------------------------------------
def test_homework_import_reads_stdin(runner: Runner, demo: Path) -> None:
    shared = runner.invoke(app, ["homework", "export", "sam-r", "-o", "-"])
    assert shared.exit_code == 0, shared.output
    before = len(list((demo / "clients" / "noah-t" / "homework").glob("*.toml")))
    result = runner.invoke(
        app, ["homework", "import", "-", "--client", "noah-t"], input=shared.stdout
    )
    assert result.exit_code == 0, result.output
    assert "Imported into noah-t" in result.output
    after = list((demo / "clients" / "noah-t" / "homework").glob("*.toml"))
    assert len(after) > before
    assert any('from_file = "<stdin>"' in p.read_text("utf-8") for p in after)


def test_homework_import_still_reads_a_file(runner: Runner, demo: Path, tmp_path: Path) -> None:
    out = tmp_path / "shared.toml"
    assert runner.invoke(app, ["homework", "export", "sam-r", "-o", str(out)]).exit_code == 0
    result = runner.invoke(app, ["homework", "import", str(out)])
    assert result.exit_code == 0, result.output
    assert "already here" in result.output


def test_log_from_stdin_saves_the_note(runner: Runner, demo: Path) -> None:
    note = (
        'start = 2026-03-06T09:00:00+10:00\nduration_min = 50\nsetting = "clinic"\n'
        'attendees = ["child"]\nwritten_by = "Jo OT"\n[plan]\nsummary = "Laces"\n'
    )
    before = set((demo / "clients" / "mia-k" / "sessions").iterdir())
    result = runner.invoke(app, ["log", "mia-k", "--from", "-"], input=note)
    assert result.exit_code == 0, result.output
    assert len(set((demo / "clients" / "mia-k" / "sessions").iterdir()) - before) == 1


BAD_INPUTS = {
    "binary": b"start = 1\n\x00\x01\x02",
    "oversized": b"# " + b"x" * MAX_FILE_BYTES + b"\n",
}
EVERY_FILE_ARGUMENT = [[*c, "--from", "-"] for c in FROM_COMMANDS] + [["homework", "import", "-"]]


@pytest.mark.parametrize("bad", sorted(BAD_INPUTS))
@pytest.mark.parametrize("args", EVERY_FILE_ARGUMENT, ids=" ".join)
def test_stdin_is_refused_as_a_file_would_be(
    runner: Runner,
    demo: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    args: list[str],
    bad: str,
) -> None:
    # A shared homework file may hold many entries, so its own cap is higher (32 MiB):
    # brought down to the loader's here, so one oversized input serves every command.
    monkeypatch.setattr(stdio, "SHARED_LIMIT", MAX_FILE_BYTES)
    before = sorted(p for p in demo.rglob("*") if p.is_file())
    from_stdin = runner.invoke(app, args, input=BAD_INPUTS[bad])
    as_file = tmp_path / "input.toml"
    as_file.write_bytes(BAD_INPUTS[bad])
    from_file = runner.invoke(app, [str(as_file) if a == "-" else a for a in args])
    assert from_stdin.exit_code == from_file.exit_code == 1, from_stdin.output
    said = from_stdin.output.replace("<stdin>", str(as_file))
    assert " ".join(said.split()) == " ".join(from_file.output.split())
    assert "<stdin>" in from_stdin.output
    if bad == "oversized":
        assert "larger than 1024 KiB" in from_stdin.output
    assert sorted(p for p in demo.rglob("*") if p.is_file()) == before


def test_a_missing_file_is_a_usage_error(runner: Runner, demo: Path, tmp_path: Path) -> None:
    assert len(EVERY_FILE_ARGUMENT) == 6
    for args in EVERY_FILE_ARGUMENT:
        result = runner.invoke(app, [str(tmp_path / "nope.toml") if a == "-" else a for a in args])
        assert result.exit_code == 2, (args, result.output)
        assert "cannot read" in result.output


# -- 2. completion: the scripts ----------------------------------------------------------
SCRIPT_MARKS = {
    "bash": "complete -o default -F _otj_completion otj",
    "zsh": "#compdef otj",
    "fish": "complete --command otj",
}


@pytest.mark.parametrize("shell", sorted(SCRIPT_MARKS))
def test_show_completion_prints_the_script_of_the_shell_named(runner: Runner, shell: str):
    result = runner.invoke(app, ["--show-completion", shell])
    assert result.exit_code == 0, result.output
    assert SCRIPT_MARKS[shell] in result.output
    assert f"_OTJ_COMPLETE=complete_{shell}" in result.output
    others = [m for s, m in SCRIPT_MARKS.items() if s != shell]
    assert not any(m in result.output for m in others)
    # Both names the package installs complete: otj and otjournal.
    also = {
        "bash": "complete -o default -F _otj_completion otjournal\n",
        "zsh": "compdef _otj_completion otjournal\n",
        "fish": "complete --command otjournal ",
    }
    assert also[shell] in result.output


def test_a_shell_without_completion_is_a_usage_error(runner: Runner) -> None:
    result = runner.invoke(app, ["--show-completion", "tcsh"])
    assert result.exit_code == 2
    assert "bash, zsh, fish" in result.output


def test_no_shell_named_means_the_shell_in_use(monkeypatch: pytest.MonkeyPatch) -> None:
    import shellingham

    monkeypatch.setattr(shellingham, "detect_shell", lambda: ("fish", "/usr/bin/fish"))
    assert comp.with_shell(["--show-completion"]) == ["--show-completion", "fish"]
    assert comp.with_shell(["--show-completion", "zsh"]) == ["--show-completion", "zsh"]

    def none() -> tuple[str, str]:
        raise shellingham.ShellDetectionFailure()

    monkeypatch.setattr(shellingham, "detect_shell", none)
    monkeypatch.setenv("SHELL", "/bin/zsh")
    assert comp.with_shell(["--install-completion"]) == ["--install-completion", "zsh"]


def test_install_completion_writes_the_script_for_the_shell_named(
    runner: Runner, isolated_home: Path
) -> None:
    result = runner.invoke(app, ["--install-completion", "fish"])
    assert result.exit_code == 0, result.output
    folder = isolated_home / ".config" / "fish" / "completions"
    for name in ("otj", "otjournal"):  # fish loads a file per command name
        words = (folder / f"{name}.fish").read_text("utf-8")
        assert SCRIPT_MARKS["fish"] in words and "complete --command otjournal " in words


# -- 2. completion: what TAB offers ------------------------------------------------------
def ask(shell: str, line: str, env_dir: Path | None = None) -> str:
    """What the installed ``otj`` answers a shell's TAB at the end of ``line``."""
    assert OTJ is not None, "the otj entry point is installed in the test venv"
    env = {**os.environ, "_OTJ_COMPLETE": f"complete_{shell}"}
    if shell == "bash":
        words = line.split(" ")
        env |= {"COMP_WORDS": line, "COMP_CWORD": str(len(words) - 1)}
    else:
        env["_TYPER_COMPLETE_ARGS"] = line
        if shell == "fish":
            env["_TYPER_COMPLETE_FISH_ACTION"] = "get-args"
    done = subprocess.run([OTJ], env=env, capture_output=True, text=True, timeout=30)
    assert done.returncode == 0 and not done.stderr, done.stderr
    return done.stdout


CHOICES = {
    "otj export --format ": ("csv", "json"),
    "otj show x --format ": ("text", "md", "html"),
    "otj report mia-k --format ": ("md", "html"),
    "otj export --table ": tuple(TABLES),
    "otj log --setting ": vocab.SETTINGS,
    "otj log --type ": vocab.LOGGED_TYPES,
    "otj amend x --kind ": vocab.AMENDMENT_KINDS,
    "otj homework log --kind ": ("practice", "thought-record", "exposure"),
    "otj homework log --done ": vocab.HOMEWORK_DONE,
    "otj goal set mia-k g1 --status ": vocab.GOAL_SET_STATUSES,
    "otj discharge --reason ": vocab.DISCHARGE_REASONS,
    "otj conflicts resolve x --keep ": ("original", "copy", "both", "merge", "ours", "theirs"),
    "otj client add x --framework ": tuple(vocab.FRAMEWORKS),
    "otj log --attendee ": vocab.ATTENDEE_ROLES,
}


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_each_shell_is_offered_commands_and_choices(shell: str) -> None:
    commands = ask(shell, "otj ")
    for name in ("log", "show", "homework", "export", "conflicts"):
        assert name in commands
    assert "summary" in ask(shell, "otj homework ")
    for line, values in CHOICES.items():
        offered = ask(shell, line)
        assert values and all(v in offered for v in values), (line, offered)


def test_offers_come_from_the_journal(demo: Path) -> None:
    handles = ask("bash", "otj trends ").split()
    assert handles == ["ava-l", "mia-k", "noah-t", "sam-r"]
    assert ask("bash", "otj report m").split() == ["mia-k"]
    ids = ask("bash", "otj show ").split()
    stems = sorted((p.stem for p in demo.glob("clients/*/sessions/*.toml")), reverse=True)
    assert ids == stems
    assert ask("bash", "otj goal set mia-k ").split() == ["g1-ep3", "g2-4vk", "g3-5dm"]
    assert ask("bash", "otj log mia-k --goal g2").split() == ["g2-4vk"]
    assert ask("bash", "otj amend 2026-03").split() == [s for s in stems if s.startswith("2026-03")]
    assert ask("bash", "otj search --field ev").split() == ["evidence"]
    assert "graded exposure" in ask("bash", "otj log sam-r --technique ").splitlines()


def test_offers_never_read_note_text(demo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Sessions are offered by file name: a session file that cannot be opened changes
    nothing."""
    for path in demo.glob("clients/*/sessions/*.toml"):
        path.chmod(0)
    try:
        assert len(ask("bash", "otj show ").split()) > 10
    finally:
        for path in demo.glob("clients/*/sessions/*.toml"):
            path.chmod(0o600)


def test_draft_ids_are_offered(demo: Path, runner: Runner) -> None:
    result = runner.invoke(app, ["log", "mia-k", "--from", "-"], input='[plan]\nsummary = "x"\n')
    assert result.exit_code == 2  # fields missing: what came on stdin is kept as a draft
    result = runner.invoke(app, ["drafts", "--json"])
    assert result.exit_code == 0
    ids = ask("bash", "otj drafts discard ").split()
    assert ids and all(i in result.output for i in ids)
    assert ask("bash", "otj log --draft ").split() == ids


@pytest.mark.parametrize(
    "damage",
    [b"[[goals]\nid = ", b"\xff\xfe\x00", b"goals = 3\n", b"[[goals]]\nid = 5\n"],
    ids=["not-toml", "binary", "wrong-type", "id-not-text"],
)
def test_a_broken_client_toml_offers_nothing_and_never_crashes(demo: Path, damage: bytes) -> None:
    (demo / "clients" / "mia-k" / "client.toml").write_bytes(damage)
    for shell in ("bash", "zsh", "fish"):
        offered = ask(shell, "otj goal set mia-k ")
        assert "g1" not in offered and "Traceback" not in offered


def test_no_journal_at_all_offers_nothing(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("OTJOURNAL_DIR", str(tmp_path / "nowhere"))
    for line in ("otj trends ", "otj show ", "otj goal set x ", "otj log --draft "):
        assert ask("bash", line).split() == []


def test_every_offer_is_attached_where_it_belongs() -> None:
    attached = set(comp.attach(typer.main.get_command(app)))
    expected = {
        "show:session_id",
        "amend:session_id",
        "trends:client",
        "export:client",
        "homework import:client",
        "goal set:goal_key",
        "goal set:handle",
        "log:goal",
        "review:goal",
        "homework log:step",
        "hierarchy edit:step_key",
        "log:draft_id",
        "drafts discard:draft_id",
        "export:table",
        "report:fmt",
        "log:session_type",
        "conflicts resolve:keep",
        "search:field",
        "search:technique",
        "log:technique",
        "search:client",
    }
    assert expected <= attached, expected - attached
    assert "log:reason" not in attached  # free text there; a choice in discharge
    assert "discharge:reason" in attached


def test_every_format_offered_is_one_the_command_takes(runner: Runner, demo: Path) -> None:
    assert sorted(comp.FORMATS) == ["export", "report", "show"]
    for fmt in comp.FORMATS["show"]:
        assert runner.invoke(app, ["show", "6es3k", "--format", fmt]).exit_code == 0
    for fmt in comp.FORMATS["report"]:
        assert runner.invoke(app, ["report", "mia-k", "--format", fmt, "-o", "-"]).exit_code == 0
    for fmt in comp.FORMATS["export"]:
        assert runner.invoke(app, ["export", "--format", fmt, "-o", "-"]).exit_code == 0


@pytest.mark.pty
def test_bash_completes_for_real_in_a_terminal(demo: Path, tmp_path: Path) -> None:
    pexpect = pytest.importorskip("pexpect")
    bash = shutil.which("bash")
    if bash is None:
        pytest.skip("no bash here")
    script = tmp_path / "otj.bash"
    script.write_text(comp.script("bash"), "utf-8")
    env = {**os.environ, "PATH": f"{os.path.dirname(OTJ or '')}:{os.environ['PATH']}"}
    env |= {"PS1": "ready> ", "TERM": "dumb", "INPUTRC": "/dev/null"}
    child = pexpect.spawn(
        bash,
        ["--norc", "--noprofile"],
        env=env,
        encoding="utf-8",
        timeout=40,  # each TAB starts otj: slow on a loaded machine
        dimensions=(50, 200),
    )
    newest = max(p.stem for p in demo.glob("clients/*/sessions/*.toml"))
    try:
        child.expect_exact("ready> ")
        child.sendline(f"source {shlex.quote(str(script))}; bind 'set show-all-if-ambiguous on'")
        child.expect_exact("ready> ")
        child.send("otj trends \t")  # ambiguous: every handle listed
        for handle in ("ava-l", "mia-k", "noah-t", "sam-r"):
            child.expect_exact(handle)
        child.sendcontrol("c")
        child.expect_exact("ready> ")
        child.send(f"otj show {newest[:-2]}\t")  # unique: the id is finished
        child.expect_exact(f"{newest} ")
        child.sendcontrol("c")
        child.expect_exact("ready> ")
        child.send("otj export --tab\t")
        child.expect_exact("--table ")
        child.send("goal-l\t")
        child.expect_exact("goal-list ")
        child.sendcontrol("c")
        child.expect_exact("ready> ")
        child.send("otjournal export --tab\t")  # the other name the package installs
        child.expect_exact("--table ")
        child.sendcontrol("c")
    finally:
        child.close(force=True)


# -- 3. examples in every command's help -------------------------------------------------
def all_commands() -> list[str]:
    found: list[str] = []

    def walk(command, path: str) -> None:
        subs = getattr(command, "commands", None)
        if path and (not subs or getattr(command, "invoke_without_command", False)):
            found.append(path)
        for name, sub in (subs or {}).items():
            walk(sub, f"{path} {name}".strip())

    walk(typer.main.get_command(app), "")
    return found


def test_every_command_has_two_or_three_examples_or_says_why_not() -> None:
    commands = all_commands()
    assert len(commands) > 30
    missing = [c for c in commands if c not in EXAMPLES]
    assert not missing
    assert not set(EXAMPLES) - set(commands)
    for name, examples in EXAMPLES.items():
        assert 1 <= len(examples) <= 3, name
        assert any(f"otj {name}" in e.line for e in examples), name
        for e in examples:
            assert e.line.startswith("otj ") or " | otj " in e.line, e


@pytest.mark.parametrize("columns", ["40", "80"])
def test_help_ends_with_the_examples_at_any_width(
    runner: Runner, monkeypatch: pytest.MonkeyPatch, columns: str
) -> None:
    monkeypatch.setenv("COLUMNS", columns)
    checked = 0
    for name in ("log", "homework import", "export", "drafts", "goal set"):
        fresh = build()  # the examples are broken to the width when the app is built
        result = runner.invoke(fresh, [*name.split(), "--help"], terminal_width=int(columns))
        assert result.exit_code == 0
        text = result.output
        assert "Examples:" in text
        tail = text[text.index("Examples:") :]
        width = max(min(int(columns), 80) - 2, 50)  # Click's: never narrower than 50
        assert all(len(line) <= width for line in tail.splitlines()), tail
        words = " ".join(tail.replace(" \\\n", " ").split())
        for e in EXAMPLES[name]:
            assert e.says in words and " ".join(e.line.split()) in words
        checked += 1
    assert checked == 5
    assert epilog("no such command") is None


RUNNABLE = [name for name, examples in EXAMPLES.items() if any(e.runs != ASKS for e in examples)]


@pytest.mark.parametrize("name", RUNNABLE)
def test_examples_run_on_the_demo_journal(
    runner: Runner, demo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    """Each example, as written, exits 0 (its command's lines in order, on one copy)."""
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    ran = 0
    for example in EXAMPLES[name]:
        if example.runs == ASKS:
            continue
        stdin: str | None = None
        for part in example.line.split(" | "):
            argv = shlex.split(part)
            if argv[0] == "echo":
                stdin = " ".join(argv[1:]) + "\n"
                continue
            assert argv[0] == "otj"
            if argv[1:3] == ["demo", "--quiet"] or argv[1:2] == ["demo"]:
                argv += ["--dir", str(work / f"demo{ran}")]
            result = runner.invoke(app, argv[1:], input=stdin)
            assert result.exit_code == 0, (example.line, result.output)
            stdin = result.stdout
        ran += 1
    assert ran
