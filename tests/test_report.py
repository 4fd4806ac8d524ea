"""``otj report``: NDIS-style progress report as Markdown and as self-contained HTML,
de-identification, the default period, and never overwriting a file."""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import re
import select
import shutil
import subprocess
import time
import xml.etree.ElementTree as ET
from datetime import date, datetime, timedelta
from html import escape
from pathlib import Path
from random import Random

import pytest

from otjournal.cli import app
from otjournal.disk.store import Journal
from otjournal.model import (
    Activity,
    Assignment,
    Caregiver,
    CaregiverNote,
    ChecklistAnswer,
    ChildVoice,
    Copm,
    Goal,
    GoalRating,
    Plan,
    PlanPeriod,
    Regulation,
)
from otjournal.model.vocab import CHECKLIST
from otjournal.views import report
from tests.conftest import REPO, TZ, make_client, make_session
from tests.helpers import Runner

BLANK = "[To be completed by the practitioner]"
ARTIFACTS = REPO / "tests" / "artifacts"
DEMO_END = "2026-06-30"


def answers(**over: str) -> tuple[ChecklistAnswer, ...]:
    return tuple(ChecklistAnswer(k, over.get(k.replace("-", "_"), "yes"), t) for k, t in CHECKLIST)


def add_sessions(j: Journal, *sessions) -> None:
    for i, s in enumerate(sessions):
        j.add_session(s, rng=Random(i))


def write_config(home: Path, text: str) -> None:
    folder = home / "config" / "otjournal"  # $XDG_CONFIG_HOME/otjournal (conftest)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "config.toml").write_text(text, encoding="utf-8")


def invoke(runner: Runner, *args: str):
    result = runner.invoke(app, ["report", *args])
    assert "Traceback" not in result.output
    return result


def sections(md: str) -> dict[str, str]:
    """## heading → the text up to the next ## heading."""
    parts = re.split(r"^## (.+)\n", md, flags=re.MULTILINE)
    return dict(zip(parts[1::2], parts[2::2], strict=True))


def today() -> date:
    return datetime.now().astimezone().date()


# -- a small journal with a plan period ------------------------------------------------


@pytest.fixture
def planned(notes: Path) -> Journal:
    j = Journal(notes)
    j.add_client(
        make_client(
            "jo-b",
            display_name="Jo Bloggs",
            plan_period=PlanPeriod(date(2026, 1, 1), date(2026, 6, 30), "NDIS"),
            goals=(
                Goal(
                    "g1",
                    "Laces shoes before kinder",
                    levels={-2: "hand-over-hand", 0: "laces with the card"},
                    copm=Copm("laces shoes", 3, 4, 6, 5),
                    baseline=-2,
                    baseline_on=date(2025, 11, 20),
                ),
                Goal("g2", "Uses calm-body plan at the bell", weight=2),
            ),
        )
    )
    add_sessions(
        j,
        make_session(  # before the plan period
            "jo-b",
            datetime(2025, 12, 10, 10, tzinfo=TZ),
            goals=(GoalRating("g1", -2, "Needed hand-over-hand in December"),),
            plan=Plan(),
        ),
        make_session(
            "jo-b",
            datetime(2026, 3, 5, 14, 30, tzinfo=TZ),
            duration_min=45,
            setting="clinic",
            attendees=("child", "parent"),
            goals=(
                GoalRating("g1", -1, "Laced two holes with the card"),
                GoalRating("g2", -2, "Covered ears at the bell"),
            ),
            activities=(
                Activity("Train obstacle course", 15, True, True, True, True, "made it shorter"),
            ),
            regulation=Regulation("zones", "yellow", "green", ("heavy work",)),
            checklist=answers(caregiver="partly"),
            plan=Plan("s", "n", (Assignment("hw1", "Lacing card after breakfast", "practice", 5),)),
        ),
        make_session(
            "jo-b",
            datetime(2026, 4, 16, 9, 0, tzinfo=TZ),
            duration_min=60,
            setting="school",
            attendees=("child", "teacher"),
            goals=(
                GoalRating("g1", 0, "Laced both shoes with the picture card"),
                GoalRating("g2", 0, "Chose the squeeze ball from her plan"),
            ),
            regulation=Regulation("zones", "red", "green", ("heavy work", "a train song")),
            checklist=answers(agile="no", caregiver="n-a"),
            plan=Plan(),
        ),
        make_session(  # after the plan period
            "jo-b",
            datetime(2026, 7, 20, 9, 0, tzinfo=TZ),
            goals=(GoalRating("g1", 1, "Laced alone in July"),),
            plan=Plan(),
        ),
    )
    return j


