"""Asking questions in a terminal: the shared plumbing of every guided flow.

Prompts go to stderr so stdout stays for results. Every answer is handed to a
``save`` callback straight away, so the caller's draft always holds it.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

from rich.console import Console
from rich.markup import escape

from otjournal.forms.hints import language_hints
from otjournal.forms.session import get, put
from otjournal.prompts import typed


class InputEnded(Exception):
    """Standard input closed before the note was finished."""


class Asker:
    """Questions with defaults, choices, numbers and free text; answers go into ``note``."""

    def __init__(
        self,
        console: Console,
        note: dict[str, Any],
        partial: dict[str, Any],
        save: Callable[[str], None],
        hints: bool = False,
    ) -> None:
        # Language hints on free text: only a practitioner's session flows turn them on
        # (forms.hints.for_practitioner); a client's words are theirs.
        self.console = console
        self.note = note
        self.partial = partial
        self._save = save
        self.hints = hints
        self.step = ""
        # Parts of the note given on the command line (dotted keys): not asked again
        # while ``skip_given`` holds; a part chosen at the review is asked in full.
        self.given: frozenset[str] = frozenset()
        self.skip_given = True

    def is_given(self, key: str) -> bool:
        return self.skip_given and key in self.given

    # -- plumbing --------------------------------------------------------------
    def save(self) -> None:
        self._save(self.step)

    def say(self, markup: str) -> None:
        # Wrapped at words to the width, as the questions are (the terminal cut words).
        self.console.print(markup, highlight=False, markup=True, soft_wrap=False)

    def read(self, prompt: str) -> str:
        """One line as typed (prompts.typed): a line that is not text is asked again,
        never saved mangled."""
        while True:
            stream = sys.stdin  # looked up each time: a test runner swaps it
            try:
                # The question wrapped at words to the width (the console's own input
                # let the terminal cut it mid-word); the answer is typed after it.
                self.console.print(prompt, markup=True, emoji=False, end="", soft_wrap=False)
                with typed.bytes_kept(stream):
                    line = self.console.input(markup=False, emoji=False)
            except EOFError:
                raise InputEnded() from None
            encoding = getattr(stream, "encoding", None) or "utf-8"
            text = typed.as_typed(line, encoding, terminal=typed.is_terminal(stream))
            if text is not None:
                return text
            self.say(f"  [yellow]{escape(typed.UNREADABLE)}[/]")

    def ask(self, label: str, default: str = "", hint: str = "") -> str:
        shown = f" [dim]\\[{escape(default)}][/]" if default else ""
        extra = f" [dim]({escape(hint)})[/]" if hint else ""
        answer = self.read(f"{escape(label)}{extra}{shown}: ").strip()
        return answer if answer else default

    def ask_name(self, label: str, default: str = "") -> str:
        """A person's name: asked again, with the reason, until it is one line (never
        echoed: it may hold an escape). Empty when nothing was typed and no default."""
        from otjournal.model.write_rules import name_problem

        while True:
            answer = self.ask(label, default)
            problem = name_problem(answer) if answer else None
            if problem is None:
                return answer
            self.say(f"  [yellow]{escape(problem[:1].upper() + problem[1:])}[/]")

    def ask_choice(
        self, label: str, choices: tuple[str, ...], default: str = "", allow_blank: bool = False
    ) -> str:
        hint = " / ".join(choices)
        while True:
            answer = self.ask(label, default, hint).strip().lower()
            if not answer and (allow_blank or not choices):
                return ""
            picked = pick(answer, choices)
            if picked:
                return picked
            self.say(f"  [yellow]Please choose one of: {escape(hint)}[/]")

    def ask_int(
        self,
        label: str,
        lo: int,
        hi: int,
        default: int | None = None,
        hint: str = "",
        allow_blank: bool = True,
    ) -> int | None:
        while True:
            raw = self.ask(label, "" if default is None else str(default), hint)
            if not raw and allow_blank:
                return None
            try:
                value = int(raw.replace("+", ""))
            except ValueError:
                value = None
            if value is not None and lo <= value <= hi:
                return value
            self.say(f"  [yellow]Please give a whole number from {lo} to {hi}.[/]")

    def ask_text(self, key: str, label: str, multiline: bool = True) -> str:
        """Free text. Multi-line answers end with an empty line; each line is saved."""
        existing = get(self.note, key) or ""
        if self.is_given(key):
            return existing
        so_far = self.partial.get(key)
        if so_far is not None:  # resumed in the middle of this answer
            lines = [so_far] if so_far else []
            self.say(f"[dim]Kept from before:[/]\n{escape(so_far)}")
        else:
            lines = []
        if existing and not lines:
            self.say(f"[dim]Now: {escape(existing)}  (Enter keeps it)[/]")
        hint = "end with an empty line" if multiline else ""
        first = True
        while True:
            prompt = f"{escape(label)}" + (f" [dim]({hint})[/]" if hint and first else "")
            line = self.read(f"{prompt}: " if first else "  … ")
            if not line.strip() and (first or not multiline):
                if first and not lines:
                    self.partial.pop(key, None)
                    return existing
                break
            if not line.strip():
                break
            lines.append(line.rstrip())
            first = False
            self.partial[key] = "\n".join(lines)
            self.save()
            if not multiline:
                break
        text = "\n".join(lines)
        self.partial.pop(key, None)
        put(self.note, key, text)
        self.save()
        self.hint(text)
        return text

    def hint(self, text: str) -> None:
        if not self.hints:
            return
        for h in language_hints(text):
            self.say(f"  [cyan]hint:[/] {escape(h.message())}")


def reuse(raw: str, before: list[str]) -> list[str]:
    """Comma-separated words; a number picks that item from last time's list."""
    out: list[str] = []
    for token in raw.split(","):
        words = token.split()
        if words and all(w.isdigit() and 1 <= int(w) <= len(before) for w in words):
            out += [before[int(w) - 1] for w in words]
        elif token.strip():
            out.append(token.strip())
    return list(dict.fromkeys(out))


def pick(answer: str, choices: tuple[str, ...]) -> str:
    """A choice by full word, unique prefix, or 1-based number; '' if none."""
    if not answer:
        return ""
    if answer in choices:
        return answer
    if answer.isdigit() and 1 <= int(answer) <= len(choices):
        return choices[int(answer) - 1]
    matches = [c for c in choices if c.startswith(answer)]
    return matches[0] if len(matches) == 1 else ""
