"""The fixed vocabularies of the format: checklist, scales, frameworks, kinds.

These words are part of the file format (docs/format.md). Changing one is a
format change.
"""

from __future__ import annotations

FORMAT_VERSION = 1

# The seven "is one where" items of the seed article, word for word (the seed's
# own curly apostrophes and em dash included). Keys are stable slugs for files.
CHECKLIST: tuple[tuple[str, str], ...] = (
    (
        "interests",
        "The child\u2019s interests and preferences are included\u2014because motivation "
        "drives learning",
    ),
    ("movement-play", "There\u2019s movement and play that supports their body and sensory system"),
    ("attuned", "The therapist is attuned and connected, not just delivering"),
    (
        "agile",
        "The therapist prepares agile sessions that can change and shift to suit the child's needs",
    ),
    ("caregiver", "The parent or caregiver feels seen, included and supported"),
    ("safety", "Safety, curiosity and co-regulation are prioritised over performance"),
    (
        "feels-good",
        "The child leaves feeling good; not just about the activity, but about themselves.",
    ),
)
CHECKLIST_KEYS = tuple(k for k, _ in CHECKLIST)
CHECKLIST_TEXT = dict(CHECKLIST)
CHECKLIST_ANSWERS = ("yes", "partly", "no", "unsure", "n-a")
CHECKLIST_BY = ("therapist", "caregiver", "child", "client")

MAX_MINUTES = 24 * 60  # a session lasts at most a day

SESSION_TYPES = (
    "initial",
    "therapy",
    "review",
    "caregiver-only",
    "non-client",
    "discharge",
    "cancelled",
    "did-not-attend",
)
# Sessions booked that did not take place: logged (duration 0 allowed, no attendees
# needed), counted apart, never in hours nor in sessions attended.
NOT_HELD_TYPES = ("cancelled", "did-not-attend")
# Time for the client without the client (report writing, liaison): non-face-to-face,
# as is any session with no attendee.
NON_CLIENT_TYPES = ("non-client",)
# Sessions whose note may name no attendee: these, and a discharge (written as a record
# of the episode's close, with or without the client there). Every other kind of
# session was attended by someone: `otj log` asks who, and `otj amend` keeps it so.
NO_ATTENDEE_TYPES = (*NOT_HELD_TYPES, *NON_CLIENT_TYPES, "discharge")
# What `otj log` offers: an episode's close is written by `otj discharge` (it also sets
# each goal's final status). A review may be logged; `otj review` rates every goal.
LOGGED_TYPES = tuple(t for t in SESSION_TYPES if t != "discharge")
# What the prompts offer: a session that did not take place is logged with
# `otj log --cancelled` / `--dna` in a few keys, not walked through every part.
ASKED_TYPES = tuple(t for t in LOGGED_TYPES if t not in NOT_HELD_TYPES)
SETTINGS = ("clinic", "home", "school", "community", "telehealth", "other")
ATTENDEE_ROLES = (
    "child",
    "client",
    "parent",
    "carer",
    "teacher",
    "sibling",
    "support-worker",
    "interpreter",
    "other",
)

# Regulation frameworks and their states. Order is the framework's own, not a
# ranking: no state is "good".
FRAMEWORKS: dict[str, tuple[str, ...]] = {
    "zones": ("blue", "green", "yellow", "red"),
    "engine": ("low", "just-right", "high"),
    "window": ("hypo", "within", "hyper"),
    "descriptive": (),
}
FRAMEWORK_NAMES = {
    "zones": "Zones of Regulation",
    "engine": "Alert Program engine",
    "window": "window of tolerance",
    "descriptive": "descriptive",
}

GAS_LEVELS = (-2, -1, 0, 1, 2)
GAS_LEVEL_KEYS = ("-2", "-1", "0", "+1", "+2")
# A goal's life: set (active), on hold, achieved, discontinued. "closed" is the word of
# files written before goals had a life; it is read and shown, never offered.
GOAL_STATUSES = ("active", "on-hold", "achieved", "discontinued", "closed")
GOAL_SET_STATUSES = ("active", "on-hold", "achieved", "discontinued")
# Why an episode of care ends (domain.md, "Closing / discharge").
DISCHARGE_REASONS = (
    "goals-met",
    "family-choice",
    "client-choice",  # an adult's own choice (or a young person's)
    "moved",
    "funding-ended",
    "referred-on",
    "other",
)
DISCHARGE_WORDS = {  # each reason as a note, a list and a report say it
    "goals-met": "goals met",
    "family-choice": "the family's choice",
    "client-choice": "the client's own choice",
    "moved": "moved",
    "funding-ended": "funding ended",
    "referred-on": "referred on",
    "other": "other",
}

HOMEWORK_DONE = ("yes", "partly", "not-this-time")
DONE_WORDS = {"yes": "done", "partly": "partly", "not-this-time": "not this time"}

AMENDMENT_KINDS = (
    "correction",
    "addition",
    "clarification",
    "late-information",
    "client-requested-correction",
    "statement-of-disagreement",
)
