"""A whole episode of care through a real pseudo-terminal, as a practitioner lives it:
``otj intake`` (two goals with their baselines), three sessions (one answered at the
prompts, two from flags), ``otj review``, ``otj discharge``; then ``client list``,
``trends``, ``report`` and ``export`` read back what the episode holds.

The numbers are worked by hand. Goals g1 (weight 2, baseline -2) and g2 (weight 1,
baseline -1); review g1 +1, g2 0. Kiresuk & Sherman with rho = 0.3:
  denominator = sqrt(0.7 * (2² + 1²) + 0.3 * (2 + 1)²) = sqrt(6.2) = 2.48998
  at review:    50 + 10 * (2*1 + 1*0) / 2.48998   = 58.03
  at baseline:  50 + 10 * (2*-2 + 1*-1) / 2.48998 = 29.92
Dates count back from the real today (the children run on the real clock)."""

from __future__ import annotations

import csv
import io
import json
import os
import tomllib
from datetime import date, timedelta
from pathlib import Path

import pytest

from otjournal.cli import app
from otjournal.model import Client, Session
from tests.terminal import Pty

pytestmark = pytest.mark.pty

TODAY = date.today()
INTAKE, S1, S2, S3, REVIEW, CLOSE = (TODAY - timedelta(days=d) for d in (60, 45, 30, 20, 10, 3))


@pytest.fixture
def env(runner) -> dict[str, str]:
    result = runner.invoke(
        app,
        [
            "client",
            "add",
            "kai-m",
            "--name",
            "Kai M.",
            "--dob",
            "2019-04-02",
            "--caregiver",
            "Rosa M.:mother",
            "--strength",
            "dinosaurs",
        ],
    )
    assert result.exit_code == 0, result.output
    config = Path(os.environ["XDG_CONFIG_HOME"]) / "otjournal" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text('[practitioner]\nname = "Alex Rivera (OT)"\n', encoding="utf-8")
    return {**os.environ, "TERM": "dumb", "NO_COLOR": "1", "COLUMNS": "200", "TZ": "UTC"}


def client(notes: Path) -> Client:
    text = (notes / "clients" / "kai-m" / "client.toml").read_text("utf-8")
    return Client.from_dict(tomllib.loads(text))


def sessions(notes: Path) -> list[Session]:
    folder = notes / "clients" / "kai-m" / "sessions"
    found = [Session.from_dict(tomllib.loads(p.read_text("utf-8"))) for p in folder.glob("*")]
    return sorted(found, key=lambda s: s.start)


def intake(env: dict[str, str]) -> None:
    otj = Pty("intake", "kai-m", env=env)
    otj.run(
        [
            ("Minutes", "90"),
            ("Date", str(INTAKE)),
            ("Start time", "09:00"),
            ("Setting (", "clinic"),
            ("Who attended (", "child, parent"),
            ("Referred by (source)", "paediatrician"),
            ("Reason for referral", "Dressing for kinder takes a long time"),
            ("  … ", ""),
            ("Background", "Loves dinosaurs; mornings are hard"),
            ("  … ", ""),
            ("Diagnosis or disability", "autistic, as Rosa says it"),
            ("  Another", ""),
            ("What matters to them", "Calm kinder mornings"),
            ("  … ", ""),
            ("Strengths and interests", ""),
            ("Communication modes", "speech"),
            ("Consent given by", "Rosa M. (mother)"),
            ("  For what", "assessment and therapy"),
            ("  Date", ""),
            ("  Share with", "kinder"),
            ("More consent: by", ""),
            ("Assessment given", "Sensory Profile 2"),
            ("  Date", ""),
            ("  Scores", "seeking=52, avoiding=61"),
            ("Another assessment", ""),
            ("Goal (", "Kai puts on his shoes before kinder"),
            ("  Baseline level now", "-2"),
            ("  Weight", "2"),
            ("  Describe the levels", "n"),
            ("Another goal", "Kai joins a group game for five minutes"),
            ("  Baseline level now", "-1"),
            ("  Weight", ""),
            ("  Describe the levels", "n"),
            ("Another goal", ""),
            ("In their words", "Roared like a T. rex"),
            ("  … ", ""),
            ("Closing summary", "Met Kai and Rosa; goals set together"),
            ("  … ", ""),
            ("Next session's focus", "Shoes with a dinosaur lacing card"),
            ("Homework to assign", ""),
        ]
    )
    otj.expect("Goals set together")
    otj.answer("Save?", "y")
    otj.expect("Saved ")
    assert otj.wait() == 0, otj.output


