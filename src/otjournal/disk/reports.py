"""Which progress reports were written: so the next report starts where the last ended.

``otj report CLIENT -o FILE`` appends one line to this device's log in the notes folder,
``.otjournal/reports/<handle>-<device>.log`` (one log per device and client, only ever
appended to, so sync merges them without conflicts). Each line is tab-separated::

    v1	<period start>	<period end>	<prepared on>

No file name and no text from the notes: a report's period is all the next one needs.
A line that does not read (torn by a crash) is skipped.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

FOLDER = (".otjournal", "reports")
SUFFIX = ".log"


def line(start: date, end: date, prepared: date) -> bytes:
    return f"v1\t{start}\t{end}\t{prepared}\n".encode()


def log_name(handle: str, device: str) -> str:
    return f"{handle}-{device}{SUFFIX}"


def last_end(root: Path, handle: str, before: date) -> date | None:
    """The latest period end of the client's reports prepared before the day ``before``,
    from every device's log."""
    folder = root.joinpath(*FOLDER)
    ends: list[date] = []
    if not folder.is_dir():
        return None
    for path in folder.glob(f"{handle}-*{SUFFIX}"):
        if path.is_symlink() or not path.is_file():
            continue
        try:
            text = path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        for row in text.splitlines():
            parts = row.split("\t")
            if len(parts) == 4 and parts[0] == "v1":
                try:
                    end, prepared = date.fromisoformat(parts[2]), date.fromisoformat(parts[3])
                except ValueError:
                    continue  # a torn or hand-edited line
                if prepared < before:
                    ends.append(end)
    return max(ends, default=None)
