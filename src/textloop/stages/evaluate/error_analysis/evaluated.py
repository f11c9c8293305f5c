"""The rows an error analysis looks at: texts, truth, metadata and calibrated probabilities."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np

from textloop.config import CLASSIFICATION_METRICS
from textloop.measures.metrics import compute_metrics, validate_inputs
from textloop.stages.evaluate.error_analysis.slicing import Provenance


@dataclass(frozen=True)
class EvaluatedSplit:
    """Row-aligned: ``proba`` columns follow ``labels``, as ``compute_metrics`` takes them.
    ``sources`` (each row's provenance) is needed only by ``source`` slices; ``score_labels``
    decide the positive class of the AUCs, as for the whole split."""

    texts: Sequence[str]
    y_true: Sequence[str]
    metas: Sequence[Mapping[str, Any]]
    proba: np.ndarray
    labels: list[str]
    sources: Sequence[Provenance] | None = None
    score_labels: Sequence[str] = ()

    @cached_property
    def y_idx(self) -> np.ndarray:
        return validate_inputs(self.y_true, self.proba, self.labels)[1]

    @cached_property
    def y_pred(self) -> np.ndarray:
        return np.asarray(self.proba).argmax(axis=1)

    def metrics_on(self, mask: np.ndarray) -> dict[str, Any]:
        """``n`` and every classification goal metric (accuracy, macro_f1, ...) on the masked rows;
        the metrics are None for an empty mask."""
        return subset_metrics(self.y_true, self.proba, self.labels, mask, self.score_labels)


def subset_metrics(y_true: Sequence[str], proba: np.ndarray, labels: Sequence[str],
                   mask: np.ndarray, score_labels: Sequence[str] = ()) -> dict[str, Any]:
    """The headline metrics of ``compute_metrics`` on the rows where ``mask`` is true."""
    rows = np.flatnonzero(mask)
    if rows.size == 0:
        return {"n": 0, **dict.fromkeys(CLASSIFICATION_METRICS)}
    found = compute_metrics([y_true[int(i)] for i in rows], np.asarray(proba)[rows], labels,
                            score_labels)
    return {"n": int(rows.size), **{name: found.get(name) for name in CLASSIFICATION_METRICS}}
