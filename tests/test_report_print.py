"""The HTML report printed to PDF in headless Chromium: A4 pages, and on every page a
goal's heading is on the same page as its chart (the chart's caption, just below it,
is the visible mark of the chart in the PDF's text)."""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import date, datetime, timedelta
from pathlib import Path
from random import Random

import pytest

from otjournal.cli import app
from otjournal.disk.store import Journal
from otjournal.model import Goal, GoalRating, PlanPeriod
from otjournal.views.report_render import CSS
from tests.conftest import TZ, make_client, make_session
from tests.helpers import Runner
from tests.test_report import chromium, needs_chromium

GOALS = [
    ("g1", "Laces both shoes before school"),
    ("g2", "Uses the calm-body plan when the bell rings"),
    ("g3", "Asks a friend to play at lunch"),
    ("g4", "Writes his name on the line"),
    ("g5", "Packs his school bag with a picture list"),
    ("g6", "Eats three new foods at dinner"),
    ("g7", "Rides the scooter to the park"),
    ("g8", "Tells his teacher when it is too loud"),
]
WORDS = [
    "tried",
    "again",
    "with",
    "the",
    "card",
    "and",
    "then",
    "chose",
    "the",
    "next",
    "step",
    "himself",
]


def evidence(goal: int, week: int) -> str:
    if goal % 3:
        return ""  # some goals short, some long: goals share pages, breaks fall anywhere
    n = 2 + (goal * 7 + week * 5) % 17  # lengths that differ, so breaks fall anywhere
    return " ".join(WORDS[(goal + week + i) % len(WORDS)] for i in range(n)).capitalize() + "."


@pytest.fixture
def long_report(notes: Path, clock, runner: Runner, tmp_path: Path) -> Path:
    clock.set(datetime(2026, 6, 30, 12, tzinfo=TZ))
    j = Journal(notes)
    j.add_client(
        make_client(
            "leo-p",
            display_name="Leo P",
            plan_period=PlanPeriod(date(2026, 1, 1), date(2026, 12, 31), "NDIS"),
            goals=tuple(
                Goal(gid, text, baseline=-2, baseline_on=date(2026, 1, 1)) for gid, text in GOALS
            ),
        )
    )
    first = datetime(2026, 1, 12, 10, tzinfo=TZ)
    for week in range(10):
        s = make_session(
            "leo-p",
            first + timedelta(weeks=week),
            goals=tuple(
                GoalRating(gid, (week // 3) - 2, evidence(i, week))
                for i, (gid, _) in enumerate(GOALS)
            ),
        )
        j.add_session(s, rng=Random(week))
    out = tmp_path / "leo.html"
    done = runner.invoke(app, ["report", "leo-p", "--format", "html", "-o", str(out)])
    assert done.exit_code == 0, done.output
    return out


def print_pdf(html: Path, profile: Path) -> Path:
    pdf = html.with_suffix(".pdf")
    done = chromium(
        profile, "--no-pdf-header-footer", f"--print-to-pdf={pdf}", html.as_uri(), timeout=120
    )
    assert done.returncode == 0, done.stderr.decode(errors="replace")[-2000:]
    return pdf


def pages(pdf: Path) -> list[str]:
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, check=True
    ).stdout.decode("utf-8")
    return ["".join(page.split()) for page in text.split("\f") if page.strip()]


def split_goals(pages: list[str]) -> list[str]:
    """The goals whose heading and chart caption are on different pages (or missing)."""
    split = []
    for gid, text in GOALS:
        heading = "".join(f"{gid}: {text}".split())
        caption = "".join(f"GAS ratings for {gid}, interim and review.".split())
        on = [i for i, p in enumerate(pages) if heading in p]
        charted = [i for i, p in enumerate(pages) if caption in p]
        if len(on) != 1 or on != charted:
            split.append(gid)
    return split


needs_pdftotext = pytest.mark.skipif(
    shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) is not installed"
)


@needs_chromium
@needs_pdftotext
def test_every_goal_heading_prints_on_the_page_of_its_chart(long_report, tmp_path):
    pdf = print_pdf(long_report, tmp_path / "profile")
    data = pdf.read_bytes()
    boxes = re.findall(rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]", data)
    assert boxes, "no page found in the PDF"
    assert {(round(float(w)), round(float(h))) for w, h in boxes} == {(595, 842)}  # A4
    printed = pages(pdf)
    assert len(printed) >= 4, "the report is long enough to break across pages"
    with_goals = [i for i, p in enumerate(printed) if any(g in p for g, _ in GOALS)]
    assert len(set(with_goals)) >= 3, "goals fall on several pages"
    assert split_goals(printed) == []


@needs_chromium
@needs_pdftotext
def test_the_check_can_fail_without_the_keep_rule(long_report, tmp_path):
    """The same report with the goal block free to break: some heading leaves its chart
    behind, so the test above would see it."""
    html = long_report.read_text(encoding="utf-8")
    loose = CSS.replace(".goal{break-inside:avoid;page-break-inside:avoid}", "").replace(
        "svg,table{break-inside:avoid}", "table{break-inside:avoid}"
    )
    assert loose != CSS and CSS in html
    free = long_report.with_name("loose.html")
    free.write_text(html.replace(CSS, loose + "h3{break-after:auto!important}"), encoding="utf-8")
    assert split_goals(pages(print_pdf(free, tmp_path / "profile"))) != []


@needs_chromium
@needs_pdftotext
def test_a_word_longer_than_the_page_is_printed_whole(notes, clock, runner, tmp_path):
    """A URL pasted into evidence is one word wider than an A4 page: it wraps onto the
    next lines, every character printed (it was cut at the page's edge)."""
    clock.set(datetime(2026, 6, 30, 12, tzinfo=TZ))
    url = "https://example.org/" + "Supercalifragilistic" * 10 + "/end"
    j = Journal(notes)
    plan = PlanPeriod(date(2026, 1, 1), date(2026, 12, 31), "NDIS")  # a long period line
    goals = (Goal("g1", "Bus"),)
    j.add_client(make_client("ann-b", display_name="Ann B", plan_period=plan, goals=goals))
    rating = GoalRating("g1", 0, f"Read {url} aloud")
    j.add_session(make_session("ann-b", datetime(2026, 6, 1, 10, tzinfo=TZ), goals=(rating,)))
    out = tmp_path / "ann.html"
    done = runner.invoke(app, ["report", "ann-b", "--format", "html", "-o", str(out)])
    assert done.exit_code == 0, done.output
    printed = "".join(pages(print_pdf(out, tmp_path / "profile")))
    assert url in printed and "aloud" in printed
    # Only such a word is broken: the header's labels stay whole (they were squeezed
    # to "Participan / t" when every word could break anywhere).
    layout = subprocess.run(
        ["pdftotext", "-layout", "-enc", "UTF-8", str(out.with_suffix(".pdf")), "-"],
        capture_output=True,
        check=True,
    ).stdout.decode("utf-8")
    for label in ("Participant", "Reporting", "Practitioner", "Registration"):
        assert re.search(rf"^\s*{label}\b", layout, re.MULTILINE), (label, layout[:1500])