def session_at_the_prompts(env: dict[str, str], g1: str, g2: str) -> None:
    otj = Pty("log", "kai-m", env=env)
    otj.run(
        [
            ("Minutes", "45"),
            ("Date", str(S1)),
            ("Start time", "10:00"),
            ("Setting (", "clinic"),
            ("Kind of session", "therapy"),
            ("Who attended (", ""),
        ]
    )
    otj.expect(g1)
    otj.run([("  GAS: ", "-1"), ("Evidence", "Velcro shoes on his own"), ("  GAS: ", "")])
    otj.run(
        [
            ("Activity (", "Dinosaur stomp course"),
            ("Minutes", "15"),
            ("Tags (c i m a)", "cim"),
            ("The child's response", "stomped and laughed"),
            ("Another activity (", ""),
            ("Techniques (", ""),
            ("In their words", ""),
            ("Caregiver's report", ""),
            ("How they were involved", ""),
            ("At the start", ""),
            ("Checklist: ", ""),
            ("Closing summary", "Followed Kai's dinosaur game"),
            ("  … ", ""),
            ("Next session's focus", ""),
            ("Homework to assign", ""),
            ("Risk (", ""),
            ("Save?", ""),
        ]
    )
    otj.expect("Saved ")
    assert otj.wait() == 0, otj.output


def session_from_flags(env: dict[str, str], day: date, ratings: list[str]) -> None:
    args = [
        "log",
        "kai-m",
        "--date",
        str(day),
        "--time",
        "10:00",
        "--duration",
        "45",
        "--type",
        "therapy",
        "--setting",
        "home",
        "--attendee",
        "child",
        "--attendee",
        "parent",
        "--summary",
        "Practised at home with Rosa",
        "--no-input",
    ]
    for r in ratings:
        args += ["--goal", r]
    otj = Pty(*args, env=env)
    otj.expect("Saved ")
    assert otj.wait() == 0, otj.output


def review(env: dict[str, str]) -> None:
    otj = Pty("review", "kai-m", env=env)
    otj.run(
        [
            ("Minutes", "60"),
            ("Date", str(REVIEW)),
            ("Start time", "10:00"),
            ("Setting (", "clinic"),
            ("Who attended (", "child, parent"),
        ]
    )
    otj.expect("baseline -2 on")
    otj.run([("  GAS at review", "+1"), ("  Evidence", "Shoes on with the card alone")])
    otj.expect("baseline -1 on")
    otj.run(
        [
            ("  GAS at review", "0"),
            ("  Evidence", "Joined tag for five minutes"),
            ("Review note (optional)", "Rosa is pleased"),
            ("  … ", ""),
        ]
    )
    otj.answer("Save?", "y")
    otj.expect("Saved ")
    assert otj.wait() == 0, otj.output


def discharge(env: dict[str, str]) -> None:
    otj = Pty("discharge", "kai-m", env=env)
    otj.run(
        [
            ("Minutes", "30"),
            ("Date", str(CLOSE)),
            ("Start time", "10:00"),
            ("Setting (", "clinic"),
            ("Who attended (", "child, parent"),
            ("Reason (", "goals-met"),
            ("About the reason", ""),
            ("  Final status (", ""),  # suggested: achieved (+1 at review)
            ("  Progress summary", ""),
            ("  Final status (", ""),  # suggested: achieved (0 at review)
            ("  Progress summary", ""),
            ("Recommendations", "A check-in next term"),
            ("  … ", ""),
            ("Maintenance / relapse-prevention plan", "The lacing card by the door"),
            ("  … ", ""),
            ("Who was told", "Rosa M., kinder"),
        ]
    )
    otj.answer("Save?", "y")
    otj.expect("Saved ")
    assert otj.wait() == 0, otj.output


