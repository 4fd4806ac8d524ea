"""The folders are the architecture: each part may import only the parts below it.

    cli ─ prompts ─ views ─ numbers ─┐
        demo   forms   sync ── disk ─┼─ model, dates, paths, errors
                config ──────── disk ┘
    clock (what time it is), textcodec (what an encoding is) and frozen (how a value
    class is made): any part may import them; they import nothing.

An arrow up (a view importing the CLI, the store importing a form) fails here, with the
module and the line, so the layering stays something a newcomer can rely on.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parent.parent / "src" / "otjournal"
BASE = {"errors", "paths", "model", "dates"}
ANYWHERE = {"clock", "textcodec", "frozen"}  # every part may ask them; they import nothing
ALLOWED: dict[str, set[str]] = {
    "clock": set(),
    "textcodec": set(),
    "frozen": set(),
    "errors": set(),
    "paths": set(),
    "model": {"errors"},
    "dates": {"errors", "model"},
    "disk": BASE,
    "sync": BASE | {"disk"},
    "config": BASE | {"disk"},
    "numbers": BASE,
    "forms": BASE | {"disk", "config"},
    "views": BASE | {"numbers", "disk"},
    "prompts": BASE | {"forms", "views", "config"},
    "demo": BASE | {"disk"},
}
TOP = {"cli", "__main__", "__init__"}  # may import anything


def _part(path: Path) -> str:
    rel = path.relative_to(SRC)
    return rel.parts[0] if len(rel.parts) > 1 else rel.stem


def _imports(path: Path) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = node.module.split(".")
            if names[0] != "otjournal":
                continue
            if len(names) > 1:
                found.append((node.lineno, names[1]))
            else:  # from otjournal import x, y
                found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.Import):
            for alias in node.names:
                names = alias.name.split(".")
                if names[0] == "otjournal" and len(names) > 1:
                    found.append((node.lineno, names[1]))
    return found


MODULES = sorted(SRC.rglob("*.py"))


def test_every_part_has_a_rule() -> None:
    parts = {_part(p) for p in MODULES}
    assert parts, "no modules found"
    assert parts - TOP <= set(ALLOWED), parts - TOP - set(ALLOWED)


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(SRC)))
def test_no_arrow_up(path: Path) -> None:
    part = _part(path)
    if part in TOP:
        return
    allowed = ALLOWED[part] | ANYWHERE | {part, "__version__"}
    wrong = [f"line {n}: {part} imports {dep}" for n, dep in _imports(path) if dep not in allowed]
    assert not wrong, f"{path.relative_to(SRC)}: " + "; ".join(wrong)


def test_the_rule_can_fail(tmp_path: Path) -> None:
    """The checker sees a function-level import of the CLI (an arrow up)."""
    bad = tmp_path / "bad.py"
    bad.write_text("def f():\n    from otjournal.cli import common\n")
    assert _imports(bad) == [(2, "cli")]


def test_commands_are_thin() -> None:
    """cli/ parses, calls one function and renders: no function there runs past ~60 lines
    (the options of a command's signature included); longer logic belongs in a pure module."""
    cli = sorted((SRC / "cli").glob("*.py"))
    assert cli
    long = []
    for path in cli:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                lines = (node.end_lineno or node.lineno) - node.lineno + 1
                if lines > 65:
                    long.append(f"{path.name}:{node.lineno} {node.name} ({lines} lines)")
    assert not long, long
