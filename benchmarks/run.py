"""Time whole otjournal processes on demo journals of growing size, against issue 19's targets.

    python benchmarks/run.py [--sizes 1000,10000,100000] [--runs 5] [--warm-up 3]
                             [--tables sessions,goals | --quick] [--peers]
                             [--out FILE] [--work DIR] [--keep] [--only ROWS]

For each size it builds a journal with `otj demo --sessions N` (or reuses one already in
--work), makes it a git repository with a local bare remote (for `otj sync`; skipped
without git), then times each command as a whole process over several runs (median,
min-max) with its peak memory, next to what the targets are measured against, in the same
run: `python -c pass` and the floor, a bare Python process that reads and parses every file
of the journal with tomllib; beside them a bare Python stat of every file (what knowing the
cache is right costs) and `git ls-files` (the index every git command of `sync` loads).
Each row shows its target from issue 19 (issue 17 for search) and whether it is met,
computed from the rows (benchmarks/targets.py).

Commands: start-up (--help, --version), list -n 10, search, trends and check with no cache,
the next command of another kind after a cold one (does it parse again?), the warm
whole-journal commands, one client's trends and report, show ID, conflicts, doctor, due,
adding a session and a homework entry, `export` for every table in csv and json
(--tables or --quick to limit them), and `sync` with nothing to push.

--peers installs jrnl and td-watson from PyPI into a venv under --work (once), writes
journals of the same size in their own formats (benchmarks/peers.py says how), times them
with HOME and XDG folders inside --work, and prints otj/peer time and memory ratios.

Results go to stdout and into benchmarks/RESULTS.md between its result markers (the
machine noted; the text around them is kept; rows for sizes not run this time are kept from
the block already there, e.g. a 100,000 run done once). `otj` is the one installed beside
this interpreter (run it from a venv with `pip install .`), else the one on PATH. Nothing
here is a test: run it by hand.

--only "otj check|otj list -n 10" times only the rows of those names (as printed, `|`
between them) and prints them without writing RESULTS.md (a block of some rows would drop
the others of that size): for a journal too large to run whole, or a quick look.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import peers
from targets import (
    END_MARK,
    FLAT,
    LIBRARIES,
    MEMORY_MB,
    NOTES,
    START,
    WHOLE,
    Row,
    merge,
    replace_block,
    sizes_named,
)
from targets import table as results_table

HERE = Path(__file__).resolve().parent
END = "2026-11-20"  # the demo's last day: same journals on every run
WARM_UP = 3  # untimed runs before the timed ones (none for the 'no cache' rows)
TABLES = "sessions,goals,checklist,homework,goal-list,reviews,assessments,homework-plan,supports"
FLOOR = """
import sys, tomllib, os
n = 0
for dirpath, _, files in os.walk(sys.argv[1]):
    for f in files:
        if f.endswith(".toml"):
            with open(os.path.join(dirpath, f), "rb") as fh:
                tomllib.load(fh)
            n += 1
print(n)
"""
# What `list`, `search` and `check` pay before any note is read: whether the cache is still
# right is known only by a stat of every file (a note edited in place leaves its folder's
# time as it was).
WALK = """
import os, sys
def walk(path):
    n = 0
    with os.scandir(path) as entries:
        for e in entries:
            if e.is_dir(follow_symlinks=False):
                n += walk(e.path)
            else:
                e.stat(follow_symlinks=False)
                n += 1
    return n
"""
STAT_FLOOR = WALK + 'print(walk(os.path.join(sys.argv[1], "clients")))\n'
# The least a warm whole-journal command does: load the libraries, then stat every file,
# every other client in a second process forked for it (otj's prefetch child shares the
# stats so).
WHOLE_FLOOR = (
    "import typer, rich.console, platformdirs\n"
    + WALK
    + """
clients = sorted(os.listdir(os.path.join(sys.argv[1], "clients")))
child = os.fork()
n = sum(walk(os.path.join(sys.argv[1], "clients", c)) for c in clients[child == 0 :: 2])
if child == 0:
    os._exit(0)
