"""What a check compares and what it records: sides, comparisons, checks.

A side is the reference sample or a production window, per slice.

Every check reads the same few row-aligned arrays, whichever side they come from: texts
(None when the prediction log keeps no texts), sentence vectors, predicted labels, action
bands, calibrated probabilities and the true label where one is known (the release label
for reference rows, feedback for production rows; a span project's stored spans, encoded),
and on a span project the spans predicted on each text (``spans``: the log's for
production, the served bundle's for the reference). A slice is a boolean mask over a side.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from textloop.config import MonitoringSettings
from textloop.reports.monitor_data import ALL as ALL  # re-exported: the stage's name for it
from textloop.strategies.drift import DriftResult
from textloop.strategies.drift.span_base import SpanHit

OK = "ok"
DRIFT = "drift"
NOT_ENOUGH = "not enough data"


@dataclass(frozen=True)
class Side:
    texts: list[str] | None
    vectors: np.ndarray | None
    predicted: list[str]
    bands: list[str]
    proba: np.ndarray
    truth: list[str | None]
    spans: list[list[SpanHit]] | None = None
    """Per row, the spans a span model predicted (None for other tasks)."""

    def __len__(self) -> int:
        return len(self.truth)

    @property
    def confidence(self) -> np.ndarray:
        return self.proba.max(axis=1) if len(self) and self.proba.shape[1] else np.zeros(0)

    def subset(self, mask: np.ndarray) -> Side:
        keep = np.flatnonzero(mask)
        return Side(texts=None if self.texts is None else [self.texts[i] for i in keep],
                    vectors=None if self.vectors is None else self.vectors[keep],
                    predicted=[self.predicted[i] for i in keep],
                    bands=[self.bands[i] for i in keep], proba=self.proba[keep],
                    truth=[self.truth[i] for i in keep],
                    spans=None if self.spans is None else [self.spans[i] for i in keep])


@dataclass(frozen=True)
class Comparison:
    """Production against reference for one slice (``all`` for the whole window).

    ``vocabulary``: the terms training knows; ``labels``: the model's labels, the columns
    of both sides' probabilities; ``language``: the project's (what a term is, for OOV);
    ``span_strings``: the training split's span strings, case-folded (for new entity
    strings); ``expected``: what the served run should reach (``goal`` target, ``test``
    score), for a realized-performance check.
    """

    slice: str
    reference: Side
    current: Side
    vocabulary: frozenset[str]
    labels: list[str]
    language: str | None = None
    span_strings: frozenset[str] = frozenset()
    expected: Mapping[str, float] = field(default_factory=dict)


@dataclass
class Check:
    """One check's outcome. ``rows`` index the comparison's current side."""

    name: str
    group: str
    slice: str
    status: str
    n_rows: int
    result: DriftResult | None = None
    reason: str = ""
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def rows(self) -> list[int]:
        return [] if self.result is None else list(self.result.rows)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"name": self.name, "group": self.group, "slice": self.slice,
                               "status": self.status, "n_rows": self.n_rows,
                               "reason": self.reason}
        numbers = {} if self.result is None else self.result.to_dict()
        out |= {key: numbers.get(key) for key in ("detector", "score", "threshold", "p_value",
                                                  "fixed_threshold", "fixed_drift", "method")}
        out["details"] = {**numbers.get("details", {}), **self.details}
        return out


def shortfall(comparison: Comparison, settings: MonitoringSettings,
              needs_texts: bool = False) -> str:
    """Why a check cannot run on this comparison ("" when it can)."""
    least = settings.min_rows
    if len(comparison.current) < least:
        return f"{len(comparison.current)} production rows (monitoring.min_rows is {least})"
    if len(comparison.reference) < least:
        return f"{len(comparison.reference)} reference rows (monitoring.min_rows is {least})"
    if needs_texts and comparison.current.texts is None:
        return "the prediction log keeps no texts (serving.log_texts is hash or none)"
    return ""
