"""Which classes get synthetic examples, and how many each.

Synthetic data helps most where the model is weakest, so by default the targets are the
classes with the lowest per-class F1 in the champion's stored test evaluation (what its
model version froze at registration). Without a champion there is no such number, and the
rarest labeled classes stand in for the weakest. ``--labels`` names the classes outright.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import Connection

from textloop.config import ProjectSpec
from textloop.errors import InvalidInputError, NotFoundError
from textloop.stages.registry import CHAMPION
from textloop.storage import registry


@dataclass(frozen=True)
class Target:
    label: str
    budget: int
    why: str
    f1: float | None = None
    count: int = 0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def champion_f1(conn: Connection) -> tuple[int, dict[str, float | None]] | None:
    """(version, per-class test F1) of the champion, None when there is no champion."""
    try:
        version = registry.get_version(conn, CHAMPION)
    except NotFoundError:
        return None
    return version["version"], dict(version["metrics"].get("per_class_f1") or {})


def pick_targets(spec: ProjectSpec, counts: Mapping[str, int], *,
                 champion: tuple[int, Mapping[str, float | None]] | None,
                 labels: Sequence[str] | None = None, classes: int | None = None,
                 budget: int | None = None) -> list[Target]:
    """The target classes, each with its budget and the reason it was chosen.

    ``counts``: real labeled records per label. ``labels`` overrides the choice; otherwise
    the ``classes`` weakest (lowest champion F1, fewer records first on ties) or, without a
    champion, the rarest labels, project order breaking ties.
    """
    synth = spec.synth
    n, per_class = classes or synth.classes, budget or synth.per_class
    if labels:
        return [Target(label, per_class, "named (--labels)", count=counts.get(label, 0))
                for label in _known(spec, labels)]
    if champion is not None:
        return _weakest(spec, counts, champion, n, per_class)
    rarest = sorted(spec.label_names, key=lambda lab: counts.get(lab, 0))  # ties: project order
    return [Target(lab, per_class, f"rarest: {counts.get(lab, 0):,} records (no champion)",
                   count=counts.get(lab, 0))
            for lab in rarest[:n]]


def _weakest(spec: ProjectSpec, counts: Mapping[str, int],
             champion: tuple[int, Mapping[str, float | None]], n: int, per_class: int
             ) -> list[Target]:
    """Lowest champion F1 first; a label the champion's evaluation has no F1 for (a label
    added since, or one absent from its test split) comes before every scored label."""
    version, f1 = champion

    def key(label: str) -> tuple[float, int]:  # the sort is stable: ties in project order
        value = f1.get(label)
        return (-1.0 if value is None else value, counts.get(label, 0))

    def why(label: str) -> str:
        value = f1.get(label)
        return (f"no test F1 (champion v{version})" if value is None
                else f"test F1 {value:.3f} (champion v{version})")

    return [Target(label, per_class, why(label), f1=f1.get(label), count=counts.get(label, 0))
            for label in sorted(spec.label_names, key=key)[:n]]


def _known(spec: ProjectSpec, labels: Sequence[str]) -> list[str]:
    unknown = [label for label in labels if label not in spec.label_names]
    if unknown:
        raise InvalidInputError(f"--labels names labels the project does not have: "
                                f"{', '.join(unknown)}",
                                hint=f"use labels from textloop.yaml: "
                                     f"{', '.join(spec.label_names)}")
    return list(dict.fromkeys(labels))