os.waitpid(child, 0)
print(n)
"""
)

# The least `list` and `show ID` do: load the libraries, then stat every session note (an
# id or a date edited in place is seen only so), shared between two processes as above.
NOTES_FLOOR = (
    "import typer, rich.console, platformdirs\n"
    + WALK
    + """
top = os.path.join(sys.argv[1], "clients")
clients = sorted(os.listdir(top))
child = os.fork()
n = 0
for c in clients[child == 0 :: 2]:
    try:
        n += walk(os.path.join(top, c, "sessions"))
    except FileNotFoundError:
        pass
if child == 0:
    os._exit(0)
os.waitpid(child, 0)
print(n)
"""
)


# Every result the cache remembers (memos) forgotten, its records kept: what a new day
# does to the results kept for a day.
FORGET = [
    sys.executable,
    "-c",
    "import glob, os, sqlite3\n"
    "for path in glob.glob(os.path.join(os.environ['XDG_CACHE_HOME'], '**', 'records-*.sqlite'),"
    " recursive=True):\n"
    "    db = sqlite3.connect(path)\n"
    "    db.execute('DELETE FROM memos')\n"
    "    db.commit()\n"
    "    db.close()\n",
]


@dataclass
class Case:
    name: str
    cmd: list[str]
    cold: bool = False  # the cache removed before each run, no warm-up
    # Every note read (untimed) before each run, so that a row that parses every file
    # and the floor it is held to both find the notes in the system's file cache.
    reads_all: bool = False
    before: list[list[str]] = field(default_factory=list)  # untimed, before each timed run
    env: dict[str, str] | None = None  # the peers' own


def otj_command() -> list[str]:
    found = shutil.which("otj")
    # A pyenv shim is a shell script that costs ~40 ms: prefer the interpreter's own.
    local = Path(sys.executable).parent / "otj"
    if local.exists():
        return [str(local)]
    return [found] if found else [sys.executable, "-m", "otjournal"]


# Peak memory through GNU time when there is one: a child's own ru_maxrss counts the
# memory of the process it was forked from (Linux keeps the pre-exec high-water mark), so
# this script's memory would be the least any row could show (it showed 14 MB for
# `python -c pass`, which peaks at 9 MB).
GNU_TIME = "/usr/bin/time" if os.access("/usr/bin/time", os.X_OK) else None


def timed(cmd: list[str], env: dict[str, str]) -> tuple[float, int]:
    """Wall time (s) and peak resident memory (MB) of one process."""
    # stderr to a file, not a pipe: a pipe nobody reads until the end blocks a chatty child.
    with (
        tempfile.NamedTemporaryFile(prefix="otj-bench-rss-") as said,
        tempfile.TemporaryFile() as err,
    ):
        full = [GNU_TIME, "-f", "%M", "-o", said.name, *cmd] if GNU_TIME else cmd
        start = time.perf_counter()
        proc = subprocess.Popen(
            full, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=err
        )
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - start
        # GNU time puts a line before the figure when the command's exit status is not 0.
        kb = int(Path(said.name).read_text().split()[-1]) if GNU_TIME else usage.ru_maxrss
        code = proc.returncode = os.waitstatus_to_exitcode(status)  # reaped: Popen must know
        if code:
            err.seek(0)
            said_err = err.read().decode("utf-8", "replace")
            if code != 1:
                raise SystemExit(f"{' '.join(cmd)} failed ({code}): {said_err[:400]}")
            # 1 is also "the notes have problems", so a run goes on; but a failure here
            # (of a command run before the timed one, say) must not pass unseen.
            print(f"  note: {' '.join(cmd[-3:])} exited 1: {said_err[:200]!r}", file=sys.stderr)
    return elapsed, kb // 1024


def measure(case: Case, env: dict[str, str], runs: int, warm_up: int) -> tuple[float, ...]:
    env = case.env or env
    if not case.cold:
        # Untimed: the parse cache, and the system's own file caches, as a person's would
        # be after using otj a little. One run was not enough here: right after a command
        # that reads every file, a virtual machine's kernel is still reclaiming memory
        # and the next few runs of anything that stats every file are 50% slower.
        for _ in range(warm_up):
            timed(case.cmd, env)
    times, peaks = [], []
    for _ in range(runs):
        if case.cold:  # no parse cache: what the first run after an upgrade or a sync costs
            shutil.rmtree(env["XDG_CACHE_HOME"], ignore_errors=True)
        if case.cold or case.reads_all:
            # This virtual machine's kernel gives back file pages not used for a while
            # (at 100,000 sessions a first `trends` once took 110 s, reading from disk,
            # and 42 s with the files in memory): read them all first, untimed.
            read_every_file(Path(env["OTJOURNAL_DIR"]))
        for cmd in case.before:  # e.g. a session added, so one client changed
            timed(cmd, env)
        t, m = timed(case.cmd, env)
        times.append(t)
        peaks.append(m)
    return statistics.median(times), min(times), max(times), max(peaks)


def read_every_file(root: Path) -> None:
    for folder, _, files in os.walk(root):
        for name in files:
            with contextlib.suppress(OSError), open(os.path.join(folder, name), "rb") as f:
                while f.read(1 << 20):
                    pass


def build(otj: list[str], root: Path, n: int, env: dict[str, str]) -> None:
    """The demo journal of n sessions, and a git repository with a bare remote beside it
    (what `otj sync` needs), unless already there."""
    if not (root / "clients").is_dir():
        demo = [*otj, "demo", "--dir", str(root), "--sessions", str(n), "--end", END, "-q"]
        subprocess.run(demo, env=env, check=True, stdout=subprocess.DEVNULL)
    if shutil.which("git") and not (root / ".git").exists():
        remote = root.parent / f"remote{n}.git"
        subprocess.run(["git", "init", "-q", "--bare", str(remote)], env=env, check=True)
        for cmd in (["init", "--git", "--remote", str(remote)], ["sync"]):
            subprocess.run([*otj, *cmd], env=env, check=True, stdout=subprocess.DEVNULL)


def cases(otj: list[str], root: Path, env: dict[str, str], tables: list[str]) -> list[Case]:
    listed = subprocess.run(
        [*otj, "list", "-n", "1", "--json"], env=env, check=True, capture_output=True, text=True
    )
    session_id = json.loads(listed.stdout)["sessions"][0]["id"]
    log_one = [
        *otj,
        "log",
        "mia-k",
        "--no-input",
        "--by",
        "Bench",
        "--setting",
        "clinic",
        "--attendee",
        "child",
        "--summary",
        "Benchmark session",
        "--checklist",
        "yyyyyyy",
    ]
    homework = [
        *otj,
        "homework",
        "log",
        "mia-k",
        "--kind",
        "mood-check",
        "--mood",
        "6",
        "--by",
        "Bench",
        "--no-input",
    ]
    trends, check = [*otj, "trends"], [*otj, "check"]
    out = [
        Case("python start-up alone (no otj)", [sys.executable, "-c", "pass"]),
        Case(
            "floor: parse every file (bare python)",
            [sys.executable, "-c", FLOOR, str(root)],
            reads_all=True,
        ),
        Case("floor: stat every file (bare python)", [sys.executable, "-c", STAT_FLOOR, str(root)]),
        # What every command but --help and --version pays before any work: the command
        # line is Typer's, the output Rich's, the cache's place platformdirs'.
        Case(LIBRARIES, [sys.executable, "-c", "import typer, rich.console, platformdirs"]),
        Case(WHOLE, [sys.executable, "-c", WHOLE_FLOOR, str(root)]),
        Case(NOTES, [sys.executable, "-c", NOTES_FLOOR, str(root)]),
        Case("otj --version", [*otj, "--version"]),
        Case("otj --help", [*otj, "--help"]),
        Case("otj list -n 10", [*otj, "list", "-n", "10"]),
        # Warm: the search index is in the cache after the untimed warm-up runs.
        Case("otj search swing (warm)", [*otj, "search", "swing"]),
        Case(
            "otj search '\"crash mat\"' -n 10 (warm)", [*otj, "search", '"crash mat"', "-n", "10"]
        ),
        Case("otj trends (all clients, no cache)", trends, cold=True),
        Case("otj check (no cache)", check, cold=True),
        # A cold run of one kind, then the next command of another: does it parse again?
        Case("otj check after a cold trends", check, cold=True, before=[trends]),
        Case("otj trends after a cold check", trends, cold=True, before=[check]),
        Case("otj trends (all clients)", trends),
        Case("otj trends mia-k", [*otj, "trends", "mia-k"]),
        Case("otj check", check),
        Case("otj report mia-k", [*otj, "report", "mia-k"]),
        Case("otj show ID", [*otj, "show", session_id]),
        Case("otj conflicts", [*otj, "conflicts"]),
        Case("otj doctor", [*otj, "doctor"]),
        Case("otj due", [*otj, "due"]),
        Case("otj trends (all clients, one changed)", trends, before=[log_one]),
        # As on a new day: check's, trends' and client list's results are remembered for
        # one day (and one UTC offset), so each client is rebuilt from the cache's records.
        Case("otj check (results not remembered)", check, before=[FORGET]),
        Case("otj trends (all clients, results not remembered)", trends, before=[FORGET]),
        Case("otj homework list (never remembered)", [*otj, "homework", "list"]),
        Case("otj log --no-input (add one)", log_one),
        Case("otj homework log --no-input", homework),
    ]
    for table in tables:
        for fmt in ("csv", "json"):
            cmd = [*otj, "export", "--format", fmt, "--table", table, "-o", "-"]
            out.append(Case(f"otj export --format {fmt} --table {table}", cmd))
    if (root / ".git").exists():  # last: the warm-up runs commit what the rows above added
        out.append(Case("otj sync (nothing to push)", [*otj, "sync"]))
        # sync's memory floor: every git command it runs loads the whole index first.
        out.append(Case("floor of sync: git ls-files", ["git", "-C", str(root), "ls-files"]))
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000", help="session counts, comma-separated")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--warm-up", type=int, default=WARM_UP, help="untimed runs first")
    parser.add_argument("--tables", default=TABLES, help="export tables, comma-separated")
    parser.add_argument("--quick", action="store_true", help="export the sessions table only")
    parser.add_argument("--peers", action="store_true", help="jrnl and Watson, same size")
    parser.add_argument("--out", default=str(HERE / "RESULTS.md"))
    parser.add_argument("--keep", action="store_true", help="keep the journals built")
    parser.add_argument("--work", help="folder for the journals: reused when already built")
    parser.add_argument("--only", help="row names, '|' between: time those, write nothing")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    tables = ["sessions"] if args.quick else [t for t in args.tables.split(",") if t.strip()]
    otj = otj_command()
    rows: list[Row] = []
    # Absolute: a relative XDG_CACHE_HOME is ignored (XDG spec), so the cache would land
    # in ~/.cache and the 'no cache' rows would not start without one.
    work = Path(args.work).resolve() if args.work else Path(tempfile.mkdtemp(prefix="otj-bench-"))
    keep = args.keep or bool(args.work)
    work.mkdir(parents=True, exist_ok=True)  # a --work folder that does not exist yet
    try:
        peer_bin = peers.install(work) if args.peers else None
        (work / "gitconfig").touch()
        for n in sizes:
            root = work / f"j{n}"
            env = {
                **{k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"},
                "OTJOURNAL_DIR": str(root),
                "NO_COLOR": "1",
                "XDG_STATE_HOME": str(work / "state"),
                "XDG_CONFIG_HOME": str(work / "cfg"),
                "XDG_CACHE_HOME": str(work / "cache"),
                "COLUMNS": "80",
                # sync's commits: an identity of its own, none of the user's git config
                "GIT_CONFIG_GLOBAL": str(work / "gitconfig"),
                "GIT_CONFIG_NOSYSTEM": "1",
                **{
                    f"GIT_{who}_{what}": value
                    for who in ("AUTHOR", "COMMITTER")
                    for what, value in (("NAME", "Bench"), ("EMAIL", "bench@example.invalid"))
                },
            }
            t0 = time.perf_counter()
            build(otj, root, n, env)
            todo = cases(otj, root, env, tables)
            if args.only:
                todo = only(todo, args.only.split("|"))
            if peer_bin is not None:
                peer_env = peers.build(work, n, env, peer_bin)
                todo += [Case(k, c, env=peer_env) for k, c in peers.commands(peer_bin).items()]
            files = sum(len(fs) for _, _, fs in os.walk(root))
            print(f"\n{n} sessions ({files} files), ready in {time.perf_counter() - t0:.1f} s")
            for case in todo:
                median, low, high, mb = measure(case, env, args.runs, args.warm_up)
                rows.append(Row(n, case.name, median, low, high, mb))
                print(
                    f"  {case.name:<44} {median:7.3f} s  ({low:.3f}-{high:.3f})  {mb:4.0f} MB",
                    flush=True,
                )
    finally:
        if not keep:
            shutil.rmtree(work, ignore_errors=True)
    if not args.only:
        write_results(Path(args.out), rows, args.runs, args.warm_up)
    return 0


def only(todo: list[Case], names: list[str]) -> list[Case]:
    """The cases named, in the run's own order; a name that is no row's stops the run."""
    wanted = {n.strip() for n in names if n.strip()}
    unknown = wanted - {c.name for c in todo}
    if unknown:
        raise SystemExit(f"--only: no row named {', '.join(sorted(unknown))}")
    return [c for c in todo if c.name in wanted]


def write_results(path: Path, new: list[Row], runs: int, warm_up: int = WARM_UP) -> str:
    """Replace the block between the markers (rows for sizes not measured this time are
    kept from the block already there, and the text says so); print the tables too."""
    cpu = platform.processor() or platform.machine()
    old = path.read_text(encoding="utf-8") if path.exists() else ""
    rows, kept_from = merge(old, new)
    measured = {r.size for r in new}
    kept = sorted({r.size for r in rows} - measured)
    earlier = (
        f" Rows for {sizes_named(kept)} sessions are kept from the run before "
        f"(measured {kept_from})."
        if kept and kept_from
        else ""
    )
    where = "a virtual environment" if sys.prefix != sys.base_prefix else "the base interpreter"
    lines = [
        START,
        f"Measured {date.today()} with `python benchmarks/run.py`: {os.cpu_count()} cores, "
        f"{cpu}, {platform.system()} {platform.release()}, Python "
        f"{platform.python_version()} in {where}. Whole processes, {runs} runs each: median "
        "(min-max) seconds and peak resident memory (by GNU time, whose own start is in "
        "the seconds: about 1 ms). The floor is a bare Python process "
        "reading and parsing every file of the same journal with tomllib (before each run "
        "of it, and of each 'no cache' row, every file is read untimed, so both find the "
        "notes in memory); the stat floor "
        "stats every file of it (what `search` and `check` must do to know the cache is "
        "right; `list` stats the sessions only); importing Typer, Rich and platformdirs is "
        "what every command but `--help` and `--version` loads before it does anything; "
        "with a stat of every file on two cores it is what a warm whole-journal command "
        "does at least (a time target below its floor is out of reach, and says so), and "
        "with a stat of every session note what `list` and `show ID` do at least; "
        "`git ls-files` loads "
        "git's index, as "
        "every git command `sync` runs does. Commands run with "
        f"the parse cache as a person's would ({warm_up} untimed runs first), except those "
        "marked 'no cache' or 'after a cold …', which start without it every time (the "
        "latter after the untimed cold command named); 'one changed' adds a session "
        "(untimed) before each run, and 'results not remembered' forgets every result the "
        "cache remembers (untimed), as a new day does to those kept for a day. Targets are "
        "issue 19's (issue 17's for search), given "
        f"at 10,000 sessions (used for smaller journals too) and 100,000; peak memory ≤ "
        f"{MEMORY_MB} MB; 'flat' is at most {FLAT:g}× the same command at the smallest size "
        f"in the table; a target missed is in bold.{earlier}",
        "",
        *results_table(rows),
    ]
    ratios = peers.ratios(rows)
    if ratios:
        lines += [
            "",
            "Peers, journals of the same size in their own formats (benchmarks/peers.py), "
            "timed in the same run: otj/peer ratios of the median time and of peak memory.",
            "",
            *ratios,
        ]
    lines.append(END_MARK)
    block = "\n".join(lines)
    path.write_text(replace_block(old, block), encoding="utf-8")
    print("\n" + block + f"\n\nWrote {path}")
    return block


if __name__ == "__main__":
    sys.exit(main())
