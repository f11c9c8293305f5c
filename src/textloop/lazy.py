"""Package fronts that import their modules when a name is first used (PEP 562).

A stage package names its public API in ``__init__``. Imported eagerly, that front made
every CLI command pay for the stage's dependencies on start (the crawler's HTTP client, the
importer's store and NumPy), and even a light submodule the CLI reads a default from
(``stages.crawl.options``, ``stages.ingest.source``) ran the whole front first. With
``lazy_front`` the package imports nothing until one of its names is asked for; type
checkers still see the names through the package's ``if TYPE_CHECKING:`` imports.

A front may name a function after the module that holds it (``active_learn.suggest`` in
``active_learn/suggest.py``). Python binds a submodule on its package once it is loaded,
whoever loads it, which used to hide the function: after ``refresh`` (whose module imports
``suggest.py``), ``from textloop.stages.active_learn import suggest`` gave the module. A
front therefore does not let a submodule take the place of a name it exports.
"""

from __future__ import annotations

import importlib
import sys
import types

TYPE_CHECKING = False  # as typing.TYPE_CHECKING, without importing typing (10 ms)

if TYPE_CHECKING:  # annotations only: `import textloop` loads neither typing nor abc
    from collections.abc import Callable, Mapping, Sequence
    from typing import Any


def lazy_front(package: str, modules: Mapping[str, Sequence[str]]
               ) -> tuple[list[str], Callable[[str], Any]]:
    """(``__all__``, ``__getattr__``) for ``package``: each name in ``modules[MODULE]`` is
    imported from ``package.MODULE`` on first use and then kept on the package."""
    where = {name: module for module, names in modules.items() for name in names}

    def __getattr__(name: str) -> Any:
        if name not in where:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(f"{package}.{where[name]}"), name)
        setattr(sys.modules[package], name, value)
        return value

    front = sys.modules[package]
    front.__class__ = type("LazyFront", (_Front,), {"_exported": frozenset(where)})
    return sorted(where), __getattr__


class _Front(types.ModuleType):
    """A package front: a submodule loaded later never replaces an exported name."""

    _exported: frozenset[str] = frozenset()

    def __setattr__(self, name: str, value: Any) -> None:
        if (name in self._exported and isinstance(value, types.ModuleType)
                and value.__name__ == f"{self.__name__}.{name}"):
            return  # the import system binding the submodule: the exported name stays
        super().__setattr__(name, value)
