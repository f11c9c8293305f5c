"""Calibration: does a 0.8 mean "right 8 times in 10"? Measure it, and fix it on validation.

Expected calibration error (ECE) is the standard measure (Guo et al., 2017): rows are put
in equal-width bins by their confidence (the probability of the predicted label); ECE is
the row-weighted mean gap between each bin's mean confidence and its accuracy. The same
bins drawn as points are the reliability diagram. When the project has a positive class
(``textloop.config.positive_label``: the score label, else the second of two labels), the
positive-class ECE (bins of P(positive) against how often it is true) is reported too,
because action bands threshold that probability, not the top one.

The calibrator itself is a registered strategy (``textloop.calibration.*``); this module
fits it on a run's validation split, stores it beside the model, and applies it.

A calibrator can make things worse (isotonic on a few hundred rows, temperature on a model
that was already calibrated). ``choose_calibration`` keeps it only when it lowers ECE, and
it judges that out of fold: the calibrator is fitted on validation, so its in-sample ECE
there flatters it. Each of k folds of the validation rows is calibrated by a calibrator
fitted on the other folds, and that cross-validated ECE is compared with the uncalibrated
ECE of the same rows (which nothing was fitted on).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
from sklearn.model_selection import KFold

from textloop.config import positive_label
from textloop.measures.calibration.base import Calibrator, calibrator_from_state, make_calibrator

DEFAULT_BINS = 15
ARRAY_PREFIX = "calibration."
UNCALIBRATED = "none"
CHOICE_FOLDS = 5
MIN_FOLD_ROWS = 20
"""Fewer validation rows per fold than this and the out-of-fold ECE is too noisy to judge."""


@dataclass
class FittedCalibration:
    name: str
    calibrator: Calibrator

    def apply(self, proba: np.ndarray) -> np.ndarray:
        return self.calibrator.transform(proba)


def fit_calibration(method: str, proba: np.ndarray, y_idx: np.ndarray) -> FittedCalibration:
    """Fit the named calibrator on validation probabilities and true label indices."""
    name, calibrator = make_calibrator(method)
    return FittedCalibration(name, calibrator.fit(proba, y_idx))


@dataclass(frozen=True)
class CalibrationChoice:
    """Whether the configured calibrator was kept, and the evidence for it."""

    method: str
    """The configured calibrator's full name."""
    kept: bool
    ece_uncalibrated: float
    ece_calibrated_cv: float | None
    """Cross-validated ECE on validation; None when there were too few rows to compare."""
    folds: int
    rows: int

    def to_json(self) -> dict[str, Any]:
        return {**asdict(self), "kept_name": "calibrated" if self.kept else "uncalibrated",
                "sentence": self.sentence()}

    def sentence(self) -> str:
        """What was kept and why, for training output, run params and the report."""
        if self.ece_calibrated_cv is None:
            return (f"kept {self.method} without checking it: {self.rows} validation rows are "
                    f"too few to compare out of fold (needs {2 * MIN_FOLD_ROWS})")
        compared = (f"cross-validated ECE on validation {self.ece_calibrated_cv:.4f} with it, "
                    f"{self.ece_uncalibrated:.4f} without ({self.folds} folds of "
                    f"{self.rows} rows)")
        if self.kept:
            return f"kept {self.method}: {compared}"
        return f"kept the uncalibrated probabilities, {self.method} made them worse: {compared}"


