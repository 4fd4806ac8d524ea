"""Issue 19's targets (and issue 17's search target), evaluated on measured rows, and the
results block of benchmarks/RESULTS.md written from those rows and read back.

Pure: no process is run here, so tests/test_benchmark_script.py checks it directly.
A target is found by the row's name (the same name at every size), so rows kept from an
earlier run are judged again against the rows of this one (a ratio to the floor uses the
floor of the same size; 'flat' compares with the smallest size in the table).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MEMORY_MB = 60  # issue 19: every whole-journal command, at 10,000 and at 100,000
FLAT = 1.5  # 'flat': at most this times the same command at the smallest size measured
BIG = 10_000  # time targets are given at 10,000 (this and below) and 100,000 (above)
PYTHON = "python start-up alone (no otj)"
FLOOR = "floor: parse every file (bare python)"
# What every command that prints loads before its own work: the libraries otj is built on.
LIBRARIES = "floor: import typer, rich and platformdirs (bare python)"
# ... and, for a warm whole-journal command, a stat of every file (the only way to know
# the cache is right), shared between two processes as otj shares it.
WHOLE = "floor: the libraries, then stat every file on two cores (bare python)"
# ... and for `list` and `show ID`, which need only the session notes to be known unchanged.
NOTES = "floor: the libraries, then stat every session note on two cores (bare python)"
WARM_CHECK = "otj check"
START, END_MARK = "<!-- results: written by benchmarks/run.py -->", "<!-- /results -->"


@dataclass(frozen=True)
class Row:
    size: int
    name: str
    median: float
    low: float
    high: float
    mb: float


@dataclass(frozen=True)
class Seconds:
    """Median ≤ small (journals up to 10,000 sessions) or ≤ large (bigger ones)."""

    small: float
    large: float | None = None
    floor: str = LIBRARIES  # the floor row below which the command cannot go

    def check(self, row: Row, rows: list[Row]) -> tuple[str, bool | None]:
        limit = self.small if row.size <= BIG or self.large is None else self.large
        said, ok = f"≤ {limit:g} s", row.median <= limit
        floor = find(rows, row.size, self.floor)
        if not ok and floor is not None and floor.median >= limit:
            # Measured in the same run: the least any command doing this work could take.
            what = "the libraries alone take" if self.floor == LIBRARIES else "its floor is"
            said += f" ({what} {floor.median:.3f} s)"
        return said, ok


@dataclass(frozen=True)
class Memory:
    mb: float = MEMORY_MB

    def check(self, row: Row, rows: list[Row]) -> tuple[str, bool | None]:
        return f"≤ {self.mb:g} MB", row.mb <= self.mb


@dataclass(frozen=True)
class Times:
    """Median ≤ factor × another row's median at the same size (the floor, python -c pass)."""

    factor: float
    other: str
    label: str

    def check(self, row: Row, rows: list[Row]) -> tuple[str, bool | None]:
        ref = find(rows, row.size, self.other)
        if ref is None:
            return f"≤ {self.factor:g}× {self.label} (not measured)", None
        limit = self.factor * ref.median
        return f"≤ {self.factor:g}× {self.label} = {limit:.3g} s", row.median <= limit


@dataclass(frozen=True)
class Flat:
    """Median ≤ FLAT × the same command's median at the smallest size in the table."""

    floor: str | None = None  # a floor row that grows with the journal, if the work does

    def check(self, row: Row, rows: list[Row]) -> tuple[str, bool | None]:
        same = [r for r in rows if r.name == row.name]
        base = min(same, key=lambda r: r.size)
        if base.size == row.size:
            return "flat (smallest size)", None
        limit = FLAT * base.median
        said, ok = f"flat: ≤ {FLAT:g}× at {base.size:,} = {limit:.3g} s", row.median <= limit
        floor = find(rows, row.size, self.floor) if self.floor else None
        if not ok and floor is not None and floor.median >= limit:
            said += f" (its floor is {floor.median:.3f} s)"
        return said, ok