def test_markdown_has_the_ndis_sections_in_order(runner, planned):
    result = invoke(runner, "jo-b")
    assert result.exit_code == 0, result.output
    md = result.stdout
    assert md.startswith("# Progress report\n")
    assert list(sections(md)) == [
        "Supports provided",
        "Goals and progress",
        "The participant's and family's perspective",
        "Strengths and interests",
        "Barriers and strategies that helped",
        "Homework and home programme",
        "Risks",
        "Links to informal, community and mainstream supports",
        "Recommendations and justification",
        "Sign-off",
    ]
    # header: participant, reporting period, practitioner (blank without a config)
    assert "| Participant | Jo Bloggs |" in md
    assert "| Reporting period | 2026-01-01 to 2026-06-30 |" in md
    assert f"| Practitioner | {BLANK} |" in md
    assert f"| NDIS number | {BLANK} |" in md
    assert "| Funded plan | NDIS, 2026-01-01 to 2026-06-30 |" in md


def test_markdown_supports_goals_evidence_regulation_and_homework(runner, planned):
    md = invoke(runner, "jo-b").stdout
    s = sections(md)

    supports = s["Supports provided"]
    assert "- Sessions attended: 2, from 2026-03-05 to 2026-04-16." in supports
    assert "- Direct hours (face to face or telehealth): 1.75." in supports
    assert "| clinic | 1 | 0.75 |" in supports
    assert "| school | 1 | 1 |" in supports
    assert "| child | 2 | 1.75 |" in supports
    assert "| parent | 1 | 0.75 |" in supports
    assert "| teacher | 1 | 1 |" in supports

    goals = s["Goals and progress"]
    assert "### g1: Laces shoes before kinder" in goals
    # the baseline recorded when the goal was set (not the first rating in the period, -1)
    assert (
        "GAS baseline -2 (recorded 2025-11-20) → 0, the latest interim rating, on 2026-04-16 "
        "(not rated at a review) (change +2). 2 interim ratings in this period." in goals
    )
    assert "Status: active." in goals
    assert "GAS baseline not recorded (otj goal edit jo-b g2 --baseline N" in goals
    assert "No review in this period: the GAS ratings above are interim." in goals
    assert "- 0: laces with the card\n- -2: hand-over-hand" in goals
    # evidence is quoted word for word from the notes, with the day of the note
    assert "> Laced two holes with the card\n> — note of 2026-03-05" in goals
    assert "> Laced both shoes with the picture card\n> — note of 2026-04-16" in goals
    assert "> Covered ears at the bell\n> — note of 2026-03-05" in goals
    assert "December" not in goals and "July" not in goals  # outside the period
    # COPM: +3 performance, +1 satisfaction, with the caveat
    assert "performance 3 → 6, satisfaction 4 → 5 (a change of 2 or more points)" in goals
    assert "debated" in goals
    # interim T-score: 5 Mar g1 -1 (w 1), g2 -2 (w 2): 50 - 50/√6.2 = 29.92; 16 Apr: all 0 → 50
    assert (
        "Interim path" in goals and "29.9 on 2026-03-05 → 50.0 on 2026-04-16 (2 sessions)" in goals
    )

    reg = s["Barriers and strategies that helped"]
    assert "Regulation was recorded in 2 sessions using the Zones of Regulation framework." in reg
    assert "- heavy work (helped in 2 sessions)" in reg
    assert "- a train song (helped in 1 session" in reg
    assert "| yellow → green | 1 |" in reg and "| red → green | 1 |" in reg
    assert "%" not in reg  # counts, never "% of sessions ending green"

    barriers = s["Barriers and strategies that helped"]
    assert "> Train obstacle course: made it shorter\n> — note of 2026-03-05" in barriers
    assert f"**{BLANK}: barriers to progress.**" in barriers

    homework = s["Homework and home programme"]
    assert "- Lacing card after breakfast: practised 0 times" in homework


