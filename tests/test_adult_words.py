"""Adult or child: the decision (profile field, else the date of birth, else a child), the
words chosen from it, the checklist left out for adults by config, and a child's words
kept exactly as they were."""

from __future__ import annotations

import json
import tomllib
from datetime import date
from pathlib import Path

import pytest

from otjournal.cli import app
from otjournal.config import Config, ExtraItem, parse_config
from otjournal.errors import ValidationErrors
from otjournal.forms.session import items_for
from otjournal.model import Client
from otjournal.model.vocab import CHECKLIST
from otjournal.model.words import CHILD, CLIENT, YOU, words_for
from otjournal.sync.clientmerge import join
from tests.conftest import CLOCK, make_client

# -- the decision -----------------------------------------------------------------------


def test_adult_from_the_18th_birthday():
    c = make_client(date_of_birth=date(2008, 3, 7))
    assert not c.is_adult(date(2026, 3, 6))  # the day before: 17
    assert c.is_adult(date(2026, 3, 7))  # the birthday itself: 18
    leap = make_client(date_of_birth=date(2008, 2, 29))
    assert not leap.is_adult(date(2026, 2, 28))
    assert leap.is_adult(date(2026, 3, 1))


def test_the_profile_field_wins_over_the_date_of_birth():
    day = date(2026, 3, 7)
    assert not make_client(date_of_birth=date(1990, 1, 1), age_group="child").is_adult(day)
    assert make_client(date_of_birth=date(2019, 1, 1), age_group="adult").is_adult(day)
    assert make_client(age_group="adult").is_adult(day)


def test_no_date_of_birth_is_a_child():
    assert not make_client().is_adult(date(2026, 3, 7))
    assert words_for(make_client(), date(2026, 3, 7)) is CHILD
    assert words_for(None, date(2026, 3, 7)) is CHILD


def test_words_for_each_client():
    day = date(2026, 3, 7)
    adult = make_client(age_group="adult")
    assert words_for(adult, day) is CLIENT
    assert words_for(adult, day, self_mode=True) is YOU
    assert CHILD.attendees == ("child", "parent") and CLIENT.attendees == ("client",)
    for words in (CLIENT, YOU):
        text = " ".join(str(v) for v in vars(words).values())
        assert "child" not in text.lower(), words


def test_age_group_reads_writes_and_is_checked():
    data = make_client(age_group="adult").to_dict()
    assert data["age_group"] == "adult"
    assert Client.from_dict(data).age_group == "adult"
    assert "age_group" not in make_client().to_dict()  # not set: not written
    with pytest.raises(ValidationErrors) as caught:
        Client.from_dict({**data, "age_group": "teen"})
    assert "age_group" in str(caught.value)


def test_sync_joins_an_age_group_set_on_one_side():
    base = make_client()
    ours, theirs = make_client(age_group="adult"), make_client()
    assert join(ours, theirs, base).age_group == "adult"
    assert join(theirs, ours, base).age_group == "adult"


# -- the checklist for adults -------------------------------------------------------------


def test_checklist_adults_setting():
    assert Config().checklist_adults == "skip"
    assert parse_config({"checklist": {"adults": "ask"}}).checklist_adults == "ask"
    with pytest.raises(ValidationErrors):
        parse_config({"checklist": {"adults": "sometimes"}})
    own = ExtraItem("sensory-diet", "The sensory diet was reviewed")
    adult, child, day = make_client(age_group="adult"), make_client(), date(2026, 3, 7)
    assert items_for(Config(), child, day) == list(CHECKLIST)
    assert items_for(Config(), adult, day) == []
    assert items_for(Config(extra_items=(own,)), adult, day) == [(own.item, own.text)]
    assert items_for(Config(checklist_adults="ask"), adult, day) == list(CHECKLIST)


# -- through the commands -------------------------------------------------------------------


def flow(runner, handle: str, stdin: str):
    result = runner.invoke(app, ["log", handle], input=stdin)
    assert result.exit_code == 0, (result.output, result.exception)
    return result


@pytest.fixture
def practitioner(tmp_path) -> None:
    import os

    config = Path(os.environ["XDG_CONFIG_HOME"]) / "otjournal" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text('[practitioner]\nname = "Alex Rivera"\n', encoding="utf-8")


# when (3), where (2), who, one activity (name, minutes, tags, response, end), techniques
# (Enter: none), voice,
# caregiver (2) or none, regulation skipped, then the rest.
CHILD_FLOW = "\n\n\n\n\n\nTrains\n10\nc\nsmiled\n\n\nSaid 'go'\n\n\n\n\ns\nDone\n\n\n\n\ny\n"
ADULT_FLOW = "\n\n\n\n\n\nWalk\n10\nc\ncalm\n\n\nEasier\n\n\nDone\n\n\n\n\ny\n"


