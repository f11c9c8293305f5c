"""Performance in production: realized where feedback exists, estimated where it does not.

The estimate is confidence-based performance estimation (CBPE, as NannyML names it): if the
probabilities are calibrated, a row predicted with probability 0.8 is right 8 times in 10,
so the expected accuracy of a window is the mean top probability, and the expected
confusion counts per class (hence macro F1) follow from the probabilities too. Two
assumptions make this hold, and both are stated with every estimate: the calibration holds
(checked: the expected calibration error on the validation split must stay under
``max_ece``) and there is no concept drift (P(label | text) unchanged: only feedback can
check it, so the estimate is compared with the realized numbers whenever feedback exists).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from sklearn.metrics import f1_score

from textloop.config import MonitoringSettings
from textloop.measures.calibration import expected_calibration_error
from textloop.stages.monitor.sides import (
    DRIFT,
    NOT_ENOUGH,
    OK,
    Check,
    Comparison,
    Side,
    shortfall,
)
from textloop.strategies.drift import DriftResult
from textloop.strategies.drift.base import top_rows

NAME = "performance"

ASSUMPTIONS = (
    "the probabilities are calibrated on production rows as on the validation split",
    "no concept drift: the same text still means the same label (P(label | text) unchanged)",
)


def estimated_metrics(proba: np.ndarray) -> dict[str, float]:
    """Expected accuracy (with its standard error) and macro F1 from calibrated probabilities."""
    probs = np.asarray(proba, dtype=np.float64)
    top = probs.max(axis=1)
    predicted = probs.argmax(axis=1)
    chosen = np.eye(probs.shape[1], dtype=bool)[predicted]
    tp = (probs * chosen).sum(axis=0)
    fp = ((1.0 - probs) * chosen).sum(axis=0)
    fn = (probs * ~chosen).sum(axis=0)
    denominator = 2 * tp + fp + fn
    used = denominator > 1e-12
    return {"accuracy": float(top.mean()),
            "accuracy_se": float(np.sqrt((top * (1 - top)).sum()) / len(top)),
            "macro_f1": float(np.mean(2 * tp[used] / denominator[used])) if used.any() else 0.0}


def realized_metrics(truth: Sequence[str], predicted: Sequence[str]) -> dict[str, float]:
    """Accuracy and macro F1 of the predictions against feedback labels."""
    y, p = np.asarray(truth, dtype=object), np.asarray(predicted, dtype=object)
    return {"accuracy": float(np.mean(y == p)),
            "macro_f1": float(f1_score(y, p, average="macro", zero_division=0))}


def calibration_check(proba: np.ndarray, truth: Sequence[str], labels: Sequence[str],
                      max_ece: float) -> dict[str, Any]:
    """ECE of the reference probabilities against their true labels, and whether it holds."""
    index = {label: i for i, label in enumerate(labels)}
    known = np.array([t in index for t in truth], dtype=bool)
    if not known.any():
        return {"ece": None, "holds": False, "rows": 0}
    y = np.array([index[t] for t in truth if t in index])
    ece = expected_calibration_error(np.asarray(proba)[known], y)
    return {"ece": ece, "holds": ece <= max_ece, "rows": int(known.sum()), "max_ece": max_ece}


def performance_check(comparison: Comparison, settings: MonitoringSettings) -> Check:
    """Estimated (and, with enough feedback, realized) accuracy against the reference's.

    The score is the larger drop in accuracy; above ``max_performance_drop`` it is an alert.
    An estimate whose calibration assumption fails on the reference is reported but not
    alerted on.
    """
    ref, cur = comparison.reference, comparison.current
    reason = shortfall(comparison, settings)
    if reason:
        return Check(NAME, NAME, comparison.slice, NOT_ENOUGH, len(cur), reason=reason)
    calibration = calibration_check(ref.proba, [str(t) for t in ref.truth], comparison.labels,
                                    settings.max_ece)
    estimate, baseline = estimated_metrics(cur.proba), estimated_metrics(ref.proba)
    details: dict[str, Any] = {"estimated": estimate, "reference_estimated": baseline,
               "reference_realized": realized_metrics([str(t) for t in ref.truth],
                                                      ref.predicted),
               "calibration": calibration, "assumptions": list(ASSUMPTIONS)}
    drops = [baseline["accuracy"] - estimate["accuracy"]] if calibration["holds"] else []
    labeled = [i for i, truth in enumerate(cur.truth) if truth is not None]
    if labeled:
        realized = realized_metrics([str(cur.truth[i]) for i in labeled],
                                    [cur.predicted[i] for i in labeled])
        details["realized"] = {**realized, "rows": len(labeled)}
        if len(labeled) >= settings.min_rows:
            drops.append(details["reference_realized"]["accuracy"] - realized["accuracy"])
    score = max(drops, default=0.0)
    drift = score > settings.max_performance_drop
    result = DriftResult(detector="cbpe", score=score, threshold=settings.max_performance_drop,
                         p_value=None, drift=drift, rows=_suspect_rows(cur, labeled,
                                                                       settings.alert_rows),
                         details=details, method="confidence-based estimate")
    return Check(NAME, NAME, comparison.slice, DRIFT if drift else OK, len(cur), result)


def _suspect_rows(current: Side, labeled: list[int], k: int) -> list[int]:
    """Rows with feedback that contradicts the prediction, then the least confident rows."""
    wrong = [i for i in labeled if current.truth[i] != current.predicted[i]]
    rest = [i for i in top_rows(-current.confidence, k + len(wrong)) if i not in set(wrong)]
    return (wrong + rest)[:k]