Target = Seconds | Memory | Times | Flat
# A row's name -> its targets: the first pattern that matches wins.
RULES: list[tuple[str, list[Target]]] = [
    (r"otj (--help|--version)$", [Seconds(0.08, floor=PYTHON), Times(6, PYTHON, "python -c pass")]),
    (r"otj list -n 10$", [Seconds(0.15, 0.4, NOTES), Memory()]),
    (r"otj search swing \(warm\)$", [Seconds(0.3, floor=WHOLE)]),  # issue 17, given at 10,000
    (r"otj (trends|check) \(no cache\)$", [Times(0.6, FLOOR, "floor"), Memory()]),
    (r"otj trends \(all clients, no cache\)$", [Times(0.6, FLOOR, "floor"), Memory()]),
    # The next command of another kind after a cold run must not parse again: a second
    # parse would cost about the floor, far above twice a warm check.
    (r"otj \w+ after a cold \w+$", [Times(2, WARM_CHECK, "warm check"), Memory()]),
    (r"otj trends \(all clients\)$", [Seconds(0.2, 0.5, WHOLE), Memory()]),
    (r"otj trends \(all clients, one changed\)$", [Memory()]),
    (r"otj check$", [Seconds(0.3, 2, WHOLE), Memory()]),
    (r"otj export --format csv --table sessions$", [Seconds(0.6, 5, WHOLE), Memory()]),
    (r"otj export ", [Memory()]),
    (r"otj (trends|report) mia-k$", [Flat(), Seconds(0.15), Memory()]),
    (r"otj show ID$", [Flat(NOTES), Seconds(0.15, floor=NOTES)]),
    (r"otj (log|homework log) --no-input", [Flat(), Seconds(0.15)]),
    (r"otj (conflicts|doctor|sync)", [Memory()]),
]


def targets_for(name: str) -> list[Target]:
    for pattern, targets in RULES:
        if re.match(pattern, name):
            return targets
    return []


def find(rows: list[Row], size: int, name: str) -> Row | None:
    return next((r for r in rows if r.size == size and r.name == name), None)


def judge(row: Row, rows: list[Row]) -> tuple[str, str]:
    """The row's target text and its verdict: 'met', 'missed' or '' (no target)."""
    said, missed, judged = [], False, False
    for target in targets_for(row.name):
        text, ok = target.check(row, rows)
        if ok is False:
            text, missed = f"**{text}**", True  # the one missed, in bold
        judged = judged or ok is not None
        said.append(text)
    verdict = "missed" if missed else "met" if judged else ""
    return "; ".join(said), verdict


def table(rows: list[Row]) -> list[str]:
    lines = [
        "| sessions | command | median s | min-max s | peak MB | target | met? |",
        "|---:|---|---:|---|---:|---|---|",
    ]
    for r in sorted(rows, key=lambda r: r.size):  # stable: the run's order within a size
        target, verdict = judge(r, rows)
        lines.append(
            f"| {r.size} | {r.name} | {r.median:.3f} | {r.low:.3f}-{r.high:.3f} "
            f"| {r.mb:.0f} | {target} | {verdict} |"
        )
    return lines


def parse_rows(block: str) -> list[Row]:
    """The measured rows of a results block (its first five columns: older blocks had no
    target columns), peers' rows included."""
    rows, inside = [], False
    for line in block.splitlines():
        if line.startswith("| sessions | command |"):
            inside = True
        elif inside and not line.startswith("|"):
            break  # the commands' table ends here (the peers' ratios follow it)
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if not inside or len(cells) < 5 or not cells[0].isdigit():
            continue
        low, high = cells[3].split("-")
        rows.append(
            Row(int(cells[0]), cells[1], float(cells[2]), float(low), float(high), float(cells[4]))
        )
    return rows


def merge(old_text: str, new: list[Row]) -> tuple[list[Row], str | None]:
    """This run's rows, plus the rows of the block already there for sizes not measured
    this time; and the date and runs of that block when rows were kept."""
    if START not in old_text or END_MARK not in old_text:
        return new, None
    previous = old_text.split(START, 1)[1].split(END_MARK, 1)[0]
    measured = {r.size for r in new}
    kept = [r for r in parse_rows(previous) if r.size not in measured]
    when = re.search(r"Measured (\S+) .*?(\d+) runs each", previous, re.S)
    note = f"{when.group(1)}, {when.group(2)} runs each" if kept and when else None
    # Rows that block had kept already keep the date they were measured, not its date.
    earlier = re.search(
        r"Rows for ([\d, and]+) sessions are kept .*?\(measured ([^)]*)\)", previous
    )
    if earlier and kept:
        sizes = {int(s.replace(",", "")) for s in re.findall(r"[\d,]*\d", earlier.group(1))}
        if {r.size for r in kept} & sizes:
            note = earlier.group(2)
    return sorted(kept + new, key=lambda r: r.size), note


def replace_block(old_text: str, block: str) -> str:
    if START in old_text and END_MARK in old_text:
        head, rest = old_text.split(START, 1)
        return head + block + rest.split(END_MARK, 1)[1]
    return "# Benchmark results\n\n" + block + "\n"


def sizes_named(sizes: list[int]) -> str:
    shown = [f"{n:,}" for n in sorted(sizes)]
    return " and ".join([", ".join(shown[:-1]), shown[-1]] if len(shown) > 1 else shown)
