"""The peers of `benchmarks/run.py --peers`: jrnl and Watson, with journals of the same
size as otjournal's, installed in a throwaway venv under the benchmark's work folder.

Their journals are written directly as files in each tool's own format (running the tools
N times to fill them would take hours at 100,000):
- jrnl: one plain-text file, an entry per session, `[YYYY-MM-DD HH:MM] title` and a body
  with @tags (the client's handle, the activity), oldest first; its config (jrnl.yaml)
  names that file and the `%Y-%m-%d %H:%M` time format.
- Watson: its `frames` file, a JSON list of `[start, stop, project, id, tags, updated_at]`
  (Unix seconds), a frame per session, the client as the project, the activity as a tag.
Each peer runs with HOME and the XDG folders (and WATSON_DIR) pointed into the work
folder, so nothing of the user's own is read or touched.
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from targets import Row, find

ACTIVITIES = [
    "swing",
    "obstacle-course",
    "handwriting",
    "crash-mat",
    "scooter-board",
    "fine-motor",
    "visual-schedule",
    "social-story",
    "theraputty",
    "trampoline",
]
WORDS = (
    "we practised the plan again today and the client tried each step with support "
    "from a parent then rested before the next part of the session"
)
LAST = datetime(2026, 11, 20, 17, 0, tzinfo=UTC)  # run.py's END: the demo's last day
PER_CLIENT = 26  # about as many sessions per client as `otj demo` writes


def sessions(n: int) -> list[tuple[datetime, str, str, str]]:
    """n fictional sessions, oldest first: (start, client, activity, note); the same for
    the same n."""
    rng = random.Random(n)
    clients = [f"client-{i + 1}" for i in range(max(1, n // PER_CLIENT))]
    out = []
    for i in range(n):
        start = LAST - timedelta(minutes=(n - i) * 97)  # about 15 a day, never two at once
        words = WORDS.split()
        note = " ".join(rng.choice(words) for _ in range(rng.randint(20, 60)))
        out.append((start, rng.choice(clients), rng.choice(ACTIVITIES), note))
    return out


def jrnl_text(n: int) -> str:
    entries = [
        f"[{start:%Y-%m-%d %H:%M}] Session with @{client}.\n{note} @{activity}\n"
        for start, client, activity, note in sessions(n)
    ]
    return "\n".join(entries)


def watson_frames(n: int) -> list[list[object]]:
    rng = random.Random(-n)
    frames: list[list[object]] = []
    for start, client, activity, _ in sessions(n):
        begin = int(start.timestamp())
        end = begin + 45 * 60
        frames.append([begin, end, client, f"{rng.getrandbits(128):032x}", [activity], end])
    return frames


def jrnl_config(journal: Path) -> str:
    # The keys jrnl 4 writes itself on its first run; colours off like NO_COLOR for otj.
    return (
        "colors:\n  body: none\n  date: none\n  tags: none\n  title: none\n"
        "default_hour: 9\ndefault_minute: 0\neditor: ''\nencrypt: false\nhighlight: false\n"
        "indent_character: '|'\njournals:\n  default:\n"
        f"    journal: {journal}\n"
        "linewrap: 79\ntagsymbols: '#@'\ntemplate: false\ntimeformat: '%Y-%m-%d %H:%M'\n"
        "version: v4.1\n"
    )


def install(work: Path) -> Path:
    """The peers' venv (made once, then reused): its bin folder."""
    venv = work / "peers-venv"
    bin_dir = venv / "bin"
    if not (bin_dir / "jrnl").exists() or not (bin_dir / "watson").exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run(
            [str(bin_dir / "python"), "-m", "pip", "install", "-q", "jrnl", "td-watson"],
            check=True,
        )
    return bin_dir


