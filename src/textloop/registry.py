"""Versioned names for pluggable algorithms and models.

A name such as ``textloop.model.tfidf-lr.v1`` always means the same behaviour; a change
in behaviour gets a new version, so re-running an old run's saved config reproduces it.
Short aliases (``tfidf-lr``) resolve to the newest version.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, TypeVar

from textloop.errors import NotFoundError

T = TypeVar("T")
_NAME = re.compile(r"^textloop\.(?P<family>[a-z_]+)\.(?P<short>[a-z0-9_-]+)\.v(?P<version>\d+)$")


class Registry:
    def __init__(self) -> None:
        self._entries: dict[str, Any] = {}

    def register(self, name: str) -> Callable[[T], T]:
        """Decorator registering a factory under a fully versioned name."""
        if not _NAME.match(name):
            raise ValueError(f"registry name {name!r} must look like textloop.family.short.vN")

        def wrap(obj: T) -> T:
            if name in self._entries and self._entries[name] is not obj:
                raise ValueError(f"{name} is already registered")
            self._entries[name] = obj
            return obj

        return wrap

    def resolve(self, family: str, name: str) -> tuple[str, Any]:
        """Full name and object for a full name or a short alias (newest version wins)."""
        if name in self._entries:
            return name, self._entries[name]
        matches = []
        for full in self._entries:
            m = _NAME.match(full)
            if m and m["family"] == family and m["short"] == name:
                matches.append((int(m["version"]), full))
        if not matches:
            known = ", ".join(sorted(self.names(family))) or "none"
            raise NotFoundError(f"no {family} named {name!r}", hint=f"known: {known}")
        full = max(matches)[1]
        return full, self._entries[full]

    def names(self, family: str) -> list[str]:
        """Short names of a family, e.g. ``["embed-lr", "tfidf-lr"]``."""
        out = set()
        for full in self._entries:
            m = _NAME.match(full)
            if m and m["family"] == family:
                out.add(m["short"])
        return sorted(out)


REGISTRY = Registry()
