"""``--json`` as a contract (issue 17 item 3): every reading command's document is one
object whose first key names its shape (``otjournal.NAME/1``), checked against its JSON
Schema in docs/schemas/ and described in docs/json.md, with no documented key missing.

Run on a demo journal with a few additions (an adult client with a hierarchy and
exposure practice, a client with nothing yet, a conflict copy, a draft) and on an
empty notes folder. The commands are found by walking the CLI: a command that gains
``--json`` without a schema file and a section in docs/json.md fails here, and so does
a schema file no command prints. Documents of commands not built yet (their schema
file arrives first) are skipped, saying so.
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import typer

from otjournal.cli import app
from otjournal.forms.drafts import default_drafts
from otjournal.model import GoalRating, Plan
from otjournal.model.fields import whole
from otjournal.model.measures import ORS_ITEMS, Ors
from tests.conftest import REPO, TZ, make_session
from tests.helpers import Runner

SCHEMAS = REPO / "docs" / "schemas"
JSON_MD = REPO / "docs" / "json.md"
END = "2026-06-30"
TODAY = datetime(2026, 7, 1, 9, 0, tzinfo=TZ)

# How to run each document's command: on the full journal, and (second) on an empty
# notes folder where the command reads one without a client (None: it needs a client).
RUNS: dict[str, tuple[list[list[str]], list[str] | None]] = {
    "path": ([["path"]], ["path"]),
    "list": ([["list"], ["list", "lee-w"], ["list", "kit-b"]], ["list"]),
    "show": ([["show", "@first"], ["show", "@last"]], None),
    "check": ([["check"]], ["check"]),
    "doctor": ([["doctor"]], ["doctor"]),
    "client-list": ([["client", "list", "--all"]], ["client", "list"]),
    "client-show": ([["client", "show", h] for h in ("mia-k", "lee-w", "kit-b")], None),
    "goal-list": ([["goal", "list", h, "--all"] for h in ("mia-k", "kit-b")], None),
    "hierarchy-list": ([["hierarchy", "list", h] for h in ("lee-w", "kit-b")], None),
    "homework-list": ([["homework", "list"], ["homework", "list", "kit-b"]], ["homework", "list"]),
    "homework-summary": (
        [["homework", "summary", h] for h in ("mia-k", "lee-w", "kit-b")],
        None,
    ),
    "trends": ([["trends", h] for h in ("mia-k", "lee-w", "kit-b")], None),
    "trends-overview": ([["trends"]], ["trends"]),
    "report": ([["report", h, "--since", "2026-01-01"] for h in ("mia-k", "kit-b")], None),
    "drafts": ([["drafts"]], ["drafts"]),
    "config": ([["config"]], ["config"]),
    "conflicts": ([["conflicts"]], ["conflicts"]),
    "keys": ([["keys", "list"]], ["keys", "list"]),
    # Built on their own branches: run once the command is there.
    "search": ([["search", "calm"]], ["search", "calm"]),
    "due": ([["due"]], ["due"]),
}
EXIT_1_WHEN = {"check", "doctor"}  # exit 1 with ok false: the document is still printed
MIXED_ROWS = (".blocks", ".recent")  # report blocks, homework entries: each kind its keys


# -- the journals ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo journal (seed 3) plus Lee (an adult, no goals, a hierarchy with one
    practice), Kit (a client with nothing yet) and a conflict copy of a session."""
    base = tmp_path_factory.mktemp("contract")
    root = base / "notes"
    env = {"OTJOURNAL_DIR": str(root), "HOME": str(base), "NO_COLOR": "1"}
    for var in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
        env[var] = str(base / var.lower())
    runner = Runner()
    steps = [
        ["demo", "--dir", str(root), "--seed", "3", "--end", END, "-q"],
        ["client", "add", "lee-w", "--name", "Lee W.", "--adult", "--framework", "descriptive"],
        ["hierarchy", "add", "lee-w", "Stand at the bus stop", "--suds", "30"],
        ["hierarchy", "add", "lee-w", "Ride the bus one stop", "--suds", "50"],
        ["homework", "log", "lee-w", "--kind", "exposure", "--step", "s1", "--at",
         "2026-06-20 10:00", "--suds-before", "40", "--suds-peak", "60", "--suds-after", "20",
         "--by", "Lee", "--no-input"],
        ["client", "add", "kit-b", "--name", "Kit B."],
    ]  # fmt: skip
    for args in steps:
        result = runner.invoke(app, args, env=env)
        assert result.exit_code == 0, (args, result.output)
    first = sorted((root / "clients" / "mia-k").glob("sessions/*.toml"))[0]
    shutil.copy(first, first.with_name(f"{first.stem}.sync-conflict-20260601-101500-ABCDEF1.toml"))
    # A homework entry for an assignment no session gave: a warning that has no hint.
    entry = next(
        p
        for p in sorted(root.glob("clients/mia-k/homework/*.toml"))
        if re.search(r'^assignment = "', p.read_text("utf-8"), re.MULTILINE)
    )
    text = entry.read_text("utf-8")
    entry.write_text(re.sub(r'(?m)^assignment = ".*"$', 'assignment = "hw-gone"', text), "utf-8")
    return root