def test_practitioner_only_sections_are_marked_blanks_never_invented(runner, planned):
    s = sections(invoke(runner, "jo-b").stdout)
    for title, what in (
        ("Links to informal, community and mainstream supports", "other supports"),
        ("Risks", "risks and how they are managed."),
        ("Recommendations and justification", "recommended supports, frequency and hours"),
    ):
        assert s[title].strip().startswith(f"**{BLANK}: {what}"), title
        assert s[title].strip().endswith("**\n\n>"), title
    # barriers: what the notes say (adaptations), then the blank for the practitioner
    barriers = s["Barriers and strategies that helped"].strip()
    assert barriers.endswith(f"**{BLANK}: barriers to progress.**\n\n>")


def test_practitioner_and_registration_from_the_config(runner, planned, isolated_home):
    write_config(
        isolated_home,
        '[practitioner]\nname = "Alex Rivera"\nregistration = "OCC0001234567"\n'
        'profession = "Occupational therapist"\n',
    )
    md = invoke(runner, "jo-b").stdout
    assert "| Practitioner | Alex Rivera |" in md
    assert "| Profession | Occupational therapist |" in md
    assert "| Registration | OCC0001234567 |" in md
    sign = sections(md)["Sign-off"]
    assert "| Name | Alex Rivera |" in sign and "| Registration | OCC0001234567 |" in sign
    # The number is on a public register: it names the practitioner. A copy leaves it out.
    for fmt in ("md", "html", "json"):
        args = ["--json"] if fmt == "json" else ["--format", fmt]
        copy = invoke(runner, "jo-b", "--deidentify", *args).stdout
        assert "OCC0001234567" not in copy and "Alex" not in copy and "Rivera" not in copy
        assert "Registration" not in copy and "Occupational therapist" in copy


def test_from_and_to_override_the_plan_period(runner, planned):
    result = invoke(runner, "jo-b", "--from", "2026-04-01", "--to", "2026-07-31")
    assert result.exit_code == 0, result.output
    md = result.stdout
    assert "| Reporting period | 2026-04-01 to 2026-07-31 |" in md
    assert "- Sessions attended: 2, from 2026-04-16 to 2026-07-20." in md
    assert "- Direct hours (face to face or telehealth): 1.75." in md
    assert "> Laced alone in July" in md
    assert "Laced two holes" not in md


def test_default_period_without_a_plan_is_the_last_12_months(runner, notes):
    j = Journal(notes)
    j.add_client(make_client("no-plan"))
    day = today()
    noon = datetime(day.year, day.month, day.day, 12, tzinfo=TZ)
    add_sessions(
        j,
        make_session("no-plan", noon - timedelta(days=30), goals=(GoalRating("g1", 0, "recent"),)),
        make_session("no-plan", noon - timedelta(days=362), goals=(GoalRating("g1", -1, "d362"),)),
        make_session("no-plan", noon - timedelta(days=400), goals=(GoalRating("g1", -2, "d400"),)),
    )
    md = invoke(runner, "no-plan").stdout
    period = re.search(r"\| Reporting period \| (\S+) to (\S+) \|", md)
    assert period, md
    start, end = date.fromisoformat(period[1]), date.fromisoformat(period[2])
    assert end == day
    # 12 months back: the same day a year ago (give or take a leap day)
    assert (day - start).days in (365, 366), f"the period starts {(day - start).days} days ago"
    assert "> d362" in md  # 362 days ago is within the last 12 months
    assert "d400" not in md


