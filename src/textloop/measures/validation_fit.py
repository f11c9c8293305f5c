"""What ``textloop train`` fits on the validation split once the model is trained.

Two things are learned from held-out rows, never from the rows the model was fitted on
(whose probabilities are over-confident): the calibrator, and the action-band thresholds
for the targets declared under ``actions.targets``. The calibrator is kept only when it
lowers the cross-validated ECE on validation (``calibration.choose_calibration``);
otherwise the bundle carries no calibration and says why. Thresholds are chosen on the
probabilities ``predict`` will serve. Both are saved in the bundle.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from textloop.config import Actions, ProjectSpec
from textloop.measures.calibration import (
    calibration_summary,
    choose_calibration,
    to_bundle_parts,
)
from textloop.measures.thresholds import (
    BandPolicy,
    band_table,
    fit_band_policy,
    positive_meaning,
    scores_and_positives,
)


@dataclass
class ValidationFit:
    """Bundle arrays and JSON entries, headline metrics, and problems to tell the user."""

    arrays: dict[str, np.ndarray] = field(default_factory=dict)
    meta: dict[str, Any] = field(default_factory=dict)
    metrics: dict[str, float] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    calibration_choice: str | None = None
    """Which calibration was kept and why (``CalibrationChoice.sentence``)."""

    @property
    def bands(self) -> list[dict[str, Any]]:
        return list(self.meta.get("thresholds", {}).get("bands", []))


def fit_on_validation(proba: np.ndarray | None, y_true: Sequence[str], classes: Sequence[str],
                      spec: ProjectSpec, method: str | None = None) -> ValidationFit:
    """Calibrator + band thresholds from validation probabilities (model column order)."""
    method = method or spec.calibration.method
    rows, y_idx = _known_rows(y_true, classes)
    if proba is None or not rows.any():
        return _without_validation(spec.actions, method)
    probs = np.asarray(proba, dtype=np.float64)[rows]
    bins = spec.calibration.bins
    fitted, choice = choose_calibration(method, probs, y_idx, bins)
    calibrated = fitted.apply(probs)
    arrays, entry = to_bundle_parts(fitted)
    before = calibration_summary(probs, y_idx, bins)["ece"]
    after = calibration_summary(calibrated, y_idx, bins)["ece"]
    policy = _band_policy(calibrated, y_idx, classes, spec.actions)
    chosen = {} if choice is None else {"choice": choice.to_json()}
    cv = ({} if choice is None or choice.ece_calibrated_cv is None
          else {"val/calibrated_ece_cv": choice.ece_calibrated_cv})
    meta = {"calibration": {**entry, "fitted_on": "validation", "rows": int(rows.sum()),
                            "bins": bins, "ece_before": before, "ece_after": after,
                            **chosen},
            "actions": policy.actions.model_dump(mode="json"),
            "thresholds": {**policy.to_json(positive_meaning(spec.actions)),
                           "declared": spec.actions.model_dump(mode="json", exclude_none=True),
                           "fitted_on": "validation"}}
    return ValidationFit(arrays, meta, {"val/ece": before, "val/calibrated_ece": after, **cv},
                         list(policy.unmet), None if choice is None else choice.sentence())


def _band_policy(proba: np.ndarray, y_idx: np.ndarray, classes: Sequence[str],
                 declared: Actions) -> BandPolicy:
    scores, positive = scores_and_positives(proba, y_idx, [str(c) for c in classes], declared)
    return fit_band_policy(scores, positive, declared)


def _known_rows(y_true: Sequence[str], classes: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """Rows whose label the model knows, and those labels as column indices."""
    index = {str(label): i for i, label in enumerate(classes)}
    known = np.array([str(y) in index for y in y_true], dtype=bool)
    return known, np.array([index[str(y)] for y in y_true if str(y) in index], dtype=np.int64)


def _without_validation(declared: Actions, method: str) -> ValidationFit:
    """No validation rows: nothing to calibrate on, and targets cannot be checked."""
    notes = ["no validation rows: probabilities are not calibrated"]
    if declared.targets:
        notes.append("no validation rows: band targets were not applied; the declared "
                     "thresholds are used")
    plain = Actions(bands=dict(declared.bands), default=declared.default,
                    score_labels=list(declared.score_labels))
    table = band_table(np.zeros(0), np.zeros(0, dtype=bool), plain)
    return ValidationFit(meta={"actions": plain.model_dump(mode="json"),
                               "thresholds": {"positive": positive_meaning(declared),
                                              "bands": table, "unmet": notes[1:],
                                              "declared": declared.model_dump(mode="json"),
                                              "fitted_on": None},
                               "calibration_skipped": f"{method}: no validation rows"},
                         notes=notes)
