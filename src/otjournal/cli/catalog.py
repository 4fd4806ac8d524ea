"""What ``otj --help`` lists, declared so that the overall help needs no command module and
no Typer (their imports were most of its time, issue 19): each command's name, the module
that registers it, and the first sentence of its help (all of it Click ever shows there).

tests/test_startup.py checks every row against what the modules register (names, order
and words) and the help printed from here against Typer's own at every width."""

ROOT_HELP = "otjournal: a session journal for therapy, kept as plain TOML files."
VERSION_HELP = "Print the version and exit."
SHOW_COMPLETION_HELP = (
    "Print the completion script for bash, zsh, fish or powershell (default: the shell in use)."
)
INSTALL_COMPLETION_HELP = "Install completion for that shell (default: the shell in use)."
HELP_HELP = "Show this message and exit."  # Click's own words for -h/--help

# The root's options as Click lists them (cli.root declares them with these helps).
OPTIONS = (
    ("-V, --version", VERSION_HELP),
    ("--show-completion [SHELL]", SHOW_COMPLETION_HELP),
    ("--install-completion [SHELL]", INSTALL_COMPLETION_HELP),
    ("-h, --help", HELP_HELP),
)


# (name, module, help): the command's name; the cli module whose register() adds it
# (`otj NAME` imports only that: cli.WHERE); the first sentence of its help
# (``first_sentence``). In the order --help lists them: Typer puts the commands first, in
# the order cli.MODULES registers them, then the groups. (Plain tuples: a NamedTuple
# would import typing, a fifth of the start-up of `otj --help`.)
COMMANDS = (
    (
        "path",
        "journal_cmds",
        "Print the notes folder (it is created by the first write, never by a read).",
    ),
    (
        "list",
        "journal_cmds",
        "List sessions, oldest first (filter by client and dates; -n for the latest N).",
    ),
    (
        "show",
        "journal_cmds",
        "Show one session note in full, amendments after the note (--format for a printout).",
    ),
    ("check", "journal_cmds", "Read and validate every file."),
    (
        "demo",
        "journal_cmds",
        "Write a realistic, fictional demo journal into a new folder, then show it.",
    ),
    (
        "log",
        "log_cmd",
        "Write a session note: guided prompts by default, or flags, --from, --editor.",
    ),
    (
        "intake",
        "intake_cmd",
        "Write an intake: the start of an episode of care, as an initial session note.",
    ),
    (
        "review",
        "review_cmds",
        'Rate every active goal at one sitting: the GAS follow-up score (or "not rated '
        'today", said on purpose), evidence, and COPM at T2 where a goal has a COPM problem.',
    ),
    (
        "discharge",
        "review_cmds",
        "Close the client's episode of care: why it ends, each goal's final status and "
        "progress (prefilled from the ratings, editable), recommendations, the maintenance "
        "plan, who was told.",
    ),
    (
        "init",
        "init_cmd",
        "Set up the notes folder (and, with --self, your own journal and config).",
    ),
    (
        "trends",
        "trends_cmd",
        "Goals (each against its recorded baseline; reviews' T-scores on the same goals; "
        "session ratings as the interim path), the affirming checklist, regulation, "
        "activities, homework and hours over time.",
    ),
    (
        "report",
        "report_cmd",
        "A progress report from the notes, in the order a plan reviewer reads; the parts only"
        " you can write are left as marked blanks.",
    ),
    (
        "export",
        "report_cmd",
        "Flat tables for a spreadsheet, pandas or R: one row per session (or per goal rating,"
        " checklist answer, homework entry, goal, goal rated at a review, assessment score, "
        "homework assigned against its plan, or client's supports).",
    ),
    ("amend", "record_cmds", "Append a dated, attributed amendment."),
    (
        "sync",
        "care_cmds",
        "Commit new and changed notes, pull with rebase, push, and say what came and went.",
    ),
    (
        "doctor",
        "care_cmds",
        "One screen on the notes folder: permissions, leftover temp files, drafts waiting, "
        "conflicts and the config, each with its fix.",
    ),
    (
        "due",
        "due_cmd",
        "What needs you: reviews and progress reports due, active clients not seen for a "
        "while, drafts waiting, sync conflicts, retention periods ended.",
    ),
    (
        "search",
        "search_cmd",
        "Find words in notes, homework entries and amendments, newest first.",
    ),
    (
        "encrypt",
        "crypt_cmds",
        "Encrypt the journal: every note becomes an age file that only the journal's keys "
        "open (this device's key is made if there is none).",
    ),
    (
        "decrypt",
        "crypt_cmds",
        "Turn an encrypted journal back into plaintext notes (grep reads them again), and "
        "stop encrypting new ones.",
    ),
    ("client", "clients", "Add, list and show clients."),
    ("goal", "goal_cmds", "Add, edit, list a client's goals; set their status; score COPM."),
    (
        "hierarchy",
        "exposure_cmds",
        "A client's graded-exposure hierarchy: add, edit, list, remove steps.",
    ),
    ("drafts", "drafts_cmd", "List, show and discard unfinished notes."),
    ("config", "config_cmd", "Show or edit the settings (config.toml)."),
    ("homework", "homework_cmd", "The client's homework journal: assigned, logged, shared."),
    (
        "conflicts",
        "conflicts_cmds",
        "Sync conflict copies: compare and resolve (nothing is deleted).",
    ),
    (
        "keys",
        "crypt_cmds",
        "This device's key, and the keys an encrypted journal opens with: new, show, list, "
        "add, remove, trust.",
    ),
)


def first_sentence(help_text: str) -> str:
    """The words of a help's first paragraph up to the first one ending a sentence: Click
    shortens a command's help for a listing from these alone (``make_default_short_help``
    stops at the first word ending in a full stop)."""
    words = help_text.split("\n\n", 1)[0].split()
    if words[:1] == ["\b"]:  # Click's "do not rewrap" marker
        words = words[1:]
    for i, word in enumerate(words):
        if word.endswith("."):
            return " ".join(words[: i + 1])
    return " ".join(words)