def test_output_file_is_created_new_and_never_overwritten(runner, planned, tmp_path):
    target = tmp_path / "out" / "jo.md"
    target.parent.mkdir()
    result = invoke(runner, "jo-b", "-o", str(target))
    assert result.exit_code == 0, result.output
    assert f"Wrote the report to {target}" in result.stdout
    written = target.read_text(encoding="utf-8")
    assert written == invoke(runner, "jo-b").stdout

    target.write_text("my own edits\n", encoding="utf-8")
    result = invoke(runner, "jo-b", "-o", str(target), "--format", "html")
    assert result.exit_code != 0
    assert "exists" in result.output
    assert target.read_text(encoding="utf-8") == "my own edits\n"

    result = invoke(runner, "jo-b", "-o", str(tmp_path / "no-such-folder" / "r.md"))
    assert result.exit_code != 0
    assert not (tmp_path / "no-such-folder").exists()
    assert "make the folder first" in result.output and "overwrites" not in result.output
    # --json is the report as data: a --format beside it is refused, not ignored.
    both = invoke(runner, "jo-b", "--json", "--format", "html")
    assert both.exit_code == 2 and "leave out --format" in both.output


def test_a_filed_report_says_in_itself_that_files_were_left_out(runner, planned, tmp_path):
    """A report is read away from the terminal that warned: files of its client that were
    not read (one broken, a sync tool's copy set aside, which may hold a correction its
    note lacks, one a symlink, a homework folder that is a file) are said in the
    document, in each format; another client's broken file is not this report's."""
    folder = planned.root / "clients" / "jo-b"
    first, second, *_ = sorted((folder / "sessions").iterdir())
    # Every file read: no notice, and the number is 0.
    assert "Not complete" not in invoke(runner, "jo-b").stdout
    assert json.loads(invoke(runner, "jo-b", "--json").stdout)["files_left_out"] == 0

    first.write_text(first.read_text(encoding="utf-8") + "broken = [\n", encoding="utf-8")
    conflict = second.with_name(second.stem + ".sync-conflict-20260101-120000-ABCDEFG.toml")
    conflict.write_bytes(second.read_bytes())
    planned.add_client(make_client("al-c", display_name="Al C"))
    add_sessions(planned, make_session("al-c", datetime(2026, 3, 1, 9, tzinfo=TZ)))
    other = next((planned.root / "clients" / "al-c" / "sessions").iterdir())
    other.write_text("broken = [\n", encoding="utf-8")
    target = tmp_path / "jo.md"
    result = invoke(runner, "jo-b", "-o", str(target))
    assert result.exit_code == 0, result.output
    said = (
        "Not complete: 2 files in this participant's records were not read, so what they "
        "hold is not in this report. 'otj check' names them."
    )
    assert f"**{said}**" in target.read_text(encoding="utf-8")
    assert "could not be read" in result.stderr  # and the terminal is told as before
    # Not complete, it is not recorded as filed: the next report covers its period again.
    assert "not recorded as filed" in result.stderr
    assert not list((planned.root / ".otjournal").glob("reports/*"))

    (folder / "sessions" / "elsewhere.toml").symlink_to(second)
    (folder / "homework").mkdir(exist_ok=True)
    shutil.rmtree(folder / "homework")
    (folder / "homework").write_text("", encoding="utf-8")
    said = said.replace("2 files", "4 files")
    md = invoke(runner, "jo-b").stdout
    head = md.split("## Supports provided", 1)[0]
    assert head.rstrip().endswith(f"**{said}**")  # under the header, before any number
    html = invoke(runner, "jo-b", "--format", "html").stdout
    assert f"<p class='notice' role='note'><strong>{escape(said)}</strong></p>" in html
    data = json.loads(invoke(runner, "jo-b", "--json").stdout)
    assert data["files_left_out"] == 4
    deidentified = invoke(runner, "jo-b", "--deidentify").stdout
    assert f"**{said}**" in deidentified and not re.search(r"\bJo\b", deidentified)


def test_unknown_client_and_bad_format_fail_cleanly(runner, planned):
    result = invoke(runner, "nobody")
    assert result.exit_code != 0
    assert "no client 'nobody'" in result.output
    result = invoke(runner, "jo-b", "--format", "pdf")
    assert result.exit_code != 0
    assert "md or html" in result.output


# -- HTML: self-contained, valid SVG ------------------------------------------------------


def svgs(html: str) -> list[str]:
    return re.findall(r"<svg\b.*?</svg>", html, flags=re.DOTALL)