def test_a_childs_words_are_unchanged(runner, journal, clock, practitioner):
    journal.add_client(make_client(goals=()))
    result = flow(runner, "mia-k", CHILD_FLOW)
    for words in (
        "The child's voice",
        "  The child's response",
        "c child-led",
        "[child, parent]",
        "Affirming checklist",
    ):
        assert words in result.stderr, words
    (path,) = (journal.root / "clients" / "mia-k" / "sessions").glob("*.toml")
    s = tomllib.loads(path.read_text("utf-8"))
    assert s["attendees"] == ["child", "parent"]
    assert (s["activities"][0]["response"], s["child_voice"]["text"]) == ("smiled", "Said 'go'")
    shown = runner.invoke(app, ["show", path.stem]).stdout
    assert "Child's voice" in shown and "child-led" in shown
    trends = runner.invoke(app, ["trends", "mia-k"], env={"COLUMNS": "200"}).stdout
    assert "Child-led or interest-based 100%" in trends
    assert "plans that follow the child" in trends
    report = runner.invoke(app, ["report", "mia-k"]).stdout
    assert "100% child-led or built on the participant's interests" in report


def test_an_adult_by_the_profile_in_the_commands(runner, journal, clock, practitioner):
    added = runner.invoke(app, ["client", "add", "sam", "--name", "Sam T.", "--adult"])
    assert added.exit_code == 0, added.output
    result = flow(runner, "sam", ADULT_FLOW)
    assert "child" not in result.stderr.lower()
    assert "[client]" in result.stderr and "The client's voice" in result.stderr
    assert "No family member or carer attended: skipped." in result.stderr
    assert "Family or carer ─" in result.stderr and "Caregiver ─" not in result.stderr
    (path,) = (journal.root / "clients" / "sam" / "sessions").glob("*.toml")
    s = tomllib.loads(path.read_text("utf-8"))
    assert s["attendees"] == ["client"] and "checklist" not in s
    assert (s["activities"][0]["response"], s["child_voice"]["text"]) == ("calm", "Easier")
    shown = runner.invoke(app, ["client", "show", "sam"]).stdout
    assert "age group: adult (set on the profile)" in shown
    listed = json.loads(runner.invoke(app, ["client", "list", "--json"]).stdout)["clients"]
    assert [(c["handle"], c["age_group"]) for c in listed] == [("sam", "adult")]
    # The report: an adult with no family in the notes has their perspective alone.
    report = runner.invoke(app, ["report", "sam", "--since", "2026-01-01"]).stdout
    assert "## The participant's perspective" in report and "family" not in report, report


def test_client_add_child_overrides_an_adult_date_of_birth(runner, notes, clock):
    args = ["client", "add", "jo", "--name", "Jo", "--dob", "1990-01-01", "--child"]
    assert runner.invoke(app, args).exit_code == 0
    data = tomllib.loads((notes / "clients" / "jo" / "client.toml").read_text("utf-8"))
    assert data["age_group"] == "child"
    shown = json.loads(runner.invoke(app, ["client", "show", "jo", "--json"]).stdout)
    assert shown["age_group"] == "child"
    assert not Client.from_dict(data).is_adult(CLOCK.date())


def test_the_editor_form_for_an_adult_says_client():
    from otjournal.forms.session_form import editor_form

    note = {"client": "sam", "activities": [{"name": "Walk"}]}
    adult = make_client("sam", age_group="adult")
    form = editor_form(note, adult, items_for(Config(), adult, CLOCK.date()), CLIENT)
    # The keys child_voice and child_led are the file format; no other word says child.
    words = form.replace("[child_voice]", "").replace("child_led =", "")
    assert "child" not in words.lower(), form
    assert "what the client said" in form and "[[checklist]]" not in form
    child = editor_form(note, make_client(), list(CHECKLIST))
    assert "[child_voice]  # what the child said or showed, in any mode" in child
    assert child.count("[[checklist]]") == len(CHECKLIST) == 7


def test_the_review_and_discharge_forms_offer_an_adult_no_child(clock):
    """As the session form does: an adult's attendee roles leave out "child"."""
    from otjournal.forms import discharge, review

    adult = make_client("sam", age_group="adult", goals=())
    for form in (review.editor_form({}, adult, {}), discharge.editor_form({}, adult)):
        [line] = [ln for ln in form.splitlines() if ln.startswith("attendees")]
        assert "client" in line and "child" not in line, line
    child = review.editor_form({}, make_client(goals=()), {})
    assert "child" in next(ln for ln in child.splitlines() if ln.startswith("attendees"))


def test_no_input_saves_an_adults_note_without_a_checklist(runner, journal, clock):
    journal.add_client(make_client("sam", display_name="Sam T.", goals=(), age_group="adult"))
    args = ["log", "sam", "--no-input", "--by", "Alex", "--setting", "clinic"]
    result = runner.invoke(app, [*args, "--attendee", "client", "--summary", "Step one"])
    assert result.exit_code == 0, result.output
    (path,) = (journal.root / "clients" / "sam" / "sessions").glob("*.toml")
    assert "checklist" not in tomllib.loads(path.read_text("utf-8"))
