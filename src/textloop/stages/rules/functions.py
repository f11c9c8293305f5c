"""Rules written in Python: ``function: module:callable``, imported from the project folder.

The callable takes a text and returns a label name or None (abstain). Every way this can go
wrong (no such module or callable, an exception, an unknown label) is reported as a
``ConfigError`` that names the rule, because the fix is in the user's code or textloop.yaml.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable
from pathlib import Path

from textloop.errors import ConfigError


def load_function(rule_name: str, target: str, root: Path) -> Callable[[str], str | None]:
    """Import ``module:callable`` with ``root`` first on ``sys.path`` (then restore the path)."""
    module_name, _, attribute = target.partition(":")
    where = f"rule {rule_name!r} (function: {target})"
    sys.path.insert(0, str(root))
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if not _is_the_module(exc.name, module_name):  # the user's module imports something
            raise ConfigError(f"{where}: importing {module_name!r} failed: {exc}",
                              hint=f"install {exc.name!r} or remove that import") from None
        raise ConfigError(f"{where}: no module named {exc.name or module_name!r}",
                          hint=f"put {module_name.replace('.', '/')}.py in the project folder "
                               f"{root}, or fix the module name in textloop.yaml") from None
    except Exception as exc:
        raise ConfigError(f"{where}: importing {module_name!r} failed: "
                          f"{type(exc).__name__}: {exc}",
                          hint=f"fix the error in {module_name}") from exc
    finally:
        sys.path.remove(str(root))
    function = getattr(module, attribute, None)
    if not callable(function):
        found = "is not callable" if function is not None else "does not exist"
        raise ConfigError(f"{where}: {module_name}.{attribute} {found}",
                          hint=f"define `def {attribute}(text: str) -> str | None` in "
                               f"{module_name}, or fix the name in textloop.yaml")
    return function


def _is_the_module(missing: str | None, module_name: str) -> bool:
    """Whether the module that was not found is the rule's own module (or a parent package)."""
    return missing is None or module_name == missing or module_name.startswith(missing + ".")


def call_rule(rule_name: str, function: Callable[[str], object], text: str,
              labels: dict[str, int]) -> int:
    """The class index a function rule votes for ``text``, or -1 when it returns None."""
    try:
        answer = function(text)
    except Exception as exc:
        raise ConfigError(f"rule {rule_name!r} raised {type(exc).__name__}: {exc} on the text "
                          f"{_snippet(text)!r}",
                          hint="make the function return None for texts it cannot judge") from exc
    if answer is None:
        return -1
    index = labels.get(answer) if isinstance(answer, str) else None
    if index is None:
        raise ConfigError(f"rule {rule_name!r} returned {answer!r} for the text "
                          f"{_snippet(text)!r}, which is not a label of this project",
                          hint=f"return one of {', '.join(labels)} or None")
    return index


def _snippet(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[:limit] + "..."