def assert_self_contained(html: str) -> None:
    low = html.lower()
    for banned in ("<script", "<link", "<img", "<iframe", "<object", "<embed", "@import"):
        assert banned not in low, banned
    assert "@font-face" not in low
    assert not re.search(r"url\s*\(", low)
    assert not re.search(r"\b(?:src|href|srcset|action|poster|data)\s*=", low)
    # The only URL is the SVG namespace, which is a name and is never fetched.
    urls = re.findall(r"\b(?:https?:)?//[^\s'\"<>)]+", html)
    assert set(urls) <= {"http://www.w3.org/2000/svg"}, urls
    assert all(m.group(0).startswith("xmlns='") for m in re.finditer(r"\w+='https?://[^']*'", html))


def test_html_is_self_contained_with_valid_svgs(runner, planned):
    result = invoke(runner, "jo-b", "--format", "html")
    assert result.exit_code == 0, result.output
    html = result.stdout
    assert html.startswith("<!DOCTYPE html>")
    assert "<meta charset='utf-8'>" in html
    assert_self_contained(html)
    charts = svgs(html)
    # one chart per rated goal, the transitions grid (the checklist only with --reflection)
    assert len(charts) == 3
    for chart in charts:
        root = ET.fromstring(chart)
        assert root.tag == "{http://www.w3.org/2000/svg}svg"
        assert root.find("{http://www.w3.org/2000/svg}title") is not None
    assert f"<div class='blank'>{BLANK}: risks and how they are managed.</div>" in html
    assert html.count("<section class='goal'>") == 2
    for title in ("Risks", "Recommendations and justification", "Supports provided"):
        assert f"<h2>{title}</h2>" in html


# -- HTML in headless Chromium -------------------------------------------------------------

CHROMIUM = shutil.which("chromium") or (
    "/usr/bin/chromium" if os.access("/usr/bin/chromium", os.X_OK) else None
)
needs_chromium = pytest.mark.skipif(
    CHROMIUM is None,
    reason="Chromium is not installed (looked for 'chromium' and /usr/bin/chromium)",
)
CHROME_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium(profile: Path, *args: str, timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(CHROMIUM), *CHROME_FLAGS, f"--user-data-dir={profile}", *args],
        capture_output=True,
        timeout=timeout,
        check=False,
    )


