"""An encrypted journal next to the same journal in plaintext (issue 18's speed targets).

    python benchmarks/encrypted.py [--sessions 10000] [--runs 5] [--warm-up 3] [--work DIR]

Builds a demo journal of N sessions (or reuses one in --work), copies it, encrypts the copy
with `otj encrypt` (a key made for the run, in --work), then times the same commands on
both as whole processes (run.py's timing: median of --runs, peak memory) and prints each
pair with encrypted/plaintext. The targets: warm `trends`, `list -n 10` and adding a note
within 1.5x of plaintext; cold (no cache) within 2x. Nothing here is a test: run it by hand.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from run import END, Case, measure, otj_command

TARGETS = {"warm": 1.5, "cold": 2.0}


def cases(otj: list[str], root: Path, env: dict[str, str]) -> list[tuple[Case, str]]:
    """(case, which target applies: "warm", "cold" or "" for none) on the journal in root."""
    listed = subprocess.run(
        [*otj, "list", "-n", "1", "--json", "--dir", str(root)],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    session_id = json.loads(listed.stdout)["sessions"][0]["id"]
    at = ["--dir", str(root)]
    log_one = [
        *otj, "log", "mia-k", "--no-input", "--by", "Bench", "--setting", "clinic",
        "--attendee", "child", "--summary", "Benchmark session", *at,
    ]  # fmt: skip
    trends, check = [*otj, "trends", *at], [*otj, "check", *at]
    return [
        (Case("list -n 10", [*otj, "list", "-n", "10", *at]), "warm"),
        (Case("trends (all clients)", trends), "warm"),
        (Case("log --no-input (add one)", log_one), "warm"),
        (Case("trends mia-k", [*otj, "trends", "mia-k", *at]), ""),
        (Case("show ID", [*otj, "show", session_id, *at]), ""),
        (Case("check", check), ""),
        (Case("search swing -n 10", [*otj, "search", "swing", "-n", "10", *at]), ""),
        (Case("export --format csv", [*otj, "export", "--format", "csv", "-o", "-", *at]), ""),
        (Case("trends (no cache)", trends, cold=True), "cold"),
        (Case("check (no cache)", check, cold=True), "cold"),
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=10000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--warm-up", type=int, default=3)
    parser.add_argument("--work", help="folder for the journals: reused when already built")
    args = parser.parse_args()
    work = Path(args.work).resolve() if args.work else Path(tempfile.mkdtemp(prefix="otj-enc-"))
    otj = otj_command()
    plain, sealed = work / f"plain{args.sessions}", work / f"encrypted{args.sessions}"
    env = {
        **{k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"},
        "NO_COLOR": "1",
        "COLUMNS": "80",
        "XDG_STATE_HOME": str(work / "state"),
        "XDG_CONFIG_HOME": str(work / "cfg"),
        "XDG_CACHE_HOME": str(work / "cache"),
    }
    try:
        if not (plain / "clients").is_dir():
            demo = [*otj, "demo", "--dir", str(plain), "--sessions", str(args.sessions)]
            subprocess.run([*demo, "--end", END, "-q"], env=env, check=True)
        if not (sealed / "clients").is_dir():
            t0 = time.perf_counter()
            shutil.copytree(plain, sealed, symlinks=True)
            subprocess.run(
                [*otj, "encrypt", "--name", "bench", "--dir", str(sealed)], env=env, check=True
            )
            print(f"otj encrypt: {time.perf_counter() - t0:.1f} s (with the copy)")
        pairs = list(zip(cases(otj, plain, env), cases(otj, sealed, env), strict=True))
        print(f"\n{args.sessions} sessions: plaintext, encrypted, encrypted/plaintext")
        for (a, target), (b, _) in pairs:
            pa = measure(a, env, args.runs, args.warm_up)
            pb = measure(b, env, args.runs, args.warm_up)
            ratio = pb[0] / pa[0]
            verdict = ""
            if target:
                limit = TARGETS[target]
                verdict = f"  target <= {limit}x: {'met' if ratio <= limit else 'missed'}"
            print(
                f"  {a.name:<26} {pa[0]:7.3f} s {pa[3]:4.0f} MB   {pb[0]:7.3f} s {pb[3]:4.0f} MB"
                f"   {ratio:5.2f}x{verdict}",
                flush=True,
            )
    finally:
        if not args.work:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
