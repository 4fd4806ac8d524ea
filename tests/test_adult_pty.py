"""An adult client end to end: Sam, 36, doing graded exposure work. ``otj log`` through a
real pseudo-terminal, then ``show``, ``trends`` and ``report``: none of the tool's own
words says "child" (what was typed is Sam's and the practitioner's, and says no such
thing either), and who attended defaults to the client alone. The checklist is left out
for an adult by default ([checklist] adults = "skip"), so no checklist item's words appear.

The pty child runs on the real clock, so the dates count from the real today."""

from __future__ import annotations

import html
import os
import tomllib
from datetime import date, timedelta
from pathlib import Path

import pytest

from otjournal.cli import app
from otjournal.model import Client
from otjournal.model.vocab import CHECKLIST

pytestmark = pytest.mark.pty

TODAY = date.today()
SESSION_DAY = TODAY - timedelta(days=2)
SET_ON = str(TODAY - timedelta(days=30))


def born_years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


@pytest.fixture
def env(runner) -> dict[str, str]:
    dob = born_years_before(TODAY - timedelta(days=40), 36)  # 36 on every day used here
    for args in (
        ["client", "add", "sam", "--name", "Sam T.", "--dob", str(dob)],
        # Set before the session's day, so the session rates it.
        ["goal", "add", "sam", "--text", "Walks the block", "--baseline", "-1", "--on", SET_ON],
    ):
        result = runner.invoke(app, args)
        assert result.exit_code == 0, result.output
    config = Path(os.environ["XDG_CONFIG_HOME"]) / "otjournal" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text('[practitioner]\nname = "Alex Rivera"\n', encoding="utf-8")
    return {**os.environ, "TERM": "dumb", "NO_COLOR": "1", "COLUMNS": "200", "TZ": "UTC"}


# What the practitioner typed: their words, which the checks below leave out.
TYPED = [
    ("Minutes", "50"),
    ("Date", str(SESSION_DAY)),
    ("Start time", "10:00"),
    ("Setting (", ""),
    ("Kind of session", ""),
    ("other) [client]: ", ""),  # the client alone (the question wraps at its words)
    ("  GAS: ", "0"),
    ("Evidence", "walked to the corner"),
    ("Activity (", "Exposure walk"),
    ("Minutes", "20"),
    ("Tags (c i m a)", "ci"),
    ("  The client's response", "calmer than expected"),
    ("Another activity (", ""),
    ("Techniques (", "4"),  # graded exposure, from the practitioner's list
    ("In their words", "Easier than I thought"),
    ("  … ", ""),
    ("At the start", ""),
    ("Closing summary", "First step of the walk done"),
    ("  … ", ""),
    ("Next session's focus", "The next step"),
    ("Homework to assign", ""),
    ("Risk (", "n"),
    ("Save?", ""),
]


def without_child(text: str) -> None:
    """No "child" anywhere in ``text`` (none of the typed answers has it either)."""
    assert not any("child" in answer.lower() for _, answer in TYPED)
    at = text.lower().find("child")
    assert at < 0, text[max(0, at - 200) : at + 200]


def test_an_adult_client_end_to_end(env, notes, runner):
    from tests.terminal import Pty

    otj = Pty("log", "sam", env=env)
    otj.run(TYPED)
    otj.expect("Saved ")
    shown = otj.finish()
    without_child(shown)
    assert "Client's voice" in shown or "The client's voice" in shown
    assert "Affirming checklist" not in shown  # skipped for an adult, by default
    (path,) = (notes / "clients" / "sam" / "sessions").glob("*.toml")
    s = tomllib.loads(path.read_text("utf-8"))
    assert s["attendees"] == ["client"] and s["techniques"] == ["graded exposure"]
    assert s["activities"][0]["child_led"] is True  # the stored key is the format's
    assert "checklist" not in s

    show = runner.invoke(app, ["show", path.stem])
    assert show.exit_code == 0, show.output
    without_child(show.stdout)
    assert "Client's voice" in show.stdout and "client-led" in show.stdout

    since = str(SESSION_DAY - timedelta(days=1))
    trends = runner.invoke(app, ["trends", "sam", "--since", since], env={"COLUMNS": "100"})
    assert trends.exit_code == 0, trends.output
    without_child(trends.stdout)
    assert "Client-led or interest-based 100%" in trends.stdout
    assert "plans that follow the client" in trends.stdout
    assert "Not recorded in this period." in trends.stdout

    for fmt in ("md", "html"):
        report = runner.invoke(app, ["report", "sam", "--from", since, "--format", fmt])
        assert report.exit_code == 0, report.output
        without_child(report.stdout)
        assert "100% client-led" in report.stdout
        items = [text for _, text in CHECKLIST]
        assert items and not any(text in report.stdout for text in items)

    for fmt in ("text", "md", "html"):  # the printout
        printed = runner.invoke(app, ["show", path.stem, "--format", fmt])
        assert printed.exit_code == 0, printed.output
        without_child(printed.stdout)
        assert "Client's voice" in html.unescape(printed.stdout)

    client = Client.from_dict(
        tomllib.loads((notes / "clients" / "sam" / "client.toml").read_text("utf-8"))
    )
    assert client.is_adult(TODAY) and client.age_group == ""  # from the date of birth


def test_a_discharge_at_the_prompts_keeps_the_client_as_who_attended(env, notes):
    """Enter at "Who attended" keeps the client, as ``log`` does ("-" says nobody, in
    so many words): a discharge met in person is not counted as non-face-to-face."""
    from tests.terminal import Pty

    otj = Pty("discharge", "sam", env=env)
    otj.run(
        [
            ("Minutes", "30"),
            ("Date", str(SESSION_DAY)),
            ("Start time", "10:00"),
            ("Setting (", ""),
        ]
    )
    otj.answer("for nobody (not face to face): client,", "")  # [client]
    otj.run(
        [
            ("Reason (", "goals-met"),
            ("About the reason", ""),
            ("  Final status (", ""),
            ("  Progress summary", ""),
            ("Recommendations", ""),
            ("Maintenance / relapse-prevention plan", ""),
            ("Who was told", ""),
        ]
    )
    otj.answer("Save?", "y")
    otj.expect("Saved ")
    assert otj.wait() == 0, otj.output
    (path,) = (notes / "clients" / "sam" / "sessions").glob("*.toml")
    assert tomllib.loads(path.read_text("utf-8"))["attendees"] == ["client"]
