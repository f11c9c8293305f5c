"""The calibration and action-band sections of ``textloop evaluate``.

Calibration: ECE and the reliability diagram's points before the bundle's calibrator and
after it. Bands: the policy saved in the bundle applied to the evaluated split, each band
beside the volume, precision and recall expected from validation when it was fitted, so a
drift between the two shows at a glance.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from textloop.config import Actions, BandTarget
from textloop.measures.calibration import (
    DEFAULT_BINS,
    UNCALIBRATED,
    calibration_report,
    make_calibrator,
)
from textloop.measures.thresholds import band_table, positive_meaning, scores_and_positives
from textloop.stages.runs.loading import LoadedRun

EXPECTED = ("volume", "precision", "recall", "cumulative_precision", "cumulative_recall")


def calibration_section(loaded: LoadedRun, raw: np.ndarray, calibrated: np.ndarray,
                        y_idx: np.ndarray, labels: Sequence[str]) -> dict[str, Any]:
    """ECE before/after with both diagrams; ``method`` is None for uncalibrated bundles
    (also those where training kept the uncalibrated probabilities: ``choice`` says why).
    The positive class follows the bundle's saved action policy (its score labels)."""
    saved = loaded.meta.get("calibration") or {}
    bins = int(saved.get("bins", DEFAULT_BINS))
    method = loaded.calibration.name if loaded.calibration is not None else None
    if method == make_calibrator(UNCALIBRATED)[0]:
        method = None
    section = calibration_report(raw, calibrated, y_idx, method, bins, labels,
                                 bundle_actions(loaded).score_labels)
    return {**section, "choice": saved.get("choice")}


def bundle_actions(loaded: LoadedRun) -> Actions:
    """The action policy saved in the bundle (what predict applies), not today's spec."""
    return Actions.model_validate(loaded.meta.get("actions") or {})


def band_section(loaded: LoadedRun, proba: np.ndarray, y_idx: np.ndarray,
                 labels: Sequence[str]) -> dict[str, Any]:
    """The bundle's band policy on this split, with validation's expectations beside it."""
    actions = bundle_actions(loaded)
    saved = loaded.meta.get("thresholds") or {}
    targets = {band: BandTarget.model_validate(target) for band, target
               in ((saved.get("declared") or {}).get("targets") or {}).items()}
    scores, positive = scores_and_positives(proba, y_idx, [str(x) for x in labels], actions)
    rows = band_table(scores, positive, actions, targets)
    expected = {row["band"]: row for row in saved.get("bands", [])}
    for row in rows:
        before = expected.get(row["band"], {})
        row |= {f"expected_{key}": before.get(key) for key in EXPECTED}
        row["met"] = before.get("met")
    closed = [row for row in saved.get("bands", []) if row.get("closed")]
    return {"positive": positive_meaning(actions), "bands": rows, "closed": closed,
            "unmet": list(saved.get("unmet", [])), "fitted_on": saved.get("fitted_on")}
