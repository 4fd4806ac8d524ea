"""The practitioner's settings: ``config.toml`` in the platform's config folder.

A missing file means defaults. A malformed one is an error with line and column
for commands that need it (``log``); read-only commands over the notes never load it.
"""

from __future__ import annotations

from dataclasses import field
from pathlib import Path
from typing import Any

from otjournal.errors import InvalidFile, Problem, ValidationError
from otjournal.frozen import frozen
from otjournal.model.ids import handle_problem, is_slug
from otjournal.model.vocab import CHECKLIST_TEXT, FRAMEWORKS

TEMPLATE = """\
# otjournal settings. Every key is optional; delete a line to get the default.

# default_client = "mia-k"         # commands need no client handle
# self_mode = false                # default_client is you: its questions speak to you

[practitioner]
# name = "Alex Rivera (OT)"        # written into each note as written_by
# registration = "OCC0001234567"   # shown on progress reports
# profession = "Occupational therapist"  # shown on progress reports
# techniques = [                  # offered by number in `otj log` (any name can be typed)
#   "sensory-based strategies", "parent coaching", "CBT", "graded exposure",
#   "behavioural activation",
# ]

[session]
# duration_min = 45                # default session length
# regulation_framework = "zones"   # zones | engine | window | descriptive (new clients)
# late_entry_hours = 24            # notes written later than this are marked late

[hints]
# language = true                  # gentle strengths-based language hints in `otj log`

# [checklist]
# adults = "skip"                  # the seven items for adult clients: ask | skip
#                                  # (written for sessions with a child; your own stay)

# [[checklist.extra]]              # your own checklist items (the seven stay for children)
# item = "sensory-diet"
# text = "The sensory diet was reviewed with the family"

# [retention]                      # check reminds you when these have passed
# adult_years = 7                  # after the last session
# child_until_age = 25             # for a client first seen as a child

# [caseload]                       # what `otj due` lists
# review_every_weeks = 12          # a review this long after the last (or the intake)
# report_lead_weeks = 4            # a progress report this long before the plan ends
# not_seen_weeks = 4               # an active client with no session this long

# [deidentify]
# names = ["Sarah", "Tom"]         # more names that --deidentify replaces in reports

# [support]                        # where help is: shown once, gently, after a very low
# lines = ["Lifeline 13 11 14 (24/7)", "000 in an emergency"]  # mood in a self-journal
"""

CHECKLIST_ADULTS = ("ask", "skip")
# Offered at the Techniques question of `otj log` (config [practitioner] techniques): a few
# common to OT and psychology practice, so a number picks one from the first note on.
TECHNIQUES = (
    "sensory-based strategies",
    "parent coaching",
    "CBT",
    "graded exposure",
    "behavioural activation",
)

# Where help is, in Australia (config [support] lines; an empty list shows none).
SUPPORT_LINES = ("Lifeline 13 11 14 (24/7)", "000 in an emergency")


@frozen
class ExtraItem:
    item: str
    text: str


@frozen
class Config:
    practitioner: str = ""
    registration: str = ""
    profession: str = ""
    techniques: tuple[str, ...] = TECHNIQUES
    duration_min: int = 45
    regulation_framework: str = "zones"
    late_entry_hours: float = 24
    hints: bool = True
    extra_items: tuple[ExtraItem, ...] = ()
    checklist_adults: str = "skip"  # ask | skip: the seven items for an adult client
    default_client: str = ""
    self_mode: bool = False
    deidentify_names: tuple[str, ...] = ()
    retention_adult_years: int = 7
    retention_child_age: int = 25
    support_lines: tuple[str, ...] = SUPPORT_LINES
    review_every_weeks: int = 12
    report_lead_weeks: int = 4
    not_seen_weeks: int = 4
    path: Path | None = field(default=None, compare=False)

    def is_self(self, handle: str) -> bool:
        """Whether ``handle`` is the person using otjournal (``otj init --self``): self
        mode speaks to the default client only, never to another client's notes."""
        return self.self_mode and bool(handle) and handle == self.default_client

    def asks_the_seven(self, adult: bool) -> bool:
        """Whether the seven checklist items are asked: always for a child; for an
        adult client as ``[checklist] adults`` says."""
        return not adult or self.checklist_adults == "ask"

    def as_dict(self) -> dict[str, Any]:
        return {
            "practitioner": {
                "name": self.practitioner,
                "registration": self.registration,
                "profession": self.profession,
                "techniques": list(self.techniques),
            },
            "session": {
                "duration_min": self.duration_min,
                "regulation_framework": self.regulation_framework,
                "late_entry_hours": self.late_entry_hours,
            },
            "hints": {"language": self.hints},
            "checklist": {
                "adults": self.checklist_adults,
                "extra": [{"item": e.item, "text": e.text} for e in self.extra_items],
            },
            "default_client": self.default_client,
            "self_mode": self.self_mode,
            "deidentify": {"names": list(self.deidentify_names)},
            "retention": {
                "adult_years": self.retention_adult_years,
                "child_until_age": self.retention_child_age,
            },
            "support": {"lines": list(self.support_lines)},
            "caseload": {
                "review_every_weeks": self.review_every_weeks,
                "report_lead_weeks": self.report_lead_weeks,
                "not_seen_weeks": self.not_seen_weeks,
            },
        }


