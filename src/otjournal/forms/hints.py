"""Gentle language hints: compliance and deficit words, with strengths-based alternatives.

Non-blocking: a hint is shown, the text is saved exactly as typed.

Hints are for a practitioner's session notes only. A client's words are theirs: nothing a
client or caregiver writes (homework entries of every kind, however written or imported,
and anything written in self mode) is ever hinted at. An automatic thought is written as
it came; correcting it would undo the exercise. So the homework flow never asks for
hints, and ``for_practitioner`` is the one switch the session flows read.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from otjournal.frozen import frozen

if TYPE_CHECKING:
    from otjournal.config import Config

# (pattern, the word as found, a suggestion). Patterns are whole words, any case.
_RULES: tuple[tuple[str, str], ...] = (
    (
        r"non-?complian(?:t|ce)",
        "describe what happened and what helped, e.g. "
        "'chose a different activity; joined in once it was his idea'",
    ),
    (r"(?:did not|didn't) comply", "describe the choice made and what helped"),
    (
        r"compl(?:y|ied|iant|iance)",
        "say what the person did and what made it possible, "
        "e.g. 'joined the task when it included trains'",
    ),
    (
        r"refus(?:ed|es|al|ing)",
        "say what the person communicated, e.g. 'said no to the swing and chose the trampoline'",
    ),
    (
        r"tolerat(?:ed|es|e|ing)",
        "describe the experience, e.g. "
        "'stayed with the messy play for 3 minutes with a towel nearby'",
    ),
    (r"poor", "describe what worked, e.g. 'attended best when the task involved trains'"),
    (r"defiant|oppositional", "describe the communication and the need behind it"),
    (r"manipulative|attention[- ]seeking", "consider 'connection-seeking' or describe the need"),
    (r"lazy|unmotivated", "describe when motivation was high, e.g. 'engaged with Lego tasks'"),
    (r"fail(?:ed|s)?", "describe the step reached, e.g. 'laced two holes with the card'"),
    (r"deficits?", "describe the support that helps, e.g. 'laces with a picture card'"),
    (r"(?:low|high)[- ]functioning", "describe specific strengths and supports instead"),
    (r"meltdowns?|tantrums?", "describe what happened and what helped regulation"),
)
_COMPILED = tuple((re.compile(rf"\b(?:{p})\b", re.IGNORECASE), s) for p, s in _RULES)


@frozen
class Hint:
    word: str
    suggestion: str

    def message(self) -> str:
        return f"'{self.word}' can read as a judgement; {self.suggestion}."


def language_hints(text: str) -> list[Hint]:
    """Hints for the words found in ``text``, one per distinct word, in order."""
    found: list[Hint] = []
    seen: set[str] = set()
    taken: list[tuple[int, int]] = []
    for pattern, suggestion in _COMPILED:
        for m in pattern.finditer(text):
            if any(a <= m.start() < b for a, b in taken):
                continue
            taken.append(m.span())
            word = m.group(0).lower()
            if word not in seen:
                seen.add(word)
                found.append(Hint(m.group(0), suggestion))
    return found


def for_practitioner(config: Config, handle: str) -> bool:
    """Whether a session note's flow on ``handle`` shows hints: ``hints.language`` (on by
    default), and never in self mode on your own journal, where the one writing is the
    client."""
    return config.hints and not config.is_self(handle)
