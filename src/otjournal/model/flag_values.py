"""What a homework kind's flags take on the command line (``--done y``, ``--emotion
anxious:80:40``, ``--thought 'TEXT:75:hot'``), turned into the values of its table. Each
function is named by a ``FieldSpec``'s ``parse`` in model/kinds.py; a bad value is a
UsageError (exit 2) that never repeats what was typed."""

from __future__ import annotations

from typing import Any

from otjournal.errors import UsageError

_DONE_ALIASES = {
    "y": "yes",
    "yes": "yes",
    "p": "partly",
    "partly": "partly",
    "n": "not-this-time",
    "no": "not-this-time",
    "not-this-time": "not-this-time",
}


def done_word(value: str) -> str:
    """--done takes what the prompt takes: y/yes, p/partly, n/no/not-this-time."""
    word = _DONE_ALIASES.get(value.strip().lower())
    if word is None:
        raise UsageError("--done takes yes, partly or not-this-time (or y, p, n)")
    return word


def parse_emotion(value: str) -> dict[str, Any]:
    """``anxious:80`` or ``anxious:80:40`` (before, re-rated after, 0-100 %)."""
    parts = [p.strip() for p in value.split(":")]
    if len(parts) not in (2, 3) or not parts[0]:
        raise UsageError("--emotion takes NAME:BEFORE or NAME:BEFORE:AFTER, e.g. anxious:80:40")
    out: dict[str, Any] = {"name": parts[0]}
    for key, raw in zip(("before", "after"), parts[1:], strict=False):
        try:
            out[key] = int(raw.rstrip("%"))
        except ValueError:
            raise UsageError("--emotion ratings are whole percentages 0-100") from None
    return out


def parse_thought(value: str) -> dict[str, Any]:
    """``TEXT:BELIEF`` or ``TEXT:BELIEF:hot`` (belief 0-100 %)."""
    text, _, rest = value.rpartition(":")
    hot = False
    if rest.strip().lower() == "hot":
        hot = True
        text, _, rest = text.rpartition(":")
    try:
        belief = int(rest.strip().rstrip("%"))
    except ValueError:
        raise UsageError("--thought takes TEXT:BELIEF[:hot], e.g. 'I won't cope:75:hot'") from None
    if not text.strip():
        raise UsageError("--thought needs the thought's text before the belief rating")
    out: dict[str, Any] = {"text": text.strip(), "belief": belief}
    if hot:
        out["hot"] = True
    return out
