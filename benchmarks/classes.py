"""Where a one-client command's time goes before it does its own work: Python, the
libraries, and making the classes of the records and summaries it uses.

    python benchmarks/classes.py [--dir NOTES] [--runs 7]

Runs each command below as a whole process, warm (the cache built by a run first), with
`dataclasses` timed from inside: Python 3.11 compiles five or six methods for each frozen
dataclass when its module is imported, a cost paid by every process, whatever the
journal's size. otjournal's own classes are made by `@frozen` (otjournal/frozen.py), which
leaves dataclasses the bookkeeping and compiles `__init__` itself: both are timed. Prints,
per command, the median wall time, the classes made and the time
spent making them, and the same for a bare import of Typer, Rich and platformdirs. The
notes folder is --dir (default: $OTJOURNAL_DIR, else otj's own). Nothing is written; it
is not a test: run it by hand, as run.py.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys

# Runs in the measured process: times dataclasses' class processing, then the command.
PROBE = r"""
import sys, time, dataclasses
t0 = time.perf_counter()
spent = [0.0, 0]
def timed(make, classes):
    def run(*a, **k):
        t = time.perf_counter()
        try:
            return make(*a, **k)
        finally:
            spent[0] += time.perf_counter() - t
            spent[1] += classes
    return run
dataclasses._process_class = timed(dataclasses._process_class, 1)
if sys.argv[1:] != ["--libraries"]:  # otjournal's @frozen compiles __init__ itself
    import otjournal.frozen as made_here
    made_here._init_of = timed(made_here._init_of, 0)
def done():
    sys.stderr.write(f"\nPROBE {spent[1]} {spent[0]:.6f} {time.perf_counter() - t0:.6f}\n")
import atexit
atexit.register(done)
if sys.argv[1:] == ["--libraries"]:
    import typer, rich.console, platformdirs
else:
    sys.argv = ["otj", *sys.argv[1:]]
    from otjournal.cli import main
    main()
"""


def probe(args: list[str], env: dict[str, str]) -> tuple[int, float, float]:
    """(classes made, seconds making them, seconds from the first line to the exit) of
    one run: Python's own start-up (about 20 ms) is not in it."""
    run = subprocess.run(
        [sys.executable, "-c", PROBE, *args], env=env, capture_output=True, text=True
    )
    lines = [x for x in run.stderr.splitlines() if x.startswith("PROBE ")]
    if run.returncode != 0 or not lines:
        raise SystemExit(f"otj {' '.join(args)} failed:\n{run.stderr}")
    _, n, spent, whole = lines[-1].split()
    return int(n), float(spent), float(whole)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dir", help="the notes folder (default: $OTJOURNAL_DIR)")
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env.update(NO_COLOR="1", COLUMNS="80")
    if args.dir:
        env["OTJOURNAL_DIR"] = args.dir
    listed = subprocess.run(
        [sys.executable, "-m", "otjournal", "list", "-n", "1", "--json"],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    (newest,) = json.loads(listed.stdout)["sessions"]
    client, session = newest["client"], newest["id"]
    commands = [
        ["--libraries"],
        ["list", "-n", "10"],
        ["show", session],
        ["trends", client],
        ["report", client],
        ["check"],
    ]
    print(f"{'command':<34} {'in-proc s':>9} {'classes':>8} {'making them s':>14} {'share':>6}")
    for cmd in commands:
        probe(cmd, env)  # the cache, and the system's file caches
        runs = [probe(cmd, env) for _ in range(args.runs)]
        n = runs[0][0]
        spent = statistics.median(r[1] for r in runs)
        whole = statistics.median(r[2] for r in runs)
        name = "import typer, rich, platformdirs" if cmd == ["--libraries"] else " ".join(cmd)
        name = name.replace(session, "ID").replace(client, "CLIENT")
        print(f"{name:<34} {whole:9.3f} {n:8d} {spent:14.3f} {spent / whole:6.0%}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