def build(work: Path, n: int, env: dict[str, str], bin_dir: Path | None = None) -> dict[str, str]:
    """Write both peers' journals of n sessions (once) and return their environment."""
    home = work / f"peers{n}"
    config, data = home / ".config", home / ".local" / "share"
    journal = data / "jrnl" / "journal.txt"
    watson = config / "watson"
    if not (watson / "frames").exists():
        for folder in (config / "jrnl", journal.parent, watson):
            folder.mkdir(parents=True, exist_ok=True)
        (config / "jrnl" / "jrnl.yaml").write_text(jrnl_config(journal), encoding="utf-8")
        journal.write_text(jrnl_text(n), encoding="utf-8")
        # Written last: its presence says the journals are complete.
        (watson / "frames").write_text(json.dumps(watson_frames(n)), encoding="utf-8")
    peer_env = {
        **env,
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(config),
        "XDG_DATA_HOME": str(data),
        "XDG_CACHE_HOME": str(home / ".cache"),
        "XDG_STATE_HOME": str(home / ".local" / "state"),
        "WATSON_DIR": str(watson),
        "EDITOR": "true",
        "VISUAL": "true",
    }
    if bin_dir is not None:  # jrnl rewrites an older config once: not in a timed run
        settle = [str(bin_dir / "jrnl"), "-n", "1"]
        subprocess.run(settle, env=peer_env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return peer_env


def commands(bin_dir: Path) -> dict[str, list[str]]:
    jrnl, watson = str(bin_dir / "jrnl"), str(bin_dir / "watson")
    return {
        "peer: jrnl --version": [jrnl, "--version"],
        "peer: jrnl --help": [jrnl, "--help"],
        "peer: watson --version": [watson, "--version"],
        "peer: watson --help": [watson, "--help"],
        "peer: jrnl -n 10": [jrnl, "-n", "10"],
        "peer: jrnl --tags": [jrnl, "--tags"],
        "peer: watson report -a": [watson, "report", "-a", "-G"],
        'peer: jrnl "text" (add one)': [jrnl, "Benchmark entry. A short note @bench"],
        "peer: watson add (add one)": [
            watson,
            "add",
            "-f",
            "2026-11-20 18:00",
            "-t",
            "2026-11-20 18:45",
            "client-1",
            "+bench",
        ],
    }


# What is compared: (what, otj's row, the peer's row). Issue 19: otjournal is ahead of
# both at 10,000 ("keep it so"), so ahead is a time ratio below 1.
PAIRS = [
    ("startup", "otj --version", "peer: jrnl --version"),
    ("startup", "otj --version", "peer: watson --version"),
    ("startup", "otj --help", "peer: jrnl --help"),
    ("startup", "otj --help", "peer: watson --help"),
    ("last 10", "otj list -n 10", "peer: jrnl -n 10"),
    ("summary", "otj trends (all clients)", "peer: jrnl --tags"),
    ("summary", "otj trends (all clients)", "peer: watson report -a"),
    ("add", "otj log --no-input (add one)", 'peer: jrnl "text" (add one)'),
    ("add", "otj log --no-input (add one)", "peer: watson add (add one)"),
]


def ratios(rows: list[Row]) -> list[str]:
    """otj/peer time and peak-memory ratios for every size with both rows measured."""
    lines = [
        "| sessions | what | otj | peer | otj s | peer s | otj/peer time | otj MB | peer MB "
        "| otj/peer memory | otj ahead? |",
        "|---:|---|---|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for size in sorted({r.size for r in rows}):
        for what, mine, theirs in PAIRS:
            a, b = find(rows, size, mine), find(rows, size, theirs)
            if a is None or b is None:
                continue
            t, m = a.median / b.median, a.mb / b.mb
            lines.append(
                f"| {size} | {what} | {mine} | {theirs.removeprefix('peer: ')} "
                f"| {a.median:.3f} | {b.median:.3f} | {t:.2f}× | {a.mb:.0f} | {b.mb:.0f} "
                f"| {m:.2f}× | {'yes' if t < 1 else '**no**'} |"
            )
    return lines if len(lines) > 2 else []