@pytest.fixture
def journals(demo_root: Path, tmp_path: Path, clock) -> dict[str, Path]:
    """The full journal and an empty one; the clock the day after the demo ends; one
    draft waiting (drafts live in this test's own state folder)."""
    clock.set(TODAY)
    drafts = default_drafts()
    drafts.save(drafts.new("log", "mia-k", TODAY, {}), TODAY)
    return {"full": demo_root, "empty": tmp_path / "nothing-here"}


def run_json(runner: Runner, root: Path, args: list[str], name: str) -> dict[str, Any]:
    args = [_session_id(root, a) for a in args]
    result = runner.invoke(app, [*args, "--json"], env={"OTJOURNAL_DIR": str(root)})
    allowed = (0, 1) if name in EXIT_1_WHEN else (0,)
    assert result.exit_code in allowed, (args, result.output)
    doc = json.loads(result.stdout)
    assert isinstance(doc, dict), f"{args}: one object, never a bare array"
    return doc


def _session_id(root: Path, arg: str) -> str:
    """``@first`` and ``@last``: the first and the last session of the journal by id."""
    if not arg.startswith("@"):
        return arg
    ids = sorted(p.stem for p in root.glob("clients/*/sessions/*.toml") if "." not in p.stem)
    return ids[0] if arg == "@first" else ids[-1]


# -- what is documented ---------------------------------------------------------------


def schema_files() -> dict[str, Path]:
    return {p.stem: p for p in sorted(SCHEMAS.glob("*.json"))}


def schema(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(schema_files()[name].read_text("utf-8"))
    return data


HEADING = re.compile(r"## `otjournal\.([a-z-]+)/1`: otj ([a-z ]+)")


def documented_sections() -> dict[str, str]:
    """docs/json.md's document headings, ``## `otjournal.NAME/1`: otj COMMAND``: each
    schema name with its command's words."""
    found = {}
    for line in JSON_MD.read_text("utf-8").splitlines():
        m = HEADING.fullmatch(line)
        if m:
            assert m.group(1) not in found, f"two sections for {m.group(1)}"
            found[m.group(1)] = m.group(2)
    return found


def json_commands() -> set[str]:
    """Every command of the CLI that takes --json, as words (``client list``)."""
    found: set[str] = set()

    def walk(command: Any, words: list[str]) -> None:
        options = {o for p in command.params for o in getattr(p, "opts", ())}
        if "--json" in options:
            found.add(" ".join(words))
        for name, sub in getattr(command, "commands", {}).items():
            walk(sub, [*words, name])

    walk(typer.main.get_command(app), [])
    return found


def command_exists(words: str) -> bool:
    return words in json_commands()


def objects(schema_node: Any, where: str = "#") -> Iterator[tuple[str, dict[str, Any]]]:
    """Every object schema with ``properties`` in a schema, with where it is."""
    if isinstance(schema_node, dict):
        if "properties" in schema_node:
            yield where, schema_node
        for key, value in schema_node.items():
            yield from objects(value, f"{where}/{key}")
    elif isinstance(schema_node, list):
        for i, value in enumerate(schema_node):
            yield from objects(value, f"{where}/{i}")


# -- the documents --------------------------------------------------------------------


def documents(runner: Runner, journals: dict[str, Path], name: str) -> list[dict[str, Any]]:
    full, empty = RUNS[name]
    docs = [run_json(runner, journals["full"], args, name) for args in full]
    if empty is not None:
        docs.append(run_json(runner, journals["empty"], empty, name))
    return docs


@pytest.mark.parametrize("name", sorted(RUNS))
def test_each_document_fits_its_schema(runner, journals, name):
    words = documented_sections()[name]
    if not command_exists(words):
        pytest.skip(f"'otj {words}' is not built on this branch yet (its schema may be)")
    assert name in schema_files(), f"docs/schemas/{name}.json is missing"
    validator = jsonschema.Draft202012Validator(
        schema(name), format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )
    docs = documents(runner, journals, name)
    assert docs
    for doc in docs:
        assert next(iter(doc)) == "schema", "the schema key comes first"
        assert doc["schema"] == f"otjournal.{name}/1"
        # The schema allows keys added later (for scripts); here every key is documented.
        undocumented = set(doc) - set(schema(name)["properties"])
        assert not undocumented, f"not in docs/schemas/{name}.json: {sorted(undocumented)}"
        errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.absolute_path))
        assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors)
        assert_rows_alike(doc)


