"""``otj log`` in an encrypted journal through a real pseudo-terminal: the guided prompts,
Ctrl-C (the draft is kept, encrypted), ``--resume`` and the note saved as an age file;
at no moment does the text typed reach the disk in plaintext."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from otjournal.cli import app
from otjournal.disk import agefile, keys
from tests.terminal import Pty
from tests.test_log_pty import AFTER_VOICE_TO_SAVE, ALL_DEFAULTS_TO_VOICE

pytestmark = pytest.mark.pty

TYPED = "Ocelot pinwheel"  # in the note only


@pytest.fixture
def env(runner) -> dict[str, str]:
    for args in (
        ["init", "--encrypt"],
        ["client", "add", "mia-k", "--name", "Mia K."],
        # Set before the session (not "today": a session logged just after midnight
        # began the day before, and rates only the goals set by then).
        ["goal", "add", "mia-k", "--text", "Laces shoes", "--baseline", "-2", "--on", "2026-01-05"],
    ):
        result = runner.invoke(app, args)
        assert result.exit_code == 0, result.output
    config = Path(os.environ["XDG_CONFIG_HOME"]) / "otjournal" / "config.toml"
    config.write_text('[practitioner]\nname = "Alex Rivera"\n', encoding="utf-8")
    return {**os.environ, "TERM": "dumb", "NO_COLOR": "1", "COLUMNS": "200", "TZ": "UTC"}


def _plaintext_on_disk(root: Path) -> list[str]:
    found = []
    for dirpath, _, names in os.walk(root):
        for name in names:
            path = Path(dirpath, name)
            if TYPED.encode() in path.read_bytes() or TYPED.lower().encode() in path.read_bytes():
                found.append(str(path))
    return found


def test_a_note_typed_stopped_and_resumed_never_reaches_the_disk_in_plaintext(
    env, notes: Path, tmp_path: Path
):
    otj = Pty("log", "mia-k", env=env)
    otj.run([*ALL_DEFAULTS_TO_VOICE, ("In their words", TYPED), ("  … ", "")])
    otj.expect("Caregiver's report")
    otj.interrupt("Continue with: otj log --resume")
    assert otj.wait() == 130, otj.output

    drafts = Path(os.environ["XDG_STATE_HOME"]) / "otjournal" / "drafts"
    (draft,) = [p for p in drafts.iterdir() if not p.name.startswith(".")]
    assert draft.name.endswith(".toml.age")
    assert _plaintext_on_disk(tmp_path) == []

    resumed = Pty("log", "--resume", env=env)
    resumed.expect("Resuming at")
    resumed.run(AFTER_VOICE_TO_SAVE)
    resumed.expect("Saved ")
    assert resumed.wait() == 0, resumed.output

    (saved,) = (notes / "clients" / "mia-k" / "sessions").iterdir()
    assert saved.name.endswith(".toml.age")
    assert TYPED.encode() in agefile.decrypt(saved.read_bytes(), keys.identities(True), saved)
    assert [p for p in drafts.iterdir() if not p.name.startswith(".")] == []
    assert _plaintext_on_disk(tmp_path) == []
