"""Control characters and bidi overrides in note text are shown, never obeyed."""

from __future__ import annotations

import pytest

from otjournal.views.visible import is_visible, visible


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("plain words", "plain words"),
        ("two\nlines\tand a tab", "two\nlines\tand a tab"),
        ("osc52 \x1b]52;c;aGk=\x07 end", "osc52 \\x1b]52;c;aGk=\\x07 end"),
        ("clear \x1b[2J", "clear \\x1b[2J"),
        ("bell\x07", "bell\\x07"),
        ("back\rover", "back\\x0dover"),
        ("windows\r\nline", "windows\nline"),
        ("del\x7f", "del\\x7f"),
        ("c1 \x9b31m", "c1 \\x9b31m"),
        ("evil \u202egnp.exe", "evil \\u202egnp.exe"),
        ("isolate \u2066x\u2069", "isolate \\u2066x\\u2069"),
        ("Zoë 🚂 中文", "Zoë 🚂 中文"),
        ("nul\x00", "nul\\x00"),
    ],
)
def test_visible_shows_controls_and_keeps_everything_else(raw: str, shown: str) -> None:
    assert visible(raw) == shown
    assert is_visible(shown)
    assert is_visible(raw) == (raw == shown)


def test_visible_output_holds_no_raw_control_byte() -> None:
    every = "".join(chr(c) for c in range(0, 0x2100))
    out = visible(every)
    assert not any(0 <= ord(c) < 0x20 and c not in "\n\t" for c in out)
    assert not any(0x7F <= ord(c) < 0xA0 for c in out)
    assert "\u202e" not in out
