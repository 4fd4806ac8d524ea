"""Sharing homework entries without a shared folder: one export file, checked on import.

The export holds complete entries and a SHA-256 of them. The checksum catches a
file damaged in transit or edited by hand; it is not a signature (anyone can
recompute it), and the import says so by calling a mismatch "changed", not "forged".
Pure: tables in, tables out.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from otjournal.disk.tomlio import to_json_value
from otjournal.errors import ValidationError, ValidationErrors
from otjournal.model import HomeworkEntry
from otjournal.model.fields import Fields, check_header

EXPORT_KIND = "homework-export"


def checksum(entries: Sequence[dict[str, Any]]) -> str:
    canonical = json.dumps(
        to_json_value(list(entries)), sort_keys=True, ensure_ascii=False, separators=(",", ":")
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def content(entry: HomeworkEntry) -> object:
    """An entry as written, less what an import or 'keep both' changes: the id, the
    client's handle here, the [shared] note. Two entries alike in all else are one."""
    table = entry.to_dict()
    for key in ("id", "client", "shared"):
        table.pop(key, None)
    return to_json_value(table)


def build_export(
    client: str, entries: Sequence[HomeworkEntry], exported_at: datetime, exported_by: str
) -> dict[str, Any]:
    tables = [e.to_dict() for e in entries]
    return {
        "format_version": 1,
        "kind": EXPORT_KIND,
        "client": client,
        "exported_at": exported_at.replace(microsecond=0),
        "exported_by": exported_by,
        "count": len(tables),
        "sha256": checksum(tables),
        "entries": tables,
    }


def read_export(data: dict[str, Any]) -> tuple[str, list[HomeworkEntry]]:
    """Check an export file's table; every entry must be valid, or nothing is imported."""
    errors: list[ValidationError] = []
    f = Fields(data, "", errors)
    check_header(f, EXPORT_KIND)
    client = f.text("client", required=True)
    f.aware_datetime("exported_at", required=True)
    f.text("exported_by")
    count = f.integer("count", 0, 1_000_000, required=True)
    digest = f.text("sha256", required=True)
    raw = data.get("entries", [])
    f.tables("entries")
    if errors:
        raise ValidationErrors(errors)
    if not isinstance(raw, list):
        raise ValidationErrors([ValidationError("entries", "must be an array of tables")])
    if count != len(raw):
        raise ValidationErrors(
            [
                ValidationError(
                    "count",
                    f"says {count} entries but the file holds {len(raw)}: it was changed "
                    "or cut short",
                )
            ]
        )
    if digest != checksum(raw):
        raise ValidationErrors(
            [
                ValidationError(
                    "sha256",
                    "does not match the entries: the file was changed after it was exported",
                    hint="ask for a fresh export",
                )
            ]
        )
    entries = []
    for i, table in enumerate(raw):
        try:
            entries.append(HomeworkEntry.from_dict(table))
        except ValidationErrors as exc:
            errors += [ValidationError(f"entries[{i}].{e.field}", e.detail) for e in exc.errors]
    if errors:
        raise ValidationErrors(errors)
    return client, entries
