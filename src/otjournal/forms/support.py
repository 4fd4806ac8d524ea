"""Where help is, shown once and gently after a self-journal entry with a very low mood,
or after a thought record whose writer asked to see it (issue 16, item 7). Never
blocking, nothing stored about it, and never shown for a practitioner's own entries:
only in self mode, or for an entry the client wrote."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from otjournal.config import Config
    from otjournal.model import Client, HomeworkEntry

LOW_MOOD = 2  # a mood check at or below this (0-10) shows where help is


def by_the_person(entry: HomeworkEntry, client: Client, config: Config) -> bool:
    """Written by the person themselves: in self mode on their own journal (another
    client's entry is not theirs), or under the client's own name (and not the
    practitioner's)."""
    if config.is_self(client.handle):
        return True
    who = entry.written_by.strip().casefold()
    return (
        bool(who)
        and who == client.display_name.strip().casefold()
        and (who != config.practitioner.strip().casefold())
    )


def support_message(
    entry: HomeworkEntry, client: Client, config: Config, asked: bool = False
) -> str | None:
    """The few lines to show after saving ``entry``, or None. ``asked``: the person asked
    to see them (a thought record's question); the asking is not kept anywhere."""
    low = entry.mood is not None and entry.mood.mood <= LOW_MOOD
    if not ((low or asked) and config.support_lines and by_the_person(entry, client, config)):
        return None
    return support_text(config.support_lines)


def support_text(support_lines: list[str] | tuple[str, ...]) -> str:
    lines = "\n".join(f"  {line}" for line in support_lines)
    return (
        "Thank you for writing this down. If things feel heavy right now, you do not have "
        f"to carry it alone; help is there, any time:\n{lines}"
    )
