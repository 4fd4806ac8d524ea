"""The names of a notes folder's parts (docs/format.md): plain constants, importable by
anything at no cost (prefetch.py runs them before the command has loaded)."""

ENV_DIR = "OTJOURNAL_DIR"  # paths.ENV_DIR, for the prefetch child (no pathlib loaded)
CLIENTS = "clients"
CLIENT_FILE = "client.toml"
CLIENT_AGE = "client.toml.age"
SESSIONS = "sessions"
HOMEWORK = "homework"
FOLDERS = {"session": SESSIONS, "homework": HOMEWORK}
RECORD_KINDS = ("session", "homework")
# Inside the notes folder: there, the journal is encrypted (disk/keys.py).
RECIPIENTS = (".otjournal", "recipients.txt")
