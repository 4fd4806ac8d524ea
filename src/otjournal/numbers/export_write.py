"""Export tables written as the rows come, byte for byte what ``export.to_csv`` and
``export.to_json`` give for the same rows held whole (tests/test_export_stream.py)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Sequence
from typing import IO, Any

from otjournal.numbers.export import FORMULA_START, _cell


def write_csv(
    out: IO[bytes], columns: Sequence[str], rows: Iterable[Sequence[Any]], bom: bool
) -> int:
    """The header, then each row (its values in ``columns`` order); the rows written."""
    text = io.TextIOWrapper(out, encoding="utf-8", newline="", write_through=False)
    try:
        if bom:
            text.write("\ufeff")
        writer = csv.writer(text, lineterminator="\r\n")
        writer.writerow(columns)
        n = 0
        for values in rows:
            # _cell, with its commonest cases (plain text, empty) inline: the hot loop
            writer.writerow(
                [
                    v
                    if type(v) is str and not v.startswith(FORMULA_START)
                    else ""
                    if v is None
                    else _cell(v)
                    for v in values
                ]
            )
            n += 1
        text.flush()
    finally:
        text.detach()  # the caller's file stays open
    return n


def write_json(out: IO[bytes], columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """``{"columns": [...], "rows": [...]}`` as ``json.dumps(..., indent=1)`` lays it out:
    the opening, each row (one object), the closing. Cells are scalars, and JSON escapes a
    newline inside a text, so every newline is the layout's own: a row is indented by
    adding two spaces after each."""
    names = list(columns)
    head = json.dumps(names, ensure_ascii=False, indent=1).replace("\n", "\n ")
    out.write(f'{{\n "columns": {head},\n "rows": ['.encode())
    n = 0
    for values in rows:
        row = json.dumps(dict(zip(names, values, strict=True)), ensure_ascii=False, indent=1)
        out.write((",\n  " if n else "\n  ").encode() + row.replace("\n", "\n  ").encode())
        n += 1
    out.write(("\n ]\n}\n" if n else "]\n}\n").encode())
    return n
