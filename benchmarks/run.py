"""Time whole otjournal processes on demo journals of growing size.

    python benchmarks/run.py [--sizes 1000,10000,100000] [--runs 5] [--out FILE]

For each size it builds a journal with `otj demo --sessions N`, then times each
command as a whole process over several runs (median, min-max) with its peak memory,
next to the floor measured in the same run: a bare Python process that reads and
parses every file of the journal with tomllib. Results go to stdout and to
benchmarks/RESULTS.md (with the machine noted). Nothing here is a test: run it by hand.
"""

from __future__ import annotations

import argparse
import os
import platform
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


def measure(cmd: list[str], env: dict[str, str], runs: int, cold: bool = False) -> dict[str, float]:
    times, peaks = [], []
    for _ in range(runs):
        if cold:  # no parse cache: what the first run after an upgrade or a sync costs
            shutil.rmtree(env["XDG_CACHE_HOME"], ignore_errors=True)
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
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    otj = otj_command()
    rows: list[tuple[int, str, dict[str, float]]] = []
    work = Path(tempfile.mkdtemp(prefix="otj-bench-"))
    try:
        for n in sizes:
            root = work / f"j{n}"
            env = {
                **os.environ,
                "OTJOURNAL_DIR": str(root),
                "NO_COLOR": "1",
                "XDG_STATE_HOME": str(work / "state"),
                "XDG_CONFIG_HOME": str(work / "cfg"),
                "XDG_CACHE_HOME": str(work / "cache"),
                "COLUMNS": "80",
            }
            t0 = time.perf_counter()
            subprocess.run(
                [*otj, "demo", "--dir", str(root), "--sessions", str(n), "--end", END, "-q"],
                env=env,
                check=True,
                stdout=subprocess.DEVNULL,
            )
            build = time.perf_counter() - t0
            files = sum(len(fs) for _, _, fs in os.walk(root))
            print(f"\n{n} sessions ({files} files), built in {build:.1f} s", flush=True)
            commands = {
                "floor: parse every file (bare python)": [sys.executable, "-c", FLOOR, str(root)],
                "otj --help": [*otj, "--help"],
                "otj list -n 10": [*otj, "list", "-n", "10"],
                "otj trends (all clients, no cache)": [*otj, "trends"],
                "otj trends (all clients)": [*otj, "trends"],
                "otj trends mia-k": [*otj, "trends", "mia-k"],
                "otj check": [*otj, "check"],
                "otj report mia-k": [*otj, "report", "mia-k"],
                "otj log --no-input (add one)": [
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
                ],
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
                result = measure(cmd, env, args.runs, cold="no cache" in name)
                rows.append((n, name, result))
                print(
                    f"  {name:<40} {result['median']:7.3f} s  "
                    f"({result['min']:.3f}-{result['max']:.3f})  {result['mb']:4.0f} MB",
                    flush=True,
                )
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    write_results(Path(args.out), rows, args.runs)
    return 0


def write_results(path: Path, rows: list[tuple[int, str, dict[str, float]]], runs: int) -> None:
    cpu = platform.processor() or platform.machine()
    lines = [
        "# Benchmark results",
        "",
        f"Measured {date.today()} with `python benchmarks/run.py`: {os.cpu_count()} cores, "
        f"{cpu}, {platform.system()} {platform.release()}, Python "
        f"{platform.python_version()}. Whole processes, {runs} runs each: median "
        "(min-max) seconds and peak resident memory. The floor is a bare Python process "
        "reading and parsing every file of the same journal with tomllib. Commands run with "
        "the parse cache as a person's would (it exists after the first run), except the "
        "one marked 'no cache', which starts without it every time.",
        "",
        "| sessions | command | median s | min-max s | peak MB |",
        "|---:|---|---:|---|---:|",
    ]
    for n, name, r in rows:
        lines.append(
            f"| {n} | {name} | {r['median']:.3f} | {r['min']:.3f}-{r['max']:.3f} | {r['mb']:.0f} |"
        )
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"\nWrote {path}")


if __name__ == "__main__":
    sys.exit(main())
