"""Export tables written as the rows come, byte for byte what ``export.to_csv`` and
``export.to_json`` give for the same rows held whole (tests/test_export_stream.py).

A row is rendered once (``csv_line``, ``json_object``): the cache keeps both texts, so
an export where nothing changed only copies them out."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Sequence
from typing import IO, Any

from otjournal.numbers.export import FORMULA_START, _cell


class CsvLine:
    """One row as ``to_csv`` writes it (its line ending included)."""

    def __init__(self) -> None:
        self._buf = io.StringIO()
        self._writer = csv.writer(self._buf, lineterminator="\r\n")

    def __call__(self, values: Sequence[Any]) -> str:
        self._buf.seek(0)
        self._buf.truncate()
        # _cell, with its commonest cases (plain text, empty) inline: the hot loop
        self._writer.writerow(
            [
                v
                if type(v) is str and not v.startswith(FORMULA_START)
                else ""
                if v is None
                else _cell(v)
                for v in values
            ]
        )
        return self._buf.getvalue()


def json_object(columns: Sequence[str], values: Sequence[Any]) -> str:
    """One row as ``to_json`` lays it out inside "rows". Cells are scalars, and JSON
    escapes a newline inside a text, so every newline is the layout's own: the row is
    indented by adding two spaces after each."""
    row = dict(zip(columns, values, strict=True))
    return json.dumps(row, ensure_ascii=False, indent=1).replace("\n", "\n  ")


def write_csv(out: IO[bytes], columns: Sequence[str], lines: Iterable[str], bom: bool) -> int:
    """The header, then each row's line (``CsvLine``); the rows written."""
    text = io.TextIOWrapper(out, encoding="utf-8", newline="", write_through=False)
    try:
        text.write(("\ufeff" if bom else "") + CsvLine()(columns))
        n = 0
        for line in lines:
            text.write(line)
            n += 1
        text.flush()
    finally:
        text.detach()  # the caller's file stays open
    return n


def write_json(out: IO[bytes], columns: Sequence[str], objects: Iterable[str]) -> int:
    """``{"columns": [...], "rows": [...]}`` as ``json.dumps(..., indent=1)`` lays it out:
    the opening, each row (``json_object``), the closing; the rows written."""
    head = json.dumps(list(columns), ensure_ascii=False, indent=1).replace("\n", "\n ")
    text = io.TextIOWrapper(out, encoding="utf-8", newline="", write_through=False)
    try:
        text.write(f'{{\n "columns": {head},\n "rows": [')
        n = 0
        for row in objects:
            text.write(",\n  " if n else "\n  ")
            text.write(row)
            n += 1
        text.write("\n ]\n}\n" if n else "]\n}\n")
        text.flush()
    finally:
        text.detach()
    return n
