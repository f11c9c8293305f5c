"""The rows of a regression evaluation, shaped for the slice machinery.

``slice_metrics`` asks a split for ``texts``, ``metas``, ``sources`` and ``metrics_on(mask)``;
this class answers with regression metrics, so slices declared once in ``textloop.yaml``
serve classification and regression projects alike (and the promotion policy reads
``slices[key]["mae"]`` the same way it reads ``macro_f1``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from textloop.config import REGRESSION_METRICS
from textloop.measures.regression_metrics import regression_metrics
from textloop.stages.evaluate.error_analysis.slicing import Provenance


@dataclass(frozen=True)
class RegressionSplit:
    texts: Sequence[str]
    truth: np.ndarray
    pred: np.ndarray
    metas: Sequence[Mapping[str, Any]]
    sources: Sequence[Provenance] | None = None

    def metrics_on(self, mask: np.ndarray) -> dict[str, Any]:
        """``n`` and every regression goal metric on the masked rows (None when empty)."""
        rows = np.flatnonzero(mask)
        if rows.size == 0:
            return {"n": 0, **dict.fromkeys(REGRESSION_METRICS)}
        found = regression_metrics(self.truth[rows], self.pred[rows])
        return {"n": int(rows.size), **{name: found.get(name) for name in REGRESSION_METRICS}}
