"""The sdist a distributor would take: it holds the tests, their data, the docs and the
examples, and installed from it in a fresh virtual environment, its fast tests pass.
Slow (a fresh environment, then the fast suite once more); `.ci/run` runs it, under
the newest other Python it finds ($OTJOURNAL_SDIST_PYTHON)."""

from __future__ import annotations

import os
import subprocess
import sys
import tarfile
import tomllib
from pathlib import Path

import pytest

from otjournal import __version__
from tests.conftest import REPO

pytestmark = pytest.mark.slow

MUST_SHIP = (
    "LICENSE",
    "CHANGELOG.md",
    "README.md",
    "pyproject.toml",
    "tests/conftest.py",
    "tests/helpers.py",
    "tests/terminal.py",
    "tests/data/bad/expected.toml",
    "examples/README.md",
    "docs/format.md",
    "docs/export.md",
    "src/otjournal/py.typed",
)


def run(*args: str | Path, cwd: Path, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(
        [str(a) for a in args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=1800,
    )
    assert done.returncode == 0, f"{args[:4]} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done.stdout


def test_the_metadata_names_one_version_and_an_spdx_licence():
    meta = tomllib.loads((REPO / "pyproject.toml").read_text("utf-8"))["project"]
    assert meta["license"] == "MIT" and "version" in meta["dynamic"]
    assert (REPO / "LICENSE").read_text("utf-8").startswith("MIT License")
    assert f"otj {__version__}" in run(sys.executable, "-m", "otjournal", "--version", cwd=REPO)


def test_the_sdist_carries_its_tests_and_passes_them(tmp_path: Path):
    out = tmp_path / "dist"
    run(sys.executable, "-m", "build", "--sdist", "--outdir", out, REPO, cwd=tmp_path)
    (sdist,) = out.glob("otjournal-*.tar.gz")
    assert sdist.name == f"otjournal-{__version__}.tar.gz"
    checked = run(sys.executable, "-m", "twine", "check", "--strict", sdist, cwd=tmp_path)
    assert "PASSED" in checked
    with tarfile.open(sdist) as tar:
        tar.extractall(tmp_path, filter="data")
    unpacked = tmp_path / f"otjournal-{__version__}"
    for name in MUST_SHIP:
        assert (unpacked / name).is_file(), name
    assert not list(unpacked.rglob("__pycache__")), "no compiled files shipped"

    venv = tmp_path / "venv"
    # .ci/run names another Python (3.13) here: the sdist's fast suite is then that
    # Python's run of the suite, which CI does not repeat from the checkout.
    python_of_venv = os.environ.get("OTJOURNAL_SDIST_PYTHON") or sys.executable
    run(python_of_venv, "-m", "venv", venv, cwd=tmp_path)
    python = venv / "bin" / "python"
    if python_of_venv != sys.executable:  # the suite below is that Python's run
        said = "import sys; print(sys.version)"
        assert run(python, "-c", said, cwd=tmp_path) == run(
            python_of_venv, "-c", said, cwd=tmp_path
        )
    run(python, "-m", "pip", "install", "--quiet", f"{unpacked}[test]", cwd=tmp_path)
    where = run(python, "-c", "import otjournal; print(otjournal.__file__)", cwd=tmp_path)
    assert str(venv) in where, "the installed package, not this checkout, is tested"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OTJOURNAL", "PYTEST"))}
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    summary = run(
        python, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-m", "not slow",
        "-x", cwd=unpacked, env=env,
    )  # fmt: skip
    assert " passed" in summary and " failed" not in summary
