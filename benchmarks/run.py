"""Time whole otjournal processes on demo journals of growing size.

    python benchmarks/run.py [--sizes 1000,10000,100000] [--runs 5] [--out FILE] [--work DIR]

For each size it builds a journal with `otj demo --sessions N` (or reuses one already in
--work), then times each command as a whole process over several runs (median, min-max)
with its peak memory, next to the floor measured in the same run: a bare Python process
that reads and parses every file of the journal with tomllib. Results go to stdout and
into benchmarks/RESULTS.md between its result markers (the machine noted; the text around
them is kept). Nothing here is a test: run it by hand.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
END = "2026-11-20"  # the demo's last day: same journals on every run
WARM_UP = 3  # untimed runs before the timed ones (none for the 'no cache' row)
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


def otj_command() -> list[str]:
    found = shutil.which("otj")
    # A pyenv shim is a shell script that costs ~40 ms: prefer the interpreter's own.
    local = Path(sys.executable).parent / "otj"
    if local.exists():
        return [str(local)]
    return [found] if found else [sys.executable, "-m", "otjournal"]


def timed(cmd: list[str], env: dict[str, str]) -> tuple[float, int]:
    """Wall time (s) and peak resident memory (MB) of one process."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode not in (0, 1):
        err = proc.stderr.read().decode("utf-8", "replace") if proc.stderr else ""
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}): {err[:400]}")
    return elapsed, usage.ru_maxrss // 1024


def measure(
    cmd: list[str],
    env: dict[str, str],
    runs: int,
    cold: bool = False,
    before: list[str] | None = None,
) -> dict[str, float]:
    if not cold:
        # Untimed: the parse cache, and the system's own file caches, as a person's would
        # be after using otj a little. One run was not enough here: right after a command
        # that reads every file, a virtual machine's kernel is still reclaiming memory
        # and the next few runs of anything that stats every file are 50% slower.
        for _ in range(WARM_UP):
            timed(cmd, env)
    times, peaks = [], []
    for _ in range(runs):
        if cold:  # no parse cache: what the first run after an upgrade or a sync costs
            shutil.rmtree(env["XDG_CACHE_HOME"], ignore_errors=True)
        if before:  # untimed: e.g. a session added, so one client changed
            timed(before, env)
        t, m = timed(cmd, env)
        times.append(t)
        peaks.append(m)
    return {
        "median": statistics.median(times),
        "min": min(times),
        "max": max(times),
        "mb": max(peaks),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000", help="session counts, comma-separated")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--out", default=str(HERE / "RESULTS.md"))
    parser.add_argument("--keep", action="store_true", help="keep the journals built")
    parser.add_argument("--work", help="folder for the journals: reused when already built")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    otj = otj_command()
    rows: list[tuple[int, str, dict[str, float]]] = []
    # Absolute: a relative XDG_CACHE_HOME is ignored (XDG spec), so the cache would land
    # in ~/.cache and the 'no cache' row would not start without one.
    work = Path(args.work).resolve() if args.work else Path(tempfile.mkdtemp(prefix="otj-bench-"))
    keep = args.keep or bool(args.work)
    try:
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
            }
            t0 = time.perf_counter()
            if not (root / "clients").is_dir():
                subprocess.run(
                    [*otj, "demo", "--dir", str(root), "--sessions", str(n), "--end", END, "-q"],
                    env=env,
                    check=True,
                    stdout=subprocess.DEVNULL,
                )
            build = time.perf_counter() - t0
            files = sum(len(fs) for _, _, fs in os.walk(root))
            print(f"\n{n} sessions ({files} files), built in {build:.1f} s", flush=True)
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
            commands = {
                "python start-up alone (no otj)": [sys.executable, "-c", "pass"],
                "floor: parse every file (bare python)": [sys.executable, "-c", FLOOR, str(root)],
                "otj --help": [*otj, "--help"],
                "otj list -n 10": [*otj, "list", "-n", "10"],
                # Warm: the search index is in the cache after the untimed warm-up runs.
                "otj search swing (warm)": [*otj, "search", "swing"],
                "otj search '\"crash mat\"' -n 10 (warm)": [
                    *otj,
                    "search",
                    '"crash mat"',
                    "-n",
                    "10",
                ],
                "otj trends (all clients, no cache)": [*otj, "trends"],
                "otj trends (all clients)": [*otj, "trends"],
                "otj trends mia-k": [*otj, "trends", "mia-k"],
                "otj check": [*otj, "check"],
                "otj report mia-k": [*otj, "report", "mia-k"],
                "otj trends (all clients, one changed)": [*otj, "trends"],
                "otj log --no-input (add one)": log_one,
                "otj homework log --no-input": [
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
                ],
            }
            for name, cmd in commands.items():
                result = measure(
                    cmd,
                    env,
                    args.runs,
                    cold="no cache" in name,
                    before=log_one if "one changed" in name else None,
                )
                rows.append((n, name, result))
                print(
                    f"  {name:<40} {result['median']:7.3f} s  "
                    f"({result['min']:.3f}-{result['max']:.3f})  {result['mb']:4.0f} MB",
                    flush=True,
                )
    finally:
        if not keep:
            shutil.rmtree(work, ignore_errors=True)
    write_results(Path(args.out), rows, args.runs)
    return 0


