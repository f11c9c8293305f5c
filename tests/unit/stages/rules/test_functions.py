"""Python rules (``module:callable``) load from the project folder; failures name the rule."""

from __future__ import annotations

import itertools
import sys
from pathlib import Path

import pytest

from textloop.config import Rule
from textloop.errors import ConfigError
from textloop.stages.rules.apply import apply_rules
from textloop.stages.rules.compile import compile_rules

LABELS = ["spam", "ham"]
_numbers = itertools.count()


def module_in(folder: Path, source: str) -> str:
    """Write a module with a fresh name (imports are cached per process); return the name."""
    name = f"user_rules_{next(_numbers)}"
    (folder / f"{name}.py").write_text(source)
    return name


def rule(name: str, target: str) -> Rule:
    return Rule(name=name, label="spam", function=target)


def test_function_rule_votes_any_label_or_abstains(tmp_path) -> None:
    module = module_in(tmp_path, "def shouty(text):\n"
                                 "    if text.isupper():\n        return 'spam'\n"
                                 "    return 'ham' if text.islower() else None\n")
    compiled = compile_rules([rule("shouty", f"{module}:shouty")], LABELS, tmp_path)
    votes = apply_rules(["BUY NOW", "hello there", "Hello There"], compiled)
    assert votes[:, 0].tolist() == [0, 1, -1]
    assert str(tmp_path) not in sys.path  # the project folder is only on the path to import


def test_missing_module_names_the_rule_and_the_folder(tmp_path) -> None:
    with pytest.raises(ConfigError, match=r"rule 'r1' \(function: nowhere_xyz:f\): no module") \
            as found:
        compile_rules([rule("r1", "nowhere_xyz:f")], LABELS, tmp_path)
    assert str(tmp_path) in found.value.hint


def test_missing_or_uncallable_attribute(tmp_path) -> None:
    module = module_in(tmp_path, "THRESHOLD = 3\n")
    with pytest.raises(ConfigError, match=rf"rule 'r2'.*{module}.missing does not exist"):
        compile_rules([rule("r2", f"{module}:missing")], LABELS, tmp_path)
    with pytest.raises(ConfigError, match=rf"{module}.THRESHOLD is not callable"):
        compile_rules([rule("r3", f"{module}:THRESHOLD")], LABELS, tmp_path)


def test_module_that_fails_to_import(tmp_path) -> None:
    broken = module_in(tmp_path, "raise RuntimeError('boom')\n")
    with pytest.raises(ConfigError, match=r"rule 'r4'.*importing .* failed: RuntimeError: boom"):
        compile_rules([rule("r4", f"{broken}:f")], LABELS, tmp_path)
    needs = module_in(tmp_path, "import not_installed_pkg_xyz\n")
    with pytest.raises(ConfigError, match="rule 'r5'") as found:
        compile_rules([rule("r5", f"{needs}:f")], LABELS, tmp_path)
    assert "install 'not_installed_pkg_xyz'" in found.value.hint


def test_function_that_raises_or_returns_an_unknown_label(tmp_path) -> None:
    module = module_in(tmp_path, "def crash(text):\n    return 1 / 0\n"
                                 "def odd(text):\n    return 'eggs'\n")
    crashing = compile_rules([rule("crash", f"{module}:crash")], LABELS, tmp_path)
    with pytest.raises(ConfigError, match=r"rule 'crash' raised ZeroDivisionError.*'some text'"):
        apply_rules(["some text"], crashing)
    odd = compile_rules([rule("odd", f"{module}:odd")], LABELS, tmp_path)
    with pytest.raises(ConfigError, match="rule 'odd' returned 'eggs'") as found:
        apply_rules(["some text"], odd)
    assert "spam, ham" in found.value.hint
