"""Versioned names for pluggable algorithms and models.

A name such as ``textloop.model.tfidf-lr.v1`` always means the same behaviour; a change
in behaviour gets a new version, so re-running an old run's saved config reproduces it.
Short aliases (``tfidf-lr``) resolve to the newest version.

The registry is the one source of every list of names: config validation, CLI help and the
docs tables all read ``REGISTRY.names(family)``, so a name is spelled once, where it is
registered. Built-in algorithms are *declared* (``textloop.builtins``) with ``declare``,
the same call a plugin makes: a declared name points at ``module:attribute`` and is listed
without importing that module, which is imported the first time the name is resolved. That
is what lets ``textloop.yaml`` be validated against the drift detectors, and ``--help``
list the calibrators, without loading NumPy or scikit-learn. ``register`` (a decorator)
adds an object that is already imported, as a test or a script does.
"""

from __future__ import annotations

import importlib
import re
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, TypeVar

from textloop.errors import NotFoundError

T = TypeVar("T")
_NAME = re.compile(r"^textloop\.(?P<family>[a-z_]+)\.(?P<short>[a-z0-9_-]+)\.v(?P<version>\d+)$")
_TARGET = re.compile(r"^[A-Za-z_][\w.]*:[A-Za-z_][\w.]*$")


@dataclass(frozen=True)
class _Declared:
    """A name whose object is imported on first use: ``module:attribute``."""

    target: str

    def load(self) -> Any:
        module, _, attribute = self.target.partition(":")
        value: Any = importlib.import_module(module)
        for part in attribute.split("."):
            value = getattr(value, part)
        return value


class Registry:
    """Full versioned names -> objects (classes, factories, functions), with their tags.

    ``builtins`` declares the built-in names into the registry; it runs once, on the first
    lookup, so importing this module costs nothing.
    """

    def __init__(self, builtins: Callable[[Registry], None] | None = None) -> None:
        self._entries: dict[str, Any] = {}
        self._tags: dict[str, Mapping[str, Any]] = {}
        self._builtins = builtins
        self._lock = threading.RLock()

    def register(self, name: str, **tags: Any) -> Callable[[T], T]:
        """Decorator registering an imported object under a fully versioned name.

        ``tags`` are facts about the entry that lists need without importing it (a drift
        detector's ``reads``); they must match a declaration of the same name, if any.
        """
        _check_name(name)
        self._ready()

        def wrap(obj: T) -> T:
            with self._lock:
                current = self._entries.get(name)
                if isinstance(current, _Declared) and current.target == _target_of(obj):
                    current = obj  # the declared object itself, imported by its own module
                if current is not None and current is not obj:
                    raise ValueError(f"{name} is already registered")
                self._entries[name] = obj
                self._tags[name] = MappingProxyType({**self._tags.get(name, {}), **tags})
            return obj

        return wrap

    def declare(self, name: str, target: str, **tags: Any) -> None:
        """Declare ``name`` as ``module:attribute``, imported when first resolved.

        This is how built-ins and plugins register: the name is listed (and valid in
        ``textloop.yaml``) at once, and its code loads only when something uses it.
        """
        _check_name(name)
        if not _TARGET.match(target):
            raise ValueError(f"registry target {target!r} must look like package.module:attr")
        with self._lock:
            current = self._entries.get(name)
            if current is not None and not (isinstance(current, _Declared)
                                            and current.target == target):
                raise ValueError(f"{name} is already registered")
            self._entries[name] = _Declared(target)
            self._tags[name] = MappingProxyType(dict(tags))

    def resolve(self, family: str, name: str) -> tuple[str, Any]:
        """Full name and object for a full name or a short alias (newest version wins)."""
        full = self.full_name(family, name)
        with self._lock:
            entry = self._entries[full]
        if isinstance(entry, _Declared):
            loaded = entry.load()
            with self._lock:
                if self._entries[full] is entry:
                    self._entries[full] = loaded
                entry = self._entries[full]
        return full, entry

    def full_name(self, family: str, name: str) -> str:
        """The full versioned name ``name`` stands for, without importing anything."""
        self._ready()
        with self._lock:
            if name in self._entries:
                return name
            matches = []
            for full in self._entries:
                m = _NAME.match(full)
                if m and m["family"] == family and m["short"] == name:
                    matches.append((int(m["version"]), full))
        if not matches:
            known = ", ".join(self.names(family)) or "none"
            raise NotFoundError(f"no {family} named {name!r}", hint=f"known: {known}")
        return max(matches)[1]

    def names(self, family: str, *, sort: bool = True) -> list[str]:
        """Short names of a family, e.g. ``["embed-lr", "tfidf-lr"]``; with ``sort=False``
        in the order they were first registered (the order built-ins are declared in)."""
        self._ready()
        with self._lock:
            fulls = list(self._entries)
        out: dict[str, None] = {}
        for full in fulls:
            m = _NAME.match(full)
            if m and m["family"] == family:
                out[m["short"]] = None
        return sorted(out) if sort else list(out)

    def tags(self, family: str, name: str) -> Mapping[str, Any]:
        """The tags of ``name`` (newest version of a short name), read without importing."""
        full = self.full_name(family, name)
        with self._lock:
            return self._tags.get(full, MappingProxyType({}))

    def _ready(self) -> None:
        """Declare the built-ins, once, before the first lookup."""
        if self._builtins is None:
            return
        with self._lock:  # another thread waits here until every built-in is declared
            if self._builtins is not None:
                self._builtins(self)
                self._builtins = None


def _check_name(name: str) -> None:
    if not _NAME.match(name):
        raise ValueError(f"registry name {name!r} must look like textloop.family.short.vN")


def _target_of(obj: Any) -> str:
    return f"{getattr(obj, '__module__', '')}:{getattr(obj, '__qualname__', '')}"


def _declare_builtins(registry: Registry) -> None:
    from textloop.builtins import declare_builtins

    declare_builtins(registry)


REGISTRY = Registry(builtins=_declare_builtins)
