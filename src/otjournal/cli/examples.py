"""Two or three real examples at the end of each command's help, kept in one table.

``add_epilogs`` puts them on the commands after the modules register them (a command
module is not edited for its examples). Every line here is run by
tests/test_unix.py on the demo journal (``otj demo``; its clients mia-k, ava-l, noah-t,
sam-r), in order, one command's lines on one fresh copy; a line the test cannot run
(it waits for a person, or needs an id only a person has) is marked ``ASKS``."""

from __future__ import annotations

import re
from typing import Any, NamedTuple

ASKS = "asks"  # interactive, or needs something the demo journal does not have


class Example(NamedTuple):
    line: str
    says: str
    runs: str = ""  # "" (the test runs it) or ASKS


E = Example
EXAMPLES: dict[str, tuple[Example, ...]] = {
    "path": (E("otj path", "Where the notes are"),),
    "list": (
        E("otj list mia-k --since 30d", "One client's sessions of the last 30 days"),
        E("otj list -n 5 --json", "The five latest of everyone's, as JSON"),
    ),
    "show": (
        E("otj show 6es3k", "A session by the end of its id (from otj list)"),
        E("otj show 6es3k --format md -o -", "The printout as Markdown, on stdout"),
    ),
    "check": (E("otj check", "Read every file and list any problem"),),
    "demo": (
        E("otj demo --quiet", "A fictional journal in a new temp folder"),
        E("otj demo --seed 7 --sessions 200 -q", "A bigger one, the same every time"),
    ),
    "log": (
        E("otj log mia-k", "Guided prompts, every answer kept as a draft", ASKS),
        E(
            "otj log mia-k --no-input --attendee parent --by 'Jo OT' --setting home "
            "--summary 'Laces at the door'",
            "Unattended, from flags",
        ),
        E("otj log ava-l --cancelled --reason 'Unwell' --by 'Jo OT'", "A cancelled session"),
    ),
    "intake": (
        E("otj intake mia-k", "The intake by prompts", ASKS),
        E("otj intake mia-k --editor", "Written in $EDITOR", ASKS),
    ),
    "review": (
        E("otj review mia-k", "Rate every active goal, by prompts", ASKS),
        E(
            "otj review mia-k --no-input --by 'Jo OT' --attendee parent --setting clinic "
            "--goal g1:+1 --goal g2:0 --goal g3:not-rated",
            "Unattended, every goal given",
        ),
    ),
    "discharge": (
        E("otj discharge noah-t", "Close the episode, by prompts", ASKS),
        E("otj discharge noah-t --editor", "Written in $EDITOR", ASKS),
    ),
    "init": (
        E("otj init", "Set up the notes folder"),
        E("otj init --self --name 'Sam' --handle sam", "Your own journal, used by default"),
    ),
    "search": (
        E("otj search swing", "Every note that says swing (a whole word: not swings)"),
        E(
            "otj search '\"felt less loud\"' --client sam-r --since 8w",
            "A phrase, one client, the last eight weeks",
        ),
        E("otj search --technique CBT -l", "The files of the sessions that used CBT"),
    ),
    "due": (
        E("otj due", "What needs you today, most pressing first"),
        E("otj due --json", "The same for a script"),
    ),
    "trends": (
        E("otj trends mia-k", "One client's goals and measures"),
        E("otj trends --since 8w --json", "Everyone's last eight weeks, as JSON"),
    ),
    "report": (
        E("otj report mia-k -o mia-report.md", "A progress report into a new file"),
        E("otj report mia-k --format html --deidentify -o -", "De-identified HTML on stdout"),
    ),
    "export": (
        E("otj export --table sessions -o sessions.csv", "Every session, one row each"),
        E("otj export --table goals --client mia-k --format json -o -", "Goal ratings, JSON"),
    ),
    "amend": (
        E(
            "otj amend 6es3k --kind addition --text 'Mum phoned: laces done' --by 'Jo OT'",
            "Add to a session note (it is never rewritten)",
        ),
        E(
            "echo 'School: laces daily' | otj amend 6es3k --stdin --kind late-information "
            "--by 'Jo OT'",
            "The text from stdin",
        ),
    ),
    "sync": (
        E("otj init --git --remote git@host:notes.git", "Once: a git repository", ASKS),
        E("otj sync", "Commit, pull, push", ASKS),
    ),
    "doctor": (
        E("otj doctor", "Permissions, temp files, the cache: one screen"),
        E("otj doctor --fix", "Apply the safe fixes"),
    ),
    "client add": (
        E("otj client add leo-p --name 'Leo P.' --dob 2019-04-02", "A new child client"),
        E("otj client add kim-j --name 'Kim J.' --adult", "An adult client"),
    ),
    "client list": (
        E("otj client list", "Every active client"),
        E("otj client list --all --json", "Discharged ones too, as JSON"),
    ),
    "client show": (E("otj client show mia-k", "Profile and goals"),),
    "goal add": (
        E("otj goal add mia-k", "A goal by prompts", ASKS),
        E(
            "otj goal add mia-k --text 'Zips her coat' --baseline -1 --no-input",
            "Unattended: the words and the baseline",
        ),
    ),
    "goal edit": (
        E("otj goal edit mia-k g1 --weight 1 --by 'Jo OT'", "Change a goal's weight"),
        E("otj goal edit mia-k g2 --level '+2=uses the plan unprompted' --by 'Jo OT'", "A level"),
        E(
            "otj goal edit mia-k g3 --on 2024-09-02 --by 'Jo OT'",
            "The day it was set (earlier notes may then rate it)",
        ),
    ),
    "goal set": (
        E("otj goal set mia-k g3 --status achieved --by 'Jo OT'", "A goal reached"),
        E("otj goal set mia-k g2 --status on-hold --by 'Jo OT'", "Paused for now"),
    ),
    "goal copm": (
        E(
            "otj goal copm mia-k g1 --performance 8 --satisfaction 7 --by 'Jo OT'",
            "COPM scores for a goal",
        ),
    ),
    "goal list": (
        E("otj goal list mia-k", "The active goals"),
        E("otj goal list mia-k --all --json", "Every goal, as JSON"),
    ),
    "hierarchy add": (
        E("otj hierarchy add sam-r 'Ride the bus one stop' --suds 50", "A step"),
        E("otj hierarchy add sam-r 'Ride to town' --suds 80", "A harder one"),
    ),
    "hierarchy edit": (
        E("otj hierarchy add sam-r 'Ride the bus one stop' --suds 50", "A step"),
        E("otj hierarchy edit sam-r s1 --suds 40 --by 'Jo OT'", "Its SUDS, changed"),
    ),
    "hierarchy remove": (
        E("otj hierarchy add sam-r 'Ride the bus one stop' --suds 50", "A step"),
        E("otj hierarchy remove sam-r s1 --by 'Jo OT'", "Retired (kept in the file)"),
    ),
    "hierarchy list": (E("otj hierarchy list sam-r", "The steps, easiest first"),),
    "drafts": (
        E("otj drafts", "Unfinished notes"),
        E("otj drafts --json", "The same, as JSON"),
    ),
    "drafts discard": (E("otj drafts discard ID --yes", "Discard one (ID from otj drafts)", ASKS),),
    "drafts show": (E("otj drafts show ID", "A draft's answers so far (ID: otj drafts)", ASKS),),
    "config": (
        E("otj config", "The settings in force"),
        E("otj config edit", "Edit config.toml in $EDITOR", ASKS),
    ),
    "config edit": (E("otj config edit", "Edit config.toml in $EDITOR", ASKS),),
    "homework list": (
        E("otj homework list mia-k", "Homework assigned"),
        E("otj homework list --json", "Everyone's, as JSON"),
    ),
    "homework add": (
        E(
            "otj homework add sam-r --text 'Thought record after work' --kind thought-record "
            "--per-week 3",
            "Assign homework",
        ),
    ),
    "homework log": (
        E("otj homework log sam-r", "An entry by prompts", ASKS),
        E(
            "otj homework log sam-r --kind mood-check --mood 6 --sleep 7.5 --by Sam --no-input",
            "Unattended, from flags",
        ),
    ),
    "homework export": (
        E("otj homework export sam-r -o sam-homework.toml", "Entries to share, into a file"),
        E("otj homework export sam-r --since 30d -o -", "The last 30 days, on stdout"),
    ),
    "homework import": (
        E("otj homework export sam-r -o shared.toml", "A file to import"),
        E("otj homework import shared.toml", "Add its entries (never duplicated)"),
        E("otj homework export sam-r -o - | otj homework import -", "From stdin"),
    ),
    "homework summary": (
        E("otj homework summary sam-r", "What was done, week by week"),
        E("otj homework summary sam-r --since 8w --json", "The last eight weeks, as JSON"),
    ),
    "conflicts": (E("otj conflicts", "Sync conflict copies, side by side"),),
    "encrypt": (
        E("otj encrypt", "Every note as an age file (this device's key made if need be)"),
        E("otj encrypt --name 'clinic laptop'", "Again: it finishes an interrupted run"),
    ),
    "decrypt": (E("otj decrypt", "Every note back to plaintext, new ones too"),),
    "keys new": (E("otj keys new", "This device's key, made once; prints its public key"),),
    "keys show": (E("otj keys show", "The public key to add on another device", ASKS),),
    "keys list": (
        E("otj keys list", "The keys the journal opens with"),
        E("otj keys list --json", "The same, as JSON"),
    ),
    "keys add": (
        E("otj keys add age1… --name tablet", "Let another device open it", ASKS),
        E(
            "otj keys add \"$(cat backup.pub)\" --name 'backup key, kept offline'",
            "An offline backup key",
            ASKS,
        ),
    ),
    "keys trust": (E("otj keys trust age1…", "Agree to a key another device added", ASKS),),
    "keys remove": (
        E("otj keys remove age1…", "Take a key out; every note encrypted again", ASKS),
    ),
    "conflicts resolve": (
        E("otj conflicts resolve COPY --keep both", "Keep both (COPY from otj conflicts)", ASKS),
    ),
}


