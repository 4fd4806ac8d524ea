"""What the session and homework forms share: the header of a form sent back with errors,
and answers given now laid over answers kept before."""

from __future__ import annotations

from typing import Any

ERROR_START = "# ---- Please fix these"
ERROR_END = "# ------------------------------------------------------------------"


def error_header(errors: list[str]) -> list[str]:
    """The comment lines above an editor form that came back with errors."""
    head = [f"{ERROR_START}, then save and close (the note is kept) ----"]
    head += [f"# ! {e}" for e in errors]
    head.append(ERROR_END)
    return head


def strip_errors(text: str) -> str:
    """The form without the error header written above it."""
    lines = text.splitlines()
    if lines and lines[0].startswith(ERROR_START):
        end = next((i for i, line in enumerate(lines) if line == ERROR_END), 0)
        lines = lines[end + 1 :]
    return "\n".join(lines) + "\n"


def with_errors(body: str, errors: list[str]) -> str:
    return "\n".join(error_header(errors)) + "\n" + body


def merged(base: dict[str, Any], top: dict[str, Any]) -> dict[str, Any]:
    """``top`` over ``base``, table by table (a list or a value is replaced whole)."""
    out = dict(base)
    for key, value in top.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = merged(out[key], value)
        else:
            out[key] = value
    return out