START, END_MARK = "<!-- results: written by benchmarks/run.py -->", "<!-- /results -->"


def write_results(path: Path, rows: list[tuple[int, str, dict[str, float]]], runs: int) -> None:
    """Replace the block between the markers; rows for sizes not measured this time are
    kept from the block already there, and the text says so."""
    cpu = platform.processor() or platform.machine()
    old = path.read_text(encoding="utf-8") if path.exists() else ""
    measured = {n for n, _, _ in rows}
    kept, earlier = [], ""
    if START in old and END_MARK in old:
        previous = old.split(START, 1)[1].split(END_MARK, 1)[0]
        kept = [
            line
            for line in previous.splitlines()
            if (m := re.match(r"\| (\d+) \|", line)) and int(m.group(1)) not in measured
        ]
        when = re.search(r"Measured (\S+) .*?(\d+) runs each", previous, re.S)
        if kept and when:
            sizes = [f"{n:,}" for n in sorted({int(line.split("|")[1]) for line in kept})]
            named = " and ".join([", ".join(sizes[:-1]), sizes[-1]] if len(sizes) > 1 else sizes)
            earlier = (
                f" Rows for {named} sessions are kept from the "
                f"run before (measured {when.group(1)}, {when.group(2)} runs each)."
            )
    where = "a virtual environment" if sys.prefix != sys.base_prefix else "the base interpreter"
    lines = [
        START,
        f"Measured {date.today()} with `python benchmarks/run.py`: {os.cpu_count()} cores, "
        f"{cpu}, {platform.system()} {platform.release()}, Python "
        f"{platform.python_version()} in {where}. Whole processes, {runs} runs each: median "
        "(min-max) seconds and peak resident memory. The floor is a bare Python process "
        "reading and parsing every file of the same journal with tomllib. Commands run with "
        f"the parse cache as a person's would ({WARM_UP} untimed runs first), except the one "
        "marked 'no cache', which starts without it every time; 'one changed' adds a session "
        f"(untimed) before each run.{earlier}",
        "",
        "| sessions | command | median s | min-max s | peak MB |",
        "|---:|---|---:|---|---:|",
    ]
    new = [
        f"| {n} | {name} | {r['median']:.3f} | {r['min']:.3f}-{r['max']:.3f} | {r['mb']:.0f} |"
        for n, name, r in rows
    ]
    lines += sorted(new + kept, key=lambda line: int(line.split("|")[1]))  # stable: by size
    lines.append(END_MARK)
    block = "\n".join(lines)
    if START in old and END_MARK in old:
        head, rest = old.split(START, 1)
        text = head + block + rest.split(END_MARK, 1)[1]
    else:
        text = "# Benchmark results\n\n" + block + "\n"
    path.write_text(text, encoding="utf-8")
    print(f"\nWrote {path}")


if __name__ == "__main__":
    sys.exit(main())
