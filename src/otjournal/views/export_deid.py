"""Export rows de-identified (``otj export --deidentify``): whole (``deidentify_rows``)
or streamed, one client's rows at a time (the pieces below), with the same result."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from otjournal.views.deidentify import Deidentifier, _bare

if TYPE_CHECKING:
    from otjournal.model import Client


def deidentify_rows(
    rows: Sequence[dict[str, Any]],
    clients: Mapping[str, Client],
    extra_names: Sequence[str] = (),
    shift_days: int | None = None,
) -> list[dict[str, Any]]:
    """Export rows de-identified: each row's text cells by its client's Deidentifier
    (names, identifiers; with a shift, ISO dates, date-times and the dates in ids moved,
    the one offset for every client); the ``client`` column becomes "participant-N",
    numbered as first seen. The authors in ``written_by`` are names too."""
    names = export_names(extra_names, {r.get("written_by") for r in rows})
    by_client = {
        h: Deidentifier.for_client(c, names, shift_days) for h, c in sorted(clients.items())
    }
    codes = ParticipantCodes()
    out = []
    for row in rows:
        handle = row.get("client")
        d = by_client.get(handle) if isinstance(handle, str) else None
        if d is None:
            d = row_deidentifier(handle, None, names, shift_days)
        out.append(codes.coded(deidentify_cells(row, d)))
    return out


def export_names(extra_names: Sequence[str], authors: Iterable[object]) -> list[str]:
    """The names every exported row is cleared of: those given, then the authors (the
    ``written_by`` texts of the rows exported)."""
    return [*extra_names, *sorted(a for a in authors if isinstance(a, str))]


def row_deidentifier(
    handle: object, client: Client | None, names: Sequence[str], shift_days: int | None
) -> Deidentifier:
    """The Deidentifier of a row's client; a note whose client.toml is missing: its handle
    is all we know."""
    return Deidentifier.for_client(
        client if client is not None else _bare(str(handle)), names, shift_days
    )


def deidentify_cells(row: dict[str, Any], d: Deidentifier) -> dict[str, Any]:
    """Every cell but the client's handle (``ParticipantCodes`` numbers those)."""
    return {
        col: value if col == "client" and isinstance(value, str) else d.deep(value)
        for col, value in row.items()
    }


class ParticipantCodes:
    """The ``client`` column as "participant-N", numbered as first seen."""

    def __init__(self) -> None:
        self.numbers: dict[str, str] = {}

    def coded(self, row: dict[str, Any]) -> dict[str, Any]:
        handle = row.get("client")
        if isinstance(handle, str):
            row["client"] = self.code(handle)
        return row

    def code(self, handle: str) -> str:
        numbers = self.numbers
        return numbers.setdefault(handle, f"participant-{len(numbers) + 1}")
