"""The import contracts in pyproject.toml (`make test` runs `lint-imports`) catch a violation.

Each test copies the code and the contracts into a temporary folder, checks that the copy
keeps every contract, makes one deliberate violation there and checks that `lint-imports`
fails and names the broken contract. The project's own files are never touched.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

LAYERS = "Arrows one way"
STORE_STORES = "The store stores; it does not decide"
NO_CYCLES = "No import cycles between the modules of nextround"
STREAMLIT_IN_UI = "Only nextround.ui (and the pages) import Streamlit"


def _lint(tree: Path) -> subprocess.CompletedProcess[str]:
    """`lint-imports` on `tree`, the copy first on the import path, as `make test` runs it."""
    env = {**os.environ, "PYTHONPATH": str(tree), "COLUMNS": "300", "NO_COLOR": "1"}
    return subprocess.run(
        [sys.executable, "-c", "from importlinter.cli import lint_imports_command as c; c()",
         "--no-cache", "--no-logo"],
        cwd=tree, env=env, capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the code and its contracts that keeps every contract."""
    tree = tmp_path_factory.mktemp("contracts") / "project"
    ignore = shutil.ignore_patterns("__pycache__")
    for folder in ("nextround", "app_pages"):
        shutil.copytree(ROOT / folder, tree / folder, ignore=ignore)
    shutil.copy2(ROOT / "pyproject.toml", tree / "pyproject.toml")
    kept = _lint(tree)
    assert kept.returncode == 0, kept.stdout + kept.stderr
    return tree


def _broken_after(pristine: Path, tmp_path: Path, module: str, line: str) -> tuple[str, str]:
    """Append `line` to `module` (a path under the copy); return the names of the contracts
    lint-imports reports broken, one a line, and all it printed."""
    tree = tmp_path / "project"
    shutil.copytree(pristine, tree)
    with (tree / module).open("a", encoding="utf-8") as source:
        source.write(f"\n{line}\n")
    result = _lint(tree)
    assert result.returncode != 0, result.stdout
    broken = [row for row in result.stdout.splitlines() if " BROKEN" in row]
    return "\n".join(broken), result.stdout


def test_models_importing_the_ui_breaks_the_layers(pristine: Path, tmp_path: Path) -> None:
    broken, out = _broken_after(pristine, tmp_path, "nextround/models.py", "import nextround.ui")
    assert LAYERS in broken, out
    assert "nextround.models -> nextround.ui" in out


def test_an_import_inside_a_function_counts(pristine: Path, tmp_path: Path) -> None:
    """The cycle issue 15 found was hidden in imports made inside functions."""
    broken, out = _broken_after(pristine, tmp_path, "nextround/clock.py",
                                "def _later():\n    from nextround import agenda  # noqa: F401")
    assert LAYERS in broken, out
    assert NO_CYCLES in broken, out  # agenda imports clock: a cycle
    assert "nextround.clock -> nextround.agenda" in out


def test_the_store_importing_a_domain_module_is_named(pristine: Path, tmp_path: Path) -> None:
    broken, out = _broken_after(pristine, tmp_path, "nextround/store/backups.py",
                                "from nextround import metrics  # noqa: F401")
    assert STORE_STORES in broken, out
    assert "nextround.store.backups -> nextround.metrics" in out


def test_streamlit_outside_the_ui_is_named(pristine: Path, tmp_path: Path) -> None:
    broken, out = _broken_after(pristine, tmp_path, "nextround/charts.py", "import streamlit")
    assert broken == f"{STREAMLIT_IN_UI} BROKEN", out  # and every other contract holds