def parse_config(data: dict[str, Any]) -> Config:
    """A Config from a parsed table; raises ValidationErrors naming each bad key."""
    from otjournal.errors import ValidationErrors

    errors: list[ValidationError] = []
    from otjournal.model.fields import Fields  # only with a config file: no parser otherwise

    f = Fields(data, "", errors)
    values: dict[str, Any] = {}
    p = f.table("practitioner")
    if p:
        values["practitioner"] = p.text("name").strip()
        values["registration"] = p.text("registration").strip()
        values["profession"] = p.text("profession").strip()
        if p.has("techniques"):
            values["techniques"] = p.name_list("techniques")
    s = f.table("session")
    if s:
        values["duration_min"] = s.integer("duration_min", 1, 600, default=45, unit="minutes")
        values["regulation_framework"] = s.choice(
            "regulation_framework", FRAMEWORKS, default="zones"
        )
        values["late_entry_hours"] = s.number("late_entry_hours", 0, 24 * 365, default=24)
    h = f.table("hints")
    if h:
        values["hints"] = h.boolean("language", default=True)
    c = f.table("checklist")
    if c:
        extra = []
        for item in c.tables("extra"):
            key = item.text("item", required=True)
            text = item.text("text", required=True)
            if key and not is_slug(key):
                item.error("item", "must be a short identifier such as sensory-diet")
            elif key in CHECKLIST_TEXT:
                item.error("item", "is one of the seven items, which are always asked")
            elif key and text:
                extra.append(ExtraItem(key, text))
        values["extra_items"] = tuple(extra)
        values["checklist_adults"] = c.choice("adults", CHECKLIST_ADULTS, default="skip")
    r = f.table("retention")
    if r:
        values["retention_adult_years"] = r.integer("adult_years", 1, 100, default=7)
        values["retention_child_age"] = r.integer("child_until_age", 18, 120, default=25)
    cl = f.table("caseload")
    if cl:
        values["review_every_weeks"] = cl.integer(
            "review_every_weeks", 1, 520, default=12, unit="weeks"
        )
        values["report_lead_weeks"] = cl.integer(
            "report_lead_weeks", 0, 52, default=4, unit="weeks"
        )
        values["not_seen_weeks"] = cl.integer("not_seen_weeks", 1, 520, default=4, unit="weeks")
    d = f.table("deidentify")
    if d:
        values["deidentify_names"] = d.text_list("names")
    sp = f.table("support")
    if sp and sp.has("lines"):
        values["support_lines"] = tuple(x.strip() for x in sp.text_list("lines") if x.strip())
    client = f.text("default_client")
    if client and handle_problem(client):
        f.error("default_client", handle_problem(client) or "")
    values["default_client"] = client
    values["self_mode"] = f.boolean("self_mode")
    if errors:
        raise ValidationErrors(errors)
    return Config(**values)


def load_config(path: Path) -> Config:
    """Read the config file; defaults when there is none."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return Config(path=path)
    except OSError as exc:
        raise InvalidFile([Problem(path, f"cannot read the config: {exc.strerror}")]) from None
    from otjournal.disk import tomlio  # only with a config file: no parser otherwise
    from otjournal.errors import ValidationErrors

    try:
        data = tomlio.parse(raw, path) if raw.strip() else {}
        config = parse_config(data)
    except ValidationErrors as exc:
        raise tomlio.located(exc, raw, path) from None
    except tomlio.ParseError as exc:
        raise InvalidFile([Problem(path, exc.message, exc.line, exc.column, exc.hint)]) from None
    return Config(**{**config.__dict__, "path": path})


def load_config_or_defaults(path: Path) -> Config:
    """For commands that only read the notes: a broken config must never stop them."""
    from otjournal.errors import OtjournalError

    try:
        return load_config(path)
    except OtjournalError:
        return Config(path=path)


def config_folder(path: Path) -> Path:
    """The folder of the config file, ready to be written into (fsio.private_folder)."""
    from otjournal.disk import fsio
    from otjournal.paths import platform_split

    base, parts = platform_split(path.parent)
    return fsio.private_folder(base, *parts)


def set_top_level(path: Path, values: dict[str, Any]) -> None:
    """Set top-level keys in the config file, keeping every comment and other line.

    The file is checked first (a malformed config is reported, not overwritten) and
    replaced atomically; it is created from the template if missing."""
    import re

    from otjournal.disk import fsio, tomlio

    load_config(path)  # refuse to touch a file that does not read
    try:
        raw = path.read_bytes()
        fingerprint = fsio.Fingerprint.of(raw, path.stat())
    except FileNotFoundError:
        raw, fingerprint = TEMPLATE.encode("utf-8"), None
    lines = raw.decode("utf-8").splitlines()
    first_table = next(
        (i for i, line in enumerate(lines) if line.lstrip().startswith("[")), len(lines)
    )
    for key, value in values.items():
        new = tomlio.dumps({key: value}).decode("utf-8").strip()
        real = re.compile(rf"^\s*{re.escape(key)}\s*=")
        commented = re.compile(rf"^\s*#\s*{re.escape(key)}\s*=")
        at = next((i for i in range(first_table) if real.match(lines[i])), None)
        if at is None:
            at = next((i for i in range(first_table) if commented.match(lines[i])), None)
        if at is None:
            lines.insert(first_table, new)
            first_table += 1
        else:
            lines[at] = new
    data = ("\n".join(lines) + "\n").encode("utf-8")
    parse_config(tomlio.parse(data, path))  # what is written must read back
    config_folder(path)
    if fingerprint is None:
        if fsio.create_named(path.parent, path.name, data) is None:
            raise InvalidFile(
                [
                    Problem(
                        path, "the config appeared while it was being written; nothing was changed"
                    )
                ]
            )
    else:
        fsio.replace_checked(path, data, fingerprint, 1024 * 1024)
