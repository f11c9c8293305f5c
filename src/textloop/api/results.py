"""Typed results of the public API where a stage's own result does not already serve.

Most ``Project`` methods return the stage's result unchanged (``ImportResult``,
``ReleaseInfo``, ``EvaluationResult``, ``MonitorResult`` ...), each with ``to_dict()``. The
types here exist because the stage answers with something a caller cannot hold on to or
print: ``train`` says how training went but not the run's recorded params, ``predict``
returns a bare list, ``rollback`` a pair of numbers, the registry plain rows.

This module imports no store, NumPy or model code: ``import textloop`` stays light.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, overload

from textloop.types import plain

if TYPE_CHECKING:  # annotations only
    from textloop.stages.predict import Prediction
    from textloop.stages.train import TrainResult


@dataclass(frozen=True)
class Run:
    """A recorded run, as ``textloop runs`` knows it: name, model, release, params, metrics.

    Any ``Project`` method that takes a run accepts this object or a name the CLI accepts
    (``tfidf-lr-3``, ``latest``, ``m3``, ``champion``).
    """

    name: str
    id: str
    number: int
    model: str
    release_id: str | None
    status: str
    params: dict[str, Any] = field(default_factory=dict)
    metrics: dict[str, float] = field(default_factory=dict)
    bundle_path: str | None = None
    training: TrainResult | None = None
    """What ``train`` reported beyond the stored run (bands, notes, calibration choice and,
    for iterative models, the curves' verdict); None for a run looked up by name."""

    @classmethod
    def from_row(cls, row: Mapping[str, Any], training: TrainResult | None = None) -> Run:
        """A run from the store's row (``textloop.storage.runs.get``)."""
        return cls(name=row["name"], id=row["id"], number=row["number"], model=row["model"],
                   release_id=row["release_id"], status=row["status"],
                   params=dict(row["params"]), metrics=dict(row["metrics"]),
                   bundle_path=row["bundle_path"], training=training)

    def __str__(self) -> str:
        return self.name

    def to_dict(self) -> dict[str, Any]:
        return {**plain({k: v for k, v in vars(self).items() if k != "training"}),
                "training": None if self.training is None else self.training.to_dict()}


@dataclass(frozen=True)
class Predictions(Sequence["Prediction"]):
    """The predictions of one run for a list of texts, in the order of the texts."""

    run: str
    items: tuple[Prediction, ...]

    @overload
    def __getitem__(self, index: int) -> Prediction: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[Prediction]: ...
    def __getitem__(self, index: int | slice) -> Prediction | Sequence[Prediction]:
        return self.items[index]

    def __len__(self) -> int:
        return len(self.items)

    def __iter__(self) -> Iterator[Prediction]:
        return iter(self.items)

    @property
    def labels(self) -> list[str]:
        """The predicted label of each text (empty strings for a regression model)."""
        return [p.label for p in self.items]

    def to_dict(self) -> dict[str, Any]:
        return {"run": self.run, "predictions": [p.to_dict() for p in self.items]}


@dataclass(frozen=True)
class Rollback:
    """Which version was champion before a rollback, and which is now."""

    previous: str
    champion: str

    def to_dict(self) -> dict[str, Any]:
        return plain(self)


@dataclass(frozen=True)
class ModelVersion:
    """A registered model version, with the keys ``textloop versions --json`` prints."""

    version: str
    number: int
    run: str
    release: str | None
    metrics: dict[str, Any]
    aliases: list[str]
    created_at: float
    created_by: str

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> ModelVersion:
        """A version from the registry's row (``textloop.stages.versions.list_versions``)."""
        return cls(version=row["name"], number=row["version"], run=row["run_name"],
                   release=row["release_id"], metrics=dict(row["metrics"]),
                   aliases=list(row["aliases"]), created_at=row["created_at"],
                   created_by=row["created_by"])

    def to_dict(self) -> dict[str, Any]:
        return plain(self)