class DevTools:
    """The DevTools protocol over --remote-debugging-pipe (fd 3 in, fd 4 out, NUL-framed)."""

    def __init__(self, profile: Path, timeout: float = 60) -> None:
        to_r, self._to_w = os.pipe()
        self._from_r, from_w = os.pipe()

        def child_fds() -> None:  # runs in the child between fork and exec
            a = fcntl.fcntl(to_r, fcntl.F_DUPFD, 10)
            b = fcntl.fcntl(from_w, fcntl.F_DUPFD, 10)
            os.dup2(a, 3)
            os.dup2(b, 4)

        self.proc = subprocess.Popen(
            [
                str(CHROMIUM),
                *CHROME_FLAGS,
                f"--user-data-dir={profile}",
                "--remote-debugging-pipe",
                "--window-size=900,1200",
                "about:blank",
            ],
            pass_fds=(3, 4),
            preexec_fn=child_fds,  # the test process forks no threads of its own
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        os.close(to_r)
        os.close(from_w)
        self.events: list[dict] = []
        self._buf = b""
        self._id = 0
        self._deadline = time.monotonic() + timeout

    def _next(self) -> dict:
        while b"\0" not in self._buf:
            left = self._deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("Chromium did not answer in time")
            ready, _, _ = select.select([self._from_r], [], [], left)
            if ready:
                chunk = os.read(self._from_r, 1 << 16)
                if not chunk:
                    raise EOFError("Chromium closed the pipe")
                self._buf += chunk
        raw, self._buf = self._buf.split(b"\0", 1)
        return json.loads(raw)

    def wait_for(self, pred) -> dict:
        while True:
            msg = self._next()
            if "method" in msg:
                self.events.append(msg)
            if pred(msg):
                return msg

    def call(self, method: str, params: dict | None = None, session: str | None = None) -> dict:
        self._id += 1
        msg: dict = {"id": self._id, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        os.write(self._to_w, json.dumps(msg).encode() + b"\0")
        n = self._id
        answer = self.wait_for(lambda m: m.get("id") == n)
        assert "error" not in answer, answer
        return answer["result"]

    def open(self, url: str) -> str:
        target = self.call("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self.call("Target.attachToTarget", {"targetId": target, "flatten": True})[
            "sessionId"
        ]
        for domain in ("Page", "Network", "Runtime", "Log"):
            self.call(f"{domain}.enable", session=session)
        self.call("Page.navigate", {"url": url}, session)
        self.wait_for(lambda m: m.get("method") == "Page.loadEventFired")
        return session

    def evaluate(self, session: str, expression: str):
        result = self.call(
            "Runtime.evaluate", {"expression": expression, "returnByValue": True}, session
        )
        return result["result"].get("value")

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.call("Browser.close")
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        os.close(self._to_w)
        os.close(self._from_r)

    def requests(self) -> list[str]:
        return [
            e["params"]["request"]["url"]
            for e in self.events
            if e["method"] == "Network.requestWillBeSent"
        ]

    def problems(self) -> list[dict]:
        """Console calls, uncaught exceptions and error/warning log entries."""
        out = []
        for e in self.events:
            m = e["method"]
            if m in ("Runtime.consoleAPICalled", "Runtime.exceptionThrown") or (
                m == "Log.entryAdded" and e["params"]["entry"]["level"] in ("error", "warning")
            ):
                out.append(e)
        return out


@pytest.fixture(scope="module")
def demo_html(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The HTML report of the demo's mia-k for the first half of 2026."""
    base = tmp_path_factory.mktemp("report-demo")
    root = base / "demo"
    env = {
        "HOME": str(base),
        "XDG_CONFIG_HOME": str(base / "config"),
        "OTJOURNAL_DIR": str(base / "unused"),
    }
    runner = Runner()
    result = runner.invoke(
        app, ["demo", "-q", "--dir", str(root), "--seed", "3", "--end", DEMO_END], env=env
    )
    assert result.exit_code == 0, result.output
    out = base / "report.html"
    result = runner.invoke(
        app,
        [
            *("report", "mia-k", "--dir", str(root), "--format", "html", "-o", str(out)),
            *("--from", "2026-01-01", "--to", DEMO_END),
        ],
        env=env,
    )
    assert result.exit_code == 0, result.output
    return out


def test_demo_html_is_self_contained_and_its_svgs_are_xml(demo_html):
    html = demo_html.read_text(encoding="utf-8")
    assert_self_contained(html)
    charts = svgs(html)
    assert len(charts) >= 4  # three goals, the transitions grid
    for chart in charts:
        ET.fromstring(chart)


@needs_chromium
def test_chromium_loads_the_report_without_console_messages(demo_html, tmp_path):
    done = chromium(
        tmp_path / "profile",
        "--enable-logging=stderr",
        "--v=0",
        "--dump-dom",
        demo_html.as_uri(),
    )
    assert done.returncode == 0, done.stderr.decode(errors="replace")[-2000:]
    dom = done.stdout.decode("utf-8")
    assert "<h1>Progress report</h1>" in dom
    assert "Recommendations and justification" in dom
    assert dom.count("<svg") == len(svgs(demo_html.read_text(encoding="utf-8")))
    console = [
        line
        for line in done.stderr.decode(errors="replace").splitlines()
        if ":CONSOLE" in line or "Uncaught" in line
    ]
    assert console == []


@needs_chromium
def test_chromium_screenshot_artifact(demo_html, tmp_path):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    png = ARTIFACTS / "report.png"
    png.unlink(missing_ok=True)
    done = chromium(
        tmp_path / "profile",
        f"--screenshot={png}",
        "--window-size=900,2400",
        "--hide-scrollbars",
        demo_html.as_uri(),
    )
    assert done.returncode == 0, done.stderr.decode(errors="replace")[-2000:]
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    assert (width, height) == (900, 2400)
    assert len(data) > 30_000  # text and charts, not a blank page


@needs_chromium
def test_devtools_sees_no_network_request_and_no_console_message(demo_html, tmp_path):
    tools = DevTools(tmp_path / "profile")
    try:
        session = tools.open(demo_html.as_uri())
        title = tools.evaluate(session, "document.title")
        drawn = tools.evaluate(
            session,
            "[...document.querySelectorAll('svg')].map(s => s.getBoundingClientRect().width)",
        )
        overflow = tools.evaluate(
            session, "document.documentElement.scrollWidth > window.innerWidth"
        )
    finally:
        tools.close()
    assert title == "Progress report 2026-01-01 to 2026-06-30"
    assert tools.requests() == [demo_html.as_uri()]
    assert tools.problems() == []
    assert drawn and all(w > 100 for w in drawn)
    assert overflow is False


@needs_chromium
def test_devtools_harness_does_catch_requests_and_errors(tmp_path):
    """The check above is only worth something if it can fail."""
    page = tmp_path / "bad.html"
    page.write_text(
        "<!DOCTYPE html><p>x</p><img src='http://127.0.0.1:9/x.png'>"
        "<script>console.error('boom'); missing();</script>",
        encoding="utf-8",
    )
    tools = DevTools(tmp_path / "profile")
    try:
        tools.open(page.as_uri())
    finally:
        tools.close()
    assert "http://127.0.0.1:9/x.png" in tools.requests()
    kinds = {e["method"] for e in tools.problems()}
    assert {"Runtime.consoleAPICalled", "Runtime.exceptionThrown"} <= kinds


# -- de-identification ---------------------------------------------------------------------

NAMES = ["Mia Kowalski", "Mia", "Kowalski", "Sarah", "Dmitri", "mia-k", "Priya", "Raman", "Jasper"]
DOB = "2019-06-12"


@pytest.fixture
def named(notes: Path, isolated_home: Path) -> Journal:
    """Names everywhere the report can quote: goal texts and levels, COPM, evidence,
    activities, adaptations, strategies, homework; a teacher and a peer from the config."""
    write_config(isolated_home, '[deidentify]\nnames = ["Priya Raman", "Jasper"]\n')
    j = Journal(notes)
    j.add_client(
        make_client(
            "mia-k",
            display_name="Mia Kowalski",
            date_of_birth=date.fromisoformat(DOB),
            caregivers=(Caregiver("Sarah Kowalski", "mother"), Caregiver("Dmitri Kowalski")),
            goals=(
                Goal(
                    "g1",
                    "Mia laces her shoes before kinder",
                    levels={0: "Mia laces with the card", 2: "MIA laces alone"},
                    copm=Copm("Mia's shoes", 2, 2, 6, 7),
                ),
                Goal("g2", "Uses the calm plan with Jasper nearby"),
            ),
        )
    )
    add_sessions(
        j,
        make_session(
            "mia-k",
            datetime(2026, 3, 5, 14, 30, tzinfo=TZ),
            goals=(
                GoalRating("g1", -1, "Teacher Priya Raman said Mia laced two holes at school."),
                GoalRating("g2", 0, "mia-k used the plan; Jasper sat with her."),
            ),
            activities=(
                Activity("Mia's train game", 15, True, True, True, True, "Dmitri's idea: shorter"),
            ),
            regulation=Regulation("zones", "yellow", "green", ("Sarah's song", "heavy work")),
            child_voice=ChildVoice("Mia said 'Jasper is my friend'"),
            caregiver=CaregiverNote("Ms Raman (teacher) reported a calmer week for Mia."),
            plan=Plan("s", "n", (Assignment("hw1", "Lacing with Sarah after breakfast"),)),
        ),
        make_session(
            "mia-k",
            datetime(2026, 3, 12, 14, 30, tzinfo=TZ),
            goals=(GoalRating("g1", 0, "KOWALSKI family practised at home; Mia did it."),),
        ),
    )
    return j


def period() -> list[str]:
    return ["--from", "2026-03-01", "--to", "2026-03-31"]


def leaks(raw: bytes, names: list[str]) -> list[str]:
    low = raw.lower()
    return [n for n in names if n.lower().encode("utf-8") in low]


@pytest.mark.parametrize("fmt", ["md", "html"])
def test_names_are_in_the_report_without_deidentify(runner, named, fmt):
    """So that the check below proves something: every name does reach the report."""
    result = invoke(runner, "mia-k", "--format", fmt, *period())
    assert result.exit_code == 0, result.output
    raw = result.stdout_bytes
    assert leaks(raw, NAMES) == NAMES
    assert DOB.encode() in raw


@pytest.mark.parametrize("fmt", ["md", "html"])
def test_deidentify_leaves_no_configured_name_and_no_date_of_birth(runner, named, fmt, tmp_path):
    out = tmp_path / f"deid.{fmt}"
    result = invoke(runner, "mia-k", "--format", fmt, "--deidentify", *period(), "-o", str(out))
    assert result.exit_code == 0, result.output
    raw = out.read_bytes()
    assert leaks(raw, NAMES) == []
    assert DOB.encode() not in raw
    assert b"Date of birth" not in raw
    text = raw.decode("utf-8")
    assert "Participant" in text
    # the numbers are still there
    assert "2 sessions" in text
    if fmt == "html":
        for chart in svgs(text):
            ET.fromstring(chart)


@pytest.fixture
def markup_names(notes: Path, isolated_home: Path) -> tuple[str, str]:
    """Names that are also pieces of CSS or SVG: "Tom" (border-bottom), "Lin" (<line>),
    "Ali" (text-align). Returns the HTML report without and with --deidentify."""
    write_config(isolated_home, '[deidentify]\nnames = ["Ali"]\n')
    j = Journal(notes)
    j.add_client(make_client("ava-l", display_name="Ava L.", caregivers=(Caregiver("Tom Lin"),)))
    add_sessions(
        j,
        make_session(
            "ava-l",
            datetime(2026, 3, 5, 10, tzinfo=TZ),
            goals=(GoalRating("g1", -1, "Tom Lin joined; Ali watched"), GoalRating("g2", 0)),
        ),
        make_session("ava-l", datetime(2026, 3, 12, 10, tzinfo=TZ), goals=(GoalRating("g1", 0),)),
    )
    runner = Runner()
    plain = invoke(runner, "ava-l", "--format", "html", *period()).stdout
    deid = invoke(runner, "ava-l", "--format", "html", "--deidentify", *period()).stdout
    for name in ("Tom", "Lin", "Ali"):
        assert re.search(rf"\b{name}\b", plain), name
    return plain, deid


def test_deidentify_replaces_names_that_are_also_css_or_svg_words(markup_names):
    _, deid = markup_names
    for name in ("Tom", "Lin", "Ali"):
        assert not re.search(rf"(?i)\b{name}\b", deid), name


def test_deidentify_leaves_the_stylesheet_alone(markup_names):
    plain, deid = markup_names
    style = re.compile(r"<style>(.*?)</style>", re.DOTALL)
    assert style.search(plain)[1] == report.CSS
    broken = [rule for rule in style.search(deid)[1].split("}") if "Caregiver" in rule]
    assert broken == []
    assert style.search(deid)[1] == report.CSS


def test_deidentify_leaves_the_svg_charts_valid(markup_names):
    plain, deid = markup_names
    assert len(svgs(deid)) == len(svgs(plain)) >= 2
    assert deid.count("<line ") == plain.count("<line ")
    for chart in svgs(deid):
        ET.fromstring(chart)


@pytest.mark.parametrize(
    ("display_name", "caregiver", "evidence", "leaked"),
    [
        # a part of a hyphenated surname, used on its own
        ("Mia Nguyen-Kowalski", "Sarah K.", "Mrs Nguyen joined the session", "nguyen"),
        # the same name typed with a typographic apostrophe
        ("Mia K.", "Siobhan O'Brien", "Mrs O’Brien joined the session", "brien"),
    ],
)
def test_deidentify_catches_common_spellings_of_a_name(
    runner, notes, display_name, caregiver, evidence, leaked
):
    j = Journal(notes)
    j.add_client(
        make_client("mia-k", display_name=display_name, caregivers=(Caregiver(caregiver),))
    )
    add_sessions(
        j,
        make_session(
            "mia-k", datetime(2026, 3, 5, 10, tzinfo=TZ), goals=(GoalRating("g1", 0, evidence),)
        ),
    )
    plain = invoke(runner, "mia-k", *period()).stdout_bytes
    assert leaked.encode() in plain.lower()
    raw = invoke(runner, "mia-k", "--deidentify", *period()).stdout_bytes
    found = [line for line in raw.decode().splitlines() if leaked in line.lower()]
    assert found == []