def test_a_problem_without_a_hint_has_an_empty_one(runner, journals):
    """The schema says ``hint`` is text, "" when there is none (never null)."""
    doc = run_json(runner, journals["full"], ["check"], "check")
    hints = [p["hint"] for p in doc["problems"]]
    assert "" in hints and None not in hints


def assert_rows_alike(node: Any, where: str = "") -> None:
    """No key left out because its value is empty: in every list of objects, each row
    has the same keys (the journals hold no hand-added keys that would differ)."""
    if isinstance(node, dict):
        for key, value in node.items():
            assert_rows_alike(value, f"{where}.{key}")
    elif isinstance(node, list):
        rows = [r for r in node if isinstance(r, dict)]
        if rows and len(rows) == len(node) and not where.endswith(MIXED_ROWS):
            first = set(rows[0])
            for i, row in enumerate(rows):
                assert set(row) == first, f"{where}[{i}]: {sorted(set(row) ^ first)}"
        for i, value in enumerate(node):
            assert_rows_alike(value, f"{where}[{i}]")


def test_whole_puts_back_what_the_file_leaves_out_and_nothing_else():
    note = make_session(
        goals=(GoalRating("g1"),),
        plan=Plan("Followed the lead."),
        ors=Ors((1, 2, 3, 4)),
        extra={"room": "3"},
    )
    written, full = note.to_dict(), whole(note)
    assert "risk" not in written and full["risk"] is None
    assert "techniques" not in written and full["techniques"] == []
    assert written["goals"] == [{"goal": "g1"}]
    assert full["goals"] == [
        {
            "goal": "g1",
            "gas": None,
            "evidence": "",
            "copm_performance": None,
            "copm_satisfaction": None,
        }
    ]
    assert full["plan"] == {"summary": "Followed the lead.", "next_focus": "", "homework": []}
    assert full["ors"] == dict(zip(ORS_ITEMS, (1, 2, 3, 4), strict=True)), "no items key"
    assert full["room"] == "3", "a hand-added key comes along"
    assert full["late_entry"] is False and full["regulation"]["framework"] == "zones"


def test_the_full_journal_fills_the_rows_that_matter(runner, journals):
    """The journal the shapes are checked on has rows where they count: a check that
    runs over empty lists proves nothing."""
    full = journals["full"]
    assert run_json(runner, full, ["conflicts"], "conflicts")["conflicts"]
    assert run_json(runner, full, ["drafts"], "drafts")["drafts"]
    assert run_json(runner, full, ["hierarchy", "list", "lee-w"], "hierarchy-list")["steps"]
    sessions = run_json(runner, full, ["list"], "list")["sessions"]
    assert len(sessions) > 50
    assert any(not s["goals"] for s in sessions), "a session rates no goal: goals is []"
    assert any(s["goals"] for s in sessions)
    lee = run_json(runner, full, ["client", "show", "lee-w"], "client-show")
    assert lee["goals"] == [] and lee["date_of_birth"] is None and lee["hierarchy"]


