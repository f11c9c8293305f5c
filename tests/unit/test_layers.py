"""The layer contracts of docs/architecture.md, checked with import-linter.

The contracts live in ``pyproject.toml`` (``[tool.importlinter]``); a broken one fails here
with import-linter's own message (which module imports which, at which line).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("importlinter", reason='pip install -e ".[dev]" (import-linter)')

ROOT = Path(__file__).resolve().parents[2]
LINT = "from importlinter.cli import lint_imports_command; lint_imports_command()"


def _lint(root: Path) -> subprocess.CompletedProcess[str]:
    """``lint-imports`` on the package under ``root/src`` with ``root/pyproject.toml``."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(root / "src"), *sys.path])}
    return subprocess.run([sys.executable, "-c", LINT, "--no-cache"], cwd=root, env=env,
                          capture_output=True, text=True, timeout=300)


def test_import_contracts_are_kept() -> None:
    result = _lint(ROOT)
    if result.returncode != 0:
        pytest.fail("import-linter found a broken layer contract:\n"
                    + result.stdout + result.stderr, pytrace=False)
    assert "0 broken" in result.stdout


def test_a_report_importing_a_stage_breaks_the_contracts(tmp_path: Path) -> None:
    """The contracts catch what they promise to: a planted ``reports -> stages`` import."""
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    shutil.copytree(ROOT / "src" / "textloop", tmp_path / "src" / "textloop",
                    ignore=shutil.ignore_patterns("__pycache__", "static", "templates"))
    (tmp_path / "src" / "textloop" / "reports" / "planted.py").write_text(
        "from textloop.stages.train.training import train\n")
    result = _lint(tmp_path)
    assert result.returncode != 0
    assert "textloop.reports.planted -> textloop.stages.train.training" in result.stdout
    assert "Reports never import stages" in result.stdout
