"""The episode of care's records in the model: goals with a life (baseline, dated changes,
ids unique across devices), intake and discharge tables, review COPM, episodes."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from otjournal.errors import ValidationErrors
from otjournal.model import Client, Goal, Session
from otjournal.model.client import AmbiguousGoal
from otjournal.numbers.episodes import discharged, episode_goals, episodes

TZ = timezone(timedelta(hours=10))
AT = datetime(2026, 8, 1, 10, 0, tzinfo=TZ)


def goal(gid: str = "g1-k3x", **kw) -> Goal:
    base = {"text": "Laces shoes before kinder", "set_on": date(2026, 5, 22)}
    return Goal(id=gid, **{**base, **kw})


def client(*goals: Goal) -> Client:
    return Client(handle="mia-k", display_name="Mia K.", goals=goals)


def session_table(start: str, kind: str = "therapy", **extra) -> dict:
    return {
        "format_version": 1,
        "kind": "session",
        "id": f"{start[:10]}_0930_t7hcm",
        "client": "mia-k",
        "start": datetime.fromisoformat(start + "T09:30:00+10:00"),
        "duration_min": 45,
        "session_type": kind,
        "written_by": "Alex Rivera (OT)",
        "written_at": datetime.fromisoformat(start + "T11:00:00+10:00"),
        **extra,
    }


def test_an_edit_keeps_the_old_wording_dated_and_attributed():
    g = goal(levels={-2: "hand-over-hand"})
    edited = g.changed(AT, "Alex", text="Laces both shoes", levels={-2: "needs help", 0: "card"})
    assert edited.text == "Laces both shoes"
    (change,) = edited.changes
    assert (change.at, change.by, change.status) == (AT, "Alex", "")
    assert change.previous == {
        "text": "Laces shoes before kinder",
        "levels": {"-2": "hand-over-hand"},
    }
    again = Client.from_dict(client(edited).to_dict()).goals[0]
    assert again == edited
    assert again.changes[0].previous["text"] == "Laces shoes before kinder"


def test_a_status_change_is_dated_with_its_reason_and_the_old_status():
    g = goal().changed(AT, "Alex", status="on-hold", on=date(2026, 7, 30), reason="travelling")
    assert g.status == "on-hold"
    assert g.status_on == date(2026, 7, 30)
    (change,) = g.changes
    assert (change.status, change.on, change.reason) == ("on-hold", date(2026, 7, 30), "travelling")
    assert change.previous == {"status": "active"}
    assert goal().status_on == date(2026, 5, 22)  # never changed: the day it was set


def test_an_edit_that_changes_nothing_adds_no_change():
    g = goal()
    assert g.changed(AT, "Alex", text=g.text) is g


def test_a_baseline_needs_its_day():
    data = client(goal()).to_dict()
    data["goals"][0]["baseline"] = -2
    with pytest.raises(ValidationErrors) as exc:
        Client.from_dict(data)
    assert "goals[0].baseline_on" in str(exc.value)
    data["goals"][0]["baseline_on"] = date(2026, 5, 22)
    g = Client.from_dict(data).goals[0]
    assert (g.baseline, g.baseline_on) == (-2, date(2026, 5, 22))


def test_a_change_names_only_a_goals_fields():
    data = client(goal().changed(AT, "Alex", text="New")).to_dict()
    data["goals"][0]["changes"][0]["previous"]["colour"] = "red"
    with pytest.raises(ValidationErrors) as exc:
        Client.from_dict(data)
    assert "goals[0].changes[0].previous.colour" in str(exc.value)


def test_two_devices_adding_a_goal_at_once_make_two_ids():
    start = client(goal("g1"), goal("g2-abc"), goal("g3-def"))
    a = start.next_goal_id(suffix="k7q")
    b = start.next_goal_id(suffix="m2w")
    assert (a, b) == ("g4-k7q", "g4-m2w")
    drawn = {start.next_goal_id() for _ in range(50)}
    assert len(drawn) > 40 and all(i.startswith("g4-") for i in drawn)


def test_the_short_name_finds_a_goal_unless_two_share_it():
    c = client(goal("g1"), goal("g2-abc"))
    assert c.find_goal("g2").id == "g2-abc"
    assert c.find_goal("g1").id == "g1"
    assert c.find_goal("g2-abc").id == "g2-abc"
    assert c.find_goal("g9") is None
    both = client(goal("g2-abc"), goal("g2-xyz"))
    with pytest.raises(AmbiguousGoal) as exc:
        both.find_goal("g2")
    assert exc.value.ids == ("g2-abc", "g2-xyz")
    assert both.find_goal("g2-xyz").id == "g2-xyz"


def test_legacy_closed_status_still_reads():
    data = client(goal()).to_dict()
    data["goals"][0]["status"] = "closed"
    assert Client.from_dict(data).goals[0].status == "closed"


def test_intake_and_discharge_tables_belong_on_their_kind_of_session():
    intake = {"referral_reason": "Dressing", "goals": ["g1-k3x"]}
    s = Session.from_dict(session_table("2026-05-22", "initial", intake=intake))
    assert s.intake is not None and s.intake.goals == ("g1-k3x",)
    assert Session.from_dict(s.to_dict()) == s
    with pytest.raises(ValidationErrors, match="intake"):
        Session.from_dict(session_table("2026-05-22", "therapy", intake=intake))
    with pytest.raises(ValidationErrors, match="discharge"):
        Session.from_dict(session_table("2026-11-27", "discharge"))
    with pytest.raises(ValidationErrors, match="discharge"):
        Session.from_dict(session_table("2026-11-27", "therapy", discharge={"reason": "moved"}))


def test_assessment_scores_are_numbers_only():
    intake = {"assessments": [{"name": "SP2", "on": date(2026, 5, 22), "scores": {"a": 52}}]}
    s = Session.from_dict(session_table("2026-05-22", "initial", intake=intake))
    assert s.intake.assessments[0].scores == {"a": 52}
    intake["assessments"][0]["scores"]["b"] = "high"
    with pytest.raises(ValidationErrors) as exc:
        Session.from_dict(session_table("2026-05-22", "initial", intake=intake))
    assert "intake.assessments[0].scores.b" in str(exc.value)
    assert "high" not in str(exc.value)


def test_discharge_reason_and_goal_statuses_are_checked():
    bad = {"reason": "bored", "goals": [{"goal": "g1", "status": "done"}]}
    with pytest.raises(ValidationErrors) as exc:
        Session.from_dict(session_table("2026-11-27", "discharge", discharge=bad))
    text = str(exc.value)
    assert "discharge.reason" in text and "discharge.goals[0].status" in text


def test_copm_at_t2_belongs_in_a_review():
    rating = {"goal": "g1", "gas": 1, "copm_performance": 7, "copm_satisfaction": 8}
    s = Session.from_dict(session_table("2026-09-01", "review", goals=[rating]))
    assert (s.goals[0].copm_performance, s.goals[0].copm_satisfaction) == (7, 8)
    with pytest.raises(ValidationErrors, match="review"):
        Session.from_dict(session_table("2026-09-01", "therapy", goals=[rating]))


def _sessions(*kinds: tuple[str, str]) -> list[Session]:
    out = []
    for day, kind in kinds:
        extra = {}
        if kind == "initial":
            extra["intake"] = {"goals": ["g1"]}
        if kind == "discharge":
            extra["discharge"] = {"reason": "goals-met"}
        out.append(Session.from_dict(session_table(day, kind, **extra)))
    return out


def test_episodes_run_from_an_intake_to_a_discharge():
    notes = _sessions(
        ("2025-01-10", "therapy"),
        ("2025-02-01", "discharge"),
        ("2026-03-01", "initial"),
        ("2026-04-01", "therapy"),
        ("2026-06-01", "discharge"),
        ("2026-09-01", "initial"),
    )
    eps = episodes(reversed(notes))  # any order in
    assert [(e.start, e.end) for e in eps] == [
        (None, date(2025, 2, 1)),
        (date(2026, 3, 1), date(2026, 6, 1)),
        (date(2026, 9, 1), None),
    ]
    assert eps[-1].is_open and not eps[1].is_open
    assert discharged(notes) is None
    assert discharged(notes[:5]).start.date() == date(2026, 6, 1)


def test_an_episodes_goals_are_those_set_at_or_during_it():
    notes = _sessions(("2026-03-01", "initial"), ("2026-06-01", "discharge"))
    c = client(
        goal("g1", set_on=date(2025, 1, 1)),
        goal("g2-abc", set_on=date(2026, 4, 1)),
        goal("g3-def", set_on=date(2026, 7, 1)),
    )
    (ep,) = episodes(notes)
    assert [g.id for g in episode_goals(c, ep)] == ["g1", "g2-abc"]


def test_check_names_an_intake_or_discharge_goal_the_client_does_not_have(runner, notes):
    from otjournal.cli import app
    from otjournal.disk import tomlio
    from otjournal.disk.store import Journal
    from tests.conftest import make_client

    j = Journal(notes)
    j.add_client(make_client())
    intake = session_table("2026-03-01", "initial", intake={"goals": ["g1", "g7-abc"]})
    discharge = session_table(
        "2026-03-02",
        "discharge",
        discharge={"reason": "moved", "goals": [{"goal": "g8", "status": "achieved"}]},
    )
    folder = notes / "clients" / "mia-k" / "sessions"
    folder.mkdir(mode=0o700)
    for data in (intake, discharge):
        data["id"] = data["id"].replace("t7hcm", "abcde" if data is intake else "fghjk")
        (folder / f"{data['id']}.toml").write_bytes(tomlio.dumps(data))
    result = runner.invoke(app, ["check", "--dir", str(notes)])
    assert "intake.goals[1]: 'g7-abc' is not a goal of mia-k" in result.output
    assert "discharge.goals[0].goal: 'g8' is not a goal of mia-k" in result.output
    assert "intake.goals[0]" not in result.output


@pytest.mark.parametrize(
    ("kind", "heading", "label"),
    [
        ("review", "Goals at review (GAS follow-up)", "GAS at review"),
        ("therapy", "Goals addressed (interim GAS)", "Interim GAS"),
    ],
)
def test_show_names_a_reviews_ratings_as_the_follow_up(runner, notes, kind, heading, label):
    from otjournal.cli import app
    from otjournal.disk.store import Journal
    from otjournal.model import GoalRating
    from tests.conftest import make_client, make_session

    j = Journal(notes)
    j.add_client(make_client())
    saved = j.add_session(make_session(session_type=kind, goals=(GoalRating("g1", 1),)))
    text = runner.invoke(app, ["show", saved.record.id])
    assert heading in text.stdout
    md = runner.invoke(app, ["show", saved.record.id, "--format", "md"])
    assert f"*{label}:* +1" in md.stdout


def test_log_leaves_a_discharge_to_its_own_command(runner, notes, tmp_path):
    from otjournal.cli import app
    from otjournal.disk.store import Journal
    from tests.conftest import make_client
    from tests.helpers import tree

    Journal(notes).add_client(make_client())
    before = tree(notes)
    flags = runner.invoke(app, ["log", "mia-k", "--type", "discharge", "--no-input"])
    assert flags.exit_code == 2
    assert "'discharge' is not written here: 'otj discharge CLIENT'" in flags.stderr
    note = session_table("2026-03-01", "discharge", discharge={"reason": "moved"})
    note["attendees"] = ["child"]
    note["setting"] = "clinic"
    note["plan"] = {"summary": "Closing"}
    for key in ("id", "client", "written_by", "written_at"):
        note.pop(key)
    from otjournal.disk import tomlio

    path = tmp_path / "note.toml"
    path.write_bytes(tomlio.dumps(note))
    given = runner.invoke(app, ["log", "mia-k", "--from", str(path), "--by", "Al", "--no-input"])
    assert given.exit_code == 1, given.output
    assert "'otj discharge CLIENT' closes the episode" in given.stderr
    assert tree(notes) == before


def test_goal_list_and_trends_agree_on_copm_at_t2_from_a_review(runner, notes):
    import json

    from otjournal.cli import app
    from otjournal.disk.store import Journal
    from otjournal.model import Copm, GoalRating
    from tests.conftest import make_client, make_session

    j = Journal(notes)
    j.add_client(make_client(goals=(goal("g1-k3x", copm=Copm("Dressing", 3, 2)),)))
    j.add_session(
        make_session(
            start=datetime(2026, 3, 1, 10, tzinfo=TZ),
            session_type="review",
            goals=(GoalRating("g1-k3x", 1, copm_performance=7, copm_satisfaction=8),),
        )
    )
    listed = json.loads(runner.invoke(app, ["goal", "list", "mia-k", "--json"]).stdout)["goals"]
    copm = listed[0]["copm"]
    assert (copm["performance_t1"], copm["performance_t2"], copm["satisfaction_t2"]) == (3, 7, 8)
    assert copm["t2_on"] == "2026-03-01" and copm["t2_from"].startswith("review ")
    trends = runner.invoke(
        app, ["trends", "mia-k", "--since", "2026-01-01", "--until", "2026-03-07", "--json"]
    )
    (problem,) = json.loads(trends.stdout)["copm"]["problems"]
    assert (problem["performance"], problem["satisfaction"]) == ([3, 7], [2, 8])
    assert "P 3→7 · S 2→8" in runner.invoke(app, ["goal", "list", "mia-k"]).stdout
