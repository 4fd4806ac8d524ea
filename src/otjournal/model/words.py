"""The tool's own words about the client, chosen once from the client.

A child's notes keep the words the practice has always used ("The child's voice",
"child-led"); an adult client is "the client" (or "you" when a person journals for
themselves), never "the child". The stored keys (``child_voice``, ``child_led``) are the
file format and do not change with the words. Note text is never touched here.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from otjournal.frozen import frozen
from otjournal.model.vocab import ATTENDEE_ROLES

if TYPE_CHECKING:
    from otjournal.model.client import Client


@frozen
class Words:
    adult: bool
    voice_title: str  # the log flow's step title
    voice_heading: str  # the section heading in show and the printout
    response: str  # an activity's response, asked in the log flow
    led: str  # the label of the child_led flag
    led_share: str  # trends: "Child-led or interest-based …"
    follow: str  # trends: "(a good sign: plans that follow …)"
    attendees: tuple[str, ...]  # who attended, by default, at a first session

    @property
    def roles(self) -> tuple[str, ...]:
        """The attendee roles offered: an adult's list leaves out "child" (which is still
        understood if typed)."""
        return tuple(r for r in ATTENDEE_ROLES if not (self.adult and r == "child"))


CHILD = Words(
    adult=False,
    voice_title="The child's voice",
    voice_heading="Child's voice",
    response="  The child's response",
    led="child-led",
    led_share="Child-led",
    follow="the child",
    attendees=("child", "parent"),
)

CLIENT = Words(
    adult=True,
    voice_title="The client's voice",
    voice_heading="Client's voice",
    response="  The client's response",
    led="client-led",
    led_share="Client-led",
    follow="the client",
    attendees=("client",),
)

# A person journaling for themselves (self mode): the questions speak to them.
YOU = Words(
    adult=True,
    voice_title="In your words",
    voice_heading="In your words",
    response="  Your response",
    led="client-led",
    led_share="Client-led",
    follow="you",
    attendees=("client",),
)


def words_for(client: Client | None, on: date, self_mode: bool = False) -> Words:
    """The words for ``client`` as of ``on`` (a child who has turned 18 is an adult from
    that day); ``self_mode``: the client is the one writing. No client known: the
    child's words, as before."""
    if self_mode:
        return YOU
    if client is None or not client.is_adult(on):
        return CHILD
    return CLIENT


def conflict_copy(tool: str) -> str:
    """ "a Syncthing conflict copy", "an iCloud conflict copy", "an unknown tool …"
    (OneDrive's O is said "w": a OneDrive copy)."""
    return f"{'an' if tool[:1] in 'aeiuAEIU' else 'a'} {tool} conflict copy"
