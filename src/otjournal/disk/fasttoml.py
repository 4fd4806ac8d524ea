"""A faster first reading of a note, with tomli's results (issue 19).

Parsing is most of a first run, and rtoml (Rust's ``toml`` crate) parses a note about
twice as fast as compiled tomli, with the checks around it. It reads TOML 1.1, where
otjournal reads TOML 1.0 (tomli below 2.4: the standard library's tomllib), so it is
asked only for text without what 1.1 adds or reads otherwise: an inline table (``{``:
1.1 lets it span lines), an escape (``\\``: 1.1 adds ``\\x`` and ``\\e``), a time
without its seconds, a carriage return (kept in a multi-line string, where tomli reads a
plain newline) and a byte-order mark (skipped). Files otjournal writes hold none of
these. For text it is not asked, text it fails to read, or where rtoml is not installed,
``read`` answers None and tomli reads the text as before, with its own messages.
tests/test_fasttoml.py holds both to the same tables, value for value.
"""

from __future__ import annotations

import re
from typing import Any

from otjournal.model.fields import standard_zones

try:
    import rtoml
except ImportError:  # no wheel for this platform: tomli reads everything
    rtoml = None  # type: ignore[assignment]

# ":NN" that ends a time, a UTC offset or plain text. A time's seconds (":SS" after
# "HH:MM") and an offset's minutes ("+HH:MM") come three bytes after ':', '+' or '-';
# any other (a 1.1 "07:32", or "at 10:30" in a note's words) is left to tomli.
_TIME_END = re.compile(rb":[0-9][0-9](?![:0-9])")
_AFTER_SECONDS_OR_SIGN = (b":", b"+", b"-")


def askable(raw: bytes) -> bool:
    """Whether rtoml reads these bytes as TOML 1.0 does, when it reads them at all."""
    if b"{" in raw or b"\\" in raw or b"\r" in raw or raw.startswith(b"\xef\xbb\xbf"):
        return False
    for found in _TIME_END.finditer(raw):
        at = found.start()
        if at < 3 or raw[at - 3 : at - 2] not in _AFTER_SECONDS_OR_SIGN:
            return False
    return True


def read(raw: bytes, text: str, zones: bool = True) -> dict[str, Any] | None:
    """The table of ``text`` (the UTF-8 ``raw``), or None: tomli is to read it. Without
    ``zones`` its date-times keep rtoml's zone class, for a caller that makes a record of
    it: the record's reader replaces the few it keeps (``Fields.aware_datetime``), which
    was a fifth of this read (issue 19)."""
    if rtoml is None or not askable(raw):
        return None
    table = _rtoml(text)
    if table is not None and zones:
        standard_zones(table)  # tomli's: the standard library's ``timezone``
    return table


def _rtoml(text: str) -> dict[str, Any] | None:
    """rtoml's table, or None for any failure: tomli's to explain, in its words."""
    try:
        return rtoml.loads(text)
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException:  # its errors, and a Rust panic (PyO3's is a BaseException)
        return None


def reads_as_toml_1_1(text: str) -> bool:
    """Whether ``text``, which tomli refused, is TOML 1.1 (rtoml reads it): for the
    hint to write it as 1.0. False where rtoml is not installed."""
    return rtoml is not None and _rtoml(text) is not None
