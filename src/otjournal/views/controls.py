"""Rich's Text shows control characters as escapes instead of dropping them.

``rich.text.Text`` silently removes BEL, BS, VT, FF and CR from every text it is given
(and keeps ESC, which a terminal would obey). A note is printed as written, so each
control character is shown as ``visible`` writes it (``\\x07``, ``\\x1b``, ``\\u202e``)
wherever a Text is made: in a renderer, in a table cell, in the console's markup. Text
made before this runs keeps Rich's behaviour; the consoles escape what it left (ESC, C1,
bidi overrides) when they render it, so nothing reaches the terminal raw either way.
"""

from __future__ import annotations

import rich.text

from otjournal.views.visible import visible


def show_control_characters() -> None:
    """Idempotent. Kept as a module attribute swap: Text looks the name up at each call."""
    if getattr(rich.text, "strip_control_codes", None) is not visible:
        # A deliberate swap of a name Rich imports but does not export; Rich calls it with
        # the text alone, so its second, defaulted parameter is never missed.
        rich.text.strip_control_codes = visible  # type: ignore[attr-defined,assignment]


show_control_characters()