def epilog(command: str, width: int | None = None) -> str | None:
    """The examples as help text. A command line is never rewrapped by Click (which
    breaks at hyphens: ``on-`` ``hold``): it is broken here, between words, with the
    shell's ``\\``, to fit the help's width, so it still runs when copied."""
    examples = EXAMPLES.get(command)
    if not examples:
        return None
    if width is None:
        import shutil

        # Click's help width (at least 50, at most 80), less its epilog indent.
        width = max(min(shutil.get_terminal_size().columns, 80) - 2, 50) - 2
    paragraphs = ["Examples:"]
    for e in examples:
        paragraphs.append(f"{e.says}:")
        paragraphs.append("\b\n" + "\n".join(_broken(e.line, width)))
    return "\n\n".join(paragraphs)


_WORD = re.compile(r"""(?:[^\s'"]+|'[^']*'|"[^"]*")+""")


def _units(line: str) -> list[str]:
    """The words of ``line``, an option kept with its value (``--by 'Jo OT'``) and a
    pipe with what comes before it."""
    units: list[str] = []
    for word in _WORD.findall(line):
        last = units[-1] if units else ""
        if word == "|" or (last.startswith("-") and " " not in last and word[0] != "-"):
            units[-1] += f" {word}"
        else:
            units.append(word)
    return units