def test_a_whole_episode_from_intake_to_discharge(env, notes, runner):
    intake(env)
    g1, g2 = (g.id for g in client(notes).goals)
    session_at_the_prompts(env, g1, g2)
    session_from_flags(env, S2, ["g1:-1:Shoes with one reminder", "g2:-1"])
    session_from_flags(env, S3, ["g1:0:Shoes with the card", "g2:0"])
    review(env)
    discharge(env)

    notes_ = sessions(notes)
    assert [s.session_type for s in notes_] == [
        "initial",
        "therapy",
        "therapy",
        "therapy",
        "review",
        "discharge",
    ]
    first, *_, rev, close = notes_
    assert first.intake is not None and first.intake.goals == (g1, g2)
    assert [(g.goal, g.gas) for g in rev.goals] == [(g1, 1), (g2, 0)]
    assert close.discharge is not None and close.discharge.reason == "goals-met"
    assert [(o.goal, o.status) for o in close.discharge.goals] == [
        (g1, "achieved"),
        (g2, "achieved"),
    ]
    goals = client(notes).goals
    assert [(g.status, g.status_on, g.changes[-1].reason) for g in goals] == [
        ("achieved", CLOSE, "discharge"),
        ("achieved", CLOSE, "discharge"),
    ]
    assert [(g.baseline, g.baseline_on, g.weight) for g in goals] == [
        (-2, INTAKE, 2),
        (-1, INTAKE, 1),
    ]

    # client list: in care by default, so Kai is listed only with --all, marked.
    listed = runner.invoke(app, ["client", "list"])
    assert listed.exit_code == 0 and "kai-m" not in listed.stdout
    everyone = runner.invoke(app, ["client", "list", "--all", "--json"])
    (row,) = json.loads(everyone.stdout)["clients"]
    assert (row["handle"], row["status"], row["discharged"]) == ("kai-m", "discharged", str(CLOSE))
    shown = runner.invoke(app, ["client", "show", "kai-m"], env={"COLUMNS": "80"})
    assert f"discharged {CLOSE}" in shown.stdout

    # trends: the review's T-score on the goals rated there, the baseline on the same set.
    since = str(S2)  # a window that starts after the intake: the baseline does not move
    trends = json.loads(runner.invoke(app, ["trends", "kai-m", "--since", since, "--json"]).stdout)
    (rv,) = trends["reviews"]
    assert rv["goals"] == [
        {"goal": g1, "gas": 1, "baseline": -2, "weight": 2},
        {"goal": g2, "gas": 0, "baseline": -1, "weight": 1},
    ]
    assert (rv["tscore"], rv["baseline_tscore"]) == (58.03, 29.92)
    assert [g["baseline"] for g in trends["goals"]] == [
        {"level": -2, "on": str(INTAKE)},
        {"level": -1, "on": str(INTAKE)},
    ]
    text = runner.invoke(app, ["trends", "kai-m", "--since", since], env={"COLUMNS": "80"})
    assert "29.9 → 58.0" in text.stdout

    # report: baseline → review for each goal, the goal's status, the same T-scores.
    report = runner.invoke(app, ["report", "kai-m", "--from", str(INTAKE)]).stdout
    assert "achieved" in report and "29.9" in report and "58.0" in report

    # export: the reviews table holds the same figures, the goal list the statuses.
    rows = list(
        csv.DictReader(io.StringIO(runner.invoke(app, ["export", "--table", "reviews"]).stdout))
    )
    assert [(r["goal"], r["gas"], r["review_tscore"], r["baseline_tscore"]) for r in rows] == [
        (g1, "1", "58.03", "29.92"),
        (g2, "0", "58.03", "29.92"),
    ]
    goal_rows = list(
        csv.DictReader(io.StringIO(runner.invoke(app, ["export", "--table", "goal-list"]).stdout))
    )
    assert [(r["goal"], r["status"], r["baseline"]) for r in goal_rows] == [
        (g1, "achieved", "-2"),
        (g2, "achieved", "-1"),
    ]
    assessed = runner.invoke(app, ["export", "--table", "assessments", "--format", "json"])
    scores = {(a["score_name"], a["score"]) for a in json.loads(assessed.stdout)["rows"]}
    assert scores == {("seeking", 52), ("avoiding", 61)}
    assert runner.invoke(app, ["check"]).exit_code == 0
