"""Which classes get synthetic examples, and how many each.

Synthetic data helps most where the model is weakest, so by default the targets are the
classes with the lowest per-class F1 of the champion on its release's validation split.
Not the test split: ``textloop synth evaluate`` judges the batch on the test split, and
classes picked because their test records failed look much improved there whatever the
batch is worth (examples added to a class pull exactly those records over; measured in
BENCHMARKS.md, "Synthetic data"). A release without validation rows falls back to the test
F1 the champion's version froze at registration, and says so. Without a champion there is
no such number, and the rarest labeled classes stand in for the weakest. ``--labels``
names the classes outright.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from textloop.config import ProjectSpec
from textloop.errors import InvalidInputError, NotFoundError
from textloop.measures.metrics import compute_metrics
from textloop.measures.probabilities import align_proba
from textloop.progress import NULL_PROGRESS, Progress
from textloop.stages.release import load_release
from textloop.stages.runs.loading import load_run, model_inputs
from textloop.stages.versions.register import CHAMPION
from textloop.storage import Store, model_versions
from textloop.storage.model_versions import version_name


@dataclass(frozen=True)
class Target:
    label: str
    budget: int
    why: str
    f1: float | None = None
    count: int = 0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class ChampionF1:
    """The champion's per-class F1 and the split it was measured on."""

    version: int
    split: str
    """``validation``, or ``test`` when the champion's release has no validation rows."""
    f1: Mapping[str, float | None]


def champion_f1(store: Store, progress: Progress = NULL_PROGRESS) -> ChampionF1 | None:
    """The champion's per-class F1 on its release's validation split (see the module
    docstring), None when there is no champion."""
    with store.read() as conn:
        try:
            version = model_versions.get_version(conn, CHAMPION)
        except NotFoundError:
            return None
    loaded = load_run(store, version["run_id"])
    data = load_release(store, loaded.run["release_id"])
    part = data.validation
    if not part.texts:
        return ChampionF1(version["version"], "test",
                          dict(version["metrics"].get("per_class_f1") or {}))
    with progress.task(f"Scoring the champion on {len(part.texts):,} validation rows"):
        proba = loaded.served(model_inputs(loaded.model, part.texts, store, progress))
    proba = align_proba(proba, [str(c) for c in loaded.model.classes_], data.labels)
    per_class = compute_metrics(part.labels, proba, data.labels)["per_class"]
    return ChampionF1(version["version"], "validation",
                      {label: (per_class.get(label) or {}).get("f1") for label in data.labels})


def pick_targets(spec: ProjectSpec, counts: Mapping[str, int], *,
                 champion: ChampionF1 | None,
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


def _weakest(spec: ProjectSpec, counts: Mapping[str, int], champion: ChampionF1, n: int,
             per_class: int) -> list[Target]:
    """Lowest champion F1 first; a label the champion has no F1 for (a label added since,
    or one absent from the split) comes before every scored label."""
    f1, where = champion.f1, f"{champion.split} F1"

    def key(label: str) -> tuple[float, int]:  # the sort is stable: ties in project order
        value = f1.get(label)
        return (-1.0 if value is None else value, counts.get(label, 0))

    def why(label: str) -> str:
        value = f1.get(label)
        name = version_name(champion.version)
        return (f"no {where} (champion {name})" if value is None
                else f"{where} {value:.3f} (champion {name})")

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
