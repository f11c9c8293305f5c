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


STAGES = ROOT / "src" / "textloop" / "stages"
ADAPTERS = ("cli", "web", "server")


def stage_imports_past_fronts(package_root: Path) -> list[str]:
    """``file:line module`` for every import under ``package_root`` of a module inside a
    stage package (``textloop.stages.VERB.sub``) rather than the package's front."""
    import ast

    found = []
    for path in sorted(package_root.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            modules = ([node.module] if isinstance(node, ast.ImportFrom) and node.module
                       else [a.name for a in node.names] if isinstance(node, ast.Import) else [])
            found += [f"{path}:{node.lineno} {module}" for module in modules
                      if module.startswith("textloop.stages.") and module.count(".") > 2]
    return found


def test_adapters_import_stage_fronts_only() -> None:
    """cli/, web/ and server/ use a verb through its package front (``textloop.stages.train``),
    so a stage may reorganise its modules without breaking an adapter."""
    reached = [hit for adapter in ADAPTERS
               for hit in stage_imports_past_fronts(ROOT / "src" / "textloop" / adapter)]
    assert reached == [], "adapters reach past a stage front:\n" + "\n".join(reached)


def test_a_planted_deep_import_is_found(tmp_path: Path) -> None:
    planted = tmp_path / "cmd.py"
    planted.write_text("from textloop.stages.train.training import train\n")
    hits = stage_imports_past_fronts(tmp_path)
    assert len(hits) == 1 and hits[0].endswith("cmd.py:1 textloop.stages.train.training")


@pytest.mark.parametrize("package", sorted(p.parent.name for p in STAGES.glob("*/__init__.py")))
def test_every_verb_package_names_its_public_api(package: str) -> None:
    """Each verb package's front has an ``__all__`` whose every name resolves."""
    import importlib

    front = importlib.import_module(f"textloop.stages.{package}")
    assert front.__all__, f"textloop.stages.{package} has no __all__"
    for name in front.__all__:
        assert getattr(front, name) is not None, f"textloop.stages.{package}.{name}"


def test_stages_holds_only_verb_packages() -> None:
    """No flat modules in stages/: shared pure computations live in measures/, task rules in
    tasks/ (docs/architecture.md)."""
    flat = sorted(p.name for p in STAGES.glob("*.py") if p.name != "__init__.py")
    assert flat == []