def _broken(line: str, width: int) -> list[str]:
    """``line``'s words in lines of at most ``width`` (a word longer stays whole), each
    but the last ending in `` \\``, the ones after the first indented; a line that
    ends a pipe's first half is broken there if the second half does not fit."""
    units = _units(line)
    lines: list[str] = []
    current = ""
    for i, word in enumerate(units):
        room = width - (4 if lines else 2) - 2  # the indent, and " \\" at the end
        rest = " ".join(units[i:])
        if current and (
            len(current) + 1 + len(word) > room
            or (current.endswith("|") and len(current) + 1 + len(rest) > room)
        ):
            lines.append(current)
            current = word
        else:
            current = f"{current} {word}" if current else word
    lines.append(current)
    return [
        ("    " if i else "  ") + text + (" \\" if i < len(lines) - 1 else "")
        for i, text in enumerate(lines)
    ]


def add_epilogs(app: Any, path: str = "") -> None:
    """Each registered command (and group) of a Typer app gets its examples, broken to
    the width of this run (the groups' Typer apps are module-level, built once per test
    session but help is printed at many widths, so this replaces, never only fills)."""
    for info in app.registered_commands:
        own = info.name or info.callback.__name__.replace("_", "-")
        name = f"{path} {own}".strip()
        if name in EXAMPLES:
            info.epilog = epilog(name)
    for group in app.registered_groups:
        name = f"{path} {group.name}".strip()
        if name in EXAMPLES:
            group.epilog = epilog(name)
        add_epilogs(group.typer_instance, name)