def choose_calibration(method: str, proba: np.ndarray, y_idx: np.ndarray,
                       bins: int = DEFAULT_BINS, seed: int = 0
                       ) -> tuple[FittedCalibration, CalibrationChoice | None]:
    """The better of ``method`` (fitted on all rows) and no calibration, by out-of-fold ECE
    (see the module docstring); the choice is None when ``method`` is no calibration."""
    probs = np.asarray(proba, dtype=np.float64)
    y = np.asarray(y_idx)
    name, _ = make_calibrator(method)
    fitted = fit_calibration(method, probs, y)
    uncalibrated_name, _ = make_calibrator(UNCALIBRATED)
    if name == uncalibrated_name:
        return fitted, None
    before = expected_calibration_error(probs, y, bins)
    folds = min(CHOICE_FOLDS, len(y) // MIN_FOLD_ROWS)
    if folds < 2:
        return fitted, CalibrationChoice(name, True, before, None, 0, len(y))
    out_of_fold = np.empty_like(probs)
    splitter = KFold(n_splits=folds, shuffle=True, random_state=seed)
    for fit_rows, held in splitter.split(probs):
        out_of_fold[held] = fit_calibration(method, probs[fit_rows], y[fit_rows]).apply(
            probs[held])
    after = expected_calibration_error(out_of_fold, y, bins)
    choice = CalibrationChoice(name, after < before, before, after, folds, len(y))
    return (fitted if choice.kept else fit_calibration(UNCALIBRATED, probs, y)), choice


def reliability_bins(confidence: np.ndarray, outcome: np.ndarray,
                     bins: int = DEFAULT_BINS) -> list[dict[str, float]]:
    """Non-empty equal-width bins: edges, rows, mean confidence and observed frequency."""
    conf = np.asarray(confidence, dtype=np.float64)
    hit = np.asarray(outcome, dtype=np.float64)
    which = np.minimum((conf * bins).astype(np.int64), bins - 1)
    out = []
    for b in np.unique(which):
        member = which == b
        out.append({"lower": b / bins, "upper": (b + 1) / bins, "rows": int(member.sum()),
                    "confidence": float(conf[member].mean()),
                    "accuracy": float(hit[member].mean())})
    return out


def ece_from_bins(table: list[dict[str, float]]) -> float:
    """Row-weighted mean |confidence - accuracy| over the bins."""
    total = sum(row["rows"] for row in table)
    if not total:
        return 0.0
    return float(sum(row["rows"] * abs(row["confidence"] - row["accuracy"])
                     for row in table) / total)


def expected_calibration_error(proba: np.ndarray, y_idx: np.ndarray,
                               bins: int = DEFAULT_BINS) -> float:
    """Top-label ECE with equal-width bins."""
    probs = np.asarray(proba, dtype=np.float64)
    correct = probs.argmax(axis=1) == np.asarray(y_idx)
    return ece_from_bins(reliability_bins(probs.max(axis=1), correct, bins))


def calibration_summary(proba: np.ndarray, y_idx: np.ndarray, bins: int = DEFAULT_BINS,
                        positive: int | None = None) -> dict[str, Any]:
    """ECE and the reliability diagram's points (plus the ``positive`` column's, if any)."""
    probs = np.asarray(proba, dtype=np.float64)
    y = np.asarray(y_idx)
    top = reliability_bins(probs.max(axis=1), probs.argmax(axis=1) == y, bins)
    out: dict[str, Any] = {"ece": ece_from_bins(top), "reliability": top}
    if positive is not None:
        table = reliability_bins(probs[:, positive], y == positive, bins)
        out |= {"positive_ece": ece_from_bins(table), "positive_reliability": table}
    return out


def calibration_report(raw: np.ndarray, calibrated: np.ndarray, y_idx: np.ndarray,
                       method: str | None, bins: int = DEFAULT_BINS,
                       labels: Sequence[str] = (), score_labels: Sequence[str] = ()
                       ) -> dict[str, Any]:
    """Before/after numbers for a report: ``ece_before``, ``ece_after`` and both diagrams,
    plus the positive class's (``positive``) when ``labels`` and ``score_labels`` name one."""
    positive = positive_label(labels, score_labels) if labels else None
    column = None if positive is None else [str(x) for x in labels].index(positive)
    before = calibration_summary(raw, y_idx, bins, column)
    after = calibration_summary(calibrated, y_idx, bins, column)
    out: dict[str, Any] = {"method": method, "bins": bins, "ece_before": before["ece"],
                           "ece_after": after["ece"], "before": before, "after": after}
    if positive is not None:
        out |= {"positive": positive, "positive_ece_before": before["positive_ece"],
                "positive_ece_after": after["positive_ece"]}
    return out


def to_bundle_parts(fitted: FittedCalibration) -> tuple[dict[str, np.ndarray], dict[str, Any]]:
    """(arrays under ``calibration.*``, JSON entry) to add to a model bundle."""
    arrays, extra = fitted.calibrator.export_state()
    return ({ARRAY_PREFIX + key: value for key, value in arrays.items()},
            {"name": fitted.name, "extra": extra})


def from_bundle_parts(meta: dict[str, Any], arrays: dict[str, np.ndarray]
                      ) -> FittedCalibration | None:
    """The calibrator a bundle carries, or None for bundles saved without one."""
    entry = meta.get("calibration")
    if not entry:
        return None
    own = {key[len(ARRAY_PREFIX):]: value for key, value in arrays.items()
           if key.startswith(ARRAY_PREFIX)}
    return FittedCalibration(entry["name"],
                             calibrator_from_state(entry["name"], own, entry.get("extra", {})))
