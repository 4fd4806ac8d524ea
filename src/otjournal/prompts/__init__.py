"""Guided question flows for a terminal (the only place, with cli and render, using Rich)."""

from otjournal.prompts.base import Asker, InputEnded, pick, reuse
from otjournal.prompts.session import Context, LogFlow

__all__ = ["Asker", "Context", "InputEnded", "LogFlow", "pick", "reuse"]
