"""Hyper-parameter ranges a model declares for search, as plain data.

Each registered model class carries a ``search_space`` dict (parameter name → range) next to
its ``__init__``, so the ranges change with the model that they describe and a new model
brings its own. The ranges are plain dataclasses, not Optuna objects: the models stay free
of the optional ``search`` extra, and a search run saves its space as JSON in its config.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True)
class FloatRange:
    low: float
    high: float
    log: bool = False


@dataclass(frozen=True)
class IntRange:
    low: int
    high: int
    log: bool = False


@dataclass(frozen=True)
class Choice:
    options: tuple[Any, ...]


Range = FloatRange | IntRange | Choice
Space = dict[str, Range]


def space_of(estimator: Any) -> Space:
    """The space declared by ``estimator``'s class (empty when it declares none)."""
    return dict(getattr(type(estimator), "search_space", {}))


def space_json(space: Space) -> dict[str, dict[str, Any]]:
    """The space as JSON for a run's config: ``{"C": {"type": "FloatRange", ...}}``."""
    return {name: {"type": type(r).__name__, **asdict(r)} for name, r in space.items()}