@pytest.mark.parametrize("name", sorted(schema_files()))
def test_each_schema_documents_every_key_it_names(name):
    """A schema requires every key it describes (so a dropped key fails validation) and
    allows keys added later at the top (the versioning rule in docs/json.md)."""
    data = schema(name)
    assert data.get("$schema") == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(data)
    assert data.get("additionalProperties", True) is not False, "additive changes keep /1"
    assert next(iter(data["properties"])) == "schema"
    assert data["properties"]["schema"] == {"const": f"otjournal.{name}/1"}
    found = list(objects(data))
    assert found
    for where, node in found:
        missing = set(node["properties"]) - set(node.get("required", ()))
        assert not missing, f"{name}.json {where}: not required: {sorted(missing)}"


def test_every_json_command_has_a_schema_and_a_section_and_back():
    sections = documented_sections()
    files = set(schema_files())
    commands = json_commands()
    assert len(commands) >= 16
    assert files <= set(sections), f"no section in docs/json.md: {sorted(files - set(sections))}"
    assert set(sections) <= set(RUNS), "each document is run above"
    assert commands <= set(sections.values()), "--json without a section in docs/json.md"
    # A section without its command or schema file: one built on another branch, to merge.
    pending = {n for n, words in sections.items() if words not in commands}
    assert pending <= {"search", "due"}, pending
    assert set(sections) - files <= pending, f"no schema file: {set(sections) - files - pending}"


def test_each_section_names_every_key_of_its_schema():
    """docs/json.md's table for a document lists each top-level key its schema has."""
    text = JSON_MD.read_text("utf-8")
    parts = re.split(r"^## `otjournal\.([a-z-]+)/1`.*$", text, flags=re.M)
    sections = dict(zip(parts[1::2], parts[2::2], strict=True))
    assert sections
    for name in schema_files():
        keys = [k for k in schema(name)["properties"] if k != "schema"]
        missing = [k for k in keys if f"| `{k}` |" not in sections[name]]
        assert not missing, f"docs/json.md, {name}: {missing}"


def test_the_versioning_rule_is_written_down():
    text = JSON_MD.read_text("utf-8")
    assert "## Versions" in text and "/2" in text
    for name in schema_files():
        assert f"schemas/{name}.json" in text, name


def _strict(text: str) -> Any:
    def refuse(constant: str) -> Any:
        raise ValueError(f"not JSON: {constant}")

    return json.loads(text, parse_constant=refuse)


def test_a_number_json_has_no_form_for_is_toml_s_text(runner: Runner, tmp_path: Path, clock):
    """``nan`` and ``inf`` in keys added by hand: valid JSON for a strict reader (Python's
    ``parse_constant``, JavaScript's ``JSON.parse``), not a bare NaN."""
    root = tmp_path / "j"
    assert runner.invoke(app, ["demo", "--dir", str(root), "-q", "--sessions", "5"]).exit_code == 0
    note = sorted(root.glob("clients/*/sessions/*.toml"))[0]
    text = note.read_text("utf-8")
    assert '\nkind = "session"\n' in text
    note.write_text(
        text.replace(
            '\nkind = "session"\n',
            '\nkind = "session"\nx = nan\ny = -inf\nz = [inf, -nan, 0.5]\n',
        ),
        "utf-8",
    )
    env = {"OTJOURNAL_DIR": str(root)}
    shown = runner.invoke(app, ["show", note.stem.rsplit("_", 1)[1], "--json"], env=env)
    assert shown.exit_code == 0, shown.output
    extra = _strict(shown.stdout)
    found = {k: extra[k] for k in ("x", "y", "z") if k in extra} or {
        k: v
        for part in extra.values()
        if isinstance(part, dict)
        for k, v in part.items()
        if k in ("x", "y", "z")
    }
    assert found == {"x": "nan", "y": "-inf", "z": ["inf", "-nan", 0.5]}
    listed = runner.invoke(app, ["list", "--json"], env=env)
    assert listed.exit_code == 0, listed.output
    _strict(listed.stdout)
